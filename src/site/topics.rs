//! Topics (tags) that are one topic in both editions.
//!
//! `content/tags.yaml` gives each topic a key and a label per language; an
//! article names a topic by key or by its label in the article's language.
//! Matching labels forgives what writers vary without meaning to: Arabic
//! diacritics, tatweel and the hamza forms of alef, letter case and spaces.
//! A label that no key claims is still a topic of its edition, with a slug
//! that keeps its letters (Arabic stays Arabic).

use std::path::Path;

use indexmap::IndexMap;
use serde_yaml::Value;

use crate::config::{Config, Lang};
use crate::content::walk::{SourceFile, SourceKind, TAGS_FILE};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::site::names::{AddLabelError, Named, Registry, Table, normalize_label};
use crate::yaml::{YamlSource, key_text};

/// tags.yaml's words, for its messages.
const TOPICS: Registry = Registry {
    entry: "topic",
    name: "label",
    example_key: "us-forces",
    example: "iraq: { ar: العراق, en: Iraq }",
    same_name: "give each topic its own label, or merge the two keys",
    file: TAGS_FILE,
    kind: SourceKind::Tags,
};

/// Index of a topic in [`Topics::all`].
pub type TopicId = usize;

/// A topic's name in one edition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopicLabel {
    pub label: String,
    pub description: Option<String>,
}

/// One topic.
#[derive(Debug, Clone)]
pub struct Topic {
    /// The URL segment: the tags.yaml key, or the slug of a free label.
    pub slug: String,
    /// Whether tags.yaml defines it (and so it can span editions).
    pub keyed: bool,
    /// A new label the build already said is close to a topic of
    /// tags.yaml (not pointed out again as used once).
    pub pointed_out: bool,
    /// The topic's label in each edition that has one.
    pub labels: IndexMap<Lang, TopicLabel>,
    /// Changes when the topic's slug, labels or descriptions do.
    pub stamp: u64,
}

impl Topic {
    pub fn label(&self, lang: &Lang) -> Option<&TopicLabel> {
        self.labels.get(lang)
    }
}

impl Named for Topic {
    const REGISTRY: &'static Registry = &TOPICS;

    fn slug(&self) -> &str {
        &self.slug
    }

    fn keyed(&self) -> bool {
        self.keyed
    }

    fn names(&self) -> impl Iterator<Item = (&Lang, &str)> {
        self.labels.iter().map(|(lang, l)| (lang, l.label.as_str()))
    }
}

/// The topic table: tags.yaml plus the free labels articles introduced.
pub type Topics = Table<Topic>;

/// How an article's tag was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Topic(TopicId),
    /// Looks like a key, but tags.yaml has no such key or label: a
    /// lowercase hyphenated name, or a single lowercase word within a
    /// letter or two of a key (`iraqq`).
    UnknownKey {
        suggestion: Option<String>,
        /// A single word, which could also be meant as a new topic's label.
        word: bool,
    },
    /// A label no topic has yet: a new topic of this edition.
    NewLabel,
}

/// The topics stage: `content/tags.yaml` (if the walk found one) read into
/// the site's keyed topics; free labels join them when the site is made.
pub fn stage(config: &Config, sources: &[SourceFile], problems: &mut Diagnostics) -> Topics {
    let tags = TOPICS.source(config, sources, problems);
    let (topics, warnings) = Topics::load(config, tags.as_deref());
    problems.extend(warnings);
    topics
}

impl Topics {
    /// Reads tags.yaml (if any).
    pub fn load(config: &Config, bytes: Option<&[u8]>) -> (Topics, Diagnostics) {
        Table::from_file(bytes, |src, key, value| read_topic(config, src, key, value))
    }

    /// Which topic an article's tag means.
    pub fn resolve(&self, lang: &Lang, text: &str) -> Resolution {
        if let Some(id) = self.find(lang, text) {
            return Resolution::Topic(id);
        }
        if let Some(suggestion) = self.unknown_key(text) {
            return Resolution::UnknownKey {
                suggestion,
                word: false,
            };
        }
        if looks_like_word(text)
            && let Some(key) = closest(text, self.keys())
        {
            return Resolution::UnknownKey {
                suggestion: Some(key.to_string()),
                word: true,
            };
        }
        Resolution::NewLabel
    }

    /// The topic of tags.yaml whose label in `lang` or whose key is within
    /// a letter or two of `text`, once both are normalised: what a new
    /// free label was likely meant to be.
    pub fn near(&self, lang: &Lang, text: &str) -> Option<TopicId> {
        let normal = loosely(&normalize_label(text));
        let mut best: Option<(usize, TopicId)> = None;
        for (id, topic) in self.all.iter().enumerate().filter(|(_, t)| t.keyed) {
            let label = topic
                .label(lang)
                .map(|l| loosely(&normalize_label(&l.label)));
            for form in label
                .iter()
                .map(String::as_str)
                .chain([topic.slug.as_str()])
            {
                if let Some(distance) = distance_if_close(&normal, form)
                    && best.is_none_or(|(d, _)| distance < d)
                {
                    best = Some((distance, id));
                }
            }
        }
        best.map(|(_, id)| id)
    }

    /// Adds (or finds) the free-label topic for `text` in `lang`. Fails when
    /// another label of the edition already has the same slug.
    pub fn add_label(&mut self, lang: &Lang, text: &str) -> Result<TopicId, AddLabelError> {
        self.add_free(lang, text, |slug| {
            let mut labels = IndexMap::new();
            labels.insert(
                lang.clone(),
                TopicLabel {
                    label: text.trim().to_string(),
                    description: None,
                },
            );
            Topic {
                stamp: stamp_of(&slug, &labels),
                slug,
                keyed: false,
                pointed_out: false,
                labels,
            }
        })
    }

    /// Sets a free-label topic's shown label (the spelling most articles
    /// use), once all articles are read.
    pub fn set_label(&mut self, id: TopicId, lang: &Lang, label: String) {
        let topic = &mut self.all[id];
        if let Some(l) = topic.labels.get_mut(lang) {
            l.label = label;
        }
        topic.stamp = stamp_of(&topic.slug, &topic.labels);
    }

    /// Notes that the build said `id` is close to a topic of tags.yaml.
    pub fn mark_pointed_out(&mut self, id: TopicId) {
        self.all[id].pointed_out = true;
    }
}

fn read_topic(
    config: &Config,
    src: &YamlSource,
    key: &str,
    value: &Value,
) -> Result<Topic, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let Some(map) = TOPICS.entry(src, key, value, &mut problems) else {
        return Err(problems);
    };
    let mut labels = IndexMap::new();
    for (code, entry) in map {
        let code = key_text(code);
        let Some(language) = config.find_language(&code) else {
            let known: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
            problems.push(
                src.error_at(
                    &[key, &code],
                    format!("`{code}` is not one of the site's languages"),
                )
                .with_help(format!("use one of: {}", known.join(", "))),
            );
            continue;
        };
        let label = match entry {
            Value::String(_) | Value::Number(_) => Some(TopicLabel {
                label: key_text(entry),
                description: None,
            }),
            Value::Mapping(m) => {
                problems.extend(src.unknown_keys(
                    m,
                    &[key, &code],
                    &["label", "description"],
                    "topic",
                ));
                m.get("label").map(|l| TopicLabel {
                    label: key_text(l),
                    description: m.get("description").map(key_text),
                })
            }
            _ => None,
        };
        match label.filter(|l| !l.label.trim().is_empty()) {
            Some(label) => {
                labels.insert(language.lang.clone(), label);
            }
            None => problems.push(
                src.error_at(
                    &[key, &code],
                    format!("the topic `{key}` has no {code} label"),
                )
                .with_help(format!(
                    "write `{code}: <label>` or `{code}: {{ label: …, description: … }}`"
                )),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Topic {
        stamp: stamp_of(key, &labels),
        slug: key.to_string(),
        keyed: true,
        pointed_out: false,
        labels,
    })
}

fn stamp_of(slug: &str, labels: &IndexMap<Lang, TopicLabel>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(slug.as_bytes());
    for (lang, l) in labels {
        h.update(&[0]);
        h.update(lang.as_str().as_bytes());
        h.update(&[1]);
        h.update(l.label.as_bytes());
        h.update(&[2]);
        h.update(l.description.as_deref().unwrap_or("").as_bytes());
    }
    h.digest()
}

/// A normalised label with the letters writers interchange at a word's
/// end made one (`ة`/`ه`, `ى`/`ي`): for telling how close two labels are,
/// not whether they are one topic.
fn loosely(normal: &str) -> String {
    normal
        .chars()
        .map(|c| match c {
            'ة' => 'ه',
            'ى' => 'ي',
            c => c,
        })
        .collect()
}

/// One lowercase ASCII word (`iraqq`): a key if it is close to one.
fn looks_like_word(text: &str) -> bool {
    text.len() >= 3
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The candidate within a letter or two of `text`, closest first.
fn closest<'a>(text: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .filter_map(|c| distance_if_close(text, c).map(|d| (d, c)))
        .min()
        .map(|(_, c)| c)
}

/// The edit distance between two different spellings that are within a
/// letter or two of each other: one for words of up to five letters, two
/// for longer ones; `None` when they are equal or further apart, or too
/// short to tell.
fn distance_if_close(a: &str, b: &str) -> Option<usize> {
    let longest = a.chars().count().max(b.chars().count());
    let allowed = match longest {
        0..=2 => return None,
        3..=5 => 1,
        _ => 2,
    };
    let distance = strsim::levenshtein(a, b);
    (distance > 0 && distance <= allowed).then_some(distance)
}

/// Where an article names a topic, for messages.
pub fn tag_location(path: &Path, line: u32, column: u32) -> Location {
    Location::new(path, line as usize, column as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::slugify;

    fn topics(yaml: &str) -> Topics {
        let (t, problems) = Topics::load(&Config::bilingual(), Some(yaml.as_bytes()));
        assert!(problems.is_empty(), "{problems}");
        t
    }

    #[test]
    fn labels_match_whatever_the_hamza_diacritics_or_case() {
        let t = topics(
            "us-forces:\n  ar: القوات الأميركية\n  en: US forces\niraq:\n  ar: { label: العراق, description: أخبار العراق }\n  en: Iraq\n",
        );
        let ar = Lang::parse("ar").unwrap();
        let en = Lang::parse("en").unwrap();
        for text in [
            "القوات الأميركية",
            "القوات الاميركية",
            "القوات الأمـيركية",
            "القُوّات الأَميركية",
            " القوات  الأميركية ",
        ] {
            assert_eq!(t.resolve(&ar, text), Resolution::Topic(0), "{text}");
        }
        for text in ["us-forces", "US Forces", "us forces", "  US forces "] {
            assert_eq!(t.resolve(&en, text), Resolution::Topic(0), "{text}");
        }
        assert_eq!(t.resolve(&ar, "إلعراق"), Resolution::Topic(1));
        assert_eq!(
            t.get(1).label(&ar).unwrap().description.as_deref(),
            Some("أخبار العراق")
        );
    }

    #[test]
    fn different_labels_stay_different_topics() {
        let t = topics("iraq:\n  ar: العراق\n  en: Iraq\n");
        let ar = Lang::parse("ar").unwrap();
        assert_eq!(t.resolve(&ar, "العراقي"), Resolution::NewLabel);
        assert_eq!(
            t.resolve(&ar, "Iraq"),
            Resolution::NewLabel,
            "an English label is not an Arabic one"
        );
    }

    #[test]
    fn a_mistyped_key_is_recognized_as_one() {
        let t = topics("us-forces:\n  ar: القوات الأميركية\n  en: US forces\n");
        let en = Lang::parse("en").unwrap();
        assert_eq!(
            t.resolve(&en, "us-forcez"),
            Resolution::UnknownKey {
                suggestion: Some("us-forces".into()),
                word: false,
            }
        );
        assert_eq!(t.resolve(&en, "Mosul"), Resolution::NewLabel);
    }

    #[test]
    fn a_word_a_letter_off_a_key_is_a_mistyped_key() {
        let t = topics("iraq:\n  ar: العراق\n  en: Iraq\n");
        let en = Lang::parse("en").unwrap();
        assert_eq!(
            t.resolve(&en, "iraqq"),
            Resolution::UnknownKey {
                suggestion: Some("iraq".into()),
                word: true,
            }
        );
        assert_eq!(t.resolve(&en, "mosul"), Resolution::NewLabel);
        assert_eq!(
            t.resolve(&en, "Iraqq"),
            Resolution::NewLabel,
            "a label, not a key"
        );
    }

    #[test]
    fn a_new_label_close_to_a_known_one_is_found() {
        let t = topics(
            "iraq:\n  ar: العراق\n  en: Iraq\nus-forces:\n  ar: القوات الأميركية\n  en: US forces\n",
        );
        let ar = Lang::parse("ar").unwrap();
        let en = Lang::parse("en").unwrap();
        assert_eq!(t.near(&ar, "العرق"), Some(0));
        assert_eq!(t.near(&ar, "القوات الامريكية"), Some(1));
        assert_eq!(t.near(&en, "Iraqi"), Some(0));
        assert_eq!(t.near(&ar, "الموصل"), None);
        assert_eq!(t.near(&en, "Mosul"), None);
    }

    #[test]
    fn free_labels_get_unicode_slugs_and_clashes_are_refused() {
        let mut t = topics("");
        let ar = Lang::parse("ar").unwrap();
        let id = t.add_label(&ar, "الحوار الاستراتيجي").unwrap();
        assert_eq!(t.get(id).slug, "الحوار-الاستراتيجي");
        assert_eq!(
            t.add_label(&ar, "الحوار الإستراتيجي"),
            Ok(id),
            "hamza variant is the same topic"
        );
        assert_eq!(
            t.add_label(&ar, "الحوار-الاستراتيجي"),
            Err(AddLabelError::SameSlug {
                other: id,
                slug: "الحوار-الاستراتيجي".into()
            })
        );
        assert_eq!(t.add_label(&ar, "!!!"), Err(AddLabelError::NoLetters));
    }

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slugify("US forces, 2021!"), "us-forces-2021");
        assert_eq!(slugify("القوات الاميركية"), "القوات-الاميركية");
    }
}
