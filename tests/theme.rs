//! The default theme as a reader sees it: the repository's example site served by the real
//! binary, opened in headless Chromium at a phone width and a desktop width, light and dark.

mod common;

use common::browser::{Browser, Page};
use common::serve::Server;
use common::TestSite;
use serde_json::Value;
use std::time::Duration;

/// A copy of the example site (content and config; the theme comes from the binary).
fn example_site() -> TestSite {
    let site = TestSite::empty();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_tree(&root.join("content"), &site.path().join("content"));
    std::fs::copy(
        root.join("inkpress.toml"),
        site.path().join("inkpress.toml"),
    )
    .unwrap();
    site
}

fn visit(page: &mut Page, url: &str) {
    page.call("Page.navigate", serde_json::json!({ "url": url }));
    page.wait_until(
        &format!("location.href === '{url}' && document.readyState === 'complete'"),
        Duration::from_secs(15),
    );
}

/// Pages a writer judges the theme on: the home page, the seed post, a post with wide
/// code and a table, a tag page.
const PAGES: &[&str] = &[
    "",
    "blog/kubernetes-and-ros-are-surprisingly-similar/",
    "blog/async-rust-in-practice/",
    "tags/kubernetes/",
];

#[test]
fn the_theme_fits_a_phone_and_a_desktop_and_follows_the_dark_scheme() {
    let site = example_site();
    let server = Server::start(&site, &[]);
    for (width, height) in [(390, 844), (1280, 900)] {
        let size = format!("--window-size={width},{height}");
        let browser = Browser::open_with(&server.url, &[size.as_str()]);
        let mut page = browser.page(&server.url);
        for path in PAGES {
            let url = format!("{}{path}", server.url);
            visit(&mut page, &url);
            // Nothing makes the page scroll sideways: wide code scrolls inside its block.
            let overflow = page.eval(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth",
            );
            assert_eq!(
                overflow,
                Value::from(0),
                "{url} scrolls sideways at {width}px"
            );
            // The reading column stays narrow on a desktop and uses the phone's width.
            let column = page
                .eval("Math.round(document.querySelector('main').getBoundingClientRect().width)");
            let column = column.as_f64().unwrap();
            if width > 1000 {
                assert!(
                    (600.0..=900.0).contains(&column),
                    "{url}: column {column}px at {width}px"
                );
            } else {
                assert!(column >= 330.0, "{url}: column {column}px at {width}px");
            }
            // Body text is at least 16px: readable without zooming.
            let font = page.eval("parseFloat(getComputedStyle(document.body).fontSize)");
            assert!(font.as_f64().unwrap() >= 16.0, "{url}: font {font}");
        }
        let post = format!("{}blog/async-rust-in-practice/", server.url);
        visit(&mut page, &post);
        let light = page.eval("getComputedStyle(document.body).backgroundColor");
        let keyword_light =
            page.eval("getComputedStyle(document.querySelector('.hl-keyword, .hl-storage')).color");
        let features = serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] });
        page.call("Emulation.setEmulatedMedia", features);
        let dark = page.eval("getComputedStyle(document.body).backgroundColor");
        let keyword_dark =
            page.eval("getComputedStyle(document.querySelector('.hl-keyword, .hl-storage')).color");
        assert_eq!(light, Value::from("rgb(255, 255, 255)"));
        assert_eq!(
            dark,
            Value::from("rgb(3, 7, 18)"),
            "the dark scheme follows the system"
        );
        assert_ne!(
            keyword_light, keyword_dark,
            "code colours follow the scheme too"
        );
    }
}

fn emulate_system_scheme(page: &mut Page, scheme: &str) {
    let features =
        serde_json::json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] });
    page.call("Emulation.setEmulatedMedia", features);
}

/// The page's background and the colour of its first highlighted keyword.
fn colours(page: &mut Page) -> (Value, Value) {
    let background = page.eval("getComputedStyle(document.body).backgroundColor");
    let keyword =
        page.eval("getComputedStyle(document.querySelector('.hl-keyword, .hl-storage')).color");
    (background, keyword)
}

const WHITE: &str = "rgb(255, 255, 255)";
const NIGHT: &str = "rgb(3, 7, 18)";

#[test]
fn the_switch_changes_the_scheme_and_keeps_it_across_a_reload_with_no_flash() {
    let site = example_site();
    let server = Server::start(&site, &[]);
    let browser = Browser::open_with(&server.url, &["--window-size=1280,900"]);
    let mut page = browser.page(&server.url);
    // Before the page's own scripts, on every document: note the scheme at the moment the
    // body starts, which is before the first paint. A scheme set later would flash.
    page.call("Page.enable", serde_json::json!({}));
    let probe = "new MutationObserver(function (m, o) { if (document.body) { \
        window.__schemeAtBody = document.documentElement.getAttribute('data-theme') || 'system'; \
        o.disconnect(); } }).observe(document, { childList: true, subtree: true });";
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": probe }),
    );
    let post = format!("{}blog/async-rust-in-practice/", server.url);
    visit(&mut page, &post);
    emulate_system_scheme(&mut page, "light");
    let (light_bg, light_keyword) = colours(&mut page);
    assert_eq!(light_bg, Value::from(WHITE), "follows the system at first");
    assert_eq!(page.eval("window.__schemeAtBody"), Value::from("system"));
    assert_eq!(
        page.eval("document.querySelector('.theme-toggle').getAttribute('aria-pressed')"),
        Value::from("false")
    );

    // The reader picks dark: page and code change at once.
    page.eval("document.querySelector('.theme-toggle').click()");
    let (bg, keyword) = colours(&mut page);
    assert_eq!(bg, Value::from(NIGHT));
    assert_ne!(keyword, light_keyword, "code follows the chosen scheme");
    assert_eq!(
        page.eval("document.querySelector('.theme-toggle').getAttribute('aria-pressed')"),
        Value::from("true")
    );

    // Kept across a reload, applied before the body exists, and winning over the system.
    page.call("Page.reload", serde_json::json!({}));
    page.wait_until(
        "window.__schemeAtBody !== undefined && document.readyState === 'complete'",
        Duration::from_secs(15),
    );
    assert_eq!(page.eval("window.__schemeAtBody"), Value::from("dark"));
    assert_eq!(colours(&mut page), (Value::from(NIGHT), keyword.clone()));

    // Picking light wins over a dark system, after a reload too.
    page.eval("document.querySelector('.theme-toggle').click()");
    emulate_system_scheme(&mut page, "dark");
    page.call("Page.reload", serde_json::json!({}));
    page.wait_until(
        "window.__schemeAtBody !== undefined && document.readyState === 'complete'",
        Duration::from_secs(15),
    );
    assert_eq!(page.eval("window.__schemeAtBody"), Value::from("light"));
    assert_eq!(colours(&mut page), (Value::from(WHITE), light_keyword));
}
