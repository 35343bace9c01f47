//! HTML helpers shared by the stages: how deep markup nests, read without
//! building a tree (`nesting`), a start tag's attributes (`attributes`),
//! and minification with partials minified once per build (`minify`).

pub mod attributes;
pub mod minify;
pub mod nesting;
