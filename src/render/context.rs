//! Each page's values, as its template sees them: one function for every kind of page,
//! writing into a Tera context (to render) or a fingerprint (to compare), so that a
//! fingerprint always covers every value the template sees.
//!
//! Only a template needs documents' outlines and whole HTML; they are asked for here,
//! through [`Inputs`], so a fingerprint never makes them.

use super::feed;
use super::fingerprint::PageValues;
use super::head::PageMeta;
use super::plan::{page_count, Page};
use super::templates::Templates;
use super::views::{AuthorView, FullView, Paginator, PostLink, PostSummary, SummaryKey, TagLink};
use crate::config::Config;
use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::{Outline, Rendered};
use crate::site::Site;
use std::sync::Arc;

/// A document's outline, made on first use.
pub type OutlineOf<'a> = dyn Fn(&Document) -> Result<Arc<Outline>, Diagnostic> + Sync + 'a;
/// A document's whole HTML and its outline.
pub type BodyOf<'a> =
    dyn Fn(&Document) -> Result<(Arc<Rendered>, Arc<Outline>), Diagnostic> + Sync + 'a;

/// What every page's values are made from.
pub struct Inputs<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub templates: &'a Templates,
    /// Whether any template reads `related`, which costs a search of every post's tags.
    pub related: bool,
    pub outline: &'a OutlineOf<'a>,
    pub body: &'a BodyOf<'a>,
}

/// Puts the values of `page` (all but `site`, which every page shares) into `values` and
/// gives the page's template.
pub fn page_values<'a>(
    page: &Page,
    inputs: &Inputs<'a>,
    values: &mut impl PageValues,
) -> Result<String, Diagnostic> {
    let Inputs {
        site,
        config,
        templates,
        related,
        ..
    } = *inputs;
    let path = page.site_path(site);
    // The page's own document: its outline and HTML, for a template.
    let own = match page.document(site) {
        Some(doc) if values.for_template() => Some((inputs.body)(doc)?),
        _ => None,
    };
    let own_outline = own.as_ref().map(|(_, outline)| &**outline);
    // A fingerprint records what the view is made from (`SummaryKey`), not the view.
    let insert_full_view = |values: &mut _, key: &str, doc: &'a Document| match &own {
        Some((html, o)) => {
            let view = FullView::of(doc, site, config, Some((&**o, Arc::clone(html))));
            PageValues::insert(values, key, &view);
        }
        None => PageValues::insert(values, key, &SummaryKey::of(doc, site)),
    };
    let (template, meta) = match *page {
        Page::Home => {
            values.read(crate::site::POST_LIST);
            insert_summaries(values, "posts", inputs, &page.listed(site, config))?;
            values.insert("total_posts", &site.posts.len());
            let meta = PageMeta::page(config, None, None, config.url(""));
            ("index.html".to_owned(), Meta::Page(meta))
        }
        Page::List { page: n } => {
            values.read(crate::site::POST_LIST);
            insert_summaries(values, "posts", inputs, &page.listed(site, config))?;
            let total = site.posts.len();
            let pages = page_count(total, config.posts_per_page);
            let paginator = Paginator::new("blog/", n, pages, total, config.posts_per_page, config);
            values.insert("paginator", &paginator);
            let title = numbered("All posts", n);
            let meta = PageMeta::page(config, Some(&title), None, config.url(&path));
            ("list.html".to_owned(), Meta::Page(meta))
        }
        Page::Post(i) => {
            let doc = &site.posts[i];
            read_with_authors(values, doc, site);
            insert_full_view(values, "post", doc);
            // The list is newest first: the previous (older) post comes after this one.
            let previous = site.posts.get(i + 1);
            let next = i.checked_sub(1).and_then(|j| site.posts.get(j));
            for neighbour in previous.iter().chain(&next) {
                values.read(neighbour.revision);
            }
            let link = |d: &'a Arc<Document>| PostLink::of(d, config);
            values.insert("previous", &previous.map(link));
            values.insert("next", &next.map(link));
            if related {
                let related = site.related(i, config.related_posts);
                insert_summaries(values, "related", inputs, &related)?;
            }
            let template = templates.for_layout(doc.meta.layout.as_deref(), "post.html");
            (template, Meta::Document(doc, true))
        }
        Page::Document(i) => {
            let doc = &site.pages[i];
            read_with_authors(values, doc, site);
            insert_full_view(values, "page", doc);
            let mut default = "page.html";
            if let Some(author) = site.author_of_page(i) {
                for &j in &author.posts {
                    values.read(site.posts[j].revision);
                }
                values.insert("author", &AuthorView::of(author, site, config));
                let posts: Vec<PostLink> = author
                    .posts
                    .iter()
                    .map(|&j| PostLink::of(&site.posts[j], config))
                    .collect();
                values.insert("posts", &posts);
                default = "author.html";
            }
            let template = templates.for_layout(doc.meta.layout.as_deref(), default);
            (template, Meta::Document(doc, false))
        }
        Page::TagIndex => {
            insert_tag_list(values, site, config);
            let meta = PageMeta::page(config, Some("Tags"), None, config.url(&site.tag_index));
            ("tags.html".to_owned(), Meta::Page(meta))
        }
        Page::Search => {
            // The tag index is what a reader without JavaScript can search by.
            insert_tag_list(values, site, config);
            let meta = PageMeta::page(config, Some("Search"), None, config.url("search/"));
            ("search.html".to_owned(), Meta::Page(meta))
        }
        Page::Tag { tag, page: n } => {
            let tag = &site.tags[tag];
            let total = tag.posts.len();
            values.insert("tag", &TagLink::of(tag, config));
            values.insert("feeds", &feed::tag_links(config, tag, &config.title));
            insert_summaries(values, "posts", inputs, &page.listed(site, config))?;
            let pages = page_count(total, config.posts_per_page);
            let paginator =
                Paginator::new(&tag.path, n, pages, total, config.posts_per_page, config);
            values.insert("paginator", &paginator);
            let description = format!("Posts tagged {}", tag.name);
            let title = numbered(&tag.name, n);
            let meta = PageMeta::page(config, Some(&title), Some(description), config.url(&path));
            ("tag.html".to_owned(), Meta::Page(meta))
        }
        Page::NotFound => {
            let meta = PageMeta::page(config, Some("Page not found"), None, config.url(&path));
            ("404.html".to_owned(), Meta::Page(meta))
        }
    };
    values.insert("current_url", &config.url(&path));
    values.insert("current_path", &path);
    match meta {
        Meta::Page(meta) => values.insert("meta", &meta),
        Meta::Document(doc, is_post) => {
            values.insert_derived("meta", doc.revision, || {
                let description = own_outline.map_or("", |o| doc.description(o));
                let card = own
                    .as_ref()
                    .and_then(|(rendered, _)| rendered.card.as_deref());
                PageMeta::document(doc, site, description, card, config, is_post)
            });
            // The structured data names authors by their pages, which the revision
            // does not cover.
            if !values.for_template() {
                values.insert("meta_authors", &site.author_pages_of(doc));
            }
        }
    }
    Ok(template)
}

/// Every tag with its count, under `tags`: a value made from no document.
fn insert_tag_list(values: &mut impl PageValues, site: &Site, config: &Config) {
    values.read(crate::site::TAG_LIST);
    let tags: Vec<TagLink> = site.tags.iter().map(|t| TagLink::of(t, config)).collect();
    values.insert("tags", &tags);
}

/// The posts at `indices`, as summaries, under `key`.
fn insert_summaries(
    values: &mut impl PageValues,
    key: &str,
    inputs: &Inputs,
    indices: &[usize],
) -> Result<(), Diagnostic> {
    let site = inputs.site;
    for &i in indices {
        read_with_authors(values, &site.posts[i], site);
    }
    if !values.for_template() {
        let keys: Vec<SummaryKey> = indices
            .iter()
            .map(|&i| SummaryKey::of(&site.posts[i], site))
            .collect();
        values.insert(key, &keys);
        return Ok(());
    }
    let outlines = indices
        .iter()
        .map(|&i| (inputs.outline)(&site.posts[i]))
        .collect::<Result<Vec<Arc<Outline>>, Diagnostic>>()?;
    let summaries: Vec<PostSummary> = indices
        .iter()
        .zip(&outlines)
        .map(|(&i, outline)| PostSummary::of(&site.posts[i], site, inputs.config, Some(outline)))
        .collect();
    values.insert(key, &summaries);
    Ok(())
}

/// Notes that the values show `doc`, and with it its authors' pages (their names and
/// profiles show beside it).
fn read_with_authors(values: &mut impl PageValues, doc: &Document, site: &Site) {
    values.read(doc.revision);
    for author in doc.meta.authors.iter().filter_map(|name| site.author(name)) {
        values.read(site.pages[author.page].revision);
    }
}

/// A page's head tags: made here for generated pages, or from a document (made only
/// when the page is rendered: a fingerprint needs just the document's revision).
enum Meta<'a> {
    Page(PageMeta),
    Document(&'a Document, bool),
}

/// `All posts (page 2)`: list pages after the first say which they are.
fn numbered(title: &str, page: usize) -> String {
    if page > 1 {
        format!("{title} (page {page})")
    } else {
        title.to_owned()
    }
}
