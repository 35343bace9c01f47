//! Warnings that help: what the sanitizer removes is said, sections need
//! names, every problem is said once per build, errors first and then
//! warnings grouped by file; `--quiet` prints errors only, and
//! `--deny-warnings` (or `deny_warnings: true`) fails the build on any
//! warning, leaving the published site as it was.

use crate::common::{CONFIG, Site, Story, warnings};

/// A published story in both editions.
fn site() -> Site {
    let f = Site::new();
    f.story(Story::withdrawal());
    f
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn what_the_sanitizer_removes_is_said_where_it_is_with_what_to_do() {
    // A YouTube iframe, a script, inline styles, an event handler and a
    // script link, each named once per file at its first line, the iframe
    // at its own.
    let f = site();
    f.story(Story::new("news/scraped", "2026-11-29").en("Scraped").tags("[iraq, us-forces]").body("<p style=\"color:red\">One</p>\n<p style=\"font-size:2em\" onclick=\"track()\">Two</p>\n\n<iframe src=\"https://www.youtube.com/embed/xyz\" width=\"560\"></iframe>\n\n<script>track()</script>\n\n<p style=\"x\">Three</p>\n\nSee [a trap](javascript:alert(1))."));
    let built = f.build();
    assert_eq!(
        warnings(&built.report),
        [
            "warning: content/news/scraped.en.md:6:1: the `style` attribute of `<p>` was removed by the HTML sanitizer (raw_html: sanitize) (here and 2 more times in this file)\n  help: inline styles are dropped: use Markdown formatting or a class the theme styles (`class=\"…\"`), or set `raw_html: allow` in digest.yaml if every author is trusted",
            "warning: content/news/scraped.en.md:7:1: the `onclick` attribute of `<p>` was removed by the HTML sanitizer (raw_html: sanitize)\n  help: event handlers never run from an article's text; remove it, or set `raw_html: allow` in digest.yaml if every author is trusted",
            "warning: content/news/scraped.en.md:9:1: the <iframe> of `https://www.youtube.com/embed/xyz` was removed: it is not a player of a provider in `embeds`\n  help: to show a post of YouTube, Vimeo, X, Instagram, Facebook, SoundCloud or Spotify, put its link on a line of its own; other providers can be added to `embeds:` in digest.yaml",
            "warning: content/news/scraped.en.md:11:1: `<script>` was removed with its content by the HTML sanitizer (raw_html: sanitize)\n  help: scripts never run from an article's text; remove it, or set `raw_html: allow` in digest.yaml if every author is trusted",
            "warning: content/news/scraped.en.md:15:5: a `javascript:`, `vbscript:` or `data:` address was removed from a link; it leads nowhere now\n  help: nothing in an article's text may run a script: give the address of a page or a file",
        ]
    );
    let page = built.page("en/news/scraped/index.html");
    assert_eq!(
        page.count(".body iframe, .body script, .body [style], .body [onclick]"),
        0
    );
    // Trusted raw HTML is kept as written, and nothing is said.
    f.write("digest.yaml", &format!("{}raw_html: allow\n", CONFIG));
    let report = f.build().report;
    assert_eq!(
        warnings(&report),
        [
            "warning: content/news/scraped.en.md:15:5: a `javascript:`, `vbscript:` or `data:` address was removed from a link; it leads nowhere now\n  help: nothing in an article's text may run a script: give the address of a page or a file"
        ]
    );
}

#[test]
fn a_section_without_a_name_for_an_edition_is_an_error_at_digest_yaml() {
    // With `sections:` written, a folder it does not name (or names in one
    // language only) is an error naming the folder and the language.
    let f = site();
    f.write(
        "digest.yaml",
        &CONFIG.replace(
            "  analysis: { ar: تحليل, en: Analysis }\n",
            "  analysis: { en: Analysis }\n",
        ),
    );
    for (path, title) in [("analysis/a", "A"), ("world/w", "W")] {
        f.story(
            Story::new(path, "2026-11-29")
                .tags("[iraq, us-forces]")
                .body("T.")
                .ar(title)
                .en(title),
        );
    }
    f.story(
        Story::new("economy/e", "2026-11-29")
            .en("E")
            .tags("[iraq, us-forces]")
            .body("T."),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: digest.yaml:15:1: the section folder content/economy/ has no name in `en` (English), though the en edition lists it\n  help: add `economy: { ar: …, en: … }` under `sections:`",
            "error: digest.yaml:15:1: the section folder content/world/ has no name in `ar` (العربية), though the ar edition lists it\n  help: add `world: { ar: …, en: … }` under `sections:`",
            "error: digest.yaml:15:1: the section folder content/world/ has no name in `en` (English), though the en edition lists it\n  help: add `world: { ar: …, en: … }` under `sections:`",
            "error: digest.yaml:17:3: the section folder content/analysis/ has no name in `ar` (العربية), though the ar edition lists it\n  help: add `ar: …` under `analysis:` in `sections:`",
        ]
    );
}

#[test]
fn a_site_without_sections_keeps_folder_names_with_one_warning_saying_how_to_name_them() {
    // No `sections:` at all: the folders' names are shown, and the build
    // says once how to name them.
    let f = site();
    let config = CONFIG;
    f.write("digest.yaml", &config[..config.find("sections:").unwrap()]);
    f.story(
        Story::new("analysis/a", "2026-11-29")
            .en("A")
            .tags("[iraq, us-forces]")
            .body("T."),
    );
    let built = f.build();
    assert_eq!(
        warnings(&built.report),
        [
            "warning: the sections are shown by their folder names (`analysis`, `news`): digest.yaml has no `sections:`\n  help: name each section in every edition's language in digest.yaml:\nsections:\n  analysis: { ar: …, en: … }\n  news: { ar: …, en: … }"
        ]
    );
    assert_eq!(
        built
            .page("ar/news/withdrawal/index.html")
            .text(".kicker a"),
        "news"
    );
}

/// A site with two errors and three warnings in three files.
fn troubled(f: &Site) {
    f.story(
        Story::new("news/b", "2026-11-29")
            .en("B")
            .tags("[iraq, us-forces]")
            .body("<p style=\"x\">b</p>\n\n[x](../nowhere/)"),
    );
    f.story(
        Story::new("news/a", "2026-11-29")
            .en("A")
            .tags("[iraq, us-forces, الموصل]")
            .front("image: pic.jpg\n")
            .body("a"),
    );
    f.write("content/news/notes.txt", "x");
}

#[test]
fn errors_come_first_then_warnings_grouped_by_file_each_once() {
    // The binary prints every error, then every warning, each sorted by
    // file and line, none twice, then the count.
    let f = site();
    troubled(&f);
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let printed = stderr(&out);
    let heads: Vec<&str> = printed.lines().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(
        heads,
        [
            "error: content/news/a.en.md:5:8: there is no picture content/news/pic.jpg",
            "error: content/news/b.en.md:8:1: the link `../nowhere/` leads to /en/news/nowhere/, which is not a page of the site",
            "warning: 1 file under content/ is not published: content/news/notes.txt",
            "warning: content/news/a.en.md:4:25: the topic `الموصل` is used by only one story",
            "warning: content/news/a.en.md:5:1: the image has no `alt` text",
            "warning: content/news/b.en.md:6:1: the `style` attribute of `<p>` was removed by the HTML sanitizer (raw_html: sanitize)",
            "build failed with 2 errors; the output was not changed",
        ]
    );
}

#[test]
fn quiet_prints_errors_only() {
    // --quiet: a failed build prints its errors and the count, a good one nothing.
    let f = site();
    troubled(&f);
    let out = f.run(&["build", "--quiet"]);
    let printed = stderr(&out);
    assert!(!printed.contains("warning"), "{printed}");
    assert_eq!(printed.matches("error: ").count(), 2, "{printed}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    f.write("content/news/notes.txt", "still here");
    f.remove("content/news/b.en.md");
    f.remove("content/news/a.en.md");
    let out = f.run(&["build", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let out = f.run(&["build"]);
    assert!(stderr(&out).starts_with("warning: 1 file under content/ is not published"));
}

#[test]
fn deny_warnings_fails_the_build_on_any_warning_and_publishes_nothing() {
    // For CI: `--deny-warnings`, or `deny_warnings: true` in digest.yaml.
    let f = site();
    let before = f.build().into_files();
    f.write("content/news/notes.txt", "x");
    let out = f.run(&["build", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: the build has 1 warning, and --deny-warnings fails the build on any\n  help: fix what the warnings say, then build again\nwarning: 1 file under content/ is not published: content/news/notes.txt\n  help: digest publishes articles (.md) and pictures (jpg, jpeg, png, gif, webp, avif, svg), audio (mp3, m4a, aac, ogg, oga, opus, wav, flac), video (mp4, m4v, webm, ogv, mov), captions (vtt), documents (pdf, epub); to publish another kind on purpose, add its extension to digest.yaml: `publish_extensions: [txt]`\nbuild failed with 1 error; the output was not changed\n"
    );
    assert!(f.public() == before, "the published site changed");
    f.write("digest.yaml", &format!("{}deny_warnings: true\n", CONFIG));
    let errors = f.build_errors();
    assert_eq!(
        errors[0],
        "error: the build has 1 warning, and `deny_warnings: true` in digest.yaml fails the build on any\n  help: fix what the warnings say, then build again"
    );
    assert!(f.public() == before, "the published site changed");
    f.remove("content/news/notes.txt");
    f.build();
}
