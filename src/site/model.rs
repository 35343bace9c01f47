//! The site model: every article, its translations and topics, and the
//! per-edition orderings pages are made from. Built once per build from
//! plain data; immutable afterwards and free of I/O.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use indexmap::IndexMap;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::config::{Config, Lang, LanguageConfig};
use crate::content::article::{Article, ArticleId};
use crate::dates::PubDate;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::files::Changes;
use crate::site::authors::{AuthorId, Authors};
use crate::site::bylines::resolve_authors;
use crate::site::related::{EditionLists, RelatedMemo};
use crate::site::schedule::{self, Held, Status, Visibility};
use crate::site::tagging::{check_held_tags, resolve_topics, warn_single_use_topics};
use crate::site::topics::{TopicId, Topics};

/// One edition's view of the site.
#[derive(Debug, Default)]
pub struct Edition {
    pub lang: Option<Lang>,
    /// Listed articles (those in a section), newest first.
    pub articles: Vec<ArticleId>,
    /// Section folder → its articles, newest first; in folder-name order.
    pub sections: BTreeMap<String, Vec<ArticleId>>,
    /// Topic → its articles, newest first; biggest topic first, then by label.
    pub topics: IndexMap<TopicId, Vec<ArticleId>>,
    /// Author → their articles, newest first; in alphabetical order of
    /// their names in the edition's language.
    pub authors: IndexMap<AuthorId, Vec<ArticleId>>,
    /// (year, month) in the site's time zone → articles, newest month first.
    pub months: Vec<((i16, i8), Vec<ArticleId>)>,
    /// Standalone pages: files directly in `content/` (about, contact).
    pub pages: Vec<ArticleId>,
}

/// The whole site, ready to plan pages from.
#[derive(Debug)]
pub struct Site {
    /// Newest first; ties by source path.
    pub articles: Vec<Arc<Article>>,
    pub topics: Topics,
    /// The topics of each article, in the order the article lists them.
    pub article_topics: Vec<Vec<TopicId>>,
    pub authors: Authors,
    /// The authors of each article, in its byline's order.
    pub article_authors: Vec<Vec<AuthorId>>,
    /// The other-language versions of each article, in the configuration's
    /// language order.
    pub translations: Vec<Vec<ArticleId>>,
    /// Related stories of each article (same edition), best first.
    pub related: Arc<Vec<Vec<ArticleId>>>,
    /// One per configured language, in the configuration's order.
    pub editions: Vec<Edition>,
    /// What each article shows where, hashed: see [`Stamps`].
    pub stamps: Vec<Stamps>,
    /// Reading time of each article in minutes, at its edition's pace.
    pub minutes: Vec<u32>,
    /// When each article last changed ([`Article::modified`]; none for an
    /// undated page), kept together for the sitemap, which reads them all.
    pub modified: Vec<Option<PubDate>>,
    /// The articles' ids in path order.
    pub by_path: Vec<ArticleId>,
    /// Whether each article is out or shown as a preview (a draft or a
    /// scheduled story, in a preview build).
    pub status: Vec<Status>,
    /// The stories this build holds back: drafts, and stories scheduled
    /// after its clock.
    pub held: Vec<Held>,
    /// Identifies the site's structure (which articles, in which order,
    /// editions, topics and lists): a site assembled afresh gets a new one,
    /// a site patched with edits keeps its own. Pages planned for one
    /// structure fit every site of that structure.
    pub structure: u64,
}

/// The last site model of this process (`digest serve`), with the warnings
/// its assembly gave and what it was made under.
#[derive(Debug)]
pub struct SiteMemo {
    site: Arc<Site>,
    warnings: Diagnostics,
    /// The hash of the configuration, theme, settings and options.
    key: u64,
}

/// The site stage: the site assembled from the `articles` (in path order)
/// that `visibility` shows, `topics` and `authors`. When every reported
/// change is an edit of an article and the last model of this process
/// (`last`) was made under the same `key` (configuration, theme, settings,
/// options) and with every story's status as it is now, that model is
/// patched with the edits instead ([`Site::with_edits`]); `last` keeps this
/// model for the next build. A story that falls due changes a status, so
/// the model is made afresh even when no file changed.
#[allow(clippy::too_many_arguments)]
pub fn stage(
    config: &Config,
    articles: Vec<Arc<Article>>,
    topics: Topics,
    authors: Authors,
    visibility: &Visibility,
    changes: Changes,
    key: u64,
    last: &mut Option<SiteMemo>,
    related: &mut RelatedMemo,
    problems: &mut Diagnostics,
) -> Arc<Site> {
    let (articles, held, statuses) = schedule::sort_out(articles, visibility);
    let key = crate::hash::combine(&[key, statuses]);
    let article = |p: &Path| p.starts_with("content") && p.extension().is_some_and(|e| e == "md");
    let patched = match last.take() {
        Some(memo) if changes.all(article) && memo.key == key => Arc::try_unwrap(memo.site)
            .ok()
            .and_then(|site| site.with_edits(config, &articles))
            .map(|mut site| {
                site.held = held.clone();
                (site, memo.warnings)
            }),
        _ => None,
    };
    let (site, warnings) = patched.unwrap_or_else(|| {
        Site::build_reusing(config, articles, held, topics, authors, visibility, related)
    });
    problems.extend(warnings.iter().cloned());
    let site = Arc::new(site);
    *last = Some(SiteMemo {
        site: site.clone(),
        warnings,
        key,
    });
    site
}

/// Hashes of what an article shows in each place it appears. A page's
/// fingerprint takes the stamp of the place it shows an article in, so
/// that, say, a body edit re-renders the article's page and feeds but not
/// the lists that only show its card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamps {
    /// Everything: the file, its topics' labels, its authors (article
    /// pages, feeds).
    pub page: u64,
    /// What a card shows: link, date, summary, image, topics, reading time.
    pub card: u64,
    /// What a link to it shows: title and address (translations).
    pub link: u64,
}

impl Site {
    /// Assembles the site of every article, whatever its date or draft
    /// state (drafts shown as previews). `articles` may come in any order.
    pub fn build(
        config: &Config,
        mut articles: Vec<Arc<Article>>,
        topics: Topics,
        authors: Authors,
    ) -> (Site, Diagnostics) {
        articles.sort_by(|a, b| a.path.cmp(&b.path));
        let everything = Visibility::everything();
        Site::build_reusing(
            config,
            articles,
            Vec::new(),
            topics,
            authors,
            &everything,
            &mut RelatedMemo::default(),
        )
    }

    /// The site of the `articles` a build shows (in path order, the order
    /// the content walk yields them in) and of those it holds back
    /// (`held`), taking the related stories from `memo` when what they are
    /// computed from has not changed since it was filled.
    pub fn build_reusing(
        config: &Config,
        articles: Vec<Arc<Article>>,
        held: Vec<Held>,
        mut topics: Topics,
        mut authors: Authors,
        visibility: &Visibility,
        memo: &mut RelatedMemo,
    ) -> (Site, Diagnostics) {
        let mut problems = Diagnostics::new();
        // Newest first (undated pages last); ties in path order (the rank
        // in `articles`).
        let mut rank: Vec<usize> = (0..articles.len()).collect();
        let dates: Vec<_> = articles.iter().map(|a| a.date).collect();
        rank.sort_by(|&a, &b| dates[b].cmp(&dates[a]).then(a.cmp(&b)));
        let mut by_path = vec![0; articles.len()];
        for (id, &r) in rank.iter().enumerate() {
            by_path[r] = id;
        }
        let mut slots: Vec<Option<Arc<Article>>> = articles.into_iter().map(Some).collect();
        let articles: Vec<Arc<Article>> = rank
            .iter()
            .map(|&r| slots[r].take().expect("each rank once"))
            .collect();
        check_unique_urls(config, &articles, &by_path, &mut problems);
        let status: Vec<Status> = articles.iter().map(|a| visibility.status(a)).collect();
        let translations = link_translations(&articles);
        let article_topics = resolve_topics(&articles, &by_path, &mut topics, &mut problems);
        let article_authors = resolve_authors(&articles, &by_path, &mut authors, &mut problems);
        check_held_tags(&held, &topics, &mut problems);
        warn_single_use_topics(
            &articles,
            &article_topics,
            &translations,
            &topics,
            &mut problems,
        );
        let editions = config
            .languages
            .iter()
            .map(|l| {
                let mut edition = Edition::build(config, l, &articles, &article_topics, &topics);
                edition.credit(config, &article_authors, &authors);
                edition
            })
            .collect::<Vec<_>>();
        check_section_names(config, &editions, &mut problems);
        let lists: Vec<EditionLists> = editions
            .iter()
            .map(|e| EditionLists {
                articles: &e.articles,
                topics: &e.topics,
            })
            .collect();
        let related = memo.related(&articles, &article_topics, &lists, config.related);
        let minutes: Vec<u32> = articles
            .par_iter()
            .map(|a| reading_minutes(config, a))
            .collect();
        let mut stamps: Vec<Stamps> = articles
            .par_iter()
            .zip(&article_topics)
            .zip(&article_authors)
            .zip(&minutes)
            .zip(&status)
            .map(|((((a, ts), us), m), s)| {
                let topic_stamps = ts.iter().map(|t| topics.get(*t).stamp);
                stamps_of(
                    a,
                    topic_stamps,
                    us.iter().map(|u| authors.get(*u).stamp),
                    *m,
                    *s,
                )
            })
            .collect();
        add_source_addresses(&articles, &by_path, &mut stamps);
        let modified = articles.iter().map(|a| a.modified()).collect();
        let site = Site {
            articles,
            topics,
            article_topics,
            authors,
            article_authors,
            translations,
            related,
            editions,
            stamps,
            minutes,
            modified,
            by_path,
            status,
            held,
            structure: new_structure(),
        };
        (site, problems)
    }

    /// This site with `articles` (in path order) in place of its own, when
    /// they differ from them only in what no order, list, translation or
    /// topic depends on (body, title, summary, image, author…): the edited
    /// ones are swapped in with new stamps and reading times, and nothing
    /// else is recomputed. `None` when anything else changed.
    pub fn with_edits(mut self, config: &Config, articles: &[Arc<Article>]) -> Option<Site> {
        if articles.len() != self.articles.len() {
            return None;
        }
        let edited: Vec<(ArticleId, &Arc<Article>)> = articles
            .par_iter()
            .zip(&self.by_path)
            .filter(|(new, id)| !Arc::ptr_eq(new, &self.articles[**id]))
            .map(|(new, id)| (*id, new))
            .collect();
        if !edited
            .iter()
            .all(|(id, new)| same_place(&self.articles[*id], new))
        {
            return None;
        }
        for (id, new) in edited {
            self.articles[id] = new.clone();
            self.minutes[id] = reading_minutes(config, new);
            self.modified[id] = new.modified();
            let (topics, authors) = (&self.topics, &self.authors);
            let topic_stamps = self.article_topics[id].iter().map(|t| topics.get(*t).stamp);
            let author_stamps = self.article_authors[id]
                .iter()
                .map(|u| authors.get(*u).stamp);
            self.stamps[id] = stamps_of(
                new,
                topic_stamps,
                author_stamps,
                self.minutes[id],
                self.status[id],
            );
        }
        if self.articles.iter().any(|a| a.links_by_source()) {
            add_source_addresses(&self.articles, &self.by_path, &mut self.stamps);
        }
        Some(self)
    }

    /// The article whose source file is `rel` (relative to `content/`).
    pub fn by_source(&self, rel: &str) -> Option<ArticleId> {
        let path = Path::new("content").join(rel);
        self.by_path
            .binary_search_by(|&id| self.articles[id].path.as_path().cmp(&path))
            .ok()
            .map(|at| self.by_path[at])
    }

    /// What to say of the stories scheduled after the build's clock, held
    /// back or shown as previews.
    pub fn scheduled(&self, visibility: &Visibility) -> Option<crate::site::schedule::Scheduled> {
        let shown = self
            .articles
            .iter()
            .zip(&self.status)
            .map(|(a, s)| (&**a, *s));
        let held = self.held.iter().map(|h| (&*h.article, h.status));
        schedule::scheduled(visibility, shown.chain(held))
    }

    /// Whether article `id` is shown only as a preview.
    pub fn is_preview(&self, id: ArticleId) -> bool {
        self.status[id].is_preview()
    }

    pub fn edition(&self, lang: &Lang) -> &Edition {
        self.editions
            .iter()
            .find(|e| e.lang.as_ref() == Some(lang))
            .expect("every configured language has an edition")
    }

    /// The version of `id` in `lang`, if it has one.
    pub fn translation_in(&self, id: ArticleId, lang: &Lang) -> Option<ArticleId> {
        self.translations[id]
            .iter()
            .copied()
            .find(|t| &self.articles[*t].lang == lang)
    }
}

impl Edition {
    fn build(
        config: &Config,
        language: &LanguageConfig,
        articles: &[Arc<Article>],
        article_topics: &[Vec<TopicId>],
        topics: &Topics,
    ) -> Edition {
        let lang = &language.lang;
        let mut edition = Edition {
            lang: Some(lang.clone()),
            ..Edition::default()
        };
        let mut by_topic: HashMap<TopicId, Vec<ArticleId>> = HashMap::default();
        let mut months: BTreeMap<(i16, i8), Vec<ArticleId>> = BTreeMap::new();
        for (id, article) in articles.iter().enumerate().filter(|(_, a)| &a.lang == lang) {
            if article.section.is_empty() {
                edition.pages.push(id);
                continue;
            }
            edition.articles.push(id);
            match edition.sections.get_mut(&article.section) {
                Some(ids) => ids.push(id),
                None => {
                    edition.sections.insert(article.section.clone(), vec![id]);
                }
            }
            for t in &article_topics[id] {
                by_topic.entry(*t).or_default().push(id);
            }
            if let Some(date) = article.date {
                let civil = date.civil_in(&config.timezone);
                months
                    .entry((civil.year(), civil.month()))
                    .or_default()
                    .push(id);
            }
        }
        let mut ordered: Vec<(TopicId, Vec<ArticleId>)> = by_topic.into_iter().collect();
        let collator = label_collator(language);
        let label = |t: &TopicId| {
            let topic = topics.get(*t);
            topic
                .label(lang)
                .map_or(topic.slug.as_str(), |l| l.label.as_str())
        };
        ordered.sort_by(|(ta, a), (tb, b)| {
            b.len()
                .cmp(&a.len())
                .then_with(|| match &collator {
                    Some(c) => c.compare(label(ta), label(tb)),
                    None => label(ta).cmp(label(tb)),
                })
                .then(ta.cmp(tb))
        });
        edition.topics = ordered.into_iter().collect();
        edition.months = months.into_iter().rev().collect();
        edition
    }

    /// Lists each author's stories of this edition, authors in the
    /// alphabetical order of their names in its language.
    fn credit(&mut self, config: &Config, article_authors: &[Vec<AuthorId>], authors: &Authors) {
        let Some(lang) = self.lang.clone() else {
            return;
        };
        let mut by_author: HashMap<AuthorId, Vec<ArticleId>> = HashMap::default();
        for &id in &self.articles {
            for &author in &article_authors[id] {
                by_author.entry(author).or_default().push(id);
            }
        }
        let mut ordered: Vec<(AuthorId, Vec<ArticleId>)> = by_author.into_iter().collect();
        let collator = label_collator(config.language(&lang));
        let name = |a: &AuthorId| authors.get(*a).name(&lang);
        ordered.sort_by(|(a, _), (b, _)| {
            match &collator {
                Some(c) => c.compare(name(a), name(b)),
                None => name(a).cmp(name(b)),
            }
            .then(a.cmp(b))
        });
        self.authors = ordered.into_iter().collect();
    }
}

/// A structure id no site of this process had before.
fn new_structure() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Compares labels in the edition's alphabetical order (ICU collation:
/// `Iraq` before `ISIS` and `militias` in English; Arabic letters in
/// Arabic order), or `None` if ICU has no data for the locale.
fn label_collator(language: &LanguageConfig) -> Option<CollatorBorrowed<'static>> {
    Collator::try_new((&language.locale).into(), CollatorOptions::default()).ok()
}

/// Whether two versions of an article sit in the same place in the site:
/// the same file, address, edition, translation group, date, topics and
/// authors (as written, where written) and draft state.
fn same_place(a: &Article, b: &Article) -> bool {
    a.path == b.path
        && a.lang == b.lang
        && a.section == b.section
        && a.stem == b.stem
        && a.slug == b.slug
        && a.slug_at == b.slug_at
        && a.date == b.date
        && a.tags == b.tags
        && a.authors == b.authors
        && a.draft == b.draft
}

/// Reading time in minutes, at the edition's pace.
fn reading_minutes(config: &Config, a: &Article) -> u32 {
    a.words
        .div_ceil(config.language(&a.lang).words_per_minute)
        .max(1)
}

fn stamps_of(
    a: &Article,
    topic_stamps: impl Iterator<Item = u64> + Clone,
    author_stamps: impl Iterator<Item = u64> + Clone,
    minutes: u32,
    status: Status,
) -> Stamps {
    use std::hash::{Hash, Hasher};
    let hash = |f: &dyn Fn(&mut xxhash_rust::xxh3::Xxh3)| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        f(&mut h);
        h.finish()
    };
    let link = hash(&|h| (&a.lang, &a.section, &a.slug, &a.title).hash(h));
    let card = hash(&|h| {
        (link, a.date, &a.summary, &a.image, minutes, status).hash(h);
        topic_stamps.clone().for_each(|s| s.hash(h));
    });
    let page = hash(&|h| {
        (a.version, card).hash(h);
        author_stamps.clone().for_each(|s| s.hash(h));
    });
    Stamps { page, card, link }
}

/// Folds into the page stamp of each article that links to others by
/// source file the addresses those links lead to (which is what its body
/// shows of them), so that it is rendered again when one appears, goes or
/// moves. `by_path`: the ids in path order.
fn add_source_addresses(articles: &[Arc<Article>], by_path: &[ArticleId], stamps: &mut [Stamps]) {
    use std::hash::{Hash, Hasher};
    for (id, article) in articles.iter().enumerate() {
        if !article.links_by_source() {
            continue;
        }
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        stamps[id].page.hash(&mut h);
        for link in &article.links {
            let crate::content::article::LinkTarget::Source { path, .. } = &link.target else {
                continue;
            };
            let path = Path::new("content").join(path);
            let target = by_path
                .binary_search_by(|&t| articles[t].path.as_path().cmp(&path))
                .ok()
                .map(|at| &articles[by_path[at]]);
            match target {
                Some(t) => (1u8, &t.lang, &t.section, &t.slug).hash(&mut h),
                None => 0u8.hash(&mut h),
            }
        }
        stamps[id].page = h.finish();
    }
}

/// Every section an edition lists needs a name in that edition when
/// `digest.yaml` names sections: an error at `sections:` naming the folder
/// and the language. A site with no `sections:` shows folder names, and is
/// told once how to name them.
fn check_section_names(config: &Config, editions: &[Edition], problems: &mut Diagnostics) {
    let mut folders: Vec<&str> = editions
        .iter()
        .flat_map(|e| e.sections.keys().map(String::as_str))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    if folders.is_empty() {
        return;
    }
    let Some(at) = &config.sections_at else {
        let example: Vec<String> = folders
            .iter()
            .map(|folder| {
                let names: Vec<String> = config
                    .languages
                    .iter()
                    .map(|l| format!("{}: …", l.lang))
                    .collect();
                format!("  {folder}: {{ {} }}", names.join(", "))
            })
            .collect();
        let shown: Vec<String> = folders.iter().map(|f| format!("`{f}`")).collect();
        problems.push(
            Diagnostic::warning(
                None,
                format!(
                    "the sections are shown by their folder names ({}): digest.yaml has no `sections:`",
                    shown.join(", ")
                ),
            )
            .with_help(format!(
                "name each section in every edition's language in digest.yaml:\nsections:\n{}",
                example.join("\n")
            )),
        );
        return;
    };
    for edition in editions {
        let Some(lang) = &edition.lang else { continue };
        for folder in edition.sections.keys() {
            let named = config.sections.get(folder);
            if named.is_some_and(|names| names.contains_key(lang)) {
                continue;
            }
            let location = at.entries.get(folder).unwrap_or(&at.key).clone();
            let help = match named {
                Some(_) => format!("add `{lang}: …` under `{folder}:` in `sections:`"),
                None => {
                    let names: Vec<String> = config
                        .languages
                        .iter()
                        .map(|l| format!("{}: …", l.lang))
                        .collect();
                    format!(
                        "add `{folder}: {{ {} }}` under `sections:`",
                        names.join(", ")
                    )
                }
            };
            problems.push(
                Diagnostic::error(
                    Some(location),
                    format!(
                        "the section folder content/{folder}/ has no name in `{lang}` ({}), though the {lang} edition lists it",
                        config.language(lang).name
                    ),
                )
                .with_help(help),
            );
        }
    }
}

/// `by_path`: the articles' ids in path order, so that the first file
/// keeps its address and the later ones are reported.
fn check_unique_urls(
    config: &Config,
    articles: &[Arc<Article>],
    by_path: &[ArticleId],
    problems: &mut Diagnostics,
) {
    let mut seen: HashMap<(&Lang, &str, &str), &Article> =
        HashMap::with_capacity_and_hasher(articles.len(), Default::default());
    for article in by_path.iter().map(|&id| &*articles[id]) {
        let key = (
            &article.lang,
            article.section.as_str(),
            article.slug.as_str(),
        );
        if let Some(&first) = seen.get(&key) {
            let url = format!(
                "{}{}/{}{}/",
                config.base_url.path,
                article.lang,
                if article.section.is_empty() {
                    String::new()
                } else {
                    format!("{}/", article.section)
                },
                article.slug
            );
            // Reported at the `slug:` that makes the two meet, if one does.
            let (here, other) = match (article.slug_at, first.slug_at) {
                (None, Some(_)) => (first, article),
                _ => (article, first),
            };
            let location = match here.slug_at {
                Some((line, column)) => Location::new(&here.path, line as usize, column as usize),
                None => Location::new(&here.path, 1, 1),
            };
            problems.push(
                Diagnostic::error(
                    Some(location),
                    format!(
                        "this article has the same URL as {}: {url}",
                        other.path.display()
                    ),
                )
                .with_help("give one of them a different file name or `slug`"),
            );
        } else {
            seen.insert(key, article);
        }
    }
}

fn link_translations(articles: &[Arc<Article>]) -> Vec<Vec<ArticleId>> {
    let mut groups: HashMap<(&str, &str), Vec<ArticleId>> = HashMap::default();
    for (id, a) in articles.iter().enumerate() {
        groups.entry(a.translation_key()).or_default().push(id);
    }
    articles
        .iter()
        .enumerate()
        .map(|(id, a)| {
            let mut others: Vec<ArticleId> = groups[&a.translation_key()]
                .iter()
                .copied()
                .filter(|o| *o != id && articles[*o].lang != a.lang)
                .collect();
            others.sort_by(|x, y| articles[*x].lang.cmp(&articles[*y].lang));
            others
        })
        .collect()
}
