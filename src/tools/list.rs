//! `digest list`: every story, newest first, with its state in each
//! edition: published, draft, scheduled (with its time) or missing; a
//! newsroom's to-translate queue with `--missing en`.
//!
//! The stories are read by the build's own stages (configuration, walk,
//! parse, drafts included), taking unchanged files from the build cache
//! without writing it. A story is *scheduled* while its `date` is later
//! than the clock given ([`ListOptions::now`]).

use std::path::PathBuf;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::Serialize;

use crate::config::{Config, Lang};
use crate::content::article::Article;
use crate::content::front_matter::ParseSettings;
use crate::content::walk::SourceKind;
use crate::dates::PubDate;
use crate::error::{BuildError, Diagnostic, Diagnostics, did_you_mean};
use crate::files::Changes;
use crate::options::BuildOptions;
use crate::state::Saved;

/// What to list.
#[derive(Debug, Clone)]
pub struct ListOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// The clock: stories dated later are scheduled.
    pub now: jiff::Timestamp,
    /// Only stories with no version in this language (`--missing en`).
    pub missing: Option<String>,
    /// Only stories with a scheduled version.
    pub scheduled: bool,
    /// Only stories with a draft version.
    pub drafts: bool,
}

/// The state of one version of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Published,
    Draft,
    /// Dated later than the clock: published once its time comes.
    Scheduled,
    /// No file in this language.
    Missing,
    /// A file that does not parse (its problems are reported).
    Invalid,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Published => "published",
            State::Draft => "draft",
            State::Scheduled => "scheduled",
            State::Missing => "missing",
            State::Invalid => "invalid",
        }
    }
}

/// One language's version of a story.
#[derive(Debug, Clone)]
pub struct Version {
    pub lang: Lang,
    pub state: State,
    pub file: Option<PathBuf>,
    pub article: Option<Arc<Article>>,
}

/// A story: the files of one name in one folder, one per language.
#[derive(Debug, Clone)]
pub struct Story {
    /// The folders between `content/` and the files; empty for a
    /// standalone page.
    pub section: String,
    /// The file name without language and extension.
    pub slug: String,
    /// When it first appeared: the earliest date of its versions.
    pub date: Option<PubDate>,
    /// One per language of the site, in the configuration's order.
    pub versions: Vec<Version>,
}

/// The listing, and the problems met reading the stories.
#[derive(Debug)]
pub struct Listing {
    pub stories: Vec<Story>,
    pub problems: Diagnostics,
    pub timezone: jiff::tz::TimeZone,
}

/// Lists the site's stories.
pub fn list(options: &ListOptions) -> Result<Listing, BuildError> {
    let config = crate::config::stage(&options.root, None)?;
    let missing = options
        .missing
        .as_deref()
        .map(|code| language(&config, code))
        .transpose()
        .map_err(BuildError::Fatal)?;
    let mut problems = Diagnostics::new();
    let walk = crate::content::walk::stage(&config, Changes::default(), &mut None, &mut problems);
    let build = BuildOptions {
        root: options.root.clone(),
        drafts: true,
        ..BuildOptions::default()
    };
    let cache_dir = crate::cache_dir_for(&crate::default_output(&options.root));
    let mut cache = Saved::load(&cache_dir).articles;
    let settings = ParseSettings::new(&config);
    let (articles, _) = crate::content::articles::stage(
        &config,
        &walk.files,
        &settings,
        &build,
        &mut cache,
        &mut problems,
    );
    let by_path: rustc_hash::FxHashMap<&std::path::Path, &Arc<Article>> =
        articles.iter().map(|a| (a.path.as_path(), a)).collect();
    let mut stories: IndexMap<(String, String), Story> = IndexMap::new();
    for file in &walk.files {
        let SourceKind::Article {
            lang,
            section,
            stem,
        } = &file.kind
        else {
            continue;
        };
        let story = stories
            .entry((section.clone(), stem.clone()))
            .or_insert_with(|| Story {
                section: section.clone(),
                slug: stem.clone(),
                date: None,
                versions: config
                    .languages
                    .iter()
                    .map(|l| Version {
                        lang: l.lang.clone(),
                        state: State::Missing,
                        file: None,
                        article: None,
                    })
                    .collect(),
            });
        let version = story
            .versions
            .iter_mut()
            .find(|v| v.lang == *lang)
            .expect("every language of the site has a version");
        version.file = Some(file.path.clone());
        version.article = by_path.get(file.path.as_path()).map(|a| (*a).clone());
        version.state = match &version.article {
            None => State::Invalid,
            Some(a) if a.draft => State::Draft,
            Some(a) if a.date.is_some_and(|d| d.timestamp() > options.now) => State::Scheduled,
            Some(_) => State::Published,
        };
        if let Some(date) = version.article.as_ref().and_then(|a| a.date) {
            story.date = Some(story.date.map_or(date, |d| d.min(date)));
        }
    }
    let mut stories: Vec<Story> = stories
        .into_values()
        .filter(|s| {
            let has = |state| s.versions.iter().any(|v| v.state == state);
            missing.as_ref().is_none_or(|lang| {
                s.versions
                    .iter()
                    .any(|v| v.lang == *lang && v.state == State::Missing)
            }) && (!options.scheduled || has(State::Scheduled))
                && (!options.drafts || has(State::Draft))
        })
        .collect();
    // Newest first; undated (unreadable) stories last; then by folder and name.
    stories.sort_by(|a, b| {
        b.date
            .map(|d| d.seconds)
            .cmp(&a.date.map(|d| d.seconds))
            .then_with(|| (&a.section, &a.slug).cmp(&(&b.section, &b.slug)))
    });
    problems.sort();
    Ok(Listing {
        stories,
        problems,
        timezone: config.timezone.clone(),
    })
}

fn language(config: &Config, code: &str) -> Result<Lang, Diagnostic> {
    if let Some(l) = config.find_language(code) {
        return Ok(l.lang.clone());
    }
    let known: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
    let help = match did_you_mean(code, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("the site's languages are: {}", known.join(", ")),
    };
    Err(Diagnostic::error(
        None,
        format!("--missing {code}: `{code}` is not one of the site's languages"),
    )
    .with_help(help))
}

impl Listing {
    /// One line per story: date, section (`-` for a standalone page),
    /// slug, and each language's state. With a `width` (a terminal's), the
    /// slug is shortened, as far as a dozen characters, to fit it.
    pub fn text(&self, width: Option<usize>) -> String {
        let rows: Vec<[String; 3]> = self
            .stories
            .iter()
            .map(|s| {
                let date = s.date.map_or_else(|| "?".repeat(10), |d| self.day(d));
                let section = if s.section.is_empty() {
                    "-".to_string()
                } else {
                    s.section.clone()
                };
                [date, section, s.slug.clone()]
            })
            .collect();
        let cells: Vec<Vec<String>> = self
            .stories
            .iter()
            .map(|s| s.versions.iter().map(|v| self.cell(v)).collect())
            .collect();
        let widest =
            |column: &dyn Fn(usize) -> usize| (0..rows.len()).map(column).max().unwrap_or(0);
        let section_w = widest(&|i| chars(&rows[i][1]));
        let mut slug_w = widest(&|i| chars(&rows[i][2]));
        let languages = cells.first().map_or(0, Vec::len);
        let cell_w: Vec<usize> = (0..languages)
            .map(|l| widest(&|i| chars(&cells[i][l])))
            .collect();
        if let Some(width) = width {
            let fixed = 10 + 2 + section_w + 2 + cell_w.iter().map(|w| w + 2).sum::<usize>();
            slug_w = slug_w.min(width.saturating_sub(fixed).max(12));
        }
        let mut out = String::new();
        for (row, cells) in rows.iter().zip(&cells) {
            let mut line = format!(
                "{}  {}  {}",
                row[0],
                pad(&row[1], section_w),
                pad(&fit(&row[2], slug_w), slug_w)
            );
            for (cell, w) in cells.iter().zip(&cell_w) {
                line.push_str("  ");
                line.push_str(&pad(cell, *w));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// One JSON object per line and story: its date, section, slug, and
    /// each language's state, file, title and date.
    pub fn json_lines(&self) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            date: Option<String>,
            section: &'a str,
            slug: &'a str,
            languages: IndexMap<&'a str, VersionJson<'a>>,
        }
        #[derive(Serialize)]
        struct VersionJson<'a> {
            state: &'static str,
            file: Option<String>,
            title: Option<&'a str>,
            date: Option<String>,
        }
        let mut out = String::new();
        for story in &self.stories {
            let line = Line {
                date: story.date.map(|d| d.rfc3339()),
                section: &story.section,
                slug: &story.slug,
                languages: story
                    .versions
                    .iter()
                    .map(|v| {
                        (
                            v.lang.as_str(),
                            VersionJson {
                                state: v.state.as_str(),
                                file: v.file.as_ref().map(|f| crate::files::to_slash(f)),
                                title: v.article.as_ref().map(|a| a.title.as_str()),
                                date: v.article.as_ref().and_then(|a| a.date).map(|d| d.rfc3339()),
                            },
                        )
                    })
                    .collect(),
            };
            out.push_str(&serde_json::to_string(&line).expect("a listing serializes"));
            out.push('\n');
        }
        out
    }

    fn cell(&self, version: &Version) -> String {
        let state = version.state.as_str();
        match (&version.article, version.state) {
            (Some(a), State::Scheduled) if let Some(date) = a.date => {
                format!("{} {state} {}", version.lang, self.minute(date))
            }
            _ => format!("{} {state}", version.lang),
        }
    }

    /// `2026-12-05`, on the site's clock.
    fn day(&self, date: PubDate) -> String {
        date.timestamp()
            .to_zoned_datetime(self.timezone.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }

    /// `2026-12-05 10:00`, on the site's clock.
    fn minute(&self, date: PubDate) -> String {
        date.timestamp()
            .to_zoned_datetime(self.timezone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn pad(text: &str, width: usize) -> String {
    let mut padded = text.to_string();
    padded.extend(std::iter::repeat_n(' ', width.saturating_sub(chars(text))));
    padded
}

/// `text` cut to `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if chars(text) <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing() -> Listing {
        let lang = |c: &str| Lang::parse(c).unwrap();
        let version = |l: &str, state| Version {
            lang: lang(l),
            state,
            file: None,
            article: None,
        };
        let date = crate::dates::parse_date("2021-12-10T14:00:00+03:00", &jiff::tz::TimeZone::UTC)
            .unwrap();
        Listing {
            stories: vec![
                Story {
                    section: "news".into(),
                    slug: "a-rather-long-story-name-indeed".into(),
                    date: Some(date),
                    versions: vec![
                        version("ar", State::Published),
                        version("en", State::Missing),
                    ],
                },
                Story {
                    section: String::new(),
                    slug: "about".into(),
                    date: Some(date),
                    versions: vec![version("ar", State::Draft), version("en", State::Published)],
                },
            ],
            problems: Diagnostics::new(),
            timezone: jiff::tz::TimeZone::get("Asia/Baghdad").unwrap(),
        }
    }

    #[test]
    fn columns_line_up_and_fit_a_terminal() {
        let l = listing();
        assert_eq!(
            l.text(None),
            "2021-12-10  news  a-rather-long-story-name-indeed  ar published  en missing\n\
             2021-12-10  -     about                            ar draft      en published\n"
        );
        let narrow = l.text(Some(60));
        assert_eq!(
            narrow,
            "2021-12-10  news  a-rather-long…  ar published  en missing\n\
             2021-12-10  -     about           ar draft      en published\n"
        );
        let longest = narrow.lines().map(|line| line.chars().count()).max();
        assert_eq!(longest, Some(60), "as wide as the terminal, no wider");
    }
}
