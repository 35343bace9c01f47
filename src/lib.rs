//! digest: a static site generator for a bilingual news digest.
//!
//! [`build`] is the one entry point `digest build`, `digest serve` and the
//! tests share. It reads like the pipeline it runs:
//!
//! ```text
//! config → theme → load → parse → topics → site → plan → render → sink
//! ```
//!
//! Each stage takes plain data and returns plain data; only the sink touches
//! the output. Every page gets a fingerprint of what it shows, so a build
//! renders only pages whose inputs changed.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod article;
pub mod cache;
pub mod config;
pub mod error;
pub mod feeds;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod minify;
pub mod nesting;
pub mod parse;
pub mod plan;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod topics;
pub mod urls;
pub mod views;
pub mod write;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::article::Article;
use crate::cache::{BuildState, CachedArticle, CachedWarning};
use crate::config::{BaseUrl, Config};
use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::load::{SourceFile, SourceKind};
use crate::parse::ParseSettings;
use crate::plan::{AssetFile, Page, PageKind};
use crate::render::Renderer;
use crate::site::Site;
use crate::theme::Theme;
use crate::topics::Topics;
use crate::urls::Route;
use crate::write::{Manifest, Sink};

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
    /// the old indexes and returns the work in [`BuildReport::search_jobs`].
    pub search_in_background: bool,
}

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
    pub articles: usize,
    pub warnings: Vec<Diagnostic>,
    /// Nothing changed: the output was left alone.
    pub up_to_date: bool,
    /// How long each stage took, in order.
    pub timings: Timings,
    /// The editions whose search index this build built.
    pub indexed: Vec<String>,
    /// With [`BuildOptions::search_in_background`]: the indexes still to
    /// build, for [`publish_search`] to publish once built.
    pub search_jobs: Vec<search::Job>,
}

/// Wall time per pipeline stage.
#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, std::time::Duration)>);

impl Timings {
    /// Records that the stage `name` ended now; it began when the last one ended.
    fn mark(&mut self, name: &'static str, since: &mut std::time::Instant) {
        let now = std::time::Instant::now();
        self.0.push((name, now - *since));
        *since = now;
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, d)| format!("{n} {:.0} ms", d.as_secs_f64() * 1000.0))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// The site as read from its sources: what every page is made from.
pub struct Loaded {
    pub config: Config,
    pub theme: Arc<Theme>,
    pub site: Site,
    pub settings: ParseSettings,
    pub assets: Vec<AssetFile>,
    pub warnings: Diagnostics,
    pub parsed: usize,
    pub timings: Timings,
    /// The pages, when the site was patched from the last build's model
    /// (they are then unchanged).
    pub pages: Option<Vec<Page>>,
    /// The warnings of the topics and the site's assembly.
    pub site_warnings: Diagnostics,
    /// A hash of what every page depends on: the program, configuration,
    /// base URL, theme, parse settings and options. Also what a site model
    /// kept from this build is valid for.
    pub globals: u64,
}

/// Builds the site at `options.root` into `sink`, reusing what `state`
/// says is unchanged, and updates `state` for the next build.
pub fn build(
    options: &BuildOptions,
    state: &mut BuildState,
    sink: &mut dyn Sink,
) -> Result<BuildReport, BuildError> {
    let mut loaded = load_site(options, state)?;
    let mut clock = std::time::Instant::now();
    let pages = match loaded.pages.take() {
        Some(pages) => pages,
        None => {
            let (pages, problems) = plan::plan(&loaded.config, &loaded.site, loaded.assets.clone());
            if problems.has_errors() {
                return Err(BuildError::Invalid(with_warnings(
                    problems,
                    &loaded.warnings,
                )));
            }
            pages
        }
    };
    loaded.timings.mark("plan", &mut clock);
    let mut report = write_site(&mut loaded, &pages, options, state, sink)?;
    report.timings = std::mem::take(&mut loaded.timings);
    report.parsed = loaded.parsed;
    report.articles = loaded.site.articles.len();
    report.warnings = loaded.warnings.into_vec();
    state.model = Some(cache::Model {
        site: loaded.site,
        pages,
        warnings: loaded.site_warnings,
        key: loaded.globals,
    });
    Ok(report)
}

/// Reads configuration, theme and content into a [`Site`]; every problem of
/// every file is reported together.
pub fn load_site(options: &BuildOptions, state: &mut BuildState) -> Result<Loaded, BuildError> {
    let mut timings = Timings::default();
    let mut clock = std::time::Instant::now();
    // Taken before anything can fail: a build that stops early leaves no
    // walk behind, so the next one walks afresh rather than miss changes.
    let (changes, previous_walk) = (state.changes.take(), state.walk.take());
    let mut config = Config::load(&options.root).map_err(BuildError::Invalid)?;
    if let Some(url) = &options.base_url {
        config.base_url = BaseUrl::parse(url).map_err(|why| {
            BuildError::Fatal(
                Diagnostic::error(None, format!("--base-url: {why}"))
                    .with_help("give an absolute address such as https://example.org/digest/"),
            )
        })?;
    }
    let settings = ParseSettings::new(&config);
    let mut problems = Diagnostics::new();
    // Whether this build was told what changed (`digest serve`), and every
    // change is of a kind.
    let all_changes = |kind: fn(&Path) -> bool| {
        !options.force
            && changes
                .as_ref()
                .is_some_and(|paths| paths.iter().all(|p| kind(p)))
    };
    // Edits inside content/ leave the configuration and theme as they were.
    let theme = match state.theme.take() {
        Some(theme) if all_changes(|p| p.starts_with("content")) => Some(theme),
        _ => Theme::load(&config, render::register_functions)
            .map_err(|d| problems.extend(d))
            .ok()
            .map(Arc::new),
    };
    timings.mark("config and theme", &mut clock);
    let walk = load::rewalk(&config, previous_walk, changes.as_deref());
    problems.extend(walk.problems.iter().cloned());
    let sources = &walk.files;
    timings.mark("walk", &mut clock);
    let parse_key = plan::globals_fingerprint(&[
        settings.fingerprint(),
        xxhash_rust::xxh3::xxh3_64(cache::program_id().as_bytes()),
    ]);
    if options.force || state.parse_key != parse_key {
        state.articles.clear();
        state.parse_key = parse_key;
    }
    let (articles, parsed) = parse_articles(&config, sources, &settings, state, &mut problems);
    timings.mark("parse", &mut clock);
    let articles: Vec<Arc<Article>> = articles
        .into_iter()
        .filter(|a| options.drafts || !a.draft)
        .collect();
    let globals = plan::globals_fingerprint(&[
        parse_key,
        config.source_hash,
        xxhash_rust::xxh3::xxh3_64(config.base_url.to_string().as_bytes()),
        theme.as_ref().map_or(0, |t| t.fingerprint),
        u64::from(options.drafts),
    ]);
    // Only articles were edited: the last model may take the edits.
    let article = |p: &Path| p.starts_with("content") && p.extension().is_some_and(|e| e == "md");
    let patched = match state.model.take() {
        Some(model) if all_changes(article) && model.key == globals => model
            .site
            .with_edits(&config, &articles)
            .map(|site| (site, model.pages, model.warnings)),
        _ => None,
    };
    let (site, pages, site_warnings) = match patched {
        Some((site, pages, warnings)) => (site, Some(pages), warnings),
        None => {
            let tags = read_tags(&config, sources, &mut problems);
            let (topics, mut warnings) = Topics::load(&config, tags.as_deref());
            let (site, site_problems) =
                Site::build_reusing(&config, articles, topics, &mut state.related);
            warnings.extend(site_problems);
            (site, None, warnings)
        }
    };
    problems.extend(site_warnings.iter().cloned());
    timings.mark("site", &mut clock);
    let assets = content_assets(&config, sources);
    state.walk = Some(walk);
    problems.sort();
    match theme {
        Some(theme) if !problems.has_errors() => {
            state.theme = Some(theme.clone());
            let mut assets = assets;
            assets.extend(theme.assets.iter().cloned());
            Ok(Loaded {
                config,
                theme,
                site,
                settings,
                assets,
                warnings: problems,
                parsed,
                timings,
                pages,
                site_warnings,
                globals,
            })
        }
        _ => Err(BuildError::Invalid(problems)),
    }
}

fn with_warnings(mut problems: Diagnostics, warnings: &Diagnostics) -> Diagnostics {
    problems.extend(warnings.iter().cloned());
    problems.sort();
    problems
}

/// Parses every article, taking unchanged files from the cache. Returns the
/// articles, in the order of `sources`, and how many were parsed afresh.
fn parse_articles(
    config: &Config,
    sources: &[SourceFile],
    settings: &ParseSettings,
    state: &mut BuildState,
    problems: &mut Diagnostics,
) -> (Vec<Arc<Article>>, usize) {
    let cache = &state.articles;
    let outcomes: Vec<(&SourceFile, Parsed)> = sources
        .par_iter()
        .filter(|f| matches!(f.kind, SourceKind::Article { .. }))
        .map(|file| {
            (
                file,
                parse_one(config, file, settings, cache.get(&file.path)),
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
                let cached = state.articles.get_mut(&file.path).expect("it was cached");
                cached.stamp = file.stamp;
                problems.extend(cached.warnings.iter().map(Diagnostic::from));
                articles.push(article);
            }
            Parsed::Fresh(cached, diagnostics) => {
                parsed += 1;
                problems.extend(diagnostics);
                articles.push(cached.article.clone());
                state.articles.insert(file.path.clone(), cached);
            }
            Parsed::Failed(diagnostics) => {
                parsed += 1;
                problems.extend(diagnostics);
                state.articles.remove(&file.path);
            }
        }
    }
    if state.articles.len() > articles.len() {
        // Files deleted or renamed since: forget them.
        let present: rustc_hash::FxHashSet<&Path> =
            sources.iter().map(|f| f.path.as_path()).collect();
        state
            .articles
            .retain(|path, _| present.contains(path.as_path()));
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
    if let Some(c) = cached.filter(|c| c.article.version == parse::version_of(&file.path, &bytes)) {
        return Parsed::Restamped(c.article.clone());
    }
    let parsed = parse::parse_article(file, &bytes, settings);
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

fn read_tags(
    config: &Config,
    sources: &[SourceFile],
    problems: &mut Diagnostics,
) -> Option<Vec<u8>> {
    let file = sources.iter().find(|f| f.kind == SourceKind::Tags)?;
    std::fs::read(config.root.join(&file.path))
        .map_err(|err| problems.push(Diagnostic::io(&file.path, "read the topics", &err)))
        .ok()
}

/// Files under `content/` that are not articles: published at the same path.
fn content_assets(config: &Config, sources: &[SourceFile]) -> Vec<AssetFile> {
    sources
        .iter()
        .filter(|f| f.kind == SourceKind::Asset)
        .map(|f| {
            let (folders, name) = f.rel.rsplit_once('/').unwrap_or(("", &f.rel));
            let route = Route::file(folders.split('/').filter(|s| !s.is_empty()), name);
            AssetFile::from_stamp(config.root.join(&f.path), route, f.stamp)
        })
        .collect()
}

/// Renders what changed into the sink and publishes it.
fn write_site(
    loaded: &mut Loaded,
    pages: &[Page],
    options: &BuildOptions,
    state: &mut BuildState,
    sink: &mut dyn Sink,
) -> Result<BuildReport, BuildError> {
    let mut clock = std::time::Instant::now();
    let Loaded {
        config,
        theme,
        site,
        settings,
        timings,
        warnings,
        globals,
        ..
    } = loaded;
    let globals = *globals;
    let reserved = search::reserved_path_problems(config, site, pages);
    if !reserved.is_empty() {
        return Err(BuildError::Invalid(with_warnings(
            Diagnostics::from_iter(reserved),
            warnings,
        )));
    }
    let sitemap = plan::sitemap_fingerprint(site, pages);
    // Each page's output path and fingerprint, in the order of `pages`.
    let fingerprints: Vec<(String, u128)> = pages
        .par_iter()
        .map(|p| {
            (
                p.path.clone(),
                p.fingerprint(site, config, globals, sitemap),
            )
        })
        .collect();
    let editions = search::plan(config, site, &state.search);
    timings.mark("fingerprint", &mut clock);
    // The published search bundles that stay: the current ones, and while
    // new ones are built in the background, the stale ones too.
    let background = options.search_in_background;
    let staying = |e: &&search::EditionPlan| e.is_current() || background;
    let mut kept_search: Vec<(String, u128)> = editions
        .iter()
        .filter(staying)
        .flat_map(|e| e.published.iter().flat_map(|p| p.files.iter().cloned()))
        .collect();
    let stale: Vec<&search::EditionPlan> = editions.iter().filter(|e| !e.is_current()).collect();
    let locales = &theme.locales;
    let unchanged = (background || stale.is_empty())
        && fingerprints.len() + kept_search.len() == state.published.len()
        && fingerprints
            .iter()
            .chain(&kept_search)
            .all(|(path, print)| state.published.get(path) == Some(print));
    if !options.force && unchanged && sink.is_intact() {
        return Ok(BuildReport {
            files: pages.len() + kept_search.len(),
            kept: pages.len() + kept_search.len(),
            up_to_date: true,
            search_jobs: stale
                .iter()
                .map(|e| e.job(config, site, locales, settings))
                .collect(),
            ..BuildReport::default()
        });
    }
    let fatal = |what: &str, err: std::io::Error| {
        BuildError::Fatal(Diagnostic::error(
            None,
            format!("could not {what}: {}", error::io_reason(&err)),
        ))
    };
    // Whether the output holds what `state.published` says: only then is
    // it, once swapped out, a spare whose contents are known.
    let intact = sink.is_intact();
    // From here on the spare's contents are in flux until published.
    let spare = state.spare.take();
    let staged = sink
        .prepare(&state.published, spare.as_ref())
        .map_err(|e| fatal("prepare the output", e))?;
    save_state(options, state)?;
    let empty = Manifest::default();
    let (staged_view, published_view) = if options.force {
        (&empty, &empty)
    } else if !intact {
        // The published folder is not the one the last build left (a build
        // was killed after the swap, or someone replaced it): its files may
        // not match `state.published`, so none is kept.
        (&*staged, &empty)
    } else {
        (&*staged, &state.published)
    };
    // A bundle is kept only if all its files can be; else it is built again.
    let present = |(path, print): &(String, u128)| {
        [staged_view, published_view]
            .iter()
            .any(|m| m.get(path) == Some(print))
    };
    let mut to_build: Vec<&search::EditionPlan> = Vec::new();
    let mut background_jobs = Vec::new();
    for edition in &editions {
        let files = edition.published.as_ref().map_or(&[][..], |p| &p.files[..]);
        let keepable = files.iter().all(present);
        if edition.is_current() && keepable {
            continue;
        }
        if background && keepable {
            background_jobs.push(edition.job(config, site, locales, settings));
        } else {
            kept_search.retain(|f| !files.contains(f));
            to_build.push(edition);
        }
    }
    let jobs: Vec<search::Job> = to_build
        .iter()
        .map(|e| e.job(config, site, locales, settings))
        .collect();
    timings.mark("prepare", &mut clock);
    // Room for each article's card in each language and a few versions more.
    state.minifier.bound(8 * site.articles.len() + 10_000);
    let renderer = Renderer {
        config,
        site,
        theme,
        settings,
        pages,
        minifier: &state.minifier,
    };
    let sink_ref: &dyn Sink = sink;
    // Stale indexes are built on a thread of their own while the pages are
    // rendered, one edition after the other (an index takes much memory).
    let (outcomes, indexing) = std::thread::scope(|scope| {
        let indexer = (!jobs.is_empty()).then(|| {
            scope.spawn(move || {
                let started = std::time::Instant::now();
                let built: Vec<_> = jobs.into_iter().map(search::Job::run).collect();
                (built, started.elapsed())
            })
        });
        let outcomes: Vec<Outcome> = pages
            .par_iter()
            .zip(&fingerprints)
            .map(|(page, (path, print))| {
                write_page(
                    &renderer,
                    sink_ref,
                    page,
                    path,
                    *print,
                    staged_view,
                    published_view,
                )
            })
            .collect();
        (outcomes, indexer.map(|h| h.join()))
    });
    timings.mark("render and write", &mut clock);
    let mut problems = Diagnostics::new();
    let mut built = Vec::new();
    match indexing {
        None => {}
        Some(Ok((results, took))) => {
            timings.0.push(("search index (alongside)", took));
            for result in results {
                match result {
                    Ok(b) => built.push(b),
                    Err(d) => problems.push(d),
                }
            }
        }
        Some(Err(_)) => problems.push(
            Diagnostic::error(None, "the search indexer stopped unexpectedly".to_string())
                .with_help("build again; if it fails again, report it"),
        ),
    }
    let search_files: Vec<(&str, u128, Option<&[u8]>)> = kept_search
        .iter()
        .map(|(path, print)| (path.as_str(), *print, None))
        .chain(built.iter().flat_map(|b| {
            b.files
                .iter()
                .map(|f| (f.path.as_str(), f.fingerprint, Some(&*f.bytes)))
        }))
        .collect();
    let search_outcomes: Vec<Outcome> = search_files
        .par_iter()
        .map(|&(path, print, bytes)| {
            match reuse(sink_ref, path, print, staged_view, published_view) {
                Some(outcome) => outcome,
                None => match bytes {
                    Some(bytes) => match sink_ref.write(path, bytes) {
                        Ok(()) => Outcome::Written(path.to_string()),
                        Err(err) => Outcome::Failed(io_failure(path, "write", &err)),
                    },
                    None => Outcome::Failed(
                        Diagnostic::error(
                            None,
                            format!("the search index file {path} went missing from the output"),
                        )
                        .with_help("build again with --force"),
                    ),
                },
            }
        })
        .collect();
    timings.mark("search files", &mut clock);
    let manifest: Manifest = fingerprints
        .into_iter()
        .chain(
            search_files
                .iter()
                .map(|&(path, print, _)| (path.to_string(), print)),
        )
        .collect();
    let mut report = BuildReport {
        files: manifest.len(),
        ..BuildReport::default()
    };
    for outcome in outcomes.into_iter().chain(search_outcomes) {
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Kept => report.kept += 1,
            Outcome::Written(path) => report.written.push(path),
            Outcome::Failed(d) => problems.push(d),
        }
    }
    for path in staged.keys().filter(|p| !manifest.contains_key(*p)) {
        if let Err(err) = sink.remove(path) {
            problems.push(Diagnostic::error(
                None,
                format!("could not remove {path}: {}", error::io_reason(&err)),
            ));
        }
        if state.published.contains_key(path) {
            report.removed.push(path.clone());
        }
    }
    if problems.has_errors() {
        sink.discard();
        problems.sort();
        return Err(BuildError::Invalid(with_warnings(problems, warnings)));
    }
    sink.publish().map_err(|e| fatal("publish the site", e))?;
    timings.mark("publish", &mut clock);
    let previous = std::mem::replace(&mut state.published, manifest);
    state.spare = (sink.keeps_spare() && intact).then_some(previous);
    state
        .search
        .editions
        .retain(|lang, _| config.find_language(lang).is_some());
    for b in &built {
        state
            .search
            .editions
            .insert(b.lang.to_string(), b.published());
        report.indexed.push(b.lang.to_string());
    }
    for edition in &to_build {
        if !built.iter().any(|b| b.lang == edition.lang) {
            state.search.editions.remove(edition.lang.as_str());
        }
    }
    report.search_jobs = background_jobs;
    report.written.sort();
    report.removed.sort();
    Ok(report)
}

enum Outcome {
    Unchanged,
    Kept,
    Written(String),
    Failed(Diagnostic),
}

/// What becomes of a file whose fingerprint says it need not be written
/// again: already staged, or kept from the published site. `None` when it
/// must be written.
fn reuse(
    sink: &dyn Sink,
    path: &str,
    fingerprint: u128,
    staged: &Manifest,
    published: &Manifest,
) -> Option<Outcome> {
    if staged.get(path) == Some(&fingerprint) {
        return Some(Outcome::Unchanged);
    }
    if published.get(path) == Some(&fingerprint) {
        match sink.keep(path) {
            Ok(true) => return Some(Outcome::Kept),
            Ok(false) => {}
            Err(err) => return Some(Outcome::Failed(io_failure(path, "keep", &err))),
        }
    }
    None
}

fn write_page(
    renderer: &Renderer,
    sink: &dyn Sink,
    page: &Page,
    path: &str,
    fingerprint: u128,
    staged: &Manifest,
    published: &Manifest,
) -> Outcome {
    if let Some(outcome) = reuse(sink, path, fingerprint, staged, published) {
        return outcome;
    }
    let result = match &page.kind {
        PageKind::Asset { source, .. } => sink.copy(path, source),
        _ => match renderer.render(page) {
            Ok(Some(bytes)) => sink.write(path, &bytes),
            Ok(None) => Ok(()),
            Err(d) => return Outcome::Failed(d),
        },
    };
    match result {
        Ok(()) => Outcome::Written(path.to_string()),
        Err(err) => Outcome::Failed(io_failure(path, "write", &err)),
    }
}

fn io_failure(path: &str, doing: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        None,
        format!("could not {doing} {path}: {}", error::io_reason(err)),
    )
    .with_help("check that the output folder is writable and the disk is not full")
}

fn save_state(options: &BuildOptions, state: &BuildState) -> Result<(), BuildError> {
    match &options.cache_dir {
        Some(dir) => state.save(dir).map_err(|err| {
            BuildError::Fatal(Diagnostic::error(
                None,
                format!(
                    "could not save the build cache in {}: {}",
                    dir.display(),
                    error::io_reason(&err)
                ),
            ))
        }),
        None => Ok(()),
    }
}

/// Publishes a search bundle built in the background ([`search::Job`]s of
/// [`BuildReport::search_jobs`]) into a sink that publishes in place
/// (`digest serve`'s [`write::MemorySink`]): its new files are added, the
/// files of the edition's old bundle that it no longer has are removed, and
/// the state remembers it, so that the next build keeps it. Returns how
/// many files were written.
pub fn publish_search(
    built: search::Built,
    state: &mut BuildState,
    sink: &mut dyn Sink,
) -> std::io::Result<usize> {
    let lang = built.lang.to_string();
    let old = state
        .search
        .editions
        .get(&lang)
        .cloned()
        .unwrap_or_default();
    let published = built.published();
    sink.prepare(&state.published, None)?;
    let mut written = 0;
    for file in &built.files {
        if state.published.get(&file.path) != Some(&file.fingerprint) {
            sink.write(&file.path, &file.bytes)?;
            written += 1;
        }
    }
    let keep: rustc_hash::FxHashSet<&str> =
        published.files.iter().map(|(p, _)| p.as_str()).collect();
    for (path, _) in old.files.iter().filter(|(p, _)| !keep.contains(p.as_str())) {
        sink.remove(path)?;
        state.published.remove(path);
    }
    sink.publish()?;
    state.published.extend(published.files.iter().cloned());
    state.search.editions.insert(lang, published);
    Ok(written)
}

/// The default output folder of a site.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}

/// The cache folder for an output folder: beside it, so the spare copy of
/// the site is on the same file system and can be swapped in atomically.
/// Each output folder has its own (`.digest-cache/public/`), so builds into
/// different folders never mistake each other's files for their own.
pub fn cache_dir_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output
        .parent()
        .unwrap_or(Path::new("."))
        .join(".digest-cache")
        .join(name)
}

/// Builds `options.root` into a folder: the whole of `digest build`.
pub fn build_to_dir(options: &BuildOptions, output: &Path) -> Result<BuildReport, BuildError> {
    let cache_dir = cache_dir_for(output);
    // The lock comes first: the state read below is then the one the last
    // build into this folder left, not one another build is rewriting.
    let mut sink = write::DirSink::new(output, &cache_dir).map_err(|err| {
        let diagnostic = if err.kind() == std::io::ErrorKind::WouldBlock {
            Diagnostic::error(
                None,
                format!(
                    "another digest build is writing {} (it holds {})",
                    output.display(),
                    write::DirSink::lock_path(&cache_dir).display()
                ),
            )
            .with_help("wait for it to finish, then build again")
        } else {
            Diagnostic::error(
                None,
                format!(
                    "could not prepare {}: {}",
                    cache_dir.display(),
                    error::io_reason(&err)
                ),
            )
            .with_help("check that the folder beside the output is writable")
        };
        BuildError::Fatal(diagnostic)
    })?;
    let mut state = if options.force {
        BuildState::default()
    } else {
        BuildState::load(&cache_dir)
    };
    sink.trust_published(state.published_id);
    let options = BuildOptions {
        cache_dir: Some(cache_dir.clone()),
        ..options.clone()
    };
    let result = build(&options, &mut state, &mut sink);
    if result.as_ref().is_ok_and(|r| !r.up_to_date) {
        state.published_id = sink.output_id();
    }
    // Parsed articles stay cached even when the build failed. Once the site
    // is published, failing to save is no reason to report a failed build:
    // the state saved before publishing makes the next build a full one.
    match (state.save(&cache_dir), result) {
        (Err(err), Ok(mut report)) => {
            report.warnings.push(
                Diagnostic::warning(
                    None,
                    format!(
                        "could not save the build cache in {}: {}",
                        cache_dir.display(),
                        error::io_reason(&err)
                    ),
                )
                .with_help("the site was published; the next build will render every page"),
            );
            Ok(report)
        }
        (_, result) => result,
    }
}
