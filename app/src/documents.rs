//! Documents generated from templates (invoices, contracts, waybills) — being built.
//! So far: amounts in words for their totals ([`words`]).

pub mod words;
