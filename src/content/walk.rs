//! Walk `content/` and say what each file is, without reading it yet.
//!
//! Reading is left to the next stage so that an incremental build can skip
//! files whose size and modification time say they did not change.
//!
//! Only what is meant goes out: articles, and files of the kinds readers
//! open ([`PUBLISHED_KINDS`], plus `publish_extensions:`). Backups, notes,
//! dotfiles and everything else stay out of the site, listed in one
//! warning. Names become addresses, so a language suffix digest cannot
//! read, or a name with a space or another character unsafe in a URL, is
//! an error with the name to use instead.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, Lang};
use crate::error::{Diagnostic, Diagnostics, Location, did_you_mean, io_reason};
use crate::files::{AssetFile, Changes, FileStamp, is_ignored, to_slash};
use crate::urls::{Route, safe_name, unsafe_char};

/// The topic table's file name, directly under `content/`.
pub const TAGS_FILE: &str = "tags.yaml";

/// The author table's file name, directly under `content/`.
pub const AUTHORS_FILE: &str = "authors.yaml";

/// The kinds of file under `content/` that are published as they are, by
/// extension (compared in lowercase). `publish_extensions:` in
/// `digest.yaml` adds more.
pub const PUBLISHED_KINDS: &[(&str, &[&str])] = &[
    (
        "pictures",
        &["jpg", "jpeg", "png", "gif", "webp", "avif", "svg"],
    ),
    (
        "audio",
        &["mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac"],
    ),
    ("video", &["mp4", "m4v", "webm", "ogv", "mov"]),
    ("captions", &["vtt"]),
    ("documents", &["pdf", "epub"]),
];

/// How many unpublished files the warning names before it counts the rest.
const LISTED: usize = 20;

/// A file under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root (`content/news/a.ar.md`): used in
    /// messages and as the file's identity.
    pub path: PathBuf,
    /// Path relative to `content/`, with `/` separators (`news/a.ar.md`).
    pub rel: String,
    pub kind: SourceKind,
    /// Size and modification time, to skip unchanged files.
    pub stamp: FileStamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A Markdown article: `<section>/<stem>.<lang>.md`.
    Article {
        lang: Lang,
        /// The folders between `content/` and the file (`news`), `""` at top.
        section: String,
        /// The file name without language and extension: the translation key.
        stem: String,
    },
    /// `content/tags.yaml`.
    Tags,
    /// `content/authors.yaml`.
    Authors,
    /// A file of a published kind: copied to the output as it is.
    Asset,
    /// Any other file (a backup, notes, a dotfile…): not published.
    Unpublished,
}

/// What a walk of `content/` found.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub files: Vec<SourceFile>,
    pub problems: Diagnostics,
}

/// The walk stage: what `content/` holds. `last` is the previous walk of
/// this process (`digest serve`), brought up to date with the reported
/// changes when that suffices (see [`rewalk`]); it keeps this walk for the
/// next build.
pub fn stage(
    config: &Config,
    changes: Changes,
    last: &mut Option<Arc<Walk>>,
    problems: &mut Diagnostics,
) -> Arc<Walk> {
    let previous = last
        .take()
        .map(|walk| Arc::try_unwrap(walk).unwrap_or_else(|shared| (*shared).clone()));
    let walk = Arc::new(rewalk(config, previous, changes.paths()));
    problems.extend(walk.problems.iter().cloned());
    *last = Some(walk.clone());
    walk
}

/// `previous` brought up to date with `changed` (paths relative to the
/// site's root, as a file watcher reports them) when that is enough: when
/// every changed path under `content/` is a file `previous` lists and
/// still a regular file, only those files are looked at again. Anything
/// else (a file added, removed or renamed, a folder changed, the
/// configuration changed, or the changes unknown) walks the whole folder.
pub fn rewalk(config: &Config, previous: Option<Walk>, changed: Option<&[PathBuf]>) -> Walk {
    if let (Some(mut walk), Some(changed)) = (previous, changed)
        && update(config, &mut walk.files, changed)
    {
        return walk;
    }
    let (files, problems) = walk(config);
    Walk { files, problems }
}

/// Restamps the changed files in `files`; false if that does not suffice.
fn update(config: &Config, files: &mut [SourceFile], changed: &[PathBuf]) -> bool {
    for path in changed {
        if !path.starts_with("content") {
            if path.starts_with("themes") {
                continue;
            }
            // digest.yaml, or anything unexpected.
            return false;
        }
        let Ok(at) = files.binary_search_by(|f| f.path.as_path().cmp(path)) else {
            return false;
        };
        match std::fs::metadata(config.root.join(path)) {
            Ok(meta) if meta.is_file() => files[at].stamp = FileStamp::of(&meta),
            _ => return false,
        }
    }
    true
}

/// Lists every source file under `content/`, sorted by path. Problems (an
/// unknown language suffix, an unsafe name, an unreadable folder, a
/// symlink loop) are reported and the file is left out; files that are not
/// published are named in one warning.
pub fn walk(config: &Config) -> (Vec<SourceFile>, Diagnostics) {
    let content = config.content_dir();
    let mut files = Vec::new();
    let mut problems = Diagnostics::new();
    if !content.is_dir() {
        problems.push(
            Diagnostic::error(
                None,
                format!("no content folder at {}", Path::new("content").display()),
            )
            .with_help(
                "create content/ and put the articles in it, e.g. content/news/first-story.en.md",
            ),
        );
        return (files, problems);
    }
    let mut unpublished: Vec<String> = Vec::new();
    let mut walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // An editor's lock file (`.#a.md`) is often a dangling link.
            Err(err) if err.path().is_some_and(ignored) => {
                let path = err.path().expect("checked");
                let rel = path.strip_prefix(&content).unwrap_or(path);
                unpublished.push(to_slash(&Path::new("content").join(rel)));
                continue;
            }
            Err(err) => {
                problems.push(walk_error(config, &err));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel_to_content = entry
            .path()
            .strip_prefix(&content)
            .expect("walkdir yields paths under its root");
        let path = Path::new("content").join(rel_to_content);
        let is_dir = entry.file_type().is_dir();
        if let Some(problem) = bad_file_name(&path, entry.file_name().as_encoded_bytes()) {
            problems.push(problem);
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if ignored(entry.path()) {
            let mut shown = to_slash(&path);
            if is_dir {
                shown.push('/');
                walker.skip_current_dir();
            }
            unpublished.push(shown);
            continue;
        }
        if is_dir {
            if let Some(problem) = unsafe_name(&path, "folder") {
                problems.push(problem);
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            // A named pipe or a device would block or never end if read.
            problems.push(
                Diagnostic::warning(
                    Some(Location::new(&path, 1, 1)),
                    "this is not a regular file (a named pipe, socket or device); it was left out",
                )
                .with_help("replace it with an ordinary file, or move it out of content/"),
            );
            continue;
        }
        let rel = to_slash(rel_to_content);
        let stamp = match entry.metadata() {
            Ok(m) => FileStamp::of(&m),
            Err(err) => {
                problems.push(walk_error(config, &err));
                continue;
            }
        };
        let kind = match classify(config, &rel) {
            Ok(kind) => kind,
            Err(problem) => {
                problems.push(problem(&path));
                continue;
            }
        };
        match kind {
            SourceKind::Unpublished => unpublished.push(to_slash(&path)),
            SourceKind::Article { .. } | SourceKind::Asset => {
                if let Some(problem) = unsafe_name(&path, "file") {
                    problems.push(problem);
                    continue;
                }
            }
            SourceKind::Tags | SourceKind::Authors => {}
        }
        files.push(SourceFile {
            path,
            rel,
            kind,
            stamp,
        });
    }
    if !unpublished.is_empty() {
        problems.push(unpublished_warning(config, &unpublished));
    }
    (files, problems)
}

/// Hidden files and folders, and what editors leave beside a file.
fn ignored(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_ignored(&name.to_string_lossy()))
}

/// A file or folder whose name would put a character unsafe in a URL in
/// its address: an error suggesting a name by the slug rule.
fn unsafe_name(path: &Path, what: &str) -> Option<Diagnostic> {
    let name = path.file_name()?.to_string_lossy();
    let shown = unsafe_char(&name)?;
    let mut safe = safe_name(&name);
    if safe.is_empty() || safe.starts_with('.') {
        safe.insert_str(0, "untitled");
    }
    Some(
        Diagnostic::in_file(
            path,
            format!("the {what} name `{name}` contains {shown}, which is not safe in a URL"),
        )
        .with_help(format!(
            "rename it `{safe}`: names become addresses, and only letters, digits, `-`, `_` and `.` are safe in them"
        )),
    )
}

/// The one warning that names the files left out of the site.
fn unpublished_warning(config: &Config, files: &[String]) -> Diagnostic {
    let count = files.len();
    let mut listed = files[..count.min(LISTED)].join(", ");
    if count > LISTED {
        listed.push_str(&format!(" and {} more", count - LISTED));
    }
    let message = if count == 1 {
        format!("1 file under content/ is not published: {listed}")
    } else {
        format!("{count} files under content/ are not published: {listed}")
    };
    let kinds: Vec<String> = PUBLISHED_KINDS
        .iter()
        .map(|(kind, exts)| format!("{kind} ({})", exts.join(", ")))
        .chain(
            (!config.publish_extensions.is_empty())
                .then(|| format!("and {}", config.publish_extensions.join(", "))),
        )
        .collect();
    // The example names a kind the site has, unless it is a leftover.
    let example = files
        .iter()
        .filter_map(|f| {
            let (stem, ext) = f.rsplit('/').next()?.rsplit_once('.')?;
            (!stem.is_empty() && !stem.starts_with('.')).then_some(ext)
        })
        .map(str::to_ascii_lowercase)
        .find(|e| {
            !matches!(
                e.as_str(),
                "bak" | "orig" | "swp" | "tmp" | "md" | "markdown"
            ) && !e.ends_with('~')
        })
        .unwrap_or_else(|| "csv".to_string());
    let mut help = format!(
        "digest publishes articles (.md) and {}; to publish another kind on purpose, add its extension to digest.yaml: `publish_extensions: [{example}]`",
        kinds.join(", ")
    );
    if files.iter().any(|f| f.ends_with(".markdown")) {
        help.push_str("; rename a .markdown file to .md to publish it as an article");
    }
    Diagnostic::warning(None, message).with_help(help)
}

/// Files under `content/` that are neither articles nor pictures (which
/// the media stage publishes): published at the same path.
pub fn assets(config: &Config, sources: &[SourceFile]) -> Vec<AssetFile> {
    sources
        .iter()
        .filter(|f| f.kind == SourceKind::Asset && !crate::files::is_picture_name(&f.rel))
        .map(|f| {
            let (folders, name) = f.rel.rsplit_once('/').unwrap_or(("", &f.rel));
            let route = Route::file(folders.split('/').filter(|s| !s.is_empty()), name);
            AssetFile::from_stamp(config.root.join(&f.path), route, f.stamp)
        })
        .collect()
}

/// File names become URLs, so they must be text: a name saved in a legacy
/// encoding (say Windows-1256 Arabic) is an error, not a garbled address.
fn bad_file_name(path: &Path, name: &[u8]) -> Option<Diagnostic> {
    let err = std::str::from_utf8(name).err()?;
    let offset = err.valid_up_to();
    Some(
        Diagnostic::in_file(
            path,
            format!(
                "the name `{}` is not valid UTF-8 (invalid byte 0x{:02X} at byte offset {offset} of the name)",
                String::from_utf8_lossy(name),
                name[offset]
            ),
        )
        .with_help("rename it with a UTF-8 name: digest uses file and folder names in addresses"),
    )
}

/// A problem with a file found before its path is known to the caller.
pub type Problem = Box<dyn FnOnce(&Path) -> Diagnostic>;

/// Decides what a file is from its path relative to `content/`.
pub fn classify(config: &Config, rel: &str) -> Result<SourceKind, Problem> {
    if rel == TAGS_FILE {
        return Ok(SourceKind::Tags);
    }
    if rel == AUTHORS_FILE {
        return Ok(SourceKind::Authors);
    }
    let (section, name) = match rel.rsplit_once('/') {
        Some((section, name)) => (section, name),
        None => ("", rel),
    };
    let Some((base, ext)) = name.rsplit_once('.') else {
        return Ok(SourceKind::Unpublished);
    };
    if ext != "md" {
        if ext.eq_ignore_ascii_case("md") {
            let fixed = format!("{base}.md");
            return Err(Box::new(move |path| {
                Diagnostic::in_file(path, "the extension `.MD` of an article must be lowercase")
                    .with_help(format!("rename the file `{fixed}`"))
            }));
        }
        let ext = ext.to_ascii_lowercase();
        let published = PUBLISHED_KINDS
            .iter()
            .any(|(_, exts)| exts.contains(&ext.as_str()))
            || config.publish_extensions.contains(&ext);
        return Ok(if published {
            SourceKind::Asset
        } else {
            SourceKind::Unpublished
        });
    }
    let (stem, lang) = match base.rsplit_once('.') {
        Some((stem, suffix)) if looks_like_language(suffix) => match config.find_language(suffix) {
            Some(language) => (stem, language.lang.clone()),
            None => return Err(language_problem(config, stem, suffix)),
        },
        _ => (base, config.default_language.clone()),
    };
    Ok(SourceKind::Article {
        lang,
        section: section.to_string(),
        stem: stem.to_string(),
    })
}

/// A language suffix that is not one of the site's languages as written:
/// wrongly cased (`.EN`) or unknown (`.fr`).
fn language_problem(config: &Config, stem: &str, suffix: &str) -> Problem {
    let known: Vec<String> = config
        .languages
        .iter()
        .map(|l| l.lang.to_string())
        .collect();
    let lower = suffix.to_ascii_lowercase();
    let (stem, suffix) = (stem.to_string(), suffix.to_string());
    if known.contains(&lower) {
        return Box::new(move |path| {
            Diagnostic::in_file(
                path,
                format!("the language suffix `.{suffix}` must be lowercase"),
            )
            .with_help(format!("rename the file `{stem}.{lower}.md`"))
        });
    }
    Box::new(move |path| unknown_language(path, &stem, &suffix, &known))
}

fn unknown_language(path: &Path, stem: &str, suffix: &str, known: &[String]) -> Diagnostic {
    let lower = suffix.to_ascii_lowercase();
    let help = match did_you_mean(&lower, known.iter().map(String::as_str)) {
        Some(close) => format!(
            "did you mean `{stem}.{close}.md`? The site's languages are: {}",
            known.join(", ")
        ),
        None => format!(
            "name the file <slug>.<language>.md with one of the site's languages ({}), or add the language to digest.yaml",
            known.join(", ")
        ),
    };
    Diagnostic::in_file(path, format!("unknown language suffix `.{suffix}`")).with_help(help)
}

/// `xx`, `xxx` or `xx-yy` in any case: what a language suffix looks like,
/// as opposed to a dot that is part of the name (`v1.2.md`).
fn looks_like_language(suffix: &str) -> bool {
    Lang::parse(&suffix.to_ascii_lowercase()).is_some()
}

fn walk_error(config: &Config, err: &walkdir::Error) -> Diagnostic {
    let path = err
        .path()
        .map(|p| p.strip_prefix(&config.root).unwrap_or(p).to_path_buf())
        .unwrap_or_else(|| PathBuf::from("content"));
    if let Some(ancestor) = err.loop_ancestor() {
        let ancestor = ancestor.strip_prefix(&config.root).unwrap_or(ancestor);
        return Diagnostic::in_file(
            &path,
            format!(
                "symbolic link loop: this link points back to {}",
                ancestor.display()
            ),
        )
        .with_help("remove the link or point it somewhere outside its own folder");
    }
    let full = config.root.join(&path);
    match err.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound && full.is_symlink() => {
            let target = std::fs::read_link(&full).unwrap_or_default();
            Diagnostic::in_file(
                &path,
                format!(
                    "this symbolic link points to {}, which does not exist",
                    target.display()
                ),
            )
            .with_help("point the link at an existing file, or remove it")
        }
        Some(io) => Diagnostic::in_file(&path, format!("could not read: {}", io_reason(io)))
            .with_help("check that digest may read it (its permissions and those of its folders)"),
        None => Diagnostic::in_file(&path, err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_section_stem_and_language() {
        let c = Config::bilingual();
        let kind = classify(&c, "news/iraq-talks.en.md").ok().unwrap();
        assert_eq!(
            kind,
            SourceKind::Article {
                lang: Lang::parse("en").unwrap(),
                section: "news".into(),
                stem: "iraq-talks".into()
            }
        );
        let kind = classify(&c, "news/iraq-talks.md").ok().unwrap();
        assert!(matches!(kind, SourceKind::Article { lang, .. } if lang.as_str() == "ar"));
        assert_eq!(classify(&c, "tags.yaml").ok().unwrap(), SourceKind::Tags);
        assert_eq!(
            classify(&c, "authors.yaml").ok().unwrap(),
            SourceKind::Authors
        );
        assert_eq!(
            classify(&c, "news/photo.jpg").ok().unwrap(),
            SourceKind::Asset
        );
        assert_eq!(
            classify(&c, "news/PHOTO.JPG").ok().unwrap(),
            SourceKind::Asset
        );
        for name in [
            "news/x.en.md.bak",
            "news/y.en.markdown",
            "news/z.txt",
            "news/NOTES",
            "a.docx",
        ] {
            assert_eq!(
                classify(&c, name).ok().unwrap(),
                SourceKind::Unpublished,
                "{name}"
            );
        }
    }

    #[test]
    fn a_wrongly_cased_suffix_is_an_error_with_the_right_name() {
        let c = Config::bilingual();
        let problem = classify(&c, "news/oil3.EN.md").err().unwrap();
        assert_eq!(
            problem(Path::new("content/news/oil3.EN.md")).to_string(),
            "error: content/news/oil3.EN.md:1:1: the language suffix `.EN` must be lowercase\n  help: rename the file `oil3.en.md`"
        );
        let problem = classify(&c, "news/oil3.en.MD").err().unwrap();
        assert_eq!(
            problem(Path::new("content/news/oil3.en.MD")).to_string(),
            "error: content/news/oil3.en.MD:1:1: the extension `.MD` of an article must be lowercase\n  help: rename the file `oil3.en.md`"
        );
    }

    #[test]
    fn an_unknown_language_suffix_is_an_error_with_a_hint() {
        let c = Config::bilingual();
        let problem = classify(&c, "news/a.fr.md").err().unwrap();
        let d = problem(Path::new("content/news/a.fr.md"));
        assert_eq!(
            d.to_string(),
            "error: content/news/a.fr.md:1:1: unknown language suffix `.fr`\n  help: name the file <slug>.<language>.md with one of the site's languages (ar, en), or add the language to digest.yaml"
        );
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", ".#a.md", ".DS_Store"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }
}
