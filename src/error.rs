//! Problems found while building, in a form people can act on.
//!
//! Every problem is a [`Diagnostic`]: *where* (file, line, column), *what*
//! (one sentence) and, where we know it, *what to do* (the help line). A build
//! collects the diagnostics of every file before it gives up, like a compiler,
//! so one run shows every mistake at once.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file. Lines and columns are 1-based, columns count
/// characters (not bytes), as editors do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// One problem found in the site's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where the problem is; `None` for problems of the site as a whole.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            location,
            message: message.into(),
            help: None,
        }
    }

    /// An error at line 1, column 1 of a file: for problems of a whole file.
    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic::error(Some(Location::new(file, 1, 1)), message)
    }

    /// An error about an I/O operation on `path`, keeping the OS's reason.
    pub fn io(path: &Path, doing: &str, err: &std::io::Error) -> Self {
        Diagnostic::error(
            Some(Location::new(path, 1, 1)),
            format!("could not {doing}: {}", io_reason(err)),
        )
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The OS's reason for an I/O error, without Rust's "(os error N)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Some(location) => write!(f, "{label}: {location}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The diagnostics of one build, in a stable order (by file, then line).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorts errors first, then warnings, each by file and position (so
    /// that a file's problems are together, and the output does not depend
    /// on which thread finished first); duplicates (the same problem found
    /// twice) go.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (b.severity, &a.location, &a.message).cmp(&(a.severity, &b.location, &b.message))
        });
        self.0.dedup();
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Why a build did not produce a site.
#[derive(Debug)]
pub enum BuildError {
    /// The sources have problems; nothing was published.
    Invalid(Diagnostics),
    /// Something outside the sources failed (disk full, a lock held...).
    Fatal(Diagnostic),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Invalid(diagnostics) => write!(f, "{diagnostics}"),
            BuildError::Fatal(diagnostic) => write!(f, "{diagnostic}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl BuildError {
    /// Every diagnostic this error carries.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            BuildError::Invalid(d) => d.iter().collect(),
            BuildError::Fatal(d) => vec![d],
        }
    }
}

/// Suggests the closest of `candidates` to a misspelt `word`, if any is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_print_file_line_column_then_help() {
        let d = Diagnostic::error(Some(Location::new("content/a.md", 3, 7)), "bad date")
            .with_help("write YYYY-MM-DD");
        assert_eq!(
            d.to_string(),
            "error: content/a.md:3:7: bad date\n  help: write YYYY-MM-DD"
        );
    }

    #[test]
    fn errors_come_first_then_warnings_by_file() {
        let at = |file: &str, line| Some(Location::new(file, line, 1));
        let mut all = Diagnostics::from_iter([
            Diagnostic::warning(at("content/b.md", 1), "w1"),
            Diagnostic::error(at("content/c.md", 9), "e2"),
            Diagnostic::warning(at("content/a.md", 5), "w2"),
            Diagnostic::warning(at("content/b.md", 1), "w1"),
            Diagnostic::error(at("content/a.md", 7), "e1"),
        ]);
        all.sort();
        let order: Vec<&str> = all.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["e1", "e2", "w2", "w1"]);
    }

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let keys = ["title", "date", "summary"];
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("summery", keys), Some("summary"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
