//! Minifying pages with minify-html, once for what many pages share.
//!
//! Minifying is most of the cost of rendering a page, and much of a site's
//! HTML repeats: an article's card is on its section's, topics' and month's
//! lists, on the home page and beside related stories. So the templates
//! that other templates include (partials, such as `partials/card.html`)
//! are marked when the theme loads ([`mark_partial`]), and [`Minifier`]
//! minifies each distinct rendered partial once per build: the page is
//! minified with a slot in each partial's place, and the slots are then
//! filled with the partials' minified HTML.
//!
//! A partial is minified apart only where that cannot change the result:
//! it must be one element, balanced, and not inside text that is not
//! markup or whose spaces count (`<pre>`, `<textarea>`, `<title>`,
//! `<script>`, SVG…). Anything else stays in the page and is minified with
//! it; a page whose markers were moved or changed by a template (captured
//! in a variable, escaped) is rendered again without markers.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use memchr::memmem;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use crate::html::nesting::{self, Reading, is_one_of};

/// How deep HTML may nest for minify-html, whose parser recurses once per
/// level, to run safely on a worker thread's stack.
pub const MAX_MINIFY_DEPTH: usize = 200;

/// HTML minified with minify-html; multibyte text is left intact.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.minify_css = true;
    cfg.minify_js = true;
    cfg.allow_noncompliant_unquoted_attribute_values = false;
    minify_html::minify(html, &cfg)
}

/// The strings that mark partials and stand in for them. They carry a
/// number chosen at random when digest starts, so no text of an article
/// can spell them.
struct Marks {
    /// In both marks, and nowhere else.
    token: String,
    open: memmem::Finder<'static>,
    close: memmem::Finder<'static>,
    slot: String,
    slot_name: String,
}

fn marks() -> &'static Marks {
    static MARKS: OnceLock<Marks> = OnceLock::new();
    MARKS.get_or_init(|| {
        let token = random_token();
        let slot_name = format!("digest-slot-{}", random_token());
        let open = format!("<!--digest-partial-{token}-->");
        let close = format!("<!--/digest-partial-{token}-->");
        Marks {
            open: memmem::Finder::new(&open).into_owned(),
            close: memmem::Finder::new(&close).into_owned(),
            slot: format!("<{slot_name}></{slot_name}>"),
            slot_name,
            token,
        }
    })
}

/// 20 decimal digits chosen at random: no filter (`upper`, `escape`…)
/// changes them.
pub fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("{random:020}")
}

/// A partial's template source, marked so that its output can be found in
/// the pages that include it.
pub fn mark_partial(source: &str) -> String {
    let marks = marks();
    let [open, close] = [&marks.open, &marks.close].map(|f| String::from_utf8_lossy(f.needle()));
    format!("{open}{source}{close}")
}

/// Elements inside which a partial is not minified apart: their content is
/// not markup, or its spaces count, or it is read the XML way.
const KEEP_IN_PAGE: &[&str] = &[
    "pre",
    "textarea",
    "title",
    "script",
    "style",
    "template",
    "svg",
    "math",
    "listing",
    "plaintext",
    "xmp",
    "noscript",
    "noembed",
    "noframes",
    "iframe",
];

/// Minifies pages, each distinct partial once. `digest serve` keeps one
/// from build to build: a partial's minified HTML depends on nothing but
/// its HTML.
#[derive(Default)]
pub struct Minifier {
    /// A partial's HTML (by hash) → its minified HTML, or `None` when it
    /// is not one element and stays in the page.
    partials: Mutex<FxHashMap<u128, Option<Arc<[u8]>>>>,
    /// Pages with partials that had to be minified whole.
    whole: AtomicUsize,
}

impl std::fmt::Debug for Minifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let partials = self.partials.lock().map_or(0, |p| p.len());
        write!(f, "Minifier {{ {partials} partials }}")
    }
}

impl Minifier {
    /// Forgets the partials if there are more than `most`, so that a long
    /// `digest serve` session does not gather every version of every card.
    pub fn bound(&self, most: usize) {
        let mut partials = self.partials.lock().expect("memo lock");
        if partials.len() > most {
            partials.clear();
        }
    }

    /// `html`, rendered from templates whose partials are marked,
    /// minified. `None` when a template altered the marks (a filter, or a
    /// partial's output captured and cut): the page is then to be rendered
    /// without them.
    pub fn page(&self, html: &[u8]) -> Option<Vec<u8>> {
        let marks = marks();
        let (open, close) = (&marks.open, &marks.close);
        let altered = |html: &[u8]| memmem::find(html, marks.token.as_bytes()).is_some();
        if open.find(html).is_none() {
            return (!altered(html)).then(|| minify(html));
        }
        let mut skeleton = Vec::with_capacity(html.len());
        let mut pieces: Vec<Arc<[u8]>> = Vec::new();
        let mut at = 0;
        while let Some(found) = open.find(&html[at..]) {
            let start = at + found;
            skeleton.extend_from_slice(&html[at..start]);
            let inner = start + open.needle().len();
            let end = matching_close(html, inner, open, close)?;
            let content = strip_marks(&html[inner..end], open, close);
            let lead = content.len() - content.trim_ascii_start().len();
            let core = content.trim_ascii();
            match self.partial(core) {
                Some(minified) => {
                    skeleton.extend_from_slice(&content[..lead]);
                    skeleton.extend_from_slice(marks.slot.as_bytes());
                    skeleton.extend_from_slice(&content[lead + core.len()..]);
                    pieces.push(minified);
                }
                None => skeleton.extend_from_slice(&content),
            }
            at = end + close.needle().len();
        }
        skeleton.extend_from_slice(&html[at..]);
        if altered(&skeleton) {
            return None;
        }
        if slots_in_markup(&skeleton, &marks.slot_name, pieces.len())
            && let Some(page) = fill_slots(&minify(&skeleton), marks.slot.as_bytes(), &pieces)
        {
            return Some(page);
        }
        // A partial sits where it cannot be minified apart: the page is
        // minified whole.
        self.whole.fetch_add(1, Ordering::Relaxed);
        Some(minify(&strip_marks(html, open, close)))
    }

    /// A partial's minified HTML, if it can be minified apart.
    fn partial(&self, html: &[u8]) -> Option<Arc<[u8]>> {
        let key = xxh3_128(html);
        if let Some(known) = self.partials.lock().expect("memo lock").get(&key) {
            return known.clone();
        }
        let apart = std::str::from_utf8(html).ok().filter(|text| {
            nesting::single_element(text).is_some_and(|root| !is_one_of(root, KEEP_IN_PAGE))
                && nesting::max_depth(text, Reading::AsWritten) <= MAX_MINIFY_DEPTH
        });
        let minified = apart.map(|_| Arc::<[u8]>::from(minify(html)));
        self.partials
            .lock()
            .expect("memo lock")
            .insert(key, minified.clone());
        minified
    }
}

/// Where the mark closing the partial whose content starts at `from` is,
/// counting partials included inside it.
fn matching_close(
    html: &[u8],
    from: usize,
    open: &memmem::Finder,
    close: &memmem::Finder,
) -> Option<usize> {
    let mut depth = 1;
    let mut at = from;
    loop {
        let next_close = at + close.find(&html[at..])?;
        match open.find(&html[at..next_close]) {
            Some(inner) => {
                depth += 1;
                at += inner + open.needle().len();
            }
            None => {
                depth -= 1;
                if depth == 0 {
                    return Some(next_close);
                }
                at = next_close + close.needle().len();
            }
        }
    }
}

/// `html` without the marks of partials included in it.
fn strip_marks<'h>(html: &'h [u8], open: &memmem::Finder, close: &memmem::Finder) -> Cow<'h, [u8]> {
    if open.find(html).is_none() && close.find(html).is_none() {
        return Cow::Borrowed(html);
    }
    let mut out = html.to_vec();
    for finder in [open, close] {
        let needle = finder.needle().len();
        let mut kept = Vec::with_capacity(out.len());
        let mut at = 0;
        while let Some(found) = finder.find(&out[at..]) {
            kept.extend_from_slice(&out[at..at + found]);
            at += found + needle;
        }
        kept.extend_from_slice(&out[at..]);
        out = kept;
    }
    Cow::Owned(out)
}

/// Whether `page` has exactly `expected` slots, each where a start tag can
/// be and none inside an element listed in [`KEEP_IN_PAGE`].
fn slots_in_markup(page: &[u8], slot_name: &str, expected: usize) -> bool {
    if expected == 0 {
        return true;
    }
    let Ok(text) = std::str::from_utf8(page) else {
        return false;
    };
    let mut seen = 0;
    let mut safe = true;
    nesting::walk(text, Reading::AsWritten, |tag, open| {
        if !tag.closing && tag.name == slot_name {
            seen += 1;
            let ancestors = &open[..open.len().saturating_sub(1)];
            safe &= !ancestors.iter().any(|e| is_one_of(e.name, KEEP_IN_PAGE));
        }
    });
    safe && seen == expected
}

/// `page` with its slots filled in order, if it has one for each piece.
fn fill_slots(page: &[u8], slot: &[u8], pieces: &[Arc<[u8]>]) -> Option<Vec<u8>> {
    let length = pieces.iter().map(|p| p.len()).sum::<usize>() + page.len();
    let mut filled = Vec::with_capacity(length);
    let mut at = 0;
    let mut next = pieces.iter();
    for found in memmem::find_iter(page, slot) {
        filled.extend_from_slice(&page[at..found]);
        filled.extend_from_slice(next.next()?);
        at = found + slot.len();
    }
    filled.extend_from_slice(&page[at..]);
    next.next().is_none().then_some(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `html` as Tera renders it when `partials` are marked, and as it
    /// renders it when they are not.
    fn rendered(html: &str, partials: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let mut marked = html.to_string();
        let mut plain = html.to_string();
        for (i, partial) in partials.iter().enumerate() {
            let slot = format!("{{{i}}}");
            marked = marked.replace(&slot, &mark_partial(partial));
            plain = plain.replace(&slot, partial);
        }
        (marked.into_bytes(), plain.into_bytes())
    }

    #[test]
    fn a_partial_shared_by_pages_is_minified_once_and_the_pages_are_as_if_minified_whole() {
        let card = "<article class=\"card\">\n  <h2> <a href=\"/a/\">Title</a> </h2>\n</article>";
        let minifier = Minifier::default();
        for page in [
            "<!doctype html><div class=\"cards\">\n{0}\n{0}\n</div>",
            "<main>\n  <aside>{0}</aside>\n</main>",
        ] {
            let (marked, plain) = rendered(page, &[card]);
            assert_eq!(minifier.page(&marked), Some(minify(&plain)), "{page}");
        }
        assert_eq!(minifier.partials.lock().unwrap().len(), 1);
        assert_eq!(
            minifier.whole.load(Ordering::Relaxed),
            0,
            "minified in parts"
        );
    }

    #[test]
    fn spaces_around_and_between_partials_are_the_page_s_to_minify() {
        let page = |mark: &dyn Fn(&str) -> String| {
            let outer = mark(&format!("<div>\n{}\n</div>", mark("<p>  inner  </p>")));
            format!(
                "<p>before{}after</p><p>pair:{}</p><section>\n {outer}\n</section>",
                mark(" <em>x</em> "),
                mark("<i>a</i> <i>b</i>"),
            )
        };
        let minifier = Minifier::default();
        let minified = minifier.page(page(&mark_partial).as_bytes()).unwrap();
        assert_eq!(minified, minify(page(&str::to_string).as_bytes()));
        assert_eq!(
            String::from_utf8(minified).unwrap(),
            "<p>before <em>x</em> after</p><p>pair:<i>a</i> <i>b</i></p>\
             <section><div><p>inner</p></div></section>"
        );
        assert_eq!(
            minifier.whole.load(Ordering::Relaxed),
            0,
            "minified in parts"
        );
    }

    #[test]
    fn kept_partials_are_forgotten_past_the_bound() {
        let minifier = Minifier::default();
        for n in 0..3 {
            let (marked, _) = rendered("<div>{0}</div>", &[&format!("<p>{n}</p>")]);
            minifier.page(&marked).unwrap();
        }
        let kept = || minifier.partials.lock().unwrap().len();
        minifier.bound(3);
        assert_eq!(kept(), 3, "within the bound");
        minifier.bound(2);
        assert_eq!(kept(), 0, "past the bound");
    }

    #[test]
    fn partials_where_spaces_count_or_text_is_not_markup_stay_in_the_page() {
        for page in [
            "<pre>{0}</pre>",
            "<p title=\"{0}\">x</p>",
            "<textarea>{0}</textarea>",
            "<title>{0}</title>",
            "<script type=\"text/plain\">{0}</script>",
            "<svg>{0}</svg>",
        ] {
            let (marked, plain) = rendered(page, &["<span>  a   b  </span>"]);
            let minifier = Minifier::default();
            assert_eq!(minifier.page(&marked), Some(minify(&plain)), "{page}");
            assert_eq!(minifier.whole.load(Ordering::Relaxed), 1, "{page}");
        }
    }

    #[test]
    fn marks_altered_by_a_template_send_the_page_back_to_be_rendered_without_them() {
        let (marked, _) = rendered("<p>{0}</p>", &["<b>x</b>"]);
        let text = String::from_utf8(marked).unwrap();
        for altered in [
            text.replace('<', "&lt;"),
            text.to_uppercase(),
            text[..text.len() - 12].to_string(),
        ] {
            assert_eq!(
                Minifier::default().page(altered.as_bytes()),
                None,
                "{altered}"
            );
        }
    }
}
