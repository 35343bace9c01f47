//! Incremental builds: whatever changes, the published site is byte-for-byte
//! what a cold build of the same sources produces, and unchanged pages are
//! not rendered again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::{CONFIG, Files, Rng, Site, Story, TAGS};

/// Topics as editors write them: by key, by label, with spelling variants
/// and labels no key claims.
const AR_TOPICS: &[&str] = &[
    "iraq",
    "us-forces",
    "العراق",
    "القوات الأميركية",
    "القوات الاميركية",
    "الحوار الإستراتيجي",
    "الحوار الاستراتيجي",
    "الموصل",
];
const EN_TOPICS: &[&str] = &[
    "iraq",
    "us-forces",
    "Iraq",
    "US forces",
    "us forces",
    "Mosul",
    "militias",
    "Strategic dialogue",
];

/// The articles present, as (section, stem, lang).
fn articles(f: &Site) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for section in ["news", "analysis"] {
        let Ok(entries) = std::fs::read_dir(f.path(&format!("content/{section}"))) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem_lang) = name.strip_suffix(".md") {
                let (stem, lang) = stem_lang.rsplit_once('.').unwrap();
                found.push((section.to_string(), stem.to_string(), lang.to_string()));
            }
        }
    }
    found.sort();
    found
}

fn write_article(f: &Site, rng: &mut Rng, section: &str, stem: &str, lang: &str) {
    let day = 1 + rng.next() % 28;
    let month = 1 + rng.next() % 12;
    let topics = if lang == "ar" { AR_TOPICS } else { EN_TOPICS };
    let tags: Vec<String> = (0..1 + rng.next() % 3)
        .map(|_| format!("\"{}\"", rng.pick(topics)))
        .collect();
    let words = [
        "واشنطن",
        "بغداد",
        "forces",
        "dialogue",
        "الحوار",
        "Iraq",
        "2500",
        "«اقتباس»",
    ];
    let body: Vec<&str> = (0..20 + rng.next() % 80)
        .map(|_| *rng.pick(&words))
        .collect();
    let extra = if rng.next().is_multiple_of(4) {
        "summary: \"A summary\"\n"
    } else {
        ""
    };
    f.story(
        Story::new(
            &format!("{section}/{stem}"),
            &format!("2021-{month:02}-{day:02}"),
        )
        .edition(lang, &format!("{stem} {}", rng.next() % 1000))
        .tags(&format!("[{}]", tags.join(", ")))
        .front(extra)
        .body(&format!(
            "{}\n\n## Heading\n\n> {}",
            body.join(" "),
            body[0]
        )),
    );
}

/// One random change of the kind editors make.
fn change(f: &Site, rng: &mut Rng, round: usize) -> String {
    let present = articles(f);
    match rng.next() % 10 {
        0..=2 if !present.is_empty() => {
            let (section, stem, lang) = rng.pick(&present).clone();
            write_article(f, rng, &section, &stem, &lang);
            format!("edit {section}/{stem}.{lang}")
        }
        3 | 4 => {
            let section = *rng.pick(&["news", "analysis"]);
            let stem = format!("new-{round}");
            for lang in ["ar", "en"] {
                if lang == "ar" || rng.next().is_multiple_of(2) {
                    write_article(f, rng, section, &stem, lang);
                }
            }
            format!("add {section}/{stem}")
        }
        5 if present.len() > 3 => {
            let (section, stem, lang) = rng.pick(&present).clone();
            f.remove(&format!("content/{section}/{stem}.{lang}.md"));
            format!("delete {section}/{stem}.{lang}")
        }
        6 if !present.is_empty() => {
            let (section, stem, lang) = rng.pick(&present).clone();
            let to = format!("renamed-{round}");
            std::fs::rename(
                f.path(&format!("content/{section}/{stem}.{lang}.md")),
                f.path(&format!("content/{section}/{to}.{lang}.md")),
            )
            .unwrap();
            format!("rename {section}/{stem}.{lang} to {to}")
        }
        7 => {
            let label = format!("القوات الأميركية {round}");
            f.write(
                "content/tags.yaml",
                &TAGS.replace("القوات الأميركية", &label),
            );
            format!("relabel a topic: {label}")
        }
        8 => {
            let css = std::fs::read_to_string(f.path("themes/default/static/style.css")).unwrap();
            f.write(
                "themes/default/static/style.css",
                &format!("{css}\n/* {round} */\n"),
            );
            "edit the stylesheet".to_string()
        }
        _ => {
            let paginate = 2 + rng.next() % 3;
            f.write(
                "digest.yaml",
                &CONFIG.replace("paginate: 3", &format!("paginate: {paginate}")),
            );
            format!("paginate {paginate}")
        }
    }
}

/// A site of 12 stories in both languages.
fn random_site(rng: &mut Rng) -> Site {
    let f = Site::new();
    for i in 0..12 {
        let section = if i % 3 == 0 { "analysis" } else { "news" };
        for lang in ["ar", "en"] {
            write_article(&f, rng, section, &format!("story-{i}"), lang);
        }
    }
    f
}

/// The paths whose incremental output differs from the cold build's.
fn differences(incremental: &Files, expected: &Files) -> Vec<String> {
    expected
        .paths()
        .chain(incremental.paths())
        .filter(|p| expected.get(p) != incremental.get(p))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn incremental_builds_equal_cold_builds_after_random_changes() {
    // Edits, additions, deletions, renames, topic labels, theme and config
    // changes, in random order: every incremental build publishes exactly
    // the bytes a cold build would.
    let mut rng = Rng(2021);
    let f = random_site(&mut rng);
    f.build();
    for round in 0..25 {
        let mut done = Vec::new();
        for _ in 0..1 + rng.next() % 3 {
            done.push(change(&f, &mut rng, round));
        }
        let built = f.build();
        let differing = differences(&built, &f.cold_build(&f.options()));
        assert!(
            differing.is_empty(),
            "round {round} ({}): these files differ from a cold build: {differing:?}",
            done.join("; ")
        );
    }
}

/// An edit that leaves an article where it is: a new title, summary or
/// paragraph (its date, address and topics stay).
fn retext(f: &Site, rng: &mut Rng, round: usize) -> String {
    let present = articles(f);
    let (section, stem, lang) = rng.pick(&present).clone();
    let rel = format!("content/{section}/{stem}.{lang}.md");
    let text = f.read(&rel);
    let (edited, what) = match rng.next() % 3 {
        0 => (
            text.replacen("title: \"", &format!("title: \"{round} "), 1),
            "retitle",
        ),
        1 if !text.contains("summary:") => (
            text.replacen(
                "\n---\n",
                &format!("\nsummary: \"In short {round}\"\n---\n"),
                1,
            ),
            "summarize",
        ),
        _ => (
            format!("{text}\nA correction, revision {round}: بغداد.\n"),
            "rewrite",
        ),
    };
    f.write(&rel, &edited);
    format!("{what} {section}/{stem}.{lang}")
}

/// The site's sources (relative to its folder) with their bytes.
fn sources(f: &Site) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for folder in ["content", "themes"] {
        for (path, bytes) in f.files(folder).into_map() {
            all.insert(Path::new(folder).join(path), bytes);
        }
    }
    all.insert(
        "digest.yaml".into(),
        std::fs::read(f.path("digest.yaml")).unwrap(),
    );
    all
}

#[test]
fn builds_told_what_changed_equal_cold_builds_after_random_changes() {
    // As `digest serve` builds: in memory, told by the file watcher which
    // files changed, so content/ is not walked again when only known files
    // changed. Changed files get an old, distinct modification time, so
    // only the told change (not a recent time) can make the build read
    // them again.
    let mut rng = Rng(1958);
    let f = random_site(&mut rng);
    let mut preview = f.in_memory();
    preview.build(None).unwrap();
    let mut before = sources(&f);
    let mut walked_less = 0;
    for round in 0..30 {
        let mut done = Vec::new();
        for _ in 0..1 + rng.next() % 2 {
            // Half the changes only retitle or rewrite articles, as an editor
            // at work does most: such builds patch the last site model.
            done.push(if rng.next().is_multiple_of(2) {
                retext(&f, &mut rng, round)
            } else {
                change(&f, &mut rng, round)
            });
        }
        let after = sources(&f);
        let changed: Vec<PathBuf> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let old =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000 + round as u64);
        for path in changed.iter().filter(|p| after.contains_key(*p)) {
            std::fs::File::options()
                .append(true)
                .open(f.path(&path.to_string_lossy()))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        walked_less += usize::from(
            changed
                .iter()
                .all(|p| before.contains_key(p) && after.contains_key(p)),
        );
        preview
            .build(Some(&changed))
            .unwrap_or_else(|e| panic!("round {round}: the build failed:\n{e}"));
        let differing = differences(&preview.files(), &f.cold_build(&f.options()));
        assert!(
            differing.is_empty(),
            "round {round} ({}): these files differ from a cold build: {differing:?}",
            done.join("; ")
        );
        before = after;
    }
    assert!(
        walked_less >= 15,
        "only {walked_less} rounds changed known files only"
    );
}

#[test]
fn a_build_with_nothing_changed_leaves_the_output_alone() {
    // The second build finds every fingerprint unchanged and does not even stage.
    let f = Site::new();
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("A")
            .tags("[iraq]")
            .body("a"),
    );
    // Nor does it save its build cache again.
    let saved = |f: &Site| -> BTreeMap<String, u64> {
        use std::os::unix::fs::MetadataExt;
        std::fs::read_dir(f.path(".digest-cache/public"))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().ino())
            })
            .collect()
    };
    f.build();
    let before = saved(&f);
    assert!(before.contains_key("articles.bin"), "{before:?}");
    let built = f.build();
    assert!(built.report.up_to_date, "{:?}", built.report);
    assert!(built.report.written.is_empty());
    assert_eq!(saved(&f), before);
    // An edit saves the parses again.
    f.story(
        Story::new("news/a", "2021-12-10")
            .en("A")
            .tags("[iraq]")
            .body("b"),
    );
    f.build();
    assert_ne!(saved(&f)["articles.bin"], before["articles.bin"]);
}

#[test]
fn editing_one_article_rerenders_only_the_pages_that_show_it() {
    // A body edit touches its page, the lists, topic pages and feeds that show
    // it, the translation's switcher does not change, the rest is kept.
    let f = Site::new();
    for i in 1..=9 {
        f.story(
            Story::new(&format!("news/s{i}"), &format!("2021-12-0{i}"))
                .en(&format!("Story {i}"))
                .tags("[iraq]")
                .body("text")
                .ar(&format!("خبر {i}"))
                .body("نص"),
        );
    }
    f.build();
    f.story(
        Story::new("news/s1", "2021-12-01")
            .en("Story 1")
            .tags("[iraq]")
            .body("changed text"),
    );
    let built = f.build();
    let written: Vec<&str> = built.report.written.iter().map(String::as_str).collect();
    assert!(written.contains(&"en/news/s1/index.html"), "{written:?}");
    assert!(
        written.contains(&"en/atom.xml") && written.contains(&"en/tags/iraq/atom.xml"),
        "{written:?}"
    );
    assert!(
        !written.contains(&"ar/news/s1/index.html"),
        "the translation shows nothing that changed: {written:?}"
    );
    assert!(
        !written.iter().any(|p| p.starts_with("en/news/s2/")),
        "{written:?}"
    );
    assert!(
        written.len() < built.report.files / 3,
        "{} of {} files rewritten: {written:?}",
        written.len(),
        built.report.files
    );
    assert!(
        built.report.parsed == 1,
        "only the edited file is parsed again: {:?}",
        built.report
    );
}
