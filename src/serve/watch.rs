//! Watching the site's sources: `content/`, `themes/` and `digest.yaml`.
//!
//! notify reports file events; its debouncer gathers a burst of them (an
//! editor's save is often several) into one batch. Only events that can
//! change a file count: notify also reports files being opened and read,
//! which every build does. Editor temp and backup files are left out with
//! the same rule the content walk uses.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::{Reporter, ServeEvent};
use crate::files::is_ignored;

/// Watches while alive.
pub(super) type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Starts watching `root`; each batch of changed sources (relative to
/// `root`) arrives on the returned channel.
pub(super) fn start(
    root: &Path,
    debounce: Duration,
    reporter: Reporter,
) -> io::Result<(UnboundedReceiver<Vec<PathBuf>>, Watcher)> {
    let (sender, receiver) = unbounded_channel();
    let base = root.to_path_buf();
    let handler = move |result: DebounceEventResult| forward(&base, &sender, &reporter, result);
    let mut debouncer = new_debouncer(debounce, None, handler).map_err(io::Error::other)?;
    // The root itself only for digest.yaml (editors often replace the file,
    // which a watch on the file alone would lose); the folders recursively.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(io::Error::other)?;
    for folder in ["content", "themes"] {
        let path = root.join(folder);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(io::Error::other)?;
        }
    }
    Ok((receiver, debouncer))
}

fn forward(
    root: &Path,
    sender: &UnboundedSender<Vec<PathBuf>>,
    reporter: &Reporter,
    result: DebounceEventResult,
) {
    match result {
        Ok(events) => {
            let mut changed: Vec<PathBuf> = events
                .iter()
                .filter(|e| can_change(&e.event.kind))
                .flat_map(|e| &e.event.paths)
                .filter_map(|path| source_path(root, path))
                .collect();
            if events.iter().any(|e| e.event.need_rescan()) {
                // Events were lost: the whole folder may have changed.
                changed.push(PathBuf::from("content"));
            }
            changed.sort();
            changed.dedup();
            if !changed.is_empty() {
                let _ = sender.send(changed);
            }
        }
        Err(errors) => {
            for err in errors {
                reporter(&ServeEvent::Trouble(format!(
                    "watching the site's files: {err}"
                )));
            }
        }
    }
}

/// Opening and reading a file changes nothing; closing it after writing does.
fn can_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The path relative to the site's folder if the site is built from it.
fn source_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let first = rel.components().next()?;
    let watched = rel == Path::new("digest.yaml")
        || matches!(first, Component::Normal(name) if name == "content" || name == "themes");
    let ignored = rel
        .components()
        .any(|c| is_ignored(&c.as_os_str().to_string_lossy()));
    (watched && !ignored).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_and_editor_files_do_not() {
        // Saves of articles, templates and the config count; swap files and the output do not.
        let root = Path::new("/site");
        let rel = |p: &str| source_path(root, &root.join(p));
        assert_eq!(rel("digest.yaml"), Some(PathBuf::from("digest.yaml")));
        assert!(rel("content/news/a.en.md").is_some());
        assert!(rel("content").is_some(), "a removed content folder");
        assert!(rel("themes/default/templates/article.html").is_some());
        for ignored in [
            "content/news/.a.en.md.swp",
            "content/news/a.en.md~",
            "content/news/.#a.en.md",
            "content/news/#a.en.md#",
            "content/.git/index",
            "public/index.html",
            ".digest-cache/public/publish.bin",
            "digest.yaml~",
            "README.md",
        ] {
            assert_eq!(rel(ignored), None, "{ignored}");
        }
        assert_eq!(source_path(root, Path::new("/elsewhere/x.md")), None);
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        // Every build opens and reads the sources; that must not start another build.
        use notify_debouncer_full::notify::event::{CreateKind, ModifyKind};
        assert!(!can_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!can_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(can_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(can_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(can_change(&EventKind::Create(CreateKind::File)));
    }
}
