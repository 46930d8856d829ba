//! The database layer: one connection type over SQLite or PostgreSQL (chosen by the URL's scheme,
//! SPEC §8), an r2d2 pool, the embedded migrations of each dialect, and the repository error.
//!
//! - [`DatabaseUrl::parse`] reads `sqlite:PATH`, `sqlite://PATH`, a plain path, `postgres://…` or
//!   `postgresql://…`; any other scheme is a start-up error. Its `Display`/`Debug` never print a
//!   password.
//! - [`connect`] builds the pool. SQLite connections get `foreign_keys=ON`, `journal_mode=WAL`,
//!   `busy_timeout=5000` and `synchronous=FULL` (this is money); PostgreSQL sessions run in UTC.
//! - [`run_migrations`] applies `migrations/sqlite` or `migrations/postgres` (same names, dialect
//!   SQL), both embedded in the binary.
//! - [`write_transaction`] is the transaction for writes: `BEGIN IMMEDIATE` on SQLite, so two
//!   writers queue on the busy timeout instead of failing on a lock upgrade.
//! - Repositories return [`RepoError`]: unique violations are recognised by
//!   [`DatabaseErrorKind::UniqueViolation`], never by message text.

pub mod schema;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{CustomizeConnection, HandleError, ManageConnection, Pool, R2D2Connection};
use diesel::result::{ConnectionError, DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to either database. Queries written against the shared [`schema`] run on both;
/// dialect-specific work matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// The connection pool handed to the application.
pub type DbPool = Pool<Manager>;

/// A connection checked out of the pool (derefs to [`DbConn`]).
pub type PooledConn = diesel::r2d2::PooledConnection<Manager>;

/// How long `pool.get()` waits for a connection, and how long a new PostgreSQL connection may take:
/// a dead database fails fast.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// `libpq`'s `connect_timeout`, added to a PostgreSQL URL that does not set one.
const PG_CONNECT_TIMEOUT_SECS: u64 = 5;

/// Applied to every new SQLite connection. `busy_timeout` first, so the switch to WAL can wait
/// for another connection's lock.
const SQLITE_PRAGMAS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

/// Applied to every new PostgreSQL connection: timestamps are UTC throughout.
const POSTGRES_SETUP: &str = "SET TIME ZONE 'UTC';";

/// Held while migrating PostgreSQL, so two servers starting together do not both migrate.
const PG_MIGRATION_LOCK: &str = "SELECT pg_advisory_lock(4120254339031126017);";
const PG_MIGRATION_UNLOCK: &str = "SELECT pg_advisory_unlock(4120254339031126017);";

/// The migrations of each dialect (same folder names in both; see the `db` test).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Which database a URL or connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `"postgres"` or `"sqlite"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }

    pub fn of(conn: &DbConn) -> Backend {
        match conn {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `"sqlite"` or `"postgres"`.
pub fn backend_name(conn: &DbConn) -> &'static str {
    Backend::of(conn).name()
}

/// What can go wrong setting up or reaching the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error("invalid pool configuration: {0}")]
    BadConfig(&'static str),
    #[error("cannot create the database directory {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot connect to {url}: {source}")]
    Connect { url: String, source: ConnectionError },
    #[error("cannot set up the connection to {url}: {source}")]
    Setup { url: String, source: DieselError },
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database query failed: {0}")]
    Query(#[from] DieselError),
}

/// A repository's answer when it cannot give what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// No such row (in the caller's scope) → 404.
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write; names what is duplicated (e.g. `username`) → 409.
    #[error("conflict: {0} already exists")]
    Conflict(String),
    /// The row changed since the caller read it (optimistic `version`) → 409.
    #[error("stale version")]
    Stale,
    /// Anything else → 500 (logged once, never shown).
    #[error("database error: {0}")]
    Db(DieselError),
}

impl From<DieselError> for RepoError {
    /// `NotFound` → [`RepoError::NotFound`]; a unique violation → [`RepoError::Conflict`] naming
    /// the constraint where the database tells it (PostgreSQL does, SQLite does not). Repositories
    /// that know what is duplicated use [`RepoError::unique_as`] instead.
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => RepoError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                RepoError::Conflict(info.constraint_name().unwrap_or("unique constraint").to_string())
            }
            other => RepoError::Db(other),
        }
    }
}

impl RepoError {
    /// A mapper for a write that can only violate one unique constraint: that violation becomes
    /// `Conflict(what)`, the rest maps as `From` does.
    pub fn unique_as(what: &str) -> impl FnOnce(DieselError) -> RepoError + '_ {
        move |e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => RepoError::Conflict(what.to_string()),
            other => RepoError::from(other),
        }
    }
}

/// Where the database is (SPEC §8 `--database-url`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file; its directory is created when missing.
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL, passed to libpq (scheme lower-cased).
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite:PATH`, `sqlite://PATH` or a plain path → SQLite; `postgres://…` / `postgresql://…`
    /// → PostgreSQL; any other scheme is refused. Schemes are case-insensitive.
    pub fn parse(s: &str) -> Result<DatabaseUrl, DbError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DbError::BadUrl("empty database URL".into()));
        }
        if let Some((scheme, rest)) = s.split_once("://").filter(|(scheme, _)| is_scheme(scheme)) {
            return match scheme.to_ascii_lowercase().as_str() {
                "sqlite" => sqlite_path(rest),
                "postgres" | "postgresql" => {
                    Ok(DatabaseUrl::Postgres(format!("{}://{rest}", scheme.to_ascii_lowercase())))
                }
                other => Err(DbError::BadUrl(format!(
                    "unknown scheme `{other}://` (use sqlite:PATH, sqlite://PATH, a plain path, postgres://… or postgresql://…)"
                ))),
            };
        }
        if let Some((scheme, rest)) = s.split_once(':').filter(|(scheme, _)| is_scheme(scheme)) {
            if scheme.eq_ignore_ascii_case("sqlite") {
                return sqlite_path(rest);
            }
            // `C:\…` stays a path; `mysql:x`, `file:x.db` (an SQLite URI) and the like are refused
            // rather than silently becoming odd file names.
            if scheme.len() > 1 {
                return Err(DbError::BadUrl(format!(
                    "unknown scheme `{}:` (use sqlite:PATH, sqlite://PATH, a plain path, postgres://… or postgresql://…)",
                    scheme.to_ascii_lowercase()
                )));
            }
        }
        sqlite_path(s)
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = DbError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DatabaseUrl::parse(s)
    }
}

/// RFC 3986 scheme: a letter, then letters, digits, `+`, `-`, `.`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn sqlite_path(path: &str) -> Result<DatabaseUrl, DbError> {
    if path.is_empty() {
        return Err(DbError::BadUrl("empty SQLite path".into()));
    }
    if path == ":memory:" {
        return Err(DbError::BadUrl(
            "in-memory SQLite is not supported (every pooled connection would see its own database)".into(),
        ));
    }
    Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
}

impl fmt::Display for DatabaseUrl {
    /// The URL for logs and messages, with any password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// `scheme://user:secret@host/db?password=x` → `scheme://user:***@host/db?password=***`.
/// Errs on the side of hiding: everything between the user name and the last `@` is replaced.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let mut out = format!("{scheme}://");
    let after_userinfo = match rest.rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    out.push_str(user);
                    out.push_str(":***@");
                }
                None => {
                    out.push_str(userinfo);
                    out.push('@');
                }
            }
            &rest[at + 1..]
        }
        None => rest,
    };
    match after_userinfo.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let params: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            out.push_str(&params.join("&"));
        }
        None => out.push_str(after_userinfo),
    }
    out
}

/// Adds libpq's `connect_timeout` unless the URL sets one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={PG_CONNECT_TIMEOUT_SECS}")
}

/// The string handed to `establish`: an absolute SQLite path (so it can never be read as a libpq
/// conninfo or an SQLite `file:` URI) whose directory exists, or the PostgreSQL URL with a timeout.
fn connection_target(url: &DatabaseUrl) -> Result<String, DbError> {
    match url {
        DatabaseUrl::Sqlite(path) => {
            let abs = std::path::absolute(path).map_err(|source| DbError::CreateDir { path: path.clone(), source })?;
            if let Some(dir) = abs.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|source| DbError::CreateDir { path: dir.to_path_buf(), source })?;
            }
            abs.to_str()
                .map(str::to_string)
                .ok_or_else(|| DbError::BadUrl(format!("SQLite path is not UTF-8: {}", abs.display())))
        }
        DatabaseUrl::Postgres(u) => Ok(with_connect_timeout(u)),
    }
}

/// Establishes a connection of exactly the URL's kind. (`DbConn::establish`, derived, tries each
/// backend in turn and reports only "invalid connection url".)
fn establish(target: &str, backend: Backend) -> Result<DbConn, ConnectionError> {
    match backend {
        Backend::Postgres => PgConnection::establish(target).map(DbConn::Postgresql),
        Backend::Sqlite => SqliteConnection::establish(target).map(DbConn::Sqlite),
    }
}

/// The pool's connection manager: opens connections of exactly the URL's kind (diesel's
/// `ConnectionManager<DbConn>` would try PostgreSQL, then SQLite, with whatever string it is given).
#[derive(Debug)]
pub struct Manager {
    target: String,
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        establish(&self.target, self.backend).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

diesel::define_sql_function! {
    /// `dtpilot_domain::invoice::invoice_key` on SQLite (which has no NFKC of its own): the
    /// migration `…_money_rules` keys the invoices already recorded with it.
    fn dtpilot_invoice_key(invoice_no: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Per-connection settings (pragmas / session time zone; SQLite: the SQL functions it lacks).
fn setup_connection(conn: &mut DbConn) -> Result<(), DieselError> {
    match conn {
        DbConn::Sqlite(c) => {
            dtpilot_invoice_key_utils::register_impl(c, |no: String| dtpilot_domain::invoice::invoice_key(&no))?;
            c.batch_execute(SQLITE_PRAGMAS)
        }
        DbConn::Postgresql(c) => c.batch_execute(POSTGRES_SETUP),
    }
}

/// Runs [`setup_connection`] on every connection the pool opens.
#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConn) -> Result<(), diesel::r2d2::Error> {
        setup_connection(conn).map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Reports the pool's background connection failures through `tracing` (r2d2's default uses `log`).
#[derive(Debug)]
struct TracingErrorHandler;

impl HandleError<diesel::r2d2::Error> for TracingErrorHandler {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::warn!(error = %error, "database connection failed");
    }
}

/// Builds the pool (at most `max_size` connections, at least 1). One connection is opened and set
/// up first, so a wrong path, an unreachable server or a missing database is reported with the
/// real cause, within [`CONNECTION_TIMEOUT`].
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, DbError> {
    if max_size == 0 {
        return Err(DbError::BadConfig("the pool needs at least one connection"));
    }
    let backend = url.backend();
    let target = connection_target(url)?;

    let mut probe = establish(&target, backend).map_err(|source| DbError::Connect { url: url.to_string(), source })?;
    setup_connection(&mut probe).map_err(|source| DbError::Setup { url: url.to_string(), source })?;
    drop(probe);

    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(CONNECTION_TIMEOUT)
        .test_on_check_out(true)
        .connection_customizer(Box::new(ConnectionSetup))
        .error_handler(Box::new(TracingErrorHandler))
        .build(Manager { target, backend })
        .map_err(DbError::Pool)
}

/// `SELECT 1` on a pooled connection (`GET /healthz`). Fails when the database is gone.
pub fn ping(pool: &DbPool) -> Result<(), DbError> {
    let mut conn = pool.get()?;
    conn.batch_execute("SELECT 1")?;
    Ok(())
}

/// Now, in UTC, at the microsecond precision both databases keep (so a value reads back equal).
pub fn now_utc() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

fn migration_error(e: impl fmt::Display) -> DbError {
    DbError::Migration(e.to_string())
}

fn apply_pending<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, DbError>
where
    DB: diesel::backend::Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
{
    let pending = conn.pending_migrations(source).map_err(migration_error)?;
    let mut applied = Vec::with_capacity(pending.len());
    for migration in &pending {
        let name = migration.name().to_string();
        conn.run_migration(migration.as_ref()).map_err(|e| DbError::Migration(format!("{name}: {e}")))?;
        applied.push(name);
    }
    Ok(applied)
}

fn revert_applied<DB, C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, DbError>
where
    DB: diesel::backend::Backend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
{
    let known = diesel::migration::MigrationSource::<DB>::migrations(&source).map_err(migration_error)?;
    // Newest first.
    let applied = conn.applied_migrations().map_err(migration_error)?;
    let mut reverted = Vec::with_capacity(applied.len());
    for version in applied {
        let migration = known
            .iter()
            .find(|m| m.name().version() == version)
            .ok_or_else(|| DbError::Migration(format!("applied migration {version} is not in this binary")))?;
        let name = migration.name().to_string();
        conn.revert_migration(migration.as_ref()).map_err(|e| DbError::Migration(format!("{name}: {e}")))?;
        reverted.push(name);
    }
    Ok(reverted)
}

/// Runs `f` on PostgreSQL while holding the migration advisory lock.
fn with_pg_migration_lock<T>(
    conn: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    conn.batch_execute(PG_MIGRATION_LOCK)?;
    let result = f(conn);
    let unlocked = conn.batch_execute(PG_MIGRATION_UNLOCK);
    let value = result?;
    unlocked?;
    Ok(value)
}

/// Applies the pending migrations of the connection's dialect; returns their names
/// (`2026-11-29-000001_users`, …), oldest first. Each runs in its own transaction.
pub fn run_migrations_on(conn: &mut DbConn) -> Result<Vec<String>, DbError> {
    match conn {
        DbConn::Postgresql(c) => with_pg_migration_lock(c, |c| apply_pending(c, POSTGRES_MIGRATIONS)),
        DbConn::Sqlite(c) => apply_pending(c, SQLITE_MIGRATIONS),
    }
}

/// [`run_migrations_on`] a pooled connection.
pub fn run_migrations(pool: &DbPool) -> Result<Vec<String>, DbError> {
    let mut conn = pool.get()?;
    run_migrations_on(&mut conn)
}

/// Reverts every applied migration, newest first; returns their names. (Tests: up → down → up.)
pub fn revert_all_migrations(pool: &DbPool) -> Result<Vec<String>, DbError> {
    let mut conn = pool.get()?;
    match &mut *conn {
        DbConn::Postgresql(c) => with_pg_migration_lock(c, |c| revert_applied(c, POSTGRES_MIGRATIONS)),
        DbConn::Sqlite(c) => revert_applied(c, SQLITE_MIGRATIONS),
    }
}

/// The names of the migrations embedded for a dialect, oldest first.
pub fn embedded_migration_names(backend: Backend) -> Result<Vec<String>, DbError> {
    fn names<DB: diesel::backend::Backend>(source: EmbeddedMigrations) -> Result<Vec<String>, DbError>
    where
        EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
    {
        let mut migrations = diesel::migration::MigrationSource::<DB>::migrations(&source).map_err(migration_error)?;
        migrations.sort_by(|a, b| a.name().version().cmp(&b.name().version()));
        Ok(migrations.iter().map(|m| m.name().to_string()).collect())
    }
    match backend {
        Backend::Postgres => names::<diesel::pg::Pg>(POSTGRES_MIGRATIONS),
        Backend::Sqlite => names::<diesel::sqlite::Sqlite>(SQLITE_MIGRATIONS),
    }
}

/// A transaction for writes. On SQLite it starts with `BEGIN IMMEDIATE` (the write lock is taken
/// up front, so concurrent writers wait on `busy_timeout` instead of failing to upgrade a read
/// lock); on PostgreSQL, and when already inside a transaction (→ a savepoint), it is
/// `Connection::transaction`. Commits when `f` returns `Ok`, rolls back otherwise.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DieselError>,
{
    let immediate = match conn {
        DbConn::Sqlite(c) => {
            let depth = AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?;
            if depth.is_none() {
                AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
                true
            } else {
                false
            }
        }
        DbConn::Postgresql(_) => false,
    };
    if !immediate {
        return conn.transaction(f);
    }
    // Same commit/rollback handling as diesel's `TransactionManager::transaction`.
    match f(&mut *conn) {
        Ok(value) => {
            <DbConn as TransactionManager<DbConn>>::commit_transaction(conn)?;
            Ok(value)
        }
        Err(user_error) => match <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn) {
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(user_error),
            Err(rollback_error) => Err(rollback_error.into()),
        },
    }
}
