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

impl BodyWarning {
    /// The warning at the place in the source that `map` leads its place back to.
    pub fn traced(self, map: &SourceMap) -> BodyWarning {
        BodyWarning {
            at: map.source(self.at),
            ..self
        }
    }
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

    /// The text with every replacement made, and where its places were in `text`.
    pub fn apply(mut self, text: &str) -> (String, SourceMap) {
        self.edits.sort_by_key(|(range, _)| range.start);
        let mut out = String::with_capacity(text.len());
        let mut moves = Vec::with_capacity(self.edits.len());
        let (mut old, mut new) = (Cursor::default(), Cursor::default());
        let mut at = 0;
        for (range, with) in self.edits {
            if range.start < at || range.end > text.len() {
                continue;
            }
            let kept = &text[at..range.start];
            out.push_str(kept);
            old.read(kept);
            new.read(kept);
            let (old_start, new_start) = (old.place(), new.place());
            old.read(&text[range.clone()]);
            new.read(&with);
            out.push_str(&with);
            moves.push(Replaced {
                old: (old_start, old.place()),
                new: (new_start, new.place()),
            });
            at = range.end;
        }
        out.push_str(&text[at..]);
        (out, SourceMap(vec![moves]))
    }
}

/// A line and a column, 1-based, the column in characters.
pub type Place = (usize, usize);

/// Where the places of a rewritten text were in the text it was rewritten from, through
/// every rewrite (an MDX body's, then its shortcodes'), so that a problem found in the
/// Markdown a body became (a broken link, a formula) is reported where it is written,
/// even after a rewrite took a line away or made one shorter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap(Vec<Vec<Replaced>>);

/// One replacement: where it starts and ends in the old text and in the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Replaced {
    old: (Place, Place),
    new: (Place, Place),
}

impl SourceMap {
    /// This map followed by a rewrite of the text it leads to.
    pub fn then(mut self, later: SourceMap) -> SourceMap {
        self.0.extend(later.0);
        self
    }

    /// Where a place of the rewritten text was written: a place inside what a rewrite
    /// wrote is where the text it replaced started.
    pub fn source(&self, at: Place) -> Place {
        self.0.iter().rev().fold(at, |at, rewrite| {
            let before = rewrite.partition_point(|r| r.new.0 <= at);
            let Some(r) = before.checked_sub(1).map(|i| rewrite[i]) else {
                return at;
            };
            let (new_end, old_end) = (r.new.1, r.old.1);
            match at {
                _ if at < new_end => r.old.0,
                (line, column) if line == new_end.0 => (old_end.0, old_end.1 + column - new_end.1),
                (line, column) => (line - new_end.0 + old_end.0, column),
            }
        })
    }
}

/// The place reached by reading a text from its start, piece by piece.
#[derive(Clone, Copy)]
struct Cursor {
    line: usize,
    column: usize,
}

impl Default for Cursor {
    fn default() -> Self {
        Cursor { line: 1, column: 1 }
    }
}

impl Cursor {
    fn read(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = piece[last + 1..].chars().count() + 1;
            }
            None => self.column += piece.chars().count(),
        }
    }

    fn place(self) -> Place {
        (self.line, self.column)
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
        assert_eq!(edits.apply(text).0, "1 \nour");
    }

    #[test]
    fn places_after_rewrites_lead_back_to_where_they_were_written() {
        // A tag over three lines becomes one short line; a tag on a line is made longer.
        let text = "{{< a\nb\nc >}} [x](/x)\nsee <B>é</B> [y](/y)\nlast\n";
        let mut edits = Edits::default();
        edits.replace(0..13, "<img>");
        edits.replace(26..29, "<strong class=\"b\">");
        edits.replace(31..35, "</strong>");
        let (out, map) = edits.apply(text);
        assert_eq!(
            out,
            "<img> [x](/x)\nsee <strong class=\"b\">é</strong> [y](/y)\nlast\n"
        );
        let place = |needle: &str| line_column(&out, out.find(needle).unwrap());
        assert_eq!(map.source(place("[x]")), (3, 7));
        assert_eq!(map.source(place("é")), (4, 8));
        assert_eq!(map.source(place("[y]")), (4, 14));
        assert_eq!(map.source(place("last")), (5, 1));
        // Inside what a rewrite wrote: where the replaced text started.
        assert_eq!(map.source(place("class")), (4, 5));
        assert_eq!(map.source((1, 1)), (1, 1));
        // A second rewrite of the result leads back through the first.
        let mut later = Edits::default();
        later.blank(&out, 0..5);
        let (again, second) = later.apply(&out);
        let map = map.then(second);
        assert_eq!(
            map.source(line_column(&again, again.find("[x]").unwrap())),
            (3, 7)
        );
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
