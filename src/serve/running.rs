//! A build while it runs, as serve shows it: the files it made so far, and the pages
//! requests wait for, which the build makes ahead of their turn.
//!
//! Never stale: a running build is shown only when nothing older may be shown instead.
//! The first build is shown from its start (there is nothing older). A later build is
//! shown once the pages open in browsers are made and one of them changed: it then
//! sends the reload to every open page, and from then on a request finds the file this
//! build made, or waits for it, or for the build's end, never the last build's file.
//! A build that fails after that is shown no longer: the last good site is served again,
//! every page shows the errors over it (as after any failed build), and the next good
//! build reloads them again.

use super::live::LiveState;
use super::Shared;
use crate::error::Diagnostic;
use crate::memo::FastMap;
use crate::output::{Destination, OutputFile};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a request waits for a running build's file before it is told the site is
/// still building (the build's end answers it well before, but for a huge first build).
pub const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// One build while it runs.
pub struct Running {
    /// The generation its pages are served as, and the reload sent when it is shown.
    pub generation: u64,
    /// The output paths of the pages open in browsers when it started.
    open_pages: Mutex<Vec<String>>,
    /// What it made so far, by output path.
    arrived: RwLock<FastMap<String, Arrived>>,
    /// Output paths requests wait for, taken by the build.
    wanted: Mutex<Vec<String>>,
    /// Whether `open_pages` or `wanted` may hold any: the build asks before every page.
    wanting: AtomicBool,
    /// Whether requests are answered from it.
    shown: AtomicBool,
    /// When it was shown early (the reload sent before the build ended).
    shown_early: Mutex<Option<Instant>>,
    /// Counts arrivals; `None` once the build has ended.
    progress: tokio::sync::watch::Sender<Option<u64>>,
    copied_from: Vec<PathBuf>,
}

/// A file of the running build.
#[derive(Clone)]
enum Arrived {
    File(Arc<OutputFile>),
    /// Made, and the same as the served site's (left out of a build that hands over
    /// only changes).
    SameAsServed,
}

/// What a request finds in a running build.
pub enum Waited {
    File(Arc<OutputFile>),
    /// The served site's file at this path is this build's too.
    SameAsServed,
    /// The build has ended: the current site answers.
    Over,
    /// The build ran past [`LONGEST_WAIT`] without making the file.
    StillBuilding,
}

impl Running {
    /// A build of generation `generation`, shown from the start or not, that makes
    /// `open_pages` first.
    pub fn new(
        generation: u64,
        shown: bool,
        open_pages: Vec<String>,
        copied_from: Vec<PathBuf>,
    ) -> Running {
        Running {
            generation,
            wanting: AtomicBool::new(!open_pages.is_empty()),
            open_pages: Mutex::new(open_pages),
            arrived: RwLock::default(),
            wanted: Mutex::default(),
            shown: AtomicBool::new(shown),
            shown_early: Mutex::default(),
            progress: tokio::sync::watch::Sender::new(Some(0)),
            copied_from,
        }
    }

    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Acquire)
    }

    /// When the reload was sent ahead of the build's end, if it was.
    pub fn shown_early(&self) -> Option<Instant> {
        *lock(&self.shown_early)
    }

    /// The folders its copied files must still be in when they are read.
    pub fn copied_from(&self) -> &[PathBuf] {
        &self.copied_from
    }

    /// Tells waiting requests that the build has ended (its site, if it succeeded, is
    /// served by now).
    pub fn end(&self) {
        self.progress.send_replace(None);
    }

    /// The file at `key` (an output path), once the build made it, asking the build to
    /// make it first if it is a page not made yet.
    pub async fn wait_for(&self, key: &str) -> Waited {
        let mut progress = self.progress.subscribe();
        let deadline = tokio::time::Instant::now() + LONGEST_WAIT;
        let mut asked = false;
        loop {
            // Marked seen before looking, so that no arrival in between is missed.
            let running = progress.borrow_and_update().is_some();
            if let Some(arrived) = self.read_arrived().get(key) {
                return match arrived {
                    Arrived::File(file) => Waited::File(Arc::clone(file)),
                    Arrived::SameAsServed => Waited::SameAsServed,
                };
            }
            if !running {
                return Waited::Over;
            }
            if !asked {
                lock(&self.wanted).push(key.to_owned());
                self.wanting.store(true, Ordering::Release);
                asked = true;
            }
            match tokio::time::timeout_at(deadline, progress.changed()).await {
                Err(_) => return Waited::StillBuilding,
                Ok(Err(_)) => return Waited::Over,
                Ok(Ok(())) => {}
            }
        }
    }

    /// Waits for the build's end (bounded as [`wait_for`](Self::wait_for)); false when
    /// it ran past the bound.
    pub async fn wait_for_end(&self) -> bool {
        let mut progress = self.progress.subscribe();
        let ended = tokio::time::timeout(LONGEST_WAIT, progress.wait_for(Option::is_none)).await;
        ended.is_ok()
    }

    fn read_arrived(&self) -> std::sync::RwLockReadGuard<'_, FastMap<String, Arrived>> {
        self.arrived.read().unwrap_or_else(|e| e.into_inner())
    }

    fn note_progress(&self) {
        self.progress.send_modify(|n| *n = n.map(|n| n + 1));
    }
}

/// The destination of a serve build: keeps every file (as [`crate::output::InMemory`]
/// does), lets requests have them as they come, and shows the build early once the
/// pages open in browsers changed.
pub struct Showing<'a> {
    pub running: &'a Running,
    pub shared: &'a Shared,
    pub verbose: bool,
}

impl Destination for Showing<'_> {
    fn accept(&self, file: OutputFile) -> Result<Option<OutputFile>, Diagnostic> {
        let arrived = Arrived::File(Arc::new(file.clone()));
        self.running
            .arrived
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.path.clone(), arrived);
        self.running.note_progress();
        Ok(Some(file))
    }

    fn wanted(&self) -> Vec<String> {
        if !self.running.wanting.swap(false, Ordering::Acquire) {
            return Vec::new();
        }
        let mut wanted = std::mem::take(&mut *lock(&self.running.open_pages));
        wanted.append(&mut lock(&self.running.wanted));
        wanted
    }

    fn made_ahead(&self, paths: &[String]) {
        let current = self.shared.current_site();
        let changed = {
            let mut arrived = self
                .running
                .arrived
                .write()
                .unwrap_or_else(|e| e.into_inner());
            let mut changed = 0;
            for path in paths {
                match arrived.get(path) {
                    Some(Arrived::File(file)) => {
                        changed += usize::from(
                            current
                                .as_ref()
                                .is_none_or(|s| s.differs(file, &HashSet::new())),
                        );
                    }
                    Some(Arrived::SameAsServed) => {}
                    None => {
                        arrived.insert(path.clone(), Arrived::SameAsServed);
                    }
                }
            }
            changed
        };
        self.running.note_progress();
        if changed > 0 && !self.running.is_shown() {
            *lock(&self.running.shown_early) = Some(Instant::now());
            self.running.shown.store(true, Ordering::Release);
            self.shared.live.send_replace(LiveState {
                generation: self.running.generation,
                css_only: false,
                errors: Vec::new(),
            });
            if self.verbose {
                println!(
                    "reloaded ahead of the rest of the build: {}",
                    crate::error::counted(changed, "open page")
                );
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
