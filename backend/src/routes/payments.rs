//! The ledger over HTTP: `GET /payments` (scoped), `POST /payments/{id}/approve` (city),
//! `POST /payments/{id}/execute` (finance).

use actix_web::{HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::programme::Page;
use dtpilot_api_types::workflow::{ExecutePaymentRequest, FundsView, PaymentView};
use dtpilot_domain::eligibility::payment_blocked;
use dtpilot_domain::ledger::{Direction, PaymentKind, PaymentStatus};
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::payments::{self as repo, Payment};
use crate::repo::{Paging, enterprises};
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;
use crate::workflow;

pub fn view(p: Payment) -> PaymentView {
    PaymentView {
        id: p.id,
        kind: p.kind,
        project_id: p.project_id,
        enterprise_id: p.enterprise_id,
        provider_id: p.provider_id,
        payee: p.payee,
        amount: p.amount,
        direction: p.direction,
        funds: FundsView { central: p.central, city: p.city, county: p.county },
        status: p.status,
        approved_by: p.approved_by,
        paid_on: p.paid_on,
        voucher_no: p.voucher_no,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only instructions in this status.
    status: Option<PaymentStatus>,
    /// Only instructions of this kind.
    kind: Option<PaymentKind>,
    /// Only this project's instructions.
    project_id: Option<i64>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size.
    per_page: Option<i64>,
}

/// The payment instructions in the caller's scope (city, finance: all; county: its county;
/// enterprise: its own; provider: those of its projects and its own; others: none).
#[utoipa::path(
    get,
    path = "/api/v1/payments",
    tag = "payments",
    params(ListQuery),
    responses(
        (status = 200, description = "一页支付指令", body = Page<PaymentView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_payments(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let filter = repo::Filter { status: q.status, kind: q.kind, project_id: q.project_id };
    let (items, total) = state.db(move |conn| Ok(repo::list(conn, &caller, &filter, paging)?)).await?;
    let items = items.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}

/// 409 for an instruction not in `expected` (approving or executing twice).
fn stale(status: PaymentStatus, expected: PaymentStatus) -> ApiError {
    ApiError::Conflict {
        code: "invalid_state",
        detail: format!("支付指令当前状态为 {},不是 {}", status.code(), expected.code()),
    }
}

/// R16: no money goes out to an enterprise flagged 经营异常 or 失信 (recoveries stay collectable).
fn check_payable(c: &mut DbConn, p: &Payment) -> Result<(), ApiError> {
    if p.direction == Direction::In {
        return Ok(());
    }
    // SPEC §9.1: nor to a suspended, removed or flagged provider (409 `payee_blocked`).
    if let Some(pid) = p.provider_id
        && let Some(block) = crate::repo::providers::find(c, pid)?.blocked()
    {
        return Err(ApiError::Conflict { code: block.payee_code(), detail: format!("{block},暂停向其拨付") });
    }
    if let Some(eid) = p.enterprise_id {
        let e = enterprises::find(c, eid)?;
        // SPEC §9.1 / 第十四条: a disqualified enterprise is paid nothing more (its provider's
        // diagnosis subsidy is the provider's).
        if e.disqualified && p.provider_id.is_none() {
            return Err(ApiError::Conflict {
                code: "payee_blocked",
                detail: "企业已因第十四条认定被取消资格,暂停向其拨付".into(),
            });
        }
        if let Some(block) = payment_blocked(e.credit_abnormal, e.dishonest) {
            return Err(ApiError::Unprocessable {
                code: block.code(),
                detail: format!("{block},暂停拨付"),
                errors: vec![FieldError { field: "enterprise".into(), message: block.to_string() }],
            });
        }
    }
    Ok(())
}

/// Approve a disbursement: `pending → approved` (R16: not to an enterprise flagged 经营异常 or 失信).
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/approve",
    tag = "payments",
    params(("id" = i64, Path, description = "支付指令 id")),
    responses(
        (status = 200, description = "已审批", body = PaymentView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "不是待审批状态(`invalid_state`),或收款服务商已暂停、移出或被列入经营异常/失信(`payee_blocked`),或企业已被取消资格(`payee_blocked`)"),
        (status = 422, description = "企业经营异常或失信,暂停拨付"),
    )
)]
pub async fn post_approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let id = id.into_inner();
    let now = db::now_utc();
    let approved = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let p = repo::get(c, &caller, id)?;
                if p.status != PaymentStatus::Pending {
                    return Err(stale(p.status, PaymentStatus::Pending));
                }
                check_payable(c, &p)?;
                let approved = repo::approve(c, id, caller.user_id, now).map_err(|e| match e {
                    RepoError::Stale => stale(PaymentStatus::Approved, PaymentStatus::Pending),
                    other => other.into(),
                })?;
                let event = audit::Event::new("payment.approve", "payment", id)
                    .by(Some(&caller))
                    .before(&view(p))?
                    .after(&view(approved.clone()))?;
                audit::record(c, event, now)?;
                Ok(approved)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(approved)))
}

/// Record that the treasury paid (or received) an approved instruction: `approved → paid`.
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/execute",
    tag = "payments",
    params(("id" = i64, Path, description = "支付指令 id")),
    request_body = ExecutePaymentRequest,
    responses(
        (status = 200, description = "已支付", body = PaymentView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "不是已审批状态(`invalid_state`),或收款服务商已暂停、移出或被列入经营异常/失信(`payee_blocked`),或企业已被取消资格(`payee_blocked`)"),
        (status = 422, description = "凭证号无效,或企业经营异常、失信"),
    )
)]
pub async fn post_execute(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<ExecutePaymentRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Finance])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let voucher = req.voucher_no.trim().to_string();
    if voucher.is_empty() || voucher.chars().count() > 64 {
        return Err(ApiError::invalid(vec![FieldError {
            field: "voucher_no".into(),
            message: "凭证号不能为空,且不超过 64 个字符".into(),
        }]));
    }
    let now = db::now_utc();
    let profile = state.profile.clone();
    let executed = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let p = repo::get(c, &caller, id)?;
                if p.status != PaymentStatus::Approved {
                    return Err(stale(p.status, PaymentStatus::Approved));
                }
                check_payable(c, &p)?;
                let paid = repo::execute(c, id, caller.user_id, req.paid_on, &voucher, now).map_err(|e| match e {
                    RepoError::Stale => stale(PaymentStatus::Paid, PaymentStatus::Approved),
                    other => other.into(),
                })?;
                let event = audit::Event::new("payment.execute", "payment", id)
                    .by(Some(&caller))
                    .before(&view(p))?
                    .after(&view(paid.clone()))?;
                audit::record(c, event, now)?;
                workflow::after_executed(c, &paid, &caller, now)?;
                if let Some(project_id) = paid.project_id {
                    crate::budget::sync_project(c, &profile, project_id)?;
                }
                Ok(paid)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(executed)))
}
