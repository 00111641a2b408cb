//! One pipeline for `build`, `serve` and `check`: what `serve` serves is what `build`
//! writes, byte for byte (the live-reload script aside), on every fixture site and after
//! every edit of a scripted series; a post page that shows other posts' summaries is the
//! same in all three.
//!
//! Every wait is bounded in time; every server is killed when its guard drops.

mod common;

use common::serve::{generation, Events, Server};
use common::{fixture_dir, TestSite};
use std::time::{Duration, Instant};

/// `html` without the script `serve` adds to every page.
fn without_live_script(html: &[u8]) -> Vec<u8> {
    let open = b"<script src=\"/__inkpress/live.js\"";
    let Some(start) = html.windows(open.len()).position(|w| w == open) else {
        return html.to_vec();
    };
    let close = b"</script>";
    let end = html[start..]
        .windows(close.len())
        .position(|w| w == close)
        .map(|i| start + i + close.len())
        .expect("the live-reload script is closed");
    [&html[..start], &html[end..]].concat()
}

/// Builds `site` afresh with serve's base URL and checks that `server` serves every file
/// of it, byte for byte. Gives the number of files compared.
fn assert_serves_the_build(site: &TestSite, server: &Server) -> usize {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("site");
    let out = out.to_str().unwrap();
    site.run(&["build", "--no-cache", "-o", out, "--base-url", &server.url])
        .assert_ok();
    // The marker that says the folder is inkpress output is not part of the site.
    let files: Vec<String> = site
        .files(out)
        .into_iter()
        .filter(|f| f != ".inkpress-build")
        .collect();
    assert!(!files.is_empty(), "the build wrote nothing");
    for file in &files {
        let built = std::fs::read(format!("{out}/{file}")).unwrap();
        let served = server.get(&format!("/{file}"));
        assert_eq!(served.status, 200, "serve has no /{file}");
        let served = without_live_script(&served.bytes);
        if served != built {
            let (s, b) = (
                String::from_utf8_lossy(&served),
                String::from_utf8_lossy(&built),
            );
            let line = s.lines().zip(b.lines()).position(|(x, y)| x != y);
            panic!(
                "/{file} differs between serve and build (first at line {line:?}):\nserved: {:?}\nbuilt:  {:?}",
                line.and_then(|l| s.lines().nth(l)),
                line.and_then(|l| b.lines().nth(l)),
            );
        }
    }
    files.len()
}

#[test]
fn serve_serves_what_build_writes_on_every_fixture() {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut compared = 0;
    for name in &names {
        // serve previews without analytics, so that fixture's pages differ by design:
        // tests/analytics.rs checks both sides of that.
        if name == "analytics" {
            continue;
        }
        let site = TestSite::fixture(name);
        let build = site.run(&["check"]);
        let server = Server::start(&site, &[]);
        let mut events = Events::open(server.addr);
        let state = events.current();
        if build.status != 0 {
            // A broken fixture: serve shows the same errors instead of a site.
            assert!(
                !state["errors"].as_array().unwrap().is_empty(),
                "{name}: check failed but serve built it"
            );
            continue;
        }
        assert!(generation(&state) >= 1, "{name}: serve built nothing");
        compared += assert_serves_the_build(&site, &server);
    }
    assert!(
        names.len() >= 10 && compared > 100,
        "{names:?}: {compared} files"
    );
}

#[test]
fn serve_follows_a_series_of_edits_exactly() {
    let site = TestSite::fixture("related");
    let server = Server::start(&site, &[]);
    assert_serves_the_build(&site, &server);
    let step = |what: &str, edit: &dyn Fn(&TestSite)| {
        edit(&site);
        // Some edits change no page (a new draft), so no reload is announced: wait for
        // serve to say it rebuilt, then for the editor's burst of events to settle.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut rebuilt = false;
        loop {
            let quiet = Duration::from_millis(if rebuilt { 300 } else { 100 });
            match server.stdout.recv_timeout(quiet) {
                // serve reloads first and makes the search index afterwards: the
                // rebuild is over when it says the index is updated.
                Ok(line) => rebuilt |= line.starts_with("search index updated"),
                Err(_) if rebuilt => break,
                Err(_) => {}
            }
            assert!(
                Instant::now() < deadline,
                "serve did not rebuild after {what}"
            );
        }
        let files = assert_serves_the_build(&site, &server);
        assert!(files > 10, "after {what}: {files} files");
    };

    step("a body edit", &|s| {
        s.post(
            "alpha",
            "title: Alpha\ndate: 2025-03-01\ntags: [shared, one]",
            "Alpha's new summary.\n\nNew rest.",
        )
    });
    step("a title, date and tags edit", &|s| {
        s.post(
            "beta",
            "title: Beta renamed\ndate: 2024-12-31\ntags: [shared, two]\nsummary: Beta's own.",
            "Beta's body.",
        )
    });
    step("a new post", &|s| {
        s.post(
            "delta",
            "title: Delta\ndate: 2025-04-01\ntags: [shared, one]",
            "Delta's summary.\n\n```rust\nfn delta() {}\n```",
        )
    });
    step("a deletion", &|s| s.remove("content/blog/gamma.md"));
    assert_eq!(
        server.get("/blog/gamma/").status,
        404,
        "a deleted post is still served"
    );
    step("a rename", &|s| {
        std::fs::rename(
            s.path().join("content/blog/alpha.md"),
            s.path().join("content/blog/alpha-2.md"),
        )
        .unwrap()
    });
    assert_eq!(
        server.get("/blog/alpha/").status,
        404,
        "a renamed post's old URL"
    );
    step("a new draft", &|s| {
        s.post(
            "draft",
            "title: Draft\ndate: 2025-05-01\ntags: [shared]\ndraft: true",
            "Not yet.",
        )
    });
    assert_eq!(server.get("/blog/draft/").status, 404, "a draft is served");
    step("a draft published", &|s| {
        s.post(
            "draft",
            "title: Draft\ndate: 2025-05-01\ntags: [shared]\ndraft: false",
            "Now.",
        )
    });
    step("a template edit", &|s| {
        let template = s.read("templates/post.html");
        s.write(
            "templates/post.html",
            &template.replace("<h2>Related</h2>", "<h2>Read next</h2>"),
        )
    });
    step("a configuration edit", &|s| {
        s.write(
            "inkpress.toml",
            "title = \"Renamed\"\nrelated_posts = 1\nposts_per_page = 1\n",
        )
    });
}

#[test]
fn related_summaries_are_the_same_in_build_serve_and_check() {
    let site = TestSite::fixture("related");
    // The template throws on an empty summary: check renders every page as build does.
    let check = site.run(&["check"]);
    check.assert_ok();
    site.build(&[]).assert_ok();
    let page = |slug: &str| site.read(&format!("public/blog/{slug}/index.html"));
    let (alpha, beta, gamma) = (page("alpha"), page("beta"), page("gamma"));
    for (on, html, others) in [
        ("alpha", &alpha, ["beta", "gamma"]),
        ("beta", &beta, ["alpha", "gamma"]),
        ("gamma", &gamma, ["alpha", "beta"]),
    ] {
        for other in others {
            let summary = match other {
                "alpha" => "Alpha&#39;s summary, from its first paragraph.",
                "beta" => "Beta&#39;s summary, from front matter &amp; escaped.",
                _ => "Gamma&#39;s summary, before the marker, with <code>code</code>.",
            };
            let summary = if html.contains(summary) {
                summary.to_owned()
            } else {
                summary.replace("&#39;", "'")
            };
            assert!(
                html.contains(&summary),
                "{on} lacks {other}'s summary:\n{html}"
            );
        }
    }
    // Most shared tags first: alpha and beta share two.
    let related = alpha.split("class=\"related\"").nth(1).unwrap();
    assert!(related.find("Beta").unwrap() < related.find("Gamma").unwrap());

    let server = Server::start(&site, &[]);
    Events::open(server.addr).current();
    assert_serves_the_build(&site, &server);
}
