//! `sitemap.xml` and `robots.txt`: every published page for search engines, with the date
//! it last changed.

use crate::config::Config;
use crate::content::Document;
use crate::output::OutputFile;
use crate::render::views::{escape_html, page_path};
use crate::site::Site;
use chrono::{DateTime, FixedOffset};

/// One `<url>` of the sitemap.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    pub url: String,
    /// `YYYY-MM-DD`: search engines read no more precision than that from a blog.
    pub lastmod: Option<String>,
}

/// The sitemap and robots files the configuration asks for.
pub fn files(site: &Site, config: &Config) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if config.sitemap {
        files.push(OutputFile::new(
            "sitemap.xml",
            sitemap_xml(&entries(site, config)),
        ));
    }
    if config.robots {
        files.push(OutputFile::new("robots.txt", robots_txt(config)));
    }
    files
}

/// Every published page: home, lists, posts, pages, tags. Drafts (even in a `--drafts`
/// build) and documents whose canonical URL is elsewhere are left out, as search engines
/// ask of a sitemap.
pub fn entries(site: &Site, config: &Config) -> Vec<Entry> {
    let published = |d: &&Document| !d.meta.draft;
    let posts: Vec<usize> = (0..site.posts.len())
        .filter(|&i| published(&&site.posts[i]))
        .collect();
    let newest_of = |indices: &[usize]| {
        indices
            .iter()
            .filter_map(|&i| changed(&site.posts[i]))
            .max()
    };
    let day = |m: Option<DateTime<FixedOffset>>| m.map(|m| m.format("%Y-%m-%d").to_string());
    let newest = day(newest_of(&posts));
    let mut out = Vec::new();
    let mut list = |base: &str, count: usize, lastmod: Option<String>| {
        let pages = count.div_ceil(config.posts_per_page).max(1);
        for n in 1..=pages {
            out.push(Entry {
                url: config.url(&page_path(base, n)),
                lastmod: lastmod.clone(),
            });
        }
    };
    list("", 1, newest.clone());
    list("blog/", posts.len(), newest.clone());
    for tag in &site.tags {
        let tagged: Vec<usize> = tag
            .posts
            .iter()
            .copied()
            .filter(|&i| published(&&site.posts[i]))
            .collect();
        if !tagged.is_empty() {
            list(&tag.path(), tagged.len(), day(newest_of(&tagged)));
        }
    }
    out.push(Entry {
        url: config.url("tags/"),
        lastmod: newest,
    });
    let own_url = |d: &&Document| {
        d.meta
            .canonical_url
            .as_ref()
            .map_or(true, |c| *c == config.url(&d.path))
    };
    for doc in site
        .posts
        .iter()
        .chain(&site.pages)
        .filter(published)
        .filter(own_url)
    {
        out.push(Entry {
            url: config.url(&doc.path),
            lastmod: day(changed(doc)),
        });
    }
    out
}

/// `lastmod`, else `date`.
fn changed(doc: &Document) -> Option<DateTime<FixedOffset>> {
    doc.meta.lastmod.or(doc.meta.date).map(|d| d.0)
}

fn sitemap_xml(entries: &[Entry]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_html(&e.url));
        xml.push_str("</loc>\n");
        if let Some(day) = &e.lastmod {
            xml.push_str(&format!("    <lastmod>{day}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Crawlers read `robots.txt` only at a host's root: on a project site under `/repo/`
/// it is written all the same (harmless), and the README says so.
fn robots_txt(config: &Config) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if config.sitemap {
        text.push_str(&format!("\nSitemap: {}\n", config.url("sitemap.xml")));
    }
    text
}
