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
fn pattern_of(written: &str, section: &str) -> std::result::Result<String, String> {
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
/// category the posts have (inkpress lists categories with the tags).
fn category_redirects(plan: &mut Plan, tags_index: &str) {
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
    }
}

/// Names of the shortcodes or Liquid tags used in the posts, for the report.
fn templates_in_text(plan: &mut Plan, opener: &str) {
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
fn not_read(plan: &mut Plan, source: &Path, folders: &[&str], why: &str) {
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
    plan.copy_tree(&content.join(&section), Path::new("content/blog"));
    let section_dir = content.join(&section);
    plan.copy_tree_where(&content, Path::new("content"), |rel| {
        !content.join(rel).starts_with(&section_dir) && rel != Path::new("_index.md")
    });
    plan.copy_tree(&source.join("static"), Path::new("static"));
    plan.copy_tree(&source.join("assets/images"), Path::new("static/images"));
    category_redirects(&mut plan, "tags/");
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

pub fn jekyll(source: &Path, by: PathBuf) -> Result<Plan> {
    let settings = read_settings(&source.join(&by))?;
    let mut plan = Plan::new(Generator::Jekyll, by);
    let s = &mut plan.settings;
    s.title = text_at(&settings, "title");
    s.description = text_at(&settings, "description");
    s.author = text_at(&settings, "author").or_else(|| text_at(&settings, "author.name"));
    s.base_url = text_at(&settings, "url").map(|url| {
        let base = text_at(&settings, "baseurl").unwrap_or_default();
        format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/'))
    });
    s.language = text_at(&settings, "lang");
    s.posts_per_page = text_at(&settings, "paginate").and_then(|n| n.parse().ok());
    let plugins: Vec<String> = ["plugins", "gems"]
        .iter()
        .filter_map(|k| settings.get(*k)?.as_array().cloned())
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    // jekyll-feed writes an Atom feed at /feed.xml.
    if plugins.iter().any(|p| p == "jekyll-feed") {
        s.atom = Some("feed.xml".into());
    }
    let style = text_at(&settings, "permalink").unwrap_or_else(|| "date".into());
    let written = match style.as_str() {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "none" => "/:categories/:title:output_ext",
        other => other,
    };
    match pattern_of(written, "") {
        Ok(p) => plan.settings.posts_pattern = Some(p),
        Err(what) => plan.note(format!("{what}: posts keep /blog/{{slug}}/")),
    }
    let pretty = written.ends_with('/');
    plan.copy_tree(&source.join("_posts"), Path::new("content/blog"));
    // Pages: Markdown at the top level; Jekyll writes `about.md` as /about.html unless
    // the permalink style is pretty or the page has its own permalink.
    let mut tops: Vec<PathBuf> = std::fs::read_dir(source)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    tops.sort();
    let skipped = ["Gemfile", "Gemfile.lock", "README.md", "LICENSE", "CNAME"];
    for path in tops {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with(['.', '_']) || skipped.contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() {
            if !["node_modules", "vendor"].contains(&name.as_str()) {
                plan.copy_tree(&path, &Path::new("static").join(&name));
            }
            continue;
        }
        if super::is_markdown(&path) {
            if name.starts_with("index.") {
                plan.note(format!("{name}: the home page is inkpress's own"));
                continue;
            }
            plan.copies
                .push((path.clone(), Path::new("content").join(&name)));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let own = crate::content::front_matter::split(&path, &text)
                .is_ok_and(|s| s.fields.contains_key("permalink"));
            if !pretty && !own {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                plan.settings
                    .redirects
                    .insert(format!("/{stem}.html"), format!("/{stem}/"));
            }
        } else if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".liquid") {
            plan.note(format!("{name}: a Liquid template, not read"));
        } else {
            plan.copies
                .push((path.clone(), Path::new("static").join(&name)));
        }
    }
    for p in plugins.iter().filter(|p| {
        ![
            "jekyll-feed",
            "jekyll-redirect-from",
            "jekyll-seo-tag",
            "jekyll-sitemap",
            "jekyll-paginate",
        ]
        .contains(&p.as_str())
    }) {
        plan.note(format!("plugin {p}"));
    }
    if let Some(theme) = text_at(&settings, "theme") {
        plan.note(format!(
            "theme `{theme}`: inkpress uses its own theme (templates/ to change it)"
        ));
    }
    if source.join("_drafts").is_dir() {
        plan.note(
            "_drafts/: not copied; move a draft to content/blog/ with `draft: true` to keep it",
        );
    }
    templates_in_text(&mut plan, "{%");
    not_read(
        &mut plan,
        source,
        &["_layouts", "_includes", "_sass", "_data"],
        "Jekyll templates and data are not read",
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
    if let Ok(split) = crate::content::front_matter::split(&section_dir.join("_index.md"), &index) {
        s.posts_per_page = split
            .fields
            .get("paginate_by")
            .and_then(Value::as_u64)
            .map(|n| n as usize);
    }
    s.posts_pattern = Some(format!("/{section}/{{slug}}/"));
    if section != "blog" {
        s.redirects.insert(format!("/{section}/"), "/blog/".into());
    }
    plan.copy_tree(&section_dir, Path::new("content/blog"));
    plan.copy_tree_where(&content, Path::new("content"), |rel| {
        !content.join(rel).starts_with(&section_dir) && rel != Path::new("_index.md")
    });
    plan.copy_tree(&source.join("static"), Path::new("static"));
    category_redirects(&mut plan, "tags/");
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
