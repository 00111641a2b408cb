//! Front matter: splits a source file into its fields and its Markdown body.
//!
//! YAML (`---`), TOML (`+++`) and JSON (`---` around an object, or a bare leading object
//! as Hugo writes it) are parsed with gray_matter. When a block does not parse, the
//! format's own parser is asked again for the position, so the error points at the
//! exact line of the file.

use crate::config::line_col;
use crate::error::Diagnostic;
use gray_matter::engine::{Engine, JSON, TOML, YAML};
use gray_matter::Matter;
use serde_json::{Map, Value};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

/// A source file split in two: its fields and the Markdown after them.
#[derive(Debug, Clone)]
pub struct Split {
    pub format: Format,
    pub fields: Map<String, Value>,
    /// The raw front matter text, used to point errors at a field's line.
    pub raw: String,
    /// 1-based line of the file where `raw` starts.
    pub raw_first_line: usize,
    pub body: String,
}

impl Split {
    /// The 1-based (line, column) of `key`'s line in the file, for field errors.
    pub fn key_position(&self, key: &str) -> Option<(usize, usize)> {
        let patterns: [String; 3] = [format!("{key}:"), format!("{key} ="), format!("\"{key}\"")];
        self.raw.lines().enumerate().find_map(|(i, line)| {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let hit = patterns.iter().any(|p| trimmed.starts_with(p.as_str()))
                || (self.format == Format::Toml && trimmed.starts_with(&format!("{key}=")));
            // Point at the value, where the mistake usually is.
            let after_key = trimmed.find([':', '=']).map(|i| i + 1).unwrap_or(0);
            let value_offset =
                after_key + (trimmed.len() - after_key - trimmed[after_key..].trim_start().len());
            let column = if trimmed[after_key..].trim().is_empty() {
                0
            } else {
                value_offset
            };
            hit.then(|| {
                (
                    self.raw_first_line + i,
                    indent + trimmed[..column].chars().count() + 1,
                )
            })
        })
    }
}

impl Split {
    /// The 1-based (line, column) in the file where `value` is written under `key` (at
    /// `key`'s line or after it), searching from `after` (a line and column found before,
    /// so that a list's equal values each get their own place); else `key`'s place.
    pub fn value_position(
        &self,
        key: &str,
        value: &str,
        after: Option<(usize, usize)>,
    ) -> Option<(usize, usize)> {
        let key_at = self.key_position(key);
        let from = after.max(key_at.map(|(line, _)| (line, 1)));
        let found = self.raw.lines().enumerate().find_map(|(i, line)| {
            let line_no = self.raw_first_line + i;
            let skip = match from {
                Some((l, _)) if line_no < l => return None,
                Some((l, c)) if line_no == l => line
                    .char_indices()
                    .nth(c - 1)
                    .map_or(line.len(), |(b, _)| b),
                _ => 0,
            };
            let at = skip + line.get(skip..)?.find(value)?;
            Some((line_no, line[..at].chars().count() + 1))
        });
        found.or(key_at)
    }
}

/// Splits `text` (the whole file) into front matter and body.
pub fn split(path: &Path, text: &str) -> Result<Split, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::new(path, "the file is empty")
            .at(text, 1, 1)
            .hint(
                "write a front matter block and the post, such as\n---\ntitle: My post\ndate: 2025-06-29\n---\nHello.",
            ));
    }
    let first_line = text.lines().next().unwrap_or("").trim_end();
    match first_line {
        "---" => delimited(path, text, "---"),
        "+++" => delimited(path, text, "+++"),
        _ if text.trim_start().starts_with('{') => bare_json(path, text),
        _ => Err(Diagnostic::new(path, "this file has no front matter")
            .at(text, 1, 1)
            .hint(
                "start the file with a block such as\n---\ntitle: My post\ndate: 2025-06-29\n---",
            )),
    }
}

fn delimited(path: &Path, text: &str, delimiter: &str) -> Result<Split, Diagnostic> {
    // Find the closing delimiter ourselves: gray_matter reads an unclosed block as body.
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let raw_start = offset;
    let mut close: Option<(usize, usize)> = None;
    for line in text[raw_start..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((raw_end, body_start)) = close else {
        return Err(Diagnostic::new(
            path,
            format!("the front matter opened with `{delimiter}` is never closed"),
        )
        .at(text, 1, 1)
        .hint(format!(
            "add a line with just `{delimiter}` after the last front matter field"
        )));
    };
    let raw = &text[raw_start..raw_end];
    let format = match delimiter {
        "+++" => Format::Toml,
        _ if raw.trim_start().starts_with('{') => Format::Json,
        _ => Format::Yaml,
    };
    let fields = parse_fields(path, text, raw, raw_start, format, delimiter)?;
    Ok(Split {
        format,
        fields,
        raw: raw.to_owned(),
        raw_first_line: 2,
        body: text[body_start..].to_owned(),
    })
}

fn parse_fields(
    path: &Path,
    text: &str,
    raw: &str,
    raw_start: usize,
    format: Format,
    delimiter: &str,
) -> Result<Map<String, Value>, Diagnostic> {
    if raw.trim().is_empty() {
        return Ok(Map::new());
    }
    // gray_matter needs the block with its delimiters; give it only that, never the body,
    // so that a `---` rule in the body is never mistaken for an excerpt separator.
    let block = format!("{delimiter}\n{raw}{delimiter}\n");
    let parsed = match format {
        Format::Yaml => with_engine::<YAML>(&block, delimiter),
        Format::Toml => with_engine::<TOML>(&block, delimiter),
        Format::Json => with_engine::<JSON>(&block, delimiter),
    };
    match parsed {
        Ok(Some(Value::Object(map))) if format == Format::Json => match json_duplicate(raw) {
            Some(e) => Err(json_error(
                path,
                text,
                line_col(text, raw_start).0 + e.line() - 1,
                e.column(),
                &e,
            )),
            None => Ok(map),
        },
        Ok(Some(Value::Object(map))) => Ok(map),
        Ok(Some(Value::Null)) | Ok(None) => Ok(Map::new()),
        Ok(Some(other)) => Err(Diagnostic::new(
            path,
            format!(
                "front matter must be a set of `key: value` fields, found {}",
                kind_of(&other)
            ),
        )
        .at(text, 2, 1)
        .hint("write one field per line, such as `title: My post`")),
        Err(message) => Err(locate_syntax_error(
            path, text, raw, raw_start, format, message,
        )),
    }
}

fn with_engine<E: Engine>(block: &str, delimiter: &str) -> Result<Option<Value>, String> {
    let mut matter = Matter::<E>::new();
    matter.delimiter = delimiter.to_owned();
    // Anything that can never occur in a front matter block: we only pass the block.
    matter.excerpt_delimiter = Some("\u{0}inkpress-no-excerpt\u{0}".to_owned());
    matter
        .parse::<Value>(block)
        .map(|entity| entity.data)
        .map_err(|e| e.to_string())
}

/// Asks the format's own parser where the syntax error is, for a precise position.
fn locate_syntax_error(
    path: &Path,
    text: &str,
    raw: &str,
    raw_start: usize,
    format: Format,
    fallback: String,
) -> Diagnostic {
    let (raw_line, raw_col, message) = match format {
        Format::Yaml => match yaml_rust2::YamlLoader::load_from_str(raw) {
            // The parser notices an unclosed `[` or `{` only further on (at the next key,
            // or the end of the block); the line that opened it is where to look.
            Err(e) => match unclosed_bracket(raw) {
                Some((line, col, close)) if line <= e.marker().line() => (
                    line,
                    col,
                    format!("this list is never closed with `{close}`"),
                ),
                _ => (
                    e.marker().line(),
                    e.marker().col() + 1,
                    yaml_message(e.info()),
                ),
            },
            Ok(_) => (1, 1, fallback),
        },
        Format::Toml => match raw.parse::<toml::Table>() {
            Err(e) => {
                let (l, c) = e.span().map_or((1, 1), |s| line_col(raw, s.start));
                (l, c, e.message().to_owned())
            }
            Ok(_) => (1, 1, fallback),
        },
        Format::Json => match serde_json::from_str::<Value>(raw) {
            Err(e) => (e.line(), e.column(), e.to_string()),
            Ok(_) => (1, 1, fallback),
        },
    };
    let (first_line, _) = line_col(text, raw_start);
    let name = match format {
        Format::Yaml => "YAML",
        Format::Toml => "TOML",
        Format::Json => "JSON",
    };
    let hint = match format {
        _ if message.contains("given twice") || message.contains("duplicate key") => {
            "keep one of the two fields"
        }
        Format::Yaml if message.contains("never closed") => "close the list where it starts: tags: ['a', 'b']",
        Format::Yaml => "quote values that contain `: ` or start with a special character, e.g. title: \"Rust: a love story\"",
        Format::Toml => "TOML values need quotes: title = \"My post\"",
        Format::Json => "front matter in JSON is one object: {\"title\": \"My post\"}",
    };
    Diagnostic::new(path, format!("invalid {name} front matter: {message}"))
        .at(text, first_line + raw_line.max(1) - 1, raw_col)
        .hint(hint)
}

/// yaml-rust2's message in words: its duplicate key error shows the key as a debug value.
fn yaml_message(info: &str) -> String {
    info.strip_suffix(": duplicated key in mapping")
        .map(|key| {
            let key = key
                .strip_prefix("String(\"")
                .and_then(|k| k.strip_suffix("\")"))
                .unwrap_or(key);
            format!("`{key}` is given twice")
        })
        .unwrap_or_else(|| info.to_owned())
}

/// The first `[` or `{` (outside quotes and comments) that the block never closes:
/// (line, column, closer). A list may span lines, so brackets are matched across them.
fn unclosed_bracket(raw: &str) -> Option<(usize, usize, char)> {
    let mut open: Vec<(usize, usize, char)> = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[') => open.push((i + 1, col + 1, ']')),
                (None, '{') => open.push((i + 1, col + 1, '}')),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.first().copied()
}

/// Hugo's JSON front matter: a bare object at the top of the file, body after it.
fn bare_json(path: &Path, text: &str) -> Result<Split, Diagnostic> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    match stream.next() {
        Some(Ok(Value::Object(fields))) => {
            let end = stream.byte_offset();
            if let Some(e) = json_duplicate(&text[..end]) {
                return Err(json_error(path, text, e.line(), e.column(), &e));
            }
            let raw_start = text.len() - text.trim_start().len();
            let body = text[end..].strip_prefix('\n').unwrap_or(&text[end..]);
            Ok(Split {
                format: Format::Json,
                fields,
                raw: text[raw_start..end].to_owned(),
                raw_first_line: line_col(text, raw_start).0,
                body: body.to_owned(),
            })
        }
        Some(Err(e)) => Err(json_error(path, text, e.line(), e.column(), &e)),
        _ => Err(Diagnostic::new(path, "invalid JSON front matter").at(text, 1, 1)),
    }
}

fn json_error(
    path: &Path,
    text: &str,
    line: usize,
    column: usize,
    e: &serde_json::Error,
) -> Diagnostic {
    // serde_json ends its messages with the position, which the diagnostic shows anyway.
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    Diagnostic::new(path, format!("invalid JSON front matter: {message}"))
        .at(text, line, column)
        .hint(if message.contains("given twice") {
            "keep one of the two fields"
        } else {
            "front matter in JSON is one object: {\"title\": \"My post\"}"
        })
}

/// The first key given twice in one object of a JSON text (serde_json keeps the last
/// one silently), as an error carrying its position.
fn json_duplicate(raw: &str) -> Option<serde_json::Error> {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    struct Unique;
    impl<'de> Deserialize<'de> for Unique {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Unique)
        }
    }
    impl<'de> Visitor<'de> for Unique {
        type Value = Unique;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_unit<E>(self) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
            while seq.next_element::<Unique>()?.is_some() {}
            Ok(Unique)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    return Err(A::Error::custom(format!("`{key}` is given twice")));
                }
                map.next_value::<Unique>()?;
            }
            Ok(Unique)
        }
    }
    let mut stream = serde_json::Deserializer::from_str(raw).into_iter::<Unique>();
    stream.next()?.err()
}

pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table of fields",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Split {
        split(Path::new("t.md"), text).unwrap()
    }

    fn err(text: &str) -> Diagnostic {
        split(Path::new("t.md"), text).unwrap_err()
    }

    #[test]
    fn yaml_toml_json_and_bare_json() {
        let y = ok("---\ntitle: A\ntags: [x, y]\n---\nbody\n");
        assert_eq!(y.fields["title"], "A");
        assert_eq!(y.body, "body\n");
        let t = ok("+++\ntitle = \"B\"\ndate = 2025-06-29\n+++\nbody");
        assert_eq!(t.fields["title"], "B");
        assert_eq!(t.fields["date"], "2025-06-29");
        let j = ok("---\n{\"title\": \"C\"}\n---\nbody");
        assert_eq!(j.fields["title"], "C");
        let h = ok("{\n  \"title\": \"D\"\n}\nbody\n");
        assert_eq!(h.fields["title"], "D");
        assert_eq!(h.body, "body\n");
    }

    #[test]
    fn a_rule_in_the_body_stays_in_the_body() {
        let s = ok("---\ntitle: A\n---\nintro\n\n---\n\nafter the rule\n");
        assert_eq!(s.body, "intro\n\n---\n\nafter the rule\n");
    }

    #[test]
    fn yaml_error_points_at_the_file_line() {
        let d = err("---\ntitle: A\ntags: [a, b\ndate: 2025-01-01\n---\nx");
        assert!(
            d.message.starts_with("invalid YAML front matter"),
            "{}",
            d.message
        );
        assert_eq!((d.line, d.column), (Some(3), Some(7)), "{d:?}");
        assert!(d.message.contains("never closed with `]`"), "{}", d.message);
        // A list may span lines; an error after it is still the parser's own.
        let d = err("---
tags: [a,
  b]
title: x: y
---
x");
        assert_eq!(d.line, Some(4), "{d:?}");
        assert!(!d.message.contains("never closed"), "{}", d.message);
        // A list left open at the end of the block points where it opens.
        let d = err("---
title: A
tags: [a, b
---
x");
        assert_eq!((d.line, d.column), (Some(3), Some(7)), "{d:?}");
    }

    #[test]
    fn toml_and_json_errors_point_at_the_file_line() {
        let d = err("+++\ntitle = \"A\"\ndate = = 1\n+++\n");
        assert_eq!(d.line, Some(3), "{d:?}");
        let d = err("---\n{\"title\": \"A\",\n \"x\": }\n---\n");
        assert_eq!(d.line, Some(3), "{d:?}");
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        let d = err("---\ntitle: A\n\nbody with no closing line\n");
        assert!(d.message.contains("never closed"), "{}", d.message);
        let d = err("# just markdown\n");
        assert!(d.message.contains("no front matter"));
    }

    #[test]
    fn a_key_given_twice_is_an_error_in_every_format() {
        for text in [
            "---\ntitle: A\ntitle: B\n---\n",
            "+++\ntitle = \"A\"\ntitle = \"B\"\n+++\n",
            "---\n{\"title\": \"A\",\n\"title\": \"B\"}\n---\n",
            "{\"title\": \"A\", \"x\": {\"k\": 1, \"k\": 2}}\nbody\n",
        ] {
            let d = err(text);
            assert_eq!(
                d.hint.as_deref(),
                Some("keep one of the two fields"),
                "{d:?}"
            );
            assert!(
                d.line.is_some_and(|l| l > 1) || text.starts_with('{'),
                "{d:?}"
            );
        }
        assert!(err("---\ntitle: A\ntitle: B\n---\n")
            .message
            .ends_with("`title` is given twice"));
        // Lists may repeat values; only keys count.
        ok("{\"title\": \"A\", \"tags\": [\"a\", \"a\"]}\n");
    }

    #[test]
    fn an_empty_file_says_so() {
        assert_eq!(err("").message, "the file is empty");
        assert_eq!(err("\u{feff}\n  \n").message, "the file is empty");
    }

    #[test]
    fn value_position_finds_each_of_equal_values_under_its_key() {
        let s = ok("---\ntitle: A\nimages: [/a.png, /a.png]\nprojects:\n  - url: /a.png\n---\n");
        let first = s.value_position("images", "/a.png", None);
        assert_eq!(first, Some((3, 10)));
        let second = s.value_position("images", "/a.png", first.map(|(l, c)| (l, c + 1)));
        assert_eq!(second, Some((3, 18)));
        assert_eq!(s.value_position("projects", "/a.png", None), Some((5, 10)));
        // Written in a way the search does not see (escaped): the key's place.
        assert_eq!(s.value_position("title", "B", None), Some((2, 8)));
    }

    #[test]
    fn key_position_counts_from_top_of_file() {
        let s = ok("---\ntitle: A\ndate: nope\n---\n");
        assert_eq!(s.key_position("date"), Some((3, 7)));
    }
}
