//! Black-box: accounts that can be trusted (SPEC §9.2, issue 11) on SQLite and PostgreSQL — who
//! creates whom (a city official could create the finance account that executes payments), records
//! an account is scoped to must exist, usernames unique without regard to case (also in the
//! database), the password rules.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use diesel::prelude::*;
use dtpilot_backend::db::{self, DatabaseUrl};
use serde_json::{Value, json};
use world::{PW, World, enterprise_body, problem};

fn account(name: &str, role: &str, extra: Value) -> Value {
    let mut body = json!({"username": name, "password": PW, "role": role, "display_name": name});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("id in {v}"))
}

/// The audit actions recorded about user `id`.
fn audit_actions(w: &World, id: i64) -> Vec<String> {
    let page = w.get_json(&format!("/audit?entity_type=user&entity_id={id}&per_page=100"), &w.admin);
    page["items"].as_array().expect("items").iter().map(|e| e["action"].as_str().unwrap_or("").to_string()).collect()
}

support::both_databases! {
    /// Issue 11: a city official could create the finance account that executes payments.
    fn only_an_admin_creates_privileged_accounts(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        for role in ["finance", "city", "evaluator", "admin"] {
            let (status, code, body) = problem(w.post("/users", &city, &account(&format!("x_{role}"), role, json!({}))));
            assert_eq!((status, code.as_str()), (403, "forbidden"), "city creates {role}: {body}");
        }
        let created = w.ok("/users", &w.admin, &account("fin1", "finance", json!({})), 201);
        let actions = audit_actions(&w, id_of(&created));
        assert!(actions.iter().any(|a| a == "privileged_account"), "{actions:?}");
        // The city's own accounts are not privileged.
        let prov = w.ok("/providers", &city, &json!({"name": "服务商甲", "credit_code": world::uscc("91140400MA0T00001"), "capabilities": ["diagnosis"]}), 201);
        let made = w.ok("/users", &city, &account("prov1", "provider", json!({"provider_id": id_of(&prov)})), 201);
        assert!(!audit_actions(&w, id_of(&made)).iter().any(|a| a == "privileged_account"));
        // Other roles create nobody.
        let fin = world::login(&w.server, "fin1");
        let (status, _, _) = problem(w.post("/users", &fin, &account("ent_x", "county", json!({"county": "luzhou"}))));
        assert_eq!(status, 403);
    }
}

support::both_databases! {
    /// `enterprise_id`, `provider_id` must name existing records (422 naming the field); a county
    /// creates enterprise accounts for enterprises of its own county only (another county's: 404).
    fn scope_records_must_exist_and_counties_create_their_enterprises_accounts(url: &str) {
        let w = World::new(url);
        let county = w.user("county_lz", "county", json!({"county": "luzhou"}));
        let other = w.user("county_sd", "county", json!({"county": "shangdang"}));
        let own = id_of(&w.ok("/enterprises", &county, &enterprise_body(1, "luzhou"), 201));
        let theirs = id_of(&w.ok("/enterprises", &other, &enterprise_body(2, "shangdang"), 201));
        for (field, extra, role) in [
            ("enterprise_id", json!({"enterprise_id": 999_999}), "enterprise"),
            ("provider_id", json!({"provider_id": 999_999}), "provider"),
        ] {
            let (status, _, body) = problem(w.post("/users", &w.admin, &account("ghost", role, extra)));
            assert_eq!(status, 422, "{body}");
            assert_eq!(body["errors"][0]["field"], field, "{body}");
        }
        let made = w.ok("/users", &county, &account("ent_own", "enterprise", json!({"enterprise_id": own})), 201);
        assert_eq!(made["enterprise_id"], own);
        assert!(!world::login(&w.server, "ent_own").is_empty());
        let (status, _, body) = problem(w.post("/users", &county, &account("ent_theirs", "enterprise", json!({"enterprise_id": theirs}))));
        assert_eq!(status, 404, "{body}");
        let (status, _, _) = problem(w.post("/users", &county, &account("ent_ghost", "enterprise", json!({"enterprise_id": 999_999}))));
        assert_eq!(status, 404);
        let (status, _, _) = problem(w.post("/users", &county, &account("county_x", "county", json!({"county": "luzhou"}))));
        assert_eq!(status, 403);
    }
}

support::both_databases! {
    /// `Zhang01` and `zhang01` cannot both exist (409 `duplicate_username`), also when written to
    /// the database directly; sign-in does not depend on the case either.
    fn usernames_are_unique_without_regard_to_case(url: &str) {
        let w = World::new(url);
        w.ok("/users", &w.admin, &account("Zhang01", "city", json!({})), 201);
        let (status, code, _) = problem(w.post("/users", &w.admin, &account("zhang01", "city", json!({}))));
        assert_eq!((status, code.as_str()), (409, "duplicate_username"));
        assert!(!world::login(&w.server, "ZHANG01").is_empty());
        for (name, len_ok) in [("ab", false), (&*"a".repeat(64), true), (&*"a".repeat(65), false)] {
            let resp = w.post("/users", &w.admin, &account(name, "city", json!({})));
            assert_eq!(resp.status().as_u16() == 201, len_ok, "{name}");
        }
        let pool = db::connect(&DatabaseUrl::parse(url).expect("url"), 1).expect("connect");
        let mut c = pool.get().expect("conn");
        let insert = "INSERT INTO users (username, password_hash, role, display_name, active, created_at, updated_at) \
                      VALUES ('ZHANG01', 'x', 'city', 'x', TRUE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)";
        let err = diesel::sql_query(insert).execute(&mut c).expect_err("a second Zhang01 in the database");
        assert!(
            matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)),
            "{err:?}"
        );
    }
}

support::both_databases! {
    /// Passwords: at least 10 characters, not containing the username, not a common password
    /// (422 `weak_password` naming `password`).
    fn weak_passwords_are_refused(url: &str) {
        let w = World::new(url);
        for (name, password) in [
            ("short1", "Short-9!"),
            ("wang.li", "my-WANG.LI-2026"),
            ("common1", "basketball"),
            ("common2", "1q2w3e4r5t"),
        ] {
            let mut body = account(name, "city", json!({}));
            body["password"] = json!(password);
            let (status, code, body) = problem(w.post("/users", &w.admin, &body));
            assert_eq!((status, code.as_str()), (422, "weak_password"), "{password}: {body}");
            assert_eq!(body["errors"][0]["field"], "password", "{body}");
        }
    }
}
