//! One article as Pagefind indexes it.
//!
//! Pagefind stores a record's text once, for both what it indexes and what
//! a result shows, word by word. An Arabic word whose search key (see
//! [`super::normalise`]) is not what Pagefind would make of the word is
//! followed by a *shadow*: [`SHADOW`] and the key, one more word. Pagefind
//! indexes the shadow like any word, so a query reduced to the same key
//! finds it, and the match's position is the word right after the one a
//! reader sees; `search.js` leaves shadows out of excerpts and highlights
//! the word before them.
//!
//! What Pagefind would search but a reader should not find by (the date,
//! the section) travels as filters, which Pagefind keeps with each result
//! without indexing their words.

use std::collections::BTreeMap;

use super::normalise::{pagefind_form, search_key};

/// Marks a shadow word. ASCII punctuation, which Pagefind drops from a
/// word without treating the rest as a compound of several words.
pub const SHADOW: char = '~';
/// Stands in for [`SHADOW`] at the start of a reader's word, so that no
/// word of an article can pass for a shadow.
const SHADOW_LOOKALIKE: char = '\u{FF5E}';

/// Pagefind's weight for the words of the title (a page's `<h1>`).
const TITLE_WEIGHT: u8 = 7;
/// Pagefind's weight for the editor's summary (as for an `<h3>`).
const SUMMARY_WEIGHT: u8 = 5;

/// An article, ready for [`pagefind::api::PagefindIndex::add_custom_record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The article's link below the base path (`/ar/news/x/`), so that the
    /// index does not change with the base URL.
    pub url: String,
    /// Title, summary and body, words separated by single spaces, with
    /// shadows and Pagefind's weight markers.
    pub content: String,
    /// The title as shown; its words are also the first words of
    /// `content` (without shadows).
    pub title: String,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// What a record is made of.
pub struct Parts<'a> {
    pub url: String,
    pub title: &'a str,
    /// The editor's summary, when there is one (else it is the body's
    /// first paragraph, already in the body).
    pub summary: Option<&'a str>,
    /// The rendered body.
    pub body_html: &'a str,
    /// The slugs of the article's topics.
    pub topics: Vec<String>,
    /// The section's folder, if the article has one.
    pub section: Option<String>,
    /// The year of its date in the site's time zone, if it shows a date
    /// (a standalone page shows none).
    pub year: Option<i16>,
    /// The date as the edition prints it, if it shows one.
    pub date: Option<String>,
}

impl Record {
    pub fn new(parts: Parts<'_>) -> Record {
        let title = words(parts.title).collect::<Vec<_>>().join(" ");
        let mut content = String::with_capacity(2 * parts.body_html.len());
        weighted(&mut content, TITLE_WEIGHT, &title);
        if let Some(summary) = parts.summary {
            weighted(&mut content, SUMMARY_WEIGHT, summary);
        }
        let mut body = String::with_capacity(parts.body_html.len());
        super::text::append_text(parts.body_html, &mut body);
        push_words(&mut content, &body);
        let mut filters = BTreeMap::new();
        filters.insert("topic".to_string(), parts.topics);
        if let Some(section) = parts.section {
            filters.insert("section".to_string(), vec![section]);
        }
        // Without a year, a record is left out when a reader picks one.
        if let Some(year) = parts.year {
            filters.insert("year".to_string(), vec![year.to_string()]);
        }
        if let Some(date) = parts.date {
            filters.insert("date".to_string(), vec![date]);
        }
        Record {
            url: parts.url,
            content,
            title,
            filters,
        }
    }
}

fn weighted(content: &mut String, weight: u8, text: &str) {
    content.push_str(&format!("___PAGEFIND_WEIGHT___{weight} "));
    push_words(content, text);
    content.push_str("___END_PAGEFIND_WEIGHT___ ");
}

/// A text's words as a reader sees them, each made safe to hand to
/// Pagefind: no zero-width space (which Pagefind deletes, shifting word
/// positions), nothing that passes for a shadow or for one of Pagefind's
/// own markers.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace().filter_map(|word| {
        let mut word: String = word
            .chars()
            .filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}'))
            .collect();
        if word.starts_with(SHADOW) {
            word.replace_range(..1, &SHADOW_LOOKALIKE.to_string());
        }
        if word.starts_with("___") && word.contains("PAGEFIND") {
            word.replace_range(..1, "\u{FF3F}");
        }
        (!word.is_empty()).then_some(word)
    })
}

/// Appends the words of `text`, each followed by its shadow when it needs
/// one, and a space after each.
fn push_words(content: &mut String, text: &str) {
    for word in words(text) {
        content.push_str(&word);
        content.push(' ');
        shadow_of(&word, |key| {
            content.push(SHADOW);
            content.push_str(key);
            content.push(' ');
        });
    }
}

/// Calls `push` with the key a word's shadow carries, if it needs one.
/// Words repeat (a site's vocabulary is a small part of its words), so each
/// thread remembers the words it has seen.
fn shadow_of(word: &str, push: impl FnOnce(&str)) {
    use std::cell::RefCell;
    type Memo = rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>;
    thread_local! {
        static SEEN: RefCell<Memo> = RefCell::default();
    }
    if !word.chars().any(super::normalise::is_arabic) {
        return;
    }
    SEEN.with_borrow_mut(|seen| {
        if seen.len() > 200_000 {
            seen.clear();
        }
        if !seen.contains_key(word) {
            let key = search_key(word)
                .filter(|key| !key.is_empty() && *key != pagefind_form(word))
                .map(String::into_boxed_str);
            seen.insert(word.into(), key);
        }
        if let Some(Some(key)) = seen.get(word) {
            push(key);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(title: &str, body: &str) -> Record {
        Record::new(Parts {
            url: "/ar/news/x/".into(),
            title,
            summary: None,
            body_html: body,
            topics: vec!["iraq".into()],
            section: Some("news".into()),
            year: Some(2021),
            date: Some("10 كانون الأول 2021".into()),
        })
    }

    #[test]
    fn arabic_words_are_followed_by_their_key_when_pagefind_would_miss_it() {
        let r = record("القوات الأميركية", "<p>قالت واشنطن إن   القوات</p>");
        assert_eq!(
            r.content,
            "___PAGEFIND_WEIGHT___7 القوات ~قوات الأميركية ~امريك ___END_PAGEFIND_WEIGHT___ \
             قالت واشنطن ~اشنطن إن القوات ~قوات "
        );
        assert_eq!(r.title, "القوات الأميركية");
        assert_eq!(r.filters["date"], ["10 كانون الأول 2021"]);
    }

    #[test]
    fn a_page_without_a_date_or_section_has_no_such_filters() {
        // A standalone page: a year picked in the search page leaves it out.
        let r = Record::new(Parts {
            url: "/en/about/".into(),
            title: "About",
            summary: None,
            body_html: "<p>Our newsroom.</p>",
            topics: Vec::new(),
            section: None,
            year: None,
            date: None,
        });
        assert_eq!(r.filters.keys().collect::<Vec<_>>(), ["topic"]);
        assert!(r.filters["topic"].is_empty());
    }

    #[test]
    fn english_words_need_no_shadow() {
        let r = record("Kadhimi meets Biden", "<p>Al-Kadhimi's visit.</p>");
        assert!(!r.content.contains(SHADOW), "{}", r.content);
    }

    #[test]
    fn no_reader_word_passes_for_a_shadow_or_a_marker() {
        let r = record("~x", "<p>~قوات ___PAGEFIND_WEIGHT___9 a\u{200B}b</p>");
        let words: Vec<&str> = r.content.split(' ').collect();
        assert!(words.contains(&"\u{FF5E}x"), "{words:?}");
        assert!(
            words.contains(&"\u{FF3F}__PAGEFIND_WEIGHT___9"),
            "{words:?}"
        );
        assert!(words.contains(&"ab"), "{words:?}");
        assert!(words.contains(&"\u{FF5E}قوات"), "{words:?}");
        assert!(!words.iter().any(|w| w.starts_with(SHADOW)), "{words:?}");
    }
}
