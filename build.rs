//! Prepares the grammar set for code highlighting at compile time.
//!
//! two-face ships the grammars bat maintains, but its Rust grammar predates
//! `async`/`await` and `dyn`. We patch the two keyword rules that list Rust's keywords
//! and write the result as a syntect dump, which the binary loads in a few
//! milliseconds. Done here, not at run time: rebuilding a syntax set costs ~150 ms.
//!
//! It also writes `inkpress --version`'s long text, naming the commit a build comes from.

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
    long_version();
}

/// `inkpress --version`: the version, and the commit for a build from git. A crates.io
/// package has no `.git`, but cargo records the commit it was packaged from in
/// `.cargo_vcs_info.json`; a build with neither prints the version alone.
fn long_version() {
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let long = match git_commit().or_else(packaged_commit) {
        Some(commit) => format!("{version} (commit {commit})"),
        None => version,
    };
    println!("cargo:rustc-env=INKPRESS_LONG_VERSION={long}");
}

fn git_commit() -> Option<String> {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        Some(String::from_utf8(out.stdout).ok()?.trim().to_owned())
    };
    // Only inkpress's own repository: a package unpacked inside some other checkout (a
    // vendored copy, a CARGO_HOME under version control) must not claim that one's commit.
    let top = std::path::PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // Run again when HEAD moves: HEAD itself (a checkout), the branch it names (a commit),
    // packed refs. Only files that exist: cargo reruns every time for a missing one.
    let mut watched = vec!["HEAD".to_owned(), "packed-refs".to_owned()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            let path = dir.join(path);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    Some(commit)
}

fn packaged_commit() -> Option<String> {
    let info = std::fs::read_to_string(".cargo_vcs_info.json").ok()?;
    // cargo package rewrites it in place for each new commit packaged.
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    // {"git": {"sha1": "<40 hex digits>", ...}, ...}: too small a format for a JSON parser.
    let at = info.find("\"sha1\"")?;
    let rest = info[at + 6..].trim_start().strip_prefix(':')?.trim_start();
    let sha = rest.strip_prefix('"')?.get(..12)?;
    sha.bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then(|| sha.to_owned())
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
