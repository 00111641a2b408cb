//! One rebuild: the same build as `inkpress build`, in memory, then the new site swapped
//! in and open pages told. A failed build keeps the last good site and shows its errors.

use super::live::{LiveState, Problem};
use super::running::{Running, Showing};
use super::served::ServedSite;
use super::Shared;
use crate::build::{build_with, BuildOptions, Built, Memo};
use crate::config::{Config, Overrides};
use crate::output::Scope;
use crate::render::search::Held;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
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
    /// Makes the search indexes builds leave held, after their reloads.
    pub indexer: SearchCatchUp,
    /// The newest generation served so far, by a finished build or a running one.
    pub generation: u64,
}

impl Rebuilder {
    /// Builds the site again. `touched` are the changed sources (copied files among them
    /// count as changed even though their output path stays the same); `first_event` is
    /// when the change was noticed, for the latency report.
    pub fn rebuild(&mut self, touched: &HashSet<PathBuf>, first_event: Option<Instant>) {
        // The first build is served as it runs; a later one once the pages open in
        // browsers changed (see `running`).
        let running = Arc::new(Running::new(
            self.generation + 1,
            self.shared.current_site().is_none(),
            self.shared.open_pages(),
            super::served::copied_from(&self.root),
        ));
        self.shared.set_running(Some(Arc::clone(&running)));
        let served = self.rebuild_pages(touched, first_event, &running);
        // Its site, if any, is served by now: requests waiting for it ask that.
        self.shared.set_running(None);
        running.end();
        if running.is_shown() {
            self.generation = self.generation.max(running.generation);
        }
        self.catch_up_search(served);
    }

    /// The search index a build left to make (see [`Memo::lag_search`]): made now that
    /// pages have reloaded, on a thread of its own so that the next edit never waits for
    /// it, and swapped into the served site (`served`: the build succeeded) without
    /// another reload.
    fn catch_up_search(&mut self, served: bool) {
        let Some(held) = self.memo.take_search() else {
            return;
        };
        self.indexer
            .hand_over(held, served, &self.shared, self.quiet);
    }

    /// The build and its reload; true when the served site is this build's.
    fn rebuild_pages(
        &mut self,
        touched: &HashSet<PathBuf>,
        first_event: Option<Instant>,
        running: &Running,
    ) -> bool {
        let started = Instant::now();
        // The watcher's word on what changed spares reading every file again (before the
        // first build the cache knows nothing, and reads everything).
        self.memo.changed_only(touched.iter().cloned());
        let dest = Showing {
            running,
            shared: &self.shared,
            verbose: self.verbose && !self.quiet,
        };
        let result = Config::load(&self.root, &self.overrides)
            .and_then(|config| build_with(&config, &self.options, &mut self.memo, &dest));
        let built_in = started.elapsed();
        let built = match result {
            Ok(built) => built,
            Err(errors) => {
                // Withdrawn before the errors are told: from then on every request gets
                // the last good site, not a page this build made early.
                self.shared.set_running(None);
                running.end();
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
        let Built {
            mut files,
            scope,
            removed,
            ..
        } = built;
        let previous = self.shared.current_site();
        // A patch: the files that may have changed since the served site's build.
        let patch = match (scope, &previous) {
            (Scope::Changes, Some(previous)) => Some(previous),
            _ => None,
        };
        // Until this build's search index is made, the last one stays served.
        if let (Some(folder), Some(previous), None) =
            (self.memo.search_to_finish(), &previous, patch)
        {
            files.extend(previous.files_under(&folder).cloned());
        }
        let changed = match patch {
            Some(previous) => Some(previous.changes_by(&files, &removed, touched)),
            None => previous.as_ref().map(|site| site.changes(&files, touched)),
        };
        times.mark("changes");
        let had_errors = !self.shared.live.borrow().errors.is_empty();
        let (generation, css_only) = match &changed {
            // Nothing to reload; pages only drop an overlay they may be showing. (A build
            // shown early changed an open page: its site is served, whatever else.)
            Some(changed) if changed.is_empty() && !running.is_shown() => {
                if had_errors {
                    // Back to the served site's generation: a page a failed build showed
                    // early is of a newer one, and reloads to this site.
                    let served = previous.as_ref().map_or(0, |site| site.generation);
                    self.shared.live.send_modify(|state| {
                        state.errors.clear();
                        state.generation = served;
                    });
                }
                if !self.quiet {
                    println!("rebuilt in {} ms: no page changed", built_in.as_millis());
                }
                return true;
            }
            Some(changed) => (
                running.generation,
                changed.iter().all(|p| p.ends_with(".css")),
            ),
            None => (running.generation, false),
        };
        self.generation = generation;
        let site = match patch {
            Some(previous) => previous.patched(generation, files, &removed),
            None => ServedSite::new(generation, files, &self.root),
        };
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
            if let Some(early) = running.shown_early() {
                println!(
                    "  open pages reloaded {:.1} ms after the change, ahead of the rest",
                    early.duration_since(first_event).as_secs_f64() * 1e3
                );
            }
            let model = match (built_in_place, scope) {
                (true, _) => "model updated in place",
                (false, Scope::Changes) => {
                    "model assembled, pages made again only where the edit shows"
                }
                (false, Scope::Whole) => "model assembled",
            };
            println!("  {model}; stages: {}", times.summary());
        }
        true
    }
}

/// The thread that makes the search indexes builds leave held, one at a time. An index
/// a newer one replaces before it is begun is never made, and the thread runs at the
/// lowest priority: on a machine with few cores, the next edit's rebuild goes first.
#[derive(Default)]
pub struct SearchCatchUp {
    next: Arc<(Mutex<Option<CatchUp>>, Condvar)>,
    started: bool,
}

/// One index to make, and whether its build's site is the one served.
struct CatchUp {
    held: Held,
    served: bool,
}

impl SearchCatchUp {
    /// Makes `held` next, in place of any index still waiting.
    fn hand_over(&mut self, held: Held, served: bool, shared: &Arc<Shared>, quiet: bool) {
        let (slot, ready) = &*self.next;
        *lock(slot) = Some(CatchUp { held, served });
        ready.notify_one();
        if self.started {
            return;
        }
        let next = Arc::clone(&self.next);
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("search index".to_owned())
            .spawn(move || {
                lowest_priority();
                loop {
                    let CatchUp { held, served } = {
                        let (slot, ready) = &*next;
                        let mut slot = lock(slot);
                        loop {
                            match slot.take() {
                                Some(job) => break job,
                                None => slot = ready.wait(slot).unwrap_or_else(|e| e.into_inner()),
                            }
                        }
                    };
                    let started = Instant::now();
                    let folder = held.folder.clone();
                    let files = held.finish();
                    // A build that failed serves the last good site, whose index stays.
                    if !served {
                        continue;
                    }
                    shared.change_site(|site| site.with_folder_replaced(&folder, files));
                    if !quiet {
                        println!(
                            "search index updated in {} ms",
                            started.elapsed().as_millis()
                        );
                    }
                }
            });
        match spawned {
            Ok(_) => self.started = true,
            Err(e) => eprintln!("could not start the search indexer: {e}"),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Lowers the calling thread's scheduling priority as far as it goes (Linux sets it
/// per thread); elsewhere the thread keeps its priority.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority only read their arguments; a failure leaves the
    // priority as it was, which is harmless.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
    }
}
