//! Watching the site's sources: `content/`, `templates/`, `static/` and `inkpress.toml`.
//!
//! Editors save in bursts (a backup file, the write, a rename over the original, a
//! metadata touch). Events are gathered until the sources have been quiet for
//! [`QUIET`], so that one save gives one rebuild. This small debounce is done here rather
//! than with a debouncer crate because the rebuild only needs the set of touched paths
//! and the moment the first event arrived (to report edit-to-reload latency); it rescans
//! the sources anyway, so renames need no pairing.

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long the sources must stay quiet before a rebuild starts. Editors' saves (a
/// backup, a temporary file, a rename) come within a millisecond or two; the wait is
/// part of every edit's latency, so it is kept short.
pub const QUIET: Duration = Duration::from_millis(5);
/// A rebuild starts at the latest this long after the first event, even if events go on.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders watched, relative to the site's root.
const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// Changes to the sources, gathered from one burst of events.
pub struct Batch {
    pub touched: HashSet<PathBuf>,
    /// When the burst's first event arrived.
    pub first_event: Instant,
}

/// Sources being watched; events queue up until [`Watching::run`] takes them.
pub struct Watching {
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    watcher: RecommendedWatcher,
    root: PathBuf,
}

/// Starts watching `root` (which must be absolute). Start before the first build, so
/// that a change made while it reads the files is not missed.
pub fn start(root: &Path) -> notify::Result<Watching> {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    // The root itself, not recursively: notices inkpress.toml and the watched folders
    // being created, without watching public/ or anything else that lives there.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for dir in WATCHED_DIRS {
        let dir = root.join(dir);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    Ok(Watching {
        rx,
        watcher,
        root: root.to_path_buf(),
    })
}

impl Watching {
    /// Calls `on_batch` from a thread of its own for each burst of changes, one at a time.
    /// Events that arrive during a rebuild make the next batch, so the last rebuild
    /// always sees the last save.
    pub fn run(self, mut on_batch: impl FnMut(Batch) + Send + 'static) -> std::io::Result<()> {
        let Watching {
            rx,
            mut watcher,
            root,
        } = self;
        std::thread::Builder::new()
            .name("inkpress-watch".into())
            .spawn(move || {
                while let Some(batch) = next_batch(&rx, &root, &mut watcher) {
                    on_batch(batch);
                }
            })?;
        Ok(())
    }
}

/// Waits for a relevant event, then gathers the rest of its burst. `None` when watching ended.
fn next_batch(
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    root: &Path,
    watcher: &mut RecommendedWatcher,
) -> Option<Batch> {
    let mut touched = HashSet::new();
    let first_event = loop {
        let event = rx.recv().ok()?;
        if take(event, root, watcher, &mut touched) {
            break Instant::now();
        }
    };
    while first_event.elapsed() < MAX_WAIT {
        match rx.recv_timeout(QUIET) {
            Ok(event) => {
                take(event, root, watcher, &mut touched);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(Batch {
        touched,
        first_event,
    })
}

/// Adds an event's relevant paths to `touched`; whether there were any.
fn take(
    event: notify::Result<notify::Event>,
    root: &Path,
    watcher: &mut RecommendedWatcher,
    touched: &mut HashSet<PathBuf>,
) -> bool {
    let event = match event {
        Ok(event) => event,
        // The watcher lost track (an overflowing queue): rebuild to be safe.
        Err(_) => {
            touched.insert(root.to_path_buf());
            return true;
        }
    };
    // Events were dropped (an overflowing queue): anything may have changed.
    if event.need_rescan() {
        touched.insert(root.to_path_buf());
        return true;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return false;
    }
    let mut relevant = false;
    for path in event.paths {
        if !is_source(&path, root) {
            continue;
        }
        // A watched folder made (or made again) after serve started: watch inside it too.
        if WATCHED_DIRS.iter().any(|d| path == root.join(d)) && path.is_dir() {
            let _ = watcher.watch(&path, RecursiveMode::Recursive);
        }
        touched.insert(path);
        relevant = true;
    }
    relevant
}

/// Whether a path is one of the site's sources.
fn is_source(path: &Path, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    rel == Path::new(crate::config::CONFIG_FILE) || WATCHED_DIRS.iter().any(|d| rel.starts_with(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_watched_folders_and_the_config() {
        let root = Path::new("/site");
        assert!(is_source(Path::new("/site/inkpress.toml"), root));
        assert!(is_source(Path::new("/site/content/blog/a.md"), root));
        assert!(is_source(Path::new("/site/static"), root));
        assert!(!is_source(Path::new("/site/public/index.html"), root));
        assert!(!is_source(Path::new("/site/contentious.md"), root));
        assert!(!is_source(Path::new("/elsewhere/content/a.md"), root));
    }
}
