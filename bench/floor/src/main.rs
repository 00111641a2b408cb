//! The benchmark's floor: the work no blog generator can skip, and nothing else.
//!
//! `floor CONTENT_DIR OUT_DIR` reads every `*.md` file of CONTENT_DIR, drops its front
//! matter, renders the Markdown with pulldown-cmark, highlights fenced code with syntect's
//! class-based HTML generator (two-face's grammars, as inkpress uses), and writes one HTML
//! file per post into OUT_DIR, on all cores. No templates, lists, tags or feeds.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(out).expect("create the output folder");
    let posts: Vec<PathBuf> = std::fs::read_dir(content)
        .expect("read the content folder")
        .map(|e| e.expect("read a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    let syntaxes = two_face::syntax::extra_newlines();
    posts.par_iter().for_each(|p| render(p, out, &syntaxes));
    println!("{} posts", posts.len());
}

fn render(path: &Path, out: &Path, syntaxes: &SyntaxSet) {
    let text = std::fs::read_to_string(path).expect("read a post");
    // Front matter: everything up to the second `---` line.
    let body = text
        .split_once("\n---\n")
        .map_or(text.as_str(), |(_, body)| body);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let mut code: Option<(String, String)> = None;
    let events = Parser::new_ext(body, options).filter_map(|event| match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            let lang = match kind {
                CodeBlockKind::Fenced(info) => info.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            code = Some((lang, String::new()));
            None
        }
        Event::Text(t) if code.is_some() => {
            if let Some((_, c)) = code.as_mut() {
                c.push_str(&t);
            }
            None
        }
        Event::End(TagEnd::CodeBlock) => {
            let (lang, src) = code.take().unwrap_or_default();
            Some(Event::Html(CowStr::from(highlight(&lang, &src, syntaxes))))
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let name = path.file_stem().expect("a file name");
    std::fs::write(out.join(name).with_extension("html"), html).expect("write a page");
}

fn highlight(lang: &str, code: &str, syntaxes: &SyntaxSet) -> String {
    let syntax = syntaxes
        .find_syntax_by_token(lang)
        .unwrap_or_else(|| syntaxes.find_syntax_plain_text());
    let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, style);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .expect("highlight a line");
    }
    format!("<pre><code>{}</code></pre>\n", generator.finalize())
}
