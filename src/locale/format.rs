//! Words, numbers and dates in each edition's language, from real locale
//! data (ICU4X): CLDR plural rules (Arabic has six forms), month names as
//! the region uses them (كانون الأول in Iraq, ديسمبر in Egypt), and the
//! locale's digits unless the configuration says otherwise.
//!
//! The UI strings themselves come from the theme (`i18n/<lang>.yaml`; see
//! [`crate::locale::strings`]); here they are looked up and filled in.

use icu_calendar::{Date, Iso};
use icu_datetime::fieldsets::{M, T, YM, YMD, YMDT};
use icu_datetime::input::{DateTime, Time};
use icu_datetime::options::TimePrecision;
use icu_datetime::preferences::HourCycle;
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_list::ListFormatter;
use icu_list::options::{ListFormatterOptions, ListLength};
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use indexmap::IndexMap;

use crate::config::{Clock, Lang, LanguageConfig};
use crate::dates::PubDate;

/// A UI string: plain, or one form per CLDR plural category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Plain(String),
    Plural(IndexMap<String, String>),
}

/// CLDR's plural categories, in their usual order.
pub const PLURAL_FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// Everything needed to speak one edition's language.
pub struct LocaleData {
    pub lang: Lang,
    plurals: PluralRules,
    numbers: DecimalFormatter,
    /// "A, B and C": how the language joins names.
    lists: ListFormatter,
    dates: DateTimeFormatter<YMD>,
    times: DateTimeFormatter<T>,
    /// How the locale joins a date and a time.
    glue: Glue,
    month_years: DateTimeFormatter<YM>,
    /// The region's month name and the international one, for dual months.
    months: Option<(DateTimeFormatter<M>, DateTimeFormatter<M>)>,
    hijri: Option<DateTimeFormatter<YMD>>,
    /// The site's time zone: dates are shown as its clocks tell them.
    timezone: jiff::tz::TimeZone,
    /// The locale as a BCP 47 tag with the digits and hour cycle used
    /// (`ar-IQ-u-hc-h23-nu-latn`), for scripts that reword dates.
    tag: String,
    strings: IndexMap<String, Message>,
}

/// How a locale joins a date and a time of day, read off its own
/// date-and-time pattern ("{date}, {time}" in English, "{date}، {time}"
/// in Arabic): the text before, between and after the two.
#[derive(Debug, Clone)]
struct Glue {
    time_first: bool,
    before: String,
    between: String,
    after: String,
}

impl std::fmt::Debug for LocaleData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocaleData")
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// A moment as a page shows it, in the site's time zone.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DateText {
    /// `2021-12-30T10:00:00+03:00`, for `<time datetime>`: the exact
    /// instant, with the offset it was written in.
    pub iso: String,
    /// The date: `30 كانون الأول 2021`.
    pub display: String,
    /// The time of day (`10:00`), if one was written.
    pub time: Option<String>,
    /// Both, as the locale joins them (`30 كانون الأول 2021، 10:00`); the
    /// date alone if no time of day was written.
    pub date_time: String,
    /// The Hijri date, when the edition shows it.
    pub hijri: Option<String>,
    /// The locale the text is written in, with its digits and hour cycle
    /// (`ar-IQ-u-hc-h23-nu-latn`), for scripts that reword it.
    pub locale: String,
}

impl LocaleData {
    pub fn new(
        language: &LanguageConfig,
        strings: IndexMap<String, Message>,
        timezone: &jiff::tz::TimeZone,
    ) -> Result<LocaleData, String> {
        let locale = language.formatting_locale();
        let err = |what: &str, e: &dyn std::fmt::Display| {
            format!("no {what} data for locale {locale}: {e}")
        };
        let plurals =
            PluralRules::try_new_cardinal((&locale).into()).map_err(|e| err("plural", &e))?;
        let numbers = DecimalFormatter::try_new((&locale).into(), Default::default())
            .map_err(|e| err("number", &e))?;
        let lists = ListFormatter::try_new_and(
            (&locale).into(),
            ListFormatterOptions::default().with_length(ListLength::Wide),
        )
        .map_err(|e| err("list", &e))?;
        let dates = DateTimeFormatter::try_new((&locale).into(), YMD::long())
            .map_err(|e| err("date", &e))?;
        let month_years = DateTimeFormatter::try_new((&locale).into(), YM::long())
            .map_err(|e| err("date", &e))?;
        let mut clocked = DateTimeFormatterPreferences::from(&locale);
        clocked.hour_cycle = Some(match language.clock {
            Clock::H24 => HourCycle::H23,
            Clock::H12 => HourCycle::H12,
        });
        let times = DateTimeFormatter::try_new(
            clocked,
            T::medium().with_time_precision(TimePrecision::Minute),
        )
        .map_err(|e| err("time", &e))?;
        let glue = glue(clocked, &times).map_err(|e| err("date and time", &e))?;
        let months = if language.dual_months {
            let international: Locale = format!(
                "{}{}",
                language.lang.as_str().split('-').next().unwrap_or("ar"),
                digits_suffix(&locale)
            )
            .parse()
            .map_err(|e| err("locale", &e))?;
            Some((
                DateTimeFormatter::try_new((&locale).into(), M::long())
                    .map_err(|e| err("month", &e))?,
                DateTimeFormatter::try_new((&international).into(), M::long())
                    .map_err(|e| err("month", &e))?,
            ))
        } else {
            None
        };
        let hijri = if language.hijri {
            let tag = format!(
                "{}-u-ca-islamic-umalqura{}",
                locale.id,
                digits_keyword(&locale)
            );
            let hijri_locale: Locale = tag.parse().map_err(|e| err("locale", &e))?;
            Some(
                DateTimeFormatter::try_new((&hijri_locale).into(), YMD::long())
                    .map_err(|e| err("Hijri date", &e))?,
            )
        } else {
            None
        };
        Ok(LocaleData {
            lang: language.lang.clone(),
            plurals,
            numbers,
            lists,
            dates,
            times,
            glue,
            month_years,
            months,
            hijri,
            timezone: timezone.clone(),
            tag: script_tag(language),
            strings,
        })
    }

    /// Formats a whole number with the locale's digits and grouping.
    pub fn number(&self, n: i64) -> String {
        self.numbers.format(&Decimal::from(n)).to_string()
    }

    /// Joins names as the language does ("Sara al-Musawi and Hawre Aziz",
    /// "سارة الموسوي وهاوري عزيز", "A, B and C"): the whole text, and the
    /// text that follows each name in it (empty after the last), so that
    /// each name can be a link.
    pub fn join(&self, names: &[&str]) -> (String, Vec<String>) {
        let mut sink = Elements::default();
        let formatted = self.lists.format(names.iter());
        writeable::Writeable::write_to_parts(&formatted, &mut sink)
            .expect("writing to a String does not fail");
        let Elements { text, elements } = sink;
        let after = elements
            .iter()
            .enumerate()
            .map(|(i, range)| {
                let next = elements.get(i + 1).map_or(text.len(), |r| r.start);
                text[range.end..next].to_string()
            })
            .collect();
        (text, after)
    }

    /// The CLDR plural category of `n`.
    pub fn plural_form(&self, n: u64) -> &'static str {
        category_name(self.plurals.category_for(n))
    }

    /// A moment as this edition prints it: its date and time where the
    /// site is (`timezone:`), whatever offset it was written with.
    pub fn date(&self, date: &PubDate) -> DateText {
        let civil = date.civil_in(&self.timezone);
        let iso = Date::try_new_iso(
            i32::from(civil.year()),
            civil.month() as u8,
            civil.day() as u8,
        )
        .expect("jiff dates are valid ISO dates");
        let time = Time::try_new(civil.hour() as u8, civil.minute() as u8, 0, 0)
            .expect("jiff times are valid times");
        let display = self.with_dual_month(&iso, self.dates.format(&iso).to_string());
        let time = date.timed.then(|| self.times.format(&time).to_string());
        let glue = &self.glue;
        let date_time = match &time {
            None => display.clone(),
            Some(time) if glue.time_first => {
                [&glue.before, time, &glue.between, &display, &glue.after]
                    .map(String::as_str)
                    .concat()
            }
            Some(time) => [&glue.before, &display, &glue.between, time, &glue.after]
                .map(String::as_str)
                .concat(),
        };
        DateText {
            iso: date.rfc3339(),
            display,
            time,
            date_time,
            hijri: self.hijri.as_ref().map(|f| f.format(&iso).to_string()),
            locale: self.tag.clone(),
        }
    }

    /// The time of day of `date` where the site is, in the edition's
    /// hour cycle (`clock:`) and digits (`10:00`, `10:00 ص`).
    pub fn time(&self, date: &PubDate) -> String {
        let civil = date.civil_in(&self.timezone);
        let time = Time::try_new(civil.hour() as u8, civil.minute() as u8, 0, 0)
            .expect("jiff times are valid times");
        self.times.format(&time).to_string()
    }

    /// A year in the locale's digits, without grouping (a year is not a
    /// quantity): `2021`, `٢٠٢١`.
    pub fn year(&self, year: i16) -> String {
        year.to_string()
            .chars()
            .map(|d| {
                d.to_digit(10)
                    .map_or(d.to_string(), |d| self.number(i64::from(d)))
            })
            .collect()
    }

    /// `كانون الأول 2021`, `December 2021`: the heading of a monthly archive
    /// (`كانون الأول/ديسمبر 2021` with dual month names).
    pub fn month_year(&self, year: i16, month: i8) -> String {
        let date =
            Date::try_new_iso(i32::from(year), month as u8, 1).expect("a month of a real date");
        self.with_dual_month(&date, self.month_years.format(&date).to_string())
    }

    /// Adds the international month name after the regional one, when the
    /// edition prints both and they differ.
    fn with_dual_month(&self, date: &Date<Iso>, text: String) -> String {
        let Some((regional, international)) = &self.months else {
            return text;
        };
        let (r, i) = (
            regional.format(date).to_string(),
            international.format(date).to_string(),
        );
        if r == i {
            text
        } else {
            text.replacen(&r, &format!("{r}/{i}"), 1)
        }
    }

    /// Whether the theme defines the UI string `key`.
    pub fn has_string(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }

    /// The keys of the UI strings the theme defines.
    pub fn string_keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    /// Whether the UI string `key` has plural forms (and so needs a count).
    pub fn is_plural(&self, key: &str) -> bool {
        matches!(self.strings.get(key), Some(Message::Plural(_)))
    }

    /// The forms of a plural UI string as written (`{count}` and other
    /// placeholders unfilled), for pages that count in the browser; a plain
    /// string is its only form, `other`.
    pub fn plural_forms(&self, key: &str) -> Vec<(String, String)> {
        match self.strings.get(key) {
            Some(Message::Plural(forms)) => forms
                .iter()
                .map(|(form, text)| (form.clone(), text.clone()))
                .collect(),
            Some(Message::Plain(text)) => vec![("other".to_string(), text.clone())],
            None => Vec::new(),
        }
    }

    /// The CLDR plural forms this language uses, with a number that takes
    /// each (`few` → 3 in Arabic).
    pub fn plural_forms_used(&self) -> Vec<(&'static str, u64)> {
        let mut forms: Vec<(&'static str, u64)> = Vec::new();
        for n in 0..1000 {
            let form = self.plural_form(n);
            if !forms.iter().any(|(f, _)| *f == form) {
                forms.push((form, n));
            }
        }
        let used: Vec<PluralCategory> = self.plurals.categories().collect();
        forms.retain(|(f, _)| used.iter().any(|c| category_name(*c) == *f));
        forms.sort_by_key(|(f, _)| PLURAL_FORMS.iter().position(|p| p == f));
        forms
    }

    /// Looks up a UI string, choosing the plural form for `count` and filling
    /// `{count}` and other `{name}` placeholders.
    pub fn text(
        &self,
        key: &str,
        count: Option<i64>,
        args: &[(&str, String)],
    ) -> Result<String, String> {
        let message = self
            .strings
            .get(key)
            .ok_or_else(|| missing_string_message(key, &self.lang))?;
        let template = match (message, count) {
            (Message::Plain(text), _) => text.as_str(),
            (Message::Plural(forms), Some(n)) => {
                let form = self.plural_form(n.unsigned_abs());
                forms
                    .get(form)
                    .or_else(|| forms.get("other"))
                    .map(String::as_str)
                    .unwrap_or("")
            }
            (Message::Plural(_), None) => {
                return Err(format!(
                    "the UI string `{key}` has plural forms: pass `count`"
                ));
            }
        };
        let mut text = template.to_string();
        if let Some(n) = count {
            text = text.replace("{count}", &self.number(n));
        }
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Ok(text)
    }
}

/// A list as ICU writes it, with where each of its elements is.
#[derive(Default)]
struct Elements {
    text: String,
    elements: Vec<std::ops::Range<usize>>,
}

impl std::fmt::Write for Elements {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl writeable::PartsWrite for Elements {
    type SubPartsWrite = Self;

    fn with_part(
        &mut self,
        part: writeable::Part,
        mut f: impl FnMut(&mut Self) -> std::fmt::Result,
    ) -> std::fmt::Result {
        let start = self.text.len();
        f(self)?;
        if part == icu_list::parts::ELEMENT {
            self.elements.push(start..self.text.len());
        }
        Ok(())
    }
}

/// Reads how the locale joins a date and a time: it formats a date, a time
/// and both together, and finds the first two in the third. The glue of
/// the medium pattern ("{1}, {0}") is taken, which is the one that joins a
/// long date too ("10 December 2021, 14:00"); the long pattern's glue says
/// "at" ("10 December 2021 at 14:00"), which reads as running text, not a
/// dateline.
fn glue(prefs: DateTimeFormatterPreferences, times: &DateTimeFormatter<T>) -> Result<Glue, String> {
    let sample = DateTime {
        date: Date::try_new_iso(2021, 12, 10).expect("a real date"),
        time: Time::try_new(14, 0, 0, 0).expect("a real time"),
    };
    let dates = DateTimeFormatter::try_new(prefs, YMD::medium()).map_err(|e| e.to_string())?;
    let both = DateTimeFormatter::try_new(
        prefs,
        YMDT::medium().with_time_precision(TimePrecision::Minute),
    )
    .map_err(|e| e.to_string())?;
    let date = dates.format(&sample.date).to_string();
    let time = times.format(&sample.time).to_string();
    let both = both.format(&sample).to_string();
    let (Some(d), Some(t)) = (both.find(&date), both.find(&time)) else {
        return Err(format!("`{both}` holds neither `{date}` nor `{time}`"));
    };
    let (first, first_len, second, second_len) = if d <= t {
        (d, date.len(), t, time.len())
    } else {
        (t, time.len(), d, date.len())
    };
    if first + first_len > second {
        return Err(format!("`{date}` and `{time}` overlap in `{both}`"));
    }
    Ok(Glue {
        time_first: t < d,
        before: both[..first].to_string(),
        between: both[first + first_len..second].to_string(),
        after: both[second + second_len..].to_string(),
    })
}

/// The edition's locale with its digits and hour cycle as a BCP 47 tag,
/// as browsers' `Intl` reads it.
fn script_tag(language: &LanguageConfig) -> String {
    let digits = match language.digits {
        crate::config::Digits::Locale => String::new(),
        crate::config::Digits::Latn => "-nu-latn".into(),
        crate::config::Digits::Arab => "-nu-arab".into(),
    };
    format!(
        "{}-u-hc-{}{digits}",
        language.locale.id,
        language.clock.hour_cycle()
    )
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

fn digits_keyword(locale: &Locale) -> String {
    let text = locale.to_string();
    match text.find("-nu-") {
        Some(at) => format!("-nu-{}", &text[at + 4..at + 8]),
        None => String::new(),
    }
}

fn digits_suffix(locale: &Locale) -> String {
    let keyword = digits_keyword(locale);
    if keyword.is_empty() {
        keyword
    } else {
        format!("-u{keyword}")
    }
}

/// The message for a UI string a language does not define: the same
/// wording at load time and at render time.
pub fn missing_string_message(key: &str, lang: &Lang) -> String {
    format!("the UI string `{key}` is not defined for language `{lang}`")
}
