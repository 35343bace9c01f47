//! Digest's template functions, registered on the theme's Tera before its
//! templates are checked (Tera rejects templates that call unknown functions).

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Kwargs, State, TeraResult};

use crate::config::Lang;
use crate::locale::format::LocaleData;
use crate::locale::strings::Locales;

/// Registers digest's template functions:
/// - `t(key, count?, lang?, …)`: a UI string in the page's language (or
///   `lang`), with the plural form for `count` and `{name}` placeholders
///   filled from the other arguments;
/// - `asset(path)`: the published (fingerprinted) URL of a theme file;
/// - `number(n, lang?)`: a number in the language's digits;
/// - the filter `isolate(dir?)`: plain text wrapped in Unicode isolates
///   (RLI or LRI for `dir="rtl"`/`"ltr"`, else FSI, then PDI), so that it
///   keeps its direction among text of the other (plain-text emails).
pub fn register_functions(
    tera: &mut tera::Tera,
    locales: &Arc<Locales>,
    assets: &HashMap<String, String>,
) {
    let strings = locales.clone();
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let key: &str = kwargs.must_get("key")?;
            let lang = page_lang(&kwargs, state)?;
            let count: Option<i64> = kwargs.get("count")?;
            let mut args = Vec::new();
            for (name, value) in kwargs.iter() {
                let name = name.to_string();
                if !matches!(name.as_str(), "key" | "count" | "lang") {
                    args.push((name, value.to_string()));
                }
            }
            let args: Vec<(&str, String)> =
                args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            let locale = find_locale(&strings, &lang)?;
            locale.text(key, count, &args).map_err(tera::Error::message)
        },
    );
    let numbers = locales.clone();
    tera.register_function(
        "number",
        move |kwargs: Kwargs, state: &State| -> TeraResult<String> {
            let n: i64 = kwargs.must_get("n")?;
            let lang = page_lang(&kwargs, state)?;
            Ok(find_locale(&numbers, &lang)?.number(n))
        },
    );
    tera.register_filter(
        "isolate",
        |text: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let open = match kwargs.get::<&str>("dir")? {
                Some("rtl") => '\u{2067}',
                Some("ltr") => '\u{2066}',
                _ => '\u{2068}',
            };
            Ok(format!("{open}{text}\u{2069}"))
        },
    );
    let assets = assets.clone();
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        assets.get(path.trim_start_matches('/')).cloned().ok_or_else(|| {
            tera::Error::message(format!("the theme has no static file `{path}` (looked in the theme's static/ folder)"))
        })
    });
}

fn page_lang(kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    match kwargs.get::<&str>("lang")? {
        Some(lang) => Ok(lang.to_string()),
        None => state.get::<String>("lang")?.ok_or_else(|| {
            tera::Error::message("`lang` is not set for this page: pass lang=\"…\"")
        }),
    }
}

fn find_locale<'a>(locales: &'a Locales, lang: &str) -> TeraResult<&'a LocaleData> {
    Lang::parse(lang)
        .and_then(|l| locales.find(&l))
        .ok_or_else(|| tera::Error::message(format!("`{lang}` is not one of the site's languages")))
}
