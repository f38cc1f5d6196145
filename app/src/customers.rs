//! Clients (buyers): a card with name, phones, email, notes and consent to mailings;
//! search by phone or name as you type; a phone already on another card is flagged.

use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// A phone number kept as digits with the country code (`79161234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Phone(pub String);

impl Phone {
    /// Accepts what people type: `8 (916) 123-45-67`, `+7 916 1234567`, `9161234567`.
    /// Russian habits are folded: a leading 8 of 11 digits becomes 7, ten digits get 7.
    pub fn parse(text: &str) -> Result<Phone, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::invalid(Field::Phone, Problem::Required));
        }
        if !text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return Err(AppError::invalid(Field::Phone, Problem::Invalid));
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let digits = match digits.len() {
            10 => format!("7{digits}"),
            11 if digits.starts_with('8') => format!("7{}", &digits[1..]),
            11..=15 => digits,
            _ => return Err(AppError::invalid(Field::Phone, Problem::Invalid)),
        };
        Ok(Phone(digits))
    }

    /// `+7 916 123-45-67` for Russian numbers, `+<digits>` for others.
    pub fn display(&self) -> String {
        let d = &self.0;
        if d.len() == 11 && d.starts_with('7') {
            format!("+7 {} {}-{}-{}", &d[1..4], &d[4..7], &d[7..9], &d[9..11])
        } else {
            format!("+{d}")
        }
    }

    /// The digits to look for when someone types a fragment of a number (three or more).
    pub fn search_digits(query: &str) -> Option<String> {
        let q = query.trim();
        if q.is_empty()
            || !q
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return None;
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        (digits.len() >= 3).then_some(digits)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: i64,
    pub name: String,
    pub phones: Vec<Phone>,
    pub email: String,
    pub notes: String,
    /// Agreed to receive email campaigns.
    pub consent: bool,
    pub created_by: String,
    pub created_at: i64,
}

/// A new or edited client card, as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientInput {
    pub name: String,
    /// As typed; normalised by [`Phone::parse`].
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub consent: bool,
}

/// A client input that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidClient {
    pub name: String,
    pub phones: Vec<Phone>,
    pub email: String,
    pub notes: String,
    pub consent: bool,
}

impl ClientInput {
    pub fn validate(&self) -> Result<ValidClient, AppError> {
        let name = crate::org::text(&self.name, Field::Name, 200)?;
        let mut phones: Vec<Phone> = Vec::new();
        for p in self.phones.iter().filter(|p| !p.trim().is_empty()) {
            let phone = Phone::parse(p)?;
            if !phones.contains(&phone) {
                phones.push(phone);
            }
        }
        if phones.len() > 5 {
            return Err(AppError::invalid(Field::Phone, Problem::TooLong));
        }
        let email = self.email.trim().to_string();
        if !email.is_empty() {
            let ok = email.len() <= 254
                && !email.contains(char::is_whitespace)
                && email.split_once('@').is_some_and(|(user, host)| {
                    !user.is_empty()
                        && host.contains('.')
                        && !host.starts_with('.')
                        && !host.ends_with('.')
                });
            if !ok {
                return Err(AppError::invalid(Field::Email, Problem::Invalid));
            }
        }
        let notes = self.notes.trim().to_string();
        if notes.chars().count() > 4000 {
            return Err(AppError::invalid(Field::Notes, Problem::TooLong));
        }
        Ok(ValidClient {
            name,
            phones,
            email,
            notes,
            consent: self.consent,
        })
    }
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientHit {
    pub id: i64,
    pub name: String,
    pub phones: Vec<Phone>,
    pub email: String,
}

/// Another client card that already has a phone being entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhoneOwner {
    pub phone: Phone,
    pub client_id: i64,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_folded_to_one_form() {
        for typed in [
            "8 (916) 123-45-67",
            "+7 916 123 45 67",
            "9161234567",
            "79161234567",
        ] {
            assert_eq!(
                Phone::parse(typed).expect(typed).0,
                "79161234567",
                "{typed}"
            );
        }
        assert_eq!(
            Phone::parse("+375 29 123-45-67").expect("by").0,
            "375291234567"
        );
        assert!(Phone::parse("12-34").is_err());
        assert!(Phone::parse("916 ABC").is_err());
        assert_eq!(Phone("79161234567".into()).display(), "+7 916 123-45-67");
    }

    #[test]
    fn search_digits_keep_what_was_typed() {
        assert_eq!(Phone::search_digits("8916"), Some("8916".into()));
        assert_eq!(
            Phone::search_digits("8 916 123-45-67"),
            Some("89161234567".into())
        );
        assert_eq!(Phone::search_digits("45-67"), Some("4567".into()));
        assert_eq!(Phone::search_digits("Иванов"), None);
        assert_eq!(Phone::search_digits("12"), None);
    }

    #[test]
    fn a_card_is_checked_field_by_field() {
        let input = ClientInput {
            name: " Иван Петров ".into(),
            phones: vec![
                "8 916 123-45-67".into(),
                "+7 916 1234567".into(),
                " ".into(),
            ],
            email: "ivan@example.ru".into(),
            notes: String::new(),
            consent: true,
        };
        let v = input.validate().expect("valid");
        assert_eq!(v.name, "Иван Петров");
        assert_eq!(v.phones.len(), 1);
        let bad = ClientInput {
            email: "ivan@".into(),
            ..input.clone()
        };
        assert!(bad.validate().is_err());
        let bad = ClientInput {
            name: " ".into(),
            ..input
        };
        assert!(bad.validate().is_err());
    }
}
