//! The order of the uploads, chosen so that readers never meet a broken
//! link, however far an interrupted deploy got.
//!
//! Objects appear one at a time, so the order is what protects readers:
//!
//! - by kind: files (pictures, documents), then styles and scripts, then
//!   pages, then feeds, the sitemap and robots.txt, and the front door;
//!   each step finishes before the next begins, and deletions come after
//!   everything (nothing the new site links to is ever deleted);
//! - inside a step, by the links of the pages themselves: a page goes up
//!   only after every *new* page it links to (one the target does not have
//!   yet), so a list never links a story that is not there. Pages that link
//!   to each other (an article and its translation) go up together, before
//!   anything already published links to them. Links to a later kind (every
//!   page links the front door and its edition's feed) do not order: those
//!   are what make new pages reachable, so they go up last.
//!
//! Links are read from the HTML with a scanner that over-approximates (any
//! `href=`, `src=`, `srcset=` or `content=` value, in a tag or not): a link
//! too many only orders two uploads that did not need it.

use std::collections::HashMap;

use rayon::prelude::*;

use super::local::{Kind, LocalSite};
use super::plan::{Change, Plan};
use crate::config::BaseUrl;

/// Uploads that may run in any order once the groups they wait for are
/// done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Indices into [`LocalSite::files`].
    pub files: Vec<usize>,
    /// Indices of the groups of the same step that must be complete first.
    pub waits_for: Vec<usize>,
}

/// A kind of file, uploaded completely before the next step begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: &'static str,
    pub groups: Vec<Group>,
}

impl Step {
    pub fn files(&self) -> usize {
        self.groups.iter().map(|g| g.files.len()).sum()
    }
}

pub fn step_name(kind: Kind) -> &'static str {
    match kind {
        Kind::File => "files",
        Kind::Style => "styles",
        Kind::Page => "pages",
        Kind::Feed => "feeds",
        Kind::Sitemap => "sitemap",
        Kind::FrontDoor => "front door",
    }
}

/// The uploads of `plan` in steps.
pub fn steps(site: &LocalSite, plan: &Plan, base: &BaseUrl) -> Vec<Step> {
    let uploads: Vec<usize> = plan.uploads.iter().map(|(i, _)| *i).collect();
    let new: HashMap<&str, usize> = plan
        .uploads
        .iter()
        .enumerate()
        .filter(|(_, (_, change))| *change == Change::New)
        .map(|(node, (i, _))| (site.files[*i].key.as_str(), node))
        .collect();
    let edges: Vec<Vec<usize>> = uploads
        .par_iter()
        .enumerate()
        .map(|(node, &i)| {
            let file = &site.files[i];
            if !matches!(file.kind, Kind::Page | Kind::FrontDoor) || new.is_empty() {
                return Vec::new();
            }
            let Ok(bytes) = std::fs::read(site.path(file)) else {
                return Vec::new();
            };
            let html = String::from_utf8_lossy(&bytes);
            let mut out: Vec<usize> = links(&html)
                .filter_map(|link| resolve(link, &file.key, base))
                .filter_map(|key| new.get(key.as_str()).copied())
                .filter(|&target| target != node)
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    let ranks: Vec<Kind> = uploads.iter().map(|&i| site.files[i].kind).collect();
    arrange(&uploads, &ranks, &edges)
}

/// Groups `nodes` (with kinds `ranks` and dependency `edges`: node → the
/// nodes that must go up before it) into steps, one per kind. Only links
/// between files of one kind order uploads: files of an earlier kind are up
/// already, and a later kind (feeds, the front door) is what makes a new
/// page reachable, so it must stay last even where a page links back to it.
fn arrange(nodes: &[usize], ranks: &[Kind], edges: &[Vec<usize>]) -> Vec<Step> {
    let edges: Vec<Vec<usize>> = edges
        .iter()
        .enumerate()
        .map(|(n, out)| {
            out.iter()
                .copied()
                .filter(|&t| ranks[t] == ranks[n])
                .collect()
        })
        .collect();
    // Components come out dependencies first, which keeps waits pointing
    // backwards.
    let components = strongly_connected(&edges);
    let mut component_of = vec![0; nodes.len()];
    for (c, members) in components.iter().enumerate() {
        for &n in members {
            component_of[n] = c;
        }
    }
    let rank_of = |c: usize| ranks[components[c][0]];
    let mut kinds: Vec<Kind> = ranks.to_vec();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            let members: Vec<usize> = (0..components.len())
                .filter(|&c| rank_of(c) == kind)
                .collect();
            let index: HashMap<usize, usize> =
                members.iter().enumerate().map(|(g, &c)| (c, g)).collect();
            let groups = members
                .iter()
                .map(|&c| {
                    let mut files: Vec<usize> = components[c].iter().map(|&n| nodes[n]).collect();
                    files.sort_unstable();
                    let mut waits_for: Vec<usize> = components[c]
                        .iter()
                        .flat_map(|&n| &edges[n])
                        .map(|&t| component_of[t])
                        .filter(|&t| t != c)
                        .map(|t| index[&t])
                        .collect();
                    waits_for.sort_unstable();
                    waits_for.dedup();
                    Group { files, waits_for }
                })
                .collect();
            Step {
                name: step_name(kind),
                groups,
            }
        })
        .collect()
}

/// Tarjan's algorithm, without recursion: the strongly connected
/// components of the graph, each after every component it has edges to.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its edge list)
        let mut calls = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut at)) = calls.last_mut() {
            if let Some(&target) = edges[node].get(*at) {
                *at += 1;
                if index[target] == UNSEEN {
                    index[target] = next;
                    low[target] = next;
                    next += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    calls.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                loop {
                    let member = stack.pop().expect("the node itself is on the stack");
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// Every value of an `href`, `src`, `srcset` or `content` attribute (each
/// URL of a `srcset`), quoted or not.
pub fn links(html: &str) -> impl Iterator<Item = &str> {
    let bytes = html.as_bytes();
    memchr::memchr_iter(b'=', bytes).flat_map(move |eq| {
        let name_start = bytes[..eq]
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        let name = &html[name_start..eq];
        let wanted = ["href", "src", "srcset", "content"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        let after_space = name_start > 0
            && matches!(
                bytes[name_start - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\''
            );
        let value = if wanted && after_space {
            attribute_value(html, eq + 1)
        } else {
            ""
        };
        let srcset = name.eq_ignore_ascii_case("srcset");
        value
            .split(move |c| srcset && c == ',')
            .map(move |part| {
                if srcset {
                    part.split_whitespace().next().unwrap_or("")
                } else {
                    part.trim()
                }
            })
            .filter(|v| !v.is_empty())
    })
}

/// The attribute value that starts at `at` (after the `=`).
fn attribute_value(html: &str, at: usize) -> &str {
    let rest = &html[at..];
    match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let body = &rest[1..];
            &body[..body.find(quote).unwrap_or(body.len())]
        }
        Some(_) => {
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            &rest[..end]
        }
        None => "",
    }
}

/// The key of the file under `public/` that `link`, found on the page
/// `page` (a key), points to; `None` for other sites and other schemes.
pub fn resolve(link: &str, page: &str, base: &BaseUrl) -> Option<String> {
    let link = link.split(['#', '?']).next()?.replace("&amp;", "&");
    let host = base.origin.split_once("://").map_or("", |(_, h)| h);
    let path = if let Some(rest) = link.strip_prefix("//") {
        same_host(rest, host)?
    } else if let Some((scheme, rest)) = link.split_once("://") {
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return None;
        }
        same_host(rest, host)?
    } else if link.starts_with('/') {
        link.to_string()
    } else if link.split('/').next()?.contains(':') {
        return None; // mailto:, data:, javascript:
    } else {
        let folder = match page.rfind('/') {
            Some(at) => format!("{}{}/", base.path, &page[..at]),
            None => base.path.clone(),
        };
        format!("{folder}{link}")
    };
    let relative = normalize(&path)?
        .strip_prefix(base.path.as_str())?
        .to_string();
    let decoded = percent_encoding::percent_decode_str(&relative)
        .decode_utf8()
        .ok()?
        .into_owned();
    if decoded.is_empty() || decoded.ends_with('/') {
        Some(format!("{decoded}index.html"))
    } else {
        Some(decoded)
    }
}

/// The path of `rest` (`host/path…`) if its host is `host`.
fn same_host(rest: &str, host: &str) -> Option<String> {
    let (h, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    h.eq_ignore_ascii_case(host).then(|| path.to_string())
}

/// `/a/./b/../c` → `/a/c`; `None` if it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        match *segment {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            "" if i != 0 && i != segments.len() - 1 => {}
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) && !out.ends_with('/')
    {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> BaseUrl {
        BaseUrl::parse(url).unwrap()
    }

    #[test]
    fn links_are_read_quoted_unquoted_and_from_srcsets() {
        let html = r#"<a href=/en/x/>x</a><img src="/a.jpg" srcset="/a-1.jpg 1x, /a-2.jpg 2x"><link rel=alternate href='https://d.org/en/atom.xml'><meta property=og:image content="https://d.org/p.jpg"><p>data-href=/no/</p>"#;
        let found: Vec<&str> = links(html).collect();
        assert_eq!(
            found,
            [
                "/en/x/",
                "/a.jpg",
                "/a-1.jpg",
                "/a-2.jpg",
                "https://d.org/en/atom.xml",
                "https://d.org/p.jpg"
            ]
        );
    }

    #[test]
    fn links_resolve_to_the_keys_of_files() {
        let b = base("https://d.org/digest/");
        let page = "en/news/x/index.html";
        let r = |l| resolve(l, page, &b);
        assert_eq!(r("/digest/en/").as_deref(), Some("en/index.html"));
        assert_eq!(r("/digest/").as_deref(), Some("index.html"));
        assert_eq!(
            r("https://d.org/digest/en/atom.xml").as_deref(),
            Some("en/atom.xml")
        );
        assert_eq!(
            r("//d.org/digest/style.1.css?v=2").as_deref(),
            Some("style.1.css")
        );
        assert_eq!(r("map.svg").as_deref(), Some("en/news/x/map.svg"));
        assert_eq!(r("../y/#top").as_deref(), Some("en/news/y/index.html"));
        assert_eq!(
            r("/digest/ar/tags/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82/").as_deref(),
            Some("ar/tags/العراق/index.html")
        );
        assert_eq!(r("https://other.org/digest/en/"), None);
        assert_eq!(r("/elsewhere/"), None);
        assert_eq!(r("mailto:desk@d.org"), None);
    }

    #[test]
    fn pages_wait_for_the_new_pages_they_link_and_cycles_go_together() {
        // 0: a list linking the two translations 1 and 2, which link each
        // other and the front door 3; the front door links the list.
        let nodes = [10, 11, 12, 13];
        let ranks = [Kind::Page, Kind::Page, Kind::Page, Kind::FrontDoor];
        let edges = vec![vec![1, 2], vec![2, 3], vec![1, 3], vec![0]];
        let steps = arrange(&nodes, &ranks, &edges);
        let names: Vec<&str> = steps.iter().map(|s| s.name).collect();
        assert_eq!(names, ["pages", "front door"]);
        let groups = &steps[0].groups;
        let position = |file| groups.iter().position(|g| g.files.contains(&file)).unwrap();
        let (list, pair) = (position(10), position(11));
        assert_eq!(position(12), pair);
        assert_eq!(groups[pair].files, [11, 12]);
        assert_eq!(groups[list].waits_for, [pair]);
        assert!(groups[pair].waits_for.is_empty());
        assert_eq!(
            steps[1].groups,
            [Group {
                files: vec![13],
                waits_for: vec![]
            }]
        );
    }

    #[test]
    fn steps_follow_the_kinds() {
        let nodes = [0, 1, 2, 3];
        let ranks = [Kind::FrontDoor, Kind::Page, Kind::File, Kind::Sitemap];
        let steps = arrange(&nodes, &ranks, &[vec![], vec![], vec![], vec![]]);
        let names: Vec<&str> = steps.iter().map(|s| s.name).collect();
        assert_eq!(names, ["files", "pages", "sitemap", "front door"]);
    }
}
