//! What one build remembers for the next: parsed articles (keyed by file
//! size, time and content hash) and the fingerprint of every published file.
//!
//! `digest build` keeps it in `.digest-cache/`; `digest serve` keeps it in
//! memory. A cache from another version of digest, or one that cannot be
//! read, is simply ignored: the build is then a cold one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::{Diagnostic, Diagnostics, Location, Severity};
use crate::load::FileStamp;
use crate::load::Walk;
use crate::plan::Page;
use crate::site::{RelatedMemo, Site};
use crate::write::Manifest;

/// A parsed article as cached, with the warnings its parse produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedArticle {
    pub stamp: FileStamp,
    pub article: Arc<Article>,
    pub warnings: Vec<CachedWarning>,
}

/// A warning, in a form that survives the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedWarning {
    pub file: Option<PathBuf>,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl From<&Diagnostic> for CachedWarning {
    fn from(d: &Diagnostic) -> Self {
        CachedWarning {
            file: d.location.as_ref().map(|l| l.file.clone()),
            line: d.location.as_ref().map_or(0, |l| l.line),
            column: d.location.as_ref().map_or(0, |l| l.column),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

impl From<&CachedWarning> for Diagnostic {
    fn from(w: &CachedWarning) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location: w.file.as_ref().map(|f| Location::new(f, w.line, w.column)),
            message: w.message.clone(),
            help: w.help.clone(),
        }
    }
}

/// Everything a build passes to the next one.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct BuildState {
    /// Identifies the program and the parse settings the articles were
    /// parsed with; a mismatch empties the article cache.
    pub parse_key: u64,
    pub articles: rustc_hash::FxHashMap<PathBuf, CachedArticle>,
    /// Fingerprints of the files of the published site.
    pub published: Manifest,
    /// Fingerprints of the files in the spare folder, if known.
    pub spare: Option<Manifest>,
    /// The output folder's (device, inode) after the last publish.
    pub published_id: Option<(u64, u64)>,
    /// The related stories of the last build.
    pub related: RelatedMemo,
    /// The published search bundles and what they were built from.
    pub search: crate::search::SearchState,
    /// The last walk of `content/`, kept in memory for [`Self::changes`].
    #[serde(skip)]
    pub walk: Option<Walk>,
    /// The source files changed since the last build, when the caller
    /// knows them (`digest serve`'s watcher): the next build then looks
    /// only at those instead of walking `content/` again. Taken by it.
    #[serde(skip)]
    pub changes: Option<Vec<PathBuf>>,
    /// The last successful build's site model and pages, kept in memory:
    /// a build whose only changes are edits inside articles patches them.
    #[serde(skip)]
    pub model: Option<Model>,
    /// The last build's theme, for a next build in this process (`digest
    /// serve`) whose changes are all in `content/`.
    #[serde(skip)]
    pub theme: Option<Arc<crate::theme::Theme>>,
    /// Partials minified by earlier builds of this process (`digest serve`).
    #[serde(skip)]
    pub minifier: crate::minify::Minifier,
}

/// A site model and its pages, with what they were made under.
#[derive(Debug)]
pub struct Model {
    pub site: Site,
    pub pages: Vec<Page>,
    /// The warnings that the topics and the site's assembly gave.
    pub warnings: Diagnostics,
    /// The configuration, theme, settings and options they were made with.
    pub key: u64,
}

/// Bumped whenever the cache's shape or meaning changes.
const FORMAT: u32 = 3;

impl BuildState {
    /// Loads the state saved in `dir`, or an empty one.
    pub fn load(dir: &Path) -> BuildState {
        let Ok(bytes) = fs::read(dir.join("state.bin")) else {
            return BuildState::default();
        };
        match postcard::from_bytes::<(u32, String, BuildState)>(&bytes) {
            Ok((FORMAT, version, state)) if version == program_id() => state,
            _ => BuildState::default(),
        }
    }

    /// Saves the state atomically (write, then rename).
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        let bytes = postcard::to_stdvec(&(FORMAT, program_id(), self))
            .map_err(|e| io::Error::other(format!("could not encode the build cache: {e}")))?;
        let tmp = dir.join("state.bin.tmp");
        fs::write(&tmp, bytes)?;
        fs::rename(tmp, dir.join("state.bin"))
    }
}

/// Identifies this build of the program: pages rendered by another build
/// of digest may differ, so its caches are not trusted.
pub fn program_id() -> String {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(fs::metadata)
            .map(|m| FileStamp::of(&m))
            .map_or_else(
                |_| "unknown".to_string(),
                |s| format!("{}-{}", s.size, s.modified_ns),
            );
        format!("{}-{exe}", env!("CARGO_PKG_VERSION"))
    })
    .clone()
}
