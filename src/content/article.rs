//! The article: one Markdown file of one edition, parsed and typed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::config::Lang;
use crate::dates::PubDate;

/// A name as the article writes it (a topic in `tags`, an author in
/// `authors`), with where it does so.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagRef {
    pub text: String,
    pub line: u32,
    pub column: u32,
}

/// An author as the article names them: by key or by name.
pub type AuthorRef = TagRef;

/// A correction published with the story.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Correction {
    pub date: PubDate,
    /// The correction's Markdown, rendered.
    pub html: String,
    /// The same without markup, for structured data.
    pub text: String,
}

/// Where the story first appeared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceLink {
    pub name: String,
    pub url: Option<String>,
}

/// The article's lead picture. `src` is already a root-relative or
/// absolute URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    /// Empty for a decorative picture (`alt: ""`) and, with a warning, for
    /// one whose `alt` is missing.
    pub alt: String,
    /// What the picture shows, under it.
    pub caption: Option<String>,
    /// Who took it: shown after the edition's word for it ("Photo:").
    pub credit: Option<String>,
    /// Where `src` is written, for messages about the picture.
    pub line: u32,
    pub column: u32,
}

/// An address inside the site that an article leads to (a link, an
/// inline picture, its lead image), with where it is written: what the
/// plan checks against the pages the build publishes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// As the editor wrote it.
    pub written: String,
    pub target: LinkTarget,
    pub kind: LinkKind,
    pub line: u32,
    pub column: u32,
}

/// What leads to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    /// A link in the body.
    Link,
    /// A picture in the body.
    Picture,
    /// The front matter's `image`.
    LeadImage,
}

/// Where a [`Link`] leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkTarget {
    /// A root-relative address under the base path, percent-encoded as
    /// the page has it: `/digest/ar/news/x/#background`.
    Address(String),
    /// Another article, by its source file relative to `content/`
    /// (`news/x.ar.md`), with the fragment written after it.
    Source {
        path: String,
        fragment: Option<String>,
    },
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
    /// When it was published; every story has one, a standalone page
    /// (about, contact) may not.
    pub date: Option<PubDate>,
    pub updated: Option<PubDate>,
    /// Plain text: the front matter's `summary`, else the first paragraph.
    pub summary: String,
    /// Whether `summary` was written by the editor (not taken from the body).
    pub has_summary: bool,
    /// Whether the editor's `summary` only repeats the body's first
    /// paragraph (or its opening words): the page then shows it once.
    pub summary_repeats_body: bool,
    pub tags: Vec<TagRef>,
    /// Its bylines, in the order written.
    pub authors: Vec<AuthorRef>,
    /// In the order written.
    pub corrections: Vec<Correction>,
    pub source: Option<SourceLink>,
    pub image: Option<Image>,
    /// The pictures and embeds of the body.
    pub media: crate::content::media::BodyMedia,
    pub draft: bool,
    pub words: u32,
    /// Every internal address the article leads to (see [`Link`]).
    pub links: Vec<Link>,
    /// The ids a link may point at with `#…`: headings, footnotes and
    /// `id`s in raw HTML.
    pub anchors: Vec<String>,
    /// A hash of the file's path and bytes: changes whenever the file does.
    pub version: u64,
    /// The rendered body, kept from parsing (or from its first rendering,
    /// for an article that came from the build cache) while the build's
    /// [`BodyBudget`] allows; otherwise rendered again from the file each
    /// time a page needs it.
    #[serde(skip)]
    pub body: OnceLock<Arc<str>>,
}

/// How many bytes of rendered bodies a build keeps in memory: the first
/// bodies rendered are kept up to the budget, the others are rendered again
/// from their files when a page needs them. A site of a few thousand
/// stories keeps all of its bodies (ten thousand stories render 156 MB of
/// them); one of a hundred thousand keeps its memory bounded (bodies were
/// half of its peak) for about a tenth more CPU.
#[derive(Debug)]
pub struct BodyBudget(AtomicUsize);

/// The default [`BodyBudget`].
pub const KEPT_BODIES: usize = 64 << 20;

impl BodyBudget {
    pub fn new(bytes: usize) -> BodyBudget {
        BodyBudget(AtomicUsize::new(bytes))
    }

    /// Whether a body of `len` bytes may be kept, counting it if so.
    pub fn take(&self, len: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(len)
            })
            .is_ok()
    }

    /// `html` as an article keeps it: held while the budget allows.
    pub fn keep(&self, html: Arc<str>) -> OnceLock<Arc<str>> {
        if self.take(html.len()) {
            OnceLock::from(html)
        } else {
            OnceLock::new()
        }
    }
}

impl Article {
    /// The key translations share: section and stem.
    pub fn translation_key(&self) -> (&str, &str) {
        (&self.section, &self.stem)
    }

    /// Whether a link names another article by its source file: its body
    /// is then completed with their addresses when a page shows it.
    pub fn links_by_source(&self) -> bool {
        self.links
            .iter()
            .any(|l| matches!(l.target, LinkTarget::Source { .. }))
    }

    /// The last time the article changed: the latest of its date, its
    /// `updated` and its corrections.
    pub fn modified(&self) -> Option<PubDate> {
        let corrections = self.corrections.iter().map(|c| c.date);
        [self.date, self.updated]
            .into_iter()
            .flatten()
            .chain(corrections)
            .max_by_key(|d| d.seconds)
    }

    /// Whether it is a standalone page (a file directly in `content/`:
    /// about, contact), which is in no list or feed and shows no byline,
    /// date or reading time.
    pub fn is_page(&self) -> bool {
        self.section.is_empty()
    }
}

/// Index of an article in the site's newest-first list
/// ([`Site::articles`](crate::site::model::Site::articles)).
pub type ArticleId = usize;
