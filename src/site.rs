//! The site model: posts in order, pages, tags. Built once from documents; read-only after.

use crate::content::{Document, Kind};
use crate::error::Diagnostic;
use std::collections::HashMap;
use std::sync::Arc;

/// One tag, merged over spellings that share a slug (`TIL` and `til`).
#[derive(Debug, Clone)]
pub struct Tag {
    /// The spelling most posts use.
    pub name: String,
    pub slug: String,
    /// Indices into `Site::posts`, newest first.
    pub posts: Vec<usize>,
}

impl Tag {
    pub fn path(&self) -> String {
        format!("tags/{}/", self.slug)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Published posts (and drafts, when asked for), newest first.
    pub posts: Vec<Arc<Document>>,
    pub pages: Vec<Arc<Document>>,
    /// Sorted by name, case-insensitively.
    pub tags: Vec<Tag>,
    /// Things worth a writer's attention that do not fail the build.
    pub warnings: Vec<String>,
    /// Index in `tags` by slug.
    tag_numbers: HashMap<String, usize>,
}

/// Paths the site generates itself; a page there would be overwritten.
const RESERVED: &[&str] = &["", "blog/", "tags/", "404/"];

impl Site {
    pub fn assemble(
        documents: Vec<Arc<Document>>,
        include_drafts: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        let (mut posts, pages): (Vec<_>, Vec<_>) = documents
            .into_iter()
            .filter(|d| include_drafts || !d.meta.draft)
            .partition(|d| d.source.kind == Kind::Post);
        check_unique_paths(&posts, &pages)?;
        posts.sort_by(|a, b| {
            b.meta
                .date
                .cmp(&a.meta.date)
                .then_with(|| a.meta.title.cmp(&b.meta.title))
                .then_with(|| a.path.cmp(&b.path))
        });
        let (tags, mut warnings) = collect_tags(&posts);
        warnings.extend(misspelt_keys(posts.iter().chain(&pages)));
        let tag_numbers = tags
            .iter()
            .enumerate()
            .map(|(n, t)| (t.slug.clone(), n))
            .collect();
        Ok(Site {
            posts,
            pages,
            tags,
            warnings,
            tag_numbers,
        })
    }

    /// The tag with this slug.
    pub fn tag_by_slug(&self, slug: &str) -> Option<&Tag> {
        self.tag_numbers.get(slug).map(|&n| &self.tags[n])
    }

    /// A document's tags, each once (`Rust` and `rust` are one tag), in its own order.
    /// Tags of pages, which no list shows, are left out.
    pub fn tags_of(&self, doc: &Document) -> Vec<&Tag> {
        let mut tags: Vec<&Tag> = Vec::with_capacity(doc.tag_slugs.len());
        for tag in doc.tag_slugs.iter().filter_map(|s| self.tag_by_slug(s)) {
            if !tags.iter().any(|t| std::ptr::eq(*t, tag)) {
                tags.push(tag);
            }
        }
        tags
    }
}

impl Site {
    /// Up to `n` other posts that share tags with post `i`: most shared tags first, then
    /// the newest.
    pub fn related(&self, i: usize, n: usize) -> Vec<usize> {
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for tag in self.tags_of(&self.posts[i]) {
            for &j in tag.posts.iter().filter(|&&j| j != i) {
                *shared.entry(j).or_default() += 1;
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        // Posts are newest first, so the lower index is the newer post.
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().take(n).map(|(j, _)| j).collect()
    }
}

fn check_unique_paths(
    posts: &[Arc<Document>],
    pages: &[Arc<Document>],
) -> Result<(), Vec<Diagnostic>> {
    // Output file -> the document that writes it (its page, or a redirect from an alias).
    let mut seen: HashMap<String, &Document> = HashMap::new();
    let mut errors = Vec::new();
    for doc in posts.iter().chain(pages).map(|d| &**d) {
        let generated = RESERVED.contains(&doc.path.as_str())
            || doc.path.starts_with("tags/")
            || doc.path.starts_with("blog/");
        if doc.source.kind == Kind::Page && generated {
            errors.push(
                Diagnostic::new(
                    &doc.source.display,
                    format!(
                        "this page's URL /{} is one inkpress generates itself",
                        doc.path
                    ),
                )
                .hint("give the page a `slug:` of its own, or move it"),
            );
            continue;
        }
        let own = std::iter::once(format!("{}index.html", doc.path));
        let aliases = doc.meta.aliases.iter().map(|a| alias_file(a));
        for file in own.chain(aliases) {
            if let Some(other) = seen.insert(file.clone(), doc) {
                let url = file.trim_end_matches("index.html");
                let message = if std::ptr::eq(other, doc) {
                    format!("this file lists its own URL /{url} among its aliases")
                } else {
                    format!(
                        "this file and {} both want the URL /{url}",
                        other.source.display.display()
                    )
                };
                errors.push(
                    Diagnostic::new(&doc.source.display, message)
                        .hint("give one of them a different `slug:`, or remove the alias"),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The file a redirect for `alias` (a site path from `meta::alias_path`) is written to.
pub fn alias_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_owned()
    }
}

/// One warning for each misspelt front matter key (`tittle`), naming the first file that
/// has it and how many others do: a blog moved from elsewhere may have it in every post.
fn misspelt_keys<'d>(documents: impl Iterator<Item = &'d Arc<Document>>) -> Vec<String> {
    let mut seen: Vec<(&str, &str, String, usize)> = Vec::new();
    for doc in documents {
        for m in &doc.misspelt {
            match seen
                .iter_mut()
                .find(|(k, known, _, _)| *k == m.key && *known == m.known)
            {
                Some((_, _, _, others)) => *others += 1,
                None => {
                    let (line, column) = m.at;
                    let place = format!("{}:{line}:{column}", doc.source.display.display());
                    seen.push((&m.key, m.known, place, 0));
                }
            }
        }
    }
    let mut warnings: Vec<String> = seen
        .into_iter()
        .map(|(key, known, place, others)| {
            let more = match others {
                0 => String::new(),
                1 => " and 1 more file".into(),
                n => format!(" and {n} more files"),
            };
            format!(
                "{place}{more}: front matter `{key}` is not a field inkpress reads (templates get it as `extra.{key}`); did you mean `{known}`?"
            )
        })
        .collect();
    warnings.sort();
    warnings
}

fn collect_tags(posts: &[Arc<Document>]) -> (Vec<Tag>, Vec<String>) {
    /// Spellings of one tag with their number of uses, and the posts that carry it.
    #[derive(Default)]
    struct Uses {
        spellings: Vec<(String, usize)>,
        posts: Vec<usize>,
    }
    let mut by_slug: HashMap<String, Uses> = HashMap::new();
    for (i, post) in posts.iter().enumerate() {
        for (name, slug) in post.meta.tags.iter().zip(&post.tag_slugs) {
            let entry = by_slug.entry(slug.clone()).or_default();
            match entry.spellings.iter_mut().find(|(n, _)| n == name) {
                Some((_, uses)) => *uses += 1,
                None => entry.spellings.push((name.clone(), 1)),
            }
            if entry.posts.last() != Some(&i) {
                entry.posts.push(i);
            }
        }
    }
    let mut warnings = Vec::new();
    let mut tags: Vec<Tag> = by_slug
        .into_iter()
        .map(|(slug, Uses { mut spellings, posts })| {
            spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            if spellings.len() > 1 {
                let all: Vec<String> = spellings.iter().map(|(n, c)| format!("`{n}` ({c})")).collect();
                warnings.push(format!(
                    "tags {} are one tag (/tags/{slug}/), shown as `{}`; use one spelling to silence this",
                    all.join(", "),
                    spellings[0].0
                ));
            }
            Tag {
                name: spellings.swap_remove(0).0,
                slug,
                posts,
            }
        })
        .collect();
    tags.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    warnings.sort();
    (tags, warnings)
}
