//! HTTP: the site's pages from memory, with the status codes, content types
//! and redirects a static host would give them.
//!
//! A request path is decoded and checked into a [`SitePath`] before it is
//! looked up: only a key of the in-memory site can come out of it, and the
//! file system is never consulted by request path.

use crate::urls::media_type as content_type;
use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::percent_decode_str;
use tower_http::set_header::SetResponseHeaderLayer;

use super::reload::{self, Live, RELOAD_PATH, Status};

/// Serves the site until the server stops.
pub(super) async fn serve(listener: tokio::net::TcpListener, live: Arc<Live>) -> io::Result<()> {
    let mut stopping = live.stopping.subscribe();
    let app = router(live);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        })
        .await
}

fn router(live: Arc<Live>) -> Router {
    Router::new()
        .route(RELOAD_PATH, get(reload::events))
        .fallback(site)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(live)
}

/// A request path, decoded and checked to stay inside the site: no segment
/// is empty, `.` or `..`, or holds a slash, a backslash or a NUL once
/// decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    segments: Vec<String>,
    /// The path ends with `/`: a directory, served from its `index.html`.
    dir: bool,
}

impl SitePath {
    /// Decodes a request path (`/ar/tags/%D8%A7.../`); `None` if it is not
    /// a path inside the site.
    pub fn parse(raw: &str) -> Option<SitePath> {
        let rest = raw.strip_prefix('/')?;
        let dir = rest.is_empty() || rest.ends_with('/');
        let body = rest.strip_suffix('/').unwrap_or(rest);
        let segments = if body.is_empty() {
            Vec::new()
        } else {
            body.split('/').map(segment).collect::<Option<_>>()?
        };
        Some(SitePath { segments, dir })
    }

    /// The key of the file in the built site: `ar/news/x/index.html`.
    pub fn key(&self) -> String {
        let mut key = self.segments.join("/");
        if self.dir {
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str("index.html");
        }
        key
    }
}

fn segment(raw: &str) -> Option<String> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let bad = decoded.is_empty()
        || decoded == "."
        || decoded == ".."
        || decoded.contains(['/', '\\', '\0']);
    (!bad).then(|| decoded.into_owned())
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
enum Lookup {
    File(String),
    /// A directory asked for without its trailing slash.
    AddSlash,
    Missing,
}

fn find(pages: &HashMap<String, Arc<[u8]>>, path: &SitePath) -> Lookup {
    let key = path.key();
    assert!(
        !key.split('/')
            .any(|s| s.is_empty() || s == "." || s == ".."),
        "a checked path stays inside the site: {key}"
    );
    if pages.contains_key(&key) {
        return Lookup::File(key);
    }
    let as_dir = SitePath {
        dir: true,
        ..path.clone()
    };
    if !path.dir && !path.segments.is_empty() && pages.contains_key(&as_dir.key()) {
        return Lookup::AddSlash;
    }
    Lookup::Missing
}

/// Every request that is not the reload stream: a file of the site.
async fn site(State(live): State<Arc<Live>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD are served\n",
        )
            .into_response();
    }
    let Some(path) = SitePath::parse(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "not a path inside the site\n").into_response();
    };
    let status = live.status.borrow().clone();
    let pages = live.pages.read().expect("not poisoned");
    if pages.is_empty() {
        return html(
            StatusCode::SERVICE_UNAVAILABLE,
            reload::placeholder(&status),
        );
    }
    match find(&pages, &path) {
        Lookup::File(key) => file(&key, &pages[&key], &status),
        Lookup::AddSlash => redirect(&uri),
        Lookup::Missing => match pages.get("404.html") {
            Some(page) => html(StatusCode::NOT_FOUND, reload::decorate(page, &status)),
            None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    }
}

fn file(key: &str, bytes: &Arc<[u8]>, status: &Status) -> Response {
    let kind = content_type(key);
    if kind.starts_with("text/html") {
        return html(StatusCode::OK, reload::decorate(bytes, status));
    }
    let body = Body::from(axum::body::Bytes::from_owner(bytes.clone()));
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

fn html(code: StatusCode, body: Vec<u8>) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `/ar/news/x` → `/ar/news/x/`, keeping the query.
fn redirect(uri: &Uri) -> Response {
    let mut location = format!("{}/", uri.path());
    if let Some(query) = uri.query() {
        location.push('?');
        location.push_str(query);
    }
    (
        StatusCode::PERMANENT_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str) -> Option<String> {
        SitePath::parse(raw).map(|p| p.key())
    }

    #[test]
    fn request_paths_decode_to_site_keys() {
        // Percent-encoded Arabic decodes to the UTF-8 key the sink stores.
        assert_eq!(key("/").as_deref(), Some("index.html"));
        assert_eq!(key("/ar/news/x/").as_deref(), Some("ar/news/x/index.html"));
        assert_eq!(key("/ar/atom.xml").as_deref(), Some("ar/atom.xml"));
        assert_eq!(
            key("/ar/tags/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82/").as_deref(),
            Some("ar/tags/العراق/index.html")
        );
    }

    #[test]
    fn traversal_and_malformed_paths_are_refused() {
        // Whatever the spelling, a path that could leave the site is not a SitePath.
        for raw in [
            "/../digest.yaml",
            "/ar/../../digest.yaml",
            "/%2e%2e/digest.yaml",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/ar/..%2fdigest.yaml",
            "/ar/%2f..%2f..%2fdigest.yaml",
            "/..\\digest.yaml",
            "/%5c..%5cdigest.yaml",
            "/./index.html",
            "//etc/passwd",
            "/ar//news/",
            "/a%00b",
            "/%ff",
            "relative",
        ] {
            assert_eq!(key(raw), None, "{raw}");
        }
    }

    #[test]
    fn directories_without_a_slash_redirect() {
        // /ar/news/x finds ar/news/x/index.html and asks for the slash.
        let pages: HashMap<String, Arc<[u8]>> = [
            ("index.html", b"home".as_slice()),
            ("ar/news/x/index.html", b"x"),
            ("ar/atom.xml", b"feed"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Arc::from(v)))
        .collect();
        let find = |raw: &str| find(&pages, &SitePath::parse(raw).unwrap());
        assert_eq!(find("/"), Lookup::File("index.html".into()));
        assert_eq!(find("/ar/news/x"), Lookup::AddSlash);
        assert_eq!(
            find("/ar/news/x/"),
            Lookup::File("ar/news/x/index.html".into())
        );
        assert_eq!(find("/ar/atom.xml"), Lookup::File("ar/atom.xml".into()));
        assert_eq!(find("/ar/atom.xml/"), Lookup::Missing);
        assert_eq!(find("/ar/news"), Lookup::Missing);
    }

    #[test]
    fn text_types_carry_a_utf8_charset() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert!(content_type("ar/atom.xml").ends_with("xml; charset=utf-8"));
        assert_eq!(
            content_type("ar/feed.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("photo.jpg"), "image/jpeg");
        assert_eq!(content_type("icon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("data.bin"), "application/octet-stream");
    }
}
