//! The output folder: written atomically by a first build, updated in place (changed
//! files only, stale ones deleted) by a later one. See the module above for the why.

use super::{check_output_dir, has_kept_entries, Body, Destination, OutputFile, KEPT, MARKER};
use crate::error::{Diagnostic, Diagnostics, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Removes the staging folders of builds that were killed before they could clean up
/// (`.public.inkpress-new-PID` whose process is gone); a running build's is left alone.
fn remove_abandoned_staging(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix)?.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_is_running(pid)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Elsewhere a process cannot be asked about cheaply: keep every staging folder.
#[cfg(not(unix))]
fn process_is_running(_pid: u32) -> bool {
    true
}

/// The output folder, while a build writes it. Dropped unfinished (a failed build), it
/// removes what it wrote and leaves the previous output as it was.
pub struct OutputWriter {
    out: PathBuf,
    mode: Mode,
    /// Folders made so far in the fresh folder, so that each is made once.
    made: Mutex<HashSet<PathBuf>>,
}

enum Mode {
    /// Everything goes into this new folder, renamed to the output at the end.
    Fresh { staging: PathBuf },
    /// The output is an earlier build's: unchanged files are left as they are.
    Update,
}

impl OutputWriter {
    /// Checks that `out` may be written (see [`check_output_dir`]) and gets it ready.
    pub fn begin(out: &Path, root: &Path) -> Result<OutputWriter> {
        check_output_dir(out, root)?;
        // A folder with version control in it is updated in place: a swap for a new
        // folder would take the repository away with the old one.
        if out.join(MARKER).is_file() || has_kept_entries(out) {
            return Ok(OutputWriter {
                out: out.to_path_buf(),
                mode: Mode::Update,
                made: Mutex::default(),
            });
        }
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .map_or("public".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.inkpress-new-");
        remove_abandoned_staging(parent, &prefix);
        let staging = parent.join(format!("{prefix}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging)
            .map_err(|e| Diagnostic::io(&staging, "create the folder", &e))?;
        Ok(OutputWriter {
            out: out.to_path_buf(),
            mode: Mode::Fresh { staging },
            made: Mutex::default(),
        })
    }

    /// Puts what the build kept in memory in place, then the whole output: `produced`
    /// is the path of every file of the site (anything else in the output goes).
    pub fn finish(mut self, kept: &[OutputFile], produced: &[String]) -> Result<()> {
        match std::mem::replace(&mut self.mode, Mode::Update) {
            Mode::Fresh { staging } => {
                let result = self.finish_fresh(&staging, kept);
                if result.is_err() {
                    let _ = std::fs::remove_dir_all(&staging);
                }
                result
            }
            Mode::Update => self.finish_update(kept, produced),
        }
    }

    fn finish_fresh(&self, staging: &Path, kept: &[OutputFile]) -> Result<()> {
        let errors: Vec<Diagnostic> = kept
            .iter()
            .filter_map(|f| self.write_new(staging, f).err())
            .collect();
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(errors));
        }
        write_marker(staging)?;
        // An empty folder may stand where the output goes (it was allowed): set it aside.
        let retired = staging.with_file_name(
            staging
                .file_name()
                .map(|n| n.to_string_lossy().replace("-new-", "-old-"))
                .unwrap_or_default(),
        );
        let had_previous = self.out.exists();
        if had_previous {
            std::fs::rename(&self.out, &retired)
                .map_err(|e| Diagnostic::io(&self.out, "move the previous output aside", &e))?;
        }
        if let Err(e) = std::fs::rename(staging, &self.out) {
            if had_previous {
                let _ = std::fs::rename(&retired, &self.out);
            }
            return Err(Diagnostic::io(&self.out, "put the new output in place", &e).into());
        }
        if had_previous {
            let _ = std::fs::remove_dir_all(&retired);
        }
        Ok(())
    }

    fn finish_update(&self, kept: &[OutputFile], produced: &[String]) -> Result<()> {
        use rayon::prelude::*;
        let errors: Vec<Diagnostic> = kept
            .par_iter()
            .filter_map(|f| replace_file(&self.out, f).err())
            .collect();
        if !errors.is_empty() {
            return Err(Diagnostics::sorted(errors));
        }
        let produced = Produced {
            exact: produced.iter().map(String::as_str).collect(),
            folded: produced
                .iter()
                .map(|p| (p.to_lowercase(), p.as_str()))
                .collect(),
        };
        remove_stale(&self.out, &self.out, &produced)?;
        write_marker(&self.out)
    }

    /// Writes a file into the fresh folder, making its folders first (each once).
    fn write_new(&self, staging: &Path, file: &OutputFile) -> std::result::Result<(), Diagnostic> {
        let target = staging.join(&file.path);
        if let Some(parent) = target.parent() {
            // Made while holding the lock: another thread must not write into a folder
            // it was told exists before it does.
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(parent) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
                made.insert(parent.to_path_buf());
            }
        }
        write_body(file, &target).map_err(|e| Diagnostic::io(&target, "write the file", &e))
    }
}

impl Destination for OutputWriter {
    fn accept(&self, file: OutputFile) -> std::result::Result<Option<OutputFile>, Diagnostic> {
        match &self.mode {
            Mode::Fresh { staging } => self.write_new(staging, &file).map(|()| None),
            Mode::Update => {
                Ok((!same_as_on_disk(&file, &self.out.join(&file.path))).then_some(file))
            }
        }
    }
}

impl Drop for OutputWriter {
    fn drop(&mut self) {
        if let Mode::Fresh { staging } = &self.mode {
            let _ = std::fs::remove_dir_all(staging);
        }
    }
}

fn write_body(file: &OutputFile, target: &Path) -> std::io::Result<()> {
    match &file.body {
        Body::Bytes(b) => std::fs::write(target, b),
        Body::Embedded(b) => std::fs::write(target, b),
        Body::Stored(s) => std::fs::write(target, s.read()?),
        Body::Copy(src) => {
            std::fs::copy(src, target)?;
            // The copy keeps its source's modification time, so that the next build
            // knows it unchanged without reading either (see `same_as_on_disk`).
            let modified = std::fs::metadata(src)?.modified()?;
            std::fs::File::options()
                .write(true)
                .open(target)?
                .set_modified(modified)
        }
    }
}

/// Whether the file at `target` already holds exactly this file's content. A copied
/// file counts as the same when its length and modification time are its source's (as
/// rsync's quick check has it: the copy was made from that very source, and neither was
/// changed since); a site's photos are most of its bytes, and reading them and their
/// copies whole on every build cost more than all its pages.
fn same_as_on_disk(file: &OutputFile, target: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return false;
    };
    let expected_len = match &file.body {
        Body::Bytes(b) => b.len() as u64,
        Body::Embedded(b) => b.len() as u64,
        Body::Stored(s) => s.len() as u64,
        Body::Copy(src) => {
            let Ok(source) = std::fs::metadata(src) else {
                return false;
            };
            let modified = |m: &std::fs::Metadata| m.modified().ok();
            return meta.is_file()
                && meta.len() == source.len()
                && modified(&meta).is_some()
                && modified(&meta) == modified(&source);
        }
    };
    if !meta.is_file() || meta.len() != expected_len {
        return false;
    }
    match (file.bytes(), std::fs::read(target)) {
        (Ok(new), Ok(old)) => *new == *old,
        _ => false,
    }
}

/// Replaces one file of the output in a single rename, so that no reader (a server
/// serving the folder, say) ever sees it half written.
fn replace_file(out: &Path, file: &OutputFile) -> std::result::Result<(), Diagnostic> {
    let target = out.join(&file.path);
    let io = |e: std::io::Error| Diagnostic::io(&target, "write the file", &e);
    if let Some(parent) = target.parent() {
        make_folder(out, parent).map_err(io)?;
    }
    // A folder where the file goes (a page that became a file): it is stale.
    if target.is_dir() {
        std::fs::remove_dir_all(&target).map_err(io)?;
    }
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = target.with_file_name(format!(".{name}.inkpress-{}", std::process::id()));
    let written = write_body(file, &temp).and_then(|()| std::fs::rename(&temp, &target));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(io)
}

/// Makes `folder` inside `out`, replacing a stale file that stands where a folder goes.
fn make_folder(out: &Path, folder: &Path) -> std::io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    if let Some(parent) = folder.parent().filter(|p| p.starts_with(out) && *p != out) {
        make_folder(out, parent)?;
    }
    if folder.is_file() {
        std::fs::remove_file(folder)?;
    }
    match std::fs::create_dir(folder) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// The paths of a build's files, for telling stale files from current ones.
struct Produced<'a> {
    exact: HashSet<&'a str>,
    /// By lower-case path: on a case-insensitive disk (macOS, Windows) a post renamed
    /// from `Foo` to `foo` is one file under both names, and must not be deleted.
    folded: std::collections::HashMap<String, &'a str>,
}

impl Produced<'_> {
    fn has(&self, out: &Path, rel: &str, path: &Path) -> bool {
        if self.exact.contains(rel) {
            return true;
        }
        match self.folded.get(&rel.to_lowercase()) {
            Some(current) => same_file(path, &out.join(current)),
            None => false,
        }
    }
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Without inode numbers to compare, a name differing only in case is kept: a stale
/// file left behind is better than a current page deleted.
#[cfg(not(unix))]
fn same_file(_: &Path, b: &Path) -> bool {
    b.exists()
}

/// Deletes every file under `dir` that the site no longer has, and folders left empty.
fn remove_stale(out: &Path, dir: &Path, produced: &Produced) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Diagnostic::io(dir, "read the folder", &e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(out)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if dir == out && KEPT.iter().any(|k| entry.file_name() == *k) {
            continue;
        }
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let gone = |e: std::io::Error| Diagnostic::io(&path, "remove the stale file", &e);
        if is_dir {
            remove_stale(out, &path, produced)?;
            if std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                std::fs::remove_dir(&path).map_err(gone)?;
            }
        } else if rel != MARKER && !produced.has(out, &rel, &path) {
            std::fs::remove_file(&path).map_err(gone)?;
        }
    }
    Ok(())
}

fn write_marker(dir: &Path) -> Result<()> {
    std::fs::write(
        dir.join(MARKER),
        "This folder was written by inkpress and is replaced by each build.\n",
    )
    .map_err(|e| Diagnostic::io(dir, "write the build marker", &e).into())
}

/// Writes `files` to `out` as a build does (tests, benchmarks, and callers that already
/// hold every file in memory).
pub fn write_atomically(files: &[OutputFile], out: &Path, root: &Path) -> Result<()> {
    let writer = OutputWriter::begin(out, root)?;
    let mut kept = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match writer.accept(file.clone()) {
            Ok(Some(file)) => kept.push(file),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::sorted(errors));
    }
    let produced: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    writer.finish(&kept, &produced)
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

    fn inode(p: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).unwrap().ino()
    }

    #[test]
    fn a_build_over_its_own_output_rewrites_only_what_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = [
            OutputFile::new("index.html", "home"),
            OutputFile::new("blog/a/index.html", "a"),
            OutputFile::new("blog/gone/index.html", "gone"),
            OutputFile::new("feed", "was a file"),
            OutputFile::new("page/index.html", "was a folder"),
        ];
        write_atomically(&first, &out, tmp.path()).unwrap();
        let (home, a) = (
            inode(&out.join("index.html")),
            inode(&out.join("blog/a/index.html")),
        );
        let second = [
            OutputFile::new("index.html", "home"),
            OutputFile::new("blog/a/index.html", "a, edited"),
            OutputFile::new("blog/new/index.html", "new"),
            OutputFile::new("feed/index.xml", "now a folder"),
            OutputFile::new("page", "now a file"),
        ];
        write_atomically(&second, &out, tmp.path()).unwrap();
        assert_eq!(
            inode(&out.join("index.html")),
            home,
            "an unchanged page was rewritten"
        );
        assert_ne!(inode(&out.join("blog/a/index.html")), a);
        for f in &second {
            assert_eq!(
                std::fs::read(out.join(&f.path)).unwrap(),
                *f.bytes().unwrap()
            );
        }
        assert!(
            !out.join("blog/gone").exists(),
            "a stale page or its folder survived"
        );
        let mut names: Vec<String> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "",
                ".inkpress-build",
                "blog",
                "blog/a",
                "blog/a/index.html",
                "blog/new",
                "blog/new/index.html",
                "feed",
                "feed/index.xml",
                "index.html",
                "page"
            ]
        );
    }

    #[test]
    fn a_copy_is_made_again_only_when_it_or_its_source_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let src = tmp.path().join("photo.jpg");
        std::fs::write(&src, "pixels 1").unwrap();
        let files = [OutputFile {
            path: "photo.jpg".into(),
            body: Body::Copy(src.clone()),
        }];
        let target = out.join("photo.jpg");
        let build = || write_atomically(&files, &out, tmp.path()).unwrap();
        build();
        let first = inode(&target);
        build();
        assert_eq!(inode(&target), first, "an unchanged copy is left alone");
        // The source edited, same length: its time changes, so the copy is made again.
        std::fs::write(&src, "pixels 2").unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(later)
            .unwrap();
        build();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "pixels 2");
        // The copy edited by hand, same length: made again from its source.
        std::fs::write(&target, "hand 123").unwrap();
        build();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "pixels 2");
    }

    #[test]
    fn a_name_differing_only_in_case_is_stale_unless_it_is_the_same_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = [
            OutputFile::new("blog/Old/index.html", "old"),
            OutputFile::new("blog/same/index.html", "same"),
        ];
        write_atomically(&first, &out, tmp.path()).unwrap();
        // A case-insensitive disk shows one file under both spellings; a hard link is
        // how this case-sensitive disk can show the same.
        std::fs::create_dir_all(out.join("blog/SAME")).unwrap();
        std::fs::hard_link(
            out.join("blog/same/index.html"),
            out.join("blog/SAME/index.html"),
        )
        .unwrap();
        let second = [
            OutputFile::new("blog/old/index.html", "renamed"),
            OutputFile::new("blog/same/index.html", "same"),
        ];
        write_atomically(&second, &out, tmp.path()).unwrap();
        assert!(
            !out.join("blog/Old").exists(),
            "a different file whose name differs only in case survived"
        );
        assert!(
            out.join("blog/SAME/index.html").exists(),
            "the current page was deleted under its other spelling"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("blog/old/index.html")).unwrap(),
            "renamed"
        );
    }

    #[test]
    fn version_control_in_the_output_is_never_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // A fresh clone of an empty gh-pages branch, and a worktree's `.git` file.
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
        std::fs::write(out.join(".jj"), "not a folder, still kept").unwrap();
        let first = [
            OutputFile::new("index.html", "home"),
            OutputFile::new("blog/a/index.html", "a"),
        ];
        write_atomically(&first, &out, tmp.path()).unwrap();
        write_atomically(&[OutputFile::new("index.html", "home")], &out, tmp.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join(".git/HEAD")).unwrap(),
            "ref: refs/heads/gh-pages\n"
        );
        assert!(out.join(".git/objects").is_dir() && out.join(".jj").is_file());
        assert!(!out.join("blog").exists(), "a stale page survived");
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        // Other files that inkpress did not write still make the folder off limits.
        std::fs::remove_file(out.join(MARKER)).unwrap();
        assert!(write_atomically(&first, &out, tmp.path()).is_err());
    }

    #[test]
    fn an_unfinished_writer_leaves_no_trace_and_the_output_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // A first build that fails half way: nothing appears.
        let writer = OutputWriter::begin(&out, tmp.path()).unwrap();
        writer.accept(OutputFile::new("a/index.html", "a")).unwrap();
        drop(writer);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
        // A later build that fails: the output stays as it was.
        write_atomically(&[OutputFile::new("a/index.html", "a")], &out, tmp.path()).unwrap();
        let writer = OutputWriter::begin(&out, tmp.path()).unwrap();
        let kept = writer
            .accept(OutputFile::new("a/index.html", "changed"))
            .unwrap();
        assert!(
            kept.is_some(),
            "a changed page is kept until the build is done"
        );
        drop(writer);
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "a"
        );
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
