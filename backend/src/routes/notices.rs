//! Public notices (公示, R15): publish approved projects, close with or without upheld objections.

use std::collections::{BTreeSet, HashMap, HashSet};

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use dtpilot_api_types::FieldError;
use dtpilot_api_types::workflow::{
    CloseNoticeRequest, CreateNoticeRequest, CreateObjectionRequest, NoticeView, ObjectionView,
};
use dtpilot_domain::rules;
use dtpilot_domain::state::{Action, Role};

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::schema::{notice_projects as np, notices as n, objections as o};
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::projects;
use crate::routes::json::JsonBody;
use crate::workflow::{self, step, today_cst};

const MAX_PROJECTS: usize = 1000;

fn load(c: &mut DbConn, id: i64) -> Result<NoticeView, ApiError> {
    let (starts_on, ends_on, status): (NaiveDate, NaiveDate, String) =
        n::table.find(id).select((n::starts_on, n::ends_on, n::status)).first(c).map_err(RepoError::from)?;
    let members: Vec<(i64, Option<bool>)> = np::table
        .filter(np::notice_id.eq(id))
        .order(np::project_id.asc())
        .select((np::project_id, np::upheld))
        .load(c)?;
    let objections = o::table
        .filter(o::notice_id.eq(id))
        .order(o::id.asc())
        .select((o::id, o::project_id, o::content, o::received_on, o::upheld))
        .load::<(i64, i64, String, NaiveDate, Option<bool>)>(c)?
        .into_iter()
        .map(|(id, project_id, content, received_on, upheld)| ObjectionView {
            id,
            project_id,
            content,
            received_on,
            upheld,
        })
        .collect();
    Ok(NoticeView {
        id,
        starts_on,
        ends_on,
        status,
        project_ids: members.iter().map(|(p, _)| *p).collect(),
        upheld_project_ids: members.iter().filter(|(_, u)| *u == Some(true)).map(|(p, _)| *p).collect(),
        objections,
    })
}

/// The notices `caller` may see, newest first, at most `limit`: the city every notice; a county
/// the notices that list one of its projects, showing only its projects (and their objections) —
/// each project stays behind its own scope. Three queries per thousand notices (no N+1).
pub fn visible(c: &mut DbConn, caller: &Caller, limit: i64) -> Result<Vec<NoticeView>, ApiError> {
    use crate::db::schema::projects as p;
    const CHUNK: usize = 1000;
    // The caller's projects among those ever in a notice (`None`: the city sees every one).
    let in_scope: Option<HashSet<i64>> = if caller.role == Role::City {
        None
    } else {
        let ids: Vec<i64> = crate::scope::projects(caller)
            .filter(p::id.eq_any(np::table.select(np::project_id)))
            .select(p::id)
            .load(c)?;
        Some(ids.into_iter().collect())
    };
    let sees = |project: i64| in_scope.as_ref().is_none_or(|s| s.contains(&project));
    let limit = usize::try_from(limit).unwrap_or(0);
    let ids: Vec<i64> = match &in_scope {
        None => n::table.order(n::id.desc()).limit(i64::try_from(limit).unwrap_or(i64::MAX)).select(n::id).load(c)?,
        Some(projects) => {
            let projects: Vec<i64> = projects.iter().copied().collect();
            let mut ids = BTreeSet::new();
            for chunk in projects.chunks(CHUNK) {
                ids.extend(np::table.filter(np::project_id.eq_any(chunk)).select(np::notice_id).load::<i64>(c)?);
            }
            ids.into_iter().rev().take(limit).collect()
        }
    };
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let heads: Vec<(i64, NaiveDate, NaiveDate, String)> = n::table
            .filter(n::id.eq_any(chunk))
            .order(n::id.desc())
            .select((n::id, n::starts_on, n::ends_on, n::status))
            .load(c)?;
        let mut members_of: HashMap<i64, Vec<(i64, Option<bool>)>> = HashMap::new();
        for (notice, project, upheld) in np::table
            .filter(np::notice_id.eq_any(chunk))
            .order((np::notice_id.asc(), np::project_id.asc()))
            .select((np::notice_id, np::project_id, np::upheld))
            .load::<(i64, i64, Option<bool>)>(c)?
        {
            if sees(project) {
                members_of.entry(notice).or_default().push((project, upheld));
            }
        }
        let mut objections_of: HashMap<i64, Vec<ObjectionView>> = HashMap::new();
        for (notice, id, project_id, content, received_on, upheld) in o::table
            .filter(o::notice_id.eq_any(chunk))
            .order(o::id.asc())
            .select((o::notice_id, o::id, o::project_id, o::content, o::received_on, o::upheld))
            .load::<(i64, i64, i64, String, NaiveDate, Option<bool>)>(c)?
        {
            if sees(project_id) {
                objections_of.entry(notice).or_default().push(ObjectionView {
                    id,
                    project_id,
                    content,
                    received_on,
                    upheld,
                });
            }
        }
        for (id, starts_on, ends_on, status) in heads {
            let members = members_of.remove(&id).unwrap_or_default();
            out.push(NoticeView {
                id,
                starts_on,
                ends_on,
                status,
                project_ids: members.iter().map(|(p, _)| *p).collect(),
                upheld_project_ids: members.iter().filter(|(_, u)| *u == Some(true)).map(|(p, _)| *p).collect(),
                objections: objections_of.remove(&id).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// The public notices, newest first (city and county bureaus: a notice is public, its projects are
/// listed by id; each project stays behind its own scope).
#[utoipa::path(
    get,
    path = "/api/v1/notices",
    tag = "notices",
    responses((status = 200, description = "公示,新的在前(至多 200 条)", body = Vec<NoticeView>))
)]
pub async fn get_notices(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::County])?;
    let list = state.db(move |conn| visible(conn, &caller, 200)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Publish approved projects (公示, R15): they go `in_notice`. The period counts calendar days
/// inclusive and must be at least the profile's `notice_days`; the dates may lie in the past.
#[utoipa::path(
    post,
    path = "/api/v1/notices",
    tag = "notices",
    request_body = CreateNoticeRequest,
    responses(
        (status = 201, description = "已发布", body = NoticeView),
        (status = 409, description = "某项目当前状态不能公示"),
        (status = 422, description = "公示期不足、项目列表为空或含不存在的项目"),
    )
)]
pub async fn post_notice(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateNoticeRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    rules::check_notice_period(&state.profile, req.starts_on, req.ends_on).map_err(|e| ApiError::Unprocessable {
        code: e.code(),
        detail: e.to_string(),
        errors: vec![FieldError { field: "ends_on".into(), message: e.to_string() }],
    })?;
    let ids: BTreeSet<i64> = req.project_ids.iter().copied().collect();
    if ids.is_empty() || ids.len() > MAX_PROJECTS {
        return Err(ApiError::field("project_ids", format!("须列出 1 至 {MAX_PROJECTS} 个项目")));
    }
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let id: i64 = diesel::insert_into(n::table)
                    .values((
                        n::starts_on.eq(req.starts_on),
                        n::ends_on.eq(req.ends_on),
                        n::status.eq("open"),
                        n::created_by.eq(caller.user_id),
                        n::created_at.eq(now),
                    ))
                    .returning(n::id)
                    .get_result(c)?;
                for &pid in &ids {
                    let project = match projects::get(c, &caller, pid) {
                        Err(RepoError::NotFound) => {
                            return Err(ApiError::field("project_ids", format!("项目 {pid} 不存在")));
                        }
                        other => other?,
                    };
                    let comment = format!("公示 {} 至 {}", req.starts_on, req.ends_on);
                    step(c, &project, Action::PublishNotice, Some(&caller), &comment, now)?;
                    diesel::insert_into(np::table).values((np::notice_id.eq(id), np::project_id.eq(pid))).execute(c)?;
                }
                let view = load(c, id)?;
                let event = audit::Event::new("notice.publish", "notice", id).by(Some(&caller)).after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Close a notice on or after `ends_on`: upheld objections reject those projects, the others are
/// `cleared` and their prepayment instructions are created.
#[utoipa::path(
    post,
    path = "/api/v1/notices/{id}/close",
    tag = "notices",
    params(("id" = i64, Path, description = "公示 id")),
    request_body = CloseNoticeRequest,
    responses(
        (status = 200, description = "已办结", body = NoticeView),
        (status = 404, description = "不存在"),
        (status = 409, description = "公示已办结(`notice_closed`)或尚未到期(`notice_not_ended`)"),
        (status = 422, description = "异议成立的项目不在本次公示中"),
    )
)]
pub async fn post_close_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CloseNoticeRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let upheld: BTreeSet<i64> = req.upheld_project_ids.iter().copied().collect();
    let now = db::now_utc();
    let today = today_cst();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let notice = load(c, id)?;
                if notice.status != "open" {
                    return Err(ApiError::Conflict { code: "notice_closed", detail: "该公示已结束".into() });
                }
                if !rules::notice_may_close(notice.ends_on, today) {
                    return Err(ApiError::Conflict {
                        code: "notice_not_ended",
                        detail: format!("公示期至 {} 结束,之后才能办结", notice.ends_on),
                    });
                }
                if let Some(p) = upheld.iter().find(|p| !notice.objections.iter().any(|o| o.project_id == **p)) {
                    return Err(ApiError::field(
                        "upheld_project_ids",
                        format!("项目 {p} 没有登记异议,不能认定异议成立"),
                    ));
                }
                if let Some(stranger) = upheld.iter().find(|p| !notice.project_ids.contains(p)) {
                    return Err(ApiError::field("upheld_project_ids", format!("项目 {stranger} 不在本次公示中")));
                }
                for &pid in &notice.project_ids {
                    let project = projects::find(c, pid)?;
                    let is_upheld = upheld.contains(&pid);
                    let (action, comment) = if is_upheld {
                        (Action::UpholdObjection, "公示期内异议成立")
                    } else {
                        (Action::ClearNotice, "公示无异议")
                    };
                    let after = step(c, &project, action, Some(&caller), comment, now)?;
                    diesel::update(np::table.filter(np::notice_id.eq(id)).filter(np::project_id.eq(pid)))
                        .set(np::upheld.eq(Some(is_upheld)))
                        .execute(c)?;
                    diesel::update(o::table.filter(o::notice_id.eq(id)).filter(o::project_id.eq(pid)))
                        .set(o::upheld.eq(Some(is_upheld)))
                        .execute(c)?;
                    if !is_upheld {
                        workflow::after_cleared(c, &st.profile, &after, now)?;
                    }
                    crate::budget::sync_project(c, &st.profile, pid)?;
                }
                diesel::update(n::table.find(id))
                    .set((n::status.eq("closed"), n::closed_at.eq(Some(now))))
                    .execute(c)?;
                let view = load(c, id)?;
                let event =
                    audit::Event::new("notice.close", "notice", id).by(Some(&caller)).before(&notice)?.after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record an objection (异议) received while the notice is open. Whether it is upheld is decided
/// when the notice closes (R15: only projects without an upheld objection go on).
#[utoipa::path(
    post,
    path = "/api/v1/notices/{id}/objections",
    tag = "notices",
    params(("id" = i64, Path, description = "公示 id")),
    request_body = CreateObjectionRequest,
    responses(
        (status = 201, description = "已登记", body = NoticeView),
        (status = 404, description = "公示不存在"),
        (status = 409, description = "公示已结束"),
        (status = 422, description = "项目不在本次公示中,或异议内容为空"),
    )
)]
pub async fn post_objection(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CreateObjectionRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let id = id.into_inner();
    let req = body.parse()?;
    let content = req.content.trim().to_string();
    if content.is_empty() || content.chars().count() > 2000 {
        return Err(ApiError::field("content", "异议内容不能为空,且不超过 2000 个字符"));
    }
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let notice = load(c, id)?;
                if notice.status != "open" {
                    return Err(ApiError::Conflict {
                        code: "notice_closed",
                        detail: "该公示已结束,不能再登记异议".into(),
                    });
                }
                if !notice.project_ids.contains(&req.project_id) {
                    return Err(ApiError::field("project_id", format!("项目 {} 不在本次公示中", req.project_id)));
                }
                diesel::insert_into(o::table)
                    .values((
                        o::notice_id.eq(id),
                        o::project_id.eq(req.project_id),
                        o::content.eq(&content),
                        o::received_on.eq(req.received_on),
                        o::recorded_by.eq(caller.user_id),
                        o::created_at.eq(now),
                    ))
                    .execute(c)?;
                let view = load(c, id)?;
                let event = audit::Event::new("notice.objection", "notice", id)
                    .by(Some(&caller))
                    .after(&serde_json::json!({"project_id": req.project_id, "content": content}))?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
