//! Where each link and image of a body is written, recorded while a pass reads the
//! body's events (the HTML pass, or the outline pass, whichever makes the outline), so
//! the link check never parses a body again.

use pulldown_cmark::{Event, Tag};
use std::ops::Range;

/// One link or image as written in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPlace {
    /// The URL exactly as written (before any rewriting for a base path).
    pub url: String,
    /// 1-based line in the body (the front matter's lines not counted).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Passes events on unchanged, noting in `found` the byte offset and URL of every link
/// and image, and of every `href`, `src` and `srcset` value in raw HTML.
pub fn record<'a: 'f, 'f>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)> + 'f,
    body: &'a str,
    found: &'f mut Vec<(usize, String)>,
) -> impl Iterator<Item = Event<'a>> + 'f {
    events.map(move |(event, range)| {
        match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                found.push((range.start, dest_url.to_string()));
            }
            // The source's own slice, so that offsets inside it are offsets in the body.
            Event::Html(_) | Event::InlineHtml(_) => {
                html_urls(&body[range.clone()], range.start, found);
            }
            _ => {}
        }
        event
    })
}

/// The places of what [`record`] found, in order.
pub fn places(body: &str, found: Vec<(usize, String)>) -> Vec<LinkPlace> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut lines = Lines::new(body);
    found
        .into_iter()
        .map(|(at, url)| {
            let (line, column) = lines.position(at);
            LinkPlace { url, line, column }
        })
        .collect()
}

/// URLs in the `href`, `src` and `srcset` attributes of a piece of raw HTML, with their
/// offsets (`start` is the piece's offset in the body).
fn html_urls(html: &str, start: usize, found: &mut Vec<(usize, String)>) {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    for name in ["href", "src", "srcset"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(name).map(|i| i + from) {
            from = i + name.len();
            // A whole attribute name: after a space, before `=` (spaces allowed).
            if i == 0 || !bytes[i - 1].is_ascii_whitespace() {
                continue;
            }
            let rest = &html[from..];
            let Some(after_eq) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let value_rest = after_eq.trim_start();
            let value_at = from + (rest.len() - value_rest.len());
            let (value, offset) = match value_rest.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &value_rest[1..];
                    (&inner[..inner.find(q).unwrap_or(inner.len())], value_at + 1)
                }
                _ => {
                    let end = value_rest
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(value_rest.len());
                    (&value_rest[..end], value_at)
                }
            };
            if name == "srcset" {
                // `a.png 1x, b.png 2x`: each candidate's URL is its first word.
                let mut at = 0;
                for candidate in value.split(',') {
                    let lead = candidate.len() - candidate.trim_start().len();
                    if let Some(url) = candidate.split_whitespace().next() {
                        found.push((start + offset + at + lead, url.to_owned()));
                    }
                    at += candidate.len() + 1;
                }
            } else {
                found.push((start + offset, value.trim().to_owned()));
            }
        }
    }
}

/// Line and column of byte offsets in a text, asked in any order.
struct Lines<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// 1-based (line, column in characters) of byte `offset`.
    fn position(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Links of the body after `---\n\n`, placed in the whole text.
    fn links(text: &str) -> Vec<(String, usize, usize)> {
        let body_at = text.find("---\n\n").map_or(0, |i| i + 4);
        let body = &text[body_at..];
        let mut found = Vec::new();
        let parser = pulldown_cmark::Parser::new_ext(body, crate::markdown::parser_options());
        record(parser.into_offset_iter(), body, &mut found).for_each(drop);
        let front = text[..body_at].matches('\n').count();
        places(body, found)
            .into_iter()
            .map(|l| (l.url, l.line + front, l.column))
            .collect()
    }

    #[test]
    fn markdown_links_and_images_with_file_positions() {
        let text = "---\ntitle: x\n---\n\nSee [a](/blog/a/) and ![i](pic.png).\n\n[r]: ../b/#s\n\nA [ref][r].\n";
        assert_eq!(
            links(text),
            [
                ("/blog/a/".to_owned(), 5, 5),
                ("pic.png".to_owned(), 5, 23),
                ("../b/#s".to_owned(), 9, 3),
            ]
        );
    }

    #[test]
    fn raw_html_attributes_and_srcset() {
        let text = "---\nt: 1\n---\n\n<p><a class=x href=\"/about/\">x</a></p>\n\nÉ <img src='/a.png' srcset=\"/b.png 1x, /c.png 2x\">\n";
        assert_eq!(
            links(text),
            [
                ("/about/".to_owned(), 5, 21),
                ("/a.png".to_owned(), 7, 13),
                ("/b.png".to_owned(), 7, 29),
                ("/c.png".to_owned(), 7, 40),
            ]
        );
    }

    #[test]
    fn code_is_not_a_link() {
        let text = "---\nt: 1\n---\n\n```html\n<a href=\"/x/\">[a](/y/)</a>\n```\n\n`[b](/z/)`\n";
        assert!(links(text).is_empty(), "{:?}", links(text));
    }
}
