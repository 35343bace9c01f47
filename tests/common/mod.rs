//! A fixture site in a temporary folder: write files, build, look at pages.
//!
//! Each fixture gets a copy of the default theme, so tests exercise the
//! templates users get.
#![allow(dead_code)]

pub mod browser;
pub mod http;
pub mod nginx;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use digest::error::BuildError;
use digest::{BuildOptions, BuildReport};

/// The repository's root (where the example site and theme live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const CONFIG: &str = "base_url: https://digest.example.org/
default_language: ar
languages:
  ar:
    name: العربية
    title: الموجز
    locale: ar-IQ
    digits: latn
  en:
    name: English
    title: The Digest
    locale: en-GB
paginate: 3
minify: false
sections:
  news: { ar: أخبار, en: News }
  analysis: { ar: تحليل, en: Analysis }
  opinion: { ar: رأي, en: Opinion }
";

pub const TAGS: &str = "iraq:
  ar: العراق
  en: Iraq
us-forces:
  ar: القوات الأميركية
  en: US forces
";

pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// An empty site with the default theme and `CONFIG`.
    pub fn new() -> Fixture {
        let fixture = Fixture::bare();
        fixture.copy_dir(&repo().join("themes/default"), "themes/default");
        fixture.write("digest.yaml", CONFIG);
        fixture.write("content/tags.yaml", TAGS);
        fixture
    }

    /// A folder with nothing in it.
    pub fn bare() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of the repository's example site.
    pub fn example() -> Fixture {
        let fixture = Fixture::bare();
        fixture.copy_dir(&repo().join("themes"), "themes");
        fixture.copy_dir(&repo().join("content"), "content");
        fixture.write(
            "digest.yaml",
            &std::fs::read_to_string(repo().join("digest.yaml")).unwrap(),
        );
        fixture
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Fixture {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Fixture {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Fixture {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// An article with a title, a date and optional extra front matter.
    pub fn article(&self, rel: &str, title: &str, date: &str, extra: &str, body: &str) -> &Fixture {
        self.write(
            &format!("content/{rel}"),
            &format!("---\ntitle: \"{title}\"\ndate: {date}\n{extra}---\n{body}\n"),
        )
    }

    fn copy_dir(&self, from: &Path, to: &str) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(from).unwrap();
            let target = self.path(to).join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            ..BuildOptions::default()
        }
    }

    /// Builds into `public/` as `digest build` does.
    pub fn build(&self) -> Result<BuildReport, BuildError> {
        digest::build_to_dir(&self.options(), &self.path("public"))
    }

    /// Builds into `public/` as `digest build --base-url URL` does.
    pub fn build_at(&self, base_url: &str) -> BuildReport {
        let options = BuildOptions {
            base_url: Some(base_url.to_string()),
            ..self.options()
        };
        digest::build_to_dir(&options, &self.path("public"))
            .unwrap_or_else(|err| panic!("the build failed:\n{err}"))
    }

    pub fn build_ok(&self) -> BuildReport {
        match self.build() {
            Ok(report) => report,
            Err(err) => panic!("the build failed:\n{err}"),
        }
    }

    /// The build's diagnostics as printed, one string each.
    pub fn build_errors(&self) -> Vec<String> {
        match self.build() {
            Ok(_) => panic!("the build succeeded but should have failed"),
            Err(err) => err.diagnostics().iter().map(ToString::to_string).collect(),
        }
    }

    /// Runs the `digest` binary in the site's folder.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_digest"))
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("digest runs")
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// A page of the built site, parsed.
    pub fn page(&self, rel: &str) -> Page {
        Page {
            html: scraper::Html::parse_document(&self.read(&format!("public/{rel}"))),
            path: rel.to_string(),
        }
    }

    /// Every file under `public/` with its bytes.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        let root = self.path(rel);
        let mut files = BTreeMap::new();
        if !root.exists() {
            return files;
        }
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let name = entry
                    .path()
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(name, std::fs::read(entry.path()).unwrap());
            }
        }
        files
    }

    /// Every HTML page under `public/`, by path.
    pub fn html_pages(&self) -> Vec<String> {
        self.snapshot("public")
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .collect()
    }
}

/// A parsed HTML page.
pub struct Page {
    pub html: scraper::Html,
    pub path: String,
}

impl Page {
    fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
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

impl Fixture {
    /// The built page a link leads to.
    pub fn page_at(&self, href: &str) -> Page {
        self.page(&file_of(href))
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

/// A site's model and theme, made by the build's own stages from its
/// folder, for tests that look inside a build.
pub struct Loaded {
    pub config: digest::config::Config,
    pub theme: digest::theme::load::Theme,
    pub settings: digest::content::front_matter::ParseSettings,
    pub site: digest::site::model::Site,
}

impl Loaded {
    /// Loads the site at `root`; panics on any error.
    pub fn new(root: &std::path::Path) -> Loaded {
        let mut problems = digest::error::Diagnostics::new();
        let config = digest::config::stage(root, None).unwrap_or_else(|e| panic!("{e}"));
        let theme = digest::theme::load::Theme::load(&config).unwrap_or_else(|e| panic!("{e}"));
        let walk = digest::content::walk::stage(
            &config,
            digest::files::Changes::default(),
            &mut None,
            &mut problems,
        );
        let settings = digest::content::front_matter::ParseSettings::new(&config);
        let (articles, _) = digest::content::articles::stage(
            &config,
            &walk.files,
            &settings,
            &digest::BuildOptions::default(),
            &mut Default::default(),
            &mut problems,
        );
        let topics = digest::site::topics::stage(&config, &walk.files, &mut problems);
        let (site, more) = digest::site::model::Site::build(&config, articles, topics);
        problems.extend(more);
        assert!(!problems.has_errors(), "{problems}");
        Loaded {
            config,
            theme,
            settings,
            site,
        }
    }
}
