//! `POST /batches`, `POST /batches/{id}/enterprises` (city), `GET /batches`, `GET /batches/{id}` (signed in).

use actix_web::{HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::programme::{BatchMembersRequest, BatchMembersResponse, BatchView, CreateBatchRequest};
use dtpilot_domain::state::Role;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, write_transaction};
use crate::error::ApiError;
use crate::repo::batches::{self as repo, Batch};
use crate::routes::json::JsonBody;

/// At most this many enterprises per request.
const MAX_MEMBERS_PER_REQUEST: usize = 1000;

fn view(b: Batch) -> BatchView {
    BatchView {
        id: b.id,
        number: b.number,
        name: b.name,
        diagnosis_due: b.diagnosis_due,
        retrofit_due: b.retrofit_due,
        acceptance_start: b.acceptance_start,
        acceptance_end: b.acceptance_end,
        enterprises: b.enterprises,
    }
}

fn batch_errors(r: &CreateBatchRequest) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if r.number == 0 {
        errors.push(FieldError::new("number", "批次号从 1 开始"));
    }
    let name = r.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "批次名称不能为空,且不超过 100 个字符"));
    }
    if r.retrofit_due < r.diagnosis_due {
        errors.push(FieldError::new("retrofit_due", "改造完成日期不能早于诊断完成日期"));
    }
    if r.acceptance_end < r.acceptance_start {
        errors.push(FieldError::new("acceptance_end", "验收结束日期不能早于开始日期"));
    }
    errors
}

/// Open a batch with its deadlines.
#[utoipa::path(
    post,
    path = "/api/v1/batches",
    tag = "batches",
    request_body = CreateBatchRequest,
    responses(
        (status = 201, description = "已创建", body = BatchView),
        (status = 409, description = "批次号已存在"),
    )
)]
pub async fn post_batch(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateBatchRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let errors = batch_errors(&req);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let now = db::now_utc();
    let created = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let created = view(repo::create(c, &req, now)?);
                let event = audit::Event::new("batch.create", "batch", created.id).by(Some(&caller)).after(&created)?;
                audit::record(c, event, now)?;
                Ok(created)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Batches are planning data every signed-in user may read.
#[utoipa::path(
    get,
    path = "/api/v1/batches",
    tag = "batches",
    responses((status = 200, description = "全部批次", body = Vec<BatchView>))
)]
pub async fn get_batches(state: web::Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let batches = state.db(move |conn| Ok(repo::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(batches.into_iter().map(view).collect::<Vec<_>>()))
}

/// One batch.
#[utoipa::path(
    get,
    path = "/api/v1/batches/{id}",
    tag = "batches",
    params(("id" = i64, Path, description = "批次 id")),
    responses(
        (status = 200, description = "批次", body = BatchView),
        (status = 404, description = "不存在"),
    )
)]
pub async fn get_batch(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let batch = state.db(move |conn| Ok(repo::find(conn, id)?)).await?;
    Ok(HttpResponse::Ok().json(view(batch)))
}

/// Add enterprises to a batch (1–1000 per request); those already in it are reported, unchanged.
#[utoipa::path(
    post,
    path = "/api/v1/batches/{id}/enterprises",
    tag = "batches",
    params(("id" = i64, Path, description = "批次 id")),
    request_body = BatchMembersRequest,
    responses(
        (status = 200, description = "已加入", body = BatchMembersResponse),
        (status = 404, description = "批次不存在"),
        (status = 422, description = "企业列表为空、过长或含不存在的企业"),
    )
)]
pub async fn post_batch_enterprises(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<BatchMembersRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let batch_id = id.into_inner();
    let BatchMembersRequest { enterprise_ids } = body.parse()?;
    if enterprise_ids.is_empty() || enterprise_ids.len() > MAX_MEMBERS_PER_REQUEST {
        return Err(ApiError::invalid(vec![FieldError::new(
            "enterprise_ids",
            format!("须列出 1 至 {MAX_MEMBERS_PER_REQUEST} 家企业"),
        )]));
    }
    let now = db::now_utc();
    let (added, already) = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                repo::find(c, batch_id)?;
                let unknown = repo::unknown_enterprises(c, &enterprise_ids)?;
                if !unknown.is_empty() {
                    let ids: Vec<String> = unknown.iter().map(ToString::to_string).collect();
                    return Err(ApiError::invalid(vec![FieldError::new(
                        "enterprise_ids",
                        format!("以下企业不存在:{}", ids.join(", ")),
                    )]));
                }
                let (added, already) = repo::add_members(c, batch_id, &enterprise_ids, now)?;
                if !added.is_empty() {
                    let event = audit::Event::new("batch.add_enterprises", "batch", batch_id)
                        .by(Some(&caller))
                        .after(&serde_json::json!({"added": added}))?;
                    audit::record(c, event, now)?;
                }
                Ok((added, already))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(BatchMembersResponse { batch_id, added, already }))
}
