//! Content as other generators' blogs write it: MDX from the tailwind-nextjs-starter-blog,
//! Hugo shortcodes, Jekyll Liquid tags, Zola shortcodes and math, built by the real binary.
//! No page may show raw JSX, `{/*`, `{{<` or `{%`; what cannot be shown is a warning that
//! names the file and line.

mod common;
use common::browser::Browser;
use common::serve::Server;
use common::{count, TestSite};
use std::time::Duration;

/// Builds a fixture, checks that no page shows syntax of another generator, and returns
/// the site and the build's standard error.
fn built(fixture: &str) -> (TestSite, String) {
    let site = TestSite::fixture(fixture);
    let run = site.build(&[]);
    run.assert_ok();
    for file in site.files("public") {
        if !file.ends_with(".html") {
            continue;
        }
        let page = site.read(&format!("public/{file}"));
        let prose = page
            .split("<pre class=\"code")
            .map(|part| part.split_once("</pre>").map_or(part, |(_, after)| after))
            .collect::<String>()
            .split("<code>")
            .map(|part| part.split_once("</code>").map_or(part, |(_, after)| after))
            .collect::<String>();
        for raw in [
            "{/*",
            "{{<",
            "{{&lt;",
            "{{%",
            "{%",
            "<TOCInline",
            "<Image",
            "<Callout",
            "&lt;Callout",
        ] {
            assert!(!prose.contains(raw), "{file} shows `{raw}`:\n{page}");
        }
    }
    (site, run.stderr)
}

fn post(site: &TestSite, slug: &str) -> String {
    site.read(&format!("public/blog/{slug}/index.html"))
}

#[test]
fn mdx_from_the_tailwind_starter_renders_what_it_means() {
    let (site, stderr) = built("mdx-starter");
    let page = post(&site, "release-of-tailwind-nextjs-starter-blog-v2");
    assert!(!page.contains("TwitterCard"), "{page}");
    let prose = page.split("<div class=\"prose\">").nth(1).unwrap();
    assert!(!prose.contains("className"), "{prose}");
    assert!(!prose.contains("<!-- -->"), "{prose}");
    assert!(!page.contains("featured: true"), "{page}");
    assert!(!page.contains("MDX comment"), "{page}");
    assert!(page.contains("<p>A post written for the starter  with every MDX habit.</p>"));
    assert!(
        page.contains("<nav class=\"toc toc-inline\" aria-label=\"Contents\"><ul><li class=\"toc-2\"><a href=\"#images\">Images</a></li><li class=\"toc-2\"><a href=\"#components\">Components</a></li></ul></nav>"),
        "{page}"
    );
    assert!(
        page.contains("<img alt=\"ocean\" src=\"/images/ocean.jpg\" width=\"256\" height=\"128\">")
    );
    // Markdown inside indented JSX is Markdown, not code.
    assert!(page.contains("<div class=\"flex flex-wrap\">"), "{page}");
    assert!(page.contains("<p><img src=\"/images/ocean.jpg\" alt=\"maple\" /></p>"));
    assert!(page.contains("<p>Read the <strong>docs</strong> first.</p>"));
    assert!(page
        .contains("<details>\n<summary>Click to expand</summary>\n<p>Hidden <em>detail</em>.</p>"));
    assert!(page.contains("<center>Centred text</center>"));
    assert!(page.contains("<kbd>Ctrl</kbd>"));
    assert!(page.contains("<code>{/* code stays */}</code>"));
    assert_eq!(count(&page, "<math>"), 1, "{page}");
    let file = "content/blog/release-of-tailwind-nextjs-starter-blog-v2.mdx";
    assert!(
        stderr.contains(&format!(
            "warning: {file}:37:1: <TwitterCard> is a component inkpress does not know"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("warning: {file}:39:1: <Callout>")),
        "{stderr}"
    );
    // HTML comments, a syntax error in MDX, are dropped and the file still read as MDX.
    assert!(!page.contains("never shown"), "{page}");
    assert!(page.contains("<p>After the comment.</p>"), "{page}");
    assert!(!stderr.contains("could not be read"), "{stderr}");
}

#[test]
fn hugo_shortcodes_become_html_and_unknown_ones_are_warned_about() {
    let (site, stderr) = built("hugo-shortcodes");
    let page = post(&site, "shortcodes");
    // The figure's image is sized like any other local image.
    assert!(page.contains("<figure><a href=\"/img/sea.png\"><img src=\"/img/sea.png\" alt=\"The sea\" width=\"4\" height=\"3\" fetchpriority=\"high\" decoding=\"async\"></a><figcaption>A calm sea</figcaption></figure>"), "{page}");
    assert!(page.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""));
    assert!(page.contains("<script src=\"https://gist.github.com/spf13/7896402.js\">"));
    assert!(page.contains("<div class=\"alert alert-note\" role=\"note\"><p class=\"alert-title\">Note</p>\n<p>Shortcodes with <strong>Markdown</strong> inside.</p>"), "{page}");
    assert!(page.contains("<p class=\"alert-title\">Careful</p>\n<p>Mind the gap.</p>"));
    assert!(
        page.contains("<pre class=\"code lines numbered\" data-lang=\"go\">"),
        "{page}"
    );
    assert_eq!(count(&page, "<span class=\"line marked\">"), 1);
    assert!(page.contains("<p>Inner text kept.</p>"));
    // Shortcodes in code are examples, left as written.
    assert!(page.contains("<code>{{&lt; figure src=\"x\" &gt;}}</code>"));
    assert!(page.contains("{{% note %}}x{{% /note %}}"));
    // Hugo's escaped shortcodes show the shortcode, in code as out of it.
    assert!(
        page.contains("<code>{{&lt; youtube abc &gt;}}</code>"),
        "{page}"
    );
    assert!(
        page.contains("{{&lt; gist user id &gt;}}\n</code></pre>"),
        "{page}"
    );
    assert!(!page.contains("/*"), "{page}");
    // No block of a shortcode keeps the comment that made it a block.
    assert!(!page.contains("<!-- -->"), "{page}");
    let file = "content/blog/shortcodes.md";
    assert!(
        stderr.contains(&format!("warning: {file}:28:1: `{{{{< tweet")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("warning: {file}:30:1: `{{{{< details summary=\"More\" >}}}}` is a shortcode inkpress does not know: its inner text is kept")), "{stderr}");
    assert_eq!(count(&stderr, "warning:"), 2, "{stderr}");
}

#[test]
fn jekyll_liquid_tags_and_fences() {
    let (site, stderr) = built("jekyll-liquid");
    let page = post(&site, "liquid-tags");
    assert!(
        page.contains("<a href=\"/blog/hello-world/\">the first post</a>"),
        "{page}"
    );
    assert!(site.exists("public/blog/hello-world/index.html"));
    assert!(
        page.contains("<pre class=\"code lines numbered\" data-lang=\"ruby\">"),
        "{page}"
    );
    assert!(page.contains("<p>Liquid as text: {{ page.title }}</p>"));
    assert!(page.contains("<img src=\"/favicon.svg\" alt=\"logo\" />"));
    // `~~~` fences and `rust,linenos` find their language.
    assert_eq!(count(&page, "data-lang=\"rust\""), 2, "{page}");
    assert_eq!(
        count(
            &page,
            "<pre class=\"code lines numbered\" data-lang=\"rust\">"
        ),
        1
    );
    assert!(page.contains("gist.github.com/parkr/931c1c8d465a04042403.js"));
    assert!(stderr.contains("warning: content/blog/2019-06-01-liquid-tags.md:16:1: `{% include disqus.html id=\"x\" %}` is a shortcode inkpress does not know"), "{stderr}");
}

#[test]
fn zola_shortcodes() {
    let (site, stderr) = built("zola-shortcodes");
    let page = post(&site, "zola");
    assert!(page.contains("embed/dQw4w9WgXcQ"), "{page}");
    assert!(page.contains("<p class=\"alert-title\">Heads up</p>\n<p>Zola body shortcodes keep their <em>Markdown</em>.</p>"), "{page}");
    assert!(page.contains("<img src=\"/favicon.svg\" alt=\"Logo\">"));
    assert!(page.contains("<p>A quote kept as text.</p>"));
    assert!(page.contains("<code>{{ youtube(id=\"in-code\") }}</code>"));
    let file = "content/blog/zola.md";
    assert!(
        stderr.contains(&format!(
            "warning: {file}:18:1: `{{{{ chart(data=\"sales.csv\") }}}}`"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: {file}:20:1: `{{% quote(author=\"Someone\") %}}`"
        )),
        "{stderr}"
    );
}

#[test]
fn math_is_mathml_and_a_broken_formula_is_code_with_a_warning() {
    let (site, stderr) = built("math");
    let page = post(&site, "formulas");
    assert_eq!(count(&page, "<math>"), 4, "{page}");
    assert_eq!(count(&page, "<math display=\"block\">"), 4, "{page}");
    assert!(page.contains("<mfrac>"));
    assert!(page.contains("<mtable"));
    assert!(page.contains("<mi>ℝ</mi>"));
    assert!(page.contains("<code class=\"math-error\">\\nosuchcommand{x}</code>"));
    assert!(page.contains("<p>Prices like $5 and $10 stay prose.</p>"));
    assert!(
        stderr.contains("warning: content/blog/formulas.md:18:15: the formula `\\nosuchcommand{x}` cannot be written as MathML"),
        "{stderr}"
    );
}

/// Chromium lays out every formula: each `<math>` has a size, so the browser read it as
/// MathML (an unknown element would be inline text with no box of its own).
#[test]
fn chromium_lays_out_every_formula() {
    let site = TestSite::fixture("math");
    let server = Server::start(&site, &[]);
    let browser = Browser::open_with(&server.url, &["--window-size=1280,1000"]);
    let mut page = browser.page(&server.url);
    let url = format!("{}blog/formulas/", server.url);
    page.call("Page.navigate", serde_json::json!({ "url": url }));
    page.wait_until(
        &format!("location.href === '{url}' && document.readyState === 'complete'"),
        Duration::from_secs(15),
    );
    let sizes = page.eval(
        "JSON.stringify([...document.querySelectorAll('math')].map(m => { const r = m.getBoundingClientRect(); return [r.width, r.height, m.namespaceURI]; }))",
    );
    let sizes: Vec<(f64, f64, String)> = serde_json::from_str(sizes.as_str().unwrap()).unwrap();
    assert_eq!(sizes.len(), 8, "{sizes:?}");
    for (width, height, namespace) in &sizes {
        assert!(*width > 0.0 && *height > 0.0, "{sizes:?}");
        assert_eq!(namespace, "http://www.w3.org/1998/Math/MathML");
    }
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("formulas.png");
    page.screenshot(&file);
    let png = std::fs::read(&file).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000);
}

/// The inputs fuzzing found that ended a build with a panic (markdown-rs 1.0 in `to_mdast`
/// and in character references; the search index's text of an unclosed `<pre>`): each
/// builds, an MDX file the parser fails on as plain Markdown with a warning.
#[test]
fn inputs_that_made_a_build_panic_build_with_a_warning() {
    let site = TestSite::fixture("mdx-starter");
    let crashes =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-crashes");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&crashes).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        site.write(
            &format!("content/blog/{name}"),
            &std::fs::read_to_string(&path).unwrap(),
        );
        names.push(name);
    }
    assert_eq!(names.len(), 3);
    let run = site.build(&[]);
    run.assert_ok();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for name in &names {
        assert!(
            run.stderr.contains(&format!("{name}:"))
                && run
                    .stderr
                    .contains("this MDX could not be read (the MDX parser failed on it)"),
            "{name}: {}",
            run.stderr
        );
    }
}
