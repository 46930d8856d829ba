//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test, and
//! [`both_databases!`] to run one test body on each.
//!
//! PostgreSQL: the server is `DTPILOT_TEST_PG` (default `postgres://postgres@127.0.0.1:5432`); each
//! test creates `dtpilot_t_<random hex>` and drops it (`WITH (FORCE)`) when done. If a server named
//! by `DTPILOT_TEST_PG` cannot be reached the test **panics** — a database test must not pass
//! without its database (`.ci/run` sets it). With `DTPILOT_TEST_PG` unset and nothing answering at
//! the default address (a fresh machine), the PostgreSQL half is skipped with a loud notice on
//! stderr (uncaptured), so `cargo test --workspace` passes there on SQLite alone.
//! `DTPILOT_TEST_PG=off` skips the PostgreSQL half deliberately, with a notice.
//!
//! Used by `backend/tests/*.rs` and the black-box tests in `tests/` (`#[path] mod support;` at the
//! crate root; the macro refers to `crate::support`). Only `diesel`, `tempfile` and std.

#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

/// The PostgreSQL server used when `DTPILOT_TEST_PG` is unset.
pub const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432";

/// A database that exists for one test.
pub struct TestDb {
    /// What to give `--database-url` or `DatabaseUrl::parse`.
    pub url: String,
    /// `"sqlite"` or `"postgres"`.
    pub backend: &'static str,
    /// Holds the SQLite file (removed on drop).
    dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the maintenance-database URL and the test database's name (dropped on drop).
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite file in its own temporary directory (`sqlite:/tmp/…/dtpilot.db`).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("create a temporary directory for the SQLite test database");
        let path = dir.path().join("dtpilot.db");
        let url = format!("sqlite:{}", path.display());
        TestDb { url, backend: "sqlite", dir: Some(dir), pg: None }
    }

    /// A fresh PostgreSQL database on the `DTPILOT_TEST_PG` server; `None` only when that is `off`.
    /// Panics, saying what to do, when the server cannot be reached.
    pub fn postgres() -> Option<TestDb> {
        let chosen = std::env::var("DTPILOT_TEST_PG").ok();
        let server = chosen.clone().unwrap_or_else(|| DEFAULT_TEST_PG.to_string());
        let server = server.trim();
        // Nothing chosen and nothing answering at the default address (a fresh machine): skip,
        // loudly. A server that was chosen (`.ci/run` sets one) must answer.
        if chosen.is_none() && !default_server_answers() {
            static NOTICE: Once = Once::new();
            NOTICE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPING every PostgreSQL test of this binary: nothing answers at {} and \
                     DTPILOT_TEST_PG is unset. Start PostgreSQL (`pg_ctlcluster --skip-systemctl-redirect \
                     $(ls /etc/postgresql) main start`) or set DTPILOT_TEST_PG to test PostgreSQL too; \
                     CI sets it and requires PostgreSQL. !!!\n",
                    redact(DEFAULT_TEST_PG)
                );
            });
            return None;
        }
        if server.eq_ignore_ascii_case("off") {
            // Straight to stderr, not `eprintln!`: the test harness would capture (and hide) that.
            static NOTICE: Once = Once::new();
            NOTICE.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPING every PostgreSQL test of this binary: DTPILOT_TEST_PG=off. \
                     Unset it (or point it at a server) to test PostgreSQL too. !!!\n"
                );
            });
            return None;
        }
        let name = format!("dtpilot_t_{:016x}", random_u64());
        let admin_url = with_database(server, "postgres");
        let mut admin = connect_admin(&admin_url);
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("cannot create the test database {name} on {}: {e}", redact(server)));
        Some(TestDb { url: with_database(server, &name), backend: "postgres", dir: None, pg: Some((admin_url, name)) })
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// PostgreSQL: drop the database now, terminating its connections (e.g. to see a server notice
    /// that its database is gone). Panics if that fails. No-op for SQLite.
    pub fn drop_now(&self) {
        if let Some((admin_url, name)) = &self.pg {
            drop_database(admin_url, name).unwrap_or_else(|e| panic!("cannot drop the test database {name}: {e}"));
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg
            && let Err(e) = drop_database(admin_url, name)
        {
            eprintln!("warning: could not drop the test database {name}: {e}");
        }
    }
}

/// Whether a PostgreSQL server answers at [`DEFAULT_TEST_PG`] (asked once per test binary).
fn default_server_answers() -> bool {
    static ANSWERS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ANSWERS.get_or_init(|| PgConnection::establish(&with_database(DEFAULT_TEST_PG, "postgres")).is_ok())
}

fn connect_admin(admin_url: &str) -> PgConnection {
    PgConnection::establish(admin_url).unwrap_or_else(|e| {
        panic!(
            "\n\nPostgreSQL is not reachable at {} ({e}).\n\
             The database tests run on SQLite AND PostgreSQL. Either\n  \
             - start PostgreSQL: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`\n    \
               (not installed? `apt-get install -y postgresql libpq-dev && pg_ctlcluster 15 main start`;\n    \
               the tests expect user `postgres` with trust auth on 127.0.0.1:5432), or\n  \
             - point DTPILOT_TEST_PG at a server: DTPILOT_TEST_PG=postgres://user:pass@host:5432, or\n  \
             - skip PostgreSQL deliberately: DTPILOT_TEST_PG=off\n\n",
            redact(admin_url)
        )
    })
}

fn drop_database(admin_url: &str, name: &str) -> Result<(), String> {
    let mut admin = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).map_err(|e| e.to_string())
}

/// `scheme://userinfo@host:port[/anything][?query]` → `scheme://userinfo@host:port/<db>?query`,
/// with a 5 s `connect_timeout` unless the query sets one.
fn with_database(server: &str, db: &str) -> String {
    let (scheme, rest) = server.split_once("://").unwrap_or(("postgres", server));
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let authority_end = before_query.rfind('@').map_or(0, |at| at + 1);
    let authority = match before_query[authority_end..].find('/') {
        Some(slash) => &before_query[..authority_end + slash],
        None => before_query,
    };
    let mut params: Vec<&str> = query.map(|q| q.split('&').filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    if !params.iter().any(|p| p.starts_with("connect_timeout=")) {
        params.push("connect_timeout=5");
    }
    format!("{scheme}://{authority}/{db}?{}", params.join("&"))
}

/// Hide a password in a URL for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rfind('@').and_then(|at| rest[..at].split_once(':').map(|(user, _)| (user, &rest[at..]))) {
        Some((user, host)) => format!("{scheme}://{user}:***{host}"),
        None => url.to_string(),
    }
}

/// 64 random-enough bits from std: a randomly keyed hash of the time, the process and a counter.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// `both_databases! { fn name(url: &str) { body } … }` → `mod name { #[test] fn sqlite() … #[test] fn
/// postgres() … }`, each running `body` with `url` of a fresh [`TestDb`]. Attributes written
/// before `fn` (docs, `#[ignore]`, `#[should_panic]`) go on both tests. The body sees the
/// enclosing module's items (`use super::*`).
macro_rules! both_databases {
    ($($(#[$meta:meta])* fn $name:ident($url:ident: &str) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn both_databases_body($url: &str) $body

            $(#[$meta])*
            #[test]
            fn sqlite() {
                let db = $crate::support::TestDb::sqlite();
                both_databases_body(&db.url);
            }

            $(#[$meta])*
            #[test]
            fn postgres() {
                let Some(db) = $crate::support::TestDb::postgres() else { return };
                both_databases_body(&db.url);
            }
        }
    )*};
}

#[allow(unused_imports)]
pub(crate) use both_databases;
