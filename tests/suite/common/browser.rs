//! Headless Chromium for end-to-end tests.
//!
//! Tests that need a browser call [`chromium`]: without Chromium installed
//! they print "skipped: no chromium" and return early, unless
//! `DIGEST_REQUIRE_BROWSER` is set (as CI does), in which case a missing
//! browser is a failure.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride;
use headless_chrome::{Browser, LaunchOptions};

use crate::common::Site;

/// Where Chromium is, if installed.
fn executable() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROME") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// A headless Chromium, or `None` (after saying so) when there is none and
/// browsers are not required.
pub fn chromium(test: &str) -> Option<Browser> {
    let Some(path) = executable() else {
        if std::env::var_os("DIGEST_REQUIRE_BROWSER").is_some() {
            panic!(
                "{test}: DIGEST_REQUIRE_BROWSER is set but Chromium is not installed (apt-get install chromium)"
            );
        }
        eprintln!("{test}: skipped: no chromium");
        return None;
    };
    // The flags keep Chromium from reaching for the network it does not have.
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions {
        headless: true,
        sandbox: false,
        path: Some(path),
        args,
        window_size: Some((1280, 900)),
        idle_browser_timeout: Duration::from_secs(120),
        ..LaunchOptions::default()
    };
    Some(Browser::new(options).expect("Chromium starts"))
}

/// Evaluates a JavaScript expression in `tab` and returns its value as JSON.
pub fn eval(tab: &headless_chrome::Tab, expression: &str) -> serde_json::Value {
    tab.evaluate(expression, false)
        .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Makes `tab` a screen of `width` × `height` CSS pixels with `scale`
/// device pixels to each, as a phone (`mobile`: touch, the viewport meta
/// obeyed) or a desktop does.
pub fn emulate(tab: &headless_chrome::Tab, width: u32, height: u32, scale: f64, mobile: bool) {
    tab.call_method(SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: scale,
        mobile,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// `digest serve` on a free port, after its first build.
pub fn serve(f: &Site) -> digest::serve::Server {
    let (sender, built) = mpsc::channel();
    let sender = Mutex::new(sender);
    let reporter = Arc::new(move |event: &digest::serve::ServeEvent| {
        if let digest::serve::ServeEvent::Rebuilt(rebuild) = event {
            let ok = rebuild
                .outcome
                .as_ref()
                .map(|_| ())
                .map_err(|e| e.to_string());
            let _ = sender.lock().unwrap().send(ok);
        }
    });
    let options = digest::serve::ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        ..digest::serve::ServeOptions::default()
    };
    let server = digest::serve::Server::start(&options, reporter).expect("the server starts");
    built
        .recv_timeout(Duration::from_secs(120))
        .expect("a first build")
        .expect("the first build succeeds");
    server
}
