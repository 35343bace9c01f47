//! Related stories: up to N other stories of the same edition sharing
//! topics with each article (rarer shared topics weigh more, newer stories
//! win ties), found by an exact top-N search that stops early, and kept
//! between builds while what they are computed from is unchanged.

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::article::{Article, ArticleId};
use crate::site::topics::TopicId;

/// One edition as the search reads it: its listed stories and each topic's
/// stories, newest first.
pub struct EditionLists<'a> {
    pub articles: &'a [ArticleId],
    pub topics: &'a IndexMap<TopicId, Vec<ArticleId>>,
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
    /// Whether this build computed them afresh (then they are saved).
    #[serde(skip)]
    changed: bool,
}

impl RelatedMemo {
    /// Whether the lists were computed afresh since the memo was loaded.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The related stories of every article, computed afresh only when
    /// what they depend on changed.
    pub fn related(
        &mut self,
        articles: &[Arc<Article>],
        article_topics: &[Vec<TopicId>],
        editions: &[EditionLists],
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
            self.changed = true;
        }
        self.lists.clone()
    }
}

/// Up to `limit` other stories of the same edition sharing topics with each
/// article; rarer shared topics weigh more, newer stories win ties.
fn related_stories(
    articles: &[Arc<Article>],
    article_topics: &[Vec<TopicId>],
    editions: &[EditionLists],
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
        for (t, ids) in edition.topics {
            weights[*t] = ((1.0 + (listed / ids.len() as f64).ln()) * 1e6) as u64;
        }
        let search = RelatedSearch {
            article_topics,
            lists: edition.topics,
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
        'topics: for t in &topics {
            if best.len() == self.limit && best[self.limit - 1].0 > remaining {
                break;
            }
            for &other in &self.lists[t] {
                if other == id || seen[other] == id as u32 {
                    continue;
                }
                // A story not seen in a rarer topic's list shares at most
                // this topic and the more common ones: it scores at most
                // `remaining`. Once the N found score that much, one as
                // old as `other` or older (the rest of this list, which is
                // newest first) cannot displace them, nor can any story of
                // the later lists, which score less still.
                if let Some(&(last, last_id)) = best.get(self.limit - 1)
                    && (last > remaining || (last == remaining && last_id < other))
                {
                    break 'topics;
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
