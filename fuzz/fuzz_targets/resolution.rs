//! Tags and bylines (one a line) resolved against the example's topics and authors.
//! The stage runs through `tests/suite/common/stages.rs` (see `common/`),
//! which the regression test shares.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::stages().resolution(data));
