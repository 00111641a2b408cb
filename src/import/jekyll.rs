//! A Jekyll site as an import [`Plan`]: `_config.yml`, posts in `_posts/` (also in
//! category folders, `linux/_posts/`), drafts in `_drafts/`, pages at the top level, and
//! the URLs Jekyll and jekyll-feed give them (from their documentation: no registry here
//! has Jekyll).

use super::generators::{not_read, pattern_of, templates_in_text};
use super::{is_markdown, read_settings, text_at, Generator, Plan};
use crate::content::discover::without_jekyll_date;
use crate::content::front_matter;
use crate::content::slug::tag_slug;
use crate::error::Result;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
    let tags = posts(&mut plan, source);
    pages(&mut plan, source, pretty);
    if plugins.iter().any(|p| p == "jekyll-feed") {
        feeds(&mut plan, &settings, &tags);
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
    templates_in_text(&mut plan, "{%");
    not_read(
        &mut plan,
        source,
        &["_layouts", "_includes", "_sass", "_data"],
        "Jekyll templates and data are not read",
    );
    Ok(plan)
}

/// Folders Jekyll never reads posts from.
fn never_read(name: &str) -> bool {
    name.starts_with('.') || ["_site", "node_modules", "vendor"].contains(&name)
}

/// Plans every post of every `_posts/` and `_drafts/` folder, and returns the tags they
/// use. The folders above `_posts/` are the post's first categories (`linux/_posts/x.md`
/// is in `linux`, before those of its front matter), as Jekyll reads them; a draft gets
/// `draft: true` and, having no date in its name, the date Jekyll gives it (the file's
/// last change) unless it has one.
fn posts(plan: &mut Plan, source: &Path) -> BTreeSet<String> {
    let mut tags = BTreeSet::new();
    let walker = walkdir::WalkDir::new(source)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !never_read(&e.file_name().to_string_lossy()));
    for entry in walker.flatten().filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(source).unwrap_or(entry.path());
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let Some(at) = parts.iter().position(|p| p == "_posts" || p == "_drafts") else {
            continue;
        };
        let draft = parts[at] == "_drafts";
        let folders = &parts[..at];
        // A folder starting with `_` is Jekyll's own (`_layouts/_posts` is no post).
        if folders.iter().any(|f| f.starts_with('_')) {
            continue;
        }
        let within: PathBuf = parts[at + 1..].iter().collect();
        let to = Path::new("content/blog")
            .join(folders.join("/"))
            .join(&within);
        let nested = folders.len() + within.components().count() > 1;
        if !is_markdown(&to) || (!nested && !draft) {
            plan.copies.push((entry.path().to_path_buf(), to));
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            plan.copies.push((entry.path().to_path_buf(), to));
            continue;
        };
        let fields = front_matter::split(entry.path(), &text)
            .map(|s| s.fields)
            .unwrap_or_default();
        if !draft {
            tags.extend(list(&fields, "tags"));
        }
        let mut set: Vec<(&str, String)> = Vec::new();
        let mut dropped = Vec::new();
        if nested && !fields.contains_key("slug") {
            // The slug is the file's name, not its path under content/blog/.
            let stem = to.file_stem().unwrap_or_default().to_string_lossy();
            set.push(("slug", json(&without_jekyll_date(&stem))));
        }
        if !folders.is_empty() {
            let mut categories: Vec<String> = folders.to_vec();
            for c in list(&fields, "categories")
                .into_iter()
                .chain(list(&fields, "category"))
            {
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
            set.push(("categories", json(&categories)));
            dropped.extend(["categories", "category"]);
        }
        if draft {
            set.push(("draft", "true".into()));
            let dated = crate::content::date::jekyll_date(&to).is_some();
            if !dated && !fields.contains_key("date") {
                let changed = entry.metadata().ok().and_then(|m| m.modified().ok());
                let day = changed.map_or_else(chrono::Utc::now, chrono::DateTime::from);
                set.push(("date", day.format("%Y-%m-%d").to_string()));
            }
        }
        dropped.extend(set.iter().map(|(k, _)| *k));
        plan.writes.push((to, with_keys(&text, &set, &dropped)));
    }
    for (_, fields) in super::post_fields(plan) {
        tags.extend(list(&fields, "tags"));
    }
    tags
}

/// A front matter list as Jekyll reads it: a YAML list, or words in one string.
fn list(fields: &Map<String, Value>, key: &str) -> Vec<String> {
    match fields.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// A value written as JSON, which YAML reads as the same value.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `text` with `set` as the first keys of its YAML front matter, and without the lines
/// of any key in `dropped` (a key's value may go on over indented or `- ` lines); the
/// rest is left as written. A file with no front matter gets one.
fn with_keys(text: &str, set: &[(&str, String)], dropped: &[&str]) -> String {
    let new: String = set.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
    let Some(after) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return format!("---\n{new}---\n{text}");
    };
    let mut out = format!("---\n{new}");
    let mut skipping = false;
    let mut lines = after.split_inclusive('\n');
    for line in lines.by_ref() {
        if line.trim_end() == "---" {
            out.push_str(line);
            break;
        }
        let continues = line.starts_with([' ', '\t', '-']);
        if continues && skipping {
            continue;
        }
        skipping = dropped.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        if !skipping {
            out.push_str(line);
        }
    }
    out.extend(lines);
    out
}

/// Pages: Markdown at the top level; Jekyll writes `about.md` as /about.html unless the
/// permalink style is pretty or the page has its own permalink. Other folders are
/// static files, less Jekyll's own (`_x`) inside them.
fn pages(plan: &mut Plan, source: &Path, pretty: bool) {
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
            if !never_read(&name) {
                plan.copy_tree_where(&path, &Path::new("static").join(&name), |rel| {
                    !rel.iter().any(|p| p.to_string_lossy().starts_with('_'))
                });
            }
            continue;
        }
        if is_markdown(&path) {
            if name.starts_with("index.") {
                plan.note(format!("{name}: the home page is inkpress's own"));
                continue;
            }
            plan.copies
                .push((path.clone(), Path::new("content").join(&name)));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let own =
                front_matter::split(&path, &text).is_ok_and(|s| s.fields.contains_key("permalink"));
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
}

/// jekyll-feed's Atom feeds: the site's at `feed.path` (/feed.xml by default), and those
/// of the categories in `feed.categories` (/feed/<category>.xml) and of the tags when
/// `feed.tags` is on (/feed/by_tag/<tag>.xml, or under its `path`). Each old URL carries
/// the inkpress feed of the same posts: a category's or tag's is the tag's feed.
fn feeds(plan: &mut Plan, settings: &Map<String, Value>, tags: &BTreeSet<String>) {
    let path = text_at(settings, "feed.path").unwrap_or_else(|| "feed.xml".into());
    let file = path.trim_start_matches('/');
    let atom = if !file.contains('/') && file.ends_with(".xml") {
        file.to_owned()
    } else {
        "feed.xml".to_owned()
    };
    if file != atom && !file.ends_with(".xml") {
        plan.note(format!(
            "jekyll-feed's feed at /{file}: inkpress's feed is /{atom} (a feed's name ends in .xml)"
        ));
    }
    let redirects = &mut plan.settings.redirects;
    if file != atom && file.ends_with(".xml") {
        redirects.insert(format!("/{file}"), format!("/{atom}"));
    }
    let feed = settings.get("feed");
    let tag_feed = |name: &str| format!("/tags/{}/{atom}", tag_slug(name));
    let categories = feed.map(|f| list(f.as_object().unwrap_or(&Map::new()), "categories"));
    for category in categories.unwrap_or_default() {
        redirects.insert(format!("/feed/{category}.xml"), tag_feed(&category));
    }
    let tag_settings = feed.and_then(|f| f.get("tags"));
    let on = match tag_settings {
        Some(Value::Bool(on)) => *on,
        Some(Value::Object(_)) => true,
        _ => false,
    };
    if on {
        let options = tag_settings.and_then(Value::as_object);
        let folder = options
            .and_then(|o| o.get("path")?.as_str())
            .unwrap_or("/feed/by_tag/");
        let folder = format!("/{}/", folder.trim_matches('/'));
        let only = options.map(|o| list(o, "only")).unwrap_or_default();
        let except = options.map(|o| list(o, "except")).unwrap_or_default();
        let fed = tags.iter().filter(|t| {
            (only.is_empty() || only.contains(t)) && !except.contains(t) && !t.contains(' ')
        });
        for tag in fed {
            redirects.insert(format!("{folder}{tag}.xml"), tag_feed(tag));
        }
    }
    plan.settings.atom = Some(atom);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_set_first_and_replaced_lines_dropped() {
        let text = "---\ntitle: A\ncategories:\n  - x\n  - y\ntags: [t]\n---\nbody\n---\n";
        let set = [
            ("categories", json(&["a", "x", "y"])),
            ("draft", "true".into()),
        ];
        assert_eq!(
            with_keys(text, &set, &["categories", "draft"]),
            "---\ncategories: [\"a\",\"x\",\"y\"]\ndraft: true\ntitle: A\ntags: [t]\n---\nbody\n---\n"
        );
        assert_eq!(
            with_keys("no front matter\n", &[("draft", "true".into())], &[]),
            "---\ndraft: true\n---\nno front matter\n"
        );
        // A key that only starts like a dropped one stays.
        assert_eq!(
            with_keys("---\ncategory_x: 1\n---\n", &[], &["category"]),
            "---\ncategory_x: 1\n---\n"
        );
    }
}
