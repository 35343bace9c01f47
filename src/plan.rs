//! Every file the site has, in one place: the URL map.
//!
//! A [`Page`] says what to render and where; [`Page::fingerprint`] hashes
//! everything the page shows (the stamps of the articles and topics on it,
//! its pagination, the theme and configuration), which is what lets a build
//! skip the pages whose inputs did not change.

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::path::PathBuf;

use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

use crate::config::{Config, Lang};
use crate::error::{Diagnostic, Diagnostics};
use crate::load::FileStamp;
use crate::site::{ArticleId, Site};
use crate::topics::TopicId;
use crate::urls::Route;

/// Which list a list page shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// The edition's home: every listed article.
    Home,
    /// One section folder's articles.
    Section(String),
    /// One topic's articles.
    Topic(TopicId),
    /// One month's articles.
    Archive { year: i16, month: i8 },
}

/// Which slice of a list a page shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub total: usize,
    pub items: Range<usize>,
}

/// Which feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    Atom,
    Json,
}

/// What a page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    Article(ArticleId),
    List {
        lang: Lang,
        list: ListKind,
        pager: Pager,
    },
    TopicIndex(Lang),
    /// An edition's search page, driving its search index.
    Search(Lang),
    /// The bilingual front door at `/`.
    Front,
    NotFound,
    Feed {
        lang: Lang,
        topic: Option<TopicId>,
        format: FeedFormat,
    },
    /// The sitemap; above 50,000 URLs an index (`part: None`) and parts.
    Sitemap {
        part: Option<usize>,
        parts: usize,
    },
    Robots,
    /// A file copied as it is (theme static files, content images).
    Asset {
        source: PathBuf,
        hash: u64,
    },
}

/// One output file.
#[derive(Debug, Clone)]
pub struct Page {
    pub route: Route,
    pub kind: PageKind,
    /// The route's file, relative to the output folder.
    pub path: String,
}

impl Page {
    pub fn new(route: Route, kind: PageKind) -> Page {
        Page {
            path: route.output_path(),
            route,
            kind,
        }
    }
}

/// A static file to copy, and the name it is published under.
#[derive(Debug, Clone)]
pub struct AssetFile {
    /// Absolute path of the source.
    pub source: PathBuf,
    pub route: Route,
    /// Content hash (theme files) or size-and-time stamp (content files).
    pub hash: u64,
}

impl AssetFile {
    pub fn from_stamp(source: PathBuf, route: Route, stamp: FileStamp) -> AssetFile {
        let mut h = Xxh3::new();
        h.update(&stamp.size.to_le_bytes());
        h.update(&stamp.modified_ns.to_le_bytes());
        AssetFile {
            source,
            route,
            hash: h.digest(),
        }
    }
}

/// The routes of the site's lists and indexes.
pub mod routes {
    use super::*;

    pub fn article(site: &Site, id: ArticleId) -> Route {
        let a = &site.articles[id];
        article_page(&a.lang, &a.section, &a.slug)
    }

    /// The page of the article `slug` of `section` in `lang`.
    pub fn article_page(lang: &Lang, section: &str, slug: &str) -> Route {
        let mut segments = vec![lang.to_string()];
        segments.extend(
            section
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        segments.push(slug.to_string());
        Route::dir(segments)
    }

    /// A folder under `content/`, where its files are published.
    pub fn content_folder(section: &str) -> Route {
        Route::dir(section.split('/').filter(|s| !s.is_empty()))
    }

    pub fn list(site: &Site, lang: &Lang, list: &ListKind) -> Route {
        let edition = Route::dir([lang.as_str()]);
        match list {
            ListKind::Home => edition,
            ListKind::Section(section) => edition.join(section.split('/')),
            ListKind::Topic(t) => edition.join(["tags", site.topics.get(*t).slug.as_str()]),
            ListKind::Archive { year, month } => {
                edition.join([year.to_string(), format!("{month:02}")])
            }
        }
    }

    pub fn topic_index(lang: &Lang) -> Route {
        Route::dir([lang.as_str(), "tags"])
    }

    pub fn search(lang: &Lang) -> Route {
        Route::dir([lang.as_str(), "search"])
    }

    pub fn feed(site: &Site, lang: &Lang, topic: Option<TopicId>, format: FeedFormat) -> Route {
        let name = match format {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        };
        match topic {
            Some(t) => Route::file(
                [lang.as_str(), "tags", site.topics.get(t).slug.as_str()],
                name,
            ),
            None => Route::file([lang.as_str()], name),
        }
    }

    /// `sitemap.xml`, or part `n` of a split sitemap: `sitemap-n.xml`.
    pub fn sitemap(part: Option<usize>) -> Route {
        let name = part.map_or_else(|| "sitemap.xml".to_string(), |n| format!("sitemap-{n}.xml"));
        Route::file(Vec::<String>::new(), &name)
    }

    pub fn front() -> Route {
        Route::dir(Vec::<String>::new())
    }
}

impl ListKind {
    /// The articles of this list in `lang`, newest first (empty if none).
    pub fn items<'s>(&self, site: &'s Site, lang: &Lang) -> &'s [ArticleId] {
        let edition = site.edition(lang);
        let found = match self {
            ListKind::Home => Some(&edition.articles),
            ListKind::Section(s) => edition.sections.get(s),
            ListKind::Topic(t) => edition.topics.get(t),
            ListKind::Archive { year, month } => edition
                .months
                .iter()
                .find(|(ym, _)| *ym == (*year, *month))
                .map(|(_, ids)| ids),
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// Whether the same list exists in `lang` (for the language switcher).
    pub fn exists_in(&self, site: &Site, lang: &Lang) -> bool {
        matches!(self, ListKind::Home) || !self.items(site, lang).is_empty()
    }
}

/// Lists every page of the site. Two pages wanting the same file is an error
/// naming both.
pub fn plan(config: &Config, site: &Site, assets: Vec<AssetFile>) -> (Vec<Page>, Diagnostics) {
    let mut pages = Vec::new();
    for language in &config.languages {
        let lang = &language.lang;
        let edition = site.edition(lang);
        for &id in edition.pages.iter().chain(&edition.articles) {
            pages.push(Page::new(routes::article(site, id), PageKind::Article(id)));
        }
        let mut lists = vec![ListKind::Home];
        lists.extend(
            edition
                .sections
                .keys()
                .map(|s| ListKind::Section(s.clone())),
        );
        lists.extend(edition.topics.keys().map(|t| ListKind::Topic(*t)));
        lists.extend(
            edition
                .months
                .iter()
                .map(|((year, month), _)| ListKind::Archive {
                    year: *year,
                    month: *month,
                }),
        );
        for list in lists {
            let route = routes::list(site, lang, &list);
            for pager in paginate(list.items(site, lang).len(), config.paginate) {
                pages.push(Page::new(
                    route.page(pager.number),
                    PageKind::List {
                        lang: lang.clone(),
                        list: list.clone(),
                        pager,
                    },
                ));
            }
        }
        pages.push(Page::new(
            routes::topic_index(lang),
            PageKind::TopicIndex(lang.clone()),
        ));
        pages.push(Page::new(
            routes::search(lang),
            PageKind::Search(lang.clone()),
        ));
        for format in [FeedFormat::Atom, FeedFormat::Json] {
            pages.push(Page::new(
                routes::feed(site, lang, None, format),
                PageKind::Feed {
                    lang: lang.clone(),
                    topic: None,
                    format,
                },
            ));
        }
        for &topic in edition.topics.keys() {
            pages.push(Page::new(
                routes::feed(site, lang, Some(topic), FeedFormat::Atom),
                PageKind::Feed {
                    lang: lang.clone(),
                    topic: Some(topic),
                    format: FeedFormat::Atom,
                },
            ));
        }
    }
    pages.push(Page::new(routes::front(), PageKind::Front));
    pages.push(Page::new(
        Route::file(Vec::<String>::new(), "404.html"),
        PageKind::NotFound,
    ));
    let listed = pages.iter().filter(|p| crate::feeds::in_sitemap(p)).count();
    pages.extend(sitemap_pages(listed));
    pages.push(Page::new(
        Route::file(Vec::<String>::new(), "robots.txt"),
        PageKind::Robots,
    ));
    for asset in assets {
        pages.push(Page::new(
            asset.route,
            PageKind::Asset {
                source: asset.source,
                hash: asset.hash,
            },
        ));
    }
    let problems = check_collisions(site, &pages);
    (pages, problems)
}

/// The sitemap files for `listed` URLs: `sitemap.xml` alone, or above
/// [`SITEMAP_LIMIT`](crate::feeds::SITEMAP_LIMIT) URLs an index at
/// `sitemap.xml` and parts `sitemap-1.xml`, `sitemap-2.xml` …
pub fn sitemap_pages(listed: usize) -> Vec<Page> {
    let parts = listed.div_ceil(crate::feeds::SITEMAP_LIMIT).max(1);
    let mut pages = vec![Page::new(
        routes::sitemap(None),
        PageKind::Sitemap { part: None, parts },
    )];
    if parts > 1 {
        pages.extend((1..=parts).map(|n| {
            Page::new(
                routes::sitemap(Some(n)),
                PageKind::Sitemap {
                    part: Some(n),
                    parts,
                },
            )
        }));
    }
    pages
}

/// Splits `count` items into pages of `per_page`; an empty list still has
/// one (empty) page.
pub fn paginate(count: usize, per_page: usize) -> Vec<Pager> {
    let total = count.div_ceil(per_page).max(1);
    (1..=total)
        .map(|number| Pager {
            number,
            total,
            items: ((number - 1) * per_page).min(count)..(number * per_page).min(count),
        })
        .collect()
}

fn check_collisions(site: &Site, pages: &[Page]) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let mut seen: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(pages.len(), Default::default());
    for (i, page) in pages.iter().enumerate() {
        let path = page.path.as_str();
        if let Some(&first) = seen.get(path) {
            let (a, b) = (describe(site, &pages[first]), describe(site, page));
            let file = match (&pages[first].kind, &page.kind) {
                (_, PageKind::Article(id)) | (PageKind::Article(id), _) => {
                    Some(site.articles[*id].path.clone())
                }
                (_, PageKind::Asset { source, .. }) => Some(source.clone()),
                _ => None,
            };
            let message = format!("{a} and {b} would both be written to public/{path}");
            let d = match file {
                Some(f) => Diagnostic::in_file(&f, message),
                None => Diagnostic::error(None, message),
            };
            problems.push(d.with_help(
                "rename the article, section or topic so that each page has its own URL",
            ));
        } else {
            seen.insert(path, i);
        }
    }
    problems
}

fn describe(site: &Site, page: &Page) -> String {
    match &page.kind {
        PageKind::Article(id) => format!("the article {}", site.articles[*id].path.display()),
        PageKind::List {
            list: ListKind::Section(s),
            ..
        } => format!("the section `{s}`"),
        PageKind::List {
            list: ListKind::Topic(t),
            ..
        } => format!("the topic `{}`", site.topics.get(*t).slug),
        PageKind::List {
            list: ListKind::Archive { year, month },
            ..
        } => format!("the archive of {year}-{month:02}"),
        PageKind::List { .. } => "the edition's home page".into(),
        PageKind::Asset { source, .. } => format!("the file {}", source.display()),
        other => format!("the {other:?} page"),
    }
}

/// What every page depends on besides its own data: the program, the
/// configuration, the theme.
pub fn globals_fingerprint(parts: &[u64]) -> u64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(&p.to_le_bytes());
    }
    h.digest()
}

impl Page {
    /// A hash of everything this page shows. Two builds that give a page the
    /// same fingerprint render it to the same bytes.
    pub fn fingerprint(&self, site: &Site, config: &Config, globals: u64, sitemap: u64) -> u128 {
        let mut h = Hasher::new();
        h.u64(globals);
        h.str(&self.path);
        let card = |h: &mut Hasher, id: ArticleId| h.u64(site.stamps[id].card);
        // A feed entry shows the whole article and links its translations.
        let entry = |h: &mut Hasher, id: ArticleId| {
            h.u64(site.stamps[id].page);
            h.u64(site.translations[id].len() as u64);
            for &t in &site.translations[id] {
                h.u64(site.stamps[t].link);
            }
        };
        match &self.kind {
            PageKind::Article(id) => {
                h.str("article");
                entry(&mut h, *id);
                h.u64(site.related[*id].len() as u64);
                for &r in &site.related[*id] {
                    card(&mut h, r);
                }
            }
            PageKind::List { lang, list, pager } => {
                h.str("list");
                let items = list.items(site, lang);
                h.u64(items.len() as u64);
                h.u64(pager.number as u64);
                h.u64(pager.total as u64);
                for &id in &items[pager.items.clone()] {
                    card(&mut h, id);
                }
                for other in &config.languages {
                    h.u64(u64::from(list.exists_in(site, &other.lang)));
                }
                match list {
                    ListKind::Topic(t) => h.u64(site.topics.get(*t).stamp),
                    ListKind::Home => hash_months(&mut h, site, lang),
                    _ => {}
                }
            }
            PageKind::TopicIndex(lang) => {
                h.str("topics");
                for (t, ids) in &site.edition(lang).topics {
                    h.u64(site.topics.get(*t).stamp);
                    h.u64(ids.len() as u64);
                }
            }
            PageKind::Search(lang) => {
                // Its filters list the edition's topics, sections and years.
                h.str("search");
                let edition = site.edition(lang);
                for (t, ids) in &edition.topics {
                    h.u64(site.topics.get(*t).stamp);
                    h.u64(ids.len() as u64);
                }
                for section in edition.sections.keys() {
                    h.str(section);
                }
                hash_months(&mut h, site, lang);
            }
            PageKind::Front => {
                h.str("front");
                for e in &site.editions {
                    h.u64(e.articles.len() as u64);
                    for &id in e.articles.iter().take(config.paginate) {
                        card(&mut h, id);
                    }
                }
            }
            PageKind::Feed {
                lang,
                topic,
                format,
            } => {
                h.str(if *format == FeedFormat::Atom {
                    "atom"
                } else {
                    "json"
                });
                let items = match topic {
                    Some(t) => {
                        h.u64(site.topics.get(*t).stamp);
                        ListKind::Topic(*t).items(site, lang)
                    }
                    None => ListKind::Home.items(site, lang),
                };
                for &id in items.iter().take(config.feed_entries) {
                    entry(&mut h, id);
                }
            }
            PageKind::Sitemap { part, parts } => {
                h.str("sitemap");
                h.u64(part.unwrap_or(0) as u64);
                h.u64(*parts as u64);
                h.u64(sitemap);
            }
            PageKind::NotFound => h.str("404"),
            PageKind::Robots => h.str("robots"),
            PageKind::Asset { hash, .. } => {
                h.str("asset");
                h.u64(*hash);
            }
        }
        h.digest128()
    }
}

fn hash_months(h: &mut Hasher, site: &Site, lang: &Lang) {
    for ((year, month), ids) in &site.edition(lang).months {
        h.u64(*year as u64);
        h.u64(*month as u64);
        h.u64(ids.len() as u64);
    }
}

/// What the sitemap shows: every HTML page with its last change, and the
/// addresses of each article's language versions (the other pages'
/// versions are among the pages). Titles and texts are not in it, so
/// editing them leaves the sitemap alone.
pub fn sitemap_fingerprint(site: &Site, pages: &[Page]) -> u64 {
    let shown: Vec<u64> = pages
        .par_iter()
        .filter(|p| crate::feeds::in_sitemap(p))
        .map(|page| {
            let mut h = Hasher::new();
            h.str(&page.path);
            if let Some(date) = crate::feeds::last_modified(site, page) {
                h.u64(date.seconds as u64);
            }
            if let PageKind::Article(id) = page.kind {
                for &t in &site.translations[id] {
                    let a = &site.articles[t];
                    h.str(a.lang.as_str());
                    h.str(&a.section);
                    h.str(&a.slug);
                }
            }
            h.digest()
        })
        .collect();
    let mut h = Hasher::new();
    for print in shown {
        h.u64(print);
    }
    h.digest()
}

/// Gathers what a fingerprint covers, then hashes it in one call: a page's
/// is a few hundred bytes, for which xxh3's one-shot functions are several
/// times faster than its streaming state.
struct Hasher(Vec<u8>);

impl Hasher {
    fn new() -> Hasher {
        Hasher(Vec::with_capacity(512))
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0xff);
    }
    fn digest(&self) -> u64 {
        xxh3_64(&self.0)
    }
    fn digest128(&self) -> u128 {
        xxh3_128(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_covers_every_item_once() {
        let pages = paginate(45, 20);
        assert_eq!(
            pages.iter().map(|p| p.items.clone()).collect::<Vec<_>>(),
            [0..20, 20..40, 40..45]
        );
        assert!(pages.iter().all(|p| p.total == 3));
        assert_eq!(
            paginate(0, 20).len(),
            1,
            "an empty list still has its first page"
        );
    }
}
