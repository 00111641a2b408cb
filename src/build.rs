//! The build pipeline, shared by `build`, `serve` and `check`. The stages, in order:
//!
//! ```text
//! discover + static_files::list + templates   read the site's files (the only reads)
//! content::load                               front matter and outlines → Documents, Bodies
//! Site::assemble                              posts in order, tags, pages (read-only after)
//! render::render                              pages, feeds, sitemap, redirects → Destination
//! ```
//!
//! A [`Memo`] sits under the stages: a one-off build's forgets, a session's keeps (see
//! [`crate::memo`]). The build writes nothing itself: where the files go is the caller's
//! [`Destination`].

use crate::check::external::{self, ExternalLink};
use crate::check::{CheckMemo, Drafts, LinkCheck, TargetsSince};
use crate::config::{Config, Severity};
use crate::content::{self, load::DocumentMemo, Document};
use crate::error::{counted, Diagnostic, Diagnostics, Result};
use crate::images::Images;
use crate::markdown::highlight_cache::{self, HighlightCache};
use crate::markdown::MarkdownOptions;
use crate::memo::Retention;
use crate::output::spool::Spool;
use crate::output::{Destination, InMemory, OutputFile, Scope};
use crate::render::{self, templates::TemplateMemo, RenderMemo};
use crate::site::Site;
use crate::static_files;
use crate::timing::StageTimes;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many edited documents a rebuild swaps into the last site model in place at most;
/// past that, assembling the model again is as quick.
const EDITS_IN_PLACE: usize = 64;

/// How many broken links `build` and `serve` print (`check` prints them all).
pub const LINKS_SHOWN: usize = 10;

/// Caches kept between builds, in the site's root; safe to delete at any time.
pub const CACHE_DIR: &str = ".inkpress-cache";

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include posts and pages marked `draft: true`.
    pub drafts: bool,
    /// Folder for caches kept between builds (highlighted code); `None` keeps nothing.
    pub cache_dir: Option<PathBuf>,
    /// Gather the documents' links to other sites (`check --external`).
    pub external_links: bool,
    /// `check`: carry on past the problems a build stops at (missing images), so that one
    /// run reports them together with the broken links, all in `Built::broken_links`.
    pub every_problem: bool,
}

/// A built site: the model, and the files its destination kept in memory (all of
/// them, unless it was written as it was made).
pub struct Built {
    pub files: Vec<OutputFile>,
    /// Every file's site path, written or kept.
    pub paths: Arc<Vec<String>>,
    pub site: Arc<Site>,
    /// Broken internal links, sorted by file: warnings unless `[check] links = "error"`
    /// (then the build fails instead); `check` fails on them. With
    /// `BuildOptions::every_problem`, missing images too.
    pub broken_links: Vec<Diagnostic>,
    /// Images without a text alternative, sorted by file: warnings in every command.
    pub images_without_alt: Vec<Diagnostic>,
    /// Links to other sites, when the options asked for them.
    pub external_links: Vec<ExternalLink>,
    /// Images that could not be read or resized (each is published as it is).
    pub image_warnings: Vec<String>,
    /// Images this build decoded to make variants (none when the cache had them all).
    pub images_decoded: usize,
    /// How long each stage took (`-v` shows them).
    pub times: StageTimes,
    /// Whether the last build's site model was updated in place (a session's edit that
    /// moved nothing) rather than assembled again.
    pub model_in_place: bool,
    /// Whether `files` are all of the site's, or only those that may differ from the last
    /// build of the session (then `removed` are that build's files this one did not make).
    pub scope: Scope,
    pub removed: Vec<String>,
}

impl Built {
    /// Number of HTML pages made.
    pub fn html_pages(&self) -> usize {
        self.paths.iter().filter(|p| p.ends_with(".html")).count()
    }

    /// Prints what the build warns about to stderr: every site warning, and the first
    /// broken links (a site can have thousands; `inkpress check` lists them all).
    pub fn print_warnings(&self) {
        for w in self.site.warnings.iter().chain(&self.image_warnings) {
            eprintln!("warning: {w}");
        }
        print_first(&self.broken_links, "broken links");
        print_first(&self.images_without_alt, "images without alt text");
    }

    /// `3 posts, 8 tags, 25 pages`, for the closing line of a command.
    pub fn counts(&self) -> String {
        format!(
            "{}, {}, {}",
            counted(self.site.posts.len(), "post"),
            counted(self.site.tags.len(), "tag"),
            counted(self.html_pages(), "page")
        )
    }
}

/// Prints the first [`LINKS_SHOWN`] of some warnings on one line each, and how many
/// more there are (a site can have thousands; `inkpress check` lists them all).
fn print_first(warnings: &[Diagnostic], what: &str) {
    for d in warnings.iter().take(LINKS_SHOWN) {
        eprintln!("warning: {d}");
    }
    if let Some(more) = warnings.len().checked_sub(LINKS_SHOWN).filter(|&n| n > 0) {
        eprintln!("warning: … and {more} more {what}: `inkpress check` lists them all");
    }
}

/// What the stages keep between the builds of a session, or forget after a one-off build.
pub struct Memo {
    retention: Retention,
    templates: TemplateMemo,
    documents: DocumentMemo,
    render: RenderMemo,
    check: CheckMemo,
    /// The last successful build's file paths, sorted: image variants apart from the
    /// rest, which an edit of a source in place does not change (a session only).
    paths: Option<LastPaths>,
    highlight: Option<Arc<HighlightCache>>,
    images: Option<Arc<Images>>,
    /// The site model of the last build, if it succeeded (a session only): an edit that
    /// moves nothing updates it in place instead of assembling it again.
    site: Option<Arc<Site>>,
    /// Where a session keeps pages, bodies' HTML and sources' texts between builds: a
    /// temporary file in the cache folder, opened by its first build (none: in memory).
    spool: Option<Arc<Spool>>,
}

impl Memo {
    /// The memo of a single build (`build`, `check`): it keeps nothing, so a big site's
    /// pages are not held in memory for a next build that never comes.
    pub fn one_off() -> Memo {
        Memo::new(Retention::Forget)
    }

    /// The memo of a session of builds (`serve`): each build reuses what the last one
    /// made of unchanged inputs. A new one is empty, so a first build with it is exactly
    /// a fresh build.
    pub fn session() -> Memo {
        Memo::new(Retention::Keep)
    }

    fn new(retention: Retention) -> Memo {
        Memo {
            retention,
            templates: TemplateMemo::default(),
            documents: DocumentMemo::new(retention),
            render: RenderMemo::new(retention),
            check: CheckMemo::new(retention),
            paths: None,
            highlight: None,
            images: None,
            site: None,
            spool: None,
        }
    }

    /// Opens a session's spool (once), in the cache folder if there is one, and has the
    /// queries keep their large values in it. Without one they stay in memory.
    fn open_spool(&mut self, cache_dir: Option<&Path>) {
        if self.retention == Retention::Forget || self.spool.is_some() {
            return;
        }
        match Spool::open(cache_dir) {
            Ok(spool) => {
                self.render.keep_in(Arc::clone(&spool));
                self.documents.keep_in(Arc::clone(&spool));
                self.spool = Some(spool);
            }
            Err(e) => eprintln!(
                "warning: could not make a temporary file to keep pages in ({e}): they stay in memory"
            ),
        }
    }

    /// Promises that every change to the sources from now on is told with
    /// [`changed_only`](Self::changed_only) (serve's file watcher): the next builds read
    /// only the files told, and take the others as they were.
    pub fn follow_watcher(&mut self) {
        self.documents.follow_watcher();
    }

    /// From now on a build hands its files over without waiting for the search index:
    /// [`finish_search`](Self::finish_search) makes it afterwards (serve reloads first).
    pub fn lag_search(&mut self) {
        self.render.search.lag();
    }

    /// The folder of the search index the last build left to make, if it left one.
    pub fn search_to_finish(&self) -> Option<String> {
        self.render.search.held_folder()
    }

    /// The search index the last build left to finish, if any.
    pub fn take_search(&self) -> Option<render::search::Held> {
        self.render.search.take_held()
    }

    /// Tells that, since the last build, sources changed only at or under these paths.
    pub fn changed_only(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.documents.changed_only(paths);
    }

    /// The cache of highlighted code in the folder `dir`, if any: opened by the first
    /// build, and kept open by a session, which then also remembers new blocks.
    fn highlight_cache(&mut self, dir: Option<&Path>) -> Option<Arc<HighlightCache>> {
        let Some(file) = dir.map(|d| d.join(highlight_cache::FILE_NAME)) else {
            self.highlight = None;
            return None;
        };
        match &self.highlight {
            Some(open) if open.file() == file => {}
            _ => {
                let remember_new = self.retention == Retention::Keep;
                self.highlight = Some(Arc::new(HighlightCache::open(file, remember_new)));
            }
        }
        self.highlight.clone()
    }
}

impl Memo {
    /// The site's images, when `[images] process` is on: a one-off build opens them anew
    /// (reading the manifest), a session keeps them while the settings are the same, so
    /// a rebuild looks nothing up again.
    fn images(&mut self, config: &Config, cache_dir: Option<&Path>) -> Option<Arc<Images>> {
        if !config.images.process {
            self.images = None;
            return None;
        }
        let fresh = Images::open(
            config.images.clone(),
            &config.root,
            &config.base_url,
            cache_dir,
        );
        let kept = self
            .images
            .as_ref()
            .filter(|_| self.retention == Retention::Keep);
        let images = Images::for_next_build(kept, fresh);
        self.images = Some(Arc::clone(&images));
        Some(images)
    }
}

/// The paths of a build's files.
struct LastPaths {
    images: Vec<String>,
    others: Arc<Vec<String>>,
    /// Both, as one sorted list (a patch that changes no path hands it on as it is).
    all: Arc<Vec<String>>,
}

/// Builds the whole site in memory. Every broken file is reported, not only the first.
pub fn build(config: &Config, options: &BuildOptions) -> Result<Built> {
    build_with(config, options, &mut Memo::one_off(), &InMemory)
}

/// [`build`], handing each file to `dest` as soon as it is made (`build` writes pages
/// while others are still rendering, and holds none of them in memory).
pub fn build_into(
    config: &Config,
    options: &BuildOptions,
    dest: &dyn Destination,
) -> Result<Built> {
    build_with(config, options, &mut Memo::one_off(), dest)
}

/// [`build`] with `memo` under the stages.
pub fn build_with(
    config: &Config,
    options: &BuildOptions,
    memo: &mut Memo,
    dest: &dyn Destination,
) -> Result<Built> {
    memo.open_spool(options.cache_dir.as_deref());
    let markdown = MarkdownOptions {
        base_path: config.base_path().to_owned(),
        highlight_cache: memo.highlight_cache(options.cache_dir.as_deref()),
        images: memo.images(config, options.cache_dir.as_deref()),
    };
    let built = stages(config, options, memo, dest, &markdown);
    // The code highlighted so far is kept for the next build even when this one failed:
    // what the good files got is still good.
    if let Some(highlights) = &markdown.highlight_cache {
        highlights.save();
    }
    built
}

fn stages(
    config: &Config,
    options: &BuildOptions,
    memo: &mut Memo,
    dest: &dyn Destination,
    markdown: &MarkdownOptions,
) -> Result<Built> {
    let mut times = StageTimes::default();
    // Taken now and kept again only if this build succeeds: a failed build's loaded
    // documents are what the next build's edits are counted from.
    let last_site = memo.site.take();
    let last_paths = memo.paths.take();
    let root = &config.root;
    // Told of nothing but edits of sources in place, a build can leave out every file
    // they cannot change (see `render::InPlace::patch`).
    let told_only_sources = memo.documents.told_only_sources(root);
    let sources = match memo.documents.sources_if_unchanged(root) {
        Some(sources) => sources,
        None => Arc::new(content::discover(root).map_err(Diagnostics::sorted)?),
    };
    let statics = static_files::list(root)?;
    times.mark("discover");
    // Templates and content are independent: check both so that one run shows every error.
    let memo_keeps = memo.retention == Retention::Keep;
    let Memo {
        templates,
        documents,
        render: render_memo,
        check: check_memo,
        site: kept_site,
        paths: kept_paths,
        ..
    } = memo;
    let (templates, loaded) = rayon::join(
        || templates.load(root, told_only_sources),
        || content::load::load(sources, markdown, &config.permalinks, documents),
    );
    let mut errors: Vec<Diagnostic> = Vec::new();
    let templates = templates.map_err(|e| errors.extend(e)).ok();
    let loaded = loaded.map_err(|e| errors.extend(e)).ok();
    let (Some(templates), Some(loaded)) = (templates, loaded) else {
        return Err(Diagnostics::sorted(errors));
    };
    times.mark("load");
    // Assembling drops unbuilt drafts; the link check still needs to know them.
    let drafts: Drafts = loaded
        .documents
        .iter()
        .filter(|d| d.meta.draft)
        .map(|d| (d.path.clone(), d.source.display.clone()))
        .collect();
    let in_place = last_site
        .filter(|_| loaded.remade.len() <= EDITS_IN_PLACE)
        .and_then(|last| {
            let patch = told_only_sources && last_paths.is_some();
            edited_model(&last, &loaded, options, config, patch)
        });
    let (mut site, in_place, model_in_place) = match in_place {
        Some((site, in_place, swapped)) => (site, Some(in_place), swapped),
        None => (
            Site::assemble(loaded.documents, options.drafts, config)
                .map_err(Diagnostics::sorted)?,
            None,
            false,
        ),
    };
    let missing_layouts = templates.missing_layouts(&site);
    site.warnings.extend(missing_layouts);
    let site = Arc::new(site);
    times.mark("assemble");
    let patch = in_place.as_ref().is_some_and(|i| i.patch);
    let links = LinkCheck::new(check_memo, patch);
    // A site's own static file wins over a generated one at the same path (its own
    // robots.txt, say): otherwise both would be written and the last one would win.
    let own: HashSet<String> = statics.iter().map(|f| f.path.clone()).collect();
    let except = Except {
        own: &own,
        dest,
        links: &links,
    };
    // Unless this is a patch, every file is handed over: the site's own static and
    // bundle files first, so that serve answers requests for them (its stylesheets)
    // while the pages are still being made.
    let mut statics = Some(statics);
    let mut copied_first = crate::output::Made::default();
    if !patch {
        let statics = statics.take().unwrap_or_default();
        send_copied(statics, &site, &links, dest, &mut copied_first)?;
    }
    let model = render::Model {
        site: &site,
        config,
        templates: &templates,
        bodies: &loaded.bodies,
        markdown,
    };
    let render::Files {
        mut made,
        scope,
        mut removed,
    } = render::render(&model, render_memo, in_place.as_ref(), &except, &mut times)
        .map_err(Diagnostics::sorted)?;
    let revisions: HashSet<u64> = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|d| d.revision)
        .collect();
    let images = markdown.images.as_ref().map(|i| i.finish(&revisions));
    let (image_files, image_warnings, images_decoded) = match images {
        Some(f) => (f.files, f.warnings, f.decoded),
        None => Default::default(),
    };
    let mut image_paths: Vec<String> = image_files.iter().map(|f| f.path.clone()).collect();
    image_paths.sort_unstable();
    image_paths.dedup();
    let (this_paths, targets_since, paths) = match (scope, last_paths) {
        // Only documents' sources changed, in place: every page and copied file is at
        // the last build's path. Image variants may come and go.
        // Tag pages and feeds may come and go (render named those gone).
        (Scope::Changes, Some(last)) => {
            let LastPaths {
                images: last_images,
                others: last_others,
                all: last_all,
            } = last;
            let added_others: Vec<String> = (made.paths.drain(..))
                .filter(|p| last_others.binary_search(p).is_err())
                .collect();
            for file in image_files {
                made.send(dest, file).map_err(Diagnostics::from)?;
            }
            let gone_images = last_images
                .iter()
                .filter(|p| image_paths.binary_search(p).is_err());
            removed.extend(gone_images.cloned());
            removed.sort_unstable();
            let added_images = image_paths
                .iter()
                .any(|p| last_images.binary_search(p).is_err());
            let added = !added_others.is_empty() || added_images;
            let (others, paths) = match (added, removed.is_empty()) {
                (false, true) => (last_others, last_all),
                _ => {
                    // The last list is no longer shared once its joined copy is dropped.
                    drop(last_all);
                    let mut others = Arc::try_unwrap(last_others).unwrap_or_else(|a| (*a).clone());
                    others.retain(|p| removed.binary_search(p).is_err());
                    for path in added_others {
                        if let Err(at) = others.binary_search(&path) {
                            others.insert(at, path);
                        }
                    }
                    let others = Arc::new(others);
                    let all = all_paths(&others, &image_paths);
                    (others, all)
                }
            };
            let last = LastPaths {
                images: image_paths,
                others,
                all: Arc::clone(&paths),
            };
            let targets = match (added || !loaded.same_sources, removed.is_empty()) {
                (_, false) => TargetsSince::Changed,
                (true, true) => TargetsSince::Added,
                (false, true) => TargetsSince::Same,
            };
            (last, targets, paths)
        }
        _ => {
            made.paths.sort_unstable();
            let shadowing = crate::site::aliases_over_generated(&site, &made.paths);
            if !shadowing.is_empty() {
                return Err(Diagnostics::sorted(shadowing));
            }
            match statics.take() {
                Some(statics) => send_copied(statics, &site, &links, dest, &mut made)?,
                None => {
                    made.paths.append(&mut copied_first.paths);
                    made.kept.append(&mut copied_first.kept);
                }
            }
            let mut others = std::mem::take(&mut made.paths);
            others.sort_unstable();
            others.dedup();
            others.retain(|p| image_paths.binary_search(p).is_err());
            for file in image_files {
                made.send(dest, file).map_err(Diagnostics::from)?;
            }
            let others = Arc::new(others);
            let paths = all_paths(&others, &image_paths);
            let last = LastPaths {
                images: image_paths,
                others,
                all: Arc::clone(&paths),
            };
            (last, TargetsSince::Changed, paths)
        }
    };
    times.mark("images and static files");
    // Every page's own render made its document's outline, which says where its links are.
    let outline = |doc: &Document| {
        let body = loaded.bodies.get(doc.revision)?;
        body.outline(|md| doc.outline(md, markdown)).ok()
    };
    let problems = links.problems(
        &site,
        &config.base_url,
        &outline,
        &paths,
        &drafts,
        markdown.images.is_some(),
        targets_since,
    );
    check_memo.finish(patch, &removed, problems.judged);
    times.mark("link check");
    let mut links = problems.links;
    if options.every_problem {
        links.extend(problems.missing_images);
    } else if !problems.missing_images.is_empty() {
        let mut missing = Diagnostics::sorted(problems.missing_images).0;
        crate::check::add_source_lines(&config.root, &mut missing);
        return Err(Diagnostics(missing));
    }
    let external_links = match options.external_links {
        true => external::links(&site, &config.base_url, &outline),
        false => Vec::new(),
    };
    let mut images_without_alt = Diagnostics::sorted(problems.images_without_alt).0;
    let mut broken_links = Diagnostics::sorted(links).0;
    if config.broken_links == Severity::Error && !broken_links.is_empty() {
        crate::check::add_source_lines(&config.root, &mut broken_links);
        return Err(Diagnostics(broken_links));
    }
    let shown = broken_links.len().min(LINKS_SHOWN);
    crate::check::add_source_lines(&config.root, &mut broken_links[..shown]);
    let shown = images_without_alt.len().min(LINKS_SHOWN);
    crate::check::add_source_lines(&config.root, &mut images_without_alt[..shown]);
    if memo_keeps {
        *kept_site = Some(Arc::clone(&site));
        *kept_paths = Some(this_paths);
        loaded.bodies.stow();
        // A whole build (the first, or one after a template or configuration change)
        // frees much in the middle of the heap; an edit's patch, little.
        if scope == Scope::Whole {
            crate::memo::release_freed_memory();
        }
    }
    Ok(Built {
        files: made.kept,
        paths,
        site,
        broken_links,
        images_without_alt,
        external_links,
        image_warnings,
        images_decoded,
        times,
        model_in_place,
        scope,
        removed,
    })
}

/// The model of a session's build whose edits kept every document's path, aliases,
/// authors and draft flag, or only added or removed posts (see [`Site::touched_by`] and
/// [`Site::touched_by_posts`]), with what rendering needs to know of them, and whether the model was updated in place (rather than assembled again).
/// `None`: the edits change the model's pages; it is assembled and every page looked at.
fn edited_model(
    last: &Site,
    loaded: &content::load::LoadedDocuments,
    options: &BuildOptions,
    config: &Config,
    patch: bool,
) -> Option<(Site, render::InPlace, bool)> {
    // Edits that keep every post in its place swap into the last model; edits that
    // reorder posts (a new date, or a title among posts of one day) or change tags need
    // it assembled again, and count the posts they touched as replaced.
    let same_posts = loaded.same_sources;
    let with_edits = || {
        last.with_edits(&loaded.remade, options.drafts)
            .filter(|_| same_posts)
    };
    let (site, touched, same_order) = match with_edits() {
        Some(site) => (site, None, true),
        // Posts came or went: the model is assembled anew (their paths checked).
        None if !same_posts => {
            let documents = loaded.documents.clone();
            let site = Site::assemble(documents, options.drafts, config).ok()?;
            let touched = last.touched_by_posts(&loaded.remade, &site)?;
            (site, Some(touched), false)
        }
        None => {
            let site = last.reassembled(&loaded.remade, options.drafts, config)?;
            let touched = last.touched_by(&loaded.remade, &site)?;
            let same_order = (last.posts.iter().zip(&site.posts))
                .all(|(was, is)| crate::site::same_file(was, is));
            (site, Some(touched), same_order)
        }
    };
    let swapped = touched.is_none();
    let (moved, changed_tags) = touched.map(|t| (t.revisions, t.tags)).unwrap_or_default();
    let mut replaced: HashSet<u64> = moved.into_iter().collect();
    if !changed_tags.is_empty() {
        replaced.insert(crate::site::TAG_LIST);
    }
    // Every changed tag has the pages it had, at the same places in the plan.
    let tag_pages = |site: &Site, slug: &str| {
        let tag = site.tag_by_slug(slug)?;
        let pages = render::plan::page_count(tag.posts.len(), config.posts_per_page);
        Some((tag.name.clone(), tag.path.clone(), pages))
    };
    let same_tag_pages = changed_tags
        .iter()
        .all(|slug| tag_pages(last, slug).is_some_and(|p| Some(p) == tag_pages(&site, slug)));
    // The sitemap lists posts in order, and every tag's pages with the day of its
    // newest post.
    let mut same_sitemap = same_order
        && same_tag_pages
        && (changed_tags.iter()).all(|slug| render::sitemap::same_tag(last, &site, config, slug));
    for new in &loaded.remade {
        if let Some(old) = last.document_of(&new.source) {
            replaced.insert(old.revision);
            same_sitemap &= render::sitemap::same_entry(old, new);
        }
    }
    let in_place = render::InPlace {
        replaced,
        patch,
        same_sitemap: same_sitemap && same_posts,
        same_order,
        same_tag_pages,
        same_posts,
    };
    Some((site, in_place, swapped))
}

/// Hands the site's own static files and its page bundles' files to `dest`.
fn send_copied(
    statics: Vec<OutputFile>,
    site: &Site,
    links: &LinkCheck,
    dest: &dyn Destination,
    made: &mut crate::output::Made,
) -> Result<()> {
    for file in statics.into_iter().chain(static_files::bundled(site)) {
        // The site's own HTML files have fragments to link to, too.
        links.note(&file);
        made.send(dest, file).map_err(Diagnostics::from)?;
    }
    Ok(())
}

/// Every file's path, sorted: `others` with `images` (the very same list when there
/// are none, as in most sites: 13,000 paths need no copy).
fn all_paths(others: &Arc<Vec<String>>, images: &[String]) -> Arc<Vec<String>> {
    match images.is_empty() {
        true => Arc::clone(others),
        false => Arc::new(joined(others, images)),
    }
}

/// Two sorted lists of paths as one.
fn joined(a: &[String], b: &[String]) -> Vec<String> {
    let mut paths = Vec::with_capacity(a.len() + b.len());
    paths.extend_from_slice(a);
    paths.extend_from_slice(b);
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// A destination that drops the files at paths the site's own static files take, and
/// shows the link check every page, for its ids.
struct Except<'a> {
    own: &'a HashSet<String>,
    dest: &'a dyn Destination,
    links: &'a LinkCheck<'a>,
}

impl Destination for Except<'_> {
    fn accept(&self, file: OutputFile) -> std::result::Result<Option<OutputFile>, Diagnostic> {
        if self.own.contains(&file.path) {
            return Ok(None);
        }
        self.links.note(&file);
        self.dest.accept(file)
    }

    fn expect_pages(&self, pages: usize) {
        self.dest.expect_pages(pages);
    }

    fn wanted(&self) -> Vec<String> {
        self.dest.wanted()
    }

    fn made_ahead(&self, paths: &[String]) {
        self.dest.made_ahead(paths);
    }
}

#[cfg(test)]
mod tests {
    use super::{build, build_with, BuildOptions, Built, Memo};
    use crate::config::{Config, Overrides};
    use crate::output::InMemory;
    use crate::output::Scope;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn files_of(built: &Built) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = built
            .files
            .iter()
            .map(|f| (f.path.clone(), f.bytes().unwrap().into_owned()))
            .collect();
        files.sort();
        files
    }

    /// A session's files, as serve keeps them: a build's whole set, then each patch applied.
    type Served = BTreeMap<String, Vec<u8>>;

    /// A session's build and a fresh one agree, file for file, once the session's files
    /// are applied to what `served` kept of the last ones; whether the session's updated
    /// its model in place.
    fn assert_same_as_fresh(root: &Path, memo: &mut Memo, served: &mut Served) -> bool {
        same_as_fresh(root, memo, served).0
    }

    /// [`assert_same_as_fresh`], with the session build's scope and removed files too.
    fn same_as_fresh(
        root: &Path,
        memo: &mut Memo,
        served: &mut Served,
    ) -> (bool, Scope, Vec<String>) {
        let config = Config::load(root, &Overrides::default()).unwrap();
        let options = BuildOptions::default();
        let session = build_with(&config, &options, memo, &InMemory).unwrap();
        if session.scope == Scope::Whole {
            served.clear();
        }
        for path in &session.removed {
            served.remove(path);
        }
        served.extend(files_of(&session));
        let fresh = Served::from_iter(files_of(&build(&config, &options).unwrap()));
        let differ: Vec<&String> = served
            .keys()
            .chain(fresh.keys())
            .filter(|p| served.get(*p) != fresh.get(*p))
            .collect();
        assert!(differ.is_empty(), "{:?}: {differ:?}", session.scope);
        (session.model_in_place, session.scope, session.removed)
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
        let mut memo = Memo::session();
        let mut served = Served::new();
        memo.follow_watcher();
        assert_same_as_fresh(root, &mut memo, &mut served);
        // The body alone, then the title alone: the model is updated in place, and the
        // pages that show the post (its own, the lists, its neighbour's) follow.
        post(root, "a", "Alpha", "one", "First, with new words.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert!(assert_same_as_fresh(root, &mut memo, &mut served));
        post(root, "a", "Alpha retitled", "one", "First, with new words.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert!(assert_same_as_fresh(root, &mut memo, &mut served));
        // A new tag changes the tags' lists: the model is assembled again, but the build
        // is a patch all the same, and the tag no post carries any more is gone, its
        // page and feeds with it.
        post(root, "a", "Alpha retitled", "two", "First, with new words.");
        memo.changed_only([root.join("content/blog/a.md")]);
        let (in_place, scope, removed) = same_as_fresh(root, &mut memo, &mut served);
        assert!(!in_place);
        assert_eq!(scope, Scope::Changes);
        assert_eq!(
            removed,
            [
                "search-index/terms/on.json",
                "tags/one/atom.xml",
                "tags/one/index.html",
                "tags/one/page/1/index.html",
                "tags/one/rss.xml"
            ]
        );
        // A tag that comes: its page and feeds are made, in a patch.
        post(
            root,
            "a",
            "Alpha retitled",
            "three",
            "First, with new words.",
        );
        memo.changed_only([root.join("content/blog/a.md")]);
        let (_, scope, _) = same_as_fresh(root, &mut memo, &mut served);
        assert_eq!(scope, Scope::Changes);
        assert!(served.contains_key("tags/three/index.html"));
        // A newer post joins the tag: the sitemap shows the tag's page with its date.
        post(root, "bb", "Beta", "two, three", "Second.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        let sitemap = |served: &Served| String::from_utf8(served["sitemap.xml"].clone()).unwrap();
        let before = sitemap(&served);
        assert_eq!(
            same_as_fresh(root, &mut memo, &mut served).1,
            Scope::Changes
        );
        assert_ne!(sitemap(&served), before);
        post(root, "bb", "Beta", "two", "Second.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
        post(root, "a", "Alpha retitled", "two", "First, with new words.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
        // A broken edit fails the build; the fix after it is read, and the model is
        // assembled again from what the failed build loaded.
        let config = Config::load(root, &Overrides::default()).unwrap();
        std::fs::write(root.join("content/blog/a.md"), "---\ntitle: [x\n---\n").unwrap();
        memo.changed_only([root.join("content/blog/a.md")]);
        assert!(build_with(&config, &BuildOptions::default(), &mut memo, &InMemory).is_err());
        post(root, "a", "Alpha retitled", "two", "Fixed.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert!(!assert_same_as_fresh(root, &mut memo, &mut served));
        // A page's edit, in place too.
        std::fs::write(
            root.join("content/about.md"),
            "---\ntitle: About\n---\nMe.\n",
        )
        .unwrap();
        memo.changed_only([root.join("content/about.md")]);
        assert!(
            !assert_same_as_fresh(root, &mut memo, &mut served),
            "a new file: listed again"
        );
        std::fs::write(
            root.join("content/about.md"),
            "---\ntitle: About us\n---\nUs.\n",
        )
        .unwrap();
        memo.changed_only([root.join("content/about.md")]);
        assert!(assert_same_as_fresh(root, &mut memo, &mut served));
        // Told about one edit; a second is told before a build that never came (its
        // configuration was broken, say): the next build must see both.
        post(root, "a", "Alpha edited", "one", "First, edited.");
        memo.changed_only([root.join("content/blog/a.md")]);
        post(root, "bb", "Beta edited", "two", "Second, edited.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
        // A change nobody reported is not looked for: that is the watcher's promise.
        let config = Config::load(root, &Overrides::default()).unwrap();
        post(root, "a", "Alpha unreported", "one", "Unseen.");
        let built = build_with(&config, &BuildOptions::default(), &mut memo, &InMemory).unwrap();
        let titles: Vec<&str> = built
            .site
            .posts
            .iter()
            .map(|p| p.meta.title.as_str())
            .collect();
        assert!(titles.contains(&"Alpha edited"), "{titles:?}");
        // Named by its folder (a folder moved in place): read again.
        memo.changed_only([root.join("content/blog")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
        // A file told that no build has seen is found (the sources are looked for again),
        // and so is the removal of one.
        // A new post is a patch too: the model assembled, the pages that show it made.
        post(root, "ccc", "Gamma", "one", "New.");
        memo.changed_only([root.join("content/blog/ccc.md")]);
        let (_, scope, _) = same_as_fresh(root, &mut memo, &mut served);
        assert_eq!(scope, Scope::Changes);
        // An editor's save: a backup made and removed, a temporary file renamed over the post.
        let backup = root.join("content/blog/ccc.md~");
        std::fs::write(&backup, "old").unwrap();
        std::fs::remove_file(&backup).unwrap();
        post(root, "ccc", "Gamma saved", "two", "Saved.");
        memo.changed_only([backup, root.join("content/blog/ccc.md")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
        // And a deleted one: its page is gone.
        std::fs::remove_file(root.join("content/blog/a.md")).unwrap();
        memo.changed_only([root.join("content/blog/a.md")]);
        let (_, scope, removed) = same_as_fresh(root, &mut memo, &mut served);
        assert_eq!(scope, Scope::Changes);
        assert!(
            removed.contains(&"blog/a/index.html".to_owned()),
            "{removed:?}"
        );
    }

    #[test]
    fn an_edit_in_place_is_a_patch_and_its_links_are_judged_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let root = root.as_path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "Alpha", "one", "See [beta](/blog/bb/#usage).");
        post(root, "bb", "Beta", "two", "## Usage\n\nHow.");
        let mut memo = Memo::session();
        memo.follow_watcher();
        let mut served = Served::new();
        let broken = |memo: &mut Memo| {
            let config = Config::load(root, &Overrides::default()).unwrap();
            let built = build_with(&config, &BuildOptions::default(), memo, &InMemory).unwrap();
            let messages = built.broken_links.iter().map(|d| d.to_string()).collect();
            (built.scope, messages)
        };
        assert_same_as_fresh(root, &mut memo, &mut served);
        // The heading a link points at goes: the other post's link is judged again.
        post(root, "bb", "Beta", "two", "## Use\n\nHow.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        let (scope, messages): (_, Vec<String>) = broken(&mut memo);
        assert_eq!(scope, Scope::Changes);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("a.md") && messages[0].contains("#usage"));
        assert!(
            messages[0].contains("no element with id `usage`"),
            "{messages:?}"
        );
        // The link mended in its own post; then broken the other way, to a page.
        post(root, "a", "Alpha", "one", "See [beta](/blog/bb/#use).");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert_eq!(broken(&mut memo), (Scope::Changes, Vec::new()));
        post(root, "a", "Alpha", "one", "See [beta](/blog/bx/).");
        memo.changed_only([root.join("content/blog/a.md")]);
        let (_, messages) = broken(&mut memo);
        assert!(
            messages[0].contains("did you mean /blog/bb/?"),
            "{messages:?}"
        );
        // A template's edit is no patch: every file comes again.
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/extra.html"), "x").unwrap();
        memo.changed_only([root.join("templates/extra.html")]);
        assert_eq!(broken(&mut memo).0, Scope::Whole);
        post(root, "a", "Alpha", "one", "Mended.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert_eq!(broken(&mut memo), (Scope::Changes, Vec::new()));
        // A link to a tag no post has yet; the tag comes with another post's edit (a
        // page added: the broken link is judged again), then goes.
        post(root, "a", "Alpha", "one", "See [three](/tags/three/).");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert_eq!(broken(&mut memo).1.len(), 1);
        post(root, "bb", "Beta", "two, three", "## Use\n\nHow.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        assert_eq!(broken(&mut memo), (Scope::Changes, Vec::new()));
        post(root, "bb", "Beta", "two", "## Use\n\nHow.");
        memo.changed_only([root.join("content/blog/bb.md")]);
        let (scope, messages) = broken(&mut memo);
        assert_eq!((scope, messages.len()), (Scope::Changes, 1), "{messages:?}");
        post(root, "a", "Alpha", "one", "Mended.");
        memo.changed_only([root.join("content/blog/a.md")]);
        assert_eq!(broken(&mut memo), (Scope::Changes, Vec::new()));
        served.clear();
        memo.changed_only([root.join("templates/extra.html")]);
        assert_same_as_fresh(root, &mut memo, &mut served);
    }

    #[test]
    fn an_edit_that_only_reorders_posts_is_a_patch_equal_to_a_fresh_build() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let root = root.as_path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        // One post a page, so that a post's place decides which list page shows it.
        std::fs::write(root.join("inkpress.toml"), "posts_per_page = 1\n").unwrap();
        post(root, "a", "Alpha", "one", "First.");
        post(root, "bb", "Beta", "one", "Second.");
        post(root, "cc", "Gamma", "one", "Third.");
        post(root, "ddd", "Delta", "two", "Fourth.");
        let mut memo = Memo::session();
        memo.follow_watcher();
        let mut served = Served::new();
        assert_same_as_fresh(root, &mut memo, &mut served);
        let config = Config::load(root, &Overrides::default()).unwrap();
        let rebuild = |memo: &mut Memo, served: &mut Served, name: &str| {
            memo.changed_only([root.join(format!("content/blog/{name}.md"))]);
            assert!(
                !assert_same_as_fresh(root, memo, served),
                "reordered: assembled"
            );
            let again = build_with(&config, &BuildOptions::default(), memo, &InMemory).unwrap();
            assert_eq!(again.scope, Scope::Changes);
            // Only the search index, which a session that does not lag it merges anew.
            let handed: Vec<&str> = again.files.iter().map(|f| f.path.as_str()).collect();
            assert!(
                handed.iter().all(|p| p.starts_with("search-index/")),
                "nothing changed since: {handed:?}"
            );
        };
        // bb and cc share a day: a title puts cc first, then a date puts a first.
        post(root, "cc", "Aardvark", "one", "Third.");
        rebuild(&mut memo, &mut served, "cc");
        std::fs::write(
            root.join("content/blog/a.md"),
            "---\ntitle: Alpha\ndate: 2025-02-01\ntags: [one]\n---\nFirst.\n",
        )
        .unwrap();
        rebuild(&mut memo, &mut served, "a");
    }

    #[test]
    fn session_builds_equal_fresh_builds_through_edits() {
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
        let mut memo = Memo::session();
        let mut served = Served::new();
        assert_same_as_fresh(root, &mut memo, &mut served);
        assert_same_as_fresh(root, &mut memo, &mut served);
        std::fs::write(
            &draft,
            "---\ntitle: Draft\ndraft: false\ndate: 2025-03-01\n---\nOut.\n",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut memo, &mut served);

        post(root, "a", "Alpha edited", "three", "Edited words.");
        assert_same_as_fresh(root, &mut memo, &mut served);
        post(root, "ccc", "Gamma", "one", "New post.");
        assert_same_as_fresh(root, &mut memo, &mut served);
        std::fs::remove_file(root.join("content/blog/bb.md")).unwrap();
        assert_same_as_fresh(root, &mut memo, &mut served);
        std::fs::rename(
            root.join("content/blog/ccc.md"),
            root.join("content/blog/dddd.md"),
        )
        .unwrap();
        assert_same_as_fresh(root, &mut memo, &mut served);
        std::fs::write(
            root.join("templates/post.html"),
            "<h1>{{ post.title }}</h1>{{ post.content | safe }}",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut memo, &mut served);
        std::fs::write(
            root.join("inkpress.toml"),
            "base_url = \"https://x.org/sub/\"\n",
        )
        .unwrap();
        assert_same_as_fresh(root, &mut memo, &mut served);
        // Feeds that carry some posts whole and others not at all: a one-off build
        // frees the HTML of the latter right after their pages.
        std::fs::write(
            root.join("inkpress.toml"),
            "[feeds]\nlimit = 1\ntag_content = \"full\"\n",
        )
        .unwrap();
        post(root, "eeeee", "Epsilon", "three", "More words.");
        assert_same_as_fresh(root, &mut memo, &mut served);
    }

    #[test]
    fn a_broken_file_fails_a_session_build_too() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        post(root, "a", "Alpha", "one", "Words.");
        let config = Config::load(root, &Overrides::default()).unwrap();
        let mut memo = Memo::session();
        let mut served = Served::new();
        build_with(&config, &BuildOptions::default(), &mut memo, &InMemory).unwrap();
        std::fs::write(root.join("content/blog/a.md"), "---\ntitle: [x\n---\n").unwrap();
        assert!(build_with(&config, &BuildOptions::default(), &mut memo, &InMemory).is_err());
        post(root, "a", "Alpha", "one", "Words again.");
        assert_same_as_fresh(root, &mut memo, &mut served);
    }
}
