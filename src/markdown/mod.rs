//! Markdown to HTML: pulldown-cmark's event stream through small adapters
//! (code highlighting, heading anchors, link rewriting, alerts), plus summary, TOC and word count.

pub mod alerts;
pub mod headings;
pub mod highlight;
pub mod highlight_cache;
pub mod links;

pub use headings::TocEntry;
use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// What lists, feeds and heads need of a body, made for every document when it is
/// loaded: small, and kept for the whole build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// HTML before `<!-- more -->`, else the first paragraph.
    pub summary_html: String,
    /// The summary as plain text, for meta descriptions.
    pub summary_text: String,
    /// Whether the writer marked the summary with `<!-- more -->`.
    pub has_more_marker: bool,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
}

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

pub const MORE_MARKER: &str = "<!-- more -->";

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The events both [`outline`] and [`render`] start from, handed to `then`: the body
/// parsed, with links rewritten (before highlighting, so that a code block's text is
/// never taken for a link). MDX files have their top-level `import`/`export` lines
/// dropped first.
fn with_events<T>(
    body: &str,
    is_mdx: bool,
    options: &MarkdownOptions,
    then: impl FnOnce(Vec<Event>) -> T,
) -> T {
    let stripped;
    let body = if is_mdx {
        stripped = strip_mdx_module_lines(body);
        stripped.as_str()
    } else {
        body
    };
    let parser = Parser::new_ext(body, parser_options());
    then(alerts::alerts(links::rewrite_links(parser, &options.base_path)).collect())
}

/// The outline of a body: summary, table of contents, word count. Code is highlighted
/// only where the summary shows it.
pub fn outline(body: &str, is_mdx: bool, options: &MarkdownOptions) -> Outline {
    with_events(body, is_mdx, options, |events| {
        let word_count = count_words(&events);
        // The summary is taken before headings get anchors: in a list, `#id` links would
        // point into the list page, not the post.
        let more_at = events.iter().position(is_more_marker);
        let summary_events: &[Event] = match more_at {
            Some(i) => &events[..i],
            None => first_paragraph(&events),
        };
        let summary_events: Vec<Event> = highlight::highlight_code(
            without_footnotes(summary_events).into_iter(),
            options.highlight_cache.as_deref(),
        )
        .collect();
        let mut summary_html = String::new();
        html::push_html(&mut summary_html, summary_events.iter().cloned());
        let summary_text = plain_text(&summary_events);
        let mut toc = Vec::new();
        headings::anchor_headings(events, &mut toc);
        Outline {
            summary_html: summary_html.trim_end().to_owned(),
            summary_text,
            has_more_marker: more_at.is_some(),
            toc,
            word_count,
        }
    })
}

/// The whole HTML of a body: highlighted code, anchored headings.
pub fn render(body: &str, is_mdx: bool, options: &MarkdownOptions) -> Rendered {
    with_events(body, is_mdx, options, |events| {
        let highlighted: Vec<Event> =
            highlight::highlight_code(events.into_iter(), options.highlight_cache.as_deref())
                .collect();
        // The table of contents is the outline's; the ids are the same, made from the
        // same headings.
        let events = headings::anchor_headings(highlighted, &mut Vec::new());
        let mut out = String::with_capacity(body.len() * 3 / 2 + 256);
        html::push_html(&mut out, events.into_iter());
        // Highlighted code makes the HTML several times the Markdown, and the string grows
        // by doubling: kept as it is, a body would hold up to twice its HTML while a feed
        // still needs it.
        out.shrink_to_fit();
        Rendered { html: out }
    })
}

/// A summary's events without footnote references and definitions: on a list page or in
/// a feed, `[^1]` would link to a note that is not there.
fn without_footnotes<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let mut depth = 0usize;
    let mut kept = Vec::with_capacity(events.len());
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
            Event::End(TagEnd::FootnoteDefinition) => depth = depth.saturating_sub(1),
            Event::FootnoteReference(_) => {}
            _ if depth == 0 => kept.push(e.clone()),
            _ => {}
        }
    }
    kept
}

fn is_more_marker(e: &Event) -> bool {
    matches!(e, Event::Html(h) | Event::InlineHtml(h) if h.trim() == MORE_MARKER)
}

fn first_paragraph<'e, 'a>(events: &'e [Event<'a>]) -> &'e [Event<'a>] {
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    &events[start..end]
}

/// The words of some events, without markup, on one line.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of prose: the text of code blocks does not count.
fn count_words(events: &[Event]) -> usize {
    let mut in_code = false;
    let mut words = 0;
    for e in events {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => words += t.split_whitespace().count(),
            _ => {}
        }
    }
    words
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

    fn md(body: &str) -> Md {
        Md {
            outline: outline(body, false, &options()),
            html: render(body, false, &options()).html,
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
}
