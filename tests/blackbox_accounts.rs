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

/// `(access, refresh, whole answer)` of a sign-in that must succeed.
fn sign_in(w: &World, name: &str, password: &str) -> (String, String, Value) {
    let resp = w.server.post_json("/api/v1/auth/login", &json!({"username": name, "password": password}));
    assert_eq!(resp.status().as_u16(), 200, "login {name}");
    let body: Value = resp.json().expect("json");
    (
        body["access_token"].as_str().expect("access").into(),
        body["refresh_token"].as_str().expect("refresh").into(),
        body,
    )
}

fn refresh_status(w: &World, token: &str) -> u16 {
    w.server.post_json("/api/v1/auth/refresh", &json!({ "refresh_token": token })).status().as_u16()
}

fn user_id(w: &World, token: &str) -> i64 {
    id_of(&w.get_json("/me", token))
}

support::both_databases! {
    /// Issue 11: no account could be disabled. Deactivation revokes every session at once: the
    /// access token stops working, refresh fails, and sign-in answers the 401 of a wrong password.
    fn deactivated_accounts_lose_every_session_at_once(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        w.user("county1", "county", json!({"county": "luzhou"}));
        let (access, refresh, _) = sign_in(&w, "county1", PW);
        let id = user_id(&w, &access);
        let changed = w.patch(&format!("/users/{id}"), &city, &json!({"active": false}));
        assert_eq!(changed.status().as_u16(), 200);
        let changed: Value = changed.json().expect("json");
        assert_eq!(changed["active"], false);
        let (status, code, _) = problem(w.get("/me", &access));
        assert_eq!((status, code.as_str()), (401, "unauthenticated"));
        assert_eq!(w.get("/enterprises", &access).status().as_u16(), 401);
        assert_eq!(refresh_status(&w, &refresh), 401);
        let refused: Value = w.server.post_json("/api/v1/auth/login", &json!({"username": "county1", "password": PW})).json().expect("json");
        let wrong: Value = w.server.post_json("/api/v1/auth/login", &json!({"username": "nobody", "password": PW})).json().expect("json");
        assert_eq!(refused, wrong, "a deactivated account answers as a wrong password");
        // Reactivated: it signs in again, the old sessions stay dead.
        assert_eq!(w.patch(&format!("/users/{id}"), &city, &json!({"active": true, "display_name": "潞州区工信局"})).status().as_u16(), 200);
        let (access, _, body) = sign_in(&w, "county1", PW);
        assert_eq!(body["must_change_password"], false);
        assert_eq!(w.get_json("/me", &access)["display_name"], "潞州区工信局");
        assert_eq!(refresh_status(&w, &refresh), 401);

        // The city changes only the roles it may create, and grants only those.
        let fin = world::login(&w.server, "root");
        let fin_id = id_of(&w.ok("/users", &fin, &json!({"username": "fin1", "password": PW, "role": "finance", "display_name": "财政"}), 201));
        for (target, body) in [(fin_id, json!({"active": false})), (id, json!({"role": "finance"}))] {
            let (status, code, _) = problem(w.patch(&format!("/users/{target}"), &city, &body));
            assert_eq!((status, code.as_str()), (403, "forbidden"), "{target} {body}");
        }
        let (status, _, body) = problem(w.patch(&format!("/users/{id}"), &city, &json!({"role": "provider"})));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("role")), "{body}");
        let (status, _, _) = problem(w.patch(&format!("/users/{id}"), &city, &json!({})));
        assert_eq!(status, 422);
        let (status, _, _) = problem(w.patch("/users/999999", &city, &json!({"active": false})));
        assert_eq!(status, 404);
        let root_id = user_id(&w, &w.admin);
        let (status, code, _) = problem(w.patch(&format!("/users/{root_id}"), &w.admin, &json!({"active": false})));
        assert_eq!((status, code.as_str()), (409, "own_account"));
        // A role change (admin) invalidates the tokens that carry the old role.
        let (fin_access, _, _) = sign_in(&w, "fin1", PW);
        assert_eq!(w.patch(&format!("/users/{fin_id}"), &w.admin, &json!({"role": "evaluator"})).status().as_u16(), 200);
        assert_eq!(w.get("/payments", &fin_access).status().as_u16(), 401);
        let (eval_access, _, body) = sign_in(&w, "fin1", PW);
        assert_eq!(body["user"]["role"], "evaluator");
        assert_eq!(w.get("/me", &eval_access).status().as_u16(), 200);
        let actions = audit_actions(&w, fin_id);
        assert!(actions.iter().filter(|a| *a == "privileged_account").count() >= 2, "{actions:?}");
        assert!(audit_actions(&w, id).iter().any(|a| a == "user.update"));
    }
}

support::both_databases! {
    /// Issue 11: no password could be reset. A one-time password revokes the sessions; its sign-in
    /// carries `must_change_password: true` and every call but `POST /me/password` answers 403
    /// `password_change_required` until it is changed; the change revokes the other sessions.
    fn one_time_passwords_must_be_changed_before_anything_else(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        w.user("county1", "county", json!({"county": "luzhou"}));
        let (old_access, old_refresh, _) = sign_in(&w, "county1", PW);
        let id = user_id(&w, &old_access);
        let reset = |password: &str| w.post(&format!("/users/{id}/password"), &city, &json!({ "password": password }));
        let (status, code, _) = problem(reset("basketball"));
        assert_eq!((status, code.as_str()), (422, "weak_password"));
        assert_eq!(reset("Temp-Pass-2026").status().as_u16(), 204);
        assert_eq!(refresh_status(&w, &old_refresh), 401);
        let (status, code, _) = problem(w.get("/enterprises", &old_access));
        assert_eq!((status, code.as_str()), (403, "password_change_required"));
        assert_eq!(w.server.post_json("/api/v1/auth/login", &json!({"username": "county1", "password": PW})).status().as_u16(), 401);

        let (a, a_refresh, body) = sign_in(&w, "county1", "Temp-Pass-2026");
        assert_eq!(body["must_change_password"], true);
        let (_, b_refresh, _) = sign_in(&w, "county1", "Temp-Pass-2026");
        for path in ["/enterprises", "/me", "/dashboard"] {
            let (status, code, _) = problem(w.get(path, &a));
            assert_eq!((status, code.as_str()), (403, "password_change_required"), "{path}");
        }
        let change = |current: &str, new: &str| {
            w.post("/me/password", &a, &json!({"current_password": current, "new_password": new}))
        };
        let (status, code, body) = problem(change("Not-The-Password-1", "Brand-New-Secret-7"));
        assert_eq!((status, code.as_str(), body["errors"][0]["field"].as_str()), (422, "wrong_password", Some("current_password")));
        for weak in ["1q2w3e4r5t", "short-1", "my-county1-pass", "Temp-Pass-2026"] {
            let (status, code, body) = problem(change("Temp-Pass-2026", weak));
            assert_eq!((status, code.as_str(), body["errors"][0]["field"].as_str()), (422, "weak_password", Some("new_password")), "{weak}");
        }
        assert_eq!(change("Temp-Pass-2026", "Brand-New-Secret-7").status().as_u16(), 204);
        // This session goes on; the other one is revoked.
        assert_eq!(w.get("/enterprises", &a).status().as_u16(), 200);
        assert_eq!(refresh_status(&w, &b_refresh), 401);
        assert_eq!(refresh_status(&w, &a_refresh), 200);
        let (_, _, body) = sign_in(&w, "county1", "Brand-New-Secret-7");
        assert_eq!(body["must_change_password"], false);
        // Any signed-in user changes its own password.
        assert_eq!(w.post("/me/password", &city, &json!({"current_password": PW, "new_password": "City-Secret-2027"})).status().as_u16(), 204);
        sign_in(&w, "city1", "City-Secret-2027");
        // The city resets no administrator's password; the events say nothing of passwords.
        let root_id = user_id(&w, &w.admin);
        let (status, _, _) = problem(w.post(&format!("/users/{root_id}/password"), &city, &json!({"password": "Temp-Pass-2026"})));
        assert_eq!(status, 403);
        let page = w.get_json(&format!("/audit?entity_type=user&entity_id={id}&per_page=100"), &w.admin).to_string();
        assert!(page.contains("user.password_reset") && page.contains("user.password_change"), "{page}");
        assert!(!page.contains("Temp-Pass-2026") && !page.contains("argon2"), "{page}");
    }
}
