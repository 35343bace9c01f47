//! Every file the site has, in one place: the URL map.
//!
//! A [`Page`] says what to render and where; each edition's menu is
//! resolved against the pages ([`crate::output::menu`]). Which pages are in
//! the sitemap, and when each last changed, is decided here too.
//! (`output::fingerprint` hashes what each page shows.)

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use xxhash_rust::xxh3::xxh3_64;

use crate::config::{Config, Lang};
use crate::content::article::ArticleId;
use crate::dates::PubDate;
use crate::error::{Diagnostic, Diagnostics};
use crate::files::{AssetFile, AssetSource};
use crate::hash::Hasher;
use crate::media::{EMBED_SCRIPT, Media, embed_script_route};
use crate::output::editions::{self, Issue, Period};
use crate::output::menu::{self, Menus};
use crate::site::authors::AuthorId;
use crate::site::model::Site;
use crate::site::topics::TopicId;
use crate::urls::{self, Route};

/// The site's URL map: every page, and each edition's menu leading into it.
#[derive(Debug, Default)]
pub struct Plan {
    pub pages: Vec<Page>,
    pub menus: Menus,
}

/// The last plan of this process (`digest serve`), for the site structure
/// and the picture files it was made for.
#[derive(Debug)]
pub struct PlanMemo {
    structure: u64,
    pictures: u64,
    plan: Arc<Plan>,
}

/// The plan stage: every page of `site`, then the files of the pictures
/// it uses and the embed script if a page needs it (from `media`), and the
/// menus. A site with the
/// structure and the picture files of the last plan of this process
/// (`last`: a site patched with edits) has the same pages and menus, which
/// are reused. Collisions (two pages wanting one file) and menu entries
/// that lead nowhere are in `problems`; `last` keeps a plan without them.
pub fn stage(
    config: &Config,
    site: &Site,
    assets: Vec<AssetFile>,
    media: &Media,
    last: &mut Option<PlanMemo>,
    problems: &mut Diagnostics,
) -> Arc<Plan> {
    let pictures = media_pages(media);
    let mut h = Hasher::new();
    for page in &pictures {
        h.str(&page.path);
        if let PageKind::Picture { print, .. } = page.kind {
            h.u64(print);
        }
    }
    let print = h.digest();
    let plan = match last.take() {
        Some(memo) if memo.structure == site.structure && memo.pictures == print => memo.plan,
        _ => {
            let (plan, found) = plan(config, site, assets, pictures);
            problems.extend(found);
            Arc::new(plan)
        }
    };
    if !problems.has_errors() {
        *last = Some(PlanMemo {
            structure: site.structure,
            pictures: print,
            plan: plan.clone(),
        });
    }
    plan
}

/// A page for every file of every picture `media` publishes, and for the
/// embed script if a page needs it.
fn media_pages(media: &Media) -> Vec<Page> {
    let mut pages = Vec::new();
    if media.embeds {
        pages.push(Page::new(
            embed_script_route(),
            PageKind::EmbedScript {
                hash: xxh3_64(EMBED_SCRIPT.as_bytes()),
            },
        ));
    }
    for (picture, p) in media.pictures.iter().enumerate() {
        for (output, o) in p.outputs.iter().enumerate() {
            pages.push(Page::new(
                o.route.clone(),
                PageKind::Picture {
                    picture,
                    output,
                    print: o.print,
                },
            ));
        }
    }
    pages
}

/// Which list a list page shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// The edition's home: every listed article.
    Home,
    /// One section folder's articles.
    Section(String),
    /// One topic's articles.
    Topic(TopicId),
    /// One author's articles.
    Author(AuthorId),
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
    /// An edition's authors (planned when it has some).
    AuthorIndex(Lang),
    /// The bilingual front door at `/`.
    Front,
    NotFound,
    /// The feed of an edition's list: its home (Atom and JSON Feed), a
    /// topic or an author (Atom).
    Feed {
        lang: Lang,
        list: ListKind,
        format: FeedFormat,
    },
    /// The sitemap; above 50,000 URLs an index (`part: None`) and parts.
    Sitemap {
        part: Option<usize>,
        parts: usize,
    },
    Robots,
    /// One edition: a day's or an ISO week's stories of one language.
    Edition {
        lang: Lang,
        issue: Issue,
    },
    /// The index of a language's editions, newest first.
    EditionIndex {
        lang: Lang,
        issues: Arc<[Issue]>,
    },
    /// The Atom feed of a language's daily or weekly editions.
    EditionFeed {
        lang: Lang,
        weekly: bool,
        issues: Arc<[Issue]>,
    },
    /// An edition made for mail clients (`newsletter/{lang}/{period}.html`
    /// and `.txt`).
    Email {
        lang: Lang,
        issue: Issue,
        format: EmailFormat,
    },
    /// A file copied as it is (theme static files, content files).
    Asset {
        source: AssetSource,
        hash: u64,
    },
    /// A file of a picture: output `output` of picture `picture` of the
    /// site's media, whose contents hash to `print`. The files of one
    /// picture are made together (see `media`).
    Picture {
        picture: usize,
        output: usize,
        print: u64,
    },
    /// The script that plays embeds (`media::EMBED_SCRIPT`), whose
    /// contents hash to `hash`.
    EmbedScript {
        hash: u64,
    },
}

/// Which version of an edition's email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailFormat {
    Html,
    Text,
}

impl EmailFormat {
    pub fn extension(self) -> &'static str {
        match self {
            EmailFormat::Html => "html",
            EmailFormat::Text => "txt",
        }
    }
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

/// Where the site's pages are, for a site: the URL scheme of [`crate::urls`]
/// applied to articles and topics by their ids.
pub mod routes {
    use super::*;
    use crate::urls;

    pub fn article(site: &Site, id: ArticleId) -> Route {
        let a = &site.articles[id];
        urls::article_page(&a.lang, &a.section, &a.slug)
    }

    pub fn list(site: &Site, lang: &Lang, list: &ListKind) -> Route {
        match list {
            ListKind::Home => urls::edition(lang),
            ListKind::Section(section) => urls::section(lang, section),
            ListKind::Topic(t) => urls::topic(lang, &site.topics.get(*t).slug),
            ListKind::Author(a) => urls::author(lang, &site.authors.get(*a).slug),
            ListKind::Archive { year, month } => urls::archive(lang, *year, *month),
        }
    }

    pub fn feed(site: &Site, lang: &Lang, of: &ListKind, format: FeedFormat) -> Route {
        urls::feed(&list(site, lang, of), format.file_name())
    }

    /// The index of an edition's editions: `/{lang}/editions/`.
    pub fn editions(lang: &Lang) -> Route {
        Route::dir([lang.as_str(), "editions"])
    }

    /// One edition: `/{lang}/editions/2021-12-10/`, `/{lang}/editions/2021-W49/`.
    pub fn edition(lang: &Lang, period: &Period) -> Route {
        editions(lang).join([period.slug()])
    }

    /// The Atom feed of daily or weekly editions: `/{lang}/editions/daily.xml`.
    pub fn editions_feed(lang: &Lang, weekly: bool) -> Route {
        let name = if weekly { "weekly.xml" } else { "daily.xml" };
        Route::file([lang.as_str(), "editions"], name)
    }

    /// An edition's email: `/newsletter/{lang}/2021-12-10.html` (or `.txt`).
    pub fn email(lang: &Lang, period: &Period, format: EmailFormat) -> Route {
        let name = format!("{}.{}", period.slug(), format.extension());
        Route::file(["newsletter", lang.as_str()], &name)
    }
}

impl FeedFormat {
    /// The feed's file name.
    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
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
            ListKind::Author(a) => edition.authors.get(a),
            ListKind::Archive { year, month } => edition
                .months
                .iter()
                .find(|(ym, _)| *ym == (*year, *month))
                .map(|(_, ids)| ids),
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// The entries of this list's feed in `lang`: its newest `limit`
    /// articles that are out (a feed carries no preview).
    pub fn feed_entries(&self, site: &Site, lang: &Lang, limit: usize) -> Vec<ArticleId> {
        self.items(site, lang)
            .iter()
            .copied()
            .filter(|id| !site.is_preview(*id))
            .take(limit)
            .collect()
    }

    /// Whether the same list exists in `lang` (for the language switcher).
    pub fn exists_in(&self, site: &Site, lang: &Lang) -> bool {
        matches!(self, ListKind::Home) || !self.items(site, lang).is_empty()
    }
}

/// Lists every page of the site, then `pictures`, and resolves the menus.
/// Two pages wanting the same file is an error naming both; so is a menu
/// entry that leads nowhere.
pub fn plan(
    config: &Config,
    site: &Site,
    assets: Vec<AssetFile>,
    pictures: Vec<Page>,
) -> (Plan, Diagnostics) {
    let mut pages = Vec::new();
    let mut issues = editions::issues(config, site).into_iter();
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
        lists.extend(edition.authors.keys().map(|a| ListKind::Author(*a)));
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
            urls::topic_index(lang),
            PageKind::TopicIndex(lang.clone()),
        ));
        if config.search {
            pages.push(Page::new(
                urls::search(lang),
                PageKind::Search(lang.clone()),
            ));
        }
        if !edition.authors.is_empty() {
            pages.push(Page::new(
                urls::author_index(lang),
                PageKind::AuthorIndex(lang.clone()),
            ));
        }
        let feeds = [
            (ListKind::Home, FeedFormat::Atom),
            (ListKind::Home, FeedFormat::Json),
        ]
        .into_iter()
        .chain(
            edition
                .topics
                .keys()
                .map(|t| (ListKind::Topic(*t), FeedFormat::Atom)),
        )
        .chain(
            edition
                .authors
                .keys()
                .map(|a| (ListKind::Author(*a), FeedFormat::Atom)),
        );
        for (list, format) in feeds {
            pages.push(Page::new(
                routes::feed(site, lang, &list, format),
                PageKind::Feed {
                    lang: lang.clone(),
                    list,
                    format,
                },
            ));
        }
        let (_, issues) = issues.next().expect("one list of editions per language");
        edition_pages(lang, issues, &mut pages);
    }
    pages.push(Page::new(urls::front(), PageKind::Front));
    pages.push(Page::new(urls::root_file("404.html"), PageKind::NotFound));
    let listed = pages.iter().filter(|p| in_sitemap(site, p)).count();
    pages.extend(sitemap_pages(listed));
    pages.push(Page::new(urls::root_file("robots.txt"), PageKind::Robots));
    for asset in assets {
        pages.push(Page::new(
            asset.route,
            PageKind::Asset {
                source: asset.source,
                hash: asset.hash,
            },
        ));
    }
    pages.extend(pictures);
    let mut problems = check_collisions(site, &pages);
    let by_path: HashMap<&str, &Page> = pages
        .iter()
        .filter(|p| p.kind != PageKind::NotFound)
        .map(|p| (p.path.as_str(), p))
        .collect();
    let (menus, unresolved) = menu::resolve(config, site, &|file| {
        by_path.get(file).map(|p| p.route.clone())
    });
    problems.extend(unresolved);
    drop(by_path);
    (Plan { pages, menus }, problems)
}

/// An edition's pages: each edition and its email, the index, the feeds.
fn edition_pages(lang: &Lang, issues: Vec<Issue>, pages: &mut Vec<Page>) {
    for issue in &issues {
        pages.push(Page::new(
            routes::edition(lang, &issue.period),
            PageKind::Edition {
                lang: lang.clone(),
                issue: issue.clone(),
            },
        ));
        for format in [EmailFormat::Html, EmailFormat::Text] {
            pages.push(Page::new(
                routes::email(lang, &issue.period, format),
                PageKind::Email {
                    lang: lang.clone(),
                    issue: issue.clone(),
                    format,
                },
            ));
        }
    }
    let issues: Arc<[Issue]> = issues.into();
    for weekly in [false, true] {
        let of_kind: Arc<[Issue]> = issues
            .iter()
            .filter(|i| matches!(i.period, Period::Week { .. }) == weekly)
            .cloned()
            .collect();
        pages.push(Page::new(
            routes::editions_feed(lang, weekly),
            PageKind::EditionFeed {
                lang: lang.clone(),
                weekly,
                issues: of_kind,
            },
        ));
    }
    pages.push(Page::new(
        routes::editions(lang),
        PageKind::EditionIndex {
            lang: lang.clone(),
            issues,
        },
    ));
}

/// The sitemap files for `listed` URLs: `sitemap.xml` alone, or above
/// [`SITEMAP_LIMIT`] URLs an index at
/// `sitemap.xml` and parts `sitemap-1.xml`, `sitemap-2.xml` …
pub fn sitemap_pages(listed: usize) -> Vec<Page> {
    let parts = listed.div_ceil(SITEMAP_LIMIT).max(1);
    let mut pages = vec![Page::new(
        urls::sitemap(None),
        PageKind::Sitemap { part: None, parts },
    )];
    if parts > 1 {
        pages.extend((1..=parts).map(|n| {
            Page::new(
                urls::sitemap(Some(n)),
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
            if matches!(
                (&pages[first].kind, &page.kind),
                (PageKind::Article(_), PageKind::Article(_))
            ) {
                // Said by the site stage, which finds every pair of
                // articles with one address.
                continue;
            }
            let (a, b) = (describe(site, &pages[first]), describe(site, page));
            let file = match (&pages[first].kind, &page.kind) {
                (_, PageKind::Article(id)) | (PageKind::Article(id), _) => {
                    Some(site.articles[*id].path.clone())
                }
                (_, PageKind::Asset { source, .. }) => source.path().map(Path::to_path_buf),
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
            list: ListKind::Author(a),
            ..
        } => format!("the author `{}`", site.authors.get(*a).slug),
        PageKind::List {
            list: ListKind::Archive { year, month },
            ..
        } => format!("the archive of {year}-{month:02}"),
        PageKind::List { lang, .. } => format!("the home page of the `{lang}` edition"),
        PageKind::Asset { source, .. } => format!("the file {source}"),
        PageKind::TopicIndex(lang) => format!("the topic index of the `{lang}` edition"),
        PageKind::AuthorIndex(lang) => format!("the author index of the `{lang}` edition"),
        PageKind::Search(lang) => format!("the search page of the `{lang}` edition"),
        PageKind::Front => "the front page".into(),
        PageKind::NotFound => "the page for missing addresses (404.html)".into(),
        PageKind::Feed {
            lang,
            list: ListKind::Topic(t),
            ..
        } => format!(
            "the `{lang}` feed of the topic `{}`",
            site.topics.get(*t).slug
        ),
        PageKind::Feed {
            lang,
            list: ListKind::Author(a),
            ..
        } => format!(
            "the `{lang}` feed of the author `{}`",
            site.authors.get(*a).slug
        ),
        PageKind::Feed { lang, format, .. } => format!(
            "the {} of the `{lang}` edition",
            match format {
                FeedFormat::Atom => "Atom feed",
                FeedFormat::Json => "JSON feed",
            }
        ),
        PageKind::Sitemap { .. } => "the sitemap".into(),
        PageKind::Robots => "robots.txt".into(),
        PageKind::Edition { lang, issue } => {
            format!("the `{lang}` edition of {}", issue.period.slug())
        }
        PageKind::EditionIndex { lang, .. } => {
            format!("the index of editions of the `{lang}` edition")
        }
        PageKind::EditionFeed { lang, weekly, .. } => format!(
            "the feed of {} editions of the `{lang}` edition",
            if *weekly { "weekly" } else { "daily" }
        ),
        PageKind::Email { lang, issue, .. } => {
            format!(
                "the email of the `{lang}` edition of {}",
                issue.period.slug()
            )
        }
        PageKind::Picture { .. } => "a published picture".into(),
        PageKind::EmbedScript { .. } => "the script that plays embeds".into(),
    }
}

/// The sitemap protocol's limit of URLs per file.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Whether a page is listed in the sitemap: every HTML page but the 404
/// page and previews (a draft's or a scheduled story's page, or a list of
/// nothing but previews).
pub fn in_sitemap(site: &Site, page: &Page) -> bool {
    page.route.is_html()
        && match &page.kind {
            PageKind::NotFound | PageKind::Asset { .. } | PageKind::Email { .. } => false,
            PageKind::Article(id) => !site.is_preview(*id),
            PageKind::List { lang, list, pager } => {
                let items = &list.items(site, lang)[pager.items.clone()];
                items.is_empty() || items.iter().any(|id| !site.is_preview(*id))
            }
            _ => true,
        }
}

/// When what `page` shows last changed, for the sitemap (previews left
/// out).
pub fn last_modified(site: &Site, page: &Page) -> Option<PubDate> {
    let newest = |ids: &[ArticleId]| {
        ids.iter()
            .filter(|id| !site.is_preview(**id))
            .filter_map(|id| site.modified[*id])
            .max()
    };
    match &page.kind {
        PageKind::Article(id) => site.modified[*id],
        PageKind::List { lang, list, pager } => {
            newest(&list.items(site, lang)[pager.items.clone()])
        }
        PageKind::TopicIndex(lang) | PageKind::Search(lang) | PageKind::AuthorIndex(lang) => {
            newest(&site.edition(lang).articles)
        }
        PageKind::Edition { issue, .. } => newest(&issue.items),
        PageKind::EditionIndex { issues, .. } => {
            issues.iter().filter_map(|i| newest(&i.items)).max()
        }
        PageKind::Front => site
            .editions
            .iter()
            .filter_map(|e| newest(&e.articles))
            .max(),
        _ => None,
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
