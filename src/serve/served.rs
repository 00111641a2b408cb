//! The site being served: the files of the last good build by site path, and what a
//! request path finds among them. Nothing outside this map is ever served.
//!
//! No file's bytes are in memory: pages come from the memo already in the session's
//! spool, and files made in memory (the search index, the sitemap) are put in a spool
//! of the served site's as they arrive.

use crate::memo::FastMap;
use crate::output::spool::Spool;
use crate::output::{Body, OutputFile};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One successful build, kept in memory. Replaced whole by the next successful build.
pub struct ServedSite {
    /// Counts successful builds that changed something; pages carry the one they were served from.
    pub generation: u64,
    /// Shared with the sites made from this one by patches, which copy only pointers.
    files: FastMap<Arc<str>, Arc<OutputFile>>,
    /// The folders copied files come from (`static/`, page bundles under `content/`,
    /// image variants in the cache), resolved: copied files are read at request time and
    /// must still be in one of them.
    copied_from: Vec<PathBuf>,
    /// Where files made in memory are put (none: they stay in memory).
    spool: Option<Arc<Spool>>,
}

/// What a site path finds.
#[derive(Debug)]
pub enum Found<'a> {
    File(&'a OutputFile),
    /// A folder asked for without its trailing slash: the path to send the browser to.
    AddSlash(String),
    NotFound,
}

impl ServedSite {
    pub fn new(generation: u64, files: Vec<OutputFile>, root: &Path) -> ServedSite {
        let spool = Spool::open(Some(&root.join(crate::build::CACHE_DIR))).ok();
        ServedSite {
            generation,
            files: entries(files, spool.as_ref()).collect(),
            copied_from: copied_from(root),
            spool,
        }
    }

    /// The file at the output path `key`.
    pub fn file(&self, key: &str) -> Option<&OutputFile> {
        self.files.get(key).map(Arc::as_ref)
    }

    /// `""` and `blog/x/` find their `index.html`; `blog/x` finds a redirect to `blog/x/`,
    /// as GitHub Pages does.
    pub fn find(&self, site_path: &str) -> Found<'_> {
        if let Some(file) = self.files.get(file_key(site_path).as_ref()) {
            return Found::File(file);
        }
        if !site_path.ends_with('/')
            && !site_path.is_empty()
            && self
                .files
                .contains_key(format!("{site_path}/index.html").as_str())
        {
            return Found::AddSlash(format!("{site_path}/"));
        }
        Found::NotFound
    }

    /// The files under `folder/`.
    pub fn files_under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = &'a OutputFile> {
        self.files
            .values()
            .map(Arc::as_ref)
            .filter(move |f| is_under(&f.path, folder))
    }

    /// This site, of the same generation, with `files` in place of those under `folder/`.
    pub fn with_folder_replaced(&self, folder: &str, files: Vec<OutputFile>) -> ServedSite {
        let kept = self
            .files
            .iter()
            .filter(|(_, f)| !is_under(&f.path, folder));
        ServedSite {
            generation: self.generation,
            files: kept
                .map(|(p, f)| (Arc::clone(p), Arc::clone(f)))
                .chain(entries(files, self.spool.as_ref()))
                .collect(),
            copied_from: self.copied_from.clone(),
            spool: self.spool.clone(),
        }
    }

    pub fn not_found_page(&self) -> Option<&OutputFile> {
        self.files.get("404.html").map(Arc::as_ref)
    }

    /// A file's bytes. Copied files are read now, and only while they are still regular
    /// files inside the folder they came from (a symlink swapped in since the build is
    /// refused).
    pub fn read<'a>(&self, file: &'a OutputFile) -> std::io::Result<Cow<'a, [u8]>> {
        read_inside(file, &self.copied_from)
    }

    /// Whether `new` differs from this site's file at its path (or the site has none).
    /// A copied file counts as changed when its source is among `touched`.
    pub fn differs(&self, new: &OutputFile, touched: &HashSet<PathBuf>) -> bool {
        match self.files.get(new.path.as_str()) {
            None => true,
            Some(old) => match (&old.body, &new.body) {
                (Body::Copy(a), Body::Copy(b)) => a != b || touched.contains(b),
                // A page reused from the memo is the very same value: no need to compare.
                (a, b) => !(a.is(b) || a.same_content(b) == Some(true)),
            },
        }
    }

    /// Site paths whose content differs between this site and `files`: added, removed or
    /// changed. A copied file counts as changed when its source is among `touched`.
    pub fn changes(&self, files: &[OutputFile], touched: &HashSet<PathBuf>) -> Vec<String> {
        let now: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone = self.files.keys().filter(|p| !now.contains(p.as_ref()));
        self.changed(files, gone.map(|p| p.as_ref()), touched)
    }

    /// As [`changes`](Self::changes), of a patch: `files` in place of this site's at
    /// their paths, the files at `removed` gone, and every other file kept.
    pub fn changes_by(
        &self,
        files: &[OutputFile],
        removed: &[String],
        touched: &HashSet<PathBuf>,
    ) -> Vec<String> {
        let gone = removed
            .iter()
            .map(String::as_str)
            .filter(|p| self.files.contains_key(*p));
        self.changed(files, gone, touched)
    }

    fn changed<'a>(
        &self,
        files: &[OutputFile],
        gone: impl Iterator<Item = &'a str>,
        touched: &HashSet<PathBuf>,
    ) -> Vec<String> {
        let mut changed: Vec<String> = files
            .iter()
            .filter(|new| self.differs(new, touched))
            .map(|f| f.path.clone())
            .collect();
        changed.extend(gone.map(str::to_owned));
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// This site with `files` in place of its own at their paths and the files at
    /// `removed` gone, as generation `generation`.
    pub fn patched(
        &self,
        generation: u64,
        files: Vec<OutputFile>,
        removed: &[String],
    ) -> ServedSite {
        let mut all = self.files.clone();
        for path in removed {
            all.remove(path.as_str());
        }
        all.extend(entries(files, self.spool.as_ref()));
        ServedSite {
            generation,
            files: all,
            copied_from: self.copied_from.clone(),
            spool: self.spool.clone(),
        }
    }
}

/// The output path a site path finds: `""` and `blog/x/` their `index.html`.
pub fn file_key(site_path: &str) -> Cow<'_, str> {
    if site_path.is_empty() || site_path.ends_with('/') {
        Cow::Owned(format!("{site_path}index.html"))
    } else {
        Cow::Borrowed(site_path)
    }
}

/// The folders copied files come from (`static/`, page bundles under `content/`, image
/// variants in the cache), resolved.
pub fn copied_from(root: &Path) -> Vec<PathBuf> {
    ["static", "content", crate::build::CACHE_DIR]
        .iter()
        .filter_map(|d| std::fs::canonicalize(root.join(d)).ok())
        .collect()
}

/// A file's bytes. Copied files are read now, and only while they are still regular
/// files inside one of the folders `copied_from` (a symlink swapped in since the build
/// is refused).
pub fn read_inside<'a>(
    file: &'a OutputFile,
    copied_from: &[PathBuf],
) -> std::io::Result<Cow<'a, [u8]>> {
    if let Body::Copy(source) = &file.body {
        let inside = std::fs::canonicalize(source)
            .ok()
            .is_some_and(|real| real.is_file() && copied_from.iter().any(|d| real.starts_with(d)));
        if !inside {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no longer a file inside the folder it was copied from",
            ));
        }
    }
    file.bytes()
}

/// The files of the map, under their paths, those made in memory put in `spool`
/// (written in parallel: a first build's search index is tens of megabytes).
fn entries(
    files: Vec<OutputFile>,
    spool: Option<&Arc<Spool>>,
) -> impl Iterator<Item = (Arc<str>, Arc<OutputFile>)> {
    let stowed: Vec<OutputFile> = files
        .into_par_iter()
        .map(|file| match (&file.body, spool) {
            (Body::Bytes(bytes), Some(spool)) => match spool.put(bytes) {
                Ok(stored) => OutputFile {
                    path: file.path,
                    body: Body::Stored(stored),
                },
                Err(_) => file,
            },
            _ => file,
        })
        .collect();
    stowed
        .into_iter()
        .map(|file| (Arc::from(file.path.as_str()), Arc::new(file)))
}

/// Whether the site path `path` is inside the folder `folder`.
fn is_under(path: &str, folder: &str) -> bool {
    path.strip_prefix(folder)
        .is_some_and(|p| p.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: Vec<OutputFile>) -> ServedSite {
        ServedSite::new(1, files, Path::new("/nonexistent"))
    }

    #[test]
    fn folders_find_index_and_redirect_without_slash() {
        let s = site(vec![
            OutputFile::new("index.html", "home"),
            OutputFile::new("blog/x/index.html", "x"),
            OutputFile::new("css/a.css", "a"),
        ]);
        assert!(matches!(s.find(""), Found::File(f) if f.path == "index.html"));
        assert!(matches!(s.find("blog/x/"), Found::File(f) if f.path == "blog/x/index.html"));
        assert!(matches!(s.find("blog/x"), Found::AddSlash(p) if p == "blog/x/"));
        assert!(matches!(s.find("css/a.css"), Found::File(_)));
        assert!(matches!(s.find("css/a.css/"), Found::NotFound));
        assert!(matches!(s.find("blog/"), Found::NotFound));
        assert!(matches!(s.find("blog/y"), Found::NotFound));
    }

    #[test]
    fn changes_cover_edits_additions_removals_and_touched_copies() {
        let s = site(vec![
            OutputFile::new("a.html", "a"),
            OutputFile::new("gone.html", "g"),
            OutputFile::new("same.html", "s"),
            OutputFile {
                path: "img.png".into(),
                body: Body::Copy("/site/static/img.png".into()),
            },
        ]);
        let new = vec![
            OutputFile::new("a.html", "a2"),
            OutputFile::new("new.html", "n"),
            OutputFile::new("same.html", "s"),
            OutputFile {
                path: "img.png".into(),
                body: Body::Copy("/site/static/img.png".into()),
            },
        ];
        assert_eq!(
            s.changes(&new, &HashSet::new()),
            ["a.html", "gone.html", "new.html"]
        );
        let touched = HashSet::from([PathBuf::from("/site/static/img.png")]);
        assert_eq!(
            s.changes(&new, &touched),
            ["a.html", "gone.html", "img.png", "new.html"]
        );
    }

    #[test]
    fn a_folder_is_replaced_whole_and_the_rest_kept() {
        let s = site(vec![
            OutputFile::new("find/old.json", "o"),
            OutputFile::new("find/find.js", "j"),
            OutputFile::new("finder.html", "p"),
            OutputFile::new("index.html", "i"),
        ]);
        let mut under: Vec<_> = s.files_under("find").map(|f| f.path.as_str()).collect();
        under.sort_unstable();
        assert_eq!(under, ["find/find.js", "find/old.json"]);
        let new = s.with_folder_replaced(
            "find",
            vec![
                OutputFile::new("find/new.json", "n"),
                OutputFile::new("find/find.js", "j2"),
            ],
        );
        assert_eq!(new.generation, s.generation);
        let mut paths: Vec<_> = new.files.keys().map(|p| p.as_ref()).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            ["find/find.js", "find/new.json", "finder.html", "index.html"]
        );
        assert!(
            matches!(new.find("find/find.js"), Found::File(f) if f.bytes().unwrap().as_ref() == b"j2")
        );
    }
}
