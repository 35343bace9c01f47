//! A small HTTP client for tests of `digest serve`: plain requests, raw
//! requests (to send paths a normal client would refuse or clean up) and
//! the live-reload event stream.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// One response, whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The value of a header, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Talks to one server; follows no redirects, treats no status as an error.
pub struct Client {
    addr: SocketAddr,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .new_agent();
        Client { addr, agent }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn get(&self, path: &str) -> Reply {
        let response = self
            .agent
            .get(&self.url(path))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        reply(response)
    }

    pub fn head(&self, path: &str) -> Reply {
        let response = self
            .agent
            .head(&self.url(path))
            .call()
            .unwrap_or_else(|e| panic!("HEAD {path}: {e}"));
        reply(response)
    }

    pub fn post(&self, path: &str) -> Reply {
        let response = self
            .agent
            .post(&self.url(path))
            .send("x")
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        reply(response)
    }

    /// Sends `GET {target}` exactly as written and returns the status line's
    /// code and everything after it.
    pub fn raw_get(&self, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read the response");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line for {target}: {text:?}"));
        (status, text)
    }

    /// Listens to the reload stream: each `reload` event's data (the site's
    /// generation) arrives on the channel.
    pub fn reload_events(&self, query: &str) -> Receiver<u64> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let response = agent
            .get(&self.url(&format!("/__digest/reload{query}")))
            .call()
            .expect("the reload stream opens");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert_eq!(content_type, "text/event-stream");
        let (sender, receiver) = channel();
        let reader = BufReader::new(response.into_body().into_reader());
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in reader.lines() {
                let Ok(line) = line else { return };
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = line.strip_prefix("data: ")
                    && event == "reload"
                    && sender.send(data.parse().expect("a generation")).is_err()
                {
                    return;
                }
            }
        });
        receiver
    }
}

fn reply(response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response.into_body().read_to_string().expect("a UTF-8 body");
    Reply {
        status,
        headers,
        body,
    }
}
