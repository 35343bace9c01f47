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
    /// Where processed pictures are kept between builds (and between
    /// `digest build` and `digest serve`); `None`: in the memory of the
    /// process.
    pub picture_store: Option<PathBuf>,
}
