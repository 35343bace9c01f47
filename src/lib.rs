//! digest: a static site generator for a bilingual news digest.
//!
//! [`build`] is the one entry point `digest build`, `digest serve` and the
//! tests share. It reads like the pipeline it runs:
//!
//! ```text
//! config → theme → walk → parse → topics, authors → site → media → plan → links → search → render → publish
//! ```
//!
//! Each stage takes plain data and returns plain data; only the sink touches
//! the output. The search stage decides which indexes are stale; they are
//! built while the pages are rendered and written, and published with them. Every page gets a fingerprint of what it shows, so a build
//! renders only pages whose inputs changed. The source tree follows the
//! stages: `content/` (walk, front matter, Markdown, the parse stage),
//! `site/` (topics, the model, related stories), `output/` (plan, views,
//! render, feeds, sitemap), `media/` (the pictures the site uses: read,
//! resized, encoded, stripped), `search/` (the search indexes), `publish/`
//! (sinks and the publishing protocol), `serve/`, `tools/` (init, new,
//! check, list, theme copy); beneath them the shared floor: `config`,
//! `locale/`, `theme/`, `html/`, `urls`, `dates`, `files`, `hash`, `yaml`,
//! `error`.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod error;
pub mod files;
pub mod hash;
pub mod html;
pub mod locale;
pub mod media;
pub mod newsletter;
pub mod options;
pub mod output;
pub mod publish;
pub mod report;
pub mod search;
pub mod serve;
pub mod site;
pub mod state;
pub mod theme;
pub mod tools;
pub mod urls;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use crate::options::BuildOptions;
pub use crate::report::{BuildReport, Timings};

use crate::config::Config;
use crate::content::front_matter::ParseSettings;
use crate::error::{BuildError, Diagnostic, Diagnostics};
use crate::files::Changes;
use crate::output::render::Renderer;
use crate::publish::protocol::Publishing;
use crate::publish::sink::{DirSink, Sink};
use crate::site::schedule::Visibility;
use crate::state::{Saved, Warm};
use crate::theme::load::Theme;

/// Builds the site at `options.root` into `sink`. `changed`: the files
/// changed since the last build, when the caller knows them (`digest
/// serve`'s watcher). What `saved` and `warm` say is unchanged is reused;
/// both are updated for the next build.
#[rustfmt::skip] // One stage a line or two: the recipe reads as the pipeline.
pub fn build(
    options: &BuildOptions,
    changed: Option<&[PathBuf]>,
    saved: &mut Saved,
    warm: &mut Warm,
    sink: &mut dyn Sink,
) -> Result<BuildReport, BuildError> {
    let changes = Changes::new(changed, options.force);
    let (mut timings, mut problems) = (Timings::start(), Diagnostics::new());
    // A build that stops this early knows nothing of the site, and what this
    // process kept from earlier builds may miss these changes: forget it.
    let config = config::stage(&options.root, options.base_url.as_deref())
        .inspect_err(|_| *warm = Warm::default())?;
    let visibility = Visibility::new(&config, options)?;
    let theme = theme::load::stage(&config, changes, &mut warm.theme, &mut problems);
    timings.mark("config and theme");
    let walk = content::walk::stage(&config, changes, &mut warm.walk, &mut problems);
    timings.mark("walk");
    let settings = ParseSettings::new(&config);
    let (articles, parsed) = content::articles::stage(
        &config, &walk.files, &settings, options, &mut saved.articles, &mut problems);
    timings.mark("parse");
    let topics = site::topics::stage(&config, &walk.files, &mut problems);
    let authors = site::authors::stage(&config, &walk.files, &mut problems);
    let globals = globals(&config, &settings, theme.as_deref(), options);
    let site = site::model::stage(&config, articles, topics, authors, &visibility, changes,
        globals, &mut warm.site, &mut saved.related, &mut problems);
    timings.mark("site");
    let media = media::stage(&config, &site, &walk.files, theme.as_deref(), &mut saved.media, &mut problems);
    timings.mark("media");
    let theme = loaded(theme, &mut problems)?;
    let assets = [content::walk::assets(&config, &walk.files), theme.assets.clone()].concat();
    let plan = output::plan::stage(&config, &site, assets, &media, &mut warm.plan, &mut problems);
    output::links::check(&config, &site, &plan, &walk.files, &visibility, &mut warm.links, &mut problems);
    no_errors_nor_denied_warnings(&config, options, &mut problems)?;
    timings.mark("plan and links");
    let fingerprints = output::fingerprint::all(&plan, &site, &config, globals, &media.stamps, &mut warm.fingerprints);
    timings.mark("fingerprint");
    let mut search = search::stage(&config, &site, &theme.locales, &settings, &plan.pages,
        &publish::protocol::holds(&saved.publish, &*sink, options.force),
        options.search_in_background, &saved.search, &mut problems);
    no_errors(&mut problems)?;
    timings.mark("search");
    let renderer = Renderer::new(&config, &site, &theme, &settings, &plan, &warm.minifier, &media);
    let mailer = newsletter::Mailer { renderer: &renderer };
    let pictures = media::Pictures::new(
        &config, &media, options.picture_store.as_deref(), &warm.pictures, !options.force);
    let how = Publishing { force: options.force, cache_dir: options.cache_dir.as_deref() };
    // The stale search indexes are built while the pages are written.
    let published = search.build_alongside(|indexes| publish::protocol::publish(
        &plan.pages, fingerprints, indexes, &|page| mailer.render(page),
        &|p, o| pictures.render(p, o), &how, &mut saved.publish, sink, &mut timings, &mut problems))?;
    let (indexed, search_jobs) = search.published(&config, &mut saved.search);
    problems.sort();
    Ok(BuildReport {
        files: published.files, written: published.written, kept: published.kept,
        removed: published.removed, up_to_date: published.up_to_date,
        pictures: pictures.finish(!published.up_to_date),
        parsed, articles: site.articles.len(), warnings: problems.into_vec(),
        scheduled: site.scheduled(&visibility), timings, indexed, search_jobs,
    })
}

/// [`no_errors`], and with `--deny-warnings` (or `deny_warnings: true`)
/// no warnings either: a build for CI fails on any.
fn no_errors_nor_denied_warnings(
    config: &Config,
    options: &BuildOptions,
    problems: &mut Diagnostics,
) -> Result<(), BuildError> {
    no_errors(problems)?;
    let warnings = problems.warning_count();
    let denied_by = match options.deny_warnings {
        Some(true) => "--deny-warnings",
        None if config.deny_warnings => "`deny_warnings: true` in digest.yaml",
        _ => return Ok(()),
    };
    if warnings > 0 {
        let noun = if warnings == 1 { "warning" } else { "warnings" };
        problems.push(
            Diagnostic::error(
                None,
                format!("the build has {warnings} {noun}, and {denied_by} fails the build on any"),
            )
            .with_help("fix what the warnings say, then build again"),
        );
    }
    no_errors(problems)
}

/// Fails the build, with every problem found so far, if any is an error.
fn no_errors(problems: &mut Diagnostics) -> Result<(), BuildError> {
    if !problems.has_errors() {
        return Ok(());
    }
    problems.sort();
    Err(BuildError::Invalid(std::mem::take(problems)))
}

/// The value of a stage that reported its failure in `problems`: the
/// build goes on (to report every problem of the sources at once) only if
/// there is one.
fn loaded<T>(value: Option<T>, problems: &mut Diagnostics) -> Result<T, BuildError> {
    match value {
        Some(value) => Ok(value),
        None => {
            no_errors(problems)?;
            Err(BuildError::Invalid(std::mem::take(problems)))
        }
    }
}

/// A hash of what every page depends on besides its own data: the
/// program, the parse settings, the configuration, the base URL, the theme
/// and the options that change pages.
fn globals(
    config: &Config,
    settings: &ParseSettings,
    theme: Option<&Theme>,
    options: &BuildOptions,
) -> u64 {
    hash::combine(&[
        settings.fingerprint(),
        hash::program_hash(),
        config.source_hash,
        xxhash_rust::xxh3::xxh3_64(config.base_url.to_string().as_bytes()),
        theme.map_or(0, |t| t.fingerprint),
        u64::from(options.drafts),
        u64::from(options.future),
    ])
}

/// Where processed pictures are kept, shared by every output folder and
/// by `digest serve`: `.digest-cache/media/` in the site's folder.
pub fn picture_store(root: &Path) -> PathBuf {
    root.join(".digest-cache").join("media")
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

/// Where a build stages its files when the output's own cache folder
/// cannot be written: beside the output (`.public.cache/`), on its file
/// system, so that the swap stays atomic.
pub fn fallback_cache_dir_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.cache"))
}

/// Whether `a` and the folder `b` is in are on one file system (each read
/// at its nearest existing folder).
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let device = |p: &Path| {
        p.ancestors()
            .find_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.dev())
    };
    let parent = b.parent().unwrap_or(Path::new("."));
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    device(a) == device(parent)
}

/// Builds `options.root` into a folder: the whole of `digest build`.
pub fn build_to_dir(options: &BuildOptions, output: &Path) -> Result<BuildReport, BuildError> {
    let started = std::time::Instant::now();
    let mut cache_dir = cache_dir_for(output);
    if !same_file_system(&cache_dir, output) {
        // A cache folder mounted apart (a cache volume): the spare copy must
        // be on the output's file system to be swapped in.
        cache_dir = fallback_cache_dir_for(output);
    }
    let mut cache_warning = None;
    // The lock comes first: the state read below is then the one the last
    // build into this folder left, not one another build is rewriting.
    let opened = DirSink::new(output, &cache_dir).or_else(|err| {
        // A build cache that cannot be written is no reason not to publish:
        // stage beside the output instead, and say so.
        let fallback = fallback_cache_dir_for(output);
        if err.kind() == std::io::ErrorKind::WouldBlock {
            return Err((err, cache_dir.clone()));
        }
        match DirSink::new(output, &fallback) {
            Ok(sink) => {
                cache_warning = Some(
                    Diagnostic::warning(
                        None,
                        format!(
                            "the build cache {} cannot be written: {}",
                            cache_dir.display(),
                            error::io_reason(&err)
                        ),
                    )
                    .with_help(format!(
                        "the site was built and published with {} instead; make {} writable again",
                        fallback.display(),
                        cache_dir.display()
                    )),
                );
                cache_dir = fallback;
                Ok(sink)
            }
            Err(second) if second.kind() == std::io::ErrorKind::WouldBlock => {
                Err((second, fallback))
            }
            Err(_) => Err((err, cache_dir.clone())),
        }
    });
    let mut sink = opened.map_err(|(err, cache_dir)| {
        let diagnostic = if err.kind() == std::io::ErrorKind::WouldBlock {
            let holder = DirSink::lock_holder(&cache_dir)
                .map_or_else(String::new, |pid| format!(" (process {pid})"));
            Diagnostic::error(
                None,
                format!(
                    "another digest build{holder} is writing {} (it holds {})",
                    output.display(),
                    DirSink::lock_path(&cache_dir).display(),
                ),
            )
            .with_help("wait for it to finish, then build again")
        } else if let Some(refusal) = publish::space::Refusal::of(&err) {
            publish::space::diagnostic(refusal, output, None)
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
    let mut saved = if options.force {
        Saved::default()
    } else {
        Saved::load(&cache_dir)
    };
    sink.trust_published(saved.publish.published_id);
    let options = BuildOptions {
        cache_dir: Some(cache_dir.clone()),
        picture_store: Some(picture_store(&options.root)),
        ..options.clone()
    };
    let loading = started.elapsed();
    let mut result = build(&options, None, &mut saved, &mut Warm::default(), &mut sink);
    if result.as_ref().is_ok_and(|r| !r.up_to_date) {
        saved.publish.published_id = sink.output_id();
    }
    // Parsed articles stay cached even when the build failed. Once the site
    // is published, failing to save is no reason to report a failed build:
    // the state saved before publishing makes the next build a full one.
    // `--timings` accounts for the whole wall time: taking the lock and
    // loading the state before the build, saving it and waiting for the
    // folders deleted in the background after.
    let published = !result.as_ref().is_ok_and(|r| r.up_to_date);
    let saving = saved.save(&cache_dir, published);
    if let Ok(report) = &mut result {
        report.timings.mark("save state");
    }
    sink.finish();
    if let Ok(report) = &mut result {
        report.timings.prepend("lock and load state", loading);
        report.timings.mark("cleanup");
    }
    match (saving, result) {
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
    .map(|mut report| {
        report.warnings.extend(cache_warning);
        report
    })
}
