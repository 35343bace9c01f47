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

/// Elements whose content is text up to their end tag, never markup
/// (outside SVG and MathML).
const RAW_TEXT: &[&str] = &["script", "style"];

/// Elements whose content HTML reads the XML way.
const FOREIGN: &[&str] = &["svg", "math"];

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

/// An open element: its name, and whether it is inside (or is) an `<svg>`
/// or `<math>` element, where HTML reads markup the XML way.
pub struct Open<'a> {
    pub name: &'a str,
    foreign: bool,
}

/// The greatest number of elements open at once in `html`.
///
/// Tags, attributes and comments are delimited as an HTML parser's
/// tokenizer delimits them, so that no quote or comment can hide from this
/// count tags that a parser opens.
pub fn max_depth(html: &str, reading: Reading) -> usize {
    let mut deepest = 0;
    walk(html, reading, |_, open| deepest = deepest.max(open.len()));
    deepest
}

/// The name of the one element `html` is, when it is one: it starts with
/// that element's start tag and ends with the tag that closes it (around
/// whitespace), and nothing is left open or comes after. Read as written.
pub fn single_element(html: &str) -> Option<&str> {
    let start = html.len() - html.trim_ascii_start().len();
    let end = html.trim_ascii_end().len();
    let mut root = None;
    let mut closed_at = None;
    let mut one = true;
    walk(html, Reading::AsWritten, |tag, open| {
        if tag.start == start {
            one &= !tag.closing && open.len() == 1;
            root = Some(tag.name);
        } else if closed_at.is_some() {
            one = false;
        } else if open.is_empty() {
            closed_at = Some(tag.end);
        }
    });
    (one && closed_at == Some(end)).then_some(root).flatten()
}

/// A tag as [`walk`] meets it: its element's name, whether it is an end
/// tag, and where it starts and ends in the document.
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    pub name: &'a str,
    pub closing: bool,
    pub start: usize,
    pub end: usize,
}

/// Calls `visit` with each start and end tag of `html` in order, and the
/// elements open once the tag is read (a start tag's own element last,
/// unless it is void).
pub fn walk<'a>(html: &'a str, reading: Reading, mut visit: impl FnMut(Tag<'a>, &[Open<'a>])) {
    let bytes = html.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let lt = at + found;
        let rest = &html[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            at = lt + 4 + end_of_comment(comment);
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
        let tag = Tag {
            name,
            closing,
            start: lt,
            end: tag_end,
        };
        if closing {
            close(&mut open, name, reading);
            visit(tag, &open);
            continue;
        }
        // `<div/>` opens a `<div>` in HTML; only void elements and, in SVG
        // and MathML, any element close themselves.
        let foreign = open.last().is_some_and(|e| e.foreign) || is_one_of(name, FOREIGN);
        let closes_itself = match reading {
            Reading::WellFormed => self_closed,
            Reading::AsWritten => self_closed && foreign,
        };
        if is_one_of(name, VOID) || closes_itself {
            visit(tag, &open);
            continue;
        }
        if reading == Reading::AsWritten {
            close_implied(&mut open, name);
        }
        open.push(Open { name, foreign });
        visit(tag, &open);
        if is_one_of(name, RAW_TEXT) && !(reading == Reading::AsWritten && foreign) {
            at = end_of_raw_text(html, at, name);
        }
    }
}

/// How many bytes of `after_open` (what follows `<!--`) the comment takes:
/// up to `-->` or `--!>`, or none but the `>` of `<!-->` and `<!--->`.
fn end_of_comment(after_open: &str) -> usize {
    for short in [">", "->"] {
        if after_open.starts_with(short) {
            return short.len();
        }
    }
    let ends = ["-->", "--!>"]
        .iter()
        .filter_map(|end| after_open.find(end).map(|at| at + end.len()));
    ends.min().unwrap_or(after_open.len())
}

/// Whether `name` is one of `names`, ignoring ASCII case as HTML does.
pub(crate) fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn close(open: &mut Vec<Open>, name: &str, reading: Reading) {
    match reading {
        Reading::WellFormed => {
            open.pop();
        }
        Reading::AsWritten => {
            if let Some(at) = open.iter().rposition(|e| e.name.eq_ignore_ascii_case(name)) {
                open.truncate(at);
            }
        }
    }
}

/// A start tag of a group closes an open element of its group, and any
/// elements of other groups opened inside it (`<tr>` closes `<tr><td>`).
fn close_implied(open: &mut Vec<Open>, name: &str) {
    let Some(group) = SELF_CLOSING_GROUPS.iter().find(|g| is_one_of(name, g)) else {
        return;
    };
    for at in (0..open.len()).rev() {
        if is_one_of(open[at].name, group) {
            open.truncate(at);
            return;
        }
        if !SELF_CLOSING_GROUPS
            .iter()
            .any(|g| is_one_of(open[at].name, g))
        {
            return;
        }
    }
}

/// Where the tag whose name ends at `from` ends (after its `>`), and
/// whether it ends with `/>`. Attributes are read as HTML's tokenizer reads
/// them: a quote starts a quoted value only right after `=` (and spaces);
/// elsewhere (`<d it's>`) it is an ordinary character.
fn end_of_tag(bytes: &[u8], from: usize) -> (usize, bool) {
    #[derive(Clone, Copy)]
    enum State {
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let mut state = State::BeforeName;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        let space = b.is_ascii_whitespace();
        state = match state {
            State::Quoted(q) if b == q => State::AfterQuoted,
            State::Quoted(q) => State::Quoted(q),
            State::SelfClosing if b == b'>' => return (i + 1, true),
            _ if b == b'>' => return (i + 1, false),
            State::BeforeValue if b == b'"' || b == b'\'' => State::Quoted(b),
            State::BeforeValue if space => State::BeforeValue,
            State::BeforeValue | State::Unquoted if !space => State::Unquoted,
            State::Name | State::AfterName if b == b'=' => State::BeforeValue,
            State::Name | State::AfterName if space => State::AfterName,
            State::Unquoted | State::AfterQuoted | State::BeforeName | State::SelfClosing
                if space =>
            {
                State::BeforeName
            }
            _ if b == b'/' => State::SelfClosing,
            // Anything else starts or continues an attribute's name; so
            // does `=` where no name came before it.
            _ => State::Name,
        };
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

    #[test]
    fn tags_are_delimited_as_an_html_parser_delimits_them() {
        // Regressions (found by fuzzing): each of these hid the tags after it
        // from the estimate, while a parser opens them.
        let divs = "<div>".repeat(3);
        let as_written = |html: &str| max_depth(html, Reading::AsWritten);
        // A quote that does not follow `=` is part of a name, not a value.
        assert_eq!(as_written(&format!("<d it's>{divs}")), 4);
        assert_eq!(as_written(&format!("<a b=c ='x>{divs}")), 4);
        assert_eq!(as_written(&format!("<a b='x'='y>{divs}")), 4);
        assert_eq!(as_written(&format!("<a b = 'x>y'>{divs}")), 4);
        // Comments closed early or oddly.
        assert_eq!(as_written(&format!("<!-->{divs}-->")), 3);
        assert_eq!(as_written(&format!("<!--->{divs}-->")), 3);
        assert_eq!(as_written(&format!("<!-- a --!>{divs}-->")), 3);
        // `<div/>` opens a div; in SVG a slash closes any element.
        assert_eq!(as_written(&"<div/>".repeat(3)), 3);
        assert_eq!(as_written("<svg><path/><path/><g><path/></g></svg>"), 2);
        // In SVG, `<style>` and `<script>` hold markup, not text.
        assert_eq!(as_written(&format!("<svg><style>{divs}</style>")), 5);
        assert_eq!(as_written(&format!("<style>{divs}</style>")), 1);
    }

    #[test]
    fn one_element_is_told_from_several_or_an_unclosed_one() {
        assert_eq!(
            single_element("\n <article class=\"card\"><p>a<p>b<ul><li>c</ul></article>\n"),
            Some("article")
        );
        assert_eq!(single_element("<div><div></div></div>"), Some("div"));
        assert_eq!(single_element("<p>a</p><p>b</p>"), None, "two elements");
        assert_eq!(
            single_element("<div><p>a</div> tail"),
            None,
            "text after it"
        );
        assert_eq!(single_element("text <b>x</b>"), None, "text before it");
        assert_eq!(single_element("<div><span>open"), None, "never closed");
        assert_eq!(single_element("<br>"), None, "void elements hold nothing");
        assert_eq!(single_element("</div>"), None);
        assert_eq!(single_element(""), None);
        assert_eq!(
            single_element("<div><script>\"</div>\"</script></div>"),
            Some("div"),
            "a script's text closes nothing"
        );
    }
}
