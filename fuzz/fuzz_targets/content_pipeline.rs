//! Arbitrary bytes as an article: front matter, Markdown, and every page of
//! the resulting site rendered through the default theme (see
//! `tests/suite/common/pipeline.rs`, which the regression test shares).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/suite/common/pipeline.rs"]
mod pipeline;

fuzz_target!(|data: &[u8]| {
    static PIPELINE: OnceLock<pipeline::Pipeline> = OnceLock::new();
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    PIPELINE
        .get_or_init(|| pipeline::Pipeline::new(std::path::Path::new(repo)))
        .run_on_worker_stack(data);
});
