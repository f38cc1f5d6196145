//! Documents generated from templates (invoices, contracts, waybills) — being built.
//! So far: amounts in words for their totals ([`words`]) and the template renderer
//! ([`render`]: escaping, visible gaps for missing fields, errors with their line).

#[cfg(feature = "ssr")]
pub mod render;
pub mod words;
