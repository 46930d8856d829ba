//! The audit log (city, admin): `GET /audit` (a page of events, newest first) and
//! `GET /audit/verify` (the hash chain recomputed).

use serde::{Deserialize, Serialize};

/// `GET /audit` query parameters; all optional. `page` counts from 1 (default 1); `per_page` is
/// 1–200 (default 50). Values out of range or not integers answer 422 naming the parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_user_id: Option<i64>,
    /// e.g. `user.create`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<i64>,
}

/// One event of the log. `actor_user_id`/`actor_role` are `null` when the platform itself acted
/// (the command line, a rule). `before`/`after` are the entity's views around the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Position in the chain: 1, 2, 3, … without gaps.
    pub seq: i64,
    /// UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_role: Option<String>,
    /// `entity.verb`, e.g. `user.create`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// The previous event's `hash` (64 zeros for seq 1).
    pub prev_hash: String,
    /// Lowercase hex SHA-256 of this event's canonical encoding (defined in the backend's `audit` module).
    pub hash: String,
}

/// `GET /audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Events matching the filter, on all pages.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// `GET /audit/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// Every event links to its predecessor and matches its hash.
    pub ok: bool,
    /// Events in the log.
    pub events: i64,
    /// The first event whose chain is broken (a changed event, or the first missing one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_bad_seq: Option<i64>,
    /// What is wrong there (Chinese, for people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The newest event's hash. Kept outside the database with `events`, it lets a later check
    /// detect removal of the newest events, which the chain alone cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_hash: Option<String>,
}
