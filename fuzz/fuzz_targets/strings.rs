//! A theme's UI strings (`i18n/ar.yaml`, and `en.yaml` after a NUL byte), checked against the site's languages.
//! The stage runs through `tests/suite/common/stages.rs` (see `common/`),
//! which the regression test shares.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::stages().strings(data));
