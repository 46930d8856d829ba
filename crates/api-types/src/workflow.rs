//! Projects, reviews, notices, expenses, evaluation, cancellation and payments (SPEC §5–§7).

use chrono::{NaiveDate, NaiveDateTime};
use dtpilot_domain::DigitalLevel;
use dtpilot_domain::Money;
use dtpilot_domain::ledger::{Direction, PaymentKind, PaymentStatus};
use dtpilot_domain::reference::{County, ExpenseCategory};
use dtpilot_domain::rules::CancelReason;
use dtpilot_domain::state::ProjectState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProjectRequest {
    pub batch_id: i64,
    pub provider_id: i64,
    pub contract_no: String,
    pub contract_amount: Money,
    pub planned_eligible_investment: Money,
    pub target_level: DigitalLevel,
    pub overlapping_support_declared: bool,
    /// The diagnostic report the project rests on (R10: its provider receives the diagnosis
    /// subsidy). A report of the applying enterprise; default: its latest report now.
    #[serde(default)]
    pub diagnosis_id: Option<i64>,
}

/// The money of a project and the rules that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubsidyView {
    pub planned_subsidy: Money,
    pub prepayment: Money,
    pub eligible_investment: Money,
    pub achieved_level: Option<DigitalLevel>,
    pub final_subsidy: Option<Money>,
    pub paid_total: Money,
    pub recovered_total: Money,
    pub balance_due: Money,
    pub recovery_due: Money,
    pub rules_applied: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryView {
    pub from: Option<ProjectState>,
    pub to: ProjectState,
    pub action: String,
    pub actor_id: Option<i64>,
    pub actor_role: Option<String>,
    pub comment: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectView {
    pub id: i64,
    pub enterprise_id: i64,
    /// The enterprise's name (so a list needs no second request).
    pub enterprise_name: String,
    pub batch_id: i64,
    pub provider_id: i64,
    /// The contracted provider's name.
    pub provider_name: String,
    pub county: County,
    pub contract_no: String,
    pub contract_amount: Money,
    pub planned_eligible_investment: Money,
    pub target_level: DigitalLevel,
    pub overlapping_support_declared: bool,
    /// The diagnostic report the project rests on (R10), fixed at creation.
    #[serde(default)]
    pub diagnosis_id: Option<i64>,
    pub status: ProjectState,
    /// The policy profile the project was created under, e.g. `changzhi-2025@1`.
    pub policy: String,
    pub planned_subsidy: Money,
    pub prepayment: Money,
    pub cancel_reason: Option<CancelReason>,
    /// The next deadline from the batch's dates (planning data, SPEC §5): `retrofit_due` until
    /// completion is declared, `acceptance_end` while awaiting acceptance, none afterwards.
    pub next_deadline: Option<NaiveDate>,
    /// Today (China Standard Time) is after `next_deadline`. A mark only: no action is refused.
    pub overdue: bool,
    pub subsidy: SubsidyView,
    /// Every transition, oldest first (only on `GET /projects/{id}` and action answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryView>,
    pub version: i64,
    // ---- issue 5: the evaluation scheme's detail and the linked products ----
    /// The detail the evaluator gave (dimension scores, scenes), if any.
    #[serde(default)]
    pub evaluation_detail: Option<crate::catalogue::EvaluationDetailView>,
    /// The level the evaluation scheme computes from the detail.
    #[serde(default)]
    pub computed_level: Option<DigitalLevel>,
    /// The recorded level differs from the computed one (a flag for the city; the recorded level
    /// decides the money).
    #[serde(default)]
    pub level_mismatch: bool,
    /// 小快轻准 products the enterprise named for the project (only on `GET /projects/{id}` and
    /// action answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<crate::catalogue::ProjectProductView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CountyDecision {
    Recommend,
    Return,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CityDecision {
    Approve,
    Return,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CountyReviewRequest {
    pub decision: CountyDecision,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CityReviewRequest {
    pub decision: CityDecision,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub reason: CancelReason,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateNoticeRequest {
    pub project_ids: Vec<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseNoticeRequest {
    #[serde(default)]
    pub upheld_project_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    pub id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub project_ids: Vec<i64>,
    pub upheld_project_ids: Vec<i64>,
    /// The objections received (of the projects the caller may see).
    pub objections: Vec<ObjectionView>,
}

/// An objection (异议) to a project during its notice, as the city bureau received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateObjectionRequest {
    pub project_id: i64,
    pub content: String,
    pub received_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectionView {
    pub id: i64,
    pub project_id: i64,
    pub content: String,
    pub received_on: NaiveDate,
    /// Decided when the notice closes.
    pub upheld: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateExpenseRequest {
    pub category: ExpenseCategory,
    pub amount: Money,
    pub invoice_no: String,
    pub paid_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpenseView {
    pub id: i64,
    pub project_id: i64,
    pub category: ExpenseCategory,
    pub eligible: bool,
    pub amount: Money,
    pub invoice_no: String,
    pub paid_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundsView {
    pub central: Money,
    pub city: Money,
    pub county: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    pub id: i64,
    pub kind: PaymentKind,
    pub project_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub payee: String,
    pub amount: Money,
    pub direction: Direction,
    pub funds: FundsView,
    pub status: PaymentStatus,
    pub approved_by: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    pub voucher_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExecutePaymentRequest {
    pub paid_on: NaiveDate,
    pub voucher_no: String,
}
