//! The search index: every published post and page (never a draft) as a [`Record`] of
//! its title, date, tags, headings and body text, made on the rendering threads as each
//! page is made, then handed in plan order to the [`index::Writer`], which makes small
//! files under `[search] output` (see [`index`] for the format), each chunk's as soon as
//! its last record comes, that the theme's `search.js` fetches as a search needs.
//! Words are indexed by their stem in the site's language ([`stem`]).
//!
//! Written here rather than with Pagefind's library, which cost three times a whole
//! build's CPU at 1,000 posts (one page at a time behind a lock, gzip at the best level
//! on one thread) and 4.5 GB of memory at 10,000.
//!
//! `serve` keeps each document's record with its place in the plan and its revision
//! ([`Kept`]), so after an edit only changed documents are read again; the files are written anew each build (a
//! one-off build keeps no record once it is written). After its
//! first build serve lets the index lag ([`Kept::lag`]): a build leaves its records
//! [held](Held) and serve writes the files after it has sent the reload.

pub mod index;
pub mod stem;
pub mod text;

use crate::config::Config;
use crate::content::Document;
use crate::markdown::{Outline, Rendered};
use crate::memo::FastMap;
use crate::output::OutputFile;
pub use index::Record;
use rust_stemmers::Algorithm;
use std::sync::{Arc, Mutex};

/// Pages rendered in parallel before their records are handed over in plan order.
pub const CHUNK: usize = 64;

/// A record is the same when its document's revision is, and its URL.
type Key = u64;

/// A document's record, with what it is kept by.
pub type Recorded = (Key, Arc<Record>);

/// A document's record, with its page's place in the plan.
pub type Placed = (u32, Recorded);

/// What `serve` keeps of the search index from one build to the next (nothing in a
/// one-off build).
#[derive(Default)]
pub struct Kept {
    /// The last build's records, in plan order (each with its page's place in it).
    records: Mutex<Vec<Placed>>,
    /// Builds leave their records in `held` rather than write the index.
    lags: bool,
    held: Mutex<Option<Held>>,
}

/// The records of a build whose index is still to write.
pub struct Held {
    /// `[search] output`: the index's files go there.
    pub folder: String,
    stemmer: Option<Algorithm>,
    records: Vec<Arc<Record>>,
}

impl Held {
    /// The index's files.
    pub fn finish(self) -> Vec<OutputFile> {
        index::files(&self.folder, &self.records, self.stemmer)
    }
}

impl Kept {
    /// Forgets every record: the next build reads every document again.
    pub fn clear(&self) {
        lock(&self.records).clear();
        lock(&self.held).take();
    }

    /// From now on a build hands its files over without the search index, which the
    /// records it leaves [held](Kept::take_held) make afterwards.
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
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a build takes from the last one's records: the rendering threads ask it for each
/// document's record while the [`Indexer`] writes the records before.
pub struct Records {
    /// In plan order.
    last: Vec<Placed>,
    /// Whether this build's plan is the last one's: a document's record can only be at
    /// its page's place.
    same_plan: bool,
    /// Where each revision's record is in `last`, when the plan changed: made when first
    /// asked.
    by_key: std::sync::OnceLock<FastMap<Key, usize>>,
}

impl Records {
    /// The record of `doc`, whose page is at `base_path` + `site_path`, at `place` in the
    /// plan: the last build's when the document (its revision) and its URL are the same,
    /// else read from its body (`body` is asked only then). An edit's rebuild asks for
    /// the records of the pages it looks at, so a record taken as it was costs no
    /// allocation.
    pub fn record<E>(
        &self,
        doc: &Document,
        place: u32,
        (base_path, site_path): (&str, &str),
        body: impl FnOnce() -> Result<(Arc<Rendered>, Arc<Outline>), E>,
    ) -> Result<Recorded, E> {
        let key = doc.revision;
        let same_url = |r: &Arc<Record>| r.url.strip_prefix(base_path) == Some(site_path);
        let at_place = (self.last.binary_search_by_key(&place, |(p, _)| *p).ok())
            .filter(|&n| self.last[n].1 .0 == key);
        let found = at_place.or_else(|| {
            if self.same_plan {
                return None;
            }
            let by_key = self.by_key.get_or_init(|| {
                let keys = self.last.iter().enumerate();
                keys.map(|(n, (_, (key, _)))| (*key, n)).collect()
            });
            by_key.get(&key).copied()
        });
        if let Some(record) = found.map(|n| &self.last[n].1 .1).filter(|r| same_url(r)) {
            return Ok((key, Arc::clone(record)));
        }
        let (rendered, outline) = body()?;
        let record = Record::new(index::Fields {
            url: format!("{base_path}{site_path}"),
            title: &doc.meta.title,
            date: doc
                .meta
                .date
                .as_ref()
                .map(|d| d.0.format("%B %-d, %Y").to_string()),
            tags: &doc.meta.tags,
            headings: outline.toc.iter().map(|h| h.title.as_str()).collect(),
            body_html: &rendered.html,
        });
        Ok((key, Arc::new(record)))
    }

    /// The last build's records in plan order, with `new` (by place) in the places of
    /// theirs: the records of a build with the last one's plan that made only `new`.
    pub fn with(&self, mut new: FastMap<u32, Recorded>) -> impl Iterator<Item = Placed> + '_ {
        self.last
            .iter()
            .map(move |(place, last)| match new.remove(place) {
                Some(record) => (*place, record),
                None => (*place, (last.0, Arc::clone(&last.1))),
            })
    }
}

/// The index being made while the site renders.
pub struct Indexer {
    keep: bool,
    /// With `keep`, this build's records, for the next.
    records: Vec<Placed>,
    out: Out,
}

/// Where an indexer's records go.
enum Out {
    /// Into the files, as they come.
    Written(index::Writer),
    /// Nowhere yet: serve writes them after the reload ([`Kept::lag`]).
    Held(Held),
}

impl Indexer {
    /// The indexer of a build, and the records it can reuse, or `None` when the site has
    /// search turned off. With `keep` (serve) it reuses the records `kept` has of the last
    /// build, whose plan this build's is when `same_plan`.
    pub fn start(
        config: &Config,
        kept: &Kept,
        keep: bool,
        same_plan: bool,
    ) -> Option<(Records, Indexer)> {
        if !config.search.enabled {
            return None;
        }
        let folder = &config.search.output;
        let stemmer = stem::algorithm(&config.language);
        let last = std::mem::take(&mut *lock(&kept.records));
        let indexer = Indexer {
            keep,
            records: Vec::new(),
            out: match kept.lags {
                true => Out::Held(Held {
                    folder: folder.clone(),
                    stemmer,
                    records: Vec::new(),
                }),
                false => Out::Written(index::Writer::new(folder, stemmer)),
            },
        };
        let by_key = std::sync::OnceLock::new();
        let records = Records {
            last,
            same_plan,
            by_key,
        };
        Some((records, indexer))
    }

    /// Whether `doc` goes into the index: drafts never do, even in a build that
    /// publishes them.
    pub fn wants(doc: &Document) -> bool {
        !doc.meta.draft
    }

    /// Adds a record, after those added before it; returns the index's files it
    /// completed, to write now (a one-off build keeps no record).
    pub fn add(&mut self, (place, (key, record)): Placed) -> Vec<OutputFile> {
        let files = match &mut self.out {
            Out::Written(writer) => writer.add(&record),
            Out::Held(held) => {
                held.records.push(Arc::clone(&record));
                Vec::new()
            }
        };
        if self.keep {
            self.records.push((place, (key, record)));
        }
        files
    }

    /// The rest of the index's files: now, or none now when `kept` lags (then the
    /// [`Held`] index gives them all).
    pub fn files(self, kept: &Kept) -> Vec<OutputFile> {
        if self.keep {
            *lock(&kept.records) = self.records;
        }
        match self.out {
            Out::Written(writer) => writer.finish(),
            Out::Held(held) => {
                *lock(&kept.held) = Some(held);
                Vec::new()
            }
        }
    }
}
