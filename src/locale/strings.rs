//! The theme's UI strings (`i18n/<lang>.yaml`), loaded with each edition's
//! locale data and checked at load: every language defines every key, with
//! every plural form the language uses, and templates ask only for keys
//! that exist. A string missing in one language is a build error, never an
//! empty span.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_yaml::Value;

use crate::config::{Config, Lang};
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::locale::format::{LocaleData, Message, PLURAL_FORMS, missing_string_message};
use crate::yaml::{YamlSource, key_text};

/// UI strings digest itself uses, whatever the templates say (every theme
/// must define them), with what for.
pub const REQUIRED_STRINGS: &[(&str, &str)] = &[
    (
        "switch_translation",
        "the language switcher's link to a page's translation",
    ),
    (
        "switch_untranslated",
        "the language switcher's link to the edition's home when a page has no translation",
    ),
    (
        "page_n",
        "the title of a list's later pages, with `{page}` for the number",
    ),
    ("topics", "the title of the topic index"),
    ("editions", "the title of the index of editions"),
    (
        "edition_week",
        "the name of a weekly edition, with `{date}` for its first day",
    ),
    (
        "email_subject",
        "an edition's email subject, with `{edition}` and `{period}`",
    ),
    (
        "other_stories",
        "the group of an edition's stories without a topic",
    ),
    ("daily_editions", "the title of the feed of daily editions"),
    (
        "weekly_editions",
        "the title of the feed of weekly editions",
    ),
    ("embed_play", "the play button of an embedded video or post"),
    (
        "embed_notice",
        "the note under an embed before it is played, with `{provider}` for the provider's name",
    ),
    (
        "preview_draft",
        "the banner of a draft's page in a preview (`--drafts`)",
    ),
    (
        "preview_scheduled",
        "the banner of a scheduled story's page in a preview, with `{date}` and `{time}` for when it is due",
    ),
    ("badge_draft", "the mark of a draft's card in a preview"),
    (
        "badge_scheduled",
        "the mark of a scheduled story's card in a preview",
    ),
    (
        "search_results",
        "the search page's count of results, with `{count}` and `{query}`",
    ),
    (
        "authors",
        "the title of the author index (and its entry in a menu)",
    ),
];

/// A theme's UI strings for one language, with where each is defined.
struct StringTable {
    path: PathBuf,
    strings: IndexMap<String, Message>,
    /// The line of each key, for messages.
    lines: IndexMap<String, Location>,
}

/// Locale data for every edition, in the configuration's order.
#[derive(Debug)]
pub struct Locales {
    data: Vec<LocaleData>,
    /// Each language's UI strings file (`themes/default/i18n/ar.yaml`).
    files: Vec<PathBuf>,
}

/// A theme's UI string files, as the theme stage read them.
pub struct StringFiles<'a> {
    /// Where they are (`themes/default/i18n`), for messages.
    pub dir: PathBuf,
    /// Each file's name (`ar.yaml`) and bytes.
    pub files: Vec<(&'a str, &'a [u8])>,
    /// They are the built-in theme's, which cannot be edited where they are.
    pub built_in: bool,
}

impl Locales {
    /// Loads the theme's UI strings and the ICU data for every language, and
    /// checks that every language defines every string, with every plural
    /// form the language uses.
    pub fn load(config: &Config, i18n: &StringFiles) -> Result<Locales, Diagnostics> {
        let mut problems = Diagnostics::new();
        let mut tables: Vec<StringTable> = Vec::new();
        for language in &config.languages {
            let name = format!("{}.yaml", language.lang);
            let shown = i18n.dir.join(&name);
            match i18n.files.iter().find(|(n, _)| *n == name) {
                Some((_, bytes)) => match read_strings(&shown, bytes) {
                    Ok(table) => tables.push(table),
                    Err(ds) => problems.extend(ds),
                },
                None if i18n.built_in => problems.push(
                    Diagnostic::error(
                        None,
                        format!(
                            "the built-in theme has no UI strings for language `{}`",
                            language.lang
                        ),
                    )
                    .with_help(format!(
                        "run `digest theme copy` to write the theme into {}, then copy another language's file there to {} and translate it",
                        i18n.dir.parent().unwrap_or(&i18n.dir).display(),
                        shown.display()
                    )),
                ),
                None => problems.push(
                    Diagnostic::error(
                        None,
                        format!(
                            "the theme has no UI strings for language `{}` ({})",
                            language.lang,
                            shown.display()
                        ),
                    )
                    .with_help(format!(
                        "copy another language's file to {} and translate it",
                        shown.display()
                    )),
                ),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        check_same_keys(config, &tables, &mut problems);
        let mut locales = Locales {
            data: Vec::new(),
            files: Vec::new(),
        };
        for (language, table) in config.languages.iter().zip(tables) {
            match LocaleData::new(language, table.strings.clone(), &config.timezone) {
                Ok(data) => {
                    check_plural_forms(&data, &table, &mut problems);
                    locales.data.push(data);
                    locales.files.push(table.path);
                }
                Err(why) => problems.push(Diagnostic::in_file(&table.path, why)),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(locales)
    }

    pub fn find(&self, lang: &Lang) -> Option<&LocaleData> {
        self.data.iter().find(|l| &l.lang == lang)
    }

    pub fn get(&self, lang: &Lang) -> &LocaleData {
        self.data
            .iter()
            .find(|l| &l.lang == lang)
            .expect("every configured language has locale data")
    }

    /// Checks a template's literal `t(key="…")` calls against the UI
    /// strings, so that a misspelt key is an error at the template's line
    /// even if no page of this site happens to render that line. Keys given
    /// as variables are checked when the page renders.
    pub fn check_template(&self, file: &Path, source: &str) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for call in string_calls(source) {
            let at = Location::new(file, call.line, call.column);
            for (locale, strings_file) in self.data.iter().zip(&self.files) {
                if !locale.has_string(&call.key) {
                    problems.push(
                        Diagnostic::error(
                            Some(at.clone()),
                            missing_string_message(&call.key, &locale.lang),
                        )
                        .with_help(missing_string_help(
                            &call.key,
                            locale,
                            strings_file,
                        )),
                    );
                } else if locale.is_plural(&call.key) && !call.has_count {
                    problems.push(
                        Diagnostic::error(
                            Some(at.clone()),
                            format!(
                                "the UI string `{}` has plural forms, but this call gives no `count`",
                                call.key
                            ),
                        )
                        .with_help(format!(
                            "write t(key=\"{}\", count=…) with the number the text is about",
                            call.key
                        )),
                    );
                    break;
                }
            }
        }
        problems
    }

    /// Gives a template error that is a missing UI string (from a `t()`
    /// call whose key is a variable) the help of one.
    pub fn explain(&self, mut d: Diagnostic) -> Diagnostic {
        for (locale, strings_file) in self.data.iter().zip(&self.files) {
            let key = d
                .message
                .strip_prefix("the UI string `")
                .and_then(|rest| rest.split('`').next());
            if let Some(key) = key
                && d.message == missing_string_message(key, &locale.lang)
            {
                d.help = Some(missing_string_help(key, locale, strings_file));
                break;
            }
        }
        d
    }
}

fn missing_string_help(key: &str, locale: &LocaleData, strings_file: &Path) -> String {
    match crate::error::did_you_mean(key, locale.string_keys()) {
        Some(close) => format!(
            "did you mean `{close}`? Otherwise add `{key}:` to {}",
            strings_file.display()
        ),
        None => format!(
            "add `{key}:` to {}, or correct the key",
            strings_file.display()
        ),
    }
}

/// A literal `t(key="…")` call in a template.
#[derive(Debug, PartialEq, Eq)]
struct StringCall {
    key: String,
    line: usize,
    column: usize,
    has_count: bool,
}

/// Finds the `t(key="…", …)` calls in a template's source, skipping
/// comments (`{# … #}`). Lines and columns are 1-based, columns in
/// characters.
fn string_calls(source: &str) -> Vec<StringCall> {
    let mut calls = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{#") {
            i = source[i..]
                .find("#}")
                .map_or(bytes.len(), |end| i + end + 2);
            continue;
        }
        let follows_name =
            i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || b"_.".contains(&bytes[i - 1]));
        if !bytes[i..].starts_with(b"t(") || follows_name {
            i += 1;
            continue;
        }
        // Every byte looked at below is ASCII, so slicing at them is safe.
        let args_start = i + 2;
        let (mut depth, mut quote, mut end) = (1, None, args_start);
        while end < bytes.len() && depth > 0 {
            match (quote, bytes[end]) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, c @ (b'"' | b'\'' | b'`')) => quote = Some(c),
                (None, b'(') => depth += 1,
                (None, b')') => depth -= 1,
                _ => {}
            }
            end += 1;
        }
        let args_end = if depth == 0 { end - 1 } else { end };
        if let Some(key) = literal_kwarg(&source[args_start..args_end], "key") {
            let before = &source[..i];
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            calls.push(StringCall {
                key,
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                has_count: kwarg_names(&source[args_start..args_end]).any(|n| n == "count"),
            });
        }
        i = end;
    }
    calls
}

/// The names of the keyword arguments at the top level of `args`.
fn kwarg_names(args: &str) -> impl Iterator<Item = &str> {
    split_top_level(args).filter_map(|arg| arg.split_once('=').map(|(name, _)| name.trim()))
}

/// The string value of keyword argument `name`, when it is a literal.
fn literal_kwarg(args: &str, name: &str) -> Option<String> {
    split_top_level(args).find_map(|arg| {
        let (n, value) = arg.split_once('=')?;
        if n.trim() != name {
            return None;
        }
        let value = value.trim();
        let quote = value
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        value
            .strip_prefix(quote)?
            .strip_suffix(quote)
            .map(str::to_string)
    })
}

/// `a=1, b=f(x, y), c="p, q"` → `a=1`, `b=f(x, y)`, `c="p, q"`.
fn split_top_level(args: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (at, c) in args.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&args[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&args[start..]);
    parts.into_iter()
}

/// Every key any language defines must exist in every language.
fn check_same_keys(config: &Config, tables: &[StringTable], problems: &mut Diagnostics) {
    for (language, table) in config.languages.iter().zip(tables) {
        for (required, used_for) in REQUIRED_STRINGS {
            if !table.strings.contains_key(*required) {
                problems.push(
                    Diagnostic::in_file(
                        &table.path,
                        missing_string_message(required, &language.lang),
                    )
                    .with_help(format!(
                        "add `{required}:` to {}: digest uses it for {used_for}",
                        table.path.display()
                    )),
                );
            }
        }
        for other in tables.iter().filter(|t| t.path != table.path) {
            for (key, defined_at) in other
                .lines
                .iter()
                .filter(|(k, _)| !table.strings.contains_key(*k))
            {
                if REQUIRED_STRINGS.iter().any(|(k, _)| k == key) {
                    continue;
                }
                problems.push(
                    Diagnostic::in_file(&table.path, missing_string_message(key, &language.lang))
                        .with_help(format!(
                            "add `{key}:` to {} (it is defined at {defined_at})",
                            table.path.display()
                        )),
                );
            }
        }
    }
}

/// Every plural string must give every form the language uses: Arabic
/// needs all six, English `one` and `other`.
fn check_plural_forms(data: &LocaleData, table: &StringTable, problems: &mut Diagnostics) {
    let used = data.plural_forms_used();
    let all: Vec<&str> = used.iter().map(|(form, _)| *form).collect();
    for (key, message) in &table.strings {
        let Message::Plural(forms) = message else {
            continue;
        };
        for (form, example) in used.iter().filter(|(form, _)| !forms.contains_key(*form)) {
            problems.push(
                Diagnostic::error(
                    Some(table.lines[key].clone()),
                    format!(
                        "the plural string `{key}` has no `{form}` form, which language `{}` uses for numbers such as {example}",
                        data.lang
                    ),
                )
                .with_help(format!(
                    "add `{form}:` under `{key}:`; {} uses the forms {}",
                    data.lang,
                    all.join(", ")
                )),
            );
        }
    }
}

fn read_strings(path: &Path, bytes: &[u8]) -> Result<StringTable, Vec<Diagnostic>> {
    let text = crate::yaml::decode(path, bytes).map_err(|d| vec![d])?;
    let src = YamlSource::new(path, &text, 1);
    let doc = src.parse().map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let mut table = IndexMap::new();
    let mut lines = IndexMap::new();
    let Some(map) = doc.as_mapping() else {
        return Err(vec![Diagnostic::in_file(
            path,
            "UI strings must be `key: text` lines",
        )]);
    };
    for (key, value) in map {
        let key = key_text(key);
        lines.insert(key.clone(), src.key_location(&[&key]));
        match value {
            Value::String(_) | Value::Number(_) => {
                table.insert(key, Message::Plain(key_text(value)));
            }
            Value::Mapping(forms) => {
                let mut plural = IndexMap::new();
                for (form, text) in forms {
                    let form = key_text(form);
                    if !PLURAL_FORMS.contains(&form.as_str()) {
                        problems.push(
                            src.error_at(&[&key, &form], format!("`{form}` is not a plural form"))
                                .with_help("use the CLDR forms: zero, one, two, few, many, other"),
                        );
                        continue;
                    }
                    plural.insert(form, key_text(text));
                }
                if !plural.contains_key("other") {
                    problems.push(src.error_at(&[&key], format!("the plural string `{key}` has no `other` form"))
                        .with_help("every plural string needs `other`, the form used when no other applies"));
                }
                table.insert(key, Message::Plural(plural));
            }
            _ => problems.push(src.error_at(
                &[&key],
                format!("the UI string `{key}` must be text or plural forms"),
            )),
        }
    }
    if problems.is_empty() {
        Ok(StringTable {
            path: path.to_path_buf(),
            strings: table,
            lines,
        })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::LanguageConfig;

    fn language(locale: &str, extra: &str) -> LanguageConfig {
        let text = format!(
            "base_url: https://x.org/\ndefault_language: ar\nlanguages:\n  ar:\n    name: ع\n    title: ع\n    locale: {locale}\n{extra}"
        );
        crate::config::Config::parse(Path::new("digest.yaml"), &text)
            .unwrap()
            .languages
            .remove(0)
    }

    fn strings(yaml: &str) -> IndexMap<String, Message> {
        read_strings(Path::new("ar.yaml"), yaml.as_bytes())
            .unwrap()
            .strings
    }

    const ARTICLES: &str = "articles:\n  zero: لا مقالات\n  one: مقال واحد\n  two: مقالان\n  few: \"{count} مقالات\"\n  many: \"{count} مقالًا\"\n  other: \"{count} مقال\"\n";

    #[test]
    fn arabic_has_six_plural_forms() {
        let ar = LocaleData::new(
            &language("ar-IQ", "    digits: latn\n"),
            strings(ARTICLES),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100]
            .iter()
            .map(|n| ar.text("articles", Some(*n), &[]).unwrap())
            .collect();
        assert_eq!(
            forms,
            [
                "لا مقالات",
                "مقال واحد",
                "مقالان",
                "3 مقالات",
                "11 مقالًا",
                "100 مقال"
            ]
        );
    }

    #[test]
    fn english_has_one_and_other() {
        let en = LocaleData::new(
            &language("en-GB", ""),
            strings("articles:\n  one: \"{count} article\"\n  other: \"{count} articles\"\n"),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        let forms: Vec<String> = [0, 1, 2, 3, 11, 100]
            .iter()
            .map(|n| en.text("articles", Some(*n), &[]).unwrap())
            .collect();
        assert_eq!(
            forms,
            [
                "0 articles",
                "1 article",
                "2 articles",
                "3 articles",
                "11 articles",
                "100 articles"
            ]
        );
        assert_eq!(en.plural_forms_used(), [("one", 1), ("other", 0)]);
    }

    #[test]
    fn every_arabic_plural_form_has_an_example_number() {
        let ar = LocaleData::new(
            &language("ar-IQ", ""),
            IndexMap::new(),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(
            ar.plural_forms_used(),
            [
                ("zero", 0),
                ("one", 1),
                ("two", 2),
                ("few", 3),
                ("many", 11),
                ("other", 100)
            ]
        );
    }

    #[test]
    fn literal_string_calls_are_found_with_their_position() {
        let source = "<p>{{ t(key=\"home\") }}</p>\n{# t(key=\"in_a_comment\") #}\n· {{ t( count=n, key='articles', x=f(a, b)) }} {{ t(key=name) }} {{ at(key=\"no\") }}";
        assert_eq!(
            string_calls(source),
            [
                StringCall {
                    key: "home".into(),
                    line: 1,
                    column: 7,
                    has_count: false
                },
                StringCall {
                    key: "articles".into(),
                    line: 3,
                    column: 6,
                    has_count: true
                },
            ]
        );
    }

    #[test]
    fn arabic_indic_digits_follow_the_locale() {
        let ar = LocaleData::new(
            &language("ar-IQ", ""),
            strings(ARTICLES),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(ar.text("articles", Some(11), &[]).unwrap(), "١١ مقالًا");
    }

    #[test]
    fn month_names_are_regional() {
        let date = crate::dates::parse_date("2021-12-30", &jiff::tz::TimeZone::UTC).unwrap();
        let iq = LocaleData::new(
            &language("ar-IQ", "    digits: latn\n"),
            IndexMap::new(),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(iq.date(&date).display, "30 كانون الأول 2021");
        let eg = LocaleData::new(
            &language("ar-EG", "    digits: latn\n"),
            IndexMap::new(),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(eg.date(&date).display, "30 ديسمبر 2021");
        let dual = LocaleData::new(
            &language(
                "ar-IQ",
                "    digits: latn\n    dual_months: true\n    hijri: true\n",
            ),
            IndexMap::new(),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        let text = dual.date(&date);
        assert_eq!(text.display, "30 كانون الأول/ديسمبر 2021");
        assert_eq!(text.hijri.as_deref(), Some("26 جمادى الأولى 1443 هـ"));
        assert_eq!(text.iso, "2021-12-30T00:00:00+00:00");
    }

    #[test]
    fn times_are_told_in_the_site_time_zone_with_the_locale_s_glue_and_clock() {
        let baghdad = jiff::tz::TimeZone::get("Asia/Baghdad").unwrap();
        let at = |text: &str| crate::dates::parse_date(text, &baghdad).unwrap();
        let locale = |tag: &str, extra: &str| {
            LocaleData::new(&language(tag, extra), IndexMap::new(), &baghdad).unwrap()
        };
        let ar = locale("ar-IQ", "");
        let text = ar.date(&at("2021-12-10T14:00:00+03:00"));
        assert_eq!(text.date_time, "١٠ كانون الأول ٢٠٢١، ١٤:٠٠");
        assert_eq!(
            (text.display.as_str(), text.time.as_deref()),
            ("١٠ كانون الأول ٢٠٢١", Some("١٤:٠٠"))
        );
        assert_eq!(text.locale, "ar-IQ-u-hc-h23");
        let en = locale("en-GB", "");
        assert_eq!(
            en.date(&at("2021-12-10T11:00:00Z")).date_time,
            "10 December 2021, 14:00",
            "written in UTC, told in Baghdad"
        );
        // Past midnight in Baghdad, whatever the offset written.
        let late = en.date(&at("2026-11-30T22:30:00Z"));
        assert_eq!(
            (late.display.as_str(), late.time.as_deref()),
            ("1 December 2026", Some("01:30"))
        );
        let day = en.date(&at("2021-12-10"));
        assert_eq!(
            (day.date_time.as_str(), day.time),
            ("10 December 2021", None),
            "no time written, none shown"
        );
        assert_eq!(
            late.iso, "2026-11-30T22:30:00+00:00",
            "the exact instant, as written"
        );
        let twelve = locale("en-US", "    clock: 12\n");
        assert_eq!(
            twelve.date(&at("2021-12-10T14:00")).date_time,
            "December 10, 2021, 2:00\u{202f}PM"
        );
        let dual = locale("ar-IQ", "    digits: latn\n    dual_months: true\n");
        assert_eq!(
            dual.date(&at("2021-12-10T14:00")).date_time,
            "10 كانون الأول/ديسمبر 2021، 14:00"
        );
    }

    #[test]
    fn names_are_joined_as_each_language_joins_them() {
        let utc = jiff::tz::TimeZone::UTC;
        let ar = LocaleData::new(&language("ar-IQ", ""), IndexMap::new(), &utc).unwrap();
        let (text, after) = ar.join(&["سارة الموسوي", "هاوري عزيز"]);
        assert_eq!(text, "سارة الموسوي وهاوري عزيز");
        assert_eq!(after, [" و", ""]);
        let en = LocaleData::new(&language("en-GB", ""), IndexMap::new(), &utc).unwrap();
        assert_eq!(
            en.join(&["Sara al-Musawi", "Hawre Aziz"]),
            (
                "Sara al-Musawi and Hawre Aziz".to_string(),
                vec![" and ".to_string(), String::new()]
            )
        );
        assert_eq!(en.join(&["A", "B", "C"]).1, [", ", " and ", ""]);
        assert_eq!(
            en.join(&["Sara"]),
            ("Sara".to_string(), vec![String::new()])
        );
    }

    #[test]
    fn a_missing_key_names_the_key_and_language() {
        let ar = LocaleData::new(
            &language("ar-IQ", ""),
            strings("home: الرئيسية\n"),
            &jiff::tz::TimeZone::UTC,
        )
        .unwrap();
        assert_eq!(
            ar.text("nope", None, &[]).unwrap_err(),
            "the UI string `nope` is not defined for language `ar`"
        );
    }
}
