//! Payments and funds: money in (and out, for refunds) against orders and clients, each
//! in a fund (a cash-flow category); planned payments beside actual ones; the client
//! balance: payments received − order obligations.

use crate::error::{AppError, Field, Problem};
use crate::process::string_enum;
use crate::quantity::Money;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

string_enum!(
    /// In: the client pays; out: a refund.
    Direction { In => "in", Out => "out" }
);

string_enum!(
    Method { Cash => "cash", Card => "card", Bank => "bank" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Fund {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// The methods whose payments go here when no fund is chosen.
    #[serde(default)]
    pub default_for: Vec<Method>,
    /// Shares of what this fund receives passed on to other funds.
    #[serde(default)]
    pub splits: Vec<FundSplit>,
}

/// A share of the payments received into a fund that goes on to another fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FundSplit {
    pub to_fund_id: i64,
    /// The other fund's name (filled in by the server).
    #[serde(default)]
    pub to_fund: String,
    /// In hundredths of a percent: 1000 is 10 %.
    pub share_bp: i64,
}

/// Part of a received payment passed on to another fund by its fund's split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaymentPart {
    pub fund_id: i64,
    pub fund: String,
    pub amount: Money,
}

/// A payment of `amount` kopecks into a fund that passes `shares` (fund, hundredths of a
/// percent) on: what each other fund gets, to the kopeck, by the largest remainder (the
/// kopecks left after rounding every part down go one each to the largest fractions; on
/// a tie, the larger share first, then the fund with the lower id; the payment's own fund
/// takes part in it with what is left of 100 %). Parts of 0 are left out. What the own
/// fund keeps is `amount` minus their sum.
pub fn split_amount(amount: i64, shares: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let own_bp = 10_000 - shares.iter().map(|s| s.1).sum::<i64>();
    // (fund or None for the own fund, share, floor, remainder)
    let mut parts: Vec<(Option<i64>, i64, i64, i64)> = shares
        .iter()
        .map(|&(fund, bp)| (Some(fund), bp))
        .chain((own_bp > 0).then_some((None, own_bp)))
        .map(|(fund, bp)| {
            let exact = i128::from(amount) * i128::from(bp);
            let floor = (exact / 10_000) as i64;
            let rem = (exact % 10_000) as i64;
            (fund, bp, floor, rem)
        })
        .collect();
    let mut left = amount - parts.iter().map(|p| p.2).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| {
        let (fund, bp, _, rem) = parts[i];
        (
            std::cmp::Reverse(rem),
            std::cmp::Reverse(bp),
            fund.unwrap_or(i64::MIN),
        )
    });
    for i in order {
        if left <= 0 {
            break;
        }
        parts[i].2 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .filter_map(|(fund, _, amount, _)| Some((fund?, amount)))
        .filter(|(_, amount)| *amount > 0)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PaymentInput {
    pub direction: Direction,
    pub method: Method,
    pub amount: Money,
    /// Expected, not yet received.
    #[serde(default)]
    pub planned: bool,
    /// When it was (or is expected to be) paid, UTC ms; now when left out.
    #[serde(default)]
    pub paid_at: Option<i64>,
    /// The fund it goes to; left out: the method's default fund (422 when it has none).
    #[serde(default)]
    pub fund_id: Option<i64>,
    #[serde(default)]
    pub order_id: Option<i64>,
    /// The order's client when left out.
    #[serde(default)]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub comment: String,
}

impl PaymentInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        if self.amount.0 <= 0 {
            return Err(AppError::invalid(Field::Amount, Problem::OutOfRange));
        }
        self.amount.check(Field::Amount)?;
        if self.order_id.is_none() && self.client_id.is_none() {
            return Err(AppError::invalid(Field::Client, Problem::Required));
        }
        self.comment = self.comment.trim().to_string();
        if self.comment.chars().count() > 500 {
            return Err(AppError::invalid(Field::Notes, Problem::TooLong));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: i64,
    pub direction: Direction,
    pub method: Method,
    pub amount: Money,
    pub planned: bool,
    pub paid_at: i64,
    pub fund_id: i64,
    pub fund: String,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub client_id: Option<i64>,
    pub client: Option<String>,
    pub author: String,
    pub comment: String,
    /// What its fund passed on to other funds (received payments into a fund with a
    /// split); the fund keeps the rest.
    #[serde(default)]
    pub parts: Vec<PaymentPart>,
}

/// A client's money position (actual payments; planned ones shown apart).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientBalance {
    pub received: Money,
    pub refunded: Money,
    /// Totals of the client's orders that are not cancelled.
    pub obligations: Money,
    /// `received − refunded − obligations`: negative while the client owes.
    pub balance: Money,
    /// Planned payments still expected.
    pub planned: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_is_exact_to_the_kopeck() {
        // 10 % of 100.05: 10.005 → 10.00 (the own 90 % has the same fraction and the
        // larger share, so it takes the kopeck).
        assert_eq!(split_amount(10_005, &[(7, 1000)]), vec![(7, 1000)]);
        // Thirds of 1.00: 33 + 33 + 34 (the own fund keeps 34).
        let parts = split_amount(100, &[(7, 3333), (8, 3333)]);
        assert_eq!(parts, vec![(7, 33), (8, 33)]);
        // Everything passed on: the parts sum to the payment.
        let parts = split_amount(1001, &[(7, 5000), (8, 5000)]);
        assert_eq!(parts.iter().map(|p| p.1).sum::<i64>(), 1001);
        assert_eq!(parts, vec![(7, 501), (8, 500)]);
        // The largest amounts the API takes do not overflow.
        let big = crate::quantity::Money::MAX.0;
        let parts = split_amount(big, &[(7, 1)]);
        assert_eq!(parts, vec![(7, big / 10_000)]);
        assert!(
            split_amount(1, &[(7, 1000)]).is_empty(),
            "a part of 0 is left out"
        );
    }
}
