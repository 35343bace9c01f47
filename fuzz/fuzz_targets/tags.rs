//! `tags.yaml`, as the topics stage loads it.
//! The stage runs through `tests/suite/common/stages.rs` (see `common/`),
//! which the regression test shares.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::stages().tags(data));
