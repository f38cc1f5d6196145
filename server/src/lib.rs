#![recursion_limit = "512"]
//! The `vitrina` server: configuration, the axum router (HTML app, server functions,
//! REST API v1, `/ws`), the CLI commands and the demo chain.

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod forms;
pub mod openapi;
pub mod precompress;
pub mod rest;
pub mod router;
pub mod text_guard;
pub mod unsubscribe;
pub mod worker;
pub mod ws;
