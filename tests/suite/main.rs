//! digest's integration tests, as one crate: a module per feature, all
//! sharing the helpers in `common/` (a fixture site to write, build and
//! read; a browser, a static host, an HTTP client). `cargo test` runs them
//! all; `cargo test --test suite feeds::` runs one feature's.

mod common;

mod bad_input;
mod browser;
mod build;
mod bylines;
mod concurrency;
mod deploy;
mod disk;
mod feeds;
mod fuzz_regressions;
mod gates;
mod hostile;
mod hosting;
mod i18n;
mod incremental;
mod links;
mod media;
mod media_browser;
mod minify;
mod newsletter;
mod publish;
mod publishing;
mod scheduling;
mod search;
mod serve;
mod static_host;
mod tagging;
mod tools;
mod topics;
mod warnings;
