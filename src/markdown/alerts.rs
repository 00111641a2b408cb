//! GitHub-style alerts (`> [!NOTE]` … `> [!CAUTION]`): pulldown-cmark finds them (with
//! `ENABLE_GFM`) and writes a bare `<blockquote class="markdown-alert-note">`; this adapter
//! writes each as a titled callout instead, as GitHub shows them.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

/// The class suffix and the title of an alert.
fn name_and_title(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Event adapter: each alert becomes `<div class="alert alert-KIND" role="note">` with a
/// `<p class="alert-title">` first; plain block quotes pass through.
pub fn alerts<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|event| match event {
        Event::Start(Tag::BlockQuote(Some(kind))) => {
            let (name, title) = name_and_title(kind);
            Event::Html(CowStr::from(format!(
                "<div class=\"alert alert-{name}\" role=\"note\">\n<p class=\"alert-title\">{title}</p>\n"
            )))
        }
        Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::Borrowed("</div>\n")),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Options, Parser};

    fn render(markdown: &str) -> String {
        let mut out = String::new();
        html::push_html(
            &mut out,
            alerts(Parser::new_ext(markdown, Options::ENABLE_GFM)),
        );
        out
    }

    #[test]
    fn each_kind_is_a_titled_callout() {
        for (marker, name, title) in [
            ("NOTE", "note", "Note"),
            ("TIP", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("WARNING", "warning", "Warning"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let html = render(&format!("> [!{marker}]\n> Mind the *gap*.\n"));
            assert_eq!(
                html,
                format!(
                    "<div class=\"alert alert-{name}\" role=\"note\">\n<p class=\"alert-title\">{title}</p>\n\
                     <p>Mind the <em>gap</em>.</p>\n</div>\n"
                )
            );
        }
    }

    #[test]
    fn plain_and_nested_quotes_stay_quotes() {
        assert_eq!(
            render("> just a quote\n"),
            "<blockquote>\n<p>just a quote</p>\n</blockquote>\n"
        );
        let nested = render("> [!TIP]\n> outer\n> > inner\n");
        assert!(
            nested.starts_with("<div class=\"alert alert-tip\""),
            "{nested}"
        );
        assert!(
            nested.contains("<blockquote>\n<p>inner</p>\n</blockquote>\n</div>"),
            "{nested}"
        );
    }
}
