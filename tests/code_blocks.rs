//! Code blocks as a fence asks for them: a title, line numbers, marked lines; and the
//! highlight cache, which keeps one entry for the same code, never mixing the options.

mod common;
use common::{count, TestSite};

fn fences(site: &TestSite) -> String {
    site.read("public/blog/fences/index.html")
}

/// The HTML of each code block of the page, in order.
fn blocks(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(['<']).and_then(|_| {
        let pre = rest.find("<pre class=\"code");
        let titled = rest.find("<div class=\"code-block\">");
        match (pre, titled) {
            (Some(p), Some(t)) => Some(p.min(t)),
            (p, t) => p.or(t),
        }
    }) {
        let end_tag = if rest[start..].starts_with("<div") {
            "</pre></div>"
        } else {
            "</pre>"
        };
        let end = start + rest[start..].find(end_tag).unwrap() + end_tag.len();
        out.push(rest[start..end].to_owned());
        rest = &rest[end..];
    }
    out
}

#[test]
fn titles_line_numbers_and_marked_lines_render_as_the_fence_asks() {
    let site = TestSite::fixture("code-blocks");
    site.build(&[]).assert_ok();
    let page = fences(&site);
    let blocks = blocks(&page);
    assert_eq!(blocks.len(), 5, "{page}");

    // Plain: no title, no lines.
    assert!(blocks[0].starts_with("<pre class=\"code\" data-lang=\"rust\">"));
    assert_eq!(count(&blocks[0], "class=\"line"), 0);

    // A title above the block, the code as in the plain one.
    assert!(blocks[1].starts_with(
        "<div class=\"code-block\"><div class=\"code-title\">src/add.rs</div><pre class=\"code\" data-lang=\"rust\">"
    ));
    assert!(blocks[1].ends_with(&blocks[0]) || blocks[1].contains(&blocks[0]));

    // Numbered lines, the first, third and fourth marked; the comment's span that runs
    // over lines 2 and 3 is closed and opened again at the line break.
    assert!(blocks[2].starts_with("<pre class=\"code lines numbered\" data-lang=\"rust\">"));
    assert_eq!(count(&blocks[2], "<span class=\"line"), 5, "{}", blocks[2]);
    let marked: Vec<usize> = blocks[2]
        .split("<span class=\"line")
        .skip(1)
        .enumerate()
        .filter(|(_, l)| l.starts_with(" marked\""))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(marked, vec![1, 3, 4]);
    assert_eq!(count(&blocks[2], "<span"), count(&blocks[2], "</span>"));

    // `:title=` and `linenos`, together.
    assert!(blocks[3].starts_with(
        "<div class=\"code-block\"><div class=\"code-title\">lib.rs</div><pre class=\"code lines numbered\" data-lang=\"rust\">"
    ));

    // No language: escaped plain code, still titled and marked.
    assert_eq!(
        blocks[4],
        "<div class=\"code-block\"><div class=\"code-title\">notes.txt</div>\
         <pre class=\"code lines\"><code><span class=\"line\">first &lt;line&gt;\n</span>\
         <span class=\"line marked\">second &amp; line\n</span></code></pre></div>"
    );
}

#[test]
fn blocks_that_differ_only_in_options_share_the_cache_and_not_the_options() {
    let site = TestSite::fixture("code-blocks");
    site.build(&[]).assert_ok();
    let cold = fences(&site);
    let cache_file = site.path().join(".inkpress-cache/highlight.cache");
    let cache_text = || String::from_utf8_lossy(&std::fs::read(&cache_file).unwrap()).into_owned();
    // A warm build takes every block from the cache (and keeps only what it used); each
    // block still gets its own options: the cached HTML is the bare highlighting, under
    // the language and the code alone.
    site.build(&[]).assert_ok();
    assert_eq!(fences(&site), cold);
    let warm_cache = cache_text();
    assert_eq!(
        count(&warm_cache, "fn add(a: i32"),
        1,
        "one entry for the four blocks of the same code"
    );
    site.build(&[]).assert_ok();
    assert_eq!(fences(&site), cold);
    assert!(
        cache_text() == warm_cache,
        "every block hit: nothing was added"
    );
    // The options of a cached block's neighbours never reach it.
    let blocks = blocks(&cold);
    assert_eq!(count(&blocks[0], "code-title"), 0);
    assert_eq!(count(&blocks[1], "class=\"line"), 0);
    assert_eq!(count(&blocks[2], "code-title"), 0);
}
