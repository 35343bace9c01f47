//! Photos and embeds as a newsroom uses them: pictures published in a few
//! widths without their camera's metadata, captions and credits, embeds
//! that load nothing until asked, and bad pictures reported where they are
//! used.

use crate::common::pictures::{self, Decoded, SECRET};
use crate::common::{CONFIG, Files, Page, Site, Story, file_of, warnings};

/// Small widths keep debug builds of tests quick; one test checks the
/// default widths.
fn site() -> Site {
    let f = Site::new();
    f.write(
        "digest.yaml",
        &format!("{CONFIG}images:\n  widths: [160, 320, 640]\n"),
    );
    f
}

/// A story with a lead photo (a camera's JPEG, turned on its side by its
/// EXIF orientation), an inline photo with a caption, a YouTube link on a
/// line of its own, and a picture nobody uses.
fn newsroom_site() -> Site {
    let f = site();
    f.write_bytes(
        "content/news/mosul.jpg",
        &pictures::camera_jpeg(867, 1300, 6),
    );
    f.write_bytes(
        "content/news/market.jpg",
        &pictures::jpeg(&pictures::photo(700, 500, 2), 85),
    );
    f.write_bytes(
        "content/news/unused.jpg",
        &pictures::jpeg(&pictures::photo(300, 200, 4), 85),
    );
    f.story(
        Story::new("news/mosul", "2021-12-10")
            .en("Mosul rebuilds its old city")
            .front("image: { src: mosul.jpg, alt: Cranes over rebuilt houses, caption: The old city from the Tigris, credit: Jane Arraf }\n")
            .body("Work began in the spring.\n\n![Stalls under new awnings](market.jpg \"The reopened market\")\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nThe mayor spoke on Monday. See [the photograph in full](mosul.jpg)."),
    );
    f
}

/// The files a `srcset` names, with their widths.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (href, w) = c.rsplit_once(' ').expect("a width descriptor");
            (
                href.to_string(),
                w.trim_end_matches('w').parse().expect("a width"),
            )
        })
        .collect()
}

fn published(files: &Files, href: &str) -> Vec<u8> {
    files
        .get(&file_of(href))
        .unwrap_or_else(|| panic!("{href} is not published"))
        .to_vec()
}

/// Decodes a published picture and checks that no metadata came along.
fn decoded(files: &Files, href: &str) -> Decoded {
    let bytes = published(files, href);
    let found = pictures::decode(&bytes);
    assert!(
        !found.exif && !found.xmp,
        "{href} keeps metadata: {found:?}"
    );
    assert!(
        !String::from_utf8_lossy(&bytes).contains(SECRET),
        "{href} keeps the camera's metadata"
    );
    found
}

fn json_ld(page: &Page) -> serde_json::Value {
    let text = page.text("script[type='application/ld+json']");
    serde_json::from_str(&text).expect("JSON-LD parses")
}

#[test]
fn a_lead_photo_an_inline_photo_and_a_video_are_published_as_a_newsroom_needs() {
    let f = newsroom_site();
    let built = f.build();
    let report = &built.report;
    assert_eq!(report.pictures, 2, "the two used pictures are processed");
    let page = built.page("en/news/mosul/index.html");

    // The lead: WebP and JPEG versions at each width it reaches (the photo
    // is 1,300 × 867 once turned upright), loaded first.
    let lead = "figure.lead-image picture img";
    let webp = page.attr(
        "figure.lead-image picture source[type='image/webp']",
        "srcset",
    );
    let jpeg = page.attr(lead, "srcset");
    for (srcset, format) in [
        (&webp, image::ImageFormat::WebP),
        (&jpeg, image::ImageFormat::Jpeg),
    ] {
        let versions = candidates(srcset);
        assert_eq!(
            versions.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
            [160, 320, 640]
        );
        for (href, width) in versions {
            let d = decoded(&built, &href);
            assert_eq!((d.format, d.width), (format, width), "{href}");
            assert_eq!(
                d.height,
                (width * 867 + 650) / 1300,
                "{href} keeps the proportions"
            );
        }
    }
    assert_eq!(page.attr(lead, "width"), "640");
    assert_eq!(page.attr(lead, "height"), "427");
    assert_eq!(page.attr(lead, "fetchpriority"), "high");
    assert!(
        page.attrs(lead, "loading").is_empty(),
        "the lead is not lazy"
    );
    assert_eq!(page.attr(lead, "alt"), "Cranes over rebuilt houses");
    assert!(page.attr(lead, "sizes").contains("100vw"));
    assert_eq!(decoded(&built, &page.attr(lead, "src")).width, 320);

    // Caption and credit, with the edition's word, never the alt text.
    assert_eq!(
        page.text("figure.lead-image figcaption .caption"),
        "The old city from the Tigris"
    );
    assert_eq!(
        page.text("figure.lead-image figcaption .credit"),
        "Photo: Jane Arraf"
    );
    assert!(!page.text("figure.lead-image figcaption").contains("Cranes"));

    // Sharing: a 1,200-wide JPEG with its size.
    let og = page.attr("meta[property='og:image']", "content");
    let share = decoded(&built, &og);
    assert_eq!(
        (share.format, share.width, share.height),
        (image::ImageFormat::Jpeg, 1200, 800)
    );
    assert_eq!(
        page.attr("meta[property='og:image:width']", "content"),
        "1200"
    );
    assert_eq!(
        page.attr("meta[property='og:image:height']", "content"),
        "800"
    );
    assert_eq!(
        page.attr("meta[property='og:image:type']", "content"),
        "image/jpeg"
    );
    let image = &json_ld(&page)["image"];
    assert_eq!(image["@type"], "ImageObject");
    assert_eq!(image["url"], og.as_str());
    assert_eq!(image["width"], 1200);
    assert_eq!(image["height"], 800);
    assert_eq!(image["caption"], "The old city from the Tigris");
    assert_eq!(image["creditText"], "Jane Arraf");

    // The inline photo: a figure whose caption is the Markdown title;
    // lazy, with its size; never wider than the photo (700 px).
    let inline = "figure.picture picture img";
    assert_eq!(
        page.text("figure.picture figcaption"),
        "The reopened market"
    );
    assert_eq!(page.attr(inline, "alt"), "Stalls under new awnings");
    assert_eq!(page.attr(inline, "loading"), "lazy");
    assert_eq!(page.attr(inline, "decoding"), "async");
    assert_eq!(
        (page.attr(inline, "width"), page.attr(inline, "height")),
        ("640".into(), "457".into())
    );
    let sizes: Vec<u32> = candidates(&page.attr("figure.picture source", "srcset"))
        .iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(sizes, [160, 320, 640]);

    // The video: a local placeholder that links to the video and names the
    // no-cookie player, and the script that plays it.
    let link = "figure.embed.embed-youtube a.embed-load";
    assert_eq!(
        page.attr(link, "href"),
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    );
    assert_eq!(
        page.attr(link, "data-embed"),
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    );
    assert_eq!(page.text(&format!("{link} .embed-provider")), "YouTube");
    assert!(
        page.count("iframe") == 0,
        "nothing is loaded from YouTube before a click"
    );
    let script = page.attr("script[src]", "src");
    assert!(
        script.starts_with("/embed.") && script.ends_with(".js"),
        "{script}"
    );
    assert!(built.exists(&file_of(&script)));
    // The text around them is the article's, summary included.
    assert_eq!(
        page.attr("meta[name=description]", "content"),
        "Work began in the spring."
    );

    // An original that is linked to is published without metadata, and
    // upright; one nothing links to is not (pages show its versions); a
    // picture no page uses is not published at all.
    let original = decoded(&built, "/news/mosul.jpg");
    assert_eq!((original.width, original.height), (1300, 867));
    assert!(!built.exists("news/market.jpg"));
    let unused: Vec<&String> = built.paths().filter(|p| p.contains("unused")).collect();
    assert!(
        unused.is_empty(),
        "a picture no page uses is not published: {unused:?}"
    );

    // A hostile picture in the same story: the build stops at its line,
    // and the published site stays as it was.
    let before = f.public();
    f.write_bytes("content/news/bomb.png", &pictures::png_bomb());
    let text = f
        .read("content/news/mosul.en.md")
        .replace("The mayor spoke", "![A map](bomb.png)\n\nThe mayor spoke");
    f.write("content/news/mosul.en.md", &text);
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/mosul.en.md:12:1: the picture content/news/bomb.png says it is 50000 × 50000 pixels, more than the 64 megapixels digest decodes\n  help: resize it (4,000 pixels wide is plenty for the web); a small file that claims this size is damaged or hostile"
        ]
    );
    assert_eq!(f.public(), before);
}

#[test]
fn cards_lists_and_feeds_show_the_lead_photo_at_the_sizes_they_need() {
    let f = newsroom_site();
    let built = f.build();
    let home = built.page("en/index.html");
    let card = ".card-image picture img";
    assert_eq!(home.attr(card, "loading"), "lazy");
    assert_eq!(home.attr(card, "decoding"), "async");
    assert_eq!(home.attr(card, "width"), "640");
    for (href, _) in candidates(&home.attr(".card-image source[type='image/webp']", "srcset")) {
        decoded(&built, &href);
    }
    // Feeds link the shared version and carry the body's pictures and
    // the video's link.
    let feed = built.json("en/feed.json");
    let item = &feed["items"][0];
    let og = built
        .page("en/news/mosul/index.html")
        .attr("meta[property='og:image']", "content");
    assert_eq!(item["image"], og.as_str());
    let body = scraper::Html::parse_fragment(item["content_html"].as_str().unwrap());
    let select = |css: &str| scraper::Selector::parse(css).unwrap();
    let img = body
        .select(&select("figure.picture img"))
        .next()
        .expect("the inline photo");
    assert!(
        img.value()
            .attr("srcset")
            .unwrap()
            .contains("/news/market.")
    );
    let video = body
        .select(&select("a.embed-load"))
        .next()
        .expect("the video's link");
    assert_eq!(
        video.value().attr("href"),
        Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    );
}

#[test]
fn the_default_widths_are_480_960_and_1600_and_never_more_than_the_photo() {
    let f = Site::new();
    f.write_bytes(
        "content/news/wide.jpg",
        &pictures::jpeg(&pictures::photo(1700, 1000, 5), 85),
    );
    f.write_bytes(
        "content/news/narrow.jpg",
        &pictures::jpeg(&pictures::photo(400, 300, 6), 85),
    );
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Widths")
            .front("image: { src: wide.jpg, alt: Wide }\n")
            .body("![Narrow](narrow.jpg)"),
    );
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    let widths = |css: &str| -> Vec<u32> {
        candidates(&page.attr(css, "srcset"))
            .iter()
            .map(|c| c.1)
            .collect()
    };
    assert_eq!(widths("figure.lead-image source"), [480, 960, 1600]);
    assert_eq!(
        widths("figure.picture source"),
        [400],
        "a narrow photo is never enlarged"
    );
    assert_eq!(page.attr("figure.picture img", "width"), "400");
    let wide = decoded(&built, &page.attr("meta[property='og:image']", "content"));
    assert_eq!((wide.width, wide.height), (1200, 706));
}

#[test]
fn a_bad_picture_is_an_error_at_the_article_that_uses_it_and_the_site_stays() {
    let f = site();
    f.write_bytes(
        "content/news/good.jpg",
        &pictures::jpeg(&pictures::photo(320, 200, 1), 85),
    );
    f.story(
        Story::new("news/good", "2021-12-10")
            .en("Good")
            .front("image: { src: good.jpg, alt: Good }\n")
            .body("Text."),
    );
    let before = f.build().into_files();

    let whole = pictures::jpeg(&pictures::photo(320, 200, 2), 85);
    let bad: [(&str, Vec<u8>); 6] = [
        ("cut.jpg", whole[..whole.len() / 2].to_vec()),
        (
            "notes.jpg",
            b"These are my notes, saved with the wrong name.".to_vec(),
        ),
        ("iphone.jpg", pictures::heic()),
        ("bomb.png", pictures::png_bomb()),
        ("bomb.jpg", pictures::jpeg_bomb()),
        ("empty.jpg", Vec::new()),
    ];
    for (name, bytes) in &bad {
        f.write_bytes(&format!("content/news/{name}"), bytes);
    }
    let body: Vec<String> = bad
        .iter()
        .map(|(name, _)| format!("![{name}]({name})"))
        .collect();
    f.story(
        Story::new("news/bad", "2021-12-10")
            .en("Bad pictures")
            .front("image: { src: god.jpg, alt: A typo }\n")
            .body(&body.join("\n\n")),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/bad.en.md:4:15: there is no picture content/news/god.jpg\n  help: did you mean `good.jpg`? Pictures are read from the article's folder, or from content/ when the address starts with /",
            "error: content/news/bad.en.md:6:1: the picture content/news/cut.jpg is damaged: the file ends before the picture does (it was cut short while copied or uploaded)\n  help: export or copy the picture again from the original",
            "error: content/news/bad.en.md:8:1: the picture content/news/notes.jpg is damaged: it is not a JPEG, PNG, WebP or GIF file (its first bytes are no picture format's)\n  help: export or copy the picture again from the original",
            "error: content/news/bad.en.md:10:1: the picture content/news/iphone.jpg is a HEIC picture (as iPhones save them), which digest does not publish\n  help: export it as JPEG (photographs) or PNG (graphics) and use that file",
            "error: content/news/bad.en.md:12:1: the picture content/news/bomb.png says it is 50000 × 50000 pixels, more than the 64 megapixels digest decodes\n  help: resize it (4,000 pixels wide is plenty for the web); a small file that claims this size is damaged or hostile",
            "error: content/news/bad.en.md:14:1: the picture content/news/bomb.jpg says it is 50000 × 50000 pixels, more than the 64 megapixels digest decodes\n  help: resize it (4,000 pixels wide is plenty for the web); a small file that claims this size is damaged or hostile",
            "error: content/news/bad.en.md:16:1: the picture content/news/empty.jpg is an empty file (0 bytes)\n  help: copy the picture again: the upload or copy did not finish",
        ]
    );
    assert_eq!(f.public(), before, "the published site is untouched");
}

#[test]
fn an_unchanged_picture_is_never_processed_twice() {
    let f = newsroom_site();
    let first = f.build();
    assert_eq!(first.report.pictures, 2);

    let again = f.build().report;
    assert!(again.up_to_date);
    assert_eq!(again.pictures, 0);

    // The published site is gone: its pictures come from the store.
    std::fs::remove_dir_all(f.path("public")).unwrap();
    let rebuilt = f.build();
    assert_eq!(rebuilt.report.pictures, 0, "{:?}", rebuilt.report.written);
    assert_eq!(rebuilt.into_files(), first.into_files());

    // The text changes: the pictures' files are kept as they are.
    let text = f
        .read("content/news/mosul.en.md")
        .replace("Monday", "Tuesday");
    f.write("content/news/mosul.en.md", &text);
    let edited = f.build().report;
    assert_eq!(edited.pictures, 0);
    assert!(
        edited.written.iter().all(|p| !p.starts_with("news/")),
        "{:?}",
        edited.written
    );

    // The market photo is replaced: only it is processed, under new names.
    f.write_bytes(
        "content/news/market.jpg",
        &pictures::jpeg(&pictures::photo(700, 500, 9), 85),
    );
    let replaced = f.build().report;
    assert_eq!(replaced.pictures, 1);
    assert!(
        replaced
            .removed
            .iter()
            .any(|p| p.starts_with("news/market.") && p.ends_with(".640.webp")),
        "the old versions go: {:?}",
        replaced.removed
    );

    // --force processes everything again.
    let forced = f.build_with(
        &digest::BuildOptions {
            force: true,
            ..f.options()
        },
        "public",
    );
    assert_eq!(forced.report.pictures, 2);
}

/// Every published file, with the build's cold twin: the same site built
/// from nothing (no state, no picture store) into another folder.
fn cold_twin(f: &Site) -> Files {
    let _ = std::fs::remove_dir_all(f.path("cold"));
    let _ = std::fs::remove_dir_all(f.path(".digest-cache/cold"));
    f.build_with(
        &digest::BuildOptions {
            force: true,
            ..f.options()
        },
        "cold",
    )
    .into_files()
}

/// A change to a site's sources.
type Change = Box<dyn Fn(&Site)>;

#[test]
fn incremental_builds_with_pictures_publish_exactly_what_a_cold_build_does() {
    let f = newsroom_site();
    let article = "content/news/mosul.en.md";
    let steps: Vec<(&str, Change)> = vec![
        ("first build", Box::new(|_| {})),
        (
            "a new caption and credit",
            Box::new(|f| {
                let text = f
                    .read(article)
                    .replace("Jane Arraf", "Ali Hussein")
                    .replace("from the Tigris", "at dawn");
                f.write(article, &text);
            }),
        ),
        (
            "the lead photo replaced",
            Box::new(|f| {
                f.write_bytes(
                    "content/news/mosul.jpg",
                    &pictures::camera_jpeg(900, 600, 1),
                );
            }),
        ),
        (
            "the inline photo removed from the text",
            Box::new(|f| {
                let text = f.read(article).replace(
                    "![Stalls under new awnings](market.jpg \"The reopened market\")",
                    "",
                );
                f.write(article, &text);
            }),
        ),
        (
            "a picture that was unused put in",
            Box::new(|f| {
                let text = f
                    .read(article)
                    .replace("Work began", "![A street](unused.jpg)\n\nWork began");
                f.write(article, &text);
            }),
        ),
        (
            "other widths",
            Box::new(|f| {
                f.write(
                    "digest.yaml",
                    &format!("{CONFIG}images:\n  widths: [200, 400]\n  quality: 70\n"),
                );
            }),
        ),
        (
            "a picture renamed",
            Box::new(|f| {
                std::fs::rename(
                    f.path("content/news/unused.jpg"),
                    f.path("content/news/street.jpg"),
                )
                .unwrap();
                let text = f.read(article).replace("unused.jpg", "street.jpg");
                f.write(article, &text);
            }),
        ),
    ];
    for (what, change) in steps {
        change(&f);
        let incremental = f.build().into_files();
        let cold = cold_twin(&f);
        let differ: Vec<&String> = cold
            .paths()
            .chain(incremental.paths())
            .filter(|k| cold.get(k) != incremental.get(k))
            .collect();
        assert!(
            differ.is_empty(),
            "after {what}, these differ from a cold build: {differ:?}"
        );
    }
    let public = f.public();
    let names: Vec<&String> = public.paths().filter(|p| p.starts_with("news/")).collect();
    assert!(names.iter().all(|n| !n.contains("unused")), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("news/street.")),
        "{names:?}"
    );
}

#[test]
fn players_in_raw_html_become_embeds_and_other_frames_are_removed_with_a_warning() {
    let f = site();
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Frames")
            .body("Before.\n\n<iframe width=\"560\" height=\"315\" src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" title=\"The briefing\" allowfullscreen></iframe>\n\n<iframe src=\"https://ads.example.net/frame?id=7\"></iframe>\n\n<iframe src=\"https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk\"></iframe>\n"),
    );
    let built = f.build();
    let report = &built.report;
    let warnings = warnings(report);
    assert_eq!(
        warnings,
        [
            "warning: content/news/a.en.md:9:1: the <iframe> of `https://ads.example.net/frame?id=7` was removed: it is not a player of a provider in `embeds`\n  help: to show a post of YouTube, Vimeo, X, Instagram, Facebook, SoundCloud or Spotify, put its link on a line of its own; other providers can be added to `embeds:` in digest.yaml"
        ]
    );
    let page = built.page("en/news/a/index.html");
    assert_eq!(page.count("iframe"), 0);
    assert_eq!(
        page.attrs(".embed a.embed-load", "data-embed"),
        [
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
            "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk"
        ]
    );
    assert_eq!(page.text(".embed-youtube .embed-title"), "The briefing");
    assert_eq!(page.count(".embed-spotify.embed-audio"), 1);
}

#[test]
fn with_raw_html_allowed_frames_stay_as_written_and_their_pictures_are_published() {
    let f = site();
    f.write(
        "digest.yaml",
        &format!("{CONFIG}raw_html: allow\nimages:\n  widths: [160]\n"),
    );
    f.write_bytes(
        "content/news/chart.jpg",
        &pictures::camera_jpeg(200, 100, 1),
    );
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Allowed")
            .body("<iframe src=\"https://ads.example.net/frame\"></iframe>\n\n<p><img src=\"/news/chart.jpg\" alt=\"Chart\"></p>\n"),
    );
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    assert_eq!(page.attr("iframe", "src"), "https://ads.example.net/frame");
    assert_eq!(page.attr(".body img", "src"), "/news/chart.jpg");
    decoded(&built, "/news/chart.jpg");
}

#[test]
fn pictures_in_raw_html_are_published_in_widths_too() {
    let f = site();
    f.write_bytes(
        "content/news/chart.png",
        &pictures::png_with_alpha(400, 300),
    );
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Raw")
            .body("<p>A chart: <img src=\"chart.png\" alt=\"Prices\"></p>"),
    );
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    let img = ".body picture img";
    assert_eq!(page.attr(img, "alt"), "Prices");
    assert_eq!(page.attr(img, "width"), "320");
    // A transparent PNG: WebP and PNG versions, transparency kept.
    for (href, width) in candidates(&page.attr(img, "srcset")) {
        let d = decoded(&built, &href);
        assert_eq!((d.format, d.width), (image::ImageFormat::Png, width));
        let pixels = image::load_from_memory(&published(&built, &href)).unwrap();
        assert!(pixels.color().has_alpha(), "{href}");
    }
    for (href, _) in candidates(&page.attr(".body picture source", "srcset")) {
        assert_eq!(decoded(&built, &href).format, image::ImageFormat::WebP);
    }
    assert!(
        !built.exists("news/chart.png"),
        "nothing links to the original"
    );
}

#[test]
fn a_picture_without_alt_text_is_a_warning_at_its_line_and_an_empty_one_is_decorative() {
    let f = site();
    for name in ["a.jpg", "b.jpg", "c.jpg", "d.jpg"] {
        f.write_bytes(
            &format!("content/news/{name}"),
            &pictures::jpeg(&pictures::photo(200, 100, 3), 80),
        );
    }
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Alt")
            .front("image: a.jpg\n")
            .body("![](b.jpg)\n\n![\"\"](c.jpg)\n\n<img src=\"d.jpg\">\n"),
    );
    f.story(
        Story::new("news/b", "2021-12-10")
            .en("Decorative")
            .front("image: { src: a.jpg, alt: \"\" }\n")
            .body("Text."),
    );
    let built = f.build();
    let warnings = warnings(&built.report);
    assert_eq!(
        warnings,
        [
            "warning: content/news/a.en.md:4:1: the image has no `alt` text\n  help: describe the picture in `alt` for readers who cannot see it; `alt: \"\"` marks a picture that is only decoration",
            "warning: content/news/a.en.md:6:1: the picture `/news/b.jpg` has no alt text\n  help: describe it for readers who cannot see it: ![what it shows](photo.jpg), or alt=\"…\" in HTML; a picture that is only decoration takes an empty one: ![\"\"](photo.jpg) or alt=\"\"",
            "warning: content/news/a.en.md:10:1: the picture `/news/d.jpg` has no alt text\n  help: describe it for readers who cannot see it: ![what it shows](photo.jpg), or alt=\"…\" in HTML; a picture that is only decoration takes an empty one: ![\"\"](photo.jpg) or alt=\"\"",
        ]
    );
    let page = built.page("en/news/a/index.html");
    assert_eq!(page.attrs(".body img", "alt"), ["", "", ""]);
}

#[test]
fn gifs_are_published_as_they_are_without_their_comments() {
    let f = site();
    f.write_bytes("content/news/loop.gif", &pictures::gif());
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("GIF")
            .body("![A loop](loop.gif)"),
    );
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    let img = "figure.picture img";
    assert_eq!(page.attr(img, "src"), "/news/loop.gif");
    assert_eq!(
        (page.attr(img, "width"), page.attr(img, "height")),
        ("1".into(), "1".into())
    );
    assert_eq!(page.count("figure.picture source"), 0);
    let bytes = published(&built, "/news/loop.gif");
    assert!(bytes.starts_with(b"GIF89a") && bytes.ends_with(b";"));
    assert!(
        String::from_utf8_lossy(&bytes).contains("NETSCAPE2.0"),
        "it still loops"
    );
    assert!(!String::from_utf8_lossy(&bytes).contains(SECRET));
}

#[test]
fn a_site_may_choose_to_publish_originals_with_their_metadata() {
    let f = site();
    f.write(
        "digest.yaml",
        &format!("{CONFIG}images:\n  widths: [160]\n  keep_metadata: true\n"),
    );
    f.write_bytes("content/news/a.jpg", &pictures::camera_jpeg(200, 100, 1));
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("Kept")
            .front("image: { src: a.jpg, alt: A }\n")
            .body("[In full](a.jpg)"),
    );
    let built = f.build();
    let original = published(&built, "/news/a.jpg");
    assert_eq!(
        original,
        std::fs::read(f.path("content/news/a.jpg")).unwrap()
    );
    let page = built.page("en/news/a/index.html");
    decoded(&built, &page.attr("figure.lead-image img", "src"));
}

#[test]
fn picture_and_embed_settings_are_checked() {
    let f = site();
    f.story(Story::new("news/a", "2021-12-10").en("A").body("Text."));
    f.write(
        "digest.yaml",
        &format!("{CONFIG}images:\n  widths: [0, 320]\n  quality: 120\n  keep_metdata: true\nembeds: [youtub, {{ name: Own, link: \"http://x.example/{{id}}\", player: \"https://x.example/p/{{id}}\" }}]\n"),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: digest.yaml:22:3: unknown images key `keep_metdata`\n  help: did you mean `keep_metadata`?",
            "error: digest.yaml:20:11: `images.widths` must list widths from 16 to 8192 pixels\n  help: write e.g. `widths: [480, 960, 1600]`",
            "error: digest.yaml:21:12: `images.quality` must be from 1 to 100\n  help: 80 keeps photographs sharp at a fraction of their size",
            "error: digest.yaml:23:1: unknown embed provider `youtub`\n  help: did you mean `youtube`?",
            "error: digest.yaml:23:1: the link address of the embed provider `Own` must start with https:// and hold `{id}` once\n  help: e.g. `link: https://video.example.org/watch/{id}`, `player: https://video.example.org/embed/{id}`",
        ]
    );
}

#[test]
fn embeds_can_be_turned_off_or_extended_with_a_provider_of_the_site() {
    let f = site();
    let body =
        "https://youtu.be/dQw4w9WgXcQ\n\n[The match](https://www.dailymotion.com/video/x8abc12)\n";
    f.story(Story::new("news/a", "2021-12-10").en("Own").body(body));
    f.write(
        "digest.yaml",
        &format!("{CONFIG}embeds:\n  - name: Dailymotion\n    link: https://www.dailymotion.com/video/{{id}}\n    player: https://www.dailymotion.com/embed/video/{{id}}?autoplay=1\n"),
    );
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    assert_eq!(
        page.attrs("a.embed-load", "data-embed"),
        ["https://www.dailymotion.com/embed/video/x8abc12?autoplay=1"]
    );
    assert_eq!(page.text(".embed-dailymotion .embed-title"), "The match");
    assert_eq!(
        page.text(".body p"),
        "https://youtu.be/dQw4w9WgXcQ",
        "YouTube is not configured"
    );

    let script = page.attr("script[src]", "src");
    assert_eq!(
        published(&built, &script),
        digest::media::EMBED_SCRIPT.as_bytes()
    );

    f.write("digest.yaml", &format!("{CONFIG}embeds: []\n"));
    let built = f.build();
    let page = built.page("en/news/a/index.html");
    assert_eq!(page.count(".embed"), 0);
    assert_eq!(page.count("script[src]"), 0, "no embeds, no script");
    assert!(!built.exists(&file_of(&script)), "nor is it published");
}

#[test]
fn arabic_stories_credit_photos_in_arabic() {
    let f = site();
    f.write_bytes(
        "content/news/صورة.jpg",
        &pictures::jpeg(&pictures::photo(400, 300, 8), 80),
    );
    f.story(
        Story::new("news/a", "2021-12-10")
            .ar("إعادة إعمار الموصل")
            .front("image: { src: صورة.jpg, alt: رافعات فوق البيوت, caption: المدينة القديمة, credit: Reuters }\n")
            .body("https://youtu.be/dQw4w9WgXcQ\n"),
    );
    let built = f.build();
    let page = built.page("ar/news/a/index.html");
    assert_eq!(page.text("figure.lead-image .credit"), "تصوير: Reuters");
    assert_eq!(page.text("figure.lead-image .credit bdi"), "Reuters");
    let src = page.attr("figure.lead-image img", "src");
    assert!(src.starts_with("/news/%D8%B5%D9%88%D8%B1%D8%A9."), "{src}");
    decoded(&built, &src);
    assert!(page.text(".embed-notice").contains("YouTube"));
    assert_eq!(page.text(".embed-play"), "تشغيل");
}

#[test]
fn serve_reuses_what_a_build_processed_and_does_no_picture_work_between_saves() {
    use std::sync::{Arc, Mutex, mpsc};
    let f = newsroom_site();
    f.build();
    let (sender, builds) = mpsc::channel();
    let sender = Mutex::new(sender);
    let reporter = Arc::new(move |event: &digest::serve::ServeEvent| {
        if let digest::serve::ServeEvent::Rebuilt(rebuild) = event {
            let outcome = rebuild
                .outcome
                .as_ref()
                .map(|r| r.pictures)
                .map_err(|e| e.to_string());
            let _ = sender.lock().unwrap().send(outcome);
        }
    });
    let options = digest::serve::ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        ..digest::serve::ServeOptions::default()
    };
    let server = digest::serve::Server::start(&options, reporter).expect("the server starts");
    let next = || {
        builds
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("a build")
    };
    assert_eq!(next(), Ok(0), "the pictures `digest build` made are reused");
    let client = crate::common::http::Client::new(server.addr());
    let page = client.get("/en/news/mosul/");
    let doc = scraper::Html::parse_document(&page.body);
    let src = doc
        .select(&scraper::Selector::parse("figure.lead-image img").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    let picture = client.head(&src);
    assert_eq!(
        (picture.status, picture.header("content-type")),
        (200, Some("image/jpeg"))
    );
    let text = f
        .read("content/news/mosul.en.md")
        .replace("Monday", "Tuesday");
    f.write("content/news/mosul.en.md", &text);
    assert_eq!(next(), Ok(0), "a save does no picture work");
    f.write_bytes(
        "content/news/new.jpg",
        &pictures::jpeg(&pictures::photo(300, 200, 3), 80),
    );
    let text = f
        .read("content/news/mosul.en.md")
        .replace("Tuesday", "Tuesday.\n\n![New](new.jpg)");
    f.write("content/news/mosul.en.md", &text);
    // The watcher may report the picture and the article in one build or two.
    let mut processed = 0;
    while processed == 0 {
        processed += next().expect("the build succeeds");
    }
    assert_eq!(processed, 1, "only the new picture is processed");
}

#[test]
fn a_standalone_page_shows_its_pictures_and_embeds_as_an_article_does() {
    let f = site();
    f.write_bytes("content/team.jpg", &pictures::camera_jpeg(700, 500, 1));
    f.write_bytes(
        "content/office.jpg",
        &pictures::jpeg(&pictures::photo(500, 400, 5), 85),
    );
    f.write(
        "content/about.en.md",
        "---\ntitle: About us\nimage: { src: team.jpg, alt: The newsroom, caption: The team in Erbil, credit: Dara Ali }\n---\nWe report from Iraq.\n\n![Our office](office.jpg \"The Baghdad office\")\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n",
    );
    let built = f.build();
    let page = built.page("en/about/index.html");
    let lead = "figure.lead-image picture img";
    assert_eq!(page.attr(lead, "fetchpriority"), "high");
    assert_eq!(page.attr(lead, "alt"), "The newsroom");
    assert_eq!(
        page.text("figure.lead-image figcaption .caption"),
        "The team in Erbil"
    );
    assert_eq!(
        page.text("figure.lead-image figcaption .credit"),
        "Photo: Dara Ali"
    );
    for (href, _) in candidates(&page.attr(lead, "srcset")) {
        decoded(&built, &href);
    }
    let inline = candidates(&page.attr("figure.picture source", "srcset"));
    assert_eq!(inline.iter().map(|c| c.1).collect::<Vec<_>>(), [160, 320]);
    assert_eq!(page.text("figure.picture figcaption"), "The Baghdad office");
    assert_eq!(
        page.attr("figure.embed.embed-youtube a.embed-load", "data-embed"),
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    );
    assert_eq!(page.count("iframe"), 0);
    let script = page.attr("script[src^='/embed.']", "src");
    assert!(built.exists(&file_of(&script)), "{script}");
}
