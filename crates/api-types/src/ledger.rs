//! The other subsidies, awards and budgets (SPEC §4 R10–R13, §7b): cloud fees, awards, budgets.

use chrono::NaiveDateTime;
use dtpilot_domain::Money;
use dtpilot_domain::budget::{Fund, RecipientType};
use dtpilot_domain::policy::AwardKind;
use dtpilot_domain::reference::{County, Industry};
use serde::{Deserialize, Serialize};

/// `POST /enterprises/{id}/cloud-fees`: a cloud fee the enterprise paid (R11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloudFeeRequest {
    pub amount: Money,
    /// The period the fee covers, as the invoice says (e.g. `2026-01` or `2026年第一季度`).
    pub period: String,
    pub invoice_no: String,
}

/// A declared cloud fee and the subsidy it made due (a `cloud` instruction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloudFeeView {
    pub id: i64,
    pub enterprise_id: i64,
    pub amount: Money,
    pub period: String,
    pub invoice_no: String,
    /// min(amount, what was left of the cumulative cap).
    pub subsidy: Money,
    pub payment_id: i64,
    pub created_at: NaiveDateTime,
}

/// `GET /enterprises/{id}/cloud-fees`: the fees, and the R11 cap with what is left of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloudFeesView {
    pub items: Vec<CloudFeeView>,
    pub cap: Money,
    pub granted: Money,
    pub remaining: Money,
}

/// Who receives an award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecipientRef {
    #[serde(rename = "type")]
    pub kind: RecipientType,
    pub id: i64,
}

/// `POST /awards` (city): an award of R12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    pub kind: AwardKind,
    pub recipient: RecipientRef,
    pub amount: Money,
    /// Required for the kinds limited per industry (the standard package).
    #[serde(default)]
    pub industry: Option<Industry>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardView {
    pub id: i64,
    pub kind: AwardKind,
    pub recipient: RecipientRef,
    pub recipient_name: String,
    pub amount: Money,
    /// The kind's cap (R12) from the profile.
    pub cap: Money,
    pub industry: Option<Industry>,
    pub comment: String,
    pub payment_id: i64,
    pub created_at: NaiveDateTime,
}

/// An award kind's cap and limits (R12), for the award form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardKindView {
    pub kind: AwardKind,
    pub name: String,
    pub cap: Money,
    pub per_industry: Option<u32>,
    pub recipients: Vec<RecipientType>,
    pub source: String,
}

/// `GET /awards`: the awards in the caller's scope, and every kind's cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AwardsView {
    pub items: Vec<AwardView>,
    pub kinds: Vec<AwardKindView>,
}

/// `POST /budgets` (city): a budget for one pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetRequest {
    pub fund: Fund,
    /// Only for the county fund.
    #[serde(default)]
    pub county: Option<County>,
    pub amount: Money,
    /// Only for the central fund, and required there: its retrofit part (R13: at least 80%).
    #[serde(default)]
    pub retrofit_amount: Option<Money>,
}

/// A pool's budget and what it has drawn. `committed` is reserved but not yet paid (approved
/// projects' planned subsidy, instructions not yet executed); `remaining` = amount − committed −
/// paid + recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetView {
    pub fund: Fund,
    pub county: Option<County>,
    /// 中央专项资金, 市级配套资金, or the county's name.
    pub name: String,
    pub amount: Money,
    pub retrofit_amount: Option<Money>,
    pub committed: Money,
    pub paid: Money,
    pub recovered: Money,
    pub remaining: Money,
    /// Central fund only: the retrofit part's and the other part's remainders (R13).
    pub retrofit_remaining: Option<Money>,
    pub other_remaining: Option<Money>,
}

/// `GET /budgets`: the pools that have a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetsView {
    pub items: Vec<BudgetView>,
    /// What the other kinds (diagnosis, cloud, award) draw on, as the profile says.
    pub other_kinds_note: String,
}
