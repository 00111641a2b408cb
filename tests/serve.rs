//! `inkpress serve` through the real binary: real HTTP on 127.0.0.1 with an ephemeral port,
//! real file edits, the live-reload event stream, and a headless Chromium page.
//!
//! Every wait is bounded in time; every server is killed when its guard drops.

mod common;

use common::browser::Browser;
use common::serve::{generation, request, request_bytes, Events, Server};
use common::TestSite;
use serde_json::Value;
use std::io::Read;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn edits_additions_renames_and_deletions_reach_every_page() {
    let site = TestSite::fixture("serve-basic");
    let server = Server::start(&site, &[]);

    let post = server.get("/blog/first/");
    assert_eq!(post.status, 200);
    assert_eq!(
        post.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(post.body.contains("The original words"), "{}", post.body);
    assert!(
        post.body.contains("/__inkpress/live.js"),
        "no live-reload script"
    );
    // Links point at the local server, whatever base_url says.
    assert!(post
        .body
        .contains(&format!("{}css/inkpress.css", server.url)));
    assert!(!post.body.contains("https://example.com/"), "{}", post.body);

    let mut events = Events::open(server.addr);
    let start = generation(&events.current());

    // An edit: the post changes, a reload is announced.
    site.post(
        "first",
        "title: First post\ndate: 2025-01-02\ntags: [alpha]",
        "The edited words of the first post.",
    );
    let state = events.next_good(start);
    assert_eq!(state["css_only"], false);
    let post = server.get("/blog/first/");
    assert!(post.body.contains("The edited words"), "{}", post.body);
    assert!(!post.body.contains("The original words"));

    // A new post appears on the home page, the list and its tag's page.
    site.post(
        "third",
        "title: Third post appears\ndate: 2025-02-01\ntags: [gamma]",
        "Brand new.",
    );
    let g = generation(&events.next_good(generation(&state)));
    assert!(server.get("/").body.contains("Third post appears"));
    assert!(server.get("/blog/").body.contains("Third post appears"));
    assert_eq!(server.get("/tags/gamma/").status, 200);
    assert!(server.get("/tags/").body.contains("gamma"));

    // Deleted: gone from every list, its pages 404.
    site.remove("content/blog/third.md");
    let g = generation(&events.next_good(g));
    assert!(!server.get("/").body.contains("Third post appears"));
    assert!(!server.get("/tags/").body.contains("gamma"));
    assert_eq!(server.get("/blog/third/").status, 404);
    assert_eq!(server.get("/tags/gamma/").status, 404);

    // Renamed the way editors and git do it: the old URL goes, the new one comes.
    std::fs::rename(
        site.path().join("content/blog/second.md"),
        site.path().join("content/blog/renamed.md"),
    )
    .unwrap();
    events.next_good(g);
    assert_eq!(server.get("/blog/second/").status, 404);
    assert!(server
        .get("/blog/renamed/")
        .body
        .contains("The second post says little"));
    assert!(server.get("/blog/").body.contains("/blog/renamed/"));
}

#[test]
fn a_folder_swapped_in_place_is_read_again() {
    // serve reads again only the files the watcher names; moving a folder names only the
    // folder, so every file under it must count as changed, even at an unchanged path.
    let site = TestSite::fixture("serve-basic");
    let front = "title: Part one\ndate: 2025-03-01";
    site.write(
        "content/blog/series/part.md",
        &format!("---\n{front}\n---\nThe old folder's words.\n"),
    );
    site.write(
        "spare/part.md",
        &format!("---\n{front}\n---\nThe new folder's words.\n"),
    );
    let server = Server::start(&site, &[]);
    assert!(server
        .get("/blog/series/part/")
        .body
        .contains("old folder's words"));
    let mut events = Events::open(server.addr);
    let start = generation(&events.current());

    let path = |p: &str| site.path().join(p);
    std::fs::rename(path("content/blog/series"), path("retired")).unwrap();
    std::fs::rename(path("spare"), path("content/blog/series")).unwrap();
    let g = generation(&events.next_good(start));
    let page = server.get("/blog/series/part/").body;
    assert!(page.contains("new folder's words"), "{page}");

    // And the folder moved in is watched: an edit inside it shows up.
    site.write(
        "content/blog/series/part.md",
        &format!("---\n{front}\n---\nEdited after the move.\n"),
    );
    events.next_good(g);
    assert!(server
        .get("/blog/series/part/")
        .body
        .contains("Edited after the move"));
}

#[test]
fn broken_edits_show_the_overlay_keep_the_last_good_site_and_recover() {
    let site = TestSite::fixture("serve-basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(server.addr);
    let start = events.current();
    assert!(start["errors"].as_array().unwrap().is_empty());

    // Broken front matter: the error names file and line; the old page stays served.
    site.write(
        "content/blog/first.md",
        "---\ntitle: First post\ndate: [not closed\n---\nBroken words.\n",
    );
    let state = events.wait_for(WAIT, |s| !s["errors"].as_array().unwrap().is_empty());
    let error = &state["errors"][0];
    assert_eq!(error["file"], "content/blog/first.md", "{state}");
    assert!(error["line"].as_u64().is_some(), "{state}");
    assert!(!error["message"].as_str().unwrap().is_empty());
    assert_eq!(generation(&state), generation(&start), "no reload on error");
    let post = server.get("/blog/first/");
    assert_eq!(post.status, 200);
    assert!(post.body.contains("The original words"), "{}", post.body);

    // Fixed: the overlay's errors clear and the new text is served.
    site.post(
        "first",
        "title: First post\ndate: 2025-01-02\ntags: [alpha]",
        "Fixed words.",
    );
    let fixed = events.next_good(generation(&start));
    assert!(server.get("/blog/first/").body.contains("Fixed words."));

    // A template syntax error is reported with the template's file and line.
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ post.title }\n{% endblock content %}\n",
    );
    let state = events.wait_for(WAIT, |s| !s["errors"].as_array().unwrap().is_empty());
    assert_eq!(state["errors"][0]["file"], "templates/post.html", "{state}");
    assert!(server.get("/blog/first/").body.contains("Fixed words."));
    site.remove("templates/post.html");
    let recovered = events.wait_for(WAIT, |s| s["errors"].as_array().unwrap().is_empty());
    assert!(generation(&recovered) >= generation(&fixed));
    assert!(server.get("/blog/first/").body.contains("Fixed words."));
}

#[test]
fn a_first_build_that_fails_still_serves_and_recovers_when_fixed() {
    let site = TestSite::fixture("serve-basic");
    site.write(
        "content/blog/first.md",
        "---\ntitle: [broken\n---\nWords.\n",
    );
    let server = Server::start(&site, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("/__inkpress/live.js"), "{}", page.body);
    let mut events = Events::open(server.addr);
    let state = events.current();
    assert_eq!(state["errors"][0]["file"], "content/blog/first.md");
    assert_eq!(generation(&state), 0);

    site.post(
        "first",
        "title: First post\ndate: 2025-01-02",
        "Now it builds.",
    );
    events.next_good(0);
    let post = server.get("/blog/first/");
    assert_eq!(post.status, 200);
    assert!(post.body.contains("Now it builds."));
}

#[test]
fn a_stylesheet_change_swaps_stylesheets_and_a_save_burst_rebuilds_once() {
    let site = TestSite::fixture("serve-basic");
    let server = Server::start(&site, &[]);
    let mut events = Events::open(server.addr);
    let start = generation(&events.current());

    site.write("static/css/inkpress.css", "body { color: rgb(1, 2, 3); }\n");
    let state = events.next_good(start);
    assert_eq!(state["css_only"], true, "{state}");
    assert_eq!(generation(&state), start + 1);
    let css = server.get("/css/inkpress.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains("rgb(1, 2, 3)"));

    // An editor's save: a backup, a temporary file, a rename over the original.
    let dir = site.path().join("content/blog");
    std::fs::write(dir.join(".first.md.swp"), "swap").unwrap();
    std::fs::write(
        dir.join("first.md.tmp"),
        "---\ntitle: First post\ndate: 2025-01-02\n---\nSaved by an editor.\n",
    )
    .unwrap();
    std::fs::rename(dir.join("first.md.tmp"), dir.join("first.md")).unwrap();
    std::fs::remove_file(dir.join(".first.md.swp")).unwrap();
    let state = events.next_good(start + 1);
    assert_eq!(generation(&state), start + 2);
    assert_eq!(state["css_only"], false);
    // No second reload follows the same save.
    let quiet_until = Instant::now() + Duration::from_millis(400);
    while Instant::now() < quiet_until {
        let mut buf = [0u8; 4096];
        if let Ok(n) = events.stream.read(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]);
            assert!(!text.contains("\"generation\""), "second reload: {text}");
        }
    }
    assert!(server
        .get("/blog/first/")
        .body
        .contains("Saved by an editor."));
}

#[test]
fn only_site_files_are_served_with_their_types() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.txt"), "TOP SECRET").unwrap();
    let site = TestSite::fixture("serve-basic");
    #[cfg(unix)]
    {
        // Links in static/ that point outside the site are never published.
        let stat = site.path().join("static");
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), stat.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(outer.path(), stat.join("outside")).unwrap();
    }
    let server = Server::start(&site, &[]);
    let secret = outer.path().join("secret.txt");
    let attempts: Vec<Vec<u8>> = [
        "/../secret.txt",
        "/../../secret.txt",
        "/blog/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/static/../../secret.txt",
        "/leak.txt",
        "/outside/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/css/%00",
        "/inkpress.toml",
        "/content/blog/first.md",
    ]
    .iter()
    .map(|p| p.as_bytes().to_vec())
    .chain([
        b"GET /a\0b".to_vec(),
        format!("GET {}", secret.display()).into_bytes(),
        format!("GET http://127.0.0.1{}", secret.display()).into_bytes(),
    ])
    .collect();
    for attempt in attempts {
        let line = if attempt.starts_with(b"GET ") {
            let mut l = attempt.clone();
            l.extend_from_slice(b" HTTP/1.1");
            l
        } else {
            [b"GET ".as_slice(), &attempt, b" HTTP/1.1"].concat()
        };
        let r = request_bytes(server.addr, &line);
        let shown = String::from_utf8_lossy(&attempt);
        assert!(
            r.status == 404 || r.status == 400,
            "{shown}: status {}",
            r.status
        );
        assert!(!r.body.contains("TOP SECRET"), "{shown} leaked the file");
        assert!(!r.body.contains("base_url"), "{shown} leaked the config");
    }

    // Folders without an index are not listed.
    assert_eq!(server.get("/files/").status, 404);
    assert_eq!(server.get("/css/").status, 404);

    // Unknown paths get the site's 404 page with status 404.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.body.contains("<html"), "{}", missing.body);

    // Folders without the slash redirect to it.
    let r = server.get("/blog/first");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/blog/first/"));

    // GET and HEAD only.
    let head = request(server.addr, "HEAD /blog/first/ HTTP/1.1");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD with a body: {}", head.body);
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let r = request(server.addr, &format!("{method} /blog/first/ HTTP/1.1"));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }

    for (path, wanted) in [
        ("/blog/first/", "text/html; charset=utf-8"),
        ("/css/inkpress.css", "text/css; charset=utf-8"),
        ("/files/app.js", "text/javascript; charset=utf-8"),
        ("/files/icon.svg", "image/svg+xml"),
        ("/files/data.xml", "application/xml"),
        ("/files/data.json", "application/json"),
        ("/files/pixel.png", "image/png"),
        ("/files/photo.jpg", "image/jpeg"),
        ("/files/image.webp", "image/webp"),
        ("/files/font.woff2", "font/woff2"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(wanted), "{path}");
        let injected = r.body.contains("/__inkpress/live.js");
        assert_eq!(injected, wanted.starts_with("text/html"), "{path}");
    }
}

#[test]
fn build_output_carries_no_live_reload_script() {
    let site = TestSite::fixture("serve-basic");
    site.build(&[]).assert_ok();
    let pages: Vec<String> = site
        .files("public")
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    // Home, list, tags, the tag, two posts and 404 at least: a build that wrote no page
    // must not pass for one without the script.
    assert!(pages.len() >= 7, "too few pages written: {pages:?}");
    for file in pages {
        let html = site.read(&format!("public/{file}"));
        assert!(html.contains("</html>"), "{file} is not a whole page");
        assert!(!html.contains("__inkpress"), "{file} has the serve script");
    }
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = TestSite::fixture("serve-basic");
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .arg("--root")
        .arg(site.path())
        .args(["serve", "--port", &port])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve kept running on a port in use");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(1));
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = TestSite::fixture("serve-basic");
    let mut server = Server::start(&site, &[]);
    // An open live-reload stream must not keep the server from stopping.
    let _events = Events::open(server.addr);
    let interrupted = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn browser_page_follows_edits_stylesheets_and_errors_by_itself() {
    let site = TestSite::fixture("serve-basic");
    let server = Server::start(&site, &[]);
    let post_url = format!("{}blog/first/", server.url);
    let browser = Browser::open(&post_url);
    let mut page = browser.page(&post_url);
    let step = Duration::from_secs(15);
    page.wait_until(
        "document.readyState === 'complete' && document.body.innerText.includes('The original words')",
        step,
    );

    // A stylesheet change is swapped in place: the page is not reloaded (the marker stays).
    page.eval("window.inkpressMarker = 'same document'");
    site.write(
        "static/css/inkpress.css",
        "body { background-color: rgb(10, 20, 30); }\n",
    );
    page.wait_until(
        "getComputedStyle(document.body).backgroundColor === 'rgb(10, 20, 30)' \
         && window.inkpressMarker === 'same document'",
        step,
    );

    // An edit to the post shows up without anyone reloading the page.
    site.post(
        "first",
        "title: First post\ndate: 2025-01-02\ntags: [alpha]",
        "Words edited while the browser watched.",
    );
    page.wait_until(
        "document.body.innerText.includes('Words edited while the browser watched.')",
        step,
    );

    // A broken edit brings the overlay, with file, line and message, over the last good page.
    site.write(
        "content/blog/first.md",
        "---\ntitle: First post\ndate: [oops\n---\nBroken.\n",
    );
    page.wait_until(
        "(document.getElementById('inkpress-error-overlay')?.innerText ?? '')\
         .includes('content/blog/first.md:3')",
        step,
    );
    assert_eq!(
        page.eval("document.body.innerText.includes('Words edited while the browser watched.')"),
        Value::Bool(true)
    );

    // Fixed: the overlay goes away by itself and the new text shows.
    site.post(
        "first",
        "title: First post\ndate: 2025-01-02",
        "Fixed in the browser test.",
    );
    page.wait_until(
        "document.getElementById('inkpress-error-overlay') === null \
         && document.body.innerText.includes('Fixed in the browser test.')",
        step,
    );
}
