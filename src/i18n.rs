//! Words, numbers and dates in each edition's language, from real locale
//! data (ICU4X): CLDR plural rules (Arabic has six forms), month names as
//! the region uses them (كانون الأول in Iraq, ديسمبر in Egypt), and the
//! locale's digits unless the configuration says otherwise.
//!
//! UI strings come from the theme (`i18n/<lang>.yaml`); a string missing in
//! one language is a build error, never an empty span.

use std::path::{Path, PathBuf};

use icu_calendar::Date;
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{M, YM, YMD};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use indexmap::IndexMap;
use serde_yaml::Value;

use crate::article::PubDate;
use crate::config::{Config, Lang, LanguageConfig};
use crate::error::{Diagnostic, Diagnostics};
use crate::yaml::{YamlSource, key_text};

/// A UI string: plain, or one form per CLDR plural category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Plain(String),
    Plural(IndexMap<String, String>),
}

const PLURAL_FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// Everything needed to speak one edition's language.
pub struct LocaleData {
    pub lang: Lang,
    plurals: PluralRules,
    numbers: DecimalFormatter,
    dates: DateTimeFormatter<YMD>,
    month_years: DateTimeFormatter<YM>,
    /// The region's month name and the international one, for dual months.
    months: Option<(DateTimeFormatter<M>, DateTimeFormatter<M>)>,
    hijri: Option<DateTimeFormatter<YMD>>,
    strings: IndexMap<String, Message>,
}

impl std::fmt::Debug for LocaleData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocaleData")
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// A date as a page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DateText {
    /// `2021-12-30T10:00:00+03:00`, for `<time datetime>`.
    pub iso: String,
    /// `30 كانون الأول 2021`
    pub display: String,
    /// The Hijri date, when the edition shows it.
    pub hijri: Option<String>,
}

impl LocaleData {
    fn new(
        language: &LanguageConfig,
        strings: IndexMap<String, Message>,
    ) -> Result<LocaleData, String> {
        let locale = language.formatting_locale();
        let err = |what: &str, e: &dyn std::fmt::Display| {
            format!("no {what} data for locale {locale}: {e}")
        };
        let plurals =
            PluralRules::try_new_cardinal((&locale).into()).map_err(|e| err("plural", &e))?;
        let numbers = DecimalFormatter::try_new((&locale).into(), Default::default())
            .map_err(|e| err("number", &e))?;
        let dates = DateTimeFormatter::try_new((&locale).into(), YMD::long())
            .map_err(|e| err("date", &e))?;
        let month_years = DateTimeFormatter::try_new((&locale).into(), YM::long())
            .map_err(|e| err("date", &e))?;
        let months = if language.dual_months {
            let international: Locale = format!(
                "{}{}",
                language.lang.as_str().split('-').next().unwrap_or("ar"),
                digits_suffix(&locale)
            )
            .parse()
            .map_err(|e| err("locale", &e))?;
            Some((
                DateTimeFormatter::try_new((&locale).into(), M::long())
                    .map_err(|e| err("month", &e))?,
                DateTimeFormatter::try_new((&international).into(), M::long())
                    .map_err(|e| err("month", &e))?,
            ))
        } else {
            None
        };
        let hijri = if language.hijri {
            let tag = format!(
                "{}-u-ca-islamic-umalqura{}",
                locale.id,
                digits_keyword(&locale)
            );
            let hijri_locale: Locale = tag.parse().map_err(|e| err("locale", &e))?;
            Some(
                DateTimeFormatter::try_new((&hijri_locale).into(), YMD::long())
                    .map_err(|e| err("Hijri date", &e))?,
            )
        } else {
            None
        };
        Ok(LocaleData {
            lang: language.lang.clone(),
            plurals,
            numbers,
            dates,
            month_years,
            months,
            hijri,
            strings,
        })
    }

    /// Formats a whole number with the locale's digits and grouping.
    pub fn number(&self, n: i64) -> String {
        self.numbers.format(&Decimal::from(n)).to_string()
    }

    /// The CLDR plural category of `n`.
    pub fn plural_form(&self, n: u64) -> &'static str {
        match self.plurals.category_for(n) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }

    /// A date as this edition prints it.
    pub fn date(&self, date: &PubDate) -> DateText {
        let civil = date.civil();
        let iso = Date::try_new_iso(
            i32::from(civil.year()),
            civil.month() as u8,
            civil.day() as u8,
        )
        .expect("jiff dates are valid ISO dates");
        let mut display = self.dates.format(&iso).to_string();
        if let Some((regional, international)) = &self.months {
            let (r, i) = (
                regional.format(&iso).to_string(),
                international.format(&iso).to_string(),
            );
            if r != i {
                display = display.replacen(&r, &format!("{r}/{i}"), 1);
            }
        }
        DateText {
            iso: date.rfc3339(),
            display,
            hijri: self.hijri.as_ref().map(|f| f.format(&iso).to_string()),
        }
    }

    /// `كانون الأول 2021`, `December 2021`: the heading of a monthly archive.
    pub fn month_year(&self, year: i16, month: i8) -> String {
        let date =
            Date::try_new_iso(i32::from(year), month as u8, 1).expect("a month of a real date");
        self.month_years.format(&date).to_string()
    }

    /// Looks up a UI string, choosing the plural form for `count` and filling
    /// `{count}` and other `{name}` placeholders.
    pub fn text(
        &self,
        key: &str,
        count: Option<i64>,
        args: &[(&str, String)],
    ) -> Result<String, String> {
        let message = self.strings.get(key).ok_or_else(|| {
            format!(
                "the UI string `{key}` is not defined for language `{}`",
                self.lang
            )
        })?;
        let template = match (message, count) {
            (Message::Plain(text), _) => text.as_str(),
            (Message::Plural(forms), Some(n)) => {
                let form = self.plural_form(n.unsigned_abs());
                forms
                    .get(form)
                    .or_else(|| forms.get("other"))
                    .map(String::as_str)
                    .unwrap_or("")
            }
            (Message::Plural(_), None) => {
                return Err(format!(
                    "the UI string `{key}` has plural forms: pass `count`"
                ));
            }
        };
        let mut text = template.to_string();
        if let Some(n) = count {
            text = text.replace("{count}", &self.number(n));
        }
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        Ok(text)
    }
}

fn digits_keyword(locale: &Locale) -> String {
    let text = locale.to_string();
    match text.find("-nu-") {
        Some(at) => format!("-nu-{}", &text[at + 4..at + 8]),
        None => String::new(),
    }
}

fn digits_suffix(locale: &Locale) -> String {
    let keyword = digits_keyword(locale);
    if keyword.is_empty() {
        keyword
    } else {
        format!("-u{keyword}")
    }
}

/// Locale data for every edition, in the configuration's order.
#[derive(Debug)]
pub struct Locales(Vec<LocaleData>);

impl Locales {
    /// Loads the theme's UI strings and the ICU data for every language.
    pub fn load(config: &Config, i18n_dir: &Path) -> Result<Locales, Diagnostics> {
        let mut problems = Diagnostics::new();
        let mut tables: Vec<(PathBuf, IndexMap<String, Message>)> = Vec::new();
        for language in &config.languages {
            let path = i18n_dir.join(format!("{}.yaml", language.lang));
            let shown = path
                .strip_prefix(&config.root)
                .unwrap_or(&path)
                .to_path_buf();
            match std::fs::read(&path) {
                Ok(bytes) => match read_strings(&shown, &bytes) {
                    Ok(table) => tables.push((shown, table)),
                    Err(ds) => problems.extend(ds),
                },
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => problems.push(
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
                Err(err) => problems.push(Diagnostic::io(&shown, "read the UI strings", &err)),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        check_same_keys(config, &tables, &mut problems);
        let mut locales = Vec::new();
        for (language, (path, table)) in config.languages.iter().zip(tables) {
            match LocaleData::new(language, table) {
                Ok(data) => locales.push(data),
                Err(why) => problems.push(Diagnostic::in_file(&path, why)),
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Locales(locales))
    }

    pub fn find(&self, lang: &Lang) -> Option<&LocaleData> {
        self.0.iter().find(|l| &l.lang == lang)
    }

    pub fn get(&self, lang: &Lang) -> &LocaleData {
        self.0
            .iter()
            .find(|l| &l.lang == lang)
            .expect("every configured language has locale data")
    }
}

/// Every key any language defines must exist in every language.
fn check_same_keys(
    config: &Config,
    tables: &[(PathBuf, IndexMap<String, Message>)],
    problems: &mut Diagnostics,
) {
    for (language, (path, table)) in config.languages.iter().zip(tables) {
        for (other_language, (other_path, other)) in config.languages.iter().zip(tables) {
            if other_language.lang == language.lang {
                continue;
            }
            for key in other.keys().filter(|k| !table.contains_key(*k)) {
                problems.push(
                    Diagnostic::in_file(
                        path,
                        format!(
                            "the UI string `{key}` is missing for language `{}`",
                            language.lang
                        ),
                    )
                    .with_help(format!(
                        "add `{key}:` to {} (it is defined in {})",
                        path.display(),
                        other_path.display()
                    )),
                );
            }
        }
    }
}

fn read_strings(path: &Path, bytes: &[u8]) -> Result<IndexMap<String, Message>, Vec<Diagnostic>> {
    let text = crate::parse::decode(path, bytes).map_err(|d| vec![d])?;
    let src = YamlSource::new(path, &text, 1);
    let doc = src.parse().map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let mut table = IndexMap::new();
    let Some(map) = doc.as_mapping() else {
        return Err(vec![Diagnostic::in_file(
            path,
            "UI strings must be `key: text` lines",
        )]);
    };
    for (key, value) in map {
        let key = key_text(key);
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
        Ok(table)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        read_strings(Path::new("ar.yaml"), yaml.as_bytes()).unwrap()
    }

    const ARTICLES: &str = "articles:\n  zero: لا مقالات\n  one: مقال واحد\n  two: مقالان\n  few: \"{count} مقالات\"\n  many: \"{count} مقالًا\"\n  other: \"{count} مقال\"\n";

    #[test]
    fn arabic_has_six_plural_forms() {
        let ar =
            LocaleData::new(&language("ar-IQ", "    digits: latn\n"), strings(ARTICLES)).unwrap();
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
    fn arabic_indic_digits_follow_the_locale() {
        let ar = LocaleData::new(&language("ar-IQ", ""), strings(ARTICLES)).unwrap();
        assert_eq!(ar.text("articles", Some(11), &[]).unwrap(), "١١ مقالًا");
    }

    #[test]
    fn month_names_are_regional() {
        let date = crate::parse::parse_date("2021-12-30", &jiff::tz::TimeZone::UTC).unwrap();
        let iq =
            LocaleData::new(&language("ar-IQ", "    digits: latn\n"), IndexMap::new()).unwrap();
        assert_eq!(iq.date(&date).display, "30 كانون الأول 2021");
        let eg =
            LocaleData::new(&language("ar-EG", "    digits: latn\n"), IndexMap::new()).unwrap();
        assert_eq!(eg.date(&date).display, "30 ديسمبر 2021");
        let dual = LocaleData::new(
            &language(
                "ar-IQ",
                "    digits: latn\n    dual_months: true\n    hijri: true\n",
            ),
            IndexMap::new(),
        )
        .unwrap();
        let text = dual.date(&date);
        assert_eq!(text.display, "30 كانون الأول/ديسمبر 2021");
        assert_eq!(text.hijri.as_deref(), Some("26 جمادى الأولى 1443 هـ"));
        assert_eq!(text.iso, "2021-12-30T00:00:00+00:00");
    }

    #[test]
    fn a_missing_key_names_the_key_and_language() {
        let ar = LocaleData::new(&language("ar-IQ", ""), strings("home: الرئيسية\n")).unwrap();
        assert_eq!(
            ar.text("nope", None, &[]).unwrap_err(),
            "the UI string `nope` is not defined for language `ar`"
        );
    }
}
