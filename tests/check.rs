//! `inkpress check` and the link check in `build`, on `tests/fixtures/links`: every kind
//! of broken internal link, each reported at its place in the Markdown source.

mod common;

use common::TestSite;

/// `path:line:col: message` of every error line, in the order reported.
fn reported(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| {
            l.strip_prefix("error: ")
                .or_else(|| l.strip_prefix("warning: "))
        })
        .map(|l| l.split(" (hint:").next().unwrap().to_owned())
        .collect()
}

const BROKEN: &[&str] = &[
    "content/about.md:6:1: `contact/` points at /about/contact/, which the site does not have",
    "content/blog/broken.md:5:3: `/blog/no-such-post/` points at /blog/no-such-post/, which the site does not have",
    "content/blog/broken.md:5:45: `/blog/targte/` points at /blog/targte/, which the site does not have",
    "content/blog/broken.md:7:3: `../target/#second-headin`: /blog/target/ has no element with id `second-headin`",
    "content/blog/broken.md:7:48: `#nowhere`: /blog/broken/ has no element with id `nowhere`",
    "content/blog/broken.md:8:5: `/blog/secret/` links to a draft (content/blog/secret.md)",
    "content/blog/broken.md:10:11: `/static/images/missing.png` points at /images/missing.png, which the site does not have",
    "content/blog/broken.md:10:69: `/images/gone.png` points at /images/gone.png, which the site does not have",
];

#[test]
fn check_reports_every_broken_internal_link_at_its_place_sorted_by_file() {
    let site = TestSite::fixture("links");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    assert!(
        run.stderr.contains("help: did you mean /blog/target/?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean #second-heading?"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("public"));

    // The same links, fixed, pass; the draft's own broken link is not checked while it
    // is a draft.
    site.write(
        "content/blog/broken.md",
        "---\ntitle: Fixed\ndate: 2025-01-01\n---\n[Target](/blog/target/#second-heading), [top](#top-heading).\n\n## Top heading\n",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n<h2 id=\"team\">Team</h2>\n",
    );
    let run = site.run(&["check"]);
    run.assert_ok();
    // Built with --drafts, the draft is checked too.
    let run = site.run(&["check", "--drafts"]);
    assert_eq!(
        reported(&run.stderr),
        ["content/blog/secret.md:6:25: `/blog/secret-too/` points at /blog/secret-too/, which the site does not have"],
        "{}",
        run.stderr
    );
}

#[test]
fn build_warns_about_broken_links_and_fails_on_them_when_told_leaving_the_output_alone() {
    let site = TestSite::fixture("links");
    let config = site.read("inkpress.toml");
    // Warnings by default: the site is built, every problem named.
    site.write("inkpress.toml", &config.replace("links = \"error\"", ""));
    let run = site.build(&[]);
    run.assert_ok();
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    assert!(site.exists("public/blog/broken/index.html"));
    let before: Vec<(String, String)> = site
        .files("public")
        .into_iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read_to_string(site.path().join("public").join(&f)).unwrap_or_default(),
            )
        })
        .collect();

    // `links = "error"`: the build fails and the last good output stays as it was.
    site.write("inkpress.toml", &config);
    site.write(
        "content/blog/new.md",
        "---\ntitle: New\ndate: 2025-04-01\n---\nNew.\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(reported(&run.stderr), BROKEN, "{}", run.stderr);
    let after: Vec<(String, String)> = site
        .files("public")
        .into_iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read_to_string(site.path().join("public").join(&f)).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(before, after);
}
