//! Who is signed in and what their role allows.
//!
//! The policy lives in [`Action::allowed`]: one table, used by every server function and
//! REST handler through [`service::Caller::require`] (server side).

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    Admin,
    Director,
    Accountant,
    Manager,
    Storekeeper,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Director,
        Role::Accountant,
        Role::Manager,
        Role::Storekeeper,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Accountant => "accountant",
            Role::Manager => "manager",
            Role::Storekeeper => "storekeeper",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> Key {
        match self {
            Role::Admin => Key::RoleAdmin,
            Role::Director => Key::RoleDirector,
            Role::Accountant => Key::RoleAccountant,
            Role::Manager => Key::RoleManager,
            Role::Storekeeper => Key::RoleStorekeeper,
        }
    }
}

/// Things a caller may try to do. Every guarded entry point names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read own profile, locations, employees, presence; open the live channel.
    ViewOrganisation,
    /// Create, edit, deactivate locations and employees.
    ManageOrganisation,
    /// Create, list and revoke API tokens.
    ManageApiTokens,
    /// Search the catalog, see stock and reservations everywhere.
    ViewStock,
    /// Create and edit products, categories, alternatives.
    ManageCatalog,
    /// Receipts, transfers, write-offs, returns, stock counts.
    MoveStock,
    /// Reserve, release and fulfil reservations.
    Reserve,
    /// Read and clear one's own notifications (the bell).
    OwnNotifications,
    /// Search clients and open their cards.
    ViewClients,
    /// Create and edit client cards.
    EditClients,
    /// Design business processes (stages, transitions, actions) and funds.
    ManageProcesses,
    /// See orders (of one's shops, or all for directors, accountants and admins).
    ViewOrders,
    /// Create orders and work on them (stage moves are further limited per transition).
    EditOrders,
    /// Record payments (in, out, planned).
    RecordPayments,
    /// Create, see and move tasks and projects.
    Tasks,
    /// Edit document templates.
    ManageTemplates,
    /// Generate documents from an order (seeing them follows the order's shop).
    GenerateDocuments,
    /// Open the standard reports and the saved reports shared with one's role (figures
    /// limited to one's shops).
    ViewReports,
    /// Build, save and share reports in the constructor.
    BuildReports,
    /// Design and send email campaigns, templates and segments.
    ManageCampaigns,
    /// See campaigns (a manager: with only their shops' clients among the recipients).
    ViewCampaigns,
    /// Set the mail server (Settings → Mail).
    ManageMail,
}

impl Action {
    pub fn allowed(self, role: Role) -> bool {
        match self {
            Action::ViewOrganisation
            | Action::ViewStock
            | Action::OwnNotifications
            | Action::ViewClients
            | Action::ViewOrders
            | Action::Tasks => true,
            Action::ManageOrganisation
            | Action::ManageApiTokens
            | Action::ManageProcesses
            | Action::ManageTemplates
            | Action::ManageMail => role == Role::Admin,
            Action::GenerateDocuments | Action::ViewReports => role != Role::Storekeeper,
            Action::BuildReports | Action::ManageCampaigns => {
                matches!(role, Role::Admin | Role::Director)
            }
            Action::ViewCampaigns => matches!(role, Role::Admin | Role::Director | Role::Manager),
            Action::EditOrders => matches!(role, Role::Admin | Role::Director | Role::Manager),
            Action::RecordPayments => {
                matches!(
                    role,
                    Role::Admin | Role::Director | Role::Accountant | Role::Manager
                )
            }
            Action::ManageCatalog => {
                matches!(role, Role::Admin | Role::Director | Role::Storekeeper)
            }
            Action::MoveStock | Action::Reserve => role != Role::Accountant,
            // Storekeepers work with goods, not buyers.
            Action::EditClients => role != Role::Storekeeper,
        }
    }
}

/// The signed-in user as the UI sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub home_location_id: Option<i64>,
    pub home_location_name: Option<String>,
    /// The home shop and the shops granted (Settings → Shop access).
    #[serde(default)]
    pub own_locations: Vec<i64>,
    /// Directors and admins work on every shop's records and stock.
    #[serde(default)]
    pub every_location: bool,
}

impl Me {
    /// Whether the screens should offer stock work at this location (the server's rule
    /// is `scope::check_location_stock`; this only keeps refused choices off the form).
    pub fn works_at(&self, location_id: i64) -> bool {
        self.every_location || self.own_locations.contains(&location_id)
    }
}

/// An API token as listed to admins (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub employee_id: i64,
    pub employee_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// Answer to creating a token: the only time the secret is seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub id: i64,
    pub token: String,
}

pub const SESSION_COOKIE: &str = "vitrina_session";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_admins_manage_the_organisation() {
        for role in Role::ALL {
            assert!(Action::ViewOrganisation.allowed(role));
            assert_eq!(
                Action::ManageOrganisation.allowed(role),
                role == Role::Admin
            );
        }
    }
}
