//! Pages to bytes: build the page's view, run its template, minify.
//!
//! The renderer is shared by every worker thread; templates are parsed once
//! (in [`Theme::load`]) and each page is independent, so rendering is
//! embarrassingly parallel.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tera::{Kwargs, State, TeraResult};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::feeds;
use crate::i18n::Locales;
use crate::minify::{MAX_MINIFY_DEPTH, Minifier, minify, random_token};
use crate::nesting::{self, Reading};
use crate::parse::ParseSettings;
use crate::plan::{Page, PageKind};
use crate::site::Site;
use crate::theme::{Theme, template_errors};
use crate::views::{ArticleView, Common, EditionsView, ListView, Sources, TopicEntry};

/// Renders pages of one site with one theme.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub settings: &'a ParseSettings,
    /// Every HTML page of the site, for the sitemap.
    pub pages: &'a [Page],
    pub minifier: &'a Minifier,
}

#[derive(Serialize)]
struct WithCommon<'a, T: Serialize> {
    #[serde(flatten)]
    common: &'a Common,
    #[serde(flatten)]
    body: T,
}

impl Renderer<'_> {
    fn sources(&self) -> Sources<'_> {
        Sources {
            config: self.config,
            site: self.site,
            locales: &self.theme.locales,
            settings: self.settings,
        }
    }

    /// Renders one page. `None` for assets, which are copied, not rendered.
    pub fn render(&self, page: &Page) -> Result<Option<Vec<u8>>, Diagnostic> {
        let sources = self.sources();
        let html = match &page.kind {
            PageKind::Article(id) => {
                let (common, mut article) = sources.article(page, *id)?;
                if !self.config.minify {
                    return self
                        .page("article.html", &common, ArticleContext { article })
                        .map(Some);
                }
                // The page around the body is minified with a slot in the
                // body's place; the body is minified on its own, if it is
                // safe to, and then put in the slot.
                let body = std::mem::replace(&mut article.body, body_slot().to_string());
                let page = self.page("article.html", &common, ArticleContext { article })?;
                let body = self.minify_body(body);
                fill_slot(page, body_slot().as_bytes(), body.as_bytes())
            }
            PageKind::List { lang, list, pager } => {
                let (common, list) = sources.list(page, lang, list, pager);
                self.page("list.html", &common, ListContext { list })?
            }
            PageKind::TopicIndex(lang) => {
                let (common, topics) = sources.topic_index(page, lang);
                self.page("topics.html", &common, TopicsContext { topics })?
            }
            PageKind::Search(lang) => {
                let (common, search) = crate::search::page::view(&sources, page, lang);
                self.page("search.html", &common, SearchContext { search })?
            }
            PageKind::Front => {
                let (common, front) = sources.editions(page, "front", self.config.paginate);
                self.page("front.html", &common, EditionsContext { front })?
            }
            PageKind::NotFound => {
                let (common, front) = sources.editions(page, "404", 0);
                self.page("404.html", &common, EditionsContext { front })?
            }
            PageKind::Feed {
                lang,
                topic,
                format,
            } => feeds::feed(&sources, lang, *topic, *format)?,
            PageKind::Sitemap { part, parts } => {
                feeds::sitemap(&sources, self.pages, *part, *parts)
            }
            PageKind::Robots => feeds::robots(self.config).into_bytes(),
            PageKind::Asset { .. } => return Ok(None),
        };
        Ok(Some(html))
    }

    /// An article's body, minified when that is safe: when the body is
    /// HTML that digest wrote itself (not raw HTML kept as written) and
    /// nests shallowly enough for the minifier's recursive parser.
    fn minify_body(&self, body: String) -> String {
        if self.settings.markdown.raw_html == crate::config::RawHtml::Allow
            || nesting::max_depth(&body, Reading::WellFormed) > MAX_MINIFY_DEPTH
        {
            return body;
        }
        String::from_utf8(minify(body.as_bytes())).unwrap_or(body)
    }

    /// A page from template `name`, minified if the site is. Its partials
    /// are minified once per build (see [`crate::minify`]).
    fn page<T: Serialize>(
        &self,
        name: &str,
        common: &Common,
        body: T,
    ) -> Result<Vec<u8>, Diagnostic> {
        let context = tera::Context::from_serialize(&WithCommon { common, body }).map_err(|e| {
            Diagnostic::error(
                None,
                format!("internal error: the view of {name} does not serialize: {e}"),
            )
        })?;
        if !self.config.minify {
            return self.template(&self.theme.tera, name, &context);
        }
        if let Some(marked) = &self.theme.marked
            && let Ok(html) = self.template(marked, name, &context)
            && let Some(page) = self.minifier.page(&html)
        {
            return Ok(page);
        }
        // Without marks: the template's own errors, or a page whose
        // partials cannot be told apart.
        let html = self.template(&self.theme.tera, name, &context)?;
        Ok(minify(&html))
    }

    fn template(
        &self,
        tera: &tera::Tera,
        name: &str,
        context: &tera::Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        // Rendering into bytes spares a UTF-8 check of every page: Tera
        // writes only the UTF-8 text it is given.
        let mut html = Vec::with_capacity(32 * 1024);
        tera.render_to(name, context, &mut html).map_err(|err| {
            self.theme
                .locales
                .explain(template_errors(&self.theme.dir, &err).remove(0))
        })?;
        Ok(html)
    }
}

/// The kind-specific part of each template's context.
#[derive(Serialize)]
struct ArticleContext {
    article: ArticleView,
}

#[derive(Serialize)]
struct ListContext {
    list: ListView,
}

#[derive(Serialize)]
struct TopicsContext {
    topics: Vec<TopicEntry>,
}

#[derive(Serialize)]
struct SearchContext {
    search: crate::search::page::SearchView,
}

#[derive(Serialize)]
struct EditionsContext {
    front: EditionsView,
}

/// Stands in for an article's body while the page around it is minified.
/// It carries a number chosen at random when digest starts, so no text of
/// an article can spell it, whatever the minifier decodes.
fn body_slot() -> &'static str {
    static SLOT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SLOT.get_or_init(|| {
        let random = random_token();
        format!("<digest-body-{random}></digest-body-{random}>")
    })
}

/// `page` with the first `slot` replaced by `content`.
fn fill_slot(page: Vec<u8>, slot: &[u8], content: &[u8]) -> Vec<u8> {
    match memchr::memmem::find(&page, slot) {
        Some(at) => {
            let mut filled = Vec::with_capacity(page.len() + content.len());
            filled.extend_from_slice(&page[..at]);
            filled.extend_from_slice(content);
            filled.extend_from_slice(&page[at + slot.len()..]);
            filled
        }
        None => page,
    }
}

/// Registers digest's template functions:
/// - `t(key, count?, lang?, …)`: a UI string in the page's language (or
///   `lang`), with the plural form for `count` and `{name}` placeholders
///   filled from the other arguments;
/// - `asset(path)`: the published (fingerprinted) URL of a theme file;
/// - `number(n, lang?)`: a number in the language's digits.
pub fn register_functions(
    tera: &mut tera::Tera,
    locales: &Arc<Locales>,
    assets: &HashMap<String, String>,
) {
    let strings = locales.clone();
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let key: &str = kwargs.must_get("key")?;
            let lang = page_lang(&kwargs, state)?;
            let count: Option<i64> = kwargs.get("count")?;
            let mut args = Vec::new();
            for (name, value) in kwargs.iter() {
                let name = name.to_string();
                if !matches!(name.as_str(), "key" | "count" | "lang") {
                    args.push((name, value.to_string()));
                }
            }
            let args: Vec<(&str, String)> =
                args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            let locale = find_locale(&strings, &lang)?;
            locale.text(key, count, &args).map_err(tera::Error::message)
        },
    );
    let numbers = locales.clone();
    tera.register_function(
        "number",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let n: i64 = kwargs.must_get("n")?;
            let lang = page_lang(&kwargs, state)?;
            Ok(find_locale(&numbers, &lang)?.number(n))
        },
    );
    let assets = assets.clone();
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        assets.get(path.trim_start_matches('/')).cloned().ok_or_else(|| {
            tera::Error::message(format!("the theme has no static file `{path}` (looked in the theme's static/ folder)"))
        })
    });
}

fn page_lang(kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    match kwargs.get::<&str>("lang")? {
        Some(lang) => Ok(lang.to_string()),
        None => state.get::<String>("lang")?.ok_or_else(|| {
            tera::Error::message("`lang` is not set for this page: pass lang=\"…\"")
        }),
    }
}

fn find_locale<'a>(locales: &'a Locales, lang: &str) -> TeraResult<&'a crate::i18n::LocaleData> {
    crate::config::Lang::parse(lang)
        .and_then(|l| locales.find(&l))
        .ok_or_else(|| tera::Error::message(format!("`{lang}` is not one of the site's languages")))
}
