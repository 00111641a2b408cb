//! Site configuration: the raw `inkpress.toml` as written, and the resolved `Config` the build uses.

use crate::content::permalink::Permalinks;
use crate::error::{Diagnostic, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "inkpress.toml";

mod links;
mod reader;
use links::{resolve_permalinks, resolve_redirects, ConfigText, RawPermalinks, RawRedirects};
pub use links::{FeedCopy, Redirects};
use reader::{resolve_analytics, resolve_comments, RawAnalytics, RawComments};
pub use reader::{Analytics, AnalyticsProvider, Comments, CommentsProvider};

/// `inkpress.toml` exactly as written. Unknown keys are errors, so typos never pass silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    author: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    date_format: Option<String>,
    posts_per_page: Option<usize>,
    home_posts: Option<usize>,
    related_posts: Option<usize>,
    output_dir: Option<String>,
    /// Default social card image (site path or absolute URL) for pages without `images`.
    image: Option<String>,
    sitemap: Option<bool>,
    robots: Option<bool>,
    #[serde(default)]
    feeds: RawFeeds,
    #[serde(default)]
    deploy: RawDeploy,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    comments: RawComments,
    #[serde(default)]
    analytics: RawAnalytics,
    #[serde(default)]
    permalinks: RawPermalinks,
    #[serde(default)]
    redirects: RawRedirects,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    extra: toml::Table,
}

/// `[search]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    enabled: Option<bool>,
    output: Option<String>,
}

/// `[feeds]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    rss: Option<String>,
    atom: Option<String>,
    limit: Option<usize>,
    content: Option<FeedContent>,
    tag_content: Option<FeedContent>,
    tags: Option<bool>,
}

/// `[deploy]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    branch: Option<String>,
    remote: Option<String>,
    cname: Option<String>,
}

/// `[images]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    process: Option<bool>,
    widths: Option<Vec<u32>>,
    quality: Option<u8>,
    column: Option<u32>,
    formats: Option<Vec<String>>,
}

/// What the build does to the images posts show (`[images]`), resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// Size, lazy-load and resize local images; `false` leaves them as written.
    pub process: bool,
    /// Widths of the resized copies, ascending, each narrower than the image.
    pub widths: Vec<u32>,
    /// Lossy WebP quality of resized photos, 1 to 100.
    pub quality: u8,
    /// The widest the theme shows an image, in CSS pixels: the `sizes` a browser picks by.
    pub column: u32,
    /// The formats resized copies are made in, each once (WebP, and AVIF when built with it).
    pub formats: Vec<CopyFormat>,
}

/// A format resized copies are made in (`[images] formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CopyFormat {
    Webp,
    /// Only in an inkpress built with the `avif` cargo feature (its encoder, rav1e, is large).
    Avif,
}

impl CopyFormat {
    pub fn name(self) -> &'static str {
        match self {
            CopyFormat::Webp => "webp",
            CopyFormat::Avif => "avif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            CopyFormat::Webp => "image/webp",
            CopyFormat::Avif => "image/avif",
        }
    }
}

/// `[check]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    links: Option<Severity>,
    external_skip: Option<Vec<String>>,
    external_cache_hours: Option<u64>,
    external_timeout: Option<u64>,
}

/// `inkpress check --external`: which links to leave alone, how long an answer holds.
#[derive(Debug, Clone)]
pub struct ExternalCheck {
    /// Hosts (`example.com`, which covers its subdomains) and URL prefixes
    /// (`https://x.org/private/`) never asked.
    pub skip: Vec<String>,
    /// How long a link that answered well is taken as good without asking again.
    pub cache_for: std::time::Duration,
    /// How long one request may take, connecting included.
    pub timeout: std::time::Duration,
}

/// Whether a problem fails `build` and `serve` (`check` fails on either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Warning,
    Error,
}

/// What a feed entry carries: the whole post, or only its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    Full,
    Summary,
}

/// The feeds to write, resolved.
#[derive(Debug, Clone)]
pub struct Feeds {
    /// File name of the RSS 2.0 feed (`rss.xml`), or `None` when turned off.
    pub rss: Option<String>,
    /// File name of the Atom feed (`atom.xml`), or `None` when turned off.
    pub atom: Option<String>,
    /// Most entries in one feed; `0` means every post.
    pub limit: usize,
    pub content: FeedContent,
    /// What tag feeds carry. Summaries by default: with whole posts, a post with five
    /// tags would be copied into a dozen feeds, and the output would be mostly feeds.
    pub tag_content: FeedContent,
    /// Whether each tag gets feeds of its own under `tags/<slug>/`.
    pub tags: bool,
}

/// Where `inkpress deploy` publishes, resolved.
#[derive(Debug, Clone)]
pub struct Deploy {
    pub branch: String,
    pub remote: String,
    /// Custom domain written to `CNAME` on the published branch.
    pub cname: Option<String>,
}

/// The search index, resolved.
#[derive(Debug, Clone)]
pub struct Search {
    pub enabled: bool,
    /// Folder of the index under the output, without slashes at either end (`search-index`).
    pub output: String,
}

/// The resolved configuration: defaults applied, URLs normalised, paths absolute.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    pub author: String,
    /// Always ends with `/`; may carry a path prefix (`https://user.github.io/repo/`).
    pub base_url: String,
    pub language: String,
    /// chrono's locale for `language`: dates are written in it.
    pub locale: String,
    /// How the theme writes dates (strftime), in `locale`.
    pub date_format: String,
    pub posts_per_page: usize,
    pub home_posts: usize,
    /// Posts in `related` on each post page (those sharing the most tags).
    pub related_posts: usize,
    pub output_dir: PathBuf,
    /// Default social card image, as an absolute URL.
    pub image: Option<String>,
    pub sitemap: bool,
    pub robots: bool,
    pub feeds: Feeds,
    pub deploy: Deploy,
    /// What broken internal links do to `build` and `serve` (`[check] links`).
    pub broken_links: Severity,
    /// `[check] external_*`: settings of `check --external`.
    pub external: ExternalCheck,
    /// Comments under posts; `None` (the default) for none.
    pub comments: Option<Comments>,
    /// Analytics; `None` (the default) for none.
    pub analytics: Option<Analytics>,
    /// Where posts and tags are published (`[permalinks]`).
    pub permalinks: Permalinks,
    /// `[redirects]`: old pages' and old feeds' URLs, and where they now are.
    pub redirects: Redirects,
    pub search: Search,
    /// Free-form `[extra]` table, handed to templates as `site.extra`.
    pub extra: serde_json::Value,
    /// `[images]`: how local images are sized, loaded and resized.
    pub images: ImageSettings,
}

/// Options given on the command line that override the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub output_dir: Option<PathBuf>,
    /// A local preview (`serve`): no analytics, so a writer's own visits are never
    /// counted. The `[analytics]` table is still checked.
    pub preview: bool,
}

impl Config {
    /// Reads `inkpress.toml` under `root` if it exists; a site with only `content/` gets defaults.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Diagnostic::io(&path, "read the config file", &e).into()),
        };
        let raw = parse_raw(&path, &text)?;
        let file = ConfigText {
            path: &path,
            text: &text,
        };
        resolve(root, raw, overrides, &file)
    }

    /// The site's path prefix: `/` for a user site, `/repo/` for a project site.
    pub fn base_path(&self) -> &str {
        base_path_of(&self.base_url)
    }

    /// Absolute URL of a site path such as `blog/x/` (leading `/` optional).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// A URL as a writer gives it (an image in front matter) made absolute: full URLs are
    /// kept, `/static/x` and `/x` are site paths, anything else is relative to `page`.
    pub fn absolute_url(&self, url: &str, page: &str) -> String {
        // `https://…`, and `mailto:` in an author's links.
        if crate::html::has_scheme(url) {
            return url.to_owned();
        }
        if let Some(rest) = url.strip_prefix("//") {
            let scheme = self.base_url.split("//").next().unwrap_or("https:");
            return format!("{scheme}//{rest}");
        }
        match url.strip_prefix('/') {
            Some(rest) => self.url(rest.strip_prefix("static/").unwrap_or(rest)),
            None => self.url(&format!("{page}{url}")),
        }
    }
}

/// The path part of a base URL (`https://h/repo/` → `/repo/`).
pub fn base_path_of(base_url: &str) -> &str {
    let after_scheme = base_url
        .find("://")
        .map_or(base_url, |i| &base_url[i + 3..]);
    after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
}

/// Accepts `https://x.org`, `https://x.org/repo` and adds the trailing slash every URL is built on.
pub fn normalize_base_url(url: &str) -> std::result::Result<String, String> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "base URL `{url}` must start with http:// or https://"
        ));
    }
    let mut url = url.to_owned();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

fn parse_raw(path: &Path, text: &str) -> Result<RawConfig> {
    toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::new(path, e.message().to_owned());
        if let Some(span) = e.span() {
            let (line, col) = line_col(text, span.start);
            d = d.at(text, line, col);
        }
        let hint = if e.message().contains("unknown field") {
            "remove the key or fix its spelling; theme settings of your own go under [extra]"
        } else {
            "inkpress.toml is TOML: key = \"value\", one per line"
        };
        d.hint(hint).into()
    })
}

fn resolve(root: &Path, raw: RawConfig, o: &Overrides, file: &ConfigText) -> Result<Config> {
    let path = file.path;
    let from_file = raw.base_url.as_deref().unwrap_or("http://localhost:1111/");
    let base_url = o.base_url.as_deref().unwrap_or(from_file);
    let base_url = normalize_base_url(base_url).map_err(|msg| {
        Diagnostic::new(path, msg)
            .hint("set base_url = \"https://you.github.io/\" or pass --base-url")
    })?;
    let per_page = raw.posts_per_page.unwrap_or(10);
    if per_page == 0 {
        return Err(Diagnostic::new(path, "posts_per_page must be at least 1").into());
    }
    let output_dir = match &o.output_dir {
        Some(dir) => dir.clone(),
        None => PathBuf::from(raw.output_dir.as_deref().unwrap_or("public")),
    };
    let output_dir = if output_dir.is_absolute() {
        output_dir
    } else {
        root.join(output_dir)
    };
    let feeds = resolve_feeds(raw.feeds, path)?;
    let deploy = resolve_deploy(raw.deploy, path)?;
    let comments = resolve_comments(raw.comments, path)?;
    let analytics = resolve_analytics(raw.analytics, path)?.filter(|_| !o.preview);
    let language = raw.language.unwrap_or_else(|| "en".to_owned());
    let date_format = reader::resolve_date_format(raw.date_format, &language, path)?;
    let permalinks = resolve_permalinks(raw.permalinks, file)?;
    let redirects = resolve_redirects(raw.redirects, file)?;
    let images = resolve_images(raw.images, path)?;
    let search = resolve_search(raw.search, path)?;
    let mut config = Config {
        root: root.to_path_buf(),
        title: raw.title.unwrap_or_else(|| "My Blog".to_owned()),
        description: raw.description.unwrap_or_default(),
        author: raw.author.unwrap_or_default(),
        base_url,
        locale: reader::locale_of(&language),
        date_format,
        language,
        posts_per_page: per_page,
        home_posts: raw.home_posts.unwrap_or(5),
        related_posts: raw.related_posts.unwrap_or(3),
        output_dir,
        image: None,
        sitemap: raw.sitemap.unwrap_or(true),
        robots: raw.robots.unwrap_or(true),
        feeds,
        deploy,
        broken_links: raw.check.links.unwrap_or_default(),
        external: ExternalCheck {
            skip: raw.check.external_skip.unwrap_or_default(),
            cache_for: std::time::Duration::from_secs(
                3600 * raw.check.external_cache_hours.unwrap_or(24),
            ),
            timeout: std::time::Duration::from_secs(
                raw.check.external_timeout.unwrap_or(10).max(1),
            ),
        },
        comments,
        analytics,
        permalinks,
        redirects,
        search,
        extra: serde_json::to_value(raw.extra).unwrap_or_default(),
        images,
    };
    // Needs the base URL: a site path such as `/images/card.png` becomes absolute.
    config.image = raw.image.map(|i| config.absolute_url(&i, ""));
    Ok(config)
}

fn resolve_images(raw: RawImages, path: &Path) -> Result<ImageSettings> {
    let mut widths = raw.widths.unwrap_or_else(|| vec![480, 960, 1440]);
    widths.sort_unstable();
    widths.dedup();
    let quality = raw.quality.unwrap_or(80);
    let bad = |msg: &str, hint: &str| -> Result<ImageSettings> {
        Err(Diagnostic::new(path, format!("[images] {msg}"))
            .hint(hint)
            .into())
    };
    if widths.iter().any(|&w| !(16..=8192).contains(&w)) {
        return bad(
            &format!("widths = {widths:?}: each width must be 16 to 8192 pixels"),
            "for example widths = [480, 960, 1440]",
        );
    }
    if !(1..=100).contains(&quality) {
        return bad(
            &format!("quality = {quality} must be 1 to 100"),
            "80 keeps photos sharp at a third of a JPEG's bytes",
        );
    }
    let mut formats = Vec::new();
    for name in raw.formats.unwrap_or_else(|| vec!["webp".to_owned()]) {
        let format = match name.as_str() {
            "webp" => CopyFormat::Webp,
            "avif" if cfg!(feature = "avif") => CopyFormat::Avif,
            "avif" => {
                return bad(
                    "formats: \"avif\" needs an inkpress built with the `avif` feature",
                    "install it with `cargo install inkpress --features avif`, or write formats = [\"webp\"]",
                )
            }
            other => {
                return bad(
                    &format!("formats: {other:?} is not a format inkpress makes copies in"),
                    "the formats are \"webp\" and (built with the `avif` feature) \"avif\"",
                )
            }
        };
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    if formats.is_empty() {
        return bad(
            "formats = [] names no format",
            "to make no resized copies at all, write widths = []",
        );
    }
    formats.sort_unstable();
    Ok(ImageSettings {
        process: raw.process.unwrap_or(true),
        widths,
        quality,
        column: raw.column.unwrap_or(736).max(1),
        formats,
    })
}

fn resolve_feeds(raw: RawFeeds, path: &Path) -> Result<Feeds> {
    // An empty name turns a feed off; a name with a folder would clash with pages.
    let name = |value: Option<String>, default: &str, key: &str| -> Result<Option<String>> {
        let value = value.unwrap_or_else(|| default.to_owned());
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.contains(['/', '\\']) || !value.ends_with(".xml") || value.starts_with('.') {
            return Err(Diagnostic::new(
                path,
                format!("[feeds] {key} = {value:?} must be a file name ending in .xml"),
            )
            .hint("for example rss = \"index.xml\" or atom = \"feed.xml\"; \"\" turns the feed off")
            .into());
        }
        Ok(Some(value.to_owned()))
    };
    let rss = name(raw.rss, "rss.xml", "rss")?;
    let atom = name(raw.atom, "atom.xml", "atom")?;
    if rss.is_some() && rss == atom {
        return Err(
            Diagnostic::new(path, "[feeds] rss and atom have the same file name")
                .hint("give each feed a name of its own, or turn one off with \"\"")
                .into(),
        );
    }
    Ok(Feeds {
        rss,
        atom,
        limit: raw.limit.unwrap_or(20),
        content: raw.content.unwrap_or(FeedContent::Full),
        tag_content: raw.tag_content.unwrap_or(FeedContent::Summary),
        tags: raw.tags.unwrap_or(true),
    })
}

fn resolve_deploy(raw: RawDeploy, path: &Path) -> Result<Deploy> {
    let non_empty = |v: Option<String>, key: &str, default: &str| -> Result<String> {
        let v = v.unwrap_or_else(|| default.to_owned());
        if v.trim().is_empty() || v.contains(char::is_whitespace) {
            return Err(
                Diagnostic::new(path, format!("[deploy] {key} = {v:?} is not a git name"))
                    .hint(format!("leave it out for the default, {default:?}"))
                    .into(),
            );
        }
        Ok(v)
    };
    let cname = raw
        .cname
        .map(|c| c.trim().trim_end_matches('/').to_owned())
        .filter(|c| !c.is_empty());
    if let Some(c) = &cname {
        if c.contains("://") || c.contains('/') {
            return Err(Diagnostic::new(
                path,
                format!("[deploy] cname = {c:?} must be a bare domain"),
            )
            .hint("write cname = \"blog.example.com\", without https:// or a path")
            .into());
        }
    }
    Ok(Deploy {
        branch: non_empty(raw.branch, "branch", "gh-pages")?,
        remote: non_empty(raw.remote, "remote", "origin")?,
        cname,
    })
}

fn resolve_search(raw: RawSearch, path: &Path) -> Result<Search> {
    let output = raw.output.unwrap_or_else(|| "search-index".to_owned());
    let output = output.trim().trim_matches('/').to_owned();
    // The index is a folder of the site: it must stay inside it and not be the site itself.
    let bad = output.is_empty()
        || output.contains('\\')
        || output
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == ".." || seg.starts_with('.'));
    if bad {
        return Err(Diagnostic::new(
            path,
            format!("[search] output = {output:?} is not a folder of the site"),
        )
        .hint("write a folder name such as output = \"search-index\" or \"assets/search\"")
        .into());
    }
    Ok(Search {
        enabled: raw.enabled.unwrap_or(true),
        output,
    })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary_compat(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_user_and_project_sites() {
        assert_eq!(base_path_of("https://u.github.io/"), "/");
        assert_eq!(base_path_of("https://u.github.io/repo/"), "/repo/");
        assert_eq!(base_path_of("http://127.0.0.1:8080/"), "/");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err =
            parse_raw(Path::new("inkpress.toml"), "title = \"x\"\ntitel = \"y\"\n").unwrap_err();
        let d = &err.0[0];
        assert!(d.message.contains("titel"), "{}", d.message);
        assert_eq!(d.line, Some(2));
    }

    pub(super) fn load(text: &str) -> std::result::Result<Config, String> {
        let path = Path::new("inkpress.toml");
        let file = ConfigText { path, text };
        parse_raw(path, text)
            .and_then(|raw| resolve(Path::new("/site"), raw, &Overrides::default(), &file))
            .map_err(|e| e.0[0].message.clone())
    }

    #[test]
    fn absolute_url_of_images_under_a_project_site() {
        let c =
            load("base_url = \"https://u.github.io/repo\"\nimage = \"/static/card.png\"").unwrap();
        assert_eq!(
            c.image.as_deref(),
            Some("https://u.github.io/repo/card.png")
        );
        assert_eq!(
            c.absolute_url("/img/a.png", "blog/x/"),
            "https://u.github.io/repo/img/a.png"
        );
        assert_eq!(
            c.absolute_url("a.png", "blog/x/"),
            "https://u.github.io/repo/blog/x/a.png"
        );
        assert_eq!(
            c.absolute_url("https://cdn.example/a.png", ""),
            "https://cdn.example/a.png"
        );
        assert_eq!(
            c.absolute_url("//cdn.example/a.png", ""),
            "https://cdn.example/a.png"
        );
    }

    #[test]
    fn search_defaults_and_checks() {
        let c = load("").unwrap();
        assert!(c.search.enabled);
        assert_eq!(c.search.output, "search-index");
        let c = load("[search]\nenabled = false\noutput = \"/assets/find/\"").unwrap();
        assert!(!c.search.enabled);
        assert_eq!(c.search.output, "assets/find");
        for bad in ["\"\"", "\"../up\"", "\"a//b\"", "\".hidden\""] {
            assert!(load(&format!("[search]\noutput = {bad}")).is_err(), "{bad}");
        }
        assert!(load("[search]\nenable = true").is_err());
    }

    #[test]
    fn feed_and_deploy_defaults_and_checks() {
        let c = load("").unwrap();
        assert_eq!(c.feeds.rss.as_deref(), Some("rss.xml"));
        assert_eq!(c.feeds.atom.as_deref(), Some("atom.xml"));
        assert_eq!(
            (c.feeds.limit, c.feeds.content, c.feeds.tags),
            (20, FeedContent::Full, true)
        );
        assert!(c.sitemap && c.robots);
        assert_eq!(
            (c.deploy.branch.as_str(), c.deploy.remote.as_str()),
            ("gh-pages", "origin")
        );
        assert_eq!(load("[feeds]\natom = \"\"").unwrap().feeds.atom, None);
        assert!(load("[feeds]\nrss = \"a.xml\"\natom = \"a.xml\"")
            .unwrap_err()
            .contains("same file name"));
        assert!(load("[feeds]\ncontent = \"excerpt\"")
            .unwrap_err()
            .contains("unknown variant"));
        assert!(load("[deploy]\ncname = \"https://blog.example.org\"")
            .unwrap_err()
            .contains("bare domain"));
        assert!(load("[deploy]\nbrnch = \"x\"")
            .unwrap_err()
            .contains("unknown field"));
        let c = load("[deploy]\ncname = \"blog.example.org\"\nbranch = \"site\"").unwrap();
        assert_eq!(c.deploy.cname.as_deref(), Some("blog.example.org"));
        assert_eq!(c.deploy.branch, "site");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
