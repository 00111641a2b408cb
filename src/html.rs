//! Escaping text for HTML and XML, shared by views, feeds, the sitemap and redirects.

/// `s` with `&`, `<`, `>`, `"` and `'` escaped, safe in element text and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// The name and version every generated page and feed names as its generator.
pub const GENERATOR: &str = concat!("inkpress ", env!("CARGO_PKG_VERSION"));
