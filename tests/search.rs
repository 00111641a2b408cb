//! Search: the index `build` and `serve` write, read back file by file, and the
//! default theme's search box driven in headless Chromium under a `/repo/` sub-path.

mod common;

use common::browser::{Browser, Page};
use common::serve::Server as Serve;
use common::static_server::StaticServer;
use common::{copy_tree, TestSite};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// One indexed document as the index files give it back: `docs/<n>.json`'s entry, its
/// `text` and its `terms` (every term whose postings name it, with its score).
fn documents(dir: &Path) -> Vec<Value> {
    let read =
        |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let head: Value = serde_json::from_str(&read("index.json")).unwrap();
    let count = head["docs"].as_u64().unwrap() as usize;
    let chunk = head["chunk"].as_u64().unwrap() as usize;
    let mut docs: Vec<Value> = (0..count)
        .map(|n| {
            let docs: Value =
                serde_json::from_str(&read(&format!("docs/{}.json", n / chunk))).unwrap();
            let mut doc = docs[n % chunk].clone();
            let text_chunk = head["text_chunk"].as_u64().unwrap() as usize;
            let texts: Value =
                serde_json::from_str(&read(&format!("text/{}.json", n / text_chunk))).unwrap();
            doc["text"] = texts[n % text_chunk].clone();
            doc["terms"] = json!({});
            doc
        })
        .collect();
    for shard in head["shards"].as_array().unwrap() {
        let terms: Value =
            serde_json::from_str(&read(&format!("terms/{}.json", shard.as_str().unwrap())))
                .unwrap();
        for (term, list) in terms.as_object().unwrap() {
            let list: Vec<u64> = serde_json::from_value(list.clone()).unwrap();
            let mut doc = 0;
            for pair in list.chunks(2) {
                doc += pair[0] as usize;
                docs[doc]["terms"][term] = pair[1].into();
            }
        }
    }
    docs.sort_by_key(|d| d["url"].as_str().unwrap_or("").to_owned());
    docs
}

fn urls(docs: &[Value]) -> Vec<&str> {
    docs.iter().map(|f| f["url"].as_str().unwrap()).collect()
}

#[test]
fn index_holds_every_published_post_and_page_and_no_draft() {
    let site = TestSite::fixture("search");
    // Even a build that publishes drafts keeps them out of the index.
    site.build(&["--drafts"]).assert_ok();
    assert!(site.exists("public/blog/unfinished/index.html"));
    for file in [
        "public/search-index/index.json",
        "public/search-index/docs/0.json",
        "public/search-index/terms/ze.json",
        "public/js/search.js",
        "public/search/index.html",
    ] {
        assert!(
            site.exists(file),
            "missing {file}: {:#?}",
            site.files("public")
        );
    }

    let found = documents(&site.path().join("public/search-index"));
    assert_eq!(
        urls(&found),
        ["/blog/bread/", "/blog/lighthouses/", "/colophon/"]
    );
    for file in site.files("public/search-index") {
        let text = site.read(&format!("public/search-index/{file}"));
        assert!(!text.contains("marmalisk"), "a draft's word is in {file}");
        assert!(!text.contains("Unfinished"), "a draft's title is in {file}");
    }

    let post = &found[1];
    assert_eq!(post["title"], "Lighthouses of the north");
    assert_eq!(post["date"], "January 10, 2025");
    assert_eq!(post["tags"], json!(["travel", "sea"]));
    let text = post["text"].as_str().unwrap();
    assert!(text.contains("zephyrine wind"), "{text}");
    // A word of the title, a heading and a tag weighs more than one of the body alone.
    let score = |term: &str| post["terms"][term].as_u64().unwrap_or(0);
    assert!(score("zephyrine") > 0);
    for weightier in ["lighthouses", "lamp", "travel"] {
        assert!(score(weightier) > score("zephyrine"), "{weightier}: {post}");
    }
    // The header, footer and the post's own navigation are not what a post is about.
    for chrome in ["Skip to content", "Built with inkpress", "Back to the blog"] {
        assert!(!text.contains(chrome), "{chrome:?} indexed: {text}");
    }
    assert_eq!(found[2]["title"], "Colophon");

    let page = site.read("public/blog/bread/index.html");
    assert!(
        page.contains(r#"href="https://example.com/search/" data-search-open"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<script src="https://example.com/js/search.js" data-bundle="/search-index/" defer>"#
        ),
        "{page}"
    );
    let fallback = site.read("public/search/index.html");
    assert!(fallback.contains("needs JavaScript"), "{fallback}");
    assert!(
        fallback.contains(r#"href="https://example.com/tags/food/""#),
        "{fallback}"
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(!sitemap.contains("/search/"), "{sitemap}");
}

#[test]
fn the_same_sources_give_the_same_index() {
    let site = TestSite::fixture("search");
    site.build(&[]).assert_ok();
    let read_all = |site: &TestSite| -> Vec<(String, String)> {
        site.files("public/search-index")
            .into_iter()
            .map(|f| {
                let text = site.read(&format!("public/search-index/{f}"));
                (f, text)
            })
            .collect()
    };
    let first = read_all(&site);
    site.build(&[]).assert_ok();
    assert_eq!(first, read_all(&site));
}

#[test]
fn index_folder_and_urls_follow_the_config_and_base_url() {
    let site = TestSite::fixture("search");
    site.write(
        "inkpress.toml",
        "base_url = \"https://u.github.io/repo/\"\n[search]\noutput = \"assets/find\"\n",
    );
    site.build(&[]).assert_ok();
    assert!(!site.exists("public/search-index"));
    let found = documents(&site.path().join("public/assets/find"));
    assert_eq!(
        urls(&found),
        [
            "/repo/blog/bread/",
            "/repo/blog/lighthouses/",
            "/repo/colophon/"
        ]
    );
    let page = site.read("public/index.html");
    assert!(
        page.contains(r#"data-bundle="/repo/assets/find/""#),
        "{page}"
    );
}

#[test]
fn search_off_writes_no_index_and_shows_no_box() {
    let site = TestSite::fixture("search");
    site.write(
        "inkpress.toml",
        "base_url = \"https://example.com/\"\n[search]\nenabled = false\n",
    );
    site.build(&[]).assert_ok();
    assert!(!site.exists("public/search-index"));
    assert!(!site.exists("public/search/index.html"));
    for page in ["public/index.html", "public/blog/bread/index.html"] {
        let html = site.read(page);
        assert!(!html.contains("data-search-open"), "{html}");
        assert!(!html.contains("search.js"), "{html}");
    }
}

#[test]
fn a_misspelt_search_setting_names_the_file_and_the_key() {
    let site = TestSite::fixture("search");
    site.write("inkpress.toml", "[search]\nenable = false\n");
    let run = site.build(&[]);
    assert_ne!(run.status, 0);
    assert!(run.stderr.contains("inkpress.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("enable"), "{}", run.stderr);
}

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

const FIRST_RESULT: &str = "document.querySelector('.search-results li a')";

#[test]
fn browser_finds_a_post_by_a_word_of_its_body_under_a_sub_path() {
    // The example site (the repository's own), with a draft added, served under /repo/.
    let site = TestSite::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("content"), &site.path().join("content"));
    std::fs::copy(
        repo.join("inkpress.toml"),
        site.path().join("inkpress.toml"),
    )
    .unwrap();
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
