//! The editor's commands, driven through the `digest` binary as an editor
//! types them: `init`, `new` (and `new --translate`), `check` (and
//! `--external`, against servers started here on 127.0.0.1), `list` and
//! `theme copy`, with the exact output of each success and each error.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{CONFIG, Site, Story, TAGS, repo};

/// What a command did: exit code, stdout, stderr.
#[derive(Debug)]
struct Ran {
    code: i32,
    out: String,
    err: String,
}

impl Ran {
    fn ok(self) -> Ran {
        assert_eq!(
            self.code, 0,
            "the command failed:\n{}{}",
            self.out, self.err
        );
        self
    }
}

/// Runs `digest ARGS` in the folder `rel` of the site's folder ("" for
/// itself), with the clock in Baghdad and no terminal width given.
fn run_in(site: &Site, rel: &str, args: &[&str]) -> Ran {
    let out = site
        .command(args)
        .current_dir(site.path(rel))
        .env("TZ", "Asia/Baghdad")
        .env_remove("COLUMNS")
        .output()
        .expect("digest runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8(out.stdout).unwrap(),
        err: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(site: &Site, args: &[&str]) -> Ran {
    run_in(site, "", args)
}

/// A site with the two editions of [`CONFIG`] in Baghdad's time zone and
/// no theme folder: it is built with the built-in theme.
fn site() -> Site {
    let site = Site::bare();
    site.write("digest.yaml", &config())
        .write("content/tags.yaml", TAGS);
    site
}

/// [`CONFIG`] (which names `news/`) with the site's clock in Baghdad.
fn config() -> String {
    format!("{CONFIG}timezone: Asia/Baghdad\n")
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_bilingual_site_that_builds_at_once() {
    // The Done-when of the issue: init, new, check, build, with only the binary.
    let d = Site::bare();
    let init = run(&d, &["init", "site"]).ok();
    assert_eq!(
        init.out,
        "created a bilingual site in site:
  digest.yaml
  content/tags.yaml
  content/news/welcome.ar.md
  content/news/welcome.en.md
  content/about.ar.md
  content/about.en.md
  .gitignore
next:
  cd site
  digest serve
"
    );
    assert_eq!(init.err, "");
    assert!(!d.exists("site/themes"), "the site uses the built-in theme");
    let config = d.read("site/digest.yaml");
    assert!(
        config.contains("timezone: Asia/Baghdad\n"),
        "the system's time zone: {config}"
    );
    let new = run_in(&d, "site", &["new", "news/first", "--title", "أول خبر"]).ok();
    assert_eq!(new.out, "content/news/first.ar.md\n");
    let check = run_in(&d, "site", &["check"]).ok();
    assert_eq!(check.err, "");
    run_in(&d, "site", &["build"]).ok();
    // Both editions, Arabic right to left; the first story and its translation link each other.
    let public = d.files("site/public");
    // check counts what build writes: the pages, feeds and theme files, and
    // each edition's search index.
    assert_eq!(
        check.out,
        format!(
            "checked 4 articles and {} files: no problems\n",
            public.len()
        )
    );
    for lang in ["ar", "en"] {
        let search = public.page(&format!("{lang}/search/"));
        assert_eq!(
            search.attr("form.search", "data-bundle"),
            format!("/pagefind/{lang}/")
        );
        assert!(public.exists(&format!("pagefind/{lang}/pagefind-entry.json")));
    }
    let ar = public.page("ar/news/welcome/");
    let en = public.page("en/news/welcome/");
    assert_eq!(
        (ar.attr("html", "lang"), ar.attr("html", "dir")),
        ("ar".into(), "rtl".into())
    );
    assert_eq!(
        (en.attr("html", "lang"), en.attr("html", "dir")),
        ("en".into(), "ltr".into())
    );
    assert_eq!(ar.text("h1"), "أهلًا بكم في الموجز");
    assert_eq!(en.text("h1"), "Welcome to The Digest");
    assert_eq!(ar.attr(".translation a", "href"), "/en/news/welcome/");
    assert_eq!(en.attr(".translation a", "href"), "/ar/news/welcome/");
    assert!(
        d.exists("site/public/ar/about/index.html") && d.exists("site/public/en/about/index.html")
    );
    assert!(
        !d.exists("site/public/ar/news/first/index.html"),
        "the new story is a draft"
    );
    // The to-translate queue is the new story alone.
    let queue = run_in(&d, "site", &["list", "--missing", "en"]).ok();
    let day = &queue.out[..10];
    assert_eq!(
        queue.out,
        format!("{day}  news  first  ar draft  en missing\n")
    );
    let gitignore = d.read("site/.gitignore");
    let lines: Vec<&str> = gitignore.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, ["/public/", "/.digest-cache/"]);
}

#[test]
fn init_refuses_a_folder_that_holds_a_site() {
    // Nothing is overwritten: the second init fails and leaves the site as it was.
    let d = Site::bare();
    run(&d, &["init", "site"]).ok();
    d.write("site/digest.yaml", "edited\n");
    let again = run(&d, &["init", "site"]);
    assert_eq!(again.code, 1);
    assert_eq!(
        again.err,
        "error: site already holds a site (site/digest.yaml exists)\n  help: digest init never overwrites a site; start the new one in another folder, e.g. `digest init site-2`\n"
    );
    assert_eq!(d.read("site/digest.yaml"), "edited\n");
    std::fs::create_dir_all(d.path("other/content")).unwrap();
    let content = run_in(&d, "other", &["init"]);
    assert_eq!(content.code, 1);
    assert_eq!(
        content.err,
        "error: . already holds a site (./content exists)\n  help: digest init never overwrites a site; start the new one in another folder, e.g. `digest init site-2`\n"
    );
}

#[test]
fn init_in_a_repository_adds_to_its_gitignore() {
    // A fresh repository's .gitignore is kept, and given the lines it lacks.
    let d = Site::bare();
    d.write("repo/.gitignore", "/target\n/public\n");
    let init = run_in(&d, "repo", &["init"]).ok();
    assert!(init.out.contains("added /.digest-cache/ to .gitignore\nnext:\n  digest new news/first-story --title \"…\"\n  digest serve\n"), "{}", init.out);
    assert!(!init.out.contains("  .gitignore\n"));
    assert!(
        d.read("repo/.gitignore")
            .starts_with("/target\n/public\n# What digest builds write")
    );
    assert!(d.read("repo/.gitignore").ends_with("\n/.digest-cache/\n"));
    run_in(&d, "repo", &["build"]).ok();
}

// ---------------------------------------------------------------- new

#[test]
fn new_starts_a_draft_from_the_built_in_archetype() {
    // The default language's file, the title set, `date` now on the site's clock, `draft: true`.
    let d = site();
    let before = jiff::Timestamp::now().as_second();
    let ran = run(
        &d,
        &["new", "news/ceasefire-talks", "--title", "محادثات: هدنة"],
    )
    .ok();
    assert_eq!(ran.out, "content/news/ceasefire-talks.ar.md\n");
    let written_text = d.read("content/news/ceasefire-talks.ar.md");
    let date = written_text
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .unwrap();
    assert!(date.ends_with("+03:00"), "{date}");
    let written: jiff::Timestamp = date.parse().unwrap();
    assert!(
        (before - 1..=before + 60).contains(&written.as_second()),
        "{date}"
    );
    let theme =
        std::fs::read_to_string(repo().join("themes/default/archetypes/article.md")).unwrap();
    let expected = theme
        .replace("title:\n", "title: \"محادثات: هدنة\"\n")
        .replace("date:\n", &format!("date: {date}\n"));
    assert_eq!(written_text, expected);
    // A draft: checked, listed, not published.
    assert_eq!(run(&d, &["check"]).ok().err, "");
    run(&d, &["build"]).ok();
    assert!(!d.exists("public/ar/news/ceasefire-talks/index.html"));
    d.write(
        "content/news/ceasefire-talks.ar.md",
        &written_text.replace("draft: true\n", ""),
    );
    run(&d, &["build"]).ok();
    assert_eq!(
        d.public().page("ar/news/ceasefire-talks/").text("h1"),
        "محادثات: هدنة"
    );
}

#[test]
fn new_writes_each_language_asked_for_with_its_title() {
    // `--lang ar,en` with a title per language; without titles, one made from the slug.
    let d = site();
    let ran = run(
        &d,
        &[
            "new",
            "news/oil",
            "--lang",
            "ar,en",
            "--title",
            "النفط",
            "--title",
            "Oil",
        ],
    )
    .ok();
    assert_eq!(ran.out, "content/news/oil.ar.md\ncontent/news/oil.en.md\n");
    assert!(
        d.read("content/news/oil.ar.md")
            .contains("\ntitle: \"النفط\"\n")
    );
    assert!(
        d.read("content/news/oil.en.md")
            .contains("\ntitle: \"Oil\"\n")
    );
    run(&d, &["new", "news/basra-exports.en.md"]).ok();
    assert!(
        d.read("content/news/basra-exports.en.md")
            .contains("\ntitle: \"Basra exports\"\n")
    );
    run(&d, &["new", "contact", "--lang", "en"]).ok();
    assert!(
        d.exists("content/contact.en.md"),
        "a slug alone is a standalone page"
    );
    let listed = run(&d, &["list", "--drafts"]).ok().out;
    assert_eq!(listed.lines().count(), 3, "{listed}");
}

#[test]
fn new_refuses_what_it_cannot_write_and_writes_nothing() {
    // An existing file, an unsafe slug, an unknown language, a title count that does not match.
    let d = site();
    d.write(
        "content/news/oil.md",
        "---\ntitle: \"نفط\"\ndate: 2021-12-10\n---\nنص.\n",
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["new", "news/oil", "--lang", "en,ar"],
            "error: content/news/oil.md already exists: the story is in `ar` already\n  help: digest new never replaces a file; edit that one, or choose another slug\n",
        ),
        (
            &["new", "news/oil and gas"],
            "error: `news/oil and gas`: the slug `oil and gas` contains a space, which is not safe in a URL\n  help: write the story as <section>/<slug>, with letters, digits and hyphens, e.g. `digest new news/ceasefire-talks`\n",
        ),
        (
            &["new", "new?s/oil-2"],
            "error: `new?s/oil-2`: the folder name `new?s` contains `?`, which is not safe in a URL\n  help: write the story as <section>/<slug>, with letters, digits and hyphens, e.g. `digest new news/ceasefire-talks`\n",
        ),
        (
            &["new", "news/oil-2", "--lang", "ar,eng"],
            "error: `eng` is not one of the site's languages\n  help: did you mean `en`?\n",
        ),
        (
            &[
                "new",
                "news/oil-2",
                "--lang",
                "ar,en",
                "--title",
                "a",
                "--title",
                "b",
                "--title",
                "c",
            ],
            "error: 3 titles for 2 languages\n  help: give one --title for every language, or one per language in the order of --lang\n",
        ),
    ];
    for (args, expected) in cases {
        let ran = run(&d, args);
        assert_eq!(
            (ran.code, ran.err.as_str(), ran.out.as_str()),
            (1, expected, ""),
            "{args:?}"
        );
    }
    assert_eq!(d.files("content").len(), 2, "nothing was written");
    let outside = Site::bare();
    let ran = run(&outside, &["new", "news/x"]);
    assert_eq!(
        ran.err,
        "error: no digest.yaml in .\n  help: run digest in the site's folder, or point to it with --root\n"
    );
}

#[test]
fn the_sites_archetypes_come_first_the_most_specific_first() {
    // archetypes/news.en.md for English news, archetypes/article.md for the rest.
    let d = site();
    d.write("archetypes/article.md", "---\nauthor: Desk\n---\nText.\n");
    d.write(
        "archetypes/news.en.md",
        "---\ntitle: x\nauthor: News desk\ndraft: false\n---\nNews.\n",
    );
    run(&d, &["new", "news/a", "--lang", "ar,en", "--title", "T"]).ok();
    let date = |text: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix("date: "))
            .unwrap()
            .to_string()
    };
    let ar = d.read("content/news/a.ar.md");
    assert_eq!(
        ar,
        format!(
            "---\ntitle: \"T\"\ndate: {}\ndraft: true\nauthor: Desk\n---\nText.\n",
            date(&ar)
        )
    );
    let en = d.read("content/news/a.en.md");
    assert_eq!(
        en,
        format!(
            "---\ntitle: \"T\"\ndate: {}\nauthor: News desk\ndraft: true\n---\nNews.\n",
            date(&en)
        )
    );
    // An archetype the build would reject writes nothing.
    d.write("archetypes/article.md", "---\nauthr: Desk\n---\n");
    let ran = run(&d, &["new", "news/b"]);
    assert_eq!(ran.code, 1);
    assert_eq!(
        ran.err,
        "error: content/news/b.ar.md:5:1: unknown front matter key `authr`\n  help: the story was made from archetypes/article.md; correct the archetype (did you mean `author`?)\n"
    );
    assert!(!d.exists("content/news/b.ar.md"));
}

#[test]
fn translate_starts_the_missing_version_with_topics_and_picture() {
    // Same file name in the other language; topics as its labels, the picture, no title.
    let d = site();
    d.story(
        Story::new("news/talks", "2021-12-10").ar("محادثات").front(
            "tags: [العراق, us-forces, الحشد الشعبي]\nimage: { src: photo.jpg, alt: جنود }\n",
        ),
    );
    std::fs::write(
        d.path("content/news/photo.jpg"),
        crate::common::pictures::camera_jpeg(64, 48, 1),
    )
    .unwrap();
    // Another story on the same topics, so that none is used by one story only.
    d.story(
        Story::new("news/more", "2021-12-09")
            .ar("المزيد")
            .tags("[iraq, us-forces, الحشد الشعبي]"),
    );
    let ran = run(&d, &["new", "--translate", "content/news/talks.ar.md"]).ok();
    assert_eq!(ran.out, "content/news/talks.en.md\n");
    assert_eq!(
        ran.err,
        "the title, the text and the picture's `alt` are left for the translator; the story stays a draft until `draft: true` is removed\n"
    );
    let en = d.read("content/news/talks.en.md");
    let date = en.lines().find_map(|l| l.strip_prefix("date: ")).unwrap();
    let front: String = en
        .split("---\n")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| {
            !l.starts_with("# `digest new`")
                && !l.starts_with("# `draft")
                && !l.starts_with("# summary")
                && !l.starts_with("# author")
                && !l.starts_with("# source")
                && !l.starts_with("# tags: [iraq]")
                && !l.starts_with("# image: { src: photo.jpg, alt: … }")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        front,
        format!(
            "# ar: محادثات\ntitle: \"\"\ndate: {date}\ndraft: true\n# topics of the ar version with no en label in content/tags.yaml: الحشد الشعبي\ntags: [\"Iraq\", \"US forces\"]\n# alt (ar): جنود\nimage: {{ src: \"photo.jpg\" }}\n"
        )
    );
    // Valid: the empty title of a draft and the missing alt are warnings, the to-dos.
    let check = run(&d, &["check"]).ok();
    assert_eq!(
        check.err,
        "warning: content/news/talks.en.md:5:1: the draft has no title yet\n  help: write the headline after `title:` before publishing it\n\
         warning: content/news/talks.en.md:11:1: the image has no `alt` text\n  help: describe the picture in `alt` for readers who cannot see it; `alt: \"\"` marks a picture that is only decoration\n"
    );
    assert_eq!(
        run(&d, &["list"]).ok().out,
        "2021-12-10  news  talks  ar published  en draft\n2021-12-09  news  more   ar published  en missing\n"
    );
    let again = run(&d, &["new", "--translate", "content/news/talks.ar.md"]);
    assert_eq!(again.code, 1);
    assert_eq!(
        again.err,
        "error: content/news/talks.ar.md is already in every language of the site\n  help: edit the translation that is there, or add a language to digest.yaml\n"
    );
    let missing = run(&d, &["new", "--translate", "content/news/nothing.ar.md"]);
    assert_eq!(
        missing.err,
        "error: content/news/nothing.ar.md does not exist\n  help: give the story's file, e.g. `digest new --translate content/news/x.ar.md`\n"
    );
}

// ---------------------------------------------------------------- check

/// A site with a problem of each kind the build reports.
fn broken_site() -> Site {
    let d = site();
    d.write(
        "content/news/a.en.md",
        "---\ntitle: A\ndate: 2021-12-10\nupdated: 2021-12-01\ntags: [us-forcez]\n---\nText.\n",
    );
    d.write(
        "content/news/b.en.md",
        "---\ntitle: B\ndate: 2021-13-01\n---\nText.\n",
    );
    d
}

#[test]
fn check_reports_what_a_build_would_and_writes_nothing() {
    // The build's own messages, errors first; exit 1; no public/, no cache.
    let d = broken_site();
    let ran = run(&d, &["check"]);
    assert_eq!(ran.code, 1);
    assert_eq!(ran.out, "");
    let build = run(&d, &["build"]);
    let expected_problems = "error: content/news/a.en.md:5:8: unknown topic key `us-forcez`\n  help: did you mean `us-forces`? Topic keys are defined in content/tags.yaml\n\
error: content/news/b.en.md:3:7: `2021-13-01` is not a real date or time: there is no month 13\n  help: write the date as YYYY-MM-DD, or with a time as YYYY-MM-DDTHH:MM (optionally with an offset such as +03:00)\n\
warning: content/news/a.en.md:4:10: `updated` (2021-12-01T00:00:00+03:00) is earlier than `date` (2021-12-10T00:00:00+03:00)\n  help: `updated` is when the story last changed, after `date`; correct it, or remove it\n";
    assert_eq!(
        ran.err,
        format!("{expected_problems}found 2 errors and 1 warning\n")
    );
    let mut build_lines: Vec<&str> = build.err.lines().collect();
    build_lines.pop();
    let mut check_lines: Vec<&str> = ran.err.lines().collect();
    check_lines.pop();
    build_lines.sort();
    check_lines.sort();
    assert_eq!(check_lines, build_lines, "the same problems as the build");
    std::fs::remove_dir_all(d.path(".digest-cache")).ok();
    run(&d, &["check"]);
    assert!(
        !d.exists("public") && !d.exists(".digest-cache"),
        "check writes nothing"
    );
}

#[test]
fn check_renders_every_page() {
    // A template that fails only when a page is rendered is caught, as the build catches it.
    let d = site();
    d.story(Story::new("news/a", "2021-12-10").en("A"));
    run(&d, &["theme", "copy"]).ok();
    let template = d.read("themes/default/templates/topics.html");
    d.write(
        "themes/default/templates/topics.html",
        &template.replace("{{ page.title }}", "{{ page.title | round }}"),
    );
    let ran = run(&d, &["check"]);
    assert_eq!(ran.code, 1, "{}", ran.err);
    let build = run(&d, &["build"]);
    assert_eq!(ran.err.lines().next(), build.err.lines().next());
    assert!(
        ran.err
            .starts_with("error: themes/default/templates/topics.html:"),
        "{}",
        ran.err
    );
}

#[test]
fn check_prints_one_json_object_per_problem() {
    // For editors and CI: severity, file, line, column, message, help.
    let d = broken_site();
    let ran = run(&d, &["check", "--format", "json"]);
    assert_eq!((ran.code, ran.err.as_str()), (1, ""));
    let problems: Vec<serde_json::Value> = ran
        .out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems.len(), 3);
    assert_eq!(
        problems[0],
        serde_json::json!({
            "severity": "error",
            "file": "content/news/a.en.md",
            "line": 5,
            "column": 8,
            "message": "unknown topic key `us-forcez`",
            "help": "did you mean `us-forces`? Topic keys are defined in content/tags.yaml",
        })
    );
    assert_eq!(problems[2]["severity"], "warning");
    let unconfigured = Site::bare();
    let ran = run(&unconfigured, &["check", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(ran.out.trim()).unwrap(),
        serde_json::json!({
            "severity": "error", "file": null, "line": null, "column": null,
            "message": "no digest.yaml in .",
            "help": "run digest in the site's folder, or point to it with --root",
        })
    );
}

/// A web server on 127.0.0.1 for the outside links: `/ok`, `/gone` (404),
/// `/moved` (301 to `/ok`), `/slow` (answers after 3 s), `/wait/*` (once
/// another `/wait/*` is in flight, or after 700 ms). It counts requests per
/// path, and the most `/wait/*` requests it served at once.
struct Server {
    port: u16,
    hits: Arc<Mutex<BTreeMap<String, usize>>>,
    most_at_once: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(BTreeMap::new()));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let now = Arc::new(AtomicUsize::new(0));
        let (h, m) = (hits.clone(), most_at_once.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(200) {
                let Ok(mut stream) = stream else { continue };
                let (hits, most, now) = (h.clone(), m.clone(), now.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split(' ').nth(1).unwrap_or("/").to_string();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
                    let response = match path.as_str() {
                        "/ok" => "200 OK\r\n".to_string(),
                        "/moved" => format!(
                            "301 Moved Permanently\r\nLocation: http://127.0.0.1:{port}/ok\r\n"
                        ),
                        "/slow" => {
                            std::thread::sleep(Duration::from_secs(3));
                            "200 OK\r\n".to_string()
                        }
                        p if p.starts_with("/wait/") => {
                            let open = now.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(open, Ordering::SeqCst);
                            // Held until a second one is in flight (or
                            // 700 ms, within the 1 s timeout), so that a
                            // client asking two at once is seen doing so
                            // however loaded the machine is.
                            let started = std::time::Instant::now();
                            while now.load(Ordering::SeqCst) < 2
                                && started.elapsed() < Duration::from_millis(700)
                            {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            std::thread::sleep(Duration::from_millis(20));
                            now.fetch_sub(1, Ordering::SeqCst);
                            "200 OK\r\n".to_string()
                        }
                        _ => "404 Not Found\r\n".to_string(),
                    };
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {response}Content-Length: 2\r\nConnection: close\r\n\r\nok"
                    );
                });
            }
        });
        Server {
            port,
            hits,
            most_at_once,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut *self.hits.lock().unwrap())
    }
}

#[test]
fn check_external_asks_politely_and_remembers_for_a_day() {
    // Broken links are errors, redirects and time-outs warnings, each at its line;
    // two requests at once to a host at most; what was learnt is not asked again.
    let server = Server::start();
    let d = site();
    let waits: String = (1..=6)
        .map(|n| format!("[w{n}]({})\n", server.url(&format!("/wait/{n}"))))
        .collect();
    d.write(
        "content/news/a.en.md",
        &format!(
            "---\ntitle: A\ndate: 2021-12-10\nsource: {{ name: Wire, url: \"{ok}\" }}\n---\nSee [this]({gone}) and\n[that]({moved}#part).\n\n<p><a href=\"{slow}\">slow</a></p>\n\n{waits}[own](https://digest.example.org/en/) [rel](../b/)\n",
            ok = server.url("/ok"),
            gone = server.url("/gone"),
            moved = server.url("/moved"),
            slow = server.url("/slow"),
        ),
    );
    d.write(
        "content/news/b.en.md",
        &format!(
            "---\ntitle: B\ndate: 2021-12-09\n---\nAgain [gone]({}).\n",
            server.url("/gone")
        ),
    );
    let ran = run(&d, &["check", "--external", "--timeout", "1"]);
    let u = |p: &str| server.url(p);
    assert_eq!(
        ran.err,
        format!(
            "error: content/news/a.en.md:6:5: the link {gone} leads nowhere: the server answers 404 Not Found\n  help: correct the address, or link to an archived copy of the page\n\
error: content/news/b.en.md:5:7: the link {gone} leads nowhere: the server answers 404 Not Found\n  help: correct the address, or link to an archived copy of the page\n\
warning: content/news/a.en.md:7:1: the link {moved} redirects to {ok}\n  help: link to {ok} directly\n\
warning: content/news/a.en.md:9:7: the link {slow} could not be checked: it did not answer within 1 s\n  help: it is asked again at the next check (each link has 1 s)\n\
found 2 errors and 2 warnings, 10 outside links (10 asked, the rest known from the last day)\n",
            gone = u("/gone"),
            moved = u("/moved"),
            ok = u("/ok"),
            slow = u("/slow"),
        )
    );
    assert_eq!(ran.code, 1);
    let hits = server.hits();
    assert_eq!(
        hits.get("/gone"),
        Some(&1),
        "one request per address: {hits:?}"
    );
    assert_eq!(
        server.most_at_once.load(Ordering::SeqCst),
        2,
        "two at once to one host, no more"
    );
    assert!(d.exists(".digest-cache/links.bin"));
    std::thread::sleep(Duration::from_secs(3));
    server.hits();
    let again = run(&d, &["check", "--external", "--timeout", "1"]);
    assert!(
        again
            .err
            .ends_with("10 outside links (1 asked, the rest known from the last day)\n"),
        "{}",
        again.err
    );
    assert_eq!(
        server.hits().keys().collect::<Vec<_>>(),
        ["/slow"],
        "only the unknown is asked again"
    );
}

// ---------------------------------------------------------------- list

/// Stories in every state: published in both editions, a draft, one
/// scheduled (dated 2099), one missing its English, a broken file.
fn newsroom() -> Site {
    let d = site();
    d.story(Story::new("news/talks", "2021-12-10T14:00").ar("محادثات"));
    d.story(Story::new("news/talks", "2021-12-11").en("Talks"));
    d.story(
        Story::new("news/oil", "2021-12-12")
            .ar("نفط")
            .en("Oil")
            .front("draft: true\n"),
    );
    d.story(Story::new("news/embargo", "2099-01-05T10:00").en("Embargo"));
    d.story(Story::new("news/local", "2021-12-01").ar("محلي"));
    d.write(
        "content/news/broken.en.md",
        "---\ntitle: Broken\n---\nText.\n",
    );
    d.story(Story::new("about", "2021-11-01").ar("من نحن"));
    d
}

#[test]
fn list_shows_every_story_newest_first_with_each_editions_state() {
    // One line per story: date, section, slug and the state of each language.
    let d = newsroom();
    let ran = run(&d, &["list"]);
    assert_eq!(
        ran.out,
        "2099-01-05  news  embargo  ar missing    en scheduled 2099-01-05 10:00
2021-12-12  news  oil      ar published  en draft
2021-12-10  news  talks    ar published  en published
2021-12-01  news  local    ar published  en missing
2021-11-01  -     about    ar published  en missing
??????????  news  broken   ar missing    en invalid
"
    );
    assert_eq!(
        ran.err,
        "error: content/news/broken.en.md:1:1: the front matter has no `date`\n  help: add a line `date: YYYY-MM-DD` between the `---` lines\n"
    );
    assert_eq!(ran.code, 1, "a file that does not parse is an error");
}

#[test]
fn list_filters_the_to_translate_queue_schedule_and_drafts() {
    // --missing en is the English desk's queue, --missing ar the Arabic desk's.
    let d = newsroom();
    d.story(Story::new("news/broken", "2021-12-02").en("Fixed"));
    let lines = |args: &[&str]| -> Vec<String> {
        let ran = run(&d, args).ok();
        ran.out
            .lines()
            .map(|l| l.split_whitespace().nth(2).unwrap().to_string())
            .collect()
    };
    assert_eq!(lines(&["list", "--missing", "en"]), ["local", "about"]);
    assert_eq!(lines(&["list", "--missing", "ar"]), ["embargo", "broken"]);
    assert_eq!(lines(&["list", "--scheduled"]), ["embargo"]);
    assert_eq!(lines(&["list", "--drafts"]), ["oil"]);
    assert_eq!(
        lines(&["list", "--drafts", "--missing", "ar"]),
        Vec::<String>::new()
    );
    let unknown = run(&d, &["list", "--missing", "eng"]);
    assert_eq!(
        (unknown.code, unknown.err.as_str()),
        (
            1,
            "error: --missing eng: `eng` is not one of the site's languages\n  help: did you mean `en`?\n"
        )
    );
}

#[test]
fn list_prints_one_json_object_per_story() {
    // For scripts: the story's date, section, slug, and per language its state, file, title and date.
    let d = newsroom();
    let ran = run(&d, &["list", "--format", "json", "--scheduled"]);
    let stories: Vec<serde_json::Value> = ran
        .out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        stories,
        [serde_json::json!({
            "date": "2099-01-05T10:00:00+03:00",
            "section": "news",
            "slug": "embargo",
            "languages": {
                "ar": { "state": "missing", "file": null, "title": null, "date": null },
                "en": { "state": "scheduled", "file": "content/news/embargo.en.md", "title": "Embargo", "date": "2099-01-05T10:00:00+03:00" },
            },
        })]
    );
}

// ---------------------------------------------------------------- theme

#[test]
fn a_site_without_a_theme_folder_builds_with_the_built_in_theme() {
    // The built-in theme is the repository's: the same site, byte for byte.
    let d = site();
    d.story(
        Story::new("news/a", "2021-12-10")
            .tags("[iraq]")
            .ar("أ")
            .en("A"),
    );
    d.story(Story::new("news/b", "2021-12-09").en("B").tags("[iraq]"));
    run(&d, &["build"]).ok();
    let built_in = d.files("public");
    assert!(
        built_in
            .paths()
            .any(|k| k.starts_with("style.") && k.ends_with(".css"))
    );
    let copied = run(&d, &["theme", "copy"]).ok();
    let count = d.files("themes/default").len();
    assert_eq!(
        copied.out,
        format!("wrote {count} files of the built-in theme into themes/default\n")
    );
    let theme = repo().join("themes/default");
    for (name, bytes) in d.files("themes/default").into_map() {
        assert_eq!(std::fs::read(theme.join(&name)).unwrap(), bytes, "{name}");
    }
    run(&d, &["build", "--force"]).ok();
    assert_eq!(d.files("public"), built_in, "the copy builds the same site");
    // The site's folder wins, whole: an edit of its stylesheet is published.
    let css = d.read("themes/default/static/style.css");
    d.write(
        "themes/default/static/style.css",
        &format!("{css}\n.mine {{ color: red }}\n"),
    );
    run(&d, &["build"]).ok();
    let after = d.files("public");
    let style = after.paths().find(|k| k.starts_with("style.")).unwrap();
    assert!(after.read(style).contains(".mine"));
    std::fs::remove_dir_all(d.path("themes")).unwrap();
    run(&d, &["build"]).ok();
    assert_eq!(
        d.files("public"),
        built_in,
        "the built-in theme again, incrementally"
    );
}

#[test]
fn theme_copy_never_overwrites() {
    // Run again, it adds only the files the copy lacks.
    let d = site();
    run(&d, &["theme", "copy"]).ok();
    d.write("themes/default/templates/base.html", "mine");
    std::fs::remove_file(d.path("themes/default/templates/404.html")).unwrap();
    let again = run(&d, &["theme", "copy"]).ok();
    let count = d.files("themes/default").len() - 1;
    assert_eq!(
        again.out,
        format!(
            "wrote 1 file of the built-in theme into themes/default\nkept {count} files already there\n"
        )
    );
    assert_eq!(d.read("themes/default/templates/base.html"), "mine");
    let other = run(&d, &["theme", "copy", "mine"]).ok();
    assert!(
        other
            .out
            .ends_with("into themes/mine\nto use it, set `theme: mine` in digest.yaml\n"),
        "{}",
        other.out
    );
    let bad = run(&d, &["theme", "copy", "../x"]);
    assert_eq!(
        (bad.code, bad.err.as_str()),
        (
            1,
            "error: `../x` cannot name a theme folder: the name `../x` starts with a dot, which makes a hidden folder many hosts do not serve\n  help: use letters, digits and hyphens, e.g. `digest theme copy my-theme`\n"
        )
    );
}

#[test]
fn theme_errors_say_what_to_do() {
    // A theme that is neither a folder nor built in; a language the built-in theme has no words for.
    let d = site();
    d.story(Story::new("news/a", "2021-12-10").en("A"));
    d.write(
        "digest.yaml",
        &config().replace("minify: false", "theme: magazine"),
    );
    assert_eq!(
        run(&d, &["build"]).err,
        "error: the theme `magazine` does not exist (no folder themes/magazine)\n  help: set `theme:` in digest.yaml to `default` (built into digest) or to a folder under themes/\nbuild failed with 1 error; the output was not changed\n"
    );
    d.write(
        "digest.yaml",
        &config().replace(
            "languages:\n",
            "languages:\n  fr:\n    name: Français\n    title: Le Digest\n    locale: fr\n",
        ),
    );
    assert_eq!(
        run(&d, &["build"]).err,
        "error: the built-in theme has no UI strings for language `fr`\n  help: run `digest theme copy` to write the theme into themes/default, then copy another language's file there to themes/default/i18n/fr.yaml and translate it\nbuild failed with 1 error; the output was not changed\n"
    );
}
