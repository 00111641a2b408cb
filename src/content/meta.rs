//! Typed, validated front matter fields of a post or page.

use super::cards::{self, Profile, Project};
use super::date::{jekyll_date, Date};
use super::discover::Kind;
use super::front_matter::{kind_of, Split};
use super::keys::{AUTHOR_FIELDS, KNOWN};
use crate::error::Diagnostic;
use chrono::Utc;
use serde_json::{Map, Value};
use std::path::Path;

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
    /// Categories (`categories`, Jekyll's space-separated string, Zola's
    /// `[taxonomies] categories`): listed with the tags, and `{categories}` in a permalink.
    pub categories: Vec<String>,
    /// The document's own site path (`permalink`, `url` or `path`), over any pattern.
    pub permalink: Option<String>,
    /// Old URLs of this document (`aliases`, or Jekyll's `redirect_from`), as site paths
    /// without a leading slash: each gets a page that redirects here.
    pub aliases: Vec<String>,
    /// Whether the page shows a table of contents (`toc: false` turns it off).
    pub toc: bool,
    /// Whether the page shows comments, when the site has them (`comments: false`).
    pub comments: bool,
    /// An author's profile, for files under `content/authors/`.
    pub profile: Option<Profile>,
    /// `projects`: cards on a page such as `content/projects.md`.
    pub projects: Vec<Project>,
    pub extra: Map<String, Value>,
}

impl Meta {
    /// When the document last changed: `lastmod`, else `date`.
    pub fn updated(&self) -> Option<Date> {
        self.lastmod.or(self.date)
    }
}

/// Validates the fields of one file; every problem in it is reported, not just the first.
pub fn parse_meta(
    path: &Path,
    text: &str,
    split: &Split,
    kind: Kind,
) -> Result<Meta, Vec<Diagnostic>> {
    let is_post = kind == Kind::Post;
    let mut errors = Vec::new();
    let fields = &split.fields;
    let error_at = |key: &str, message: String, hint: &str| {
        let d = Diagnostic::new(path, message).hint(hint);
        match split.key_position(key) {
            Some((line, col)) => d.at(text, line, col),
            None => d.at(text, 1, 1),
        }
    };

    let title_key = match kind {
        Kind::Author if !fields.contains_key("title") => "name",
        _ => "title",
    };
    let title = match fields.get(title_key).and_then(scalar_text) {
        Some(t) if !t.trim().is_empty() => t,
        Some(_) => {
            errors.push(error_at(
                "title",
                "the title is empty".into(),
                "give the post a title",
            ));
            String::new()
        }
        None if fields.contains_key(title_key) => {
            let found = kind_of(&fields[title_key]);
            errors.push(error_at(
                title_key,
                format!("`{title_key}` must be text, found {found}"),
                "write title: My post",
            ));
            String::new()
        }
        None => {
            let (message, hint) = match kind {
                Kind::Author => (
                    "the author's front matter has no `name`",
                    "add a line such as `name: Jane Doe` to the front matter",
                ),
                _ => (
                    "the front matter has no `title`",
                    "add a line such as `title: My post` to the front matter",
                ),
            };
            errors.push(
                Diagnostic::new(path, message)
                    .at(text, split.raw_first_line.saturating_sub(1).max(1), 1)
                    .hint(hint),
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
                    let why = scalar_text(value)
                        .and_then(|s| Date::impossible_day(&s))
                        .map(|why| format!(" ({why})"))
                        .unwrap_or_default();
                    errors.push(error_at(
                        key,
                        format!("`{key}` is not a date: {}{why}", show(value)),
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
    let lastmod = date_field("lastmod", false).or_else(|| date_field("updated", false));
    // Hugo: a post is out of the site before its `publishDate` and after its `expiryDate`.
    let now = Utc::now().fixed_offset();
    let not_yet = date_field("publishDate", false).is_some_and(|d| d.0 > now);
    let expired = date_field("expiryDate", false).is_some_and(|d| d.0 <= now);

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
    let mut tags = list_field("tags");
    let mut categories = list_field("categories");
    categories.extend(list_field("category"));
    // Jekyll writes several categories as one space-separated string.
    if let Some(Value::String(_)) = fields.get("categories") {
        categories = categories
            .iter()
            .flat_map(|c| c.split_whitespace())
            .map(str::to_owned)
            .collect();
    }
    // Zola: `[taxonomies] tags = [...]`, `categories = [...]`.
    if let Some(Value::Object(taxonomies)) = fields.get("taxonomies") {
        let text_items = |key: &str| -> Vec<String> {
            match taxonomies.get(key) {
                Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
                Some(v) => scalar_text(v).into_iter().collect(),
                None => Vec::new(),
            }
        };
        tags.extend(text_items("tags"));
        categories.extend(text_items("categories"));
    }
    // Categories are listed as tags too, so that their posts are found the same way.
    for c in &categories {
        if !tags.contains(c) {
            tags.push(c.clone());
        }
    }
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
    let draft = bool_field("draft", false) || not_yet || expired;
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
    let summary = text_field("summary")
        .or_else(|| text_field("description"))
        .filter(|s| !s.trim().is_empty());
    let permalink_key = ["permalink", "url", "path"]
        .into_iter()
        .find(|k| fields.get(*k).is_some_and(|v| !v.is_null()));
    let permalink_text = permalink_key.and_then(|key| Some((key, text_field(key)?)));
    let canonical_url = text_field("canonicalUrl")
        .or_else(|| text_field("canonical_url"))
        .filter(|s| !s.trim().is_empty());
    let layout = text_field("layout");
    let slug = text_field("slug");
    if let Some(s) = &slug {
        let unsafe_path = s.contains("..")
            || s.starts_with('/')
            || s.contains('\\')
            || s.chars().any(char::is_control);
        if s.trim().is_empty() {
            errors.push(error_at(
                "slug",
                "the slug is empty".into(),
                "remove the `slug:` line to use the file's name, or write one such as my-post",
            ));
        } else if unsafe_path {
            errors.push(error_at(
                "slug",
                format!("`slug` `{}` is not a safe URL path", visible(s)),
                "use letters, digits and dashes, such as my-post",
            ));
        }
    }
    // Links we write into pages from the front matter: an author's `javascript:` there
    // would run in every reader's browser.
    for (key, url) in images
        .iter()
        .map(|u| ("images", u))
        .chain(canonical_url.iter().map(|u| (canonical_key(fields), u)))
    {
        if let Some(scheme) = url_scheme(url).filter(|s| !matches!(s.as_str(), "http" | "https")) {
            errors.push(error_at(
                key,
                format!("`{key}` holds a `{scheme}:` URL, which inkpress does not link to"),
                "use an https:// URL or a path on this site, such as /images/cover.png",
            ));
        }
    }

    let permalink = permalink_text.and_then(|(key, written)| {
        // Jekyll's `/:year/:title/` in one post's front matter: a pattern, not a URL.
        let placeholders = written.contains("/:") || written.contains('{');
        let site_path = alias_path(&written).filter(|_| !placeholders);
        if placeholders {
            errors.push(error_at(
                key,
                format!("`{key}` `{written}` is a pattern; a document's own URL is written out"),
                "write the URL itself (/2019/05/04/post.html), or set the pattern for all posts in [permalinks] posts",
            ));
        } else if site_path.is_none() {
            errors.push(error_at(
                key,
                format!("`{key}` `{written}` is not a path on this site"),
                "write the page's URL as a site path, such as /about/ or /2019/05/04/post.html",
            ));
        }
        site_path
    });
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

    let profile = (kind == Kind::Author).then(|| cards::profile(fields, &error_at, &mut errors));
    let projects = cards::projects(fields, &error_at, &mut errors);

    let mut extra: Map<String, Value> = fields
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()) && k.as_str() != "canonical_url")
        .filter(|(k, _)| kind != Kind::Author || !AUTHOR_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Zola keeps a page's own fields under `[extra]`: templates find them as `extra.x`.
    if let Some(Value::Object(own)) = extra.remove("extra") {
        for (k, v) in own {
            extra.entry(k).or_insert(v);
        }
    }

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
        categories,
        permalink,
        aliases,
        toc,
        comments,
        profile,
        projects,
        extra,
    })
}

/// `text` with its control characters (a NUL from `"\0"`) written as escapes.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_debug().to_string(),
            false => c.to_string(),
        })
        .collect()
}

/// The scheme of a URL (`javascript`, `https`), lowercased; `None` for a path.
fn url_scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.trim().split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_ascii_lowercase())
}

fn canonical_key(fields: &Map<String, Value>) -> &'static str {
    if fields.contains_key("canonicalUrl") {
        "canonicalUrl"
    } else {
        "canonical_url"
    }
}

/// A site path for an old URL: `/posts/x` → `posts/x/`, `/2019/x.html` kept as a file.
/// Full URLs, `..` and empty paths are refused.
pub fn alias_path(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let bad = trimmed.is_empty()
        || url_scheme(trimmed).is_some()
        || trimmed.chars().any(char::is_control)
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

    #[test]
    fn url_schemes() {
        assert_eq!(
            url_scheme(" JavaScript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(url_scheme("https://x.org/a").as_deref(), Some("https"));
        assert_eq!(url_scheme("/images/a.png"), None);
        assert_eq!(url_scheme("2019/05:old"), None);
        assert_eq!(visible("a\0b\\c"), "a\\0b\\c");
    }
    use super::super::front_matter::split;
    use super::*;

    fn meta(text: &str) -> Result<Meta, Vec<Diagnostic>> {
        let s = split(Path::new("p.md"), text).unwrap();
        parse_meta(Path::new("p.md"), text, &s, Kind::Post)
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
    fn seed_style_front_matter() {
        let m = meta("---\ntitle: K\ndate: '2025-06-29'\ntags: ['kubernetes', 'ROS']\ndraft: False\nimages: []\nfoo: bar\n---\n").unwrap();
        assert_eq!(m.tags, vec!["kubernetes", "ROS"]);
        assert!(!m.draft);
        assert_eq!(m.date.unwrap().day(), "2025-06-29");
        assert_eq!(m.extra["foo"], "bar");
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
    fn own_urls_and_categories_as_other_generators_write_them() {
        let m = meta(
            "---\ntitle: K\ndate: 2025-06-29\npermalink: /about-me/\ncategories: linux tips\n---\n",
        )
        .unwrap();
        assert_eq!(m.permalink.as_deref(), Some("about-me/"));
        assert_eq!(m.categories, vec!["linux", "tips"]);
        assert_eq!(m.tags, vec!["linux", "tips"]);
        let m = meta("+++\ntitle = \"K\"\ndate = 2025-06-29\npath = \"x.html\"\n[taxonomies]\ntags = [\"a\"]\n+++\n").unwrap();
        assert_eq!(
            (m.permalink.as_deref(), m.tags),
            (Some("x.html"), vec!["a".to_owned()])
        );
        let errs =
            meta("---\ntitle: K\ndate: 2025-06-29\npermalink: /:year/:title/\n---\n").unwrap_err();
        assert!(
            errs[0].message.contains("is a pattern"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[0].line, Some(4));
    }

    #[test]
    fn jekyll_file_names_give_the_date() {
        let text = "---\ntitle: K\n---\n";
        let s = split(Path::new("2019-05-04-k.md"), text).unwrap();
        let m = parse_meta(
            Path::new("content/blog/2019-05-04-k.md"),
            text,
            &s,
            Kind::Post,
        )
        .unwrap();
        assert_eq!(m.date.unwrap().day(), "2019-05-04");
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
