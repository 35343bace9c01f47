//! Editions and the newsletter: edition pages per day and per ISO week,
//! their index and feeds, the email HTML and text, `digest newsletter`'s
//! message and the signup call.

use crate::common::{Page, Site, Story, pictures};

/// [`crate::common::CONFIG`] in Baghdad's time zone.
fn config(extra: &str) -> String {
    format!("{}timezone: Asia/Baghdad\n{extra}", crate::common::CONFIG)
}

const SIGNUP: &str = "newsletter:
  signup:
    url: https://lists.example.org/subscribe
    field: EMAIL
    text:
      ar: هل أعجبك المحتوى؟ اشترك بنشرتنا البريدية.
";

/// Four published stories over two ISO weeks, a draft and a scheduled one.
fn site() -> Site {
    let site = Site::new();
    site.write("digest.yaml", &config(""));
    site.story(
        Story::new("news/talks", "2021-12-10T10:00:00+03:00")
            .ar("جولة رابعة من الحوار")
            .tags("[iraq]")
            .en("A fourth round of talks")
            .tags("[iraq]"),
    )
    // 23:30 UTC on the 9th is 02:30 on the 10th in Baghdad.
    .story(
        Story::new("analysis/since-2014", "2021-12-09T23:30:00Z")
            .ar("منذ 2014")
            .tags("[us-forces]")
            .en("Since 2014")
            .tags("[us-forces]"),
    )
    .story(
        Story::new("news/withdrawal", "2021-12-08T09:00:00+03:00")
            .ar("الانسحاب")
            .tags("[iraq, us-forces]"),
    )
    .story(
        Story::new("news/earlier", "2021-12-01T09:00:00+03:00")
            .ar("قبل أسبوع")
            .tags("[iraq, us-forces]")
            .en("A week before")
            .tags("[iraq, us-forces]"),
    )
    .story(
        Story::new("news/unfinished", "2021-12-10T12:00:00+03:00")
            .ar("مسودة")
            .front("draft: true\n"),
    )
    .story(Story::new("news/tomorrow", "2099-01-01T09:00:00+03:00").ar("خبر مجدول"));
    site
}

fn titles(page: &Page) -> Vec<String> {
    page.texts(".card-title")
}

#[test]
fn editions_follow_the_site_time_zone_and_leave_out_drafts_and_scheduled_stories() {
    let site = site();
    let options = digest::BuildOptions {
        drafts: true,
        ..site.options()
    };
    let built = site.build_with(&options, "public");
    // The draft is previewed with --drafts, but no edition carries it.
    assert!(built.exists("ar/news/unfinished/index.html"));
    let day = built.page("ar/editions/2021-12-10/index.html");
    assert_eq!(titles(&day), ["جولة رابعة من الحوار", "منذ 2014"]);
    assert!(!built.exists("ar/editions/2021-12-09/index.html"));
    let week = built.page("ar/editions/2021-W49/index.html");
    // The lead, then by section in the order `sections:` names them.
    assert_eq!(
        titles(&week),
        ["جولة رابعة من الحوار", "الانسحاب", "منذ 2014"]
    );
    assert!(built.exists("ar/editions/2021-W48/index.html"));
    let editions: Vec<&String> = built
        .paths()
        .filter(|p| p.contains("/editions/20"))
        .collect();
    assert!(
        editions.iter().all(|p| !p.contains("2099")),
        "a scheduled story makes no edition: {editions:?}"
    );
    assert_eq!(
        built
            .paths()
            .filter(|p| p.starts_with("ar/editions/20"))
            .count(),
        5,
        "three days and two weeks"
    );
    assert_eq!(
        built
            .paths()
            .filter(|p| p.starts_with("en/editions/20"))
            .count(),
        4,
        "two days and two weeks"
    );
}

#[test]
fn editions_follow_the_builds_clock() {
    let site = site();
    // At 09:00 in Baghdad on the 10th, the 10:00 story is scheduled: the
    // build holds it back, and the day's edition is the one story out.
    let early = digest::BuildOptions {
        now: Some(digest::dates::Moment::parse("2021-12-10T09:00").unwrap()),
        ..site.options()
    };
    let built = site.build_with(&early, "public");
    assert!(!built.exists("ar/news/talks/index.html"));
    let day = built.page("ar/editions/2021-12-10/index.html");
    assert_eq!(titles(&day), ["منذ 2014"]);
    assert!(
        !built
            .read("newsletter/ar/2021-12-10.txt")
            .contains("جولة رابعة")
    );
    // A preview of what is to come (`--future`) shows it, marked, but no
    // edition or email carries a story before its time.
    let preview = digest::BuildOptions {
        future: true,
        ..early
    };
    let built = site.build_with(&preview, "public");
    assert!(built.exists("ar/news/talks/index.html"));
    assert!(built.exists("ar/news/tomorrow/index.html"));
    let day = built.page("ar/editions/2021-12-10/index.html");
    assert_eq!(titles(&day), ["منذ 2014"]);
    assert!(
        !built
            .read("newsletter/ar/2021-12-10.txt")
            .contains("جولة رابعة")
    );
    let editions: Vec<&String> = built
        .paths()
        .filter(|p| p.contains("editions/") || p.starts_with("newsletter/"))
        .collect();
    assert!(editions.iter().all(|p| !p.contains("2099")), "{editions:?}");
    assert!(
        editions.iter().any(|p| p.contains("2021-W49")),
        "{editions:?}"
    );
}

#[test]
fn an_edition_leads_with_its_newest_story_links_its_neighbours_and_its_translation() {
    let built = site().build();
    let day = built.page("ar/editions/2021-12-10/index.html");
    assert_eq!(
        day.text(".lead .card-title"),
        "جولة رابعة من الحوار",
        "the newest story leads"
    );
    // The rest by section, under the section's name in the edition.
    assert_eq!(day.texts(".edition-group > h2"), ["تحليل"]);
    assert_eq!(day.attr("a[rel=prev]", "href"), "/ar/editions/2021-12-08/");
    assert_eq!(day.count("a[rel=next]"), 0, "the newest day has no next");
    let older = built.page("ar/editions/2021-12-08/index.html");
    assert_eq!(
        older.attr("a[rel=next]", "href"),
        "/ar/editions/2021-12-10/"
    );
    let week = built.page("ar/editions/2021-W49/index.html");
    assert_eq!(week.attr("a[rel=prev]", "href"), "/ar/editions/2021-W48/");
    assert_eq!(
        week.text("h1"),
        "أسبوع 6 كانون الأول 2021",
        "a week is named by its Monday"
    );
    // Editions of the same period in both languages are each other's
    // versions; an Arabic-only day has none.
    let alternates = day.alternates();
    assert_eq!(
        alternates.get("en").map(String::as_str),
        Some("https://digest.example.org/en/editions/2021-12-10/")
    );
    let only_ar = built.page("ar/editions/2021-12-08/index.html");
    assert!(!only_ar.alternates().contains_key("en"));

    let index = built.page("ar/editions/index.html");
    assert_eq!(
        index.attrs(".archives a", "href"),
        [
            "/ar/editions/2021-12-10/",
            "/ar/editions/2021-12-08/",
            "/ar/editions/2021-12-01/",
            "/ar/editions/2021-W49/",
            "/ar/editions/2021-W48/",
        ]
    );
}

#[test]
fn editions_can_group_stories_by_topic() {
    let site = site();
    site.write("digest.yaml", &config("newsletter:\n  group_by: topic\n"));
    let week = site.build().page("ar/editions/2021-W49/index.html");
    // After the lead: each story under its first topic, the biggest group first.
    assert_eq!(
        week.texts(".edition-group > h2"),
        ["القوات الأميركية", "العراق"]
    );
}

#[test]
fn the_feeds_of_editions_have_an_entry_per_edition_listing_its_stories() {
    let built = site().build();
    let feed = built.xml("ar/editions/daily.xml");
    let atom = "http://www.w3.org/2005/Atom";
    let entries: Vec<_> = feed
        .descendants()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 3);
    let link = entries[0]
        .children()
        .find(|n| n.has_tag_name((atom, "link")))
        .unwrap();
    assert_eq!(
        link.attribute("href"),
        Some("https://digest.example.org/ar/editions/2021-12-10/")
    );
    let content = entries[0]
        .children()
        .find(|n| n.has_tag_name((atom, "content")))
        .unwrap()
        .text()
        .unwrap();
    let html = Page::parse("entry", content);
    assert_eq!(
        html.attrs("a", "href"),
        [
            "https://digest.example.org/ar/news/talks/",
            "https://digest.example.org/ar/analysis/since-2014/",
        ]
    );
    let weekly = built.xml("ar/editions/weekly.xml");
    assert_eq!(
        weekly
            .descendants()
            .filter(|n| n.has_tag_name((atom, "entry")))
            .count(),
        2
    );
}

/// Checks what mail clients need of an email's HTML.
fn check_email(path: &str, html: &str, lang: &str, dir: &str) {
    assert!(
        html.len() < 102_000,
        "{path} is {} bytes: Gmail clips it",
        html.len()
    );
    let page = Page::parse(path, html);
    assert_eq!(page.count("script"), 0, "{path} has a script");
    // Every block of text is inside an element that carries its direction
    // and language (Gmail drops them from <html>).
    let body = scraper::Selector::parse("body").unwrap();
    let body = page.html.select(&body).next().unwrap();
    for text in body.descendants().filter_map(|n| {
        n.value()
            .as_text()
            .filter(|t| !t.trim().is_empty())
            .map(|t| (n, t.to_string()))
    }) {
        let (node, words) = text;
        let holder = node
            .ancestors()
            .filter_map(scraper::ElementRef::wrap)
            .find(|e| e.value().attr("dir").is_some());
        let holder = holder.unwrap_or_else(|| panic!("{path}: `{words}` has no dir"));
        assert_eq!(holder.value().attr("dir"), Some(dir), "{path}: {words}");
        assert_eq!(holder.value().attr("lang"), Some(lang), "{path}: {words}");
        assert_ne!(holder.value().name(), "body");
    }
    // The layout is in style attributes: a <style> keeps only @media rules.
    for css in page.texts("style") {
        let mut rest = css.as_str();
        while let Some(at) = rest.find("@media") {
            assert!(rest[..at].trim().is_empty(), "{path}: <style> has {rest}");
            // Skip the @media block: to its matching closing brace.
            let mut depth = 0;
            let mut end = at;
            for (i, c) in rest[at..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = at + i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end..];
        }
        assert!(rest.trim().is_empty(), "{path}: <style> has {rest}");
    }
    assert!(page.count("td") > 3, "{path}: a table layout");
    assert_eq!(
        page.count("td:not([style])"),
        1,
        "{path}: every cell but the centring one is styled inline"
    );
    assert_eq!(page.count("p:not([style])"), 0, "{path}");
    for table in page.attrs("table", "role") {
        assert_eq!(table, "presentation");
    }
    // Every address is absolute.
    for attr in ["href", "src"] {
        for url in page.attrs(&format!("[{attr}]"), attr) {
            assert!(
                url.starts_with("https://digest.example.org/"),
                "{path}: {attr}={url}"
            );
        }
    }
    assert_eq!(
        page.count("img:not([width])"),
        0,
        "{path}: img without width"
    );
    assert_eq!(page.count("img:not([alt])"), 0, "{path}: img without alt");
    assert_eq!(page.count("img[alt='']"), 0, "{path}: img with empty alt");
    // The hidden preheader comes first.
    let preheader = page.attr("body > div:first-child", "style");
    assert!(preheader.contains("display: none"), "{path}: {preheader}");
}

#[test]
fn the_email_html_is_made_for_mail_clients() {
    let site = site();
    site.write_bytes(
        "content/news/photo.jpg",
        &pictures::jpeg(&pictures::photo(1600, 900, 3), 80),
    )
    .edit("content/news/talks.ar.md", |t| {
        t.replace(
            "tags:",
            "image: { src: photo.jpg, alt: وفدان حول طاولة }\ntags:",
        )
    });
    let built = site.build();
    let ar = built.read("newsletter/ar/2021-12-10.html");
    check_email("newsletter/ar/2021-12-10.html", ar, "ar", "rtl");
    check_email(
        "newsletter/en/2021-W49.html",
        built.read("newsletter/en/2021-W49.html"),
        "en",
        "ltr",
    );
    let page = Page::parse("ar", ar);
    // The picture is a published version (the one to share, a JPEG mail
    // clients all show), at its absolute address, shown 552 px wide.
    let src = page.attr("img", "src");
    assert!(
        src.starts_with("https://digest.example.org/news/photo."),
        "{src}"
    );
    let published = pictures::decode(built.bytes(&crate::common::file_of(&src)));
    assert_eq!(published.format, image::ImageFormat::Jpeg, "{src}");
    assert_eq!((published.width, published.height), (1200, 675), "{src}");
    assert_eq!(page.attr("img", "width"), "552");
    assert_eq!(page.attr("img", "alt"), "وفدان حول طاولة");
    assert_eq!(page.text("title"), "الموجز: 10 كانون الأول 2021");
    assert_eq!(
        page.attrs("a", "href")
            .into_iter()
            .filter(|h| h.contains("/news/talks/"))
            .count(),
        2,
        "the lead's picture and title link to it"
    );
    // Emails are not pages of the site.
    assert!(!built.read("sitemap.xml").contains("newsletter/"));
}

#[test]
fn a_big_day_stays_under_gmails_limit() {
    let site = Site::new();
    site.write("digest.yaml", &config(""));
    let summary = "ملخص طويل يشرح الخبر بالتفصيل للقارئ. ".repeat(12);
    for i in 0..80 {
        site.story(
            Story::new(
                &format!("news/s{i}"),
                &format!("2021-12-10T{:02}:{:02}:00+03:00", i / 60, i % 60),
            )
            .ar(&format!("الخبر رقم {i}"))
            .front(&format!("summary: \"{summary}\"\ntags: [iraq]\n")),
        );
    }
    let built = site.build();
    let html = built.read("newsletter/ar/2021-12-10.html");
    check_email("newsletter/ar/2021-12-10.html", html, "ar", "rtl");
    let page = Page::parse("ar", html);
    // 30 stories (`newsletter.email_stories`); the page has all 80.
    assert_eq!(page.count(".title, .lead-title"), 30);
    assert_eq!(
        page.text(".more"),
        "50 خبرًا آخر في هذا العدد",
        "the rest are on the web"
    );
    assert_eq!(
        built
            .page("ar/editions/2021-12-10/index.html")
            .count(".card"),
        80
    );

    // A limit so high that the email is too big is an error that says so.
    site.write(
        "digest.yaml",
        &config("newsletter:\n  email_stories: 500\n"),
    );
    let errors = site.build_errors();
    assert_eq!(
        errors.len(),
        2,
        "the day's email and the week's: {errors:?}"
    );
    assert!(
        errors[0].starts_with("error: the email public/newsletter/ar/2021-12-10.html is "),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("error: the email public/newsletter/ar/2021-W49.html is "),
        "{}",
        errors[1]
    );
    assert!(
        errors[0].contains("over the 102 KB at which Gmail clips a message\n  help: lower `newsletter.email_stories` in digest.yaml"),
        "{}",
        errors[0]
    );
}

#[test]
fn the_text_email_isolates_each_line_in_its_direction() {
    let built = site().build();
    let text = built.read("newsletter/ar/2021-12-10.txt");
    let (rli, lri, pdi) = ('\u{2067}', '\u{2066}', '\u{2069}');
    assert!(
        text.starts_with(&format!("{rli}الموجز: 10 كانون الأول 2021{pdi}\n")),
        "{text}"
    );
    for url in [
        "https://digest.example.org/ar/news/talks/",
        "https://digest.example.org/ar/analysis/since-2014/",
    ] {
        assert!(text.contains(&format!("{lri}{url}{pdi}")), "{text}");
    }
    assert!(text.contains(&format!("{rli}جولة رابعة من الحوار{pdi}")));
    assert!(!text.contains('<'), "no markup: {text}");
    let en = built.read("newsletter/en/2021-12-10.txt");
    assert!(
        en.starts_with(&format!("{lri}The Digest: 10 December 2021{pdi}\n")),
        "{en}"
    );
}

#[test]
fn digest_newsletter_writes_a_multipart_message_that_parses() {
    use mail_parser::MimeHeaders;
    let site = site();
    site.write(
        "digest.yaml",
        &config("newsletter:\n  from: \"الموجز <news@digest.example.org>\"\n"),
    );
    let out = site.run(&[
        "newsletter",
        "--lang",
        "ar",
        "--day",
        "2021-12-10",
        "-o",
        "ar.eml",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!site.exists("public"), "it builds in memory");
    let bytes = std::fs::read(site.path("ar.eml")).unwrap();
    let message = mail_parser::MessageParser::default()
        .parse(&bytes)
        .expect("the message parses");
    assert_eq!(message.subject(), Some("الموجز: 10 كانون الأول 2021"));
    let from = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.address(), Some("news@digest.example.org"));
    assert_eq!(from.name(), Some("الموجز"));
    let root = message.root_part().content_type().unwrap();
    assert_eq!(
        (root.ctype(), root.subtype()),
        ("multipart", Some("alternative"))
    );
    for (part, subtype) in [
        (message.text_part(0).unwrap(), "plain"),
        (message.html_part(0).unwrap(), "html"),
    ] {
        let ct = part.content_type().unwrap();
        assert_eq!((ct.ctype(), ct.subtype()), ("text", Some(subtype)));
        assert_eq!(ct.attribute("charset"), Some("utf-8"));
    }
    let html = message.body_html(0).unwrap();
    assert!(html.contains("جولة رابعة من الحوار"));
    check_email("ar.eml html", &html, "ar", "rtl");
    let text = message.body_text(0).unwrap();
    assert!(
        text.contains("https://digest.example.org/ar/news/talks/"),
        "{text}"
    );

    let week = site.run(&["newsletter", "--lang", "en", "--week", "2021-W49"]);
    assert!(
        week.status.success(),
        "{}",
        String::from_utf8_lossy(&week.stderr)
    );
    assert!(site.exists("newsletter-en-2021-W49.eml"));

    let none = site.run(&["newsletter", "--lang", "ar", "--day", "2021-12-09"]);
    assert!(!none.status.success());
    assert_eq!(
        String::from_utf8_lossy(&none.stderr),
        "error: there is no ar edition of 2021-12-09\n  help: editions exist for the days and ISO weeks with published stories; see the index of editions\nno message was written\n"
    );
    let unknown = site.run(&["newsletter", "--lang", "fr", "--day", "2021-12-10"]);
    assert_eq!(
        String::from_utf8_lossy(&unknown.stderr),
        "error: `fr` is not one of the site's languages\n  help: use one of: ar, en\nno message was written\n"
    );
    let bad = site.run(&["newsletter", "--lang", "ar", "--week", "2021-49"]);
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("`2021-49` is not an ISO week: write it as 2021-W49"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn the_signup_call_shows_under_articles_and_on_the_homes_only_when_configured() {
    let site = site();
    let plain = site.build();
    for page in ["ar/index.html", "ar/news/talks/index.html", "en/index.html"] {
        assert_eq!(plain.page(page).count(".signup"), 0, "{page}");
    }
    site.write("digest.yaml", &config(SIGNUP));
    let built = site.build();
    for page in [
        "ar/index.html",
        "ar/news/talks/index.html",
        "ar/editions/2021-12-10/index.html",
    ] {
        let page = built.page(page);
        assert_eq!(
            page.text(".signup p"),
            "هل أعجبك المحتوى؟ اشترك بنشرتنا البريدية."
        );
        assert_eq!(
            page.attr(".signup form", "action"),
            "https://lists.example.org/subscribe"
        );
        assert_eq!(page.attr(".signup input[type=email]", "name"), "EMAIL");
        assert_eq!(page.count("script:not([type='application/ld+json'])"), 0);
    }
    assert_eq!(
        built.page("ar/news/index.html").count(".signup"),
        0,
        "not on section lists"
    );
    assert_eq!(
        built.page("en/index.html").count(".signup"),
        0,
        "no call in English, no block"
    );

    // Without `field`, a link.
    site.write(
        "digest.yaml",
        &config(&SIGNUP.replace("    field: EMAIL\n", "")),
    );
    let linked = site.build().page("ar/index.html");
    assert_eq!(
        linked.attr(".signup a", "href"),
        "https://lists.example.org/subscribe"
    );
    assert_eq!(linked.text(".signup a"), "اشترك");
}

#[test]
fn newsletter_settings_are_checked() {
    let site = site();
    site.write(
        "digest.yaml",
        &config("newsletter:\n  group: topic\n  signup:\n    url: /subscribe\n    text:\n      fr: Abonnez-vous\n"),
    );
    let errors = site.build_errors();
    assert_eq!(
        errors,
        [
            "error: digest.yaml:21:3: unknown newsletter key `group`\n  help: did you mean `group_by`?",
            "error: digest.yaml:23:10: `/subscribe` is not an absolute address\n  help: give the subscription form's address, e.g. https://lists.example.org/subscribe",
            "error: digest.yaml:25:7: `fr` is not one of the site's languages",
        ]
    );
}

#[test]
fn the_example_site_publishes_daily_and_weekly_editions_in_both_languages() {
    let site = Site::example();
    let built = site.build();
    for lang in ["ar", "en"] {
        for period in ["2021-12-10", "2021-W49"] {
            let page = built.page(&format!("{lang}/editions/{period}/index.html"));
            assert!(page.count(".card") > 0, "{lang} {period}");
            let html = built.read(&format!("newsletter/{lang}/{period}.html"));
            let dir = if lang == "ar" { "rtl" } else { "ltr" };
            check_email(&format!("{lang} {period}"), html, lang, dir);
            assert!(built.exists(&format!("newsletter/{lang}/{period}.txt")));
        }
    }
    // The seed's call to subscribe, on the Arabic home.
    let home = built.page("ar/index.html");
    assert!(
        home.text(".signup p").starts_with(
            "هل أعجبك المحتوى وتريد المزيد منه يصل إلى صندوق بريدك الإلكتروني بشكلٍ دوري؟"
        )
    );
}

#[test]
fn the_arabic_email_reads_right_to_left_on_a_narrow_phone() {
    let Some(browser) =
        crate::common::browser::chromium("the_arabic_email_reads_right_to_left_on_a_narrow_phone")
    else {
        return;
    };
    use crate::common::browser::eval;
    let site = Site::example();
    site.build();
    let tab = browser.new_tab().unwrap();
    tab.set_bounds(headless_chrome::types::Bounds::Normal {
        left: Some(0),
        top: Some(0),
        width: Some(375.0),
        height: Some(812.0),
    })
    .unwrap();
    let url = format!(
        "file://{}",
        site.path("public/newsletter/ar/2021-W49.html").display()
    );
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let width = eval(&tab, "window.innerWidth").as_f64().unwrap();
    assert!(width <= 400.0, "the window is {width} px wide");
    assert_eq!(
        eval(
            &tab,
            "document.documentElement.scrollWidth <= window.innerWidth"
        ),
        true,
        "the email fits the width of a phone without scrolling sideways"
    );
    for (selector, expected) in [(".masthead", "rtl"), (".story", "rtl"), (".summary", "rtl")] {
        assert_eq!(
            eval(
                &tab,
                &format!("getComputedStyle(document.querySelector('{selector}')).direction")
            ),
            expected,
            "{selector}"
        );
    }
    // The title's right edge is the story cell's (less its padding): it
    // starts on the right.
    let gap = eval(
        &tab,
        "(() => { const cell = document.querySelector('.story').getBoundingClientRect(); \
         const title = document.querySelector('.lead-title a').getBoundingClientRect(); \
         return cell.right - title.right; })()",
    )
    .as_f64()
    .unwrap();
    assert!(
        (0.0..=30.0).contains(&gap),
        "the title is {gap} px from the right"
    );
    // For review: target/tmp/screenshots/email-ar-375.png.
    let png = tab
        .capture_screenshot(
            headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png,
            None,
            None,
            true,
        )
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("email-ar-375.png"), png).unwrap();
}
