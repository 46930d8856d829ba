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
    /// 404: unknown, or outside the caller's scope.
    #[error("资源不存在")]
    NotFound,
    /// 413: the body is larger than allowed.
    #[error("请求体过大(上限 {limit} 字节)")]
    PayloadTooLarge { limit: usize },
    /// 422: invalid fields or a failed precondition.
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String, errors: Vec<FieldError> },
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

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Malformed(_) => (StatusCode::BAD_REQUEST, "malformed_request", "请求格式错误"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", "资源不存在"),
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "请求体过大"),
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code, "请求内容未通过校验"),
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
        HttpResponse::build(self.status_code())
            .insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE))
            .json(self.problem())
    }
}
