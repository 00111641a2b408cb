//! What each page's `<head>` says about it: title, description, canonical URL, social
//! card and, for posts, JSON-LD. Built here once so that templates only place values.

use crate::config::Config;
use crate::content::Document;
use crate::site::Site;
use serde::Serialize;

/// `meta` in every template.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    /// The page's own title (`post.title`, `Tags`), without the site's.
    pub title: String,
    /// Plain text for `<meta name="description">` and social cards.
    pub description: String,
    /// `canonicalUrl` from front matter, else the page's own absolute URL.
    pub canonical_url: String,
    /// Absolute URL of the social card image: first of `images`, else the site's `image`.
    pub image: Option<String>,
    /// OpenGraph type: `article` for posts, `website` for everything else.
    pub og_type: &'static str,
    /// RFC 3339 dates of a post, for `article:published_time` / `article:modified_time`.
    pub published: Option<String>,
    pub modified: Option<String>,
    /// A `BlogPosting` as JSON, safe to place in a `<script>` element (posts only).
    pub json_ld: Option<String>,
}

impl PageMeta {
    /// A generated page (home, list, tags) with this title, or the site's title.
    pub fn page(
        config: &Config,
        title: Option<&str>,
        description: Option<String>,
        url: String,
    ) -> Self {
        PageMeta {
            title: title.unwrap_or(&config.title).to_owned(),
            // Never empty: search engines show a description, and rate a page without one.
            description: description
                .or_else(|| (!config.description.is_empty()).then(|| config.description.clone()))
                .unwrap_or_else(|| config.title.clone()),
            canonical_url: url,
            image: config.image.clone(),
            og_type: "website",
            published: None,
            modified: None,
            json_ld: None,
        }
    }

    /// A post (with JSON-LD) or a page, from its document, its plain-text description and
    /// the card made of its first image (a site URL), if any.
    pub fn document(
        doc: &Document,
        site: &Site,
        description: &str,
        card: Option<&str>,
        config: &Config,
        is_post: bool,
    ) -> Self {
        let url = config.url(&doc.path);
        let canonical_url = doc
            .meta
            .canonical_url
            .clone()
            .unwrap_or_else(|| url.clone());
        let image = doc
            .meta
            .images
            .first()
            .map(|i| config.absolute_url(i, doc.dir()))
            .or_else(|| card.map(|c| config.url(c)))
            .or_else(|| config.image.clone());
        let published = doc.meta.date.map(|d| d.rfc3339());
        let modified = doc.meta.updated().map(|d| d.rfc3339());
        let description = if description.is_empty() {
            config.description.clone()
        } else {
            description.to_owned()
        };
        let json_ld = is_post.then(|| {
            let authors: Vec<&str> = if doc.meta.authors.is_empty() {
                Some(config.author.as_str()).filter(|a| !a.is_empty()).into_iter().collect()
            } else {
                doc.meta.authors.iter().map(|a| site.author_name(a)).collect()
            };
            let value = serde_json::json!({
                "@context": "https://schema.org",
                "@type": "BlogPosting",
                "headline": doc.meta.title,
                "description": description,
                "url": url,
                "mainEntityOfPage": { "@type": "WebPage", "@id": canonical_url },
                "datePublished": published,
                "dateModified": modified,
                "image": image,
                "inLanguage": config.language,
                "keywords": doc.meta.tags,
                "author": authors.iter().map(|a| serde_json::json!({"@type": "Person", "name": a})).collect::<Vec<_>>(),
                "publisher": { "@type": "Organization", "name": config.title, "url": config.base_url },
            });
            script_safe_json(&without_empty(value))
        });
        PageMeta {
            title: doc.meta.title.clone(),
            description,
            canonical_url,
            image,
            og_type: if is_post { "article" } else { "website" },
            published: published.filter(|_| is_post),
            modified: modified.filter(|_| is_post),
            json_ld,
        }
    }
}

/// Leaves out fields with nothing to say (no image, no author) rather than writing `null`.
fn without_empty(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
    }
    value
}

/// JSON for an inline `<script>`: `<` only ever occurs inside JSON strings, where `\u003c`
/// means the same, and without it a title holding `</script>` would end the element.
fn script_safe_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_in_script_cannot_close_the_element() {
        let v = serde_json::json!({ "headline": "a </script><b>" });
        let s = script_safe_json(&v);
        assert!(!s.contains("</script>"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
