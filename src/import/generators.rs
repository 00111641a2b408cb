//! What each generator's site looks like: where its config, posts, pages and static files
//! are, and the URLs it gave them (from its documentation), as an import [`Plan`].

use super::{post_fields, read_settings, text_at, Generator, Plan};
use crate::content::slug::{heading_slug, tag_slug};
use crate::error::Result;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The generator a folder was made with, and the file that shows it.
pub fn detect(source: &Path) -> Option<(Generator, PathBuf)> {
    let has = |name: &str| source.join(name).is_file().then(|| PathBuf::from(name));
    if let Some(by) = has("data/siteMetadata.js").or_else(|| has("contentlayer.config.ts")) {
        return Some((Generator::Tailwind, by));
    }
    if let Some(by) = has("_config.yml").or_else(|| has("_config.yaml")) {
        return Some((Generator::Jekyll, by));
    }
    for name in ["hugo.toml", "hugo.yaml", "hugo.yml"] {
        if let Some(by) = has(name) {
            return Some((Generator::Hugo, by));
        }
    }
    for name in ["config.toml", "config.yaml", "config.yml"] {
        let Some(by) = has(name) else { continue };
        let settings = read_settings(&source.join(name)).ok()?;
        if settings.contains_key("base_url") {
            return Some((Generator::Zola, by));
        }
        return Some((Generator::Hugo, by));
    }
    None
}

/// A Hugo or Jekyll permalink (`/:year/:month/:title/`) as an inkpress pattern.
pub(super) fn pattern_of(written: &str, section: &str) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut rest = written.trim();
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        let replaced = match name {
            "year" => "{year}",
            "month" => "{month}",
            "day" => "{day}",
            "slug"
            | "title"
            | "filename"
            | "contentbasename"
            | "slugorfilename"
            | "slugorcontentbasename" => "{slug}",
            "categories" => "{categories}",
            "output_ext" => ".html",
            "section" => section,
            _ => return Err(format!("`:{name}` in the permalink `{written}`")),
        };
        out.push_str(replaced);
        rest = &after[len..];
    }
    out.push_str(rest);
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    if !(out.ends_with('/') || out.ends_with(".html")) {
        out.push('/');
    }
    Ok(out)
}

/// Redirects from `/categories/<slug>/` to the tag page the category became, for each
/// category the posts have (inkpress lists categories with the tags), and from each
/// category's feeds (`feeds`, the old file names) to the tag's feed of the same name.
fn category_redirects(plan: &mut Plan, tags_index: &str, feeds: &[String]) {
    let mut categories = std::collections::BTreeSet::new();
    for (_, fields) in post_fields(plan) {
        let taxonomies = fields.get("taxonomies").and_then(|t| t.get("categories"));
        for value in [fields.get("categories"), taxonomies].into_iter().flatten() {
            match value {
                Value::Array(items) => {
                    categories.extend(items.iter().filter_map(|i| i.as_str()).map(tag_slug))
                }
                Value::String(s) => categories.extend(s.split_whitespace().map(tag_slug)),
                _ => {}
            }
        }
    }
    if categories.is_empty() {
        return;
    }
    let redirects = &mut plan.settings.redirects;
    redirects.insert("/categories/".into(), format!("/{tags_index}"));
    for c in categories {
        redirects.insert(format!("/categories/{c}/"), format!("/{tags_index}{c}/"));
        for feed in feeds {
            redirects.insert(
                format!("/categories/{c}/{feed}"),
                format!("/{tags_index}{c}/{feed}"),
            );
        }
    }
}

/// The front matter of a file's text, if it has any that reads.
fn split_fields(path: &Path, text: &str) -> Option<serde_json::Map<String, Value>> {
    crate::content::front_matter::split(path, text)
        .ok()
        .map(|s| s.fields)
}

/// Names of the shortcodes or Liquid tags used in the posts, for the report.
pub(super) fn templates_in_text(plan: &mut Plan, opener: &str) {
    let mut names = std::collections::BTreeSet::new();
    for (from, to) in &plan.copies {
        if !super::is_markdown(to) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(from) else {
            continue;
        };
        for found in text.split(opener).skip(1) {
            let name: String = found
                .trim_start_matches(['<', '%', '-', ' '])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '/')
                .collect();
            if !name.is_empty() && !name.starts_with('/') && !name.starts_with("end") {
                names.insert(name);
            }
        }
    }
    if !names.is_empty() {
        let list: Vec<String> = names.into_iter().collect();
        plan.note(format!(
            "template tags in posts ({}): check that each page shows what it should",
            list.join(", ")
        ));
    }
}

/// A folder the writer may have customised that inkpress does not read.
pub(super) fn not_read(plan: &mut Plan, source: &Path, folders: &[&str], why: &str) {
    for f in folders {
        if source.join(f).exists() {
            plan.note(format!("{f}/: {why}"));
        }
    }
}

pub fn hugo(source: &Path, by: PathBuf) -> Result<Plan> {
    let settings = read_settings(&source.join(&by))?;
    let mut plan = Plan::new(Generator::Hugo, by);
    let s = &mut plan.settings;
    s.title = text_at(&settings, "title");
    s.description = text_at(&settings, "params.description");
    s.author = text_at(&settings, "params.author")
        .or_else(|| text_at(&settings, "author.name"))
        .or_else(|| text_at(&settings, "params.author.name"));
    s.base_url = text_at(&settings, "baseURL").or_else(|| text_at(&settings, "baseurl"));
    s.language = text_at(&settings, "locale").or_else(|| text_at(&settings, "languageCode"));
    s.posts_per_page = text_at(&settings, "pagination.pagerSize")
        .or_else(|| text_at(&settings, "paginate"))
        .and_then(|n| n.parse().ok());
    // Hugo's RSS feeds are index.xml, at the root and in each tag's folder; it has no Atom.
    s.rss = Some("index.xml".into());
    let main = settings
        .get("params")
        .and_then(|p| p.get("mainSections"))
        .and_then(|m| m.get(0))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let content = source.join("content");
    let section = main
        .or_else(|| {
            ["posts", "post", "blog"]
                .into_iter()
                .find(|s| content.join(s).is_dir())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "posts".into());
    let written = settings
        .get("permalinks")
        .and_then(|p| {
            p.get(&section)
                .or_else(|| p.get("page").and_then(|p| p.get(&section)))
        })
        .and_then(Value::as_str);
    let pattern = match written {
        Some(w) => pattern_of(w, &section),
        None => Ok(format!("/{section}/{{slug}}/")),
    };
    match pattern {
        Ok(p) => plan.settings.posts_pattern = Some(p),
        Err(what) => plan.note(format!("{what}: posts keep /blog/{{slug}}/")),
    }
    if section != "blog" {
        plan.settings
            .redirects
            .insert(format!("/{section}/"), "/blog/".into());
    }
    // Hugo's section feed carries the section's posts, which are the blog's: it is the
    // blog's feed, written at the old URL too. Its taxonomy lists' feeds (/tags/index.xml)
    // carry one entry per term; inkpress has no feed of tags, and a reader subscribed
    // there (a theme's feed link on the tags page) keeps a working feed of the posts.
    let feeds_on = !settings
        .get("disableKinds")
        .and_then(Value::as_array)
        .is_some_and(|kinds| {
            kinds
                .iter()
                .any(|k| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case("rss")))
        });
    if feeds_on {
        for list in [section.as_str(), "tags", "categories"] {
            plan.settings
                .redirects
                .insert(format!("/{list}/index.xml"), "/index.xml".into());
        }
    }
    plan.copy_tree(&content.join(&section), Path::new("content/blog"));
    let section_dir = content.join(&section);
    plan.copy_tree_where(&content, Path::new("content"), |rel| {
        !content.join(rel).starts_with(&section_dir) && rel != Path::new("_index.md")
    });
    plan.copy_tree(&source.join("static"), Path::new("static"));
    plan.copy_tree(&source.join("assets/images"), Path::new("static/images"));
    let category_feeds: Vec<String> = feeds_on
        .then(|| "index.xml".to_owned())
        .into_iter()
        .collect();
    category_redirects(&mut plan, "tags/", &category_feeds);
    templates_in_text(&mut plan, "{{");
    let theme = text_at(&settings, "theme");
    if let Some(theme) = theme {
        plan.note(format!(
            "theme `{theme}`: inkpress uses its own theme (templates/ to change it)"
        ));
    }
    not_read(
        &mut plan,
        source,
        &["layouts", "themes", "assets", "i18n", "data"],
        "Hugo templates and data are not read",
    );
    Ok(plan)
}

pub fn zola(source: &Path, by: PathBuf) -> Result<Plan> {
    let settings = read_settings(&source.join(&by))?;
    let mut plan = Plan::new(Generator::Zola, by);
    let s = &mut plan.settings;
    s.title = text_at(&settings, "title");
    s.description = text_at(&settings, "description");
    s.author = text_at(&settings, "extra.author").or_else(|| text_at(&settings, "author"));
    s.base_url = text_at(&settings, "base_url");
    s.language = text_at(&settings, "default_language");
    let feeds_on = ["generate_feeds", "generate_feed"]
        .iter()
        .any(|k| settings.get(*k).and_then(Value::as_bool) == Some(true));
    let mut feed_names: Vec<String> = match settings.get("feed_filenames") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => text_at(&settings, "feed_filename").into_iter().collect(),
    };
    if feed_names.is_empty() {
        feed_names.push("atom.xml".into());
    }
    for name in feed_names.iter().filter(|_| feeds_on) {
        if name.contains("rss") {
            s.rss = Some(name.clone());
        } else {
            s.atom = Some(name.clone());
        }
    }
    let content = source.join("content");
    let section = ["blog", "posts", "post"]
        .into_iter()
        .find(|s| content.join(s).is_dir())
        .unwrap_or("blog")
        .to_owned();
    let section_dir = content.join(&section);
    let index = std::fs::read_to_string(section_dir.join("_index.md")).unwrap_or_default();
    if let Some(fields) = split_fields(&section_dir.join("_index.md"), &index) {
        s.posts_per_page = fields
            .get("paginate_by")
            .and_then(Value::as_u64)
            .map(|n| n as usize);
    }
    s.posts_pattern = Some(format!("/{section}/{{slug}}/"));
    if section != "blog" {
        s.redirects.insert(format!("/{section}/"), "/blog/".into());
    }
    let feed_names: Vec<String> = feed_names.into_iter().filter(|_| feeds_on).collect();
    // A section with `generate_feeds` has its own feeds, of the blog's posts: the blog's
    // feeds are written there too.
    let section_feeds = ["generate_feeds", "generate_feed"].iter().any(|k| {
        split_fields(&section_dir.join("_index.md"), &index)
            .and_then(|f| f.get(*k).and_then(Value::as_bool))
            == Some(true)
    });
    for name in feed_names.iter().filter(|_| section_feeds) {
        s.redirects
            .insert(format!("/{section}/{name}"), format!("/{name}"));
    }
    // Categories become tags; a categories taxonomy with `feed = true` had feeds per term.
    let categories_fed = settings
        .get("taxonomies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|t| {
            t.get("name").and_then(Value::as_str) == Some("categories")
                && ["feed", "rss"]
                    .iter()
                    .any(|k| t.get(*k).and_then(Value::as_bool) == Some(true))
        });
    let category_feeds = if categories_fed {
        feed_names.clone()
    } else {
        Vec::new()
    };
    plan.copy_tree(&section_dir, Path::new("content/blog"));
    plan.copy_tree_where(&content, Path::new("content"), |rel| {
        !content.join(rel).starts_with(&section_dir) && rel != Path::new("_index.md")
    });
    plan.copy_tree(&source.join("static"), Path::new("static"));
    category_redirects(&mut plan, "tags/", &category_feeds);
    templates_in_text(&mut plan, "{{");
    if let Some(theme) = text_at(&settings, "theme") {
        plan.note(format!(
            "theme `{theme}`: inkpress uses its own theme (templates/ to change it)"
        ));
    }
    not_read(
        &mut plan,
        source,
        &["templates", "themes", "sass"],
        "Zola templates are not read",
    );
    Ok(plan)
}

pub fn tailwind(source: &Path, by: PathBuf) -> Result<Plan> {
    let metadata = std::fs::read_to_string(source.join("data/siteMetadata.js")).unwrap_or_default();
    let mut plan = Plan::new(Generator::Tailwind, by);
    let s = &mut plan.settings;
    s.title = js_string(&metadata, "title");
    s.description = js_string(&metadata, "description");
    s.author = js_string(&metadata, "author");
    s.base_url = js_string(&metadata, "siteUrl");
    s.language = js_string(&metadata, "language");
    // The starter shows 5 posts a page, and its RSS feeds are feed.xml (also per tag).
    s.posts_per_page = Some(5);
    s.rss = Some("feed.xml".into());
    plan.copy_tree(&source.join("data/blog"), Path::new("content/blog"));
    // public/static/images/x.png is linked as /static/images/x.png, which inkpress
    // publishes as /images/x.png: the files go to static/images/.
    let public = source.join("public");
    plan.copy_tree_where(&public, Path::new("static"), |rel| {
        !rel.starts_with("static")
    });
    plan.copy_tree(&public.join("static"), Path::new("static"));
    // The starter's tag URLs are github-slugger's (`Next.js` → `nextjs`); where inkpress
    // spells one otherwise (`next-js`), the old URL redirects.
    for (_, fields) in post_fields(&plan) {
        let tags = match fields.get("tags") {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        };
        for tag in tags {
            let (old, new) = (heading_slug(tag), tag_slug(tag));
            if old != new {
                plan.settings
                    .redirects
                    .insert(format!("/tags/{old}/"), format!("/tags/{new}/"));
            }
        }
    }
    let author = source.join("data/authors/default.mdx");
    if let Ok(text) = std::fs::read_to_string(&author) {
        // The about page is the default author's file, which has no title.
        let titled = match text.strip_prefix("---\n") {
            Some(rest)
                if !rest
                    .lines()
                    .take_while(|l| *l != "---")
                    .any(|l| l.starts_with("title:")) =>
            {
                format!("---\ntitle: About\n{rest}")
            }
            _ => text,
        };
        plan.writes
            .push((PathBuf::from("content/about.mdx"), titled));
    }
    for (what, path) in [
        ("projects page", "data/projectsData.ts"),
        ("header links", "data/headerNavLinks.ts"),
    ] {
        if source.join(path).exists() {
            plan.note(format!("{path}: the {what} is not imported"));
        }
    }
    if let Some(c) = js_string(&metadata, "provider") {
        plan.note(format!("comments or analytics provider `{c}` in siteMetadata.js: set [comments]/[analytics] by hand"));
    }
    not_read(
        &mut plan,
        source,
        &["app", "components", "layouts"],
        "React components are not read",
    );
    Ok(plan)
}

/// The string value of `key: '…'` in the starter's `siteMetadata.js`: a flat object
/// literal of quoted strings, read by key rather than run as JavaScript.
fn js_string(js: &str, key: &str) -> Option<String> {
    js.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix(':')?
            .trim();
        let quote = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))?;
        let inner = &rest[1..];
        Some(inner[..inner.find(quote)?].to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_of_hugo_and_jekyll() {
        assert_eq!(
            pattern_of("/:year/:month/:title/", "posts").unwrap(),
            "/{year}/{month}/{slug}/"
        );
        assert_eq!(
            pattern_of("/:categories/:year/:month/:day/:title:output_ext", "").unwrap(),
            "/{categories}/{year}/{month}/{day}/{slug}.html"
        );
        assert_eq!(
            pattern_of("/:section/:slug/", "posts").unwrap(),
            "/posts/{slug}/"
        );
        assert!(pattern_of("/:weekday/:title/", "")
            .unwrap_err()
            .contains(":weekday"));
    }

    #[test]
    fn site_metadata_strings() {
        let js = "const siteMetadata = {\n  title: 'Next.js Starter Blog',\n  author: \"Tails Azimuth\",\n  siteUrl: 'https://x.vercel.app',\n}";
        assert_eq!(
            js_string(js, "title").as_deref(),
            Some("Next.js Starter Blog")
        );
        assert_eq!(js_string(js, "author").as_deref(), Some("Tails Azimuth"));
        assert_eq!(
            js_string(js, "siteUrl").as_deref(),
            Some("https://x.vercel.app")
        );
        assert_eq!(js_string(js, "locale"), None);
    }
}
