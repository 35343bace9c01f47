//! `digest serve`: the preview server, run in-process on a free port.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crate::common::http::Client;
use crate::common::{Site, Story};
use digest::serve::{ServeEvent, ServeOptions, Server};

/// How long a change may take to reach the browser before a test gives up.
const PATIENCE: Duration = Duration::from_secs(20);

/// A build as the server reported it.
#[derive(Debug)]
struct Reported {
    changed: Vec<PathBuf>,
    /// Files written, or the printed errors if the build failed.
    result: Result<Vec<String>, Vec<String>>,
}

struct Running {
    server: Server,
    client: Client,
    builds: Receiver<Reported>,
}

impl Running {
    /// The next build's outcome (the first one is the initial build).
    fn next_build(&self) -> Reported {
        self.builds
            .recv_timeout(PATIENCE)
            .expect("the server reports a build")
    }
}

fn serve(f: &Site) -> Running {
    let (sender, builds) = channel();
    let sender = std::sync::Mutex::new(sender);
    let reporter = Arc::new(move |event: &ServeEvent| {
        if let ServeEvent::Rebuilt(rebuild) = event {
            let result = match &rebuild.outcome {
                Ok(report) => Ok(report.written.clone()),
                Err(err) => Err(err.diagnostics().iter().map(|d| d.to_string()).collect()),
            };
            let reported = Reported {
                changed: rebuild.changed.clone(),
                result,
            };
            let _ = sender.lock().unwrap().send(reported);
        }
    });
    let options = ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        ..ServeOptions::default()
    };
    let server = Server::start(&options, reporter).expect("the server starts");
    let client = Client::new(server.addr());
    Running {
        server,
        client,
        builds,
    }
}

/// Two translated stories about Iraq (the Arabic one also under a topic
/// with only an Arabic label) and an untagged story in another section.
fn site() -> Site {
    let f = Site::new();
    let stories = [
        (
            "news/withdrawal",
            "2021-12-10",
            "واشنطن تنهي الأعمال القتالية",
            "Washington ends combat operations",
            "[العراق, بغداد]",
            "[Iraq]",
        ),
        (
            "news/dialogue",
            "2021-12-09",
            "أربع جولات من الحوار",
            "Four rounds of dialogue",
            "[العراق]",
            "[Iraq]",
        ),
        (
            "analysis/budget",
            "2021-11-01",
            "موازنة العام المقبل",
            "Next year's budget",
            "[]",
            "[]",
        ),
    ];
    for (stem, date, ar, en, ar_tags, en_tags) in stories {
        f.story(
            Story::new(stem, date)
                .ar(ar)
                .tags(ar_tags)
                .body("نص الخبر.")
                .en(en)
                .tags(en_tags)
                .body("The story."),
        );
    }
    f
}

fn wait_for_reload(events: &Receiver<u64>) -> u64 {
    events
        .recv_timeout(PATIENCE)
        .expect("the open pages are told to reload")
}

#[test]
fn an_edit_reloads_the_page_and_rebuilds_only_what_shows_the_story() {
    // Saving an article sends a reload event, the page then shows the new
    // title, and pages that do not show the story are not rendered again.
    let f = site();
    let s = serve(&f);
    assert!(s.next_build().result.is_ok());
    let page = s.client.get("/en/news/withdrawal/");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h1>Washington ends combat operations</h1>")
    );
    let events = s.client.reload_events("");

    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("US combat role ends")
            .tags("[Iraq]")
            .body("The story."),
    );
    wait_for_reload(&events);
    let page = s.client.get("/en/news/withdrawal/");
    assert!(
        page.body.contains("<h1>US combat role ends</h1>"),
        "{}",
        page.body
    );

    let build = s.next_build();
    assert_eq!(
        build.changed,
        [PathBuf::from("content/news/withdrawal.en.md")]
    );
    let written = build.result.expect("the rebuild succeeded");
    for shows_it in [
        "en/news/withdrawal/index.html",
        "ar/news/withdrawal/index.html",
        "en/index.html",
        "en/tags/iraq/index.html",
    ] {
        assert!(
            written.iter().any(|w| w == shows_it),
            "{shows_it} not in {written:?}"
        );
    }
    for unrelated in [
        "en/analysis/budget/index.html",
        "ar/analysis/budget/index.html",
    ] {
        assert!(
            !written.iter().any(|w| w == unrelated),
            "{unrelated} was rendered again"
        );
    }
}

#[test]
fn a_broken_edit_shows_its_errors_over_the_last_good_site_until_fixed() {
    // A mistake shows file:line:column in an overlay; the page underneath
    // stays the last good version; fixing the file takes the overlay away.
    let f = site();
    let s = serve(&f);
    let events = s.client.reload_events("");
    f.write(
        "content/news/withdrawal.en.md",
        "---\ntitle: \"Broken <b>story</b>\"\ndate: 2021-13-45\ntags: [Iraq]\n---\nThe story.\n",
    );
    wait_for_reload(&events);
    let page = s.client.get("/en/news/withdrawal/");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<h1>Washington ends combat operations</h1>"),
        "the last good page"
    );
    assert!(page.body.contains("id=\"digest-errors\""), "{}", page.body);
    assert!(
        page.body
            .contains("this is the last good version of the page")
    );
    assert!(page.body.contains("content/news/withdrawal.en.md:3:7</bdi>: <bdi class=\"message\">`2021-13-45` is not a real date or time"));
    assert!(
        !page.body.contains("Broken"),
        "nothing of the broken file is published"
    );
    let home = s.client.get("/ar/");
    assert!(
        home.body.contains("id=\"digest-errors\""),
        "every page shows the errors"
    );
    let feed = s.client.get("/en/atom.xml");
    assert!(
        !feed.body.contains("digest-errors") && !feed.body.contains("EventSource"),
        "only HTML is decorated"
    );

    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("Fixed story")
            .tags("[Iraq]")
            .body("The story."),
    );
    wait_for_reload(&events);
    let page = s.client.get("/en/news/withdrawal/");
    assert!(page.body.contains("<h1>Fixed story</h1>"));
    assert!(!page.body.contains("digest-errors"), "the overlay is gone");
}

#[test]
fn a_site_that_never_built_shows_its_errors_then_the_site_once_fixed() {
    // With no good site to fall back on, every path shows the errors.
    let f = site();
    f.write(
        "content/news/withdrawal.en.md",
        "---\ntitle: x\n---\nno date\n",
    );
    let s = serve(&f);
    assert!(s.next_build().result.is_err());
    let page = s.client.get("/en/news/withdrawal/");
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("content/news/withdrawal.en.md:"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("EventSource"),
        "the page reloads once fixed"
    );
    assert!(
        page.body.contains("The site does not build (1 error"),
        "{}",
        page.body
    );
    let events = s.client.reload_events("");
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("Now it builds")
            .body("x"),
    );
    wait_for_reload(&events);
    let page = s.client.get("/en/news/withdrawal/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Now it builds</h1>"));
}

#[test]
fn a_page_that_missed_a_reload_gets_it_when_it_connects() {
    // A page served at generation N that connects after the site changed
    // reloads at once instead of waiting for the next change.
    let f = site();
    let s = serve(&f);
    let page = s.client.get("/en/");
    assert!(
        page.body.contains("/__digest/reload?since=1"),
        "{}",
        page.body
    );
    let events = s.client.reload_events("");
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("Changed")
            .tags("[Iraq]")
            .body("x"),
    );
    let generation = wait_for_reload(&events);
    assert_eq!(generation, 2);
    let late = s.client.reload_events("?since=1");
    assert_eq!(late.recv_timeout(PATIENCE).expect("an immediate reload"), 2);
    let current = s.client.reload_events("?since=2");
    assert!(
        current.recv_timeout(Duration::from_millis(300)).is_err(),
        "nothing new to reload"
    );
}

#[test]
fn http_answers_as_a_static_host_would() {
    // Status codes, content types, HEAD, redirects and Arabic paths.
    let f = site();
    let s = serve(&f);
    let c = &s.client;

    let missing = c.get("/en/no-such-page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        missing.body.contains("<html"),
        "the site's 404 page: {}",
        missing.body
    );
    assert!(missing.body.contains("EventSource"));

    let redirect = c.get("/en/news/withdrawal?x=1");
    assert_eq!(redirect.status, 308);
    assert_eq!(
        redirect.header("location"),
        Some("/en/news/withdrawal/?x=1")
    );
    assert_eq!(c.get("/en/news/withdrawal/index.html").status, 200);
    assert_eq!(c.get("/en/atom.xml/").status, 404);

    // بغداد: a topic with no key, whose address keeps its Arabic letters.
    let topic = c.get("/ar/tags/%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF/");
    assert_eq!(topic.status, 200, "{}", topic.body);
    assert!(topic.body.contains("بغداد"));
    assert!(topic.body.contains("واشنطن تنهي الأعمال القتالية"));
    let unslashed = c.get("/ar/tags/%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF");
    assert_eq!(
        unslashed.header("location"),
        Some("/ar/tags/%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF/")
    );

    let get = c.get("/en/");
    let head = c.head("/en/");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(c.head("/nothing-here").status, 404);

    let feed = c.get("/en/atom.xml");
    assert_eq!(feed.header("content-type"), Some("text/xml; charset=utf-8"));
    assert!(
        feed.body.contains("http://127.0.0.1:"),
        "links point at the preview"
    );
    assert_eq!(
        c.get("/en/feed.json").header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let page = c.get("/en/");
    let css = page
        .body
        .split("href=\"/style.")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a stylesheet link");
    assert_eq!(
        c.get(&format!("/style.{css}")).header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(c.get("/en/").header("cache-control"), Some("no-store"));

    let post = c.post("/en/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn traversal_attempts_never_leave_the_site() {
    // However a path is spelt, nothing outside the built site is served.
    let f = site();
    f.write("secret.txt", "TOP-SECRET");
    let s = serve(&f);
    for target in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/en/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/en/..%2f..%2fsecret.txt",
        "/en/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..\\secret.txt",
        "/en\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "//secret.txt",
        "/./secret.txt",
        "/%00/secret.txt",
        "/digest.yaml",
        "/content/news/withdrawal.en.md",
    ] {
        let (status, text) = s.client.raw_get(target);
        assert!([400, 404].contains(&status), "{target}: {status}\n{text}");
        for secret in [
            "TOP-SECRET",
            "root:x:",
            "default_language",
            "Washington ends combat",
        ] {
            assert!(!text.contains(secret), "{target} leaked {secret}");
        }
    }
}

#[test]
fn serving_writes_nothing_to_disk_and_leaves_digest_build_free() {
    // The preview lives in memory: no public/, no cache, no lock held, and
    // no reload script in what `digest build` writes, even while serving.
    let f = site();
    let s = serve(&f);
    let events = s.client.reload_events("");
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("Edited")
            .tags("[Iraq]")
            .body("x"),
    );
    wait_for_reload(&events);
    assert!(!f.exists("public") && !f.exists(".digest-cache"));
    for (path, bytes) in f.build().into_files().into_map() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__digest") && !text.contains("EventSource"),
            "{path}"
        );
        assert!(!text.contains("127.0.0.1"), "{path} links to the preview");
    }
    drop(s.server);
}

#[test]
fn editor_temp_files_do_not_trigger_rebuilds() {
    // Swap and backup files come and go while typing; only the saved article counts.
    let f = site();
    let s = serve(&f);
    s.next_build();
    for temp in [
        ".withdrawal.en.md.swp",
        "withdrawal.en.md~",
        ".#withdrawal.en.md",
        "#withdrawal.en.md#",
    ] {
        f.write(&format!("content/news/{temp}"), "---\nbroken");
    }
    std::thread::sleep(Duration::from_millis(300));
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("Saved")
            .tags("[Iraq]")
            .body("x"),
    );
    let build = s.next_build();
    assert_eq!(
        build.changed,
        [PathBuf::from("content/news/withdrawal.en.md")]
    );
    assert!(build.result.is_ok(), "{:?}", build.result);
}

#[test]
fn a_busy_port_or_a_missing_folder_fails_with_a_clear_message() {
    // Starting fails before building, saying what could not be done.
    let f = site();
    let first = serve(&f);
    let busy = ServeOptions {
        root: f.root().to_path_buf(),
        port: first.server.addr().port(),
        ..ServeOptions::default()
    };
    let quiet: digest::serve::Reporter = Arc::new(|_: &ServeEvent| {});
    let err = Server::start(&busy, quiet.clone())
        .err()
        .expect("the port is taken");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot listen on {}: Address already in use (is another digest serve running? --port picks another port)",
            first.server.addr()
        )
    );
    let missing = ServeOptions {
        root: f.path("no-such-site"),
        port: 0,
        ..ServeOptions::default()
    };
    let err = Server::start(&missing, quiet)
        .err()
        .expect("no such folder");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot open the site folder {}: No such file or directory",
            f.path("no-such-site").display()
        )
    );
}

#[test]
fn digest_build_and_serve_at_once_each_show_every_save_whole() {
    // While `digest serve` runs, each save is built by `digest build` too,
    // at the same moment as the server's rebuild: public/ and the preview
    // both show each version whole, and neither waits for the other.
    let f = site();
    let s = serve(&f);
    assert!(s.next_build().result.is_ok());
    let events = s.client.reload_events("");
    for round in 0..4 {
        let title = format!("Combat operations end, take {round}");
        f.story(
            Story::new("news/withdrawal", "2021-12-10")
                .en(&title)
                .tags("[Iraq]")
                .body("The story."),
        );
        let build = f.command(&["build", "--quiet"]).output().unwrap();
        assert!(
            build.status.success(),
            "{}",
            String::from_utf8_lossy(&build.stderr)
        );
        let public = f.public();
        assert_eq!(
            public.page("en/news/withdrawal/index.html").text("h1"),
            title
        );
        wait_for_reload(&events);
        let page = s.client.get("/en/news/withdrawal/");
        assert!(
            page.body.contains(&format!("<h1>{title}</h1>")),
            "round {round}: {}",
            page.body
        );
        assert!(s.next_build().result.is_ok());
    }
}

#[test]
fn a_picture_store_that_cannot_be_written_does_not_stop_the_preview() {
    // The processed pictures' store (.digest-cache/media) on a read-only
    // file system: the preview still shows a new story's picture (made in
    // memory) and keeps serving.
    let test = "serve::a_picture_store_that_cannot_be_written_does_not_stop_the_preview";
    let f = site();
    std::fs::create_dir_all(f.path(".digest-cache/media")).unwrap();
    let Some(_store) = crate::common::mount::Mount::read_only(test, &f.path(".digest-cache"))
    else {
        return;
    };
    let s = serve(&f);
    assert!(s.next_build().result.is_ok());
    let events = s.client.reload_events("");
    f.write_bytes(
        "content/news/photo.jpg",
        &crate::common::pictures::jpeg(&crate::common::pictures::photo(64, 48, 1), 80),
    );
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .en("With a photograph")
            .front("image: { src: photo.jpg, alt: A street }\n")
            .tags("[Iraq]")
            .body("The story."),
    );
    wait_for_reload(&events);
    let page = s.client.get("/en/news/withdrawal/");
    assert!(
        page.body.contains("<h1>With a photograph</h1>"),
        "{}",
        page.body
    );
    let src = page
        .body
        .split("src=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .find(|src| src.starts_with("/news/photo."))
        .unwrap_or_else(|| panic!("no picture in {}", page.body));
    let picture = s.client.head(src);
    assert_eq!(picture.status, 200, "{src}");
    assert_eq!(picture.header("content-type"), Some("image/jpeg"), "{src}");
    assert!(
        std::fs::read_dir(f.path(".digest-cache/media"))
            .unwrap()
            .next()
            .is_none(),
        "nothing was written to the read-only store"
    );
}
