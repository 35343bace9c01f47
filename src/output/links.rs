//! Every internal link and picture checked against the URL map, before
//! anything is rendered: an address in a body (Markdown or raw HTML), an
//! inline picture, a link to a file, the lead image, a link to another
//! story by its source file and a `#fragment` pointing at another story's
//! headings must lead to something the build publishes. One that leads
//! nowhere is an error (a warning with `links: warn`) at its file, line
//! and column, with the closest address the site has.
//!
//! The links come from the parse stage (cached with each article), so
//! checking them reads no file and renders nothing.

use std::path::Path;
use std::sync::Arc;

use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::config::{Config, LinkPolicy};
use crate::content::article::{Article, ArticleId, Link, LinkKind, LinkTarget};
use crate::content::walk::{SourceFile, SourceKind};
use crate::error::{Diagnostic, Diagnostics, Location, Severity};
use crate::output::plan::{Page, PageKind, Plan};
use crate::site::model::Site;
use crate::site::schedule::{Held, Status, Visibility};

/// How many broken links get a "did you mean": finding the closest
/// address reads every page's, which a site with thousands of broken links
/// (an imported archive) should not pay for each.
const SUGGESTED: usize = 200;

/// What the checks of a process keep between its builds (`digest serve`):
/// the URL map of the last plan, and the articles whose links were all
/// found against it. A clean result depends only on the plan's pages and
/// the site's articles, which a plan reused for a patched site keeps: an
/// article that is the same then needs no check. Links with a `#fragment`
/// depend on the headings of the story they lead to, so an article with
/// one is checked every time.
#[derive(Debug, Default)]
pub struct LinksMemo {
    plan: Option<Arc<Plan>>,
    pages: PageIndex,
    clean: Vec<Option<Arc<Article>>>,
}

/// Each page's output path, with its article if it is an article page.
type PageIndex = HashMap<String, Option<ArticleId>>;

/// The check stage: every link of every article of `site` (and of the
/// stories it holds back, which will be published) against the pages of
/// `plan`, except those `memo` found clean against the same plan.
pub fn check(
    config: &Config,
    site: &Site,
    plan: &Arc<Plan>,
    sources: &[SourceFile],
    visibility: &Visibility,
    memo: &mut LinksMemo,
    problems: &mut Diagnostics,
) {
    let same_plan = memo.plan.as_ref().is_some_and(|p| Arc::ptr_eq(p, plan));
    if !same_plan || memo.clean.len() != site.articles.len() {
        *memo = LinksMemo {
            plan: Some(plan.clone()),
            pages: page_index(&plan.pages),
            clean: vec![None; site.articles.len()],
        };
    }
    let mut map = UrlMap::new(config, site, &memo.pages, &plan.pages);
    map.unpublished = sources
        .iter()
        .filter(|f| f.kind == SourceKind::Unpublished)
        .map(|f| f.rel.as_str())
        .collect();
    let suggested = std::sync::atomic::AtomicUsize::new(0);
    let checker = Checker {
        languages: config
            .languages
            .iter()
            .map(|l| l.lang.to_string())
            .collect(),
        site,
        map: &map,
        visibility,
        suggested: &suggested,
    };
    let clean = &memo.clean;
    let shown: Vec<(ArticleId, Vec<Diagnostic>)> = site
        .articles
        .par_iter()
        .enumerate()
        .filter(|(id, a)| {
            !a.links.is_empty() && !clean[*id].as_ref().is_some_and(|c| Arc::ptr_eq(c, a))
        })
        .map(|(id, a)| (id, checker.article(a, false)))
        .collect();
    let held = site
        .held
        .par_iter()
        .filter(|h| !h.article.links.is_empty())
        .flat_map_iter(|h| checker.article(&h.article, true));
    let mut found: Vec<Diagnostic> = held.collect();
    for (id, diagnostics) in shown {
        let article = &site.articles[id];
        if diagnostics.is_empty() && !article.links.iter().any(has_fragment) {
            memo.clean[id] = Some(article.clone());
        }
        found.extend(diagnostics);
    }
    if config.links == LinkPolicy::Warn {
        for d in &mut found {
            d.severity = Severity::Warning;
        }
    }
    problems.extend(found);
}

/// Whether a link points at a `#fragment` (of another story, perhaps).
fn has_fragment(link: &Link) -> bool {
    match &link.target {
        LinkTarget::Address(href) => href.contains('#'),
        LinkTarget::Source { fragment, .. } => fragment.is_some(),
    }
}

fn page_index(pages: &[Page]) -> PageIndex {
    pages
        .iter()
        .map(|p| {
            let article = match p.kind {
                PageKind::Article(id) => Some(id),
                _ => None,
            };
            (p.path.clone(), article)
        })
        .collect()
}

/// What the site publishes, by output path.
struct UrlMap<'a> {
    /// Each page's output path, with its article if it is an article page.
    pages: &'a PageIndex,
    /// The addresses the stories held back will have, by output path.
    held: HashMap<String, &'a Held>,
    /// The stories held back, by source file.
    held_sources: HashMap<&'a Path, &'a Held>,
    /// Files under `content/` of kinds that are not published, relative
    /// to `content/` (where they would be published).
    unpublished: rustc_hash::FxHashSet<&'a str>,
    all: &'a [Page],
    /// `all` as suggestions compare them, made for the first suggestion.
    candidates: std::sync::OnceLock<Vec<Candidate<'a>>>,
    base_path: &'a str,
}

/// A published address as suggestions compare it: without `index.html`
/// and the slash before it, its length in letters, and whether it names a
/// file.
struct Candidate<'a> {
    path: &'a str,
    letters: Letters,
    file: bool,
}

/// How many letters of each kind a text has, letters grouped in 64
/// kinds: the basis of a lower bound of the edit distance between two
/// texts (each edit changes one letter, so the letters one has more of
/// than the other need at least as many edits).
struct Letters([u8; 64]);

impl Letters {
    fn of(text: &str) -> Letters {
        let mut counts = [0u8; 64];
        for c in text.chars() {
            let kind = &mut counts[c as usize % 64];
            *kind = kind.saturating_add(1);
        }
        Letters(counts)
    }

    /// At most the edit distance between the two texts (a count that
    /// saturated counts as no difference).
    fn apart(&self, other: &Letters) -> usize {
        let (mut more, mut fewer) = (0usize, 0usize);
        for (&a, &b) in self.0.iter().zip(&other.0) {
            if a == u8::MAX || b == u8::MAX {
                continue;
            }
            if a > b {
                more += usize::from(a - b);
            } else {
                fewer += usize::from(b - a);
            }
        }
        more.max(fewer)
    }
}

impl<'a> UrlMap<'a> {
    fn new(
        config: &'a Config,
        site: &'a Site,
        pages: &'a PageIndex,
        all: &'a [Page],
    ) -> UrlMap<'a> {
        let held = site
            .held
            .iter()
            .map(|h| {
                let a = &h.article;
                let route = crate::urls::article_page(&a.lang, &a.section, &a.slug);
                (route.output_path(), h)
            })
            .collect();
        let held_sources = site
            .held
            .iter()
            .map(|h| (h.article.path.as_path(), h))
            .collect();
        UrlMap {
            pages,
            held,
            held_sources,
            unpublished: Default::default(),
            all,
            candidates: Default::default(),
            base_path: &config.base_url.path,
        }
    }

    /// The output path an address under the base path leads to, if the
    /// site has it: `…/x/` is `…/x/index.html`, and `…/x` is too when
    /// there is no file `x` (hosts redirect it).
    fn find(&self, rel: &str) -> Option<(&'a str, Option<ArticleId>)> {
        let found = |path: &str| {
            self.pages
                .get_key_value(path)
                .map(|(k, v)| (k.as_str(), *v))
        };
        if rel.is_empty() || rel.ends_with('/') {
            return found(&format!("{rel}index.html"));
        }
        found(rel).or_else(|| found(&format!("{rel}/index.html")))
    }

    /// The held-back story whose address `rel` is.
    fn held_at(&self, rel: &str) -> Option<&'a Held> {
        let dir = rel.trim_end_matches("index.html");
        let dir = if dir.ends_with('/') {
            dir.to_string()
        } else {
            format!("{dir}/")
        };
        self.held.get(&format!("{dir}index.html")).copied()
    }

    /// The published address closest to `rel`: the same page in another
    /// edition, else the closest among its folder's pages (pictures and
    /// files among files, pages among pages), then among all, within a
    /// third of the last segment's letters.
    fn closest(&self, rel: &str, languages: &[String]) -> Option<String> {
        let wanted = rel.trim_end_matches("index.html").trim_end_matches('/');
        let is_file = is_file_address(wanted);
        if let Some((lang, rest)) = wanted.split_once('/')
            && languages.iter().any(|l| l == lang)
        {
            for other in languages.iter().filter(|l| *l != lang) {
                let moved = format!("{other}/{rest}");
                if self.find(&moved).is_some() {
                    return Some(self.shown(&moved, !is_file));
                }
            }
        }
        let (folder, last) = match wanted.rsplit_once('/') {
            Some((folder, last)) => (format!("{folder}/"), last),
            None => (String::new(), wanted),
        };
        let limit = last.chars().count() / 3;
        if limit == 0 {
            return None;
        }
        // An address further away than the limit by a cheaper measure that
        // never exceeds the distance is not compared.
        let letters = &Letters::of(wanted);
        let candidates = || {
            (self.candidates().iter())
                .filter(move |c| c.file == is_file && c.letters.apart(letters) <= limit)
                .map(|c| c.path)
        };
        let score = |c: &str| strsim::levenshtein(wanted, c);
        let best = |among: &mut dyn Iterator<Item = &'a str>| {
            among
                .map(|c| (score(c), c))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, c)| c)
        };
        let found = best(&mut candidates().filter(|c| c.starts_with(&folder)))
            .or_else(|| best(&mut candidates()))?;
        Some(self.shown(found, !is_file))
    }

    /// Every published address as suggestions compare them, made once.
    fn candidates(&self) -> &[Candidate<'a>] {
        self.candidates.get_or_init(|| {
            (self.all.iter())
                .map(|p| {
                    let path = p.path.trim_end_matches("index.html").trim_end_matches('/');
                    Candidate {
                        path,
                        letters: Letters::of(path),
                        file: matches!(p.kind, PageKind::Asset { .. }) || !p.route.is_html(),
                    }
                })
                .collect()
        })
    }

    /// An output path (without `index.html`) as an editor reads its
    /// address: under the base path, not percent-encoded.
    fn shown(&self, path: &str, page: bool) -> String {
        let mut shown = format!("{}{path}", self.base_path);
        if page && !path.is_empty() {
            shown.push('/');
        }
        shown
    }
}

/// Whether an address (without its fragment) names a file (`map.jpg`,
/// `report.pdf`) rather than a page.
fn is_file_address(rel: &str) -> bool {
    let last = rel.rsplit('/').next().unwrap_or(rel);
    last.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && !matches!(ext, "html" | "htm"))
}

struct Checker<'a> {
    /// The site's language codes.
    languages: Vec<String>,
    site: &'a Site,
    map: &'a UrlMap<'a>,
    visibility: &'a Visibility,
    suggested: &'a std::sync::atomic::AtomicUsize,
}

impl Checker<'_> {
    /// The problems of one article's links; `held`: the article is held
    /// back, and may lead to others held back (they will be out with it).
    fn article(&self, article: &Article, held: bool) -> Vec<Diagnostic> {
        article
            .links
            .iter()
            .filter_map(|link| self.link(article, link, held))
            .collect()
    }

    fn link(&self, article: &Article, link: &Link, held: bool) -> Option<Diagnostic> {
        let at = Location::new(&article.path, link.line as usize, link.column as usize);
        match &link.target {
            LinkTarget::Address(href) => self.address(at, link, href, held),
            LinkTarget::Source { path, fragment } => {
                self.source(at, article, link, path, fragment.as_deref(), held)
            }
        }
    }

    fn address(&self, at: Location, link: &Link, href: &str, held: bool) -> Option<Diagnostic> {
        let (path, fragment) = match href.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (href, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let decoded = percent_decode_str(path).decode_utf8_lossy();
        let Some(rel) = decoded.strip_prefix(self.map.base_path) else {
            let help = format!(
                "the site is published under {}: write the address from there, or relative to the article",
                self.map.base_path
            );
            return Some(self.nowhere(at, link, &decoded).with_help(help));
        };
        // Pictures shown on the page are the picture stage's: it publishes
        // them in their widths and reports the missing and unusable ones.
        if link.kind != LinkKind::Link && crate::files::is_picture_name(rel) {
            return None;
        }
        if let Some((_, article)) = self.map.find(rel) {
            let (id, fragment) = (article?, fragment.filter(|f| !f.is_empty())?);
            return self.fragment(at, link, id, fragment, &decoded);
        }
        if let Some(h) = self.map.held_at(rel) {
            return (!held).then(|| self.leads_to_held(at, link, Some(&decoded), h));
        }
        if self.map.unpublished.contains(rel) {
            let ext = rel
                .rsplit_once('.')
                .map_or("", |(_, e)| e)
                .to_ascii_lowercase();
            let help = format!(
                "files of this kind are not published: add `{ext}` to `publish_extensions:` in digest.yaml to publish them"
            );
            return Some(
                Diagnostic::error(
                    Some(at),
                    format!(
                        "the {} `{}` leads to content/{rel}, which is not published",
                        if link.kind == LinkKind::Link {
                            "link"
                        } else {
                            "picture"
                        },
                        link.written
                    ),
                )
                .with_help(help),
            );
        }
        let file = link.kind != LinkKind::Link || is_file_address(rel);
        let help = match self.suggestion(rel) {
            Some(close) => format!("did you mean {close}?"),
            None if file => format!("put the file at content/{rel}, or correct its name"),
            None => "check the address; a link to another story may also name its file, e.g. `../other-story.en.md`".to_string(),
        };
        Some(self.nowhere(at, link, &decoded).with_help(help))
    }

    fn source(
        &self,
        at: Location,
        article: &Article,
        link: &Link,
        path: &str,
        fragment: Option<&str>,
        held: bool,
    ) -> Option<Diagnostic> {
        let file = Path::new("content").join(path);
        if let Some(id) = self.site.by_source(path) {
            let fragment = fragment.filter(|f| !f.is_empty())?;
            let route = crate::output::plan::routes::article(self.site, id);
            let shown = percent_decode_str(&route.href_under(self.map.base_path))
                .decode_utf8_lossy()
                .into_owned();
            return self.fragment(at, link, id, fragment, &shown);
        }
        if let Some(h) = self.map.held_sources.get(file.as_path()) {
            return (!held).then(|| self.leads_to_held(at, link, None, h));
        }
        let folder = file.parent().unwrap_or(Path::new("content"));
        let closest = self
            .site
            .articles
            .iter()
            .map(|a| a.path.as_path())
            .filter(|p| p.parent() == Some(folder) && p != &article.path)
            .min_by_key(|p| strsim::levenshtein(&p.to_string_lossy(), &file.to_string_lossy()))
            .filter(|p| {
                strsim::levenshtein(&p.to_string_lossy(), &file.to_string_lossy())
                    <= (path.chars().count() / 3).max(3)
            });
        let help = match closest {
            Some(p) => format!("did you mean {}?", p.display()),
            None => "name the story's file from the article's folder (`../news/story.en.md`) or from content/ (`@/news/story.en.md`)".to_string(),
        };
        Some(
            Diagnostic::error(
                Some(at),
                format!(
                    "the link `{}` names {}, which is not an article of the site",
                    link.written,
                    file.display()
                ),
            )
            .with_help(help),
        )
    }

    /// A `#fragment` pointing at article `id`: one of its headings (or
    /// footnotes, or raw HTML ids).
    fn fragment(
        &self,
        at: Location,
        link: &Link,
        id: ArticleId,
        fragment: &str,
        shown: &str,
    ) -> Option<Diagnostic> {
        let target = &self.site.articles[id];
        let decoded = percent_decode_str(fragment).decode_utf8_lossy();
        if target.anchors.iter().any(|a| *a == decoded) {
            return None;
        }
        let close = crate::error::did_you_mean(&decoded, target.anchors.iter().map(String::as_str));
        let help = match close {
            Some(close) => format!("did you mean `#{close}`?"),
            None if target.anchors.is_empty() => {
                format!("{} has no headings to link to", target.path.display())
            }
            None => {
                let mut shown: Vec<String> = target
                    .anchors
                    .iter()
                    .take(10)
                    .map(|a| format!("#{a}"))
                    .collect();
                if target.anchors.len() > 10 {
                    shown.push("…".into());
                }
                format!("its headings are: {}", shown.join(", "))
            }
        };
        Some(
            Diagnostic::error(
                Some(at),
                format!(
                    "the link `{}` leads to `#{decoded}` on {shown}, which has no heading with that id",
                    link.written
                ),
            )
            .with_help(help),
        )
    }

    /// An address the site has not got.
    fn nowhere(&self, at: Location, link: &Link, shown: &str) -> Diagnostic {
        let message = match link.kind {
            LinkKind::LeadImage => format!(
                "the lead image `{}` is not published: the site has no {shown}",
                link.written
            ),
            LinkKind::Picture => format!(
                "the picture `{}` is not published: the site has no {shown}",
                link.written
            ),
            LinkKind::Link if is_file_address(shown) => format!(
                "the link `{}` leads to {shown}, a file the site does not publish",
                link.written
            ),
            LinkKind::Link => format!(
                "the link `{}` leads to {shown}, which is not a page of the site",
                link.written
            ),
        };
        Diagnostic::error(Some(at), message)
    }

    /// A link to a story this build holds back: by its address
    /// (`shown`) or, when `shown` is `None`, by its source file.
    fn leads_to_held(
        &self,
        at: Location,
        link: &Link,
        shown: Option<&str>,
        held: &Held,
    ) -> Diagnostic {
        let article = &held.article;
        let (why, help) = match held.status {
            Status::Scheduled => (
                match article.date {
                    Some(date) => {
                        format!("scheduled for {}", self.visibility.when(date.timestamp()))
                    }
                    None => "scheduled".to_string(),
                },
                "link to it once it is out, or schedule this story after it; `--future` previews both",
            ),
            _ => (
                "a draft".to_string(),
                "publish it first (remove `draft: true`), or remove the link; `--drafts` previews both",
            ),
        };
        let what = match link.kind {
            LinkKind::Link => "link",
            LinkKind::Picture | LinkKind::LeadImage => "picture",
        };
        let leads = match shown {
            Some(shown) => format!(
                "leads to {shown}, the address of {}",
                article.path.display()
            ),
            None => format!("names {}", article.path.display()),
        };
        Diagnostic::error(
            Some(at),
            format!(
                "the {what} `{}` {leads}, which is not published: it is {why}",
                link.written
            ),
        )
        .with_help(help)
    }

    /// The closest published address, while suggestions last.
    fn suggestion(&self, rel: &str) -> Option<String> {
        use std::sync::atomic::Ordering;
        if self.suggested.fetch_add(1, Ordering::Relaxed) >= SUGGESTED {
            return None;
        }
        self.map.closest(rel, &self.languages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_apart_never_exceed_the_edit_distance() {
        let texts = [
            "",
            "en/news/anbar-isis-cell",
            "en/news/anbar-isis-cel",
            "ar/news/anbar-isis-cell",
            "articles/lost-early-million-economy-forces-3108",
            "ar/articles/player-private-film-migrants-trade-5725",
            "ar/أخبار/خلية-الأنبار",
            "ar/أخبار/خلية-الانبار",
            &"a".repeat(300),
            &"b".repeat(290),
        ];
        for a in texts {
            for b in texts {
                let bound = Letters::of(a).apart(&Letters::of(b));
                let distance = strsim::levenshtein(a, b);
                assert!(bound <= distance, "{a:?} {b:?}: {bound} > {distance}");
            }
        }
        // Far apart by letters, and said so.
        let far = Letters::of("articles/lost-early-million-economy-forces-3108")
            .apart(&Letters::of("ar/tags/iraq"));
        assert!(far > 12, "{far}");
    }
}
