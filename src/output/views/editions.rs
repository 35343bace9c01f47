//! The views of editions: an edition's page and email (the same view), and
//! the index of editions.

use crate::config::{GroupBy, Lang};
use crate::content::article::ArticleId;
use crate::dates::PubDate;
use crate::output::editions::{Issue, Period};
use crate::output::plan::{EmailFormat, ListKind, Page, routes};
use crate::output::views::contract::*;
use crate::output::views::sources::Sources;

impl Sources<'_> {
    /// A day as the edition writes dates: `10 December 2021`.
    fn day_label(&self, lang: &Lang, day: jiff::civil::Date) -> String {
        let noon = jiff::tz::Offset::UTC
            .to_timestamp(day.at(12, 0, 0, 0))
            .expect("a noon in UTC exists");
        let date = PubDate::new(noon, jiff::tz::Offset::UTC);
        self.locale(lang).date(&date).display
    }

    /// What an edition is called: its day, or the week of its first day.
    pub fn period_label(&self, lang: &Lang, period: &Period) -> String {
        let first = self.day_label(lang, period.first_day());
        match period {
            Period::Day(_) => first,
            Period::Week { .. } => self
                .locale(lang)
                .text("edition_week", None, &[("date", first)])
                .expect("required UI strings are checked when the theme is loaded"),
        }
    }

    fn edition_link(&self, lang: &Lang, period: &Period, count: usize) -> EditionLink {
        let route = routes::edition(lang, period);
        EditionLink {
            period: period.slug(),
            kind: period.kind(),
            label: self.period_label(lang, period),
            href: self.href(&route),
            permalink: self.permalink(&route),
            count,
        }
    }

    /// An edition's view. `limit`: the most stories it shows (an email's
    /// `newsletter.email_stories`); the lead is the newest story.
    pub fn issue(&self, lang: &Lang, issue: &Issue, limit: usize) -> IssueView {
        let shown = &issue.items[..issue.items.len().min(limit)];
        let (lead, rest) = match shown.split_first() {
            Some((lead, rest)) => (Some(self.card(*lead)), rest),
            None => (None, shown),
        };
        let link = self.edition_link(lang, &issue.period, issue.items.len());
        let neighbour = |p: &Option<Period>| p.map(|p| self.edition_link(lang, &p, 0));
        let subject = self
            .locale(lang)
            .text(
                "email_subject",
                None,
                &[
                    ("edition", self.language(lang).title.clone()),
                    ("period", link.label.clone()),
                ],
            )
            .expect("required UI strings are checked when the theme is loaded");
        IssueView {
            first_day: issue.period.first_day().to_string(),
            last_day: issue.period.last_day().to_string(),
            lead,
            groups: self.groups(lang, rest),
            more: issue.items.len() - shown.len(),
            prev: neighbour(&issue.prev),
            next: neighbour(&issue.next),
            index: self.href(&routes::editions(lang)),
            feed: self.href(&routes::editions_feed(
                lang,
                matches!(issue.period, Period::Week { .. }),
            )),
            subject,
            email_html: self.href(&routes::email(lang, &issue.period, EmailFormat::Html)),
            email_text: self.href(&routes::email(lang, &issue.period, EmailFormat::Text)),
            link,
        }
    }

    /// Stories by section (in the configuration's order of sections, then
    /// by folder name) or by topic (each story under its first topic; the
    /// biggest group first), newest first within each.
    fn groups(&self, lang: &Lang, ids: &[ArticleId]) -> Vec<EditionGroup> {
        let mut groups: Vec<(Option<ListKind>, Vec<ArticleId>)> = Vec::new();
        for &id in ids {
            let key = match self.config.newsletter.group_by {
                GroupBy::Section => Some(ListKind::Section(self.site.articles[id].section.clone())),
                GroupBy::Topic => self.site.article_topics[id]
                    .first()
                    .map(|t| ListKind::Topic(*t)),
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(id),
                None => groups.push((key, vec![id])),
            }
        }
        match self.config.newsletter.group_by {
            GroupBy::Section => {
                let rank = |k: &Option<ListKind>| match k {
                    Some(ListKind::Section(s)) => (
                        self.config.sections.get_index_of(s).unwrap_or(usize::MAX),
                        s.clone(),
                    ),
                    _ => (usize::MAX, String::new()),
                };
                groups.sort_by_key(|(k, _)| rank(k));
            }
            // Stable: equal groups keep the order of their newest story;
            // stories without a topic come last.
            GroupBy::Topic => groups.sort_by_key(|(k, ids)| (k.is_none(), usize::MAX - ids.len())),
        }
        groups
            .into_iter()
            .map(|(key, ids)| {
                let (label, route) = match &key {
                    Some(ListKind::Section(s)) => (
                        self.config.section_label(s, lang),
                        Some(routes::list(self.site, lang, &ListKind::Section(s.clone()))),
                    ),
                    Some(ListKind::Topic(t)) => (
                        self.topic_link(*t, lang).label,
                        Some(routes::list(self.site, lang, &ListKind::Topic(*t))),
                    ),
                    _ => (self.string(lang, "other_stories"), None),
                };
                EditionGroup {
                    label,
                    href: route.as_ref().map(|r| self.href(r)),
                    permalink: route.as_ref().map(|r| self.permalink(r)),
                    items: ids.iter().map(|id| self.card(*id)).collect(),
                }
            })
            .collect()
    }

    /// An edition's page.
    pub fn edition_page(&self, page: &Page, lang: &Lang, issue: &Issue) -> (Common, IssueView) {
        let view = self.issue(lang, issue, usize::MAX);
        let title = view.link.label.clone();
        let common = self.common(lang, page, "edition", title);
        (common, view)
    }

    /// The index of an edition's editions: days and weeks, newest first.
    pub fn edition_index(
        &self,
        page: &Page,
        lang: &Lang,
        issues: &[Issue],
    ) -> (Common, EditionIndexView) {
        let common = self.common(lang, page, "editions", self.string(lang, "editions"));
        let links = |weekly: bool| {
            issues
                .iter()
                .filter(|i| matches!(i.period, Period::Week { .. }) == weekly)
                .map(|i| self.edition_link(lang, &i.period, i.items.len()))
                .collect()
        };
        let view = EditionIndexView {
            days: links(false),
            weeks: links(true),
            daily_feed: self.href(&routes::editions_feed(lang, false)),
            weekly_feed: self.href(&routes::editions_feed(lang, true)),
        };
        (common, view)
    }
}
