//! Scheduled stories and previews: a story dated after the build's clock
//! (read in the site's time zone) is published nowhere until its time, the
//! build says what it held back and when to build again, and incremental
//! builds notice that time passed with no file changed. Drafts (`--drafts`)
//! and scheduled stories (`--future`, `digest serve`) are shown as marked
//! previews: a banner, `noindex`, in no feed and no sitemap.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use digest::BuildOptions;
use digest::dates::Moment;

/// The embargoed story's time, and the clock before and at it.
const DUE: &str = "2026-12-05T10:00";
const BEFORE: &str = "2026-12-01T09:00";

fn at(time: &str) -> Option<Moment> {
    Some(Moment::parse(time).unwrap())
}

/// A site in Baghdad's time zone: a published story in both editions, and
/// an Arabic story embargoed until 5 December 10:00 whose English version
/// is already out, sharing the topic Iraq.
fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "digest.yaml",
        &format!("{}timezone: Asia/Baghdad\n", common::CONFIG),
    );
    for (lang, title) in [("ar", "الانسحاب"), ("en", "The withdrawal")] {
        f.article(
            &format!("news/withdrawal.{lang}.md"),
            title,
            "2026-11-30",
            "tags: [iraq, us-forces]\n",
            "Text.",
        );
    }
    f.article(
        "news/embargo.ar.md",
        "خبر محظور النشر",
        DUE,
        "tags: [iraq, us-forces]\n",
        "نص الخبر.",
    );
    f.article(
        "news/embargo.en.md",
        "The embargoed story, in English",
        "2026-11-29",
        "tags: [iraq]\n",
        "Text.",
    );
    f
}

fn options(f: &Fixture, now: &str) -> BuildOptions {
    BuildOptions {
        now: at(now),
        ..f.options()
    }
}

fn build(f: &Fixture, options: &BuildOptions) -> digest::BuildReport {
    digest::build_to_dir(options, &f.path("public"))
        .unwrap_or_else(|e| panic!("the build failed:\n{e}"))
}

/// The site as a cold build (no cache, fresh output) makes it.
fn cold(f: &Fixture, options: &BuildOptions) -> BTreeMap<String, Vec<u8>> {
    let output = f.path("cold");
    if output.exists() {
        std::fs::remove_dir_all(&output).unwrap();
    }
    let options = BuildOptions {
        force: true,
        ..options.clone()
    };
    digest::build_to_dir(&options, &output).unwrap_or_else(|e| panic!("cold build failed:\n{e}"));
    f.snapshot("cold")
}

/// Every file of the published site that mentions `needle` (bytes).
fn mentioning(f: &Fixture, needle: &str) -> Vec<String> {
    f.snapshot("public")
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

/// The article addresses of a feed's entries.
fn feed_links(f: &Fixture, feed: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&f.read(&format!("public/{feed}"))).unwrap();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect()
}

fn sitemap_urls(f: &Fixture) -> Vec<String> {
    let xml = f.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn a_scheduled_story_is_published_nowhere_until_its_time_then_everywhere() {
    // Before its time the story has no page, no card, no archive, no feed
    // entry, no sitemap entry, no related link, and its translation's
    // switcher says it is not out; at its time it is everywhere, and the
    // incremental build is the cold build of that moment, byte for byte.
    let f = site();
    let report = build(&f, &options(&f, BEFORE));
    assert_eq!(
        report
            .scheduled
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(
            "1 story scheduled; the next, content/news/embargo.ar.md, at 5 December 2026 10:00 (Asia/Baghdad)"
        )
    );
    assert!(!f.exists("public/ar/news/embargo/index.html"));
    assert!(
        !f.exists("public/ar/2026/12/index.html"),
        "no archive for its month"
    );
    assert_eq!(mentioning(&f, "خبر محظور النشر"), Vec::<String>::new());
    assert_eq!(mentioning(&f, "/ar/news/embargo/"), Vec::<String>::new());
    let english = f.page("en/news/embargo/index.html");
    let arabic = english
        .switcher()
        .into_iter()
        .find(|s| s.lang == "ar")
        .unwrap();
    assert_eq!(
        (arabic.class.as_str(), arabic.href.as_str()),
        ("untranslated", "/ar/")
    );
    assert!(!english.alternates().contains_key("ar"));

    let report = build(&f, &options(&f, DUE));
    assert_eq!(report.scheduled, None);
    let page = f.page("ar/news/embargo/index.html");
    assert_eq!(page.text("h1"), "خبر محظور النشر");
    assert_eq!(page.count(".preview-banner"), 0);
    assert!(
        feed_links(&f, "ar/feed.json")
            .contains(&"https://digest.example.org/ar/news/embargo/".to_string())
    );
    assert!(sitemap_urls(&f).contains(&"https://digest.example.org/ar/news/embargo/".to_string()));
    assert!(f.exists("public/ar/2026/12/index.html"));
    assert!(
        f.page("ar/index.html")
            .attrs(".card-title a", "href")
            .contains(&"/ar/news/embargo/".to_string())
    );
    assert!(
        f.page("ar/news/withdrawal/index.html")
            .attrs(".related .card-title a", "href")
            .contains(&"/ar/news/embargo/".to_string()),
        "a related story now"
    );
    let english = f.page("en/news/embargo/index.html");
    assert_eq!(
        english.alternates()["ar"],
        "https://digest.example.org/ar/news/embargo/"
    );
    assert_eq!(f.snapshot("public"), cold(&f, &options(&f, DUE)));
}

#[test]
fn the_build_says_how_many_are_scheduled_and_when_the_next_is_due() {
    // `digest build` prints the count and the next story's file and time
    // on the site's clock: when to build again.
    let f = site();
    f.article(
        "news/later.ar.md",
        "لاحقا",
        "2026-12-24T08:30",
        "tags: [iraq]\n",
        "نص.",
    );
    let out = f.run(&["build", "--now", BEFORE]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.last().copied(),
        Some(
            "2 stories scheduled; the next, content/news/embargo.ar.md, at 5 December 2026 10:00 (Asia/Baghdad)"
        ),
        "{stdout}"
    );
    // An offset gives an exact time: 07:00 UTC is 10:00 in Baghdad.
    let out = f.run(&["build", "--now", "2026-12-05T07:00:00Z"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.ends_with("1 story scheduled; the next, content/news/later.ar.md, at 24 December 2026 08:30 (Asia/Baghdad)\n"),
        "{stdout}"
    );
    // --quiet prints errors only.
    let out = f.run(&["build", "--quiet", "--now", BEFORE]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn the_clock_is_read_in_the_site_time_zone() {
    // A minute before 10:00 in Baghdad the story is held back; at 10:00 it is out.
    let f = site();
    build(&f, &options(&f, "2026-12-05T09:59"));
    assert!(!f.exists("public/ar/news/embargo/index.html"));
    build(&f, &options(&f, "2026-12-05T10:00"));
    assert!(f.exists("public/ar/news/embargo/index.html"));
}

#[test]
fn a_time_digest_cannot_read_is_refused_by_the_command_line() {
    // `--now` takes the form the help gives, and says so.
    let f = site();
    let out = f.run(&["build", "--now", "5/12/2026"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("invalid value '5/12/2026' for '--now <TIME>': `5/12/2026` is not a time digest can read: write YYYY-MM-DDTHH:MM, e.g. 2026-12-05T10:00 (read in the site's time zone), or add an offset such as +03:00"),
        "{stderr}"
    );
}

#[test]
fn future_previews_scheduled_stories_marked_noindex_and_in_no_feed_or_sitemap() {
    // `--future` shows the embargoed story, with a banner in its edition's
    // language, `noindex`, a mark on its cards, and nowhere a reader's
    // feed or a search engine's sitemap would take it from.
    let f = site();
    let report = build(
        &f,
        &BuildOptions {
            future: true,
            ..options(&f, BEFORE)
        },
    );
    assert!(report.scheduled.is_some());
    let page = f.page("ar/news/embargo/index.html");
    assert_eq!(
        page.text(".preview-banner"),
        "مجدول للنشر في 5 كانون الأول 2026، الساعة 10:00 ص"
    );
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
    assert_eq!(page.canonical(), None);
    let card = f.page("ar/index.html");
    let marked: Vec<String> = card.texts(".card .preview-badge");
    assert_eq!(marked, ["مجدول"]);
    for feed in ["ar/feed.json", "ar/tags/iraq/atom.xml", "ar/atom.xml"] {
        assert!(
            !f.read(&format!("public/{feed}"))
                .contains("/ar/news/embargo/"),
            "{feed}"
        );
    }
    assert!(!sitemap_urls(&f).contains(&"https://digest.example.org/ar/news/embargo/".to_string()));
    assert!(
        !f.read("public/sitemap.xml").contains("/ar/news/embargo/"),
        "nor as the English story's alternate"
    );
    let published = f.page("ar/news/withdrawal/index.html");
    assert_eq!(published.count(".preview-banner"), 0);
    assert!(published.canonical().is_some());
}

#[test]
fn drafts_preview_with_a_banner_in_their_edition_s_language() {
    // `--drafts` shows drafts marked as drafts; without it they are nowhere.
    let f = site();
    for (lang, title) in [("ar", "مسودة"), ("en", "A draft")] {
        f.article(
            &format!("news/draft.{lang}.md"),
            title,
            "2026-11-28",
            "draft: true\ntags: [iraq]\n",
            "Text.",
        );
    }
    build(&f, &options(&f, BEFORE));
    assert_eq!(mentioning(&f, "/news/draft/"), Vec::<String>::new());
    build(
        &f,
        &BuildOptions {
            drafts: true,
            ..options(&f, BEFORE)
        },
    );
    let ar = f.page("ar/news/draft/index.html");
    assert_eq!(ar.text(".preview-banner"), "مسودة — غير منشورة");
    assert_eq!(ar.attr("meta[name=robots]", "content"), "noindex");
    let en = f.page("en/news/draft/index.html");
    assert_eq!(en.text(".preview-banner"), "Draft — not published");
    assert_eq!(en.texts(".preview-badge"), Vec::<String>::new());
    assert_eq!(
        f.page("en/index.html").texts(".card .preview-badge"),
        ["Draft"]
    );
    assert!(
        !feed_links(&f, "en/feed.json")
            .iter()
            .any(|u| u.contains("/draft/"))
    );
    assert!(!f.read("public/en/atom.xml").contains("/en/news/draft/"));
    assert!(!f.read("public/sitemap.xml").contains("/news/draft/"));
}

#[test]
fn an_incremental_build_notices_that_time_passed_with_no_file_changed() {
    // As `digest serve` builds (in memory, told that nothing changed) and
    // as `digest build` does: the clock moving past the embargo publishes
    // the story, exactly as a cold build at that moment would.
    let f = site();
    let mut saved = digest::state::Saved::default();
    let mut warm = digest::state::Warm::default();
    let mut sink = digest::publish::sink::MemorySink::new();
    let nothing: &[std::path::PathBuf] = &[];
    for now in [BEFORE, "2026-12-05T09:59", DUE, "2026-12-06T00:00"] {
        let options = options(&f, now);
        digest::build(&options, Some(nothing), &mut saved, &mut warm, &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
        let served: BTreeMap<String, Vec<u8>> = sink
            .pages()
            .read()
            .unwrap()
            .iter()
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect();
        assert_eq!(served, cold(&f, &options), "in memory at {now}");
        build(&f, &options);
        assert_eq!(f.snapshot("public"), cold(&f, &options), "built at {now}");
    }
}

/// A small deterministic random generator, so failures can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn incremental_builds_equal_cold_builds_as_the_clock_moves_and_stories_change() {
    // Stories scheduled over two weeks, the clock moving by hours and days
    // (and once back), with edits, new stories and re-dated ones: after
    // every step the incremental build is the cold build of that moment.
    let mut rng = Rng(1205);
    let f = site();
    let day = |n: usize, h: usize| format!("2026-12-{:02}T{:02}:00", 1 + n, h);
    let write = |rng: &mut Rng, stem: &str, lang: &str| {
        let (d, h) = (rng.next() % 14, rng.next() % 24);
        let tags = ["[iraq]", "[us-forces]", "[iraq, us-forces]", "[]"][rng.next() % 4];
        f.article(
            &format!("news/{stem}.{lang}.md"),
            &format!("{stem} {lang} {}", rng.next() % 100),
            &day(d, h),
            &format!("tags: {tags}\n"),
            &format!("Body {}.", rng.next() % 1000),
        );
    };
    for i in 0..8 {
        write(
            &mut rng,
            &format!("s{i}"),
            if i % 2 == 0 { "ar" } else { "en" },
        );
    }
    let mut saved = digest::state::Saved::default();
    let mut warm = digest::state::Warm::default();
    let mut sink = digest::publish::sink::MemorySink::new();
    let mut hours = 0;
    for round in 0..16 {
        let mut changed = Vec::new();
        match rng.next() % 4 {
            0 => {
                let (stem, lang) = (format!("s{}", rng.next() % 8), "ar");
                write(&mut rng, &stem, lang);
                changed.push(std::path::PathBuf::from(format!(
                    "content/news/{stem}.{lang}.md"
                )));
            }
            1 => {
                let stem = format!("n{round}");
                write(&mut rng, &stem, "en");
                changed.push(std::path::PathBuf::from(format!(
                    "content/news/{stem}.en.md"
                )));
            }
            _ => {}
        }
        hours = if round == 9 {
            hours / 2
        } else {
            hours + rng.next() % 40
        };
        let now = day(hours / 24, hours % 24);
        let options = options(&f, &now);
        let told = if changed
            .iter()
            .all(|p| f.path(&p.to_string_lossy()).exists())
            && round % 3 != 0
        {
            Some(changed.as_slice())
        } else {
            None
        };
        digest::build(&options, told, &mut saved, &mut warm, &mut sink)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let served: BTreeMap<String, Vec<u8>> = sink
            .pages()
            .read()
            .unwrap()
            .iter()
            .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
            .collect();
        let expected = cold(&f, &options);
        let differing: BTreeSet<&String> = expected
            .keys()
            .chain(served.keys())
            .filter(|p| expected.get(*p) != served.get(*p))
            .collect();
        assert!(
            differing.is_empty(),
            "round {round} at {now}: {differing:?}"
        );
        build(&f, &options);
        assert_eq!(f.snapshot("public"), expected, "round {round} at {now}");
    }
}

#[test]
fn a_link_to_a_scheduled_story_is_an_error_until_it_is_out() {
    // A published story must not lead readers (or crawlers) to an embargoed one.
    let f = site();
    f.article(
        "news/teaser.ar.md",
        "تمهيد",
        "2026-11-30",
        "tags: [iraq, us-forces]\n",
        "اقرأ [الخبر](../embargo/) و[بالملف](embargo.ar.md).",
    );
    let errors = match digest::build_to_dir(&options(&f, BEFORE), &f.path("public")) {
        Ok(_) => panic!("the build succeeded"),
        Err(err) => err
            .diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    };
    assert_eq!(
        errors,
        [
            "error: content/news/teaser.ar.md:6:6: the link `../embargo/` leads to /ar/news/embargo/, the address of content/news/embargo.ar.md, which is not published: it is scheduled for 5 December 2026 10:00 (Asia/Baghdad)\n  help: link to it once it is out, or schedule this story after it; `--future` previews both",
            "error: content/news/teaser.ar.md:6:28: the link `embargo.ar.md` names content/news/embargo.ar.md, which is not published: it is scheduled for 5 December 2026 10:00 (Asia/Baghdad)\n  help: link to it once it is out, or schedule this story after it; `--future` previews both",
        ]
    );
    assert!(!f.exists("public"), "nothing was published");
    build(&f, &options(&f, DUE));
    assert_eq!(
        f.page("ar/news/teaser/index.html").attrs(".body a", "href"),
        ["/ar/news/embargo/", "/ar/news/embargo/"]
    );
}

#[test]
fn serve_shows_scheduled_stories_marked_and_publishes_them_when_due() {
    // While `digest serve` runs, a story due two seconds from now is shown
    // as a preview; when its time comes the site is rebuilt by itself, the
    // open pages reload, and it is published: no banner, in the feeds.
    let f = site();
    let due = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3);
    let due = due.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    f.article("news/soon.en.md", "Soon", &due, "tags: [iraq]\n", "Soon.");
    let (sender, builds) = std::sync::mpsc::channel();
    let sender = std::sync::Mutex::new(sender);
    let reporter = Arc::new(move |event: &digest::serve::ServeEvent| {
        if let digest::serve::ServeEvent::Rebuilt(rebuild) = event {
            let scheduled = rebuild
                .outcome
                .as_ref()
                .ok()
                .map(|r| r.scheduled.as_ref().map(|s| s.next.display().to_string()));
            let _ = sender
                .lock()
                .unwrap()
                .send((rebuild.changed.clone(), scheduled));
        }
    });
    let options = digest::serve::ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        ..Default::default()
    };
    let server = digest::serve::Server::start(&options, reporter).expect("the server starts");
    let client = common::http::Client::new(server.addr());
    let first = builds.recv_timeout(Duration::from_secs(20)).unwrap();
    let soon = Some(Some("content/news/soon.en.md".to_string()));
    assert_eq!(first.1, soon, "the first build has it scheduled next");
    let events = client.reload_events("");
    let page = client.get("/en/news/soon/");
    assert_eq!(page.status, 200);
    let html = scraper::Html::parse_document(&page.body);
    let banner = scraper::Selector::parse(".preview-banner").unwrap();
    let text: String = html.select(&banner).flat_map(|e| e.text()).collect();
    assert!(text.starts_with("Scheduled for "), "{text}");
    assert!(!client.get("/en/feed.json").body.contains("/en/news/soon/"));
    let (changed, scheduled) = builds.recv_timeout(Duration::from_secs(20)).unwrap();
    let embargo = Some(Some("content/news/embargo.ar.md".to_string()));
    assert_eq!(
        (changed, scheduled),
        (Vec::new(), embargo),
        "rebuilt by itself"
    );
    events
        .recv_timeout(Duration::from_secs(20))
        .expect("the open pages reload");
    let page = client.get("/en/news/soon/");
    assert!(!page.body.contains("preview-banner"), "{}", page.body);
    assert!(client.get("/en/feed.json").body.contains("/en/news/soon/"));
    assert!(client.get("/sitemap.xml").body.contains("/en/news/soon/"));
}
