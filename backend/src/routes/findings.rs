//! Findings and recoveries (SPEC §9.1, 第十四条 / 第十条): `POST /findings` (city) records a finding
//! on an enterprise or a provider, makes one `recovery` instruction per reclaimed paid instruction
//! (split like it, at most what is paid and not yet reclaimed) and may disqualify the subject;
//! `GET /findings` (city, finance; county: its county's enterprises) lists them.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::FieldError;
use dtpilot_api_types::findings::{FindingRecoveryView, FindingRequest, FindingView, SubjectRef};
use dtpilot_api_types::programme::{Page, ProviderStatus};
use dtpilot_domain::Money;
use dtpilot_domain::findings::{self as rules, FindingKind, Reclaimable, SubjectType};
use dtpilot_domain::reference::County;
use dtpilot_domain::rules::FundSplit;
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::schema::{finding_recoveries as fr, findings as f, payments as pay};
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::payments::{self as payments, Party};
use crate::repo::{Paging, corrupt, enterprises, providers};
use crate::routes::json::JsonBody;
use crate::routes::payments::view as payment_view;
use crate::routes::query::QueryParams;

type FindingRow = (i64, String, i64, String, String, String, bool, i64, NaiveDateTime);

const FINDING_COLUMNS: (
    f::id,
    f::subject_type,
    f::subject_id,
    f::kind,
    f::document_no,
    f::description,
    f::disqualify,
    f::created_by,
    f::created_at,
) = (
    f::id,
    f::subject_type,
    f::subject_id,
    f::kind,
    f::document_no,
    f::description,
    f::disqualify,
    f::created_by,
    f::created_at,
);

fn subject_name(c: &mut DbConn, kind: SubjectType, id: i64) -> Result<String, RepoError> {
    Ok(match kind {
        SubjectType::Enterprise => enterprises::find(c, id)?.name,
        SubjectType::Provider => providers::find(c, id)?.name,
    })
}

fn load_view(c: &mut DbConn, row: FindingRow) -> Result<FindingView, RepoError> {
    let (id, subject_type, subject_id, kind, document_no, description, disqualify, created_by, created_at) = row;
    let subject_kind = SubjectType::from_code(&subject_type)
        .ok_or_else(|| corrupt(format!("findings.id={id}: subject_type {subject_type:?}")))?;
    let kind = FindingKind::from_code(&kind).ok_or_else(|| corrupt(format!("findings.id={id}: kind {kind:?}")))?;
    let links: Vec<(i64, i64)> = fr::table
        .filter(fr::finding_id.eq(id))
        .order(fr::recovery_id.asc())
        .select((fr::recovery_id, fr::reclaims_id))
        .load(c)?;
    let mut recoveries = Vec::with_capacity(links.len());
    for (recovery_id, reclaims_id) in links {
        recoveries.push(FindingRecoveryView {
            reclaims_payment_id: reclaims_id,
            payment: payment_view(payments::find(c, recovery_id)?),
        });
    }
    Ok(FindingView {
        id,
        subject: SubjectRef { kind: subject_kind, id: subject_id },
        subject_name: subject_name(c, subject_kind, subject_id)?,
        kind,
        document_no,
        description,
        disqualify,
        recoveries,
        created_by,
        created_at,
    })
}

/// Whether instruction `id` is a recovery a finding made.
pub fn is_finding_recovery(c: &mut DbConn, id: i64) -> Result<bool, RepoError> {
    Ok(diesel::select(diesel::dsl::exists(fr::table.find(id))).get_result(c)?)
}

/// What earlier findings' recoveries (not cancelled) reclaim of instruction `id`, per fund.
fn reclaimed_of(c: &mut DbConn, id: i64) -> Result<FundSplit, RepoError> {
    let parts: Vec<(i64, i64, i64)> = fr::table
        .inner_join(pay::table.on(pay::id.eq(fr::recovery_id)))
        .filter(fr::reclaims_id.eq(id))
        .filter(pay::status.ne("cancelled"))
        .select((pay::central_fen, pay::city_fen, pay::county_fen))
        .load(c)?;
    let sum = |f: fn(&(i64, i64, i64)) -> i64| Money::from_fen(parts.iter().map(f).sum());
    Ok(FundSplit { central: sum(|p| p.0), city: sum(|p| p.1), county: sum(|p| p.2) })
}

fn text_field(field: &str, value: &str, max: usize, what: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(ApiError::field(field, format!("{what}不能为空,且不超过 {max} 个字符")));
    }
    Ok(v.to_string())
}

/// Record a finding (第十四条): one `recovery` instruction (pending) per reclaimed paid
/// instruction, split like it, at most what is paid and not yet reclaimed, in any project state;
/// `disqualify` bars the subject from every later application, subsidy, award and payment.
#[utoipa::path(
    post,
    path = "/api/v1/findings",
    tag = "ledger",
    request_body = FindingRequest,
    responses(
        (status = 201, description = "已记录认定及追回指令", body = FindingView),
        (status = 422, description = "字段无效;对象不存在(`subject`);追回的不是已执行的、拨付给该对象的指令,或超过尚未追回的金额(`recoveries[i].payment_id`/`recoveries[i].amount`)"),
    )
)]
pub async fn post_finding(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<FindingRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let document_no = text_field("document_no", &req.document_no, 64, "文号")?;
    let description = text_field("description", &req.description, 2000, "认定说明")?;
    if req.recoveries.len() > 100 {
        return Err(ApiError::field("recoveries", "一次认定最多追回 100 笔拨付"));
    }
    for (i, r) in req.recoveries.iter().enumerate() {
        if req.recoveries[..i].iter().any(|o| o.payment_id == r.payment_id) {
            return Err(ApiError::field(&format!("recoveries[{i}].payment_id"), "同一笔拨付在一次认定中只能出现一次"));
        }
    }
    let now = db::now_utc();
    let profile = state.profile.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let subject = req.subject;
                let (county, payee) = match subject.kind {
                    SubjectType::Enterprise => match enterprises::find(c, subject.id) {
                        Ok(e) => (Some(e.county), e.name),
                        Err(RepoError::NotFound) => return Err(ApiError::field("subject.id", "企业不存在")),
                        Err(e) => return Err(e.into()),
                    },
                    SubjectType::Provider => match providers::find(c, subject.id) {
                        Ok(p) => (None::<County>, p.name),
                        Err(RepoError::NotFound) => return Err(ApiError::field("subject.id", "服务商不存在")),
                        Err(e) => return Err(e.into()),
                    },
                };
                let finding_id: i64 = diesel::insert_into(f::table)
                    .values((
                        f::subject_type.eq(subject.kind.code()),
                        f::subject_id.eq(subject.id),
                        f::kind.eq(req.kind.code()),
                        f::document_no.eq(&document_no),
                        f::description.eq(&description),
                        f::disqualify.eq(req.disqualify),
                        f::county.eq(county.map(County::code)),
                        f::created_by.eq(caller.user_id),
                        f::created_at.eq(now),
                    ))
                    .returning(f::id)
                    .get_result(c)?;
                for (i, r) in req.recoveries.iter().enumerate() {
                    let field = |name: &str| format!("recoveries[{i}].{name}");
                    // Lock the reclaimed instruction until commit (an update that changes nothing,
                    // as for enterprises): two findings on it are decided one after the other
                    // (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writes).
                    let locked = diesel::update(pay::table.find(r.payment_id)).set(pay::id.eq(pay::id)).execute(c)?;
                    if locked == 0 {
                        return Err(ApiError::field(&field("payment_id"), "支付指令不存在"));
                    }
                    let of = payments::find(c, r.payment_id)?;
                    let of_county: Option<String> = pay::table.find(of.id).select(pay::county).first(c)?;
                    let reclaimable = Reclaimable {
                        kind: of.kind,
                        status: of.status,
                        enterprise_id: of.enterprise_id,
                        provider_id: of.provider_id,
                        funds: FundSplit { central: of.central, city: of.city, county: of.county },
                        reclaimed: reclaimed_of(c, of.id)?,
                    };
                    let due = rules::reclaim(subject.kind, subject.id, &reclaimable, r.amount).map_err(|e| {
                        ApiError::Unprocessable {
                            code: e.code(),
                            detail: e.to_string(),
                            errors: vec![FieldError::new(field(e.field()), e.to_string())],
                        }
                    })?;
                    let party = Party {
                        project_id: of.project_id,
                        enterprise_id: of.enterprise_id,
                        provider_id: of.provider_id,
                        county: of_county.as_deref().and_then(County::from_code),
                        payee: &payee,
                    };
                    let recovery = payments::create(c, &due, &party, now)?;
                    diesel::insert_into(fr::table)
                        .values((
                            fr::recovery_id.eq(recovery.id),
                            fr::finding_id.eq(finding_id),
                            fr::reclaims_id.eq(of.id),
                        ))
                        .execute(c)?;
                    if let Some(project_id) = recovery.project_id {
                        crate::budget::sync_project(c, &profile, project_id)?;
                    }
                }
                if req.disqualify {
                    match subject.kind {
                        SubjectType::Enterprise => enterprises::disqualify(c, subject.id, now)?,
                        SubjectType::Provider => {
                            let reason = format!("第十四条认定({document_no}),取消资格");
                            providers::set_status(c, subject.id, ProviderStatus::Removed, Some(&reason), now)?;
                        }
                    }
                }
                let row = f::table.find(finding_id).select(FINDING_COLUMNS).first::<FindingRow>(c)?;
                let view = load_view(c, row)?;
                let event =
                    audit::Event::new("finding.create", "finding", finding_id).by(Some(&caller)).after(&view)?;
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
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size.
    per_page: Option<i64>,
}

/// The findings (city, finance: all; county: those on its county's enterprises), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/findings",
    tag = "ledger",
    params(ListQuery),
    responses((status = 200, description = "一页认定", body = Page<FindingView>))
)]
pub async fn get_findings(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::Finance, Role::County])?;
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let page = state
        .db(move |conn| -> Result<_, ApiError> {
            let scoped = || {
                let mut query = f::table.into_boxed();
                if caller.role == Role::County {
                    query = query.filter(f::county.eq(caller.county.map(County::code).unwrap_or("")));
                }
                query
            };
            let total: i64 = scoped().count().get_result(conn)?;
            let rows: Vec<FindingRow> = scoped()
                .order(f::id.desc())
                .limit(paging.per_page)
                .offset(paging.offset())
                .select(FINDING_COLUMNS)
                .load(conn)?;
            let mut items = Vec::with_capacity(rows.len());
            for row in rows {
                items.push(load_view(conn, row)?);
            }
            Ok(paging.page(items, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
