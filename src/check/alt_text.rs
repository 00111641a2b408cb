//! Images a reader who cannot see them gets nothing from: Markdown's `![](x.png)` with
//! nothing between the brackets, and raw HTML's `<img>` with no `alt` at all. An
//! explicit `alt=""` is a decorative image by the writer's choice and is left alone, as
//! WCAG's technique H67 and axe-core's image-alt rule have it. Warnings in every command:
//! a missing description does not break the page for those who see it.

use crate::content::Document;
use crate::error::Diagnostic;
use crate::markdown::link_places::MissingAlt;
use crate::markdown::Outline;

/// One warning for each image of a document without a text alternative (`outline`: the
/// document's, which notes its images).
pub fn images_without_alt(doc: &Document, outline: Option<&Outline>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if let Some(o) = outline {
        for link in &o.links {
            let Some(missing) = link.missing_alt else {
                continue;
            };
            let (line, column) = doc.markdown_in_file((link.line, link.column));
            let url = &link.url;
            let (message, hint) = match missing {
                MissingAlt::EmptyBrackets => (
                    format!("image `{url}` has no alt text"),
                    format!(
                        "say what it shows between the brackets: ![what it shows]({url}); \
                         if it is only decoration, write <img src=\"{url}\" alt=\"\">"
                    ),
                ),
                MissingAlt::NoAttribute => (
                    format!("<img> `{url}` has no alt attribute"),
                    "add alt=\"what the image shows\", or alt=\"\" if it is only decoration"
                        .to_owned(),
                ),
            };
            let mut d = Diagnostic::new(&doc.source.display, message).hint(hint);
            d.line = Some(line);
            d.column = Some(column);
            found.push(d);
        }
    }
    found
}
