//! Nothing lost: `digest build` killed at any moment, or run twice at once,
//! leaves `public/` one whole site — the previous one or the new one — and
//! the next build cleans up and publishes exactly what it should.
//!
//! `DIGEST_KILL_ITERATIONS` (default 50) sets how many builds the kill test
//! kills; `DIGEST_KILL_SEED` replays a run (each run prints its seed).

use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use digest::BuildOptions;

use crate::common::{CONFIG, Files, Site, Story};

/// Two versions of one site that differ on every page: the editions'
/// titles change, and version B has one story more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    A,
    B,
}

impl Version {
    fn other(self) -> Version {
        match self {
            Version::A => Version::B,
            Version::B => Version::A,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

fn set_version(f: &Site, version: Version) {
    let config = match version {
        Version::A => CONFIG.to_string(),
        Version::B => CONFIG
            .replace("title: الموجز", "title: الموجز اليومي")
            .replace("title: The Digest", "title: The Daily Digest"),
    };
    f.write("digest.yaml", &config);
    let extra = "content/news/extra.en.md";
    match version {
        Version::A if f.exists(extra) => {
            f.remove(extra);
        }
        Version::A => {}
        Version::B => {
            f.story(
                Story::new("news/extra", "2021-12-31")
                    .en("Extra")
                    .tags("[iraq]")
                    .body("x"),
            );
        }
    }
}

fn build_ok(f: &Site, args: &[&str]) -> Output {
    let out = f.run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no warnings");
    out
}

/// The complete site of each version, built from scratch; then how long
/// an ordinary build from one version to the other takes (checking that
/// it publishes exactly what the full build did). Ends on version B.
fn references(f: &Site) -> ([Files; 2], Duration) {
    let sites = [Version::A, Version::B].map(|version| {
        set_version(f, version);
        build_ok(f, &["build", "--force", "--quiet"]);
        f.public()
    });
    assert_ne!(sites[0], sites[1]);
    let mut shortest = Duration::MAX;
    for version in [Version::A, Version::B] {
        set_version(f, version);
        let started = Instant::now();
        build_ok(f, &["build", "--quiet"]);
        shortest = shortest.min(started.elapsed());
        assert!(f.public() == sites[version.index()]);
    }
    (sites, shortest)
}

/// What a finished build leaves beside the output: its lock, its state
/// and the spare copy, nothing half-done.
fn assert_clean(f: &Site) {
    let mut names: Vec<String> = std::fs::read_dir(f.path(".digest-cache/public"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "articles.bin",
            "lock",
            "media.bin",
            "publish.bin",
            "search.bin",
            "spare"
        ]
    );
}

/// A small random number generator (xorshift), seeded per run.
struct Random(u64);

impl Random {
    fn seeded() -> (Random, u64) {
        let seed = std::env::var("DIGEST_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        (Random(seed), seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A fraction in [0, 1).
    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn builds_killed_at_random_moments_never_break_the_published_site() {
    // SIGKILL at any point of a build leaves public/ the previous or the new
    // site, complete; the next build (to either version) cleans up and is exact.
    let iterations: usize = std::env::var("DIGEST_KILL_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let (mut random, seed) = Random::seeded();
    eprintln!("DIGEST_KILL_SEED={seed}");
    // Big enough that a build takes a noticeable time.
    let f = Site::new().stories(150);
    let (sites, mut build_time) = references(&f);
    assert!(sites[0].len() > 800, "{} files", sites[0].len());
    let mut current = Version::B;
    let (mut kept_previous, mut got_new, mut mid_build) = (0, 0, 0);
    for round in 0..iterations {
        let target = current.other();
        set_version(&f, target);
        // Spread over the build's duration (its end included: the swap,
        // saving the state, exiting).
        let delay = build_time.mul_f64(random.fraction());
        let mut child = f.command(&["build", "--quiet"]).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            mid_build += 1;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let published = f.public();
        if published == sites[current.index()] {
            kept_previous += 1;
        } else if published == sites[target.index()] {
            got_new += 1;
        } else {
            panic!("round {round} (seed {seed}): killed after {delay:?}, public/ is neither site");
        }
        // The next build goes to either version: going back exercises a
        // state that describes another site than the published one.
        let next = if random.next() % 2 == 0 {
            target
        } else {
            current
        };
        set_version(&f, next);
        let started = Instant::now();
        build_ok(&f, &["build", "--quiet"]);
        build_time = (build_time * 3 + started.elapsed()) / 4;
        assert!(
            f.public() == sites[next.index()],
            "round {round} (seed {seed}): the build after a kill at {delay:?} published a wrong site"
        );
        assert_clean(&f);
        current = next;
    }
    eprintln!(
        "{iterations} builds killed ({mid_build} while running; a build takes about {build_time:?}): {kept_previous} left the previous site, {got_new} the new one"
    );
    assert!(
        mid_build * 3 >= iterations,
        "too few kills landed during a build: {mid_build} of {iterations}"
    );
}

#[test]
fn a_build_killed_between_the_swap_and_saving_its_state_is_not_trusted() {
    // Regressions: after such a kill the saved state described the site from
    // before the swap. (1) A build back to that site hard-linked pages from
    // public/, which held the other site, and published them as current.
    // (2) The build after it recorded that stale description as the spare's
    // contents, so a later build skipped pages it believed the spare held.
    let f = Site::new().stories(6);
    let output = f.path("public");
    let cache = digest::cache_dir_for(&output);
    set_version(&f, Version::A);
    let site_a = f.build().into_files();
    let mut state_a = digest::publish::protocol::PublishState::load(&cache);
    set_version(&f, Version::B);
    f.build();
    // What the kill leaves: the state saved just before rendering (the
    // published site still A's, the spare's contents unknown), public/ = B.
    state_a.spare = None;
    state_a.save(&cache).unwrap();
    set_version(&f, Version::A);
    f.build();
    assert!(f.public() == site_a);
    // A small edit: pages it does not touch are A's in the spare — if the
    // spare really holds A.
    f.story(
        Story::new("news/story-0", "2021-01-01")
            .en("Story 0, edited")
            .tags("[iraq, Oil]")
            .body("Edited."),
    );
    f.build();
    let force = digest::BuildOptions {
        force: true,
        ..f.options()
    };
    let fresh = f.build_with(&force, "fresh");
    assert!(f.public() == *fresh);
}

/// Waits until process `pid` holds the build lock of the site.
fn wait_for_lock(f: &Site, child: &mut Child) {
    use std::os::unix::fs::MetadataExt;
    let lock = f.path(".digest-cache/public/lock");
    let started = Instant::now();
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended before it was seen holding the lock"
        );
        assert!(started.elapsed() < Duration::from_secs(30), "no lock taken");
        if let Ok(meta) = std::fs::metadata(&lock) {
            let holder = format!(" {} ", child.id());
            let inode = format!(":{} ", meta.ino());
            let locks = std::fs::read_to_string("/proc/locks").unwrap();
            if locks
                .lines()
                .any(|l| l.contains("FLOCK") && l.contains(&holder) && l.contains(&inode))
            {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `SIGSTOP`, `SIGCONT`… to a child process.
fn signal(child: &Child, name: &str) {
    let sent = Command::new("sh")
        .args(["-c", &format!("kill -{name} {}", child.id())])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name}");
}

/// What a build refused by the lock says: the holder's process id, the
/// folder and the lock file.
fn locked(pid: u32) -> String {
    format!(
        "error: another digest build (process {pid}) is writing ./public (it holds ./.digest-cache/public/lock)\n  help: wait for it to finish, then build again\nbuild failed with 1 error; the output was not changed\n"
    )
}

#[test]
fn a_second_build_while_one_runs_is_refused_with_a_clear_message() {
    // The second build fails at once and touches nothing; the first completes.
    let f = Site::new().stories(100);
    let (sites, _) = references(&f);
    set_version(&f, Version::A);
    let mut first = f.command(&["build", "--quiet"]).spawn().unwrap();
    wait_for_lock(&f, &mut first);
    // The first build is paused while the second runs, so that it cannot
    // finish first however fast it is.
    signal(&first, "STOP");
    let second = f.command(&["build"]).output().unwrap();
    signal(&first, "CONT");
    assert_eq!(String::from_utf8_lossy(&second.stderr), locked(first.id()));
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&second.stdout), "");
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success());
    assert!(f.public() == sites[Version::A.index()]);
    assert_clean(&f);
}

#[test]
fn builds_started_together_publish_one_whole_site() {
    // Three builds at once, round after round: one wins the lock, the others
    // are refused with the message, and public/ is always a whole site.
    let f = Site::new().stories(60);
    let (sites, _) = references(&f);
    let mut version = Version::B;
    for round in 0..8 {
        version = version.other();
        set_version(&f, version);
        let children: Vec<Child> = (0..3)
            .map(|_| f.command(&["build", "--quiet"]).spawn().unwrap())
            .collect();
        let pids: Vec<u32> = children.iter().map(Child::id).collect();
        let outputs: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let mut won = 0;
        for (out, pid) in outputs.iter().zip(&pids) {
            if out.status.success() {
                won += 1;
                assert_eq!(String::from_utf8_lossy(&out.stderr), "");
            } else {
                // Refused by one of the others, named by its process id.
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    pids.iter()
                        .filter(|other| *other != pid)
                        .any(|other| stderr == locked(*other)),
                    "round {round}: {stderr}"
                );
            }
        }
        assert!(won >= 1, "round {round}: no build published");
        assert!(f.public() == sites[version.index()], "round {round}");
        assert_clean(&f);
    }
}

#[test]
fn builds_into_two_output_folders_keep_to_their_own() {
    // public/ and a preview folder beside it, built in turns from different
    // versions, each stay exact. Regression: both shared one state file, so
    // a build into one trusted the other's spare and published stale pages.
    let f = Site::new().stories(6);
    let (sites, _) = references(&f);
    for _ in 0..3 {
        set_version(&f, Version::A);
        f.build();
        set_version(&f, Version::B);
        let preview = f.build_with(&f.options(), "preview");
        assert!(f.public() == sites[Version::A.index()]);
        assert!(*preview == sites[Version::B.index()]);
    }
}

/// Which file (device, inode) each published path is.
fn inodes(f: &Site) -> std::collections::BTreeMap<String, (u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let public = f.path("public");
    f.public()
        .paths()
        .map(|path| {
            let meta = std::fs::metadata(public.join(path)).unwrap();
            (path.clone(), (meta.dev(), meta.ino()))
        })
        .collect()
}

#[test]
fn the_first_edit_after_a_cold_build_touches_only_what_it_changes() {
    // Regression: a cold build left no spare, so the first edit after it
    // made one by hard-linking every unchanged page of the site (tens of
    // thousands of links and folders at 10,000 stories), and the edit
    // after that deleted them again.
    let f = Site::new().stories(8);
    let cold = f.build();
    assert_eq!(
        f.files(".digest-cache/public/spare"),
        *cold,
        "the cold build leaves a spare that holds the site it published"
    );
    let before = inodes(&f);
    let edit = |f: &Site, text: &str| {
        f.edit("content/news/story-1.en.md", |t| format!("{t}\n\n{text}\n"));
    };
    edit(&f, "A first correction.");
    let first = f.build();
    assert_eq!(
        first.report.kept, 0,
        "the spare held every unchanged page: nothing is linked"
    );
    assert!(
        first
            .report
            .written
            .contains(&"en/news/story-1/index.html".to_string())
    );
    assert!(
        first.report.written.len() < first.report.files / 4,
        "{:?}",
        first.report.written
    );
    let after = inodes(&f);
    let untouched: Vec<&String> = before
        .keys()
        .filter(|path| !first.report.written.contains(path) && !first.report.removed.contains(path))
        .collect();
    assert!(untouched.len() > before.len() / 2, "{untouched:?}");
    for path in untouched {
        assert_eq!(
            before[path], after[path],
            "{path} was neither rewritten nor relinked"
        );
    }
    assert!(
        first
            .page("en/news/story-1/index.html")
            .text("main")
            .contains("A first correction.")
    );

    // The spare is now the cold build's site: the next edit brings it up
    // to date by linking what the first edit changed, nothing else.
    edit(&f, "A second correction.");
    let second = f.build();
    assert!(
        second.report.kept <= first.report.written.len(),
        "kept {} files, the first edit changed {}",
        second.report.kept,
        first.report.written.len()
    );
    f.build_with(
        &BuildOptions {
            force: true,
            ..f.options()
        },
        "cold",
    );
    assert!(
        f.public() == f.files("cold"),
        "the edits published what a cold build does"
    );
    assert_clean(&f);
}

#[test]
fn timings_account_for_the_whole_build() {
    let f = Site::new().stories(4);
    f.build();
    f.edit("content/news/story-1.en.md", |t| format!("{t}\n\nMore.\n"));
    let started = Instant::now();
    let report = f.try_build().unwrap();
    let wall = started.elapsed();
    let timings = &report.timings;
    let names: Vec<&str> = timings.stages().iter().map(|(n, _)| *n).collect();
    assert_eq!(names.first(), Some(&"lock and load state"), "{names:?}");
    assert_eq!(
        &names[names.len() - 2..],
        ["save state", "cleanup"],
        "{names:?}"
    );
    assert!(timings.total() <= wall, "{timings} in {wall:?}");
    assert!(
        timings.total() >= wall.mul_f64(0.8),
        "the stages ({timings}) account for the build's {wall:?}"
    );
}
