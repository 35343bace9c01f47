//! Addresses written in a body: where each leads inside the site and how
//! it is rewritten so the body works wherever it is shown (its page, a
//! feed, a feed reader, an email). Markdown's links and pictures
//! ([`crate::content::markdown`]) and raw HTML's `href` and `src`
//! ([`crate::content::raw_html`]) are read by the same rules.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use pulldown_cmark::CowStr;

use crate::config::RawHtml;
use crate::content::article::LinkTarget;
use crate::urls::Route;

/// Where a body is published, for reading its relative addresses. `page`
/// and `folder` are root-relative and start with the base path.
///
/// Relative addresses become root-relative, so the body works the same on
/// its page, in a feed and in a feed reader: pictures and files
/// (`map.svg`, `report.pdf`) are read from the article's folder under
/// `content/`, where they are published, as the front matter's `image` is;
/// links to pages (`../other-story/`) are read from the article's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The article's page: `/digest/en/news/story/`.
    pub page: String,
    /// The article's folder as published: `/digest/news/`.
    pub folder: String,
    /// The article's folder under `content/` (`news`, `""` at the top),
    /// which links to other articles by source file are read from.
    pub section: String,
}

/// An internal address found in a body, at byte `offset` of the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub offset: usize,
    /// As written.
    pub written: String,
    pub target: LinkTarget,
    pub picture: bool,
}

/// What an address in a body is: a link (read from the page), or a
/// picture or other embedded file (read from the article's folder).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    Link,
    Image,
}

/// Where an address written in a body leads inside the site, if it does:
/// relative and root-relative addresses (not `#…` on the same page, not
/// `//host`, not an address with a scheme).
pub fn internal_target(
    url: &str,
    base_path: &str,
    place: &Place,
    target: Target,
) -> Option<LinkTarget> {
    if is_external(url) || is_dangerous_url(url) {
        return None;
    }
    if let Some((path, fragment)) = source_link(url, place) {
        return Some(LinkTarget::Source { path, fragment });
    }
    let address = rebase(CowStr::Borrowed(url), base_path, place, target);
    Some(LinkTarget::Address(address.into_string()))
}

/// `#x`, `?q`, `//host/…`, `https://…`, `mailto:…`, or nothing: not an
/// address of a page or file of this site.
pub fn is_external(url: &str) -> bool {
    url.is_empty() || url.starts_with(['#', '?']) || url.starts_with("//") || has_scheme(url)
}

/// A link to another article by its source file: `../x.ar.md` (read from
/// the article's folder) or `@/news/x.ar.md` (from `content/`). Gives the
/// file, relative to `content/`, and the fragment written after it.
fn source_link(url: &str, place: &Place) -> Option<(String, Option<String>)> {
    let (path, fragment) = match url.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment.to_string())),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if !path.ends_with(".md") || path.starts_with('/') {
        return None;
    }
    let from = match path.strip_prefix("@/") {
        Some(rooted) => resolve("/", rooted),
        None if place.section.is_empty() => resolve("/", path),
        None => {
            let folder = Route::dir(place.section.split('/')).href_under("/");
            resolve(&folder, path)
        }
    };
    let decoded = percent_decode_str(from.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    Some((decoded.into_owned(), fragment))
}

/// Characters escaped in the mark a link by source file leaves in a body.
const MARK_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'\'')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'&');

/// The mark a link to an article by source file leaves in the body's HTML
/// (under the base path, so the sanitizer keeps it as any of the site's
/// addresses), to be replaced by the article's address. It holds a token
/// chosen at random when digest starts, which no article can spell.
pub fn source_mark() -> &'static str {
    static MARK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARK.get_or_init(|| format!("__digest-source-{}__/", crate::html::minify::random_token()))
}

/// Points root-relative URLs (`/ar/news/x/`) at the base path, makes
/// relative ones root-relative (see [`Place`]), marks links to articles by
/// source file (see [`source_mark`]) and replaces URLs with a scripting
/// scheme by `#`.
pub fn rebase<'a>(url: CowStr<'a>, base_path: &str, place: &Place, target: Target) -> CowStr<'a> {
    if is_dangerous_url(&url) {
        return CowStr::Borrowed("#");
    }
    if is_external(&url) {
        return url;
    }
    if let Some((path, fragment)) = source_link(&url, place) {
        let mut marked = format!("{base_path}{}", source_mark());
        marked.extend(utf8_percent_encode(&path, MARK_PATH));
        if let Some(fragment) = fragment {
            marked.push('#');
            marked.push_str(&fragment);
        }
        return CowStr::Boxed(marked.into_boxed_str());
    }
    if let Some(rooted) = url.strip_prefix('/') {
        if base_path == "/" {
            return url;
        }
        return CowStr::Boxed(format!("{base_path}{rooted}").into_boxed_str());
    }
    let from = if target == Target::Image || names_a_file(&url) {
        &place.folder
    } else {
        &place.page
    };
    CowStr::Boxed(resolve(from, &url).into_boxed_str())
}

/// `mailto:x`, `https://…`: an address with a scheme (RFC 3986: a letter,
/// then letters, digits, `+`, `-` or `.`, before the first `:`, `/`, `?`, `#`).
fn has_scheme(url: &str) -> bool {
    match url.find([':', '/', '?', '#']) {
        Some(at) if url.as_bytes()[at] == b':' && at > 0 => {
            let scheme = &url[..at];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// Whether a relative address names a file (`report.pdf`), not a page
/// (`../story/`, `page.html`).
fn names_a_file(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((stem, ext)) => !stem.is_empty() && !ext.is_empty() && !matches!(ext, "html" | "htm"),
        None => false,
    }
}

/// `rel` read against the root-relative `base`, dot segments removed:
/// a root-relative path with its query and fragment.
pub fn resolve(base: &str, rel: &str) -> String {
    let origin = url::Url::parse("http://site.invalid/").expect("a valid URL");
    match origin.join(base).and_then(|b| b.join(rel)) {
        Ok(url) => url[url::Position::BeforePath..].to_string(),
        Err(_) => rel.to_string(),
    }
}

/// `javascript:`, `vbscript:` and `data:` URLs run code or hide content;
/// browsers ignore ASCII whitespace and case in the scheme, so we do too.
pub fn is_dangerous_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    scheme.starts_with("javascript:")
        || scheme.starts_with("vbscript:")
        || scheme.starts_with("data:")
}

/// Where raw HTML's `href` or `src` leads, as the page will have it: under
/// `sanitize` rewritten as Markdown's addresses are (see [`rebase`]); under
/// `allow` as written, read from the page as a browser reads it.
pub fn raw_target(
    value: &str,
    raw_html: RawHtml,
    base_path: &str,
    place: &Place,
    target: Target,
) -> Option<LinkTarget> {
    if raw_html == RawHtml::Sanitize && value.starts_with(base_path) {
        return (!is_external(value)).then(|| LinkTarget::Address(value.to_string()));
    }
    if raw_html == RawHtml::Allow {
        if is_external(value) || is_dangerous_url(value) {
            return None;
        }
        let address = if value.starts_with('/') {
            value.to_string()
        } else {
            resolve(&place.page, value)
        };
        return Some(LinkTarget::Address(address));
    }
    internal_target(value, base_path, place, target)
}
