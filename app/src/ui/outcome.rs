//! Wiring an action's result to the screen: success runs a callback, failure shows the
//! translated error (see [`crate::ui::error_box::ErrorBox`]).

use crate::error::AppError;
use leptos::prelude::*;

pub fn on_outcome<I, T>(
    action: Action<I, Result<T, AppError>>,
    error: RwSignal<Option<AppError>>,
    on_ok: impl Fn() + Send + Sync + 'static,
) where
    I: Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Effect::new(move || match action.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            on_ok();
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
}
