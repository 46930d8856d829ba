//! The route table: one place lists every path. One module per resource.

pub mod health;
pub mod json;
pub mod quote;
pub mod reference;

use actix_web::web;

/// Every route of the server.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::get_health)).service(
        web::scope("/api/v1")
            .route("/subsidy/quote", web::post().to(quote::post_quote))
            .route("/reference", web::get().to(reference::get_reference))
            .route("/policy", web::get().to(reference::get_policy)),
    );
}
