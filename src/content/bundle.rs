//! Page bundles: a post or page written as `content/blog/x/index.md` keeps its images and
//! other files beside it, and they are published beside its page (`/blog/x/photo.jpg`),
//! so `![](./photo.jpg)` works in the editor's preview and on the site alike.

use super::Document;
use crate::output::{Body, OutputFile};

/// The files of `doc`'s bundle, at their site paths; none if it is not a bundle. Markdown
/// files, hidden files and folders that are bundles of their own are left out.
pub fn assets(doc: &Document) -> Vec<OutputFile> {
    let Some(folder) = doc.bundle_folder() else {
        return Vec::new();
    };
    let is_markdown = |p: &std::path::Path| {
        p.extension()
            .is_some_and(|e| e == "md" || e == "mdx" || e == "markdown")
    };
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            let own_bundle = e.depth() > 0
                && e.file_type().is_dir()
                && ["index.md", "index.mdx", "index.markdown"]
                    .iter()
                    .any(|i| e.path().join(i).is_file());
            !hidden && !own_bundle
        });
    for entry in walker.flatten() {
        let path = entry.path();
        if !entry.file_type().is_file() || is_markdown(path) {
            continue;
        }
        let Ok(rel) = path.strip_prefix(folder) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        files.push(OutputFile {
            path: format!("{}{rel}", doc.path),
            body: Body::Copy(path.to_path_buf()),
        });
    }
    files
}
