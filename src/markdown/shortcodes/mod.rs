//! Shortcodes and Liquid tags of other generators, as HTML and Markdown: Hugo's
//! `{{< figure src=… >}}` and `{{% note %}}…{{% /note %}}`, Jekyll's `{% highlight rust %}`,
//! `{% post_url … %}` and `{% include … %}`, Zola's `{{ youtube(id=…) }}` and
//! `{% note() %}…{% end %}`. Figure, image, YouTube, gist, highlight, post_url, raw and
//! notes (admonitions) are written as what they show; any other is a warning, and its inner
//! text is kept. Nothing inside code (fenced, indented or inline) is touched.
//!
//! [`tags`] reads the tags; this module writes them out.

mod tags;

use super::rewrite::{line_column, own_block, BodyWarning, Edits, SourceMap};
use super::Prepared;
use crate::content::permalink::{Pattern, PostValues};
use crate::html::escape;
use std::ops::Range;
use tags::{closing_of, find_tags, is_closing, Args, Form, Tag};

/// Whether a body may hold a tag at all: most do not, and are not read for them.
pub fn may_have_tags(markdown: &str) -> bool {
    memchr::memmem::find(markdown.as_bytes(), b"{{").is_some()
        || memchr::memmem::find(markdown.as_bytes(), b"{%").is_some()
}

/// The body with every tag outside `code` (sorted byte ranges) written out; warnings
/// are at their places in `markdown`.
pub fn expand(markdown: &str, code: &[Range<usize>], posts: &Pattern) -> Prepared {
    let tags = find_tags(markdown, code);
    let mut expansion = Expansion {
        text: markdown,
        posts,
        edits: Edits::default(),
        warnings: Vec::new(),
        closed: Vec::new(),
    };
    let mut i = 0;
    while i < tags.len() {
        i = expansion.tag(&tags, i);
    }
    let Expansion {
        edits, warnings, ..
    } = expansion;
    let (markdown, map) = match edits.is_empty() {
        true => (markdown.to_owned(), SourceMap::default()),
        false => edits.apply(markdown),
    };
    Prepared {
        markdown,
        warnings,
        map,
    }
}

struct Expansion<'t> {
    text: &'t str,
    /// The site's post URL pattern, which Jekyll's `post_url` and `link` point into.
    posts: &'t Pattern,
    edits: Edits,
    warnings: Vec<BodyWarning>,
    /// The closing tags already written out with their opening ones.
    closed: Vec<usize>,
}

impl Expansion<'_> {
    /// Writes out the tag at `i` (and its closing tag); returns the index of the next tag.
    fn tag(&mut self, tags: &[Tag], i: usize) -> usize {
        let tag = &tags[i];
        let name = tag.name.to_ascii_lowercase();
        if tag.form == Form::Value {
            self.value(tag);
            return i + 1;
        }
        if tag.form == Form::Escaped {
            let written = self.source(tag);
            let shown = format!(
                "{}{}{}",
                &written[..3],
                &written[5..written.len() - 5],
                &written[written.len() - 3..]
            );
            self.edits.replace(tag.range.clone(), shown);
            return i + 1;
        }
        if self.closed.contains(&i) {
            return i + 1;
        }
        if is_closing(tag) {
            // A closing tag with no opening one: nothing to show.
            self.warn(
                tag,
                format!(
                    "`{}` closes a tag that was never opened: it is left out",
                    self.source(tag)
                ),
            );
            self.edits.blank(self.text, tag.range.clone());
            return i + 1;
        }
        let closer = tag.is_block.then(|| closing_of(tags, i)).flatten();
        self.closed.extend(closer);
        let inner = closer.map(|j| tag.range.end..tags[j].range.start);
        match (name.as_str(), inner) {
            ("highlight", Some(inner)) => {
                let j = closer.unwrap_or(i);
                self.highlight(tag, &tags[j], inner);
                return j + 1;
            }
            ("raw", Some(_)) => {
                let j = closer.unwrap_or(i);
                self.edits.replace(tag.range.clone(), "");
                self.edits.replace(tags[j].range.clone(), "");
                return j + 1;
            }
            ("figure", _) => self.block(tag, figure(&tag.args)),
            ("image" | "img", _) => match tag.args.get_or_nth("src", 0).or(tag.args.get("path")) {
                Some(src) => self.block(tag, image(src, &tag.args)),
                None => self.unknown(tag, "it names no `src`"),
            },
            ("youtube", _) => match tag.args.get_or_nth("id", 0) {
                Some(id) => self.block(tag, youtube(id, tag.args.get("title"))),
                None => self.unknown(tag, "it names no video `id`"),
            },
            ("gist", _) => match gist_url(&tag.args) {
                Some(url) => self.block(tag, gist(&url)),
                None => self.unknown(tag, "it names no gist"),
            },
            ("link", _) if tag.form == Form::Liquid => match tag.args.positional.first() {
                Some(path) => {
                    let url = link_url(path, self.posts);
                    self.edits.replace(tag.range.clone(), url);
                }
                None => self.unknown(tag, "it names no file"),
            },
            ("post_url", _) => match tag.args.positional.first() {
                Some(post) => {
                    let url = post_url(post, self.posts);
                    self.edits.replace(tag.range.clone(), url);
                }
                None => self.unknown(tag, "it names no post"),
            },
            (kind, Some(_)) if admonition(kind, &tag.args).is_some() => {
                let (class, title) = admonition(kind, &tag.args).unwrap_or_default();
                let open = super::alerts::opening(class, &escape(&title)).replace('\n', "");
                self.block(tag, open);
                if let Some(j) = closer {
                    self.block(&tags[j], super::alerts::CLOSING.trim_end().to_owned());
                }
            }
            (_, inner) => {
                let keeps = if inner.is_some() {
                    "its inner text is kept"
                } else {
                    "it is left out"
                };
                self.unknown(tag, keeps);
                if let Some(j) = closer {
                    self.edits.blank(self.text, tags[j].range.clone());
                }
            }
        }
        i + 1
    }

    fn source(&self, tag: &Tag) -> &str {
        &self.text[tag.range.clone()]
    }

    fn warn(&mut self, tag: &Tag, message: String) {
        self.warnings.push(BodyWarning {
            at: line_column(self.text, tag.range.start),
            message,
        });
    }

    fn unknown(&mut self, tag: &Tag, what_happens: &str) {
        let message = format!(
            "`{}` is a shortcode inkpress does not know: {what_happens} (write the HTML it stands for instead)",
            self.source(tag)
        );
        self.warn(tag, message);
        self.edits.blank(self.text, tag.range.clone());
    }

    /// `{{ site.baseurl }}` is the site's root, which root-relative links get anyway.
    fn value(&mut self, tag: &Tag) {
        if !matches!(
            tag.name,
            "site.baseurl" | "site.url" | "base_url" | "config.base_url"
        ) {
            let message = format!(
                "`{}` is a template value, which a post's text cannot use in inkpress: it is left out",
                self.source(tag)
            );
            self.warn(tag, message);
        }
        self.edits.blank(self.text, tag.range.clone());
    }

    /// HTML for a tag: a block of its own when the tag stands alone on its line.
    fn block(&mut self, tag: &Tag, html: String) {
        let line_start = self.text[..tag.range.start]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line_end = self.text[tag.range.end..]
            .find('\n')
            .map_or(self.text.len(), |i| tag.range.end + i);
        let alone = self.text[line_start..tag.range.start].trim().is_empty()
            && self.text[tag.range.end..line_end].trim().is_empty();
        let with = match alone {
            true => own_block(&html),
            false => html,
        };
        self.edits.replace(tag.range.clone(), with);
    }

    /// `{% highlight rust linenos %}…{% endhighlight %}` as a fenced code block.
    fn highlight(&mut self, open: &Tag, close: &Tag, inner: Range<usize>) {
        let code = &self.text[inner.clone()];
        let language = open.args.positional.first().map_or("", String::as_str);
        let mut info = language.to_owned();
        let options = open
            .args
            .positional
            .iter()
            .skip(1)
            .map(|o| (o.as_str(), ""));
        let named = open
            .args
            .named
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        for (key, value) in options.chain(named) {
            // Hugo writes its options as one string: "linenos=table,hl_lines=8 15-17".
            for option in key.split(',') {
                let (key, value) = option.split_once('=').unwrap_or((option, value));
                match key {
                    "linenos" if value != "false" => info.push_str(" linenos"),
                    "hl_lines" => info.push_str(&format!(
                        " hl_lines=\"{}\"",
                        value.trim_matches(['[', ']']).replace(',', " ")
                    )),
                    _ => {}
                }
            }
        }
        let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest_run.max(2) + 1);
        let before = if self.text[..open.range.start].ends_with('\n') || open.range.start == 0 {
            ""
        } else {
            "\n"
        };
        let after_code = if code.ends_with('\n') { "" } else { "\n" };
        self.edits
            .replace(open.range.clone(), format!("{before}{fence}{info}"));
        self.edits
            .replace(close.range.clone(), format!("{after_code}{fence}"));
    }
}

/// An admonition's alert class and title: `{{% note %}}`, `{{< admonition type="tip" >}}`.
fn admonition(kind: &str, args: &Args) -> Option<(&'static str, String)> {
    let kind = match kind {
        "admonition" | "callout" | "alert" => args.get_or_nth("type", 0).unwrap_or("note"),
        other => other,
    };
    let (class, title) = match kind.to_ascii_lowercase().as_str() {
        "note" | "info" | "notice" => ("note", "Note"),
        "tip" | "hint" | "success" => ("tip", "Tip"),
        "important" => ("important", "Important"),
        "warning" | "warn" => ("warning", "Warning"),
        "caution" | "danger" | "error" => ("caution", "Caution"),
        _ => return None,
    };
    let title = args.get("title").unwrap_or(title).to_owned();
    Some((class, title))
}

fn attribute(name: &str, value: Option<&str>) -> String {
    value.map_or(String::new(), |v| format!(" {name}=\"{}\"", escape(v)))
}

fn image(src: &str, args: &Args) -> String {
    format!(
        "<img src=\"{}\"{}{}{}{}>",
        escape(src),
        attribute("alt", args.get("alt").or(args.get("caption"))),
        attribute("title", args.get("title")),
        attribute("width", args.get("width")),
        attribute("height", args.get("height")),
    )
}

/// Hugo's figure: an image, a link around it, a caption under it.
fn figure(args: &Args) -> String {
    let src = args.get_or_nth("src", 0).unwrap_or("");
    let mut img = image(src, args);
    if let Some(link) = args.get("link") {
        img = format!("<a href=\"{}\">{img}</a>", escape(link));
    }
    let caption = match (args.get("title"), args.get("caption")) {
        (None, None) => String::new(),
        (title, caption) => {
            let parts: Vec<String> = title.into_iter().chain(caption).map(escape).collect();
            format!("<figcaption>{}</figcaption>", parts.join(" "))
        }
    };
    format!(
        "<figure{}>{img}{caption}</figure>",
        attribute("class", args.get("class"))
    )
}

fn youtube(id: &str, title: Option<&str>) -> String {
    format!(
        "<div class=\"video\"><iframe src=\"https://www.youtube-nocookie.com/embed/{}\" title=\"{}\" loading=\"lazy\" allowfullscreen></iframe></div>",
        escape(id),
        escape(title.unwrap_or("YouTube video"))
    )
}

/// A gist's address: Hugo `gist user id`, Jekyll `gist user/id`, Zola `gist(url=…)`.
fn gist_url(args: &Args) -> Option<String> {
    if let Some(url) = args.get("url") {
        return Some(url.trim_end_matches(".js").to_owned());
    }
    let path = match args.positional.as_slice() {
        [user, id, ..] if !user.contains('/') => format!("{user}/{id}"),
        [path, ..] => path.clone(),
        [] => return None,
    };
    Some(format!("https://gist.github.com/{path}"))
}

fn gist(url: &str) -> String {
    let url = escape(url);
    format!("<div class=\"gist\"><script src=\"{url}.js\"></script><noscript><a href=\"{url}\">{url}</a></noscript></div>")
}

/// Jekyll's `post_url 2019-05-04-title`: the post's address here, by the site's post
/// pattern (`/blog/title/` by default), from the date and slug the name gives.
fn post_url(post: &str, posts: &Pattern) -> String {
    let name = post.rsplit('/').next().unwrap_or(post);
    let stem = crate::content::discover::without_jekyll_date(name);
    let slug = crate::content::slug::path_segment(stem);
    let date = crate::content::date::jekyll_date(std::path::Path::new(name));
    let path = posts.post_path(&PostValues {
        slug: &slug,
        date,
        categories: &[],
    });
    format!("/{path}")
}

/// Jekyll's `link _posts/2019-05-04-title.md` or `link about.md`: that file's address here.
fn link_url(path: &str, posts: &Pattern) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    if path.contains("_posts/") {
        return post_url(stem, posts);
    }
    let folder = path[..path.len() - file.len()].trim_matches('/');
    let page = crate::content::slug::path_segment(stem);
    match (folder.is_empty(), stem == "index") {
        (true, true) => "/".to_owned(),
        (true, false) => format!("/{page}/"),
        (false, true) => format!("/{folder}/"),
        (false, false) => format!("/{folder}/{page}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_posts() -> Pattern {
        crate::content::permalink::Permalinks::default().posts
    }

    fn expand_all(text: &str) -> (String, Vec<BodyWarning>) {
        let expanded = expand(text, &[], &default_posts());
        (expanded.markdown, expanded.warnings)
    }

    #[test]
    fn hugo_figure_youtube_and_note() {
        let (out, warnings) = expand_all(
            "{{< figure src=\"/img/a.png\" alt=\"A\" caption=\"Sea\" >}}\n\nWatch {{< youtube dQw4w9WgXcQ >}} now.\n\n{{% note %}}\nMind *this*.\n{{% /note %}}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            out.starts_with("<!-- --><figure><img src=\"/img/a.png\" alt=\"A\"><figcaption>Sea</figcaption></figure>\n"),
            "{out}"
        );
        assert!(out.contains("Watch <div class=\"video\"><iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""), "{out}");
        assert!(
            out.contains("<!-- --><div class=\"alert alert-note\" role=\"note\"><p class=\"alert-title\">Note</p>\nMind *this*.\n<!-- --></div>\n"),
            "{out}"
        );
    }

    #[test]
    fn post_url_follows_the_post_pattern() {
        let jekyll = Pattern::posts("/{year}/{month}/{day}/{slug}.html").unwrap();
        let text = "[Old]({% post_url 2019-05-04-hello-world %}) [L]({% link _posts/2019-05-04-hello-world.md %})\n";
        let Prepared {
            markdown: out,
            warnings,
            ..
        } = expand(text, &[], &jekyll);
        assert_eq!(
            out,
            "[Old](/2019/05/04/hello-world.html) [L](/2019/05/04/hello-world.html)\n"
        );
        assert!(warnings.is_empty());
    }

    #[test]
    fn jekyll_highlight_post_url_and_raw() {
        let (out, warnings) = expand_all(
            "{% highlight rust linenos %}\nfn main() {{ x }}\n{% endhighlight %}\n\n[Old]({% post_url 2019-05-04-hello-world %})\n\n{% raw %}{{ kept }}{% endraw %}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            out.starts_with("```rust linenos\nfn main() {{ x }}\n```\n"),
            "{out}"
        );
        assert!(out.contains("[Old](/blog/hello-world/)"), "{out}");
        assert!(out.contains("\n{{ kept }}\n"), "{out}");
    }

    #[test]
    fn hugo_highlight_options_string() {
        let (out, _) = expand_all(
            "{{< highlight go \"linenos=table,hl_lines=2 3\" >}}\na\nb\nc\n{{< /highlight >}}\n",
        );
        assert!(
            out.starts_with("```go linenos hl_lines=\"2 3\"\na\n"),
            "{out}"
        );
    }

    #[test]
    fn zola_shortcodes() {
        let (out, warnings) = expand_all(
            "{{ youtube(id=\"abc\") }}\n\n{% note(title=\"Heads up\") %}\nBody\n{% end %}\n\n{{ chart(data=1) }}\n",
        );
        assert!(out.contains("embed/abc"), "{out}");
        assert!(
            out.contains("<p class=\"alert-title\">Heads up</p>"),
            "{out}"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].at, (7, 1));
        assert!(!out.contains("{{"), "{out}");
    }

    #[test]
    fn unknown_tags_keep_their_inner_text_and_are_warned_about() {
        let (out, warnings) = expand_all(
            "Intro\n{% include toc.html %}\n{{< details summary=\"x\" >}}\nInside\n{{< /details >}}\n{{ page.title }}\n",
        );
        assert_eq!(out, "Intro\n\n\nInside\n\n\n", "{out}");
        let at: Vec<_> = warnings.iter().map(|w| w.at).collect();
        assert_eq!(at, [(2, 1), (3, 1), (6, 1)]);
        assert!(
            warnings[0].message.contains("{% include toc.html %}"),
            "{warnings:?}"
        );
    }

    #[test]
    fn jekyll_links_and_hugo_escaped_shortcodes() {
        let text = "[a]({% link _posts/2019-05-04-hello.md %}) [b]({% link about.md %})\n\n`{{</* figure src=\"x\" */>}}`\n";
        let in_code = [0..3, 69..97];
        let Prepared {
            markdown: out,
            warnings,
            ..
        } = expand(text, &in_code, &default_posts());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            out,
            "[a](/blog/hello/) [b](/about/)\n\n`{{< figure src=\"x\" >}}`\n"
        );
    }

    #[test]
    fn tags_in_code_are_left_alone() {
        let text = "Use `{{< figure >}}`.\n";
        let code = vec![4..20, 30..40];
        assert_eq!(expand(text, &code, &default_posts()).markdown, text);
    }
}
