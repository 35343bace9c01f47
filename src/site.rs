//! The site model: every article, its translations and topics, and the
//! per-edition orderings pages are made from. Built once per build from
//! plain data; immutable afterwards and free of I/O.

use std::collections::BTreeMap;
use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::article::{Article, PubDate};
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
    pub articles: Vec<Arc<Article>>,
    pub topics: Topics,
    /// The topics of each article, in the order the article lists them.
    pub article_topics: Vec<Vec<TopicId>>,
    /// The other-language versions of each article, in the configuration's
    /// language order.
    pub translations: Vec<Vec<ArticleId>>,
    /// Related stories of each article (same edition), best first.
    pub related: Arc<Vec<Vec<ArticleId>>>,
    /// One per configured language, in the configuration's order.
    pub editions: Vec<Edition>,
    /// What each article shows where, hashed: see [`Stamps`].
    pub stamps: Vec<Stamps>,
    /// Reading time of each article in minutes, at its edition's pace.
    pub minutes: Vec<u32>,
    /// When each article last changed ([`Article::modified`]), kept
    /// together for the sitemap, which reads them all.
    pub modified: Vec<PubDate>,
    /// The articles' ids in path order.
    pub by_path: Vec<ArticleId>,
}

/// Hashes of what an article shows in each place it appears. A page's
/// fingerprint takes the stamp of the place it shows an article in, so
/// that, say, a body edit re-renders the article's page and feeds but not
/// the lists that only show its card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamps {
    /// Everything: the file, its topics' labels (article pages, feeds).
    pub page: u64,
    /// What a card shows: link, date, summary, image, topics, reading time.
    pub card: u64,
    /// What a link to it shows: title and address (translations).
    pub link: u64,
}

impl Site {
    /// Assembles the site. `articles` may come in any order.
    pub fn build(
        config: &Config,
        mut articles: Vec<Arc<Article>>,
        topics: Topics,
    ) -> (Site, Diagnostics) {
        articles.sort_by(|a, b| a.path.cmp(&b.path));
        Site::build_reusing(config, articles, topics, &mut RelatedMemo::default())
    }

    /// [`Site::build`] for `articles` in path order (the order the content
    /// walk yields them in), taking the related stories from `memo` when
    /// what they are computed from has not changed since it was filled.
    pub fn build_reusing(
        config: &Config,
        articles: Vec<Arc<Article>>,
        mut topics: Topics,
        memo: &mut RelatedMemo,
    ) -> (Site, Diagnostics) {
        let mut problems = Diagnostics::new();
        // Newest first; ties in path order (the rank in `articles`).
        let mut rank: Vec<usize> = (0..articles.len()).collect();
        let dates: Vec<_> = articles.iter().map(|a| a.date).collect();
        rank.sort_by(|&a, &b| dates[b].cmp(&dates[a]).then(a.cmp(&b)));
        let mut by_path = vec![0; articles.len()];
        for (id, &r) in rank.iter().enumerate() {
            by_path[r] = id;
        }
        let mut slots: Vec<Option<Arc<Article>>> = articles.into_iter().map(Some).collect();
        let articles: Vec<Arc<Article>> = rank
            .iter()
            .map(|&r| slots[r].take().expect("each rank once"))
            .collect();
        check_unique_urls(config, &articles, &by_path, &mut problems);
        let translations = link_translations(&articles);
        let article_topics = resolve_topics(&articles, &by_path, &mut topics, &mut problems);
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
        let related = memo.related(&articles, &article_topics, &editions, config.related);
        let minutes: Vec<u32> = articles
            .par_iter()
            .map(|a| reading_minutes(config, a))
            .collect();
        let stamps = articles
            .par_iter()
            .zip(&article_topics)
            .zip(&minutes)
            .map(|((a, ts), m)| stamps_of(a, ts.iter().map(|t| topics.get(*t).stamp), *m))
            .collect();
        let modified = articles.iter().map(|a| a.modified()).collect();
        let site = Site {
            articles,
            topics,
            article_topics,
            translations,
            related,
            editions,
            stamps,
            minutes,
            modified,
            by_path,
        };
        (site, problems)
    }

    /// This site with `articles` (in path order) in place of its own, when
    /// they differ from them only in what no order, list, translation or
    /// topic depends on (body, title, summary, image, author…): the edited
    /// ones are swapped in with new stamps and reading times, and nothing
    /// else is recomputed. `None` when anything else changed.
    pub fn with_edits(mut self, config: &Config, articles: &[Arc<Article>]) -> Option<Site> {
        if articles.len() != self.articles.len() {
            return None;
        }
        let edited: Vec<(ArticleId, &Arc<Article>)> = articles
            .par_iter()
            .zip(&self.by_path)
            .filter(|(new, id)| !Arc::ptr_eq(new, &self.articles[**id]))
            .map(|(new, id)| (*id, new))
            .collect();
        if !edited
            .iter()
            .all(|(id, new)| same_place(&self.articles[*id], new))
        {
            return None;
        }
        for (id, new) in edited {
            self.articles[id] = new.clone();
            self.minutes[id] = reading_minutes(config, new);
            self.modified[id] = new.modified();
            let topics = &self.topics;
            let stamps = self.article_topics[id].iter().map(|t| topics.get(*t).stamp);
            self.stamps[id] = stamps_of(new, stamps, self.minutes[id]);
        }
        Some(self)
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
        articles: &[Arc<Article>],
        article_topics: &[Vec<TopicId>],
        topics: &Topics,
    ) -> Edition {
        let lang = &language.lang;
        let mut edition = Edition {
            lang: Some(lang.clone()),
            ..Edition::default()
        };
        let mut by_topic: HashMap<TopicId, Vec<ArticleId>> = HashMap::default();
        let mut months: BTreeMap<(i16, i8), Vec<ArticleId>> = BTreeMap::new();
        for (id, article) in articles.iter().enumerate().filter(|(_, a)| &a.lang == lang) {
            if article.section.is_empty() {
                edition.pages.push(id);
                continue;
            }
            edition.articles.push(id);
            match edition.sections.get_mut(&article.section) {
                Some(ids) => ids.push(id),
                None => {
                    edition.sections.insert(article.section.clone(), vec![id]);
                }
            }
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

/// Whether two versions of an article sit in the same place in the site:
/// the same file, address, edition, translation group, date, topics (as
/// written, where written) and draft state.
fn same_place(a: &Article, b: &Article) -> bool {
    a.path == b.path
        && a.lang == b.lang
        && a.section == b.section
        && a.stem == b.stem
        && a.slug == b.slug
        && a.date == b.date
        && a.tags == b.tags
        && a.draft == b.draft
}

/// Reading time in minutes, at the edition's pace.
fn reading_minutes(config: &Config, a: &Article) -> u32 {
    a.words
        .div_ceil(config.language(&a.lang).words_per_minute)
        .max(1)
}

fn stamps_of(a: &Article, topic_stamps: impl Iterator<Item = u64> + Clone, minutes: u32) -> Stamps {
    use std::hash::{Hash, Hasher};
    let hash = |f: &dyn Fn(&mut xxhash_rust::xxh3::Xxh3)| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        f(&mut h);
        h.finish()
    };
    let link = hash(&|h| (&a.lang, &a.section, &a.slug, &a.title).hash(h));
    let card = hash(&|h| {
        (link, a.date, &a.summary, &a.image, minutes).hash(h);
        topic_stamps.clone().for_each(|s| s.hash(h));
    });
    let page = hash(&|h| {
        (a.version, card).hash(h);
    });
    Stamps { page, card, link }
}

/// `by_path`: the articles' ids in path order, so that the first file
/// keeps its address and the later ones are reported.
fn check_unique_urls(
    config: &Config,
    articles: &[Arc<Article>],
    by_path: &[ArticleId],
    problems: &mut Diagnostics,
) {
    let mut seen: HashMap<(&Lang, &str, &str), &Article> =
        HashMap::with_capacity_and_hasher(articles.len(), Default::default());
    for article in by_path.iter().map(|&id| &*articles[id]) {
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

fn link_translations(articles: &[Arc<Article>]) -> Vec<Vec<ArticleId>> {
    let mut groups: HashMap<(&str, &str), Vec<ArticleId>> = HashMap::default();
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
/// of their edition. Articles are visited in path order (`by_path`) so that
/// the result never depends on dates or threads.
fn resolve_topics(
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
    let tags_file = topics_file_name(topics);
    for &id in by_path {
        let article = &articles[id];
        for tag in &article.tags {
            let topic = match resolved.get(&(&article.lang, tag.text.as_str())) {
                Some(&topic) => topic,
                None => {
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
                                Diagnostic::error(
                                    Some(at),
                                    format!("unknown topic key `{}`", tag.text),
                                )
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
    let mut spellings: BTreeMap<(TopicId, Lang), BTreeMap<String, usize>> = BTreeMap::new();
    for ((topic, lang, text), count) in spelled {
        *spellings
            .entry((topic, lang.clone()))
            .or_default()
            .entry(text.split_whitespace().collect::<Vec<_>>().join(" "))
            .or_default() += count;
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

/// The related stories of the last build, kept with a hash of what they
/// were computed from: which articles there are, in which order, in which
/// edition, with which topics. Editing an article's text, title or summary
/// changes none of that, so the lists are reused; a new, deleted or
/// re-dated article, or changed topics, computes them afresh.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct RelatedMemo {
    key: u64,
    lists: Arc<Vec<Vec<ArticleId>>>,
}

impl RelatedMemo {
    fn related(
        &mut self,
        articles: &[Arc<Article>],
        article_topics: &[Vec<TopicId>],
        editions: &[Edition],
        limit: usize,
    ) -> Arc<Vec<Vec<ArticleId>>> {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        (limit, articles.len()).hash(&mut h);
        for (a, topics) in articles.iter().zip(article_topics) {
            (&a.lang, a.section.is_empty(), topics).hash(&mut h);
        }
        let key = h.finish();
        if key != self.key || self.lists.len() != articles.len() {
            self.lists = Arc::new(related_stories(articles, article_topics, editions, limit));
            self.key = key;
        }
        self.lists.clone()
    }
}

/// Up to `limit` other stories of the same edition sharing topics with each
/// article; rarer shared topics weigh more, newer stories win ties.
fn related_stories(
    articles: &[Arc<Article>],
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
        // Fixed-point weights, so that sums are exact and the search's
        // bound never disagrees with a score by a rounding error.
        let mut weights = vec![0u64; article_topics.iter().flatten().max().map_or(0, |t| t + 1)];
        for (t, ids) in &edition.topics {
            weights[*t] = ((1.0 + (listed / ids.len() as f64).ln()) * 1e6) as u64;
        }
        let search = RelatedSearch {
            article_topics,
            lists: &edition.topics,
            weights: &weights,
            limit,
        };
        let found: Vec<(ArticleId, Vec<ArticleId>)> = edition
            .articles
            .par_iter()
            .map_init(
                || vec![u32::MAX; articles.len()],
                |seen, &id| (id, search.best_for(id, seen)),
            )
            .collect();
        for (id, list) in found {
            related[id] = list;
        }
    }
    related
}

/// The exact top-N search for related stories, without scoring every
/// story of a popular topic: lists are read rarest topic first, and the
/// search stops once no story still unseen (which can only share the
/// remaining, more common topics) could outscore the N found so far.
struct RelatedSearch<'a> {
    article_topics: &'a [Vec<TopicId>],
    lists: &'a IndexMap<TopicId, Vec<ArticleId>>,
    weights: &'a [u64],
    limit: usize,
}

impl RelatedSearch<'_> {
    /// `seen` marks candidates already scored for `id` (it holds the id of
    /// the article last searched for, so it never needs clearing).
    fn best_for(&self, id: ArticleId, seen: &mut [u32]) -> Vec<ArticleId> {
        let mut topics: Vec<TopicId> = self.article_topics[id]
            .iter()
            .copied()
            .filter(|t| self.lists.contains_key(t))
            .collect();
        topics.sort_by_key(|t| (self.lists[t].len(), *t));
        // best: (score, id), best first: higher score, then newer (smaller id).
        let mut best: Vec<(u64, ArticleId)> = Vec::with_capacity(self.limit + 1);
        let mut remaining: u64 = topics.iter().map(|t| self.weights[*t]).sum();
        for t in &topics {
            if best.len() == self.limit && best[self.limit - 1].0 > remaining {
                break;
            }
            for &other in &self.lists[t] {
                if other == id || seen[other] == id as u32 {
                    continue;
                }
                seen[other] = id as u32;
                let score = self.shared_weight(id, other);
                let worse = |b: &(u64, ArticleId)| b.0 > score || (b.0 == score && b.1 < other);
                let at = best.iter().take_while(|b| worse(b)).count();
                if at < self.limit {
                    best.insert(at, (score, other));
                    best.truncate(self.limit);
                }
            }
            remaining -= self.weights[*t];
        }
        best.into_iter().map(|(_, other)| other).collect()
    }

    /// The summed weight of the topics two articles share.
    fn shared_weight(&self, a: ArticleId, b: ArticleId) -> u64 {
        let theirs = &self.article_topics[b];
        self.article_topics[a]
            .iter()
            .filter(|t| theirs.contains(t))
            .map(|t| self.weights[*t])
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores every story sharing a topic: the definition the pruned search
    /// must agree with.
    fn brute_force(search: &RelatedSearch, id: ArticleId, candidates: usize) -> Vec<ArticleId> {
        let mut scored: Vec<(u64, ArticleId)> = (0..candidates)
            .filter(|o| *o != id)
            .map(|o| (search.shared_weight(id, o), o))
            .filter(|(s, _)| *s > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(search.limit)
            .map(|(_, o)| o)
            .collect()
    }

    #[test]
    fn the_pruned_related_search_finds_exactly_the_best_stories() {
        // Zipf-like topics on 800 stories: the search that stops early must
        // give the same lists, in the same order, as scoring every story.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let count = 800;
        let topics_count = 60;
        let article_topics: Vec<Vec<TopicId>> = (0..count)
            .map(|_| {
                let mut ts = Vec::new();
                while ts.len() < 1 + next() % 4 {
                    // Squaring skews towards small topic ids: popular topics.
                    let r = next() % 1000;
                    let t = r * r * topics_count / 1_000_000;
                    if !ts.contains(&t) {
                        ts.push(t);
                    }
                }
                ts
            })
            .collect();
        let mut lists: IndexMap<TopicId, Vec<ArticleId>> = IndexMap::new();
        for (id, ts) in article_topics.iter().enumerate() {
            for t in ts {
                lists.entry(*t).or_default().push(id);
            }
        }
        let weights: Vec<u64> = (0..topics_count)
            .map(|t| {
                lists.get(&t).map_or(0, |ids| {
                    ((1.0 + (count as f64 / ids.len() as f64).ln()) * 1e6) as u64
                })
            })
            .collect();
        for limit in [1, 3, 5] {
            let search = RelatedSearch {
                article_topics: &article_topics,
                lists: &lists,
                weights: &weights,
                limit,
            };
            let mut seen = vec![u32::MAX; count];
            for id in 0..count {
                assert_eq!(
                    search.best_for(id, &mut seen),
                    brute_force(&search, id, count),
                    "story {id}, limit {limit}"
                );
            }
        }
    }
}
