//! `digest check --external`: the outside links of the site's stories
//! (links and pictures in bodies, raw HTML's `href` and `src`, `source:`
//! and `image:` in front matter), each fetched once however many stories
//! use it.
//!
//! Polite to the sites it asks: a few requests at a time in all, at most
//! [`ExternalOptions::per_host`] at once to any host, a time limit on each,
//! redirects followed (up to five) and reported, nothing read past the
//! response's headers. Answers are kept for a day in the build cache
//! (`.digest-cache/links.bin`), so checking again soon asks nobody again;
//! answers that may change within minutes (a time-out, a refused
//! connection, a server error, "too many requests") are not kept.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::content::article::Article;
use crate::content::front_matter::{line_and_column, split_front_matter};
use crate::content::markdown;
use crate::error::{Diagnostic, Location};
use crate::files::{load_versioned, save_versioned};
use crate::yaml::{YamlSource, decode};

/// How to check outside links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// The longest one link may take, redirects included.
    pub timeout: Duration,
    /// Requests at once to one host.
    pub per_host: usize,
    /// Requests at once in all.
    pub workers: usize,
    /// Where answers are kept between checks; `None` keeps none.
    pub cache: Option<PathBuf>,
    /// How long a kept answer is trusted.
    pub keep_for: Duration,
    /// The clock, in seconds since the epoch (when kept answers expire).
    pub now: i64,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            per_host: 2,
            workers: 8,
            cache: None,
            keep_for: Duration::from_secs(24 * 60 * 60),
            now: jiff::Timestamp::now().as_second(),
        }
    }
}

/// An outside address, where a story uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url: String,
    pub at: Location,
}

/// What asking for an address gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// It answered with a page.
    Fine,
    /// It answered with a page, after redirects to `to`.
    Moved { to: String },
    /// It leads nowhere (404, 410, no such host…).
    Broken { why: String },
    /// It could not be checked this time (time-out, refused, 5xx, 429…).
    Unknown { why: String },
}

impl Answer {
    /// Whether the answer may be kept for a day.
    fn lasts(&self) -> bool {
        !matches!(self, Answer::Unknown { .. })
    }
}

/// Answers kept between checks: address → (when asked, answer).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Kept(HashMap<String, (i64, Answer)>);

/// What checking the links found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Distinct addresses.
    pub addresses: usize,
    /// How many of them were asked (the rest were kept from earlier).
    pub asked: usize,
    pub problems: Vec<Diagnostic>,
}

/// The outside links of an article whose file holds `text`: `http(s)`
/// addresses outside the site, without their `#fragment`.
pub fn links_of(config: &Config, article: &Article, text: &str) -> Vec<Link> {
    let path = &article.path;
    let Ok((front, body)) = split_front_matter(path, text) else {
        return Vec::new();
    };
    let outside = |url: &str| {
        let url = url.trim();
        let web = url.starts_with("https://") || url.starts_with("http://");
        let own = url.starts_with(&config.base_url.to_string());
        (web && !own).then(|| url.split('#').next().unwrap_or(url).to_string())
    };
    let mut links = Vec::new();
    let src = YamlSource::new(path, front, 2);
    let in_front = [
        (
            article.source.as_ref().and_then(|s| s.url.clone()),
            &["source", "url"][..],
        ),
        (
            article.image.as_ref().map(|i| i.src.clone()),
            &["image", "src"][..],
        ),
    ];
    for (url, key) in in_front {
        if let Some(url) = url.as_deref().and_then(outside) {
            links.push(Link {
                url,
                at: src.value_location(key),
            });
        }
    }
    let at = |offset: usize| {
        let (line, column) = line_and_column(text, body, offset);
        Location::new(path, line, column)
    };
    for (event, range) in Parser::new_ext(body, markdown::flags()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if let Some(url) = outside(&dest_url) {
                    links.push(Link {
                        url,
                        at: at(range.start),
                    });
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (offset, value) in attribute_urls(&html) {
                    if let Some(url) = outside(&value) {
                        links.push(Link {
                            url,
                            at: at(range.start + offset),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    links
}

/// The values of `href` and `src` attributes in raw HTML, with the byte
/// offset of each attribute.
fn attribute_urls(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for name in ["href", "src"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name).map(|i| i + from) {
            from = at + name.len();
            let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
            let rest = html[from..].trim_start();
            let Some(value) = rest.strip_prefix('=').map(str::trim_start) else {
                continue;
            };
            if !before_ok {
                continue;
            }
            let value = match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value
                    .split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or(""),
            };
            found.push((at, value.to_string()));
        }
    }
    found.sort();
    found
}

/// Checks every address of `links`, reporting each problem at every place
/// the address is used.
pub fn check(links: &[Link], options: &ExternalOptions) -> Checked {
    let mut kept: Kept = options
        .cache
        .as_deref()
        .and_then(load_versioned)
        .unwrap_or_default();
    let keep_for = options.keep_for.as_secs() as i64;
    kept.0
        .retain(|_, (when, _)| options.now - *when < keep_for && *when <= options.now);
    let mut addresses: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    addresses.sort_unstable();
    addresses.dedup();
    let to_ask: Vec<String> = addresses
        .iter()
        .filter(|a| !kept.0.contains_key(**a))
        .map(|a| a.to_string())
        .collect();
    let asked = ask_all(&to_ask, options);
    let mut checked = Checked {
        addresses: addresses.len(),
        asked: to_ask.len(),
        problems: Vec::new(),
    };
    let mut answers: HashMap<String, Answer> = kept
        .0
        .iter()
        .map(|(u, (_, a))| (u.clone(), a.clone()))
        .collect();
    for (url, answer) in asked {
        if answer.lasts() {
            kept.0.insert(url.clone(), (options.now, answer.clone()));
        }
        answers.insert(url, answer);
    }
    for link in links {
        if let Some(problem) = answers
            .get(&link.url)
            .and_then(|a| report(link, a, options))
        {
            checked.problems.push(problem);
        }
    }
    if let Some(cache) = &options.cache {
        // Best effort: without the file, the next check asks again.
        let _ = cache
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| save_versioned(cache, &kept));
    }
    checked
}

fn report(link: &Link, answer: &Answer, options: &ExternalOptions) -> Option<Diagnostic> {
    let at = Some(link.at.clone());
    let url = &link.url;
    Some(match answer {
        Answer::Fine => return None,
        Answer::Moved { to } => {
            Diagnostic::warning(at, format!("the link {url} redirects to {to}"))
                .with_help(format!("link to {to} directly"))
        }
        Answer::Broken { why } => {
            Diagnostic::error(at, format!("the link {url} leads nowhere: {why}"))
                .with_help("correct the address, or link to an archived copy of the page")
        }
        Answer::Unknown { why } => {
            Diagnostic::warning(at, format!("the link {url} could not be checked: {why}"))
                .with_help(format!(
                    "it is asked again at the next check (each link has {} s)",
                    options.timeout.as_secs()
                ))
        }
    })
}

/// The host part of an address, which the per-host limit counts by.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Work shared by the threads asking: addresses waiting, by host, and how
/// many requests each host has open.
struct Queue {
    waiting: Vec<(String, VecDeque<String>)>,
    open: HashMap<String, usize>,
    answers: Vec<(String, Answer)>,
}

/// Asks for every address, at most `workers` at once and `per_host` at
/// once to one host.
fn ask_all(addresses: &[String], options: &ExternalOptions) -> Vec<(String, Answer)> {
    if addresses.is_empty() {
        return Vec::new();
    }
    let mut by_host: Vec<(String, VecDeque<String>)> = Vec::new();
    for url in addresses {
        let host = host_of(url);
        match by_host.iter_mut().find(|(h, _)| *h == host) {
            Some((_, queue)) => queue.push_back(url.clone()),
            None => by_host.push((host, VecDeque::from([url.clone()]))),
        }
    }
    let queue = Mutex::new(Queue {
        waiting: by_host,
        open: HashMap::new(),
        answers: Vec::new(),
    });
    let changed = Condvar::new();
    let agent = agent(options);
    let per_host = options.per_host.max(1);
    std::thread::scope(|scope| {
        for _ in 0..options.workers.clamp(1, addresses.len()) {
            scope.spawn(|| {
                loop {
                    let mut q = queue.lock().expect("no thread panics holding it");
                    let (host, url) = loop {
                        let Queue { waiting, open, .. } = &mut *q;
                        let free = waiting.iter_mut().find(|(host, urls)| {
                            !urls.is_empty() && open.get(host).copied().unwrap_or(0) < per_host
                        });
                        if let Some((host, urls)) = free {
                            let url = urls.pop_front().expect("not empty");
                            *open.entry(host.clone()).or_default() += 1;
                            break (host.clone(), url);
                        }
                        if q.waiting.iter().all(|(_, urls)| urls.is_empty()) {
                            return;
                        }
                        q = changed.wait(q).expect("no thread panics holding it");
                    };
                    drop(q);
                    let answer = ask(&agent, &url, options);
                    let mut q = queue.lock().expect("no thread panics holding it");
                    *q.open.entry(host).or_default() -= 1;
                    q.answers.push((url, answer));
                    changed.notify_all();
                }
            });
        }
    });
    queue.into_inner().expect("every thread ended").answers
}

fn agent(options: &ExternalOptions) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(5)
        .save_redirect_history(true)
        .http_status_as_error(false)
        .user_agent(format!("digest/{} (link check)", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One request: GET, headers only.
fn ask(agent: &ureq::Agent, url: &str, options: &ExternalOptions) -> Answer {
    use ureq::ResponseExt;
    let response = match agent.get(url).header("Accept", "*/*").call() {
        Ok(response) => response,
        Err(err) => return failure(&err, options),
    };
    let status = response.status();
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("");
    let answers = format!("the server answers {code} {reason}")
        .trim_end()
        .to_string();
    match code {
        200..=299 => {
            let moved = response
                .get_redirect_history()
                .is_some_and(|history| history.len() > 1);
            match moved {
                true => Answer::Moved {
                    to: response.get_uri().to_string(),
                },
                false => Answer::Fine,
            }
        }
        401 | 403 | 408 | 425 | 429 | 500..=599 => Answer::Unknown { why: answers },
        _ => Answer::Broken { why: answers },
    }
}

fn failure(err: &ureq::Error, options: &ExternalOptions) -> Answer {
    let unknown = |why: String| Answer::Unknown { why };
    match err {
        ureq::Error::HostNotFound => Answer::Broken {
            why: "its host was not found".into(),
        },
        ureq::Error::TooManyRedirects => Answer::Broken {
            why: "it redirects more than 5 times".into(),
        },
        ureq::Error::Timeout(_) => unknown(format!(
            "it did not answer within {} s",
            options.timeout.as_secs()
        )),
        ureq::Error::ConnectionFailed => unknown("the connection failed".into()),
        ureq::Error::Io(io) => unknown(format!(
            "the connection failed: {}",
            crate::error::io_reason(io)
        )),
        other => unknown(other.to_string()),
    }
}

/// The outside links of every article in `articles`, reading their files
/// under the site's folder.
pub fn links_of_all(config: &Config, articles: &[std::sync::Arc<Article>]) -> Vec<Link> {
    let mut links = Vec::new();
    for article in articles {
        let Ok(bytes) = std::fs::read(config.root.join(&article.path)) else {
            continue;
        };
        if let Ok(text) = decode(&article.path, &bytes) {
            links.extend(links_of(config, article, &text));
        }
    }
    links
}

/// Where answers are kept for a site.
pub fn cache_file(root: &Path) -> PathBuf {
    root.join(".digest-cache").join("links.bin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_addresses_are_found() {
        let html = r#"<a class=x href="https://a.org/x">a</a><img data-src="no" src='http://b.org/y.png'><a href=https://c.org/z>"#;
        let urls: Vec<String> = attribute_urls(html).into_iter().map(|(_, u)| u).collect();
        assert_eq!(
            urls,
            ["https://a.org/x", "http://b.org/y.png", "https://c.org/z"]
        );
    }

    #[test]
    fn hosts_are_counted_without_case_or_path() {
        assert_eq!(host_of("https://Example.org:8080/a?b"), "example.org:8080");
    }

    #[test]
    fn kept_answers_expire_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("links.bin");
        let mut kept = Kept::default();
        let now = 1_000_000;
        kept.0
            .insert("http://127.0.0.1:9/fresh".into(), (now - 100, Answer::Fine));
        kept.0.insert(
            "http://127.0.0.1:9/stale".into(),
            (now - 90_000, Answer::Fine),
        );
        save_versioned(&cache, &kept).unwrap();
        let options = ExternalOptions {
            cache: Some(cache),
            now,
            timeout: Duration::from_secs(2),
            ..ExternalOptions::default()
        };
        let at = Location::new("a.md", 1, 1);
        let links = [
            Link {
                url: "http://127.0.0.1:9/fresh".into(),
                at: at.clone(),
            },
            Link {
                url: "http://127.0.0.1:9/stale".into(),
                at,
            },
        ];
        let checked = check(&links, &options);
        // Port 9 (discard) is closed: the stale address is asked and fails;
        // the fresh one is not asked at all.
        assert_eq!((checked.addresses, checked.asked), (2, 1));
        assert_eq!(checked.problems.len(), 1);
        assert!(
            checked.problems[0]
                .message
                .starts_with("the link http://127.0.0.1:9/stale could not be checked"),
            "{}",
            checked.problems[0].message
        );
    }
}
