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
use crate::output::spool::Spool;
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
    /// The files the last build generated that a later one may not make: pages, feeds
    /// and redirects, sorted.
    generated: Vec<String>,
    /// The last build's search index files (none when serve makes the index apart).
    index_paths: Vec<String>,
    /// For the last build's plan, the pages (by their place in it) that read each
    /// revision ([`Fingerprint::reads`], and [`crate::site::TAG_LIST`]): a patch with the
    /// same plan looks only at the readers of the replaced documents. It may name a page
    /// that no longer reads a revision, never miss one that does.
    readers: Option<FastMap<u64, Vec<u32>>>,
    entries: feed::EntryMemo,
    /// The search index kept for the next build (and, in `serve`, the one still being made).
    pub search: search::Kept,
    /// The templates and the values every page shares, which the kept pages were made with.
    shared: Option<(Arc<Templates>, Fingerprint)>,
    /// Where a session keeps its pages' bytes (none: in memory).
    spool: Option<Arc<Spool>>,
}

struct MadePage {
    template: String,
    fingerprint: Fingerprint,
    /// In the session's spool, or in memory if it has none.
    body: Body,
}

impl MadePage {
    /// Whether the page's values showed none of the `replaced` revisions.
    fn read_none_of(&self, replaced: &HashSet<u64>) -> bool {
        !self
            .fingerprint
            .reads()
            .iter()
            .any(|r| replaced.contains(r))
    }
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
    /// The plan is the last build's, page for page.
    same_plan: bool,
}

impl RenderMemo {
    pub fn new(retention: Retention) -> Self {
        RenderMemo {
            pages: Kept::new(retention),
            plan_paths: Vec::new(),
            generated: Vec::new(),
            index_paths: Vec::new(),
            readers: None,
            entries: Kept::new(retention),
            search: search::Kept::default(),
            shared: None,
            spool: None,
        }
    }

    /// Keeps the pages of the next builds in `spool` rather than in memory.
    pub fn keep_in(&mut self, spool: Arc<Spool>) {
        self.spool = Some(spool);
    }

    /// A made page as the memo keeps it: in the spool if there is one and it can be
    /// written, else in memory.
    fn stow(&self, bytes: Bytes) -> Body {
        match self.spool.as_ref().map(|spool| spool.put(&bytes)) {
            Some(Ok(stored)) => Body::Stored(stored),
            _ => Body::Bytes(bytes),
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

    /// The page at `path`: the last build's if it was rendered from the same
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
    ) -> Result<Option<Body>, Diagnostic> {
        if self.pages.retention() == Retention::Forget {
            return render().map(|bytes| Some(Body::Bytes(bytes)));
        }
        // Left out of this build's values: `finish` keeps it as it was.
        if self.left_as_it_was(path, repeatable, since) {
            return Ok(None);
        }
        if let (Some(replaced), true, false) = (since.replaced, repeatable, since.patch) {
            let kept =
                (self.pages).get_or_make(path.to_owned(), |p| p.read_none_of(replaced), || Err(()));
            if let Ok(kept) = kept {
                return Ok(Some(kept.body.clone()));
            }
        }
        let (template, fingerprint) = inputs()?;
        let previous = self.pages.previous(path).cloned();
        let made = self.pages.get_or_make(
            path.to_owned(),
            |p| repeatable && p.template == template && p.fingerprint == fingerprint,
            || {
                Ok::<_, Diagnostic>(Arc::new(MadePage {
                    body: self.stow(render()?),
                    template: template.clone(),
                    fingerprint: fingerprint.clone(),
                }))
            },
        )?;
        let same_as_last = previous.is_some_and(|p| Arc::ptr_eq(&p, &made));
        if same_as_last && since.patch {
            return Ok(None);
        }
        Ok(Some(made.body.clone()))
    }

    /// [`RenderMemo::readers`] after a patch that looked at the `todo` pages of the same
    /// plan: the readers of the `replaced` revisions are the pages looked at that read
    /// them now; every page looked at joins the readers of what it reads now.
    fn readers_after(
        &self,
        mut readers: FastMap<u64, Vec<u32>>,
        todo: &[bool],
        replaced: &HashSet<u64>,
    ) -> FastMap<u64, Vec<u32>> {
        for r in replaced {
            readers.remove(r);
        }
        let looked_at = todo.iter().enumerate().filter(|(_, &t)| t);
        for (i, _) in looked_at {
            let Some(page) = self.pages.previous(self.plan_paths[i].1.as_str()) else {
                continue;
            };
            for &r in page.fingerprint.reads() {
                let list = readers.entry(r).or_default();
                if !list.contains(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        readers
    }

    /// [`RenderMemo::readers`] of every page of the last build's plan.
    fn all_readers(&self) -> FastMap<u64, Vec<u32>> {
        let mut readers: FastMap<u64, Vec<u32>> = FastMap::default();
        for (i, (_, file)) in self.plan_paths.iter().enumerate() {
            if let Some(page) = self.pages.previous(file.as_str()) {
                for &r in page.fingerprint.reads() {
                    readers.entry(r).or_default().push(i as u32);
                }
            }
        }
        readers
    }

    /// Whether the page or feed at `path` is left out of this build as the last one
    /// made it: a patch, and it read none of the replaced documents.
    fn left_as_it_was(&self, path: &str, repeatable: bool, since: &Since) -> bool {
        match since.replaced {
            Some(replaced) if since.patch && repeatable => {
                (self.pages.previous(path)).is_some_and(|p| p.read_none_of(replaced))
            }
            _ => false,
        }
    }

    fn finish(&mut self, since: &Since) {
        // Pages and feed entries left out of a patch are the last build's, still valid;
        // the entries of replaced revisions are not.
        match (since.patch, since.replaced) {
            (true, Some(replaced)) => {
                self.pages.finish_keeping();
                self.entries
                    .finish_keeping_without(replaced.iter().copied());
            }
            (true, None) => {
                self.pages.finish_keeping();
                self.entries.finish();
            }
            (false, _) => {
                self.pages.finish();
                self.entries.finish();
            }
        }
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
    /// Every tag has the pages it had, at the same places in the plan (else tag pages
    /// may come and go, and with them their redirects).
    pub same_tag_pages: bool,
    /// The same posts are there (else their aliases' redirects may come and go).
    pub same_posts: bool,
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
    let same_plan = memo.plan_paths.len() == plan.len()
        && in_place.is_some_and(|i| i.same_order && i.same_tag_pages);
    let in_place = in_place.filter(|_| kept_all);
    let replaced = in_place.map(|i| &i.replaced);
    let since = Since {
        replaced,
        patch: in_place.is_some_and(|i| i.patch),
        same_plan: same_plan && replaced.is_some(),
    };
    let same_sitemap = in_place.is_some_and(|i| i.same_sitemap);
    let same_redirects = in_place.is_some_and(|i| i.same_tag_pages && i.same_posts);
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
    // A patch with the same plan looks only at the pages that read what it replaced.
    let readers = memo.readers.take();
    let todo = match (&readers, replaced) {
        (Some(readers), Some(replaced)) if since.patch && same_plan => {
            let mut todo = vec![false; plan.len()];
            let read = replaced.iter().filter_map(|r| readers.get(r)).flatten();
            for &i in read {
                todo[i as usize] = true;
            }
            Some(todo)
        }
        _ => None,
    };
    times.mark("plan");
    let made = render_with(
        model,
        memo,
        &plan,
        &paths,
        &since,
        todo.as_deref(),
        same_sitemap,
        same_redirects,
        dest,
        times,
    );
    memo.finish(&since);
    if memo.pages.retention() == Retention::Keep {
        memo.plan_paths = paths;
        if made.is_ok() {
            memo.readers = Some(match (readers, &todo, replaced) {
                (Some(readers), Some(todo), Some(replaced)) => {
                    memo.readers_after(readers, todo, replaced)
                }
                _ => memo.all_readers(),
            });
        }
    }
    let (made, feeds) = made?;
    // A patch names the files it drops: pages, feeds, redirects and search index files
    // no longer made (a tag's, when no post carries it any more). Only a session's next
    // build can be a patch. With the same plan, the same tags and aliases make the same
    // pages, feeds and redirects.
    let (mut generated, mut index_paths) = (Vec::new(), Vec::new());
    if memo.pages.retention() == Retention::Keep {
        let folder = format!("{}/", model.config.search.output);
        let index = made.paths.iter().filter(|p| p.starts_with(&folder));
        index_paths = index.cloned().collect();
        index_paths.sort_unstable();
        generated = match todo {
            Some(_) => std::mem::take(&mut memo.generated),
            None => {
                let mut generated: Vec<String> = (memo.plan_paths.iter())
                    .map(|(_, file)| file.clone())
                    .chain(feeds)
                    .chain(redirects::paths(model.site, model.config))
                    .collect();
                generated.sort_unstable();
                generated
            }
        };
    }
    let last_generated = std::mem::replace(&mut memo.generated, generated);
    let last_index = std::mem::replace(&mut memo.index_paths, index_paths);
    let (scope, removed) = match since.patch {
        true => {
            let mut removed: Vec<String> = (last_generated.into_iter())
                .filter(|p| memo.generated.binary_search(p).is_err())
                .chain(
                    (last_index.into_iter()).filter(|p| memo.index_paths.binary_search(p).is_err()),
                )
                .collect();
            removed.sort_unstable();
            for path in &removed {
                memo.pages.update(path.clone(), None);
            }
            (Scope::Changes, removed)
        }
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
    todo: Option<&[bool]>,
    same_sitemap: bool,
    same_redirects: bool,
    dest: &dyn Destination,
    times: &mut StageTimes,
) -> Result<(Made, Vec<String>), Vec<Diagnostic>> {
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
    let (records, mut indexer) =
        search::Indexer::start(config, &memo.search, keep, since.same_plan).unzip();
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
        let body = memo.page(
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
        match body {
            Some(body) => send(dest, path.clone(), body),
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
    // With `todo`, only the pages it names are looked at (the plan is the last one's):
    // their documents' records take the places of the last build's in the index.
    let wanted = |i: usize| todo.is_none_or(|todo| todo[i]);
    let (own, generated): (Vec<usize>, Vec<usize>) = (0..plan.len())
        .filter(|&i| wanted(i))
        .partition(|&i| plan[i].document(site).is_some());
    let mut fresh_records: FastMap<u32, search::Recorded> = FastMap::default();
    // Own pages render in parallel a chunk at a time, each with its document's search
    // record, and the records reach the indexer in plan order (a document's number in
    // the index is its place there). The chunk bounds what waits in memory. The indexer
    // takes a chunk's records while the next chunk renders.
    type PageAndRecord = Result<(Made, Option<search::Placed>), Diagnostic>;
    let hand_over = |made: Vec<PageAndRecord>,
                     indexer: &mut Option<search::Indexer>,
                     results: &mut Vec<Result<Made, Diagnostic>>,
                     fresh_records: &mut FastMap<u32, search::Recorded>| {
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
            match (indexer.as_mut(), record) {
                (_, Some((place, record))) if todo.is_some() => {
                    fresh_records.insert(place, record);
                }
                (Some(indexer), Some(record)) => {
                    results.extend(indexer.add(record).into_iter().map(|f| send_file(dest, f)));
                }
                _ => {}
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
                            let place = i as u32;
                            Some((place, records.record(doc, place, url, || body(doc))?))
                        }
                        _ => None,
                    };
                    Ok((made, record))
                })
                .collect()
        };
        let last = std::mem::take(&mut waiting);
        (waiting, ()) = rayon::join(render_chunk, || {
            hand_over(last, &mut indexer, &mut results, &mut fresh_records)
        });
    }
    hand_over(waiting, &mut indexer, &mut results, &mut fresh_records);
    if let (Some(_), Some(records), Some(indexer)) = (todo, &records, indexer.as_mut()) {
        for placed in records.with(fresh_records) {
            results.extend(indexer.add(placed).into_iter().map(|f| send_file(dest, f)));
        }
    }
    times.mark("own pages");
    results.par_extend(generated.par_iter().map(|&i| {
        make_wanted();
        make_page(i)
    }));
    times.mark("lists and tags");
    make_wanted();
    results.extend(ahead.into_made());

    // A patch leaves a feed that carries none of the replaced posts as it was, without
    // making its entries.
    let mut feed_paths = Vec::new();
    match feed::jobs(site, config) {
        Ok(jobs) => {
            feed_paths.extend(jobs.iter().map(|job| job.path.clone()));
            let looked_at: Vec<&feed::FeedJob> = (jobs.iter())
                .filter(|job| !memo.left_as_it_was(&job.path, repeatable, since))
                .collect();
            let mut wanted = vec![None; site.posts.len()];
            for &i in looked_at.iter().flat_map(|job| job.carried()) {
                wanted[i] = carried[i];
            }
            match feed::entries(site, config, &wanted, &memo.entries, &outline, &body) {
                Ok(entries) => results.par_extend(looked_at.par_iter().map(|job| {
                    let template = job.format.template();
                    let file = memo.page(
                        &job.path,
                        repeatable,
                        since,
                        || {
                            let mut fingerprint = Fingerprint::default();
                            // A feed shows its posts; the blog's, the newest of all.
                            for &i in job.carried() {
                                fingerprint.read(site.posts[i].revision);
                            }
                            if job.is_the_blogs() {
                                fingerprint.read(crate::site::POST_LIST);
                            }
                            let view = job.view(site, config, &entries, &fingerprint);
                            fingerprint.insert("feed", &view);
                            Ok((template.to_owned(), fingerprint))
                        },
                        || {
                            let mut context = base.clone();
                            let view = job.view(site, config, &entries, &context);
                            context.insert("feed", &view);
                            Ok(Bytes::from(templates.render(template, &context)?))
                        },
                    )?;
                    match file {
                        Some(file) => send(dest, job.path.clone(), file),
                        None => Ok(Made::default()),
                    }
                })),
                Err(e) => results.push(Err(e)),
            }
        }
        Err(errors) => results.extend(errors.into_iter().map(Err)),
    }

    times.mark("feeds");
    // A patch leaves out what no edit of a document's source can change: the
    // stylesheet, redirects when the posts and the tags' pages are the same (a tag's
    // first page has one, a post's aliases too), and the sitemap when the edited
    // documents show it the same dates and the same pages.
    let mut generated: Vec<OutputFile> = Vec::new();
    if !since.patch || !same_redirects {
        generated.extend(redirects::files(site, config));
    }
    if !since.patch || !same_sitemap {
        generated.extend(sitemap::files(site, config, plan));
    }
    if !since.patch {
        generated.push(OutputFile::new("css/syntax.css", syntax_css()));
    }
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
        Ok((made, feed_paths))
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
fn send(dest: &dyn Destination, path: String, body: Body) -> Result<Made, Diagnostic> {
    send_file(dest, OutputFile { path, body })
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
