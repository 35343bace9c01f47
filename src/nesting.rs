//! How deeply HTML nests, measured by reading its tags without building a
//! tree.
//!
//! Whatever reads a page after us — the sanitizer, the minifier, a browser —
//! walks its elements, some of them recursively: an article nested ten
//! thousand levels deep (by accident or on purpose) can exhaust a thread's
//! stack or take quadratic time. Knowing the depth up front lets the
//! pipeline flatten or escape such input instead of crashing on it.

/// Elements that never have content or an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr", "frame",
];

/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: &[&str] = &["script", "style"];

/// Elements whose end tag may be left out: a start tag of the same group
/// closes the open one (`<li>a<li>b` are siblings, not nested).
const SELF_CLOSING_GROUPS: &[&[&str]] = &[
    &["p"],
    &["li"],
    &["dt", "dd"],
    &["td", "th"],
    &["tr"],
    &["option"],
];

/// How a document's end tags are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Every non-void element is closed by its own end tag, as in what an
    /// HTML serializer (pulldown-cmark, ammonia) writes: the depth is exact.
    WellFormed,
    /// Hand-written HTML: end tags may be missing or stray. The depth is an
    /// estimate that follows the common cases of implied end tags.
    AsWritten,
}

/// The greatest number of elements open at once in `html`.
pub fn max_depth(html: &str, reading: Reading) -> usize {
    let bytes = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut deepest = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|b| *b == b'<') {
        let lt = at + found;
        let rest = &html[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            at = lt + 4 + comment.find("-->").map_or(comment.len(), |end| end + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            at = lt + rest.find('>').map_or(rest.len(), |end| end + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = lt + if closing { 2 } else { 1 };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            at = lt + 1;
            continue;
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
            .map_or(bytes.len(), |n| name_start + n);
        let name = &html[name_start..name_end];
        let (tag_end, self_closed) = end_of_tag(bytes, name_end);
        at = tag_end;
        if closing {
            close(&mut open, name, reading);
            continue;
        }
        if is_one_of(name, VOID) || self_closed {
            continue;
        }
        if reading == Reading::AsWritten {
            close_implied(&mut open, name);
        }
        open.push(name);
        deepest = deepest.max(open.len());
        if is_one_of(name, RAW_TEXT) {
            at = end_of_raw_text(html, at, name);
        }
    }
    deepest
}

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn close(open: &mut Vec<&str>, name: &str, reading: Reading) {
    match reading {
        Reading::WellFormed => {
            open.pop();
        }
        Reading::AsWritten => {
            if let Some(at) = open.iter().rposition(|n| n.eq_ignore_ascii_case(name)) {
                open.truncate(at);
            }
        }
    }
}

/// A start tag of a group closes an open element of its group, and any
/// elements of other groups opened inside it (`<tr>` closes `<tr><td>`).
fn close_implied(open: &mut Vec<&str>, name: &str) {
    let Some(group) = SELF_CLOSING_GROUPS.iter().find(|g| is_one_of(name, g)) else {
        return;
    };
    for at in (0..open.len()).rev() {
        if is_one_of(open[at], group) {
            open.truncate(at);
            return;
        }
        if !SELF_CLOSING_GROUPS.iter().any(|g| is_one_of(open[at], g)) {
            return;
        }
    }
}

/// Where the tag whose name ends at `from` ends (after its `>`), reading
/// quoted attribute values whole; and whether it ends with `/>`.
fn end_of_tag(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote = None;
    let mut previous = 0u8;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return (i + 1, previous == b'/'),
            None => {}
        }
        previous = b;
    }
    (bytes.len(), false)
}

/// Where the content of a `<script>` or `<style>` opened before `from` ends:
/// at its end tag, which is then read as any other.
fn end_of_raw_text(html: &str, from: usize, name: &str) -> usize {
    let rest = &html.as_bytes()[from..];
    let end_tag = format!("</{name}");
    rest.windows(end_tag.len())
        .position(|w| w.eq_ignore_ascii_case(end_tag.as_bytes()))
        .map_or(html.len(), |n| from + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_open_elements_of_serialized_html() {
        let html = "<p>a <em>b <strong>c</strong></em></p><ul><li><p>d<br />e</p></li></ul>";
        assert_eq!(max_depth(html, Reading::WellFormed), 3);
        assert_eq!(max_depth("plain text, 1 < 2", Reading::WellFormed), 0);
        assert_eq!(
            max_depth("<div>".repeat(500).as_str(), Reading::WellFormed),
            500
        );
    }

    #[test]
    fn attributes_comments_and_scripts_hide_no_tags_from_it() {
        let html = r#"<a title="</a><b>" href='x>y'>t</a><!-- <div><div> --><script>"<div>"</script><img alt="<p>">"#;
        assert_eq!(max_depth(html, Reading::WellFormed), 1);
    }

    #[test]
    fn implied_end_tags_keep_siblings_flat_when_read_as_written() {
        let html =
            "<ul><li>a<li>b<li>c</ul><p>one<p>two<p>three<table><tr><td>1<td>2<tr><td>3</table>";
        assert_eq!(max_depth(html, Reading::AsWritten), 4);
        assert_eq!(
            max_depth(&"<span>".repeat(1000), Reading::AsWritten),
            1000,
            "unclosed elements that do not close each other nest"
        );
    }
}
