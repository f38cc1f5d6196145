//! The plain reserve form (`POST /stock/reserve`) a tablet sends before its bundle runs:
//! the answer is a redirect to the page showing the outcome; a double tap (the same key
//! twice) holds once; too much is refused on the page with what was typed; another site's
//! form and a caller without a session make nothing.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{ledger_is_consistent, location_id, product_with_stock};
use serde_json::Value;

/// Posts the form as a browser would (bearer instead of the cookie); returns the status
/// and where it sends the browser.
async fn post_form(
    app: &TestApp,
    token: Option<&str>,
    origin: Option<&str>,
    fields: &[(&'static str, String)],
) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    let mut req = client
        .post(app.url("/stock/reserve"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    let res = req.send().await.expect("request");
    let to = res
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (res.status().as_u16(), to)
}

/// The query of a redirect, decoded.
fn query(location: &str) -> Vec<(String, String)> {
    let q = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn param(location: &str, name: &str) -> Option<String> {
    query(location)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn holds(app: &TestApp, product: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM reservation WHERE product_id = $1 AND status = 'active'",
    )
    .bind(product)
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    n
}

#[tokio::test]
async fn the_plain_reserve_form_holds_once_and_answers_with_the_page() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let moscow = location_id(&app, "Тверская").await;
        let drill = product_with_stock(&app, &admin, "FORM-1", &[(moscow, "3")]).await;
        let (_, token) = app.sign_in("seller1").await;
        let (product, location) = (drill.to_string(), moscow.to_string());
        let form = |qty: &str, key: &str| -> Vec<(&'static str, String)> {
            vec![
                ("product", product.clone()),
                ("location", location.clone()),
                ("qty", qty.to_string()),
                ("client", "Петров, +7 916 123-45-67".to_string()),
                ("key", key.to_string()),
            ]
        };
        // Too many: the page again, with the form open, what was typed, and why.
        let too_many = form("5", "form-key-0001");
        let (status, to) = post_form(&app, Some(&token), None, &too_many).await;
        assert_eq!(status, 303, "{to}");
        assert_eq!(
            param(&to, "reserve").as_deref(),
            Some(location.as_str()),
            "{to}"
        );
        assert_eq!(param(&to, "qty").as_deref(), Some("5"));
        assert_eq!(
            param(&to, "client").as_deref(),
            Some("Петров, +7 916 123-45-67")
        );
        let refused: Value =
            serde_json::from_str(&param(&to, "refused").expect("refused")).expect("json");
        assert_eq!(refused["code"], "not_enough_stock", "{refused}");
        assert_eq!(holds(&app, drill).await, 0, "nothing held");

        // A double tap: the same key twice, one hold, both answers name it.
        let two = form("2", "form-key-0002");
        let (s1, first) = post_form(&app, Some(&token), None, &two).await;
        let (s2, second) = post_form(&app, Some(&token), None, &two).await;
        assert_eq!((s1, s2), (303, 303));
        let id = param(&first, "reserved").expect("reserved");
        assert_eq!(param(&second, "reserved"), Some(id), "the same hold");
        assert!(
            first.starts_with(&format!("/stock?product={drill}")),
            "{first}"
        );
        assert_eq!(holds(&app, drill).await, 1, "one hold");

        // Another site's form, or nobody signed in: nothing is made.
        let one = form("1", "form-key-0003");
        let (status, _) = post_form(&app, Some(&token), Some("https://evil.example"), &one).await;
        assert_eq!(status, 403);
        let (status, to) = post_form(&app, None, None, &one).await;
        assert_eq!(status, 303);
        let refused: Value =
            serde_json::from_str(&param(&to, "refused").expect("refused")).expect("json");
        assert_eq!(refused["code"], "unauthorized");
        // A forged location or quantity is an error on the page, not a crash.
        let mut forged = one.clone();
        forged[1].1 = "99999999999999999999".into();
        forged[2].1 = "1e400".into();
        let (status, to) = post_form(&app, Some(&token), None, &forged).await;
        assert_eq!(status, 303);
        assert!(param(&to, "refused").is_some(), "{to}");
        // A NUL typed into the form: a page in the reader's language, with a way back.
        let mut nul = form("1", "form-key-0004");
        nul[3].1 = "Смирнов\u{0}".into();
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(nul.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let res = reqwest::Client::new()
            .post(app.url("/stock/reserve"))
            .bearer_auth(&token)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept-language", "ru-RU,ru;q=0.9")
            .header("referer", app.url(&format!("/stock?product={drill}")))
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 422);
        assert!(res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")));
        let page = res.text().await.expect("page");
        assert!(
            page.contains("client: содержит управляющий символ"),
            "{page}"
        );
        assert!(page.contains("href=\"/stock\""), "{page}");
        assert_eq!(holds(&app, drill).await, 1, "still one hold");
        ledger_is_consistent(&app).await;
        app
    })
    .await;
}
