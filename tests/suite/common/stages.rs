//! Each input stage on its own, for the per-stage fuzz targets
//! (`fuzz/fuzz_targets/<stage>.rs`, which include this file and
//! `pipeline.rs` by their paths, in `fuzz/fuzz_targets/common/`: they must
//! use nothing else of the suite)
//! and for the test that replays what they found
//! (`tests/suite/fuzz_regressions.rs`), so a regression input runs exactly
//! as it did under the fuzzer.
//!
//! Every function calls the library's own stage function on arbitrary
//! bytes. A stage may refuse its input with diagnostics; it must not panic,
//! hang, or let markup that runs through.

use std::path::{Path, PathBuf};

use digest::config::{Config, RawHtml};
use digest::content::addresses::Place;
use digest::content::front_matter::{ParseSettings, parse_article};
use digest::content::markdown::{self, MarkdownOptions};
use digest::locale::strings::{Locales, StringFiles};
use digest::media::process::{self, Encoder, Encoding, Kind};
use digest::media::source;
use digest::site::authors::Authors;
use digest::site::names;
use digest::site::topics::Topics;

use super::pipeline::{assert_inert, input_file};

/// The stages a fuzz target can be named after, in the order of the build.
pub const STAGES: &[&str] = &[
    "config",
    "strings",
    "front_matter",
    "markdown",
    "tags",
    "authors",
    "resolution",
    "picture",
];

/// What every input is run with: the example site's configuration, topics,
/// authors and the default theme's UI strings.
pub struct Stages {
    config: Config,
    settings: ParseSettings,
    tags: Vec<u8>,
    authors_yaml: Vec<u8>,
    strings_en: Vec<u8>,
}

/// Pictures larger than this are probed, not decoded (decoding is bounded
/// by the limits `source::decoder` sets; this keeps the fuzzer fast).
const DECODED_PIXELS: u64 = 1 << 20;

impl Stages {
    pub fn new(repo: &Path) -> Stages {
        let config = Config::load(repo).expect("the example configuration loads");
        let read = |rel: &str| std::fs::read(repo.join(rel)).expect(rel);
        let tags = read("content/tags.yaml");
        let authors_yaml = read("content/authors.yaml");
        assert!(
            !Topics::load(&config, Some(&tags)).1.has_errors(),
            "the example tags load"
        );
        assert!(
            !Authors::load(&config, Some(&authors_yaml)).1.has_errors(),
            "the example authors load"
        );
        Stages {
            settings: ParseSettings::new(&config),
            strings_en: read("themes/default/i18n/en.yaml"),
            config,
            tags,
            authors_yaml,
        }
    }

    /// Runs the stage `name` (one of [`STAGES`]) on `bytes`.
    pub fn run(&self, name: &str, bytes: &[u8]) {
        match name {
            "config" => self.config(bytes),
            "strings" => self.strings(bytes),
            "front_matter" => self.front_matter(bytes),
            "markdown" => self.markdown(bytes),
            "tags" => self.tags(bytes),
            "authors" => self.authors(bytes),
            "resolution" => self.resolution(bytes),
            "picture" => self.picture(bytes),
            _ => panic!("no stage {name}"),
        }
    }

    /// `digest.yaml`: decoded as the config stage decodes it, then checked.
    pub fn config(&self, bytes: &[u8]) {
        let file = Path::new("digest.yaml");
        if let Ok(text) = digest::yaml::decode(file, bytes)
            && let Ok(config) = Config::parse(file, &text)
        {
            // What later stages ask of a valid configuration.
            for language in &config.languages {
                let _ = language.formatting_locale();
                let _ = language.og_locale();
            }
            let _ = config.base_url.absolute("/a/b/");
        }
    }

    /// A theme's UI strings: the input as the Arabic file (or, split at the
    /// first NUL byte, as both), checked against the site's languages.
    pub fn strings(&self, bytes: &[u8]) {
        let (ar, en) = match bytes.iter().position(|b| *b == 0) {
            Some(at) => (&bytes[..at], &bytes[at + 1..]),
            None => (bytes, &self.strings_en[..]),
        };
        let files = StringFiles {
            dir: PathBuf::from("themes/default/i18n"),
            files: vec![("ar.yaml", ar), ("en.yaml", en)],
            built_in: false,
        };
        let _ = Locales::load(&self.config, &files);
    }

    /// An article file's front matter and body, as the parse stage reads it.
    pub fn front_matter(&self, bytes: &[u8]) {
        let lang = digest::config::Lang::parse("en").expect("a language");
        let file = input_file(lang, bytes);
        let parsed = parse_article(&file, bytes, &self.settings);
        for problem in &parsed.problems {
            let _ = problem.to_string();
        }
    }

    /// A body's Markdown with every raw HTML setting but `allow`: link
    /// rewriting, the sanitizer, the nesting limits. Nothing runs.
    pub fn markdown(&self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let place = Place {
            page: "/en/news/input/".to_string(),
            folder: "/news/".to_string(),
            section: "news".to_string(),
        };
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape] {
            let options = MarkdownOptions {
                raw_html,
                base_path: "/".to_string(),
                embeds: self.config.embeds.clone(),
            };
            let rendered = markdown::render(&text, &options, &place);
            assert_inert("body", &rendered.html);
        }
    }

    /// `tags.yaml`, as the topics stage loads it.
    pub fn tags(&self, bytes: &[u8]) {
        let (topics, problems) = Topics::load(&self.config, Some(bytes));
        for problem in problems.iter() {
            let _ = problem.to_string();
        }
        for language in &self.config.languages {
            let _ = topics.resolve(&language.lang, "العراق");
        }
    }

    /// `authors.yaml`, as the authors stage loads it.
    pub fn authors(&self, bytes: &[u8]) {
        let (authors, problems) = Authors::load(&self.config, Some(bytes));
        for problem in problems.iter() {
            let _ = problem.to_string();
        }
        for language in &self.config.languages {
            let _ = authors.resolve(&language.lang, "Sara Ahmed");
        }
    }

    /// Each line as a tag and a byline of every edition: resolved against
    /// the example's topics and authors, and as a new label.
    pub fn resolution(&self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let mut topics = Topics::load(&self.config, Some(&self.tags)).0;
        let mut authors = Authors::load(&self.config, Some(&self.authors_yaml)).0;
        for line in text.lines().take(64) {
            let _ = names::normalize_label(line);
            let _ = names::looks_like_key(line);
            for language in &self.config.languages {
                let lang = &language.lang;
                let _ = topics.resolve(lang, line);
                let _ = topics.near(lang, line);
                let _ = authors.resolve(lang, line);
                let _ = topics.add_label(lang, line);
                let _ = authors.add_name(lang, line);
            }
        }
    }

    /// A picture file through the media stage's checks (format from its
    /// bytes, structure, header and size) and, when it passes, decoded,
    /// resized and encoded as the publish stage does.
    pub fn picture(&self, bytes: &[u8]) {
        let Ok(probe) = source::probe(bytes) else {
            return;
        };
        if u64::from(probe.width) * u64::from(probe.height) > DECODED_PIXELS {
            return;
        }
        let width = probe.width.clamp(1, 16);
        let height = (u64::from(probe.height) * u64::from(width) / u64::from(probe.width.max(1)))
            .clamp(1, 16) as u32;
        let kinds = [
            Kind::Original,
            Kind::Sized {
                width,
                height,
                encoding: Encoding::WebP,
            },
            Kind::Sized {
                width,
                height,
                encoding: process::Encoding::fallback(&probe),
            },
        ];
        let encoder = Encoder {
            quality: 60,
            keep_metadata: false,
        };
        let _ = process::render(bytes, &probe, &kinds, &encoder);
    }
}
