//! A local S3-compatible server for the deploy tests (moto behind a strict
//! signature check: `tests/support/s3_server.py`), and a client to look at
//! what a bucket holds.
//!
//! Without Python's moto the tests print "skipped: no moto" and return
//! early, unless `DIGEST_REQUIRE_S3` is set (as CI does), in which case a
//! missing server is a failure.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as StorePath;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

pub const ACCESS_KEY: &str = "AKIADIGESTTEST000001";
pub const SECRET_KEY: &str = "digest/test+secret/key";

/// A running server; stopped when dropped (its standard input closes).
pub struct S3Server {
    child: Child,
    pub endpoint: String,
}

/// An object as the store serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub e_tag: Option<String>,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Starts a server with `buckets`, or `None` (skipped) when moto is not
/// installed and the server is not required.
pub fn s3_server(test: &str, buckets: &[&str]) -> Option<S3Server> {
    let available = Command::new("python3")
        .args(["-c", "import moto, boto3, werkzeug"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        if std::env::var_os("DIGEST_REQUIRE_S3").is_some() {
            panic!(
                "{test}: DIGEST_REQUIRE_S3 is set but moto is not installed (pip install 'moto[server]')"
            );
        }
        eprintln!("{test}: skipped: no moto");
        return None;
    }
    let mut child = Command::new("python3")
        .arg(super::repo().join("tests/support/s3_server.py"))
        .args(buckets)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("{test}: the S3 server did not start ({e}): {line:?}"));
    Some(S3Server {
        child,
        endpoint: info["endpoint"].as_str().unwrap().to_string(),
    })
}

impl S3Server {
    /// A `deploy:` entry for `bucket` on this server.
    pub fn target(&self, name: &str, url: &str) -> String {
        format!(
            "  {name}:\n    url: {url}\n    endpoint: {}\n    region: us-east-1\n",
            self.endpoint
        )
    }

    /// Steers the server (`faults?every=3`, `delay?ms=40`) or reads its
    /// counters (`stats`).
    pub fn control(&self, what: &str) -> serde_json::Value {
        let url = format!("{}/__test/{what}", self.endpoint);
        let text = if what.starts_with("stats") {
            ureq::get(&url)
                .call()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap()
        } else {
            ureq::post(&url)
                .send_empty()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap()
        };
        serde_json::from_str(&text).unwrap()
    }

    fn store(&self, bucket: &str) -> Arc<dyn ObjectStore> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(&self.endpoint)
                .with_allow_http(true)
                .with_region("us-east-1")
                .with_bucket_name(bucket)
                .with_access_key_id(ACCESS_KEY)
                .with_secret_access_key(SECRET_KEY)
                .build()
                .unwrap(),
        )
    }

    /// Every object of `bucket`, by key.
    pub fn objects(&self, bucket: &str) -> BTreeMap<String, Object> {
        let store = self.store(bucket);
        runtime().block_on(async {
            let listed: Vec<object_store::ObjectMeta> =
                store.list(None).try_collect().await.unwrap();
            let mut objects = BTreeMap::new();
            for meta in listed {
                let got = store.get(&meta.location).await.unwrap();
                let attribute = |a: &Attribute| got.attributes.get(a).map(|v| v.to_string());
                let content_type = attribute(&Attribute::ContentType);
                let cache_control = attribute(&Attribute::CacheControl);
                let bytes = got.bytes().await.unwrap().to_vec();
                objects.insert(
                    meta.location.as_ref().to_string(),
                    Object {
                        bytes,
                        content_type,
                        cache_control,
                        e_tag: meta.e_tag,
                    },
                );
            }
            objects
        })
    }

    /// Puts an object behind digest's back.
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let store = self.store(bucket);
        runtime().block_on(async {
            store
                .put(&StorePath::from(key), bytes.to_vec().into())
                .await
                .unwrap();
        });
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
