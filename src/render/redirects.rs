//! Pages that only send readers elsewhere: `…/page/1/` to the list itself, and each old
//! URL in a document's `aliases` (or `redirect_from`) to the document, and each old URL of
//! the config's `[redirects]` to its new one, so that years of links keep working.

use crate::config::Config;
use crate::content::permalink::page_file;
use crate::output::OutputFile;
use crate::site::Site;

/// Pages that only send readers elsewhere: `…/page/1/` to the list itself, and each old
/// URL in a document's `aliases` to the document.
pub fn files(site: &Site, config: &Config) -> Vec<OutputFile> {
    let first_pages = std::iter::once("blog/".to_owned())
        .chain(site.tags.iter().map(|t| t.path.clone()))
        .map(|base| (format!("{base}page/1/index.html"), config.url(&base)));
    let aliases = site.posts.iter().chain(&site.pages).flat_map(|doc| {
        doc.meta
            .aliases
            .iter()
            .map(|alias| (page_file(alias), config.url(&doc.path)))
    });
    let configured = config.redirects.iter().map(|(old, new)| {
        let target = match new.strip_prefix('/') {
            Some(path) => config.url(path),
            None => new.clone(),
        };
        (page_file(old), target)
    });
    first_pages
        .chain(aliases)
        .chain(configured)
        .map(|(file, target)| OutputFile::new(file, redirect_page(&target)))
        .collect()
}

fn redirect_page(target: &str) -> String {
    let target = crate::html::escape(target);
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
         <link rel=\"canonical\" href=\"{target}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\"></head>\
         <body><p>This page has moved to <a href=\"{target}\">{target}</a>.</p></body></html>\n"
    )
}
