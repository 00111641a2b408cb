//! The site model: posts in order, pages, tags. Built once from documents; read-only after.

use crate::config::Config;
use crate::content::permalink::page_file;
use crate::content::{Document, Kind};
use crate::error::Diagnostic;
use crate::memo::FastMap;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One tag, merged over spellings that share a slug (`TIL` and `til`).
#[derive(Debug, Clone)]
pub struct Tag {
    /// The spelling most posts use.
    pub name: String,
    pub slug: String,
    /// Site path of the tag's first page, from the tag pattern: `tags/rust/`.
    pub path: String,
    /// Indices into `Site::posts`, newest first.
    pub posts: Vec<usize>,
}

/// An author with a page of their own (`content/authors/NAME.md`), and their posts.
#[derive(Debug, Clone)]
pub struct Author {
    /// `NAME`, the file's stem: what posts' `authors` say (or a name whose slug it is).
    pub key: String,
    /// Index of the author's page in `Site::pages`.
    pub page: usize,
    /// Indices into `Site::posts`, newest first.
    pub posts: Vec<usize>,
}

/// Stands, among the revisions a page read, for the list of tags with their counts
/// (revisions start at 1): a page showing it is looked at again when tags change.
pub const TAG_LIST: u64 = 0;

/// Stands, among the revisions a page read, for the order of all posts and their number
/// (the home page and the post list show them): a page showing it is looked at again
/// when posts come or go. No revision is this high.
pub const POST_LIST: u64 = u64::MAX;

/// What an edit that kept every page of the model changed: see [`Site::touched_by`].
#[derive(Debug)]
pub struct Touched {
    /// The revisions, in the last model, of the documents whose pages need looking at
    /// again besides the edited ones.
    pub revisions: Vec<u64>,
    /// The slugs of the tags whose name, path or posts changed, or that came or went.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Published posts (and drafts, when asked for), newest first.
    pub posts: Vec<Arc<Document>>,
    pub pages: Vec<Arc<Document>>,
    /// Sorted by name, case-insensitively.
    pub tags: Vec<Tag>,
    /// Authors with a page, in the order of their files.
    pub authors: Vec<Author>,
    /// Things worth a writer's attention that do not fail the build.
    pub warnings: Vec<String>,
    /// Index in `tags` by slug.
    tag_numbers: FastMap<String, usize>,
    /// Index in `authors` by key.
    author_numbers: FastMap<String, usize>,
    /// The folder of the tag pages, and the tag index: `tags/`.
    pub tag_index: String,
    /// The warnings about tags' spellings, which only the tags change.
    tag_warnings: Vec<String>,
}

impl Site {
    pub fn assemble(
        documents: Vec<Arc<Document>>,
        include_drafts: bool,
        config: &Config,
    ) -> Result<Site, Vec<Diagnostic>> {
        let (mut posts, pages): (Vec<_>, Vec<_>) = documents
            .into_iter()
            .filter(|d| include_drafts || !d.meta.draft)
            .partition(|d| d.source.kind == Kind::Post);
        let tag_index = config.permalinks.tags.index().to_owned();
        check_unique_paths(&posts, &pages, &tag_index, config)?;
        posts.sort_by(|a, b| newest_first(a, b));
        Ok(Site::of_sorted(posts, pages, tag_index, config))
    }

    /// This site with each of `edits` (a document loaded again, each from a different
    /// file) in the place of the document of the same file, assembled again: what
    /// [`Site::assemble`] makes of the same documents, if every edit keeps its document's
    /// path, aliases, authors and draft flag and none is an author's page (`None`
    /// otherwise). Only the order and the tags are found again: the paths were checked.
    pub fn reassembled(
        &self,
        edits: &[Arc<Document>],
        include_drafts: bool,
        config: &Config,
    ) -> Option<Site> {
        let (mut posts, mut pages) = (self.posts.clone(), self.pages.clone());
        swap_in(
            &mut posts,
            &mut pages,
            edits,
            include_drafts,
            |list, i, new| same_place(&list[i], new),
        )?;
        // Nearly in order already: the stable sort finds the runs.
        posts.sort_by(|a, b| newest_first(a, b));
        Some(Site::of_sorted(
            posts,
            pages,
            self.tag_index.clone(),
            config,
        ))
    }

    /// The site of `posts`, newest first, and `pages`, whose paths are known to be unique.
    fn of_sorted(
        posts: Vec<Arc<Document>>,
        pages: Vec<Arc<Document>>,
        tag_index: String,
        config: &Config,
    ) -> Site {
        let (tags, tag_warnings) = collect_tags(&posts, config);
        let warnings = document_warnings(&tag_warnings, &posts, &pages);
        let tag_numbers = tags
            .iter()
            .enumerate()
            .map(|(n, t)| (t.slug.clone(), n))
            .collect();
        let mut site = Site {
            posts,
            pages,
            tags,
            warnings,
            tag_numbers,
            tag_index,
            tag_warnings,
            ..Site::default()
        };
        site.find_authors();
        site
    }

    /// This site with each of `edits` (a document loaded again, each from a different
    /// file) in the place of the document of the same file, if that is all that changes:
    /// every edited post stays where it is in the order, keeps its path, tags, aliases,
    /// authors and draft flag, and no edit is of an author's page. `None` when the model
    /// must be assembled again. The result equals what [`Site::assemble`] makes of the
    /// same documents.
    pub fn with_edits(&self, edits: &[Arc<Document>], include_drafts: bool) -> Option<Site> {
        let mut site = self.clone();
        swap_in(
            &mut site.posts,
            &mut site.pages,
            edits,
            include_drafts,
            |list, i, new| {
                let in_order = new.source.kind != Kind::Post
                    || (i
                        .checked_sub(1)
                        .is_none_or(|j| newest_first(&list[j], new) == std::cmp::Ordering::Less)
                        && list.get(i + 1).is_none_or(|next| {
                            newest_first(new, next) == std::cmp::Ordering::Less
                        }));
                same_shape(&list[i], new) && in_order
            },
        )?;
        site.warnings = document_warnings(&site.tag_warnings, &site.posts, &site.pages);
        Some(site)
    }

    /// What `edits` (with the same documents in their places) change of this site, which
    /// `reassembled` is the model of: the revisions (here) of the documents whose
    /// pages need looking at again besides the edited ones, and whether the tags
    /// changed. `None` when the edits change more: a path, aliases, authors, a draft
    /// flag, or an author's page.
    ///
    /// With those and the edited documents counted as replaced, a page that read none of
    /// them shows the same as before: a list, tag or author page showing another post at
    /// a place read the post that was there; a post whose neighbours changed read one
    /// that moved. A tag whose name or posts changed changes every post that carries it
    /// (a post's view shows its tags with their counts, and its related posts are found
    /// by shared tags: a post's related list changes only if it carries a tag the edit
    /// added or took away), so all of them count; a page showing the list of tags itself
    /// reads [`TAG_LIST`].
    pub fn touched_by(&self, edits: &[Arc<Document>], reassembled: &Site) -> Option<Touched> {
        let same_places = edits.iter().all(|new| {
            new.source.kind != Kind::Author
                && self
                    .document_of(&new.source)
                    .is_some_and(|old| same_place(old, new))
        });
        if !same_places
            || self.posts.len() != reassembled.posts.len()
            || !same_paths(&self.pages, &reassembled.pages)
        {
            return None;
        }
        let mut revisions: Vec<u64> = self
            .posts
            .iter()
            .zip(&reassembled.posts)
            .filter(|(was, is)| !same_file(was, is))
            .map(|(was, _)| was.revision)
            .collect();
        let changed_tags = self.changed_tags(reassembled);
        self.add_carriers(&changed_tags, reassembled, &mut revisions);
        Some(Touched {
            revisions,
            tags: changed_tags.into_iter().map(str::to_owned).collect(),
        })
    }

    /// What edits that add or remove posts (new files, deleted ones, and `edits` of the
    /// others) change of this site, which `reassembled` is the model of: as
    /// [`Site::touched_by`], and the posts whose neighbours changed, the posts taken
    /// away, the pages of the authors of posts that came or went, and [`POST_LIST`].
    /// `None` when more changes: a page or an author's page comes, goes or moves, an
    /// edited post changes its place (path, aliases, authors, draft flag), or a post that
    /// comes or goes has files of its own (a page bundle's, which patches do not carry).
    pub fn touched_by_posts(&self, edits: &[Arc<Document>], reassembled: &Site) -> Option<Touched> {
        if !same_paths(&self.pages, &reassembled.pages)
            || edits.iter().any(|d| d.source.kind != Kind::Post)
        {
            return None;
        }
        let (was, is) = (self.posts_by_file(), reassembled.posts_by_file());
        for new in edits {
            let old = was
                .get(new.source.path.as_os_str())
                .map(|&i| &self.posts[i]);
            if old.is_some_and(|old| !same_place(old, new)) {
                return None;
            }
        }
        let gone = self
            .posts
            .iter()
            .filter(|d| !is.contains_key(d.source.path.as_os_str()));
        let came =
            (reassembled.posts.iter()).filter(|d| !was.contains_key(d.source.path.as_os_str()));
        let (gone, came): (Vec<_>, Vec<_>) = (gone.collect(), came.collect());
        if gone
            .iter()
            .chain(&came)
            .any(|d| !d.source.assets.is_empty())
        {
            return None;
        }
        let mut revisions: Vec<u64> = gone.iter().map(|d| d.revision).collect();
        // The authors' pages list their posts.
        for doc in gone.iter().chain(&came) {
            for author in doc.meta.authors.iter().filter_map(|name| self.author(name)) {
                revisions.push(self.pages[author.page].revision);
            }
        }
        // A post's page shows its neighbours.
        let neighbours = |site: &Site, i: usize| {
            let file = |d: &Arc<Document>| d.source.path.as_os_str().to_owned();
            let next = i.checked_sub(1).and_then(|j| site.posts.get(j)).map(file);
            (site.posts.get(i + 1).map(file), next)
        };
        for (i, doc) in reassembled.posts.iter().enumerate() {
            if let Some(&j) = was.get(doc.source.path.as_os_str()) {
                if neighbours(self, j) != neighbours(reassembled, i) {
                    revisions.push(self.posts[j].revision);
                }
            }
        }
        let changed_tags = self.changed_tags(reassembled);
        self.add_carriers(&changed_tags, reassembled, &mut revisions);
        revisions.push(POST_LIST);
        Some(Touched {
            revisions,
            tags: changed_tags.into_iter().map(str::to_owned).collect(),
        })
    }

    /// Each post's place in `posts`, by the path of its file.
    fn posts_by_file(&self) -> FastMap<&std::ffi::OsStr, usize> {
        let posts = self.posts.iter().enumerate();
        posts.map(|(i, d)| (d.source.path.as_os_str(), i)).collect()
    }

    /// Adds to `revisions` those of the posts and pages, in both sites, that carry one
    /// of the `changed` tags.
    fn add_carriers(&self, changed: &HashSet<&str>, other: &Site, revisions: &mut Vec<u64>) {
        if changed.is_empty() {
            return;
        }
        let carries = |d: &Document| d.tag_slugs.iter().any(|s| changed.contains(s.as_str()));
        for site in [self, other] {
            let carriers = site.posts.iter().chain(&site.pages);
            revisions.extend(carriers.filter(|d| carries(d)).map(|d| d.revision));
        }
    }

    /// The slugs of the tags that are not the same in both sites: a name, a path, or the
    /// posts carrying it differ, or only one site has it. (The order of its posts is
    /// left out: posts that moved are counted by the order of all posts.)
    fn changed_tags<'s>(&'s self, other: &'s Site) -> HashSet<&'s str> {
        let same_posts = |a: &Tag, b: &Tag| {
            let sources = |site: &'s Site, tag: &Tag| -> HashSet<&'s std::path::Path> {
                tag.posts
                    .iter()
                    .map(|&i| site.posts[i].source.path.as_path())
                    .collect()
            };
            let in_order = a
                .posts
                .iter()
                .zip(&b.posts)
                .all(|(&i, &j)| same_file(&self.posts[i], &other.posts[j]));
            a.posts.len() == b.posts.len() && (in_order || sources(self, a) == sources(other, b))
        };
        let same = |a: &Tag, b: &Tag| a.name == b.name && a.path == b.path && same_posts(a, b);
        let mut changed = HashSet::new();
        for tag in &self.tags {
            if !other.tag_by_slug(&tag.slug).is_some_and(|o| same(tag, o)) {
                changed.insert(tag.slug.as_str());
            }
        }
        for tag in &other.tags {
            if self.tag_by_slug(&tag.slug).is_none() {
                changed.insert(tag.slug.as_str());
            }
        }
        changed
    }

    /// Fills `authors` from the pages under `content/authors/`, with the posts that name
    /// each of them.
    fn find_authors(&mut self) {
        for (page, doc) in self.pages.iter().enumerate() {
            if doc.source.kind != Kind::Author {
                continue;
            }
            let key = doc
                .source
                .path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            self.author_numbers.insert(key.clone(), self.authors.len());
            self.authors.push(Author {
                key,
                page,
                posts: Vec::new(),
            });
        }
        if self.authors.is_empty() {
            return;
        }
        for (i, post) in self.posts.iter().enumerate() {
            for name in &post.meta.authors {
                if let Some(&n) = self.author_number(name) {
                    let posts = &mut self.authors[n].posts;
                    if posts.last() != Some(&i) {
                        posts.push(i);
                    }
                }
            }
        }
    }

    fn author_number(&self, name: &str) -> Option<&usize> {
        if self.author_numbers.is_empty() {
            return None;
        }
        self.author_numbers.get(name).or_else(|| {
            self.author_numbers
                .get(&crate::content::slug::tag_slug(name))
        })
    }

    /// The author a post's `authors` entry refers to, when they have a page: `NAME` of
    /// `content/authors/NAME.md`, or a name whose slug that is (`Jane Doe` → `jane-doe`).
    pub fn author(&self, name: &str) -> Option<&Author> {
        self.author_number(name).map(|&n| &self.authors[n])
    }

    /// How `name` from a post's `authors` is written out: the `name` of the author's page
    /// when they have one (`default` → `Ada Lindqvist`), else as the post gives it.
    pub fn author_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.author(name)
            .map_or(name, |a| self.pages[a.page].meta.title.as_str())
    }

    /// What a document shows of its authors that have pages (names, profiles, counts),
    /// as each page's revision and number of posts: part of a fingerprint.
    pub fn author_pages_of(&self, doc: &Document) -> Vec<(u64, usize)> {
        doc.meta
            .authors
            .iter()
            .filter_map(|name| self.author(name))
            .map(|a| (self.pages[a.page].revision, a.posts.len()))
            .collect()
    }

    /// The post or page loaded from `source`, if it is in the site.
    pub fn document_of(&self, source: &crate::content::SourceFile) -> Option<&Arc<Document>> {
        let list = match source.kind {
            Kind::Post => &self.posts,
            _ => &self.pages,
        };
        // Bytes, not `Path`'s component-wise equality: the paths are discovery's own.
        let path = source.path.as_os_str();
        list.iter().find(|d| d.source.path.as_os_str() == path)
    }

    /// The author whose page is `site.pages[page]`.
    pub fn author_of_page(&self, page: usize) -> Option<&Author> {
        self.authors.iter().find(|a| a.page == page)
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
        let mut shared: FastMap<usize, usize> = FastMap::default();
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

/// Whether `new`, a document loaded again, sits in the model where `old` did, but for
/// its place in the order of posts: same path, tags, aliases, authors and draft flag.
fn same_shape(old: &Document, new: &Document) -> bool {
    same_place(old, new) && old.tag_slugs == new.tag_slugs && old.meta.tags == new.meta.tags
}

/// Puts each of `edits` (a document loaded again) in `posts` or `pages` where the
/// document of its file stands, if `fits(list, place, new)`. `None` (the lists half
/// changed) when an edit is an author's page or a draft left out, its file is not
/// there, or it does not fit.
fn swap_in(
    posts: &mut [Arc<Document>],
    pages: &mut [Arc<Document>],
    edits: &[Arc<Document>],
    include_drafts: bool,
    fits: impl Fn(&[Arc<Document>], usize, &Document) -> bool,
) -> Option<()> {
    for new in edits {
        if new.source.kind == Kind::Author || (new.meta.draft && !include_drafts) {
            return None;
        }
        let list = match new.source.kind {
            Kind::Post => &mut *posts,
            _ => &mut *pages,
        };
        let path = new.source.path.as_os_str();
        let i = list
            .iter()
            .position(|d| d.source.path.as_os_str() == path)?;
        if !fits(list, i, new) {
            return None;
        }
        list[i] = Arc::clone(new);
    }
    Some(())
}

/// Whether two lists hold documents at the same paths, in the same order.
fn same_paths(a: &[Arc<Document>], b: &[Arc<Document>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.path == b.path)
}

/// Whether two documents were read from the same file (most often they are one).
pub fn same_file(a: &Arc<Document>, b: &Arc<Document>) -> bool {
    Arc::ptr_eq(a, b) || a.source.path.as_os_str() == b.source.path.as_os_str()
}

/// Whether `new`, a document loaded again, keeps the path, aliases, authors and draft
/// flag of `old`: the model's pages stay the same but for the tags' and the order.
fn same_place(old: &Document, new: &Document) -> bool {
    old.path == new.path
        && old.slug == new.slug
        && old.meta.aliases == new.meta.aliases
        && old.meta.authors == new.meta.authors
        && old.meta.draft == new.meta.draft
}

fn check_unique_paths(
    posts: &[Arc<Document>],
    pages: &[Arc<Document>],
    tag_index: &str,
    config: &Config,
) -> Result<(), Vec<Diagnostic>> {
    // Output file, lowercased (two files that differ only in case are one on macOS's and
    // Windows's disks) -> the document that writes it (its page, or a redirect from an alias).
    let mut seen: FastMap<String, (&Document, String)> = FastMap::default();
    let mut errors = Vec::new();
    // Paths the site generates itself; a page there would be overwritten.
    let reserved = ["", "blog/", tag_index, "404/", "404.html"];
    let redirected: HashMap<&str, &str> = config
        .redirects
        .pages
        .iter()
        .map(|(old, _)| (old.as_str(), "[redirects] in inkpress.toml"))
        .collect();
    for doc in posts.iter().chain(pages).map(|d| &**d) {
        let generated = reserved.contains(&doc.path.as_str())
            || (doc.source.kind != Kind::Post
                && (doc.path.starts_with(tag_index) || doc.path.starts_with("blog/")));
        if generated {
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
        let own = std::iter::once(&doc.path);
        for path in own.chain(&doc.meta.aliases) {
            let file = page_file(path);
            if let Some(by) = redirected.get(path.as_str()) {
                errors.push(
                    Diagnostic::new(
                        &doc.source.display,
                        format!("this file wants the URL /{path}, which {by} sends elsewhere"),
                    )
                    .hint("remove the redirect, or give the post another URL"),
                );
            }
            if let Some((other, other_file)) = seen.insert(file.to_lowercase(), (doc, file.clone()))
            {
                let url = file.trim_end_matches("index.html");
                let other_url = other_file.trim_end_matches("index.html");
                let message = if std::ptr::eq(other, doc) {
                    format!("this file lists its own URL /{url} among its aliases")
                } else if other_url != url {
                    format!(
                        "this file and {} want URLs that differ only in case, /{url} and /{other_url}: one folder on macOS and Windows",
                        other.source.display.display()
                    )
                } else {
                    format!(
                        "this file and {} both want the URL /{url}",
                        other.source.display.display()
                    )
                };
                errors.push(Diagnostic::new(&doc.source.display, message).hint(
                    "give one of them a different `slug:` or `permalink:`, or remove the alias",
                ));
            }
        }
    }
    errors.extend(bundle_collisions(posts.iter().chain(pages), &seen));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Page bundles' files that would land on one output file. A bundle's files go to the
/// folder of its page, which with a `.html` pattern (`/{year}/{month}/{day}/{slug}.html`)
/// is shared by every post of the day: two bundles' `photo.png` would be one file, or a
/// bundle's `b.html` another post's page. `pages_at` is every page's output file,
/// lowercased, with the document that writes it.
fn bundle_collisions<'d>(
    documents: impl Iterator<Item = &'d Arc<Document>>,
    pages_at: &FastMap<String, (&Document, String)>,
) -> Vec<Diagnostic> {
    let mut bundled: FastMap<String, PathBuf> = FastMap::default();
    let mut errors = Vec::new();
    for doc in documents.filter(|d| !d.source.assets.is_empty()) {
        let folder = doc.source.display.parent().unwrap_or(Path::new(""));
        for rel in &doc.source.assets {
            let file = folder.join(rel);
            let rel = rel.to_string_lossy().replace('\\', "/");
            let url = format!("{}{rel}", doc.dir());
            let key = url.to_lowercase();
            let shared = "the posts' pages share one folder (the permalink pattern ends in .html): rename one of the files, or give one post another date or a pattern ending in /";
            let (other, hint) = match (bundled.get(&key), pages_at.get(&key)) {
                (Some(other_file), _) => (
                    format!("{}, another bundle's file,", other_file.display()),
                    shared,
                ),
                (None, Some((page, _))) => (
                    format!("a page of {}", page.source.display.display()),
                    "rename the file: a page is published at its URL",
                ),
                _ => {
                    bundled.insert(key, file);
                    continue;
                }
            };
            errors.push(
                Diagnostic::new(
                    &file,
                    format!("this file and {other} would both be published at /{url}"),
                )
                .hint(hint),
            );
        }
    }
    errors
}

/// The aliases whose redirects would overwrite a page inkpress generates (a tag's page,
/// a feed, a page of the list), given every generated file's path, sorted: the files
/// both claim appear twice.
pub fn aliases_over_generated(site: &Site, sorted_paths: &[String]) -> Vec<Diagnostic> {
    let twice: HashSet<&str> = sorted_paths
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].as_str())
        .collect();
    if twice.is_empty() {
        return Vec::new();
    }
    let mut errors = Vec::new();
    for doc in site.posts.iter().chain(&site.pages) {
        for alias in &doc.meta.aliases {
            if twice.contains(page_file(alias).as_str()) {
                errors.push(
                    Diagnostic::new(
                        &doc.source.display,
                        format!("the alias /{alias} would replace a page inkpress generates there"),
                    )
                    .hint("remove the alias: that URL already shows a page of the site"),
                );
            }
        }
    }
    errors
}

/// The order of posts: newest first, then by title, then by path (which is unique).
fn newest_first(a: &Document, b: &Document) -> std::cmp::Ordering {
    b.meta
        .date
        .cmp(&a.meta.date)
        .then_with(|| a.meta.title.cmp(&b.meta.title))
        .then_with(|| a.path.cmp(&b.path))
}

/// The site's warnings: about tags, then about each document's front matter and body.
fn document_warnings(
    tag_warnings: &[String],
    posts: &[Arc<Document>],
    pages: &[Arc<Document>],
) -> Vec<String> {
    let mut warnings = tag_warnings.to_vec();
    warnings.extend(misspelt_keys(posts.iter().chain(pages)));
    warnings.extend(body_warnings(posts.iter().chain(pages)));
    warnings
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

/// What bodies cannot show as written, by file, line and column.
fn body_warnings<'d>(documents: impl Iterator<Item = &'d Arc<Document>>) -> Vec<String> {
    let mut found: Vec<(&Path, (usize, usize), &str)> = documents
        .flat_map(|doc| {
            doc.body_warnings.iter().map(|w| {
                (
                    doc.source.display.as_path(),
                    doc.in_file(w.at),
                    w.message.as_str(),
                )
            })
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(file, (line, column), message)| {
            format!("{}:{line}:{column}: {message}", file.display())
        })
        .collect()
}

fn collect_tags(posts: &[Arc<Document>], config: &Config) -> (Vec<Tag>, Vec<String>) {
    /// Spellings of one tag with their number of uses, and the posts that carry it.
    #[derive(Default)]
    struct Uses {
        spellings: Vec<(String, usize)>,
        posts: Vec<usize>,
    }
    let mut by_slug: FastMap<String, Uses> = FastMap::default();
    for (i, post) in posts.iter().enumerate() {
        for (name, slug) in post.meta.tags.iter().zip(&post.tag_slugs) {
            // Looked up before it is copied: most uses are of a tag already seen.
            let entry = match by_slug.get_mut(slug.as_str()) {
                Some(entry) => entry,
                None => by_slug.entry(slug.clone()).or_default(),
            };
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
        .map(
            |(
                slug,
                Uses {
                    mut spellings,
                    posts,
                },
            )| {
                spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                if spellings.len() > 1 {
                    let all: Vec<String> = spellings
                        .iter()
                        .map(|(n, c)| format!("`{n}` ({c})"))
                        .collect();
                    warnings.push(format!(
                    "tags {} are one tag (/{}), shown as `{}`; use one spelling to silence this",
                    all.join(", "),
                    config.permalinks.tags.tag_path(&slug),
                    spellings[0].0
                ));
                }
                Tag {
                    name: spellings.swap_remove(0).0,
                    path: config.permalinks.tags.tag_path(&slug),
                    slug,
                    posts,
                }
            },
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    /// A site of three posts, as `(config, documents)`, each document read from its file.
    fn load(root: &Path) -> (Config, Vec<Arc<Document>>) {
        let config = Config::load(root, &Overrides::default()).unwrap();
        let documents = crate::content::discover(root)
            .unwrap()
            .into_iter()
            .map(|source| {
                let text = std::fs::read_to_string(&source.path).unwrap();
                let parsed = crate::content::parse(source, &text, &config.permalinks).unwrap();
                Arc::new(parsed.document)
            })
            .collect();
        (config, documents)
    }

    fn post(root: &Path, name: &str, front: &str) {
        std::fs::write(
            root.join(format!("content/blog/{name}.md")),
            format!("---\n{front}\n---\nBody of {name}.\n"),
        )
        .unwrap();
    }

    /// `revisions` by the titles of `site`'s posts that have them, sorted, once each;
    /// [`POST_LIST`] as "the list", and any other as `other` (a revision made since).
    fn titles(site: &Site, revisions: &[u64], other: &str) -> Vec<String> {
        let mut titles: Vec<String> = (revisions.iter())
            .map(|r| match site.posts.iter().find(|d| d.revision == *r) {
                Some(d) => d.meta.title.clone(),
                None if *r == POST_LIST => "the list".to_owned(),
                None => other.to_owned(),
            })
            .collect();
        titles.sort();
        titles.dedup();
        titles
    }

    /// What of a site shows on its pages, besides the documents' own revisions.
    fn shape(site: &Site) -> Vec<String> {
        let docs = site.posts.iter().chain(&site.pages);
        let mut shape: Vec<String> = docs
            .map(|d| d.source.display.display().to_string())
            .collect();
        shape.extend(site.tags.iter().map(|t| format!("{t:?}")));
        shape.extend(site.warnings.iter().cloned());
        shape
    }

    #[test]
    fn edits_that_move_nothing_are_swapped_in_place_as_assembling_would() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "title: A\ndate: 2024-01-03\ntags: [x, y]");
        post(root, "b", "title: B\ndate: 2024-01-02\ntags: [x]");
        post(
            root,
            "c",
            "title: C\ndate: 2024-01-01\ntags: [y]\ntittle: misspelt",
        );
        let (config, documents) = load(root);
        let site = Site::assemble(documents, false, &config).unwrap();

        let edited = |front: &str| {
            post(root, "b", front);
            let (_, documents) = load(root);
            let b = documents.iter().find(|d| d.meta.title.starts_with('B'));
            let b = Arc::clone(b.unwrap());
            (site.with_edits(&[Arc::clone(&b)], false), documents, b)
        };
        // A new title, a new date between its neighbours' dates: swapped in place.
        for front in [
            "title: B retitled\ndate: 2024-01-02\ntags: [x]",
            "title: B\ndate: 2024-01-02T12:00:00\ntags: [x]\ntittle: misspelt too",
        ] {
            let (swapped, documents, b) = edited(front);
            let swapped = swapped.expect("swapped in place");
            let assembled = Site::assemble(documents, false, &config).unwrap();
            assert_eq!(shape(&swapped), shape(&assembled));
            assert!(Arc::ptr_eq(&swapped.posts[1], &b));
        }
        // A date that moves the post, new tags, a draft: assembled again.
        for front in [
            "title: B\ndate: 2024-01-09\ntags: [x]",
            "title: B\ndate: 2024-01-02\ntags: [x, z]",
            "title: B\ndate: 2024-01-02\ntags: [X]",
            "title: B\ndate: 2024-01-02\ntags: [x]\ndraft: true",
            "title: B\ndate: 2024-01-02\ntags: [x]\nslug: elsewhere",
        ] {
            assert!(edited(front).0.is_none(), "{front}");
        }
    }
    #[test]
    fn an_edit_of_tags_or_dates_touches_the_posts_whose_pages_show_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "title: A\ndate: 2024-01-03\ntags: [x, y]");
        post(root, "b", "title: B\ndate: 2024-01-02\ntags: [x]");
        post(root, "c", "title: C\ndate: 2024-01-01\ntags: [y]");
        let (config, documents) = load(root);
        let site = Site::assemble(documents, false, &config).unwrap();
        let touched = |front: &str| {
            post(root, "b", front);
            let (_, documents) = load(root);
            let b = documents.iter().find(|d| d.meta.title.starts_with('B'));
            let edits = [Arc::clone(b.unwrap())];
            let assembled = Site::assemble(documents.clone(), false, &config).unwrap();
            let reassembled = site.reassembled(&edits, false, &config);
            // Assembled again from the last site, or from every document: the same.
            if let Some(reassembled) = &reassembled {
                assert_eq!(shape(reassembled), shape(&assembled));
            }
            let touched = site.touched_by(&edits, &assembled);
            assert_eq!(touched.is_some(), reassembled.is_some());
            let touched = touched?;
            // By title, the edited post's old revision as `B` and its new one as `B'`.
            let titles = titles(&site, &touched.revisions, "B'");
            Some((titles, !touched.tags.is_empty()))
        };
        let expect =
            |titles: &[&str], tags| Some((titles.iter().map(|t| t.to_string()).collect(), tags));
        // A tag no other post carries: only the edited post (the build counts its old
        // revision); the tag list changed.
        assert_eq!(
            touched("title: B\ndate: 2024-01-02\ntags: [x, z]"),
            expect(&["B'"], true)
        );
        // From x to y: every post carrying either (their counts, related posts).
        assert_eq!(
            touched("title: B\ndate: 2024-01-02\ntags: [y]"),
            expect(&["A", "B", "B'", "C"], true)
        );
        // Another spelling, which is now the tag's name: every post carrying it.
        assert_eq!(
            touched("title: B\ndate: 2024-01-02\ntags: [X]"),
            expect(&["A", "B", "B'"], true)
        );
        // A date that moves the post past another: both, tags unchanged.
        assert_eq!(
            touched("title: B\ndate: 2024-01-09\ntags: [x]"),
            expect(&["A", "B"], false)
        );
        // A draft or another path: the model's pages change, not only what they show.
        assert_eq!(
            touched("title: B\ndate: 2024-01-02\ntags: [x]\ndraft: true"),
            None
        );
        assert_eq!(
            touched("title: B\ndate: 2024-01-02\ntags: [x]\nslug: elsewhere"),
            None
        );
    }
    #[test]
    fn a_post_that_comes_or_goes_touches_its_neighbours_its_tags_and_the_list() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "title: A\ndate: 2024-01-03\ntags: [x]");
        post(root, "b", "title: B\ndate: 2024-01-02\ntags: [y]");
        post(root, "c", "title: C\ndate: 2024-01-01\ntags: [x]");
        let (config, documents) = load(root);
        let site = Site::assemble(documents, false, &config).unwrap();
        let touched = |edits: &[Arc<Document>]| {
            let (_, documents) = load(root);
            let reassembled = Site::assemble(documents, false, &config).unwrap();
            let touched = site.touched_by_posts(edits, &reassembled).unwrap();
            (titles(&site, &touched.revisions, "new"), touched.tags)
        };
        // The newest post: A gets a neighbour, tag y one more post (B carries it).
        post(root, "d", "title: D\ndate: 2024-01-04\ntags: [y]");
        let (_, documents) = load(root);
        let d = documents.iter().find(|d| d.meta.title == "D").unwrap();
        assert_eq!(
            touched(std::slice::from_ref(d)),
            (
                vec!["A".into(), "B".into(), "new".into(), "the list".into()],
                vec!["y".into()]
            )
        );
        std::fs::remove_file(root.join("content/blog/d.md")).unwrap();
        // B goes: A and C get each other as neighbours, and tag y is gone.
        std::fs::remove_file(root.join("content/blog/b.md")).unwrap();
        assert_eq!(
            touched(&[]),
            (
                vec!["A".into(), "B".into(), "C".into(), "the list".into()],
                vec!["y".into()]
            )
        );
    }
}
