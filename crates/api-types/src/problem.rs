//! RFC 9457 problem details, the one error shape of the API.

use serde::{Deserialize, Serialize};

pub use dtpilot_domain::quote::FieldError as DomainFieldError;

/// One invalid field of a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into() }
    }
}

impl From<DomainFieldError> for FieldError {
    fn from(e: DomainFieldError) -> Self {
        FieldError { field: e.field, message: e.message }
    }
}

/// `application/problem+json`: `type`, `title`, `status`, `detail`, plus `code` (stable, English)
/// and, for 422, `errors`. `title` and `detail` are Chinese, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Content type of error answers.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl Problem {
    pub fn new(status: u16, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            type_: format!("https://dtpilot.example/problems/{code}"),
            title: title.to_string(),
            status,
            detail: detail.into(),
            code: code.to_string(),
            errors: Vec::new(),
        }
    }
}
