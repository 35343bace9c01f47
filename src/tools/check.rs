//! `digest check`: every validation a build makes, and nothing written.
//!
//! It is the build itself ([`crate::build`], the same stages in the same
//! order) into a [`NullSink`], which renders every page and keeps none: so
//! front matter, topics, templates, links and pictures, and whatever the
//! build checks, are checked exactly as `digest build` would, with the
//! same messages. Unchanged articles come from the build cache, which is
//! read and never written. With `--external`, the stories' outside links
//! are then asked for too (see [`super::external`]).

use crate::error::{Diagnostic, Severity};
use crate::files::Changes;
use crate::options::BuildOptions;
use crate::publish::sink::NullSink;
use crate::state::{Saved, Warm};
use crate::tools::external::{self, ExternalOptions};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// As for a build (`root`, `drafts`, `base_url`…).
    pub build: BuildOptions,
    /// Also ask for the outside links, so.
    pub external: Option<ExternalOptions>,
}

/// What a check found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every problem, errors first, each by file and line.
    pub problems: Vec<Diagnostic>,
    /// Files the site would have (0 if it cannot be built).
    pub files: usize,
    /// Articles in the site.
    pub articles: usize,
    /// Outside links checked, when asked to.
    pub external: Option<external::Checked>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}

/// Checks the site at `options.build.root`.
pub fn check(options: &CheckOptions) -> CheckReport {
    let root = options.build.root.clone();
    let cache_dir = crate::cache_dir_for(&crate::default_output(&root));
    let mut saved = Saved {
        articles: Saved::load(&cache_dir).articles,
        ..Saved::default()
    };
    let build = BuildOptions {
        cache_dir: None,
        ..options.build.clone()
    };
    let mut report = CheckReport::default();
    match crate::build(
        &build,
        None,
        &mut saved,
        &mut Warm::default(),
        &mut NullSink,
    ) {
        Ok(built) => {
            report.files = built.files;
            report.articles = built.articles;
            report.problems = built.warnings;
        }
        Err(err) => report.problems = err.diagnostics().into_iter().cloned().collect(),
    }
    if let Some(external) = &options.external
        && let Some(checked) = check_external(&build, &mut saved, external)
    {
        report.problems.extend(checked.problems.iter().cloned());
        report.external = Some(checked);
    }
    sort(&mut report.problems);
    report
}

/// The outside links of the articles the build would publish, read by
/// the build's own first stages (the parse cache filled by the check).
fn check_external(
    options: &BuildOptions,
    saved: &mut Saved,
    external: &ExternalOptions,
) -> Option<external::Checked> {
    let config = crate::config::stage(&options.root, options.base_url.as_deref()).ok()?;
    let mut ignored = crate::error::Diagnostics::new();
    let walk = crate::content::walk::stage(&config, Changes::default(), &mut None, &mut ignored);
    let settings = crate::content::front_matter::ParseSettings::new(&config);
    let (articles, _) = crate::content::articles::stage(
        &config,
        &walk.files,
        &settings,
        options,
        &mut saved.articles,
        &mut ignored,
    );
    let links = external::links_of_all(&config, &articles);
    let external = ExternalOptions {
        cache: external
            .cache
            .clone()
            .or_else(|| Some(external::cache_file(&options.root))),
        ..external.clone()
    };
    Some(external::check(&links, &external))
}

/// Errors first, then warnings; each by file, line and column.
fn sort(problems: &mut Vec<Diagnostic>) {
    problems.sort_by(|a, b| {
        let rank = |d: &Diagnostic| if d.severity == Severity::Error { 0 } else { 1 };
        (rank(a), &a.location, &a.message).cmp(&(rank(b), &b.location, &b.message))
    });
    problems.dedup();
}

/// One problem as a JSON object: `severity`, `file`, `line`, `column`,
/// `message`, `help` (`null` where there is none).
pub fn json(d: &Diagnostic) -> String {
    #[derive(serde::Serialize)]
    struct Problem<'a> {
        severity: &'static str,
        file: Option<String>,
        line: Option<usize>,
        column: Option<usize>,
        message: &'a str,
        help: Option<&'a str>,
    }
    let location = d.location.as_ref();
    serde_json::to_string(&Problem {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        file: location.map(|l| crate::files::to_slash(&l.file)),
        line: location.map(|l| l.line),
        column: location.map(|l| l.column),
        message: &d.message,
        help: d.help.as_deref(),
    })
    .expect("a problem serializes")
}
