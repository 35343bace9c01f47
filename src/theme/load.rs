//! The theme: Tera templates, static files and UI strings, loaded once per
//! build. Templates are parsed here, once; static CSS and JS get a content
//! hash in their published name so that hosts can cache them forever.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::files::{AssetFile, AssetSource, Changes, is_ignored};
use crate::html::minify;
use crate::locale::strings::{Locales, StringFiles};
use crate::theme::functions::register_functions;
use crate::theme::options::{self, Options, THEME_FILE};
use crate::theme::{blocks, builtin};
use crate::urls::Route;

/// Templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "article.html",
    "page.html",
    "list.html",
    "topics.html",
    "search.html",
    "authors.html",
    "front.html",
    "404.html",
    "edition.html",
    "editions.html",
    "email/edition.html",
    "email/edition.txt",
];

/// A loaded theme.
pub struct Theme {
    /// `themes/<name>`, relative to the site root (for messages).
    pub dir: PathBuf,
    /// Whether it is the site's folder or the built-in theme.
    pub origin: ThemeOrigin,
    pub tera: tera::Tera,
    /// The same templates with their partials marked, for minified sites
    /// (see [`crate::html::minify`]).
    pub marked: Option<tera::Tera>,
    pub locales: Arc<Locales>,
    /// The theme's options, as the site sets them (`theme_options:`).
    pub options: Options,
    /// Static files, with the names they are published under.
    pub assets: Vec<AssetFile>,
    /// Changes when any template, UI string or static file does.
    pub fingerprint: u64,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("dir", &self.dir)
            .field("origin", &self.origin)
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// The theme stage: the configured theme, loaded, or the one `last` holds
/// when every change since it was loaded is inside `content/` (which leaves
/// the configuration and the theme as they were). `None` if it does not
/// load; its problems are in `problems`. `last` keeps the theme for the
/// next build of this process.
pub fn stage(
    config: &Config,
    changes: Changes,
    last: &mut Option<Arc<Theme>>,
    problems: &mut Diagnostics,
) -> Option<Arc<Theme>> {
    let theme = match last.take() {
        Some(theme) if changes.all(|p| p.starts_with("content")) => Some(theme),
        _ => Theme::load(config)
            .map_err(|d| problems.extend(d))
            .ok()
            .map(Arc::new),
    };
    last.clone_from(&theme);
    theme
}

/// Where a theme's files come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeOrigin {
    /// A folder of the site, `themes/<name>/`.
    Folder,
    /// The default theme inside digest ([`crate::theme::builtin`]), used
    /// when `theme: default` and the site has no `themes/default/`.
    BuiltIn,
}

/// The files of a theme, read: (path inside the theme with `/`, bytes).
type ThemeFiles = Vec<(Cow<'static, str>, Cow<'static, [u8]>)>;

/// The files of `folder` (a theme folder's `templates`, `static`, `i18n`).
fn in_folder<'f>(files: &'f ThemeFiles, folder: &str) -> Vec<(&'f str, &'f [u8])> {
    files
        .iter()
        .filter_map(|(path, bytes)| {
            let name = path.strip_prefix(folder)?.strip_prefix('/')?;
            Some((name, &**bytes))
        })
        .collect()
}

/// The configured theme's files: the site's `themes/<name>/` folder, whole,
/// or, for `default` with no such folder, the built-in theme.
fn theme_files(config: &Config, dir: &Path) -> Result<(ThemeOrigin, ThemeFiles), Diagnostics> {
    let abs = config.root.join(dir);
    if abs.is_dir() {
        let mut problems = Diagnostics::new();
        let files = read_tree(&abs, dir, &mut problems)
            .into_iter()
            .map(|(name, bytes)| (Cow::Owned(name), Cow::Owned(bytes)))
            .collect();
        return match problems.has_errors() {
            true => Err(problems),
            false => Ok((ThemeOrigin::Folder, files)),
        };
    }
    if config.theme == builtin::NAME {
        let files = builtin::files()
            .iter()
            .map(|(name, bytes)| (Cow::Borrowed(*name), Cow::Borrowed(*bytes)))
            .collect();
        return Ok((ThemeOrigin::BuiltIn, files));
    }
    Err(Diagnostics::from_iter([Diagnostic::error(
        None,
        format!(
            "the theme `{}` does not exist (no folder {})",
            config.theme,
            dir.display()
        ),
    )
    .with_help(format!(
        "set `theme:` in digest.yaml to `{}` (built into digest) or to a folder under themes/",
        builtin::NAME
    ))]))
}

impl Theme {
    /// Loads templates, strings and static files of the configured theme,
    /// with digest's template functions registered before templates are
    /// checked (Tera rejects templates calling unknown functions).
    pub fn load(config: &Config) -> Result<Theme, Diagnostics> {
        let dir = Path::new("themes").join(&config.theme);
        let (origin, files) = theme_files(config, &dir)?;
        let mut problems = Diagnostics::new();
        let templates = in_folder(&files, "templates");
        let statics = in_folder(&files, "static");
        let strings = StringFiles {
            dir: dir.join("i18n"),
            files: in_folder(&files, "i18n"),
            built_in: origin == ThemeOrigin::BuiltIn,
        };
        let locales = match Locales::load(config, &strings) {
            Ok(l) => Some(Arc::new(l)),
            Err(ds) => {
                problems.extend(ds);
                None
            }
        };
        // What pages show of the theme: its templates, static files and
        // UI strings, wherever they come from.
        let mut fingerprint = Xxh3::new();
        for (name, bytes) in templates.iter().chain(&statics).chain(&strings.files) {
            fingerprint.update(name.as_bytes());
            fingerprint.update(&xxh3_64(bytes).to_le_bytes());
        }
        let declared = files
            .iter()
            .find(|(path, _)| path == THEME_FILE)
            .map(|(_, bytes)| &**bytes);
        fingerprint.update(&xxh3_64(declared.unwrap_or_default()).to_le_bytes());
        let options = options::load(config, &dir, declared, &mut problems);
        // A file only an option uses is published with the option on.
        let published = |name: &str| !options.unused_files.iter().any(|u| u == name);
        let statics: Vec<(&str, &[u8])> = statics
            .into_iter()
            .filter(|(name, _)| published(name))
            .collect();
        let assets: Vec<AssetFile> = files
            .iter()
            .filter_map(|(path, bytes)| {
                let name = path.strip_prefix("static/").filter(|n| published(n))?;
                let hash = xxh3_64(bytes);
                let source = match (path, bytes) {
                    (Cow::Borrowed(name), Cow::Borrowed(bytes)) => {
                        AssetSource::BuiltIn { name, bytes }
                    }
                    _ => AssetSource::File(config.root.join(&dir).join(&**path)),
                };
                Some(AssetFile {
                    source,
                    route: asset_route(name, hash),
                    hash,
                })
            })
            .collect();
        let asset_urls: HashMap<String, String> = assets
            .iter()
            .zip(&statics)
            .map(|(a, (name, _))| (name.to_string(), a.route.href(&config.base_url)))
            .collect();
        let Some(locales) = locales else {
            return Err(problems);
        };
        let mut tera = tera::Tera::new();
        register_functions(&mut tera, &locales, &asset_urls);
        let sources: Vec<(String, String)> = templates
            .into_iter()
            .filter_map(|(name, bytes)| match String::from_utf8(bytes.to_vec()) {
                Ok(text) => Some((name.to_string(), text)),
                Err(_) => {
                    problems.push(Diagnostic::in_file(
                        &dir.join("templates").join(name),
                        "the template is not valid UTF-8",
                    ));
                    None
                }
            })
            .collect();
        match tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            Ok(()) => {
                for (name, text) in &sources {
                    problems
                        .extend(locales.check_template(&dir.join("templates").join(name), text));
                }
            }
            Err(err) => problems.extend(syntax_errors(&dir, &err, &sources)),
        }
        for required in REQUIRED_TEMPLATES {
            if !sources.iter().any(|(n, _)| n == required) {
                problems.push(
                    Diagnostic::error(
                        None,
                        format!(
                            "the theme has no template `{required}` ({})",
                            dir.join("templates").join(required).display()
                        ),
                    )
                    .with_help(match origin {
                        ThemeOrigin::Folder => format!("add the template; `digest theme copy {}` adds the files of the built-in theme that {} lacks", config.theme, dir.display()),
                        ThemeOrigin::BuiltIn => "add the template".to_string(),
                    }),
                );
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let marked = config.minify.then(|| {
            let partials = included(&sources);
            let mut marked = tera::Tera::new();
            register_functions(&mut marked, &locales, &asset_urls);
            let sources = sources
                .iter()
                .map(|(name, text)| match partials.contains(name) {
                    true => (name.as_str(), Cow::Owned(minify::mark_partial(text))),
                    false => (name.as_str(), Cow::Borrowed(text.as_str())),
                });
            marked.add_raw_templates(sources).ok().map(|()| marked)
        });
        Ok(Theme {
            dir,
            origin,
            tera,
            marked: marked.flatten(),
            locales,
            options: options.values,
            assets,
            fingerprint: fingerprint.digest(),
        })
    }
}

/// The templates that templates include: `{% include "name" %}`.
fn included(sources: &[(String, String)]) -> HashSet<String> {
    let mut names = HashSet::new();
    for (_, text) in sources {
        for (at, _) in text.match_indices("include") {
            let rest = text[at + "include".len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some((name, _)) = rest[1..].split_once(quote) {
                names.insert(name.to_string());
            }
        }
    }
    names.retain(|name| sources.iter().any(|(n, _)| n == name));
    names
}

/// `style.css` with hash → `style.1a2b3c4d.css`; other files keep their name.
fn asset_route(name: &str, hash: u64) -> Route {
    let (folders, file) = match name.rsplit_once('/') {
        Some((folders, file)) => (folders.split('/').map(str::to_string).collect(), file),
        None => (Vec::new(), name),
    };
    let published = match file.rsplit_once('.') {
        Some((stem, ext)) if ext == "css" || ext == "js" => hashed_name(stem, hash, ext),
        _ => file.to_string(),
    };
    Route::file(folders, &published)
}

fn hashed_name(stem: &str, hash: u64, ext: &str) -> String {
    format!("{stem}.{:08x}.{ext}", hash as u32)
}

/// Whether a published file's name carries the hash of `bytes`, as the
/// theme names CSS and JS (`style.1a2b3c4d.css`): such a file never changes
/// at its address, so hosts may cache it forever.
pub fn is_content_named(file_name: &str, bytes: &[u8]) -> bool {
    let Some((rest, ext)) = file_name.rsplit_once('.') else {
        return false;
    };
    let Some((stem, _)) = rest.rsplit_once('.') else {
        return false;
    };
    (ext == "css" || ext == "js") && hashed_name(stem, xxh3_64(bytes), ext) == file_name
}

/// Every file under `dir` as (path relative to `dir` with `/`, bytes).
fn read_tree(dir: &Path, shown: &Path, problems: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for path in walk_files(dir) {
        let rel = path.strip_prefix(dir).expect("under dir");
        let name = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read(&path) {
            Ok(bytes) => files.push((name, bytes)),
            Err(err) => problems.push(Diagnostic::io(
                &shown.join(rel),
                "read the theme file",
                &err,
            )),
        }
    }
    files
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// A Tera error as diagnostics at the template's file, line and column.
/// Tera checks all templates at once and joins its reports into one
/// message; each report becomes a diagnostic of its own.
pub fn template_errors(theme_dir: &Path, err: &tera::Error) -> Vec<Diagnostic> {
    let help = "fix the template; see https://keats.github.io/tera/docs/ for the syntax";
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    if let Some(report) = report.filter(|r| !r.filename().is_empty()) {
        let mut message = report.message().to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        let file = theme_dir.join("templates").join(report.filename());
        let span = report.span();
        return vec![
            Diagnostic::error(
                Some(Location::new(
                    file,
                    span.start_line.max(1),
                    span.start_col + 1,
                )),
                message,
            )
            .with_help(help),
        ];
    }
    let text = err.to_string();
    let reports: Vec<Diagnostic> = text
        .split("\n\n")
        .filter_map(|chunk| parse_report(theme_dir, chunk))
        .map(|d| d.with_help(help))
        .collect();
    if reports.is_empty() {
        vec![Diagnostic::error(None, format!("template error: {text}")).with_help(help)]
    } else {
        reports
    }
}

/// Tera's syntax errors, with those caused by a block left open (or
/// closed by the wrong end tag) replaced by one that names the block and
/// where it opens (see [`blocks`]).
fn syntax_errors(dir: &Path, err: &tera::Error, sources: &[(String, String)]) -> Vec<Diagnostic> {
    let templates = dir.join("templates");
    let mut explained = Vec::new();
    template_errors(dir, err)
        .into_iter()
        .filter_map(|d| {
            let file = d.location.as_ref().map(|l| l.file.clone());
            let unbalanced = file.as_ref().and_then(|file| {
                let (_, text) = sources
                    .iter()
                    .find(|(name, _)| templates.join(name) == *file)?;
                blocks::check(text).map(|b| (file.clone(), b))
            });
            match unbalanced {
                Some((file, _)) if explained.contains(&file) => None,
                Some((file, b)) => {
                    explained.push(file.clone());
                    Some(
                        Diagnostic::error(Some(Location::new(file, b.line, b.column)), b.message)
                            .with_help(b.help),
                    )
                }
                None => Some(d),
            }
        })
        .collect()
}

/// Reads one of Tera's reports: `error: <message>\n --> <template>:<line>:<column>`.
fn parse_report(theme_dir: &Path, chunk: &str) -> Option<Diagnostic> {
    let mut lines = chunk.lines();
    let message = lines.next()?.trim().strip_prefix("error: ")?;
    let locus = lines.next()?.trim().strip_prefix("--> ")?;
    let mut parts = locus.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let file = theme_dir.join("templates").join(name);
    Some(Diagnostic::error(
        Some(Location::new(file, line, column)),
        message,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_names_carry_their_hash() {
        assert_eq!(
            asset_route("style.css", 0xdead_beef).output_path(),
            "style.deadbeef.css"
        );
        assert_eq!(
            asset_route("js/reload.js", 0x1234).output_path(),
            "js/reload.00001234.js"
        );
        assert_eq!(asset_route("img/logo.svg", 1).output_path(), "img/logo.svg");
    }

    #[test]
    fn a_name_carries_a_hash_only_if_it_is_the_contents_hash() {
        let css = b"body { color: red }";
        let name = asset_route("style.css", xxh3_64(css)).output_path();
        assert!(is_content_named(&name, css));
        assert!(!is_content_named(&name, b"body { color: blue }"));
        assert!(!is_content_named("style.css", css));
        assert!(!is_content_named("photo.1a2b3c4d.jpg", css));
    }
}
