//! An article's body as HTML. It is rendered when the article is parsed;
//! an article that came from the build cache has none until a page needs
//! it, and is then rendered again from its source file. Links to other
//! articles by source file are completed with their addresses when a page
//! shows the body ([`complete_sources`]).

use std::path::Path;
use std::sync::Arc;

use crate::content::article::Article;
use crate::content::front_matter::{ParseSettings, split_front_matter};
use crate::content::{addresses, markdown};
use crate::error::Diagnostic;
use crate::hash::version_of;
use crate::yaml::decode;

/// Renders the body of an article that came from the cache.
pub fn render_body(
    article: &Article,
    root: &Path,
    settings: &ParseSettings,
) -> Result<Arc<str>, Diagnostic> {
    if let Some(body) = article.body.get() {
        return Ok(body.clone());
    }
    let bytes = std::fs::read(root.join(&article.path))
        .map_err(|err| Diagnostic::io(&article.path, "read the article", &err))?;
    if version_of(&article.path, &bytes) != article.version {
        return Err(Diagnostic::in_file(
            &article.path,
            "the file changed while the site was being built",
        )
        .with_help("build again"));
    }
    let text = decode(&article.path, &bytes)?;
    let (_, body) = split_front_matter(&article.path, &text)?;
    let place = settings.place(&article.lang, &article.section, &article.slug);
    let html: Arc<str> = Arc::from(markdown::render(body, &settings.markdown, &place).html);
    Ok(article.body.get_or_init(|| html).clone())
}

/// `html` with each link to an article by source file (the mark
/// [`addresses::source_mark`] left under `base_path`) given the address
/// `address` says that article has (`None`: left as written, which leads
/// nowhere; the plan has reported it).
pub fn complete_sources(
    html: &str,
    base_path: &str,
    address: impl Fn(&str) -> Option<String>,
) -> String {
    let mark = format!("{base_path}{}", addresses::source_mark());
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(&mark) {
        out.push_str(&rest[..at]);
        let after = &rest[at + mark.len()..];
        let end = after
            .find(['#', '"', '\'', '?', '<', '>', ' '])
            .unwrap_or(after.len());
        let path = percent_encoding::percent_decode_str(&after[..end]).decode_utf8_lossy();
        match address(&path) {
            Some(href) => out.push_str(&href),
            None => out.push_str(&rest[at..at + mark.len() + end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}
