//! What the default theme offers readers beyond the page, as configured: comments
//! (`[comments]`) and analytics (`[analytics]`), raw as written, then resolved.

use crate::error::{Diagnostic, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `[comments]` as written: the provider, and the settings its own site gives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComments {
    provider: Option<CommentsProvider>,
    repo: Option<String>,
    repo_id: Option<String>,
    category: Option<String>,
    category_id: Option<String>,
    mapping: Option<String>,
    issue_term: Option<String>,
    label: Option<String>,
}

/// `[analytics]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAnalytics {
    provider: Option<AnalyticsProvider>,
    id: Option<String>,
    src: Option<String>,
}

/// Who counts the visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalyticsProvider {
    Plausible,
    Umami,
    Goatcounter,
    Google,
}

/// One deferred analytics script on every page `build` writes (never in `serve`).
#[derive(Debug, Clone, Serialize)]
pub struct Analytics {
    pub provider: AnalyticsProvider,
    /// Plausible: the site's domain; Umami: the website id; GoatCounter: the site code;
    /// Google: the measurement id (`G-…`). Letters, digits, `.`, `_` and `-` only.
    pub id: String,
    /// The script's URL: `src` from the file (a self-hosted Plausible or Umami), else
    /// the provider's own.
    pub src: String,
}

/// Where comments live: GitHub Discussions (giscus) or GitHub Issues (utterances).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentsProvider {
    Giscus,
    Utterances,
}

/// Comments under each post, resolved and complete for their provider.
#[derive(Debug, Clone, Serialize)]
pub struct Comments {
    pub provider: CommentsProvider,
    /// `owner/name` of the GitHub repository that holds them.
    pub repo: String,
    /// giscus only, from giscus.app's configuration page.
    pub repo_id: Option<String>,
    pub category: Option<String>,
    pub category_id: Option<String>,
    /// How a page finds its discussion or issue (giscus `mapping`, utterances
    /// `issue_term`): `pathname` unless set.
    pub term: String,
    /// utterances only: the label given to new issues.
    pub label: Option<String>,
}

pub(super) fn resolve_analytics(raw: RawAnalytics, path: &Path) -> Result<Option<Analytics>> {
    let Some(provider) = raw.provider else {
        if raw.id.is_some() || raw.src.is_some() {
            return Err(
                Diagnostic::new(path, "[analytics] has settings but no provider")
                    .hint("add provider = \"plausible\", \"umami\", \"goatcounter\" or \"google\"")
                    .into(),
            );
        }
        return Ok(None);
    };
    let id = raw.id.unwrap_or_default().trim().to_owned();
    // The id goes into HTML attributes and, for Google, a script: only plain characters.
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Diagnostic::new(
            path,
            format!("[analytics] id = {id:?} must be the provider's id: letters, digits, '.', '_' or '-'"),
        )
        .hint("Plausible: your domain (blog.example.com); Umami: the website id; GoatCounter: the site code; Google: G-XXXXXXX")
        .into());
    }
    let src = match raw.src.map(|s| s.trim().to_owned()) {
        Some(src) if src.starts_with("https://") || src.starts_with("http://") => {
            if src.contains(['"', '<', '>', ' ']) {
                return Err(Diagnostic::new(
                    path,
                    format!("[analytics] src = {src:?} is not a URL"),
                )
                .hint("write the script's full URL, https://…")
                .into());
            }
            src
        }
        Some(src) => return Err(Diagnostic::new(
            path,
            format!("[analytics] src = {src:?} is not a URL"),
        )
        .hint("write the script's full URL, https://…; leave it out for the provider's own")
        .into()),
        None => match provider {
            AnalyticsProvider::Plausible => "https://plausible.io/js/script.js".to_owned(),
            AnalyticsProvider::Umami => "https://cloud.umami.is/script.js".to_owned(),
            AnalyticsProvider::Goatcounter => "https://gc.zgo.at/count.js".to_owned(),
            AnalyticsProvider::Google => {
                format!("https://www.googletagmanager.com/gtag/js?id={id}")
            }
        },
    };
    Ok(Some(Analytics { provider, id, src }))
}

pub(super) fn resolve_comments(raw: RawComments, path: &Path) -> Result<Option<Comments>> {
    let error = |message: String, hint: &str| -> crate::error::Diagnostics {
        Diagnostic::new(path, message).hint(hint).into()
    };
    let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let set = |v: &Option<String>, key: &'static str| v.as_ref().map(|_| key);
    let giscus_keys = [
        set(&raw.repo_id, "repo_id"),
        set(&raw.category, "category"),
        set(&raw.category_id, "category_id"),
        set(&raw.mapping, "mapping"),
    ];
    let utterances_keys = [set(&raw.issue_term, "issue_term"), set(&raw.label, "label")];
    let Some(provider) = raw.provider else {
        if raw.repo.is_some()
            || giscus_keys
                .iter()
                .chain(&utterances_keys)
                .any(Option::is_some)
        {
            return Err(error(
                "[comments] has settings but no provider".into(),
                "add provider = \"giscus\" or provider = \"utterances\"; without one there are no comments",
            ));
        }
        return Ok(None);
    };
    let repo = text(raw.repo).unwrap_or_default();
    let parts: Vec<&str> = repo.split('/').collect();
    if parts.len() != 2
        || parts
            .iter()
            .any(|p| p.is_empty() || p.contains(char::is_whitespace))
    {
        return Err(error(
            format!("[comments] repo = {repo:?} must be a GitHub repository, owner/name"),
            "for example repo = \"you/blog-comments\": a public repository that holds the comments",
        ));
    }
    let (foreign, name) = match provider {
        CommentsProvider::Giscus => (&utterances_keys[..], "giscus"),
        CommentsProvider::Utterances => (&giscus_keys[..], "utterances"),
    };
    if let Some(key) = foreign.iter().flatten().next() {
        return Err(error(
            format!("[comments] {key} is not a setting of {name}"),
            "remove it, or change provider: repo_id, category, category_id and mapping are giscus's; issue_term and label are utterances'",
        ));
    }
    let (repo_id, category, category_id) =
        (text(raw.repo_id), text(raw.category), text(raw.category_id));
    if provider == CommentsProvider::Giscus {
        let missing: Vec<&str> = [
            ("repo_id", &repo_id),
            ("category", &category),
            ("category_id", &category_id),
        ]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| *k)
        .collect();
        if !missing.is_empty() {
            return Err(error(
                format!("[comments] giscus needs {}", missing.join(", ")),
                "giscus.app's configuration page shows them for your repository",
            ));
        }
    }
    let term = match provider {
        CommentsProvider::Giscus => raw.mapping,
        CommentsProvider::Utterances => raw.issue_term,
    };
    Ok(Some(Comments {
        provider,
        repo,
        repo_id,
        category,
        category_id,
        term: text(term).unwrap_or_else(|| "pathname".to_owned()),
        label: text(raw.label),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::load;
    use super::*;

    #[test]
    fn analytics_are_off_by_default_and_checked_when_on() {
        assert!(load("").unwrap().analytics.is_none());
        let a = load("[analytics]\nprovider = \"plausible\"\nid = \"blog.example.com\"\n")
            .unwrap()
            .analytics
            .unwrap();
        assert_eq!(a.src, "https://plausible.io/js/script.js");
        let a = load("[analytics]\nprovider = \"google\"\nid = \"G-AB12\"\n")
            .unwrap()
            .analytics
            .unwrap();
        assert_eq!(a.src, "https://www.googletagmanager.com/gtag/js?id=G-AB12");
        let a = load("[analytics]\nprovider = \"umami\"\nid = \"94db1cb1\"\nsrc = \"https://stats.example.com/u.js\"\n")
            .unwrap()
            .analytics
            .unwrap();
        assert_eq!(a.src, "https://stats.example.com/u.js");
        for (text, says) in [
            (
                "[analytics]\nprovider = \"matomo\"\nid = \"1\"\n",
                "unknown variant `matomo`",
            ),
            ("[analytics]\nid = \"x\"\n", "no provider"),
            (
                "[analytics]\nprovider = \"google\"\n",
                "must be the provider's id",
            ),
            (
                "[analytics]\nprovider = \"google\"\nid = \"G-1\\\");alert(1)//\"\n",
                "must be the provider's id",
            ),
            (
                "[analytics]\nprovider = \"umami\"\nid = \"a\"\nsrc = \"/u.js\"\n",
                "is not a URL",
            ),
        ] {
            let err = load(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn comments_are_off_by_default_and_complete_when_on() {
        assert!(load("").unwrap().comments.is_none());
        let giscus = load(
            "[comments]\nprovider = \"giscus\"\nrepo = \"me/blog\"\nrepo_id = \"R_1\"\n\
             category = \"Comments\"\ncategory_id = \"DIC_1\"\n",
        )
        .unwrap()
        .comments
        .unwrap();
        assert_eq!(giscus.provider, CommentsProvider::Giscus);
        assert_eq!(giscus.term, "pathname");
        let utterances = load(
            "[comments]\nprovider = \"utterances\"\nrepo = \"me/blog\"\nissue_term = \"title\"\n",
        )
        .unwrap()
        .comments
        .unwrap();
        assert_eq!(utterances.term, "title");
        for (text, says) in [
            (
                "[comments]\nprovider = \"disqus\"\n",
                "unknown variant `disqus`",
            ),
            ("[comments]\nrepo = \"me/blog\"\n", "no provider"),
            (
                "[comments]\nprovider = \"utterances\"\nrepo = \"blog\"\n",
                "owner/name",
            ),
            (
                "[comments]\nprovider = \"giscus\"\nrepo = \"me/blog\"\nrepo_id = \"R\"\n",
                "giscus needs category, category_id",
            ),
            (
                "[comments]\nprovider = \"utterances\"\nrepo = \"me/blog\"\ncategory = \"x\"\n",
                "category is not a setting of utterances",
            ),
        ] {
            let err = load(text).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }
}
