//! Pages loaded on demand. The browser bundle of the first screen (sign-in, stock
//! availability and the shell around them) holds only those pages; every other page is a
//! lazy route. Pages are grouped (a group is one split point, [`leptos::lazy`]): after the
//! link, `.ci/build` (server/src/bin/split.rs) moves each group's code into chunks of its
//! own, fetched when a page of the group is first opened — and precached by the service
//! worker, so a repeat visit never waits for them. Few groups means few chunks, so
//! opening a page on a slow link is a handful of requests, not dozens. On the server a
//! lazy page renders like any other and names its chunks in the page's head
//! (`<link rel=preload>`), so a page opened directly hydrates with them already on the way.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A route of a group: `page!(Type, group_fn, __preload_group_fn, Group::Variant)`.
macro_rules! page {
    ($name:ident, $group:ident, $preload:ident, $which:expr) => {
        pub struct $name;
        impl LazyRoute for $name {
            fn data() -> Self {
                Self
            }
            async fn view(_this: Self) -> AnyView {
                $group($which).await
            }
            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}

/// The pages of one group: the home page (pinned reports).
#[derive(Clone, Copy, Debug)]
pub enum HomePage {
    Home,
}

#[leptos::lazy]
fn home(page: HomePage) -> AnyView {
    match page {
        HomePage::Home => view! { <crate::ui::home::Home/> }.into_any(),
    }
}
page!(Home, home, __preload_home, HomePage::Home);

/// The pages of one group: products, categories, import, stock overview and stock documents.
#[derive(Clone, Copy, Debug)]
pub enum CatalogPage {
    StockOverview,
    NewProduct,
    EditProduct,
    ProductCard,
    Categories,
    Import,
    StockDocuments,
    NewStockDocument,
    StockDocument,
}

#[leptos::lazy]
fn catalog(page: CatalogPage) -> AnyView {
    match page {
        CatalogPage::StockOverview => {
            view! { <crate::stock::ui::overview::OverviewPage/> }.into_any()
        }
        CatalogPage::NewProduct => view! { <crate::catalog::ui::NewProductPage/> }.into_any(),
        CatalogPage::EditProduct => view! { <crate::catalog::ui::EditProductPage/> }.into_any(),
        CatalogPage::ProductCard => {
            view! { <crate::catalog::ui::card::ProductCardPage/> }.into_any()
        }
        CatalogPage::Categories => {
            view! { <crate::catalog::ui::categories::CategoriesPage/> }.into_any()
        }
        CatalogPage::Import => view! { <crate::catalog::ui::import::ImportPage/> }.into_any(),
        CatalogPage::StockDocuments => {
            view! { <crate::stock::ui::documents::DocumentsPage/> }.into_any()
        }
        CatalogPage::NewStockDocument => {
            view! { <crate::stock::ui::new_document::NewDocumentPage/> }.into_any()
        }
        CatalogPage::StockDocument => {
            view! { <crate::stock::ui::documents::DocumentPage/> }.into_any()
        }
    }
}
page!(
    StockOverview,
    catalog,
    __preload_catalog,
    CatalogPage::StockOverview
);
page!(
    NewProduct,
    catalog,
    __preload_catalog,
    CatalogPage::NewProduct
);
page!(
    EditProduct,
    catalog,
    __preload_catalog,
    CatalogPage::EditProduct
);
page!(
    ProductCard,
    catalog,
    __preload_catalog,
    CatalogPage::ProductCard
);
page!(
    Categories,
    catalog,
    __preload_catalog,
    CatalogPage::Categories
);
page!(Import, catalog, __preload_catalog, CatalogPage::Import);
page!(
    StockDocuments,
    catalog,
    __preload_catalog,
    CatalogPage::StockDocuments
);
page!(
    NewStockDocument,
    catalog,
    __preload_catalog,
    CatalogPage::NewStockDocument
);
page!(
    StockDocument,
    catalog,
    __preload_catalog,
    CatalogPage::StockDocument
);

/// The pages of one group: the orders list and the board.
#[derive(Clone, Copy, Debug)]
pub enum OrderListsPage {
    Orders,
    Board,
}

#[leptos::lazy]
fn order_lists(page: OrderListsPage) -> AnyView {
    match page {
        OrderListsPage::Orders => view! { <crate::orders::ui::OrdersPage/> }.into_any(),
        OrderListsPage::Board => view! { <crate::orders::ui::board::BoardPage/> }.into_any(),
    }
}
page!(
    Orders,
    order_lists,
    __preload_order_lists,
    OrderListsPage::Orders
);
page!(
    Board,
    order_lists,
    __preload_order_lists,
    OrderListsPage::Board
);

/// The pages of one group: a new order, its card and its edit form.
#[derive(Clone, Copy, Debug)]
pub enum OrderPagesPage {
    NewOrder,
    Order,
    EditOrder,
}

#[leptos::lazy]
fn order_pages(page: OrderPagesPage) -> AnyView {
    match page {
        OrderPagesPage::NewOrder => view! { <crate::orders::ui::new::NewOrderPage/> }.into_any(),
        OrderPagesPage::Order => view! { <crate::orders::ui::card::OrderPage/> }.into_any(),
        OrderPagesPage::EditOrder => view! { <crate::orders::ui::new::EditOrderPage/> }.into_any(),
    }
}
page!(
    NewOrder,
    order_pages,
    __preload_order_pages,
    OrderPagesPage::NewOrder
);
page!(
    Order,
    order_pages,
    __preload_order_pages,
    OrderPagesPage::Order
);
page!(
    EditOrder,
    order_pages,
    __preload_order_pages,
    OrderPagesPage::EditOrder
);

/// The pages of one group: clients: the list, a new one, a card.
#[derive(Clone, Copy, Debug)]
pub enum ClientsPage {
    Clients,
    NewClient,
    Client,
    Calls,
    /// The pop-up of a call ringing for the user (its id), shown over any page.
    CallPopup(i64),
}

/// The call pop-up's code: with the clients' pages (whose card it opens next).
pub async fn call_popup(id: i64) -> AnyView {
    clients(ClientsPage::CallPopup(id)).await
}

#[leptos::lazy]
fn clients(page: ClientsPage) -> AnyView {
    match page {
        ClientsPage::Clients => view! { <crate::customers::ui::ClientsPage/> }.into_any(),
        ClientsPage::NewClient => view! { <crate::customers::ui::card::NewClientPage/> }.into_any(),
        ClientsPage::Client => view! { <crate::customers::ui::card::ClientPage/> }.into_any(),
        ClientsPage::Calls => view! { <crate::telephony::ui::CallsPage/> }.into_any(),
        ClientsPage::CallPopup(id) => view! { <crate::telephony::ui::CallPopup id/> }.into_any(),
    }
}
page!(Clients, clients, __preload_clients, ClientsPage::Clients);
page!(Calls, clients, __preload_clients, ClientsPage::Calls);
page!(
    NewClient,
    clients,
    __preload_clients,
    ClientsPage::NewClient
);
page!(Client, clients, __preload_clients, ClientsPage::Client);

/// The pages of one group: tasks, projects and chats.
#[derive(Clone, Copy, Debug)]
pub enum WorkPage {
    Tasks,
    Projects,
    Task,
    Chat,
}

#[leptos::lazy]
fn work(page: WorkPage) -> AnyView {
    match page {
        WorkPage::Tasks => {
            view! { <crate::tasks::ui::TasksPage kind=crate::process::ProcessKind::Task/> }
                .into_any()
        }
        WorkPage::Projects => {
            view! { <crate::tasks::ui::TasksPage kind=crate::process::ProcessKind::Project/> }
                .into_any()
        }
        WorkPage::Task => view! { <crate::tasks::ui::TaskPage/> }.into_any(),
        WorkPage::Chat => view! { <crate::chat::ui::ChatPage/> }.into_any(),
    }
}
page!(Tasks, work, __preload_work, WorkPage::Tasks);
page!(Projects, work, __preload_work, WorkPage::Projects);
page!(Task, work, __preload_work, WorkPage::Task);
page!(Chat, work, __preload_work, WorkPage::Chat);

/// The pages of one group: generated documents.
#[derive(Clone, Copy, Debug)]
pub enum DocumentsPage {
    Documents,
}

#[leptos::lazy]
fn documents(page: DocumentsPage) -> AnyView {
    match page {
        DocumentsPage::Documents => {
            view! { <crate::documents::ui::list::DocumentsPage/> }.into_any()
        }
    }
}
page!(
    Documents,
    documents,
    __preload_documents,
    DocumentsPage::Documents
);

/// The pages of one group: reports and the constructor.
#[derive(Clone, Copy, Debug)]
pub enum ReportsPage {
    Reports,
    Campaigns,
    NewCampaign,
    Campaign,
    MailTemplates,
}

#[leptos::lazy]
fn reports(page: ReportsPage) -> AnyView {
    match page {
        ReportsPage::Reports => view! { <crate::reports::ui::ReportsPage/> }.into_any(),
        // Campaigns are the office's work, like the reports: one chunk for both.
        ReportsPage::Campaigns => view! { <crate::campaigns::ui::CampaignsPage/> }.into_any(),
        ReportsPage::NewCampaign => {
            view! { <crate::campaigns::ui::new::NewCampaignPage/> }.into_any()
        }
        ReportsPage::Campaign => view! { <crate::campaigns::ui::CampaignPage/> }.into_any(),
        ReportsPage::MailTemplates => {
            view! { <crate::campaigns::ui::templates::MailTemplatesPage/> }.into_any()
        }
    }
}
page!(Reports, reports, __preload_reports, ReportsPage::Reports);
page!(
    Campaigns,
    reports,
    __preload_reports,
    ReportsPage::Campaigns
);
page!(
    NewCampaign,
    reports,
    __preload_reports,
    ReportsPage::NewCampaign
);
page!(Campaign, reports, __preload_reports, ReportsPage::Campaign);
page!(
    MailTemplates,
    reports,
    __preload_reports,
    ReportsPage::MailTemplates
);

/// The pages of one group: settings.
#[derive(Clone, Copy, Debug)]
pub enum SettingsPage {
    Settings,
    Locations,
    Employees,
    Tokens,
    Processes,
    Access,
    Funds,
    Company,
    Templates,
    Template,
    Mail,
    Telephony,
}

#[leptos::lazy]
fn settings(page: SettingsPage) -> AnyView {
    match page {
        SettingsPage::Settings => view! { <crate::ui::settings::SettingsHome/> }.into_any(),
        SettingsPage::Locations => view! { <crate::org::ui::locations::LocationsPage/> }.into_any(),
        SettingsPage::Employees => view! { <crate::org::ui::employees::EmployeesPage/> }.into_any(),
        SettingsPage::Tokens => view! { <crate::auth::ui::tokens::TokensPage/> }.into_any(),
        SettingsPage::Mail => {
            view! { <crate::campaigns::ui::settings::MailSettingsPage/> }.into_any()
        }
        SettingsPage::Telephony => {
            view! { <crate::telephony::ui::TelephonySettingsPage/> }.into_any()
        }
        SettingsPage::Processes => view! { <crate::process::ui::ProcessesPage/> }.into_any(),
        SettingsPage::Access => view! { <crate::orders::ui::settings::AccessPage/> }.into_any(),
        SettingsPage::Funds => view! { <crate::orders::ui::settings::FundsPage/> }.into_any(),
        SettingsPage::Company => view! { <crate::documents::ui::CompanyPage/> }.into_any(),
        SettingsPage::Templates => {
            view! { <crate::documents::ui::templates::TemplatesPage/> }.into_any()
        }
        SettingsPage::Template => {
            view! { <crate::documents::ui::templates::TemplatePage/> }.into_any()
        }
    }
}
page!(
    Settings,
    settings,
    __preload_settings,
    SettingsPage::Settings
);
page!(
    Locations,
    settings,
    __preload_settings,
    SettingsPage::Locations
);
page!(
    Employees,
    settings,
    __preload_settings,
    SettingsPage::Employees
);
page!(Tokens, settings, __preload_settings, SettingsPage::Tokens);
page!(
    Processes,
    settings,
    __preload_settings,
    SettingsPage::Processes
);
page!(Access, settings, __preload_settings, SettingsPage::Access);
page!(Funds, settings, __preload_settings, SettingsPage::Funds);
page!(Company, settings, __preload_settings, SettingsPage::Company);
page!(
    Templates,
    settings,
    __preload_settings,
    SettingsPage::Templates
);
page!(
    Template,
    settings,
    __preload_settings,
    SettingsPage::Template
);
page!(Mail, settings, __preload_settings, SettingsPage::Mail);
page!(
    Telephony,
    settings,
    __preload_settings,
    SettingsPage::Telephony
);
