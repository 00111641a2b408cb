//! Pages that only send readers elsewhere: `…/page/1/` to the list itself, and each old
//! URL in a document's `aliases` (or `redirect_from`) to the document, and each old URL of
//! the config's `[redirects]` to its new one, so that years of links keep working.

use crate::config::Config;
use crate::content::permalink::page_file;
use crate::output::OutputFile;
use crate::site::Site;

/// Pages that only send readers elsewhere: `…/page/1/` to the list itself, each old URL
/// in a document's `aliases` to the document, and each of the config's `[redirects]`.
pub fn files(site: &Site, config: &Config) -> Vec<OutputFile> {
    redirects(site, config)
        .map(|(file, target)| OutputFile::new(file, redirect_page(&target)))
        .collect()
}

/// The files [`files`] makes, without making them.
pub fn paths<'s>(site: &'s Site, config: &'s Config) -> impl Iterator<Item = String> + 's {
    redirects(site, config).map(|(file, _)| file)
}

/// Each redirect's file, with the URL it sends readers to.
fn redirects<'s>(
    site: &'s Site,
    config: &'s Config,
) -> impl Iterator<Item = (String, String)> + 's {
    let configured = config.redirects.pages.iter().map(|(old, new)| {
        let target = match new.strip_prefix('/') {
            Some(path) => config.url(path),
            None => new.clone(),
        };
        (page_file(old), target)
    });
    targets(site)
        .map(|(file, target)| (file, config.url(&target)))
        .chain(configured)
}

/// Each redirect page the site's own model makes (first list pages, aliases), with the
/// site path it sends readers to (the link check follows them too).
pub fn targets(site: &Site) -> impl Iterator<Item = (String, String)> + '_ {
    let first_pages = std::iter::once("blog/".to_owned())
        .chain(site.tags.iter().map(|t| t.path.clone()))
        .map(|list| (format!("{list}page/1/index.html"), list));
    let aliases = site.posts.iter().chain(&site.pages).flat_map(|doc| {
        doc.meta
            .aliases
            .iter()
            .map(|alias| (page_file(alias), doc.path.clone()))
    });
    first_pages.chain(aliases)
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
