//! What static hosts, search engines and link previews read: the sitemap
//! (split above 50,000 URLs) and robots.txt, NewsArticle structured data,
//! Open Graph and Twitter tags, a base URL with a sub-path, and stylesheets
//! with a content hash in their names.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::pictures;
use crate::common::{CONFIG, Files, Loaded, Site, Story};

const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// One `<url>` of a sitemap.
#[derive(Debug, PartialEq)]
struct Entry {
    lastmod: Option<String>,
    /// hreflang → href
    alternates: BTreeMap<String, String>,
}

/// A sitemap's `<url>`s by `<loc>`; panics on anything but a urlset.
fn read_sitemap(xml: &str) -> BTreeMap<String, Entry> {
    let doc = roxmltree::Document::parse(xml).expect("the sitemap is well-formed XML");
    let root = doc.root_element();
    assert!(
        root.has_tag_name((SITEMAP, "urlset")),
        "{:?}",
        root.tag_name()
    );
    let mut urls = BTreeMap::new();
    for url in root.children().filter(|n| n.has_tag_name((SITEMAP, "url"))) {
        let text = |name: &str| {
            url.children()
                .find(|n| n.has_tag_name((SITEMAP, name)))
                .and_then(|n| n.text())
                .map(str::to_string)
        };
        let alternates = url
            .children()
            .filter(|n| n.has_tag_name((XHTML, "link")))
            .map(|l| {
                assert_eq!(l.attribute("rel"), Some("alternate"));
                (
                    l.attribute("hreflang").unwrap().to_string(),
                    l.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        let loc = text("loc").expect("every url has a loc");
        let previous = urls.insert(
            loc.clone(),
            Entry {
                lastmod: text("lastmod"),
                alternates,
            },
        );
        assert!(previous.is_none(), "{loc} is listed twice");
    }
    urls
}

/// The permalink of a page under `public/` (`ar/x/index.html`).
fn permalink(base: &str, page: &str) -> String {
    let path = page.strip_suffix("index.html").unwrap_or(page);
    url::Url::parse(base)
        .unwrap()
        .join(path)
        .unwrap()
        .to_string()
}

/// The example site with an Arabic-only story under an Arabic-only topic,
/// paginated by three so that edition homes have several pages.
fn example_with_an_arabic_only_story() -> Site {
    let site = Site::example();
    site.edit("digest.yaml", |c| c.replace("paginate: 10", "paginate: 3"));
    site.story(
        Story::new("news/border-crossing", "2021-12-13T09:00:00+03:00")
            .ar("افتتاح منفذ حدودي")
            .tags("[العراق, المنافذ الحدودية]")
            .body("خبر بالعربية فقط."),
    );
    site
}

#[test]
fn the_sitemap_lists_every_page_with_its_last_change() {
    // Every HTML page but the 404 is in sitemap.xml, once, with a lastmod;
    // an article's lastmod is the latest date its page shows.
    let site = example_with_an_arabic_only_story();
    let built = site.build();
    let base = "https://digest.example.org/";
    let sitemap = read_sitemap(built.read("sitemap.xml"));
    let pages: BTreeSet<String> = built
        .html_pages()
        .into_iter()
        .filter(|p| p != "404.html")
        .map(|p| permalink(base, &p))
        .collect();
    let listed: BTreeSet<String> = sitemap.keys().cloned().collect();
    assert_eq!(listed, pages);
    for (loc, entry) in &sitemap {
        let lastmod = entry
            .lastmod
            .as_deref()
            .unwrap_or_else(|| panic!("{loc}: no lastmod"));
        assert!(
            lastmod.parse::<jiff::Timestamp>().is_ok(),
            "{loc}: {lastmod}"
        );
    }
    let mut articles = 0;
    for page in built.html_pages() {
        let html = built.page(&page);
        if html.count("article.story") == 0 {
            continue;
        }
        articles += 1;
        // Its publication, update and corrections.
        let latest = html
            .attrs(".byline time, .corrections time", "datetime")
            .into_iter()
            .max_by_key(|t| t.parse::<jiff::Timestamp>().unwrap())
            .unwrap();
        let entry = &sitemap[&permalink(base, &page)];
        assert_eq!(entry.lastmod.as_deref(), Some(latest.as_str()), "{page}");
    }
    assert_eq!(articles, 15);
}

#[test]
fn sitemap_alternates_are_reciprocal_and_match_the_pages() {
    // A page in both editions lists both versions (itself included), and
    // the other version lists the same pair; topic pages too. Pages of one
    // edition only, and later pages of a list, list none. The sitemap says
    // what the pages' own hreflang links say.
    let site = example_with_an_arabic_only_story();
    let built = site.build();
    let base = "https://digest.example.org/";
    let sitemap = read_sitemap(built.read("sitemap.xml"));
    for (loc, entry) in &sitemap {
        if entry.alternates.is_empty() {
            continue;
        }
        assert!(
            entry.alternates.values().any(|href| href == loc),
            "{loc} does not list itself: {:?}",
            entry.alternates
        );
        for href in entry.alternates.values() {
            let other = sitemap
                .get(href)
                .unwrap_or_else(|| panic!("{loc}: alternate {href} is not in the sitemap"));
            assert_eq!(other.alternates, entry.alternates, "{loc} ↔ {href}");
        }
    }
    let alternates = |path: &str| -> Vec<(String, String)> {
        sitemap[&format!("{base}{path}")]
            .alternates
            .iter()
            .map(|(l, h)| (l.clone(), h.clone()))
            .collect()
    };
    // x-default is the Arabic (default) version, or for the edition homes
    // the bilingual front door.
    let pair = |ar: &str, en: &str| {
        vec![
            ("ar".to_string(), format!("{base}{ar}")),
            ("en".to_string(), format!("{base}{en}")),
            ("x-default".to_string(), format!("{base}{ar}")),
        ]
    };
    assert_eq!(
        alternates("ar/tags/iraq/"),
        pair("ar/tags/iraq/", "en/tags/iraq/")
    );
    assert_eq!(
        alternates("en/tags/iraq/"),
        pair("ar/tags/iraq/", "en/tags/iraq/")
    );
    assert_eq!(alternates("en/tags/"), pair("ar/tags/", "en/tags/"));
    assert_eq!(
        alternates("en/news/us-combat-role-ends/"),
        pair(
            "ar/news/us-combat-role-ends/",
            "en/news/us-combat-role-ends/"
        )
    );
    assert_eq!(
        alternates("en/"),
        [
            ("ar".to_string(), format!("{base}ar/")),
            ("en".to_string(), format!("{base}en/")),
            ("x-default".to_string(), base.to_string()),
        ]
    );
    assert_eq!(alternates("ar/news/border-crossing/"), []);
    assert_eq!(
        alternates(
            "ar/tags/%D8%A7%D9%84%D9%85%D9%86%D8%A7%D9%81%D8%B0-%D8%A7%D9%84%D8%AD%D8%AF%D9%88%D8%AF%D9%8A%D8%A9/"
        ),
        []
    );
    assert_eq!(alternates("ar/page/2/"), []);
    // Each page's hreflang links say the same as its sitemap entry.
    for page in built.html_pages().into_iter().filter(|p| p != "404.html") {
        let html = built.page(&page);
        let langs = html.attrs("link[rel=alternate][hreflang]", "hreflang");
        let hrefs = html.attrs("link[rel=alternate][hreflang]", "href");
        let on_page: BTreeMap<String, String> = langs.into_iter().zip(hrefs).collect();
        let in_sitemap = &sitemap[&permalink(base, &page)].alternates;
        if in_sitemap.is_empty() {
            // Itself (and itself as x-default) at most.
            assert!(
                on_page.values().all(|href| *href == permalink(base, &page)),
                "{page}: {on_page:?}"
            );
        } else {
            assert_eq!(&on_page, in_sitemap, "{page}");
        }
    }
}

#[test]
fn a_sitemap_index_splits_the_sitemap_above_50000_urls() {
    // The example site plus enough pages to pass the sitemap limit: the
    // plan asks for an index and two parts, the index lists both parts,
    // and together the parts list every page once, 50,000 at most each.
    let site = Site::example();
    let options = site.options();
    let loaded = Loaded::new(&options.root);
    let (plan, problems) =
        digest::output::plan::plan(&loaded.config, &loaded.site, Vec::new(), Vec::new());
    assert!(!problems.has_errors(), "{problems}");
    let mut pages = plan.pages;
    let limit = digest::output::plan::SITEMAP_LIMIT;
    let in_sitemap = |pages: &[digest::output::plan::Page]| {
        pages
            .iter()
            .filter(|p| digest::output::plan::in_sitemap(&loaded.site, p))
            .count()
    };
    assert_eq!(
        digest::output::plan::sitemap_pages(in_sitemap(&pages)).len(),
        1,
        "a small site has one sitemap"
    );
    let extra = limit + 1 - in_sitemap(&pages) + 10;
    pages.extend((0..extra).map(|n| {
        digest::output::plan::Page::new(
            digest::urls::Route::dir(["en", "archive", &format!("story-{n}")]),
            digest::output::plan::PageKind::Front,
        )
    }));
    let listed = in_sitemap(&pages);
    assert_eq!(listed, limit + 11);
    let files = digest::output::plan::sitemap_pages(listed);
    let names: Vec<String> = files.iter().map(|p| p.route.output_path()).collect();
    assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);

    let sources = digest::output::views::sources::Sources {
        config: &loaded.config,
        site: &loaded.site,
        locales: &loaded.theme.locales,
        settings: &loaded.settings,
        media: &Default::default(),
        menus: &plan.menus,
        options: &loaded.theme.options,
    };
    let render = |page: &digest::output::plan::Page| {
        let digest::output::plan::PageKind::Sitemap { part, parts } = page.kind else {
            panic!("not a sitemap: {page:?}");
        };
        String::from_utf8(digest::output::sitemap::sitemap(
            &sources, &pages, part, parts,
        ))
        .unwrap()
    };
    let index = render(&files[0]);
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert!(doc.root_element().has_tag_name((SITEMAP, "sitemapindex")));
    let parts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        parts,
        [
            "https://digest.example.org/sitemap-1.xml",
            "https://digest.example.org/sitemap-2.xml"
        ]
    );
    let first = read_sitemap(&render(&files[1]));
    let second = read_sitemap(&render(&files[2]));
    assert_eq!(first.len(), limit);
    assert_eq!(second.len(), 11);
    let all: BTreeSet<&String> = first.keys().chain(second.keys()).collect();
    let expected: BTreeSet<String> = pages
        .iter()
        .filter(|p| digest::output::plan::in_sitemap(&loaded.site, p))
        .map(|p| p.route.permalink(&loaded.config.base_url))
        .collect();
    assert_eq!(all, expected.iter().collect::<BTreeSet<_>>());
}

#[test]
fn robots_txt_points_at_the_sitemap() {
    // robots.txt lets crawlers in and names the sitemap's full address,
    // sub-path included.
    let site = Site::example();
    let built = site.build();
    assert_eq!(
        built.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://digest.example.org/sitemap.xml\n"
    );
    let built = site.build_at("https://example.org/digest/");
    let robots = built.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == "Sitemap: https://example.org/digest/sitemap.xml"),
        "{robots}"
    );
    assert!(built.exists("sitemap.xml"));
}

/// The JSON-LD of a page, parsed.
fn json_ld(files: &Files, page: &str) -> serde_json::Value {
    let html = files.page(page);
    let scripts = html.texts("script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "{page}");
    serde_json::from_str(&scripts[0])
        .unwrap_or_else(|e| panic!("{page}: JSON-LD does not parse: {e}\n{}", scripts[0]))
}

#[test]
fn article_pages_carry_news_article_structured_data() {
    // Every article page of the example site has NewsArticle JSON-LD that
    // parses and says what the page says; the Arabic original and its
    // English translation point at each other.
    let site = Site::example();
    let built = site.build();
    let mut checked = 0;
    for page in built.html_pages() {
        let html = built.page(&page);
        if html.count("article.story") == 0 {
            assert_eq!(
                html.count("script[type='application/ld+json']"),
                0,
                "{page}"
            );
            continue;
        }
        checked += 1;
        let data = json_ld(&built, &page);
        assert_eq!(data["@context"], "https://schema.org", "{page}");
        assert_eq!(data["@type"], "NewsArticle", "{page}");
        assert_eq!(data["headline"], html.text("h1"), "{page}");
        assert_eq!(
            data["url"],
            html.attr("link[rel=canonical]", "href"),
            "{page}"
        );
        let published = html.attr(".byline time", "datetime");
        assert_eq!(data["datePublished"], published, "{page}");
        let modified = data["dateModified"].as_str().unwrap();
        assert!(
            modified.parse::<jiff::Timestamp>().unwrap()
                >= published.parse::<jiff::Timestamp>().unwrap(),
            "{page}"
        );
        let locale = if page.starts_with("ar/") {
            "ar-IQ"
        } else {
            "en-GB"
        };
        assert_eq!(data["inLanguage"], locale, "{page}");
        // A person, a list of people (a story with several bylines), or
        // the edition itself.
        let authors = match &data["author"] {
            serde_json::Value::Array(people) => people.clone(),
            one => vec![one.clone()],
        };
        for author in &authors {
            assert!(author["name"].is_string(), "{page}");
        }
        assert_eq!(data["publisher"]["@type"], "Organization", "{page}");
        assert!(data["publisher"]["name"].is_string(), "{page}");
        // The translation link leads to a page whose JSON-LD links back.
        let (link, back) = if page.starts_with("ar/") {
            (&data["workTranslation"][0], "translationOfWork")
        } else {
            (&data["translationOfWork"], "workTranslation")
        };
        let other_url = link["url"]
            .as_str()
            .unwrap_or_else(|| panic!("{page}: {data}"));
        let other_page = format!(
            "{}index.html",
            other_url
                .strip_prefix("https://digest.example.org/")
                .unwrap()
        );
        let other = json_ld(&built, &other_page);
        assert_eq!(other["headline"], link["headline"], "{page}");
        assert_eq!(other["inLanguage"], link["inLanguage"], "{page}");
        let back_link = if back == "workTranslation" {
            &other[back][0]
        } else {
            &other[back]
        };
        assert_eq!(back_link["url"], data["url"], "{page} ↔ {other_page}");
    }
    assert_eq!(checked, 14);
}

/// One translated story with a picture, an author and a source, one
/// Arabic-only story without them; served under a sub-path.
fn illustrated() -> Site {
    let site = Site::new();
    site.write_bytes(
        "content/news/convoy.jpg",
        &pictures::jpeg(&pictures::photo(200, 150, 1), 80),
    );
    site.story(Story::new("news/convoy", "2021-12-13T08:00:00+03:00").ar("رتل يعبر الحدود").front("updated: 2021-12-14T10:00:00+03:00\nauthor: سارة علي\nimage: { src: convoy.jpg, alt: رتل على طريق صحراوي }\nsource: { name: وكالة, url: \"https://agency.example.com/story?id=7&lang=ar\" }\ntags: [iraq]\n").body("غادرت آخر الوحدات القتالية.").en("A convoy crosses the border").front("image: { src: convoy.jpg, alt: A convoy on a desert road }\ntags: [iraq]\n").body("The last combat units left."));
    site.story(
        Story::new("news/local", "2021-12-12T08:00:00+03:00")
            .ar("خبر محلي")
            .front("source: { name: مراسلنا }\n")
            .body("خبر بالعربية فقط."),
    );
    site
}

#[test]
fn structured_data_names_the_picture_author_and_source() {
    // The picture's full address (sub-path included), the author as a
    // person, the source as isBasedOn; a story without them names none.
    let site = illustrated();
    let built = site.build_at("https://example.org/digest/");
    let data = json_ld(&built, "ar/news/convoy/index.html");
    let picture = data["image"]["url"].as_str().unwrap();
    assert!(
        picture.starts_with("https://example.org/digest/news/convoy.") && picture.ends_with(".jpg"),
        "{picture}"
    );
    assert_eq!(
        data["author"],
        serde_json::json!({
            "@type": "Person",
            "name": "سارة علي",
            "url": "https://example.org/digest/ar/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%B9%D9%84%D9%8A/"
        })
    );
    assert_eq!(
        data["isBasedOn"],
        "https://agency.example.com/story?id=7&lang=ar"
    );
    assert_eq!(data["datePublished"], "2021-12-13T08:00:00+03:00");
    assert_eq!(data["dateModified"], "2021-12-14T10:00:00+03:00");
    assert_eq!(
        data["workTranslation"][0]["url"],
        "https://example.org/digest/en/news/convoy/"
    );
    assert_eq!(data["publisher"]["url"], "https://example.org/digest/ar/");
    let local = json_ld(&built, "ar/news/local/index.html");
    for key in ["image", "isBasedOn", "workTranslation", "translationOfWork"] {
        assert!(local.get(key).is_none(), "{key}: {local}");
    }
    assert_eq!(local["author"]["@type"], "Organization");
    // `&` and `<` cannot end the script element early.
    let raw = built.read("ar/news/convoy/index.html");
    assert!(raw.contains(r"id=7\u0026lang=ar"), "the JSON-LD escapes &");
}

/// `content` of the `<meta>` elements matching `css`.
fn metas(files: &Files, page: &str, css: &str) -> Vec<String> {
    files.page(page).attrs(css, "content")
}

#[test]
fn open_graph_and_twitter_tags_name_locales_and_pictures() {
    // og:locale is the edition's locale (ar_IQ, en_GB); og:locale:alternate
    // names the locales the page is also published in, and only those.
    let site = illustrated();
    let built = site.build_at("https://example.org/digest/");
    let og =
        |page: &str, property: &str| metas(&built, page, &format!("meta[property='{property}']"));
    let ar = "ar/news/convoy/index.html";
    let en = "en/news/convoy/index.html";
    let local = "ar/news/local/index.html";
    assert_eq!(og(ar, "og:locale"), ["ar_IQ"]);
    assert_eq!(og(ar, "og:locale:alternate"), ["en_GB"]);
    assert_eq!(og(en, "og:locale"), ["en_GB"]);
    assert_eq!(og(en, "og:locale:alternate"), ["ar_IQ"]);
    assert_eq!(og(local, "og:locale"), ["ar_IQ"]);
    assert_eq!(og(local, "og:locale:alternate"), Vec::<String>::new());
    assert_eq!(og("index.html", "og:locale:alternate"), ["en_GB"]);
    assert_eq!(
        og("ar/tags/iraq/index.html", "og:locale:alternate"),
        ["en_GB"]
    );
    assert_eq!(og(ar, "og:type"), ["article"]);
    assert_eq!(og("ar/index.html", "og:type"), ["website"]);
    assert_eq!(
        og(ar, "og:url"),
        ["https://example.org/digest/ar/news/convoy/"]
    );
    assert_eq!(og(ar, "og:title"), ["رتل يعبر الحدود"]);
    let picture = og(ar, "og:image").remove(0);
    assert!(
        picture.starts_with("https://example.org/digest/news/convoy.")
            && picture.ends_with(".200.jpg"),
        "{picture}"
    );
    assert_eq!(
        og(ar, "og:image:width"),
        ["200"],
        "the picture's own width: it is small"
    );
    assert_eq!(og(ar, "og:image:height"), ["150"]);
    assert_eq!(og(ar, "og:image:alt"), ["رتل على طريق صحراوي"]);
    assert_eq!(
        og(ar, "article:published_time"),
        ["2021-12-13T08:00:00+03:00"]
    );
    assert_eq!(
        og(ar, "article:modified_time"),
        ["2021-12-14T10:00:00+03:00"]
    );
    assert_eq!(og(ar, "article:tag"), ["العراق"]);
    let twitter = |page: &str| metas(&built, page, "meta[name='twitter:card']");
    assert_eq!(twitter(ar), ["summary_large_image"]);
    assert_eq!(twitter(local), ["summary"]);
    assert_eq!(og(local, "og:image"), Vec::<String>::new());
}

/// Every address a page refers to: links, assets, and the URLs in meta
/// tags.
fn addresses(files: &Files, page: &str) -> Vec<String> {
    let html = files.page(page);
    let mut found = Vec::new();
    for (css, attr) in [
        ("[href]", "href"),
        ("[src]", "src"),
        ("meta[property='og:url']", "content"),
        ("meta[property='og:image']", "content"),
    ] {
        found.extend(html.attrs(css, attr));
    }
    found
}

#[test]
fn a_site_under_a_sub_path_keeps_every_address_under_it() {
    // `digest build --base-url https://example.org/digest/`: every link,
    // asset, canonical, hreflang, feed, picture (lead and in the body) and
    // Markdown root-relative link starts with /digest/ or the full base URL;
    // nothing is left relative to the page.
    let site = illustrated();
    site.write(
        "content/news/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    site.story(
        Story::new("analysis/explainer", "2021-12-11")
            .en("An explainer")
            .body("![Map](../news/map.svg) [Home](/en/) [Convoy](../../news/convoy/) [Top](#main)"),
    );
    let out = site.run(&["build", "--base-url", "https://example.org/digest/"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = site.public();
    let base = "https://example.org/digest/";
    let mut pages = 0;
    for page in public.html_pages() {
        pages += 1;
        for address in addresses(&public, &page) {
            let ok = address.starts_with("/digest/")
                || address.starts_with(base)
                || address.starts_with('#')
                || (address.starts_with("https://") && !address.starts_with("https://example.org"));
            assert!(ok, "{page}: `{address}` is not under the sub-path");
        }
    }
    assert!(pages > 10);
    let explainer = public.page("en/analysis/explainer/index.html");
    assert_eq!(
        explainer.attrs(".body img", "src"),
        ["/digest/news/map.svg"]
    );
    assert_eq!(
        explainer.attrs(".body a", "href"),
        ["/digest/en/", "/digest/en/news/convoy/", "#main"]
    );
    let lead = public
        .page("ar/news/convoy/index.html")
        .attr(".lead-image img", "src");
    assert!(lead.starts_with("/digest/news/convoy."), "{lead}");
    assert!(public.exists(lead.trim_start_matches("/digest/")));
    assert!(public.exists("news/map.svg"));
    let home = public.page("en/index.html");
    assert_eq!(
        home.attr("link[rel=canonical]", "href"),
        "https://example.org/digest/en/"
    );
    assert_eq!(
        home.attrs("link[rel=alternate][hreflang]", "href"),
        [
            "https://example.org/digest/ar/",
            "https://example.org/digest/en/",
            "https://example.org/digest/"
        ]
    );
    // Machines' files too.
    let sitemap = read_sitemap(public.read("sitemap.xml"));
    assert!(
        sitemap.keys().all(|loc| loc.starts_with(base)),
        "{sitemap:?}"
    );
    let atom = public.read("en/atom.xml");
    let doc = roxmltree::Document::parse(atom).unwrap();
    for link in doc.descendants().filter(|n| n.tag_name().name() == "link") {
        let href = link.attribute("href").unwrap();
        assert!(href.starts_with(base), "{href}");
    }
}

#[test]
fn stylesheets_are_published_under_a_content_hash() {
    // style.css is published as style.<hash>.css, every page links that
    // name, and the name stays the same while the file does.
    let site = Site::new();
    site.story(Story::new("news/a", "2021-12-10").en("A story"));
    let built = site.build();
    let css = stylesheets(&built);
    assert_eq!(css.len(), 1, "{css:?}");
    let name = &css[0];
    let hash = name
        .strip_prefix("style.")
        .and_then(|n| n.strip_suffix(".css"))
        .unwrap();
    assert!(
        hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{name}"
    );
    assert_eq!(
        built.read(name),
        site.read("themes/default/static/style.css")
    );
    for page in built.html_pages() {
        assert_eq!(
            built.page(&page).attrs("link[rel=stylesheet]", "href"),
            [format!("/{name}")],
            "{page}"
        );
    }
    let built = site.build();
    assert_eq!(stylesheets(&built), css, "an unchanged file keeps its name");
    let built = site.build_at("https://example.org/digest/");
    assert_eq!(
        built
            .page("en/index.html")
            .attr("link[rel=stylesheet]", "href"),
        format!("/digest/{name}")
    );
}

#[test]
fn a_changed_stylesheet_gets_a_new_name_and_pages_follow() {
    // Hosts may cache style.<hash>.css forever: a change to the CSS must
    // publish a new name, drop the old one and relink every page.
    let site = Site::new();
    site.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    site.story(Story::new("news/a", "2021-12-10").en("A story"));
    let built = site.build();
    let before = stylesheets(&built);
    let css = site.read("themes/default/static/style.css");
    site.write(
        "themes/default/static/style.css",
        &format!("{css}\n.story h1 {{ letter-spacing: 0.01em; }}\n"),
    );
    let built = site.build();
    let after = stylesheets(&built);
    assert_eq!(after.len(), 1);
    assert_ne!(after, before);
    assert!(!built.exists(&before[0]));
    for page in built.html_pages() {
        assert_eq!(
            built.page(&page).attrs("link[rel=stylesheet]", "href"),
            [format!("/{}", after[0])],
            "{page}"
        );
    }
}

/// The stylesheets at the top of `public/`.
fn stylesheets(files: &Files) -> Vec<String> {
    files
        .paths()
        .filter(|p| p.ends_with(".css"))
        .cloned()
        .collect()
}
