//! What templates see: one typed view per page kind.
//!
//! Every HTML page gets [`Common`] (its language and direction, the edition,
//! the page's URLs, alternates and language switcher) plus the view of its
//! kind. Templates never compute a URL, a direction or a date format: it is
//! all here, typed, and the same for every theme.

use serde::Serialize;

use crate::article::Article;
use crate::config::{Config, Lang, LanguageConfig};
use crate::error::Diagnostic;
use crate::i18n::{DateText, LocaleData, Locales};
use crate::parse::{ParseSettings, render_body};
use crate::plan::{FeedFormat, ListKind, Page, PageKind, Pager, routes};
use crate::site::{ArticleId, Site};
use crate::topics::TopicId;
use crate::urls::Route;

/// Everything views are built from.
pub struct Sources<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub locales: &'a Locales,
    pub settings: &'a ParseSettings,
}

/// An edition, as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct EditionView {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub locale: String,
    /// `ar_IQ`, for Open Graph.
    pub og_locale: String,
    pub home: String,
    pub tags: String,
    /// The edition's search page.
    pub search: String,
    pub feed: String,
    pub json_feed: String,
}

/// Another language version of the current page.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub lang: String,
    pub hreflang: String,
    pub href: String,
    pub permalink: String,
}

/// A link of the language switcher, in the target language.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchLink {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub href: String,
    /// Whether it leads to this page in that language (else to that
    /// edition's home, and the label says so).
    pub translated: bool,
    /// Whether the target is one of the page's `hreflang` alternates (the
    /// first page of a paginated list in the other language is the same
    /// list, but not the same page).
    pub alternate: bool,
    /// What the link says, in its own language.
    pub label: String,
}

/// A feed of the page, for `<link rel="alternate">`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub mime: &'static str,
    pub href: String,
    pub title: String,
}

/// About the page itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// `article`, `home`, `section`, `topic`, `archive`, `topics`, `front`, `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub href: String,
    pub permalink: String,
    /// Search engines should not index the page (the 404 page, which is
    /// served at any missing address): no canonical link, no alternates.
    pub noindex: bool,
    /// Every language version of this page, itself included.
    pub alternates: Vec<Alternate>,
    /// The permalink for `hreflang="x-default"`, when the page has
    /// alternates.
    pub x_default: Option<String>,
    pub switcher: Vec<SwitchLink>,
    pub feeds: Vec<FeedLink>,
    /// Open Graph locales of the other versions (`en_GB`).
    pub og_alternate_locales: Vec<String>,
    pub image: Option<ImageView>,
    /// JSON-LD structured data, already escaped for a `<script>` element.
    pub json_ld: Option<String>,
}

/// Shared by every HTML page.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    pub lang: String,
    pub dir: &'static str,
    pub edition: EditionView,
    /// All editions, in the configuration's order.
    pub editions: Vec<EditionView>,
    pub site: SiteView,
    pub page: PageMeta,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub base_url: String,
    pub base_path: String,
    pub default_language: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    pub src: String,
    /// Absolute URL, for Open Graph and feeds.
    pub url: String,
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicLink {
    pub slug: String,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionLink {
    pub key: String,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub name: String,
    pub url: Option<String>,
}

/// An article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub lang: String,
    pub dir: &'static str,
    pub title: String,
    pub href: String,
    pub permalink: String,
    pub date: DateText,
    pub summary: String,
    pub image: Option<ImageView>,
    pub topics: Vec<TopicLink>,
    pub section: Option<SectionLink>,
    pub minutes: u32,
}

/// The other-language version of an article.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationLink {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub title: String,
    pub href: String,
}

/// An article page.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    #[serde(flatten)]
    pub card: Card,
    /// Rendered HTML.
    pub body: String,
    /// The editor's summary, shown under the headline (none when the
    /// summary was taken from the body's first paragraph).
    pub lede: Option<String>,
    pub updated: Option<DateText>,
    pub author: Option<String>,
    pub source: Option<SourceView>,
    pub translations: Vec<TranslationLink>,
    pub related: Vec<Card>,
    /// The body's length in words.
    pub words: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    /// The number in the edition's digits.
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

/// The same topic in another edition.
#[derive(Debug, Clone, Serialize)]
pub struct TopicElsewhere {
    pub lang: String,
    pub dir: &'static str,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub slug: String,
    pub label: String,
    pub description: Option<String>,
    pub count: usize,
    pub href: String,
    pub feed: String,
    pub elsewhere: Vec<TopicElsewhere>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthLink {
    pub year: i16,
    pub month: i8,
    pub label: String,
    pub href: String,
    pub count: usize,
}

/// A home, section, topic or archive page.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub heading: String,
    pub description: Option<String>,
    pub items: Vec<Card>,
    pub count: usize,
    pub pager: PagerView,
    pub topic: Option<TopicView>,
    pub section: Option<SectionLink>,
    /// Monthly archives (on the edition's home).
    pub months: Vec<MonthLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicEntry {
    pub slug: String,
    pub label: String,
    pub description: Option<String>,
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontEdition {
    pub edition: EditionView,
    pub items: Vec<Card>,
}

/// The bilingual front door and the 404 page show every edition.
#[derive(Debug, Clone, Serialize)]
pub struct EditionsView {
    pub editions: Vec<FrontEdition>,
}

impl Sources<'_> {
    pub fn language(&self, lang: &Lang) -> &LanguageConfig {
        self.config.language(lang)
    }

    pub fn locale(&self, lang: &Lang) -> &LocaleData {
        self.locales.get(lang)
    }

    pub fn href(&self, route: &Route) -> String {
        route.href(&self.config.base_url)
    }

    pub fn permalink(&self, route: &Route) -> String {
        route.permalink(&self.config.base_url)
    }

    pub fn edition(&self, lang: &Lang) -> EditionView {
        let l = self.language(lang);
        EditionView {
            lang: lang.to_string(),
            dir: l.dir.as_str(),
            name: l.name.clone(),
            title: l.title.clone(),
            description: l.description.clone(),
            locale: l.locale.to_string(),
            og_locale: l.og_locale(),
            home: self.href(&Route::dir([lang.as_str()])),
            tags: self.href(&routes::topic_index(lang)),
            search: self.href(&routes::search(lang)),
            feed: self.href(&routes::feed(self.site, lang, None, FeedFormat::Atom)),
            json_feed: self.href(&routes::feed(self.site, lang, None, FeedFormat::Json)),
        }
    }

    fn site_view(&self) -> SiteView {
        SiteView {
            base_url: self.config.base_url.to_string(),
            base_path: self.config.base_url.path.clone(),
            default_language: self.config.default_language.to_string(),
        }
    }

    /// Every language version of a page (itself included), in the
    /// configuration's language order: what hreflang links and the sitemap
    /// list. The front door's versions are the edition homes; the later
    /// pages of a paginated list, the 404 page and files other than HTML
    /// pages have no versions but themselves (or none).
    pub fn versions(&self, page: &Page) -> Vec<(Lang, Route)> {
        let mut found = Vec::new();
        for language in &self.config.languages {
            let lang = &language.lang;
            let route = match &page.kind {
                PageKind::Article(id) if &self.site.articles[*id].lang == lang => {
                    Some(page.route.clone())
                }
                PageKind::Article(id) => self
                    .site
                    .translation_in(*id, lang)
                    .map(|t| routes::article(self.site, t)),
                PageKind::List { lang: own, .. } if own == lang => Some(page.route.clone()),
                PageKind::List { list, pager, .. } => (pager.number == 1
                    && list.exists_in(self.site, lang))
                .then(|| routes::list(self.site, lang, list)),
                PageKind::TopicIndex(_) => Some(routes::topic_index(lang)),
                PageKind::Search(_) => Some(routes::search(lang)),
                PageKind::Front => Some(routes::list(self.site, lang, &ListKind::Home)),
                _ => None,
            };
            if let Some(route) = route {
                found.push((lang.clone(), route));
            }
        }
        found
    }

    /// The page for `hreflang="x-default"`: the bilingual front door for the
    /// front door itself and the edition homes, else the default language's
    /// version, else the first version. Every version of a page gets the
    /// same answer, so the alternates of a page and of its translations
    /// form one consistent set.
    pub fn x_default(&self, page: &Page, versions: &[(Lang, Route)]) -> Option<Route> {
        match &page.kind {
            PageKind::Front => Some(page.route.clone()),
            PageKind::List {
                list: ListKind::Home,
                pager,
                ..
            } if pager.number == 1 => Some(routes::front()),
            _ => versions
                .iter()
                .find(|(l, _)| l == &self.config.default_language)
                .or_else(|| versions.first())
                .map(|(_, r)| r.clone()),
        }
    }

    /// The common part of a page in `lang`, with its alternates and its
    /// language switcher.
    pub(crate) fn common(
        &self,
        lang: &Lang,
        page: &Page,
        kind: &'static str,
        title: String,
    ) -> Common {
        let versions = self.versions(page);
        let alternates = versions
            .iter()
            .map(|(l, v)| Alternate {
                lang: l.to_string(),
                hreflang: l.to_string(),
                href: self.href(v),
                permalink: self.permalink(v),
            })
            .collect();
        let x_default = self.x_default(page, &versions).map(|r| self.permalink(&r));
        let switcher = self
            .config
            .languages
            .iter()
            .filter(|l| &l.lang != lang)
            .map(|other| self.switch_link(page, other, &versions))
            .collect();
        // Open Graph names the locales this page is also published in.
        let og_alternate_locales = self
            .config
            .languages
            .iter()
            .filter(|l| &l.lang != lang && versions.iter().any(|(v, _)| v == &l.lang))
            .map(LanguageConfig::og_locale)
            .collect();
        let edition = self.edition(lang);
        let feeds = self.feed_links(&edition);
        Common {
            lang: lang.to_string(),
            dir: self.language(lang).dir.as_str(),
            editions: self
                .config
                .languages
                .iter()
                .map(|l| self.edition(&l.lang))
                .collect(),
            edition,
            site: self.site_view(),
            page: PageMeta {
                kind,
                title,
                description: None,
                href: self.href(&page.route),
                permalink: self.permalink(&page.route),
                noindex: false,
                alternates,
                x_default,
                switcher,
                feeds,
                og_alternate_locales,
                image: None,
                json_ld: None,
            },
        }
    }

    /// An edition's Atom and JSON feeds, for autodiscovery.
    fn feed_links(&self, edition: &EditionView) -> Vec<FeedLink> {
        vec![
            FeedLink {
                mime: "application/atom+xml",
                href: edition.feed.clone(),
                title: edition.title.clone(),
            },
            FeedLink {
                mime: "application/feed+json",
                href: edition.json_feed.clone(),
                title: edition.title.clone(),
            },
        ]
    }

    /// Where the switcher leads in `target`'s language: this page's version
    /// there; for a later page of a list, the same list's first page; else
    /// that edition's home, saying that the page has no translation.
    fn switch_link(
        &self,
        page: &Page,
        target: &LanguageConfig,
        versions: &[(Lang, Route)],
    ) -> SwitchLink {
        let lang = &target.lang;
        let version = versions.iter().find(|(l, _)| l == lang).map(|(_, r)| r);
        let same_list = match &page.kind {
            PageKind::List { list, .. } if list.exists_in(self.site, lang) => {
                Some(routes::list(self.site, lang, list))
            }
            _ => None,
        };
        let (route, translated) = match (version, same_list) {
            (Some(route), _) => (route.clone(), true),
            (None, Some(route)) => (route, true),
            (None, None) => (routes::list(self.site, lang, &ListKind::Home), false),
        };
        let key = if translated {
            "switch_translation"
        } else {
            "switch_untranslated"
        };
        SwitchLink {
            lang: lang.to_string(),
            dir: target.dir.as_str(),
            name: target.name.clone(),
            href: self.href(&route),
            translated,
            alternate: version.is_some(),
            label: self.string(lang, key),
        }
    }

    /// A UI string digest itself needs; the theme is checked for them when it
    /// is loaded (see [`crate::i18n::REQUIRED_STRINGS`]).
    pub(crate) fn string(&self, lang: &Lang, key: &str) -> String {
        self.locale(lang)
            .text(key, None, &[])
            .expect("required UI strings are checked when the theme is loaded")
    }

    fn image(&self, article: &Article) -> Option<ImageView> {
        article.image.as_ref().map(|i| ImageView {
            src: i.src.clone(),
            url: absolute(self.config, &i.src),
            alt: i.alt.clone(),
        })
    }

    pub fn card(&self, id: ArticleId) -> Card {
        let article = &self.site.articles[id];
        let lang = &article.lang;
        let language = self.language(lang);
        let route = routes::article(self.site, id);
        Card {
            lang: lang.to_string(),
            dir: language.dir.as_str(),
            title: article.title.clone(),
            href: self.href(&route),
            permalink: self.permalink(&route),
            date: self.locale(lang).date(&article.date),
            summary: article.summary.clone(),
            image: self.image(article),
            topics: self.site.article_topics[id]
                .iter()
                .map(|t| self.topic_link(*t, lang))
                .collect(),
            section: (!article.section.is_empty())
                .then(|| self.section_link(&article.section, lang)),
            minutes: self.site.minutes[id],
        }
    }

    fn topic_link(&self, topic: TopicId, lang: &Lang) -> TopicLink {
        let t = self.site.topics.get(topic);
        TopicLink {
            slug: t.slug.clone(),
            label: t
                .label(lang)
                .map_or_else(|| t.slug.clone(), |l| l.label.clone()),
            href: self.href(&routes::list(self.site, lang, &ListKind::Topic(topic))),
        }
    }

    fn section_link(&self, section: &str, lang: &Lang) -> SectionLink {
        SectionLink {
            key: section.to_string(),
            label: self.config.section_label(section, lang),
            href: self.href(&routes::list(
                self.site,
                lang,
                &ListKind::Section(section.to_string()),
            )),
        }
    }

    /// The page of one article.
    pub fn article(&self, page: &Page, id: ArticleId) -> Result<(Common, ArticleView), Diagnostic> {
        let article = &self.site.articles[id];
        let lang = &article.lang;
        let body = render_body(article, &self.config.root, self.settings)?;
        let card = self.card(id);
        let translations: Vec<TranslationLink> = self.site.translations[id]
            .iter()
            .map(|&t| {
                let other = &self.site.articles[t];
                let l = self.language(&other.lang);
                TranslationLink {
                    lang: other.lang.to_string(),
                    dir: l.dir.as_str(),
                    name: l.name.clone(),
                    title: other.title.clone(),
                    href: self.href(&routes::article(self.site, t)),
                }
            })
            .collect();
        let mut common = self.common(lang, page, "article", article.title.clone());
        common.page.description = Some(article.summary.clone()).filter(|s| !s.is_empty());
        common.page.image = card.image.clone();
        common.page.json_ld = Some(self.news_article_json_ld(id, &card));
        let view = ArticleView {
            body: body.to_string(),
            lede: article.has_summary.then(|| article.summary.clone()),
            updated: article.updated.map(|u| self.locale(lang).date(&u)),
            author: article.author.clone(),
            source: article.source.as_ref().map(|s| SourceView {
                name: s.name.clone(),
                url: s.url.clone(),
            }),
            translations,
            related: self.site.related[id]
                .iter()
                .map(|r| self.card(*r))
                .collect(),
            words: article.words,
            card,
        };
        Ok((common, view))
    }

    /// schema.org `NewsArticle`, linking the article's translations.
    fn news_article_json_ld(&self, id: ArticleId, card: &Card) -> String {
        let article = &self.site.articles[id];
        let language = self.language(&article.lang);
        let mut data = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "url": card.permalink,
            "mainEntityOfPage": card.permalink,
            "datePublished": article.date.rfc3339(),
            "dateModified": article.modified().rfc3339(),
            "inLanguage": language.locale.to_string(),
            "wordCount": article.words,
            "publisher": {
                "@type": "Organization",
                "name": language.title,
                "url": self.permalink(&Route::dir([article.lang.as_str()])),
            },
        });
        let map = data.as_object_mut().expect("an object");
        if let Some(author) = &article.author {
            map.insert(
                "author".into(),
                serde_json::json!({ "@type": "Person", "name": author }),
            );
        } else {
            map.insert(
                "author".into(),
                serde_json::json!({ "@type": "Organization", "name": language.title }),
            );
        }
        if let Some(image) = &card.image {
            map.insert("image".into(), serde_json::json!([image.url]));
        }
        if let Some(url) = article.source.as_ref().and_then(|s| s.url.as_ref()) {
            map.insert("isBasedOn".into(), serde_json::json!(url));
        }
        if !card.topics.is_empty() {
            map.insert(
                "keywords".into(),
                serde_json::json!(
                    card.topics
                        .iter()
                        .map(|t| t.label.as_str())
                        .collect::<Vec<_>>()
                ),
            );
        }
        let translations: Vec<serde_json::Value> = self.site.translations[id]
            .iter()
            .map(|&t| {
                let other = &self.site.articles[t];
                serde_json::json!({
                    "@type": "NewsArticle",
                    "headline": other.title,
                    "url": self.permalink(&routes::article(self.site, t)),
                    "inLanguage": self.language(&other.lang).locale.to_string(),
                })
            })
            .collect();
        // The default language's version is the original; the others are
        // its translations.
        let original = self.site.translation_in(id, &self.config.default_language);
        match (article.lang == self.config.default_language, original) {
            (true, _) if !translations.is_empty() => {
                map.insert(
                    "workTranslation".into(),
                    serde_json::Value::Array(translations),
                );
            }
            (false, Some(o)) => {
                let tr = translations
                    .into_iter()
                    .find(|t| t["url"] == self.permalink(&routes::article(self.site, o)).as_str())
                    .expect("the original is among the translations");
                map.insert("translationOfWork".into(), tr);
            }
            _ => {}
        }
        script_safe_json(&data)
    }

    /// A home, section, topic or archive page.
    pub fn list(
        &self,
        page: &Page,
        lang: &Lang,
        list: &ListKind,
        pager: &Pager,
    ) -> (Common, ListView) {
        let locale = self.locale(lang);
        let items = list.items(self.site, lang);
        let base = routes::list(self.site, lang, list);
        let (kind, heading, description) = match list {
            ListKind::Home => (
                "home",
                self.language(lang).title.clone(),
                self.language(lang).description.clone(),
            ),
            ListKind::Section(s) => ("section", self.config.section_label(s, lang), None),
            ListKind::Topic(t) => {
                let label = self.site.topics.get(*t).label(lang);
                (
                    "topic",
                    label.map_or_else(
                        || self.site.topics.get(*t).slug.clone(),
                        |l| l.label.clone(),
                    ),
                    label.and_then(|l| l.description.clone()),
                )
            }
            ListKind::Archive { year, month } => {
                ("archive", locale.month_year(*year, *month), None)
            }
        };
        let title = if pager.number > 1 {
            let page = locale
                .text(
                    "page_n",
                    None,
                    &[("page", locale.number(pager.number as i64))],
                )
                .expect("required UI strings are checked when the theme is loaded");
            format!("{heading} – {page}")
        } else {
            heading.clone()
        };
        let mut common = self.common(lang, page, kind, title);
        common.page.description = description.clone();
        let topic = match list {
            ListKind::Topic(t) => Some(self.topic_view(*t, lang, items.len())),
            _ => None,
        };
        if let Some(topic) = &topic {
            common.page.feeds.insert(
                0,
                FeedLink {
                    mime: "application/atom+xml",
                    href: topic.feed.clone(),
                    title: format!("{} – {}", topic.label, common.edition.title),
                },
            );
        }
        let months = match list {
            ListKind::Home => self.month_links(lang),
            _ => Vec::new(),
        };
        let view = ListView {
            heading,
            description,
            items: items[pager.items.clone()]
                .iter()
                .map(|id| self.card(*id))
                .collect(),
            count: items.len(),
            pager: self.pager(&base, pager, locale),
            topic,
            section: match list {
                ListKind::Section(s) => Some(self.section_link(s, lang)),
                _ => None,
            },
            months,
        };
        (common, view)
    }

    fn topic_view(&self, topic: TopicId, lang: &Lang, count: usize) -> TopicView {
        let t = self.site.topics.get(topic);
        let label = t.label(lang);
        let elsewhere = self
            .config
            .languages
            .iter()
            .filter(|l| &l.lang != lang && ListKind::Topic(topic).exists_in(self.site, &l.lang))
            .filter_map(|l| {
                t.label(&l.lang).map(|other| TopicElsewhere {
                    lang: l.lang.to_string(),
                    dir: l.dir.as_str(),
                    label: other.label.clone(),
                    href: self.href(&routes::list(self.site, &l.lang, &ListKind::Topic(topic))),
                })
            })
            .collect();
        TopicView {
            slug: t.slug.clone(),
            label: label.map_or_else(|| t.slug.clone(), |l| l.label.clone()),
            description: label.and_then(|l| l.description.clone()),
            count,
            href: self.href(&routes::list(self.site, lang, &ListKind::Topic(topic))),
            feed: self.href(&routes::feed(
                self.site,
                lang,
                Some(topic),
                FeedFormat::Atom,
            )),
            elsewhere,
        }
    }

    fn month_links(&self, lang: &Lang) -> Vec<MonthLink> {
        let locale = self.locale(lang);
        self.site
            .edition(lang)
            .months
            .iter()
            .map(|((year, month), ids)| MonthLink {
                year: *year,
                month: *month,
                label: locale.month_year(*year, *month),
                href: self.href(&routes::list(
                    self.site,
                    lang,
                    &ListKind::Archive {
                        year: *year,
                        month: *month,
                    },
                )),
                count: ids.len(),
            })
            .collect()
    }

    fn pager(&self, base: &Route, pager: &Pager, locale: &LocaleData) -> PagerView {
        let link = |n: usize| self.href(&base.page(n));
        PagerView {
            current: pager.number,
            total: pager.total,
            prev: (pager.number > 1).then(|| link(pager.number - 1)),
            next: (pager.number < pager.total).then(|| link(pager.number + 1)),
            pages: (1..=pager.total)
                .filter(|n| *n == 1 || *n == pager.total || n.abs_diff(pager.number) <= 2)
                .map(|n| PageLink {
                    number: n,
                    label: locale.number(n as i64),
                    href: link(n),
                    current: n == pager.number,
                })
                .collect(),
        }
    }

    /// The topic index of an edition: biggest topic first, then by name.
    pub fn topic_index(&self, page: &Page, lang: &Lang) -> (Common, Vec<TopicEntry>) {
        let title = self.string(lang, "topics");
        let common = self.common(lang, page, "topics", title);
        let entries = self
            .site
            .edition(lang)
            .topics
            .iter()
            .map(|(t, ids)| {
                let topic = self.site.topics.get(*t);
                let label = topic.label(lang);
                TopicEntry {
                    slug: topic.slug.clone(),
                    label: label.map_or_else(|| topic.slug.clone(), |l| l.label.clone()),
                    description: label.and_then(|l| l.description.clone()),
                    href: self.href(&routes::list(self.site, lang, &ListKind::Topic(*t))),
                    count: ids.len(),
                }
            })
            .collect();
        (common, entries)
    }

    /// The front door (`/`) or the 404 page: every edition side by side.
    /// Both speak every language, so their switcher lists every edition, by
    /// its own name; the 404 page, served at any missing address, asks not
    /// to be indexed and has no canonical or alternate links.
    pub fn editions(
        &self,
        page: &Page,
        kind: &'static str,
        latest: usize,
    ) -> (Common, EditionsView) {
        let lang = &self.config.default_language;
        let title = self
            .config
            .languages
            .iter()
            .map(|l| l.title.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let mut common = self.common(lang, page, kind, title);
        let front = page.kind == PageKind::Front;
        common.page.noindex = !front;
        // The page speaks for every edition: it offers every edition's feeds.
        common.page.feeds = self
            .config
            .languages
            .iter()
            .flat_map(|l| self.feed_links(&self.edition(&l.lang)))
            .collect();
        common.page.switcher = self
            .config
            .languages
            .iter()
            .map(|l| SwitchLink {
                lang: l.lang.to_string(),
                dir: l.dir.as_str(),
                name: l.name.clone(),
                href: self.href(&routes::list(self.site, &l.lang, &ListKind::Home)),
                translated: front,
                alternate: front,
                label: l.name.clone(),
            })
            .collect();
        let editions = self
            .config
            .languages
            .iter()
            .map(|l| FrontEdition {
                edition: self.edition(&l.lang),
                items: self
                    .site
                    .edition(&l.lang)
                    .articles
                    .iter()
                    .take(latest)
                    .map(|id| self.card(*id))
                    .collect(),
            })
            .collect();
        (common, EditionsView { editions })
    }
}

/// JSON that cannot end a `<script>` element early.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .expect("JSON values serialize")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An absolute URL for a root-relative path or an absolute URL.
pub fn absolute(config: &Config, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        config.base_url.absolute(url)
    } else {
        url.to_string()
    }
}
