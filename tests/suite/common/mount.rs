//! A small file system of its own for a test: a tmpfs mounted on a folder,
//! so that a build really meets a full disk (`ENOSPC`) or a read-only one
//! (`EROFS`). Mounting needs root or `CAP_SYS_ADMIN`: without it the test
//! prints why it skipped and returns early, unless `DIGEST_REQUIRE_MOUNT`
//! is set (as CI does), in which case it fails. The guard unmounts when
//! dropped, so a failing test leaves no mount behind.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted at a folder; unmounted when dropped.
pub struct Mount {
    path: PathBuf,
}

impl Mount {
    /// Mounts a tmpfs of `size` bytes at `path` (made if missing); `None`
    /// (with the reason printed) where this process may not mount.
    pub fn tmpfs(test: &str, path: &Path, size: u64) -> Option<Mount> {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(path)
            .output();
        match out {
            Ok(out) if out.status.success() => Some(Mount {
                path: path.to_path_buf(),
            }),
            other => {
                skip_or_fail(test, other);
                None
            }
        }
    }

    /// Makes the folder `path` read-only where it is (a read-only bind
    /// mount of itself); `None` (with the reason printed) where this
    /// process may not mount.
    pub fn read_only(test: &str, path: &Path) -> Option<Mount> {
        let bind = Command::new("mount")
            .arg("--bind")
            .arg(path)
            .arg(path)
            .output();
        match bind {
            Ok(out) if out.status.success() => {
                let mount = Mount {
                    path: path.to_path_buf(),
                };
                mount.remount("bind,ro");
                Some(mount)
            }
            other => {
                skip_or_fail(test, other);
                None
            }
        }
    }

    /// Changes the mount's options: `"ro"`, `"rw"`, `"size=…"`.
    pub fn remount(&self, options: &str) {
        let out = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "remount {options}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Bytes free on the mount.
    pub fn free(&self) -> u64 {
        let stats = rustix::fs::statvfs(&self.path).unwrap();
        stats.f_bavail * stats.f_frsize
    }
}

/// Says why `test` skipped, or fails it under `DIGEST_REQUIRE_MOUNT`.
fn skip_or_fail(test: &str, attempt: std::io::Result<std::process::Output>) {
    let why = match attempt {
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_string(),
        Err(err) => format!("cannot run mount: {err}"),
    };
    let reason = format!("cannot mount ({why}): mounting needs root or CAP_SYS_ADMIN");
    if std::env::var_os("DIGEST_REQUIRE_MOUNT").is_some() {
        panic!("{test}: DIGEST_REQUIRE_MOUNT is set but {reason}");
    }
    eprintln!("{test}: skipped: {reason}");
}

impl Drop for Mount {
    fn drop(&mut self) {
        // Lazily, so that a file a failed test left open cannot keep it.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}
