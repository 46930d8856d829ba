//! The JSON body extractor every handler uses: size-limited (413 before buffering a larger
//! declared body), malformed JSON or a non-object body → 400, a field of the wrong type or
//! format → 422 naming the field (path), never a panic.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use dtpilot_api_types::FieldError;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// JSON bodies are small; uploads have their own limit.
pub const JSON_LIMIT: usize = 256 * 1024;

/// A JSON request body, read (size-limited) but parsed only when the handler asks, after it has
/// checked the caller's role: a role that may not act gets 403 whatever its body looks like.
pub struct JsonBody<T> {
    bytes: Vec<u8>,
    _type: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parse into `T`: 400 for malformed JSON or a non-object, 422 naming the field.
    pub fn parse(self) -> Result<T, ApiError> {
        parse(&self.bytes)
    }
}

/// Parse a JSON object into `T`, mapping every failure to 400 or 422 as SPEC §7 says.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::Malformed(format!("请求体不是有效的 JSON({e})")))?;
    if !value.is_object() {
        return Err(ApiError::Malformed("请求体必须是 JSON 对象".into()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // serde_path_to_error's path already ends with an unknown key, not with a missing one.
        let named = message.starts_with("missing field");
        let field = match (path == ".", named) {
            // Errors at the object itself: an unknown or a missing field; serde names it in backticks.
            (true, _) => message.split('`').nth(1).unwrap_or("(body)").to_string(),
            // A missing field inside a nested object: the path names the object, the message the field.
            (false, true) => message.split('`').nth(1).map_or(path.clone(), |name| format!("{path}.{name}")),
            (false, false) => path,
        };
        let message = if message.starts_with("unknown field") {
            format!("不允许的字段 {field}")
        } else if message.starts_with("missing field") {
            format!("缺少必填字段 {field}")
        } else if message.is_ascii() {
            format!("格式不正确({message})")
        } else {
            message
        };
        ApiError::invalid(vec![FieldError { field, message }])
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > JSON_LIMIT) {
                return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
            }
            let mut body = Vec::with_capacity(declared.unwrap_or(1024).min(JSON_LIMIT));
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::Malformed(format!("读取请求体失败({e})")))?;
                if body.len() + chunk.len() > JSON_LIMIT {
                    return Err(ApiError::PayloadTooLarge { limit: JSON_LIMIT });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(JsonBody { bytes: body, _type: std::marker::PhantomData })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dtpilot_api_types::QuoteRequest;

    fn status(r: Result<QuoteRequest, ApiError>) -> (u16, Vec<String>) {
        let e = r.unwrap_err().problem();
        (e.status, e.errors.into_iter().map(|f| f.field).collect())
    }

    #[test]
    fn malformed_is_400_and_invalid_fields_are_422_by_name() {
        assert_eq!(status(parse(b"{")).0, 400);
        assert_eq!(status(parse(b"[1]")).0, 400);
        assert_eq!(status(parse(b"")).0, 400);
        assert_eq!(
            status(parse(br#"{"planned_eligible_investment": 5}"#)),
            (422, vec!["planned_eligible_investment".into()])
        );
        assert_eq!(status(parse(br#"{"target_level": "2"}"#)), (422, vec!["target_level".into()]));
        assert_eq!(status(parse(br#"{"paid_so_far": "1.001"}"#)), (422, vec!["paid_so_far".into()]));
        assert_eq!(status(parse(br#"{"plannd": "1"}"#)), (422, vec!["plannd".into()]));
        let nested = parse::<dtpilot_api_types::catalogue::CreateProviderEvaluationRequest>(
            br#"{"year": 2025, "scores": {"results": 1, "feedback": 1, "process": 1, "report_quality": 1, "x": 1}}"#,
        );
        assert_eq!(nested.unwrap_err().problem().errors[0].field, "scores.x");
        let nested = parse::<dtpilot_api_types::catalogue::CreateProviderEvaluationRequest>(
            br#"{"year": 2025, "scores": {"results": 1, "feedback": 1, "process": 1, "report_quality": 1}}"#,
        );
        assert_eq!(nested.unwrap_err().problem().errors[0].field, "scores.sampling");
        assert!(parse::<QuoteRequest>(br#"{"target_level": 2, "planned_eligible_investment": "1"}"#).is_ok());
    }
}
