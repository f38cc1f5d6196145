//! Rendering a document template (minijinja placeholders in typst markup) against a
//! context. Every value is escaped for typst markup, so what a client typed is printed as
//! typed and never read as markup; a field the context lacks renders as a visible gap; a
//! template that does not parse or run is refused with its line and the reason.

use crate::error::AppError;
use minijinja::{Environment, UndefinedBehavior, Value};
use std::fmt::Write;

/// What a missing field looks like in a document: a red blank to fill in by hand.
pub const GAP: &str = r##"#text(fill: rgb("#b91c1c"))[\_\_\_\_\_\_]"##;

/// Writes `text` as typst markup that prints exactly `text`: every ASCII punctuation
/// mark is escaped with a backslash (typst reads `\x` as a literal `x`), and a line
/// break stays a line break.
pub fn escape_typst(out: &mut impl Write, text: &str) -> std::fmt::Result {
    for c in text.chars() {
        match c {
            '\n' => out.write_str("\\\n")?,
            '\r' => {}
            c if c.is_ascii_punctuation() => {
                out.write_char('\\')?;
                out.write_char(c)?;
            }
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // A missing object and a missing field of it are both just missing (no crash).
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_formatter(|out, _state, value| {
        if value.is_undefined() || value.is_none() {
            out.write_str(GAP)?;
        } else if value.is_safe() {
            out.write_str(&value.to_string())?;
        } else {
            escape_typst(out, &value.to_string())?;
        }
        Ok(())
    });
    env
}

/// Renders `template` with `context` (any serialisable value).
pub fn render(template: &str, context: &impl serde::Serialize) -> Result<String, AppError> {
    let env = environment();
    env.render_str(template, Value::from_serialize(context))
        .map_err(|e| AppError::Template {
            line: e.line().unwrap_or(0) as u32,
            reason: match e.detail() {
                Some(detail) => format!("{} ({detail})", e.kind()),
                None => e.kind().to_string(),
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn client_text_is_escaped_and_missing_fields_show_as_gaps() {
        let ctx = json!({"client": {"name": "#set page(width: 1cm) *ООО* $x$ [a] <l> @r // \\"}, "total": "100.00"});
        let out = render(
            "= {{ client.name }}\n{{ client.inn }} {{ nothing.at.all }} {{ total }}",
            &ctx,
        )
        .expect("renders");
        assert_eq!(
            out,
            format!(
                "= \\#set page\\(width\\: 1cm\\) \\*ООО\\* \\$x\\$ \\[a\\] \\<l\\> \\@r \\/\\/ \\\\\n{GAP} {GAP} 100\\.00"
            )
        );
    }

    #[test]
    fn escaped_text_typesets_as_typed() {
        let typed = "#set page(width: 1cm) *bold* _x_ $1+1$ [a] <l> @r // - 1. = ~ `c` \\ \"q\"";
        let mut markup = String::new();
        escape_typst(&mut markup, typed).expect("escapes");
        let set = super::super::typeset::typeset(&markup, (2026, 1, 1)).expect("sets");
        assert_eq!(set.pages(), 1);
        assert_eq!(set.text().trim(), typed);
    }

    #[test]
    fn a_broken_template_is_refused_with_its_line() {
        let err = render("= Счёт\n{{ client.name }}\n{% for line in %}\n", &json!({}))
            .expect_err("refused");
        match err {
            AppError::Template { line, reason } => {
                assert_eq!(line, 3);
                assert!(reason.contains("syntax"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}
