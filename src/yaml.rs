//! YAML with positions: parse a document and point at its keys.
//!
//! serde_yaml reports where a *syntax* error is, but once a document is
//! parsed its values carry no positions. Front matter and configuration are
//! small block-style mappings, so we find a key's line by reading the text:
//! that is enough to say "line 4: unknown key `titel`" for every problem of a
//! file, not just the first one serde would stop at.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::error::{Diagnostic, Location, did_you_mean};

/// A YAML document and where it sits in its file.
pub struct YamlSource<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    /// The file's line number of the document's first line (1-based).
    pub first_line: usize,
}

impl<'a> YamlSource<'a> {
    pub fn new(file: &'a Path, text: &'a str, first_line: usize) -> Self {
        YamlSource {
            file,
            text,
            first_line,
        }
    }

    /// Parses the document; an empty document is an empty mapping.
    pub fn parse(&self) -> Result<Value, Diagnostic> {
        if self.text.trim().is_empty() {
            return Ok(Value::Mapping(Mapping::new()));
        }
        serde_yaml::from_str(self.text).map_err(|err| self.syntax_error(&err))
    }

    /// Turns a serde_yaml error into a diagnostic at the right line of the file.
    fn syntax_error(&self, err: &serde_yaml::Error) -> Diagnostic {
        let (line, column) = match err.location() {
            Some(loc) => (loc.line(), loc.column()),
            None => (1, 1),
        };
        let message = strip_position(&err.to_string());
        let at = |line: usize, column: usize| {
            Some(Location::new(self.file, self.first_line + line - 1, column))
        };
        if let Some((line, column)) = self.tab_indent(line, &message) {
            return Diagnostic::error(
                at(line, column),
                "YAML does not allow tabs for indentation; use spaces",
            )
            .with_help("replace the tab at the start of this line with spaces, indenting as the lines around it");
        }
        if let Some((key, first, repeat)) = self.repeated_key(&message, line, column) {
            return Diagnostic::error(
                at(repeat.0, repeat.1),
                format!(
                    "`{key}` is written twice (first at line {})",
                    self.first_line + first - 1
                ),
            )
            .with_help(format!("keep one `{key}:` and remove the other"));
        }
        Diagnostic::error(at(line, column), format!("invalid YAML: {message}"))
        .with_help("check the indentation and quoting on this line; text containing `: ` or starting with a quote, `[` or `{` must be quoted")
    }

    /// The 1-based line and column of a tab indenting the line a syntax
    /// error was found on (or, when the error is about a tab, the first
    /// line up to it that a tab indents).
    fn tab_indent(&self, line: usize, message: &str) -> Option<(usize, usize)> {
        let lines: Vec<&str> = self.text.lines().collect();
        let tab_in_indent = |n: usize| {
            let text = lines.get(n)?;
            let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
            text[..indent]
                .find('\t')
                .map(|at| (n + 1, text[..at].chars().count() + 1))
        };
        if let Some(found) = tab_in_indent(line.saturating_sub(1)) {
            return Some(found);
        }
        if !message.contains("tab") {
            return None;
        }
        (0..line.min(lines.len())).find_map(tab_in_indent)
    }

    /// For serde_yaml's "duplicate entry with key" (reported where the
    /// mapping starts): the key, the 1-based line of its first use, and the
    /// line and column of its repetition.
    fn repeated_key(
        &self,
        message: &str,
        line: usize,
        column: usize,
    ) -> Option<(String, usize, (usize, usize))> {
        let quoted = message.split("duplicate entry with key ").nth(1)?;
        let key: String = serde_json::from_str(quoted).unwrap_or_else(|_| quoted.to_string());
        let lines: Vec<&str> = self.text.lines().collect();
        let indent = column.checked_sub(1)?;
        let first = line.checked_sub(1)?;
        let is_key_at = |text: &str, at: usize| {
            let rest: String = text.chars().skip(at).collect();
            [key.clone(), format!("\"{key}\""), format!("'{key}'")]
                .iter()
                .any(|k| {
                    rest.strip_prefix(k.as_str())
                        .is_some_and(|r| r.trim_start().starts_with(':'))
                })
        };
        // A flow mapping is reported at its `{`.
        let opens_flow = lines
            .get(first)
            .is_some_and(|text| text.chars().nth(indent) == Some('{'));
        if opens_flow {
            let text = lines[first];
            let chars: Vec<char> = text.chars().collect();
            let mut keys = (indent + 1..chars.len())
                .filter(|&at| matches!(chars[at - 1], ',' | ' ' | '{') && is_key_at(text, at));
            let repeat = keys.nth(1)?;
            return Some((key, line, (line, repeat + 1)));
        }
        let mut seen = None;
        for (n, text) in lines.iter().enumerate().skip(first) {
            let content = text.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let at = text.chars().count() - content.chars().count();
            if at < indent {
                break;
            }
            if at == indent && is_key_at(text, at) {
                match seen {
                    None => seen = Some(n + 1),
                    Some(first) => return Some((key, first, (n + 1, at + 1))),
                }
            }
        }
        None
    }

    /// Where the key at `path` (e.g. `["languages", "ar", "locale"]`) is;
    /// falls back to the deepest parent found, then to the document start.
    pub fn key_location(&self, path: &[&str]) -> Location {
        let (line, column) = self.find_key(path).map_or((0, 0), |k| (k.line, k.indent));
        Location::new(self.file, self.first_line + line, column + 1)
    }

    /// Where the value of the key at `path` starts (the column after `key: `).
    pub fn value_location(&self, path: &[&str]) -> Location {
        match self.find_key(path) {
            Some(found) if found.depth == path.len() => Location::new(
                self.file,
                self.first_line + found.line,
                found.value_column + 1,
            ),
            _ => self.key_location(path),
        }
    }

    /// An error at the key `path`.
    pub fn error_at(&self, path: &[&str], message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Some(self.key_location(path)), message)
    }

    /// An error at the value of the key `path`.
    pub fn error_at_value(&self, path: &[&str], message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Some(self.value_location(path)), message)
    }

    /// Reports every key of `mapping` (found at `path`) that is not `allowed`.
    pub fn unknown_keys(
        &self,
        mapping: &Mapping,
        path: &[&str],
        allowed: &[&str],
        what: &str,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for key in mapping.keys() {
            let name = key_text(key);
            if allowed.contains(&name.as_str()) {
                continue;
            }
            let mut key_path = path.to_vec();
            key_path.push(&name);
            let help = match did_you_mean(&name, allowed.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the known keys are: {}", allowed.join(", ")),
            };
            problems.push(
                self.error_at(&key_path, format!("unknown {what} key `{name}`"))
                    .with_help(help),
            );
        }
        problems
    }

    /// Deserializes the value of `path` into `T`, reporting a type mismatch at
    /// the value's position.
    pub fn typed<T: DeserializeOwned>(
        &self,
        value: &Value,
        path: &[&str],
        expected: &str,
    ) -> Result<T, Diagnostic> {
        serde_yaml::from_value(value.clone()).map_err(|err| {
            self.error_at_value(
                path,
                format!(
                    "`{}` must be {expected}: {}",
                    path.join("."),
                    strip_position(&err.to_string())
                ),
            )
        })
    }

    /// Where item `index` of the sequence at `path` starts: its first
    /// character after `- ` in a block sequence, or inside `[ … ]` in a
    /// flow sequence (which may run over several lines). Falls back to
    /// the value of `path` when the item cannot be found.
    pub fn item_location(&self, path: &[&str], index: usize) -> Location {
        match self.find_item(path, index) {
            Some((line, column)) => Location::new(self.file, self.first_line + line, column + 1),
            None => self.value_location(path),
        }
    }

    /// Where the value of `key` is inside item `index` of the sequence at
    /// `path`, when that item is a mapping (`- date: …` or `{ date: … }`);
    /// else where the item starts.
    pub fn item_value_location(&self, path: &[&str], index: usize, key: &str) -> Location {
        let Some((line, column)) = self.find_item(path, index) else {
            return self.value_location(path);
        };
        let lines: Vec<&str> = self.text.lines().collect();
        let at = |l: usize, c: usize| Location::new(self.file, self.first_line + l, c + 1);
        let first: Vec<char> = lines[line].chars().collect();
        if first.get(column) == Some(&'{') {
            let parent = FoundKey {
                line,
                indent: column,
                value_column: column,
                depth: 0,
            };
            return find_in_flow(lines[line], &parent, key)
                .map_or_else(|| at(line, column), |k| at(k.line, k.value_column));
        }
        // A block mapping whose first key is on the dash's line: its keys
        // are the lines indented as far as that first key.
        for (n, text) in lines.iter().enumerate().skip(line) {
            let chars: Vec<char> = text.chars().collect();
            let indent = chars.iter().take_while(|c| **c == ' ').count();
            if n > line && !text.trim().is_empty() && indent < column {
                break;
            }
            if n > line && indent != column {
                continue;
            }
            let rest: String = chars.get(column..).unwrap_or_default().iter().collect();
            if let Some(after) = rest.strip_prefix(key)
                && let Some(value) = after.trim_start().strip_prefix(':')
            {
                let gap = value.chars().take_while(|c| *c == ' ').count();
                return at(n, chars.len() - value.chars().count() + gap);
            }
        }
        at(line, column)
    }

    /// The 0-based line and character column of item `index` of the
    /// sequence at `path`.
    fn find_item(&self, path: &[&str], index: usize) -> Option<(usize, usize)> {
        let found = self.find_key(path).filter(|k| k.depth == path.len())?;
        let lines: Vec<&str> = self.text.lines().collect();
        let value: Vec<char> = lines[found.line].chars().collect();
        if value.get(found.value_column) == Some(&'[') {
            return flow_item(&lines, found.line, found.value_column, index);
        }
        // A block sequence: `- ` lines indented at least as far as the key.
        let mut item_indent = None;
        let mut seen = 0;
        for (n, text) in lines.iter().enumerate().skip(found.line + 1) {
            let content = text.trim_start();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = text.chars().count() - content.chars().count();
            let dash = content == "-" || content.starts_with("- ");
            if indent < found.indent || (indent == found.indent && !dash) {
                return None;
            }
            let expected = *item_indent.get_or_insert(indent);
            if indent < expected {
                return None;
            }
            if indent == expected && dash {
                if seen == index {
                    let after = content[1..].chars().take_while(|c| *c == ' ').count();
                    return Some((n, indent + 1 + after));
                }
                seen += 1;
            }
        }
        None
    }

    fn find_key(&self, path: &[&str]) -> Option<FoundKey> {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut found: Option<FoundKey> = None;
        let (mut from, mut parent_indent) = (0usize, -1isize);
        for (depth, key) in path.iter().enumerate() {
            let Some(hit) = find_in_block(&lines, from, parent_indent, key) else {
                // Not a block child: perhaps in a flow mapping on the
                // parent's line (`source: { name: AP, url: … }`).
                let in_flow = found
                    .as_ref()
                    .and_then(|parent| find_in_flow(lines[parent.line], parent, key))
                    .map(|hit| FoundKey {
                        depth: depth + 1,
                        ..hit
                    });
                return in_flow.or(found);
            };
            parent_indent = hit.indent as isize;
            from = hit.line + 1;
            found = Some(FoundKey {
                depth: depth + 1,
                ..hit
            });
        }
        found
    }
}

struct FoundKey {
    /// 0-based line within the document.
    line: usize,
    /// 0-based column of the key.
    indent: usize,
    /// 0-based column of the value.
    value_column: usize,
    /// How many path segments were matched.
    depth: usize,
}

/// Finds `key` among the direct children of the block starting at line
/// `from` whose parent is indented `parent_indent`.
fn find_in_block(lines: &[&str], from: usize, parent_indent: isize, key: &str) -> Option<FoundKey> {
    let mut child_indent: Option<usize> = None;
    for (n, line) in lines.iter().enumerate().skip(from) {
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.chars().count() - content.chars().count();
        if indent as isize <= parent_indent {
            return None;
        }
        let expected = *child_indent.get_or_insert(indent);
        if indent != expected {
            continue;
        }
        for quoted in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
            if let Some(rest) = content.strip_prefix(quoted.as_str())
                && let Some(after) = rest.trim_start().strip_prefix(':')
            {
                let spaces = after.chars().take_while(|c| *c == ' ').count();
                let value_column = line.chars().count() - after.chars().count() + spaces;
                return Some(FoundKey {
                    line: n,
                    indent,
                    value_column,
                    depth: 0,
                });
            }
        }
    }
    None
}

/// Finds `key: ` inside the flow mapping that is the value of `parent`, on
/// the parent's line.
fn find_in_flow(line: &str, parent: &FoundKey, key: &str) -> Option<FoundKey> {
    let chars: Vec<char> = line.chars().collect();
    let key_chars: Vec<char> = key.chars().collect();
    (parent.value_column..chars.len()).find_map(|at| {
        let starts_key = at == 0 || matches!(chars[at - 1], '{' | ',' | ' ');
        let rest = chars.get(at..)?;
        if !starts_key || !rest.starts_with(&key_chars) {
            return None;
        }
        let after = &rest[key_chars.len()..];
        let spaces = after.iter().take_while(|c| **c == ' ').count();
        (after.get(spaces) == Some(&':')).then(|| {
            let value = at + key_chars.len() + spaces + 1;
            let gap = chars[value..].iter().take_while(|c| **c == ' ').count();
            FoundKey {
                line: parent.line,
                indent: at,
                value_column: value + gap,
                depth: 0,
            }
        })
    })
}

/// Item `index` of the flow sequence whose `[` is at `line`, `column`:
/// items are separated by commas outside quotes and nested brackets.
fn flow_item(lines: &[&str], line: usize, column: usize, index: usize) -> Option<(usize, usize)> {
    let (mut depth, mut seen) = (0usize, 0usize);
    let (mut quote, mut escaped, mut expecting) = (None::<char>, false, false);
    for (n, text) in lines.iter().enumerate().skip(line) {
        let skip = if n == line { column } else { 0 };
        for (at, c) in text.chars().enumerate().skip(skip) {
            if let Some(q) = quote {
                match c {
                    _ if escaped => escaped = false,
                    '\\' if q == '"' => escaped = true,
                    _ if c == q => quote = None,
                    _ => {}
                }
                continue;
            }
            if expecting && depth == 1 && !c.is_whitespace() {
                if c == ']' {
                    return None;
                }
                if seen == index {
                    return Some((n, at));
                }
                seen += 1;
                expecting = false;
            }
            match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    expecting = depth == 1;
                }
                ']' | '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return None;
                    }
                }
                ',' if depth == 1 => expecting = true,
                _ => {}
            }
        }
    }
    None
}

/// The text of a mapping key, whatever its YAML type.
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Removes serde_yaml's " at line N column M" (positions of the YAML
/// fragment, which would be wrong for the file) from a message.
pub fn strip_position(message: &str) -> String {
    let cut = message
        .find(" at line ")
        .or_else(|| message.find(", while parsing"))
        .unwrap_or(message.len());
    message[..cut].trim_end_matches([',', ' ']).to_string()
}

/// UTF-8 text with any byte-order mark removed and CRLF line ends made LF.
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        let valid = std::str::from_utf8(&bytes[..offset]).expect("valid up to here");
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::error(
            Some(Location::new(path, line, column)),
            format!(
                "the file is not valid UTF-8 (invalid byte 0x{:02X} at byte offset {offset})",
                bytes[offset]
            ),
        )
        .with_help("save the file with UTF-8 encoding")
    })?;
    Ok(if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "base_url: x\nlanguages:\n  ar:\n    name: عربي\n    locale:  ar-IQ\n  en:\n    locale: en-GB\ntheme: default\n";

    #[test]
    fn finds_nested_keys_and_values() {
        let src = YamlSource::new(Path::new("digest.yaml"), DOC, 1);
        assert_eq!(src.key_location(&["theme"]).to_string(), "digest.yaml:8:1");
        assert_eq!(
            src.key_location(&["languages", "en", "locale"]).to_string(),
            "digest.yaml:7:5"
        );
        assert_eq!(
            src.value_location(&["languages", "ar", "locale"])
                .to_string(),
            "digest.yaml:5:14"
        );
    }

    #[test]
    fn finds_keys_inside_flow_mappings() {
        let src = YamlSource::new(
            Path::new("a.md"),
            "title: x\nsource: { name: AP, link: https://apnews.com/ }\n",
            2,
        );
        assert_eq!(
            src.key_location(&["source", "link"]).to_string(),
            "a.md:3:21"
        );
        assert_eq!(
            src.value_location(&["source", "name"]).to_string(),
            "a.md:3:17"
        );
        assert_eq!(
            src.key_location(&["source", "nothing"]).to_string(),
            "a.md:3:1",
            "the parent when the key is not found"
        );
    }

    #[test]
    fn offsets_lines_by_where_the_document_starts() {
        let src = YamlSource::new(Path::new("a.md"), "title: x\ndate: y\n", 2);
        assert_eq!(src.key_location(&["date"]).to_string(), "a.md:3:1");
    }

    #[test]
    fn tabs_in_indentation_are_named_at_their_line() {
        for text in ["title: x\ntags:\n  - a\n\t- b\n", "title: x\n\tdate: y\n"] {
            let src = YamlSource::new(Path::new("a.md"), text, 2);
            let err = src.parse().unwrap_err();
            let last = text.trim_end().lines().count() + 1;
            assert_eq!(
                err.to_string(),
                format!(
                    "error: a.md:{last}:1: YAML does not allow tabs for indentation; use spaces\n  help: replace the tab at the start of this line with spaces, indenting as the lines around it"
                )
            );
        }
    }

    #[test]
    fn a_repeated_key_is_reported_where_it_is_repeated() {
        let cases = [
            (
                "title: a\ndate: b\ntitle: c\n",
                "a.md:4:1: `title` is written twice (first at line 2)",
            ),
            (
                "title: a\nsource:\n  name: x\n  # note\n  url: y\n  name: z\n",
                "a.md:7:3: `name` is written twice (first at line 4)",
            ),
            (
                "title: a\nsource: { name: x, name: y }\n",
                "a.md:3:20: `name` is written twice (first at line 3)",
            ),
        ];
        for (text, expected) in cases {
            let err = YamlSource::new(Path::new("a.md"), text, 2)
                .parse()
                .unwrap_err();
            let shown = err.to_string();
            assert_eq!(
                shown.lines().next().unwrap(),
                format!("error: {expected}"),
                "{text}"
            );
        }
    }

    #[test]
    fn finds_items_of_block_and_flow_sequences() {
        let text = "menu:\n  ar: [news, \"a, b\", { label: x, url: y }]\n  en:\n  - news\n  -   about\ncorrections:\n- date: 2021-12-11\n  text: One\n-  { text: Two, date: 2021-12-12 }\nlist: [one,\n  two]\n";
        let src = YamlSource::new(Path::new("digest.yaml"), text, 1);
        let at = |path: &[&str], i: usize| src.item_location(path, i).to_string();
        assert_eq!(at(&["menu", "ar"], 0), "digest.yaml:2:8");
        assert_eq!(at(&["menu", "ar"], 1), "digest.yaml:2:14");
        assert_eq!(at(&["menu", "ar"], 2), "digest.yaml:2:22");
        assert_eq!(at(&["menu", "en"], 0), "digest.yaml:4:5");
        assert_eq!(at(&["menu", "en"], 1), "digest.yaml:5:7");
        assert_eq!(at(&["list"], 1), "digest.yaml:11:3");
        assert_eq!(
            at(&["menu", "en"], 2),
            "digest.yaml:3:6",
            "past the end: the value of the key"
        );
        let value = |i: usize, key: &str| {
            src.item_value_location(&["corrections"], i, key)
                .to_string()
        };
        assert_eq!(value(0, "date"), "digest.yaml:7:9");
        assert_eq!(value(0, "text"), "digest.yaml:8:9");
        assert_eq!(value(1, "date"), "digest.yaml:9:23");
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let src = YamlSource::new(Path::new("a.md"), "title: x\ndate: [\n", 2);
        let err = src.parse().unwrap_err();
        let at = err.location.unwrap();
        assert_eq!(at.file, Path::new("a.md"));
        assert!(at.line >= 3, "{at}");
        assert!(err.message.starts_with("invalid YAML: "), "{}", err.message);
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }
}
