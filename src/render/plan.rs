//! The page plan: every HTML page the site has, with its output path. Rendering walks it,
//! and the sitemap reads it, so that both agree on which pages exist (pagination above all).

use crate::config::Config;
use crate::content::Document;
use crate::site::Site;
use std::ops::Range;

/// One HTML page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    /// Page `page` (from 1) of the post list, `/blog/`.
    List {
        page: usize,
    },
    /// `site.posts[n]`.
    Post(usize),
    /// `site.pages[n]`.
    Document(usize),
    TagIndex,
    /// `/search/`: what readers without JavaScript see instead of the search box.
    Search,
    /// Page `page` (from 1) of the list of `site.tags[tag]`.
    Tag {
        tag: usize,
        page: usize,
    },
    NotFound,
}

/// Every page, in the order the sitemap lists them: home, post list, tags, posts, pages.
pub fn plan(site: &Site, config: &Config) -> Vec<Page> {
    let pages_of = |n: usize| page_count(n, config.posts_per_page);
    let mut plan = vec![Page::Home];
    plan.extend((1..=pages_of(site.posts.len())).map(|page| Page::List { page }));
    for (t, tag) in site.tags.iter().enumerate() {
        plan.extend((1..=pages_of(tag.posts.len())).map(|page| Page::Tag { tag: t, page }));
    }
    plan.push(Page::TagIndex);
    if config.search.enabled {
        plan.push(Page::Search);
    }
    plan.extend((0..site.posts.len()).map(Page::Post));
    plan.extend((0..site.pages.len()).map(Page::Document));
    plan.push(Page::NotFound);
    plan
}

impl Page {
    /// The site path of the page: `""`, `blog/page/2/`, `404.html`.
    pub fn site_path(&self, site: &Site) -> String {
        match *self {
            Page::Home => String::new(),
            Page::List { page } => page_path("blog/", page),
            Page::Post(_) | Page::Document(_) => self
                .document(site)
                .map_or_else(String::new, |d| d.path.clone()),
            Page::TagIndex => site.tag_index.clone(),
            Page::Search => "search/".to_owned(),
            Page::Tag { tag, page } => page_path(&site.tags[tag].path, page),
            Page::NotFound => "404.html".to_owned(),
        }
    }

    /// The file the page is written to: `blog/page/2/index.html`, `404.html`, or a
    /// post's own file (`2019/05/04/x.html`) when its permalink is one.
    pub fn output_path(&self, site: &Site) -> String {
        crate::content::permalink::page_file(&self.site_path(site))
    }

    /// The post or page whose own page this is.
    pub fn document<'s>(&self, site: &'s Site) -> Option<&'s Document> {
        match *self {
            Page::Post(i) => Some(&site.posts[i]),
            Page::Document(i) => Some(&site.pages[i]),
            _ => None,
        }
    }

    /// Indices into `site.posts` of the posts a list page shows, newest first.
    pub fn listed(&self, site: &Site, config: &Config) -> Vec<usize> {
        let per_page = config.posts_per_page;
        match *self {
            Page::Home => (0..site.posts.len().min(config.home_posts)).collect(),
            Page::List { page } => page_range(page, site.posts.len(), per_page).collect(),
            Page::Tag { tag, page } => {
                let posts = &site.tags[tag].posts;
                posts[page_range(page, posts.len(), per_page)].to_vec()
            }
            _ => Vec::new(),
        }
    }
}

/// Number of pages of a list of `items`: at least one, even when empty.
pub fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page).max(1)
}

/// Site path of page `n` of a list at `base` (`blog/`): page 1 is `base` itself.
pub fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The items on page `page` (from 1).
fn page_range(page: usize, total: usize, per_page: usize) -> Range<usize> {
    let start = ((page - 1) * per_page).min(total);
    start..(start + per_page).min(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(page_path("blog/", 1), "blog/");
        assert_eq!(page_path("blog/", 2), "blog/page/2/");
        assert_eq!(page_path("tags/rust/", 3), "tags/rust/page/3/");
    }

    #[test]
    fn pages_of_a_list() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        assert_eq!(page_range(2, 15, 10), 10..15);
        assert_eq!(page_range(3, 15, 10), 15..15);
    }
}
