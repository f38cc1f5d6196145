//! Orders: a number unique across the chain, client, manager, selling shop, lines each
//! sourced from a location with its reservation, fulfilment (pickup here, pickup at
//! another shop, delivery), exact totals; moved through the stages of their business
//! process, where each move runs the stage's actions in one transaction with it.

use crate::error::{AppError, Field, Problem};
use crate::process::string_enum;
use crate::process::{Stage, StageKind};
use crate::quantity::{Money, Qty};
use serde::{Deserialize, Serialize};

pub mod access;
#[cfg(feature = "ssr")]
pub mod actions;
pub mod api;
pub mod discount;
#[cfg(feature = "ssr")]
pub mod edit;
#[cfg(feature = "ssr")]
pub mod guards;
#[cfg(feature = "ssr")]
pub mod service;
pub mod sourcing;
pub mod ui;

string_enum!(
    /// How the client gets the goods.
    Fulfilment { Pickup => "pickup", PickupOther => "pickup_other", Delivery => "delivery" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderLineInput {
    pub product_id: i64,
    /// Where the goods come from (any shop or warehouse).
    pub location_id: i64,
    pub qty: Qty,
    /// Unit price; the product's price when left out.
    #[serde(default)]
    pub price: Option<Money>,
    /// Off the line's amount, in money.
    #[serde(default)]
    pub discount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderInput {
    /// The business process; the first active order process when left out.
    #[serde(default)]
    pub process_id: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    /// The selling shop; the caller's home shop when left out.
    #[serde(default)]
    pub shop_id: Option<i64>,
    pub fulfilment: Fulfilment,
    /// For `pickup_other`: the shop where the client collects.
    #[serde(default)]
    pub pickup_location_id: Option<i64>,
    /// For `delivery`.
    #[serde(default)]
    pub delivery_address: String,
    #[serde(default)]
    pub comment: String,
    pub lines: Vec<OrderLineInput>,
}

/// `qty × price − discount`, rounded half up to the kopeck (quantities have three decimals).
pub fn line_amount(qty: Qty, price: Money, discount: Money) -> Result<Money, AppError> {
    let gross = (i128::from(qty.0) * i128::from(price.0) + 500) / 1000;
    let net = gross - i128::from(discount.0);
    if discount.0 < 0 || net < 0 {
        return Err(AppError::invalid(Field::Discount, Problem::OutOfRange));
    }
    i64::try_from(net)
        .map(Money)
        .map_err(|_| AppError::invalid(Field::Amount, Problem::OutOfRange))?
        .check(Field::Amount)
}

impl OrderInput {
    pub fn validate(mut self) -> Result<Self, AppError> {
        if self.lines.is_empty() {
            return Err(AppError::invalid(Field::Product, Problem::Required));
        }
        if self.lines.len() > 500 {
            return Err(AppError::invalid(Field::Product, Problem::TooLong));
        }
        for line in &self.lines {
            if !line.qty.is_positive() {
                return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
            }
            line.qty.check(Field::Quantity)?;
            if line.price.is_some_and(|p| p.0 < 0) {
                return Err(AppError::invalid(Field::Price, Problem::OutOfRange));
            }
            if let Some(p) = line.price {
                p.check(Field::Price)?;
            }
            line.discount.check(Field::Discount)?;
        }
        self.delivery_address = self.delivery_address.trim().to_string();
        self.comment = self.comment.trim().to_string();
        if self.comment.chars().count() > 2000 {
            return Err(AppError::invalid(Field::Notes, Problem::TooLong));
        }
        match self.fulfilment {
            Fulfilment::Delivery if self.delivery_address.is_empty() => {
                return Err(AppError::invalid(Field::Address, Problem::Required))
            }
            Fulfilment::PickupOther if self.pickup_location_id.is_none() => {
                return Err(AppError::invalid(Field::Location, Problem::Required))
            }
            _ => {}
        }
        if self.delivery_address.chars().count() > 300 {
            return Err(AppError::invalid(Field::Address, Problem::TooLong));
        }
        if self.fulfilment != Fulfilment::PickupOther {
            self.pickup_location_id = None;
        }
        Ok(self)
    }
}

/// A stage as an order shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageRef {
    pub id: i64,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
}

impl From<&Stage> for StageRef {
    fn from(s: &Stage) -> Self {
        StageRef {
            id: s.id,
            name: s.name.clone(),
            color: s.color.clone(),
            kind: s.kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub id: i64,
    pub product_id: i64,
    pub product: String,
    pub sku: String,
    pub location_id: i64,
    pub location: String,
    pub qty: Qty,
    pub price: Money,
    pub discount: Money,
    pub amount: Money,
    pub reservation_id: Option<i64>,
    /// `active`, `released`, `fulfilled`, `expired`, or none.
    pub reservation_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub at: i64,
    pub author: Option<String>,
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Order {
    pub id: i64,
    pub number: String,
    pub process_id: i64,
    pub process: String,
    pub stage: StageRef,
    pub client_id: Option<i64>,
    pub client: Option<String>,
    pub manager_id: i64,
    pub manager: String,
    pub shop_id: i64,
    pub shop: String,
    pub fulfilment: Fulfilment,
    pub pickup_location_id: Option<i64>,
    pub delivery_address: String,
    pub comment: String,
    pub total: Money,
    /// Payments received for this order minus refunds (actual, not planned).
    pub paid: Money,
    /// `paid − total`: negative while the client owes.
    pub balance: Money,
    pub lines: Vec<OrderLine>,
    /// Stages the caller may move this order to now (those of its fulfilment kind).
    pub moves: Vec<StageMove>,
    pub history: Vec<OrderEvent>,
    pub created_at: i64,
}

/// A move the order card offers: the stage and what the move will require.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StageMove {
    pub id: i64,
    pub name: String,
    pub color: String,
    pub kind: StageKind,
    /// The transition's guards (checked when the move is made).
    pub guards: Vec<crate::process::GuardKind>,
}

/// A row of the order list and a card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub id: i64,
    pub number: String,
    pub stage: StageRef,
    pub client: Option<String>,
    pub manager: String,
    pub shop: String,
    pub fulfilment: Fulfilment,
    /// What was written when the order was taken (or edited).
    pub comment: String,
    pub total: Money,
    pub paid: Money,
    pub created_at: i64,
}

/// Filters of the order list (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct OrderFilter {
    #[serde(default)]
    pub process_id: Option<i64>,
    #[serde(default)]
    pub stage_id: Option<i64>,
    #[serde(default)]
    pub shop_id: Option<i64>,
    #[serde(default)]
    pub manager_id: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    /// Created at or after (UTC ms).
    #[serde(default)]
    pub from: Option<i64>,
    /// Created before (UTC ms).
    #[serde(default)]
    pub to: Option<i64>,
    #[serde(default)]
    pub limit: Option<i64>,
    /// Text search: a part of the order number (`301`), of the client's name (any case,
    /// Cyrillic too) or of a client's phone in any format (`+7 (999) 123-45-67`,
    /// `89991234567`; five digits or more, eleven-digit numbers by their last ten).
    #[serde(default)]
    pub q: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_amounts_are_exact_to_the_kopeck() {
        // 1.5 kg at 199.99 ₽ = 299.985 → 299.99; minus 10 ₽.
        assert_eq!(
            line_amount(Qty(1500), Money(19_999), Money(1_000)).expect("ok"),
            Money(28_999)
        );
        assert_eq!(
            line_amount(Qty(3000), Money(4_990), Money(0)).expect("ok"),
            Money(14_970)
        );
        assert!(line_amount(Qty(1000), Money(100), Money(101)).is_err());
    }

    #[test]
    fn delivery_needs_an_address_and_pickup_elsewhere_a_shop() {
        let input = OrderInput {
            process_id: None,
            client_id: None,
            shop_id: None,
            fulfilment: Fulfilment::Delivery,
            pickup_location_id: Some(3),
            delivery_address: " ".into(),
            comment: String::new(),
            lines: vec![OrderLineInput {
                product_id: 1,
                location_id: 1,
                qty: Qty(1000),
                price: None,
                discount: Money(0),
            }],
        };
        assert!(input.clone().validate().is_err());
        let ok = OrderInput {
            delivery_address: "Казань, ул. Баумана, 1".into(),
            ..input.clone()
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.pickup_location_id, None);
        let other = OrderInput {
            fulfilment: Fulfilment::PickupOther,
            pickup_location_id: None,
            ..input
        };
        assert!(other.validate().is_err());
    }
}
