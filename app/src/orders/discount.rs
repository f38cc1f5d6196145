//! A line's discount as the seller types it: an amount in roubles or a percent of the
//! line's sum. The server takes money only ([`super::OrderLineInput::discount`]), so a
//! percent becomes kopecks here, exactly (decimal arithmetic, half up), never through f64.

use crate::error::{AppError, Field, Problem};
use crate::quantity::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// What the number in a line's discount field means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountUnit {
    /// Roubles off the line.
    #[default]
    Money,
    /// Percent of the line's sum (price × quantity).
    Percent,
}

impl DiscountUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscountUnit::Money => "money",
            DiscountUnit::Percent => "percent",
        }
    }

    pub fn parse(text: &str) -> DiscountUnit {
        if text == "percent" {
            DiscountUnit::Percent
        } else {
            DiscountUnit::Money
        }
    }
}

/// Parses a percent as people type it ("10", "7,5", "12.25"): a plain decimal from 0 to
/// 100. Exponents, NaN, signs twice and anything else are refused as invalid.
pub fn parse_percent(text: &str) -> Result<Decimal, AppError> {
    let text = text.trim().replace(',', ".").replace([' ', '\u{a0}'], "");
    if text.is_empty() {
        return Err(AppError::invalid(Field::Discount, Problem::Required));
    }
    // Digits and one point only: `Decimal::from_str` is lenient with some forms
    // (underscores, a leading sign) that a percent field has no business accepting.
    let plain = text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().filter(|c| *c == '.').count() <= 1
        && text.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return Err(AppError::invalid(Field::Discount, Problem::Invalid));
    }
    let value: Decimal = text
        .parse()
        .map_err(|_| AppError::invalid(Field::Discount, Problem::Invalid))?;
    if value > Decimal::ONE_HUNDRED {
        return Err(AppError::invalid(Field::Discount, Problem::OutOfRange));
    }
    Ok(value)
}

/// `percent` of `gross`, rounded half up to the kopeck.
pub fn percent_of(gross: Money, percent: Decimal) -> Result<Money, AppError> {
    let out_of_range = || AppError::invalid(Field::Discount, Problem::OutOfRange);
    if percent.is_sign_negative() && !percent.is_zero() || percent > Decimal::ONE_HUNDRED {
        return Err(out_of_range());
    }
    let kopecks = Decimal::from(gross.0)
        .checked_mul(percent)
        .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(out_of_range)?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(kopecks)
        .map(Money)
        .map_err(|_| out_of_range())
}

/// The money off a line whose sum before discount is `gross`, from what was typed in
/// its discount field: empty is no discount; an amount may not exceed the line's sum,
/// a percent may not exceed 100.
pub fn discount_amount(gross: Money, text: &str, unit: DiscountUnit) -> Result<Money, AppError> {
    if text.trim().is_empty() {
        return Ok(Money::ZERO);
    }
    let amount = match unit {
        DiscountUnit::Money => Money::parse(text, Field::Discount)?,
        DiscountUnit::Percent => percent_of(gross, parse_percent(text)?)?,
    };
    if amount.0 < 0 || amount > gross {
        return Err(AppError::invalid(Field::Discount, Problem::OutOfRange));
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: Money = Money(123_450); // 1 234,50 ₽

    #[test]
    fn a_percent_becomes_kopecks_rounded_half_up() {
        let pct = |t: &str| discount_amount(LINE, t, DiscountUnit::Percent);
        assert_eq!(pct("10"), Ok(Money(12_345)));
        assert_eq!(pct("0"), Ok(Money::ZERO));
        assert_eq!(pct("100"), Ok(LINE));
        assert_eq!(pct("7,5"), Ok(Money(9_259))); // 92.5875 → 92.59
                                                  // 1.5 kopecks → 2 (half up), 1.49 → 1.
        assert_eq!(percent_of(Money(150), Decimal::ONE), Ok(Money(2)));
        assert_eq!(percent_of(Money(149), Decimal::ONE), Ok(Money(1)));
        assert_eq!(percent_of(Money(50), Decimal::ONE), Ok(Money(1)));
        // A third of a rouble: 33.333… kopecks → 33.
        assert_eq!(
            percent_of(Money(100), "33.3333333333".parse().expect("decimal")),
            Ok(Money(33))
        );
    }

    #[test]
    fn over_a_hundred_percent_or_over_the_sum_is_out_of_range() {
        let out = Err(AppError::invalid(Field::Discount, Problem::OutOfRange));
        assert_eq!(discount_amount(LINE, "100.01", DiscountUnit::Percent), out);
        assert_eq!(discount_amount(LINE, "1000", DiscountUnit::Percent), out);
        assert_eq!(discount_amount(LINE, "1234.51", DiscountUnit::Money), out);
        assert_eq!(discount_amount(LINE, "-1", DiscountUnit::Money), out);
        assert_eq!(
            discount_amount(LINE, "1234,50", DiscountUnit::Money),
            Ok(LINE)
        );
        assert_eq!(
            discount_amount(LINE, "  ", DiscountUnit::Percent),
            Ok(Money::ZERO)
        );
    }

    #[test]
    fn hostile_percent_input_is_refused() {
        let invalid = Err(AppError::invalid(Field::Discount, Problem::Invalid));
        for text in [
            "NaN", "nan", "inf", "1e9", "1E2", "--5", "-5", "+5", "5%", "1.2.3", ".", "0x10",
            "1_0", "١٠", "10\u{0}",
        ] {
            assert_eq!(
                discount_amount(LINE, text, DiscountUnit::Percent),
                invalid,
                "{text:?}"
            );
        }
        // Too many digits for a decimal: refused, not a panic.
        assert!(parse_percent("99999999999999999999999999999999999").is_err());
        let _ = parse_percent("0.000000000000000000000000000000001");
        // The largest line and a full percent still fit.
        assert_eq!(percent_of(Money::MAX, Decimal::ONE_HUNDRED), Ok(Money::MAX));
        assert!(percent_of(LINE, Decimal::NEGATIVE_ONE).is_err());
    }
}
