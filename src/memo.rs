//! The memo under the build's stages: what a step made from some inputs, kept so that a
//! later build given the same inputs takes it instead of making it again.
//!
//! Every build runs the same stages; the memo decides only what is kept. A one-off build
//! (`build`, `check`) forgets: nothing outlives the build, and a post's body is dropped as
//! soon as its last reader is done, so a big site's HTML is never all in memory. A session
//! (`serve`) keeps each step's values for the next build, which reuses those whose inputs
//! are unchanged; the large ones (pages, bodies' HTML, sources' texts) wait in its spool
//! ([`crate::output::spool`]), not in memory. Inputs are compared in full (texts,
//! fingerprints, revisions), never by age or hash, so a kept value is exactly what the
//! step would make again.
//!
//! Each stage owns the queries it memoizes (documents in [`crate::content::load`], pages
//! and feed entries in [`crate::render`]); this module holds the machinery they share.

use crate::markdown::{Outline, Rendered};
use crate::output::spool::{Spool, Stored};
use std::collections::HashMap;

/// A hash map with a fast hash: keys are the site's own paths, slugs and revisions, never
/// chosen by an attacker, so SipHash's defence against crafted collisions is not needed.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

/// Whether values outlive the build that made them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// A one-off build: keep nothing, free bodies after their last reader.
    Forget,
    /// A session of builds (serve): keep every value for the next build.
    Keep,
}

/// One memoized query: values by key, made by this build or taken from the last one.
///
/// During a build the last build's values are read-only and this build's are collected
/// beside them (from many threads); [`finish`](Self::finish) makes this build's the ones
/// the next build sees, so values no build asked for again are dropped by themselves.
pub struct Kept<K, V> {
    retention: Retention,
    previous: FastMap<K, V>,
    current: Mutex<FastMap<K, V>>,
}

impl<K: Eq + Hash + Send + 'static, V: Clone + Send + 'static> Kept<K, V> {
    pub fn new(retention: Retention) -> Self {
        Kept {
            retention,
            previous: FastMap::default(),
            current: Mutex::new(FastMap::default()),
        }
    }

    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// The last build's value for `key`, if it is still `valid`, else `make`'s, which
    /// the next build will see (a session) or nobody will (a one-off build).
    pub fn get_or_make<E>(
        &self,
        key: K,
        valid: impl FnOnce(&V) -> bool,
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if self.retention == Retention::Forget {
            return make();
        }
        let value = match self.previous.get(&key).filter(|v| valid(v)) {
            Some(v) => v.clone(),
            None => make()?,
        };
        self.current_values().insert(key, value.clone());
        Ok(value)
    }

    /// The last build's value for `key`, whatever it was made from.
    pub fn previous<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.previous.get(key)
    }

    /// Ends a build: its values become the ones the next build can take.
    pub fn finish(&mut self) {
        let current = self.current.get_mut().unwrap_or_else(|e| e.into_inner());
        // The next build most likely asks for as many values: room for them now spares
        // growing the map step by step while its threads wait on the lock.
        let room = FastMap::with_capacity_and_hasher(current.len(), Default::default());
        let current = std::mem::replace(current, room);
        drop_in_background(std::mem::replace(&mut self.previous, current));
    }

    /// Ends a build that asked only for the values that may have changed and took every
    /// other as it was: its values join the last build's, in place of theirs.
    pub fn finish_keeping(&mut self) {
        let current = self.current.get_mut().unwrap_or_else(|e| e.into_inner());
        self.previous.extend(current.drain());
    }

    /// [`finish_keeping`](Self::finish_keeping), without the last build's values for the
    /// keys `gone` (they no longer stand for anything).
    pub fn finish_keeping_without(&mut self, gone: impl Iterator<Item = K>) {
        for key in gone {
            self.previous.remove(&key);
        }
        self.finish_keeping();
    }

    /// Makes `value` the one the next build can take for `key`, as if the last build
    /// had made it, keeping the last build's other values (`None` forgets the key's):
    /// for a build that took every other value as it was without asking for each.
    pub fn update(&mut self, key: K, value: Option<V>) {
        if self.retention == Retention::Forget {
            return;
        }
        match value {
            Some(value) => self.previous.insert(key, value),
            None => self.previous.remove(&key),
        };
    }

    /// Forgets every value (the inputs all values share changed).
    pub fn clear(&mut self) {
        drop_in_background(std::mem::take(&mut self.previous));
        self.current_values().clear();
    }

    fn current_values(&self) -> std::sync::MutexGuard<'_, FastMap<K, V>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The body of one revision of a document: its Markdown until a reader asks for it,
/// then its HTML until the last reader is done (a one-off build) or for good (a session:
/// in its spool between builds, read back when a later build asks); and its outline,
/// made by the first reader of either and kept.
pub struct Body {
    retention: Retention,
    /// Where a session keeps the HTML between builds (none: in memory).
    spool: Option<Arc<Spool>>,
    state: Mutex<BodyState>,
    outline: OnceLock<Arc<Outline>>,
}

enum BodyState {
    Waiting(String),
    Ready {
        rendered: Arc<Rendered>,
        left: usize,
    },
    /// A session's HTML after its last reader of a build, in the spool.
    Stored {
        html: Stored,
        card: Option<String>,
    },
    Gone,
}

/// A body asked for after its last reader: a bug in how readers were counted.
#[derive(Debug)]
pub struct BodyGone;

impl Body {
    /// A body to be made from `markdown`; a session's keeps its HTML in `spool`.
    pub fn new(markdown: String, retention: Retention, spool: Option<&Arc<Spool>>) -> Arc<Body> {
        Arc::new(Body {
            retention,
            spool: spool.filter(|_| retention == Retention::Keep).cloned(),
            state: Mutex::new(BodyState::Waiting(markdown)),
            outline: OnceLock::new(),
        })
    }

    /// The outline, made from the Markdown by `make` unless a reader made it already.
    pub fn outline(&self, make: impl FnOnce(&str) -> Outline) -> Result<Arc<Outline>, BodyGone> {
        if let Some(outline) = self.outline.get() {
            return Ok(Arc::clone(outline));
        }
        let state = self.lock();
        // The Markdown leaves only with the outline made (see `get`).
        match (&*state, self.outline.get()) {
            (_, Some(outline)) => Ok(Arc::clone(outline)),
            (BodyState::Waiting(markdown), None) => {
                let outline = Arc::new(make(markdown));
                Ok(Arc::clone(self.outline.get_or_init(|| outline)))
            }
            _ => Err(BodyGone),
        }
    }

    /// The HTML and the outline. On the first call `render` makes the HTML from the
    /// Markdown, and the outline too when it is asked to (`true`: nobody made it yet).
    /// `readers` is how many times this build asks for this body in all; a one-off
    /// build frees the HTML after the last of them, a session puts it in its spool.
    pub fn get(
        &self,
        readers: usize,
        render: impl FnOnce(&str, bool) -> (Rendered, Option<Outline>),
    ) -> Result<(Arc<Rendered>, Arc<Outline>), BodyGone> {
        let mut state = self.lock();
        let (rendered, left) = match std::mem::replace(&mut *state, BodyState::Gone) {
            BodyState::Waiting(markdown) => {
                let (rendered, outline) = render(&markdown, self.outline.get().is_none());
                if let Some(outline) = outline {
                    let _ = self.outline.set(Arc::new(outline));
                }
                (Arc::new(rendered), readers)
            }
            BodyState::Ready { rendered, left } => (rendered, left),
            BodyState::Stored { html, card } => match read_html(&html) {
                Some(text) => (Arc::new(Rendered { html: text, card }), readers),
                None => {
                    *state = BodyState::Stored { html, card };
                    return Err(BodyGone);
                }
            },
            BodyState::Gone => return Err(BodyGone),
        };
        let outline = self.outline.get().cloned().ok_or(BodyGone)?;
        let left = left.saturating_sub(1);
        if left > 0 {
            *state = BodyState::Ready {
                rendered: Arc::clone(&rendered),
                left,
            };
        } else if self.retention == Retention::Keep {
            *state = self.stowed(&rendered);
        }
        Ok((rendered, outline))
    }

    /// Puts the HTML in the session's spool if a build's readers left it in memory (a
    /// reader that took its value from another memo does not ask).
    pub fn stow(&self) {
        let mut state = self.lock();
        if let BodyState::Ready { rendered, .. } = &*state {
            let stowed = self.stowed(rendered);
            *state = stowed;
        }
    }

    /// The state of a session's body between builds: the HTML in the spool if it can be
    /// written there, else in memory.
    fn stowed(&self, rendered: &Arc<Rendered>) -> BodyState {
        match self.spool.as_ref().map(|s| s.put(rendered.html.as_bytes())) {
            Some(Ok(html)) => BodyState::Stored {
                html,
                card: rendered.card.clone(),
            },
            _ => BodyState::Ready {
                rendered: Arc::clone(rendered),
                left: 0,
            },
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BodyState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// HTML read back from a spool; `None` if it cannot be (the spool's file failed).
fn read_html(html: &Stored) -> Option<String> {
    String::from_utf8(html.read().ok()?).ok()
}

/// The body of every document of a build, by revision.
#[derive(Default, Clone)]
pub struct Bodies(FastMap<u64, Arc<Body>>);

impl FromIterator<(u64, Arc<Body>)> for Bodies {
    fn from_iter<I: IntoIterator<Item = (u64, Arc<Body>)>>(iter: I) -> Self {
        Bodies(iter.into_iter().collect())
    }
}

impl Bodies {
    /// The body of a document's revision; see [`Body::get`].
    pub fn get(&self, revision: u64) -> Option<&Body> {
        self.0.get(&revision).map(|b| b.as_ref())
    }

    /// Puts in the session's spool the HTML a build's readers left in memory.
    pub fn stow(&self) {
        use rayon::prelude::*;
        self.0.par_iter().for_each(|(_, body)| body.stow());
    }

    /// The body of revision `new` in place of that of `old`.
    pub fn replace(&mut self, old: u64, new: u64, body: Arc<Body>) {
        self.0.remove(&old);
        self.0.insert(new, body);
    }
}

/// Asks the allocator, on a thread of its own, to give back to the system the memory a
/// session's build freed: glibc keeps freed memory in its heaps (with search on, over
/// 100 MiB after a first build of 10,000 posts, the search index's postings among the
/// values that stay). Elsewhere nothing is asked.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    let _ = std::thread::Builder::new()
        .name("inkpress-trim".into())
        // SAFETY: malloc_trim only walks the allocator's own heaps, under their locks.
        .spawn(|| unsafe {
            libc::malloc_trim(0);
        });
}

/// Frees a large value on another thread: freeing the last build's many allocations is
/// work nobody needs to wait for before the new site is served.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("inkpress-free".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, with_outline: bool) -> (Rendered, Option<Outline>) {
        let outline = with_outline.then(|| Outline {
            summary_text: format!("outline of {text}"),
            ..Outline::default()
        });
        (
            Rendered {
                html: text.into(),
                card: None,
            },
            outline,
        )
    }

    #[test]
    fn a_one_off_body_is_rendered_once_and_freed_after_its_last_reader() {
        let body = Body::new("*a*".into(), Retention::Forget, None);
        let mut renders = 0;
        let (first, outline) = body
            .get(2, |md, o| {
                renders += 1;
                render(md, o)
            })
            .unwrap();
        assert_eq!(first.html, "*a*");
        assert_eq!(outline.summary_text, "outline of *a*");
        let (second, _) = body.get(2, |_, _| unreachable!("rendered twice")).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(renders, 1);
        assert!(body.get(2, render).is_err(), "kept after its last reader");
        // The outline stays: lists and feeds read it after the page.
        let kept = body.outline(|_| unreachable!("made twice")).unwrap();
        assert!(Arc::ptr_eq(&kept, &outline));
    }

    #[test]
    fn an_outline_made_first_is_not_made_again_with_the_html() {
        let body = Body::new("x".into(), Retention::Forget, None);
        let outline = body
            .outline(|md| Outline {
                summary_text: format!("alone {md}"),
                ..Outline::default()
            })
            .unwrap();
        let (_, with_html) = body
            .get(1, |md, wanted| {
                assert!(!wanted, "the outline was made already");
                render(md, wanted)
            })
            .unwrap();
        assert!(Arc::ptr_eq(&outline, &with_html));
    }

    #[test]
    fn a_kept_body_stays() {
        let body = Body::new("x".into(), Retention::Keep, None);
        for _ in 0..3 {
            assert_eq!(body.get(1, render).unwrap().0.html, "x");
        }
    }

    #[test]
    fn a_session_body_waits_in_the_spool_between_builds() {
        let spool = Spool::open(None).unwrap();
        let body = Body::new("<b>".into(), Retention::Keep, Some(&spool));
        let in_memory = |body: &Body| matches!(*body.lock(), BodyState::Ready { .. });
        let (first, _) = body.get(2, render).unwrap();
        assert!(in_memory(&body), "a second reader of this build is to come");
        let (second, _) = body.get(2, |_, _| unreachable!("rendered twice")).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert!(matches!(*body.lock(), BodyState::Stored { .. }));
        // The next build reads it back, whole, and puts it back after its last reader.
        let (again, _) = body.get(1, |_, _| unreachable!("rendered again")).unwrap();
        assert_eq!(again.html, "<b>");
        assert!(matches!(*body.lock(), BodyState::Stored { .. }));
        // A build whose other reader took its value elsewhere leaves it in memory, until
        // the end of the build puts it away.
        body.get(2, render).unwrap();
        assert!(in_memory(&body));
        Bodies::from_iter([(1, Arc::clone(&body))]).stow();
        assert!(matches!(*body.lock(), BodyState::Stored { .. }));
        assert_eq!(body.get(1, render).unwrap().0.html, "<b>");
    }

    #[test]
    fn kept_values_last_one_build_unless_asked_for_again() {
        let mut kept: Kept<&str, u32> = Kept::new(Retention::Keep);
        let make = |n| move || Ok::<u32, ()>(n);
        assert_eq!(kept.get_or_make("a", |_| true, make(1)), Ok(1));
        assert_eq!(kept.get_or_make("b", |_| true, make(2)), Ok(2));
        kept.finish();
        assert_eq!(kept.get_or_make("a", |_| true, make(9)), Ok(1));
        assert_eq!(kept.get_or_make("b", |&v| v != 2, make(3)), Ok(3));
        kept.finish();
        kept.finish();
        assert_eq!(kept.get_or_make("a", |_| true, make(4)), Ok(4));
        let forget: Kept<&str, u32> = Kept::new(Retention::Forget);
        assert_eq!(forget.get_or_make("a", |_| true, make(5)), Ok(5));
        assert_eq!(forget.get_or_make("a", |_| true, make(6)), Ok(6));
    }
}
