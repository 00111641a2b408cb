//! What the index reads of a document: its body's HTML as plain text, and the words of a
//! text as index terms.
//!
//! Words are runs of letters and digits, lowercased: the same rule as the theme's
//! `search.js` applies to what a reader types (`/[^\p{L}\p{N}]+/u`), so the two always
//! agree on what a word is. Scripts written without spaces (Chinese, Japanese) become
//! one long word per run; prefix matching still finds their first characters.

use std::borrow::Cow;

/// Terms shorter than this are not indexed: an index shard is named by a term's first
/// two characters, and the search box starts searching at two.
pub const MIN_TERM: usize = 2;
/// Longer "words" (hashes, base64 in code) are cut to this many characters.
pub const MAX_TERM: usize = 32;

/// Inline elements: their tags join the text around them (`<em>in</em>side` is one
/// word); every other tag separates words.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "s", "small", "span",
    "strong", "sub", "sup", "u",
];

/// How the anchor after a heading's text starts (after its `<`).
const HEADING_ANCHOR: &str = "a class=\"anchor\"";

/// A body's text, and where in it the code blocks are.
pub struct BodyText {
    /// Tags taken out, entities decoded, `<script>` and `<style>` left out, every run of
    /// ASCII white space one space (none at either end).
    pub text: String,
    /// The byte ranges of `text` that come from `<pre>` elements, in order.
    pub code: Vec<(usize, usize)>,
}

/// The text of an HTML fragment (see [`BodyText`]).
pub fn html_to_text(html: &str) -> BodyText {
    let mut text = String::with_capacity(html.len() / 2);
    let mut code = Vec::new();
    let mut code_start = None;
    let mut rest = html;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        push_decoded(&mut text, &rest[..open]);
        let tag = &rest[open..];
        let Some(close) = memchr::memchr(b'>', tag.as_bytes()) else {
            // A lone `<` (not markup): the rest is text.
            push_decoded(&mut text, tag);
            rest = "";
            break;
        };
        let inside = &tag[1..close];
        let name = tag_name(inside);
        rest = &tag[close + 1..];
        // A heading's `#` link (markdown/headings.rs) is not part of its text.
        if inside.starts_with(HEADING_ANCHOR) {
            rest = rest.find("</a>").map_or("", |end| &rest[end + 4..]);
        }
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            // Skip to the element's end tag (none: to the end).
            let end = format!("</{}", name.to_ascii_lowercase());
            rest = match find_ignore_case(rest, &end) {
                Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                None => "",
            };
        }
        if !is_inline(name) && !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
        if name.eq_ignore_ascii_case("pre") {
            match (inside.starts_with('/'), code_start) {
                (false, None) => code_start = Some(text.len()),
                (true, Some(start)) => {
                    code.push((start, text.len()));
                    code_start = None;
                }
                _ => {}
            }
        }
    }
    push_decoded(&mut text, rest);
    if text.ends_with(' ') {
        text.pop();
    }
    if let Some(start) = code_start {
        code.push((start, text.len()));
    }
    // A `<pre>` opened just after the trailing space popped above starts past the end.
    for range in &mut code {
        range.0 = range.0.min(text.len());
        range.1 = range.1.min(text.len());
    }
    BodyText { text, code }
}

/// What is left of a [`BodyText`] without its code blocks: the text, and where each
/// piece of it was in the whole.
pub struct Prose {
    pub text: String,
    /// For each piece kept: its start in the whole text, its start here, its length.
    pieces: Vec<(usize, usize, usize)>,
}

impl BodyText {
    /// The text without its code blocks (one space where each was).
    pub fn prose(&self) -> Prose {
        let mut text = String::with_capacity(self.text.len());
        let mut pieces = Vec::with_capacity(self.code.len() + 1);
        let mut from = 0;
        let all = self.text.len();
        for &(start, end) in self.code.iter().chain([(all, all)].iter()) {
            let piece = &self.text[from..start.max(from)];
            let lead = piece.len() - piece.trim_start_matches(' ').len();
            let piece = piece.trim_matches(' ');
            if !piece.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                pieces.push((from + lead, text.len(), piece.len()));
                text.push_str(piece);
            }
            from = end.max(from);
        }
        Prose { text, pieces }
    }

    /// Whether the byte at `at` of the text is in a code block; `cursor` is where the
    /// last question left off (questions come in increasing `at`).
    pub fn in_code(&self, at: usize, cursor: &mut usize) -> bool {
        while self.code.get(*cursor).is_some_and(|&(_, end)| end <= at) {
            *cursor += 1;
        }
        self.code
            .get(*cursor)
            .is_some_and(|&(start, _)| start <= at)
    }
}

impl Prose {
    /// Where the byte at `at` of the whole text is in the prose: the same word, or for a
    /// word of a code block, the place the block was.
    pub fn offset(&self, at: usize) -> usize {
        let n = self.pieces.partition_point(|&(whole, _, _)| whole <= at);
        match n.checked_sub(1).map(|n| self.pieces[n]) {
            Some((whole, here, len)) => here + (at - whole).min(len),
            None => 0,
        }
    }
}

fn is_inline(name: &str) -> bool {
    name.len() <= 6 && INLINE.iter().any(|i| name.eq_ignore_ascii_case(i))
}

fn tag_name(inside: &str) -> &str {
    let inside = inside.strip_prefix('/').unwrap_or(inside);
    let end = inside
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(inside.len());
    &inside[..end]
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn push_decoded(out: &mut String, text: &str) {
    if text.contains('&') {
        let mut decoded = String::with_capacity(text.len());
        html_escape::decode_html_entities_to_string(text, &mut decoded);
        push_collapsed(out, &decoded);
    } else {
        push_collapsed(out, text);
    }
}

/// Pushes `text` with each run of ASCII white space made one space, and none where `out`
/// is empty or already ends with one.
fn push_collapsed(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len() && bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        // A lone space after a word is already as it should be.
        if end == i + 1 && bytes[i] == b' ' && i > from {
            i = end;
            continue;
        }
        out.push_str(&text[from..i]);
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        from = end;
        i = end;
    }
    out.push_str(&text[from..]);
}

/// Each term of `text`, in order, lowercased (repeats included), with the byte offset
/// where its word starts: borrowed from `text` when it is already lowercase ASCII, as
/// most words are.
pub fn terms<'t>(text: &'t str, mut each: impl FnMut(Cow<'t, str>, usize)) {
    let bytes = text.as_bytes();
    let mut emit = |word: &'t str, at: usize, plain: bool| {
        if plain {
            if word.len() >= MIN_TERM {
                each(Cow::Borrowed(&word[..word.len().min(MAX_TERM)]), at);
            }
            return;
        }
        if word.chars().nth(MIN_TERM - 1).is_none() {
            return;
        }
        let word = match word.char_indices().nth(MAX_TERM) {
            Some((cut, _)) => &word[..cut],
            None => word,
        };
        each(
            Cow::Owned(word.chars().flat_map(char::to_lowercase).collect()),
            at,
        );
    };
    // The start of the word being read, and whether it is lowercase ASCII so far.
    let mut start = None;
    let mut plain = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (in_word, width, lower) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1, !b.is_ascii_uppercase())
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8(), false)
        };
        if in_word {
            if start.is_none() {
                start = Some(i);
                plain = true;
            }
            plain &= lower;
        } else if let Some(s) = start.take() {
            emit(&text[s..i], s, plain);
        }
        i += width;
    }
    if let Some(s) = start {
        emit(&text[s..], s, plain);
    }
}

/// The shard a term's postings are in: its first two characters, each kept as it is
/// when it is a lowercase ASCII letter or a digit, else written `_` and its code point in
/// hex (`é` → `_e9`), so that every shard's file name is plain ASCII. `search.js` names
/// shards the same way.
pub fn shard(term: &str) -> String {
    let mut name = String::new();
    for c in term.chars().take(MIN_TERM) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else {
            name.push_str(&format!("_{:x}", c as u32));
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_terms(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        terms(text, |t, _| out.push(t.into_owned()));
        out
    }

    #[test]
    fn an_unclosed_pre_at_the_end_stays_in_bounds() {
        // Found by fuzzing: the space before `<pre>` is popped, its start was past the end.
        let body = html_to_text("<p>x</p><pre>");
        assert_eq!(body.text, "x");
        assert_eq!(body.prose().text, "x");
    }

    #[test]
    fn html_becomes_text() {
        let html = "<h2 id=\"x\">The <em>lamp</em>room<a class=\"anchor\" href=\"#x\">#</a></h2>\n<p>Tom &amp; Jerry&#39;s \n\t &lt;b&gt;</p>\
                    <script>var hidden = 1;</script><STYLE>p{}</STYLE><pre><code><span>let</span>  x</code></pre>a < b ";
        let body = html_to_text(html);
        assert_eq!(body.text, "The lamproom Tom & Jerry's <b> let x a < b");
        let (start, end) = body.code[0];
        assert_eq!(body.code.len(), 1);
        assert_eq!(body.text[start..end].trim(), "let x");
    }

    #[test]
    fn prose_leaves_code_out_and_maps_places() {
        let body = html_to_text(
            "<p>one two</p><pre><code>fn three()</code></pre><p>four</p><pre>five</pre>",
        );
        assert_eq!(body.text, "one two fn three() four five");
        let prose = body.prose();
        assert_eq!(prose.text, "one two four");
        let at = |word: &str| body.text.find(word).unwrap();
        assert_eq!(prose.offset(at("two")), prose.text.find("two").unwrap());
        assert_eq!(prose.offset(at("four")), prose.text.find("four").unwrap());
        // A word of a code block: where the block was (after "two", before "four").
        assert_eq!(prose.offset(at("three")), "one two".len());
        assert_eq!(prose.offset(at("five")), prose.text.len());
        let mut cursor = 0;
        let code: Vec<bool> = ["one", "three", "four", "five"]
            .iter()
            .map(|w| body.in_code(at(w), &mut cursor))
            .collect();
        assert_eq!(code, [false, true, false, true]);
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        assert_eq!(
            all_terms("Hello, WORLD! Ünïcode café 42 a don't x1"),
            ["hello", "world", "ünïcode", "café", "42", "don", "x1"]
        );
        let long = "a".repeat(40);
        assert_eq!(all_terms(&long), ["a".repeat(MAX_TERM)]);
    }

    #[test]
    fn shards_are_ascii_file_names() {
        assert_eq!(shard("hello"), "he");
        assert_eq!(shard("42"), "42");
        assert_eq!(shard("éa"), "_e9a");
        assert_eq!(shard("日本"), "_65e5_672c");
    }
}
