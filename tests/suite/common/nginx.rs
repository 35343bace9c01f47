//! nginx, the static web server many newsrooms host on, started for a test.
//!
//! [`nginx`] serves a built site on 127.0.0.1 with a generated
//! configuration: `index index.html`, the site's `404.html` as the error
//! page, and the site mounted at `/` or under a sub-path such as `/digest/`.
//! Without nginx installed the test prints "skipped: no nginx" and returns
//! early, unless `DIGEST_REQUIRE_NGINX` is set (as CI does), in which case a
//! missing nginx is a failure.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running nginx; stopped when dropped.
pub struct Nginx {
    child: Child,
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`
    pub origin: String,
}

/// Where nginx is, if installed.
fn executable() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NGINX") {
        return Some(PathBuf::from(path));
    }
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// nginx serving `site` (a built `public/` folder) at `mount` (`/` or
/// `/digest/`), or `None` (after saying so) when there is no nginx and it is
/// not required.
pub fn nginx(test: &str, site: &Path, mount: &str) -> Option<Nginx> {
    let Some(path) = executable() else {
        if std::env::var_os("DIGEST_REQUIRE_NGINX").is_some() {
            panic!(
                "{test}: DIGEST_REQUIRE_NGINX is set but nginx is not installed (apt-get install nginx)"
            );
        }
        eprintln!("{test}: skipped: no nginx");
        return None;
    };
    // The port is chosen free just before nginx binds it; if another
    // process takes it in between, try again with a new one.
    let mut last_error = String::new();
    for _ in 0..5 {
        match start(&path, site, mount) {
            Ok(server) => return Some(server),
            Err(why) => last_error = why,
        }
    }
    panic!("{test}: nginx did not start: {last_error}");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start(executable: &Path, site: &Path, mount: &str) -> Result<Nginx, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config(dir.path(), site, mount, port)).expect("write nginx.conf");
    let log = dir.path().join("stderr.log");
    let mut child = Command::new(executable)
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .args(["-e", "stderr"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", executable.display()))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Nginx {
                child,
                dir,
                origin: format!("http://127.0.0.1:{port}"),
            });
        }
        let exited = child.try_wait().ok().flatten();
        if exited.is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::fs::read_to_string(&log).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A configuration like a newsroom's: files from the site's folder,
/// `index.html` for directories, the site's 404 page for anything missing.
/// One process, no daemon, everything it writes under `dir`.
fn config(dir: &Path, site: &Path, mount: &str, port: u16) -> String {
    let d = dir.display();
    let site = site.display();
    let location = if mount == "/" {
        format!("root \"{site}\";\n        index index.html;\n        error_page 404 /404.html;")
    } else {
        format!(
            "location {mount} {{\n            alias \"{site}/\";\n            index index.html;\n            error_page 404 {mount}404.html;\n        }}"
        )
    };
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid "{d}/nginx.pid";
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
    types {{
        text/html html;
        text/css css;
        text/javascript js;
        application/xml xml;
        application/json json;
        text/plain txt;
        image/svg+xml svg;
        image/png png;
        image/jpeg jpg jpeg;
        image/webp webp;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css text/plain text/javascript application/xml application/json;
    access_log off;
    client_body_temp_path "{d}/body";
    proxy_temp_path "{d}/proxy";
    fastcgi_temp_path "{d}/fastcgi";
    uwsgi_temp_path "{d}/uwsgi";
    scgi_temp_path "{d}/scgi";
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        {location}
    }}
}}
"#
    )
}

impl Nginx {
    /// The server's log so far (errors and warnings).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
