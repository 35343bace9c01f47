//! What views are built from, and the parts every page shares: URLs, the
//! edition, language versions (hreflang alternates and x-default, shared
//! with the sitemap), the language switcher, feed links, the menu, cards.

use std::sync::Arc;

use crate::config::{Config, Lang, LanguageConfig};
use crate::content::article::{Article, ArticleId};
use crate::content::body::{complete_sources, render_body};
use crate::content::front_matter::ParseSettings;
use crate::error::Diagnostic;
use crate::locale::format::LocaleData;
use crate::locale::strings::Locales;
use crate::media::Media;
use crate::media::markup::{self, EmbedWords};
use crate::output::menu::{MenuItem, Menus};
use crate::output::plan::{FeedFormat, ListKind, Page, PageKind, routes};
use crate::output::views::contract::*;
use crate::site::model::Site;
use crate::site::schedule::Status;
use crate::site::topics::TopicId;
use crate::theme::options::Options;
use crate::urls::{self, Route};

/// Everything views are built from.
pub struct Sources<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub locales: &'a Locales,
    pub settings: &'a ParseSettings,
    /// The published versions of the site's pictures.
    pub media: &'a Media,
    pub menus: &'a Menus,
    pub options: &'a Options,
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
            home: self.href(&urls::edition(lang)),
            tags: self.href(&urls::topic_index(lang)),
            search: self.config.search.then(|| self.href(&urls::search(lang))),
            authors: (!self.site.edition(lang).authors.is_empty())
                .then(|| self.href(&urls::author_index(lang))),
            feed: self.href(&routes::feed(
                self.site,
                lang,
                &ListKind::Home,
                FeedFormat::Atom,
            )),
            json_feed: self.href(&routes::feed(
                self.site,
                lang,
                &ListKind::Home,
                FeedFormat::Json,
            )),
        }
    }

    pub fn site_view(&self) -> SiteView {
        SiteView {
            base_url: self.config.base_url.to_string(),
            base_path: self.config.base_url.path.clone(),
            default_language: self.config.default_language.to_string(),
            timezone: self.config.timezone_name.clone(),
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
                PageKind::TopicIndex(_) => Some(urls::topic_index(lang)),
                PageKind::Search(_) => Some(urls::search(lang)),
                PageKind::AuthorIndex(_) if !self.site.edition(lang).authors.is_empty() => {
                    Some(urls::author_index(lang))
                }
                PageKind::Front => Some(routes::list(self.site, lang, &ListKind::Home)),
                PageKind::Edition { issue, .. } => issue
                    .languages
                    .contains(lang)
                    .then(|| routes::edition(lang, &issue.period)),
                PageKind::EditionIndex { .. } => Some(routes::editions(lang)),
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
            } if pager.number == 1 => Some(urls::front()),
            _ => versions
                .iter()
                .find(|(l, _)| l == &self.config.default_language)
                .or_else(|| versions.first())
                .map(|(_, r)| r.clone()),
        }
    }

    /// The common part of a page in `lang`, with its alternates and its
    /// language switcher.
    pub fn common(&self, lang: &Lang, page: &Page, kind: &'static str, title: String) -> Common {
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
        let href = self.href(&page.route);
        Common {
            menu: self.menu(lang, &href),
            sections: self.sections(lang),
            options: self.options.clone(),
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
                href,
                permalink: self.permalink(&page.route),
                noindex: false,
                alternates,
                x_default,
                switcher,
                feeds,
                og_alternate_locales,
                image: None,
                json_ld: None,
                preview: None,
            },
            signup: self.signup(lang),
        }
    }

    /// The call to subscribe in `lang`, if digest.yaml gives one.
    pub fn signup(&self, lang: &Lang) -> Option<SignupView> {
        let signup = self.config.newsletter.signup.as_ref()?;
        Some(SignupView {
            text: signup.text.get(lang)?.clone(),
            url: signup.url.clone(),
            field: signup.field.clone(),
        })
    }

    /// The edition's menu, if the configuration gives it one; `current`
    /// marks the entry leading to the page at `href`.
    fn menu(&self, lang: &Lang, href: &str) -> Vec<MenuLink> {
        let Some(items) = self.menus.of(lang) else {
            return Vec::new();
        };
        items
            .iter()
            .map(|item| {
                let (kind, label, href_of) = match item {
                    MenuItem::Section(key) => (
                        "section",
                        self.config.section_label(key, lang),
                        self.href(&routes::list(
                            self.site,
                            lang,
                            &ListKind::Section(key.clone()),
                        )),
                    ),
                    MenuItem::Page(id) => (
                        "page",
                        self.site.articles[*id].title.clone(),
                        self.href(&routes::article(self.site, *id)),
                    ),
                    MenuItem::TopicIndex => (
                        "topics",
                        self.string(lang, "topics"),
                        self.href(&urls::topic_index(lang)),
                    ),
                    MenuItem::AuthorIndex => (
                        "authors",
                        self.string(lang, "authors"),
                        self.href(&urls::author_index(lang)),
                    ),
                    MenuItem::Path { label, route } => ("link", label.clone(), self.href(route)),
                    MenuItem::External { label, url } => ("external", label.clone(), url.clone()),
                };
                MenuLink {
                    kind,
                    current: href_of == href,
                    label,
                    href: href_of,
                }
            })
            .collect()
    }

    /// The edition's sections that have stories: those `sections:` lists,
    /// in its order, then the others by folder name.
    fn sections(&self, lang: &Lang) -> Vec<SectionLink> {
        let present = &self.site.edition(lang).sections;
        let configured = self
            .config
            .sections
            .keys()
            .filter(|k| present.contains_key(*k));
        let others = present
            .keys()
            .filter(|k| !self.config.sections.contains_key(*k));
        configured
            .chain(others)
            .map(|key| self.section_link(key, lang))
            .collect()
    }

    /// An edition's Atom and JSON feeds, for autodiscovery.
    pub fn feed_links(&self, edition: &EditionView) -> Vec<FeedLink> {
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
    pub fn switch_link(
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
    pub fn string(&self, lang: &Lang, key: &str) -> String {
        self.locale(lang)
            .text(key, None, &[])
            .expect("required UI strings are checked when the theme is loaded")
    }

    pub fn image(&self, article: &Article) -> Option<ImageView> {
        let i = article.image.as_ref()?;
        let picture = self.media.get(&i.src);
        let shown = picture.map(|p| &p.shown);
        let share = picture.and_then(|p| p.share.clone());
        Some(ImageView {
            src: shown.map_or_else(|| i.src.clone(), |s| s.src.clone()),
            url: share
                .as_ref()
                .map_or_else(|| absolute(self.config, &i.src), |s| s.url.clone()),
            alt: i.alt.clone(),
            width: shown.map(|s| s.width),
            height: shown.map(|s| s.height),
            srcset: shown.map(|s| s.srcset.clone()),
            webp: shown.and_then(|s| s.webp.clone()),
            sizes: self.config.images.sizes.clone(),
            share,
            caption: i.caption.clone(),
            credit: i.credit.clone(),
        })
    }

    /// An author's picture: published at its own address (metadata
    /// stripped, see `media`), shown as written.
    pub fn author_picture(&self, p: &crate::content::article::Image) -> ImageView {
        ImageView {
            src: p.src.clone(),
            url: absolute(self.config, &p.src),
            alt: p.alt.clone(),
            width: None,
            height: None,
            srcset: None,
            webp: None,
            sizes: self.config.images.sizes.clone(),
            share: None,
            caption: None,
            credit: None,
        }
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
            date: article.date.map(|d| self.locale(lang).date(&d)),
            summary: article.summary.clone(),
            image: self.image(article),
            topics: self.site.article_topics[id]
                .iter()
                .map(|t| self.topic_link(*t, lang))
                .collect(),
            section: (!article.section.is_empty())
                .then(|| self.section_link(&article.section, lang)),
            minutes: self.site.minutes[id],
            preview: match self.site.status[id] {
                Status::Published => None,
                Status::Draft => Some(self.string(lang, "badge_draft")),
                Status::Scheduled => Some(self.string(lang, "badge_scheduled")),
            },
        }
    }

    /// The banner of an article shown only as a preview.
    pub fn preview_banner(&self, id: ArticleId) -> Option<PreviewBanner> {
        let article = &self.site.articles[id];
        let locale = self.locale(&article.lang);
        let (kind, text) = match self.site.status[id] {
            Status::Published => return None,
            Status::Draft => ("draft", self.string(&article.lang, "preview_draft")),
            Status::Scheduled => {
                // Only a dated story is ever scheduled.
                let due = article.date?;
                let date = locale.date(&due).display;
                let time = locale.time(&due);
                let text = locale
                    .text("preview_scheduled", None, &[("date", date), ("time", time)])
                    .expect("required UI strings are checked when the theme is loaded");
                ("scheduled", text)
            }
        };
        Some(PreviewBanner { kind, text })
    }

    /// An article's body as its pages and feeds show it: links to other
    /// articles by source file given those articles' addresses, its
    /// pictures and embeds in place.
    pub fn body(&self, id: ArticleId) -> Result<String, Diagnostic> {
        let article = &self.site.articles[id];
        let mut body = render_body(article, &self.config.root, self.settings)?;
        if article.links_by_source() {
            let completed = complete_sources(&body, &self.settings.markdown.base_path, |path| {
                self.site
                    .by_source(path)
                    .map(|t| self.href(&routes::article(self.site, t)))
            });
            body = Arc::from(completed);
        }
        if article.media.pictures.is_empty() && article.media.embeds.is_empty() {
            return Ok(body.to_string());
        }
        let words = EmbedWords {
            play: self.string(&article.lang, "embed_play"),
            notice: self.string(&article.lang, "embed_notice"),
        };
        Ok(markup::fill(
            &body,
            &article.media,
            |src| self.media.responsive(src),
            &self.config.images.sizes,
            &words,
        ))
    }

    pub fn topic_link(&self, topic: TopicId, lang: &Lang) -> TopicLink {
        let t = self.site.topics.get(topic);
        TopicLink {
            slug: t.slug.clone(),
            label: t
                .label(lang)
                .map_or_else(|| t.slug.clone(), |l| l.label.clone()),
            href: self.href(&routes::list(self.site, lang, &ListKind::Topic(topic))),
        }
    }

    pub fn section_link(&self, section: &str, lang: &Lang) -> SectionLink {
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
