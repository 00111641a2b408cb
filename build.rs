//! Prepares the grammar set for code highlighting at compile time.
//!
//! two-face ships the grammars bat maintains, but its Rust grammar predates
//! `async`/`await` and `dyn`. We patch the two keyword rules that list Rust's keywords
//! and write the result as a syntect dump, which the binary loads in a few
//! milliseconds. Done here, not at run time: rebuilding a syntax set costs ~150 ms.

use syntect::parsing::syntax_definition::Pattern;
use syntect::parsing::Regex;

const PATCHES: &[(&str, &str)] = &[
    (
        r"\b(mut|pub|unsafe|move|ref)\b",
        r"\b(mut|pub|unsafe|move|ref|async|dyn)\b",
    ),
    (
        r"\b(break|else|for|if|loop|match|while|continue)\b",
        r"\b(break|else|for|if|loop|match|while|continue|await|yield)\b",
    ),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let original = two_face::syntax::extra_newlines().into_builder();
    let mut builder = syntect::parsing::SyntaxSetBuilder::new();
    let mut applied = 0;
    for syntax in original.syntaxes() {
        let mut syntax = syntax.clone();
        if syntax.name == "Rust" {
            patch(&mut syntax, &mut applied);
        }
        builder.add(syntax);
    }
    if applied < PATCHES.len() {
        println!("cargo:warning=the Rust grammar changed upstream: {applied} of {} keyword patches applied", PATCHES.len());
    }
    let set = builder.build();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("syntaxes.packdump");
    syntect::dumps::dump_to_uncompressed_file(&set, &out).expect("write the syntax dump");
    write_grammar_version(&out);
}

/// A fingerprint of the grammar set for the highlight cache: the dump's bytes and the
/// versions of the crates that turn grammars into HTML, as `Cargo.lock` pins them.
fn write_grammar_version(dump: &std::path::Path) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(dump)
        .expect("read the syntax dump")
        .hash(&mut h);
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    for name in ["syntect", "two-face", "onig", "onig_sys", "fancy-regex"] {
        let needle = format!("name = \"{name}\"\nversion = ");
        if let Some(at) = lock.find(&needle) {
            lock[at..].lines().nth(1).hash(&mut h);
        }
    }
    let path = dump.with_file_name("grammar_version.txt");
    std::fs::write(path, format!("{:016x}", h.finish())).expect("write the grammar version");
}

fn patch(syntax: &mut syntect::parsing::SyntaxDefinition, applied: &mut usize) {
    for context in syntax.contexts.values_mut() {
        for pattern in &mut context.patterns {
            if let Pattern::Match(m) = pattern {
                if let Some((_, new)) = PATCHES.iter().find(|(old, _)| m.regex.regex_str() == *old)
                {
                    m.regex = Regex::new((*new).to_owned());
                    *applied += 1;
                }
            }
        }
    }
}
