//! From `content/` to typed articles: the walk (what each file is, without
//! reading it), front matter and Markdown (with the pictures and embeds a
//! body shows), and the parse stage with its cache of parsed articles.

pub mod addresses;
pub mod article;
pub mod articles;
pub mod body;
pub mod embeds;
pub mod front_matter;
pub mod markdown;
pub mod media;
pub mod raw_html;
pub mod walk;
