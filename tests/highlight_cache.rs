//! The cache of highlighted code, through the real binary: warm builds give the same
//! site, edits are never served stale, and the cache folder is safe to delete.

mod common;
use common::TestSite;

const FRONT: &str = "title: Code\ndate: 2024-01-02";
const CACHE: &str = ".inkpress-cache/highlight.cache";

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
    let cache = site.read(CACHE);
    assert_eq!(
        cache.matches("answer = 42").count(),
        1,
        "one block, one entry"
    );
    site.build(&[]).assert_ok();
    assert_eq!(page(&site), cold);
    assert_eq!(site.read(CACHE), cache, "a warm build rewrote the cache");
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
    // The cache does not grow with each edit: entries no build uses any more are dropped.
    let cache = site.read(CACHE);
    assert_eq!(cache.matches("let first = 1;").count(), 0, "{cache}");
    assert_eq!(cache.matches("let second = 2;").count(), 1, "{cache}");
    assert!(cache.contains("pythonlet second = 2;"), "{cache}");
}

#[test]
fn a_tampered_entry_is_not_trusted() {
    // A cache of another grammar set, a damaged one, or one whose entry claims other
    // code: the block is highlighted afresh. The unit tests cover each case in detail.
    let site = site_with("let x = 1;", "rust");
    site.build(&[]).assert_ok();
    let good = page(&site);
    let cache = site.read(CACHE);
    let (version, records) = cache.split_once('\n').unwrap().1.split_once('\n').unwrap();
    let other_code = cache.replace("let x = 1;", "let y = 1;");
    let other_grammars = cache.replace(version, "grammars-of-another-build");
    let torn = format!("inkpress highlight cache 2\n{version}\n{}", &records[..20]);
    for tampered in [other_code, other_grammars, torn, "garbage".to_owned()] {
        site.write(CACHE, &tampered.replace("</span>", "</span>STALE"));
        site.build(&[]).assert_ok();
        assert_eq!(page(&site), good);
    }
}

#[test]
fn no_cache_flag_writes_no_cache() {
    let site = site_with("x = 1", "python");
    site.build(&["--no-cache"]).assert_ok();
    assert!(!site.exists(".inkpress-cache"));
    assert!(page(&site).contains("hl-"));
}
