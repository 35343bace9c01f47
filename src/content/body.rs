//! An article's body as HTML. It is rendered when the article is parsed
//! and kept while the build's body budget allows; an article that came
//! from the build cache, or whose body was not kept, is rendered again from
//! its source file when a page needs it. Links to other
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
    if settings.bodies.take(html.len()) {
        Ok(article.body.get_or_init(|| html).clone())
    } else {
        Ok(html)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;
    use crate::content::article::BodyBudget;
    use crate::content::front_matter::parse_article;
    use crate::content::walk::{SourceFile, SourceKind};
    use crate::files::FileStamp;

    const STORY: &str =
        "---\ntitle: T\ndate: 2021-12-30\n---\n## Background\n\nA [link](/en/) and *a word*.\n";

    fn parsed(settings: &ParseSettings) -> Article {
        let file = SourceFile {
            path: "content/news/x.en.md".into(),
            rel: "news/x.en.md".into(),
            kind: SourceKind::Article {
                lang: Lang::parse("en").unwrap(),
                section: "news".into(),
                stem: "x".into(),
            },
            stamp: FileStamp {
                size: 0,
                modified_ns: 0,
            },
        };
        parse_article(&file, STORY.as_bytes(), settings)
            .article
            .expect("the story parses")
    }

    #[test]
    fn a_body_beyond_the_budget_is_not_kept_and_renders_the_same_from_its_file() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content/news")).unwrap();
        std::fs::write(root.path().join("content/news/x.en.md"), STORY).unwrap();
        let kept = parsed(&ParseSettings::plain());
        let html = kept.body.get().expect("kept within the budget").clone();
        assert!(html.contains("<h2 id=\"background\">"), "{html}");

        let mut tight = ParseSettings::plain();
        tight.bodies = Arc::new(BodyBudget::new(html.len() - 1));
        let article = parsed(&tight);
        assert!(article.body.get().is_none());
        for _ in 0..2 {
            assert_eq!(render_body(&article, root.path(), &tight).unwrap(), html);
        }
        assert!(article.body.get().is_none(), "still beyond the budget");

        // With room again, the next rendering is kept.
        tight.bodies = Arc::new(BodyBudget::new(html.len()));
        assert_eq!(render_body(&article, root.path(), &tight).unwrap(), html);
        assert_eq!(article.body.get(), Some(&html));
    }
}
