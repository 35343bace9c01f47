//! HTML helpers shared by the stages: how deep markup nests, read without
//! building a tree (`nesting`), and minification with partials minified
//! once per build (`minify`).

pub mod minify;
pub mod nesting;
