//! What list pages hand their templates stays bounded as a blog grows: their own slice of
//! posts and a window of page links, never the whole post list or every page (which
//! grows with the square of the number of posts over all list pages).

mod common;
use common::TestSite;

#[test]
fn list_and_tag_pages_get_their_own_slice_and_a_window_of_page_links() {
    let site = TestSite::empty();
    site.write("inkpress.toml", "posts_per_page = 2\n");
    for i in 0..60 {
        site.post(
            &format!("p{i:02}"),
            &format!(
                "title: Post {i}\ndate: 2020-01-{:02}\ntags: [t]",
                1 + i % 28
            ),
            "Body.",
        );
    }
    let probe = "posts={{ posts | length }} links={{ paginator.pages | length }} \
                 first={{ paginator.pages | first | get(key=\"number\") }}";
    site.write("templates/list.html", probe);
    site.write("templates/tag.html", probe);
    site.build(&[]).assert_ok();
    // 30 pages of 2: page 15 links 10..=20, page 1 links 1..=6.
    assert_eq!(
        site.read("public/blog/page/15/index.html"),
        "posts=2 links=11 first=10"
    );
    assert_eq!(
        site.read("public/blog/index.html"),
        "posts=2 links=6 first=1"
    );
    assert_eq!(
        site.read("public/tags/t/page/30/index.html"),
        "posts=2 links=6 first=25"
    );
}
