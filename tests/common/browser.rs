//! Debian's headless Chromium driven over the DevTools protocol, for tests that look at
//! pages the way a reader does. A missing browser fails the test, never skips it.

use super::serve::request;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Headless Chromium with the DevTools protocol open, killed on drop.
pub struct Browser {
    child: Child,
    devtools: SocketAddr,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Launches Debian's `chromium` on `url`. A missing browser fails the test: it is
    /// part of what the suite needs (scripts/test installs it).
    pub fn open(url: &str) -> Browser {
        Browser::open_with(url, &[])
    }

    /// Like [`Browser::open`], with more command-line switches (`--window-size=390,844`).
    pub fn open_with(url: &str, switches: &[&str]) -> Browser {
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("chromium is not installed: run scripts/test, or apt-get install chromium");
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
            ])
            .args(switches)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("DevTools listening on ws://").nth(1) {
                    let _ = tx.send(rest.split('/').next().unwrap_or("").to_owned());
                }
            }
        });
        let devtools = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr.parse().expect("a DevTools address"),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not open its DevTools port within 30 s");
            }
        };
        Browser {
            child,
            devtools,
            _profile: profile,
        }
    }

    /// A DevTools session on the page showing `url_prefix`.
    pub fn page(&self, url_prefix: &str) -> Page {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let list = request(self.devtools, "GET /json/list HTTP/1.1");
            let targets: Value = serde_json::from_str(&list.body).unwrap_or(Value::Null);
            let found = targets.as_array().and_then(|all| {
                all.iter().find(|t| {
                    t["type"] == "page" && t["url"].as_str().unwrap_or("").starts_with(url_prefix)
                })
            });
            if let Some(ws) = found.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
                return Page::connect(ws);
            }
            assert!(
                Instant::now() < deadline,
                "no page for {url_prefix}: {}",
                list.body
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One page, driven over the DevTools protocol.
pub struct Page {
    socket: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
}

impl Page {
    pub fn connect(ws_url: &str) -> Page {
        let hostport = ws_url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap();
        let stream =
            TcpStream::connect(hostport).unwrap_or_else(|e| panic!("connect to {ws_url}: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (socket, _) = tungstenite::client(ws_url, stream).expect("DevTools handshake");
        Page { socket, next_id: 1 }
    }

    /// Calls a DevTools method and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let call = serde_json::json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(tungstenite::Message::Text(call.to_string().into()))
            .expect("send to DevTools");
        for _ in 0..1000 {
            let message = self.socket.read().expect("read from DevTools");
            let tungstenite::Message::Text(text) = message else {
                continue;
            };
            let reply: Value = serde_json::from_str(text.as_str()).unwrap();
            if reply["id"] == id {
                return reply["result"].clone();
            }
        }
        panic!("no DevTools reply to {method}");
    }

    /// Evaluates `expression` in the page; `Null` if the page was between documents.
    pub fn eval(&mut self, expression: &str) -> Value {
        let params = serde_json::json!({ "expression": expression, "returnByValue": true });
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Polls `expression` until it evaluates to `true`, within `timeout`.
    pub fn wait_until(&mut self, expression: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.eval(expression) == Value::Bool(true) {
                return;
            }
            if Instant::now() > deadline {
                let text = self.eval("document.documentElement.outerHTML");
                panic!("in the browser, `{expression}` never became true; page:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Evaluates `expression`, waiting for the promise it returns; `Err` with the
    /// exception's text if it throws or rejects.
    pub fn eval_async(&mut self, expression: &str) -> Result<Value, String> {
        let params = serde_json::json!({
            "expression": expression, "returnByValue": true, "awaitPromise": true
        });
        let reply = self.call("Runtime.evaluate", params);
        match reply.get("exceptionDetails") {
            Some(e) => Err(e["exception"]["description"]
                .as_str()
                .unwrap_or("an exception")
                .to_owned()),
            None => Ok(reply["result"]["value"].clone()),
        }
    }

    /// Presses and releases a key as a reader would (`Tab`, `Enter`).
    pub fn press(&mut self, key: &str) {
        let (code, text) = match key {
            "Tab" => (9, ""),
            "Enter" => (13, "\r"),
            other => panic!("no key code for {other}"),
        };
        for kind in ["keyDown", "keyUp"] {
            let mut event = serde_json::json!({
                "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code
            });
            if kind == "keyDown" && !text.is_empty() {
                event["text"] = Value::from(text);
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }

    /// The viewport as a PNG file.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        use base64::Engine;
        let shot = self.call(
            "Page.captureScreenshot",
            serde_json::json!({ "format": "png" }),
        );
        let data = shot["data"].as_str().expect("a screenshot");
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 from DevTools");
        std::fs::write(path, png).unwrap();
    }
}
