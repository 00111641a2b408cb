//! Output: the files a build produces, and where they go as they are made.
//!
//! A build hands each finished file to a [`Destination`]: kept in memory (serve, check),
//! or the output folder through an [`OutputWriter`]. Either way a failed build never
//! touches the previous output, and a successful one leaves no stale file behind:
//!
//! - a first build streams every page into a fresh folder beside the output, so no page
//!   is held in memory once written, then renames the folder into place;
//! - a build over an earlier output compares each page with the file already there,
//!   keeps only the changed ones in memory, and once the whole build has succeeded
//!   replaces just those (each through a temporary file and a rename) and deletes the
//!   files the site no longer has. Rewriting and deleting every page of an unchanged
//!   site cost a warm build most of its time (creating files is slow on ext4).

use crate::error::{Diagnostic, Diagnostics, Result};
use std::path::{Path, PathBuf};

mod folder;
pub mod progress;
pub mod spool;
pub use folder::{write_atomically, OutputWriter};

/// Marks a folder as inkpress output, so that inkpress only ever replaces its own folders.
pub const MARKER: &str = ".inkpress-build";

/// Version-control folders at the top of the output, which a build never deletes: writers
/// keep `public/` as a clone or worktree of their gh-pages branch (Jekyll keeps these too).
const KEPT: &[&str] = &[".git", ".hg", ".svn", ".jj"];

/// Whether `out` holds one of the [`KEPT`] entries.
fn has_kept_entries(out: &Path) -> bool {
    KEPT.iter().any(|k| out.join(k).symlink_metadata().is_ok())
}

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Site-relative path with `/` separators: `blog/my-post/index.html`.
    pub path: String,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// Rendered in memory (cheap to clone: serve's cache and served site share it).
    Bytes(bytes::Bytes),
    /// Part of the default theme, compiled into the binary.
    Embedded(&'static [u8]),
    /// A file from `static/`, copied as it is (never loaded by `build`).
    Copy(PathBuf),
    /// Made by a session and kept in its spool (serve's pages: see [`spool`]).
    Stored(spool::Stored),
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            body: Body::Bytes(bytes::Bytes::from(bytes.into())),
        }
    }

    /// The file's content, reading it from disk for copied files.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.body {
            Body::Bytes(b) => Ok(b.as_ref().into()),
            Body::Embedded(b) => Ok((*b).into()),
            Body::Copy(p) => std::fs::read(p).map(Into::into),
            Body::Stored(s) => s.read().map(Into::into),
        }
    }
}

impl Body {
    /// Whether both are the very value a session kept (a page taken from the last
    /// build as it was), so that whatever was found in one holds for the other.
    pub fn is(&self, other: &Body) -> bool {
        match (self, other) {
            (Body::Bytes(a), Body::Bytes(b)) => a.as_ptr() == b.as_ptr() && a.len() == b.len(),
            (Body::Stored(a), Body::Stored(b)) => a.is(b),
            _ => false,
        }
    }

    /// Whether both hold the same bytes, if that can be told without reading a copied
    /// file (`None`: one of them is a copied file). Stored values are compared by
    /// their length and hash.
    pub fn same_content(&self, other: &Body) -> Option<bool> {
        fn in_memory(body: &Body) -> Option<&[u8]> {
            match body {
                Body::Bytes(b) => Some(b.as_ref()),
                Body::Embedded(b) => Some(b),
                Body::Copy(_) | Body::Stored(_) => None,
            }
        }
        Some(match (self, other) {
            (Body::Copy(_), _) | (_, Body::Copy(_)) => return None,
            (Body::Stored(a), Body::Stored(b)) => a.same_content(b),
            (Body::Stored(s), b) | (b, Body::Stored(s)) => in_memory(b).is_some_and(|b| s.holds(b)),
            (a, b) => in_memory(a) == in_memory(b),
        })
    }
}

/// Refuses output folders that a build must never replace.
pub fn check_output_dir(out: &Path, root: &Path) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (out_c, root_c) = (canon(out), canon(root));
    let refuse = |why: &str| -> Diagnostics {
        Diagnostic::new(out, format!("refusing to write the site here: {why}"))
            .hint("choose another folder with -o, such as -o public")
            .into()
    };
    if out_c == root_c || root_c.starts_with(&out_c) {
        return Err(refuse("it is the site's root folder or contains it"));
    }
    for own in ["content", "templates", "static"] {
        if out_c.starts_with(canon(&root.join(own))) {
            return Err(refuse(&format!("it is inside {own}/")));
        }
    }
    if out.is_file() {
        return Err(refuse("it is a file"));
    }
    if out.is_dir() && !out.join(MARKER).exists() {
        // Empty but for version control (a fresh clone of a gh-pages branch) will do.
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.all(|e| e.is_ok_and(|e| KEPT.iter().any(|k| e.file_name() == *k))))
            .unwrap_or(false);
        if !empty {
            return Err(refuse(
                "it is a folder with files that inkpress did not write (no .inkpress-build marker)",
            ));
        }
    }
    Ok(())
}

/// Where a build's files go as they are made.
pub trait Destination: Sync {
    /// Takes one finished file: writes it (`None`), or gives it back to be kept in memory.
    fn accept(&self, file: OutputFile) -> std::result::Result<Option<OutputFile>, Diagnostic>;

    /// Told, before the first file, how many HTML pages the build will make (for a
    /// progress bar); most destinations have no use for it.
    fn expect_pages(&self, _pages: usize) {}

    /// The output paths of pages someone is waiting for (serve: the pages open in
    /// browsers, requests that came during the build), taken: the build makes them
    /// ahead of their turn. Most destinations want nothing first.
    fn wanted(&self) -> Vec<String> {
        Vec::new()
    }

    /// Told that the pages at `paths`, which [`wanted`](Self::wanted) named, are made:
    /// each handed over already, or, in a build that hands over only changes
    /// ([`Scope::Changes`]), left out as the same as the last build's.
    fn made_ahead(&self, _paths: &[String]) {}
}

/// What a build made: the path of every file, and the files kept in memory.
#[derive(Debug, Default)]
pub struct Made {
    pub kept: Vec<OutputFile>,
    pub paths: Vec<String>,
}

impl Made {
    /// Hands `file` to `dest`, keeping it if `dest` gives it back.
    pub fn send(
        &mut self,
        dest: &dyn Destination,
        file: OutputFile,
    ) -> std::result::Result<(), Diagnostic> {
        self.paths.push(file.path.clone());
        self.kept.extend(dest.accept(file)?);
        Ok(())
    }
}

/// Which of the site's files a build handed to its destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every one.
    Whole,
    /// Those that may differ from the last build of the session; every other file of
    /// that build is the same (a session's destination keeps them).
    Changes,
}

/// Keeps every file in memory: serve's site, `check`, tests.
pub struct InMemory;

impl Destination for InMemory {
    fn accept(&self, file: OutputFile) -> std::result::Result<Option<OutputFile>, Diagnostic> {
        Ok(Some(file))
    }
}
