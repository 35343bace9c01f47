//! Hostile content: text from other sites, with markup and scripts in every
//! field, is shown as text wherever it appears — pages (elements,
//! attributes, `<title>`, meta tags), JSON-LD, Atom and JSON feeds, the
//! sitemap — and raw HTML in bodies follows the `raw_html` setting.
//!
//! Pages are checked the way a browser reads them (parsed by html5ever):
//! minify-html rightly leaves `<` unescaped where HTML allows it (inside
//! quoted attributes, inside `<title>`), so the bytes alone prove nothing.

use crate::common::pictures;
use crate::common::{Built, CONFIG, Files, Page, Site, Story};

/// Markup, a script, an event handler, entities and the strings that end a
/// `<script>`, a `<title>`, CDATA and a comment.
const P: &str = "<script>alert(1)</script><x-evil a=\"b\" onmouseover='alert(2)'>&amp; ]]> </title> --> </SCRIPT >";

fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn p(suffix: &str) -> String {
    format!("{P} {suffix}")
}

/// A source URL that is a real web address with markup in its query.
const SOURCE_URL: &str = "https://example.org/?q=\"><x-evil>&x=1";

/// A site whose every configured or written text carries `P`.
fn hostile_site(minify: bool) -> Site {
    let f = Site::new();
    f.write(
        "digest.yaml",
        &format!(
            "base_url: https://digest.example.org/
default_language: ar
languages:
  ar:
    name: {}
    title: {}
    description: {}
    locale: ar-IQ
  en:
    name: {}
    title: {}
    description: {}
    locale: en-GB
minify: {minify}
sections:
  news: {{ ar: {}, en: {} }}
",
            json(&p("ar name")),
            json(&p("ar title")),
            json(&p("ar description")),
            json(&p("en name")),
            json(&p("en title")),
            json(&p("en description")),
            json(&p("أخبار")),
            json(&p("News")),
        ),
    );
    f.write(
        "content/tags.yaml",
        &format!(
            "iraq:\n  ar: {{ label: {}, description: {} }}\n  en: {{ label: {}, description: {} }}\n",
            json(&p("العراق")),
            json(&p("وصف")),
            json(&p("Iraq")),
            json(&p("about Iraq")),
        ),
    );
    for lang in ["ar", "en"] {
        for n in 1..=2 {
            f.write(
                &format!("content/news/s{n}.{lang}.md"),
                &format!(
                    "---\ntitle: {}\ndate: 2021-12-1{n}\nsummary: {}\nauthor: {}\ntags: [iraq, {}]\nsource: {{ name: {}, url: {} }}\nimage: {{ src: {}, alt: {}, caption: {}, credit: {} }}\n---\nBody text.\n",
                    json(&p("title")),
                    json(&p("summary")),
                    json(&p("author")),
                    json(&p("label")),
                    json(&p("source")),
                    json(SOURCE_URL),
                    json("photo.jpg?\"><x-evil>"),
                    json(&p("alt")),
                    json(&p("caption")),
                    json(&p("credit")),
                ),
            );
        }
    }
    // (File and folder names with markup in them are refused by the walk:
    // names become addresses.)
    f.write_bytes(
        "content/news/photo.jpg",
        &pictures::jpeg(&pictures::photo(64, 48, 1), 80),
    );
    f
}

/// Whitespace as `Page::text` leaves it: runs made one space.
fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a browser would run as script from a URL attribute.
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:") || cleaned.starts_with("vbscript:")
}

/// No markup from content became an element, an attribute or a script.
fn assert_inert(page: &Page) {
    let path = &page.path;
    assert_eq!(page.count("x-evil"), 0, "{path}: an injected element");
    for attr in ["onmouseover", "onclick", "onerror", "a"] {
        assert_eq!(
            page.count(&format!("[{attr}]")),
            0,
            "{path}: an injected {attr} attribute"
        );
    }
    // The search page runs the theme's own search script, from its file.
    let search_scripts = page
        .attrs("script[type=module][src]", "src")
        .into_iter()
        .filter(|src| {
            let name = src.rsplit('/').next().unwrap_or_default();
            path.ends_with("search/index.html")
                && name.starts_with("search.")
                && name.ends_with(".js")
        })
        .count();
    // A story with an embedded post runs the theme's player, from its file.
    let embed_scripts = page
        .attrs("script[src]:not([type])", "src")
        .into_iter()
        .filter(|src| src.starts_with("/embed.") && src.ends_with(".js"))
        .count();
    let scripts = page.attrs("script", "type");
    assert_eq!(
        scripts.len() + embed_scripts,
        page.count("script"),
        "{path}: a script without a type"
    );
    assert_eq!(
        scripts
            .iter()
            .filter(|k| *k == "application/ld+json")
            .count()
            + search_scripts,
        scripts.len(),
        "{path}: {scripts:?}"
    );
    for raw in page.texts("script[type='application/ld+json']") {
        assert!(!raw.contains('<'), "{path}: `<` inside a script: {raw}");
        serde_json::from_str::<serde_json::Value>(&raw).expect("JSON-LD parses");
    }
    for attr in ["href", "src"] {
        for url in page.attrs(&format!("[{attr}]"), attr) {
            assert!(!is_script_url(&url), "{path}: {attr}={url}");
        }
    }
}

fn check_pages(files: &Files) {
    let pages = files.html_pages();
    assert!(pages.len() > 15, "{pages:?}");
    for path in &pages {
        assert_inert(&files.page(path));
    }
    let emails = files.emails();
    assert!(!emails.is_empty());
    for path in &emails {
        assert_inert(&files.page(path));
    }
    let article = files.page("en/news/s1/index.html");
    let text = |css: &str| article.text(css);
    let attr = |css: &str, name: &str| article.attr(css, name);
    assert_eq!(
        text("title"),
        norm(&format!("{} · {}", p("title"), p("en title")))
    );
    assert_eq!(text("h1"), norm(&p("title")));
    assert_eq!(text(".standfirst"), norm(&p("summary")));
    assert_eq!(text(".author bdi"), norm(&p("author")));
    assert_eq!(text(".source bdi"), norm(&p("source")));
    assert_eq!(attr(".source a", "href"), SOURCE_URL);
    assert_eq!(text(".kicker a"), norm(&p("News")));
    assert_eq!(text("figcaption .caption"), norm(&p("caption")));
    assert_eq!(text("figcaption .credit bdi"), norm(&p("credit")));
    assert_eq!(attr(".lead-image img", "alt"), p("alt"));
    // The address is read as the picture's file; its query is not kept.
    let src = attr(".lead-image img", "src");
    assert!(
        src.starts_with("/news/photo.") && src.ends_with(".jpg"),
        "{src}"
    );
    assert_eq!(attr("meta[name=description]", "content"), p("summary"));
    assert_eq!(attr("meta[property='og:title']", "content"), p("title"));
    assert_eq!(
        attr("meta[property='og:site_name']", "content"),
        p("en title")
    );
    assert_eq!(attr("meta[property='og:image:alt']", "content"), p("alt"));
    assert_eq!(
        article.texts(".story-foot .topics bdi"),
        [norm(&p("Iraq")), norm(&p("label"))]
    );
    assert_eq!(
        text(".colophon p"),
        norm(&format!("{} · {}", p("en title"), p("en description")))
    );
    let ld: serde_json::Value = serde_json::from_str(&text("script")).unwrap();
    assert_eq!(ld["headline"], p("title"));
    assert_eq!(ld["description"], p("summary"));
    assert_eq!(ld["author"]["name"], p("author"));
    assert_eq!(ld["publisher"]["name"], p("en title"));
    assert_eq!(ld["isBasedOn"], SOURCE_URL);
    assert_eq!(ld["image"]["caption"], p("caption"));
    assert_eq!(ld["image"]["creditText"], p("credit"));
    assert_eq!(ld["keywords"], serde_json::json!([p("Iraq"), p("label")]));

    let topic = files.page("en/tags/iraq/index.html");
    assert_eq!(topic.text("h1"), norm(&p("Iraq")));
    assert_eq!(topic.text(".description"), norm(&p("about Iraq")));
    assert_eq!(topic.text(".card .summary"), norm(&p("summary")));
    let index = files.page("ar/tags/index.html");
    assert!(index.texts(".topic-index p").contains(&norm(&p("وصف"))));
    let front = files.page("index.html");
    assert_eq!(
        front.texts(".description"),
        [norm(&p("ar description")), norm(&p("en description"))]
    );
}

fn check_feeds(files: &Files) {
    let atom = atom_syndication::Feed::read_from(files.bytes("en/atom.xml"))
        .expect("the Atom feed is well-formed");
    assert_eq!(atom.title().as_str(), p("en title"));
    assert_eq!(atom.subtitle().unwrap().as_str(), p("en description"));
    let entry = &atom.entries()[0];
    assert_eq!(entry.title().as_str(), p("title"));
    assert_eq!(entry.summary().unwrap().as_str(), p("summary"));
    assert_eq!(entry.authors()[0].name(), p("author"));
    let labels: Vec<&str> = entry
        .categories()
        .iter()
        .filter_map(|c| c.label())
        .collect();
    assert_eq!(labels, [p("Iraq"), p("label")]);
    let topic_feed = atom_syndication::Feed::read_from(files.bytes("en/tags/iraq/atom.xml"))
        .expect("the topic feed is well-formed");
    assert_eq!(
        topic_feed.title().as_str(),
        format!("{} – {}", p("Iraq"), p("en title"))
    );

    let feed = files.json("en/feed.json");
    assert_eq!(feed["title"], p("en title"));
    assert_eq!(feed["description"], p("en description"));
    let item = &feed["items"][0];
    assert_eq!(item["title"], p("title"));
    assert_eq!(item["summary"], p("summary"));
    assert_eq!(item["authors"][0]["name"], p("author"));
    assert_eq!(item["tags"], serde_json::json!([p("Iraq"), p("label")]));
    assert_eq!(item["external_url"], SOURCE_URL);

    for xml in ["sitemap.xml", "en/atom.xml"] {
        assert_only_elements(
            files.read(xml),
            &[
                "urlset",
                "url",
                "loc",
                "lastmod",
                "xhtml:link",
                "feed",
                "title",
                "id",
                "updated",
                "link",
                "subtitle",
                "generator",
                "author",
                "name",
                "uri",
                "entry",
                "published",
                "category",
                "summary",
                "content",
            ],
        );
    }
}

/// The XML is well-formed and has no elements but `allowed`.
fn assert_only_elements(xml: &str, allowed: &[&str]) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert!(allowed.contains(&name.as_str()), "element <{name}>");
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
}

#[test]
fn markup_in_every_field_is_text_wherever_it_appears() {
    // Titles, summaries, authors, sources, images, topics, tags.yaml and
    // digest.yaml texts: escaped in pages, JSON-LD, feeds and the sitemap.
    for minify in [false, true] {
        let f = hostile_site(minify);
        let built = f.build();
        assert_eq!(built.report.articles, 4);
        check_pages(&built);
        check_feeds(&built);
    }
}

/// Script links in every Markdown form, then raw HTML.
const BODY: &str = "Links: [md](javascript:alert(1)) [upper](JAVASCRIPT:alert(1)) [spaced](<  java\tscript:alert(1)>) [entity](&#106;avascript:alert(1)) [hex](&#x6A;avascript:alert(1)) [named](javascript&colon;alert(1)) [control](<\u{1}javascript:alert(1)>) [vb](vbscript:msgbox(1)) [ref][r] <javascript:alert(1)> ![image](javascript:alert(1)) [fine](https://example.org/).

[r]: jAvAsCrIpT:alert(1)

<p onclick=\"alert(3)\">raw para</p>

<script>alert(4)</script>

<a href=\"javascript:alert(5)\">raw link</a> <img src=\"/news/x.png\" onerror=\"alert(6)\"> <x-evil>raw custom</x-evil> <b>bold</b>
";

fn body_site(raw_html: &str) -> Built {
    let f = Site::new();
    f.write("digest.yaml", &format!("{}raw_html: {raw_html}\n", CONFIG));
    f.story(Story::new("news/body", "2021-12-10").en("Body").body(BODY));
    f.write_bytes("content/news/x.png", &pictures::png_with_alpha(64, 48));
    f.build()
}

/// The Markdown links of `BODY`: every script link made `#`, whatever the
/// raw HTML setting.
fn assert_markdown_links_disarmed(page: &Page) {
    let links = page.attrs(".body p:first-child a", "href");
    assert_eq!(
        links,
        [
            "#",
            "#",
            "#",
            "#",
            "#",
            "#",
            "#",
            "#",
            "#",
            "#",
            "https://example.org/"
        ],
        "{}",
        page.path
    );
    assert_eq!(page.attr(".body p:first-child img", "src"), "#");
}

#[test]
fn raw_html_is_sanitized_by_default() {
    // Scraped markup keeps its formatting and loses scripts, handlers and script links.
    let f = Site::new();
    f.story(Story::new("news/body", "2021-12-10").en("Body").body(BODY));
    f.write_bytes("content/news/x.png", &pictures::png_with_alpha(64, 48));
    let built = f.build();
    let page = built.page("en/news/body/index.html");
    assert_markdown_links_disarmed(&page);
    assert_eq!(page.count(".body script"), 0);
    assert_eq!(page.count(".body [onclick], .body [onerror]"), 0);
    assert_eq!(page.count(".body x-evil"), 0);
    assert!(page.texts(".body p").contains(&"raw para".to_string()));
    assert_eq!(page.text(".body b"), "bold");
    // The picture is published in widths, as Markdown's are.
    assert_eq!(page.count(".body img[src^='/news/x.']:not([onerror])"), 1);
    for a in page.attrs(".body a[href]", "href") {
        assert!(!is_script_url(&a), "{a}");
    }
    assert!(page.text(".body").contains("raw custom"));
    assert!(
        !page.text(".body").contains("alert(4)"),
        "the script's text goes too"
    );
    let feed: serde_json::Value = serde_json::from_str(built.read("en/feed.json")).unwrap();
    let content = scraper::Html::parse_fragment(feed["items"][0]["content_html"].as_str().unwrap());
    let scripts = scraper::Selector::parse("script, [onclick], [onerror], x-evil").unwrap();
    assert_eq!(
        content.select(&scripts).count(),
        0,
        "the feed carries the sanitized body"
    );
}

#[test]
fn raw_html_can_be_escaped() {
    // raw_html: escape shows the markup as text.
    let built = body_site("escape");
    let page = built.page("en/news/body/index.html");
    assert_markdown_links_disarmed(&page);
    assert_eq!(
        page.count(".body script, .body b, .body x-evil, .body [onclick]"),
        0
    );
    let text = page.text(".body");
    for shown in [
        "<p onclick=\"alert(3)\">raw para</p>",
        "<script>alert(4)</script>",
        "<b>bold</b>",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
}

#[test]
fn raw_html_can_be_allowed_but_markdown_script_links_still_go() {
    // raw_html: allow keeps raw HTML as written (trusted authors only), yet
    // `javascript:` links written in Markdown are still disarmed.
    let built = body_site("allow");
    let page = built.page("en/news/body/index.html");
    assert_markdown_links_disarmed(&page);
    assert_eq!(page.texts(".body script"), ["alert(4)"]);
    assert_eq!(page.attr(".body p[onclick]", "onclick"), "alert(3)");
    assert_eq!(page.text(".body x-evil"), "raw custom");
}

/// [`hostile_site`] with this round's inputs hostile too: a person of
/// `authors.yaml` (name, role, bio, link labels and addresses), a story by
/// them with a correction and an embedded post, menu labels and links, the
/// newsletter's signup text and address.
fn hostile_site_with_new_fields() -> Site {
    let f = hostile_site(false);
    f.edit("digest.yaml", |config| {
        format!(
            "{config}menu:\n  ar: [news, {{ label: {}, url: {} }}]\n  en: [news, {{ label: {}, url: {} }}]\n\
             newsletter:\n  signup:\n    url: {}\n    field: email\n    text:\n      ar: {}\n      en: {}\n",
            json(&p("قائمة")),
            json(SOURCE_URL),
            json(&p("menu")),
            json(SOURCE_URL),
            json(SOURCE_URL),
            json(&p("اشترك")),
            json(&p("signup")),
        )
    });
    f.write(
        "content/authors.yaml",
        &format!(
            "reporter:\n  ar: {{ name: {}, role: {}, bio: {} }}\n  en: {{ name: {}, role: {}, bio: {} }}\n  links: [{}, {{ label: {}, url: {} }}]\n",
            json(&p("الاسم")),
            json(&p("الدور")),
            json(&p("نبذة")),
            json(&p("name")),
            json(&p("role")),
            json(&p("bio")),
            json(SOURCE_URL),
            json(&p("link")),
            json(SOURCE_URL),
        ),
    );
    for lang in ["ar", "en"] {
        f.write(
            &format!("content/news/s3.{lang}.md"),
            &format!(
                "---\ntitle: {}\ndate: 2021-12-05\nauthors: [reporter]\ncorrections:\n  - date: 2021-12-06\n    text: {}\n---\nBody text.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&x=%22%3E%3Cx-evil%3E\n",
                json(&p("third")),
                json(&p("correction")),
            ),
        );
    }
    f
}

/// The text of Pagefind's records (`pagefind/{lang}/fragment/*`: gzip
/// of `pagefind_dcd` and a JSON record), by URL.
fn search_records(files: &Files, lang: &str) -> Vec<serde_json::Value> {
    use std::io::Read;
    let fragments = files.under(&format!("pagefind/{lang}/fragment"));
    let mut records = Vec::new();
    for path in fragments.paths() {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(fragments.bytes(path))
            .read_to_end(&mut bytes)
            .expect("a gzip fragment");
        let json = bytes
            .strip_prefix(b"pagefind_dcd")
            .expect("pagefind's mark");
        records.push(serde_json::from_slice(json).expect("a JSON record"));
    }
    records
}

#[test]
fn this_rounds_fields_are_text_wherever_they_appear() {
    // authors.yaml (names, roles, bios, links), corrections, embeds, menu
    // labels and links, the newsletter's signup: markup in each stays text
    // on every page, email, feed, JSON-LD and search record.
    let f = hostile_site_with_new_fields();
    let built = f.build();
    assert_eq!(built.report.articles, 6);
    // Every page and email, parsed as a browser would: nothing runs.
    check_pages(&built);
    check_feeds(&built);

    let story = built.page("en/news/s3/index.html");
    assert_eq!(story.text(".author bdi"), norm(&p("name")));
    // A correction is Markdown, like a body: its raw HTML is sanitized
    // (the script and the unknown element go, their text stays text).
    let sanitized = "& ]]> --> correction";
    assert!(
        story.text(".corrections").ends_with(sanitized),
        "{}",
        story.text(".corrections")
    );
    let nav = story.texts("header nav a");
    assert!(nav.contains(&norm(&p("menu"))), "{nav:?}");
    assert!(
        story
            .attrs("header nav a", "href")
            .contains(&SOURCE_URL.to_string())
    );
    assert!(story.text(".signup").contains(&norm(&p("signup"))));
    assert_eq!(story.attr(".signup form", "action"), SOURCE_URL);
    let ld: serde_json::Value = serde_json::from_str(&story.text("script")).unwrap();
    assert_eq!(ld["author"]["name"], p("name"), "{ld}");
    assert_eq!(ld["author"]["jobTitle"], p("role"), "{ld}");
    assert_eq!(ld["author"]["sameAs"][0], SOURCE_URL, "{ld}");
    assert_eq!(ld["correction"][0]["text"], sanitized, "{ld}");

    let person = built.page("en/authors/reporter/index.html");
    assert_eq!(person.text("h1"), norm(&p("name")));
    let shown = person.text("main");
    for field in ["role", "bio", "link"] {
        assert!(shown.contains(&norm(&p(field))), "{field} in {shown}");
    }
    assert!(
        person
            .attrs("main a", "href")
            .contains(&SOURCE_URL.to_string())
    );
    let ar = built.page("ar/authors/reporter/index.html");
    assert_eq!(ar.text("h1"), norm(&p("الاسم")));

    let feed = built.json("en/feed.json");
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == p("third"))
        .expect("the third story in the feed");
    assert_eq!(item["authors"][0]["name"], p("name"));
    let atom = atom_syndication::Feed::read_from(built.bytes("en/authors/reporter/atom.xml"))
        .expect("the author's feed is well-formed");
    assert!(atom.title().as_str().contains(&p("name")));

    // Search records carry the fields as text, which the theme's search
    // script shows with textContent.
    let records = search_records(&built, "en");
    let record = records
        .iter()
        .find(|r| r["meta"]["title"] == p("third"))
        .unwrap_or_else(|| panic!("no record of the third story in {records:?}"));
    let content = record["content"].as_str().unwrap();
    assert!(content.starts_with(&p("third")), "{record}");
    // What stands in the body for the embedded post is not a word of it.
    assert!(!content.contains("@@digest-"), "{record}");
    for record in search_records(&built, "ar").iter().chain(&records) {
        for text in [&record["meta"]["title"], &record["content"]] {
            let text = text.as_str().unwrap();
            assert!(!text.contains("@@digest-"), "{record}");
        }
    }

    // Every email: the signup text as text, nothing runs (check_pages).
    for path in built.emails() {
        let email = built.page(&path);
        assert_eq!(
            email.count("x-evil, script:not([type='application/ld+json'])"),
            0,
            "{path}"
        );
    }
}

#[test]
fn script_addresses_in_this_rounds_fields_are_refused() {
    // javascript:, data: and vbscript: in a menu link and the signup
    // address, an author's links and picture are errors at their line; in
    // a correction's Markdown, and as a link to embed, they become `#`, as
    // in a body.
    let f = Site::new();
    f.edit("digest.yaml", |config| {
        format!(
            "{config}menu:\n  en: [news, {{ label: Menu, url: \"vbscript:msgbox(1)\" }}]\n  ar: [news]\n\
             newsletter:\n  signup:\n    url: \"javascript:alert(1)\"\n    text:\n      en: Subscribe\n"
        )
    });
    assert_eq!(
        f.build_errors(),
        [
            "error: digest.yaml:24:10: `javascript:alert(1)` is not an absolute address\n  \
             help: give the subscription form's address, e.g. https://lists.example.org/subscribe",
            "error: digest.yaml:20:14: the menu link `vbscript:msgbox(1)` is neither a web address \
             nor an address in the site\n  help: give a full address (https://…, mailto:…) or a \
             path in the site starting with / (e.g. /en/2021/12/)",
        ]
    );
    f.write("digest.yaml", CONFIG);
    f.write(
        "content/authors.yaml",
        "reporter:\n  en: { name: Reporter }\n  ar: { name: مراسل }\n  picture: \"javascript:alert(1)\"\n  links: [\"javascript:alert(1)\", { label: Data, url: \"data:text/html,<script>alert(1)</script>\" }]\n",
    );
    f.story(
        Story::new("news/s", "2021-12-10")
            .en("Story")
            .front("authors: [reporter]\ncorrections:\n  - date: 2021-12-11\n    text: \"[one](javascript:alert(1)) [two](data:text/html,x) [three](VBScript:x)\"\n")
            .body("<javascript:alert(1)>\n\n[embed](javascript:alert(2))"),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/authors.yaml:4:12: the picture address uses a scripting scheme\n  \
             help: use a path such as authors/sara.jpg or an https:// address",
            "error: content/authors.yaml:5:11: the link `javascript:alert(1)` is not a web \
             address\n  help: write e.g. `links: [https://example.org/sara, { label: Mastodon, \
             url: https://… }]`",
            "error: content/authors.yaml:5:34: the link `data:text/html,<script>alert(1)</script>` \
             is not a web address\n  help: write e.g. `links: [https://example.org/sara, { label: \
             Mastodon, url: https://… }]`",
            "warning: content/news/s.en.md:9:1: a `javascript:`, `vbscript:` or `data:` address \
             was removed from a link; it leads nowhere now (here and 1 more times in this file)\n  \
             help: nothing in an article's text may run a script: give the address of a page or a file",
        ]
    );
    f.write(
        "content/authors.yaml",
        "reporter:\n  en: { name: Reporter }\n  ar: { name: مراسل }\n",
    );
    let built = f.build();
    let page = built.page("en/news/s/index.html");
    assert_eq!(page.attrs(".corrections a", "href"), ["#", "#", "#"]);
    assert_eq!(page.attrs(".body a", "href"), ["#", "#"]);
    for path in built.html_pages() {
        let page = built.page(&path);
        for attr in ["href", "src", "action", "srcset"] {
            for url in page.attrs(&format!("[{attr}]"), attr) {
                let lower = url.trim().to_ascii_lowercase();
                assert!(
                    !is_script_url(&url) && !lower.starts_with("data:"),
                    "{path}: {attr}={url}"
                );
            }
        }
    }
}
