//! Editions made for mail clients, and the message `digest newsletter`
//! writes.
//!
//! Each edition (a day's or an ISO week's stories, `output::editions`) has
//! an email: `newsletter/{lang}/{period}.html` from the theme's
//! `email/edition.html`, its CSS inlined into `style` attributes by
//! css-inline (what mail clients that drop `<style>` need; only `@media`
//! rules, such as dark colours, stay in a `<style>`), and
//! `newsletter/{lang}/{period}.txt` from `email/edition.txt`. They are
//! pages of the plan like any other (fingerprinted, published together);
//! this stage renders them, and hands every other page to the site's
//! renderer. [`message`] wraps an edition's two versions into a multipart
//! message (`digest newsletter`, [`crate::tools::newsletter`]); digest
//! never sends it.

use serde::Serialize;

use crate::config::Lang;
use crate::error::Diagnostic;
use crate::output::editions::Issue;
use crate::output::plan::{EmailFormat, ListKind, Page, PageKind, routes};
use crate::output::render::Renderer;
use crate::output::views::contract::{Common, IssueView};
use crate::theme::load::template_errors;

/// Gmail shows only the first 102 KB of a message's HTML, and a link to
/// the rest: an email must stay under it.
pub const EMAIL_LIMIT: usize = 102 * 1000;

/// Renders the emails of a build, and every other page with the site's
/// renderer.
pub struct Mailer<'a> {
    pub renderer: &'a Renderer<'a>,
}

/// Addresses an email needs absolute (it is read away from the site).
#[derive(Serialize)]
struct EmailLinks {
    /// The edition's home.
    home: String,
    /// The index of editions.
    editions: String,
}

#[derive(Serialize)]
struct EmailContext<'a> {
    #[serde(flatten)]
    common: &'a Common,
    issue: IssueView,
    email: EmailLinks,
}

impl Mailer<'_> {
    /// Renders one page: an email here, anything else by the renderer.
    pub fn render(&self, page: &Page) -> Result<Option<Vec<u8>>, Diagnostic> {
        match &page.kind {
            PageKind::Email {
                lang,
                issue,
                format,
            } => self.email(page, lang, issue, *format).map(Some),
            _ => self.renderer.render(page),
        }
    }

    fn email(
        &self,
        page: &Page,
        lang: &Lang,
        issue: &Issue,
        format: EmailFormat,
    ) -> Result<Vec<u8>, Diagnostic> {
        let sources = self.renderer.sources();
        let limit = self.renderer.config.newsletter.email_stories;
        let view = sources.issue(lang, issue, limit);
        let common = sources.common(lang, page, "email", view.subject.clone());
        let email = EmailLinks {
            home: sources.permalink(&routes::list(sources.site, lang, &ListKind::Home)),
            editions: sources.permalink(&routes::editions(lang)),
        };
        let template = match format {
            EmailFormat::Html => "email/edition.html",
            EmailFormat::Text => "email/edition.txt",
        };
        let context = tera::Context::from_serialize(&EmailContext {
            common: &common,
            issue: view,
            email,
        })
        .map_err(|e| {
            Diagnostic::error(
                None,
                format!("internal error: the view of {template} does not serialize: {e}"),
            )
        })?;
        let theme = self.renderer.theme;
        let text = theme.tera.render(template, &context).map_err(|err| {
            theme
                .locales
                .explain(template_errors(&theme.dir, &err).remove(0))
        })?;
        if format == EmailFormat::Text {
            return Ok(text.into_bytes());
        }
        let html = inline_css(&text).map_err(|why| {
            Diagnostic::in_file(
                &theme.dir.join("templates").join(template),
                format!("the email's CSS could not be inlined: {why}"),
            )
        })?;
        if html.len() > EMAIL_LIMIT {
            return Err(Diagnostic::error(
                None,
                format!(
                    "the email public/{} is {} KB, over the 102 KB at which Gmail clips a message",
                    page.path,
                    html.len().div_ceil(1000)
                ),
            )
            .with_help("lower `newsletter.email_stories` in digest.yaml, or shorten the theme's email/edition.html"));
        }
        Ok(html.into_bytes())
    }
}

/// The email's CSS, from its `<style>` elements, written into each
/// element's `style` attribute; `@media` rules (dark colours, narrow
/// screens) are kept in a `<style>` for the clients that read one.
pub fn inline_css(html: &str) -> Result<String, String> {
    css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .load_remote_stylesheets(false)
        .apply_width_attributes(true)
        .build()
        .inline(html)
        .map_err(|e| e.to_string())
}

/// An edition's email as a message (`digest newsletter`): multipart
/// alternative, the text version then the HTML, both UTF-8, with the
/// subject of the HTML's `<title>` and `from` (`Name <address>`) if given.
/// `id` names the message (`Message-ID`), e.g. `ar.2021-12-10@example.org`.
pub fn message(html: &str, text: &str, from: Option<&str>, id: &str) -> Result<Vec<u8>, String> {
    let subject = title_of(html).ok_or("the email has no <title> to take its subject from")?;
    let mut builder = mail_builder::MessageBuilder::new()
        .message_id(id.to_string())
        .subject(subject)
        .text_body(text.to_string())
        .html_body(html.to_string());
    if let Some(from) = from {
        builder = builder.from(address(from));
    }
    builder.write_to_vec().map_err(|e| e.to_string())
}

/// `Name <address>` or `address`, as mail-builder takes it.
fn address(text: &str) -> mail_builder::headers::address::Address<'static> {
    match text.rsplit_once('<') {
        Some((name, rest)) => {
            let name = name.trim().trim_matches('"').to_string();
            let email = rest.trim_end().trim_end_matches('>').trim().to_string();
            (name, email).into()
        }
        None => text.trim().to_string().into(),
    }
}

/// The text of an HTML document's `<title>`, its character references
/// (those an HTML serializer writes in text) decoded.
pub fn title_of(html: &str) -> Option<String> {
    let start = html.find("<title>")? + "<title>".len();
    let end = start + html[start..].find("</title>")?;
    let raw = &html[start..end];
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&#x2F;", "/")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&")
            .trim()
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_read_with_their_references_decoded() {
        let html = "<html><head><title>الموجز: 10 &amp; 11 &lt;كانون&gt;</title></head></html>";
        assert_eq!(title_of(html).unwrap(), "الموجز: 10 & 11 <كانون>");
        assert_eq!(title_of("<p>none</p>"), None);
    }

    #[test]
    fn from_takes_a_name_and_an_address() {
        let message = message(
            "<title>S</title><p>x</p>",
            "x",
            Some("الموجز <news@example.org>"),
            "ar.2021-12-10@example.org",
        )
        .unwrap();
        let text = String::from_utf8(message).unwrap();
        assert!(text.contains("<news@example.org>"), "{text}");
        assert!(
            text.contains("Message-ID: <ar.2021-12-10@example.org>"),
            "{text}"
        );
    }
}
