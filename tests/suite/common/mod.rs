//! What every feature module builds on.
//!
//! - [`Site`]: a fixture site in a temporary folder — written story by
//!   story ([`Story`], or [`Site::stories`] for any number of them), built
//!   in-process or by the `digest` binary, edited and built again;
//! - [`Built`] and [`Files`]: what a build published, read back and parsed
//!   ([`Page`] for HTML, roxmltree for XML, serde_json for JSON);
//! - [`browser`], [`nginx`], [`s3`] and [`http`]: Chromium, a static web
//!   server, an S3-compatible server and an HTTP client, for tests that
//!   need them;
//! - [`pipeline`]: the content pipeline on one input, shared with the fuzz
//!   target; [`stages`]: each input stage on one input, shared with the
//!   per-stage fuzz targets.
//! - [`mount`]: a small tmpfs of a test's own, for full and read-only disks.
//! - [`pictures`]: real picture files made in the test, with camera
//!   metadata, and damaged or hostile ones.
//!
//! Builds go through `site.rs` and `pipeline.rs`; the feature modules
//! assert on what comes out. A few reach into the library for what only it
//! can show: `hosting` plans a site past the sitemap limit (from
//! [`Loaded`]), `publish` rewrites the state a killed build leaves, `serve`
//! runs the server, and so does `scheduling` (a story falling due while
//! it runs).

pub mod browser;
mod built;
pub mod http;
pub mod mount;
pub mod nginx;
pub mod pictures;
pub mod pipeline;
pub mod s3;
mod site;
pub mod stages;

/// A small deterministic random generator, so failures can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() % items.len()]
    }
}

pub use built::{Built, Files, Page, file_of, warnings};
pub use site::{CONFIG, Loaded, Site, Story, TAGS, repo};
