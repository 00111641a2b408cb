//! Front matter the default theme shows as cards: an author's profile
//! (`content/authors/NAME.md`) and a page's `projects`. Both are lists of small records
//! whose mistakes are reported with the field's line, like every other field.

use super::front_matter::kind_of;
use crate::error::Diagnostic;
use serde::Serialize;
use serde_json::{Map, Value};

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

/// Makes the error for a field: its message and a hint, placed at the field's line.
pub type ErrorAt<'a> = dyn Fn(&str, String, &str) -> Diagnostic + 'a;

/// The profile fields of an author's file: `avatar`, `bio`, `links` (a list of
/// `{name, url}`, or a table of name = URL).
pub fn profile(
    fields: &Map<String, Value>,
    error_at: &ErrorAt,
    errors: &mut Vec<Diagnostic>,
) -> Profile {
    let mut text = |key: &str| text_of(fields.get(key), key, error_at, errors);
    let avatar = text("avatar");
    let bio = text("bio");
    let links = match fields.get("links") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(table)) => table
            .iter()
            .filter_map(|(name, url)| match url {
                Value::String(url) => Some(Link {
                    name: name.clone(),
                    url: url.clone(),
                }),
                other => {
                    errors.push(error_at(
                        "links",
                        format!("the link `{name}` must be a URL, found {}", kind_of(other)),
                        "write links: {GitHub: https://github.com/me}",
                    ));
                    None
                }
            })
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let record = record(item, "links", &["name", "url"], error_at, errors)?;
                match (record.get("name"), record.get("url")) {
                    (Some(name), Some(url)) => Some(Link {
                        name: name.clone(),
                        url: url.clone(),
                    }),
                    _ => {
                        errors.push(error_at(
                            "links",
                            "every link needs a `name` and a `url`".into(),
                            "write links: [{name: GitHub, url: 'https://github.com/me'}]",
                        ));
                        None
                    }
                }
            })
            .collect(),
        Some(other) => {
            errors.push(error_at(
                "links",
                format!("`links` must be a list, found {}", kind_of(other)),
                "write links: [{name: GitHub, url: 'https://github.com/me'}]",
            ));
            Vec::new()
        }
    };
    Profile { avatar, bio, links }
}

/// A page's `projects`: a list of `{title, description, image, url}`, title required.
pub fn projects(
    fields: &Map<String, Value>,
    error_at: &ErrorAt,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Project> {
    const HINT: &str = "write projects: [{title: My tool, description: What it does, url: 'https://…', image: /images/tool.png}]";
    let items = match fields.get("projects") {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => {
            errors.push(error_at(
                "projects",
                format!("`projects` must be a list, found {}", kind_of(other)),
                HINT,
            ));
            return Vec::new();
        }
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(n, item)| {
            let mut record = record(
                item,
                "projects",
                &["title", "description", "image", "url"],
                error_at,
                errors,
            )?;
            match record.remove("title").filter(|t| !t.trim().is_empty()) {
                Some(title) => Some(Project {
                    title,
                    description: record.remove("description"),
                    image: record.remove("image"),
                    url: record.remove("url"),
                }),
                None => {
                    errors.push(error_at(
                        "projects",
                        format!("project {} of `projects` has no `title`", n + 1),
                        HINT,
                    ));
                    None
                }
            }
        })
        .collect()
}

/// A table of text fields out of `item`, one of the list `key`; fields other than
/// `allowed` are errors (a typo would otherwise vanish).
fn record(
    item: &Value,
    key: &str,
    allowed: &[&str],
    error_at: &ErrorAt,
    errors: &mut Vec<Diagnostic>,
) -> Option<std::collections::BTreeMap<String, String>> {
    let Value::Object(table) = item else {
        errors.push(error_at(
            key,
            format!(
                "each item of `{key}` must be a table of fields ({}), found {}",
                allowed.join(", "),
                kind_of(item)
            ),
            "write each item as {name: value, …} or a `- ` item with indented fields",
        ));
        return None;
    };
    let mut out = std::collections::BTreeMap::new();
    for (field, value) in table {
        if !allowed.contains(&field.as_str()) {
            errors.push(error_at(
                key,
                format!("`{field}` is not a field of `{key}`"),
                &format!("the fields are {}", allowed.join(", ")),
            ));
            continue;
        }
        if let Some(text) = text_of(Some(value), &format!("{key}: {field}"), error_at, errors) {
            out.insert(field.clone(), text);
        }
    }
    Some(out)
}

fn text_of(
    value: Option<&Value>,
    key: &str,
    error_at: &ErrorAt,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(other) => {
            let field = key.split(':').next().unwrap_or(key);
            errors.push(error_at(
                field,
                format!("`{key}` must be text, found {}", kind_of(other)),
                "quote the value",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fields(yaml: &str) -> Map<String, Value> {
        let text = format!("---\n{yaml}---\n");
        super::super::front_matter::split(Path::new("a.md"), &text)
            .unwrap()
            .fields
    }

    fn error_at(key: &str, message: String, _hint: &str) -> Diagnostic {
        Diagnostic::new(Path::new("a.md"), format!("{key}: {message}"))
    }

    #[test]
    fn links_as_a_list_or_a_table() {
        let mut errors = Vec::new();
        let list = profile(
            &fields("avatar: /me.png\nlinks:\n  - {name: GitHub, url: 'https://github.com/me'}\n"),
            &error_at,
            &mut errors,
        );
        let table = profile(
            &fields("links: {GitHub: 'https://github.com/me'}\n"),
            &error_at,
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(list.avatar.as_deref(), Some("/me.png"));
        assert_eq!(list.links, table.links);
        assert_eq!(list.links[0].url, "https://github.com/me");
    }

    #[test]
    fn every_broken_project_is_reported() {
        let mut errors = Vec::new();
        let found = projects(
            &fields("projects:\n  - title: A\n    url: /a/\n  - description: no title\n  - title: B\n    colour: red\n  - plain\n"),
            &error_at,
            &mut errors,
        );
        assert_eq!(
            found.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("project 2 of `projects` has no `title`")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`colour` is not a field of `projects`")),
            "{messages:?}"
        );
    }
}
