//! Permalink patterns: the URL of each post (`/blog/{slug}/`, `/{year}/{month}/{day}/{slug}.html`)
//! and of each tag (`/tags/{slug}/`), from `[permalinks]` in `inkpress.toml`, so that a blog
//! moved from another generator keeps the URLs it had.

use super::date::Date;
use super::slug::path_segment;

/// A URL pattern as written in `[permalinks]`: a site path with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Without the leading slash: `blog/{slug}/`.
    text: String,
}

/// The placeholders a post pattern may use; a tag pattern may use `{slug}` only.
const POST_PLACEHOLDERS: &[&str] = &["slug", "year", "month", "day", "categories"];

/// The URL patterns of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permalinks {
    pub posts: Pattern,
    pub tags: Pattern,
}

impl Default for Permalinks {
    fn default() -> Self {
        Permalinks {
            posts: Pattern {
                text: "blog/{slug}/".into(),
            },
            tags: Pattern {
                text: "tags/{slug}/".into(),
            },
        }
    }
}

/// What a post's URL is made of.
pub struct PostValues<'a> {
    /// The post's `slug`, else its path under `content/blog/` (`nested/x`).
    pub slug: &'a str,
    pub date: Option<Date>,
    pub categories: &'a [String],
}

impl Pattern {
    /// A post pattern: `{slug}` is required, so that two posts of one day differ.
    pub fn posts(text: &str) -> Result<Pattern, String> {
        Pattern::checked(text, POST_PLACEHOLDERS)
    }

    /// A tag pattern: `/<folder>/{slug}/`, the folder being the tag index.
    pub fn tags(text: &str) -> Result<Pattern, String> {
        let pattern = Pattern::checked(text, &["slug"])?;
        let ok = pattern.text.ends_with("/{slug}/") && !pattern.index().contains('{');
        if !ok {
            return Err(format!(
                "the tag pattern `{text}` must be a folder then {{slug}}, such as /tags/{{slug}}/"
            ));
        }
        Ok(pattern)
    }

    fn checked(text: &str, allowed: &[&str]) -> Result<Pattern, String> {
        let trimmed = text.trim();
        let Some(rest) = trimmed.strip_prefix('/') else {
            return Err(format!("the pattern `{text}` must start with /"));
        };
        if !(rest.ends_with('/') || rest.ends_with(".html")) {
            return Err(format!(
                "the pattern `{text}` must end with / (a folder) or .html (a file)"
            ));
        }
        if rest.split('/').any(|s| s == ".." || s == ".") || rest.contains('\\') {
            return Err(format!("the pattern `{text}` leaves the site"));
        }
        let mut names = Vec::new();
        let mut left = rest;
        while let Some(open) = left.find('{') {
            let Some(close) = left[open..].find('}') else {
                return Err(format!("the pattern `{text}` has an unclosed {{"));
            };
            let name = &left[open + 1..open + close];
            if !allowed.contains(&name) {
                let known: Vec<String> = allowed.iter().map(|a| format!("{{{a}}}")).collect();
                return Err(format!(
                    "the pattern `{text}` has an unknown placeholder {{{name}}}; known: {}",
                    known.join(", ")
                ));
            }
            names.push(name);
            left = &left[open + close + 1..];
        }
        if !names.contains(&"slug") {
            return Err(format!(
                "the pattern `{text}` needs {{slug}}, or two posts would share a URL"
            ));
        }
        Ok(Pattern {
            text: rest.to_owned(),
        })
    }

    /// The folder a tag pattern's pages sit in (`tags/`): the tag index.
    pub fn index(&self) -> &str {
        self.text.strip_suffix("{slug}/").unwrap_or(&self.text)
    }

    /// The pattern as written in the config, with its leading slash.
    pub fn as_written(&self) -> String {
        format!("/{}", self.text)
    }

    /// A tag's site path: `tags/rust/`.
    pub fn tag_path(&self, slug: &str) -> String {
        self.text.replace("{slug}", slug)
    }

    /// A post's site path. Empty parts (a post with no categories) leave no empty folder.
    pub fn post_path(&self, values: &PostValues) -> String {
        let date = values.date.map(|d| d.0);
        let mut out = self.text.clone();
        let categories: Vec<String> = values
            .categories
            .iter()
            .map(|c| path_segment(&c.to_lowercase()))
            .collect();
        for (name, value) in [
            ("{slug}", values.slug.to_owned()),
            (
                "{year}",
                date.map_or_else(String::new, |d| d.format("%Y").to_string()),
            ),
            (
                "{month}",
                date.map_or_else(String::new, |d| d.format("%m").to_string()),
            ),
            (
                "{day}",
                date.map_or_else(String::new, |d| d.format("%d").to_string()),
            ),
            ("{categories}", categories.join("/")),
        ] {
            if out.contains(name) {
                out = out.replace(name, &value);
            }
        }
        while out.contains("//") {
            out = out.replace("//", "/");
        }
        out.trim_start_matches('/').to_owned()
    }
}

/// The folder a page's relative links start from: `blog/x/` for `blog/x/`, and
/// `2019/05/04/` for a page written as the file `2019/05/04/x.html`.
pub fn page_dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// The file a page at a site path is written to: `blog/x/index.html` for a folder,
/// the path itself for a file such as `2019/05/04/x.html`.
pub fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(pattern: &str, slug: &str, categories: &[&str]) -> String {
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        Pattern::posts(pattern).unwrap().post_path(&PostValues {
            slug,
            date: Date::parse("2019-05-04T23:30:00+02:00"),
            categories: &categories,
        })
    }

    #[test]
    fn posts_follow_their_pattern() {
        assert_eq!(path("/blog/{slug}/", "x", &[]), "blog/x/");
        assert_eq!(path("/posts/{slug}/", "a/b", &[]), "posts/a/b/");
        // The date as written, in its own offset (as Hugo and Jekyll read it).
        assert_eq!(
            path("/{year}/{month}/{day}/{slug}.html", "x", &[]),
            "2019/05/04/x.html"
        );
        assert_eq!(
            path("/{categories}/{slug}/", "x", &["Linux", "Tips"]),
            "linux/tips/x/"
        );
        assert_eq!(path("/{categories}/{slug}/", "x", &[]), "x/");
    }

    #[test]
    fn bad_patterns_say_why() {
        assert!(Pattern::posts("blog/{slug}/")
            .unwrap_err()
            .contains("start with /"));
        assert!(Pattern::posts("/blog/{slug}")
            .unwrap_err()
            .contains("must end"));
        assert!(Pattern::posts("/{year}/")
            .unwrap_err()
            .contains("needs {slug}"));
        assert!(Pattern::posts("/{title}/")
            .unwrap_err()
            .contains("unknown placeholder {title}"));
        assert!(Pattern::posts("/../{slug}/")
            .unwrap_err()
            .contains("leaves"));
        assert!(Pattern::tags("/{slug}/x/").is_err());
        let tags = Pattern::tags("/topics/{slug}/").unwrap();
        assert_eq!(tags.index(), "topics/");
        assert_eq!(tags.tag_path("rust"), "topics/rust/");
    }

    #[test]
    fn dirs_and_files_of_pages() {
        assert_eq!(page_dir("blog/x/"), "blog/x/");
        assert_eq!(page_dir("2019/05/04/x.html"), "2019/05/04/");
        assert_eq!(page_dir("x.html"), "");
        assert_eq!(page_file("blog/x/"), "blog/x/index.html");
        assert_eq!(page_file(""), "index.html");
        assert_eq!(page_file("2019/x.html"), "2019/x.html");
    }
}
