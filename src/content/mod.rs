//! Content: finding source files, reading their front matter, rendering their Markdown.

pub mod cards;
pub mod date;
pub mod discover;
pub mod fields;
pub mod front_matter;
pub mod keys;
pub mod load;
pub mod meta;
pub mod meta_links;
pub mod permalink;
pub mod slug;

use crate::error::Diagnostic;
use crate::markdown::{self, MarkdownOptions, Outline};
pub use date::Date;
pub use discover::{discover, Kind, SourceFile};
pub use meta::Meta;
pub use permalink::Permalinks;
use std::borrow::Cow;

/// A post or page, read and validated. What its body becomes (an outline, the whole HTML)
/// are other values, made when a page first asks for them ([`crate::memo::Body`]).
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceFile,
    pub meta: Meta,
    /// Site path without leading slash: a folder (`blog/my-post/`), or a file when a
    /// permalink says so (`2019/05/04/my-post.html`).
    pub path: String,
    /// The slug in the URL (`my-post`, or `nested/my-post` for nested files).
    pub slug: String,
    /// Unique to this parse of the file: a document loaded again, even from the same
    /// text, gets a new one. Pages compare it instead of the content it stands for.
    pub revision: u64,
    /// The slug of each of `meta.tags`, in the same order.
    pub tag_slugs: Vec<String>,
    /// Line and column (1-based) where the body starts in the file: places in the body
    /// (its outline's links) are counted from there.
    pub body_at: (usize, usize),
    /// Front matter keys that look like misspelt known ones, for a warning.
    pub misspelt: Vec<keys::Misspelt>,
    /// The URLs of the front matter that pages link to, where each is written.
    pub meta_links: Vec<meta_links::MetaLink>,
    /// What of the body a page cannot show as written (an unknown MDX component or
    /// shortcode, a formula that cannot be converted), by place in the body.
    pub body_warnings: Vec<markdown::BodyWarning>,
    /// Where places of the body's Markdown were in the body, when a rewrite (MDX,
    /// shortcodes) moved them.
    pub body_map: markdown::SourceMap,
    /// The length of the body's Markdown in bytes: a feed carries a huge post by its
    /// summary, and knows it before the HTML is made.
    pub body_len: usize,
}

/// A document just parsed, with the Markdown its body is rendered from later.
pub struct Parsed {
    pub document: Document,
    pub markdown: String,
}

impl Document {
    /// The folder the page's relative links start from (`2019/05/04/` for `2019/05/04/x.html`).
    pub fn dir(&self) -> &str {
        permalink::page_dir(&self.path)
    }

    /// The summary as HTML: front matter `summary` (escaped), else the outline's.
    pub fn summary_html<'a>(&'a self, outline: &'a Outline) -> Cow<'a, str> {
        match &self.meta.summary {
            Some(s) => Cow::Owned(crate::html::escape(s)),
            None => Cow::Borrowed(&outline.summary_html),
        }
    }

    /// The line and column in the file of a place in the Markdown the body became (where
    /// its outline's links are noted), which a rewrite may have moved.
    pub fn markdown_in_file(&self, at: (usize, usize)) -> (usize, usize) {
        self.in_file(self.body_map.source(at))
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
        markdown::outline(markdown, options, self.place())
    }

    /// Where the body stands, for its images: its page, and its source if it is a page
    /// bundle (whose files discovery found).
    fn place(&self) -> markdown::Place<'_> {
        let is_bundle = !self.source.assets.is_empty();
        markdown::Place {
            images: crate::images::Place {
                page: &self.path,
                bundle: is_bundle.then_some(&self.source),
                revision: self.revision,
            },
            wants_card: self.meta.images.is_empty(),
        }
    }

    /// The whole HTML of the body from its Markdown, and its outline when `with_outline`.
    pub fn render_body(
        &self,
        markdown: &str,
        options: &MarkdownOptions,
        with_outline: bool,
    ) -> (markdown::Rendered, Option<Outline>) {
        let place = self.place();
        if with_outline {
            let (rendered, outline) = markdown::render_with_outline(markdown, options, place);
            (rendered, Some(outline))
        } else {
            (markdown::render(markdown, options, place), None)
        }
    }
}

/// A source file's text, or why it could not be read.
pub fn read_source(source: &SourceFile) -> Result<String, Vec<Diagnostic>> {
    let bytes = std::fs::read(&source.path)
        .map_err(|e| vec![Diagnostic::io(&source.display, "read the file", &e)])?;
    String::from_utf8(bytes).map_err(|e| vec![not_utf8(&source.display, &e)])
}

/// Where a file stops being UTF-8: the byte offset, and the line and column of the text
/// before it (shown with the bad bytes replaced).
fn not_utf8(path: &std::path::Path, e: &std::string::FromUtf8Error) -> Diagnostic {
    let offset = e.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(e.as_bytes());
    let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]);
    let (line, column) = crate::config::line_col(&valid, offset);
    Diagnostic::new(
        path,
        format!(
            "the file is not UTF-8 text: byte {offset} (0x{:02x}) is not valid UTF-8",
            e.as_bytes()[offset]
        ),
    )
    .at(&text, line, column)
    .hint("save the file as UTF-8 (in most editors: Save with Encoding, UTF-8)")
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

/// One file's text to a document (front matter, fields) and its Markdown; a post's URL
/// follows the site's permalink pattern unless its front matter gives its own.
pub fn parse(
    source: SourceFile,
    text: &str,
    permalinks: &Permalinks,
) -> Result<Parsed, Vec<Diagnostic>> {
    let split = front_matter::split(&source.display, text).map_err(|d| vec![d])?;
    let meta = meta::parse_meta(&source.display, text, &split, source.kind)?;
    let misspelt = keys::misspelt_keys(&split);
    let meta_links = meta_links::meta_links(&meta, &split);
    let slug = match &meta.slug {
        Some(s) => s.trim_matches('/').to_owned(),
        None => {
            let trimmed = source.default_path.trim_end_matches('/');
            trimmed.strip_prefix("blog/").unwrap_or(trimmed).to_owned()
        }
    };
    let path = match (&meta.permalink, &meta.slug, source.kind) {
        (Some(own), _, _) => own.clone(),
        (None, _, Kind::Post) => permalinks.posts.post_path(&permalink::PostValues {
            slug: &slug,
            date: meta.date,
            categories: &meta.categories,
        }),
        (None, Some(s), Kind::Page | Kind::Author) => format!("{}/", s.trim_matches('/')),
        (None, None, Kind::Page | Kind::Author) => source.default_path.clone(),
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
    let prepared = markdown::prepare(split.body, source.is_mdx(), &permalinks.posts);
    let document = Document {
        source,
        path,
        slug,
        revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        tag_slugs: meta.tags.iter().map(|t| slug::tag_slug(t)).collect(),
        body_at,
        misspelt,
        meta_links,
        body_warnings: prepared.warnings,
        body_map: prepared.map,
        body_len: prepared.markdown.len(),
        meta,
    };
    Ok(Parsed {
        document,
        markdown: prepared.markdown,
    })
}
