//! The search page's view: what the theme's `search.html` and `search.js`
//! need to query an edition's bundle and show results in its language.

use serde::Serialize;

use crate::config::Lang;
use crate::plan::{ListKind, Page, routes};
use crate::views::{Common, Sources};

/// An edition's search page.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// The edition's bundle, with the base path: `/digest/pagefind/ar/`.
    pub bundle: String,
    /// The base path result links are under (`/` or `/digest/`).
    pub base: String,
    /// The edition's locale with its digits (`ar-IQ-u-nu-latn`), for the
    /// browser to write counts as the site does.
    pub locale: String,
    /// The forms of the results count (`search_results`), unfilled.
    pub results: Vec<PluralForm>,
    /// The forms of a count of stories (`articles`), for results of
    /// filters alone.
    pub stories: Vec<PluralForm>,
    pub topics: Vec<FilterOption>,
    pub sections: Vec<FilterOption>,
    pub years: Vec<FilterOption>,
}

/// One CLDR plural form of a UI string.
#[derive(Debug, Clone, Serialize)]
pub struct PluralForm {
    pub form: String,
    pub text: String,
}

/// A value a result filter can take, and its label.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOption {
    /// As the index holds it: a topic's slug, a section's folder, a year.
    pub value: String,
    pub label: String,
    /// The page that lists it (sections, which results link to).
    pub href: Option<String>,
}

/// The search page of `lang`.
pub fn view(sources: &Sources<'_>, page: &Page, lang: &Lang) -> (Common, SearchView) {
    let title = sources.string(lang, "search");
    let common = sources.common(lang, page, "search", title);
    let site = sources.site;
    let edition = site.edition(lang);
    let locale = sources.locale(lang);
    let forms = |key: &str| {
        locale
            .plural_forms(key)
            .into_iter()
            .map(|(form, text)| PluralForm { form, text })
            .collect()
    };
    let topics = edition
        .topics
        .keys()
        .map(|&t| {
            let topic = site.topics.get(t);
            FilterOption {
                value: topic.slug.clone(),
                label: topic
                    .label(lang)
                    .map_or_else(|| topic.slug.clone(), |l| l.label.clone()),
                href: None,
            }
        })
        .collect();
    let sections = edition
        .sections
        .keys()
        .map(|s| FilterOption {
            value: s.clone(),
            label: sources.config.section_label(s, lang),
            href: Some(sources.href(&routes::list(site, lang, &ListKind::Section(s.clone())))),
        })
        .collect();
    let mut years: Vec<i16> = edition.months.iter().map(|((y, _), _)| *y).collect();
    years.dedup();
    let years = years
        .into_iter()
        .map(|y| FilterOption {
            value: y.to_string(),
            // A year is not a quantity: its digits, without grouping.
            label: y
                .to_string()
                .chars()
                .map(|d| locale.number(i64::from(d.to_digit(10).unwrap_or(0))))
                .collect(),
            href: None,
        })
        .collect();
    let view = SearchView {
        bundle: sources.href(&super::bundle_route(lang)),
        base: sources.config.base_url.path.clone(),
        locale: sources.language(lang).formatting_locale().to_string(),
        results: forms("search_results"),
        stories: forms("articles"),
        topics,
        sections,
        years,
    };
    (common, view)
}
