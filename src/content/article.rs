//! The article: one Markdown file of one edition, parsed and typed.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::config::Lang;
use crate::dates::PubDate;

/// A topic as the article names it, with where it does so.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagRef {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// Where the story first appeared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceLink {
    pub name: String,
    pub url: Option<String>,
}

/// The article's lead image. `src` is already a root-relative or absolute URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

/// One article in one language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// The source file, relative to the site root.
    pub path: PathBuf,
    pub lang: Lang,
    /// The folders between `content/` and the file, `/`-separated.
    pub section: String,
    /// The file name without language and extension: translations share it.
    pub stem: String,
    /// The last URL segment: the front matter's `slug`, else the stem.
    pub slug: String,
    /// Where the front matter's `slug` value is (line, column), if it has one.
    pub slug_at: Option<(u32, u32)>,
    pub title: String,
    pub date: PubDate,
    pub updated: Option<PubDate>,
    /// Plain text: the front matter's `summary`, else the first paragraph.
    pub summary: String,
    /// Whether `summary` was written by the editor (not taken from the body).
    pub has_summary: bool,
    pub tags: Vec<TagRef>,
    pub author: Option<String>,
    pub source: Option<SourceLink>,
    pub image: Option<Image>,
    pub draft: bool,
    pub words: u32,
    /// A hash of the file's path and bytes: changes whenever the file does.
    pub version: u64,
    /// The rendered body; filled when parsed, or on demand for an article
    /// that came from the build cache.
    #[serde(skip)]
    pub body: OnceLock<Arc<str>>,
}

impl Article {
    /// The key translations share: section and stem.
    pub fn translation_key(&self) -> (&str, &str) {
        (&self.section, &self.stem)
    }

    /// The last time the article changed: `updated`, else `date`.
    pub fn modified(&self) -> PubDate {
        self.updated.unwrap_or(self.date)
    }
}

/// Index of an article in the site's newest-first list
/// ([`Site::articles`](crate::site::model::Site::articles)).
pub type ArticleId = usize;
