//! Rendering: the site model through Tera templates into output files, each handed to
//! the destination as soon as it is made.
//!
//! Every page of the [plan](plan) and every feed goes through one function, [`make`]:
//! a one-off build renders it; a session first fingerprints its values and takes the page
//! from the memo when the last build rendered it from the same template and values.

pub mod context;
pub mod feed;
pub mod fingerprint;
pub mod head;
pub mod plan;
pub mod redirects;
pub mod search;
pub mod sitemap;
mod splice;
pub mod templates;

pub mod views;

use crate::config::Config;
use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::{MarkdownOptions, Outline, Rendered};
use crate::memo::{Bodies, FastMap, Kept, Retention};
use crate::output::{Body, Destination, Made, OutputFile, Scope};
use crate::site::Site;
use crate::timing::StageTimes;
use bytes::Bytes;
use context::Inputs;
use fingerprint::{Fingerprint, PageValues};
use plan::Page;
use rayon::prelude::*;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
pub use templates::{read_template_sources, TemplateSources, Templates};
use tera::Context;
use views::SiteView;

/// What rendering keeps from one build to the next: pages by output path, with the
/// template and fingerprint they were rendered from, and feed entries' texts.
pub struct RenderMemo {
    pages: Kept<String, Arc<MadePage>>,
    /// The last build's plan: each page's site path and output path, in plan order. A
    /// model updated in place has the same plan, so its paths need not be formatted again.
    plan_paths: Vec<(String, String)>,
    /// The last build's search index files (none when serve makes the index apart).
    index_paths: Vec<String>,
    entries: feed::EntryMemo,
    /// The search index kept for the next build (and, in `serve`, the one still being made).
    pub search: search::Kept,
    /// The templates and the values every page shares, which the kept pages were made with.
    shared: Option<(Arc<Templates>, Fingerprint)>,
}

struct MadePage {
    template: String,
    fingerprint: Fingerprint,
    bytes: Bytes,
}

/// What a build knows of what changed since the pages in the memo were made.
#[derive(Clone, Copy)]
struct Since<'a> {
    /// `None`: anything; every page's values are fingerprinted and compared. `Some`: the
    /// site model is the last one with only these documents (by their last revision)
    /// swapped for new revisions in place: a page that read none of them is made of the
    /// same values, and is taken as it is.
    replaced: Option<&'a HashSet<u64>>,
    /// The destination keeps the last build's files: a page equal to the last build's is
    /// not handed over again (and one that read none of `replaced`, not even looked up).
    patch: bool,
}

impl RenderMemo {
    pub fn new(retention: Retention) -> Self {
        RenderMemo {
            pages: Kept::new(retention),
            plan_paths: Vec::new(),
            index_paths: Vec::new(),
            entries: Kept::new(retention),
            search: search::Kept::default(),
            shared: None,
        }
    }

    /// Forgets every page if the templates or the values all pages share changed; true
    /// when the pages were kept.
    fn begin(&mut self, templates: &Arc<Templates>, config: &Config) -> bool {
        if self.pages.retention() == Retention::Forget {
            return false;
        }
        let mut shared = Fingerprint::default();
        shared.insert("site", &SiteView::new(config));
        // Values made from a document and the configuration stand in fingerprints as the
        // document's revision (`insert_derived`): any change of configuration starts afresh.
        shared.insert("config", &format!("{config:?}"));
        let same = self
            .shared
            .as_ref()
            .is_some_and(|(t, s)| Arc::ptr_eq(t, templates) && *s == shared);
        if !same {
            self.pages.clear();
            self.search.clear();
            self.shared = Some((Arc::clone(templates), shared));
        }
        same
    }

    /// The bytes of the page at `path`: the last build's if it was rendered from the same
    /// template and values (`inputs` gives both, and which documents the values show;
    /// `since` may tell without them), else `render`'s. `None` when `since` is a patch and
    /// the page is the last build's: it need not be handed over again.
    fn page(
        &self,
        path: &str,
        repeatable: bool,
        since: &Since,
        inputs: impl FnOnce() -> Result<(String, Fingerprint), Diagnostic>,
        render: impl FnOnce() -> Result<Bytes, Diagnostic>,
    ) -> Result<Option<Bytes>, Diagnostic> {
        if self.pages.retention() == Retention::Forget {
            return render().map(Some);
        }
        let unread = |p: &Arc<MadePage>, replaced: &HashSet<u64>| {
            !p.fingerprint.reads().iter().any(|r| replaced.contains(r))
        };
        if let (Some(replaced), true) = (since.replaced, repeatable) {
            if since.patch {
                // Left out of this build's values: `finish` keeps it as it was.
                if self
                    .pages
                    .previous(path)
                    .is_some_and(|p| unread(p, replaced))
                {
                    return Ok(None);
                }
            } else {
                let kept =
                    self.pages
                        .get_or_make(path.to_owned(), |p| unread(p, replaced), || Err(()));
                if let Ok(kept) = kept {
                    return Ok(Some(kept.bytes.clone()));
                }
            }
        }
        let (template, fingerprint) = inputs()?;
        let previous = self.pages.previous(path).cloned();
        let made = self.pages.get_or_make(
            path.to_owned(),
            |p| repeatable && p.template == template && p.fingerprint == fingerprint,
            || {
                Ok::<_, Diagnostic>(Arc::new(MadePage {
                    bytes: render()?,
                    template: template.clone(),
                    fingerprint: fingerprint.clone(),
                }))
            },
        )?;
        let same_as_last = previous.is_some_and(|p| Arc::ptr_eq(&p, &made));
        if same_as_last && since.patch {
            return Ok(None);
        }
        Ok(Some(made.bytes.clone()))
    }

    fn finish(&mut self, since: &Since) {
        // Pages left out of a patch are the last build's, still valid.
        match since.patch {
            true => self.pages.finish_keeping(),
            false => self.pages.finish(),
        }
        self.entries.finish();
    }
}

/// What a session's build knows of its edits, when it updated the last build's site
/// model in place.
pub struct InPlace {
    /// The revisions of the documents swapped for new ones; the model is the last
    /// build's otherwise.
    pub replaced: HashSet<u64>,
    /// Nothing but those documents' sources changed, and the destination keeps the last
    /// build's files: only files that may differ from them need handing over.
    pub patch: bool,
    /// No swapped document changed anything the sitemap shows of it.
    pub same_sitemap: bool,
    /// The posts are in the last build's order (else the plan's pages stand for other
    /// posts at the same places, and their paths are found again).
    pub same_order: bool,
}

/// Renders every page, feed and generated file of the site, in parallel, handing each to
/// `dest`. `in_place` says what changed since the last build of the session, when the
/// model was updated in place; with a patch, the scope returned says only files that may
/// have changed were handed over. Identical template errors (one broken template fails every page that uses it)
/// are reported once.
pub fn render(
    model: &Model,
    memo: &mut RenderMemo,
    in_place: Option<&InPlace>,
    dest: &dyn Destination,
    times: &mut StageTimes,
) -> Result<Files, Vec<Diagnostic>> {
    let kept_all = memo.begin(model.templates, model.config);
    let plan = plan::plan(model.site, model.config);
    let same_plan = memo.plan_paths.len() == plan.len() && in_place.is_some_and(|i| i.same_order);
    let in_place = in_place.filter(|_| kept_all);
    let replaced = in_place.map(|i| &i.replaced);
    let since = Since {
        replaced,
        patch: in_place.is_some_and(|i| i.patch) && memo.plan_paths.len() == plan.len(),
    };
    let same_sitemap = in_place.is_some_and(|i| i.same_sitemap);
    // A model updated in place has the last build's plan, page for page.
    let paths = match replaced {
        Some(_) if same_plan => std::mem::take(&mut memo.plan_paths),
        _ => plan
            .iter()
            .map(|page| {
                let site_path = page.site_path(model.site);
                let file = crate::content::permalink::page_file(&site_path);
                (site_path, file)
            })
            .collect(),
    };
    times.mark("plan");
    let made = render_with(
        model,
        memo,
        &plan,
        &paths,
        &since,
        same_sitemap,
        dest,
        times,
    );
    memo.finish(&since);
    if memo.pages.retention() == Retention::Keep {
        memo.plan_paths = paths;
    }
    let made = made?;
    // A patch names the files it drops: search index files no longer made. Only a
    // session's next build can be a patch.
    let folder = format!("{}/", model.config.search.output);
    let mut index_paths: Vec<String> = match memo.pages.retention() {
        Retention::Keep => made
            .paths
            .iter()
            .filter(|p| p.starts_with(&folder))
            .cloned()
            .collect(),
        Retention::Forget => Vec::new(),
    };
    index_paths.sort_unstable();
    let last_index = std::mem::replace(&mut memo.index_paths, index_paths);
    let (scope, removed) = match since.patch {
        true => (
            Scope::Changes,
            last_index
                .into_iter()
                .filter(|p| memo.index_paths.binary_search(p).is_err())
                .collect(),
        ),
        false => (Scope::Whole, Vec::new()),
    };
    Ok(Files {
        made,
        scope,
        removed,
    })
}

/// The files a build rendered.
pub struct Files {
    pub made: Made,
    pub scope: Scope,
    /// With [`Scope::Changes`], the last build's files this one did not make.
    pub removed: Vec<String>,
}

/// What rendering makes the site's files from.
pub struct Model<'a> {
    pub site: &'a Site,
    pub config: &'a Config,
    pub templates: &'a Arc<Templates>,
    pub bodies: &'a Bodies,
    pub markdown: &'a MarkdownOptions,
}

#[allow(clippy::too_many_arguments)]
fn render_with(
    model: &Model,
    memo: &RenderMemo,
    plan: &[Page],
    paths: &[(String, String)],
    since: &Since,
    same_sitemap: bool,
    dest: &dyn Destination,
    times: &mut StageTimes,
) -> Result<Made, Vec<Diagnostic>> {
    let Model {
        site,
        config,
        templates,
        bodies,
        markdown,
    } = *model;
    dest.expect_pages(plan.len());
    let carried = feed::carried(site, config);
    // A body is read by its own page and, when a feed carries the post whole, by the
    // feed entry: a one-off build frees it after the last of these.
    let in_full_feeds: HashSet<u64> = carried
        .iter()
        .zip(&site.posts)
        .filter(|(c, _)| **c == Some(true))
        .map(|(_, doc)| doc.revision)
        .collect();
    let of = |doc: &Document| bodies.get(doc.revision).ok_or_else(|| body_gone(doc));
    let keep = memo.pages.retention() == Retention::Keep;
    let (records, mut indexer) = search::Indexer::start(config, &memo.search, keep).unzip();
    let searching = indexer.is_some();
    let indexed = move |doc: &Document| searching && search::Indexer::wants(doc);
    let body = |doc: &Document| -> Result<(Arc<Rendered>, Arc<Outline>), Diagnostic> {
        // A body is read by its own page, a feed that carries it whole, and the search
        // index.
        let readers =
            1 + usize::from(in_full_feeds.contains(&doc.revision)) + usize::from(indexed(doc));
        of(doc)?
            .get(readers, |md, with_outline| {
                doc.render_body(md, markdown, with_outline)
            })
            .map_err(|_| body_gone(doc))
    };
    let outline = |doc: &Document| -> Result<Arc<Outline>, Diagnostic> {
        of(doc)?
            .outline(|md| doc.outline(md, markdown))
            .map_err(|_| body_gone(doc))
    };
    let inputs = Inputs {
        site,
        config,
        templates,
        related: templates.mentions("related"),
        outline: &outline,
        body: &body,
    };
    let base = base_context(config);
    let repeatable = templates.repeatable();
    let make_page_now = |i: usize| -> Result<Made, Diagnostic> {
        let page = &plan[i];
        let path = &paths[i].1;
        let bytes = memo.page(
            path,
            repeatable,
            since,
            || {
                let mut fingerprint = Fingerprint::default();
                let template = context::page_values(page, &inputs, &mut fingerprint)?;
                Ok((template, fingerprint))
            },
            || {
                if let Some(doc) = page.document(site) {
                    if doc.body_len > splice::SPLICE_FROM {
                        let (html, outline) = body(doc)?;
                        return splice::page(page, path, &inputs, &base, templates, html, outline);
                    }
                }
                let mut context = base.clone();
                let template = context::page_values(page, &inputs, &mut context)?;
                let html = templates.render(&template, &context);
                Ok(Bytes::from(html.map_err(|d| d.while_making(path))?))
            },
        )?;
        match bytes {
            Some(bytes) => send(dest, path.clone(), bytes),
            None => Ok(Made::default()),
        }
    };
    // Pages the destination waits for are made ahead of their turn, and skipped in it.
    let ahead = Ahead::new(paths);
    let make_page = |i: usize| match ahead.claim(i) {
        true => make_page_now(i),
        false => Ok(Made::default()),
    };
    let make_wanted = || ahead.make_wanted(dest, &make_page_now);
    // The pages open in browsers first: serve shows them as soon as they are made.
    make_wanted();
    let mut results: Vec<Result<Made, Diagnostic>> = Vec::with_capacity(plan.len());
    // Each post's and page's own page first: it makes the document's outline in the
    // same pass as its HTML, and lists, tags and feeds then find the outline made.
    // (Any page may still ask for any outline first: it is then made on its own.)
    let (own, generated): (Vec<usize>, Vec<usize>) =
        (0..plan.len()).partition(|&i| plan[i].document(site).is_some());
    // Own pages render in parallel a chunk at a time, each with its document's search
    // record, and the records reach the indexer in plan order (a document's number in
    // the index is its place there). The chunk bounds what waits in memory. The indexer
    // takes a chunk's records while the next chunk renders.
    type PageAndRecord = Result<(Made, Option<search::Recorded>), Diagnostic>;
    let hand_over = |made: Vec<PageAndRecord>,
                     indexer: &mut Option<search::Indexer>,
                     results: &mut Vec<Result<Made, Diagnostic>>| {
        for m in made {
            let (made, record) = match m {
                Ok(made) => made,
                Err(e) => {
                    results.push(Err(e));
                    continue;
                }
            };
            results.push(Ok(made));
            // The index's files this record completes go now: a build does not hold
            // every document's text until the end.
            if let (Some(indexer), Some(record)) = (indexer.as_mut(), record) {
                results.extend(indexer.add(record).into_iter().map(|f| send_file(dest, f)));
            }
        }
    };
    let mut waiting: Vec<PageAndRecord> = Vec::new();
    // A session keeps every page anyway: bigger chunks spare an edit's rebuild, which
    // looks at most pages only to leave them, thousands of hand-overs.
    let chunk_size = match keep {
        true => search::CHUNK * 16,
        false => search::CHUNK,
    };
    for chunk in own.chunks(chunk_size) {
        let render_chunk = || {
            chunk
                .par_iter()
                .map(|&i| {
                    make_wanted();
                    let made = make_page(i)?;
                    let record = match (&records, plan[i].document(site)) {
                        (Some(records), Some(doc)) if indexed(doc) => {
                            let url = (config.base_path(), paths[i].0.as_str());
                            Some(records.record(doc, url, || body(doc))?)
                        }
                        _ => None,
                    };
                    Ok((made, record))
                })
                .collect()
        };
        let last = std::mem::take(&mut waiting);
        (waiting, ()) = rayon::join(render_chunk, || hand_over(last, &mut indexer, &mut results));
    }
    hand_over(waiting, &mut indexer, &mut results);
    times.mark("own pages");
    results.par_extend(generated.par_iter().map(|&i| {
        make_wanted();
        make_page(i)
    }));
    times.mark("lists and tags");
    make_wanted();
    results.extend(ahead.into_made());

    let entries = feed::entries(site, config, &carried, &memo.entries, &outline, &body);
    match entries
        .as_ref()
        .map(|entries| feed::jobs(site, config, entries))
    {
        Ok(Ok(jobs)) => {
            results.par_extend(jobs.par_iter().map(|job| {
                let template = job.format.template();
                // Feeds note no reads: their values are always compared.
                let bytes = memo.page(
                    &job.path,
                    repeatable,
                    &Since {
                        replaced: None,
                        patch: since.patch,
                    },
                    || {
                        let mut fingerprint = Fingerprint::default();
                        let view = job.view(site, config, &fingerprint);
                        fingerprint.insert("feed", &view);
                        Ok((template.to_owned(), fingerprint))
                    },
                    || {
                        let mut context = base.clone();
                        let view = job.view(site, config, &context);
                        context.insert("feed", &view);
                        Ok(Bytes::from(templates.render(template, &context)?))
                    },
                )?;
                match bytes {
                    Some(bytes) => send(dest, job.path.clone(), bytes),
                    None => Ok(Made::default()),
                }
            }));
        }
        Ok(Err(errors)) => results.extend(errors.into_iter().map(Err)),
        Err(e) => results.push(Err(e.clone())),
    }

    times.mark("feeds");
    // A patch leaves out what no edit of a document's source can change: redirects
    // (aliases move the model out of place), the stylesheet, and the sitemap when the
    // edited documents show it the same dates.
    let generated: Vec<OutputFile> = match (since.patch, same_sitemap) {
        (true, true) => Vec::new(),
        (true, false) => sitemap::files(site, config, plan),
        (false, _) => redirects::files(site, config)
            .into_iter()
            .chain(sitemap::files(site, config, plan))
            .chain([OutputFile::new("css/syntax.css", syntax_css())])
            .collect(),
    };
    let index = indexer.map(|i| i.files(&memo.search)).unwrap_or_default();
    results.extend(
        generated
            .into_iter()
            .chain(index)
            .map(|file| send_file(dest, file)),
    );
    times.mark("sitemap, redirects, search");

    let mut made = Made::default();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(m) => {
                made.paths.extend(m.paths);
                made.kept.extend(m.kept);
            }
            // One template error shows on every page that template makes: told once.
            Err(d) => match errors.iter_mut().find(|e| e.same_but_page(&d)) {
                Some(first) => first.one_more_page(),
                None => errors.push(d),
            },
        }
    }
    if errors.is_empty() {
        Ok(made)
    } else {
        Err(errors)
    }
}

/// The pages a destination waits for, made ahead of their turn (serve: the pages open
/// in browsers, and those requests ask for while the build runs).
struct Ahead<'a> {
    /// Each plan page's site path and output path.
    paths: &'a [(String, String)],
    /// Whether each page of the plan was taken, in its turn or ahead of it: made once.
    claimed: Vec<AtomicBool>,
    /// Whether anything was made ahead: the pages' places by output path are known.
    by_path: OnceLock<FastMap<&'a str, usize>>,
    /// What the pages made ahead came to, for the build's results.
    made: Mutex<Vec<Result<Made, Diagnostic>>>,
}

impl<'a> Ahead<'a> {
    fn new(paths: &'a [(String, String)]) -> Self {
        Ahead {
            paths,
            claimed: paths.iter().map(|_| AtomicBool::new(false)).collect(),
            by_path: OnceLock::new(),
            made: Mutex::default(),
        }
    }

    /// Takes page `i` to make it; false when it was taken already.
    fn claim(&self, i: usize) -> bool {
        !self.claimed[i].swap(true, Ordering::Relaxed)
    }

    /// Makes the pages `dest` waits for that no turn took yet, and tells it which are made.
    fn make_wanted(
        &self,
        dest: &dyn Destination,
        make: &(dyn Fn(usize) -> Result<Made, Diagnostic> + Sync),
    ) {
        let wanted = dest.wanted();
        if wanted.is_empty() {
            return;
        }
        let by_path = self.by_path.get_or_init(|| {
            let files = self.paths.iter().map(|(_, file)| file.as_str());
            files.enumerate().map(|(i, file)| (file, i)).collect()
        });
        let pages: Vec<(usize, String)> = wanted
            .into_iter()
            .filter_map(|path| Some((*by_path.get(path.as_str())?, path)))
            .filter(|&(i, _)| self.claim(i))
            .collect();
        let made: Vec<Result<Made, Diagnostic>> = pages.par_iter().map(|&(i, _)| make(i)).collect();
        let done: Vec<String> = pages
            .into_iter()
            .zip(&made)
            .filter(|(_, made)| made.is_ok())
            .map(|((_, path), _)| path)
            .collect();
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(made);
        if !done.is_empty() {
            dest.made_ahead(&done);
        }
    }

    fn into_made(self) -> Vec<Result<Made, Diagnostic>> {
        self.made.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A body asked for after its last reader, or of a document the build did not load.
fn body_gone(doc: &Document) -> Diagnostic {
    Diagnostic::new(
        &doc.source.display,
        "internal error: this document's body was asked for after its last reader",
    )
    .hint("please report this; `inkpress build` again may work around it")
}

/// What every page's context starts from: the site's own values.
fn base_context(config: &Config) -> Context {
    let mut base = Context::new();
    base.insert("site", &SiteView::new(config));
    base
}

/// Hands a made page to its destination.
fn send(dest: &dyn Destination, path: String, bytes: Bytes) -> Result<Made, Diagnostic> {
    send_file(
        dest,
        OutputFile {
            path,
            body: Body::Bytes(bytes),
        },
    )
}

fn send_file(dest: &dyn Destination, file: OutputFile) -> Result<Made, Diagnostic> {
    let mut made = Made::default();
    made.send(dest, file)?;
    Ok(made)
}

fn syntax_css() -> &'static str {
    static CSS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSS.get_or_init(crate::markdown::highlight::stylesheet)
}
