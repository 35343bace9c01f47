//! Each edition's menu (`menu:` in `digest.yaml`), resolved against the
//! site: sections and standalone pages by key or path, the topic and author
//! indexes, addresses in the site (checked against the planned pages) and
//! outside links. An entry that names nothing is an error at its line.
//!
//! What an entry leads to depends only on the site's structure, so menus
//! are planned with the pages; their labels (a page's title) are read when
//! pages are rendered.

use crate::config::{Config, Lang, MenuEntry, MenuTarget};
use crate::content::article::ArticleId;
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::hash::Hasher;
use crate::site::model::Site;
use crate::urls::Route;

/// What a menu entry leads to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MenuItem {
    /// A section of the edition, labelled as `sections:` says.
    Section(String),
    /// A standalone page (or a story), labelled with its title.
    Page(ArticleId),
    /// The edition's topic index.
    TopicIndex,
    /// The edition's author index.
    AuthorIndex,
    /// A page of the site, with the label the entry gives it.
    Path { label: String, route: Route },
    /// An address outside the site.
    External { label: String, url: String },
}

/// The menus of the editions that set one, in the configuration's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Menus {
    editions: Vec<(Lang, Vec<MenuItem>)>,
}

impl Menus {
    /// The menu of `lang`, if the configuration gives it one.
    pub fn of(&self, lang: &Lang) -> Option<&[MenuItem]> {
        self.editions
            .iter()
            .find(|(l, _)| l == lang)
            .map(|(_, items)| items.as_slice())
    }

    /// A hash of what the masthead and footer of every page show: each
    /// menu's entries (and the titles of the pages they name) and each
    /// edition's sections, which the default theme shows when no menu is
    /// set.
    pub fn fingerprint(&self, site: &Site) -> u64 {
        let mut h = Hasher::new();
        for (lang, items) in &self.editions {
            h.str(lang.as_str());
            for item in items {
                h.str(&format!("{item:?}"));
                if let MenuItem::Page(id) = item {
                    h.u64(site.stamps[*id].link);
                }
            }
        }
        for edition in &site.editions {
            h.u64(edition.sections.len() as u64);
            for section in edition.sections.keys() {
                h.str(section);
            }
        }
        h.digest()
    }
}

/// Resolves every edition's menu; entries that lead nowhere are reported.
/// `page_at` finds the planned page written to an output file
/// (`en/2021/12/index.html`).
pub fn resolve(
    config: &Config,
    site: &Site,
    page_at: &dyn Fn(&str) -> Option<Route>,
) -> (Menus, Diagnostics) {
    let mut problems = Diagnostics::new();
    let mut menus = Menus::default();
    for (lang, entries) in &config.menus {
        let items = entries
            .iter()
            .filter_map(|entry| match item(site, page_at, lang, entry) {
                Ok(item) => Some(item),
                Err(problem) => {
                    problems.push(problem);
                    None
                }
            })
            .collect();
        menus.editions.push((lang.clone(), items));
    }
    (menus, problems)
}

fn item(
    site: &Site,
    page_at: &dyn Fn(&str) -> Option<Route>,
    lang: &Lang,
    entry: &MenuEntry,
) -> Result<MenuItem, Diagnostic> {
    match &entry.target {
        MenuTarget::Key(key) => {
            by_key(site, lang, key).ok_or_else(|| nothing(site, lang, entry, key))
        }
        MenuTarget::Link { label, url } if url.starts_with('/') => {
            let route = in_site(page_at, url).ok_or_else(|| {
                Diagnostic::error(
                    Some(entry.at.clone()),
                    format!("the menu link `{url}` leads to no page of the site"),
                )
                .with_help("give the address of a page the site has, from its root (e.g. /en/news/), or a full https:// address")
            })?;
            Ok(MenuItem::Path {
                label: label.clone(),
                route,
            })
        }
        MenuTarget::Link { label, url } => Ok(MenuItem::External {
            label: label.clone(),
            url: url.clone(),
        }),
    }
}

/// A section, a standalone page, `tags` or `authors`, by key (`news`,
/// `about`) or by path (`news/`, `about.en.md`, `content/about.md`).
fn by_key(site: &Site, lang: &Lang, key: &str) -> Option<MenuItem> {
    let edition = site.edition(lang);
    let key = key.strip_prefix("content/").unwrap_or(key);
    let folder = key.trim_end_matches('/');
    if edition.sections.contains_key(folder) {
        return Some(MenuItem::Section(folder.to_string()));
    }
    let page = edition.pages.iter().chain(&edition.articles).find(|&&id| {
        let article = &site.articles[id];
        let file = article
            .path
            .strip_prefix("content")
            .unwrap_or(&article.path);
        let named = article.section.is_empty() && (article.stem == key || article.slug == key);
        named || file.to_str() == Some(key)
    });
    if let Some(&id) = page {
        return Some(MenuItem::Page(id));
    }
    match key {
        "tags" => Some(MenuItem::TopicIndex),
        "authors" if !edition.authors.is_empty() => Some(MenuItem::AuthorIndex),
        _ => None,
    }
}

/// The planned page at `url`, an address from the site's root.
fn in_site(page_at: &dyn Fn(&str) -> Option<Route>, url: &str) -> Option<Route> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.into_owned()
    };
    page_at(&file)
}

fn nothing(site: &Site, lang: &Lang, entry: &MenuEntry, key: &str) -> Diagnostic {
    let edition = site.edition(lang);
    let mut known: Vec<&str> = edition.sections.keys().map(String::as_str).collect();
    known.extend(
        edition
            .pages
            .iter()
            .map(|&id| site.articles[id].stem.as_str()),
    );
    known.push("tags");
    if !edition.authors.is_empty() {
        known.push("authors");
    }
    let help = match did_you_mean(key, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "name one of the edition's sections or standalone pages, or tags or authors ({}); for a link, write `{{ label: …, url: … }}`",
            known.join(", ")
        ),
    };
    Diagnostic::error(
        Some(entry.at.clone()),
        format!("the menu entry `{key}` of `{lang}` points at nothing: no section, standalone page or index of the {lang} edition has that name"),
    )
    .with_help(help)
}
