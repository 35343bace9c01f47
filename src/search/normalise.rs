//! Arabic words as readers type them.
//!
//! Pagefind's Arabic stemmer (Snowball) misses much of how the same word
//! is typed: it keeps `ة` and `ه` apart, and `ى` and `ي`; it strips `ال`
//! from long words only (`القوات` and `قوات` stem differently); it keeps
//! `و` and `ب` in front of `ال` (`والعراق`). So digest reduces every Arabic
//! word to a *search key* before Pagefind sees it, in the index and in the
//! query alike (the theme's `search.js` holds the same rules in
//! JavaScript; a browser test checks that both give the same keys):
//!
//! 1. compatibility decomposition (NFKD), then every combining mark
//!    dropped: tashkeel, and the hamza and madda of `أ إ آ ؤ ئ`;
//! 2. `ٱ` → `ا`, `ى` → `ي`, `ة` → `ه`, Persian `ک ی` → `ك ي`, tatweel
//!    dropped, Arabic-Indic digits → `0-9`; lower case; only letters,
//!    digits and `_` kept (as Pagefind keeps them);
//! 3. light stemming (after Larkey's *light10*): a leading `و` when three
//!    letters remain, then one of `وال بال كال فال لل ال` when two remain;
//!    then the suffixes `ها ان ات ون ين يه ه ي`, each in turn, when three
//!    remain;
//! 4. spelling variants of borrowed names (`أميركا` / `أمريكا`).
//!
//! Words in other scripts are left to Pagefind (English gets its stemmer).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Bumped whenever the rules change: indexes built with other rules are
/// then built again.
pub const VERSION: u32 = 1;

/// Pagefind keeps these in words besides letters and digits
/// (`pagefind::utils::WORD_SYMBOLS`, the "connector punctuation" category).
const WORD_SYMBOLS: [char; 10] = [
    '_', '\u{203F}', '\u{2040}', '\u{2054}', '\u{FE33}', '\u{FE34}', '\u{FE4D}', '\u{FE4E}',
    '\u{FE4F}', '\u{FF3F}',
];

const PREFIXES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];
const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];
/// Spellings of the same borrowed stem, the first written as the second.
const VARIANTS: [(&str, &str); 2] = [("اميرك", "امريك"), ("اوروب", "اورب")];

/// Whether `c` belongs to the Arabic script's blocks (letters, digits,
/// marks, presentation forms).
pub fn is_arabic(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
}

/// The search key of an Arabic word (see the module's rules); `None` for a
/// word with no Arabic in it, which Pagefind handles on its own.
pub fn search_key(word: &str) -> Option<String> {
    if !word.chars().any(is_arabic) {
        return None;
    }
    let mut letters: Vec<char> = Vec::with_capacity(word.len());
    for c in word.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '\u{0671}' => 'ا',
            'ى' | 'ی' => 'ي',
            'ة' => 'ه',
            'ک' => 'ك',
            '\u{0640}' => continue,
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            c => c,
        };
        for lower in c.to_lowercase() {
            if lower.is_alphanumeric() || WORD_SYMBOLS.contains(&lower) {
                letters.push(lower);
            }
        }
    }
    Some(stem(letters))
}

fn stem(mut w: Vec<char>) -> String {
    let starts = |w: &[char], p: &str| {
        let p: Vec<char> = p.chars().collect();
        w.starts_with(&p).then_some(p.len())
    };
    let ends = |w: &[char], s: &str| {
        let s: Vec<char> = s.chars().collect();
        w.ends_with(&s).then_some(s.len())
    };
    if w.first() == Some(&'و') && w.len() >= 4 {
        w.remove(0);
    }
    for prefix in PREFIXES {
        if let Some(n) = starts(&w, prefix)
            && w.len() >= n + 2
        {
            w.drain(..n);
            break;
        }
    }
    for suffix in SUFFIXES {
        if let Some(n) = ends(&w, suffix)
            && w.len() >= n + 3
        {
            w.truncate(w.len() - n);
        }
    }
    let mut key: String = w.into_iter().collect();
    for (from, to) in VARIANTS {
        if let Some(rest) = key.strip_prefix(from) {
            key = format!("{to}{rest}");
        }
    }
    key
}

/// What Pagefind itself makes of a word before stemming it: letters,
/// digits and `_` in lower case, combining marks dropped after canonical
/// decomposition. A word whose search key is this needs no help.
pub fn pagefind_form(word: &str) -> String {
    let kept: String = word
        .chars()
        .filter(|c| c.is_alphanumeric() || WORD_SYMBOLS.contains(c))
        .flat_map(char::to_lowercase)
        .collect();
    kept.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a word is indexed and searched as, before Pagefind stems it.
    fn key(word: &str) -> String {
        search_key(word).unwrap_or_else(|| pagefind_form(word))
    }

    #[test]
    fn the_ways_readers_type_a_word_share_its_key() {
        // Tashkeel, hamza forms, ة/ه, ى/ي, the article and its prefixes,
        // tatweel, presentation forms and Arabic-Indic digits.
        for group in [
            &[
                "الأميركية",
                "الاميركيه",
                "الأمريكية",
                "أمريكي",
                "الأَمِيرِكِيَّة",
                "اميركي",
            ][..],
            &["القوات", "قوات", "للقوات", "والقوات", "بالقوات"],
            &["الكاظمي", "الكاظمى", "كاظمي", "الـكـاظـمـي"],
            &["مصطفى", "مصطفي"],
            &[
                "العراق",
                "عراق",
                "والعراق",
                "بالعراق",
                "العراقية",
                "العراقي",
            ],
            &["إستراتيجي", "الاستراتيجي", "الإستراتيجية", "استراتيجيه"],
            &["آذار", "اذار", "ﺁﺫﺍﺭ"],
            &["٢٠٢١", "2021", "۲۰۲۱"],
        ] {
            let keys: Vec<String> = group.iter().map(|w| key(w)).collect();
            assert!(
                keys.iter().all(|k| k == &keys[0]),
                "{group:?} give {keys:?}"
            );
        }
    }

    #[test]
    fn different_words_keep_different_keys() {
        for (a, b) in [
            ("سلام", "إسلام"),
            ("قوات", "قواعد"),
            ("حوار", "جوار"),
            ("بايدن", "بيدن"),
            ("بيت", "بنت"),
        ] {
            assert_ne!(key(a), key(b), "{a} and {b}");
        }
    }

    #[test]
    fn short_words_keep_their_letters() {
        // Stripping never leaves fewer than two letters after an article,
        // or three after a suffix.
        assert_eq!(key("ال"), "ال");
        assert_eq!(key("وفي"), "وفي");
        assert_eq!(key("الي"), "الي");
        assert_eq!(key("قوة"), "قوه");
        assert_eq!(key("بين"), "بين");
    }

    #[test]
    fn punctuation_and_marks_are_not_part_of_a_key() {
        assert_eq!(key("«العراق»،"), key("العراق"));
        assert_eq!(key("العراق\u{200c}"), key("العراق"));
        assert_eq!(search_key("Kadhimi"), None);
        assert_eq!(search_key("—"), None);
    }

    #[test]
    fn pagefind_form_is_what_pagefind_indexes_before_stemming() {
        assert_eq!(pagefind_form("Kadhimi's"), "kadhimis");
        assert_eq!(pagefind_form("الأميركية،"), "الاميركية");
        assert_eq!(pagefind_form("café"), "cafe");
    }
}
