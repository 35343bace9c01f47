//! The site model: every article, its translations and topics, and the
//! per-edition orderings pages are made from. Built once per build from
//! plain data; immutable afterwards and free of I/O.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use rayon::prelude::*;

use crate::article::Article;
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};

use crate::config::{Config, Lang, LanguageConfig};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::topics::{AddLabelError, Resolution, TopicId, Topics, tag_location};

/// Index of an article in [`Site::articles`].
pub type ArticleId = usize;

/// One edition's view of the site.
#[derive(Debug, Default)]
pub struct Edition {
    pub lang: Option<Lang>,
    /// Listed articles (those in a section), newest first.
    pub articles: Vec<ArticleId>,
    /// Section folder → its articles, newest first; in folder-name order.
    pub sections: BTreeMap<String, Vec<ArticleId>>,
    /// Topic → its articles, newest first; biggest topic first, then by label.
    pub topics: IndexMap<TopicId, Vec<ArticleId>>,
    /// (year, month) → articles, newest month first.
    pub months: Vec<((i16, i8), Vec<ArticleId>)>,
    /// Standalone pages: files directly in `content/` (about, contact).
    pub pages: Vec<ArticleId>,
}

/// The whole site, ready to plan pages from.
#[derive(Debug)]
pub struct Site {
    /// Newest first; ties by source path.
    pub articles: Vec<Article>,
    pub topics: Topics,
    /// The topics of each article, in the order the article lists them.
    pub article_topics: Vec<Vec<TopicId>>,
    /// The other-language versions of each article, in the configuration's
    /// language order.
    pub translations: Vec<Vec<ArticleId>>,
    /// Related stories of each article (same edition), best first.
    pub related: Vec<Vec<ArticleId>>,
    /// One per configured language, in the configuration's order.
    pub editions: Vec<Edition>,
    /// Changes whenever anything an article's page or card shows of the
    /// article itself changes (its file, its topics' labels).
    pub stamps: Vec<u64>,
}

impl Site {
    /// Assembles the site. `articles` may come in any order.
    pub fn build(
        config: &Config,
        mut articles: Vec<Article>,
        mut topics: Topics,
    ) -> (Site, Diagnostics) {
        let mut problems = Diagnostics::new();
        articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.path.cmp(&b.path)));
        check_unique_urls(config, &articles, &mut problems);
        let translations = link_translations(&articles);
        let article_topics = resolve_topics(&articles, &mut topics, &mut problems);
        warn_single_use_topics(
            &articles,
            &article_topics,
            &translations,
            &topics,
            &mut problems,
        );
        let editions = config
            .languages
            .iter()
            .map(|l| Edition::build(l, &articles, &article_topics, &topics))
            .collect::<Vec<_>>();
        let related = related_stories(&articles, &article_topics, &editions, config.related);
        let stamps = articles
            .iter()
            .zip(&article_topics)
            .map(|(a, ts)| {
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                h.update(&a.version.to_le_bytes());
                for t in ts {
                    h.update(&topics.get(*t).stamp.to_le_bytes());
                }
                h.digest()
            })
            .collect();
        let site = Site {
            articles,
            topics,
            article_topics,
            translations,
            related,
            editions,
            stamps,
        };
        (site, problems)
    }

    pub fn edition(&self, lang: &Lang) -> &Edition {
        self.editions
            .iter()
            .find(|e| e.lang.as_ref() == Some(lang))
            .expect("every configured language has an edition")
    }

    /// The version of `id` in `lang`, if it has one.
    pub fn translation_in(&self, id: ArticleId, lang: &Lang) -> Option<ArticleId> {
        self.translations[id]
            .iter()
            .copied()
            .find(|t| &self.articles[*t].lang == lang)
    }
}

impl Edition {
    fn build(
        language: &LanguageConfig,
        articles: &[Article],
        article_topics: &[Vec<TopicId>],
        topics: &Topics,
    ) -> Edition {
        let lang = &language.lang;
        let mut edition = Edition {
            lang: Some(lang.clone()),
            ..Edition::default()
        };
        let mut by_topic: HashMap<TopicId, Vec<ArticleId>> = HashMap::new();
        let mut months: BTreeMap<(i16, i8), Vec<ArticleId>> = BTreeMap::new();
        for (id, article) in articles.iter().enumerate().filter(|(_, a)| &a.lang == lang) {
            if article.section.is_empty() {
                edition.pages.push(id);
                continue;
            }
            edition.articles.push(id);
            edition
                .sections
                .entry(article.section.clone())
                .or_default()
                .push(id);
            for t in &article_topics[id] {
                by_topic.entry(*t).or_default().push(id);
            }
            let civil = article.date.civil();
            months
                .entry((civil.year(), civil.month()))
                .or_default()
                .push(id);
        }
        let mut ordered: Vec<(TopicId, Vec<ArticleId>)> = by_topic.into_iter().collect();
        let collator = label_collator(language);
        let label = |t: &TopicId| {
            let topic = topics.get(*t);
            topic
                .label(lang)
                .map_or(topic.slug.as_str(), |l| l.label.as_str())
        };
        ordered.sort_by(|(ta, a), (tb, b)| {
            b.len()
                .cmp(&a.len())
                .then_with(|| match &collator {
                    Some(c) => c.compare(label(ta), label(tb)),
                    None => label(ta).cmp(label(tb)),
                })
                .then(ta.cmp(tb))
        });
        edition.topics = ordered.into_iter().collect();
        edition.months = months.into_iter().rev().collect();
        edition
    }
}

/// Compares labels in the edition's alphabetical order (ICU collation:
/// `Iraq` before `ISIS` and `militias` in English; Arabic letters in
/// Arabic order), or `None` if ICU has no data for the locale.
fn label_collator(language: &LanguageConfig) -> Option<CollatorBorrowed<'static>> {
    Collator::try_new((&language.locale).into(), CollatorOptions::default()).ok()
}

fn check_unique_urls(config: &Config, articles: &[Article], problems: &mut Diagnostics) {
    let mut seen: HashMap<(&Lang, &str, &str), &Article> = HashMap::new();
    let mut by_path: Vec<&Article> = articles.iter().collect();
    by_path.sort_by(|a, b| a.path.cmp(&b.path));
    for article in by_path {
        let key = (
            &article.lang,
            article.section.as_str(),
            article.slug.as_str(),
        );
        if let Some(first) = seen.get(&key) {
            let url = format!(
                "{}{}/{}{}/",
                config.base_url.path,
                article.lang,
                if article.section.is_empty() {
                    String::new()
                } else {
                    format!("{}/", article.section)
                },
                article.slug
            );
            problems.push(
                Diagnostic::in_file(
                    &article.path,
                    format!(
                        "this article has the same URL as {}: {url}",
                        first.path.display()
                    ),
                )
                .with_help("give one of them a different file name or `slug`"),
            );
        } else {
            seen.insert(key, article);
        }
    }
}

fn link_translations(articles: &[Article]) -> Vec<Vec<ArticleId>> {
    let mut groups: HashMap<(&str, &str), Vec<ArticleId>> = HashMap::new();
    for (id, a) in articles.iter().enumerate() {
        groups.entry(a.translation_key()).or_default().push(id);
    }
    articles
        .iter()
        .enumerate()
        .map(|(id, a)| {
            let mut others: Vec<ArticleId> = groups[&a.translation_key()]
                .iter()
                .copied()
                .filter(|o| *o != id && articles[*o].lang != a.lang)
                .collect();
            others.sort_by(|x, y| articles[*x].lang.cmp(&articles[*y].lang));
            others
        })
        .collect()
}

/// Resolves every article's tags to topics, adding free labels as new topics
/// of their edition. Articles are visited in path order so that the result
/// never depends on dates or threads.
fn resolve_topics(
    articles: &[Article],
    topics: &mut Topics,
    problems: &mut Diagnostics,
) -> Vec<Vec<TopicId>> {
    let mut order: Vec<ArticleId> = (0..articles.len()).collect();
    order.sort_by(|a, b| articles[*a].path.cmp(&articles[*b].path));
    let mut result = vec![Vec::new(); articles.len()];
    let mut first_use: HashMap<TopicId, &std::path::Path> = HashMap::new();
    let mut spellings: BTreeMap<(TopicId, Lang), BTreeMap<String, usize>> = BTreeMap::new();
    let tags_file = topics_file_name(topics);
    for id in order {
        let article = &articles[id];
        for tag in &article.tags {
            let at = tag_location(&article.path, tag.line, tag.column);
            let topic = match topics.resolve(&article.lang, &tag.text) {
                Resolution::Topic(t) => t,
                Resolution::UnknownKey { suggestion } => {
                    let help = match suggestion {
                        Some(key) => format!(
                            "did you mean `{key}`? Topic keys are defined in {}",
                            tags_file
                        ),
                        None => format!(
                            "add `{}` to {} with its label in each language, or write the topic's label instead of a key",
                            tag.text, tags_file
                        ),
                    };
                    problems.push(
                        Diagnostic::error(Some(at), format!("unknown topic key `{}`", tag.text))
                            .with_help(help),
                    );
                    continue;
                }
                Resolution::NewLabel => match topics.add_label(&article.lang, &tag.text) {
                    Ok(t) => t,
                    Err(AddLabelError::NoLetters) => {
                        problems.push(
                            Diagnostic::error(
                                Some(at),
                                format!("the topic `{}` has no letters or digits", tag.text),
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
            first_use.entry(topic).or_insert(&article.path);
            if !topics.get(topic).keyed {
                *spellings
                    .entry((topic, article.lang.clone()))
                    .or_default()
                    .entry(tag.text.split_whitespace().collect::<Vec<_>>().join(" "))
                    .or_default() += 1;
            }
            if !result[id].contains(&topic) {
                result[id].push(topic);
            }
        }
    }
    for ((topic, lang), counts) in spellings {
        if let Some((label, _)) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
            topics.set_label(topic, &lang, label.clone());
        }
    }
    result
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
    let tags_file = topics_file_name(topics);
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

fn topics_file_name(topics: &Topics) -> String {
    topics.file.as_ref().map_or_else(
        || "content/tags.yaml".to_string(),
        |p| p.display().to_string(),
    )
}

/// A topic that only one story uses is often a typo of another topic.
fn warn_single_use_topics(
    articles: &[Article],
    article_topics: &[Vec<TopicId>],
    translations: &[Vec<ArticleId>],
    topics: &Topics,
    problems: &mut Diagnostics,
) {
    let mut stories: HashMap<TopicId, Vec<ArticleId>> = HashMap::new();
    for (id, ts) in article_topics.iter().enumerate() {
        if articles[id].section.is_empty() {
            continue;
        }
        for t in ts {
            stories.entry(*t).or_default().push(id);
        }
    }
    for (topic, ids) in stories {
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

/// Up to `limit` other stories of the same edition sharing topics with each
/// article; rarer shared topics weigh more, newer stories win ties.
fn related_stories(
    articles: &[Article],
    article_topics: &[Vec<TopicId>],
    editions: &[Edition],
    limit: usize,
) -> Vec<Vec<ArticleId>> {
    let mut related = vec![Vec::new(); articles.len()];
    if limit == 0 {
        return related;
    }
    for edition in editions {
        let listed = edition.articles.len() as f64;
        let weights: HashMap<TopicId, f64> = edition
            .topics
            .iter()
            .map(|(t, ids)| (*t, 1.0 + (listed / ids.len() as f64).ln()))
            .collect();
        let found: Vec<(ArticleId, Vec<ArticleId>)> = edition
            .articles
            .par_iter()
            .map_init(
                || vec![0.0f64; articles.len()],
                |scores, &id| {
                    let mut touched = Vec::new();
                    for t in &article_topics[id] {
                        for &other in &edition.topics[t] {
                            if other == id {
                                continue;
                            }
                            if scores[other] == 0.0 {
                                touched.push(other);
                            }
                            scores[other] += weights[t];
                        }
                    }
                    // Articles are stored newest first, so a smaller id is newer.
                    touched.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]).then(a.cmp(b)));
                    touched.truncate(limit);
                    for other in &touched {
                        scores[*other] = 0.0;
                    }
                    // Clear what truncation dropped too.
                    for t in &article_topics[id] {
                        for &other in &edition.topics[t] {
                            scores[other] = 0.0;
                        }
                    }
                    (id, touched)
                },
            )
            .collect();
        for (id, list) in found {
            related[id] = list;
        }
    }
    related
}
