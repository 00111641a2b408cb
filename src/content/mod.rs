//! Content: finding source files, reading their front matter, rendering their Markdown.

pub mod discover;
pub mod front_matter;
pub mod load;
pub mod meta;
pub mod slug;

use crate::error::Diagnostic;
use crate::markdown::{self, MarkdownOptions, Outline};
pub use discover::{discover, Kind, SourceFile};
pub use meta::{Date, Meta};
use std::borrow::Cow;

/// A post or page, read and validated. What its body becomes (an outline, the whole HTML)
/// are other values, made when a page first asks for them ([`crate::memo::Body`]).
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceFile,
    pub meta: Meta,
    /// Site path without leading slash, with trailing slash: `blog/my-post/`.
    pub path: String,
    /// Unique to this parse of the file: a document loaded again, even from the same
    /// text, gets a new one. Pages compare it instead of the content it stands for.
    pub revision: u64,
    /// The slug of each of `meta.tags`, in the same order.
    pub tag_slugs: Vec<String>,
    /// Line and column (1-based) where the body starts in the file: places in the body
    /// (its outline's links) are counted from there.
    pub body_at: (usize, usize),
    /// Front matter keys that look like misspelt known ones, for a warning.
    pub misspelt: Vec<meta::Misspelt>,
}

/// A document just parsed, with the Markdown its body is rendered from later.
pub struct Parsed {
    pub document: Document,
    pub markdown: String,
}

impl Document {
    /// The slug in the URL (`my-post`, or `nested/my-post` for nested files).
    pub fn slug(&self) -> &str {
        let trimmed = self.path.trim_end_matches('/');
        trimmed.strip_prefix("blog/").unwrap_or(trimmed)
    }

    /// The summary as HTML: front matter `summary` (escaped), else the outline's.
    pub fn summary_html<'a>(&'a self, outline: &'a Outline) -> Cow<'a, str> {
        match &self.meta.summary {
            Some(s) => Cow::Owned(crate::html::escape(s)),
            None => Cow::Borrowed(&outline.summary_html),
        }
    }

    /// The line and column in the file of a place in the body.
    pub fn in_file(&self, (line, column): (usize, usize)) -> (usize, usize) {
        let (first_line, first_column) = self.body_at;
        match line {
            1 => (first_line, first_column + column - 1),
            _ => (first_line + line - 1, column),
        }
    }

    /// The summary as plain text, for meta descriptions: front matter `summary`, else the
    /// text of the outline's summary.
    pub fn description<'a>(&'a self, outline: &'a Outline) -> &'a str {
        self.meta
            .summary
            .as_deref()
            .unwrap_or(&outline.summary_text)
    }

    /// The outline of the body, from its Markdown.
    pub fn outline(&self, markdown: &str, options: &MarkdownOptions) -> Outline {
        markdown::outline(markdown, self.source.is_mdx(), options)
    }

    /// The whole HTML of the body from its Markdown, and its outline when `with_outline`.
    pub fn render_body(
        &self,
        markdown: &str,
        options: &MarkdownOptions,
        with_outline: bool,
    ) -> (markdown::Rendered, Option<Outline>) {
        let is_mdx = self.source.is_mdx();
        if with_outline {
            let (rendered, outline) = markdown::render_with_outline(markdown, is_mdx, options);
            (rendered, Some(outline))
        } else {
            (markdown::render(markdown, is_mdx, options), None)
        }
    }
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

/// One file's text to a document (front matter, fields) and its Markdown.
pub fn parse(source: SourceFile, text: &str) -> Result<Parsed, Vec<Diagnostic>> {
    let split = front_matter::split(&source.display, text).map_err(|d| vec![d])?;
    let is_post = source.kind == Kind::Post;
    let meta = meta::parse_meta(&source.display, text, &split, is_post)?;
    let misspelt = meta::misspelt_keys(&split);
    let path = match (&meta.slug, source.kind) {
        (Some(s), Kind::Post) => format!("blog/{}/", s.trim_matches('/')),
        (Some(s), Kind::Page) => format!("{}/", s.trim_matches('/')),
        (None, _) => source.default_path.clone(),
    };
    static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    // The body is the end of the file.
    let before_body = text.get(..text.len() - split.body.len()).unwrap_or("");
    let body_at = (
        before_body.matches('\n').count() + 1,
        before_body
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1,
    );
    let document = Document {
        source,
        path,
        revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        tag_slugs: meta.tags.iter().map(|t| slug::tag_slug(t)).collect(),
        body_at,
        misspelt,
        meta,
    };
    Ok(Parsed {
        document,
        markdown: split.body,
    })
}
