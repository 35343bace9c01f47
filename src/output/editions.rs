//! Editions: an edition's stories gathered by day and by ISO week, in the
//! site's time zone, as a newsroom sends them. Drafts and stories dated
//! after the build's clock (scheduled) are never in one: a build holds them
//! back, and a preview build (`--drafts`, `--future`, `digest serve`), which
//! shows them as previews, still leaves them out of every edition.

use std::sync::Arc;

use crate::config::{Config, Lang};
use crate::content::article::ArticleId;
use crate::site::model::Site;

/// The period an edition covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar day in the site's time zone.
    Day(jiff::civil::Date),
    /// An ISO 8601 week (Monday to Sunday), by its week-numbering year.
    Week { year: i16, week: i8 },
}

impl Period {
    /// `2021-12-10`, `2021-W49`: the edition's URL segment and file name.
    pub fn slug(&self) -> String {
        match self {
            Period::Day(d) => d.to_string(),
            Period::Week { year, week } => format!("{year:04}-W{week:02}"),
        }
    }

    /// `day` or `week`.
    pub fn kind(&self) -> &'static str {
        match self {
            Period::Day(_) => "day",
            Period::Week { .. } => "week",
        }
    }

    /// A day as `--day` takes it: `2021-12-10`.
    pub fn parse_day(text: &str) -> Result<Period, String> {
        text.parse::<jiff::civil::Date>()
            .map(Period::Day)
            .map_err(|_| format!("`{text}` is not a date: write it as 2021-12-10"))
    }

    /// A week as `--week` takes it: `2021-W49`.
    pub fn parse_week(text: &str) -> Result<Period, String> {
        let bad = || format!("`{text}` is not an ISO week: write it as 2021-W49");
        let (year, week) = text.split_once("-W").ok_or_else(bad)?;
        let (year, week): (i16, i8) = (
            year.parse().map_err(|_| bad())?,
            week.parse().map_err(|_| bad())?,
        );
        jiff::civil::ISOWeekDate::new(year, week, jiff::civil::Weekday::Monday)
            .map_err(|_| format!("{year} has no week {week}"))?;
        Ok(Period::Week { year, week })
    }

    /// The first day of the period.
    pub fn first_day(&self) -> jiff::civil::Date {
        match self {
            Period::Day(d) => *d,
            Period::Week { year, week } => {
                jiff::civil::ISOWeekDate::new(*year, *week, jiff::civil::Weekday::Monday)
                    .expect("weeks are checked when made")
                    .date()
            }
        }
    }

    /// The last day of the period.
    pub fn last_day(&self) -> jiff::civil::Date {
        match self {
            Period::Day(d) => *d,
            Period::Week { year, week } => {
                jiff::civil::ISOWeekDate::new(*year, *week, jiff::civil::Weekday::Sunday)
                    .expect("weeks are checked when made")
                    .date()
            }
        }
    }
}

/// One edition: a period of one language and its stories, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub period: Period,
    pub items: Arc<[ArticleId]>,
    /// The edition before this one (older) and after it (newer), of the
    /// same kind.
    pub prev: Option<Period>,
    pub next: Option<Period>,
    /// The languages with an edition of the same period, this one included.
    pub languages: Arc<[Lang]>,
}

/// A period and its stories, newest first.
type Gathered = (Period, Vec<ArticleId>);

/// Every edition of every language: per language, the days and then the
/// weeks, newest first.
pub fn issues(config: &Config, site: &Site) -> Vec<(Lang, Vec<Issue>)> {
    let mut all: Vec<(Lang, Vec<Gathered>)> = Vec::new();
    for language in &config.languages {
        let lang = &language.lang;
        let mut days: Vec<Gathered> = Vec::new();
        let mut weeks: Vec<Gathered> = Vec::new();
        for &id in &site.edition(lang).articles {
            let article = &site.articles[id];
            // Standalone pages (about, contact), dated or not, are in no
            // edition, like they are in no list or feed.
            let Some(date) = article.date.filter(|_| !article.is_page()) else {
                continue;
            };
            if site.is_preview(id) {
                continue;
            }
            let day = config.timezone.to_datetime(date.timestamp()).date();
            let iso = day.iso_week_date();
            let week = Period::Week {
                year: iso.year(),
                week: iso.week(),
            };
            // Articles come newest first, so each period's come together.
            for (list, period) in [(&mut days, Period::Day(day)), (&mut weeks, week)] {
                match list.last_mut() {
                    Some((p, ids)) if *p == period => ids.push(id),
                    _ => list.push((period, vec![id])),
                }
            }
        }
        days.extend(weeks);
        all.push((lang.clone(), days));
    }
    let languages_of = |period: &Period| -> Arc<[Lang]> {
        all.iter()
            .filter(|(_, ps)| ps.iter().any(|(p, _)| p == period))
            .map(|(l, _)| l.clone())
            .collect()
    };
    all.iter()
        .map(|(lang, periods)| {
            let issues = periods
                .iter()
                .enumerate()
                .map(|(i, (period, ids))| {
                    let same_kind = |j: usize| {
                        periods
                            .get(j)
                            .map(|(p, _)| *p)
                            .filter(|p| p.kind() == period.kind())
                    };
                    Issue {
                        period: *period,
                        items: ids.as_slice().into(),
                        prev: same_kind(i + 1),
                        next: i.checked_sub(1).and_then(same_kind),
                        languages: languages_of(period),
                    }
                })
                .collect();
            (lang.clone(), issues)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_and_read_back() {
        let week = Period::parse_week("2021-W49").unwrap();
        assert_eq!(week.slug(), "2021-W49");
        assert_eq!(week.first_day().to_string(), "2021-12-06");
        assert_eq!(week.last_day().to_string(), "2021-12-12");
        assert_eq!(
            Period::parse_day("2021-12-10").unwrap().slug(),
            "2021-12-10"
        );
        assert_eq!(
            Period::parse_week("2021-W54").unwrap_err(),
            "2021 has no week 54"
        );
        assert_eq!(
            Period::parse_day("10/12/2021").unwrap_err(),
            "`10/12/2021` is not a date: write it as 2021-12-10"
        );
    }
}
