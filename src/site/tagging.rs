//! Articles' tags to topics: each spelling resolved once against
//! `tags.yaml`, free labels added as topics of their edition (shown as most
//! articles spell them), and the problems reported at the tag's line: an
//! unknown key is an error, a new label a letter or two away from a topic
//! of `tags.yaml` gets a "did you mean", and a new label only one story
//! uses is pointed out.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::config::Lang;
use crate::content::article::TagRef;
use crate::content::article::{Article, ArticleId};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::site::names::AddLabelError;
use crate::site::schedule::Held;
use crate::site::topics::{Resolution, TopicId, Topics, tag_location};

/// Resolves every article's tags to topics, adding free labels as new topics
/// of their edition. Articles are visited in path order (`by_path`) so that
/// the result never depends on dates or threads.
pub fn resolve_topics(
    articles: &[Arc<Article>],
    by_path: &[ArticleId],
    topics: &mut Topics,
    problems: &mut Diagnostics,
) -> Vec<Vec<TopicId>> {
    let mut result = vec![Vec::new(); articles.len()];
    let mut first_use: HashMap<TopicId, &std::path::Path> = HashMap::default();
    // How often each free label is spelled each way, by edition.
    let mut spelled: HashMap<(TopicId, &Lang, &str), usize> = HashMap::default();
    // A site spells a few hundred topics tens of thousands of times:
    // each spelling is resolved once.
    let mut resolved: HashMap<(&Lang, &str), TopicId> = HashMap::default();
    let tags_file = topics.file_name();
    // New labels already said to be close to a topic of tags.yaml.
    let mut nearly: Vec<TopicId> = Vec::new();
    for &id in by_path {
        let article = &articles[id];
        for tag in &article.tags {
            let topic = match resolved.get(&(&article.lang, tag.text.as_str())) {
                Some(&topic) => topic,
                None => {
                    let at = tag_location(&article.path, tag.line, tag.column);
                    let topic = match topics.resolve(&article.lang, &tag.text) {
                        Resolution::Topic(t) => t,
                        Resolution::UnknownKey { suggestion, word } => {
                            problems.push(unknown_key(at, tag, suggestion, word, &tags_file));
                            continue;
                        }
                        Resolution::NewLabel => match topics.add_label(&article.lang, &tag.text) {
                            Ok(t) => {
                                if let Some(near) = topics.near(&article.lang, &tag.text) {
                                    problems.push(near_label(
                                        topics,
                                        &article.lang,
                                        at,
                                        tag,
                                        near,
                                        &tags_file,
                                    ));
                                    nearly.push(t);
                                }
                                t
                            }
                            Err(AddLabelError::NoLetters) => {
                                problems.push(
                                    Diagnostic::error(
                                        Some(at),
                                        format!(
                                            "the topic `{}` has no letters or digits",
                                            tag.text
                                        ),
                                    )
                                    .with_help("name the topic with words"),
                                );
                                continue;
                            }
                            Err(AddLabelError::SameSlug { other, slug }) => {
                                let first = first_use.get(&other).copied();
                                problems.push(same_url_error(
                                    topics,
                                    &article.lang,
                                    at,
                                    &tag.text,
                                    other,
                                    &slug,
                                    first,
                                ));
                                continue;
                            }
                        },
                    };
                    resolved.insert((&article.lang, &tag.text), topic);
                    topic
                }
            };
            first_use.entry(topic).or_insert(&article.path);
            if !topics.get(topic).keyed {
                *spelled
                    .entry((topic, &article.lang, &tag.text))
                    .or_default() += 1;
            }
            if !result[id].contains(&topic) {
                result[id].push(topic);
            }
        }
    }
    for ((topic, lang), label) in most_used_spellings(spelled) {
        topics.set_label(topic, &lang, label);
    }
    for topic in nearly {
        topics.mark_pointed_out(topic);
    }
    result
}

/// The spelling of each free name (a topic's label, an author's name)
/// that most of its uses have, by name and edition, from how often each
/// spelling was used; spaces are tidied, ties go to the spelling that
/// sorts first.
pub fn most_used_spellings(
    spelled: HashMap<(usize, &Lang, &str), usize>,
) -> BTreeMap<(usize, Lang), String> {
    let mut spellings: BTreeMap<(usize, Lang), BTreeMap<String, usize>> = BTreeMap::new();
    for ((id, lang, text), count) in spelled {
        *spellings
            .entry((id, lang.clone()))
            .or_default()
            .entry(text.split_whitespace().collect::<Vec<_>>().join(" "))
            .or_default() += count;
    }
    spellings
        .into_iter()
        .filter_map(|(at, counts)| {
            let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            best.map(|(spelling, _)| (at, spelling.clone()))
        })
        .collect()
}

/// The tags of the stories a build holds back, checked as if they were
/// out, so that a scheduled story does not fail the build that publishes
/// it: an unknown key is an error now.
pub fn check_held_tags(held: &[Held], topics: &Topics, problems: &mut Diagnostics) {
    let tags_file = topics.file_name();
    for h in held {
        let article = &h.article;
        for tag in &article.tags {
            if let Resolution::UnknownKey { suggestion, word } =
                topics.resolve(&article.lang, &tag.text)
            {
                let at = tag_location(&article.path, tag.line, tag.column);
                problems.push(unknown_key(at, tag, suggestion, word, &tags_file));
            }
        }
    }
}

/// A tag written as a key that tags.yaml does not have.
fn unknown_key(
    at: Location,
    tag: &TagRef,
    suggestion: Option<String>,
    word: bool,
    tags_file: &str,
) -> Diagnostic {
    let help = match (suggestion, word) {
        (Some(key), false) => {
            format!("did you mean `{key}`? Topic keys are defined in {tags_file}")
        }
        (Some(key), true) => format!(
            "did you mean `{key}`? Topic keys are defined in {tags_file}; if `{}` is a topic of its own, add it there, or write its label with a capital letter",
            tag.text
        ),
        (None, _) => format!(
            "add `{}` to {tags_file} with its label in each language, or write the topic's label instead of a key",
            tag.text
        ),
    };
    Diagnostic::error(Some(at), format!("unknown topic key `{}`", tag.text)).with_help(help)
}

/// A new label a letter or two away from a topic of tags.yaml.
fn near_label(
    topics: &Topics,
    lang: &Lang,
    at: Location,
    tag: &TagRef,
    near: TopicId,
    tags_file: &str,
) -> Diagnostic {
    let topic = topics.get(near);
    let label = topic
        .label(lang)
        .map_or(topic.slug.as_str(), |l| l.label.as_str());
    Diagnostic::warning(
        Some(at),
        format!(
            "the topic `{}` is not in {tags_file}, which has a topic spelled almost the same",
            tag.text
        ),
    )
    .with_help(format!(
        "did you mean `{label}` ({})? If `{}` is a topic of its own, add it to {tags_file}",
        topic.slug, tag.text
    ))
}

/// A free label whose address another topic of the edition already has.
fn same_url_error(
    topics: &Topics,
    lang: &Lang,
    at: Location,
    text: &str,
    other: TopicId,
    slug: &str,
    first_use: Option<&std::path::Path>,
) -> Diagnostic {
    let tags_file = topics.file_name();
    let taken = topics.get(other);
    let label = taken.label(lang).map(|l| l.label.as_str());
    let message = |whose: String| {
        format!("the topic `{text}` would have the same URL (tags/{slug}/) as {whose}")
    };
    if taken.keyed {
        let whose = match label {
            Some(label) if label != slug => {
                format!("the topic `{label}` (key `{slug}`) in {tags_file}")
            }
            _ => format!("the topic `{slug}` in {tags_file}"),
        };
        return Diagnostic::error(Some(at), message(whose)).with_help(format!(
            "to mean that topic, write its key `{slug}` or its label; otherwise choose a label with another address"
        ));
    }
    let whose = match (label, first_use) {
        (Some(label), Some(file)) => format!("the topic `{label}` in {}", file.display()),
        _ => format!("the topic `{slug}`"),
    };
    Diagnostic::error(Some(at), message(whose))
        .with_help("use the same spelling in both articles, or give the topic a key in tags.yaml")
}

/// A new label (one tags.yaml does not define) that only one story uses
/// is often a typo of another topic. Topics of tags.yaml are meant, and
/// labels already said to be close to one of them are not repeated.
pub fn warn_single_use_topics(
    articles: &[Arc<Article>],
    article_topics: &[Vec<TopicId>],
    translations: &[Vec<ArticleId>],
    topics: &Topics,
    problems: &mut Diagnostics,
) {
    let mut stories: HashMap<TopicId, Vec<ArticleId>> = HashMap::default();
    for (id, ts) in article_topics.iter().enumerate() {
        if articles[id].section.is_empty() {
            continue;
        }
        for t in ts {
            stories.entry(*t).or_default().push(id);
        }
    }
    for (topic, ids) in stories {
        if topics.get(topic).keyed || topics.get(topic).pointed_out {
            continue;
        }
        let story = |id: &ArticleId| translations[*id].iter().chain([id]).min().copied();
        let first = story(&ids[0]);
        if ids.iter().any(|id| story(id) != first) {
            continue;
        }
        let id = *ids
            .iter()
            .min_by(|a, b| articles[**a].path.cmp(&articles[**b].path))
            .expect("non-empty");
        let article = &articles[id];
        let Some(tag) = article.tags.iter().find(|t| {
            matches!(topics.resolve(&article.lang, &t.text), Resolution::Topic(x) if x == topic)
        }) else {
            continue;
        };
        problems.push(
            Diagnostic::warning(
                Some(Location::new(
                    &article.path,
                    tag.line as usize,
                    tag.column as usize,
                )),
                format!("the topic `{}` is used by only one story", tag.text),
            )
            .with_help(
                "check its spelling against the other topics, or ignore this if it is a new topic",
            ),
        );
    }
}
