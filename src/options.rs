//! How to build: what the command line (or a test) asks of one build.

use std::path::PathBuf;

use crate::dates::Moment;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holding `digest.yaml`).
    pub root: PathBuf,
    /// Overrides the configured `base_url` (previews, `serve`).
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`, as marked previews.
    pub drafts: bool,
    /// Include stories dated after the build's clock, as marked previews.
    pub future: bool,
    /// The build's clock: what is published is what is due at this
    /// moment. `None`: the system's clock when the build starts.
    pub now: Option<Moment>,
    /// Fail the build on any warning: `Some` overrides `deny_warnings:`
    /// in `digest.yaml` (`--deny-warnings`; `digest serve` never denies).
    pub deny_warnings: Option<bool>,
    /// Ignore every cache: parse and render everything.
    pub force: bool,
    /// Where to save the build state between the steps of a build, so that
    /// an interrupted build is never mistaken for a finished one.
    pub cache_dir: Option<PathBuf>,
    /// Where processed pictures are kept between builds (and between
    /// `digest build` and `digest serve`); `None`: in the memory of the
    /// process.
    pub picture_store: Option<PathBuf>,
}
