//! Plain HTML forms the server answers before the browser bundle runs (a tablet on a weak
//! link): each does what its screen's button does, then sends the browser to the page
//! that shows the outcome (POST, then a 303 to a GET: a reload never repeats it). Once
//! the bundle runs, the screens send the same requests as server functions instead.

use app::auth::service::Caller;
use app::error::{AppError, Field};
use app::idempotency::Key;
use app::quantity::Qty;
use app::state::AppState;
use app::stock::{reservations, ReserveInput};
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap};
use serde::Deserialize;

/// The stock page's reserve form (`app::stock::ui::availability`). Every field is taken
/// as text so that a bad one is answered on the page, not with a bare rejection.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReserveForm {
    product: String,
    location: String,
    qty: String,
    client: String,
    /// Made by the server with the page: a double tap sends it twice, one hold is made.
    key: String,
}

/// `POST /stock/reserve`: a hold, then `/stock?product=…&reserved=ID`; refused, the page
/// again with the form open, what was typed, and the error (`&refused=`, shown translated).
pub async fn reserve(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Result<Caller, AppError>,
    Form(form): Form<ReserveForm>,
) -> Response {
    if !same_origin(&headers) {
        return AppError::Forbidden.into_response();
    }
    let Ok(product) = form.product.trim().parse::<i64>() else {
        return Redirect::to("/stock").into_response();
    };
    match hold(&state, caller, &form, product).await {
        Ok(id) => {
            let query = encode(&[
                ("product", &product.to_string()),
                ("reserved", &id.to_string()),
            ]);
            Redirect::to(&format!("/stock?{query}")).into_response()
        }
        Err(e) => {
            let refused = serde_json::to_string(&e).unwrap_or_default();
            let query = encode(&[
                ("product", &product.to_string()),
                ("reserve", form.location.trim()),
                ("qty", &form.qty),
                ("client", &form.client),
                ("refused", &refused),
            ]);
            Redirect::to(&format!("/stock?{query}")).into_response()
        }
    }
}

async fn hold(
    state: &AppState,
    caller: Result<Caller, AppError>,
    form: &ReserveForm,
    product_id: i64,
) -> Result<i64, AppError> {
    let caller = caller?;
    let location_id = form
        .location
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let input = ReserveInput {
        product_id,
        location_id,
        qty: Qty::parse(&form.qty, Field::Quantity)?,
        order_id: None,
        client: form.client.clone(),
    };
    let made = if form.key.is_empty() {
        reservations::reserve(&state.db, &state.hub, &caller, input).await?
    } else {
        let key = Key::parse(&form.key)?;
        reservations::reserve_keyed(&state.db, &state.hub, &caller, input, key)
            .await?
            .0
    };
    Ok(made.id)
}

/// A form posted from another site is refused (the session cookie is `SameSite=Lax`, so
/// it would not come along anyway; this holds even for a browser that ignores that).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let bare = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or(origin);
    !host.is_empty() && bare == host
}

fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_sites_form_is_refused() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "shop.example:3000".parse().expect("host"));
        assert!(
            same_origin(&headers),
            "no Origin: a same-site form of an old browser"
        );
        headers.insert(
            header::ORIGIN,
            "http://shop.example:3000".parse().expect("origin"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            "https://evil.example".parse().expect("origin"),
        );
        assert!(!same_origin(&headers));
    }
}
