//! The site's configuration, `digest.yaml`, read once and checked at the edge.
//!
//! Everything here is typed: languages are [`Lang`]s with a [`Direction`] and
//! an ICU locale, the base URL is split into origin and path. Unknown keys are
//! errors with a "did you mean" hint, so a typo never turns into a silent
//! default.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use icu_locale_core::Locale;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_yaml::Value;

use crate::error::{BuildError, Diagnostic, Diagnostics, Location, did_you_mean};
use crate::yaml::{YamlSource, decode, key_text};

/// The configuration file's name, at the root of a site.
pub const CONFIG_FILE: &str = "digest.yaml";

/// A language code as used in file names and URLs (`ar`, `en`, `pt-br`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Lang(Arc<str>);

impl Lang {
    /// Checks that `code` is a language code fit for a URL segment.
    pub fn parse(code: &str) -> Option<Lang> {
        let mut parts = code.split('-');
        let primary = parts.next()?;
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        (primary_ok && rest_ok).then(|| Lang(Arc::from(code)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The direction text of a language runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Which digits numbers and dates are written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Digits {
    /// Whatever the locale uses by default.
    Locale,
    /// 0123456789
    Latn,
    /// ٠١٢٣٤٥٦٧٨٩ (Arabic-Indic)
    Arab,
}

/// How an edition writes the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Clock {
    /// 14:00 (the default: how news is timed in Iraq and much of the world).
    H24,
    /// 2:00 PM
    H12,
}

impl Clock {
    /// The Unicode hour cycle (`h23`, `h12`), as locale tags write it.
    pub fn hour_cycle(self) -> &'static str {
        match self {
            Clock::H24 => "h23",
            Clock::H12 => "h12",
        }
    }
}

/// What happens to raw HTML written inside Markdown bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Keep safe markup (formatting, links, tables), drop scripts, styles,
    /// event handlers and `javascript:` URLs. The default: articles often
    /// arrive scraped from other sites.
    Sanitize,
    /// Show the markup as text.
    Escape,
    /// Keep it as written (trusted authors only).
    Allow,
}

/// What a link or picture in an article that leads nowhere is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkPolicy {
    /// An error: the build fails (the default).
    Error,
    /// A warning: the site is published with the broken link.
    Warn,
}

/// One edition of the site: a language and how it is presented.
#[derive(Debug, Clone)]
pub struct LanguageConfig {
    pub lang: Lang,
    /// The language's own name for itself ("العربية", "English").
    pub name: String,
    /// The edition's title ("الموجز", "The Digest").
    pub title: String,
    pub description: Option<String>,
    /// The ICU locale for dates, numbers and plurals (`ar-IQ`, `en-GB`).
    pub locale: Locale,
    pub dir: Direction,
    pub digits: Digits,
    pub words_per_minute: u32,
    /// Print Levantine/Iraqi month names with the international ones
    /// ("كانون الأول/ديسمبر").
    pub dual_months: bool,
    /// Print the Hijri date beside the Gregorian one.
    pub hijri: bool,
    /// A 24- or 12-hour clock for times of day.
    pub clock: Clock,
}

impl LanguageConfig {
    /// The locale with the configured digits (`-u-nu-latn`) applied.
    pub fn formatting_locale(&self) -> Locale {
        let numbering = match self.digits {
            Digits::Locale => return self.locale.clone(),
            Digits::Latn => "latn",
            Digits::Arab => "arab",
        };
        let tag = format!("{}-u-nu-{numbering}", self.locale.id);
        tag.parse().unwrap_or_else(|_| self.locale.clone())
    }

    /// `ar_IQ` style, as Open Graph wants it.
    pub fn og_locale(&self) -> String {
        self.locale.id.to_string().replace('-', "_")
    }
}

/// One entry of an edition's `menu:` in `digest.yaml`, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub target: MenuTarget,
    /// Where the entry is written, for messages.
    pub at: Location,
}

/// What a menu entry names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MenuTarget {
    /// A section, a standalone page, `tags` or `authors`: by key (`news`,
    /// `about`) or by path (`about.en.md`, `news/`).
    Key(String),
    /// A link with its own label: an outside address (`https://…`,
    /// `mailto:…`) or an address in the site (`/en/2021/12/`).
    Link { label: String, url: String },
}

/// A theme option set in `digest.yaml` (`theme_options:`), as written; the
/// theme stage checks it against the options the theme declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeOptionSetting {
    pub name: String,
    pub value: Value,
    /// Where the option's name and value are written, for messages.
    pub at: Location,
    pub value_at: Location,
}

/// The site's public address, split so that links can be root-relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://example.org`
    pub origin: String,
    /// `/` or `/digest/`: always starts and ends with a slash.
    pub path: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| format!("`{text}` is not an absolute URL"))?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{text}` must start with https:// or http://"));
        }
        let (host, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, "/"),
        };
        if host.is_empty() || path.contains(['?', '#']) || host.contains(char::is_whitespace) {
            return Err(format!("`{text}` is not a valid site address"));
        }
        let mut path = path.to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        Ok(BaseUrl {
            origin: format!("{scheme}://{host}"),
            path,
        })
    }

    /// The absolute URL of a root-relative `path` (one that starts with the
    /// base path).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin, self.path)
    }
}

/// The whole configuration of a site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `digest.yaml`, `content/` and `themes/`.
    pub root: PathBuf,
    pub base_url: BaseUrl,
    /// The editions, in the order the configuration lists them.
    pub languages: Vec<LanguageConfig>,
    pub default_language: Lang,
    pub timezone: jiff::tz::TimeZone,
    pub timezone_name: String,
    pub theme: String,
    pub paginate: usize,
    pub minify: bool,
    /// How many related stories an article shows.
    pub related: usize,
    /// How many entries a feed carries.
    pub feed_entries: usize,
    /// How many of a topic's or author's feed entries carry the whole
    /// story (the newest); the others carry their summary. An edition's
    /// own feed carries the whole story in every entry.
    pub feed_full_entries: usize,
    pub raw_html: RawHtml,
    /// Section folder name → its label per language.
    pub sections: IndexMap<String, IndexMap<Lang, String>>,
    /// How pictures are published (`images:`).
    pub images: ImageSettings,
    /// The providers whose links and players become click-to-load embeds
    /// (`embeds:`).
    pub embeds: Vec<EmbedProvider>,
    /// Where `sections:` and each of its entries are written, for
    /// messages; `None` when the configuration has no `sections:`.
    pub sections_at: Option<SectionsAt>,
    /// Extensions (lowercase, no dot) of the files under `content/` that
    /// are published besides the known kinds (`publish_extensions:`).
    pub publish_extensions: Vec<String>,
    /// What a broken internal link or picture is (`links:`).
    pub links: LinkPolicy,
    /// Whether any warning fails the build (`deny_warnings:`).
    pub deny_warnings: bool,
    /// Whether each edition has a search page and index (`search:`, on
    /// unless set to false).
    pub search: bool,
    /// Each edition's menu (`menu:`), for the editions that set one.
    pub menus: IndexMap<Lang, Vec<MenuEntry>>,
    /// The theme's options as the site sets them (`theme_options:`).
    pub theme_options: Vec<ThemeOptionSetting>,
    /// The bytes of `digest.yaml`, for the build's fingerprint.
    pub source_hash: u64,
    /// Where `digest deploy` publishes the site, by target name.
    pub deploy: IndexMap<String, DeployTarget>,
    /// Editions and their email (`newsletter:` in digest.yaml).
    pub newsletter: NewsletterConfig,
}

const TOP_KEYS: &[&str] = &[
    "base_url",
    "default_language",
    "languages",
    "timezone",
    "theme",
    "paginate",
    "minify",
    "related",
    "feed_entries",
    "feed_full_entries",
    "raw_html",
    "sections",
    "images",
    "embeds",
    "publish_extensions",
    "links",
    "deny_warnings",
    "search",
    "deploy",
    "newsletter",
    "menu",
    "theme_options",
];

const IMAGE_KEYS: &[&str] = &["widths", "quality", "sizes", "keep_metadata"];

/// How pictures are published: the widths of each picture and how they are
/// encoded (see `media`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ImageSettings {
    /// The widths every picture is published in, in pixels, smallest first
    /// (never wider than the picture itself).
    pub widths: Vec<u32>,
    /// The quality of lossy WebP and JPEG, 1 to 100.
    pub quality: u8,
    /// The `sizes` of pictures in article bodies: how wide the theme shows
    /// them, so that browsers pick the width they need.
    pub sizes: String,
    /// Publish original files with the EXIF, XMP and IPTC metadata they came
    /// with (camera, time, GPS position). Off unless the site opts in.
    pub keep_metadata: bool,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            quality: 80,
            // Screens with three device pixels to a CSS pixel get pictures
            // chosen for two: the difference cannot be seen at arm's
            // length, and it halves what a phone downloads.
            sizes: "(min-width: 46rem) 42rem, (min-resolution: 2.5dppx) calc((100vw - 2rem) * 2 / 3), calc(100vw - 2rem)".into(),
            keep_metadata: false,
        }
    }
}

/// A site a link or a player may come from, for click-to-load embeds.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum EmbedProvider {
    YouTube,
    Vimeo,
    X,
    Instagram,
    Facebook,
    SoundCloud,
    Spotify,
    /// A provider the site describes: its name, the address of a post with
    /// `{id}` where the post's id goes, and the player's address.
    Custom {
        name: String,
        link: String,
        player: String,
    },
}

impl EmbedProvider {
    /// The providers digest knows, by the names `embeds:` gives them.
    pub const BUILT_IN: &[(&str, EmbedProvider)] = &[
        ("youtube", EmbedProvider::YouTube),
        ("vimeo", EmbedProvider::Vimeo),
        ("x", EmbedProvider::X),
        ("twitter", EmbedProvider::X),
        ("instagram", EmbedProvider::Instagram),
        ("facebook", EmbedProvider::Facebook),
        ("soundcloud", EmbedProvider::SoundCloud),
        ("spotify", EmbedProvider::Spotify),
    ];

    /// Every built-in provider: the default list.
    pub fn all() -> Vec<EmbedProvider> {
        let mut all: Vec<EmbedProvider> = Vec::new();
        for (_, p) in Self::BUILT_IN {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        all
    }
}

/// Where `sections:` is written in the configuration, and each entry.
#[derive(Debug, Clone)]
pub struct SectionsAt {
    pub key: Location,
    pub entries: IndexMap<String, Location>,
}

const LANGUAGE_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "locale",
    "dir",
    "digits",
    "words_per_minute",
    "dual_months",
    "hijri",
    "clock",
];

/// The configuration stage: `digest.yaml` in `root`, with `base_url`
/// replaced by `base_url_override` if given (`--base-url`).
pub fn stage(root: &Path, base_url_override: Option<&str>) -> Result<Config, BuildError> {
    let mut config = Config::load(root).map_err(BuildError::Invalid)?;
    if let Some(url) = base_url_override {
        config.base_url = BaseUrl::parse(url).map_err(|why| {
            BuildError::Fatal(
                Diagnostic::error(None, format!("--base-url: {why}"))
                    .with_help("give an absolute address such as https://example.org/digest/"),
            )
        })?;
    }
    Ok(config)
}

impl Config {
    /// Reads and checks `digest.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|err| {
            let diagnostic = if err.kind() == std::io::ErrorKind::NotFound {
                Diagnostic::error(None, format!("no {CONFIG_FILE} in {}", root.display()))
                    .with_help("run digest in the site's folder, or point to it with --root")
            } else {
                Diagnostic::io(Path::new(CONFIG_FILE), "read the configuration", &err)
            };
            Diagnostics::from_iter([diagnostic])
        })?;
        // Like articles: UTF-8 with or without a byte-order mark, any line ends.
        let text =
            decode(Path::new(CONFIG_FILE), &bytes).map_err(|d| Diagnostics::from_iter([d]))?;
        let mut config = Config::parse(Path::new(CONFIG_FILE), &text)?;
        config.root = root.to_path_buf();
        Ok(config)
    }

    /// Checks a configuration's text; `file` is the name used in messages.
    pub fn parse(file: &Path, text: &str) -> Result<Config, Diagnostics> {
        let src = YamlSource::new(file, text, 1);
        let doc = src.parse().map_err(|d| Diagnostics::from_iter([d]))?;
        let mut problems = Diagnostics::new();
        let Some(map) = doc.as_mapping() else {
            problems.push(Diagnostic::in_file(
                file,
                "the configuration must be a mapping of keys to values",
            ));
            return Err(problems);
        };
        problems.extend(src.unknown_keys(map, &[], TOP_KEYS, "configuration"));
        let mut read = Reader {
            src: &src,
            problems: &mut problems,
        };

        let base_url = read.required_string(map, "base_url").and_then(|url| {
            BaseUrl::parse(&url)
                .map_err(|why| {
                    read.problems.push(
                        src.error_at_value(&["base_url"], why)
                            .with_help("write the address the site will be served from, e.g. https://digest.example.org/"),
                    )
                })
                .ok()
        });
        let languages = read.languages(map);
        let default_language = read.required_string(map, "default_language");
        let timezone_name = read
            .optional::<String>(map, "timezone", "a time zone name such as Asia/Baghdad")
            .unwrap_or_else(|| "UTC".to_string());
        let timezone = jiff::tz::TimeZone::get(&timezone_name)
            .map_err(|_| {
                read.problems.push(
                    src.error_at_value(
                        &["timezone"],
                        format!("unknown time zone `{timezone_name}`"),
                    )
                    .with_help("use an IANA time zone name such as Asia/Baghdad or UTC"),
                )
            })
            .ok();
        let theme = read
            .optional::<String>(map, "theme", "a theme folder name")
            .unwrap_or_else(|| "default".to_string());
        let paginate = read.positive(map, "paginate", 20);
        let related = read
            .optional::<usize>(map, "related", "a number")
            .unwrap_or(5);
        let feed_entries = read.positive(map, "feed_entries", 20);
        let feed_full_entries = read
            .optional::<usize>(map, "feed_full_entries", "a number")
            .unwrap_or(5);
        let minify = read
            .optional::<bool>(map, "minify", "true or false")
            .unwrap_or(true);
        let raw_html = read
            .optional::<RawHtml>(map, "raw_html", "one of sanitize, escape, allow")
            .unwrap_or(RawHtml::Sanitize);
        let sections = read.sections(map, &languages);
        let images = read.images(map);
        let embeds = read.embeds(map);
        let sections_at = map.contains_key("sections").then(|| SectionsAt {
            key: src.key_location(&["sections"]),
            entries: sections
                .keys()
                .map(|s| (s.clone(), src.key_location(&["sections", s])))
                .collect(),
        });
        let publish_extensions = read.extensions(map);
        let links = read
            .optional::<LinkPolicy>(map, "links", "error or warn")
            .unwrap_or(LinkPolicy::Error);
        let deny_warnings = read
            .optional::<bool>(map, "deny_warnings", "true or false")
            .unwrap_or(false);
        let search = read
            .optional::<bool>(map, "search", "true or false")
            .unwrap_or(true);
        let deploy = read.deploy_targets(map);
        let newsletter = read.newsletter(map, &languages);
        let menus = read.menus(map, &languages);
        let theme_options = read.theme_options(map);

        let default_language = default_language.and_then(|code| {
            let found = languages.iter().find(|l| l.lang.as_str() == code);
            if found.is_none() {
                let known: Vec<&str> = languages.iter().map(|l| l.lang.as_str()).collect();
                let help = match did_you_mean(&code, known.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "use one of the languages listed under `languages`: {}",
                        known.join(", ")
                    ),
                };
                problems.push(
                    src.error_at_value(
                        &["default_language"],
                        format!("the default language `{code}` is not one of the site's languages"),
                    )
                    .with_help(help),
                );
            }
            found.map(|l| l.lang.clone())
        });

        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Config {
            root: PathBuf::new(),
            base_url: base_url.expect("checked above"),
            languages,
            default_language: default_language.expect("checked above"),
            timezone: timezone.expect("checked above"),
            timezone_name,
            theme,
            paginate,
            minify,
            related,
            feed_entries,
            feed_full_entries,
            raw_html,
            sections,
            images,
            embeds,
            sections_at,
            publish_extensions,
            links,
            deny_warnings,
            search,
            menus,
            theme_options,
            source_hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            deploy,
            newsletter,
        })
    }

    pub fn language(&self, lang: &Lang) -> &LanguageConfig {
        self.languages
            .iter()
            .find(|l| &l.lang == lang)
            .expect("languages are checked when the site is loaded")
    }

    pub fn find_language(&self, code: &str) -> Option<&LanguageConfig> {
        self.languages.iter().find(|l| l.lang.as_str() == code)
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// The label of a section folder in `lang`; the folder name if none is set.
    pub fn section_label(&self, section: &str, lang: &Lang) -> String {
        self.sections
            .get(section)
            .and_then(|labels| labels.get(lang))
            .cloned()
            .unwrap_or_else(|| section.to_string())
    }
}

/// Reads typed values out of the configuration mapping, collecting problems.
struct Reader<'a, 'b> {
    src: &'a YamlSource<'a>,
    problems: &'b mut Diagnostics,
}

impl Reader<'_, '_> {
    fn optional<T: serde::de::DeserializeOwned>(
        &mut self,
        map: &serde_yaml::Mapping,
        key: &str,
        expected: &str,
    ) -> Option<T> {
        self.optional_at(map, &[key], expected)
    }

    fn optional_at<T: serde::de::DeserializeOwned>(
        &mut self,
        map: &serde_yaml::Mapping,
        path: &[&str],
        expected: &str,
    ) -> Option<T> {
        let value = map.get(*path.last()?)?;
        match self.src.typed(value, path, expected) {
            Ok(v) => Some(v),
            Err(d) => {
                self.problems.push(d);
                None
            }
        }
    }

    fn required_string(&mut self, map: &serde_yaml::Mapping, key: &str) -> Option<String> {
        if !map.contains_key(key) {
            self.problems.push(
                Diagnostic::in_file(self.src.file, format!("the configuration has no `{key}`"))
                    .with_help(format!("add a line `{key}: …`")),
            );
            return None;
        }
        self.optional::<String>(map, key, "text")
    }

    fn positive(&mut self, map: &serde_yaml::Mapping, key: &str, default: usize) -> usize {
        match self.optional::<usize>(map, key, "a whole number") {
            Some(0) => {
                self.problems.push(
                    self.src
                        .error_at_value(&[key], format!("`{key}` must be at least 1")),
                );
                default
            }
            Some(n) => n,
            None => default,
        }
    }

    fn images(&mut self, map: &serde_yaml::Mapping) -> ImageSettings {
        let mut images = ImageSettings::default();
        let Some(value) = map.get("images").filter(|v| !v.is_null()) else {
            return images;
        };
        let Some(settings) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(&["images"], "`images` must be a mapping of settings")
                    .with_help("write e.g. `images: { widths: [480, 960, 1600], quality: 80 }`"),
            );
            return images;
        };
        self.problems.extend(
            self.src
                .unknown_keys(settings, &["images"], IMAGE_KEYS, "images"),
        );
        let at = |key: &'static str| ["images", key];
        if let Some(widths) =
            self.optional_at::<Vec<u32>>(settings, &at("widths"), "a list of widths in pixels")
        {
            if widths.is_empty() || widths.iter().any(|w| !(16..=8192).contains(w)) {
                self.problems.push(
                    self.src
                        .error_at_value(
                            &at("widths"),
                            "`images.widths` must list widths from 16 to 8192 pixels",
                        )
                        .with_help("write e.g. `widths: [480, 960, 1600]`"),
                );
            } else {
                images.widths = widths;
                images.widths.sort_unstable();
                images.widths.dedup();
            }
        }
        if let Some(quality) = self.optional_at::<u8>(settings, &at("quality"), "a number") {
            if (1..=100).contains(&quality) {
                images.quality = quality;
            } else {
                self.problems.push(
                    self.src
                        .error_at_value(&at("quality"), "`images.quality` must be from 1 to 100")
                        .with_help("80 keeps photographs sharp at a fraction of their size"),
                );
            }
        }
        if let Some(sizes) = self.optional_at::<String>(settings, &at("sizes"), "text") {
            images.sizes = sizes;
        }
        if let Some(keep) =
            self.optional_at::<bool>(settings, &at("keep_metadata"), "true or false")
        {
            images.keep_metadata = keep;
        }
        images
    }

    fn embeds(&mut self, map: &serde_yaml::Mapping) -> Vec<EmbedProvider> {
        let Some(value) = map.get("embeds") else {
            return EmbedProvider::all();
        };
        let help = "list provider names (youtube, vimeo, x, instagram, facebook, soundcloud, spotify) or `{ name, link, player }` with `{id}` in both addresses";
        let items = match value {
            Value::Null => return Vec::new(),
            Value::Sequence(items) => items,
            _ => {
                self.problems.push(
                    self.src
                        .error_at_value(&["embeds"], "`embeds` must be a list of providers")
                        .with_help(help),
                );
                return EmbedProvider::all();
            }
        };
        let names: Vec<&str> = EmbedProvider::BUILT_IN.iter().map(|(n, _)| *n).collect();
        let mut providers = Vec::new();
        for item in items {
            match item {
                Value::String(name) => {
                    let lower = name.trim().to_lowercase();
                    match EmbedProvider::BUILT_IN.iter().find(|(n, _)| *n == lower) {
                        Some((_, p)) if !providers.contains(p) => providers.push(p.clone()),
                        Some(_) => {}
                        None => {
                            let help = match did_you_mean(&lower, names.iter().copied()) {
                                Some(close) => format!("did you mean `{close}`?"),
                                None => help.to_string(),
                            };
                            self.problems.push(
                                self.src
                                    .error_at(
                                        &["embeds"],
                                        format!("unknown embed provider `{name}`"),
                                    )
                                    .with_help(help),
                            );
                        }
                    }
                }
                Value::Mapping(custom) => {
                    if let Some(p) = self.custom_provider(custom, help) {
                        providers.push(p);
                    }
                }
                _ => self.problems.push(
                    self.src
                        .error_at(
                            &["embeds"],
                            "each entry of `embeds` must be a provider name or a mapping",
                        )
                        .with_help(help),
                ),
            }
        }
        providers
    }

    fn custom_provider(&mut self, map: &serde_yaml::Mapping, help: &str) -> Option<EmbedProvider> {
        self.problems.extend(self.src.unknown_keys(
            map,
            &["embeds"],
            &["name", "link", "player"],
            "embed provider",
        ));
        let text = |key: &str| map.get(key).map(key_text).filter(|t| !t.trim().is_empty());
        let (name, link, player) = (text("name"), text("link"), text("player"));
        let (Some(name), Some(link), Some(player)) = (name, link, player) else {
            self.problems.push(
                self.src
                    .error_at(
                        &["embeds"],
                        "an embed provider needs a `name`, a `link` and a `player`",
                    )
                    .with_help(help),
            );
            return None;
        };
        for (key, address) in [("link", &link), ("player", &player)] {
            if !address.starts_with("https://") || address.matches("{id}").count() != 1 {
                self.problems.push(
                    self.src
                        .error_at(
                            &["embeds"],
                            format!("the {key} address of the embed provider `{name}` must start with https:// and hold `{{id}}` once"),
                        )
                        .with_help("e.g. `link: https://video.example.org/watch/{id}`, `player: https://video.example.org/embed/{id}`"),
                );
                return None;
            }
        }
        Some(EmbedProvider::Custom { name, link, player })
    }

    fn languages(&mut self, map: &serde_yaml::Mapping) -> Vec<LanguageConfig> {
        let Some(value) = map.get("languages") else {
            self.problems.push(
                Diagnostic::in_file(self.src.file, "the configuration has no `languages`")
                    .with_help("list each edition under `languages:`, e.g. `ar: { name: العربية, title: الموجز, locale: ar-IQ }`"),
            );
            return Vec::new();
        };
        let Some(entries) = value.as_mapping() else {
            self.problems.push(self.src.error_at(
                &["languages"],
                "`languages` must map language codes to their settings",
            ));
            return Vec::new();
        };
        let mut languages = Vec::new();
        for (code, settings) in entries {
            let code = key_text(code);
            if let Some(language) = self.language(&code, settings) {
                languages.push(language);
            }
        }
        if languages.is_empty() && !self.problems.has_errors() {
            self.problems.push(
                self.src
                    .error_at(&["languages"], "the site needs at least one language"),
            );
        }
        languages
    }

    fn language(&mut self, code: &str, settings: &Value) -> Option<LanguageConfig> {
        let path = ["languages", code];
        let Some(lang) = Lang::parse(code) else {
            self.problems.push(
                self.src
                    .error_at(&path, format!("`{code}` is not a language code"))
                    .with_help("use a lowercase language code such as ar or en"),
            );
            return None;
        };
        let Some(map) = settings.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(&path, format!("the settings of `{code}` must be a mapping"))
                    .with_help("give at least `name`, `title` and `locale`"),
            );
            return None;
        };
        self.problems
            .extend(self.src.unknown_keys(map, &path, LANGUAGE_KEYS, "language"));
        let text = |reader: &mut Self, key: &str| -> Option<String> {
            match map.get(key) {
                None => {
                    reader.problems.push(
                        reader
                            .src
                            .error_at(&path, format!("the language `{code}` has no `{key}`"))
                            .with_help(format!("add `{key}:` under `languages: {code}:`")),
                    );
                    None
                }
                Some(_) => reader.optional_at(map, &["languages", code, key], "text"),
            }
        };
        let name = text(self, "name");
        let title = text(self, "title");
        let locale_text = text(self, "locale");
        let description: Option<String> =
            self.optional_at(map, &["languages", code, "description"], "text");
        let locale = locale_text.and_then(|t| match t.parse::<Locale>() {
            Ok(locale) => Some(locale),
            Err(_) => {
                self.problems.push(
                    self.src
                        .error_at_value(
                            &["languages", code, "locale"],
                            format!("`{t}` is not a locale"),
                        )
                        .with_help("use a BCP 47 locale such as ar-IQ or en-GB"),
                );
                None
            }
        });
        let dir: Option<Direction> =
            self.optional_at(map, &["languages", code, "dir"], "rtl or ltr");
        let digits: Option<Digits> = self.optional_at(
            map,
            &["languages", code, "digits"],
            "one of locale, latn, arab",
        );
        let wpm: Option<u32> = self.optional_at(
            map,
            &["languages", code, "words_per_minute"],
            "a whole number",
        );
        let dual_months: Option<bool> =
            self.optional_at(map, &["languages", code, "dual_months"], "true or false");
        let hijri: Option<bool> =
            self.optional_at(map, &["languages", code, "hijri"], "true or false");
        let clock = self.clock(map, code);
        let locale = locale?;
        let dir = dir.unwrap_or_else(|| infer_direction(&locale));
        Some(LanguageConfig {
            lang,
            name: name?,
            title: title?,
            description,
            locale,
            dir,
            digits: digits.unwrap_or(Digits::Locale),
            words_per_minute: wpm.filter(|n| *n > 0).unwrap_or(200),
            dual_months: dual_months.unwrap_or(false),
            hijri: hijri.unwrap_or(false),
            clock,
        })
    }

    /// `publish_extensions: [csv, txt]`: extensions, with or without their
    /// dot, in any case.
    fn extensions(&mut self, map: &serde_yaml::Mapping) -> Vec<String> {
        let listed: Option<Vec<String>> = self.optional(
            map,
            "publish_extensions",
            "a list of file extensions, e.g. [csv, txt]",
        );
        let mut extensions = Vec::new();
        for written in listed.unwrap_or_default() {
            let ext = written.trim().trim_start_matches('.').to_ascii_lowercase();
            if ext.is_empty() || ext.contains(['/', '\\', '.', ' ']) || ext == "md" {
                self.problems.push(
                    self.src
                        .error_at_value(
                            &["publish_extensions"],
                            format!("`{written}` is not a file extension digest can publish"),
                        )
                        .with_help("list extensions without the dot, e.g. `publish_extensions: [csv, txt]`"),
                );
                continue;
            }
            extensions.push(ext);
        }
        extensions
    }

    /// `clock: 24` (the default) or `clock: 12`.
    fn clock(&mut self, map: &serde_yaml::Mapping, code: &str) -> Clock {
        let path = ["languages", code, "clock"];
        match self.optional_at::<Value>(map, &path, "24 or 12") {
            None => Clock::H24,
            Some(value) => match value.as_u64() {
                Some(24) => Clock::H24,
                Some(12) => Clock::H12,
                _ => {
                    self.problems.push(
                        self.src
                            .error_at_value(&path, "`clock` must be 24 or 12")
                            .with_help("write `clock: 24` for 14:00 or `clock: 12` for 2:00 PM"),
                    );
                    Clock::H24
                }
            },
        }
    }

    fn sections(
        &mut self,
        map: &serde_yaml::Mapping,
        languages: &[LanguageConfig],
    ) -> IndexMap<String, IndexMap<Lang, String>> {
        let raw: Option<IndexMap<String, IndexMap<String, String>>> = self.optional(
            map,
            "sections",
            "a mapping of section folders to their label per language",
        );
        let mut sections = IndexMap::new();
        for (section, labels) in raw.unwrap_or_default() {
            let mut by_lang = IndexMap::new();
            for (code, label) in labels {
                match languages.iter().find(|l| l.lang.as_str() == code) {
                    Some(l) => {
                        by_lang.insert(l.lang.clone(), label);
                    }
                    None => self.problems.push(self.src.error_at(
                        &["sections", &section, &code],
                        format!("`{code}` is not one of the site's languages"),
                    )),
                }
            }
            sections.insert(section, by_lang);
        }
        sections
    }
}

/// A place `digest deploy` publishes the built site to (`deploy:` in
/// digest.yaml). Credentials never come from here: each store reads its
/// cloud's standard environment variables and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    /// The target's name under `deploy:` (`production`).
    pub name: String,
    /// `s3://bucket/prefix/`, `gs://bucket/prefix/`, `az://container/prefix/`
    /// or `file:///absolute/folder/`.
    pub url: url::Url,
    /// An S3-compatible store's address (R2, MinIO, Spaces…); AWS itself
    /// needs none.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub cache_control: CacheControl,
    /// A URL that receives the changed addresses after each deploy (POST,
    /// JSON), for a CDN purge.
    pub purge: Option<String>,
}

/// The `Cache-Control` header of each kind of published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheControl {
    /// CSS and JS named by their content (`style.1a2b3c4d.css`) and the
    /// search indexes' content-named pieces: a changed file gets a new
    /// name, so they never go stale.
    pub hashed: String,
    /// HTML pages.
    pub pages: String,
    /// Feeds, the sitemap and robots.txt.
    pub feeds: String,
    /// Everything else (pictures, documents): replaced at the same address.
    pub files: String,
}

impl Default for CacheControl {
    fn default() -> Self {
        CacheControl {
            hashed: "public, max-age=31536000, immutable".into(),
            pages: "public, max-age=60, must-revalidate".into(),
            feeds: "public, max-age=300, must-revalidate".into(),
            files: "public, max-age=86400".into(),
        }
    }
}

const DEPLOY_KEYS: &[&str] = &["url", "endpoint", "region", "cache_control", "purge"];
const CACHE_CONTROL_KEYS: &[&str] = &["hashed", "pages", "feeds", "files"];
const DEPLOY_SCHEMES: &str = "s3://, gs://, az:// or file:///";

impl Reader<'_, '_> {
    fn deploy_targets(&mut self, map: &serde_yaml::Mapping) -> IndexMap<String, DeployTarget> {
        let mut targets = IndexMap::new();
        let Some(value) = map.get("deploy") else {
            return targets;
        };
        let Some(entries) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(
                        &["deploy"],
                        "`deploy` must map target names to their settings",
                    )
                    .with_help("e.g. `deploy: { production: { url: s3://bucket/www/ } }`"),
            );
            return targets;
        };
        for (name, settings) in entries {
            let name = key_text(name);
            if let Some(target) = self.deploy_target(&name, settings) {
                targets.insert(name, target);
            }
        }
        targets
    }

    fn deploy_target(&mut self, name: &str, settings: &Value) -> Option<DeployTarget> {
        let path = ["deploy", name];
        let Some(map) = settings.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(
                        &path,
                        format!("the deploy target `{name}` must be a mapping"),
                    )
                    .with_help(format!("give at least `url:` ({DEPLOY_SCHEMES})")),
            );
            return None;
        };
        self.problems.extend(
            self.src
                .unknown_keys(map, &path, DEPLOY_KEYS, "deploy target"),
        );
        let at = |key: &'static str| ["deploy", name, key];
        let url = match map.get("url") {
            None => {
                self.problems.push(
                    self.src
                        .error_at(&path, format!("the deploy target `{name}` has no `url`"))
                        .with_help(format!(
                            "add `url:` under `deploy: {name}:` ({DEPLOY_SCHEMES})"
                        )),
                );
                None
            }
            Some(_) => self
                .optional_at::<String>(map, &at("url"), "text")
                .and_then(|text| match parse_deploy_url(&text) {
                    Ok(url) => Some(url),
                    Err(why) => {
                        self.problems
                            .push(self.src.error_at_value(&at("url"), why).with_help(format!(
                                "write {DEPLOY_SCHEMES}, e.g. s3://digest-site/www/"
                            )));
                        None
                    }
                }),
        };
        let endpoint: Option<String> = self.optional_at(map, &at("endpoint"), "text");
        let endpoint =
            endpoint.filter(|e| self.check_http(e, &at("endpoint"), "the store's address"));
        let region: Option<String> = self.optional_at(map, &at("region"), "text");
        let purge: Option<String> = self.optional_at(map, &at("purge"), "text");
        let purge = purge.filter(|p| {
            self.check_http(
                p,
                &at("purge"),
                "the address that receives the changed addresses",
            )
        });
        let cache_control = self.cache_control(map, name);
        let scheme = url.as_ref().map_or("", |u| u.scheme());
        if endpoint.is_some() && !matches!(scheme, "s3" | "az" | "") {
            self.problems.push(
                self.src
                    .error_at(
                        &at("endpoint"),
                        format!(
                            "`endpoint` is only read for s3:// and az:// targets, not {scheme}://"
                        ),
                    )
                    .with_help("remove it"),
            );
        }
        if region.is_some() && !matches!(scheme, "s3" | "") {
            self.problems.push(
                self.src
                    .error_at(
                        &at("region"),
                        format!("`region` is only read for s3:// targets, not {scheme}://"),
                    )
                    .with_help("remove it"),
            );
        }
        Some(DeployTarget {
            name: name.to_string(),
            url: url?,
            endpoint,
            region,
            cache_control,
            purge,
        })
    }

    /// Whether `text` (at `path`) is an http(s) URL; reports it if not.
    fn check_http(&mut self, text: &str, path: &[&str], what: &str) -> bool {
        let ok = url::Url::parse(text)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        if !ok {
            self.problems.push(
                self.src
                    .error_at_value(
                        path,
                        format!("`{text}` is not an http:// or https:// address"),
                    )
                    .with_help(format!("write {what} in full, e.g. https://example.net/")),
            );
        }
        ok
    }

    fn cache_control(&mut self, map: &serde_yaml::Mapping, name: &str) -> CacheControl {
        let mut cache = CacheControl::default();
        let path = ["deploy", name, "cache_control"];
        let Some(value) = map.get("cache_control") else {
            return cache;
        };
        let Some(kinds) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(&path, "`cache_control` must map kinds of file to a header value")
                    .with_help("e.g. `cache_control: { pages: \"public, max-age=300\" }`; kinds: hashed, pages, feeds, files"),
            );
            return cache;
        };
        self.problems.extend(self.src.unknown_keys(
            kinds,
            &path,
            CACHE_CONTROL_KEYS,
            "cache_control",
        ));
        for (key, slot) in [
            ("hashed", &mut cache.hashed),
            ("pages", &mut cache.pages),
            ("feeds", &mut cache.feeds),
            ("files", &mut cache.files),
        ] {
            let key_path = ["deploy", name, "cache_control", key];
            if let Some(text) = self.optional_at::<String>(kinds, &key_path, "text") {
                if text.trim().is_empty() || text.contains(['\r', '\n']) {
                    self.problems.push(self.src.error_at_value(
                        &key_path,
                        "a Cache-Control value must be one non-empty line",
                    ));
                } else {
                    *slot = text.trim().to_string();
                }
            }
        }
        cache
    }
}

/// Checks a deploy target's `url`.
fn parse_deploy_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|_| format!("`{text}` is not a deploy address"))?;
    match url.scheme() {
        "s3" | "gs" | "az" => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err(format!("`{text}` names no bucket"));
            }
            if url.query().is_some() || url.fragment().is_some() {
                return Err(format!("`{text}` must not have a query or fragment"));
            }
        }
        "file" => {
            if url.host_str().is_some_and(|h| !h.is_empty()) || url.to_file_path().is_err() {
                return Err(format!(
                    "`{text}` is not an absolute folder: write file:///srv/www/ (three slashes)"
                ));
            }
        }
        other => return Err(format!("`{other}://` is not a deploy address")),
    }
    Ok(url)
}

impl Reader<'_, '_> {
    /// `menu:`: each edition's ordered list of sections, standalone pages
    /// and links. What the entries name is checked once the site's pages
    /// are known (see `output::menu`); here, only their form.
    fn menus(
        &mut self,
        map: &serde_yaml::Mapping,
        languages: &[LanguageConfig],
    ) -> IndexMap<Lang, Vec<MenuEntry>> {
        let mut menus = IndexMap::new();
        let Some(value) = map.get("menu").filter(|v| !v.is_null()) else {
            return menus;
        };
        let Some(by_lang) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at_value(&["menu"], "`menu` must give a list of entries per language")
                    .with_help("write e.g. `menu: { ar: [news, about], en: [news, about] }`"),
            );
            return menus;
        };
        for (code, entries) in by_lang {
            let code = key_text(code);
            let Some(language) = languages.iter().find(|l| l.lang.as_str() == code) else {
                let known: Vec<&str> = languages.iter().map(|l| l.lang.as_str()).collect();
                self.problems.push(
                    self.src
                        .error_at(
                            &["menu", &code],
                            format!("`{code}` is not one of the site's languages"),
                        )
                        .with_help(format!("give a menu for one of: {}", known.join(", "))),
                );
                continue;
            };
            let path = ["menu", code.as_str()];
            let Some(items) = entries.as_sequence() else {
                self.problems.push(
                    self.src
                        .error_at_value(&path, format!("the menu of `{code}` must be a list"))
                        .with_help(format!("write e.g. `{code}: [news, about]`")),
                );
                continue;
            };
            let menu = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.menu_entry(&path, i, item))
                .collect();
            menus.insert(language.lang.clone(), menu);
        }
        menus
    }

    fn menu_entry(&mut self, path: &[&str], index: usize, item: &Value) -> Option<MenuEntry> {
        let at = self.src.item_location(path, index);
        let help = "write a section or page key (`news`, `about`), or `{ label: …, url: https://… }` for a link";
        let target = match item {
            Value::String(_) | Value::Number(_) => {
                let key = key_text(item).trim().to_string();
                if key.is_empty() {
                    self.problems
                        .push(Diagnostic::error(Some(at), "a menu entry is empty").with_help(help));
                    return None;
                }
                MenuTarget::Key(key)
            }
            Value::Mapping(entry) => {
                let text = |key: &str| {
                    entry
                        .get(key)
                        .map(key_text)
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                };
                for key in entry.keys().map(key_text) {
                    if key != "label" && key != "url" {
                        let help = match did_you_mean(&key, ["label", "url"]) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => "a link has a `label` and a `url`".to_string(),
                        };
                        self.problems.push(
                            Diagnostic::error(
                                Some(at.clone()),
                                format!("unknown menu entry key `{key}`"),
                            )
                            .with_help(help),
                        );
                    }
                }
                let (Some(label), Some(url)) = (text("label"), text("url")) else {
                    self.problems.push(
                        Diagnostic::error(Some(at), "a menu link needs a `label` and a `url`")
                            .with_help(
                                "write e.g. `{ label: Contact, url: https://example.org/contact }`",
                            ),
                    );
                    return None;
                };
                let web = ["https://", "http://", "mailto:"];
                if !(url.starts_with('/') || web.iter().any(|p| url.starts_with(p))) {
                    self.problems.push(
                        Diagnostic::error(
                            Some(at),
                            format!("the menu link `{url}` is neither a web address nor an address in the site"),
                        )
                        .with_help("give a full address (https://…, mailto:…) or a path in the site starting with / (e.g. /en/2021/12/)"),
                    );
                    return None;
                }
                MenuTarget::Link { label, url }
            }
            _ => {
                self.problems.push(
                    Diagnostic::error(Some(at), "a menu entry must be a key or a link")
                        .with_help(help),
                );
                return None;
            }
        };
        Some(MenuEntry {
            target,
            at: self.src.item_location(path, index),
        })
    }

    /// `theme_options:`: kept as written, with where, for the theme stage.
    fn theme_options(&mut self, map: &serde_yaml::Mapping) -> Vec<ThemeOptionSetting> {
        let Some(value) = map.get("theme_options").filter(|v| !v.is_null()) else {
            return Vec::new();
        };
        let Some(options) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at_value(
                        &["theme_options"],
                        "`theme_options` must map option names to values",
                    )
                    .with_help("write e.g. `theme_options: { relative_dates: true }`"),
            );
            return Vec::new();
        };
        options
            .iter()
            .map(|(name, value)| {
                let name = key_text(name);
                ThemeOptionSetting {
                    at: self.src.key_location(&["theme_options", &name]),
                    value_at: self.src.value_location(&["theme_options", &name]),
                    name,
                    value: value.clone(),
                }
            })
            .collect()
    }
}

/// The direction of a locale's script, from ICU's likely-subtags data
/// (`ar` → Arabic script → right-to-left).
pub fn infer_direction(locale: &Locale) -> Direction {
    let directionality = icu_locale::LocaleDirectionality::new_extended();
    match directionality.get(&locale.id) {
        Some(icu_locale::Direction::RightToLeft) => Direction::Rtl,
        _ => Direction::Ltr,
    }
}

#[cfg(test)]
impl Config {
    /// A site in Arabic and then English at `https://x.org/`, for the
    /// library's unit tests.
    pub(crate) fn bilingual() -> Config {
        Config::parse(
            Path::new("digest.yaml"),
            "base_url: https://x.org/\ndefault_language: ar\nlanguages:\n  ar: {name: ع, title: ع, locale: ar-IQ}\n  en: {name: E, title: E, locale: en-GB}\n",
        )
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(Path::new("digest.yaml"), text)
    }

    const GOOD: &str = "base_url: https://example.org/digest\ndefault_language: ar\nlanguages:\n  ar:\n    name: العربية\n    title: الموجز\n    locale: ar-IQ\n  en:\n    name: English\n    title: The Digest\n    locale: en-GB\n";

    #[test]
    fn reads_languages_in_order_and_infers_direction() {
        let config = parse(GOOD).unwrap();
        let codes: Vec<&str> = config.languages.iter().map(|l| l.lang.as_str()).collect();
        assert_eq!(codes, ["ar", "en"]);
        assert_eq!(config.languages[0].dir, Direction::Rtl);
        assert_eq!(config.languages[1].dir, Direction::Ltr);
        assert_eq!(config.base_url.path, "/digest/");
        assert_eq!(config.base_url.origin, "https://example.org");
    }

    #[test]
    fn persian_hebrew_and_urdu_are_right_to_left() {
        for tag in ["fa-IR", "he", "ur-PK", "ar-EG"] {
            assert_eq!(
                infer_direction(&tag.parse().unwrap()),
                Direction::Rtl,
                "{tag}"
            );
        }
        assert_eq!(infer_direction(&"fr".parse().unwrap()), Direction::Ltr);
    }

    #[test]
    fn a_typo_in_a_key_is_an_error_with_a_hint() {
        let text = GOOD.replace("base_url", "basse_url");
        let problems = parse(&text).unwrap_err().to_string();
        assert!(problems.contains("error: digest.yaml:1:1: unknown configuration key `basse_url`\n  help: did you mean `base_url`?"), "{problems}");
    }

    #[test]
    fn an_unknown_default_language_is_an_error() {
        let text = GOOD.replace("default_language: ar", "default_language: fr");
        let problems = parse(&text).unwrap_err().to_string();
        assert!(problems.contains("error: digest.yaml:2:19: the default language `fr` is not one of the site's languages"), "{problems}");
    }

    #[test]
    fn digits_can_be_forced_latin() {
        let text = GOOD.replace("locale: ar-IQ", "locale: ar-IQ\n    digits: latn");
        let config = parse(&text).unwrap();
        assert_eq!(
            config.languages[0].formatting_locale().to_string(),
            "ar-IQ-u-nu-latn"
        );
    }
}

/// How editions are made and mailed (`newsletter:` in digest.yaml).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewsletterConfig {
    /// How an edition groups its stories after the lead.
    pub group_by: GroupBy,
    /// The most stories an email shows (the rest are on the edition page).
    pub email_stories: usize,
    /// The message's `From:` (`Name <address>`), for `digest newsletter`.
    pub from: Option<String>,
    /// The call to subscribe; none when not configured.
    pub signup: Option<Signup>,
}

/// How an edition groups its stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Section,
    Topic,
}

/// The call to subscribe, shown under articles and on the homes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    /// Where the form posts, or the link leads.
    pub url: String,
    /// The form field of the email address; without it, a link.
    pub field: Option<String>,
    /// The call, per language (a language without one shows none).
    pub text: IndexMap<Lang, String>,
}

const NEWSLETTER_KEYS: &[&str] = &["group_by", "email_stories", "from", "signup"];
const SIGNUP_KEYS: &[&str] = &["url", "field", "text"];

impl Reader<'_, '_> {
    fn newsletter(
        &mut self,
        map: &serde_yaml::Mapping,
        languages: &[LanguageConfig],
    ) -> NewsletterConfig {
        let mut newsletter = NewsletterConfig {
            email_stories: 30,
            ..NewsletterConfig::default()
        };
        let Some(value) = map.get("newsletter") else {
            return newsletter;
        };
        let Some(map) = value.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(&["newsletter"], "`newsletter` must be a mapping")
                    .with_help("e.g. `newsletter: { group_by: section }`"),
            );
            return newsletter;
        };
        let path = ["newsletter"];
        self.problems.extend(
            self.src
                .unknown_keys(map, &path, NEWSLETTER_KEYS, "newsletter"),
        );
        if let Some(g) = self.optional_at(map, &["newsletter", "group_by"], "section or topic") {
            newsletter.group_by = g;
        }
        match self.optional_at::<usize>(map, &["newsletter", "email_stories"], "a whole number") {
            Some(0) => self.problems.push(self.src.error_at_value(
                &["newsletter", "email_stories"],
                "`email_stories` must be at least 1",
            )),
            Some(n) => newsletter.email_stories = n,
            None => {}
        }
        newsletter.from = self.optional_at(map, &["newsletter", "from"], "text");
        let Some(signup) = map.get("signup") else {
            return newsletter;
        };
        let at = ["newsletter", "signup"];
        let Some(signup) = signup.as_mapping() else {
            self.problems.push(
                self.src
                    .error_at(&at, "`signup` must be a mapping")
                    .with_help("give `url:` and the call per language under `text:`"),
            );
            return newsletter;
        };
        self.problems
            .extend(self.src.unknown_keys(signup, &at, SIGNUP_KEYS, "signup"));
        let url: Option<String> =
            self.optional_at(signup, &["newsletter", "signup", "url"], "an address");
        let field = self.optional_at(
            signup,
            &["newsletter", "signup", "field"],
            "a form field name",
        );
        let absolute = |u: &str| {
            ["https://", "http://", "mailto:"]
                .iter()
                .any(|p| u.starts_with(p))
        };
        let signup_url = match url {
            Some(url) if absolute(&url) => Some(url),
            Some(url) => {
                self.problems.push(
                    self.src
                        .error_at_value(&["newsletter", "signup", "url"], format!("`{url}` is not an absolute address"))
                        .with_help("give the subscription form's address, e.g. https://lists.example.org/subscribe"),
                );
                None
            }
            None => {
                self.problems.push(
                    self.src
                        .error_at(&at, "the signup block has no `url`")
                        .with_help("add `url:` with the subscription form's address"),
                );
                None
            }
        };
        let texts: Option<IndexMap<String, String>> = self.optional_at(
            signup,
            &["newsletter", "signup", "text"],
            "the call to subscribe per language",
        );
        let mut text = IndexMap::new();
        for (code, call) in texts.unwrap_or_default() {
            match languages.iter().find(|l| l.lang.as_str() == code) {
                Some(l) => {
                    text.insert(l.lang.clone(), call);
                }
                None => self.problems.push(self.src.error_at(
                    &["newsletter", "signup", "text", &code],
                    format!("`{code}` is not one of the site's languages"),
                )),
            }
        }
        if let Some(url) = signup_url {
            newsletter.signup = Some(Signup { url, field, text });
        }
        newsletter
    }
}
