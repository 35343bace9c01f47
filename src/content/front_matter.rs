//! Source files to typed [`Article`]s: split the front matter, check every
//! field, render the body.
//!
//! Every problem of a file is reported, each at its own line and column, with
//! a sentence on what to fix. Nothing downstream sees a string that means a
//! date or a language: those are typed here, once.

use std::path::Path;
use std::sync::Arc;

use serde_yaml::{Mapping, Value};

use crate::config::{Config, Lang, RawHtml};
use crate::content::addresses::{self, Place};
use crate::content::article::{
    Article, BodyBudget, Correction, Image, KEPT_BODIES, Link, LinkKind, LinkTarget, SourceLink,
    TagRef,
};
use crate::content::markdown::{self, MarkdownOptions};
use crate::content::raw_html::{Removed, What};
use crate::content::walk::{SourceFile, SourceKind};
use crate::dates::{PubDate, parse_date};
use crate::error::{Diagnostic, Location, did_you_mean};
use crate::hash::version_of;
use crate::urls::{self, check_slug};
use crate::yaml::{YamlSource, decode, key_text};

/// Everything parsing depends on besides the file itself. When it changes,
/// cached parses are stale.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParseSettings {
    pub markdown: MarkdownOptions,
    /// Dates without an offset are read in this time zone.
    pub timezone: String,
    #[serde(skip)]
    tz: Option<jiff::tz::TimeZone>,
    /// How much rendered body HTML the build may keep in memory; shared by
    /// every clone of these settings.
    #[serde(skip)]
    pub bodies: Arc<BodyBudget>,
}

impl ParseSettings {
    pub fn new(config: &Config) -> ParseSettings {
        ParseSettings {
            markdown: MarkdownOptions {
                raw_html: config.raw_html,
                base_path: config.base_url.path.clone(),
                embeds: config.embeds.clone(),
            },
            timezone: config.timezone_name.clone(),
            tz: Some(config.timezone.clone()),
            bodies: Arc::new(BodyBudget::new(KEPT_BODIES)),
        }
    }

    /// For tests and tools: sanitized HTML, root base path, UTC.
    pub fn plain() -> ParseSettings {
        ParseSettings {
            markdown: MarkdownOptions {
                raw_html: RawHtml::Sanitize,
                base_path: "/".into(),
                embeds: crate::config::EmbedProvider::all(),
            },
            timezone: "UTC".into(),
            tz: Some(jiff::tz::TimeZone::UTC),
            bodies: Arc::new(BodyBudget::new(KEPT_BODIES)),
        }
    }

    pub fn fingerprint(&self) -> u64 {
        let bytes = serde_json::to_vec(self).expect("settings serialize");
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }

    /// Where the body of an article is published.
    pub fn place(&self, lang: &Lang, section: &str, slug: &str) -> Place {
        let base = &self.markdown.base_path;
        Place {
            page: urls::article_page(lang, section, slug).href_under(base),
            folder: urls::content_folder(section).href_under(base),
            section: section.to_string(),
        }
    }

    fn tz(&self) -> jiff::tz::TimeZone {
        self.tz.clone().unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

/// The keys front matter may have.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "tags",
    "author",
    "authors",
    "corrections",
    "source",
    "image",
    "draft",
    "slug",
];

/// The outcome of parsing one file: the article if it is usable, and every
/// problem found (errors and warnings).
pub struct Parsed {
    pub article: Option<Article>,
    pub problems: Vec<Diagnostic>,
}

/// Parses one article file.
pub fn parse_article(file: &SourceFile, bytes: &[u8], settings: &ParseSettings) -> Parsed {
    let SourceKind::Article {
        lang,
        section,
        stem,
    } = &file.kind
    else {
        unreachable!("only article files are parsed as articles");
    };
    let mut problems = Vec::new();
    let article = parse_inner(file, lang, section, stem, bytes, settings, &mut problems);
    problems.sort_by(|a, b| a.location.cmp(&b.location));
    Parsed { article, problems }
}

fn parse_inner(
    file: &SourceFile,
    lang: &Lang,
    section: &str,
    stem: &str,
    bytes: &[u8],
    settings: &ParseSettings,
    problems: &mut Vec<Diagnostic>,
) -> Option<Article> {
    let path = file.path.as_path();
    let text = decode(path, bytes).map_err(|d| problems.push(d)).ok()?;
    let (front, body) = split_front_matter(path, &text)
        .map_err(|d| problems.push(d))
        .ok()?;
    let src = YamlSource::new(path, front, 2);
    let doc = src.parse().map_err(|d| problems.push(d)).ok()?;
    let Some(map) = doc.as_mapping() else {
        problems.push(
            Diagnostic::error(
                Some(Location::new(path, 2, 1)),
                "the front matter must be a list of `key: value` lines",
            )
            .with_help("write e.g. `title: …` and `date: 2021-12-30` between the `---` lines"),
        );
        return None;
    };
    problems.extend(src.unknown_keys(map, &[], FRONT_MATTER_KEYS, "front matter"));
    let mut fields = Fields {
        src: &src,
        map,
        problems,
        settings,
    };
    // A standalone page (about, contact) needs no date.
    let is_page = section.is_empty();
    let draft = fields.flag("draft");
    let title = fields.title(draft.unwrap_or(false));
    let date = fields.date("date", !is_page);
    let updated = fields.date("updated", false);
    let summary = fields.text("summary");
    let tags = fields.names(&TAG_NAMES);
    let authors = fields.authors(is_page);
    let corrections = fields.corrections();
    let source = fields.source();
    let image = fields.image(section);
    let slug = fields.slug();
    let (title, date, updated) = (title?, date?, updated.flatten());
    if let (Some(date), Some(updated)) = (date, updated)
        && updated.is_before(&date, &settings.tz())
    {
        let d = Diagnostic::warning(
            Some(src.value_location(&["updated"])),
            format!(
                "`updated` ({}) is earlier than `date` ({})",
                updated.rfc3339(),
                date.rfc3339()
            ),
        );
        problems.push(d.with_help(
            "`updated` is when the story last changed, after `date`; correct it, or remove it",
        ));
    }
    let slug_at = slug.is_some().then(|| {
        let at = src.value_location(&["slug"]);
        (at.line as u32, at.column as u32)
    });
    let slug = slug.unwrap_or_else(|| stem.to_string());
    let place = settings.place(lang, section, &slug);
    let corrections = corrections.map(|raw| correct(&src, raw, date, settings, &place, problems));
    if problems.iter().any(Diagnostic::is_error) {
        return None;
    }

    let mut rendered = markdown::render(body, &settings.markdown, &place);
    let lines = LineIndex::new(&text, body);
    let body_at = |offset: usize| lines.location(path, offset);
    for picture in &mut rendered.media.pictures {
        let at = body_at(picture.at);
        (picture.line, picture.column) = (at.line as u32, at.column as u32);
    }
    problems.extend(media_warnings(&rendered.noticed, &body_at));
    if let Some(offset) = rendered.flattened {
        problems.push(
            Diagnostic::warning(
                Some(lines.location(path, offset)),
                format!(
                    "the text is nested more than {} levels deep (quotes in quotes, lists in lists…); the deeper levels are shown without their formatting",
                    markdown::MAX_NESTING
                ),
            )
            .with_help("check for stray `>` or list markers at the start of lines"),
        );
    }
    if let Some(offset) = rendered.deep_html_escaped {
        problems.push(
            Diagnostic::warning(
                Some(lines.location(path, offset)),
                format!(
                    "the raw HTML in the text is nested more than {} levels deep; it is shown as text",
                    markdown::MAX_HTML_DEPTH
                ),
            )
            .with_help("remove the HTML markup, or write the formatting in Markdown"),
        );
    }
    problems.extend(removal_warnings(path, &lines, &rendered.removed));
    let mut links: Vec<Link> = image
        .as_ref()
        .and_then(|(_, link)| link.clone())
        .into_iter()
        .collect();
    links.extend(rendered.links.iter().map(|found| {
        let (line, column) = lines.line_and_column(found.offset);
        Link {
            written: found.written.clone(),
            target: found.target.clone(),
            kind: if found.picture {
                LinkKind::Picture
            } else {
                LinkKind::Link
            },
            line: line as u32,
            column: column as u32,
        }
    }));
    let has_summary = summary.is_some();
    let summary_repeats_body = summary
        .as_deref()
        .is_some_and(|s| repeats(s, &rendered.first_paragraph));
    let summary = summary.unwrap_or_else(|| shorten(&rendered.first_paragraph, 300));
    let body_html: Arc<str> = Arc::from(rendered.html);
    Some(Article {
        path: path.to_path_buf(),
        lang: lang.clone(),
        section: section.to_string(),
        stem: stem.to_string(),
        slug,
        slug_at,
        title,
        date,
        updated,
        summary,
        has_summary,
        summary_repeats_body,
        tags: tags.unwrap_or_default(),
        authors: authors.unwrap_or_default(),
        corrections: corrections.unwrap_or_default(),
        source,
        image: image.map(|(image, _)| image),
        media: rendered.media,
        draft: draft.unwrap_or(false),
        words: rendered.words,
        links,
        anchors: rendered.anchors,
        version: version_of(path, bytes),
        body: settings.bodies.keep(body_html),
    })
}

/// Pictures without alt text and players removed from raw HTML.
fn media_warnings(
    noticed: &crate::content::media::Noticed,
    at: &dyn Fn(usize) -> Location,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (offset, src) in &noticed.missing_alt {
        warnings.push(
            Diagnostic::warning(Some(at(*offset)), format!("the picture `{src}` has no alt text"))
                .with_help("describe it for readers who cannot see it: ![what it shows](photo.jpg), or alt=\"…\" in HTML; a picture that is only decoration takes an empty one: ![\"\"](photo.jpg) or alt=\"\""),
        );
    }
    for (offset, src) in &noticed.dropped_frames {
        let what = if src.is_empty() {
            "an <iframe> without an address was removed".to_string()
        } else {
            format!(
                "the <iframe> of `{src}` was removed: it is not a player of a provider in `embeds`"
            )
        };
        warnings.push(Diagnostic::warning(Some(at(*offset)), what).with_help(
            "to show a post of YouTube, Vimeo, X, Instagram, Facebook, SoundCloud or Spotify, put its link on a line of its own; other providers can be added to `embeds:` in digest.yaml",
        ));
    }
    warnings
}

/// Lines and columns of a body's bytes in its file: the body is a slice
/// of the file's text, and a body's problems are reported where the
/// editor sees them.
struct LineIndex<'a> {
    text: &'a str,
    /// Where the body starts in the text.
    start: usize,
    /// Where each line of the text starts.
    lines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str, body: &str) -> LineIndex<'a> {
        let start = (body.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let lines = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|n| n + 1))
            .collect();
        LineIndex { text, start, lines }
    }

    /// The 1-based line and column (in characters) of byte `offset` of the body.
    fn line_and_column(&self, offset: usize) -> (usize, usize) {
        let at = (self.start + offset).min(self.text.len());
        let line = self.lines.partition_point(|&l| l <= at);
        let line_start = self.lines[line - 1];
        let column = self.text[line_start..at].chars().count() + 1;
        (line, column)
    }

    fn location(&self, path: &Path, offset: usize) -> Location {
        let (line, column) = self.line_and_column(offset);
        Location::new(path, line, column)
    }
}

/// What the sanitizer removed from a body, said once per kind of thing in
/// the file, where it first is, with what to do instead.
fn removal_warnings(path: &Path, lines: &LineIndex, removed: &[Removed]) -> Vec<Diagnostic> {
    let mut seen: Vec<(&What, usize, usize)> = Vec::new();
    for r in removed {
        match seen.iter_mut().find(|(what, _, _)| *what == &r.what) {
            Some(entry) => entry.2 += 1,
            None => seen.push((&r.what, r.offset, 1)),
        }
    }
    seen.into_iter()
        .map(|(what, offset, count)| {
            let (message, help) = removal_text(what);
            let message = match count {
                1 => message,
                n => format!("{message} (here and {} more times in this file)", n - 1),
            };
            Diagnostic::warning(Some(lines.location(path, offset)), message).with_help(help)
        })
        .collect()
}

/// The message and the help for one kind of removal.
fn removal_text(what: &What) -> (String, String) {
    const ALLOW: &str = "or set `raw_html: allow` in digest.yaml if every author is trusted";
    match what {
        What::Element { name, content } => {
            let message = if *content {
                format!(
                    "`<{name}>` was removed with its content by the HTML sanitizer (raw_html: sanitize)"
                )
            } else {
                format!(
                    "`<{name}>` was removed by the HTML sanitizer (raw_html: sanitize); its text is kept"
                )
            };
            let help = match name.as_str() {
                "script" => format!("scripts never run from an article's text; remove it, {ALLOW}"),
                "style" => format!(
                    "styles in an article's text are dropped: the theme's stylesheet styles the page; {ALLOW}"
                ),
                "iframe" | "embed" | "object" | "video" | "audio" | "source" => format!(
                    "an embedded frame or player is not kept from an article's text: link to it instead, e.g. `[Watch the video](https://…)`, {ALLOW}"
                ),
                "form" | "input" | "button" | "select" | "textarea" => {
                    format!(
                        "forms are not kept from an article's text: link to the form instead, {ALLOW}"
                    )
                }
                _ => format!(
                    "write it in Markdown, or use elements the sanitizer keeps (formatting, links, pictures, lists, tables, figures), {ALLOW}"
                ),
            };
            (message, help)
        }
        What::Attribute { element, name } => {
            let message = format!(
                "the `{name}` attribute of `<{element}>` was removed by the HTML sanitizer (raw_html: sanitize)"
            );
            let help = if name == "style" {
                format!(
                    "inline styles are dropped: use Markdown formatting or a class the theme styles (`class=\"…\"`), {ALLOW}"
                )
            } else if name.starts_with("on") {
                format!("event handlers never run from an article's text; remove it, {ALLOW}")
            } else {
                format!(
                    "the sanitizer keeps only attributes it knows to be safe (`id`, `class`, `dir`, `lang`, `title`, and such as `href`, `src`, `alt`); remove it, {ALLOW}"
                )
            };
            (message, help)
        }
        What::Scheme {
            element,
            attribute,
            scheme,
        } => (
            format!(
                "the `{attribute}` attribute of `<{element}>` was removed by the HTML sanitizer, which keeps no `{scheme}:` addresses (raw_html: sanitize)"
            ),
            "link with an https:// address".to_string(),
        ),
        What::ScriptAddress { picture } => (
            format!(
                "a `javascript:`, `vbscript:` or `data:` address was removed from {}; it leads nowhere now",
                if *picture { "a picture" } else { "a link" }
            ),
            "nothing in an article's text may run a script: give the address of a page or a file"
                .to_string(),
        ),
    }
}

/// A correction as written: its date and Markdown, and its place in the
/// `corrections` list.
struct RawCorrection {
    date: PubDate,
    markdown: String,
    index: usize,
}

/// The corrections rendered, newest last as written; one dated before the
/// story is an error.
fn correct(
    src: &YamlSource,
    raw: Vec<RawCorrection>,
    date: Option<PubDate>,
    settings: &ParseSettings,
    place: &Place,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Correction> {
    let mut corrections = Vec::with_capacity(raw.len());
    for correction in raw {
        if let Some(published) = date
            && correction.date.is_before(&published, &settings.tz())
        {
            let at = src.item_value_location(&["corrections"], correction.index, "date");
            problems.push(
                Diagnostic::error(
                    Some(at),
                    format!(
                        "the correction is dated {}, before the story was published ({})",
                        correction.date.rfc3339(),
                        published.rfc3339()
                    ),
                )
                .with_help("a correction comes after the story it corrects: check its `date` and the story's"),
            );
            continue;
        }
        let rendered = markdown::render(&correction.markdown, &settings.markdown, place);
        corrections.push(Correction {
            date: correction.date,
            html: rendered.html,
            text: markdown::plain_text(&correction.markdown),
        });
    }
    corrections
}

/// What to do about a date digest cannot read.
const DATE_HELP: &str = "write the date as YYYY-MM-DD, or with a time as YYYY-MM-DDTHH:MM (optionally with an offset such as +03:00)";

/// How a list of names is spoken of in messages.
struct NameList {
    /// The front matter key.
    key: &'static str,
    not_a_list: &'static str,
    example: &'static str,
    empty: &'static str,
    /// Whether the names are topics: `tags` written as one string, or a
    /// topic holding a comma, is then a list the editor meant, an error.
    topics: bool,
}

const TAG_NAMES: NameList = NameList {
    key: "tags",
    not_a_list: "`tags` must be a list of topic names",
    example: "write e.g. `tags: [iraq, us-forces]`",
    empty: "a topic name is empty",
    topics: true,
};

/// The line and column in `text` of byte `offset` of `body`, a slice of it.
pub fn line_and_column(text: &str, body: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text, body).line_and_column(offset)
}

/// Splits `---\n<yaml>\n---\n<body>`; the YAML starts on line 2.
pub fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(&'a str, &'a str), Diagnostic> {
    let help_open = "start the file with a line `---`, then `title: …` and `date: …`, then another `---` line, then the article";
    if text.trim().is_empty() {
        return Err(Diagnostic::in_file(path, "the file is empty").with_help(help_open));
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err(Diagnostic::in_file(
            path,
            "the file does not start with front matter (a `---` line)",
        )
        .with_help(help_open));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err(Diagnostic::in_file(path, "the front matter is not closed")
        .with_help("add a line `---` after the last front matter line, before the article's text"))
}

/// Cuts plain text at a word boundary, adding an ellipsis when cut.
fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(at) => &cut[..at],
        None => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '،', '.', ':', ';']))
}

/// Whether a written summary says what the body's first paragraph already
/// says: the same words (spacing aside), or its opening words (a summary
/// shortened with "…" included). A page shows such a summary once.
fn repeats(summary: &str, first_paragraph: &str) -> bool {
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let summary = words(summary);
    let summary = summary.trim_end_matches(['…', '.', '،', ',']).trim_end();
    let body = words(first_paragraph);
    !summary.is_empty()
        && body
            .strip_prefix(summary)
            .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// Reads the front matter's fields, collecting a problem per bad field.
struct Fields<'a, 'p> {
    src: &'a YamlSource<'a>,
    map: &'a Mapping,
    problems: &'p mut Vec<Diagnostic>,
    settings: &'a ParseSettings,
}

impl Fields<'_, '_> {
    fn fail(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    fn typed<T: serde::de::DeserializeOwned>(&mut self, key: &str, expected: &str) -> Option<T> {
        let value = self.map.get(key)?;
        if value.is_null() {
            return None;
        }
        self.src
            .typed(value, &[key], expected)
            .map_err(|d| self.problems.push(d))
            .ok()
    }

    /// Text, with numbers and booleans accepted as written.
    fn text(&mut self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(_) | Value::Bool(_) => Some(key_text(&self.map[key])),
            _ => {
                let d = self
                    .src
                    .error_at_value(&[key], format!("`{key}` must be text"));
                self.fail(d.with_help(
                    "write it on one line after the colon, in quotes if it contains `: `",
                ));
                None
            }
        }
    }

    /// The title; a draft may have none yet (a translation just started,
    /// say), which is a warning: it is not published without one.
    fn title(&mut self, draft: bool) -> Option<String> {
        if !self.map.contains_key("title") {
            let at = Location::new(self.src.file, 1, 1);
            if draft {
                let d = Diagnostic::warning(Some(at), "the draft has no `title` yet");
                self.problems
                    .push(d.with_help("add a line `title: …` before publishing it"));
                return Some(String::new());
            }
            let d = Diagnostic::error(Some(at), "the front matter has no `title`");
            self.fail(d.with_help("add a line `title: …` between the `---` lines"));
            return None;
        }
        let before = self.problems.len();
        let title = self.text("title");
        if title.is_none() && self.problems.len() == before {
            if draft {
                let d = Diagnostic::warning(
                    Some(self.src.key_location(&["title"])),
                    "the draft has no title yet",
                );
                self.problems
                    .push(d.with_help("write the headline after `title:` before publishing it"));
                return Some(String::new());
            }
            let d = self.src.error_at(&["title"], "the title is empty");
            self.fail(d.with_help("write the article's headline after `title:`"));
        }
        title
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        self.typed(key, "true or false")
    }

    /// `Some(None)`: absent and optional; `None`: a problem was reported.
    fn date(&mut self, key: &str, required: bool) -> Option<Option<PubDate>> {
        let text = match self.map.get(key) {
            None | Some(Value::Null) if required => {
                let d = Diagnostic::error(
                    Some(Location::new(self.src.file, 1, 1)),
                    format!("the front matter has no `{key}`"),
                );
                self.fail(d.with_help(format!(
                    "add a line `{key}: YYYY-MM-DD` between the `---` lines"
                )));
                return None;
            }
            None | Some(Value::Null) => return Some(None),
            Some(value) => key_text(value),
        };
        match parse_date(&text, &self.settings.tz()) {
            Ok(date) => Some(Some(date)),
            Err(why) => {
                let d = self.src.error_at_value(&[key], why);
                self.fail(d.with_help(DATE_HELP));
                None
            }
        }
    }

    /// A name or a list of names (`tags`, `authors`), each with where it
    /// is written. For topics, a single string, or a topic holding a comma
    /// (an Arabic keyboard's `،` above all), is an error that shows the list
    /// the editor meant: as written, it would make one topic of them all.
    fn names(&mut self, list: &NameList) -> Option<Vec<TagRef>> {
        let key = list.key;
        let value = self.map.get(key)?;
        let texts: Vec<String> = match value {
            Value::Null => return None,
            Value::String(s) if list.topics => {
                let meant = meant_list(std::slice::from_ref(s));
                let d = self.src.error_at_value(
                    &[key],
                    format!(
                        "`tags` must be a list: as written, `{}` would be one topic",
                        s.trim()
                    ),
                );
                self.fail(d.with_help(format!("write `tags: [{meant}]`")));
                return None;
            }
            Value::String(s) => vec![s.clone()],
            Value::Number(_) => vec![key_text(value)],
            Value::Sequence(items)
                if items
                    .iter()
                    .all(|i| matches!(i, Value::String(_) | Value::Number(_))) =>
            {
                items.iter().map(key_text).collect()
            }
            _ => {
                let d = self.src.error_at_value(&[key], list.not_a_list);
                self.fail(d.with_help(list.example));
                return None;
            }
        };
        let at = self.src.value_location(&[key]);
        let lines: Vec<&str> = self.src.text.lines().collect();
        let mut names = Vec::new();
        let mut comma_reported = false;
        for text in &texts {
            let text = text.trim().to_string();
            if text.is_empty() {
                let d = self.src.error_at_value(&[key], list.empty);
                self.fail(d.with_help(format!("remove the empty entry from `{key}`")));
                continue;
            }
            let (line, column) = locate_in(&lines, at.line - self.src.first_line, &text)
                .map(|(l, c)| (l + self.src.first_line, c + 1))
                .unwrap_or((at.line, at.column));
            if list.topics
                && let Some(comma) = text.chars().find(|c| matches!(c, ',' | '،'))
            {
                if !comma_reported {
                    comma_reported = true;
                    let d = Diagnostic::error(
                        Some(Location::new(self.src.file, line, column)),
                        format!(
                            "the topic `{text}` holds a comma (`{comma}`), so it would be one topic"
                        ),
                    );
                    self.fail(d.with_help(format!(
                        "write each topic as its own entry: `tags: [{}]` (a topic whose name holds a comma needs a key in content/tags.yaml)",
                        meant_list(&texts)
                    )));
                }
                continue;
            }
            names.push(TagRef {
                text,
                line: line as u32,
                column: column as u32,
            });
        }
        Some(names)
    }

    /// `author:` or `authors:` (one of them), one name or a list.
    fn authors(&mut self, is_page: bool) -> Option<Vec<TagRef>> {
        let key = match (
            self.map.contains_key("author"),
            self.map.contains_key("authors"),
        ) {
            (true, true) => {
                let d = self
                    .src
                    .error_at(&["authors"], "`author` and `authors` are both given");
                self.fail(d.with_help("list every author under one of them, e.g. `authors: [Sara al-Musawi, Hawre Aziz]`"));
                return None;
            }
            (true, false) => "author",
            (false, true) => "authors",
            (false, false) => return None,
        };
        let names = self.names(&NameList {
            key,
            not_a_list: if key == "author" {
                "`author` must be a name or a list of names"
            } else {
                "`authors` must be a name or a list of names"
            },
            example: "write e.g. `authors: [Sara al-Musawi, Hawre Aziz]`, by name or by key in authors.yaml",
            empty: "an author's name is empty",
            topics: false,
        })?;
        if is_page && !names.is_empty() {
            let d = Diagnostic::warning(
                Some(self.src.key_location(&[key])),
                format!("a standalone page shows no byline: its `{key}` is left out"),
            );
            self.problems.push(
                d.with_help("remove it, or move the file into a section folder if it is a story"),
            );
            return None;
        }
        Some(names)
    }

    /// `corrections: [{ date, text }]`, as written.
    fn corrections(&mut self) -> Option<Vec<RawCorrection>> {
        let value = self.map.get("corrections")?;
        let example = "write e.g. `corrections: [{ date: 2021-12-11, text: An earlier version misstated the number of troops. }]`";
        let items = match value {
            Value::Null => return None,
            Value::Sequence(items) => items,
            _ => {
                let d = self.src.error_at_value(
                    &["corrections"],
                    "`corrections` must be a list of corrections, each with a `date` and a `text`",
                );
                self.fail(d.with_help(example));
                return None;
            }
        };
        let mut corrections = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let at = self.src.item_location(&["corrections"], index);
            let Some(map) = item.as_mapping() else {
                let d = Diagnostic::error(Some(at), "a correction must have a `date` and a `text`");
                self.fail(d.with_help(example));
                continue;
            };
            for key in map.keys().map(key_text) {
                if key != "date" && key != "text" {
                    let help = match did_you_mean(&key, ["date", "text"]) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "the known keys are: date, text".to_string(),
                    };
                    // At the misspelt key's line (its value), not the item's.
                    let key_at = self.src.item_value_location(&["corrections"], index, &key);
                    let d =
                        Diagnostic::error(Some(key_at), format!("unknown correction key `{key}`"));
                    self.fail(d.with_help(help));
                }
            }
            let text = map.get("text").map(key_text).map(|t| t.trim().to_string());
            let date = map.get("date").filter(|d| !d.is_null()).map(key_text);
            let date = match date {
                None => {
                    let d = Diagnostic::error(Some(at.clone()), "the correction has no `date`");
                    self.fail(d.with_help("give the date it was made, e.g. `date: 2021-12-11` or `date: 2021-12-11T09:30`"));
                    None
                }
                Some(text) => match parse_date(&text, &self.settings.tz()) {
                    Ok(date) => Some(date),
                    Err(why) => {
                        let at = self
                            .src
                            .item_value_location(&["corrections"], index, "date");
                        let d = Diagnostic::error(Some(at), why);
                        self.fail(d.with_help(DATE_HELP));
                        None
                    }
                },
            };
            let Some(markdown) = text.filter(|t| !t.is_empty()) else {
                let d = Diagnostic::error(Some(at), "the correction has no `text`");
                self.fail(d.with_help("say what was wrong and what is right, e.g. `text: An earlier version misstated the number of troops.`"));
                continue;
            };
            if let Some(date) = date {
                corrections.push(RawCorrection {
                    date,
                    markdown,
                    index,
                });
            }
        }
        Some(corrections)
    }

    fn source(&mut self) -> Option<SourceLink> {
        let value = self.map.get("source")?;
        let map = match value {
            Value::Null => return None,
            Value::Mapping(map) => map,
            _ => {
                let d = self
                    .src
                    .error_at_value(&["source"], "`source` must have a `name` and a `url`");
                self.fail(d.with_help("write e.g. `source: { name: Agency, url: https://… }`"));
                return None;
            }
        };
        self.problems.extend(
            self.src
                .unknown_keys(map, &["source"], &["name", "url"], "source"),
        );
        let name = map
            .get("name")
            .map(key_text)
            .filter(|n| !n.trim().is_empty());
        let url = map.get("url").map(key_text);
        if let Some(url) = &url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            let d = self.src.error_at_value(
                &["source", "url"],
                format!("the source URL `{url}` is not a web address"),
            );
            self.fail(d.with_help("give the full address, starting with https://"));
            return None;
        }
        let Some(name) = name else {
            let d = self.src.error_at(&["source"], "`source` has no `name`");
            self.fail(d.with_help("add the outlet's name, e.g. `name: Associated Press`"));
            return None;
        };
        Some(SourceLink {
            name: name.trim().to_string(),
            url,
        })
    }

    /// The lead image, and the address it is published at when that is
    /// one of the site's, for the plan to check.
    fn image(&mut self, section: &str) -> Option<(Image, Option<Link>)> {
        let value = self.map.get("image")?;
        let src_path: &[&str] = if value.is_mapping() {
            &["image", "src"]
        } else {
            &["image"]
        };
        let (src, alt, caption, credit) = match value {
            Value::Null => return None,
            Value::String(src) => (Some(src.clone()), None, None, None),
            Value::Mapping(map) => {
                self.problems.extend(self.src.unknown_keys(
                    map,
                    &["image"],
                    &["src", "alt", "caption", "credit"],
                    "image",
                ));
                let field = |key: &str| map.get(key).filter(|v| !v.is_null()).map(key_text);
                let words = |key: &str| {
                    field(key)
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                };
                (
                    field("src"),
                    field("alt"),
                    words("caption"),
                    words("credit"),
                )
            }
            _ => {
                let d = self
                    .src
                    .error_at_value(&["image"], "`image` must have a `src` and an `alt`");
                self.fail(d.with_help("write e.g. `image: { src: photo.jpg, alt: … }`"));
                return None;
            }
        };
        let Some(src) = src.filter(|s| !s.trim().is_empty()) else {
            let d = self.src.error_at(&["image"], "`image` has no `src`");
            self.fail(d.with_help("give the picture's path or address in `src`"));
            return None;
        };
        if addresses::is_dangerous_url(&src) {
            let d = self.src.error_at_value(
                &["image", "src"],
                "the image address uses a scripting scheme",
            );
            self.fail(d.with_help("use a path such as photo.jpg or an https:// address"));
            return None;
        }
        if alt.is_none() {
            let d = Diagnostic::warning(
                Some(self.src.key_location(&["image"])),
                "the image has no `alt` text",
            );
            self.problems.push(d.with_help(
                "describe the picture in `alt` for readers who cannot see it; `alt: \"\"` marks a picture that is only decoration",
            ));
        }
        let resolved = resolve_asset_url(src.trim(), section, &self.settings.markdown.base_path);
        let at = self.src.value_location(src_path);
        let link = (!addresses::is_external(src.trim())).then(|| Link {
            written: src.trim().to_string(),
            target: LinkTarget::Address(resolved.clone()),
            kind: LinkKind::LeadImage,
            line: at.line as u32,
            column: at.column as u32,
        });
        let image = Image {
            src: resolved,
            alt: alt.map(|a| a.trim().to_string()).unwrap_or_default(),
            caption,
            credit,
            line: at.line as u32,
            column: at.column as u32,
        };
        Some((image, link))
    }

    fn slug(&mut self) -> Option<String> {
        let slug: String = self.typed("slug", "text")?;
        let slug = slug.trim().to_string();
        match check_slug(&slug) {
            Ok(()) => Some(slug),
            Err(why) => {
                let d = self.src.error_at_value(&["slug"], why);
                self.fail(d.with_help(
                    "use letters, digits and hyphens only, e.g. `slug: us-combat-mission-ends`",
                ));
                None
            }
        }
    }
}

/// The topics an editor meant by `tags` written as `written`: each entry
/// split at its commas (`,` or `،`), as a YAML list's contents.
fn meant_list(written: &[String]) -> String {
    written
        .iter()
        .flat_map(|entry| entry.split([',', '،']))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let plain = !t.contains(['[', ']', '{', '}', ':', '#', '"', '\'', ','])
                && !t.starts_with(['-', '?', '!', '&', '*', '|', '>', '%', '@', '`']);
            if plain {
                t.to_string()
            } else {
                format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An image path from front matter as a URL: absolute URLs stay, `/x.jpg`
/// gets the base path, `x.jpg` is relative to the article's folder; paths
/// come out percent-encoded, as links are.
pub fn resolve_asset_url(src: &str, section: &str, base_path: &str) -> String {
    if src.contains("://") || src.starts_with("//") {
        return src.to_string();
    }
    match src.strip_prefix('/') {
        Some(rooted) => addresses::resolve(base_path, rooted),
        None => addresses::resolve(&urls::content_folder(section).href_under(base_path), src),
    }
}

/// Finds `needle` on line `from` or a following line: its 0-based line and
/// 0-based character column.
fn locate_in(lines: &[&str], from: usize, needle: &str) -> Option<(usize, usize)> {
    lines.iter().enumerate().skip(from).find_map(|(n, line)| {
        line.find(needle)
            .map(|byte| (n, line[..byte].chars().count()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileStamp;

    fn file(path: &str) -> SourceFile {
        SourceFile {
            path: path.into(),
            rel: path.trim_start_matches("content/").into(),
            kind: SourceKind::Article {
                lang: Lang::parse("ar").unwrap(),
                section: "news".into(),
                stem: "x".into(),
            },
            stamp: FileStamp {
                size: 0,
                modified_ns: 0,
            },
        }
    }

    fn parse(text: &str) -> Parsed {
        parse_article(
            &file("content/news/x.ar.md"),
            text.as_bytes(),
            &ParseSettings::plain(),
        )
    }

    fn errors(text: &str) -> Vec<String> {
        parse(text)
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_complete_article_parses() {
        let p = parse(
            "---\ntitle: واشنطن تنهي الأعمال القتالية\ndate: 2021-12-30T10:00:00+03:00\ntags: [iraq, القوات الأميركية]\nsource: {name: AP, url: https://apnews.com/x}\nimage: {src: photo.jpg, alt: صورة}\n---\nقالت واشنطن إنها ستبقي قواتها.\n",
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        let a = p.article.unwrap();
        assert_eq!(a.title, "واشنطن تنهي الأعمال القتالية");
        assert_eq!(a.date.unwrap().rfc3339(), "2021-12-30T10:00:00+03:00");
        assert_eq!(
            a.tags.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["iraq", "القوات الأميركية"]
        );
        assert_eq!(a.tags[1].line, 4);
        assert_eq!(a.summary, "قالت واشنطن إنها ستبقي قواتها.");
        assert_eq!(a.image.unwrap().src, "/news/photo.jpg");
        assert_eq!(a.slug, "x");
    }

    #[test]
    fn bom_and_crlf_just_work() {
        let p = parse("\u{feff}---\r\ntitle: T\r\ndate: 2021-12-30\r\n---\r\nBody\r\n");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.article.unwrap().title, "T");
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let errs = errors("---\ntitel: T\ndate: 2021-02-30\nslug: a/b\n---\n");
        assert_eq!(
            errs,
            [
                "error: content/news/x.ar.md:1:1: the front matter has no `title`\n  help: add a line `title: …` between the `---` lines",
                "error: content/news/x.ar.md:2:1: unknown front matter key `titel`\n  help: did you mean `title`?",
                "error: content/news/x.ar.md:3:7: `2021-02-30` is not a real date or time: 2021-02 has only 28 days\n  help: write the date as YYYY-MM-DD, or with a time as YYYY-MM-DDTHH:MM (optionally with an offset such as +03:00)",
                "error: content/news/x.ar.md:4:7: the slug `a/b` contains `/`, which would make it more than one path segment\n  help: use letters, digits and hyphens only, e.g. `slug: us-combat-mission-ends`",
            ]
        );
    }

    #[test]
    fn missing_or_unclosed_front_matter() {
        assert_eq!(
            errors("title: x\n"),
            [
                "error: content/news/x.ar.md:1:1: the file does not start with front matter (a `---` line)\n  help: start the file with a line `---`, then `title: …` and `date: …`, then another `---` line, then the article"
            ]
        );
        assert_eq!(
            errors("---\ntitle: x\n"),
            [
                "error: content/news/x.ar.md:1:1: the front matter is not closed\n  help: add a line `---` after the last front matter line, before the article's text"
            ]
        );
        assert_eq!(
            errors(""),
            [
                "error: content/news/x.ar.md:1:1: the file is empty\n  help: start the file with a line `---`, then `title: …` and `date: …`, then another `---` line, then the article"
            ]
        );
    }

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let p = parse_article(
            &file("content/news/x.ar.md"),
            b"---\ntitle: \xff\n",
            &ParseSettings::plain(),
        );
        assert_eq!(
            p.problems[0].to_string(),
            "error: content/news/x.ar.md:2:8: the file is not valid UTF-8 (invalid byte 0xFF at byte offset 11)\n  help: save the file with UTF-8 encoding"
        );
    }

    #[test]
    fn a_summary_repeating_the_first_paragraph_is_known() {
        assert!(repeats("Talks end.", "Talks   end."));
        assert!(repeats("انتهت المحادثات…", "انتهت المحادثات في واشنطن."));
        assert!(!repeats("Talks end in Washington.", "Talks end."));
        assert!(!repeats("A new site.", "This is the first story."));
        assert!(!repeats("", "Anything."));
        assert!(!repeats("Talk", "Talks end."));
    }

    #[test]
    fn long_first_paragraphs_are_shortened_at_a_word() {
        let long = "كلمة ".repeat(100);
        let s = shorten(long.trim(), 50);
        assert!(s.ends_with('…') && s.chars().count() <= 51, "{s}");
    }
}
