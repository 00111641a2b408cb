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
    // The text before each tag, pushed as it is scanned for the tag's `<`.
    while let Some(open) = push_text(&mut text, rest, Until::Tag) {
        let tag = &rest[open..];
        let Some(close) = memchr::memchr(b'>', tag.as_bytes()) else {
            // A lone `<` (not markup): the rest is text.
            push_text(&mut text, tag, Until::End);
            break;
        };
        let inside = &tag[1..close];
        let name = tag_name(inside);
        rest = &tag[close + 1..];
        // A heading's `#` link (markdown/headings.rs) is not part of its text.
        if inside.as_bytes().first() == Some(&b'a') && inside.starts_with(HEADING_ANCHOR) {
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

/// Whether `name` is an inline element's: its tags join the text around them
/// (`<em>in</em>side` is one word); every other tag separates words.
fn is_inline(name: &str) -> bool {
    // Matched as bytes (a body has thousands of tags), lowercased only when they are not
    // lowercase already.
    fn inline(name: &[u8]) -> bool {
        matches!(
            name,
            b"a" | b"abbr"
                | b"b"
                | b"code"
                | b"del"
                | b"em"
                | b"i"
                | b"ins"
                | b"kbd"
                | b"mark"
                | b"s"
                | b"small"
                | b"span"
                | b"strong"
                | b"sub"
                | b"sup"
                | b"u"
        )
    }
    let name = name.as_bytes();
    if inline(name) {
        return true;
    }
    let mut lower = [0u8; 6];
    match lower.get_mut(..name.len()) {
        Some(lower) if name.iter().any(u8::is_ascii_uppercase) => {
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            inline(lower)
        }
        _ => false,
    }
}

fn tag_name(inside: &str) -> &str {
    let inside = inside.strip_prefix('/').unwrap_or(inside);
    let end = inside
        .bytes()
        .position(|b| b.is_ascii_whitespace() || b == b'/')
        .unwrap_or(inside.len());
    &inside[..end]
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Where [`push_text`] stops.
#[derive(Clone, Copy, PartialEq)]
enum Until {
    /// At the first `<`.
    Tag,
    /// At the end of the text.
    End,
}

/// Pushes the text of `html`, entities decoded and white space collapsed (as
/// [`push_collapsed`]), up to the first `<` with [`Until::Tag`] (returning where it is,
/// or `None` when there is none and all was pushed). Bodies have thousands of short
/// texts between tags: one scan finds the tag, the entities and the white space.
fn push_text(out: &mut String, html: &str, until: Until) -> Option<usize> {
    let stop = |b: u8| b == b'&' || (b == b'<' && until == Until::Tag);
    let at = push_collapsed_until(out, html, stop)?;
    if html.as_bytes()[at] == b'<' {
        return Some(at);
    }
    // An entity: the rest up to the tag is decoded, then collapsed (rare enough to
    // take the slow path).
    let rest = &html[at..];
    let end = match until {
        Until::Tag => memchr::memchr(b'<', rest.as_bytes()),
        Until::End => None,
    };
    let mut decoded = String::with_capacity(rest.len());
    html_escape::decode_html_entities_to_string(&rest[..end.unwrap_or(rest.len())], &mut decoded);
    push_collapsed(out, &decoded);
    end.map(|end| at + end)
}

/// Pushes `text` with each run of ASCII white space made one space, and none where `out`
/// is empty or already ends with one.
fn push_collapsed(out: &mut String, text: &str) {
    push_collapsed_until(out, text, |_| false);
}

/// Bytes where [`push_collapsed_until`] looks closer: ASCII white space, `<` and `&`.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_whitespace() || b == b'<' as usize || b == b'&' as usize;
        b += 1;
    }
    table
};

/// [`push_collapsed`], up to the first byte that `stop` (asked only of `<` and `&`)
/// says to stop at: returns where that is, the text before it pushed.
fn push_collapsed_until(out: &mut String, text: &str, stop: impl Fn(u8) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !SPECIAL[b as usize] {
            i += 1;
            continue;
        }
        if !b.is_ascii_whitespace() {
            if stop(b) {
                out.push_str(&text[from..i]);
                return Some(i);
            }
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < bytes.len() && bytes[end].is_ascii_whitespace() {
            end += 1;
        }
        // A lone space after a word is already as it should be.
        if end == i + 1 && b == b' ' && i > from {
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
    None
}

/// A term as [`terms`] gives it, lowercase.
#[derive(Clone, Copy)]
pub enum Term<'t, 'b> {
    /// The word as it is in the text (lowercase ASCII already, as most words are).
    Text(&'t str),
    /// The word lowercased, in a buffer the next word reuses.
    Lowered(&'b str),
}

impl<'t> Term<'t, '_> {
    pub fn as_str(&self) -> &str {
        match *self {
            Term::Text(term) | Term::Lowered(term) => term,
        }
    }

    /// The term to keep: borrowed from the text where it can be.
    pub fn to_cow(self) -> Cow<'t, str> {
        match self {
            Term::Text(term) => Cow::Borrowed(term),
            Term::Lowered(term) => Cow::Owned(term.to_owned()),
        }
    }
}

/// How [`terms`] sees a byte: not in a word; a lowercase ASCII letter or a digit; an
/// uppercase ASCII letter (the word is one to lowercase); a byte of a non-ASCII
/// character (which is decoded to see).
const SEPARATOR: u8 = 0;
const PLAIN: u8 = 1;
const TO_LOWER: u8 = 2;
const NON_ASCII: u8 = 3;
const BYTE_CLASS: [u8; 256] = {
    let mut table = [SEPARATOR; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if !c.is_ascii() {
            NON_ASCII
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            PLAIN
        } else if c.is_ascii_uppercase() {
            TO_LOWER
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

/// Each term of `text`, in order, lowercased (repeats included), with the byte offset
/// where its word starts.
pub fn terms<'t>(text: &'t str, mut each: impl FnMut(Term<'t, '_>, usize)) {
    let bytes = text.as_bytes();
    // The class of the character at `i` (a non-ASCII letter or digit is `TO_LOWER`), and
    // its width.
    let class = |i: usize| -> (u8, usize) {
        match BYTE_CLASS[bytes[i] as usize] {
            NON_ASCII => {
                let c = text[i..].chars().next().unwrap_or(' ');
                let class = if c.is_alphanumeric() {
                    TO_LOWER
                } else {
                    SEPARATOR
                };
                (class, c.len_utf8())
            }
            class => (class, 1),
        }
    };
    let mut lowered = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let (first, width) = class(i);
        if first == SEPARATOR {
            i += width;
            continue;
        }
        // A word: lowercase ASCII (`plain`) unless a letter says otherwise.
        let start = i;
        let mut plain = first == PLAIN;
        i += width;
        loop {
            // Most of a word is lowercase ASCII.
            while i < bytes.len() && BYTE_CLASS[bytes[i] as usize] == PLAIN {
                i += 1;
            }
            if i == bytes.len() {
                break;
            }
            let (next, width) = class(i);
            if next == SEPARATOR {
                break;
            }
            plain = false;
            i += width;
        }
        let word = &text[start..i];
        if plain {
            if word.len() >= MIN_TERM {
                each(Term::Text(&word[..word.len().min(MAX_TERM)]), start);
            }
            continue;
        }
        if word.chars().nth(MIN_TERM - 1).is_none() {
            continue;
        }
        let word = match word.char_indices().nth(MAX_TERM) {
            Some((cut, _)) => &word[..cut],
            None => word,
        };
        lowered.clear();
        if word.is_ascii() {
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
        } else {
            lowered.extend(word.chars().flat_map(char::to_lowercase));
        }
        each(Term::Lowered(&lowered), start);
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
        terms(text, |t, _| out.push(t.as_str().to_owned()));
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
    fn entities_and_white_space_read_as_before_a_tag_or_not() {
        // An entity after text, white space on both sides of it and of tags, a lone `<`
        // followed by an entity: decoded once, runs of white space made one space.
        let body = html_to_text("<p> a \n&amp;lt; b</p>\t <em>c&#32; d</em>x &nbsp;< y &amp; z");
        assert_eq!(body.text, "a &lt; b c dx \u{a0}< y & z");
        assert_eq!(html_to_text("&amp;&amp;<p>&quot;").text, "&& \"");
        assert_eq!(html_to_text(" \n ").text, "");
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
        // Lowercased after the cut, whether ASCII or not; a word is kept from the text
        // only when it is lowercase ASCII.
        let long = format!("{}Z", "É".repeat(MAX_TERM));
        assert_eq!(all_terms(&long), ["é".repeat(MAX_TERM)]);
        let mut kinds = Vec::new();
        terms("plain Mixed ÉTÉ é x", |t, at| {
            kinds.push((t.as_str().to_owned(), matches!(t, Term::Text(_)), at))
        });
        assert_eq!(
            kinds,
            [
                ("plain".to_owned(), true, 0),
                ("mixed".to_owned(), false, 6),
                ("été".to_owned(), false, 12),
            ]
        );
    }

    #[test]
    fn shards_are_ascii_file_names() {
        assert_eq!(shard("hello"), "he");
        assert_eq!(shard("42"), "42");
        assert_eq!(shard("éa"), "_e9a");
        assert_eq!(shard("日本"), "_65e5_672c");
    }
}
