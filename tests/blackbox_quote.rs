//! Black-box: the real binary on SQLite and on PostgreSQL answers every golden case of
//! `tests/fixtures/subsidy-cases.json` over HTTP, refuses bad input with problem+json, and
//! reports its health from the database.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;

use serde_json::{Value, json};
use server::Server;

fn fixtures() -> Vec<Value> {
    let text = include_str!("fixtures/subsidy-cases.json");
    let v: Value = serde_json::from_str(text).expect("fixtures parse");
    v["cases"].as_array().expect("cases").clone()
}

fn assert_problem(resp: reqwest::blocking::Response, status: u16, what: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "{what}");
    let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(ct.starts_with("application/problem+json"), "{what}: content-type {ct}");
    let body: Value = resp.json().expect("problem body");
    assert_eq!(body["status"], status, "{what}: {body}");
    for key in ["type", "title", "detail", "code"] {
        assert!(body[key].is_string(), "{what}: problem lacks {key}: {body}");
    }
    body
}

support::both_databases! {
    fn every_fixture_over_http(url: &str) {
        let server = Server::start(url);
        let cases = fixtures();
        assert!(cases.len() >= 29);
        for case in cases {
            let name = case["name"].as_str().unwrap_or("?");
            let resp = server.post_json("/api/v1/subsidy/quote", &case["request"]);
            let expect = &case["expect"];
            if let Some(code) = expect.get("error") {
                let body = assert_problem(resp, code.as_u64().unwrap_or(0) as u16, name);
                let errors = body["errors"].as_array().unwrap_or_else(|| panic!("{name}: 422 without errors: {body}"));
                assert!(!errors.is_empty() && errors.iter().all(|e| e["field"].is_string() && e["message"].is_string()), "{name}: {body}");
                continue;
            }
            assert_eq!(resp.status().as_u16(), 200, "{name}");
            let body: Value = resp.json().expect("json");
            for key in ["planned_subsidy", "prepayment", "final_subsidy", "balance_due", "recovery_due"] {
                assert_eq!(body[key], expect[key], "{name}: {key} in {body}");
            }
            assert!(body["rules_applied"].as_array().is_some_and(|r| !r.is_empty()), "{name}: {body}");
        }
    }
}

support::both_databases! {
    fn bad_input_is_answered_as_problem_json(url: &str) {
        let server = Server::start(url);
        let quote = "/api/v1/subsidy/quote";
        assert_problem(server.post_raw(quote, b"{\"target_level\": 2,".to_vec()), 400, "truncated JSON");
        assert_problem(server.post_raw(quote, b"[]".to_vec()), 400, "array body");
        let body = assert_problem(server.post_json(quote, &json!({"target_level": 2, "planned_eligible_investment": "1", "bonus": 1})), 422, "unknown field");
        assert_eq!(body["errors"][0]["field"], "bonus");
        let body = assert_problem(server.post_json(quote, &json!({"target_level": "two", "planned_eligible_investment": "1"})), 422, "wrong type");
        assert_eq!(body["errors"][0]["field"], "target_level");
        let body = assert_problem(server.post_json(quote, &json!({"target_level": 2, "planned_eligible_investment": "12.345"})), 422, "three decimals");
        assert_eq!(body["errors"][0]["field"], "planned_eligible_investment");
        assert_eq!(body["code"], "validation_failed");
        let big = format!("{{\"target_level\": 2, \"planned_eligible_investment\": \"1\", \"pad\": \"{}\"}}", "x".repeat(300 * 1024));
        assert_problem(server.post_raw(quote, big.into_bytes()), 413, "oversize body");
        assert_problem(server.get("/api/v1/no-such-thing").expect("get"), 404, "unknown path");
    }
}

support::both_databases! {
    fn health_reference_and_policy(url: &str) {
        let server = Server::start(url);
        let health: Value = server.get("/healthz").expect("healthz").json().expect("json");
        assert_eq!(health["status"], "ok");
        let expected_backend = if url.starts_with("postgres") { "postgres" } else { "sqlite" };
        assert_eq!(health["database"], expected_backend);
        let reference: Value = server.get("/api/v1/reference").expect("reference").json().expect("json");
        assert_eq!(reference["counties"].as_array().map(Vec::len), Some(14));
        assert_eq!(reference["industries"].as_array().map(Vec::len), Some(4));
        assert_eq!(reference["levels"].as_array().map(Vec::len), Some(4));
        assert_eq!(reference["expense_categories"].as_array().map(Vec::len), Some(6));
        let policy: Value = server.get("/api/v1/policy").expect("policy").json().expect("json");
        assert_eq!(policy["id"], "changzhi-2025");
        assert_eq!(policy["caps"]["value"]["4"], "450000.00");
        assert_eq!(policy["caps"]["source"], "第五条(一)1");
    }
}

/// GET /healthz answers only while the database answers: drop the database under a running server.
#[test]
fn healthz_fails_when_postgres_database_is_gone() {
    let Some(db) = support::TestDb::postgres() else { return };
    let server = Server::start(&db.url);
    assert_eq!(server.get("/healthz").expect("healthz").status().as_u16(), 200);
    db.drop_now();
    let resp = server.get("/healthz").expect("healthz");
    assert_problem(resp, 503, "database dropped");
}

/// A second profile file changes the answers: another city needs a data file, not a code change.
#[test]
fn another_profile_file_changes_the_figures() {
    let db = support::TestDb::sqlite();
    let dir = tempfile::tempdir().expect("dir");
    let text = include_str!("../policies/changzhi-2025.toml")
        .replace("id = \"changzhi-2025\"", "id = \"other-city\"")
        .replace("level_2 = \"350000.00\"", "level_2 = \"300000.00\"")
        .replace("level_3 = \"350000.00\"", "level_3 = \"400000.00\"")
        .replace("level_4 = \"450000.00\"", "level_4 = \"500000.00\"");
    let path = dir.path().join("other.toml");
    std::fs::write(&path, text).expect("write profile");
    let server = Server::start_with(&db.url, &["--policy", path.to_str().expect("utf-8 path")]);
    let body: Value = server
        .post_json("/api/v1/subsidy/quote", &json!({"target_level": 2, "planned_eligible_investment": "700000.00"}))
        .json()
        .expect("json");
    assert_eq!(body["planned_subsidy"], "300000.00");
    assert_eq!(body["policy"], "other-city@1");
}

// `dtpilot migrate` and `dtpilot create-user --password-stdin` on both databases.
support::both_databases! {
    fn migrate_and_create_user(url: &str) {
        let dir = tempfile::tempdir().expect("dir");
        let (ok, out, err) = server::run_cli(&["migrate", "--database-url", url], dir.path(), "");
        assert!(ok, "migrate: {out} {err}");
        let args = ["create-user", "--database-url", url, "--username", "admin1", "--role", "admin", "--password-stdin"];
        let (ok, out, err) = server::run_cli(&args, dir.path(), "Correct-Horse-9\n");
        assert!(ok, "create-user: {out} {err}");
        assert!(out.contains("admin1"), "{out}");
        let (ok, _, err) = server::run_cli(&args, dir.path(), "Correct-Horse-9\n");
        assert!(!ok, "a duplicate username must be refused");
        assert!(!err.is_empty());
        let county = ["create-user", "--database-url", url, "--username", "c1", "--role", "county", "--password-stdin"];
        let (ok, _, _) = server::run_cli(&county, dir.path(), "Correct-Horse-9\n");
        assert!(!ok, "a county user without a county must be refused");
    }
}
