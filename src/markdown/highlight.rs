//! Code highlighting with syntect: CSS classes in the HTML, one stylesheet for both schemes;
//! and what a fence asks for besides its language (title, numbered and marked lines).
//!
//! The grammars come from `two-face` (the set bat maintains): syntect's bundled ones are
//! years old and miss TypeScript, TOML, Dockerfile and modern Rust syntax.

use super::highlight_cache::HighlightCache;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::sync::OnceLock;
use syntect::highlighting::Theme;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedThemeName;

/// Class names carry a prefix so that they never collide with a theme's own CSS.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The grammar set (two-face's, with the Rust grammar brought up to date by `build.rs`),
/// loaded once per process on first use.
pub fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        syntect::dumps::from_uncompressed_data(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/syntaxes.packdump"
        )))
        .expect("the grammar dump is written by build.rs with this same syntect version")
    })
}

/// The language token of a fence's info string: `rust,ignore`, `ts {1,3}`, `js:title=a.js`.
/// A fence that starts with an option (`title="a"`, `showLineNumbers`) has no language.
pub fn language_token(info: &str) -> &str {
    let token = info
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | ':'))
        .next()
        .unwrap_or("");
    if token.contains('=') || line_numbers_flag(token) {
        ""
    } else {
        token
    }
}

/// What a fence asks for besides its language: `title="a.rs"` (or `:title=a.rs`),
/// `showLineNumbers` (or `linenos`), marked lines `{1,3-5}` (or `hl_lines="1 3-5"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceOptions {
    pub title: Option<String>,
    pub line_numbers: bool,
    /// Inclusive 1-based ranges of lines to mark.
    pub marked: Vec<(usize, usize)>,
}

fn line_numbers_flag(word: &str) -> bool {
    ["showlinenumbers", "linenos", "linenumbers", "numberlines"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

impl FenceOptions {
    /// The options of a fence's info string. Words it does not know are ignored, as
    /// other generators do (`rust,ignore`, `no_run`).
    pub fn parse(info: &str) -> FenceOptions {
        let mut options = FenceOptions::default();
        let lang = language_token(info);
        let mut rest = info.trim_start();
        rest = &rest[lang.len()..];
        let is_separator = |c: char| c.is_whitespace() || matches!(c, ',' | '{' | ':');
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ':'));
            if rest.is_empty() {
                break;
            }
            if let Some(inner) = rest.strip_prefix('{') {
                let end = inner.find('}').unwrap_or(inner.len());
                options.marked.extend(parse_ranges(&inner[..end]));
                rest = inner.get(end + 1..).unwrap_or("");
                continue;
            }
            let key_end = rest
                .find(|c: char| is_separator(c) || c == '=')
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = &rest[key_end..];
            let value = match rest.strip_prefix('=') {
                Some(after) => {
                    let (value, after) = crate::html::attribute_value(after, is_separator);
                    rest = after;
                    Some(value)
                }
                None => {
                    if key.is_empty() {
                        // A lone separator we do not skip (`{` is handled above).
                        rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
                    }
                    None
                }
            };
            match (key.to_ascii_lowercase().as_str(), value) {
                ("title", Some(v)) if !v.trim().is_empty() => options.title = Some(v.to_owned()),
                ("hl_lines" | "highlight" | "mark", Some(v)) => {
                    options.marked.extend(parse_ranges(v))
                }
                (k, None) if line_numbers_flag(k) => options.line_numbers = true,
                (k, Some(v)) if line_numbers_flag(k) => {
                    options.line_numbers = !matches!(v, "false" | "0" | "no")
                }
                _ => {}
            }
        }
        options
    }

    /// Whether the block is just its highlighted code.
    pub fn is_plain(&self) -> bool {
        self.title.is_none() && !self.line_numbers && self.marked.is_empty()
    }
}

/// `1,3-5` or `1 3-5`: numbers and ranges; anything else is skipped.
fn parse_ranges(text: &str) -> Vec<(usize, usize)> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|part| {
            let (a, b) = part.split_once('-').unwrap_or((part, part));
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a >= 1 && a <= b).then_some((a, b))
        })
        .collect()
}

fn find_syntax(token: &str) -> Option<&'static SyntaxReference> {
    if token.is_empty() {
        return None;
    }
    let set = syntax_set();
    let alias = match token.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" => "bash",
        "jsx" => "js",
        "docker" => "dockerfile",
        "yml" => "yaml",
        "golang" => "go",
        "py3" | "python3" => "py",
        "c++" => "cpp",
        "tf" | "terraform" => "hcl",
        _ => token,
    };
    set.find_syntax_by_token(alias)
        .or_else(|| set.find_syntax_by_token(&alias.to_ascii_lowercase()))
}

/// The HTML of one code block. Unknown or missing languages render as escaped plain code.
pub fn highlight_block(code: &str, info: &str) -> String {
    let token = language_token(info);
    let lang_attr = crate::html::escape(token);
    let mut out = String::with_capacity(code.len() * 3 + 64);
    match find_syntax(token).and_then(|syntax| classed_html(code, syntax)) {
        Some(html) => {
            out.push_str("<pre class=\"code\" data-lang=\"");
            out.push_str(&lang_attr);
            out.push_str("\"><code class=\"language-");
            out.push_str(&lang_attr);
            out.push_str("\">");
            out.push_str(&html);
        }
        None => {
            out.push_str("<pre class=\"code\"");
            if !token.is_empty() {
                out.push_str(" data-lang=\"");
                out.push_str(&lang_attr);
                out.push('"');
            }
            out.push_str("><code");
            if !token.is_empty() {
                out.push_str(" class=\"language-");
                out.push_str(&lang_attr);
                out.push('"');
            }
            out.push('>');
            pulldown_cmark_escape::escape_html_body_text(&mut out, code)
                .expect("writing to a String cannot fail");
        }
    }
    out.push_str("</code></pre>\n");
    out
}

fn classed_html(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let mut generator =
        ClassedHTMLGenerator::new_with_class_style(syntax, syntax_set(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code: a light theme and a dark one. Each applies when
/// the reader chose it (`data-theme` on `<html>`, set by the theme's switch), else when the
/// system asks for it (`prefers-color-scheme`); each is scoped so that no rule of the
/// other scheme leaks into it. Coldark's two themes are made for WCAG AA contrast (4.5:1)
/// on backgrounds like the default theme's; InspiredGitHub's greens, blues and greys fell
/// below it, which Lighthouse's accessibility audit counts against every page with code.
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    // The backgrounds of code blocks in static/css/inkpress.css (`--code-bg`); Coldark is
    // made for AA contrast, and `readable` makes sure of it on our backgrounds.
    let light = css_of(&readable(
        themes.get(EmbeddedThemeName::ColdarkCold),
        (0xf6, 0xf8, 0xfa),
    ));
    let dark = css_of(&readable(
        themes.get(EmbeddedThemeName::ColdarkDark),
        (0x11, 0x18, 0x27),
    ));
    format!(
        "/* Generated by inkpress from syntect themes: Coldark-Cold (light), Coldark-Dark (dark). */\n\
         {}{}@media (prefers-color-scheme: dark) {{\n{}}}\n@media not (prefers-color-scheme: dark) {{\n{}}}\n",
        scoped(&light, "html[data-theme=light]"),
        scoped(&dark, "html[data-theme=dark]"),
        scoped(&dark, "html:not([data-theme=light])"),
        scoped(&light, "html:not([data-theme=dark])"),
    )
}

/// `theme` with every colour that is too faint on `background` (under WCAG's 4.5:1 for
/// text) moved toward black or white until it is not: some of the themes' colours fail.
fn readable(theme: &Theme, background: (u8, u8, u8)) -> Theme {
    let mut theme = theme.clone();
    let bg = luminance(background);
    let toward = if bg > 0.5 { 0u8 } else { 255u8 };
    let fix = |c: &mut syntect::highlighting::Color| {
        for _ in 0..40 {
            let fg = luminance((c.r, c.g, c.b));
            let (hi, lo) = if fg > bg { (fg, bg) } else { (bg, fg) };
            if (hi + 0.05) / (lo + 0.05) >= 4.6 {
                break;
            }
            let step = |v: u8| (v as f64 + (toward as f64 - v as f64) * 0.1).round() as u8;
            (c.r, c.g, c.b) = (step(c.r), step(c.g), step(c.b));
        }
    };
    theme.settings.foreground.iter_mut().for_each(fix);
    for item in &mut theme.scopes {
        item.style.foreground.iter_mut().for_each(fix);
    }
    theme
}

/// WCAG's relative luminance of an sRGB colour.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn css_of(theme: &Theme) -> String {
    css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default()
}

/// `css` (syntect's: plain rules and comments, no at-rules) with every selector put under
/// `scope`, one compact rule a line.
fn scoped(css: &str, scope: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    without_comments.push_str(rest);
    let mut out = String::with_capacity(css.len());
    for rule in without_comments.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let body: Vec<&str> = body.split_whitespace().collect();
        out.push_str(&selectors.join(","));
        out.push('{');
        out.push_str(&body.join(" "));
        out.push_str("}\n");
    }
    out
}

/// Event adapter: replaces each fenced or indented code block with highlighted HTML,
/// taken from `cache` when it holds this block.
pub fn highlight_code<'a>(
    events: impl Iterator<Item = Event<'a>>,
    cache: Option<&'a HighlightCache>,
) -> impl Iterator<Item = Event<'a>> {
    let mut in_block: Option<(String, String)> = None;
    events.filter_map(move |event| match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            let info = match kind {
                CodeBlockKind::Fenced(info) => info.to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            in_block = Some((info, String::new()));
            None
        }
        Event::Text(text) if in_block.is_some() => {
            if let Some((_, code)) = in_block.as_mut() {
                code.push_str(&text);
            }
            None
        }
        Event::End(TagEnd::CodeBlock) => {
            let (info, code) = in_block.take().unwrap_or_default();
            // The cached HTML depends on the info string only through its language token;
            // the fence's other options are applied around it, so blocks that differ only
            // in them share the cached highlighting and never each other's options.
            let html = match cache {
                Some(cache) => cache.get_or_insert_with(language_token(&info), &code, || {
                    highlight_block(&code, &info)
                }),
                None => highlight_block(&code, &info),
            };
            let options = FenceOptions::parse(&info);
            let html = if options.is_plain() {
                html
            } else {
                with_options(html, &options)
            };
            Some(Event::Html(CowStr::from(html)))
        }
        other => Some(other),
    })
}

/// A block's HTML (as [`highlight_block`] makes it) with its fence's options: each line
/// in a `<span class="line">` (`marked` for marked lines) when numbers or marks are asked
/// for, and a title above the block.
pub fn with_options(html: String, options: &FenceOptions) -> String {
    let mut html = html;
    if options.line_numbers || !options.marked.is_empty() {
        html = split_lines(&html, options).unwrap_or(html);
    }
    match &options.title {
        Some(title) => format!(
            "<div class=\"code-block\"><div class=\"code-title\">{}</div>{}</div>\n",
            crate::html::escape(title),
            html.trim_end()
        ),
        None => html,
    }
}

/// The block with one `<span class="line">` per line of its code. syntect's spans run
/// across lines, so each line closes the spans still open at its end and opens them
/// again at the start of the next. `None` if the HTML is not a block of ours.
fn split_lines(html: &str, options: &FenceOptions) -> Option<String> {
    let rest = html.strip_prefix("<pre class=\"code\"")?;
    let code_start = rest.find("<code")?;
    let inner_start = code_start + rest[code_start..].find('>')? + 1;
    let inner_end = rest.rfind("</code></pre>")?;
    let inner = &rest[inner_start..inner_end];
    let lines = inner.matches('\n').count() + usize::from(!inner.ends_with('\n'));
    let mut out = String::with_capacity(html.len() + lines * 40 + 64);
    out.push_str("<pre class=\"code lines");
    if options.line_numbers {
        out.push_str(" numbered");
    }
    out.push('"');
    if options.line_numbers && lines >= 100 {
        // Room for the widest number.
        out.push_str(&format!(" style=\"--digits:{}\"", lines.to_string().len()));
    }
    out.push_str(&rest[..inner_start]);
    let mut open: Vec<&str> = Vec::new();
    let mut line = 0usize;
    let mut in_line = false;
    let mut text = inner;
    while !text.is_empty() {
        if text.starts_with("</") {
            let end = text.find('>')? + 1;
            open.pop();
            // Closed already, with the line before, when no line is open.
            if in_line {
                out.push_str(&text[..end]);
            }
            text = &text[end..];
            continue;
        }
        if !in_line {
            line += 1;
            let marked = options.marked.iter().any(|&(a, b)| (a..=b).contains(&line));
            out.push_str(if marked {
                "<span class=\"line marked\">"
            } else {
                "<span class=\"line\">"
            });
            open.iter().for_each(|tag| out.push_str(tag));
            in_line = true;
        }
        if text.starts_with('<') {
            let end = text.find('>')? + 1;
            open.push(&text[..end]);
            out.push_str(&text[..end]);
            text = &text[end..];
        } else {
            let end = text.find(['<', '\n']).unwrap_or(text.len());
            out.push_str(&text[..end]);
            text = &text[end..];
            if let Some(after) = text.strip_prefix('\n') {
                open.iter().for_each(|_| out.push_str("</span>"));
                out.push_str("\n</span>");
                in_line = false;
                text = after;
            }
        }
    }
    if in_line {
        open.iter().for_each(|_| out.push_str("</span>"));
        out.push_str("</span>");
    }
    out.push_str(&rest[inner_end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_grammars_highlight() {
        for (lang, code) in [
            ("typescript", "const x: number = 1;\n"),
            ("ts", "interface A { b: string }\n"),
            ("toml", "[package]\nname = \"x\"\n"),
            ("dockerfile", "FROM debian:12\nRUN apt-get update\n"),
            ("rust", "async fn f() { g().await; }\n"),
        ] {
            let html = highlight_block(code, lang);
            assert!(html.contains("<span class=\"hl-"), "{lang}: {html}");
        }
        // The await keyword is a keyword in a grammar that knows async Rust.
        let rust = highlight_block("async fn f() { let x = g().await; }\n", "rust");
        for keyword in ["async", "await"] {
            let plain = format!("> {keyword}");
            let styled = format!("\">{keyword}</span>");
            assert!(
                rust.contains(&styled) && !rust.contains(&plain),
                "{keyword} not highlighted: {rust}"
            );
        }
    }

    #[test]
    fn unknown_language_is_escaped_plain_code() {
        let html = highlight_block("<b>&</b>\n", "nosuchlang");
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
        assert!(!html.contains("hl-"), "{html}");
        let html = highlight_block("x < y\n", "");
        assert_eq!(html, "<pre class=\"code\"><code>x &lt; y\n</code></pre>\n");
    }

    #[test]
    fn info_string_variants() {
        assert_eq!(language_token("rust,ignore"), "rust");
        assert_eq!(language_token("ts {1,3}"), "ts");
        assert_eq!(language_token("js:title=a.js"), "js");
        assert_eq!(language_token("title=\"a.txt\""), "");
        assert_eq!(language_token("showLineNumbers"), "");
    }

    #[test]
    fn fence_options() {
        let o = FenceOptions::parse("rust title=\"src/a b.rs\" showLineNumbers {1,3-5}");
        assert_eq!(o.title.as_deref(), Some("src/a b.rs"));
        assert!(o.line_numbers);
        assert_eq!(o.marked, vec![(1, 1), (3, 5)]);
        let o = FenceOptions::parse("js:title=a.js");
        assert_eq!(o.title.as_deref(), Some("a.js"));
        assert!(!o.line_numbers && o.marked.is_empty());
        let o = FenceOptions::parse("py linenos hl_lines=\"2 4-5\"");
        assert!(o.line_numbers);
        assert_eq!(o.marked, vec![(2, 2), (4, 5)]);
        assert!(FenceOptions::parse("rust,ignore").is_plain());
        assert!(FenceOptions::parse("").is_plain());
        // Bad input is ignored, never a panic.
        for info in ["rust {", "rust {5-2,x,0}", "title=", "{}", ":", "é=é"] {
            let o = FenceOptions::parse(info);
            assert!(o.marked.is_empty() && o.title.is_none(), "{info}: {o:?}");
        }
        // An unclosed quote runs to the end of the line.
        let o = FenceOptions::parse("sh title=\"a b");
        assert_eq!(o.title.as_deref(), Some("a b"));
    }

    #[test]
    fn lines_keep_spans_balanced_and_text_whole() {
        let code = "/* a\n b */\nfn x() {}\n";
        let plain = highlight_block(code, "rust");
        let options = FenceOptions {
            title: None,
            line_numbers: true,
            marked: vec![(2, 2)],
        };
        let html = with_options(plain.clone(), &options);
        assert!(html.starts_with("<pre class=\"code lines numbered\" data-lang=\"rust\">"));
        assert_eq!(html.matches("<span class=\"line").count(), 3, "{html}");
        assert_eq!(html.matches("<span class=\"line marked\">").count(), 1);
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count(),
            "{html}"
        );
        let text = |h: &str| {
            let mut t = String::new();
            let mut in_tag = false;
            for c in h.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => t.push(c),
                    _ => {}
                }
            }
            t
        };
        assert_eq!(text(&html), text(&plain), "the code's text is unchanged");
        let titled = with_options(
            highlight_block("x\n", ""),
            &FenceOptions {
                title: Some("<a>.txt".into()),
                ..FenceOptions::default()
            },
        );
        assert_eq!(
            titled,
            "<div class=\"code-block\"><div class=\"code-title\">&lt;a&gt;.txt</div>\
             <pre class=\"code\"><code>x\n</code></pre></div>\n"
        );
    }

    #[test]
    fn every_highlight_colour_is_readable_on_its_code_background() {
        let themes = two_face::theme::extra();
        let light = readable(
            themes.get(EmbeddedThemeName::InspiredGithub),
            (0xf6, 0xf8, 0xfa),
        );
        let bg = luminance((0xf6, 0xf8, 0xfa));
        for c in light.scopes.iter().filter_map(|s| s.style.foreground) {
            let ratio = (bg + 0.05) / (luminance((c.r, c.g, c.b)) + 0.05);
            assert!(ratio >= 4.5, "{c:?}: {ratio}");
        }
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet();
        assert!(css.contains(".hl-"), "no classes");
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        // The reader's choice wins over the system's, both ways.
        assert!(css.contains("html[data-theme=dark] .hl-keyword{"), "{css}");
        assert!(css.contains("html[data-theme=light] .hl-keyword{"));
        assert!(css.contains("html:not([data-theme=light]) .hl-keyword{"));
        assert!(!css.contains("*/\n.hl-"), "an unscoped rule is left");
    }

    #[test]
    fn scoping_puts_every_selector_under_the_scope() {
        let css = "/*\n * theme\n */\n\n.a {\n color: red;\n}\n.b .c, .d {\n x: 1;\ny: 2;\n}\n";
        assert_eq!(
            scoped(css, "html.x"),
            "html.x .a{color: red;}\nhtml.x .b .c,html.x .d{x: 1; y: 2;}\n"
        );
    }
}
