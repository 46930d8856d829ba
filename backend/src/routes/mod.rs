//! The route table: one list of every route, as data. One module per resource.
//!
//! [`route_table!`] expands the list below into
//! - [`configure`]: the actix registrations (the only place a handler is bound to a path),
//! - [`ROUTES`]: the same list as [`RouteInfo`] values (method, path, who may call it, what its
//!   `{id}` names) for the OpenAPI document ([`crate::openapi`]) and the authorization matrix test
//!   (`tests/blackbox_matrix.rs`),
//! - [`RoutePaths`]: the OpenAPI paths of every handler, so a handler without `#[utoipa::path]`
//!   does not compile.
//!
//! `who` says what SPEC §1/§7 allow and what the handler's `caller.require(…)` enforces:
//! [`Who::Public`] (no token), [`Who::AnySignedIn`] (every role; what each sees is scoped, so an
//! object outside the caller's scope answers 404) or [`Who::Roles`] (other roles answer 403; the
//! listed roles are still scoped). Adding a route means one line here, a `#[utoipa::path]` on the
//! handler, and — if its `{id}` names a new kind of object — a new [`PathId`] variant, which the
//! matrix test must then learn (its `match` on `PathId` is exhaustive).

pub mod audit;
pub mod auth;
pub mod batches;
pub mod catalogue;
pub mod dashboard;
pub mod docs;
pub mod enterprises;
pub mod exports;
pub mod findings;
pub mod health;
pub mod imports;
pub mod interpretations;
pub mod json;
pub mod ledger;
pub mod notices;
pub mod payments;
pub mod projects;
pub mod providers;
pub mod query;
pub mod quote;
pub mod reference;
pub mod reports;
pub mod uploads_routes;
pub mod users;
pub mod users_bulk;

use actix_web::web;
use dtpilot_domain::state::Role;

use Who::{AnySignedIn, Public, Roles};

/// An HTTP method of the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }

    fn route(self) -> actix_web::Route {
        match self {
            Method::Get => web::get(),
            Method::Post => web::post(),
            Method::Patch => web::patch(),
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// No token needed (SPEC §7 "public").
    Public,
    /// Every signed-in role (401 without a token); answers are scoped to the caller, and an object
    /// outside the caller's scope answers 404.
    AnySignedIn,
    /// Only these roles: another signed-in role answers 403 (before anything about the object is
    /// looked up); the listed roles are scoped like [`Who::AnySignedIn`].
    Roles(&'static [Role]),
}

impl Who {
    /// May a caller of `role` pass the role check?
    pub fn allows(self, role: Role) -> bool {
        match self {
            Who::Public | Who::AnySignedIn => true,
            Who::Roles(roles) => roles.contains(&role),
        }
    }

    pub fn needs_token(self) -> bool {
        self != Who::Public
    }
}

/// What the `{id}` of a route's path names (the scope rule that applies to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathId {
    /// The path has no `{id}`.
    None,
    /// An enterprise (scoped: city all, county its county, enterprise itself, provider assigned).
    Enterprise,
    /// A provider of the pool (readable by every signed-in user).
    Provider,
    /// A batch (readable by every signed-in user).
    Batch,
    /// A retrofit project (scoped: `crate::scope::projects`).
    Project,
    /// A public notice (city only).
    Notice,
    /// A payment instruction (scoped: `crate::scope::payments`).
    Payment,
    /// A diagnosis report (scoped by its enterprise).
    Diagnosis,
    /// A 小快轻准 product (approved: every signed-in user; pending or rejected: its provider and the city).
    Product,
    /// An account (admin every account; city the roles it may change, else 403).
    User,
}

/// One route of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    /// The full path as registered and documented (`/api/v1/enterprises/{id}`).
    pub path: &'static str,
    pub who: Who,
    pub id: PathId,
    /// `module::function` of the handler.
    pub handler: &'static str,
}

/// One line per route: `METHOD "path" => module::handler, who, what {id} names;`.
macro_rules! route_table {
    ($($method:ident $path:literal => $module:ident::$handler:ident, $who:expr, $id:ident;)*) => {
        /// Every route of the server, in registration order.
        pub const ROUTES: &[RouteInfo] = &[$(RouteInfo {
            method: Method::$method,
            path: $path,
            who: $who,
            id: PathId::$id,
            handler: concat!(stringify!($module), "::", stringify!($handler)),
        },)*];

        /// Binds every handler of [`ROUTES`] to its path.
        fn register_routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, Method::$method.route().to($module::$handler));)*
        }

        /// The `#[utoipa::path]` of every handler of [`ROUTES`] (see [`crate::openapi::document`]).
        #[derive(utoipa::OpenApi)]
        #[openapi(paths($($module::$handler),*))]
        pub struct RoutePaths;
    };
}

route_table! {
    Get   "/healthz"                                   => health::get_health,                   Public, None;
    Get   "/api/openapi.json"                          => docs::get_openapi_json,               Public, None;
    Get   "/api/docs"                                  => docs::get_docs,                       Public, None;
    Post  "/api/v1/auth/login"                         => auth::post_login,                     Public, None;
    Post  "/api/v1/auth/refresh"                       => auth::post_refresh,                   Public, None;
    Post  "/api/v1/auth/logout"                        => auth::post_logout,                    AnySignedIn, None;
    Get   "/api/v1/me"                                 => auth::get_me,                         AnySignedIn, None;
    Post  "/api/v1/users"                              => users::post_user,                     Roles(&[Role::Admin, Role::City, Role::County]), None;
    Post  "/api/v1/users/bulk"                         => users_bulk::post_users_bulk,          Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/users"                              => users::get_users,                     Roles(&[Role::Admin, Role::City]), None;
    Patch "/api/v1/users/{id}"                         => users::patch_user,                    Roles(&[Role::Admin, Role::City]), User;
    Post  "/api/v1/users/{id}/password"                => users::post_user_password,            Roles(&[Role::Admin, Role::City]), User;
    Post  "/api/v1/me/password"                        => auth::post_me_password,               AnySignedIn, None;
    Get   "/api/v1/audit"                              => audit::get_audit_events,              Roles(&[Role::City, Role::Admin]), None;
    Get   "/api/v1/audit/verify"                       => audit::get_audit_verification,        Roles(&[Role::City, Role::Admin]), None;
    Post  "/api/v1/enterprises"                        => enterprises::post_enterprise,         Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/enterprises"                        => enterprises::get_enterprises,         AnySignedIn, None;
    Get   "/api/v1/enterprises/{id}"                   => enterprises::get_enterprise,          AnySignedIn, Enterprise;
    Patch "/api/v1/enterprises/{id}"                   => enterprises::patch_enterprise,        Roles(&[Role::City, Role::County, Role::Enterprise]), Enterprise;
    Post  "/api/v1/enterprises/{id}/assignment"        => enterprises::post_assignment,         Roles(&[Role::City, Role::County]), Enterprise;
    Post  "/api/v1/enterprises/{id}/diagnoses"         => uploads_routes::post_diagnosis,       Roles(&[Role::Provider]), Enterprise;
    Get   "/api/v1/enterprises/{id}/diagnoses"         => uploads_routes::get_diagnoses,        AnySignedIn, Enterprise;
    Get   "/api/v1/diagnoses/{id}/file"                => uploads_routes::get_diagnosis_file,   AnySignedIn, Diagnosis;
    Post  "/api/v1/providers"                          => providers::post_provider,             Roles(&[Role::City]), None;
    Get   "/api/v1/providers"                          => providers::get_providers,             AnySignedIn, None;
    Get   "/api/v1/providers/evaluations"              => catalogue::get_provider_evaluations,  Roles(&[Role::City, Role::Provider]), None;
    Post  "/api/v1/providers/evaluations/suspensions"  => catalogue::post_suspend_below_threshold, Roles(&[Role::City]), None;
    Post  "/api/v1/providers/{id}/evaluations"         => catalogue::post_provider_evaluation,  Roles(&[Role::City]), Provider;
    Get   "/api/v1/providers/{id}"                     => providers::get_provider,              AnySignedIn, Provider;
    Patch "/api/v1/providers/{id}"                     => providers::patch_provider,            Roles(&[Role::City]), Provider;
    Post  "/api/v1/batches"                            => batches::post_batch,                  Roles(&[Role::City]), None;
    Get   "/api/v1/batches"                            => batches::get_batches,                 AnySignedIn, None;
    Get   "/api/v1/batches/{id}"                       => batches::get_batch,                   AnySignedIn, Batch;
    Post  "/api/v1/batches/{id}/enterprises"           => batches::post_batch_enterprises,      Roles(&[Role::City]), Batch;
    Get   "/api/v1/batches/{id}/progress"              => reports::get_batch_progress,          Roles(&[Role::City, Role::County]), Batch;
    Get   "/api/v1/reports/weekly"                     => reports::get_weekly_report,           Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/reports/monthly"                    => reports::get_monthly_report,          Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/imports/enterprises/template.xlsx"  => imports::get_import_template,         Roles(&[Role::City, Role::County]), None;
    Post  "/api/v1/imports/enterprises"                => imports::post_enterprise_import,      Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/imports/enterprises"                => imports::get_enterprise_imports,      Roles(&[Role::City, Role::County]), None;
    Post  "/api/v1/projects"                           => projects::post_project,               Roles(&[Role::Enterprise]), None;
    Get   "/api/v1/projects"                           => projects::get_projects,               AnySignedIn, None;
    Get   "/api/v1/projects/{id}"                      => projects::get_project,                AnySignedIn, Project;
    Post  "/api/v1/projects/{id}/submit"               => projects::post_submit,                Roles(&[Role::Enterprise]), Project;
    Post  "/api/v1/projects/{id}/county-review"        => projects::post_county_review,         Roles(&[Role::County]), Project;
    Post  "/api/v1/projects/{id}/city-review"          => projects::post_city_review,           Roles(&[Role::City]), Project;
    Post  "/api/v1/projects/{id}/expenses"             => projects::post_expense,               Roles(&[Role::Enterprise]), Project;
    Get   "/api/v1/projects/{id}/expenses"             => projects::get_expenses,               AnySignedIn, Project;
    Post  "/api/v1/projects/{id}/complete"             => projects::post_complete,              Roles(&[Role::Enterprise]), Project;
    Post  "/api/v1/projects/{id}/evaluation"           => uploads_routes::post_evaluation,      Roles(&[Role::Evaluator]), Project;
    Get   "/api/v1/projects/{id}/evaluation/file"      => uploads_routes::get_evaluation_file,  AnySignedIn, Project;
    Post  "/api/v1/projects/{id}/cancel"               => projects::post_cancel,                Roles(&[Role::City]), Project;
    Post  "/api/v1/notices"                            => notices::post_notice,                 Roles(&[Role::City]), None;
    Get   "/api/v1/notices"                            => notices::get_notices,                 Roles(&[Role::City, Role::County]), None;
    Post  "/api/v1/notices/{id}/close"                 => notices::post_close_notice,           Roles(&[Role::City]), Notice;
    Post  "/api/v1/notices/{id}/objections"            => notices::post_objection,              Roles(&[Role::City]), Notice;
    Get   "/api/v1/payments"                           => payments::get_payments,               AnySignedIn, None;
    Post  "/api/v1/payments/{id}/approve"              => payments::post_approve,               Roles(&[Role::City]), Payment;
    Post  "/api/v1/payments/{id}/execute"              => payments::post_execute,               Roles(&[Role::Finance]), Payment;
    Post  "/api/v1/enterprises/{id}/cloud-fees"        => ledger::post_cloud_fee,               Roles(&[Role::Enterprise, Role::City]), Enterprise;
    Get   "/api/v1/enterprises/{id}/cloud-fees"        => ledger::get_cloud_fees,               AnySignedIn, Enterprise;
    Post  "/api/v1/awards"                             => ledger::post_award,                   Roles(&[Role::City]), None;
    Get   "/api/v1/awards"                             => ledger::get_awards,                   Roles(&[Role::City, Role::Finance, Role::Enterprise, Role::Provider]), None;
    Post  "/api/v1/findings"                           => findings::post_finding,               Roles(&[Role::City]), None;
    Get   "/api/v1/findings"                           => findings::get_findings,               Roles(&[Role::City, Role::Finance, Role::County]), None;
    Post  "/api/v1/budgets"                            => ledger::post_budget,                  Roles(&[Role::City]), None;
    Get   "/api/v1/budgets"                            => ledger::get_budgets,                  Roles(&[Role::City, Role::Finance]), None;
    Get   "/api/v1/dashboard"                          => dashboard::get_dashboard,             AnySignedIn, None;
    Get   "/api/v1/exports/projects"                   => exports::get_projects_export,         Roles(&[Role::City, Role::Finance, Role::County, Role::Enterprise, Role::Provider, Role::Evaluator]), None;
    Get   "/api/v1/exports/payments"                   => exports::get_payments_export,         Roles(&[Role::City, Role::Finance, Role::County, Role::Enterprise, Role::Provider]), None;
    Get   "/api/v1/exports/notices"                    => exports::get_notices_export,          Roles(&[Role::City, Role::County]), None;
    Get   "/api/v1/evaluation-scheme"                  => catalogue::get_evaluation_scheme,     Public, None;
    Post  "/api/v1/products"                           => catalogue::post_product,              Roles(&[Role::Provider]), None;
    Get   "/api/v1/products"                           => catalogue::get_products,              AnySignedIn, None;
    Get   "/api/v1/products/{id}"                      => catalogue::get_product,               AnySignedIn, Product;
    Post  "/api/v1/products/{id}/review"               => catalogue::post_product_review,       Roles(&[Role::City]), Product;
    Post  "/api/v1/projects/{id}/products"             => catalogue::post_project_product,      Roles(&[Role::Enterprise]), Project;
    Post  "/api/v1/subsidy/quote"                      => quote::post_quote,                    Public, None;
    Get   "/api/v1/reference"                          => reference::get_reference,             Public, None;
    Get   "/api/v1/policy"                             => reference::get_policy,                Public, None;
    Get   "/api/v1/policy/interpretations"             => interpretations::get_interpretations, Roles(&[Role::City, Role::Finance, Role::County]), None;
    Post  "/api/v1/policy/interpretations/{key}/confirm" => interpretations::post_interpretation_confirmation, Roles(&[Role::City]), None;
}

/// Every route of the server: the table above, plus the Swagger UI's static files under
/// `/api/docs/` (compiled into the binary; the page loads nothing from elsewhere).
pub fn configure(cfg: &mut web::ServiceConfig) {
    register_routes(cfg);
    cfg.app_data(web::Data::new(docs::ApiDocument::generate())).service(docs::swagger_ui());
}

/// The route of `method` and `path`, if the table has it.
pub fn find(method: Method, path: &str) -> Option<&'static RouteInfo> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_table_is_consistent() {
        let mut seen = HashSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.path)), "{} {} twice", r.method.as_str(), r.path);
            assert_eq!(
                r.path.contains("{id}"),
                r.id != PathId::None,
                "{} {}: {{id}} and PathId disagree",
                r.method.as_str(),
                r.path
            );
            assert!(r.path == "/healthz" || r.path.starts_with("/api/"), "{}", r.path);
            if let Who::Roles(roles) = r.who {
                assert!(!roles.is_empty(), "{}: a role list must name a role", r.path);
            }
        }
        assert_eq!(
            find(Method::Post, "/api/v1/users").map(|r| r.who),
            Some(Roles(&[Role::Admin, Role::City, Role::County]))
        );
    }
}
