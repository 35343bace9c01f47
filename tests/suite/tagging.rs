//! Tags as editors type them: a list written with Arabic commas (`،`), a
//! comma inside a topic or `tags:` as one piece of text would each make one
//! made-up topic of several, so each is an error showing the list meant; a
//! new label a letter or two away from a topic of tags.yaml gets a "did you
//! mean", a key-like word one letter off a key is an unknown key, and the
//! "used by only one story" warning is for new labels only.

use crate::common::{Site, Story, TAGS, warnings};

/// A published story about Iraq and US forces in both editions.
fn site() -> Site {
    let f = Site::new();
    f.story(Story::withdrawal());
    f
}

/// A story of one edition, `content/news/{name}` (`a.ar.md`), with `tags`
/// as written after `tags: `.
fn story(f: &Site, name: &str, tags: &str) {
    let (stem, lang) = name
        .strip_suffix(".md")
        .and_then(|n| n.rsplit_once('.'))
        .expect("a name like a.ar.md");
    f.story(
        Story::new(&format!("news/{stem}"), "2026-11-29")
            .edition(lang, "Story")
            .tags(tags)
            .body("Text."),
    );
}

#[test]
fn commas_inside_a_topic_or_tags_as_one_string_are_errors_showing_the_list_meant() {
    // `tags: [العراق، الأنبار، داعش]` is one topic to YAML, and so are
    // `tags: Iraq, anbar, ISIS` and a block entry holding a comma.
    let f = site();
    let before = f.build().into_files();
    story(&f, "a.ar.md", "[العراق، الأنبار، داعش]");
    story(&f, "b.en.md", "Iraq, anbar, ISIS");
    story(&f, "c.en.md", "\n  - Iraq\n  - \"Anbar, Ramadi\"");
    story(&f, "d.en.md", "iraq");
    story(&f, "e.en.md", "[Iraq, \"US: forces، bases\"]");
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/a.ar.md:4:8: the topic `العراق، الأنبار، داعش` holds a comma (`،`), so it would be one topic\n  help: write each topic as its own entry: `tags: [العراق, الأنبار, داعش]` (a topic whose name holds a comma needs a key in content/tags.yaml)",
            "error: content/news/b.en.md:4:7: `tags` must be a list: as written, `Iraq, anbar, ISIS` would be one topic\n  help: write `tags: [Iraq, anbar, ISIS]`",
            "error: content/news/c.en.md:6:6: the topic `Anbar, Ramadi` holds a comma (`,`), so it would be one topic\n  help: write each topic as its own entry: `tags: [Iraq, Anbar, Ramadi]` (a topic whose name holds a comma needs a key in content/tags.yaml)",
            "error: content/news/d.en.md:4:7: `tags` must be a list: as written, `iraq` would be one topic\n  help: write `tags: [iraq]`",
            "error: content/news/e.en.md:4:15: the topic `US: forces، bases` holds a comma (`،`), so it would be one topic\n  help: write each topic as its own entry: `tags: [Iraq, \"US: forces\", bases]` (a topic whose name holds a comma needs a key in content/tags.yaml)",
        ]
    );
    assert!(f.public() == before, "the published site changed");
    assert!(!f.exists("public/ar/tags/العراق-الأنبار-داعش"));
}

#[test]
fn a_new_label_a_letter_or_two_off_a_known_topic_gets_a_did_you_mean() {
    // `العرق` for `العراق`, `Iraqi` for `Iraq`: a warning at the tag naming
    // the topic and its key, instead of "used by only one story".
    let f = site();
    story(&f, "a.ar.md", "[العرق]");
    story(&f, "b.en.md", "[Iraqi]");
    story(&f, "c.ar.md", "[القوات الامريكيه]");
    let report = f.build().report;
    assert_eq!(
        warnings(&report),
        [
            "warning: content/news/a.ar.md:4:8: the topic `العرق` is not in content/tags.yaml, which has a topic spelled almost the same\n  help: did you mean `العراق` (iraq)? If `العرق` is a topic of its own, add it to content/tags.yaml",
            "warning: content/news/b.en.md:4:8: the topic `Iraqi` is not in content/tags.yaml, which has a topic spelled almost the same\n  help: did you mean `Iraq` (iraq)? If `Iraqi` is a topic of its own, add it to content/tags.yaml",
            "warning: content/news/c.ar.md:4:8: the topic `القوات الامريكيه` is not in content/tags.yaml, which has a topic spelled almost the same\n  help: did you mean `القوات الأميركية` (us-forces)? If `القوات الامريكيه` is a topic of its own, add it to content/tags.yaml",
        ]
    );
}

#[test]
fn a_key_like_word_one_letter_off_a_key_is_an_unknown_key() {
    // `iraqq` is a mistyped key, an error like `us-forcez`; `Mosul` and
    // `mosul` are new topics.
    let f = site();
    story(&f, "a.en.md", "[iraqq, us-forcez, mosul]");
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/a.en.md:4:8: unknown topic key `iraqq`\n  help: did you mean `iraq`? Topic keys are defined in content/tags.yaml; if `iraqq` is a topic of its own, add it there, or write its label with a capital letter",
            "error: content/news/a.en.md:4:15: unknown topic key `us-forcez`\n  help: did you mean `us-forces`? Topic keys are defined in content/tags.yaml",
            "warning: content/news/a.en.md:4:26: the topic `mosul` is used by only one story\n  help: check its spelling against the other topics, or ignore this if it is a new topic",
        ]
    );
}

#[test]
fn only_new_labels_are_said_to_be_used_by_one_story() {
    // A topic of tags.yaml that one story uses is meant; a new label one
    // story uses may be a typo. Said once per build, however often built.
    let f = Site::new();
    f.write(
        "content/tags.yaml",
        &format!("{}anbar:\n  ar: الأنبار\n  en: Anbar\n", TAGS),
    );
    for (lang, tags) in [("ar", "[العراق, الأنبار]"), ("en", "[Iraq, Anbar]")] {
        story(&f, &format!("one.{lang}.md"), tags);
    }
    story(&f, "two.ar.md", "[العراق, الموصل]");
    story(&f, "three.ar.md", "[العراق]");
    let expected = [
        "warning: content/news/two.ar.md:4:16: the topic `الموصل` is used by only one story\n  help: check its spelling against the other topics, or ignore this if it is a new topic",
    ];
    assert_eq!(warnings(&f.build().report), expected);
    assert_eq!(
        warnings(&f.build().report),
        expected,
        "the next build says it once too"
    );
}

#[test]
fn a_scheduled_story_s_unknown_key_is_an_error_before_its_time() {
    // The build that would publish an embargoed story must not be the one
    // that finds its mistyped key.
    let f = site();
    f.story(
        Story::new("news/later", "2099-01-01")
            .en("Later")
            .tags("[iraq, us-forcez]")
            .body("Text."),
    );
    assert_eq!(
        f.build_errors(),
        [
            "error: content/news/later.en.md:4:14: unknown topic key `us-forcez`\n  help: did you mean `us-forces`? Topic keys are defined in content/tags.yaml"
        ]
    );
}
