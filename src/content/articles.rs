//! The parse stage: every article file to an [`Article`], in parallel,
//! taking unchanged files from the article cache.
//!
//! The cache is what `digest build` saves between builds: each parsed
//! article with the warnings its parse gave, keyed by path and checked by
//! size and modification time, then by content hash. A file modified in the
//! last two seconds is always checked by content, since a second write
//! within the same clock tick could leave size and time equal.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::content::article::Article;
use crate::content::front_matter::{self, ParseSettings};
use crate::content::walk::{SourceFile, SourceKind};
use crate::error::{Diagnostic, Diagnostics, Location, Severity};
use crate::files::FileStamp;
use crate::hash;
use crate::options::BuildOptions;

/// Parsed articles kept between builds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ArticleCache {
    /// What the articles were parsed with (the program and the parse
    /// settings); another key empties the cache.
    key: u64,
    #[serde(serialize_with = "crate::files::in_key_order")]
    articles: rustc_hash::FxHashMap<PathBuf, CachedArticle>,
    /// Whether this build changed it (then it is saved again).
    #[serde(skip)]
    changed: bool,
}

impl ArticleCache {
    /// Whether the build changed what the cache holds since it was loaded.
    pub fn changed(&self) -> bool {
        self.changed
    }
}

/// The parse stage: every article of `sources`, taking unchanged files
/// from `cache` (emptied first with `--force`, or when the program or the
/// parse settings changed). Returns the articles in the order of
/// `sources`, drafts left out unless `--drafts`, and how many files were
/// parsed afresh.
pub fn stage(
    config: &Config,
    sources: &[SourceFile],
    settings: &ParseSettings,
    options: &BuildOptions,
    cache: &mut ArticleCache,
    problems: &mut Diagnostics,
) -> (Vec<Arc<Article>>, usize) {
    let key = hash::combine(&[settings.fingerprint(), hash::program_hash()]);
    if options.force || cache.key != key {
        cache.changed = true;
        cache.articles.clear();
        cache.key = key;
    }
    parse_articles(config, sources, settings, cache, problems)
}

/// Parses every article, taking unchanged files from the cache. Returns the
/// articles, in the order of `sources`, and how many were parsed afresh.
fn parse_articles(
    config: &Config,
    sources: &[SourceFile],
    settings: &ParseSettings,
    cache: &mut ArticleCache,
    problems: &mut Diagnostics,
) -> (Vec<Arc<Article>>, usize) {
    let cached = &cache.articles;
    let outcomes: Vec<(&SourceFile, Parsed)> = sources
        .par_iter()
        .filter(|f| matches!(f.kind, SourceKind::Article { .. }))
        .map(|file| {
            (
                file,
                parse_one(config, file, settings, cached.get(&file.path)),
            )
        })
        .collect();
    let mut articles = Vec::with_capacity(outcomes.len());
    let mut parsed = 0;
    for (file, outcome) in outcomes {
        match outcome {
            Parsed::Cached(article, warnings) => {
                problems.extend(warnings);
                articles.push(article);
            }
            Parsed::Restamped(article) => {
                let cached = cache.articles.get_mut(&file.path).expect("it was cached");
                cached.stamp = file.stamp;
                cache.changed = true;
                problems.extend(cached.warnings.iter().map(Diagnostic::from));
                articles.push(article);
            }
            Parsed::Fresh(cached, diagnostics) => {
                parsed += 1;
                problems.extend(diagnostics);
                articles.push(cached.article.clone());
                cache.articles.insert(file.path.clone(), cached);
                cache.changed = true;
            }
            Parsed::Failed(diagnostics) => {
                parsed += 1;
                problems.extend(diagnostics);
                cache.changed |= cache.articles.remove(&file.path).is_some();
            }
        }
    }
    if cache.articles.len() > articles.len() {
        // Files deleted or renamed since: forget them.
        let present: rustc_hash::FxHashSet<&Path> =
            sources.iter().map(|f| f.path.as_path()).collect();
        cache
            .articles
            .retain(|path, _| present.contains(path.as_path()));
        cache.changed = true;
    }
    (articles, parsed)
}

/// What became of one article file.
enum Parsed {
    /// Unchanged since the cached parse, with its warnings.
    Cached(Arc<Article>, Vec<Diagnostic>),
    /// Touched but with the same contents: the cached parse, a new stamp.
    Restamped(Arc<Article>),
    /// Parsed afresh, with the problems found.
    Fresh(CachedArticle, Vec<Diagnostic>),
    /// Unreadable, or with errors.
    Failed(Vec<Diagnostic>),
}

fn parse_one(
    config: &Config,
    file: &SourceFile,
    settings: &ParseSettings,
    cached: Option<&CachedArticle>,
) -> Parsed {
    if let Some(c) = cached.filter(|c| c.stamp == file.stamp && !file.stamp.is_recent()) {
        let warnings = c.warnings.iter().map(Diagnostic::from).collect();
        return Parsed::Cached(c.article.clone(), warnings);
    }
    let bytes = match std::fs::read(config.root.join(&file.path)) {
        Ok(bytes) => bytes,
        Err(err) => {
            let d = Diagnostic::io(&file.path, "read the file", &err)
                .with_help("check that the file exists and that you may read it");
            return Parsed::Failed(vec![d]);
        }
    };
    if let Some(c) = cached.filter(|c| c.article.version == hash::version_of(&file.path, &bytes)) {
        return Parsed::Restamped(c.article.clone());
    }
    let parsed = front_matter::parse_article(file, &bytes, settings);
    match parsed.article {
        Some(article) if !parsed.problems.iter().any(Diagnostic::is_error) => Parsed::Fresh(
            CachedArticle {
                stamp: file.stamp,
                warnings: parsed.problems.iter().map(CachedWarning::from).collect(),
                article: Arc::new(article),
            },
            parsed.problems,
        ),
        _ => Parsed::Failed(parsed.problems),
    }
}

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
