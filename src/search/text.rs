//! The words of an article's rendered body, as a reader sees them.
//!
//! The body is HTML that digest wrote (pulldown-cmark, and ammonia for raw
//! HTML), or raw HTML kept as written (`raw_html: allow`). Its tags are read
//! with [`crate::html::nesting::walk`], as everywhere else: text between tags is
//! kept and its character references decoded; an element that starts a new
//! block of text (a paragraph, a list item, a heading, a line break)
//! separates words, an inline one (a link, emphasis) does not; the
//! contents of `<script>` and `<style>`, and comments, are not text.

use crate::html::nesting::{Reading, walk};

/// Elements inside a run of text: their tags do not separate words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "time", "u", "var",
];

/// Elements whose contents are not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template"];

/// Appends the text of `html` to `out`, words separated by whitespace.
pub fn append_text(html: &str, out: &mut String) {
    let mut last = 0;
    let mut hidden = false;
    walk(html, Reading::AsWritten, |tag, open| {
        if !hidden {
            append_decoded(&html[last..tag.start], out);
        }
        if !INLINE.iter().any(|n| tag.name.eq_ignore_ascii_case(n)) {
            out.push(' ');
        }
        last = tag.end;
        hidden = open
            .iter()
            .any(|o| HIDDEN.iter().any(|n| o.name.eq_ignore_ascii_case(n)));
    });
    if !hidden {
        append_decoded(&html[last..], out);
    }
}

/// Text between tags, without comments, its character references decoded.
fn append_decoded(mut text: &str, out: &mut String) {
    while let Some(at) = text.find("<!--") {
        out.push_str(&html_escape::decode_html_entities(&text[..at]));
        out.push(' ');
        let rest = &text[at + 4..];
        text = rest.find("-->").map_or("", |end| &rest[end + 3..]);
    }
    out.push_str(&html_escape::decode_html_entities(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        let mut out = String::new();
        append_text(html, &mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn blocks_separate_words_and_inline_elements_do_not() {
        assert_eq!(
            text(
                "<h2>الحوار</h2><p>قال <a href=\"/x/\">الكاظمي</a>: <em>ن</em>عم&nbsp;&amp; لا</p><ul><li>أ</li><li>ب</li></ul>"
            ),
            "الحوار قال الكاظمي: نعم & لا أ ب"
        );
        assert_eq!(text("one<br>two"), "one two");
    }

    #[test]
    fn scripts_styles_and_comments_are_not_text() {
        assert_eq!(
            text("<p>a</p><script>var x = '<p>no</p>';</script><style>p{}</style><!-- note -->b"),
            "a b"
        );
    }
}
