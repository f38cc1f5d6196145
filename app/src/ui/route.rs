//! Reading the route.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route as a number (0 when missing or not a number, which
/// every screen answers as "not found").
pub fn use_id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    move || id.get()
}
