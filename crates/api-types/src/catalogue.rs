//! Issue 5: the evaluation scheme's detail on a project, provider performance evaluations
//! (实施方案 附件2 item 18) and the 小快轻准 product catalogue (SPEC §7b).

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use dtpilot_domain::reference::Industry;
use dtpilot_domain::{DigitalLevel, Money};
use serde::{Deserialize, Serialize};

use crate::programme::{ProviderStatus, ProviderView};

// ---- the evaluation scheme's detail -----------------------------------------------------------

/// `detail` of an evaluation's `meta`: the score of each dimension of the scheme in force (JSON
/// numbers, at most two decimals, 0–the dimension's max) and the level each graded business scene
/// reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationDetailRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, f64>))]
    pub dimension_scores: BTreeMap<String, serde_json::Number>,
    #[serde(default)]
    pub scenes: BTreeMap<String, DigitalLevel>,
}

/// The detail as stored, with the total and the scheme it was computed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationDetailView {
    /// The scheme id, e.g. `miit-digital-level-2024`.
    pub scheme: String,
    /// Dimension key → score (decimal text).
    pub dimension_scores: BTreeMap<String, String>,
    /// Scene key → level reached.
    pub scenes: BTreeMap<String, DigitalLevel>,
    /// The sum of the dimension scores (decimal text).
    pub total: String,
}

/// A project's linked 小快轻准 product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectProductView {
    pub id: i64,
    pub name: String,
    pub provider_id: i64,
    pub provider_name: String,
}

// ---- provider performance evaluation ----------------------------------------------------------

/// The five dimensions of 附件2 item 18, each 0–100 with at most two decimals (JSON numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProviderScoresRequest {
    /// 工作成果
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub results: serde_json::Number,
    /// 企业反馈
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub feedback: serde_json::Number,
    /// 过程记录
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub process: serde_json::Number,
    /// 报告质量
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub report_quality: serde_json::Number,
    /// 抽样评估
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub sampling: serde_json::Number,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProviderEvaluationRequest {
    pub year: i32,
    pub scores: ProviderScoresRequest,
    #[serde(default)]
    pub comment: Option<String>,
}

/// The scores as recorded (decimal text, two decimals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderScoresView {
    pub results: String,
    pub feedback: String,
    pub process: String,
    pub report_quality: String,
    pub sampling: String,
}

/// One provider's evaluation of a year, with its place in that year's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderEvaluationView {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub provider_status: ProviderStatus,
    pub year: i32,
    pub scores: ProviderScoresView,
    /// Σ weight × score, exact decimal text (at least two decimals).
    pub composite: String,
    /// Among the year's evaluations, highest first; equal composites share a rank.
    pub rank: u32,
    /// The composite is below the profile's suspension threshold.
    pub below_threshold: bool,
    pub comment: String,
    /// UTC.
    pub created_at: NaiveDateTime,
}

/// `GET /providers/evaluations?year=`: the year's ranking (a provider sees only its own row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderRankingView {
    pub year: i32,
    /// The weights in force, dimension → decimal text.
    pub weights: BTreeMap<String, String>,
    /// The suspension threshold in force (decimal text).
    pub suspension_below: String,
    /// How many providers were evaluated that year.
    pub evaluated: i64,
    pub items: Vec<ProviderEvaluationView>,
}

/// Suspend every active provider whose composite of `year` is below the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuspendBelowThresholdRequest {
    pub year: i32,
    /// Recorded as each provider's status reason (default: the composite and the threshold).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspendBelowThresholdResponse {
    pub year: i32,
    pub suspension_below: String,
    /// The providers suspended now (already suspended or removed ones are left as they are).
    pub suspended: Vec<ProviderView>,
}

// ---- 小快轻准 catalogue -----------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Pending,
    Approved,
    Rejected,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [ProductStatus::Pending, ProductStatus::Approved, ProductStatus::Rejected];

    pub fn code(self) -> &'static str {
        match self {
            ProductStatus::Pending => "pending",
            ProductStatus::Approved => "approved",
            ProductStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<ProductStatus> {
        ProductStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProductRequest {
    pub name: String,
    pub industry: Industry,
    pub summary: String,
    #[serde(default)]
    pub price: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductView {
    pub id: i64,
    pub provider_id: i64,
    pub provider_name: String,
    pub name: String,
    pub industry: Industry,
    pub summary: String,
    pub price: Option<Money>,
    pub status: ProductStatus,
    pub review_comment: Option<String>,
    /// UTC.
    pub reviewed_at: Option<NaiveDateTime>,
    /// UTC.
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProductDecision {
    Approve,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductReviewRequest {
    pub decision: ProductDecision,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkProductRequest {
    pub product_id: i64,
}
