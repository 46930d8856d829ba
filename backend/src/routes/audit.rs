//! `GET /audit` and `GET /audit/verify` (city, admin): the append-only, hash-chained event log
//! ([`crate::audit`]).
//!
//! Query parameters are read after the role check (401 → 403 → 400/422, in that order), every
//! value first as text so a bad value answers 422 naming the parameter in problem+json; only a
//! query string serde cannot read at all (a repeated parameter) answers 400. Empty values
//! (`?page=`) count as absent; unknown parameters are ignored.

use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::audit::{AuditEvent, AuditPage, AuditQuery, AuditVerification};
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, DEFAULT_PER_PAGE, EventView, ListFilter, MAX_PER_PAGE, TIME_FORMAT, Verification};
use crate::auth::Caller;
use crate::error::ApiError;

/// Who may read the log.
const READERS: &[Role] = &[Role::City, Role::Admin];

/// `GET /audit?entity_type&entity_id&actor_user_id&action&page&per_page` → a page of events,
/// newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "一页事件,新的在前", body = AuditPage),
        (status = 400, description = "查询参数无法解析(如重复的参数)"),
        (status = 422, description = "参数不是整数或超出范围(`errors` 逐项列出)"),
    )
)]
pub async fn get_audit_events(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let filter = parse_filter(req.query_string())?;
    let (page, per_page) = (filter.page, filter.per_page);
    let (events, total) = state.db(move |conn| Ok(audit::list(conn, &filter)?)).await?;
    let items = events.into_iter().map(event_view).collect();
    Ok(HttpResponse::Ok().json(AuditPage { items, total, page, per_page }))
}

/// `GET /audit/verify` → the chain recomputed: `{ok, events, first_bad_seq?, problem?, last_hash?}`.
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    responses((status = 200, description = "哈希链校验结果", body = AuditVerification))
)]
pub async fn get_audit_verification(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let Verification { ok, events, first_bad_seq, problem, last_hash } =
        state.db(|conn| Ok(audit::verify(conn)?)).await?;
    if !ok {
        tracing::error!(events, first_bad_seq, problem = problem.as_deref().unwrap_or(""), "audit chain broken");
    }
    Ok(HttpResponse::Ok().json(AuditVerification { ok, events, first_bad_seq, problem, last_hash }))
}

fn event_view(e: EventView) -> AuditEvent {
    AuditEvent {
        seq: e.seq,
        at: e.at.format(TIME_FORMAT).to_string(),
        actor_user_id: e.actor_user_id,
        actor_role: e.actor_role,
        action: e.action,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        before: e.before,
        after: e.after,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// The query as sent, every value as text (so extraction itself only fails on an unreadable query).
#[derive(Debug, Default, Deserialize)]
struct RawAuditQuery {
    entity_type: Option<String>,
    entity_id: Option<String>,
    actor_user_id: Option<String>,
    action: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// A non-empty value, trimmed.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// An integer in `min..=max`, or a field error.
fn integer(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<String>,
    range: (i64, i64),
    message: &str,
) -> Option<i64> {
    let value = present(value)?;
    match value.parse::<i64>() {
        Ok(n) if (range.0..=range.1).contains(&n) => Some(n),
        _ => {
            errors.push(FieldError { field: field.to_string(), message: message.to_string() });
            None
        }
    }
}

/// `?…` → the filter: 400 for an unreadable query string, 422 (all bad parameters at once) for
/// values that are not integers or out of range.
fn parse_filter(query: &str) -> Result<ListFilter, ApiError> {
    let web::Query(raw) = web::Query::<RawAuditQuery>::from_query(query)
        .map_err(|e| ApiError::Malformed(format!("查询参数无法解析({e})")))?;
    let mut errors = Vec::new();
    let actor_user_id = integer(&mut errors, "actor_user_id", raw.actor_user_id, (i64::MIN, i64::MAX), "须为整数");
    let page = integer(&mut errors, "page", raw.page, (1, i64::MAX), "须为不小于 1 的整数");
    let per_page = integer(&mut errors, "per_page", raw.per_page, (1, MAX_PER_PAGE), "须为 1 到 200 之间的整数");
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    Ok(ListFilter {
        entity_type: present(raw.entity_type),
        entity_id: present(raw.entity_id),
        actor_user_id,
        action: present(raw.action),
        page: page.unwrap_or(1),
        per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(query: &str) -> (u16, Vec<String>) {
        let p = parse_filter(query).expect_err("refused").problem();
        (p.status, p.errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn defaults_filters_and_empty_values() {
        assert_eq!(parse_filter("").expect("empty"), ListFilter::default());
        let f =
            parse_filter("entity_type=user&entity_id=%2042&actor_user_id=7&action=user.create&page=3&per_page=200&x=1")
                .expect("valid");
        assert_eq!(
            f,
            ListFilter {
                entity_type: Some("user".into()),
                entity_id: Some("42".into()),
                actor_user_id: Some(7),
                action: Some("user.create".into()),
                page: 3,
                per_page: 200,
            }
        );
        assert_eq!(parse_filter("page=&per_page=&entity_type=").expect("empty values"), ListFilter::default());
    }

    #[test]
    fn bad_values_are_422_by_name_and_unreadable_queries_400() {
        assert_eq!(fields("page=0"), (422, vec!["page".into()]));
        assert_eq!(
            fields("page=two&per_page=201&actor_user_id=x"),
            (422, vec!["actor_user_id".into(), "page".into(), "per_page".into()])
        );
        assert_eq!(fields("per_page=0"), (422, vec!["per_page".into()]));
        assert_eq!(fields("per_page=1.5"), (422, vec!["per_page".into()]));
        assert_eq!(fields("page=1&page=2").0, 400);
    }
}
