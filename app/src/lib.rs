//! Vitrina: a CRM for retail chains. This file is the map of the product: the feature
//! modules, the router and the HTML shell.
//!
//! | feature | module |
//! |---|---|
//! | sign in, sessions, roles, API tokens | [`auth`] |
//! | locations (shops, warehouses), employees | [`org`] |
//! | products, categories, barcodes, alternatives | [`catalog`] |
//! | stock ledger, availability, reservations, documents | [`stock`] |
//! | clients (cards, phones, search) | [`customers`] |
//! | business processes (stages, transitions, stage actions) | [`process`] |
//! | orders (lines, stage moves, history, shop scoping) | [`orders`] |
//! | payments, funds, client balances | [`payments`] |
//! | tasks and projects | [`tasks`] |
//! | chats: general, private, messages, mentions | [`chat`] |
//! | comment feeds on orders, tasks, clients | [`comments`] |
//! | documents (templates, generation, files, company requisites) | [`documents`] |
//! | reports (standard, constructor, saved, dashboard, export) | [`reports`] |
//! | the home page's figures per role (my day, the chain's day) | [`home`] |
//! | email campaigns (segments, templates, queue, unsubscribe) | [`campaigns`] |
//! | IP telephony (PBX events, call log, pop-up, click-to-call) | [`telephony`] |
//! | exact quantities and money | [`quantity`] |
//! | money, quantities, percents, sizes, dates as the user's language writes them | [`format`] |
//! | live updates over `/ws` | [`live`] |
//! | notifications (the bell) | [`notify`] |
//! | translations (Russian, English) | [`i18n`] |
//! | who may read or change which record (shop scope) | [`scope`] |
//! | local time: zones of the company and shops, local days, formatting | [`time`] |
//! | errors and their HTTP statuses | [`error`] |
//! | idempotency keys of requests that create (offline queue, online shop) | `idempotency` |
//! | database pool and migrations (server) | `db` |
//! | navigation shell and shared widgets | [`ui`] |
#![recursion_limit = "512"]

pub mod auth;
pub mod campaigns;
pub mod catalog;
pub mod chat;
pub mod comments;
pub mod customers;
#[cfg(feature = "ssr")]
pub mod db;
pub mod documents;
pub mod error;
pub mod files;
pub mod format;
pub mod home;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod idempotency;
pub mod live;
pub mod notify;
pub mod orders;
pub mod org;
pub mod payments;
pub mod process;
pub mod quantity;
pub mod reports;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod state;
pub mod stock;
pub mod tasks;
pub mod telephony;
pub mod time;
pub mod ui;

use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use leptos_router::Lazy;
use ui::pages as page;

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = initial_lang();
    #[cfg(feature = "ssr")]
    ui::security::set_csp_header();
    // The bundle of this very build (`/v/{build}/pkg/…`, see `ui::assets`).
    #[cfg(feature = "ssr")]
    let root = ui::assets::assets(&options).root();
    #[cfg(not(feature = "ssr"))]
    let root = String::new();
    let css = format!("{root}/pkg/vitrina.css");
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-zone=zone_json()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <link rel="stylesheet" id="leptos" href=css/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options root/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The viewer's zone (see [`time::ViewerZone`]) for `<html data-zone>`, which the
/// browser reads back so it shows times as the server did.
fn zone_json() -> String {
    serde_json::to_string(&*initial_zone().0).unwrap_or_default()
}

/// The zone pages render times in: on the server the request's (set by the viewer-zone
/// layer), in the browser the one the server wrote into `<html data-zone>`.
fn initial_zone() -> time::ViewerZone {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<time::ViewerZone>().cloned())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let zone: time::Zone = ui::browser::document_zone()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        time::set_browser_zone(zone.clone());
        time::ViewerZone(std::sync::Arc::new(zone))
    }
}

/// The language to render with: on the server from the request, in the browser from the
/// `<html lang>` the server rendered.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| Lang::of_request(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        ui::browser::document_lang().unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    provide_context(initial_zone());
    provide_context(live::Live::new());
    ui::offline::Offline::provide();

    view! {
        <Title text=i18n::t(i18n::Key::AppName)/>
        <Router>
            <Routes fallback=ui::not_found::NotFound>
                <Route path=path!("/login") view=auth::ui::LoginPage/>
                <Route path=path!("/logout") view=auth::ui::LogoutPage/>
                <ParentRoute path=path!("") view=ui::shell::Shell>
                    <Route path=path!("") view={Lazy::<page::Home>::new()}/>
                    <Route path=path!("stock") view=stock::ui::StockPage/>
                    <Route path=path!("stock/overview") view={Lazy::<page::StockOverview>::new()}/>
                    <Route path=path!("stock/products/new") view={Lazy::<page::NewProduct>::new()}/>
                    <Route path=path!("stock/products/:id") view={Lazy::<page::ProductCard>::new()}/>
                    <Route path=path!("stock/products/:id/edit") view={Lazy::<page::EditProduct>::new()}/>
                    <Route path=path!("stock/categories") view={Lazy::<page::Categories>::new()}/>
                    <Route path=path!("stock/import") view={Lazy::<page::Import>::new()}/>
                    <Route path=path!("stock/documents") view={Lazy::<page::StockDocuments>::new()}/>
                    <Route path=path!("stock/documents/new") view={Lazy::<page::NewStockDocument>::new()}/>
                    <Route path=path!("stock/documents/:id") view={Lazy::<page::StockDocument>::new()}/>
                    <Route path=path!("orders") view={Lazy::<page::Orders>::new()}/>
                    <Route path=path!("orders/board") view={Lazy::<page::Board>::new()}/>
                    <Route path=path!("orders/new") view={Lazy::<page::NewOrder>::new()}/>
                    <Route path=path!("orders/:id") view={Lazy::<page::Order>::new()}/>
                    <Route path=path!("orders/:id/edit") view={Lazy::<page::EditOrder>::new()}/>
                    <Route path=path!("tasks") view={Lazy::<page::Tasks>::new()}/>
                    <Route path=path!("projects") view={Lazy::<page::Projects>::new()}/>
                    <Route path=path!("tasks/:id") view={Lazy::<page::Task>::new()}/>
                    <Route path=path!("clients") view={Lazy::<page::Clients>::new()}/>
                    <Route path=path!("clients/new") view={Lazy::<page::NewClient>::new()}/>
                    <Route path=path!("clients/:id") view={Lazy::<page::Client>::new()}/>
                    <Route path=path!("calls") view={Lazy::<page::Calls>::new()}/>
                    <Route path=path!("chat") view={Lazy::<page::Chat>::new()}/>
                    <Route path=path!("chat/:id") view={Lazy::<page::Chat>::new()}/>
                    <Route path=path!("documents") view={Lazy::<page::Documents>::new()}/>
                    <Route path=path!("reports") view={Lazy::<page::Reports>::new()}/>
                    <Route path=path!("campaigns") view={Lazy::<page::Campaigns>::new()}/>
                    <Route path=path!("campaigns/new") view={Lazy::<page::NewCampaign>::new()}/>
                    <Route path=path!("campaigns/templates") view={Lazy::<page::MailTemplates>::new()}/>
                    <Route path=path!("campaigns/:id") view={Lazy::<page::Campaign>::new()}/>
                    <Route path=path!("settings") view={Lazy::<page::Settings>::new()}/>
                    <Route path=path!("settings/locations") view={Lazy::<page::Locations>::new()}/>
                    <Route path=path!("settings/employees") view={Lazy::<page::Employees>::new()}/>
                    <Route path=path!("settings/tokens") view={Lazy::<page::Tokens>::new()}/>
                    <Route path=path!("settings/processes") view={Lazy::<page::Processes>::new()}/>
                    <Route path=path!("settings/access") view={Lazy::<page::Access>::new()}/>
                    <Route path=path!("settings/funds") view={Lazy::<page::Funds>::new()}/>
                    <Route path=path!("settings/company") view={Lazy::<page::Company>::new()}/>
                    <Route path=path!("settings/mail") view={Lazy::<page::Mail>::new()}/>
                    <Route path=path!("settings/telephony") view={Lazy::<page::Telephony>::new()}/>
                    <Route path=path!("settings/templates") view={Lazy::<page::Templates>::new()}/>
                    <Route path=path!("settings/templates/:id") view={Lazy::<page::Template>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Entry point of the WASM bundle.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes (ui::pages) hydrate once their chunks are in.
    leptos::mount::hydrate_lazy(App);
}
