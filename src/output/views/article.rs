//! An article page's view, with its `NewsArticle` JSON-LD (authors as
//! `Person`s, corrections as `CorrectionComment`s), and the view of a
//! standalone page (about, contact).

use serde_json::{Value, json};

use crate::content::article::{Article, ArticleId};
use crate::error::Diagnostic;
use crate::output::plan::{ListKind, Page, routes};
use crate::output::views::contract::{
    ArticleView, AuthorLink, Card, Common, CorrectionView, ImageView, PageView, SourceView,
    TranslationLink,
};
use crate::output::views::sources::{Sources, script_safe_json};
use crate::site::authors::AuthorId;
use crate::urls;

impl Sources<'_> {
    /// The page of one article.
    pub fn article(&self, page: &Page, id: ArticleId) -> Result<(Common, ArticleView), Diagnostic> {
        let article = &self.site.articles[id];
        let lang = &article.lang;
        let locale = self.locale(lang);
        let body = self.body(id)?;
        let card = self.card(id);
        let mut common = self.common(lang, page, "article", article.title.clone());
        common.page.description = Some(article.summary.clone()).filter(|s| !s.is_empty());
        common.page.image = card.image.clone();
        common.page.json_ld = Some(self.news_article_json_ld(id, &card));
        // A preview is marked as one, and asks not to be indexed.
        common.page.preview = self.preview_banner(id);
        common.page.noindex = common.page.preview.is_some();
        let published = card.date.as_ref().map(|d| d.date_time.clone());
        // `updated` is shown when it reads differently from the publication.
        let updated = article
            .updated
            .filter(|u| article.date.is_none_or(|d| u.seconds > d.seconds))
            .map(|u| locale.date(&u))
            .filter(|u| Some(&u.date_time) != published.as_ref());
        let modified = article
            .modified()
            .filter(|m| article.date.is_some_and(|d| m.seconds > d.seconds))
            .map(|m| locale.date(&m));
        let (authors, byline) = self.byline(id);
        let view = ArticleView {
            embed_script: self.embed_script(article),
            body,
            lede: (article.has_summary && !article.summary_repeats_body)
                .then(|| article.summary.clone()),
            updated,
            modified,
            authors,
            byline,
            source: article.source.as_ref().map(|s| SourceView {
                name: s.name.clone(),
                url: s.url.clone(),
            }),
            translations: self.translation_links(id),
            related: self.site.related[id]
                .iter()
                .map(|r| self.card(*r))
                .collect(),
            corrections: self.corrections(article),
            words: article.words,
            card,
        };
        Ok((common, view))
    }

    /// A standalone page (about, contact): its text, no byline or date.
    pub fn standalone(&self, page: &Page, id: ArticleId) -> Result<(Common, PageView), Diagnostic> {
        let article = &self.site.articles[id];
        let lang = &article.lang;
        let body = self.body(id)?;
        let mut common = self.common(lang, page, "page", article.title.clone());
        common.page.description = Some(article.summary.clone()).filter(|s| !s.is_empty());
        common.page.image = self.image(article);
        // A draft page in a preview is marked as one, as a story is.
        common.page.preview = self.preview_banner(id);
        common.page.noindex = common.page.preview.is_some();
        let view = PageView {
            title: article.title.clone(),
            lang: lang.to_string(),
            dir: self.language(lang).dir.as_str(),
            embed_script: self.embed_script(article),
            body,
            lede: (article.has_summary && !article.summary_repeats_body)
                .then(|| article.summary.clone()),
            image: common.page.image.clone(),
            translations: self.translation_links(id),
            corrections: self.corrections(article),
        };
        Ok((common, view))
    }

    /// The script that plays the body's embeds, for a page that has any.
    fn embed_script(&self, article: &Article) -> Option<String> {
        (!article.media.embeds.is_empty()).then(|| self.href(&crate::media::embed_script_route()))
    }

    fn translation_links(&self, id: ArticleId) -> Vec<TranslationLink> {
        self.site.translations[id]
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
            .collect()
    }

    /// The article's authors, each linked to their page, and their names
    /// joined as the edition's language joins them.
    fn byline(&self, id: ArticleId) -> (Vec<AuthorLink>, Option<String>) {
        let lang = &self.site.articles[id].lang;
        let ids = &self.site.article_authors[id];
        if ids.is_empty() {
            return (Vec::new(), None);
        }
        let names: Vec<&str> = ids
            .iter()
            .map(|a| self.site.authors.get(*a).name(lang))
            .collect();
        let (text, after) = self.locale(lang).join(&names);
        let links = ids
            .iter()
            .zip(after)
            .map(|(&a, after)| {
                let author = self.site.authors.get(a);
                AuthorLink {
                    slug: author.slug.clone(),
                    name: author.name(lang).to_string(),
                    role: author.profile(lang).and_then(|p| p.role.clone()),
                    href: self.href(&routes::list(self.site, lang, &ListKind::Author(a))),
                    after,
                }
            })
            .collect();
        (links, Some(text))
    }

    /// The corrections, newest first.
    fn corrections(&self, article: &Article) -> Vec<CorrectionView> {
        let locale = self.locale(&article.lang);
        let mut views: Vec<(i64, CorrectionView)> = article
            .corrections
            .iter()
            .map(|c| {
                let view = CorrectionView {
                    date: locale.date(&c.date),
                    html: c.html.clone(),
                };
                (c.date.seconds, view)
            })
            .collect();
        // Stable: corrections of the same moment stay in the order written.
        views.sort_by_key(|(seconds, _)| std::cmp::Reverse(*seconds));
        views.into_iter().map(|(_, v)| v).collect()
    }

    /// schema.org `Person` for an author, with their page in `lang`.
    fn person(&self, author: AuthorId, lang: &crate::config::Lang) -> Value {
        let a = self.site.authors.get(author);
        let mut person = json!({
            "@type": "Person",
            "name": a.name(lang),
            "url": self.permalink(&routes::list(self.site, lang, &ListKind::Author(author))),
        });
        let map = person.as_object_mut().expect("an object");
        if let Some(profile) = a.profile(lang) {
            if let Some(role) = &profile.role {
                map.insert("jobTitle".into(), json!(role));
            }
            if let Some(picture) = &profile.picture {
                map.insert(
                    "image".into(),
                    json!(crate::output::views::sources::absolute(
                        self.config,
                        &picture.src
                    )),
                );
            }
        }
        let same_as: Vec<&str> = a
            .links
            .iter()
            .map(|l| l.url.as_str())
            .filter(|u| u.starts_with("http"))
            .collect();
        if !same_as.is_empty() {
            map.insert("sameAs".into(), json!(same_as));
        }
        person
    }

    /// schema.org `NewsArticle`, linking the article's translations.
    fn news_article_json_ld(&self, id: ArticleId, card: &Card) -> String {
        let article = &self.site.articles[id];
        let language = self.language(&article.lang);
        let mut data = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "url": card.permalink,
            "mainEntityOfPage": card.permalink,
            "inLanguage": language.locale.to_string(),
            "wordCount": article.words,
            "publisher": {
                "@type": "Organization",
                "name": language.title,
                "url": self.permalink(&urls::edition(&article.lang)),
            },
        });
        let map = data.as_object_mut().expect("an object");
        if let Some(date) = article.date {
            map.insert("datePublished".into(), json!(date.rfc3339()));
        }
        if let Some(modified) = article.modified() {
            map.insert("dateModified".into(), json!(modified.rfc3339()));
        }
        let mut people: Vec<Value> = self.site.article_authors[id]
            .iter()
            .map(|a| self.person(*a, &article.lang))
            .collect();
        let author = match people.len() {
            0 => json!({ "@type": "Organization", "name": language.title }),
            1 => people.remove(0),
            _ => Value::Array(people),
        };
        map.insert("author".into(), author);
        if let Some(image) = &card.image {
            map.insert("image".into(), image_object(image));
        }
        if let Some(url) = article.source.as_ref().and_then(|s| s.url.as_ref()) {
            map.insert("isBasedOn".into(), json!(url));
        }
        if !card.topics.is_empty() {
            let labels: Vec<&str> = card.topics.iter().map(|t| t.label.as_str()).collect();
            map.insert("keywords".into(), json!(labels));
        }
        if !article.corrections.is_empty() {
            let corrections: Vec<Value> = article
                .corrections
                .iter()
                .map(|c| {
                    json!({
                        "@type": "CorrectionComment",
                        "text": c.text,
                        "datePublished": c.date.rfc3339(),
                    })
                })
                .collect();
            map.insert("correction".into(), Value::Array(corrections));
        }
        let translations: Vec<Value> = self.site.translations[id]
            .iter()
            .map(|&t| {
                let other = &self.site.articles[t];
                json!({
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
                map.insert("workTranslation".into(), Value::Array(translations));
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
}

/// schema.org `ImageObject`: the version to share, its size, caption and
/// credit.
fn image_object(image: &ImageView) -> serde_json::Value {
    let mut object = serde_json::json!({
        "@type": "ImageObject",
        "url": image.url,
        "contentUrl": image.url,
    });
    let fields = object.as_object_mut().expect("an object");
    if let Some(share) = &image.share {
        fields.insert("width".into(), share.width.into());
        fields.insert("height".into(), share.height.into());
    }
    if let Some(caption) = &image.caption {
        fields.insert("caption".into(), caption.clone().into());
    }
    if let Some(credit) = &image.credit {
        fields.insert("creditText".into(), credit.clone().into());
    }
    object
}
