//! Source files as a build sees them before reading them: stamps that tell
//! cheaply whether a file changed, the names editors' tools leave behind,
//! the files copied as they are, and what a caller says changed.

use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::Serialize;
use serde::de::DeserializeOwned;

use xxhash_rust::xxh3::Xxh3;

use crate::urls::Route;

/// What tells us cheaply whether a file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    pub size: u64,
    pub modified_ns: i128,
}

impl FileStamp {
    /// Whether the file changed so recently that another write in the same
    /// clock tick could have left size and time as they are: such a stamp
    /// proves nothing, and the file's contents are checked instead.
    pub fn is_recent(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        now - self.modified_ns < 2_000_000_000
    }

    pub fn of(metadata: &std::fs::Metadata) -> FileStamp {
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        FileStamp {
            size: metadata.len(),
            modified_ns,
        }
    }
}

include!("ignored.rs");

/// File name endings of pictures: the media stage publishes them as the
/// articles that use them need (and not at all if none does), instead of
/// copying them. SVG is drawn, not photographed: it is copied as it is.
const PICTURE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "jpe", "png", "webp", "gif", "avif", "heic", "heif", "tif", "tiff", "bmp",
];

/// Whether a file's name (or an address's path) says it is a picture.
pub fn is_picture_name(name: &str) -> bool {
    let path = name.split(['?', '#']).next().unwrap_or(name);
    path.rsplit_once('.').is_some_and(|(_, ext)| {
        PICTURE_EXTENSIONS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// A relative path with `/` separators, as addresses use them.
pub fn to_slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A static file to copy, and the name it is published under.
#[derive(Debug, Clone)]
pub struct AssetFile {
    pub source: AssetSource,
    pub route: Route,
    /// Content hash (theme files) or size-and-time stamp (content files).
    pub hash: u64,
}

impl AssetFile {
    pub fn from_stamp(source: PathBuf, route: Route, stamp: FileStamp) -> AssetFile {
        let mut h = Xxh3::new();
        h.update(&stamp.size.to_le_bytes());
        h.update(&stamp.modified_ns.to_le_bytes());
        AssetFile {
            source: AssetSource::File(source),
            route,
            hash: h.digest(),
        }
    }
}

/// Where a file copied as it is comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum AssetSource {
    /// A file on disk: its absolute path.
    File(PathBuf),
    /// A file inside the binary: the built-in theme's static files, by
    /// their path in the theme (`static/style.css`).
    BuiltIn {
        name: &'static str,
        bytes: &'static [u8],
    },
}

impl AssetSource {
    /// The file on disk, if the source is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            AssetSource::File(path) => Some(path),
            AssetSource::BuiltIn { .. } => None,
        }
    }
}

impl std::fmt::Display for AssetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssetSource::File(path) => write!(f, "{}", path.display()),
            AssetSource::BuiltIn { name, .. } => write!(f, "{name} of the built-in theme"),
        }
    }
}

impl std::fmt::Debug for AssetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssetSource::File(path) => f.debug_tuple("File").field(path).finish(),
            AssetSource::BuiltIn { name, bytes } => f
                .debug_struct("BuiltIn")
                .field("name", name)
                .field("len", &bytes.len())
                .finish(),
        }
    }
}

/// What changed since the last build, as far as the caller knows: the
/// paths `digest serve`'s watcher reported (relative to the site's root),
/// or nothing known (`digest build`, which checks every file itself).
#[derive(Debug, Clone, Copy, Default)]
pub struct Changes<'a> {
    paths: Option<&'a [PathBuf]>,
    force: bool,
}

impl<'a> Changes<'a> {
    /// `paths`: the changed files, when known; `force`: reuse nothing.
    pub fn new(paths: Option<&'a [PathBuf]>, force: bool) -> Changes<'a> {
        Changes { paths, force }
    }

    /// The changed paths, when the caller knows them.
    pub fn paths(&self) -> Option<&'a [PathBuf]> {
        self.paths.filter(|_| !self.force)
    }

    /// Whether the changes are known and every one is of a kind: what lets
    /// a stage reuse what it made last time.
    pub fn all(&self, kind: impl Fn(&Path) -> bool) -> bool {
        self.paths()
            .is_some_and(|paths| paths.iter().all(|p| kind(p)))
    }
}

/// Bumped whenever the shape or meaning of a saved cache file changes.
const FORMAT: u32 = 4;

/// Saves `value` at `path` atomically (write, then rename), marked with the
/// cache format and the program that wrote it.
pub fn save_versioned<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(&(FORMAT, crate::hash::program_id(), value))
        .map_err(|e| io::Error::other(format!("could not encode the build cache: {e}")))?;
    // A build that changed nothing saves what it loaded: 175 MB at 100,000
    // stories, not written again.
    if holds(path, &bytes) {
        return Ok(());
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

/// Serializes a hash map with its entries in the order of their keys'
/// bytes (`#[serde(serialize_with = "in_key_order")]`): the same contents
/// always make the same bytes, so that [`save_versioned`] can tell that
/// nothing changed. A hash map's own order depends on how it was filled.
pub fn in_key_order<S, K, V, H>(
    map: &std::collections::HashMap<K, V, H>,
    s: S,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    K: KeyBytes + Serialize,
    V: Serialize,
{
    KeyOrder(map).serialize(s)
}

/// [`in_key_order`] for a map that may be absent.
pub fn in_key_order_if_any<S, K, V, H>(
    map: &Option<std::collections::HashMap<K, V, H>>,
    s: S,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    K: KeyBytes + Serialize,
    V: Serialize,
{
    map.as_ref().map(KeyOrder).serialize(s)
}

/// A hash map that serializes its entries in the order of their keys'
/// bytes.
struct KeyOrder<'a, K, V, H>(&'a std::collections::HashMap<K, V, H>);

impl<K: KeyBytes + Serialize, V: Serialize, H> Serialize for KeyOrder<'_, K, V, H> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&K, &V)> = self.0.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.key_bytes().cmp(b.0.key_bytes()));
        s.collect_map(entries)
    }
}

/// The bytes [`in_key_order`] orders a key by.
pub trait KeyBytes {
    fn key_bytes(&self) -> &[u8];
}

impl KeyBytes for String {
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl KeyBytes for std::path::PathBuf {
    fn key_bytes(&self) -> &[u8] {
        self.as_os_str().as_encoded_bytes()
    }
}

/// Whether the file at `path` holds exactly `bytes`, read a piece at a
/// time.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut piece = vec![0; 1 << 20];
    let mut rest = bytes;
    while !rest.is_empty() {
        let want = piece.len().min(rest.len());
        if file.read_exact(&mut piece[..want]).is_err() || piece[..want] != rest[..want] {
            return false;
        }
        rest = &rest[want..];
    }
    true
}

/// What [`save_versioned`] saved at `path`, if this program of this
/// format saved it and it reads back.
pub fn load_versioned<T: DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    match postcard::from_bytes::<(u32, String, T)>(&bytes) {
        Ok((FORMAT, program, value)) if program == crate::hash::program_id() => Some(value),
        _ => None,
    }
}

/// A file a stage made itself rather than a page to render (a search
/// index's pieces): its bytes, or `None` when the copy already published
/// with this fingerprint is kept.
#[derive(Debug, Clone)]
pub struct MadeFile {
    /// From the output's root: `pagefind/ar/fragment/ar_1a2b3c4.pf_fragment`.
    pub path: String,
    /// A hash of the bytes.
    pub fingerprint: u128,
    pub bytes: Option<std::sync::Arc<[u8]>>,
}

/// The files other stages make beside the pages: known before the pages
/// are written, or made while they are (the search indexes, the slowest
/// work of a build, are built alongside the pages).
pub trait Made: Sync {
    /// The files, if every one is known now.
    fn known(&self) -> Option<&[MadeFile]>;
    /// The files once all are made: waits for those still being made. What
    /// could not be made is a problem of the build, which then publishes
    /// nothing.
    fn wait(&self) -> Result<&[MadeFile], crate::error::Diagnostics>;
}

impl Made for Vec<MadeFile> {
    fn known(&self) -> Option<&[MadeFile]> {
        Some(self)
    }

    fn wait(&self) -> Result<&[MadeFile], crate::error::Diagnostics> {
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn saving_what_is_already_saved_leaves_the_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.bin");
        let inode = || std::fs::metadata(&path).unwrap().ino();
        save_versioned(&path, &vec!["one".to_string()]).unwrap();
        let first = inode();
        save_versioned(&path, &vec!["one".to_string()]).unwrap();
        assert_eq!(inode(), first, "the same value is not written again");
        save_versioned(&path, &vec!["two".to_string()]).unwrap();
        assert_ne!(inode(), first, "a new value replaces the file");
        assert_eq!(load_versioned::<Vec<String>>(&path).unwrap(), ["two"]);
        // Same length, other bytes.
        save_versioned(&path, &vec!["owt".to_string()]).unwrap();
        assert_eq!(load_versioned::<Vec<String>>(&path).unwrap(), ["owt"]);
    }

    #[derive(Serialize)]
    struct Kept(
        #[serde(serialize_with = "in_key_order")] rustc_hash::FxHashMap<String, u32>,
        #[serde(serialize_with = "in_key_order_if_any")] Option<rustc_hash::FxHashMap<String, u32>>,
    );

    #[test]
    fn maps_saved_in_key_order_make_the_same_bytes_however_they_were_filled() {
        let filled = |keys: &mut dyn Iterator<Item = u32>| {
            let mut map = rustc_hash::FxHashMap::default();
            for k in keys {
                map.insert(format!("page-{k}"), k);
            }
            map
        };
        let up = filled(&mut (0..500));
        let mut down = filled(&mut (0..2000).rev());
        down.retain(|_, k| *k < 500);
        assert_ne!(
            up.keys().collect::<Vec<_>>(),
            down.keys().collect::<Vec<_>>(),
            "the maps iterate in different orders"
        );
        let bytes = |kept: &Kept| postcard::to_stdvec(kept).unwrap();
        assert_eq!(
            bytes(&Kept(up.clone(), Some(up.clone()))),
            bytes(&Kept(down.clone(), Some(down)))
        );
        assert_ne!(
            bytes(&Kept(up.clone(), None)),
            bytes(&Kept(up.clone(), Some(up)))
        );
    }
}
