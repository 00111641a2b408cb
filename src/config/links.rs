//! Where things are published and where old URLs lead: `[permalinks]` and `[redirects]`
//! as written (each value with its place in `inkpress.toml`, so a report names its line),
//! then resolved.

use super::line_col;
use crate::content::meta::alias_path;
use crate::content::permalink::{Pattern, Permalinks};
use crate::error::{Diagnostic, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// `[permalinks]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPermalinks {
    posts: Option<Spanned<String>>,
    tags: Option<Spanned<String>>,
}

/// `[redirects]` as written: old URL → new URL (a site path or a full URL).
pub(super) type RawRedirects = BTreeMap<Spanned<String>, Spanned<String>>;

/// The config file's text, for reports that point at a value in it.
pub(super) struct ConfigText<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl ConfigText<'_> {
    /// A report about the value written at `span`.
    fn at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(self.text, span.start);
        Diagnostic::new(self.path, message).at(self.text, line, column)
    }
}

/// An old feed URL in `[redirects]` (`"/posts/index.xml" = "/index.xml"`). Feed readers
/// follow no HTML redirect, so the feed it names is written at the old URL as well.
#[derive(Debug, Clone)]
pub struct FeedCopy {
    /// Site path of the old feed, without a leading slash: `posts/index.xml`.
    pub path: String,
    /// Site path of the feed it carries: `index.xml`, `tags/rust/index.xml`.
    pub feed: String,
    /// `inkpress.toml` at this entry, with no message yet: a build that writes no such
    /// feed reports it there.
    pub written_at: Diagnostic,
}

/// `[redirects]` resolved: old pages, and old feeds.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    /// Old site path (from `meta::alias_path`) → where it now is, a site path or a full
    /// URL: each gets a page that sends readers there.
    pub pages: Vec<(String, String)>,
    pub feeds: Vec<FeedCopy>,
}

pub(super) fn resolve_permalinks(raw: RawPermalinks, file: &ConfigText) -> Result<Permalinks> {
    let mut permalinks = Permalinks::default();
    let wrong = |key: &str, value: &Spanned<String>, message: String| {
        file.at(value.span(), format!("[permalinks] {key}: {message}"))
            .hint("for example posts = \"/{year}/{month}/{day}/{slug}.html\" or tags = \"/tags/{slug}/\"")
    };
    let mut errors = Vec::new();
    if let Some(posts) = raw.posts {
        match Pattern::posts(posts.get_ref()) {
            Ok(pattern) => permalinks.posts = pattern,
            Err(m) => errors.push(wrong("posts", &posts, m)),
        }
    }
    if let Some(tags) = raw.tags {
        match Pattern::tags(tags.get_ref()) {
            Ok(pattern) => permalinks.tags = pattern,
            Err(m) => errors.push(wrong("tags", &tags, m)),
        }
    }
    all_or_errors(permalinks, errors)
}

/// The value, or every error found making it.
fn all_or_errors<T>(value: T, errors: Vec<Diagnostic>) -> Result<T> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(crate::error::Diagnostics(errors))
    }
}

pub(super) fn resolve_redirects(raw: RawRedirects, file: &ConfigText) -> Result<Redirects> {
    let mut redirects = Redirects::default();
    let mut errors = Vec::new();
    for (old, new) in raw {
        let (old_span, old) = (old.span(), old.into_inner());
        let (new_span, new) = (new.span(), new.into_inner());
        let to = new.trim();
        let full = to.starts_with("http://") || to.starts_with("https://");
        let old_feed = old.trim().trim_end_matches('/').ends_with(".xml");
        let Some(from) = alias_path(&old).filter(|_| !old_feed) else {
            match feed_copy(&old, to) {
                Some((path, feed)) if old_feed => redirects.feeds.push(FeedCopy {
                    path,
                    feed,
                    written_at: file.at(old_span, ""),
                }),
                _ if old_feed => errors.push(
                    file.at(
                        new_span,
                        format!("[redirects] {old:?} = {new:?}: an old feed can only lead to a feed of this site"),
                    )
                    .hint("feed readers follow no HTML redirect: name the feed that carries the same posts, as \"/posts/index.xml\" = \"/index.xml\""),
                ),
                _ => errors.push(
                    file.at(old_span, format!("[redirects] {old:?} is not a path on this site"))
                        .hint("write old URLs as site paths: \"/old-post/\" = \"/blog/new-post/\""),
                ),
            }
            continue;
        };
        if !full && !to.starts_with('/') {
            errors.push(
                file.at(
                    new_span,
                    format!("[redirects] {old:?} = {new:?}: the new URL must start with / or http(s)://"),
                )
                .hint("write \"/old/\" = \"/blog/new/\""),
            );
            continue;
        }
        redirects.pages.push((from, to.to_owned()));
    }
    all_or_errors(redirects, errors)
}

/// The site paths of an old feed and of the feed that now carries its posts, when both
/// are feed files of this site (`/x/index.xml` = `/index.xml`).
fn feed_copy(old: &str, new: &str) -> Option<(String, String)> {
    let file = |url: &str| {
        let path = alias_path(url)?;
        let path = path.strip_suffix('/').unwrap_or(&path).to_owned();
        path.ends_with(".xml").then_some(path)
    };
    if !new.starts_with('/') {
        return None;
    }
    Some((file(old)?, file(new)?))
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;

    #[test]
    fn old_feeds_lead_to_feeds_and_old_pages_to_pages() {
        let c = load(
            "[redirects]\n\"/posts/index.xml\" = \"/index.xml\"\n\"/posts/\" = \"/blog/\"\n\"/old.html\" = \"https://x.org/new/\"",
        )
        .unwrap();
        let feeds: Vec<(&str, &str)> = c
            .redirects
            .feeds
            .iter()
            .map(|f| (f.path.as_str(), f.feed.as_str()))
            .collect();
        assert_eq!(feeds, [("posts/index.xml", "index.xml")]);
        assert_eq!(c.redirects.feeds[0].written_at.line, Some(2));
        assert_eq!(
            c.redirects.pages,
            [
                ("old.html".to_owned(), "https://x.org/new/".to_owned()),
                ("posts/".to_owned(), "/blog/".to_owned())
            ]
        );
        for bad in ["\"/blog/\"", "\"https://x.org/feed.xml\"", "\"index.xml\""] {
            let err = load(&format!("[redirects]\n\"/feed.xml\" = {bad}")).unwrap_err();
            assert!(err.contains("an old feed can only lead to a feed"), "{err}");
        }
    }
}
