//! The search index: each published post's and page's HTML is fed to Pagefind as the page
//! is made, and finished into the index, its fragments and its JavaScript under
//! `[search] output` (`pagefind/`).
//!
//! Pagefind's library is async and indexes one page at a time behind a lock, so it runs
//! on a thread of its own, beside the rendering threads: pages reach it through a
//! bounded channel, so a one-off build still never holds every page in memory.

use crate::config::Config;
use crate::error::Diagnostic;
use crate::output::OutputFile;
use bytes::Bytes;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
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
    worker: JoinHandle<Result<Vec<OutputFile>, Diagnostic>>,
}

/// Pages rendered in parallel before they are handed over in order (see `render_with`).
pub const CHUNK: usize = 64;

/// Pages that may wait for the indexer: a chunk and more, so that handing one over
/// rarely waits, while the next chunk renders.
const QUEUE: usize = 2 * CHUNK;

impl Indexer {
    /// Starts the indexer, or `None` when the site has search turned off.
    pub fn start(config: &Config) -> Result<Option<Indexer>, Diagnostic> {
        if !config.search.enabled {
            return Ok(None);
        }
        let (pages, queue) = sync_channel(QUEUE);
        let language = config.language.clone();
        let output = config.search.output.clone();
        let config_file = config.root.join(crate::config::CONFIG_FILE);
        let worker = std::thread::Builder::new()
            .name("search index".to_owned())
            .spawn(move || index(queue, language, output, config_file))
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

    /// Waits for the last page and returns the index's files.
    pub fn finish(self) -> Result<Vec<OutputFile>, Diagnostic> {
        drop(self.pages);
        self.worker.join().unwrap_or_else(|_| {
            Err(Diagnostic::new(
                "search index",
                "internal error: the search indexer stopped unexpectedly",
            )
            .hint("please report this; [search] enabled = false builds without search"))
        })
    }
}

/// The worker: indexes every page the channel brings, then writes the index in memory.
fn index(
    queue: Receiver<Entry>,
    language: String,
    output: String,
    config_file: PathBuf,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let failed = |what: String| {
        Diagnostic::new(&config_file, what)
            .hint("please report this; [search] enabled = false builds without search")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failed(format!("could not start the search indexer: {e}")))?;
    runtime.block_on(async move {
        // The site's language, not each page's `lang`: a custom theme may leave it out.
        let options = PagefindServiceConfig::builder()
            .force_language(language)
            .build();
        let mut index = PagefindIndex::new(Some(options))
            .map_err(|e| failed(format!("could not set up the search index: {e}")))?;
        let mut error = None;
        for page in queue {
            if error.is_some() {
                continue; // Drain the queue so that rendering threads never wait on us.
            }
            let html = String::from_utf8_lossy(&page.html).into_owned();
            if let Err(e) = index.add_html_file(None, Some(page.url), html).await {
                error = Some(
                    Diagnostic::new(
                        &page.source,
                        format!("could not index this page for search: {e}"),
                    )
                    .hint(
                        "check the page's HTML, or set [search] enabled = false in inkpress.toml",
                    ),
                );
            }
        }
        if let Some(e) = error {
            return Err(e);
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| failed(format!("could not write the search index: {e}")))?;
        Ok(files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                OutputFile::new(format!("{output}/{name}"), f.contents)
            })
            .collect())
    })
}
