//! Two editions that know each other: the language switcher, hreflang
//! alternates, UI strings with CLDR plural forms, local dates, reading time
//! and bidirectional text safety, checked on built pages.

use std::collections::BTreeMap;

use crate::common::{CONFIG, Files, Page, Site, Story, file_of};

const ORIGIN: &str = "https://digest.example.org";
const TO_ENGLISH: &str = "Read this page in English";
const TO_ARABIC: &str = "اقرأ هذه الصفحة بالعربية";
const NO_ENGLISH: &str = "Not available in English – go to the English edition";
const NO_ARABIC: &str = "غير متوفرة بالعربية، انتقل إلى النسخة العربية";

/// A site with every page kind in both editions: translated and untranslated
/// articles, standalone pages, a section and a month only the Arabic edition
/// has, a topic in both editions and one free label in each, and lists long
/// enough (`paginate: 3`) to have second pages in both editions.
fn editions() -> Site {
    let f = Site::new();
    for (stem, day, ar_tags, en_tags) in [
        ("withdrawal", 10, "[العراق, us-forces]", "[Iraq, US forces]"),
        ("dialogue", 9, "[iraq]", "[iraq]"),
        ("talks", 8, "[العراق]", "[Iraq]"),
        ("bases", 7, "[iraq]", "[Iraq]"),
    ] {
        f.story(
            Story::new(&format!("news/{stem}"), &format!("2021-12-{day:02}"))
                .ar(&format!("خبر {stem}"))
                .tags(ar_tags)
                .body("نص الخبر.")
                .en(&format!("Story {stem}"))
                .tags(en_tags)
                .body("The story."),
        );
    }
    f.story(
        Story::new("news/local", "2021-11-20")
            .ar("خبر محلي")
            .tags("[الموصل]")
            .body("خبر بالعربية فقط."),
    );
    f.story(
        Story::new("news/briefing", "2021-12-06")
            .en("English-only briefing")
            .tags("[Mosul]")
            .body("In English only."),
    );
    f.story(
        Story::new("opinion/column", "2021-12-05")
            .ar("عمود رأي")
            .body("رأي."),
    );
    f.story(
        Story::new("about", "2021-01-01")
            .ar("من نحن")
            .body("عن الموجز.")
            .en("About us")
            .body("About the digest."),
    );
    f
}

/// A link as a reader sees it in the address bar: no origin, no escapes.
fn decoded(href: &str) -> String {
    let path = href.strip_prefix(ORIGIN).unwrap_or(href);
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn decoded_alternates(page: &Page) -> BTreeMap<String, String> {
    page.alternates()
        .into_iter()
        .map(|(lang, href)| (lang, decoded(&href)))
        .collect()
}

/// What a switcher link should be: (lang, dir, address, class, rel, text).
type Switch<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str);

fn check_page(files: &Files, path: &str, alternates: &[(&str, &str)], switcher: &[Switch]) {
    let page = files.page(path);
    let expected: BTreeMap<String, String> = alternates
        .iter()
        .map(|(l, h)| (l.to_string(), h.to_string()))
        .collect();
    assert_eq!(decoded_alternates(&page), expected, "{path}: hreflang");
    let switch: Vec<(String, String, String, String, String, String)> = page
        .switcher()
        .into_iter()
        .map(|s| (s.lang, s.dir, decoded(&s.href), s.class, s.rel, s.text))
        .collect();
    let expected: Vec<(String, String, String, String, String, String)> = switcher
        .iter()
        .map(|(l, d, h, c, r, t)| {
            (
                l.to_string(),
                d.to_string(),
                h.to_string(),
                c.to_string(),
                r.to_string(),
                t.to_string(),
            )
        })
        .collect();
    assert_eq!(switch, expected, "{path}: switcher");
}

#[test]
fn every_page_kind_has_a_switcher_and_hreflang_in_both_directions() {
    // Each page kind, Arabic to English and back: translations link each
    // other, untranslated pages send the reader to the other edition's home
    // and say so, later pages of a list lead to the same list's first page.
    let f = editions();
    let built = f.build();
    let page = |url: &str| format!("{}index.html", &url[1..]);
    // A page and its translation: each names both, the Arabic one as the
    // x-default, and its switcher leads to the other.
    let translated = |ar: &str, en: &str| {
        let versions = [("ar", ar), ("en", en), ("x-default", ar)];
        let to_en = ("en", "ltr", en, "translation", "alternate", TO_ENGLISH);
        let to_ar = ("ar", "rtl", ar, "translation", "alternate", TO_ARABIC);
        check_page(&built, &page(ar), &versions, &[to_en]);
        check_page(&built, &page(en), &versions, &[to_ar]);
    };
    // A page of one edition only: its switcher sends the reader to the
    // other edition's home and says so.
    let untranslated = |url: &str| {
        let other = if url.starts_with("/ar/") {
            ("en", "ltr", "/en/", "untranslated", "", NO_ENGLISH)
        } else {
            ("ar", "rtl", "/ar/", "untranslated", "", NO_ARABIC)
        };
        check_page(
            &built,
            &page(url),
            &[(&url[1..3], url), ("x-default", url)],
            &[other],
        );
    };
    // A later page of a list: its switcher leads to the first page of the
    // other edition's list (`first`), with no claim to be its translation.
    let later = |url: &str, first: &str| {
        let other = if url.starts_with("/ar/") {
            ("en", "ltr", first, "translation", "", TO_ENGLISH)
        } else {
            ("ar", "rtl", first, "translation", "", TO_ARABIC)
        };
        check_page(
            &built,
            &page(url),
            &[(&url[1..3], url), ("x-default", url)],
            &[other],
        );
    };

    // Articles, with and without a translation; standalone pages.
    translated("/ar/news/withdrawal/", "/en/news/withdrawal/");
    untranslated("/ar/news/local/");
    untranslated("/en/news/briefing/");
    translated("/ar/about/", "/en/about/");

    // Edition homes: the bilingual front door is their x-default.
    let homes = [("ar", "/ar/"), ("en", "/en/"), ("x-default", "/")];
    let to_en = ("en", "ltr", "/en/", "translation", "alternate", TO_ENGLISH);
    let to_ar = ("ar", "rtl", "/ar/", "translation", "alternate", TO_ARABIC);
    check_page(&built, "ar/index.html", &homes, &[to_en]);
    check_page(&built, "en/index.html", &homes, &[to_ar]);
    later("/ar/page/2/", "/en/");
    later("/en/page/2/", "/ar/");

    // Sections.
    translated("/ar/news/", "/en/news/");
    untranslated("/ar/opinion/");

    // Topics: one topic in both editions, free labels in one, second pages.
    translated("/ar/tags/iraq/", "/en/tags/iraq/");
    later("/ar/tags/iraq/page/2/", "/en/tags/iraq/");
    later("/en/tags/iraq/page/2/", "/ar/tags/iraq/");
    untranslated("/ar/tags/الموصل/");
    untranslated("/en/tags/mosul/");

    // Topic indexes.
    translated("/ar/tags/", "/en/tags/");

    // Monthly archives, in both editions and in one.
    translated("/ar/2021/12/", "/en/2021/12/");
    untranslated("/ar/2021/11/");

    // The front door speaks both languages: its versions are the homes, and
    // its switcher names every edition in that edition's language.
    let front = built.page("index.html");
    assert_eq!(
        front.canonical().as_deref(),
        Some("https://digest.example.org/")
    );
    check_page(
        &built,
        "index.html",
        &homes,
        &[
            ("ar", "rtl", "/ar/", "translation", "alternate", "العربية"),
            ("en", "ltr", "/en/", "translation", "alternate", "English"),
        ],
    );

    // The 404 page is served at any missing address: it asks not to be
    // indexed, claims no address of its own, and leads to both editions.
    let missing = built.page("404.html");
    assert_eq!(missing.canonical(), None);
    assert_eq!(missing.attr("meta[name=robots]", "content"), "noindex");
    check_page(
        &built,
        "404.html",
        &[],
        &[
            ("ar", "rtl", "/ar/", "untranslated", "", "العربية"),
            ("en", "ltr", "/en/", "untranslated", "", "English"),
        ],
    );
}

/// Checks every HTML page of a built site: hreflang sets are the same on
/// every page they name (so every link is reciprocal), the page names
/// itself, and no canonical, alternate or switcher link points to a
/// missing page. Returns how many pages were checked.
fn check_alternates_and_switchers(files: &Files) -> usize {
    let pages = files.html_pages();
    for path in &pages {
        let page = files.page(path);
        let alternates = page.alternates();
        if path == "404.html" {
            assert!(alternates.is_empty(), "{path}: {alternates:?}");
        } else {
            let own = format!("{ORIGIN}/{}", path.trim_end_matches("index.html"));
            let canonical = page
                .canonical()
                .unwrap_or_else(|| panic!("{path}: no canonical"));
            assert_eq!(decoded(&canonical), decoded(&own), "{path}: canonical");
            assert!(alternates.contains_key("x-default"), "{path}: no x-default");
            assert!(
                alternates.values().any(|a| decoded(a) == decoded(&own)),
                "{path} does not list itself: {alternates:?}"
            );
        }
        for (lang, href) in &alternates {
            let target = file_of(href);
            assert!(files.exists(&target), "{path}: {lang} → {href}: missing");
            assert_eq!(
                files.page(&target).alternates(),
                alternates,
                "{path} lists {target} as `{lang}`, but {target} does not list the same versions"
            );
        }
        let own_lang = page.attr("html", "lang");
        for link in page.switcher() {
            let target = file_of(&link.href);
            assert!(
                files.exists(&target),
                "{path}: switcher → {}: missing",
                link.href
            );
            let target_page = files.page(&target);
            assert_eq!(
                target_page.attr("html", "lang"),
                link.lang,
                "{path} → {target}"
            );
            assert_eq!(
                target_page.attr("html", "dir"),
                link.dir,
                "{path} → {target}"
            );
            let version = alternates.get(&link.lang);
            if path == "404.html" || path == "index.html" {
                assert_eq!(link.href, format!("/{}/", link.lang), "{path}");
                continue;
            }
            assert_ne!(
                link.lang, own_lang,
                "{path}: the switcher offers the page's own language"
            );
            match link.class.as_str() {
                "translation" if link.rel == "alternate" => {
                    assert_eq!(Some(&format!("{ORIGIN}{}", link.href)), version, "{path}");
                    let back = target_page.switcher();
                    assert!(
                        back.iter().any(|b| decoded(&b.href)
                            == decoded(&format!("/{}", path.trim_end_matches("index.html")))),
                        "{target} does not switch back to {path}: {back:?}"
                    );
                }
                "translation" => {
                    assert!(
                        path.contains("/page/"),
                        "{path}: a non-alternate translation"
                    );
                    assert_eq!(version, None, "{path}");
                }
                "untranslated" => {
                    assert_eq!(link.href, format!("/{}/", link.lang), "{path}");
                    assert_eq!(
                        version, None,
                        "{path}: a translation exists but is not offered"
                    );
                }
                other => panic!("{path}: switcher link of class `{other}`"),
            }
        }
    }
    check_sitemap(files);
    pages.len()
}

/// The sitemap's alternates are the pages' own.
fn check_sitemap(files: &Files) {
    let sitemap = files.read("sitemap.xml");
    for entry in sitemap.split("<url>").skip(1) {
        let loc = entry
            .split("<loc>")
            .nth(1)
            .and_then(|s| s.split("</loc>").next())
            .unwrap();
        let links: BTreeMap<String, String> = entry
            .split("<xhtml:link ")
            .skip(1)
            .map(|l| {
                let attr = |name: &str| {
                    l.split(&format!("{name}=\""))
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap()
                        .to_string()
                };
                (attr("hreflang"), attr("href"))
            })
            .collect();
        let page = files.page_at(loc);
        let alternates = page.alternates();
        if alternates.len() > 2 {
            assert_eq!(links, alternates, "sitemap entry {loc}");
        } else {
            assert!(links.is_empty(), "sitemap entry {loc}: {links:?}");
        }
    }
}

#[test]
fn hreflang_links_are_reciprocal_and_no_link_points_to_a_missing_page() {
    // Over every page of a fixture with every page kind: if A lists B, B
    // lists A (with the same set), and switchers lead to real pages in the
    // language they claim.
    let f = editions();
    let built = f.build();
    let checked = check_alternates_and_switchers(&built);
    assert!(checked >= 30, "only {checked} pages");
}

#[test]
fn the_example_site_has_reciprocal_hreflang_and_working_switchers_on_every_page() {
    // The "done when" of the bilingual editions, on the repository's own site.
    let f = Site::example();
    let built = f.build();
    let checked = check_alternates_and_switchers(&built);
    assert!(checked >= 30, "only {checked} pages");
}

#[test]
fn a_ui_string_defined_in_one_language_only_is_an_error_naming_key_and_language() {
    // The build stops instead of rendering an empty span, and says where the
    // string is defined and where it is missing.
    let f = Site::new().stories(2);
    let ar = f.read("themes/default/i18n/ar.yaml");
    let line = ar.lines().count() + 1;
    f.write(
        "themes/default/i18n/ar.yaml",
        &format!("{ar}breaking: عاجل\n"),
    );
    assert_eq!(
        f.build_errors(),
        [format!(
            "error: themes/default/i18n/en.yaml:1:1: the UI string `breaking` is not defined for language `en`\n  help: add `breaking:` to themes/default/i18n/en.yaml (it is defined at themes/default/i18n/ar.yaml:{line}:1)"
        )]
    );
}

/// A two-story site whose topic index template opens its main block with
/// `line`.
fn opening_the_topic_index(line: &str) -> Site {
    let f = Site::new().stories(2);
    f.edit("themes/default/templates/topics.html", |template| {
        template.replacen(
            "{% block main %}\n",
            &format!("{{% block main %}}\n{line}\n"),
            1,
        )
    });
    f
}

#[test]
fn a_template_asking_for_an_unknown_ui_string_is_an_error_at_its_line() {
    // A misspelt key in a template is reported at the template's file, line
    // and column, once per language, even on a line no page renders.
    let f = opening_the_topic_index("{% if false %}<p>{{ t(key=\"unknown\") }}</p>{% endif %}");
    assert_eq!(
        f.build_errors(),
        [
            "error: themes/default/templates/topics.html:3:21: the UI string `unknown` is not defined for language `ar`\n  help: add `unknown:` to themes/default/i18n/ar.yaml, or correct the key",
            "error: themes/default/templates/topics.html:3:21: the UI string `unknown` is not defined for language `en`\n  help: add `unknown:` to themes/default/i18n/en.yaml, or correct the key",
        ]
    );
}

#[test]
fn a_ui_string_key_given_as_a_variable_is_checked_when_the_page_renders() {
    // Keys that only exist at render time still fail the build, at the
    // template's line, naming the key and the language.
    let f = opening_the_topic_index("{% set name = \"unknown_\" ~ lang %}{{ t(key=name) }}");
    assert_eq!(
        f.build_errors(),
        [
            "error: themes/default/templates/topics.html:3:38: the UI string `unknown_ar` is not defined for language `ar`\n  help: add `unknown_ar:` to themes/default/i18n/ar.yaml, or correct the key",
            "error: themes/default/templates/topics.html:3:38: the UI string `unknown_en` is not defined for language `en`\n  help: add `unknown_en:` to themes/default/i18n/en.yaml, or correct the key",
        ]
    );
}

#[test]
fn a_plural_string_without_a_count_or_missing_a_form_is_an_error() {
    // Plural strings need the number they are about, and every form the
    // language uses: Arabic needs all six.
    let f = opening_the_topic_index("{{ t(key=\"articles\") }}");
    let ar = f.read("themes/default/i18n/ar.yaml");
    let line = ar.lines().position(|l| l == "articles:").unwrap() + 1;
    f.write(
        "themes/default/i18n/ar.yaml",
        &ar.replacen("  two: مقالان\n", "", 1)
            .replacen("  many: \"{count} مقالًا\"\n", "", 1),
    );
    assert_eq!(
        f.build_errors(),
        [
            format!(
                "error: themes/default/i18n/ar.yaml:{line}:1: the plural string `articles` has no `many` form, which language `ar` uses for numbers such as 11\n  help: add `many:` under `articles:`; ar uses the forms zero, one, two, few, many, other"
            ),
            format!(
                "error: themes/default/i18n/ar.yaml:{line}:1: the plural string `articles` has no `two` form, which language `ar` uses for numbers such as 2\n  help: add `two:` under `articles:`; ar uses the forms zero, one, two, few, many, other"
            ),
        ]
    );
    f.write("themes/default/i18n/ar.yaml", &ar);
    assert_eq!(
        f.build_errors(),
        [
            "error: themes/default/templates/topics.html:3:4: the UI string `articles` has plural forms, but this call gives no `count`\n  help: write t(key=\"articles\", count=…) with the number the text is about"
        ]
    );
}

#[test]
fn strings_digest_itself_needs_are_required_of_every_theme() {
    // The switcher's words come from the theme: a theme without them is an
    // error, not an English fallback.
    let f = Site::new().stories(2);
    for lang in ["ar", "en"] {
        let path = format!("themes/default/i18n/{lang}.yaml");
        let text = f.read(&path);
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with("switch_untranslated:"))
            .map(|l| format!("{l}\n"))
            .collect();
        f.write(&path, &kept);
    }
    assert_eq!(
        f.build_errors(),
        [
            "error: themes/default/i18n/ar.yaml:1:1: the UI string `switch_untranslated` is not defined for language `ar`\n  help: add `switch_untranslated:` to themes/default/i18n/ar.yaml: digest uses it for the language switcher's link to the edition's home when a page has no translation",
            "error: themes/default/i18n/en.yaml:1:1: the UI string `switch_untranslated` is not defined for language `en`\n  help: add `switch_untranslated:` to themes/default/i18n/en.yaml: digest uses it for the language switcher's link to the edition's home when a page has no translation",
        ]
    );
}

/// One story per day from 2021-01-01, in both editions; the first `n` carry
/// the topic `n-stories` (`one`, `two`, `three`, `eleven`, `hundred`).
fn counted_topics(config: &str) -> Site {
    let f = Site::new();
    f.write("digest.yaml", config);
    let topics = [
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("eleven", 11),
        ("hundred", 100),
    ];
    let mut tags = String::new();
    for (key, _) in topics {
        tags.push_str(&format!("{key}: {{ ar: موضوع {key}, en: Topic {key} }}\n"));
    }
    f.write("content/tags.yaml", &tags);
    for i in 0..100 {
        let keys: Vec<&str> = topics
            .iter()
            .filter(|(_, n)| i < *n)
            .map(|(k, _)| *k)
            .collect();
        let date = format!("2021-{:02}-{:02}", 1 + i / 25, 1 + i % 25);
        let front = format!("tags: [{}]\n", keys.join(", "));
        f.story(
            Story::new(&format!("news/s{i}"), &date)
                .front(&front)
                .ar(&format!("خبر {i}"))
                .en(&format!("Story {i}")),
        );
    }
    f
}

#[test]
fn topic_counts_take_the_right_plural_form_for_1_2_3_11_and_100() {
    // Arabic has six plural forms, English two: the topic index and the
    // topic pages say "مقالان" and "11 مقالًا", "1 article" and "2 articles".
    let f = counted_topics(CONFIG);
    let built = f.build();
    let ar = built.page("ar/tags/index.html");
    assert_eq!(
        ar.texts(".topic-index .count"),
        ["100 مقال", "11 مقالًا", "3 مقالات", "مقالان", "مقال واحد"]
    );
    assert_eq!(
        built
            .page("en/tags/index.html")
            .texts(".topic-index .count"),
        [
            "100 articles",
            "11 articles",
            "3 articles",
            "2 articles",
            "1 article"
        ]
    );
    for (key, ar_count, en_count) in [
        ("one", "مقال واحد", "1 article"),
        ("two", "مقالان", "2 articles"),
        ("three", "3 مقالات", "3 articles"),
        ("eleven", "11 مقالًا", "11 articles"),
        ("hundred", "100 مقال", "100 articles"),
    ] {
        assert_eq!(
            built
                .page(&format!("ar/tags/{key}/index.html"))
                .text(".count"),
            ar_count
        );
        assert_eq!(
            built
                .page(&format!("en/tags/{key}/index.html"))
                .text(".count"),
            en_count
        );
    }
    // The same counts in Arabic-Indic digits when the edition asks for them.
    f.write(
        "digest.yaml",
        &CONFIG.replace("digits: latn", "digits: arab"),
    );
    let built = f.build();
    assert_eq!(
        built
            .page("ar/tags/index.html")
            .texts(".topic-index .count"),
        ["١٠٠ مقال", "١١ مقالًا", "٣ مقالات", "مقالان", "مقال واحد"]
    );
}

/// A translated story published at 14:00 Baghdad time on 10 December 2021,
/// built with `ar_settings` in place of the Arabic edition's locale lines,
/// on a site in Baghdad's time zone.
fn dated_story(ar_settings: &str, en_settings: &str) -> Site {
    let f = Site::new();
    let config = CONFIG
        .replace("    locale: ar-IQ\n    digits: latn\n", ar_settings)
        .replace("    locale: en-GB\n", en_settings)
        .replace(
            "default_language: ar\n",
            "default_language: ar\ntimezone: Asia/Baghdad\n",
        );
    f.write("digest.yaml", &config);
    f.story(
        Story::new("news/story", "2021-12-10T14:00:00+03:00")
            .front("updated: 2021-12-11T09:30:00+03:00\n")
            .body("Text.")
            .ar("Story")
            .en("Story"),
    );
    f
}

/// The published date as the article shows it, and its `datetime`.
fn shown_date(files: &Files, lang: &str) -> (String, String) {
    let page = files.page(&format!("{lang}/news/story/index.html"));
    let time = ".byline time";
    (page.text(time), page.attr(time, "datetime"))
}

#[test]
fn dates_follow_each_editions_locale_and_digits() {
    // Iraqi month names in ar-IQ, Egyptian in ar-EG, English in en-GB;
    // digits as the locale writes them unless digest.yaml says otherwise;
    // an article page gives the time too, joined as the locale joins them;
    // `datetime` is machine-readable whatever the display.
    let iso = "2021-12-10T14:00:00+03:00".to_string();
    let en = "    locale: en-GB\n";
    for (settings, arabic) in [
        (
            "    locale: ar-IQ\n    digits: latn\n",
            "10 كانون الأول 2021، 14:00",
        ),
        ("    locale: ar-IQ\n", "١٠ كانون الأول ٢٠٢١، ١٤:٠٠"),
        (
            "    locale: ar-IQ\n    digits: arab\n",
            "١٠ كانون الأول ٢٠٢١، ١٤:٠٠",
        ),
        (
            "    locale: ar-EG\n    digits: latn\n",
            "10 ديسمبر 2021، 14:00",
        ),
        ("    locale: ar-EG\n", "١٠ ديسمبر ٢٠٢١، ١٤:٠٠"),
        (
            "    locale: ar-IQ\n    digits: latn\n    dual_months: true\n",
            "10 كانون الأول/ديسمبر 2021، 14:00",
        ),
    ] {
        let f = dated_story(settings, en);
        let built = f.build();
        assert_eq!(
            shown_date(&built, "ar"),
            (arabic.to_string(), iso.clone()),
            "{settings}"
        );
        assert_eq!(
            shown_date(&built, "en"),
            ("10 December 2021, 14:00".to_string(), iso.clone())
        );
    }
    // English with Arabic-Indic digits, should an edition want them.
    let f = dated_story(
        "    locale: ar-IQ\n",
        "    locale: en-GB\n    digits: arab\n",
    );
    let built = f.build();
    assert_eq!(
        shown_date(&built, "en"),
        ("١٠ December ٢٠٢١, ١٤:٠٠".to_string(), iso)
    );
}

#[test]
fn dual_month_names_and_hijri_dates_are_switched_in_the_configuration() {
    // Levantine/Iraqi outlets print "كانون الأول/ديسمبر", in article dates
    // and in archive headings; the Hijri date goes beside the Gregorian one.
    let f = dated_story(
        "    locale: ar-IQ\n    digits: latn\n    dual_months: true\n    hijri: true\n",
        "    locale: en-GB\n",
    );
    let built = f.build();
    let ar = built.page("ar/news/story/index.html");
    assert_eq!(ar.text(".byline .hijri"), "(6 جمادى الأولى 1443 هـ)");
    assert_eq!(
        built.page("ar/2021/12/index.html").text("h1"),
        "كانون الأول/ديسمبر 2021"
    );
    assert_eq!(
        built.page("ar/index.html").texts(".archives a"),
        ["كانون الأول/ديسمبر 2021"]
    );
    let en = built.page("en/news/story/index.html");
    assert_eq!(
        en.count(".hijri"),
        0,
        "the English edition did not ask for it"
    );
    assert_eq!(
        built.page("en/2021/12/index.html").text("h1"),
        "December 2021"
    );
    // Off by default: no dual months, no Hijri date.
    let f = dated_story(
        "    locale: ar-IQ\n    digits: latn\n",
        "    locale: en-GB\n",
    );
    let built = f.build();
    assert_eq!(built.page("ar/news/story/index.html").count(".hijri"), 0);
    assert_eq!(
        built.page("ar/2021/12/index.html").text("h1"),
        "كانون الأول 2021"
    );
    // The Hijri date follows the edition's digits.
    let f = dated_story(
        "    locale: ar-IQ\n    hijri: true\n",
        "    locale: en-GB\n",
    );
    let built = f.build();
    assert_eq!(
        built
            .page("ar/news/story/index.html")
            .text(".byline .hijri"),
        "(٦ جمادى الأولى ١٤٤٣ هـ)"
    );
}

#[test]
fn every_time_element_carries_a_machine_readable_datetime() {
    // Whatever digits and month names a page shows, <time datetime> is an
    // RFC 3339 timestamp in ASCII digits, on every page of the site.
    let f = dated_story(
        "    locale: ar-IQ\n    digits: arab\n    dual_months: true\n    hijri: true\n",
        "    locale: en-GB\n",
    );
    f.story(Story::new("news/other", "2021-11-02 08:15").ar("آخر"));
    let built = f.build();
    let mut seen = 0;
    for path in built.html_pages() {
        let page = built.page(&path);
        let times = page.count("time");
        let stamps = page.attrs("time", "datetime");
        assert_eq!(stamps.len(), times, "{path}: a <time> without datetime");
        for stamp in stamps {
            assert!(stamp.is_ascii(), "{path}: {stamp}");
            let parsed: jiff::Timestamp = stamp
                .parse()
                .unwrap_or_else(|e| panic!("{path}: {stamp}: {e}"));
            assert!(parsed.to_string().starts_with("2021-1"), "{path}: {stamp}");
            seen += 1;
        }
    }
    assert!(seen >= 10, "only {seen} dates");
    assert_eq!(
        built
            .page("ar/news/other/index.html")
            .attr(".byline time", "datetime"),
        "2021-11-02T08:15:00+03:00",
        "a date without an offset is read in the configured time zone (Baghdad here)"
    );
}

#[test]
fn reading_time_uses_each_languages_words_per_minute_and_plural_forms() {
    // 100 words a minute in Arabic, 50 in English; "دقيقتا قراءة" for two
    // minutes, "3 دقائق قراءة" for three, "11 دقيقة قراءة" for eleven.
    let f = Site::new();
    f.write(
        "digest.yaml",
        &CONFIG
            .replace(
                "    digits: latn\n",
                "    digits: latn\n    words_per_minute: 100\n",
            )
            .replace(
                "    locale: en-GB\n",
                "    locale: en-GB\n    words_per_minute: 50\n",
            ),
    );
    let words = |word: &str, n: usize| vec![word; n].join(" ");
    for (stem, n, date) in [
        ("w40", 40, "2021-12-01"),
        ("w150", 150, "2021-12-02"),
        ("w250", 250, "2021-12-03"),
        ("w1050", 1050, "2021-12-04"),
    ] {
        f.story(
            Story::new(&format!("news/{stem}"), date)
                .ar(stem)
                .body(&words("كلمة", n))
                .en(stem)
                .body(&words("word", n)),
        );
    }
    let built = f.build();
    let minutes = |lang: &str, stem: &str| {
        let page = built.page(&format!("{lang}/news/{stem}/index.html"));
        page.texts(".byline span").pop().unwrap()
    };
    assert_eq!(minutes("ar", "w40"), "دقيقة قراءة");
    assert_eq!(minutes("ar", "w150"), "دقيقتا قراءة");
    assert_eq!(minutes("ar", "w250"), "3 دقائق قراءة");
    assert_eq!(minutes("ar", "w1050"), "11 دقيقة قراءة");
    assert_eq!(minutes("en", "w40"), "1 min read");
    assert_eq!(minutes("en", "w150"), "3 min read");
    assert_eq!(minutes("en", "w1050"), "21 min read");
    // Cards say the same, in the card's language.
    let cards = built.page("ar/index.html").texts(".card .meta span");
    assert_eq!(cards, ["11 دقيقة قراءة", "3 دقائق قراءة", "دقيقتا قراءة"]);
}

/// Text of unknown direction: (text, the direction of its script).
const UNKNOWN_DIRECTION: &[(&str, &str)] = &[
    ("Jane Arraf", "ltr"),
    ("Reuters", "ltr"),
    ("Mosul Dam", "ltr"),
    ("Ceasefire holds (day 3)", "ltr"),
    ("علي الموسوي", "rtl"),
    ("وكالة الأنباء العراقية", "rtl"),
    ("سد الموصل", "rtl"),
    ("الهدنة صامدة (اليوم 3)", "rtl"),
];

/// Where `text` sits, the nearest element that decides its direction must
/// be `<bdi>`, `dir="auto"` or the text's own direction; the page's
/// direction does not count unless it is the text's own.
fn isolation_problems(page: &Page, path: &str) -> Vec<String> {
    let body = scraper::Selector::parse("body").unwrap();
    let Some(body) = page.html.select(&body).next() else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    for node in body.descendants() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        for (marker, direction) in UNKNOWN_DIRECTION {
            if !text.contains(marker) {
                continue;
            }
            let decider = node
                .ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .find(|e| e.value().name() == "bdi" || e.value().attr("dir").is_some())
                .expect("<html> has dir");
            let ok = decider.value().name() == "bdi"
                || matches!(decider.value().attr("dir"), Some(d) if d == "auto" || d == *direction);
            if !ok {
                problems.push(format!(
                    "{path}: `{marker}` inherits dir={:?} from <{}>",
                    decider.value().attr("dir"),
                    decider.value().name()
                ));
            }
        }
    }
    problems
}

#[test]
fn text_of_unknown_direction_is_isolated_on_every_page() {
    // An English name in an Arabic line, or the reverse, sits in <bdi> (or
    // carries its own dir) wherever a page shows it: bylines, sources, topic
    // labels, topic pages and indexes, cards, the front door and titles
    // shown in the other edition.
    let f = Site::new();
    f.story(Story::new("news/dam", "2021-12-10").ar("الهدنة صامدة (اليوم 3)").front("author: Jane Arraf\nsource: { name: Reuters, url: \"https://example.com/r\" }\ntags: [Mosul Dam, iraq]\n").en("Ceasefire holds (day 3)").front("author: علي الموسوي\nsource: { name: وكالة الأنباء العراقية }\ntags: [سد الموصل, iraq]\n"));
    f.story(
        Story::new("news/more", "2021-12-09")
            .ar("خبر آخر")
            .tags("[Mosul Dam, iraq]")
            .en("Another story")
            .tags("[سد الموصل, iraq]"),
    );
    let built = f.build();
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for path in built.html_pages() {
        let page = built.page(&path);
        problems.extend(isolation_problems(&page, &path));
        for (marker, _) in UNKNOWN_DIRECTION {
            if page.text("body").contains(marker) {
                *seen.entry(*marker).or_insert(0) += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // Every kind of text was actually on some pages.
    for (marker, _) in UNKNOWN_DIRECTION {
        assert!(
            seen.get(marker).copied().unwrap_or(0) >= 1,
            "`{marker}` is on no page"
        );
    }
    assert!(seen["Mosul Dam"] >= 5, "{seen:?}");
    // The check itself tells an isolated name from one that is not.
    let bare = Page::parse(
        "bare",
        "<html dir=\"rtl\"><body><p>بقلم Jane Arraf</p><p><bdi>Reuters</bdi></p></body></html>",
    );
    assert_eq!(
        isolation_problems(&bare, "bare"),
        ["bare: `Jane Arraf` inherits dir=Some(\"rtl\") from <html>"]
    );
}
