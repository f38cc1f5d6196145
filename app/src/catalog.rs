//! Catalog: products (SKU, name, barcodes, category, unit, price, cost), the category
//! tree and alternatives (analogues, linked both ways).

use crate::error::{AppError, Field, Problem};
use crate::quantity::{Money, Qty};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod csv;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Pcs,
    Kg,
    M,
    L,
    Pack,
}

/// 422 `not_whole` for a fraction of a unit counted in whole numbers (pieces, packs).
pub fn check_whole(unit: &str, qty: crate::quantity::Qty) -> Result<(), AppError> {
    match Unit::parse(unit) {
        Some(u) if u.is_counted() && !qty.is_whole() => {
            Err(AppError::invalid(Field::Quantity, Problem::NotWhole))
        }
        _ => Ok(()),
    }
}

impl Unit {
    /// Pieces and packs are counted in whole numbers; weights and lengths are not.
    pub fn is_counted(self) -> bool {
        matches!(self, Unit::Pcs | Unit::Pack)
    }

    pub const ALL: [Unit; 5] = [Unit::Pcs, Unit::Kg, Unit::M, Unit::L, Unit::Pack];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Pcs => "pcs",
            Unit::Kg => "kg",
            Unit::M => "m",
            Unit::L => "l",
            Unit::Pack => "pack",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == s)
    }

    pub fn label(self) -> crate::i18n::Key {
        use crate::i18n::Key;
        match self {
            Unit::Pcs => Key::UnitPcs,
            Unit::Kg => Key::UnitKg,
            Unit::M => Key::UnitM,
            Unit::L => Key::UnitL,
            Unit::Pack => Key::UnitPack,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub category_id: Option<i64>,
    pub category: Option<String>,
    pub unit: Unit,
    pub price: Money,
    /// The cost price: only for those who may see it (admins, directors, accountants,
    /// storekeepers); absent for sellers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Money>,
    pub barcodes: Vec<String>,
    pub active: bool,
}

/// A search result: enough to pick the product, with what is free chain-wide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductHit {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub unit: Unit,
    pub price: Money,
    pub available: Qty,
    /// The search text is exactly one of its barcodes (a scan): the stock screen opens
    /// the product's card at once.
    #[serde(default)]
    pub exact_barcode: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// A new or edited product, as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub category_id: Option<i64>,
    pub unit: Unit,
    pub price: Money,
    #[serde(default)]
    pub cost: Money,
    #[serde(default)]
    pub barcodes: Vec<String>,
}

impl ProductInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        self.sku = crate::org::text(&self.sku, Field::Sku, 64)?;
        self.name = crate::org::text(&self.name, Field::Name, 300)?;
        if self.price.0 < 0 {
            return Err(AppError::invalid(Field::Price, Problem::OutOfRange));
        }
        if self.cost.0 < 0 {
            return Err(AppError::invalid(Field::Price, Problem::OutOfRange));
        }
        self.price.check(Field::Price)?;
        self.cost.check(Field::Price)?;
        let mut barcodes = Vec::new();
        for code in &self.barcodes {
            let code = code.trim();
            if code.is_empty() {
                continue;
            }
            if code.len() > 64 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(AppError::invalid(Field::Barcode, Problem::Invalid));
            }
            if !barcodes.iter().any(|b: &String| b == code) {
                barcodes.push(code.to_string());
            }
        }
        self.barcodes = barcodes;
        Ok(self)
    }
}

/// What a CSV import fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportTarget {
    /// Products: sku, name, price; optional unit, cost, barcodes, category.
    Catalog,
    /// Opening stock at a location: sku, qty (one receipt document).
    Stock { location_id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    pub target: ImportTarget,
    pub csv: String,
    /// False: only validate and preview.
    pub apply: bool,
    /// Import the valid rows even when some rows are wrong.
    pub only_valid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Line in the file (1 is the header).
    pub line: usize,
    pub error: AppError,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows read (without the header).
    pub rows: usize,
    pub valid: usize,
    pub errors: Vec<RowError>,
    /// The first valid rows as they will be imported.
    pub preview: Vec<Vec<String>>,
    /// True when the rows were written.
    pub applied: bool,
}

/// Which pass of an import is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportPhase {
    Checking,
    Writing,
}

/// One line of the streamed import answer: progress while it runs, then the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportUpdate {
    Progress {
        phase: ImportPhase,
        done: usize,
        total: usize,
    },
    Finished(Result<ImportReport, AppError>),
}

impl ImportUpdate {
    /// JSON on one line, every non-ASCII character escaped: a stream may be cut into
    /// chunks anywhere, and an ASCII line never splits a character in two.
    pub fn to_line(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut out = String::with_capacity(json.len() + 1);
        for c in json.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out.push('\n');
        out
    }
}

/// Lower-case form used for search ("Дрель" finds "дрель"): SQLite's `lower()` only
/// folds ASCII, so the folding happens here, once, for both databases.
pub fn search_key(text: &str) -> String {
    text.trim().to_lowercase().replace('ё', "е")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_import_lines_are_ascii_and_read_back() {
        let update = ImportUpdate::Finished(Ok(ImportReport {
            rows: 1,
            valid: 1,
            preview: vec![vec!["Дрель 😀".into()]],
            ..Default::default()
        }));
        let line = update.to_line();
        assert!(line.is_ascii() && line.ends_with('\n'));
        let back: ImportUpdate = serde_json::from_str(line.trim_end()).expect("json");
        assert_eq!(back, update);
    }

    #[test]
    fn search_keys_fold_cyrillic_case_and_yo() {
        assert_eq!(search_key(" Ёлка ДРЕЛЬ "), "елка дрель");
    }

    #[test]
    fn barcodes_are_trimmed_deduplicated_and_checked() {
        let input = ProductInput {
            sku: " A-1 ".into(),
            name: "Дрель".into(),
            category_id: None,
            unit: Unit::Pcs,
            price: Money(100),
            cost: Money(50),
            barcodes: vec![" 4601234567890".into(), "4601234567890".into(), "".into()],
        };
        let v = input.clone().validate().expect("valid");
        assert_eq!(v.sku, "A-1");
        assert_eq!(v.barcodes, vec!["4601234567890".to_string()]);
        let mut bad = input;
        bad.barcodes = vec!["46 01".into()];
        assert!(bad.validate().is_err());
    }
}
