//! `sitemap.xml` and `robots.txt`: every published page for search engines, with the date
//! it last changed.

use super::plan::Page;
use crate::config::Config;
use crate::content::Document;
use crate::output::OutputFile;
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
pub fn files(site: &Site, config: &Config, plan: &[Page]) -> Vec<OutputFile> {
    let mut files = Vec::new();
    if config.sitemap {
        files.push(OutputFile::new(
            "sitemap.xml",
            sitemap_xml(&entries(site, config, plan)),
        ));
    }
    if config.robots {
        files.push(OutputFile::new("robots.txt", robots_txt(config)));
    }
    files
}

/// Every published page of the plan: home, lists, tags, posts, pages. Drafts (even in
/// a `--drafts` build), list pages that show only drafts and documents whose canonical
/// URL is elsewhere are left out, as search engines ask of a sitemap.
pub fn entries(site: &Site, config: &Config, plan: &[Page]) -> Vec<Entry> {
    let published = |i: &usize| !site.posts[*i].meta.draft;
    let newest_of = |posts: &mut dyn Iterator<Item = &usize>| {
        posts
            .filter(|i| published(i))
            .filter_map(|&i| changed(&site.posts[i]))
            .max()
    };
    let day = |m: Option<DateTime<FixedOffset>>| m.map(|m| m.format("%Y-%m-%d").to_string());
    let newest = day(newest_of(
        &mut (0..site.posts.len()).collect::<Vec<_>>().iter(),
    ));
    let own_url = |d: &Document| {
        d.meta
            .canonical_url
            .as_ref()
            .is_none_or(|c| *c == config.url(&d.path))
    };
    let mut out = Vec::new();
    for page in plan {
        let lastmod = match *page {
            Page::Home | Page::TagIndex => newest.clone(),
            Page::List { page: n } => {
                match n == 1 || page.listed(site, config).iter().any(published) {
                    true => newest.clone(),
                    false => continue,
                }
            }
            Page::Tag { .. } => match tag_lastmod(site, config, page) {
                Some(lastmod) => lastmod,
                None => continue,
            },
            Page::Post(_) | Page::Document(_) => match page.document(site) {
                Some(doc) if !doc.meta.draft && own_url(doc) => day(changed(doc)),
                _ => continue,
            },
            // `/search/` only says search needs JavaScript: nothing for a search engine.
            Page::NotFound | Page::Search => continue,
        };
        out.push(Entry {
            url: config.url(&page.site_path(site)),
            lastmod,
        });
    }
    out
}

/// A tag page's `lastmod` (the day of the tag's newest published post), or `None` when
/// the page is left out (it lists only drafts).
fn tag_lastmod(site: &Site, config: &Config, page: &Page) -> Option<Option<String>> {
    let &Page::Tag { tag, .. } = page else {
        return None;
    };
    let published = |i: &usize| !site.posts[*i].meta.draft;
    if !page.listed(site, config).iter().any(published) {
        return None;
    }
    let newest = site.tags[tag].posts.iter().filter(|i| published(i));
    let newest = newest.filter_map(|&i| changed(&site.posts[i])).max();
    Some(newest.map(|m| m.format("%Y-%m-%d").to_string()))
}

/// Whether the sitemap shows the tag `slug` the same in both sites, which have the same
/// pages for it: each page there or left out alike, with the same `lastmod`.
pub fn same_tag(old: &Site, new: &Site, config: &Config, slug: &str) -> bool {
    let entries = |site: &Site| {
        let t = site.tags.iter().position(|t| t.slug == slug)?;
        let pages = super::plan::page_count(site.tags[t].posts.len(), config.posts_per_page);
        let entries =
            (1..=pages).map(|page| tag_lastmod(site, config, &Page::Tag { tag: t, page }));
        Some(entries.collect::<Vec<_>>())
    };
    entries(old) == entries(new)
}

/// Whether the sitemap shows `old` and `new`, two revisions of one document at one
/// path, the same.
pub fn same_entry(old: &Document, new: &Document) -> bool {
    changed(old) == changed(new) && old.meta.canonical_url == new.meta.canonical_url
}

/// `lastmod`, else `date`.
fn changed(doc: &Document) -> Option<DateTime<FixedOffset>> {
    doc.meta.updated().map(|d| d.0)
}

fn sitemap_xml(entries: &[Entry]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&crate::html::escape(&e.url));
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
