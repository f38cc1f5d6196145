//! Integration tests: the real router on a real port, on real SQLite files and on the
//! real PostgreSQL server. Every test runs once per backend.

mod auth;
mod backup;
mod campaigns;
mod catalog;
mod chat;
mod clients;
mod documents;
mod forms;
mod helpers;
mod home;
mod idempotency;
mod instances;
mod live;
mod matrix;
mod notify;
mod orders;
mod org;
mod reports;
mod roles;
mod rules;
mod scope;
mod stock;
mod system;
mod telephony;
mod trust;
