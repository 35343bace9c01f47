//! Search: an index per edition, built with Pagefind as a library.
//!
//! Each edition's stories and standalone pages (about, contact) become
//! Pagefind records (see [`record`]): title, summary and body as text, with
//! Arabic words given their search keys ([`normalise`]), and a story's
//! topics, section, year and date as filters (a standalone page shows none
//! of them, so it has none). List pages (sections, topics, authors,
//! archives) are not indexed: their stories are. Pagefind
//! turns them into a bundle of static files, published under
//! `pagefind/{lang}/`: its search script and WebAssembly, and the index in
//! small content-named pieces that a browser fetches as a query needs
//! them. The theme's search page (`/{lang}/search/`) drives it.
//!
//! Building an index takes far longer than rendering a page, so it is only
//! built when what it indexes changed: [`plan`] compares each edition's
//! *input fingerprint* (the stamps of its stories, which change with their
//! files and their topics' labels, and what dates are printed with) with
//! the one the published bundle was built from. A stale edition gets a
//! [`Job`]; the search [`stage`] runs it before the site is published
//! (`digest build`), or leaves it to `digest serve`, which runs it in the
//! background while the old bundle stays published. What was published is
//! remembered in [`SearchState`], held in [`crate::state::Saved`].

pub mod normalise;
pub mod record;
mod text;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::ScopedJoinHandle;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_128;

use crate::config::{Config, Lang};
use crate::content::article::Article;
use crate::content::body::render_body;
use crate::content::front_matter::ParseSettings;
use crate::error::{Diagnostic, Diagnostics};
use crate::files::{Made, MadeFile, load_versioned, save_versioned};
use crate::locale::strings::Locales;
use crate::output::plan::{Page, PageKind};
use crate::site::model::Site;
use crate::site::topics::TopicId;
use crate::urls::{SEARCH_BUNDLES as BUNDLES, search_bundle};
use record::{Parts, Record};

/// What the search stage leaves to the publish stage and to the caller.
#[derive(Debug, Default)]
pub struct Indexes {
    /// Every edition's bundle: kept as published, and (once
    /// [`Indexes::build_alongside`] built them) the ones built now.
    pub files: Vec<MadeFile>,
    /// Stale indexes to build before the site is published.
    now: Vec<Job>,
    /// The bundles built now, to remember once they are published.
    built: Vec<(Lang, Published)>,
    /// Stale indexes left to the caller (`search_in_background`).
    jobs: Vec<Job>,
}

/// The search stage: which editions' indexes are current, kept as
/// published, and which must be built again because what they index
/// changed (the work of [`Indexes::build_alongside`]). `holds` says whether
/// the output holds a file (path, fingerprint) that the publish stage can
/// keep; a bundle is kept only if all its files can be. With `background`,
/// a stale bundle that can be kept stays published and its [`Job`] is left
/// to the caller.
#[allow(clippy::too_many_arguments)]
pub fn stage(
    config: &Config,
    site: &Site,
    locales: &Arc<Locales>,
    settings: &ParseSettings,
    pages: &[Page],
    holds: &dyn Fn(&str, u128) -> bool,
    background: bool,
    state: &SearchState,
    problems: &mut Diagnostics,
) -> Indexes {
    let reserved = reserved_path_problems(config, site, pages);
    if !reserved.is_empty() {
        problems.extend(Diagnostics::from_iter(reserved));
        return Indexes::default();
    }
    let mut indexes = Indexes::default();
    if !config.search {
        // No index: the published bundles go with the next publish.
        return indexes;
    }
    for edition in plan(config, site, state) {
        let files = edition.published.map_or(&[][..], |p| &p.files[..]);
        // Vacuously true of an edition never indexed: in the background,
        // its first index comes after the pages.
        let keepable = files.iter().all(|(path, print)| holds(path, *print));
        if keepable && (edition.is_current() || background) {
            indexes
                .files
                .extend(files.iter().map(|(path, print)| MadeFile {
                    path: path.clone(),
                    fingerprint: *print,
                    bytes: None,
                }));
        }
        if edition.is_current() && keepable {
            continue;
        }
        let job = edition.job(config, site, locales, settings);
        if background && keepable {
            indexes.jobs.push(job);
        } else {
            indexes.now.push(job);
        }
    }
    indexes
}

impl Indexes {
    /// Runs `work` (rendering and writing the pages) while the stale
    /// indexes are built beside it, each edition on a thread of its own,
    /// and gives `work` the bundles' files as [`Made`]: the kept ones at
    /// once, the built ones when it waits for them. Pagefind reads an
    /// index's records one at a time and compresses its pieces one at a
    /// time, so an index alone keeps about one core busy: the pages, and
    /// the other edition, use the rest.
    pub fn build_alongside<R>(&mut self, work: impl FnOnce(&dyn Made) -> R) -> R {
        let jobs = std::mem::take(&mut self.now);
        if jobs.is_empty() {
            return work(&self.files);
        }
        // Each index gets a pool of its own: work queued on the pages' pool
        // would wait for the pages, and a pool shared by two indexes lets a
        // thread that waits inside one index (within Pagefind's runtime)
        // take up the other, whose runtime cannot start there.
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let (result, indexed) = std::thread::scope(|scope| {
            let running = jobs
                .into_iter()
                .map(|job| {
                    scope.spawn(move || {
                        let lang = job.lang.to_string();
                        let pool = rayon::ThreadPoolBuilder::new()
                            .num_threads(cores.max(2))
                            .thread_name(move |i| format!("digest-search-{lang}-{i}"))
                            .build();
                        match pool {
                            Ok(pool) => pool.install(|| job.run()),
                            Err(_) => job.run(),
                        }
                    })
                })
                .collect();
            let indexing = Indexing {
                kept: &self.files,
                running: Mutex::new(running),
                done: OnceLock::new(),
            };
            let result = work(&indexing);
            indexing.finish();
            let indexed = indexing.done.into_inner().expect("finished");
            (result, indexed)
        });
        self.files = indexed.files;
        self.built = indexed.built;
        result
    }

    /// Once the site is published: remembers the bundles built now in
    /// `state` (and forgets removed editions'). Returns the editions
    /// indexed and the jobs left to the caller.
    pub fn published(self, config: &Config, state: &mut SearchState) -> (Vec<String>, Vec<Job>) {
        state
            .editions
            .retain(|lang, _| config.search && config.find_language(lang).is_some());
        let mut indexed = Vec::new();
        for (lang, published) in self.built {
            indexed.push(lang.to_string());
            state.editions.insert(lang.to_string(), published);
        }
        (indexed, self.jobs)
    }
}

/// The indexes being built beside the pages (see
/// [`Indexes::build_alongside`]).
struct Indexing<'scope, 'a> {
    /// The bundles kept as published.
    kept: &'a [MadeFile],
    /// The editions' threads, until they are waited for.
    running: Mutex<Vec<ScopedJoinHandle<'scope, Result<Built, Diagnostic>>>>,
    /// Once every thread ended: what they built, or why not.
    done: OnceLock<Indexed>,
}

/// What the indexes' threads left.
struct Indexed {
    /// The kept bundles' files and the built ones'.
    files: Vec<MadeFile>,
    built: Vec<(Lang, Published)>,
    problems: Diagnostics,
}

impl Indexing<'_, '_> {
    /// Waits for every edition's thread, once.
    fn finish(&self) -> &Indexed {
        self.done.get_or_init(|| {
            let running = std::mem::take(&mut *self.running.lock().expect("not poisoned"));
            let mut indexed = Indexed {
                files: self.kept.to_vec(),
                built: Vec::new(),
                problems: Diagnostics::new(),
            };
            for thread in running {
                let result = thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                match result {
                    Ok(built) => {
                        indexed.built.push((built.lang.clone(), built.published()));
                        indexed.files.extend(built.files);
                    }
                    Err(d) => indexed.problems.push(d),
                }
            }
            indexed
        })
    }
}

impl Made for Indexing<'_, '_> {
    fn known(&self) -> Option<&[MadeFile]> {
        None
    }

    fn wait(&self) -> Result<&[MadeFile], Diagnostics> {
        let indexed = self.finish();
        if indexed.problems.is_empty() {
            Ok(&indexed.files)
        } else {
            Err(indexed.problems.clone())
        }
    }
}

/// Pages that would be written where the bundles are published (files in
/// a folder `content/pagefind/`), as errors.
fn reserved_path_problems(config: &Config, site: &Site, pages: &[Page]) -> Vec<Diagnostic> {
    pages
        .iter()
        .filter(|p| p.path.starts_with(BUNDLES) && p.path[BUNDLES.len()..].starts_with('/'))
        .map(|page| {
            let message = format!(
                "this would be published at public/{}, in the folder where digest publishes the search index (public/{BUNDLES}/)",
                page.path
            );
            let d = match &page.kind {
                PageKind::Asset { source, .. } => match source.path() {
                    Some(path) => Diagnostic::in_file(
                        path.strip_prefix(&config.root).unwrap_or(path),
                        message,
                    ),
                    None => Diagnostic::error(None, message),
                },
                PageKind::Article(id) => Diagnostic::in_file(&site.articles[*id].path, message),
                _ => Diagnostic::error(None, message),
            };
            d.with_help(format!(
                "move it out of content/{BUNDLES}/, or rename that folder"
            ))
        })
        .collect()
}

/// The published bundles, as the next build needs to know them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchState {
    /// Language code → the bundle published for it.
    pub editions: BTreeMap<String, Published>,
}

/// The file the state is saved in.
const STATE_FILE: &str = "search.bin";

impl SearchState {
    /// The state saved in `dir`, or an empty one (no bundle known).
    pub fn load(dir: &std::path::Path) -> SearchState {
        load_versioned(&dir.join(STATE_FILE)).unwrap_or_default()
    }

    /// Saves the state in `dir`, atomically.
    pub fn save(&self, dir: &std::path::Path) -> std::io::Result<()> {
        save_versioned(&dir.join(STATE_FILE), self)
    }

    /// Remembers a bundle built after its build published the site (`digest
    /// serve`), and returns the files of the edition's old bundle that the
    /// new one no longer has, for the caller to remove.
    pub fn replace(&mut self, built: &Built) -> Vec<String> {
        let published = built.published();
        let old = self
            .editions
            .insert(built.lang.to_string(), published.clone())
            .unwrap_or_default();
        let keep: rustc_hash::FxHashSet<&str> =
            published.files.iter().map(|(p, _)| p.as_str()).collect();
        old.files
            .into_iter()
            .map(|(path, _)| path)
            .filter(|path| !keep.contains(path.as_str()))
            .collect()
    }
}

/// One edition's published bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// The input fingerprint it was built from.
    pub input: u128,
    /// Its files (paths from the output's root) and their fingerprints.
    pub files: Vec<(String, u128)>,
}

/// Where one edition's index stands.
#[derive(Debug, Clone)]
pub struct EditionPlan<'a> {
    pub lang: Lang,
    /// The input fingerprint of what the index would be built from now.
    pub input: u128,
    /// The bundle the last build published, if any.
    pub published: Option<&'a Published>,
}

impl EditionPlan<'_> {
    /// Whether the published bundle indexes what the site has now.
    pub fn is_current(&self) -> bool {
        self.published
            .as_ref()
            .is_some_and(|p| p.input == self.input)
    }

    /// The work of building this edition's index afresh.
    pub fn job(
        &self,
        config: &Config,
        site: &Site,
        locales: &Arc<Locales>,
        settings: &ParseSettings,
    ) -> Job {
        Job::new(config, site, locales, settings, &self.lang, self.input)
    }
}

/// Where every edition's index stands. Cheap: a hash of each edition's
/// story stamps.
pub fn plan<'a>(config: &Config, site: &Site, state: &'a SearchState) -> Vec<EditionPlan<'a>> {
    config
        .languages
        .iter()
        .map(|language| EditionPlan {
            lang: language.lang.clone(),
            input: input_fingerprint(config, site, &language.lang),
            published: state.editions.get(language.lang.as_str()),
        })
        .collect()
}

/// What an edition's index is made of: its stories' and standalone pages'
/// stamps, in order, and everything else a record shows (how dates are
/// printed, in which time zone, how raw HTML is read), and the program and
/// normalisation rules that make it.
fn input_fingerprint(config: &Config, site: &Site, lang: &Lang) -> u128 {
    let language = config.language(lang);
    let mut bytes = Vec::with_capacity(64 + 8 * site.articles.len());
    let head = format!(
        "{}\0{}\0{}\0{}\0{}\0{}\0{:?}\0{}\0",
        crate::hash::program_id(),
        normalise::VERSION,
        lang,
        language.formatting_locale(),
        language.dual_months,
        language.hijri,
        config.raw_html,
        config.timezone_name,
    );
    bytes.extend_from_slice(head.as_bytes());
    for id in indexed(site, lang) {
        bytes.extend_from_slice(&site.stamps[id].page.to_le_bytes());
    }
    xxh3_128(&bytes)
}

/// What an edition's index holds: its stories, newest first, then its
/// standalone pages.
fn indexed<'a>(site: &'a Site, lang: &Lang) -> impl Iterator<Item = usize> + 'a {
    let edition = site.edition(lang);
    edition.articles.iter().chain(&edition.pages).copied()
}

/// Building one edition's index: everything it needs, owned, so that it
/// can run on another thread while the site goes on (`digest serve`).
pub struct Job {
    pub lang: Lang,
    /// The input fingerprint of what it indexes.
    pub input: u128,
    /// What it indexes, as cheap to gather as can be: a save in `digest
    /// serve` makes the job, and the background indexer runs it.
    stories: Vec<Story>,
    /// The slugs of the edition's topics.
    slugs: rustc_hash::FxHashMap<TopicId, String>,
    locales: Arc<Locales>,
    root: PathBuf,
    /// The site's time zone, which a story's year is counted in.
    timezone: jiff::tz::TimeZone,
    settings: ParseSettings,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("lang", &self.lang)
            .field("stories", &self.stories.len())
            .finish_non_exhaustive()
    }
}

/// A story to index, with its topics.
struct Story {
    article: Arc<Article>,
    topics: Vec<TopicId>,
}

/// A built bundle: its files, each with its bytes.
#[derive(Debug)]
pub struct Built {
    pub lang: Lang,
    pub input: u128,
    pub files: Vec<MadeFile>,
}

impl Built {
    /// The bundle as the state remembers it.
    pub fn published(&self) -> Published {
        Published {
            input: self.input,
            files: self
                .files
                .iter()
                .map(|f| (f.path.clone(), f.fingerprint))
                .collect(),
        }
    }
}

impl Job {
    fn new(
        config: &Config,
        site: &Site,
        locales: &Arc<Locales>,
        settings: &ParseSettings,
        lang: &Lang,
        input: u128,
    ) -> Job {
        let stories: Vec<Story> = indexed(site, lang)
            .map(|id| Story {
                article: site.articles[id].clone(),
                topics: site.article_topics[id].clone(),
            })
            .collect();
        let mut slugs = rustc_hash::FxHashMap::default();
        for &t in stories.iter().flat_map(|s| &s.topics) {
            slugs
                .entry(t)
                .or_insert_with(|| site.topics.get(t).slug.clone());
        }
        Job {
            lang: lang.clone(),
            input,
            stories,
            slugs,
            locales: locales.clone(),
            root: config.root.clone(),
            timezone: config.timezone.clone(),
            settings: settings.clone(),
        }
    }

    /// Builds the bundle. Takes long: seconds for thousands of stories.
    pub fn run(self) -> Result<Built, Diagnostic> {
        let records = self.records()?;
        let files = pagefind_bundle(&self.lang, records).map_err(|why| {
            Diagnostic::error(
                None,
                format!(
                    "could not build the search index of the `{}` edition: {why}",
                    self.lang
                ),
            )
            .with_help("build again; if it fails again, report it with this message")
        })?;
        let prefix = search_bundle(&self.lang).output_path();
        let prefix = prefix.trim_end_matches("index.html");
        let files = files
            .into_par_iter()
            .map(|(name, bytes)| MadeFile {
                path: format!("{prefix}{name}"),
                fingerprint: xxh3_128(&bytes),
                bytes: Some(Arc::from(bytes)),
            })
            .collect();
        Ok(Built {
            lang: self.lang,
            input: self.input,
            files,
        })
    }

    fn records(&self) -> Result<Vec<Record>, Diagnostic> {
        let locale = self.locales.get(&self.lang);
        self.stories
            .par_iter()
            .map(|story| {
                let a = &*story.article;
                let body = render_body(a, &self.root, &self.settings)?;
                // Pictures and embeds are tokens in the body (the page puts
                // their markup there); a record has only the body's text.
                let body = crate::content::media::replace_tokens(&body, |_, _, _| {});
                // A standalone page shows no date, section or topics.
                let shown = !a.is_page();
                let date = a.date.filter(|_| shown);
                Ok(Record::new(Parts {
                    url: crate::urls::article_page(&a.lang, &a.section, &a.slug).href_under("/"),
                    title: &a.title,
                    summary: a.has_summary.then_some(a.summary.as_str()),
                    body_html: &body,
                    topics: if shown {
                        (story.topics.iter())
                            .map(|t| self.slugs[t].clone())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    section: (!a.section.is_empty()).then(|| a.section.clone()),
                    year: date.map(|d| d.civil_in(&self.timezone).year()),
                    date: date.map(|d| locale.date(&d).display),
                }))
            })
            .collect()
    }
}

/// Hands the records to Pagefind and returns its files: names within the
/// bundle, and bytes. Pagefind's API is asynchronous; it runs on a runtime
/// of its own on this thread (its indexing uses rayon's pool).
fn pagefind_bundle(lang: &Lang, records: Vec<Record>) -> Result<Vec<(String, Vec<u8>)>, String> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("no runtime for the indexer: {e}"))?;
    runtime.block_on(async {
        let mut index = PagefindIndex::new(Some(PagefindServiceConfig::builder().build()))
            .map_err(|e| e.to_string())?;
        for r in records {
            let meta = BTreeMap::from([("title".to_string(), r.title)]);
            index
                .add_custom_record(
                    r.url,
                    r.content,
                    lang.to_string(),
                    Some(meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(|e| e.to_string())?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .collect())
    })
}
