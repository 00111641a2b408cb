//! `inkpress import SOURCE DEST`: a blog made with tailwind-nextjs-starter-blog, Hugo,
//! Jekyll or Zola, read (never written) and laid out again as an inkpress site whose URLs
//! are the old ones: posts and pages copied, static files and page bundles copied, the
//! config mapped, and a report of what could not be.
//!
//! Reading a source makes a [`Plan`] (what to copy and write, and the notes); `--dry-run`
//! prints it, else [`carry_out`] writes it into DEST.

mod generators;
mod jekyll;

use crate::content::front_matter;
use crate::error::{Diagnostic, Result};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The generators a source can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generator {
    Tailwind,
    Hugo,
    Jekyll,
    Zola,
}

impl Generator {
    pub fn name(self) -> &'static str {
        match self {
            Generator::Tailwind => "tailwind-nextjs-starter-blog",
            Generator::Hugo => "Hugo",
            Generator::Jekyll => "Jekyll",
            Generator::Zola => "Zola",
        }
    }
}

/// The settings of the new `inkpress.toml`; `None` leaves inkpress's default.
#[derive(Debug, Default)]
pub struct SiteSettings {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub base_url: Option<String>,
    pub language: Option<String>,
    pub posts_per_page: Option<usize>,
    /// `[feeds]`: file names that keep old subscribers; `Some("")` turns a feed off.
    pub rss: Option<String>,
    pub atom: Option<String>,
    pub posts_pattern: Option<String>,
    pub tags_pattern: Option<String>,
    /// Old URL → new URL.
    pub redirects: BTreeMap<String, String>,
}

/// What an import does: files to copy (source → path under DEST), the config, and notes.
#[derive(Debug)]
pub struct Plan {
    pub generator: Generator,
    /// Why the source was taken for this generator (the file that showed it).
    pub detected_by: PathBuf,
    pub copies: Vec<(PathBuf, PathBuf)>,
    /// Files written whole (a page whose front matter needed a title).
    pub writes: Vec<(PathBuf, String)>,
    pub settings: SiteSettings,
    /// What could not be mapped, for the writer to look at.
    pub unmapped: Vec<String>,
}

impl Plan {
    fn new(generator: Generator, detected_by: PathBuf) -> Plan {
        Plan {
            generator,
            detected_by,
            copies: Vec::new(),
            writes: Vec::new(),
            settings: SiteSettings::default(),
            unmapped: Vec::new(),
        }
    }

    /// Copies every file under `from` (hidden ones left out) to `to` under DEST.
    fn copy_tree(&mut self, from: &Path, to: &Path) {
        self.copy_tree_where(from, to, |_| true);
    }

    fn copy_tree_where(&mut self, from: &Path, to: &Path, keep: impl Fn(&Path) -> bool) {
        if !from.is_dir() {
            return;
        }
        let walker = walkdir::WalkDir::new(from)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker.flatten() {
            let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
            // `_index.md` is a Hugo or Zola section's own page: inkpress makes its lists.
            let section_page = entry.file_name() == "_index.md";
            if entry.file_type().is_file() && !section_page && keep(rel) {
                self.copies.push((entry.path().to_path_buf(), to.join(rel)));
            }
        }
    }

    fn note(&mut self, what: impl Into<String>) {
        self.unmapped.push(what.into());
    }

    /// Every file the import makes under DEST: those copied, then those written.
    fn targets(&self) -> impl Iterator<Item = &PathBuf> {
        let copied = self.copies.iter().map(|(_, to)| to);
        copied.chain(self.writes.iter().map(|(to, _)| to))
    }

    /// Posts imported (Markdown files under `content/blog/`).
    pub fn posts(&self) -> usize {
        self.targets()
            .filter(|to| to.starts_with("content/blog") && is_markdown(to))
            .count()
    }

    /// The report printed by `import`: what was found, what it becomes, what is left.
    pub fn report(&self, dest: &Path) -> String {
        let pages = self
            .targets()
            .filter(|to| to.starts_with("content") && is_markdown(to))
            .count()
            - self.posts();
        let others = self.copies.len() + self.writes.len() - self.posts() - pages;
        let mut out = format!(
            "{} site (found {})\n  {} posts, {} pages, {} other files → {}\n",
            self.generator.name(),
            self.detected_by.display(),
            self.posts(),
            pages,
            others,
            dest.display()
        );
        out.push_str("inkpress.toml:\n");
        for line in self.config_text().lines().filter(|l| !l.starts_with('#')) {
            out.push_str(&format!("  {line}\n"));
        }
        if self.unmapped.is_empty() {
            out.push_str("everything was mapped\n");
        } else {
            out.push_str("not mapped (check these by hand):\n");
            for u in &self.unmapped {
                out.push_str(&format!("  - {u}\n"));
            }
        }
        out
    }

    /// The new site's `inkpress.toml`.
    pub fn config_text(&self) -> String {
        let s = &self.settings;
        let quoted = |v: &str| toml::Value::String(v.to_owned()).to_string();
        let mut out = format!(
            "# Imported from a {} site by `inkpress import`.\n",
            self.generator.name()
        );
        let mut line = |key: &str, value: &Option<String>| {
            if let Some(v) = value {
                out.push_str(&format!("{key} = {}\n", quoted(v)));
            }
        };
        line("title", &s.title);
        line("description", &s.description);
        line("author", &s.author);
        line("base_url", &s.base_url);
        line("language", &s.language);
        if let Some(n) = s.posts_per_page.filter(|&n| n > 0) {
            out.push_str(&format!("posts_per_page = {n}\n"));
        }
        let mut table = |name: &str, entries: Vec<(String, &Option<String>)>| {
            let set: Vec<String> = entries
                .into_iter()
                .filter_map(|(k, v)| Some(format!("{k} = {}\n", quoted(v.as_ref()?))))
                .collect();
            if !set.is_empty() {
                out.push_str(&format!("\n[{name}]\n{}", set.concat()));
            }
        };
        table(
            "feeds",
            vec![("rss".into(), &s.rss), ("atom".into(), &s.atom)],
        );
        table(
            "permalinks",
            vec![
                ("posts".into(), &s.posts_pattern),
                ("tags".into(), &s.tags_pattern),
            ],
        );
        let redirects: Vec<(String, Option<String>)> = s
            .redirects
            .iter()
            .map(|(old, new)| (quoted(old), Some(new.clone())))
            .collect();
        table(
            "redirects",
            redirects.iter().map(|(k, v)| (k.clone(), v)).collect(),
        );
        out
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "md" || e == "mdx" || e == "markdown")
}

/// Reads SOURCE and says what an import would do; writes nothing.
pub fn plan(source: &Path) -> Result<Plan> {
    if !source.is_dir() {
        return Err(Diagnostic::new(source, "there is no folder here").into());
    }
    let plan = match generators::detect(source) {
        Some((Generator::Tailwind, by)) => generators::tailwind(source, by),
        Some((Generator::Hugo, by)) => generators::hugo(source, by),
        Some((Generator::Jekyll, by)) => jekyll::jekyll(source, by),
        Some((Generator::Zola, by)) => generators::zola(source, by),
        None => {
            return Err(Diagnostic::new(
                source,
                "this is not a blog inkpress can import: no data/siteMetadata.js \
                 (tailwind-nextjs-starter-blog), hugo.toml/config.toml with baseURL (Hugo), \
                 _config.yml (Jekyll) or config.toml with base_url (Zola)",
            )
            .hint("pass the folder that holds the old site's config file")
            .into())
        }
    }?;
    Ok(plan)
}

/// Writes the plan into `dest`, which must be empty or not exist yet and lie outside
/// the source: the old site is never written to.
pub fn carry_out(plan: &Plan, source: &Path, dest: &Path) -> Result<()> {
    let inside_source = absolute(dest).starts_with(absolute(source));
    if inside_source {
        return Err(
            Diagnostic::new(dest, "the new site would be inside the old one")
                .hint("import into a folder outside SOURCE: the old site is never written to")
                .into(),
        );
    }
    let not_empty = std::fs::read_dir(dest).is_ok_and(|mut d| d.next().is_some());
    if not_empty {
        return Err(Diagnostic::new(dest, "this folder is not empty")
            .hint("import into a new or empty folder, so that nothing of yours is overwritten")
            .into());
    }
    let write_err = |path: &Path, e: std::io::Error| Diagnostic::io(path, "write", &e);
    for (from, to) in &plan.copies {
        let target = dest.join(to);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
        }
        std::fs::copy(from, &target).map_err(|e| write_err(&target, e))?;
    }
    for (to, text) in &plan.writes {
        let target = dest.join(to);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| write_err(parent, e))?;
        }
        std::fs::write(&target, text).map_err(|e| write_err(&target, e))?;
    }
    std::fs::create_dir_all(dest.join("content/blog"))
        .map_err(|e| write_err(&dest.join("content/blog"), e))?;
    let config = dest.join(crate::config::CONFIG_FILE);
    std::fs::write(&config, plan.config_text()).map_err(|e| write_err(&config, e))?;
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // DEST may not exist yet: resolve the deepest part that does.
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

/// A config file's settings as JSON values: TOML, or YAML read by the front matter
/// reader (the same YAML 1.1 rules the posts are read with).
fn read_settings(path: &Path) -> Result<Map<String, Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| Diagnostic::io(path, "read", &e))?;
    let yaml = path.extension().is_some_and(|e| e == "yml" || e == "yaml");
    if yaml {
        let wrapped = format!("---\n{text}\n---\n");
        return Ok(front_matter::split(path, &wrapped)?.fields);
    }
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        Diagnostic::new(path, format!("not valid TOML: {}", e.message()))
            .hint("fix the old config so that its generator reads it, then import again")
    })?;
    match serde_json::to_value(table) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// Text of a setting at a dotted path (`params.description`).
fn text_at(settings: &Map<String, Value>, path: &str) -> Option<String> {
    let mut parts = path.split('.');
    let mut value = settings.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The front matter of every Markdown file the plan copies into `content/blog/`.
fn post_fields(plan: &Plan) -> Vec<(PathBuf, Map<String, Value>)> {
    plan.copies
        .iter()
        .filter(|(_, to)| to.starts_with("content/blog") && is_markdown(to))
        .filter_map(|(from, _)| {
            let text = std::fs::read_to_string(from).ok()?;
            Some((from.clone(), front_matter::split(from, &text).ok()?.fields))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_text_is_valid_toml_with_every_table() {
        let mut plan = Plan::new(Generator::Hugo, "hugo.toml".into());
        plan.settings.title = Some("A \"quoted\" blog".into());
        plan.settings.posts_per_page = Some(7);
        plan.settings.rss = Some("index.xml".into());
        plan.settings.posts_pattern = Some("/posts/{slug}/".into());
        plan.settings
            .redirects
            .insert("/posts/".into(), "/blog/".into());
        let text = plan.config_text();
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["title"].as_str(), Some("A \"quoted\" blog"));
        assert_eq!(table["feeds"]["rss"].as_str(), Some("index.xml"));
        assert_eq!(
            table["permalinks"]["posts"].as_str(),
            Some("/posts/{slug}/")
        );
        assert_eq!(table["redirects"]["/posts/"].as_str(), Some("/blog/"));
    }

    #[test]
    fn absolute_paths_of_folders_not_made_yet() {
        let tmp = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(absolute(&tmp.path().join("a/b")), real.join("a/b"));
    }
}
