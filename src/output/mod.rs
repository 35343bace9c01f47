//! From the site model to files: the plan (every page, in one list, and
//! the menus that lead into it), the check of every link and picture
//! against it, page fingerprints, the views templates see, rendering,
//! feeds and the sitemap.

pub mod editions;
pub mod feeds;
pub mod fingerprint;
pub mod links;
pub mod menu;
pub mod plan;
pub mod render;
pub mod sitemap;
pub mod views;
