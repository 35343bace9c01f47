//! Every link and picture checked: internal addresses in bodies (Markdown
//! and raw HTML), inline pictures, links to files and the lead image are
//! resolved against what the build publishes, before anything is rendered.
//! One that leads nowhere is an error at its file, line and column with the
//! closest address the site has; `links: warn` makes it a warning. Stories
//! may be linked by their source file, and `#fragments` pointing at another
//! story's headings are checked too.

use std::path::PathBuf;

use crate::common::pictures;
use crate::common::{CONFIG, Site, Story, warnings};

/// Two stories in both editions (one with a picture and sections of its
/// own), a PDF beside them.
fn site() -> Site {
    let f = Site::new();
    f.story(
        Story::new("news/anbar-isis-cell", "2026-11-28")
            .tags("[iraq, us-forces]")
            .front("image: { src: raid.jpg, alt: A raid }\n")
            .body(
                "Intro.\n\n## Background\n\nText.\n\n## الخلفية\n\nنص.\n\n## Background\n\nAgain.",
            )
            .ar("خلية الأنبار")
            .en("The Anbar cell"),
    );
    f.write_bytes(
        "content/news/raid.jpg",
        &pictures::jpeg(&pictures::photo(64, 48, 1), 80),
    );
    f.write("content/news/report.pdf", "%PDF-1.4");
    f
}

fn errors(f: &Site) -> Vec<String> {
    f.build_errors()
}

/// The English story `news/roundup`, with `body`.
fn roundup(body: &str) -> Story {
    Story::new("news/roundup", "2026-11-30")
        .en("Roundup")
        .tags("[iraq, us-forces]")
        .body(body)
}

#[test]
fn a_link_or_picture_that_leads_nowhere_is_an_error_with_the_closest_address() {
    // A lead image with the wrong name, a missing inline picture, a missing
    // PDF and a mistyped story: each an error where it is written, with
    // the address the editor most likely meant; nothing is published.
    let f = site();
    f.story(roundup(
        "See [the cell](../anbar-isis-cel/) and ![map](map.png).\n\nThe [report](report.pfd), the [full text](files/full.pdf)\nand [the Arabic story](/ar/news/anbar-isis-cell/).",
    ).front("image: { src: raid.jpeg, alt: A raid }\n"));
    assert_eq!(
        errors(&f),
        [
            "error: content/news/roundup.en.md:5:15: there is no picture content/news/raid.jpeg\n  help: did you mean `raid.jpg`? Pictures are read from the article's folder, or from content/ when the address starts with /",
            "error: content/news/roundup.en.md:7:5: the link `../anbar-isis-cel/` leads to /en/news/anbar-isis-cel/, which is not a page of the site\n  help: did you mean /en/news/anbar-isis-cell/?",
            "error: content/news/roundup.en.md:7:40: there is no picture content/news/map.png\n  help: put the picture beside the article (or give its path from content/, starting with /)",
            "error: content/news/roundup.en.md:9:5: the link `report.pfd` leads to /news/report.pfd, a file the site does not publish\n  help: did you mean /news/report.pdf?",
            "error: content/news/roundup.en.md:9:31: the link `files/full.pdf` leads to /news/files/full.pdf, a file the site does not publish\n  help: put the file at content/news/files/full.pdf, or correct its name",
        ]
    );
    assert!(!f.exists("public"));
}

#[test]
fn the_same_story_in_the_other_edition_is_suggested() {
    // An English story linking `../story/` that only exists in Arabic is
    // pointed at the Arabic page.
    let f = site();
    f.story(
        Story::new("news/only-ar", "2026-11-29")
            .ar("عربي فقط")
            .tags("[iraq, us-forces]")
            .body("نص."),
    );
    f.story(roundup("See [it](../only-ar/)."));
    assert_eq!(
        errors(&f),
        [
            "error: content/news/roundup.en.md:6:5: the link `../only-ar/` leads to /en/news/only-ar/, which is not a page of the site\n  help: did you mean /ar/news/only-ar/?"
        ]
    );
}

#[test]
fn links_in_raw_html_are_checked_where_they_are_written() {
    // `<a href>` and `<img src>` in raw HTML lead somewhere too.
    let f = site();
    f.story(roundup("Intro.\n\n<figure>\n  <img src=\"raid.jpg\" alt=\"\">\n  <figcaption><a href=\"../anbar-isis-cells/\">The cell</a></figcaption>\n</figure>\n\n<p>See <img src=\"chart.svg\" alt=\"\"></p>"));
    assert_eq!(
        errors(&f),
        [
            "error: content/news/roundup.en.md:10:24: the link `../anbar-isis-cells/` leads to /en/news/anbar-isis-cells/, which is not a page of the site\n  help: did you mean /en/news/anbar-isis-cell/?",
            "error: content/news/roundup.en.md:13:18: the picture `chart.svg` is not published: the site has no /news/chart.svg\n  help: put the file at content/news/chart.svg, or correct its name",
        ]
    );
}

#[test]
fn links_by_source_file_become_the_story_s_address_in_its_edition() {
    // `../x.ar.md` (from the article's folder) and `@/news/x.en.md` (from
    // content/) lead to that file's story, in the page and in the feeds,
    // whatever its slug; a fragment is kept.
    let f = site();
    f.story(
        Story::new("analysis/why", "2026-11-30")
            .en("Why")
            .tags("[iraq, us-forces]")
            .body("Read [the story](../news/anbar-isis-cell.en.md#background), [in Arabic](@/news/anbar-isis-cell.ar.md) and <a href=\"../news/renamed.en.md\">the renamed one</a>."),
    );
    f.story(
        Story::new("news/renamed", "2026-11-29")
            .en("Renamed")
            .front("slug: a-better-name\ntags: [iraq, us-forces]\n")
            .body("Text."),
    );
    let built = f.build();
    let page = built.page("en/analysis/why/index.html");
    assert_eq!(
        page.attrs(".body a", "href"),
        [
            "/en/news/anbar-isis-cell/#background",
            "/ar/news/anbar-isis-cell/",
            "/en/news/a-better-name/"
        ]
    );
    let feed = built.json("en/feed.json");
    let item = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Why")
        .unwrap();
    let content = item["content_html"].as_str().unwrap();
    assert!(
        content.contains("href=\"/en/news/a-better-name/\""),
        "{content}"
    );
    assert!(!content.contains("__digest-source"), "{content}");

    // When the story moves, the page that links to it follows.
    f.story(
        Story::new("news/renamed", "2026-11-29")
            .en("Renamed")
            .front("slug: the-best-name\ntags: [iraq, us-forces]\n")
            .body("Text."),
    );
    let built = f.build();
    assert!(
        built
            .report
            .written
            .contains(&"en/analysis/why/index.html".to_string())
    );
    assert_eq!(
        built
            .page("en/analysis/why/index.html")
            .attrs(".body a", "href")[2],
        "/en/news/the-best-name/"
    );
}

#[test]
fn a_link_by_source_file_to_no_article_is_an_error() {
    // A mistyped file name gets the closest story's file.
    let f = site();
    f.story(roundup("Read [it](anbar-isis-cel.en.md)."));
    assert_eq!(
        errors(&f),
        [
            "error: content/news/roundup.en.md:6:6: the link `anbar-isis-cel.en.md` names content/news/anbar-isis-cel.en.md, which is not an article of the site\n  help: did you mean content/news/anbar-isis-cell.en.md?"
        ]
    );
}

#[test]
fn fragments_pointing_at_another_story_s_headings_are_checked() {
    // Headings get ids by the slug rule (Arabic kept, repeats numbered);
    // a fragment that names none of them is an error with the closest.
    let f = site();
    f.story(roundup("[a](../anbar-isis-cell/#background) [b](../anbar-isis-cell/#background-1) [c](../../../ar/news/anbar-isis-cell/#الخلفية) [d](anbar-isis-cell.en.md#backgroud) [e](../anbar-isis-cell/#history)"));
    assert_eq!(
        errors(&f),
        [
            "error: content/news/roundup.en.md:6:122: the link `anbar-isis-cell.en.md#backgroud` leads to `#backgroud` on /en/news/anbar-isis-cell/, which has no heading with that id\n  help: did you mean `#background`?",
            "error: content/news/roundup.en.md:6:159: the link `../anbar-isis-cell/#history` leads to `#history` on /en/news/anbar-isis-cell/, which has no heading with that id\n  help: its headings are: #background, #الخلفية, #background-1",
        ]
    );
    f.story(roundup("[a](../anbar-isis-cell/#background)"));
    let story = f.build().page("en/news/anbar-isis-cell/index.html");
    assert_eq!(
        story.attrs(".body h2", "id"),
        ["background", "الخلفية", "background-1"]
    );
}

#[test]
fn a_link_to_a_file_of_a_kind_not_published_says_how_to_publish_it() {
    // The file is there, but `.docx` files stay out unless the site says so.
    let f = site();
    f.write("content/news/budget.docx", "x");
    f.story(roundup("The [budget](budget.docx)."));
    let errors = errors(&f);
    assert_eq!(
        errors[0],
        "error: content/news/roundup.en.md:6:5: the link `budget.docx` leads to content/news/budget.docx, which is not published\n  help: files of this kind are not published: add `docx` to `publish_extensions:` in digest.yaml to publish them"
    );
}

#[test]
fn links_warn_publishes_with_warnings_instead() {
    // A newsroom that prefers to publish first sets `links: warn`.
    let f = site();
    f.write("digest.yaml", &format!("{}links: warn\n", CONFIG));
    f.story(roundup("See [the cell](../anbar-isis-cel/)."));
    let built = f.build();
    let warnings = warnings(&built.report);
    assert_eq!(
        warnings,
        [
            "warning: content/news/roundup.en.md:6:5: the link `../anbar-isis-cel/` leads to /en/news/anbar-isis-cel/, which is not a page of the site\n  help: did you mean /en/news/anbar-isis-cell/?"
        ]
    );
    assert_eq!(
        built
            .page("en/news/roundup/index.html")
            .attr(".body a", "href"),
        "/en/news/anbar-isis-cel/"
    );
}

#[test]
fn addresses_under_a_base_path_are_checked_as_published() {
    // With the site under /digest/, root-relative links are read from there.
    let f = site();
    f.story(roundup(
        "See [the cell](/en/news/anbar-isis-cell/), ![raid](/news/raid.jpg) and [home](/en/).",
    ));
    assert_eq!(
        f.build_at("https://example.org/digest/")
            .page("en/news/roundup/index.html")
            .attrs(".body a", "href"),
        ["/digest/en/news/anbar-isis-cell/", "/digest/en/"]
    );
}

#[test]
fn an_unchanged_article_is_not_read_again_to_check_its_links() {
    // Links are kept with the parsed article: after another story moves,
    // every link is checked again without reading the unchanged files (the
    // cache is trusted: a rewrite that keeps size and time goes unseen).
    let f = site();
    let link_to = |target: &str| {
        f.story(roundup(&format!("See [the cell](../{target}/).")));
        let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        std::fs::File::options()
            .append(true)
            .open(f.path("content/news/roundup.en.md"))
            .unwrap()
            .set_modified(old)
            .unwrap();
    };
    link_to("anbar-isis-cell");
    f.build();
    link_to("anbar-isis-xxxx");
    f.story(
        Story::new("news/anbar-isis-cell", "2026-11-28")
            .en("The Anbar cell")
            .front(
                "slug: the-cell\ntags: [iraq, us-forces]\nimage: { src: raid.jpg, alt: A raid }\n",
            )
            .body("Moved."),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/roundup.en.md:6:5: the link `../anbar-isis-cell/` leads to /en/news/anbar-isis-cell/, which is not a page of the site\n  help: did you mean /ar/news/anbar-isis-cell/?"
        ]
    );
}

#[test]
fn builds_told_what_changed_check_again_the_links_an_edit_can_break() {
    // As `digest serve` builds: a story whose links were all found is not
    // checked again while the site keeps its pages, but a link to another
    // story's heading is, and every link of an edited story is.
    let f = site();
    let anbar = |body: &str| {
        Story::new("news/anbar-isis-cell", "2026-11-28")
            .tags("[iraq, us-forces]")
            .front("image: { src: raid.jpg, alt: A raid }\n")
            .body(body)
            .ar("خلية الأنبار")
            .en("The Anbar cell")
    };
    f.story(roundup(
        "[The background](../anbar-isis-cell/#background), [the cell](../anbar-isis-cell/).",
    ));
    let brief = |body: &str| {
        Story::new("news/brief", "2026-11-29")
            .en("Brief")
            .tags("[iraq]")
            .body(body)
    };
    f.story(brief("See [the cell](../anbar-isis-cell/)."));
    let mut preview = f.in_memory();
    preview.build(None).unwrap();
    let mut build = |changed: &[&str]| -> Vec<String> {
        let changed: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
        match preview.build(Some(&changed)) {
            Ok(_) => Vec::new(),
            Err(err) => err.diagnostics().iter().map(ToString::to_string).collect(),
        }
    };
    let anbar_files = [
        "content/news/anbar-isis-cell.ar.md",
        "content/news/anbar-isis-cell.en.md",
    ];
    // The heading goes: the roundup, unchanged, now leads nowhere.
    f.story(anbar("Intro.\n\n## History\n\nText."));
    let gone = "error: content/news/roundup.en.md:6:1: the link `../anbar-isis-cell/#background` leads to `#background` on /en/news/anbar-isis-cell/, which has no heading with that id\n  help: its headings are: #history";
    assert_eq!(build(&anbar_files), [gone]);
    // An edited story's links are all checked again.
    f.story(brief("See [the cell](../anbar-isis-cel/)."));
    assert_eq!(
        build(&["content/news/brief.en.md"]),
        [
            "error: content/news/brief.en.md:6:5: the link `../anbar-isis-cel/` leads to /en/news/anbar-isis-cel/, which is not a page of the site\n  help: did you mean /en/news/anbar-isis-cell/?",
            gone,
        ]
    );
    f.story(brief("See [the cell](../anbar-isis-cell/)."));
    f.story(anbar("Intro.\n\n## Background\n\nText."));
    let mut fixed = vec!["content/news/brief.en.md"];
    fixed.extend(anbar_files);
    assert_eq!(build(&fixed), Vec::<String>::new());
}
