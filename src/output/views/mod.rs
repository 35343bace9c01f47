//! The views templates see: their contract (`contract`: one typed view per
//! page kind) and how they are made from the site (`sources` for what
//! every page shares, `article`, `lists`, `search`).

pub mod article;
pub mod contract;
pub mod editions;
pub mod lists;
pub mod search;
pub mod sources;
