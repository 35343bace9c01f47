//! What a build did, for the command line and the tests: the files it
//! wrote, kept and removed, its warnings, and how long each stage took.

use std::time::{Duration, Instant};

use crate::error::Diagnostic;
pub use crate::site::schedule::Scheduled;

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
    /// The editions whose search index this build built.
    pub indexed: Vec<String>,
    /// With [`BuildOptions::search_in_background`](crate::BuildOptions):
    /// the indexes still to build (`digest serve` builds them and publishes
    /// them with [`crate::publish::protocol::publish_in_place`]).
    pub search_jobs: Vec<crate::search::Job>,
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

    /// Records that `name`, which took `took`, came before every stage
    /// recorded so far (what the caller of the build did first).
    pub fn prepend(&mut self, name: &'static str, took: Duration) {
        self.stages.insert(0, (name, took));
    }

    /// The time of all stages together: the build's wall time.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
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
        write!(
            f,
            "{}; total {:.0} ms",
            parts.join(", "),
            self.total().as_secs_f64() * 1000.0
        )
    }
}
