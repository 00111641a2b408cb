//! Authors with pages of their own, a projects page of cards, and the reading aids of the
//! default theme (dates in the site's language, related posts, back to top, print).

mod common;

use common::browser::{Browser, Page};
use common::serve::Server;
use common::{count, TestSite};
use serde_json::Value;
use std::time::Duration;

fn visit(page: &mut Page, url: &str) {
    page.call("Page.navigate", serde_json::json!({ "url": url }));
    page.wait_until(
        &format!("location.href === '{url}' && document.readyState === 'complete'"),
        Duration::from_secs(15),
    );
}

#[test]
fn an_author_page_lists_their_posts_and_posts_link_the_authors_that_have_one() {
    let site = TestSite::fixture("authors");
    site.build(&[]).assert_ok();

    let jane = site.read("public/authors/jane/index.html");
    assert!(
        jane.contains("<h1 class=\"author-name\">Jane Doe</h1>"),
        "{jane}"
    );
    assert!(
        jane.contains("src=\"https://example.com/images/jane.svg\""),
        "{jane}"
    );
    assert!(jane.contains("<p class=\"author-bio\">Writes the Rust posts.</p>"));
    assert!(jane.contains("<a href=\"https://github.com/jane\" rel=\"me\">GitHub</a>"));
    assert!(jane.contains("<a href=\"https://jane.example\" rel=\"me\">Website</a>"));
    assert!(jane.contains("Jane has written here since the first post."));
    // Her posts, newest first; nobody else's.
    let three = jane.find("https://example.com/blog/three/").expect("three");
    let one = jane.find("https://example.com/blog/one/").expect("one");
    assert!(three < one);
    assert!(!jane.contains("blog/two/") && !jane.contains("blog/four/"));
    assert!(jane.contains("<time datetime=\"2024-03-01T00:00:00+00:00\">March 1, 2024</time>"));

    let sam = site.read("public/authors/sam-lee/index.html");
    assert!(sam.contains("<a href=\"https://mastodon.example/@sam\" rel=\"me\">Mastodon</a>"));
    assert!(!sam.contains("class=\"avatar\""), "no avatar, no image");

    // "Sam Lee" is the slug of sam-lee.md; "Plain Person" has no page and stays a name.
    let two = site.read("public/blog/two/index.html");
    assert!(two.contains(
        "<p class=\"byline\">By <a href=\"https://example.com/authors/sam-lee/\">Sam Lee</a>, Plain Person</p>"
    ), "{two}");
    assert_eq!(count(&two, "class=\"author-box\""), 1, "a box for Sam only");
    let three = site.read("public/blog/three/index.html");
    assert_eq!(count(&three, "class=\"author-box\""), 2);
    let four = site.read("public/blog/four/index.html");
    assert!(!four.contains("byline") && !four.contains("author-box"));

    // Feeds and JSON-LD name an author by their page's `name`, others as written.
    let feed = site.read("public/atom.xml");
    assert!(feed.contains("<name>Plain Person</name>"), "{feed}");
    assert!(feed.contains("<name>Jane Doe</name>") && !feed.contains("<name>jane</name>"));
    assert!(
        three.contains(
            r#""author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"Sam Lee"}]"#
        ),
        "{three}"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.com/authors/jane/</loc>"));
}

#[test]
fn broken_author_and_project_fields_are_all_reported_with_their_lines() {
    let site = TestSite::fixture("authors");
    site.build(&[]).assert_ok();
    let before = site.read("public/authors/jane/index.html");
    site.write(
        "content/authors/jane.md",
        "---\nname: Jane Doe\navatar: [a, b]\nlinks:\n  - name: GitHub\n---\nBio.\n",
    );
    site.write("content/authors/nobody.md", "---\nbio: Who?\n---\n");
    site.write(
        "content/projects.md",
        "---\ntitle: Projects\nprojects:\n  - description: no title\n  - title: B\n    colour: red\n---\n",
    );
    let run = site.build(&[]);
    assert_ne!(run.status, 0);
    let err = &run.stderr;
    for expected in [
        "content/authors/jane.md:3:9",
        "`avatar` must be text, found a list",
        "every link needs a `name` and a `url`",
        "content/authors/nobody.md",
        "the author's front matter has no `name`",
        "content/projects.md:3",
        "project 1 of `projects` has no `title`",
        "`colour` is not a field of `projects`",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(
        site.read("public/authors/jane/index.html"),
        before,
        "the last output stays"
    );
}

#[test]
fn the_projects_page_renders_its_front_matter_as_cards() {
    let site = TestSite::fixture("projects");
    site.build(&[]).assert_ok();
    let html = site.read("public/projects/index.html");
    assert_eq!(count(&html, "<li class=\"project\">"), 3, "{html}");
    // Site paths get the base URL's path; full URLs stay as they are.
    assert!(html.contains("src=\"https://example.com/sub/images/alpha.svg\""));
    assert!(html.contains("src=\"https://example.com/sub/images/beta.svg\""));
    assert!(html.contains("<h2><a href=\"https://alpha.example\">Alpha</a></h2>"));
    assert!(html.contains("<h2><a href=\"https://example.com/sub/beta/\">Beta</a></h2>"));
    assert!(
        html.contains("<h2>Gamma</h2>"),
        "a project without a URL is a card too"
    );
    // A page without projects has no card list.
    assert!(!site
        .read("public/beta/index.html")
        .contains("class=\"projects\""));
}

#[test]
fn an_authors_links_keep_working_under_a_base_path() {
    let site = TestSite::fixture("projects");
    site.write(
        "content/authors/ann.md",
        "---\nname: Ann\nlinks:\n  - {name: Projects, url: /projects/}\n  - {name: Mail, url: 'mailto:ann@example.com'}\n  - {name: Site, url: 'https://ann.example'}\n---\nAnn.\n",
    );
    site.build(&[]).assert_ok();
    let html = site.read("public/authors/ann/index.html");
    assert!(
        html.contains(
            "<li><a href=\"https://example.com/sub/projects/\" rel=\"me\">Projects</a></li>\
             <li><a href=\"mailto:ann@example.com\" rel=\"me\">Mail</a></li>\
             <li><a href=\"https://ann.example\" rel=\"me\">Site</a></li>"
        ),
        "{html}"
    );
}

#[test]
fn dates_are_written_in_the_sites_language() {
    let site = TestSite::fixture("authors");
    site.write("inkpress.toml", "title = \"A\"\nlanguage = \"fr\"\n");
    site.build(&[]).assert_ok();
    let one = site.read("public/blog/one/index.html");
    assert!(one.contains(">1 janvier 2024</time>"), "{one}");
    site.write(
        "inkpress.toml",
        "title = \"A\"\nlanguage = \"de-DE\"\ndate_format = \"%-d. %B %Y\"\n",
    );
    site.build(&[]).assert_ok();
    assert!(site
        .read("public/blog/one/index.html")
        .contains(">1. Januar 2024</time>"));
    site.write("inkpress.toml", "title = \"A\"\ndate_format = \"%Q\"\n");
    let run = site.build(&[]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr
            .contains("date_format = \"%Q\" is not a date format"),
        "{}",
        run.stderr
    );
}

#[test]
fn author_and_project_pages_render_in_the_browser() {
    let site = TestSite::fixture("authors");
    common::copy_tree(
        &common::fixture_dir("projects").join("content"),
        &site.path().join("content"),
    );
    common::copy_tree(
        &common::fixture_dir("projects").join("static"),
        &site.path().join("static"),
    );
    let server = Server::start(&site, &[]);
    for width in [390, 1280] {
        let size = format!("--window-size={width},900");
        let browser = Browser::open_with(&server.url, &[size.as_str()]);
        let mut page = browser.page(&server.url);
        let metrics = serde_json::json!({
            "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600
        });
        page.call("Emulation.setDeviceMetricsOverride", metrics);

        // The author's page: the picture loaded, beside the name, at its set size.
        visit(&mut page, &format!("{}authors/jane/", server.url));
        page.wait_until(
            "document.querySelector('.avatar').complete",
            Duration::from_secs(5),
        );
        let card = page.eval(
            "(function () { var a = document.querySelector('.avatar').getBoundingClientRect(); \
             var n = document.querySelector('.author-name').getBoundingClientRect(); \
             return [document.querySelector('.avatar').naturalWidth > 0, Math.round(a.width), \
             a.right <= n.left, document.querySelectorAll('.author-posts li').length]; })()",
        );
        assert_eq!(card, serde_json::json!([true, 64, true, 2]), "at {width}px");

        // A post: the byline links the author's page, and the box follows the text.
        visit(&mut page, &format!("{}blog/three/", server.url));
        let boxes = page.eval(
            "Array.from(document.querySelectorAll('.author-box .author-name a')).map(a => a.textContent)",
        );
        assert_eq!(boxes, serde_json::json!(["Jane Doe", "Sam Lee"]));
        page.eval("document.querySelector('.byline a').click(); true");
        page.wait_until(
            "location.pathname === '/authors/jane/' && document.readyState === 'complete'",
            Duration::from_secs(5),
        );

        // Projects: cards in two columns on a desktop, one on a phone; pictures at 2:1.
        visit(&mut page, &format!("{}projects/", server.url));
        page.wait_until(
            "Array.from(document.querySelectorAll('.project img')).every(i => i.complete && i.naturalWidth > 0)",
            Duration::from_secs(5),
        );
        let cards = page.eval(
            "Array.from(document.querySelectorAll('.project')).map(function (c) { \
             var r = c.getBoundingClientRect(); var img = c.querySelector('img'); \
             return [Math.round(r.left), Math.round(r.top), img ? Math.round(img.getBoundingClientRect().width / img.getBoundingClientRect().height) : 0]; })",
        );
        let cards = cards.as_array().unwrap();
        assert_eq!(cards.len(), 3);
        let (first, second) = (&cards[0], &cards[1]);
        if width > 1000 {
            assert_eq!(first[1], second[1], "two cards side by side: {cards:?}");
            assert!(first[0].as_i64() < second[0].as_i64());
        } else {
            assert_eq!(first[0], second[0], "one column: {cards:?}");
        }
        assert_eq!(
            (&first[2], &second[2], &cards[2][2]),
            (&Value::from(2), &Value::from(2), &Value::from(0))
        );
        let overflow = page
            .eval("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assert_eq!(
            overflow,
            Value::from(0),
            "projects scroll sideways at {width}px"
        );
    }
}

#[test]
fn a_post_offers_related_posts_a_way_back_to_the_top_and_prints_without_the_chrome() {
    let site = TestSite::fixture("related");
    // The default theme: the fixture's own post.html only lists `related`.
    site.remove("templates/post.html");
    site.write("inkpress.toml", "title = \"Related\"\nrelated_posts = 3\n");
    for n in 0..5 {
        site.post(
            &format!("extra-{n}"),
            &format!("title: Extra {n}\ndate: 2023-01-0{}\ntags: [shared]", n + 1),
            "Words.",
        );
    }
    let server = Server::start(&site, &[]);
    let browser = Browser::open_with(&server.url, &["--window-size=1280,700"]);
    let mut page = browser.page(&server.url);
    visit(&mut page, &format!("{}blog/alpha/", server.url));
    let related = page.eval("document.querySelectorAll('.related li').length");
    assert_eq!(related, Value::from(3), "the top three related posts");

    page.eval("window.scrollTo(0, document.body.scrollHeight); true");
    page.wait_until("window.scrollY > 0", Duration::from_secs(5));
    page.eval("document.querySelector('.back-to-top').click(); true");
    page.wait_until("window.scrollY === 0", Duration::from_secs(5));

    page.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    );
    let hidden = page.eval(
        "['.site-nav', '.post-nav', '.post-end', '.related', '.site-footer'].map(s => \
         getComputedStyle(document.querySelector(s)).display)",
    );
    assert_eq!(
        hidden,
        serde_json::json!(["none", "none", "none", "none", "none"])
    );
    let text = page.eval("getComputedStyle(document.querySelector('.prose')).color");
    assert_eq!(text, Value::from("rgb(0, 0, 0)"), "black on white on paper");
}
