//! `POST /users/bulk` (SPEC §9.2 "Accounts for a whole programme"): accounts for a selection of
//! enterprises (city; a county bureau for its own county's) and providers (city), each with a
//! one-time password that must be changed at first sign-in. Usernames are the credit codes. The
//! answer lists what was created and what was skipped and why; `?format=xlsx` answers the same as a
//! credential sheet (Chinese headers) to hand out. The passwords are shown this once and never
//! stored in clear.

use std::collections::{BTreeSet, HashSet};

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use dtpilot_api_types::auth::{BulkCreatedAccount, BulkSkipped, BulkUsersRequest, BulkUsersResponse};
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::schema::{enterprises as e, providers as pr, users as u};
use crate::db::{self, DbConn, RepoError};
use crate::error::ApiError;
use crate::export::{self, Cell, Column, Sheet};
use crate::password;
use crate::routes::exports::attachment;
use crate::routes::json::JsonBody;
use crate::routes::query::QueryParams;
use crate::routes::reports::OutputFormat;
use crate::users::{self, CreateUserError, NewUser, lower};

/// At most this many enterprises and providers in one request (each account costs a hash).
pub const MAX_IDS: usize = 200;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulkQuery {
    /// `json` (default) or `xlsx` (the credential sheet).
    #[param(inline)]
    format: Option<OutputFormat>,
}

/// One account to make: for whom, under which name.
struct Planned {
    new: NewUser,
    credit_code: String,
}

/// Who gets an account and who is skipped: the records in the caller's scope without an account
/// whose credit code is no account's username yet.
fn plan(
    conn: &mut DbConn,
    caller: &Caller,
    req: &BulkUsersRequest,
) -> Result<(Vec<Planned>, Vec<BulkSkipped>), ApiError> {
    let mut planned = Vec::new();
    let mut skipped = Vec::new();
    let skip = |kind: &str, id: i64, reason: &str| BulkSkipped { kind: kind.into(), id, reason: reason.into() };
    let enterprise_ids: Vec<i64> = req.enterprise_ids.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let provider_ids: Vec<i64> = req.provider_ids.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();

    let mut enterprises = e::table.filter(e::id.eq_any(&enterprise_ids)).into_boxed();
    if caller.role == Role::County {
        let own = caller.county.ok_or(ApiError::NotFound)?;
        enterprises = enterprises.filter(e::county.eq(own.code()));
    }
    let enterprises: Vec<(i64, String, String, String)> =
        enterprises.select((e::id, e::name, e::credit_code, e::county)).load(conn).map_err(RepoError::from)?;
    let providers: Vec<(i64, String, String)> = if provider_ids.is_empty() {
        Vec::new()
    } else {
        pr::table
            .filter(pr::id.eq_any(&provider_ids))
            .select((pr::id, pr::name, pr::credit_code))
            .load(conn)
            .map_err(RepoError::from)?
    };
    let with_account: HashSet<(bool, i64)> = u::table
        .filter(u::enterprise_id.eq_any(&enterprise_ids).or(u::provider_id.eq_any(&provider_ids)))
        .select((u::enterprise_id, u::provider_id))
        .load::<(Option<i64>, Option<i64>)>(conn)
        .map_err(RepoError::from)?
        .into_iter()
        .flat_map(|(ent, prov)| ent.map(|id| (true, id)).into_iter().chain(prov.map(|id| (false, id))))
        .collect();
    let codes: Vec<String> =
        enterprises.iter().map(|r| r.2.to_lowercase()).chain(providers.iter().map(|r| r.2.to_lowercase())).collect();
    let mut taken: HashSet<String> = u::table
        .filter(lower(u::username).eq_any(&codes))
        .select(u::username)
        .load::<String>(conn)
        .map_err(RepoError::from)?
        .into_iter()
        .map(|n| n.to_lowercase())
        .collect();

    for id in &enterprise_ids {
        let Some((_, name, code, _)) = enterprises.iter().find(|r| r.0 == *id) else {
            skipped.push(skip("enterprise", *id, "not_found"));
            continue;
        };
        if with_account.contains(&(true, *id)) {
            skipped.push(skip("enterprise", *id, "has_account"));
        } else if !taken.insert(code.to_lowercase()) {
            skipped.push(skip("enterprise", *id, "username_taken"));
        } else {
            planned.push(Planned {
                new: NewUser {
                    username: code.clone(),
                    password: password::one_time_password(),
                    role: Role::Enterprise,
                    display_name: name.clone(),
                    county: None,
                    enterprise_id: Some(*id),
                    provider_id: None,
                },
                credit_code: code.clone(),
            });
        }
    }
    for id in &provider_ids {
        let Some((_, name, code)) = providers.iter().find(|r| r.0 == *id) else {
            skipped.push(skip("provider", *id, "not_found"));
            continue;
        };
        if with_account.contains(&(false, *id)) {
            skipped.push(skip("provider", *id, "has_account"));
        } else if !taken.insert(code.to_lowercase()) {
            skipped.push(skip("provider", *id, "username_taken"));
        } else {
            planned.push(Planned {
                new: NewUser {
                    username: code.clone(),
                    password: password::one_time_password(),
                    role: Role::Provider,
                    display_name: name.clone(),
                    county: None,
                    enterprise_id: None,
                    provider_id: Some(*id),
                },
                credit_code: code.clone(),
            });
        }
    }
    Ok((planned, skipped))
}

const CREDENTIAL_COLUMNS: &[Column] = &[
    Column { header: "类型", width: 8 },
    Column { header: "名称", width: 32 },
    Column { header: "统一社会信用代码", width: 22 },
    Column { header: "用户名", width: 22 },
    Column { header: "一次性密码", width: 18 },
    Column { header: "说明", width: 40 },
];

/// The credential sheet: one row an account, the skipped ones after them with their reason.
fn credential_sheet(answer: &BulkUsersResponse) -> Sheet {
    let kind = |enterprise: bool| if enterprise { "企业" } else { "服务商" };
    let mut rows: Vec<Vec<Cell>> = answer
        .created
        .iter()
        .map(|a| {
            vec![
                Cell::Text(kind(a.enterprise_id.is_some()).into()),
                Cell::Text(a.display_name.clone()),
                Cell::Text(a.credit_code.clone()),
                Cell::Text(a.username.clone()),
                Cell::Text(a.one_time_password.clone()),
                Cell::Text("首次登录须修改密码;请当面或密封交付,勿通过聊天软件发送".into()),
            ]
        })
        .collect();
    rows.extend(answer.skipped.iter().map(|s| {
        let why = match s.reason.as_str() {
            "has_account" => "已有账号,未重复开通",
            "username_taken" => "信用代码已被其他账号用作用户名,未开通",
            _ => "不存在或不在本县区,未开通",
        };
        vec![
            Cell::Text(kind(s.kind == "enterprise").into()),
            Cell::Text(format!("#{}", s.id)),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Text(why.into()),
        ]
    }));
    Sheet { name: "账号清单", columns: CREDENTIAL_COLUMNS, rows }
}

/// Accounts with one-time passwords for a selection of enterprises and providers.
#[utoipa::path(
    post,
    path = "/api/v1/users/bulk",
    tag = "auth",
    params(BulkQuery),
    request_body = BulkUsersRequest,
    responses(
        (status = 201, description = "已开通的账号(含一次性密码,仅此一次显示)与未开通的原因;format=xlsx 时为账号清单文件", body = BulkUsersResponse),
        (status = 403, description = "角色无权(县区只能为本县区企业开通)"),
        (status = 409, description = "用户名在开通过程中被占用(整批未开通,可重试)"),
        (status = 422, description = "没有选择企业或服务商,或超过 200 个"),
    )
)]
pub async fn post_users_bulk(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<BulkQuery>,
    body: JsonBody<BulkUsersRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::County])?;
    let req = body.parse()?;
    if caller.role == Role::County && !req.provider_ids.is_empty() {
        return Err(ApiError::Forbidden("县区只能为本县区的企业开通账号".into()));
    }
    let n = req.enterprise_ids.len() + req.provider_ids.len();
    if n == 0 {
        return Err(ApiError::field("enterprise_ids", "请至少选择一家企业或服务商"));
    }
    if n > MAX_IDS {
        return Err(ApiError::field("enterprise_ids", format!("一次最多为 {MAX_IDS} 家企业和服务商开通账号")));
    }
    let format = query.0.format.unwrap_or_default();
    let pool = state.pool.clone();
    let who = caller.clone();
    // Hashing (one per account) runs behind the same bound as logins; the accounts and their audit
    // events are written in one transaction.
    let answer = state
        .auth
        .hashing_counted(move || {
            // One hash per account planned (the moving average of the hashing queue stays per hash).
            let mut hashes = 0;
            let answer = (|| -> Result<BulkUsersResponse, ApiError> {
                let mut conn = pool.get().map_err(|e| ApiError::from(db::DbError::Pool(e)))?;
                let (planned, skipped) = plan(&mut conn, &who, &req)?;
                hashes = u32::try_from(planned.len()).unwrap_or(u32::MAX);
                let news: Vec<NewUser> = planned.iter().map(|p| p.new.clone()).collect();
                // One event for the whole act (never a password), beside each account's `user.create`.
                let skipped_json: Vec<serde_json::Value> = skipped
                    .iter()
                    .map(|s| serde_json::json!({"type": s.kind, "id": s.id, "reason": s.reason}))
                    .collect();
                let summary = |c: &mut DbConn, made: &[users::User]| -> Result<(), RepoError> {
                    let after = serde_json::json!({
                        "created": made.iter().map(|u| u.id).collect::<Vec<_>>(),
                        "skipped": skipped_json,
                    });
                    let event = audit::Event::new("user.bulk_create", "user", "bulk").by(Some(&who)).after(&after)?;
                    audit::record(c, event, db::now_utc())?;
                    Ok(())
                };
                let made = users::create_one_time_accounts(&mut conn, &news, &who, summary).map_err(|e| match e {
                    CreateUserError::Repo(RepoError::Conflict(_)) => ApiError::Conflict {
                        code: "duplicate_username",
                        detail: "开通过程中有用户名被占用,整批未开通,请重试".into(),
                    },
                    other => crate::routes::users::create_error(other),
                })?;
                let created: Vec<BulkCreatedAccount> = made
                    .into_iter()
                    .zip(planned)
                    .map(|(user, p)| BulkCreatedAccount {
                        user_id: user.id,
                        username: user.username,
                        display_name: user.display_name,
                        enterprise_id: user.enterprise_id,
                        provider_id: user.provider_id,
                        credit_code: p.credit_code,
                        one_time_password: p.new.password,
                    })
                    .collect();
                Ok(BulkUsersResponse { created, skipped })
            })();
            (answer, hashes)
        })
        .await??;
    match format {
        OutputFormat::Json => Ok(HttpResponse::Created().json(answer)),
        OutputFormat::Xlsx => {
            let sheet = credential_sheet(&answer);
            let bytes = web::block(move || export::workbook(&sheet))
                .await
                .map_err(ApiError::internal)?
                .map_err(ApiError::internal)?;
            let mut resp = attachment(bytes, "accounts.xlsx", "账号清单.xlsx");
            *resp.status_mut() = actix_web::http::StatusCode::CREATED;
            Ok(resp)
        }
    }
}
