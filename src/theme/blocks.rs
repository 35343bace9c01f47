//! How a template's tags nest: which `{% if %}`, `{% for %}`, `{% block %}`
//! … a template opens and does not close, or closes with the wrong end tag.
//!
//! Tera notices these only when it meets something it does not expect,
//! often far below ("Unknown tag" at the `{% endblock %}` of a block whose
//! `{% if %}` was never closed). Reading the template's tags in order tells
//! which block was left open, and where it began: what an editor needs to
//! fix it.

/// Tags that open a body, and the tag that ends it.
const OPENERS: &[(&str, &str)] = &[
    ("if", "endif"),
    ("for", "endfor"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("component", "endcomponent"),
    ("set", "endset"),
    ("set_global", "endset"),
];

/// A block left open or closed wrongly, at the 1-based line and column of
/// the tag the message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbalanced {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// A tag as written: its first word and where it starts.
struct Tag<'a> {
    name: &'a str,
    /// What follows the name, up to `%}`.
    rest: &'a str,
    line: usize,
    column: usize,
}

/// The first problem with how `source`'s tags nest, if any.
pub fn check(source: &str) -> Option<Unbalanced> {
    let mut open: Vec<Tag> = Vec::new();
    for tag in tags(source) {
        if OPENERS.iter().any(|(name, _)| *name == tag.name) {
            // `{% set x = … %}` has no body; `{% set x %}…{% endset %}` does.
            if !tag.name.starts_with("set") || !assigns(tag.rest) {
                open.push(tag);
            }
            continue;
        }
        let Some(closes) = tag.name.strip_prefix("end") else {
            continue;
        };
        if !OPENERS.iter().any(|(_, end)| *end == tag.name) {
            continue;
        }
        let closes_an_open_block = open.iter().any(|t| end_of(t.name) == tag.name);
        match open.last() {
            Some(top) if end_of(top.name) == tag.name => {
                open.pop();
            }
            Some(top) if closes_an_open_block => {
                return Some(Unbalanced {
                    line: top.line,
                    column: top.column,
                    message: format!(
                        "the `{{% {} %}}` opened here is not closed before the `{{% {} %}}` at line {}",
                        top.name, tag.name, tag.line
                    ),
                    help: format!(
                        "add `{{% {} %}}` where the `{{% {} %}}` should end",
                        end_of(top.name),
                        top.name
                    ),
                });
            }
            _ => {
                return Some(Unbalanced {
                    line: tag.line,
                    column: tag.column,
                    message: format!("`{{% {} %}}` closes no `{{% {closes} %}}`", tag.name),
                    help: format!(
                        "remove it, or add the `{{% {closes} … %}}` it should close above it"
                    ),
                });
            }
        }
    }
    open.pop().map(|top| Unbalanced {
        line: top.line,
        column: top.column,
        message: format!("the `{{% {} %}}` opened here is never closed", top.name),
        help: format!(
            "add `{{% {} %}}` where the `{{% {} %}}` should end",
            end_of(top.name),
            top.name
        ),
    })
}

fn end_of(opener: &str) -> &'static str {
    OPENERS
        .iter()
        .find(|(name, _)| *name == opener)
        .map_or("end", |(_, end)| end)
}

/// Whether a `set` tag's text assigns a value (`x = 1`) rather than
/// capturing a body.
fn assigns(rest: &str) -> bool {
    let mut quote = None;
    for c in rest.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '=') => return true,
            _ => {}
        }
    }
    false
}

/// The `{% … %}` tags of `source`, in order, skipping comments (`{# … #}`)
/// and what `{% raw %}` … `{% endraw %}` holds.
fn tags(source: &str) -> Vec<Tag<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    let mut in_raw = false;
    while let Some(offset) = source[at..].find('{') {
        let start = at + offset;
        let rest = &source[start..];
        if rest.starts_with("{#") {
            at = rest.find("#}").map_or(source.len(), |end| start + end + 2);
            continue;
        }
        if !rest.starts_with("{%") {
            at = start + 1;
            continue;
        }
        let Some(end) = tag_end(rest) else {
            break;
        };
        let inner = rest[2..end].trim_start_matches('-').trim();
        let inner = inner.strip_suffix('-').unwrap_or(inner).trim_end();
        let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        at = start + end + 2;
        if in_raw {
            in_raw = name != "endraw";
            continue;
        }
        if name == "raw" {
            in_raw = true;
            continue;
        }
        let before = &source[..start];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        found.push(Tag {
            name,
            rest: args,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        });
    }
    found
}

/// Where the `%}` closing the tag at the start of `rest` is (quotes inside
/// the tag may hold `%}`).
fn tag_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut quote = None;
    let mut i = 2;
    while i + 1 < bytes.len() {
        match (quote, bytes[i]) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, c @ (b'"' | b'\'' | b'`')) => quote = Some(c),
            (None, b'%') if bytes[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(source: &str) -> Option<(usize, usize, String)> {
        check(source).map(|p| (p.line, p.column, p.message))
    }

    #[test]
    fn balanced_templates_pass() {
        let source = "{% extends \"base.html\" %}\n{% block main %}{% if a %}x{% elif b %}y{% else %}z{% endif %}\n{% for i in xs %}{{ i }}{% else %}none{% endfor %}{% set y = 1 %}{% set z %}q{% endset %}{% endblock main %}";
        assert_eq!(problem(source), None);
    }

    #[test]
    fn an_unclosed_if_is_named_at_its_line() {
        let source = "{% block main %}\n  {%- if page.title %}\n<h1>x</h1>\n{% endblock main %}";
        assert_eq!(
            problem(source),
            Some((
                2,
                3,
                "the `{% if %}` opened here is not closed before the `{% endblock %}` at line 4"
                    .to_string()
            ))
        );
        assert_eq!(
            check(source).unwrap().help,
            "add `{% endif %}` where the `{% if %}` should end"
        );
        assert_eq!(
            problem("a\n{% for x in y %}\n"),
            Some((
                2,
                1,
                "the `{% for %}` opened here is never closed".to_string()
            ))
        );
    }

    #[test]
    fn a_stray_end_tag_is_named() {
        assert_eq!(
            problem("x {% endif %}"),
            Some((1, 3, "`{% endif %}` closes no `{% if %}`".to_string()))
        );
        assert_eq!(
            problem("{% block main %}\n{% endfor %}{% endblock %}"),
            Some((2, 1, "`{% endfor %}` closes no `{% for %}`".to_string()))
        );
    }

    #[test]
    fn comments_raw_blocks_and_quotes_hide_tags() {
        assert_eq!(
            problem(
                "{# {% if a %} #}{% raw %}{% if b %}{% endraw %}{{ \"{% if\" }}{% set s = \"%}{% if\" %}"
            ),
            None
        );
    }
}
