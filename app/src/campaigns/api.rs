//! Server functions of campaigns, templates, segments and Settings → Mail.

use super::{
    Campaign, CampaignCommand, CampaignInput, ClientMail, MailSettings, MailSettingsInput,
    MailTemplate, MailTemplateInput, Recipient, Rendered, Segment, SegmentCount, SegmentFilter,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {super::service, super::RecipientStatus, crate::auth::api::caller, crate::error::with_status};

#[server(endpoint = "campaigns/list", input = Json)]
pub async fn list_campaigns() -> Result<Vec<Campaign>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::list(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/get", input = Json)]
pub async fn get_campaign(id: i64) -> Result<Campaign, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::get(&state.db, &caller, id).await
        }
        .await,
    )
}

/// A new draft (`id` null) or an edited draft.
#[server(endpoint = "campaigns/save", input = Json)]
pub async fn save_campaign(id: Option<i64>, input: CampaignInput) -> Result<Campaign, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save(&state.db, &caller, id, input).await
        }
        .await,
    )
}

/// Start, pause, resume or cancel.
#[server(endpoint = "campaigns/command", input = Json)]
pub async fn command_campaign(id: i64, command: CampaignCommand) -> Result<Campaign, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::command(&state.db, &caller, id, command).await
        }
        .await,
    )
}

/// A page of recipients; `status` empty: all.
#[server(endpoint = "campaigns/recipients", input = Json)]
pub async fn campaign_recipients(
    id: i64,
    status: String,
    offset: i64,
) -> Result<Vec<Recipient>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            let status = RecipientStatus::parse(&status);
            service::recipients(&state.db, &caller, id, status, 100, offset).await
        }
        .await,
    )
}

/// The live count as a segment is built.
#[server(endpoint = "campaigns/count", input = Json)]
pub async fn count_segment(filter: SegmentFilter) -> Result<SegmentCount, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::count(&state.db, &caller, &filter).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/segments", input = Json)]
pub async fn list_segments() -> Result<Vec<Segment>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::segments(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/save_segment", input = Json)]
pub async fn save_segment(name: String, filter: SegmentFilter) -> Result<Segment, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_segment(&state.db, &caller, &name, filter).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/templates", input = Json)]
pub async fn list_mail_templates() -> Result<Vec<MailTemplate>, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::templates(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/save_template", input = Json)]
pub async fn save_mail_template(
    id: Option<i64>,
    input: MailTemplateInput,
) -> Result<MailTemplate, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_template(&state.db, &caller, id, input).await
        }
        .await,
    )
}

/// Content rendered for a real client (`client_id`) or a sample one.
#[server(endpoint = "campaigns/preview", input = Json)]
pub async fn preview_mail(
    subject: String,
    text: String,
    html: String,
    client_id: Option<i64>,
) -> Result<Rendered, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::preview(&state.db, &caller, &subject, &text, &html, client_id).await
        }
        .await,
    )
}

/// Sends the content to one address (a test to oneself); answers the server's reply.
#[server(endpoint = "campaigns/test_send", input = Json)]
pub async fn test_send(
    subject: String,
    text: String,
    html: String,
    client_id: Option<i64>,
    to: String,
) -> Result<String, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::test_send(&state.db, &caller, &subject, &text, &html, client_id, &to).await
        }
        .await,
    )
}

/// What a client's card shows of their mail.
#[server(endpoint = "campaigns/client_mail", input = Json)]
pub async fn mail_of_client(client_id: i64) -> Result<ClientMail, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::client_mail(&state.db, &caller, client_id).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/settings", input = Json)]
pub async fn get_mail_settings() -> Result<MailSettings, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::settings(&state.db, &caller).await
        }
        .await,
    )
}

#[server(endpoint = "campaigns/save_settings", input = Json)]
pub async fn save_mail_settings(input: MailSettingsInput) -> Result<MailSettings, AppError> {
    with_status(
        async {
            let (state, caller) = caller().await?;
            service::save_settings(&state.db, &caller, input).await
        }
        .await,
    )
}
