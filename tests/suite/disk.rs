//! When the disk will not take the build: a full disk, a read-only output
//! folder, a build cache that cannot be written. Each test mounts a small
//! tmpfs of its own (`common::mount`), so the build meets the real
//! `ENOSPC` and `EROFS`; where mounting is not allowed it says why it
//! skipped (unless `DIGEST_REQUIRE_MOUNT` is set, as CI does).

use std::process::Output;

use crate::common::mount::Mount;
use crate::common::{Site, Story};

fn build_ok(f: &Site, args: &[&str]) -> Output {
    let out = f.run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `4.5 MB` → 4,500,000 (as `publish::space::size_text` writes sizes).
fn size_of(text: &str) -> f64 {
    let (n, unit) = text
        .split_once(' ')
        .unwrap_or_else(|| panic!("a size: {text}"));
    let n: f64 = n.parse().unwrap();
    n * match unit {
        "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => panic!("unit of {text}"),
    }
}

/// The text between `before` and `after` in `s`.
fn between<'a>(s: &'a str, before: &str, after: &str) -> &'a str {
    let start = s
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} in {s}"))
        + before.len();
    let len = s[start..]
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {s}"));
    &s[start..start + len]
}

/// What the output's cache folder holds besides state: nothing a build
/// left half-written (no spare copy, no trash).
fn cache_names(f: &Site, rel: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(f.path(rel))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_full_disk_fails_with_one_message_removes_its_files_and_keeps_the_site() {
    let f = Site::new().stories(6);
    let Some(disk) = Mount::tmpfs(
        "disk::a_full_disk_fails_with_one_message_removes_its_files_and_keeps_the_site",
        &f.path("out"),
        6 << 20,
    ) else {
        return;
    };
    build_ok(&f, &["build", "--output", "out/public", "--quiet"]);
    let published = f.files("out/public");
    let free_before = disk.free();

    // A document bigger than the space left, and an edit that rewrites pages.
    let report = vec![7u8; (free_before + (1 << 20)) as usize];
    f.write_bytes("content/news/report.pdf", &report);
    f.story(Story::new("news/later", "2024-06-01").en("Written while the disk filled"));
    let out = f.run(&["build", "--output", "out/public", "--quiet"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    eprintln!("{text}");
    // One message: the folder, what the build writes, what is free.
    let needed = between(&text, "this build writes about ", " there");
    let free = between(&text, "there, ", " is free");
    let short = between(&text, "free at least ", " there (");
    assert_eq!(
        text,
        format!(
            "error: not enough space to build into out/public: its disk is full \
             (this build writes about {needed} there, {free} is free)\n  \
             help: free at least {short} there (or build into another folder with --output), \
             then build again; the files this build wrote were removed and the published \
             site was not changed\nbuild failed with 1 error; the output was not changed\n"
        )
    );
    let (needed, free, short) = (size_of(needed), size_of(free), size_of(short));
    assert!(
        needed >= report.len() as f64 && needed < report.len() as f64 + 2e6,
        "the estimate {needed} is what the build writes ({} and pages)",
        report.len()
    );
    // The space the build took was given back before the message.
    assert!(
        (free - free_before as f64).abs() < 0.1 * free_before as f64,
        "{free} free, {free_before} before the build"
    );
    assert!((short - (needed - free)).abs() < 0.1e6 + 0.01 * needed);

    // The published site is byte for byte as it was; the partial files are
    // gone and their space free again.
    assert!(f.files("out/public") == published);
    let names = cache_names(&f, "out/.digest-cache/public");
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".bin") || n.as_str() == "lock"),
        "{names:?}"
    );
    assert!(
        disk.free() + (256 << 10) >= free_before,
        "{} free after the failed build, {free_before} before",
        disk.free()
    );

    // With space, the next build publishes the whole new site, exactly.
    disk.remount("size=32m");
    build_ok(&f, &["build", "--output", "out/public", "--quiet"]);
    build_ok(&f, &["build", "--output", "reference", "--quiet"]);
    let reference = f.files("reference");
    assert_eq!(reference.bytes("news/report.pdf"), &report[..]);
    assert!(f.files("out/public") == reference);
}

#[test]
fn a_read_only_output_fails_with_one_message_and_builds_once_writable() {
    let f = Site::new().stories(3);
    let Some(disk) = Mount::tmpfs(
        "disk::a_read_only_output_fails_with_one_message_and_builds_once_writable",
        &f.path("out"),
        16 << 20,
    ) else {
        return;
    };
    build_ok(&f, &["build", "--output", "out/public", "--quiet"]);
    let published = f.files("out/public");
    f.story(Story::new("news/later", "2024-06-01").en("Written on a read-only disk"));
    disk.remount("ro");
    let out = f.run(&["build", "--output", "out/public"]);
    assert_eq!(
        stderr(&out),
        "error: could not build into out/public: its file system is read-only\n  \
         help: make it writable (or build into another folder with --output), then build \
         again; the published site was not changed\n\
         build failed with 1 error; the output was not changed\n"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(f.files("out/public") == published);

    disk.remount("rw");
    build_ok(&f, &["build", "--output", "out/public", "--quiet"]);
    build_ok(&f, &["build", "--output", "reference", "--quiet"]);
    assert!(f.files("out/public") == f.files("reference"));
    assert!(f.files("out/public") != published);
}

#[test]
fn a_build_cache_that_cannot_be_written_still_publishes_with_a_warning() {
    let test = "disk::a_build_cache_that_cannot_be_written_still_publishes_with_a_warning";
    let f = Site::new().stories(3);
    build_ok(&f, &["build", "--quiet"]);
    let first = f.public();
    let Some(cache) = Mount::read_only(test, &f.path(".digest-cache")) else {
        return;
    };
    let cached = f.files(".digest-cache");
    let warning = "warning: the build cache ./.digest-cache/public cannot be written: \
         Read-only file system\n  help: the site was built and published with \
         ./.public.cache instead; make ./.digest-cache/public writable again\n";
    for round in 0..2 {
        f.story(
            Story::new("news/later", "2024-06-01").en(&format!("Built without its cache {round}")),
        );
        let out = build_ok(&f, &["build"]);
        assert_eq!(stderr(&out), warning, "round {round}");
        build_ok(
            &f,
            &["build", "--output", "reference", "--force", "--quiet"],
        );
        assert!(f.public() == f.files("reference"), "round {round}");
        assert!(f.public() != first);
    }
    // The read-only cache is as it was; the stand-in beside the output
    // holds the state.
    assert!(f.files(".digest-cache") == cached);
    let names = cache_names(&f, ".public.cache");
    assert!(names.contains(&"publish.bin".to_string()), "{names:?}");

    // Writable again: the cache is used again, and the build is exact.
    drop(cache);
    f.story(Story::new("news/later", "2024-06-01").en("Built with its cache again"));
    let out = build_ok(&f, &["build"]);
    assert_eq!(stderr(&out), "");
    build_ok(
        &f,
        &["build", "--output", "reference", "--force", "--quiet"],
    );
    assert!(f.public() == f.files("reference"));
}

#[test]
fn a_build_cache_on_another_file_system_stages_beside_the_output() {
    // A cache volume mounted as .digest-cache: the spare copy cannot be
    // swapped in from there, so it is kept beside the output.
    let f = Site::new().stories(3);
    let Some(_cache) = Mount::tmpfs(
        "disk::a_build_cache_on_another_file_system_stages_beside_the_output",
        &f.path(".digest-cache"),
        16 << 20,
    ) else {
        return;
    };
    for round in 0..2 {
        f.story(Story::new("news/later", "2024-06-01").en(&format!("Round {round}")));
        let out = build_ok(&f, &["build"]);
        assert_eq!(stderr(&out), "", "round {round}");
        build_ok(
            &f,
            &["build", "--output", "reference", "--force", "--quiet"],
        );
        assert!(f.public() == f.files("reference"), "round {round}");
    }
    assert!(cache_names(&f, ".public.cache").contains(&"spare".to_string()));
}
