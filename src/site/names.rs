//! What both registries of the site share, topics (tags.yaml) and
//! authors (authors.yaml): the file read as a mapping of keys to entries
//! ([`Registry`]), and the table of its entries ([`Table`]), each found by
//! its key, or by its name in an edition, names compared in their normal
//! form ([`normalize_label`]: diacritics, hamza forms, case and spacing
//! forgiven). A name no key claims becomes a free entry of its edition,
//! with a slug that keeps its letters.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::config::{Config, Lang};
use crate::content::walk::{SourceFile, SourceKind};
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::urls::{check_slug, slugify};
use crate::yaml::{YamlSource, decode, key_text};

/// A registry file's words, for its messages.
pub struct Registry {
    /// `topic`, `author`.
    pub entry: &'static str,
    /// What it gives per language: `label`, `name`.
    pub name: &'static str,
    /// A key as it should look: `us-forces`.
    pub example_key: &'static str,
    /// A whole entry as it should look: `iraq: { ar: العراق, en: Iraq }`.
    pub example: &'static str,
    /// What to do when two entries have one name in an edition.
    pub same_name: &'static str,
    /// The file's name in `content/`: `tags.yaml`.
    pub file: &'static str,
    /// What the walk of `content/` calls the file.
    pub kind: SourceKind,
}

impl Registry {
    /// The registry file's content, if the walk found one; a file that
    /// cannot be read is in `problems`.
    pub fn source(
        &self,
        config: &Config,
        sources: &[SourceFile],
        problems: &mut Diagnostics,
    ) -> Option<Vec<u8>> {
        let file = sources.iter().find(|f| f.kind == self.kind)?;
        std::fs::read(config.root.join(&file.path))
            .map_err(|err| {
                let doing = format!("read the {}s", self.entry);
                problems.push(Diagnostic::io(&file.path, &doing, &err));
            })
            .ok()
    }

    /// Reads the registry file `path` (`bytes`: its content): decoded,
    /// parsed, and a mapping of keys to entries, each handed to `each`
    /// with the file's source (for messages at its lines). What is wrong
    /// with the file as a whole is in `problems`.
    pub fn read(
        &self,
        path: &Path,
        bytes: &[u8],
        problems: &mut Diagnostics,
        mut each: impl FnMut(&YamlSource, String, &Value, &mut Diagnostics),
    ) {
        let text = match decode(path, bytes) {
            Ok(text) => text,
            Err(d) => return problems.push(d),
        };
        let src = YamlSource::new(path, &text, 1);
        let doc = match src.parse() {
            Ok(doc) => doc,
            Err(d) => return problems.push(d),
        };
        let Some(map) = doc.as_mapping() else {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            let (entry, name) = (self.entry, self.name);
            return problems.push(
                Diagnostic::in_file(
                    path,
                    format!("{file} must map {entry} keys to their {name}s"),
                )
                .with_help(format!("write e.g. `{}`", self.example)),
            );
        };
        for (key, value) in map {
            each(&src, key_text(key), value, problems);
        }
    }

    /// Says that each name of `taken` ([`NameIndex::insert_keyed`]: its
    /// language, the name and the entry that has it) at `key` is another
    /// entry's already (`slug`: that entry's key).
    pub fn same_names<'a>(
        &self,
        src: &YamlSource,
        key: &str,
        taken: Vec<(Lang, String, usize)>,
        slug: impl Fn(usize) -> &'a str,
        problems: &mut Diagnostics,
    ) {
        let what = self.name;
        for (lang, name, other) in taken {
            problems.push(
                src.error_at(
                    &[key, lang.as_str()],
                    format!(
                        "the {lang} {what} `{name}` is also the {what} of `{}`",
                        slug(other)
                    ),
                )
                .with_help(self.same_name),
            );
        }
    }

    /// An entry's key checked as the URL segment it becomes, and its value
    /// as the mapping (of languages, and more) it must be; what is wrong is
    /// added to `problems`. `None` when the value is no mapping.
    pub fn entry<'v>(
        &self,
        src: &YamlSource,
        key: &str,
        value: &'v Value,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<&'v Mapping> {
        let (entry, name) = (self.entry, self.name);
        if let Err(why) = check_slug(key) {
            problems.push(
                src.error_at(
                    &[key],
                    format!("the {entry} key `{key}` cannot be a URL: {why}"),
                )
                .with_help(format!(
                    "use lowercase letters, digits and hyphens, e.g. {}",
                    self.example_key
                )),
            );
        }
        let map = value.as_mapping();
        if map.is_none() {
            problems.push(
                src.error_at(
                    &[key],
                    format!("the {entry} `{key}` must give a {name} per language"),
                )
                .with_help(format!("write e.g. `{key}: {{ ar: …, en: … }}`")),
            );
        }
        map
    }
}

/// An entry of a registry (a topic, an author), as its [`Table`] sees it.
pub trait Named {
    /// The registry the entry comes from.
    const REGISTRY: &'static Registry;
    /// The URL segment: the registry's key, or the slug of a free name.
    fn slug(&self) -> &str;
    /// Whether the registry file defines it (and so it can span editions).
    fn keyed(&self) -> bool;
    /// Its name in each edition that has one.
    fn names(&self) -> impl Iterator<Item = (&Lang, &str)>;
}

/// A registry's entries: its file's, then the free names articles
/// introduced, each found by key or by name.
#[derive(Debug)]
pub struct Table<E> {
    pub all: Vec<E>,
    names: NameIndex,
    /// Where the registry file was read from, for messages; `None` if
    /// there is none.
    pub file: Option<PathBuf>,
}

impl<E> Default for Table<E> {
    fn default() -> Self {
        Table {
            all: Vec::new(),
            names: NameIndex::default(),
            file: None,
        }
    }
}

impl<E: Named> Table<E> {
    /// The entries of the registry file (if any; `bytes`: its content),
    /// each read by `read_entry` from its key and value; what is wrong
    /// with them, and names two entries share, are in the diagnostics.
    pub fn from_file(
        bytes: Option<&[u8]>,
        mut read_entry: impl FnMut(&YamlSource, &str, &Value) -> Result<E, Vec<Diagnostic>>,
    ) -> (Self, Diagnostics) {
        let registry = E::REGISTRY;
        let path = Path::new("content").join(registry.file);
        let mut table = Table::default();
        let mut problems = Diagnostics::new();
        let Some(bytes) = bytes else {
            return (table, problems);
        };
        table.file = Some(path.clone());
        registry.read(
            &path,
            bytes,
            &mut problems,
            |src, key, value, problems| match read_entry(src, &key, value) {
                Ok(entry) => table.insert_keyed(src, key, entry, problems),
                Err(found) => problems.extend(found),
            },
        );
        (table, problems)
    }

    fn insert_keyed(
        &mut self,
        src: &YamlSource,
        key: String,
        entry: E,
        problems: &mut Diagnostics,
    ) {
        let taken = self
            .names
            .insert_keyed(key.clone(), self.all.len(), entry.names());
        E::REGISTRY.same_names(src, &key, taken, |other| self.all[other].slug(), problems);
        self.all.push(entry);
    }

    pub fn get(&self, id: usize) -> &E {
        &self.all[id]
    }

    /// The entry `text` means in `lang`: by key, or by name.
    pub fn find(&self, lang: &Lang, text: &str) -> Option<usize> {
        self.names.find(lang, text)
    }

    /// For a text that looks like a key but is none: the closest key, if
    /// one is close ([`NameIndex::unknown_key`]).
    pub fn unknown_key(&self, text: &str) -> Option<Option<String>> {
        self.names.unknown_key(text)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.names.keys()
    }

    /// Adds (or finds) the free entry named `text` in `lang`; `make` makes
    /// a new one from its slug. Fails when another entry of the edition (or
    /// a keyed one) already has that slug.
    pub fn add_free(
        &mut self,
        lang: &Lang,
        text: &str,
        make: impl FnOnce(String) -> E,
    ) -> Result<usize, AddLabelError> {
        let taken = |slug: &str| {
            self.all
                .iter()
                .position(|e| e.slug() == slug && (e.keyed() || e.names().any(|(l, _)| l == lang)))
        };
        let slug = match self.names.free(lang, text, taken)? {
            Free::Known(id) => return Ok(id),
            Free::New { slug } => slug,
        };
        let id = self.all.len();
        self.all.push(make(slug));
        self.names.insert_free(lang, text, id);
        Ok(id)
    }

    /// Where the registry file is (or would be), for messages.
    pub fn file_name(&self) -> String {
        self.file.as_ref().map_or_else(
            || format!("content/{}", E::REGISTRY.file),
            |p| p.display().to_string(),
        )
    }
}

/// Entries (by their index in the registry's list) by key and by name.
#[derive(Debug, Default)]
pub struct NameIndex {
    by_key: HashMap<String, usize>,
    by_name: HashMap<(Lang, String), usize>,
}

/// Where a free name goes: an entry that already has it, or a new one.
pub enum Free {
    Known(usize),
    New { slug: String },
}

impl NameIndex {
    /// Registers the keyed entry `id` under `key` and its `names`; gives
    /// back each name another entry has already (its language, the name as
    /// written and that entry), which stays the other's.
    pub fn insert_keyed<'a>(
        &mut self,
        key: String,
        id: usize,
        names: impl IntoIterator<Item = (&'a Lang, &'a str)>,
    ) -> Vec<(Lang, String, usize)> {
        let mut taken = Vec::new();
        for (lang, name) in names {
            let normal = normalize_label(name);
            match self.by_name.get(&(lang.clone(), normal.clone())) {
                Some(&other) => taken.push((lang.clone(), name.to_string(), other)),
                None => {
                    self.by_name.insert((lang.clone(), normal), id);
                }
            }
        }
        self.by_key.insert(key, id);
        taken
    }

    /// The entry `text` means in `lang`: by key, or by name.
    pub fn find(&self, lang: &Lang, text: &str) -> Option<usize> {
        self.by_key
            .get(text)
            .or_else(|| self.by_name.get(&(lang.clone(), normalize_label(text))))
            .copied()
    }

    /// For a text that looks like a key (lowercase and hyphenated) but is
    /// none: the closest key, if one is close. `None` for other texts.
    pub fn unknown_key(&self, text: &str) -> Option<Option<String>> {
        looks_like_key(text).then(|| did_you_mean(text, self.keys()).map(str::to_string))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }

    /// Where the free name `text` of `lang` goes: the entry that has it
    /// already, or a new entry with the slug of its normal form. `slug_of`
    /// finds an entry of the edition (or a keyed one) with a given slug,
    /// which a new entry may not take.
    pub fn free(
        &self,
        lang: &Lang,
        text: &str,
        slug_of: impl Fn(&str) -> Option<usize>,
    ) -> Result<Free, AddLabelError> {
        let normal = normalize_label(text);
        if let Some(&id) = self.by_name.get(&(lang.clone(), normal.clone())) {
            return Ok(Free::Known(id));
        }
        let slug = slugify(&normal);
        if slug.is_empty() {
            return Err(AddLabelError::NoLetters);
        }
        if let Some(other) = slug_of(&slug) {
            return Err(AddLabelError::SameSlug { other, slug });
        }
        Ok(Free::New { slug })
    }

    /// Registers the new free entry `id` under its name `text` in `lang`
    /// (after [`NameIndex::free`] said it is new).
    pub fn insert_free(&mut self, lang: &Lang, text: &str, id: usize) {
        self.by_name
            .insert((lang.clone(), normalize_label(text)), id);
    }
}

/// Why a free name (a topic's label, an author's name) could not become
/// an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddLabelError {
    /// The name has no letters or digits to make a URL from.
    NoLetters,
    /// Another entry of the edition has the slug this name would get.
    SameSlug { other: usize, slug: String },
}

/// Lowercase ASCII words joined by hyphens: how keys look, as opposed to
/// names ("Iraq", "US forces", "العراق").
pub fn looks_like_key(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && text.contains('-')
}

/// The form names are compared in: Unicode compatibility forms folded
/// (NFKC: Arabic presentation forms and ligatures such as ﻻ become plain
/// letters), no Arabic diacritics or tatweel, one alef for its hamza forms,
/// lowercase, single spaces.
pub fn normalize_label(text: &str) -> String {
    let text = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\u{0610}'..='\u{061A}'
                | '\u{064B}'..='\u{065F}'
                | '\u{0670}'
                | '\u{06D6}'..='\u{06ED}'
                | '\u{0640}' => {}
                'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
                c => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}
