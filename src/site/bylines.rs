//! Articles' authors to the author table: each name resolved once against
//! `authors.yaml`, free names added as authors of their edition (shown as
//! most articles spell them), and the problems reported at the name's
//! line, as [`crate::site::tagging`] does for topics.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::config::Lang;
use crate::content::article::{Article, ArticleId};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::site::authors::{AuthorId, Authors, Resolution};
use crate::site::names::AddLabelError;
use crate::site::tagging::most_used_spellings;
use crate::site::topics::tag_location;

/// Resolves every article's authors, adding free names as new authors of
/// their edition. Articles are visited in path order (`by_path`) so that
/// the result never depends on dates or threads.
pub fn resolve_authors(
    articles: &[Arc<Article>],
    by_path: &[ArticleId],
    authors: &mut Authors,
    problems: &mut Diagnostics,
) -> Vec<Vec<AuthorId>> {
    let mut result = vec![Vec::new(); articles.len()];
    let mut first_use: HashMap<AuthorId, &Path> = HashMap::default();
    let mut spelled: HashMap<(AuthorId, &Lang, &str), usize> = HashMap::default();
    let mut resolved: HashMap<(&Lang, &str), AuthorId> = HashMap::default();
    for &id in by_path {
        let article = &articles[id];
        for name in &article.authors {
            let author = match resolved.get(&(&article.lang, name.text.as_str())) {
                Some(&author) => author,
                None => {
                    let at = tag_location(&article.path, name.line, name.column);
                    let found =
                        match authors.resolve(&article.lang, &name.text) {
                            Resolution::Author(a) => Ok(a),
                            Resolution::UnknownKey { suggestion } => {
                                Err(unknown_key(authors, at, &name.text, suggestion))
                            }
                            Resolution::NewName => authors
                                .add_name(&article.lang, &name.text)
                                .map_err(|why| match why {
                                    AddLabelError::NoLetters => Diagnostic::error(
                                        Some(at),
                                        format!(
                                            "the author `{}` has no letters or digits",
                                            name.text
                                        ),
                                    )
                                    .with_help("write the author's name"),
                                    AddLabelError::SameSlug { other, slug } => same_url_error(
                                        authors,
                                        &article.lang,
                                        at,
                                        &name.text,
                                        other,
                                        &slug,
                                        first_use.get(&other).copied(),
                                    ),
                                }),
                        };
                    match found {
                        Ok(author) => {
                            resolved.insert((&article.lang, &name.text), author);
                            author
                        }
                        Err(problem) => {
                            problems.push(problem);
                            continue;
                        }
                    }
                }
            };
            first_use.entry(author).or_insert(&article.path);
            if !authors.get(author).keyed {
                *spelled
                    .entry((author, &article.lang, &name.text))
                    .or_default() += 1;
            }
            if !result[id].contains(&author) {
                result[id].push(author);
            }
        }
    }
    for ((author, lang), name) in most_used_spellings(spelled) {
        authors.set_name(author, &lang, name);
    }
    result
}

/// A name written like a key that authors.yaml does not have.
fn unknown_key(
    authors: &Authors,
    at: Location,
    text: &str,
    suggestion: Option<String>,
) -> Diagnostic {
    let file = authors.file_name();
    let help = match suggestion {
        Some(key) => format!("did you mean `{key}`? Author keys are defined in {file}"),
        None => format!(
            "add `{text}` to {file} with their name in each language, or write the author's name instead of a key"
        ),
    };
    Diagnostic::error(Some(at), format!("unknown author key `{text}`")).with_help(help)
}

/// A free name whose address another author of the edition already has.
fn same_url_error(
    authors: &Authors,
    lang: &Lang,
    at: Location,
    text: &str,
    other: AuthorId,
    slug: &str,
    first_use: Option<&Path>,
) -> Diagnostic {
    let file = authors.file_name();
    let taken = authors.get(other);
    let name = taken.profile(lang).map(|p| p.name.as_str());
    let message = |whose: String| {
        format!("the author `{text}` would have the same URL (authors/{slug}/) as {whose}")
    };
    if taken.keyed {
        let whose = match name {
            Some(name) => format!("the author `{name}` (key `{slug}`) in {file}"),
            None => format!("the author `{slug}` in {file}"),
        };
        return Diagnostic::error(Some(at), message(whose)).with_help(format!(
            "to mean that author, write their key `{slug}` or their name; otherwise write the name in full"
        ));
    }
    let whose = match (name, first_use) {
        (Some(name), Some(path)) => format!("the author `{name}` in {}", path.display()),
        _ => format!("the author `{slug}`"),
    };
    Diagnostic::error(Some(at), message(whose)).with_help(
        "use the same spelling in both articles, or give the author a key in authors.yaml",
    )
}
