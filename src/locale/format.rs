//! Words, numbers and dates in each edition's language, from real locale
//! data (ICU4X): CLDR plural rules (Arabic has six forms), month names as
//! the region uses them (كانون الأول in Iraq, ديسمبر in Egypt), and the
//! locale's digits unless the configuration says otherwise.
//!
//! The UI strings themselves come from the theme (`i18n/<lang>.yaml`; see
//! [`crate::locale::strings`]); here they are looked up and filled in.

use icu_calendar::{Date, Iso};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{M, YM, YMD};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use indexmap::IndexMap;

use crate::config::{Lang, LanguageConfig};
use crate::dates::PubDate;

/// A UI string: plain, or one form per CLDR plural category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Plain(String),
    Plural(IndexMap<String, String>),
}

/// CLDR's plural categories, in their usual order.
pub const PLURAL_FORMS: &[&str] = &["zero", "one", "two", "few", "many", "other"];

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
    pub fn new(
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
        category_name(self.plurals.category_for(n))
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
        let display = self.with_dual_month(&iso, self.dates.format(&iso).to_string());
        DateText {
            iso: date.rfc3339(),
            display,
            hijri: self.hijri.as_ref().map(|f| f.format(&iso).to_string()),
        }
    }

    /// `كانون الأول 2021`, `December 2021`: the heading of a monthly archive
    /// (`كانون الأول/ديسمبر 2021` with dual month names).
    pub fn month_year(&self, year: i16, month: i8) -> String {
        let date =
            Date::try_new_iso(i32::from(year), month as u8, 1).expect("a month of a real date");
        self.with_dual_month(&date, self.month_years.format(&date).to_string())
    }

    /// Adds the international month name after the regional one, when the
    /// edition prints both and they differ.
    fn with_dual_month(&self, date: &Date<Iso>, text: String) -> String {
        let Some((regional, international)) = &self.months else {
            return text;
        };
        let (r, i) = (
            regional.format(date).to_string(),
            international.format(date).to_string(),
        );
        if r == i {
            text
        } else {
            text.replacen(&r, &format!("{r}/{i}"), 1)
        }
    }

    /// Whether the theme defines the UI string `key`.
    pub fn has_string(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }

    /// The keys of the UI strings the theme defines.
    pub fn string_keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }

    /// Whether the UI string `key` has plural forms (and so needs a count).
    pub fn is_plural(&self, key: &str) -> bool {
        matches!(self.strings.get(key), Some(Message::Plural(_)))
    }

    /// The CLDR plural forms this language uses, with a number that takes
    /// each (`few` → 3 in Arabic).
    pub fn plural_forms_used(&self) -> Vec<(&'static str, u64)> {
        let mut forms: Vec<(&'static str, u64)> = Vec::new();
        for n in 0..1000 {
            let form = self.plural_form(n);
            if !forms.iter().any(|(f, _)| *f == form) {
                forms.push((form, n));
            }
        }
        let used: Vec<PluralCategory> = self.plurals.categories().collect();
        forms.retain(|(f, _)| used.iter().any(|c| category_name(*c) == *f));
        forms.sort_by_key(|(f, _)| PLURAL_FORMS.iter().position(|p| p == f));
        forms
    }

    /// Looks up a UI string, choosing the plural form for `count` and filling
    /// `{count}` and other `{name}` placeholders.
    pub fn text(
        &self,
        key: &str,
        count: Option<i64>,
        args: &[(&str, String)],
    ) -> Result<String, String> {
        let message = self
            .strings
            .get(key)
            .ok_or_else(|| missing_string_message(key, &self.lang))?;
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

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
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

/// The message for a UI string a language does not define: the same
/// wording at load time and at render time.
pub fn missing_string_message(key: &str, lang: &Lang) -> String {
    format!("the UI string `{key}` is not defined for language `{lang}`")
}
