//! What templates see: one typed view per page kind, the templates'
//! contract. Every HTML page gets [`Common`] (its language and direction,
//! the edition, the page's URLs, alternates and language switcher) plus the
//! view of its kind. Templates never compute a URL, a direction or a date
//! format: it is all here, typed, and the same for every theme.

use crate::media::Share;
use serde::Serialize;

use crate::locale::format::DateText;
use crate::theme::options::Options;

/// An edition, as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct EditionView {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub locale: String,
    /// `ar_IQ`, for Open Graph.
    pub og_locale: String,
    pub home: String,
    pub tags: String,
    /// The edition's search page, unless the site has no search
    /// (`search: false`).
    pub search: Option<String>,
    /// The author index, when the edition has authors.
    pub authors: Option<String>,
    pub feed: String,
    pub json_feed: String,
}

/// Another language version of the current page.
#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub lang: String,
    pub hreflang: String,
    pub href: String,
    pub permalink: String,
}

/// A link of the language switcher, in the target language.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchLink {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub href: String,
    /// Whether it leads to this page in that language (else to that
    /// edition's home, and the label says so).
    pub translated: bool,
    /// Whether the target is one of the page's `hreflang` alternates (the
    /// first page of a paginated list in the other language is the same
    /// list, but not the same page).
    pub alternate: bool,
    /// What the link says, in its own language.
    pub label: String,
}

/// A feed of the page, for `<link rel="alternate">`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub mime: &'static str,
    pub href: String,
    pub title: String,
}

/// About the page itself.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    /// `article`, `page` (a standalone page), `home`, `section`, `topic`,
    /// `author`, `archive`, `topics`, `authors`, `front`, `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub href: String,
    pub permalink: String,
    /// Search engines should not index the page (the 404 page, which is
    /// served at any missing address): no canonical link, no alternates.
    pub noindex: bool,
    /// Every language version of this page, itself included.
    pub alternates: Vec<Alternate>,
    /// The permalink for `hreflang="x-default"`, when the page has
    /// alternates.
    pub x_default: Option<String>,
    pub switcher: Vec<SwitchLink>,
    pub feeds: Vec<FeedLink>,
    /// Open Graph locales of the other versions (`en_GB`).
    pub og_alternate_locales: Vec<String>,
    pub image: Option<ImageView>,
    /// JSON-LD structured data, already escaped for a `<script>` element.
    pub json_ld: Option<String>,
    /// The banner of a page shown only as a preview (a draft, a story
    /// scheduled for later), in the page's language.
    pub preview: Option<PreviewBanner>,
}

/// What a preview page says it is.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewBanner {
    /// `draft` or `scheduled`.
    pub kind: &'static str,
    /// "Draft — not published", "Scheduled for 5 December 2026, 10:00".
    pub text: String,
}

/// Shared by every HTML page.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    pub lang: String,
    pub dir: &'static str,
    pub edition: EditionView,
    /// All editions, in the configuration's order.
    pub editions: Vec<EditionView>,
    pub site: SiteView,
    pub page: PageMeta,
    /// The call to subscribe in this language, when digest.yaml has one.
    pub signup: Option<SignupView>,
    /// The edition's menu (`menu:` in digest.yaml), in its order; empty
    /// when the configuration sets none.
    pub menu: Vec<MenuLink>,
    /// The edition's sections that have stories, in the configuration's
    /// order (then by folder name): what the default theme shows when no
    /// menu is set.
    pub sections: Vec<SectionLink>,
    /// The theme's options, as the site sets them.
    pub options: Options,
}

/// The call to subscribe (`newsletter.signup` in digest.yaml).
#[derive(Debug, Clone, Serialize)]
pub struct SignupView {
    pub text: String,
    /// Where the form posts, or the link leads.
    pub url: String,
    /// The form field of the email address; `None`: a link.
    pub field: Option<String>,
}

/// An entry of an edition's menu.
#[derive(Debug, Clone, Serialize)]
pub struct MenuLink {
    /// `section`, `page`, `topics`, `authors`, `link` (a page of the site
    /// by address) or `external`.
    pub kind: &'static str,
    pub label: String,
    pub href: String,
    /// Whether it leads to the page being shown.
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub base_url: String,
    pub base_path: String,
    pub default_language: String,
    /// The IANA time zone dates are shown in (`Asia/Baghdad`).
    pub timezone: String,
}

/// A picture, with the versions digest published of it.
#[derive(Debug, Clone, Serialize)]
pub struct ImageView {
    /// What browsers without `srcset` load: the middle width in the
    /// source's format (or the address as written, for a picture digest
    /// does not process).
    pub src: String,
    /// Absolute URL of the version to share, for Open Graph, JSON-LD and
    /// feeds.
    pub url: String,
    /// Empty for a decorative picture.
    pub alt: String,
    /// The largest version's size (none for a picture digest does not
    /// process), for `width` and `height`.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The versions in the source's format, for `<img srcset>`.
    pub srcset: Option<String>,
    /// The WebP versions, for `<source type="image/webp" srcset>`.
    pub webp: Option<String>,
    /// How wide the theme shows a body-width picture (`images.sizes`).
    pub sizes: String,
    /// The version to share: `og:image:width` and `height`.
    pub share: Option<Share>,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicLink {
    pub slug: String,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionLink {
    pub key: String,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub name: String,
    pub url: Option<String>,
}

/// An article in a list.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub lang: String,
    pub dir: &'static str,
    pub title: String,
    pub href: String,
    pub permalink: String,
    /// When it was published (a story always has a date).
    pub date: Option<DateText>,
    pub summary: String,
    pub image: Option<ImageView>,
    pub topics: Vec<TopicLink>,
    pub section: Option<SectionLink>,
    pub minutes: u32,
    /// The mark of a story shown only as a preview ("Draft",
    /// "Scheduled"), in its language.
    pub preview: Option<String>,
}

/// The other-language version of an article.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationLink {
    pub lang: String,
    pub dir: &'static str,
    pub name: String,
    pub title: String,
    pub href: String,
}

/// An article page.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    #[serde(flatten)]
    pub card: Card,
    /// Rendered HTML.
    pub body: String,
    /// The script that plays the body's embeds, when it has any: a page
    /// with embeds links it (`<script src defer>`).
    pub embed_script: Option<String>,
    /// The editor's summary, shown under the headline (none when the
    /// summary was taken from the body's first paragraph).
    pub lede: Option<String>,
    /// When it was updated, if that reads differently from when it was
    /// published.
    pub updated: Option<DateText>,
    /// When it last changed (its `updated` or its latest correction), if
    /// after it was published.
    pub modified: Option<DateText>,
    /// Its authors, in the byline's order.
    pub authors: Vec<AuthorLink>,
    /// The authors' names joined as the edition joins them ("سارة الموسوي
    /// وهاوري عزيز", "Sara al-Musawi and Hawre Aziz").
    pub byline: Option<String>,
    pub source: Option<SourceView>,
    pub translations: Vec<TranslationLink>,
    pub related: Vec<Card>,
    /// Newest first.
    pub corrections: Vec<CorrectionView>,
    /// The body's length in words.
    pub words: u32,
}

/// An author in a byline.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorLink {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    /// Their page in this edition.
    pub href: String,
    /// What follows the name in the byline, as the edition's language
    /// joins names (", ", " and ", " و"); empty after the last.
    pub after: String,
}

/// A correction at the end of a story.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub date: DateText,
    /// The correction's text, rendered from Markdown.
    pub html: String,
}

/// A standalone page (about, contact): no byline, date or reading time.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub lang: String,
    pub dir: &'static str,
    /// Rendered HTML.
    pub body: String,
    /// The script that plays the body's embeds, when it has any.
    pub embed_script: Option<String>,
    /// The editor's summary, if written.
    pub lede: Option<String>,
    pub image: Option<ImageView>,
    pub translations: Vec<TranslationLink>,
    /// Newest first.
    pub corrections: Vec<CorrectionView>,
}

/// A link about an author (their site, a profile elsewhere).
#[derive(Debug, Clone, Serialize)]
pub struct ExternalLink {
    pub label: String,
    pub url: String,
}

/// An author's page header.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub bio: Option<String>,
    pub picture: Option<ImageView>,
    pub links: Vec<ExternalLink>,
    pub count: usize,
    pub href: String,
    pub feed: String,
    /// The same author in the other editions that have stories by them.
    pub elsewhere: Vec<TopicElsewhere>,
}

/// An author in the author index.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorEntry {
    pub slug: String,
    pub name: String,
    pub role: Option<String>,
    pub picture: Option<ImageView>,
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    /// The number in the edition's digits.
    pub label: String,
    pub href: String,
    pub current: bool,
    /// Pages are left out before this one: the pager shows an ellipsis.
    pub gap: bool,
}

/// Page links: the first, the last, the current one and its neighbours,
/// with a gap (an ellipsis) where pages are left out.
#[derive(Debug, Clone, Serialize)]
pub struct PagerView {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

/// The same topic or author in another edition.
#[derive(Debug, Clone, Serialize)]
pub struct TopicElsewhere {
    pub lang: String,
    pub dir: &'static str,
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub slug: String,
    pub label: String,
    pub description: Option<String>,
    pub count: usize,
    pub href: String,
    pub feed: String,
    pub elsewhere: Vec<TopicElsewhere>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthLink {
    pub year: i16,
    pub month: i8,
    pub label: String,
    pub href: String,
    pub count: usize,
}

/// A year of monthly archives, newest month first.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveYear {
    pub year: i16,
    /// The year in the edition's digits.
    pub label: String,
    pub count: usize,
    pub months: Vec<MonthLink>,
}

/// A home, section, topic or archive page.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub heading: String,
    pub description: Option<String>,
    pub items: Vec<Card>,
    pub count: usize,
    pub pager: PagerView,
    pub topic: Option<TopicView>,
    pub author: Option<AuthorView>,
    pub section: Option<SectionLink>,
    /// Monthly archives (on the edition's home).
    pub months: Vec<MonthLink>,
    /// The same months by year, newest first (on the edition's home).
    pub years: Vec<ArchiveYear>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicEntry {
    pub slug: String,
    pub label: String,
    pub description: Option<String>,
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontEdition {
    pub edition: EditionView,
    pub items: Vec<Card>,
}

/// The bilingual front door and the 404 page show every edition.
#[derive(Debug, Clone, Serialize)]
pub struct EditionsView {
    pub editions: Vec<FrontEdition>,
}

/// An edition's search page.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// The edition's bundle, with the base path: `/digest/pagefind/ar/`.
    pub bundle: String,
    /// The base path result links are under (`/` or `/digest/`).
    pub base: String,
    /// The edition's locale with its digits (`ar-IQ-u-nu-latn`), for the
    /// browser to write counts as the site does.
    pub locale: String,
    /// The forms of the results count (`search_results`), unfilled.
    pub results: Vec<PluralForm>,
    /// The forms of a count of stories (`articles`), for results of
    /// filters alone.
    pub stories: Vec<PluralForm>,
    pub topics: Vec<FilterOption>,
    pub sections: Vec<FilterOption>,
    pub years: Vec<FilterOption>,
}

/// One CLDR plural form of a UI string.
#[derive(Debug, Clone, Serialize)]
pub struct PluralForm {
    pub form: String,
    pub text: String,
}

/// A value a result filter can take, and its label.
#[derive(Debug, Clone, Serialize)]
pub struct FilterOption {
    /// As the index holds it: a topic's slug, a section's folder, a year.
    pub value: String,
    pub label: String,
    /// The page that lists it (sections, which results link to).
    pub href: Option<String>,
}

/// A link to an edition.
#[derive(Debug, Clone, Serialize)]
pub struct EditionLink {
    /// `2021-12-10`, `2021-W49`.
    pub period: String,
    /// `day` or `week`.
    pub kind: &'static str,
    /// `10 December 2021`, `Week of 6 December 2021`.
    pub label: String,
    pub href: String,
    pub permalink: String,
    pub count: usize,
}

/// The stories of one section or topic in an edition.
#[derive(Debug, Clone, Serialize)]
pub struct EditionGroup {
    pub label: String,
    /// The section's or topic's page (none for stories without a topic).
    pub href: Option<String>,
    pub permalink: Option<String>,
    pub items: Vec<Card>,
}

/// An edition (a day's or a week's stories), as its page or its email.
#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    #[serde(flatten)]
    pub link: EditionLink,
    /// The first and last day covered, for `<time>`.
    pub first_day: String,
    pub last_day: String,
    /// The newest story.
    pub lead: Option<Card>,
    /// The other stories, by section or by topic.
    pub groups: Vec<EditionGroup>,
    /// Stories on the edition's page that its email leaves out (it shows
    /// at most `newsletter.email_stories`).
    pub more: usize,
    /// The older and newer editions of the same kind.
    pub prev: Option<EditionLink>,
    pub next: Option<EditionLink>,
    /// The index of editions and the feed of this kind of edition.
    pub index: String,
    pub feed: String,
    /// The email's subject.
    pub subject: String,
    /// The edition's email, HTML and plain text (for editors to preview).
    pub email_html: String,
    pub email_text: String,
}

/// The index of an edition's editions.
#[derive(Debug, Clone, Serialize)]
pub struct EditionIndexView {
    pub days: Vec<EditionLink>,
    pub weeks: Vec<EditionLink>,
    pub daily_feed: String,
    pub weekly_feed: String,
}
