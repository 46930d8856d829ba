//! dtpilot-api-types: the wire types of the HTTP API (SPEC §7), one definition shared by the
//! backend and the frontend. Amounts are JSON strings with two decimals (`Money`'s serde).

pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod dashboard;
pub mod findings;
pub mod ledger;
pub mod policy;
pub mod problem;
pub mod programme;
pub mod quote;
pub mod reports;
pub mod workflow;

pub use problem::{FieldError, Problem};
pub use quote::{QuoteRequest, QuoteResponse};
