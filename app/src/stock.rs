//! The shared stock (DESIGN.md §3): ledger, balances, availability at every location,
//! reservations that never oversell, and stock documents.

use crate::catalog::{Product, ProductHit};
use crate::quantity::Qty;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod availability;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod overview;
#[cfg(feature = "ssr")]
pub mod reservations;
pub mod ui;

/// One location's numbers for a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LocationStock {
    pub location_id: i64,
    pub name: String,
    pub kind: crate::org::LocationKind,
    pub city: String,
    pub address: String,
    /// Kilometres from the caller's home location (None when either has no home).
    pub distance_km: Option<i64>,
    pub is_home: bool,
    pub on_hand: Qty,
    pub reserved: Qty,
    pub available: Qty,
}

/// An active reservation, with who holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReservationInfo {
    pub id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub qty: Qty,
    pub order_id: Option<i64>,
    pub client: String,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub status: String,
    /// Whether the caller may release or sell it here (a client hold in their scope;
    /// an order's reservation changes through its order).
    #[serde(default)]
    pub can_close: bool,
}

/// An alternative product and where it is free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AlternativeStock {
    pub product: ProductHit,
    /// The location with the most available, if any.
    pub best_location: Option<String>,
    pub best_available: Qty,
}

/// Everything the availability panel shows for one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Availability {
    pub product: Product,
    /// The caller's home location first, then the others by distance.
    pub locations: Vec<LocationStock>,
    pub reservations: Vec<ReservationInfo>,
    pub alternatives: Vec<AlternativeStock>,
}

/// A request to reserve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReserveInput {
    pub product_id: i64,
    pub location_id: i64,
    pub qty: Qty,
    /// The order line's order; without it this is a client hold that expires.
    #[serde(default)]
    pub order_id: Option<i64>,
    /// Who the hold is for (name, phone), shown to other sellers.
    #[serde(default)]
    pub client: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
// Its own name in OpenAPI: `DocKind` is also the kind of a generated PDF document.
#[cfg_attr(feature = "ssr", schema(as = StockDocKind))]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Receipt,
    Transfer,
    WriteOff,
    Return,
    Count,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Receipt => "receipt",
            DocKind::Transfer => "transfer",
            DocKind::WriteOff => "write_off",
            DocKind::Return => "return",
            DocKind::Count => "count",
        }
    }

    pub fn label(self) -> crate::i18n::Key {
        use crate::i18n::Key;
        match self {
            DocKind::Receipt => Key::DocReceipt,
            DocKind::Transfer => Key::DocTransfer,
            DocKind::WriteOff => Key::DocWriteOff,
            DocKind::Return => Key::DocReturn,
            DocKind::Count => Key::DocCount,
        }
    }

    pub const ALL: [DocKind; 5] = [
        DocKind::Receipt,
        DocKind::Transfer,
        DocKind::WriteOff,
        DocKind::Return,
        DocKind::Count,
    ];

    pub fn parse(s: &str) -> Option<DocKind> {
        [
            DocKind::Receipt,
            DocKind::Transfer,
            DocKind::WriteOff,
            DocKind::Return,
            DocKind::Count,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One line of a stock document: for a count, `qty` is the counted quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocLine {
    pub product_id: i64,
    pub qty: Qty,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocInput {
    pub kind: DocKind,
    pub location_id: i64,
    /// Transfers only: where the goods go.
    #[serde(default)]
    pub to_location_id: Option<i64>,
    pub lines: Vec<DocLine>,
    /// Required for write-offs and returns.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

/// A stock document as listed and opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockDoc {
    pub id: i64,
    pub kind: DocKind,
    /// `done`, or `in_transit` for a transfer not yet received.
    pub status: String,
    pub location_id: i64,
    pub location: String,
    pub to_location_id: Option<i64>,
    pub to_location: Option<String>,
    pub reason: String,
    pub comment: String,
    pub author: String,
    pub created_at: i64,
    pub received_at: Option<i64>,
    pub lines: Vec<StockDocLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockDocLine {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    /// Moved quantity; for a count, the signed adjustment (counted − on hand before).
    pub qty: Qty,
    /// Counts only: what was counted.
    pub counted: Option<Qty>,
}

/// A product × location whose stored numbers disagree with the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub product_id: i64,
    pub location_id: i64,
    pub on_hand: Qty,
    pub ledger: Qty,
    pub reserved: Qty,
    pub active_reservations: Qty,
}

/// Which rows the stock overview shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Only {
    #[default]
    All,
    /// Available below two units.
    Low,
    /// Something reserved.
    Reserved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewFilter {
    pub location_id: i64,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub only: Only,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: crate::catalog::Unit,
    pub on_hand: Qty,
    pub reserved: Qty,
    pub available: Qty,
}
