//! Only what is meant goes out: under `content/` the build publishes
//! articles and files of the kinds readers open (pictures, audio, video,
//! captions, PDF and EPUB, and what `publish_extensions:` adds); backups,
//! notes, office files and dotfiles stay out, named in one warning. A
//! language suffix digest cannot read, or a name unsafe in an address, is an
//! error with the name to use, and leaves the published site as it was.

use crate::common::pictures;
use crate::common::{CONFIG, Site, Story, warnings};

/// A published story in both editions, with a picture beside it.
fn site() -> Site {
    let f = Site::new();
    f.story(
        Story::new("news/oil", "2026-11-30")
            .tags("[iraq, us-forces]")
            .front("image: { src: tanker.jpg, alt: A tanker }\n")
            .body("Text.")
            .ar("صادرات النفط")
            .en("Oil exports"),
    );
    f.write_bytes(
        "content/news/tanker.jpg",
        &pictures::jpeg(&pictures::photo(64, 48, 1), 80),
    );
    f
}

/// A file that is an article but for its name, `content/{rel}`.
fn misnamed(f: &Site, rel: &str, title: &str) {
    f.write(
        &format!("content/{rel}"),
        &format!("---\ntitle: \"{title}\"\ndate: 2026-11-30\n---\nText.\n"),
    );
}

#[test]
fn files_of_unknown_kinds_are_not_published_and_one_warning_names_them() {
    // Notes, backups, a `.markdown` file and dotfiles stay out of public/;
    // pictures, audio, video, captions and documents go out as they are.
    let f = site();
    for name in [
        "NOTES-embargo.txt",
        "x.en.md.bak",
        "y.en.markdown",
        "z.en.txt",
        "budget.docx",
        "oil.en.md~",
        ".DS_Store",
        "README",
    ] {
        f.write(&format!("content/news/{name}"), "not for readers");
    }
    f.write("content/.git/config", "[core]");
    for name in [
        "map.PNG",
        "clip.mp4",
        "talk.mp3",
        "clip.vtt",
        "report.pdf",
        "book.epub",
        "chart.svg",
    ] {
        f.write(&format!("content/news/{name}"), "published");
    }
    let built = f.build();
    assert_eq!(
        warnings(&built.report),
        [
            "warning: 9 files under content/ are not published: content/.git/, content/news/.DS_Store, content/news/NOTES-embargo.txt, content/news/README, content/news/budget.docx, content/news/oil.en.md~, content/news/x.en.md.bak, content/news/y.en.markdown, content/news/z.en.txt\n  help: digest publishes articles (.md) and pictures (jpg, jpeg, png, gif, webp, avif, svg), audio (mp3, m4a, aac, ogg, oga, opus, wav, flac), video (mp4, m4v, webm, ogv, mov), captions (vtt), documents (pdf, epub); to publish another kind on purpose, add its extension to digest.yaml: `publish_extensions: [txt]`; rename a .markdown file to .md to publish it as an article"
        ]
    );
    let published: Vec<String> = built.under("news").paths().cloned().collect();
    assert_eq!(
        published,
        [
            "book.epub",
            "chart.svg",
            "clip.mp4",
            "clip.vtt",
            "report.pdf",
            "talk.mp3",
            // The pictures the stories show, in their widths (an unused
            // picture is not published).
            "tanker.f525e91f.64.jpg",
            "tanker.f525e91f.64.webp"
        ]
    );
    assert!(!f.exists("public/.git"));
    // The same, said once, by the binary.
    let out = f.run(&["build"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("are not published").count(), 1, "{stderr}");
}

#[test]
fn publish_extensions_publishes_a_kind_on_purpose() {
    // `publish_extensions: [txt, csv]` publishes those kinds too; the rest stay out.
    let f = site();
    f.write(
        "digest.yaml",
        &format!("{}publish_extensions: [txt, .CSV]\n", CONFIG),
    );
    f.write("content/news/transcript.txt", "text");
    f.write("content/news/figures.csv", "a,b");
    f.write("content/news/draft.docx", "x");
    let report = f.build().report;
    assert!(f.exists("public/news/transcript.txt"));
    assert!(f.exists("public/news/figures.csv"));
    assert!(!f.exists("public/news/draft.docx"));
    assert_eq!(
        warnings(&report),
        [
            "warning: 1 file under content/ is not published: content/news/draft.docx\n  help: digest publishes articles (.md) and pictures (jpg, jpeg, png, gif, webp, avif, svg), audio (mp3, m4a, aac, ogg, oga, opus, wav, flac), video (mp4, m4v, webm, ogv, mov), captions (vtt), documents (pdf, epub), and txt, csv; to publish another kind on purpose, add its extension to digest.yaml: `publish_extensions: [docx]`"
        ]
    );
    f.write(
        "digest.yaml",
        &format!("{}publish_extensions: [md]\n", CONFIG),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: digest.yaml:19:21: `md` is not a file extension digest can publish\n  help: list extensions without the dot, e.g. `publish_extensions: [csv, txt]`"
        ]
    );
}

/// Builds the site once, then with `broken` applied: the build fails with
/// exactly `expected`, and the published site is as it was.
fn rejected(f: &Site, broken: impl FnOnce(&Site), expected: &[&str]) {
    let before = f.build().into_files();
    broken(f);
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let mut expected = expected.join("\n");
    let errors = expected.matches("error: ").count();
    let noun = if errors == 1 { "error" } else { "errors" };
    expected.push_str(&format!(
        "\nbuild failed with {errors} {noun}; the output was not changed\n"
    ));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), expected);
    assert!(f.public() == before, "the published site changed");
}

#[test]
fn a_wrongly_cased_or_unknown_language_suffix_is_an_error_with_the_name_to_use() {
    // `oil3.EN.md` would have been published as an Arabic article; `.fr` is
    // no language of the site, `.eng` nearly one.
    let f = site();
    rejected(
        &f,
        |f| {
            misnamed(f, "news/oil3.EN.md", "Oil");
            misnamed(f, "news/oil4.fr.md", "Pétrole");
            misnamed(f, "news/oil5.eng.md", "Oil");
            misnamed(f, "news/oil6.en.MD", "Oil");
        },
        &[
            "error: content/news/oil3.EN.md:1:1: the language suffix `.EN` must be lowercase\n  help: rename the file `oil3.en.md`",
            "error: content/news/oil4.fr.md:1:1: unknown language suffix `.fr`\n  help: name the file <slug>.<language>.md with one of the site's languages (ar, en), or add the language to digest.yaml",
            "error: content/news/oil5.eng.md:1:1: unknown language suffix `.eng`\n  help: did you mean `oil5.en.md`? The site's languages are: ar, en",
            "error: content/news/oil6.en.MD:1:1: the extension `.MD` of an article must be lowercase\n  help: rename the file `oil6.en.md`",
        ],
    );
}

#[test]
fn a_name_unsafe_in_an_address_is_an_error_suggesting_a_safe_one() {
    // A copy's "(copy)", a space in a folder or a picture's name would put
    // unsafe characters in addresses; the slug rule says what to use.
    let f = site();
    rejected(
        &f,
        |f| {
            f.story(
                Story::new("news/basra-oil-exports (copy)", "2026-11-30")
                    .en("Copy")
                    .body("Text."),
            );
            f.story(
                Story::new("Breaking News/flash", "2026-11-30")
                    .en("Flash")
                    .body("Text."),
            );
            f.write("content/news/tanker photo.jpg", "x");
            f.story(
                Story::new("news/خبر عاجل", "2026-11-30")
                    .ar("عاجل")
                    .body("نص."),
            );
        },
        &[
            "error: content/Breaking News:1:1: the folder name `Breaking News` contains a space, which is not safe in a URL\n  help: rename it `Breaking-News`: names become addresses, and only letters, digits, `-`, `_` and `.` are safe in them",
            "error: content/news/basra-oil-exports (copy).en.md:1:1: the file name `basra-oil-exports (copy).en.md` contains a space, which is not safe in a URL\n  help: rename it `basra-oil-exports-copy.en.md`: names become addresses, and only letters, digits, `-`, `_` and `.` are safe in them",
            "error: content/news/tanker photo.jpg:1:1: the file name `tanker photo.jpg` contains a space, which is not safe in a URL\n  help: rename it `tanker-photo.jpg`: names become addresses, and only letters, digits, `-`, `_` and `.` are safe in them",
            "error: content/news/خبر عاجل.ar.md:1:1: the file name `خبر عاجل.ar.md` contains a space, which is not safe in a URL\n  help: rename it `خبر-عاجل.ar.md`: names become addresses, and only letters, digits, `-`, `_` and `.` are safe in them",
        ],
    );
}

#[test]
fn arabic_and_other_safe_names_are_published_as_they_are() {
    // Letters of any script, digits, `-`, `_` and `.` make good addresses.
    let f = site();
    f.story(
        Story::new("news/خبر_عاجل-2", "2026-11-30")
            .ar("عاجل")
            .tags("[iraq, us-forces]")
            .body("نص."),
    );
    f.write("content/news/خريطة.v2.svg", "<svg/>");
    let built = f.build();
    assert!(built.exists("ar/news/خبر_عاجل-2/index.html"));
    assert!(built.exists("news/خريطة.v2.svg"));
}
