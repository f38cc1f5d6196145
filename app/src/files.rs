//! Files attached to records: signed scans and other papers on an order, a document or a
//! client card. PDF, JPEG and PNG only (recognised by their content), up to
//! [`MAX_FILE_MB`]; images get a thumbnail. The bytes live in the file [`store`] (a
//! folder under the data directory, or S3-compatible object storage when configured);
//! who may see the record may download them, and every download is logged.

use crate::process::string_enum;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

/// The largest file accepted.
pub const MAX_FILE_MB: u32 = 20;

string_enum!(
    /// What a file is attached to.
    OwnerKind { Order => "order", Document => "document", Client => "client" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileRef {
    pub id: i64,
    pub owner_kind: OwnerKind,
    pub owner_id: i64,
    pub name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub mime: String,
    pub size: i64,
    pub has_thumbnail: bool,
    pub uploaded_by: String,
    pub created_at: i64,
}

impl FileRef {
    pub fn url(&self) -> String {
        format!("/api/v1/files/{}", self.id)
    }
    pub fn thumbnail_url(&self) -> String {
        format!("/api/v1/files/{}/thumbnail", self.id)
    }
    pub fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }
}

/// An uploaded file's name as it is kept: its last path part, trimmed, without control
/// characters, at most 200 characters; `fallback` when nothing is left.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let name: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if name.is_empty() {
        fallback.to_string()
    } else {
        name
    }
}

/// The accepted type of a file, from its first bytes.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}
