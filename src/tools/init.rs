//! `digest init [DIR]`: a new bilingual site that builds at once, with the
//! built-in theme: `digest.yaml` with an Arabic (right-to-left, the
//! default) and an English edition, `content/tags.yaml`, a first story in
//! both languages (each other's translation), an about page in both, and a
//! `.gitignore` for what builds write. A folder that already holds a site
//! is refused; nothing is ever overwritten.

use std::path::{Path, PathBuf};

use crate::config::CONFIG_FILE;
use crate::error::{Diagnostic, io_reason};

/// What `init` wrote.
#[derive(Debug)]
pub struct Created {
    /// The site's folder, as given.
    pub dir: PathBuf,
    /// The files written, relative to it.
    pub files: Vec<PathBuf>,
    /// What became of `.gitignore`.
    pub gitignore: GitIgnore,
}

/// `.gitignore`, which a fresh repository may already have.
#[derive(Debug, PartialEq, Eq)]
pub enum GitIgnore {
    /// Written anew.
    Written,
    /// There already; these lines were added to it.
    Extended(Vec<String>),
    /// There already, with every line digest needs.
    Unchanged,
}

/// The lines `.gitignore` needs: the built site, and the build cache,
/// which holds every other file a build writes (the parsed articles, the
/// spare copy of the site that makes publishing atomic, the lock and the
/// temporary folders of a build in progress).
pub const IGNORED: &[&str] = &["/public/", "/.digest-cache/"];

/// Writes a new site into `dir` (created if missing). `timezone`: the
/// IANA name the site's dates are read in; `now`: the first story's date.
pub fn init(dir: &Path, timezone: &str, now: jiff::Timestamp) -> Result<Created, Diagnostic> {
    let refuse = |what: PathBuf| {
        Diagnostic::error(
            None,
            format!("{} already holds a site ({} exists)", dir.display(), what.display()),
        )
        .with_help(format!(
            "digest init never overwrites a site; start the new one in another folder, e.g. `digest init {}`",
            suggest_folder(dir).display()
        ))
    };
    for existing in [CONFIG_FILE, "content"] {
        if dir.join(existing).exists() {
            return Err(refuse(dir.join(existing)));
        }
    }
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let date = now
        .to_zoned_datetime(tz)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    let files = [
        (CONFIG_FILE.to_string(), config(timezone)),
        ("content/tags.yaml".into(), TAGS.to_string()),
        (
            "content/news/welcome.ar.md".into(),
            story(WELCOME_AR, &date),
        ),
        (
            "content/news/welcome.en.md".into(),
            story(WELCOME_EN, &date),
        ),
        ("content/about.ar.md".into(), story(ABOUT_AR, &date)),
        ("content/about.en.md".into(), story(ABOUT_EN, &date)),
    ];
    let mut created = Created {
        dir: dir.to_path_buf(),
        files: Vec::new(),
        gitignore: GitIgnore::Written,
    };
    for (rel, text) in &files {
        write_new(dir, Path::new(rel), text.as_bytes())?;
        created.files.push(PathBuf::from(rel));
    }
    created.gitignore = gitignore(dir)?;
    if created.gitignore == GitIgnore::Written {
        created.files.push(PathBuf::from(".gitignore"));
    }
    Ok(created)
}

fn write_new(dir: &Path, rel: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    super::create_new(&dir.join(rel), bytes).map_err(|err| {
        Diagnostic::error(
            None,
            format!(
                "could not write {}: {}",
                dir.join(rel).display(),
                io_reason(&err)
            ),
        )
        .with_help("check that the folder is writable")
    })
}

/// Writes `.gitignore`, or adds to the one there the lines it lacks.
fn gitignore(dir: &Path) -> Result<GitIgnore, Diagnostic> {
    let path = dir.join(".gitignore");
    let Ok(text) = std::fs::read_to_string(&path) else {
        let mut text = String::from(GITIGNORE_HEAD);
        for line in IGNORED {
            text.push_str(line);
            text.push('\n');
        }
        write_new(dir, Path::new(".gitignore"), text.as_bytes())?;
        return Ok(GitIgnore::Written);
    };
    let has = |line: &str| {
        let bare = line.trim_matches('/');
        text.lines()
            .map(|l| l.trim().trim_matches('/'))
            .any(|l| l == bare)
    };
    let missing: Vec<String> = IGNORED
        .iter()
        .filter(|l| !has(l))
        .map(|l| l.to_string())
        .collect();
    if missing.is_empty() {
        return Ok(GitIgnore::Unchanged);
    }
    let mut more = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        more.push('\n');
    }
    more.push_str(GITIGNORE_HEAD);
    for line in &missing {
        more.push_str(line);
        more.push('\n');
    }
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(more.as_bytes()))
        .map_err(|err| {
            Diagnostic::error(
                None,
                format!("could not add to {}: {}", path.display(), io_reason(&err)),
            )
        })?;
    Ok(GitIgnore::Extended(missing))
}

/// `site` → `site-2`: a folder name to suggest instead of a taken one.
fn suggest_folder(dir: &Path) -> PathBuf {
    let (parent, name) = match dir.file_name() {
        Some(name) => (
            dir.parent().unwrap_or(Path::new("")),
            name.to_string_lossy().into_owned(),
        ),
        None => (Path::new(""), "site".to_string()),
    };
    (2..)
        .map(|n| parent.join(format!("{name}-{n}")))
        .find(|p| !p.exists())
        .expect("some name is free")
}

const GITIGNORE_HEAD: &str = "# What digest builds write: the site (public/) and the build cache, which\n# also holds the spare copy of the site and the temporary folders of a\n# build in progress.\n";

fn story(template: &str, date: &str) -> String {
    template.replace("{date}", date)
}

fn config(timezone: &str) -> String {
    CONFIG.replace("{timezone}", timezone)
}

const CONFIG: &str = "# The site's configuration: see the README for every key.
# The address the site will be served from (`digest build --base-url` overrides it).
base_url: https://example.org/
default_language: ar
# Dates written without an offset are read in this time zone.
timezone: {timezone}
languages:
  # The first edition is the default one; Arabic is written right to left.
  ar:
    name: العربية
    title: الموجز
    description: أخبار بإيجاز
    # Dates and numbers as used there: ar-IQ for Iraq, ar-EG for Egypt…
    locale: ar
  en:
    name: English
    title: The Digest
    description: The news, in brief
    locale: en
# `default` is built into digest; `digest theme copy` writes it to
# themes/default/ to customise it.
theme: default
paginate: 10
# Each section folder under content/ with its name in each edition.
sections:
  news: { ar: أخبار, en: News }
";

const TAGS: &str = "# Topics: a key, and the topic's label (and description) in each edition.
# An article names a topic by its key or by its label in the article's
# language: `tags: [iraq]` or `tags: [العراق]`.
iraq:
  ar: { label: العراق, description: أخبار العراق }
  en: { label: Iraq, description: News from Iraq }
";

const WELCOME_AR: &str = "---
title: أهلًا بكم في الموجز
date: {date}
summary: موقع جديد بطبعتين، عربية وإنجليزية.
# tags: [iraq]
---
هذا أول خبر في الموقع. كل خبر ملف Markdown في مجلد `content/` بلغة واحدة:
هذا الملف هو `content/news/welcome.ar.md`، وترجمته `content/news/welcome.en.md`.
الملفان بالاسم نفسه، فهما نسختان من خبر واحد.

لبدء خبر جديد:

    digest new news/my-story --title \"عنوان الخبر\"

ثم `digest serve` لمعاينة الموقع في أثناء الكتابة، و`digest build` لنشره في `public/`.
";

const WELCOME_EN: &str = "---
title: Welcome to The Digest
date: {date}
summary: A new site in two editions, Arabic and English.
# tags: [iraq]
---
This is the site's first story. Each story is a Markdown file under
`content/`, in one language: this one is `content/news/welcome.en.md`, and
its translation is `content/news/welcome.ar.md`. Two files with the same
name are two versions of one story.

To start a new story:

    digest new news/my-story --title \"The headline\"

Then `digest serve` previews the site as you write, and `digest build`
publishes it into `public/`.
";

const ABOUT_AR: &str = "---
title: من نحن
date: {date}
---
صفحة مستقلة: الملفات الموضوعة في `content/` مباشرة صفحات لا تظهر في قوائم الأخبار.
";

const ABOUT_EN: &str = "---
title: About
date: {date}
---
A standalone page: files directly in `content/` are pages, not listed
among the stories.
";
