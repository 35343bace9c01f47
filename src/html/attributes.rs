//! The attributes of one start tag, with where each value is, read as
//! HTML's tokenizer reads them (the same rules as [`super::nesting`]'s tag
//! ends: a quote opens a value only right after `=`).

/// One attribute of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// As written (compare it in lowercase).
    pub name: &'a str,
    /// The value as written, entities not decoded; `None` for `<x hidden>`.
    pub value: Option<&'a str>,
    /// Where the value (or the name, if it has none) starts in the tag.
    pub at: usize,
}

/// The attributes of the start tag `tag` (from its `<` to its `>`).
pub fn attributes(tag: &str) -> Vec<Attribute<'_>> {
    let bytes = tag.as_bytes();
    let mut found = Vec::new();
    // Skip `<` and the element's name.
    let mut i = 1;
    while i < bytes.len()
        && !(bytes[i].is_ascii_whitespace() || bytes[i] == b'/' || bytes[i] == b'>')
    {
        i += 1;
    }
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return found;
        }
        let name_start = i;
        // `=` where no name came before it starts a name.
        i += 1;
        while i < bytes.len()
            && !(bytes[i].is_ascii_whitespace() || matches!(bytes[i], b'/' | b'>' | b'='))
        {
            i += 1;
        }
        let name = &tag[name_start..i];
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b'=' {
            found.push(Attribute {
                name,
                value: None,
                at: name_start,
            });
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (value, at, next) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &bytes[j + 1..]).map_or(bytes.len(), |n| j + 1 + n);
                (&tag[j + 1..end], j + 1, (end + 1).min(bytes.len()))
            }
            _ => {
                let end = bytes[j..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'>')
                    .map_or(bytes.len(), |n| j + n);
                (&tag[j..end], j, end)
            }
        };
        found.push(Attribute {
            name,
            value: Some(value),
            at,
        });
        i = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_quoted_unquoted_or_absent_with_their_offsets() {
        let tag = r#"<a href="/ar/x/" data-x='it"s' hidden title=plain>"#;
        let found = attributes(tag);
        let shown: Vec<(&str, Option<&str>)> = found.iter().map(|a| (a.name, a.value)).collect();
        assert_eq!(
            shown,
            [
                ("href", Some("/ar/x/")),
                ("data-x", Some("it\"s")),
                ("hidden", None),
                ("title", Some("plain"))
            ]
        );
        assert_eq!(&tag[found[0].at..found[0].at + 6], "/ar/x/");
        assert_eq!(attributes("<br/>"), []);
        assert_eq!(attributes("<img\nsrc = \"a.jpg\">")[0].value, Some("a.jpg"));
    }
}
