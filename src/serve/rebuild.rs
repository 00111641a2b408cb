//! One rebuild: the same build as `inkpress build`, in memory, then the new site swapped
//! in and open pages told. A failed build keeps the last good site and shows its errors.

use super::live::{LiveState, Problem};
use super::served::ServedSite;
use super::Shared;
use crate::build::{build_with, BuildOptions, Built, Memo};
use crate::config::{Config, Overrides};
use crate::output::InMemory;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What stays the same from one rebuild to the next.
pub struct Rebuilder {
    pub root: PathBuf,
    pub overrides: Overrides,
    pub options: BuildOptions,
    pub shared: Arc<Shared>,
    pub memo: Memo,
    pub quiet: bool,
    pub verbose: bool,
    pub styled: bool,
    /// Search indexes handed to their own thread so far, and the latest of them served.
    pub indexes_started: u64,
    pub newest_index: Arc<Mutex<u64>>,
}

impl Rebuilder {
    /// Builds the site again. `touched` are the changed sources (copied files among them
    /// count as changed even though their output path stays the same); `first_event` is
    /// when the change was noticed, for the latency report.
    pub fn rebuild(&mut self, touched: &HashSet<PathBuf>, first_event: Option<Instant>) {
        let served = self.rebuild_pages(touched, first_event);
        self.catch_up_search(served);
    }

    /// The search index a build left to make (see [`Memo::lag_search`]): made now that
    /// pages have reloaded, on a thread of its own so that the next edit never waits for
    /// it, and swapped into the served site (`served`: the build succeeded) without
    /// another reload, unless a newer index got there first. Its problems are printed
    /// like a build's.
    fn catch_up_search(&mut self, served: bool) {
        let Some(held) = self.memo.take_search() else {
            return;
        };
        self.indexes_started += 1;
        let this = self.indexes_started;
        let newest = Arc::clone(&self.newest_index);
        let shared = Arc::clone(&self.shared);
        let quiet = self.quiet;
        let index = move || {
            let started = Instant::now();
            let folder = held.folder.clone();
            let files = held.finish();
            let mut newest = newest.lock().unwrap_or_else(|e| e.into_inner());
            if !served || *newest > this {
                return;
            }
            *newest = this;
            shared.change_site(|site| site.with_folder_replaced(&folder, files));
            if !quiet {
                println!(
                    "search index updated in {} ms",
                    started.elapsed().as_millis()
                );
            }
        };
        if let Err(e) = std::thread::Builder::new()
            .name("search index".to_owned())
            .spawn(index)
        {
            eprintln!("could not start the search indexer: {e}");
        }
    }

    /// The build and its reload; true when the served site is this build's.
    fn rebuild_pages(&mut self, touched: &HashSet<PathBuf>, first_event: Option<Instant>) -> bool {
        let started = Instant::now();
        // The watcher's word on what changed spares reading every file again (before the
        // first build the cache knows nothing, and reads everything).
        self.memo.changed_only(touched.iter().cloned());
        let result = Config::load(&self.root, &self.overrides)
            .and_then(|config| build_with(&config, &self.options, &mut self.memo, &InMemory));
        let built_in = started.elapsed();
        let built = match result {
            Ok(built) => built,
            Err(errors) => {
                eprintln!("{}", errors.render(self.styled));
                let generation = self.shared.live.borrow().generation;
                if generation > 0 {
                    eprintln!("still serving the last good site; the page shows these errors until they are fixed");
                }
                self.shared.live.send_replace(LiveState {
                    generation,
                    css_only: false,
                    errors: errors.0.iter().map(Problem::from).collect(),
                });
                return false;
            }
        };
        built.print_warnings();
        let summary = built.counts();
        let mut times = built.times.clone();
        let built_in_place = built.model_in_place;
        let Built { mut files, .. } = built;
        let previous = self.shared.current_site();
        // Until this build's search index is made, the last one stays served.
        if let (Some(folder), Some(previous)) = (self.memo.search_to_finish(), &previous) {
            files.extend(previous.files_under(&folder).cloned());
        }
        let changed = previous.as_ref().map(|site| site.changes(&files, touched));
        times.mark("changes");
        let had_errors = !self.shared.live.borrow().errors.is_empty();
        let (generation, css_only) = match &changed {
            // Nothing to reload; pages only drop an overlay they may be showing.
            Some(changed) if changed.is_empty() => {
                if had_errors {
                    self.shared.live.send_modify(|state| state.errors.clear());
                }
                if !self.quiet {
                    println!("rebuilt in {} ms: no page changed", built_in.as_millis());
                }
                return true;
            }
            Some(changed) => (
                previous.as_ref().map_or(1, |s| s.generation + 1),
                changed.iter().all(|p| p.ends_with(".css")),
            ),
            None => (1, false),
        };
        let site = ServedSite::new(generation, files, &self.root);
        self.shared.replace_site(site);
        self.shared.live.send_replace(LiveState {
            generation,
            css_only,
            errors: Vec::new(),
        });
        let sent = Instant::now();
        times.mark("swap and reload");
        if self.quiet {
            return true;
        }
        match &changed {
            None => println!("built {summary} in {} ms", built_in.as_millis()),
            Some(changed) => {
                let what = if css_only {
                    "stylesheets swapped"
                } else {
                    "pages reloaded"
                };
                println!(
                    "rebuilt in {} ms: {} changed, {what}",
                    built_in.as_millis(),
                    crate::error::counted(changed.len(), "file"),
                );
                if self.verbose {
                    for path in changed.iter().take(20) {
                        println!("  {path}");
                    }
                    if changed.len() > 20 {
                        println!("  … and {} more", changed.len() - 20);
                    }
                }
            }
        }
        if let (true, Some(first_event)) = (self.verbose, first_event) {
            let total = sent.duration_since(first_event);
            let waited = started.duration_since(first_event);
            println!(
                "latency: change to reload message {:.1} ms (waiting for the burst of events to end {:.1} ms, rebuild {:.1} ms)",
                total.as_secs_f64() * 1e3,
                waited.as_secs_f64() * 1e3,
                (total - waited).as_secs_f64() * 1e3
            );
            let model = match built_in_place {
                true => "model updated in place",
                false => "model assembled",
            };
            println!("  {model}; stages: {}", times.summary());
        }
        true
    }
}
