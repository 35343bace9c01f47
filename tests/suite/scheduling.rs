//! Scheduled stories and previews: a story dated after the build's clock
//! (read in the site's time zone) is published nowhere until its time, the
//! build says what it held back and when to build again, and incremental
//! builds notice that time passed with no file changed. Drafts (`--drafts`)
//! and scheduled stories (`--future`, `digest serve`) are shown as marked
//! previews: a banner, `noindex`, in no feed and no sitemap.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use crate::common::{Built, CONFIG, Files, Rng, Site, Story};
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
fn site() -> Site {
    let f = Site::new();
    f.write("digest.yaml", &format!("{CONFIG}timezone: Asia/Baghdad\n"));
    f.story(Story::withdrawal());
    f.story(
        Story::new("news/embargo", DUE)
            .ar("خبر محظور النشر")
            .tags("[iraq, us-forces]")
            .body("نص الخبر."),
    );
    f.story(
        Story::new("news/embargo", "2026-11-29")
            .en("The embargoed story, in English")
            .tags("[iraq]")
            .body("Text."),
    );
    f
}

fn options(f: &Site, now: &str) -> BuildOptions {
    BuildOptions {
        now: at(now),
        ..f.options()
    }
}

/// Builds into `public/` with `options`.
fn build(f: &Site, options: &BuildOptions) -> Built {
    f.build_with(options, "public")
}

/// Every file of the published site that mentions `needle` (bytes).
fn mentioning(files: &Files, needle: &str) -> Vec<String> {
    files
        .paths()
        .filter(|path| String::from_utf8_lossy(files.bytes(path)).contains(needle))
        .cloned()
        .collect()
}

/// The article addresses of a feed's entries.
fn feed_links(files: &Files, feed: &str) -> Vec<String> {
    files.json(feed)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect()
}

fn sitemap_urls(files: &Files) -> Vec<String> {
    files
        .xml("sitemap.xml")
        .descendants()
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
    let built = build(&f, &options(&f, BEFORE));
    assert_eq!(
        built
            .report
            .scheduled
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some(
            "1 story scheduled; the next, content/news/embargo.ar.md, at 5 December 2026 10:00 (Asia/Baghdad)"
        )
    );
    assert!(!built.exists("ar/news/embargo/index.html"));
    assert!(
        !built.exists("ar/2026/12/index.html"),
        "no archive for its month"
    );
    assert_eq!(mentioning(&built, "خبر محظور النشر"), Vec::<String>::new());
    assert_eq!(
        mentioning(&built, "/ar/news/embargo/"),
        Vec::<String>::new()
    );
    let english = built.page("en/news/embargo/index.html");
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

    let built = build(&f, &options(&f, DUE));
    assert_eq!(built.report.scheduled, None);
    let page = built.page("ar/news/embargo/index.html");
    assert_eq!(page.text("h1"), "خبر محظور النشر");
    assert_eq!(page.count(".preview-banner"), 0);
    assert!(
        feed_links(&built, "ar/feed.json")
            .contains(&"https://digest.example.org/ar/news/embargo/".to_string())
    );
    assert!(
        sitemap_urls(&built).contains(&"https://digest.example.org/ar/news/embargo/".to_string())
    );
    assert!(built.exists("ar/2026/12/index.html"));
    assert!(
        built
            .page("ar/index.html")
            .attrs(".card-title a", "href")
            .contains(&"/ar/news/embargo/".to_string())
    );
    assert!(
        built
            .page("ar/news/withdrawal/index.html")
            .attrs(".related .card-title a", "href")
            .contains(&"/ar/news/embargo/".to_string()),
        "a related story now"
    );
    let english = built.page("en/news/embargo/index.html");
    assert_eq!(
        english.alternates()["ar"],
        "https://digest.example.org/ar/news/embargo/"
    );
    assert_eq!(*built, f.cold_build(&options(&f, DUE)));
}

#[test]
fn the_build_says_how_many_are_scheduled_and_when_the_next_is_due() {
    // `digest build` prints the count and the next story's file and time
    // on the site's clock: when to build again.
    let f = site();
    f.story(
        Story::new("news/later", "2026-12-24T08:30")
            .ar("لاحقا")
            .tags("[iraq]")
            .body("نص."),
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
    let built = build(&f, &options(&f, "2026-12-05T09:59"));
    assert!(!built.exists("ar/news/embargo/index.html"));
    let built = build(&f, &options(&f, "2026-12-05T10:00"));
    assert!(built.exists("ar/news/embargo/index.html"));
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
    let built = build(
        &f,
        &BuildOptions {
            future: true,
            ..options(&f, BEFORE)
        },
    );
    assert!(built.report.scheduled.is_some());
    let page = built.page("ar/news/embargo/index.html");
    // The time as the edition's clock tells it (`clock: 24`, the default).
    assert_eq!(
        page.text(".preview-banner"),
        "مجدول للنشر في 5 كانون الأول 2026، الساعة 10:00"
    );
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
    assert_eq!(page.canonical(), None);
    let card = built.page("ar/index.html");
    let marked: Vec<String> = card.texts(".card .preview-badge");
    assert_eq!(marked, ["مجدول"]);
    for feed in ["ar/feed.json", "ar/tags/iraq/atom.xml", "ar/atom.xml"] {
        assert!(!built.read(feed).contains("/ar/news/embargo/"), "{feed}");
    }
    assert!(
        !sitemap_urls(&built).contains(&"https://digest.example.org/ar/news/embargo/".to_string())
    );
    assert!(
        !built.read("sitemap.xml").contains("/ar/news/embargo/"),
        "nor as the English story's alternate"
    );
    let published = built.page("ar/news/withdrawal/index.html");
    assert_eq!(published.count(".preview-banner"), 0);
    assert!(published.canonical().is_some());
}

#[test]
fn drafts_preview_with_a_banner_in_their_edition_s_language() {
    // `--drafts` shows drafts marked as drafts; without it they are nowhere.
    let f = site();
    f.story(
        Story::new("news/draft", "2026-11-28")
            .front("draft: true\ntags: [iraq]\n")
            .body("Text.")
            .ar("مسودة")
            .en("A draft"),
    );
    let built = build(&f, &options(&f, BEFORE));
    assert_eq!(mentioning(&built, "/news/draft/"), Vec::<String>::new());
    let built = build(
        &f,
        &BuildOptions {
            drafts: true,
            ..options(&f, BEFORE)
        },
    );
    let ar = built.page("ar/news/draft/index.html");
    assert_eq!(ar.text(".preview-banner"), "مسودة — غير منشورة");
    assert_eq!(ar.attr("meta[name=robots]", "content"), "noindex");
    let en = built.page("en/news/draft/index.html");
    assert_eq!(en.text(".preview-banner"), "Draft — not published");
    assert_eq!(en.texts(".preview-badge"), Vec::<String>::new());
    assert_eq!(
        built.page("en/index.html").texts(".card .preview-badge"),
        ["Draft"]
    );
    assert!(
        !feed_links(&built, "en/feed.json")
            .iter()
            .any(|u| u.contains("/draft/"))
    );
    assert!(!built.read("en/atom.xml").contains("/en/news/draft/"));
    assert!(!built.read("sitemap.xml").contains("/news/draft/"));
}

#[test]
fn an_incremental_build_notices_that_time_passed_with_no_file_changed() {
    // As `digest serve` builds (in memory, told that nothing changed) and
    // as `digest build` does: the clock moving past the embargo publishes
    // the story, exactly as a cold build at that moment would.
    let f = site();
    let mut memory = f.in_memory();
    let nothing: &[std::path::PathBuf] = &[];
    for now in [BEFORE, "2026-12-05T09:59", DUE, "2026-12-06T00:00"] {
        let options = options(&f, now);
        memory
            .build_with(&options, Some(nothing))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(memory.files(), f.cold_build(&options), "in memory at {now}");
        let built = build(&f, &options);
        assert_eq!(*built, f.cold_build(&options), "built at {now}");
    }
}

/// A small deterministic random generator, so failures can be replayed.
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
        f.story(
            Story::new(&format!("news/{stem}"), &day(d, h))
                .edition(lang, &format!("{stem} {lang} {}", rng.next() % 100))
                .tags(tags)
                .body(&format!("Body {}.", rng.next() % 1000)),
        );
    };
    for i in 0..8 {
        write(
            &mut rng,
            &format!("s{i}"),
            if i % 2 == 0 { "ar" } else { "en" },
        );
    }
    let mut memory = f.in_memory();
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
        memory
            .build_with(&options, told)
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        let served = memory.files();
        let expected = f.cold_build(&options);
        let differing: BTreeSet<&String> = expected
            .paths()
            .chain(served.paths())
            .filter(|p| expected.get(p) != served.get(p))
            .collect();
        assert!(
            differing.is_empty(),
            "round {round} at {now}: {differing:?}"
        );
        let built = build(&f, &options);
        assert_eq!(*built, expected, "round {round} at {now}");
    }
}

#[test]
fn a_link_to_a_scheduled_story_is_an_error_until_it_is_out() {
    // A published story must not lead readers (or crawlers) to an embargoed one.
    let f = site();
    f.story(
        Story::new("news/teaser", "2026-11-30")
            .ar("تمهيد")
            .tags("[iraq, us-forces]")
            .body("اقرأ [الخبر](../embargo/) و[بالملف](embargo.ar.md)."),
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
    assert_eq!(
        build(&f, &options(&f, DUE))
            .page("ar/news/teaser/index.html")
            .attrs(".body a", "href"),
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
    f.story(
        Story::new("news/soon", &due)
            .en("Soon")
            .tags("[iraq]")
            .body("Soon."),
    );
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
    let client = crate::common::http::Client::new(server.addr());
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
