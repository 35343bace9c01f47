//! `digest build`: fixture sites in, pages out.

use crate::common::{CONFIG, Site, Story, file_of};

/// Two translated stories and one Arabic-only story.
fn two_editions() -> Site {
    let f = Site::new();
    f.story(
        Story::new("news/withdrawal", "2021-12-10")
            .ar("واشنطن تنهي الأعمال القتالية")
            .tags("[العراق, القوات الأميركية]")
            .body("قالت واشنطن إنها ستبقي قواتها.")
            .en("Washington ends combat operations")
            .tags("[Iraq, us-forces]")
            .body("Washington said it will keep its forces."),
    );
    f.story(
        Story::new("news/dialogue", "2021-12-09")
            .ar("أربع جولات من الحوار")
            .tags("[iraq]")
            .body("عقد الحوار بواقع 4 جولات.")
            .en("Four rounds of dialogue")
            .tags("[Iraq]")
            .body("The dialogue was held over 4 rounds."),
    );
    f.story(
        Story::new("news/local", "2021-12-08")
            .ar("خبر محلي")
            .tags("[العراق]")
            .body("خبر بالعربية فقط."),
    );
    f
}

#[test]
fn every_page_carries_its_editions_language_and_direction() {
    // lang/dir come from the page's language on every page kind, never from the template.
    let f = two_editions();
    let built = f.build();
    let pages = built.html_pages();
    assert!(pages.len() > 15, "{pages:?}");
    for path in pages {
        let page = built.page(&path);
        let (lang, dir) = (page.attr("html", "lang"), page.attr("html", "dir"));
        if path.starts_with("en/") {
            assert_eq!((lang.as_str(), dir.as_str()), ("en", "ltr"), "{path}");
        } else {
            assert_eq!((lang.as_str(), dir.as_str()), ("ar", "rtl"), "{path}");
        }
    }
}

#[test]
fn translations_link_to_each_other() {
    // An article and its translation point at each other.
    let f = two_editions();
    let built = f.build();
    let ar = built.page("ar/news/withdrawal/index.html");
    let en = built.page("en/news/withdrawal/index.html");
    assert_eq!(ar.text("h1"), "واشنطن تنهي الأعمال القتالية");
    assert_eq!(en.text("h1"), "Washington ends combat operations");
    assert_eq!(ar.attr(".translation a", "href"), "/en/news/withdrawal/");
    assert_eq!(en.attr(".translation a", "href"), "/ar/news/withdrawal/");
    assert_eq!(ar.attr(".translation", "lang"), "en");
    assert_eq!(en.attr(".translation", "dir"), "rtl");
}

#[test]
fn a_topic_is_one_topic_in_both_editions() {
    // /ar/tags/iraq/ and /en/tags/iraq/ list the same stories, named by key or label.
    let f = two_editions();
    let built = f.build();
    let ar = built.page("ar/tags/iraq/index.html");
    let en = built.page("en/tags/iraq/index.html");
    assert_eq!(ar.text("h1"), "العراق");
    assert_eq!(en.text("h1"), "Iraq");
    assert_eq!(
        ar.attrs(".card-title a", "href"),
        [
            "/ar/news/withdrawal/",
            "/ar/news/dialogue/",
            "/ar/news/local/"
        ]
    );
    assert_eq!(
        en.attrs(".card-title a", "href"),
        ["/en/news/withdrawal/", "/en/news/dialogue/"]
    );
    let us_ar = built.page("ar/tags/us-forces/index.html");
    let us_en = built.page("en/tags/us-forces/index.html");
    assert_eq!(
        us_ar.attrs(".card-title a", "href"),
        ["/ar/news/withdrawal/"]
    );
    assert_eq!(
        us_en.attrs(".card-title a", "href"),
        ["/en/news/withdrawal/"]
    );
    let index = built.page("ar/tags/index.html");
    assert_eq!(
        index.attrs(".topic-index a", "href"),
        ["/ar/tags/iraq/", "/ar/tags/us-forces/"]
    );
}

#[test]
fn edition_homes_are_newest_first_and_paginated() {
    // paginate: 3 splits seven stories into three pages linked by prev/next.
    let f = Site::new();
    for day in 1..=7 {
        f.story(
            Story::new(&format!("news/story-{day}"), &format!("2021-12-0{day}"))
                .ar(&format!("خبر {day}")),
        );
    }
    let built = f.build();
    let first = built.page("ar/index.html");
    assert_eq!(
        first.attrs(".card-title a", "href"),
        [
            "/ar/news/story-7/",
            "/ar/news/story-6/",
            "/ar/news/story-5/"
        ]
    );
    assert_eq!(first.attr(".pager a[rel=next]", "href"), "/ar/page/2/");
    let second = built.page("ar/page/2/index.html");
    assert_eq!(
        second.attrs(".card-title a", "href"),
        [
            "/ar/news/story-4/",
            "/ar/news/story-3/",
            "/ar/news/story-2/"
        ]
    );
    assert_eq!(second.attr(".pager a[rel=prev]", "href"), "/ar/");
    assert_eq!(second.attr(".pager a[rel=next]", "href"), "/ar/page/3/");
    let third = built.page("ar/page/3/index.html");
    assert_eq!(third.attrs(".card-title a", "href"), ["/ar/news/story-1/"]);
    assert_eq!(third.count(".pager a[rel=next]"), 0);
    assert!(!built.exists("ar/page/4/index.html"));
    assert!(
        !built.exists("ar/page/1/index.html"),
        "page 1 is the home itself"
    );
}

#[test]
fn the_front_door_shows_both_editions_latest_stories() {
    // `/` is bilingual: one section per edition, each in its own language and direction.
    let f = two_editions();
    let built = f.build();
    let front = built.page("index.html");
    assert_eq!(front.attrs("section.edition", "lang"), ["ar", "en"]);
    assert_eq!(front.attrs("section.edition", "dir"), ["rtl", "ltr"]);
    let titles = front.texts(".card-title a");
    assert!(titles.contains(&"خبر محلي".to_string()), "{titles:?}");
    assert!(
        titles.contains(&"Four rounds of dialogue".to_string()),
        "{titles:?}"
    );
}

#[test]
fn a_404_page_speaks_both_languages() {
    let f = two_editions();
    let built = f.build();
    let page = built.page("404.html");
    assert_eq!(
        page.texts(".not-found h1"),
        ["الصفحة غير موجودة", "Page not found"]
    );
}

#[test]
fn sections_and_monthly_archives_have_pages() {
    let f = two_editions();
    let built = f.build();
    assert_eq!(built.page("ar/news/index.html").count(".card"), 3);
    let december = built.page("en/2021/12/index.html");
    assert_eq!(december.text("h1"), "December 2021");
    assert_eq!(
        built.page("ar/2021/12/index.html").text("h1"),
        "كانون الأول 2021"
    );
    assert_eq!(
        built.page("ar/index.html").attrs(".archives a", "href"),
        ["/ar/2021/12/"]
    );
}

#[test]
fn markdown_tables_footnotes_and_strikethrough_render() {
    let f = Site::new();
    f.story(Story::new("news/x", "2021-12-10").en("X").body("| Round | Format |\n|---|---|\n| First | Virtual |\n\n~~combat~~ non-combat[^1]\n\n[^1]: As of December."));
    let built = f.build();
    let page = built.page("en/news/x/index.html");
    assert_eq!(page.texts(".body td"), ["First", "Virtual"]);
    assert_eq!(page.text(".body del"), "combat");
    assert_eq!(page.count(".body .footnote-definition"), 1);
}

#[test]
fn minified_output_keeps_arabic_and_mixed_text_intact() {
    // minify-html must not touch multibyte text or the spaces between Arabic and English words.
    let f = Site::new();
    f.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    let body =
        "قالت واشنطن (Washington) إن   2500 عسكري سيبقون — “داعش” ISIS.\n\nMixed: العراق and Iraq.";
    f.story(
        Story::new("news/mixed", "2021-12-10")
            .ar("عنوان مع English")
            .body(body),
    );
    let built = f.build();
    let html = built.read("ar/news/mixed/index.html");
    assert!(
        html.contains("قالت واشنطن (Washington) إن 2500 عسكري سيبقون — “داعش” ISIS."),
        "{html}"
    );
    assert!(html.contains("Mixed: العراق and Iraq."));
    assert!(html.contains("<h1>عنوان مع English</h1>"));
    assert!(!html.contains("\n\n"), "the page is minified");
}

#[test]
fn invalid_articles_are_reported_together_with_file_line_and_column() {
    // Every broken file is reported in one run, each with what to do.
    let f = Site::new();
    f.write(
        "content/news/yaml.ar.md",
        "---\ntitle: [unclosed\ndate: 2021-12-10\n---\nنص\n",
    );
    f.write("content/news/nofront.ar.md", "مجرد نص بلا ترويسة\n");
    f.write(
        "content/news/notitle.ar.md",
        "---\ndate: 2021-12-10\n---\nنص\n",
    );
    f.write(
        "content/news/nodate.en.md",
        "---\ntitle: No date\n---\ntext\n",
    );
    f.write(
        "content/news/baddate.en.md",
        "---\ntitle: Bad date\ndate: 10/12/2021\n---\ntext\n",
    );
    f.write(
        "content/news/typo.en.md",
        "---\ntitle: Typo\ndate: 2021-12-10\nsumary: x\n---\ntext\n",
    );
    f.write(
        "content/news/french.fr.md",
        "---\ntitle: Français\ndate: 2021-12-10\n---\ntexte\n",
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/baddate.en.md:3:7: `10/12/2021` is not a date digest can read\n  help: write the date as YYYY-MM-DD, or with a time as YYYY-MM-DDTHH:MM (optionally with an offset such as +03:00)",
            "error: content/news/french.fr.md:1:1: unknown language suffix `.fr`\n  help: name the file <slug>.<language>.md with one of the site's languages (ar, en), or add the language to digest.yaml",
            "error: content/news/nodate.en.md:1:1: the front matter has no `date`\n  help: add a line `date: YYYY-MM-DD` between the `---` lines",
            "error: content/news/nofront.ar.md:1:1: the file does not start with front matter (a `---` line)\n  help: start the file with a line `---`, then `title: …` and `date: …`, then another `---` line, then the article",
            "error: content/news/notitle.ar.md:1:1: the front matter has no `title`\n  help: add a line `title: …` between the `---` lines",
            "error: content/news/typo.en.md:4:1: unknown front matter key `sumary`\n  help: did you mean `summary`?",
            "error: content/news/yaml.ar.md:3:5: invalid YAML: did not find expected ',' or ']'\n  help: check the indentation and quoting on this line; text containing `: ` or starting with a quote, `[` or `{` must be quoted",
        ]
    );
}

#[test]
fn two_files_with_the_same_url_are_an_error_naming_both() {
    // Reported at the `slug:` line that gives the second file the first one's URL.
    let f = Site::new();
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("A")
            .front("slug: same\n")
            .body("a"),
    );
    f.story(
        Story::new("news/b", "2021-12-10")
            .en("B")
            .front("slug: same\n")
            .body("b"),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/b.en.md:4:7: this article has the same URL as content/news/a.en.md: /en/news/same/\n  help: give one of them a different file name or `slug`",
        ]
    );
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let f = Site::new();
    f.story(Story::new("news/a", "2021-12-10").en("A").body("a"));
    f.write(
        "themes/default/templates/topics.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ topics | nope }}\n{% endblock main %}\n",
    );
    let errors = f.build_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: themes/default/templates/topics.html:3:"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("nope"), "{}", errors[0]);
    assert!(
        errors[0].ends_with(
            "help: fix the template; see https://keats.github.io/tera/docs/ for the syntax"
        ),
        "{}",
        errors[0]
    );
}

#[test]
fn a_failed_build_leaves_the_published_site_exactly_as_it_was() {
    // Build once, break a file, build again: public/ is byte-for-byte the first build.
    let f = two_editions();
    let before = f.build();
    f.write(
        "content/news/withdrawal.en.md",
        "---\ntitle: broken\ndate: [\n---\n",
    );
    f.story(
        Story::new("news/new", "2021-12-11")
            .en("New story")
            .body("new"),
    );
    assert!(f.try_build().is_err());
    assert_eq!(f.public(), *before);
}

#[test]
fn the_command_exits_non_zero_and_prints_every_error() {
    let f = Site::new();
    f.write("content/news/a.en.md", "---\ntitle: A\n---\n");
    f.write("content/news/b.en.md", "---\ndate: 2021-12-10\n---\n");
    let out = f.run(&["build"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: content/news/a.en.md:1:1: the front matter has no `date`\n  help: add a line `date: YYYY-MM-DD` between the `---` lines\nerror: content/news/b.en.md:1:1: the front matter has no `title`\n  help: add a line `title: …` between the `---` lines\nbuild failed with 2 errors; the output was not changed\n"
    );
    assert!(!f.exists("public"));
}

#[test]
fn the_example_site_builds_with_the_seed_article_in_both_editions() {
    // The repository's own site: the seed article, its translation and shared topics.
    let f = Site::example();
    let built = f.build();
    assert!(
        built.report.warnings.is_empty(),
        "{:?}",
        built.report.warnings
    );
    let ar = built.page("ar/news/us-combat-role-ends/index.html");
    assert_eq!(
        ar.text("h1"),
        "واشنطن تنهي الأعمال القتالية في العراق بمقابل تقديم الدعم الجوي"
    );
    assert_eq!(ar.count("h1"), 1, "the title appears once");
    assert_eq!(
        ar.texts(".body h2"),
        [
            "الميليشيات تشكك وماكنزي يتوقع نوع الرد",
            "نفي وتأكيد",
            "قادة “الحوار الاستراتيجي”",
            "مخرجات الحوار"
        ]
    );
    assert_eq!(ar.count(".body blockquote"), 2);
    let read_more = ar.attrs(".body a", "href");
    assert_eq!(
        read_more,
        [
            "/ar/news/coalition-combat-mission-ends/",
            "/ar/news/araji-withdrawal-commitment/"
        ]
    );
    for link in read_more {
        assert!(built.exists(&file_of(&link)), "{link}");
    }
    assert!(
        !ar.text(".body").contains("النشرة البريدية") && !ar.text(".body").contains("نشرتنا"),
        "the newsletter footer is site chrome"
    );
    assert!(
        ar.text(".byline").contains("كانون الأول"),
        "Iraqi month names"
    );
    let en = built.page("en/news/us-combat-role-ends/index.html");
    assert!(en.text(".byline").contains("10 December 2021"));
    assert_eq!(
        en.attr(".translation a", "href"),
        "/ar/news/us-combat-role-ends/"
    );
    for (topic, min) in [("iraq", 7), ("us-forces", 6)] {
        let ar = built
            .page(&format!("ar/tags/{topic}/index.html"))
            .attrs(".card-title a", "href");
        let en = built
            .page(&format!("en/tags/{topic}/index.html"))
            .attrs(".card-title a", "href");
        assert!(ar.len() >= min, "{topic}: {ar:?}");
        let en_as_ar: Vec<String> = en.iter().map(|h| h.replacen("/en/", "/ar/", 1)).collect();
        assert_eq!(
            ar, en_as_ar,
            "{topic} lists the same stories in both editions"
        );
    }
}
