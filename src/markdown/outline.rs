//! A body's outline: what lists, feeds and page heads show of a post (summary, table of
//! contents, word count), made in one streaming pass when the document is loaded. Events
//! are kept only as far as the summary needs them.

use super::headings::HeadingIds;
use super::link_places::{self, LinkPlace};
use super::{highlight, parser_options, transformed, MarkdownOptions, Place, TocEntry};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

pub const MORE_MARKER: &str = "<!-- more -->";

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
    /// Every link and image of the body, where it is written, for the link check.
    pub links: Vec<LinkPlace>,
}

/// The outline of a body. Code is highlighted only where the summary shows it; heading
/// ids are the ones [`super::render`] gives the same headings.
pub fn outline(body: &str, options: &MarkdownOptions, place: Place) -> Outline {
    {
        // Without the marker's text anywhere, the summary is the first paragraph, and no
        // event after it needs keeping.
        let may_have_marker = body.contains(MORE_MARKER);
        let mut kept: Vec<Event> = Vec::new();
        let mut collecting = true;
        let mut more_at = None;
        let mut words = Words::default();
        let mut ids = HeadingIds::default();
        let mut toc = Vec::new();
        let mut heading: Option<(HeadingLevel, Option<CowStr>, String)> = None;
        let mut found = Vec::new();
        let parsed = Parser::new_ext(body, parser_options()).into_offset_iter();
        let mut first_image = None;
        let recorded = link_places::record(parsed, body, &mut found);
        for event in transformed(recorded, options, place, &mut first_image) {
            words.count(&event);
            match &event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some((*level, id.clone(), String::new()));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, title)) = &mut heading {
                        title.push_str(t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, id, title)) = heading.take() {
                        toc.push(ids.entry(level, id.as_deref(), &title));
                    }
                }
                _ => {}
            }
            if !collecting {
                continue;
            }
            if is_more_marker(&event) {
                more_at = Some(kept.len());
                collecting = false;
                continue;
            }
            let ends_paragraph = matches!(event, Event::End(TagEnd::Paragraph));
            kept.push(event);
            collecting = may_have_marker || !ends_paragraph;
        }
        let summary_events: &[Event] = match more_at {
            Some(i) => &kept[..i],
            None => first_paragraph(&kept),
        };
        let summary_events: Vec<Event> = highlight::highlight_code(
            without_footnotes(summary_events).into_iter(),
            options.highlight_cache.as_deref(),
        )
        .collect();
        let links = link_places::places(body, found);
        let summary_events = from_elsewhere(summary_events, &options.base_path, place);
        Outline {
            links,
            ..finish(&summary_events, more_at.is_some(), toc, words.total)
        }
    }
}

/// The outline of a body made from the events [`super::render_with_outline`] has at
/// hand anyway (the whole body, links rewritten and code highlighted), as they stream
/// past on their way to the HTML: only the summary's events are kept.
pub(super) struct Tap<'a> {
    may_have_marker: bool,
    kept: Vec<Event<'a>>,
    collecting: bool,
    more_at: Option<usize>,
    words: Words,
}

impl<'a> Tap<'a> {
    pub(super) fn new(body: &str) -> Self {
        Tap {
            may_have_marker: body.contains(MORE_MARKER),
            kept: Vec::new(),
            collecting: true,
            more_at: None,
            words: Words::default(),
        }
    }

    pub(super) fn see(&mut self, event: &Event<'a>) {
        self.words.count(event);
        if !self.collecting {
            return;
        }
        if is_more_marker(event) {
            self.more_at = Some(self.kept.len());
            self.collecting = false;
            return;
        }
        let ends_paragraph = matches!(event, Event::End(TagEnd::Paragraph));
        self.kept.push(event.clone());
        self.collecting = self.may_have_marker || !ends_paragraph;
    }

    /// The outline, with the headings the HTML pass found.
    pub(super) fn outline(
        self,
        toc: Vec<TocEntry>,
        options: &MarkdownOptions,
        place: Place,
    ) -> Outline {
        let summary_events: &[Event] = match self.more_at {
            Some(i) => &self.kept[..i],
            None => first_paragraph(&self.kept),
        };
        let summary_events =
            from_elsewhere(without_footnotes(summary_events), &options.base_path, place);
        finish(
            &summary_events,
            self.more_at.is_some(),
            toc,
            self.words.total,
        )
    }
}

/// The outline, from the summary's events (highlighted, without footnotes). The summary
/// is taken without heading anchors: in a list, `#id` links would point into the list
/// page, not the post.
fn finish(
    summary_events: &[Event],
    has_more_marker: bool,
    toc: Vec<TocEntry>,
    words: usize,
) -> Outline {
    let mut summary_html = String::new();
    html::push_html(&mut summary_html, summary_events.iter().cloned());
    Outline {
        summary_html: summary_html.trim_end().to_owned(),
        summary_text: plain_text(summary_events),
        has_more_marker,
        toc,
        word_count: words,
        links: Vec::new(),
    }
}

/// A summary's relative links and images made root-relative, to the post's page: shown
/// on a list or the home page, `#notes` or `chart.png` would otherwise point into that
/// page instead of the post's.
fn from_elsewhere<'a>(events: Vec<Event<'a>>, base_path: &str, place: Place) -> Vec<Event<'a>> {
    let page = place.images.page;
    let anchored = |url: &CowStr<'a>| -> Option<CowStr<'a>> {
        if url.is_empty() || url.starts_with('/') || crate::html::has_scheme(url) {
            return None;
        }
        let folder = match url.starts_with(['#', '?']) {
            true => page,
            false => crate::content::permalink::page_dir(page),
        };
        let url = url.trim_start_matches("./");
        Some(CowStr::from(format!("{base_path}{folder}{url}")))
    };
    let anchor = |url: CowStr<'a>| anchored(&url).unwrap_or(url);
    events
        .into_iter()
        .map(|event| super::links::with_dest_url(event, anchor))
        .collect()
}

/// Words of prose: the text of code blocks does not count.
#[derive(Default)]
struct Words {
    total: usize,
    in_code: bool,
}

impl Words {
    fn count(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.in_code = true,
            Event::End(TagEnd::CodeBlock) => self.in_code = false,
            Event::Text(t) | Event::Code(t) if !self.in_code => {
                self.total += t.split_whitespace().count();
            }
            _ => {}
        }
    }
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
