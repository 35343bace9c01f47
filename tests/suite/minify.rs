//! Minified sites: each page is exactly its unminified self run through
//! minify-html, although digest minifies a partial shared by many pages
//! (an article's card) once per build and the article body apart.

use std::collections::BTreeMap;

use crate::common::{CONFIG, Files, Site, Story};

/// The site built unminified and minified: HTML pages by path.
fn both_ways(f: &Site) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let config = std::fs::read_to_string(f.path("digest.yaml")).unwrap();
    let html = |files: Files| {
        files
            .into_map()
            .into_iter()
            // Emails (newsletter/) are not minified.
            .filter(|(path, _)| path.ends_with(".html") && !path.starts_with("newsletter/"))
            .collect::<BTreeMap<_, _>>()
    };
    f.write(
        "digest.yaml",
        &config.replace("minify: true", "minify: false"),
    );
    let plain = html(f.build().into_files());
    f.write(
        "digest.yaml",
        &config.replace("minify: false", "minify: true"),
    );
    let minified = html(f.build().into_files());
    (plain, minified)
}

fn assert_each_page_is_its_plain_self_minified(f: &Site) -> BTreeMap<String, Vec<u8>> {
    let (plain, minified) = both_ways(f);
    assert_eq!(
        plain.keys().collect::<Vec<_>>(),
        minified.keys().collect::<Vec<_>>()
    );
    assert!(plain.len() > 10, "{} pages", plain.len());
    for (path, html) in &plain {
        let expected = digest::html::minify::minify(html);
        assert!(
            minified[path] == expected,
            "{path} differs from its unminified page minified:\n{}\n\nexpected:\n{}",
            String::from_utf8_lossy(&minified[path]),
            String::from_utf8_lossy(&expected),
        );
        assert!(
            minified[path].len() < html.len(),
            "{path} is smaller minified"
        );
    }
    minified
}

#[test]
fn the_example_site_minified_is_each_page_minified_whole() {
    let f = Site::example();
    assert_each_page_is_its_plain_self_minified(&f);
}

#[test]
fn partials_in_places_where_minifying_apart_would_differ_stay_in_their_page() {
    let f = Site::new();
    f.write(
        "digest.yaml",
        &CONFIG.replace("minify: false", "minify: true"),
    );
    for (day, title) in [("10", "first"), ("11", "second"), ("12", "third")] {
        f.story(
            Story::new(&format!("news/{title}"), &format!("2021-12-{day}"))
                .en(title)
                .front("tags: [iraq]\nsummary: A summary  with   spaces.\n")
                .body("Body text."),
        );
    }
    // Each placement below is one where a partial's HTML, minified alone,
    // could come out unlike the page minified whole.
    let partials = [
        ("verbatim", "<span>  kept   spaces  </span>"),
        ("in-attribute", "<b>bold</b>"),
        ("inline", " <em>spaced</em> "),
        ("two", "<i>a</i> <i>b</i>"),
        (
            "outer",
            "<div class=\"outer\">\n  {% include \"partials/inner.html\" %}\n</div>",
        ),
        ("inner", "<p class=\"inner\">  inner   text </p>"),
        ("in-title", "<b>t</b>"),
        ("upper", "<p>  shout  </p>"),
        ("in-script", "<b>s</b>"),
        ("in-svg", "<g>  <title> svg </title>  </g>"),
    ];
    for (name, source) in partials {
        f.write(
            &format!("themes/default/templates/partials/{name}.html"),
            source,
        );
    }
    let base = std::fs::read_to_string(f.path("themes/default/templates/base.html")).unwrap();
    let extra = r#"<pre>{% include "partials/verbatim.html" %}</pre>
<p title="{% include "partials/in-attribute.html" %}">attr</p>
<p>before{% include "partials/inline.html" %}after</p>
<p>pair:{% include "partials/two.html" %}</p>
<section>
  {% include "partials/outer.html" %}
  {% include "partials/outer.html" %}
</section>
<textarea>{% include "partials/in-title.html" %}</textarea>
{% filter upper %}{% include "partials/upper.html" %}{% endfilter %}
<script type="text/plain">{% include "partials/in-script.html" %}</script>
<svg viewBox="0 0 1 1">{% include "partials/in-svg.html" %}</svg>
</footer>"#;
    f.write(
        "themes/default/templates/base.html",
        &base.replacen("</footer>", extra, 1),
    );
    let minified = assert_each_page_is_its_plain_self_minified(&f);
    let page = String::from_utf8(minified["en/news/first/index.html"].clone()).unwrap();
    for kept in [
        "<pre><span>  kept   spaces  </span></pre>",
        "before <em>spaced</em> after",
        "<p class=inner>inner text</p>",
        "<p>SHOUT</p>",
        "<script type=text/plain><b>s</b></script>",
    ] {
        assert!(page.contains(kept), "{kept} in {page}");
    }
    assert!(!page.contains("digest-"), "no mark is left: {page}");
}
