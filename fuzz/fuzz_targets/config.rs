//! `digest.yaml`: decoded and checked as the config stage does.
//! The stage runs through `tests/suite/common/stages.rs`, which the
//! regression test shares.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/suite/common/pipeline.rs"]
mod pipeline;
#[path = "../../tests/suite/common/stages.rs"]
mod stages;

fuzz_target!(|data: &[u8]| {
    static STAGES: OnceLock<stages::Stages> = OnceLock::new();
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    STAGES
        .get_or_init(|| stages::Stages::new(std::path::Path::new(repo)))
        .config(data);
});
