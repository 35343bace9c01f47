//! Carrying out a plan: uploads step by step with a concurrency limit,
//! deletions last, and the manifest kept up to date on the target.
//!
//! The manifest is written after the last deletion, and also every
//! [`CHECKPOINT`] uploads and when a deploy fails, so that the next deploy
//! after an interruption uploads only what this one did not. An object
//! uploaded but not yet recorded is simply uploaded again next time (its
//! ETag is unknown to the manifest); one deleted but still recorded is
//! dropped from the manifest, as nothing lists it.

use std::collections::VecDeque;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use object_store::path::Path as StorePath;
use object_store::{Attribute, PutOptions, PutPayload};

use super::Event;
use super::local::{LocalSite, version};
use super::order::Step;
use super::plan::{Plan, object_path, store_key};
use super::remote::{Entry, Manifest, Remote, write_manifest};
use super::store::{Store, describe};
use crate::config::DeployTarget;
use crate::error::Diagnostic;

/// Uploads between two writes of the manifest during a long deploy.
pub const CHECKPOINT: usize = 2000;

/// What was done.
#[derive(Debug, Default)]
pub struct Done {
    pub uploaded: usize,
    pub deleted: usize,
    pub bytes: u64,
}

/// Why a deploy stopped.
#[derive(Debug)]
pub enum Failure {
    Store {
        key: Option<String>,
        error: object_store::Error,
    },
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    /// The file changed between the scan and its upload (a build ran).
    Moved { key: String },
}

impl Failure {
    pub fn describe(&self, target: &DeployTarget) -> Diagnostic {
        let again = "run `digest deploy` again: it uploads only what this deploy did not";
        match self {
            Failure::Store { key: None, error } => describe(target, error),
            Failure::Store {
                key: Some(key),
                error,
            } => {
                let mut d = describe(target, error);
                d.message = format!("{} (while uploading {key})", d.message);
                d
            }
            Failure::Read { path, error } => Diagnostic::io(path, "read", error).with_help(again),
            Failure::Moved { key } => Diagnostic::error(
                None,
                format!("{key} changed while it was being deployed (did a build run?)"),
            )
            .with_help(again),
        }
    }
}

/// State shared by the steps of one deploy.
struct Run<'a> {
    store: &'a Store,
    site: &'a LocalSite,
    events: &'a (dyn Fn(&Event) + Sync),
    jobs: usize,
    manifest: Manifest,
    done: Done,
    since_checkpoint: usize,
}

pub async fn execute(
    store: &Store,
    site: &LocalSite,
    plan: &Plan,
    remote: &Remote,
    steps: &[Step],
    jobs: usize,
    events: &(dyn Fn(&Event) + Sync),
) -> Result<Done, Failure> {
    // Only what the target still holds is worth remembering.
    let mut manifest = remote.manifest.clone();
    manifest
        .files
        .retain(|key, _| remote.objects.contains_key(key));
    let mut run = Run {
        store,
        site,
        events,
        jobs: jobs.max(1),
        manifest,
        done: Done::default(),
        since_checkpoint: 0,
    };
    for step in steps {
        let bytes = step
            .groups
            .iter()
            .flat_map(|g| &g.files)
            .map(|&i| site.files[i].size)
            .sum();
        events(&Event::Step {
            name: step.name,
            files: step.files(),
            bytes,
        });
        if let Err(failure) = run.step(step).await {
            // Keep what was done for the next deploy; the failure is what
            // matters to the user.
            let _ = write_manifest(store, &run.manifest).await;
            return Err(failure);
        }
    }
    if !plan.deletes.is_empty() {
        events(&Event::Step {
            name: "deletions",
            files: plan.deletes.len(),
            bytes: 0,
        });
        let deleted = run.delete(&plan.deletes).await;
        if let Err(failure) = deleted {
            let _ = write_manifest(store, &run.manifest).await;
            return Err(failure);
        }
    }
    let stale = run.manifest.files.len() != remote.manifest.files.len();
    if run.done.uploaded > 0 || run.done.deleted > 0 || stale {
        write_manifest(store, &run.manifest)
            .await
            .map_err(|error| Failure::Store { key: None, error })?;
    }
    Ok(run.done)
}

impl Run<'_> {
    /// Uploads one step's files, each group once the groups it waits for
    /// are complete, at most `jobs` at a time.
    async fn step(&mut self, step: &Step) -> Result<(), Failure> {
        let groups = &step.groups;
        let mut waiting: Vec<usize> = groups.iter().map(|g| g.waits_for.len()).collect();
        let mut left: Vec<usize> = groups.iter().map(|g| g.files.len()).collect();
        let mut dependents = vec![Vec::new(); groups.len()];
        for (g, group) in groups.iter().enumerate() {
            for &w in &group.waits_for {
                dependents[w].push(g);
            }
        }
        let mut ready: VecDeque<(usize, usize)> = VecDeque::new();
        for (g, group) in groups.iter().enumerate() {
            if waiting[g] == 0 {
                ready.extend(group.files.iter().map(|&f| (f, g)));
            }
        }
        let (store, site) = (self.store, self.site);
        let mut in_flight = FuturesUnordered::new();
        let mut failure = None;
        loop {
            while failure.is_none() && in_flight.len() < self.jobs {
                let Some((file, group)) = ready.pop_front() else {
                    break;
                };
                in_flight.push(upload(store, site, file, group));
            }
            let Some(result) = in_flight.next().await else {
                break;
            };
            let (file, group, e_tag) = match result {
                Ok(done) => done,
                Err(err) => {
                    failure.get_or_insert(err);
                    continue;
                }
            };
            self.record(file, e_tag.as_deref());
            left[group] -= 1;
            if left[group] == 0 {
                for &d in &dependents[group] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 {
                        ready.extend(groups[d].files.iter().map(|&f| (f, d)));
                    }
                }
            }
            if self.since_checkpoint >= CHECKPOINT && failure.is_none() {
                self.since_checkpoint = 0;
                write_manifest(self.store, &self.manifest)
                    .await
                    .map_err(|error| Failure::Store { key: None, error })?;
            }
        }
        failure.map_or(Ok(()), Err)
    }

    fn record(&mut self, file: usize, e_tag: Option<&str>) {
        let local = &self.site.files[file];
        let key = store_key(&local.key);
        match e_tag {
            Some(e_tag) => {
                self.manifest
                    .files
                    .insert(key, Entry::new(local.version, e_tag));
            }
            None => {
                self.manifest.files.remove(&key);
            }
        }
        self.done.uploaded += 1;
        self.done.bytes += local.size;
        self.since_checkpoint += 1;
        (self.events)(&Event::Uploaded {
            key: &local.key,
            bytes: local.size,
        });
    }

    /// Deletes `keys` (in batches where the store has a batch delete).
    async fn delete(&mut self, keys: &[String]) -> Result<(), Failure> {
        let paths: Vec<object_store::Result<StorePath>> =
            keys.iter().map(|k| Ok(object_path(k))).collect();
        let mut deleted = self
            .store
            .inner
            .delete_stream(futures_util::stream::iter(paths).boxed());
        while let Some(result) = deleted.next().await {
            let path = match result {
                Ok(path) => path,
                // Already gone is as good as deleted.
                Err(object_store::Error::NotFound { path, .. }) => object_path(&path),
                Err(error) => return Err(Failure::Store { key: None, error }),
            };
            self.store.count_local(0);
            let key = path.as_ref().to_string();
            self.manifest.files.remove(&key);
            self.done.deleted += 1;
            (self.events)(&Event::Deleted { key: &key });
        }
        Ok(())
    }
}

/// Uploads one file with its headers; returns the object's ETag.
async fn upload(
    store: &Store,
    site: &LocalSite,
    file: usize,
    group: usize,
) -> Result<(usize, usize, Option<String>), Failure> {
    let local = &site.files[file];
    let path = site.path(local);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Failure::Moved {
                key: local.key.clone(),
            });
        }
        Err(error) => return Err(Failure::Read { path, error }),
    };
    // What is uploaded must be what was compared: a build may have swapped
    // in a new public/ since the scan.
    if version(&bytes, &local.content_type, &local.cache_control) != local.version {
        return Err(Failure::Moved {
            key: local.key.clone(),
        });
    }
    let mut options = PutOptions::default();
    if store.keeps_headers {
        options
            .attributes
            .insert(Attribute::ContentType, local.content_type.clone().into());
        options
            .attributes
            .insert(Attribute::CacheControl, local.cache_control.clone().into());
    }
    let size = bytes.len() as u64;
    let result = store
        .inner
        .put_opts(&object_path(&local.key), PutPayload::from(bytes), options)
        .await
        .map_err(|error| Failure::Store {
            key: Some(local.key.clone()),
            error,
        })?;
    store.count_local(size);
    Ok((file, group, result.e_tag))
}
