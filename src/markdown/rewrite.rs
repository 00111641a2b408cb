//! Source rewrites made when a body is loaded (MDX, shortcodes): replacements of byte
//! ranges of the Markdown, applied in one pass, and the warnings they raise.

use pulldown_cmark::{CowStr, Event};
use std::ops::Range;

/// Something in a body a page cannot show as written, with its 1-based line and column in
/// the body ([`crate::content::Document::in_file`] makes it a place in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyWarning {
    pub at: (usize, usize),
    pub message: String,
}

/// Replacements of ranges of one text. Where two overlap, the one that starts first (or,
/// at the same start, was added first) wins: an outer rewrite covers what is inside it.
#[derive(Default)]
pub struct Edits {
    edits: Vec<(Range<usize>, String)>,
}

impl Edits {
    pub fn replace(&mut self, range: Range<usize>, with: impl Into<String>) {
        self.edits.push((range, with.into()));
    }

    /// Removes a range but keeps its line breaks, so that the lines after it keep their
    /// numbers (warnings and the link check count them).
    pub fn blank(&mut self, text: &str, range: Range<usize>) {
        let breaks = newlines(&text[range.clone()]);
        self.replace(range, breaks);
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The text with every replacement made.
    pub fn apply(mut self, text: &str) -> String {
        self.edits.sort_by_key(|(range, _)| range.start);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (range, with) in self.edits {
            if range.start < at || range.end > text.len() {
                continue;
            }
            out.push_str(&text[at..range.start]);
            out.push_str(&with);
            at = range.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// The line breaks of a text, and nothing else.
pub fn newlines(text: &str) -> String {
    "\n".repeat(text.matches('\n').count())
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The empty comment [`own_block`] starts a line with.
const BLOCK_MARK: &str = "<!-- -->";

/// HTML that is a block of its own line whatever the next line holds. CommonMark ends most
/// HTML blocks at a blank line only, so Markdown on the next line would be taken as raw
/// HTML; a block that starts with a comment ends at the line where the comment closes.
/// [`unmarked`] takes the comment out of the page again.
pub fn own_block(html: &str) -> String {
    format!("{BLOCK_MARK}{html}")
}

/// Event adapter: HTML blocks made by [`own_block`] without their comment.
pub fn unmarked<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|event| match event {
        Event::Html(CowStr::Borrowed(html)) if html.starts_with(BLOCK_MARK) => {
            Event::Html(CowStr::Borrowed(&html[BLOCK_MARK.len()..]))
        }
        Event::Html(html) if html.starts_with(BLOCK_MARK) => {
            Event::Html(CowStr::from(html[BLOCK_MARK.len()..].to_owned()))
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_outer_ones_win() {
        let text = "one two three\nfour";
        let mut edits = Edits::default();
        edits.replace(8..13, "3");
        edits.replace(0..3, "1");
        edits.replace(9..10, "x");
        edits.blank(text, 4..15);
        assert_eq!(edits.apply(text), "1 \nour");
    }

    #[test]
    fn a_block_of_its_own_line_ends_there_and_loses_its_mark() {
        let markdown = format!("{}\nNext *line*\n", own_block("<div class=\"x\">"));
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            unmarked(pulldown_cmark::Parser::new(&markdown)),
        );
        assert_eq!(html, "<div class=\"x\">\n<p>Next <em>line</em></p>\n");
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        assert_eq!(line_column("ab\ncé d", 0), (1, 1));
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    }
}
