//! Content: finding source files, reading their front matter, rendering their Markdown.

pub mod discover;
pub mod front_matter;
pub mod meta;
pub mod slug;

use crate::error::Diagnostic;
use crate::markdown::{self, MarkdownOptions, Rendered};
pub use discover::{discover, Kind, SourceFile};
pub use meta::{Date, Meta};
use rayon::prelude::*;

/// A post or page, read, validated and rendered.
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceFile,
    pub meta: Meta,
    /// Site path without leading slash, with trailing slash: `blog/my-post/`.
    pub path: String,
    /// Empty while `markdown` waits to be rendered.
    pub rendered: Rendered,
    /// The Markdown body, when a one-off build renders it later: right before the post's
    /// own page is written, so that only a few posts' HTML is in memory at a time.
    pub markdown: Option<String>,
    /// Unique to this parse of the file: a document loaded again, even from the same
    /// text, gets a new one. Pages compare it instead of the content it stands for.
    pub revision: u64,
    /// The slug of each of `meta.tags`, in the same order.
    pub tag_slugs: Vec<String>,
}

impl Document {
    /// Renders the Markdown body if it is still waiting (a no-op once rendered).
    pub fn render_markdown(&mut self, options: &MarkdownOptions) {
        if let Some(body) = self.markdown.take() {
            self.rendered = markdown::render(&body, self.source.is_mdx(), options);
        }
    }

    /// The slug in the URL (`my-post`, or `nested/my-post` for nested files).
    pub fn slug(&self) -> &str {
        let trimmed = self.path.trim_end_matches('/');
        trimmed.strip_prefix("blog/").unwrap_or(trimmed)
    }
}

/// Reads, parses and renders every source in parallel; all errors of all files come back together.
pub fn load(
    sources: Vec<SourceFile>,
    options: &MarkdownOptions,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    load_all(sources, |source, text| load_one(source, text, options))
}

/// [`load`], but posts keep their Markdown unrendered (see [`Document::markdown`]);
/// pages, which are few, are rendered at once.
pub fn load_deferred(
    sources: Vec<SourceFile>,
    options: &MarkdownOptions,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    load_all(sources, |source, text| {
        if source.kind == Kind::Post {
            load_unrendered(source, text)
        } else {
            load_one(source, text, options)
        }
    })
}

fn load_all(
    sources: Vec<SourceFile>,
    load: impl Fn(SourceFile, &str) -> Result<Document, Vec<Diagnostic>> + Sync,
) -> Result<Vec<Document>, Vec<Diagnostic>> {
    let results: Vec<Result<Document, Vec<Diagnostic>>> = sources
        .into_par_iter()
        .map(|source| {
            let text = read_source(&source)?;
            load(source, &text)
        })
        .collect();
    all_or_every_error(results)
}

/// A source file's text, or why it could not be read.
pub fn read_source(source: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    std::fs::read_to_string(&source.path)
        .map_err(|e| vec![Diagnostic::io(&source.display, "read the file", &e)])
}

/// Every value if all succeeded, else every error of every failure.
pub fn all_or_every_error<T>(
    results: Vec<Result<T, Vec<Diagnostic>>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut values = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => values.push(v),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// One file's text to a document: front matter, fields, Markdown.
pub fn load_one(
    source: SourceFile,
    text: &str,
    options: &MarkdownOptions,
) -> Result<Document, Vec<Diagnostic>> {
    let mut document = load_unrendered(source, text)?;
    document.render_markdown(options);
    Ok(document)
}

/// One file's text to a document whose Markdown is not rendered yet.
pub fn load_unrendered(source: SourceFile, text: &str) -> Result<Document, Vec<Diagnostic>> {
    let split = front_matter::split(&source.display, text).map_err(|d| vec![d])?;
    let is_post = source.kind == Kind::Post;
    let meta = meta::parse_meta(&source.display, text, &split, is_post)?;
    let path = match (&meta.slug, source.kind) {
        (Some(s), Kind::Post) => format!("blog/{}/", s.trim_matches('/')),
        (Some(s), Kind::Page) => format!("{}/", s.trim_matches('/')),
        (None, _) => source.default_path.clone(),
    };
    static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    Ok(Document {
        source,
        path,
        rendered: Rendered::default(),
        markdown: Some(split.body),
        revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        tag_slugs: meta.tags.iter().map(|t| slug::tag_slug(t)).collect(),
        meta,
    })
}
