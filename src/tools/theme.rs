//! `digest theme copy [NAME]`: the built-in theme written into the site's
//! `themes/NAME/` (`themes/default/` by default) for customising. A file
//! already there is never replaced: run again after an upgrade of digest,
//! it adds only the files the copy lacks.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, io_reason};
use crate::theme::builtin;
use crate::urls::check_slug;

/// What `theme copy` did, with paths relative to the site's folder.
#[derive(Debug)]
pub struct Copied {
    /// `themes/NAME`.
    pub dir: PathBuf,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Files that were there already, left as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes the built-in theme's files that `root/themes/name/` lacks.
pub fn copy(root: &Path, name: &str) -> Result<Copied, Diagnostic> {
    super::require_site(root)?;
    check_slug(name).map_err(|why| {
        Diagnostic::error(
            None,
            format!(
                "`{name}` cannot name a theme folder: {}",
                why.replacen("the slug", "the name", 1)
            ),
        )
        .with_help("use letters, digits and hyphens, e.g. `digest theme copy my-theme`")
    })?;
    let dir = Path::new("themes").join(name);
    let mut copied = Copied {
        dir: dir.clone(),
        written: Vec::new(),
        kept: Vec::new(),
    };
    for (path, bytes) in builtin::files() {
        let rel = dir.join(path);
        match super::create_new(&root.join(&rel), bytes) {
            Ok(()) => copied.written.push(rel),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => copied.kept.push(rel),
            Err(err) => {
                return Err(
                    Diagnostic::io(&rel, "write the theme file", &err).with_help(format!(
                        "check that {} is writable ({})",
                        dir.display(),
                        io_reason(&err)
                    )),
                );
            }
        }
    }
    Ok(copied)
}
