//! `digest serve`: a live preview of the site while it is being edited.
//!
//! The site is built with the same [`crate::build`] as `digest build`, into
//! a [`MemorySink`](crate::publish::sink::MemorySink) instead of `public/`, and
//! served over HTTP from memory. A watcher rebuilds it when `content/`,
//! `themes/` or `digest.yaml` change (only the pages whose fingerprints
//! changed are rendered again) and the open pages reload themselves. A
//! failed rebuild keeps the last good site and shows its errors over every
//! page until they are fixed. Stories scheduled for later are shown,
//! marked as previews; when one falls due while the server runs, the site
//! is rebuilt by itself and it is published.
//!
//! ```text
//! watch (notify) → rebuild (spawn_blocking: build) → Live (pages, status)
//!                                                   ↘ SSE /__digest/reload → browser reloads
//! ```
//!
//! All the server's state lives in one [`Live`](reload::Live) value shared
//! by the handlers; nothing is global, so tests run several servers at once.

mod http;
mod rebuild;
mod reload;
mod watch;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::error::BuildError;
use crate::{BuildOptions, BuildReport};

pub use self::http::SitePath;
pub use self::reload::RELOAD_PATH;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's folder (holding `digest.yaml`).
    pub root: PathBuf,
    /// The address to listen on; a loopback address keeps the preview local.
    pub bind: IpAddr,
    /// The port to listen on; 0 picks a free one.
    pub port: u16,
    /// Include articles marked `draft: true`.
    pub drafts: bool,
    /// How long the watcher waits for a burst of file events to settle.
    pub debounce: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            debounce: Duration::from_millis(10),
        }
    }
}

/// One build of the served site.
#[derive(Debug)]
pub struct Rebuild {
    /// The source files (relative to the site's folder) whose change caused
    /// this build; empty for the first build.
    pub changed: Vec<PathBuf>,
    pub outcome: Result<BuildReport, BuildError>,
    /// How long the build took.
    pub elapsed: Duration,
}

/// What the server tells its caller (the CLI prints it).
#[derive(Debug)]
pub enum ServeEvent {
    /// A build finished (boxed: it is far larger than the other event).
    Rebuilt(Box<Rebuild>),
    /// A problem of the server itself (the file watcher failed, a rebuild
    /// stopped unexpectedly): changes may go unnoticed until a restart.
    Trouble(String),
}

/// Receives the server's events, on the server's threads.
pub type Reporter = Arc<dyn Fn(&ServeEvent) + Send + Sync>;

/// A running preview server. Dropping it (or [`Server::shutdown`]) stops it.
pub struct Server {
    addr: SocketAddr,
    live: Arc<reload::Live>,
    serving: Option<JoinHandle<io::Result<()>>>,
    watcher: Option<watch::Watcher>,
    runtime: Option<Runtime>,
}

impl Server {
    /// Binds the address, builds the site once (reporting the outcome),
    /// starts watching and serving, and returns. Fails if the address
    /// cannot be bound or the site's folder cannot be watched.
    pub fn start(options: &ServeOptions, reporter: Reporter) -> io::Result<Server> {
        let root = std::fs::canonicalize(&options.root).map_err(|err| {
            context(
                err,
                format!("cannot open the site folder {}", options.root.display()),
            )
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .max_blocking_threads(2)
            .thread_name("digest-serve")
            .enable_all()
            .build()?;
        let listener = bind(&runtime, options)?;
        let addr = listener.local_addr()?;
        // Watch first, so that edits made during the first build are seen.
        let (changes, watcher) = watch::start(&root, options.debounce, reporter.clone())
            .map_err(|err| context(err, "cannot watch the site's files".into()))?;
        // A preview: scheduled stories are shown, marked, until their
        // time comes; warnings never stop it.
        let mut builder = rebuild::Builder::new(BuildOptions {
            // Pictures processed by `digest build` (or an earlier preview)
            // are not processed again.
            picture_store: Some(crate::picture_store(&root)),
            root,
            base_url: Some(site_url(addr)),
            drafts: options.drafts,
            future: true,
            deny_warnings: Some(false),
            ..BuildOptions::default()
        });
        let live = Arc::new(reload::Live::new(builder.pages()));
        rebuild::finish(&live, &reporter, builder.run(Vec::new()));
        runtime.spawn(rebuild::run(builder, changes, live.clone(), reporter));
        let serving = runtime.spawn(http::serve(listener, live.clone()));
        Ok(Server {
            addr,
            live,
            serving: Some(serving),
            watcher: Some(watcher),
            runtime: Some(runtime),
        })
    }

    /// The address the server listens on (with the real port if 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's address, as its pages link to it.
    pub fn url(&self) -> String {
        site_url(self.addr)
    }

    /// Serves until the server fails (normally: until the process is stopped).
    pub fn wait(mut self) -> io::Result<()> {
        let (Some(runtime), Some(serving)) = (&self.runtime, self.serving.take()) else {
            return Ok(());
        };
        runtime.block_on(serving).map_err(io::Error::other)?
    }

    /// Stops serving and watching; open reload streams are closed. (The
    /// same as dropping the server.)
    pub fn shutdown(self) {}
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.watcher.take());
        self.live.shut_down();
        if let (Some(runtime), Some(serving)) = (&self.runtime, self.serving.take()) {
            let _ = runtime
                .block_on(async { tokio::time::timeout(Duration::from_secs(2), serving).await });
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

fn bind(runtime: &Runtime, options: &ServeOptions) -> io::Result<tokio::net::TcpListener> {
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address).map_err(|err| {
        let mut error = context(err, format!("cannot listen on {address}"));
        if error.kind() == io::ErrorKind::AddrInUse {
            let hint = "is another digest serve running? --port picks another port";
            error = io::Error::new(error.kind(), format!("{error} ({hint})"));
        }
        error
    })?;
    listener.set_nonblocking(true)?;
    let _context = runtime.enter();
    tokio::net::TcpListener::from_std(listener)
}

/// An I/O error with what was being done, keeping its kind.
fn context(err: io::Error, doing: String) -> io::Error {
    io::Error::new(
        err.kind(),
        format!("{doing}: {}", crate::error::io_reason(&err)),
    )
}

/// `http://ADDRESS:PORT/`; a wildcard address (0.0.0.0, ::) is shown as the
/// loopback address, which a browser on this machine can open.
fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_addresses_become_loopback_in_the_site_url() {
        let url = |s: &str| site_url(s.parse().unwrap());
        assert_eq!(url("127.0.0.1:1111"), "http://127.0.0.1:1111/");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("[::]:80"), "http://[::1]:80/");
        assert_eq!(url("192.168.1.5:1111"), "http://192.168.1.5:1111/");
    }
}
