//! What builds remember, split by purpose:
//!
//! - [`Saved`]: what one build passes to the next, which `digest build`
//!   keeps in `.digest-cache/<output>/` (the parsed articles, the related
//!   stories, the headers of picture files, the fingerprints of the
//!   published files and of the spare, the published search bundles);
//! - [`Warm`]: what only a running process keeps, in memory, for the next
//!   build it makes (`digest serve`): the last walk, theme, site model and
//!   plan, the minified partials, and processed pictures when builds have
//!   no picture store on disk.
//!
//! Each stage owns the type of what it keeps; these only hold them. A
//! cache from another version of digest, or one that cannot be read, is
//! ignored: the build is then a cold one.

use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::content::articles::ArticleCache;
use crate::content::walk::Walk;
use crate::files::{load_versioned, save_versioned};
use crate::html::minify::Minifier;
use crate::media::MediaState;
use crate::media::store::Store;
use crate::output::fingerprint::FingerprintMemo;
use crate::output::links::LinksMemo;
use crate::output::plan::PlanMemo;
use crate::publish::protocol::PublishState;
use crate::search::SearchState;
use crate::site::model::SiteMemo;
use crate::site::related::RelatedMemo;
use crate::theme::load::Theme;

/// What a build passes to the next one, saved between `digest build`s.
#[derive(Debug, Default)]
pub struct Saved {
    pub articles: ArticleCache,
    pub related: RelatedMemo,
    pub media: MediaState,
    pub publish: PublishState,
    pub search: SearchState,
}

/// The file of the parse stage's cache and the related stories.
const ARTICLES_FILE: &str = "articles.bin";

/// The file of what the media stage read of picture files.
const MEDIA_FILE: &str = "media.bin";

impl Saved {
    /// Loads what was saved in `dir`, or nothing.
    pub fn load(dir: &Path) -> Saved {
        let (articles, related) = load_versioned(&dir.join(ARTICLES_FILE)).unwrap_or_default();
        Saved {
            articles,
            related,
            media: load_versioned(&dir.join(MEDIA_FILE)).unwrap_or_default(),
            publish: PublishState::load(dir),
            search: SearchState::load(dir),
        }
    }

    /// Saves everything atomically, file by file (write, then rename).
    /// `published`: whether the build published anything (an up-to-date
    /// build leaves the publish state as it was loaded).
    pub fn save(&self, dir: &Path, published: bool) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        // Unchanged parses and related stories (a no-op build) are not
        // encoded again: 144 MB at 100,000 stories.
        let articles = dir.join(ARTICLES_FILE);
        if self.articles.changed() || self.related.changed() || !articles.exists() {
            save_versioned(&articles, &(&self.articles, &self.related))?;
        }
        save_versioned(&dir.join(MEDIA_FILE), &self.media)?;
        self.search.save(dir)?;
        if published || !dir.join(crate::publish::protocol::STATE_FILE).exists() {
            self.publish.save(dir)?;
        }
        Ok(())
    }
}

/// What a process keeps in memory between the builds it makes.
#[derive(Debug, Default)]
pub struct Warm {
    pub walk: Option<Arc<Walk>>,
    pub theme: Option<Arc<Theme>>,
    pub site: Option<SiteMemo>,
    pub plan: Option<PlanMemo>,
    pub links: LinksMemo,
    pub fingerprints: Option<FingerprintMemo>,
    pub minifier: Minifier,
    /// Processed pictures, for builds given no folder to keep them in.
    pub pictures: Store,
}
