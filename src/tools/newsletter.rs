//! `digest newsletter`: an edition's email as a message, ready for the
//! newsroom's mailing tool. The site is built in memory (nothing is
//! written) with what it publishes, never its previews.

use crate::BuildOptions;
use crate::error::{BuildError, Diagnostic};
use crate::newsletter::message;
use crate::output::editions::Period;

/// Builds the site at `options.root` in memory (nothing is written) and
/// returns the message of `lang`'s edition of `period` (`2021-12-10`,
/// `2021-W49`).
pub fn build_message(
    options: &BuildOptions,
    lang: &str,
    period: &Period,
) -> Result<Vec<u8>, BuildError> {
    let period = period.slug();
    let config = crate::config::stage(&options.root, options.base_url.as_deref())?;
    let fatal = |message: String, help: &str| {
        BuildError::Fatal(Diagnostic::error(None, message).with_help(help.to_string()))
    };
    let Some(language) = config.find_language(lang) else {
        let known: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
        return Err(fatal(
            format!("`{lang}` is not one of the site's languages"),
            &format!("use one of: {}", known.join(", ")),
        ));
    };
    let lang = language.lang.clone();
    let mut sink = crate::publish::sink::MemorySink::new();
    // What the site publishes, never its previews.
    let options = BuildOptions {
        drafts: false,
        future: false,
        ..options.clone()
    };
    crate::build(
        &options,
        None,
        &mut Default::default(),
        &mut Default::default(),
        &mut sink,
    )?;
    let pages = sink.pages();
    let pages = pages.read().expect("not poisoned");
    let file = |ext: &str| {
        pages
            .get(&format!("newsletter/{lang}/{period}.{ext}"))
            .cloned()
    };
    let (Some(html), Some(text)) = (file("html"), file("txt")) else {
        return Err(fatal(
            format!("there is no {lang} edition of {period}"),
            "editions exist for the days and ISO weeks with published stories; see the index of editions",
        ));
    };
    let (html, text) = (
        String::from_utf8_lossy(&html),
        String::from_utf8_lossy(&text),
    );
    let host = url::Url::parse(&config.base_url.origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "localhost".into());
    let seconds = jiff::Timestamp::now().as_second();
    let id = format!("{lang}.{period}.{seconds}@{host}");
    message(&html, &text, config.newsletter.from.as_deref(), &id).map_err(|why| {
        fatal(
            format!("could not write the message: {why}"),
            "check the theme's email/edition.html",
        )
    })
}
