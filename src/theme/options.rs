//! A theme's options: the theme declares each with its default in
//! `theme.yaml` (`options: { relative_dates: false }`); a site sets them
//! under `theme_options:` in `digest.yaml`. An option the theme does not
//! have, or a value of another kind than its default, is an error at its
//! line in `digest.yaml`. Templates see the result as `options`.
//!
//! A static file that only an option uses (a script) is published only
//! when that option is on: `files: { relative-dates.js: relative_dates }`.

use std::path::Path;

use serde_yaml::Value;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::yaml::{YamlSource, decode, key_text};

/// The file a theme declares its options in.
pub const THEME_FILE: &str = "theme.yaml";

/// The options as templates see them: every option of the theme, set as
/// the site says or to its default.
pub type Options = serde_json::Map<String, serde_json::Value>;

/// What `theme.yaml` declares.
#[derive(Debug, Default)]
struct Declared {
    /// Each option with its default, in the file's order.
    options: Vec<(String, Value)>,
    /// Static files (paths under `static/`) published only when their
    /// option is on.
    files: Vec<(String, String)>,
}

/// The theme's options as the site sets them, and the static files left
/// out because their option is off.
#[derive(Debug, Default)]
pub struct ThemeOptions {
    pub values: Options,
    pub unused_files: Vec<String>,
}

/// Reads the theme's options from `bytes` (its `theme.yaml`, if it has
/// one) and applies the site's settings. `dir` is the theme's folder
/// relative to the site, for messages.
pub fn load(
    config: &Config,
    dir: &Path,
    bytes: Option<&[u8]>,
    problems: &mut Diagnostics,
) -> ThemeOptions {
    let file = dir.join(THEME_FILE);
    let Declared {
        options: declared,
        files,
    } = bytes.map_or_else(Declared::default, |b| declared(&file, b, problems));
    let mut options: Options = declared
        .iter()
        .map(|(name, value)| (name.clone(), json(value)))
        .collect();
    for setting in &config.theme_options {
        let Some((_, default)) = declared.iter().find(|(name, _)| *name == setting.name) else {
            let names: Vec<&str> = declared.iter().map(|(n, _)| n.as_str()).collect();
            let help = match did_you_mean(&setting.name, names.iter().copied()) {
                Some(close) => format!(
                    "did you mean `{close}`? The theme's options are declared in {}",
                    file.display()
                ),
                None if names.is_empty() => format!("the theme `{}` has no options", config.theme),
                None => format!("the theme's options are: {}", names.join(", ")),
            };
            problems.push(
                Diagnostic::error(
                    Some(setting.at.clone()),
                    format!(
                        "the theme `{}` has no option `{}`",
                        config.theme, setting.name
                    ),
                )
                .with_help(help),
            );
            continue;
        };
        if std::mem::discriminant(default) != std::mem::discriminant(&setting.value) {
            problems.push(
                Diagnostic::error(
                    Some(setting.value_at.clone()),
                    format!(
                        "the theme option `{}` must be {}",
                        setting.name,
                        kind(default)
                    ),
                )
                .with_help(format!(
                    "its default in {} is `{}`",
                    file.display(),
                    key_text(default)
                )),
            );
            continue;
        }
        options.insert(setting.name.clone(), json(&setting.value));
    }
    let on = |value: &serde_json::Value| match value {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => false,
    };
    let unused_files = files
        .into_iter()
        .filter(|(_, option)| !options.get(option).is_some_and(on))
        .map(|(path, _)| path)
        .collect();
    ThemeOptions {
        values: options,
        unused_files,
    }
}

/// What `theme.yaml` declares: options with their defaults, in its
/// order, and the static files that belong to an option.
fn declared(file: &Path, bytes: &[u8], problems: &mut Diagnostics) -> Declared {
    let text = match decode(file, bytes) {
        Ok(text) => text,
        Err(d) => {
            problems.push(d);
            return Declared::default();
        }
    };
    let src = YamlSource::new(file, &text, 1);
    let doc = match src.parse() {
        Ok(doc) => doc,
        Err(d) => {
            problems.push(d);
            return Declared::default();
        }
    };
    let Some(map) = doc.as_mapping() else {
        problems.push(Diagnostic::in_file(file, "theme.yaml must be a mapping").with_help(
            "declare the theme's options with their defaults, e.g. `options: { relative_dates: false }`",
        ));
        return Declared::default();
    };
    problems.extend(src.unknown_keys(map, &[], &["options", "files"], "theme"));
    let options = map
        .get("options")
        .and_then(Value::as_mapping)
        .map(|options| declared_options(&src, options, problems))
        .unwrap_or_default();
    let mut files = Vec::new();
    for (path, option) in map
        .get("files")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let (path, option) = (key_text(path), key_text(option));
        if options.iter().any(|(name, _)| *name == option) {
            files.push((path, option));
        } else {
            problems.push(
                Diagnostic::error(
                    Some(src.value_location(&["files", &path])),
                    format!("the file `{path}` belongs to `{option}`, which is not an option of the theme"),
                )
                .with_help("name an option declared under `options:`"),
            );
        }
    }
    Declared { options, files }
}

fn declared_options(
    src: &YamlSource,
    options: &serde_yaml::Mapping,
    problems: &mut Diagnostics,
) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (name, value) in options {
        let name = key_text(name);
        if matches!(value, Value::Bool(_) | Value::Number(_) | Value::String(_)) {
            found.push((name, value.clone()));
        } else {
            let at: Location = src.value_location(&["options", &name]);
            problems.push(
                Diagnostic::error(
                    Some(at),
                    format!(
                        "the default of the option `{name}` must be true or false, a number or text"
                    ),
                )
                .with_help("give each option a plain default, e.g. `relative_dates: false`"),
            );
        }
    }
    found
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        _ => "text",
    }
}

fn json(value: &Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
