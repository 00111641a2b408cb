//! Feeds: RSS 2.0 and Atom views of the newest posts, for the whole blog and for each tag.
//!
//! This module decides what goes in a feed (which posts, which URLs, which dates in which
//! format); the `rss.xml` and `atom.xml` templates only place the values, with Tera's
//! XML escaping. That keeps feeds themeable like every other page, with no XML library.

use super::context::{BodyOf, OutlineOf};
use super::fingerprint::{DocText, PageValues};
use crate::config::{Config, FeedContent};
use crate::content::Document;
use crate::error::Diagnostic;
use crate::memo::Kept;
use crate::site::{Site, Tag};
use serde::Serialize;
use std::sync::Arc;

/// The two feed formats, with what a `<link rel="alternate">` needs to know of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

impl Format {
    pub fn template(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS",
            Format::Atom => "Atom",
        }
    }

    /// The configured file name, or `None` when this format is turned off.
    fn file_name(self, config: &Config) -> Option<&str> {
        match self {
            Format::Rss => config.feeds.rss.as_deref(),
            Format::Atom => config.feeds.atom.as_deref(),
        }
    }
}

/// A feed as a `<link rel="alternate">` in a page head: `site.feeds` and `feeds` in tag.html.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    /// `RSS` or `Atom`.
    pub format: &'static str,
    pub mime: &'static str,
    pub title: String,
    pub url: String,
}

/// The feeds of a folder (`""` for the blog, `tags/rust/` for a tag), as links.
pub fn links(config: &Config, folder: &str, title: &str) -> Vec<FeedLink> {
    [Format::Rss, Format::Atom]
        .into_iter()
        .filter_map(|f| {
            f.file_name(config).map(|name| FeedLink {
                format: f.label(),
                mime: f.mime(),
                title: format!("{title} ({})", f.label()),
                url: config.url(&format!("{folder}{name}")),
            })
        })
        .collect()
}

/// A tag's own feeds as links: none when `[feeds] tags = false`.
pub fn tag_links(config: &Config, tag: &Tag, site_title: &str) -> Vec<FeedLink> {
    if !config.feeds.tags {
        return Vec::new();
    }
    links(config, &tag.path, &format!("{} · {site_title}", tag.name))
}

/// One feed file to render.
#[derive(Clone)]
pub struct FeedJob {
    /// Site path of the file: `rss.xml`, `tags/rust/atom.xml`.
    pub path: String,
    pub format: Format,
    folder: String,
    title: String,
    /// Indices into `site.posts` of the posts this feed carries.
    carried: Vec<usize>,
}

/// `feed` in rss.xml and atom.xml.
#[derive(Debug, Serialize)]
pub struct FeedView<'a> {
    pub title: String,
    pub description: String,
    pub language: String,
    pub author: String,
    /// The HTML page the feed follows (home page, or the tag's page).
    pub home_url: String,
    /// This feed's own URL (`rel="self"`), also the Atom feed's id.
    pub self_url: String,
    /// Newest change of any entry: RFC 3339 for Atom, RFC 2822 (RFC 822 with four-digit
    /// years, which every reader accepts) for RSS.
    pub updated: String,
    pub updated_rfc822: String,
    pub generator: &'static str,
    /// Whether this feed carries whole posts (`[feeds] content`, `tag_content` for tags).
    pub full: bool,
    pub entries: Vec<EntryView<'a>>,
}

/// One post in a feed.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub published: &'a str,
    pub published_rfc822: &'a str,
    pub updated: &'a str,
    pub authors: &'a [String],
    pub tags: &'a [String],
    /// HTML of the summary, already escaped for XML (print it with `| safe`).
    pub summary: DocText<'a>,
    /// HTML of the whole post, already escaped for XML, when a feed carrying the post
    /// has whole posts; feeds print it only when `feed.full`.
    pub content: Option<DocText<'a>>,
}

/// A post's entry, made once per build and shared by every feed that carries the post
/// (at 1,000 posts and 60 tags, a post's escaped HTML would otherwise be made and held a
/// dozen times).
#[derive(Debug)]
pub struct Entry {
    revision: u64,
    title: String,
    url: String,
    published: String,
    published_rfc822: String,
    updated: String,
    authors: Vec<String>,
    tags: Vec<String>,
    texts: Arc<EntryTexts>,
}

/// The costly part of an entry, its HTML with links made absolute and escaped: a session
/// keeps it from one build to the next by document revision. The texts depend on nothing
/// but the document and the URLs, which are kept with them and compared.
#[derive(Debug)]
pub struct EntryTexts {
    url: String,
    base_url: String,
    summary: Arc<str>,
    content: Option<Arc<str>>,
}

/// Entry texts by document revision.
pub type EntryMemo = Kept<u64, Arc<EntryTexts>>;

/// The entry of every post that some feed carries, by post index. `body` gives a post's
/// whole HTML, asked for only when a feed carries the post whole.
pub fn entries(
    site: &Site,
    config: &Config,
    carried: &[Option<bool>],
    memo: &EntryMemo,
    outline: &OutlineOf,
    body: &BodyOf,
) -> Result<Vec<Option<Entry>>, Diagnostic> {
    use rayon::prelude::*;
    carried
        .par_iter()
        .enumerate()
        .map(|(i, c)| match c {
            Some(full) => entry(&site.posts[i], site, config, *full, memo, outline, body).map(Some),
            None => Ok(None),
        })
        .collect()
}

/// The longest body (its Markdown, in bytes) a feed carries whole; a longer one is
/// carried by its summary. Feed readers fetch every feed again and again, and many give
/// up on a feed of tens of megabytes; and the escaped HTML of a 50 MB post, twice (RSS
/// and Atom), would be most of what a build holds in memory.
pub const WHOLE_POST_LIMIT: usize = 1024 * 1024;

/// Per post: `None` when no feed carries it, else whether some feed carries it whole
/// (its content, not only its summary).
pub fn carried(site: &Site, config: &Config) -> Vec<Option<bool>> {
    let mut wanted: Vec<Option<bool>> = vec![None; site.posts.len()];
    let mut mark = |posts: &[usize], full: bool| {
        for &i in newest_published(site, config, posts) {
            let whole = full && site.posts[i].body_len <= WHOLE_POST_LIMIT;
            wanted[i] = Some(wanted[i].unwrap_or(false) || whole);
        }
    };
    mark(
        &(0..site.posts.len()).collect::<Vec<_>>(),
        config.feeds.content == FeedContent::Full,
    );
    if config.feeds.tags {
        for tag in &site.tags {
            mark(&tag.posts, config.feeds.tag_content == FeedContent::Full);
        }
    }
    wanted
}

/// The posts a feed of `posts` carries: published ones, newest first, up to the limit.
/// `--drafts` builds show drafts on pages for a preview, never in a feed: a feed reader
/// keeps what it has seen.
fn newest_published<'p>(site: &Site, config: &Config, posts: &'p [usize]) -> Vec<&'p usize> {
    let limit = match config.feeds.limit {
        0 => usize::MAX,
        n => n,
    };
    posts
        .iter()
        .filter(|&&i| !site.posts[i].meta.draft)
        .take(limit)
        .collect()
}

/// Every feed the site publishes: the blog's, then each tag's, then the old feed URLs of
/// `[redirects]`, each carrying the feed it names (an error where the site writes no such
/// feed, or where the old URL is one of its own feeds).
pub fn jobs(site: &Site, config: &Config) -> Result<Vec<FeedJob>, Vec<Diagnostic>> {
    let mut jobs = Vec::new();
    let all: Vec<usize> = (0..site.posts.len()).collect();
    push_feeds(&mut jobs, site, config, "", &config.title, &all);
    if config.feeds.tags {
        for tag in &site.tags {
            let title = format!("{} · {}", tag.name, config.title);
            push_feeds(&mut jobs, site, config, &tag.path, &title, &tag.posts);
        }
    }
    let mut errors = Vec::new();
    let mut copies = Vec::new();
    for copy in &config.redirects.feeds {
        let report = |message: String, hint: &str| Diagnostic {
            message,
            hint: Some(hint.to_owned()),
            ..copy.written_at.clone()
        };
        if jobs.iter().any(|j| j.path == copy.path) {
            errors.push(report(
                format!(
                    "[redirects] /{} is a feed this site writes itself",
                    copy.path
                ),
                "remove this redirect: the feed is already there",
            ));
        } else if let Some(feed) = jobs.iter().find(|j| j.path == copy.feed) {
            copies.push(FeedJob {
                path: copy.path.clone(),
                ..feed.clone()
            });
        } else {
            errors.push(report(
                format!(
                    "[redirects] /{} = /{}: this site writes no feed /{}",
                    copy.path, copy.feed, copy.feed
                ),
                "name one of the site's feeds (the blog's, or a tag's under its folder), or remove the redirect",
            ));
        }
    }
    jobs.extend(copies);
    if errors.is_empty() {
        Ok(jobs)
    } else {
        Err(errors)
    }
}

fn push_feeds(
    jobs: &mut Vec<FeedJob>,
    site: &Site,
    config: &Config,
    folder: &str,
    title: &str,
    posts: &[usize],
) {
    let carried: Vec<usize> = newest_published(site, config, posts)
        .into_iter()
        .copied()
        .collect();
    for format in [Format::Rss, Format::Atom] {
        let Some(name) = format.file_name(config) else {
            continue;
        };
        jobs.push(FeedJob {
            path: format!("{folder}{name}"),
            format,
            folder: folder.to_owned(),
            title: title.to_owned(),
            carried: carried.clone(),
        });
    }
}

impl FeedJob {
    /// Indices into `site.posts` of the posts this feed carries, newest first.
    pub fn carried(&self) -> &[usize] {
        &self.carried
    }

    /// Whether this is the blog's own feed (not a tag's): it carries the newest posts.
    pub fn is_the_blogs(&self) -> bool {
        self.folder.is_empty()
    }

    /// The feed's view, its entries' texts in full for a template or as revisions for a
    /// fingerprint; `entries` has the entry of every post it carries.
    pub fn view<'e>(
        &self,
        site: &Site,
        config: &Config,
        entries: &'e [Option<Entry>],
        values: &impl PageValues,
    ) -> FeedView<'e> {
        let newest = self
            .carried
            .iter()
            .filter_map(|&i| site.posts[i].meta.updated().map(|d| d.0))
            .max();
        // An empty feed has no entry to date it. A fixed date keeps builds reproducible
        // (the build time would make `serve` see a change, and reload pages, on every
        // rebuild).
        let newest = newest.unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
        let description = if self.folder.is_empty() {
            config.description.clone()
        } else {
            format!("Posts tagged {}", tag_name(site, &self.folder))
        };
        let entries = self
            .carried
            .iter()
            .filter_map(|&i| entries[i].as_ref())
            .map(|e| e.view(values))
            .collect();
        FeedView {
            title: xml_text(&self.title),
            description: xml_text(&description),
            language: config.language.clone(),
            author: xml_text(if config.author.is_empty() {
                &config.title
            } else {
                &config.author
            }),
            home_url: config.url(&self.folder),
            self_url: config.url(&self.path),
            updated: rfc3339(newest),
            updated_rfc822: newest.to_rfc2822(),
            generator: crate::html::GENERATOR,
            full: if self.folder.is_empty() {
                config.feeds.content == FeedContent::Full
            } else {
                config.feeds.tag_content == FeedContent::Full
            },
            entries,
        }
    }
}

impl Entry {
    fn view<'a>(&'a self, values: &impl PageValues) -> EntryView<'a> {
        let text = |t: &Arc<str>| values.text(self.revision, || DocText::Shared(Arc::clone(t)));
        EntryView {
            title: &self.title,
            url: &self.url,
            published: &self.published,
            published_rfc822: &self.published_rfc822,
            updated: &self.updated,
            authors: &self.authors,
            tags: &self.tags,
            summary: text(&self.texts.summary),
            content: self.texts.content.as_ref().map(text),
        }
    }
}

fn tag_name<'a>(site: &'a Site, folder: &str) -> &'a str {
    site.tags
        .iter()
        .find(|t: &&Tag| t.path == folder)
        .map_or("", |t| t.name.as_str())
}

type Moment = chrono::DateTime<chrono::FixedOffset>;

/// RFC 3339 with seconds and `Z` for UTC, the form Atom's own examples use.
fn rfc3339(m: Moment) -> String {
    m.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn entry(
    doc: &Document,
    site: &Site,
    config: &Config,
    full: bool,
    memo: &EntryMemo,
    outline: &OutlineOf,
    body: &BodyOf,
) -> Result<Entry, Diagnostic> {
    let meta = &doc.meta;
    // Posts always have a date (the loader requires one); the fallback only keeps types honest.
    let published = meta
        .date
        .map(|d| d.0)
        .unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
    let updated = meta.updated().map_or(published, |d| d.0).max(published);
    let tags = site
        .tags_of(doc)
        .into_iter()
        .map(|t| xml_text(&t.name))
        .collect();
    let url = config.url(&doc.path);
    let texts = memo.get_or_make(
        doc.revision,
        |t| t.url == url && t.base_url == config.base_url && t.content.is_some() == full,
        || {
            let (content, outline) = match full {
                true => {
                    let (html, outline) = body(doc)?;
                    let html = xml_escaped(&absolute_links(&html.html, &url, config));
                    (Some(html.into()), outline)
                }
                false => (None, outline(doc)?),
            };
            let summary = doc.summary_html(&outline);
            let summary = xml_escaped(&absolute_links(&summary, &url, config));
            Ok::<_, Diagnostic>(Arc::new(EntryTexts {
                url: url.clone(),
                base_url: config.base_url.clone(),
                summary: summary.into(),
                content,
            }))
        },
    )?;
    Ok(Entry {
        revision: doc.revision,
        title: xml_text(&meta.title),
        published: rfc3339(published),
        published_rfc822: published.to_rfc2822(),
        updated: rfc3339(updated),
        authors: meta
            .authors
            .iter()
            .map(|a| xml_text(site.author_name(a)))
            .collect(),
        tags,
        texts,
        url,
    })
}

/// Feed readers show a post far from its site, where `/about/` or `img.png` lead nowhere:
/// every `href`/`src` in feed HTML, and each candidate of a `srcset`, is made absolute,
/// against the post's own URL.
fn absolute_links(html: &str, page_url: &str, config: &Config) -> String {
    // `https://host` from `https://host/prefix/`: root-relative links already carry the prefix.
    let origin = config
        .base_url
        .strip_suffix(config.base_path())
        .unwrap_or(&config.base_url);
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    // Attributes are found by name, not by pairing quotes: an apostrophe in the text
    // (`it's`) must not hide the links after it.
    while let Some((at, name_len)) = next_url_attribute(rest) {
        let value_start = at + name_len + 1;
        let quote = rest.as_bytes()[value_start - 1] as char;
        out.push_str(&rest[..value_start]);
        let after = &rest[value_start..];
        let end = after.find(quote).unwrap_or(after.len());
        let value = &after[..end];
        if rest[at..].starts_with("srcset=") {
            absolute_candidates(
                value,
                |url, out| absolute_url(url, origin, page_url, out),
                &mut out,
            );
        } else {
            absolute_url(value, origin, page_url, &mut out);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `url` made absolute onto `out`: a root-relative one on `origin`, any other relative
/// one on the page's URL; a URL with a scheme, `//host/…` and an empty one as written.
fn absolute_url(url: &str, origin: &str, page_url: &str, out: &mut String) {
    let has_scheme = url
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|first| first.contains(':'));
    if has_scheme || url.starts_with("//") || url.is_empty() {
        out.push_str(url);
    } else if url.starts_with('/') {
        out.push_str(origin);
        out.push_str(url);
    } else if url.starts_with('#') {
        out.push_str(page_url);
        out.push_str(url);
    } else {
        // Relative to the page's folder (`2019/05/04/` for `2019/05/04/x.html`).
        out.push_str(crate::content::permalink::page_dir(page_url));
        out.push_str(url.trim_start_matches("./"));
    }
}

/// A `srcset` value (`a.webp 480w, b.jpg 1000w`) onto `out`, each candidate's URL given
/// to `url` and the rest kept as written. As HTML parses it: a URL runs to the next space
/// (a comma inside it is part of it, one at its end ends the candidate), its descriptors
/// to the next comma.
fn absolute_candidates(srcset: &str, mut url: impl FnMut(&str, &mut String), out: &mut String) {
    let mut rest = srcset;
    loop {
        let gap = rest.len()
            - rest
                .trim_start_matches(|c: char| c == ',' || c.is_whitespace())
                .len();
        out.push_str(&rest[..gap]);
        rest = &rest[gap..];
        if rest.is_empty() {
            return;
        }
        let url_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let candidate_url = rest[..url_end].trim_end_matches(',');
        url(candidate_url, out);
        rest = &rest[candidate_url.len()..];
        if url_end > candidate_url.len() {
            // The URL ended with a comma: no descriptors.
            continue;
        }
        let descriptors_end = rest.find(',').unwrap_or(rest.len());
        out.push_str(&rest[..descriptors_end]);
        rest = &rest[descriptors_end..];
    }
}

/// Drops the characters XML 1.0 forbids (most C0 controls): one stray byte pasted into a
/// post must not make the whole feed unreadable.
pub fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// HTML as the text of an XML element, escaped once here rather than in every feed.
fn xml_escaped(html: &str) -> String {
    crate::html::escape(&xml_text(html))
}

/// Byte offset and length of the next ` href="` / ` src='` / ` srcset="`-style attribute
/// start (up to and including `=`), when a quote follows.
fn next_url_attribute(html: &str) -> Option<(usize, usize)> {
    // One pass over the text: searching for each name from every candidate again made
    // a long post with many links quadratic (most of serve's rebuild time at 1,000 posts).
    let mut from = 0;
    loop {
        let i = from + html[from..].find(['h', 's'])?;
        let Some(name) = ["href=", "src=", "srcset="]
            .into_iter()
            .find(|n| html[i..].starts_with(n))
        else {
            from = i + 1;
            continue;
        };
        let spaced = html[..i].ends_with(char::is_whitespace);
        let quoted = matches!(html.as_bytes().get(i + name.len()), Some(b'"' | b'\''));
        if spaced && quoted {
            return Some((i, name.len()));
        }
        from = i + name.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_drops_forbidden_controls_only() {
        assert_eq!(xml_text("a\u{1}b\tc\u{7f}é"), "ab\tc\u{7f}é");
    }

    /// A site published under a path, as GitHub Pages serves a project's.
    fn project_site_config() -> (tempfile::TempDir, Config) {
        let overrides = crate::config::Overrides {
            base_url: Some("https://u.github.io/repo/".into()),
            output_dir: None,
            preview: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(dir.path(), &overrides).unwrap();
        (dir, config)
    }

    #[test]
    fn links_in_feed_html_become_absolute() {
        let (_dir, config) = project_site_config();
        let page = "https://u.github.io/repo/blog/x/";
        let html = r##"<a href="/repo/about/">a</a> <img src='pic.png'> <a href="#h">it's</a> <a href="https://o.example/">o</a> <a href="mailto:a@b.c">m</a> <p title="/not/a/link">"##;
        assert_eq!(
            absolute_links(html, page, &config),
            r##"<a href="https://u.github.io/repo/about/">a</a> <img src='https://u.github.io/repo/blog/x/pic.png'> <a href="https://u.github.io/repo/blog/x/#h">it's</a> <a href="https://o.example/">o</a> <a href="mailto:a@b.c">m</a> <p title="/not/a/link">"##
        );
    }

    #[test]
    fn every_candidate_of_a_srcset_becomes_absolute() {
        let (_dir, config) = project_site_config();
        let page = "https://u.github.io/repo/blog/x/";
        let html = r#"<img src="/repo/a.jpg" srcset="/repo/resized/a-480.webp 480w, b.jpg 2x,c,d.png, https://cdn.example/e.png 3x" sizes="100vw"><source srcset='f.webp'>"#;
        assert_eq!(
            absolute_links(html, page, &config),
            r#"<img src="https://u.github.io/repo/a.jpg" srcset="https://u.github.io/repo/resized/a-480.webp 480w, https://u.github.io/repo/blog/x/b.jpg 2x,https://u.github.io/repo/blog/x/c,d.png, https://cdn.example/e.png 3x" sizes="100vw"><source srcset='https://u.github.io/repo/blog/x/f.webp'>"#
        );
    }

    #[test]
    fn rfc3339_uses_z_for_utc() {
        let m = chrono::DateTime::parse_from_rfc3339("2025-06-29T18:30:00+00:00").unwrap();
        assert_eq!(rfc3339(m), "2025-06-29T18:30:00Z");
        assert_eq!(m.to_rfc2822(), "Sun, 29 Jun 2025 18:30:00 +0000");
    }
}
