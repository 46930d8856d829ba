//! Retrofit projects: create, list/get (scoped), submit, the two reviews, expenses, completion and
//! cancellation (SPEC §5, §7). Every action runs in one transaction: the transition, its history
//! row and the instructions it makes due.

use actix_web::{HttpResponse, web};
use dtpilot_api_types::programme::Page;
use dtpilot_api_types::workflow::{
    CancelRequest, CityDecision, CityReviewRequest, CountyDecision, CountyReviewRequest, CreateExpenseRequest,
    CreateProjectRequest, ExpenseView, ProjectView,
};
use dtpilot_domain::reference::County;
use dtpilot_domain::rules;
use dtpilot_domain::state::{Action, ProjectState, Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::projects::{self as repo, NewProject, Project};
use crate::repo::{Paging, batches, enterprises, invoices, providers};
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;
use crate::workflow::{self, step};

const TEXT_MAX_CHARS: usize = 500;

fn one_view(c: &mut db::DbConn, project: Project) -> Result<dtpilot_api_types::workflow::ProjectView, ApiError> {
    workflow::views(c, vec![project], true)?.pop().ok_or(ApiError::NotFound)
}

fn comment_ok(comment: &str) -> Result<String, ApiError> {
    let c = comment.trim();
    if c.chars().count() > TEXT_MAX_CHARS {
        return Err(ApiError::field("comment", format!("意见不超过 {TEXT_MAX_CHARS} 个字符")));
    }
    Ok(c.to_string())
}

/// Apply for the retrofit subsidy (the enterprise's own user): a `draft` with the planned subsidy
/// and prepayment computed under the policy in force (R1–R3). The preconditions (SPEC §5) are
/// checked here and again at submission.
#[utoipa::path(
    post,
    path = "/api/v1/projects",
    tag = "projects",
    request_body = CreateProjectRequest,
    responses(
        (status = 201, description = "已创建草稿", body = ProjectView),
        (status = 409, description = "该企业在本批次已有未被驳回的项目(`duplicate_project`)"),
        (status = 422, description = "字段或申报条件不满足(批次、服务商、诊断报告、非中小企业、信用、重复支持、每家企业补助上限 `enterprise_cap_reached`…)"),
    )
)]
pub async fn post_project(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateProjectRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise])?;
    let req = body.parse()?;
    let contract_no = req.contract_no.trim().to_string();
    if contract_no.is_empty() || contract_no.chars().count() > 100 {
        return Err(ApiError::field("contract_no", "合同编号不能为空,且不超过 100 个字符"));
    }
    rules::planned_subsidy(&state.profile, req.planned_eligible_investment, req.target_level)
        .map_err(|e| ApiError::field("target_level", e.to_string()))?;
    let now = db::now_utc();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let enterprise_id = caller.enterprise_id.ok_or(ApiError::NotFound)?;
                let enterprise = enterprises::get(c, &caller, enterprise_id)?;
                match batches::find(c, req.batch_id) {
                    Err(RepoError::NotFound) => return Err(ApiError::field("batch_id", "批次不存在")),
                    other => other?,
                };
                match providers::find(c, req.provider_id) {
                    Err(RepoError::NotFound) => return Err(ApiError::field("provider_id", "服务商不存在")),
                    Ok(p) => {
                        if let Some(block) = p.blocked() {
                            return Err(ApiError::provider_blocked(block, "provider_id", "不能签订新的改造合同"));
                        }
                        p
                    }
                    Err(other) => return Err(other.into()),
                };
                workflow::check_application(
                    c,
                    &st.profile,
                    &enterprise,
                    req.batch_id,
                    req.overlapping_support_declared,
                    req.target_level,
                )?;
                let diagnosis_id = workflow::project_diagnosis(c, enterprise_id, req.diagnosis_id)?;
                // R1*: decided with the enterprise locked, so a concurrent second application of
                // the same enterprise sees this one's planned subsidy as held.
                workflow::lock_enterprise(c, enterprise_id)?;
                let held = workflow::enterprise_held(c, enterprise_id, None)?;
                let figure = rules::enterprise_planned_subsidy(
                    &st.profile,
                    req.planned_eligible_investment,
                    req.target_level,
                    held,
                )
                .map_err(workflow::plan_error)?;
                let planned = figure.amount;
                let prepayment = rules::prepayment(&st.profile, planned);
                let project = repo::insert(
                    c,
                    &NewProject {
                        enterprise_id,
                        batch_id: req.batch_id,
                        provider_id: req.provider_id,
                        county: enterprise.county,
                        industry: enterprise.industry,
                        contract_no: &contract_no,
                        contract_amount: req.contract_amount,
                        planned_investment: req.planned_eligible_investment,
                        target_level: req.target_level,
                        overlapping_support_declared: req.overlapping_support_declared,
                        policy_id: &st.profile.id,
                        policy_version: i64::from(st.profile.version),
                        planned_subsidy: planned,
                        prepayment,
                        enterprise_cap_bound: figure.enterprise_cap_bound,
                        diagnosis_id,
                    },
                    now,
                )
                .map_err(|e| match e {
                    RepoError::Conflict(_) => ApiError::Conflict {
                        code: "duplicate_project",
                        detail: "该企业在本批次已有未被驳回的改造项目".into(),
                    },
                    other => other.into(),
                })?;
                repo::record_creation(c, project.id, caller.user_id, now)?;
                let view = one_view(c, project)?;
                let event = audit::Event::new("project.create", "project", view.id).by(Some(&caller)).after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only projects in this state.
    status: Option<ProjectState>,
    /// Only this county.
    county: Option<County>,
    /// Only this batch.
    batch_id: Option<i64>,
    /// Only this enterprise.
    enterprise_id: Option<i64>,
    /// Only projects contracted with this provider.
    provider_id: Option<i64>,
    /// The enterprise's name contains this text.
    q: Option<String>,
    /// `true`: only the projects past their batch's deadline today (China Standard Time).
    overdue: Option<bool>,
    /// `true`: only the evaluated projects whose recorded level differs from the level the
    /// evaluation scheme computes from their detail.
    level_mismatch: Option<bool>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size.
    per_page: Option<i64>,
}

impl ListQuery {
    /// The filter of `GET /projects` and of `GET /exports/projects` (the same rows).
    pub fn filter(&self) -> repo::Filter {
        repo::Filter {
            status: self.status,
            county: self.county,
            batch_id: self.batch_id,
            enterprise_id: self.enterprise_id,
            provider_id: self.provider_id,
            q: self.q.clone(),
            overdue_on: (self.overdue == Some(true)).then(crate::workflow::today_cst),
            level_mismatch: self.level_mismatch == Some(true),
        }
    }
}

/// The projects in the caller's scope (city, finance: all; county: its county; enterprise: its
/// own; provider: those it is contracted for; evaluator: from awaiting acceptance on), newest
/// first, without `history`; each with its enterprise's and provider's names, its next deadline
/// and whether it is overdue.
#[utoipa::path(
    get,
    path = "/api/v1/projects",
    tag = "projects",
    params(ListQuery),
    responses(
        (status = 200, description = "一页项目", body = Page<ProjectView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_projects(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let filter = q.filter();
    let (items, total) = state
        .db(move |conn| {
            let (list, total) = repo::list(conn, &caller, &filter, paging)?;
            Ok((workflow::complete_views(conn, list, false)?, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}

/// One project in the caller's scope, with its subsidy figures and `history`.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    responses(
        (status = 200, description = "项目", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
    )
)]
pub async fn get_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let project = repo::get(conn, &caller, id)?;
            one_view(conn, project)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Load the project in scope, take one action on it, then do `then` — all in one transaction.
async fn act<F>(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    action: Action,
    comment: String,
    then: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut db::DbConn, &AppState, &Project, chrono::NaiveDateTime) -> Result<(), ApiError> + Send + 'static,
{
    let now = db::now_utc();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let project = repo::get(c, &caller, id)?;
                let after = step(c, &project, action, Some(&caller), &comment, now)?;
                then(c, &st, &after, now)?;
                crate::budget::sync_project(c, &st.profile, id)?;
                let latest = repo::find(c, id)?;
                one_view(c, latest)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Submit the application: `draft`/`returned` → `submitted` (the preconditions hold again).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/submit",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    responses(
        (status = 200, description = "已申报", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目当前状态不允许此操作(`invalid_state`)"),
        (status = 422, description = "申报条件不再满足(含 `enterprise_cap_reached`,R1*)"),
    )
)]
pub async fn post_submit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise])?;
    let who = caller.clone();
    act(state, caller, id.into_inner(), Action::Submit, String::new(), move |c, st, p, now| {
        // The preconditions hold again at submission (SPEC §5).
        let enterprise = enterprises::find(c, p.enterprise_id)?;
        workflow::check_application(
            c,
            &st.profile,
            &enterprise,
            p.batch_id,
            p.overlapping_support_declared,
            p.target_level,
        )?;
        // R1*: the planned subsidy against what the enterprise's other projects hold now.
        workflow::replan(c, &st.profile, p, &who, now)
    })
    .await
}

/// First-instance review (初审) by the project's county: recommend, return or reject.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/county-review",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body = CountyReviewRequest,
    responses(
        (status = 200, description = "已初审", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目当前状态不允许此操作(`invalid_state`)"),
    )
)]
pub async fn post_county_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CountyReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::County])?;
    let req = body.parse()?;
    let action = match req.decision {
        CountyDecision::Recommend => Action::CountyRecommend,
        CountyDecision::Return => Action::CountyReturn,
        CountyDecision::Reject => Action::CountyReject,
    };
    act(state, caller, id.into_inner(), action, comment_ok(&req.comment)?, |_, _, _, _| Ok(())).await
}

/// Comprehensive review (综合评审) by the city: approve, return or reject.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/city-review",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body = CityReviewRequest,
    responses(
        (status = 200, description = "已评审", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目当前状态不允许此操作(`invalid_state`)"),
        (status = 422, description = "该企业其他项目已占满每家企业的补助上限(`enterprise_cap_reached`,R1*)"),
    )
)]
pub async fn post_city_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CityReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let action = match req.decision {
        CityDecision::Approve => Action::CityApprove,
        CityDecision::Return => Action::CityReturn,
        CityDecision::Reject => Action::CityReject,
    };
    let who = caller.clone();
    act(state, caller, id.into_inner(), action, comment_ok(&req.comment)?, move |c, st, p, now| {
        // R1*: the plan approved (and committed to the funds) is recomputed against what the
        // enterprise's other projects hold at this moment.
        if action == Action::CityApprove { workflow::replan(c, &st.profile, p, &who, now) } else { Ok(()) }
    })
    .await
}

/// Declare the retrofit complete: `in_progress` → `awaiting_acceptance`.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/complete",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    responses(
        (status = 200, description = "已申请验收", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目当前状态不允许此操作(`invalid_state`)"),
    )
)]
pub async fn post_complete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise])?;
    act(state, caller, id.into_inner(), Action::Complete, String::new(), |_, _, _, _| Ok(())).await
}

/// Cancel a project (R7): what was paid is to be recovered; fraud also disqualifies the enterprise.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/cancel",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body = CancelRequest,
    responses(
        (status = 200, description = "已取消", body = ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目当前状态不允许此操作(`invalid_state`)"),
    )
)]
pub async fn post_cancel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CancelRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let reason = req.reason;
    act(state, caller, id.into_inner(), Action::Cancel, comment_ok(&req.comment)?, move |c, st, p, now| {
        repo::set_cancel_reason(c, p.id, reason)?;
        let p = repo::find(c, p.id)?;
        workflow::after_cancelled(c, &st.profile, &p, now)
    })
    .await
}

/// Record an expense with its invoice while the project is `in_progress`; an invoice is claimed
/// once per enterprise, across expenses and cloud fees, compared normalised (SPEC §9.1).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/expenses",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body = CreateExpenseRequest,
    responses(
        (status = 201, description = "已登记", body = ExpenseView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目不在实施中(`invalid_state`),或发票已被本企业申报(`invoice_claimed`,含上云费用;号码按 NFKC、大写、去空格/-/_ 比较)"),
    )
)]
pub async fn post_expense(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CreateExpenseRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let invoice = req.invoice_no.trim().to_string();
    if invoice.is_empty() || invoice.chars().count() > 64 {
        return Err(ApiError::field("invoice_no", "发票号码不能为空,且不超过 64 个字符"));
    }
    invoices::key_of("invoice_no", &invoice)?;
    if !req.amount.is_positive() {
        return Err(ApiError::field("amount", "金额须大于 0"));
    }
    let now = db::now_utc();
    let expense = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let project = repo::get(c, &caller, id)?;
                if project.status != ProjectState::InProgress {
                    return Err(ApiError::Conflict {
                        code: "invalid_state",
                        detail: format!("项目当前状态为“{}”,只有改造实施中的项目可以登记支出", project.status.name_zh()),
                    });
                }
                // The one invoice register (SPEC §9.1): a number claimed as an expense or a cloud
                // fee, written any way, is claimed. Both paths take the enterprise's lock first, so
                // two claims of one number wait for each other there and the second finds the first
                // (on PostgreSQL, claiming first and locking after deadlocked against a cloud fee
                // that locked first and claimed after).
                crate::workflow::lock_enterprise(c, project.enterprise_id)?;
                if let Some(first) = invoices::find(c, project.enterprise_id, &invoice)? {
                    return Err(invoices::claimed(&invoice, Some(&first)));
                }
                let expense = repo::add_expense(c, &project, req.category, req.amount, &invoice, req.paid_on, now)
                    .map_err(|e| match e {
                        RepoError::Conflict(_) => invoices::claimed(&invoice, None),
                        other => other.into(),
                    })?;
                invoices::claim(c, project.enterprise_id, &invoice, invoices::Source::Expense, expense.id, now)?;
                let event = audit::Event::new("expense.create", "project", project.id).by(Some(&caller)).after(
                    &serde_json::json!({"expense_id": expense.id, "category": expense.category, "amount": expense.amount, "invoice_no": expense.invoice_no}),
                )?;
                audit::record(c, event, now)?;
                Ok(expense)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(ExpenseView {
        id: expense.id,
        project_id: expense.project_id,
        category: expense.category,
        eligible: expense.category.is_eligible(),
        amount: expense.amount,
        invoice_no: expense.invoice_no,
        paid_on: expense.paid_on,
    }))
}

/// The expenses of a project in the caller's scope, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/expenses",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    responses(
        (status = 200, description = "项目的支出,先登记的在前", body = Vec<ExpenseView>),
        (status = 404, description = "不存在或不在可见范围内"),
    )
)]
pub async fn get_expenses(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = state
        .db(move |conn| {
            repo::get(conn, &caller, id)?;
            Ok(repo::expenses(conn, id)?)
        })
        .await?;
    let views: Vec<ExpenseView> = list
        .into_iter()
        .map(|e| ExpenseView {
            id: e.id,
            project_id: e.project_id,
            category: e.category,
            eligible: e.category.is_eligible(),
            amount: e.amount,
            invoice_no: e.invoice_no,
            paid_on: e.paid_on,
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
