//! The build's clock, and what a build shows: a story dated later than
//! the clock (read in the site's time zone) is scheduled, and is published
//! nowhere until its time; a draft is published nowhere. A preview build
//! (`--drafts`, `--future`, `digest serve`) shows them, marked as previews
//! (see [`Status`]); every other build holds them back and says what it
//! held back and when to build again.
//!
//! The clock is an input of the build like its options: what is published
//! depends on it, so the site model's memory is keyed by every story's
//! status, and a story that falls due changes the site with no file
//! changed.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::content::article::Article;
use crate::dates::wall_clock;
use crate::error::{BuildError, Diagnostic};
use crate::hash::Hasher;
use crate::options::BuildOptions;

/// Whether a story is out, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Published,
    /// `draft: true`: shown only by `--drafts`, as a preview.
    Draft,
    /// Dated after the build's clock: shown only by `--future` and
    /// `digest serve`, as a preview.
    Scheduled,
}

impl Status {
    /// Shown only to preview the site: marked, `noindex`, in no feed and
    /// no sitemap.
    pub fn is_preview(self) -> bool {
        self != Status::Published
    }
}

/// What a build shows: its clock and the previews it asks for.
#[derive(Debug, Clone)]
pub struct Visibility {
    /// The build's clock.
    pub now: jiff::Timestamp,
    pub drafts: bool,
    pub future: bool,
    /// The site's time zone, for messages.
    timezone: jiff::tz::TimeZone,
    timezone_name: String,
}

impl Visibility {
    /// The clock of `options.now` (read in the site's time zone), else the
    /// system's, and the previews the options ask for.
    pub fn new(config: &Config, options: &BuildOptions) -> Result<Visibility, BuildError> {
        let now = match &options.now {
            Some(moment) => moment.resolve(&config.timezone).map_err(|why| {
                BuildError::Fatal(Diagnostic::error(None, format!("--now: {why}")).with_help(
                    "give a time that exists on the site's clock, e.g. --now 2026-12-05T10:00",
                ))
            })?,
            None => jiff::Timestamp::now(),
        };
        Ok(Visibility {
            now,
            drafts: options.drafts,
            future: options.future,
            timezone: config.timezone.clone(),
            timezone_name: config.timezone_name.clone(),
        })
    }

    /// Every story published, whatever its date (for tools and tests that
    /// look at a site as written).
    pub fn everything() -> Visibility {
        Visibility {
            now: jiff::Timestamp::MAX,
            drafts: true,
            future: true,
            timezone: jiff::tz::TimeZone::UTC,
            timezone_name: "UTC".into(),
        }
    }

    /// Whether `article` is out at the build's clock.
    pub fn status(&self, article: &Article) -> Status {
        if article.draft {
            Status::Draft
        } else if article.date.is_some_and(|d| d.timestamp() > self.now) {
            Status::Scheduled
        } else {
            Status::Published
        }
    }

    /// Whether a story of `status` is in the site this build makes.
    pub fn shows(&self, status: Status) -> bool {
        match status {
            Status::Published => true,
            Status::Draft => self.drafts,
            Status::Scheduled => self.future,
        }
    }

    /// `5 December 2026 10:00 (Asia/Baghdad)`.
    pub fn when(&self, at: jiff::Timestamp) -> String {
        format!(
            "{} ({})",
            wall_clock(at, &self.timezone),
            self.timezone_name
        )
    }
}

/// A story the build holds back, and why.
#[derive(Debug, Clone)]
pub struct Held {
    pub article: Arc<Article>,
    pub status: Status,
}

/// The articles (in path order) this build shows, and those it holds
/// back; with a hash of every story's status, which changes when one falls
/// due.
pub fn sort_out(
    articles: Vec<Arc<Article>>,
    visibility: &Visibility,
) -> (Vec<Arc<Article>>, Vec<Held>, u64) {
    let mut shown = Vec::with_capacity(articles.len());
    let mut held = Vec::new();
    let mut statuses = Hasher::new();
    for article in articles {
        let status = visibility.status(&article);
        statuses.u64(status as u64);
        if visibility.shows(status) {
            shown.push(article);
        } else {
            held.push(Held { article, status });
        }
    }
    (shown, held, statuses.digest())
}

/// What the build says of its scheduled stories: how many, and the next
/// to fall due.
pub fn scheduled<'a>(
    visibility: &Visibility,
    stories: impl Iterator<Item = (&'a Article, Status)>,
) -> Option<Scheduled> {
    let mut count = 0;
    let mut next: Option<(&Article, jiff::Timestamp)> = None;
    for (article, status) in stories {
        // Only a dated story is ever scheduled.
        let Some(at) = article.date.map(|d| d.timestamp()) else {
            continue;
        };
        if status != Status::Scheduled {
            continue;
        }
        count += 1;
        if next.is_none_or(|(a, t)| (at, &article.path) < (t, &a.path)) {
            next = Some((article, at));
        }
    }
    let (article, at) = next?;
    Some(Scheduled {
        count,
        next: PathBuf::from(&article.path),
        at,
        when: visibility.when(at),
    })
}

/// The stories dated after the build's clock: held back (or shown as
/// previews), and when the next falls due, which is when to build again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    pub count: usize,
    /// The next story's source file.
    pub next: PathBuf,
    /// When it falls due.
    pub at: jiff::Timestamp,
    /// That time on the site's clock: `5 December 2026 10:00 (Asia/Baghdad)`.
    pub when: String,
}

impl std::fmt::Display for Scheduled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stories = if self.count == 1 { "story" } else { "stories" };
        write!(
            f,
            "{} {stories} scheduled; the next, {}, at {}",
            self.count,
            self.next.display(),
            self.when
        )
    }
}
