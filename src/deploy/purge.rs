//! Telling a CDN what changed: the addresses whose content changed or
//! disappeared, printed, written with `--purge-list`, and sent to the
//! target's `purge:` webhook.
//!
//! New addresses are left out: no cache holds them yet, and CDNs count
//! (and some bill) every address purged.

use std::time::Duration;

use super::plan::{Change, Plan};
use crate::config::BaseUrl;
use crate::urls::Route;

/// The absolute addresses to purge, sorted: a page by its folder address
/// (`https://example.org/en/news/x/`), any other file by its own.
pub fn addresses(site: &super::LocalSite, plan: &Plan, base: &BaseUrl) -> Vec<String> {
    let changed = plan
        .uploads
        .iter()
        .filter(|(_, change)| *change == Change::Changed)
        .map(|(i, _)| site.files[*i].key.as_str());
    let gone = plan.deletes.iter().map(String::as_str);
    let mut urls: Vec<String> = changed.chain(gone).map(|key| address(key, base)).collect();
    urls.sort();
    urls.dedup();
    urls
}

/// The address a reader uses for the file `key`, encoded as the site's
/// own links are.
pub fn address(key: &str, base: &BaseUrl) -> String {
    let mut segments: Vec<&str> = key.split('/').collect();
    let name = segments.pop().unwrap_or_default();
    let route = if name == "index.html" {
        Route::dir(segments)
    } else {
        Route::file(segments, name)
    };
    route.permalink(base)
}

/// POSTs `{"target": …, "urls": […]}` to `hook`, retrying a failed
/// attempt twice with backoff.
pub async fn notify(hook: &str, target: &str, urls: &[String]) -> Result<(), String> {
    let body = serde_json::json!({ "target": target, "urls": urls }).to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("could not prepare the purge request: {e}"))?;
    let mut wait = Duration::from_millis(500);
    let mut last = String::new();
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep(wait).await;
            wait *= 4;
        }
        let sent = client
            .post(hook)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return Ok(()),
            Ok(response) if response.status().is_client_error() => {
                return Err(format!(
                    "the purge webhook {hook} answered {}",
                    response.status()
                ));
            }
            Ok(response) => {
                last = format!("the purge webhook {hook} answered {}", response.status())
            }
            Err(err) => last = format!("could not reach the purge webhook {hook}: {err}"),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_purged_by_their_folder_address() {
        let base = BaseUrl::parse("https://d.org/digest/").unwrap();
        assert_eq!(address("index.html", &base), "https://d.org/digest/");
        assert_eq!(
            address("en/news/x-y/index.html", &base),
            "https://d.org/digest/en/news/x-y/"
        );
        assert_eq!(
            address("en/atom.xml", &base),
            "https://d.org/digest/en/atom.xml"
        );
        assert_eq!(
            address("ar/tags/العراق/index.html", &base),
            "https://d.org/digest/ar/tags/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82/"
        );
    }
}
