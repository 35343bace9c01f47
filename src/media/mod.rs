//! Pictures and embeds: the `media` stage, between plan and render.
//!
//! ```text
//! parse    content/media.rs   pictures and embeds found in bodies, as tokens
//! media    probe       every picture the site uses: its header read within
//!                      bounds, its content hashed, the versions to publish
//!                      (remembered by file stamp between builds)
//!          publish     the versions not published yet: decoded once,
//!                      resized, encoded as WebP and in the source's format,
//!                      metadata stripped, in parallel; kept in the store by
//!                      content hash and settings
//! render   markup.rs   tokens → <picture> with srcset, click-to-load embeds
//! ```
//!
//! Only pictures that articles use are published (`image:`, `![…](…)`,
//! `<img>`, links to them); the rest of `content/`'s pictures are not.

pub mod markup;
pub mod process;
pub mod source;
pub mod store;
pub mod strip;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::config::Config;
use crate::content::article::Article;
use crate::content::walk::{SourceFile, SourceKind};
use crate::error::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::files::{FileStamp, is_picture_name};
use crate::site::model::Site;
use crate::theme::load::Theme;
use crate::urls::Route;
use markup::Responsive;
use process::{Encoder, Encoding, Kind};
use source::{Probe, Unusable};
use store::Store;

/// The bytes of a picture's files, in the order they were asked for.
type FileBytes = Vec<Arc<[u8]>>;

/// The width of the version that pages offer for sharing (`og:image`).
pub const SHARE_WIDTH: u32 = 1200;

/// The script that plays embeds when they are clicked. It goes with the
/// markup digest writes for them (`data-embed`), so it is digest's, not
/// the theme's; it is published (as `embed.<hash>.js`, never minified as
/// HTML is) only when some page has an embed, and linked only from those.
pub const EMBED_SCRIPT: &str = include_str!("embed.js");

/// The file name of a picture's version: `photo.1a2b3c4d.960.webp`, the
/// source's stem, the first 8 hex digits of its cache key (its content
/// and the encoder's settings), its width and encoding. A replaced
/// photograph or a new encoder setting gives new names, so a version may
/// be cached for good.
pub fn version_name(stem: &str, key: u64, width: u32, encoding: process::Encoding) -> String {
    format!("{stem}.{:08x}.{width}.{}", key as u32, encoding.extension())
}

/// Whether `file_name` is shaped as [`version_name`] makes names.
pub fn is_version_name(file_name: &str) -> bool {
    let mut parts = file_name.rsplitn(4, '.');
    let (Some(ext), Some(width), Some(hash), Some(stem)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    matches!(ext, "webp" | "jpg" | "png")
        && !stem.is_empty()
        && !width.is_empty()
        && width.bytes().all(|b| b.is_ascii_digit())
        && hash.len() == 8
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Where [`EMBED_SCRIPT`] is published: its name carries its content's hash.
pub fn embed_script_route() -> Route {
    let hash = xxh3_64(EMBED_SCRIPT.as_bytes());
    Route::file(
        Vec::<String>::new(),
        &format!("embed.{:08x}.js", hash as u32),
    )
}

/// Bumped whenever the same picture and settings would give other files,
/// so that no stored version made the old way is published.
const VERSION: u64 = 1;

/// What builds remember of picture files: by path, the stamp and content
/// hash they had and their header.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct MediaState {
    files: FxHashMap<PathBuf, Known>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Known {
    stamp: FileStamp,
    hash: u128,
    probe: Probe,
}

/// Every picture the site uses, with the files it is published as.
#[derive(Debug, Default)]
pub struct Media {
    /// Index into `pictures` by address as articles write it.
    by_src: FxHashMap<String, usize>,
    pub pictures: Vec<Picture>,
    /// For each article: a hash of the pictures its card shows (the lead)
    /// and of all the pictures its page shows, for fingerprints.
    pub stamps: Vec<[u64; 2]>,
    encoder: Encoder,
    /// Some page has an embed: the embed script is published.
    pub embeds: bool,
}

/// A picture and its published files.
#[derive(Debug)]
pub struct Picture {
    /// The source, relative to the site's folder: `content/news/photo.jpg`.
    pub source: PathBuf,
    /// Names the picture's content and how it is encoded.
    pub key: u64,
    pub probe: Probe,
    /// The original (when published) first, then the versions, smallest first.
    pub outputs: Vec<Output>,
    pub shown: Responsive,
    /// The version to share (`og:image`): its absolute address and size.
    pub share: Option<Share>,
    /// Where articles use it, for messages.
    pub uses: Vec<Location>,
}

/// A published file of a picture.
#[derive(Debug, Clone)]
pub struct Output {
    pub kind: Kind,
    pub route: Route,
    /// Its name in the store.
    pub stored: String,
    /// A hash of what the file holds: its page's fingerprint.
    pub print: u64,
}

/// A version of a picture for sharing, with its absolute address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

/// Where an article uses a picture.
struct Use<'a> {
    src: &'a str,
    at: Location,
    /// The article's lead (`image:`): shared, so it gets a share version.
    lead: bool,
    /// Only linked to (or raw HTML kept as written): published if it is
    /// there, never an error.
    linked: bool,
}

impl Media {
    /// The picture at an address as articles write it, if digest publishes it.
    pub fn get(&self, src: &str) -> Option<&Picture> {
        self.by_src.get(src).map(|&i| &self.pictures[i])
    }

    /// Its versions, as pages show them.
    pub fn responsive(&self, src: &str) -> Option<&Responsive> {
        self.get(src).map(|p| &p.shown)
    }
}

/// The media stage: every picture `site`'s articles use, among the picture
/// files of the walk (`files`), with the files each is published as.
/// Pictures that are missing or unusable are errors in `problems`.
pub fn stage(
    config: &Config,
    site: &Site,
    files: &[SourceFile],
    theme: Option<&Theme>,
    state: &mut MediaState,
    problems: &mut Diagnostics,
) -> Media {
    let pictures: Vec<SourceFile> = files
        .iter()
        .filter(|f| f.kind == SourceKind::Asset && is_picture_name(&f.rel))
        .cloned()
        .collect();
    let theme_files: FxHashSet<String> = theme
        .iter()
        .flat_map(|t| t.assets.iter().map(|a| a.route.output_path()))
        .collect();
    let (media, found) = probe(config, site, &pictures, &theme_files, state);
    problems.extend(found);
    media
}

/// Finds every picture the site's articles use, reads what is new of them
/// (each file's header, within bounds) and plans the files each is
/// published as. `files` are the picture files of `content/`; `theme_files`
/// the output paths of the theme's static files (which articles may show
/// too, and which are not digest's to process).
pub fn probe(
    config: &Config,
    site: &Site,
    files: &[SourceFile],
    theme_files: &FxHashSet<String>,
    state: &mut MediaState,
) -> (Media, Diagnostics) {
    let encoder = Encoder {
        quality: config.images.quality,
        keep_metadata: config.images.keep_metadata,
    };
    let mut problems = Diagnostics::new();
    let by_rel: FxHashMap<&str, &SourceFile> = files.iter().map(|f| (f.rel.as_str(), f)).collect();
    // Every use of every picture file, by file.
    let mut wanted: Vec<(&SourceFile, Vec<Use>)> = Vec::new();
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_src: FxHashMap<String, usize> = FxHashMap::default();
    let uses = site
        .articles
        .iter()
        .flat_map(|a| uses(a))
        .chain(author_uses(site));
    {
        for u in uses {
            let Some(rel) = content_path(&config.base_url.path, u.src) else {
                continue;
            };
            if !is_picture_name(&rel) || theme_files.contains(&rel) {
                continue;
            }
            let Some(file) = by_rel.get(rel.as_str()) else {
                if !u.linked {
                    let closest = closest(files, &rel);
                    let shown = Path::new("content").join(&rel);
                    problems.push(source::picture_error(
                        &u.at,
                        &shown,
                        &Unusable::Missing { closest },
                    ));
                }
                continue;
            };
            let i = *index.entry(file.rel.as_str()).or_insert_with(|| {
                wanted.push((file, Vec::new()));
                wanted.len() - 1
            });
            by_src.insert(u.src.to_string(), i);
            wanted[i].1.push(u);
        }
    }
    let known = &state.files;
    let probed: Vec<Result<Known, Unusable>> = wanted
        .par_iter()
        .map(|(file, _)| read_header(config, file, known.get(&file.path)))
        .collect();
    let mut pictures = Vec::with_capacity(wanted.len());
    let mut slot = vec![usize::MAX; wanted.len()];
    for (i, ((file, uses), result)) in wanted.iter().zip(probed).enumerate() {
        match result {
            Ok(known) => {
                let roles = Roles {
                    lead: uses.iter().any(|u| u.lead),
                    linked: uses.iter().any(|u| u.linked),
                };
                let uses = uses.iter().map(|u| u.at.clone()).collect();
                slot[i] = pictures.len();
                pictures.push(plan(config, &encoder, file, &known, roles, uses));
                state.files.insert(file.path.clone(), known);
            }
            Err(why) => {
                for u in uses {
                    problems.push(source::picture_error(&u.at, &file.path, &why));
                }
                state.files.remove(&file.path);
            }
        }
    }
    let present: FxHashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    state
        .files
        .retain(|path, _| present.contains(path.as_path()));
    by_src.retain(|_, i| slot[*i] != usize::MAX);
    for i in by_src.values_mut() {
        *i = slot[*i];
    }
    let mut media = Media {
        by_src,
        pictures,
        stamps: Vec::new(),
        encoder,
        embeds: site.articles.iter().any(|a| !a.media.embeds.is_empty()),
    };
    media.stamps = site.articles.iter().map(|a| media.stamp(a)).collect();
    (media, problems)
}

/// Where an article uses pictures: its lead, its body's pictures, and the
/// addresses its body links to.
fn uses(article: &Article) -> Vec<Use<'_>> {
    let at = |line: u32, column: u32| Location::new(&article.path, line as usize, column as usize);
    let mut found = Vec::new();
    if let Some(image) = &article.image {
        found.push(Use {
            src: &image.src,
            at: at(image.line, image.column),
            lead: true,
            linked: false,
        });
    }
    for p in &article.media.pictures {
        found.push(Use {
            src: &p.src,
            at: at(p.line, p.column),
            lead: false,
            linked: false,
        });
    }
    for src in &article.media.linked {
        found.push(Use {
            src,
            at: at(1, 1),
            lead: false,
            linked: true,
        });
    }
    found
}

/// The pictures of the authors the editions show (bylines, author pages
/// and index): published at their own address without their metadata,
/// as linked pictures are; one that is missing is not an error.
fn author_uses(site: &Site) -> impl Iterator<Item = Use<'_>> {
    let file = site.authors.file.as_deref();
    site.editions.iter().flat_map(move |edition| {
        edition.authors.keys().filter_map(move |&a| {
            let lang = edition.lang.as_ref()?;
            let picture = site.authors.get(a).profile(lang)?.picture.as_ref()?;
            Some(Use {
                src: &picture.src,
                at: Location::new(file?, picture.line as usize, picture.column as usize),
                lead: false,
                linked: true,
            })
        })
    })
}

/// The file under `content/` (`news/photo.jpg`) of a root-relative address
/// under the base path (`/digest/news/photo.jpg`); `None` for an address
/// on another site.
pub fn content_path(base_path: &str, src: &str) -> Option<String> {
    let path = src.strip_prefix(base_path)?;
    if src.starts_with("//") {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty() && !decoded.ends_with('/')).then(|| decoded.into_owned())
}

/// The picture file in the same folder whose name is closest to `rel`'s.
fn closest(files: &[SourceFile], rel: &str) -> Option<String> {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let names: Vec<&str> = files
        .iter()
        .filter(|f| f.rel.rsplit_once('/').map_or("", |(d, _)| d) == folder)
        .filter(|f| is_picture_name(&f.rel))
        .map(|f| f.rel.rsplit_once('/').map_or(f.rel.as_str(), |(_, n)| n))
        .collect();
    did_you_mean(name, names).map(str::to_string)
}

/// The header of a picture file: remembered if its stamp (or else its
/// content) is unchanged, else read.
fn read_header(
    config: &Config,
    file: &SourceFile,
    known: Option<&Known>,
) -> Result<Known, Unusable> {
    if let Some(k) = known.filter(|k| k.stamp == file.stamp && !file.stamp.is_recent()) {
        return Ok(k.clone());
    }
    let bytes = std::fs::read(config.root.join(&file.path))
        .map_err(|e| Unusable::Unreadable(crate::error::io_reason(&e)))?;
    let hash = xxhash_rust::xxh3::xxh3_128(&bytes);
    if let Some(k) = known.filter(|k| k.hash == hash) {
        return Ok(Known {
            stamp: file.stamp,
            ..k.clone()
        });
    }
    let probe = source::probe(&bytes)?;
    Ok(Known {
        stamp: file.stamp,
        hash,
        probe,
    })
}

/// How articles use a picture.
#[derive(Clone, Copy)]
struct Roles {
    /// As an article's lead: it is shared, so it gets a share version.
    lead: bool,
    /// Linked to, or shown by raw HTML kept as written: its own file is
    /// published.
    linked: bool,
}

/// The files a picture is published as: each configured width it reaches
/// (or its own width, if it is narrower than all of them) as WebP and in
/// its own format; for a lead picture, a version to share; the original at
/// its own address, without metadata, when something links to it. GIFs
/// (often animated) are published as they are.
fn plan(
    config: &Config,
    encoder: &Encoder,
    file: &SourceFile,
    known: &Known,
    Roles { lead, linked }: Roles,
    uses: Vec<Location>,
) -> Picture {
    let probe = known.probe;
    let key = {
        let mut bytes = known.hash.to_le_bytes().to_vec();
        bytes.extend(serde_json::to_vec(encoder).expect("settings serialize"));
        bytes.extend(VERSION.to_le_bytes());
        xxh3_64(&bytes)
    };
    let (folder, name) = file.rel.rsplit_once('/').unwrap_or(("", &file.rel));
    let folders: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let height_at = |width: u32| {
        ((u64::from(width) * u64::from(probe.height) + u64::from(probe.width) / 2)
            / u64::from(probe.width))
        .max(1) as u32
    };
    let fallback = Encoding::fallback(&probe);
    // The original at its own address only for what links to it (and for
    // GIFs, published as they are): pages show the versions.
    let mut kinds = Vec::new();
    if linked || probe.format == strip::Format::Gif {
        kinds.push(Kind::Original);
    }
    let widths: Vec<u32> = if probe.format == strip::Format::Gif {
        Vec::new()
    } else {
        let fitting: Vec<u32> = config
            .images
            .widths
            .iter()
            .copied()
            .filter(|w| *w <= probe.width)
            .collect();
        if fitting.is_empty() {
            vec![probe.width]
        } else {
            fitting
        }
    };
    for &width in &widths {
        for encoding in [Encoding::WebP, fallback] {
            kinds.push(Kind::Sized {
                width,
                height: height_at(width),
                encoding,
            });
        }
    }
    let share_width = SHARE_WIDTH.min(probe.width);
    if lead && probe.format != strip::Format::Gif && !widths.contains(&share_width) {
        kinds.push(Kind::Sized {
            width: share_width,
            height: height_at(share_width),
            encoding: fallback,
        });
    }
    let outputs: Vec<Output> = kinds
        .iter()
        .map(|&kind| {
            let (file_name, stored) = match kind {
                Kind::Original => (name.to_string(), format!("{key:016x}-original")),
                Kind::Sized {
                    width, encoding, ..
                } => (
                    version_name(stem, key, width, encoding),
                    format!("{key:016x}-{width}.{}", encoding.extension()),
                ),
            };
            let mut print = serde_json::to_vec(&kind).expect("kinds serialize");
            print.extend(key.to_le_bytes());
            Output {
                kind,
                route: Route::file(folders.iter().copied(), &file_name),
                stored,
                print: xxh3_64(&print),
            }
        })
        .collect();
    let href = |o: &Output| o.route.href(&config.base_url);
    let versions = |wanted: Encoding| -> Vec<(&Output, u32)> {
        widths
            .iter()
            .filter_map(|&w| {
                outputs
                    .iter()
                    .find(|o| matches!(o.kind, Kind::Sized { width, encoding, .. } if width == w && encoding == wanted))
                    .map(|o| (o, w))
            })
            .collect()
    };
    let srcset = |list: &[(&Output, u32)]| {
        list.iter()
            .map(|(o, w)| format!("{} {w}w", href(o)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shown = if widths.is_empty() {
        let original = href(&outputs[0]);
        Responsive {
            srcset: format!("{original} {}w", probe.width),
            src: original,
            width: probe.width,
            height: probe.height,
            mime: "image/gif",
            webp: None,
        }
    } else {
        let fallbacks = versions(fallback);
        let largest = *widths.last().expect("at least one width");
        Responsive {
            src: href(fallbacks[(fallbacks.len() - 1) / 2].0),
            width: largest,
            height: height_at(largest),
            srcset: srcset(&fallbacks),
            mime: fallback.mime(),
            webp: Some(srcset(&versions(Encoding::WebP))),
        }
    };
    let share = lead.then(|| {
        outputs
            .iter()
            .find(|o| matches!(o.kind, Kind::Sized { width, encoding, .. } if width == share_width && encoding == fallback))
            .map(|o| Share {
                url: o.route.permalink(&config.base_url),
                width: share_width,
                height: height_at(share_width),
                mime: fallback.mime(),
            })
            .unwrap_or_else(|| Share {
                url: outputs[0].route.permalink(&config.base_url),
                width: probe.width,
                height: probe.height,
                mime: shown.mime,
            })
    });
    Picture {
        source: file.path.clone(),
        key,
        probe,
        outputs,
        shown,
        share,
        uses,
    }
}

impl Media {
    /// What an article shows of pictures: its lead (on cards), and every
    /// picture it shows (on its page and in feeds).
    fn stamp(&self, article: &Article) -> [u64; 2] {
        use xxhash_rust::xxh3::Xxh3;
        let (mut lead, mut all) = (Xxh3::new(), Xxh3::new());
        if let Some(p) = article.image.as_ref().and_then(|i| self.get(&i.src)) {
            lead.update(&p.key.to_le_bytes());
            all.update(&p.key.to_le_bytes());
        }
        for p in article
            .media
            .pictures
            .iter()
            .filter_map(|p| self.get(&p.src))
        {
            all.update(&p.key.to_le_bytes());
        }
        [lead.digest(), all.digest()]
    }

    /// Store names of every version of every picture, for pruning.
    pub fn stored(&self) -> FxHashSet<String> {
        self.pictures
            .iter()
            .flat_map(|p| p.outputs.iter().map(|o| o.stored.clone()))
            .collect()
    }

    /// The bytes of outputs `wanted` of picture `picture`: from the store
    /// when it has them all (and `reuse`), else made from the source, and
    /// then kept in the store. Originals that need no decoding (stripping
    /// metadata is cheap) are not stored. Also says whether the picture was
    /// decoded.
    pub fn render(
        &self,
        config: &Config,
        picture: &Picture,
        wanted: &[usize],
        store: &Store,
        reuse: bool,
    ) -> Result<(FileBytes, bool), Diagnostic> {
        let fail = |why: &Unusable| source::picture_error(&picture.uses[0], &picture.source, why);
        let cheap = |i: usize| {
            picture.outputs[i].kind == Kind::Original
                && (picture.probe.orientation == 1
                    || self.encoder.keep_metadata
                    || picture.probe.format == strip::Format::Gif)
        };
        let mut found: Vec<Option<Arc<[u8]>>> = vec![None; wanted.len()];
        if reuse {
            for (slot, &i) in found.iter_mut().zip(wanted) {
                if !cheap(i) {
                    *slot = store.get(&picture.outputs[i].stored);
                }
            }
        }
        if found.iter().all(Option::is_some) {
            return Ok((found.into_iter().flatten().collect(), false));
        }
        let bytes = std::fs::read(config.root.join(&picture.source))
            .map_err(|e| fail(&Unusable::Unreadable(crate::error::io_reason(&e))))?;
        // A picture is decoded once for all its versions, so that the
        // store has every one of them for the next time.
        let decode = wanted
            .iter()
            .zip(&found)
            .any(|(&i, f)| f.is_none() && !cheap(i));
        let todo: Vec<usize> = (0..picture.outputs.len())
            .filter(|&i| {
                let missing = wanted
                    .iter()
                    .zip(&found)
                    .any(|(&w, f)| w == i && f.is_none());
                (decode && !cheap(i)) || (missing && cheap(i))
            })
            .collect();
        let kinds: Vec<Kind> = todo.iter().map(|&i| picture.outputs[i].kind).collect();
        let made = process::render(&bytes, &picture.probe, &kinds, &self.encoder)
            .map_err(|why| fail(&why))?;
        for (&i, made) in todo.iter().zip(made) {
            let made: Arc<[u8]> = Arc::from(made);
            if !cheap(i) {
                store.put(&picture.outputs[i].stored, &made);
            }
            for (slot, _) in found.iter_mut().zip(wanted).filter(|(_, w)| **w == i) {
                *slot = Some(made.clone());
            }
        }
        Ok((
            found.into_iter().map(|f| f.expect("made")).collect(),
            decode,
        ))
    }
}

/// The files of pictures as the publish stage asks for them: taken from
/// the store, or made (and counted).
pub struct Pictures<'a> {
    config: &'a Config,
    media: &'a Media,
    store: Store,
    /// Take versions from the store (not with `--force`).
    reuse: bool,
    processed: AtomicUsize,
}

impl<'a> Pictures<'a> {
    /// `folder`: the picture store on disk, if the build has one; else
    /// `memory`, the store a process keeps between its builds.
    pub fn new(
        config: &'a Config,
        media: &'a Media,
        folder: Option<&Path>,
        memory: &Store,
        reuse: bool,
    ) -> Pictures<'a> {
        Pictures {
            config,
            media,
            store: folder.map_or_else(|| memory.clone(), |dir| Store::Dir(dir.to_path_buf())),
            reuse,
            processed: AtomicUsize::new(0),
        }
    }

    /// The bytes of outputs `outputs` of picture `picture`, in order.
    pub fn render(&self, picture: usize, outputs: &[usize]) -> Result<Vec<Arc<[u8]>>, Diagnostic> {
        let picture = &self.media.pictures[picture];
        let (made, decoded) =
            self.media
                .render(self.config, picture, outputs, &self.store, self.reuse)?;
        if decoded {
            self.processed.fetch_add(1, Ordering::Relaxed);
        }
        Ok(made)
    }

    /// After the build: forgets stored versions no picture uses any more
    /// (once it `published`), and says how many pictures were processed.
    pub fn finish(self, published: bool) -> usize {
        if published {
            let stored = self.media.stored();
            self.store.prune(|name| stored.contains(name));
        }
        self.processed.into_inner()
    }
}
