//! An article file's front matter (and body), as the parse stage reads it.
//! The stage runs through `tests/suite/common/stages.rs` (see `common/`),
//! which the regression test shares.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::stages().front_matter(data));
