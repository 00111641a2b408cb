//! A one-off build's post pages, each rendered right after its Markdown.
//!
//! A one-off build loads posts without rendering their Markdown
//! ([`content::load_deferred`](crate::content::load_deferred)). Here each post's Markdown
//! becomes HTML, its page is rendered and handed to the destination (written to disk, by
//! `build`), and the HTML is dropped unless a feed carries the post whole. So only a few
//! posts' HTML is in memory at a time, not the whole site's (443 MB at 10,000 posts),
//! and pages are written while other posts are still being highlighted. Lists, tags and
//! feeds need only summaries, which stay.

use super::{base_context, post_page_values, send, Outcome, Templates};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::markdown::{MarkdownOptions, Rendered};
use crate::output::Destination;
use crate::site::Site;
use bytes::Bytes;
use rayon::prelude::*;

/// The post pages made here, for the rest of rendering to skip.
#[derive(Default)]
pub(super) struct Made {
    pub outcomes: Vec<Result<Outcome, Diagnostic>>,
    /// By post number.
    done: Vec<bool>,
}

impl Made {
    pub fn has(&self, post: usize) -> bool {
        self.done.get(post).copied().unwrap_or(false)
    }
}

/// Renders the Markdown and the page of every post whose Markdown waits, and leaves
/// each post's rendering in `site` (without its HTML, unless a feed needs it).
pub(super) fn render(
    site: &mut Site,
    config: &Config,
    templates: &Templates,
    markdown: &MarkdownOptions,
    dest: &dyn Destination,
) -> Made {
    let waiting: Vec<(usize, String)> = site
        .posts
        .iter_mut()
        .enumerate()
        .filter_map(|(i, doc)| Some((i, doc.markdown.take()?)))
        .collect();
    if waiting.is_empty() {
        return Made::default();
    }
    let carried = crate::feed::carried(site, config);
    let base = base_context(config);
    let site_now: &Site = site;
    let made: Vec<(usize, Rendered, Result<Outcome, Diagnostic>)> = waiting
        .into_par_iter()
        .map(|(i, body)| {
            // A copy of the document without content is cheap next to its Markdown.
            let mut doc = site_now.posts[i].clone();
            doc.markdown = Some(body);
            doc.render_markdown(markdown);
            let mut context = base.clone();
            let (path, template) =
                post_page_values(i, &doc, site_now, config, templates, &mut context);
            let outcome = templates
                .render(&template, &context)
                .and_then(|html| send(dest, path, Bytes::from(html)));
            let mut rendered = doc.rendered;
            if carried[i] != Some(true) {
                rendered.html = String::new();
            }
            (i, rendered, outcome)
        })
        .collect();
    let mut made_posts = Made {
        outcomes: Vec::with_capacity(made.len()),
        done: vec![false; site.posts.len()],
    };
    for (i, rendered, outcome) in made {
        site.posts[i].rendered = rendered;
        made_posts.done[i] = true;
        made_posts.outcomes.push(outcome);
    }
    made_posts
}

#[cfg(test)]
mod tests {
    use crate::build::{build, BuildOptions};
    use crate::config::{Config, Overrides};

    #[test]
    fn a_one_off_build_keeps_only_the_html_feeds_carry() {
        let tmp = tempfile::tempdir().unwrap();
        let blog = tmp.path().join("content/blog");
        std::fs::create_dir_all(&blog).unwrap();
        std::fs::write(tmp.path().join("inkpress.toml"), "[feeds]\nlimit = 1\n").unwrap();
        for day in 1..=3 {
            std::fs::write(
                blog.join(format!("p{day}.md")),
                format!("---\ntitle: P{day}\ndate: 2025-01-0{day}\n---\nFirst.\n\nBody {day}.\n"),
            )
            .unwrap();
        }
        let config = Config::load(tmp.path(), &Overrides::default()).unwrap();
        let built = build(&config, &BuildOptions::default()).unwrap();
        let posts: Vec<(&str, &str, &str)> = built
            .site
            .posts
            .iter()
            .map(|d| {
                let r = &d.rendered;
                (
                    d.meta.title.as_str(),
                    r.html.as_str(),
                    r.summary_html.as_str(),
                )
            })
            .collect();
        assert_eq!(
            posts,
            [
                ("P3", "<p>First.</p>\n<p>Body 3.</p>\n", "<p>First.</p>"),
                ("P2", "", "<p>First.</p>"),
                ("P1", "", "<p>First.</p>"),
            ]
        );
        assert!(built.site.posts.iter().all(|d| d.markdown.is_none()));
        let page = |p: &str| {
            let file = built.files.iter().find(|f| f.path == p).unwrap();
            String::from_utf8(file.bytes().unwrap().into_owned()).unwrap()
        };
        assert!(page("blog/p1/index.html").contains("<p>Body 1.</p>"));
    }
}
