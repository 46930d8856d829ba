//! `POST /users` (admin, city): accounts for every role, each scoped (SPEC §1); each creation is
//! audited (`user.create`, by the caller). `GET /users` (admin, city): the accounts, paged.

use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::auth::{CreateUserRequest, UserView};
use dtpilot_api_types::programme::Page;
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

/// Create an account of any role, scoped by `county`, `enterprise_id` or `provider_id` as the
/// role requires. Only an admin may create an admin.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "auth",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "已创建", body = UserView),
        (status = 403, description = "角色无权,或非管理员创建管理员账号"),
        (status = 409, description = "用户名已被使用"),
    )
)]
pub async fn post_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin, Role::City])?;
    let req = body.parse()?;
    // The bureau manages the pilot's accounts; only the platform operator makes operators.
    if req.role == Role::Admin && caller.role != Role::Admin {
        return Err(ApiError::Forbidden("只有平台管理员可以创建管理员账号".into()));
    }
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
        Err(CreateUserError::Invalid(errors)) => {
            Err(ApiError::invalid(errors.iter().map(|e| FieldError::from(e.to_field_error())).collect()))
        }
        Err(CreateUserError::Repo(RepoError::Conflict(_))) => {
            Err(ApiError::Conflict { code: "duplicate_username", detail: "用户名已被使用".into() })
        }
        Err(CreateUserError::Repo(e)) => Err(e.into()),
        Err(CreateUserError::Password(e)) => Err(ApiError::internal(e)),
    }
}
