//! The files a site publishes as they are: the default theme's assets, with the site's
//! own `static/` folder over them. Listed at the start of a build, copied at the end,
//! never loaded into memory.

use crate::error::Diagnostic;
use crate::output::{Body, OutputFile};
use crate::site::Site;
use crate::theme;
use std::collections::HashMap;
use std::path::Path;

/// The theme's assets, with the site's `static/` files over them (copied, never loaded).
pub fn list(root: &Path) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut files: HashMap<String, OutputFile> = theme::STATIC
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                OutputFile {
                    path: path.to_string(),
                    body: Body::Embedded(bytes),
                },
            )
        })
        .collect();
    let dir = root.join("static");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| Diagnostic::new(&dir, format!("could not read: {e}")))?;
            if entry.file_type().is_dir() || entry.file_name() == ".git" {
                continue;
            }
            let path = entry.path();
            if entry.path_is_symlink() {
                // Only links that stay inside static/ are followed: a site never publishes
                // a file from elsewhere on the writer's machine by accident.
                let inside = std::fs::canonicalize(path)
                    .ok()
                    .zip(std::fs::canonicalize(&dir).ok())
                    .is_some_and(|(target, d)| target.starts_with(d) && target.is_file());
                if !inside {
                    continue;
                }
            }
            let rel = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(
                rel.clone(),
                OutputFile {
                    path: rel,
                    body: Body::Copy(path.to_path_buf()),
                },
            );
        }
    }
    let mut files: Vec<OutputFile> = files.into_values().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The files of page bundles (`content/blog/x/cover.png` beside `x/index.md`), copied
/// into the folder of the page, where its relative links (`./cover.png`) look for them.
pub fn bundled(site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for doc in site.posts.iter().chain(&site.pages) {
        let Some(folder) = doc.source.path.parent() else {
            continue;
        };
        for rel in &doc.source.assets {
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            files.push(OutputFile {
                path: format!("{}{rel_text}", doc.dir()),
                body: Body::Copy(folder.join(rel)),
            });
        }
    }
    files
}
