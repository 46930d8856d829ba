//! The typed client of the REST API (`/api/v1`, same origin), over `gloo-net`.

use dtpilot_api_types::Problem;
use dtpilot_api_types::auth::{LoginRequest, RefreshRequest, TokenResponse, UserView};
use dtpilot_api_types::{QuoteResponse, problem::FieldError};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

const BASE: &str = "/api/v1";

/// A failed call: the problem+json of the server, or no answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with an error status (its `detail` and `errors` are Chinese).
    Problem(Problem),
    /// No usable answer (network down, not JSON…).
    Network(String),
}

impl ApiError {
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Problem(p) => &p.errors,
            ApiError::Network(_) => &[],
        }
    }
}

async fn answer<T: DeserializeOwned>(response: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = response.map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return response.json::<T>().await.map_err(|e| ApiError::Network(e.to_string()));
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => Err(ApiError::Problem(p)),
        Err(_) => Err(ApiError::Problem(Problem::new(status, "http_error", "请求失败", format!("HTTP {status}")))),
    }
}

fn bearer(builder: RequestBuilder, access_token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {access_token}"))
}

pub async fn login(username: String, password: String) -> Result<TokenResponse, ApiError> {
    let request = Request::post(&format!("{BASE}/auth/login"))
        .json(&LoginRequest { username, password })
        .map_err(|e| ApiError::Network(e.to_string()))?;
    answer(request.send().await).await
}

pub async fn refresh(refresh_token: String) -> Result<TokenResponse, ApiError> {
    let request = Request::post(&format!("{BASE}/auth/refresh"))
        .json(&RefreshRequest { refresh_token })
        .map_err(|e| ApiError::Network(e.to_string()))?;
    answer(request.send().await).await
}

/// `POST /auth/logout` (204): the refresh token dies on the server.
pub async fn logout(access_token: &str, refresh_token: String) -> Result<(), ApiError> {
    let request = bearer(Request::post(&format!("{BASE}/auth/logout")), access_token)
        .json(&RefreshRequest { refresh_token })
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request.send().await.map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(())
    } else {
        Err(response.json::<Problem>().await.map_or_else(|e| ApiError::Network(e.to_string()), ApiError::Problem))
    }
}

pub async fn me(access_token: &str) -> Result<UserView, ApiError> {
    answer(bearer(Request::get(&format!("{BASE}/me")), access_token).send().await).await
}

/// `POST /subsidy/quote`. The body is what the user typed (amounts as the strings entered), so
/// that the server's validation — and its per-field Chinese messages — is the one that applies.
pub async fn quote(body: &serde_json::Value) -> Result<QuoteResponse, ApiError> {
    let request =
        Request::post(&format!("{BASE}/subsidy/quote")).json(body).map_err(|e| ApiError::Network(e.to_string()))?;
    answer(request.send().await).await
}
