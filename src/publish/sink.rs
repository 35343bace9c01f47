//! Where finished pages go. Only this module touches `public/`.
//!
//! A [`Sink`] stages a build's files and publishes them all at once:
//!
//! - [`DirSink`] (`digest build`) keeps a spare copy of the site next to
//!   `public/` (double buffering). A build brings the spare up to date,
//!   writing only the pages whose fingerprints changed and hard-linking the
//!   rest from `public/`, then swaps the two folders with one atomic
//!   `renameat2(RENAME_EXCHANGE)`. A build that fails or is killed never
//!   touches `public/`; the old site becomes the next build's spare, so
//!   nothing is ever copied or deleted in bulk. A build that starts with
//!   no spare it can use (the first one, or after a killed build) writes
//!   every file anyway, and hard-links each into a *mirror* as it goes:
//!   the mirror becomes the spare, holding the site just published, so
//!   the next build (the first edit) touches only what it changes.
//! - [`MemorySink`] (`digest serve`) keeps the site in memory; a rebuild's
//!   pages become visible together, and a failed rebuild changes nothing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::publish::space::{self, Target};

/// Path (relative to the output root, `/`-separated) → page fingerprint.
pub type Manifest = rustc_hash::FxHashMap<String, u128>;

/// Receives a build's files.
pub trait Sink: Sync {
    /// Called before the first file: returns what the staging area already
    /// holds (files with these fingerprints need no work).
    fn prepare<'a>(
        &mut self,
        published: &'a Manifest,
        spare: Option<&'a Manifest>,
    ) -> io::Result<Cow<'a, Manifest>>;
    /// Stages the published version of `path` unchanged. `false` if there
    /// is none to keep (the caller then renders the page).
    fn keep(&self, path: &str) -> io::Result<bool>;
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    fn copy(&self, path: &str, source: &Path) -> io::Result<()>;
    /// Removes a file the new site no longer has.
    fn remove(&self, path: &str) -> io::Result<()>;
    /// Makes the staged site the published one, all at once.
    fn publish(&mut self) -> io::Result<()>;
    /// Forgets the staged files; the published site stays as it was.
    fn discard(&mut self);
    /// Whether the published site is exactly what the last publish left
    /// (so a build that changes nothing can skip staging altogether).
    fn is_intact(&self) -> bool;
    /// After `publish`: what the sink's spare copy holds.
    fn spare_after_publish(&self) -> Spare;
    /// Where the sink writes on disk and how much it was given to write
    /// since `prepare`: for the message when the disk refuses the build.
    fn target(&self) -> Option<Target> {
        None
    }
}

/// What a sink's spare copy holds after a publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spare {
    /// The sink keeps no spare.
    None,
    /// The site that was published before (the folders were swapped).
    Previous,
    /// The site just published (a mirror was made while writing it).
    Published,
}

/// Writes into a spare folder and swaps it with the output folder.
pub struct DirSink {
    output: PathBuf,
    spare: PathBuf,
    /// The identity of the output folder when it was last published.
    published_id: Option<(u64, u64)>,
    /// The spare started empty this build: nothing to replace, and every
    /// folder a page needs is new.
    fresh: bool,
    /// Folders known to exist in the spare (and the mirror) of a fresh
    /// build, so each is made with one `mkdir` and never asked about again.
    made_dirs: Mutex<rustc_hash::FxHashSet<PathBuf>>,
    /// Where every staged file is hard-linked as it is written, when the
    /// build started from an empty spare and the published site will not
    /// serve as the next one (there is none, or its contents are unknown).
    mirror: Option<PathBuf>,
    /// The last publish turned the mirror into the spare.
    mirrored: bool,
    /// Deletes folders nobody needs any more (a spare of unknown contents,
    /// leftovers of killed builds) while the build goes on.
    cleaners: Vec<std::thread::JoinHandle<()>>,
    /// Bytes given to `write` and `copy` since `prepare`, in whole blocks.
    needed: AtomicU64,
    /// The disk refused a file (full, over quota, read-only).
    refused: AtomicBool,
    /// Held for the sink's lifetime: one build per output at a time.
    lock: fs::File,
}

impl DirSink {
    /// Prepares to write `output`; `cache_dir` (the output's own) holds the
    /// spare and the lock. Fails with [`io::ErrorKind::WouldBlock`] if
    /// another build holds the lock (its message names the holder's
    /// process id). Recovers from a swap that was interrupted half-way.
    ///
    /// The lock is an advisory lock on the lock file (`flock`): the system
    /// releases it when its holder exits or is killed, so a killed build
    /// never blocks the next. The file holds the holder's process id, for
    /// the message.
    pub fn new(output: &Path, cache_dir: &Path) -> io::Result<DirSink> {
        fs::create_dir_all(cache_dir)?;
        let mut lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(DirSink::lock_path(cache_dir))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "another build holds the lock",
                ));
            }
            Err(fs::TryLockError::Error(err)) => return Err(err),
        }
        // The holder's id, for a build that has to wait (best effort: the
        // lock itself is what counts).
        let _ = lock
            .set_len(0)
            .and_then(|()| writeln!(lock, "{}", std::process::id()));
        let mut sink = DirSink {
            output: output.to_path_buf(),
            spare: cache_dir.join("spare"),
            published_id: None,
            fresh: false,
            made_dirs: Mutex::default(),
            mirror: None,
            mirrored: false,
            cleaners: Vec::new(),
            needed: AtomicU64::new(0),
            refused: AtomicBool::new(false),
            lock,
        };
        sink.recover_interrupted_swap()?;
        for entry in fs::read_dir(cache_dir)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with("trash-") {
                sink.delete_in_background(entry.path());
            }
        }
        // A mirror a killed build left half made.
        let mirror = sink.mirror_path();
        if mirror.exists() {
            sink.discard_dir(&mirror)?;
        }
        Ok(sink)
    }

    /// Waits for the folders being deleted in the background (a spare of
    /// unknown contents, leftovers of killed builds), so that the time they
    /// take is the build's (`--timings` shows it as "cleanup").
    pub fn finish(&mut self) {
        for cleaner in self.cleaners.drain(..) {
            let _ = cleaner.join();
        }
    }

    fn mirror_path(&self) -> PathBuf {
        self.spare.with_file_name("mirror")
    }

    /// Makes folder `dir` (and those above it) unless this build made it
    /// already: one `mkdir` per new folder, none per file.
    fn ensure_dir(&self, dir: &Path) -> io::Result<()> {
        if self.made_dirs.lock().expect("not poisoned").contains(dir) {
            return Ok(());
        }
        match fs::create_dir(dir) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir)?,
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err(err) => return Err(err),
        }
        self.made_dirs
            .lock()
            .expect("not poisoned")
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// Hard-links the staged file `path` into the mirror, if one is made.
    fn mirror_file(&self, path: &str) -> io::Result<()> {
        let Some(mirror) = &self.mirror else {
            return Ok(());
        };
        let target = mirror.join(path);
        if let Some(parent) = target.parent() {
            self.ensure_dir(parent)?;
        }
        fs::hard_link(self.staged(path), target)
    }

    /// Removes a folder on another thread: deleting a whole site takes
    /// long, and nothing waits for it but the end of the build.
    fn delete_in_background(&mut self, dir: PathBuf) {
        self.cleaners.push(std::thread::spawn(move || {
            // Best effort: whatever is left is retried by the next build.
            let _ = fs::remove_dir_all(dir);
        }));
    }

    /// Moves `dir` out of the way (a rename) and deletes it in the background.
    fn discard_dir(&mut self, dir: &Path) -> io::Result<()> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let trash = dir.with_file_name(format!("trash-{}-{nanos}", std::process::id()));
        fs::rename(dir, &trash)?;
        self.delete_in_background(trash);
        Ok(())
    }

    /// The lock file of a cache folder.
    pub fn lock_path(cache_dir: &Path) -> PathBuf {
        cache_dir.join("lock")
    }

    /// The process id of the build that holds the lock of `cache_dir`, as
    /// it wrote it in the lock file; `None` if it has not written it (yet:
    /// this waits up to 100 ms for it).
    pub fn lock_holder(cache_dir: &Path) -> Option<u32> {
        for _ in 0..20 {
            let pid = fs::read_to_string(DirSink::lock_path(cache_dir))
                .ok()
                .and_then(|text| text.trim().parse::<u32>().ok());
            if pid.is_some() {
                return pid;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        None
    }

    /// Tells the sink what identity the output folder had when the last
    /// build published it; a folder with another identity is not trusted
    /// to hold what that build wrote (see [`Sink::is_intact`]).
    pub fn trust_published(&mut self, published_id: Option<(u64, u64)>) {
        self.published_id = published_id;
    }

    /// The output folder's identity (device, inode), recorded after publish.
    pub fn output_id(&self) -> Option<(u64, u64)> {
        dir_id(&self.output)
    }

    /// If a build was killed between the two renames of a non-atomic swap,
    /// the output is missing and the previous site is in the side folder.
    fn recover_interrupted_swap(&self) -> io::Result<()> {
        let side = self.side_path();
        if side.exists() {
            if self.output.exists() {
                fs::rename(&side, &self.spare).or_else(|_| fs::remove_dir_all(&side))?;
            } else {
                fs::rename(&side, &self.output)?;
            }
        }
        Ok(())
    }

    fn side_path(&self) -> PathBuf {
        self.spare.with_file_name("previous")
    }

    fn staged(&self, path: &str) -> PathBuf {
        self.spare.join(path)
    }

    /// Writes a new file at `target`, replacing (never modifying) any file
    /// there: the old inode may be shared with the published site.
    fn replace_with(
        &self,
        target: &Path,
        make: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        let result = self.replace_with_inner(target, make);
        if let Err(err) = &result
            && space::Refusal::of(err).is_some()
        {
            self.refused.store(true, Ordering::Relaxed);
        }
        result
    }

    fn replace_with_inner(
        &self,
        target: &Path,
        make: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        if self.fresh {
            if let Some(parent) = target.parent() {
                self.ensure_dir(parent)?;
            }
            return make(target);
        }
        match fs::remove_file(target) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
            }
            Err(err) => return Err(err),
        }
        make(target)
    }
}

impl Sink for DirSink {
    fn prepare<'a>(
        &mut self,
        published: &'a Manifest,
        spare: Option<&'a Manifest>,
    ) -> io::Result<Cow<'a, Manifest>> {
        let _ = published;
        self.fresh = false;
        self.needed.store(0, Ordering::Relaxed);
        self.mirrored = false;
        self.mirror = None;
        self.made_dirs.lock().expect("not poisoned").clear();
        match spare {
            Some(manifest) if self.spare.is_dir() => Ok(Cow::Borrowed(manifest)),
            _ => {
                // Unknown contents (first build, or a build was interrupted):
                // start from an empty spare.
                if self.spare.exists() {
                    let spare = self.spare.clone();
                    self.discard_dir(&spare)?;
                }
                fs::create_dir_all(&self.spare)?;
                self.fresh = true;
                // Every file is written or linked anyway: link it into a
                // mirror too, unless the published site, once swapped out,
                // is a spare of known contents.
                if !(self.output.exists() && self.is_intact()) {
                    let mirror = self.mirror_path();
                    if mirror.exists() {
                        self.discard_dir(&mirror)?;
                    }
                    fs::create_dir_all(&mirror)?;
                    self.mirror = Some(mirror);
                }
                Ok(Cow::Owned(Manifest::default()))
            }
        }
    }

    fn keep(&self, path: &str) -> io::Result<bool> {
        let source = self.output.join(path);
        if !source.is_file() {
            return Ok(false);
        }
        self.replace_with(&self.staged(path), |target| fs::hard_link(&source, target))?;
        self.mirror_file(path)?;
        Ok(true)
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.needed
            .fetch_add(space::on_disk(bytes.len() as u64), Ordering::Relaxed);
        self.replace_with(&self.staged(path), |target| {
            let mut file = fs::File::create(target)?;
            file.write_all(bytes)
        })?;
        self.mirror_file(path)
    }

    fn copy(&self, path: &str, source: &Path) -> io::Result<()> {
        let len = fs::metadata(source).map_or(0, |m| m.len());
        self.needed
            .fetch_add(space::on_disk(len), Ordering::Relaxed);
        self.replace_with(&self.staged(path), |target| {
            fs::copy(source, target).map(|_| ())
        })?;
        self.mirror_file(path)
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        let target = self.staged(path);
        match fs::remove_file(&target) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(err),
        }
        // Remove folders the file leaves empty.
        let mut dir = target.parent();
        while let Some(d) = dir {
            if d == self.spare || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    fn publish(&mut self) -> io::Result<()> {
        self.swap()?;
        if let Some(mirror) = self.mirror.take() {
            // The spare folder now holds the site published before, if
            // any, of unknown contents: the mirror replaces it.
            if self.spare.exists() {
                let spare = self.spare.clone();
                self.discard_dir(&spare)?;
            }
            fs::rename(mirror, &self.spare)?;
            self.mirrored = true;
        }
        Ok(())
    }

    fn discard(&mut self) {
        // The spare's contents are now unknown; the next build starts it
        // anew (and deletes a half-made mirror when it starts). If the disk
        // refused a file, what this build wrote there is removed now, so
        // that a build that filled the disk leaves the space it took free.
        self.mirror = None;
        if self.refused.load(Ordering::Relaxed) {
            let _ = fs::remove_dir_all(&self.spare);
            let _ = fs::remove_dir_all(self.mirror_path());
        }
    }

    fn is_intact(&self) -> bool {
        self.published_id.is_some() && dir_id(&self.output) == self.published_id
    }

    fn spare_after_publish(&self) -> Spare {
        if self.mirrored {
            Spare::Published
        } else {
            Spare::Previous
        }
    }

    fn target(&self) -> Option<Target> {
        Some(Target {
            output: self.output.clone(),
            staging: self.spare.clone(),
            needed: self.needed.load(Ordering::Relaxed),
        })
    }
}

impl DirSink {
    /// Makes the staged site the output, and the output the spare.
    fn swap(&self) -> io::Result<()> {
        if !self.output.exists() {
            return fs::rename(&self.spare, &self.output);
        }
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            &self.spare,
            rustix::fs::CWD,
            &self.output,
            rustix::fs::RenameFlags::EXCHANGE,
        ) {
            Ok(()) => Ok(()),
            Err(
                rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP,
            ) => {
                // No atomic exchange on this file system: two renames, with
                // recovery at the next start if killed in between.
                let side = self.side_path();
                fs::rename(&self.output, &side)?;
                fs::rename(&self.spare, &self.output)?;
                fs::rename(&side, &self.spare)
            }
            Err(errno) => Err(io::Error::from(errno)),
        }
    }
}

impl Drop for DirSink {
    fn drop(&mut self) {
        // No holder any more (the lock itself goes with the file handle).
        let _ = self.lock.set_len(0);
        self.finish();
    }
}

fn dir_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino()))
}

/// The site in memory, as `digest serve` shows it.
pub type Pages = Arc<RwLock<HashMap<String, Arc<[u8]>>>>;

/// Keeps the site in memory; a rebuild's changes are applied together.
#[derive(Default)]
pub struct MemorySink {
    live: Pages,
    staged: Mutex<HashMap<String, Option<Arc<[u8]>>>>,
}

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }

    /// The published pages, shared with whoever serves them.
    pub fn pages(&self) -> Pages {
        self.live.clone()
    }

    fn stage(&self, path: &str, bytes: Option<Arc<[u8]>>) {
        self.staged
            .lock()
            .expect("not poisoned")
            .insert(path.to_string(), bytes);
    }
}

impl Sink for MemorySink {
    fn prepare<'a>(
        &mut self,
        published: &'a Manifest,
        _spare: Option<&'a Manifest>,
    ) -> io::Result<Cow<'a, Manifest>> {
        self.staged.lock().expect("not poisoned").clear();
        Ok(Cow::Borrowed(published))
    }

    fn keep(&self, path: &str) -> io::Result<bool> {
        Ok(self.live.read().expect("not poisoned").contains_key(path))
    }

    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.stage(path, Some(Arc::from(bytes)));
        Ok(())
    }

    fn copy(&self, path: &str, source: &Path) -> io::Result<()> {
        self.stage(path, Some(Arc::from(fs::read(source)?)));
        Ok(())
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        self.stage(path, None);
        Ok(())
    }

    fn publish(&mut self) -> io::Result<()> {
        let staged = std::mem::take(&mut *self.staged.lock().expect("not poisoned"));
        let mut live = self.live.write().expect("not poisoned");
        for (path, bytes) in staged {
            match bytes {
                Some(bytes) => live.insert(path, bytes),
                None => live.remove(&path),
            };
        }
        Ok(())
    }

    fn discard(&mut self) {
        self.staged.lock().expect("not poisoned").clear();
    }

    fn is_intact(&self) -> bool {
        true
    }

    fn spare_after_publish(&self) -> Spare {
        Spare::None
    }
}

/// Takes a build's files and keeps none: what `digest check` builds into,
/// so that every page is rendered (and so checked) and nothing is written.
/// A file to copy is only checked to be readable.
#[derive(Debug, Default)]
pub struct NullSink;

impl Sink for NullSink {
    fn prepare<'a>(
        &mut self,
        _published: &'a Manifest,
        _spare: Option<&'a Manifest>,
    ) -> io::Result<Cow<'a, Manifest>> {
        Ok(Cow::Owned(Manifest::default()))
    }
    fn keep(&self, _path: &str) -> io::Result<bool> {
        Ok(false)
    }
    fn write(&self, _path: &str, _bytes: &[u8]) -> io::Result<()> {
        Ok(())
    }
    fn copy(&self, _path: &str, source: &Path) -> io::Result<()> {
        fs::File::open(source).map(drop)
    }
    fn remove(&self, _path: &str) -> io::Result<()> {
        Ok(())
    }
    fn publish(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn discard(&mut self) {}
    fn is_intact(&self) -> bool {
        false
    }
    fn spare_after_publish(&self) -> Spare {
        Spare::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishing_swaps_and_keeps_the_old_site_as_spare() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let cache = dir.path().join(".digest-cache");
        let mut sink = DirSink::new(&output, &cache).unwrap();
        sink.prepare(&Manifest::default(), None).unwrap();
        sink.write("a/index.html", b"one").unwrap();
        sink.publish().unwrap();
        assert_eq!(fs::read(output.join("a/index.html")).unwrap(), b"one");
        // There was no site before: the mirror made while writing is the
        // spare, holding the site just published.
        assert_eq!(sink.spare_after_publish(), Spare::Published);
        assert_eq!(fs::read(cache.join("spare/a/index.html")).unwrap(), b"one");
        assert!(!cache.join("mirror").exists());

        // A published site the sink trusts becomes the spare when swapped
        // out: no mirror.
        sink.trust_published(sink.output_id());
        let none = Manifest::default();
        let staged = sink.prepare(&none, None).unwrap();
        assert!(staged.is_empty());
        assert!(sink.keep("a/index.html").unwrap());
        sink.write("b/index.html", b"two").unwrap();
        sink.publish().unwrap();
        assert_eq!(fs::read(output.join("a/index.html")).unwrap(), b"one");
        assert_eq!(fs::read(output.join("b/index.html")).unwrap(), b"two");
        assert!(
            !cache.join("spare/b/index.html").exists(),
            "the spare is the previous site"
        );
        assert_eq!(sink.spare_after_publish(), Spare::Previous);

        // Rewriting a kept (hard-linked) file never changes the published one.
        sink.prepare(&Manifest::default(), Some(&Manifest::default()))
            .unwrap();
        sink.keep("a/index.html").unwrap();
        sink.write("a/index.html", b"changed").unwrap();
        assert_eq!(fs::read(output.join("a/index.html")).unwrap(), b"one");
    }

    #[test]
    fn a_second_build_cannot_take_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let cache = dir.path().join(".digest-cache");
        let _first = DirSink::new(&output, &cache).unwrap();
        let second = DirSink::new(&output, &cache).err().unwrap();
        assert_eq!(second.kind(), io::ErrorKind::WouldBlock, "{second}");
    }

    #[test]
    fn memory_pages_change_only_on_publish() {
        let mut sink = MemorySink::new();
        sink.prepare(&Manifest::default(), None).unwrap();
        sink.write("index.html", b"x").unwrap();
        assert!(sink.pages().read().unwrap().is_empty());
        sink.publish().unwrap();
        assert_eq!(&*sink.pages().read().unwrap()["index.html"], b"x");
        sink.prepare(&Manifest::default(), None).unwrap();
        sink.remove("index.html").unwrap();
        sink.discard();
        assert!(sink.pages().read().unwrap().contains_key("index.html"));
    }
}
