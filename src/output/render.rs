//! Pages to bytes: build the page's view, run its template, minify.
//!
//! The renderer is shared by every worker thread; templates are parsed once
//! (in [`Theme::load`]) and each page is independent, so rendering is
//! embarrassingly parallel.

use serde::Serialize;

use crate::config::{Config, RawHtml};
use crate::content::front_matter::ParseSettings;
use crate::error::Diagnostic;
use crate::html::minify::{MAX_MINIFY_DEPTH, Minifier, minify, random_token};
use crate::html::nesting::{self, Reading};
use crate::media::{EMBED_SCRIPT, Media};
use crate::output::feeds;
use crate::output::plan::{Page, PageKind, Plan};
use crate::output::sitemap;
use crate::output::views::contract::{
    ArticleView, AuthorEntry, Common, EditionIndexView, EditionsView, IssueView, ListView,
    PageView, SearchView, TopicEntry,
};
use crate::output::views::sources::Sources;
use crate::site::model::Site;
use crate::theme::load::{Theme, template_errors};

/// Renders pages of one site with one theme.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub settings: &'a ParseSettings,
    /// Every page of the site (for the sitemap) and the menus.
    pub plan: &'a Plan,
    pub minifier: &'a Minifier,
    /// The published versions of the site's pictures.
    pub media: &'a Media,
}

#[derive(Serialize)]
struct WithCommon<'a, T: Serialize> {
    #[serde(flatten)]
    common: &'a Common,
    #[serde(flatten)]
    body: T,
}

impl<'a> Renderer<'a> {
    /// A renderer for the pages of `plan` of `site`, minifying partials
    /// with `minifier` (whose memory it first bounds to what this site
    /// needs).
    pub fn new(
        config: &'a Config,
        site: &'a Site,
        theme: &'a Theme,
        settings: &'a ParseSettings,
        plan: &'a Plan,
        minifier: &'a Minifier,
        media: &'a Media,
    ) -> Renderer<'a> {
        // Room for each article's card in each language and a few versions more.
        minifier.bound(8 * site.articles.len() + 10_000);
        Renderer {
            config,
            site,
            theme,
            settings,
            plan,
            minifier,
            media,
        }
    }

    pub fn sources(&self) -> Sources<'_> {
        Sources {
            config: self.config,
            site: self.site,
            locales: &self.theme.locales,
            settings: self.settings,
            media: self.media,
            menus: &self.plan.menus,
            options: &self.theme.options,
        }
    }

    /// Renders one page. `None` for assets, which are copied, not rendered.
    pub fn render(&self, page: &Page) -> Result<Option<Vec<u8>>, Diagnostic> {
        let sources = self.sources();
        let html = match &page.kind {
            PageKind::Article(id) if self.site.articles[*id].is_page() => {
                let (common, mut standalone) = sources.standalone(page, *id)?;
                let body = std::mem::replace(&mut standalone.body, body_slot().to_string());
                self.with_body("page.html", &common, PageContext { standalone }, body)?
            }
            PageKind::Article(id) => {
                let (common, mut article) = sources.article(page, *id)?;
                let body = std::mem::replace(&mut article.body, body_slot().to_string());
                self.with_body("article.html", &common, ArticleContext { article }, body)?
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
                let (common, search) = sources.search(page, lang);
                self.page("search.html", &common, SearchContext { search })?
            }
            PageKind::AuthorIndex(lang) => {
                let (common, authors) = sources.author_index(page, lang);
                self.page("authors.html", &common, AuthorsContext { authors })?
            }
            PageKind::Front => {
                let (common, front) = sources.editions(page, "front", self.config.paginate);
                self.page("front.html", &common, EditionsContext { front })?
            }
            PageKind::NotFound => {
                let (common, front) = sources.editions(page, "404", 0);
                self.page("404.html", &common, EditionsContext { front })?
            }
            PageKind::Feed { lang, list, format } => feeds::feed(&sources, lang, list, *format)?,
            PageKind::Sitemap { part, parts } => {
                sitemap::sitemap(&sources, &self.plan.pages, *part, *parts)
            }
            PageKind::Robots => sitemap::robots(self.config).into_bytes(),
            PageKind::Edition { lang, issue } => {
                let (common, issue) = sources.edition_page(page, lang, issue);
                self.page("edition.html", &common, IssueContext { issue })?
            }
            PageKind::EditionIndex { lang, issues } => {
                let (common, editions) = sources.edition_index(page, lang, issues);
                self.page(
                    "editions.html",
                    &common,
                    EditionIndexContext { index: editions },
                )?
            }
            PageKind::EditionFeed {
                lang,
                weekly,
                issues,
            } => feeds::editions_feed(&sources, lang, *weekly, issues)?,
            PageKind::Email { .. } => {
                return Err(Diagnostic::error(
                    None,
                    format!(
                        "internal error: {} is an email, made by the newsletter stage",
                        page.path
                    ),
                ));
            }
            PageKind::EmbedScript { .. } => EMBED_SCRIPT.as_bytes().to_vec(),
            PageKind::Asset { .. } | PageKind::Picture { .. } => return Ok(None),
        };
        Ok(Some(html))
    }

    /// A page with a Markdown body: the page around the body is minified
    /// with a slot in the body's place (`context` holds the slot); the body
    /// is minified on its own, if it is safe to, and then put in the slot.
    fn with_body<T: Serialize>(
        &self,
        name: &str,
        common: &Common,
        context: T,
        body: String,
    ) -> Result<Vec<u8>, Diagnostic> {
        let page = self.page(name, common, context)?;
        let body = if self.config.minify {
            self.minify_body(body)
        } else {
            body
        };
        Ok(fill_slot(page, body_slot().as_bytes(), body.as_bytes()))
    }

    /// An article's body, minified when that is safe: when the body is
    /// HTML that digest wrote itself (not raw HTML kept as written) and
    /// nests shallowly enough for the minifier's recursive parser.
    fn minify_body(&self, body: String) -> String {
        if self.settings.markdown.raw_html == RawHtml::Allow
            || nesting::max_depth(&body, Reading::WellFormed) > MAX_MINIFY_DEPTH
        {
            return body;
        }
        String::from_utf8(minify(body.as_bytes())).unwrap_or(body)
    }

    /// A page from template `name`, minified if the site is. Its partials
    /// are minified once per build (see [`crate::html::minify`]).
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
struct PageContext {
    standalone: PageView,
}

#[derive(Serialize)]
struct AuthorsContext {
    authors: Vec<AuthorEntry>,
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
    search: SearchView,
}

#[derive(Serialize)]
struct IssueContext {
    issue: IssueView,
}

#[derive(Serialize)]
struct EditionIndexContext {
    index: EditionIndexView,
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
