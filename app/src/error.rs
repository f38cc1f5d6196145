//! One error type for the whole application.
//!
//! Server functions return it typed (it is serialisable), REST handlers turn it into
//! `{"error": {"code", "message"}}`, and the UI shows [`AppError::message_key`] in the
//! user's language. The HTTP status of every error is decided in [`AppError::status`],
//! nowhere else.

use crate::i18n::Key;
use crate::quantity::Qty;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Which input field a validation error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Login,
    Password,
    Role,
    Kind,
    City,
    Address,
    Latitude,
    Longitude,
    Location,
    Employee,
    Quantity,
    Product,
    Sku,
    Price,
    Unit,
    Category,
    Barcode,
    Reason,
    File,
    Phone,
    Email,
    Notes,
    Stage,
    Color,
    Action,
    Transition,
    Process,
    Client,
    Discount,
    Fund,
    Amount,
    Order,
    Message,
    Chat,
    Member,
    Comment,
    Inn,
    Kpp,
    Ogrn,
    Bank,
    Bik,
    BankAccount,
    Template,
    TimeZone,
    Document,
    Report,
    /// A field of a report (a column, grouping or filter path).
    ReportField,
    Measure,
    Filter,
    Period,
    /// An `Idempotency-Key` header.
    IdempotencyKey,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong,
    TooShort,
    OutOfRange,
    Invalid,
    NotFound,
    /// Text with NUL or another control character (tab and line breaks aside).
    ControlCharacter,
    /// A fraction of a piece (or of another unit counted in whole numbers).
    NotWhole,
}

/// What a conflict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conflict {
    LoginTaken,
    LocationNameTaken,
    LastAdmin,
    SkuTaken,
    BarcodeTaken,
    CategoryTaken,
    /// The product's unit can't change: it has stock moves in the old unit.
    UnitInUse,
    /// A stage can't be removed while records sit on it.
    StageInUse,
    /// The record moved meanwhile, or this move is not allowed from its stage.
    StageMoved,
    /// The payment was already received (not planned any more).
    PaymentReceived,
    /// The order is done or cancelled: it can't be edited any more.
    OrderClosed,
    /// The message or comment was deleted: it can't be edited.
    MessageDeleted,
    /// The reservation is no longer active (released, fulfilled or expired).
    ReservationClosed,
    /// The transfer was already received.
    TransferClosed,
    /// Another saved report has this name.
    ReportNameTaken,
    /// The reservation belongs to an order: it changes only through the order.
    ReservationOfOrder,
    /// The process's move does not apply to orders of this fulfilment kind.
    NotForFulfilment,
    /// The idempotency key was used before for another request.
    IdempotencyKeyReused,
    /// A campaign that has started can't be edited any more.
    CampaignStarted,
    /// Start, pause, resume or cancel does not fit the campaign's state.
    CampaignState,
    /// Another mail template has this name.
    TemplateNameTaken,
    /// Another active employee has this extension.
    ExtensionTaken,
    Other,
}

/// Where a refused quantity could come from instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortage {
    pub product_id: i64,
    pub location_id: i64,
    pub requested: Qty,
    pub available: Qty,
    /// Other locations with something available, most first.
    pub elsewhere: Vec<Elsewhere>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Elsewhere {
    pub location_id: i64,
    pub name: String,
    pub available: Qty,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong login or password")]
    InvalidCredentials,
    #[error("this account is deactivated")]
    AccountInactive,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid {field:?}: {problem:?}")]
    Validation { field: Field, problem: Problem },
    /// Text with NUL or another control character, found by the request guard before
    /// any handler: `field` is the request's own name for it (a JSON key, a parameter).
    #[error("{field}: control character")]
    ControlCharacter { field: String },
    #[error("conflict: {kind:?}")]
    Conflict { kind: Conflict },
    /// A move refused by one of its transition's guards: which, and what is missing
    /// (language-neutral: an amount, product names, transfer numbers, a template's name).
    #[error("move refused: {guard:?} {detail}")]
    GuardFailed {
        guard: crate::process::GuardKind,
        detail: String,
    },
    /// A comment @mentions colleagues who can't see its record (they would never be
    /// told): `names` lists them as "@login (Name)".
    #[error("mentioned colleagues can't see this record: {names}")]
    MentionCantSee { names: String },
    /// Goods of these order lines are still on their way: `detail` names the lines and
    /// the transfers carrying them.
    #[error("in transit: {detail}")]
    InTransit { detail: String },
    /// Asked for more than is available: what is available here and where else.
    #[error("not enough stock")]
    NotEnoughStock { shortage: Shortage },
    #[error("too many failed attempts; wait a minute")]
    TooManyAttempts,
    /// A document template that can't be rendered: where and why.
    #[error("template error on line {line}: {reason}")]
    Template { line: u32, reason: String },
    /// A sender posted too much too fast (flood protection).
    #[error("too many messages; wait a few seconds")]
    TooManyMessages,
    /// An uploaded file over the size limit.
    #[error("the file is larger than {max_mb} MB")]
    TooLarge { max_mb: u32 },
    /// An uploaded file of a type that is not accepted (by its content, not its name).
    #[error("this type of file is not accepted")]
    UnsupportedFile,
    #[error("the database is not answering")]
    Unavailable,
    /// Campaigns need an SMTP server and a sender (Settings → Mail or the environment).
    #[error("mail is not configured")]
    MailNotConfigured,
    /// The mail settings do not work: an SMTP URL or a sender address that is not valid.
    #[error("mail settings: {detail}")]
    MailSettings { detail: String },
    /// The SMTP server refused or could not be reached: its answer.
    #[error("the mail server answered: {detail}")]
    MailServer { detail: String },
    /// No PBX is set under Settings → Telephony.
    #[error("telephony is not configured")]
    TelephonyNotConfigured,
    /// Click-to-call needs an extension on the caller's employee card.
    #[error("you have no extension")]
    NoExtension,
    /// The PBX refused the call or could not be reached: why.
    #[error("the PBX answered: {detail}")]
    PbxFailed { detail: String },
    /// Too much at once (password checks queued, a write that lost a deadlock or a
    /// serialization race more than a few times): try again shortly.
    #[error("busy; try again")]
    Busy,
    #[error("internal error")]
    Internal,
    /// A request that could not be read (bad JSON, missing fields).
    #[error("malformed request: {detail}")]
    Malformed { detail: String },
    /// Transport-level failure of a server function call (network, encoding).
    #[error("request failed: {detail}")]
    Request { detail: String },
}

impl AppError {
    pub fn invalid(field: Field, problem: Problem) -> Self {
        AppError::Validation { field, problem }
    }

    pub fn conflict(kind: Conflict) -> Self {
        AppError::Conflict { kind }
    }

    /// Stable machine-readable code (the `code` of REST errors).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::AccountInactive => "account_inactive",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation { .. } | AppError::ControlCharacter { .. } => "validation",
            AppError::Conflict { .. } => "conflict",
            AppError::GuardFailed { .. } => "guard_failed",
            AppError::MentionCantSee { .. } => "mention_cant_see",
            AppError::InTransit { .. } => "in_transit",
            AppError::NotEnoughStock { .. } => "not_enough_stock",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::TooManyMessages => "too_many_messages",
            AppError::Template { .. } => "template",
            AppError::TooLarge { .. } => "too_large",
            AppError::UnsupportedFile => "unsupported_file",
            AppError::Unavailable => "unavailable",
            AppError::MailNotConfigured => "mail_not_configured",
            AppError::MailSettings { .. } => "mail_settings",
            AppError::MailServer { .. } => "mail_server",
            AppError::TelephonyNotConfigured => "telephony_not_configured",
            AppError::NoExtension => "no_extension",
            AppError::PbxFailed { .. } => "pbx_failed",
            AppError::Busy => "busy",
            AppError::Internal => "internal",
            AppError::Malformed { .. } => "malformed_request",
            AppError::Request { .. } => "request",
        }
    }

    /// The single mapping from error to HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::AccountInactive | AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. }
            | AppError::Conflict {
                kind: Conflict::IdempotencyKeyReused,
            }
            | AppError::ControlCharacter { .. }
            | AppError::MentionCantSee { .. }
            | AppError::MailSettings { .. }
            | AppError::NoExtension
            | AppError::Template { .. } => 422,
            AppError::MailServer { .. } | AppError::PbxFailed { .. } => 502,
            AppError::MailNotConfigured
            | AppError::TelephonyNotConfigured
            | AppError::Conflict { .. }
            | AppError::NotEnoughStock { .. }
            | AppError::GuardFailed { .. }
            | AppError::InTransit { .. } => 409,
            AppError::TooManyAttempts | AppError::TooManyMessages => 429,
            AppError::TooLarge { .. } => 413,
            AppError::UnsupportedFile => 415,
            AppError::Unavailable | AppError::Busy => 503,
            AppError::Internal => 500,
            AppError::Malformed { .. } | AppError::Request { .. } => 400,
        }
    }

    /// The message shown to a person, as a translation key.
    pub fn message_key(&self) -> Key {
        match self {
            AppError::Unauthorized => Key::ErrUnauthorized,
            AppError::InvalidCredentials => Key::ErrInvalidCredentials,
            AppError::AccountInactive => Key::ErrAccountInactive,
            AppError::Forbidden => Key::ErrForbidden,
            AppError::NotFound => Key::ErrNotFound,
            AppError::Validation { .. } => Key::ErrValidation,
            AppError::ControlCharacter { .. } => Key::ProblemControlCharacter,
            AppError::Conflict { kind } => match kind {
                Conflict::LoginTaken => Key::ErrLoginTaken,
                Conflict::LocationNameTaken => Key::ErrLocationNameTaken,
                Conflict::LastAdmin => Key::ErrLastAdmin,
                Conflict::SkuTaken => Key::ErrSkuTaken,
                Conflict::BarcodeTaken => Key::ErrBarcodeTaken,
                Conflict::CategoryTaken => Key::ErrCategoryTaken,
                Conflict::UnitInUse => Key::ErrUnitInUse,
                Conflict::StageInUse => Key::ErrStageInUse,
                Conflict::StageMoved => Key::ErrStageMoved,
                Conflict::PaymentReceived => Key::ErrPaymentReceived,
                Conflict::OrderClosed => Key::ErrOrderClosed,
                Conflict::MessageDeleted => Key::ErrMessageDeleted,
                Conflict::ReservationClosed => Key::ErrReservationClosed,
                Conflict::TransferClosed => Key::ErrTransferClosed,
                Conflict::ReportNameTaken => Key::ErrReportNameTaken,
                Conflict::ReservationOfOrder => Key::ErrReservationOfOrder,
                Conflict::NotForFulfilment => Key::ErrNotForFulfilment,
                Conflict::IdempotencyKeyReused => Key::ErrIdempotencyKeyReused,
                Conflict::CampaignStarted => Key::ErrCampaignStarted,
                Conflict::CampaignState => Key::ErrCampaignState,
                Conflict::TemplateNameTaken => Key::ErrTemplateNameTaken,
                Conflict::ExtensionTaken => Key::ErrExtensionTaken,
                Conflict::Other => Key::ErrConflict,
            },
            AppError::GuardFailed { guard, .. } => match guard {
                crate::process::GuardKind::Paid => Key::GuardFailedPaid,
                crate::process::GuardKind::NoTransit => Key::GuardFailedNoTransit,
                crate::process::GuardKind::Reserved => Key::GuardFailedReserved,
                crate::process::GuardKind::Document => Key::GuardFailedDocument,
                crate::process::GuardKind::Comment => Key::GuardFailedComment,
            },
            AppError::InTransit { .. } => Key::ErrInTransit,
            AppError::MentionCantSee { .. } => Key::ErrMentionCantSee,
            AppError::NotEnoughStock { .. } => Key::ErrNotEnoughStock,
            AppError::TooManyAttempts => Key::ErrTooManyAttempts,
            AppError::TooManyMessages => Key::ErrTooManyMessages,
            AppError::Template { .. } => Key::ErrTemplate,
            AppError::TooLarge { .. } => Key::ErrTooLarge,
            AppError::UnsupportedFile => Key::ErrUnsupportedFile,
            AppError::Unavailable => Key::ErrUnavailable,
            AppError::MailNotConfigured => Key::ErrMailNotConfigured,
            AppError::MailSettings { .. } => Key::ErrMailSettings,
            AppError::MailServer { .. } => Key::ErrMailServer,
            AppError::TelephonyNotConfigured => Key::ErrTelephonyNotConfigured,
            AppError::NoExtension => Key::ErrNoExtension,
            AppError::PbxFailed { .. } => Key::ErrPbxFailed,
            AppError::Busy => Key::ErrBusy,
            AppError::Internal => Key::ErrInternal,
            AppError::Malformed { .. } => Key::ErrMalformed,
            AppError::Request { .. } => Key::ErrRequest,
        }
    }

    /// The full message in a language: for validation errors it names the field and the problem.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        match self {
            AppError::Validation { field, problem } => format!(
                "{}: {}",
                crate::i18n::field_key(*field).text(lang),
                crate::i18n::problem_key(*problem).text(lang)
            ),
            AppError::Template { line, reason } => {
                format!(
                    "{} {line}: {}",
                    Key::ErrTemplate.text(lang),
                    library_reason(reason, lang)
                )
            }
            AppError::ControlCharacter { field } => {
                format!("{field}: {}", Key::ProblemControlCharacter.text(lang))
            }
            AppError::TooLarge { max_mb } => {
                format!(
                    "{} {}",
                    Key::ErrTooLarge.text(lang),
                    crate::format::file_size(u64::from(*max_mb) * 1024 * 1024, lang)
                )
            }
            AppError::GuardFailed { detail, .. }
            | AppError::MailSettings { detail }
            | AppError::MailServer { detail }
            | AppError::PbxFailed { detail }
            | AppError::InTransit { detail }
            | AppError::MentionCantSee { names: detail }
                if !detail.is_empty() =>
            {
                format!("{}: {detail}", self.message_key().text(lang))
            }
            AppError::NotEnoughStock { shortage } => {
                let mut text = format!(
                    "{} {}",
                    Key::ErrNotEnoughStock.text(lang),
                    shortage.available
                );
                if !shortage.elsewhere.is_empty() {
                    let places: Vec<String> = shortage
                        .elsewhere
                        .iter()
                        .map(|e| format!("{} — {}", e.name, e.available))
                        .collect();
                    text.push_str(&format!(
                        ". {} {}",
                        Key::AvailableElsewhere.text(lang),
                        places.join("; ")
                    ));
                }
                text
            }
            other => other.message_key().text(lang).to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request {
            detail: value.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match &err {
                sqlx::Error::RowNotFound => AppError::NotFound,
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    let text = db.message().to_string() + db.constraint().unwrap_or("");
                    if text.contains("employee") || text.contains("login") {
                        AppError::conflict(Conflict::LoginTaken)
                    } else if text.contains("sku") {
                        AppError::conflict(Conflict::SkuTaken)
                    } else if text.contains("barcode") {
                        AppError::conflict(Conflict::BarcodeTaken)
                    } else if text.contains("category") {
                        AppError::conflict(Conflict::CategoryTaken)
                    } else if text.contains("location") {
                        AppError::conflict(Conflict::LocationNameTaken)
                    } else {
                        AppError::conflict(Conflict::Other)
                    }
                }
                // PostgreSQL's serialization failure and deadlock: the writer may try again.
                sqlx::Error::Database(db)
                    if matches!(db.code().as_deref(), Some("40001") | Some("40P01")) =>
                {
                    tracing::warn!(error = %err, "write lost a race; retried or answered 503");
                    AppError::Busy
                }
                // Values PostgreSQL refuses (NUL in text, a number out of BIGINT): input
                // the validators should have caught; never a 500.
                sqlx::Error::Database(db)
                    if matches!(
                        db.code().as_deref(),
                        Some("22021") | Some("22P05") | Some("22003")
                    ) =>
                {
                    tracing::warn!(error = %err, "value refused by the database");
                    AppError::invalid(Field::Name, Problem::Invalid)
                }
                sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => {
                    tracing::error!(error = %err, "database unavailable");
                    AppError::Unavailable
                }
                _ => {
                    tracing::error!(error = %err, "database error");
                    AppError::Internal
                }
            }
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let mut error = serde_json::json!({ "code": self.code(), "message": self.message(crate::i18n::Lang::En) });
            match &self {
                AppError::NotEnoughStock { shortage } => {
                    error["available"] = serde_json::json!(shortage.available);
                    error["elsewhere"] = serde_json::json!(shortage.elsewhere);
                }
                AppError::Validation { field, problem } => {
                    error["field"] = serde_json::json!(field);
                    error["problem"] = serde_json::json!(problem);
                }
                AppError::ControlCharacter { field } => {
                    error["field"] = serde_json::json!(field);
                    error["problem"] = serde_json::json!(Problem::ControlCharacter);
                }
                AppError::Conflict { kind } => error["kind"] = serde_json::json!(kind),
                AppError::Template { line, reason } => {
                    error["line"] = serde_json::json!(line);
                    error["reason"] = serde_json::json!(reason);
                }
                AppError::TooLarge { max_mb } => error["max_mb"] = serde_json::json!(max_mb),
                AppError::GuardFailed { guard, detail } => {
                    error["guard"] = serde_json::json!(guard);
                    error["detail"] = serde_json::json!(detail);
                }
                AppError::InTransit { detail }
                | AppError::MailSettings { detail }
                | AppError::MailServer { detail }
                | AppError::PbxFailed { detail } => error["detail"] = serde_json::json!(detail),
                AppError::MentionCantSee { names } => error["names"] = serde_json::json!(names),
                _ => {}
            }
            let body = serde_json::json!({ "error": error });
            (status, axum::Json(body)).into_response()
        }
    }

    impl From<axum::extract::rejection::JsonRejection> for AppError {
        fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
            AppError::Malformed {
                detail: rejection.body_text(),
            }
        }
    }

    /// Sets the HTTP status of the current server-function response from the error, so
    /// that a refused server function answers 401/403/422… and not a blanket 500.
    pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(err) = &result {
            if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(code) = http::StatusCode::from_u16(err.status()) {
                    opts.set_status(code);
                }
            }
        }
        result
    }
}

#[cfg(feature = "ssr")]
pub use ssr::with_status;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_client_or_server_status() {
        for err in [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::invalid(Field::Name, Problem::Required),
            AppError::TooManyAttempts,
            AppError::Internal,
        ] {
            assert!((400..600).contains(&err.status()), "{err:?}");
        }
    }

    #[test]
    fn errors_round_trip_through_json_with_their_code() {
        let err = AppError::invalid(Field::Latitude, Problem::OutOfRange);
        let json = serde_json::to_string(&err).expect("serialise");
        assert!(json.contains("\"code\":\"validation\""), "{json}");
        let back: AppError = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, err);
    }
}

/// A template engine's own words (typst, minijinja: English) in the user's language: the
/// common ones translated, any other quoted and marked as the engine's, so a Russian
/// reader sees a Russian sentence around it.
pub fn library_reason(reason: &str, lang: crate::i18n::Lang) -> String {
    const KNOWN: [(&str, &str); 14] = [
        ("unclosed delimiter", "не закрыта скобка или кавычка"),
        ("unclosed string", "не закрыта строка в кавычках"),
        ("unclosed raw text", "не закрыт блок кода"),
        ("unexpected end of input", "шаблон оборвался раньше времени"),
        ("unexpected end of file", "шаблон оборвался раньше времени"),
        ("unknown variable", "неизвестная переменная"),
        ("undefined value", "значение не определено"),
        ("unknown function", "неизвестная функция"),
        ("unknown filter", "неизвестный фильтр"),
        ("expected expression", "ожидалось выражение"),
        ("expected closing paren", "ожидалась закрывающая скобка"),
        (
            "unexpected closing brace",
            "лишняя закрывающая фигурная скобка",
        ),
        (
            "unexpected closing bracket",
            "лишняя закрывающая квадратная скобка",
        ),
        ("syntax error", "синтаксическая ошибка"),
    ];
    match lang {
        crate::i18n::Lang::En => reason.to_string(),
        crate::i18n::Lang::Ru => {
            let lower = reason.to_lowercase();
            match KNOWN.iter().find(|(en, _)| lower.contains(en)) {
                Some((en, ru)) => {
                    // Keep what the engine says after the phrase (a name, a token).
                    let rest = lower
                        .find(en)
                        .and_then(|at| reason.get(at + en.len()..))
                        .unwrap_or("")
                        .trim_start_matches([':', ' ']);
                    if rest.is_empty() {
                        (*ru).to_string()
                    } else {
                        format!("{ru}: {rest}")
                    }
                }
                None => format!("сообщение шаблонизатора (на английском): «{reason}»"),
            }
        }
    }
}

#[cfg(test)]
mod library_reason_tests {
    use super::library_reason;
    use crate::i18n::Lang;

    #[test]
    fn engine_messages_read_in_russian() {
        assert_eq!(
            library_reason("unclosed delimiter", Lang::Ru),
            "не закрыта скобка или кавычка"
        );
        assert_eq!(
            library_reason("unknown variable: klient", Lang::Ru),
            "неизвестная переменная: klient"
        );
        assert_eq!(
            library_reason("the sky fell", Lang::Ru),
            "сообщение шаблонизатора (на английском): «the sky fell»"
        );
        assert_eq!(
            library_reason("unclosed delimiter", Lang::En),
            "unclosed delimiter"
        );
    }
}
