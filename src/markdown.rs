//! Markdown bodies to HTML: one function and its options.
//!
//! Besides rendering, one pass over the events counts words (for reading
//! time), keeps the first paragraph as plain text (the summary when the
//! front matter has none), points root-relative links at the site's base
//! path and disarms `javascript:` links. Raw HTML follows [`RawHtml`].

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::config::RawHtml;
use crate::nesting::{self, Reading};

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

/// Raw HTML that seems to nest deeper than this is not even handed to the
/// sanitizer, whose work grows with depth times size.
const MAX_RAW_HTML_ESTIMATE: usize = 512;

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
/// strikethrough).
pub fn render(markdown: &str, options: &MarkdownOptions) -> Rendered {
    let first = render_with(markdown, options, options.raw_html);
    if options.raw_html != RawHtml::Sanitize || first.raw_html.is_empty() {
        return first.rendered;
    }
    let estimate = nesting::max_depth(&first.raw_html, Reading::AsWritten);
    if estimate <= MAX_RAW_HTML_ESTIMATE {
        let html = sanitize(&first.rendered.html);
        if nesting::max_depth(&html, Reading::WellFormed) <= MAX_HTML_DEPTH {
            return Rendered {
                html,
                ..first.rendered
            };
        }
    }
    let mut escaped = render_with(markdown, options, RawHtml::Escape).rendered;
    escaped.deep_html_escaped = Some(first.raw_html_at);
    escaped
}

/// A body rendered with a raw HTML policy; `raw_html` holds the raw HTML it
/// met (for `sanitize`, which is applied afterwards), starting at byte
/// `raw_html_at` of the Markdown.
struct FirstPass {
    rendered: Rendered,
    raw_html: String,
    raw_html_at: usize,
}

fn render_with(markdown: &str, options: &MarkdownOptions, raw_html: RawHtml) -> FirstPass {
    let flags = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut words = 0u32;
    let mut raw = String::new();
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
                    link_type,
                    dest_url: rebase(dest_url, &options.base_path),
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
                    dest_url: rebase(dest_url, &options.base_path),
                    title,
                    id,
                }),
                Event::Html(html) | Event::InlineHtml(html) => match raw_html {
                    RawHtml::Escape => Event::Text(html),
                    RawHtml::Sanitize | RawHtml::Allow => {
                        raw_at = raw_at.or(Some(at.start));
                        raw.push_str(&html);
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
        raw_html: raw,
        raw_html_at: raw_at.unwrap_or(0),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum ParagraphState {
    Before,
    Inside,
    Done,
}

/// Points root-relative URLs (`/ar/news/x/`) at the base path and replaces
/// URLs with a scripting scheme by `#`.
fn rebase<'a>(url: CowStr<'a>, base_path: &str) -> CowStr<'a> {
    if is_dangerous_url(&url) {
        return CowStr::Borrowed("#");
    }
    if base_path != "/" && url.starts_with('/') && !url.starts_with("//") {
        return CowStr::Boxed(format!("{}{}", base_path, &url[1..]).into_boxed_str());
    }
    url
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
/// styles, event handlers and unsafe URL schemes.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "dir", "lang"])
        .add_tags(["figure", "figcaption", "section"])
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
