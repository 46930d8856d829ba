//! The read-path guard (issue 14): a page of a list or a dashboard must never cost the whole table.
//!
//! A database is seeded with the load bench's own seeding (`benches/support/seed.rs`: projects in
//! every state, their history, expenses and payment instructions), the real application answers
//! each read request in-process, and every statement the request ran is recorded (diesel's
//! connection instrumentation) and planned by the engine itself:
//!
//! - **SQLite** (`EXPLAIN QUERY PLAN`, with the parameters unbound, as the statement is prepared):
//!   no `SCAN` of a large table, except the outer loop of a statement with a `LIMIT` that reads in
//!   the order it answers (no temporary B-tree for `ORDER BY`), which stops at the page.
//! - **PostgreSQL** (`EXPLAIN EXECUTE` of the statement prepared, `plan_cache_mode =
//!   force_generic_plan`: the plan a prepared statement keeps whatever its parameters): no `Seq Scan`
//!   of a large table.
//!
//! Nothing here depends on time: an O(table) page fails the day it is written, on a quiet machine or
//! a loaded one. The large tables are those that grow with the programme (projects and what hangs
//! off them, enterprises, accounts, the audit trail); the running totals, batches, providers and
//! policy tables stay small whatever the number of projects.

#[path = "../benches/support/seed.rs"]
mod seed;
#[path = "../../tests/support/mod.rs"]
#[allow(unused_macros)]
mod support;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::test as atest;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection, set_default_instrumentation};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use dtpilot_backend::app;
use dtpilot_backend::db::{self, DatabaseUrl};
use dtpilot_backend::settings::Settings;
use dtpilot_domain::PolicyProfile;
use serde_json::{Value, json};

/// Projects seeded: enough that every engine prefers an index wherever one serves, small enough
/// for a debug build in CI (a few seconds per engine).
const PROJECTS: usize = 4_000;

/// The tables that grow with every project and every action on it, without bound: a page or a
/// dashboard must never walk them whole (issue 14). (Enterprises and accounts grow with the
/// programme's enterprises, bounded by the city; a county's or an evaluator's work walks its own
/// scope, which the `county` and state columns select.)
const LARGE: [&str; 5] = ["projects", "project_history", "expenses", "payments", "audit_events"];

static RECORDING: AtomicBool = AtomicBool::new(false);
static RECORDED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every new connection records the statements it starts while [`RECORDING`] is on.
fn recorder() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event
            && RECORDING.load(Ordering::SeqCst)
        {
            let text = query.to_string();
            // diesel's debug form: `<sql> -- binds: [...]`.
            let sql = text.rsplit_once(" -- binds: ").map_or(text.as_str(), |(sql, _)| sql).trim().to_string();
            RECORDED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(sql);
        }
    }))
}

fn is_read(sql: &str) -> bool {
    let head = sql.trim_start().get(..6).unwrap_or("").to_ascii_uppercase();
    head.starts_with("SELECT") || head.starts_with("WITH")
}

const KEYWORDS: [&str; 16] = [
    "WHERE", "ON", "INNER", "LEFT", "JOIN", "ORDER", "GROUP", "LIMIT", "SET", "VALUES", "USING", "UNION", "AS",
    "CROSS", "OFFSET", "HAVING",
];

/// The names under which `sql` reads each large table (the table itself and its aliases:
/// `FROM expenses x`, `payments AS y`), as SQLite's plan names them.
fn large_names(sql: &str) -> Vec<(String, &'static str)> {
    let words: Vec<String> =
        sql.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_string).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(table) = LARGE.iter().find(|t| w.eq_ignore_ascii_case(t)) else { continue };
        out.push((table.to_string(), *table));
        let next = words.get(i + 1).map(String::as_str).unwrap_or("");
        let alias =
            if next.eq_ignore_ascii_case("AS") { words.get(i + 2).map(String::as_str).unwrap_or("") } else { next };
        if !alias.is_empty() && !KEYWORDS.iter().any(|k| alias.eq_ignore_ascii_case(k)) && !LARGE.contains(&alias) {
            out.push((alias.to_string(), *table));
        }
    }
    out
}

#[derive(QueryableByName, Debug)]
struct SqlitePlanRow {
    #[diesel(sql_type = Integer)]
    parent: i32,
    #[diesel(sql_type = Text)]
    detail: String,
}

/// What is wrong with the statement's SQLite plan, if anything.
fn sqlite_offence(conn: &mut SqliteConnection, sql: &str, scope: &[&str]) -> Option<String> {
    let plan: Vec<SqlitePlanRow> = match diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(conn) {
        Ok(plan) => plan,
        Err(e) => return Some(format!("cannot be planned: {e}")),
    };
    let text: Vec<String> = plan.iter().map(|r| format!("{} {}", r.parent, r.detail)).collect();
    let names = large_names(sql);
    let upper = sql.to_ascii_uppercase();
    let sorted = plan.iter().any(|r| r.detail.contains("USE TEMP B-TREE FOR ORDER BY"));
    for row in &plan {
        let (walk, rest) = if let Some(rest) = row.detail.strip_prefix("SCAN ") {
            ("scans", rest)
        } else if let Some(rest) = row.detail.strip_prefix("SEARCH ") {
            // A search by low-cardinality columns alone (`status=? AND kind=?`) walks a large
            // part of the table; a selective one names an id (`rowid=?`, `project_id=?`, …) or
            // the caller's scope (a county's rows).
            let constraints = rest.split_once(" (").map_or("", |(_, c)| c);
            let selective = constraints.split(" AND ").any(|term| {
                let column = term.split(['=', '>', '<']).next().unwrap_or("").trim_start_matches('(').trim();
                column == "rowid"
                    || column == "id"
                    || column.ends_with("_id")
                    || column == "seq"
                    || scope.contains(&column)
            });
            if selective {
                continue;
            }
            ("walks", rest)
        } else {
            continue;
        };
        let walked = rest.split_whitespace().next().unwrap_or("");
        let Some((_, table)) = names.iter().find(|(name, _)| name == walked) else { continue };
        // The outer loop of a page read in its own order stops at the page.
        let stops_at_page = row.parent == 0 && upper.contains(" LIMIT ") && !sorted;
        if !stops_at_page {
            return Some(format!("{walk} `{table}`:\n    {}", text.join("\n    ")));
        }
    }
    None
}

/// The number of `$n` parameters of a PostgreSQL statement.
fn pg_parameters(sql: &str) -> usize {
    let bytes = sql.as_bytes();
    let mut max = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'$' {
            let digits: String = sql[i + 1..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<usize>() {
                max = max.max(n);
            }
        }
    }
    max
}

#[derive(QueryableByName, Debug)]
struct PgPlanRow {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

/// What is wrong with the statement's generic PostgreSQL plan, if anything.
fn pg_offence(conn: &mut PgConnection, sql: &str, large: &[String]) -> Option<String> {
    let n = pg_parameters(sql);
    let args = if n == 0 { String::new() } else { format!("({})", vec!["NULL"; n].join(", ")) };
    let _ = conn.batch_execute("DEALLOCATE ALL");
    if let Err(e) = conn.batch_execute(&format!("PREPARE read_plan_guard AS {sql}")) {
        return Some(format!("cannot be prepared: {e}"));
    }
    let plan: Vec<PgPlanRow> = match diesel::sql_query(format!("EXPLAIN EXECUTE read_plan_guard{args}")).load(conn) {
        Ok(plan) => plan,
        Err(e) => return Some(format!("cannot be planned: {e}")),
    };
    let text: Vec<&str> = plan.iter().map(|r| r.line.as_str()).collect();
    for line in &text {
        if let Some(rest) = line.split("Seq Scan on ").nth(1) {
            let table = rest.split_whitespace().next().unwrap_or("");
            if large.iter().any(|t| t == table) {
                return Some(format!("scans `{table}`:\n    {}", text.join("\n    ")));
            }
        }
    }
    None
}

enum Planner {
    Sqlite(SqliteConnection),
    /// With the large tables that hold enough rows for PostgreSQL to prefer an index at all (it
    /// rightly reads a table of a few pages whole).
    Postgres(PgConnection, Vec<String>),
}

/// How much of the table a request may walk beyond what its ids select.
#[derive(Clone, Copy)]
enum Scope {
    /// A county's rows (`county=?`): a county's desk sees its county.
    County,
    /// The evaluator sees every project from acceptance on (`scope::EVALUATOR_STATES`): about half
    /// of a mature programme, walked by state. Known and left (docs/PERFORMANCE.md): its
    /// dashboard counts distinct enterprises over that scope, which no running total holds.
    Evaluator,
}

impl Planner {
    fn offence(&mut self, sql: &str, scope: Scope) -> Option<String> {
        match (self, scope) {
            (Planner::Sqlite(c), Scope::County) => sqlite_offence(c, sql, &["county"]),
            (Planner::Sqlite(c), Scope::Evaluator) => sqlite_offence(c, sql, &["county", "status"]),
            (Planner::Postgres(c, large), Scope::County) => pg_offence(c, sql, large),
            (Planner::Postgres(c, large), Scope::Evaluator) => {
                let large: Vec<String> = large.iter().filter(|t| *t != "projects").cloned().collect();
                pg_offence(c, sql, &large)
            }
        }
    }
}

#[derive(QueryableByName)]
struct TableSize {
    #[diesel(sql_type = Text)]
    relname: String,
    #[diesel(sql_type = diesel::sql_types::Double)]
    reltuples: f64,
}

/// Sign in as `$username` (the seeded password) and answer the access token.
macro_rules! login {
    ($app:expr, $username:expr) => {{
        let username: &str = $username;
        let req = atest::TestRequest::post()
            .uri("/api/v1/auth/login")
            .set_json(json!({"username": username, "password": seed::PW}))
            .to_request();
        let body: Value = atest::call_and_read_body_json($app, req).await;
        body["access_token"].as_str().unwrap_or_else(|| panic!("login {username}: {body}")).to_string()
    }};
}

async fn guard(db: support::TestDb) -> Vec<String> {
    let data_dir = tempfile::tempdir().expect("data dir");
    let database_url = DatabaseUrl::parse(&db.url).expect("url");
    let pool = db::connect(&database_url, 4).expect("connect");
    db::run_migrations(&pool).expect("migrate");
    let profile = PolicyProfile::changzhi_2025();
    let seeded = seed::seed(&pool, &profile, PROJECTS, data_dir.path()).expect("seed");
    let mut planner = if db.is_postgres() {
        let mut c = PgConnection::establish(&db.url).expect("planner connection");
        // What autovacuum does after a bulk load; then the plan a prepared statement keeps.
        c.batch_execute("VACUUM ANALYZE").expect("analyze");
        c.batch_execute("SET plan_cache_mode = force_generic_plan").expect("generic plans");
        let sizes: Vec<TableSize> = diesel::sql_query(
            "SELECT relname::text AS relname, reltuples::float8 AS reltuples FROM pg_class WHERE relkind = 'r'",
        )
        .load(&mut c)
        .expect("table sizes");
        let large = sizes
            .into_iter()
            .filter(|t| LARGE.contains(&t.relname.as_str()) && t.reltuples >= 1000.0)
            .map(|t| t.relname)
            .collect();
        Planner::Postgres(c, large)
    } else {
        let path = db.url.strip_prefix("sqlite:").expect("sqlite url");
        Planner::Sqlite(SqliteConnection::establish(path).expect("planner connection"))
    };

    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        database_url,
        data_dir: data_dir.path().to_path_buf(),
        profile,
        pool_size: 4,
        jwt_secret: None,
        access_ttl_secs: 3600,
        demo: false,
        demo_public: false,
        hsts: false,
        static_dir: data_dir.path().join("no-frontend"),
    };
    let state = app::new_state(&settings, pool, db.backend).expect("state");
    let service = atest::init_service(app::build(state.clone())).await;
    let city = login!(&service, "bench_city");
    let county = login!(&service, &format!("bench_county_{}", seeded.county.code()));
    let enterprise = login!(&service, "bench_enterprise");
    let finance = login!(&service, "bench_finance");
    let evaluator = login!(&service, "bench_evaluator");
    let project = seeded.project_ids[seeded.project_ids.len() / 2];
    let county_code = seeded.county.code();

    let cases: Vec<(&str, &str, String)> = vec![
        ("city", &city, "/api/v1/projects?page=1&per_page=20".into()),
        ("city", &city, "/api/v1/projects?page=5&per_page=100".into()),
        ("city", &city, "/api/v1/projects?status=submitted&page=3".into()),
        ("city", &city, format!("/api/v1/projects?county={county_code}")),
        ("city", &city, "/api/v1/projects?batch_id=1".into()),
        ("city", &city, format!("/api/v1/projects/{project}")),
        ("city", &city, format!("/api/v1/projects/{project}/expenses")),
        ("city", &city, "/api/v1/dashboard".into()),
        ("city", &city, "/api/v1/payments?page=1&per_page=20".into()),
        ("city", &city, "/api/v1/payments?status=pending".into()),
        ("city", &city, "/api/v1/enterprises?page=1&per_page=20".into()),
        ("city", &city, "/api/v1/batches".into()),
        ("city", &city, "/api/v1/providers".into()),
        ("city", &city, "/api/v1/users?page=1".into()),
        ("city", &city, "/api/v1/audit?page=1".into()),
        ("city", &city, "/api/v1/notices".into()),
        ("city", &city, "/api/v1/budgets".into()),
        ("city", &city, "/api/v1/awards".into()),
        ("city", &city, "/api/v1/products".into()),
        ("county", &county, "/api/v1/projects?page=1&per_page=20".into()),
        ("county", &county, "/api/v1/projects?status=in_progress".into()),
        ("county", &county, "/api/v1/dashboard".into()),
        ("county", &county, "/api/v1/payments".into()),
        ("county", &county, "/api/v1/enterprises".into()),
        ("enterprise", &enterprise, "/api/v1/projects".into()),
        ("enterprise", &enterprise, "/api/v1/dashboard".into()),
        ("enterprise", &enterprise, "/api/v1/payments".into()),
        ("finance", &finance, "/api/v1/payments?status=approved".into()),
        ("finance", &finance, "/api/v1/dashboard".into()),
        ("evaluator", &evaluator, "/api/v1/projects".into()),
        ("evaluator", &evaluator, "/api/v1/dashboard".into()),
    ];

    let mut failures = Vec::new();
    for (who, token, path) in &cases {
        RECORDED.lock().expect("recorder").clear();
        RECORDING.store(true, Ordering::SeqCst);
        let req = atest::TestRequest::get()
            .uri(path)
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request();
        let resp = atest::call_service(&service, req).await;
        RECORDING.store(false, Ordering::SeqCst);
        let status = resp.status().as_u16();
        assert_eq!(status, 200, "GET {path} as {who} ({})", db.backend);
        let statements: Vec<String> = std::mem::take(&mut *RECORDED.lock().expect("recorder"));
        let reads: Vec<&String> = statements.iter().filter(|s| is_read(s)).collect();
        assert!(!reads.is_empty(), "GET {path} as {who}: no statement recorded (is the instrumentation on?)");
        for sql in reads {
            if std::env::var("DTPILOT_PLANS_PRINT").is_ok_and(|v| v == "1") {
                eprintln!("GET {path} as {who} ({}): {sql}", db.backend);
            }
            let scope = if *who == "evaluator" { Scope::Evaluator } else { Scope::County };
            if let Some(why) = planner.offence(sql, scope) {
                failures.push(format!("GET {path} as {who} ({}): {why}\n  statement: {sql}", db.backend));
            }
        }
    }
    // The totals the lists now read from the running totals (payments) or the chain's head (the
    // audit trail) are the numbers of rows.
    let mut conn = state.pool.get().expect("connection");
    let rows = |c: &mut db::DbConn, sql: &str| -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(c).expect("count").n
    };
    let expected = [
        (&city, "/api/v1/payments", "SELECT COUNT(*) AS n FROM payments".to_string()),
        (&city, "/api/v1/payments?status=pending", "SELECT COUNT(*) AS n FROM payments WHERE status = 'pending'".into()),
        (&finance, "/api/v1/payments?status=paid&kind=recovery", "SELECT COUNT(*) AS n FROM payments WHERE status = 'paid' AND kind = 'recovery'".into()),
        (&county, "/api/v1/payments", format!("SELECT COUNT(*) AS n FROM payments WHERE county = '{county_code}'")),
        (&enterprise, "/api/v1/payments", "SELECT COUNT(*) AS n FROM payments p JOIN users u ON u.enterprise_id = p.enterprise_id WHERE u.username = 'bench_enterprise'".into()),
        (&city, "/api/v1/audit", "SELECT COUNT(*) AS n FROM audit_events".into()),
    ];
    for (token, path, sql) in expected {
        let req = atest::TestRequest::get()
            .uri(path)
            .insert_header(("authorization", format!("Bearer {token}")))
            .to_request();
        let body: Value = atest::call_and_read_body_json(&service, req).await;
        let want = rows(&mut conn, &sql);
        assert!(want > 0, "{path}: the seed should give it rows ({sql})");
        assert_eq!(body["total"].as_i64(), Some(want), "{path} ({}): total against {sql}", db.backend);
    }
    failures
}

/// One test for both engines, one after the other: the recorder is process-wide.
#[actix_web::test]
async fn no_page_or_dashboard_scans_a_large_table() {
    set_default_instrumentation(recorder).expect("instrumentation");
    let mut failures = guard(support::TestDb::sqlite()).await;
    if let Some(pg) = support::TestDb::postgres() {
        failures.extend(guard(pg).await);
    }
    assert!(
        failures.is_empty(),
        "{} read statement(s) cost the whole table:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_guard_itself_finds_aliases_and_parameters() {
    let names = large_names(
        "SELECT (SELECT SUM(x.a) FROM expenses x WHERE x.p = projects.id) FROM projects INNER JOIN enterprises ON 1",
    );
    assert!(names.contains(&("x".to_string(), "expenses")));
    assert!(names.contains(&("projects".to_string(), "projects")));
    assert!(!names.iter().any(|(n, _)| n == "INNER"));
    assert_eq!(pg_parameters("SELECT 1 WHERE a = $1 AND b = $12 LIMIT $3"), 12);
}
