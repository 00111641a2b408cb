//! Fingerprints of what a page is rendered from, so that a session (serve) re-renders
//! only the pages an edit touched, without building and comparing every page's whole
//! Tera context.
//!
//! A page's values go either into a Tera context or into a fingerprint, through one
//! function per page kind ([`PageValues`]): a fingerprint is the same values serialised
//! as JSON, except that each piece of a document's rendered text is written as the
//! revision of the document it came from ([`PageValues::text`]), and each post's summary
//! or full view as what it is made from (`views::SummaryKey`). A document gets a new
//! revision each time it is loaded, so equal fingerprints mean equal contexts; they are
//! compared in full, byte for byte. A post's fingerprint is a few hundred bytes instead
//! of its whole HTML, and making it renders no Markdown.

use crate::markdown::Rendered;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::sync::Arc;

/// Where a page's context values go: a Tera context to render, or a fingerprint to compare.
pub trait PageValues {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T);

    /// Inserts a value made from one document and the configuration alone: a fingerprint
    /// records the document's revision instead, without making the value. (A session's
    /// pages are all forgotten whenever the configuration changes.)
    fn insert_derived<T: Serialize>(&mut self, key: &str, revision: u64, make: impl FnOnce() -> T);

    /// Text rendered from one revision of a document: made by `make` for a template,
    /// the revision alone in a fingerprint.
    fn text<'a>(&self, revision: u64, make: impl FnOnce() -> DocText<'a>) -> DocText<'a>;

    /// Whether the values go to a template, which needs documents' outlines and bodies
    /// made; a fingerprint stands for them with each document's revision.
    fn for_template(&self) -> bool;

    /// Notes that the values show something of the document of this revision (its
    /// title, link, summary, HTML): a fingerprint keeps the list, so that a session
    /// knows which pages an edit of the document can change.
    fn read(&mut self, revision: u64);
}

impl PageValues for tera::Context {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        tera::Context::insert(self, key, value);
    }

    fn insert_derived<T: Serialize>(&mut self, key: &str, _: u64, make: impl FnOnce() -> T) {
        tera::Context::insert(self, key, &make());
    }

    fn text<'a>(&self, _: u64, make: impl FnOnce() -> DocText<'a>) -> DocText<'a> {
        make()
    }

    fn for_template(&self) -> bool {
        true
    }

    fn read(&mut self, _: u64) {}
}

/// The fingerprint of a page's context values, in the order they were inserted, and
/// the documents they show something of.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<u8>, Vec<u64>);

impl PageValues for Fingerprint {
    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        // Writing JSON to a Vec fails only for maps with non-string keys, which no view
        // has; the key and a marker are written either way, so the pages differ.
        self.0.extend_from_slice(key.as_bytes());
        self.0.push(b'=');
        if serde_json::to_writer(&mut self.0, value).is_err() {
            self.0.extend_from_slice(b"\0unserialisable");
        }
        self.0.push(b'\n');
    }

    fn insert_derived<T: Serialize>(&mut self, key: &str, revision: u64, _: impl FnOnce() -> T) {
        self.insert(key, &DocText::Revision(revision));
    }

    fn text<'a>(&self, revision: u64, _: impl FnOnce() -> DocText<'a>) -> DocText<'a> {
        DocText::Revision(revision)
    }

    fn for_template(&self) -> bool {
        false
    }

    fn read(&mut self, revision: u64) {
        self.1.push(revision);
    }
}

impl Fingerprint {
    /// The revisions of the documents the values show something of (see
    /// [`PageValues::read`]).
    pub fn reads(&self) -> &[u64] {
        &self.1
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Text rendered from a document (its HTML, its summary), or in a fingerprint the
/// revision of the document it stands for.
#[derive(Debug, Clone)]
pub enum DocText<'a> {
    Revision(u64),
    Text(Cow<'a, str>),
    /// Kept from one build to the next (feed entries' escaped HTML).
    Shared(Arc<str>),
    /// A document's whole HTML.
    Body(Arc<Rendered>),
}

impl Serialize for DocText<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DocText::Revision(revision) => serializer.serialize_u64(*revision),
            DocText::Text(text) => serializer.serialize_str(text),
            DocText::Shared(text) => serializer.serialize_str(text),
            DocText::Body(body) => serializer.serialize_str(&body.html),
        }
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

    fn values(values: &mut impl PageValues, title: &str, content: &'static str, revision: u64) {
        let content = values.text(revision, || DocText::Text(content.into()));
        values.insert("post", &View { title, content });
    }

    fn fingerprint(title: &str, content: &'static str, revision: u64) -> Fingerprint {
        let mut f = Fingerprint::default();
        values(&mut f, title, content, revision);
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
        values(&mut context, "A", "<p>x</p>", 3);
        let json = context.into_json();
        assert_eq!(json["post"]["content"], "<p>x</p>");
    }
}
