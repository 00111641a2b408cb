//! The build pipeline, shared by `build`, `serve` and `check`:
//! config → discover → load (front matter + Markdown) → site → render → output files.
//! A one-off build renders each post's Markdown in the render stage instead, right
//! before its page, so that a big site's HTML is never all in memory.
//! It reads sources but writes nothing: where the files go is the caller's choice.

use crate::cache::BuildCache;
use crate::config::Config;
use crate::content;
use crate::error::{Diagnostic, Diagnostics, Result};
use crate::markdown::MarkdownOptions;
use crate::output::{Destination, InMemory, OutputFile};
use crate::render;
use crate::site::Site;
use std::collections::HashSet;

/// Caches kept between builds, in the site's root; safe to delete at any time.
pub const CACHE_DIR: &str = ".inkpress-cache";

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include posts and pages marked `draft: true`.
    pub drafts: bool,
    /// Folder for caches kept between builds (highlighted code); `None` keeps nothing.
    pub cache_dir: Option<std::path::PathBuf>,
}

/// A built site: the model, and the files its destination kept in memory (all of
/// them, unless it was written as it was made).
pub struct Built {
    pub files: Vec<OutputFile>,
    /// Every file's site path, written or kept.
    pub paths: Vec<String>,
    pub site: Site,
}

impl Built {
    /// Number of HTML pages made.
    pub fn html_pages(&self) -> usize {
        self.paths.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// `3 posts, 8 tags, 25 pages`, for the closing line of a command.
    pub fn counts(&self) -> String {
        format!(
            "{} posts, {} tags, {} pages",
            self.site.posts.len(),
            self.site.tags.len(),
            self.html_pages()
        )
    }
}

/// Builds the whole site in memory. Every broken file is reported, not only the first.
pub fn build(config: &Config, options: &BuildOptions) -> Result<Built> {
    build_into(config, options, &InMemory)
}

/// [`build`], handing each file to `dest` as soon as it is made (`build` writes pages
/// while others are still rendering, and holds none of them in memory).
pub fn build_into(
    config: &Config,
    options: &BuildOptions,
    dest: &dyn Destination,
) -> Result<Built> {
    run(config, options, &mut BuildCache::one_off(), dest)
}

/// [`build`], reusing from `cache` what earlier builds made of inputs that have not
/// changed since, and keeping this build's work for the next one (serve's rebuilds).
pub fn build_cached(
    config: &Config,
    options: &BuildOptions,
    cache: &mut BuildCache,
) -> Result<Built> {
    run(config, options, cache, &InMemory)
}

fn run(
    config: &Config,
    options: &BuildOptions,
    cache: &mut BuildCache,
    dest: &dyn Destination,
) -> Result<Built> {
    let markdown = MarkdownOptions {
        base_path: config.base_path().to_owned(),
        highlight_cache: cache.highlight_cache(options.cache_dir.as_deref()),
    };
    let built = run_with(config, options, cache, dest, &markdown);
    // The code highlighted so far is kept for the next build even when this one failed:
    // what the good files got is still good.
    if let Some(highlights) = &markdown.highlight_cache {
        highlights.save();
    }
    built
}

fn run_with(
    config: &Config,
    options: &BuildOptions,
    cache: &mut BuildCache,
    dest: &dyn Destination,
    markdown: &MarkdownOptions,
) -> Result<Built> {
    let sources = content::discover(&config.root)?;
    // Templates and content are independent: check both so that one run shows every error.
    let (templates, documents) = cache.load_in_parallel(&config.root, sources, markdown);
    let mut errors: Vec<Diagnostic> = Vec::new();
    let templates = templates.map_err(|e| errors.extend(e)).ok();
    let documents = documents.map_err(|e| errors.extend(e)).ok();
    let (Some(templates), Some(documents)) = (templates, documents) else {
        return Err(Diagnostics::sorted(errors));
    };
    let mut site = Site::assemble(documents, options.drafts).map_err(Diagnostics::sorted)?;
    // A site's own static file wins over a generated one at the same path (its own
    // robots.txt, say): otherwise both would be written and the last one would win.
    let statics = render::static_files(&config.root)?;
    let own: HashSet<String> = statics.iter().map(|f| f.path.clone()).collect();
    let mut made = cache
        .render(
            &mut site,
            config,
            &templates,
            markdown,
            &Except { own: &own, dest },
        )
        .map_err(Diagnostics::sorted)?;
    made.kept.retain(|f| !own.contains(&f.path));
    for file in statics {
        made.send(dest, file).map_err(Diagnostics::from)?;
    }
    made.paths.sort_unstable();
    made.paths.dedup();
    Ok(Built {
        files: made.kept,
        paths: made.paths,
        site,
    })
}

/// A destination that drops the files at paths the site's own static files take.
struct Except<'a> {
    own: &'a HashSet<String>,
    dest: &'a dyn Destination,
}

impl Destination for Except<'_> {
    fn accept(&self, file: OutputFile) -> std::result::Result<Option<OutputFile>, Diagnostic> {
        if self.own.contains(&file.path) {
            return Ok(None);
        }
        self.dest.accept(file)
    }
}
