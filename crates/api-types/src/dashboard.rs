//! `GET /dashboard`: programme targets against the records, breakdowns, and the money by fund.

use dtpilot_domain::Money;
use serde::{Deserialize, Serialize};

/// A target of 实施方案 附件1 and what the records show (`actual: null` where dtpilot does not
/// count it from its records yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetView {
    pub key: String,
    pub name: String,
    pub target: u32,
    pub actual: Option<i64>,
    pub source: String,
}

/// One row of a breakdown (by county, industry or batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    pub key: String,
    pub name: String,
    pub enterprises: i64,
    pub projects: i64,
    /// Projects that passed acceptance (accepted or settled).
    pub accepted: i64,
    pub planned_subsidy: Money,
    pub final_subsidy: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundTotals {
    pub central: Money,
    pub city: Money,
    pub county: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundsSummary {
    /// The sum of the budgets in view (`POST /budgets`); `null` where none is set ("未设预算").
    pub budgeted: Option<Money>,
    pub budget_note: String,
    /// Each budget in view with what it has drawn (city, finance: all; county: central, city, its own).
    #[serde(default)]
    pub budgets: Vec<crate::ledger::BudgetView>,
    /// Out-going instructions pending or approved, not yet paid.
    pub awaiting_payment: FundTotals,
    pub paid: FundTotals,
    /// Recoveries not yet received.
    pub awaiting_recovery: FundTotals,
    pub recovered: FundTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardView {
    /// The profile the targets come from.
    pub policy: String,
    pub targets: Vec<TargetView>,
    /// Project counts by state code.
    pub projects_by_status: std::collections::BTreeMap<String, i64>,
    pub by_county: Vec<BreakdownRow>,
    pub by_industry: Vec<BreakdownRow>,
    pub by_batch: Vec<BreakdownRow>,
    pub funds: FundsSummary,
}
