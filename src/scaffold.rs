//! `inkpress init` and `inkpress new`: starting points that build as they are.

use crate::config::CONFIG_FILE;
use crate::content::slug::tag_slug;
use crate::error::{Diagnostic, Result};
use std::path::{Path, PathBuf};

const WELCOME_POST: &str = r#"---
title: Hello, world
date: '{date}'
tags: ['meta']
summary: The first post of a new blog.
---

This blog is built with inkpress. Edit this file in
`content/blog/hello-world.md`, or add a post with `inkpress new "Title"`.

<!-- more -->

## Code

```rust
fn main() {
    println!("Hello, world!");
}
```
"#;

const ABOUT_PAGE: &str = "---\ntitle: About\n---\n\nA few words about you and this blog.\n";

/// Creates a site in `dir` (which may exist, but must not hold a site already).
/// Returns the files created, relative to `dir`.
pub fn init(dir: &Path, title: Option<&str>) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(Diagnostic::new(
            dir,
            "there is already a site here (inkpress.toml or content/ exists)",
        )
        .hint("choose a new folder: inkpress init my-blog")
        .into());
    }
    let title = title.unwrap_or("My Blog");
    let config = format!(
        "# Site settings: see the README for every key.\n\
         title = {title:?}\n\
         description = \"Notes on things I build and learn.\"\n\
         author = \"\"\n\
         # The address the site is published at; `inkpress build --base-url` overrides it.\n\
         base_url = \"https://example.com/\"\n\
         language = \"en\"\n\
         posts_per_page = 10\n"
    );
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let files: Vec<(PathBuf, String)> = vec![
        (PathBuf::from(CONFIG_FILE), config),
        (
            PathBuf::from("content/blog/hello-world.md"),
            WELCOME_POST.replace("{date}", &today),
        ),
        (PathBuf::from("content/about.md"), ABOUT_PAGE.to_owned()),
        (PathBuf::from("static/.gitkeep"), String::new()),
        (PathBuf::from(".gitignore"), "/public\n".to_owned()),
        (
            PathBuf::from(".github/workflows/pages.yml"),
            crate::deploy::pages_workflow(),
        ),
    ];
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
        }
        if path.exists() {
            continue;
        }
        std::fs::write(&path, text).map_err(|e| Diagnostic::io(&path, "write the file", &e))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes `content/blog/<slug>.md` for a new post, dated today. Never overwrites.
pub fn new_post(root: &Path, title: &str, draft: bool) -> Result<PathBuf> {
    if !root.join("content").is_dir() {
        return Err(
            Diagnostic::new(root.join("content"), "there is no content/ folder here")
                .hint("run this in your site's folder, or create a site with `inkpress init`")
                .into(),
        );
    }
    let slug = tag_slug(title);
    let path = root.join("content/blog").join(format!("{slug}.md"));
    if path.exists() {
        return Err(
            Diagnostic::new(&path, "a post with this file name exists already")
                .hint("choose another title, or edit the existing post")
                .into(),
        );
    }
    let now = chrono::Local::now().format("%Y-%m-%d");
    let text = format!(
        "---\ntitle: {}\ndate: '{now}'\ntags: []\ndraft: {draft}\nsummary: ''\n---\n\nWrite your post here.\n",
        serde_json::to_string(title).unwrap_or_else(|_| format!("{title:?}")),
    );
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::io(parent, "create the folder", &e))?;
    }
    std::fs::write(&path, text).map_err(|e| Diagnostic::io(&path, "write the file", &e))?;
    Ok(path)
}
