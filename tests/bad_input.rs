//! The bad-input matrix: small mutations of one good site (`tests/fixtures/bad-input`),
//! each run through the real binary. Every case says the exit code and every line
//! reported (`file:line:col: message`); none may panic or hang, a failed build leaves the
//! last good output as it was, and `check` reports what `build` does. Unix only: cases
//! make symbolic links and unreadable files.
#![cfg(unix)]

mod common;

use common::{Run, TestSite};
use std::path::Path;
use std::time::Duration;

/// One mutation of the good site and what inkpress must say about it.
struct Case {
    name: &'static str,
    mutate: fn(&TestSite),
    /// Arguments after `--root SITE`.
    args: &'static [&'static str],
    status: i32,
    /// The first line of every error and warning, without `error: ` / `warning: `, in order.
    reports: &'static [&'static str],
    /// Further checks of the site or the run, for cases where success is the point.
    then: fn(&TestSite, &Run),
}

const BUILD: &[&str] = &["build"];
const CHECK: &[&str] = &["check"];

fn nothing_more(_: &TestSite, _: &Run) {}

fn post(site: &TestSite, text: &str) {
    site.write("content/blog/x.md", text);
}

/// The site's `inkpress.toml` with `tables` after its two lines.
fn config(site: &TestSite, tables: &str) {
    let good = site.read("inkpress.toml");
    site.write("inkpress.toml", &format!("{good}\n{tables}"));
}

fn write_bytes(site: &TestSite, rel: &str, bytes: &[u8]) {
    std::fs::write(site.path().join(rel), bytes).unwrap();
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Whether the tests run as root, for whom no file is unreadable: the unreadable-file
/// case then runs inkpress as `nobody`.
fn running_as_root() -> bool {
    let out = std::process::Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A file beside the site's folder, not in it: named after the site, so no other test
/// shares it.
fn outside_of(site: &TestSite) -> std::path::PathBuf {
    let name = site.path().file_name().unwrap().to_string_lossy();
    site.path().with_file_name(format!("{name}-outside.md"))
}

/// The peak resident memory of the largest child process this test waited for, in KiB.
fn largest_child_kib() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}

/// A file of the output, as text.
fn page(site: &TestSite, rel: &str) -> String {
    site.read(&format!("public/{rel}"))
}

const XSS: &str = "</title><script>alert(1)</script>";

const CASES: &[Case] = &[
    // Front matter syntax, at its line and column in the file.
    Case {
        name: "malformed YAML",
        mutate: |s| post(s, "---\ntitle: Rust: a love story\ndate: 2025-01-01\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:2:12: invalid YAML front matter: mapping values are not allowed in this context"],
        then: nothing_more,
    },
    Case {
        name: "malformed TOML",
        mutate: |s| post(s, "+++\ntitle = \"A\"\ndate = 2025-01-01\ntags = [\"a\"\n+++\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:5:1: invalid TOML front matter: invalid array"],
        then: nothing_more,
    },
    Case {
        name: "malformed JSON",
        mutate: |s| post(s, "{\n  \"title\": \"A\",\n  \"date\": 2025-01-01\n}\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:3:15: invalid JSON front matter: expected `,` or `}`"],
        then: nothing_more,
    },
    Case {
        name: "missing closing delimiter",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\n\nThe body.\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:1:1: the front matter opened with `---` is never closed"],
        then: nothing_more,
    },
    Case {
        name: "missing closing TOML delimiter",
        mutate: |s| post(s, "+++\ntitle = \"A\"\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:1:1: the front matter opened with `+++` is never closed"],
        then: nothing_more,
    },
    Case {
        name: "a byte order mark is read past, lines still count from the top",
        mutate: |s| {
            write_bytes(s, "content/blog/x.md", b"\xef\xbb\xbf---\ntitle: BOM\ndate: 2024-02-30\n---\nx\n")
        },
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:3:7: `date` is not a date: `2024-02-30` (February 2024 has 29 days)"],
        then: nothing_more,
    },
    Case {
        name: "a byte order mark alone is fine",
        mutate: |s| {
            write_bytes(s, "content/blog/x.md", b"\xef\xbb\xbf---\ntitle: BOM\ndate: 2024-02-03\n---\nx\n")
        },
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| assert!(page(s, "blog/x/index.html").contains("<h1 class=\"post-title\">BOM</h1>")),
    },
    Case {
        name: "CRLF line endings: built, and places counted as with LF",
        mutate: |s| {
            post(s, "---\r\ntitle: CRLF\r\ndate: 2025-01-01\r\ntags: [a, b]\r\n---\r\nText.\r\n\r\nSee [that](#nowhere).\r\n")
        },
        args: BUILD,
        status: 0,
        reports: &["content/blog/x.md:8:5: `#nowhere`: /blog/x/ has no element with id `nowhere`"],
        then: |s, _| {
            let html = page(s, "blog/x/index.html");
            assert!(html.contains("<h1 class=\"post-title\">CRLF</h1>"), "{html}");
            assert!(s.exists("public/tags/b/index.html"));
        },
    },
    Case {
        // Policy: every post and page starts with front matter (a title is needed).
        name: "no front matter",
        mutate: |s| post(s, "# Just Markdown\n\nText.\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:1:1: this file has no front matter"],
        then: nothing_more,
    },
    Case {
        name: "duplicate YAML key",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\ntitle: B\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:4:8: invalid YAML front matter: `title` is given twice"],
        then: nothing_more,
    },
    Case {
        name: "duplicate TOML key",
        mutate: |s| post(s, "+++\ntitle = \"A\"\ntitle = \"B\"\ndate = 2025-01-01\n+++\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:3:1: invalid TOML front matter: duplicate key `title` in document root"],
        then: nothing_more,
    },
    Case {
        name: "duplicate JSON key",
        mutate: |s| post(s, "---\n{\"title\": \"A\",\n \"date\": \"2025-01-01\",\n \"title\": \"B\"}\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:4:8: invalid JSON front matter: `title` is given twice"],
        then: nothing_more,
    },
    // Field values.
    Case {
        name: "draft: \"maybe\"",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\ndraft: \"maybe\"\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:4:8: `draft` must be true or false, found `maybe`"],
        then: nothing_more,
    },
    Case {
        name: "impossible dates and a bad lastmod, all in one run",
        mutate: |s| {
            post(s, "---\ntitle: A\ndate: 2024-02-30\n---\nx\n");
            s.write("content/blog/y.md", "---\ntitle: B\ndate: 2024-13-45\nlastmod: soon\n---\ny\n");
            s.write("content/blog/z.md", "---\ntitle: C\ndate: last tuesday\n---\nz\n");
        },
        args: BUILD,
        status: 1,
        reports: &[
            "content/blog/x.md:3:7: `date` is not a date: `2024-02-30` (February 2024 has 29 days)",
            "content/blog/y.md:3:7: `date` is not a date: `2024-13-45` (there is no month 13)",
            "content/blog/y.md:4:10: `lastmod` is not a date: `soon`",
            "content/blog/z.md:3:7: `date` is not a date: `last tuesday`",
        ],
        then: nothing_more,
    },
    Case {
        name: "tags as a table",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\ntags: {a: 1}\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:4:7: `tags` must be a list, found a table of fields"],
        then: nothing_more,
    },
    Case {
        name: "empty title",
        mutate: |s| post(s, "---\ntitle: \"\"\ndate: 2025-01-01\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:2:8: the title is empty"],
        then: nothing_more,
    },
    // Files.
    Case {
        name: "invalid UTF-8, at its byte",
        mutate: |s| write_bytes(s, "content/blog/x.md", b"---\ntitle: A\ndate: 2025-01-01\n---\nabc\xff\xfedef\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:5:4: the file is not UTF-8 text: byte 37 (0xff) is not valid UTF-8"],
        then: nothing_more,
    },
    Case {
        name: "empty file",
        mutate: |s| post(s, ""),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md:1:1: the file is empty"],
        then: nothing_more,
    },
    Case {
        // Policy: no size limit; memory stays a small multiple of the post (README).
        name: "a 50 MB post is built, in bounded memory, and feeds carry its summary",
        mutate: |s| {
            let paragraph = "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, sed do eiusmod tempor.\n\n";
            let body = paragraph.repeat(50 * 1024 * 1024 / paragraph.len());
            post(s, &format!("---\ntitle: Big\ndate: 2025-01-01\n---\n{body}## The end\n"));
        },
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| {
            let html = page(s, "blog/x/index.html");
            assert!(html.len() > 50_000_000, "{}", html.len());
            assert!(html.contains("id=\"the-end\""), "the page lost its end");
            for feed in ["atom.xml", "rss.xml"] {
                let text = page(s, feed);
                assert!(text.len() < 100_000, "{feed} carries the post whole: {} bytes", text.len());
                assert!(text.contains("Lorem ipsum dolor sit amet"), "{feed} has no summary:\n{text}");
            }
            // The largest child this test ran, the 50 MB build (every other case's site is
            // small): 310 MiB in a debug build, 15 times the post (758 MiB) before its
            // page was spliced, its HTML streamed and its feeds cut.
            let peak = largest_child_kib();
            assert!(peak < 7 * 50 * 1024, "peak {} MiB", peak / 1024);
        },
    },
    Case {
        // Policy: symbolic links are followed wherever they point.
        name: "a symlink out of the site is followed",
        mutate: |s| {
            let outside = outside_of(s);
            std::fs::write(&outside, "---\ntitle: From outside\ndate: 2025-01-01\n---\nShared.\n").unwrap();
            symlink(&outside, &s.path().join("content/blog/shared.md"));
        },
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| {
            assert!(page(s, "blog/shared/index.html").contains("Shared."));
            std::fs::remove_file(outside_of(s)).unwrap();
        },
    },
    Case {
        name: "a symlink loop",
        mutate: |s| symlink(Path::new(".."), &s.path().join("content/blog/up")),
        args: BUILD,
        status: 1,
        reports: &["content/blog/up: this link points at content, a folder it is in: a loop"],
        then: nothing_more,
    },
    Case {
        name: "a symlink to nothing, and a loop: both reported",
        mutate: |s| {
            symlink(Path::new("gone.md"), &s.path().join("content/blog/moved.md"));
            symlink(Path::new("../.."), &s.path().join("content/blog/up"));
        },
        args: BUILD,
        status: 1,
        reports: &[
            "content/blog/moved.md: this link points at nothing (its target was moved or deleted)",
            "content/blog/up: this link points at the site's folder, a folder it is in: a loop",
        ],
        then: nothing_more,
    },
    Case {
        // Run as `nobody` when the tests run as root (see `run_case`); `check`, which
        // writes nothing, so that nobody needs no right to write.
        name: "an unreadable file",
        mutate: |s| {
            post(s, "---\ntitle: A\ndate: 2025-01-01\n---\nx\n");
            let file = s.path().join("content/blog/x.md");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
        },
        args: CHECK,
        status: 1,
        reports: &["content/blog/x.md: could not read the file: Permission denied (os error 13)"],
        then: nothing_more,
    },
    Case {
        name: "editor temp files are ignored",
        mutate: |s| {
            for name in [".#first.md", "first.md~", ".first.md.swp", "4913", "#first.md#", ".~lock.first.md#"] {
                write_bytes(s, &format!("content/blog/{name}"), b"\xff not a post");
            }
        },
        args: BUILD,
        status: 0,
        reports: &[],
        then: |_, run| assert!(run.stdout.contains("built 2 posts"), "{}", run.stdout),
    },
    // Slugs and paths.
    Case {
        name: "unsafe slugs, each named",
        mutate: |s| {
            post(s, "---\ntitle: A\ndate: 2025-01-01\nslug: ../../x\n---\nx\n");
            s.write("content/blog/y.md", "---\ntitle: B\ndate: 2025-01-01\nslug: /etc/y\n---\ny\n");
            s.write("content/blog/z.md", "---\ntitle: C\ndate: 2025-01-01\nslug: a\\b\n---\nz\n");
            s.write("content/blog/n.md", "---\ntitle: D\ndate: 2025-01-01\nslug: \"a\\0b\"\n---\nn\n");
            s.write("content/blog/e.md", "---\ntitle: E\ndate: 2025-01-01\nslug: \"\"\n---\ne\n");
        },
        args: BUILD,
        status: 1,
        reports: &[
            "content/blog/e.md:4:7: the slug is empty",
            "content/blog/n.md:4:7: `slug` `a\\0b` is not a safe URL path",
            "content/blog/x.md:4:7: `slug` `../../x` is not a safe URL path",
            "content/blog/y.md:4:7: `slug` `/etc/y` is not a safe URL path",
            "content/blog/z.md:4:7: `slug` `a\\b` is not a safe URL path",
        ],
        then: nothing_more,
    },
    Case {
        name: "two posts with one slug",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\nslug: first\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md: this file and content/blog/first.md both want the URL /blog/first/"],
        then: nothing_more,
    },
    Case {
        name: "Post.md and post.md",
        mutate: |s| s.write("content/blog/First.md", "---\ntitle: A\ndate: 2025-01-01\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/first.md: this file and content/blog/First.md want URLs that differ only in case, /blog/first/ and /blog/First/: one folder on macOS and Windows"],
        then: nothing_more,
    },
    Case {
        name: "an alias that shadows a real page",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\naliases: [/about/]\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/about.md: this file and content/blog/x.md both want the URL /about/"],
        then: nothing_more,
    },
    Case {
        name: "an alias that shadows a generated page",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\naliases: [/tags/alpha/]\n---\nx\n"),
        args: BUILD,
        status: 1,
        reports: &["content/blog/x.md: the alias /tags/alpha/ would replace a page inkpress generates there"],
        then: nothing_more,
    },
    Case {
        name: "a tag of symbols only still gets a page of its own",
        mutate: |s| post(s, "---\ntitle: \"!!!\"\ndate: 2025-01-01\ntags: [\"!!!\", \"🙂\"]\n---\nx\n"),
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| {
            assert!(s.exists("public/tags/tag-21-21-21/index.html"));
            assert!(s.exists("public/tags/tag-1f642/index.html"));
        },
    },
    Case {
        // Titles are not in paths (file names are): a long one is shown whole.
        name: "a 300-character title",
        mutate: |s| post(s, &format!("---\ntitle: {}\ndate: 2025-01-01\n---\nx\n", "é".repeat(300))),
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| assert!(page(s, "blog/x/index.html").contains(&"é".repeat(300))),
    },
    // Templates.
    Case {
        name: "template syntax error",
        mutate: |s| s.write("templates/post.html", "<h1>{{ post.title }</h1>\n"),
        args: BUILD,
        status: 1,
        reports: &["templates/post.html:1:19: template error: Failed to parse 'post.html': expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)"],
        then: nothing_more,
    },
    Case {
        name: "a missing variable names the page being made",
        mutate: |s| s.write("templates/post.html", "<h1>{{ post.title }}</h1>\n<p>{{ post.nope }}</p>\n"),
        args: BUILD,
        status: 1,
        reports: &["templates/post.html: template error: Failed to render 'post.html': Variable `post.nope` not found in context while rendering 'post.html', while making /blog/first/ and 1 more page"],
        then: nothing_more,
    },
    Case {
        name: "a layout that names no template",
        mutate: |s| post(s, "---\ntitle: A\ndate: 2025-01-01\nlayout: wide\n---\nx\n"),
        args: BUILD,
        status: 0,
        reports: &["content/blog/x.md: `layout: wide` names no template (there is no templates/wide.html); post.html is used"],
        then: nothing_more,
    },
    // Escaping.
    Case {
        name: "markup in title, tag, summary and author is escaped everywhere",
        mutate: |s| {
            post(s, &format!("---\ntitle: \"{XSS}\"\ndate: 2025-01-01\ntags: [\"{XSS}\"]\nsummary: \"{XSS}\"\nauthors: [\"{XSS}\"]\n---\nx\n"))
        },
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| {
            for file in s.files("public") {
                let text = s.read(&format!("public/{file}"));
                assert!(!text.contains("<script>alert"), "{file}: {text}");
            }
            assert!(page(s, "blog/x/index.html").contains("&lt;&#x2F;title&gt;&lt;script&gt;") || page(s, "blog/x/index.html").contains("&lt;/title&gt;&lt;script&gt;"));
        },
    },
    Case {
        name: "javascript: URLs in front matter link fields",
        mutate: |s| {
            post(s, "---\ntitle: A\ndate: 2025-01-01\nimages: [\"javascript:alert(1)\"]\ncanonicalUrl: \"JavaScript:alert(1)\"\naliases: [\"javascript:alert(1)\"]\n---\nx\n")
        },
        args: BUILD,
        status: 1,
        reports: &[
            "content/blog/x.md:4:9: `images` holds a `javascript:` URL, which inkpress does not link to",
            "content/blog/x.md:5:15: `canonicalUrl` holds a `javascript:` URL, which inkpress does not link to",
            "content/blog/x.md:6:10: `javascript:alert(1)` is not a path on this site",
        ],
        then: nothing_more,
    },
    Case {
        name: "javascript: URLs in an author's profile and a page's projects",
        mutate: |s| {
            s.write("content/authors/jo.md", "---\nname: Jo\navatar: \"javascript:alert(1)\"\nlinks:\n  - {name: Mail, url: \"mailto:jo@example.org\"}\n  - {name: Bad, url: \"javascript:alert(2)\"}\n---\nJo.\n");
            s.write("content/work.md", "---\ntitle: Work\nprojects:\n  - {title: A, url: \"javascript:alert(3)\", image: \"data:image/png;base64,AA\"}\n  - {title: B, url: \"https://example.org/b\", image: /images/b.png}\n---\nx\n");
        },
        args: BUILD,
        status: 1,
        reports: &[
            "content/authors/jo.md:3:9: `avatar` holds a `javascript:` URL, which inkpress does not link to",
            "content/authors/jo.md:4:1: `links` holds a `javascript:` URL, which inkpress does not link to",
            "content/work.md:3:1: `projects` holds a `data:` URL, which inkpress does not link to",
            "content/work.md:3:1: `projects` holds a `javascript:` URL, which inkpress does not link to",
        ],
        then: nothing_more,
    },
    // Output folders: refused before anything is written or deleted.
    Case {
        name: "--output at the site's root",
        mutate: |_| {},
        args: &["build", "--output", "."],
        status: 1,
        reports: &["refusing to write the site here: it is the site's root folder or contains it"],
        then: nothing_more,
    },
    Case {
        name: "--output in content/, templates/ and static/, or a file",
        mutate: |s| {
            s.write("templates/keep.html", "kept");
            s.write("static/keep.txt", "kept");
        },
        args: &["build", "--output", "static"],
        status: 1,
        reports: &["refusing to write the site here: it is inside static/"],
        then: |s, _| {
            assert_eq!(s.read("static/keep.txt"), "kept");
            for (out, why) in [("content/blog", "inside content/"), ("templates", "inside templates/"), ("inkpress.toml", "a file")] {
                let run = s.run(&["build", "--output", out]);
                assert_eq!(run.status, 1, "{out}: {}", run.stderr);
                assert!(run.stderr.contains(&format!("refusing to write the site here: it is {why}")), "{}", run.stderr);
            }
            assert_eq!(s.read("templates/keep.html"), "kept");
            assert!(s.exists("content/blog/first.md"));
        },
    },
    Case {
        name: "an output folder that cannot be made",
        mutate: |_| {},
        args: &["build", "--output", "/proc/inkpress-bad-input"],
        status: 1,
        reports: &["/proc/.inkpress-bad-input.inkpress-new-"],
        then: nothing_more,
    },
    // inkpress.toml: each wrong value at its line and column, all of a table at once.
    Case {
        name: "wrong [permalinks] patterns",
        mutate: |s| config(s, "[permalinks]\nposts = \"/{year}/\"\ntags = \"/tags/{slug}/x/\"\n"),
        args: BUILD,
        status: 1,
        reports: &[
            "inkpress.toml:6:9: [permalinks] posts: the pattern `/{year}/` needs {slug}, or two posts would share a URL",
            "inkpress.toml:7:8: [permalinks] tags: the tag pattern `/tags/{slug}/x/` must be a folder then {slug}, such as /tags/{slug}/",
        ],
        then: nothing_more,
    },
    Case {
        name: "wrong [redirects]",
        mutate: |s| {
            config(s, "[redirects]\n\"/a/../b/\" = \"/blog/\"\n\"/old/\" = \"blog/\"\n\"/feed.xml\" = \"/blog/\"\n")
        },
        args: BUILD,
        status: 1,
        reports: &[
            "inkpress.toml:6:1: [redirects] \"/a/../b/\" is not a path on this site",
            "inkpress.toml:8:15: [redirects] \"/feed.xml\" = \"/blog/\": an old feed can only lead to a feed of this site",
            "inkpress.toml:7:11: [redirects] \"/old/\" = \"blog/\": the new URL must start with / or http(s)://",
        ],
        then: nothing_more,
    },
    Case {
        name: "an old feed URL leading to a feed the site does not write",
        mutate: |s| config(s, "[redirects]\n\"/posts/index.xml\" = \"/index.xml\"\n\"/rss.xml\" = \"/atom.xml\"\n"),
        args: BUILD,
        status: 1,
        reports: &[
            "inkpress.toml:6:1: [redirects] /posts/index.xml = /index.xml: this site writes no feed /index.xml",
            "inkpress.toml:7:1: [redirects] /rss.xml is a feed this site writes itself",
        ],
        then: nothing_more,
    },
    Case {
        name: "an old feed URL leading to a feed is that feed",
        mutate: |s| config(s, "[redirects]\n\"/posts/index.xml\" = \"/atom.xml\"\n"),
        args: BUILD,
        status: 0,
        reports: &[],
        then: |s, _| {
            let feed = page(s, "posts/index.xml");
            assert!(feed.contains("<feed") && feed.contains("href=\"https://example.com/posts/index.xml\""), "{feed}");
        },
    },
    // The site's folders.
    Case {
        name: "no content/ folder",
        mutate: |s| std::fs::remove_dir_all(s.path().join("content")).unwrap(),
        args: BUILD,
        status: 1,
        reports: &["content: there is no content/ folder here"],
        then: nothing_more,
    },
    Case {
        // Policy: every key of inkpress.toml has a default.
        name: "no inkpress.toml",
        mutate: |s| s.remove("inkpress.toml"),
        args: BUILD,
        status: 0,
        reports: &[],
        then: nothing_more,
    },
    Case {
        name: "no site folder at all, and none made",
        mutate: |s| std::fs::remove_dir_all(s.path()).unwrap(),
        args: BUILD,
        status: 1,
        reports: &[": there is no such folder"],
        then: |s, _| assert!(!s.path().exists()),
    },
];

/// The first line of every error and warning, as `file:line:col: message`. Paths outside
/// the site are shown relative to it.
fn reported(stderr: &str, site: &Path) -> Vec<String> {
    let root = format!("{}/", site.display());
    stderr
        .lines()
        .filter_map(|l| {
            l.strip_prefix("error: ")
                .or_else(|| l.strip_prefix("warning: "))
        })
        .map(|l| l.split(" (hint:").next().unwrap().replace(&root, ""))
        .collect()
}

fn run_case(case: &Case) -> Result<(), String> {
    let site = TestSite::fixture("bad-input");
    site.build(&[]).assert_ok();
    let before = site.snapshot("public");
    (case.mutate)(&site);
    let user = (case.name == "an unreadable file" && running_as_root()).then_some("nobody");
    if user.is_some() {
        use std::os::unix::fs::PermissionsExt;
        let open = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(site.path(), open).unwrap();
    }
    let limit = Duration::from_secs(120);
    let run = site.run_within(case.args, user, limit);
    let mut problems = Vec::new();
    if run.stderr.contains("panicked") {
        problems.push("panicked".to_owned());
    }
    if run.status != case.status {
        problems.push(format!("exit {} instead of {}", run.status, case.status));
    }
    let reports = reported(&run.stderr, site.path());
    let matches = reports.len() == case.reports.len()
        && reports.iter().zip(case.reports).all(|(got, want)| {
            if want.starts_with('/') || want.starts_with("refusing") || want.starts_with(':') {
                got.contains(want)
            } else {
                got == want
            }
        });
    if !matches {
        problems.push(format!(
            "reported {reports:#?}\nexpected {:#?}",
            case.reports
        ));
    }
    if case.status != 0 && site.path().exists() && site.snapshot("public") != before {
        problems.push("the failed build changed the previous output".to_owned());
    }
    if site.path().exists() {
        let leftovers: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.contains("inkpress-new"))
            .collect();
        if !leftovers.is_empty() {
            problems.push(format!("left behind {leftovers:?}"));
        }
    }
    // `check` finds what `build` does (and is not re-run on huge or unwritable cases).
    if case.args == BUILD && case.status != 0 && site.path().exists() {
        let check = site.run_within(CHECK, None, limit);
        if check.status != 1 || reported(&check.stderr, site.path()) != reports {
            problems.push(format!("check said otherwise:\n{}", check.stderr));
        }
    }
    if problems.is_empty() {
        (case.then)(&site, &run);
        Ok(())
    } else {
        Err(format!(
            "{}:\n{}\nstderr:\n{}",
            case.name,
            problems.join("\n"),
            run.stderr
        ))
    }
}

#[test]
fn every_bad_input_is_reported_at_its_place_and_nothing_panics_hangs_or_is_lost() {
    let failures: Vec<String> = CASES.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}
