//! `digest deploy` against a real S3-compatible server on 127.0.0.1 and a
//! folder: what is uploaded when, with which headers, what an interrupted
//! deploy leaves, and the errors people see.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use crate::common::s3::{ACCESS_KEY, Object, S3Server, SECRET_KEY, s3_server};
use crate::common::{Site, Story};

const BUCKET: &str = "site";
const PREFIX: &str = "www/";
const MANIFEST: &str = ".digest-deploy.json";
/// The steps of a deploy, in the order it takes them.
const STEPS: &[&str] = &[
    "files",
    "styles",
    "pages",
    "feeds",
    "sitemap",
    "front door",
    "deletions",
];

/// The example site, built, with a `production` target on `server`.
fn example_site(server: &S3Server) -> Site {
    let site = Site::example();
    site.edit("digest.yaml", |config| {
        format!(
            "{config}deploy:\n{}",
            server.target("production", "s3://site/www/")
        )
    });
    site.build();
    site
}

/// `digest deploy ARGS` in the site's folder, with the server's keys (or
/// `secret` instead of the right one).
fn deploy_with(site: &Site, args: &[&str], key: &str, secret: &str) -> Output {
    command(site, args, key, secret)
        .output()
        .expect("digest runs")
}

fn command(site: &Site, args: &[&str], key: &str, secret: &str) -> Command {
    let mut command = site.command(&["deploy"]);
    command
        .args(args)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("HOME", site.root())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_ENDPOINT");
    command
}

fn deploy(site: &Site, args: &[&str]) -> String {
    let out = deploy_with(site, args, ACCESS_KEY, SECRET_KEY);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "digest deploy {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The site's objects on the server, keyed like files of `public/`.
/// (moto keeps a key as the request's path spelled it, percent-encoded;
/// S3 decodes it.)
fn deployed(server: &S3Server) -> BTreeMap<String, Object> {
    server
        .objects(BUCKET)
        .into_iter()
        .map(|(key, object)| {
            let key = percent_encoding::percent_decode_str(&key)
                .decode_utf8()
                .unwrap()
                .into_owned();
            (key, object)
        })
        .filter_map(|(key, object)| Some((key.strip_prefix(PREFIX)?.to_string(), object)))
        .filter(|(key, _)| key != MANIFEST)
        .collect()
}

/// Panics with the keys where the bucket and the site differ.
#[track_caller]
fn assert_holds(server: &S3Server, public: &BTreeMap<String, Vec<u8>>) {
    let objects = contents(&deployed(server));
    let differ: Vec<&String> = objects
        .keys()
        .chain(public.keys())
        .filter(|k| objects.get(*k) != public.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "the bucket and the site differ at {differ:?}"
    );
}

fn contents(objects: &BTreeMap<String, Object>) -> BTreeMap<String, Vec<u8>> {
    objects
        .iter()
        .map(|(k, o)| (k.clone(), o.bytes.clone()))
        .collect()
}

/// The keys `--verbose` reported as uploaded.
fn uploaded(stdout: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  uploaded "))
        .map(|l| l.rsplit_once(" (").map_or(l, |(key, _)| key).to_string())
        .collect()
}

fn plan_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("plan: "))
        .unwrap_or_else(|| panic!("no plan in:\n{stdout}"))
}

/// The files of `after` that are new or differ from `before`.
fn changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn the_first_deploy_uploads_every_file_with_its_type_and_cache_header() {
    let Some(server) = s3_server("first_deploy", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    let stdout = deploy(&site, &[]);
    let public = site.public().into_map();
    assert_eq!(
        plan_line(&stdout),
        format!("plan: {} to upload, 0 to delete, 0 unchanged", public.len())
    );
    let objects = deployed(&server);
    assert_eq!(
        contents(&objects),
        public,
        "the bucket holds exactly the site"
    );
    // The theme's stylesheet (Pagefind's own are under pagefind/).
    let css: Vec<&String> = objects
        .keys()
        .filter(|k| k.ends_with(".css") && !k.starts_with("pagefind/"))
        .collect();
    assert_eq!(css.len(), 1);
    for (key, object) in &objects {
        if key.starts_with("pagefind/") {
            // The search bundles' headers: see the test below.
            continue;
        }
        let (content_type, cache_control) = if key.ends_with(".html") {
            (
                "text/html; charset=utf-8",
                "public, max-age=60, must-revalidate",
            )
        } else if key.ends_with(".css") {
            (
                "text/css; charset=utf-8",
                "public, max-age=31536000, immutable",
            )
        } else if key.ends_with(".js") {
            // The theme's search script, named by its content.
            (
                "text/javascript; charset=utf-8",
                "public, max-age=31536000, immutable",
            )
        } else if key.ends_with(".xml") {
            (
                "text/xml; charset=utf-8",
                "public, max-age=300, must-revalidate",
            )
        } else if key.ends_with(".json") {
            (
                "application/json; charset=utf-8",
                "public, max-age=300, must-revalidate",
            )
        } else if key.ends_with(".txt") && key.starts_with("newsletter/") {
            // An edition's plain-text email: a page.
            (
                "text/plain; charset=utf-8",
                "public, max-age=60, must-revalidate",
            )
        } else if key.ends_with(".txt") {
            (
                "text/plain; charset=utf-8",
                "public, max-age=300, must-revalidate",
            )
        } else {
            panic!("unexpected file {key}");
        };
        assert_eq!(object.content_type.as_deref(), Some(content_type), "{key}");
        assert_eq!(
            object.cache_control.as_deref(),
            Some(cache_control),
            "{key}"
        );
    }
    // The steps come in order, the front door last.
    let steps: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(step, _)| step))
        .filter(|s| STEPS.contains(s))
        .collect();
    // (The files are the search indexes' scripts and pieces.)
    assert_eq!(
        steps,
        ["files", "styles", "pages", "feeds", "sitemap", "front door"]
    );
    // Done when: a deploy a minute later finds nothing to do.
    let again = deploy(&site, &["--dry-run"]);
    assert_eq!(
        plan_line(&again),
        format!("plan: 0 to upload, 0 to delete, {} unchanged", public.len())
    );
}

/// What a file of a search bundle is, for its cache header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SearchFile {
    /// Named by its content: the metadata, index chunks, filters, fragments.
    Piece,
    /// `pagefind-entry.json`, which names the current metadata.
    Entry,
    /// Pagefind's scripts, styles and WebAssembly: same name in every build.
    Script,
}

fn search_file(key: &str) -> SearchFile {
    let name = key.rsplit('/').next().unwrap();
    if name == "pagefind-entry.json" {
        SearchFile::Entry
    } else if [".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment"]
        .iter()
        .any(|ext| name.ends_with(ext))
    {
        SearchFile::Piece
    } else {
        SearchFile::Script
    }
}

/// The metadata an edition's deployed entry file names.
fn named_meta(objects: &BTreeMap<String, Object>, lang: &str) -> String {
    let entry = &objects[&format!("pagefind/{lang}/pagefind-entry.json")];
    let entry: serde_json::Value = serde_json::from_slice(&entry.bytes).unwrap();
    let hash = entry["languages"][lang]["hash"].as_str().unwrap();
    format!("pagefind/{lang}/pagefind.{hash}.pf_meta")
}

#[test]
fn search_pieces_named_by_their_content_are_cached_for_good() {
    let Some(server) = s3_server("search_headers", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    deploy(&site, &[]);
    let objects = deployed(&server);
    let header = |class| match class {
        SearchFile::Piece => "public, max-age=31536000, immutable",
        SearchFile::Entry => "public, max-age=300, must-revalidate",
        SearchFile::Script => "public, max-age=86400",
    };
    let mut seen = BTreeMap::<(String, SearchFile, &str), usize>::new();
    for (key, object) in objects.iter().filter(|(k, _)| k.starts_with("pagefind/")) {
        let class = search_file(key);
        assert_eq!(
            object.cache_control.as_deref(),
            Some(header(class)),
            "{key}"
        );
        assert!(object.content_type.is_some(), "{key}");
        let lang = key.split('/').nth(1).unwrap().to_string();
        let folder = match key.split('/').nth(2).unwrap() {
            folder @ ("fragment" | "index" | "filter") => folder,
            name if name.ends_with(".pf_meta") => "meta",
            _ => "",
        };
        *seen.entry((lang, class, folder)).or_default() += 1;
    }
    // Every kind of file is in both editions' bundles, one metadata each,
    // and the entry names that metadata.
    for lang in ["ar", "en"] {
        for (class, folder) in [
            (SearchFile::Piece, "meta"),
            (SearchFile::Piece, "fragment"),
            (SearchFile::Piece, "index"),
            (SearchFile::Piece, "filter"),
            (SearchFile::Entry, ""),
            (SearchFile::Script, ""),
        ] {
            let n = seen.get(&(lang.to_string(), class, folder)).copied();
            assert!(n.is_some(), "no {class:?} {folder} in {lang}: {seen:?}");
            if folder == "meta" || class == SearchFile::Entry {
                assert_eq!(n, Some(1), "{lang} {folder}");
            }
        }
        assert!(objects.contains_key(&named_meta(&objects, lang)), "{lang}");
    }

    // An edit: the English bundle gets new pieces under new names, each
    // cached for good, and an entry naming the new metadata; no piece is
    // uploaded again at a name it had, and the old metadata goes.
    site.edit("content/news/kadhimi-biden-fourth-round.en.md", |text| {
        text.replace(
            "between the two countries.",
            "between the two countries, officials in Baghdad said.",
        )
    });
    site.build();
    let stdout = deploy(&site, &["--verbose"]);
    let sent = uploaded(&stdout);
    let after = deployed(&server);
    let sent_search: Vec<&String> = sent.iter().filter(|k| k.starts_with("pagefind/")).collect();
    assert!(
        sent_search.iter().all(|k| k.starts_with("pagefind/en/")),
        "the Arabic bundle did not change: {sent_search:?}"
    );
    let old_meta = named_meta(&objects, "en");
    let new_meta = named_meta(&after, "en");
    assert_ne!(old_meta, new_meta);
    assert!(sent.contains(&new_meta));
    assert!(sent.contains("pagefind/en/pagefind-entry.json"));
    assert!(
        sent_search.iter().any(|k| k.contains("/fragment/")),
        "the story's result fragment: {sent_search:?}"
    );
    for key in &sent_search {
        let class = search_file(key);
        if class == SearchFile::Piece {
            assert!(!objects.contains_key(*key), "{key} was uploaded again");
        }
        assert_eq!(
            after[*key].cache_control.as_deref(),
            Some(header(class)),
            "{key}"
        );
    }
    assert!(!after.contains_key(&old_meta));
    assert_eq!(named_meta(&after, "ar"), named_meta(&objects, "ar"));
}

#[test]
fn a_one_story_edit_uploads_only_its_pages_feeds_and_lists() {
    let Some(server) = s3_server("one_story_edit", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    deploy(&site, &[]);
    let before = site.public().into_map();
    site.edit("content/news/kadhimi-biden-fourth-round.en.md", |text| {
        text.replace(
            "between the two countries.",
            "between the two countries, officials said.",
        )
    });
    site.build();
    let after = site.public().into_map();
    let changed = changed(&before, &after);
    assert!(changed.contains("en/news/kadhimi-biden-fourth-round/index.html"));
    let puts = server.control("stats")["puts"].as_u64().unwrap();
    let stdout = deploy(&site, &["--verbose", "--purge-list", "purge.txt"]);
    let sent = uploaded(&stdout);
    assert_eq!(
        sent, changed,
        "exactly the files the edit changed are uploaded"
    );
    assert!(sent.len() <= 30, "{} uploads", sent.len());
    assert!(!sent.contains("ar/news/kadhimi-biden-fourth-round/index.html"));
    // One PUT per file and one for the manifest.
    let puts_now = server.control("stats")["puts"].as_u64().unwrap();
    assert_eq!(puts_now - puts, sent.len() as u64 + 1);
    assert_holds(&server, &after);
    // The purge list: every changed or deleted address, as readers use it
    // (the search index's new pieces have new names: nothing caches them).
    let purge: Vec<String> = site.read("purge.txt").lines().map(String::from).collect();
    let mut expected: Vec<String> = changed
        .iter()
        .filter(|k| before.contains_key(*k))
        .chain(before.keys().filter(|k| !after.contains_key(*k)))
        .map(|k| match k.strip_suffix("index.html") {
            Some(folder) => format!("https://digest.example.org/{folder}"),
            None => format!("https://digest.example.org/{k}"),
        })
        .collect();
    expected.sort();
    assert_eq!(purge, expected);
    assert!(stdout.contains(&format!("changed addresses ({}):", expected.len())));
}

#[test]
fn a_deleted_story_is_removed_from_the_target_after_everything_else() {
    let Some(server) = s3_server("deletion", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    deploy(&site, &[]);
    site.remove("content/news/militias-threaten-open-war.ar.md");
    site.remove("content/news/militias-threaten-open-war.en.md");
    site.build();
    let public = site.public().into_map();
    assert!(!public.contains_key("en/news/militias-threaten-open-war/index.html"));
    // Hawre Aziz, a free name, wrote only that story: his page and feed
    // in each edition go with it.
    assert!(!public.contains_key("en/authors/hawre-aziz/index.html"));
    // The story's two pages, the editions of its day (both languages'
    // pages and emails), the author's four pages and feeds, and the pieces
    // of the search indexes that the new indexes no longer have.
    let gone: Vec<String> = deployed(&server)
        .into_keys()
        .filter(|k| !public.contains_key(k))
        .collect();
    let pages_gone = gone.iter().filter(|k| !k.starts_with("pagefind/")).count();
    assert_eq!(pages_gone, 12, "{gone:?}");
    assert!(gone.len() > pages_gone, "{gone:?}");
    let gone = gone.len();

    // --no-delete keeps what the site no longer has: the story's two pages,
    // the editions of its day (both languages' pages and emails) and Hawre
    // Aziz's pages and feeds.
    let kept = deploy(&site, &["--no-delete"]);
    assert!(
        kept.contains(&format!(
            "kept {gone} objects the site no longer has (--no-delete)"
        )),
        "{kept}"
    );
    assert!(deployed(&server).contains_key("en/news/militias-threaten-open-war/index.html"));

    let stdout = deploy(&site, &["--verbose", "--purge-list", "purge.txt"]);
    assert_eq!(
        plan_line(&stdout),
        format!(
            "plan: 0 to upload, {gone} to delete, {} unchanged",
            public.len()
        )
    );
    assert_holds(&server, &public);
    // Deletions come after every upload.
    let last_step = stdout
        .lines()
        .rfind(|l| STEPS.iter().any(|s| l.starts_with(&format!("{s}: "))));
    assert_eq!(
        last_step,
        Some(format!("deletions: {gone} files").as_str()),
        "{stdout}"
    );
    assert!(
        stdout.contains("  deleted newsletter/ar/2021-12-11.txt"),
        "{stdout}"
    );
    assert!(stdout.contains("  deleted ar/news/militias-threaten-open-war/index.html"));
    assert!(stdout.contains("  deleted en/authors/hawre-aziz/atom.xml"));
    let purge = site.read("purge.txt");
    assert!(
        purge.contains("https://digest.example.org/en/news/militias-threaten-open-war/\n"),
        "{purge}"
    );
}

#[test]
fn a_dry_run_prints_the_plan_and_touches_nothing() {
    let Some(server) = s3_server("dry_run", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    let first = deploy(&site, &["--dry-run"]);
    assert!(first.contains("dry run: nothing was changed"));
    assert!(
        server.objects(BUCKET).is_empty(),
        "a dry run uploads nothing"
    );
    deploy(&site, &[]);
    let story = "content/analysis/us-forces-since-2014.en.md";
    site.write(
        story,
        &format!("{}\nA new closing line.\n", site.read(story)),
    );
    site.remove("content/news/militias-threaten-open-war.en.md");
    let before = site.public().into_map();
    site.build();
    let after = site.public().into_map();
    let to_upload = changed(&before, &after).len();
    let gone = before.keys().filter(|k| !after.contains_key(*k)).count();
    let objects = server.objects(BUCKET);
    let puts = server.control("stats")["puts"].as_u64().unwrap();
    let stdout = deploy(&site, &["--dry-run"]);
    assert_eq!(
        plan_line(&stdout),
        format!(
            "plan: {to_upload} to upload, {gone} to delete, {} unchanged",
            after.len() - to_upload
        )
    );
    assert!(
        stdout.contains("  upload en/analysis/us-forces-since-2014/index.html (changed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  delete en/news/militias-threaten-open-war/index.html"),
        "{stdout}"
    );
    assert_eq!(server.objects(BUCKET), objects, "the bucket is as it was");
    assert_eq!(server.control("stats")["puts"].as_u64().unwrap(), puts);
}

/// Every internal link of the pages reachable from `start` resolves to an
/// object; returns the pages visited.
fn crawl(objects: &BTreeMap<String, Object>, start: &[String]) -> BTreeSet<String> {
    let base = digest::config::BaseUrl::parse("https://digest.example.org/").unwrap();
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = start.to_vec();
    while let Some(key) = queue.pop() {
        if !seen.insert(key.clone()) {
            continue;
        }
        let object = objects
            .get(&key)
            .unwrap_or_else(|| panic!("a link leads to {key}, which is missing"));
        if !key.ends_with(".html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&object.bytes));
        let selector =
            scraper::Selector::parse("a[href], link[href], img[src], script[src]").unwrap();
        for element in html.select(&selector) {
            let value = element.attr("href").or(element.attr("src")).unwrap();
            if let Some(target) = digest::deploy::order::resolve(value, &key, &base) {
                assert!(
                    objects.contains_key(&target),
                    "{key} links {value}, which is missing"
                );
                queue.push(target);
            }
        }
    }
    seen
}

#[test]
fn a_deploy_killed_halfway_leaves_every_page_linked_and_the_next_one_finishes() {
    let Some(server) = s3_server("killed_deploy", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    deploy(&site, &[]);
    let published: Vec<String> = deployed(&server)
        .into_keys()
        .filter(|k| k.ends_with(".html"))
        .collect();
    // A morning's news: new stories on a new topic, in both editions.
    for n in 1..=6 {
        for (lang, title, tag) in [
            ("en", "Curfew lifted", "Curfew"),
            ("ar", "رفع حظر التجول", "حظر التجول"),
        ] {
            site.story(
                Story::new(
                    &format!("news/curfew-{n}"),
                    &format!("2021-12-2{n}T10:00:00+03:00"),
                )
                .edition(lang, &format!("{title} {n}"))
                .front(&format!("tags: [{tag}, iraq]\n"))
                .body("Shops opened again in Baghdad."),
            );
        }
    }
    site.build();
    server.control("delay?ms=60");
    let mut child = command(&site, &["--verbose", "--jobs", "2"], ACCESS_KEY, SECRET_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut in_pages = 0;
    let mut step = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if !line.starts_with(' ') && line.contains(": ") {
            step = line.split(": ").next().unwrap().to_string();
        }
        if step == "pages" && line.starts_with("  uploaded ") {
            in_pages += 1;
            if in_pages == 6 {
                break;
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    server.control("delay?ms=0");
    assert_eq!(in_pages, 6, "the deploy reached its pages");

    let objects = deployed(&server);
    let remaining = deploy(&site, &["--dry-run"]);
    assert!(
        !remaining.contains("plan: 0 to upload"),
        "the deploy was killed before it finished:\n{remaining}"
    );
    // Readers coming in by the front door, or by any page they knew,
    // follow no broken link; the new front door is not up yet.
    let mut start = published.clone();
    start.push("index.html".into());
    crawl(&objects, &start);
    let public = site.public().into_map();
    assert_ne!(
        objects["index.html"].bytes, public["index.html"],
        "the front door goes up last"
    );

    // The next deploy finishes the job, without uploading again what the
    // killed one recorded.
    let stdout = deploy(&site, &[]);
    assert_holds(&server, &public);
    let again = deploy(&site, &["--dry-run"]);
    assert_eq!(
        plan_line(&again),
        format!("plan: 0 to upload, 0 to delete, {} unchanged", public.len())
    );
    assert!(stdout.contains("deployed to production"), "{stdout}");
}

#[test]
fn wrong_credentials_are_refused_naming_the_target_and_nothing_changes() {
    let Some(server) = s3_server("wrong_credentials", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    let help = "  help: digest reads S3 credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the AWS_PROFILE of ~/.aws/credentials); check that they are right and may write to the bucket\n";
    let out = deploy_with(&site, &[], ACCESS_KEY, "not-the-secret");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: deploy target `production` (s3://site/www/): the store refused the credentials (SignatureDoesNotMatch)\n{help}"
        )
    );
    let out = deploy_with(&site, &[], "AKIANOSUCHKEY0000000", SECRET_KEY);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: deploy target `production` (s3://site/www/): the store refused the credentials (InvalidAccessKeyId)\n{help}"
        )
    );
    assert!(server.objects(BUCKET).is_empty(), "nothing was uploaded");
}

#[test]
fn a_missing_bucket_is_named_with_what_to_do() {
    let Some(server) = s3_server("missing_bucket", &[BUCKET]) else {
        return;
    };
    let site = Site::example();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!(
            "{config}deploy:\n{}",
            server.target("production", "s3://no-such-bucket/")
        ),
    );
    site.build();
    let out = deploy_with(&site, &[], ACCESS_KEY, SECRET_KEY);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: deploy target `production` (s3://no-such-bucket/): the bucket `no-such-bucket` does not exist (NoSuchBucket)\n  help: create it, or correct `url:` under `deploy: production:` in digest.yaml\n"
    );
}

#[test]
fn retries_carry_a_deploy_through_a_failing_store() {
    let Some(server) = s3_server("retries", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    server.control("faults?every=4");
    let stdout = deploy(&site, &[]);
    server.control("faults?every=0");
    assert_holds(&server, &site.public().into_map());
    let requests = server.control("stats")["requests"].as_u64().unwrap();
    let files = site.public().into_map().len() as u64;
    // Listing, manifest read, uploads and the manifest write, plus the
    // retries of every fourth request.
    assert!(
        requests > files + 3,
        "{requests} requests for {files} files"
    );
    assert!(stdout.contains(&format!("{files} uploaded")), "{stdout}");
}

#[test]
fn an_object_changed_behind_digests_back_is_uploaded_again() {
    let Some(server) = s3_server("changed_behind", &[BUCKET]) else {
        return;
    };
    let site = example_site(&server);
    deploy(&site, &[]);
    server.put(BUCKET, "www/en/index.html", b"defaced");
    server.put(BUCKET, "www/stray.html", b"left by hand");
    let stdout = deploy(&site, &["--verbose"]);
    assert_eq!(
        uploaded(&stdout),
        BTreeSet::from(["en/index.html".to_string()])
    );
    assert!(stdout.contains("  deleted stray.html"), "{stdout}");
    assert_holds(&server, &site.public().into_map());
}

#[test]
fn a_purge_webhook_receives_the_changed_addresses() {
    let Some(server) = s3_server("purge_webhook", &[BUCKET]) else {
        return;
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = format!("http://{}/purge", listener.local_addr().unwrap());
    let received = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut stream, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let mut buf = [0; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    stream
                        .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                        .unwrap();
                    return (head.to_string(), body.to_string());
                }
            }
        }
    });
    let site = Site::example();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!(
            "{config}deploy:\n{}    purge: {hook}\n",
            server.target("production", "s3://site/www/")
        ),
    );
    site.build();
    deploy(&site, &[]);
    let story = "content/news/us-combat-role-ends.en.md";
    site.write(story, &format!("{}\nUpdated.\n", site.read(story)));
    site.build();
    deploy(&site, &["--purge-list", "purge.txt"]);
    let (head, body) = received.join().unwrap();
    assert!(head.starts_with("POST /purge HTTP/1.1"), "{head}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["target"], "production");
    let urls: Vec<String> = json["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    let listed: Vec<String> = site.read("purge.txt").lines().map(String::from).collect();
    assert_eq!(urls, listed);
    assert!(urls.contains(&"https://digest.example.org/en/news/us-combat-role-ends/".to_string()));
}

#[test]
fn a_folder_target_gets_the_site_and_then_only_its_changes() {
    let site = Site::example();
    let out_dir = tempfile::tempdir().unwrap();
    let url = url::Url::from_directory_path(out_dir.path()).unwrap();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!("{config}deploy:\n  folder:\n    url: {url}\n"),
    );
    site.build();
    let folder = || {
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(out_dir.path()) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let key = entry
                    .path()
                    .strip_prefix(out_dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if key != MANIFEST {
                    files.insert(key, std::fs::read(entry.path()).unwrap());
                }
            }
        }
        files
    };
    deploy(&site, &[]);
    assert_eq!(folder(), site.public().into_map());
    let dry = deploy(&site, &["--dry-run"]);
    assert_eq!(
        plan_line(&dry),
        format!(
            "plan: 0 to upload, 0 to delete, {} unchanged",
            folder().len()
        )
    );

    let before = site.public().into_map();
    let story = "content/news/araji-withdrawal-commitment.en.md";
    site.write(story, &format!("{}\nA correction.\n", site.read(story)));
    site.remove("content/news/militias-threaten-open-war.en.md");
    site.build();
    let after = site.public().into_map();
    let stdout = deploy(&site, &["--verbose"]);
    assert_eq!(uploaded(&stdout), changed(&before, &after));
    assert_eq!(folder(), after);
    assert!(
        !out_dir
            .path()
            .join("en/news/militias-threaten-open-war")
            .exists(),
        "emptied folders go too"
    );
}

#[test]
fn a_missing_folder_is_an_error() {
    let site = Site::example();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!("{config}deploy:\n  folder:\n    url: file:///no/such/folder/\n"),
    );
    site.build();
    let out = deploy_with(&site, &[], ACCESS_KEY, SECRET_KEY);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: deploy target `folder` (file:///no/such/folder/): the folder /no/such/folder/ does not exist\n  help: create it, or correct `url:` in digest.yaml\n"
    );
}

#[test]
fn targets_are_checked_like_the_rest_of_digest_yaml() {
    let site = Site::example();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!(
            "{config}deploy:\n  production:\n    url: s3://site/\n    endpont: https://s3.example.net\n    cache_control: {{ page: no-cache }}\n  staging:\n    url: ftp://example.net/\n  archive:\n    url: gs://archive/\n    region: eu\n"
        ),
    );
    let out = deploy_with(&site, &[], ACCESS_KEY, SECRET_KEY);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = |key: &str| config.lines().count() + key.parse::<usize>().unwrap();
    assert!(stderr.contains(&format!("error: digest.yaml:{}:5: unknown deploy target key `endpont`\n  help: did you mean `endpoint`?", line("4"))), "{stderr}");
    assert!(
        stderr.contains("unknown cache_control key `page`\n  help: did you mean `pages`?"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("error: digest.yaml:{}:10: `ftp://` is not a deploy address\n  help: write s3://, gs://, az:// or file:///, e.g. s3://digest-site/www/", line("7"))), "{stderr}");
    assert!(
        stderr.contains("`region` is only read for s3:// targets, not gs://"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("the configuration has errors; nothing was deployed\n"),
        "{stderr}"
    );
}

#[test]
fn several_targets_need_a_name() {
    let site = Site::example();
    let config = site.read("digest.yaml");
    site.write(
        "digest.yaml",
        &format!(
            "{config}deploy:\n  production:\n    url: s3://a/\n  staging:\n    url: s3://b/\n"
        ),
    );
    site.build();
    let out = deploy_with(&site, &[], ACCESS_KEY, SECRET_KEY);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: digest.yaml has 2 deploy targets: production, staging\n  help: name the one to deploy to, e.g. `digest deploy production`\n"
    );
    let out = deploy_with(&site, &["prodution"], ACCESS_KEY, SECRET_KEY);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: digest.yaml has no deploy target `prodution`\n  help: did you mean `production`?\n"
    );
}
