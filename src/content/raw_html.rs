//! The raw HTML written in a Markdown body, read for what the build must
//! know of it: the addresses it leads to (checked like Markdown's), the
//! ids it gives elements (which links may point at), and, under
//! `raw_html: sanitize`, what the sanitizer will remove, so that the build
//! can say so instead of dropping it without a word.
//!
//! Tags are read from the source, where their positions are, with the
//! tokenizer rules of [`crate::html::nesting`]; what is allowed is read
//! from the sanitizer's own configuration ([`sanitizer`]), which
//! [`sanitize`] cleans it with, so the two never disagree.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::config::RawHtml;
use pulldown_cmark::CowStr;

use crate::content::addresses::{self, Found, Place, Target};
use crate::html::attributes::attributes;
use crate::html::nesting::{self, Reading};

/// Something the sanitizer removed (or disarmed), at byte `offset` of the
/// Markdown (the start of its tag, or of the link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub offset: usize,
    pub what: What,
}

/// What was removed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum What {
    /// An element the sanitizer does not keep; `content`: its content went
    /// with it (`<script>`, `<style>`), else its text stays.
    Element { name: String, content: bool },
    /// An attribute the sanitizer does not keep on this element.
    Attribute { element: String, name: String },
    /// An address whose scheme the sanitizer does not keep.
    Scheme {
        element: String,
        attribute: String,
        scheme: String,
    },
    /// A `javascript:`, `vbscript:` or `data:` address, replaced by `#`.
    ScriptAddress { picture: bool },
}

impl Removed {
    pub fn script_address(offset: usize, picture: bool) -> Removed {
        Removed {
            offset,
            what: What::ScriptAddress { picture },
        }
    }
}

/// What the raw HTML of a body holds.
#[derive(Debug, Default)]
pub struct Scan {
    pub links: Vec<Found>,
    pub ids: Vec<String>,
    pub removed: Vec<Removed>,
    /// Where each `<img>` and each `<iframe>` start tag is written, in order.
    pub pictures: Vec<usize>,
    pub frames: Vec<usize>,
}

/// The sanitizer's rules, read once from its configuration.
struct Policy {
    tags: HashSet<&'static str>,
    clean_content: HashSet<&'static str>,
    tag_attributes: HashMap<&'static str, HashSet<&'static str>>,
    generic: HashSet<&'static str>,
    schemes: HashSet<&'static str>,
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let builder = sanitizer();
        Policy {
            tags: builder.clone_tags(),
            clean_content: builder.clone_clean_content_tags(),
            tag_attributes: builder.clone_tag_attributes(),
            generic: builder.clone_generic_attributes(),
            schemes: builder.clone_url_schemes(),
        }
    })
}

/// Reads the raw HTML at `spans` of `markdown`.
pub fn scan(
    markdown: &str,
    spans: &[Range<usize>],
    raw_html: RawHtml,
    base_path: &str,
    place: &Place,
) -> Scan {
    let mut scan = Scan::default();
    let sanitize = raw_html == RawHtml::Sanitize;
    for span in spans {
        let text = &markdown[span.clone()];
        nesting::walk(text, Reading::AsWritten, |tag, _| {
            if tag.closing {
                return;
            }
            let name = tag.name.to_ascii_lowercase();
            let offset = span.start + tag.start;
            let written = &text[tag.start..tag.end];
            match name.as_str() {
                "img" => scan.pictures.push(offset),
                "iframe" => scan.frames.push(offset),
                _ => {}
            }
            if sanitize && !policy().tags.contains(name.as_str()) {
                let content = policy().clean_content.contains(name.as_str());
                scan.removed.push(Removed {
                    offset,
                    what: What::Element { name, content },
                });
                return;
            }
            for attribute in attributes(written) {
                let attr = attribute.name.to_ascii_lowercase();
                let value = attribute.value.unwrap_or("");
                let at = offset + attribute.at;
                if attr == "id" && !value.is_empty() {
                    scan.ids.push(value.to_string());
                }
                let url = matches!(attr.as_str(), "href" | "src");
                if sanitize {
                    if let Some(what) = removed_attribute(&name, &attr, value) {
                        scan.removed.push(Removed { offset, what });
                        continue;
                    }
                    if url && addresses::is_dangerous_url(value) {
                        scan.removed
                            .push(Removed::script_address(offset, attr == "src"));
                        continue;
                    }
                }
                if url {
                    let target = if attr == "src" {
                        Target::Image
                    } else {
                        Target::Link
                    };
                    let decoded = decode_entities(value);
                    if let Some(to) =
                        addresses::raw_target(&decoded, raw_html, base_path, place, target)
                    {
                        scan.links.push(Found {
                            offset: at,
                            written: decoded,
                            target: to,
                            picture: target == Target::Image,
                        });
                    }
                }
            }
        });
    }
    scan
}

/// What the sanitizer does with attribute `attr` of element `element`.
fn removed_attribute(element: &str, attr: &str, value: &str) -> Option<What> {
    let policy = policy();
    // The sanitizer sets links' `rel` itself.
    if attr == "rel" && element == "a" {
        return None;
    }
    let allowed = policy.generic.contains(attr)
        || policy
            .tag_attributes
            .get(element)
            .is_some_and(|a| a.contains(attr));
    if !allowed {
        return Some(What::Attribute {
            element: element.to_string(),
            name: attr.to_string(),
        });
    }
    let scheme = scheme_of(value)?;
    let url = matches!(attr, "href" | "src" | "cite" | "poster" | "action" | "data");
    let dangerous = addresses::is_dangerous_url(value);
    (url && !dangerous
        && !policy
            .schemes
            .contains(scheme.to_ascii_lowercase().as_str()))
    .then(|| What::Scheme {
        element: element.to_string(),
        attribute: attr.to_string(),
        scheme: scheme.to_ascii_lowercase(),
    })
}

/// The scheme of an absolute address (`https` of `https://…`).
fn scheme_of(url: &str) -> Option<&str> {
    let at = url.find([':', '/', '?', '#'])?;
    let scheme = &url[..at];
    (url.as_bytes()[at] == b':'
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The few entities an address in an attribute carries (`&amp;` between
/// query parameters above all).
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// What the sanitizer keeps: formatting, links, images, tables, figures
/// and footnotes, with `id`, `class`, `dir` and `lang` on any element.
/// [`crate::content::raw_html`] reads the same rules to say what it drops.
pub fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id", "class", "dir", "lang"])
        .add_tags(["figure", "figcaption", "section", "iframe"])
        // Players are kept only to be read as embeds (see `content::media`).
        .add_tag_attributes("iframe", ["src", "title"]);
    builder
}

/// Keeps what [`sanitizer`] allows; drops scripts, styles, event handlers
/// and unsafe URL schemes. Addresses in raw HTML are made root-relative
/// like Markdown's (those already under the base path were rewritten from
/// Markdown, or written with it, and stay).
pub fn sanitize(html: &str, base_path: &str, place: &Place) -> String {
    let (base_path, place) = (base_path.to_string(), place.clone());
    sanitizer()
        .attribute_filter(move |element, attribute, value| {
            let target = match (element, attribute) {
                (_, "href") => Target::Link,
                (_, "src") => Target::Image,
                _ => return Some(value.into()),
            };
            if value.starts_with(&base_path) {
                return Some(value.into());
            }
            let url = addresses::rebase(CowStr::Borrowed(value), &base_path, &place, target);
            Some(url.into_string().into())
        })
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::article::LinkTarget;

    fn place() -> Place {
        Place {
            page: "/en/news/story/".into(),
            folder: "/news/".into(),
            section: "news".into(),
        }
    }

    fn scan_all(md: &str, raw_html: RawHtml) -> Scan {
        let whole = 0..md.len();
        scan(md, std::slice::from_ref(&whole), raw_html, "/", &place())
    }

    #[test]
    fn what_the_sanitizer_drops_is_found_where_it_is_written() {
        let md = "<p style=\"color:red\" onclick=\"x()\">a</p>\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe><script>alert(1)</script>";
        let found = scan_all(md, RawHtml::Sanitize);
        let what: Vec<&What> = found.removed.iter().map(|r| &r.what).collect();
        // The frame is kept for the picture stage, which makes a player an
        // embed and says so of any other frame it removes.
        assert_eq!(
            what,
            [
                &What::Attribute {
                    element: "p".into(),
                    name: "style".into()
                },
                &What::Attribute {
                    element: "p".into(),
                    name: "onclick".into()
                },
                &What::Element {
                    name: "script".into(),
                    content: true
                },
            ]
        );
        assert_eq!(found.removed[2].offset, md.find("<script").unwrap());
        assert!(scan_all(md, RawHtml::Allow).removed.is_empty());
    }

    #[test]
    fn raw_links_are_read_as_the_page_will_have_them() {
        let md = "<a href=\"../other/\" id=\"top\">x</a> <img src=\"map.jpg\" alt=\"\"> <a href=\"https://e.org/\">e</a>";
        let found = scan_all(md, RawHtml::Sanitize);
        let targets: Vec<&LinkTarget> = found.links.iter().map(|l| &l.target).collect();
        assert_eq!(
            targets,
            [
                &LinkTarget::Address("/en/news/other/".into()),
                &LinkTarget::Address("/news/map.jpg".into())
            ]
        );
        assert_eq!(found.links[0].offset, md.find("../other/").unwrap());
        assert_eq!(found.ids, ["top"]);
        let allowed = scan_all(md, RawHtml::Allow);
        assert_eq!(
            allowed.links[1].target,
            LinkTarget::Address("/en/news/story/map.jpg".into()),
            "kept as written, a browser reads it from the page"
        );
    }
}
