//! dtpilot-domain: the pure policy core of dtpilot.
//!
//! Money ([`money`]), policy profiles ([`policy`]), the rules R1–R16 of SPEC §4 ([`rules`],
//! [`eligibility`], [`validation`]), the subsidy calculator ([`quote`]), the project state
//! machine of SPEC §5 ([`state`]) and the deadlines a batch's dates set ([`deadline`]). No
//! database, no HTTP, no clock, no I/O: it builds for `wasm32-unknown-unknown` and is shared by
//! the server and the browser.

pub mod accounts;
pub mod budget;
pub mod deadline;
pub mod eligibility;
pub mod enterprise;
pub mod findings;
pub mod import;
pub mod invoice;
pub mod ledger;
pub mod level;
pub mod money;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod performance;
pub mod policy;
pub mod quote;
pub mod reference;
pub mod report;
pub mod rules;
pub mod scheme;
pub mod state;
pub mod validation;

pub use level::DigitalLevel;
pub use money::{Money, MoneyError, Ratio};
pub use policy::PolicyProfile;
