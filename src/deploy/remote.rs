//! What the target holds: one listing of its objects, and the manifest
//! digest keeps beside them.
//!
//! The manifest (`.digest-deploy.json` under the target's prefix) records,
//! for every file digest uploaded, its version (content and headers hash)
//! and the ETag the store gave the object. An object is known to hold a
//! version only while its listed ETag is still the recorded one: an object
//! replaced by hand, or uploaded by a deploy that was killed before it
//! recorded it, has another ETag and is uploaded again. This works the same
//! on every store (S3's ETag is an MD5 only sometimes; Google's and Azure's
//! never are) and costs one GET, however big the site.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use object_store::path::Path as StorePath;
use object_store::{ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};

use super::store::Store;

/// The manifest's key under the target's prefix.
pub const MANIFEST: &str = ".digest-deploy.json";

/// An object of the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub size: u64,
    pub e_tag: Option<String>,
}

/// What the target holds, keyed like [`super::LocalFile::key`].
#[derive(Debug, Default)]
pub struct Remote {
    pub objects: HashMap<String, Object>,
    pub manifest: Manifest,
}

/// Key → what digest last uploaded there.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub files: HashMap<String, Entry>,
}

/// A file as uploaded: its version (hex) and the object's ETag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry(pub String, pub String);

impl Entry {
    pub fn new(version: u128, e_tag: &str) -> Entry {
        Entry(format!("{version:032x}"), e_tag.to_string())
    }
}

const FORMAT: u32 = 1;

/// Lists the target and reads its manifest.
pub async fn read(store: &Store) -> object_store::Result<Remote> {
    let listed: Vec<object_store::ObjectMeta> = store.inner.list(None).try_collect().await?;
    store.count_local(0);
    let mut objects = HashMap::with_capacity(listed.len());
    for meta in listed {
        let key = store.key_of(&meta.location);
        if key == MANIFEST {
            continue;
        }
        objects.insert(
            key,
            Object {
                size: meta.size,
                e_tag: meta.e_tag,
            },
        );
    }
    let manifest = read_manifest(store).await?;
    Ok(Remote { objects, manifest })
}

async fn read_manifest(store: &Store) -> object_store::Result<Manifest> {
    let found = store.inner.get(&StorePath::from(MANIFEST)).await;
    store.count_local(0);
    let bytes = match found {
        Ok(result) => result.bytes().await?,
        Err(object_store::Error::NotFound { .. }) => return Ok(Manifest::default()),
        Err(err) => return Err(err),
    };
    // A manifest of another format, or damaged, only costs uploads.
    Ok(serde_json::from_slice::<Manifest>(&bytes)
        .ok()
        .filter(|m| m.format == FORMAT)
        .unwrap_or_default())
}

/// Writes the manifest (one PUT: readers of the target never see half of it).
pub async fn write_manifest(store: &Store, manifest: &Manifest) -> object_store::Result<()> {
    let manifest = Manifest {
        format: FORMAT,
        files: manifest.files.clone(),
    };
    let bytes = serde_json::to_vec(&manifest).expect("a manifest is plain data");
    let size = bytes.len() as u64;
    let mut options = object_store::PutOptions::default();
    if store.keeps_headers {
        options.attributes.insert(
            object_store::Attribute::ContentType,
            "application/json".into(),
        );
        options
            .attributes
            .insert(object_store::Attribute::CacheControl, "no-store".into());
    }
    store
        .inner
        .put_opts(&StorePath::from(MANIFEST), PutPayload::from(bytes), options)
        .await?;
    store.count_local(size);
    Ok(())
}
