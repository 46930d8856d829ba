//! One module per screen.

pub mod account;
pub mod calculator;
pub mod login;
