//! Documents generated from templates (invoices, contracts, waybills) — being built.
//! So far: the company's requisites (a settings page), amounts in words for totals
//! ([`words`]) and the template renderer ([`render`]: escaping, visible gaps for missing
//! fields, errors with their line).

use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod render;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;
pub mod words;

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
