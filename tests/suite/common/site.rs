//! A fixture site in a temporary folder: its sources, written story by
//! story, and its builds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use digest::error::BuildError;
use digest::{BuildOptions, BuildReport};

use super::built::{Built, Files};
use super::pictures;

/// The repository's root (where the example site and theme live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The configuration of [`Site::new`]: two editions, Arabic (the default)
/// and English, three stories a page, no minifying, the sections `news`,
/// `analysis` and `opinion` named in both.
pub const CONFIG: &str = "base_url: https://digest.example.org/
default_language: ar
languages:
  ar:
    name: العربية
    title: الموجز
    locale: ar-IQ
    digits: latn
  en:
    name: English
    title: The Digest
    locale: en-GB
paginate: 3
minify: false
sections:
  news: { ar: أخبار, en: News }
  analysis: { ar: تحليل, en: Analysis }
  opinion: { ar: رأي, en: Opinion }
";

/// The topic keys of [`Site::new`], with a label per edition.
pub const TAGS: &str = "iraq:
  ar: العراق
  en: Iraq
us-forces:
  ar: القوات الأميركية
  en: US forces
";

/// A site in a temporary folder, deleted when dropped.
///
/// What changes its sources returns the site, so changes chain:
/// `site.stories(2).write("digest.yaml", …)`. Then build it
/// ([`Site::build`] and its kin, or [`Site::run`] for the binary), read
/// what it published ([`Built`]), change it and build again.
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A site with no stories yet: a copy of the default theme, [`CONFIG`]
    /// and [`TAGS`].
    pub fn new() -> Site {
        let site = Site::bare();
        site.copy_dir(&repo().join("themes/default"), "themes/default");
        site.write("digest.yaml", CONFIG)
            .write("content/tags.yaml", TAGS);
        site
    }

    /// A folder with nothing in it.
    pub fn bare() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of the repository's example site.
    pub fn example() -> Site {
        let site = Site::bare();
        site.copy_dir(&repo().join("themes"), "themes");
        site.copy_dir(&repo().join("content"), "content");
        site.write(
            "digest.yaml",
            &std::fs::read_to_string(repo().join("digest.yaml")).unwrap(),
        );
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// The site with `n` stories in both editions, as [`Story::generated`]
    /// writes them, and the picture they show: `Site::new().stories(2)`.
    pub fn stories(self, n: usize) -> Site {
        for i in 0..n {
            self.story(Story::generated(i, n));
        }
        for section in ["news", "analysis"] {
            if (0..n).any(|i| Story::generated_section(i) == section) {
                self.write_bytes(
                    &format!("content/{section}/photo.jpg"),
                    &pictures::jpeg(&pictures::photo(64, 48, 1), 80),
                );
            }
        }
        self
    }

    /// Writes a story's files, replacing them if they exist.
    pub fn story(&self, story: Story) -> &Site {
        for (rel, text) in story.files() {
            self.write(&rel, &text);
        }
        self
    }

    pub fn write(&self, rel: &str, text: &str) -> &Site {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Site {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    /// Rewrites a file with what `change` makes of its text.
    pub fn edit(&self, rel: &str, change: impl FnOnce(&str) -> String) -> &Site {
        let text = change(&self.read(rel));
        self.write(rel, &text)
    }

    pub fn remove(&self, rel: &str) -> &Site {
        std::fs::remove_file(self.path(rel)).unwrap();
        self
    }

    /// A file of the site's folder (a source, or an output file by its path
    /// under the folder).
    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    fn copy_dir(&self, from: &Path, to: &str) {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(from).unwrap();
            let target = self.path(to).join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// What `digest build` is given in the site's folder.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            ..BuildOptions::default()
        }
    }

    /// Builds into `public/` as `digest build` does; panics with the errors
    /// if the build fails.
    pub fn build(&self) -> Built {
        self.build_with(&self.options(), "public")
    }

    /// Builds into `public/` as `digest build --base-url URL` does.
    pub fn build_at(&self, base_url: &str) -> Built {
        let options = BuildOptions {
            base_url: Some(base_url.to_string()),
            ..self.options()
        };
        self.build_with(&options, "public")
    }

    /// Builds with `options` into the folder `output` of the site's folder
    /// (`force: true` makes it a cold build).
    pub fn build_with(&self, options: &BuildOptions, output: &str) -> Built {
        match digest::build_to_dir(options, &self.path(output)) {
            Ok(report) => Built::new(report, self.files(output)),
            Err(err) => panic!("the build failed:\n{err}"),
        }
    }

    /// What a cold build with `options` (`force: true`, into a fresh
    /// `cold/`) publishes: the site made from scratch, for an incremental
    /// build to be compared with.
    pub fn cold_build(&self, options: &BuildOptions) -> Files {
        let output = self.path("cold");
        if output.exists() {
            std::fs::remove_dir_all(&output).unwrap();
        }
        let options = BuildOptions {
            force: true,
            ..options.clone()
        };
        self.build_with(&options, "cold").into_files()
    }

    /// Builds into `public/`, success or failure.
    pub fn try_build(&self) -> Result<BuildReport, BuildError> {
        digest::build_to_dir(&self.options(), &self.path("public"))
    }

    /// The diagnostics of a build that must fail, as printed, one string
    /// each.
    pub fn build_errors(&self) -> Vec<String> {
        match self.try_build() {
            Ok(_) => panic!("the build succeeded but should have failed"),
            Err(err) => err.diagnostics().iter().map(ToString::to_string).collect(),
        }
    }

    /// A builder that builds as `digest serve` does.
    pub fn in_memory(&self) -> InMemory {
        InMemory {
            options: self.options(),
            saved: digest::state::Saved::default(),
            warm: digest::state::Warm::default(),
            sink: digest::publish::sink::MemorySink::new(),
        }
    }

    /// The files under the folder `rel` as they are now (empty if there is
    /// no such folder).
    pub fn files(&self, rel: &str) -> Files {
        Files::read_dir(&self.path(rel), rel)
    }

    /// What `public/` holds now, however it was built.
    pub fn public(&self) -> Files {
        self.files("public")
    }

    /// The `digest` binary with `args`, to run in the site's folder with
    /// its output captured.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_digest"));
        command
            .args(args)
            .current_dir(self.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs the `digest` binary in the site's folder and waits for it.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("digest runs")
    }
}

/// Builds a site as `digest serve` does: in memory, keeping what it learnt
/// between builds, told which files changed.
pub struct InMemory {
    options: BuildOptions,
    saved: digest::state::Saved,
    warm: digest::state::Warm,
    sink: digest::publish::sink::MemorySink,
}

impl InMemory {
    /// Builds; `changed` names the files (relative to the site's folder)
    /// changed since the last build, or is `None` when that is not known.
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Result<BuildReport, BuildError> {
        let options = self.options.clone();
        self.build_with(&options, changed)
    }

    /// Builds with `options` (a later clock, say) instead of the site's
    /// own, keeping what it learnt all the same.
    pub fn build_with(
        &mut self,
        options: &BuildOptions,
        changed: Option<&[PathBuf]>,
    ) -> Result<BuildReport, BuildError> {
        digest::build(
            options,
            changed,
            &mut self.saved,
            &mut self.warm,
            &mut self.sink,
        )
    }

    /// Every file it would serve now.
    pub fn files(&self) -> Files {
        let pages = self.sink.pages();
        let pages = pages.read().unwrap();
        Files::from_map(
            "memory",
            pages
                .iter()
                .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
                .collect(),
        )
    }
}

/// A site's model and theme, made by the build's own stages from its
/// folder, for tests that look inside a build.
pub struct Loaded {
    pub config: digest::config::Config,
    pub theme: digest::theme::load::Theme,
    pub settings: digest::content::front_matter::ParseSettings,
    pub site: digest::site::model::Site,
}

impl Loaded {
    /// Loads the site at `root`; panics on any error.
    pub fn new(root: &std::path::Path) -> Loaded {
        let mut problems = digest::error::Diagnostics::new();
        let config = digest::config::stage(root, None).unwrap_or_else(|e| panic!("{e}"));
        let theme = digest::theme::load::Theme::load(&config).unwrap_or_else(|e| panic!("{e}"));
        let walk = digest::content::walk::stage(
            &config,
            digest::files::Changes::default(),
            &mut None,
            &mut problems,
        );
        let settings = digest::content::front_matter::ParseSettings::new(&config);
        let (articles, _) = digest::content::articles::stage(
            &config,
            &walk.files,
            &settings,
            &digest::BuildOptions::default(),
            &mut Default::default(),
            &mut problems,
        );
        let topics = digest::site::topics::stage(&config, &walk.files, &mut problems);
        let authors = digest::site::authors::stage(&config, &walk.files, &mut problems);
        let (site, more) = digest::site::model::Site::build(&config, articles, topics, authors);
        problems.extend(more);
        assert!(!problems.has_errors(), "{problems}");
        Loaded {
            config,
            theme,
            settings,
            site,
        }
    }
}

/// One story: a Markdown file per edition, `content/{path}.{lang}.md`,
/// with one date, each file the translation of the others (or a story of
/// one edition only).
///
/// The chain reads as the files do: `Story::new("news/talks",
/// "2021-12-10").ar("…").tags("[iraq]").en("…")`. Tags, front matter and a
/// body given before the first edition are every edition's; after
/// [`Story::ar`], [`Story::en`] or [`Story::edition`], that edition's own.
#[derive(Clone, Debug)]
pub struct Story {
    path: String,
    date: String,
    front: String,
    body: Option<String>,
    editions: Vec<Edition>,
}

#[derive(Clone, Debug)]
struct Edition {
    lang: String,
    title: String,
    front: String,
    body: Option<String>,
}

impl Story {
    /// A story at `content/{path}.*.md` (`news/talks`), dated `date` as
    /// front matter writes it.
    pub fn new(path: &str, date: &str) -> Story {
        Story {
            path: path.to_string(),
            date: date.to_string(),
            front: String::new(),
            body: None,
            editions: Vec::new(),
        }
    }

    /// The Arabic edition, titled `title`.
    pub fn ar(self, title: &str) -> Story {
        self.edition("ar", title)
    }

    /// The English edition, titled `title`.
    pub fn en(self, title: &str) -> Story {
        self.edition("en", title)
    }

    /// The edition in `lang`, titled `title`.
    pub fn edition(mut self, lang: &str, title: &str) -> Story {
        self.editions.push(Edition {
            lang: lang.to_string(),
            title: title.to_string(),
            front: String::new(),
            body: None,
        });
        self
    }

    /// A `tags:` line with `list` as written (`[iraq, الموصل]`).
    pub fn tags(self, list: &str) -> Story {
        self.front(&format!("tags: {list}\n"))
    }

    /// Front matter lines after `title` and `date`, as written (each ending
    /// in a newline).
    pub fn front(mut self, lines: &str) -> Story {
        match self.editions.last_mut() {
            Some(edition) => edition.front.push_str(lines),
            None => self.front.push_str(lines),
        }
        self
    }

    /// The text after the front matter. Without one, an edition says
    /// "نص." in Arabic and "Text." otherwise.
    pub fn body(mut self, text: &str) -> Story {
        match self.editions.last_mut() {
            Some(edition) => edition.body = Some(text.to_string()),
            None => self.body = Some(text.to_string()),
        }
        self
    }

    /// The files of the story: path under the site's folder, and text.
    fn files(&self) -> Vec<(String, String)> {
        self.editions
            .iter()
            .map(|e| {
                let default = if e.lang == "ar" { "نص." } else { "Text." };
                let body = e
                    .body
                    .as_deref()
                    .or(self.body.as_deref())
                    .unwrap_or(default);
                (
                    format!("content/{}.{}.md", self.path, e.lang),
                    format!(
                        "---\ntitle: \"{}\"\ndate: {}\n{}{}---\n{body}\n",
                        e.title, self.date, self.front, e.front
                    ),
                )
            })
            .collect()
    }

    /// A published story about Iraq and US forces in both editions,
    /// `news/withdrawal`, dated 30 November 2026.
    pub fn withdrawal() -> Story {
        Story::new("news/withdrawal", "2026-11-30")
            .tags("[iraq, us-forces]")
            .body("Text.")
            .ar("الانسحاب")
            .en("The withdrawal")
    }

    /// Story `i` of `n` made up alike: `story-{i}`, in `analysis/` when `i`
    /// is a multiple of three and in `news/` otherwise, one a day from
    /// 1 January 2021 (28 days a month), in both editions, each with a
    /// picture (`photo.jpg` beside it), a topic key (`iraq`, `us-forces`),
    /// a free label (النفط/Oil, الانتخابات/Elections, بغداد/Baghdad) and
    /// some two kilobytes of text. Stories take their topics two by two (an
    /// odd last one joins the pair before it), so from two stories on no
    /// topic is used by only one and the site builds without warnings.
    pub fn generated(i: usize, n: usize) -> Story {
        let date = format!("2021-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28);
        let pair = (i / 2).min((n / 2).saturating_sub(1));
        let key = ["iraq", "us-forces"][pair % 2];
        let (free_ar, free_en) = [
            ("النفط", "Oil"),
            ("الانتخابات", "Elections"),
            ("بغداد", "Baghdad"),
        ][pair % 3];
        let body_ar = "قالت واشنطن إنها ستبقي قواتها في دور استشاري. ".repeat(12);
        let body_en = "Washington said it would keep its forces in an advisory role. ".repeat(12);
        let section = Story::generated_section(i);
        Story::new(&format!("{section}/story-{i}"), &date)
            .ar(&format!("الخبر {i}: الحوار مستمر"))
            .tags(&format!("[{key}, {free_ar}]"))
            .front("image: { src: photo.jpg, alt: حوار }\n")
            .body(&format!(
                "{body_ar}\n\n## تفاصيل\n\n- واحد\n- اثنان\n\n{body_ar}"
            ))
            .en(&format!("Story {i}: talks continue"))
            .tags(&format!("[{key}, {free_en}]"))
            .front("image: { src: photo.jpg, alt: Talks }\n")
            .body(&format!(
                "{body_en}\n\n## Details\n\n- one\n- two\n\n{body_en}"
            ))
    }

    fn generated_section(i: usize) -> &'static str {
        if i.is_multiple_of(3) {
            "analysis"
        } else {
            "news"
        }
    }
}
