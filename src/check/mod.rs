//! The link check: every internal link and image of every document, against the files
//! the build made and the ids on its pages. Runs in every build; `check` fails on what it
//! finds, `build` and `serve` warn (or fail, with `[check] links = "error"`).
//!
//! The ids of every page are gathered as pages stream past ([`LinkCheck::note`]);
//! links come from each document's outline, which records where every link is written
//! while it is made (no extra parse); they are judged once every path is known
//! ([`LinkCheck::problems`]).

pub mod alt_text;
pub mod external;
mod links;

use crate::content::meta_links::MetaLink;
use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::link_places::LinkPlace;
use crate::markdown::Outline;
use crate::memo::{FastMap, Kept, Retention};
use crate::output::{Body, OutputFile};
use crate::site::Site;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A document's page, by its site path (`blog/x/`), for links into it.
pub type Drafts = HashMap<String, PathBuf>;

/// One internal link, resolved to a site path.
struct Resolved<'s> {
    from: &'s Document,
    link: Source,
    /// Site path without a leading slash (`blog/x/`, `images/a.png`, `` for the home page).
    path: String,
    fragment: Option<String>,
}

/// Which link of a document: one of its body's (in its outline) or its front matter's.
enum Source {
    Body(Arc<Outline>, usize),
    FrontMatter(usize),
}

/// A link as it is written, in a document's body or its front matter.
pub struct Written<'a> {
    pub url: &'a str,
    /// Line and column in the file.
    pub at: (usize, usize),
    pub image: bool,
    /// The front matter field it is written in (`None` in the body).
    pub key: Option<&'static str>,
}

impl<'a> Written<'a> {
    fn in_body(doc: &Document, link: &'a LinkPlace) -> Self {
        Written {
            url: &link.url,
            at: doc.markdown_in_file((link.line, link.column)),
            image: link.image,
            key: None,
        }
    }

    fn in_front_matter(link: &'a MetaLink) -> Self {
        Written {
            url: &link.url,
            at: (link.line, link.column),
            image: link.image,
            key: Some(link.key),
        }
    }

    /// The link as a report names it: its URL, and its field when in the front matter.
    fn shown(&self) -> String {
        match self.key {
            None => format!("`{}`", self.url),
            Some(key) => format!("`{}` (front matter `{key}`)", self.url),
        }
    }
}

/// Every link of a document, its body's (from its outline) then its front matter's.
pub fn written_links<'a>(
    doc: &'a Document,
    outline: Option<&'a Outline>,
) -> impl Iterator<Item = Written<'a>> {
    let body = outline.into_iter().flat_map(|o| &o.links);
    body.map(|l| Written::in_body(doc, l))
        .chain(doc.meta_links.iter().map(Written::in_front_matter))
}

impl Resolved<'_> {
    fn written(&self) -> Written<'_> {
        match &self.link {
            Source::Body(outline, i) => Written::in_body(self.from, &outline.links[*i]),
            Source::FrontMatter(i) => Written::in_front_matter(&self.from.meta_links[*i]),
        }
    }
}

/// The ids of one page, in one string (`\0a\0b\0`): one allocation a page, for the
/// thousands of pages a big site has.
#[derive(Debug, Default, PartialEq, Eq)]
struct PageIds(String);

impl PageIds {
    fn contains(&self, id: &str) -> bool {
        !id.contains('\0') && self.0.contains(&format!("\0{id}\0"))
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split('\0').filter(|id| !id.is_empty())
    }
}

/// The ids of the site's pages, gathered as they are made, for the links to judge.
pub struct LinkCheck<'m> {
    /// Ids found on each HTML file, by file.
    ids: Mutex<FastMap<String, Arc<PageIds>>>,
    /// The files whose ids differ from the last build's (a session only).
    changed_ids: Mutex<HashSet<String>>,
    memo: &'m CheckMemo,
    /// The build hands over only the pages that may have changed: the others have the
    /// last build's ids.
    patch: bool,
}

/// How the files, drafts and redirects links are judged against stand to the last
/// build's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetsSince {
    /// The same.
    Same,
    /// Some came (or drafts changed), none went: a link that found its target still does.
    Added,
    /// Some went, or the last build is unknown.
    Changed,
}

/// What the link check keeps between the builds of a session: each page's ids with the
/// page they were found in (a session searches again only the pages a build made anew), and each document's problems (judged again only when the document or the ids
/// its links point at changed).
pub struct CheckMemo {
    ids: Kept<String, (Body, Arc<PageIds>)>,
    judged: FastMap<u64, Arc<links::Judged>>,
}

impl CheckMemo {
    pub fn new(retention: Retention) -> Self {
        CheckMemo {
            ids: Kept::new(retention),
            judged: FastMap::default(),
        }
    }

    /// Ends a build: the ids of its pages (with the last build's of pages a patch left
    /// out, but for the files it `removed`) and the documents' problems are the ones the
    /// next build can take.
    pub fn finish(
        &mut self,
        patch: bool,
        removed: &[String],
        judged: FastMap<u64, Arc<links::Judged>>,
    ) {
        match patch {
            true => {
                self.ids.finish_keeping();
                for path in removed {
                    self.ids.update(path.clone(), None);
                }
            }
            false => self.ids.finish(),
        }
        if self.ids.retention() == Retention::Keep {
            self.judged = judged;
        }
    }
}

/// Every internal link of one document, resolved; links out of the site are left out.
/// `outline` is the document's (made by then for every page).
fn resolve_document<'s>(
    doc: &'s Document,
    base_url: &str,
    outline: Option<Arc<Outline>>,
) -> Vec<Resolved<'s>> {
    let mut links = Vec::new();
    let body = outline.iter().flat_map(|o| {
        let urls = o.links.iter().map(|l| l.url.as_str());
        urls.enumerate()
            .map(|(i, url)| (Source::Body(Arc::clone(o), i), url))
    });
    let front = doc.meta_links.iter().enumerate();
    let front = front.map(|(i, l)| (Source::FrontMatter(i), l.url.as_str()));
    for (link, url) in body.chain(front) {
        let Some((path, fragment)) = resolve(url, &doc.path, base_url) else {
            continue;
        };
        links.push(Resolved {
            from: doc,
            link,
            path,
            fragment,
        });
    }
    links
}

impl<'m> LinkCheck<'m> {
    /// Whether the ids of the file at `path` are worth keeping: every page's are.
    pub fn wants_ids_of(&self, path: &str) -> bool {
        path.ends_with(".html")
    }

    /// A check of the pages of one build; `memo` has the ids of the last build's pages.
    /// With `patch`, the build hands over only pages that may have changed.
    pub fn new(memo: &'m CheckMemo, patch: bool) -> Self {
        LinkCheck {
            ids: Mutex::default(),
            changed_ids: Mutex::default(),
            memo,
            patch,
        }
    }

    /// Keeps the ids of `file` if it is a page, generated or the site's own static HTML
    /// (called as files stream to their destination, from any thread). A page the memo
    /// saw as the very same value (a page a session took from its memo unchanged) is not
    /// searched again, nor read back from a session's spool.
    pub fn note(&self, file: &OutputFile) {
        if !self.wants_ids_of(&file.path) {
            return;
        }
        let path = file.path.as_str();
        let same = |(seen, _): &(Body, Arc<PageIds>)| seen.is(&file.body);
        let previous = self.memo.ids.previous(path).map(|(_, ids)| ids);
        let made = self.memo.ids.get_or_make(path.to_owned(), same, || {
            let bytes = file.bytes()?;
            Ok::<_, std::io::Error>((file.body.clone(), Arc::new(ids_in(&bytes))))
        });
        // A file that cannot be read now has no ids to link to; its copy or the serving
        // of it reports the error.
        let Ok((_, ids)) = made else {
            return;
        };
        let session = self.memo.ids.retention() == Retention::Keep;
        if session && previous.is_none_or(|p| !Arc::ptr_eq(p, &ids) && **p != *ids) {
            let mut changed = self.changed_ids.lock().unwrap_or_else(|e| e.into_inner());
            changed.insert(path.to_owned());
        }
        let mut all = self.ids.lock().unwrap_or_else(|e| e.into_inner());
        all.insert(path.to_owned(), ids);
    }

    /// Every broken link of the site (and image without a text alternative), given each
    /// document's outline, the paths of every file the build made and the site paths of
    /// drafts (built or not). Missing images
    /// come apart when `images_apart` (then they fail a build), else among the links.
    /// `targets` says how this build's paths, drafts and redirects stand to the last
    /// build's (a session's): a document judged by the last build is then not judged
    /// again unless the ids its links point at changed.
    #[allow(clippy::too_many_arguments)]
    pub fn problems(
        self,
        site: &Site,
        base_url: &str,
        outline: &dyn Fn(&Document) -> Option<Arc<Outline>>,
        paths: &[String],
        drafts: &Drafts,
        images_apart: bool,
        targets_since: TargetsSince,
    ) -> Problems {
        let redirects: HashMap<String, String> = crate::render::redirects::targets(site).collect();
        let files: HashSet<&str, foldhash::fast::RandomState> =
            paths.iter().map(String::as_str).collect();
        let ids = self.ids.into_inner().unwrap_or_else(|e| e.into_inner());
        let changed_ids = self
            .changed_ids
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        let memo = self.memo;
        let patch = self.patch;
        let ids_of = |file: &str| {
            ids.get(file)
                .or_else(|| patch.then(|| memo.ids.previous(file).map(|(_, i)| i))?)
                .map(Arc::as_ref)
        };
        let targets = links::Targets {
            files: &files,
            paths,
            drafts,
            redirects: &redirects,
            ids_of: &ids_of,
            images_apart,
        };
        let session = memo.ids.retention() == Retention::Keep;
        // Suggestions compare a link with every page: worth it for the handful of broken
        // links a writer fixes by hand, not for a site that links its old domain thousands
        // of times.
        let mut suggestions_left = SUGGESTIONS;
        let mut judged = FastMap::default();
        let mut found = Problems::default();
        for doc in site.posts.iter().chain(&site.pages) {
            let last = memo.judged.get(&doc.revision).filter(|last| {
                let same_verdict = match targets_since {
                    TargetsSince::Same => true,
                    // A link can only have found what it looked for.
                    TargetsSince::Added => last.links.is_empty() && last.missing_images.is_empty(),
                    TargetsSince::Changed => false,
                };
                same_verdict && !last.fragment_files.iter().any(|f| changed_ids.contains(f))
            });
            let now = match last {
                Some(last) => Arc::clone(last),
                None => {
                    let outline = outline(doc);
                    let without_alt = alt_text::images_without_alt(doc, outline.as_deref());
                    let resolved = resolve_document(doc, base_url, outline);
                    let mut judged = targets.judge(&resolved, &mut suggestions_left);
                    judged.without_alt = without_alt;
                    Arc::new(judged)
                }
            };
            found.links.extend(now.links.iter().cloned());
            found
                .missing_images
                .extend(now.missing_images.iter().cloned());
            found
                .images_without_alt
                .extend(now.without_alt.iter().cloned());
            if session {
                judged.insert(doc.revision, now);
            }
        }
        found.judged = judged;
        found
    }
}

/// What the link check found.
#[derive(Debug, Default)]
pub struct Problems {
    /// Broken links (and missing images, unless they come apart).
    pub links: Vec<Diagnostic>,
    /// Images whose file is not there: errors in every command.
    pub missing_images: Vec<Diagnostic>,
    /// Images without a text alternative: warnings in every command.
    pub images_without_alt: Vec<Diagnostic>,
    /// Each document's, for the memo (a session only).
    pub judged: FastMap<u64, Arc<links::Judged>>,
}

/// The file a page path is served from: `blog/x/` → `blog/x/index.html`; a path without
/// a slash that names a folder (`blog/x`) is served from the folder's index as well.
fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        format!("{path}/index.html")
    }
}

/// `blog/x/index.html` → `blog/x/`, for suggestions; other files as they are.
fn page_dir(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

/// The site path and fragment an internal link points at; `None` for a link out of the
/// site (another host, `mailto:`, …). `page` is the linking page's site path.
pub fn resolve(url: &str, page: &str, base_url: &str) -> Option<(String, Option<String>)> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    let fragment = fragment
        .filter(|f| !f.is_empty())
        .map(|f| crate::serve::paths::decode(f).unwrap_or_else(|| f.to_owned()));
    let base_host = base_url.split_once("://").map_or(base_url, |(_, h)| h);
    let joined = if rest.is_empty() {
        page.to_owned()
    } else if let Some(under) = strip_base(rest, base_url, base_host) {
        under.to_owned()
    } else if rest.starts_with("//") || crate::html::has_scheme(rest) {
        return None;
    } else if let Some(root) = rest.strip_prefix('/') {
        // `/static/x` is `/x`: static/ is copied to the root (see markdown/links.rs).
        root.strip_prefix("static/").unwrap_or(root).to_owned()
    } else {
        format!("{}{rest}", crate::content::permalink::page_dir(page))
    };
    let decoded = crate::serve::paths::decode(&joined).unwrap_or(joined);
    Some((normalize(&decoded), fragment))
}

/// The part of an absolute URL under the site's base URL (`https://x.org/repo/a/` → `a/`),
/// with or without a scheme.
fn strip_base<'a>(url: &'a str, base_url: &str, base_host: &str) -> Option<&'a str> {
    let bare = base_url.trim_end_matches('/');
    let under = url
        .strip_prefix(base_url)
        .or_else(|| {
            url.strip_prefix("//")
                .and_then(|u| u.strip_prefix(base_host))
        })
        .or_else(|| (url == bare).then_some(""))?;
    Some(under)
}

/// Resolves `.` and `..` segments (never above the root, as browsers do), keeping a
/// trailing slash.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, s) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *s {
            "." => {}
            ".." => {
                parts.pop();
            }
            "" if !last => {}
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    let ends_in_folder = matches!(segments.last(), Some(&"" | &"." | &".."));
    if ends_in_folder && !out.is_empty() && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The `id` and `name` values of an HTML page: every place a fragment can land. Every
/// page of a build passes here, so the search is memchr's, over bytes.
fn ids_in(html: &[u8]) -> PageIds {
    use std::sync::OnceLock;
    static FINDERS: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        [
            memchr::memmem::Finder::new(" id="),
            memchr::memmem::Finder::new(" name="),
        ]
    });
    let mut ids = String::from("\0");
    for finder in finders {
        for i in finder.find_iter(html) {
            let rest = &html[i + finder.needle().len()..];
            let Some(&quote @ (b'"' | b'\'')) = rest.first() else {
                continue;
            };
            if let Some(end) = memchr::memchr(quote, &rest[1..]) {
                ids.push_str(&unescape(&String::from_utf8_lossy(&rest[1..1 + end])));
                ids.push('\0');
            }
        }
    }
    ids.shrink_to_fit();
    PageIds(ids)
}

/// The text of an attribute value (heading ids are escaped like any attribute).
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Gives reports their source line, read again from the file (links do not keep the text
/// of their lines: a big site's would fill memory). Reports come sorted by file, so each
/// file is read once; only the reports to be shown need this.
pub fn add_source_lines(root: &Path, reports: &mut [Diagnostic]) {
    let mut lines_of: Option<(PathBuf, Vec<String>)> = None;
    for d in reports.iter_mut().filter(|d| d.source_line.is_none()) {
        let Some(line) = d.line else { continue };
        if lines_of.as_ref().is_none_or(|(p, _)| *p != d.path) {
            let text = std::fs::read_to_string(root.join(&d.path)).unwrap_or_default();
            lines_of = Some((d.path.clone(), text.lines().map(str::to_owned).collect()));
        }
        d.source_line = lines_of
            .as_ref()
            .and_then(|(_, l)| l.get(line - 1))
            .cloned();
    }
}

/// How many broken links of one build get a "did you mean" (the rest get a general hint).
const SUGGESTIONS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://x.org/repo/";

    fn r(url: &str) -> Option<(String, Option<String>)> {
        resolve(url, "blog/post/", BASE)
    }

    fn path(p: &str, f: Option<&str>) -> Option<(String, Option<String>)> {
        Some((p.to_owned(), f.map(str::to_owned)))
    }

    #[test]
    fn internal_links_resolve_to_site_paths() {
        assert_eq!(r("/blog/a/"), path("blog/a/", None));
        assert_eq!(r("/static/img/a.png"), path("img/a.png", None));
        assert_eq!(r("../a/#intro"), path("blog/a/", Some("intro")));
        assert_eq!(r("#top"), path("blog/post/", Some("top")));
        assert_eq!(r("pic.png?v=2"), path("blog/post/pic.png", None));
        assert_eq!(r("https://x.org/repo/tags/"), path("tags/", None));
        assert_eq!(r("https://x.org/repo"), path("", None));
        assert_eq!(r("//x.org/repo/a/"), path("a/", None));
        assert_eq!(r("/caf%C3%A9/"), path("café/", None));
        assert_eq!(r("../../../x"), path("x", None));
        assert_eq!(r(".."), path("blog/", None));
    }

    #[test]
    fn links_out_of_the_site_are_not_ours() {
        for url in [
            "https://y.org/",
            "https://x.org/other/",
            "mailto:a@b.c",
            "//cdn.x/a.js",
            "data:image/png;base64,AA",
            "",
        ] {
            assert_eq!(r(url), None, "{url}");
        }
    }

    #[test]
    fn ids_and_names_in_html() {
        let ids = ids_in(b"<h2 id=\"a&amp;b\">x</h2><a name='old'></a><p data-id=\"no\">");
        let mut ids: Vec<_> = ids.iter().collect();
        ids.sort();
        assert_eq!(ids, ["a&b", "old"]);
        let page = ids_in(b"<h2 id=\"x\">");
        assert!(page.contains("x") && !page.contains("") && !page.contains("x\0"));
    }
}
