//! Feeds: Atom per edition and per topic, JSON Feed 1.1 per edition. Every
//! feed must parse with a real feed parser (feed-rs), be valid Atom or JSON
//! Feed, and carry the newest entries of its edition or topic.

use std::collections::{BTreeMap, HashSet};

use crate::common::{CONFIG, Files, Site, Story};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// Five Arabic stories, three of them translated, and an English-only one
/// whose title is full of markup characters; feeds carry three entries.
fn newsroom() -> Site {
    let f = Site::new();
    f.write("digest.yaml", &format!("{CONFIG}feed_entries: 3\n"));
    f.write(
        "content/news/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    f.story(
        Story::new("news/first", "2021-12-01T10:00:00+03:00")
            .ar("الخبر الأول")
            .tags("[iraq]")
            .body("نص الخبر الأول."),
    );
    f.story(
        Story::new("news/second", "2021-12-02T10:00:00+03:00")
            .tags("[iraq, us-forces]")
            .ar("الخبر الثاني")
            .body("نص الخبر الثاني.")
            .en("The second story")
            .body("The second story's text."),
    );
    f.story(
        Story::new("news/third", "2021-12-03T10:00:00+03:00")
            .ar("الخبر الثالث")
            .tags("[us-forces, الحدود]")
            .body("نص الخبر الثالث."),
    );
    f.story(
        Story::new("news/fourth", "2021-12-04T10:00:00+03:00")
            .tags("[iraq]")
            .ar("الخبر الرابع")
            .body("نص الخبر الرابع.")
            .en("The fourth story")
            .body("The fourth story's text."),
    );
    f.story(Story::new("analysis/fifth", "2021-12-05T10:00:00+03:00").ar("التحليل الخامس").front("updated: 2021-12-06T09:30:00+03:00\nsummary: ملخص التحليل.\nauthor: سارة علي\ntags: [iraq]\nsource: { name: وكالة, url: \"https://agency.example.com/a?x=1&y=2\" }\nimage: { src: /news/map.svg, alt: خريطة }\n").body("فقرة **أولى**.\n\n![خريطة](../news/map.svg)\n\nانظر [الخبر الرابع](/ar/news/fourth/).").en("The fifth analysis").front("updated: 2021-12-06T09:30:00+03:00\nsummary: The analysis in brief.\nauthor: Sara Ali\ntags: [iraq]\n").body("A *first* paragraph."));
    f.write(
        "content/news/talks.en.md",
        "---\ntitle: 'Q&A: <Baghdad> \"talks\" & more'\ndate: 2021-12-07T10:00:00+03:00\nsummary: 'Less < more & \"quoted\"'\ntags: [iraq]\n---\nFish & chips <script>alert(1)</script> in <em>Baghdad</em>.\n",
    );
    f
}

fn parse(files: &Files, rel: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(files.bytes(rel)).unwrap_or_else(|e| panic!("{rel} does not parse: {e}"))
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.title.as_ref().expect("a title").content.clone())
        .collect()
}

/// The path under `public/` of one of the site's absolute URLs.
fn file_of(permalink: &str, base: &str) -> String {
    let rel = permalink
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{permalink} is not under {base}"));
    let rel = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .unwrap()
        .into_owned();
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel
    }
}

fn is_rfc3339(text: &str) -> bool {
    text.parse::<jiff::Timestamp>().is_ok() && text.len() >= 20
}

fn is_absolute(iri: &str) -> bool {
    iri.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// The Atom children of `node` named `name`.
fn children<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|c| c.tag_name().namespace() == Some(ATOM) && c.tag_name().name() == name)
        .collect()
}

/// Rules shared by `<feed>` and `<entry>`.
fn check_common(node: roxmltree::Node<'_, '_>, what: &str, problems: &mut Vec<String>) {
    for name in ["id", "title", "updated"] {
        let found = children(node, name);
        if found.len() != 1 {
            problems.push(format!("{what} has {} <{name}> elements", found.len()));
        }
    }
    for name in ["updated", "published"] {
        for date in children(node, name) {
            let text = date.text().unwrap_or_default();
            if !is_rfc3339(text) {
                problems.push(format!("{what}: <{name}> `{text}` is not RFC 3339"));
            }
        }
    }
    for id in children(node, "id") {
        if !is_absolute(id.text().unwrap_or_default()) {
            problems.push(format!(
                "{what}: the id {:?} is not an absolute IRI",
                id.text()
            ));
        }
    }
    let mut alternates = HashSet::new();
    for link in children(node, "link") {
        let href = link.attribute("href").unwrap_or_default();
        if !is_absolute(href) {
            problems.push(format!("{what}: link `{href}` is not absolute"));
        }
        if link.attribute("rel").unwrap_or("alternate") == "alternate"
            && !alternates.insert((link.attribute("type"), link.attribute("hreflang")))
        {
            problems.push(format!(
                "{what}: two alternate links of one type and language"
            ));
        }
    }
    for author in children(node, "author") {
        if children(author, "name").len() != 1 {
            problems.push(format!("{what}: an author without exactly one name"));
        }
    }
}

/// What RFC 4287 requires of an Atom document that feed-rs forgives: one
/// id, title and updated per feed and entry, absolute ids, RFC 3339 dates,
/// an author for every entry, a self link, a language, alternate links
/// unique per type and language, and escaped HTML content.
fn atom_problems(xml: &str, self_url: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(xml) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let mut problems = Vec::new();
    let feed = doc.root_element();
    if feed.tag_name().namespace() != Some(ATOM) || feed.tag_name().name() != "feed" {
        return vec![format!(
            "the root is {:?}, not an Atom feed",
            feed.tag_name()
        )];
    }
    if feed.attribute((XML, "lang")).is_none_or(str::is_empty) {
        problems.push("the feed has no xml:lang".into());
    }
    check_common(feed, "the feed", &mut problems);
    let self_links: Vec<_> = children(feed, "link")
        .into_iter()
        .filter(|l| l.attribute("rel") == Some("self"))
        .filter_map(|l| l.attribute("href"))
        .collect();
    if self_links != [self_url] {
        problems.push(format!("self links {self_links:?}, expected {self_url}"));
    }
    let feed_author = !children(feed, "author").is_empty();
    let mut ids = HashSet::new();
    for (n, entry) in children(feed, "entry").into_iter().enumerate() {
        let what = format!("entry {}", n + 1);
        check_common(entry, &what, &mut problems);
        if !feed_author && children(entry, "author").is_empty() {
            problems.push(format!("{what} has no author"));
        }
        for id in children(entry, "id") {
            if !ids.insert(id.text().unwrap_or_default().to_string()) {
                problems.push(format!("{what}: its id is not unique"));
            }
        }
        for name in ["summary", "content", "published"] {
            if children(entry, name).len() > 1 {
                problems.push(format!("{what} has several <{name}>"));
            }
        }
        let content = children(entry, "content");
        if content.is_empty()
            && !children(entry, "link")
                .iter()
                .any(|l| l.attribute("rel").unwrap_or("alternate") == "alternate")
        {
            problems.push(format!("{what} has neither content nor an alternate link"));
        }
        for c in content {
            if c.attribute("type") == Some("html") && c.children().any(|k| k.is_element()) {
                problems.push(format!("{what}: html content is not escaped"));
            }
        }
    }
    problems
}

/// What JSON Feed 1.1 requires (and what 1.1 changed from 1.0).
fn json_feed_problems(feed: &serde_json::Value, self_url: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if feed["version"] != "https://jsonfeed.org/version/1.1" {
        problems.push(format!("version is {}", feed["version"]));
    }
    if !feed["title"].is_string() {
        problems.push("no title".into());
    }
    if feed["feed_url"] != self_url {
        problems.push(format!(
            "feed_url is {}, expected {self_url}",
            feed["feed_url"]
        ));
    }
    if !feed["home_page_url"].as_str().is_some_and(is_absolute) {
        problems.push("home_page_url is not an absolute URL".into());
    }
    if !feed["language"].is_string() {
        problems.push("no language".into());
    }
    let Some(items) = feed["items"].as_array() else {
        problems.push("items is not an array".into());
        return problems;
    };
    let mut ids = HashSet::new();
    for (n, item) in items.iter().enumerate() {
        let what = format!("item {}", n + 1);
        match item["id"].as_str() {
            Some(id) if !id.is_empty() && ids.insert(id.to_string()) => {}
            _ => problems.push(format!("{what}: missing or repeated id")),
        }
        if !item["content_html"].is_string() && !item["content_text"].is_string() {
            problems.push(format!("{what}: no content"));
        }
        for key in ["date_published", "date_modified"] {
            if !item[key].as_str().is_some_and(is_rfc3339) {
                problems.push(format!("{what}: {key} is not RFC 3339"));
            }
        }
        if !item["url"].as_str().is_some_and(is_absolute) {
            problems.push(format!("{what}: url is not absolute"));
        }
        if item.get("author").is_some() {
            problems.push(format!(
                "{what}: `author` is JSON Feed 1.0; 1.1 has `authors`"
            ));
        }
        let authors = item["authors"].as_array();
        if !authors.is_some_and(|a| !a.is_empty() && a.iter().all(|p| p["name"].is_string())) {
            problems.push(format!("{what}: no authors with names"));
        }
    }
    problems
}

#[test]
fn every_feed_of_the_example_site_parses_and_is_valid() {
    // Every Atom and JSON feed the example site has parses with feed-rs,
    // passes the format's rules, and every entry leads to a published page.
    let site = Site::example();
    let built = site.build();
    let base = "https://digest.example.org/";
    let feeds: Vec<&String> = built
        .paths()
        .filter(|p| p.ends_with("atom.xml") || p.ends_with("feed.json"))
        .collect();
    // Two editions, each with Atom and JSON, and a feed per topic.
    assert!(feeds.len() >= 6, "{feeds:?}");
    for rel in feeds {
        let feed = parse(&built, rel);
        // Feeds are linked percent-encoded (an author's Arabic name).
        let (folders, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let self_url = digest::urls::Route::file(folders.split('/'), name)
            .permalink(&digest::config::BaseUrl::parse(base).unwrap());
        let problems = if rel.ends_with(".xml") {
            assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{rel}");
            atom_problems(built.read(rel), &self_url)
        } else {
            assert_eq!(feed.feed_type, feed_rs::model::FeedType::JSON, "{rel}");
            json_feed_problems(&built.json(rel), &self_url)
        };
        assert!(problems.is_empty(), "{rel}:\n{}", problems.join("\n"));
        assert!(!feed.entries.is_empty(), "{rel} has no entries");
        let lang = rel.split('/').next().unwrap();
        assert_eq!(feed.language.as_deref(), Some(lang), "{rel}");
        for entry in &feed.entries {
            let link = &entry.links[0].href;
            assert!(
                built.exists(&file_of(link, base)),
                "{rel}: {link} is not a page of the site"
            );
        }
    }
}

#[test]
fn feeds_carry_the_newest_entries_of_their_edition_and_topic() {
    // feed_entries: 3 — each feed has its own edition's or topic's three
    // newest stories, newest first.
    let site = newsroom();
    let built = site.build();
    let expected: &[(&str, &[&str])] = &[
        (
            "ar/atom.xml",
            &["التحليل الخامس", "الخبر الرابع", "الخبر الثالث"],
        ),
        (
            "ar/feed.json",
            &["التحليل الخامس", "الخبر الرابع", "الخبر الثالث"],
        ),
        (
            "ar/tags/iraq/atom.xml",
            &["التحليل الخامس", "الخبر الرابع", "الخبر الثاني"],
        ),
        (
            "ar/tags/us-forces/atom.xml",
            &["الخبر الثالث", "الخبر الثاني"],
        ),
        (
            "en/atom.xml",
            &[
                "Q&A: <Baghdad> \"talks\" & more",
                "The fifth analysis",
                "The fourth story",
            ],
        ),
        (
            "en/feed.json",
            &[
                "Q&A: <Baghdad> \"talks\" & more",
                "The fifth analysis",
                "The fourth story",
            ],
        ),
        (
            "en/tags/iraq/atom.xml",
            &[
                "Q&A: <Baghdad> \"talks\" & more",
                "The fifth analysis",
                "The fourth story",
            ],
        ),
        ("en/tags/us-forces/atom.xml", &["The second story"]),
    ];
    for (rel, titles_expected) in expected {
        assert_eq!(titles(&parse(&built, rel)), *titles_expected, "{rel}");
    }
    // A topic of one edition only (an Arabic label no key claims) has a
    // feed in that edition only.
    assert_eq!(
        titles(&parse(&built, "ar/tags/الحدود/atom.xml")),
        ["الخبر الثالث"]
    );
    let english_topic_feeds: Vec<String> = built
        .under("en/tags")
        .paths()
        .filter(|p| p.ends_with("atom.xml"))
        .cloned()
        .collect();
    assert_eq!(english_topic_feeds, ["iraq/atom.xml", "us-forces/atom.xml"]);
}

#[test]
fn feed_entries_sets_how_many_entries_a_feed_carries() {
    // Raising feed_entries to 10 puts all five Arabic stories in the feed.
    let site = newsroom();
    site.write("digest.yaml", &format!("{CONFIG}feed_entries: 10\n"));
    let built = site.build();
    assert_eq!(
        titles(&parse(&built, "ar/atom.xml")),
        [
            "التحليل الخامس",
            "الخبر الرابع",
            "الخبر الثالث",
            "الخبر الثاني",
            "الخبر الأول"
        ]
    );
    assert_eq!(
        built.json("ar/feed.json")["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

/// The titles of a feed's entries that carry content, and of those that
/// carry their summary only.
fn full_and_summarised(feed: &feed_rs::model::Feed) -> (Vec<String>, Vec<String>) {
    let (full, summarised): (Vec<_>, Vec<_>) =
        feed.entries.iter().partition(|e| e.content.is_some());
    let title = |e: &&feed_rs::model::Entry| e.title.as_ref().unwrap().content.clone();
    (
        full.iter().map(title).collect(),
        summarised.iter().map(title).collect(),
    )
}

#[test]
fn topic_feeds_carry_the_whole_story_in_their_newest_entries_only() {
    // feed_full_entries: 1 — a topic's feed has its three newest stories,
    // the newest whole and the others by their summary; the edition's own
    // feeds carry every story whole.
    let site = newsroom();
    site.write(
        "digest.yaml",
        &format!("{CONFIG}feed_entries: 3\nfeed_full_entries: 1\n"),
    );
    let built = site.build();
    let topic = parse(&built, "ar/tags/iraq/atom.xml");
    assert_eq!(
        full_and_summarised(&topic),
        (
            vec!["التحليل الخامس".to_string()],
            vec!["الخبر الرابع".to_string(), "الخبر الثاني".to_string()]
        )
    );
    for entry in &topic.entries[1..] {
        assert!(
            entry.summary.is_some(),
            "a summarised entry has its summary"
        );
        assert!(
            entry
                .links
                .iter()
                .any(|l| l.rel.as_deref() == Some("alternate")),
            "and its page's address"
        );
    }
    let problems = atom_problems(
        built.read("ar/tags/iraq/atom.xml"),
        "https://digest.example.org/ar/tags/iraq/atom.xml",
    );
    assert!(problems.is_empty(), "{problems:?}");
    let edition = parse(&built, "ar/atom.xml");
    assert_eq!(full_and_summarised(&edition).1, Vec::<String>::new());
    let json = built.json("ar/feed.json");
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["content_html"].is_string()),
        "{json}"
    );

    // None whole: every entry of a topic's feed is a summary.
    site.write(
        "digest.yaml",
        &format!("{CONFIG}feed_entries: 3\nfeed_full_entries: 0\n"),
    );
    let built = site.build();
    let topic = parse(&built, "en/tags/iraq/atom.xml");
    assert_eq!(full_and_summarised(&topic).0, Vec::<String>::new());
    assert_eq!(topic.entries.len(), 3);

    // By default, a topic's five newest stories are whole.
    let site = newsroom();
    site.write("digest.yaml", &format!("{CONFIG}feed_entries: 10\n"));
    for i in 0..7 {
        site.story(
            Story::new(&format!("news/more-{i}"), &format!("2021-11-0{}", i + 1))
                .en(&format!("More {i}"))
                .tags("[iraq]")
                .body("Text."),
        );
    }
    let built = site.build();
    let (full, summarised) = full_and_summarised(&parse(&built, "en/tags/iraq/atom.xml"));
    assert_eq!(
        (full.len(), summarised.len()),
        (5, 5),
        "{full:?} {summarised:?}"
    );
}

#[test]
fn an_atom_entry_has_title_link_dates_summary_content_and_language() {
    // The Arabic analysis as a feed reader sees it, on a site under a sub-path.
    let site = newsroom();
    let built = site.build_at("https://example.org/digest/");
    let feed = parse(&built, "ar/atom.xml");
    assert_eq!(feed.language.as_deref(), Some("ar"));
    assert_eq!(feed.title.as_ref().unwrap().content, "الموجز");
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_ref().unwrap().content, "التحليل الخامس");
    let page = "https://example.org/digest/ar/analysis/fifth/";
    let alternates: Vec<(&str, Option<&str>)> = entry
        .links
        .iter()
        .map(|l| (l.href.as_str(), l.href_lang.as_deref()))
        .collect();
    assert_eq!(
        alternates,
        [
            (page, Some("ar")),
            ("https://example.org/digest/en/analysis/fifth/", Some("en"))
        ]
    );
    assert_eq!(
        entry.published.unwrap().to_rfc3339(),
        "2021-12-05T07:00:00+00:00"
    );
    assert_eq!(
        entry.updated.unwrap().to_rfc3339(),
        "2021-12-06T06:30:00+00:00"
    );
    assert_eq!(entry.summary.as_ref().unwrap().content, "ملخص التحليل.");
    assert_eq!(entry.authors[0].name.as_deref(), Some("سارة علي"));
    let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["iraq"]);
    let content = entry.content.as_ref().unwrap();
    assert_eq!(content.content_type.to_string(), "text/html");
    let body = content.body.as_deref().unwrap();
    assert!(body.contains("<strong>أولى</strong>"), "{body}");
    // Addresses in the body work from a feed reader: root-relative, with
    // the sub-path, read against the article's page.
    assert!(body.contains(r#"src="/digest/news/map.svg""#), "{body}");
    assert!(body.contains(r#"href="/digest/ar/news/fourth/""#), "{body}");
    let doc = built.xml("ar/atom.xml");
    let content = doc
        .descendants()
        .find(|n| n.has_tag_name((ATOM, "content")))
        .unwrap();
    assert_eq!(content.attribute((XML, "lang")), Some("ar"));
    assert_eq!(content.attribute((XML, "base")), Some(page));
    assert_eq!(
        doc.root_element().attribute((XML, "lang")),
        Some("ar"),
        "the feed's language"
    );
}

#[test]
fn a_json_feed_item_has_the_1_1_fields() {
    // The Arabic analysis in JSON Feed 1.1: authors (not author), language,
    // dates, summary, full content, picture and the original's address.
    let site = newsroom();
    let built = site.build_at("https://example.org/digest/");
    let feed = built.json("ar/feed.json");
    assert!(
        json_feed_problems(&feed, "https://example.org/digest/ar/feed.json").is_empty(),
        "{:?}",
        json_feed_problems(&feed, "https://example.org/digest/ar/feed.json")
    );
    assert_eq!(feed["home_page_url"], "https://example.org/digest/ar/");
    assert_eq!(feed["language"], "ar");
    let item = &feed["items"][0];
    assert_eq!(item["url"], "https://example.org/digest/ar/analysis/fifth/");
    assert_eq!(item["title"], "التحليل الخامس");
    assert_eq!(item["summary"], "ملخص التحليل.");
    assert_eq!(item["date_published"], "2021-12-05T10:00:00+03:00");
    assert_eq!(item["date_modified"], "2021-12-06T09:30:00+03:00");
    // The author's name, and their page (a free name has one too).
    assert_eq!(
        item["authors"],
        serde_json::json!([{
            "name": "سارة علي",
            "url": "https://example.org/digest/ar/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%B9%D9%84%D9%8A/"
        }])
    );
    assert_eq!(item["language"], "ar");
    assert_eq!(item["tags"], serde_json::json!(["العراق"]));
    assert_eq!(item["image"], "https://example.org/digest/news/map.svg");
    assert_eq!(item["external_url"], "https://agency.example.com/a?x=1&y=2");
    let html = item["content_html"].as_str().unwrap();
    assert!(html.contains("<strong>أولى</strong>"), "{html}");
    // feed-rs reads it as JSON Feed.
    let parsed = parse(&built, "ar/feed.json");
    assert_eq!(parsed.entries[0].id, item["id"].as_str().unwrap());
}

#[test]
fn markup_in_titles_and_summaries_is_escaped() {
    // `Q&A: <Baghdad> "talks"` comes back from the parser exactly as
    // written, and the body's raw HTML is sanitized before it is escaped.
    let site = newsroom();
    let built = site.build();
    let xml = built.read("en/atom.xml");
    assert!(
        atom_problems(xml, "https://digest.example.org/en/atom.xml").is_empty(),
        "{:?}",
        atom_problems(xml, "https://digest.example.org/en/atom.xml")
    );
    assert!(!xml.contains("<Baghdad>"), "{xml}");
    let feed = parse(&built, "en/atom.xml");
    let entry = &feed.entries[0];
    assert_eq!(
        entry.title.as_ref().unwrap().content,
        "Q&A: <Baghdad> \"talks\" & more"
    );
    assert_eq!(
        entry.summary.as_ref().unwrap().content,
        "Less < more & \"quoted\""
    );
    let body = entry.content.as_ref().unwrap().body.as_deref().unwrap();
    assert!(body.contains("Fish &amp; chips"), "{body}");
    assert!(body.contains("<em>Baghdad</em>"), "{body}");
    assert!(!body.contains("<script"), "{body}");
}

/// Entry ids by title, from an edition's Atom feed.
fn ids(files: &Files, rel: &str) -> BTreeMap<String, String> {
    parse(files, rel)
        .entries
        .iter()
        .map(|e| (e.title.as_ref().unwrap().content.clone(), e.id.clone()))
        .collect()
}

#[test]
fn entry_ids_stay_the_same_across_builds() {
    // A feed reader must not see an old story as new: rebuilding from
    // scratch, adding a story and giving another a new slug keep every
    // existing entry's id.
    let site = newsroom();
    site.write("digest.yaml", &format!("{CONFIG}feed_entries: 10\n"));
    let built = site.build();
    let first = ids(&built, "ar/atom.xml");
    assert_eq!(first.len(), 5);
    assert!(
        first
            .values()
            .all(|id| id.starts_with("tag:digest.example.org,2021-12-")),
        "{first:?}"
    );
    let unique: HashSet<&String> = first.values().collect();
    assert_eq!(unique.len(), 5, "{first:?}");
    let json_ids: HashSet<String> = built.json("ar/feed.json")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        json_ids,
        first.values().cloned().collect::<HashSet<_>>(),
        "Atom and JSON agree"
    );
    let english = ids(&built, "en/atom.xml");
    assert_ne!(
        english["The fifth analysis"], first["التحليل الخامس"],
        "each edition's version is an entry of its own"
    );

    site.story(
        Story::new("news/third", "2021-12-03T10:00:00+03:00")
            .ar("الخبر الثالث")
            .front("tags: [us-forces]\nslug: third-story\n")
            .body("نص الخبر الثالث، محدثا."),
    );
    site.story(
        Story::new("news/sixth", "2021-12-08T10:00:00+03:00")
            .ar("الخبر السادس")
            .body("جديد."),
    );
    let options = digest::BuildOptions {
        force: true,
        ..site.options()
    };
    let built = site.build_with(&options, "public");
    let second = ids(&built, "ar/atom.xml");
    assert_eq!(second.len(), 6);
    for (title, id) in &first {
        assert_eq!(&second[title], id, "{title}");
    }
    let moved = parse(&built, "ar/atom.xml")
        .entries
        .into_iter()
        .find(|e| e.title.as_ref().unwrap().content == "الخبر الثالث")
        .unwrap();
    assert_eq!(
        moved.links[0].href,
        "https://digest.example.org/ar/news/third-story/"
    );
}

#[test]
fn adding_a_translation_updates_the_other_editions_feed() {
    // The Arabic feed links each entry to its translations; an incremental
    // build after a translation appears must not keep the stale feed.
    let site = newsroom();
    let built = site.build();
    let languages = |files: &Files| -> Vec<Option<String>> {
        parse(files, "ar/atom.xml")
            .entries
            .into_iter()
            .find(|e| e.title.as_ref().unwrap().content == "الخبر الثالث")
            .unwrap()
            .links
            .into_iter()
            .map(|l| l.href_lang)
            .collect()
    };
    assert_eq!(languages(&built), [Some("ar".to_string())]);
    site.story(
        Story::new("news/third", "2021-12-03T10:00:00+03:00")
            .en("The third story")
            .tags("[us-forces]")
            .body("The third story's text."),
    );
    let built = site.build();
    assert_eq!(
        languages(&built),
        [Some("ar".to_string()), Some("en".to_string())]
    );
}

#[test]
fn pages_announce_their_feeds() {
    // Feed autodiscovery: every page links its edition's Atom and JSON feeds,
    // a topic page its topic's feed first, the front door both editions'.
    let site = newsroom();
    let built = site.build_at("https://example.org/digest/");
    let feeds = |rel: &str| -> Vec<(String, String)> {
        let page = built.page(rel);
        page.attrs("link[rel=alternate][type]", "type")
            .into_iter()
            .zip(page.attrs("link[rel=alternate][type]", "href"))
            .collect()
    };
    let edition = |lang: &str| {
        vec![
            (
                "application/atom+xml".to_string(),
                format!("/digest/{lang}/atom.xml"),
            ),
            (
                "application/feed+json".to_string(),
                format!("/digest/{lang}/feed.json"),
            ),
        ]
    };
    assert_eq!(feeds("ar/index.html"), edition("ar"));
    assert_eq!(feeds("en/news/fourth/index.html"), edition("en"));
    let mut topic = vec![(
        "application/atom+xml".to_string(),
        "/digest/ar/tags/iraq/atom.xml".to_string(),
    )];
    topic.extend(edition("ar"));
    assert_eq!(feeds("ar/tags/iraq/index.html"), topic);
    let mut both = edition("ar");
    both.extend(edition("en"));
    assert_eq!(feeds("index.html"), both);
    // Every announced feed exists.
    for page in built.html_pages() {
        for (_, href) in feeds(&page) {
            let rel = href.strip_prefix("/digest/").unwrap();
            let rel = percent_encoding::percent_decode_str(rel).decode_utf8_lossy();
            assert!(built.exists(&rel), "{page}: {href}");
        }
    }
}
