//! The default theme, compiled into the binary: the repository's own `templates/` and
//! `static/` folders. A site's `templates/NAME.html` replaces just that template, and a
//! site's `static/` file replaces the theme file at the same path.

/// Templates by name. A test keeps this list equal to the files in `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("post.html", include_str!("../templates/post.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("author.html", include_str!("../templates/author.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("rss.xml", include_str!("../templates/rss.xml")),
    ("atom.xml", include_str!("../templates/atom.xml")),
];

/// Theme assets by output path. A test keeps this list equal to the files in `static/`,
/// less `static/images/`: the example site's own pictures (an avatar, project cards).
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "css/inkpress.css",
        include_bytes!("../static/css/inkpress.css"),
    ),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("js/inkpress.js", include_bytes!("../static/js/inkpress.js")),
    ("js/search.js", include_bytes!("../static/js/search.js")),
    (
        "js/stem-english.js",
        include_bytes!("../static/js/stem-english.js"),
    ),
];

#[cfg(test)]
mod tests {
    /// Under `static/`, the example site's pictures: not part of the theme or the package.
    const EXAMPLE_IMAGES: &str = "images/";

    use super::*;
    use std::path::Path;

    fn files_under(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn embedded_theme_matches_the_repository_folders() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut templates: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        templates.sort();
        assert_eq!(
            templates,
            files_under(&root.join("templates")),
            "update render/theme.rs TEMPLATES"
        );
        let mut assets: Vec<String> = STATIC.iter().map(|(n, _)| n.to_string()).collect();
        assets.sort();
        let theme_files: Vec<String> = files_under(&root.join("static"))
            .into_iter()
            .filter(|f| !f.starts_with(EXAMPLE_IMAGES))
            .collect();
        assert_eq!(assets, theme_files, "update render/theme.rs STATIC");
    }
}
