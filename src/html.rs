//! Escaping text for HTML and XML, shared by views, feeds, the sitemap and redirects.

/// `s` with `&`, `<`, `>`, `"` and `'` escaped, safe in element text and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// An attribute's value at the start of `text` (just after its `=`): the value without
/// its quotes, and the text after it. An unquoted value ends where `ends` says.
pub fn attribute_value(text: &str, ends: impl Fn(char) -> bool) -> (&str, &str) {
    match text.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = &text[1..];
            let end = inner.find(q).unwrap_or(inner.len());
            (&inner[..end], inner.get(end + 1..).unwrap_or(""))
        }
        _ => {
            let end = text.find(ends).unwrap_or(text.len());
            (&text[..end], &text[end..])
        }
    }
}

/// `mailto:`, `https:`, `data:`…: a scheme is letters, digits, `+-.` before the first `:`.
pub fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// The name and version every generated page and feed names as its generator.
pub const GENERATOR: &str = concat!("inkpress ", env!("CARGO_PKG_VERSION"));
