//! What a long-running build (serve) keeps between rebuilds, so an edit redoes only what it touched.
//!
//! A cached value is reused only when every input it was made from is equal to the
//! current one, compared in full (the text itself, not a hash or a modification time):
//! a cached build is the same as a fresh one, and never stale. Only the expensive,
//! expensive stages are cached: front matter and Markdown of each document, parsing of the
//! templates, and rendering of each page (reused only when its template and its whole
//! context are equal). The site model and every page's context are always made anew,
//! so lists, tags and neighbours follow every edit, rename and deletion.

use crate::config::Config;
use crate::content::{self, Document, SourceFile};
use crate::error::Diagnostic;
use crate::markdown::highlight_cache::{self, HighlightCache};
use crate::markdown::MarkdownOptions;
use crate::output::{Destination, Made};
use crate::render::page_cache::PageCache;
use crate::render::{self, read_template_sources, TemplateSources, Templates};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Loaded documents, parsed templates and rendered pages from the previous build. A new
/// cache is empty, which makes a build with it exactly a fresh build.
pub struct BuildCache {
    /// Whether to keep this build's work for a next one (not worth it for a one-off build).
    keep: bool,
    templates: TemplateCache,
    documents: DocumentCache,
    pages: PageCache,
    highlight: Option<Arc<HighlightCache>>,
    changes: KnownChanges,
}

/// Which sources may have changed since the documents were last loaded.
#[derive(Debug)]
enum KnownChanges {
    /// No one says: every file is read and compared.
    Unknown,
    /// A watcher will report changes, but has not yet seen the files loaded: read all.
    Everything,
    /// Only files at or under these paths (as the watcher reported them).
    Within(Vec<PathBuf>),
}

impl KnownChanges {
    fn may_have_changed(&self, path: &Path) -> bool {
        match self {
            KnownChanges::Unknown | KnownChanges::Everything => true,
            KnownChanges::Within(paths) => paths.iter().any(|p| path.starts_with(p)),
        }
    }
}

impl Default for BuildCache {
    /// A cache that keeps each build's work for the next (serve).
    fn default() -> Self {
        BuildCache {
            keep: true,
            templates: TemplateCache::default(),
            documents: DocumentCache::default(),
            pages: PageCache::default(),
            highlight: None,
            changes: KnownChanges::Unknown,
        }
    }
}

impl BuildCache {
    /// A cache for a single build (`build`, `check`): it keeps nothing, so a big site's
    /// pages are not held in memory twice for a next build that never comes.
    pub fn one_off() -> Self {
        BuildCache {
            keep: false,
            ..BuildCache::default()
        }
    }

    /// The cache of highlighted code in the folder `dir`, if any: opened by the first
    /// build, and kept open by a long-running one, which then also remembers new blocks.
    pub fn highlight_cache(&mut self, dir: Option<&Path>) -> Option<Arc<HighlightCache>> {
        let Some(file) = dir.map(|d| d.join(highlight_cache::FILE_NAME)) else {
            self.highlight = None;
            return None;
        };
        match &self.highlight {
            Some(open) if open.file() == file => {}
            _ => self.highlight = Some(Arc::new(HighlightCache::open(file, self.keep))),
        }
        self.highlight.clone()
    }

    /// Promises that every change to the sources from now on is told with
    /// [`changed_only`](Self::changed_only) (serve's file watcher): the next builds read
    /// only the files told, and keep the others as they were.
    pub fn follow_watcher(&mut self) {
        if let KnownChanges::Unknown = self.changes {
            self.changes = KnownChanges::Everything;
        }
    }

    /// Tells the cache that, since the last build, sources changed only at or under
    /// these paths (a renamed folder counts for everything in it). Files elsewhere are
    /// then not read again. Paths told before a build that failed early add up.
    pub fn changed_only(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        if let KnownChanges::Within(known) = &mut self.changes {
            known.extend(paths);
        }
    }

    /// Takes back the documents of the site the last build returned, so that the next
    /// build can reuse them without copying. `site` must be that build's, unchanged.
    pub fn reclaim(&mut self, site: Site) {
        if self.keep {
            self.documents
                .reclaim(site.posts.into_iter().chain(site.pages));
        }
    }

    /// Renders every page, reusing the pages of the last build whose inputs are equal.
    /// A one-off build hands each page to `dest` as it is made; a cache that keeps pages
    /// keeps them all in memory.
    pub fn render(
        &mut self,
        site: &mut Site,
        config: &Config,
        templates: &Arc<Templates>,
        markdown: &MarkdownOptions,
        dest: &dyn Destination,
    ) -> Result<Made, Vec<Diagnostic>> {
        if self.keep {
            render::render_site_cached(site, config, templates, &mut self.pages)
        } else {
            render::render_site(site, config, templates, markdown, dest)
        }
    }

    /// Templates and documents, loaded side by side (they are independent).
    #[allow(clippy::type_complexity)]
    pub fn load_in_parallel(
        &mut self,
        root: &Path,
        sources: Vec<SourceFile>,
        options: &MarkdownOptions,
    ) -> (
        Result<Arc<Templates>, Vec<Diagnostic>>,
        Result<Vec<Document>, Vec<Diagnostic>>,
    ) {
        let (templates, documents) = (&mut self.templates, &mut self.documents);
        let (keep, changes) = (self.keep, &mut self.changes);
        rayon::join(
            || templates.load(root),
            || documents.load(sources, options, keep, changes),
        )
    }
}

/// Frees a large value on another thread: freeing the last build's many allocations is
/// work nobody needs to wait for before the new site is served.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("inkpress-free".into())
        .spawn(move || drop(value));
}

/// The parsed templates with the texts they were parsed from.
#[derive(Default)]
struct TemplateCache(Option<(TemplateSources, Arc<Templates>)>);

/// Each loaded document by its file's path.
#[derive(Default)]
struct DocumentCache(HashMap<PathBuf, CachedDocument>);

/// A document with everything it was made from.
struct CachedDocument {
    source: SourceFile,
    text: String,
    options: MarkdownOptions,
    /// `None` while the document is out in a build (see [`BuildCache::reclaim`]).
    document: Option<Document>,
}

impl TemplateCache {
    /// The site's templates; parsed again only when a template's text changed.
    fn load(&mut self, root: &Path) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        // Reading a handful of templates costs little; parsing them is what is saved.
        let sources = read_template_sources(root)?;
        if let Some((cached, templates)) = &self.0 {
            if *cached == sources {
                return Ok(Arc::clone(templates));
            }
        }
        let templates = Arc::new(Templates::compile(&sources)?);
        self.0 = Some((sources, Arc::clone(&templates)));
        Ok(templates)
    }
}

impl DocumentCache {
    /// Like [`content::load`], but a file whose text, place and options are unchanged
    /// is not parsed or rendered again. Files that are gone or broken leave the cache.
    ///
    /// The documents themselves are moved into the build, not copied: they come back
    /// with [`BuildCache::reclaim`]. One that does not come back is simply made again.
    fn load(
        &mut self,
        sources: Vec<SourceFile>,
        options: &MarkdownOptions,
        keep: bool,
        changes: &mut KnownChanges,
    ) -> Result<Vec<Document>, Vec<Diagnostic>> {
        if !keep {
            // Nothing to reuse and nothing to keep: posts' Markdown is rendered later,
            // each right before its page is written (see `render::render_site`).
            return content::load_deferred(sources, options);
        }
        let after = match changes {
            KnownChanges::Unknown => KnownChanges::Unknown,
            _ => KnownChanges::Within(Vec::new()),
        };
        let changes = std::mem::replace(changes, after);
        let mut previous = std::mem::take(&mut self.0);
        let paired: Vec<(SourceFile, Option<CachedDocument>)> = sources
            .into_iter()
            .map(|source| {
                let cached = previous.remove(&source.path);
                (source, cached)
            })
            .collect();
        drop_in_background(previous);
        let results: Vec<Result<(CachedDocument, Document), Vec<Diagnostic>>> = paired
            .into_par_iter()
            .map(|(source, cached)| {
                let cached = cached.filter(|c| c.source == source && c.options == *options);
                // A file the watcher saw no change to is taken as the cache has it, unread.
                let unread = cached.is_some() && !changes.may_have_changed(&source.path);
                let read = if unread {
                    None
                } else {
                    Some(content::read_source(&source)?)
                };
                let (cached, text) = match (cached, read) {
                    (Some(c), Some(text)) if c.text != text => (None, text),
                    (Some(c), _) => (Some(c), String::new()),
                    (None, text) => (None, text.unwrap_or_default()),
                };
                let (mut entry, document) = match cached {
                    // A draft whose copy the cache kept (see below).
                    Some(entry) if entry.document.as_ref().is_some_and(|d| d.meta.draft) => {
                        let document = entry.document.clone().expect("checked by the guard");
                        (entry, document)
                    }
                    Some(CachedDocument {
                        document: Some(document),
                        source,
                        text,
                        options,
                    }) => {
                        let entry = CachedDocument {
                            source,
                            text,
                            options,
                            document: None,
                        };
                        (entry, document)
                    }
                    // Unchanged, but its document did not come back from a failed build.
                    Some(entry) => {
                        let document = content::load_one(source, &entry.text, options)?;
                        (entry, document)
                    }
                    None => {
                        let document = content::load_one(source.clone(), &text, options)?;
                        let entry = CachedDocument {
                            source,
                            text,
                            options: options.clone(),
                            document: None,
                        };
                        (entry, document)
                    }
                };
                // Drafts may be left out of the site, and so never come back through
                // `reclaim`: the cache keeps a copy of its own (they are few).
                if document.meta.draft {
                    entry.document = Some(document.clone());
                }
                Ok((entry, document))
            })
            .collect();
        let mut documents = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        for result in results {
            match result {
                Ok((entry, document)) => {
                    self.0.insert(entry.source.path.clone(), entry);
                    documents.push(document);
                }
                Err(e) => errors.extend(e),
            }
        }
        if errors.is_empty() {
            Ok(documents)
        } else {
            Err(errors)
        }
    }

    /// Puts documents of the last build back beside the inputs they were made from.
    fn reclaim(&mut self, documents: impl Iterator<Item = Document>) {
        for document in documents {
            if let Some(entry) = self.0.get_mut(&document.source.path) {
                if entry.document.is_none() && entry.source == document.source {
                    entry.document = Some(document);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::build::{build, build_cached, BuildOptions};
    use crate::cache::BuildCache;
    use crate::config::{Config, Overrides};
    use std::path::Path;

    fn files_of(built: &crate::build::Built) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = built
            .files
            .iter()
            .map(|f| (f.path.clone(), f.bytes().unwrap().into_owned()))
            .collect();
        files.sort();
        files
    }

    /// The cached build and a fresh one agree, file for file.
    fn assert_same_as_fresh(root: &Path, cache: &mut BuildCache) {
        let config = Config::load(root, &Overrides::default()).unwrap();
        let options = BuildOptions::default();
        let cached = build_cached(&config, &options, cache).unwrap();
        let fresh = build(&config, &options).unwrap();
        assert_eq!(files_of(&cached), files_of(&fresh));
        // As serve does: the documents go back for the next build to reuse.
        cache.reclaim(cached.site);
    }

    fn post(root: &Path, name: &str, title: &str, tag: &str, body: &str) {
        std::fs::write(
            root.join(format!("content/blog/{name}.md")),
            format!(
                "---\ntitle: {title}\ndate: 2025-01-0{}\ntags: [{tag}]\n---\n{body}\n",
                name.len() % 9 + 1
            ),
        )
        .unwrap();
    }

    #[test]
    fn following_a_watcher_reads_only_what_it_names_and_keeps_what_it_was_told() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let root = root.as_path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "Alpha", "one", "First.");
        post(root, "bb", "Beta", "two", "Second.");
        let mut cache = BuildCache::default();
        cache.follow_watcher();
        assert_same_as_fresh(root, &mut cache);
        // Told about one edit; a second is told before a build that never came (its
        // configuration was broken, say): the next build must see both.
        post(root, "a", "Alpha edited", "one", "First, edited.");
        cache.changed_only([root.join("content/blog/a.md")]);
        post(root, "bb", "Beta edited", "two", "Second, edited.");
        cache.changed_only([root.join("content/blog/bb.md")]);
        assert_same_as_fresh(root, &mut cache);
        // A change nobody reported is not looked for: that is the watcher's promise.
        let config = Config::load(root, &Overrides::default()).unwrap();
        post(root, "a", "Alpha unreported", "one", "Unseen.");
        let built = build_cached(&config, &BuildOptions::default(), &mut cache).unwrap();
        let titles: Vec<&str> = built
            .site
            .posts
            .iter()
            .map(|p| p.meta.title.as_str())
            .collect();
        assert!(titles.contains(&"Alpha edited"), "{titles:?}");
        cache.reclaim(built.site);
        // Named by its folder (a folder moved in place): read again.
        cache.changed_only([root.join("content/blog")]);
        assert_same_as_fresh(root, &mut cache);
    }

    #[test]
    fn cached_builds_equal_fresh_builds_through_edits() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        post(root, "a", "Alpha", "one", "First *words*.");
        post(root, "bb", "Beta", "two", "Second words.");
        let draft = root.join("content/blog/draft.md");
        std::fs::write(
            &draft,
            "---\ntitle: Draft\ndate: 2025-03-01\ndraft: true\n---\nNot yet.\n",
        )
        .unwrap();
        let mut cache = BuildCache::default();
        assert_same_as_fresh(root, &mut cache);
        assert_same_as_fresh(root, &mut cache);
        std::fs::write(
            &draft,
            "---\ntitle: Draft\ndraft: false\ndate: 2025-03-01\n---\nOut.\n",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut cache);

        post(root, "a", "Alpha edited", "three", "Edited words.");
        assert_same_as_fresh(root, &mut cache);
        post(root, "ccc", "Gamma", "one", "New post.");
        assert_same_as_fresh(root, &mut cache);
        std::fs::remove_file(root.join("content/blog/bb.md")).unwrap();
        assert_same_as_fresh(root, &mut cache);
        std::fs::rename(
            root.join("content/blog/ccc.md"),
            root.join("content/blog/dddd.md"),
        )
        .unwrap();
        assert_same_as_fresh(root, &mut cache);
        std::fs::write(
            root.join("templates/post.html"),
            "<h1>{{ post.title }}</h1>{{ post.content | safe }}",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut cache);
        std::fs::write(
            root.join("inkpress.toml"),
            "base_url = \"https://x.org/sub/\"\n",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut cache);
        // Feeds that carry some posts whole and others not at all: a one-off build
        // keeps the HTML of the former only, after writing their pages.
        std::fs::write(
            root.join("inkpress.toml"),
            "[feeds]\nlimit = 1\ntag_content = \"full\"\n",
        )
        .unwrap();
        post(root, "eeeee", "Epsilon", "three", "More words.");
        assert_same_as_fresh(root, &mut cache);
    }

    #[test]
    fn a_broken_file_fails_the_cached_build_too() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "Alpha", "one", "Words.");
        let config = Config::load(root, &Overrides::default()).unwrap();
        let mut cache = BuildCache::default();
        build_cached(&config, &BuildOptions::default(), &mut cache).unwrap();
        std::fs::write(root.join("content/blog/a.md"), "---\ntitle: [x\n---\n").unwrap();
        assert!(build_cached(&config, &BuildOptions::default(), &mut cache).is_err());
        post(root, "a", "Alpha", "one", "Words again.");
        assert_same_as_fresh(root, &mut cache);
    }
}
