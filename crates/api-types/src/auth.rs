//! Sign-in and accounts: `POST /auth/login`, `/auth/refresh`, `/auth/logout`, `GET /me`, `POST /users`.

use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The account as its owner and the administrators see it (no password hash, ever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<County>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<i64>,
    pub active: bool,
}

/// The answer to login and refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `"Bearer"`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: UserView,
    /// The account signed in with a one-time password: every call but `POST /me/password` and
    /// logout answers 403 `password_change_required` until it is changed.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `PATCH /users/{id}`: any of the fields; deactivation revokes every session of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// `POST /users/{id}/password`: a one-time password, to be changed at the next sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    pub password: String,
}

/// `POST /me/password`: the signed-in user's own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub county: Option<County>,
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    #[serde(default)]
    pub provider_id: Option<i64>,
}

/// `POST /users/bulk` (SPEC §9.2 "Accounts for a whole programme"): accounts with one-time
/// passwords for a selection of enterprises (city; a county for its own county's) and providers
/// (city). Together at most 200 ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkUsersRequest {
    #[serde(default)]
    pub enterprise_ids: Vec<i64>,
    #[serde(default)]
    pub provider_ids: Vec<i64>,
}

/// An account made by `POST /users/bulk`, with its one-time password (shown once, never stored in
/// clear; the holder must change it at first sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkCreatedAccount {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    /// The enterprise's or provider's unified social credit code.
    pub credit_code: String,
    pub one_time_password: String,
}

/// An enterprise or provider of the request that got no account, and why: `has_account` (it
/// already has one), `username_taken` (its credit code is another account's username), `not_found`
/// (unknown, or outside the caller's county).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkSkipped {
    /// `enterprise` or `provider`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    pub reason: String,
}

/// The answer of `POST /users/bulk` (JSON; `?format=xlsx` answers the same as a credential sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkUsersResponse {
    pub created: Vec<BulkCreatedAccount>,
    pub skipped: Vec<BulkSkipped>,
}
