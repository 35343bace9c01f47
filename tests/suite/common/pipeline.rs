//! The content pipeline on one input, in memory: front matter and Markdown
//! (parse), the site, its plan and every page rendered through the
//! repository's default theme with the example site's configuration.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/content_pipeline.rs`,
//! which includes this file by its path: it must use nothing else of the
//! suite) and the test that replays the inputs it found
//! (`tests/suite/fuzz_regressions.rs`), so a regression input runs exactly
//! as it did under the fuzzer.

use std::path::{Path, PathBuf};

use digest::config::{Config, Lang};
use digest::content::front_matter::{ParseSettings, parse_article};
use digest::content::walk::{SourceFile, SourceKind};
use digest::files::FileStamp;
use digest::output::render::Renderer;
use digest::site::authors::Authors;
use digest::site::model::Site;
use digest::site::topics::Topics;
use digest::theme::load::Theme;

/// What every input is run with.
pub struct Pipeline {
    config: Config,
    theme: Theme,
    settings: ParseSettings,
    tags: Vec<u8>,
}

/// Rendering threads get this much stack in `digest build` (rayon's
/// default): inputs run with no more, so a stack overflow is caught.
const WORKER_STACK: usize = 2 << 20;

impl Pipeline {
    /// The example site's configuration, topics and theme, from `repo`.
    pub fn new(repo: &Path) -> Pipeline {
        let config = Config::load(repo).expect("the example configuration loads");
        let theme = Theme::load(&config).unwrap_or_else(|d| panic!("the default theme loads: {d}"));
        Pipeline {
            settings: ParseSettings::new(&config),
            tags: std::fs::read(repo.join("content/tags.yaml")).expect("tags.yaml"),
            config,
            theme,
        }
    }

    /// Runs `run` on a thread with a rendering thread's stack.
    pub fn run_on_worker_stack(&self, bytes: &[u8]) {
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, || self.run(bytes))
                .expect("a thread starts");
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        });
    }

    /// Reads `bytes` as an article of every edition (the same story in
    /// each, so they are translations of each other); if that makes a valid
    /// site, renders all of its pages. Panics where digest must not fail:
    /// a valid site whose page does not render, or markup that runs.
    pub fn run(&self, bytes: &[u8]) {
        let mut articles = Vec::new();
        for language in &self.config.languages {
            let lang = language.lang.clone();
            let file = input_file(lang, bytes);
            let parsed = parse_article(&file, bytes, &self.settings);
            let failed = parsed.problems.iter().any(|d| d.is_error());
            for problem in &parsed.problems {
                assert!(!problem.to_string().is_empty());
            }
            match parsed.article {
                Some(article) if !failed => articles.push(std::sync::Arc::new(article)),
                Some(_) => panic!("an article was returned with errors"),
                None => assert!(failed, "no article and no error"),
            }
        }
        if articles.is_empty() {
            return;
        }
        let (topics, problems) = Topics::load(&self.config, Some(&self.tags));
        assert!(!problems.has_errors(), "{problems}");
        let (site, problems) = Site::build(&self.config, articles, topics, Authors::default());
        if problems.has_errors() {
            return;
        }
        let (plan, problems) =
            digest::output::plan::plan(&self.config, &site, Vec::new(), Vec::new());
        if problems.has_errors() {
            return;
        }
        let minifier = Default::default();
        let media = Default::default();
        let renderer = Renderer::new(
            &self.config,
            &site,
            &self.theme,
            &self.settings,
            &plan,
            &minifier,
            &media,
        );
        let mailer = digest::newsletter::Mailer {
            renderer: &renderer,
        };
        for page in &plan.pages {
            let path = page.route.output_path();
            let bytes = match mailer.render(page) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(d) => panic!("{path} of a valid site did not render: {d}"),
            };
            let text = String::from_utf8(bytes).expect("pages are UTF-8");
            if path.ends_with(".html") {
                assert_inert(&path, &text);
            }
        }
    }
}

/// No script of the article's runs from a page (the example site sanitizes
/// raw HTML): the only scripts are JSON-LD data, the theme's embed player
/// and, on search pages, the theme's search script; no element has an
/// event handler and no link or source uses a
/// scripting scheme, as a browser parses the page.
pub fn assert_inert(path: &str, html: &str) {
    let document = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").expect("selector");
    for element in document.select(&all) {
        let element = element.value();
        if element.name() == "script" {
            let theme_script = element
                .attr("src")
                .is_some_and(|src| src.starts_with("/embed.") && src.ends_with(".js"));
            let theirs = element.attr("type") == Some("module")
                && path.ends_with("/search/index.html")
                && element.attr("src").is_some_and(is_search_script);
            assert!(
                theme_script || theirs || element.attr("type") == Some("application/ld+json"),
                "{path}: a script runs"
            );
        }
        for (name, value) in element.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{path}: an event handler {name}={value}"
            );
            if matches!(name, "href" | "src" | "action" | "formaction") {
                let scheme: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .take(11)
                    .collect::<String>()
                    .to_ascii_lowercase();
                assert!(
                    !scheme.starts_with("javascript:") && !scheme.starts_with("vbscript:"),
                    "{path}: {name}={value}"
                );
            }
        }
    }
}

/// The theme's search script, published under its hash: `/search.1a2b3c4d.js`.
pub fn is_search_script(src: &str) -> bool {
    let name = src.rsplit('/').next().unwrap_or(src);
    name.strip_prefix("search.")
        .and_then(|n| n.strip_suffix(".js"))
        .is_some_and(|hash| hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The article file a fuzz input stands for: `content/news/input.{lang}.md`.
pub fn input_file(lang: Lang, bytes: &[u8]) -> SourceFile {
    SourceFile {
        path: PathBuf::from(format!("content/news/input.{lang}.md")),
        rel: format!("news/input.{lang}.md"),
        kind: SourceKind::Article {
            lang,
            section: "news".into(),
            stem: "input".into(),
        },
        stamp: FileStamp {
            size: bytes.len() as u64,
            modified_ns: 0,
        },
    }
}
