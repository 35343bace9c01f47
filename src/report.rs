//! What a build did, for the command line and the tests: the files it
//! wrote, kept and removed, its warnings, and how long each stage took.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::Diagnostic;

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Files in the site.
    pub files: usize,
    /// Files rendered or copied by this build.
    pub written: Vec<String>,
    /// Files kept from the previous build.
    pub kept: usize,
    /// Files removed because the site no longer has them.
    pub removed: Vec<String>,
    /// Articles parsed (the rest came from the cache).
    pub parsed: usize,
    /// Pictures decoded and encoded (the rest were published already, or
    /// came from the picture store).
    pub pictures: usize,
    pub articles: usize,
    pub warnings: Vec<Diagnostic>,
    /// The stories scheduled after the build's clock, if any.
    pub scheduled: Option<Scheduled>,
    /// Nothing changed: the output was left alone.
    pub up_to_date: bool,
    /// How long each stage took, in order.
    pub timings: Timings,
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

/// Wall time per pipeline stage.
#[derive(Debug, Clone)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    since: Instant,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            stages: Vec::new(),
            since: Instant::now(),
        }
    }
}

impl Timings {
    /// Starts timing now.
    pub fn start() -> Timings {
        Timings::default()
    }

    /// Records that the stage `name` ended now; it began when the last one
    /// ended.
    pub fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages.push((name, now - self.since));
        self.since = now;
    }

    /// Each stage with its time, in order.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(n, d)| format!("{n} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect();
        f.write_str(&parts.join(", "))
    }
}
