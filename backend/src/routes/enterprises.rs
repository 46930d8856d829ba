//! `POST /enterprises`, `GET /enterprises`, `GET·PATCH /enterprises/{id}`,
//! `POST /enterprises/{id}/assignment`.

use actix_web::{HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::programme::{
    AssignmentRequest, AssignmentView, CreateEnterpriseRequest, EnterpriseView, Page, PatchEnterpriseRequest,
    ProviderStatus,
};
use dtpilot_domain::PolicyProfile;
use dtpilot_domain::enterprise::{self, EnterpriseField as F};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::state::Role;
use dtpilot_domain::validation::is_sme;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::enterprises::{self as repo, Changes, Enterprise, Filter};
use crate::repo::{Paging, providers};
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;

pub fn view(e: Enterprise, profile: &PolicyProfile) -> EnterpriseView {
    EnterpriseView {
        sme: is_sme(profile, e.employees, e.annual_revenue),
        id: e.id,
        name: e.name,
        credit_code: e.credit_code,
        county: e.county,
        industry: e.industry,
        above_designated_size: e.above_designated_size,
        employees: e.employees,
        annual_revenue: e.annual_revenue,
        is_little_giant: e.is_little_giant,
        central_fund_excluded: e.central_fund_excluded,
        credit_abnormal: e.credit_abnormal,
        dishonest: e.dishonest,
        disqualified: e.disqualified,
        contact_name: e.contact_name,
        contact_phone: e.contact_phone,
        version: e.version,
    }
}

fn invalid(errors: Vec<dtpilot_domain::quote::FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() { Ok(()) } else { Err(ApiError::invalid(errors.into_iter().map(FieldError::from).collect())) }
}

/// Register an enterprise (a county bureau only in its own county). `sme` is computed (SPEC §2).
#[utoipa::path(
    post,
    path = "/api/v1/enterprises",
    tag = "enterprises",
    request_body = CreateEnterpriseRequest,
    responses(
        (status = 201, description = "已登记", body = EnterpriseView),
        (status = 403, description = "角色无权,或县级部门登记外县区企业"),
        (status = 409, description = "统一社会信用代码已登记"),
        (status = 422, description = "字段校验失败(信用代码校验位、名称、电话…)"),
    )
)]
pub async fn post_enterprise(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateEnterpriseRequest>,
) -> Result<HttpResponse, ApiError> {
    if !enterprise::may_create(caller.role) {
        return Err(ApiError::forbidden());
    }
    let mut req = body.parse()?;
    if caller.role == Role::County && caller.county != Some(req.county) {
        return Err(ApiError::Forbidden("县级工信部门只能登记本县区的企业".into()));
    }
    req.credit_code = req.credit_code.trim().to_string();
    invalid(enterprise::new_enterprise_errors(&req.name, &req.credit_code, &req.contact_name, &req.contact_phone))?;
    let now = db::now_utc();
    let st = state.clone();
    let created = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let created = view(repo::create(c, &req, now)?, &st.profile);
                let event = audit::Event::new("enterprise.create", "enterprise", created.id)
                    .by(Some(&caller))
                    .after(&created)?;
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
    /// Only this county.
    county: Option<County>,
    /// Only this industry.
    industry: Option<Industry>,
    /// Only members of this batch.
    batch_id: Option<i64>,
    /// Name or credit code contains this text.
    q: Option<String>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size (default and bounds as for every list).
    per_page: Option<i64>,
}

/// The enterprises in the caller's scope (city: all; county: its county; enterprise: itself;
/// provider: those assigned to it or contracted by it; evaluator: those with a project from awaiting
/// acceptance on; finance, admin: none), filtered and paged.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises",
    tag = "enterprises",
    params(ListQuery),
    responses(
        (status = 200, description = "一页企业", body = Page<EnterpriseView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_enterprises(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let filter = Filter { county: q.county, industry: q.industry, batch_id: q.batch_id, q: q.q };
    let (items, total) = state.db(move |conn| Ok(repo::list(conn, &caller, &filter, paging)?)).await?;
    let items = items.into_iter().map(|e| view(e, &state.profile)).collect();
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}

/// One enterprise in the caller's scope.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}",
    tag = "enterprises",
    params(("id" = i64, Path, description = "企业 id")),
    responses(
        (status = 200, description = "企业", body = EnterpriseView),
        (status = 404, description = "不存在或不在可见范围内"),
    )
)]
pub async fn get_enterprise(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state.db(move |conn| Ok(repo::get(conn, &caller, id)?)).await?;
    Ok(HttpResponse::Ok().json(view(found, &state.profile)))
}

/// The fields a PATCH carries, each with the change it makes.
fn changes(req: &PatchEnterpriseRequest) -> (Vec<F>, Changes) {
    let mut present = Vec::new();
    let mut note = |f: F, is: bool| {
        if is {
            present.push(f);
        }
    };
    note(F::Name, req.name.is_some());
    note(F::Industry, req.industry.is_some());
    note(F::AboveDesignatedSize, req.above_designated_size.is_some());
    note(F::Employees, req.employees.is_some());
    note(F::AnnualRevenue, req.annual_revenue.is_some());
    note(F::IsLittleGiant, req.is_little_giant.is_some());
    note(F::CentralFundExcluded, req.central_fund_excluded.is_some());
    note(F::CreditAbnormal, req.credit_abnormal.is_some());
    note(F::Dishonest, req.dishonest.is_some());
    note(F::ContactName, req.contact_name.is_some());
    note(F::ContactPhone, req.contact_phone.is_some());
    let changes = Changes {
        name: req.name.as_deref().map(|s| s.trim().to_string()),
        industry: req.industry.map(|i| i.code().to_string()),
        above_designated_size: req.above_designated_size,
        employees: req.employees.map(i64::from),
        annual_revenue_fen: req.annual_revenue.map(|m| m.to_fen()),
        is_little_giant: req.is_little_giant,
        central_fund_excluded: req.central_fund_excluded,
        credit_abnormal: req.credit_abnormal,
        dishonest: req.dishonest,
        contact_name: req.contact_name.as_deref().map(|s| s.trim().to_string()),
        contact_phone: req.contact_phone.as_deref().map(|s| s.trim().to_string()),
    };
    (present, changes)
}

/// Change some fields; `version` must be the version read (stale → 409). The enterprise keeps its
/// profile; county and city may also set `credit_abnormal` and `dishonest`; only the city sets
/// `is_little_giant` and `central_fund_excluded` (another field → 403).
#[utoipa::path(
    patch,
    path = "/api/v1/enterprises/{id}",
    tag = "enterprises",
    params(("id" = i64, Path, description = "企业 id")),
    request_body = PatchEnterpriseRequest,
    responses(
        (status = 200, description = "已修改", body = EnterpriseView),
        (status = 403, description = "角色无权,或无权修改其中某个字段"),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "version 已过期"),
        (status = 422, description = "没有要修改的字段,或字段校验失败"),
    )
)]
pub async fn patch_enterprise(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<PatchEnterpriseRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::County, Role::Enterprise])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let (present, changes) = changes(&req);
    if let Some(f) = present.iter().find(|f| !enterprise::may_set(caller.role, **f)) {
        return Err(ApiError::Forbidden(format!("当前角色不能修改字段 {}", f.field())));
    }
    if present.is_empty() {
        return Err(ApiError::invalid(vec![FieldError {
            field: "(body)".into(), message: "没有要修改的字段".into()
        }]));
    }
    let errors = [
        req.name.as_deref().and_then(enterprise::name_error),
        req.contact_name.as_deref().and_then(enterprise::contact_name_error),
        req.contact_phone.as_deref().and_then(enterprise::contact_phone_error),
    ];
    invalid(errors.into_iter().flatten().collect())?;
    let now = db::now_utc();
    let version = req.version;
    let st = state.clone();
    let updated = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let before = view(repo::get(c, &caller, id)?, &st.profile);
                let after = view(repo::update(c, id, version, &changes, now)?, &st.profile);
                let event = audit::Event::new("enterprise.update", "enterprise", id)
                    .by(Some(&caller))
                    .before(&before)?
                    .after(&after)?;
                audit::record(c, event, now)?;
                Ok(after)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Assign a provider to the enterprise: the provider may now see and diagnose it. 201 when new,
/// 200 when it was already assigned.
#[utoipa::path(
    post,
    path = "/api/v1/enterprises/{id}/assignment",
    tag = "enterprises",
    params(("id" = i64, Path, description = "企业 id")),
    request_body = AssignmentRequest,
    responses(
        (status = 201, description = "已分配", body = AssignmentView),
        (status = 200, description = "此前已分配(未改变)", body = AssignmentView),
        (status = 404, description = "企业不存在或不在可见范围内"),
        (status = 422, description = "服务商不存在,或已暂停、移出资源池(`provider_inactive`)"),
    )
)]
pub async fn post_assignment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<AssignmentRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::County])?;
    let enterprise_id = id.into_inner();
    let AssignmentRequest { provider_id } = body.parse()?;
    let now = db::now_utc();
    let by = caller.user_id;
    let (assignment_id, created) = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                repo::get(c, &caller, enterprise_id)?;
                let provider = match providers::find(c, provider_id) {
                    Err(RepoError::NotFound) => {
                        return Err(ApiError::invalid(vec![FieldError {
                            field: "provider_id".into(),
                            message: "服务商不存在".into(),
                        }]));
                    }
                    other => other?,
                };
                if provider.status != ProviderStatus::Active {
                    return Err(ApiError::provider_inactive("该服务商已暂停或移出资源池,不能承接新的企业"));
                }
                let (id, created) = providers::assign(c, enterprise_id, provider_id, by, now)?;
                if created {
                    let event = audit::Event::new("enterprise.assign", "enterprise", enterprise_id)
                        .by(Some(&caller))
                        .after(&serde_json::json!({"assignment_id": id, "provider_id": provider_id}))?;
                    audit::record(c, event, now)?;
                }
                Ok((id, created))
            })
        })
        .await?;
    let body = AssignmentView { id: assignment_id, enterprise_id, provider_id };
    Ok(if created { HttpResponse::Created().json(body) } else { HttpResponse::Ok().json(body) })
}
