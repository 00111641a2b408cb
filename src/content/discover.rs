//! Discovery: which files under `content/` are posts, which are pages, and their default URLs.

use super::slug::path_segment;
use crate::error::Diagnostic;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Under `content/blog/`: dated, listed, tagged.
    Post,
    /// Any other Markdown under `content/`: a standalone page such as `/about/`.
    Page,
    /// `content/authors/NAME.md`: a page, and the profile of the author `NAME` that
    /// posts' `authors` refer to.
    Author,
}

/// A Markdown file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as shown to the writer in messages (relative to the site root).
    pub display: PathBuf,
    pub kind: Kind,
    /// Site path from the file's location: `blog/<stem>/`, `about/`.
    pub default_path: String,
    /// For an `index.md` (a page bundle, as Hugo and Zola have them): the other files in
    /// its folder, relative to it (`cover.png`, `img/a.png`), published beside its page.
    pub assets: Vec<PathBuf>,
}

impl SourceFile {
    pub fn is_mdx(&self) -> bool {
        self.path.extension().is_some_and(|e| e == "mdx")
    }
}

/// Every `.md` and `.mdx` file under `root/content`, sorted by path. Hidden files and
/// folders, and Hugo's `_index.md` section files, are skipped.
pub fn discover(root: &Path) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(vec![Diagnostic::new(&content, "there is no content/ folder here")
            .hint("run inkpress in your site's folder (or pass --root DIR), or create a site with `inkpress init`")]);
    }
    let mut found = Vec::new();
    let mut others = Vec::new();
    let mut errors = Vec::new();
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(walk_error(root, &content, &e));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || entry.file_name() == "_index.md" {
            continue;
        }
        if !has_source_name(path) {
            if !is_editor_temporary(path) {
                others.push(path.to_path_buf());
            }
            continue;
        }
        let rel = path.strip_prefix(&content).unwrap_or(path);
        let kind = if rel.starts_with("blog") {
            Kind::Post
        } else if rel.starts_with("authors") && rel.components().count() == 2 {
            Kind::Author
        } else {
            Kind::Page
        };
        let display = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        found.push(SourceFile {
            path: path.to_path_buf(),
            display,
            kind,
            default_path: default_path(rel),
            assets: Vec::new(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    add_bundle_assets(&mut found, others, &content);
    Ok(found)
}

/// Why an entry of `content/` could not be read, for the writer: symbolic links are
/// followed wherever they point, so a loop or a link to nothing is a mistake to fix.
fn walk_error(root: &Path, content: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().unwrap_or(content);
    let shown = path.strip_prefix(root).unwrap_or(path);
    if let Some(ancestor) = e.loop_ancestor() {
        let ancestor = match ancestor.strip_prefix(root) {
            Ok(inside) if inside.as_os_str().is_empty() => "the site's folder".to_owned(),
            Ok(inside) => inside.display().to_string(),
            Err(_) => ancestor.display().to_string(),
        };
        return Diagnostic::new(
            shown,
            format!("this link points at {ancestor}, a folder it is in: a loop"),
        )
        .hint("remove the link, or point it at a folder outside content/");
    }
    match e.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => Diagnostic::new(
            shown,
            "this link points at nothing (its target was moved or deleted)",
        )
        .hint("remove the link, or point it at the file it should show"),
        Some(io) => Diagnostic::io(shown, "read this", io),
        None => Diagnostic::new(shown, format!("could not read: {e}")),
    }
}

/// Gives each `index.md` the other files of its folder and subfolders, unless a nearer
/// `index.md` has them.
fn add_bundle_assets(found: &mut [SourceFile], others: Vec<PathBuf>, content: &Path) {
    let bundles: std::collections::HashMap<PathBuf, usize> = found
        .iter()
        .enumerate()
        .filter(|(_, f)| f.path.file_stem().is_some_and(|s| s == "index"))
        .filter_map(|(i, f)| Some((f.path.parent()?.to_path_buf(), i)))
        .collect();
    if bundles.is_empty() {
        return;
    }
    for file in others {
        let owner = file
            .ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(content))
            .find_map(|dir| Some((dir, *bundles.get(dir)?)));
        if let Some((dir, i)) = owner {
            if let Ok(rel) = file.strip_prefix(dir) {
                found[i].assets.push(rel.to_path_buf());
            }
        }
    }
}

/// Whether a file of this name is a source, if it is not hidden: Markdown, and not a
/// Hugo section file.
fn has_source_name(path: &Path) -> bool {
    let is_markdown = path
        .extension()
        .is_some_and(|e| e == "md" || e == "mdx" || e == "markdown");
    is_markdown && path.file_name().is_some_and(|n| n != "_index.md")
}

/// Whether a file at `path` (under `content/`) could be a source: an editor's backup or
/// temporary file next to a post (`a.md~`, `.a.md.swp`, `sed1x2Y`) could not, so a save
/// that makes and removes one adds no source.
pub fn could_be_source(path: &Path, content: &Path) -> bool {
    let rel = path.strip_prefix(content).unwrap_or(path);
    let hidden = rel.iter().any(|c| c.to_string_lossy().starts_with('.'));
    !hidden && has_source_name(path)
}

/// A file an editor makes beside the one it saves (`a.md~`, `#a.md#`, vim's `4913`,
/// `.a.md.swp`): never a source, and never one of a bundle's files.
pub fn is_editor_temporary(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.starts_with(['.', '#'])
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp"].iter().any(|e| name.ends_with(e))
}

/// Whether `path` lies in a page bundle's folder (beside or under an `index.md` among
/// `sources`), where any file but an editor's temporary one is the bundle's.
pub fn in_bundle(path: &Path, sources: &[SourceFile]) -> bool {
    !is_editor_temporary(path)
        && sources.iter().any(|s| {
            s.path.file_stem().is_some_and(|n| n == "index")
                && s.path.parent().is_some_and(|dir| path.starts_with(dir))
        })
}

/// `blog/a.md` → `blog/a/`; `blog/x/index.md` → `blog/x/`; `about.md` → `about/`.
fn default_path(rel: &Path) -> String {
    let mut segments: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let file = segments.pop().unwrap_or_default();
    let stem = Path::new(&file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != "index" {
        segments.push(without_jekyll_date(&stem).to_owned());
    }
    let mut out = String::new();
    for s in segments {
        out.push_str(&path_segment(&s));
        out.push('/');
    }
    out
}

/// Jekyll's `2019-05-04-title` becomes `title`: the date lives in the front matter or
/// is taken from the name (see `date::jekyll_date`).
pub(crate) fn without_jekyll_date(stem: &str) -> &str {
    let dated = stem.len() > 11
        && stem.as_bytes()[10] == b'-'
        && chrono::NaiveDate::parse_from_str(&stem[..10], "%Y-%m-%d").is_ok();
    if dated {
        &stem[11..]
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_paths() {
        assert_eq!(default_path(Path::new("blog/a.md")), "blog/a/");
        assert_eq!(default_path(Path::new("blog/x/index.md")), "blog/x/");
        assert_eq!(
            default_path(Path::new("blog/nested/b.mdx")),
            "blog/nested/b/"
        );
        assert_eq!(default_path(Path::new("about.md")), "about/");
        assert_eq!(default_path(Path::new("My Page.md")), "my-page/");
        assert_eq!(default_path(Path::new("index.md")), "");
        assert_eq!(
            default_path(Path::new("blog/2019-05-04-jekyll-post.md")),
            "blog/jekyll-post/"
        );
        assert_eq!(
            default_path(Path::new("blog/2019-05-04.md")),
            "blog/2019-05-04/"
        );
    }
}
