//! Pictures and embeds in headless Chromium: what a page asks the network
//! for, before and after a reader clicks, and how much picture a phone
//! downloads.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::browser::transport::{SessionId, Transport};
use headless_chrome::protocol::cdp::Fetch::{
    FailRequest, RequestPattern, RequestStage, events::RequestPausedEvent,
};
use headless_chrome::protocol::cdp::Network::ErrorReason;

use crate::common::browser::{chromium, emulate, eval, serve};
use crate::common::pictures;
use crate::common::{CONFIG, Site, Story};

/// Records every request the tab makes; those that leave 127.0.0.1 fail
/// (the machine has no network, and a test must not depend on one).
fn record_requests(tab: &headless_chrome::Tab) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let everything = [RequestPattern {
        url_pattern: Some("*".into()),
        resource_Type: None,
        request_stage: Some(RequestStage::Request),
    }];
    tab.enable_fetch(Some(&everything), None)
        .expect("fetch interception");
    tab.enable_request_interception(Arc::new(
        move |_: Arc<Transport>, _: SessionId, paused: RequestPausedEvent| {
            let url = paused.params.request.url.clone();
            log.lock().unwrap().push(url.clone());
            if url.starts_with("http://127.0.0.1:") {
                RequestPausedDecision::Continue(None)
            } else {
                RequestPausedDecision::Fail(FailRequest {
                    request_id: paused.params.request_id,
                    error_reason: ErrorReason::BlockedByClient,
                })
            }
        },
    ))
    .expect("interception");
    seen
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn story(minify: bool) -> Site {
    let f = Site::new();
    f.write(
        "digest.yaml",
        &format!(
            "{}images:\n  widths: [160, 320]\n",
            CONFIG.replace("minify: false", &format!("minify: {minify}"))
        ),
    );
    f.write_bytes(
        "content/news/mosul.jpg",
        &pictures::camera_jpeg(300, 400, 6),
    );
    f.write_bytes(
        "content/news/market.jpg",
        &pictures::jpeg(&pictures::photo(400, 300, 2), 85),
    );
    f.story(
        Story::new("news/mosul", "2021-12-10")
            .en("Mosul rebuilds its old city")
            .front("image: { src: mosul.jpg, alt: Cranes, caption: The old city, credit: Jane Arraf }\n")
            .body("Work began in the spring.\n\n![Stalls](market.jpg \"The market\")\n\n[The mayor's address](https://youtu.be/dQw4w9WgXcQ)\n\nMore."),
    );
    f
}

#[test]
fn an_embed_requests_nothing_from_its_provider_until_it_is_clicked() {
    let Some(browser) = chromium("an_embed_requests_nothing_from_its_provider_until_it_is_clicked")
    else {
        return;
    };
    // The theme's script is a static file, never run through the HTML
    // minifier: it works on minified pages and on others alike.
    for minify in [true, false] {
        let f = story(minify);
        let server = serve(&f);
        let origin = format!("http://{}/", server.addr());
        let tab = browser.new_tab().unwrap();
        let requests = record_requests(&tab);
        tab.navigate_to(&format!("{origin}en/news/mosul/"))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        // Every picture is in view on a tall window; give them time.
        eval(&tab, "window.scrollTo(0, document.body.scrollHeight)");
        wait_until("the pictures", || {
            eval(
                &tab,
                "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
            ) == true
        });
        let before: Vec<String> = requests.lock().unwrap().clone();
        assert!(
            before.iter().any(|u| u.contains("/news/mosul.")),
            "the lead loaded: {before:?}"
        );
        let external: Vec<&String> = before.iter().filter(|u| !u.starts_with(&origin)).collect();
        assert!(
            external.is_empty(),
            "minify {minify}: requests before a click: {external:?}"
        );
        assert_eq!(eval(&tab, "document.querySelectorAll('iframe').length"), 0);

        tab.wait_for_element("a.embed-load")
            .unwrap()
            .click()
            .unwrap();
        wait_until("the player", || {
            eval(
                &tab,
                "document.querySelector('figure.embed iframe') !== null",
            ) == true
        });
        let frame = "document.querySelector('figure.embed iframe')";
        assert_eq!(
            eval(&tab, &format!("{frame}.src")),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
        );
        let sandbox = eval(&tab, &format!("{frame}.getAttribute('sandbox')"));
        assert!(
            sandbox.as_str().unwrap().contains("allow-scripts"),
            "{sandbox}"
        );
        assert_eq!(eval(&tab, &format!("{frame}.title")), "The mayor's address");
        assert_eq!(
            eval(&tab, "document.querySelector('a.embed-load') === null"),
            true
        );
        assert_eq!(
            eval(&tab, "location.pathname"),
            "/en/news/mosul/",
            "the click stays on the page"
        );
        wait_until("the request to the player", || {
            requests
                .lock()
                .unwrap()
                .iter()
                .any(|u| u.starts_with("https://www.youtube-nocookie.com/embed/"))
        });
        let _ = tab.close(true);
    }
}

#[test]
fn a_phone_downloads_at_most_100_kb_of_picture_for_a_story_with_a_lead_photo() {
    let Some(browser) =
        chromium("a_phone_downloads_at_most_100_kb_of_picture_for_a_story_with_a_lead_photo")
    else {
        return;
    };
    // A photograph as a camera saves it, published in the default widths.
    let f = Site::new();
    f.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    f.write_bytes(
        "content/news/mosul.jpg",
        &pictures::jpeg(&pictures::photograph(2000, 1500, 11), 90),
    );
    f.story(
        Story::new("news/mosul", "2021-12-10")
            .en("Mosul rebuilds its old city")
            .front(
                "image: { src: mosul.jpg, alt: Cranes over rebuilt houses, credit: Jane Arraf }\n",
            )
            .body("Work began in the spring."),
    );
    let server = serve(&f);
    let tab = browser.new_tab().unwrap();
    // An iPhone 14: 390 × 844 CSS pixels, three device pixels to each.
    emulate(&tab, 390, 844, 3.0, true);
    tab.navigate_to(&format!("http://{}/en/news/mosul/", server.addr()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let lead = "document.querySelector('figure.lead-image img')";
    wait_until("the lead photo", || {
        eval(&tab, &format!("{lead}.complete")) == true
    });
    let chosen = eval(&tab, &format!("{lead}.currentSrc"));
    let bytes = eval(
        &tab,
        "performance.getEntriesByType('resource').filter(e => /\\.(webp|jpe?g|png|gif)$/.test(new URL(e.name).pathname)).reduce((n, e) => n + e.transferSize, 0)",
    )
    .as_u64()
    .expect("a number of bytes");
    eprintln!("a 390-px phone at 3x downloaded {bytes} bytes of picture ({chosen})");
    assert!(chosen.as_str().unwrap().ends_with(".webp"), "{chosen}");
    assert!(
        bytes > 0 && bytes <= 100_000,
        "{bytes} bytes of picture ({chosen})"
    );
}
