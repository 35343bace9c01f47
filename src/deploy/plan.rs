//! The comparison of the built site with the target: what to upload, what
//! to delete, what is already there.

use super::local::{LocalFile, LocalSite};
use super::remote::Remote;

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The target has no object at its key.
    New,
    /// The target's object holds other bytes or headers (or ones digest
    /// cannot vouch for).
    Changed,
}

/// What a deploy does.
#[derive(Debug, Default)]
pub struct Plan {
    /// Indices into [`LocalSite::files`], with why, in key order.
    pub uploads: Vec<(usize, Change)>,
    /// Keys of objects the site no longer has, in key order.
    pub deletes: Vec<String>,
    /// Keys the site no longer has, kept because of `--no-delete`.
    pub kept: Vec<String>,
    pub unchanged: usize,
    /// Bytes to upload.
    pub bytes: u64,
}

impl Plan {
    pub fn compare(site: &LocalSite, remote: &Remote, delete: bool) -> Plan {
        let mut plan = Plan::default();
        let mut local_keys = std::collections::HashSet::with_capacity(site.files.len());
        for (index, file) in site.files.iter().enumerate() {
            let key = store_key(&file.key);
            match remote.objects.get(&key) {
                None => plan.push(index, file, Change::New),
                Some(object) => {
                    let recorded = remote.manifest.files.get(&key);
                    let same = match (recorded, &object.e_tag) {
                        (Some(entry), Some(e_tag)) => {
                            entry.1 == *e_tag
                                && entry.0 == format!("{:032x}", file.version)
                                && object.size == file.size
                        }
                        _ => false,
                    };
                    if same {
                        plan.unchanged += 1;
                    } else {
                        plan.push(index, file, Change::Changed);
                    }
                }
            }
            local_keys.insert(key);
        }
        let mut gone: Vec<String> = remote
            .objects
            .keys()
            .filter(|k| !local_keys.contains(*k))
            .cloned()
            .collect();
        gone.sort();
        if delete {
            plan.deletes = gone;
        } else {
            plan.kept = gone;
        }
        plan
    }

    fn push(&mut self, index: usize, file: &LocalFile, change: Change) {
        self.uploads.push((index, change));
        self.bytes += file.size;
    }

    /// "3 to upload, 1 to delete, 52 unchanged"
    pub fn summary(&self) -> String {
        format!(
            "{} to upload, {} to delete, {} unchanged",
            self.uploads.len(),
            self.deletes.len(),
            self.unchanged
        )
    }
}

/// A file's key as the store spells it: as it is, letters beyond ASCII
/// included, so that a page at an Arabic address (an author's or a topic's
/// name) is found where a reader's request leads; only a key object_store
/// cannot take as it is (a control character) is escaped as object_store
/// escapes it.
pub fn store_key(key: &str) -> String {
    object_path(key).as_ref().to_string()
}

/// The object of a key spelt as [`store_key`] spells it.
pub fn object_path(key: &str) -> object_store::path::Path {
    object_store::path::Path::parse(key).unwrap_or_else(|_| object_store::path::Path::from(key))
}

#[cfg(test)]
mod tests {
    use super::super::remote::{Entry, Manifest, Object};
    use super::*;

    #[test]
    fn keys_keep_letters_beyond_ascii() {
        assert_eq!(
            store_key("ar/authors/هاوري-عزيز/index.html"),
            "ar/authors/هاوري-عزيز/index.html"
        );
        assert_eq!(store_key("files/50% #1.pdf"), "files/50% #1.pdf");
        assert_eq!(store_key("files/a\u{7}b.pdf"), "files/a%07b.pdf");
        // What is deleted is what was uploaded.
        for key in ["ar/tags/العراق/index.html", "files/a\u{7}b.pdf"] {
            assert_eq!(object_path(&store_key(key)).as_ref(), store_key(key));
        }
    }
    use crate::config::CacheControl;

    fn site(files: &[(&str, &str)]) -> LocalSite {
        let cache = CacheControl::default();
        LocalSite {
            root: "public".into(),
            files: files
                .iter()
                .map(|(k, body)| LocalFile::new(k.to_string(), body.as_bytes(), &cache))
                .collect(),
        }
    }

    fn remote_of(site: &LocalSite, etag: &str) -> Remote {
        let mut remote = Remote {
            manifest: Manifest::default(),
            ..Remote::default()
        };
        for file in &site.files {
            remote.objects.insert(
                file.key.clone(),
                Object {
                    size: file.size,
                    e_tag: Some(etag.into()),
                },
            );
            remote
                .manifest
                .files
                .insert(file.key.clone(), Entry::new(file.version, etag));
        }
        remote
    }

    #[test]
    fn a_site_just_deployed_has_nothing_to_do() {
        let local = site(&[("index.html", "<p>a"), ("en/index.html", "<p>b")]);
        let plan = Plan::compare(&local, &remote_of(&local, "\"e1\""), true);
        assert_eq!(plan.summary(), "0 to upload, 0 to delete, 2 unchanged");
    }

    #[test]
    fn an_object_replaced_behind_digests_back_is_uploaded_again() {
        let local = site(&[("index.html", "<p>a"), ("en/index.html", "<p>b")]);
        let mut remote = remote_of(&local, "\"e1\"");
        remote.objects.get_mut("en/index.html").unwrap().e_tag = Some("\"other\"".into());
        let plan = Plan::compare(&local, &remote, true);
        assert_eq!(plan.uploads, vec![(1, Change::Changed)]);
    }

    #[test]
    fn edits_additions_and_removals() {
        let before = site(&[("a.html", "1"), ("b.html", "2"), ("gone.html", "3")]);
        let remote = remote_of(&before, "\"e\"");
        let after = site(&[("a.html", "1"), ("b.html", "22"), ("new.html", "4")]);
        let plan = Plan::compare(&after, &remote, true);
        assert_eq!(plan.uploads, vec![(1, Change::Changed), (2, Change::New)]);
        assert_eq!(plan.deletes, vec!["gone.html".to_string()]);
        assert_eq!(plan.unchanged, 1);
        let keep = Plan::compare(&after, &remote, false);
        assert!(keep.deletes.is_empty());
        assert_eq!(keep.kept, vec!["gone.html".to_string()]);
    }
}
