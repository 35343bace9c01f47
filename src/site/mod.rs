//! The site model: `tags.yaml`'s topics and `authors.yaml`'s authors,
//! articles' tags and bylines resolved to them, and the immutable
//! [`model::Site`] (translations, editions, orderings, related stories,
//! stamps) that every page is planned and rendered from.

pub mod authors;
pub mod bylines;
pub mod model;
pub mod names;
pub mod related;
pub mod schedule;
pub mod tagging;
pub mod topics;
