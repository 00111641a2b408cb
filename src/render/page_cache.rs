//! Pages rendered by an earlier build, each with the exact template and context it was
//! rendered from. Tera's output is a function of the template set, the template's name
//! and the context, so a page whose three are equal is the same page: it is reused, not
//! rendered again. The contexts are compared in full, never by hash or age.

use super::Templates;
use std::collections::HashMap;
use std::sync::Arc;
use tera::Context;

/// Rendered pages by output path, valid for one set of templates.
#[derive(Default)]
pub struct PageCache {
    /// Held (not only compared by address) so that its address cannot be reused by
    /// another set of templates while pages made with it are kept.
    templates: Option<Arc<Templates>>,
    pages: HashMap<String, RenderedPage>,
}

pub(super) struct RenderedPage {
    pub template: String,
    pub context: Context,
    pub html: String,
}

impl PageCache {
    /// Drops every page if the templates changed since they were rendered.
    pub(super) fn use_templates(&mut self, templates: &Arc<Templates>) {
        if !self
            .templates
            .as_ref()
            .is_some_and(|t| Arc::ptr_eq(t, templates))
        {
            self.pages.clear();
            self.templates = Some(Arc::clone(templates));
        }
    }

    /// Whether `path` was rendered from this template and this very context.
    pub(super) fn has(&self, path: &str, template: &str, context: &Context) -> bool {
        self.templates.as_ref().is_some_and(|t| t.repeatable())
            && self
                .pages
                .get(path)
                .is_some_and(|p| p.template == template && p.context == *context)
    }

    /// Moves a page out of the cache; only for a page [`PageCache::has`] found.
    pub(super) fn take(&mut self, path: &str) -> RenderedPage {
        self.pages
            .remove(path)
            .expect("a page found in the cache is still there")
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
