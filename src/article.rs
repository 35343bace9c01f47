//! The article: one Markdown file of one edition, parsed and typed.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::config::Lang;

/// A publication time, kept with the UTC offset it was written (or read) in,
/// so that the date shown is the date the newsroom meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PubDate {
    /// Seconds since the Unix epoch.
    pub seconds: i64,
    /// The offset from UTC the time is shown in.
    pub offset_seconds: i32,
}

impl PartialOrd for PubDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PubDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.seconds, self.offset_seconds).cmp(&(other.seconds, other.offset_seconds))
    }
}

impl PubDate {
    pub fn new(timestamp: jiff::Timestamp, offset: jiff::tz::Offset) -> PubDate {
        PubDate {
            seconds: timestamp.as_second(),
            offset_seconds: offset.seconds(),
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
        };
        assert_eq!(date.rfc3339(), "1019-05-04T18:40:00Z");
        let ordinary = PubDate {
            seconds: 1_640_847_600,
            offset_seconds: 3 * 3600,
        };
        assert_eq!(ordinary.rfc3339(), "2021-12-30T10:00:00+03:00");
        let utc = PubDate {
            seconds: 1_640_847_600,
            offset_seconds: 0,
        };
        assert_eq!(utc.rfc3339(), "2021-12-30T07:00:00+00:00");
    }
}

/// A topic as the article names it, with where it does so.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagRef {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// Where the story first appeared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceLink {
    pub name: String,
    pub url: Option<String>,
}

/// The article's lead image. `src` is already a root-relative or absolute URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

/// One article in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// The source file, relative to the site root.
    pub path: PathBuf,
    pub lang: Lang,
    /// The folders between `content/` and the file, `/`-separated.
    pub section: String,
    /// The file name without language and extension: translations share it.
    pub stem: String,
    /// The last URL segment: the front matter's `slug`, else the stem.
    pub slug: String,
    pub title: String,
    pub date: PubDate,
    pub updated: Option<PubDate>,
    /// Plain text: the front matter's `summary`, else the first paragraph.
    pub summary: String,
    /// Whether `summary` was written by the editor (not taken from the body).
    pub has_summary: bool,
    pub tags: Vec<TagRef>,
    pub author: Option<String>,
    pub source: Option<SourceLink>,
    pub image: Option<Image>,
    pub draft: bool,
    pub words: u32,
    /// A hash of the file's path and bytes: changes whenever the file does.
    pub version: u64,
    /// The rendered body; filled when parsed, or on demand for an article
    /// that came from the build cache.
    #[serde(skip)]
    pub body: OnceLock<Arc<str>>,
}

impl Article {
    /// The key translations share: section and stem.
    pub fn translation_key(&self) -> (&str, &str) {
        (&self.section, &self.stem)
    }

    /// The last time the article changed: `updated`, else `date`.
    pub fn modified(&self) -> PubDate {
        self.updated.unwrap_or(self.date)
    }
}
