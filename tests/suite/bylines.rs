//! Bylines, times, corrections, standalone pages and menus: the journalism
//! on the page. A small site in Baghdad's time zone with an authors file, a
//! story by two authors (one keyed, one free) corrected twice and dated in
//! UTC past Baghdad's midnight, and an about page in the menu; each rule is
//! read back from the built pages, feeds, sitemap and JSON-LD.

use std::collections::BTreeMap;

use crate::common::browser::{chromium, eval, serve};
use crate::common::pictures::{self, SECRET};
use crate::common::{Built, CONFIG, Page, Site, Story};

const AUTHORS: &str = "sara-almusawi:
  ar:
    name: سارة الموسوي
    role: مراسلة بغداد
    bio: تغطي السياسة والأمن في العراق.
  en:
    name: Sara al-Musawi
    role: Baghdad correspondent
    bio: Covers politics and security in Iraq.
  picture: authors/sara.jpg
  links: [https://example.com/sara]
";

/// The site's configuration: [`CONFIG`] in Baghdad's time zone, with a
/// menu in each edition (by key in Arabic, by path in English).
fn config() -> String {
    CONFIG.replace(
        "default_language: ar\n",
        "default_language: ar\ntimezone: Asia/Baghdad\n",
    ) + "menu:\n  ar: [news, authors, about, { label: الأرشيف, url: https://archive.example.org/ }]\n"
        + "  en: [news/, authors, about.en.md, { label: Archive, url: https://archive.example.org/ }]\n"
}

/// The story of the issue: written at 22:30 UTC on 30 November 2025, so
/// 01:30 on 1 December in Baghdad; updated that morning; corrected twice
/// (the older correction written first); by Sara (by key in English, by
/// her Arabic name in Arabic, with a vowel mark authors.yaml does not
/// write) and Hawre Aziz, who has no key.
fn militias() -> Story {
    militias_corrected(
        "corrections:\n  - date: 2025-12-01T18:40:00+03:00\n    text: An earlier version gave the wrong *deadline*.\n  - date: 2025-12-02T10:00:00+03:00\n    text: An earlier version misspelt a name.\n",
    )
}

/// The same story with `corrections` as written.
fn militias_corrected(corrections: &str) -> Story {
    Story::new("news/militias", "2025-11-30T22:30:00Z")
        .tags("[iraq]")
        .front("updated: 2025-12-01T09:15:00+03:00\n")
        .front(corrections)
        .ar("الميليشيات تهدد")
        .front("authors: [سارَة الموسوي, هاوري عزيز]\n")
        .en("Militias threaten")
        .front("authors: [sara-almusawi, Hawre Aziz]\n")
}

/// A story at 23:00 Baghdad time on 30 November, by Sara alone, with an
/// `updated` at the same instant written with another offset.
fn talks() -> Story {
    Story::new("news/talks", "2025-11-30T20:00:00Z")
        .tags("[iraq]")
        .front("author: sara-almusawi\nupdated: 2025-11-30T23:00:00+03:00\n")
        .ar("الحوار مستمر")
        .en("Talks continue")
}

fn site() -> Site {
    let site = Site::new();
    site.write("digest.yaml", &config())
        .write("content/authors.yaml", AUTHORS)
        .write(
            "content/about.ar.md",
            "---\ntitle: عن الموجز\n---\nموجز أخبار العراق.\n",
        )
        .write(
            "content/about.en.md",
            "---\ntitle: About The Digest\n---\nA digest of news from Iraq.\n",
        )
        .write_bytes(
            "content/authors/sara.jpg",
            &pictures::camera_jpeg(96, 96, 1),
        )
        .story(militias())
        .story(talks());
    site
}

/// The page's `NewsArticle` JSON-LD.
fn news_article(page: &Page) -> serde_json::Value {
    let scripts = page.texts("script[type='application/ld+json']");
    scripts
        .iter()
        .map(|s| serde_json::from_str::<serde_json::Value>(s).unwrap())
        .find(|v| v["@type"] == "NewsArticle")
        .unwrap_or_else(|| panic!("{}: no NewsArticle in {scripts:?}", page.path))
}

/// The hrefs of the byline's author links.
fn byline_links(page: &Page) -> Vec<String> {
    page.attrs(".byline .author a", "href")
}

#[test]
fn a_byline_joins_a_keyed_and_a_free_author_the_editions_way() {
    let built = site().build();
    let en = built.page("en/news/militias/");
    assert_eq!(
        en.text(".byline .author"),
        "By Sara al-Musawi and Hawre Aziz"
    );
    let ar = built.page("ar/news/militias/");
    assert_eq!(ar.text(".byline .author"), "بقلم سارة الموسوي وهاوري عزيز");
    // Sara by key and by her Arabic name is one person: the same key in
    // both editions. Hawre, a free name, is each edition's own author.
    assert_eq!(
        byline_links(&en),
        ["/en/authors/sara-almusawi/", "/en/authors/hawre-aziz/"]
    );
    let ar_links = byline_links(&ar);
    assert_eq!(ar_links[0], "/ar/authors/sara-almusawi/");
    assert_eq!(
        crate::common::file_of(&ar_links[1]),
        "ar/authors/هاوري-عزيز/index.html"
    );
    // Every byline link leads to the author's page.
    for (page, names) in [
        (&en, ["Sara al-Musawi", "Hawre Aziz"]),
        (&ar, ["سارة الموسوي", "هاوري عزيز"]),
    ] {
        for (href, name) in byline_links(page).iter().zip(names) {
            assert_eq!(built.page_at(href).text("h1"), name, "{href}");
        }
    }
}

#[test]
fn json_ld_names_each_author_as_a_person_with_a_url_and_each_correction() {
    let built = site().build();
    let data = news_article(&built.page("en/news/militias/"));
    assert_eq!(
        data["author"],
        serde_json::json!([
            {
                "@type": "Person",
                "name": "Sara al-Musawi",
                "jobTitle": "Baghdad correspondent",
                "image": "https://digest.example.org/authors/sara.jpg",
                "sameAs": ["https://example.com/sara"],
                "url": "https://digest.example.org/en/authors/sara-almusawi/"
            },
            {
                "@type": "Person",
                "name": "Hawre Aziz",
                "url": "https://digest.example.org/en/authors/hawre-aziz/"
            }
        ])
    );
    // The exact instant as written; modified is the latest correction,
    // later than `updated`.
    assert_eq!(data["datePublished"], "2025-11-30T22:30:00+00:00");
    assert_eq!(data["dateModified"], "2025-12-02T10:00:00+03:00");
    let mut corrections = data["correction"].as_array().unwrap().clone();
    corrections.sort_by_key(|c| c["datePublished"].as_str().unwrap().to_string());
    assert_eq!(
        corrections,
        [
            serde_json::json!({
                "@type": "CorrectionComment",
                "datePublished": "2025-12-01T18:40:00+03:00",
                "text": "An earlier version gave the wrong deadline."
            }),
            serde_json::json!({
                "@type": "CorrectionComment",
                "datePublished": "2025-12-02T10:00:00+03:00",
                "text": "An earlier version misspelt a name."
            }),
        ]
    );
    // A story without corrections has none, and one author is one Person.
    let data = news_article(&built.page("ar/news/talks/"));
    assert!(data.get("correction").is_none(), "{data}");
    assert_eq!(data["author"]["name"], "سارة الموسوي");
    assert_eq!(
        data["author"]["url"],
        "https://digest.example.org/ar/authors/sara-almusawi/"
    );
    assert_eq!(data["dateModified"], "2025-11-30T23:00:00+03:00");
}

/// The byline's times: (shown text, datetime).
fn byline_times(page: &Page) -> Vec<(String, String)> {
    page.texts(".byline time")
        .into_iter()
        .zip(page.attrs(".byline time", "datetime"))
        .collect()
}

#[test]
fn dates_are_shown_in_the_sites_time_zone_with_their_time() {
    let built = site().build();
    // Published 22:30 UTC on 30 November: 01:30 on 1 December in Baghdad.
    // `updated` differs, so it is shown, with its time.
    assert_eq!(
        byline_times(&built.page("en/news/militias/")),
        [
            (
                "1 December 2025, 01:30".to_string(),
                "2025-11-30T22:30:00+00:00".to_string()
            ),
            (
                "1 December 2025, 09:15".to_string(),
                "2025-12-01T09:15:00+03:00".to_string()
            ),
        ]
    );
    assert_eq!(
        byline_times(&built.page("ar/news/militias/")),
        [
            (
                "1 كانون الأول 2025، 01:30".to_string(),
                "2025-11-30T22:30:00+00:00".to_string()
            ),
            (
                "1 كانون الأول 2025، 09:15".to_string(),
                "2025-12-01T09:15:00+03:00".to_string()
            ),
        ]
    );
    // An `updated` at the publication's instant (another offset) is not
    // shown a second time.
    assert_eq!(
        byline_times(&built.page("en/news/talks/")),
        [(
            "30 November 2025, 23:00".to_string(),
            "2025-11-30T20:00:00+00:00".to_string()
        )]
    );
    // Cards show the date alone.
    let section = built.page("en/news/");
    assert_eq!(
        section.texts(".card .meta time"),
        ["1 December 2025", "30 November 2025"]
    );
    assert!(
        section.attrs(".card time", "data-relative").is_empty(),
        "relative dates are a theme option, off by default"
    );
}

#[test]
fn a_twelve_hour_clock_is_a_setting_per_edition() {
    let built = site()
        .write(
            "digest.yaml",
            &config().replace("    locale: en-GB\n", "    locale: en-GB\n    clock: 12\n"),
        )
        .build();
    // English reads a 12-hour clock; Arabic keeps the 24-hour default.
    let en: Vec<String> = byline_times(&built.page("en/news/militias/"))
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    assert_eq!(en, ["1 December 2025, 1:30 am", "1 December 2025, 9:15 am"]);
    assert_eq!(
        byline_times(&built.page("en/news/talks/"))[0].0,
        "30 November 2025, 11:00 pm"
    );
    assert_eq!(
        byline_times(&built.page("ar/news/militias/"))[0].0,
        "1 كانون الأول 2025، 01:30"
    );
}

/// The titles of a list page's cards, in order.
fn card_titles(built: &Built, rel: &str) -> Vec<String> {
    built.page(rel).texts(".card-title")
}

#[test]
fn monthly_archives_file_stories_by_the_sites_calendar() {
    let built = site().build();
    assert_eq!(card_titles(&built, "en/2025/12/"), ["Militias threaten"]);
    assert_eq!(card_titles(&built, "en/2025/11/"), ["Talks continue"]);
    assert_eq!(card_titles(&built, "ar/2025/12/"), ["الميليشيات تهدد"]);
    assert_eq!(built.page("ar/2025/12/").text("h1"), "كانون الأول 2025");
}

#[test]
fn corrections_are_shown_at_the_end_newest_first_with_their_dates() {
    let built = site().build();
    let en = built.page("en/news/militias/");
    assert_eq!(en.text(".corrections h2"), "Corrections");
    assert_eq!(
        en.texts(".corrections li .correction-date"),
        ["2 December 2025, 10:00", "1 December 2025, 18:40"]
    );
    assert_eq!(
        en.texts(".corrections li > p:not(.correction-date)"),
        [
            "An earlier version misspelt a name.",
            "An earlier version gave the wrong deadline."
        ]
    );
    assert_eq!(
        en.attrs(".corrections time", "datetime"),
        ["2025-12-02T10:00:00+03:00", "2025-12-01T18:40:00+03:00"]
    );
    // The text is Markdown.
    assert_eq!(en.text(".corrections li em"), "deadline");
    // After the story's text.
    assert_eq!(en.count(".story > .body + .corrections"), 1);
    // Two corrections take the dual in Arabic; one is "Correction".
    let ar = built.page("ar/news/militias/");
    assert_eq!(ar.text(".corrections h2"), "تصحيحان");
    let f = site();
    f.story(militias_corrected(
        "corrections: [{ date: 2025-12-03, text: One. }]\n",
    ));
    let built = f.build();
    assert_eq!(
        built.page("en/news/militias/").text(".corrections h2"),
        "Correction"
    );
    assert_eq!(
        built.page("ar/news/militias/").text(".corrections h2"),
        "تصحيح"
    );
    assert_eq!(built.page("en/news/talks/").count(".corrections"), 0);
}

#[test]
fn feeds_mark_a_corrected_entry_updated_and_name_its_authors() {
    let built = site().build();
    let feed = built.xml("en/atom.xml");
    let atom = "http://www.w3.org/2005/Atom";
    let entry = feed
        .descendants()
        .find(|n| {
            n.has_tag_name((atom, "entry"))
                && n.children().any(|c| {
                    c.has_tag_name((atom, "title")) && c.text() == Some("Militias threaten")
                })
        })
        .expect("the story's entry");
    let child = |name: &str| {
        entry
            .children()
            .find(|c| c.has_tag_name((atom, name)))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(child("updated"), "2025-12-02T10:00:00+03:00");
    assert_eq!(child("published"), "2025-11-30T22:30:00+00:00");
    let authors: Vec<(String, String)> = entry
        .children()
        .filter(|c| c.has_tag_name((atom, "author")))
        .map(|a| {
            let text = |name: &str| {
                a.children()
                    .find(|c| c.has_tag_name((atom, name)))
                    .and_then(|c| c.text())
                    .unwrap_or_default()
                    .to_string()
            };
            (text("name"), text("uri"))
        })
        .collect();
    assert_eq!(
        authors,
        [
            (
                "Sara al-Musawi".to_string(),
                "https://digest.example.org/en/authors/sara-almusawi/".to_string()
            ),
            (
                "Hawre Aziz".to_string(),
                "https://digest.example.org/en/authors/hawre-aziz/".to_string()
            ),
        ]
    );
    let json = built.json("en/feed.json");
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Militias threaten")
        .unwrap();
    assert_eq!(item["date_modified"], "2025-12-02T10:00:00+03:00");
}

#[test]
fn an_author_has_a_page_and_a_feed_in_each_edition() {
    let built = site().build();
    let page = built.page("en/authors/sara-almusawi/");
    assert_eq!(page.text("h1"), "Sara al-Musawi");
    assert_eq!(page.text(".author-head .role"), "Baghdad correspondent");
    assert_eq!(
        page.text(".author-head .bio"),
        "Covers politics and security in Iraq."
    );
    assert_eq!(
        page.attrs(".author-links a", "href"),
        ["https://example.com/sara"]
    );
    // Published at its own address, as the picture stage publishes what
    // pages link to: the same picture, without the camera's metadata.
    let picture = page.attr(".author-head img.author-picture", "src");
    assert_eq!(picture, "/authors/sara.jpg");
    let bytes = built.bytes(&crate::common::file_of(&picture));
    let found = pictures::decode(bytes);
    assert_eq!(
        (found.format, found.width, found.height),
        (image::ImageFormat::Jpeg, 96, 96),
        "{picture}"
    );
    assert!(
        !found.exif && !found.xmp,
        "{picture} keeps metadata: {found:?}"
    );
    assert!(
        !String::from_utf8_lossy(bytes).contains(SECRET),
        "{picture} keeps the camera's metadata"
    );
    // Newest first.
    assert_eq!(
        page.texts(".card-title"),
        ["Militias threaten", "Talks continue"]
    );
    assert_eq!(page.text(".list-head .count"), "2 articles");
    // The switcher and hreflang lead to the same author in Arabic.
    let ar = built.page("ar/authors/sara-almusawi/");
    assert_eq!(ar.text("h1"), "سارة الموسوي");
    assert_eq!(
        ar.text(".author-head .bio"),
        "تغطي السياسة والأمن في العراق."
    );
    let switch: BTreeMap<String, String> = page
        .switcher()
        .into_iter()
        .map(|s| (s.lang, s.href))
        .collect();
    assert_eq!(switch["ar"], "/ar/authors/sara-almusawi/");
    assert_eq!(
        page.alternates(),
        BTreeMap::from([
            (
                "ar".to_string(),
                "https://digest.example.org/ar/authors/sara-almusawi/".to_string()
            ),
            (
                "en".to_string(),
                "https://digest.example.org/en/authors/sara-almusawi/".to_string()
            ),
            (
                "x-default".to_string(),
                "https://digest.example.org/ar/authors/sara-almusawi/".to_string()
            ),
        ])
    );
    // The author's Atom feed, linked from the page.
    let feed_href = page.attr(".feed-link a", "href");
    assert_eq!(feed_href, "/en/authors/sara-almusawi/atom.xml");
    let feed = built.xml("en/authors/sara-almusawi/atom.xml");
    let titles: Vec<&str> = feed
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().unwrap().has_tag_name("entry"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(titles, ["Militias threaten", "Talks continue"]);
    // The index lists every author of the edition.
    let index = built.page("en/authors/");
    assert_eq!(
        index.texts(".author-index a"),
        ["Hawre Aziz", "Sara al-Musawi"]
    );
    // The sitemap lists author pages with their alternates.
    let sitemap = built.xml("sitemap.xml");
    let url = sitemap
        .descendants()
        .find(|n| {
            n.has_tag_name("loc")
                && n.text() == Some("https://digest.example.org/en/authors/sara-almusawi/")
        })
        .expect("the author page in the sitemap")
        .parent()
        .unwrap();
    let alternates: Vec<&str> = url
        .children()
        .filter(|c| c.has_tag_name("link"))
        .filter_map(|c| c.attribute("hreflang"))
        .collect();
    assert_eq!(alternates, ["ar", "en", "x-default"]);
}

#[test]
fn an_author_page_is_paginated_newest_first() {
    // Four stories by Sara, three a page.
    let f = site();
    for day in 3..5 {
        f.story(
            Story::new(&format!("news/day-{day}"), &format!("2025-12-0{day}T08:00"))
                .tags("[iraq]")
                .front("author: sara-almusawi\n")
                .ar(&format!("يوم {day}"))
                .en(&format!("Day {day}")),
        );
    }
    let built = f.build();
    assert_eq!(
        card_titles(&built, "en/authors/sara-almusawi/"),
        ["Day 4", "Day 3", "Militias threaten"]
    );
    assert_eq!(
        card_titles(&built, "en/authors/sara-almusawi/page/2/"),
        ["Talks continue"]
    );
}

#[test]
fn a_standalone_page_has_no_date_byline_or_reading_time_and_is_in_the_menu() {
    let built = site().build();
    for (rel, title) in [
        ("en/about/", "About The Digest"),
        ("ar/about/", "عن الموجز"),
    ] {
        let page = built.page(rel);
        assert_eq!(page.text("h1"), title);
        assert_eq!(page.count("time"), 0, "{rel}");
        assert_eq!(page.count(".byline"), 0, "{rel}");
        assert!(
            !page.texts("main").concat().contains("min read")
                && !page.texts("main").concat().contains("قراءة"),
            "{rel}: a reading time"
        );
        assert!(
            news_article_absent(&page),
            "{rel}: a standalone page is not a NewsArticle"
        );
    }
    // In no list or feed.
    for rel in [
        "en/",
        "en/news/",
        "en/2025/12/",
        "en/authors/sara-almusawi/",
    ] {
        assert!(
            !card_titles(&built, rel).contains(&"About The Digest".to_string()),
            "{rel}"
        );
    }
    assert!(!built.read("en/atom.xml").contains("About The Digest"));
    let json = built.json("en/feed.json");
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["title"] != "About The Digest")
    );
    // The menu, in order, in the masthead (followed by the search page) and
    // the footer of every page.
    let home = built.page("en/");
    let menu = [
        "/en/news/",
        "/en/authors/",
        "/en/about/",
        "https://archive.example.org/",
    ];
    assert_eq!(
        home.attrs("nav.primary a", "href"),
        [&menu[..], &["/en/search/"]].concat()
    );
    assert_eq!(
        home.texts("nav.primary a"),
        ["News", "Authors", "About The Digest", "Archive", "Search"]
    );
    assert_eq!(home.attrs(".site-menu a", "href"), menu);
    let about = built.page("ar/about/");
    assert_eq!(
        about.texts("nav.primary a"),
        ["أخبار", "الكتّاب", "عن الموجز", "الأرشيف", "بحث"]
    );
    assert_eq!(
        about.attrs("nav.primary a[aria-current=page]", "href"),
        ["/ar/about/"]
    );
}

fn news_article_absent(page: &Page) -> bool {
    page.texts("script[type='application/ld+json']")
        .iter()
        .all(|s| serde_json::from_str::<serde_json::Value>(s).unwrap()["@type"] != "NewsArticle")
}

#[test]
fn without_a_menu_the_masthead_shows_the_editions_sections() {
    let f = site();
    f.edit("digest.yaml", |text| {
        text.split("menu:").next().unwrap().to_string()
    });
    let built = f.build();
    let home = built.page("en/");
    let links = home.attrs("nav.primary a", "href");
    assert!(links.contains(&"/en/news/".to_string()), "{links:?}");
    assert!(!links.contains(&"/en/about/".to_string()), "{links:?}");
    assert_eq!(home.attrs(".site-menu a", "href")[0], "/en/news/");
}

#[test]
fn relative_dates_are_a_theme_option() {
    let f = site();
    f.edit("digest.yaml", |text| {
        format!("{text}theme_options: {{ relative_dates: true }}\n")
    });
    let built = f.build();
    let section = built.page("en/news/");
    assert_eq!(
        section.attrs(".card time", "data-relative").len(),
        2,
        "every card's date can be told relatively"
    );
    let script = section.attr("script[src]", "src");
    assert!(built.exists(script.trim_start_matches('/')), "{script}");
    // Off (the default), the script is neither linked nor published.
    let built = site().build();
    assert_eq!(built.page("en/news/").count("script[src]"), 0);
    assert!(
        !built.paths().any(|p| p.contains("relative-dates")),
        "the script is published only with its option"
    );
}

#[test]
fn relative_dates_are_told_in_the_readers_browser_in_each_editions_words() {
    let Some(browser) =
        chromium("relative_dates_are_told_in_the_readers_browser_in_each_editions_words")
    else {
        return;
    };
    // One story three hours before the reader's clock, one ten days
    // before: the first is told relatively, the second keeps its date.
    let now = jiff::Timestamp::now();
    let at =
        |hours: i64| (now - jiff::SignedDuration::from_hours(hours)).strftime("%Y-%m-%dT%H:%M:%SZ");
    let f = Site::new();
    f.write(
        "digest.yaml",
        &format!("{CONFIG}theme_options: {{ relative_dates: true }}\n"),
    )
    .story(
        Story::new("news/recent", &at(3).to_string())
            .ar("خبر قبل قليل")
            .en("A story of this morning"),
    )
    .story(
        Story::new("news/older", &at(240).to_string())
            .ar("خبر قديم")
            .en("An older story"),
    );
    let built = f.build();
    let server = serve(&f);
    let tab = browser.new_tab().unwrap();
    let times = |path: &str| -> Vec<(String, String)> {
        tab.navigate_to(&format!("http://{}/{path}", server.addr()))
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let read = eval(
            &tab,
            "JSON.stringify([...document.querySelectorAll('.card time')].map(t => [t.textContent, t.getAttribute('title') || '']))",
        );
        serde_json::from_str(read.as_str().unwrap()).unwrap()
    };
    for (path, recent) in [("en/news/", "3 hours ago"), ("ar/news/", "قبل 3 ساعات")] {
        let built_dates = built.page(path).texts(".card time");
        let shown = times(path);
        assert_eq!(
            shown,
            [
                (recent.to_string(), built_dates[0].clone()),
                (built_dates[1].clone(), String::new()),
            ],
            "{path}: the recent date reworded (the built one kept as its title), the older kept"
        );
    }
}
