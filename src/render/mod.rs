//! Rendering: the site model through Tera templates into output files.

pub mod fingerprint;
pub mod head;
pub mod page_cache;
mod post_pages;
pub mod theme;
pub mod views;

use crate::config::Config;
use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::MarkdownOptions;
use crate::output::{Body, Destination, InMemory, Made, OutputFile};
use crate::site::Site;
use bytes::Bytes;
use fingerprint::{Fingerprint, PageValues};
use head::PageMeta;
use page_cache::{PageCache, RenderedPage};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Context, Tera};
use views::{page_path, FullView, Paginator, PostLink, PostSummary, SiteView, TagLink};

/// The loaded templates: the default theme with the site's own templates over it.
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for error messages.
    origins: HashMap<String, PathBuf>,
    /// Whether rendering a template twice with the same context gives the same page.
    repeatable: bool,
}

impl Templates {
    /// Loads the built-in theme, then every `*.html`/`*.xml` under `root/templates/`.
    /// All syntax errors are reported together.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        Templates::compile(&read_template_sources(root)?)
    }

    /// Parses template texts; reading and parsing are apart so that a cache can skip
    /// the parse when no text changed.
    pub fn compile(sources: &TemplateSources) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `https:&#x2F;&#x2F;…`.
        tera.set_escape_fn(views::escape_html);
        let origins: HashMap<String, PathBuf> = sources
            .iter()
            .map(|(n, (o, _))| (n.clone(), o.clone()))
            .collect();
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
        {
            return Err(every_template_error(sources, &e));
        }
        // Tera's functions that read the clock, randomness or the environment make a
        // page differ from one render to the next even with the same context.
        let repeatable = !sources.values().any(|(_, text)| {
            ["now(", "get_random(", "get_env("]
                .iter()
                .any(|f| text.contains(f))
        });
        Ok(Templates {
            tera,
            origins,
            repeatable,
        })
    }

    /// Whether a page rendered once can stand for the same template and context later.
    pub fn repeatable(&self) -> bool {
        self.repeatable
    }

    /// The template a document asks for with `layout:`, if the site has it, else `default`.
    /// Layouts from other generators (`PostSimple`) fall back quietly.
    fn for_layout(&self, layout: Option<&str>, default: &str) -> String {
        layout
            .map(|l| format!("{l}.html"))
            .filter(|t| self.origins.contains_key(t))
            .unwrap_or_else(|| default.to_owned())
    }

    fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|e| {
            let origin = self
                .origins
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(name));
            template_diagnostic(&e, &origin, None)
        })
    }
}

/// Every template's text by name, with the file it came from (for messages).
pub type TemplateSources = HashMap<String, (PathBuf, String)>;

/// Reads the built-in theme's templates, then the site's own `templates/**/*.{html,xml}` over them.
pub fn read_template_sources(root: &Path) -> Result<TemplateSources, Vec<Diagnostic>> {
    let mut sources: TemplateSources = theme::TEMPLATES
        .iter()
        .map(|(name, text)| {
            let origin = PathBuf::from(format!("(built-in theme) templates/{name}"));
            (name.to_string(), (origin, text.to_string()))
        })
        .collect();
    let dir = root.join("templates");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry =
                entry.map_err(|e| vec![Diagnostic::new(&dir, format!("could not read: {e}"))])?;
            let path = entry.path();
            let wanted = path.extension().is_some_and(|e| e == "html" || e == "xml");
            if !entry.file_type().is_file() || !wanted {
                continue;
            }
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let display = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let text = std::fs::read_to_string(path)
                .map_err(|e| vec![Diagnostic::io(&display, "read the template", &e)])?;
            sources.insert(name, (display, text));
        }
    }
    Ok(sources)
}

/// Tera stops at the first broken template; parse each alone to report every one.
fn every_template_error(sources: &TemplateSources, first: &tera::Error) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, (origin, text)) in sources {
        // Alone, a child template cannot find its parent: that is not its fault.
        match Tera::default().add_raw_template(name, text) {
            Err(e) if !e.to_string().contains("is inheriting from") => {
                errors.push(template_diagnostic(&e, origin, Some(text)));
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        // Every template parses alone: the problem is between them (a missing parent).
        errors.push(template_diagnostic(first, Path::new("templates"), None));
    }
    errors
}

/// A Tera error as a diagnostic: the template's file, the line when Tera knows it, and
/// the whole cause chain (Tera puts the useful part at the end).
fn template_diagnostic(e: &tera::Error, origin: &Path, text: Option<&str>) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join("\n");
    let position = full.split("--> ").nth(1).and_then(|rest| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((
            nums.next()?.parse::<usize>().ok()?,
            nums.next()?.parse::<usize>().ok()?,
        ))
    });
    let message = chain
        .iter()
        .map(|m| m.lines().next().unwrap_or("").trim().to_owned())
        .filter(|m| !m.is_empty() && !m.starts_with("-->"))
        .collect::<Vec<_>>()
        .join(": ");
    let detail = if position.is_some() {
        full.lines()
            .find(|l| l.trim_start().starts_with("= "))
            .map(|l| l.trim_start()[2..].to_owned())
    } else {
        None
    };
    let mut d = Diagnostic::new(
        origin,
        match detail {
            Some(detail) => format!("template error: {message}: {detail}"),
            None => format!("template error: {message}"),
        },
    )
    .hint("the variables each template receives are listed in the README under \"Templates\"");
    if let (Some((line, col)), Some(text)) = (position, text) {
        d = d.at(text, line, col);
    } else if let Some((line, col)) = position {
        d.line = Some(line);
        d.column = Some(col);
    }
    d
}

/// One page to render.
enum Job {
    Home,
    List { page: usize },
    Post(usize),
    Page(usize),
    TagIndex,
    Tag { tag: usize, page: usize },
    NotFound,
}

/// Renders every page of the site, in parallel. Identical template errors (one broken
/// template fails every page that uses it) are reported once.
/// Each file goes to `dest` as soon as it is made.
///
/// Posts whose Markdown waits (see [`Document::markdown`]) are rendered first, each
/// with its own page: their HTML is then dropped, unless a feed carries it, so that a
/// big site's posts are never all in memory at once.
pub fn render_site(
    site: &mut Site,
    config: &Config,
    templates: &Templates,
    markdown: &MarkdownOptions,
    dest: &dyn Destination,
) -> Result<Made, Vec<Diagnostic>> {
    let post_pages = post_pages::render(site, config, templates, markdown, dest);
    render_pages(site, config, templates, None, dest, post_pages)
}

/// [`render_site`], reusing each page of an earlier build whose template and context are
/// unchanged (serve's rebuilds), and keeping this build's pages for the next.
pub fn render_site_cached(
    site: &Site,
    config: &Config,
    templates: &Arc<Templates>,
    cache: &mut PageCache,
) -> Result<Made, Vec<Diagnostic>> {
    let mut shared = Fingerprint::default();
    shared.insert("site", &SiteView::new(config));
    // Values made from a document and the configuration stand in fingerprints as the
    // document's revision (`insert_derived`): any change of configuration starts afresh.
    shared.insert("config", &format!("{config:?}"));
    cache.use_inputs(templates, shared);
    // The pages stay in memory: the cache shares them with the served site.
    render_pages(
        site,
        config,
        templates,
        Some(cache),
        &InMemory,
        post_pages::Made::default(),
    )
}

fn render_pages(
    site: &Site,
    config: &Config,
    templates: &Templates,
    cache: Option<&mut PageCache>,
    dest: &dyn Destination,
    post_pages: post_pages::Made,
) -> Result<Made, Vec<Diagnostic>> {
    let per_page = config.posts_per_page;
    let pages_of = |n: usize| n.div_ceil(per_page).max(1);
    let mut jobs = vec![Job::Home, Job::TagIndex, Job::NotFound];
    jobs.extend((1..=pages_of(site.posts.len())).map(|page| Job::List { page }));
    jobs.extend(
        (0..site.posts.len())
            .filter(|&i| !post_pages.has(i))
            .map(Job::Post),
    );
    jobs.extend((0..site.pages.len()).map(Job::Page));
    for (t, tag) in site.tags.iter().enumerate() {
        jobs.extend((1..=pages_of(tag.posts.len())).map(|page| Job::Tag { tag: t, page }));
    }

    let base = base_context(config);
    let mut cache = cache;
    let previous = cache.as_deref();
    let render = |job: &Job| -> Result<(String, String, Bytes), Diagnostic> {
        let mut context = base.clone();
        let (path, template) = page_values(job, site, config, templates, &mut context);
        let html = templates.render(&template, &context)?;
        Ok((path, template, Bytes::from(html)))
    };
    // A one-off build renders each page and keeps only its HTML. A cached build first
    // fingerprints each page's values, and renders only the pages whose fingerprint or
    // template changed since the last build.
    let mut results = post_pages.outcomes;
    results.par_extend(jobs.par_iter().map(|job| match previous {
        None => {
            let (path, _, html) = render(job)?;
            send(dest, path, html)
        }
        Some(previous) => {
            let mut fingerprint = Fingerprint::default();
            let (path, template) = page_values(job, site, config, templates, &mut fingerprint);
            reuse_or_render(previous, path, template, fingerprint, || Ok(render(job)?.2))
        }
    }));

    let entries = crate::feed::entries(
        site,
        config,
        cache.as_deref_mut().map(|c| &mut c.feed_texts),
    );
    let previous = cache.as_deref();
    let feed_jobs = crate::feed::jobs(site, config, &entries);
    results.par_extend(feed_jobs.par_iter().map(|job| {
        let template = job.format.template();
        let render = || -> Result<Bytes, Diagnostic> {
            let mut ctx = base.clone();
            ctx.insert("feed", &job.view);
            Ok(Bytes::from(templates.render(template, &ctx)?))
        };
        match previous {
            None => send(dest, job.path.clone(), render()?),
            Some(previous) => {
                let mut fingerprint = Fingerprint::default();
                fingerprint.insert("feed", &job.view);
                reuse_or_render(
                    previous,
                    job.path.clone(),
                    template.to_owned(),
                    fingerprint,
                    render,
                )
            }
        }
    }));

    let mut made = Made::default();
    let mut pages = HashMap::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(Outcome { path, file, kept }) => {
                made.kept.extend(file);
                if let Some(page) = kept {
                    pages.insert(path.clone(), page);
                }
                made.paths.push(path);
            }
            Err(d) if !errors.contains(&d) => errors.push(d),
            Err(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(cache) = cache {
        cache.replace(pages);
    }
    let small = redirects(site, config)
        .into_iter()
        .chain(crate::sitemap::files(site, config))
        .chain([OutputFile::new("css/syntax.css", syntax_css())]);
    for file in small {
        made.send(dest, file).map_err(|e| vec![e])?;
    }
    Ok(made)
}

/// What every page's context starts from: the site's own values.
fn base_context(config: &Config) -> Context {
    let mut base = Context::new();
    base.insert("site", &SiteView::new(config));
    base
}

/// Hands a page rendered for a one-off build to its destination.
pub(crate) fn send(
    dest: &dyn Destination,
    path: String,
    html: Bytes,
) -> Result<Outcome, Diagnostic> {
    let file = dest.accept(OutputFile {
        path: path.clone(),
        body: Body::Bytes(html),
    })?;
    Ok(Outcome {
        path,
        file,
        kept: None,
    })
}

/// The cached page when its template and fingerprint are unchanged, else a new render.
fn reuse_or_render(
    previous: &PageCache,
    path: String,
    template: String,
    fingerprint: Fingerprint,
    render: impl FnOnce() -> Result<Bytes, Diagnostic>,
) -> Result<Outcome, Diagnostic> {
    let html = match previous.get(&path, &template, &fingerprint) {
        Some(html) => html.clone(),
        None => render()?,
    };
    Ok(Outcome {
        file: Some(OutputFile {
            path: path.clone(),
            body: Body::Bytes(html.clone()),
        }),
        path,
        kept: Some(RenderedPage {
            template,
            fingerprint,
            html,
        }),
    })
}

/// A made page: its path, the file when the destination gave it back to keep in memory,
/// and, for a cache that keeps pages, the page with what it was rendered from.
pub(crate) struct Outcome {
    path: String,
    file: Option<OutputFile>,
    kept: Option<RenderedPage>,
}

fn syntax_css() -> &'static str {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSS.get_or_init(crate::markdown::highlight::stylesheet)
}

/// Puts a page's values (all but `site`) into `ctx`, a Tera context or a fingerprint,
/// and gives the page's output path and template. Both uses go through this one function,
/// so a fingerprint always covers every value the template sees.
fn page_values(
    job: &Job,
    site: &Site,
    config: &Config,
    templates: &Templates,
    ctx: &mut impl PageValues,
) -> (String, String) {
    let summaries = |indices: &mut dyn Iterator<Item = usize>| -> Vec<PostSummary> {
        indices
            .map(|i| PostSummary::of(&site.posts[i], site, config))
            .collect()
    };
    let (path, template, meta) = match job {
        Job::Home => {
            ctx.insert(
                "posts",
                &summaries(&mut (0..site.posts.len().min(config.home_posts))),
            );
            ctx.insert("total_posts", &site.posts.len());
            let meta = PageMeta::page(config, None, None, config.url(""));
            (String::new(), "index.html".to_owned(), MetaOf::Page(meta))
        }
        Job::List { page } => {
            let total = site.posts.len();
            let range = page_range(*page, total, config.posts_per_page);
            ctx.insert("posts", &summaries(&mut range.clone()));
            let pages = total.div_ceil(config.posts_per_page).max(1);
            ctx.insert(
                "paginator",
                &Paginator::new("blog/", *page, pages, total, config.posts_per_page, config),
            );
            let path = page_path("blog/", *page);
            let title = numbered("All posts", *page);
            let meta = PageMeta::page(config, Some(&title), None, config.url(&path));
            (path, "list.html".to_owned(), MetaOf::Page(meta))
        }
        Job::Post(i) => {
            return post_page_values(*i, &site.posts[*i], site, config, templates, ctx);
        }
        Job::Page(i) => {
            let doc = &site.pages[*i];
            ctx.insert("page", &FullView::of(doc, site, config));
            let template = templates.for_layout(doc.meta.layout.as_deref(), "page.html");
            (doc.path.clone(), template, MetaOf::Document(doc, false))
        }
        Job::TagIndex => {
            let tags: Vec<TagLink> = site.tags.iter().map(|t| TagLink::of(t, config)).collect();
            ctx.insert("tags", &tags);
            let meta = PageMeta::page(config, Some("Tags"), None, config.url("tags/"));
            (
                "tags/".to_owned(),
                "tags.html".to_owned(),
                MetaOf::Page(meta),
            )
        }
        Job::Tag { tag, page } => {
            let tag = &site.tags[*tag];
            let total = tag.posts.len();
            let range = page_range(*page, total, config.posts_per_page);
            ctx.insert("tag", &TagLink::of(tag, config));
            ctx.insert("feeds", &crate::feed::tag_links(config, tag, &config.title));
            ctx.insert("posts", &summaries(&mut tag.posts[range].iter().copied()));
            let pages = total.div_ceil(config.posts_per_page).max(1);
            ctx.insert(
                "paginator",
                &Paginator::new(
                    &tag.path(),
                    *page,
                    pages,
                    total,
                    config.posts_per_page,
                    config,
                ),
            );
            let path = page_path(&tag.path(), *page);
            let description = format!("Posts tagged {}", tag.name);
            let title = numbered(&tag.name, *page);
            let meta = PageMeta::page(config, Some(&title), Some(description), config.url(&path));
            (path, "tag.html".to_owned(), MetaOf::Page(meta))
        }
        Job::NotFound => {
            ctx.insert("current_url", &config.url("404.html"));
            ctx.insert("current_path", "404.html");
            let meta = PageMeta::page(config, Some("Page not found"), None, config.url("404.html"));
            ctx.insert("meta", &meta);
            return ("404.html".to_owned(), "404.html".to_owned());
        }
    };
    finish_values(path, template, meta, config, ctx)
}

/// [`page_values`] of post `i`, with `doc` standing for `site.posts[i]`: in a one-off
/// build, a copy whose Markdown was rendered just now.
fn post_page_values<'a>(
    i: usize,
    doc: &'a Document,
    site: &'a Site,
    config: &Config,
    templates: &Templates,
    ctx: &mut impl PageValues,
) -> (String, String) {
    ctx.insert("post", &FullView::of(doc, site, config));
    let link = |d: &'a Document| PostLink {
        title: &d.meta.title,
        url: config.url(&d.path),
    };
    // The list is newest first: the previous (older) post comes after this one.
    ctx.insert("previous", &site.posts.get(i + 1).map(link));
    ctx.insert(
        "next",
        &i.checked_sub(1).and_then(|j| site.posts.get(j)).map(link),
    );
    let template = templates.for_layout(doc.meta.layout.as_deref(), "post.html");
    let meta = MetaOf::Document(doc, true);
    finish_values(doc.path.clone(), template, meta, config, ctx)
}

/// The values every page has: its URL, path and head tags. Gives the output path and
/// the template.
fn finish_values(
    path: String,
    template: String,
    meta: MetaOf,
    config: &Config,
    ctx: &mut impl PageValues,
) -> (String, String) {
    ctx.insert("current_url", &config.url(&path));
    ctx.insert("current_path", &path);
    match meta {
        MetaOf::Page(meta) => ctx.insert("meta", &meta),
        MetaOf::Document(doc, is_post) => ctx.insert_derived("meta", doc.revision, || {
            PageMeta::document(doc, views::plain_summary(doc), config, is_post)
        }),
    }
    (format!("{path}index.html"), template)
}

/// A page's head tags: made here for generated pages, or from a document (made only
/// when the page is rendered: a fingerprint needs just the document's revision).
enum MetaOf<'a> {
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

fn page_range(page: usize, total: usize, per_page: usize) -> std::ops::Range<usize> {
    let start = ((page - 1) * per_page).min(total);
    start..(start + per_page).min(total)
}

/// Pages that only send readers elsewhere: `…/page/1/` to the list itself, and each old
/// URL in a document's `aliases` to the document.
fn redirects(site: &Site, config: &Config) -> Vec<OutputFile> {
    let first_pages = std::iter::once("blog/".to_owned())
        .chain(site.tags.iter().map(|t| t.path()))
        .map(|base| (format!("{base}page/1/index.html"), config.url(&base)));
    let aliases = site.posts.iter().chain(&site.pages).flat_map(|doc| {
        doc.meta
            .aliases
            .iter()
            .map(|alias| (crate::site::alias_file(alias), config.url(&doc.path)))
    });
    first_pages
        .chain(aliases)
        .map(|(file, target)| OutputFile::new(file, redirect_page(&target)))
        .collect()
}

fn redirect_page(target: &str) -> String {
    let target = views::escape_html(target);
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
         <link rel=\"canonical\" href=\"{target}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\"></head>\
         <body><p>This page has moved to <a href=\"{target}\">{target}</a>.</p></body></html>\n"
    )
}

/// The theme's assets, with the site's `static/` files over them (copied, never loaded).
pub fn static_files(root: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files: HashMap<String, OutputFile> = theme::STATIC
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                OutputFile {
                    path: path.to_string(),
                    body: Body::Embedded(bytes),
                },
            )
        })
        .collect();
    let dir = root.join("static");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| Diagnostic::new(&dir, format!("could not read: {e}")))?;
            if entry.file_type().is_dir() || entry.file_name() == ".git" {
                continue;
            }
            let path = entry.path();
            if entry.path_is_symlink() {
                // Only links that stay inside static/ are followed: a site never publishes
                // a file from elsewhere on the writer's machine by accident.
                let inside = std::fs::canonicalize(path)
                    .ok()
                    .zip(std::fs::canonicalize(&dir).ok())
                    .is_some_and(|(target, d)| target.starts_with(d) && target.is_file());
                if !inside {
                    continue;
                }
            }
            let rel = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(
                rel.clone(),
                OutputFile {
                    path: rel,
                    body: Body::Copy(path.to_path_buf()),
                },
            );
        }
    }
    let mut files: Vec<OutputFile> = files.into_values().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
