//! Puts the default theme (`themes/default/`) inside the binary, so that a
//! site needs no copy of it: writes `$OUT_DIR/builtin_theme.rs`, a table of
//! the theme's files (path relative to the theme, bytes), read by
//! `src/theme/builtin.rs`.
//!
//! Cargo runs this again whenever anything under `themes/default/`
//! changes, files added and removed included (`include_bytes!` alone would
//! notice only edits of the files it already names).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let theme = root.join("themes").join("default");
    println!("cargo::rerun-if-changed=themes/default");
    println!("cargo::rerun-if-changed=src/ignored.rs");
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut table = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        writeln!(
            table,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display()
        )
        .expect("a string");
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("builtin_theme.rs"), table).expect("OUT_DIR is writable");
}

/// Every file under `dir` as (path relative to `theme` with `/`, absolute
/// path), leaving out what the theme loader ignores in a theme folder
/// (hidden files and editors' leftovers, as `files::is_ignored` says).
fn collect(theme: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("a readable theme folder");
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ignored(&name) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(theme, &path, files);
        } else {
            let rel = path.strip_prefix(theme).expect("under the theme");
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push((rel.join("/"), path));
        }
    }
}

// `is_ignored`: the rule `files::is_ignored` applies (a build script
// cannot use the crate it builds).
include!("src/ignored.rs");
