//! The signed-in caller, from the bearer token. Every protected handler takes a [`Caller`]; role
//! checks (403) go through [`Caller::require`], scope filters through the caller's fields.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;

use crate::app::AppState;
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
    pub county: Option<County>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
}

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(ApiError::forbidden()) }
    }
}

fn unauthenticated() -> ApiError {
    ApiError::Unauthorized { code: "unauthenticated", detail: "未登录或登录已过期,请重新登录" }
}

fn caller_from(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::internal("app state missing"))?;
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
    Ok(Caller { user_id, role, county, enterprise_id: claims.eid, provider_id: claims.pid })
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Caller, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller_from(req))
    }
}
