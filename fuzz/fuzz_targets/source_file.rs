//! Any bytes as a post's file: split into front matter and body, fields checked, the
//! Markdown rendered with its outline. Errors are fine; a panic is a finding.
#![no_main]

use inkpress::content::{self, Kind, SourceFile};
use inkpress::markdown::MarkdownOptions;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile {
        path: PathBuf::from("content/blog/fuzz.md"),
        display: PathBuf::from("content/blog/fuzz.md"),
        kind: Kind::Post,
        default_path: "blog/fuzz/".to_owned(),
    };
    let options = MarkdownOptions {
        base_path: "/".to_owned(),
        highlight_cache: None,
    };
    match content::parse(source, text) {
        Ok(parsed) => {
            let doc = parsed.document;
            let (rendered, outline) = doc.render_body(&parsed.markdown, &options, true);
            assert!(outline.is_some());
            let _ = rendered;
        }
        Err(errors) => {
            for e in errors {
                let _ = e.render(false);
            }
        }
    }
});
