//! Typed, validated front matter fields of a post or page.

use super::cards::{self, Profile, Project};
use super::date::{jekyll_date, Date};
use super::discover::Kind;
use super::fields::{scalar_text, Fields};
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
    let mut f = Fields {
        path,
        text,
        split,
        all: &split.fields,
        errors: Vec::new(),
    };
    let title = title(&mut f, kind);
    let date = match jekyll_date(path) {
        Some(from_name) if !f.all.contains_key("date") => Some(from_name),
        _ => f.date("date", kind == Kind::Post),
    };
    let lastmod = f
        .date("lastmod", false)
        .or_else(|| f.date("updated", false));
    // Hugo: a post is out of the site before its `publishDate` and after its `expiryDate`.
    let now = Utc::now().fixed_offset();
    let not_yet = f.date("publishDate", false).is_some_and(|d| d.0 > now);
    let expired = f.date("expiryDate", false).is_some_and(|d| d.0 <= now);
    let (tags, categories) = tags_and_categories(&mut f);
    let images = f.list("images");
    let authors = f.list("authors");
    let draft = f.flag("draft", false) || not_yet || expired;
    let toc = f.flag("toc", true);
    let comments = f.flag("comments", true);
    let summary = f
        .text("summary")
        .or_else(|| f.text("description"))
        .filter(|s| !s.trim().is_empty());
    let canonical_url = f
        .text("canonicalUrl")
        .or_else(|| f.text("canonical_url"))
        .filter(|s| !s.trim().is_empty());
    let layout = f.text("layout");
    let slug = f.text("slug");
    if let Some(s) = &slug {
        check_slug(&mut f, s);
    }
    let permalink = permalink(&mut f);
    let aliases = aliases(&mut f);
    let profile = (kind == Kind::Author).then(|| cards::profile(&mut f));
    let projects = cards::projects(&mut f);
    let canonical_key = canonical_key(f.all);
    let web = ["http", "https"].as_slice();
    let or_mail = ["http", "https", "mailto"].as_slice();
    let linked = images
        .iter()
        .map(|u| ("images", u, web))
        .chain(canonical_url.iter().map(|u| (canonical_key, u, web)))
        .chain(profile.iter().flat_map(|p| {
            let avatar = p.avatar.iter().map(|u| ("avatar", u, web));
            avatar.chain(p.links.iter().map(|l| ("links", &l.url, or_mail)))
        }))
        .chain(projects.iter().flat_map(|p| {
            let image = p.image.iter().map(|u| ("projects", u, web));
            image.chain(p.url.iter().map(|u| ("projects", u, or_mail)))
        }));
    for (key, url, schemes) in linked {
        check_link_scheme(&mut f, key, url, schemes);
    }
    let extra = extra(f.all, kind);

    if !f.errors.is_empty() {
        return Err(f.errors);
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

/// The title (an author's `name`); empty, with an error noted, when it is missing or not text.
fn title(f: &mut Fields, kind: Kind) -> String {
    let key = match kind {
        Kind::Author if !f.all.contains_key("title") => "name",
        _ => "title",
    };
    match f.all.get(key) {
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
            f.missing(message, hint);
            String::new()
        }
        Some(value) => match scalar_text(value) {
            Some(t) if !t.trim().is_empty() => t,
            Some(_) => {
                f.error_at(
                    "title",
                    "the title is empty".into(),
                    "give the post a title",
                );
                String::new()
            }
            None => {
                let message = format!("`{key}` must be text, found {}", kind_of(value));
                f.error_at(key, message, "write title: My post");
                String::new()
            }
        },
    }
}

/// Tags and categories as Hugo, Jekyll and Zola write them; categories are listed as
/// tags too, so that their posts are found the same way.
fn tags_and_categories(f: &mut Fields) -> (Vec<String>, Vec<String>) {
    let mut tags = f.list("tags");
    let mut categories = f.list("categories");
    categories.extend(f.list("category"));
    // Jekyll writes several categories as one space-separated string.
    if let Some(Value::String(_)) = f.all.get("categories") {
        categories = categories
            .iter()
            .flat_map(|c| c.split_whitespace())
            .map(str::to_owned)
            .collect();
    }
    // Zola: `[taxonomies] tags = [...]`, `categories = [...]`.
    if let Some(Value::Object(taxonomies)) = f.all.get("taxonomies") {
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
    for c in &categories {
        if !tags.contains(c) {
            tags.push(c.clone());
        }
    }
    (tags, categories)
}

fn check_slug(f: &mut Fields, slug: &str) {
    let unsafe_path = slug.contains("..")
        || slug.starts_with('/')
        || slug.contains('\\')
        || slug.chars().any(char::is_control);
    if slug.trim().is_empty() {
        f.error_at(
            "slug",
            "the slug is empty".into(),
            "remove the `slug:` line to use the file's name, or write one such as my-post",
        );
    } else if unsafe_path {
        f.error_at(
            "slug",
            format!("`slug` `{}` is not a safe URL path", visible(slug)),
            "use letters, digits and dashes, such as my-post",
        );
    }
}

/// Links we write into pages from the front matter: an author's `javascript:` there
/// would run in every reader's browser. A path on the site has no scheme and passes.
fn check_link_scheme(f: &mut Fields, key: &str, url: &str, allowed: &[&str]) {
    let Some(scheme) = url_scheme(url).filter(|s| !allowed.contains(&s.as_str())) else {
        return;
    };
    f.error_at(
        key,
        format!("`{key}` holds a `{scheme}:` URL, which inkpress does not link to"),
        "use an https:// URL or a path on this site, such as /images/cover.png",
    );
}

/// The document's own site path, from `permalink`, `url` or `path`.
fn permalink(f: &mut Fields) -> Option<String> {
    let key = ["permalink", "url", "path"]
        .into_iter()
        .find(|k| f.get(k).is_some())?;
    let written = f.text(key)?;
    // Jekyll's `/:year/:title/` in one post's front matter: a pattern, not a URL.
    if written.contains("/:") || written.contains('{') {
        f.error_at(
            key,
            format!("`{key}` `{written}` is a pattern; a document's own URL is written out"),
            "write the URL itself (/2019/05/04/post.html), or set the pattern for all posts in [permalinks] posts",
        );
        return None;
    }
    let site_path = alias_path(&written);
    if site_path.is_none() {
        f.error_at(
            key,
            format!("`{key}` `{written}` is not a path on this site"),
            "write the page's URL as a site path, such as /about/ or /2019/05/04/post.html",
        );
    }
    site_path
}

/// Old URLs (`aliases`, Jekyll's `redirect_from`) as site paths.
fn aliases(f: &mut Fields) -> Vec<String> {
    let mut written = f.list("aliases");
    written.extend(f.list("redirect_from"));
    let key = match f.all.contains_key("aliases") {
        true => "aliases",
        false => "redirect_from",
    };
    let mut paths = Vec::with_capacity(written.len());
    for alias in written {
        match alias_path(&alias) {
            Some(p) => paths.push(p),
            None => f.error_at(
                key,
                format!("`{alias}` is not a path on this site"),
                "write old URLs as site paths, such as /2019/05/old-post.html or /posts/old-post/",
            ),
        }
    }
    paths
}

/// Fields inkpress does not read, for templates as `extra.x`.
fn extra(fields: &Map<String, Value>, kind: Kind) -> Map<String, Value> {
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
    extra
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
