//! Reading shortcode and Liquid tags: where each is, how it is written, its name and
//! arguments, and which tag closes which. Read by hand: the grammar is a name and
//! `key=value` arguments between two delimiters, and no maintained crate reads Hugo's,
//! Liquid's and Zola's spellings.

use std::ops::Range;

/// How a tag is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// `{{< name >}}` or `{{% name %}}`, closed by `{{< /name >}}`.
    Hugo,
    /// `{% name args %}`, closed by `{% endname %}`.
    Liquid,
    /// `{% name(args) %}`, closed by `{% end %}`, or `{{ name(args) }}` alone.
    Zola,
    /// `{{ site.baseurl }}`: a Liquid value.
    Value,
    /// `{{</* figure */>}}`: Hugo's way to show a shortcode as text, in code or not.
    Escaped,
}

#[derive(Debug)]
pub(super) struct Tag<'t> {
    pub(super) range: Range<usize>,
    pub(super) form: Form,
    /// `note`, or for a closing tag `/note`, `endnote`, `end`.
    pub(super) name: &'t str,
    pub(super) args: Args,
    /// For a Zola tag that opens a body (`{% … %}`), or a Hugo or Liquid one that may.
    pub(super) is_block: bool,
}

#[derive(Debug, Default)]
pub(super) struct Args {
    pub(super) positional: Vec<String>,
    pub(super) named: Vec<(String, String)>,
}

impl Args {
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn get_or_nth(&self, key: &str, n: usize) -> Option<&str> {
        self.get(key)
            .or_else(|| self.positional.get(n).map(String::as_str))
    }
}

/// Every tag of a text outside the code ranges, in order.
pub(super) fn find_tags<'t>(text: &'t str, code: &[Range<usize>]) -> Vec<Tag<'t>> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[from..]) {
        let start = from + found;
        from = start + 1;
        if let Some(tag) = escaped(text, start) {
            from = tag.range.end;
            tags.push(tag);
            continue;
        }
        if in_code(code, start) {
            continue;
        }
        let (open, close, form) = match &bytes[start..] {
            [b'{', b'{', b'<', ..] => ("{{<", ">}}", Form::Hugo),
            [b'{', b'{', b'%', ..] => ("{{%", "%}}", Form::Hugo),
            [b'{', b'%', ..] => ("{%", "%}", Form::Liquid),
            [b'{', b'{', ..] => ("{{", "}}", Form::Value),
            _ => continue,
        };
        let inner_start = start + open.len();
        let Some(length) = memchr::memmem::find(&bytes[inner_start..], close.as_bytes()) else {
            continue;
        };
        let end = inner_start + length + close.len();
        let inner = text[inner_start..inner_start + length]
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        if let Some(tag) = read_tag(inner, form, start..end) {
            from = end;
            tags.push(tag);
        }
    }
    tags
}

/// `{{</* name */>}}` or `{{%/* name */%}}` at `start`.
pub(super) fn escaped(text: &str, start: usize) -> Option<Tag<'_>> {
    let rest = &text[start..];
    let close = match rest.get(..5)? {
        "{{</*" => "*/>}}",
        "{{%/*" => "*/%}}",
        _ => return None,
    };
    let end = start + rest.find(close)? + close.len();
    Some(Tag {
        range: start..end,
        form: Form::Escaped,
        name: "",
        args: Args::default(),
        is_block: false,
    })
}

pub(super) fn in_code(code: &[Range<usize>], at: usize) -> bool {
    let i = code.partition_point(|r| r.end <= at);
    code.get(i).is_some_and(|r| r.start <= at)
}

/// A tag's name and arguments from the text between its delimiters.
pub(super) fn read_tag(inner: &str, form: Form, range: Range<usize>) -> Option<Tag<'_>> {
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '(')
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    let rest = inner[name_end..].trim_start();
    let valid_name = !name.is_empty()
        && name
            .trim_start_matches('/')
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid_name {
        return None;
    }
    if let Some(call) = rest.strip_prefix('(') {
        // Zola: `name(key="v", n=3)`.
        let args = call.strip_suffix(')')?;
        return Some(Tag {
            range,
            form: Form::Zola,
            name,
            args: arguments(args),
            is_block: form == Form::Liquid,
        });
    }
    match form {
        Form::Value => Some(Tag {
            range,
            form,
            name,
            args: Args::default(),
            is_block: false,
        }),
        _ => Some(Tag {
            range,
            form,
            name,
            args: arguments(rest),
            is_block: true,
        }),
    }
}

/// `a "b c" key="v" k2=3, k3='x'` → positional `a`, `b c`; named `key`, `k2`, `k3`.
pub(super) fn arguments(text: &str) -> Args {
    let mut args = Args::default();
    let mut chars = text.char_indices().peekable();
    let mut token = String::new();
    let mut key: Option<String> = None;
    let mut push = |key: &mut Option<String>, token: &mut String| match key.take() {
        Some(k) => args.named.push((k, std::mem::take(token))),
        None if !token.is_empty() => args.positional.push(std::mem::take(token)),
        None => {}
    };
    while let Some((_, c)) = chars.next() {
        match c {
            '"' | '\'' | '`' => {
                for (_, d) in chars.by_ref() {
                    if d == c {
                        break;
                    }
                    token.push(d);
                }
                if key.is_none() {
                    push(&mut key, &mut token);
                }
            }
            '=' if key.is_none() && !token.is_empty() => {
                key = Some(std::mem::take(&mut token));
            }
            c if c.is_whitespace() || c == ',' => push(&mut key, &mut token),
            c => token.push(c),
        }
    }
    push(&mut key, &mut token);
    args
}

pub(super) fn is_closing(tag: &Tag) -> bool {
    match tag.form {
        Form::Hugo => tag.name.starts_with('/'),
        Form::Liquid => tag.name.starts_with("end"),
        Form::Zola | Form::Value | Form::Escaped => false,
    }
}

/// Whether `tag` closes a block opened by `open`.
pub(super) fn closes(open: &Tag, tag: &Tag) -> bool {
    match open.form {
        Form::Hugo => tag.form == Form::Hugo && tag.name.strip_prefix('/') == Some(open.name),
        Form::Liquid => tag.form == Form::Liquid && tag.name.strip_prefix("end") == Some(open.name),
        Form::Zola => tag.form == Form::Liquid && tag.name == "end",
        Form::Value | Form::Escaped => false,
    }
}

/// The index of the tag that closes the one at `i`, nested ones of the same name aside.
pub(super) fn closing_of(tags: &[Tag], i: usize) -> Option<usize> {
    let open = &tags[i];
    let mut depth = 0usize;
    for (j, tag) in tags.iter().enumerate().skip(i + 1) {
        if closes(open, tag) {
            if depth == 0 {
                return Some(j);
            }
            depth -= 1;
        } else if tag.form == open.form && tag.name == open.name && tag.is_block {
            depth += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_positional_and_named() {
        let args = arguments("a \"b c\" key=\"v\" n=3, k='x y'");
        assert_eq!(args.positional, ["a", "b c"]);
        assert_eq!(args.get("key"), Some("v"));
        assert_eq!(args.get("n"), Some("3"));
        assert_eq!(args.get("k"), Some("x y"));
    }
}
