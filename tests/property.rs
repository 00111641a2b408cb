//! Property test: random front matter and Markdown through the whole pipeline (discover,
//! load, assemble, render, link check). Whatever the input, the build returns: files of
//! valid UTF-8 text, or diagnostics that render, and never a panic.

use inkpress::build::{build, BuildOptions};
use inkpress::config::{Config, Overrides};
use proptest::prelude::*;

/// One front matter line: a key inkpress reads (or a made-up one) with a value that is
/// sometimes right, sometimes not.
fn field() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("title".to_owned()),
        Just("date".to_owned()),
        Just("lastmod".to_owned()),
        Just("tags".to_owned()),
        Just("draft".to_owned()),
        Just("slug".to_owned()),
        Just("aliases".to_owned()),
        Just("summary".to_owned()),
        Just("images".to_owned()),
        Just("layout".to_owned()),
        Just("toc".to_owned()),
        "[a-z]{1,8}",
    ];
    let value = prop_oneof![
        Just("2025-06-29".to_owned()),
        Just("2024-02-30".to_owned()),
        Just("true".to_owned()),
        Just("[a, b, \"C++\"]".to_owned()),
        Just("{a: 1}".to_owned()),
        Just("/old/path/".to_owned()),
        Just("\"\"".to_owned()),
        "[ -~]{0,24}",
        any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ];
    let separator = prop_oneof![Just(": "), Just(" = "), Just(":"), Just("\": \"")];
    (key, separator, value).prop_map(|(k, sep, v)| format!("{k}{sep}{v}"))
}

/// Markdown made mostly of the characters that mean something to a parser.
fn markdown() -> impl Strategy<Value = String> {
    prop_oneof![
        "[#*_`>\\[\\]()!<>&|~=:{}\\-\\\\ \na-zA-Z0-9./\"']{0,300}",
        any::<String>().prop_map(|s| s.chars().take(300).collect()),
        Just("## A\n\n[x](#a) [y](/blog/p0/#nope) ![i](/i.png)\n\n```rust {title=\"t\" lines=\"1-9\"}\nfn x(){}\n```\n\n> [!NOTE]\n> hi\n".to_owned()),
    ]
}

/// A whole source file: front matter in one of the formats (or broken), then Markdown.
fn source() -> impl Strategy<Value = String> {
    let opener = prop_oneof![Just("---"), Just("+++"), Just(""), Just("{")];
    (
        opener,
        proptest::collection::vec(field(), 0..6),
        any::<bool>(),
        any::<bool>(),
        markdown(),
    )
        .prop_map(|(open, fields, closed, titled, body)| {
            // Half the YAML files start well, so that many builds get as far as rendering.
            let head = match (open, titled) {
                ("---", true) => "title: T\ndate: 2025-01-01\n",
                _ => "",
            };
            let mut text = format!("{open}\n{head}{}\n", fields.join("\n"));
            if closed {
                text.push_str(if open == "{" { "}" } else { open });
                text.push('\n');
            }
            text.push_str(&body);
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_front_matter_and_markdown_builds_or_is_reported(
        posts in proptest::collection::vec(source(), 1..4),
        page in source(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        for (i, text) in posts.iter().enumerate() {
            std::fs::write(root.join(format!("content/blog/p{i}.md")), text).unwrap();
        }
        std::fs::write(root.join("content/page.md"), &page).unwrap();
        let config = Config::load(root, &Overrides::default()).unwrap();
        match build(&config, &BuildOptions::default()) {
            Ok(built) => {
                for file in &built.files {
                    let bytes = file.bytes().unwrap();
                    let is_text = [".html", ".xml", ".css", ".txt", ".js"]
                        .iter()
                        .any(|e| file.path.ends_with(e));
                    if is_text {
                        prop_assert!(std::str::from_utf8(&bytes).is_ok(), "{} is not UTF-8", file.path);
                    }
                }
                for d in &built.broken_links {
                    prop_assert!(!d.render(false).is_empty());
                }
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                prop_assert!(errors.render(false).contains("build failed"));
            }
        }
    }
}
