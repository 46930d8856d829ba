//! `GET /healthz` (public): answers 200 only when the database answers.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::app::AppState;
use crate::db;
use crate::error::ApiError;

const DB_TIMEOUT: Duration = Duration::from_secs(5);

/// What `GET /healthz` answers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `"ok"` (otherwise the answer is a 503 problem).
    pub status: &'static str,
    /// `"sqlite"` or `"postgres"`.
    pub database: &'static str,
    /// The policy profile in force, e.g. `changzhi-2025@1`.
    pub policy: String,
}

/// Liveness and readiness: 200 only when the database answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses(
        (status = 200, description = "服务与数据库正常", body = Health),
        (status = 503, description = "数据库无响应"),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let pool = state.pool.clone();
    let ping = web::block(move || db::ping(&pool));
    match tokio_timeout(DB_TIMEOUT, ping).await {
        Some(Ok(Ok(()))) => {
            Ok(HttpResponse::Ok().json(Health { status: "ok", database: state.backend, policy: state.profile_label() }))
        }
        Some(Ok(Err(e))) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            Err(ApiError::Unavailable("数据库无响应"))
        }
        Some(Err(e)) => Err(ApiError::internal(e)),
        None => Err(ApiError::Unavailable("数据库响应超时")),
    }
}

/// `None` when the future did not finish in time.
async fn tokio_timeout<F: std::future::Future>(d: Duration, f: F) -> Option<F::Output> {
    actix_web::rt::time::timeout(d, f).await.ok()
}
