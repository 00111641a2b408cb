//! Site-absolute links in posts: made to work under a path prefix and for `/static/` assets.
//!
//! Writers coming from tailwind-nextjs-starter-blog link images as `/static/images/a.png`;
//! inkpress copies `static/` to the site root, so `/static/x` is rewritten to `/x`. Every
//! root-relative link also gets the site's base path, so a project site under
//! `https://user.github.io/repo/` keeps working.

use pulldown_cmark::{CowStr, Event, Tag};

/// Rewrites one root-relative URL; anything else (relative, absolute, `//host`) is kept.
pub fn rewrite_url(url: &str, base_path: &str) -> Option<String> {
    if !url.starts_with('/') || url.starts_with("//") {
        return None;
    }
    let rest = url.strip_prefix("/static/").map_or(&url[1..], |r| r);
    if base_path == "/" && !url.starts_with("/static/") {
        return None;
    }
    Some(format!("{base_path}{rest}"))
}

/// Raw HTML in posts (`<img src="/static/...">`) gets the same treatment for its
/// `src="/…"` and `href="/…"` attributes.
fn rewrite_html(html: &str, base_path: &str) -> Option<String> {
    if !html.contains("=\"/") && !html.contains("='/") {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html;
    let mut changed = false;
    while let Some(i) = rest.find(['"', '\'']) {
        let quote = rest.as_bytes()[i];
        let (before, after) = rest.split_at(i + 1);
        out.push_str(before);
        let is_url_attr = before[..i].ends_with("src=") || before[..i].ends_with("href=");
        let end = after.find(quote as char).unwrap_or(after.len());
        let value = &after[..end];
        match is_url_attr.then(|| rewrite_url(value, base_path)).flatten() {
            Some(new) => {
                out.push_str(&new);
                changed = true;
            }
            None => out.push_str(value),
        }
        rest = &after[end..];
        if let Some(stripped) = rest.strip_prefix(quote as char) {
            out.push(quote as char);
            rest = stripped;
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Event adapter applying [`rewrite_url`] to links, images and raw HTML attributes.
pub fn rewrite_links<'a>(
    events: impl Iterator<Item = Event<'a>>,
    base_path: &'a str,
) -> impl Iterator<Item = Event<'a>> {
    let url = move |dest: CowStr<'a>| rewrite_url(&dest, base_path).map_or(dest, CowStr::from);
    let html = move |h: CowStr<'a>| rewrite_html(&h, base_path).map_or(h, CowStr::from);
    events.map(move |event| match event {
        Event::Html(h) => Event::Html(html(h)),
        Event::InlineHtml(h) => Event::InlineHtml(html(h)),
        other => with_dest_url(other, url),
    })
}

/// `event` with `new` applied to its URL if it starts a link or an image.
pub fn with_dest_url<'a>(
    event: Event<'a>,
    new: impl FnOnce(CowStr<'a>) -> CowStr<'a>,
) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: new(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: new(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_relative_links_get_the_base_path() {
        assert_eq!(
            rewrite_url("/blog/x/", "/repo/").as_deref(),
            Some("/repo/blog/x/")
        );
        assert_eq!(rewrite_url("/blog/x/", "/"), None);
        assert_eq!(
            rewrite_url("/static/images/a.png", "/").as_deref(),
            Some("/images/a.png")
        );
        assert_eq!(
            rewrite_url("/static/a.png", "/r/").as_deref(),
            Some("/r/a.png")
        );
        assert_eq!(rewrite_url("//cdn.example.com/a.js", "/r/"), None);
        assert_eq!(rewrite_url("https://x.org/static/a", "/r/"), None);
        assert_eq!(rewrite_url("../a", "/r/"), None);
    }

    #[test]
    fn raw_html_attributes() {
        let html = r#"<img src="/static/a.png" alt="/static/no"><a href='/about/'>x</a>"#;
        assert_eq!(
            rewrite_html(html, "/r/").unwrap(),
            r#"<img src="/r/a.png" alt="/static/no"><a href='/r/about/'>x</a>"#
        );
        assert_eq!(rewrite_html("<div class=\"x\">", "/r/"), None);
    }
}
