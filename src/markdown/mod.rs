//! Markdown to HTML: pulldown-cmark's event stream through small adapters
//! (code highlighting, heading anchors, link rewriting, alerts, math), plus summary, TOC
//! and word count. A body is first [`prepare`]d when it is loaded: MDX and other
//! generators' shortcodes rewritten to Markdown, with warnings for what cannot be shown.

pub mod alerts;
mod caught;
pub mod headings;
pub mod highlight;
pub mod highlight_cache;
pub mod images;
pub mod link_places;
pub mod links;
pub mod math;
pub mod mdx;
mod outline;
pub mod rewrite;
pub mod shortcodes;

pub use headings::TocEntry;
pub use outline::{outline, Outline, MORE_MARKER};
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};
pub use rewrite::{BodyWarning, SourceMap};

/// A body's whole HTML, made only when a page or a feed shows it (see [`crate::memo`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    /// The social card made of the body's first image (a site path), when
    /// images are processed and the document names no image of its own.
    pub card: Option<String>,
}

/// Settings that change the HTML of every page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// The site's path prefix (`/` or `/repo/`), for root-relative links.
    pub base_path: String,
    /// Where highlighted code blocks are kept between builds; `None` highlights every time.
    pub highlight_cache: Option<std::sync::Arc<highlight_cache::HighlightCache>>,
    /// Sizes and variants of local images; `None` leaves images as written.
    pub images: Option<std::sync::Arc<crate::images::Images>>,
}

/// Where a body stands, for its relative images.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place<'a> {
    pub images: crate::images::Place<'a>,
    /// Whether the body's first image becomes the page's social card.
    pub wants_card: bool,
}

pub(crate) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// A body as [`outline`] and [`render`] read it, what of it a page cannot show as
/// written (by line and column in the body), and where the places of the Markdown were
/// in the body when a rewrite (MDX, shortcodes) moved them.
pub struct Prepared {
    pub markdown: String,
    pub warnings: Vec<BodyWarning>,
    pub map: SourceMap,
}

/// A body made ready when it is loaded: MDX rewritten to Markdown ([`mdx`]), shortcodes
/// and Liquid tags outside code written out ([`shortcodes`]), formulas that cannot be
/// converted found ([`math`]). A body with no `$`, `{{` or `{%` (most of them) is
/// not parsed here.
pub fn prepare(body: String, is_mdx: bool, posts: &crate::content::permalink::Pattern) -> Prepared {
    let Prepared {
        markdown,
        mut warnings,
        map,
    } = match is_mdx {
        true => mdx::to_markdown(&body),
        false => Prepared {
            markdown: body,
            warnings: Vec::new(),
            map: SourceMap::default(),
        },
    };
    let has_math = memchr::memchr(b'$', markdown.as_bytes()).is_some();
    let has_tags = shortcodes::may_have_tags(&markdown);
    if !has_math && !has_tags {
        return Prepared {
            markdown,
            warnings,
            map,
        };
    }
    // Code and formulas are never shortcodes: `{{<` in a code block is an example.
    let mut verbatim = Vec::new();
    for (event, range) in Parser::new_ext(&markdown, parser_options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => verbatim.push(range.clone()),
            Event::InlineMath(_) | Event::DisplayMath(_) => {
                let problem = math::problem(&markdown, &event, &range);
                warnings.extend(problem.map(|w| w.traced(&map)));
                verbatim.push(range.clone());
            }
            _ => {}
        }
    }
    if !has_tags {
        return Prepared {
            markdown,
            warnings,
            map,
        };
    }
    verbatim.sort_by_key(|r| r.start);
    let expanded = shortcodes::expand(&markdown, &verbatim, posts);
    warnings.extend(expanded.warnings.into_iter().map(|w| w.traced(&map)));
    Prepared {
        markdown: expanded.markdown,
        warnings,
        map: map.then(expanded.map),
    }
}

/// The event adapters both passes (the whole HTML, the outline) read a body through, so
/// that they agree on every summary, heading and word: images sized (before links are
/// rewritten, to see their URLs as written), links rewritten (before code is highlighted,
/// so that a code block's text is never taken for a link), GitHub alerts, math, and the
/// marks of HTML blocks a rewrite made ([`rewrite::own_block`]).
fn transformed<'a, 'f>(
    events: impl Iterator<Item = Event<'a>> + 'f,
    options: &'a MarkdownOptions,
    place: Place<'f>,
    first_image: &'f mut Option<crate::images::Image>,
) -> impl Iterator<Item = Event<'a>> + 'f
where
    'a: 'f,
{
    let events: Box<dyn Iterator<Item = Event<'a>> + 'f> = match &options.images {
        Some(images) => Box::new(images::sized(events, images, place.images, first_image)),
        None => Box::new(events),
    };
    let events = links::rewrite_links(events, &options.base_path);
    rewrite::unmarked(math::math(alerts::alerts(events)))
}

/// The whole HTML of a body: highlighted code, anchored headings.
pub fn render(body: &str, options: &MarkdownOptions, place: Place) -> Rendered {
    render_events(body, options, place, false).0
}

/// [`render`] and [`outline`] in one pass: a post's own page is usually the first
/// reader of its outline too, and parsing is most of the cost of either.
pub fn render_with_outline(
    body: &str,
    options: &MarkdownOptions,
    place: Place,
) -> (Rendered, Outline) {
    let (rendered, outline) = render_events(body, options, place, true);
    (rendered, outline.unwrap_or_default())
}

fn render_events(
    body: &str,
    options: &MarkdownOptions,
    place: Place,
    with_outline: bool,
) -> (Rendered, Option<Outline>) {
    let parsed = Parser::new_ext(body, parser_options()).into_offset_iter();
    // Where links are written is part of the outline: noted only when it is made.
    let mut found = Vec::new();
    let events: Box<dyn Iterator<Item = Event>> = if with_outline {
        Box::new(link_places::record(parsed, body, &mut found))
    } else {
        Box::new(parsed.map(|(event, _)| event))
    };
    let mut first_image = None;
    let mut tap = with_outline.then(|| outline::Tap::new(body));
    let mut toc = Vec::new();
    let mut out = String::with_capacity(body.len() * 3 / 2 + 256);
    {
        // Events stream from the parser to the HTML, none kept but the summary's and a
        // heading's until its end: a huge body's events would take more memory than
        // its HTML.
        let highlighted = highlight::highlight_code(
            transformed(events, options, place, &mut first_image),
            options.highlight_cache.as_deref(),
        )
        .inspect(|event| {
            if let Some(tap) = &mut tap {
                tap.see(event);
            }
        });
        let anchored = headings::anchor_headings(highlighted, &mut toc);
        if body.contains(mdx::TOC_MARKER) {
            // The table of contents an MDX `<TOCInline />` asks for needs every heading.
            let mut events: Vec<Event> = anchored.collect();
            inline_toc(&mut events, &toc);
            html::push_html(&mut out, events.into_iter().map(labelled_task_marker));
        } else {
            html::push_html(&mut out, anchored.map(labelled_task_marker));
        }
    }
    let card = match (&options.images, first_image) {
        (Some(images), Some(first)) if place.wants_card => images.card(&first),
        _ => None,
    };
    let links = link_places::places(body, found);
    let outline = tap.map(|tap| Outline {
        links,
        ..tap.outline(toc, options, place)
    });
    // Highlighted code makes the HTML several times the Markdown, and the string grows
    // by doubling: kept as it is, a body would hold up to twice its HTML while a feed
    // still needs it.
    out.shrink_to_fit();
    (Rendered { html: out, card }, outline)
}

/// A task list's checkbox with a label for screen readers: a bare one is an unlabelled
/// form control to them (and to Lighthouse's accessibility audit).
fn labelled_task_marker(event: Event) -> Event {
    match event {
        Event::TaskListMarker(done) => Event::InlineHtml(
            if done {
                r#"<input disabled="" type="checkbox" checked="" aria-label="Done"/>"#
            } else {
                r#"<input disabled="" type="checkbox" aria-label="Not done"/>"#
            }
            .into(),
        ),
        other => other,
    }
}

/// Puts the table of contents where an MDX `<TOCInline />` stood, with the headings it
/// asks for.
fn inline_toc(events: &mut [Event], toc: &[TocEntry]) {
    for event in events {
        let Event::Html(html) = event else { continue };
        let Some(shown) = mdx::TocInline::from_marker(html) else {
            continue;
        };
        let mut list = String::from("<nav class=\"toc toc-inline\" aria-label=\"Contents\"><ul>");
        for entry in toc.iter().filter(|e| shown.shows(e.level, &e.title)) {
            list.push_str(&format!(
                "<li class=\"toc-{}\"><a href=\"#{}\">{}</a></li>",
                entry.level,
                crate::html::escape(&entry.id),
                crate::html::escape(&entry.title)
            ));
        }
        list.push_str("</ul></nav>\n");
        *event = Event::Html(CowStr::from(list));
    }
}

/// Minutes to read at 200 words a minute, never less than one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_posts() -> crate::content::permalink::Pattern {
        crate::content::permalink::Permalinks::default().posts
    }

    fn options() -> MarkdownOptions {
        MarkdownOptions {
            base_path: "/".into(),
            highlight_cache: None,
            images: None,
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
        let place = Place::default();
        let alone = outline(body, &options(), place);
        let (rendered, together) = render_with_outline(body, &options(), place);
        assert_eq!(alone, together, "the two passes disagree on {body:?}");
        assert_eq!(rendered.html, render(body, &options(), place).html);
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
    fn a_summarys_relative_links_point_at_the_post_from_any_page() {
        let options = MarkdownOptions {
            base_path: "/repo/".into(),
            ..options()
        };
        let place = Place {
            images: crate::images::Place {
                page: "blog/x/",
                ..Default::default()
            },
            ..Default::default()
        };
        let body = "[Notes](#notes), [pic](img/a.png), [up](../), [home](/), [out](https://x.org/a#b).\n\n## Notes\n";
        let alone = outline(body, &options, place);
        let (rendered, together) = render_with_outline(body, &options, place);
        assert_eq!(alone, together);
        assert_eq!(
            alone.summary_html,
            "<p><a href=\"/repo/blog/x/#notes\">Notes</a>, <a href=\"/repo/blog/x/img/a.png\">pic</a>, \
             <a href=\"/repo/blog/x/../\">up</a>, <a href=\"/repo/\">home</a>, <a href=\"https://x.org/a#b\">out</a>.</p>"
        );
        // The post's own page keeps them as written.
        assert!(
            rendered.html.contains("<a href=\"#notes\">"),
            "{}",
            rendered.html
        );
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
    fn mdx_toc_inline_is_the_table_of_contents() {
        let prepared = prepare(
            "<TOCInline toc={props.toc} exclude=\"two\" />\n\n## One\n\n## Two\n\n### Three\n"
                .into(),
            true,
            &default_posts(),
        );
        let r = md(&prepared.markdown);
        assert!(
            r.html.contains("<nav class=\"toc toc-inline\" aria-label=\"Contents\"><ul><li class=\"toc-2\"><a href=\"#one\">One</a></li><li class=\"toc-3\"><a href=\"#three\">Three</a></li></ul></nav>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn prepare_leaves_shortcodes_in_code_and_math_alone_and_finds_bad_formulas() {
        let body = "`{{< figure >}}` and $a^{{b}}$\n\n```\n{% include x %}\n```\n\n{{< youtube abc >}}\n\nBad: $\\nosuchcommand$\n";
        let prepared = prepare(body.into(), false, &default_posts());
        assert!(
            prepared
                .markdown
                .starts_with("`{{< figure >}}` and $a^{{b}}$\n\n```\n{% include x %}\n```\n"),
            "{}",
            prepared.markdown
        );
        assert!(
            prepared.markdown.contains("embed/abc"),
            "{}",
            prepared.markdown
        );
        let at: Vec<_> = prepared.warnings.iter().map(|w| w.at).collect();
        assert_eq!(at, [(9, 6)], "{:?}", prepared.warnings);
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
