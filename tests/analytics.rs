//! Analytics: one deferred script on every page `build` writes when `[analytics]` is set,
//! none by default, and never in what `serve` serves.

mod common;

use common::serve::Server;
use common::{count, TestSite};

#[test]
fn every_built_page_carries_one_deferred_script_and_serve_none() {
    let site = TestSite::fixture("analytics");
    site.build(&[]).assert_ok();
    let html: Vec<String> = site
        .files("public")
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(html.len() >= 5, "{html:?}");
    for file in &html {
        let page = site.read(&format!("public/{file}"));
        if page.contains("http-equiv=\"refresh\"") {
            // A redirect page sends the reader on at once: it is not a visit.
            continue;
        }
        assert_eq!(
            count(
                &page,
                "<script defer data-domain=\"blog.example.com\" src=\"https://plausible.io/js/script.js\"></script>"
            ),
            1,
            "{file}: {page}"
        );
    }

    let server = Server::start(&site, &[]);
    for path in ["/", "/blog/counted/", "/404.html"] {
        let served = server.get(path);
        let body = String::from_utf8_lossy(&served.bytes);
        assert!(body.contains("<title>"), "{path}: {body}");
        assert!(
            !body.contains("plausible"),
            "serve served analytics on {path}: {body}"
        );
    }
}

#[test]
fn each_provider_gets_its_own_tag_and_none_by_default() {
    let site = TestSite::fixture("analytics");
    for (config, tag) in [
        (
            "provider = \"umami\"\nid = \"94db1cb1-74f4-4a40-ad6c-962362670409\"",
            "<script defer data-website-id=\"94db1cb1-74f4-4a40-ad6c-962362670409\" src=\"https://cloud.umami.is/script.js\"></script>",
        ),
        (
            "provider = \"goatcounter\"\nid = \"myblog\"",
            "<script defer data-goatcounter=\"https://myblog.goatcounter.com/count\" src=\"https://gc.zgo.at/count.js\"></script>",
        ),
        (
            "provider = \"google\"\nid = \"G-ABC123\"",
            "<script defer src=\"https://www.googletagmanager.com/gtag/js?id=G-ABC123\"></script><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag(\"js\",new Date());gtag(\"config\",\"G-ABC123\")</script>",
        ),
    ] {
        site.write(
            "inkpress.toml",
            &format!("title = \"Counted\"\n\n[analytics]\n{config}\n"),
        );
        site.build(&[]).assert_ok();
        let page = site.read("public/blog/counted/index.html");
        assert_eq!(count(&page, tag), 1, "{config}: {page}");
    }
    site.write("inkpress.toml", "title = \"Counted\"\n");
    site.build(&[]).assert_ok();
    let page = site.read("public/blog/counted/index.html");
    assert!(!page.contains("<script defer"), "{page}");
}

#[test]
fn a_bad_id_names_the_file_and_the_fix() {
    let site = TestSite::fixture("analytics");
    site.write(
        "inkpress.toml",
        "[analytics]\nprovider = \"google\"\nid = \"G-1\\\"><script>\"\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("inkpress.toml"), "{}", run.stderr);
    assert!(
        run.stderr.contains("must be the provider's id"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("G-XXXXXXX"), "{}", run.stderr);
}
