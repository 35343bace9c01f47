//! End-to-end checks in headless Chromium.

mod common;

use common::Fixture;
use common::browser::{chromium, eval};

#[test]
fn pages_lay_out_in_their_editions_direction_and_switch_to_the_translation() {
    // The browser, not just the markup, must see rtl for Arabic and ltr for
    // English, and the switcher must lead to the translation.
    let Some(browser) =
        chromium("pages_lay_out_in_their_editions_direction_and_switch_to_the_translation")
    else {
        return;
    };
    let f = Fixture::new();
    f.article(
        "news/talks.ar.md",
        "جولة رابعة من الحوار",
        "2021-07-26",
        "",
        "التقى الكاظمي بايدن في واشنطن.",
    );
    f.article(
        "news/talks.en.md",
        "A fourth round of talks",
        "2021-07-26",
        "",
        "Al-Kadhimi met Biden in Washington.",
    );
    f.build_ok();
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
    let f = Fixture::new();
    f.article(
        "news/dam.ar.md",
        "الهدنة صامدة",
        "2021-12-10",
        "author: Jane Arraf\ntags: [Mosul Dam]\n",
        "نص.",
    );
    f.article(
        "news/dam2.en.md",
        "English only",
        "2021-12-10",
        "author: علي الموسوي\n",
        "Text.",
    );
    f.build_ok();
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
