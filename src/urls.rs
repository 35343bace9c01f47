//! Where every page lives: its file under `public/` and its URL.
//!
//! A [`Route`] keeps the path's segments as written (Arabic letters and
//! all); the file name uses them as they are, links percent-encode them, so
//! the address bar shows readable Arabic while every link is valid.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::config::BaseUrl;

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
}
