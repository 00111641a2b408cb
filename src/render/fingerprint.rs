//! Fingerprints of what a page is rendered from, so that serve re-renders only the pages
//! an edit touched without building and comparing every page's whole Tera context.
//!
//! A fingerprint is the page's context values serialised as they would be for Tera,
//! except that each piece of a document's rendered text (a [`DocText`]) is written as the
//! revision of the document it came from. A document is given a new revision each time it
//! is loaded, so equal fingerprints mean equal contexts, and they are compared in full,
//! byte for byte. A post's fingerprint is a few hundred bytes instead of its whole HTML.

use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    static FINGERPRINTING: Cell<bool> = const { Cell::new(false) };
}

/// Where a page's context values go: a Tera context to render, or a fingerprint to compare.
pub trait PageValues {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T);

    /// Inserts a value made from one document and the configuration alone: a fingerprint
    /// records the document's revision instead, without making the value. (The page cache
    /// starts afresh whenever the configuration changes.)
    fn insert_derived<T: Serialize>(&mut self, key: &str, revision: u64, make: impl FnOnce() -> T);
}

impl PageValues for tera::Context {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        tera::Context::insert(self, key, value);
    }

    fn insert_derived<T: Serialize>(&mut self, key: &str, _: u64, make: impl FnOnce() -> T) {
        tera::Context::insert(self, key, &make());
    }
}

/// The fingerprint of a page's context values, in the order they were inserted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<u8>);

impl PageValues for Fingerprint {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        let was = FINGERPRINTING.with(|f| f.replace(true));
        // Writing JSON to a Vec fails only for maps with non-string keys, which no view
        // has; the key and a marker are written either way, so the pages differ.
        self.0.extend_from_slice(key.as_bytes());
        self.0.push(b'=');
        if serde_json::to_writer(&mut self.0, value).is_err() {
            self.0.extend_from_slice(b"\0unserialisable");
        }
        self.0.push(b'\n');
        FINGERPRINTING.with(|f| f.set(was));
    }

    fn insert_derived<T: Serialize>(&mut self, key: &str, revision: u64, _: impl FnOnce() -> T) {
        self.insert(key, &DocRevision(revision));
    }
}

/// How a value made from a document stands in a fingerprint.
#[derive(Serialize)]
struct DocRevision(u64);

impl Fingerprint {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Text rendered from one revision of a document (its HTML, its summary): in full for
/// templates, as the revision in a fingerprint.
#[derive(Debug, Clone)]
pub struct DocText<'a> {
    pub text: Cow<'a, str>,
    pub revision: u64,
}

impl<'a> DocText<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>, revision: u64) -> Self {
        DocText {
            text: text.into(),
            revision,
        }
    }
}

impl Serialize for DocText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_doc_text(&self.text, self.revision, serializer)
    }
}

/// [`DocText`] that is kept from one build to the next (feed entries' escaped HTML).
#[derive(Debug, Clone)]
pub struct SharedDocText {
    pub text: Arc<str>,
    pub revision: u64,
}

impl Serialize for SharedDocText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_doc_text(&self.text, self.revision, serializer)
    }
}

fn serialize_doc_text<S: Serializer>(text: &str, revision: u64, s: S) -> Result<S::Ok, S::Error> {
    if FINGERPRINTING.with(Cell::get) {
        s.serialize_u64(revision)
    } else {
        s.serialize_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct View<'a> {
        title: &'a str,
        content: DocText<'a>,
    }

    fn fingerprint(title: &str, content: &str, revision: u64) -> Fingerprint {
        let mut f = Fingerprint::default();
        f.insert(
            "post",
            &View {
                title,
                content: DocText::new(content, revision),
            },
        );
        f
    }

    #[test]
    fn document_text_counts_by_revision_other_values_in_full() {
        let a = fingerprint("A", "<p>long text</p>", 7);
        assert_eq!(a, fingerprint("A", "<p>long text</p>", 7));
        assert_ne!(a, fingerprint("B", "<p>long text</p>", 7));
        assert_ne!(a, fingerprint("A", "<p>long text</p>", 8));
        assert!(!String::from_utf8_lossy(&a.0).contains("long text"));
    }

    #[test]
    fn derived_values_are_made_only_for_templates() {
        let mut f = Fingerprint::default();
        f.insert_derived("meta", 5, || -> &str { panic!("made for a fingerprint") });
        assert_eq!(f.0, b"meta=5\n");
        let mut context = tera::Context::new();
        PageValues::insert_derived(&mut context, "meta", 5, || "made");
        assert_eq!(context.into_json()["meta"], "made");
    }

    #[test]
    fn templates_get_the_text_itself() {
        let mut context = tera::Context::new();
        PageValues::insert(
            &mut context,
            "post",
            &View {
                title: "A",
                content: DocText::new("<p>x</p>", 3),
            },
        );
        let json = context.into_json();
        assert_eq!(json["post"]["content"], "<p>x</p>");
    }
}
