//! Page fingerprints: a hash of everything a page shows (the stamps of the
//! articles and topics on it, its pagination, the theme and configuration),
//! which is what lets a build skip the pages whose inputs did not change.

use rayon::prelude::*;

use crate::config::{Config, Lang};
use crate::content::article::ArticleId;
use crate::hash::Hasher;
use crate::output::editions::Issue;
use crate::output::plan::{FeedFormat, ListKind, Page, PageKind, Plan, in_sitemap, last_modified};
use crate::site::model::Site;

/// Each page's output path and fingerprint, in the order of the plan's
/// pages. `globals`: the hash of what every page depends on (program,
/// configuration, theme, options); `pictures`: for each article, a hash of
/// the pictures its card and its page show (`media::Media::stamps`).
pub fn all(
    plan: &Plan,
    site: &Site,
    config: &Config,
    globals: u64,
    pictures: &[[u64; 2]],
) -> Vec<(String, u128)> {
    let sitemap = sitemap_fingerprint(site, &plan.pages);
    // What every HTML page's masthead and footer show.
    let chrome = hash_chrome(plan, site);
    plan.pages
        .par_iter()
        .map(|p| {
            let shared = if p.route.is_html() {
                crate::hash::combine(&[globals, chrome])
            } else {
                globals
            };
            (
                p.path.clone(),
                p.fingerprint(site, config, shared, sitemap, pictures),
            )
        })
        .collect()
}

/// The menus, each edition's sections and whether it has an author index:
/// what the masthead and footer of every page can show.
fn hash_chrome(plan: &Plan, site: &Site) -> u64 {
    let mut h = Hasher::new();
    h.u64(plan.menus.fingerprint(site));
    for edition in &site.editions {
        h.u64(u64::from(edition.authors.is_empty()));
    }
    h.digest()
}

impl Page {
    /// A hash of everything this page shows. Two builds that give a page the
    /// same fingerprint render it to the same bytes.
    pub fn fingerprint(
        &self,
        site: &Site,
        config: &Config,
        globals: u64,
        sitemap: u64,
        pictures: &[[u64; 2]],
    ) -> u128 {
        let mut h = Hasher::new();
        h.u64(globals);
        h.str(&self.path);
        let card = |h: &mut Hasher, id: ArticleId| {
            h.u64(site.stamps[id].card);
            h.u64(pictures[id][0]);
        };
        // A feed entry shows the whole article and links its translations.
        let entry = |h: &mut Hasher, id: ArticleId| {
            h.u64(site.stamps[id].page);
            h.u64(pictures[id][1]);
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
                hash_list(&mut h, site, list);
                if *list == ListKind::Home {
                    hash_months(&mut h, site, lang);
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
            PageKind::AuthorIndex(lang) => {
                h.str("authors");
                for (a, ids) in &site.edition(lang).authors {
                    h.u64(site.authors.get(*a).stamp);
                    h.u64(ids.len() as u64);
                }
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
            PageKind::Feed { lang, list, format } => {
                h.str(if *format == FeedFormat::Atom {
                    "atom"
                } else {
                    "json"
                });
                hash_list(&mut h, site, list);
                for id in list.feed_entries(site, lang, config.feed_entries) {
                    entry(&mut h, id);
                }
            }
            PageKind::Sitemap { part, parts } => {
                h.str("sitemap");
                h.u64(part.unwrap_or(0) as u64);
                h.u64(*parts as u64);
                h.u64(sitemap);
            }
            PageKind::Edition { issue, .. } => {
                h.str("edition");
                hash_issue(&mut h, site, pictures, issue);
            }
            PageKind::Email { issue, format, .. } => {
                h.str(format.extension());
                hash_issue(&mut h, site, pictures, issue);
            }
            PageKind::EditionIndex { issues, .. } => {
                h.str("editions");
                for issue in issues.iter() {
                    h.str(&issue.period.slug());
                    h.u64(issue.items.len() as u64);
                }
            }
            PageKind::EditionFeed { issues, .. } => {
                h.str("editions feed");
                for issue in issues.iter().take(config.feed_entries) {
                    hash_issue(&mut h, site, pictures, issue);
                }
            }
            PageKind::NotFound => h.str("404"),
            PageKind::Robots => h.str("robots"),
            PageKind::Asset { hash, .. } => {
                h.str("asset");
                h.u64(*hash);
            }
            PageKind::Picture { print, .. } => {
                h.str("picture");
                h.u64(*print);
            }
            PageKind::EmbedScript { hash } => {
                h.str("embed script");
                h.u64(*hash);
            }
        }
        h.digest128()
    }
}

/// What an edition shows: its period, its stories' cards, its neighbours
/// and the languages it is published in (a card's stamp with the
/// pictures it shows).
fn hash_issue(h: &mut Hasher, site: &Site, pictures: &[[u64; 2]], issue: &Issue) {
    h.str(&issue.period.slug());
    h.u64(issue.items.len() as u64);
    for &id in issue.items.iter() {
        h.u64(site.stamps[id].card);
        h.u64(pictures[id][0]);
    }
    for neighbour in [issue.prev, issue.next] {
        h.str(&neighbour.map(|p| p.slug()).unwrap_or_default());
    }
    for lang in issue.languages.iter() {
        h.str(lang.as_str());
    }
}

/// What a list shows of the topic or author it is about.
fn hash_list(h: &mut Hasher, site: &Site, list: &ListKind) {
    match list {
        ListKind::Topic(t) => h.u64(site.topics.get(*t).stamp),
        ListKind::Author(a) => h.u64(site.authors.get(*a).stamp),
        _ => {}
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
        .filter(|p| in_sitemap(site, p))
        .map(|page| {
            let mut h = Hasher::new();
            h.str(&page.path);
            if let Some(date) = last_modified(site, page) {
                // The time it last changed (`seconds`), not how it was written.
                h.u64(date.seconds as u64);
            }
            if let PageKind::Article(id) = page.kind {
                for &t in &site.translations[id] {
                    let a = &site.articles[t];
                    h.str(a.lang.as_str());
                    h.str(&a.section);
                    h.str(&a.slug);
                    h.u64(u64::from(site.is_preview(t)));
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
