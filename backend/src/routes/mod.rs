//! The route table: one place lists every path. One module per resource.

pub mod auth;
pub mod health;
pub mod json;
pub mod quote;
pub mod reference;
pub mod users;

use actix_web::web;

/// Every route of the server.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::get_health)).service(
        web::scope("/api/v1")
            .route("/auth/login", web::post().to(auth::post_login))
            .route("/auth/refresh", web::post().to(auth::post_refresh))
            .route("/auth/logout", web::post().to(auth::post_logout))
            .route("/me", web::get().to(auth::get_me))
            .route("/users", web::post().to(users::post_user))
            .route("/subsidy/quote", web::post().to(quote::post_quote))
            .route("/reference", web::get().to(reference::get_reference))
            .route("/policy", web::get().to(reference::get_policy)),
    );
}
