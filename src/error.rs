//! Diagnostics: every user-facing error carries a file, and a line and column where known.
//!
//! A build collects diagnostics from every broken file and reports them together,
//! rendered the way rustc renders its errors (source line, caret, hint).

use std::fmt;
use std::path::{Path, PathBuf};

/// How a template error names the page it was making.
const PAGE_NOTE: &str = ", while making ";

/// One problem in one file, with enough context to fix it without guessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line in the file, counted from the top of the file.
    pub line: Option<usize>,
    /// 1-based column (in characters) on that line.
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// The text of the offending line, shown under the message with a caret.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (or a folder), where no line applies.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A problem with no file behind it (a port already in use): shown as one line.
    pub fn plain(message: impl Into<String>) -> Self {
        Diagnostic::new(PathBuf::new(), message)
    }

    fn is_plain(&self) -> bool {
        self.path.as_os_str().is_empty() && self.line.is_none()
    }

    /// Points the diagnostic at `line`/`column` of `source` (the whole file's text).
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        let line = line.max(1);
        self.line = Some(line);
        self.column = Some(column.max(1));
        self.source_line = source.lines().nth(line - 1).map(str::to_owned);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// An I/O failure on `path`, phrased for a person.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Diagnostic::new(path, format!("could not {action}: {err}"))
    }

    /// Says which page was being made when a template failed (`/blog/x/`).
    pub fn while_making(mut self, page: &str) -> Self {
        let url = page.strip_suffix("index.html").unwrap_or(page);
        self.message = format!("{}{PAGE_NOTE}/{url}", self.message);
        self
    }

    /// Whether `other` is this error, met while making another page.
    pub fn same_but_page(&self, other: &Diagnostic) -> bool {
        let without_page = |d: &Diagnostic| {
            let mut d = d.clone();
            if let Some(at) = d.message.find(PAGE_NOTE) {
                d.message.truncate(at);
            }
            d
        };
        without_page(self) == without_page(other)
    }

    /// Counts one more page that met this error (`… and 3 more pages`).
    pub fn one_more_page(&mut self) {
        let (head, more) = match self.message.rsplit_once(" and ") {
            Some((head, tail)) if tail.ends_with(" more pages") || tail == "1 more page" => {
                let n: usize = tail
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                (head.to_owned(), n + 1)
            }
            _ => (self.message.clone(), 1),
        };
        self.message = match (more, head.contains(PAGE_NOTE)) {
            (_, false) => head,
            (1, true) => format!("{head} and 1 more page"),
            (n, true) => format!("{head} and {n} more pages"),
        };
    }

    /// `path:line:col` as editors and terminals understand it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.path.display()),
            (Some(l), None) => format!("{}:{l}", self.path.display()),
            _ => self.path.display().to_string(),
        }
    }

    /// Renders the diagnostic rustc-style, `path:line:col: message` first, then the source
    /// line with a caret and the hint; `styled` adds colour (only for terminals).
    pub fn render(&self, styled: bool) -> String {
        self.render_as(styled, annotate_snippets::Level::Error)
    }

    /// [`Diagnostic::render`] for what does not fail the command: `warning: …`.
    pub fn render_warning(&self, styled: bool) -> String {
        self.render_as(styled, annotate_snippets::Level::Warning)
    }

    fn render_as(&self, styled: bool, level: annotate_snippets::Level) -> String {
        use annotate_snippets::{Level, Renderer, Snippet};
        if self.is_plain() {
            let word = if level == Level::Warning {
                "warning"
            } else {
                "error"
            };
            return format!("{word}: {}", self.message);
        }
        let title = format!("{}: {}", self.location(), self.message);
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut message = level.title(&title);
        if let (Some(line), Some(text)) = (self.line, &self.source_line) {
            let column = self.column.unwrap_or(1);
            let start: usize = text
                .char_indices()
                .nth(column - 1)
                .map_or(text.len(), |(i, _)| i);
            // Underline the whole value at the column, as far as the line goes.
            let end = text.trim_end().len().max(start);
            let end = if end == start {
                text[start..]
                    .chars()
                    .next()
                    .map_or(start, |c| start + c.len_utf8())
            } else {
                end
            };
            message = message.snippet(
                Snippet::source(text)
                    .line_start(line)
                    .annotation(level.span(start..end).label("here")),
            );
        }
        if let Some(hint) = &self.hint {
            message = message.footer(Level::Help.title(hint));
        }
        let rendered = renderer.render(message).to_string();
        rendered
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem a build found, in a stable order (by file, then line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        Diagnostics(list)
    }

    /// Every diagnostic, then `build failed: N errors`.
    pub fn render(&self, styled: bool) -> String {
        self.render_after(styled, Verdict::BuildFailed)
    }

    /// Every diagnostic, then the verdict of the command that found them.
    pub fn render_after(&self, styled: bool, verdict: Verdict) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(styled));
            out.push_str("\n\n");
        }
        if self.0.iter().all(Diagnostic::is_plain) {
            return out.trim_end().to_owned();
        }
        let n = self.0.len();
        out.push_str(&match verdict {
            Verdict::BuildFailed => format!("build failed: {}", counted(n, "error")),
            Verdict::CheckFound => {
                format!("check found {} (nothing written)", counted(n, "problem"))
            }
        });
        out
    }
}

/// `1 post`, `3 posts`: a count and its noun (a regular English plural) for messages.
pub fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

/// What a failed command says after its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `build`, `serve`, `deploy`: nothing was written.
    BuildFailed,
    /// `check`: what it found, whether the site would build or not.
    CheckFound,
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

pub type Result<T, E = Diagnostics> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_caret_and_hint() {
        let src = "---\ntitle: x\ndate: nope\n---\n";
        let d = Diagnostic::new("content/blog/a.md", "invalid date `nope`")
            .at(src, 3, 7)
            .hint("write dates as 2025-06-29");
        let text = d.render(false);
        assert!(
            text.contains("content/blog/a.md:3:7: invalid date `nope`"),
            "{text}"
        );
        assert!(text.contains("date: nope"), "{text}");
        assert!(text.contains("^"), "{text}");
        assert!(text.contains("help: write dates as 2025-06-29"), "{text}");
    }

    #[test]
    fn one_template_error_on_many_pages_is_told_once_with_a_count() {
        let on = |page: &str| Diagnostic::new("t.html", "`x` not found").while_making(page);
        let mut first = on("blog/a/index.html");
        assert!(first.same_but_page(&on("blog/b/index.html")));
        assert!(!first.same_but_page(&Diagnostic::new("t.html", "other")));
        first.one_more_page();
        assert_eq!(
            first.message,
            "`x` not found, while making /blog/a/ and 1 more page"
        );
        first.one_more_page();
        assert_eq!(
            first.message,
            "`x` not found, while making /blog/a/ and 2 more pages"
        );
        assert!(first.same_but_page(&on("c.xml")));
    }

    #[test]
    fn column_past_end_of_line_does_not_panic() {
        let d = Diagnostic::new("a.md", "x").at("ab\n", 1, 40);
        assert!(d.render(false).contains("a.md:1:40"));
        let d = Diagnostic::new("a.md", "x").at("", 9, 1);
        assert!(d.render(false).contains("a.md:9:1"));
    }
}
