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

/// The cache file, its packed HTML shown lossily (languages and code are plain text).
fn cache_text(site: &TestSite) -> String {
    String::from_utf8_lossy(&cache_bytes(site)).into_owned()
}

fn cache_bytes(site: &TestSite) -> Vec<u8> {
    std::fs::read(site.path().join(CACHE)).unwrap()
}

/// One record as the cache file holds it (see `src/markdown/highlight_cache.rs`).
fn record(language: &str, code: &str, html: &str) -> Vec<u8> {
    let packed = lz4_flex::block::compress(html.as_bytes());
    let mut bytes = format!(
        "{} {} {} {}\n{language}{code}",
        language.len(),
        code.len(),
        packed.len(),
        html.len()
    )
    .into_bytes();
    bytes.extend_from_slice(&packed);
    bytes.push(b'\n');
    bytes
}

fn page(site: &TestSite) -> String {
    site.read("public/blog/code/index.html")
}

#[test]
fn warm_build_is_identical_and_uses_the_cache() {
    let site = site_with("fn main() { let answer = 42; }", "rust");
    site.build(&[]).assert_ok();
    let cold = page(&site);
    let cache = cache_text(&site);
    assert_eq!(
        cache.matches("answer = 42").count(),
        1,
        "one block, one entry"
    );
    site.build(&[]).assert_ok();
    assert_eq!(page(&site), cold);
    assert_eq!(cache_text(&site), cache, "a warm build rewrote the cache");
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
    let cache = cache_text(&site);
    assert_eq!(cache.matches("let first = 1;").count(), 0, "{cache}");
    assert_eq!(cache.matches("let second = 2;").count(), 1, "{cache}");
    assert!(cache.contains("pythonlet second = 2;"), "{cache}");
}

#[test]
fn a_tampered_entry_is_not_trusted() {
    // A cache of another grammar set, a damaged one, or one whose entry is for other
    // code or another language: the block is highlighted afresh, never taken from it.
    // The unit tests cover each case in detail.
    let code = "let x = 1;\n";
    let site = site_with(code.trim_end(), "rust");
    site.build(&[]).assert_ok();
    let good = page(&site);
    assert!(good.contains("hl-"), "{good}");
    let cache = cache_bytes(&site);
    let text = String::from_utf8_lossy(&cache).into_owned();
    let mut lines = text.splitn(3, '\n');
    let (magic, version) = (lines.next().unwrap(), lines.next().unwrap());
    let header = |version: &str| format!("{magic}\n{version}\n").into_bytes();
    let stale = "<span>STALE</span>";
    let with = |header: Vec<u8>, record: Vec<u8>| [header, record].concat();
    let torn = with(header(version), record("rust", code, stale));
    let torn = torn[..torn.len() - 4].to_vec();
    for tampered in [
        with(
            header("grammars-of-another-build"),
            record("rust", code, stale),
        ),
        with(header(version), record("rust", "let y = 1;\n", stale)),
        with(header(version), record("python", code, stale)),
        torn,
        b"garbage".to_vec(),
    ] {
        std::fs::write(site.path().join(CACHE), &tampered).unwrap();
        site.build(&[]).assert_ok();
        assert_eq!(page(&site), good);
    }
    // The same record with the right key is used: the cases above fail for their fault.
    std::fs::write(
        site.path().join(CACHE),
        with(header(version), record("rust", code, stale)),
    )
    .unwrap();
    site.build(&[]).assert_ok();
    assert!(page(&site).contains("STALE"), "{}", page(&site));
}

#[test]
fn no_cache_flag_writes_no_cache() {
    let site = site_with("x = 1", "python");
    site.build(&["--no-cache"]).assert_ok();
    assert!(!site.exists(".inkpress-cache"));
    assert!(page(&site).contains("hl-"));
}
