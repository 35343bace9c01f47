//! How to build: what the command line (or a test) asks of one build.

use std::path::PathBuf;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holding `digest.yaml`).
    pub root: PathBuf,
    /// Overrides the configured `base_url` (previews, `serve`).
    pub base_url: Option<String>,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// Ignore every cache: parse and render everything.
    pub force: bool,
    /// Where to save the build state between the steps of a build, so that
    /// an interrupted build is never mistaken for a finished one.
    pub cache_dir: Option<PathBuf>,
    /// Leave stale search indexes to the caller (`digest serve`, which
    /// builds them in the background): the build publishes the pages with
    /// the old indexes and returns the work in
    /// [`BuildReport::search_jobs`](crate::BuildReport::search_jobs).
    pub search_in_background: bool,
}
