//! Rebuilding the served site when its sources change.
//!
//! One [`Builder`] owns the saved and warm state and the in-memory sink for the
//! server's lifetime, so every rebuild is incremental. Builds run one at a
//! time on a blocking thread (`build` uses rayon); changes that arrive
//! during a build are gathered into the next one. When a scheduled story
//! falls due, the site is rebuilt with nothing changed, which publishes it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedReceiver;

use super::reload::Live;
use super::{Rebuild, Reporter, ServeEvent};
use crate::publish::sink::{MemorySink, Pages};
use crate::state::{Saved, Warm};
use crate::{BuildOptions, build};

/// Everything a build needs, kept between builds.
pub(super) struct Builder {
    options: BuildOptions,
    saved: Saved,
    warm: Warm,
    sink: MemorySink,
    /// When the next scheduled story falls due, as the last good build said.
    due: Option<jiff::Timestamp>,
}

impl Builder {
    pub(super) fn new(options: BuildOptions) -> Builder {
        Builder {
            options,
            saved: Saved::default(),
            warm: Warm::default(),
            sink: MemorySink::new(),
            due: None,
        }
    }

    /// How long until the next scheduled story falls due (at most an hour,
    /// so that a clock set forward is noticed), if one is scheduled.
    fn until_due(&self) -> Option<Duration> {
        let due = self.due?;
        let left = jiff::Timestamp::now().duration_until(due);
        let left = Duration::try_from(left).unwrap_or(Duration::ZERO);
        // A little after: the story is due from its second on.
        Some(left.min(Duration::from_secs(3600)) + Duration::from_millis(20))
    }

    /// The published pages, shared with the HTTP handlers.
    pub(super) fn pages(&self) -> Pages {
        self.sink.pages()
    }

    /// Builds the site; a failed build leaves the published pages as they were.
    pub(super) fn run(&mut self, changed: Vec<PathBuf>) -> Rebuild {
        let started = Instant::now();
        // The watcher says what changed: the build need not walk content/.
        let outcome = build(
            &self.options,
            Some(&changed),
            &mut self.saved,
            &mut self.warm,
            &mut self.sink,
        );
        if let Ok(report) = &outcome {
            self.due = report.scheduled.as_ref().map(|s| s.at);
        }
        Rebuild {
            changed,
            outcome,
            elapsed: started.elapsed(),
        }
    }
}

/// Rebuilds after every batch of changes until the watcher stops.
pub(super) async fn run(
    mut builder: Builder,
    mut changes: UnboundedReceiver<Vec<PathBuf>>,
    live: Arc<Live>,
    reporter: Reporter,
) {
    loop {
        let until_due = builder.until_due();
        let due = async {
            match until_due {
                Some(wait) => tokio::time::sleep(wait).await,
                None => std::future::pending().await,
            }
        };
        // A batch of changes, or (with nothing changed) a story falling due.
        let mut changed = tokio::select! {
            batch = changes.recv() => match batch {
                Some(batch) => batch,
                None => return,
            },
            () = due => Vec::new(),
        };
        while let Ok(more) = changes.try_recv() {
            changed.extend(more);
        }
        changed.sort();
        changed.dedup();
        let job = tokio::task::spawn_blocking(move || {
            let rebuild = builder.run(changed);
            (builder, rebuild)
        });
        match job.await {
            Ok((returned, rebuild)) => {
                builder = returned;
                finish(&live, &reporter, rebuild);
            }
            Err(err) => {
                let why = format!("a rebuild stopped unexpectedly ({err}); restart digest serve");
                reporter(&ServeEvent::Trouble(why));
                return;
            }
        }
    }
}

/// Shows a build's outcome to the browsers, then to the caller.
pub(super) fn finish(live: &Live, reporter: &Reporter, rebuild: Rebuild) {
    live.record(&rebuild.outcome);
    reporter(&ServeEvent::Rebuilt(Box::new(rebuild)));
}
