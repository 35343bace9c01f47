//! Fingerprints: the hashes that tell a build what changed.
//!
//! Every page's fingerprint (`output::fingerprint`), every article's stamps
//! and file version, and the hash of what every page depends on are made
//! here, with xxh3.

use std::path::Path;

use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128};

/// Gathers what a fingerprint covers, then hashes it in one call: a page's
/// is a few hundred bytes, for which xxh3's one-shot functions are several
/// times faster than its streaming state.
pub struct Hasher(Vec<u8>);

impl Default for Hasher {
    fn default() -> Hasher {
        Hasher(Vec::with_capacity(512))
    }
}

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }
    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub fn str(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0xff);
    }
    pub fn digest(&self) -> u64 {
        xxh3_64(&self.0)
    }
    pub fn digest128(&self) -> u128 {
        xxh3_128(&self.0)
    }
}

/// One hash of several: what every page depends on besides its own data
/// (the program, the configuration, the theme) is made this way.
pub fn combine(parts: &[u64]) -> u64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(&p.to_le_bytes());
    }
    h.digest()
}

/// A file's identity for caches: its path and its bytes.
pub fn version_of(path: &Path, bytes: &[u8]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(path.to_string_lossy().as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.digest()
}

/// Identifies this build of the program: pages rendered by another build
/// of digest may differ, so its caches are not trusted.
pub fn program_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .and_then(|m| Ok((m.len(), m.modified()?)))
            .map_or_else(
                |_| "unknown".to_string(),
                |(size, modified)| {
                    let ns = modified
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos());
                    format!("{size}-{ns}")
                },
            );
        format!("{}-{exe}", env!("CARGO_PKG_VERSION"))
    })
}

/// [`program_id`] as a hash, for fingerprints.
pub fn program_hash() -> u64 {
    xxh3_64(program_id().as_bytes())
}
