//! Publication times: parsed once from front matter into [`PubDate`], a
//! timestamp kept with the offset it was written (or read) in.

use serde::{Deserialize, Serialize};

/// A publication time, kept with the UTC offset it was written (or read) in
/// and whether a time of day was written at all: a story dated
/// `2021-12-10` shows its date, not "00:00".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PubDate {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// The offset from UTC it was written in.
    pub offset_seconds: i32,
    /// Whether the time of day was written (else it is midnight of the
    /// date, in the site's time zone).
    pub timed: bool,
}

impl PartialOrd for PubDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PubDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.seconds, self.offset_seconds, self.timed).cmp(&(
            other.seconds,
            other.offset_seconds,
            other.timed,
        ))
    }
}

impl PubDate {
    /// A moment written with its time of day.
    pub fn new(timestamp: jiff::Timestamp, offset: jiff::tz::Offset) -> PubDate {
        PubDate {
            seconds: timestamp.as_second(),
            offset_seconds: offset.seconds(),
            timed: true,
        }
    }

    /// Whether this moment comes before `other`, as an editor means it: by
    /// the instant when both have a time of day, else by the date in the
    /// site's time zone (`2021-12-10` is not before `2021-12-10T14:00`).
    pub fn is_before(&self, other: &PubDate, tz: &jiff::tz::TimeZone) -> bool {
        if self.timed && other.timed {
            self.seconds < other.seconds
        } else {
            self.civil_in(tz).date() < other.civil_in(tz).date()
        }
    }

    pub fn timestamp(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_second(self.seconds).expect("checked when parsed")
    }

    pub fn offset(&self) -> jiff::tz::Offset {
        jiff::tz::Offset::from_seconds(self.offset_seconds).expect("checked when parsed")
    }

    /// The wall-clock date and time where it was written.
    pub fn civil(&self) -> jiff::civil::DateTime {
        self.offset().to_datetime(self.timestamp())
    }

    /// The wall-clock date and time in `tz` (the site's time zone), which
    /// is what pages show and what files a story under a month.
    pub fn civil_in(&self, tz: &jiff::tz::TimeZone) -> jiff::civil::DateTime {
        tz.to_datetime(self.timestamp())
    }

    /// `2021-12-30T10:00:00+03:00`. RFC 3339 offsets are whole minutes:
    /// a time whose offset is not (local mean time, which time zones give
    /// dates before about 1920) is written in UTC, `…Z`.
    pub fn rfc3339(&self) -> String {
        let offset = if self.offset_seconds % 60 == 0 {
            self.offset()
        } else {
            jiff::tz::Offset::UTC
        };
        let zoned = self
            .timestamp()
            .to_zoned_datetime(jiff::tz::TimeZone::fixed(offset));
        if offset == jiff::tz::Offset::UTC && self.offset_seconds != 0 {
            return zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        }
        zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// Reads a date as written in front matter: a date, a date and time, or an
/// RFC 3339 timestamp.
pub fn parse_date(text: &str, tz: &jiff::tz::TimeZone) -> Result<PubDate, String> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
        // A `Z` offset is UTC; a numeric one is the wall clock minus UTC.
        let offset_seconds = text
            .parse::<jiff::civil::DateTime>()
            .and_then(|civil| civil.to_zoned_datetime(jiff::tz::TimeZone::UTC))
            .map_or(0, |z| z.timestamp().as_second() - timestamp.as_second());
        let offset =
            jiff::tz::Offset::from_seconds(offset_seconds as i32).unwrap_or(jiff::tz::Offset::UTC);
        return Ok(PubDate::new(timestamp, offset));
    }
    let civil = match text.parse::<jiff::civil::DateTime>() {
        Ok(civil) => civil,
        Err(err) => {
            let shaped = text.len() >= 10
                && text.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        *b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let western: String = text.chars().map(western_digit).collect();
            return Err(if shaped {
                let why = impossible_day(&text[..10])
                    .or_else(|| impossible_time(&text[10..]))
                    .unwrap_or_else(|| jiff_reason(&err));
                format!("`{text}` is not a real date or time: {why}")
            } else if western != text && parse_date(&western, tz).is_ok() {
                format!(
                    "`{text}` is written with Arabic-Indic digits; write dates with the digits 0-9: {western}"
                )
            } else {
                format!("`{text}` is not a date digest can read")
            });
        }
    };
    let zoned = civil
        .to_zoned_datetime(tz.clone())
        .map_err(|err| format!("`{text}` does not exist in the site's time zone: {err}"))?;
    let timed = text.len() > 10;
    Ok(PubDate {
        timed,
        ..PubDate::new(zoned.timestamp(), zoned.offset())
    })
}

/// A moment given on the command line (`--now 2026-12-05T10:00`): a wall
/// clock time, read in the site's time zone, or an exact time when it
/// carries an offset (`…+03:00`, `…Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Civil(jiff::civil::DateTime),
    Exact(jiff::Timestamp),
}

impl Moment {
    /// Reads `2026-12-05`, `2026-12-05T10:00`, `2026-12-05 10:00:30` or an
    /// RFC 3339 timestamp.
    pub fn parse(text: &str) -> Result<Moment, String> {
        let text = text.trim();
        if let Ok(timestamp) = text.parse::<jiff::Timestamp>() {
            return Ok(Moment::Exact(timestamp));
        }
        text.parse::<jiff::civil::DateTime>()
            .map(Moment::Civil)
            .map_err(|_| {
                format!("`{text}` is not a time digest can read: write YYYY-MM-DDTHH:MM, e.g. 2026-12-05T10:00 (read in the site's time zone), or add an offset such as +03:00")
            })
    }

    /// The moment as a timestamp, a wall-clock time read in `tz`.
    pub fn resolve(&self, tz: &jiff::tz::TimeZone) -> Result<jiff::Timestamp, String> {
        match self {
            Moment::Exact(timestamp) => Ok(*timestamp),
            Moment::Civil(civil) => civil
                .to_zoned_datetime(tz.clone())
                .map(|zoned| zoned.timestamp())
                .map_err(|err| format!("{civil} does not exist in the site's time zone: {err}")),
        }
    }
}

/// `5 December 2026 10:00`: a time as the build's own messages say it, on
/// the wall clock of `tz`.
pub fn wall_clock(timestamp: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    timestamp
        .to_zoned_datetime(tz.clone())
        .strftime("%-d %B %Y %H:%M")
        .to_string()
}

/// Why a `YYYY-MM-DD` that jiff refused names no day of the calendar, in
/// words an editor reads at a glance ("2021-02 has only 28 days").
fn impossible_day(ymd: &str) -> Option<String> {
    let year: i16 = ymd[..4].parse().ok()?;
    let month: i8 = ymd[5..7].parse().ok()?;
    let day: i8 = ymd[8..10].parse().ok()?;
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let days = jiff::civil::Date::new(year, month, 1).ok()?.days_in_month();
    if day == 0 {
        return Some("there is no day 0".to_string());
    }
    (day > days).then(|| format!("{}-{month:02} has only {days} days", &ymd[..4]))
}

/// Why the time after a date (` 25:00`, `T10:61`) names no time of day.
fn impossible_time(time: &str) -> Option<String> {
    let time = time.strip_prefix([' ', 'T'])?;
    let mut parts = time.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.get(..2)?.parse().ok()?;
    if hour > 23 {
        return Some(format!("there is no hour {hour} (hours run from 00 to 23)"));
    }
    (minute > 59).then(|| format!("there is no minute {minute} (minutes run from 00 to 59)"))
}

/// `٣` and `۳` (Arabic-Indic and Persian digits) as `3`; other characters
/// as they are.
fn western_digit(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        c => c,
    }
}

fn jiff_reason(err: &jiff::Error) -> String {
    let text = err.to_string();
    let text = text
        .strip_prefix("parsed date is not valid: ")
        .unwrap_or(&text);
    text.strip_prefix("failed to parse two digit integer as ")
        .map_or_else(|| text.to_string(), |rest| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_valid_for_offsets_with_seconds() {
        // Baghdad's local mean time (+02:57:40) applies to dates before 1918;
        // RFC 3339 cannot write it, so such times are written in UTC.
        let date = PubDate {
            seconds: -30_000_000_000,
            offset_seconds: 2 * 3600 + 57 * 60 + 40,
            timed: true,
        };
        assert_eq!(date.rfc3339(), "1019-05-04T18:40:00Z");
        let ordinary = PubDate {
            seconds: 1_640_847_600,
            offset_seconds: 3 * 3600,
            timed: true,
        };
        assert_eq!(ordinary.rfc3339(), "2021-12-30T10:00:00+03:00");
        let utc = PubDate {
            seconds: 1_640_847_600,
            offset_seconds: 0,
            timed: true,
        };
        assert_eq!(utc.rfc3339(), "2021-12-30T07:00:00+00:00");
    }

    #[test]
    fn dates_without_offset_use_the_site_time_zone() {
        let tz = jiff::tz::TimeZone::get("Asia/Baghdad").unwrap();
        assert_eq!(
            parse_date("2021-12-30", &tz).unwrap().rfc3339(),
            "2021-12-30T00:00:00+03:00"
        );
        assert_eq!(
            parse_date("2021-12-30 09:15", &tz).unwrap().rfc3339(),
            "2021-12-30T09:15:00+03:00"
        );
        assert_eq!(
            parse_date("2021-12-30T09:15:00Z", &tz).unwrap().rfc3339(),
            "2021-12-30T09:15:00+00:00"
        );
        assert!(!parse_date("2021-12-30", &tz).unwrap().timed);
        assert!(parse_date("2021-12-30 09:15", &tz).unwrap().timed);
        let day = parse_date("2021-12-30", &tz).unwrap();
        let later = parse_date("2021-12-30T21:00:00Z", &tz).unwrap();
        assert!(
            !later.is_before(&day, &tz),
            "31 December in Baghdad is not before the 30th"
        );
        assert!(day.is_before(&later, &tz));
        assert!(!day.is_before(&parse_date("2021-12-30T10:00", &tz).unwrap(), &tz));
        assert_eq!(
            parse_date("30/12/2021", &tz).unwrap_err(),
            "`30/12/2021` is not a date digest can read"
        );
    }

    #[test]
    fn now_is_read_in_the_site_time_zone_unless_it_has_an_offset() {
        let tz = jiff::tz::TimeZone::get("Asia/Baghdad").unwrap();
        let at = |text: &str| Moment::parse(text).unwrap().resolve(&tz).unwrap();
        assert_eq!(at("2026-12-05T10:00").to_string(), "2026-12-05T07:00:00Z");
        assert_eq!(at("2026-12-05").to_string(), "2026-12-04T21:00:00Z");
        assert_eq!(at("2026-12-05T10:00Z").to_string(), "2026-12-05T10:00:00Z");
        assert_eq!(
            wall_clock(at("2026-12-05T10:00"), &tz),
            "5 December 2026 10:00"
        );
        assert!(
            Moment::parse("5/12/2026")
                .unwrap_err()
                .contains("`5/12/2026` is not a time")
        );
    }
}
