//! The built site on a real static web server: nginx serves `public/`, a
//! crawler starts at `/` and follows every internal link and asset — page
//! links, stylesheets, images, canonical and hreflang links, feeds, the
//! sitemap and robots.txt — and every one must be there, at the root of a
//! host and under a sub-path.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

use url::Url;

use crate::common::nginx::{Nginx, nginx};
use crate::common::pictures;
use crate::common::{Site, Story};

/// One link to check, and the page it was found on.
struct Link {
    url: Url,
    from: String,
}

/// Walks a served site from its home, like a reader's browser, a feed
/// reader and a search engine together.
struct Crawler {
    agent: ureq::Agent,
    server: Url,
    /// The site's configured address: absolute links to it are internal.
    site: Url,
    queue: VecDeque<Link>,
    seen: HashSet<String>,
    /// Element ids per HTML page, for `#fragment` links.
    ids: HashMap<String, HashSet<String>>,
    fragments: Vec<(String, String, String)>,
    /// The MIME type each fetched address was served as.
    served_as: HashMap<String, String>,
    /// Addresses that must be served as a type (a stylesheet as CSS).
    expected: Vec<(String, &'static str, String)>,
    failures: Vec<String>,
}

impl Crawler {
    fn new(server: &Nginx, mount: &str, site: &str) -> Crawler {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        Crawler {
            agent: ureq::Agent::new_with_config(config),
            server: Url::parse(&server.origin).unwrap().join(mount).unwrap(),
            site: Url::parse(site).unwrap(),
            queue: VecDeque::new(),
            seen: HashSet::new(),
            ids: HashMap::new(),
            fragments: Vec::new(),
            served_as: HashMap::new(),
            expected: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// A link as found on `base`: internal links are turned into addresses
    /// on the test server; external ones (other sites, `mailto:`) are left.
    fn internal(&self, base: &Url, link: &str) -> Option<Url> {
        let mut url = base.join(link.trim()).ok()?;
        if url.origin() == self.site.origin() {
            let path = url.path().to_string();
            url = self.server.join(&path).unwrap();
        }
        (url.origin() == self.server.origin()).then_some(url)
    }

    fn push(&mut self, base: &Url, link: &str, from: &str, expect: Option<&'static str>) {
        let Some(mut url) = self.internal(base, link) else {
            return;
        };
        if link.starts_with('#') {
            // Within the page itself: only the fragment needs checking.
            let fragment = url.fragment().unwrap_or_default().to_string();
            if !fragment.is_empty() {
                self.fragments
                    .push((url.path().to_string(), fragment, from.to_string()));
            }
            return;
        }
        if let Some(fragment) = url.fragment().filter(|f| !f.is_empty()) {
            self.fragments.push((
                url.path().to_string(),
                fragment.to_string(),
                from.to_string(),
            ));
        }
        url.set_fragment(None);
        url.set_query(None);
        if let Some(expect) = expect {
            self.expected
                .push((url.path().to_string(), expect, from.to_string()));
        }
        self.queue.push_back(Link {
            url,
            from: from.to_string(),
        });
    }

    /// Fetches everything reachable from the queued links.
    fn run(&mut self) {
        while let Some(link) = self.queue.pop_front() {
            let path = link.url.path().to_string();
            if !self.seen.insert(path.clone()) {
                continue;
            }
            let (status, kind, body) = self.get(&link.url);
            if status != 200 {
                self.failures
                    .push(format!("{path}: HTTP {status} (linked from {})", link.from));
                continue;
            }
            self.served_as.insert(path, kind.clone());
            self.follow(&link.url, &kind, &body);
        }
    }

    fn get(&self, url: &Url) -> (u16, String, Vec<u8>) {
        let mut response = self
            .agent
            .get(url.as_str())
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response
            .body_mut()
            .with_config()
            .limit(50 << 20)
            .read_to_vec()
            .unwrap_or_else(|e| panic!("reading {url}: {e}"));
        (status, kind, body)
    }

    /// Queues every link of a fetched file.
    fn follow(&mut self, url: &Url, kind: &str, body: &[u8]) {
        let text = String::from_utf8_lossy(body);
        let path = url.path().to_string();
        if kind.starts_with("text/html") {
            self.follow_html(url, &text);
        } else if path.ends_with(".xml") {
            self.follow_xml(url, &text);
        } else if path.ends_with(".json") {
            self.follow_json(url, &text);
        } else if path.ends_with("robots.txt") {
            for line in text.lines() {
                if let Some(sitemap) = line.strip_prefix("Sitemap:") {
                    self.push(url, sitemap, &path, None);
                }
            }
        } else if path.ends_with(".css") {
            for piece in text.split("url(").skip(1) {
                let target = piece.split(')').next().unwrap_or("");
                let target = target.trim_matches(['"', '\'', ' ']);
                if !target.starts_with("data:") {
                    self.push(url, target, &path, None);
                }
            }
        }
    }

    fn follow_html(&mut self, url: &Url, text: &str) {
        let path = url.path().to_string();
        let html = scraper::Html::parse_document(text);
        let select = |css: &str| scraper::Selector::parse(css).unwrap();
        let ids: HashSet<String> = html
            .select(&select("[id], a[name]"))
            .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
            .map(str::to_string)
            .collect();
        self.ids.insert(path.clone(), ids);
        for (css, attr) in [
            ("a[href]", "href"),
            ("area[href]", "href"),
            ("link[href]", "href"),
            ("img[src]", "src"),
            ("script[src]", "src"),
            ("source[src]", "src"),
            ("video[src]", "src"),
            ("audio[src]", "src"),
            ("iframe[src]", "src"),
            ("video[poster]", "poster"),
            ("meta[property='og:url']", "content"),
            ("meta[property='og:image']", "content"),
            ("meta[name='twitter:image']", "content"),
        ] {
            for element in html.select(&select(css)) {
                let value = element.value().attr(attr).unwrap_or_default();
                let stylesheet = element.value().name() == "link"
                    && element.value().attr("rel") == Some("stylesheet");
                let expect = stylesheet.then_some("text/css");
                self.push(url, value, &path, expect);
            }
        }
        for element in html.select(&select("img[srcset], source[srcset]")) {
            for candidate in element.value().attr("srcset").unwrap_or("").split(',') {
                let target = candidate.split_whitespace().next().unwrap_or("");
                self.push(url, target, &path, None);
            }
        }
        for script in html.select(&select("script[type='application/ld+json']")) {
            let json: String = script.text().collect();
            match serde_json::from_str::<serde_json::Value>(&json) {
                Ok(value) => {
                    let mut urls = Vec::new();
                    json_urls(&value, &mut urls);
                    for u in urls {
                        self.push(url, &u, &path, None);
                    }
                }
                Err(e) => self
                    .failures
                    .push(format!("{path}: JSON-LD does not parse: {e}")),
            }
        }
    }

    fn follow_xml(&mut self, url: &Url, text: &str) {
        let path = url.path().to_string();
        let doc = match roxmltree::Document::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                self.failures
                    .push(format!("{path}: not well-formed XML: {e}"));
                return;
            }
        };
        for node in doc.descendants().filter(|n| n.is_element()) {
            match node.tag_name().name() {
                "loc" => self.push(url, node.text().unwrap_or(""), &path, None),
                "link" => self.push(url, node.attribute("href").unwrap_or(""), &path, None),
                // Atom content is HTML: its links count too, read against
                // the content's xml:base.
                "content" if node.attribute("type") == Some("html") => {
                    let base = node
                        .attribute(("http://www.w3.org/XML/1998/namespace", "base"))
                        .and_then(|b| url.join(b).ok())
                        .unwrap_or_else(|| url.clone());
                    self.follow_fragment(&base, node.text().unwrap_or(""), &path);
                }
                _ => {}
            }
        }
    }

    fn follow_json(&mut self, url: &Url, text: &str) {
        let path = url.path().to_string();
        let feed: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                self.failures.push(format!("{path}: not JSON: {e}"));
                return;
            }
        };
        for key in ["home_page_url", "feed_url"] {
            if let Some(u) = feed[key].as_str() {
                self.push(url, u, &path, None);
            }
        }
        for item in feed["items"].as_array().into_iter().flatten() {
            let page = item["url"].as_str().unwrap_or("");
            self.push(url, page, &path, None);
            if let Some(image) = item["image"].as_str() {
                self.push(url, image, &path, None);
            }
            let base = url.join(page).unwrap_or_else(|_| url.clone());
            self.follow_fragment(&base, item["content_html"].as_str().unwrap_or(""), &path);
        }
    }

    /// Links inside an HTML fragment (feed content).
    fn follow_fragment(&mut self, base: &Url, html: &str, from: &str) {
        let fragment = scraper::Html::parse_fragment(html);
        let select = scraper::Selector::parse("a[href], img[src]").unwrap();
        for element in fragment.select(&select) {
            let value = element
                .value()
                .attr("href")
                .or_else(|| element.value().attr("src"))
                .unwrap_or_default();
            // A footnote link inside a feed entry points into the entry.
            if !value.starts_with('#') {
                self.push(base, value, from, None);
            }
        }
    }

    /// Files served as another type than their links need.
    fn check_types(&mut self) {
        for (path, expect, from) in &self.expected {
            match self.served_as.get(path) {
                Some(kind) if !kind.starts_with(expect) => self.failures.push(format!(
                    "{path}: served as `{kind}`, but {from} uses it as {expect}"
                )),
                _ => {}
            }
        }
    }

    /// `#fragment` links whose target page has no such id.
    fn check_fragments(&mut self) {
        for (path, fragment, from) in &self.fragments {
            let decoded = percent_encoding::percent_decode_str(fragment)
                .decode_utf8_lossy()
                .into_owned();
            match self.ids.get(path) {
                Some(ids) if !ids.contains(&decoded) => self.failures.push(format!(
                    "{from}: links to {path}#{fragment}, which has no such id"
                )),
                _ => {}
            }
        }
    }
}

/// Every string in JSON-LD that is an http(s) address.
fn json_urls(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
            out.push(s.clone())
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_urls(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_urls(v, out)),
        _ => {}
    }
}

/// Builds nothing: serves `fixture`'s `public/` at `mount`, crawls it from
/// the home page and returns what failed. `site` is the base URL the site
/// was built for.
fn crawl(test: &str, fixture: &Site, mount: &str, site: &str) -> Option<Vec<String>> {
    let server = nginx(test, &fixture.path("public"), mount)?;
    let public = fixture.public();
    let mut crawler = Crawler::new(&server, mount, site);
    let home = crawler.server.clone();
    crawler.push(&home, "", "the start", None);
    crawler.push(&home, "robots.txt", "the start", None);
    crawler.run();
    // A missing page gets the site's 404 page, whose links must work from
    // any depth.
    let missing = home.join("no/such/page/").unwrap();
    let (status, kind, body) = crawler.get(&missing);
    if status != 404 || body != public.bytes("404.html") {
        crawler.failures.push(format!(
            "{}: HTTP {status}, expected the site's 404.html",
            missing.path()
        ));
    }
    // That is how readers reach 404.html; no page links it.
    crawler
        .seen
        .insert(home.join("404.html").unwrap().path().to_string());
    crawler.follow(&missing, &kind, &body);
    crawler.run();
    crawler.check_fragments();
    crawler.check_types();
    // Every file of the site must be reachable by links from the home page,
    // but for the search indexes, whose pieces the search page's script
    // fetches as queries need them: those must be served as they are.
    let visited: BTreeSet<String> = crawler.seen.iter().cloned().collect();
    for file in public.paths() {
        let rel = file.strip_suffix("index.html").unwrap_or(file);
        let url = home.join(rel).unwrap();
        if file.starts_with("pagefind/") {
            let (status, _, body) = crawler.get(&url);
            if status != 200 || body != public.bytes(file) {
                crawler
                    .failures
                    .push(format!("{}: HTTP {status}, not the file built", url.path()));
            }
            continue;
        }
        if !visited.contains(url.path()) {
            crawler
                .failures
                .push(format!("{}: no link leads to it", url.path()));
        }
    }
    let mut failures = crawler.failures;
    failures.sort();
    failures.dedup();
    if !failures.is_empty() {
        failures.push(format!("nginx log:\n{}", server.log()));
    }
    eprintln!("{test}: crawled {} addresses", crawler.seen.len());
    Some(failures)
}

/// Crawls `fixture` served under `mount` (built for `site`) and fails on
/// any broken link or asset; skips as [`crawl`] does without nginx.
fn assert_no_broken_link(test: &str, fixture: &Site, mount: &str, site: &str) {
    if let Some(failures) = crawl(test, fixture, mount, site) {
        assert!(
            failures.is_empty(),
            "broken links or assets:\n{}",
            failures.join("\n")
        );
    }
}

#[test]
fn the_example_site_has_no_broken_link_at_the_root_of_a_host() {
    // The example site as built, served at /: nothing it links to is missing.
    let site = Site::example();
    site.build();
    assert_no_broken_link(
        "the_example_site_has_no_broken_link_at_the_root_of_a_host",
        &site,
        "/",
        "https://digest.example.org/",
    );
}

/// The example site, paginated by three, with an illustrated story: a lead
/// picture and a picture in the body next to the article, root-relative
/// links in Markdown and in raw HTML, a PDF, and an Arabic-only topic with
/// an Arabic address.
fn illustrated_example() -> Site {
    let site = Site::example();
    site.edit("digest.yaml", |c| c.replace("paginate: 10", "paginate: 3"));
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"3\"/>\n";
    site.write("content/news/baghdad-map.svg", svg);
    site.write("content/news/convoy.svg", svg);
    site.write("content/files/dialogue-statement.pdf", "%PDF-1.4\n");
    site.story(Story::new("news/convoy-crosses-border", "2021-12-13T08:00:00+03:00").en("A convoy crosses into Syria").front("summary: The last combat units leave.\nimage: { src: convoy.svg, alt: A convoy on a desert road }\ntags: [iraq]\n").body("![Map of Baghdad](baghdad-map.svg)\n\nSee [the English edition](/en/), [the statement](/files/dialogue-statement.pdf) and [an earlier story](../us-combat-role-ends/).\n\n<p>Also <a href=\"/ar/\">in Arabic</a>, with <img src=\"convoy.svg\" alt=\"\">.</p>").ar("رتل يعبر إلى سوريا").front("image: { src: /news/convoy.svg, alt: رتل على طريق صحراوي }\ntags: [العراق, الحدود السورية]\n").body("![خريطة بغداد](baghdad-map.svg)\n\nانظر [النسخة العربية](/ar/)."));
    // Photographs, published in widths (an Arabic file name among them),
    // and a video: every version and the embed script must be reachable.
    site.write_bytes(
        "content/news/الموصل.jpg",
        &pictures::camera_jpeg(700, 500, 1),
    );
    site.write_bytes(
        "content/news/chart.png",
        &pictures::png_with_alpha(300, 200),
    );
    site.story(
        Story::new("news/mosul-rebuilds", "2021-12-12T08:00:00+03:00")
            .en("Mosul rebuilds")
            .front("image: { src: الموصل.jpg, alt: Cranes, caption: The old city, credit: Jane Arraf }\ntags: [iraq]\n")
            .body("![Prices](chart.png \"Prices since 2017\")\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n"),
    );
    site
}

#[test]
fn an_illustrated_site_has_no_broken_link_at_the_root_of_a_host() {
    // Pictures, files, Arabic addresses and pagination all resolve at /.
    let site = illustrated_example();
    site.build();
    assert_no_broken_link(
        "an_illustrated_site_has_no_broken_link_at_the_root_of_a_host",
        &site,
        "/",
        "https://digest.example.org/",
    );
}

#[test]
fn the_example_site_has_no_broken_link_under_a_sub_path() {
    // Built for https://digest.example.org/digest/ and served under /digest/:
    // every link, asset, feed, canonical, hreflang and sitemap address
    // carries the sub-path.
    let site = Site::example();
    site.build_at("https://digest.example.org/digest/");
    assert_no_broken_link(
        "the_example_site_has_no_broken_link_under_a_sub_path",
        &site,
        "/digest/",
        "https://digest.example.org/digest/",
    );
}

#[test]
fn an_illustrated_site_has_no_broken_link_under_a_sub_path() {
    // Pictures (lead and in the body), Markdown root-relative links, files
    // and Arabic addresses all carry the sub-path.
    let site = illustrated_example();
    site.build_at("https://digest.example.org/digest/");
    assert_no_broken_link(
        "an_illustrated_site_has_no_broken_link_under_a_sub_path",
        &site,
        "/digest/",
        "https://digest.example.org/digest/",
    );
}

#[test]
fn a_site_built_for_the_root_breaks_under_a_sub_path() {
    // The crawler notices links that leave the sub-path: a site built for /
    // but served under /digest/ is reported broken.
    let site = Site::example();
    site.build();
    let Some(failures) = crawl(
        "a_site_built_for_the_root_breaks_under_a_sub_path",
        &site,
        "/digest/",
        "https://digest.example.org/",
    ) else {
        return;
    };
    assert!(
        failures
            .iter()
            .any(|f| f.starts_with("/style.") && f.contains("HTTP 404")),
        "{failures:#?}"
    );
}
