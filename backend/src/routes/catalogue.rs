//! Issue 5: `GET /evaluation-scheme` (public), provider performance evaluations
//! (`POST /providers/{id}/evaluations`, `GET /providers/evaluations`,
//! `POST /providers/evaluations/suspensions`; 实施方案 附件2 item 18) and the 小快轻准 catalogue
//! (`POST·GET /products`, `GET /products/{id}`, `POST /products/{id}/review`,
//! `POST /projects/{id}/products`).
//!
//! One evaluation per provider and year: a second answers 409 `duplicate` (a correction is a
//! matter for the bureau's records, not an overwrite of the ranking already published).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::catalogue::{
    CreateProductRequest, CreateProviderEvaluationRequest, LinkProductRequest, ProductDecision, ProductReviewRequest,
    ProductStatus, ProductView, ProviderEvaluationView, ProviderRankingView, ProviderScoresView,
    SuspendBelowThresholdRequest, SuspendBelowThresholdResponse,
};
use dtpilot_api_types::programme::{Page, ProviderStatus};
use dtpilot_api_types::workflow::ProjectView;
use dtpilot_domain::performance::{self, Scores};
use dtpilot_domain::reference::Industry;
use dtpilot_domain::scheme::EvaluationScheme;
use dtpilot_domain::state::Role;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::catalogue::{self as repo, Evaluation, NewEvaluation, Product, ProductFilter};
use crate::repo::{Paging, projects, providers};
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;
use crate::workflow;

const NAME_MAX_CHARS: usize = 100;
const SUMMARY_MAX_CHARS: usize = 2000;
const COMMENT_MAX_CHARS: usize = 500;

/// The scheme the profile in force names (validated when the profile was loaded).
pub fn scheme_in_force(state: &AppState) -> Result<&'static EvaluationScheme, ApiError> {
    EvaluationScheme::by_id(&state.profile.evaluation_scheme)
        .ok_or_else(|| ApiError::internal(format!("no evaluation scheme {:?}", state.profile.evaluation_scheme)))
}

/// The digital-level evaluation scheme in force: dimensions with their sub-indicators, business
/// scenes, and the level rule (every threshold is data; `assumption: true` marks those still to
/// be checked against the official text).
#[utoipa::path(
    get,
    path = "/api/v1/evaluation-scheme",
    tag = "public",
    responses((status = 200, description = "现行数字化水平评测指标(维度、场景、等级判定)", body = serde_json::Value))
)]
pub async fn get_evaluation_scheme(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(scheme_in_force(&state)?))
}

// ---- provider performance evaluation ----------------------------------------------------------

fn decimal_text(centi: i64) -> String {
    let mut d = Decimal::new(centi, 2);
    d.rescale(2);
    d.to_string()
}

/// A JSON number 0–100 with at most two decimals, in hundredths.
fn score(field: &str, n: &serde_json::Number) -> Result<i64, FieldError> {
    workflow::score_centi(n).ok_or_else(|| FieldError::new(field, "评分应为 0–100,最多两位小数"))
}

/// Rank the year's evaluations (competition ranking on the exact composite).
fn ranked(list: Vec<Evaluation>, threshold: Decimal) -> Result<Vec<ProviderEvaluationView>, ApiError> {
    let composites: Vec<Decimal> = list
        .iter()
        .map(|e| e.composite.parse::<Decimal>().map_err(|_| ApiError::internal(format!("composite of {}", e.id))))
        .collect::<Result<_, _>>()?;
    let mut out: Vec<ProviderEvaluationView> = list
        .into_iter()
        .zip(&composites)
        .map(|(e, c)| {
            let [r, f, p, q, s] = e.scores_centi;
            ProviderEvaluationView {
                id: e.id,
                provider_id: e.provider_id,
                provider_name: e.provider_name,
                provider_status: e.provider_status,
                year: e.year,
                scores: ProviderScoresView {
                    results: decimal_text(r),
                    feedback: decimal_text(f),
                    process: decimal_text(p),
                    report_quality: decimal_text(q),
                    sampling: decimal_text(s),
                },
                composite: e.composite,
                rank: performance::rank(*c, &composites),
                below_threshold: performance::below_threshold(*c, threshold),
                comment: e.comment,
                created_at: e.created_at,
            }
        })
        .collect();
    out.sort_by_key(|v| (v.rank, v.provider_id));
    Ok(out)
}

fn weights_map(state: &AppState) -> BTreeMap<String, String> {
    let w = &state.profile.provider_performance.weights;
    [
        ("results", w.results),
        ("feedback", w.feedback),
        ("process", w.process),
        ("report_quality", w.report_quality),
        ("sampling", w.sampling),
    ]
    .into_iter()
    .map(|(k, r)| (k.to_string(), r.as_decimal().normalize().to_string()))
    .collect()
}

fn check_year(year: i32) -> Result<(), ApiError> {
    if (2000..=2100).contains(&year) { Ok(()) } else { Err(ApiError::field("year", "年度应在 2000–2100 之间")) }
}

/// Record a provider's yearly performance evaluation (附件2 item 18): five scores 0–100, the
/// composite with the profile's weights (exact), and its rank among the year's evaluations.
#[utoipa::path(
    post,
    path = "/api/v1/providers/{id}/evaluations",
    tag = "providers",
    params(("id" = i64, Path, description = "服务商 id")),
    request_body = CreateProviderEvaluationRequest,
    responses(
        (status = 201, description = "已评估:综合得分与排名", body = ProviderEvaluationView),
        (status = 404, description = "服务商不存在"),
        (status = 409, description = "该服务商本年度已评估(`duplicate`)"),
        (status = 422, description = "评分或年度无效(指明字段)"),
    )
)]
pub async fn post_provider_evaluation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CreateProviderEvaluationRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let provider_id = id.into_inner();
    let req = body.parse()?;
    let s = &req.scores;
    let mut errors = Vec::new();
    let mut centi = [0i64; 5];
    for (i, (name, n)) in [
        ("scores.results", &s.results),
        ("scores.feedback", &s.feedback),
        ("scores.process", &s.process),
        ("scores.report_quality", &s.report_quality),
        ("scores.sampling", &s.sampling),
    ]
    .into_iter()
    .enumerate()
    {
        match score(name, n) {
            Ok(c) => centi[i] = c,
            Err(e) => errors.push(e),
        }
    }
    if !(2000..=2100).contains(&req.year) {
        errors.push(FieldError::new("year", "年度应在 2000–2100 之间"));
    }
    let comment = req.comment.as_deref().map(str::trim).unwrap_or_default().to_string();
    if comment.chars().count() > COMMENT_MAX_CHARS {
        errors.push(FieldError::new("comment", format!("评语不超过 {COMMENT_MAX_CHARS} 个字符")));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let d = |c: i64| Decimal::new(c, 2);
    let scores = Scores {
        results: d(centi[0]),
        feedback: d(centi[1]),
        process: d(centi[2]),
        report_quality: d(centi[3]),
        sampling: d(centi[4]),
    };
    let perf = &state.profile.provider_performance;
    let composite = performance::composite(&perf.weights, &scores).to_string();
    let weights = serde_json::to_string(&weights_map(&state)).map_err(ApiError::internal)?;
    let threshold = perf.suspension_below;
    let year = req.year;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                providers::find(c, provider_id)?;
                let new = NewEvaluation {
                    provider_id,
                    year,
                    scores_centi: centi,
                    composite: &composite,
                    weights: &weights,
                    comment: &comment,
                    by: caller.user_id,
                };
                let id = repo::insert_evaluation(c, &new, now).map_err(|e| match e {
                    RepoError::Conflict(_) => ApiError::Conflict {
                        code: "duplicate",
                        detail: format!("该服务商 {year} 年度已评估,每年一次"),
                    },
                    other => other.into(),
                })?;
                let view = ranked(repo::evaluations_of_year(c, year)?, threshold)?
                    .into_iter()
                    .find(|v| v.id == id)
                    .ok_or_else(|| ApiError::internal("evaluation just inserted"))?;
                let event = audit::Event::new("provider.evaluation", "provider", provider_id)
                    .by(Some(&caller))
                    .after(&serde_json::json!({"year": year, "scores": view.scores, "composite": view.composite, "weights": weights}))?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The year evaluated (required).
    year: Option<i32>,
}

/// The year's ranking of provider evaluations (city); a provider sees only its own row.
#[utoipa::path(
    get,
    path = "/api/v1/providers/evaluations",
    tag = "providers",
    params(RankingQuery),
    responses(
        (status = 200, description = "年度绩效排名", body = ProviderRankingView),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_provider_evaluations(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<RankingQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::Provider])?;
    let QueryParams(RankingQuery { year }) = query;
    let year = year.ok_or_else(|| ApiError::field("year", "请给出年度"))?;
    check_year(year)?;
    let threshold = state.profile.provider_performance.suspension_below;
    let all = state.db(move |conn| Ok(repo::evaluations_of_year(conn, year)?)).await?;
    let evaluated = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let mut items = ranked(all, threshold)?;
    if caller.role == Role::Provider {
        items.retain(|v| Some(v.provider_id) == caller.provider_id);
    }
    Ok(HttpResponse::Ok().json(ProviderRankingView {
        year,
        weights: weights_map(&state),
        suspension_below: threshold.normalize().to_string(),
        evaluated,
        items,
    }))
}

/// Suspend every active provider whose composite of the year is below the profile's threshold
/// (附件2 item 18 "动态调整服务商资源池"). A suspended provider takes no new work (SPEC §7b).
#[utoipa::path(
    post,
    path = "/api/v1/providers/evaluations/suspensions",
    tag = "providers",
    request_body = SuspendBelowThresholdRequest,
    responses(
        (status = 200, description = "已暂停低于阈值的服务商", body = SuspendBelowThresholdResponse),
        (status = 422, description = "年度无效"),
    )
)]
pub async fn post_suspend_below_threshold(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<SuspendBelowThresholdRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    check_year(req.year)?;
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    if reason.as_ref().is_some_and(|r| r.chars().count() > COMMENT_MAX_CHARS) {
        return Err(ApiError::field("reason", format!("原因不超过 {COMMENT_MAX_CHARS} 个字符")));
    }
    let threshold = state.profile.provider_performance.suspension_below;
    let year = req.year;
    let now = db::now_utc();
    let suspended = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let mut out = Vec::new();
                for e in ranked(repo::evaluations_of_year(c, year)?, threshold)? {
                    if !e.below_threshold || e.provider_status != ProviderStatus::Active {
                        continue;
                    }
                    let why = reason.clone().unwrap_or_else(|| {
                        format!("{year} 年度绩效评估综合得分 {} 低于 {}", e.composite, threshold.normalize())
                    });
                    let before = crate::routes::providers::view(providers::find(c, e.provider_id)?);
                    let after = crate::routes::providers::view(providers::set_status(
                        c,
                        e.provider_id,
                        ProviderStatus::Suspended,
                        Some(&why),
                        now,
                    )?);
                    let event = audit::Event::new("provider.status", "provider", e.provider_id)
                        .by(Some(&caller))
                        .before(&before)?
                        .after(&after)?;
                    audit::record(c, event, now)?;
                    out.push(after);
                }
                Ok(out)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(SuspendBelowThresholdResponse {
        year,
        suspension_below: threshold.normalize().to_string(),
        suspended,
    }))
}

// ---- 小快轻准 catalogue -----------------------------------------------------------------------

fn product_view(p: Product) -> ProductView {
    ProductView {
        id: p.id,
        provider_id: p.provider_id,
        provider_name: p.provider_name,
        name: p.name,
        industry: p.industry,
        summary: p.summary,
        price: p.price,
        status: p.status,
        review_comment: p.review_comment,
        reviewed_at: p.reviewed_at,
        created_at: p.created_at,
    }
}

/// A provider lists a 小快轻准 product or solution; it waits for the city's review.
#[utoipa::path(
    post,
    path = "/api/v1/products",
    tag = "products",
    request_body = CreateProductRequest,
    responses(
        (status = 201, description = "已提交,待审核", body = ProductView),
        (status = 422, description = "字段无效,或服务商已暂停(`provider_inactive`)"),
    )
)]
pub async fn post_product(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateProductRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Provider])?;
    let req = body.parse()?;
    let name = req.name.trim().to_string();
    let summary = req.summary.trim().to_string();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        errors.push(FieldError::new("name", format!("产品名称不能为空,且不超过 {NAME_MAX_CHARS} 个字符")));
    }
    if summary.is_empty() || summary.chars().count() > SUMMARY_MAX_CHARS {
        errors.push(FieldError::new("summary", format!("简介不能为空,且不超过 {SUMMARY_MAX_CHARS} 个字符")));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let provider_id = caller.provider_id.ok_or(ApiError::NotFound)?;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                if providers::find(c, provider_id)?.status != ProviderStatus::Active {
                    return Err(ApiError::provider_inactive("服务商已暂停或移出资源池,不能提交新产品"));
                }
                let id = repo::create_product(c, provider_id, &name, req.industry, &summary, req.price, now)?;
                let view = product_view(repo::get_product(c, &caller, id)?);
                let event = audit::Event::new("product.create", "product", id).by(Some(&caller)).after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Only this industry.
    industry: Option<Industry>,
    /// Only this review status.
    status: Option<ProductStatus>,
    /// Only this provider's products.
    provider_id: Option<i64>,
    /// Name or summary contains this text.
    q: Option<String>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size.
    per_page: Option<i64>,
}

/// The catalogue: approved products for everyone; a provider also sees its own pending and
/// rejected ones; the city sees all.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "products",
    params(ProductQuery),
    responses(
        (status = 200, description = "一页产品", body = Page<ProductView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_products(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ProductQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let filter = ProductFilter { industry: q.industry, status: q.status, provider_id: q.provider_id, q: q.q };
    let (items, total) = state.db(move |conn| Ok(repo::list_products(conn, &caller, &filter, paging)?)).await?;
    Ok(HttpResponse::Ok().json(paging.page(items.into_iter().map(product_view).collect(), total)))
}

/// One product of the catalogue, if the caller may see it.
#[utoipa::path(
    get,
    path = "/api/v1/products/{id}",
    tag = "products",
    params(("id" = i64, Path, description = "产品 id")),
    responses(
        (status = 200, description = "产品", body = ProductView),
        (status = 404, description = "不存在或不可见"),
    )
)]
pub async fn get_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state.db(move |conn| Ok(repo::get_product(conn, &caller, id)?)).await?;
    Ok(HttpResponse::Ok().json(product_view(found)))
}

/// The city approves or rejects a pending product (409 once reviewed).
#[utoipa::path(
    post,
    path = "/api/v1/products/{id}/review",
    tag = "products",
    params(("id" = i64, Path, description = "产品 id")),
    request_body = ProductReviewRequest,
    responses(
        (status = 200, description = "已审核", body = ProductView),
        (status = 404, description = "不存在"),
        (status = 409, description = "已审核过(`invalid_state`)"),
        (status = 422, description = "驳回须说明原因"),
    )
)]
pub async fn post_product_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ProductReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let comment = req.comment.trim().to_string();
    if comment.chars().count() > COMMENT_MAX_CHARS {
        return Err(ApiError::field("comment", format!("意见不超过 {COMMENT_MAX_CHARS} 个字符")));
    }
    let to = match req.decision {
        ProductDecision::Approve => ProductStatus::Approved,
        ProductDecision::Reject => ProductStatus::Rejected,
    };
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let before = product_view(repo::get_product(c, &caller, id)?);
                let already = || ApiError::Conflict {
                    code: "invalid_state",
                    detail: format!("产品已审核({}),不能再次审核", before.status.code()),
                };
                if before.status != ProductStatus::Pending {
                    return Err(already());
                }
                let comment = (!comment.is_empty()).then_some(comment.as_str());
                repo::review_product(c, id, to, comment, caller.user_id, now).map_err(|e| match e {
                    RepoError::Stale => already(),
                    other => other.into(),
                })?;
                let after = product_view(repo::get_product(c, &caller, id)?);
                let event = audit::Event::new("product.review", "product", id)
                    .by(Some(&caller))
                    .before(&before)?
                    .after(&after)?;
                audit::record(c, event, now)?;
                Ok(after)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The enterprise names an approved 小快轻准 product in its project (422 if the product is not
/// approved or unknown; 409 when already linked or the project is closed).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/products",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body = LinkProductRequest,
    responses(
        (status = 201, description = "已关联,返回项目", body = ProjectView),
        (status = 404, description = "项目不存在或不在可见范围内"),
        (status = 409, description = "已关联(`duplicate`),或项目已结束(`invalid_state`)"),
        (status = 422, description = "产品不存在或未通过审核(`product_not_approved`)"),
    )
)]
pub async fn post_project_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<LinkProductRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let project = projects::get(c, &caller, id)?;
                if project.status.is_terminal() {
                    return Err(ApiError::Conflict {
                        code: "invalid_state",
                        detail: format!("项目当前状态为“{}”,不能再关联产品", project.status.name_zh()),
                    });
                }
                let not_approved = || ApiError::Unprocessable {
                    code: "product_not_approved",
                    detail: "只能关联已通过审核的“小快轻准”产品".into(),
                    errors: vec![FieldError::new("product_id", "产品不存在或未通过审核")],
                };
                let product = match repo::get_product(c, &caller, req.product_id) {
                    Ok(p) => p,
                    Err(RepoError::NotFound) => return Err(not_approved()),
                    Err(other) => return Err(other.into()),
                };
                if product.status != ProductStatus::Approved {
                    return Err(not_approved());
                }
                repo::link_product(c, id, product.id, caller.user_id, now).map_err(|e| match e {
                    RepoError::Conflict(_) => {
                        ApiError::Conflict { code: "duplicate", detail: "该产品已关联到本项目".into() }
                    }
                    other => other.into(),
                })?;
                let event = audit::Event::new("project.product", "project", id)
                    .by(Some(&caller))
                    .after(&serde_json::json!({"product_id": product.id, "name": product.name}))?;
                audit::record(c, event, now)?;
                let latest = projects::find(c, id)?;
                workflow::views(c, vec![latest], true)?.pop().ok_or(ApiError::NotFound)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
