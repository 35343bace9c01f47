//! Several commands on one site at once: `digest build` with `digest
//! serve`, two `digest new`, a build while an editor saves. Nothing is
//! torn or corrupt, and where one must wait or lose, it says so clearly.
//! (Two builds at once, and builds killed half-way: `publish`.)

use std::process::{Child, Output};
use std::time::Duration;

use crate::common::{Site, Story};

fn wait_all(children: Vec<Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The files of `content/` an editor would not recognise: temporary files
/// left by a command.
fn leftovers(f: &Site) -> Vec<String> {
    walkdir::WalkDir::new(f.path("content"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path().display().to_string())
        .collect()
}

#[test]
fn two_digest_new_on_one_path_one_wins_and_the_other_is_refused() {
    let f = Site::new();
    for round in 0..8 {
        let slug = format!("news/same-{round}");
        let args = ["new", &slug, "--title", "Same story", "--lang", "en"];
        let outs = wait_all((0..2).map(|_| f.command(&args).spawn().unwrap()).collect());
        let won: Vec<&Output> = outs.iter().filter(|o| o.status.success()).collect();
        assert_eq!(won.len(), 1, "round {round}: {outs:?}");
        let lost = outs.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(lost.status.code(), Some(1));
        // Refused before writing (it saw the file) or when writing (both
        // checked at once): either way, one clear message, nothing replaced.
        let file = format!("content/{slug}.en.md");
        let seen = format!(
            "error: {file} already exists: the story is in `en` already\n  \
             help: digest new never replaces a file; edit that one, or choose another slug\n"
        );
        let raced = format!(
            "error: {file} already exists: it was written while this command ran\n  \
             help: digest new never replaces a file; edit that one, or choose another slug\n"
        );
        let text = stderr(lost);
        assert!(text == seen || text == raced, "round {round}: {text}");
        let written = f.read(&file);
        assert!(written.contains("Same story"), "{written}");
    }
    // Different paths at once: both written.
    let outs = wait_all(
        ["news/left", "news/right"]
            .iter()
            .map(|slug| {
                f.command(&["new", slug, "--title", "Both", "--lang", "en"])
                    .spawn()
                    .unwrap()
            })
            .collect(),
    );
    for out in &outs {
        assert!(out.status.success(), "{}", stderr(out));
    }
    assert!(f.exists("content/news/left.en.md") && f.exists("content/news/right.en.md"));
    assert_eq!(leftovers(&f), Vec::<String>::new());
    // Each story `new` wrote is whole: a draft that builds.
    let out = f.run(&["build", "--drafts", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = f.public();
    for slug in ["left", "right", "same-0", "same-7"] {
        assert_eq!(
            public
                .page(&format!("en/news/{slug}/index.html"))
                .text("h1"),
            if slug.starts_with("same") {
                "Same story"
            } else {
                "Both"
            }
        );
    }
}

/// A story's file with title `title` (the same length for every title the
/// tests use, so that size alone cannot tell versions apart).
fn version(title: &str) -> Story {
    Story::new("news/edited", "2021-12-10")
        .en(title)
        .body("The body, long enough to be read in more than one piece.")
}

#[test]
fn a_half_written_save_is_reported_and_never_published() {
    // An editor's save, cut short (the file truncated and half of it
    // written when the build reads it): the build fails saying what is
    // wrong, public/ stays whole; the finished save publishes.
    let f = Site::new().stories(2);
    f.story(version("Version A"));
    f.build();
    let published = f.public();
    f.story(version("Version B"));
    let whole = f.read("content/news/edited.en.md");
    let half = &whole[..whole.len() / 3];
    assert!(!half.contains("\n---\n"), "cut inside the front matter");
    f.write("content/news/edited.en.md", half);
    let out = f.run(&["build", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: content/news/edited.en.md:1:1: the front matter is not closed\n  \
         help: add a line `---` after the last front matter line, before the article's text\n\
         build failed with 1 error; the output was not changed\n"
    );
    assert!(f.public() == published);
    f.write("content/news/edited.en.md", &whole);
    let built = f.build();
    assert_eq!(
        built.page("en/news/edited/index.html").text("h1"),
        "Version B"
    );
}

#[test]
fn a_save_during_a_build_is_published_whole_now_or_by_the_next_build() {
    // Saves land while `digest build` runs, at varying moments; each build
    // publishes the old or the new story, never a mix, and the next build
    // always publishes the last save (same size, same second: the content
    // decides).
    let f = Site::new().stories(12);
    f.story(version("Version A"));
    f.build();
    let titles = ["Version A", "Version B"];
    for round in 0..8 {
        let (old, new) = (titles[round % 2], titles[(round + 1) % 2]);
        let build = f.command(&["build", "--quiet"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(25 * round as u64));
        f.story(version(new));
        let out = build.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let shown = f.public().page("en/news/edited/index.html").text("h1");
        assert!(shown == old || shown == new, "round {round}: {shown}");
        let out = f.run(&["build", "--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let page = f.public().page("en/news/edited/index.html");
        assert_eq!(page.text("h1"), new, "round {round}");
        assert_eq!(page.text("title").split(" · ").next(), Some(new));
    }
}
