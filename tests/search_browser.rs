//! Search in a browser: the default theme's search box driven in headless Chromium, on
//! sites served under a `/repo/` sub-path and by `serve` (the index files themselves are
//! tests/search.rs).

mod common;

use common::browser::{Browser, Page};
use common::serve::Server as Serve;
use common::static_server::StaticServer;
use common::{copy_tree, TestSite};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Presses a key in the page, as a reader's keyboard would.
fn press(page: &mut Page, key: &str, code: &str, key_code: u32, modifiers: u32) {
    // A key that types nothing (Enter, Ctrl-K) is a raw key down in DevTools' terms.
    let typed = key.chars().count() == 1 && modifiers == 0;
    let mut down = json!({
        "type": if typed { "keyDown" } else { "rawKeyDown" }, "key": key, "code": code,
        "windowsVirtualKeyCode": key_code, "modifiers": modifiers,
    });
    if typed {
        down["text"] = json!(key);
    }
    page.call("Input.dispatchKeyEvent", down);
    let up = json!({
        "type": "keyUp", "key": key, "code": code,
        "windowsVirtualKeyCode": key_code, "modifiers": modifiers,
    });
    page.call("Input.dispatchKeyEvent", up);
}

/// Types `text` into the focused field.
fn type_text(page: &mut Page, text: &str) {
    page.call("Input.insertText", json!({ "text": text }));
}

const SLASH: (&str, &str, u32, u32) = ("/", "Slash", 191, 0);

/// Opens the search box with `key`, pressing it again (a few times at most) while a page
/// that live reload swapped in may not have its script running yet.
fn open_search(page: &mut Page, (key, code, key_code, modifiers): (&str, &str, u32, u32)) {
    let open = "!!document.querySelector('dialog.search-dialog[open]')";
    for _ in 0..10 {
        press(page, key, code, key_code, modifiers);
        for _ in 0..10 {
            if page.eval(open) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("{key} did not open the search box");
}

/// A copy of the repository's own example site.
fn example_site() -> TestSite {
    let site = TestSite::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("content"), &site.path().join("content"));
    std::fs::copy(
        repo.join("inkpress.toml"),
        site.path().join("inkpress.toml"),
    )
    .unwrap();
    site
}

const FIRST_RESULT: &str = "document.querySelector('.search-results li a')";

#[test]
fn browser_finds_a_post_by_a_word_of_its_body_under_a_sub_path() {
    // The example site (the repository's own), with a draft added, served under /repo/.
    let site = example_site();
    site.post(
        "hidden-draft",
        "title: Hidden draft\ndate: 2025-08-01\ndraft: true",
        "The marmalisk is not ready.",
    );
    // `strikingly` is in one post's body and nowhere else.
    let holders: Vec<String> = site
        .files("content")
        .into_iter()
        .filter(|f| site.read(&format!("content/{f}")).contains("strikingly"))
        .collect();
    assert_eq!(
        holders,
        ["blog/kubernetes-and-ros-are-surprisingly-similar.md"]
    );

    let server = StaticServer::start(site.path().join("public"), "/repo/");
    let base = format!("http://127.0.0.1:{}/repo/", server.port);
    site.build(&["--drafts", "--base-url", &base]).assert_ok();

    let browser = Browser::open(&base);
    let mut page = browser.page(&base);
    let step = Duration::from_secs(20);
    page.wait_until(
        "document.readyState === 'complete' && !!document.querySelector('[data-search-open]')",
        step,
    );
    open_search(&mut page, SLASH);
    assert_eq!(
        page.eval("document.activeElement === document.querySelector('.search-input')"),
        json!(true)
    );
    type_text(&mut page, "strikingly");
    let post = "/repo/blog/kubernetes-and-ros-are-surprisingly-similar/";
    page.wait_until(
        &format!("!!{FIRST_RESULT} && {FIRST_RESULT}.getAttribute('href') === '{post}'"),
        step,
    );
    let shown = page.eval(&format!("{FIRST_RESULT}.textContent"));
    let shown = shown.as_str().unwrap_or("");
    assert!(
        shown.contains("Kubernetes and ROS are surprisingly similar"),
        "{shown}"
    );
    assert!(shown.contains("June 29, 2025"), "{shown}");
    assert!(shown.contains("distributed systems"), "{shown}");
    assert_eq!(
        page.eval(&format!("{FIRST_RESULT}.querySelector('mark').textContent")),
        json!("strikingly")
    );

    // Enter follows the selected result: the link works under the sub-path.
    press(&mut page, "Enter", "Enter", 13, 0);
    page.wait_until(
        &format!(
            "location.pathname === '{post}' && document.readyState === 'complete' \
             && document.querySelector('h1').textContent.includes('Kubernetes and ROS')"
        ),
        step,
    );

    // A draft's word finds nothing, even though the draft's page was built.
    open_search(&mut page, SLASH);
    type_text(&mut page, "marmalisk");
    page.wait_until(
        "document.querySelector('.search-status').textContent.startsWith('No results') \
         && document.querySelectorAll('.search-results li').length === 0",
        step,
    );

    // Escape closes the box.
    press(&mut page, "Escape", "Escape", 27, 0);
    page.wait_until(
        "!document.querySelector('dialog.search-dialog[open]')",
        step,
    );
}

#[test]
fn serve_finds_a_word_added_by_an_edit() {
    let site = TestSite::fixture("search");
    let server = Serve::start(&site, &[]);
    let url = format!("{}blog/bread/", server.url);
    let browser = Browser::open(&url);
    let mut page = browser.page(&url);
    let step = Duration::from_secs(20);
    page.wait_until("document.readyState === 'complete'", step);

    // Ctrl-K opens the box too; the word is nowhere yet.
    open_search(&mut page, ("k", "KeyK", 75, 2));
    type_text(&mut page, "velociraptorial");
    page.wait_until(
        "document.querySelector('.search-status').textContent.startsWith('No results')",
        step,
    );

    site.write(
        "content/blog/bread.md",
        "---\ntitle: Sourdough for busy people\ndate: 2025-02-11\ntags: [food]\n---\n\
         A velociraptorial appetite for bread.\n",
    );
    // Live reload brings the edited page; its search finds the new word.
    page.wait_until(
        "document.readyState === 'complete' \
         && document.body.innerText.includes('velociraptorial appetite') \
         && !document.querySelector('dialog.search-dialog[open]')",
        step,
    );
    // The index follows the reload (serve reloads first, then indexes): the search shows
    // the post once the new index is served; until then it may find nothing.
    server.wait_for_line("search index updated", step);
    open_search(&mut page, SLASH);
    type_text(&mut page, "velociraptorial");
    page.wait_until(
        &format!("!!{FIRST_RESULT} && {FIRST_RESULT}.getAttribute('href') === '/blog/bread/'"),
        step,
    );
    drop(server);
}

/// Serves the search fixture under `/repo/` and opens its home page with the search box.
fn fixture_in_browser() -> (TestSite, StaticServer, Browser, String) {
    let site = TestSite::fixture("search");
    let server = StaticServer::start(site.path().join("public"), "/repo/");
    let base = format!("http://127.0.0.1:{}/repo/", server.port);
    site.build(&["--base-url", &base]).assert_ok();
    let browser = Browser::open(&base);
    (site, server, browser, base)
}

#[test]
fn browser_finds_other_forms_of_a_word_and_shows_deep_matches_in_context() {
    let (_site, _server, browser, base) = fixture_in_browser();
    let mut page = browser.page(&base);
    let step = Duration::from_secs(20);
    page.wait_until(
        "document.readyState === 'complete' && !!document.querySelector('[data-search-open]')",
        step,
    );
    let post = "/repo/blog/keepers-log/";
    let marked = format!("Array.from({FIRST_RESULT}.querySelectorAll('mark'), m => m.textContent)");
    // "running" is nowhere in the site: its stem finds the post with "runs", and the
    // excerpt is of the end of the post, 7 KB in, with the word marked.
    open_search(&mut page, SLASH);
    type_text(&mut page, "running");
    page.wait_until(
        &format!("!!{FIRST_RESULT} && {FIRST_RESULT}.getAttribute('href') === '{post}'"),
        step,
    );
    assert_eq!(page.eval(&marked), json!(["runs"]));
    let excerpt = page.eval(&format!(
        "{FIRST_RESULT}.querySelector('.search-excerpt').textContent"
    ));
    assert!(
        excerpt
            .as_str()
            .unwrap()
            .contains("keeper runs down to the shore"),
        "{excerpt}"
    );
    // A word typed in part ("quillw") finds it by its beginning.
    page.eval("document.querySelector('.search-input').value = ''");
    type_text(&mut page, "quillw");
    page.wait_until(
        &format!(
            "!!{FIRST_RESULT} && {FIRST_RESULT}.getAttribute('href') === '{post}' \
             && {marked}.join() === 'quillwort'"
        ),
        step,
    );
    // Only the block with the match was fetched of the post's text, not its start.
    let texts = page.eval(
        "performance.getEntriesByType('resource').map(e => e.name)\
         .filter(n => n.includes('/search-index/text/')).map(n => n.split('/text/')[1])",
    );
    assert_eq!(texts, json!(["0-1.json"]), "{texts}");
}

#[test]
fn browser_stemmer_agrees_with_the_index_on_every_word_of_the_example_site() {
    // The repository's own example site, and its README as a page: some 1,700
    // English words.
    let site = example_site();
    // (Its screenshots are not part of the site: their links stay, as links.)
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap()
        .replace("![", "[");
    site.write(
        "content/readme.md",
        &format!("---\ntitle: Read me\n---\n{readme}"),
    );
    let server = StaticServer::start(site.path().join("public"), "/repo/");
    let base = format!("http://127.0.0.1:{}/repo/", server.port);
    site.build(&["--base-url", &base]).assert_ok();

    // Every word of the index with the stem the build gave it (rust-stemmers).
    let mut words: Vec<(String, String)> = Vec::new();
    for file in site.files("public/search-index/terms") {
        let shard: Value =
            serde_json::from_str(&site.read(&format!("public/search-index/terms/{file}"))).unwrap();
        for (stem, _) in shard["terms"].as_object().unwrap() {
            match shard["forms"][stem].as_array() {
                Some(forms) => words.extend(
                    forms
                        .iter()
                        .map(|f| (f.as_str().unwrap().to_owned(), stem.clone())),
                ),
                // A stem with no other word is a word that is its own stem.
                None => words.push((stem.clone(), stem.clone())),
            }
        }
    }
    words.sort();
    words.dedup();
    assert!(words.len() > 1500, "{}", words.len());

    let browser = Browser::open(&base);
    let mut page = browser.page(&base);
    page.wait_until(
        "document.readyState === 'complete' && !!document.querySelector('[data-search-open]')",
        Duration::from_secs(20),
    );
    // The words the browser stems otherwise than the build, with both stems.
    let pairs = serde_json::to_string(&words).unwrap();
    let differ = page
        .eval_async(&format!(
            "new Promise((resolve, reject) => {{
                const s = document.createElement('script');
                s.src = '{base}js/stem-english.js';
                s.onload = () => resolve({pairs}
                    .map(([word, build]) => [word, build, window.inkpressStemmers.english(word)])
                    .filter(([, build, browser]) => build !== browser)
                    .map(([word, build, browser]) => `${{word}}: ${{build}} (build) / ${{browser}} (browser)`));
                s.onerror = () => reject('no js/stem-english.js');
                document.head.appendChild(s);
            }})"
        ))
        .unwrap();
    assert_eq!(differ, json!([]), "of {} words", words.len());
}
