//! Judging one document's resolved links against what the build made: the files, the
//! drafts, the redirects and the ids on pages. A document's verdict depends on nothing
//! else, so a session keeps it ([`Judged`]) until the document or those ids change.

use super::{page_dir, page_file, Drafts, PageIds, Resolved};
use crate::error::Diagnostic;
use std::collections::{HashMap, HashSet};

/// One document's problems, and the files its `#fragment` links look into (their ids
/// changing is the one way its verdict can change while it does not).
#[derive(Debug, Default)]
pub struct Judged {
    pub links: Vec<Diagnostic>,
    pub missing_images: Vec<Diagnostic>,
    /// Its images without a text alternative (`alt_text.rs`).
    pub without_alt: Vec<Diagnostic>,
    pub fragment_files: Vec<String>,
}

/// What links are judged against.
pub struct Targets<'a> {
    /// Every file the build made, by site path.
    pub files: &'a HashSet<&'a str, foldhash::fast::RandomState>,
    pub paths: &'a [String],
    pub drafts: &'a Drafts,
    /// Redirect pages' files, with the site path each sends the reader to.
    pub redirects: &'a HashMap<String, String>,
    /// The ids on the page in a file (`None`: not a page).
    pub ids_of: &'a dyn Fn(&str) -> Option<&'a PageIds>,
    /// Missing images come apart from broken links (they fail a build).
    pub images_apart: bool,
}

impl Targets<'_> {
    /// The problems of one document's links. `suggestions_left` counts down the "did
    /// you mean"s the build may still spend.
    pub fn judge(&self, links: &[Resolved], suggestions_left: &mut usize) -> Judged {
        let mut judged = Judged::default();
        for r in links {
            let link = r.written();
            let (line, column) = link.at;
            let at = |message: String, hint: String| {
                let mut d = Diagnostic::new(&r.from.source.display, message).hint(hint);
                d.line = Some(line);
                d.column = Some(column);
                d
            };
            let written = || link.shown();
            let shown = || format!("/{}", r.path);
            if !r.from.meta.draft {
                let draft = self.drafts.get(&r.path).or_else(|| {
                    // A link to `blog/x` finds the draft at `blog/x/`.
                    (!r.path.ends_with('/'))
                        .then(|| self.drafts.get(&format!("{}/", r.path)))
                        .flatten()
                });
                if let Some(draft) = draft {
                    judged.links.push(at(
                        format!("{} links to a draft ({})", written(), draft.display()),
                        "the link will not work until that post is published: publish it, or remove the link".into(),
                    ));
                    continue;
                }
            }
            let file = if self.files.contains(r.path.as_str()) {
                r.path.clone()
            } else {
                page_file(&r.path)
            };
            if !self.files.contains(file.as_str()) && !r.path.is_empty() {
                let folder = r.path.split('/').next();
                let same_folder = |p: &&str| p.split('/').next() == folder;
                let near = match suggestions_left.checked_sub(1) {
                    Some(left) => {
                        *suggestions_left = left;
                        crate::spelling::nearest(
                            &r.path,
                            self.paths.iter().map(|p| page_dir(p)).filter(same_folder),
                        )
                    }
                    None => None,
                };
                let hint = match near {
                    Some(near) => format!("did you mean /{near}?"),
                    None if link.image && link.url.starts_with('/') => {
                        format!("put the file at static/{} or fix the path", r.path)
                    }
                    None if link.image => "put the file beside the post (a folder with index.md) or in static/, or fix the path".into(),
                    None => {
                        "link to a page or file the site has: `inkpress build -v` lists them".into()
                    }
                };
                // A body's image is sized as the body is made: without its file, the
                // page cannot be.
                if link.image && link.key.is_none() && self.images_apart {
                    judged.missing_images.push(at(
                        format!(
                            "image {} is missing: the site has no file {}",
                            written(),
                            shown()
                        ),
                        hint,
                    ));
                    continue;
                }
                judged.links.push(at(
                    format!(
                        "{} points at {}, which the site does not have",
                        written(),
                        shown()
                    ),
                    hint,
                ));
                continue;
            }
            let Some(fragment) = &r.fragment else {
                continue;
            };
            // A redirect page sends the reader on with a meta refresh, which drops the
            // fragment: the link must name the page itself.
            if let Some(target) = self.redirects.get(file.as_str()) {
                let target_file = page_file(target);
                let target_has = (self.ids_of)(&target_file).is_some_and(|t| t.contains(fragment));
                judged.fragment_files.push(target_file);
                judged.links.push(at(
                    format!(
                        "{}: {} is a redirect to /{target}, which drops `#{fragment}`",
                        written(),
                        shown()
                    ),
                    match target_has {
                        true => format!("link to /{target}#{fragment}"),
                        false => format!(
                            "link to /{target}, which has no element with id `{fragment}` either"
                        ),
                    },
                ));
                continue;
            }
            let on_page = (self.ids_of)(&file);
            judged.fragment_files.push(file);
            // Files with no ids gathered (not HTML) have no fragments to check.
            let Some(on_page) = on_page else {
                continue;
            };
            if !on_page.contains(fragment) {
                let hint = match crate::spelling::nearest(fragment, on_page.iter()) {
                    Some(near) => format!("did you mean #{near}?"),
                    None => "link to a heading's id (its slug, or its own {#id})".into(),
                };
                judged.links.push(at(
                    format!(
                        "{}: {} has no element with id `{fragment}`",
                        written(),
                        shown()
                    ),
                    hint,
                ));
            }
        }
        judged
    }
}
