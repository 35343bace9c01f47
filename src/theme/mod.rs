//! The theme stage: Tera templates, static files and UI strings, loaded
//! once per build (or kept from the last build of a `digest serve` when
//! only content changed), and the template functions digest gives them.
//! The default theme is also inside the binary (`builtin`).

pub mod blocks;
pub mod builtin;
pub mod functions;
pub mod load;
pub mod options;
