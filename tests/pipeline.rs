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

/// A fresh build of `site` for serve's base URL: its folder (removed when the guard is
/// dropped), the folder's path and its files, without the marker that says the folder
/// is inkpress output (not part of the site).
fn fresh_build(site: &TestSite, server: &Server) -> (tempfile::TempDir, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site").to_str().unwrap().to_owned();
    site.run(&["build", "--no-cache", "-o", &out, "--base-url", &server.url])
        .assert_ok();
    let files = site
        .files(&out)
        .into_iter()
        .filter(|f| f != ".inkpress-build")
        .collect();
    (dir, out, files)
}

/// Builds `site` afresh with serve's base URL and checks that `server` serves every file
/// of it, byte for byte. Gives the number of files compared.
fn assert_serves_the_build(site: &TestSite, server: &Server) -> usize {
    let (_dir, out, files) = fresh_build(site, server);
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
        // Blogs of other generators, for `inkpress import`: not inkpress sites until imported.
        if name.starts_with("import-") {
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
        wait_for_rebuild(&server, what);
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

/// Edits whose effects reach pages through other documents: an author's page (their
/// name shows on every post of theirs) and a page bundle's files (found by discovery; an
/// image among them is sized in its page's HTML).
#[test]
fn serve_follows_author_pages_and_bundle_files() {
    let site = TestSite::fixture("authors");
    let server = Server::start(&site, &[]);
    assert_serves_the_build(&site, &server);
    let author = site.read("content/authors/jane.md");
    site.write(
        "content/authors/jane.md",
        &author.replace("name: Jane Doe", "name: Jane Q. Doe"),
    );
    wait_for_rebuild(&server, "an author's name edit");
    assert_serves_the_build(&site, &server);
    drop(server);

    let site = TestSite::fixture("permalinks");
    let server = Server::start(&site, &[]);
    assert_serves_the_build(&site, &server);
    site.write("content/blog/bundle/notes.txt", "a file beside the post\n");
    wait_for_rebuild(&server, "a file added to a bundle");
    assert_serves_the_build(&site, &server);
    // The bundle's image replaced by a larger one: its page shows the new size and
    // the resized copies, though the post's text did not change.
    std::fs::copy(
        fixture_dir("images").join("content/blog/bundled/chart.png"),
        site.path().join("content/blog/bundle/dot.png"),
    )
    .unwrap();
    wait_for_rebuild(&server, "a bundle's image replaced");
    let page = server.get("/2024/03/04/bundle.html");
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(html.contains(r#"width="1100" height="700""#), "{html}");
    assert!(html.contains("srcset="), "{html}");
    assert_serves_the_build(&site, &server);
    site.remove("content/blog/bundle/notes.txt");
    wait_for_rebuild(&server, "a file removed from a bundle");
    assert_serves_the_build(&site, &server);
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

/// Waits until `server` has rebuilt after an edit and its burst of events has settled.
fn wait_for_rebuild(server: &Server, what: &str) {
    // Some edits change no page (a new draft), so no reload is announced: wait for
    // serve to say it rebuilt, then for the search index it makes after the reload (a
    // site without search has none to wait for), then for the editor's burst of events
    // to settle.
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut rebuilt, mut index_pending) = (false, false);
    let mut quiet_since: Option<Instant> = None;
    loop {
        match server.stdout.recv_timeout(Duration::from_millis(50)) {
            Ok(line) => {
                if line.starts_with("rebuilt in") {
                    (rebuilt, index_pending) = (true, true);
                }
                if line.starts_with("search index updated") {
                    index_pending = false;
                }
                quiet_since = None;
            }
            Err(_) => {
                let quiet = quiet_since.get_or_insert_with(Instant::now).elapsed();
                let settled = quiet >= Duration::from_millis(300)
                    && (!index_pending || server.get("/search-index/index.json").status == 404);
                if rebuilt && settled {
                    break;
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "serve did not rebuild (and index) after {what}"
        );
    }
}

/// A generated blog for the never-stale test: `posts` posts over a few tags (two
/// spellings of one of them), some drafts, summaries, code, links between posts, and a
/// post template that shows related posts.
struct RandomSite {
    site: TestSite,
    rng: fastrand::Rng,
    /// File stems of the posts that exist now.
    posts: Vec<String>,
    next_name: usize,
}

const TAGS: [&str; 7] = ["rust", "Rust", "web", "notes", "css", "databases", "travel"];

impl RandomSite {
    fn new(seed: u64, posts: usize) -> RandomSite {
        let mut site = RandomSite {
            site: TestSite::empty(),
            rng: fastrand::Rng::with_seed(seed),
            posts: Vec::new(),
            next_name: 0,
        };
        let (config, template) = (site.config(), site.template());
        site.site.write("inkpress.toml", &config);
        site.site.write("templates/post.html", &template);
        site.site.write(
            "content/about.md",
            "---\ntitle: About\n---\nThis blog is [generated](/blog/).\n",
        );
        for _ in 0..posts {
            site.add();
        }
        site
    }

    fn config(&mut self) -> String {
        let per_page = self.rng.usize(3..12);
        let related = self.rng.usize(1..5);
        let full = ["full", "summary"][self.rng.usize(0..2)];
        format!(
            "title = \"Random {per_page}\"\nposts_per_page = {per_page}\nrelated_posts = {related}\n[feeds]\nlimit = {}\ncontent = \"{full}\"\n",
            self.rng.usize(2..20)
        )
    }

    fn template(&mut self) -> String {
        let heading = ["Related", "Read next", "More"][self.rng.usize(0..3)];
        format!(
            "{{% extends \"base.html\" %}}\n{{% block content %}}\n<h1>{{{{ post.title }}}}</h1>\n{{% for t in post.tags %}}<a href=\"{{{{ t.url }}}}\">{{{{ t.name }}}} ({{{{ t.count }}}})</a>{{% endfor %}}\n{{{{ post.content | safe }}}}\n<h2>{heading}</h2>\n<ul>{{% for p in related %}}<li><a href=\"{{{{ p.url }}}}\">{{{{ p.title }}}}</a> {{{{ p.summary | safe }}}}</li>{{% endfor %}}</ul>\n{{% if previous %}}<a href=\"{{{{ previous.url }}}}\">{{{{ previous.title }}}}</a>{{% endif %}}\n{{% endblock content %}}\n"
        )
    }

    fn front(&mut self, n: usize, draft: bool) -> String {
        let tags: Vec<&str> = (0..self.rng.usize(0..4))
            .map(|_| TAGS[self.rng.usize(0..TAGS.len())])
            .collect();
        let mut front = format!(
            "title: Post {n} {}\ndate: 2024-{:02}-{:02}\ntags: [{}]\ndraft: {draft}",
            self.rng.u32(..1000),
            self.rng.u32(1..13),
            self.rng.u32(1..29),
            tags.join(", ")
        );
        if self.rng.u8(..5) == 0 {
            front.push_str(&format!("\nsummary: Summary {}", self.rng.u32(..1000)));
        }
        front
    }

    fn body(&mut self) -> String {
        let mut body = format!("First paragraph {}.\n\n", self.rng.u32(..1000));
        if self.rng.bool() {
            body.push_str("<!-- more -->\n\nAfter the marker.\n\n");
        }
        if self.rng.u8(..3) == 0 {
            body.push_str("```rust\nfn main() {}\n```\n\n");
        }
        if let Some(other) = self.pick() {
            body.push_str(&format!(
                "See [another post](/blog/{other}/).\n\n## A heading\n"
            ));
        }
        body
    }

    fn pick(&mut self) -> Option<String> {
        (!self.posts.is_empty()).then(|| self.posts[self.rng.usize(0..self.posts.len())].clone())
    }

    fn write_post(&mut self, name: &str, front: &str, body: &str) {
        self.site.post(name, front, body);
    }

    fn add(&mut self) -> String {
        let n = self.next_name;
        self.next_name += 1;
        let name = format!("post-{n}");
        let draft = self.rng.u8(..20) == 0;
        let (front, body) = (self.front(n, draft), self.body());
        self.write_post(&name, &front, &body);
        self.posts.push(name.clone());
        format!("add {name}")
    }

    /// The front matter and body of an existing post.
    fn parts(&self, name: &str) -> (String, String) {
        let text = self.site.read(&format!("content/blog/{name}.md"));
        let rest = text.strip_prefix("---\n").unwrap();
        let (front, body) = rest.split_once("\n---\n").unwrap();
        (front.to_owned(), body.to_owned())
    }

    /// Replaces the front matter line starting with `key:` (or adds it).
    fn set(front: &str, key: &str, value: &str) -> String {
        let mut lines: Vec<String> = front
            .lines()
            .filter(|l| !l.starts_with(&format!("{key}:")))
            .map(str::to_owned)
            .collect();
        lines.push(format!("{key}: {value}"));
        lines.join("\n")
    }

    /// Makes one random edit and says what it was.
    fn edit(&mut self) -> String {
        let Some(name) = self.pick() else {
            return self.add();
        };
        let (front, body) = self.parts(&name);
        let path = format!("content/blog/{name}.md");
        match self.rng.u8(..11) {
            0 => {
                let body = self.body();
                self.write_post(&name, &front, &body);
                format!("body of {name}")
            }
            1 => {
                let title = format!("Retitled {}", self.rng.u32(..1000));
                self.write_post(&name, &Self::set(&front, "title", &title), &body);
                format!("title of {name}")
            }
            2 => {
                let date = format!("2025-{:02}-01", self.rng.u32(1..13));
                self.write_post(&name, &Self::set(&front, "date", &date), &body);
                format!("date of {name}")
            }
            3 => {
                let tag = TAGS[self.rng.usize(0..TAGS.len())];
                self.write_post(
                    &name,
                    &Self::set(&front, "tags", &format!("[{tag}]")),
                    &body,
                );
                format!("tags of {name}")
            }
            4 => {
                let draft = !front.contains("draft: true");
                self.write_post(
                    &name,
                    &Self::set(&front, "draft", &draft.to_string()),
                    &body,
                );
                format!("draft of {name}")
            }
            5 => {
                let n = self.next_name;
                self.next_name += 1;
                let new = format!("renamed-{n}");
                std::fs::rename(
                    self.site.path().join(&path),
                    self.site.path().join(format!("content/blog/{new}.md")),
                )
                .unwrap();
                self.posts.retain(|p| *p != name);
                self.posts.push(new.clone());
                format!("rename {name} to {new}")
            }
            6 => {
                self.site.remove(&path);
                self.posts.retain(|p| *p != name);
                format!("delete {name}")
            }
            7 => self.add(),
            8 => {
                let template = self.template();
                self.site.write("templates/post.html", &template);
                "the post template".into()
            }
            9 => {
                let about = format!(
                    "---\ntitle: About {}\n---\nThis blog is [generated](/blog/{name}/).\n",
                    self.rng.u32(..1000)
                );
                self.site.write("content/about.md", &about);
                "the about page".into()
            }
            _ => {
                let config = self.config();
                self.site.write("inkpress.toml", &config);
                "the configuration".into()
            }
        }
    }
}

/// Random edits of every kind (a page's too) on a generated 300-post site; after each, `serve` serves
/// exactly what a fresh `build` writes, and nothing the build no longer has. CI runs a
/// few edits of one seed; `INKPRESS_STALE_SEEDS=1..50 INKPRESS_STALE_EDITS=40` runs more.
#[test]
fn serve_is_never_stale_through_random_edits() {
    let range = |var: &str, default: &str| -> (u64, u64) {
        let text = std::env::var(var).unwrap_or_else(|_| default.to_owned());
        let (a, b) = text.split_once("..").unwrap_or((&text, &text));
        (a.parse().unwrap(), b.parse().unwrap())
    };
    let (first_seed, last_seed) = range("INKPRESS_STALE_SEEDS", "1");
    let edits = range("INKPRESS_STALE_EDITS", "8").0;
    for seed in first_seed..=last_seed {
        let mut site = RandomSite::new(seed, 300);
        let server = Server::start(&site.site, &[]);
        // The home page open in a browser: every rebuild makes it first, and one that
        // changes it reloads it ahead of the rest.
        let mut viewer = Events::viewing(server.addr, "/");
        viewer.current();
        let mut history: Vec<String> = Vec::new();
        let mut ever_served = std::collections::BTreeSet::new();
        assert_serves_the_build(&site.site, &server);
        for _ in 0..edits {
            let what = site.edit();
            history.push(what.clone());
            wait_for_rebuild(&server, &format!("{what} (seed {seed}, after {history:?})"));
            let built = serves_the_build_and_nothing_else(&site.site, &server, &mut ever_served);
            assert!(
                built.is_ok(),
                "seed {seed}, after {history:?}: {}",
                built.unwrap_err()
            );
        }
    }
}

/// [`assert_serves_the_build`], and every file an earlier build had that this one has not
/// is gone from serve too. `ever` collects the paths of every build so far.
fn serves_the_build_and_nothing_else(
    site: &TestSite,
    server: &Server,
    ever: &mut std::collections::BTreeSet<String>,
) -> Result<(), String> {
    let (_dir, out, files) = fresh_build(site, server);
    for file in &files {
        let built = std::fs::read(format!("{out}/{file}")).unwrap();
        let served = server.get(&format!("/{file}"));
        if served.status != 200 {
            return Err(format!("serve has no /{file}"));
        }
        if without_live_script(&served.bytes) != built {
            return Err(format!("/{file} differs between serve and build"));
        }
    }
    let now: std::collections::BTreeSet<String> = files.into_iter().collect();
    for gone in ever.difference(&now) {
        if server.get(&format!("/{gone}")).status == 200 {
            return Err(format!(
                "/{gone} is still served after the build dropped it"
            ));
        }
    }
    ever.extend(now);
    Ok(())
}

/// The serve fixture with `n` generated posts, one a day in the order of their numbers,
/// each with a code block: big enough that a build (of the debug binary the tests run)
/// takes a while.
fn generated_site(n: usize) -> TestSite {
    let site = TestSite::fixture("serve-basic");
    for i in 0..n {
        site.post(
            &format!("generated-{i:03}"),
            &generated_front(i, &format!("Generated {i}")),
            &generated_body(i),
        );
    }
    site
}

fn generated_body(i: usize) -> String {
    format!("Words of post {i}.\n\n```rust\nfn post_{i}() {{}}\n```\n")
}

fn generated_front(i: usize, title: &str) -> String {
    format!(
        "title: {title}\ndate: {}-{:02}-{:02}\ntags: [t{}]",
        2000 + i / 336,
        i / 28 % 12 + 1,
        i % 28 + 1,
        i % 7
    )
}

/// Every stdout line of `server` up to and including the first that starts with `prefix`.
fn lines_until(server: &Server, prefix: &str, timeout: Duration) -> Vec<String> {
    let deadline = Instant::now() + timeout;
    let mut lines = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(line) = server.stdout.recv_timeout(left) else {
            break;
        };
        let done = line.starts_with(prefix);
        lines.push(line);
        if done {
            return lines;
        }
    }
    panic!("no line starting {prefix:?} within {timeout:?}: {lines:?}");
}

/// Each page fetched (path and body) is the page a fresh build of `site` writes.
fn assert_fetched_as_built(site: &TestSite, server: &Server, fetched: &[(&str, Vec<u8>)]) {
    let (_dir, out, _) = fresh_build(site, server);
    for (path, served) in fetched {
        let file = format!("{out}/{path}index.html");
        assert!(
            without_live_script(served) == std::fs::read(&file).unwrap(),
            "/{path} differs from the build: {}",
            String::from_utf8_lossy(served)
        );
    }
}

#[test]
fn requests_during_the_first_build_are_answered_with_the_built_page() {
    let site = generated_site(400);
    // Returns as soon as serve listens, before its first build ends.
    let server = Server::start_early(&site, &["--verbose"]);
    let home = server.get("/");
    let post = server.get("/blog/generated-150/");
    let lines = lines_until(&server, "built ", Duration::from_secs(120));
    for path in ["/", "/blog/generated-150/"] {
        // Answered before the build said it ended (the last line read).
        let line = format!("answered {path} from the running build");
        let at = lines.iter().position(|l| *l == line);
        assert!(
            at.is_some_and(|at| at < lines.len() - 1),
            "{path} was not answered while the first build ran: {lines:?}"
        );
    }
    assert_eq!((home.status, post.status), (200, 200));
    assert!(post.body.contains("Words of post 150."), "{}", post.body);
    // The first build's pages are of its generation, the one it ends with: no reload
    // follows, and the finished site serves the very same bytes.
    assert_eq!(generation(&Events::open(server.addr).current()), 1);
    assert_eq!(server.get("/").bytes, home.bytes);
    assert_fetched_as_built(
        &site,
        &server,
        &[("", home.bytes), ("blog/generated-150/", post.bytes)],
    );
}

#[test]
fn the_open_page_reloads_first_and_no_page_is_older_after_it() {
    let site = generated_site(300);
    let server = Server::start(&site, &["--verbose"]);
    let open = "/blog/generated-150/";
    let mut viewer = Events::viewing(server.addr, open);
    let mut seen = generation(&viewer.current());
    // Lines of the first build are not this test's.
    while server.stdout.try_recv().is_ok() {}
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/base.html"),
    )
    .unwrap();
    let marker = "<meta name=\"edited\" content=\"yes\">";
    // A title: the model is updated in place, and the neighbours show it too. A
    // template: the whole site is made again, the open page first.
    for (what, shown) in [("a title", "Retitled while open"), ("a template", marker)] {
        match what {
            "a title" => site.post(
                "generated-150",
                &generated_front(150, shown),
                "Words of post 150.",
            ),
            _ => site.write(
                "templates/base.html",
                &base.replace("</head>", &format!("{marker}</head>")),
            ),
        }
        let state = viewer.next_good(seen);
        seen = generation(&state);
        // At once after the reload: the open page and the others that show the edit.
        let fetched: Vec<(&str, Vec<u8>)> = [
            "blog/generated-150/",
            "blog/generated-149/",
            "blog/generated-151/",
            "tags/t3/",
            "",
        ]
        .into_iter()
        .map(|path| (path, server.get(&format!("/{path}")).bytes))
        .collect();
        for (path, body) in &fetched[..3] {
            let body = String::from_utf8_lossy(body);
            assert!(body.contains(shown), "{what}: /{path} is older: {body}");
            assert!(
                body.contains(&format!("data-generation=\"{seen}\"")),
                "{what}: /{path}"
            );
        }
        let lines = lines_until(&server, "rebuilt in", Duration::from_secs(60));
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .any(|l| l.starts_with("reloaded ahead of the rest of the build: 1 open page")),
            "{what}: the open page was not reloaded ahead of the build's end: {lines:?}"
        );
        assert_fetched_as_built(&site, &server, &fetched);
    }
}

#[test]
fn a_build_that_fails_after_reloading_the_open_page_serves_the_last_good_site() {
    let site = generated_site(50);
    site.write(
        "inkpress.toml",
        &format!(
            "{}\n[check]\nlinks = \"error\"\n",
            std::fs::read_to_string(site.path().join("inkpress.toml")).unwrap()
        ),
    );
    let server = Server::start(&site, &["--verbose"]);
    let open = "/blog/generated-020/";
    let mut viewer = Events::viewing(server.addr, open);
    let good = generation(&viewer.current());
    let before: Vec<(&str, Vec<u8>)> = ["blog/generated-020/", "blog/generated-021/"]
        .into_iter()
        .map(|path| (path, server.get(&format!("/{path}")).bytes))
        .collect();
    // The open page changes (so it is reloaded early), then the link check fails.
    site.post(
        "generated-020",
        &generated_front(20, "Broken link"),
        "See [nothing](/blog/no-such-post/).",
    );
    let failed = viewer.wait_for(Duration::from_secs(60), |s| {
        !s["errors"].as_array().unwrap().is_empty()
    });
    assert!(failed.to_string().contains("no-such-post"), "{failed}");
    let lines = lines_until(&server, "reloaded ahead", Duration::from_secs(10));
    assert!(!lines.is_empty());
    // Not a mix of the failed build's early page and the last good site: the last
    // good site, every page of it, under the errors.
    for (path, was) in &before {
        let now = server.get(&format!("/{path}"));
        assert_eq!(now.status, 200);
        assert!(!now.body.contains("Broken link"), "/{path}: {}", now.body);
        assert_eq!(
            without_live_script(&now.bytes),
            without_live_script(was),
            "/{path}"
        );
    }
    // Undone: the last good site again, told as its own generation, so that the page
    // shown early reloads to it and the others stay (no reload back and forth).
    site.post(
        "generated-020",
        &generated_front(20, "Generated 20"),
        &generated_body(20),
    );
    let undone = viewer.wait_for(Duration::from_secs(60), |s| {
        s["errors"].as_array().unwrap().is_empty()
    });
    assert_eq!(generation(&undone), good, "{undone}");
    let page = server.get(open);
    assert!(page.body.contains(&format!("data-generation=\"{good}\"")));
    // Mended: a new generation past the one the early page was shown as.
    site.post("generated-020", &generated_front(20, "Mended"), "Words.");
    let mended = viewer.next_good(generation(&failed));
    assert!(generation(&mended) > good + 1, "{mended}");
    assert!(server.get(open).body.contains("Mended"));
}
