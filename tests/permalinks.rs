//! Permalink patterns (`[permalinks]`), a document's own `permalink`/`url`/`path`, and
//! `[redirects]`: every page, list, feed and sitemap follows them.

mod common;

use common::TestSite;

#[test]
fn posts_and_tags_follow_their_patterns_everywhere() {
    let site = TestSite::fixture("permalinks");
    let run = site.build(&[]);
    run.assert_ok();
    // No broken links: the link check finds pages written as .html files.
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    // The day is the date's own, not UTC's (23:30 at -05:00 is the 3rd in UTC).
    let first = site.read("public/2024/01/02/first.html");
    assert!(first.contains("<h1"), "{first}");
    assert!(site.exists("public/2024/02/03/second.html"));
    assert!(!site.exists("public/blog/first/index.html"));
    // A bundle's files sit in the folder its page is in, where `./dot.png` points.
    assert!(site.exists("public/2024/03/04/bundle.html"));
    assert!(site.exists("public/2024/03/04/dot.png"));
    // The images stage finds it there too, from the page's folder (not from
    // `bundle.html/`): it is sized, and it makes the post's social card.
    let bundled = site.read("public/2024/03/04/bundle.html");
    assert!(
        bundled.contains(r#"<img src="./dot.png" alt="a dot" width="1" height="1""#),
        "{bundled}"
    );
    assert!(
        bundled.contains(r#"property="og:image" content="https://example.org/resized/dot-"#),
        "{bundled}"
    );
    // A post's own `permalink`, a page's own `url`.
    assert!(site.exists("public/special/own/index.html"));
    assert!(site.exists("public/about-me/index.html"));
    // Tags: the pattern's folder holds the tag pages and the tag index.
    let tag = site.read("public/topics/rust/index.html");
    assert!(
        tag.contains("https://example.org/2024/02/03/second.html")
            || tag.contains("/2024/02/03/second.html"),
        "{tag}"
    );
    assert!(site.exists("public/topics/index.html"));
    assert!(site.exists("public/topics/rust/rss.xml"));
    assert!(!site.exists("public/tags/index.html"));
    // Lists, the post's tag links, feeds and the sitemap use the new URLs.
    let list = site.read("public/blog/index.html");
    assert!(list.contains("/2024/01/02/first.html\""), "{list}");
    assert!(first.contains("/topics/rust/\""), "{first}");
    let rss = site.read("public/rss.xml");
    assert!(
        rss.contains("<link>https://example.org/2024/01/02/first.html</link>"),
        "{rss}"
    );
    let sitemap = site.read("public/sitemap.xml");
    for url in [
        "https://example.org/2024/01/02/first.html",
        "https://example.org/special/own/",
        "https://example.org/topics/rust/",
        "https://example.org/topics/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} in {sitemap}"
        );
    }
    // [redirects]: each old URL a page with a refresh, a canonical link and a visible link.
    let moved = site.read("public/old-about.html");
    assert!(
        moved.contains("http-equiv=\"refresh\" content=\"0; url=https://example.org/about-me/\""),
        "{moved}"
    );
    assert!(moved.contains("rel=\"canonical\" href=\"https://example.org/about-me/\""));
    assert!(moved.contains("<a href=\"https://example.org/about-me/\">"));
    assert!(site
        .read("public/feed/index.html")
        .contains("url=https://example.org/rss.xml"));
    assert!(site
        .read("public/elsewhere/index.html")
        .contains("url=https://other.example.net/"));
}

#[test]
fn two_posts_on_one_dated_url_are_both_named() {
    let site = TestSite::empty();
    site.write(
        "inkpress.toml",
        "[permalinks]\nposts = \"/{year}/{month}/{day}/{slug}.html\"\n",
    );
    site.post("a", "title: A\ndate: 2024-01-01\nslug: same", "x");
    site.write(
        "content/blog/nested/same.md",
        "---\ntitle: B\ndate: 2024-01-01T12:00:00Z\nslug: same\n---\nx\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/blog/a.md")
            && run.stderr.contains("content/blog/nested/same.md")
            && run
                .stderr
                .contains("both want the URL /2024/01/01/same.html"),
        "{}",
        run.stderr
    );
}

#[test]
fn bundles_sharing_a_dated_folder_may_not_share_a_file() {
    // With a `.html` pattern the posts of one day share a folder, and so do their
    // bundles' files: two `notes.txt` would be one file, a `c.html` another post's page.
    let site = TestSite::empty();
    site.write(
        "inkpress.toml",
        "[permalinks]\nposts = \"/{year}/{month}/{day}/{slug}.html\"\n",
    );
    for bundle in ["a", "b"] {
        site.write(
            &format!("content/blog/{bundle}/index.md"),
            &format!("---\ntitle: {bundle}\ndate: 2024-01-01\n---\n[notes](./notes.txt)\n"),
        );
        site.write(&format!("content/blog/{bundle}/notes.txt"), bundle);
    }
    site.write("content/blog/b/c.html", "<p>b's own page</p>");
    site.post("c", "title: C\ndate: 2024-01-01", "x");
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    for (file, other, url) in [
        (
            "content/blog/b/notes.txt",
            "content/blog/a/notes.txt",
            "2024/01/01/notes.txt",
        ),
        (
            "content/blog/b/c.html",
            "a page of content/blog/c.md",
            "2024/01/01/c.html",
        ),
    ] {
        let said = format!("{file}: this file and {other}");
        assert!(
            run.stderr.contains(&said) && run.stderr.contains(&format!("published at /{url}")),
            "{said}: {}",
            run.stderr
        );
    }
    // Each in a day of its own, nothing is shared.
    site.write(
        "content/blog/b/index.md",
        "---\ntitle: b\ndate: 2024-01-02\n---\n[notes](./notes.txt)\n",
    );
    site.build(&[]).assert_ok();
    assert_eq!(site.read("public/2024/01/01/notes.txt"), "a");
    assert_eq!(site.read("public/2024/01/02/notes.txt"), "b");
}

#[test]
fn a_redirect_over_a_post_and_bad_patterns_are_errors() {
    let site = TestSite::empty();
    site.post("a", "title: A\ndate: 2024-01-01", "x");
    site.write(
        "inkpress.toml",
        "[redirects]\n\"/blog/a/\" = \"/elsewhere/\"\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("content/blog/a.md")
            && run
                .stderr
                .contains("[redirects] in inkpress.toml sends elsewhere"),
        "{}",
        run.stderr
    );

    for (config, says) in [
        ("[permalinks]\nposts = \"/{year}/\"\n", "needs {slug}"),
        (
            "[permalinks]\nposts = \"/{title}/\"\n",
            "unknown placeholder {title}",
        ),
        (
            "[permalinks]\ntags = \"/{slug}/\"\n",
            "must be a folder then {slug}",
        ),
        (
            "[permalinks]\npost = \"/{slug}/\"\n",
            "unknown field `post`",
        ),
        (
            "[redirects]\n\"/a/\" = \"b/\"\n",
            "must start with / or http(s)://",
        ),
    ] {
        site.write("inkpress.toml", config);
        let run = site.build(&[]);
        assert_eq!(run.status, 1, "{config}");
        assert!(
            run.stderr.contains("inkpress.toml") && run.stderr.contains(says),
            "{config}: {}",
            run.stderr
        );
    }
}

#[test]
fn hugo_zola_and_jekyll_front_matter_is_read() {
    let site = TestSite::empty();
    site.write(
        "content/blog/zola.md",
        "+++\ntitle = \"Z\"\ndate = 2024-01-01\nupdated = 2024-02-01\ndescription = \"From Zola.\"\n\n[taxonomies]\ntags = [\"rust\"]\ncategories = [\"notes\"]\n\n[extra]\nmood = \"calm\"\n+++\nx\n",
    );
    site.write(
        "content/blog/2019-05-04-jekyll.md",
        "---\ntitle: J\ncategories: linux tips\n---\nx\n",
    );
    site.post(
        "later",
        "title: L\ndate: 2024-01-01\npublishDate: 2999-01-01",
        "x",
    );
    site.post(
        "gone",
        "title: G\ndate: 2024-01-01\nexpiryDate: 2020-01-01",
        "x",
    );
    site.write(
        "templates/post.html",
        "{{ post.title }}|{{ post.extra.mood | default(value='') }}|{% for t in post.tags %}{{ t.name }},{% endfor %}|{{ post.lastmod | default(value=post.date) | date(format='%Y-%m-%d') }}|{{ post.summary }}",
    );
    site.build(&[]).assert_ok();
    let zola = site.read("public/blog/zola/index.html");
    assert_eq!(zola, "Z|calm|rust,notes,|2024-02-01|From Zola.");
    let jekyll = site.read("public/blog/jekyll/index.html");
    assert!(jekyll.starts_with("J||linux,tips,|2019-05-04|"), "{jekyll}");
    // Not yet published and expired posts are left out, as Hugo leaves them out.
    assert!(!site.exists("public/blog/later/index.html"));
    assert!(!site.exists("public/blog/gone/index.html"));
    assert!(site.build(&["--drafts"]).status == 0);
    assert!(site.exists("public/blog/later/index.html"));
}
