//! A running `inkpress serve` for tests, and a raw HTTP/1.1 client that sends request
//! lines exactly as written (no client-side clean-up), for the traversal cases.

use super::TestSite;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `inkpress serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub url: String,
    /// Lines the server printed on stdout after the URL.
    pub stdout: mpsc::Receiver<String>,
}

impl Server {
    /// Starts serving `site` and waits for the first build to end (in success or errors).
    pub fn start(site: &TestSite, extra: &[&str]) -> Server {
        let server = Server::start_early(site, extra);
        Events::open(server.addr).wait_for(Duration::from_secs(120), |state| {
            generation(state) > 0 || !state["errors"].as_array().unwrap().is_empty()
        });
        server
    }

    /// Starts serving `site`: returns once the server listens, its first build running.
    pub fn start_early(site: &TestSite, extra: &[&str]) -> Server {
        let (child, rx) = spawn(site, extra);
        let mut server = Server {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            url: String::new(),
            stdout: rx,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match server.stdout.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    if let Some(rest) = line.strip_prefix("serving http://") {
                        let hostport = rest.split('/').next().unwrap();
                        server.addr = hostport.parse().expect("an address in the URL");
                        server.url = format!("http://{hostport}/");
                        return server;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!("inkpress serve printed no URL within 30 s");
    }

    /// Waits for a line of stdout that starts with `prefix`; fails after `timeout`.
    pub fn wait_for_line(&self, prefix: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.starts_with(prefix) => return,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("inkpress serve printed no line starting {prefix:?} within {timeout:?}");
    }

    pub fn get(&self, path: &str) -> Response {
        request(self.addr, &format!("GET {path} HTTP/1.1"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossily, for assertions on HTML).
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `inkpress serve` on `site` on a free port, and the lines it prints on stdout as they
/// come. The caller kills it.
pub fn spawn(site: &TestSite, extra: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", "0"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start inkpress serve");
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Sends one request line as written (no client-side path clean-up) and reads the answer.
pub fn request(addr: SocketAddr, request_line: &str) -> Response {
    request_bytes(addr, request_line.as_bytes())
}

pub fn request_bytes(addr: SocketAddr, request_line: &[u8]) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut req = request_line.to_vec();
    req.extend_from_slice(format!("\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes());
    stream.write_all(&req).unwrap();
    // Read to the end, or to Content-Length for servers that keep the connection open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(head_end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| raw.len() >= head_end + 4 + n) {
                break;
            }
        }
        match stream.read(&mut buf).expect("read the response") {
            0 => break,
            n => raw.extend_from_slice(&buf[..n]),
        }
    }
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let bytes = raw[head_end..].to_vec();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_owned(),
        bytes,
    }
}

/// The live-reload event stream, read as raw bytes.
pub struct Events {
    pub stream: TcpStream,
    pending: String,
}

impl Events {
    pub fn open(addr: SocketAddr) -> Events {
        Events::open_at(addr, "/__inkpress/events")
    }

    /// The stream of a page open at `page` (`/blog/x/`), as its live-reload script opens it.
    pub fn viewing(addr: SocketAddr, page: &str) -> Events {
        let page: String = page
            .bytes()
            .map(|b| match b {
                b'/' => "%2F".to_owned(),
                b if b.is_ascii_alphanumeric() || b"-_.".contains(&b) => (b as char).to_string(),
                b => format!("%{b:02X}"),
            })
            .collect();
        Events::open_at(addr, &format!("/__inkpress/events?page={page}"))
    }

    fn open_at(addr: SocketAddr, target: &str) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        stream
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .unwrap();
        Events {
            stream,
            pending: String::new(),
        }
    }

    /// The next state that satisfies `want`, within `timeout`.
    pub fn wait_for(&mut self, timeout: Duration, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            while let Some(end) = self.pending.find('\n') {
                let line: String = self.pending.drain(..=end).collect();
                if let Some(json) = line.trim_end().strip_prefix("data: ") {
                    let state: Value = serde_json::from_str(json).expect("JSON state");
                    if want(&state) {
                        return state;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "no matching live-reload state within {timeout:?}; unread: {:?}",
                self.pending
            );
            let mut buf = [0u8; 8192];
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the event stream closed"),
                Ok(n) => self.pending.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("reading events: {e}"),
            }
        }
    }

    /// The state now (the stream sends it first, on connect).
    pub fn current(&mut self) -> Value {
        self.wait_for(Duration::from_secs(10), |_| true)
    }

    /// The first successful state after `generation`.
    pub fn next_good(&mut self, generation: u64) -> Value {
        self.wait_for(Duration::from_secs(10), |s| {
            s["generation"].as_u64().unwrap() > generation
                && s["errors"].as_array().unwrap().is_empty()
        })
    }
}

pub fn generation(state: &Value) -> u64 {
    state["generation"].as_u64().unwrap()
}
