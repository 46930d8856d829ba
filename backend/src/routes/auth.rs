//! `POST /auth/login`, `POST /auth/refresh` (public), `POST /auth/logout`, `GET /me`.

use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::auth::{ChangePasswordRequest, LoginRequest, RefreshRequest, TokenResponse, UserView};
use dtpilot_domain::accounts::{self, USERNAME_MAX_CHARS};
use dtpilot_domain::reference::County;

use crate::app::AppState;
use crate::audit;
use crate::auth::refresh::{self, Rotation};
use crate::auth::{Caller, jwt, throttle};
use crate::db::{self, write_transaction};
use crate::error::ApiError;
use crate::password;
use crate::routes::json::JsonBody;
use crate::users::{self, User};

fn view(u: User) -> UserView {
    UserView {
        id: u.id,
        username: u.username,
        role: u.role,
        display_name: u.display_name,
        county: u.county,
        enterprise_id: u.enterprise_id,
        provider_id: u.provider_id,
        active: u.active,
    }
}

fn tokens(
    state: &AppState,
    user: User,
    (refresh_token, family): (String, String),
    now: chrono::NaiveDateTime,
) -> Result<TokenResponse, ApiError> {
    let mut claims =
        jwt::claims_for(user.id, user.role.code(), user.county.map(County::code), user.enterprise_id, user.provider_id);
    claims.sid = Some(family);
    let must_change_password = user.must_change_password;
    let access_token = state.auth.keys.issue(claims, now.and_utc().timestamp()).map_err(ApiError::internal)?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: state.auth.keys.access_ttl_secs,
        user: view(user),
        must_change_password,
    })
}

/// The account as the actor of its own sign-in's audit event.
fn as_caller(user: &User, session: Option<String>) -> Caller {
    Caller {
        user_id: user.id,
        role: user.role,
        county: user.county,
        enterprise_id: user.enterprise_id,
        provider_id: user.provider_id,
        session,
    }
}

/// A failed sign-in in the audit log: the username tried (as counted, at most 64 characters) and
/// the client address — never the password.
fn audit_failed_login(
    conn: &mut db::DbConn,
    key: &str,
    client_ip: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    let detail = serde_json::json!({ "username": key, "client_ip": client_ip });
    audit::record(conn, audit::Event::new("auth.login_failed", "login", key).after(&detail)?, at)?;
    Ok(())
}

fn invalid_refresh() -> ApiError {
    ApiError::Unauthorized { code: "invalid_refresh_token", detail: "登录已失效,请重新登录" }
}

/// Sign in: an access token (JWT) and a refresh token. Five failures for one username within 15
/// minutes lock that username for 15 minutes (429); attempts in flight count, so of any number of
/// simultaneous attempts at most five are checked. One client address: at most 30 failures in 15
/// minutes. More logins waiting for hashing than can be served within about a second: 503.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "已登录", body = TokenResponse),
        (status = 401, description = "用户名或密码错误(未知用户与错误密码同一回答)"),
        (status = 429, description = "失败次数过多(同一用户名 15 分钟内 5 次,含进行中的尝试;同一地址 15 分钟内 30 次),暂时锁定(`Retry-After`)"),
        (status = 503, description = "等待校验密码的登录超过约一秒的处理能力,请稍后再试(`Retry-After`)"),
    )
)]
pub async fn post_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { username, password } = body.parse()?;
    // No account has a longer name: refused at once, stored nowhere.
    if username.chars().count() > USERNAME_MAX_CHARS {
        return Err(ApiError::bad_credentials());
    }
    let now = db::now_utc();
    let key = throttle::username_key(&username);
    let client_ip = req.peer_addr().map(|a| a.ip().to_string());
    let address = client_ip.clone();
    let lookup = key.clone();
    // The attempt reserves its place in the throttle before any hashing (attempts in flight count).
    let (admission, found) = state
        .db(move |conn| {
            let admission = throttle::reserve(conn, &lookup, client_ip.as_deref(), now)?;
            let found = match admission {
                Ok(_) => users::find_by_username(conn, &lookup)?,
                Err(_) => None,
            };
            Ok((admission, found))
        })
        .await?;
    let slot = match admission {
        Ok(slot) => slot,
        Err(until) => {
            let secs = u64::try_from((until - now).num_seconds()).unwrap_or(1).max(1);
            return Err(ApiError::TooManyRequests { retry_after_secs: secs });
        }
    };
    // The same argon2 work whether or not the user exists: no timing oracle for usernames.
    let hash = found.as_ref().map_or_else(|| password::dummy_hash().to_string(), |(_, h)| h.clone());
    let verified = match state.auth.hashing(move || password::verify_password(&password, &hash)).await {
        Ok(verified) => verified,
        Err(e) => {
            // Not served (503): the attempt does not count.
            state.db(move |conn| Ok(throttle::release(conn, slot)?)).await?;
            return Err(e);
        }
    };
    let user = match found {
        Some((user, _)) if verified && user.active => user,
        _ => {
            let failed_at = db::now_utc();
            state
                .db(move |conn| {
                    write_transaction(conn, |c| {
                        throttle::fail(c, slot, failed_at)?;
                        audit_failed_login(c, &key, address.as_deref(), failed_at)
                    })
                })
                .await?;
            return Err(ApiError::bad_credentials());
        }
    };
    let user_id = user.id;
    let family = refresh::new_family();
    let actor = as_caller(&user, Some(family.clone()));
    let refresh_token = state
        .db(move |conn| {
            write_transaction(conn, |c| -> Result<_, ApiError> {
                throttle::succeed(c, &key, slot)?;
                let token = refresh::issue(c, user_id, Some(&family), now)?;
                audit::record(c, audit::Event::new("auth.login", "user", user_id).by(Some(&actor)), now)?;
                Ok((token, family))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(tokens(&state, user, refresh_token, now)?))
}

/// A new token pair for a refresh token; the old refresh token is dead (a replayed one revokes
/// the user's tokens).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "新的令牌对", body = TokenResponse),
        (status = 401, description = "刷新令牌无效、过期或已使用"),
    )
)]
pub async fn post_refresh(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let RefreshRequest { refresh_token } = body.parse()?;
    let now = db::now_utc();
    let outcome = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let (user_id, token, family) = match refresh::rotate(c, &refresh_token, now)? {
                    Rotation::Rotated { user_id, token, family } => (user_id, token, family),
                    // An unknown, expired or revoked token writes nothing.
                    Rotation::Invalid => return Ok(None),
                    Rotation::Replayed { user_id } => {
                        audit::record(c, audit::Event::new("auth.refresh_replay", "user", user_id), now)?;
                        return Ok(None);
                    }
                };
                let user = users::find_by_id(c, user_id)?;
                if !user.active {
                    refresh::revoke_user(c, user_id, now)?;
                    return Ok(None);
                }
                Ok(Some((user, (token, family))))
            })
        })
        .await?;
    let (user, token) = outcome.ok_or_else(invalid_refresh)?;
    Ok(HttpResponse::Ok().json(tokens(&state, user, token, now)?))
}

/// Sign out: the refresh token is revoked.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "已退出"))
)]
pub async fn post_logout(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let RefreshRequest { refresh_token } = body.parse()?;
    let now = db::now_utc();
    state
        .db(move |conn| {
            write_transaction(conn, |c| -> Result<(), ApiError> {
                refresh::revoke_by_token(c, &refresh_token, caller.user_id, now)?;
                let event = audit::Event::new("auth.logout", "user", caller.user_id).by(Some(&caller));
                audit::record(c, event, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    responses((status = 200, description = "当前用户", body = UserView))
)]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let user = state
        .db(move |conn| match users::find_by_id(conn, caller.user_id) {
            Ok(user) if user.active => Ok(user),
            Ok(_) | Err(db::RepoError::NotFound) => {
                Err(ApiError::Unauthorized { code: "unauthenticated", detail: "账号不存在或已停用" })
            }
            Err(e) => Err(e.into()),
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(user)))
}

pub(crate) fn user_view(u: User) -> UserView {
    view(u)
}

/// Change one's own password (any signed-in user, also one signed in with a one-time password):
/// the current password is checked (and counted like a sign-in: 5 wrong ones lock for 15
/// minutes), the new one must pass the password rules and differ from it. The account's other
/// sessions are revoked; this one stays.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "已修改"),
        (status = 422, description = "当前密码错误(`wrong_password`),或新密码太弱(`weak_password`)"),
        (status = 429, description = "失败次数过多,暂时锁定(`Retry-After`)"),
    )
)]
pub async fn post_me_password(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest { current_password, new_password } = body.parse()?;
    let id = caller.user_id;
    let now = db::now_utc();
    let (user, hash) = state.db(move |conn| Ok(users::find_with_hash(conn, id)?)).await?;
    let weak = |message: String| ApiError::Unprocessable {
        code: "weak_password",
        detail: message.clone(),
        errors: vec![FieldError::new("new_password", message)],
    };
    if new_password == current_password {
        return Err(weak("新密码不能与当前密码相同".into()));
    }
    match accounts::check_password(&new_password, &user.username, password::is_common) {
        Ok(()) => {}
        Err(e) if e.is_weak_password() => return Err(weak(e.to_string())),
        Err(e) => {
            return Err(ApiError::invalid(vec![FieldError::new("new_password", e.to_string())]));
        }
    }
    let key = throttle::username_key(&user.username);
    let client_ip = req.peer_addr().map(|a| a.ip().to_string());
    let lookup = key.clone();
    let slot = match state.db(move |conn| Ok(throttle::reserve(conn, &lookup, client_ip.as_deref(), now)?)).await? {
        Ok(slot) => slot,
        Err(until) => {
            let secs = u64::try_from((until - now).num_seconds()).unwrap_or(1).max(1);
            return Err(ApiError::TooManyRequests { retry_after_secs: secs });
        }
    };
    let checked = state
        .auth
        .hashing(move || {
            password::verify_password(&current_password, &hash)
                .then(|| password::hash_password(&new_password))
                .transpose()
        })
        .await;
    let new_hash = match checked {
        Ok(Ok(Some(new_hash))) => new_hash,
        Ok(Ok(None)) => {
            state.db(move |conn| Ok(throttle::fail(conn, slot, db::now_utc())?)).await?;
            return Err(ApiError::Unprocessable {
                code: "wrong_password",
                detail: "当前密码错误".into(),
                errors: vec![FieldError::new("current_password", "当前密码错误")],
            });
        }
        Ok(Err(e)) => return Err(ApiError::internal(e)),
        Err(e) => {
            state.db(move |conn| Ok(throttle::release(conn, slot)?)).await?;
            return Err(e);
        }
    };
    let session = caller.session.clone();
    state
        .db(move |conn| {
            write_transaction(conn, |c| -> Result<(), ApiError> {
                throttle::succeed(c, &key, slot)?;
                let after = users::set_password_hash(c, id, &new_hash, false, now)?;
                refresh::revoke_user_except(c, id, session.as_deref(), now)?;
                let event = audit::Event::new("user.password_change", "user", id).by(Some(&caller)).after(&after)?;
                audit::record(c, event, now)?;
                Ok(())
            })
        })
        .await?;
    state.auth.forget_status(id);
    Ok(HttpResponse::NoContent().finish())
}
