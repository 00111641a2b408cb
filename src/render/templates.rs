//! Templates: the default theme with the site's own templates over it, parsed by Tera,
//! and Tera's errors turned into diagnostics that name the template, line and column.

use crate::error::Diagnostic;
use crate::theme;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tera::{Context, Tera};

/// The loaded templates: the default theme with the site's own templates over it.
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for error messages.
    origins: HashMap<String, PathBuf>,
    /// Whether rendering a template twice with the same context gives the same page.
    repeatable: bool,
    /// Every template's text, for [`Templates::mentions`].
    texts: Vec<String>,
}

impl Templates {
    /// Loads the built-in theme, then every `*.html`/`*.xml` under `root/templates/`.
    /// All syntax errors are reported together.
    pub fn load(root: &Path) -> Result<Templates, Vec<Diagnostic>> {
        Templates::compile(&read_template_sources(root)?)
    }

    /// Parses template texts; reading and parsing are apart so that a cache can skip
    /// the parse when no text changed.
    pub fn compile(sources: &TemplateSources) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `https:&#x2F;&#x2F;…`.
        tera.set_escape_fn(crate::html::escape);
        let origins: HashMap<String, PathBuf> = sources
            .iter()
            .map(|(n, (o, _))| (n.clone(), o.clone()))
            .collect();
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
        {
            return Err(every_template_error(sources, &e));
        }
        // Tera's functions that read the clock, randomness or the environment make a
        // page differ from one render to the next even with the same context.
        let repeatable = !sources.values().any(|(_, text)| {
            ["now(", "get_random(", "get_env("]
                .iter()
                .any(|f| text.contains(f))
        });
        Ok(Templates {
            tera,
            origins,
            repeatable,
            texts: sources.values().map(|(_, text)| text.clone()).collect(),
        })
    }

    /// Whether any template's text holds `word`: values that no template can read are
    /// not worth making (a dump of the whole context, `__tera_context`, reads them all).
    pub fn mentions(&self, word: &str) -> bool {
        self.texts
            .iter()
            .any(|t| t.contains(word) || t.contains("__tera_context"))
    }

    /// Whether a page rendered once can stand for the same template and context later.
    pub fn repeatable(&self) -> bool {
        self.repeatable
    }

    /// The template a document asks for with `layout:`, if the site has it, else `default`.
    /// Layouts from other generators (`PostSimple`) fall back, with a warning from the
    /// build ([`Self::missing_layouts`]).
    pub fn for_layout(&self, layout: Option<&str>, default: &str) -> String {
        layout
            .map(|l| format!("{l}.html"))
            .filter(|t| self.origins.contains_key(t))
            .unwrap_or_else(|| default.to_owned())
    }

    /// A warning for each document whose `layout:` names no template: a typo, or a
    /// layout of the generator the site came from. Sorted by file.
    pub fn missing_layouts(&self, site: &crate::site::Site) -> Vec<String> {
        let mut warnings: Vec<String> = site
            .posts
            .iter()
            .chain(&site.pages)
            .filter_map(|doc| {
                let layout = doc.meta.layout.as_deref()?;
                let wanted = format!("{layout}.html");
                let used = match doc.source.kind {
                    crate::content::Kind::Post => "post.html",
                    crate::content::Kind::Page => "page.html",
                    crate::content::Kind::Author => "author.html",
                };
                (!self.origins.contains_key(&wanted)).then(|| {
                    format!(
                        "{}: `layout: {layout}` names no template (there is no templates/{wanted}); {used} is used",
                        doc.source.display.display()
                    )
                })
            })
            .collect();
        warnings.sort();
        warnings
    }

    pub fn render(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|e| {
            let origin = self
                .origins
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(name));
            template_diagnostic(&e, &origin, None)
        })
    }
}

/// The parsed templates of the last build, with the texts they were parsed from.
#[derive(Default)]
pub struct TemplateMemo(Option<(TemplateSources, Arc<Templates>)>);

impl TemplateMemo {
    /// The site's templates; parsed again only when a template's text changed. With
    /// `unchanged` (a watcher told of no change outside `content/`), the last build's are
    /// taken unread. Templates that fail to load leave nothing kept, so the next build
    /// reads them again however little it was told.
    pub fn load(
        &mut self,
        root: &Path,
        unchanged: bool,
    ) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        if let (true, Some((_, templates))) = (unchanged, &self.0) {
            return Ok(Arc::clone(templates));
        }
        let kept = self.0.take();
        let sources = read_template_sources(root)?;
        if let Some((kept, templates)) = kept {
            if kept == sources {
                self.0 = Some((kept, Arc::clone(&templates)));
                return Ok(templates);
            }
        }
        let templates = Arc::new(Templates::compile(&sources)?);
        self.0 = Some((sources, Arc::clone(&templates)));
        Ok(templates)
    }
}

/// Every template's text by name, with the file it came from (for messages).
pub type TemplateSources = HashMap<String, (PathBuf, String)>;

/// Reads the built-in theme's templates, then the site's own `templates/**/*.{html,xml}` over them.
pub fn read_template_sources(root: &Path) -> Result<TemplateSources, Vec<Diagnostic>> {
    let mut sources: TemplateSources = theme::TEMPLATES
        .iter()
        .map(|(name, text)| {
            let origin = PathBuf::from(format!("(built-in theme) templates/{name}"));
            (name.to_string(), (origin, text.to_string()))
        })
        .collect();
    let dir = root.join("templates");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry =
                entry.map_err(|e| vec![Diagnostic::new(&dir, format!("could not read: {e}"))])?;
            let path = entry.path();
            let wanted = path.extension().is_some_and(|e| e == "html" || e == "xml");
            if !entry.file_type().is_file() || !wanted {
                continue;
            }
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            let display = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let text = std::fs::read_to_string(path)
                .map_err(|e| vec![Diagnostic::io(&display, "read the template", &e)])?;
            sources.insert(name, (display, text));
        }
    }
    Ok(sources)
}

/// Tera stops at the first broken template; parse each alone to report every one.
fn every_template_error(sources: &TemplateSources, first: &tera::Error) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (name, (origin, text)) in sources {
        // Alone, a child template cannot find its parent: that is not its fault.
        match Tera::default().add_raw_template(name, text) {
            Err(e) if !e.to_string().contains("is inheriting from") => {
                errors.push(template_diagnostic(&e, origin, Some(text)));
            }
            _ => {}
        }
    }
    if errors.is_empty() {
        // Every template parses alone: the problem is between them (a missing parent).
        errors.push(template_diagnostic(first, Path::new("templates"), None));
    }
    errors
}

/// A Tera error as a diagnostic: the template's file, the line when Tera knows it, and
/// the whole cause chain (Tera puts the useful part at the end).
fn template_diagnostic(e: &tera::Error, origin: &Path, text: Option<&str>) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join("\n");
    let position = full.split("--> ").nth(1).and_then(|rest| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((
            nums.next()?.parse::<usize>().ok()?,
            nums.next()?.parse::<usize>().ok()?,
        ))
    });
    let message = chain
        .iter()
        .map(|m| m.lines().next().unwrap_or("").trim().to_owned())
        .filter(|m| !m.is_empty() && !m.starts_with("-->"))
        .collect::<Vec<_>>()
        .join(": ");
    let detail = if position.is_some() {
        full.lines()
            .find(|l| l.trim_start().starts_with("= "))
            .map(|l| l.trim_start()[2..].to_owned())
    } else {
        None
    };
    let mut d = Diagnostic::new(
        origin,
        match detail {
            Some(detail) => format!("template error: {message}: {detail}"),
            None => format!("template error: {message}"),
        },
    )
    .hint("the variables each template receives are listed in the README under \"Templates\"");
    if let (Some((line, col)), Some(text)) = (position, text) {
        d = d.at(text, line, col);
    } else if let Some((line, col)) = position {
        d.line = Some(line);
        d.column = Some(col);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(text: &str) -> Templates {
        let mut sources = TemplateSources::new();
        sources.insert("a.html".into(), (PathBuf::from("a.html"), text.into()));
        Templates::compile(&sources).unwrap()
    }

    #[test]
    fn templates_that_read_the_clock_or_randomness_are_not_repeatable() {
        assert!(compile("<p>{{ x }}</p>").repeatable());
        assert!(!compile("<p>{{ now() }}</p>").repeatable());
        assert!(!compile("<p>{{ get_random(end=9) }}</p>").repeatable());
    }
}
