//! `inkpress check` and the link check in `build`, on `tests/fixtures/links`: every kind
//! of broken internal link, each reported at its place in the Markdown source.

mod common;

use common::TestSite;

/// `path:line:col: message` of every error line, in the order reported.
fn reported(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| {
            l.strip_prefix("error: ")
                .or_else(|| l.strip_prefix("warning: "))
        })
        .map(|l| l.split(" (hint:").next().unwrap().to_owned())
        .collect()
}

const BROKEN: &[&str] = &[
    "content/about.md:6:1: `contact/` points at /about/contact/, which the site does not have",
    "content/blog/broken.md:5:3: `/blog/no-such-post/` points at /blog/no-such-post/, which the site does not have",
    "content/blog/broken.md:5:45: `/blog/targte/` points at /blog/targte/, which the site does not have",
    "content/blog/broken.md:7:3: `../target/#second-headin`: /blog/target/ has no element with id `second-headin`",
    "content/blog/broken.md:7:48: `#nowhere`: /blog/broken/ has no element with id `nowhere`",
    "content/blog/broken.md:8:5: `/blog/secret/` links to a draft (content/blog/secret.md)",
    "content/blog/broken.md:10:11: `/static/images/missing.png` points at /images/missing.png, which the site does not have",
    "content/blog/broken.md:10:69: `/images/gone.png` points at /images/gone.png, which the site does not have",
];

#[test]
fn check_reports_every_broken_internal_link_at_its_place_sorted_by_file() {
    let site = TestSite::fixture("links");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    // It says what it found, not that a build failed.
    assert!(
        run.stderr
            .trim_end()
            .ends_with("check found 8 problems (nothing written)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean /blog/target/?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean #second-heading?"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("public"));

    // The same links, fixed, pass; the draft's own broken link is not checked while it
    // is a draft.
    site.write(
        "content/blog/broken.md",
        "---\ntitle: Fixed\ndate: 2025-01-01\n---\n[Target](/blog/target/#second-heading), [top](#top-heading).\n\n## Top heading\n",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n<h2 id=\"team\">Team</h2>\n",
    );
    let run = site.run(&["check"]);
    run.assert_ok();
    // Built with --drafts, the draft is checked too.
    let run = site.run(&["check", "--drafts"]);
    assert_eq!(
        reported(&run.stderr),
        ["content/blog/secret.md:6:25: `/blog/secret-too/` points at /blog/secret-too/, which the site does not have"],
        "{}",
        run.stderr
    );
}

#[test]
fn build_warns_about_broken_links_and_fails_on_them_when_told_leaving_the_output_alone() {
    let site = TestSite::fixture("links");
    let config = site.read("inkpress.toml");
    // Warnings by default: the site is built, every problem named.
    site.write("inkpress.toml", &config.replace("links = \"error\"", ""));
    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    assert!(site.exists("public/blog/broken/index.html"));
    let before: Vec<(String, String)> = site
        .files("public")
        .into_iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read_to_string(site.path().join("public").join(&f)).unwrap_or_default(),
            )
        })
        .collect();

    // `links = "error"`: the build fails and the last good output stays as it was.
    site.write("inkpress.toml", &config);
    site.write(
        "content/blog/new.md",
        "---\ntitle: New\ndate: 2025-04-01\n---\nNew.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    let after: Vec<(String, String)> = site
        .files("public")
        .into_iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read_to_string(site.path().join("public").join(&f)).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn fragments_are_checked_in_static_html_and_never_through_a_redirect() {
    let site = TestSite::fixture("links");
    site.remove("content/blog/broken.md");
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n<h2 id=\"team\">Team</h2>\n",
    );
    site.write(
        "static/slides/talk.html",
        "<!doctype html><title>Talk</title><section id=\"intro\">Hi</section>\n",
    );
    site.write(
        "content/blog/target.md",
        "---\ntitle: Target\ndate: 2025-02-01\naliases: [/old/target/]\n---\n## Second heading\n\nText.\n",
    );
    site.write(
        "content/blog/links.md",
        "---\ntitle: Links\ndate: 2025-03-01\n---\n[slides](/slides/talk.html#intro), [typo](/slides/talk.html#intr).\n\n[old](/old/target/#second-heading) and [older](/old/target/#third).\n\n[old, whole](/old/target/) and [list](/blog/page/1/).\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        reported(&run.stderr),
        [
            "content/blog/links.md:5:36: `/slides/talk.html#intr`: /slides/talk.html has no element with id `intr`",
            "content/blog/links.md:7:1: `/old/target/#second-heading`: /old/target/ is a redirect to /blog/target/, which drops `#second-heading`",
            "content/blog/links.md:7:40: `/old/target/#third`: /old/target/ is a redirect to /blog/target/, which drops `#third`",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean #intro?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: link to /blog/target/#second-heading"),
        "{}",
        run.stderr
    );
}

/// A web server on 127.0.0.1 for `check --external`: `/ok` (200), `/gone` (404),
/// `/moved` and `/moved-gone` (301 to those), `/busy` (503) and `/hang` (never answers).
/// It notes every path asked, and stops when dropped (or after a minute).
struct LinkServer {
    port: u16,
    asked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LinkServer {
    fn start() -> LinkServer {
        use std::sync::atomic::Ordering;
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let port = server.server_addr().to_ip().unwrap().port();
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (asked_too, stop_too) = (asked.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut never_answered = Vec::new();
            let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !stop_too.load(Ordering::Relaxed) && std::time::Instant::now() < until {
                let Ok(Some(request)) = server.recv_timeout(std::time::Duration::from_millis(50))
                else {
                    continue;
                };
                let path = request.url().to_owned();
                asked_too.lock().unwrap().push(path.clone());
                let moved = |to: &str| {
                    tiny_http::Response::empty(301).with_header(
                        tiny_http::Header::from_bytes("Location", to.as_bytes()).unwrap(),
                    )
                };
                let _ = match path.as_str() {
                    "/ok" => request.respond(tiny_http::Response::from_string("fine")),
                    "/moved" => request.respond(moved("/ok")),
                    "/moved-gone" => request.respond(moved("/gone")),
                    "/busy" => request.respond(tiny_http::Response::empty(503)),
                    "/hang" => {
                        never_answered.push(request);
                        Ok(())
                    }
                    _ => request.respond(tiny_http::Response::empty(404)),
                };
            }
        });
        LinkServer {
            port,
            asked,
            stop,
            thread: Some(thread),
        }
    }

    fn times_asked(&self, path: &str) -> usize {
        self.asked
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
}

impl Drop for LinkServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn check_external_asks_each_link_once_retries_what_may_pass_and_remembers_good_answers() {
    let server = LinkServer::start();
    let site = TestSite::empty();
    site.write(
        "inkpress.toml",
        "[check]\nexternal_timeout = 1\nexternal_skip = [\"skipped.example\", \"http://127.0.0.1:1/\"]\n",
    );
    let at = |path: &str| format!("http://127.0.0.1:{}{path}", server.port);
    site.post(
        "links",
        "title: Links\ndate: 2025-01-01",
        &format!(
            "[ok]({}) [again]({}) [moved]({})\n\n[gone]({}) [moved gone]({})\n\n[busy]({}) [hang]({})\n\n[skipped](https://skipped.example/x) [skipped too](http://127.0.0.1:1/x)",
            at("/ok"), at("/ok"), at("/moved"), at("/gone"), at("/moved-gone"), at("/busy"), at("/hang")
        ),
    );
    // Without --external nothing is asked.
    site.run(&["check"]).assert_ok();
    assert!(server.asked.lock().unwrap().is_empty());

    let run = site.run(&["check", "--external"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let gone = at("/gone");
    let moved_gone = at("/moved-gone");
    let busy = at("/busy");
    let hang = at("/hang");
    assert_eq!(
        reported(&run.stderr),
        [
            format!("content/blog/links.md:7:1: `{gone}` answered 404"),
            format!(
                "content/blog/links.md:7:{}: `{moved_gone}` answered 404",
                gone.len() + 10
            ),
            format!("content/blog/links.md:9:1: `{busy}` answered 503"),
            format!(
                "content/blog/links.md:9:{}: `{hang}` did not answer: no answer in time (3 tries)",
                busy.len() + 10
            ),
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("check found 4 problems"),
        "{}",
        run.stderr
    );
    // Each URL once, however often it is linked; what may pass is tried three times.
    assert_eq!(server.times_asked("/moved"), 1);
    assert_eq!(
        server.times_asked("/ok"),
        2,
        "once itself, once through /moved"
    );
    assert_eq!(
        server.times_asked("/gone"),
        2,
        "itself, and through /moved-gone"
    );
    assert_eq!(server.times_asked("/busy"), 3);
    assert_eq!(server.times_asked("/hang"), 3);
    assert!(site.exists(".inkpress-cache/external-links.json"));

    // A second run asks again only what failed: the good answers hold for a day.
    let run = site.run(&["check", "--external"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(server.times_asked("/moved"), 1);
    assert_eq!(server.times_asked("/ok"), 2);
    assert_eq!(server.times_asked("/gone"), 4);
    // Fixed, it passes.
    site.post(
        "links",
        "title: Links\ndate: 2025-01-01",
        &format!("[ok]({}) [moved]({})", at("/ok"), at("/moved")),
    );
    site.run(&["check", "--external"]).assert_ok();
    assert_eq!(server.times_asked("/ok"), 2);
}

/// The images of `tests/fixtures/alt-text` that give a reader who cannot see them nothing
/// to read; every other image there has alt text, or `alt=""` by choice, or a label.
const WITHOUT_ALT: &[&str] = &[
    "content/blog/gallery.md:5:58: image `/images/pixel.png` has no alt text",
    "content/blog/gallery.md:7:8: image `/images/pixel.png` has no alt text",
    "content/blog/gallery.md:9:139: <img> `/images/pixel.png` has no alt attribute",
    "content/blog/gallery.md:14:8: <img> `/images/pixel.png` has no alt attribute",
    "content/blog/gallery.md:26:15: image `/images/pixel.png` has no alt text",
];

#[test]
fn images_without_alt_text_are_warnings_in_check_and_build_and_decorative_ones_are_not() {
    let site = TestSite::fixture("alt-text");
    let run = site.run(&["check"]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr), WITHOUT_ALT, "{}", run.stderr);
    assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "help: say what it shows between the brackets: ![what it shows](/images/pixel.png); \
             if it is only decoration, write <img src=\"/images/pixel.png\" alt=\"\">"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("5 | Described: ![A red pixel]"),
        "check shows the line: {}",
        run.stderr
    );

    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr), WITHOUT_ALT, "{}", run.stderr);
    let page = site.read("public/blog/gallery/index.html");
    assert!(
        page.contains("<img src=\"/images/pixel.png\" alt=\"\" width=\"2\""),
        "{page}"
    );

    // Described, every one of them: nothing to say.
    let fixed = site
        .read("content/blog/gallery.md")
        .replace("![]", "![A pixel]")
        .replace("![  ]", "![A pixel]")
        .replace("title=\"\"", "alt=\"A pixel\"")
        .replace("class=\"wide\"", "class=\"wide\" alt=\"A wide pixel\"");
    site.write("content/blog/gallery.md", &fixed);
    let run = site.run(&["check"]);
    run.assert_ok();
    assert_eq!(
        reported(&run.stderr),
        Vec::<String>::new(),
        "{}",
        run.stderr
    );
}

#[test]
fn build_names_the_first_images_without_alt_text_and_counts_the_rest() {
    let site = TestSite::fixture("alt-text");
    site.remove("content/blog/gallery.md");
    for i in 0..12 {
        site.write(
            &format!("content/blog/p{i:02}.md"),
            &format!(
                "---\ntitle: P{i}\ndate: 2025-01-{:02}\n---\n![](/images/pixel.png)\n",
                i + 1
            ),
        );
    }
    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr).len(), 11, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: … and 2 more images without alt text: `inkpress check` lists them all"
        ),
        "{}",
        run.stderr
    );
    let run = site.run(&["check"]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr).len(), 12, "{}", run.stderr);
}

#[test]
fn front_matter_urls_are_checked_as_body_links_are_at_their_line() {
    // Under a base path (`/sub/`), as the fixture has it.
    let site = TestSite::fixture("projects");
    let projects = site
        .read("content/projects.md")
        .replace("image: /images/beta.svg", "image: /images/beat.svg")
        .replace("url: /beta/", "url: /beta/#team");
    site.write("content/projects.md", &projects);
    site.write(
        "content/authors/ann.md",
        "---\nname: Ann\navatar: /static/images/ann.png\nlinks:\n  - {name: Home, url: /projects/}\n  - {name: Old, url: /old/}\n---\nAnn.\n",
    );
    site.write(
        "content/blog/post.md",
        "---\ntitle: Post\ndate: 2025-01-01\nauthors: [ann]\nimages:\n  - /images/alpha.svg\n  - cover.png\ncanonicalUrl: https://example.com/sub/blog/first/\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        reported(&run.stderr),
        [
            "content/authors/ann.md:3:9: `/static/images/ann.png` (front matter `avatar`) points at /images/ann.png, which the site does not have",
            "content/authors/ann.md:6:22: `/old/` (front matter `links`) points at /old/, which the site does not have",
            "content/blog/post.md:7:5: `cover.png` (front matter `images`) points at /blog/post/cover.png, which the site does not have",
            "content/blog/post.md:8:15: `https://example.com/sub/blog/first/` (front matter `canonicalUrl`) points at /blog/first/, which the site does not have",
            "content/projects.md:10:12: `/images/beat.svg` (front matter `projects`) points at /images/beat.svg, which the site does not have",
            "content/projects.md:11:10: `/beta/#team` (front matter `projects`): /beta/ has no element with id `team`",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean /images/beta.svg?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("3 | avatar: /static/images/ann.png"),
        "the front matter line is shown: {}",
        run.stderr
    );

    // `build` warns about the same, and writes the site.
    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr).len(), 6, "{}", run.stderr);
}

#[test]
fn check_external_asks_front_matter_urls_too() {
    let server = LinkServer::start();
    let site = TestSite::empty();
    site.write("inkpress.toml", "[check]\nexternal_timeout = 1\n");
    let at = |path: &str| format!("http://127.0.0.1:{}{path}", server.port);
    site.post(
        "post",
        &format!(
            "title: Post\ndate: 2025-01-01\nimages: ['{}']\ncanonicalUrl: {}",
            at("/gone"),
            at("/ok")
        ),
        "Body.",
    );
    let run = site.run(&["check", "--external"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(
        reported(&run.stderr),
        [format!(
            "content/blog/post.md:4:11: `{}` answered 404",
            at("/gone")
        )],
        "{}",
        run.stderr
    );
    assert_eq!(server.times_asked("/ok"), 1);
}

/// MDX and other generators' shortcodes are rewritten to Markdown before the link check
/// and the alt-text and formula checks read it: what they find is still reported where
/// it is written, after a JSX block, an `import` or a shortcode over several lines, and
/// on the line of a tag the rewrite made longer or shorter.
#[test]
fn places_found_in_rewritten_mdx_and_shortcodes_are_where_they_are_written() {
    let site = TestSite::fixture("rewritten-places");
    // Broken links as warnings (the fixture makes them errors for serve's sake), so that
    // the build goes on to the formulas and images too.
    let config = site.read("inkpress.toml");
    site.write("inkpress.toml", config.split("[check]").next().unwrap());
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let missing = |at: &str, url: &str| {
        format!("{at}: `{url}` points at {url}, which the site does not have")
    };
    let mdx = "content/blog/mdx-places.mdx";
    let shortcodes = "content/blog/shortcode-places.md";
    let formula = |at: &str, latex: &str| {
        format!("{at}: the formula `{latex}` cannot be written as MathML (Unknown command \"\\nosuchcommand\".): its source is shown as code")
    };
    let unknown = |at: &str, name: &str| {
        format!("{mdx}:{at}: <{name}> is a component inkpress does not know: its content is shown without it (remove it, or write the HTML it stands for)")
    };
    let expected = [
        unknown("21:1", "Badge"),
        unknown("26:1", "Callout"),
        formula(&format!("{mdx}:28:28"), "\\nosuchcommand{x}"),
        formula(&format!("{shortcodes}:28:26"), "\\nosuchcommand{y}"),
        format!("{mdx}:28:52: image `/img/sea.png` has no alt text"),
        format!("{shortcodes}:30:1: image `/img/sea.png` has no alt text"),
        missing(&format!("{mdx}:15:5"), "/blog/first-missing/"),
        missing(&format!("{mdx}:19:52"), "/blog/second-missing/"),
        missing(&format!("{mdx}:21:24"), "/blog/third-missing/"),
        missing(&format!("{mdx}:24:20"), "/blog/fourth-missing/"),
        missing(&format!("{shortcodes}:11:1"), "/blog/first-gone/"),
        missing(&format!("{shortcodes}:14:28"), "/blog/second-gone/"),
        missing(&format!("{shortcodes}:17:16"), "/blog/third-gone/"),
        missing(&format!("{shortcodes}:25:1"), "/blog/fourth-gone/"),
    ];
    assert_eq!(reported(&run.stderr), expected, "{}", run.stderr);
    // Each report shows its line of the file, which holds what it names.
    for (line, url) in [
        ("15", "first-missing"),
        ("19", "second-missing"),
        ("14", "second-gone"),
        ("25", "fourth-gone"),
    ] {
        assert!(
            run.stderr
                .lines()
                .any(|l| l.starts_with(&format!("{line} |")) && l.contains(url)),
            "line {line} with {url} not shown:\n{}",
            run.stderr
        );
    }
}
