//! Files for crawlers: the sitemap (with hreflang alternates, split into an
//! index and parts above 50,000 addresses) and robots.txt.

use crate::config::Config;
use crate::output::plan::{Page, PageKind, SITEMAP_LIMIT, in_sitemap, last_modified};
use crate::output::views::sources::Sources;
use crate::urls;

/// Every HTML page but the 404, with its last change and language versions.
/// Above [`SITEMAP_LIMIT`] URLs the plan asks for parts and an index.
pub fn sitemap(sources: &Sources, pages: &[Page], part: Option<usize>, parts: usize) -> Vec<u8> {
    let site = sources.site;
    let listed: Vec<&Page> = pages.iter().filter(|p| in_sitemap(site, p)).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if parts > 1 && part.is_none() {
        out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for n in 1..=parts {
            out.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                escape(&sources.permalink(&urls::sitemap(Some(n))))
            ));
        }
        out.push_str("</sitemapindex>\n");
        return out.into_bytes();
    }
    let chunk = match part {
        Some(n) => listed.chunks(SITEMAP_LIMIT).nth(n - 1).unwrap_or(&[]),
        None => &listed[..],
    };
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for page in chunk {
        out.push_str("<url><loc>");
        out.push_str(&escape(&sources.permalink(&page.route)));
        out.push_str("</loc>");
        if let Some(date) = last_modified(sources.site, page) {
            out.push_str("<lastmod>");
            out.push_str(&date.rfc3339());
            out.push_str("</lastmod>");
        }
        // A preview is no version of a page that is out.
        let mut versions = sources.versions(page);
        if let PageKind::Article(id) = page.kind {
            versions.retain(|(lang, _)| {
                site.translation_in(id, lang)
                    .is_none_or(|t| !site.is_preview(t))
            });
        }
        if versions.len() > 1 {
            let x_default = sources.x_default(page, &versions);
            let links = versions
                .iter()
                .map(|(lang, route)| (lang.as_str(), route))
                .chain(x_default.as_ref().map(|route| ("x-default", route)));
            for (hreflang, route) in links {
                out.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>",
                    escape(&sources.permalink(route))
                ));
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// Lets every crawler in and points it at the sitemap.
pub fn robots(config: &Config) -> String {
    let sitemap = urls::sitemap(None).permalink(&config.base_url);
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n")
}
