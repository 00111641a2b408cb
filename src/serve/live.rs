//! Live reload: the state every open page follows, and the script injected into served
//! HTML (never into `build` output) that follows it over server-sent events.
//!
//! The state is a single latest value, not a queue of messages: a page that connects
//! late, or reconnects after the server restarted, gets the current state at once and
//! compares it with the generation it was served from, so no change is ever missed.

use crate::error::Diagnostic;
use serde::Serialize;

/// URL of the event stream.
pub const EVENTS_PATH: &str = "/__inkpress/events";
/// URL of the script.
pub const SCRIPT_PATH: &str = "/__inkpress/live.js";
/// The script itself.
pub const SCRIPT: &str = include_str!("live.js");

/// What open pages need to know.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct LiveState {
    /// The generation of the site now served (or of the build shown while it runs, see
    /// `running`); 0 before the first successful build.
    pub generation: u64,
    /// The last change touched stylesheets only: pages swap them instead of reloading.
    pub css_only: bool,
    /// The problems of the last build; empty when it succeeded. Pages show them in an overlay.
    pub errors: Vec<Problem>,
}

/// A diagnostic as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    pub source_line: Option<String>,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: d.path.display().to_string(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
            source_line: d.source_line.clone(),
        }
    }
}

impl LiveState {
    /// The state as one server-sent event's data.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// `html` with the live-reload script added before `</body>` (or at the end), telling it
/// which generation of the site the page comes from.
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>");
    let at = find_last_ignoring_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=haystack.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_closing_body() {
        let out = String::from_utf8(inject(b"<p>x</p></BODY></html>", 7)).unwrap();
        assert_eq!(
            out,
            "<p>x</p><script src=\"/__inkpress/live.js\" data-generation=\"7\"></script></BODY></html>"
        );
        let out = String::from_utf8(inject(b"<p>fragment", 1)).unwrap();
        assert!(out.starts_with("<p>fragment<script"), "{out}");
        assert!(inject(b"", 1).starts_with(b"<script"));
    }
}
