//! Topics that are one topic in both editions: naming by key or label,
//! forgiving label matching, Unicode slugs, topic pages and the topic index,
//! related stories, monthly archives, and the warnings and errors writers
//! see.

use crate::common::{CONFIG, Files, Site, Story, TAGS, warnings};

/// The story addresses a list page links to, in order.
fn stories(files: &Files, path: &str) -> Vec<String> {
    files.page(path).attrs(".card-title a", "href")
}

/// A link as the address bar shows it.
/// An Arabic story at `content/{path}.ar.md` with `tags` as written after
/// `tags: `.
fn arabic(path: &str, date: &str, title: &str, tags: &str) -> Story {
    Story::new(path, date).ar(title).tags(tags).body("ن.")
}

fn decoded(href: &str) -> String {
    percent_encoding::percent_decode_str(href)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[test]
fn a_topic_is_named_by_its_key_or_by_its_label_in_the_articles_language() {
    // `iraq`, `العراق` and `Iraq` are one topic: the same stories on
    // /ar/tags/iraq/ and /en/tags/iraq/, which link to each other.
    let f = Site::new();
    for (stem, day, ar, en) in [("a", 10, "iraq", "Iraq"), ("b", 9, "العراق", "iraq")] {
        let date = format!("2021-12-{day:02}");
        f.story(
            Story::new(&format!("news/{stem}"), &date)
                .ar("خبر")
                .tags(&format!("[{ar}]"))
                .en("Story")
                .tags(&format!("[{en}]")),
        );
    }
    let built = f.build();
    assert!(
        built.report.warnings.is_empty(),
        "{:?}",
        built.report.warnings
    );
    assert_eq!(
        stories(&built, "ar/tags/iraq/index.html"),
        ["/ar/news/a/", "/ar/news/b/"]
    );
    assert_eq!(
        stories(&built, "en/tags/iraq/index.html"),
        ["/en/news/a/", "/en/news/b/"]
    );
    let ar = built.page("ar/tags/iraq/index.html");
    assert_eq!(ar.attr(".elsewhere a", "href"), "/en/tags/iraq/");
    assert_eq!(ar.text(".elsewhere"), "This topic in English: Iraq");
    assert_eq!(
        built
            .page("en/tags/iraq/index.html")
            .attr(".elsewhere a", "href"),
        "/ar/tags/iraq/"
    );
    assert_eq!(
        built
            .page("ar/tags/index.html")
            .attrs(".topic-index a", "href"),
        ["/ar/tags/iraq/"],
        "one topic, not three"
    );
}

#[test]
fn arabic_labels_written_with_or_without_hamza_tashkeel_or_tatweel_land_on_one_topic() {
    // Writers vary the hamza of alef, diacritics, tatweel, spacing and
    // presentation forms without meaning to: each spelling is the same
    // topic, for keys' labels and for free labels alike.
    let f = Site::new();
    let keyed = [
        "القوات الأميركية",
        "القوات الاميركية",
        "القوات الإميركية",
        "القوات الآميركية",
        "القُوّاتُ الأَمِيرْكِيَّة",
        "القوات الأمـــيركية",
        "  القوات   الأميركية ",
        "القوات ا\u{FEF7}ميركية",
    ];
    let free = [
        "الحوار الإستراتيجي",
        "الحوار الاستراتيجي",
        "الحِوارُ الاستراتيجيّ",
        "الحوار الاستراتيـجي",
        "الحوار الاستراتيجي",
    ];
    for (i, (k, t)) in keyed.iter().zip(free.iter().cycle()).enumerate() {
        f.story(
            Story::new(&format!("news/s{i}"), &format!("2021-12-{:02}", 10 + i))
                .ar(&format!("خبر {i}"))
                .tags(&format!("[\"{k}\", \"{t}\"]")),
        );
    }
    let built = f.build();
    assert!(
        built.report.warnings.is_empty(),
        "{:?}",
        built.report.warnings
    );
    let all: Vec<String> = (0..keyed.len())
        .rev()
        .map(|i| format!("/ar/news/s{i}/"))
        .collect();
    assert_eq!(
        stories(&built, "ar/tags/us-forces/index.html").len(),
        3,
        "first page of 3"
    );
    let mut listed = stories(&built, "ar/tags/us-forces/index.html");
    listed.extend(stories(&built, "ar/tags/us-forces/page/2/index.html"));
    listed.extend(stories(&built, "ar/tags/us-forces/page/3/index.html"));
    assert_eq!(listed, all);
    let mut free_listed = stories(&built, "ar/tags/الحوار-الاستراتيجي/index.html");
    free_listed.extend(stories(
        &built,
        "ar/tags/الحوار-الاستراتيجي/page/2/index.html",
    ));
    free_listed.extend(stories(
        &built,
        "ar/tags/الحوار-الاستراتيجي/page/3/index.html",
    ));
    assert_eq!(free_listed, all);
    let index = built.page("ar/tags/index.html");
    let hrefs: Vec<String> = index
        .attrs(".topic-index a", "href")
        .iter()
        .map(|h| decoded(h))
        .collect();
    assert_eq!(
        hrefs,
        ["/ar/tags/الحوار-الاستراتيجي/", "/ar/tags/us-forces/"]
    );
    // The free topic is shown as most articles spell it.
    assert_eq!(
        index.texts(".topic-index a"),
        ["الحوار الاستراتيجي", "القوات الأميركية"]
    );
}

#[test]
fn different_arabic_labels_stay_different_topics() {
    // Merging forgives accidents, not different words: a nisba, a missing
    // article, ta marbuta against ha and alef maqsura against ya are other
    // topics.
    let f = Site::new();
    let labels = [
        "العراق",
        "العراقي",
        "عراق",
        "مدينة",
        "مدينه",
        "مصطفى",
        "مصطفي",
    ];
    for (i, label) in labels.iter().enumerate() {
        f.story(
            Story::new(&format!("news/s{i}"), &format!("2021-12-{:02}", 10 + i))
                .ar("خبر")
                .tags(&format!("[{label}]")),
        );
    }
    let built = f.build();
    let index = built.page("ar/tags/index.html");
    let mut shown = index.texts(".topic-index a");
    shown.sort();
    let mut expected: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    expected.sort();
    assert_eq!(shown, expected);
    assert_eq!(index.count(".topic-index li"), labels.len());
}

#[test]
fn english_labels_forgive_case_and_spaces() {
    // "US forces", "us forces" and " US  Forces " are the key's label; free
    // labels merge the same way and show the spelling most articles use.
    let f = Site::new();
    let tags = [
        "[us forces, mosul]",
        "[US forces, Mosul]",
        "[\" US  Forces \", Mosul]",
        "[US FORCES, \"  MOSUL\"]",
    ];
    for (i, tags) in tags.iter().enumerate() {
        f.story(
            Story::new(&format!("news/s{i}"), &format!("2021-12-{:02}", 10 + i))
                .en("Story")
                .tags(tags),
        );
    }
    let built = f.build();
    let mut us = stories(&built, "en/tags/us-forces/index.html");
    us.extend(stories(&built, "en/tags/us-forces/page/2/index.html"));
    assert_eq!(us.len(), 4);
    let mut mosul = stories(&built, "en/tags/mosul/index.html");
    mosul.extend(stories(&built, "en/tags/mosul/page/2/index.html"));
    assert_eq!(mosul, us);
    assert_eq!(built.page("en/tags/mosul/index.html").text("h1"), "Mosul");
    assert_eq!(built.page("en/tags/index.html").count(".topic-index li"), 2);
}

#[test]
fn free_labels_get_unicode_slugs_that_keep_arabic_letters() {
    // No transliteration: the folder on disk is the Arabic words, links
    // percent-encode them, and the address bar shows them again.
    let f = Site::new();
    for (i, date) in ["2021-12-10", "2021-12-09"].iter().enumerate() {
        f.story(
            Story::new(&format!("news/s{i}"), date)
                .ar("خبر")
                .tags("[الحشد الشعبي]")
                .en("Story")
                .tags("[Mosul Dam]"),
        );
    }
    let built = f.build();
    let folders: Vec<String> = std::fs::read_dir(f.path("public/ar/tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "index.html")
        .collect();
    assert_eq!(folders, ["الحشد-الشعبي"], "a raw UTF-8 folder name");
    let article = built.page("ar/news/s0/index.html");
    let href = article.attr(".story-foot .topics a", "href");
    assert_eq!(
        href,
        "/ar/tags/%D8%A7%D9%84%D8%AD%D8%B4%D8%AF-%D8%A7%D9%84%D8%B4%D8%B9%D8%A8%D9%8A/"
    );
    assert_eq!(decoded(&href), "/ar/tags/الحشد-الشعبي/");
    let topic = built.page("ar/tags/الحشد-الشعبي/index.html");
    assert_eq!(topic.text("h1"), "الحشد الشعبي");
    assert_eq!(topic.count(".card"), 2);
    assert!(built.exists("ar/tags/الحشد-الشعبي/atom.xml"));
    assert!(
        built.read("sitemap.xml")
            .contains("<loc>https://digest.example.org/ar/tags/%D8%A7%D9%84%D8%AD%D8%B4%D8%AF-%D8%A7%D9%84%D8%B4%D8%B9%D8%A8%D9%8A/</loc>")
    );
    assert_eq!(
        built
            .page("en/news/s0/index.html")
            .attr(".story-foot .topics a", "href"),
        "/en/tags/mosul-dam/"
    );
}

#[test]
fn two_labels_with_the_same_url_are_an_error_naming_both_files() {
    // "الحشد الشعبي" and "الحشد-الشعبي" are different labels with one
    // address; so are a free label and a key's.
    let f = Site::new();
    f.story(
        Story::new("news/a", "2021-12-10")
            .ar("أ")
            .tags("[العراق, الحشد الشعبي]"),
    );
    f.story(
        Story::new("news/b", "2021-12-09")
            .ar("ب")
            .tags("[العراق, الحشد-الشعبي]"),
    );
    f.story(
        Story::new("news/d", "2021-12-07")
            .ar("د")
            .tags("[الحشد الشعبي]"),
    );
    f.story(
        Story::new("news/c", "2021-12-08")
            .en("C")
            .tags("[\"US forces!\"]"),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/b.ar.md:4:16: the topic `الحشد-الشعبي` would have the same URL (tags/الحشد-الشعبي/) as the topic `الحشد الشعبي` in content/news/a.ar.md\n  help: use the same spelling in both articles, or give the topic a key in tags.yaml",
            "error: content/news/c.en.md:4:9: the topic `US forces!` would have the same URL (tags/us-forces/) as the topic `US forces` (key `us-forces`) in content/tags.yaml\n  help: to mean that topic, write its key `us-forces` or its label; otherwise choose a label with another address",
        ]
    );
}

#[test]
fn topic_pages_are_newest_first_paginated_and_described() {
    // A topic page: the description from tags.yaml, the count in the right
    // plural form, newest stories first over pages of `paginate`, and a link
    // to the same topic in the other edition only when it has one.
    let f = Site::new();
    f.write(
        "content/tags.yaml",
        "iraq:\n  ar: { label: العراق, description: أخبار العراق السياسية }\n  en: { label: Iraq, description: Politics in Iraq }\nus-forces:\n  ar: القوات الأميركية\n  en: US forces\n",
    );
    for day in 1..=4 {
        let date = format!("2021-12-0{day}");
        f.story(
            Story::new(&format!("news/s{day}"), &date)
                .tags("[iraq]")
                .ar("خبر")
                .en("Story"),
        );
    }
    f.story(
        Story::new("news/only", "2021-11-01")
            .ar("خبر")
            .tags("[us-forces]"),
    );
    f.story(
        Story::new("news/only2", "2021-11-02")
            .ar("خبر")
            .tags("[us-forces]"),
    );
    let built = f.build();
    let ar = built.page("ar/tags/iraq/index.html");
    assert_eq!(ar.text(".list-head .description"), "أخبار العراق السياسية");
    assert_eq!(ar.text(".list-head .count"), "4 مقالات");
    assert_eq!(
        stories(&built, "ar/tags/iraq/index.html"),
        ["/ar/news/s4/", "/ar/news/s3/", "/ar/news/s2/"]
    );
    assert_eq!(
        stories(&built, "ar/tags/iraq/page/2/index.html"),
        ["/ar/news/s1/"]
    );
    assert_eq!(
        ar.attr(".pager a[rel=next]", "href"),
        "/ar/tags/iraq/page/2/"
    );
    assert_eq!(ar.attr(".elsewhere", "lang"), "en");
    assert_eq!(ar.attr(".elsewhere", "dir"), "ltr");
    assert_eq!(ar.attr(".elsewhere a", "href"), "/en/tags/iraq/");
    let en = built.page("en/tags/iraq/index.html");
    assert_eq!(en.text(".list-head .description"), "Politics in Iraq");
    assert_eq!(en.text(".list-head .count"), "4 articles");
    assert_eq!(en.attr(".elsewhere a", "href"), "/ar/tags/iraq/");
    assert_eq!(en.text(".elsewhere"), "الموضوع نفسه بالعربية: العراق");
    let alone = built.page("ar/tags/us-forces/index.html");
    assert_eq!(
        alone.count(".elsewhere"),
        0,
        "no English story has this topic"
    );
    assert_eq!(alone.text(".list-head .count"), "مقالان");
    assert!(!built.exists("en/tags/us-forces/index.html"));
}

#[test]
fn the_topic_index_is_sorted_by_size_then_by_name_in_the_editions_alphabet() {
    // Biggest topic first; topics of one size in alphabetical order, as the
    // language sorts (Iraq before ISIS, whatever the letter case).
    let f = Site::new();
    let en = [
        "[US forces, Basra, ISIS]",
        "[US forces, militias, Iraq]",
        "[US forces, Basra, Iraq]",
        "[militias, ISIS, Anbar]",
    ];
    let ar = [
        "[نينوى, بغداد]",
        "[كركوك, ديالى]",
        "[بغداد, كركوك, ديالى, نينوى]",
        "[كركوك]",
    ];
    for (i, (en, ar)) in en.iter().zip(ar).enumerate() {
        let date = format!("2021-12-{:02}", 10 + i);
        f.story(
            Story::new(&format!("news/s{i}"), &date)
                .en("S")
                .tags(en)
                .body("T.")
                .ar("خ")
                .tags(ar)
                .body("ن."),
        );
    }
    let built = f.build();
    assert_eq!(
        built.page("en/tags/index.html").texts(".topic-index a"),
        ["US forces", "Basra", "Iraq", "ISIS", "militias", "Anbar"]
    );
    assert_eq!(
        built.page("ar/tags/index.html").texts(".topic-index a"),
        ["كركوك", "بغداد", "ديالى", "نينوى"]
    );
}

#[test]
fn related_stories_share_topics_rarer_topics_weigh_more_newer_stories_win_ties() {
    // Up to `related` stories: the one sharing the rare topic beats newer
    // ones sharing a common topic; among equals the newest wins; never the
    // story itself, its translation, or a story sharing nothing.
    let f = Site::new();
    f.write("digest.yaml", &format!("{}related: 3\n", CONFIG));
    let stories = [
        ("target", "2021-12-05", "[Iraq, Basra]"),
        ("newest", "2021-12-09", "[Iraq]"),
        ("rare", "2021-12-01", "[Basra]"),
        ("older", "2021-12-04", "[Iraq]"),
        ("oldest", "2021-12-02", "[Iraq]"),
        ("unrelated", "2021-12-08", "[Kirkuk, Erbil]"),
        ("unrelated2", "2021-12-07", "[Kirkuk, Erbil]"),
    ];
    for (stem, date, tags) in stories {
        f.story(
            Story::new(&format!("news/{stem}"), date)
                .en(stem)
                .tags(tags)
                .body("T."),
        );
    }
    f.story(arabic("news/target", "2021-12-05", "الهدف", "[العراق]"));
    f.story(arabic("news/kin", "2021-12-03", "قريب", "[العراق]"));
    let built = f.build();
    let related =
        |built: &Files, path: &str| built.page(path).attrs(".related .card-title a", "href");
    assert_eq!(
        related(&built, "en/news/target/index.html"),
        ["/en/news/rare/", "/en/news/newest/", "/en/news/older/"]
    );
    assert_eq!(
        related(&built, "ar/news/target/index.html"),
        ["/ar/news/kin/"]
    );
    assert_eq!(
        related(&built, "ar/news/kin/index.html"),
        ["/ar/news/target/"]
    );
    assert_eq!(
        related(&built, "en/news/unrelated/index.html"),
        ["/en/news/unrelated2/"]
    );
    // A story sharing two topics beats one sharing only the rarer.
    f.story(
        Story::new("news/both", "2021-11-30")
            .en("both")
            .tags("[Basra, Iraq]")
            .body("T."),
    );
    let built = f.build();
    assert_eq!(
        related(&built, "en/news/target/index.html"),
        ["/en/news/both/", "/en/news/rare/", "/en/news/newest/"]
    );
    // `related: 0` turns them off.
    f.write("digest.yaml", &format!("{}related: 0\n", CONFIG));
    let built = f.build();
    assert_eq!(built.page("en/news/target/index.html").count(".related"), 0);
}

#[test]
fn cards_name_their_topics_when_the_theme_is_asked_to_and_related_stories_are_headlines() {
    // A list's card: kicker, headline, date and summary; its topics only
    // with the theme's `card_topics` (the story's own page names them). A
    // related story: kicker, headline and date, whatever the option.
    let f = Site::new();
    for (stem, date) in [("first", "2021-12-09"), ("second", "2021-12-08")] {
        f.story(
            Story::new(&format!("news/{stem}"), date)
                .en(stem)
                .front("summary: A short summary.\n")
                .tags("[Iraq, Basra]")
                .body("T."),
        );
    }
    let home = "en/index.html";
    let story = "en/news/first/index.html";
    let built = f.build();
    assert_eq!(built.page(home).count(".card"), 2);
    assert_eq!(
        built.page(home).texts(".card .summary"),
        ["A short summary.", "A short summary."]
    );
    assert_eq!(built.page(home).count(".card .topics"), 0);
    assert_eq!(
        built.page(story).texts(".story-foot .topics a"),
        ["Iraq", "Basra"]
    );
    let related = |built: &Files| {
        let page = built.page(story);
        (
            page.attrs(".related .card-title a", "href"),
            page.attrs(".related time", "datetime").len(),
            page.count(".related .summary") + page.count(".related .topics"),
        )
    };
    assert_eq!(
        related(&built),
        (vec!["/en/news/second/".to_string()], 1, 0)
    );

    f.write(
        "digest.yaml",
        &format!("{CONFIG}theme_options: {{ card_topics: true }}\n"),
    );
    let built = f.build();
    assert_eq!(
        built.page(home).texts(".card .topics a"),
        ["Iraq", "Basra", "Iraq", "Basra"]
    );
    assert_eq!(
        related(&built),
        (vec!["/en/news/second/".to_string()], 1, 0)
    );
}

#[test]
fn monthly_archives_are_linked_from_the_home_with_localized_month_names() {
    // /{lang}/{yyyy}/{mm}/ per edition, newest month first, named as the
    // edition names months.
    let f = Site::new();
    for (stem, date) in [
        ("nov", "2021-11-20"),
        ("dec", "2021-12-10"),
        ("dec2", "2021-12-11"),
        ("jan", "2022-01-05"),
    ] {
        f.story(
            Story::new(&format!("news/{stem}"), date)
                .ar(stem)
                .body("ن.")
                .en(stem)
                .body("T."),
        );
    }
    let built = f.build();
    let ar = built.page("ar/index.html");
    assert_eq!(
        ar.attrs(".archives a", "href"),
        ["/ar/2022/01/", "/ar/2021/12/", "/ar/2021/11/"]
    );
    assert_eq!(
        ar.texts(".archives a"),
        ["كانون الثاني 2022", "كانون الأول 2021", "تشرين الثاني 2021"]
    );
    assert_eq!(ar.texts(".archives .count"), ["1", "2", "1"]);
    let en = built.page("en/index.html");
    assert_eq!(
        en.texts(".archives a"),
        ["January 2022", "December 2021", "November 2021"]
    );
    let december = built.page("ar/2021/12/index.html");
    assert_eq!(december.text("h1"), "كانون الأول 2021");
    assert_eq!(december.text(".count"), "مقالان");
    assert_eq!(
        stories(&built, "ar/2021/12/index.html"),
        ["/ar/news/dec2/", "/ar/news/dec/"]
    );
    assert_eq!(stories(&built, "en/2021/11/index.html"), ["/en/news/nov/"]);
    // The home's later pages link the archives too.
    assert_eq!(
        built
            .page("ar/page/2/index.html")
            .attrs(".archives a", "href")
            .len(),
        3
    );
}

#[test]
fn a_topic_used_by_only_one_story_is_a_warning() {
    // A new label only one story uses is often a typo; a story and its
    // translation are one story. A topic of tags.yaml (`us-forces`) is
    // meant, and a label a letter or two off one of them gets a "did you
    // mean" instead. The build still succeeds.
    let f = Site::new();
    f.story(
        Story::new("news/a", "2021-12-10")
            .ar("أ")
            .tags("[العراق, الموصل]")
            .body("ن.")
            .en("A")
            .tags("[Iraq, us-forces]")
            .body("T."),
    );
    f.story(arabic(
        "news/b",
        "2021-12-09",
        "ب",
        "[iraq, القوات الأمريكية]",
    ));
    let built = f.build();
    let warnings = warnings(&built.report);
    assert_eq!(
        warnings,
        [
            "warning: content/news/a.ar.md:4:16: the topic `الموصل` is used by only one story\n  help: check its spelling against the other topics, or ignore this if it is a new topic",
            "warning: content/news/b.ar.md:4:14: the topic `القوات الأمريكية` is not in content/tags.yaml, which has a topic spelled almost the same\n  help: did you mean `القوات الأميركية` (us-forces)? If `القوات الأمريكية` is a topic of its own, add it to content/tags.yaml",
        ]
    );
    let out = f.run(&["build"]);
    assert!(out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains(
        "warning: content/news/a.ar.md:4:16: the topic `الموصل` is used by only one story"
    ));
}

#[test]
fn a_key_missing_from_tags_yaml_is_an_error_at_its_line_and_column() {
    // A tag written like a key (lowercase words and hyphens) must be a key:
    // a typo gets a suggestion, an unknown key says where keys are defined.
    let f = Site::new();
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("A")
            .tags("[iraq, us-forcez]")
            .body("T."),
    );
    f.story(
        Story::new("news/b", "2021-12-09")
            .en("B")
            .front("tags:\n  - Iraq\n  - kirkuk-oil\n")
            .body("T."),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/a.en.md:4:14: unknown topic key `us-forcez`\n  help: did you mean `us-forces`? Topic keys are defined in content/tags.yaml",
            "error: content/news/b.en.md:6:5: unknown topic key `kirkuk-oil`\n  help: add `kirkuk-oil` to content/tags.yaml with its label in each language, or write the topic's label instead of a key",
        ]
    );
}

#[test]
fn the_example_sites_topics_are_one_in_both_editions_with_related_stories_everywhere() {
    // The "done when" of topics on the repository's own site: /ar/tags/iraq/
    // and /en/tags/iraq/ list the same stories and link to each other; labels
    // spelt with or without hamza share a page; every story shows related
    // stories that share a topic with it.
    let f = Site::example();
    let built = f.build();
    let ar = built.page("ar/tags/iraq/index.html");
    let en = built.page("en/tags/iraq/index.html");
    assert_eq!(ar.attr(".elsewhere a", "href"), "/en/tags/iraq/");
    assert_eq!(en.attr(".elsewhere a", "href"), "/ar/tags/iraq/");
    let mut ar_stories = stories(&built, "ar/tags/iraq/index.html");
    let mut en_stories = stories(&built, "en/tags/iraq/index.html");
    if built.exists("ar/tags/iraq/page/2/index.html") {
        ar_stories.extend(stories(&built, "ar/tags/iraq/page/2/index.html"));
        en_stories.extend(stories(&built, "en/tags/iraq/page/2/index.html"));
    }
    let en_as_ar: Vec<String> = en_stories
        .iter()
        .map(|h| h.replacen("/en/", "/ar/", 1))
        .collect();
    assert_eq!(ar_stories, en_as_ar);
    // One story spells the topic "الحوار الإستراتيجي", with hamza; another
    // "القوات الاميركية", without.
    let hamza = "content/news/araji-withdrawal-commitment.ar.md";
    assert!(f.read(hamza).contains("الحوار الإستراتيجي"));
    assert!(
        stories(&built, "ar/tags/strategic-dialogue/index.html")
            .contains(&"/ar/news/araji-withdrawal-commitment/".to_string())
    );
    let no_hamza = "content/news/coalition-combat-mission-ends.ar.md";
    assert!(f.read(no_hamza).contains("القوات الاميركية"), "{no_hamza}");
    assert!(
        stories(&built, "ar/tags/us-forces/index.html")
            .contains(&"/ar/news/coalition-combat-mission-ends/".to_string())
    );
    let mut articles = 0;
    for path in built.html_pages() {
        let page = built.page(&path);
        if page.count("article.story") == 0 {
            continue;
        }
        articles += 1;
        let own: Vec<String> = page.attrs(".story-foot .topics a", "href");
        let related = page.attrs(".related .card-title a", "href");
        assert!(!related.is_empty(), "{path} shows no related stories");
        for href in related {
            let theirs = built.page_at(&href).attrs(".story-foot .topics a", "href");
            assert!(
                theirs.iter().any(|t| own.contains(t)),
                "{path}: {href} shares no topic"
            );
            assert_ne!(format!("/{}", path.trim_end_matches("index.html")), href);
        }
    }
    assert_eq!(articles, 14);
}

#[test]
fn topic_pages_and_related_stories_follow_changes_in_incremental_builds() {
    // What a topic page or an article shows of other articles and topics
    // (the other edition's topic page, its label, related stories) is part
    // of the page's fingerprint: an incremental build updates it. Cards
    // name their topics here, so a label's change must reach them too.
    let f = Site::new();
    f.write(
        "digest.yaml",
        &format!("{CONFIG}theme_options: {{ card_topics: true }}\n"),
    );
    f.story(arabic("news/a", "2021-12-10", "أ", "[العراق]"));
    f.story(arabic("news/b", "2021-12-09", "ب", "[القوات الأميركية]"));
    let built = f.build();
    let topic = |built: &Files| built.page("ar/tags/iraq/index.html");
    assert_eq!(topic(&built).count(".elsewhere"), 0);
    assert_eq!(topic(&built).switcher()[0].href, "/en/");
    assert_eq!(built.page("ar/news/a/index.html").count(".related"), 0);

    f.story(
        Story::new("news/c", "2021-12-08")
            .en("C")
            .tags("[iraq]")
            .body("T."),
    );
    let built = f.build();
    assert!(
        built
            .report
            .written
            .contains(&"ar/tags/iraq/index.html".to_string()),
        "{:?}",
        built.report.written
    );
    assert_eq!(
        topic(&built).text(".elsewhere"),
        "This topic in English: Iraq"
    );
    assert_eq!(topic(&built).switcher()[0].href, "/en/tags/iraq/");

    f.write(
        "content/tags.yaml",
        &TAGS.replace("en: Iraq", "en: Republic of Iraq"),
    );
    let built = f.build();
    assert_eq!(
        topic(&built).text(".elsewhere"),
        "This topic in English: Republic of Iraq"
    );
    assert_eq!(
        built.page("en/index.html").text(".card .topics"),
        "Republic of Iraq"
    );

    f.story(arabic("news/d", "2021-12-07", "د", "[iraq]"));
    let built = f.build();
    assert_eq!(
        built
            .page("ar/news/a/index.html")
            .attrs(".related .card-title a", "href"),
        ["/ar/news/d/"]
    );

    // A free label is shown as most articles spell it, on every page.
    f.story(arabic("news/e", "2021-12-06", "هـ", "[الحشد الشعبى]"));
    f.story(arabic("news/g", "2021-12-05", "ز", "[الحشد الشعبى]"));
    let built = f.build();
    assert_eq!(
        built
            .page("ar/news/e/index.html")
            .text(".story-foot .topics"),
        "الحشد الشعبى"
    );
    f.story(arabic("news/h", "2021-12-04", "ح", "[\"الحشد  الشعبى\"]"));
    f.story(arabic("news/i", "2021-12-03", "ط", "[\" الحشد الشعبى \"]"));
    f.story(arabic("news/j", "2021-12-02", "ي", "[الحَشد الشعبى]"));
    f.story(arabic("news/k", "2021-12-01", "ك", "[الحَشد الشعبى]"));
    f.story(arabic("news/l", "2021-11-30", "ل", "[الحَشد الشعبى]"));
    let built = f.build();
    assert_eq!(
        built
            .page("ar/news/e/index.html")
            .text(".story-foot .topics"),
        "الحشد الشعبى",
        "two spaced variants count as the plain spelling: four against three"
    );
    f.story(arabic("news/m", "2021-11-29", "م", "[الحَشد الشعبى]"));
    f.story(arabic("news/n", "2021-11-28", "ن", "[الحَشد الشعبى]"));
    let built = f.build();
    assert_eq!(
        built
            .page("ar/news/e/index.html")
            .text(".story-foot .topics"),
        "الحَشد الشعبى"
    );
    assert_eq!(
        built.page("ar/tags/index.html").texts(".topic-index a")[0],
        "الحَشد الشعبى"
    );
}
