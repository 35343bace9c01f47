//! What every per-stage target shares: the suite's `stages.rs` (and the
//! `pipeline.rs` it uses), included by their paths, set up once on the
//! repository's example site.

use std::path::Path;
use std::sync::OnceLock;

#[allow(dead_code)]
#[path = "../../../tests/suite/common/pipeline.rs"]
mod pipeline;
// Each target calls one stage of it.
#[allow(dead_code)]
#[path = "../../../tests/suite/common/stages.rs"]
pub mod stages;

/// The stages, made once per fuzzing process.
pub fn stages() -> &'static stages::Stages {
    static STAGES: OnceLock<stages::Stages> = OnceLock::new();
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    STAGES.get_or_init(|| stages::Stages::new(Path::new(repo)))
}
