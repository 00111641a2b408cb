//! Heading ids, anchor links and the table of contents.

use crate::content::slug::{heading_slug, UniqueIds};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

/// One heading of a page, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// The ids of one page's headings, claimed in order, so that the outline's table of
/// contents and the anchored HTML, made in separate passes, agree.
#[derive(Default)]
pub struct HeadingIds(UniqueIds);

impl HeadingIds {
    /// The entry of the next heading: its own `{#id}`, else a GitHub-style slug of its
    /// text, made unique in the page.
    pub fn entry(&mut self, level: HeadingLevel, own: Option<&str>, title: &str) -> TocEntry {
        let id = self.0.claim(match own {
            Some(own) => own.to_owned(),
            None => heading_slug(title),
        });
        TocEntry {
            level: level_number(level),
            id,
            title: title.trim().to_owned(),
        }
    }
}

/// Gives every heading an id (its own `{#id}` or a GitHub-style slug, unique in the page)
/// and an anchor link, and records it in `toc`. Events stream through: only a heading's
/// own events wait, until its title is known.
pub fn anchor_headings<'a, 't>(
    events: impl Iterator<Item = Event<'a>> + 't,
    toc: &'t mut Vec<TocEntry>,
) -> impl Iterator<Item = Event<'a>> + 't
where
    'a: 't,
{
    let mut ids = HeadingIds::default();
    let mut events = events;
    let mut waiting = std::collections::VecDeque::new();
    std::iter::from_fn(move || {
        if let Some(event) = waiting.pop_front() {
            return Some(event);
        }
        let event = events.next()?;
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: _,
        }) = event
        else {
            return Some(event);
        };
        let mut title = String::new();
        for e in events.by_ref() {
            match &e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => title.push_str(t),
                _ => {}
            }
            waiting.push_back(e);
        }
        let entry = ids.entry(level, id.as_deref(), &title);
        let (n, id) = (entry.level, &entry.id);
        let mut open = format!("<h{n} id=\"{}\"", crate::html::escape(id));
        if !classes.is_empty() {
            let joined: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            open.push_str(&format!(
                " class=\"{}\"",
                crate::html::escape(&joined.join(" "))
            ));
        }
        open.push('>');
        waiting.push_back(Event::Html(CowStr::from(format!(
            "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></h{n}>\n",
            crate::html::escape(id)
        ))));
        toc.push(entry);
        Some(Event::Html(CowStr::from(open)))
    })
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
