//! The search page's view: what the theme's `search.html` and `search.js`
//! need to query an edition's search bundle and show results in its language.

use crate::config::Lang;
use crate::output::plan::{ListKind, Page, routes};
use crate::output::views::contract::*;
use crate::output::views::sources::Sources;
use crate::urls;

impl Sources<'_> {
    /// An edition's search page.
    pub fn search(&self, page: &Page, lang: &Lang) -> (Common, SearchView) {
        let title = self.string(lang, "search");
        let common = self.common(lang, page, "search", title);
        let site = self.site;
        let edition = site.edition(lang);
        let locale = self.locale(lang);
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
                label: self.config.section_label(s, lang),
                href: Some(self.href(&routes::list(site, lang, &ListKind::Section(s.clone())))),
            })
            .collect();
        let mut years: Vec<i16> = edition.months.iter().map(|((y, _), _)| *y).collect();
        years.dedup();
        let years = years
            .into_iter()
            .map(|y| FilterOption {
                value: y.to_string(),
                label: locale.year(y),
                href: None,
            })
            .collect();
        let view = SearchView {
            bundle: self.href(&urls::search_bundle(lang)),
            base: self.config.base_url.path.clone(),
            locale: self.language(lang).formatting_locale().to_string(),
            results: forms("search_results"),
            stories: forms("articles"),
            topics,
            sections,
            years,
        };
        (common, view)
    }
}
