//! A campaign's subject, plain text and HTML rendered for one client (minijinja).
//!
//! Placeholders: `{{ client.name }}`, `{{ client.email }}`, `{{ client.phone }}`,
//! `{{ last_order.number }}`, `{{ last_order.date }}`, `{{ last_order.total }}`,
//! `{{ balance }}`, `{{ debt }}` (what the client owes, or 0), `{{ shop.name }}`,
//! `{{ shop.city }}`, `{{ shop.address }}` (the shop of the last order),
//! `{{ company.name }}`, `{{ campaign.name }}`, `{{ unsubscribe_url }}`.
//! The HTML part escapes every value; the subject and the text take them as they are.
//! Every message ends with the unsubscribe link unless the template already shows it.

use super::Rendered;
use crate::customers::Phone;
use crate::error::AppError;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};
use serde::Serialize;
use sqlx::AnyConnection;

#[derive(Debug, Clone, Serialize)]
pub struct ClientPart {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderPart {
    pub number: String,
    pub date: String,
    pub total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShopPart {
    pub name: String,
    pub city: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NamePart {
    pub name: String,
}

/// Everything a template may show of one client.
#[derive(Debug, Clone, Serialize)]
pub struct MailContext {
    pub client: ClientPart,
    pub last_order: Option<OrderPart>,
    pub balance: String,
    pub debt: String,
    pub shop: Option<ShopPart>,
    pub company: NamePart,
    pub campaign: NamePart,
    pub unsubscribe_url: String,
    /// Whether the client is reachable now (consent, an email not known to be dead).
    #[serde(skip)]
    pub reachable: bool,
    /// Whether the client consents to mail now.
    #[serde(skip)]
    pub consent: bool,
}

/// `18 314,40 ₽`: money as a Russian client reads it.
pub fn money_text(kopecks: i64) -> String {
    crate::format::money(crate::quantity::Money(kopecks), crate::i18n::Lang::Ru)
}

#[derive(sqlx::FromRow)]
struct ClientRow {
    name: String,
    email: String,
    consent: i64,
    email_invalid: i64,
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    number: String,
    local_day: i64,
    total: i64,
    shop: String,
    city: String,
    address: String,
}

/// Reads what the templates show of one client.
pub async fn context(
    conn: &mut AnyConnection,
    client_id: i64,
    campaign: &str,
    unsubscribe_url: String,
) -> Result<MailContext, AppError> {
    let client: ClientRow =
        sqlx::query_as("SELECT name, email, consent, email_invalid FROM client WHERE id = $1")
            .bind(client_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    let phone: Option<(String,)> = sqlx::query_as(
        "SELECT phone FROM client_phone WHERE client_id = $1 ORDER BY position LIMIT 1",
    )
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    let order: Option<OrderRow> = sqlx::query_as(
        "SELECT o.number, o.local_day, o.total, l.name AS shop, l.city, l.address \
         FROM orders o JOIN location l ON l.id = o.shop_id JOIN stage s ON s.id = o.stage_id \
         WHERE o.client_id = $1 AND s.kind <> 'cancelled' ORDER BY o.created_at DESC, o.id DESC LIMIT 1",
    )
    .bind(client_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (paid, obligations): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END) \
                FROM payment WHERE client_id = $1 AND planned = 0), 0) AS BIGINT), \
                CAST(COALESCE((SELECT SUM(o.total) FROM orders o JOIN stage s ON s.id = o.stage_id \
                WHERE o.client_id = $1 AND s.kind <> 'cancelled'), 0) AS BIGINT)",
    )
    .bind(client_id)
    .fetch_one(&mut *conn)
    .await?;
    let company: Option<(String,)> = sqlx::query_as("SELECT name FROM company WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let balance = paid - obligations;
    Ok(MailContext {
        reachable: client.consent == 1 && !client.email.is_empty() && client.email_invalid == 0,
        consent: client.consent == 1,
        client: ClientPart {
            id: client_id,
            name: client.name,
            email: client.email,
            phone: phone.map(|p| Phone(p.0).display()).unwrap_or_default(),
        },
        shop: order.as_ref().map(|o| ShopPart {
            name: o.shop.clone(),
            city: o.city.clone(),
            address: o.address.clone(),
        }),
        last_order: order.map(|o| {
            let (y, m, d) = crate::time::civil(o.local_day);
            OrderPart {
                number: o.number,
                date: format!("{d:02}.{m:02}.{y:04}"),
                total: money_text(o.total),
            }
        }),
        balance: money_text(balance),
        debt: money_text((-balance).max(0)),
        company: NamePart {
            name: company.map(|c| c.0).unwrap_or_default(),
        },
        campaign: NamePart {
            name: campaign.to_string(),
        },
        unsubscribe_url,
    })
}

/// How much work one rendering may do (minijinja's fuel): a letter takes a few hundred
/// units; a template that loops a million times is stopped, not run for minutes.
pub const FUEL: u64 = 200_000;

fn environment(html: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(move |_| {
        if html {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env
}

fn render_one(source: &str, html: bool, ctx: &MailContext) -> Result<String, AppError> {
    environment(html)
        .render_str(source, Value::from_serialize(ctx))
        .map_err(|e| AppError::Template {
            line: e.line().unwrap_or(0) as u32,
            reason: match e.detail() {
                Some(detail) => format!("{} ({detail})", e.kind()),
                None => e.kind().to_string(),
            },
        })
}

/// Escapes text for an HTML attribute or element.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Renders the three parts; adds the unsubscribe link where the template has none.
pub fn render(
    subject: &str,
    text: &str,
    html: &str,
    ctx: &MailContext,
) -> Result<Rendered, AppError> {
    // A subject is one line: a value with a line break can't add headers.
    let subject = render_one(subject, false, ctx)?
        .replace(['\r', '\n'], " ")
        .trim()
        .to_string();
    let mut text = render_one(text, false, ctx)?;
    let url = &ctx.unsubscribe_url;
    if !text.contains(url.as_str()) {
        text.push_str(&format!(
            "\n\n--\nОтписаться от рассылки / Unsubscribe: {url}\n"
        ));
    }
    let mut html = if html.trim().is_empty() {
        String::new()
    } else {
        render_one(html, true, ctx)?
    };
    let escaped = escape_html(url);
    // minijinja writes `/` as `&#x2f;` in HTML: the link is there in either spelling.
    let shown = html.contains(escaped.as_str()) || html.contains(&escaped.replace('/', "&#x2f;"));
    if !html.is_empty() && !shown {
        let footer = format!(
            "<p style=\"font-size:12px;color:#555\"><a href=\"{escaped}\">Отписаться от рассылки / Unsubscribe</a></p>"
        );
        match html.rfind("</body>") {
            Some(at) => html.insert_str(at, &footer),
            None => html.push_str(&footer),
        }
    }
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(name: &str) -> MailContext {
        MailContext {
            client: ClientPart {
                id: 1,
                name: name.into(),
                email: "a@b.ru".into(),
                phone: String::new(),
            },
            last_order: None,
            balance: money_text(-1_831_440),
            debt: money_text(1_831_440),
            shop: None,
            company: NamePart {
                name: "Витрина".into(),
            },
            campaign: NamePart {
                name: "Зима".into(),
            },
            unsubscribe_url: "http://x/unsubscribe/1/abc".into(),
            reachable: true,
            consent: true,
        }
    }

    #[test]
    fn money_reads_with_spaces_and_a_comma() {
        assert_eq!(money_text(1_831_440), "18\u{a0}314,40\u{a0}₽");
        assert_eq!(money_text(5), "0,05\u{a0}₽");
        assert_eq!(money_text(-100_000_000), "−1\u{a0}000\u{a0}000,00\u{a0}₽");
    }

    #[test]
    fn html_escapes_values_and_text_does_not_and_the_link_is_added() {
        let c = ctx("<b>Иван</b> & Co");
        let r = render(
            "Здравствуйте, {{ client.name }}\nBcc: x",
            "Долг: {{ debt }}",
            "<html><body><p>{{ client.name }}</p></body></html>",
            &c,
        )
        .expect("rendered");
        assert_eq!(r.subject, "Здравствуйте, <b>Иван</b> & Co Bcc: x");
        assert!(r.text.starts_with("Долг: 18\u{a0}314,40"), "{}", r.text);
        assert!(r.text.contains("http://x/unsubscribe/1/abc"));
        assert!(r.html.contains("&lt;b&gt;Иван&lt;"), "{}", r.html);
        assert!(!r.html.contains("<b>Иван"), "{}", r.html);
        assert!(r.html.contains("&amp; Co"), "{}", r.html);
        assert!(r.html.contains("href=\"http://x/unsubscribe/1/abc\""));
        assert!(r.html.ends_with("</p></body></html>"), "{}", r.html);
    }

    #[test]
    fn a_template_that_shows_the_link_gets_no_second_one() {
        let r = render(
            "S",
            "{{ unsubscribe_url }}",
            "<p><a href=\"{{ unsubscribe_url }}\">x</a></p>",
            &ctx("A"),
        )
        .expect("rendered");
        assert_eq!(r.text, "http://x/unsubscribe/1/abc");
        assert_eq!(r.html.matches("unsubscribe").count(), 1, "{}", r.html);
    }

    #[test]
    fn a_template_that_loops_without_end_runs_out_of_fuel() {
        let err = render(
            "S",
            "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
            "",
            &ctx("A"),
        )
        .expect_err("stopped");
        assert!(matches!(err, AppError::Template { .. }), "{err:?}");
    }

    #[test]
    fn a_template_that_does_not_parse_is_refused_with_its_line() {
        let err = render("Hi", "line\n{% for x in %}", "", &ctx("A")).expect_err("refused");
        assert!(matches!(err, AppError::Template { line: 2, .. }), "{err:?}");
    }
}
