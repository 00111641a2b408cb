//! A static file server on 127.0.0.1 (ephemeral port) for built sites, the way GitHub
//! Pages serves them: under a prefix (`/repo/` for a project site, `/` for a user site),
//! `x/` is `x/index.html`, with the content types a browser insists on for scripts.

use std::path::PathBuf;
use std::sync::Arc;

pub struct StaticServer {
    server: Arc<tiny_http::Server>,
    pub port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: PathBuf, prefix: &'static str) -> StaticServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let handle = server.clone();
        let thread = std::thread::spawn(move || {
            for request in handle.incoming_requests() {
                let path = request.url().split(['?', '#']).next().unwrap_or("");
                let file = path
                    .strip_prefix(prefix)
                    .map(|rel| match rel.is_empty() || rel.ends_with('/') {
                        true => format!("{rel}index.html"),
                        false => rel.to_owned(),
                    })
                    .filter(|rel| !rel.split('/').any(|seg| seg == ".."))
                    .map(|rel| root.join(rel))
                    .filter(|p| p.is_file());
                let response = match file {
                    Some(p) => {
                        let kind = match p.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript",
                            Some("css") => "text/css",
                            Some("json") => "application/json",
                            Some("xml") => "application/xml",
                            _ => "application/octet-stream",
                        };
                        let header = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                        tiny_http::Response::from_data(std::fs::read(p).unwrap())
                            .with_header(header)
                    }
                    None => {
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
                    }
                };
                let _ = request.respond(response);
            }
        });
        StaticServer {
            server,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
