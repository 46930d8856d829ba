//! dtpilot-backend: the HTTP server (actix-web) over SQLite or PostgreSQL (diesel).
//!
//! Handlers are thin: authenticate, scope, call `dtpilot-domain`, persist in one transaction, answer.

pub mod app;
pub mod audit;
pub mod auth;
pub mod budget;
pub mod cli;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod import_file;
pub mod openapi;
pub mod password;
pub mod repo;
pub mod report_xlsx;
pub mod routes;
pub mod scope;
pub mod security;
pub mod settings;
pub mod static_files;
pub mod uploads;
pub mod users;
pub mod workflow;
