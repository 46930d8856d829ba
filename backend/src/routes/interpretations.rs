//! Readings to confirm (SPEC §9.1): the readings of the texts the policy profile in force assumes
//! (`assumption = true`, each with its `reading` and `quote`), and the city bureau's confirmation of
//! each, kept in the database and audited. A confirmation belongs to one edition of the profile
//! (`id@version`): a new edition's readings are open again.

use actix_web::{HttpResponse, web};
use dtpilot_api_types::policy::{ConfirmInterpretationRequest, InterpretationView, InterpretationsView};
use dtpilot_domain::PolicyProfile;
use dtpilot_domain::state::Role;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::interpretations::{self as repo, NewConfirmation};
use crate::routes::json::JsonBody;

const DOCUMENT_MAX_CHARS: usize = 100;
const NOTE_MAX_CHARS: usize = 2000;

/// The profile's readings with their confirmations, open ones first (in the file's order).
fn views(conn: &mut DbConn, profile: &PolicyProfile) -> Result<InterpretationsView, ApiError> {
    let mut confirmed = repo::for_profile(conn, &profile.id, i64::from(profile.version))?;
    let mut items: Vec<InterpretationView> = profile
        .interpretations()
        .into_iter()
        .map(|i| {
            let confirmation = confirmed.iter().position(|(k, _)| *k == i.key).map(|at| confirmed.swap_remove(at).1);
            InterpretationView {
                key: i.key,
                rule: i.rule,
                value: i.value,
                source: i.source,
                quote: i.quote,
                reading: i.reading,
                confirmation,
            }
        })
        .collect();
    items.sort_by_key(|i| i.confirmation.is_some());
    let open = items.iter().filter(|i| i.confirmation.is_none()).count();
    Ok(InterpretationsView { profile: format!("{}@{}", profile.id, profile.version), open, items })
}

/// The readings the profile in force assumes and whether the bureau confirmed each
/// (「待确认的政策解释」).
#[utoipa::path(
    get,
    path = "/api/v1/policy/interpretations",
    tag = "policy",
    responses(
        (status = 200, description = "政策解释及确认情况(待确认的在前)", body = InterpretationsView),
        (status = 403, description = "角色不允许"),
    )
)]
pub async fn get_interpretations(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::Finance, Role::County])?;
    let profile = state.profile.clone();
    let view = state.db(move |conn| views(conn, &profile)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The city bureau confirms a reading with the document that settles it (once per edition of
/// the profile: a second confirmation answers 409 `already_confirmed`).
#[utoipa::path(
    post,
    path = "/api/v1/policy/interpretations/{key}/confirm",
    tag = "policy",
    params(("key" = String, Path, description = "配置条目,如 `funds.central_share`")),
    request_body = ConfirmInterpretationRequest,
    responses(
        (status = 200, description = "已确认", body = InterpretationView),
        (status = 403, description = "只有市工信局可以确认"),
        (status = 404, description = "现行政策配置中没有这一待确认的解释"),
        (status = 409, description = "已确认过(`already_confirmed`)"),
        (status = 422, description = "缺少文号或超长"),
    )
)]
pub async fn post_interpretation_confirmation(
    state: web::Data<AppState>,
    caller: Caller,
    key: web::Path<String>,
    body: JsonBody<ConfirmInterpretationRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let key = key.into_inner();
    let req = body.parse()?;
    let document_no = req.document_no.trim().to_string();
    let note = req.note.trim().to_string();
    if document_no.is_empty() || document_no.chars().count() > DOCUMENT_MAX_CHARS {
        return Err(ApiError::field(
            "document_no",
            format!("请填写确认依据的文号或会议纪要号(1–{DOCUMENT_MAX_CHARS} 个字符)"),
        ));
    }
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(ApiError::field("note", format!("说明不超过 {NOTE_MAX_CHARS} 个字符")));
    }
    let profile = state.profile.clone();
    let reading = profile.interpretations().into_iter().find(|i| i.key == key).ok_or(ApiError::NotFound)?;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let new = NewConfirmation {
                    profile_id: &profile.id,
                    profile_version: i64::from(profile.version),
                    key: &reading.key,
                    value: &reading.value,
                    document_no: &document_no,
                    note: &note,
                    confirmed_by: caller.user_id,
                    confirmed_at: now,
                };
                repo::insert(c, &new).map_err(|e| match e {
                    RepoError::Conflict(_) => ApiError::Conflict {
                        code: "already_confirmed",
                        detail: format!("「{}」已确认过,不能再次确认", reading.key),
                    },
                    other => other.into(),
                })?;
                let after = views(c, &profile)?
                    .items
                    .into_iter()
                    .find(|i| i.key == reading.key)
                    .ok_or_else(|| ApiError::internal("the confirmed reading is not listed"))?;
                let event = audit::Event::new("policy.interpretation.confirm", "policy_interpretation", &reading.key)
                    .by(Some(&caller))
                    .after(&after)?;
                audit::record(c, event, now)?;
                Ok(after)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
