//! The home page's figures, one shape per role: a seller's day (holds lapsing today at
//! their shop, their open orders, their unread mentions), the chain's day for directors
//! and admins (today's sales by shop, receivables), an accountant's (receivables, today's
//! payments by fund) and a storekeeper's (transfers to receive). Every list is limited to
//! what the caller may see (DESIGN.md §5a); the screen is `crate::ui::home`.

use crate::orders::StageRef;
use crate::quantity::{Money, Qty};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;

/// What the home page shows, by the caller's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum RoleHome {
    Seller(SellerHome),
    /// Directors and admins.
    Director(DirectorHome),
    Accountant(AccountantHome),
    Storekeeper(StorekeeperHome),
}

/// A seller's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerHome {
    /// Active holds at the seller's shops that lapse today (their shop's calendar).
    pub holds: Vec<LapsingHold>,
    /// The seller's own orders still open, newest first.
    pub orders: Vec<MyOrder>,
    /// The seller's unread mentions, newest first.
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LapsingHold {
    pub id: i64,
    pub product_id: i64,
    pub product: String,
    pub location: String,
    /// The client named on a client hold (empty for an order's reservation).
    pub client: String,
    pub order_id: Option<i64>,
    pub order_number: Option<String>,
    pub qty: Qty,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyOrder {
    pub id: i64,
    pub number: String,
    pub client: Option<String>,
    pub stage: StageRef,
    pub total: Money,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub id: i64,
    pub subject: String,
    pub detail: String,
    /// Where it happened (an app path).
    pub link: String,
    pub created_at: i64,
}

/// The chain's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorHome {
    pub sales: SalesToday,
    pub receivables: Receivables,
}

/// Today's sales (orders taken today, not cancelled) per shop, each on its own calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesToday {
    pub shops: Vec<ShopSales>,
    /// The chain: the sum of the rows.
    pub orders: i64,
    pub revenue: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSales {
    pub shop_id: i64,
    pub shop: String,
    pub orders: i64,
    pub revenue: Money,
}

/// What clients owe for orders not cancelled and not fully paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receivables {
    pub total: Money,
    /// How many clients owe (walk-in orders without a client count as one).
    pub debtors: i64,
    /// The largest debts first.
    pub top: Vec<Debtor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debtor {
    /// None: orders without a client.
    pub client_id: Option<i64>,
    pub name: Option<String>,
    pub orders: i64,
    pub due: Money,
}

/// An accountant's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountantHome {
    pub receivables: Receivables,
    pub payments: PaymentsToday,
}

/// Payments made today (not planned) by fund; payments of an order on its shop's
/// calendar, the others on the company's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsToday {
    pub funds: Vec<FundPayments>,
    pub received: Money,
    pub paid_out: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundPayments {
    pub fund_id: i64,
    pub fund: String,
    pub received: Money,
    pub paid_out: Money,
}

/// A storekeeper's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorekeeperHome {
    /// Transfers on their way to the storekeeper's locations, oldest first.
    pub transfers: Vec<InboundTransfer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundTransfer {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub lines: i64,
    pub created_at: i64,
}
