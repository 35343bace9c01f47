//! Authors who are one person in both editions.
//!
//! `content/authors.yaml` gives each author a key and, per language, a
//! name, with an optional role, short bio and picture; links (a personal
//! site, a profile elsewhere) are the same in every edition. "سارة
//! الموسوي" and "Sara al-Musawi" are then one author, with a page in each
//! edition. An article names its authors by key or by name in its own
//! language, matched as topic labels are (diacritics, hamza forms, case and
//! spacing forgiven: [`crate::site::names`]). A name no key claims is an
//! author of its edition only, like a free topic label.

use indexmap::IndexMap;
use serde_yaml::Value;

use crate::config::{Config, Lang};
use crate::content::addresses::is_dangerous_url;
use crate::content::article::Image;
use crate::content::front_matter::resolve_asset_url;
use crate::content::walk::{AUTHORS_FILE, SourceFile, SourceKind};
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::site::names::{AddLabelError, Named, Registry, Table};
use crate::yaml::{YamlSource, key_text};

/// authors.yaml's words, for its messages.
const AUTHORS: Registry = Registry {
    entry: "author",
    name: "name",
    example_key: "sara-almusawi",
    example: "sara-almusawi: { ar: سارة الموسوي, en: Sara al-Musawi }",
    same_name: "two people with one name need names an article can tell apart (a middle name, an initial)",
    file: AUTHORS_FILE,
    kind: SourceKind::Authors,
};

/// Index of an author in [`Authors::all`].
pub type AuthorId = usize;

/// An author as one edition presents them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    pub name: String,
    /// What they do ("Baghdad correspondent").
    pub role: Option<String>,
    /// A sentence or two about them, as plain text.
    pub bio: Option<String>,
    /// Their picture: a root-relative or absolute URL, resolved like an
    /// article's `image` (relative paths from `content/`).
    pub picture: Option<Image>,
}

/// A link about an author: their site, a profile elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuthorLink {
    pub label: String,
    pub url: String,
}

/// One author.
#[derive(Debug, Clone)]
pub struct Author {
    /// The URL segment: the authors.yaml key, or the slug of a free name.
    pub slug: String,
    /// Whether authors.yaml defines them (and so they can span editions).
    pub keyed: bool,
    /// How each edition that names them presents them.
    pub profiles: IndexMap<Lang, Profile>,
    pub links: Vec<AuthorLink>,
    /// Changes when anything shown about the author does.
    pub stamp: u64,
}

impl Author {
    pub fn profile(&self, lang: &Lang) -> Option<&Profile> {
        self.profiles.get(lang)
    }

    /// Their name in `lang`, else their slug.
    pub fn name(&self, lang: &Lang) -> &str {
        self.profile(lang).map_or(&self.slug, |p| &p.name)
    }
}

impl Named for Author {
    const REGISTRY: &'static Registry = &AUTHORS;

    fn slug(&self) -> &str {
        &self.slug
    }

    fn keyed(&self) -> bool {
        self.keyed
    }

    fn names(&self) -> impl Iterator<Item = (&Lang, &str)> {
        self.profiles
            .iter()
            .map(|(lang, p)| (lang, p.name.as_str()))
    }
}

/// The author table: authors.yaml plus the free names articles introduced.
pub type Authors = Table<Author>;

/// How an article's author was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Author(AuthorId),
    /// Looks like a key, but authors.yaml has no such key or name.
    UnknownKey {
        suggestion: Option<String>,
    },
    /// A name no author has yet: a new author of this edition.
    NewName,
}

/// The keys of an author's entry besides its languages.
const SHARED_KEYS: &[&str] = &["picture", "links"];
/// The keys of an author's entry in one language.
const PROFILE_KEYS: &[&str] = &["name", "role", "bio", "picture"];

/// The authors stage: `content/authors.yaml` (if the walk found one) read
/// into the site's keyed authors; free names join them when the site is made.
pub fn stage(config: &Config, sources: &[SourceFile], problems: &mut Diagnostics) -> Authors {
    let bytes = AUTHORS.source(config, sources, problems);
    let (authors, found) = Authors::load(config, bytes.as_deref());
    problems.extend(found);
    authors
}

impl Authors {
    /// Reads authors.yaml (if any).
    pub fn load(config: &Config, bytes: Option<&[u8]>) -> (Authors, Diagnostics) {
        Table::from_file(bytes, |src, key, value| {
            read_author(config, src, key, value)
        })
    }

    /// Which author an article's name means.
    pub fn resolve(&self, lang: &Lang, text: &str) -> Resolution {
        if let Some(id) = self.find(lang, text) {
            return Resolution::Author(id);
        }
        if let Some(suggestion) = self.unknown_key(text) {
            return Resolution::UnknownKey { suggestion };
        }
        Resolution::NewName
    }

    /// Adds (or finds) the free author named `text` in `lang`. Fails when
    /// another author of the edition already has the same slug.
    pub fn add_name(&mut self, lang: &Lang, text: &str) -> Result<AuthorId, AddLabelError> {
        self.add_free(lang, text, |slug| {
            let mut profiles = IndexMap::new();
            profiles.insert(
                lang.clone(),
                Profile {
                    name: text.trim().to_string(),
                    role: None,
                    bio: None,
                    picture: None,
                },
            );
            let links = Vec::new();
            Author {
                stamp: stamp_of(&slug, &profiles, &links),
                slug,
                keyed: false,
                profiles,
                links,
            }
        })
    }

    /// Sets a free author's shown name (the spelling most articles use),
    /// once all articles are read.
    pub fn set_name(&mut self, id: AuthorId, lang: &Lang, name: String) {
        let author = &mut self.all[id];
        if let Some(p) = author.profiles.get_mut(lang) {
            p.name = name;
        }
        author.stamp = stamp_of(&author.slug, &author.profiles, &author.links);
    }
}

fn read_author(
    config: &Config,
    src: &YamlSource,
    key: &str,
    value: &Value,
) -> Result<Author, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let Some(map) = AUTHORS.entry(src, key, value, &mut problems) else {
        return Err(problems);
    };
    let base = &config.base_url.path;
    let shared_picture = map
        .get("picture")
        .and_then(|v| picture(src, &[key, "picture"], v, base, &mut problems));
    let links = map
        .get("links")
        .map(|v| links(src, key, v, &mut problems))
        .unwrap_or_default();
    let mut profiles = IndexMap::new();
    for (code, entry) in map {
        let code = key_text(code);
        if SHARED_KEYS.contains(&code.as_str()) {
            continue;
        }
        let Some(language) = config.find_language(&code) else {
            let known: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
            let help = match did_you_mean(&code, SHARED_KEYS.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "give the author's name under a language ({}), or `picture` and `links` for every language",
                    known.join(", ")
                ),
            };
            problems.push(
                src.error_at(
                    &[key, &code],
                    format!("`{code}` is not one of the site's languages"),
                )
                .with_help(help),
            );
            continue;
        };
        let path = [key, code.as_str()];
        let profile = match entry {
            Value::String(_) | Value::Number(_) => Some(Profile {
                name: key_text(entry).trim().to_string(),
                role: None,
                bio: None,
                picture: None,
            }),
            Value::Mapping(m) => {
                problems.extend(src.unknown_keys(m, &path, PROFILE_KEYS, "author"));
                let text = |k: &str| {
                    m.get(k)
                        .filter(|v| !v.is_null())
                        .map(key_text)
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                };
                text("name").map(|name| Profile {
                    name,
                    role: text("role"),
                    bio: text("bio"),
                    picture: m.get("picture").and_then(|v| {
                        picture(src, &[key, &code, "picture"], v, base, &mut problems)
                    }),
                })
            }
            _ => None,
        };
        match profile.filter(|p| !p.name.is_empty()) {
            Some(mut profile) => {
                if profile.picture.is_none() {
                    profile.picture.clone_from(&shared_picture);
                }
                if let Some(p) = &mut profile.picture {
                    p.alt.clone_from(&profile.name);
                }
                profiles.insert(language.lang.clone(), profile);
            }
            None => problems.push(
                src.error_at(&path, format!("the author `{key}` has no {code} name"))
                    .with_help(format!(
                        "write `{code}: <name>` or `{code}: {{ name: …, role: …, bio: … }}`"
                    )),
            ),
        }
    }
    if profiles.is_empty() && problems.is_empty() {
        problems.push(
            src.error_at(&[key], format!("the author `{key}` has no name"))
                .with_help(format!("write e.g. `{key}: {{ ar: …, en: … }}`")),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Author {
        stamp: stamp_of(key, &profiles, &links),
        slug: key.to_string(),
        keyed: true,
        profiles,
        links,
    })
}

/// A picture's path, resolved as an article's `image` is (relative paths
/// from `content/`, where authors.yaml is).
fn picture(
    src: &YamlSource,
    path: &[&str],
    value: &Value,
    base_path: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<Image> {
    let text = match value {
        Value::Null => return None,
        Value::String(s) if !s.trim().is_empty() => s.trim(),
        _ => {
            problems.push(
                src.error_at_value(path, "`picture` must be the path of a picture")
                    .with_help("write e.g. `picture: authors/sara.jpg` (from content/)"),
            );
            return None;
        }
    };
    if is_dangerous_url(text) {
        problems.push(
            src.error_at_value(path, "the picture address uses a scripting scheme")
                .with_help("use a path such as authors/sara.jpg or an https:// address"),
        );
        return None;
    }
    let at = src.value_location(path);
    Some(Image {
        src: resolve_asset_url(text, "", base_path),
        alt: String::new(),
        caption: None,
        credit: None,
        line: at.line as u32,
        column: at.column as u32,
    })
}

/// `links:`: a list of addresses, or of `{ label, url }`.
fn links(
    src: &YamlSource,
    key: &str,
    value: &Value,
    problems: &mut Vec<Diagnostic>,
) -> Vec<AuthorLink> {
    let path = [key, "links"];
    let help =
        "write e.g. `links: [https://example.org/sara, { label: Mastodon, url: https://… }]`";
    let Some(items) = value.as_sequence() else {
        if !value.is_null() {
            problems.push(
                src.error_at_value(&path, "`links` must be a list of addresses")
                    .with_help(help),
            );
        }
        return Vec::new();
    };
    let mut found = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let at = src.item_location(&path, index);
        let (label, url) = match item {
            Value::String(url) => (None, url.trim().to_string()),
            Value::Mapping(m) => {
                for k in m.keys().map(key_text) {
                    if k != "label" && k != "url" {
                        problems.push(
                            Diagnostic::error(Some(at.clone()), format!("unknown link key `{k}`"))
                                .with_help("a link has a `url` and, optionally, a `label`"),
                        );
                    }
                }
                let text = |k: &str| m.get(k).map(key_text).map(|t| t.trim().to_string());
                (
                    text("label").filter(|l| !l.is_empty()),
                    text("url").unwrap_or_default(),
                )
            }
            _ => (None, String::new()),
        };
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !(web || url.starts_with("mailto:")) {
            let message = if url.is_empty() {
                "a link has no address".to_string()
            } else {
                format!("the link `{url}` is not a web address")
            };
            problems.push(Diagnostic::error(Some(at), message).with_help(help));
            continue;
        }
        let label = label.unwrap_or_else(|| link_label(&url));
        found.push(AuthorLink { label, url });
    }
    found
}

/// What a link without a label says: the site's name (`x.com`), or the
/// address of an email.
fn link_label(url: &str) -> String {
    if let Some(address) = url.strip_prefix("mailto:") {
        return address.to_string();
    }
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_else(|| url.to_string())
}

fn stamp_of(slug: &str, profiles: &IndexMap<Lang, Profile>, links: &[AuthorLink]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    slug.hash(&mut h);
    for (lang, profile) in profiles {
        (lang.as_str(), profile).hash(&mut h);
    }
    links.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "sara-almusawi:\n  ar: { name: سارة الموسوي, role: مراسلة بغداد, bio: تغطي السياسة العراقية. }\n  en: { name: Sara al-Musawi, role: Baghdad correspondent, picture: authors/sara-en.jpg }\n  picture: authors/sara.jpg\n  links: [https://www.example.org/sara, { label: Mastodon, url: \"https://social.example/@sara\" }]\nali: { ar: علي حسين, en: Ali Hussein }\n";

    #[test]
    fn one_author_in_both_editions_found_by_key_or_forgiving_name() {
        let (authors, problems) = Authors::load(&Config::bilingual(), Some(YAML.as_bytes()));
        assert!(problems.is_empty(), "{problems}");
        let (ar, en) = (Lang::parse("ar").unwrap(), Lang::parse("en").unwrap());
        for (lang, text) in [
            (&ar, "سارة الموسوي"),
            (&ar, "ساره الموسوي"),
            (&ar, "سارة  المُوسوي"),
            (&en, "sara al-musawi"),
            (&en, "Sara al-Musawi"),
            (&ar, "sara-almusawi"),
        ] {
            let found = authors.resolve(lang, text);
            if text == "ساره الموسوي" {
                assert_eq!(found, Resolution::NewName, "ه and ة are different letters");
            } else {
                assert_eq!(found, Resolution::Author(0), "{text}");
            }
        }
        assert_eq!(
            authors.resolve(&en, "sara-almusawy"),
            Resolution::UnknownKey {
                suggestion: Some("sara-almusawi".into())
            }
        );
        let sara = authors.get(0);
        let en_profile = sara.profile(&en).unwrap();
        assert_eq!(en_profile.role.as_deref(), Some("Baghdad correspondent"));
        assert_eq!(
            en_profile
                .picture
                .as_ref()
                .map(|p| (p.src.as_str(), p.alt.as_str())),
            Some(("/authors/sara-en.jpg", "Sara al-Musawi"))
        );
        assert_eq!(
            sara.profile(&ar).unwrap().picture.as_ref().unwrap().src,
            "/authors/sara.jpg",
            "the shared picture where a language has none"
        );
        assert_eq!(
            sara.links,
            [
                AuthorLink {
                    label: "example.org".into(),
                    url: "https://www.example.org/sara".into()
                },
                AuthorLink {
                    label: "Mastodon".into(),
                    url: "https://social.example/@sara".into()
                },
            ]
        );
    }

    #[test]
    fn free_names_get_unicode_slugs_of_their_edition() {
        let (mut authors, _) = Authors::load(&Config::bilingual(), Some(YAML.as_bytes()));
        let ar = Lang::parse("ar").unwrap();
        let id = authors.add_name(&ar, "هاوري عزيز").unwrap();
        assert_eq!(authors.get(id).slug, "هاوري-عزيز");
        assert!(!authors.get(id).keyed);
        assert_eq!(authors.add_name(&ar, "هاوري  عزيز"), Ok(id));
        assert_eq!(
            authors.add_name(&ar, "Ali"),
            Err(AddLabelError::SameSlug {
                other: 1,
                slug: "ali".into()
            })
        );
    }

    #[test]
    fn mistakes_in_authors_yaml_are_reported_at_their_line() {
        let yaml = "Sara Ali: { ar: سارة }\nhawre: { ar: هاوري, fr: Hawre }\nnoname: { en: { role: Editor } }\nlinked: { en: X, links: [ftp://x.org], pictures: x.jpg }\n";
        let (_, problems) = Authors::load(&Config::bilingual(), Some(yaml.as_bytes()));
        let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "error: content/authors.yaml:1:1: the author key `Sara Ali` cannot be a URL: the slug `Sara Ali` contains a space, which is not safe in a URL\n  help: use lowercase letters, digits and hyphens, e.g. sara-almusawi",
                "error: content/authors.yaml:2:21: `fr` is not one of the site's languages\n  help: give the author's name under a language (ar, en), or `picture` and `links` for every language",
                "error: content/authors.yaml:3:11: the author `noname` has no en name\n  help: write `en: <name>` or `en: { name: …, role: …, bio: … }`",
                "error: content/authors.yaml:4:26: the link `ftp://x.org` is not a web address\n  help: write e.g. `links: [https://example.org/sara, { label: Mastodon, url: https://… }]`",
                "error: content/authors.yaml:4:40: `pictures` is not one of the site's languages\n  help: did you mean `picture`?",
            ]
        );
    }
}
