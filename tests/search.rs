//! Search: the index `build` writes, read back file by file (the search box in a browser
//! is tests/search_browser.rs).

mod common;

use common::TestSite;
use serde_json::{json, Value};
use std::path::Path;

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
