//! The order form's state, as the page edits it and as the browser keeps it between
//! visits (`localStorage`, one draft per user and per order), and its checks: every
//! field's error at once, each tied to the id of its input.

use crate::catalog::Unit;
use crate::customers::ClientHit;
use crate::error::{AppError, Field, Problem};
use crate::i18n::{problem_key, Lang};
use crate::orders::discount::{discount_amount, DiscountUnit};
use crate::orders::{line_amount, Fulfilment, OrderInput, OrderLineInput};
use crate::quantity::{Money, Qty};
use serde::{Deserialize, Serialize};

/// Texts of the form's checks.
pub mod words {
    crate::i18n::local_texts! {
        DiscountOverSum => "more than the line's sum", "больше суммы строки";
        PercentOver100 => "not more than 100 %", "не больше 100 %";
    }
}

/// A line being put together, with names for the screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub product_id: i64,
    pub product: String,
    pub location_id: i64,
    pub location: String,
    pub qty: String,
    pub discount: String,
    #[serde(default)]
    pub discount_unit: DiscountUnit,
    pub price: Money,
    /// A line already on the order keeps the price it was sold at.
    pub keep_price: bool,
    /// Known for lines added here (whole pieces are checked before sending).
    #[serde(default)]
    pub unit: Option<Unit>,
}

impl Draft {
    pub fn qty(&self) -> Result<Qty, AppError> {
        let qty = Qty::parse(&self.qty, Field::Quantity)?;
        if !qty.is_positive() {
            return Err(AppError::invalid(Field::Quantity, Problem::OutOfRange));
        }
        qty.check(Field::Quantity)?;
        if self.unit.is_some_and(Unit::is_counted) && !qty.is_whole() {
            return Err(AppError::invalid(Field::Quantity, Problem::NotWhole));
        }
        Ok(qty)
    }

    /// Price × quantity, before the discount.
    pub fn gross(&self) -> Option<Money> {
        line_amount(self.qty().ok()?, self.price, Money::ZERO).ok()
    }

    /// The money off the line. While the quantity is wrong there is no sum to compare
    /// with, so only the number itself is checked.
    pub fn discount(&self) -> Result<Money, FieldError> {
        let gross = self.gross().unwrap_or(Money::MAX);
        discount_amount(gross, &self.discount, self.discount_unit).map_err(|e| {
            match (&e, self.discount_unit) {
                (
                    AppError::Validation {
                        problem: Problem::OutOfRange,
                        ..
                    },
                    DiscountUnit::Percent,
                ) => FieldError::PercentOver100,
                (
                    AppError::Validation {
                        problem: Problem::OutOfRange,
                        ..
                    },
                    DiscountUnit::Money,
                ) if !self.discount.trim().starts_with('-') => FieldError::DiscountOverSum,
                _ => FieldError::App(e),
            }
        })
    }

    pub fn amount(&self) -> Option<Money> {
        let gross = self.gross()?;
        let off = self.discount().ok()?;
        Some(gross - off)
    }

    pub fn input(&self) -> Option<OrderLineInput> {
        Some(OrderLineInput {
            product_id: self.product_id,
            location_id: self.location_id,
            qty: self.qty().ok()?,
            price: self.keep_price.then_some(self.price),
            discount: self.discount().ok()?,
        })
    }
}

/// Everything typed into the order form: what the browser keeps as the draft.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    #[serde(default)]
    pub client: Option<ClientHit>,
    #[serde(default)]
    pub fulfilment: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub pickup: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub lines: Vec<Draft>,
}

impl Saved {
    /// Nothing worth keeping (a new order's untouched form).
    pub fn is_blank(&self) -> bool {
        self.client.is_none()
            && self.address.trim().is_empty()
            && self.pickup.is_empty()
            && self.comment.trim().is_empty()
            && self.lines.is_empty()
            && matches!(self.fulfilment.as_str(), "" | "pickup")
    }
}

/// The `localStorage` key of a user's draft of a new order (`order` = None) or of their
/// edit of an order.
pub fn storage_key(user: i64, order: Option<i64>) -> String {
    match order {
        Some(id) => format!("vitrina.order-draft.{user}.{id}"),
        None => format!("vitrina.order-draft.{user}.new"),
    }
}

/// Ids of the form's inputs (errors point at them, focus goes to them).
pub const CLIENT: &str = "order-client";
pub const ADDRESS: &str = "order-address";
pub const PICKUP: &str = "order-pickup";
pub const COMMENT: &str = "order-comment";

pub fn qty_id(i: usize) -> String {
    format!("order-qty{i}")
}

pub fn discount_id(i: usize) -> String {
    format!("order-discount{i}")
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldError {
    App(AppError),
    DiscountOverSum,
    PercentOver100,
}

impl FieldError {
    /// The message shown under the field: the field's label is right above it, so a
    /// validation error says only the problem.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            FieldError::App(AppError::Validation { problem, .. }) => {
                problem_key(*problem).text(lang).to_string()
            }
            FieldError::App(e) => e.message(lang),
            FieldError::DiscountOverSum => words::T::DiscountOverSum.text(lang).to_string(),
            FieldError::PercentOver100 => words::T::PercentOver100.text(lang).to_string(),
        }
    }
}

/// Every field's error at once, in the order the fields stand on the page (an empty id:
/// an error that belongs to no one input).
pub type Errors = Vec<(String, FieldError)>;

/// Checks the whole form: the order to send, or every field that is wrong.
pub fn check(form: &Saved, editing: Option<(i64, i64, i64)>) -> Result<OrderInput, Errors> {
    let mut errors = Errors::new();
    let fulfilment = Fulfilment::parse(&form.fulfilment).unwrap_or(Fulfilment::Pickup);
    let required = || FieldError::App(AppError::invalid(Field::Address, Problem::Required));
    if fulfilment == Fulfilment::Delivery && form.address.trim().is_empty() {
        errors.push((ADDRESS.into(), required()));
    }
    if form.address.trim().chars().count() > 300 {
        errors.push((
            ADDRESS.into(),
            FieldError::App(AppError::invalid(Field::Address, Problem::TooLong)),
        ));
    }
    if fulfilment == Fulfilment::PickupOther && form.pickup.parse::<i64>().is_err() {
        errors.push((PICKUP.into(), required()));
    }
    if form.comment.trim().chars().count() > 2000 {
        errors.push((
            COMMENT.into(),
            FieldError::App(AppError::invalid(Field::Notes, Problem::TooLong)),
        ));
    }
    for (i, line) in form.lines.iter().enumerate() {
        if let Err(e) = line.qty() {
            errors.push((qty_id(i), FieldError::App(e)));
        }
        if let Err(e) = line.discount() {
            errors.push((discount_id(i), e));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let input = OrderInput {
        process_id: editing.map(|e| e.1),
        client_id: form.client.as_ref().map(|c| c.id),
        shop_id: editing.map(|e| e.2),
        fulfilment,
        pickup_location_id: form.pickup.parse().ok(),
        delivery_address: form.address.clone(),
        comment: form.comment.clone(),
        lines: form.lines.iter().filter_map(Draft::input).collect(),
    };
    // What the shared validation still finds; an empty id when it names no input here.
    input.validate().map_err(|e| {
        let id = field_of(&e, form).unwrap_or_default();
        vec![(id, FieldError::App(e))]
    })
}

/// The input a refusal (the server's, or the shared validation's) is about, when the
/// page can tell: the client, the address, the pickup shop, the comment, or the line
/// whose quantity or discount it names.
pub fn field_of(error: &AppError, form: &Saved) -> Option<String> {
    let line_where = |bad: &dyn Fn(&Draft) -> bool| form.lines.iter().position(bad);
    match error {
        AppError::Validation { field, problem } => match field {
            Field::Client => Some(CLIENT.into()),
            Field::Address => Some(ADDRESS.into()),
            Field::Location if form.fulfilment == "pickup_other" => Some(PICKUP.into()),
            Field::Notes | Field::Comment => Some(COMMENT.into()),
            Field::Quantity => {
                let i = if *problem == Problem::NotWhole {
                    line_where(&|d| d.qty().is_ok_and(|q| !q.is_whole()))
                } else {
                    line_where(&|d| d.qty().is_err())
                };
                i.map(qty_id)
            }
            Field::Discount => line_where(&|d| d.discount().is_err()).map(discount_id),
            _ => None,
        },
        AppError::NotEnoughStock { shortage } => line_where(&|d| {
            d.product_id == shortage.product_id && d.location_id == shortage.location_id
        })
        .map(qty_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(qty: &str, discount: &str, unit: DiscountUnit) -> Draft {
        Draft {
            product_id: 1,
            product: "Ламинат".into(),
            location_id: 2,
            location: "Тверская".into(),
            qty: qty.into(),
            discount: discount.into(),
            discount_unit: unit,
            price: Money(123_450),
            keep_price: false,
            unit: Some(Unit::Pcs),
        }
    }

    #[test]
    fn every_bad_line_is_reported_beside_its_field() {
        let form = Saved {
            lines: vec![
                line("abc", "", DiscountUnit::Money),
                line("1", "2000", DiscountUnit::Money),
                line("1,5", "101", DiscountUnit::Percent),
            ],
            ..Saved::default()
        };
        let errors = check(&form, None).expect_err("three lines are wrong");
        let ids: Vec<&str> = errors.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "order-qty0",
                "order-discount1",
                "order-qty2",
                "order-discount2"
            ]
        );
        assert_eq!(errors[1].1, FieldError::DiscountOverSum);
        assert_eq!(errors[3].1, FieldError::PercentOver100);
    }

    #[test]
    fn a_percent_discount_is_sent_as_money() {
        let form = Saved {
            lines: vec![line("1", "10", DiscountUnit::Percent)],
            ..Saved::default()
        };
        let input = check(&form, None).expect("valid");
        assert_eq!(input.lines[0].discount, Money(12_345));
        assert_eq!(form.lines[0].amount(), Some(Money(111_105)));
    }

    #[test]
    fn a_shortage_points_at_its_line() {
        let mut other = line("1", "", DiscountUnit::Money);
        other.location_id = 9;
        let form = Saved {
            lines: vec![line("1", "", DiscountUnit::Money), other],
            ..Saved::default()
        };
        let shortage = crate::error::Shortage {
            product_id: 1,
            location_id: 9,
            requested: Qty(1000),
            available: Qty::ZERO,
            elsewhere: Vec::new(),
        };
        let e = AppError::NotEnoughStock { shortage };
        assert_eq!(field_of(&e, &form).as_deref(), Some("order-qty1"));
    }

    #[test]
    fn drafts_survive_json() {
        let form = Saved {
            fulfilment: "delivery".into(),
            address: "Тверская, 1".into(),
            lines: vec![line("2", "5", DiscountUnit::Percent)],
            ..Saved::default()
        };
        let json = serde_json::to_string(&form).expect("json");
        assert_eq!(serde_json::from_str::<Saved>(&json).expect("back"), form);
        assert!(!form.is_blank() && Saved::default().is_blank());
    }
}
