//! Loading: each source file read and parsed into a [`Document`] and the [`Body`] its
//! outline and HTML are made from later, all files in parallel, every error of every
//! file at once.
//!
//! In a session (serve) a file whose text, place and Markdown options are unchanged is
//! not parsed again: its document and body come from the last build. With a watcher's
//! word on what changed, unchanged files are not even read.

use super::{parse, read_source, Document, SourceFile};
use crate::error::Diagnostic;
use crate::markdown::MarkdownOptions;
use crate::memo::{Bodies, Body, Kept, Retention};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The documents of earlier builds, and what is known of changes since.
pub struct DocumentMemo {
    kept: Kept<PathBuf, Arc<Loaded>>,
    changes: KnownChanges,
}

/// A loaded file with everything it was made from.
struct Loaded {
    source: SourceFile,
    text: String,
    options: MarkdownOptions,
    document: Arc<Document>,
    body: Arc<Body>,
}

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
        }
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

/// The site's documents, and the bodies of their revisions.
pub struct LoadedDocuments {
    pub documents: Vec<Arc<Document>>,
    pub bodies: Bodies,
}

/// Reads and parses every source, in parallel; all errors of all files come back together.
pub fn load(
    sources: Vec<SourceFile>,
    options: &MarkdownOptions,
    memo: &mut DocumentMemo,
) -> Result<LoadedDocuments, Vec<Diagnostic>> {
    let after = match memo.changes {
        KnownChanges::Unknown => KnownChanges::Unknown,
        _ => KnownChanges::Within(Vec::new()),
    };
    let changes = std::mem::replace(&mut memo.changes, after);
    let kept = &memo.kept;
    let retention = kept.retention();
    let results: Vec<Result<Arc<Loaded>, Vec<Diagnostic>>> = sources
        .into_par_iter()
        .map(|source| {
            let previous = kept
                .previous(&source.path)
                .filter(|p| p.source == source && p.options == *options);
            // A file the watcher saw no change to is taken as it was, unread.
            let text = match previous {
                Some(_) if !changes.may_have_changed(&source.path) => None,
                _ => Some(read_source(&source)?),
            };
            let unchanged = previous.is_some_and(|p| text.as_ref().map_or(true, |t| *t == p.text));
            kept.get_or_make(
                source.path.clone(),
                |_| unchanged,
                || {
                    let text = text.unwrap_or_default();
                    let parsed = parse(source.clone(), &text)?;
                    Ok(Arc::new(Loaded {
                        // A one-off build compares with nothing: the text need not stay.
                        text: match retention {
                            Retention::Keep => text,
                            Retention::Forget => String::new(),
                        },
                        source,
                        options: options.clone(),
                        document: Arc::new(parsed.document),
                        body: Body::new(parsed.markdown, retention),
                    }))
                },
            )
        })
        .collect();
    memo.kept.finish();
    let loaded = super::all_or_every_error(results)?;
    let bodies = loaded
        .iter()
        .map(|l| (l.document.revision, Arc::clone(&l.body)))
        .collect();
    let documents = loaded.iter().map(|l| Arc::clone(&l.document)).collect();
    Ok(LoadedDocuments { documents, bodies })
}
