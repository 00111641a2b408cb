//! The cache of highlighted code, through the real binary: warm builds give the same
//! site, edits are never served stale, and the cache folder is safe to delete.

mod common;
use common::TestSite;

const FRONT: &str = "title: Code\ndate: 2024-01-02";
const CACHE: &str = ".inkpress-cache/highlight";

fn site_with(code: &str, language: &str) -> TestSite {
    let site = TestSite::empty();
    site.post(
        "code",
        FRONT,
        &format!("Intro.\n\n```{language}\n{code}\n```\n"),
    );
    site
}

fn page(site: &TestSite) -> String {
    site.read("public/blog/code/index.html")
}

#[test]
fn warm_build_is_identical_and_uses_the_cache() {
    let site = site_with("fn main() { let answer = 42; }", "rust");
    site.build(&[]).assert_ok();
    let cold = page(&site);
    assert_eq!(site.files(CACHE).len(), 1, "one block, one entry");
    site.build(&[]).assert_ok();
    assert_eq!(page(&site), cold);
    // Deleting the cache is always safe.
    std::fs::remove_dir_all(site.path().join(".inkpress-cache")).unwrap();
    site.build(&[]).assert_ok();
    assert_eq!(page(&site), cold);
}

#[test]
fn edited_block_or_language_is_never_served_stale() {
    let site = site_with("let first = 1;", "rust");
    site.build(&[]).assert_ok();
    assert!(page(&site).contains("first"));

    site.post("code", FRONT, "Intro.\n\n```rust\nlet second = 2;\n```\n");
    site.build(&[]).assert_ok();
    let html = page(&site);
    assert!(html.contains("second") && !html.contains("first"), "{html}");

    site.post("code", FRONT, "Intro.\n\n```python\nlet second = 2;\n```\n");
    site.build(&[]).assert_ok();
    let html = page(&site);
    assert!(html.contains("language-python"), "{html}");
    assert!(!html.contains("language-rust"), "{html}");
    // Each version of the block got its own entry; none was overwritten.
    assert_eq!(site.files(CACHE).len(), 3);
}

#[test]
fn a_tampered_entry_is_not_trusted() {
    // An entry whose recorded key does not match (as after a grammar update that kept the
    // file name) is highlighted afresh; the unit tests cover the grammar-version key itself.
    let site = site_with("let x = 1;", "rust");
    site.build(&[]).assert_ok();
    let good = page(&site);
    let entry = site.files(CACHE).remove(0);
    site.write(
        &format!("{CACHE}/{entry}"),
        "inkpress highlight cache 1\nstale",
    );
    site.build(&[]).assert_ok();
    assert_eq!(page(&site), good);
}

#[test]
fn no_cache_flag_writes_no_cache() {
    let site = site_with("x = 1", "python");
    site.build(&["--no-cache"]).assert_ok();
    assert!(!site.exists(".inkpress-cache"));
    assert!(page(&site).contains("hl-"));
}
