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
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)
}
