//! `POST /users` (admin, city): accounts for every role, each scoped (SPEC §1); each creation is
//! audited (`user.create`, by the caller). `GET /users` (admin, city): the accounts, paged.

use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::auth::{CreateUserRequest, UserView};
use dtpilot_api_types::programme::Page;
use dtpilot_domain::accounts::{self, AccountError};
use dtpilot_domain::state::Role;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Caller;
use crate::db::RepoError;
use crate::error::ApiError;
use crate::repo::Paging;
use crate::routes::auth::user_view;
use crate::routes::json::JsonBody;
use crate::routes::query;
use crate::users::{self, CreateUserError, NewUser, UserFilter};

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
