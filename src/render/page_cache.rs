//! Pages rendered by an earlier build, each with the template and the fingerprint of the
//! context it was rendered from. Tera's output is a function of the template set, the
//! template's name and the context, so a page whose three are equal is the same page: it
//! is reused, not rendered again. Fingerprints are compared in full, never by hash or age
//! (see [`super::fingerprint`] for why they stand for the whole context).

use super::fingerprint::Fingerprint;
use super::Templates;
use bytes::Bytes;
use std::collections::HashMap;
use std::sync::Arc;

/// Rendered pages by output path, valid for one set of templates and one `site` value.
#[derive(Default)]
pub struct PageCache {
    /// Held (not only compared by address) so that its address cannot be reused by
    /// another set of templates while pages made with it are kept.
    templates: Option<Arc<Templates>>,
    /// What every page shares (the `site` variable), fingerprinted once.
    shared: Fingerprint,
    pages: HashMap<String, RenderedPage>,
    /// Feed entries' escaped HTML, by document revision.
    pub(super) feed_texts: crate::feed::EntryTextCache,
}

pub(super) struct RenderedPage {
    pub template: String,
    pub fingerprint: Fingerprint,
    pub html: Bytes,
}

impl PageCache {
    /// Drops every page if the templates or the values all pages share changed since.
    pub(super) fn use_inputs(&mut self, templates: &Arc<Templates>, shared: Fingerprint) {
        let same_templates = self
            .templates
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t, templates));
        if !same_templates || self.shared != shared {
            self.pages.clear();
            self.templates = Some(Arc::clone(templates));
            self.shared = shared;
        }
    }

    /// The page at `path`, if it was rendered from this template and these very values.
    pub(super) fn get(
        &self,
        path: &str,
        template: &str,
        fingerprint: &Fingerprint,
    ) -> Option<&Bytes> {
        if !self.templates.as_ref().is_some_and(|t| t.repeatable()) {
            return None;
        }
        self.pages
            .get(path)
            .filter(|p| p.template == template && p.fingerprint == *fingerprint)
            .map(|p| &p.html)
    }

    /// Replaces the cached pages with this build's: pages the site no longer has go.
    pub(super) fn replace(&mut self, pages: HashMap<String, RenderedPage>) {
        crate::cache::drop_in_background(std::mem::replace(&mut self.pages, pages));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{TemplateSources, Templates};
    use std::path::PathBuf;

    fn compile(text: &str) -> Templates {
        let mut sources = TemplateSources::new();
        sources.insert("a.html".into(), (PathBuf::from("a.html"), text.into()));
        Templates::compile(&sources).unwrap()
    }

    #[test]
    fn templates_that_read_the_clock_or_randomness_are_not_repeatable() {
        assert!(compile("<p>{{ x }}</p>").repeatable());
        assert!(!compile("<p>{{ now() }}</p>").repeatable());
        assert!(!compile("<p>{{ get_random(end=9) }}</p>").repeatable());
    }
}
