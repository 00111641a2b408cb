//! Typed, validated front matter fields of a post or page.

use super::front_matter::{kind_of, Split};
use crate::error::Diagnostic;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value};
use std::path::Path;

/// A date as written: a day (`2025-06-29`) or an exact moment (RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub DateTime<FixedOffset>);

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(Date(dt));
        }
        let utc = |naive: NaiveDateTime| Date(Utc.from_utc_datetime(&naive).fixed_offset());
        for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(utc(naive));
            }
        }
        if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
            return Some(Date(dt));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(utc)
    }

    pub fn rfc3339(&self) -> String {
        self.0.to_rfc3339()
    }

    /// `2025-06-29`, for display and sorting ties.
    pub fn day(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// Every front matter field inkpress understands; anything else lands in `extra`.
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    pub date: Option<Date>,
    pub lastmod: Option<Date>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub summary: Option<String>,
    pub images: Vec<String>,
    pub authors: Vec<String>,
    pub canonical_url: Option<String>,
    pub layout: Option<String>,
    pub slug: Option<String>,
    /// Old URLs of this document (`aliases`, or Jekyll's `redirect_from`), as site paths
    /// without a leading slash: each gets a page that redirects here.
    pub aliases: Vec<String>,
    /// Whether the page shows a table of contents (`toc: false` turns it off).
    pub toc: bool,
    /// Whether the page shows comments, when the site has them (`comments: false`).
    pub comments: bool,
    pub extra: Map<String, Value>,
}

impl Meta {
    /// When the document last changed: `lastmod`, else `date`.
    pub fn updated(&self) -> Option<Date> {
        self.lastmod.or(self.date)
    }
}

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

const KNOWN: &[&str] = &[
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
];

/// Validates the fields of one file; every problem in it is reported, not just the first.
pub fn parse_meta(
    path: &Path,
    text: &str,
    split: &Split,
    is_post: bool,
) -> Result<Meta, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let fields = &split.fields;
    let error_at = |key: &str, message: String, hint: &str| {
        let d = Diagnostic::new(path, message).hint(hint);
        match split.key_position(key) {
            Some((line, col)) => d.at(text, line, col),
            None => d.at(text, 1, 1),
        }
    };

    let title = match fields.get("title").and_then(scalar_text) {
        Some(t) if !t.trim().is_empty() => t,
        Some(_) => {
            errors.push(error_at(
                "title",
                "the title is empty".into(),
                "give the post a title",
            ));
            String::new()
        }
        None if fields.contains_key("title") => {
            let kind = kind_of(&fields["title"]);
            errors.push(error_at(
                "title",
                format!("`title` must be text, found {kind}"),
                "write title: My post",
            ));
            String::new()
        }
        None => {
            errors.push(
                Diagnostic::new(path, "the front matter has no `title`")
                    .at(text, split.raw_first_line.saturating_sub(1).max(1), 1)
                    .hint("add a line such as `title: My post` to the front matter"),
            );
            String::new()
        }
    };

    let mut date_field = |key: &str, required: bool| -> Option<Date> {
        match fields.get(key) {
            None | Some(Value::Null) if required => {
                errors.push(
                    Diagnostic::new(path, format!("the post has no `{key}`"))
                        .at(text, split.raw_first_line.saturating_sub(1).max(1), 1)
                        .hint("add a line such as `date: 2025-06-29` to the front matter"),
                );
                None
            }
            None | Some(Value::Null) => None,
            Some(value) => {
                let parsed = scalar_text(value).and_then(|s| Date::parse(&s));
                if parsed.is_none() {
                    errors.push(error_at(
                        key,
                        format!("`{key}` is not a date: {}", show(value)),
                        "write dates as 2025-06-29, or 2025-06-29T18:30:00+02:00 with a time",
                    ));
                }
                parsed
            }
        }
    };
    let date = match jekyll_date(path) {
        Some(from_name) if !fields.contains_key("date") => Some(from_name),
        _ => date_field("date", is_post),
    };
    let lastmod = date_field("lastmod", false);

    let mut list_field = |key: &str| -> Vec<String> {
        match fields.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match scalar_text(item) {
                        Some(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                        Some(_) => {}
                        None => errors.push(error_at(
                            key,
                            format!("`{key}` must be a list of text, found {}", kind_of(item)),
                            "write tags: ['rust', 'web']",
                        )),
                    }
                }
                out
            }
            Some(value) => match scalar_text(value) {
                Some(s) if s.trim().is_empty() => Vec::new(),
                Some(s) => vec![s.trim().to_owned()],
                None => {
                    errors.push(error_at(
                        key,
                        format!("`{key}` must be a list, found {}", kind_of(value)),
                        "write tags: ['rust', 'web']",
                    ));
                    Vec::new()
                }
            },
        }
    };
    let tags = list_field("tags");
    let images = list_field("images");
    let authors = list_field("authors");
    let mut aliases = list_field("aliases");
    aliases.extend(list_field("redirect_from"));

    let mut bool_field = |key: &str, default: bool| match fields.get(key) {
        None | Some(Value::Null) => default,
        Some(value) => parse_bool(value).unwrap_or_else(|| {
            errors.push(error_at(
                key,
                format!("`{key}` must be true or false, found {}", show(value)),
                &format!("write {key}: true or {key}: false"),
            ));
            default
        }),
    };
    let draft = bool_field("draft", false);
    let toc = bool_field("toc", true);
    let comments = bool_field("comments", true);

    let mut text_field = |key: &str| -> Option<String> {
        match fields.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => match scalar_text(value) {
                Some(s) => Some(s),
                None => {
                    errors.push(error_at(
                        key,
                        format!("`{key}` must be text, found {}", kind_of(value)),
                        "quote the value",
                    ));
                    None
                }
            },
        }
    };
    let summary = text_field("summary").filter(|s| !s.trim().is_empty());
    let canonical_url = text_field("canonicalUrl")
        .or_else(|| text_field("canonical_url"))
        .filter(|s| !s.trim().is_empty());
    let layout = text_field("layout");
    let slug = text_field("slug").filter(|s| !s.trim().is_empty());
    if let Some(s) = &slug {
        if s.contains("..") || s.starts_with('/') || s.contains('\\') {
            errors.push(error_at(
                "slug",
                format!("`slug` `{s}` is not a safe URL path"),
                "use letters, digits and dashes, such as my-post",
            ));
        }
    }

    let aliases: Vec<String> = aliases
        .into_iter()
        .filter_map(|alias| match alias_path(&alias) {
            Some(p) => Some(p),
            None => {
                let key = if fields.contains_key("aliases") { "aliases" } else { "redirect_from" };
                errors.push(error_at(
                    key,
                    format!("`{alias}` is not a path on this site"),
                    "write old URLs as site paths, such as /2019/05/old-post.html or /posts/old-post/",
                ));
                None
            }
        })
        .collect();

    let extra = fields
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()) && k.as_str() != "canonical_url")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Meta {
        title,
        date,
        lastmod,
        tags,
        draft,
        summary,
        images,
        authors,
        canonical_url,
        layout,
        slug,
        aliases,
        toc,
        comments,
        extra,
    })
}

/// A site path for an old URL: `/posts/x` → `posts/x/`, `/2019/x.html` kept as a file.
/// Full URLs, `..` and empty paths are refused.
pub fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let bad = trimmed.is_empty()
        || alias.contains("://")
        || trimmed.contains('\\')
        || trimmed.split('/').any(|seg| seg == ".." || seg == ".");
    if bad {
        return None;
    }
    if trimmed.ends_with('/') || trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Some(trimmed.to_owned())
    } else {
        Some(format!("{trimmed}/"))
    }
}

/// Jekyll names posts `2019-05-04-title.md`: the date in the name stands in for a missing `date`.
pub fn jekyll_date(path: &Path) -> Option<Date> {
    let stem = path.file_stem()?.to_str()?;
    let prefix = stem.get(..11)?;
    prefix
        .ends_with('-')
        .then(|| Date::parse(&prefix[..10]))
        .flatten()
}

/// Text of a scalar: strings as they are, numbers and booleans written out.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// YAML 1.1 booleans in any case (`False`, `yes`, `off`), as writers use them.
fn parse_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Some(true),
            "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::front_matter::split;
    use super::*;

    fn meta(text: &str) -> Result<Meta, Vec<Diagnostic>> {
        let s = split(Path::new("p.md"), text).unwrap();
        parse_meta(Path::new("p.md"), text, &s, true)
    }

    #[test]
    fn toc_is_on_unless_turned_off() {
        assert!(meta("---\ntitle: A\ndate: 2024-01-01\n---\n").unwrap().toc);
        let m = meta("---\ntitle: A\ndate: 2024-01-01\ntoc: False\n---\n").unwrap();
        assert!(!m.toc && !m.extra.contains_key("toc"));
        assert!(m.comments);
        let m = meta("---\ntitle: A\ndate: 2024-01-01\ncomments: no\n---\n").unwrap();
        assert!(!m.comments && m.toc);
        let errs = meta("---\ntitle: A\ndate: 2024-01-01\ntoc: sometimes\n---\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].message.contains("`toc` must be true or false"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[0].line, Some(4));
    }

    #[test]
    fn dates_in_every_accepted_form() {
        for d in [
            "2025-06-29",
            "2025-06-29T10:00:00Z",
            "2025-06-29T10:00:00+02:00",
            "2025-06-29 10:00:00",
        ] {
            assert!(Date::parse(d).is_some(), "{d}");
        }
        assert!(Date::parse("29/06/2025").is_none());
        assert!(Date::parse("2025-02-30").is_none());
    }

    #[test]
    fn seed_style_front_matter() {
        let m = meta("---\ntitle: K\ndate: '2025-06-29'\ntags: ['kubernetes', 'ROS']\ndraft: False\nimages: []\nfoo: bar\n---\n").unwrap();
        assert_eq!(m.tags, vec!["kubernetes", "ROS"]);
        assert!(!m.draft);
        assert_eq!(m.date.unwrap().day(), "2025-06-29");
        assert_eq!(m.extra["foo"], "bar");
    }

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

    #[test]
    fn aliases_become_site_paths() {
        assert_eq!(alias_path("/posts/old").as_deref(), Some("posts/old/"));
        assert_eq!(
            alias_path("/2019/05/04/x.html").as_deref(),
            Some("2019/05/04/x.html")
        );
        assert_eq!(alias_path("old/"), Some("old/".to_owned()));
        for bad in ["", "/", "https://x.org/a", "/../etc", "/a/./b"] {
            assert_eq!(alias_path(bad), None, "{bad}");
        }
        let m = meta(
            "---\ntitle: K\ndate: 2025-06-29\naliases: [/old/]\nredirect_from: /older.html\n---\n",
        )
        .unwrap();
        assert_eq!(m.aliases, vec!["old/", "older.html"]);
    }

    #[test]
    fn jekyll_file_names_give_the_date() {
        let text = "---\ntitle: K\n---\n";
        let s = split(Path::new("2019-05-04-k.md"), text).unwrap();
        let m = parse_meta(Path::new("content/blog/2019-05-04-k.md"), text, &s, true).unwrap();
        assert_eq!(m.date.unwrap().day(), "2019-05-04");
        assert!(jekyll_date(Path::new("2019-5-4-k.md")).is_none());
    }

    #[test]
    fn single_string_tag_and_block_list() {
        let m = meta("---\ntitle: K\ndate: 2025-06-29\ntags: rust\n---\n").unwrap();
        assert_eq!(m.tags, vec!["rust"]);
        let m = meta("---\ntitle: K\ndate: 2025-06-29\ntags:\n  - a\n  - b\n---\n").unwrap();
        assert_eq!(m.tags, vec!["a", "b"]);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let errs = meta("---\ndate: nope\ndraft: maybe\n---\n").unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        let date = errs.iter().find(|d| d.message.contains("date")).unwrap();
        assert_eq!(date.line, Some(2));
        let draft = errs.iter().find(|d| d.message.contains("draft")).unwrap();
        assert_eq!(draft.line, Some(3));
    }
}
