//! Enterprises, providers, assignments and batches (SPEC §7).

use chrono::{NaiveDate, NaiveDateTime};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::{DigitalLevel, Money};
use serde::{Deserialize, Serialize};

/// One page of a list: `{items, total, page, per_page}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateEnterpriseRequest {
    pub name: String,
    pub credit_code: String,
    pub county: County,
    pub industry: Industry,
    pub above_designated_size: bool,
    pub employees: u32,
    pub annual_revenue: Money,
    pub is_little_giant: bool,
    pub central_fund_excluded: bool,
    pub contact_name: String,
    pub contact_phone: String,
}

/// A partial update; `version` is the version the client read (stale → 409).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchEnterpriseRequest {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<Industry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above_designated_size: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_little_giant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central_fund_excluded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_abnormal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dishonest: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterpriseView {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub county: County,
    pub industry: Industry,
    pub above_designated_size: bool,
    pub employees: u32,
    pub annual_revenue: Money,
    pub is_little_giant: bool,
    pub central_fund_excluded: bool,
    /// R16: the SME test of §2 under the policy in force.
    pub sme: bool,
    pub credit_abnormal: bool,
    pub dishonest: bool,
    /// R7: disqualified after fraud.
    pub disqualified: bool,
    pub contact_name: String,
    pub contact_phone: String,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    Active,
    Suspended,
    Removed,
}

impl ProviderStatus {
    pub fn code(self) -> &'static str {
        match self {
            ProviderStatus::Active => "active",
            ProviderStatus::Suspended => "suspended",
            ProviderStatus::Removed => "removed",
        }
    }

    pub fn from_code(code: &str) -> Option<ProviderStatus> {
        [ProviderStatus::Active, ProviderStatus::Suspended, ProviderStatus::Removed]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// What a provider offers (服务能力).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// 咨询诊断
    Diagnosis,
    /// 数字化改造
    Retrofit,
    /// 上云用云
    Cloud,
    /// 总集成
    Integration,
    /// 人才培训
    Training,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateProviderRequest {
    pub name: String,
    pub credit_code: String,
    pub capabilities: Vec<Capability>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchProviderRequest {
    /// A new status (`suspended` and `removed` need a `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProviderStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The provider's capabilities, replaced as a whole (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<Capability>>,
    /// 第六条(二): listed as 经营异常.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_abnormal: Option<bool>,
    /// 第六条(二): listed as 失信.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dishonest: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderView {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub capabilities: Vec<Capability>,
    pub status: ProviderStatus,
    pub status_reason: Option<String>,
    /// 第六条(二): listed as 经营异常.
    #[serde(default)]
    pub credit_abnormal: bool,
    /// 第六条(二): listed as 失信.
    #[serde(default)]
    pub dishonest: bool,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignmentRequest {
    pub provider_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentView {
    pub id: i64,
    pub enterprise_id: i64,
    pub provider_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateBatchRequest {
    pub number: u32,
    pub name: String,
    pub diagnosis_due: NaiveDate,
    pub retrofit_due: NaiveDate,
    pub acceptance_start: NaiveDate,
    pub acceptance_end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchView {
    pub id: i64,
    pub number: u32,
    pub name: String,
    pub diagnosis_due: NaiveDate,
    pub retrofit_due: NaiveDate,
    pub acceptance_start: NaiveDate,
    pub acceptance_end: NaiveDate,
    pub enterprises: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchMembersRequest {
    pub enterprise_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchMembersResponse {
    pub batch_id: i64,
    /// Newly added.
    pub added: Vec<i64>,
    /// Already members (unchanged).
    pub already: Vec<i64>,
}

/// A diagnostic report (一企一档) as stored: `POST /enterprises/{id}/diagnoses` answers it,
/// `GET /enterprises/{id}/diagnoses` lists them (newest first); the PDF is at `/diagnoses/{id}/file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiagnosisView {
    pub id: i64,
    pub enterprise_id: i64,
    pub provider_id: i64,
    pub estimated_level: DigitalLevel,
    pub summary: String,
    pub common_needs: Vec<String>,
    pub individual_needs: Vec<String>,
    pub fee: Money,
    pub file_id: i64,
    pub sha256: String,
    /// UTC.
    pub created_at: NaiveDateTime,
}
