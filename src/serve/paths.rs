//! Request paths to site paths: percent-decoding, and refusing anything that could name a
//! file outside the site (`..`, encoded slashes and backslashes, NUL bytes, `//`).
//!
//! The served site is a map of site paths, so nothing outside it can be reached anyway;
//! refusing these paths outright keeps it that way if serving ever touches the disk.

/// Why a request path was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// The site path a request path names (`/blog/x/` → `blog/x/`), decoded. Segments that are
/// empty (but the last), `.` or `..`, or that decode to a `/`, `\`, NUL or invalid UTF-8
/// are refused, whether written plainly or percent-encoded.
pub fn site_path(request_path: &str) -> Result<String, Refused> {
    let rest = request_path.strip_prefix('/').ok_or(Refused)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let mut out = String::with_capacity(rest.len());
    for (i, raw) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let segment = decode(raw).ok_or(Refused)?;
        let bad_char = segment.contains(['/', '\\', '\0']);
        if bad_char || segment == "." || segment == ".." || (segment.is_empty() && !last) {
            return Err(Refused);
        }
        out.push_str(&segment);
        if !last {
            out.push('/');
        }
    }
    Ok(out)
}

/// Percent-decoding of one path segment; `None` for a broken escape or invalid UTF-8.
pub(crate) fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The path written back into a `Location` header: every byte outside the safe set escaped.
pub fn encode(site_path: &str) -> String {
    let mut out = String::with_capacity(site_path.len());
    for b in site_path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_decode() {
        assert_eq!(site_path("/").unwrap(), "");
        assert_eq!(site_path("/blog/x/").unwrap(), "blog/x/");
        assert_eq!(site_path("/css/a.css").unwrap(), "css/a.css");
        assert_eq!(site_path("/caf%C3%A9/").unwrap(), "café/");
        assert_eq!(site_path("/a%20b").unwrap(), "a b");
    }

    #[test]
    fn traversal_and_smuggled_separators_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/blog/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/blog/%2f..%2fx",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a%00b",
            "//etc/passwd",
            "/./x",
            "relative",
            "/%zz",
            "/%c3",
        ] {
            assert_eq!(site_path(bad), Err(Refused), "{bad}");
        }
    }

    #[test]
    fn encode_round_trips_through_decode() {
        assert_eq!(encode("blog/café/"), "blog/caf%C3%A9/");
        assert_eq!(
            site_path(&format!("/{}", encode("a b/é"))).unwrap(),
            "a b/é"
        );
    }
}
