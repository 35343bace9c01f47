//! `digest deploy`: publish the built site to object storage (S3 and
//! S3-compatible stores, Google Cloud Storage, Azure Blob Storage) or a
//! folder, uploading only what changed.
//!
//! The recipe:
//!
//! 1. **scan** `public/`: every file's content hash, kind and headers
//!    ([`local`]);
//! 2. **read the target**: one listing, and the manifest digest keeps there
//!    (content hash and ETag of each file it uploaded) ([`remote`]);
//! 3. **compare**: a file is unchanged when the target holds the object
//!    the manifest describes (same ETag) with the same content hash and
//!    headers; everything else is uploaded, and objects the site no longer
//!    has are deleted ([`plan`]);
//! 4. **order** the uploads so that a deploy interrupted at any moment
//!    leaves every page's links working: files, then styles, then pages
//!    (each after the new pages it links to), feeds, the sitemap and the
//!    front door; deletions last ([`order`]);
//! 5. **upload** with a concurrency limit and retries, checkpointing the
//!    manifest as it goes, so the next deploy finishes an interrupted one
//!    ([`run`]);
//! 6. **tell the CDN** which addresses changed ([`purge`]).
//!
//! The library never prints: progress arrives as [`Event`]s.

pub mod local;
pub mod order;
pub mod plan;
pub mod purge;
pub mod remote;
pub mod run;
pub mod store;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::{Config, DeployTarget};
use crate::error::{Diagnostic, did_you_mean};

pub use local::{Kind, LocalFile, LocalSite};
pub use plan::{Change, Plan};
pub use store::Traffic;

/// What `digest deploy` was asked to do.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// The built site to publish (`public/`).
    pub public: PathBuf,
    /// The target's name; `None` picks the only one.
    pub target: Option<String>,
    /// Print the plan and touch nothing.
    pub dry_run: bool,
    /// Delete objects the site no longer has (`--no-delete` turns it off).
    pub delete: bool,
    /// How many uploads run at once.
    pub jobs: usize,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            public: PathBuf::from("public"),
            target: None,
            dry_run: false,
            delete: true,
            jobs: 16,
        }
    }
}

/// Progress of a deploy, for the command line to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// The comparison is done: what will happen (`plan`'s indices are
    /// into `site.files`).
    Planned {
        plan: &'a Plan,
        site: &'a LocalSite,
    },
    /// A step begins: `files` uploads (or deletions) of `bytes` in all.
    Step {
        name: &'static str,
        files: usize,
        bytes: u64,
    },
    Uploaded {
        key: &'a str,
        bytes: u64,
    },
    Deleted {
        key: &'a str,
    },
}

/// What a deploy did.
#[derive(Debug, Clone, Default)]
pub struct DeployReport {
    pub target: String,
    pub uploaded: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Objects the site no longer has, kept because of `--no-delete`.
    pub kept: usize,
    /// Bytes of files uploaded (the manifest not included).
    pub bytes: u64,
    /// Requests sent to the store and the bytes of their bodies.
    pub traffic: Traffic,
    /// The absolute addresses whose content changed or disappeared, for a
    /// CDN purge (new addresses were never cached and are not listed).
    pub purge: Vec<String>,
    /// Why the `purge:` webhook could not be told, if it could not: the
    /// site is deployed all the same.
    pub purge_error: Option<String>,
    pub dry_run: bool,
    pub elapsed: Duration,
}

/// Deploys `options.public` to a target of `config`.
pub fn deploy(
    config: &Config,
    options: &DeployOptions,
    events: &(dyn Fn(&Event) + Sync),
) -> Result<DeployReport, Diagnostic> {
    let started = Instant::now();
    let target = choose_target(config, options.target.as_deref())?;
    let site = {
        // No build swaps a new site in while it is read; one that does so
        // later, mid-upload, is caught by each file's check of its hash.
        let _lock = lock_output(&options.public)?;
        LocalSite::scan(&options.public, &target.cache_control)?
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(None, format!("could not start the deploy: {e}")))?;
    let mut report = runtime.block_on(async {
        let store = store::open(target)?;
        let fail = |err: object_store::Error| store::describe(target, &err);
        let remote = remote::read(&store).await.map_err(fail)?;
        let plan = Plan::compare(&site, &remote, options.delete);
        events(&Event::Planned {
            plan: &plan,
            site: &site,
        });
        let mut report = DeployReport {
            target: target.name.clone(),
            unchanged: plan.unchanged,
            kept: plan.kept.len(),
            dry_run: options.dry_run,
            ..DeployReport::default()
        };
        if options.dry_run {
            return Ok(report);
        }
        let steps = order::steps(&site, &plan, &config.base_url);
        let done = run::execute(&store, &site, &plan, &remote, &steps, options.jobs, events).await;
        let done = done.map_err(|failure| failure.describe(target))?;
        report.uploaded = done.uploaded;
        report.deleted = done.deleted;
        report.bytes = done.bytes;
        report.purge = purge::addresses(&site, &plan, &config.base_url);
        if let (Some(hook), false) = (&target.purge, report.purge.is_empty()) {
            report.purge_error = purge::notify(hook, &target.name, &report.purge).await.err();
        }
        report.traffic = store.traffic();
        Ok::<_, Diagnostic>(report)
    })?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Takes the lock `digest build` holds while it writes `public`, if
/// builds have written there.
fn lock_output(public: &std::path::Path) -> Result<Option<std::fs::File>, Diagnostic> {
    let lock = crate::publish::sink::DirSink::lock_path(&crate::cache_dir_for(public));
    let Ok(file) = std::fs::OpenOptions::new().write(true).open(&lock) else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
            None,
            format!("a digest build is writing {}", public.display()),
        )
        .with_help("wait for it to finish, then deploy")),
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// The target named on the command line, or the only one there is.
pub fn choose_target<'a>(
    config: &'a Config,
    name: Option<&str>,
) -> Result<&'a DeployTarget, Diagnostic> {
    let names: Vec<&str> = config.deploy.keys().map(String::as_str).collect();
    match name {
        Some(name) => config.deploy.get(name).ok_or_else(|| {
            let help = match did_you_mean(name, names.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if names.is_empty() => {
                    "add one under `deploy:` in digest.yaml, e.g. `deploy: { production: { url: s3://bucket/www/ } }`".to_string()
                }
                None => format!("the targets in digest.yaml are: {}", names.join(", ")),
            };
            Diagnostic::error(None, format!("digest.yaml has no deploy target `{name}`"))
                .with_help(help)
        }),
        None => match names.as_slice() {
            [] => Err(Diagnostic::error(None, "digest.yaml has no deploy target")
                .with_help("add one under `deploy:`, e.g. `deploy: { production: { url: s3://bucket/www/ } }`")),
            [_] => Ok(&config.deploy[0]),
            several => Err(Diagnostic::error(
                None,
                format!(
                    "digest.yaml has {} deploy targets: {}",
                    several.len(),
                    several.join(", ")
                ),
            )
            .with_help(format!("name the one to deploy to, e.g. `digest deploy {}`", several[0]))),
        },
    }
}
