//! The one error type of the HTTP layer. Every error answers RFC 9457 problem+json with a Chinese
//! `title`/`detail` and a stable English `code`; the status mapping is one exhaustive `match`.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use dtpilot_api_types::problem::{FieldError, PROBLEM_CONTENT_TYPE, Problem};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON, or not a JSON object.
    #[error("请求格式错误: {0}")]
    Malformed(String),
    /// 401: no token, a bad or expired token, or wrong credentials (one answer for all).
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: &'static str },
    /// 403: the caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 403 with its own `code`: the role may act, but not on this record (e.g. `not_assigned`).
    #[error("{detail}")]
    ForbiddenFor { code: &'static str, detail: String },
    /// 403 `password_change_required`: signed in with a one-time password, which must be changed
    /// first (`POST /me/password`).
    #[error("请先修改一次性密码")]
    PasswordChangeRequired,
    /// 404: unknown, or outside the caller's scope.
    #[error("资源不存在")]
    NotFound,
    /// 413: the body is larger than allowed.
    #[error("请求体过大(上限 {limit} 字节)")]
    PayloadTooLarge { limit: usize },
    /// 409: a duplicate, a stale version or a state that does not allow the action.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 422: invalid fields or a failed precondition.
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 429: too many attempts; try again after `retry_after_secs`.
    #[error("尝试次数过多,请 {} 分钟后再试", retry_after_secs.div_ceil(60))]
    TooManyRequests { retry_after_secs: u64 },
    /// 503: more logins wait for password hashing than can be served within about a second; try
    /// again after `retry_after_secs`.
    #[error("登录请求过多,请 {retry_after_secs} 秒后再试")]
    Overloaded { retry_after_secs: u64 },
    /// 503: the database does not answer.
    #[error("服务暂不可用: {0}")]
    Unavailable(&'static str),
    /// 500: logged once with its cause; the answer says nothing internal.
    #[error("服务器内部错误")]
    Internal(String),
}

impl ApiError {
    /// A 422 about fields.
    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let detail = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join(";");
        ApiError::Unprocessable { code: "validation_failed", detail, errors }
    }

    /// A 422 about one field.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![FieldError::new(field, message)])
    }

    /// 422 `provider_blocked`: a suspended, removed or flagged provider is named in no new project,
    /// uploads no diagnosis and receives no award (SPEC §9.1).
    pub fn provider_blocked(block: dtpilot_domain::eligibility::ProviderBlock, field: &str, what: &str) -> ApiError {
        ApiError::Unprocessable {
            code: block.code(),
            detail: format!("{block},{what}(第六条)"),
            errors: vec![FieldError::new(field, block.to_string())],
        }
    }

    /// 422 `provider_inactive`: a suspended or removed provider takes no new work (SPEC §7b).
    pub fn provider_inactive(detail: &str) -> ApiError {
        ApiError::Unprocessable {
            code: "provider_inactive",
            detail: detail.to_string(),
            errors: vec![FieldError::new("provider_id", "服务商不在服务状态")],
        }
    }

    /// The one 401 for bad credentials: the same for an unknown user and a wrong password.
    pub fn bad_credentials() -> ApiError {
        ApiError::Unauthorized { code: "invalid_credentials", detail: "用户名或密码错误" }
    }

    pub fn forbidden() -> ApiError {
        ApiError::Forbidden("当前角色无权执行此操作".into())
    }

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_request", "请求格式错误"),
            ApiError::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code, "未登录或登录已失效"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "无权执行此操作"),
            ApiError::ForbiddenFor { code, .. } => (StatusCode::FORBIDDEN, code, "无权执行此操作"),
            ApiError::PasswordChangeRequired => (StatusCode::FORBIDDEN, "password_change_required", "须先修改密码"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "资源不存在"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code, "操作冲突"),
            ApiError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", "请求过于频繁"),
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "请求体过大"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code, "请求内容未通过校验"),
            ApiError::Overloaded { .. } => (StatusCode::SERVICE_UNAVAILABLE, "overloaded", "服务繁忙"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "服务暂不可用"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "服务器内部错误"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, code, title) = self.parts();
        let mut p = Problem::new(status.as_u16(), code, title, self.to_string());
        if let ApiError::Unprocessable { errors, .. } = self {
            p.errors = errors.clone();
        }
        p
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(cause = %cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        match self {
            ApiError::TooManyRequests { retry_after_secs } | ApiError::Overloaded { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            // No database connection within the pool's timeout: worth another try shortly.
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<crate::db::RepoError> for ApiError {
    fn from(e: crate::db::RepoError) -> ApiError {
        use crate::db::RepoError;
        match e {
            RepoError::NotFound => ApiError::NotFound,
            RepoError::Conflict(what) => ApiError::Conflict { code: "duplicate", detail: format!("{what} 已存在") },
            RepoError::Stale => ApiError::Conflict {
                code: "stale_version",
                detail: "记录已被他人修改,请刷新后重试(version 已过期)".into(),
            },
            RepoError::Db(e) => ApiError::internal(e),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        match e {
            crate::db::DbError::Pool(e) => {
                tracing::warn!(error = %e, "no database connection");
                ApiError::Unavailable("数据库连接不可用")
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> ApiError {
        ApiError::from(crate::db::RepoError::from(e))
    }
}
