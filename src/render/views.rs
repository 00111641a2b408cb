//! What templates see: views built for them from the site model, documented in the README.
//!
//! Views borrow from the model; Tera serialises them once per page. List pages receive
//! only their own slice of posts, never the whole list.

use super::fingerprint::DocText;
use super::plan::page_path;
use crate::config::Config;
use crate::content::Document;
use crate::markdown::{reading_time, Outline, Rendered, TocEntry};
use crate::site::{Site, Tag};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Arc;

/// `site` in every template.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub extra: &'a Value,
    pub generator: &'static str,
    /// The blog's feeds, for `<link rel="alternate">` and subscribe links.
    pub feeds: Vec<super::feed::FeedLink>,
    /// Absolute URL of the default social card image, if configured.
    pub image: Option<&'a str>,
    /// `[comments]`, when the site has them.
    pub comments: Option<&'a crate::config::Comments>,
    /// `[analytics]`, when the site has them.
    pub analytics: Option<&'a crate::config::Analytics>,
    /// Where the search index is (`/repo/search-index/`), or `None` when search is off.
    pub search: Option<String>,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            author: &config.author,
            base_url: &config.base_url,
            base_path: config.base_path(),
            language: &config.language,
            extra: &config.extra,
            generator: crate::html::GENERATOR,
            feeds: super::feed::links(config, "", &config.title),
            image: config.image.as_deref(),
            comments: config.comments.as_ref(),
            analytics: config.analytics.as_ref(),
            search: config
                .search
                .enabled
                .then(|| format!("{}{}/", config.base_path(), config.search.output)),
        }
    }
}

/// A tag as a link: in a post's tag list and in the tag index.
#[derive(Serialize)]
pub struct TagLink<'a> {
    pub name: &'a str,
    pub slug: String,
    pub url: String,
    pub count: usize,
}

impl<'a> TagLink<'a> {
    pub fn of(tag: &'a Tag, config: &Config) -> Self {
        TagLink {
            name: &tag.name,
            slug: tag.slug.clone(),
            url: config.url(&tag.path()),
            count: tag.posts.len(),
        }
    }
}

/// A post in a list: everything but its content.
#[derive(Serialize)]
pub struct PostSummary<'a> {
    pub title: &'a str,
    pub url: String,
    pub path: &'a str,
    pub slug: &'a str,
    /// RFC 3339; format it with Tera's `date` filter.
    pub date: Option<String>,
    pub lastmod: Option<String>,
    pub tags: Vec<TagLink<'a>>,
    /// HTML: front matter `summary` (escaped), else the content before `<!-- more -->`,
    /// else the first paragraph.
    pub summary: DocText<'a>,
    /// Plain text of the summary, for meta descriptions.
    pub description: DocText<'a>,
    // From the outline, like the summary: absent in a fingerprint, where the summary's
    // revision stands for them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading_time: Option<usize>,
    pub draft: bool,
    pub images: &'a [String],
    pub authors: &'a [String],
    pub extra: &'a Map<String, Value>,
}

impl<'a> PostSummary<'a> {
    /// The summary of `doc`, with its outline for a template, or without for a
    /// fingerprint (the document's revision then stands for everything the outline says).
    pub fn of(
        doc: &'a Document,
        site: &'a Site,
        config: &Config,
        outline: Option<&'a Outline>,
    ) -> Self {
        let meta = &doc.meta;
        let tags = site
            .tags_of(doc)
            .into_iter()
            .map(|t| TagLink::of(t, config))
            .collect();
        let text = |make: &dyn Fn(&'a Outline) -> DocText<'a>| {
            outline.map_or(DocText::Revision(doc.revision), make)
        };
        PostSummary {
            title: &meta.title,
            url: config.url(&doc.path),
            path: &doc.path,
            slug: doc.slug(),
            date: meta.date.map(|d| d.rfc3339()),
            lastmod: meta.lastmod.map(|d| d.rfc3339()),
            tags,
            summary: text(&|o| DocText::Text(doc.summary_html(o))),
            description: text(&|o| DocText::Text(doc.description(o).into())),
            has_more: outline.map(|o| o.has_more_marker),
            word_count: outline.map(|o| o.word_count),
            reading_time: outline.map(|o| reading_time(o.word_count)),
            draft: meta.draft,
            images: &meta.images,
            authors: &meta.authors,
            extra: &meta.extra,
        }
    }
}

/// A post or page with its content: `post` in post.html, `page` in page.html.
#[derive(Serialize)]
pub struct FullView<'a> {
    #[serde(flatten)]
    pub summary: PostSummary<'a>,
    pub content: DocText<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<&'a [TocEntry]>,
    /// False when the front matter says `comments: false`.
    pub comments: bool,
    pub canonical_url: String,
    pub layout: Option<&'a str>,
}

impl<'a> FullView<'a> {
    /// The view of `doc`, with its outline and whole HTML for a template, or without
    /// them for a fingerprint (the document's revision stands for both).
    pub fn of(
        doc: &'a Document,
        site: &'a Site,
        config: &Config,
        body: Option<(&'a Outline, Arc<Rendered>)>,
    ) -> Self {
        let outline = body.as_ref().map(|(o, _)| *o);
        let summary = PostSummary::of(doc, site, config, outline);
        let canonical_url = doc
            .meta
            .canonical_url
            .clone()
            .unwrap_or_else(|| summary.url.clone());
        FullView {
            summary,
            content: body.map_or(DocText::Revision(doc.revision), |(_, html)| {
                DocText::Body(html)
            }),
            // `toc: false` in front matter: no table of contents, whatever the template.
            toc: outline.map(|o| if doc.meta.toc { o.toc.as_slice() } else { &[] }),
            comments: doc.meta.comments,
            canonical_url,
            layout: doc.meta.layout.as_deref(),
        }
    }
}

/// A neighbouring post, for previous/next links.
#[derive(Serialize)]
pub struct PostLink<'a> {
    pub title: &'a str,
    pub url: String,
}

/// How many numbered page links `Paginator::pages` holds on each side of the current page.
/// A window, not every page: a list of every page on every page grows with the square of
/// the number of posts (a million links over the list pages of a 10,000-post blog).
pub const PAGE_LINKS: usize = 5;

/// Pagination of a list: `paginator` in list.html and tag.html.
#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub per_page: usize,
    pub first_url: String,
    pub last_url: String,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
}

impl Paginator {
    pub fn new(
        base: &str,
        current: usize,
        total_pages: usize,
        total_items: usize,
        per_page: usize,
        config: &Config,
    ) -> Self {
        let url = |n: usize| config.url(&page_path(base, n));
        Paginator {
            current,
            total_pages,
            total_items,
            per_page,
            first_url: url(1),
            last_url: url(total_pages),
            previous_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total_pages).then(|| url(current + 1)),
            pages: (current.saturating_sub(PAGE_LINKS).max(1)
                ..=(current + PAGE_LINKS).min(total_pages))
                .map(|n| PageLink {
                    number: n,
                    url: url(n),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn paginator_links_a_window_of_pages_not_all_of_them() {
        let config = Config::load(Path::new("/nonexistent"), &Default::default()).unwrap();
        let numbers = |current, total| -> Vec<usize> {
            Paginator::new("blog/", current, total, total * 10, 10, &config)
                .pages
                .iter()
                .map(|p| p.number)
                .collect()
        };
        assert_eq!(numbers(1, 3), [1, 2, 3]);
        assert_eq!(numbers(1, 1000), (1..=6).collect::<Vec<_>>());
        assert_eq!(numbers(500, 1000), (495..=505).collect::<Vec<_>>());
        assert_eq!(numbers(1000, 1000), (995..=1000).collect::<Vec<_>>());
        let last = Paginator::new("blog/", 500, 1000, 10_000, 10, &config);
        assert!(
            last.last_url.ends_with("/blog/page/1000/"),
            "{}",
            last.last_url
        );
        assert!(last.first_url.ends_with("/blog/"), "{}", last.first_url);
    }
}
