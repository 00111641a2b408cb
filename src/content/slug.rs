//! Slugs for URLs: tag slugs, heading ids, and post slugs from file names.

/// Symbols that carry meaning in tag names (`C++`, `C#`, `R&D`): spelled out so that
/// `C++` and `C` get different pages.
fn spelled_out(c: char) -> Option<&'static str> {
    match c {
        '+' => Some("plus"),
        '#' => Some("sharp"),
        '&' => Some("and"),
        '@' => Some("at"),
        _ => None,
    }
}

/// A tag's URL slug: lowercase, unicode letters kept, runs of spaces and punctuation
/// become one `-`. `distributed systems` → `distributed-systems`, `C++` → `c-plus-plus`.
pub fn tag_slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    let push_word = |out: &mut String, pending: &mut bool, word: &str| {
        if *pending && !out.is_empty() {
            out.push('-');
        }
        *pending = false;
        out.push_str(word);
    };
    for c in name.chars() {
        if c.is_alphanumeric() {
            let lower: String = c.to_lowercase().collect();
            push_word(&mut out, &mut pending_dash, &lower);
        } else if let Some(word) = spelled_out(c) {
            pending_dash = true;
            push_word(&mut out, &mut pending_dash, word);
            pending_dash = true;
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        // A tag of only symbols or emoji still needs a stable, distinct page.
        let codes: Vec<String> = name
            .trim()
            .chars()
            .map(|c| format!("{:x}", c as u32))
            .collect();
        return format!("tag-{}", codes.join("-"));
    }
    out
}

/// A heading id the way GitHub makes them: lowercase, punctuation dropped, spaces to `-`.
pub fn heading_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Makes heading ids unique within a page: `intro`, `intro-1`, `intro-2`, as GitHub does.
#[derive(Default)]
pub struct UniqueIds {
    seen: std::collections::HashSet<String>,
}

impl UniqueIds {
    pub fn claim(&mut self, base: String) -> String {
        if self.seen.insert(base.clone()) {
            return base;
        }
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.seen.insert(candidate.clone()))
            .expect("an unbounded range always yields a free id")
    }
}

/// A path segment that is safe in a URL as it is. File names with spaces or reserved
/// characters are slugified; anything else is kept so that old links keep working.
pub fn path_segment(stem: &str) -> String {
    let safe = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if safe {
        stem.to_owned()
    } else {
        tag_slug(stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_slugs() {
        assert_eq!(tag_slug("distributed systems"), "distributed-systems");
        assert_eq!(tag_slug("ROS"), "ros");
        assert_eq!(tag_slug("C++"), "c-plus-plus");
        assert_eq!(tag_slug("C"), "c");
        assert_eq!(tag_slug("C#"), "c-sharp");
        assert_eq!(tag_slug("  Rust -- & Go!! "), "rust-and-go");
        assert_eq!(tag_slug("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(tag_slug("日本語"), "日本語");
        assert_eq!(tag_slug("node.js"), "node-js");
        assert_eq!(tag_slug("🚀"), "tag-1f680");
    }

    #[test]
    fn heading_slugs_are_github_style_and_unique() {
        assert_eq!(heading_slug("Twins fr"), "twins-fr");
        assert_eq!(heading_slug("What's new in v2.0?"), "whats-new-in-v20");
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a".into()), "a");
        assert_eq!(ids.claim("a".into()), "a-1");
        assert_eq!(ids.claim("a".into()), "a-2");
        assert_eq!(ids.claim("a-1".into()), "a-1-1");
    }

    #[test]
    fn path_segments_keep_old_links() {
        assert_eq!(path_segment("kubernetes-and-ros"), "kubernetes-and-ros");
        assert_eq!(path_segment("My Post"), "my-post");
    }
}
