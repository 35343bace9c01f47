//! Markdown bodies to HTML: one function and its options.
//!
//! Besides rendering, one pass over the events counts words (for reading
//! time), keeps the first paragraph as plain text (the summary when the
//! front matter has none), makes every link and picture address work
//! wherever the body is shown (see [`Place`]) and disarms `javascript:`
//! links. Raw HTML follows [`RawHtml`].

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::html::nesting::{self, Reading};

/// How bodies are rendered; part of the parse fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct MarkdownOptions {
    pub raw_html: RawHtml,
    /// The site's base path (`/` or `/digest/`), for root-relative links.
    pub base_path: String,
}

/// Markdown containers (quotes, lists, emphasis…) nested deeper than this
/// are flattened: their text stays, the extra levels of markup go. Writers
/// never nest this deep; broken or hostile input may, and a deep tree
/// exhausts the stack of whatever reads the page next.
pub const MAX_NESTING: usize = 32;

/// Sanitized raw HTML that leaves the body nested deeper than this is shown
/// as text instead.
pub const MAX_HTML_DEPTH: usize = 128;

/// A body with raw HTML that seems to nest deeper than this (read as an
/// HTML parser reads it) is not even handed to the sanitizer, whose work
/// grows with depth times size.
const MAX_RAW_HTML_ESTIMATE: usize = 512;

/// Where a body is published, for reading its relative addresses. Both
/// are root-relative and start with the base path.
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
}

/// A rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub words: u32,
    /// The first paragraph's text, without markup.
    pub first_paragraph: String,
    /// Markdown nested beyond [`MAX_NESTING`] was flattened: the byte
    /// offset of the first element that lost its markup.
    pub flattened: Option<usize>,
    /// The raw HTML nested too deeply and was shown as text: the byte
    /// offset of the first raw HTML.
    pub deep_html_escaped: Option<usize>,
}

/// Renders a Markdown body (CommonMark with tables, footnotes and
/// strikethrough) published at `place`.
pub fn render(markdown: &str, options: &MarkdownOptions, place: &Place) -> Rendered {
    let first = render_with(markdown, options, place, options.raw_html);
    let (RawHtml::Sanitize, Some(raw_html_at)) = (options.raw_html, first.raw_html_at) else {
        return first.rendered;
    };
    // The whole body, as the sanitizer will read it: text between pieces
    // of raw HTML (a quote, a `>`) changes how they are read.
    let estimate = nesting::max_depth(&first.rendered.html, Reading::AsWritten);
    if estimate <= MAX_RAW_HTML_ESTIMATE {
        let html = sanitize(&first.rendered.html, &options.base_path, place);
        if nesting::max_depth(&html, Reading::WellFormed) <= MAX_HTML_DEPTH {
            return Rendered {
                html,
                ..first.rendered
            };
        }
    }
    let mut escaped = render_with(markdown, options, place, RawHtml::Escape).rendered;
    escaped.deep_html_escaped = Some(raw_html_at);
    escaped
}

/// A body rendered with a raw HTML policy (for `sanitize`, which is applied
/// afterwards, kept as written); `raw_html_at` is the byte of the Markdown
/// where its first raw HTML starts, if it has any that was kept.
struct FirstPass {
    rendered: Rendered,
    raw_html_at: Option<usize>,
}

/// The Markdown extensions bodies are read with (for tools that read
/// bodies as the build does).
pub fn flags() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

fn render_with(
    markdown: &str,
    options: &MarkdownOptions,
    place: &Place,
    raw_html: RawHtml,
) -> FirstPass {
    let flags = flags();
    let mut words = 0u32;
    let mut raw_at = None;
    let mut first_paragraph = String::new();
    let mut paragraph_state = ParagraphState::Before;
    let mut depth = 0usize;
    let mut flattened = None;
    let events = Parser::new_ext(markdown, flags)
        .into_offset_iter()
        .filter_map(|(event, at)| {
            let event = match event {
                Event::Start(tag) => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        flattened = flattened.or(Some(at.start));
                        return None;
                    }
                    Event::Start(tag)
                }
                Event::End(tag) => {
                    depth -= 1;
                    if depth >= MAX_NESTING {
                        return None;
                    }
                    Event::End(tag)
                }
                other => other,
            };
            Some(match event {
                Event::Start(Tag::Paragraph) => {
                    if paragraph_state == ParagraphState::Before {
                        paragraph_state = ParagraphState::Inside;
                    }
                    event
                }
                Event::End(TagEnd::Paragraph) => {
                    if paragraph_state == ParagraphState::Inside {
                        paragraph_state = ParagraphState::Done;
                    }
                    event
                }
                Event::Text(ref text) | Event::Code(ref text) => {
                    words += text.split_whitespace().count() as u32;
                    if paragraph_state == ParagraphState::Inside {
                        first_paragraph.push_str(text);
                    }
                    event
                }
                Event::SoftBreak | Event::HardBreak
                    if paragraph_state == ParagraphState::Inside =>
                {
                    first_paragraph.push(' ');
                    event
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    // An email autolink (`<a@b.org>`) is an address, not a
                    // path: the HTML writer adds its `mailto:`.
                    dest_url: match link_type {
                        LinkType::Email => dest_url,
                        _ => rebase(dest_url, &options.base_path, place, Target::Link),
                    },
                    link_type,
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: rebase(dest_url, &options.base_path, place, Target::Image),
                    title,
                    id,
                }),
                Event::Html(html) | Event::InlineHtml(html) => match raw_html {
                    RawHtml::Escape => Event::Text(html),
                    RawHtml::Sanitize | RawHtml::Allow => {
                        raw_at = raw_at.or(Some(at.start));
                        Event::Html(html)
                    }
                },
                other => other,
            })
        });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    FirstPass {
        rendered: Rendered {
            html,
            words,
            first_paragraph: first_paragraph.trim().to_string(),
            flattened,
            deep_html_escaped: None,
        },
        raw_html_at: raw_at,
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum ParagraphState {
    Before,
    Inside,
    Done,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Link,
    Image,
}

/// Points root-relative URLs (`/ar/news/x/`) at the base path, makes
/// relative ones root-relative (see [`Place`]) and replaces URLs with a
/// scripting scheme by `#`.
fn rebase<'a>(url: CowStr<'a>, base_path: &str, place: &Place, target: Target) -> CowStr<'a> {
    if is_dangerous_url(&url) {
        return CowStr::Borrowed("#");
    }
    if url.is_empty() || url.starts_with(['#', '?']) || url.starts_with("//") || has_scheme(&url) {
        return url;
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

/// The text of a short piece of Markdown (a correction) without its
/// markup: words, code and link texts kept, blocks joined by a space,
/// raw HTML left out.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// Keeps formatting, links, images, tables and footnotes; drops scripts,
/// styles, event handlers and unsafe URL schemes. Addresses in raw HTML are
/// made root-relative like Markdown's (those already under the base path
/// were rewritten from Markdown, or written with it, and stay).
fn sanitize(html: &str, base_path: &str, place: &Place) -> String {
    let (base_path, place) = (base_path.to_string(), place.clone());
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "dir", "lang"])
        .add_tags(["figure", "figcaption", "section"])
        .attribute_filter(move |element, attribute, value| {
            let target = match (element, attribute) {
                (_, "href") => Target::Link,
                (_, "src") => Target::Image,
                _ => return Some(value.into()),
            };
            if value.starts_with(&base_path) {
                return Some(value.into());
            }
            let url = rebase(CowStr::Borrowed(value), &base_path, &place, target);
            Some(url.into_string().into())
        })
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(raw_html: RawHtml) -> MarkdownOptions {
        MarkdownOptions {
            raw_html,
            base_path: "/digest/".into(),
        }
    }

    fn place() -> Place {
        Place {
            page: "/digest/en/news/story/".into(),
            folder: "/digest/news/".into(),
        }
    }

    fn render(md: &str, options: &MarkdownOptions) -> Rendered {
        super::render(md, options, &place())
    }

    #[test]
    fn tables_footnotes_and_strikethrough_render() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ new[^1]\n\n[^1]: note\n";
        let html = render(md, &options(RawHtml::Sanitize)).html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn counts_words_and_keeps_the_first_paragraph() {
        let md = "## عنوان\n\nقالت واشنطن إنها\nستبقي قواتها.\n\n> «اقتباس»\n";
        let r = render(md, &options(RawHtml::Sanitize));
        assert_eq!(r.first_paragraph, "قالت واشنطن إنها ستبقي قواتها.");
        assert_eq!(r.words, 7);
    }

    #[test]
    fn root_relative_links_follow_the_base_path() {
        let html = render(
            "[a](/ar/news/x/) [b](https://e.org/) [c](//cdn/x)",
            &options(RawHtml::Sanitize),
        )
        .html;
        assert!(html.contains(r#"href="/digest/ar/news/x/""#), "{html}");
        assert!(html.contains(r#"href="https://e.org/""#), "{html}");
        assert!(html.contains(r#"href="//cdn/x""#), "{html}");
    }

    #[test]
    fn relative_pictures_and_files_come_from_the_articles_folder() {
        let html = render(
            "![map](map.svg) [pdf](files/report.pdf#p2) [next](../other/) [top](#notes) [mail](mailto:a@b.org) ![up](../shared/logo.png)",
            &options(RawHtml::Sanitize),
        )
        .html;
        assert!(html.contains(r#"src="/digest/news/map.svg""#), "{html}");
        assert!(
            html.contains(r#"href="/digest/news/files/report.pdf#p2""#),
            "{html}"
        );
        assert!(html.contains(r#"href="/digest/en/news/other/""#), "{html}");
        assert!(html.contains(r##"href="#notes""##), "{html}");
        assert!(html.contains(r#"href="mailto:a@b.org""#), "{html}");
        let autolink = render(
            "Write to <editors@example.org>.",
            &options(RawHtml::Sanitize),
        )
        .html;
        assert!(
            autolink.contains(r#"href="mailto:editors@example.org""#),
            "an email autolink stays an address: {autolink}"
        );
        assert!(html.contains(r#"src="/digest/shared/logo.png""#), "{html}");
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup() {
        assert_eq!(
            plain_text("An **earlier** version said [five](https://x.org/) `km`.\n\nIt is *six*."),
            "An earlier version said five km. It is six."
        );
    }

    #[test]
    fn arabic_file_names_are_percent_encoded_once() {
        let html = render("![خريطة](خريطة%20بغداد.svg)", &options(RawHtml::Sanitize)).html;
        assert!(
            html.contains(r#"src="/digest/news/%D8%AE%D8%B1%D9%8A%D8%B7%D8%A9%20%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF.svg""#),
            "{html}"
        );
    }

    #[test]
    fn raw_html_addresses_follow_the_base_path_once() {
        let md = "[md](/en/)\n\n<a href=\"/ar/\">raw</a> <img src=\"map.svg\" alt=\"\"> <a href=\"/digest/en/x/\">written with it</a>";
        let html = render(md, &options(RawHtml::Sanitize)).html;
        assert!(html.contains(r#"href="/digest/en/""#), "{html}");
        assert!(html.contains(r#"href="/digest/ar/""#), "{html}");
        assert!(html.contains(r#"src="/digest/news/map.svg""#), "{html}");
        assert!(html.contains(r#"href="/digest/en/x/""#), "{html}");
        assert!(!html.contains("/digest/digest/"), "{html}");
    }

    #[test]
    fn javascript_links_never_survive() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JavaScript:alert(1))",
            "[x](<java\tscript:alert(1)>)",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let html = render(md, &options(RawHtml::Sanitize)).html;
            assert!(
                !html.to_lowercase().contains("javascript"),
                "{md} -> {html}"
            );
        }
    }

    #[test]
    fn raw_html_depth_is_read_across_the_text_between_its_pieces() {
        // Regression (found by fuzzing): a quote left open in one piece of raw
        // HTML hid every later tag from the depth estimate, though the
        // sanitizer's parser ends the quote in the text that follows and
        // nests the tags, taking time quadratic in their number.
        let md = format!("<div x='\n\nIt's {}deep", "<x-a>".repeat(600));
        let rendered = render(&md, &options(RawHtml::Sanitize));
        assert_eq!(rendered.deep_html_escaped, Some(0));
        assert!(rendered.html.contains("&lt;x-a&gt;"), "{}", rendered.html);
    }

    #[test]
    fn raw_html_is_sanitized_escaped_or_kept() {
        let md = "<p onclick=\"x()\">hi</p><script>alert(1)</script>";
        let sanitized = render(md, &options(RawHtml::Sanitize)).html;
        assert!(
            !sanitized.contains("script") && !sanitized.contains("onclick"),
            "{sanitized}"
        );
        assert!(sanitized.contains("<p>hi</p>"), "{sanitized}");
        let escaped = render(md, &options(RawHtml::Escape)).html;
        assert!(escaped.contains("&lt;script&gt;"), "{escaped}");
        let kept = render(md, &options(RawHtml::Allow)).html;
        assert!(kept.contains("<script>"), "{kept}");
    }
}
