//! Reading one file's front matter fields by the kind of value each should hold (text,
//! date, list, flag), noting every wrong one at its key's line and going on.

use super::date::Date;
use super::front_matter::{kind_of, Split};
use crate::error::Diagnostic;
use serde_json::{Map, Value};
use std::path::Path;

/// One file's front matter fields as they are read: each reader of a kind of value
/// (text, date, list, flag) notes what is wrong with it, at the key's line, and goes on.
pub struct Fields<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub split: &'a Split,
    pub all: &'a Map<String, Value>,
    pub errors: Vec<Diagnostic>,
}

impl Fields<'_> {
    /// A problem with the value of `key`, at the key's place in the file.
    pub fn error_at(&mut self, key: &str, message: String, hint: &str) {
        let d = Diagnostic::new(self.path, message).hint(hint);
        let (line, column) = self.split.key_position(key).unwrap_or((1, 1));
        self.errors.push(d.at(self.text, line, column));
    }

    /// A field that should be there and is not: reported where the front matter starts.
    pub fn missing(&mut self, message: &str, hint: &str) {
        let line = self.split.raw_first_line.saturating_sub(1).max(1);
        let d = Diagnostic::new(self.path, message)
            .at(self.text, line, 1)
            .hint(hint);
        self.errors.push(d);
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.all.get(key).filter(|v| !v.is_null())
    }

    pub fn text(&mut self, key: &str) -> Option<String> {
        let all = self.all;
        let value = all.get(key).filter(|v| !v.is_null())?;
        self.text_in(value, key, key)
    }

    /// The text of `value`, written under the top-level `key` and named `name` in a
    /// message (`links: url` for a field of an item of `links`).
    pub fn text_in(&mut self, value: &Value, key: &str, name: &str) -> Option<String> {
        let text = scalar_text(value);
        if text.is_none() {
            let message = format!("`{name}` must be text, found {}", kind_of(value));
            self.error_at(key, message, "quote the value");
        }
        text
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let Some(value) = self.get(key) else {
            if required {
                self.missing(
                    &format!("the post has no `{key}`"),
                    "add a line such as `date: 2025-06-29` to the front matter",
                );
            }
            return None;
        };
        let written = scalar_text(value);
        let parsed = written.as_deref().and_then(Date::parse);
        if parsed.is_none() {
            let why = written
                .as_deref()
                .and_then(Date::impossible_day)
                .map(|why| format!(" ({why})"))
                .unwrap_or_default();
            let message = format!("`{key}` is not a date: {}{why}", show(value));
            let hint = "write dates as 2025-06-29, or 2025-06-29T18:30:00+02:00 with a time";
            self.error_at(key, message, hint);
        }
        parsed
    }

    /// A list of texts; one text stands for a list of one.
    pub fn list(&mut self, key: &str) -> Vec<String> {
        const HINT: &str = "write tags: ['rust', 'web']";
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            return match scalar_text(value) {
                Some(s) if s.trim().is_empty() => Vec::new(),
                Some(s) => vec![s.trim().to_owned()],
                None => {
                    let message = format!("`{key}` must be a list, found {}", kind_of(value));
                    self.error_at(key, message, HINT);
                    Vec::new()
                }
            };
        };
        let mut out = Vec::with_capacity(items.len());
        let mut wrong = Vec::new();
        for item in items {
            match scalar_text(item) {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                Some(_) => {}
                None => wrong.push(kind_of(item)),
            }
        }
        for found in wrong {
            let message = format!("`{key}` must be a list of text, found {found}");
            self.error_at(key, message, HINT);
        }
        out
    }

    /// `true` or `false`, in any of the spellings YAML 1.1 allowed.
    pub fn flag(&mut self, key: &str, default: bool) -> bool {
        let Some(value) = self.get(key) else {
            return default;
        };
        let parsed = parse_bool(value);
        if parsed.is_none() {
            let message = format!("`{key}` must be true or false, found {}", show(value));
            self.error_at(key, message, &format!("write {key}: true or {key}: false"));
        }
        parsed.unwrap_or(default)
    }
}

/// Text of a scalar: strings as they are, numbers and booleans written out.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// YAML 1.1 booleans in any case (`False`, `yes`, `off`), as writers use them.
pub fn parse_bool(v: &Value) -> Option<bool> {
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

pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
