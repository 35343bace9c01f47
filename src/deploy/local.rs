//! The built site as the deploy sees it: every file of `public/` with its
//! content hash, its kind and the headers it is served with.
//!
//! Content hashes of the files themselves (not the build's fingerprints of
//! their inputs) are what is compared with the target: the deploy may run
//! on another machine than the build, or after a build whose state is gone.
//! Hashing is xxh3 over bytes the page cache usually holds; at 28,000 files
//! it is a fraction of a second on two cores.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::CacheControl;
use crate::error::Diagnostic;

/// What a file is, which decides when it is uploaded and how long it may
/// be cached. In upload order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Pictures, documents, fonts: whatever pages show or link.
    File,
    /// CSS and JS (named by their content when the theme made them).
    Style,
    /// HTML pages, the 404 page among them.
    Page,
    /// Atom and JSON feeds.
    Feed,
    /// `sitemap.xml` (and its parts), `robots.txt`.
    Sitemap,
    /// The bilingual front door, `/index.html`.
    FrontDoor,
}

impl Kind {
    fn of(key: &str) -> Kind {
        let name = key.rsplit('/').next().unwrap_or(key);
        let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        if key == "index.html" {
            Kind::FrontDoor
        } else if (name.starts_with("sitemap") && ext == "xml") || key == "robots.txt" {
            Kind::Sitemap
        } else if ext == "html" || ext == "htm" || (key.starts_with("newsletter/") && ext == "txt")
        {
            // An edition's email, HTML or text, changes as its page does.
            Kind::Page
        } else if ext == "xml" || ext == "json" {
            Kind::Feed
        } else if ext == "css" || ext == "js" || ext == "mjs" {
            Kind::Style
        } else {
            Kind::File
        }
    }
}

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct LocalFile {
    /// Its path under `public/`, with `/` (`en/news/x/index.html`): the key
    /// under the target's prefix.
    pub key: String,
    pub size: u64,
    /// xxh3-128 of the bytes, the content type and the cache header: a file
    /// whose headers change is uploaded again, since stores keep headers
    /// with the object.
    pub version: u128,
    pub kind: Kind,
    pub content_type: String,
    pub cache_control: String,
}

/// Every file of the built site, sorted by key.
#[derive(Debug)]
pub struct LocalSite {
    pub root: PathBuf,
    pub files: Vec<LocalFile>,
}

impl LocalSite {
    /// Reads and hashes every file under `root`.
    pub fn scan(root: &Path, cache: &CacheControl) -> Result<LocalSite, Diagnostic> {
        let keys = list(root)?;
        if keys.is_empty() {
            return Err(Diagnostic::error(
                None,
                format!("{} holds no site to deploy", root.display()),
            )
            .with_help("build it first with `digest build`"));
        }
        let files = keys
            .par_iter()
            .map(|key| {
                let bytes = std::fs::read(root.join(key))
                    .map_err(|e| Diagnostic::io(&root.join(key), "read", &e))?;
                Ok(LocalFile::new(key.clone(), &bytes, cache))
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        Ok(LocalSite {
            root: root.to_path_buf(),
            files,
        })
    }

    pub fn path(&self, file: &LocalFile) -> PathBuf {
        self.root.join(&file.key)
    }
}

impl LocalFile {
    pub fn new(key: String, bytes: &[u8], cache: &CacheControl) -> LocalFile {
        let kind = Kind::of(&key);
        let name = key.rsplit('/').next().unwrap_or(&key);
        let cache_control = match kind {
            Kind::Style if crate::theme::load::is_content_named(name, bytes) => &cache.hashed,
            Kind::File if is_search_piece(&key) || crate::media::is_version_name(name) => {
                &cache.hashed
            }
            Kind::Page | Kind::FrontDoor => &cache.pages,
            Kind::Feed | Kind::Sitemap => &cache.feeds,
            Kind::File | Kind::Style => &cache.files,
        };
        let content_type = crate::urls::media_type(&key);
        LocalFile {
            version: version(bytes, &content_type, cache_control),
            size: bytes.len() as u64,
            kind,
            content_type,
            cache_control: cache_control.clone(),
            key,
        }
    }
}

/// Whether `key` is one of the pieces of a search bundle that Pagefind
/// names by their content: the edition's metadata
/// (`pagefind/ar/pagefind.ar_1a2b3c4d5e.pf_meta`), its index chunks,
/// filters and result fragments (`pagefind/ar/fragment/ar_1a2b3c4.pf_fragment`).
/// A changed piece gets a new name, so, like the theme's hashed CSS, it may
/// be cached for good. What names them is not: the bundle's entry file
/// (`pagefind-entry.json`, a feed's header) names the current metadata, and
/// Pagefind's scripts and WebAssembly keep their names across versions.
/// Nothing but the search stage publishes under `pagefind/` (the build
/// refuses content there).
fn is_search_piece(key: &str) -> bool {
    let Some(bundle) = key
        .strip_prefix(crate::urls::SEARCH_BUNDLES)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return false;
    };
    let Some((_lang, path)) = bundle.split_once('/') else {
        return false;
    };
    match path.split_once('/') {
        Some(("fragment", name)) => is_piece_name(name, "pf_fragment"),
        Some(("index", name)) => is_piece_name(name, "pf_index"),
        Some(("filter", name)) => is_piece_name(name, "pf_filter"),
        Some(_) => false,
        None => path
            .strip_prefix("pagefind.")
            .is_some_and(|name| is_piece_name(name, "pf_meta")),
    }
}

/// `{lang}_{hash}.{ext}`, the hash at least the 7 hex digits Pagefind
/// shortens its hashes to.
fn is_piece_name(name: &str, ext: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(ext)
        .and_then(|rest| rest.strip_suffix('.'))
    else {
        return false;
    };
    stem.rsplit_once('_').is_some_and(|(lang, hash)| {
        !lang.is_empty() && hash.len() >= 7 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The hash a file's upload is known by: its bytes and its headers.
pub fn version(bytes: &[u8], content_type: &str, cache_control: &str) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes());
    hasher.update(content_type.as_bytes());
    hasher.update(&[0]);
    hasher.update(cache_control.as_bytes());
    hasher.digest128()
}

/// The keys of every file under `root`, sorted.
fn list(root: &Path) -> Result<Vec<String>, Diagnostic> {
    if !root.is_dir() {
        return Err(
            Diagnostic::error(None, format!("there is no site in {}", root.display()))
                .with_help("build it first with `digest build`, or name the folder with --public"),
        );
    }
    let mut keys = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Diagnostic::io(&path, "read", &std::io::Error::other(e.to_string()))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).expect("walked from root");
        let key = relative
            .to_str()
            .ok_or_else(|| {
                Diagnostic::error(
                    None,
                    format!("{} has a name that is not UTF-8", entry.path().display()),
                )
                .with_help("rename it: addresses on the web are UTF-8")
            })?
            .replace(std::path::MAIN_SEPARATOR, "/");
        keys.push(key);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_published_layout() {
        let kind = |k| Kind::of(k);
        assert_eq!(kind("index.html"), Kind::FrontDoor);
        assert_eq!(kind("en/index.html"), Kind::Page);
        assert_eq!(kind("404.html"), Kind::Page);
        assert_eq!(kind("en/atom.xml"), Kind::Feed);
        assert_eq!(kind("ar/feed.json"), Kind::Feed);
        assert_eq!(kind("sitemap.xml"), Kind::Sitemap);
        assert_eq!(kind("sitemap-2.xml"), Kind::Sitemap);
        assert_eq!(kind("robots.txt"), Kind::Sitemap);
        assert_eq!(kind("style.1a2b3c4d.css"), Kind::Style);
        assert_eq!(kind("news/map.svg"), Kind::File);
        assert_eq!(kind("newsletter/ar/2021-W49.html"), Kind::Page);
        assert_eq!(kind("newsletter/ar/2021-W49.txt"), Kind::Page);
    }

    #[test]
    fn only_content_named_styles_are_immutable() {
        let cache = CacheControl::default();
        let css = b"body{}";
        let hash = xxhash_rust::xxh3::xxh3_64(css) as u32;
        let named = LocalFile::new(format!("style.{hash:08x}.css"), css, &cache);
        assert_eq!(named.cache_control, cache.hashed);
        assert_eq!(named.content_type, "text/css; charset=utf-8");
        let plain = LocalFile::new("extra.css".into(), css, &cache);
        assert_eq!(plain.cache_control, cache.files);
        let page = LocalFile::new("en/index.html".into(), b"<p>", &cache);
        assert_eq!(page.cache_control, cache.pages);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
    }

    #[test]
    fn picture_versions_named_by_their_content_are_immutable_and_originals_are_not() {
        let cache = CacheControl::default();
        let header = |key: &str| LocalFile::new(key.into(), b"x", &cache).cache_control;
        let version = crate::media::version_name(
            "street",
            0x1234_5678_9abc_def0,
            960,
            crate::media::process::Encoding::WebP,
        );
        assert_eq!(version, "street.9abcdef0.960.webp");
        assert_eq!(header(&format!("news/{version}")), cache.hashed);
        assert_eq!(header("news/شارع.0a1b2c3d.480.jpg"), cache.hashed);
        for other in [
            "news/street.jpg",
            "news/street.9abcdef0.webp",
            "news/street.9abcdef.960.webp",
            "news/street.9ABCDEF0.960.webp",
            "news/street.9abcdef0.wide.webp",
            "news/report.9abcdef0.960.pdf",
            "news/.9abcdef0.960.webp",
        ] {
            assert_eq!(header(other), cache.files, "{other}");
        }
    }

    #[test]
    fn only_the_search_pieces_pagefind_names_by_content_are_immutable() {
        let cache = CacheControl::default();
        let header = |key: &str| LocalFile::new(key.into(), b"x", &cache).cache_control;
        for piece in [
            "pagefind/ar/pagefind.ar_796feb28bd.pf_meta",
            "pagefind/ar/fragment/ar_013f0e0.pf_fragment",
            "pagefind/en/index/en_0403f10.pf_index",
            "pagefind/en/filter/en_390b526.pf_filter",
            "pagefind/en/fragment/en_group_1a2b3c4.pf_fragment",
            "pagefind/pt-br/fragment/pt-br_1a2b3c4d.pf_fragment",
        ] {
            assert_eq!(header(piece), cache.hashed, "{piece}");
        }
        for (file, expected) in [
            ("pagefind/ar/pagefind-entry.json", &cache.feeds),
            ("pagefind/ar/pagefind.js", &cache.files),
            ("pagefind/ar/pagefind-worker.js", &cache.files),
            ("pagefind/ar/wasm.ar.pagefind", &cache.files),
            ("pagefind/ar/wasm.unknown.pagefind", &cache.files),
            ("pagefind/ar/pagefind-ui.css", &cache.files),
            // Not a piece: misplaced, misnamed, or outside the bundles.
            ("pagefind/ar/index/ar_0403f10.pf_fragment", &cache.files),
            ("pagefind/ar/fragment/ar_01f0e.pf_fragment", &cache.files),
            ("pagefind/ar/fragment/ar_0zzzzzzz.pf_fragment", &cache.files),
            ("pagefind/ar/fragment/0403f10.pf_fragment", &cache.files),
            ("pagefind/ar_013f0e0.pf_fragment", &cache.files),
            (
                "pagefind/ar/x/fragment/ar_013f0e0.pf_fragment",
                &cache.files,
            ),
            ("news/fragment/ar_013f0e0.pf_fragment", &cache.files),
            ("news/pagefind.ar_796feb28bd.pf_meta", &cache.files),
        ] {
            assert_eq!(&header(file), expected, "{file}");
        }
    }

    #[test]
    fn a_new_cache_header_is_a_new_version() {
        let a = version(b"x", "text/html", "public, max-age=60");
        assert_ne!(a, version(b"x", "text/html", "public, max-age=300"));
        assert_ne!(a, version(b"y", "text/html", "public, max-age=60"));
        assert_eq!(a, version(b"x", "text/html", "public, max-age=60"));
    }
}
