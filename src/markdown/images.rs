//! Local images get their size, lazy loading and a `srcset` of resized copies: Markdown
//! images (`![alt](./photo.jpg)`) and raw `<img>` tags alike, with nothing for the writer
//! to add. What each image gets is [`crate::images::Images::lookup`]'s answer.
//!
//! Runs before links are rewritten, so it sees URLs as written; the `src` it writes is
//! then rewritten like any other (the base path, `/static/`), and the `srcset` it writes
//! already has the base path.

use crate::config::CopyFormat;
use crate::html::escape;
use crate::images::{Image, Images, Place};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::VecDeque;

/// Event adapter: every local image found becomes an `<img>` with its attributes; the
/// first one seen is also noted in `first` (for the social card).
pub fn sized<'a, 'f>(
    events: impl Iterator<Item = Event<'a>> + 'f,
    images: &'f Images,
    place: Place<'f>,
    first: &'f mut Option<Image>,
) -> impl Iterator<Item = Event<'a>> + 'f
where
    'a: 'f,
{
    Sized {
        events,
        images,
        place,
        first,
        seen_one: false,
        pictures_open: 0,
        queued: VecDeque::new(),
    }
}

struct Sized<'a, 'f, I> {
    events: I,
    images: &'f Images,
    place: Place<'f>,
    first: &'f mut Option<Image>,
    /// Whether an image came before: only the first is loaded eagerly.
    seen_one: bool,
    /// How many of the writer's own `<picture>` elements are open here (raw HTML comes
    /// a line or a tag an event): an image inside one is only sized, as its sources are
    /// the writer's and a `<picture>` cannot hold another.
    pictures_open: usize,
    /// An image's events given back as they were (it is not a local file).
    queued: VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Sized<'a, '_, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.queued.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // The alt text is the image's inner events (images may nest in it).
                let mut inner = Vec::new();
                let mut depth = 1;
                for event in self.events.by_ref() {
                    match &event {
                        Event::Start(Tag::Image { .. }) => depth += 1,
                        Event::End(TagEnd::Image) => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    inner.push(event);
                }
                match self.found(&dest_url) {
                    Some((image, eager)) => {
                        let alt: String = inner.iter().filter_map(text_of).collect();
                        let mut tag = format!(
                            "<img src=\"{}\" alt=\"{}\"",
                            escape(&dest_url),
                            escape(&alt)
                        );
                        if !title.is_empty() {
                            tag.push_str(&format!(" title=\"{}\"", escape(&title)));
                        }
                        let in_writers = self.pictures_open > 0;
                        tag.push_str(
                            &self.attributes(&image, eager, |name| in_writers && is_srcset(name)),
                        );
                        tag.push_str(" />");
                        Some(Event::InlineHtml(CowStr::from(match in_writers {
                            true => tag,
                            false => self.in_picture(&image, tag),
                        })))
                    }
                    None => {
                        self.queued.extend(inner);
                        self.queued.push_back(Event::End(TagEnd::Image));
                        Some(Event::Start(Tag::Image {
                            link_type,
                            dest_url,
                            title,
                            id,
                        }))
                    }
                }
            }
            Event::Html(html) => Some(Event::Html(self.raw(html))),
            Event::InlineHtml(html) => Some(Event::InlineHtml(self.raw(html))),
            other => Some(other),
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Sized<'a, '_, I> {
    /// The image at `url`, if local, and whether it is the first (loaded eagerly).
    fn found(&mut self, url: &str) -> Option<(Image, bool)> {
        let image = self.images.lookup(url, self.place)?;
        let eager = !self.seen_one;
        self.seen_one = true;
        if eager {
            *self.first = Some(image.clone());
        }
        Some((image, eager))
    }

    /// ` width="…" height="…" loading="lazy" decoding="async" srcset="…" sizes="…"`,
    /// leaving out those the tag `has` already.
    fn attributes(&self, image: &Image, eager: bool, has: impl Fn(&str) -> bool) -> String {
        let mut out = String::new();
        let mut add = |name: &str, value: &str| {
            if !has(name) {
                out.push_str(&format!(" {name}=\"{value}\""));
            }
        };
        // A width or height the writer gave is theirs; the other would distort it.
        if !has("width") && !has("height") {
            add("width", &image.info.width.to_string());
            add("height", &image.info.height.to_string());
        }
        if eager {
            add("fetchpriority", "high");
        } else {
            add("loading", "lazy");
        }
        add("decoding", "async");
        let webp = image.srcsets.iter().find(|(f, _)| *f == CopyFormat::Webp);
        if let Some((_, srcset)) = webp.filter(|_| !has("srcset")) {
            add("srcset", &srcset_value(image, srcset));
            add("sizes", &self.sizes());
        }
        out
    }

    /// `(max-width: 736px) 100vw, 736px`: as wide as the screen, up to the column.
    fn sizes(&self) -> String {
        let column = self.images.settings().column;
        format!("(max-width: {column}px) 100vw, {column}px")
    }

    /// The `<img>` `tag` alone, or in a `<picture>` after a `<source>` for each format
    /// of copies an `<img>` cannot name (AVIF, which some browsers cannot show): those
    /// that can take it, others fall through to the `<img>`'s WebP `srcset`.
    fn in_picture(&self, image: &Image, tag: String) -> String {
        let sources: Vec<String> = image
            .srcsets
            .iter()
            .filter(|(format, _)| *format != CopyFormat::Webp)
            .map(|(format, srcset)| {
                format!(
                    "<source type=\"{}\" srcset=\"{}\" sizes=\"{}\" />",
                    format.mime(),
                    srcset_value(image, srcset),
                    self.sizes()
                )
            })
            .collect();
        if sources.is_empty() {
            return tag;
        }
        format!("<picture>{}{tag}</picture>", sources.concat())
    }

    /// Raw HTML with each complete `<img …>` tag that names a local image given its
    /// attributes; HTML without images is handed back untouched. An `<img>` in the
    /// writer's own `<picture>` (opened in this HTML or an earlier event's) gets its size
    /// and loading only: no `srcset` beside the writer's sources, no `<picture>` of ours.
    fn raw(&mut self, html: CowStr<'a>) -> CowStr<'a> {
        // Made only once an image is changed: most raw HTML is handed back as it is.
        let mut out: Option<String> = None;
        // Where the part of `html` not yet copied to `out` starts.
        let mut copied = 0;
        let mut from = 0;
        while let Some((at, kind)) = next_tag(&html[from..]).map(|(at, k)| (at + from, k)) {
            let Some(len) = html[at..].find('>') else {
                break;
            };
            from = at + len + 1;
            let tag = &html[at..at + len];
            let found = match kind {
                TagKind::PictureOpen => {
                    self.pictures_open += 1;
                    None
                }
                TagKind::PictureClose => {
                    self.pictures_open = self.pictures_open.saturating_sub(1);
                    None
                }
                TagKind::Img => attribute(tag, "src").and_then(|src| self.found(&src)),
            };
            let Some((image, eager)) = found else {
                continue;
            };
            let in_writers = self.pictures_open > 0;
            let has = |name: &str| attribute(tag, name).is_some() || in_writers && is_srcset(name);
            let mut sized = tag.trim_end_matches('/').trim_end().to_owned();
            sized.push_str(&self.attributes(&image, eager, has));
            sized.push_str(if tag.ends_with('/') { " />" } else { ">" });
            let out = out.get_or_insert_with(|| String::with_capacity(html.len() + 128));
            out.push_str(&html[copied..at]);
            copied = from;
            // A writer's own `srcset` (or `<picture>`) is theirs: no sources of ours.
            match has("srcset") {
                true => out.push_str(&sized),
                false => out.push_str(&self.in_picture(&image, sized)),
            }
        }
        match out {
            Some(mut out) => {
                out.push_str(&html[copied..]);
                CowStr::from(out)
            }
            None => html,
        }
    }
}

/// The attributes a `srcset` of ours brings, left out in the writer's `<picture>`.
fn is_srcset(name: &str) -> bool {
    name == "srcset" || name == "sizes"
}

/// A `srcset` attribute's value, escaped: the copies, then the original under its site
/// URL (the URL resolved against the page, with the base path: links.rs rewrites the
/// `src`, never a `srcset`).
fn srcset_value(image: &Image, srcset: &[(String, u32)]) -> String {
    let candidates: Vec<String> = srcset
        .iter()
        .map(|(url, w)| match url.is_empty() {
            true => format!("{} {w}w", image.site_url),
            false => format!("{url} {w}w"),
        })
        .collect();
    escape(&candidates.join(", "))
}

/// The text an event adds to an alt attribute.
fn text_of<'e>(event: &'e Event) -> Option<&'e str> {
    match event {
        Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => Some(t),
        Event::SoftBreak | Event::HardBreak => Some(" "),
        _ => None,
    }
}

/// The tags [`Sized::raw`] looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    Img,
    PictureOpen,
    PictureClose,
}

/// Where the next `<img`, `<picture` or `</picture` tag starts (any case, its name
/// ended by a space, `/` or `>`), and which it is.
fn next_tag(html: &str) -> Option<(usize, TagKind)> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'<', &bytes[from..]).map(|i| i + from) {
        from = i + 1;
        let named = |name: &[u8]| {
            let end = i + 1 + name.len();
            bytes
                .get(i + 1..end)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
                && bytes
                    .get(end)
                    .is_some_and(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        };
        if named(b"img") && bytes.get(i + 4).is_some_and(u8::is_ascii_whitespace) {
            return Some((i, TagKind::Img));
        }
        if named(b"picture") {
            return Some((i, TagKind::PictureOpen));
        }
        if named(b"/picture") {
            return Some((i, TagKind::PictureClose));
        }
    }
    None
}

/// The value of attribute `name` in a tag's text (`<img src="a.png" alt=x`), unescaped
/// only of `&amp;`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        if !lower.as_bytes()[i - 1].is_ascii_whitespace() {
            continue;
        }
        let after = tag[from..].trim_start();
        let Some(value) = after.strip_prefix('=') else {
            if after.is_empty() || after.starts_with(|c: char| c.is_ascii_whitespace() || c == '/')
            {
                return Some(String::new());
            }
            continue;
        };
        let value = value.trim_start();
        let raw = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value
                .split(|c: char| c.is_ascii_whitespace())
                .next()
                .unwrap_or(""),
        };
        return Some(raw.replace("&amp;", "&"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_of_raw_tags() {
        let tag = r#"<img class="x" SRC='/a.png?x=1&amp;y=2' width=40 data-src="no""#;
        assert_eq!(attribute(tag, "src").as_deref(), Some("/a.png?x=1&y=2"));
        assert_eq!(attribute(tag, "width").as_deref(), Some("40"));
        assert_eq!(attribute(tag, "height"), None);
        assert_eq!(next_tag("<p><IMG src=x></p>"), Some((3, TagKind::Img)));
        assert_eq!(next_tag("<imgur>"), None);
        assert_eq!(
            next_tag("<pictures><PICTURE>"),
            Some((10, TagKind::PictureOpen))
        );
        assert_eq!(next_tag("a</picture >"), Some((1, TagKind::PictureClose)));
    }
}
