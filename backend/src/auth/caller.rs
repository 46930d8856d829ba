//! The signed-in caller, from the bearer token. Every protected handler takes a [`Caller`]; role
//! checks (403) go through [`Caller::require`], scope filters through the caller's fields.
//!
//! Besides the token's signature and expiry, every request checks the account itself (SPEC §9.2):
//! a deactivated or deleted account, or one whose role or scope changed since the token was
//! issued, answers 401; an account signed in with a one-time password answers 403
//! `password_change_required` everywhere but `POST /me/password` and logout. The check is one
//! primary-key read, cached for [`super::STATUS_TTL`] and forgotten at once when this server
//! changes the account.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;
use futures_util::future::LocalBoxFuture;

use crate::app::AppState;
use crate::error::ApiError;
use crate::users::AccountStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
    pub county: Option<County>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    /// The sign-in (refresh-token family) of the access token, when it names one.
    pub session: Option<String>,
}

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(ApiError::forbidden()) }
    }
}

/// The paths an account with a one-time password may still call.
pub const WHILE_PASSWORD_CHANGE_REQUIRED: [&str; 2] = ["/api/v1/me/password", "/api/v1/auth/logout"];

fn unauthenticated() -> ApiError {
    ApiError::Unauthorized { code: "unauthenticated", detail: "未登录或登录已过期,请重新登录" }
}

fn caller_from(req: &HttpRequest) -> Result<(web::Data<AppState>, Caller), ApiError> {
    let state =
        req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| ApiError::internal("app state missing"))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthenticated)?;
    let claims = state.auth.keys.verify(token.trim()).ok_or_else(unauthenticated)?;
    let user_id = claims.sub.parse().map_err(|_| unauthenticated())?;
    let role = Role::from_code(&claims.role).ok_or_else(unauthenticated)?;
    let county = match claims.county.as_deref() {
        Some(code) => Some(County::from_code(code).ok_or_else(unauthenticated)?),
        None => None,
    };
    let caller =
        Caller { user_id, role, county, enterprise_id: claims.eid, provider_id: claims.pid, session: claims.sid };
    Ok((state, caller))
}

/// Pure: may this token's caller, whose account is now `status`, call `path`?
pub fn admit(caller: &Caller, status: Option<&AccountStatus>, path: &str) -> Result<(), ApiError> {
    let Some(status) = status.filter(|s| s.active) else {
        return Err(ApiError::Unauthorized { code: "unauthenticated", detail: "账号不存在或已停用" });
    };
    let same = status.role == caller.role.code()
        && status.county.as_deref() == caller.county.map(County::code)
        && status.enterprise_id == caller.enterprise_id
        && status.provider_id == caller.provider_id;
    if !same {
        return Err(ApiError::Unauthorized {
            code: "unauthenticated", detail: "账号权限已变更,请重新登录"
        });
    }
    if status.must_change_password && !WHILE_PASSWORD_CHANGE_REQUIRED.contains(&path) {
        return Err(ApiError::PasswordChangeRequired);
    }
    Ok(())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = caller_from(req);
        let path = req.path().to_string();
        Box::pin(async move {
            let (state, caller) = parsed?;
            let status = match state.auth.cached_status(caller.user_id) {
                Some(status) => status,
                None => {
                    let id = caller.user_id;
                    let epoch = state.auth.status_epoch();
                    let status = state.db(move |conn| Ok(crate::users::account_status(conn, id)?)).await?;
                    state.auth.remember_status(id, status.clone(), epoch);
                    status
                }
            };
            admit(&caller, status.as_ref(), &path)?;
            Ok(caller)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn county_caller() -> Caller {
        Caller {
            user_id: 7,
            role: Role::County,
            county: Some(County::Luzhou),
            enterprise_id: None,
            provider_id: None,
            session: None,
        }
    }

    fn status(active: bool, must_change_password: bool, role: &str, county: Option<&str>) -> AccountStatus {
        AccountStatus {
            active,
            must_change_password,
            role: role.into(),
            county: county.map(str::to_string),
            enterprise_id: None,
            provider_id: None,
        }
    }

    fn code(r: Result<(), ApiError>) -> Option<(u16, String)> {
        r.err().map(|e| {
            let p = e.problem();
            (p.status, p.code)
        })
    }

    #[test]
    fn the_account_behind_a_token_decides() {
        let c = county_caller();
        let unauthenticated = Some((401, "unauthenticated".to_string()));
        assert_eq!(code(admit(&c, Some(&status(true, false, "county", Some("luzhou"))), "/api/v1/enterprises")), None);
        // Deleted, deactivated, or re-roled / re-scoped since the token was issued: 401.
        assert_eq!(code(admit(&c, None, "/api/v1/me")), unauthenticated);
        assert_eq!(
            code(admit(&c, Some(&status(false, false, "county", Some("luzhou"))), "/api/v1/me")),
            unauthenticated
        );
        assert_eq!(code(admit(&c, Some(&status(true, false, "city", None)), "/api/v1/me")), unauthenticated);
        assert_eq!(
            code(admit(&c, Some(&status(true, false, "county", Some("tunliu"))), "/api/v1/me")),
            unauthenticated
        );
        // A one-time password: only the password change and logout.
        let once = status(true, true, "county", Some("luzhou"));
        for path in ["/api/v1/me", "/api/v1/enterprises", "/api/v1/users/7/password"] {
            assert_eq!(
                code(admit(&c, Some(&once), path)),
                Some((403, "password_change_required".to_string())),
                "{path}"
            );
        }
        for path in WHILE_PASSWORD_CHANGE_REQUIRED {
            assert_eq!(code(admit(&c, Some(&once), path)), None, "{path}");
        }
    }
}
