//! The default theme, inside the binary: a site whose `theme:` is
//! `default` and that has no `themes/default/` folder is built with it, so
//! a new site needs nothing but `digest`. `digest theme copy` writes it out
//! for customising.
//!
//! The files are those of the repository's `themes/default/` when digest
//! was compiled (see `build.rs`).

/// The theme's name: what `theme:` says to use it.
pub const NAME: &str = "default";

mod table {
    include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));
}

/// Every file of the theme: its path inside the theme, `/`-separated
/// (`templates/base.html`), and its bytes; sorted by path.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    table::FILES
}

/// The file at `path` inside the theme (`archetypes/article.md`), if any.
pub fn file(path: &str) -> Option<&'static [u8]> {
    files()
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .map(|at| files()[at].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_holds_the_repository_theme() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for (path, bytes) in files() {
            assert_eq!(std::fs::read(repo.join(path)).unwrap(), *bytes, "{path}");
        }
        assert!(file("templates/base.html").is_some());
        assert!(file("i18n/ar.yaml").is_some());
        assert!(file("templates/nothing.html").is_none());
    }
}
