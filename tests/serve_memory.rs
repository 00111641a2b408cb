//! What `inkpress serve` holds in memory at scale: a generated 2,000-post site, whose
//! pages, bodies' HTML and sources' texts a session keeps in its spool (an unnamed file in
//! `.inkpress-cache/`), not in the process. Linux only: the figures are read from /proc.

#![cfg(target_os = "linux")]

mod common;

use common::serve::{request, spawn};
use common::TestSite;
use std::time::{Duration, Instant};

const POSTS: usize = 2_000;

/// The resident memory `serve` may hold after its first build of the site. Keeping pages,
/// bodies and texts in memory, it held 204 MiB (186 with a release build); keeping them
/// in the spool, about 55.
const BOUND_MIB: u64 = 120;

/// A post of about 16 KB of Markdown: paragraphs, headings, a list and a table, so that
/// its page is as big as a real long post's.
fn post(i: usize) -> String {
    let mut body = String::new();
    for section in 0..6 {
        body.push_str(&format!("\n## Part {section} of post {i}\n\n"));
        for p in 0..8 {
            body.push_str(&format!(
                "Paragraph {p} of part {section} in post number {i} says something about \
                 caching, memory and the page cache, with *emphasis*, `code` and a \
                 [link to the first post](/blog/post-0/). It goes on for a while, as \
                 writers' paragraphs do, so that the page it makes is a real page's \
                 size and not a toy's.\n\n"
            ));
        }
        body.push_str("- one point\n- another point\n- a last point\n\n");
        body.push_str("| a | b |\n|---|---|\n| 1 | 2 |\n\n");
    }
    format!(
        "---\ntitle: Post {i}\ndate: 2024-{:02}-{:02}\ntags: [t{}, t{}]\n---\n{body}",
        i % 12 + 1,
        i % 28 + 1,
        i % 40,
        i % 7
    )
}

/// A field of /proc/PID/status, in KiB.
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn serve_holds_a_2000_post_site_in_a_bounded_memory() {
    let site = TestSite::empty();
    site.write("inkpress.toml", "[search]\nenabled = false\n");
    let mut source_bytes = 0;
    for i in 0..POSTS {
        let text = post(i);
        source_bytes += text.len();
        site.write(&format!("content/blog/post-{i}.md"), &text);
    }
    let (mut child, lines) = spawn(&site, &[]);
    let pid = child.id();
    // Every wait is bounded; the server is killed whatever happens.
    let measured = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let deadline = Instant::now() + Duration::from_secs(300);
        let (mut url, mut built) = (None, false);
        while url.is_none() || !built {
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("serve built the site and printed its URL within 300 s");
            let line = lines.recv_timeout(left).expect("serve stopped early");
            if let Some(rest) = line.strip_prefix("serving http://") {
                url = Some(rest.split('/').next().unwrap().to_owned());
            }
            built |= line.starts_with(&format!("built {POSTS} posts"));
        }
        // The last build's values are freed on a thread of their own.
        std::thread::sleep(Duration::from_millis(500));
        let rss = status_kib(pid, "VmRSS:") / 1024;
        let addr = url.unwrap().parse().unwrap();
        let page = request(addr, "GET /blog/post-1234/ HTTP/1.1");
        (rss, page)
    }));
    let _ = child.kill();
    let _ = child.wait();
    let (rss, page) = measured.unwrap_or_else(|e| std::panic::resume_unwind(e));
    eprintln!("serve holds {rss} MiB after its first build of {POSTS} posts");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Paragraph 7 of part 5 in post number 1234"),
        "{}",
        page.body
    );
    assert!(source_bytes > 25 << 20, "the site is smaller than meant");
    assert!(
        rss <= BOUND_MIB,
        "serve holds {rss} MiB after its first build of {POSTS} posts, over {BOUND_MIB} MiB"
    );
    // The spool is an unnamed file (tempfile names the ones it must link `.tmp…`):
    // nothing of it is left in the cache folder.
    let cache = site.path().join(".inkpress-cache");
    let left: Vec<String> = std::fs::read_dir(&cache)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !left.iter().any(|name| name.starts_with(".tmp")),
        "{left:?}"
    );
}
