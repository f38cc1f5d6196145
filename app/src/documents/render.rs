//! Rendering a document template (minijinja, HTML auto-escaped) against a context. What
//! a client typed is escaped; a field the context lacks renders as a visible gap; a
//! template that does not parse or run is refused with its line and the reason.

use crate::error::AppError;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

/// What a missing field looks like in a rendered document.
pub const GAP: &str = r#"<span class="gap">______</span>"#;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // A missing object and a missing field of it are both just missing (no crash).
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_formatter(|out, state, value| {
        if value.is_undefined() || value.is_none() {
            out.write_str(GAP)?;
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
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
        let ctx = json!({"client": {"name": "<script>alert(1)</script> & Co"}, "total": "100.00"});
        let html = render(
            "<p>{{ client.name }}</p><p>{{ client.inn }}</p><p>{{ nothing.at.all }}</p><p>{{ total }}</p>",
            &ctx,
        )
        .expect("renders");
        assert_eq!(
            html,
            format!(
                "<p>&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Co</p><p>{GAP}</p><p>{GAP}</p><p>100.00</p>"
            )
        );
    }

    #[test]
    fn a_broken_template_is_refused_with_its_line() {
        let err = render(
            "<h1>Счёт</h1>\n<p>{{ client.name }}</p>\n{% for line in %}\n",
            &json!({}),
        )
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
