//! `POST /api/v1/subsidy/quote` (public): the subsidy calculator, R1–R6 of the policy in force.

use actix_web::{HttpResponse, web};
use dtpilot_api_types::{QuoteRequest, QuoteResponse};
use dtpilot_domain::quote::quote;

use crate::app::AppState;
use crate::error::ApiError;
use crate::routes::json::JsonBody;

/// The subsidy calculator (R1–R6 of the policy in force): planned subsidy and prepayment from a
/// target level and planned investment; final subsidy, balance or recovery from the achieved level,
/// the eligible investment and what was paid so far. Each figure is `null` when not asked for.
#[utoipa::path(
    post,
    path = "/api/v1/subsidy/quote",
    tag = "public",
    request_body = QuoteRequest,
    responses((status = 200, description = "测算结果", body = QuoteResponse))
)]
pub async fn post_quote(state: web::Data<AppState>, body: JsonBody<QuoteRequest>) -> Result<HttpResponse, ApiError> {
    let request = body.parse()?;
    let q = quote(&state.profile, &request.into())
        .map_err(|errors| ApiError::invalid(errors.into_iter().map(Into::into).collect()))?;
    Ok(HttpResponse::Ok().json(QuoteResponse::from_quote(q, state.profile_label())))
}
