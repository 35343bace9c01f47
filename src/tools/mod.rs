//! The editor's commands besides `build` and `serve`, one module each:
//! `digest init` (a new site), `digest new` (a story from an archetype, or
//! the start of a translation), `digest check` (every validation of a
//! build, nothing written; outside links too), `digest list` (every story
//! and its state in each edition), `digest newsletter` (an edition's
//! email as a message) and `digest theme copy`.
//!
//! Like the rest of the library they never print: each returns what it
//! did, or diagnostics, and `main.rs` tells the user.

pub mod check;
pub mod external;
pub mod init;
pub mod list;
pub mod new;
pub mod newsletter;
pub mod theme;

use std::path::Path;

use crate::config::CONFIG_FILE;
use crate::error::Diagnostic;

/// Fails unless `root` holds a site (its `digest.yaml`).
fn require_site(root: &Path) -> Result<(), Diagnostic> {
    if root.join(CONFIG_FILE).is_file() {
        return Ok(());
    }
    Err(
        Diagnostic::error(None, format!("no {CONFIG_FILE} in {}", root.display()))
            .with_help("run digest in the site's folder, or point to it with --root"),
    )
}

/// Writes a new file, failing if one is there already (never replaces).
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    // Written whole under a name of its own, then linked at `path` in one
    // step, which fails if `path` exists: a build (or `digest serve`) never
    // reads a half-written file, and of two commands writing one path at
    // once, one wins and the other is refused.
    // (A dotfile: builds and `digest serve` leave it out.)
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = parent.join(format!(".{name}.{}-{nanos}.new", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    written
}
