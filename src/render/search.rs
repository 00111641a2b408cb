//! The search index: each published post's and page's HTML is fed to Pagefind as the page
//! is made, and finished into the index, its fragments and its JavaScript under
//! `[search] output` (`pagefind/`).
//!
//! Pagefind's library is async and indexes one page at a time behind a lock, so it runs
//! on a thread of its own, beside the rendering threads: pages reach it through a
//! bounded channel, so a one-off build still never holds every page in memory.
//!
//! `serve` keeps the index between builds ([`Kept`]): when the same pages come in the
//! same order, only those whose bytes changed are indexed again (Pagefind replaces a page
//! by URL); otherwise the index is made afresh, so that it always equals a new build's.
//! Pagefind still builds and compresses the whole index each time (about 1.5 s at 1,000
//! posts), so after its first build `serve` lets the index lag: a build leaves its
//! indexer [held](Kept::lag) instead of waiting for it, `serve` sends the reload, and only
//! then [finishes](Held::finish) the index, on a thread of its own so that the next edit
//! never waits for it, and swaps its files in. A build that starts before the last
//! index is finished makes its own afresh.

use crate::config::Config;
use crate::error::Diagnostic;
use crate::output::OutputFile;
use bytes::Bytes;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One page for the index: its source (for errors), its path from the host
/// (`/repo/blog/x/`, what results link to) and its HTML.
pub struct Entry {
    pub source: PathBuf,
    pub url: String,
    pub html: Bytes,
}

/// The index being built, fed while the site renders.
pub struct Indexer {
    pages: SyncSender<Entry>,
    worker: JoinHandle<Result<Finished, Diagnostic>>,
}

/// The index's files, and the index itself when it is kept for the next build.
type Finished = (Vec<OutputFile>, Option<Index>);

/// An index and the pages it was made from, in order.
pub struct Index {
    index: PagefindIndex,
    pages: Vec<(String, Bytes)>,
}

/// What `serve` keeps of the search index from one build to the next (nothing in a
/// one-off build).
#[derive(Default)]
pub struct Kept {
    /// The last index made, for the next build to start from.
    index: Slot,
    /// Builds leave their indexer in `held` rather than wait for it.
    lags: bool,
    held: Mutex<Option<Held>>,
}

/// Where a finished index is left for the next build: shared with a [`Held`] index
/// being finished on another thread.
type Slot = Arc<Mutex<Option<Index>>>;

/// An index a build left to finish: all its pages are in.
pub struct Held {
    /// `[search] output`: the index's files go there.
    pub folder: String,
    indexer: Indexer,
    slot: Slot,
}

impl Held {
    /// Waits for the index, leaves it for the next build and gives its files.
    pub fn finish(self) -> Result<Vec<OutputFile>, Diagnostic> {
        self.indexer.finish(&self.slot)
    }
}

impl Kept {
    /// Forgets the index: the next build makes it afresh.
    pub fn clear(&self) {
        drop(self.take_held().map(Held::finish));
        *lock(&self.index) = None;
    }

    /// From now on a build hands its files over without the search index, which the
    /// index it leaves [held](Kept::take_held) makes afterwards.
    pub fn lag(&mut self) {
        self.lags = true;
    }

    /// The folder of the index a build left held, if any: its files are still to come.
    pub fn held_folder(&self) -> Option<String> {
        lock(&self.held).as_ref().map(|h| h.folder.clone())
    }

    /// The index the last build left to finish, if any.
    pub fn take_held(&self) -> Option<Held> {
        lock(&self.held).take()
    }

    fn take(&self) -> Option<Index> {
        lock(&self.index).take()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Pages rendered in parallel before they are handed over in order (see `render_with`).
pub const CHUNK: usize = 64;

/// Pages that may wait for the indexer: a chunk and more, so that handing one over
/// rarely waits, while the next chunk renders.
const QUEUE: usize = 2 * CHUNK;

impl Indexer {
    /// Starts the indexer for a site of `pages` pages, or `None` when the site has search
    /// turned off. With `keep` (serve), it starts from the index `kept` holds and leaves
    /// its own there.
    pub fn start(
        config: &Config,
        kept: &Kept,
        keep: bool,
        pages: usize,
    ) -> Result<Option<Indexer>, Diagnostic> {
        if !config.search.enabled {
            return Ok(None);
        }
        // A lagging index must never hold rendering back: every page may wait (serve
        // keeps every page in memory anyway).
        let (pages, queue) = sync_channel(if kept.lags { pages.max(QUEUE) } else { QUEUE });
        let settings = Settings {
            language: config.language.clone(),
            output: config.search.output.clone(),
            config_file: config.root.join(crate::config::CONFIG_FILE),
            keep,
        };
        let last = kept.take();
        let worker = std::thread::Builder::new()
            .name("search index".to_owned())
            .spawn(move || index(queue, settings, last))
            .map_err(|e| {
                Diagnostic::new(
                    config.root.join(crate::config::CONFIG_FILE),
                    format!("could not start the search indexer: {e}"),
                )
                .hint("set [search] enabled = false to build without search")
            })?;
        Ok(Some(Indexer { pages, worker }))
    }

    /// Adds a page, after the pages added before it.
    pub fn add(&self, entry: Entry) {
        // A failed worker has dropped its end: `finish` reports why.
        let _ = self.pages.send(entry);
    }

    /// The index's files, once the last page is in: now, or none now when `kept` lags
    /// (then the [`Held`] index gives them).
    pub fn files(self, config: &Config, kept: &Kept) -> Result<Vec<OutputFile>, Diagnostic> {
        if kept.lags {
            *lock(&kept.held) = Some(Held {
                folder: config.search.output.clone(),
                indexer: self,
                slot: Arc::clone(&kept.index),
            });
            return Ok(Vec::new());
        }
        self.finish(&kept.index)
    }

    /// Waits for the last page and returns the index's files, leaving the index in `slot`
    /// when the indexer was started to keep it.
    fn finish(self, slot: &Slot) -> Result<Vec<OutputFile>, Diagnostic> {
        drop(self.pages);
        let (files, index) = self.worker.join().unwrap_or_else(|_| {
            Err(Diagnostic::new(
                "search index",
                "internal error: the search indexer stopped unexpectedly",
            )
            .hint("please report this; [search] enabled = false builds without search"))
        })?;
        if index.is_some() {
            *lock(slot) = index;
        }
        Ok(files)
    }
}

struct Settings {
    language: String,
    output: String,
    config_file: PathBuf,
    keep: bool,
}

/// The worker: indexes every page the channel brings (only changed ones when `last` had
/// the same pages in the same order), then writes the index in memory.
fn index(
    queue: Receiver<Entry>,
    settings: Settings,
    last: Option<Index>,
) -> Result<Finished, Diagnostic> {
    let failed = |what: String| {
        Diagnostic::new(&settings.config_file, what)
            .hint("please report this; [search] enabled = false builds without search")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failed(format!("could not start the search indexer: {e}")))?;
    runtime.block_on(async move {
        let fresh = || {
            // The site's language, not each page's `lang`: a custom theme may leave it out.
            let options = PagefindServiceConfig::builder()
                .force_language(settings.language.clone())
                .build();
            PagefindIndex::new(Some(options))
                .map_err(|e| failed(format!("could not set up the search index: {e}")))
        };
        let (mut index, last_pages) = match last {
            Some(last) => (last.index, last.pages),
            None => (fresh()?, Vec::new()),
        };
        let last_bytes: HashMap<&str, (usize, &Bytes)> = last_pages
            .iter()
            .enumerate()
            .map(|(i, (url, bytes))| (url.as_str(), (i, bytes)))
            .collect();
        // With a kept index, pages go into it while they agree with it position by
        // position, and only when their bytes changed; from the first page that does not
        // agree, the index is made afresh after the loop (Pagefind's files depend on the
        // order of pages, and serve must serve what a new build writes).
        let incremental = !last_pages.is_empty();
        let mut in_order = true;
        let mut pages: Vec<(String, Bytes)> = Vec::new();
        let mut error = None;
        for page in queue {
            if error.is_some() {
                continue; // Drain the queue so that rendering threads never wait on us.
            }
            let last = last_bytes.get(page.url.as_str());
            in_order &= last.map(|(i, _)| *i) == Some(pages.len());
            let wanted = match incremental {
                true => in_order && last.map_or(true, |(_, b)| **b != page.html),
                false => true,
            };
            if wanted {
                if let Err(e) = add(&mut index, &page.url, &page.html).await {
                    error = Some(
                        Diagnostic::new(
                            &page.source,
                            format!("could not index this page for search: {e}"),
                        )
                        .hint("check the page's HTML, or set [search] enabled = false"),
                    );
                }
            }
            if settings.keep {
                pages.push((page.url, page.html));
            }
        }
        if let Some(e) = error {
            return Err(e);
        }
        if incremental && (!in_order || pages.len() != last_pages.len()) {
            index = fresh()?;
            for (url, html) in &pages {
                add(&mut index, url, html)
                    .await
                    .map_err(|e| failed(format!("could not index {url} for search: {e}")))?;
            }
        }
        drop(last_bytes);
        let files = index
            .get_files()
            .await
            .map_err(|e| failed(format!("could not write the search index: {e}")))?;
        let files = files
            .into_iter()
            .filter(|f| !is_unused_ui(&f.filename))
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                OutputFile::new(format!("{}/{name}", settings.output), f.contents)
            })
            .collect();
        Ok((files, settings.keep.then_some(Index { index, pages })))
    })
}

/// Pagefind's own search UIs (and their highlighter): the theme's `js/search.js` talks to
/// `pagefind.js` directly, so these ~430 KB would only be written, never read.
fn is_unused_ui(name: &std::path::Path) -> bool {
    let name = name.to_string_lossy();
    [
        "pagefind-ui.",
        "pagefind-modular-ui.",
        "pagefind-component-ui.",
        "pagefind-highlight.",
    ]
    .iter()
    .any(|ui| name.starts_with(ui))
}

/// Indexes one page (again, if Pagefind has one at that URL).
async fn add(index: &mut PagefindIndex, url: &str, html: &Bytes) -> Result<(), String> {
    let html = String::from_utf8_lossy(html).into_owned();
    index
        .add_html_file(None, Some(url.to_owned()), html)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
