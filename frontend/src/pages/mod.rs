//! One module per screen; one dashboard module per role.

pub mod account;
pub mod admin;
pub mod calculator;
pub mod catalogue;
pub mod city;
pub mod city_notices;
pub mod city_payments;
pub mod city_performance;
pub mod city_progress;
pub mod county;
pub mod county_enterprises;
pub mod dashboard;
pub mod enterprise;
pub mod enterprise_apply;
pub mod enterprise_current;
pub mod enterprise_diagnoses;
pub mod evaluation_detail;
pub mod evaluator;
pub mod finance;
pub mod login;
pub mod pool;
pub mod project;
pub mod provider;
pub mod provider_diagnosis;
