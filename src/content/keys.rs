//! The front matter keys inkpress reads, and the keys a typo away from one of them.

use super::front_matter::Split;

/// A front matter key inkpress does not read, a typo's distance from one it does: it
/// would otherwise land quietly in `extra` and the field would seem to be ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misspelt {
    pub key: String,
    pub known: &'static str,
    /// 1-based line of the key in the file, and column 1.
    pub at: (usize, usize),
}

/// The keys of a file's front matter that look like misspelt known ones.
pub fn misspelt_keys(split: &Split) -> Vec<Misspelt> {
    let mut found: Vec<Misspelt> = split
        .fields
        .keys()
        .filter(|k| !KNOWN.contains(&k.as_str()) && k.as_str() != "canonical_url")
        .filter_map(|key| {
            let known = crate::spelling::nearest(key, KNOWN.iter().copied())?;
            Some(Misspelt {
                key: key.clone(),
                known,
                // The line of the key (the position found is its value's): keys start lines.
                at: (split.key_position(key).map_or(1, |(line, _)| line), 1),
            })
        })
        .collect();
    found.sort_by_key(|m| m.at);
    found
}

pub(super) const KNOWN: &[&str] = &[
    "title",
    "date",
    "lastmod",
    "tags",
    "draft",
    "summary",
    "images",
    "authors",
    "canonicalUrl",
    "layout",
    "slug",
    "aliases",
    "redirect_from",
    "toc",
    "comments",
    "projects",
    "categories",
    "category",
    "taxonomies",
    "permalink",
    "url",
    "path",
    "description",
    "updated",
    "publishDate",
    "expiryDate",
];

/// Fields of an author's file (`content/authors/NAME.md`) besides the known ones; `name`
/// stands in for `title` there, as tailwind-nextjs-starter-blog writes it.
pub(super) const AUTHOR_FIELDS: &[&str] = &["name", "avatar", "bio", "links"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::split;
    use std::path::Path;

    #[test]
    fn misspelt_keys_are_found_where_they_are_written() {
        let text = "---\ntittle: K\ntitle: K\ndate: 2025-01-01\nsumary: s\nmood: calm\n---\n";
        let s = split(Path::new("p.md"), text).unwrap();
        let misspelt = misspelt_keys(&s);
        let found: Vec<(&str, &str, (usize, usize))> = misspelt
            .iter()
            .map(|m| (m.key.as_str(), m.known, m.at))
            .collect();
        assert_eq!(
            found,
            [("tittle", "title", (2, 1)), ("sumary", "summary", (5, 1))]
        );
    }
}
