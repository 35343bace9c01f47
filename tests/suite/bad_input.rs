//! Bad input: every case is built by the `digest build` binary over a good
//! site that was published first. Each must print exactly its expected
//! messages, exit non-zero and leave the published `public/` byte for byte
//! as it was. Cases that must *work* (BOM, CRLF) or must not hang or crash
//! (symlink loops, pipes, huge and deeply nested articles) are here too.
//!
//! File cases live in `tests/suite/fixtures/bad_input/<case>/`: `site/` is
//! laid over the good site, `remove` lists files to delete from it,
//! `expected` is the exact output on stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::pictures;
use crate::common::{CONFIG, Files, Site, Story, TAGS, repo};

/// A small good site: two stories in both editions with a picture, every
/// topic used by both stories (so the build has no warnings).
fn good_site() -> Site {
    let f = Site::new();
    for (stem, day, ar, en) in [
        (
            "withdrawal",
            "10",
            "واشنطن تنهي الأعمال القتالية",
            "Washington ends combat operations",
        ),
        (
            "dialogue",
            "09",
            "أربع جولات من الحوار",
            "Four rounds of dialogue",
        ),
    ] {
        let image = "image: { src: photo.jpg, alt: Soldiers }\n";
        f.story(
            Story::new(&format!("news/{stem}"), &format!("2021-12-{day}"))
                .ar(ar)
                .tags("[العراق, us-forces]")
                .front(image)
                .body("قالت واشنطن إنها ستبقي قواتها.")
                .en(en)
                .tags("[Iraq, us-forces]")
                .front(image)
                .body("Washington said it will keep its forces."),
        );
    }
    f.write_bytes(
        "content/news/photo.jpg",
        &pictures::jpeg(&pictures::photo(64, 48, 1), 80),
    );
    f
}

/// Runs `digest build` in the site's folder, giving up after `limit`.
fn digest_build(f: &Site, limit: Duration) -> Output {
    run_with_limit(&mut f.command(&["build"]), limit)
}

fn run_with_limit(command: &mut Command, limit: Duration) -> Output {
    let mut child = command.spawn().expect("digest starts");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            child.kill().expect("kill");
            panic!("digest build did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

const LIMIT: Duration = Duration::from_secs(60);

/// Publishes the good site with the binary and returns what it published.
fn publish(f: &Site) -> Files {
    let out = digest_build(f, LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{stderr}");
    let published = f.public();
    assert!(published.exists("en/news/withdrawal/index.html"));
    published
}

/// Builds the broken site: `expected` on stderr, a failure exit, and the
/// published site unchanged.
fn assert_rejected(f: &Site, before: &Files, expected: &str) {
    let out = digest_build(f, LIMIT);
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    assert_eq!(out.status.code(), Some(1), "the build fails");
    assert!(f.public() == *before, "the published site changed");
}

/// Where the file cases are.
fn cases() -> PathBuf {
    repo().join("tests/suite/fixtures/bad_input")
}

/// Lays the case's folder over a published good site and builds.
fn check_case(case: &str) {
    let f = good_site();
    let before = publish(&f);
    let dir = cases().join(case);
    let site = dir.join("site");
    if site.exists() {
        for entry in walkdir::WalkDir::new(&site) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&site).unwrap();
                f.write_bytes(rel.to_str().unwrap(), &std::fs::read(entry.path()).unwrap());
            }
        }
    }
    if let Ok(list) = std::fs::read_to_string(dir.join("remove")) {
        for rel in list.lines().filter(|l| !l.is_empty()) {
            f.remove(rel);
        }
    }
    let expected = std::fs::read_to_string(dir.join("expected")).unwrap();
    assert_rejected(&f, &before, &expected);
}

macro_rules! file_cases {
    ($($(#[$intent:meta])* $case:ident,)*) => {
        $(
            $(#[$intent])*
            #[test]
            fn $case() {
                check_case(stringify!($case));
            }
        )*

        /// Every folder of the file cases is a case that runs.
        const FILE_CASES: &[&str] = &[$(stringify!($case)),*];
    };
}

file_cases! {
    // YAML syntax errors point at the article's line, not the front matter's.
    malformed_yaml,
    // A front matter that never ends, or none at all.
    front_matter_not_closed,
    // Articles saved as Windows-1256 or Latin-1: the byte offset of the first bad byte.
    not_utf8,
    // The configuration in a legacy encoding gets the same message as articles.
    not_utf8_config,
    // An empty file and a file of blank lines.
    empty_file,
    // No title, a null title and a blank one.
    title_missing_or_empty,
    // Dates digest cannot read: slashes, words, Arabic-Indic digits.
    date_wrong_format,
    // Dates that are read but do not exist: 30 February, month 13, hour 25, 31 April.
    impossible_date,
    // `javascript:` and `data:` addresses in front matter, however disguised.
    front_matter_script_urls,
    // Misspelt keys at the top and inside `source`, each with a suggestion.
    unknown_front_matter_key,
    // Slugs that are not one safe URL segment.
    unsafe_slug,
    // A slug taking another article's URL, in each edition.
    same_url,
    // Topic keys that tags.yaml does not have: one with a suggestion, one without.
    unknown_tag_key,
    // A theme without one of its required templates.
    missing_template,
    // A template that Tera cannot parse.
    template_syntax_error,
    // Misspelt configuration keys at the top and in a language.
    config_typo_key,
    // A default language that is not one of the site's languages.
    config_unknown_default_language,
    // Pictures a newsroom receives by mistake: an empty upload, text named
    // as a photo, a phone's HEIC, a PNG claiming 50,000 × 50,000 pixels.
    bad_pictures,
    // Arabic commas in a tag list, and `tags:` written as one string.
    tags_with_commas,
    // A language suffix in capitals and a copy's name with a space; notes stay out.
    wrong_names,
    // A lead image, a picture, a PDF and a story that are not there.
    broken_links,
    // A folder that `sections:` does not name.
    unnamed_section,
    // Tabs indenting YAML, in front matter and in tags.yaml: said so, at their line.
    yaml_tabs,
    // A key written twice: reported where it is repeated, in front matter and inside `source`.
    repeated_key,
    // An `{% if %}` left open inside a `{% for %}`: the block named, at the line it opens.
    unclosed_block,
    // A misspelt UI string key in a template gets the close one as a suggestion.
    misspelt_ui_string,
    // A section folder whose list page would take the address of the topic
    // index: both pages named as an editor knows them, in each edition.
    section_named_like_a_page,
    // Corrections dated before their story, or without a date, a text or known keys.
    correction_before_story,
    // Menu entries that name no section, standalone page or index of their edition.
    menu_points_at_nothing,
    // An author key authors.yaml does not have, and `author` with `authors`.
    unknown_author_key,
}

#[test]
fn every_case_folder_is_listed() {
    // A case folder that no test runs would be a case silently skipped.
    let mut folders: Vec<String> = std::fs::read_dir(cases())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    folders.sort();
    let mut listed: Vec<&str> = FILE_CASES.to_vec();
    listed.sort();
    assert_eq!(folders, listed);
}

#[test]
fn bom_and_crlf_just_work() {
    // Files saved on Windows (byte-order mark, CRLF line ends) build like any other.
    let f = good_site();
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let bom = |text: &str| format!("\u{feff}{text}");
    f.write("digest.yaml", &bom(&crlf(CONFIG)));
    f.write("content/tags.yaml", &bom(&crlf(TAGS)));
    f.write(
        "content/news/windows.en.md",
        &bom(&crlf(
            "---\ntitle: Saved on Windows\ndate: 2021-12-11\ntags: [Iraq]\n---\nFirst line\nsecond line.\n\nSecond paragraph.\n",
        )),
    );
    f.write(
        "content/news/windows.ar.md",
        &crlf("---\ntitle: حُفظ على ويندوز\ndate: 2021-12-11\ntags: [العراق]\n---\nنص.\n"),
    );
    let out = digest_build(&f, LIMIT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = f.public();
    let en = public.page("en/news/windows/index.html");
    assert_eq!(en.text("h1"), "Saved on Windows");
    assert_eq!(
        en.texts(".body p"),
        ["First line second line.", "Second paragraph."]
    );
    assert_eq!(
        public.page("ar/news/windows/index.html").text("h1"),
        "حُفظ على ويندوز"
    );
    assert_eq!(public.page("en/index.html").text("h1"), "The Digest");
    assert!(
        !public.read("en/news/windows/index.html").contains('\r'),
        "no carriage return reaches the page"
    );
}

#[test]
fn an_unreadable_article_is_reported() {
    // Permissions: the file exists but digest may not read it.
    let f = good_site();
    let user = Unprivileged::for_fixture(&f);
    let before_out = user.build(&f);
    assert!(before_out.status.success());
    let before = f.public();
    f.story(Story::new("news/secret", "2021-12-11").en("Secret"));
    set_mode(&f.path("content/news/secret.en.md"), 0o000);
    user.chown(&f);
    let out = user.build(&f);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: content/news/secret.en.md:1:1: could not read the file: Permission denied\n  help: check that the file exists and that you may read it\nbuild failed with 1 error; the output was not changed\n"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(f.public() == before);
}

#[test]
fn an_unreadable_folder_is_reported() {
    // A section folder digest may not list.
    let f = good_site();
    let user = Unprivileged::for_fixture(&f);
    assert!(user.build(&f).status.success());
    let before = f.public();
    f.story(Story::new("analysis/closed", "2021-12-11").en("Closed"));
    set_mode(&f.path("content/analysis"), 0o000);
    user.chown(&f);
    let out = user.build(&f);
    set_mode(&f.path("content/analysis"), 0o755);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: content/analysis:1:1: could not read: Permission denied\n  help: check that digest may read it (its permissions and those of its folders)\nbuild failed with 1 error; the output was not changed\n"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(f.public() == before);
}

/// Who runs `digest build` in the permission tests. Root reads any file
/// whatever its mode, so as root the build runs as `nobody` (uid 65534)
/// over a site it owns; otherwise as the current user.
struct Unprivileged {
    uid: Option<u32>,
}

impl Unprivileged {
    fn for_fixture(f: &Site) -> Unprivileged {
        use std::os::unix::fs::MetadataExt;
        // The fixture's folder was created by this process, as this user.
        let root = std::fs::metadata(f.root()).unwrap().uid() == 0;
        let user = Unprivileged {
            uid: root.then_some(65534),
        };
        if root {
            // The temporary folder is private to root; nobody must reach it.
            set_mode(f.root(), 0o755);
        }
        user.chown(f);
        user
    }

    /// Gives every file of the site to the build's user.
    fn chown(&self, f: &Site) {
        let Some(uid) = self.uid else { return };
        for entry in walkdir::WalkDir::new(f.root()) {
            let entry = entry.unwrap();
            std::os::unix::fs::lchown(entry.path(), Some(uid), Some(uid)).unwrap();
        }
    }

    fn build(&self, f: &Site) -> Output {
        use std::os::unix::process::CommandExt;
        let mut command = f.command(&["build"]);
        if let Some(uid) = self.uid {
            command.uid(uid).gid(uid);
        }
        run_with_limit(&mut command, LIMIT)
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_dangling_symlink_is_reported() {
    // A link to an article that was moved away (synced folders do this).
    let f = good_site();
    let before = publish(&f);
    std::os::unix::fs::symlink("../drafts/gone.en.md", f.path("content/news/gone.en.md")).unwrap();
    assert_rejected(
        &f,
        &before,
        "error: content/news/gone.en.md:1:1: this symbolic link points to ../drafts/gone.en.md, which does not exist\n  help: point the link at an existing file, or remove it\nbuild failed with 1 error; the output was not changed\n",
    );
}

#[test]
fn a_symlink_loop_is_reported_without_hanging() {
    // content/news/archive -> .. would make the walk endless.
    let f = good_site();
    let before = publish(&f);
    std::os::unix::fs::symlink("..", f.path("content/news/archive")).unwrap();
    assert_rejected(
        &f,
        &before,
        "error: content/news/archive:1:1: symbolic link loop: this link points back to content\n  help: remove the link or point it somewhere outside its own folder\nbuild failed with 1 error; the output was not changed\n",
    );
}

#[test]
fn a_named_pipe_is_left_out_without_hanging() {
    // Reading a FIFO blocks forever: it is skipped with a warning instead.
    let f = good_site();
    publish(&f);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        f.path("content/news/pipe.en.md"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap();
    let out = digest_build(&f, LIMIT);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: content/news/pipe.en.md:1:1: this is not a regular file (a named pipe, socket or device); it was left out\n  help: replace it with an ordinary file, or move it out of content/\n"
    );
}

#[test]
fn a_file_name_that_is_not_utf8_is_reported() {
    // A name saved in Windows-1256 ("خبر") cannot become an address.
    use std::os::unix::ffi::OsStrExt;
    let f = good_site();
    let before = publish(&f);
    let name = std::ffi::OsStr::from_bytes(b"\xCE\xC8\xD1.ar.md");
    std::fs::write(
        f.path("content/news").join(name),
        "---\ntitle: خبر\ndate: 2021-12-11\n---\nنص.\n",
    )
    .unwrap();
    assert_rejected(
        &f,
        &before,
        "error: content/news/\u{FFFD}\u{FFFD}\u{FFFD}.ar.md:1:1: the name `\u{FFFD}\u{FFFD}\u{FFFD}.ar.md` is not valid UTF-8 (invalid byte 0xCE at byte offset 0 of the name)\n  help: rename it with a UTF-8 name: digest uses file and folder names in addresses\nbuild failed with 1 error; the output was not changed\n",
    );
}

#[test]
fn a_10_mb_article_builds() {
    // A very long article (a scraped dossier) builds and is published whole.
    let f = good_site();
    let mut body = String::with_capacity(11 << 20);
    let mut part = 0;
    while body.len() < 10 << 20 {
        part += 1;
        body.push_str(&format!(
            "## Part {part}\n\nقالت واشنطن إنها ستبقي قواتها *in Iraq*, with [a link](https://example.org/{part}) and `code`.\n\n- one\n- two\n\n> quoted **text**\n\n| a | b |\n|---|---|\n| {part} | x |\n\n"
        ));
    }
    f.story(
        Story::new("news/dossier", "2021-12-11")
            .en("Dossier")
            .body(&body),
    );
    let out = digest_build(&f, Duration::from_secs(300));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = f.public();
    let page = public.read("en/news/dossier/index.html");
    assert!(page.len() > 10 << 20, "{}", page.len());
    assert!(
        page.contains(&format!("<h2 id=\"part-{part}\">Part {part}</h2>")),
        "the end is there"
    );
}

#[test]
fn deeply_nested_markdown_builds_flattened() {
    // 10,000 levels of quotes, lists and emphasis: the build neither overflows
    // its stack nor gives up; levels past 32 are flattened, with a warning.
    let f = good_site();
    f.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    let deep = [
        ("quotes", "> ".repeat(10_000)),
        ("bullets", "- ".repeat(10_000)),
        ("numbers", "1. ".repeat(10_000)),
        (
            "emphasis",
            format!("{}x{}", "*".repeat(10_000), "*".repeat(10_000)),
        ),
        (
            "links",
            format!("{}x{}", "[".repeat(10_000), "](#y)".repeat(10_000)),
        ),
    ];
    for (stem, text) in &deep {
        f.story(
            Story::new(&format!("news/{stem}"), "2021-12-11")
                .en(stem)
                .body(&format!("Before.\n\n{text}deep end\n")),
        );
    }
    let out = digest_build(&f, Duration::from_secs(120));
    assert!(out.status.success());
    let public = f.public();
    // Each warning points at the first element that lost its markup: the
    // 33rd `> `, the 17th list (lists nest as list > item), the 32nd `**`.
    let warning = |(stem, column): (&str, usize)| {
        format!(
            "warning: content/news/{stem}.en.md:7:{column}: the text is nested more than 32 levels deep (quotes in quotes, lists in lists…); the deeper levels are shown without their formatting\n  help: check for stray `>` or list markers at the start of lines\n"
        )
    };
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        [
            ("bullets", 33),
            ("emphasis", 63),
            ("numbers", 49),
            ("quotes", 65)
        ]
        .map(warning)
        .concat()
    );
    for (stem, _) in &deep {
        let page = public.page(&format!("en/news/{stem}/index.html"));
        assert!(page.text(".body").contains("deep end"), "{stem}");
        assert_eq!(page.texts(".body > p")[0], "Before.", "{stem}");
    }
    let quotes = public.page("en/news/quotes/index.html");
    assert_eq!(quotes.count(".body blockquote"), 32);
}

#[test]
fn deeply_nested_raw_html_is_shown_as_text() {
    // 10,000 nested <div>s from a scraped page: escaped, not sanitized or minified.
    let f = good_site();
    f.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    f.story(
        Story::new("news/divs", "2021-12-11")
            .en("Divs")
            .body(&format!("{}deep end", "<div>".repeat(10_000))),
    );
    let out = digest_build(&f, Duration::from_secs(120));
    assert!(out.status.success());
    let public = f.public();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: content/news/divs.en.md:5:1: the raw HTML in the text is nested more than 128 levels deep; it is shown as text\n  help: remove the HTML markup, or write the formatting in Markdown\n"
    );
    let page = public.page("en/news/divs/index.html");
    assert_eq!(page.count(".body div"), 0);
    assert!(page.text(".body").ends_with("<div><div>deep end"));
}
