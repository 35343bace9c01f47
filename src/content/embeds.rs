//! Which addresses are posts of a provider the site embeds, and the player
//! that shows them.
//!
//! A link (`https://youtu.be/…`) or a player (`<iframe src="https://www.
//! youtube.com/embed/…">`) from a configured provider becomes an [`Embed`]:
//! the post's own page, for the link readers follow without JavaScript, and
//! the player's address, loaded only when the reader asks. YouTube is played
//! from its no-cookie domain.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::EmbedProvider;

/// How an embed is laid out before it is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EmbedShape {
    /// A video: 16 by 9.
    Video,
    /// A post (X, Instagram): tall.
    Post,
    /// A player bar (SoundCloud, Spotify).
    Audio,
}

impl EmbedShape {
    pub fn as_str(self) -> &'static str {
        match self {
            EmbedShape::Video => "video",
            EmbedShape::Post => "post",
            EmbedShape::Audio => "audio",
        }
    }
}

/// A post to embed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Embed {
    /// The provider's name as readers know it (`YouTube`).
    pub provider: String,
    /// A lowercase name for CSS classes (`youtube`).
    pub slug: String,
    pub shape: EmbedShape,
    /// The post's page at the provider.
    pub link: String,
    /// The player, loaded on a click.
    pub player: String,
}

/// The embed of a link to a post, if the link is one of `providers`'.
pub fn from_link(address: &str, providers: &[EmbedProvider]) -> Option<Embed> {
    let url = parse(address)?;
    providers.iter().find_map(|p| link_of(p, &url, address))
}

/// The embed of a player's address (an `<iframe>`'s `src`), if it is one
/// of `providers`'.
pub fn from_player(address: &str, providers: &[EmbedProvider]) -> Option<Embed> {
    let url = parse(address)?;
    providers.iter().find_map(|p| player_of(p, &url, address))
}

fn parse(address: &str) -> Option<Url> {
    let address = address.trim();
    let absolute = match address.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => address.to_string(),
    };
    let url = Url::parse(&absolute).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The host without `www.` or `m.`, lowercase.
fn host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    host.strip_prefix("m.").unwrap_or(host).to_string()
}

fn segments(url: &Url) -> Vec<&str> {
    url.path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Letters, digits, `-` and `_`: what providers' ids are made of.
fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 24 && text.bytes().all(|b| b.is_ascii_digit())
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

fn embed(provider: &str, shape: EmbedShape, link: String, player: String) -> Option<Embed> {
    Some(Embed {
        provider: provider.to_string(),
        slug: provider
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase(),
        shape,
        link,
        player,
    })
}

fn link_of(provider: &EmbedProvider, url: &Url, address: &str) -> Option<Embed> {
    let host = host(url);
    let path = segments(url);
    match provider {
        EmbedProvider::YouTube => {
            let id = match (host.as_str(), path.as_slice()) {
                ("youtube.com" | "music.youtube.com", ["watch"]) => query(url, "v")?,
                ("youtu.be", [id]) => id.to_string(),
                ("youtube.com" | "youtube-nocookie.com", ["shorts" | "live" | "embed", id]) => {
                    id.to_string()
                }
                _ => return None,
            };
            youtube(&id, query(url, "t").or_else(|| query(url, "start")))
        }
        EmbedProvider::Vimeo => match (host.as_str(), path.as_slice()) {
            ("vimeo.com", [id]) if is_number(id) => vimeo(id, None),
            ("vimeo.com", [id, hash]) if is_number(id) && is_id(hash) => vimeo(id, Some(hash)),
            ("vimeo.com", ["channels" | "groups", .., id]) if is_number(id) => vimeo(id, None),
            ("player.vimeo.com", ["video", id]) if is_number(id) => {
                vimeo(id, query(url, "h").as_deref())
            }
            _ => None,
        },
        EmbedProvider::X => match (host.as_str(), path.as_slice()) {
            ("twitter.com" | "x.com" | "mobile.twitter.com", [user, "status", id, ..])
                if is_number(id) && is_id(user) =>
            {
                tweet(user, id)
            }
            _ => None,
        },
        EmbedProvider::Instagram => match (host.as_str(), path.as_slice()) {
            ("instagram.com", [kind @ ("p" | "reel" | "tv"), code, ..]) if is_id(code) => {
                instagram(kind, code)
            }
            _ => None,
        },
        EmbedProvider::Facebook => {
            let video = match (host.as_str(), path.as_slice()) {
                ("facebook.com", [_, "videos", .., id]) if is_number(id) => true,
                ("facebook.com", ["watch"]) => query(url, "v").is_some_and(|v| is_number(&v)),
                ("facebook.com", ["reel", id]) if is_number(id) => true,
                ("fb.watch", [code]) if is_id(code) => true,
                _ => false,
            };
            video.then(|| facebook(address.trim()))?
        }
        EmbedProvider::SoundCloud => match (host.as_str(), path.as_slice()) {
            ("soundcloud.com", [user, _, ..]) if is_id(user) => soundcloud(&canonical(url)),
            _ => None,
        },
        EmbedProvider::Spotify => spotify_link(&host, &path),
        EmbedProvider::Custom { name, link, player } => {
            let id = pattern_id(link, url)?;
            embed(
                name,
                EmbedShape::Video,
                link.replace("{id}", &id),
                player.replace("{id}", &id),
            )
        }
    }
}

fn player_of(provider: &EmbedProvider, url: &Url, address: &str) -> Option<Embed> {
    let host = host(url);
    let path = segments(url);
    match provider {
        EmbedProvider::YouTube => match (host.as_str(), path.as_slice()) {
            ("youtube.com" | "youtube-nocookie.com", ["embed", id]) => {
                youtube(id, query(url, "start"))
            }
            _ => None,
        },
        EmbedProvider::Vimeo => link_of(provider, url, address),
        EmbedProvider::X => match (host.as_str(), path.as_slice()) {
            ("platform.twitter.com", ["embed", "Tweet.html"]) => {
                let id = query(url, "id").filter(|id| is_number(id))?;
                tweet("i", &id)
            }
            _ => None,
        },
        EmbedProvider::Instagram => match (host.as_str(), path.as_slice()) {
            ("instagram.com", [kind @ ("p" | "reel" | "tv"), code, "embed", ..]) if is_id(code) => {
                instagram(kind, code)
            }
            _ => None,
        },
        EmbedProvider::Facebook => match (host.as_str(), path.as_slice()) {
            ("facebook.com", ["plugins", "video.php"]) => {
                let href = query(url, "href")?;
                let inner = parse(&href)?;
                link_of(provider, &inner, &href)
            }
            _ => None,
        },
        EmbedProvider::SoundCloud => match (host.as_str(), path.as_slice()) {
            ("w.soundcloud.com", ["player"]) => {
                let track = query(url, "url")?;
                let inner = parse(&track)?;
                matches!(
                    host_of(&inner).as_str(),
                    "soundcloud.com" | "api.soundcloud.com"
                )
                .then(|| soundcloud(&canonical(&inner)))?
            }
            _ => None,
        },
        EmbedProvider::Spotify => match path.as_slice() {
            ["embed", rest @ ..] if host == "open.spotify.com" => spotify_link(&host, rest),
            _ => None,
        },
        EmbedProvider::Custom { name, link, player } => {
            let id = pattern_id(player, url)?;
            embed(
                name,
                EmbedShape::Video,
                link.replace("{id}", &id),
                player.replace("{id}", &id),
            )
        }
    }
}

fn host_of(url: &Url) -> String {
    host(url)
}

/// The address without its query and fragment.
fn canonical(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    if url.scheme() == "http" {
        let _ = url.set_scheme("https");
    }
    url.to_string()
}

fn youtube(id: &str, start: Option<String>) -> Option<Embed> {
    if id.len() != 11 || !is_id(id) {
        return None;
    }
    let start = start.and_then(|t| seconds(&t)).filter(|s| *s > 0);
    let (link_t, player_t) = match start {
        Some(s) => (format!("&t={s}s"), format!("&start={s}")),
        None => (String::new(), String::new()),
    };
    embed(
        "YouTube",
        EmbedShape::Video,
        format!("https://www.youtube.com/watch?v={id}{link_t}"),
        format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1{player_t}"),
    )
}

/// `90`, `90s`, `1m30s`, `1h2m3s` in seconds.
fn seconds(text: &str) -> Option<u32> {
    if is_number(text) {
        return text.parse().ok();
    }
    let (mut total, mut number) = (0u32, String::new());
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' => {
                let n: u32 = number.parse().ok()?;
                number.clear();
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
            }
            _ => return None,
        }
    }
    number.is_empty().then_some(total)
}

fn vimeo(id: &str, hash: Option<&str>) -> Option<Embed> {
    let (link_h, player_h) = match hash {
        Some(h) => (format!("/{h}"), format!("&h={h}")),
        None => (String::new(), String::new()),
    };
    embed(
        "Vimeo",
        EmbedShape::Video,
        format!("https://vimeo.com/{id}{link_h}"),
        format!("https://player.vimeo.com/video/{id}?autoplay=1&dnt=1{player_h}"),
    )
}

fn tweet(user: &str, id: &str) -> Option<Embed> {
    embed(
        "X",
        EmbedShape::Post,
        format!("https://x.com/{user}/status/{id}"),
        format!("https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true"),
    )
}

fn instagram(kind: &str, code: &str) -> Option<Embed> {
    embed(
        "Instagram",
        EmbedShape::Post,
        format!("https://www.instagram.com/{kind}/{code}/"),
        format!("https://www.instagram.com/{kind}/{code}/embed/"),
    )
}

fn facebook(link: &str) -> Option<Embed> {
    embed(
        "Facebook",
        EmbedShape::Video,
        link.to_string(),
        format!(
            "https://www.facebook.com/plugins/video.php?href={}&show_text=false&autoplay=true",
            encode(link)
        ),
    )
}

fn soundcloud(link: &str) -> Option<Embed> {
    embed(
        "SoundCloud",
        EmbedShape::Audio,
        link.to_string(),
        format!(
            "https://w.soundcloud.com/player/?url={}&auto_play=true",
            encode(link)
        ),
    )
}

fn spotify_link(host: &str, path: &[&str]) -> Option<Embed> {
    if host != "open.spotify.com" {
        return None;
    }
    // `/intl-fr/track/…` is the same track for another market.
    let path = match path {
        [first, rest @ ..] if first.starts_with("intl-") => rest,
        _ => path,
    };
    match path {
        [
            kind @ ("track" | "album" | "playlist" | "episode" | "show" | "artist"),
            id,
            ..,
        ] if is_id(id) => embed(
            "Spotify",
            EmbedShape::Audio,
            format!("https://open.spotify.com/{kind}/{id}"),
            format!("https://open.spotify.com/embed/{kind}/{id}"),
        ),
        _ => None,
    }
}

/// The `{id}` of `url` read through `pattern` (`https://host/video/{id}`),
/// ignoring `http`/`https`, a `www.` and a trailing query or fragment.
fn pattern_id(pattern: &str, url: &Url) -> Option<String> {
    let (before, after) = pattern.split_once("{id}")?;
    let strip = |s: &str| -> String {
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        s.strip_prefix("www.").unwrap_or(s).to_string()
    };
    let mut address = url.clone();
    if !after.contains('?') {
        address.set_query(None);
    }
    address.set_fragment(None);
    let address = strip(address.as_str());
    let rest = address.strip_prefix(&strip(before))?;
    let rest = rest
        .strip_suffix('/')
        .filter(|_| !after.ends_with('/'))
        .unwrap_or(rest);
    let id = rest.strip_suffix(after)?;
    is_id(id).then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(address: &str) -> Option<(String, String, String)> {
        from_link(address, &EmbedProvider::all()).map(|e| (e.provider, e.link, e.player))
    }

    #[test]
    fn youtube_links_of_every_shape_play_from_the_no_cookie_domain() {
        for address in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "http://youtube.com/embed/dQw4w9WgXcQ",
        ] {
            assert_eq!(
                link(address),
                Some((
                    "YouTube".into(),
                    "https://www.youtube.com/watch?v=dQw4w9WgXcQ".into(),
                    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1".into()
                )),
                "{address}"
            );
        }
        let timed = link("https://youtu.be/dQw4w9WgXcQ?t=1m30s").unwrap();
        assert_eq!(
            timed.2,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=90"
        );
        assert_eq!(link("https://www.youtube.com/watch?v=short"), None);
        assert_eq!(link("https://www.youtube.com/@channel"), None);
    }

    #[test]
    fn every_built_in_provider_is_recognised() {
        let cases = [
            (
                "https://vimeo.com/76979871",
                "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1",
            ),
            (
                "https://x.com/AP/status/1471234567890123456",
                "https://platform.twitter.com/embed/Tweet.html?id=1471234567890123456&dnt=true",
            ),
            (
                "https://twitter.com/AP/status/1471234567890123456?s=20",
                "https://platform.twitter.com/embed/Tweet.html?id=1471234567890123456&dnt=true",
            ),
            (
                "https://www.instagram.com/p/CXyz123_-/",
                "https://www.instagram.com/p/CXyz123_-/embed/",
            ),
            (
                "https://www.facebook.com/aljazeera/videos/1234567890/",
                "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww%2Efacebook%2Ecom%2Faljazeera%2Fvideos%2F1234567890%2F&show_text=false&autoplay=true",
            ),
            (
                "https://soundcloud.com/user-1/a-track?in=x",
                "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud%2Ecom%2Fuser%2D1%2Fa%2Dtrack&auto_play=true",
            ),
            (
                "https://open.spotify.com/intl-de/episode/4rOoJ6Egrf8K2IrywzwOMk?si=1",
                "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
            ),
        ];
        for (address, player) in cases {
            assert_eq!(
                link(address).map(|l| l.2),
                Some(player.to_string()),
                "{address}"
            );
        }
        assert_eq!(link("https://www.facebook.com/aljazeera/"), None);
        assert_eq!(link("https://example.org/watch?v=dQw4w9WgXcQ"), None);
    }

    #[test]
    fn players_lead_back_to_their_posts() {
        let all = EmbedProvider::all();
        let youtube =
            from_player("https://www.youtube.com/embed/dQw4w9WgXcQ?start=10", &all).unwrap();
        assert_eq!(
            youtube.link,
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"
        );
        assert_eq!(
            youtube.player,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=10"
        );
        let spotify = from_player(
            "//open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC",
            &all,
        )
        .unwrap();
        assert_eq!(
            spotify.link,
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"
        );
        assert!(from_player("https://evil.example/embed/dQw4w9WgXcQ", &all).is_none());
        // A provider that is not configured is not embedded.
        assert!(
            from_player(
                "https://www.youtube.com/embed/dQw4w9WgXcQ",
                &[EmbedProvider::Vimeo]
            )
            .is_none()
        );
    }

    #[test]
    fn a_site_can_describe_its_own_provider() {
        let custom = [EmbedProvider::Custom {
            name: "Dailymotion".into(),
            link: "https://www.dailymotion.com/video/{id}".into(),
            player: "https://www.dailymotion.com/embed/video/{id}?autoplay=1".into(),
        }];
        let e = from_link("https://dailymotion.com/video/x8abc12?playlist=x", &custom).unwrap();
        assert_eq!(
            e.player,
            "https://www.dailymotion.com/embed/video/x8abc12?autoplay=1"
        );
        assert_eq!(e.slug, "dailymotion");
        let p = from_player(
            "https://www.dailymotion.com/embed/video/x8abc12?autoplay=1",
            &custom,
        )
        .unwrap();
        assert_eq!(p.link, "https://www.dailymotion.com/video/x8abc12");
    }
}
