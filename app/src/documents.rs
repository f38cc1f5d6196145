//! Documents generated from templates for orders: invoices, sales contracts, waybills and
//! cash receipts. An admin edits the templates (typst markup with minijinja placeholders,
//! [`render`] + [`typeset`]) with a live preview on a real order; a document is generated
//! by hand from the order card or by a stage action, numbered per kind and year across
//! the chain, and frozen as PDF. Also the company's requisites (a settings page) and
//! amounts in words ([`words`]).

use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod gallery;
#[cfg(feature = "ssr")]
pub mod generate;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod typeset;
pub mod ui;
pub mod words;

use crate::i18n::{Key, Lang};
use crate::process::string_enum;

string_enum!(
    /// What a document is; each kind is numbered on its own, per year.
    DocKind {
        Invoice => "invoice",
        Contract => "contract",
        Waybill => "waybill",
        Receipt => "receipt",
    }
);

impl DocKind {
    pub fn key(self) -> Key {
        match self {
            DocKind::Invoice => Key::DocInvoice,
            DocKind::Contract => Key::DocContract,
            DocKind::Waybill => Key::DocWaybill,
            DocKind::Receipt => Key::DocSalesReceipt,
        }
    }

    /// The title a document of this kind prints.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DocKind::Invoice, Lang::Ru) => "Счёт на оплату",
            (DocKind::Invoice, Lang::En) => "Invoice",
            (DocKind::Contract, Lang::Ru) => "Договор купли-продажи",
            (DocKind::Contract, Lang::En) => "Sales contract",
            (DocKind::Waybill, Lang::Ru) => "Товарная накладная",
            (DocKind::Waybill, Lang::En) => "Waybill",
            (DocKind::Receipt, Lang::Ru) => "Товарный чек",
            (DocKind::Receipt, Lang::En) => "Sales receipt",
        }
    }
}

string_enum!(
    /// The language a template is written in (its figures, dates and words follow it).
    DocLang { Ru => "ru", En => "en" }
);

impl DocLang {
    pub fn lang(self) -> Lang {
        match self {
            DocLang::Ru => Lang::Ru,
            DocLang::En => Lang::En,
        }
    }
}

/// Longest template body accepted (characters).
pub const MAX_TEMPLATE: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateSummary {
    pub id: i64,
    pub kind: DocKind,
    pub lang: DocLang,
    pub name: String,
    pub active: bool,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub kind: DocKind,
    pub lang: DocLang,
    pub name: String,
    pub body: String,
    pub active: bool,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub kind: DocKind,
    pub lang: DocLang,
    pub name: String,
    pub body: String,
    pub active: bool,
}

impl TemplateInput {
    pub fn validate(self) -> Result<Self, AppError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(AppError::invalid(Field::Name, Problem::Required));
        }
        if name.chars().count() > 200 {
            return Err(AppError::invalid(Field::Name, Problem::TooLong));
        }
        if self.body.trim().is_empty() {
            return Err(AppError::invalid(Field::Template, Problem::Required));
        }
        if self.body.chars().count() > MAX_TEMPLATE {
            return Err(AppError::invalid(Field::Template, Problem::TooLong));
        }
        Ok(TemplateInput { name, ..self })
    }
}

/// A template rendered on an order, as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// Each page as an SVG `data:` URL.
    pub pages: Vec<String>,
    /// The document's words (what a reader would copy), for the pages' alt text.
    pub text: String,
    pub order_number: String,
}

/// A generated document (its PDF is fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DocumentRef {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub kind: DocKind,
    pub lang: DocLang,
    /// `2026-00015`: unique per kind across the chain.
    pub number: String,
    pub title: String,
    pub pages: i64,
    pub size: i64,
    pub created_at: i64,
    pub created_by: String,
}

impl DocumentRef {
    pub fn url(&self) -> String {
        format!("/api/v1/documents/{}/pdf", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GenerateInput {
    pub template_id: i64,
}

/// The company's requisites, as documents print them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Company {
    pub name: String,
    pub legal_address: String,
    /// Taxpayer number: 10 digits (organisation) or 12 (sole trader).
    pub inn: String,
    /// 9 digits.
    pub kpp: String,
    /// 13 digits (organisation) or 15 (sole trader).
    pub ogrn: String,
    pub bank: String,
    /// Bank identifier: 9 digits.
    pub bik: String,
    /// Settlement account: 20 digits.
    pub account: String,
    /// Correspondent account: 20 digits.
    pub corr_account: String,
    pub director: String,
    pub accountant: String,
    pub phone: String,
    pub email: String,
    /// The company's time zone (IANA name): shops without their own use it.
    #[serde(default = "default_zone")]
    pub time_zone: String,
}

fn default_zone() -> String {
    crate::time::DEFAULT_ZONE.into()
}

fn digits(value: &str, lengths: &[usize], field: Field) -> Result<String, AppError> {
    let cleaned: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() {
        return Ok(cleaned);
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) || !lengths.contains(&cleaned.len()) {
        return Err(AppError::invalid(field, Problem::Invalid));
    }
    Ok(cleaned)
}

impl Company {
    /// Trims every field and checks the numbers (empty is allowed: filled in later).
    pub fn validate(self) -> Result<Self, AppError> {
        let text = |v: String, max: usize, field: Field| -> Result<String, AppError> {
            let v = v.trim().to_string();
            if v.chars().count() > max {
                return Err(AppError::invalid(field, Problem::TooLong));
            }
            Ok(v)
        };
        Ok(Company {
            name: text(self.name, 300, Field::Name)?,
            legal_address: text(self.legal_address, 500, Field::Address)?,
            inn: digits(&self.inn, &[10, 12], Field::Inn)?,
            kpp: digits(&self.kpp, &[9], Field::Kpp)?,
            ogrn: digits(&self.ogrn, &[13, 15], Field::Ogrn)?,
            bank: text(self.bank, 300, Field::Bank)?,
            bik: digits(&self.bik, &[9], Field::Bik)?,
            account: digits(&self.account, &[20], Field::BankAccount)?,
            corr_account: digits(&self.corr_account, &[20], Field::BankAccount)?,
            director: text(self.director, 200, Field::Name)?,
            accountant: text(self.accountant, 200, Field::Name)?,
            phone: text(self.phone, 50, Field::Phone)?,
            email: text(self.email, 200, Field::Email)?,
            time_zone: match self.time_zone.trim() {
                "" => default_zone(),
                z => text(z.to_string(), 64, Field::TimeZone)?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requisites_are_checked_digit_by_digit() {
        let ok = Company {
            name: " ООО «Витрина» ".into(),
            inn: "7707 083893".into(),
            kpp: "770701001".into(),
            account: "40702810900000000001".into(),
            ..Company::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(
            (ok.name.as_str(), ok.inn.as_str()),
            ("ООО «Витрина»", "7707083893")
        );
        for bad in [
            Company {
                inn: "12345".into(),
                ..Company::default()
            },
            Company {
                kpp: "77070100A".into(),
                ..Company::default()
            },
            Company {
                bik: "04452522".into(),
                ..Company::default()
            },
        ] {
            assert!(bad.validate().is_err());
        }
    }
}
