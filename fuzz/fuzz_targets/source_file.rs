//! Any bytes as a post's file: split into front matter and body, fields checked, the
//! body prepared (MDX rewritten, shortcodes written out) and the Markdown rendered with
//! its outline. Errors are fine; a panic is a finding. The first byte chooses whether the
//! file is Markdown or MDX, so both paths are fed.
#![no_main]

use inkpress::content::{self, Kind, Permalinks, SourceFile};
use inkpress::markdown::MarkdownOptions;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let name = if choice & 1 == 1 {
        "fuzz.mdx"
    } else {
        "fuzz.md"
    };
    let path = PathBuf::from("content/blog").join(name);
    let source = SourceFile {
        path: path.clone(),
        display: path,
        kind: Kind::Post,
        default_path: "blog/fuzz/".to_owned(),
        assets: Vec::new(),
    };
    let options = MarkdownOptions {
        base_path: "/".to_owned(),
        highlight_cache: None,
        images: None,
    };
    match content::parse(source, text, &Permalinks::default()) {
        Ok(parsed) => {
            let doc = parsed.document;
            let (_rendered, outline) = doc.render_body(&parsed.markdown, &options, true);
            assert!(outline.is_some());
        }
        Err(errors) => {
            for e in errors {
                let _ = e.render(false);
            }
        }
    }
});
