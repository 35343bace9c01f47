//! digest: a static site generator for a bilingual news digest.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod article;
pub mod config;
pub mod error;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod parse;
pub mod site;
pub mod topics;
pub mod yaml;
