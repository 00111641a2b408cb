//! MDX bodies as the Markdown the rest of the pipeline reads. markdown-rs parses the MDX
//! (JSX elements, `{expressions}`, `import`/`export`) to an AST; each MDX node is then
//! rewritten in place, by its position, to what it means on a static page:
//!
//! - `import`/`export` blocks and `{/* comments */}` are dropped;
//! - `<TOCInline …/>` becomes the page's table of contents ([`TOC_MARKER`]);
//! - `<Image src=… width={500} …/>` becomes an `<img>`, `<Link href=…>` an `<a>`;
//! - lower-case elements (`<details>`, `<img />`) are HTML, written out as HTML;
//! - any other component is shown as its children, with a warning.
//!
//! Line breaks are kept where things are removed, so that the lines after them keep their
//! numbers for warnings and the link check.

use super::rewrite::{newlines, own_block, BodyWarning, Edits, SourceMap};
use super::Prepared;
use crate::html::escape;
use markdown_rs::mdast::{AttributeContent, AttributeValue, Node};
use markdown_rs::{to_mdast, Constructs, MdxSignal, ParseOptions};
use std::ops::Range;

/// How an MDX `<TOCInline />` begins where it stood: the HTML pass puts the table of
/// contents there ([`TocInline`]).
pub const TOC_MARKER: &str = "<!-- inkpress:toc ";

/// What of the table of contents a `<TOCInline />` shows: headings from `fromHeading` to
/// `toHeading`, less those whose title `exclude` names (the starter's props).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TocInline {
    pub from: u8,
    pub to: u8,
    pub exclude: Vec<String>,
}

impl TocInline {
    /// The HTML comment that stands for it in the Markdown until the headings are known.
    fn marker(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{TOC_MARKER}{} -->", json.replace("--", "\\u002d\\u002d"))
    }

    /// The table of contents a marker (an HTML block) asks for.
    pub fn from_marker(html: &str) -> Option<TocInline> {
        let json = html.trim().strip_prefix(TOC_MARKER)?.strip_suffix("-->")?;
        serde_json::from_str(json.trim()).ok()
    }

    /// Whether it shows a heading.
    pub fn shows(&self, level: u8, title: &str) -> bool {
        (self.from..=self.to).contains(&level)
            && !self.exclude.iter().any(|e| e.eq_ignore_ascii_case(title))
    }
}

/// An MDX body rewritten to Markdown with HTML, and what could not be shown as written
/// (at its place in `body`).
pub fn to_markdown(body: &str) -> Prepared {
    // MDX has no HTML comments (`<!-- -->` is a syntax error there), but Markdown moved
    // to MDX keeps them: markdown-rs stops at each one outside code, which is dropped
    // before reading again. Each round removes one `<!--`, so the rounds are bounded.
    let mut text = std::borrow::Cow::Borrowed(body);
    // From the text without those comments back to the body.
    let mut map = SourceMap::default();
    let tree = loop {
        let parsed = super::caught::caught(|| to_mdast(&text, &parse_options()));
        let message = match parsed {
            Some(Ok(tree)) => break tree,
            Some(Err(message)) => message,
            None => {
                let warning = BodyWarning {
                    at: (1, 1),
                    message: "this MDX could not be read (the MDX parser failed on it): the file is rendered as plain Markdown".to_owned(),
                };
                return fallback(&text, warning, map);
            }
        };
        let point = match message.place.as_deref() {
            Some(markdown_rs::message::Place::Point(p)) => Some(p),
            Some(markdown_rs::message::Place::Position(p)) => Some(&p.start),
            None => None,
        };
        if let Some((without, moves)) = point.and_then(|p| without_html_comment_at(&text, p.offset))
        {
            text = std::borrow::Cow::Owned(without);
            map = map.then(moves);
            continue;
        }
        let warning = BodyWarning {
            at: point.map_or((1, 1), |p| (p.line, p.column)),
            message: format!(
                "this MDX could not be read ({}): the file is rendered as plain Markdown until that is fixed",
                message.reason
            ),
        };
        return fallback(&text, warning, map);
    };
    let body = &*text;
    let mut rewrite = Rewrite {
        body,
        edits: Edits::default(),
        warnings: Vec::new(),
    };
    rewrite.node(&tree);
    let Rewrite {
        edits, warnings, ..
    } = rewrite;
    let (markdown, moves) = edits.apply(body);
    Prepared {
        markdown,
        warnings: warnings.into_iter().map(|w| w.traced(&map)).collect(),
        map: map.then(moves),
    }
}

/// The old way, for a text markdown-rs cannot read ([`without_module_lines`]), warned.
fn fallback(text: &str, warning: BodyWarning, map: SourceMap) -> Prepared {
    Prepared {
        markdown: without_module_lines(text),
        warnings: vec![warning.traced(&map)],
        // Whole lines are emptied: every place left keeps its line and column.
        map,
    }
}

fn parse_options() -> ParseOptions {
    ParseOptions {
        constructs: Constructs {
            // Tables, footnotes and math as the rest of the pipeline reads them, so that
            // `{` inside `$\frac{a}{b}$` is not taken for an expression.
            gfm_autolink_literal: true,
            gfm_footnote_definition: true,
            gfm_label_start_footnote: true,
            gfm_strikethrough: true,
            gfm_table: true,
            gfm_task_list_item: true,
            math_flow: true,
            math_text: true,
            ..Constructs::mdx()
        },
        // markdown-rs leaves ESM to a JavaScript parser; a page needs none of it, only
        // where it ends: at a blank line with its brackets closed.
        mdx_esm_parse: Some(Box::new(|esm: &str| {
            if brackets_closed(esm) {
                MdxSignal::Ok
            } else {
                MdxSignal::Eof(
                    "an `import` or `export` with a bracket left open".into(),
                    Box::new("inkpress".into()),
                    Box::new("esm".into()),
                )
            }
        })),
        ..ParseOptions::mdx()
    }
}

/// `text` without the HTML comment markdown-rs stopped at (`offset` is at its `<` or
/// its `!`), its line breaks kept so that later lines keep their numbers; `None` when
/// no closed comment starts there.
fn without_html_comment_at(text: &str, offset: usize) -> Option<(String, SourceMap)> {
    let start = [offset.checked_sub(1)?, offset]
        .into_iter()
        .find(|&at| text.get(at..).is_some_and(|t| t.starts_with("<!--")))?;
    let end = start + 4 + text[start + 4..].find("-->")? + 3;
    let mut edits = Edits::default();
    edits.blank(text, start..end);
    Some(edits.apply(text))
}

/// Whether every `(`, `[` and `{` of some JavaScript is closed, strings and comments aside.
fn brackets_closed(js: &str) -> bool {
    let mut depth = 0i64;
    let mut chars = js.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            '"' | '\'' | '`' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        _ if d == c => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            _ => {}
        }
    }
    depth <= 0
}

/// The old way, for a body markdown-rs cannot read: top-level `import`/`export` lines
/// outside code fences dropped, the rest read as Markdown.
fn without_module_lines(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if line.starts_with("import ") || line.starts_with("export ") {
            out.push('\n');
            continue;
        }
        out.push_str(line);
    }
    out
}

struct Rewrite<'a> {
    body: &'a str,
    edits: Edits,
    warnings: Vec<BodyWarning>,
}

/// A JSX element of either kind (a block of its own, or inside a paragraph).
struct Element<'n> {
    name: Option<&'n str>,
    attributes: &'n [AttributeContent],
    children: &'n [Node],
    range: Range<usize>,
    at: (usize, usize),
    is_flow: bool,
}

fn range_of(node: &Node) -> Option<(Range<usize>, (usize, usize))> {
    node.position()
        .map(|p| (p.start.offset..p.end.offset, (p.start.line, p.start.column)))
}

impl Rewrite<'_> {
    fn node(&mut self, node: &Node) {
        let (range, at) = range_of(node).unwrap_or((0..0, (1, 1)));
        match node {
            Node::MdxjsEsm(_) => self.edits.blank(self.body, range),
            Node::MdxFlowExpression(e) => self.expression(&e.value, range, at),
            Node::MdxTextExpression(e) => self.expression(&e.value, range, at),
            Node::MdxJsxFlowElement(e) => self.element(Element {
                name: e.name.as_deref(),
                attributes: &e.attributes,
                children: &e.children,
                range,
                at,
                is_flow: true,
            }),
            Node::MdxJsxTextElement(e) => self.element(Element {
                name: e.name.as_deref(),
                attributes: &e.attributes,
                children: &e.children,
                range,
                at,
                is_flow: false,
            }),
            other => {
                for child in other.children().into_iter().flatten() {
                    self.node(child);
                }
            }
        }
    }

    /// `{…}`: a comment is dropped; a string is its text; anything else would need
    /// JavaScript to run, so it is dropped with a warning.
    fn expression(&mut self, value: &str, range: Range<usize>, at: (usize, usize)) {
        let code = value.trim();
        if is_comment(code) || code.is_empty() {
            self.edits.blank(self.body, range);
        } else if let Some(text) = literal(code) {
            self.edits.replace(range, escape(&text));
        } else {
            self.warn(
                at,
                format!("the MDX expression `{{{code}}}` needs JavaScript to show: it is left out of the page"),
            );
            self.edits.blank(self.body, range);
        }
    }

    fn element(&mut self, mut element: Element) {
        // Its rewrite starts at the tag, after any indentation a parent takes away.
        element.range.start = self.text_start(element.range.start);
        let name = element.name.unwrap_or("");
        let (open, close) = match name {
            "TOCInline" => {
                let marker = own_block(&toc_inline(element.attributes).marker());
                let with = marker + &newlines(&self.body[element.range.clone()]);
                self.edits.replace(element.range.clone(), with);
                return;
            }
            "Image" | "img" => (Some(self.tag("img", &element)), None),
            "Link" | "a" => (Some(self.tag("a", &element)), Some("</a>".to_owned())),
            "" => (None, None),
            _ if name.starts_with(|c: char| c.is_ascii_lowercase()) && !name.contains('.') => {
                let open = self.tag(name, &element);
                let close = (!is_void(name)).then(|| format!("</{name}>"));
                (Some(open), close)
            }
            _ => {
                let shown = if element.children.is_empty() {
                    "it is left out"
                } else {
                    "its content is shown without it"
                };
                self.warn(
                    element.at,
                    format!("<{name}> is a component inkpress does not know: {shown} (remove it, or write the HTML it stands for)"),
                );
                (None, None)
            }
        };
        let (open, close) = (open.unwrap_or_default(), close.unwrap_or_default());
        let (Some(first), Some(last)) = (
            element.children.first().and_then(range_of),
            element.children.last().and_then(range_of),
        ) else {
            let whole = format!("{open}{close}");
            let with = match element.is_flow && !whole.is_empty() {
                true => own_block(&whole) + &newlines(&self.body[element.range.clone()]),
                false => whole + &newlines(&self.body[element.range.clone()]),
            };
            self.edits.replace(element.range, with);
            return;
        };
        let opening = element.range.start..self.text_start(first.0.start);
        let closing = last.0.end..element.range.end;
        if element.is_flow {
            // Each tag a block of its own line, its children Markdown blocks between them
            // (on lines of their own, and no longer indented: MDX has no indented code).
            let gap = newlines(&self.body[opening.clone()]);
            let open = match open.is_empty() {
                true => open,
                false => own_block(&open),
            };
            self.edits
                .replace(opening, open + if gap.is_empty() { "\n" } else { &gap });
            for pair in element.children.windows(2) {
                if let (Some(a), Some(b)) = (range_of(&pair[0]), range_of(&pair[1])) {
                    let between = a.0.end..self.text_start(b.0.start);
                    if self.body[between.clone()].contains('\n') {
                        self.edits.blank(self.body, between);
                    }
                }
            }
            for child in element.children {
                self.dedent(child);
            }
            let gap = newlines(&self.body[closing.clone()]);
            let close = match close.is_empty() {
                true => close,
                false => own_block(&close),
            };
            self.edits.replace(
                closing,
                if gap.is_empty() { "\n" } else { &gap }.to_owned() + &close,
            );
        } else {
            self.edits.replace(opening, open);
            self.edits.replace(closing, close);
        }
        for child in element.children {
            self.node(child);
        }
    }

    /// Where the text of a child starts: markdown-rs counts a child of an element from the
    /// start of its line, indentation included.
    fn text_start(&self, offset: usize) -> usize {
        offset
            + self.body[offset..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count()
    }

    /// A child block's lines after its first, without the indentation its first line had.
    fn dedent(&mut self, child: &Node) {
        let Some(position) = child.position() else {
            return;
        };
        let start = self.text_start(position.start.offset);
        let line_start = self.body[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = start - line_start;
        let text = &self.body[start..position.end.offset];
        for (i, _) in text.match_indices('\n') {
            let line = start + i + 1;
            let spaces = self.body[line..]
                .bytes()
                .take(indent)
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            if spaces > 0 {
                self.edits.replace(line..line + spaces, "");
            }
        }
    }

    /// The HTML opening tag of an element, its attributes as HTML has them: `className`
    /// is `class`, `{500}` is `500`, and a value only JavaScript could compute is left out.
    fn tag(&mut self, html_name: &str, element: &Element) -> String {
        let mut tag = format!("<{html_name}");
        for attribute in element.attributes {
            let AttributeContent::Property(property) = attribute else {
                continue;
            };
            let name = match property.name.as_str() {
                "className" => "class",
                "htmlFor" => "for",
                other => other,
            };
            let value = match &property.value {
                None => Some(None),
                Some(AttributeValue::Literal(text)) => Some(Some(text.clone())),
                Some(AttributeValue::Expression(e)) => literal(e.value.trim()).map(Some),
            };
            match value {
                Some(None) => tag.push_str(&format!(" {name}")),
                Some(Some(value)) => tag.push_str(&format!(" {name}=\"{}\"", escape(&value))),
                None => {}
            }
        }
        tag.push('>');
        tag
    }

    fn warn(&mut self, at: (usize, usize), message: String) {
        self.warnings.push(BodyWarning { at, message });
    }
}

/// The starter's `<TOCInline fromHeading={2} toHeading={3} exclude={["A", "B"]} />`.
fn toc_inline(attributes: &[AttributeContent]) -> TocInline {
    let mut toc = TocInline {
        from: 1,
        to: 6,
        exclude: Vec::new(),
    };
    for attribute in attributes {
        let AttributeContent::Property(property) = attribute else {
            continue;
        };
        let value = match &property.value {
            Some(AttributeValue::Literal(text)) => text.clone(),
            Some(AttributeValue::Expression(e)) => e.value.trim().to_owned(),
            None => continue,
        };
        let text = literal(&value).unwrap_or_else(|| value.clone());
        match property.name.as_str() {
            "fromHeading" => toc.from = text.parse().unwrap_or(toc.from),
            "toHeading" => toc.to = text.parse().unwrap_or(toc.to),
            "exclude" => {
                // A JavaScript array of strings is JSON once its quotes are double.
                toc.exclude =
                    serde_json::from_str(&value.replace('\'', "\"")).unwrap_or_else(|_| vec![text]);
            }
            _ => {}
        }
    }
    toc
}

fn is_comment(code: &str) -> bool {
    (code.starts_with("/*") && code.ends_with("*/"))
        || code
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
}

/// The value of a JavaScript literal a page can show without running anything: a number,
/// a string without `${…}`, `true`.
fn literal(code: &str) -> Option<String> {
    if code.parse::<f64>().is_ok() {
        return Some(code.to_owned());
    }
    let quote = code.chars().next()?;
    if matches!(quote, '"' | '\'' | '`') && code.len() >= 2 && code.ends_with(quote) {
        let inner = &code[1..code.len() - 1];
        let interpolates = quote == '`' && inner.contains("${");
        if !inner.contains(quote) && !interpolates {
            return Some(inner.to_owned());
        }
    }
    None
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> (String, Vec<BodyWarning>) {
        let prepared = to_markdown(body);
        (prepared.markdown, prepared.warnings)
    }

    #[test]
    fn module_lines_and_comments_are_dropped_and_lines_kept() {
        let (out, warnings) = md("import Image from './Image'\nexport const meta = {\n  a: 1,\n}\n\nHello {/* a quote */} world\n\n{/* alone */}\n");
        assert_eq!(out, "\n\n\n\n\nHello  world\n\n\n", "{out}");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn image_and_toc_and_html_elements() {
        let (out, warnings) = md(
            "<TOCInline toc={props.toc} exclude=\"Intro\" />\n\n<Image src=\"/static/a.png\" alt=\"ocean\" width={256} height={128} />\n\n<details open>\n<summary>More</summary>\n\nHidden **text**\n</details>\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let toc = TocInline {
            from: 1,
            to: 6,
            exclude: vec!["Intro".into()],
        };
        assert!(out.starts_with(&own_block(&toc.marker())), "{out}");
        assert_eq!(TocInline::from_marker(&toc.marker()), Some(toc));
        assert!(
            out.contains("<img src=\"/static/a.png\" alt=\"ocean\" width=\"256\" height=\"128\">"),
            "{out}"
        );
        assert!(out.contains("<!-- --><details open>\n"), "{out}");
        assert!(out.contains("<summary>More</summary>"), "{out}");
        assert!(
            out.contains("\nHidden **text**\n<!-- --></details>"),
            "{out}"
        );
        assert_eq!(out.lines().count(), 9, "{out}");
    }

    #[test]
    fn toc_inline_reads_the_starters_props() {
        let (out, _) = md(
            "<TOCInline toc={props.toc} fromHeading={2} toHeading={3} exclude={['A', \"B\"]} />\n",
        );
        let toc = TocInline::from_marker(out.trim().trim_start_matches("<!-- -->")).unwrap();
        assert_eq!((toc.from, toc.to), (2, 3));
        assert_eq!(toc.exclude, ["A", "B"]);
        assert!(toc.shows(2, "a title") && !toc.shows(2, "a") && !toc.shows(4, "x"));
    }

    #[test]
    fn unknown_components_are_their_children_with_a_warning() {
        let (out, warnings) =
            md("Intro\n\n<Callout kind=\"x\">\n  Indented *child*\n</Callout>\n\nText <Badge /> and <Em>inline</Em>.\n");
        assert_eq!(
            out, "Intro\n\n\nIndented *child*\n\n\nText  and inline.\n",
            "{out}"
        );
        let at: Vec<_> = warnings.iter().map(|w| w.at).collect();
        assert_eq!(at, [(3, 1), (7, 6), (7, 20)]);
        assert!(warnings[0].message.contains("<Callout>"), "{warnings:?}");
    }

    #[test]
    fn nested_indented_elements_keep_their_tags() {
        let (out, warnings) = md("<div>\n  <section>\n    <Note>\n      Deep *text*\n    </Note>\n  </section>\n</div>\n");
        assert_eq!(
            out,
            "<!-- --><div>\n<!-- --><section>\n\nDeep *text*\n\n<!-- --></section>\n<!-- --></div>\n",
            "{out}"
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].at, (3, 5));
    }

    #[test]
    fn expressions_needing_javascript_are_warned_about() {
        let (out, warnings) = md("Year {new Date().getFullYear()} and {\"text\"}.\n");
        assert_eq!(out, "Year  and text.\n");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].at, (1, 6));
    }

    #[test]
    fn code_and_math_are_left_alone() {
        let body = "```jsx\n<Foo>{x}</Foo>\nimport a from 'b'\n```\n\nInline `{/* c */}` and $\\frac{a}{b}$.\n";
        let (out, warnings) = md(body);
        assert_eq!(out, body);
        assert!(warnings.is_empty());
    }

    #[test]
    fn html_comments_are_dropped_outside_code_and_lines_kept() {
        let body = "Naïve <!-- inline --> text <Image src=\"/a.png\" alt=\"a\" />\n\n<!--\nA block\ncomment\n-->\n<!-- two --><!-- on a line -->\n\n```html\n<!-- kept in code -->\n```\n\n`<!-- kept -->` <Unknown>x</Unknown>\n";
        let (out, warnings) = md(body);
        assert!(
            !out.contains("inline") && !out.contains("A block") && !out.contains("two"),
            "{out}"
        );
        assert!(
            out.contains("<!-- kept in code -->") && out.contains("`<!-- kept -->`"),
            "{out}"
        );
        assert!(out.contains("<img src=\"/a.png\""), "{out}");
        // Lines keep their numbers: the unknown component is still on line 13.
        assert_eq!(out.lines().count(), body.lines().count(), "{out}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].at.0, 13, "{warnings:?}");
        // An unclosed comment is still a syntax error: the old way, warned.
        let (_, warnings) = md("Text <!-- never closed\n");
        assert!(
            warnings[0].message.contains("could not be read"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_body_markdown_rs_cannot_read_falls_back_with_a_warning() {
        let (out, warnings) = md("import X from 'x'\n\n<Open>\n\nText\n");
        assert!(out.contains("Text"), "{out}");
        assert!(!out.contains("import"), "{out}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }
}
