//! Page fingerprints: a hash of everything a page shows (the stamps of the
//! articles and topics on it, its pagination, the theme and configuration),
//! which is what lets a build skip the pages whose inputs did not change.

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, Lang};
use crate::content::article::ArticleId;
use crate::dates::PubDate;
use crate::hash::Hasher;
use crate::output::editions::Issue;
use crate::output::plan::{FeedFormat, ListKind, Page, PageKind, Plan, in_sitemap, last_modified};
use crate::site::model::{Site, Stamps};

/// Each page's fingerprint, in the order of the plan's pages. `globals`:
/// the hash of what every page depends on (program, configuration, theme,
/// options); `pictures`: for each article, a hash of the pictures its card
/// and its page show (`media::Media::stamps`).
///
/// `memo` keeps the last fingerprints of this process (`digest serve`) and
/// which articles each page shows. For the same plan of the same site
/// structure (a site patched with edits), only the pages that show an
/// article whose stamps changed are fingerprinted again, and the sitemap's
/// pages if a date they list changed: what else a page shows depends on the
/// structure, the globals and the masthead, which are then the same.
pub fn all(
    plan: &Arc<Plan>,
    site: &Site,
    config: &Config,
    globals: u64,
    pictures: &[[u64; 2]],
    memo: &mut Option<FingerprintMemo>,
) -> Vec<u128> {
    // What every HTML page's masthead and footer show.
    let chrome = hash_chrome(plan, site);
    let inputs = Inputs {
        site,
        config,
        globals,
        chrome,
        pictures,
    };
    let mut kept = memo
        .take()
        .filter(|m| m.fits(plan, site, globals, chrome, pictures));
    let prints = match &mut kept {
        Some(m) => {
            let prints = m.update(plan, &inputs);
            debug_assert!(
                prints == FingerprintMemo::new(plan, &inputs).prints,
                "fingerprints brought up to date are those made afresh"
            );
            prints
        }
        None => {
            let fresh = FingerprintMemo::new(plan, &inputs);
            let prints = fresh.prints.clone();
            kept = Some(fresh);
            prints
        }
    };
    *memo = kept;
    prints
}

/// What every fingerprint is made from.
struct Inputs<'a> {
    site: &'a Site,
    config: &'a Config,
    globals: u64,
    chrome: u64,
    pictures: &'a [[u64; 2]],
}

impl Inputs<'_> {
    /// Page `page`'s fingerprint, and the articles it shows (noted in `reads`).
    fn page(&self, page: &Page, sitemap: u64, reads: &mut Vec<ArticleId>) -> u128 {
        let shared = if page.route.is_html() {
            crate::hash::combine(&[self.globals, self.chrome])
        } else {
            self.globals
        };
        let mut reader = Reader {
            site: self.site,
            pictures: self.pictures,
            reads,
        };
        page.fingerprint(&mut reader, self.config, shared, sitemap)
    }
}

/// The last fingerprints of a process, with what they were made from.
#[derive(Debug)]
pub struct FingerprintMemo {
    plan: Arc<Plan>,
    structure: u64,
    globals: u64,
    chrome: u64,
    stamps: Vec<Stamps>,
    pictures: Vec<[u64; 2]>,
    modified: Vec<Option<PubDate>>,
    sitemap: u64,
    prints: Vec<u128>,
    /// For each article, the pages (indexes in the plan) that show it.
    readers: Vec<Vec<u32>>,
    /// The sitemap's pages.
    sitemaps: Vec<u32>,
}

impl FingerprintMemo {
    /// Every page fingerprinted.
    fn new(plan: &Arc<Plan>, inputs: &Inputs) -> FingerprintMemo {
        let site = inputs.site;
        let sitemap = sitemap_fingerprint(site, &plan.pages);
        let (prints, reads): (Vec<u128>, Vec<Vec<ArticleId>>) = plan
            .pages
            .par_iter()
            .map(|page| {
                let mut reads = Vec::new();
                (inputs.page(page, sitemap, &mut reads), reads)
            })
            .unzip();
        let mut readers = vec![Vec::new(); site.articles.len()];
        for (index, ids) in reads.into_iter().enumerate() {
            for id in ids {
                let shown = &mut readers[id];
                if shown.last() != Some(&(index as u32)) {
                    shown.push(index as u32);
                }
            }
        }
        let sitemaps = (plan.pages.iter().enumerate())
            .filter(|(_, p)| matches!(p.kind, PageKind::Sitemap { .. }))
            .map(|(index, _)| index as u32)
            .collect();
        FingerprintMemo {
            plan: plan.clone(),
            structure: site.structure,
            globals: inputs.globals,
            chrome: inputs.chrome,
            stamps: site.stamps.clone(),
            pictures: inputs.pictures.to_vec(),
            modified: site.modified.clone(),
            sitemap,
            prints,
            readers,
            sitemaps,
        }
    }

    /// Whether these fingerprints can be brought up to date for `plan`.
    fn fits(
        &self,
        plan: &Arc<Plan>,
        site: &Site,
        globals: u64,
        chrome: u64,
        pictures: &[[u64; 2]],
    ) -> bool {
        Arc::ptr_eq(&self.plan, plan)
            && self.structure == site.structure
            && self.globals == globals
            && self.chrome == chrome
            && self.stamps.len() == site.stamps.len()
            && self.pictures.len() == pictures.len()
    }

    /// The fingerprints again, of the pages that show a changed article.
    fn update(&mut self, plan: &Plan, inputs: &Inputs) -> Vec<u128> {
        let site = inputs.site;
        let changed: Vec<ArticleId> = (0..site.stamps.len())
            .filter(|&id| {
                site.stamps[id] != self.stamps[id]
                    || inputs.pictures[id] != self.pictures[id]
                    || site.modified[id] != self.modified[id]
            })
            .collect();
        let mut stale: Vec<u32> = changed
            .iter()
            .flat_map(|&id| self.readers[id].iter().copied())
            .collect();
        if changed
            .iter()
            .any(|&id| site.modified[id] != self.modified[id])
        {
            let sitemap = sitemap_fingerprint(site, &plan.pages);
            if sitemap != self.sitemap {
                self.sitemap = sitemap;
                stale.extend(&self.sitemaps);
            }
        }
        stale.sort_unstable();
        stale.dedup();
        let again: Vec<(u32, u128)> = stale
            .par_iter()
            .map(|&index| {
                let page = &plan.pages[index as usize];
                (index, inputs.page(page, self.sitemap, &mut Vec::new()))
            })
            .collect();
        for (index, print) in again {
            self.prints[index as usize] = print;
        }
        for id in changed {
            self.stamps[id] = site.stamps[id];
            self.pictures[id] = inputs.pictures[id];
            self.modified[id] = site.modified[id];
        }
        self.prints.clone()
    }
}

/// What a page shows of the site's articles, hashed, with the articles it
/// read noted.
struct Reader<'a, 'r> {
    site: &'a Site,
    pictures: &'a [[u64; 2]],
    reads: &'r mut Vec<ArticleId>,
}

impl Reader<'_, '_> {
    /// What a card shows.
    fn card(&mut self, h: &mut Hasher, id: ArticleId) {
        self.reads.push(id);
        h.u64(self.site.stamps[id].card);
        h.u64(self.pictures[id][0]);
    }

    /// A whole article (its page, a feed entry) and the links to its
    /// translations.
    fn entry(&mut self, h: &mut Hasher, id: ArticleId) {
        self.reads.push(id);
        h.u64(self.site.stamps[id].page);
        h.u64(self.pictures[id][1]);
        h.u64(self.site.translations[id].len() as u64);
        for &t in &self.site.translations[id] {
            self.reads.push(t);
            h.u64(self.site.stamps[t].link);
        }
    }
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
    fn fingerprint(&self, read: &mut Reader, config: &Config, globals: u64, sitemap: u64) -> u128 {
        let site = read.site;
        let mut h = Hasher::new();
        h.u64(globals);
        h.str(&self.path);
        match &self.kind {
            PageKind::Article(id) => {
                h.str("article");
                read.entry(&mut h, *id);
                h.u64(site.related[*id].len() as u64);
                for &r in &site.related[*id] {
                    read.card(&mut h, r);
                }
            }
            PageKind::List { lang, list, pager } => {
                h.str("list");
                let items = list.items(site, lang);
                h.u64(items.len() as u64);
                h.u64(pager.number as u64);
                h.u64(pager.total as u64);
                for &id in &items[pager.items.clone()] {
                    read.card(&mut h, id);
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
                        read.card(&mut h, id);
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
                    read.entry(&mut h, id);
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
                hash_issue(&mut h, read, issue);
            }
            PageKind::Email { issue, format, .. } => {
                h.str(format.extension());
                hash_issue(&mut h, read, issue);
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
                    hash_issue(&mut h, read, issue);
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
fn hash_issue(h: &mut Hasher, read: &mut Reader, issue: &Issue) {
    h.str(&issue.period.slug());
    h.u64(issue.items.len() as u64);
    for &id in issue.items.iter() {
        read.card(h, id);
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
