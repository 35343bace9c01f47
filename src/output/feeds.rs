//! Feeds: Atom and JSON Feed per edition, Atom per topic and per author.
//!
//! Atom is written by the atom_syndication crate and JSON Feed by serde, so
//! escaping is never hand-made; entry ids are tag URIs built from the
//! article's translation key and date, stable across builds and slug changes.

use atom_syndication as atom;
use serde::Serialize;

use crate::config::{Config, Lang};
use crate::content::article::ArticleId;
use crate::dates::PubDate;
use crate::error::Diagnostic;
use crate::output::editions::Issue;
use crate::output::plan::{FeedFormat, ListKind, routes};
use crate::output::views::sources::Sources;
use crate::site::model::Site;
use crate::urls::Route;

/// A stable id for an article, a tag URI (RFC 4151) made of the site's
/// host, the article's date and its translation key:
/// `tag:example.org,2021-12-30:digest/ar/news/stem`. It does not change
/// when the article is edited, retitled or given another slug.
pub fn entry_id(config: &Config, site: &Site, id: ArticleId) -> String {
    let a = &site.articles[id];
    let host = tag_host(config);
    // Stories always have a date; a page would never be in a feed.
    let day = a
        .date
        .map_or(jiff::civil::date(1970, 1, 1), |d| d.civil().date());
    let mut folders = vec![a.lang.to_string()];
    folders.extend(
        a.section
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    );
    let path = Route::file(folders, &a.stem).href_under(&config.base_url.path);
    format!("tag:{host},{day}:{}", &path[1..])
}

/// The authority of the site's tag URIs: the base URL's host.
fn tag_host(config: &Config) -> String {
    url::Url::parse(&config.base_url.origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into())
}

fn fixed(date: &PubDate) -> atom::FixedDateTime {
    atom::FixedDateTime::parse_from_rfc3339(&date.rfc3339()).expect("RFC 3339 from jiff parses")
}

/// One feed: an edition's newest articles, or one topic's or author's.
pub fn feed(
    sources: &Sources,
    lang: &Lang,
    list: &ListKind,
    format: FeedFormat,
) -> Result<Vec<u8>, Diagnostic> {
    let (config, site) = (sources.config, sources.site);
    let ids = list.feed_entries(site, lang, config.feed_entries);
    let language = config.language(lang);
    let name = match list {
        ListKind::Topic(t) => site.topics.get(*t).label(lang).map(|l| l.label.as_str()),
        ListKind::Author(a) => Some(site.authors.get(*a).name(lang)),
        _ => None,
    };
    let title = match name {
        Some(name) => format!("{name} – {}", language.title),
        None => language.title.clone(),
    };
    let feed_url = sources.permalink(&routes::feed(site, lang, list, format));
    let page_url = sources.permalink(&routes::list(site, lang, list));
    let updated = ids
        .iter()
        .filter_map(|id| site.articles[*id].modified())
        .max();
    // A topic's or author's feed carries the whole of its newest stories
    // only: its readers follow the edition's feed for the rest, and 600
    // topics' feeds of whole stories were a third of the site's bytes.
    let full = match list {
        ListKind::Home => ids.len(),
        _ => config.feed_full_entries,
    };
    let mut bodies = Vec::with_capacity(ids.len());
    for id in ids.iter().take(full) {
        bodies.push(Some(sources.body(*id)?));
    }
    bodies.resize(ids.len(), None);
    Ok(match format {
        FeedFormat::Atom => {
            let entries = ids
                .iter()
                .zip(&bodies)
                .map(|(id, body)| atom_entry(sources, *id, body.as_deref()))
                .collect();
            let head = AtomHead {
                title,
                feed_url,
                page_url,
                subtitle: language.description.clone(),
                updated: updated.map_or_else(epoch, |d| fixed(&d)),
            };
            atom_feed(config, lang, head, entries)
        }
        FeedFormat::Json => {
            let feed = JsonFeed {
                version: "https://jsonfeed.org/version/1.1",
                title,
                home_page_url: page_url,
                feed_url,
                description: language.description.clone(),
                language: lang.to_string(),
                items: ids
                    .iter()
                    .zip(&bodies)
                    .map(|(id, body)| json_item(sources, *id, body.as_deref()))
                    .collect(),
            };
            let mut out = serde_json::to_vec_pretty(&feed).expect("feeds serialize");
            out.push(b'\n');
            out
        }
    })
}

fn epoch() -> atom::FixedDateTime {
    atom::FixedDateTime::parse_from_rfc3339("1970-01-01T00:00:00+00:00").expect("valid")
}

/// What sets one of the site's Atom feeds apart from another; the rest of
/// the head is the same for all of them and written by [`atom_feed`].
struct AtomHead {
    title: String,
    /// The feed's own address, which is also its id.
    feed_url: String,
    /// The HTML page the feed follows.
    page_url: String,
    subtitle: Option<String>,
    updated: atom::FixedDateTime,
}

/// An Atom feed in `lang`: its head (links to itself and to its page, the
/// generator, the edition as author) and `entries`, as UTF-8 ending in a
/// newline.
fn atom_feed(config: &Config, lang: &Lang, head: AtomHead, entries: Vec<atom::Entry>) -> Vec<u8> {
    let feed = atom::Feed {
        title: atom::Text::plain(head.title),
        id: head.feed_url.clone(),
        updated: head.updated,
        links: vec![
            atom::Link {
                href: head.feed_url,
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            html_link(head.page_url, lang),
        ],
        subtitle: head.subtitle.map(atom::Text::plain),
        generator: Some(atom::Generator {
            value: "digest".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        lang: Some(lang.to_string()),
        authors: vec![atom::Person {
            name: config.language(lang).title.clone(),
            ..Default::default()
        }],
        entries,
        ..Default::default()
    };
    let mut out = feed.to_string().into_bytes();
    out.push(b'\n');
    out
}

/// A link to an HTML page in `lang`, the feed's, an entry's or its
/// translation's.
fn html_link(href: String, lang: &Lang) -> atom::Link {
    atom::Link {
        href,
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        hreflang: Some(lang.to_string()),
        ..Default::default()
    }
}

/// An entry with the whole story as its content, or (`body: None`) its
/// summary only.
fn atom_entry(sources: &Sources, id: ArticleId, body: Option<&str>) -> atom::Entry {
    let (config, site) = (sources.config, sources.site);
    let a = &site.articles[id];
    let card = sources.card(id);
    let content = body.map(|body| {
        let mut content = atom::Content::default();
        content.set_content_type("html".to_string());
        content.set_value(body.to_string());
        content.set_lang(a.lang.to_string());
        // Relative addresses in the body are read against the article's page.
        content.set_base(card.permalink.clone());
        content
    });
    let mut links = vec![html_link(card.permalink.clone(), &a.lang)];
    for &t in &site.translations[id] {
        links.push(html_link(
            sources.permalink(&routes::article(site, t)),
            &site.articles[t].lang,
        ));
    }
    atom::Entry {
        title: atom::Text::plain(a.title.clone()),
        id: entry_id(config, site, id),
        updated: a.modified().map_or_else(epoch, |d| fixed(&d)),
        published: a.date.map(|d| fixed(&d)),
        authors: bylines(sources, id)
            .into_iter()
            .map(|(name, uri)| atom::Person {
                name,
                uri,
                ..Default::default()
            })
            .collect(),
        categories: card
            .topics
            .iter()
            .map(|t| atom::Category {
                term: t.slug.clone(),
                label: Some(t.label.clone()),
                ..Default::default()
            })
            .collect(),
        links,
        summary: Some(atom::Text::plain(a.summary.clone())),
        content,
        ..Default::default()
    }
}

#[derive(Serialize)]
struct JsonFeed {
    version: &'static str,
    title: String,
    home_page_url: String,
    feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    language: String,
    items: Vec<JsonItem>,
}

#[derive(Serialize)]
struct JsonItem {
    id: String,
    url: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    /// When the item carries no `content_html`: its summary (JSON Feed
    /// wants one of the two).
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<String>,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    authors: Vec<JsonAuthor>,
    tags: Vec<String>,
    language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<String>,
}

#[derive(Serialize)]
struct JsonAuthor {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The article's authors with their pages; the edition itself when it
/// names none.
fn bylines(sources: &Sources, id: ArticleId) -> Vec<(String, Option<String>)> {
    let site = sources.site;
    let lang = &site.articles[id].lang;
    let authors = &site.article_authors[id];
    if authors.is_empty() {
        return vec![(sources.config.language(lang).title.clone(), None)];
    }
    authors
        .iter()
        .map(|&a| {
            let page = routes::list(site, lang, &ListKind::Author(a));
            (
                site.authors.get(a).name(lang).to_string(),
                Some(sources.permalink(&page)),
            )
        })
        .collect()
}

fn json_item(sources: &Sources, id: ArticleId, body: Option<&str>) -> JsonItem {
    let a = &sources.site.articles[id];
    let card = sources.card(id);
    JsonItem {
        id: entry_id(sources.config, sources.site, id),
        url: card.permalink.clone(),
        title: a.title.clone(),
        content_html: body.map(str::to_string),
        content_text: body.is_none().then(|| {
            if a.summary.is_empty() {
                a.title.clone()
            } else {
                a.summary.clone()
            }
        }),
        summary: a.summary.clone(),
        date_published: a.date.map(|d| d.rfc3339()),
        date_modified: a.modified().map(|d| d.rfc3339()),
        authors: bylines(sources, id)
            .into_iter()
            .map(|(name, url)| JsonAuthor { name, url })
            .collect(),
        tags: card.topics.iter().map(|t| t.label.clone()).collect(),
        language: a.lang.to_string(),
        image: card.image.map(|i| i.url),
        external_url: a.source.as_ref().and_then(|s| s.url.clone()),
    }
}

/// The Atom feed of an edition's daily or weekly editions: one entry per
/// edition, newest first, whose content lists its stories (titles linking
/// to them, summaries), so that a feed-to-email service can send it as is.
pub fn editions_feed(
    sources: &Sources,
    lang: &Lang,
    weekly: bool,
    issues: &[Issue],
) -> Result<Vec<u8>, Diagnostic> {
    let (config, site) = (sources.config, sources.site);
    let language = config.language(lang);
    let dir = language.dir.as_str();
    let kind = if weekly {
        "weekly_editions"
    } else {
        "daily_editions"
    };
    let title = format!("{} – {}", sources.string(lang, kind), language.title);
    let feed_url = sources.permalink(&routes::editions_feed(lang, weekly));
    let host = tag_host(config);
    let newest = |issue: &Issue| {
        issue
            .items
            .iter()
            .filter_map(|id| site.articles[*id].modified())
            .max()
    };
    let entries: Vec<atom::Entry> = issues
        .iter()
        .take(config.feed_entries)
        .map(|issue| {
            let view = sources.issue(lang, issue, usize::MAX);
            let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
            let item = |card: &crate::output::views::contract::Card| {
                format!(
                    "<li><a href=\"{}\">{}</a>{}</li>",
                    esc(&card.permalink),
                    esc(&card.title),
                    if card.summary.is_empty() {
                        String::new()
                    } else {
                        format!("<p>{}</p>", esc(&card.summary))
                    }
                )
            };
            let mut html = format!("<div dir=\"{dir}\" lang=\"{lang}\">");
            if let Some(lead) = &view.lead {
                html.push_str(&format!("<ul>{}</ul>", item(lead)));
            }
            for group in &view.groups {
                html.push_str(&format!("<h2>{}</h2><ul>", esc(&group.label)));
                for card in &group.items {
                    html.push_str(&item(card));
                }
                html.push_str("</ul>");
            }
            html.push_str("</div>");
            let mut content = atom::Content::default();
            content.set_content_type("html".to_string());
            content.set_value(html);
            content.set_lang(lang.to_string());
            let updated = newest(issue).map_or_else(epoch, |d| fixed(&d));
            let path = routes::edition(lang, &issue.period).href_under(&config.base_url.path);
            atom::Entry {
                title: atom::Text::plain(view.subject.clone()),
                id: format!("tag:{host},{}:{}", issue.period.first_day(), &path[1..]),
                updated,
                published: Some(updated),
                links: vec![html_link(view.link.permalink.clone(), lang)],
                summary: view
                    .lead
                    .as_ref()
                    .map(|lead| atom::Text::plain(lead.title.clone())),
                content: Some(content),
                ..Default::default()
            }
        })
        .collect();
    let updated = issues
        .iter()
        .filter_map(newest)
        .max()
        .map_or_else(epoch, |d| fixed(&d));
    let head = AtomHead {
        title,
        feed_url,
        page_url: sources.permalink(&routes::editions(lang)),
        subtitle: None,
        updated,
    };
    Ok(atom_feed(config, lang, head, entries))
}
