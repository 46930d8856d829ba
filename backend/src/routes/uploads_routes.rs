//! The two uploads of the workflow: a provider's diagnostic report (一企一档,
//! `POST /enterprises/{id}/diagnoses`) and the evaluator's acceptance report with the digital level
//! (`POST /projects/{id}/evaluation`); and scoped downloads of both.

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use dtpilot_api_types::programme::DiagnosisView;
use dtpilot_domain::state::{Action, ProjectState, Role};
use dtpilot_domain::{DigitalLevel, Money, rules};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::schema::diagnoses as d;
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::{enterprises, projects, providers};
use crate::uploads::{self, MetaAndPdf};
use crate::workflow::{self, step};

const TEXT_MAX_CHARS: usize = 2000;
const NEEDS_MAX: usize = 50;
const NEED_MAX_CHARS: usize = 200;

/// The `meta` part of a diagnosis upload (JSON).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisMeta {
    estimated_level: DigitalLevel,
    summary: String,
    #[serde(default)]
    common_needs: Vec<String>,
    #[serde(default)]
    individual_needs: Vec<String>,
    fee: Money,
}

fn check_meta(m: &DiagnosisMeta) -> Result<(), ApiError> {
    let summary = m.summary.trim();
    if summary.is_empty() || summary.chars().count() > TEXT_MAX_CHARS {
        return Err(ApiError::field("meta.summary", format!("诊断摘要不能为空,且不超过 {TEXT_MAX_CHARS} 个字符")));
    }
    for (name, needs) in [("meta.common_needs", &m.common_needs), ("meta.individual_needs", &m.individual_needs)] {
        if needs.len() > NEEDS_MAX || needs.iter().any(|n| n.trim().is_empty() || n.chars().count() > NEED_MAX_CHARS) {
            return Err(ApiError::field(name, format!("至多 {NEEDS_MAX} 项,每项 1–{NEED_MAX_CHARS} 个字符")));
        }
    }
    Ok(())
}

/// The enterprise in the provider's scope and assigned to it (SPEC §9.1), and the provider still
/// serving (7b: a suspended or removed provider takes no new work).
fn check_provider_may_diagnose(c: &mut DbConn, caller: &Caller, enterprise_id: i64) -> Result<i64, ApiError> {
    use crate::db::schema::assignments as a;
    enterprises::get(c, caller, enterprise_id)?;
    let provider_id = caller.provider_id.ok_or(ApiError::NotFound)?;
    // SPEC §9.1: only the provider assigned to the enterprise diagnoses it — a provider that sees
    // the enterprise only because a project names it may not (403 `not_assigned`).
    let assigned = diesel::select(diesel::dsl::exists(
        a::table.filter(a::enterprise_id.eq(enterprise_id)).filter(a::provider_id.eq(provider_id)),
    ))
    .get_result::<bool>(c)?;
    if !assigned {
        return Err(ApiError::ForbiddenFor {
            code: "not_assigned",
            detail: "本服务商未被分配给该企业,不能提交其诊断报告".into(),
        });
    }
    if let Some(block) = providers::find(c, provider_id)?.blocked() {
        return Err(ApiError::provider_blocked(block, "provider", "不能提交新的诊断报告"));
    }
    Ok(provider_id)
}

type DiagnosisRow = (i64, i64, i64, i64, String, String, String, i64, i64, NaiveDateTime);

fn diagnosis_view(c: &mut DbConn, row: DiagnosisRow) -> Result<DiagnosisView, ApiError> {
    let (id, enterprise_id, provider_id, level, summary, common, individual, fee, file_id, created_at) = row;
    let file = uploads::find_file(c, file_id)?;
    let parse = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(ApiError::internal);
    Ok(DiagnosisView {
        id,
        enterprise_id,
        provider_id,
        estimated_level: u8::try_from(level)
            .ok()
            .and_then(DigitalLevel::new)
            .ok_or_else(|| ApiError::internal("level"))?,
        summary,
        common_needs: parse(&common)?,
        individual_needs: parse(&individual)?,
        fee: Money::from_fen(fee),
        file_id,
        sha256: file.sha256,
        created_at,
    })
}

const DIAGNOSIS_COLUMNS: (
    d::id,
    d::enterprise_id,
    d::provider_id,
    d::estimated_level,
    d::summary,
    d::common_needs,
    d::individual_needs,
    d::fee_fen,
    d::file_id,
    d::created_at,
) = (
    d::id,
    d::enterprise_id,
    d::provider_id,
    d::estimated_level,
    d::summary,
    d::common_needs,
    d::individual_needs,
    d::fee_fen,
    d::file_id,
    d::created_at,
);

/// `multipart/form-data` of `POST /enterprises/{id}/diagnoses`.
#[derive(utoipa::ToSchema)]
pub struct DiagnosisUpload {
    /// JSON text: the diagnosis.
    pub meta: DiagnosisMeta,
    /// The report: a PDF of at most 20 MiB (judged by its content).
    #[schema(value_type = String, format = Binary, content_media_type = "application/pdf")]
    pub file: Vec<u8>,
}

/// `multipart/form-data` of `POST /projects/{id}/evaluation`.
#[derive(utoipa::ToSchema)]
pub struct EvaluationUpload {
    /// JSON text: the evaluation.
    pub meta: EvaluationMeta,
    /// The acceptance report: a PDF of at most 20 MiB (judged by its content).
    #[schema(value_type = String, format = Binary, content_media_type = "application/pdf")]
    pub file: Vec<u8>,
}

/// Upload a diagnostic report (一企一档) for an enterprise the provider is assigned to, while the
/// provider is active. An oversize body answers 413 before anything else.
#[utoipa::path(
    post,
    path = "/api/v1/enterprises/{id}/diagnoses",
    tag = "enterprises",
    params(("id" = i64, Path, description = "企业 id")),
    request_body(content = DiagnosisUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已上传", body = DiagnosisView),
        (status = 403, description = "非服务商,或服务商未被分配给该企业(`not_assigned`)"),
        (status = 404, description = "企业不存在或不在可见范围内"),
        (status = 413, description = "请求体或文件过大(PDF 至多 20 MiB)"),
        (status = 422, description = "`meta` 字段校验失败、缺少部分,或文件不是 PDF(`not_pdf`)、服务商已暂停"),
    )
)]
// `MetaAndPdf` comes first: an oversize body answers 413 before anything else (SPEC §7).
pub async fn post_diagnosis(
    upload: MetaAndPdf<DiagnosisMeta>,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Provider])?;
    let enterprise_id = id.into_inner();
    let MetaAndPdf { meta, file } = upload;
    check_meta(&meta)?;
    let checker = caller.clone();
    state.db(move |conn| check_provider_may_diagnose(conn, &checker, enterprise_id)).await?;
    let promoted = file.promote().await?;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let provider_id = check_provider_may_diagnose(c, &caller, enterprise_id)?;
                let stored = uploads::insert_file(c, &promoted, Some(caller.user_id), now)?;
                let common = serde_json::to_string(&meta.common_needs).map_err(ApiError::internal)?;
                let individual = serde_json::to_string(&meta.individual_needs).map_err(ApiError::internal)?;
                let id: i64 = diesel::insert_into(d::table)
                    .values((
                        d::enterprise_id.eq(enterprise_id),
                        d::provider_id.eq(provider_id),
                        d::estimated_level.eq(i64::from(meta.estimated_level.get())),
                        d::summary.eq(meta.summary.trim()),
                        d::common_needs.eq(common),
                        d::individual_needs.eq(individual),
                        d::fee_fen.eq(meta.fee.to_fen()),
                        d::file_id.eq(stored.id),
                        d::created_by.eq(caller.user_id),
                        d::created_at.eq(now),
                    ))
                    .returning(d::id)
                    .get_result(c)?;
                let row = d::table.find(id).select(DIAGNOSIS_COLUMNS).first::<DiagnosisRow>(c)?;
                let view = diagnosis_view(c, row)?;
                let event = audit::Event::new("diagnosis.create", "enterprise", enterprise_id)
                    .by(Some(&caller))
                    .after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The diagnoses of an enterprise in the caller's scope, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}/diagnoses",
    tag = "enterprises",
    params(("id" = i64, Path, description = "企业 id")),
    responses(
        (status = 200, description = "诊断报告,新的在前", body = Vec<DiagnosisView>),
        (status = 404, description = "企业不存在或不在可见范围内"),
    )
)]
pub async fn get_diagnoses(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let enterprise_id = id.into_inner();
    let list = state
        .db(move |conn| {
            enterprises::get(conn, &caller, enterprise_id)?;
            let rows = d::table
                .filter(d::enterprise_id.eq(enterprise_id))
                .order(d::id.desc())
                .select(DIAGNOSIS_COLUMNS)
                .load::<DiagnosisRow>(conn)?;
            rows.into_iter().map(|r| diagnosis_view(conn, r)).collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The report of a diagnosis, if its enterprise is in the caller's scope.
#[utoipa::path(
    get,
    path = "/api/v1/diagnoses/{id}/file",
    tag = "enterprises",
    params(("id" = i64, Path, description = "诊断报告 id")),
    responses(
        (status = 200, description = "PDF 文件", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "不存在或其企业不在可见范围内"),
    )
)]
pub async fn get_diagnosis_file(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let file = state
        .db(move |conn| {
            let (enterprise_id, file_id): (i64, i64) =
                d::table.find(id).select((d::enterprise_id, d::file_id)).first(conn).map_err(RepoError::from)?;
            enterprises::get(conn, &caller, enterprise_id)?;
            Ok(uploads::find_file(conn, file_id)?)
        })
        .await?;
    uploads::pdf_response(&state.data_dir, &file).await
}

/// The `meta` part of an evaluation upload (JSON).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationMeta {
    /// The digital level found (数字化水平评测).
    level: DigitalLevel,
    /// The evaluation score, 0–100 with at most two decimals.
    #[schema(value_type = f64, minimum = 0, maximum = 100, examples(85.5))]
    score: serde_json::Number,
    evaluated_on: NaiveDate,
    /// The scheme's detail (dimension scores, scene levels): the answer then carries the level the
    /// evaluation scheme computes and whether it differs from `level` (the recorded level decides).
    #[serde(default)]
    detail: Option<dtpilot_api_types::catalogue::EvaluationDetailRequest>,
}

/// The detail checked against the scheme in force, as stored, with the level the scheme computes
/// (422 naming `meta.detail.<field>`).
fn computed_detail(
    st: &AppState,
    req: &dtpilot_api_types::catalogue::EvaluationDetailRequest,
) -> Result<(dtpilot_api_types::catalogue::EvaluationDetailView, DigitalLevel), ApiError> {
    use dtpilot_api_types::FieldError;
    use dtpilot_domain::scheme::Detail;
    use rust_decimal::Decimal;
    let scheme = crate::routes::catalogue::scheme_in_force(st)?;
    let mut errors = Vec::new();
    let mut detail = Detail { dimension_scores: Default::default(), scenes: req.scenes.clone() };
    for (key, n) in &req.dimension_scores {
        match n.to_string().parse::<Decimal>() {
            Ok(d) => {
                detail.dimension_scores.insert(key.clone(), d);
            }
            Err(_) => errors.push(FieldError::new(format!("meta.detail.dimension_scores.{key}"), "得分应为数字")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let computed = scheme.compute(&detail).map_err(|errs| {
        ApiError::invalid(
            errs.into_iter().map(|e| FieldError::new(format!("meta.detail.{}", e.field), e.message)).collect(),
        )
    })?;
    let text = |d: Decimal| {
        let mut d = d.normalize();
        if d.scale() < 2 {
            d.rescale(2);
        }
        d.to_string()
    };
    let view = dtpilot_api_types::catalogue::EvaluationDetailView {
        scheme: scheme.id.clone(),
        dimension_scores: detail.dimension_scores.iter().map(|(k, v)| (k.clone(), text(*v))).collect(),
        scenes: detail.scenes,
        total: text(computed.total),
    };
    Ok((view, computed.level))
}

/// The project in the evaluator's scope, awaiting acceptance, under the policy in force.
fn check_may_evaluate(c: &mut DbConn, st: &AppState, caller: &Caller, id: i64) -> Result<projects::Project, ApiError> {
    let project = projects::get(c, caller, id)?;
    if project.status != ProjectState::AwaitingAcceptance {
        return Err(ApiError::Conflict {
            code: "invalid_state",
            detail: format!("项目当前状态为“{}”,不能评测验收", project.status.name_zh()),
        });
    }
    if project.policy_id != st.profile.id || project.policy_version != i64::from(st.profile.version) {
        return Err(ApiError::Conflict {
            code: "policy_mismatch",
            detail: format!(
                "项目按政策 {}@{} 立项,当前服务运行的是 {}@{}",
                project.policy_id, project.policy_version, st.profile.id, st.profile.version
            ),
        });
    }
    Ok(project)
}

/// Record the evaluation: `accepted` or `failed` (R4/R6), the final subsidy, and the balance or
/// recovery it makes due (R5) — one transaction.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/evaluation",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    request_body(content = EvaluationUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "已评测:`accepted` 或 `failed`,附清算或追回指令", body = dtpilot_api_types::workflow::ProjectView),
        (status = 404, description = "不存在或不在可见范围内"),
        (status = 409, description = "项目不在待评测验收状态(`invalid_state`),或立项政策与现行不同(`policy_mismatch`)"),
        (status = 413, description = "请求体或文件过大(PDF 至多 20 MiB)"),
        (status = 422, description = "`meta` 字段校验失败、缺少部分,或文件不是 PDF(`not_pdf`)"),
    )
)]
pub async fn post_evaluation(
    upload: MetaAndPdf<EvaluationMeta>,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Evaluator])?;
    let id = id.into_inner();
    let MetaAndPdf { meta, file } = upload;
    let score = workflow::score_centi(&meta.score)
        .ok_or_else(|| ApiError::field("meta.score", "评分应为 0–100,最多两位小数"))?;
    let detail = meta.detail.as_ref().map(|d| computed_detail(&state, d)).transpose()?;
    let (st, checker) = (state.clone(), caller.clone());
    state.db(move |conn| check_may_evaluate(conn, &st, &checker, id).map(drop)).await?;
    let promoted = file.promote().await?;
    let now = db::now_utc();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let project = check_may_evaluate(c, &st, &caller, id)?;
                let passed = rules::acceptance_passed(&st.profile, meta.level);
                let stored = uploads::insert_file(c, &promoted, Some(caller.user_id), now)?;
                let expenses = projects::expense_amounts(c, &[id])?;
                let eligible = rules::eligible_investment(expenses.into_iter().map(|(_, cat, m)| (cat, m)));
                // R1*: what the enterprise's other projects hold now bounds this one's final subsidy.
                workflow::lock_enterprise(c, project.enterprise_id)?;
                let held = workflow::enterprise_held(c, project.enterprise_id, Some(id))?;
                let figure = rules::enterprise_final_subsidy(
                    &st.profile,
                    eligible,
                    meta.level,
                    Some(project.planned_subsidy),
                    held,
                );
                let final_subsidy = figure.amount;
                // The per-enterprise cap bound the final figure, or bound the plan that bounds it.
                let cap_bound = passed
                    && (figure.enterprise_cap_bound
                        || (project.enterprise_cap_bound && final_subsidy == project.planned_subsidy));
                projects::set_evaluation(c, id, meta.level, score, meta.evaluated_on, stored.id, final_subsidy)?;
                projects::set_enterprise_cap_bound(c, id, cap_bound)?;
                let action = if passed { Action::EvaluatePass } else { Action::EvaluateFail };
                let mut comment = format!("评测等级 {},评分 {}.{:02}", meta.level.name_zh(), score / 100, score % 100);
                if let Some((view, computed)) = &detail {
                    crate::repo::catalogue::set_evaluation_detail(c, id, view, *computed)?;
                    comment.push_str(&format!(",指标测算等级 {}", computed.name_zh()));
                    if *computed != meta.level {
                        comment.push_str("(与评测等级不一致)");
                    }
                }
                let after = step(c, &project, action, Some(&caller), &comment, now)?;
                workflow::after_evaluated(c, &st.profile, &after, final_subsidy, now)?;
                crate::budget::sync_project(c, &st.profile, id)?;
                let latest = projects::find(c, id)?;
                workflow::views(c, vec![latest], true)?.pop().ok_or(ApiError::NotFound)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The acceptance report of a project in the caller's scope (409 before the evaluation).
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/evaluation/file",
    tag = "projects",
    params(("id" = i64, Path, description = "项目 id")),
    responses(
        (status = 200, description = "验收报告 PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "项目不存在或不在可见范围内"),
        (status = 409, description = "尚未评测验收"),
    )
)]
pub async fn get_evaluation_file(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    use crate::db::schema::projects as p;
    let id = id.into_inner();
    let file = state
        .db(move |conn| {
            projects::get(conn, &caller, id)?;
            let file_id: Option<i64> =
                p::table.find(id).select(p::evaluation_file_id).first(conn).map_err(RepoError::from)?;
            let file_id = file_id.ok_or_else(|| ApiError::Conflict {
                code: "invalid_state",
                detail: "项目尚未评测验收,还没有验收报告".into(),
            })?;
            Ok(uploads::find_file(conn, file_id)?)
        })
        .await?;
    uploads::pdf_response(&state.data_dir, &file).await
}
