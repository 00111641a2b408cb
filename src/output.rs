//! Output: the files a build produces, and writing them to disk in one atomic step.
//!
//! A build is written into a fresh folder beside the output, then swapped in with
//! renames: a failed build never touches the previous output, and a successful one
//! leaves no stale file behind.

use crate::error::{Diagnostic, Diagnostics, Result};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Marks a folder as inkpress output, so that inkpress only ever replaces its own folders.
pub const MARKER: &str = ".inkpress-build";

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
        }
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
        let empty = std::fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(refuse(
                "it is a folder with files that inkpress did not write (no .inkpress-build marker)",
            ));
        }
    }
    Ok(())
}

/// Writes `files` into a new folder, then swaps it in place of `out`.
pub fn write_atomically(files: &[OutputFile], out: &Path, root: &Path) -> Result<()> {
    check_output_dir(out, root)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.inkpress-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.inkpress-old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(e) = write_tree(files, &staging) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_previous = out.exists();
    if had_previous {
        std::fs::rename(out, &retired).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            Diagnostic::io(out, "move the previous output aside", &e)
        })?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        if had_previous {
            let _ = std::fs::rename(&retired, out);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(Diagnostic::io(out, "put the new output in place", &e).into());
    }
    if had_previous {
        let _ = std::fs::remove_dir_all(&retired);
    }
    Ok(())
}

/// Writes every file under `dir` (which must not exist yet), folders made once, files in parallel.
pub fn write_tree(files: &[OutputFile], dir: &Path) -> Result<()> {
    // Every folder with its ancestors, each made with one call: a parent sorts before
    // its children, and asking again for folders that exist cost a system call per file.
    let mut folders: BTreeSet<&str> = BTreeSet::new();
    for file in files {
        let mut path = file.path.as_str();
        while let Some((parent, _)) = path.rsplit_once('/') {
            if !folders.insert(parent) {
                break;
            }
            path = parent;
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Diagnostic::io(dir, "create the folder", &e))?;
    for folder in folders {
        let p = dir.join(folder);
        match std::fs::create_dir(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(Diagnostic::io(&p, "create the folder", &e).into());
            }
            _ => {}
        }
    }
    let errors: Vec<Diagnostic> = files
        .par_iter()
        .filter_map(|f| {
            let target = dir.join(&f.path);
            let result = match &f.body {
                Body::Bytes(b) => std::fs::write(&target, b),
                Body::Embedded(b) => std::fs::write(&target, b),
                Body::Copy(src) => std::fs::copy(src, &target).map(|_| ()),
            };
            result
                .err()
                .map(|e| Diagnostic::io(&target, "write the file", &e))
        })
        .collect();
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors));
    }
    std::fs::write(
        dir.join(MARKER),
        "This folder was written by inkpress and is replaced by each build.\n",
    )
    .map_err(|e| Diagnostic::io(dir, "write the build marker", &e).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_replaces_everything_and_keeps_marker() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_atomically(&[OutputFile::new("a/index.html", "one")], &out, tmp.path()).unwrap();
        write_atomically(&[OutputFile::new("b/index.html", "two")], &out, tmp.path()).unwrap();
        assert!(!out.join("a/index.html").exists(), "stale file survived");
        assert_eq!(
            std::fs::read_to_string(out.join("b/index.html")).unwrap(),
            "two"
        );
        assert!(out.join(MARKER).exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders left behind");
    }

    #[test]
    fn refuses_foreign_and_own_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/keep.txt"), "mine").unwrap();
        let files = [OutputFile::new("index.html", "x")];
        assert!(write_atomically(&files, root, root).is_err());
        assert!(write_atomically(&files, &root.join("content"), root).is_err());
        assert!(write_atomically(&files, &root.join("content/x"), root).is_err());
        assert!(write_atomically(&files, &root.join("docs"), root).is_err());
        assert_eq!(
            std::fs::read_to_string(root.join("docs/keep.txt")).unwrap(),
            "mine"
        );
        std::fs::create_dir_all(root.join("empty")).unwrap();
        assert!(write_atomically(&files, &root.join("empty"), root).is_ok());
    }
}
