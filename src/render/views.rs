//! What templates see: views built for them from the site model, documented in the README.
//!
//! Views borrow from the model; Tera serialises them once per page. List pages receive
//! only their own slice of posts, never the whole list.

use super::fingerprint::DocText;
use super::plan::page_path;
use crate::config::Config;
use crate::content::cards::Link;
use crate::content::Document;
use crate::markdown::{reading_time, Outline, Rendered, TocEntry};
use crate::site::{Author, Site, Tag};
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
    /// chrono's locale for `language` (`fr_FR`), for Tera's `date(locale=…)`.
    pub locale: &'a str,
    /// `date_format`, for Tera's `date(format=…)`.
    pub date_format: &'a str,
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
            locale: &config.locale,
            date_format: &config.date_format,
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
            url: config.url(&tag.path),
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
    /// One for each of `authors`: the author's profile and page when
    /// `content/authors/NAME.md` exists, else just the name.
    pub author_profiles: Vec<AuthorView<'a>>,
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
            slug: &doc.slug,
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
            author_profiles: meta
                .authors
                .iter()
                .map(|name| AuthorView::named(name, site, config))
                .collect(),
            extra: &meta.extra,
        }
    }
}

/// What a fingerprint records for a [`PostSummary`] or a [`FullView`]: everything either
/// is made from besides the configuration (every page is forgotten when it changes), in
/// a few words instead of the view's text. The revision stands for the whole document
/// (front matter, path, outline, HTML); the tags for what its tag links show.
#[derive(Serialize)]
pub struct SummaryKey<'a> {
    pub revision: u64,
    /// Name, slug and number of posts of each of its tags.
    pub tags: Vec<(&'a str, &'a str, usize)>,
    /// Revision and number of posts of each of its authors with a page: their names,
    /// profiles and counts show beside the post.
    pub authors: Vec<(u64, usize)>,
}

impl<'a> SummaryKey<'a> {
    pub fn of(doc: &Document, site: &'a Site) -> Self {
        SummaryKey {
            revision: doc.revision,
            tags: site
                .tags_of(doc)
                .into_iter()
                .map(|t| (t.name.as_str(), t.slug.as_str(), t.posts.len()))
                .collect(),
            authors: site.author_pages_of(doc),
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
    /// `projects` from front matter, with their URLs made absolute.
    pub projects: Vec<ProjectView<'a>>,
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
            projects: doc
                .meta
                .projects
                .iter()
                .map(|p| ProjectView {
                    title: &p.title,
                    description: p.description.as_deref(),
                    image: p.image.as_ref().map(|i| config.absolute_url(i, &doc.path)),
                    url: p.url.as_ref().map(|u| config.absolute_url(u, &doc.path)),
                })
                .collect(),
        }
    }
}

/// A project card: `page.projects[i]`.
#[derive(Serialize)]
pub struct ProjectView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub image: Option<String>,
    pub url: Option<String>,
}

/// An author: `post.author_profiles[i]`, and `author` in author.html.
#[derive(Serialize)]
pub struct AuthorView<'a> {
    /// The `name` of the author's file, else the name as the post gives it.
    pub name: &'a str,
    /// The file's stem (`NAME` of `content/authors/NAME.md`); absent for a plain name.
    pub key: Option<&'a str>,
    /// The author's page.
    pub url: Option<String>,
    /// Absolute URL of the avatar image.
    pub avatar: Option<String>,
    pub bio: Option<&'a str>,
    /// Each link with its URL made absolute (a site path would miss the base path).
    pub links: Vec<Link>,
    /// How many posts name this author (0 for a plain name).
    pub count: usize,
}

impl<'a> AuthorView<'a> {
    /// The author a post names: with their profile when they have a page.
    pub fn named(name: &'a str, site: &'a Site, config: &Config) -> Self {
        match site.author(name) {
            Some(author) => Self::of(author, site, config),
            None => AuthorView {
                name,
                key: None,
                url: None,
                avatar: None,
                bio: None,
                links: Vec::new(),
                count: 0,
            },
        }
    }

    pub fn of(author: &'a Author, site: &'a Site, config: &Config) -> Self {
        let doc = &site.pages[author.page];
        let profile = doc.meta.profile.as_ref();
        AuthorView {
            name: &doc.meta.title,
            key: Some(&author.key),
            url: Some(config.url(&doc.path)),
            avatar: profile
                .and_then(|p| p.avatar.as_ref())
                .map(|a| config.absolute_url(a, &doc.path)),
            bio: profile.and_then(|p| p.bio.as_deref()),
            links: profile.map_or_else(Vec::new, |p| {
                p.links
                    .iter()
                    .map(|l| Link {
                        name: l.name.clone(),
                        url: config.absolute_url(&l.url, &doc.path),
                    })
                    .collect()
            }),
            count: author.posts.len(),
        }
    }
}

/// Another post as a link: previous/next, and the posts of an author's page.
#[derive(Serialize)]
pub struct PostLink<'a> {
    pub title: &'a str,
    pub url: String,
    /// RFC 3339.
    pub date: Option<String>,
}

impl<'a> PostLink<'a> {
    pub fn of(doc: &'a Document, config: &Config) -> Self {
        PostLink {
            title: &doc.meta.title,
            url: config.url(&doc.path),
            date: doc.meta.date.map(|d| d.rfc3339()),
        }
    }
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
