//! Processed pictures, kept by content hash and settings, so that no
//! picture is processed twice.
//!
//! `digest build` and `digest serve` keep them in `.digest-cache/media/`
//! under the site's folder: a preview started after a build (or a build
//! after a preview) finds every picture already made. Entries are named by
//! what they hold (the source's content hash and the encoder's settings,
//! then the version), written to a temporary name and renamed, so builds
//! and previews can share the folder. Without a folder (tests, tools) they
//! are kept in memory for the builds of the process.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Entries no build used for this long are removed.
const UNUSED_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// Where processed pictures are kept.
#[derive(Debug, Clone)]
pub enum Store {
    Dir(PathBuf),
    Memory(Arc<Mutex<HashMap<String, Arc<[u8]>>>>),
}

impl Default for Store {
    fn default() -> Self {
        Store::Memory(Arc::default())
    }
}

impl Store {
    fn path(dir: &Path, name: &str) -> PathBuf {
        dir.join(&name[..2]).join(name)
    }

    /// The bytes of entry `name`, if kept; the entry counts as used now.
    pub fn get(&self, name: &str) -> Option<Arc<[u8]>> {
        match self {
            Store::Dir(dir) => {
                let path = Store::path(dir, name);
                let bytes = fs::read(&path).ok()?;
                if let Ok(file) = fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(Arc::from(bytes))
            }
            Store::Memory(map) => map.lock().expect("not poisoned").get(name).cloned(),
        }
    }

    /// Keeps `bytes` as entry `name`. Best effort: a store that cannot be
    /// written only means the work is done again next time.
    pub fn put(&self, name: &str, bytes: &[u8]) {
        match self {
            Store::Dir(dir) => {
                let path = Store::path(dir, name);
                let write = || -> io::Result<()> {
                    fs::create_dir_all(path.parent().expect("in a folder"))?;
                    // Unique to this write: two pictures with the same
                    // content may be stored at once.
                    static WRITES: std::sync::atomic::AtomicU64 =
                        std::sync::atomic::AtomicU64::new(0);
                    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
                    fs::write(&tmp, bytes)?;
                    fs::rename(&tmp, &path)
                };
                let _ = write();
            }
            Store::Memory(map) => {
                map.lock()
                    .expect("not poisoned")
                    .insert(name.to_string(), Arc::from(bytes));
            }
        }
    }

    /// Forgets entries whose names `in_use` rejects: in memory at once; on
    /// disk once no build has written them for a week (another output
    /// folder, or a preview with drafts, may still want them).
    pub fn prune(&self, in_use: impl Fn(&str) -> bool) {
        match self {
            Store::Memory(map) => map
                .lock()
                .expect("not poisoned")
                .retain(|name, _| in_use(name)),
            Store::Dir(dir) => {
                let now = SystemTime::now();
                let Ok(folders) = fs::read_dir(dir) else {
                    return;
                };
                for folder in folders.flatten() {
                    let Ok(entries) = fs::read_dir(folder.path()) else {
                        continue;
                    };
                    for entry in entries.flatten() {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if in_use(&name) {
                            continue;
                        }
                        let old = entry
                            .metadata()
                            .and_then(|m| m.modified())
                            .ok()
                            .and_then(|t| now.duration_since(t).ok())
                            .is_some_and(|age| age > UNUSED_FOR);
                        if old {
                            let _ = fs::remove_file(entry.path());
                        }
                    }
                }
            }
        }
    }
}
