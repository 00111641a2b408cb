//! Markdown to HTML: pulldown-cmark's event stream through small adapters
//! (code highlighting, heading anchors, link rewriting, alerts), plus summary, TOC and word count.

pub mod alerts;
pub mod headings;
pub mod highlight;
pub mod highlight_cache;
pub mod link_places;
pub mod links;
mod outline;

pub use headings::TocEntry;
pub use outline::{outline, Outline, MORE_MARKER};
use pulldown_cmark::{html, Event, Options, Parser};

/// A body's whole HTML, made only when a page or a feed shows it (see [`crate::memo`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
}

/// Settings that change the HTML of every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// The site's path prefix (`/` or `/repo/`), for root-relative links.
    pub base_path: String,
    /// Where highlighted code blocks are kept between builds; `None` highlights every time.
    pub highlight_cache: Option<std::sync::Arc<highlight_cache::HighlightCache>>,
}

pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The Markdown both [`outline`] and [`render`] parse, handed to `then`: MDX files have
/// their top-level `import`/`export` lines dropped first.
fn with_source<T>(body: &str, is_mdx: bool, then: impl FnOnce(&str) -> T) -> T {
    if is_mdx {
        then(&strip_mdx_module_lines(body))
    } else {
        then(body)
    }
}

/// The event adapters both passes (the whole HTML, the outline) read a body through, so
/// that they agree on every summary, heading and word: links rewritten (before code is
/// highlighted, so that a code block's text is never taken for a link), GitHub alerts.
fn transformed<'a>(
    events: impl Iterator<Item = Event<'a>>,
    options: &'a MarkdownOptions,
) -> impl Iterator<Item = Event<'a>> {
    alerts::alerts(links::rewrite_links(events, &options.base_path))
}

/// The whole HTML of a body: highlighted code, anchored headings.
pub fn render(body: &str, is_mdx: bool, options: &MarkdownOptions) -> Rendered {
    render_events(body, is_mdx, options, false).0
}

/// [`render`] and [`outline`] in one pass: a post's own page is usually the first
/// reader of its outline too, and parsing is most of the cost of either.
pub fn render_with_outline(
    body: &str,
    is_mdx: bool,
    options: &MarkdownOptions,
) -> (Rendered, Outline) {
    let (rendered, outline) = render_events(body, is_mdx, options, true);
    (rendered, outline.unwrap_or_default())
}

fn render_events(
    body: &str,
    is_mdx: bool,
    options: &MarkdownOptions,
    with_outline: bool,
) -> (Rendered, Option<Outline>) {
    with_source(body, is_mdx, |body| {
        let parsed = Parser::new_ext(body, parser_options()).into_offset_iter();
        // Where links are written is part of the outline: noted only when it is made.
        let mut found = Vec::new();
        let events: Box<dyn Iterator<Item = Event>> = if with_outline {
            Box::new(link_places::record(parsed, body, &mut found))
        } else {
            Box::new(parsed.map(|(event, _)| event))
        };
        let highlighted: Vec<Event> = highlight::highlight_code(
            transformed(events, options),
            options.highlight_cache.as_deref(),
        )
        .collect();
        let mut toc = Vec::new();
        let outline = with_outline.then(|| outline::of_highlighted(&highlighted, Vec::new()));
        let events = headings::anchor_headings(highlighted, &mut toc);
        let links = link_places::places(body, found);
        let outline = outline.map(|o| Outline { toc, links, ..o });
        let mut out = String::with_capacity(body.len() * 3 / 2 + 256);
        html::push_html(&mut out, events.into_iter());
        // Highlighted code makes the HTML several times the Markdown, and the string grows
        // by doubling: kept as it is, a body would hold up to twice its HTML while a feed
        // still needs it.
        out.shrink_to_fit();
        (Rendered { html: out }, outline)
    })
}

/// MDX files start with `import`/`export` statements that mean nothing outside React.
fn strip_mdx_module_lines(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if line.starts_with("import ") || line.starts_with("export ") {
            out.push('\n');
            continue;
        }
        out.push_str(line);
    }
    out
}

/// Minutes to read at 200 words a minute, never less than one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> MarkdownOptions {
        MarkdownOptions {
            base_path: "/".into(),
            highlight_cache: None,
        }
    }

    /// A body's outline, and its HTML beside it.
    struct Md {
        outline: Outline,
        html: String,
    }

    impl std::ops::Deref for Md {
        type Target = Outline;
        fn deref(&self) -> &Outline {
            &self.outline
        }
    }

    /// The outline (checked to be the same from either pass) and the HTML of a body.
    fn md(body: &str) -> Md {
        let alone = outline(body, false, &options());
        let (rendered, together) = render_with_outline(body, false, &options());
        assert_eq!(alone, together, "the two passes disagree on {body:?}");
        assert_eq!(rendered.html, render(body, false, &options()).html);
        Md {
            outline: alone,
            html: rendered.html,
        }
    }

    #[test]
    fn gfm_features() {
        let r =
            md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ [^1]\n\n- [x] done\n\n[^1]: note\n");
        assert!(r.html.contains("<table>"), "{}", r.html);
        assert!(r.html.contains("<del>gone</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_toc() {
        let r = md("# Twins fr\n\n## Setup\n\n## Setup\n\n### Custom {#mine}\n");
        assert!(
            r.html
                .contains("<h1 id=\"twins-fr\">Twins fr<a class=\"anchor\" href=\"#twins-fr\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("id=\"setup-1\""));
        assert!(r.html.contains("id=\"mine\""));
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["twins-fr", "setup", "setup-1", "mine"]);
        assert_eq!(r.toc[3].level, 3);
    }

    #[test]
    fn summary_sources() {
        let r = md("First para.\n\nSecond.\n\n<!-- more -->\n\nRest.\n");
        assert!(r.has_more_marker);
        assert!(r.summary_html.contains("Second."), "{}", r.summary_html);
        assert!(!r.summary_html.contains("Rest."));
        let r = md("# Title\n\nOnly *this*.\n\nNot this.\n");
        assert_eq!(r.summary_html, "<p>Only <em>this</em>.</p>");
        assert_eq!(r.summary_text, "Only this.");
    }

    #[test]
    fn summaries_leave_footnotes_to_the_post() {
        let r = md("Claim[^1] here.\n\n[^1]: Source.\n\n<!-- more -->\n\nRest.\n");
        assert_eq!(r.summary_html, "<p>Claim here.</p>");
        assert_eq!(r.summary_text, "Claim here.");
        assert!(r.html.contains("footnote-reference"), "{}", r.html);
        let first = md("First[^n] paragraph.\n\nMore.\n\n[^n]: Note.\n");
        assert_eq!(first.summary_html, "<p>First paragraph.</p>");
    }

    #[test]
    fn summary_headings_have_no_anchor_links() {
        let r = md("## Intro\n\nText.\n\n<!-- more -->\n\nRest.\n");
        assert_eq!(r.summary_html, "<h2>Intro</h2>\n<p>Text.</p>");
        assert!(r.html.contains("href=\"#intro\""));
    }

    #[test]
    fn raw_html_passes_through_and_rule_stays() {
        let r = md("<div class=\"note\">hi</div>\n\nabove\n\n---\n\nbelow\n");
        assert!(r.html.contains("<div class=\"note\">hi</div>"));
        assert!(r.html.contains("<hr />"));
    }

    #[test]
    fn mdx_imports_are_dropped_outside_code() {
        let r = render(
            "import X from './x'\n\nHello\n\n```js\nimport y from 'y'\n```\n",
            true,
            &options(),
        );
        assert!(!r.html.contains("from './x'"), "{}", r.html);
        assert!(r.html.contains("from"), "code kept: {}", r.html);
    }

    #[test]
    fn words_and_reading_time() {
        assert_eq!(md("one two three\n").word_count, 3);
        // Code is not prose: a long listing does not make a post longer to read.
        assert_eq!(
            md("one `two`\n\n```rust\nlet three = 4;\n```\n").word_count,
            2
        );
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(401), 3);
    }

    #[test]
    fn code_in_a_summary_is_highlighted_and_code_is_never_a_link() {
        let body =
            "Intro.\n\n```html\n<a href=\"/static/x\">x</a>\n```\n\n<!-- more -->\n\nRest.\n";
        let r = md(body);
        assert!(
            r.summary_html.contains("<pre class=\"code\""),
            "{}",
            r.summary_html
        );
        assert_eq!(r.summary_text, "Intro.");
        let unknown = md("```nosuchlang\n<a href=\"/static/x\">\n```\n");
        assert!(
            unknown.html.contains("href=\"/static/x\""),
            "{}",
            unknown.html
        );
    }

    #[test]
    fn the_outline_and_the_html_agree_on_heading_ids() {
        let r = md("## A\n\n## A\n\n```rust\n// # not a heading\n```\n\n### B {#b}\n");
        for entry in &r.toc {
            assert!(
                r.html.contains(&format!("id=\"{}\"", entry.id)),
                "{}",
                r.html
            );
        }
        assert_eq!(r.toc.len(), 3);
    }

    #[test]
    fn the_outline_alone_equals_the_outline_made_with_the_html() {
        // `md` checks that both passes agree; these are the shapes where they could not.
        for body in [
            "",
            "No paragraph end",
            "- a tight list\n- only\n\nThen a paragraph.\n",
            "```\n<!-- more -->\n```\n\nAfter a marker in code.\n",
            "Intro [link](/static/a.png) and ![img](/x.png).\n\n<!-- more -->\n\nRest.\n",
            "<div>\n<!-- more -->\n</div>\n\nText.\n",
            "# `code` heading\n\n## Same\n\n## Same\n\nText[^a].\n\n[^a]: Note.\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nWords after a table.\n",
            "> quote\n\npara <!-- more --> inline\n\nrest\n",
        ] {
            md(body);
        }
    }
}
