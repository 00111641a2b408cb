//! The URLs of a document's front matter that its pages link to (an author's `avatar`
//! and `links`, a page's `projects`, `images`, `canonicalUrl`), each with the place in
//! the file where it is written, so that the link check judges them as it judges the
//! body's links and names the front matter line.

use super::front_matter::Split;
use super::meta::Meta;

/// One URL of the front matter, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaLink {
    /// The field, as a writer finds it in the file (`avatar`, `projects`, `links`).
    pub key: &'static str,
    pub url: String,
    /// 1-based line and column in the file (not the body).
    pub line: usize,
    pub column: usize,
    /// Whether pages show it as an image.
    pub image: bool,
}

/// Every URL of `meta` that a page links to or shows, in the order written.
pub fn meta_links(meta: &Meta, split: &Split) -> Vec<MetaLink> {
    let mut wanted: Vec<(&'static str, &str, bool)> = Vec::new();
    for image in &meta.images {
        wanted.push(("images", image, true));
    }
    if let Some(url) = &meta.canonical_url {
        let key = match split.fields.contains_key("canonicalUrl") {
            true => "canonicalUrl",
            false => "canonical_url",
        };
        wanted.push((key, url, false));
    }
    if let Some(profile) = &meta.profile {
        if let Some(avatar) = &profile.avatar {
            wanted.push(("avatar", avatar, true));
        }
        for link in &profile.links {
            wanted.push(("links", &link.url, false));
        }
    }
    for project in &meta.projects {
        if let Some(image) = &project.image {
            wanted.push(("projects", image, true));
        }
        if let Some(url) = &project.url {
            wanted.push(("projects", url, false));
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    // Each value is looked for after the last one found under the same key.
    let mut last: Vec<(&str, (usize, usize))> = Vec::new();
    wanted
        .into_iter()
        .map(|(key, url, image)| {
            let after = last
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|&(_, (line, column))| (line, column + 1));
            let (line, column) = split.value_position(key, url, after).unwrap_or((1, 1));
            last.push((key, (line, column)));
            MetaLink {
                key,
                url: url.to_owned(),
                line,
                column,
                image,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{front_matter, meta, Kind};
    use std::path::Path;

    fn links(text: &str, kind: Kind) -> Vec<(&'static str, String, usize, usize, bool)> {
        let split = front_matter::split(Path::new("t.md"), text).unwrap();
        let meta = meta::parse_meta(Path::new("t.md"), text, &split, kind).unwrap();
        meta_links(&meta, &split)
            .into_iter()
            .map(|l| (l.key, l.url, l.line, l.column, l.image))
            .collect()
    }

    #[test]
    fn every_front_matter_url_with_its_place_in_the_file() {
        let page = "---\ntitle: Work\nimages: [cover.png, /img/b.png]\ncanonicalUrl: /blog/x/\nprojects:\n  - title: A\n    image: /img/a.png\n    url: /a/\n  - {title: B, url: /a/}\n---\nBody\n";
        assert_eq!(
            links(page, Kind::Page),
            [
                ("images", "cover.png".into(), 3, 10, true),
                ("images", "/img/b.png".into(), 3, 21, true),
                ("canonicalUrl", "/blog/x/".into(), 4, 15, false),
                ("projects", "/img/a.png".into(), 7, 12, true),
                ("projects", "/a/".into(), 8, 10, false),
                ("projects", "/a/".into(), 9, 21, false),
            ]
        );
        let author =
            "+++\nname = \"Ann\"\navatar = \"/me.png\"\n[links]\nHome = \"/about/\"\n+++\n";
        assert_eq!(
            links(author, Kind::Author),
            [
                ("avatar", "/me.png".into(), 3, 11, true),
                ("links", "/about/".into(), 5, 9, false),
            ]
        );
    }
}
