//! Exact quantities and money. Stored as integers (thousandths of a unit, kopecks),
//! shown and typed as decimals, never floating point.

use crate::error::{AppError, Field, Problem};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, $scale:expr, $digits:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub i64);

        impl $name {
            pub const ZERO: $name = $name(0);
            /// Parses "1.5", "1,5" or "2"; more decimals than the scale allows is refused.
            pub fn parse(text: &str, field: Field) -> Result<Self, AppError> {
                let text = text.trim().replace(',', ".").replace(' ', "");
                if text.is_empty() {
                    return Err(AppError::invalid(field, Problem::Required));
                }
                let value: Decimal = text.parse().map_err(|_| AppError::invalid(field, Problem::Invalid))?;
                Self::from_decimal(value).ok_or(AppError::invalid(field, Problem::Invalid))
            }
            pub fn from_decimal(value: Decimal) -> Option<Self> {
                let scaled = value.checked_mul(Decimal::from($scale))?;
                if scaled.fract() != Decimal::ZERO {
                    return None;
                }
                i64::try_from(scaled).ok().map($name)
            }
            pub fn to_decimal(self) -> Decimal {
                Decimal::new(self.0, $digits).normalize()
            }
            pub fn is_positive(self) -> bool {
                self.0 > 0
            }
            /// Within the documented range ([`Self::MAX`] either way), else 422
            /// `out_of_range` for `field`. Every input is checked against it, so sums of
            /// millions of values stay far inside 64 bits.
            pub fn check(self, field: Field) -> Result<Self, AppError> {
                if self.0.checked_abs().is_some_and(|v| v <= Self::MAX.0) {
                    Ok(self)
                } else {
                    Err(AppError::invalid(field, Problem::OutOfRange))
                }
            }
            /// `self + other` without wrapping: 422 `out_of_range` for `field`.
            pub fn checked_add(self, other: $name, field: Field) -> Result<Self, AppError> {
                self.0
                    .checked_add(other.0)
                    .map($name)
                    .ok_or(AppError::invalid(field, Problem::OutOfRange))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.to_decimal())
            }
        }

        impl std::ops::Add for $name {
            type Output = $name;
            fn add(self, other: $name) -> $name {
                $name(self.0 + other.0)
            }
        }

        impl std::ops::Sub for $name {
            type Output = $name;
            fn sub(self, other: $name) -> $name {
                $name(self.0 - other.0)
            }
        }

        /// JSON carries a decimal string ("1.5"); numbers are accepted on input too.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Raw {
                    Text(String),
                    Int(i64),
                    Float(f64),
                }
                let value = match Raw::deserialize(d)? {
                    Raw::Text(t) => t.trim().replace(',', ".").parse::<Decimal>().map_err(serde::de::Error::custom)?,
                    Raw::Int(i) => Decimal::from(i),
                    // Only to read JSON numbers like 1.5 exactly as written.
                    Raw::Float(f) => Decimal::try_from(f).map_err(serde::de::Error::custom)?,
                };
                $name::from_decimal(value).ok_or_else(|| serde::de::Error::custom("too many decimals or out of range"))
            }
        }
    };
}

fixed_point!(
    /// A quantity in thousandths of the product's unit (1.5 kg is `Qty(1500)`).
    Qty, 1000, 3
);
fixed_point!(
    /// Money in kopecks (12.34 ₽ is `Money(1234)`).
    Money, 100, 2
);

impl Qty {
    /// The largest quantity one input may carry: 1 000 000 units (of any unit).
    pub const MAX: Qty = Qty(1_000_000_000);

    /// Whole units (a piece-counted product can't be sold by halves).
    pub fn is_whole(self) -> bool {
        self.0 % 1000 == 0
    }
}

impl Money {
    /// The largest amount one input (a price, a payment, a line, an order) may carry:
    /// 1 000 000 000 ₽. Nine million such amounts still sum inside 64 bits.
    pub const MAX: Money = Money(100_000_000_000);
}

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Qty {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "Exact decimal quantity, e.g. \"1.5\" (numbers accepted on input)",
            ))
            .into()
    }
}
#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Qty {}

#[cfg(feature = "ssr")]
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("Exact amount in roubles, e.g. \"1299.90\""))
            .into()
    }
}
#[cfg(feature = "ssr")]
impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_exact_thousandths() {
        assert_eq!(Qty::parse("1,5", Field::Quantity), Ok(Qty(1500)));
        assert_eq!(Qty(2000).to_string(), "2");
        assert_eq!(Qty(1).to_string(), "0.001");
        assert!(Qty::parse("0.0001", Field::Quantity).is_err());
    }

    #[test]
    fn inputs_beyond_the_documented_range_are_refused() {
        assert!(Money(100_000_000_000).check(Field::Amount).is_ok());
        assert!(Money(-100_000_000_000).check(Field::Amount).is_ok());
        assert!(Money(100_000_000_001).check(Field::Amount).is_err());
        assert!(Money(i64::MIN).check(Field::Amount).is_err());
        assert!(Qty(1_000_000_001).check(Field::Quantity).is_err());
        assert!(Money(i64::MAX)
            .checked_add(Money(1), Field::Amount)
            .is_err());
        assert!(Qty(2000).is_whole() && !Qty(500).is_whole());
    }

    #[test]
    fn money_round_trips_through_json_as_a_string() {
        let m: Money = serde_json::from_str("\"1299.90\"").expect("string");
        assert_eq!(m, Money(129_990));
        assert_eq!(serde_json::to_string(&m).expect("json"), "\"1299.9\"");
        let n: Money = serde_json::from_str("12.34").expect("number");
        assert_eq!(n, Money(1234));
    }
}
