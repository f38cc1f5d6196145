//! Organisation: stock locations (shops and warehouses) and employees.

use crate::auth::Role;
use crate::error::{AppError, Field, Problem};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum LocationKind {
    Shop,
    Warehouse,
}

impl LocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LocationKind::Shop => "shop",
            LocationKind::Warehouse => "warehouse",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "shop" => Some(LocationKind::Shop),
            "warehouse" => Some(LocationKind::Warehouse),
            _ => None,
        }
    }

    pub fn label(self) -> crate::i18n::Key {
        match self {
            LocationKind::Shop => crate::i18n::Key::KindShop,
            LocationKind::Warehouse => crate::i18n::Key::KindWarehouse,
        }
    }
}

/// A geographic coordinate in exact micro-degrees (55.755826° is `55_755_826`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MicroDegrees(pub i64);

impl MicroDegrees {
    /// Parses "55.755826" (a comma works too, as Russian keyboards type it).
    pub fn parse(text: &str, field: Field, limit: i64) -> Result<Self, AppError> {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            return Err(AppError::invalid(field, Problem::Required));
        }
        let value: rust_decimal::Decimal = text
            .parse()
            .map_err(|_| AppError::invalid(field, Problem::Invalid))?;
        let micro = (value * rust_decimal::Decimal::from(1_000_000)).round();
        let micro: i64 = micro
            .try_into()
            .map_err(|_| AppError::invalid(field, Problem::OutOfRange))?;
        if micro.abs() > limit * 1_000_000 {
            return Err(AppError::invalid(field, Problem::OutOfRange));
        }
        Ok(MicroDegrees(micro))
    }
}

impl std::fmt::Display for MicroDegrees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub kind: LocationKind,
    pub city: String,
    pub address: String,
    pub lat: MicroDegrees,
    pub lon: MicroDegrees,
    pub active: bool,
    /// The IANA zone (`Asia/Novosibirsk`); empty: the company's.
    #[serde(default)]
    pub time_zone: String,
}

/// Location form as typed by a person (strings, validated by [`LocationInput::validate`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationForm {
    pub name: String,
    pub kind: String,
    pub city: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    /// Empty: the company's zone.
    #[serde(default)]
    pub time_zone: String,
}

/// A validated location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationInput {
    pub name: String,
    pub kind: LocationKind,
    pub city: String,
    pub address: String,
    pub lat: MicroDegrees,
    pub lon: MicroDegrees,
    /// Checked against the time-zone database by the server.
    pub time_zone: String,
}

pub(crate) fn text(value: &str, field: Field, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong));
    }
    // The request guard refuses these at the door; a CSV cell or a CLI argument reaches
    // here without it.
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(AppError::invalid(field, Problem::ControlCharacter));
    }
    Ok(value.to_string())
}

/// [`text`] for a value that may be left empty (then `""`).
#[cfg(feature = "ssr")]
pub(crate) fn text_optional(value: &str, field: Field, max: usize) -> Result<String, AppError> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        text(value, field, max)
    }
}

impl LocationForm {
    pub fn validate(&self) -> Result<LocationInput, AppError> {
        Ok(LocationInput {
            name: text(&self.name, Field::Name, 120)?,
            kind: LocationKind::parse(self.kind.trim())
                .ok_or(AppError::invalid(Field::Kind, Problem::Invalid))?,
            city: text(&self.city, Field::City, 120)?,
            address: text(&self.address, Field::Address, 300)?,
            lat: MicroDegrees::parse(&self.lat, Field::Latitude, 90)?,
            lon: MicroDegrees::parse(&self.lon, Field::Longitude, 180)?,
            time_zone: {
                let z = self.time_zone.trim();
                if z.len() > 64 {
                    return Err(AppError::invalid(Field::TimeZone, Problem::TooLong));
                }
                z.to_string()
            },
        })
    }

    pub fn from_location(l: &Location) -> Self {
        LocationForm {
            name: l.name.clone(),
            kind: l.kind.as_str().into(),
            city: l.city.clone(),
            address: l.address.clone(),
            lat: l.lat.to_string(),
            lon: l.lon.to_string(),
            time_zone: l.time_zone.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Employee {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub home_location_id: Option<i64>,
    pub active: bool,
    /// The PBX extension that rings on this employee's desk (empty: none).
    #[serde(default)]
    pub extension: String,
}

/// Employee form as typed. `password` may be empty on edit (keep the current one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeForm {
    pub login: String,
    pub name: String,
    pub role: String,
    pub home_location_id: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeInput {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub home_location_id: Option<i64>,
    /// `None` keeps the current password (edit only).
    pub password: Option<String>,
}

pub const MIN_PASSWORD_LEN: usize = 4;

impl EmployeeForm {
    pub fn validate(&self, creating: bool) -> Result<EmployeeInput, AppError> {
        let login = text(&self.login, Field::Login, 64)?.to_lowercase();
        if !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(AppError::invalid(Field::Login, Problem::Invalid));
        }
        let home = self.home_location_id.trim();
        let home_location_id = if home.is_empty() {
            None
        } else {
            Some(
                home.parse::<i64>()
                    .map_err(|_| AppError::invalid(Field::Location, Problem::Invalid))?,
            )
        };
        let password = if self.password.is_empty() {
            if creating {
                return Err(AppError::invalid(Field::Password, Problem::Required));
            }
            None
        } else if self.password.chars().count() < MIN_PASSWORD_LEN {
            return Err(AppError::invalid(Field::Password, Problem::TooShort));
        } else if self.password.len() > 256 {
            return Err(AppError::invalid(Field::Password, Problem::TooLong));
        } else {
            Some(self.password.clone())
        };
        Ok(EmployeeInput {
            login,
            name: text(&self.name, Field::Name, 120)?,
            role: Role::parse(self.role.trim())
                .ok_or(AppError::invalid(Field::Role, Problem::Invalid))?,
            home_location_id,
            password,
        })
    }

    pub fn from_employee(e: &Employee) -> Self {
        EmployeeForm {
            login: e.login.clone(),
            name: e.name.clone(),
            role: e.role.as_str().into(),
            home_location_id: e
                .home_location_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            password: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> LocationForm {
        LocationForm {
            name: "Тверская".into(),
            kind: "shop".into(),
            city: "Москва".into(),
            address: "Тверская ул., 7".into(),
            lat: "55,757".into(),
            lon: "37.613".into(),
            time_zone: String::new(),
        }
    }

    #[test]
    fn coordinates_are_exact_micro_degrees() {
        let input = form().validate().expect("valid");
        assert_eq!(input.lat, MicroDegrees(55_757_000));
        assert_eq!(input.lon.to_string(), "37.613000");
        assert_eq!(MicroDegrees(-1_500).to_string(), "-0.001500");
    }

    #[test]
    fn out_of_range_latitude_is_refused() {
        let mut f = form();
        f.lat = "91".into();
        assert_eq!(
            f.validate(),
            Err(AppError::invalid(Field::Latitude, Problem::OutOfRange))
        );
    }

    #[test]
    fn blank_name_and_bad_kind_are_refused() {
        let mut f = form();
        f.name = "  ".into();
        assert_eq!(
            f.validate(),
            Err(AppError::invalid(Field::Name, Problem::Required))
        );
        let mut f = form();
        f.kind = "kiosk".into();
        assert_eq!(
            f.validate(),
            Err(AppError::invalid(Field::Kind, Problem::Invalid))
        );
    }

    #[test]
    fn employee_password_is_required_only_on_create() {
        let f = EmployeeForm {
            login: "Seller9".into(),
            name: "Анна".into(),
            role: "manager".into(),
            home_location_id: "".into(),
            password: "".into(),
        };
        assert_eq!(
            f.validate(true),
            Err(AppError::invalid(Field::Password, Problem::Required))
        );
        let input = f.validate(false).expect("edit keeps password");
        assert_eq!(input.login, "seller9");
        assert_eq!(input.password, None);
    }
}
