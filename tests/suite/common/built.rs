//! What a build published, read back: [`Files`] by path, HTML parsed as a
//! browser parses it ([`Page`]), XML and JSON parsed.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use digest::BuildReport;

/// A successful build: its report, and the files it published, read when
/// it finished (a later build does not change them).
pub struct Built {
    pub report: BuildReport,
    files: Files,
}

impl Built {
    pub fn new(report: BuildReport, files: Files) -> Built {
        Built { report, files }
    }

    pub fn into_files(self) -> Files {
        self.files
    }
}

/// A build's warnings, as `digest build` prints them.
pub fn warnings(report: &BuildReport) -> Vec<String> {
    report.warnings.iter().map(ToString::to_string).collect()
}

impl std::ops::Deref for Built {
    type Target = Files;

    fn deref(&self) -> &Files {
        &self.files
    }
}

/// The files of a built site, by path relative to its folder; equal to
/// another if they have the same paths and bytes, wherever they were read.
#[derive(Clone)]
pub struct Files {
    /// Where they were read, for messages.
    from: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    /// Every file under `root` (none if there is no such folder); `name`
    /// says which folder it is in messages.
    pub fn read_dir(root: &Path, name: &str) -> Files {
        let mut files = BTreeMap::new();
        if root.exists() {
            for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    let rel = entry.path().strip_prefix(root).unwrap();
                    let rel = rel.to_string_lossy().into_owned();
                    files.insert(rel, std::fs::read(entry.path()).unwrap());
                }
            }
        }
        Files::from_map(name, files)
    }

    pub fn from_map(name: &str, files: BTreeMap<String, Vec<u8>>) -> Files {
        Files {
            from: name.to_string(),
            files,
        }
    }

    /// The files under the folder `rel`, by path relative to it.
    pub fn under(&self, rel: &str) -> Files {
        let prefix = format!("{}/", rel.trim_end_matches('/'));
        let files = self
            .files
            .iter()
            .filter_map(|(path, bytes)| {
                Some((path.strip_prefix(&prefix)?.to_string(), bytes.clone()))
            })
            .collect();
        Files::from_map(&format!("{}/{rel}", self.from), files)
    }

    /// Every path, in order.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys()
    }

    /// Every HTML page of the site, by path (editions' emails, under
    /// `newsletter/`, are made for mail clients, not pages: see [`Files::emails`]).
    pub fn html_pages(&self) -> Vec<String> {
        self.paths()
            .filter(|p| p.ends_with(".html") && !p.starts_with("newsletter/"))
            .cloned()
            .collect()
    }

    /// Every edition's email HTML (`newsletter/{lang}/{period}.html`).
    pub fn emails(&self) -> Vec<String> {
        self.paths()
            .filter(|p| p.ends_with(".html") && p.starts_with("newsletter/"))
            .cloned()
            .collect()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.files.contains_key(&index(rel))
    }

    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(&index(rel)).map(Vec::as_slice)
    }

    pub fn into_map(self) -> BTreeMap<String, Vec<u8>> {
        self.files
    }

    /// The file's bytes; panics if there is no such file.
    pub fn bytes(&self, rel: &str) -> &[u8] {
        self.get(rel)
            .unwrap_or_else(|| panic!("{}/{rel} does not exist", self.from))
    }

    /// The file's text.
    pub fn read(&self, rel: &str) -> &str {
        std::str::from_utf8(self.bytes(rel))
            .unwrap_or_else(|e| panic!("{}/{rel} is not UTF-8: {e}", self.from))
    }

    /// An HTML page, parsed: `ar/news/x/` or `ar/news/x/index.html`.
    pub fn page(&self, rel: &str) -> Page {
        Page::parse(&index(rel), self.read(rel))
    }

    /// The page a link into the site leads to.
    pub fn page_at(&self, href: &str) -> Page {
        self.page(&file_of(href))
    }

    /// An XML file, parsed.
    pub fn xml(&self, rel: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(self.read(rel))
            .unwrap_or_else(|e| panic!("{}/{rel} is not well-formed XML: {e}", self.from))
    }

    /// A JSON file, parsed.
    pub fn json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_str(self.read(rel))
            .unwrap_or_else(|e| panic!("{}/{rel} is not JSON: {e}", self.from))
    }
}

impl PartialEq for Files {
    fn eq(&self, other: &Files) -> bool {
        self.files == other.files
    }
}

/// Paths and sizes, not bytes: what a failed comparison needs to show.
impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_map();
        for (path, bytes) in &self.files {
            let mut hash = std::hash::DefaultHasher::new();
            bytes.hash(&mut hash);
            list.entry(
                path,
                &format_args!("{} bytes, hash {:016x}", bytes.len(), hash.finish()),
            );
        }
        list.finish()
    }
}

/// The file a folder's address is served from: `ar/` → `ar/index.html`.
fn index(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// A parsed HTML page.
pub struct Page {
    pub html: scraper::Html,
    pub path: String,
}

impl Page {
    /// `html` parsed as a browser would; `path` names it in messages.
    pub fn parse(path: &str, html: &str) -> Page {
        Page {
            html: scraper::Html::parse_document(html),
            path: path.to_string(),
        }
    }

    pub fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector =
            scraper::Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.html.select(&selector).collect()
    }

    /// The text of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, css: &str) -> String {
        let texts = self.texts(css);
        assert!(!texts.is_empty(), "{}: nothing matches {css}", self.path);
        texts[0].clone()
    }

    /// The value of `attr` on every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        let found = self.attrs(css, attr);
        assert!(!found.is_empty(), "{}: no {css} with {attr}", self.path);
        found[0].clone()
    }

    pub fn count(&self, css: &str) -> usize {
        self.select(css).len()
    }
}

/// The file under `public/` that a link leads to: `/ar/tags/%D8%A7/` or
/// `https://digest.example.org/ar/` → `ar/tags/ا/index.html`.
pub fn file_of(href: &str) -> String {
    let path = href
        .strip_prefix("https://digest.example.org")
        .unwrap_or(href);
    assert!(path.starts_with('/'), "not a link into the site: {href}");
    let path = percent_encoding::percent_decode_str(&path[1..])
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{href} is not UTF-8 once decoded: {e}"))
        .into_owned();
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    }
}

impl Page {
    /// The page's `hreflang` alternates: language (or `x-default`) → URL.
    pub fn alternates(&self) -> BTreeMap<String, String> {
        self.select("link[rel=alternate][hreflang]")
            .iter()
            .map(|e| {
                let v = e.value();
                (
                    v.attr("hreflang").unwrap().to_string(),
                    v.attr("href").unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The page's canonical URL, if it has one.
    pub fn canonical(&self) -> Option<String> {
        self.attrs("link[rel=canonical]", "href").pop()
    }

    /// The language switcher's links: (lang, dir, href, class, text).
    pub fn switcher(&self) -> Vec<SwitchLink> {
        self.select(".switcher a")
            .iter()
            .map(|e| {
                let v = e.value();
                let attr = |name: &str| v.attr(name).unwrap_or_default().to_string();
                SwitchLink {
                    lang: attr("lang"),
                    dir: attr("dir"),
                    href: attr("href"),
                    class: attr("class"),
                    rel: attr("rel"),
                    text: e.text().collect::<String>().trim().to_string(),
                }
            })
            .collect()
    }
}

/// One link of a page's language switcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchLink {
    pub lang: String,
    pub dir: String,
    pub href: String,
    /// `translation` or `untranslated`.
    pub class: String,
    pub rel: String,
    pub text: String,
}
