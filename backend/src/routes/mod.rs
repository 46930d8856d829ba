//! The route table: one place lists every path. One module per resource.

pub mod audit;
pub mod auth;
pub mod batches;
pub mod enterprises;
pub mod health;
pub mod json;
pub mod notices;
pub mod payments;
pub mod projects;
pub mod providers;
pub mod query;
pub mod quote;
pub mod reference;
pub mod uploads_routes;
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
            .configure(audit::configure)
            .route("/enterprises", web::post().to(enterprises::post_enterprise))
            .route("/enterprises", web::get().to(enterprises::get_enterprises))
            .route("/enterprises/{id}", web::get().to(enterprises::get_enterprise))
            .route("/enterprises/{id}", web::patch().to(enterprises::patch_enterprise))
            .route("/enterprises/{id}/assignment", web::post().to(enterprises::post_assignment))
            .route("/enterprises/{id}/diagnoses", web::post().to(uploads_routes::post_diagnosis))
            .route("/enterprises/{id}/diagnoses", web::get().to(uploads_routes::get_diagnoses))
            .route("/diagnoses/{id}/file", web::get().to(uploads_routes::get_diagnosis_file))
            .route("/providers", web::post().to(providers::post_provider))
            .route("/providers", web::get().to(providers::get_providers))
            .route("/providers/{id}", web::get().to(providers::get_provider))
            .route("/providers/{id}", web::patch().to(providers::patch_provider))
            .route("/batches", web::post().to(batches::post_batch))
            .route("/batches", web::get().to(batches::get_batches))
            .route("/batches/{id}", web::get().to(batches::get_batch))
            .route("/batches/{id}/enterprises", web::post().to(batches::post_batch_enterprises))
            .route("/projects", web::post().to(projects::post_project))
            .route("/projects", web::get().to(projects::get_projects))
            .route("/projects/{id}", web::get().to(projects::get_project))
            .route("/projects/{id}/submit", web::post().to(projects::post_submit))
            .route("/projects/{id}/county-review", web::post().to(projects::post_county_review))
            .route("/projects/{id}/city-review", web::post().to(projects::post_city_review))
            .route("/projects/{id}/expenses", web::post().to(projects::post_expense))
            .route("/projects/{id}/complete", web::post().to(projects::post_complete))
            .route("/projects/{id}/evaluation", web::post().to(uploads_routes::post_evaluation))
            .route("/projects/{id}/cancel", web::post().to(projects::post_cancel))
            .route("/notices", web::post().to(notices::post_notice))
            .route("/notices/{id}/close", web::post().to(notices::post_close_notice))
            .route("/payments", web::get().to(payments::get_payments))
            .route("/payments/{id}/approve", web::post().to(payments::post_approve))
            .route("/payments/{id}/execute", web::post().to(payments::post_execute))
            .route("/subsidy/quote", web::post().to(quote::post_quote))
            .route("/reference", web::get().to(reference::get_reference))
            .route("/policy", web::get().to(reference::get_policy)),
    );
}
