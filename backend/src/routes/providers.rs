//! `POST /providers` (city), `GET /providers`, `GET /providers/{id}` (signed in), `PATCH /providers/{id}` (city).

use actix_web::{HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::programme::{CreateProviderRequest, Page, PatchProviderRequest, ProviderStatus, ProviderView};
use dtpilot_domain::state::Role;
use dtpilot_domain::validation::validate_credit_code;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, write_transaction};
use crate::error::ApiError;
use crate::repo::Paging;
use crate::repo::providers::{self as repo, Provider};
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;

const NAME_MAX_CHARS: usize = 100;
const REASON_MAX_CHARS: usize = 500;

/// A provider as the API shows it.
pub(crate) fn view(p: Provider) -> ProviderView {
    ProviderView {
        id: p.id,
        name: p.name,
        credit_code: p.credit_code,
        capabilities: p.capabilities,
        status: p.status,
        status_reason: p.status_reason,
        credit_abnormal: p.credit_abnormal,
        dishonest: p.dishonest,
        version: p.version,
    }
}

/// Add a provider to the pool.
#[utoipa::path(
    post,
    path = "/api/v1/providers",
    tag = "providers",
    request_body = CreateProviderRequest,
    responses(
        (status = 201, description = "已加入资源池", body = ProviderView),
        (status = 409, description = "统一社会信用代码已登记"),
    )
)]
pub async fn post_provider(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateProviderRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let code = req.credit_code.trim().to_string();
    let mut errors = Vec::new();
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        errors.push(FieldError::new("name", format!("服务商名称不能为空,且不超过 {NAME_MAX_CHARS} 个字符")));
    }
    if let Err(e) = validate_credit_code(&code) {
        errors.push(FieldError::new("credit_code", e.to_string()));
    }
    if req.capabilities.is_empty() {
        errors.push(FieldError::new("capabilities", "至少填写一项服务能力"));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let now = db::now_utc();
    let created = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let created = view(repo::create(c, &name, &code, &req.capabilities, now)?);
                let event =
                    audit::Event::new("provider.create", "provider", created.id).by(Some(&caller)).after(&created)?;
                audit::record(c, event, now)?;
                Ok(created)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only providers in this status.
    status: Option<ProviderStatus>,
    /// Name or credit code contains this text.
    q: Option<String>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size.
    per_page: Option<i64>,
}

/// The provider pool is published to every signed-in user (enterprises choose from it).
#[utoipa::path(
    get,
    path = "/api/v1/providers",
    tag = "providers",
    params(ListQuery),
    responses(
        (status = 200, description = "一页服务商", body = Page<ProviderView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_providers(
    state: web::Data<AppState>,
    _caller: Caller,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let (items, total) = state.db(move |conn| Ok(repo::list(conn, q.status, q.q.as_deref(), paging)?)).await?;
    let items = items.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}

/// One provider of the pool.
#[utoipa::path(
    get,
    path = "/api/v1/providers/{id}",
    tag = "providers",
    params(("id" = i64, Path, description = "服务商 id")),
    responses(
        (status = 200, description = "服务商", body = ProviderView),
        (status = 404, description = "不存在"),
    )
)]
pub async fn get_provider(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state.db(move |conn| Ok(repo::find(conn, id)?)).await?;
    Ok(HttpResponse::Ok().json(view(found)))
}

/// Set a provider's status (`active`, `suspended`, `removed`; the latter two need a `reason`)
/// and/or replace its capabilities. A suspended or removed provider cannot be assigned or contracted.
#[utoipa::path(
    patch,
    path = "/api/v1/providers/{id}",
    tag = "providers",
    params(("id" = i64, Path, description = "服务商 id")),
    request_body = PatchProviderRequest,
    responses(
        (status = 200, description = "已修改", body = ProviderView),
        (status = 404, description = "不存在"),
        (status = 422, description = "暂停或移出须说明原因;服务能力至少一项;没有要修改的内容"),
    )
)]
pub async fn patch_provider(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<PatchProviderRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let id = id.into_inner();
    let req = body.parse()?;
    if req.status.is_none() && req.capabilities.is_none() && req.credit_abnormal.is_none() && req.dishonest.is_none() {
        return Err(ApiError::field("status", "请给出新的状态、服务能力或信用标记"));
    }
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    if req.status.is_some_and(|s| s != ProviderStatus::Active) && reason.is_none() {
        return Err(ApiError::invalid(vec![FieldError::new("reason", "暂停或移出资源池须说明原因")]));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > REASON_MAX_CHARS) {
        return Err(ApiError::invalid(vec![FieldError::new(
            "reason",
            format!("原因不超过 {REASON_MAX_CHARS} 个字符"),
        )]));
    }
    if req.capabilities.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::field("capabilities", "至少填写一项服务能力"));
    }
    let now = db::now_utc();
    let updated = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let before = view(repo::find(c, id)?);
                if let Some(caps) = &req.capabilities {
                    repo::set_capabilities(c, id, caps, now)?;
                }
                if let Some(status) = req.status {
                    repo::set_status(c, id, status, reason.as_deref(), now)?;
                }
                if req.credit_abnormal.is_some() || req.dishonest.is_some() {
                    repo::set_flags(c, id, req.credit_abnormal, req.dishonest, now)?;
                }
                let after = view(repo::find(c, id)?);
                let action = if req.status.is_some() {
                    "provider.status"
                } else if req.credit_abnormal.is_some() || req.dishonest.is_some() {
                    "provider.credit"
                } else {
                    "provider.capabilities"
                };
                let event =
                    audit::Event::new(action, "provider", id).by(Some(&caller)).before(&before)?.after(&after)?;
                audit::record(c, event, now)?;
                Ok(after)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}
