//! Server functions of auth: thin doors into [`super::service`].

use super::{ApiTokenInfo, Me, NewApiToken};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub use ssr::{caller, set_cookie};

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::service::{authenticate, Caller};
    use crate::error::AppError;
    use crate::state::{state, AppState};
    use leptos::prelude::*;

    /// The guard for server functions: state plus the authenticated caller (401 otherwise).
    pub async fn caller() -> Result<(AppState, Caller), AppError> {
        let state = state()?;
        let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
        let caller = authenticate(&state.db, &parts.headers).await?;
        Ok((state, caller))
    }

    pub fn set_cookie(value: String) {
        if let (Some(opts), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&value),
        ) {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// Signs in and sets the session cookie.
#[server(endpoint = "auth/login")]
pub async fn login(login: String, password: String) -> Result<Me, AppError> {
    crate::error::with_status(
        async {
            let state = crate::state::state()?;
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let peer = parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0);
            let address = super::service::client_address(&parts.headers, peer);
            let outcome = super::service::login(&state.db, &login, &password, &address).await?;
            set_cookie(super::service::session_cookie(&outcome.token));
            super::service::me(&state.db, &outcome.caller).await
        }
        .await,
    )
}

/// Ends the current session and clears the cookie.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let state = crate::state::state()?;
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            if let Some(secret) = super::service::secret_from_headers(&parts.headers) {
                super::service::logout(&state.db, &secret).await?;
            }
            set_cookie(super::service::clear_session_cookie());
            Ok(())
        }
        .await,
    )
}

/// The signed-in user, or `None` for a visitor (never an error for "not signed in").
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    crate::error::with_status(
        async {
            match caller().await {
                Ok((state, caller)) => super::service::me(&state.db, &caller).await.map(Some),
                Err(AppError::Unauthorized) => Ok(None),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

#[server(endpoint = "auth/tokens/list", input = Json)]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    crate::error::with_status(
        async {
            let (state, caller) = caller().await?;
            super::service::list_api_tokens(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "auth/tokens/create", input = Json)]
pub async fn create_api_token(name: String, employee_id: i64) -> Result<NewApiToken, AppError> {
    crate::error::with_status(
        async {
            let (state, caller) = caller().await?;
            super::service::create_api_token(&state.db, &caller, &name, employee_id).await
        }
        .await,
    )
}

#[server(endpoint = "auth/tokens/revoke", input = Json)]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async {
            let (state, caller) = caller().await?;
            super::service::revoke_api_token(&state.db, &caller, id).await
        }
        .await,
    )
}
