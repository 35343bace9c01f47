//! Live reload and the error overlay.
//!
//! Every HTML page the server sends gets a small script that listens to
//! [`RELOAD_PATH`] (server-sent events) and reloads the page when the site
//! changes. When the last rebuild failed, the page also gets an overlay
//! listing the errors; the pages underneath are the last good site. Nothing
//! here touches the built pages themselves: `digest build` never sees it.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::watch;

use crate::BuildReport;
use crate::error::{BuildError, Diagnostic, Severity};
use crate::publish::sink::Pages;

/// Where pages listen for reloads; chosen not to clash with site paths.
pub const RELOAD_PATH: &str = "/__digest/reload";

/// What the browsers are shown besides the pages.
#[derive(Debug, Clone, Default)]
pub(super) struct Status {
    /// Bumped whenever what the browsers see changes.
    pub generation: u64,
    /// The errors of the last build, as HTML, if it failed.
    pub overlay: Option<Arc<str>>,
}

/// The server's state, shared by its handlers.
pub(super) struct Live {
    /// The last good site.
    pub pages: Pages,
    pub status: watch::Sender<Status>,
    /// Set once, when the server stops: ends the reload streams.
    pub stopping: watch::Sender<bool>,
}

impl Live {
    pub fn new(pages: Pages) -> Live {
        Live {
            pages,
            status: watch::Sender::new(Status::default()),
            stopping: watch::Sender::new(false),
        }
    }

    /// Takes in a build's outcome; the open pages reload if what they show
    /// changed (new pages, new errors, or errors gone).
    pub fn record(&self, outcome: &Result<BuildReport, BuildError>) {
        let has_site = !self.pages.read().expect("not poisoned").is_empty();
        let overlay: Option<Arc<str>> = outcome.as_ref().err().map(|e| overlay(e, has_site).into());
        let changed_site = outcome.as_ref().is_ok_and(|r| !r.up_to_date);
        self.status.send_if_modified(|status| {
            if !changed_site && status.overlay == overlay {
                return false;
            }
            status.generation += 1;
            status.overlay = overlay;
            true
        });
    }

    pub fn shut_down(&self) {
        self.stopping.send_replace(true);
    }
}

/// `?since=N`: the generation the page was served at.
#[derive(Debug, Deserialize)]
pub(super) struct Since {
    since: Option<u64>,
}

/// The reload stream: one `reload` event each time the site changes after
/// the generation the page was served at (at once if it already has).
pub(super) async fn events(
    State(live): State<Arc<Live>>,
    Query(Since { since }): Query<Since>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let status = live.status.subscribe();
    let seen = since.unwrap_or_else(|| status.borrow().generation);
    let stopping = live.stopping.subscribe();
    let stream = futures_util::stream::unfold(
        (status, stopping, seen),
        |(mut status, mut stopping, seen)| async move {
            loop {
                let generation = status.borrow_and_update().generation;
                if generation > seen {
                    let event = Event::default()
                        .event("reload")
                        .data(generation.to_string());
                    return Some((Ok(event), (status, stopping, generation)));
                }
                tokio::select! {
                    changed = status.changed() => changed.ok()?,
                    _ = stopping.wait_for(|stop| *stop) => return None,
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Adds the reload script (and the overlay, if any) to an HTML page, just
/// before `</body>` or, if the page leaves it out, at the end.
pub(super) fn decorate(html: &[u8], status: &Status) -> Vec<u8> {
    let mut extra = String::new();
    if let Some(overlay) = &status.overlay {
        extra.push_str(overlay);
    }
    extra.push_str(&script(status.generation));
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn script(generation: u64) -> String {
    format!(
        "<script>(()=>{{const s=new EventSource(\"{RELOAD_PATH}?since={generation}\");\
         s.addEventListener(\"reload\",()=>{{s.close();location.reload()}})}})()</script>"
    )
}

/// A page to show when the site has never built: just the overlay.
pub(super) fn placeholder(status: &Status) -> Vec<u8> {
    let page = "<!doctype html><html lang=\"en\" dir=\"ltr\"><meta charset=\"utf-8\">\
                <title>digest: the site did not build</title><body></body></html>";
    decorate(page.as_bytes(), status)
}

/// The errors of a failed build, HTML-escaped, in a box over the page
/// (the last good version of it, if the site ever built).
fn overlay(error: &BuildError, has_site: bool) -> String {
    // Errors first, then warnings: the count says what the list shows.
    let mut diagnostics = error.diagnostics();
    diagnostics.sort_by_key(|d| !d.is_error());
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let mut count = format!("{errors} {}", if errors == 1 { "error" } else { "errors" });
    if warnings > 0 {
        let noun = if warnings == 1 { "warning" } else { "warnings" };
        count.push_str(&format!(", {warnings} {noun}"));
    }
    let heading = if has_site {
        format!(
            "The last change does not build ({count}); this is the last good version of the page."
        )
    } else {
        format!("The site does not build ({count}); it will show here once fixed.")
    };
    let mut html = format!(
        "<div id=\"digest-errors\" role=\"alert\" lang=\"en\" dir=\"ltr\" style=\"{OVERLAY_STYLE}\">\
         <p style=\"margin:0 0 .5em;font-weight:bold\">{heading}</p>\
         <ol style=\"margin:0;padding-inline-start:1.5em\">"
    );
    for d in diagnostics {
        html.push_str(&item(d));
    }
    html.push_str("</ol></div>");
    html
}

const OVERLAY_STYLE: &str = "position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;\
    overflow:auto;margin:0;padding:1em 1.25em;background:#2b0b0e;color:#ffe9ea;\
    border-block-end:4px solid #e5484d;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;\
    text-align:left;white-space:pre-wrap";

fn item(d: &Diagnostic) -> String {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let location = d
        .location
        .as_ref()
        .map(|l| format!("<bdi class=\"where\">{}</bdi>: ", escape(&l.to_string())))
        .unwrap_or_default();
    let help = d
        .help
        .as_ref()
        .map(|h| {
            format!(
                "<br><span class=\"help\">help: <bdi>{}</bdi></span>",
                escape(h)
            )
        })
        .unwrap_or_default();
    format!(
        "<li class=\"{label}\"><b>{label}</b>: {location}<bdi class=\"message\">{}</bdi>{help}</li>",
        escape(&d.message)
    )
}

fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    tera::escape_html(text, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Diagnostics, Location};

    fn failed(message: &str) -> BuildError {
        let d = Diagnostic::error(Some(Location::new("content/a.en.md", 3, 7)), message)
            .with_help("write <YYYY-MM-DD>");
        BuildError::Invalid(Diagnostics::from_iter([d]))
    }

    #[test]
    fn the_overlay_escapes_messages_and_shows_where() {
        // Error text comes from the article: it must show as text, never as markup.
        let html = overlay(&failed("bad date <script>alert(1)</script> & more"), true);
        assert!(html.contains("content/a.en.md:3:7"), "{html}");
        assert!(html.contains("bad date &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(html.contains("help: <bdi>write &lt;YYYY-MM-DD&gt;</bdi>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("(1 error)"));
    }

    #[test]
    fn the_overlay_lists_errors_first_and_counts_what_it_lists() {
        // A failed build's warnings come after its errors, and the heading counts both.
        let warning = |line| {
            Diagnostic::warning(Some(Location::new("content/a.en.md", line, 1)), "a warning")
        };
        let error = Diagnostic::error(Some(Location::new("content/z.en.md", 9, 1)), "the error");
        let failed = BuildError::Invalid(Diagnostics::from_iter([
            warning(1),
            warning(2),
            error,
            warning(3),
            warning(4),
        ]));
        let html = overlay(&failed, true);
        assert!(html.contains("(1 error, 4 warnings)"), "{html}");
        let items: Vec<&str> = html.split("<li class=\"").skip(1).collect();
        assert_eq!(items.len(), 5);
        assert!(items[0].starts_with("error"), "{html}");
        assert!(
            items[1..].iter().all(|i| i.starts_with("warning")),
            "{html}"
        );
    }

    #[test]
    fn decorations_go_before_the_closing_body_tag_or_at_the_end() {
        // Minified pages may leave out </body>; the script must still be added once.
        let status = Status {
            generation: 4,
            overlay: None,
        };
        let page = decorate(b"<html><body><p>x</p></BODY></html>", &status);
        let page = String::from_utf8(page).unwrap();
        assert!(page.ends_with("since=4\");s.addEventListener(\"reload\",()=>{s.close();location.reload()})})()</script></BODY></html>"), "{page}");
        let bare = String::from_utf8(decorate(b"<p>x", &status)).unwrap();
        assert!(bare.starts_with("<p>x<script>"), "{bare}");
        assert_eq!(bare.matches("EventSource").count(), 1);
    }

    #[test]
    fn only_changes_the_browser_can_see_bump_the_generation() {
        // An up-to-date rebuild reloads nothing; a failure, a fix and a new site do.
        let live = Live::new(Pages::default());
        let generation = || live.status.borrow().generation;
        let up_to_date = || {
            Ok(BuildReport {
                up_to_date: true,
                ..BuildReport::default()
            })
        };
        live.record(&up_to_date());
        assert_eq!(generation(), 0);
        live.record(&Err(failed("bad date")));
        assert_eq!(generation(), 1);
        live.record(&Err(failed("bad date")));
        assert_eq!(generation(), 1, "the same errors again");
        live.record(&up_to_date());
        assert_eq!(generation(), 2, "the errors went away");
        assert!(live.status.borrow().overlay.is_none());
        live.record(&Ok(BuildReport::default()));
        assert_eq!(generation(), 3);
    }
}
