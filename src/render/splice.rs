//! A huge body's page, made without the copies rendering would hold beside its HTML.
//!
//! Tera copies every value it is given, and writes the page into a string of its own: a
//! post of 50 MB of Markdown (some 120 MB of HTML) would be held three times at once. For
//! a body over [`SPLICE_FROM`], the page's template is rendered twice with a short mark
//! standing for the body (two marks of different lengths and content), and when both
//! pages are the same but for the mark, found once, the template writes the body as it
//! is: the page is the rendering around the mark with the HTML put where the mark stood.
//! Otherwise (a template that escapes, filters or repeats the content) the page is
//! rendered as any other, with the HTML itself.

use super::context::{page_values, Inputs};
use super::plan::Page;
use super::templates::Templates;
use crate::error::Diagnostic;
use crate::markdown::{Outline, Rendered};
use bytes::Bytes;
use std::sync::Arc;
use tera::Context;

/// The length of Markdown (bytes) from which a body's page is spliced.
pub const SPLICE_FROM: usize = 1024 * 1024;

/// The marks standing for the body: an HTML comment, which escaping, `striptags` and
/// case filters change; the second long enough that `truncate` changes it too, unless
/// told to keep over 64 KiB.
fn marks() -> [String; 2] {
    [
        "<!--inkpress:body-->".to_owned(),
        format!("<!--inkpress:Body {}-->", "=".repeat(64 * 1024)),
    ]
}

/// The page of `page`, whose own document's body is `rendered`: spliced when its
/// template writes the body as it is, else rendered with it.
pub fn page(
    page: &Page,
    path: &str,
    inputs: &Inputs,
    base: &Context,
    templates: &Templates,
    rendered: Arc<Rendered>,
    outline: Arc<Outline>,
) -> Result<Bytes, Diagnostic> {
    let render = |html: &Arc<Rendered>| {
        let body = |_: &crate::content::Document| Ok((Arc::clone(html), Arc::clone(&outline)));
        let inputs = Inputs {
            body: &body,
            ..*inputs
        };
        let mut context = base.clone();
        let template = page_values(page, &inputs, &mut context)?;
        let html = templates.render(&template, &context);
        html.map_err(|d| d.while_making(path))
    };
    let [first, second] = marks().map(|mark| {
        Arc::new(Rendered {
            html: mark,
            card: rendered.card.clone(),
        })
    });
    let (around, other) = (render(&first)?, render(&second)?);
    if let Some(at) = only_place(&around, &first.html) {
        let after = at + first.html.len();
        let same_around = other.len() + first.html.len() == around.len() + second.html.len()
            && other.starts_with(&around[..at])
            && other[at..].starts_with(&second.html)
            && other.ends_with(&around[after..]);
        if same_around {
            let length = around.len() - first.html.len() + rendered.html.len();
            let mut bytes = Vec::with_capacity(length);
            bytes.extend_from_slice(&around.as_bytes()[..at]);
            bytes.extend_from_slice(rendered.html.as_bytes());
            bytes.extend_from_slice(&around.as_bytes()[after..]);
            return Ok(Bytes::from(bytes));
        }
    }
    render(&rendered).map(Bytes::from)
}

/// Where `mark` is in `text`, if it is there exactly once.
fn only_place(text: &str, mark: &str) -> Option<usize> {
    let at = text.find(mark)?;
    (!text[at + mark.len()..].contains(mark)).then_some(at)
}
