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
