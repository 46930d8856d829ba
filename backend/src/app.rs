//! The actix-web application: shared state, middleware, the route table, and `serve`.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{App, HttpServer, middleware, web};
use dtpilot_domain::PolicyProfile;
use tracing_actix_web::TracingLogger;

use crate::auth::{Auth, JwtKeys};
use crate::db::{self, DbConn, DbPool};
use crate::error::ApiError;
use crate::routes;
use crate::security::SecurityHeaders;
use crate::settings::Settings;
use crate::static_files::StaticDir;

/// What every handler may use.
pub struct AppState {
    pub pool: DbPool,
    pub profile: Arc<PolicyProfile>,
    /// "sqlite" or "postgres".
    pub backend: &'static str,
    pub auth: Auth,
    /// `--data-dir`: uploaded files live under `files/` here (`crate::uploads`).
    pub data_dir: std::path::PathBuf,
    /// The headers every answer carries (`--hsts`), [`crate::security`].
    pub security: SecurityHeaders,
}

impl AppState {
    /// Run `f` with a pooled connection on the blocking pool (never on an async worker).
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(|e| ApiError::from(db::DbError::Pool(e)))?;
            f(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// `changzhi-2025@1`: the profile and version figures are computed under.
    pub fn profile_label(&self) -> String {
        format!("{}@{}", self.profile.id, self.profile.version)
    }
}

/// The application with all routes, for `serve` and for in-process tests.
pub fn build(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let security = state.security;
    App::new()
        .app_data(state)
        // A path segment that is not an id (`/enterprises/abc`) names nothing: 404 as problem+json.
        .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .wrap(TracingLogger::default())
        .configure(routes::configure)
        // Not a route: the SPA's files when `serve` gave a static dir (app data), else 404.
        .default_service(web::to(crate::static_files::fallback))
        // Outermost: every answer, errors and static files included, leaves with the headers.
        .wrap(middleware::from_fn(move |req, next| security.middleware(req, next)))
}

/// `--demo`: seed an empty database through the application itself ([`crate::demo`]) and print
/// the accounts; a database that already has users is left alone.
async fn seed_demo(state: &web::Data<AppState>) -> Result<(), String> {
    let users = state.db(|c| Ok(crate::users::count_users(c)?)).await.map_err(|e| e.to_string())?;
    if users > 0 {
        tracing::warn!(users, "--demo: the database already has users; demo data not generated");
        println!("演示数据未生成:数据库中已有 {users} 个账号 / demo skipped: the database already has users");
        return Ok(());
    }
    let summary = crate::demo::seed(state.clone()).await.map_err(|e| format!("演示数据生成失败 / demo failed: {e}"))?;
    tracing::info!(%summary, "demo data generated");
    println!("{}", summary.banner());
    Ok(())
}

/// `--demo` prints every demo account's password, and they are the same for all: on an address
/// other machines can reach, only when `--demo-public` says so. `bind` is checked as it resolves
/// (`0.0.0.0` and `::` are every address, not loopback).
pub fn check_demo_bind(bind: &str, demo: bool, demo_public: bool) -> Result<(), String> {
    if !demo || demo_public {
        return Ok(());
    }
    let addrs: Vec<std::net::SocketAddr> =
        std::net::ToSocketAddrs::to_socket_addrs(bind).map_err(|e| format!("无法解析监听地址 {bind}: {e}"))?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(format!(
            "--demo 会打印所有演示账号及其相同的密码,拒绝监听非本机(回环)地址 {bind};\
             确需在网络上公开演示,请另加 --demo-public / --demo prints every demo password: \
             refusing to listen on the non-loopback address {bind} without --demo-public"
        ));
    }
    Ok(())
}

/// Connect, migrate, bind and serve until stopped. Prints the address it listens on.
pub async fn serve(settings: Settings) -> Result<(), String> {
    // Before anything is touched.
    check_demo_bind(&settings.bind, settings.demo, settings.demo_public)?;
    let url = settings.database_url.clone();
    let pool_size = settings.pool_size;
    let (pool, backend, applied) = web::block(move || -> Result<_, String> {
        let pool = db::connect(&url, pool_size).map_err(|e| format!("无法连接数据库 {url}: {e}"))?;
        let applied = db::run_migrations(&pool).map_err(|e| format!("数据库迁移失败: {e}"))?;
        let conn = pool.get().map_err(|e| e.to_string())?;
        Ok((pool, db::backend_name(&conn), applied))
    })
    .await
    .map_err(|e| e.to_string())??;
    for name in &applied {
        tracing::info!(migration = %name, "migration applied");
    }
    let state = new_state(&settings, pool, backend)?;
    // Pools start right on a database that had approved projects before budgets existed.
    let profile = state.profile.clone();
    let filled = state
        .db(move |c| crate::db::write_transaction(c, |c| crate::budget::fill_commitments(c, &profile)))
        .await
        .map_err(|e| format!("预算占用初始化失败: {e}"))?;
    if filled > 0 {
        tracing::info!(projects = filled, "fund usage computed for projects approved before budgets");
    }
    // Uploads a crash left half-received (no upload takes an hour).
    match crate::uploads::FileStore::new(&state.data_dir).remove_stale_staging(std::time::Duration::from_secs(3600)) {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed stale upload staging files"),
        Err(e) => tracing::warn!(error = %e, "could not clean the upload staging directory"),
    }
    let listener = TcpListener::bind(&settings.bind).map_err(|e| format!("无法监听 {}: {e}", settings.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if settings.demo {
        // Before "listening" is printed and before anything is served (a connection made meanwhile
        // waits in the backlog): whoever waits for that line or for /healthz sees the whole demo.
        seed_demo(&state).await?;
    }
    tracing::info!(%addr, database = %settings.database_url, policy = %state.profile_label(), "dtpilot serving");
    println!("dtpilot listening on http://{addr}");
    let static_dir = web::Data::new(StaticDir(settings.static_dir));
    if !static_dir.0.join("index.html").is_file() {
        tracing::warn!(dir = %static_dir.0.display(), "no frontend here: build it with `cargo run -p xtask -- frontend`");
    }
    http_server(state, static_dir, listener)?.await.map_err(|e| e.to_string())
}

/// The state [`serve`] hands the application: the pool, the policy profile, the JWT keys and the
/// bound on concurrent password hashing (one per CPU). Public so `benches/load.rs` runs exactly it.
pub fn new_state(settings: &Settings, pool: DbPool, backend: &'static str) -> Result<web::Data<AppState>, String> {
    let keys = JwtKeys::load(settings.jwt_secret.clone(), &settings.data_dir, settings.access_ttl_secs)?;
    let hashes = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let auth = Auth::new(keys, hashes);
    Ok(web::Data::new(AppState {
        pool,
        profile: Arc::new(settings.profile.clone()),
        backend,
        auth,
        data_dir: settings.data_dir.clone(),
        security: SecurityHeaders { hsts: settings.hsts },
    }))
}

/// The HTTP server [`serve`] runs (actix's default workers, one per physical core) on `listener`;
/// it serves once awaited. Public so `benches/load.rs` measures exactly it.
pub fn http_server(
    state: web::Data<AppState>,
    static_dir: web::Data<StaticDir>,
    listener: TcpListener,
) -> Result<actix_web::dev::Server, String> {
    Ok(HttpServer::new(move || build(state.clone()).app_data(static_dir.clone()))
        .listen(listener)
        .map_err(|e| e.to_string())?
        .run())
}

#[cfg(test)]
mod tests {
    use super::check_demo_bind;

    #[test]
    fn the_demo_listens_on_loopback_unless_told_otherwise() {
        for bind in ["127.0.0.1:0", "[::1]:8080", "localhost:8080"] {
            assert_eq!(check_demo_bind(bind, true, false), Ok(()), "{bind}");
        }
        for bind in ["0.0.0.0:0", "[::]:8080", "192.0.2.1:8080"] {
            let refused = check_demo_bind(bind, true, false).expect_err(bind);
            assert!(refused.contains("--demo-public") && refused.contains(bind), "{refused}");
            assert_eq!(check_demo_bind(bind, true, true), Ok(()), "--demo-public: {bind}");
            assert_eq!(check_demo_bind(bind, false, false), Ok(()), "no demo: {bind}");
        }
    }
}
