//! `POST /api/v1/subsidy/quote` (public): the subsidy calculator, R1–R6 of the policy in force.

use actix_web::{HttpResponse, web};
use dtpilot_api_types::{QuoteRequest, QuoteResponse};
use dtpilot_domain::quote::quote;

use crate::app::AppState;
use crate::error::ApiError;
use crate::routes::json::JsonBody;

pub async fn post_quote(state: web::Data<AppState>, body: JsonBody<QuoteRequest>) -> Result<HttpResponse, ApiError> {
    let JsonBody(request) = body;
    let q = quote(&state.profile, &request.into())
        .map_err(|errors| ApiError::invalid(errors.into_iter().map(Into::into).collect()))?;
    Ok(HttpResponse::Ok().json(QuoteResponse::from_quote(q, state.profile_label())))
}
