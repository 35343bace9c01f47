//! A body's Markdown: link rewriting, raw HTML sanitized or escaped, nesting limits; nothing may run.
//! The stage runs through `tests/suite/common/stages.rs` (see `common/`),
//! which the regression test shares.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::stages().markdown(data));
