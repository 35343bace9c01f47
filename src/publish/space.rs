//! When the output's disk cannot take the build: full, over quota or
//! read-only. Every file that failed for that reason is one problem, said
//! once, naming the folder and (for a full disk) the space the build needed
//! and the space there is.

use std::io;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;

/// Where a sink writes, for the message.
#[derive(Debug, Clone)]
pub struct Target {
    /// The published folder.
    pub output: PathBuf,
    /// The folder the build writes into before publishing.
    pub staging: PathBuf,
    /// What the build had to write there so far, rounded up to whole
    /// blocks per file.
    pub needed: u64,
}

/// What the disk refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Full,
    Quota,
    ReadOnly,
}

impl Refusal {
    /// The refusal an I/O error is, if it is one.
    pub fn of(err: &io::Error) -> Option<Refusal> {
        match err.kind() {
            io::ErrorKind::StorageFull => Some(Refusal::Full),
            io::ErrorKind::QuotaExceeded => Some(Refusal::Quota),
            io::ErrorKind::ReadOnlyFilesystem => Some(Refusal::ReadOnly),
            _ => None,
        }
    }
}

/// A file of `len` bytes on disk: whole blocks (4 KiB, the usual size).
pub fn on_disk(len: u64) -> u64 {
    len.div_ceil(4096).max(1) * 4096
}

/// The one diagnostic for a build the disk refused.
pub fn diagnostic(refusal: Refusal, output: &Path, target: Option<&Target>) -> Diagnostic {
    let folder = output.display();
    let unchanged = "the published site was not changed";
    match refusal {
        Refusal::ReadOnly => Diagnostic::error(
            None,
            format!("could not build into {folder}: its file system is read-only"),
        )
        .with_help(format!(
            "make it writable (or build into another folder with --output), then build again; {unchanged}"
        )),
        Refusal::Full | Refusal::Quota => {
            let what = if refusal == Refusal::Full {
                "its disk is full"
            } else {
                "the disk quota is used up"
            };
            let staging = target.map_or(output, |t| &t.staging);
            let free = free_space(staging);
            let mut message = format!("not enough space to build into {folder}: {what}");
            if let Some(needed) = target.map(|t| t.needed).filter(|n| *n > 0) {
                message.push_str(&format!(
                    " (this build writes about {} there",
                    size_text(needed)
                ));
                if let Some(free) = free {
                    message.push_str(&format!(", {} is free", size_text(free)));
                }
                message.push(')');
            }
            let short = match (target.map(|t| t.needed), free) {
                (Some(needed), Some(free)) if needed > free => {
                    format!("free at least {} there", size_text(needed - free))
                }
                _ => "free some space there".to_string(),
            };
            Diagnostic::error(None, message).with_help(format!(
                "{short} (or build into another folder with --output), then build again; \
                 the files this build wrote were removed and {unchanged}"
            ))
        }
    }
}

/// The space free for an unprivileged writer on the file system of `path`
/// (or of its nearest existing parent).
pub fn free_space(path: &Path) -> Option<u64> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let stats = rustix::fs::statvfs(existing).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// `12.3 kB`, `4.5 MB`: a size for people.
pub fn size_text(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_read_from_the_error_kind() {
        let full = io::Error::from_raw_os_error(28); // ENOSPC
        let read_only = io::Error::from_raw_os_error(30); // EROFS
        let quota = io::Error::from_raw_os_error(122); // EDQUOT
        assert_eq!(Refusal::of(&full), Some(Refusal::Full));
        assert_eq!(Refusal::of(&read_only), Some(Refusal::ReadOnly));
        assert_eq!(Refusal::of(&quota), Some(Refusal::Quota));
        assert_eq!(Refusal::of(&io::Error::from_raw_os_error(2)), None);
    }

    #[test]
    fn files_take_whole_blocks() {
        assert_eq!(on_disk(0), 4096);
        assert_eq!(on_disk(4096), 4096);
        assert_eq!(on_disk(4097), 8192);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(999), "999 B");
        assert_eq!(size_text(12_300), "12.3 kB");
        assert_eq!(size_text(4_500_000), "4.5 MB");
    }
}
