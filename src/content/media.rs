//! Pictures and embeds in an article's body, found while it is parsed.
//!
//! The body is rendered when the article is parsed, before anyone knows the
//! sizes a picture is published in or the words of the edition's theme. So
//! each picture and each embed is written into the body as a *token*, and
//! recorded in [`BodyMedia`]; [`crate::media::markup`] puts the final
//! markup in the token's place when a page shows the body. Tokens carry a
//! number chosen when digest starts, so no text of an article can spell one.
//!
//! - `![alt](photo.jpg "caption")` is a picture; alone in its paragraph it
//!   is a figure, and its title is the caption.
//! - A paragraph holding only a link (or a bare address) to a post of a
//!   configured provider is an embed.
//! - In sanitized raw HTML, `<img src>` is a picture, and an `<iframe>`
//!   from a configured provider an embed; any other `<iframe>` is dropped
//!   and reported.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use crate::config::EmbedProvider;
use crate::content::embeds::{self, Embed};

/// A picture the body shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BodyPicture {
    /// Its address as the body writes it: root-relative under the base
    /// path (`/digest/news/map.jpg`), or absolute.
    pub src: String,
    /// `None` when the writer gave none (a warning); `Some("")` for a
    /// picture marked decorative (`![""](x.jpg)`, `alt=""`).
    pub alt: Option<String>,
    /// The Markdown title: the caption of a picture alone in its paragraph,
    /// the `title` of one inside text.
    pub title: Option<String>,
    /// Alone in its paragraph: shown as a figure.
    pub alone: bool,
    /// Where it is written, for messages (filled in by the parser).
    pub line: u32,
    pub column: u32,
    /// Byte offset in the Markdown.
    #[serde(skip)]
    pub at: usize,
}

/// A post to embed, as the body writes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BodyEmbed {
    pub embed: Embed,
    /// The link's text or the player's `title`, when it says more than the
    /// address.
    pub title: Option<String>,
}

/// What the body shows besides text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BodyMedia {
    /// In token order.
    pub pictures: Vec<BodyPicture>,
    /// In token order.
    pub embeds: Vec<BodyEmbed>,
    /// Addresses the body links or shows without a token (links to a
    /// picture, raw HTML kept as written) that may name a picture
    /// ([`may_name_picture`]): their files are published too.
    pub linked: Vec<String>,
}

/// Whether an address may name a picture file: by its extension, or
/// percent-encoded (where an extension may hide). Most links lead to pages.
pub fn may_name_picture(address: &str) -> bool {
    crate::files::is_picture_name(address) || address.contains('%')
}

/// Problems noticed on the way, as byte offsets into the Markdown.
#[derive(Debug, Clone, Default)]
pub struct Noticed {
    /// Pictures without alt text.
    pub missing_alt: Vec<(usize, String)>,
    /// `<iframe>`s that were removed: the offset and the address they named.
    pub dropped_frames: Vec<(usize, String)>,
}

/// Which kind of thing a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Picture,
    Embed,
}

/// The marks around a token: `@@digest-<random>-` … `@@`.
fn prefix() -> &'static str {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PREFIX.get_or_init(|| format!("@@digest-{}-", crate::html::minify::random_token()))
}

/// The token of the `n`th picture or embed of a body.
pub fn token(kind: TokenKind, n: usize) -> String {
    let letter = match kind {
        TokenKind::Picture => 'p',
        TokenKind::Embed => 'e',
    };
    format!("{}{letter}{n}@@", prefix())
}

/// `html` with every token replaced by what `fill` writes for it.
pub fn replace_tokens(html: &str, mut fill: impl FnMut(TokenKind, usize, &mut String)) -> String {
    let prefix = prefix();
    let finder = memchr::memmem::Finder::new(prefix.as_bytes());
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html;
    while let Some(at) = finder.find(rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let parsed = after.split_once("@@").and_then(|(inner, tail)| {
            let kind = match inner.as_bytes().first()? {
                b'p' => TokenKind::Picture,
                b'e' => TokenKind::Embed,
                _ => return None,
            };
            Some((kind, inner[1..].parse::<usize>().ok()?, tail))
        });
        match parsed {
            Some((kind, n, tail)) => {
                fill(kind, n, &mut out);
                rest = tail;
            }
            None => {
                out.push_str(prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces pictures and embeds in a body's Markdown events (already
/// rebased: addresses are root-relative or absolute) by tokens, recording
/// them in `media`. Each event comes with its byte offset.
pub fn transform<'a>(
    mut events: Vec<(Event<'a>, usize)>,
    providers: &[EmbedProvider],
    media: &mut BodyMedia,
    noticed: &mut Noticed,
) -> Vec<(Event<'a>, usize)> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let at = events[i].1;
        match &events[i].0 {
            Event::Start(Tag::Paragraph) => {
                let end = (i + 1..events.len())
                    .find(|&j| matches!(events[j].0, Event::End(TagEnd::Paragraph)));
                if let Some(end) = end
                    && let Some(html) = alone(&events[i + 1..end], providers, media, noticed)
                {
                    out.push((Event::Html(format!("{html}\n").into()), at));
                    i = end + 1;
                    continue;
                }
            }
            Event::Start(Tag::Image { .. }) => {
                let end = image_end(&events, i);
                let html = picture(&events[i..=end], false, media, noticed);
                out.push((Event::Html(html.into()), at));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) if may_name_picture(dest_url) => {
                media.linked.push(dest_url.to_string())
            }
            _ => {}
        }
        out.push((std::mem::replace(&mut events[i].0, Event::SoftBreak), at));
        i += 1;
    }
    out
}

/// The index of the `End(Image)` that closes the image starting at `start`
/// (alt text may hold further images).
fn image_end(events: &[(Event, usize)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The token for a paragraph that holds only a picture or only a link to
/// an embeddable post.
fn alone(
    inner: &[(Event, usize)],
    providers: &[EmbedProvider],
    media: &mut BodyMedia,
    noticed: &mut Noticed,
) -> Option<String> {
    let blank = |e: &Event| match e {
        Event::Text(t) => t.trim().is_empty(),
        Event::SoftBreak | Event::HardBreak => true,
        _ => false,
    };
    let first = inner.iter().position(|(e, _)| !blank(e))?;
    let last = inner.iter().rposition(|(e, _)| !blank(e))?;
    let inner = &inner[first..=last];
    match &inner[0].0 {
        Event::Start(Tag::Image { .. }) if image_end(inner, 0) == inner.len() - 1 => {
            Some(picture(inner, true, media, noticed))
        }
        Event::Start(Tag::Link { dest_url, .. })
            if matches!(inner[inner.len() - 1].0, Event::End(TagEnd::Link)) =>
        {
            let embed = embeds::from_link(dest_url, providers)?;
            let text = plain_text(&inner[1..inner.len() - 1]);
            Some(push_embed(
                media,
                embed,
                title_unless_address(&text, dest_url),
            ))
        }
        Event::Text(_) if inner.iter().all(|(e, _)| matches!(e, Event::Text(_))) => {
            let text = plain_text(inner);
            let address = text.trim();
            if address.contains(char::is_whitespace) {
                return None;
            }
            let embed = embeds::from_link(address, providers)?;
            Some(push_embed(media, embed, None))
        }
        _ => None,
    }
}

fn push_embed(media: &mut BodyMedia, embed: Embed, title: Option<String>) -> String {
    media.embeds.push(BodyEmbed { embed, title });
    token(TokenKind::Embed, media.embeds.len() - 1)
}

/// A link's text as its title, unless it only repeats the address.
fn title_unless_address(text: &str, address: &str) -> Option<String> {
    let text = text.trim();
    let bare = |s: &str| {
        let s = s.trim_end_matches('/');
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        s.strip_prefix("www.").unwrap_or(s).to_string()
    };
    (!text.is_empty() && bare(text) != bare(address)).then(|| text.to_string())
}

/// The text of inline events, without markup.
fn plain_text(events: &[(Event, usize)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The token for the picture whose events (`Start(Image)` … `End(Image)`)
/// are `events`.
fn picture(
    events: &[(Event, usize)],
    alone: bool,
    media: &mut BodyMedia,
    noticed: &mut Noticed,
) -> String {
    let (
        Event::Start(Tag::Image {
            dest_url, title, ..
        }),
        at,
    ) = &events[0]
    else {
        unreachable!("a picture starts with its image tag");
    };
    let alt = plain_text(&events[1..events.len() - 1]);
    let alt = match alt.trim() {
        "" => {
            noticed.missing_alt.push((*at, dest_url.to_string()));
            None
        }
        "\"\"" => Some(String::new()),
        text => Some(text.to_string()),
    };
    push_picture(
        media,
        BodyPicture {
            src: dest_url.to_string(),
            alt,
            title: non_empty(title),
            alone,
            line: 0,
            column: 0,
            at: *at,
        },
    )
}

fn non_empty(text: &CowStr) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn push_picture(media: &mut BodyMedia, picture: BodyPicture) -> String {
    media.pictures.push(picture);
    token(TokenKind::Picture, media.pictures.len() - 1)
}

/// Where the raw HTML's `<img>` and `<iframe>` tags are written in the
/// Markdown (byte offsets, in order), for messages about them; `raw_html`,
/// where the body's raw HTML starts, for a tag the sanitizer's output has
/// beyond those.
#[derive(Debug, Clone, Copy)]
pub struct WrittenAt<'a> {
    pub raw_html: usize,
    pub pictures: &'a [usize],
    pub frames: &'a [usize],
}

/// Sanitized HTML (as ammonia writes it) with its `<img>`s made picture
/// tokens and its `<iframe>`s made embeds, or removed when they are not
/// from a configured provider; `written_at`: where each was written.
pub fn after_sanitize(
    html: &str,
    providers: &[EmbedProvider],
    written_at: WrittenAt,
    media: &mut BodyMedia,
    noticed: &mut Noticed,
) -> String {
    let (mut pictures, mut frames) = (written_at.pictures.iter(), written_at.frames.iter());
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = next_tag(rest) {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        let Some((name, attributes, len)) = read_tag(tag) else {
            out.push('<');
            rest = &tag[1..];
            continue;
        };
        let value = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        if name == "img" {
            let Some(src) = value("src") else {
                rest = &tag[len..];
                continue;
            };
            let written = pictures.next().copied().unwrap_or(written_at.raw_html);
            let alt = value("alt");
            if alt.is_none() {
                noticed.missing_alt.push((written, src.clone()));
            }
            out.push_str(&push_picture(
                media,
                BodyPicture {
                    src,
                    alt,
                    title: value("title").filter(|t| !t.trim().is_empty()),
                    alone: false,
                    line: 0,
                    column: 0,
                    at: written,
                },
            ));
            rest = &tag[len..];
        } else {
            // An iframe, with whatever it holds up to its end tag.
            let end = tag[len..]
                .find("</iframe>")
                .map_or(tag.len(), |e| len + e + "</iframe>".len());
            let written = frames.next().copied().unwrap_or(written_at.raw_html);
            let src = value("src").unwrap_or_default();
            match embeds::from_player(&src, providers) {
                Some(embed) => {
                    let title = value("title").filter(|t| !t.trim().is_empty());
                    out.push_str(&push_embed(media, embed, title));
                }
                None => noticed.dropped_frames.push((written, src)),
            }
            rest = &tag[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Where the next `<img` or `<iframe` tag starts.
fn next_tag(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'<', &bytes[from..]) {
        let at = from + at;
        let rest = &bytes[at + 1..];
        for name in [&b"img"[..], b"iframe"] {
            if rest.starts_with(name)
                && rest
                    .get(name.len())
                    .is_some_and(|b| matches!(b, b' ' | b'>' | b'/'))
            {
                return Some(at);
            }
        }
        from = at + 1;
    }
    None
}

/// A tag's attributes, by name, as written.
type Attributes = Vec<(String, String)>;

/// Reads a start tag as html5ever writes it: `<name a="v" b="w">`, values
/// double-quoted with `&amp;`, `&quot;` and `&nbsp;` escaped. The name,
/// the attributes (values unescaped) and the tag's length.
fn read_tag(tag: &str) -> Option<(&str, Attributes, usize)> {
    let bytes = tag.as_bytes();
    let name_end = 1 + tag[1..].find([' ', '>', '/'])?;
    let name = &tag[1..name_end];
    let mut attributes = Vec::new();
    let mut i = name_end;
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'/') {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => return Some((name, attributes, i + 1)),
            _ => {
                let key_end = i + tag[i..].find(['=', ' ', '>'])?;
                let key = tag[i..key_end].to_string();
                if bytes.get(key_end) == Some(&b'=') && bytes.get(key_end + 1) == Some(&b'"') {
                    let value_start = key_end + 2;
                    let value_end = value_start + tag[value_start..].find('"')?;
                    attributes.push((key, unescape(&tag[value_start..value_end])));
                    i = value_end + 1;
                } else {
                    attributes.push((key, String::new()));
                    i = key_end;
                }
            }
        }
    }
}

fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `src` and `href` addresses of HTML as written (raw HTML kept by
/// `raw_html: allow`), for publishing the pictures it names.
pub fn addresses(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for key in ["src", "href"] {
        for (at, _) in lower.match_indices(key) {
            let before = lower[..at].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let rest = html[at + key.len()..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let rest = rest.trim_start();
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next(),
                Some(_) => rest.split([' ', '>', '\t', '\n']).next(),
                None => None,
            };
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                found.push(value.to_string());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn run(markdown: &str) -> (String, BodyMedia, Noticed) {
        let events: Vec<(Event, usize)> = Parser::new(markdown)
            .into_offset_iter()
            .map(|(e, r)| (e, r.start))
            .collect();
        let (mut media, mut noticed) = (BodyMedia::default(), Noticed::default());
        let events = transform(events, &EmbedProvider::all(), &mut media, &mut noticed);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        let shown = replace_tokens(&html, |kind, n, out| {
            out.push_str(&format!("[{kind:?} {n}]"));
        });
        (shown, media, noticed)
    }

    #[test]
    fn a_picture_alone_is_a_figure_and_its_title_the_caption() {
        let (html, media, noticed) =
            run("Text ![inline](a.jpg) here.\n\n![Mosul at dawn](b.jpg \"The old city\")\n");
        assert_eq!(html, "<p>Text [Picture 0] here.</p>\n[Picture 1]\n");
        assert!(!media.pictures[0].alone);
        assert!(media.pictures[1].alone);
        assert_eq!(media.pictures[1].title.as_deref(), Some("The old city"));
        assert_eq!(media.pictures[1].alt.as_deref(), Some("Mosul at dawn"));
        assert!(noticed.missing_alt.is_empty());
    }

    #[test]
    fn alt_text_missing_or_decorative() {
        let (_, media, noticed) = run("![](a.jpg)\n\n![\"\"](b.jpg)\n");
        assert_eq!(media.pictures[0].alt, None);
        assert_eq!(media.pictures[1].alt.as_deref(), Some(""));
        assert_eq!(noticed.missing_alt, [(0, "a.jpg".to_string())]);
    }

    #[test]
    fn a_link_alone_to_a_provider_is_an_embed() {
        let (html, media, _) = run(
            "[The speech](https://youtu.be/dQw4w9WgXcQ)\n\nhttps://vimeo.com/76979871\n\nSee [this](https://youtu.be/dQw4w9WgXcQ) too.\n\n[https://x.com/AP/status/1](https://x.com/AP/status/1)\n",
        );
        assert_eq!(
            html,
            "[Embed 0]\n[Embed 1]\n<p>See <a href=\"https://youtu.be/dQw4w9WgXcQ\">this</a> too.</p>\n[Embed 2]\n"
        );
        assert_eq!(media.embeds[0].title.as_deref(), Some("The speech"));
        assert_eq!(media.embeds[1].embed.provider, "Vimeo");
        assert_eq!(media.embeds[2].title, None, "the text is the address");
    }

    #[test]
    fn sanitized_iframes_become_embeds_or_go() {
        let (mut media, mut noticed) = (BodyMedia::default(), Noticed::default());
        let html = "<p>a</p><iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" title=\"A &amp; B\"></iframe><iframe src=\"https://tracker.example/x\">fallback</iframe><img src=\"/news/m.png\" alt=\"map\"><img src=\"/news/n.png\">";
        let at = WrittenAt {
            raw_html: 7,
            pictures: &[50],
            frames: &[10, 30],
        };
        let out = after_sanitize(html, &EmbedProvider::all(), at, &mut media, &mut noticed);
        assert_eq!(
            out,
            format!(
                "<p>a</p>{}{}{}",
                token(TokenKind::Embed, 0),
                token(TokenKind::Picture, 0),
                token(TokenKind::Picture, 1)
            )
        );
        assert_eq!(media.embeds[0].title.as_deref(), Some("A & B"));
        assert_eq!(
            noticed.dropped_frames,
            [(30, "https://tracker.example/x".to_string())]
        );
        assert_eq!(media.pictures[1].alt, None);
        // A tag beyond those found in the source is placed at the raw HTML.
        assert_eq!(noticed.missing_alt, [(7, "/news/n.png".to_string())]);
        assert_eq!(media.pictures[0].at, 50);
    }

    #[test]
    fn text_that_looks_like_a_token_stays_text() {
        let forged = "@@digest-123-p0@@";
        assert_eq!(replace_tokens(forged, |_, _, out| out.push('X')), forged);
    }

    #[test]
    fn raw_addresses_are_found_in_any_quoting() {
        let found =
            addresses("<img src='/a.jpg'><a HREF=\"/b.png\">x</a><img data-src=\"no\" src=c.gif>");
        assert_eq!(found, ["/a.jpg", "c.gif", "/b.png"]);
    }
}
