//! base_url done right: a built site served over real HTTP, under a `/repo/` prefix as a
//! GitHub Pages project site and at the root as a user site, crawled from the home page
//! (and the 404 page) with no broken internal link or asset.

mod common;

use common::static_server::StaticServer;
use common::TestSite;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// `GET path` over a plain HTTP/1.0 connection: the status code and the body.
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    (status, raw[split + 4..].to_vec())
}

/// Values of `href="…"`, `src="…"` and CSS `url(…)` in a page or stylesheet.
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=", "src="] {
        for (i, _) in text.match_indices(attr) {
            let rest = &text[i + attr.len()..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                out.push(rest[1..1 + end].to_owned());
            }
        }
    }
    for (i, _) in text.match_indices("url(") {
        let rest = &text[i + 4..];
        if let Some(end) = rest.find(')') {
            out.push(rest[..end].trim_matches(['"', '\'', ' ']).to_owned());
        }
    }
    out
}

/// The server path an URL found on page `from` points at, if it is internal to the site.
fn resolve(url: &str, from: &str, origin: &str) -> Option<String> {
    let url = url.replace("&amp;", "&");
    let url = url.split('#').next().unwrap_or("").to_owned();
    if url.is_empty() || url.starts_with("data:") || url.starts_with("mailto:") {
        return None;
    }
    let path = if let Some(rest) = url.strip_prefix(origin) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if url.contains("://") || url.starts_with("//") {
        return None;
    } else if url.starts_with('/') {
        url
    } else {
        let dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
        format!("{dir}{url}")
    };
    let path = path.split('?').next().unwrap_or("").to_owned();
    // Fold `./` and `../` the way a browser does.
    let mut segs: Vec<&str> = Vec::new();
    for seg in path.split('/').skip(1) {
        match seg {
            "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    Some(format!("/{}", segs.join("/")))
}

/// Crawls from `starts`, bounded in pages and time; returns every path fetched and the
/// broken ones with the page that linked them.
fn crawl(port: u16, starts: &[String]) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let origin = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen: BTreeSet<String> = starts.iter().cloned().collect();
    let mut queue: VecDeque<(String, String)> = starts
        .iter()
        .map(|s| (s.clone(), "(start)".to_owned()))
        .collect();
    let mut broken = BTreeMap::new();
    while let Some((path, from)) = queue.pop_front() {
        assert!(
            seen.len() < 2000,
            "crawl bound reached: the site links to too many URLs"
        );
        assert!(Instant::now() < deadline, "crawl took too long");
        let (status, body) = get(port, &path);
        if status != 200 {
            broken.insert(path, format!("{status} (linked from {from})"));
            continue;
        }
        let crawlable = path.ends_with('/') || path.ends_with(".html") || path.ends_with(".css");
        if !crawlable {
            continue;
        }
        for reference in references(&String::from_utf8_lossy(&body)) {
            if let Some(target) = resolve(&reference, &path, &origin) {
                if seen.insert(target.clone()) {
                    queue.push_back((target, path.clone()));
                }
            }
        }
    }
    (seen, broken)
}

fn crawl_site(prefix: &'static str) {
    let site = TestSite::fixture("publish");
    let out = site.path().join("public");
    // The port is known only once the server listens; it serves the folder built after.
    let server = StaticServer::start(out.clone(), prefix);
    let base = format!("http://127.0.0.1:{}{prefix}", server.port);
    site.build(&["--base-url", &base]).assert_ok();
    assert_built(&out);

    let starts = [prefix.to_owned(), format!("{prefix}404.html")];
    let (seen, broken) = crawl(server.port, &starts);
    assert!(
        broken.is_empty(),
        "broken links under {prefix}: {broken:#?}"
    );
    for must in [
        "blog/second/",
        "blog/page/2/",
        "tags/rust/",
        "tags/rust/atom.xml",
        "about/",
        "atom.xml",
        "rss.xml",
        "css/inkpress.css",
        "css/syntax.css",
        "favicon.svg",
        "images/cover.png",
    ] {
        let path = format!("{prefix}{must}");
        assert!(
            seen.contains(&path),
            "the crawl never reached {path}: {seen:#?}"
        );
    }
    // The server really refuses what is not there, so an empty `broken` means something.
    assert_eq!(get(server.port, &format!("{prefix}no-such-page/")).0, 404);
    if prefix != "/" {
        assert_eq!(
            get(server.port, "/blog/second/").0,
            404,
            "served outside the prefix"
        );
    }
}

fn assert_built(out: &Path) {
    assert!(
        out.join("index.html").is_file(),
        "no build at {}",
        out.display()
    );
}

#[test]
fn no_broken_link_under_a_project_site_prefix() {
    crawl_site("/repo/");
}

#[test]
fn no_broken_link_at_the_root_of_a_user_site() {
    crawl_site("/");
}
