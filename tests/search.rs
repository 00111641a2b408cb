//! Search: the index `build` and `serve` write, read back file by file, and the
//! default theme's search box driven in headless Chromium under a `/repo/` sub-path.

mod common;

use common::browser::{Browser, Page};
use common::serve::Server as Serve;
use common::{copy_tree, TestSite};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// One indexed document as the index files give it back: `docs/<n>.json`'s entry, its
/// `text` (every block of it, joined), its `terms` (every stem whose postings name it,
/// and every word made into that stem, with its score) and `blocks` (the block of the
/// text each of those is first in).
fn documents(dir: &Path) -> Vec<Value> {
    let read =
        |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let head: Value = serde_json::from_str(&read("index.json")).unwrap();
    let count = head["docs"].as_u64().unwrap() as usize;
    let chunk = head["chunk"].as_u64().unwrap() as usize;
    let text_chunk = head["text_chunk"].as_u64().unwrap() as usize;
    let block_weight = head["block_weight"].as_u64().unwrap();
    let mut docs: Vec<Value> = (0..count)
        .map(|n| {
            let docs: Value =
                serde_json::from_str(&read(&format!("docs/{}.json", n / chunk))).unwrap();
            let mut doc = docs[n % chunk].clone();
            let mut blocks = Vec::new();
            for b in 0.. {
                let name = match b {
                    0 => format!("text/{}.json", n / text_chunk),
                    b => format!("text/{}-{b}.json", n / text_chunk),
                };
                if !dir.join(&name).exists() {
                    break;
                }
                let texts: Value = serde_json::from_str(&read(&name)).unwrap();
                let block = texts[n % text_chunk].as_str().unwrap().to_owned();
                if !block.is_empty() {
                    blocks.push(block);
                }
            }
            doc["text"] = blocks.join(" ").into();
            doc["terms"] = json!({});
            doc["blocks"] = json!({});
            doc
        })
        .collect();
    for shard in head["shards"].as_array().unwrap() {
        let file: Value =
            serde_json::from_str(&read(&format!("terms/{}.json", shard.as_str().unwrap())))
                .unwrap();
        for (term, list) in file["terms"].as_object().unwrap() {
            let list: Vec<u64> = serde_json::from_value(list.clone()).unwrap();
            let forms = file["forms"][term].as_array().cloned().unwrap_or_default();
            let mut doc = 0;
            for pair in list.chunks(2) {
                doc += pair[0] as usize;
                for word in forms
                    .iter()
                    .filter_map(Value::as_str)
                    .chain([term.as_str()])
                {
                    docs[doc]["terms"][word] = (pair[1] % block_weight).into();
                    docs[doc]["blocks"][word] = (pair[1] / block_weight).into();
                }
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
        [
            "/blog/bread/",
            "/blog/keepers-log/",
            "/blog/lighthouses/",
            "/colophon/"
        ]
    );
    for file in site.files("public/search-index") {
        let text = site.read(&format!("public/search-index/{file}"));
        assert!(!text.contains("marmalisk"), "a draft's word is in {file}");
        assert!(!text.contains("Unfinished"), "a draft's title is in {file}");
    }

    let post = &found[2];
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
    assert_eq!(found[3]["title"], "Colophon");

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
            "/repo/blog/keepers-log/",
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

#[test]
fn english_words_are_indexed_by_stem_and_long_texts_whole() {
    let site = TestSite::fixture("search");
    site.build(&[]).assert_ok();
    let dir = site.path().join("public/search-index");
    let head: Value = serde_json::from_str(&site.read("public/search-index/index.json")).unwrap();
    assert_eq!(head["stemmer"], "english");
    // "runs" is indexed as "run", a reader's "running" becomes "run" too (search.js).
    let shard: Value =
        serde_json::from_str(&site.read("public/search-index/terms/ru.json")).unwrap();
    assert_eq!(shard["forms"]["run"], json!(["runs"]), "{shard}");
    assert!(shard["terms"].get("runs").is_none(), "{shard}");

    let found = documents(&dir);
    let log = &found[1];
    assert_eq!(log["url"], "/blog/keepers-log/");
    // The whole text is kept, in blocks; a word near the end points at a later block.
    let text = log["text"].as_str().unwrap();
    assert!(text.starts_with("A hundred days of one keeper"), "{text}");
    assert!(text.ends_with("where the quillwort grows."), "{text}");
    assert!(text.contains("Day 57: the wick trimmed"), "{text}");
    assert!(log["blocks"]["quillwort"].as_u64().unwrap() >= 1, "{log}");
    assert_eq!(log["blocks"]["hundred"], 0, "{log}");
    assert_eq!(log["blocks"]["runs"], log["blocks"]["quillwort"], "{log}");
    for file in site.files("public/search-index/text") {
        let texts: Vec<String> =
            serde_json::from_str(&site.read(&format!("public/search-index/text/{file}"))).unwrap();
        assert!(texts.iter().all(|t| t.len() <= 4096), "{file}: {texts:?}");
    }
}

#[test]
fn a_language_without_a_stemmer_indexes_words_as_they_are() {
    let site = TestSite::fixture("search");
    site.write(
        "inkpress.toml",
        "base_url = \"https://example.com/\"\nlanguage = \"ja\"\n",
    );
    site.build(&[]).assert_ok();
    let head: Value = serde_json::from_str(&site.read("public/search-index/index.json")).unwrap();
    assert_eq!(head["stemmer"], Value::Null);
    let shard: Value =
        serde_json::from_str(&site.read("public/search-index/terms/ru.json")).unwrap();
    assert_eq!(shard, json!({"terms": {"runs": [1, 101]}, "forms": {}}));
}

/// A static file server on 127.0.0.1 (ephemeral port) serving `root` under `/repo/`, as
/// GitHub Pages serves a project site, with the content types a browser insists on for
/// JavaScript modules.
struct SubPathServer {
    server: Arc<tiny_http::Server>,
    port: u16,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SubPathServer {
    fn start(root: PathBuf) -> SubPathServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().unwrap().port();
        let handle = server.clone();
        let thread = std::thread::spawn(move || {
            for request in handle.incoming_requests() {
                let path = request
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("")
                    .to_owned();
                let file = path
                    .strip_prefix("/repo/")
                    .map(|rel| match rel.is_empty() || rel.ends_with('/') {
                        true => format!("{rel}index.html"),
                        false => rel.to_owned(),
                    })
                    .filter(|rel| !rel.split('/').any(|seg| seg == ".."))
                    .map(|rel| root.join(rel))
                    .filter(|p| p.is_file());
                let response = match file {
                    Some(p) => {
                        let kind = match p.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript",
                            Some("css") => "text/css",
                            Some("json") => "application/json",
                            _ => "application/octet-stream",
                        };
                        let header = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                        tiny_http::Response::from_data(std::fs::read(p).unwrap())
                            .with_header(header)
                    }
                    None => {
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
                    }
                };
                let _ = request.respond(response);
            }
        });
        SubPathServer {
            server,
            port,
            thread: Some(thread),
        }
    }
}

impl Drop for SubPathServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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

    let server = SubPathServer::start(site.path().join("public"));
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
fn fixture_in_browser() -> (TestSite, SubPathServer, Browser, String) {
    let site = TestSite::fixture("search");
    let server = SubPathServer::start(site.path().join("public"));
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
    let server = SubPathServer::start(site.path().join("public"));
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
