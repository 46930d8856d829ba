//! One module per screen; one dashboard module per role.

pub mod account;
pub mod admin;
pub mod calculator;
pub mod city;
pub mod city_notices;
pub mod city_payments;
pub mod city_progress;
pub mod county;
pub mod county_enterprises;
pub mod dashboard;
pub mod enterprise;
pub mod enterprise_apply;
pub mod enterprise_cloud;
pub mod enterprise_current;
pub mod enterprise_diagnoses;
pub mod evaluator;
pub mod finance;
pub mod ledger_budgets;
pub mod login;
pub mod pool;
pub mod project;
pub mod provider;
pub mod provider_diagnosis;
pub mod provider_money;
