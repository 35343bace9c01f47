//! An article page's view, with its `NewsArticle` JSON-LD.

use crate::content::article::ArticleId;
use crate::content::body::render_body;
use crate::error::Diagnostic;
use crate::output::plan::{Page, routes};
use crate::output::views::contract::{ArticleView, Card, Common, SourceView, TranslationLink};
use crate::output::views::sources::{Sources, script_safe_json};
use crate::urls;

impl Sources<'_> {
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
                "url": self.permalink(&urls::edition(&article.lang)),
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
}
