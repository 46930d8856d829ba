//! Findings and recoveries (SPEC §9.1, 第十四条 / 第十条).

use chrono::NaiveDateTime;
use dtpilot_domain::Money;
use dtpilot_domain::findings::{FindingKind, SubjectType};
use serde::{Deserialize, Serialize};

use crate::workflow::PaymentView;

/// Whom a finding concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubjectRef {
    #[serde(rename = "type")]
    pub kind: SubjectType,
    pub id: i64,
}

/// One paid instruction to reclaim, and how much of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    pub payment_id: i64,
    pub amount: Money,
}

/// `POST /findings` (city).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FindingRequest {
    pub subject: SubjectRef,
    pub kind: FindingKind,
    /// The document that records the finding (文号).
    pub document_no: String,
    pub description: String,
    #[serde(default)]
    pub recoveries: Vec<RecoveryRequest>,
    #[serde(default)]
    pub disqualify: bool,
}

/// A recovery a finding made: the new `recovery` instruction and the paid one it reclaims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingRecoveryView {
    pub reclaims_payment_id: i64,
    pub payment: PaymentView,
}

/// A finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingView {
    pub id: i64,
    pub subject: SubjectRef,
    pub subject_name: String,
    pub kind: FindingKind,
    pub document_no: String,
    pub description: String,
    pub disqualify: bool,
    pub recoveries: Vec<FindingRecoveryView>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}
