//! Loading: each source file read and parsed into a [`Document`] and the [`Body`] its
//! outline and HTML are made from later, all files in parallel, every error of every
//! file at once.
//!
//! In a session (serve) a file whose text, place and Markdown options are unchanged is
//! not parsed again: its document and body come from the last build. With a watcher's
//! word on what changed, unchanged files are not even read.

use super::{parse, read_source, Document, Permalinks, SourceFile};
use crate::error::Diagnostic;
use crate::markdown::MarkdownOptions;
use crate::memo::{Bodies, Body, Kept, Retention};
use crate::output::spool::{Spool, Stored};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The documents of earlier builds, and what is known of changes since.
pub struct DocumentMemo {
    kept: Kept<PathBuf, Arc<Loaded>>,
    changes: KnownChanges,
    /// The sources the last build found (a session only).
    found: Option<Arc<Vec<SourceFile>>>,
    /// What the last build loaded, if it loaded every source without an error (a
    /// session only): the next one, told of edits in place, starts from it.
    last: Option<Last>,
    /// Where a session keeps sources' texts and bodies' HTML (none: in memory).
    spool: Option<Arc<Spool>>,
}

/// The documents a build loaded, and what from.
struct Last {
    sources: Arc<Vec<SourceFile>>,
    options: MarkdownOptions,
    permalinks: Permalinks,
    /// One for each source, in the same order.
    documents: Vec<Arc<Document>>,
    bodies: Arc<Bodies>,
}

/// A loaded file with everything it was made from.
struct Loaded {
    source: SourceFile,
    text: Text,
    options: MarkdownOptions,
    permalinks: Permalinks,
    document: Arc<Document>,
    body: Arc<Body>,
}

/// The text a file was loaded from, as the memo keeps it to compare with the file's next
/// text: in a session's spool, or in memory; none in a one-off build, which compares
/// with nothing.
enum Text {
    Forgotten,
    InMemory(String),
    Stored(Stored),
}

impl Text {
    fn kept(text: String, retention: Retention, spool: Option<&Arc<Spool>>) -> Text {
        match (retention, spool.map(|s| s.put(text.as_bytes()))) {
            (Retention::Forget, _) => Text::Forgotten,
            (Retention::Keep, Some(Ok(stored))) => Text::Stored(stored),
            (Retention::Keep, _) => Text::InMemory(text),
        }
    }

    /// Whether the file was loaded from exactly `text` (compared in full: read back).
    fn is(&self, text: &str) -> bool {
        match self {
            Text::Forgotten => false,
            Text::InMemory(kept) => kept == text,
            Text::Stored(kept) => {
                kept.len() == text.len() && kept.read().is_ok_and(|k| k == text.as_bytes())
            }
        }
    }
}

/// A loaded file, and whether this build parsed it (rather than took it as it was).
type LoadedNow = (Arc<Loaded>, bool);

/// Which sources may have changed since the documents were last loaded.
#[derive(Debug)]
enum KnownChanges {
    /// No one says: every file is read and compared.
    Unknown,
    /// A watcher will report changes, but has not yet seen the files loaded: read all.
    Everything,
    /// Only files at or under these paths (as the watcher reported them).
    Within(Vec<PathBuf>),
}

impl KnownChanges {
    fn may_have_changed(&self, path: &Path) -> bool {
        match self {
            KnownChanges::Unknown | KnownChanges::Everything => true,
            KnownChanges::Within(paths) => paths.iter().any(|p| path.starts_with(p)),
        }
    }
}

impl DocumentMemo {
    pub fn new(retention: Retention) -> Self {
        DocumentMemo {
            kept: Kept::new(retention),
            changes: KnownChanges::Unknown,
            found: None,
            last: None,
            spool: None,
        }
    }

    /// Keeps the texts and bodies of the next builds' documents in `spool` rather than
    /// in memory.
    pub fn keep_in(&mut self, spool: Arc<Spool>) {
        self.spool = Some(spool);
    }

    /// The sources the last build found, if no change told since can have added, removed
    /// or moved one: every change under `content/` is to a file that was a source then
    /// and is a file now (an edit in place), or to a file that could not be a source (an
    /// editor's temporary file) outside page bundles' folders. Discovery walks every folder; an edit of one post need not.
    pub fn sources_if_unchanged(&self, root: &Path) -> Option<Arc<Vec<SourceFile>>> {
        let (KnownChanges::Within(paths), Some(found)) = (&self.changes, &self.found) else {
            return None;
        };
        let content = root.join("content");
        let adds_or_removes_none = |path: &PathBuf| {
            if content.starts_with(path) {
                return false;
            }
            if !path.starts_with(&content) {
                return true; // templates/, static/, inkpress.toml
            }
            if is_source(found, path) {
                return path.is_file(); // edited in place, or removed
            }
            if found.iter().any(|s| s.path.starts_with(path)) {
                return false; // a folder of sources, moved or removed
            }
            // A file made or removed in a page bundle's folder is one of its files.
            if super::discover::in_bundle(path, found) {
                return false;
            }
            match std::fs::metadata(path) {
                // A new folder may hold sources; a new file may be one.
                Ok(meta) => !meta.is_dir() && !super::discover::could_be_source(path, &content),
                // Made and gone again since (an editor's temporary file).
                Err(_) => true,
            }
        };
        paths
            .iter()
            .all(adds_or_removes_none)
            .then(|| Arc::clone(found))
    }

    /// Whether every change told since the last build is to one of its sources (edited
    /// in place or removed), or under `content/` outside page bundles to a new file that
    /// can be a source but not a page bundle's, or to a file made and gone again (an
    /// editor's temporary file): then nothing but documents can differ from the last
    /// build's.
    pub fn told_only_sources(&self, root: &Path) -> bool {
        let (KnownChanges::Within(paths), Some(found)) = (&self.changes, &self.found) else {
            return false;
        };
        let content = root.join("content");
        paths.iter().all(|path| {
            if is_source(found, path) {
                return true;
            }
            let new_source = || {
                path.is_file()
                    && super::discover::could_be_source(path, &content)
                    && path.file_stem().is_some_and(|stem| stem != "index")
            };
            path.starts_with(&content)
                && !content.starts_with(path)
                && !super::discover::in_bundle(path, found)
                && (std::fs::symlink_metadata(path).is_err() || new_source())
        })
    }

    /// Promises that every change to the sources from now on is told with
    /// [`changed_only`](Self::changed_only) (serve's file watcher): the next builds read
    /// only the files told, and take the others as they were.
    pub fn follow_watcher(&mut self) {
        if let KnownChanges::Unknown = self.changes {
            self.changes = KnownChanges::Everything;
        }
    }

    /// Tells that, since the last build, sources changed only at or under these paths
    /// (a renamed folder counts for everything in it). Paths told before a build that
    /// failed early add up.
    pub fn changed_only(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        if let KnownChanges::Within(known) = &mut self.changes {
            known.extend(paths);
        }
    }
}

/// Whether `path` is one of the sources `found` (their paths are discovery's own, so
/// their bytes are compared, not their components one by one).
fn is_source(found: &[SourceFile], path: &Path) -> bool {
    let path = path.as_os_str();
    found.iter().any(|s| s.path.as_os_str() == path)
}

/// The site's documents, and the bodies of their revisions.
pub struct LoadedDocuments {
    pub documents: Vec<Arc<Document>>,
    pub bodies: Arc<Bodies>,
    /// The documents parsed by this build rather than taken from the last one (a
    /// session only: a one-off build has no last one).
    pub remade: Vec<Arc<Document>>,
    /// Whether the sources are the very list the last build loaded (no file added,
    /// removed or moved since).
    pub same_sources: bool,
}

/// Reads and parses every source, in parallel; all errors of all files come back together.
pub fn load(
    sources: Arc<Vec<SourceFile>>,
    options: &MarkdownOptions,
    permalinks: &Permalinks,
    memo: &mut DocumentMemo,
) -> Result<LoadedDocuments, Vec<Diagnostic>> {
    let after = match memo.changes {
        KnownChanges::Unknown => KnownChanges::Unknown,
        _ => KnownChanges::Within(Vec::new()),
    };
    let changes = std::mem::replace(&mut memo.changes, after);
    let last = memo.last.take().filter(|last| {
        Arc::ptr_eq(&last.sources, &sources)
            && last.options == *options
            && last.permalinks == *permalinks
    });
    if let (Some(last), KnownChanges::Within(_)) = (last, &changes) {
        return load_edits(last, &changes, memo);
    }
    let kept = &memo.kept;
    let retention = kept.retention();
    let spool = memo.spool.as_ref();
    let results: Vec<Result<LoadedNow, Vec<Diagnostic>>> = sources
        .par_iter()
        .map(|source| {
            let previous = kept.previous(&source.path).filter(|p| {
                p.source == *source && p.options == *options && p.permalinks == *permalinks
            });
            // A file the watcher saw no change to is taken as it was, unread.
            let text = match previous {
                Some(_) if !changes.may_have_changed(&source.path) => None,
                _ => Some(read_source(source)?),
            };
            let unchanged = previous.is_some_and(|p| text.as_ref().is_none_or(|t| p.text.is(t)));
            let made = kept.get_or_make(
                source.path.clone(),
                |_| unchanged,
                || {
                    let text = text.unwrap_or_default();
                    let parsed = parse(source.clone(), &text, permalinks)?;
                    Ok::<_, Vec<Diagnostic>>(Arc::new(Loaded {
                        text: Text::kept(text, retention, spool),
                        source: source.clone(),
                        options: options.clone(),
                        permalinks: permalinks.clone(),
                        document: Arc::new(parsed.document),
                        body: Body::new(parsed.markdown, retention, spool),
                    }))
                },
            )?;
            let remade = retention == Retention::Keep && !unchanged;
            Ok((made, remade))
        })
        .collect();
    memo.kept.finish();
    let same_sources = memo
        .found
        .as_ref()
        .is_some_and(|found| Arc::ptr_eq(found, &sources));
    if retention == Retention::Keep {
        memo.found = Some(sources);
    }
    let loaded = super::all_or_every_error(results)?;
    let bodies: Arc<Bodies> = Arc::new(
        loaded
            .iter()
            .map(|(l, _)| (l.document.revision, Arc::clone(&l.body)))
            .collect(),
    );
    let documents: Vec<Arc<Document>> = loaded
        .iter()
        .map(|(l, _)| Arc::clone(&l.document))
        .collect();
    if retention == Retention::Keep {
        memo.last = memo.found.as_ref().map(|sources| Last {
            sources: Arc::clone(sources),
            options: options.clone(),
            permalinks: permalinks.clone(),
            documents: documents.clone(),
            bodies: Arc::clone(&bodies),
        });
    }
    let remade = loaded
        .iter()
        .filter(|(_, remade)| *remade)
        .map(|(l, _)| Arc::clone(&l.document))
        .collect();
    Ok(LoadedDocuments {
        documents,
        bodies,
        remade,
        same_sources,
    })
}

/// [`load`] of a session told that only files at or under some paths changed, with the
/// same sources, Markdown options and permalink patterns as the last build: the last
/// build's documents, with those files read again (and parsed again when their text
/// changed). Its work is proportional to the files told, not to the site.
fn load_edits(
    mut last: Last,
    changes: &KnownChanges,
    memo: &mut DocumentMemo,
) -> Result<LoadedDocuments, Vec<Diagnostic>> {
    let mut edits: Vec<(usize, Arc<Loaded>)> = Vec::new();
    let mut errors = Vec::new();
    for (i, source) in last.sources.iter().enumerate() {
        if !changes.may_have_changed(&source.path) {
            continue;
        }
        let previous = memo.kept.previous(&source.path);
        let made = read_source(source).and_then(|text| {
            if previous.is_some_and(|p| p.text.is(&text)) {
                return Ok(None);
            }
            let parsed = parse(source.clone(), &text, &last.permalinks)?;
            let spool = memo.spool.as_ref();
            Ok(Some(Arc::new(Loaded {
                text: Text::kept(text, Retention::Keep, spool),
                source: source.clone(),
                options: last.options.clone(),
                permalinks: last.permalinks.clone(),
                document: Arc::new(parsed.document),
                body: Body::new(parsed.markdown, Retention::Keep, spool),
            })))
        });
        match made {
            Ok(Some(loaded)) => edits.push((i, loaded)),
            Ok(None) => {}
            Err(e) => {
                // Read again (and reported again) by the next build, which loads all.
                memo.kept.update(source.path.clone(), None);
                errors.extend(e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let bodies = Arc::make_mut(&mut last.bodies);
    let mut remade = Vec::with_capacity(edits.len());
    for (i, loaded) in edits {
        let old = std::mem::replace(&mut last.documents[i], Arc::clone(&loaded.document));
        bodies.replace(
            old.revision,
            loaded.document.revision,
            Arc::clone(&loaded.body),
        );
        remade.push(Arc::clone(&loaded.document));
        memo.kept.update(loaded.source.path.clone(), Some(loaded));
    }
    let loaded = LoadedDocuments {
        documents: last.documents.clone(),
        bodies: Arc::clone(&last.bodies),
        remade,
        same_sources: true,
    };
    memo.last = Some(last);
    Ok(loaded)
}
