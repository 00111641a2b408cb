//! Front matter the default theme shows as cards: an author's profile
//! (`content/authors/NAME.md`) and a page's `projects`. Both are lists of small records
//! whose mistakes are reported with the field's line, like every other field.

use super::fields::Fields;
use super::front_matter::kind_of;
use serde::Serialize;
use serde_json::Value;

/// An author, from the front matter of `content/authors/NAME.md`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Profile {
    /// A site path (`/images/me.png`, `/static/…`) or a full URL.
    pub avatar: Option<String>,
    /// One or two sentences for the author box under posts.
    pub bio: Option<String>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// One project of a page's `projects` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub title: String,
    pub description: Option<String>,
    /// A site path or a full URL, made absolute for templates.
    pub image: Option<String>,
    pub url: Option<String>,
}

/// The profile fields of an author's file: `avatar`, `bio`, `links` (a list of
/// `{name, url}`, or a table of name = URL).
pub fn profile(f: &mut Fields) -> Profile {
    let all = f.all;
    let avatar = text_of(f, all.get("avatar"), "avatar", "avatar");
    let bio = text_of(f, all.get("bio"), "bio", "bio");
    let links = match all.get("links") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(table)) => table
            .iter()
            .filter_map(|(name, url)| match url {
                Value::String(url) => Some(Link {
                    name: name.clone(),
                    url: url.clone(),
                }),
                other => {
                    f.error_at(
                        "links",
                        format!("the link `{name}` must be a URL, found {}", kind_of(other)),
                        "write links: {GitHub: https://github.com/me}",
                    );
                    None
                }
            })
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let record = record(f, item, "links", &["name", "url"])?;
                match (record.get("name"), record.get("url")) {
                    (Some(name), Some(url)) => Some(Link {
                        name: name.clone(),
                        url: url.clone(),
                    }),
                    _ => {
                        f.error_at(
                            "links",
                            "every link needs a `name` and a `url`".into(),
                            "write links: [{name: GitHub, url: 'https://github.com/me'}]",
                        );
                        None
                    }
                }
            })
            .collect(),
        Some(other) => {
            f.error_at(
                "links",
                format!("`links` must be a list, found {}", kind_of(other)),
                "write links: [{name: GitHub, url: 'https://github.com/me'}]",
            );
            Vec::new()
        }
    };
    Profile { avatar, bio, links }
}

/// A page's `projects`: a list of `{title, description, image, url}`, title required.
pub fn projects(f: &mut Fields) -> Vec<Project> {
    const HINT: &str = "write projects: [{title: My tool, description: What it does, url: 'https://…', image: /images/tool.png}]";
    let items = match f.all.get("projects") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            let message = format!("`projects` must be a list, found {}", kind_of(other));
            f.error_at("projects", message, HINT);
            return Vec::new();
        }
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(n, item)| {
            let mut record = record(
                f,
                item,
                "projects",
                &["title", "description", "image", "url"],
            )?;
            match record.remove("title").filter(|t| !t.trim().is_empty()) {
                Some(title) => Some(Project {
                    title,
                    description: record.remove("description"),
                    image: record.remove("image"),
                    url: record.remove("url"),
                }),
                None => {
                    let message = format!("project {} of `projects` has no `title`", n + 1);
                    f.error_at("projects", message, HINT);
                    None
                }
            }
        })
        .collect()
}

/// A table of text fields out of `item`, one of the list `key`; fields other than
/// `allowed` are errors (a typo would otherwise vanish).
fn record(
    f: &mut Fields,
    item: &Value,
    key: &str,
    allowed: &[&str],
) -> Option<std::collections::BTreeMap<String, String>> {
    let Value::Object(table) = item else {
        f.error_at(
            key,
            format!(
                "each item of `{key}` must be a table of fields ({}), found {}",
                allowed.join(", "),
                kind_of(item)
            ),
            "write each item as {name: value, …} or a `- ` item with indented fields",
        );
        return None;
    };
    let mut out = std::collections::BTreeMap::new();
    for (field, value) in table {
        if !allowed.contains(&field.as_str()) {
            f.error_at(
                key,
                format!("`{field}` is not a field of `{key}`"),
                &format!("the fields are {}", allowed.join(", ")),
            );
            continue;
        }
        if let Some(text) = text_of(f, Some(value), key, &format!("{key}: {field}")) {
            out.insert(field.clone(), text);
        }
    }
    Some(out)
}

/// The text of a card's field, trimmed; none when it is empty.
fn text_of(f: &mut Fields, value: Option<&Value>, key: &str, name: &str) -> Option<String> {
    let text = f.text_in(value.filter(|v| !v.is_null())?, key, name)?;
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// What `read` makes of the front matter `yaml`, and the messages of its errors.
    fn read<T>(yaml: &str, read: impl Fn(&mut Fields) -> T) -> (T, Vec<String>) {
        let text = format!("---\n{yaml}---\n");
        let path = Path::new("a.md");
        let split = super::super::front_matter::split(path, &text).unwrap();
        let mut f = Fields {
            path,
            text: &text,
            split: &split,
            all: &split.fields,
            errors: Vec::new(),
        };
        let value = read(&mut f);
        (value, f.errors.iter().map(|e| e.message.clone()).collect())
    }

    #[test]
    fn links_as_a_list_or_a_table() {
        let (list, errors) = read(
            "avatar: /me.png\nlinks:\n  - {name: GitHub, url: 'https://github.com/me'}\n",
            profile,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let (table, errors) = read("links: {GitHub: 'https://github.com/me'}\n", profile);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(list.avatar.as_deref(), Some("/me.png"));
        assert_eq!(list.links, table.links);
        assert_eq!(list.links[0].url, "https://github.com/me");
    }

    #[test]
    fn every_broken_project_is_reported() {
        let (found, messages) = read(
            "projects:\n  - title: A\n    url: /a/\n  - description: no title\n  - title: B\n    colour: red\n  - plain\n  - title: C\n    url: [x]\n",
            projects,
        );
        assert_eq!(
            found.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
            ["A", "B", "C"]
        );
        assert_eq!(
            messages,
            [
                "project 2 of `projects` has no `title`",
                "`colour` is not a field of `projects`",
                "each item of `projects` must be a table of fields (title, description, image, url), found text",
                "`projects: url` must be text, found a list",
            ],
        );
    }
}
