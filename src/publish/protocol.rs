//! Bringing a sink up to date with the plan, rendering only what changed.
//!
//! Every page has a fingerprint; the state remembers the fingerprints of
//! the published files and of the sink's spare copy. A page whose
//! fingerprint the spare already holds needs nothing; one that the
//! published site holds unchanged is kept from it (a hard link for
//! [`DirSink`](crate::publish::sink::DirSink)); the rest are rendered and
//! written, in parallel: the files of each picture together, first (one
//! decoding makes all its sizes), then the pages. Files the site no longer
//! has are removed, and the sink then publishes everything at once. Files
//! a stage made itself ([`MadeFile`]: the search indexes) are published the
//! same way beside the pages.

use std::io;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{self, BuildError, Diagnostic, Diagnostics};
use crate::files::{AssetSource, Made, MadeFile, load_versioned, save_versioned};
use crate::output::plan::{Page, PageKind};
use crate::publish::sink::{Manifest, Sink, Spare};
use crate::publish::space::{self, Refusal};
use crate::report::Timings;

/// What the sink held after the last publish, kept between builds.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PublishState {
    /// Fingerprints of the files of the published site.
    #[serde(serialize_with = "crate::files::in_key_order")]
    pub published: Manifest,
    /// Fingerprints of the files in the spare folder, if known.
    #[serde(serialize_with = "crate::files::in_key_order_if_any")]
    pub spare: Option<Manifest>,
    /// The output folder's (device, inode) after the last publish.
    pub published_id: Option<(u64, u64)>,
}

/// The file the state is saved in.
pub const STATE_FILE: &str = "publish.bin";

impl PublishState {
    /// The state saved in `dir`, or an empty one (nothing known).
    pub fn load(dir: &Path) -> PublishState {
        load_versioned(&dir.join(STATE_FILE)).unwrap_or_default()
    }

    /// Saves the state in `dir`, atomically.
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        save_versioned(&dir.join(STATE_FILE), self)
    }
}

/// Renders one page: its bytes, or `None` for a file that is copied.
pub type Render<'a> = dyn Fn(&Page) -> Result<Option<Vec<u8>>, Diagnostic> + Sync + 'a;

/// Makes the files `outputs` of picture `picture` (the pages of kind
/// [`PageKind::Picture`]), in order, at once.
pub type RenderPicture<'a> =
    dyn Fn(usize, &[usize]) -> Result<Vec<Arc<[u8]>>, Diagnostic> + Sync + 'a;

/// What a publish did.
#[derive(Debug, Default)]
pub struct Published {
    /// Files in the site.
    pub files: usize,
    /// Files rendered or copied.
    pub written: Vec<String>,
    /// Files kept from the published site.
    pub kept: usize,
    /// Files removed because the site no longer has them.
    pub removed: Vec<String>,
    /// Nothing changed: the output was left alone.
    pub up_to_date: bool,
}

/// How to publish.
pub struct Publishing<'a> {
    /// Render every page, keep nothing.
    pub force: bool,
    /// Where the state is saved while the spare is in flux (`digest
    /// build`), so that an interrupted build is never mistaken for a
    /// finished one.
    pub cache_dir: Option<&'a Path>,
}

/// Whether the sink holds a file with this fingerprint that a build can
/// keep (staged already, or published and intact), as [`publish`] will
/// find it: for stages that would rather keep what they made before than
/// make it again.
pub fn holds<'a>(
    state: &'a PublishState,
    sink: &'a dyn Sink,
    force: bool,
) -> impl Fn(&str, u128) -> bool + 'a {
    let intact = sink.is_intact();
    move |path, print| {
        !force
            && ((intact && state.published.get(path) == Some(&print))
                || state
                    .spare
                    .as_ref()
                    .is_some_and(|spare| spare.get(path) == Some(&print)))
    }
}

/// The publish stage: `pages` (with their `fingerprints`, in the same
/// order) and the `made` files into `sink`, rendering with `render` only
/// what `state` says the sink does not hold. Render failures, and files
/// that could not be made, are added to `problems`, which the error then
/// carries.
#[allow(clippy::too_many_arguments)]
pub fn publish(
    pages: &[Page],
    fingerprints: Vec<u128>,
    made: &dyn Made,
    render: &Render,
    render_picture: &RenderPicture,
    how: &Publishing,
    state: &mut PublishState,
    sink: &mut dyn Sink,
    timings: &mut Timings,
    problems: &mut Diagnostics,
) -> Result<Published, BuildError> {
    // Files still being made are new: a build that makes any is not
    // unchanged.
    if let Some(made) = made.known() {
        let files = pages.len() + made.len();
        let unchanged = files == state.published.len()
            && site_files(pages, &fingerprints, made)
                .all(|(path, print)| state.published.get(path) == Some(&print));
        if !how.force && unchanged && sink.is_intact() {
            return Ok(Published {
                files,
                kept: files,
                up_to_date: true,
                ..Published::default()
            });
        }
    }
    let fatal = |sink: &mut dyn Sink, what: &str, err: io::Error| {
        BuildError::Fatal(match (Refusal::of(&err), sink.target()) {
            (Some(refusal), Some(target)) => {
                sink.discard();
                space::diagnostic(refusal, &target.output, Some(&target))
            }
            _ => Diagnostic::error(
                None,
                format!("could not {what}: {}", error::io_reason(&err)),
            ),
        })
    };
    // Whether the output holds what `state.published` says: only then is
    // it, once swapped out, a spare whose contents are known.
    let intact = sink.is_intact();
    // From here on the spare's contents are in flux until published.
    let spare = state.spare.take();
    let staged = match sink.prepare(&state.published, spare.as_ref()) {
        Ok(staged) => staged,
        Err(e) => return Err(fatal(sink, "prepare the output", e)),
    };
    if let Some(dir) = how.cache_dir {
        state.save(dir).map_err(|err| {
            BuildError::Fatal(Diagnostic::error(
                None,
                format!(
                    "could not save the build cache in {}: {}",
                    dir.display(),
                    error::io_reason(&err)
                ),
            ))
        })?;
    }
    let empty = Manifest::default();
    let (staged_view, published_view) = if how.force {
        (&empty, &empty)
    } else if !intact {
        // The published folder is not the one the last build left (a build
        // was killed after the swap, or someone replaced it): its files may
        // not match `state.published`, so none is kept.
        (&*staged, &empty)
    } else {
        (&*staged, &state.published)
    };
    timings.mark("prepare");
    let sink_ref: &dyn Sink = sink;
    let views = [staged_view, published_view];
    let mut outcomes = write_pictures(render_picture, sink_ref, pages, &fingerprints, views);
    timings.mark("pictures");
    outcomes.par_extend(
        pages
            .par_iter()
            .zip(&fingerprints)
            .filter(|(page, _)| !matches!(page.kind, PageKind::Picture { .. }))
            .map(|(page, print)| {
                write_page(render, sink_ref, page, *print, staged_view, published_view)
            }),
    );
    timings.mark("render and write");
    let made = match made.wait() {
        Ok(made) => made,
        Err(failed) => {
            sink.discard();
            problems.extend(failed);
            problems.sort();
            return Err(BuildError::Invalid(std::mem::take(problems)));
        }
    };
    timings.mark("search wait");
    let made_outcomes: Vec<Outcome> = made
        .par_iter()
        .map(|file| write_made(sink_ref, file, staged_view, published_view))
        .collect();
    let mut published = Published {
        files: pages.len() + made.len(),
        ..Published::default()
    };
    timings.mark("search write");
    let files = || site_files(pages, &fingerprints, made);
    // A sink that stages over the published files (in memory), given a
    // site of the same files: the state's manifest is brought up to date
    // where fingerprints changed, and nothing is removed.
    let mut changed = Vec::new();
    let in_place = std::ptr::eq(&*staged, &state.published)
        && staged.len() == published.files
        && files().all(|(path, print)| match staged.get(path) {
            Some(old) if *old == print => true,
            Some(_) => {
                changed.push((path, print));
                true
            }
            None => false,
        });
    let manifest: Option<Manifest> = (!in_place).then(|| {
        files()
            .map(|(path, print)| (path.to_string(), print))
            .collect()
    });
    timings.mark("manifest");
    let mut failed = Diagnostics::new();
    // Files the disk refused are one problem, said once below.
    let mut refused = None;
    for outcome in outcomes.into_iter().chain(made_outcomes) {
        match outcome {
            Outcome::Unchanged => {}
            Outcome::Kept => published.kept += 1,
            Outcome::Written(path) => published.written.push(path),
            Outcome::Failed(d) => failed.push(d),
            Outcome::Refused(refusal) => refused = refused.or(Some(refusal)),
        }
    }
    let gone = manifest
        .iter()
        .flat_map(|manifest| (staged.keys()).filter(|path| !manifest.contains_key(path.as_str())));
    for path in gone {
        if let Err(err) = sink.remove(path) {
            match Refusal::of(&err) {
                Some(refusal) => refused = refused.or(Some(refusal)),
                None => failed.push(Diagnostic::error(
                    None,
                    format!("could not remove {path}: {}", error::io_reason(&err)),
                )),
            }
        }
        if state.published.contains_key(path) {
            published.removed.push(path.clone());
        }
    }
    drop(staged);
    if failed.has_errors() || refused.is_some() {
        let target = sink.target();
        sink.discard();
        if let (Some(refusal), Some(target)) = (refused, target) {
            failed.push(space::diagnostic(refusal, &target.output, Some(&target)));
        }
        problems.extend(failed);
        problems.sort();
        return Err(BuildError::Invalid(std::mem::take(problems)));
    }
    if let Err(e) = sink.publish() {
        return Err(fatal(sink, "publish the site", e));
    }
    timings.mark("publish");
    let spare = sink.spare_after_publish();
    let previous = match manifest {
        Some(manifest) => std::mem::replace(&mut state.published, manifest),
        None => {
            let previous = if spare == Spare::Previous && intact {
                state.published.clone()
            } else {
                Manifest::default()
            };
            for (path, print) in changed {
                if let Some(old) = state.published.get_mut(path) {
                    *old = print;
                }
            }
            previous
        }
    };
    state.spare = match spare {
        Spare::Published => Some(state.published.clone()),
        Spare::Previous if intact => Some(previous),
        Spare::Previous | Spare::None => None,
    };
    published.written.sort();
    published.removed.sort();
    Ok(published)
}

/// The site's files as the state remembers them: each page's path and
/// fingerprint, then the made files'.
fn site_files<'a>(
    pages: &'a [Page],
    fingerprints: &'a [u128],
    made: &'a [MadeFile],
) -> impl Iterator<Item = (&'a str, u128)> + 'a {
    (pages.iter().zip(fingerprints))
        .map(|(page, print)| (page.path.as_str(), *print))
        .chain(made.iter().map(|f| (f.path.as_str(), f.fingerprint)))
}

enum Outcome {
    Unchanged,
    Kept,
    Written(String),
    Failed(Diagnostic),
    /// The disk refused the file (full, over quota, read-only).
    Refused(Refusal),
}

/// What became of a file that needs no writing: it is staged already, or
/// kept from the published site. `None` if it must be written.
fn settled(
    sink: &dyn Sink,
    path: &str,
    fingerprint: u128,
    staged: &Manifest,
    published: &Manifest,
) -> Option<Outcome> {
    if staged.get(path) == Some(&fingerprint) {
        return Some(Outcome::Unchanged);
    }
    if published.get(path) == Some(&fingerprint) {
        match sink.keep(path) {
            Ok(true) => return Some(Outcome::Kept),
            Ok(false) => {}
            Err(err) => return Some(io_failure(path, "keep", &err)),
        }
    }
    None
}

/// Writes the files of pictures that are neither staged nor kept: the
/// missing files of each picture are made together, pictures in parallel,
/// and written as soon as they are made.
fn write_pictures(
    render: &RenderPicture,
    sink: &dyn Sink,
    pages: &[Page],
    fingerprints: &[u128],
    [staged, published]: [&Manifest; 2],
) -> Vec<Outcome> {
    let mut by_picture: Vec<Vec<(usize, &str, u128)>> = Vec::new();
    for (page, print) in pages.iter().zip(fingerprints) {
        if let PageKind::Picture {
            picture, output, ..
        } = page.kind
        {
            if by_picture.len() <= picture {
                by_picture.resize_with(picture + 1, Vec::new);
            }
            by_picture[picture].push((output, &page.path, *print));
        }
    }
    by_picture
        .par_iter()
        .enumerate()
        .flat_map_iter(|(picture, files)| {
            let mut outcomes = Vec::new();
            let mut wanted = Vec::new();
            for &(output, path, print) in files {
                match settled(sink, path, print, staged, published) {
                    Some(outcome) => outcomes.push(outcome),
                    None => wanted.push((output, path)),
                }
            }
            if wanted.is_empty() {
                return outcomes;
            }
            let outputs: Vec<usize> = wanted.iter().map(|(o, _)| *o).collect();
            match render(picture, &outputs) {
                Ok(made) => {
                    outcomes.extend(wanted.iter().zip(made).map(|((_, path), bytes)| {
                        match sink.write(path, &bytes) {
                            Ok(()) => Outcome::Written(path.to_string()),
                            Err(err) => io_failure(path, "write", &err),
                        }
                    }));
                }
                Err(d) => outcomes.push(Outcome::Failed(d)),
            }
            outcomes
        })
        .collect()
}

fn write_made(
    sink: &dyn Sink,
    file: &MadeFile,
    staged: &Manifest,
    published: &Manifest,
) -> Outcome {
    let path = file.path.as_str();
    if let Some(outcome) = settled(sink, path, file.fingerprint, staged, published) {
        return outcome;
    }
    match &file.bytes {
        Some(bytes) => match sink.write(path, bytes) {
            Ok(()) => Outcome::Written(path.to_string()),
            Err(err) => io_failure(path, "write", &err),
        },
        // The stage made sure, with `holds`, that the sink has it.
        None => Outcome::Failed(
            Diagnostic::error(None, format!("{path} went missing from the output"))
                .with_help("build again with --force"),
        ),
    }
}

fn write_page(
    render: &Render,
    sink: &dyn Sink,
    page: &Page,
    fingerprint: u128,
    staged: &Manifest,
    published: &Manifest,
) -> Outcome {
    let path = page.path.as_str();
    if let Some(outcome) = settled(sink, path, fingerprint, staged, published) {
        return outcome;
    }
    let result = match &page.kind {
        PageKind::Asset { source, .. } => match source {
            AssetSource::File(file) => sink.copy(path, file),
            AssetSource::BuiltIn { bytes, .. } => sink.write(path, bytes),
        },
        _ => match render(page) {
            Ok(Some(bytes)) => sink.write(path, &bytes),
            Ok(None) => Ok(()),
            Err(d) => return Outcome::Failed(d),
        },
    };
    match result {
        Ok(()) => Outcome::Written(path.to_string()),
        Err(err) => io_failure(path, "write", &err),
    }
}

fn io_failure(path: &str, doing: &str, err: &io::Error) -> Outcome {
    if let Some(refusal) = Refusal::of(err) {
        return Outcome::Refused(refusal);
    }
    Outcome::Failed(
        Diagnostic::error(
            None,
            format!("could not {doing} {path}: {}", error::io_reason(err)),
        )
        .with_help("check that the output folder is writable and the disk is not full"),
    )
}

/// Publishes files made after the build that published the site (`digest
/// serve`'s search indexes, built in the background) into a sink that
/// publishes in place ([`MemorySink`](crate::publish::sink::MemorySink)):
/// the `made` files are written unless published already, the `gone` ones
/// removed, and `state` remembers it all. Returns how many files were
/// written.
pub fn publish_in_place(
    made: &[MadeFile],
    gone: &[String],
    state: &mut PublishState,
    sink: &mut dyn Sink,
) -> io::Result<usize> {
    sink.prepare(&state.published, None)?;
    let mut written = 0;
    for file in made {
        if state.published.get(&file.path) != Some(&file.fingerprint) {
            let Some(bytes) = &file.bytes else {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is not published and has no bytes", file.path),
                ));
            };
            sink.write(&file.path, bytes)?;
            written += 1;
        }
    }
    for path in gone {
        sink.remove(path)?;
    }
    sink.publish()?;
    for path in gone {
        state.published.remove(path);
    }
    state
        .published
        .extend(made.iter().map(|f| (f.path.clone(), f.fingerprint)));
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::sink::MemorySink;

    /// Files made while the pages are written: what [`Made::wait`] gives.
    struct Late(Result<Vec<MadeFile>, Diagnostics>);

    impl Made for Late {
        fn known(&self) -> Option<&[MadeFile]> {
            None
        }

        fn wait(&self) -> Result<&[MadeFile], Diagnostics> {
            self.0.as_deref().map_err(Clone::clone)
        }
    }

    fn made(path: &str, bytes: &[u8]) -> MadeFile {
        MadeFile {
            path: path.to_string(),
            fingerprint: xxhash_rust::xxh3::xxh3_128(bytes),
            bytes: Some(Arc::from(bytes)),
        }
    }

    fn publish_late(
        late: &Late,
        state: &mut PublishState,
        sink: &mut MemorySink,
    ) -> Result<Published, BuildError> {
        let how = Publishing {
            force: false,
            cache_dir: None,
        };
        publish(
            &[],
            Vec::new(),
            late,
            &|_| Ok(None),
            &|_, _| Ok(Vec::new()),
            &how,
            state,
            sink,
            &mut Timings::start(),
            &mut Diagnostics::new(),
        )
    }

    #[test]
    fn files_made_beside_the_pages_are_published_with_them_or_nothing_is() {
        let mut sink = MemorySink::new();
        let mut state = PublishState::default();
        let first = Late(Ok(vec![made("pagefind/ar/a.pf_index", b"one")]));
        let published = publish_late(&first, &mut state, &mut sink).unwrap();
        assert_eq!(published.written, ["pagefind/ar/a.pf_index"]);
        assert_eq!(published.files, 1);
        let message = "could not build the search index of the `en` edition: no memory";
        let failed = Late(Err(Diagnostics::from_iter([Diagnostic::error(
            None, message,
        )])));
        let Err(BuildError::Invalid(problems)) = publish_late(&failed, &mut state, &mut sink)
        else {
            panic!("a build whose index failed published");
        };
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, [message]);
        {
            let pages = sink.pages();
            let pages = pages.read().unwrap();
            assert_eq!(&*pages["pagefind/ar/a.pf_index"], b"one");
            assert_eq!(pages.len(), 1);
        }
        assert_eq!(state.published.len(), 1);
        // The same files made again are kept, not written.
        let again = publish_late(&first, &mut state, &mut sink).unwrap();
        assert!(again.written.is_empty(), "{:?}", again.written);
        assert!(!again.up_to_date);
    }
}
