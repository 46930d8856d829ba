//! `POST /users` (admin, city): accounts for every role, each scoped (SPEC §1); each creation is
//! audited (`user.create`, by the caller). `GET /users` (admin, city): the accounts, paged.

use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::auth::{CreateUserRequest, SetPasswordRequest, UpdateUserRequest, UserView};
use dtpilot_api_types::programme::Page;
use dtpilot_domain::accounts::{self, AccountError, AccountScope};
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::auth::refresh;
use crate::db::RepoError;
use crate::db::write_transaction;
use crate::error::ApiError;
use crate::password;
use crate::repo::Paging;
use crate::routes::auth::user_view;
use crate::routes::json::JsonBody;
use crate::routes::query;
use crate::users::{self, CreateUserError, NewUser, User, UserFilter};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only accounts of this role.
    role: Option<Role>,
    /// The username or the display name contains this text.
    q: Option<String>,
    /// From 1 (default 1).
    page: Option<i64>,
    /// Page size (1–100, default 20).
    per_page: Option<i64>,
}

/// The accounts (no password hashes), in id order: the administrators' list of users.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "auth",
    params(ListQuery),
    responses(
        (status = 200, description = "一页账号,按 id 排序", body = Page<UserView>),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_users(state: web::Data<AppState>, caller: Caller, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::City])?;
    // The role is checked before the query is parsed (403 before 422).
    let q: ListQuery = query::parse(req.query_string())?;
    let paging = Paging::new(q.page, q.per_page);
    let filter = UserFilter { role: q.role, q: q.q };
    let (list, total) = state.db(move |conn| Ok(users::list_users(conn, &filter, paging)?)).await?;
    Ok(HttpResponse::Ok().json(paging.page(list.into_iter().map(user_view).collect(), total)))
}

/// Create an account: `admin` of every role, `city` of `county`, `provider` and `enterprise`,
/// `county` of `enterprise` for enterprises of its own county (SPEC §9.2). The enterprise or
/// provider named must exist (422). Creating a privileged account is also audited as
/// `privileged_account`.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "auth",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "已创建", body = UserView),
        (status = 403, description = "角色无权创建该类账号(市工信局、市财政局、评测机构和管理员账号仅管理员可建)"),
        (status = 404, description = "县级账号:企业不在本县区"),
        (status = 409, description = "用户名已被使用(不区分大小写)"),
        (status = 422, description = "字段不合规;密码太弱时 code 为 weak_password;企业或服务商不存在"),
    )
)]
pub async fn post_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::City, Role::County])?;
    let req = body.parse()?;
    if !accounts::may_create(caller.role, req.role) {
        return Err(ApiError::Forbidden(if accounts::is_privileged(req.role) {
            "只有平台管理员可以创建市工信局、市财政局、评测机构和管理员账号".into()
        } else {
            "当前角色无权创建该类账号".into()
        }));
    }
    let (enterprise_id, provider_id, who) = (req.enterprise_id, req.provider_id, caller.clone());
    state.db(move |conn| users::check_scope_records(conn, &who, enterprise_id, provider_id)).await?;
    let new = NewUser {
        username: req.username,
        password: req.password,
        role: req.role,
        display_name: req.display_name,
        county: req.county,
        enterprise_id: req.enterprise_id,
        provider_id: req.provider_id,
    };
    let pool = state.pool.clone();
    // Hashing runs behind the same bound as logins. The account and its `user.create` audit event
    // (actor: the caller) are written in one transaction.
    let created = state
        .auth
        .hashing(move || -> Result<_, ApiError> {
            let mut conn = pool.get().map_err(|e| ApiError::from(crate::db::DbError::Pool(e)))?;
            Ok(users::create_user_by(&mut conn, new, Some(&caller)))
        })
        .await??;
    match created {
        Ok(user) => Ok(HttpResponse::Created().json(user_view(user))),
        Err(e) => Err(create_error(e)),
    }
}

/// 422 (`weak_password` when the password is what is wrong), 409 `duplicate_username`.
pub(crate) fn create_error(e: CreateUserError) -> ApiError {
    match e {
        CreateUserError::Invalid(errors) => invalid_account(&errors),
        CreateUserError::Repo(RepoError::Conflict(_)) => ApiError::Conflict {
            code: "duplicate_username",
            detail: "用户名已被使用(不区分大小写)".into(),
        },
        CreateUserError::Repo(e) => e.into(),
        CreateUserError::Password(e) => ApiError::internal(e),
    }
}

/// A 422 of account field errors; its code is `weak_password` when a password is too weak.
pub(crate) fn invalid_account(errors: &[AccountError]) -> ApiError {
    let weak = errors.iter().any(AccountError::is_weak_password);
    match ApiError::invalid(errors.iter().map(|e| FieldError::from(e.to_field_error())).collect()) {
        ApiError::Unprocessable { detail, errors, .. } if weak => {
            ApiError::Unprocessable { code: "weak_password", detail, errors }
        }
        other => other,
    }
}

/// 403 unless the caller may change accounts of `role` (admin every role; city the roles it may
/// create).
fn require_change(caller: &Caller, role: Role) -> Result<(), ApiError> {
    if accounts::may_change(caller.role, role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("只有平台管理员可以修改市工信局、市财政局、评测机构和管理员账号".into()))
    }
}

/// Record `action` on account `after` (and `privileged_account` when either side is privileged).
fn audit_change(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    action: &str,
    before: &User,
    after: &User,
    now: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let event = audit::Event::new(action, "user", after.id).by(Some(caller)).before(before)?.after(after)?;
    audit::record(conn, event, now)?;
    if accounts::is_privileged(before.role) || accounts::is_privileged(after.role) {
        let event = audit::Event::new(users::PRIVILEGED_ACCOUNT, "user", after.id)
            .by(Some(caller))
            .before(before)?
            .after(after)?;
        audit::record(conn, event, now)?;
    }
    Ok(())
}

/// Change an account: `active` (deactivation revokes every session at once; the account's
/// sign-ins then answer the same 401 as a wrong password and its access tokens stop working),
/// `display_name`, `role` (within the same scope shape). Admin every account; city the roles it
/// may create (SPEC §9.2). Audited as `user.update` (and `privileged_account`).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "auth",
    params(("id" = i64, Path, description = "账号 id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "已修改", body = UserView),
        (status = 403, description = "角色无权修改该账号或授予该角色"),
        (status = 404, description = "账号不存在"),
        (status = 409, description = "不能停用或改变自己的账号(`own_account`)"),
        (status = 422, description = "没有要修改的字段,或角色与账号的范围不符"),
    )
)]
pub async fn patch_user(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: JsonBody<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::City])?;
    let req = body.parse()?;
    let id = path.into_inner();
    let now = crate::db::now_utc();
    let who = caller.clone();
    let after = state
        .db(move |conn| {
            write_transaction(conn, |c| -> Result<User, ApiError> {
                let before = users::find_by_id(c, id)?;
                require_change(&who, before.role)?;
                if req == UpdateUserRequest::default() {
                    return Err(ApiError::field("active", "没有要修改的字段"));
                }
                let role = req.role.unwrap_or(before.role);
                require_change(&who, role)?;
                let active = req.active.unwrap_or(before.active);
                if id == who.user_id && (!active || role != before.role) {
                    return Err(ApiError::Conflict {
                        code: "own_account",
                        detail: "不能停用自己的账号或改变自己的角色".into(),
                    });
                }
                let scope = AccountScope {
                    county: before.county,
                    enterprise_id: before.enterprise_id,
                    provider_id: before.provider_id,
                };
                if !accounts::scope_errors(role, &scope).is_empty() {
                    return Err(ApiError::field("role", "新角色与账号的所属范围(县区、企业、服务商)不符"));
                }
                let display_name = match req.display_name.as_deref() {
                    Some(name) => {
                        accounts::display_name_or_username(name, &before.username).map_err(|e| invalid_account(&[e]))?
                    }
                    None => before.display_name.clone(),
                };
                let after = users::update_fields(c, id, active, &display_name, role, now)?;
                if !after.active {
                    refresh::revoke_user(c, id, now)?;
                }
                audit_change(c, &who, "user.update", &before, &after, now)?;
                Ok(after)
            })
        })
        .await?;
    state.auth.forget_status(id);
    Ok(HttpResponse::Ok().json(user_view(after)))
}

/// Set a one-time password: the account's sessions are revoked, its next sign-in answers
/// `must_change_password: true` and every call but `POST /me/password` answers 403
/// `password_change_required` until it is changed. Same callers as `PATCH /users/{id}`; audited
/// as `user.password_reset` (never the password).
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/password",
    tag = "auth",
    params(("id" = i64, Path, description = "账号 id")),
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "已设置一次性密码"),
        (status = 403, description = "角色无权修改该账号"),
        (status = 404, description = "账号不存在"),
        (status = 422, description = "密码太弱(`weak_password`)"),
    )
)]
pub async fn post_user_password(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: JsonBody<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::City])?;
    let SetPasswordRequest { password } = body.parse()?;
    let id = path.into_inner();
    let before = state.db(move |conn| Ok(users::find_by_id(conn, id)?)).await?;
    require_change(&caller, before.role)?;
    accounts::check_password(&password, &before.username, password::is_common).map_err(|e| invalid_account(&[e]))?;
    let hash = state.auth.hashing(move || password::hash_password(&password)).await?.map_err(ApiError::internal)?;
    let now = crate::db::now_utc();
    state
        .db(move |conn| {
            write_transaction(conn, |c| -> Result<(), ApiError> {
                let after = users::set_password_hash(c, id, &hash, true, now)?;
                refresh::revoke_user(c, id, now)?;
                audit_change(c, &caller, "user.password_reset", &before, &after, now)
            })
        })
        .await?;
    state.auth.forget_status(id);
    Ok(HttpResponse::NoContent().finish())
}
