//! End-to-end checks in headless Chromium.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::browser::{chromium, eval};
use crate::common::{Site, Story};

#[test]
fn pages_lay_out_in_their_editions_direction_and_switch_to_the_translation() {
    // The browser, not just the markup, must see rtl for Arabic and ltr for
    // English, and the switcher must lead to the translation.
    let Some(browser) =
        chromium("pages_lay_out_in_their_editions_direction_and_switch_to_the_translation")
    else {
        return;
    };
    let f = Site::new();
    f.story(
        Story::new("news/talks", "2021-07-26")
            .ar("جولة رابعة من الحوار")
            .body("التقى الكاظمي بايدن في واشنطن.")
            .en("A fourth round of talks")
            .body("Al-Kadhimi met Biden in Washington."),
    );
    f.build();
    let tab = browser.new_tab().unwrap();
    for (lang, other, direction) in [("ar", "en", "rtl"), ("en", "ar", "ltr")] {
        let url = format!(
            "file://{}",
            f.path(&format!("public/{lang}/news/talks/index.html"))
                .display()
        );
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        assert_eq!(
            eval(&tab, "getComputedStyle(document.body).direction"),
            direction,
            "{lang}"
        );
        assert_eq!(
            eval(
                &tab,
                "getComputedStyle(document.querySelector('.story-head h1')).textAlign"
            ),
            "start"
        );
        let switcher = "document.querySelector('.switcher a')";
        assert_eq!(
            eval(&tab, &format!("{switcher}.getAttribute('href')")),
            format!("/{other}/news/talks/")
        );
        assert_eq!(eval(&tab, &format!("{switcher}.lang")), other);
        let switch_direction = if other == "ar" { "rtl" } else { "ltr" };
        assert_eq!(
            eval(&tab, &format!("getComputedStyle({switcher}).direction")),
            switch_direction
        );
    }
}

#[test]
fn an_english_name_in_an_arabic_page_is_laid_out_left_to_right() {
    // The browser resolves isolated names to their own direction, and an
    // untranslated page's switcher leads to the other edition's home.
    let Some(browser) = chromium("an_english_name_in_an_arabic_page_is_laid_out_left_to_right")
    else {
        return;
    };
    let f = Site::new();
    f.story(
        Story::new("news/dam", "2021-12-10")
            .ar("الهدنة صامدة")
            .front("author: Jane Arraf\ntags: [Mosul Dam]\n"),
    );
    f.story(
        Story::new("news/dam2", "2021-12-10")
            .en("English only")
            .front("author: علي الموسوي\n"),
    );
    f.build();
    let tab = browser.new_tab().unwrap();
    for (path, name_direction, other, switch_text) in [
        (
            "ar/news/dam",
            "ltr",
            "en",
            "Not available in English – go to the English edition",
        ),
        (
            "en/news/dam2",
            "rtl",
            "ar",
            "غير متوفرة بالعربية، انتقل إلى النسخة العربية",
        ),
    ] {
        let url = format!(
            "file://{}",
            f.path(&format!("public/{path}/index.html")).display()
        );
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let author = "document.querySelector('.author bdi')";
        assert_eq!(
            eval(&tab, &format!("getComputedStyle({author}).unicodeBidi")),
            "isolate",
            "{path}"
        );
        assert_eq!(
            eval(&tab, &format!("{author}.matches(':dir({name_direction})')")),
            true,
            "{path}"
        );
        let switcher = "document.querySelector('.switcher a')";
        assert_eq!(
            eval(&tab, &format!("{switcher}.getAttribute('href')")),
            format!("/{other}/")
        );
        assert_eq!(
            eval(&tab, &format!("{switcher}.textContent.trim()")),
            switch_text
        );
    }
    let url = format!(
        "file://{}",
        f.path("public/ar/news/dam/index.html").display()
    );
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.story-foot .topics bdi').matches(':dir(ltr)')"
        ),
        true,
        "a Latin topic label in the Arabic edition"
    );
}

/// `digest serve` running as a separate process; killed when dropped.
struct ServeProcess {
    child: Child,
    url: String,
}

impl ServeProcess {
    /// Starts `digest serve --port 0` and waits for the address it prints.
    fn start(f: &Site) -> ServeProcess {
        let mut child = f
            .command(&["serve", "--port", "0", "--root"])
            .arg(f.root())
            .stderr(Stdio::null())
            .spawn()
            .expect("digest serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                Some(
                    line.strip_prefix("serving ")?
                        .split(' ')
                        .next()?
                        .to_string(),
                )
            })
            .expect("digest serve prints its address");
        // Keep reading what it says about rebuilds, as a terminal would.
        std::thread::spawn(move || lines.for_each(drop));
        ServeProcess { child, url }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Evaluates `expression` until it returns `expected` (the page may be
/// reloading in between); panics after 20 seconds.
fn wait_until(tab: &headless_chrome::Tab, expression: &str, expected: serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = None;
    while Instant::now() < deadline {
        if let Ok(result) = tab.evaluate(expression, false) {
            let value = result.value.unwrap_or(serde_json::Value::Null);
            if value == expected {
                return;
            }
            last = Some(value);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{expression} never became {expected}; last {last:?}");
}

#[test]
fn an_open_page_reloads_itself_when_its_article_is_saved() {
    // The editor's loop: save the article, the open page shows the change by
    // itself; save a mistake, the page shows the error over the last good
    // version; fix it, the error goes away.
    let Some(browser) = chromium("an_open_page_reloads_itself_when_its_article_is_saved") else {
        return;
    };
    let f = Site::new();
    let article = |title: &str, date: &str| {
        f.write(
            "content/news/talks.en.md",
            &format!("---\ntitle: \"{title}\"\ndate: {date}\n---\nAl-Kadhimi met Biden.\n"),
        );
    };
    article("A fourth round of talks", "2021-07-26");
    let server = ServeProcess::start(&f);
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}en/news/talks/", server.url))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let title = "document.querySelector('h1').textContent";
    assert_eq!(eval(&tab, title), "A fourth round of talks");
    // No need to wait for the page's event stream: it names the version
    // it shows, so a stream that connects after the save still reloads.
    eval(&tab, "window.notReloaded = true");

    article("Talks end with a withdrawal date", "2021-07-26");
    wait_until(&tab, title, "Talks end with a withdrawal date".into());
    assert_eq!(eval(&tab, "window.notReloaded === undefined"), true);

    article("Talks end with a withdrawal date", "2021-07-32");
    let overlay = "document.getElementById('digest-errors')?.innerText ?? ''";
    wait_until(
        &tab,
        &format!("({overlay}).includes('content/news/talks.en.md:3:7')"),
        true.into(),
    );
    assert_eq!(eval(&tab, title), "Talks end with a withdrawal date");

    article("Talks end on 31 December", "2021-07-26");
    wait_until(&tab, title, "Talks end on 31 December".into());
    assert_eq!(eval(&tab, overlay), "");
    assert!(!f.exists("public"), "the preview never writes public/");
}
