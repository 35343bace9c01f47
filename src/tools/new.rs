//! `digest new <section>/<slug>`: a story's files, one per language, from
//! an archetype; and `digest new --translate <file>`: the start of a
//! missing translation of a story.
//!
//! An archetype is a Markdown file with front matter, the shape a new
//! story starts from: the first of `archetypes/<section>.<lang>.md`,
//! `archetypes/<section>.md`, `archetypes/article.<lang>.md` and
//! `archetypes/article.md` in the site, then the same in the theme (the
//! built-in theme has `archetypes/article.md`). digest sets its `title`,
//! `date` (now, in the site's time zone) and `draft: true`, keeping the
//! rest (comments included) as written. Every file written is parsed as
//! the build parses it first; existing files are never replaced.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::config::{Config, Lang};
use crate::content::front_matter::{ParseSettings, parse_article, split_front_matter};
use crate::content::walk::{self, SourceFile, SourceKind, TAGS_FILE};
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::files::FileStamp;
use crate::site::topics::{Resolution, Topics};
use crate::theme::builtin;
use crate::urls::check_slug;
use crate::yaml::{YamlSource, decode, key_text};

/// What `digest new` is asked for.
#[derive(Debug, Clone)]
pub struct NewStory {
    /// The site's folder.
    pub root: PathBuf,
    /// `news/first-story` (a section folder and a slug; a slug alone is a
    /// standalone page).
    pub path: String,
    /// The languages to write (`--lang ar,en`); `None`: the default one.
    pub langs: Option<Vec<String>>,
    /// One title for every language, or one per language in order.
    pub titles: Vec<String>,
    /// The stories' `date`.
    pub now: jiff::Timestamp,
}

/// What `digest new --translate` is asked for.
#[derive(Debug, Clone)]
pub struct Translate {
    pub root: PathBuf,
    /// The story's existing file, as the user gave it.
    pub file: PathBuf,
    /// The languages to start; `None`: every language the story lacks.
    pub langs: Option<Vec<String>>,
    pub now: jiff::Timestamp,
}

/// Files written, relative to the site's folder, and what to say of them.
#[derive(Debug, Default)]
pub struct Created {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
}

/// `digest new <section>/<slug>`.
pub fn story(request: &NewStory) -> Result<Created, Diagnostics> {
    let config = load_config(&request.root)?;
    let (section, slug, lang_in_name) = story_path(&config, &request.path)?;
    let langs = match (&request.langs, lang_in_name) {
        (Some(codes), _) => languages(&config, codes)?,
        (None, Some(lang)) => vec![lang],
        (None, None) => vec![config.default_language.clone()],
    };
    let titles = match request.titles.len() {
        0 => vec![title_from_slug(&slug); langs.len()],
        1 => vec![request.titles[0].clone(); langs.len()],
        n if n == langs.len() => request.titles.clone(),
        n => {
            return Err(one(Diagnostic::error(
                None,
                format!("{n} titles for {} languages", langs.len()),
            )
            .with_help(
                "give one --title for every language, or one per language in the order of --lang",
            )));
        }
    };
    let targets: Vec<PathBuf> = langs
        .iter()
        .map(|lang| story_file(&section, &slug, lang))
        .collect();
    refuse_existing(&config, &section, &slug, &langs)?;
    let mut created = Created::default();
    let mut texts = Vec::new();
    for ((lang, title), target) in langs.iter().zip(&titles).zip(&targets) {
        let fields = [
            Field::set("title", quoted(title)),
            Field::set("date", date_text(&config, request.now)),
            Field::set("draft", "true".into()),
        ];
        texts.push(from_archetype(&config, &section, lang, target, &fields)?);
    }
    for (target, text) in targets.iter().zip(&texts) {
        write(&config, target, text)?;
        created.files.push(target.clone());
    }
    if !section.is_empty() && !config.sections.is_empty() && !config.sections.contains_key(&section)
    {
        created.warnings.push(unnamed_section(&config, &section));
    }
    Ok(created)
}

/// `digest new --translate content/news/x.ar.md`: the same file name in
/// each language the story lacks, with its topics (as labels of the new
/// language, or keys) and picture; title, text and the picture's `alt`
/// are left for the translator.
pub fn translate(request: &Translate) -> Result<Created, Diagnostics> {
    let config = load_config(&request.root)?;
    let rel = site_relative(&request.root, &request.file)?;
    let (kind, original) = read_story(&config, &rel)?;
    let SourceKind::Article {
        lang: from,
        section,
        stem,
    } = kind
    else {
        unreachable!("read_story returns articles only");
    };
    let langs = match &request.langs {
        Some(codes) => languages(&config, codes)?,
        None => {
            let missing: Vec<Lang> = config
                .languages
                .iter()
                .map(|l| l.lang.clone())
                .filter(|l| *l != from && !has_version(&config, &section, &stem, l))
                .collect();
            if missing.is_empty() {
                return Err(one(Diagnostic::error(
                    None,
                    format!("{} is already in every language of the site", rel.display()),
                )
                .with_help(
                    "edit the translation that is there, or add a language to digest.yaml",
                )));
            }
            missing
        }
    };
    if langs.contains(&from) {
        return Err(one(Diagnostic::error(
            None,
            format!("{} is the `{from}` version itself", rel.display()),
        )
        .with_help("name the languages to translate it into, e.g. --lang en")));
    }
    refuse_existing(&config, &section, &stem, &langs)?;
    let topics = read_topics(&config)?;
    let mut created = Created::default();
    let mut texts = Vec::new();
    let targets: Vec<PathBuf> = langs
        .iter()
        .map(|l| story_file(&section, &stem, l))
        .collect();
    for (lang, target) in langs.iter().zip(&targets) {
        let mut fields = vec![
            Field::set("title", "\"\"".into()).with_note(format!("{from}: {}", original.title)),
            Field::set("date", date_text(&config, request.now)),
            Field::set("draft", "true".into()),
        ];
        let (tags, untranslated) = carried_topics(&topics, &original.tags, &from, lang);
        if !tags.is_empty() || !untranslated.is_empty() {
            let list: Vec<String> = tags.iter().map(|t| quoted(t)).collect();
            let mut field = Field::set("tags", format!("[{}]", list.join(", ")));
            if !untranslated.is_empty() {
                field = field.with_note(format!(
                    "topics of the {from} version with no {lang} label in content/tags.yaml: {}",
                    untranslated.join(", ")
                ));
            }
            fields.push(field);
        }
        if let Some(image) = &original.image {
            let mut field = Field::set("image", format!("{{ src: {} }}", quoted(&image.src)));
            if let Some(alt) = &image.alt {
                field = field.with_note(format!("alt ({from}): {alt}"));
            }
            fields.push(field);
        }
        texts.push(from_archetype(&config, &section, lang, target, &fields)?);
    }
    for (target, text) in targets.iter().zip(&texts) {
        write(&config, target, text)?;
        created.files.push(target.clone());
    }
    Ok(created)
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics::from_iter([d])
}

fn load_config(root: &Path) -> Result<Config, Diagnostics> {
    super::require_site(root).map_err(one)?;
    Config::load(root)
}

/// `news/first` → (`news`, `first`, no language); `news/first.en.md` and
/// `content/news/first.en` are read the same way, the language taken from
/// the name. Every folder and the slug must be one safe URL segment.
fn story_path(config: &Config, path: &str) -> Result<(String, String, Option<Lang>), Diagnostics> {
    let trimmed = path.trim().trim_matches('/');
    let trimmed = trimmed.strip_prefix("content/").unwrap_or(trimmed);
    let trimmed = trimmed.strip_suffix(".md").unwrap_or(trimmed);
    let (section, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
    let (slug, lang) = match name.rsplit_once('.') {
        Some((slug, code)) if config.find_language(code).is_some() => {
            (slug, config.find_language(code).map(|l| l.lang.clone()))
        }
        _ => (name, None),
    };
    let mut problems = Diagnostics::new();
    for segment in section.split('/').filter(|s| !s.is_empty()).chain([slug]) {
        if let Err(why) = check_slug(segment) {
            let why = if segment == slug {
                why
            } else {
                why.replacen("the slug", "the folder name", 1)
            };
            problems.push(
                Diagnostic::error(None, format!("`{path}`: {why}"))
                    .with_help("write the story as <section>/<slug>, with letters, digits and hyphens, e.g. `digest new news/ceasefire-talks`"),
            );
        }
    }
    if section.split('/').any(str::is_empty) && !section.is_empty() {
        problems.push(Diagnostic::error(
            None,
            format!("`{path}` has an empty folder name"),
        ));
    }
    if problems.has_errors() {
        return Err(problems);
    }
    Ok((section.to_string(), slug.to_string(), lang))
}

/// The languages `--lang` names (`ar,en`), each one of the site's.
fn languages(config: &Config, codes: &[String]) -> Result<Vec<Lang>, Diagnostics> {
    let known: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
    let mut langs = Vec::new();
    let mut problems = Diagnostics::new();
    for code in codes.iter().flat_map(|c| c.split(',')).map(str::trim) {
        match config.find_language(code) {
            Some(l) if !langs.contains(&l.lang) => langs.push(l.lang.clone()),
            Some(_) => {}
            None => {
                let help = match did_you_mean(code, known.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("the site's languages are: {}", known.join(", ")),
                };
                problems.push(
                    Diagnostic::error(None, format!("`{code}` is not one of the site's languages"))
                        .with_help(help),
                );
            }
        }
    }
    if langs.is_empty() && !problems.has_errors() {
        problems.push(
            Diagnostic::error(None, "--lang names no language")
                .with_help(format!("e.g. --lang {}", known.join(","))),
        );
    }
    match problems.has_errors() {
        true => Err(problems),
        false => Ok(langs),
    }
}

/// `content/<section>/<slug>.<lang>.md`.
fn story_file(section: &str, slug: &str, lang: &Lang) -> PathBuf {
    let mut path = PathBuf::from("content");
    if !section.is_empty() {
        path.push(section);
    }
    path.join(format!("{slug}.{lang}.md"))
}

/// Whether the story has a file in `lang` (for the default language, a
/// file without a language suffix counts).
fn has_version(config: &Config, section: &str, stem: &str, lang: &Lang) -> bool {
    version_file(config, section, stem, lang).is_some()
}

fn version_file(config: &Config, section: &str, stem: &str, lang: &Lang) -> Option<PathBuf> {
    let explicit = story_file(section, stem, lang);
    let bare = explicit.with_file_name(format!("{stem}.md"));
    [explicit]
        .into_iter()
        .chain((*lang == config.default_language).then_some(bare))
        .find(|p| config.root.join(p).exists())
}

/// Fails, writing nothing, if the story exists in any of `langs`.
fn refuse_existing(
    config: &Config,
    section: &str,
    stem: &str,
    langs: &[Lang],
) -> Result<(), Diagnostics> {
    let problems: Diagnostics = langs
        .iter()
        .filter_map(|lang| version_file(config, section, stem, lang).map(|f| (lang, f)))
        .map(|(lang, file)| {
            Diagnostic::error(
                None,
                format!(
                    "{} already exists: the story is in `{lang}` already",
                    file.display()
                ),
            )
            .with_help("digest new never replaces a file; edit that one, or choose another slug")
        })
        .collect();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems),
    }
}

/// `ceasefire-talks` → `Ceasefire talks`: a title to start from.
fn title_from_slug(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => slug.to_string(),
    }
}

/// A YAML double-quoted string (JSON's string syntax is YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialize")
}

/// `now` on the site's clock: `2026-12-05T10:00:00+03:00`.
fn date_text(config: &Config, now: jiff::Timestamp) -> String {
    now.to_zoned_datetime(config.timezone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A front matter key digest sets in the archetype: `key: value`, with a
/// comment line above it for whoever fills it in.
struct Field {
    key: &'static str,
    value: String,
    note: Option<String>,
}

impl Field {
    fn set(key: &'static str, value: String) -> Field {
        Field {
            key,
            value,
            note: None,
        }
    }

    fn with_note(mut self, note: String) -> Field {
        self.note = Some(note.replace('\n', " "));
        self
    }

    fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.note.iter().map(|n| format!("# {n}")).collect();
        lines.push(format!("{}: {}", self.key, self.value));
        lines
    }
}

/// The archetype for a story of `section` in `lang`, with `fields` set,
/// checked by parsing it as the build would at `target`.
fn from_archetype(
    config: &Config,
    section: &str,
    lang: &Lang,
    target: &Path,
    fields: &[Field],
) -> Result<String, Diagnostics> {
    let (shown, bytes) = archetype(config, section, lang);
    let text = decode(&shown, &bytes).map_err(one)?;
    let (front, body) = split_front_matter(&shown, &text).map_err(|d| {
        one(d
            .with_help("an archetype is a story's front matter between `---` lines, then its text"))
    })?;
    let front = set_fields(front, fields);
    let story = format!("---\n{front}---\n{body}");
    let file = SourceFile {
        path: target.to_path_buf(),
        rel: target
            .strip_prefix("content")
            .unwrap_or(target)
            .to_string_lossy()
            .into_owned(),
        kind: walk::classify(
            config,
            &target
                .strip_prefix("content")
                .unwrap_or(target)
                .to_string_lossy(),
        )
        .map_err(|problem| one(problem(target)))?,
        stamp: FileStamp {
            size: 0,
            modified_ns: 0,
        },
    };
    let parsed = parse_article(&file, story.as_bytes(), &ParseSettings::new(config));
    let errors: Diagnostics = parsed
        .problems
        .into_iter()
        .filter(Diagnostic::is_error)
        .map(|d| {
            let help = format!(
                "the story was made from {}; correct the archetype{}",
                shown.display(),
                d.help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            );
            d.with_help(help)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(story)
}

/// The archetype's name (for messages) and bytes: the site's, then the
/// theme's, the most specific first; the built-in theme's `article.md` at
/// the least.
fn archetype(config: &Config, section: &str, lang: &Lang) -> (PathBuf, Vec<u8>) {
    let mut names = Vec::new();
    if !section.is_empty() {
        names.push(format!("{section}.{lang}.md"));
        names.push(format!("{section}.md"));
    }
    names.push(format!("article.{lang}.md"));
    names.push("article.md".to_string());
    let theme = Path::new("themes").join(&config.theme);
    let folders = [PathBuf::from("archetypes"), theme.join("archetypes")];
    let on_disk = folders
        .iter()
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)));
    for rel in on_disk {
        if let Ok(bytes) = std::fs::read(config.root.join(&rel)) {
            return (rel, bytes);
        }
    }
    let built_in = config.theme == builtin::NAME && !config.root.join(&theme).is_dir();
    let builtin_names = names.iter().filter(|_| built_in);
    for name in builtin_names.chain(std::iter::once(&"article.md".to_string())) {
        if let Some(bytes) = builtin::file(&format!("archetypes/{name}")) {
            let shown = PathBuf::from(format!("archetypes/{name} of the built-in theme"));
            return (shown, bytes.to_vec());
        }
    }
    unreachable!("the built-in theme has archetypes/article.md")
}

/// The front matter with each field's top-level line replaced by its own
/// (with any lines indented under it); a field the archetype lacks goes
/// after the field before it (the first, at the top).
fn set_fields(front: &str, fields: &[Field]) -> String {
    let mut lines: Vec<String> = front.lines().map(str::to_string).collect();
    let mut next = 0;
    for field in fields {
        let prefixes = [format!("{}:", field.key), format!("\"{}\":", field.key)];
        let at = lines
            .iter()
            .position(|l| prefixes.iter().any(|p| l.starts_with(p.as_str())));
        let new = field.lines();
        let count = new.len();
        match at {
            Some(at) => {
                let mut end = at + 1;
                while end < lines.len()
                    && (lines[end].starts_with(' ') || lines[end].starts_with('-'))
                {
                    end += 1;
                }
                lines.splice(at..end, new);
                next = at + count;
            }
            None => {
                lines.splice(next..next, new);
                next += count;
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn write(config: &Config, target: &Path, text: &str) -> Result<(), Diagnostics> {
    super::create_new(&config.root.join(target), text.as_bytes()).map_err(|err| {
        one(if err.kind() == std::io::ErrorKind::AlreadyExists {
            Diagnostic::error(
                None,
                format!(
                    "{} already exists: it was written while this command ran",
                    target.display()
                ),
            )
            .with_help("digest new never replaces a file; edit that one, or choose another slug")
        } else {
            Diagnostic::io(target, "write the story", &err)
                .with_help("check that the content folder is writable")
        })
    })
}

fn unnamed_section(config: &Config, section: &str) -> Diagnostic {
    let names: Vec<String> = config
        .languages
        .iter()
        .map(|l| format!("{}: …", l.lang))
        .collect();
    Diagnostic::warning(
        None,
        format!("the section `{section}` has no name in digest.yaml"),
    )
    .with_help(format!(
        "add `{section}: {{ {} }}` under `sections:` in digest.yaml, so that its pages show its name",
        names.join(", ")
    ))
}

/// The path of `file` (as the user gave it) relative to the site's folder.
fn site_relative(root: &Path, file: &Path) -> Result<PathBuf, Diagnostics> {
    let not_found = || {
        one(
            Diagnostic::error(None, format!("{} does not exist", file.display())).with_help(
                "give the story's file, e.g. `digest new --translate content/news/x.ar.md`",
            ),
        )
    };
    let candidates = [file.to_path_buf(), root.join(file)];
    let found = candidates
        .iter()
        .find_map(|p| std::fs::canonicalize(p).ok())
        .ok_or_else(not_found)?;
    let root = std::fs::canonicalize(root).map_err(|_| not_found())?;
    found
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .map_err(|_| {
            one(Diagnostic::error(
                None,
                format!("{} is not in the site's folder", file.display()),
            )
            .with_help("run digest in the site's folder, or point to it with --root"))
        })
}

/// What `--translate` takes from the original.
struct Original {
    title: String,
    tags: Vec<String>,
    image: Option<OriginalImage>,
}

struct OriginalImage {
    /// As written in the front matter.
    src: String,
    alt: Option<String>,
}

/// Reads a story file as the build does; fails on any error in it.
fn read_story(config: &Config, rel: &Path) -> Result<(SourceKind, Original), Diagnostics> {
    let not_story = || {
        one(
            Diagnostic::error(None, format!("{} is not a story", rel.display())).with_help(
                "give a story's Markdown file under content/, e.g. content/news/x.ar.md",
            ),
        )
    };
    let in_content = rel.strip_prefix("content").map_err(|_| not_story())?;
    let kind = walk::classify(config, &crate::files::to_slash(in_content))
        .map_err(|problem| one(problem(rel)))?;
    if !matches!(kind, SourceKind::Article { .. }) || rel.file_name() == Some(TAGS_FILE.as_ref()) {
        return Err(not_story());
    }
    let bytes = std::fs::read(config.root.join(rel))
        .map_err(|err| one(Diagnostic::io(rel, "read the story", &err)))?;
    let file = SourceFile {
        path: rel.to_path_buf(),
        rel: crate::files::to_slash(in_content),
        kind: kind.clone(),
        stamp: FileStamp {
            size: 0,
            modified_ns: 0,
        },
    };
    let parsed = parse_article(&file, &bytes, &ParseSettings::new(config));
    let errors: Diagnostics = parsed
        .problems
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    let Some(article) = parsed.article.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    // The picture as written (the article holds it as a published address).
    let text = decode(rel, &bytes).map_err(one)?;
    let (front, _) = split_front_matter(rel, &text).map_err(one)?;
    let doc = YamlSource::new(rel, front, 2).parse().map_err(one)?;
    let image = match doc.get("image") {
        Some(Value::String(src)) => Some(OriginalImage {
            src: src.clone(),
            alt: None,
        }),
        Some(Value::Mapping(map)) => map.get("src").map(|src| OriginalImage {
            src: key_text(src),
            alt: map
                .get("alt")
                .map(key_text)
                .filter(|a| !a.trim().is_empty()),
        }),
        _ => None,
    };
    let original = Original {
        title: article.title.clone(),
        tags: article.tags.iter().map(|t| t.text.clone()).collect(),
        image,
    };
    Ok((kind, original))
}

fn read_topics(config: &Config) -> Result<Topics, Diagnostics> {
    let path = config.content_dir().join(TAGS_FILE);
    let bytes = std::fs::read(&path).ok();
    let (topics, problems) = Topics::load(config, bytes.as_deref());
    match problems.has_errors() {
        true => Err(problems),
        false => Ok(topics),
    }
}

/// The original's topics for a version in `to`: each topic of tags.yaml
/// as its label in `to` (its key if it has none); the free labels of the
/// original's edition, which mean nothing in another, apart.
fn carried_topics(
    topics: &Topics,
    tags: &[String],
    from: &Lang,
    to: &Lang,
) -> (Vec<String>, Vec<String>) {
    let mut carried = Vec::new();
    let mut untranslated = Vec::new();
    for tag in tags {
        match topics.resolve(from, tag) {
            Resolution::Topic(id) if topics.get(id).keyed => {
                let topic = topics.get(id);
                let name = topic.label(to).map_or(&topic.slug, |l| &l.label);
                if !carried.contains(name) {
                    carried.push(name.clone());
                }
            }
            _ => untranslated.push(tag.clone()),
        }
    }
    (carried, untranslated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_replace_their_lines_or_come_first() {
        let front = "# a comment\ntitle: x\ntags:\n  - a\n  - b\nauthor: me\n";
        let fields = [
            Field::set("title", "\"T\"".into()).with_note("ar: ع".into()),
            Field::set("date", "2026-01-01".into()),
            Field::set("tags", "[\"Iraq\"]".into()),
        ];
        assert_eq!(
            set_fields(front, &fields),
            "# a comment\n# ar: ع\ntitle: \"T\"\ndate: 2026-01-01\ntags: [\"Iraq\"]\nauthor: me\n"
        );
    }

    #[test]
    fn titles_start_from_the_slug() {
        assert_eq!(title_from_slug("ceasefire-talks"), "Ceasefire talks");
        assert_eq!(title_from_slug("خبر-عاجل"), "خبر عاجل");
    }
}
