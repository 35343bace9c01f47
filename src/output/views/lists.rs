//! The views of lists (home, section, topic, author, archive), the topic
//! and author indexes, and the pages that show every edition (the front
//! door, the 404 page).

use crate::config::Lang;
use crate::locale::format::LocaleData;
use crate::output::plan::{FeedFormat, ListKind, Page, PageKind, Pager, routes};
use crate::output::views::contract::*;
use crate::output::views::sources::Sources;
use crate::site::authors::AuthorId;
use crate::site::topics::TopicId;
use crate::urls::Route;

impl Sources<'_> {
    /// A home, section, topic or archive page.
    pub fn list(
        &self,
        page: &Page,
        lang: &Lang,
        list: &ListKind,
        pager: &Pager,
    ) -> (Common, ListView) {
        let locale = self.locale(lang);
        let items = list.items(self.site, lang);
        let base = routes::list(self.site, lang, list);
        let (kind, heading, description) = match list {
            ListKind::Home => (
                "home",
                self.language(lang).title.clone(),
                self.language(lang).description.clone(),
            ),
            ListKind::Section(s) => ("section", self.config.section_label(s, lang), None),
            ListKind::Topic(t) => {
                let label = self.site.topics.get(*t).label(lang);
                (
                    "topic",
                    label.map_or_else(
                        || self.site.topics.get(*t).slug.clone(),
                        |l| l.label.clone(),
                    ),
                    label.and_then(|l| l.description.clone()),
                )
            }
            ListKind::Author(a) => {
                let author = self.site.authors.get(*a);
                let profile = author.profile(lang);
                (
                    "author",
                    author.name(lang).to_string(),
                    profile.and_then(|p| p.bio.clone().or_else(|| p.role.clone())),
                )
            }
            ListKind::Archive { year, month } => {
                ("archive", locale.month_year(*year, *month), None)
            }
        };
        let title = if pager.number > 1 {
            let page = locale
                .text(
                    "page_n",
                    None,
                    &[("page", locale.number(pager.number as i64))],
                )
                .expect("required UI strings are checked when the theme is loaded");
            format!("{heading} – {page}")
        } else {
            heading.clone()
        };
        let mut common = self.common(lang, page, kind, title);
        common.page.description = description.clone();
        let topic = match list {
            ListKind::Topic(t) => Some(self.topic_view(*t, lang, items.len())),
            _ => None,
        };
        let author = match list {
            ListKind::Author(a) => Some(self.author_view(*a, lang, items.len())),
            _ => None,
        };
        // A topic's or an author's page offers its own feed first.
        let own_feed = topic
            .as_ref()
            .map(|t| (&t.feed, &t.label))
            .or(author.as_ref().map(|a| (&a.feed, &a.name)));
        if let Some((feed, name)) = own_feed {
            common.page.feeds.insert(
                0,
                FeedLink {
                    mime: "application/atom+xml",
                    href: feed.clone(),
                    title: format!("{name} – {}", common.edition.title),
                },
            );
        }
        if let Some(a) = &author {
            common.page.image = a.picture.clone();
        }
        let months = match list {
            ListKind::Home => self.month_links(lang),
            _ => Vec::new(),
        };
        let years = Self::archive_years(&months, locale);
        let view = ListView {
            heading,
            description,
            items: items[pager.items.clone()]
                .iter()
                .map(|id| self.card(*id))
                .collect(),
            count: items.len(),
            pager: self.pager(&base, pager, locale),
            topic,
            author,
            section: match list {
                ListKind::Section(s) => Some(self.section_link(s, lang)),
                _ => None,
            },
            months,
            years,
        };
        (common, view)
    }

    fn topic_view(&self, topic: TopicId, lang: &Lang, count: usize) -> TopicView {
        let t = self.site.topics.get(topic);
        let label = t.label(lang);
        let elsewhere = self
            .config
            .languages
            .iter()
            .filter(|l| &l.lang != lang && ListKind::Topic(topic).exists_in(self.site, &l.lang))
            .filter_map(|l| {
                t.label(&l.lang).map(|other| TopicElsewhere {
                    lang: l.lang.to_string(),
                    dir: l.dir.as_str(),
                    label: other.label.clone(),
                    href: self.href(&routes::list(self.site, &l.lang, &ListKind::Topic(topic))),
                })
            })
            .collect();
        TopicView {
            slug: t.slug.clone(),
            label: label.map_or_else(|| t.slug.clone(), |l| l.label.clone()),
            description: label.and_then(|l| l.description.clone()),
            count,
            href: self.href(&routes::list(self.site, lang, &ListKind::Topic(topic))),
            feed: self.href(&routes::feed(
                self.site,
                lang,
                &ListKind::Topic(topic),
                FeedFormat::Atom,
            )),
            elsewhere,
        }
    }

    fn author_view(&self, author: AuthorId, lang: &Lang, count: usize) -> AuthorView {
        let a = self.site.authors.get(author);
        let profile = a.profile(lang);
        let list = ListKind::Author(author);
        let elsewhere = self
            .config
            .languages
            .iter()
            .filter(|l| &l.lang != lang && list.exists_in(self.site, &l.lang))
            .filter_map(|l| {
                a.profile(&l.lang).map(|other| TopicElsewhere {
                    lang: l.lang.to_string(),
                    dir: l.dir.as_str(),
                    label: other.name.clone(),
                    href: self.href(&routes::list(self.site, &l.lang, &list)),
                })
            })
            .collect();
        AuthorView {
            slug: a.slug.clone(),
            name: a.name(lang).to_string(),
            role: profile.and_then(|p| p.role.clone()),
            bio: profile.and_then(|p| p.bio.clone()),
            picture: profile
                .and_then(|p| p.picture.as_ref())
                .map(|p| self.author_picture(p)),
            links: a
                .links
                .iter()
                .map(|l| ExternalLink {
                    label: l.label.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            count,
            href: self.href(&routes::list(self.site, lang, &list)),
            feed: self.href(&routes::feed(self.site, lang, &list, FeedFormat::Atom)),
            elsewhere,
        }
    }

    fn month_links(&self, lang: &Lang) -> Vec<MonthLink> {
        let locale = self.locale(lang);
        self.site
            .edition(lang)
            .months
            .iter()
            .map(|((year, month), ids)| MonthLink {
                year: *year,
                month: *month,
                label: locale.month_year(*year, *month),
                href: self.href(&routes::list(
                    self.site,
                    lang,
                    &ListKind::Archive {
                        year: *year,
                        month: *month,
                    },
                )),
                count: ids.len(),
            })
            .collect()
    }

    fn pager(&self, base: &Route, pager: &Pager, locale: &LocaleData) -> PagerView {
        let link = |n: usize| self.href(&base.page(n));
        PagerView {
            current: pager.number,
            total: pager.total,
            prev: (pager.number > 1).then(|| link(pager.number - 1)),
            next: (pager.number < pager.total).then(|| link(pager.number + 1)),
            pages: pager_numbers(pager.number, pager.total)
                .into_iter()
                .map(|(n, gap)| PageLink {
                    number: n,
                    label: locale.number(n as i64),
                    href: link(n),
                    current: n == pager.number,
                    gap,
                })
                .collect(),
        }
    }

    /// The home's archives grouped by year, newest first, as the months are.
    fn archive_years(months: &[MonthLink], locale: &LocaleData) -> Vec<ArchiveYear> {
        let mut years: Vec<ArchiveYear> = Vec::new();
        for m in months {
            match years.last_mut() {
                Some(y) if y.year == m.year => {
                    y.count += m.count;
                    y.months.push(m.clone());
                }
                _ => years.push(ArchiveYear {
                    year: m.year,
                    label: locale.year(m.year),
                    count: m.count,
                    months: vec![m.clone()],
                }),
            }
        }
        years
    }

    /// The topic index of an edition: biggest topic first, then by name.
    pub fn topic_index(&self, page: &Page, lang: &Lang) -> (Common, Vec<TopicEntry>) {
        let title = self.string(lang, "topics");
        let common = self.common(lang, page, "topics", title);
        let entries = self
            .site
            .edition(lang)
            .topics
            .iter()
            .map(|(t, ids)| {
                let topic = self.site.topics.get(*t);
                let label = topic.label(lang);
                TopicEntry {
                    slug: topic.slug.clone(),
                    label: label.map_or_else(|| topic.slug.clone(), |l| l.label.clone()),
                    description: label.and_then(|l| l.description.clone()),
                    href: self.href(&routes::list(self.site, lang, &ListKind::Topic(*t))),
                    count: ids.len(),
                }
            })
            .collect();
        (common, entries)
    }

    /// The author index of an edition: in alphabetical order of names.
    pub fn author_index(&self, page: &Page, lang: &Lang) -> (Common, Vec<AuthorEntry>) {
        let title = self.string(lang, "authors");
        let common = self.common(lang, page, "authors", title);
        let entries = self
            .site
            .edition(lang)
            .authors
            .iter()
            .map(|(a, ids)| {
                let author = self.site.authors.get(*a);
                let profile = author.profile(lang);
                AuthorEntry {
                    slug: author.slug.clone(),
                    name: author.name(lang).to_string(),
                    role: profile.and_then(|p| p.role.clone()),
                    picture: profile
                        .and_then(|p| p.picture.as_ref())
                        .map(|p| self.author_picture(p)),
                    href: self.href(&routes::list(self.site, lang, &ListKind::Author(*a))),
                    count: ids.len(),
                }
            })
            .collect();
        (common, entries)
    }

    /// The front door (`/`) or the 404 page: every edition side by side.
    /// Both speak every language, so their switcher lists every edition, by
    /// its own name; the 404 page, served at any missing address, asks not
    /// to be indexed and has no canonical or alternate links.
    pub fn editions(
        &self,
        page: &Page,
        kind: &'static str,
        latest: usize,
    ) -> (Common, EditionsView) {
        let lang = &self.config.default_language;
        let title = self
            .config
            .languages
            .iter()
            .map(|l| l.title.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        let mut common = self.common(lang, page, kind, title);
        let front = page.kind == PageKind::Front;
        common.page.noindex = !front;
        // The page speaks for every edition: it offers every edition's feeds.
        common.page.feeds = self
            .config
            .languages
            .iter()
            .flat_map(|l| self.feed_links(&self.edition(&l.lang)))
            .collect();
        common.page.switcher = self
            .config
            .languages
            .iter()
            .map(|l| SwitchLink {
                lang: l.lang.to_string(),
                dir: l.dir.as_str(),
                name: l.name.clone(),
                href: self.href(&routes::list(self.site, &l.lang, &ListKind::Home)),
                translated: front,
                alternate: front,
                label: l.name.clone(),
            })
            .collect();
        let editions = self
            .config
            .languages
            .iter()
            .map(|l| FrontEdition {
                edition: self.edition(&l.lang),
                items: self
                    .site
                    .edition(&l.lang)
                    .articles
                    .iter()
                    .take(latest)
                    .map(|id| self.card(*id))
                    .collect(),
            })
            .collect();
        (common, EditionsView { editions })
    }
}

/// The page numbers a pager shows, each with whether pages are left out
/// before it: the first and the last, the current page and its neighbours
/// (`1 … 4 5 6 … 50`). A gap of one page shows that page instead.
fn pager_numbers(current: usize, total: usize) -> Vec<(usize, bool)> {
    let shown = |n: usize| n == 1 || n == total || n.abs_diff(current) <= 1;
    let mut pages = Vec::new();
    let mut last = 0;
    for n in 1..=total {
        let kept = shown(n) || (n > 1 && n < total && shown(n - 1) && shown(n + 1));
        if kept {
            pages.push((n, n > last + 1));
            last = n;
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::pager_numbers;

    fn pager(current: usize, total: usize) -> String {
        pager_numbers(current, total)
            .iter()
            .map(|(n, gap)| {
                if *gap {
                    format!("… {n}")
                } else {
                    n.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pagers_show_the_ends_the_current_page_and_its_neighbours() {
        assert_eq!(pager(1, 1), "1");
        assert_eq!(pager(1, 2), "1 2");
        assert_eq!(pager(5, 50), "1 … 4 5 6 … 50");
        assert_eq!(pager(1, 50), "1 2 … 50");
        assert_eq!(pager(50, 50), "1 … 49 50");
        // A gap of one page shows the page: no "…" stands for a single number.
        assert_eq!(pager(3, 7), "1 2 3 4 … 7");
        assert_eq!(pager(4, 7), "1 2 3 4 5 6 7");
    }
}
