//! Math: `$…$` and `$$…$$` (pulldown-cmark's math option) written as MathML Core at build
//! time with math-core, which browsers show without a script or a font of ours. A formula
//! math-core cannot convert is shown as its source in `<code>`, and warned about when the
//! body is loaded ([`problem`]).

use super::rewrite::{line_column, BodyWarning};
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark::Event;
use std::ops::Range;
use std::sync::OnceLock;

fn converter() -> &'static LatexToMathML {
    static CONVERTER: OnceLock<LatexToMathML> = OnceLock::new();
    CONVERTER.get_or_init(|| {
        LatexToMathML::new(MathCoreConfig::default())
            .expect("the default configuration has no macros to fail on")
    })
}

/// A formula's MathML, or why it has none. math-core 0.7 panics on some input it should
/// reject (`a^&` in a matrix, found by fuzzing): that panic is caught and made an error
/// like the others, without its message on stderr, so the formula is shown as code.
fn convert(latex: &str, display: MathDisplay) -> Result<String, String> {
    let converted = super::caught::caught(|| {
        converter()
            .convert_with_local_state(latex, display)
            .map(|result| result.mathml)
            .map_err(|e| e.error_message())
    });
    converted.unwrap_or_else(|| Err("math-core failed on it".to_owned()))
}

/// Event adapter: each formula becomes its MathML (a display formula a block of its own),
/// or its source in `<code class="math-error">`.
pub fn math<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|event| match event {
        Event::InlineMath(latex) => Event::InlineHtml(html(&latex, MathDisplay::Inline).into()),
        Event::DisplayMath(latex) => Event::InlineHtml(html(&latex, MathDisplay::Block).into()),
        other => other,
    })
}

fn html(latex: &str, display: MathDisplay) -> String {
    match convert(latex, display) {
        Ok(mathml) => mathml,
        Err(_) => {
            let mut code = String::from("<code class=\"math-error\">");
            pulldown_cmark_escape::escape_html(&mut code, latex)
                .expect("writing to a String cannot fail");
            code.push_str("</code>");
            code
        }
    }
}

/// Why a formula event cannot be converted, as a warning at its place in `markdown`.
pub fn problem(markdown: &str, event: &Event, range: &Range<usize>) -> Option<BodyWarning> {
    let (latex, display) = match event {
        Event::InlineMath(l) => (l, MathDisplay::Inline),
        Event::DisplayMath(l) => (l, MathDisplay::Block),
        _ => return None,
    };
    let reason = convert(latex, display).err()?;
    Some(BodyWarning {
        at: line_column(markdown, range.start),
        message: format!(
            "the formula `{}` cannot be written as MathML ({reason}): its source is shown as code",
            latex.trim()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html::push_html, Options, Parser};

    fn render(markdown: &str) -> String {
        let mut out = String::new();
        push_html(
            &mut out,
            math(Parser::new_ext(markdown, Options::ENABLE_MATH)),
        );
        out
    }

    #[test]
    fn formulas_become_mathml() {
        let out =
            render("Euler: $e^{i\\pi} + 1 = 0$.\n\n$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$\n");
        assert_eq!(out.matches("<math").count(), 2, "{out}");
        assert!(out.contains("<math display=\"block\">"), "{out}");
        assert!(out.contains("<mfrac>"), "{out}");
    }

    #[test]
    fn a_formula_that_fails_is_its_source_in_code_and_a_warning() {
        let markdown = "Fine $x$.\n\nBroken $\\nosuchcommand{a}$ here.\n";
        let out = render(markdown);
        assert!(
            out.contains("<code class=\"math-error\">\\nosuchcommand{a}</code>"),
            "{out}"
        );
        let warnings: Vec<_> = Parser::new_ext(markdown, Options::ENABLE_MATH)
            .into_offset_iter()
            .filter_map(|(event, range)| problem(markdown, &event, &range))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].at, (3, 8));
    }

    /// Found by fuzzing: math-core 0.7 panics on a superscript of `&` in a matrix.
    #[test]
    fn a_formula_math_core_panics_on_is_its_source_and_a_warning_too() {
        let markdown = "$$\\begin{pmatrix} a^& b \\end{pmatrix}$$\n\nAfter $x$.\n";
        let out = render(markdown);
        assert!(out.contains("<code class=\"math-error\">"), "{out}");
        assert_eq!(
            out.matches("<math").count(),
            1,
            "the next formula still is: {out}"
        );
        let warnings: Vec<_> = Parser::new_ext(markdown, Options::ENABLE_MATH)
            .into_offset_iter()
            .filter_map(|(event, range)| problem(markdown, &event, &range))
            .collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].message.contains("math-core failed on it"),
            "{warnings:?}"
        );
    }
}
