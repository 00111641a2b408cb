//! Where each link and image of a body is written, recorded while a pass reads the
//! body's events (the HTML pass, or the outline pass, whichever makes the outline), so
//! the link check never parses a body again.

use pulldown_cmark::{Event, Tag, TagEnd};
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
    /// Whether it is an image (Markdown's `![]()`, an `<img>`'s `src` or `srcset`).
    pub image: bool,
    /// For an image that gives a reader who cannot see it nothing to read: how it is
    /// written without a text alternative.
    pub missing_alt: Option<MissingAlt>,
}

/// How an image is written without a text alternative. An `<img>` with `alt=""` is
/// decorative by the writer's choice (as WCAG's technique H67 has it) and is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingAlt {
    /// Markdown's `![](x.png)`: nothing between the brackets, almost always forgotten
    /// (Markdown has no way to say "decorative").
    EmptyBrackets,
    /// Raw HTML's `<img src="x.png">` with no `alt` (nor `aria-label`,
    /// `aria-labelledby`, `title` or a presentational role, which axe-core accepts too).
    NoAttribute,
}

/// What [`record`] notes of a link or image, by its byte offset in the body.
#[derive(Debug)]
pub struct Found {
    at: usize,
    url: String,
    image: bool,
    missing_alt: Option<MissingAlt>,
}

/// Passes events on unchanged, noting in `found` the byte offset and URL of every link
/// and image, and of every `href`, `src` and `srcset` value in raw HTML, and which
/// images have no text alternative.
pub fn record<'a: 'f, 'f>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)> + 'f,
    body: &'a str,
    found: &'f mut Vec<Found>,
) -> impl Iterator<Item = Event<'a>> + 'f {
    // Markdown images being read (an image's alt text may hold another image), by their
    // place in `found`: their alt text is the text until their end.
    let mut open_images: Vec<usize> = Vec::new();
    let mut in_html_block = false;
    events.map(move |(event, range)| {
        match &event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                found.push(Found::link(range.start, dest_url.to_string()));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                open_images.push(found.len());
                found.push(Found {
                    missing_alt: Some(MissingAlt::EmptyBrackets),
                    ..Found::image(range.start, dest_url.to_string())
                });
            }
            Event::Text(text) | Event::Code(text)
                if !open_images.is_empty() && !text.trim().is_empty() =>
            {
                for &i in &open_images {
                    found[i].missing_alt = None;
                }
            }
            Event::End(TagEnd::Image) => {
                open_images.pop();
            }
            // The source's own slice, so that offsets inside it are offsets in the body. A
            // block of HTML is read whole (its events are its lines): a tag may span lines.
            Event::Start(Tag::HtmlBlock) => {
                in_html_block = true;
                html_urls(&body[range.clone()], range.start, found);
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::Html(_) | Event::InlineHtml(_) if !in_html_block => {
                html_urls(&body[range.clone()], range.start, found);
            }
            _ => {}
        }
        event
    })
}

impl Found {
    fn link(at: usize, url: String) -> Self {
        Found {
            at,
            url,
            image: false,
            missing_alt: None,
        }
    }

    fn image(at: usize, url: String) -> Self {
        Found {
            image: true,
            ..Found::link(at, url)
        }
    }
}

/// The places of what [`record`] found, in order.
pub fn places(body: &str, found: Vec<Found>) -> Vec<LinkPlace> {
    if found.is_empty() {
        return Vec::new();
    }
    let mut lines = Lines::new(body);
    found
        .into_iter()
        .map(|f| {
            let (line, column) = lines.position(f.at);
            LinkPlace {
                url: f.url,
                line,
                column,
                image: f.image,
                missing_alt: f.missing_alt,
            }
        })
        .collect()
}

/// URLs in the `href`, `src` and `srcset` attributes of a piece of raw HTML, with their
/// offsets (`start` is the piece's offset in the body); the `src` of an `<img>` without
/// a text alternative is marked so.
fn html_urls(html: &str, start: usize, found: &mut Vec<Found>) {
    let first_new = found.len();
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
            let in_img = name != "href" && img_tag_around(&lower, i).is_some();
            let rest = &html[from..];
            let Some(after_eq) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let value_rest = after_eq.trim_start();
            let value_at = from + (rest.len() - value_rest.len());
            let quoted = value_rest.starts_with(['"', '\'']);
            let (value, _) =
                crate::html::attribute_value(value_rest, |c| c.is_ascii_whitespace() || c == '>');
            let offset = value_at + usize::from(quoted);
            if name == "srcset" {
                // `a.png 1x, b.png 2x`: each candidate's URL is its first word.
                let mut at = 0;
                for candidate in value.split(',') {
                    let lead = candidate.len() - candidate.trim_start().len();
                    if let Some(url) = candidate.split_whitespace().next() {
                        let at = start + offset + at + lead;
                        found.push(Found {
                            image: in_img,
                            ..Found::link(at, url.to_owned())
                        });
                    }
                    at += candidate.len() + 1;
                }
            } else {
                let at = start + offset;
                found.push(Found {
                    image: in_img,
                    ..Found::link(at, value.trim().to_owned())
                });
            }
        }
    }
    mark_images_without_alt(&lower, start, &mut found[first_new..]);
}

/// The byte range of the `<img …>` tag that byte `i` of a lowercased piece of HTML
/// stands in, if it stands in one.
fn img_tag_around(lower: &str, i: usize) -> Option<Range<usize>> {
    let tag = lower[..i].rfind("<img")?;
    let is_img = lower[tag + 4..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/');
    let end = tag_end(lower, tag);
    (is_img && i < end).then_some(tag..end)
}

/// Where the tag opening at `tag` ends (after its `>`, or the end of the piece): a `>` in
/// a quoted value does not end it.
fn tag_end(html: &str, tag: usize) -> usize {
    let mut quote = None;
    for (i, c) in html[tag..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return tag + i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Marks the first image URL of each `<img>` tag (among `found`, this piece's URLs)
/// that has no text alternative. `lower` is the piece lowercased, `start` its offset.
fn mark_images_without_alt(lower: &str, start: usize, found: &mut [Found]) {
    let mut from = 0;
    while let Some(tag) = lower[from..].find("<img").map(|t| t + from) {
        from = tag + 4;
        let Some(range) = img_tag_around(lower, from) else {
            continue;
        };
        from = range.end;
        if has_text_alternative(&lower[range.clone()]) {
            continue;
        }
        let in_tag = (start + range.start)..(start + range.end);
        if let Some(first) = found.iter_mut().find(|f| f.image && in_tag.contains(&f.at)) {
            first.missing_alt = Some(MissingAlt::NoAttribute);
        }
    }
}

/// Whether a lowercased `<img …>` tag gives a text alternative, or says it needs none:
/// an `alt` attribute (empty is decorative), a non-empty `aria-label` or `title`, an
/// `aria-labelledby`, or `role="presentation"`/`"none"` (what axe-core's image-alt
/// rule accepts).
fn has_text_alternative(tag: &str) -> bool {
    let attributes = attributes(tag);
    attributes.iter().any(|(name, value)| match *name {
        "alt" | "aria-labelledby" => true,
        "aria-label" | "title" => value.is_some_and(|v| !v.trim().is_empty()),
        "role" => value.is_some_and(|v| matches!(v.trim(), "presentation" | "none")),
        _ => false,
    })
}

/// The attributes of a tag (`<img a="1" b c=d>`): names, and values without quotes.
fn attributes(tag: &str) -> Vec<(&str, Option<&str>)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    // Past the tag's name.
    let mut rest = inner.trim_start_matches(|c: char| !c.is_ascii_whitespace());
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        if name_end == 0 {
            break;
        }
        let name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            found.push((name, None));
            continue;
        };
        let (value, after) =
            crate::html::attribute_value(after_eq.trim_start(), |c| c.is_ascii_whitespace());
        found.push((name, Some(value)));
        rest = after;
    }
    found
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

    /// URL and how its alt text is missing, of every image of a body.
    fn missing_alt(body: &str) -> Vec<(String, Option<MissingAlt>)> {
        let mut found = Vec::new();
        let parser = pulldown_cmark::Parser::new_ext(body, crate::markdown::parser_options());
        record(parser.into_offset_iter(), body, &mut found).for_each(drop);
        found
            .into_iter()
            .filter(|f| f.image)
            .map(|f| (f.url, f.missing_alt))
            .collect()
    }

    #[test]
    fn markdown_images_need_words_between_the_brackets() {
        use MissingAlt::EmptyBrackets;
        let body = "![](a.png) ![ ](b.png) ![x](c.png) ![*x*](d.png) ![`x`](e.png)\n\n\
                    ![![](f.png)](g.png) ![![x](h.png)](i.png)\n";
        assert_eq!(
            missing_alt(body),
            [
                ("a.png".to_owned(), Some(EmptyBrackets)),
                ("b.png".to_owned(), Some(EmptyBrackets)),
                ("c.png".to_owned(), None),
                ("d.png".to_owned(), None),
                ("e.png".to_owned(), None),
                ("g.png".to_owned(), Some(EmptyBrackets)),
                ("f.png".to_owned(), Some(EmptyBrackets)),
                ("i.png".to_owned(), None),
                ("h.png".to_owned(), None),
            ]
        );
    }

    #[test]
    fn raw_img_needs_an_alt_attribute_or_a_label_and_empty_alt_is_decorative() {
        use MissingAlt::NoAttribute;
        let body = "<img src=a.png> <img src=\"b.png\" alt=\"\"> <img alt src=c.png> \
                    <IMG SRC='d.png' ALT='D'> <img src=e.png aria-label=\" \"> \
                    <img src=f.png aria-label=F> <img src=g.png role=none> <img src=h.png title=H> \
                    <img data-x=\"alt=1 >\" src=i.png> <img srcset=\"j.png 1x, k.png 2x\">\n\n\
                    <div>\n<img\n  src=\"l.png\"\n  srcset=\"m.png 2x\">\n</div>\n";
        assert_eq!(
            missing_alt(body),
            [
                ("a.png".to_owned(), Some(NoAttribute)),
                ("b.png".to_owned(), None),
                ("c.png".to_owned(), None),
                ("d.png".to_owned(), None),
                ("e.png".to_owned(), Some(NoAttribute)),
                ("f.png".to_owned(), None),
                ("g.png".to_owned(), None),
                ("h.png".to_owned(), None),
                ("i.png".to_owned(), Some(NoAttribute)),
                ("j.png".to_owned(), Some(NoAttribute)),
                ("k.png".to_owned(), None),
                ("l.png".to_owned(), Some(NoAttribute)),
                ("m.png".to_owned(), None),
            ]
        );
    }
}
