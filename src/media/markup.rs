//! The HTML of pictures and embeds, put in the place of a body's tokens
//! when a page shows it.
//!
//! A processed picture is a `<picture>`: WebP versions in a `<source>`,
//! the source format's in the `<img>`, with `srcset`, `sizes`, `width` and
//! `height` (so the page does not jump as it loads), `loading="lazy"` and
//! `decoding="async"`. An embed is a local placeholder: a plain link to the
//! post, which the theme's script turns into the provider's player when it
//! is clicked, and not before.

use std::fmt::Write;

use crate::content::media::{BodyEmbed, BodyMedia, BodyPicture, TokenKind, replace_tokens};

/// A picture's published versions, as pages show them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Responsive {
    /// The version in the source's format at the middle width: what
    /// browsers without `srcset` load.
    pub src: String,
    /// The largest version's size.
    pub width: u32,
    pub height: u32,
    /// The versions in the source's format: `a.480.jpg 480w, …`.
    pub srcset: String,
    /// Their type (`image/jpeg`).
    pub mime: &'static str,
    /// The WebP versions, when there are any.
    pub webp: Option<String>,
}

/// What an edition's theme says on embeds.
pub struct EmbedWords {
    /// The play button's words.
    pub play: String,
    /// The note before playing, with `{provider}`.
    pub notice: String,
}

/// How a picture loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// Below the fold: when the reader gets near it.
    Lazy,
    /// The page's lead: first, and before anything else.
    First,
}

/// `body` with its tokens replaced by pictures and embeds. `picture` gives
/// the published versions of a picture by its address (`None` for one
/// digest does not process: an SVG, a picture on another site).
pub fn fill<'m>(
    body: &str,
    media: &BodyMedia,
    picture: impl Fn(&str) -> Option<&'m Responsive>,
    sizes: &str,
    words: &EmbedWords,
) -> String {
    replace_tokens(body, |kind, n, out| match kind {
        TokenKind::Picture => {
            if let Some(p) = media.pictures.get(n) {
                body_picture(out, p, picture(&p.src), sizes);
            }
        }
        TokenKind::Embed => {
            if let Some(e) = media.embeds.get(n) {
                embed(out, e, words);
            }
        }
    })
}

fn body_picture(out: &mut String, p: &BodyPicture, shown: Option<&Responsive>, sizes: &str) {
    let alt = p.alt.as_deref().unwrap_or("");
    if p.alone {
        out.push_str("<figure class=\"picture\">");
        picture(out, &p.src, shown, alt, None, sizes, Loading::Lazy);
        if let Some(caption) = &p.title {
            let _ = write!(out, "<figcaption>{}</figcaption>", escape(caption));
        }
        out.push_str("</figure>");
    } else {
        picture(
            out,
            &p.src,
            shown,
            alt,
            p.title.as_deref(),
            sizes,
            Loading::Lazy,
        );
    }
}

/// A picture: `<picture>` for one digest processed, else an `<img>`.
pub fn picture(
    out: &mut String,
    src: &str,
    shown: Option<&Responsive>,
    alt: &str,
    title: Option<&str>,
    sizes: &str,
    loading: Loading,
) {
    let Some(shown) = shown else {
        let _ = write!(out, "<img src=\"{}\" alt=\"{}\"", escape(src), escape(alt));
        attributes(out, title, loading);
        out.push('>');
        return;
    };
    if let Some(webp) = &shown.webp {
        let _ = write!(
            out,
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">",
            escape(webp),
            escape(sizes)
        );
    }
    let _ = write!(
        out,
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"",
        escape(&shown.src),
        escape(&shown.srcset),
        escape(sizes),
        shown.width,
        shown.height,
        escape(alt)
    );
    attributes(out, title, loading);
    out.push('>');
    if shown.webp.is_some() {
        out.push_str("</picture>");
    }
}

fn attributes(out: &mut String, title: Option<&str>, loading: Loading) {
    if let Some(title) = title {
        let _ = write!(out, " title=\"{}\"", escape(title));
    }
    out.push_str(match loading {
        Loading::Lazy => " loading=\"lazy\" decoding=\"async\"",
        Loading::First => " fetchpriority=\"high\"",
    });
}

/// An embed before it is played: a link to the post, in a box the size of
/// the player. The theme's script reads `data-embed` (the player) on a
/// click; nothing is requested from the provider before.
pub fn embed(out: &mut String, e: &BodyEmbed, words: &EmbedWords) {
    let embed = &e.embed;
    let shown = e.title.as_deref().unwrap_or(&embed.link);
    let notice = words.notice.replace("{provider}", &embed.provider);
    let _ = write!(
        out,
        "<figure class=\"embed embed-{shape} embed-{slug}\"><a class=\"embed-load\" href=\"{link}\" data-embed=\"{player}\" data-embed-title=\"{title}\" rel=\"noopener\"><span class=\"embed-play\"><span class=\"visually-hidden\">{play}</span></span><span class=\"embed-text\"><span class=\"embed-provider\">{provider}</span> <span class=\"embed-title\" dir=\"auto\">{shown}</span> <span class=\"embed-notice\">{notice}</span></span></a></figure>",
        shape = embed.shape.as_str(),
        slug = escape(&embed.slug),
        link = escape(&embed.link),
        player = escape(&embed.player),
        title = escape(e.title.as_deref().unwrap_or(&embed.provider)),
        play = escape(&words.play),
        provider = escape(&embed.provider),
        shown = escape(shown),
        notice = escape(&notice),
    );
}

fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::embeds::{Embed, EmbedShape};
    use crate::content::media::token;

    fn shown() -> Responsive {
        Responsive {
            src: "/news/a.960.jpg".into(),
            width: 1600,
            height: 1200,
            srcset: "/news/a.480.jpg 480w, /news/a.960.jpg 960w".into(),
            mime: "image/jpeg",
            webp: Some("/news/a.480.webp 480w".into()),
        }
    }

    #[test]
    fn tokens_become_pictures_and_embeds() {
        let media = BodyMedia {
            pictures: vec![BodyPicture {
                src: "/news/a.jpg".into(),
                alt: Some("A \"quoted\" <b>alt</b>".into()),
                title: Some("Caption & more".into()),
                alone: true,
                line: 1,
                column: 1,
                at: 0,
            }],
            embeds: vec![BodyEmbed {
                embed: Embed {
                    provider: "YouTube".into(),
                    slug: "youtube".into(),
                    shape: EmbedShape::Video,
                    link: "https://www.youtube.com/watch?v=x&t=1s".into(),
                    player: "https://www.youtube-nocookie.com/embed/x".into(),
                },
                title: None,
            }],
            linked: vec![],
        };
        let body = format!(
            "<p>x</p>{}{}",
            token(TokenKind::Picture, 0),
            token(TokenKind::Embed, 0)
        );
        let s = shown();
        let words = EmbedWords {
            play: "Play".into(),
            notice: "Loads from {provider}".into(),
        };
        let html = fill(
            &body,
            &media,
            |src| (src == "/news/a.jpg").then_some(&s),
            "100vw",
            &words,
        );
        let doc = scraper::Html::parse_fragment(&html);
        let one = |css: &str, attr: &str| {
            doc.select(&scraper::Selector::parse(css).unwrap())
                .next()
                .unwrap_or_else(|| panic!("no {css} in {html}"))
                .value()
                .attr(attr)
                .map(str::to_string)
        };
        assert_eq!(
            one("figure.picture picture img", "alt").as_deref(),
            Some("A \"quoted\" <b>alt</b>")
        );
        assert_eq!(one("img", "width").as_deref(), Some("1600"));
        assert_eq!(one("img", "loading").as_deref(), Some("lazy"));
        assert_eq!(one("source", "type").as_deref(), Some("image/webp"));
        assert_eq!(
            one(".embed a", "href").as_deref(),
            Some("https://www.youtube.com/watch?v=x&t=1s")
        );
        assert_eq!(
            one(".embed a", "data-embed").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/x")
        );
        assert!(
            html.contains("<figcaption>Caption &amp; more</figcaption>"),
            "{html}"
        );
        assert!(html.contains("Loads from YouTube"), "{html}");
    }
}
