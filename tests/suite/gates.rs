//! The theme's quality gates, on the example site and a generated site of
//! 1,000 stories in both editions, built once per test run and shared:
//!
//! - without tools: heading levels in order, the article page's weight
//!   (HTML + CSS gzipped, pictures aside), nothing requested from another
//!   host, the standfirst shown once;
//! - the Nu Html Checker (`vnu.jar`, with the machine's Java): no error and
//!   no warning on a sample of every page kind of both editions;
//! - in Chromium (over nginx): axe-core without violations on one page per
//!   kind, edition and colour scheme; every text's contrast (Arabic
//!   included, which axe skips) computed from its styles; no horizontal
//!   overflow at 360 px; on a phone, no text under 14 px, body text of
//!   17 px or more and tap targets of 44 × 44 px; the faces each language
//!   is set in.
//!
//! The page kinds are read from the pages themselves (`<body
//! class="page-…">`), over every page the sitemap lists plus the front door
//! and the 404 page, so a new kind of page is checked without a change
//! here. The tools come from `tests/tools/` (`npm ci --prefix tests/tools`,
//! as `.ci/run` does): without them these tests say they skip, unless
//! `DIGEST_REQUIRE_GATES` is set.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use headless_chrome::protocol::cdp::{CSS, DOM, Emulation};
use headless_chrome::{Browser, Tab};

use crate::common::browser::{self, chromium, eval};
use crate::common::nginx::{Nginx, nginx};
use crate::common::{CONFIG, Page, Site, file_of, repo};

/// One built site and its pages, by edition and kind.
struct Gated {
    name: &'static str,
    _site: Site,
    public: PathBuf,
    pages: Vec<GatePage>,
}

#[derive(Clone)]
struct GatePage {
    /// The file, relative to the site's root folder.
    file: String,
    /// Its address under the site's root (`/ar/news/x/`).
    href: String,
    lang: String,
    kind: String,
}

/// The generated site: [`CONFIG`] with the example's newsletter, menu and
/// pagination, so that it has every kind of page the example has but
/// author pages, at the size of a real archive.
fn generated_config() -> String {
    CONFIG.replace(
        "paginate: 3\nminify: false\n",
        "paginate: 10\nminify: true\n",
    ) + "related: 4
newsletter:
  group_by: section
  signup:
    url: https://digest.example.org/newsletter/subscribe
    field: email
    text:
      ar: اشترك في نشرتنا البريدية.
      en: Subscribe to our newsletter.
menu:
  ar: [news, analysis, tags]
  en: [news, analysis, tags]
"
}

fn sites() -> &'static [Gated] {
    static SITES: OnceLock<Vec<Gated>> = OnceLock::new();
    SITES.get_or_init(|| {
        let start = std::time::Instant::now();
        let example = Site::example();
        example.build();
        let big = Site::new().stories(1000);
        big.write("digest.yaml", &generated_config());
        let written = start.elapsed();
        big.build();
        eprintln!(
            "gates: sites written in {written:?}, built in {:?}",
            start.elapsed() - written
        );
        vec![gated("example", example), gated("generated", big)]
    })
}

fn gated(name: &'static str, site: Site) -> Gated {
    let public = site.path("public");
    let files = site.public();
    let sitemap = files.xml("sitemap.xml");
    let mut hrefs: Vec<String> = sitemap
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .map(|url| {
            let path = url.splitn(4, '/').nth(3).unwrap_or("");
            format!("/{path}")
        })
        .collect();
    hrefs.push("/".to_string());
    let mut pages: Vec<GatePage> = hrefs
        .into_iter()
        .map(|href| GatePage {
            file: file_of(&href),
            href,
            lang: String::new(),
            kind: String::new(),
        })
        .collect();
    pages.push(GatePage {
        file: "404.html".to_string(),
        href: "/404.html".to_string(),
        lang: String::new(),
        kind: String::new(),
    });
    for p in &mut pages {
        // Its language and kind are on <html> and <body>: the page up to
        // its body's start tag says them.
        let html = files.read(&p.file);
        let head = html
            .find("<body")
            .and_then(|at| html[at..].find('>').map(|end| at + end + 1));
        let page = Page::parse(&p.file, &html[..head.unwrap_or(html.len())]);
        p.lang = page.attr("html", "lang");
        p.kind = page
            .attr("body", "class")
            .split_whitespace()
            .find_map(|c| c.strip_prefix("page-"))
            .unwrap_or_else(|| panic!("{name}: {}: no page-… class on <body>", p.file))
            .to_string();
    }
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    pages.dedup_by(|a, b| a.file == b.file);
    Gated {
        name,
        _site: site,
        public,
        pages,
    }
}

impl Gated {
    /// The pages by edition and kind.
    fn by_kind(&self) -> BTreeMap<(String, String), Vec<&GatePage>> {
        let mut kinds: BTreeMap<(String, String), Vec<&GatePage>> = BTreeMap::new();
        for p in &self.pages {
            kinds
                .entry((p.lang.clone(), p.kind.clone()))
                .or_default()
                .push(p);
        }
        kinds
    }

    /// Up to `n` pages of each kind in each edition, spread over the list
    /// (its first and last among them); every page of the example site.
    fn sample(&self, n: usize) -> Vec<&GatePage> {
        if self.name == "example" {
            return self.pages.iter().collect();
        }
        let mut chosen = Vec::new();
        for pages in self.by_kind().into_values() {
            if pages.len() <= n {
                chosen.extend(pages);
            } else {
                let step = (pages.len() - 1) as f64 / (n - 1).max(1) as f64;
                let mut picked: Vec<usize> =
                    (0..n).map(|i| (i as f64 * step).round() as usize).collect();
                picked.dedup();
                chosen.extend(picked.into_iter().map(|i| pages[i]));
            }
        }
        chosen
    }

    fn html(&self, p: &GatePage) -> String {
        std::fs::read_to_string(self.public.join(&p.file)).unwrap()
    }
}

/// Whether a gate's tools must be there (CI) rather than skipped.
fn required() -> bool {
    std::env::var_os("DIGEST_REQUIRE_GATES").is_some()
}

/// A file installed by `npm ci --prefix tests/tools`, or `None` after
/// saying the test skips.
fn tool(test: &str, rel: &str) -> Option<PathBuf> {
    let path = repo().join("tests/tools/node_modules").join(rel);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{test}: {} is not installed (npm ci --prefix tests/tools)",
        path.display()
    );
    if required() {
        panic!("{why}; DIGEST_REQUIRE_GATES is set");
    }
    eprintln!("{why}: skipped");
    None
}

// ---------------------------------------------------------------------------
// Without tools

#[test]
fn headings_go_down_one_level_at_a_time_from_one_h1() {
    let mut problems = Vec::new();
    for site in sites() {
        for p in site.sample(6) {
            let page = Page::parse(&p.file, &site.html(p));
            let levels: Vec<usize> = page
                .select("h1, h2, h3, h4, h5, h6")
                .into_iter()
                .map(|h| h.value().name()[1..].parse().unwrap())
                .collect();
            if levels.first() != Some(&1) {
                problems.push(format!("{}: {}: starts at {levels:?}", site.name, p.file));
                continue;
            }
            if p.kind != "404" && levels.iter().filter(|l| **l == 1).count() != 1 {
                problems.push(format!("{}: {}: not one h1: {levels:?}", site.name, p.file));
            }
            for w in levels.windows(2) {
                if w[1] > w[0] + 1 {
                    problems.push(format!(
                        "{}: {}: h{} follows h{}",
                        site.name, p.file, w[1], w[0]
                    ));
                    break;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pages_ask_nothing_of_another_host() {
    // What a page loads by itself (styles, scripts, pictures, frames) comes
    // from the site; links a reader follows may go anywhere.
    let mut problems = Vec::new();
    for site in sites() {
        for p in site.sample(6) {
            let page = Page::parse(&p.file, &site.html(p));
            let loaded = page
                .select("link[rel~=stylesheet], link[rel~=preload], link[rel~=icon], link[rel~=modulepreload]")
                .into_iter()
                .filter_map(|e| e.value().attr("href"))
                .chain(
                    page.select("script[src], img[src], iframe[src], video[src], audio[src], source[src], embed[src], input[src]")
                        .into_iter()
                        .filter_map(|e| e.value().attr("src")),
                )
                .map(str::to_string)
                .chain(
                    page.select("img[srcset], source[srcset]")
                        .into_iter()
                        .filter_map(|e| e.value().attr("srcset"))
                        .flat_map(|s| {
                            s.split(',')
                                .filter_map(|c| c.split_whitespace().next())
                                .map(str::to_string)
                                .collect::<Vec<_>>()
                        }),
                )
                .collect::<Vec<_>>();
            for url in loaded {
                if url.contains("//") && !url.starts_with("https://digest.example.org/") {
                    problems.push(format!("{}: {}: loads {url}", site.name, p.file));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// HTML and the stylesheet, gzipped as a server sends them.
fn gzipped(bytes: &[u8]) -> usize {
    let mut child = Command::new("gzip")
        .arg("-6c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    child.wait_with_output().unwrap().stdout.len()
}

#[test]
fn an_article_page_weighs_at_most_14_kb_gzipped_with_its_stylesheet() {
    let mut heaviest = (0, String::new());
    for site in sites() {
        // The generated stories are alike: a sample of them stands for all.
        for p in site.sample(6).into_iter().filter(|p| p.kind == "article") {
            let html = site.html(p);
            let page = Page::parse(&p.file, &html);
            let css: usize = page
                .attrs("link[rel=stylesheet]", "href")
                .iter()
                .map(|href| gzipped(&std::fs::read(site.public.join(file_of(href))).unwrap()))
                .sum();
            let weight = gzipped(html.as_bytes()) + css;
            if weight > heaviest.0 {
                heaviest = (weight, format!("{}: {}", site.name, p.file));
            }
        }
    }
    eprintln!(
        "heaviest article page: {} bytes ({})",
        heaviest.0, heaviest.1
    );
    assert!(heaviest.0 > 0, "no article page");
    assert!(
        heaviest.0 <= 14 * 1024,
        "{} weighs {} bytes gzipped, over 14 KB",
        heaviest.1,
        heaviest.0
    );
}

// ---------------------------------------------------------------------------
// The Nu Html Checker

#[test]
fn every_page_kind_passes_the_nu_html_checker_without_warnings() {
    let test = "every_page_kind_passes_the_nu_html_checker_without_warnings";
    let Some(jar) = tool(test, "vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    if Command::new("java").arg("-version").output().is_err() {
        let why = format!("{test}: no java (apt-get install default-jre-headless)");
        assert!(!required(), "{why}; DIGEST_REQUIRE_GATES is set");
        eprintln!("{why}: skipped");
        return;
    }
    let mut files = Vec::new();
    for site in sites() {
        files.extend(
            site.sample(4)
                .into_iter()
                .map(|p| site.public.join(&p.file)),
        );
    }
    // One Java process for every page: the checker starts once.
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("java runs the checker");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "the checker's report is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let messages = report["messages"].as_array().unwrap();
    let problems: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] != "info" || m["subType"] == "warning")
        .map(|m| {
            format!(
                "{}:{}: {} {}",
                m["url"].as_str().unwrap_or(""),
                m["lastLine"],
                m["subType"]
                    .as_str()
                    .unwrap_or(m["type"].as_str().unwrap_or("")),
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    eprintln!(
        "Nu Html Checker: {} pages, {} errors or warnings",
        files.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// In Chromium

/// Chromium and a server for each site, or `None` when a test skips.
struct Bench {
    browser: Browser,
    servers: Vec<Nginx>,
}

fn bench(test: &str) -> Option<Bench> {
    // The sites first: a browser left idle while they build would close.
    let sites = sites();
    let browser = chromium(test)?;
    let mut servers = Vec::new();
    for site in sites {
        servers.push(nginx(test, &site.public, "/")?);
    }
    Some(Bench { browser, servers })
}

#[derive(Clone, Copy, Debug)]
enum Scheme {
    Light,
    Dark,
}

fn emulate(tab: &Tab, width: u32, scheme: Scheme) {
    browser::emulate(tab, width, 900, 1.0, width < 600);
    let value = match scheme {
        Scheme::Light => "light",
        Scheme::Dark => "dark",
    };
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![Emulation::MediaFeature {
            name: "prefers-color-scheme".to_string(),
            value: value.to_string(),
        }]),
    })
    .unwrap();
}

fn open(tab: &Tab, origin: &str, href: &str) {
    tab.navigate_to(&format!("{origin}{href}"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
}

/// Runs `check` on one page per kind and edition of each site, in each
/// scheme, at `width`; collects what it reports.
fn each_kind(
    bench: &Bench,
    width: u32,
    schemes: &[Scheme],
    mut check: impl FnMut(&Tab, &str) -> Vec<String>,
) -> Vec<String> {
    let tab = bench.browser.new_tab().unwrap();
    let mut problems = Vec::new();
    for (site, server) in sites().iter().zip(&bench.servers) {
        for pages in site.by_kind().into_values() {
            // The page with the most on it (the first of a list, a story
            // with related stories) stands for its kind.
            let p = pages
                .iter()
                .max_by_key(|p| std::fs::metadata(site.public.join(&p.file)).unwrap().len())
                .unwrap();
            for scheme in schemes {
                emulate(&tab, width, *scheme);
                open(&tab, &server.origin, &p.href);
                let at = format!("{} {} ({:?}, {width} px)", site.name, p.href, scheme);
                problems.extend(
                    check(&tab, &server.origin)
                        .into_iter()
                        .map(|m| format!("{at}: {m}")),
                );
            }
        }
    }
    problems
}

/// The list of strings a script returns (passed as JSON: Chromium hands
/// back objects by reference), waiting for it if it is a promise.
fn strings(tab: &Tab, expression: &str, promise: bool) -> Vec<String> {
    let wrapped = if promise {
        format!("({expression}).then(v => JSON.stringify(v))")
    } else {
        format!("JSON.stringify({expression})")
    };
    let value = tab
        .evaluate(&wrapped, promise)
        .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"))
        .value;
    let text = value
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{expression} returned {value:?}"));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{expression}: {e}: {text}"))
}

#[test]
fn axe_finds_no_violation_in_either_scheme() {
    let test = "axe_finds_no_violation_in_either_scheme";
    let Some(axe) = tool(test, "axe-core/axe.min.js") else {
        return;
    };
    let Some(bench) = bench(test) else {
        return;
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let mut pages = 0;
    let problems = each_kind(
        &bench,
        1280,
        &[Scheme::Light, Scheme::Dark],
        |tab, origin| {
            pages += 1;
            tab.evaluate(&axe, false).expect("axe loads");
            let run = "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.flatMap(v => v.nodes.map(n => v.id + ' (' + v.impact + '): ' + n.target.join(' ') + ' — ' + n.failureSummary)))";
            let mut found = strings(tab, run, true);
            // And nothing was fetched from another host.
            let script = format!(
                "performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('{origin}'))"
            );
            found.extend(
                strings(tab, &script, false)
                    .into_iter()
                    .map(|u| format!("requested {u}")),
            );
            found
        },
    );
    eprintln!("axe: {pages} page loads, {} violations", problems.len());
    assert!(pages > 20, "only {pages} pages checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// For every visible text: its colour against the background it is drawn
/// on (the first opaque one among its boxes), as WCAG computes contrast.
/// AA: 4.5 for text, 3 for large text (24 px, or 18.66 px bold).
const CONTRAST: &str = r#"(() => {
  const rgb = s => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none') return null;
      const c = rgb(s.backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a === 1) break; }
    }
    let c = { r: 255, g: 255, b: 255, a: 1 };
    for (const l of layers.reverse()) c = over(l, c);
    return c;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width <= 1 || r.height <= 1 || s.visibility === 'hidden' || el.closest('[aria-hidden=true]') && el.closest('.visually-hidden')) continue;
    if (el.closest('.visually-hidden')) continue;
    const bg = background(el);
    if (!bg) continue;
    const fg = over(rgb(s.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push(`${el.tagName.toLowerCase()}.${el.className} [${el.closest('[lang]').lang}] “${n.textContent.trim().slice(0, 30)}”: ${ratio.toFixed(2)} < ${need} (${s.color} on rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)}))`);
  }
  return out;
})()"#;

#[test]
fn every_text_arabic_included_has_aa_contrast_in_both_schemes() {
    let Some(bench) = bench("every_text_arabic_included_has_aa_contrast_in_both_schemes") else {
        return;
    };
    let mut arabic = 0;
    let mut probed = false;
    let problems = each_kind(&bench, 1280, &[Scheme::Light, Scheme::Dark], |tab, _| {
        arabic += eval(tab, "document.querySelectorAll(':lang(ar)').length")
            .as_u64()
            .unwrap();
        if !probed {
            // The check sees a grey Arabic line on grey, and only it.
            let before = strings(tab, CONTRAST, false);
            eval(
                tab,
                "document.querySelector('main').insertAdjacentHTML('beforeend', '<p id=probe lang=ar style=\"color:#8a8a8a;background:#a0a0a0\">نص باهت</p>')",
            );
            let after = strings(tab, CONTRAST, false);
            assert_eq!(after.len(), before.len() + 1, "{after:?}");
            assert!(after.iter().any(|m| m.contains("نص باهت")), "{after:?}");
            eval(tab, "document.getElementById('probe').remove()");
            probed = true;
        }
        strings(tab, CONTRAST, false)
    });
    assert!(arabic > 100, "hardly any Arabic text was checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_page_overflows_a_360_px_screen() {
    let Some(bench) = bench("no_page_overflows_a_360_px_screen") else {
        return;
    };
    let problems = each_kind(&bench, 360, &[Scheme::Light], |tab, _| {
        let width = eval(tab, "document.documentElement.scrollWidth")
            .as_u64()
            .unwrap();
        let wide = strings(
            tab,
            "[...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1) && !e.closest('.visually-hidden, .skip'); }).slice(0, 5).map(e => e.tagName + '.' + e.className)",
            false,
        );
        if width > 360 {
            vec![format!("{width} px wide: {wide:?}")]
        } else {
            Vec::new()
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// On a phone: text sizes and tap targets, and body text of 17 px or more.
const PHONE: &str = r#"(() => {
  const out = [];
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && r.bottom > 0 && !e.closest('.visually-hidden'); };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !visible(el) || el.closest('sup, sub')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) out.push(`${size} px text: ${el.tagName.toLowerCase()}.${el.className} “${n.textContent.trim().slice(0, 30)}”`);
  }
  for (const p of document.querySelectorAll('.body p')) {
    const size = parseFloat(getComputedStyle(p).fontSize);
    if (size < 17) out.push(`body text of ${size} px`);
  }
  // Links and controls, but those inside running text (a body, a byline).
  const running = '.body, .byline, .bio, .description, .excerpt, .corrections li, .summary, .signup > p:first-child';
  for (const e of document.querySelectorAll('a[href], button, summary, select, input:not([type=hidden])')) {
    if (!visible(e) || e.closest(running) || e.classList.contains('skip')) continue;
    const r = e.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) out.push(`tap target ${Math.round(r.width)} × ${Math.round(r.height)}: ${e.tagName.toLowerCase()}.${e.className} “${e.textContent.trim().slice(0, 30)}” in ${e.parentElement.className || e.parentElement.tagName}`);
  }
  return out;
})()"#;

#[test]
fn on_a_phone_text_is_14_px_or_more_and_tap_targets_44_px() {
    let Some(bench) = bench("on_a_phone_text_is_14_px_or_more_and_tap_targets_44_px") else {
        return;
    };
    let problems = each_kind(&bench, 390, &[Scheme::Light], |tab, _| {
        strings(tab, PHONE, false)
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The families Chromium drew an element's text with.
fn fonts(tab: &Tab, selector: &str) -> Vec<String> {
    let node = tab
        .find_element(selector)
        .unwrap_or_else(|e| panic!("{selector}: {e}"));
    let used = tab
        .call_method(CSS::GetPlatformFontsForNode {
            node_id: node.node_id,
        })
        .unwrap();
    used.fonts.into_iter().map(|f| f.family_name).collect()
}

#[test]
fn arabic_reads_in_naskh_with_headlines_in_the_display_face_and_latin_in_latin() {
    let test = "arabic_reads_in_naskh_with_headlines_in_the_display_face_and_latin_in_latin";
    let Some(bench) = bench(test) else {
        return;
    };
    let Some(noto) = ["/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"]
        .iter()
        .find(|p| Path::new(p).exists())
    else {
        assert!(!required(), "{test}: fonts-noto-core is not installed");
        eprintln!("{test}: skipped: no Noto fonts (apt-get install fonts-noto-core)");
        return;
    };
    let _ = noto;
    let tab = bench.browser.new_tab().unwrap();
    tab.call_method(DOM::Enable {
        include_whitespace: None,
    })
    .unwrap();
    tab.call_method(CSS::Enable(None)).unwrap();
    let origin = &bench.servers[0].origin;
    emulate(&tab, 390, Scheme::Light);
    open(&tab, origin, "/ar/news/kadhimi-biden-fourth-round/");
    // Arabic letters in the faces meant for them; quotes and digits in the
    // Latin face of the same stack (Noto Serif, Noto Sans here).
    let only = |selector: &str, arabic: &str, latin: &str| {
        let used = fonts(&tab, selector);
        assert!(used.iter().any(|f| f == arabic), "{selector}: {used:?}");
        assert!(
            used.iter().all(|f| f == arabic || f == latin),
            "{selector}: {used:?}"
        );
    };
    only(".body p", "Noto Naskh Arabic", "Noto Serif");
    only(".standfirst", "Noto Naskh Arabic", "Noto Serif");
    only(".story-head h1", "Noto Sans Arabic", "Noto Sans");
    only(".primary a", "Noto Sans Arabic", "Noto Sans");
    // English inside the Arabic page is set in the Latin faces.
    for latin in fonts(&tab, ".translation a") {
        assert!(
            !latin.contains("Arabic") && latin != "DejaVu Sans",
            "{latin}"
        );
    }
    let number = |js: &str| eval(&tab, js).as_f64().unwrap();
    let style = |sel: &str, prop: &str| {
        number(&format!(
            "parseFloat(getComputedStyle(document.querySelector('{sel}')).{prop})"
        ))
    };
    assert!(style(".body p", "lineHeight") / style(".body p", "fontSize") >= 1.7);
    assert!(style(".story-head h1", "lineHeight") / style(".story-head h1", "fontSize") >= 1.3);
    assert!(style(".body p", "fontSize") >= 17.0);
    // The standfirst stands above the body: larger and bolder.
    assert!(style(".standfirst", "fontSize") > style(".body p", "fontSize"));
    assert!(style(".standfirst", "fontWeight") > style(".body p", "fontWeight"));
}

#[test]
fn a_summary_that_repeats_the_first_paragraph_is_shown_once() {
    let f = Site::new();
    f.story(
        crate::common::Story::new("news/talks", "2021-07-26")
            .ar("جولة رابعة")
            .front("summary: التقى الكاظمي بايدن في واشنطن.\n")
            .body("التقى الكاظمي بايدن في واشنطن.\n\nواتفقا على الانسحاب.")
            .en("A fourth round")
            .front("summary: The talks ended with a deal.\n")
            .body("Al-Kadhimi met Biden in Washington.\n\nThey agreed."),
    );
    let built = f.build();
    let ar = built.page("ar/news/talks/index.html");
    assert_eq!(ar.count(".standfirst"), 0);
    assert_eq!(ar.texts(".body p")[0], "التقى الكاظمي بايدن في واشنطن.");
    let en = built.page("en/news/talks/index.html");
    assert_eq!(en.text(".standfirst"), "The talks ended with a deal.");
}

#[test]
fn print_keeps_the_story_its_byline_date_and_address_and_motion_can_be_turned_off() {
    let Some(bench) =
        bench("print_keeps_the_story_its_byline_date_and_address_and_motion_can_be_turned_off")
    else {
        return;
    };
    let tab = bench.browser.new_tab().unwrap();
    let origin = &bench.servers[0].origin;
    emulate(&tab, 1280, Scheme::Dark);
    let display = |selector: &str| {
        eval(
            &tab,
            &format!("getComputedStyle(document.querySelector('{selector}')).display"),
        )
    };
    let href = "/en/news/us-combat-role-ends/";
    open(&tab, origin, href);
    // On screen, in the dark: the scheme is declared, the paper is dark.
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.documentElement).colorScheme"
        ),
        "light dark"
    );
    assert_eq!(
        eval(&tab, "getComputedStyle(document.body).backgroundColor"),
        "rgb(18, 20, 23)"
    );
    assert_eq!(display(".print-address"), "none");
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".to_string()),
        features: None,
    })
    .unwrap();
    for kept in [
        ".story-head h1",
        ".byline",
        ".byline time",
        ".body",
        ".print-address",
    ] {
        assert_ne!(display(kept), "none", "{kept} is printed");
    }
    for left in [".masthead nav", ".colophon", ".related", ".signup"] {
        assert_eq!(display(left), "none", "{left} is not printed");
    }
    assert_eq!(
        eval(&tab, "document.querySelector('.print-address').textContent"),
        format!("https://digest.example.org{href}")
    );
    assert_eq!(
        eval(&tab, "getComputedStyle(document.body).backgroundColor"),
        "rgb(255, 255, 255)"
    );
    // Motion: transitions when the reader has no preference, none when
    // they ask for less.
    let transition = || {
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.topics a')).transitionDuration",
        )
    };
    for (preference, expected) in [("no-preference", "0.15s"), ("reduce", "0s")] {
        tab.call_method(Emulation::SetEmulatedMedia {
            media: None,
            features: Some(vec![Emulation::MediaFeature {
                name: "prefers-reduced-motion".to_string(),
                value: preference.to_string(),
            }]),
        })
        .unwrap();
        assert!(
            transition().as_str().unwrap().starts_with(expected),
            "{preference}: {}",
            transition()
        );
    }
}
