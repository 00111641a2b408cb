//! Images: every local image of a post gets its size (EXIF rotation applied), lazy
//! loading and a `srcset` of resized WebP copies; the first image makes the social card;
//! variants are cached; a missing image fails the build with its file and line.

mod common;
use common::browser::{Browser, Page};
use common::serve::Server;
use common::TestSite;
use std::time::Duration;

/// Every `<img …>` tag of a page, in order.
fn img_tags(html: &str) -> Vec<&str> {
    html.match_indices("<img ")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap() + 1])
        .collect()
}

/// The value of `name="…"` in a tag.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Width, height and whether it has an alpha channel, of an image file of the output.
fn pixels(site: &TestSite, rel: &str) -> (u32, u32, bool) {
    let path = site.path().join("public").join(rel.trim_start_matches('/'));
    let image = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (image.width(), image.height(), image.color().has_alpha())
}

fn decoded(run: &common::Run) -> usize {
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("images decoded: "))
        .unwrap_or_else(|| panic!("no count in {}", run.stdout));
    line.parse().unwrap()
}

#[test]
fn local_images_get_sizes_lazy_loading_and_resized_webp_copies() {
    let site = TestSite::fixture("images");
    let run = site.build(&["-v"]);
    run.assert_ok();
    let page = site.read("public/blog/photos/index.html");
    let tags = img_tags(&page);
    assert_eq!(tags.len(), 6, "{tags:#?}");
    let [landscape, portrait, alpha, svg, gif, remote] = tags[..] else {
        unreachable!()
    };

    // The first image is fetched at once, the others when they come near.
    assert_eq!(attr(landscape, "width"), Some("1000"));
    assert_eq!(attr(landscape, "height"), Some("600"));
    assert_eq!(attr(landscape, "fetchpriority"), Some("high"));
    assert_eq!(attr(landscape, "loading"), None);
    assert_eq!(attr(landscape, "alt"), Some("A wide field"));
    assert_eq!(attr(landscape, "title"), Some("Field"));
    assert_eq!(attr(landscape, "src"), Some("/images/landscape.jpg"));
    let srcset: Vec<&str> = attr(landscape, "srcset").unwrap().split(", ").collect();
    assert_eq!(srcset.len(), 3, "{srcset:?}");
    assert!(srcset[0].ends_with("-480.webp 480w"), "{srcset:?}");
    assert!(srcset[1].ends_with("-960.webp 960w"), "{srcset:?}");
    assert_eq!(srcset[2], "/images/landscape.jpg 1000w");
    assert_eq!(
        attr(landscape, "sizes"),
        Some("(max-width: 736px) 100vw, 736px")
    );
    let url = |candidate: &str| candidate.split(' ').next().unwrap().to_owned();
    assert_eq!(pixels(&site, &url(srcset[0])), (480, 288, false));
    assert_eq!(pixels(&site, &url(srcset[1])), (960, 576, false));

    // Stored 1000×800 with EXIF "turn right": shown, and resized, standing up.
    assert_eq!(attr(portrait, "width"), Some("800"));
    assert_eq!(attr(portrait, "height"), Some("1000"));
    assert_eq!(attr(portrait, "loading"), Some("lazy"));
    assert_eq!(attr(portrait, "decoding"), Some("async"));
    let portrait_set: Vec<&str> = attr(portrait, "srcset").unwrap().split(", ").collect();
    assert_eq!(portrait_set.len(), 2, "{portrait_set:?}");
    assert_eq!(pixels(&site, &url(portrait_set[0])), (480, 600, false));

    // Raw HTML keeps its own attributes; transparency survives the resize.
    assert_eq!(attr(alpha, "class"), Some("wide"));
    assert_eq!(attr(alpha, "width"), Some("1000"));
    let alpha_set: Vec<&str> = attr(alpha, "srcset").unwrap().split(", ").collect();
    assert_eq!(pixels(&site, &url(alpha_set[0])), (480, 288, true));

    // SVG and GIF: sizes only.
    assert_eq!(
        (attr(svg, "width"), attr(svg, "height")),
        (Some("320"), Some("160"))
    );
    assert_eq!(attr(svg, "srcset"), None);
    assert_eq!(
        (attr(gif, "width"), attr(gif, "height")),
        (Some("120"), Some("80"))
    );
    assert_eq!(attr(gif, "srcset"), None);
    // Another host's image is left as written.
    assert_eq!(
        remote,
        "<img src=\"https://example.com/remote.jpg\" alt=\"Elsewhere\" />"
    );
    // The originals stay where they were.
    assert_eq!(pixels(&site, "images/landscape.jpg").0, 1000);

    // The social card: the first image cropped to 1200×630.
    let card = page
        .split("<meta property=\"og:image\" content=\"https://example.org/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an og:image");
    assert!(card.starts_with("resized/landscape-"), "{card}");
    assert_eq!(pixels(&site, card), (1200, 630, false));

    // A bundle's image is published beside its page and resized; the front matter's
    // image stays the card.
    let bundled = site.read("public/blog/bundled/index.html");
    let chart = img_tags(&bundled)[0];
    assert_eq!(attr(chart, "src"), Some("./chart.png"));
    assert_eq!(attr(chart, "width"), Some("1100"));
    assert!(
        attr(chart, "srcset")
            .unwrap()
            .ends_with("/blog/bundled/chart.png 1100w"),
        "{chart}"
    );
    assert_eq!(pixels(&site, "blog/bundled/chart.png"), (1100, 700, true));
    assert!(bundled.contains(
        "<meta property=\"og:image\" content=\"https://example.org/images/landscape.jpg\">"
    ));

    // An image that cannot be decoded: a warning, and the file as it was.
    assert!(
        run.stderr
            .contains("warning: static/images/broken.jpg: has a broken header"),
        "{}",
        run.stderr
    );
    let broken = site.read("public/blog/broken/index.html");
    assert!(broken.contains("<img src=\"/images/broken.jpg\" alt=\"Not a photo\" />"));
    assert!(site.exists("public/images/broken.jpg"));
}

#[test]
fn a_second_build_takes_every_variant_from_the_cache_and_decodes_nothing() {
    let site = TestSite::fixture("images");
    let first = site.build(&["-v"]);
    first.assert_ok();
    // landscape, portrait, the PNG and the bundle's chart.
    assert_eq!(decoded(&first), 4);
    let resized = site.files("public/resized");
    let before: Vec<Vec<u8>> = resized
        .iter()
        .map(|f| std::fs::read(site.path().join("public/resized").join(f)).unwrap())
        .collect();
    let second = site.build(&["-v"]);
    second.assert_ok();
    assert_eq!(decoded(&second), 0, "{}", second.stdout);
    assert_eq!(site.files("public/resized"), resized);
    for (f, bytes) in resized.iter().zip(before) {
        assert_eq!(
            std::fs::read(site.path().join("public/resized").join(f)).unwrap(),
            bytes,
            "{f}"
        );
    }
    // A changed image is read and resized again, and only that one (a byte after the
    // JPEG's end changes no pixel, but the bytes are what name a variant).
    let landscape = site.path().join("static/images/landscape.jpg");
    let mut bytes = std::fs::read(&landscape).unwrap();
    bytes.push(0);
    std::fs::write(&landscape, bytes).unwrap();
    let third = site.build(&["-v"]);
    third.assert_ok();
    assert_eq!(decoded(&third), 1, "{}", third.stdout);
}

#[test]
fn a_missing_image_fails_build_and_check_naming_its_file_and_line() {
    let site = TestSite::fixture("images");
    site.build(&[]).assert_ok();
    let before = site.read("public/blog/photos/index.html");
    site.post(
        "missing",
        "title: Missing\ndate: 2025-06-01",
        "Text.\n\n![Gone](/images/nope.png)\n\nSee [the old post](/blog/no-such-post/).\n",
    );
    for command in ["build", "check"] {
        let run = site.run(&[command]);
        assert_ne!(run.status, 0, "{command} should fail");
        assert!(
            run.stderr.contains("content/blog/missing.md:7:1"),
            "{command}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(
                "image `/images/nope.png` is missing: the site has no file /images/nope.png"
            ),
            "{command}: {}",
            run.stderr
        );
    }
    // check goes on past the missing image: one run reports the broken link too.
    let check = site.run(&["check"]);
    assert!(
        check.stderr.contains(
            "content/blog/missing.md:9:5: `/blog/no-such-post/` points at /blog/no-such-post/"
        ),
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .trim_end()
            .ends_with("check found 2 problems (nothing written)"),
        "{}",
        check.stderr
    );
    // The failed build left the last good output as it was.
    assert_eq!(site.read("public/blog/photos/index.html"), before);
    assert!(!site.exists("public/blog/missing/index.html"));
}

#[test]
fn an_unreadable_image_shown_three_times_is_warned_about_once() {
    let site = TestSite::fixture("images");
    site.write("static/images/fake.png", "not a png");
    let body = "![One](/images/fake.png)\n\n![Two](/images/fake.png)\n";
    site.post("fake-a", "title: A\ndate: 2025-01-01", body);
    site.post(
        "fake-b",
        "title: B\ndate: 2025-01-02",
        "![Three](/images/fake.png)\n",
    );
    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(
        run.stderr
            .matches("static/images/fake.png: is not an image inkpress can read")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

#[test]
fn process_false_leaves_images_as_written() {
    let site = TestSite::fixture("images");
    site.write(
        "inkpress.toml",
        "title = \"Images\"\nbase_url = \"https://example.org/\"\n[images]\nprocess = false\n",
    );
    site.build(&[]).assert_ok();
    let page = site.read("public/blog/photos/index.html");
    for tag in img_tags(&page) {
        assert_eq!(attr(tag, "width"), None, "{tag}");
        assert_eq!(attr(tag, "srcset"), None, "{tag}");
    }
    assert!(!site.exists("public/resized"));
    // A bundle's files are still published: its links would break otherwise.
    assert!(site.exists("public/blog/bundled/chart.png"));
}

const LOCAL_IMAGES: &str =
    "[...document.images].filter(i => !i.src.startsWith('https://example.com'))";

/// Each local image's height on the page, in CSS pixels.
fn heights(page: &mut Page) -> Vec<i64> {
    let js = format!("{LOCAL_IMAGES}.map(i => Math.round(i.getBoundingClientRect().height))");
    let value = page.eval(&js);
    let heights = value.as_array().unwrap();
    heights.iter().map(|h| h.as_i64().unwrap()).collect()
}

/// Opens `url`; gives each image's height before the lazy ones below the fold loaded,
/// then once the reader has scrolled to each and it has loaded, and the page's
/// cumulative layout shift.
fn load(page: &mut Page, url: &str) -> (Vec<i64>, Vec<i64>, f64) {
    page.call("Page.navigate", serde_json::json!({ "url": url }));
    page.wait_until(
        &format!("location.href === '{url}' && document.readyState === 'complete'"),
        Duration::from_secs(15),
    );
    let before = heights(page);
    let waiting = page.eval(&format!("{LOCAL_IMAGES}.filter(i => !i.complete).length"));
    assert!(
        waiting.as_i64().unwrap() > 0,
        "every image loaded at once: nothing to compare"
    );
    // Down the page, one image after the other, as a reader scrolls.
    for k in 0..before.len() {
        let image = format!("{LOCAL_IMAGES}[{k}]");
        page.eval(&format!("{image}.scrollIntoView()"));
        page.wait_until(
            &format!("{image}.complete && {image}.naturalWidth > 0"),
            Duration::from_secs(15),
        );
    }
    let shift = page
        .eval_async(
            "new Promise(done => { let total = 0; \
             new PerformanceObserver(list => { for (const e of list.getEntries()) total += e.value; }) \
               .observe({ type: 'layout-shift', buffered: true }); \
             setTimeout(() => done(total), 300); })",
        )
        .unwrap()
        .as_f64()
        .unwrap();
    (before, heights(page), shift)
}

#[test]
fn at_phone_width_nothing_shifts_and_the_browser_fetches_a_narrower_copy() {
    let site = TestSite::fixture("images");
    // A long post: the images far below are loaded only as the reader nears them.
    let filler = "A paragraph of words between pictures, long enough to wrap.\n\n".repeat(150);
    site.post(
        "long",
        "title: Long\ndate: 2025-07-01",
        &format!(
            "![Field](/images/landscape.jpg)\n\n{filler}![Tall](/images/portrait.jpg)\n\n{filler}<img src=\"/images/alpha.png\" alt=\"Checks\">\n"
        ),
    );
    let server = Server::start(&site, &[]);
    let browser = Browser::open_with(&server.url, &["--window-size=390,844"]);
    let mut page = browser.page(&server.url);
    // A phone: 390 CSS pixels at two device pixels each, so a full-width image wants 780.
    page.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
    );
    let url = format!("{}blog/long/", server.url);
    // Images not loaded yet already take the room they will fill: nothing moves.
    let (before, after, shift) = load(&mut page, &url);
    assert_eq!(before, after);
    assert!(after.iter().all(|&h| h > 0), "{after:?}");
    assert_eq!(shift, 0.0, "the page moved as its images loaded");
    let chosen = page.eval("document.querySelector('img[src$=\"landscape.jpg\"]').currentSrc");
    let chosen = chosen.as_str().unwrap();
    // The narrowest copy at least 780 pixels wide, not the 1000-pixel original.
    assert!(
        chosen.contains("/resized/landscape-") && chosen.ends_with("-960.webp"),
        "{chosen}"
    );
}

#[test]
fn feeds_carry_every_image_url_absolute_srcset_included() {
    let site = TestSite::fixture("images");
    // Under a path, as a project's GitHub Pages site: root-relative URLs carry `/repo/`.
    site.build(&["--base-url", "https://example.org/repo/"])
        .assert_ok();
    let xml = site.read("public/atom.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("atom.xml parses");
    let content = |title: &str| -> String {
        let entry = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == title))
            .unwrap_or_else(|| panic!("no entry {title}"));
        entry.content.as_ref().and_then(|c| c.body.clone()).unwrap()
    };
    let origin = "https://example.org/repo/";
    for title in ["Photos", "Bundled"] {
        let html = content(title);
        let tags = img_tags(&html);
        assert!(!tags.is_empty(), "{title}: {html}");
        let mut variants = 0;
        for tag in tags {
            let src = attr(tag, "src").unwrap();
            assert!(src.starts_with("https://"), "{title}: {tag}");
            for candidate in attr(tag, "srcset").unwrap_or_default().split(", ") {
                let Some(url) = candidate.split(' ').next().filter(|u| !u.is_empty()) else {
                    continue;
                };
                // Every candidate is a file of this site, at the URL the feed gives.
                let rel = url
                    .strip_prefix(origin)
                    .unwrap_or_else(|| panic!("{title}: {url} is not absolute on {origin}"));
                assert!(site.exists(&format!("public/{rel}")), "{title}: {url}");
                variants += 1;
            }
        }
        assert!(variants >= 2, "{title}: no srcset in the feed: {html}");
    }
    assert!(content("Bundled").contains(&format!("src=\"{origin}blog/bundled/chart.png\"")));
}

const AVIF_CONFIG: &str =
    "title = \"Images\"\nbase_url = \"https://example.org/\"\n[images]\nformats = [\"webp\", \"avif\"]\n";

#[cfg(not(feature = "avif"))]
#[test]
fn avif_without_the_avif_feature_is_a_config_error() {
    let site = TestSite::fixture("images");
    site.write("inkpress.toml", AVIF_CONFIG);
    for command in ["build", "check"] {
        let run = site.run(&[command]);
        assert_eq!(run.status, 1, "{command}: {}", run.stderr);
        assert!(
            run.stderr.contains(
                "inkpress.toml: [images] formats: \"avif\" needs an inkpress built with the `avif` feature"
            ) && run.stderr.contains("--features avif"),
            "{command}: {}",
            run.stderr
        );
    }
    assert!(!site.exists("public"));
}

/// Width and height of an AVIF file of the output, from its header (`ispe`): the image
/// crate here encodes AVIF but does not decode it.
#[cfg(feature = "avif")]
fn avif_size(site: &TestSite, rel: &str) -> (usize, usize) {
    let bytes =
        std::fs::read(site.path().join("public").join(rel.trim_start_matches('/'))).unwrap();
    assert_eq!(&bytes[4..12], b"ftypavif", "{rel} is no AVIF file");
    let size = imagesize::blob_size(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (size.width, size.height)
}

#[cfg(feature = "avif")]
#[test]
fn avif_copies_of_photos_sit_in_a_picture_before_the_webp_ones() {
    let site = TestSite::fixture("images");
    site.write("inkpress.toml", AVIF_CONFIG);
    let run = site.build(&["-v"]);
    run.assert_ok();
    let page = site.read("public/blog/photos/index.html");
    let picture = page
        .split("<picture>")
        .nth(1)
        .and_then(|rest| rest.split("</picture>").next())
        .expect("a <picture>");
    // The landscape JPEG: AVIF copies for the browsers that show them, WebP for the others.
    let source = &picture[..picture.find("<img ").unwrap()];
    assert!(
        source.starts_with("<source type=\"image/avif\" srcset=\""),
        "{source}"
    );
    let avif_set: Vec<&str> = attr(source, "srcset").unwrap().split(", ").collect();
    assert_eq!(avif_set.len(), 3, "{avif_set:?}");
    assert!(avif_set[0].ends_with("-480.avif 480w"), "{avif_set:?}");
    assert_eq!(avif_set[2], "/images/landscape.jpg 1000w");
    assert_eq!(
        attr(source, "sizes"),
        Some("(max-width: 736px) 100vw, 736px")
    );
    let url = |candidate: &str| candidate.split(' ').next().unwrap().to_owned();
    assert_eq!(avif_size(&site, &url(avif_set[0])), (480, 288));
    assert_eq!(avif_size(&site, &url(avif_set[1])), (960, 576));
    let img = img_tags(picture)[0];
    assert_eq!(attr(img, "src"), Some("/images/landscape.jpg"));
    assert!(
        attr(img, "srcset").unwrap().contains("-480.webp 480w"),
        "{img}"
    );
    // The rotated portrait's AVIF copies stand up too.
    let portrait = page
        .split("<picture>")
        .nth(2)
        .expect("the portrait's <picture>");
    let portrait_set = attr(portrait, "srcset").unwrap();
    assert!(portrait_set.contains(".avif 480w"), "{portrait_set}");
    assert_eq!(avif_size(&site, &url(portrait_set)), (480, 600));
    // A PNG (a diagram, a screenshot) keeps lossless WebP alone: AVIF would blur it.
    assert_eq!(page.matches("<picture>").count(), 2, "{page}");
    assert!(!site
        .files("public/resized")
        .iter()
        .any(|f| f.starts_with("alpha-") && f.ends_with(".avif")));
    // Cached like any copy: the next build decodes nothing.
    let again = site.build(&["-v"]);
    again.assert_ok();
    assert_eq!(decoded(&again), 0, "{}", again.stdout);
}

#[test]
fn check_keeps_its_copies_in_the_cache_and_a_second_check_decodes_nothing() {
    let site = TestSite::fixture("images");
    let first = site.run(&["-v", "check"]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    // landscape, portrait, the PNG and the bundle's chart.
    assert_eq!(decoded(&first), 4, "{}", first.stdout);
    assert!(!site.exists("public"), "check wrote the site");
    let second = site.run(&["-v", "check"]);
    assert_eq!(second.status, 0, "{}", second.stderr);
    assert_eq!(decoded(&second), 0, "{}", second.stdout);
    // The build after them finds every copy made.
    let build = site.build(&["-v"]);
    build.assert_ok();
    assert_eq!(decoded(&build), 0, "{}", build.stdout);
}

/// The writer's own `<picture>` (art direction, formats of their own): the `<img>` in it
/// is sized and lazy like any other, but gets no `srcset` beside the writer's sources and
/// no `<picture>` of ours around it (a `<picture>` in a `<picture>` is invalid HTML).
#[test]
fn an_img_in_the_writers_own_picture_is_sized_but_not_given_sources() {
    let site = TestSite::fixture("images");
    #[cfg(feature = "avif")]
    site.write("inkpress.toml", AVIF_CONFIG);
    site.write(
        "content/blog/art.md",
        "---\ntitle: Art\ndate: 2025-06-01\n---\n\
         <picture>\n<source media=\"(min-width: 900px)\" srcset=\"/images/alpha.png\">\n\
         <img src=\"/images/landscape.jpg\" alt=\"Block\">\n</picture>\n\n\
         Inline <picture><source srcset=\"/images/alpha.png\"><img src=\"/images/portrait.jpg\" alt=\"Inline\"></picture> \
         and then ![Outside](/images/landscape.jpg)\n",
    );
    site.build(&[]).assert_ok();
    let page = site.read("public/blog/art/index.html");
    let body = &page[page.find("<picture>").expect("the writer's <picture>")..];
    for picture in body.split("<picture>").skip(1) {
        let inside = &picture[..picture.find("</picture>").expect("a closed <picture>")];
        assert_eq!(img_tags(inside).len(), 1, "{page}");
    }
    let tags = img_tags(body);
    let [block, inline, outside] = tags[..] else {
        panic!("{tags:#?}")
    };
    assert_eq!(attr(block, "width"), Some("1000"));
    assert_eq!(attr(block, "height"), Some("600"));
    assert_eq!(attr(block, "fetchpriority"), Some("high"));
    assert_eq!(attr(inline, "width"), Some("800"));
    assert_eq!(attr(inline, "loading"), Some("lazy"));
    for tag in [block, inline] {
        assert_eq!(attr(tag, "decoding"), Some("async"));
        assert_eq!(attr(tag, "srcset"), None, "{tag}");
        assert_eq!(attr(tag, "sizes"), None, "{tag}");
    }
    // After the writer's `<picture>` closes, images get their copies again.
    assert!(
        attr(outside, "srcset").unwrap().contains("-480.webp 480w"),
        "{outside}"
    );
    #[cfg(feature = "avif")]
    assert_eq!(body.matches("<picture>").count(), 3, "{page}");
}

/// Whether a WebP file of the output is lossless (its image in a `VP8L` chunk) rather
/// than lossy (`VP8 `).
fn is_lossless_webp(site: &TestSite, rel: &str) -> bool {
    let bytes =
        std::fs::read(site.path().join("public").join(rel.trim_start_matches('/'))).unwrap();
    assert_eq!(&bytes[8..12], b"WEBP", "{rel} is no WebP file");
    let has = |chunk: &[u8]| bytes.windows(4).any(|w| w == chunk);
    assert!(
        has(b"VP8L") != has(b"VP8 "),
        "{rel}: neither or both codings"
    );
    has(b"VP8L")
}

/// Lossless WebP for what is drawn (flat fills) or transparent; lossy for photos, also a
/// photo saved as PNG (an opaque image with no flat areas), whose lossless copies would
/// be large and whose encoding holds several times the image in memory.
#[test]
fn png_copies_are_lossless_for_drawings_and_transparency_and_lossy_for_photos() {
    let site = TestSite::fixture("images");
    let drawing = image::RgbImage::from_fn(1000, 600, |x, y| match (x / 100 + y / 100) % 3 {
        0 => image::Rgb([255, 255, 255]),
        1 => image::Rgb([20, 90, 200]),
        _ => image::Rgb([240, 200, 0]),
    });
    drawing
        .save(site.path().join("static/images/drawing.png"))
        .unwrap();
    site.write(
        "content/blog/drawing.md",
        "---\ntitle: Drawing\ndate: 2025-06-01\n---\n![Blocks](/images/drawing.png)\n",
    );
    site.build(&[]).assert_ok();
    let first_copy = |page: &str, name: &str| {
        let html = site.read(page);
        let tag = img_tags(&html)
            .into_iter()
            .find(|t| attr(t, "src").is_some_and(|s| s.contains(name)))
            .unwrap_or_else(|| panic!("no {name} in {page}"))
            .to_owned();
        let srcset = attr(&tag, "srcset").unwrap().to_owned();
        srcset.split(' ').next().unwrap().to_owned()
    };
    let drawn = first_copy("public/blog/drawing/index.html", "drawing.png");
    assert!(is_lossless_webp(&site, &drawn), "{drawn}");
    let alpha = first_copy("public/blog/photos/index.html", "alpha.png");
    assert!(is_lossless_webp(&site, &alpha), "{alpha}");
    assert!(pixels(&site, &alpha).2, "{alpha} lost its transparency");
    // The bundle's chart: an opaque gradient, every pixel unlike its neighbour.
    let chart = first_copy("public/blog/bundled/index.html", "chart.png");
    assert!(!is_lossless_webp(&site, &chart), "{chart}");
    assert_eq!(pixels(&site, &chart), (480, 305, false));
    let photo = first_copy("public/blog/photos/index.html", "landscape.jpg");
    assert!(!is_lossless_webp(&site, &photo), "{photo}");
}
