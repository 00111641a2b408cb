//! `inkpress build` on small fixture sites, one per feature, through the real binary.

mod common;

use common::{count, TestSite};

#[test]
fn url_scheme_pages_bundles_nested_and_static() {
    let site = TestSite::fixture("urls");
    let run = site.build(&[]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with("built 4 posts, 1 tag, "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("→ public/"),
        "{}",
        run.stdout
    );
    for page in [
        "public/index.html",
        "public/blog/index.html",
        "public/blog/plain-post/index.html",
        "public/blog/custom-slug/index.html",
        "public/blog/nested/deep-post/index.html",
        "public/blog/bundle/index.html",
        "public/about/index.html",
        "public/tags/index.html",
        "public/tags/a/index.html",
        "public/404.html",
        "public/css/inkpress.css",
        "public/css/syntax.css",
        "public/favicon.svg",
        "public/images/pixel.png",
        "public/.well-known/security.txt",
    ] {
        assert!(
            site.exists(page),
            "missing {page}; have {:#?}",
            site.files("public")
        );
    }
    assert!(
        !site.exists("public/blog/renamed/index.html"),
        "slug must replace the file stem"
    );
    assert!(
        !site.exists("public/blog/page/2/index.html"),
        "4 posts fit on one page"
    );

    let post = site.read("public/blog/plain-post/index.html");
    assert!(
        post.contains(r#"<img src="/images/pixel.png" alt="alt" />"#),
        "{post}"
    );
    assert!(
        post.contains(r#"<img src="/images/pixel.png" alt="raw">"#),
        "{post}"
    );
    assert!(
        post.contains(r#"<a href="/about/">link to about</a>"#),
        "{post}"
    );
    assert!(
        post.contains(r#"href="https://example.org/css/inkpress.css""#),
        "{post}"
    );

    let mdx = site.read("public/blog/nested/deep-post/index.html");
    assert!(mdx.contains("Hello from MDX."));
    assert!(
        !mdx.contains("import Chart"),
        "MDX import lines must not be rendered"
    );

    let about = site.read("public/about/index.html");
    assert!(about.contains("About text."));
    let blog = site.read("public/blog/index.html");
    assert!(!blog.contains("About me"), "pages are not posts");
}

#[test]
fn base_url_with_a_path_prefixes_every_link() {
    let site = TestSite::fixture("urls");
    site.build(&["--base-url", "https://user.github.io/repo"])
        .assert_ok();
    let post = site.read("public/blog/plain-post/index.html");
    assert!(post.contains(r#"src="/repo/images/pixel.png""#), "{post}");
    assert!(post.contains(r#"href="/repo/about/""#), "{post}");
    assert!(
        post.contains(r#"href="https://user.github.io/repo/css/inkpress.css""#),
        "{post}"
    );
    assert!(site
        .read("public/404.html")
        .contains("https://user.github.io/repo/css/inkpress.css"));
}

#[test]
fn drafts_are_left_out_everywhere_unless_asked_for() {
    let site = TestSite::fixture("drafts");
    let run = site.build(&[]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with("built 1 post, 1 tag,"),
        "{}",
        run.stdout
    );
    assert!(!site.exists("public/blog/secret/index.html"));
    assert!(!site.exists("public/tags/draft-only/index.html"));
    for page in [
        "public/index.html",
        "public/blog/index.html",
        "public/tags/index.html",
        "public/tags/shared/index.html",
    ] {
        assert!(
            !site.read(page).contains("Secret draft"),
            "draft leaked into {page}"
        );
    }
    assert!(site.read("public/tags/index.html").contains("(1)"));

    site.build(&["--drafts"]).assert_ok();
    assert!(site
        .read("public/blog/secret/index.html")
        .contains("Hidden."));
    assert!(site
        .read("public/tags/shared/index.html")
        .contains("Secret draft"));
    assert!(site.exists("public/tags/draft-only/index.html"));
}

#[test]
fn tags_merge_by_slug_with_the_most_used_spelling() {
    let site = TestSite::fixture("tags");
    let run = site.build(&[]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("warning: tags `TIL` (2), `til` (1) are one tag"),
        "{}",
        run.stderr
    );
    for tag in ["til", "distributed-systems", "c-plus-plus", "c"] {
        assert!(
            site.exists(&format!("public/tags/{tag}/index.html")),
            "missing tag page {tag}"
        );
    }
    let index = site.read("public/tags/index.html");
    assert!(
        index.contains(">TIL</a> <span class=\"count\">(3)</span>"),
        "{index}"
    );
    assert!(
        index.contains(">C++</a> <span class=\"count\">(1)</span>"),
        "{index}"
    );
    assert!(!index.contains(">til</a>"), "{index}");
    let til = site.read("public/tags/til/index.html");
    assert_eq!(count(&til, "class=\"post-item\""), 3, "{til}");
    // Newest first.
    let (three, one) = (til.find(">Three<").unwrap(), til.find(">One<").unwrap());
    assert!(three < one);
}

#[test]
fn summaries_from_all_three_sources() {
    let site = TestSite::fixture("summaries");
    site.build(&[]).assert_ok();
    let list = site.read("public/blog/index.html");
    assert!(list.contains("The summary field &lt;wins&gt;."), "{list}");
    assert!(!list.contains("First paragraph is not used."));
    assert!(
        list.contains("<p>Intro one.</p>\n<p>Intro two.</p>"),
        "{list}"
    );
    assert!(!list.contains("After the marker."));
    assert!(
        list.contains("<p>The <em>first</em> paragraph.</p>"),
        "{list}"
    );
    assert!(!list.contains("The second paragraph."));
    let post = site.read("public/blog/from-more-marker/index.html");
    assert!(post.contains("After the marker.") && post.contains("Intro one."));
    assert!(post.contains("1 min read"));
}

fn site_with_posts(n: usize) -> TestSite {
    let site = TestSite::empty();
    site.write("inkpress.toml", "posts_per_page = 3\nhome_posts = 2\n");
    for i in 0..n {
        site.post(
            &format!("p{i:02}"),
            &format!("title: Post {i:02}\ndate: 2024-01-{:02}\ntags: [t]", i + 1),
            "text",
        );
    }
    site
}

#[test]
fn pagination_edges() {
    // (posts, list pages expected)
    for (n, pages) in [(0, 1), (1, 1), (3, 1), (4, 2), (7, 3)] {
        let site = site_with_posts(n);
        site.build(&[]).assert_ok();
        assert!(site.exists("public/blog/index.html"), "{n} posts");
        for p in 2..=pages {
            assert!(
                site.exists(&format!("public/blog/page/{p}/index.html")),
                "{n} posts: page {p}"
            );
        }
        assert!(
            !site.exists(&format!("public/blog/page/{}/index.html", pages + 1)),
            "{n} posts: too many pages"
        );
        let first = site.read("public/blog/index.html");
        assert_eq!(
            count(&first, "class=\"post-item\""),
            n.min(3),
            "{n} posts on page 1"
        );
        if n == 0 {
            assert!(first.contains("No posts yet."));
        }
        if pages > 1 {
            assert!(
                first.contains("href=\"http://localhost:1111/blog/page/2/\""),
                "{first}"
            );
            let last = site.read(&format!("public/blog/page/{pages}/index.html"));
            assert_eq!(count(&last, "class=\"post-item\""), n - 3 * (pages - 1));
            assert!(last.contains("rel=\"prev\""));
            assert!(!last.contains("rel=\"next\""));
            assert!(site.exists("public/tags/t/page/2/index.html"));
        } else {
            assert!(
                !first.contains("class=\"pagination\""),
                "{n} posts need no pagination"
            );
        }
        let home = site.read("public/index.html");
        assert_eq!(
            count(&home, "class=\"post-item\""),
            n.min(2),
            "home shows home_posts"
        );
    }
}

#[test]
fn previous_and_next_links() {
    let site = site_with_posts(3);
    site.build(&[]).assert_ok();
    let middle = site.read("public/blog/p01/index.html");
    assert!(
        middle.contains("href=\"http://localhost:1111/blog/p00/\""),
        "older post: {middle}"
    );
    assert!(
        middle.contains("href=\"http://localhost:1111/blog/p02/\""),
        "newer post: {middle}"
    );
    let newest = site.read("public/blog/p02/index.html");
    assert!(!newest.contains("class=\"next\""));
}

#[test]
fn code_is_highlighted_and_unknown_languages_are_plain() {
    let site = TestSite::fixture("highlight");
    site.build(&[]).assert_ok();
    let post = site.read("public/blog/code/index.html");
    for lang in ["rust", "typescript", "toml", "dockerfile"] {
        let start = post
            .find(&format!("<code class=\"language-{lang}\">"))
            .unwrap_or_else(|| panic!("no {lang} block"));
        let block = &post[start..start + post[start..].find("</pre>").unwrap()];
        assert!(
            block.contains("<span class=\"hl-"),
            "{lang} not highlighted: {block}"
        );
    }
    assert!(
        post.contains(r#"<span class="hl-storage hl-modifier hl-rust">async</span>"#),
        "modern Rust"
    );
    assert!(
        post.contains(
            "<code class=\"language-nosuchlanguage\">&lt;script&gt;alert(1)&lt;/script&gt;"
        ),
        "{post}"
    );
    assert!(
        post.contains("<pre class=\"code\"><code>indented &lt;code&gt;"),
        "{post}"
    );
    let css = site.read("public/css/syntax.css");
    assert!(css.contains(".hl-") && css.contains("prefers-color-scheme: dark"));
}

#[test]
fn every_front_matter_format() {
    let site = TestSite::fixture("formats");
    let run = site.build(&[]);
    run.assert_ok();
    assert!(
        run.stdout.starts_with("built 4 posts, 1 tag"),
        "{}",
        run.stdout
    );
    for (slug, title, body) in [
        ("yaml", "YAML post", "yaml body"),
        ("toml", "TOML post", "toml body"),
        ("json", "JSON post", "json body"),
        ("bare-json", "Bare JSON post", "bare json body"),
    ] {
        let html = site.read(&format!("public/blog/{slug}/index.html"));
        assert!(
            html.contains(&format!("<h1 class=\"post-title\">{title}</h1>")),
            "{slug}: {html}"
        );
        assert!(html.contains(body), "{slug}");
    }
    assert_eq!(
        count(
            &site.read("public/tags/fmt/index.html"),
            "class=\"post-item\""
        ),
        4
    );
}

#[test]
fn broken_posts_are_all_reported_with_location_and_exit_1() {
    let site = TestSite::fixture("broken");
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let err = &run.stderr;
    assert!(
        err.contains(
            "content/blog/bad-yaml.md:4:7: invalid YAML front matter: this list is never closed"
        ),
        "{err}"
    );
    assert!(err.contains("invalid YAML front matter"), "{err}");
    assert!(
        err.contains("content/blog/no-title.md:1:1: the front matter has no `title`"),
        "{err}"
    );
    assert!(
        err.contains("content/blog/bad-date.md:3:7: `date` is not a date: `2024-13-45`"),
        "{err}"
    );
    assert!(
        err.contains("3 | date: 2024-13-45"),
        "source line shown: {err}"
    );
    assert!(err.contains("^"), "caret: {err}");
    assert!(err.contains("help: write dates as 2025-06-29"), "{err}");
    assert!(err.trim_end().ends_with("build failed: 3 errors"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    assert!(!site.exists("public"), "a failed build writes nothing");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::fixture("drafts");
    site.build(&[]).assert_ok();
    let before = site.snapshot("public");
    site.write(
        "content/blog/published.md",
        "---\ntitle: [unclosed\n---\nx\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        site.snapshot("public"),
        before,
        "output changed after a failed build"
    );

    // A successful build then removes what no longer exists.
    site.write(
        "content/blog/published.md",
        "---\ntitle: Renamed\ndate: 2024-01-01\nslug: new-name\n---\nx\n",
    );
    site.build(&[]).assert_ok();
    assert!(
        !site.exists("public/blog/published/index.html"),
        "stale page survived"
    );
    assert!(site.exists("public/blog/new-name/index.html"));
}

#[test]
fn site_templates_override_the_theme_one_by_one() {
    let site = TestSite::fixture("override");
    site.build(&[]).assert_ok();
    let post = site.read("public/blog/post/index.html");
    assert!(
        post.contains("<p class=\"custom\">CUSTOM Overridden mood=sunny</p>"),
        "{post}"
    );
    assert!(post.contains("<p>Body text.</p>"));
    // Templates the site does not override still come from the built-in theme.
    assert!(site
        .read("public/index.html")
        .contains("class=\"site-header\""));
}

#[test]
fn template_errors_name_the_template_and_line() {
    let site = TestSite::fixture("override");
    site.write("templates/post.html", "<p>ok</p>\n<p>{{ post.title </p>\n");
    site.write("templates/tags.html", "{% for x in %}\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("templates/post.html:2:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("templates/tags.html:1:"),
        "both broken templates reported: {}",
        run.stderr
    );

    site.write("templates/post.html", "{{ post.no_such_field.deeper }}\n");
    site.remove("templates/tags.html");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("templates/post.html"), "{}", run.stderr);
    assert!(run.stderr.contains("no_such_field"), "{}", run.stderr);
    assert_eq!(
        count(&run.stderr, "templates/post.html"),
        1,
        "reported once: {}",
        run.stderr
    );
}

/// A build killed half-way leaves its staging folder; the next build removes it, and
/// leaves alone the one of a build that is still running.
#[cfg(unix)]
#[test]
fn a_killed_build_s_staging_folder_is_removed_by_the_next() {
    let site = TestSite::fixture("tags");
    let mut gone = std::process::Command::new("true")
        .spawn()
        .expect("run true");
    gone.wait().unwrap();
    let dead = format!(".public.inkpress-new-{}", gone.id());
    let alive = format!(".public.inkpress-new-{}", std::process::id());
    for folder in [&dead, &alive] {
        site.write(&format!("{folder}/index.html"), "half a site");
    }
    site.build(&[]).assert_ok();
    assert!(!site.exists(&dead), "the killed build's folder is left");
    assert!(site.exists(&alive), "a running build's folder was taken");
}

#[test]
fn refuses_output_folders_it_must_not_replace() {
    let site = TestSite::fixture("drafts");
    site.write("docs/mine.txt", "keep me");
    for out in [".", "content", "docs"] {
        let run = site.build(&["-o", out]);
        assert_eq!(run.status, 1, "-o {out} must be refused");
        assert!(
            run.stderr.contains("refusing to write the site here"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(site.read("docs/mine.txt"), "keep me");
    assert!(site.exists("content/blog/published.md"));
    site.build(&["-o", "site-out"]).assert_ok();
    assert!(site.exists("site-out/blog/published/index.html"));
}

#[test]
fn config_errors_name_the_key_and_file() {
    let site = TestSite::fixture("drafts");
    site.write("inkpress.toml", "title = \"x\"\npost_per_page = 3\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("inkpress.toml:2:1: unknown field `post_per_page`"),
        "{}",
        run.stderr
    );
}

/// Output into a pipe the reader has closed (`inkpress build -v | head -1`) ends the
/// process quietly, as `cat` does, instead of a panic about a broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let site = TestSite::fixture("tags");
    let mut child = Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .args(["--root"])
        .arg(site.path())
        .args(["build", "-v", "-o"])
        .arg(site.path().join("public"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run inkpress");
    // The only read end of the pipe: closed before the first line is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for inkpress");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(libc_sigpipe()),
        "{:?}",
        out.status
    );
}

/// SIGPIPE's number on Linux and the BSDs.
#[cfg(unix)]
fn libc_sigpipe() -> i32 {
    13
}

#[test]
fn quiet_and_verbose() {
    let site = TestSite::fixture("drafts");
    let run = site.build(&["-q"]);
    run.assert_ok();
    assert_eq!(run.stdout, "");
    let run = site.build(&["-v"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("  blog/published/index.html\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn init_then_new_then_build() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_inkpress"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = run(&["init", "my-blog"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run(&["--root", "my-blog", "new", "My first post"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(dir
        .path()
        .join("my-blog/content/blog/my-first-post.md")
        .exists());
    let (code, _, err) = run(&["--root", "my-blog", "new", "My first post"]);
    assert_eq!(code, Some(1), "must not overwrite");
    assert!(err.contains("exists already"), "{err}");
    let (code, out, err) = run(&["--root", "my-blog", "build", "-o", "my-blog/public"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("built 2 posts"), "{out}");
    let html = std::fs::read_to_string(
        dir.path()
            .join("my-blog/public/blog/my-first-post/index.html"),
    )
    .unwrap();
    assert!(html.contains("My first post"));
    let (code, _, err) = run(&["init", "my-blog"]);
    assert_eq!(code, Some(1), "init must not clobber a site");
    assert!(err.contains("already a site here"), "{err}");
}

#[test]
fn the_example_site_builds_with_the_seed_post() {
    let root = env!("CARGO_MANIFEST_DIR");
    let seed = std::fs::read(format!(
        "{root}/../shared/seed/kubernetes-and-ros-are-surprisingly-similar.md"
    ));
    let ours = std::fs::read(format!(
        "{root}/content/blog/kubernetes-and-ros-are-surprisingly-similar.md"
    ))
    .unwrap();
    if let Ok(seed) = seed {
        assert_eq!(seed, ours, "content/blog must hold the seed post unchanged");
    }
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .args(["--root", root, "build", "-q", "-o"])
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    let post = std::fs::read_to_string(
        target.join("blog/kubernetes-and-ros-are-surprisingly-similar/index.html"),
    )
    .unwrap();
    assert!(
        post.contains("<h1 id=\"twins-fr\">Twins fr"),
        "seed headings get ids"
    );
    assert!(post.contains("href=\"https://example.com/tags/distributed-systems/\""));
    assert!(
        !target
            .join("blog/notes-on-ros2-launch-files/index.html")
            .exists(),
        "the example draft stays out"
    );
}

#[test]
fn two_posts_wanting_one_url_are_both_named() {
    let site = TestSite::empty();
    site.post("a", "title: A\ndate: 2024-01-01\nslug: same", "x");
    site.post("b", "title: B\ndate: 2024-01-02\nslug: same", "x");
    site.write("content/tags.md", "---\ntitle: Clash\n---\nx\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("content/blog/a.md") && run.stderr.contains("content/blog/b.md"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("both want the URL /blog/same/"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/tags.md: this page's URL /tags/ is one inkpress generates itself"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_template_extending_a_missing_parent_is_reported() {
    let site = TestSite::fixture("override");
    site.write("templates/post.html", "{% extends \"nope.html\" %}\n");
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("nope.html"), "{}", run.stderr);
}

#[test]
fn check_reports_without_writing() {
    let site = TestSite::fixture("broken");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("check found 3 problems (nothing written)"),
        "{}",
        run.stderr
    );
    site.remove("content/blog/bad-yaml.md");
    site.remove("content/blog/no-title.md");
    site.remove("content/blog/bad-date.md");
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(run.stdout.starts_with("ok: 1 post,"), "{}", run.stdout);
    assert!(!site.exists("public"));
}

/// The whole output tree of a small site, compared with `tests/snapshots/urls-output.txt`.
/// After an intended change, regenerate it with `INKPRESS_BLESS=1 cargo test --test build`.
#[test]
fn output_tree_snapshot() {
    let site = TestSite::fixture("urls");
    site.build(&[]).assert_ok();
    let mut files = site.files("public");
    files.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    let actual = files.join("\n") + "\n";
    let snapshot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/urls-output.txt");
    if std::env::var_os("INKPRESS_BLESS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap();
    assert_eq!(
        actual, expected,
        "output tree changed; if intended, rerun with INKPRESS_BLESS=1"
    );
}

/// Every file a small site's build writes, in full: any change to any page, feed or
/// sitemap shows here as a diff. The theme's own assets are compared with their sources.
/// After an intended change: `INSTA_UPDATE=always cargo test --test build`, then review
/// the diff of `tests/snapshots/build__summaries_output.snap`.
#[test]
fn output_contents_snapshot() {
    let site = TestSite::fixture("summaries");
    site.build(&[]).assert_ok();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = String::new();
    for file in site.files("public") {
        let bytes = std::fs::read(site.path().join("public").join(&file)).unwrap();
        let theme_asset = repo.join("static").join(&file);
        if theme_asset.is_file() {
            assert_eq!(bytes, std::fs::read(theme_asset).unwrap(), "{file}");
            all.push_str(&format!("==> {file} (the theme's own, unchanged)\n"));
            continue;
        }
        let text = String::from_utf8(bytes).expect("text output");
        all.push_str(&format!("==> {file}\n{text}\n"));
    }
    insta::assert_snapshot!("summaries_output", all);
}

#[test]
fn old_urls_redirect_and_jekyll_names_work() {
    let site = TestSite::fixture("migration");
    site.build(&[]).assert_ok();
    let post = site.read("public/blog/from-jekyll/index.html");
    assert!(
        post.contains("datetime=\"2019-05-04T00:00:00+00:00\""),
        "date from the file name: {post}"
    );
    for (old, target) in [
        (
            "public/2019/05/04/from-jekyll.html",
            "http://localhost:1111/blog/from-jekyll/",
        ),
        (
            "public/posts/from-hugo/index.html",
            "http://localhost:1111/blog/from-hugo/",
        ),
        (
            "public/p/123/index.html",
            "http://localhost:1111/blog/from-hugo/",
        ),
    ] {
        let html = site.read(old);
        assert!(
            html.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={target}\">"
            )),
            "{old}: {html}"
        );
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")),
            "{old}"
        );
    }
    // An alias may not take another page's URL.
    site.write(
        "content/blog/other.md",
        "---\ntitle: Other\ndate: 2021-01-01\naliases: [/blog/from-hugo/]\n---\nx\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("both want the URL /blog/from-hugo/"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_same_sources_build_the_same_bytes() {
    // An empty site too: nothing may depend on the clock.
    for site in [TestSite::empty(), TestSite::fixture("urls")] {
        site.build(&["-o", "one"]).assert_ok();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        site.build(&["-o", "two"]).assert_ok();
        assert_eq!(site.files("one"), site.files("two"));
        for f in site.files("one") {
            let read = |dir: &str| std::fs::read(site.path().join(dir).join(&f)).unwrap();
            let (a, b) = (read("one"), read("two"));
            assert!(a == b, "{f} differs between two builds of the same sources");
        }
    }
}

#[test]
fn toc_false_in_front_matter_turns_the_table_of_contents_off() {
    let site = TestSite::fixture("reader");
    site.build(&[]).assert_ok();
    let tour = site.read("public/blog/a-tour/index.html");
    assert_eq!(count(&tour, "<aside class=\"toc-aside\">"), 1, "{tour}");
    assert!(tour.contains("<a href=\"#a-long-section\">A long section</a>"));
    let off = site.read("public/blog/no-toc/index.html");
    assert_eq!(count(&off, "class=\"toc"), 0, "{off}");
    // The headings keep their ids and anchors; `toc` is not passed on as `extra`.
    assert!(off.contains("<h2 id=\"three\">"), "{off}");
}

#[test]
fn comments_appear_when_configured_and_not_on_posts_that_turn_them_off() {
    let site = TestSite::fixture("comments");
    site.build(&[]).assert_ok();
    let long = site.read("public/blog/long/index.html");
    assert_eq!(count(&long, "<section class=\"comments\""), 1, "{long}");
    assert!(long.contains(
        "data-provider=\"giscus\" data-repo=\"inkpress/comments\" data-term=\"pathname\" \
         data-repo-id=\"R_kgDOexample\" data-category=\"Announcements\" data-category-id=\"DIC_kwDOexample\">"
    ), "{long}");
    // Nothing is loaded from the provider by the page itself: the theme's script adds it.
    assert!(!long.contains("giscus.app"), "{long}");
    let quiet = site.read("public/blog/quiet/index.html");
    assert_eq!(count(&quiet, "class=\"comments\""), 0, "{quiet}");
    // Off by default.
    let other = TestSite::fixture("reader");
    other.build(&[]).assert_ok();
    let tour = other.read("public/blog/a-tour/index.html");
    assert_eq!(count(&tour, "class=\"comments\""), 0);
}

/// A misspelt front matter key would land quietly in `extra`: the build says where, once
/// for every file that has it, and still builds (it is a warning, not an error).
#[test]
fn misspelt_front_matter_keys_are_warned_about_once() {
    let site = TestSite::empty();
    site.post("a", "tittle: X\ntitle: A\ndate: 2025-01-01", "Hi.");
    site.post(
        "b",
        "tittle: Y\ntitle: B\ndate: 2025-01-02\nmood: calm",
        "Ho.",
    );
    let run = site.build(&[]);
    run.assert_ok();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        ["warning: content/blog/b.md:2:1 and 1 more file: front matter `tittle` is not a field inkpress reads (templates get it as `extra.tittle`); did you mean `title`?"],
        "{}",
        run.stderr
    );
    let check = site.run(&["check"]);
    check.assert_ok();
    assert!(
        check.stderr.contains("did you mean `title`?"),
        "{}",
        check.stderr
    );
}

/// The page of a body over 1 MiB is the template's rendering with the HTML put where
/// the template writes it (`render/splice.rs`); a template that escapes, filters or
/// repeats the content gets the HTML itself, so every template's page is what it says.
#[test]
fn a_huge_body_is_placed_as_each_template_writes_it() {
    let site = TestSite::fixture("override");
    let body = "A *line* of the huge post.\n\n".repeat(50_000);
    site.write(
        "content/blog/post.md",
        &format!("---\ntitle: Huge\ndate: 2024-01-01\nextra:\n  mood: calm\n---\n{body}Last <b>word</b>.\n"),
    );
    let page = |template: &str| {
        site.write("templates/post.html", template);
        site.build(&[]).assert_ok();
        site.read("public/blog/post/index.html")
    };
    let html = "<p>A <em>line</em> of the huge post.</p>\n";
    // Written as it is, once: the page around it is the template's.
    let spliced = page("<title>{{ post.title }}</title><main>{{ post.content | safe }}</main><p>mood={{ post.extra.mood }}</p>");
    assert!(
        spliced.starts_with(&format!("<title>Huge</title><main>{html}")),
        "{}",
        &spliced[..200]
    );
    assert!(
        spliced.ends_with("<p>Last <b>word</b>.</p>\n</main><p>mood=calm</p>"),
        "{}",
        &spliced[spliced.len() - 200..]
    );
    assert_eq!(spliced.matches(html).count(), 50_000);
    // Escaped: the HTML as text.
    let escaped = page("<pre>{{ post.content }}</pre>");
    assert!(
        escaped.starts_with("<pre>&lt;p&gt;A &lt;em&gt;line&lt;&#x2F;em&gt;")
            || escaped.starts_with("<pre>&lt;p&gt;A &lt;em&gt;line&lt;/em&gt;"),
        "{}",
        &escaped[..200]
    );
    // Twice, and filtered: what the template asks for, not one copy of the HTML.
    let twice = page("{{ post.content | safe }}<hr>{{ post.content | safe }}");
    assert_eq!(twice.matches(html).count(), 100_000);
    let cut = page("<p>{{ post.content | striptags | truncate(length=30) }}</p>");
    assert_eq!(cut, "<p>A line of the huge post.\nA lin…</p>");
}
