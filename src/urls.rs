//! Where every page lives: its file under `public/` and its URL.
//!
//! A [`Route`] keeps the path's segments as written (Arabic letters and
//! all); the file name uses them as they are, links percent-encode them, so
//! the address bar shows readable Arabic while every link is valid.
//!
//! The site's URL scheme is here too, in one place: where an article, a
//! list, a feed or the sitemap is published; and the rule a slug (a file
//! name or `slug:`) must follow to be one safe path segment.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::config::{BaseUrl, Lang};

/// Characters that must be escaped inside a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// A page's place in the site, relative to the base path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Route {
    segments: Vec<String>,
    /// `None` for a directory page (served as `…/index.html`).
    file: Option<String>,
}

impl Route {
    /// A directory page: `/ar/news/x/`.
    pub fn dir<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Route {
        Route {
            segments: segments.into_iter().map(Into::into).collect(),
            file: None,
        }
    }

    /// A file: `/ar/atom.xml`.
    pub fn file<S: Into<String>>(segments: impl IntoIterator<Item = S>, name: &str) -> Route {
        Route {
            segments: segments.into_iter().map(Into::into).collect(),
            file: Some(name.to_string()),
        }
    }

    /// The same route, page `n` of a paginated list (`…/page/2/`).
    pub fn page(&self, n: usize) -> Route {
        if n <= 1 {
            return self.clone();
        }
        let mut route = self.clone();
        route.segments.push("page".into());
        route.segments.push(n.to_string());
        route
    }

    /// The file `name` in this route's folder (`/ar/tags/iraq/atom.xml`).
    pub fn file_in(&self, name: &str) -> Route {
        Route {
            segments: self.segments.clone(),
            file: Some(name.to_string()),
        }
    }

    /// A route under this one.
    pub fn join<S: Into<String>>(&self, more: impl IntoIterator<Item = S>) -> Route {
        let mut route = self.clone();
        route.segments.extend(more.into_iter().map(Into::into));
        route
    }

    /// The output file, relative to `public/`: `ar/news/x/index.html`.
    pub fn output_path(&self) -> String {
        let mut path = String::new();
        for s in &self.segments {
            path.push_str(s);
            path.push('/');
        }
        path.push_str(self.file.as_deref().unwrap_or("index.html"));
        path
    }

    /// A root-relative link with the base path: `/digest/ar/news/x/`.
    pub fn href(&self, base: &BaseUrl) -> String {
        self.href_under(&base.path)
    }

    /// A root-relative link under `base_path` (`/` or `/digest/`).
    pub fn href_under(&self, base_path: &str) -> String {
        let mut href = base_path.to_string();
        for s in &self.segments {
            href.extend(utf8_percent_encode(s, SEGMENT));
            href.push('/');
        }
        if let Some(file) = &self.file {
            href.extend(utf8_percent_encode(file, SEGMENT));
        }
        href
    }

    /// The absolute URL: `https://example.org/digest/ar/news/x/`.
    pub fn permalink(&self, base: &BaseUrl) -> String {
        base.absolute(&self.href(base))
    }

    pub fn is_html(&self) -> bool {
        self.file.as_deref().is_none_or(|f| f.ends_with(".html"))
    }
}

/// The page of the article `slug` of `section` in `lang`:
/// `/{lang}/{section}/{slug}/`.
pub fn article_page(lang: &Lang, section: &str, slug: &str) -> Route {
    let mut segments = vec![lang.to_string()];
    segments.extend(folders(section));
    segments.push(slug.to_string());
    Route::dir(segments)
}

/// A folder under `content/`, where its files are published.
pub fn content_folder(section: &str) -> Route {
    Route::dir(folders(section))
}

fn folders(section: &str) -> impl Iterator<Item = String> + '_ {
    section
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// An edition's home: `/{lang}/`.
pub fn edition(lang: &Lang) -> Route {
    Route::dir([lang.as_str()])
}

/// A section's list: `/{lang}/{section}/`.
pub fn section(lang: &Lang, section: &str) -> Route {
    edition(lang).join(section.split('/'))
}

/// A topic's page: `/{lang}/tags/{slug}/`.
pub fn topic(lang: &Lang, slug: &str) -> Route {
    edition(lang).join(["tags", slug])
}

/// A monthly archive: `/{lang}/{yyyy}/{mm}/`.
pub fn archive(lang: &Lang, year: i16, month: i8) -> Route {
    edition(lang).join([year.to_string(), format!("{month:02}")])
}

/// The topic index: `/{lang}/tags/`.
pub fn topic_index(lang: &Lang) -> Route {
    Route::dir([lang.as_str(), "tags"])
}

/// An author's page: `/{lang}/authors/{slug}/`.
pub fn author(lang: &Lang, slug: &str) -> Route {
    edition(lang).join(["authors", slug])
}

/// The author index: `/{lang}/authors/`.
pub fn author_index(lang: &Lang) -> Route {
    Route::dir([lang.as_str(), "authors"])
}

/// A feed file `name` of a list, in the list's folder: an edition's
/// (`/{lang}/atom.xml`), a topic's (`/{lang}/tags/{slug}/atom.xml`), an
/// author's (`/{lang}/authors/{slug}/atom.xml`).
pub fn feed(list: &Route, name: &str) -> Route {
    list.file_in(name)
}

/// `sitemap.xml`, or part `n` of a split sitemap: `sitemap-n.xml`.
pub fn sitemap(part: Option<usize>) -> Route {
    let name = part.map_or_else(|| "sitemap.xml".to_string(), |n| format!("sitemap-{n}.xml"));
    root_file(&name)
}

/// The bilingual front door: `/`.
pub fn front() -> Route {
    Route::dir(Vec::<String>::new())
}

/// A file at the top of the site (`404.html`, `robots.txt`).
pub fn root_file(name: &str) -> Route {
    Route::file(Vec::<String>::new(), name)
}

/// A slug is one URL path segment: no separators, no dot segments, nothing
/// a URL or a file system would read specially.
pub fn check_slug(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("the slug is empty".into());
    }
    if slug == "." || slug == ".." {
        return Err(format!(
            "the slug `{slug}` would point at a folder instead of naming a page in it"
        ));
    }
    if slug.starts_with('.') {
        return Err(format!(
            "the slug `{slug}` starts with a dot, which makes a hidden folder many hosts do not serve"
        ));
    }
    if let Some(bad) = slug.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(format!(
            "the slug `{slug}` contains `{bad}`, which would make it more than one path segment"
        ));
    }
    match unsafe_char(slug) {
        Some(shown) => Err(format!(
            "the slug `{slug}` contains {shown}, which is not safe in a URL"
        )),
        None => Ok(()),
    }
}

/// The first character of `segment` that is not safe in one URL path
/// segment, as a message names it ("a space", "`?`"); `None` if every one
/// is a letter or digit of any script, a combining mark, `-`, `_` or `.`.
pub fn unsafe_char(segment: &str) -> Option<String> {
    let bad = segment.chars().find(|c| !is_safe(*c))?;
    Some(if bad.is_whitespace() {
        "a space".to_string()
    } else {
        format!("`{bad}`")
    })
}

fn is_safe(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.') || is_combining_mark(c)
}

/// `name` made safe by the slug rule: each run of unsafe characters becomes
/// one hyphen, and none is left at either end (`oil exports (copy)` →
/// `oil-exports-copy`). Letters keep their script and case.
pub fn safe_name(name: &str) -> String {
    let mut safe = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for c in name.chars() {
        if is_safe(c) && c != '-' {
            // No hyphen beside a dot: `a (1).jpg` → `a-1.jpg`.
            if pending_hyphen && !safe.is_empty() && c != '.' && !safe.ends_with('.') {
                safe.push('-');
            }
            pending_hyphen = false;
            safe.push(c);
        } else {
            pending_hyphen = true;
        }
    }
    safe
}

/// A URL segment from a label or a heading: letters and digits of any
/// script kept (lowercased), other runs made one hyphen.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.extend(c.to_lowercase());
        } else if !is_combining_mark(c) {
            pending_hyphen = true;
        }
    }
    slug
}

/// Arabic diacritics and other combining marks: part of a word, not
/// punctuation.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// The media type a file is served with, from its name; text types say
/// they are UTF-8 (`text/html; charset=utf-8`). Shared by `digest serve`
/// and `digest deploy`, so the preview and the host agree.
pub fn media_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == "text"
        || ["json", "javascript", "xml"].contains(&mime.subtype().as_str())
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_segments_are_files_as_written_and_links_percent_encoded() {
        let base = BaseUrl::parse("https://example.org/digest/").unwrap();
        let route = Route::dir(["ar", "tags", "الحوار-الاستراتيجي"]);
        assert_eq!(route.output_path(), "ar/tags/الحوار-الاستراتيجي/index.html");
        assert_eq!(
            route.href(&base),
            "/digest/ar/tags/%D8%A7%D9%84%D8%AD%D9%88%D8%A7%D8%B1-%D8%A7%D9%84%D8%A7%D8%B3%D8%AA%D8%B1%D8%A7%D8%AA%D9%8A%D8%AC%D9%8A/"
        );
        assert_eq!(
            route.page(2).output_path(),
            "ar/tags/الحوار-الاستراتيجي/page/2/index.html"
        );
        assert_eq!(
            Route::file(["en"], "atom.xml").permalink(&base),
            "https://example.org/digest/en/atom.xml"
        );
        assert_eq!(Route::dir(Vec::<String>::new()).href(&base), "/digest/");
    }

    #[test]
    fn slugs_must_be_one_safe_segment() {
        assert!(check_slug("us-forces-2021").is_ok());
        assert!(check_slug("القوات-الأميركية").is_ok());
        assert!(check_slug("..").is_err());
        assert!(check_slug(".hidden").is_err());
        assert!(check_slug("v1..2").is_ok());
        assert!(check_slug("a\\b").is_err());
        assert!(check_slug("a b").unwrap_err().contains("a space"));
        assert!(check_slug("a?b").is_err());
        assert!(check_slug("a%20b").is_err());
    }

    #[test]
    fn unsafe_names_get_a_safe_suggestion() {
        assert_eq!(
            safe_name("basra-oil-exports (copy)"),
            "basra-oil-exports-copy"
        );
        assert_eq!(safe_name("Breaking News"), "Breaking-News");
        assert_eq!(safe_name("خبر عاجل"), "خبر-عاجل");
        assert_eq!(safe_name("--a  b--"), "a-b");
        assert_eq!(safe_name("oil (copy).en.md"), "oil-copy.en.md");
        assert_eq!(safe_name("my photo (1).JPG"), "my-photo-1.JPG");
        assert_eq!(unsafe_char("a(b").as_deref(), Some("`(`"));
        assert_eq!(unsafe_char("v1.2_x-y"), None);
    }
}
