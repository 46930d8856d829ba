//! Readings of the texts the policy profile assumes, and their confirmation by the city bureau
//! (SPEC §9.1 "Readings to confirm"): `GET /policy/interpretations`,
//! `POST /policy/interpretations/{key}/confirm`.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// One reading the profile in force assumes, with its confirmation if the bureau gave one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterpretationView {
    /// The profile entry (`funds.central_share`).
    pub key: String,
    /// Rule id (R1–R16), where the entry belongs to one.
    pub rule: Option<String>,
    /// The value in force, as the profile writes it.
    pub value: String,
    /// The article it rests on.
    pub source: String,
    /// The words of the text.
    pub quote: String,
    /// What dtpilot does (one sentence).
    pub reading: String,
    /// `None` while the reading waits for the bureau (「待确认」).
    pub confirmation: Option<ConfirmationView>,
}

/// Who confirmed a reading, when, and by which document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmationView {
    /// The value confirmed (the profile's value at the time).
    pub value: String,
    /// The document that settles it (e.g. 会议纪要号 or 文号).
    pub document_no: String,
    pub note: String,
    pub confirmed_by: i64,
    pub confirmed_by_name: String,
    pub confirmed_at: NaiveDateTime,
}

/// `GET /policy/interpretations`: the profile in force and its readings, open ones first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InterpretationsView {
    /// `changzhi-2025@1`.
    pub profile: String,
    /// How many readings still wait for the bureau.
    pub open: usize,
    pub items: Vec<InterpretationView>,
}

/// `POST /policy/interpretations/{key}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmInterpretationRequest {
    /// The document that settles the reading (1–100 characters).
    pub document_no: String,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub note: String,
}
