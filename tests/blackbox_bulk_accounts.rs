//! Black-box (issue 11, SPEC §9.2 "Accounts for a whole programme"), on SQLite and PostgreSQL: a
//! county bureau opens accounts for its own county's enterprises in one request, the city for
//! enterprises and providers, each with a one-time password shown once (JSON, or the credential
//! sheet as xlsx); who already has an account, who is outside the county and who does not exist
//! are skipped with the reason; the holder must change the password at first sign-in.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use calamine::Reader as _;
use serde_json::{Value, json};
use server::client;
use world::{World, enterprise_body, problem, uscc};

fn enterprise(w: &World, city: &str, n: u32, county: &str) -> (i64, String) {
    let body = w.ok("/enterprises", city, &enterprise_body(n, county), 201);
    (body["id"].as_i64().expect("id"), body["credit_code"].as_str().expect("code").to_string())
}

fn sign_in(w: &World, username: &str, password: &str) -> (u16, Value) {
    let resp = w.server.post_json("/api/v1/auth/login", &json!({"username": username, "password": password}));
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

support::both_databases! {
    fn a_county_opens_accounts_for_its_enterprises(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        let county = w.user("county_luzhou", "county", json!({"county": "luzhou"}));
        let (e1, code1) = enterprise(&w, &city, 1, "luzhou");
        let (e2, _) = enterprise(&w, &city, 2, "luzhou");
        let (other, _) = enterprise(&w, &city, 3, "tunliu");

        let answer = w.ok("/users/bulk", &county, &json!({"enterprise_ids": [e1, e2, other, 999_999, e1]}), 201);
        let created = answer["created"].as_array().expect("created");
        assert_eq!(created.len(), 2, "{answer}");
        let skipped = answer["skipped"].as_array().expect("skipped");
        let reasons: Vec<(i64, &str)> =
            skipped.iter().map(|s| (s["id"].as_i64().unwrap_or(0), s["reason"].as_str().unwrap_or(""))).collect();
        assert_eq!(reasons, vec![(other, "not_found"), (999_999, "not_found")], "another county's is not found");
        let first = created.iter().find(|a| a["enterprise_id"] == e1).expect("e1");
        assert_eq!(first["username"], code1.as_str(), "the username is the credit code");
        let otp = first["one_time_password"].as_str().expect("otp").to_string();
        assert!(otp.chars().count() >= 10);

        // Nothing twice.
        let again = w.ok("/users/bulk", &county, &json!({"enterprise_ids": [e1, e2]}), 201);
        assert_eq!(again["created"].as_array().map(Vec::len), Some(0));
        assert!(again["skipped"].as_array().expect("skipped").iter().all(|s| s["reason"] == "has_account"));

        // The holder signs in, must change the password first, then works.
        let (status, login) = sign_in(&w, &code1, &otp);
        assert_eq!(status, 200, "{login}");
        assert_eq!(login["must_change_password"], true);
        let token = login["access_token"].as_str().expect("token").to_string();
        let (status, code, _) = problem(w.get("/projects", &token));
        assert_eq!((status, code.as_str()), (403, "password_change_required"));
        let resp = w.post("/me/password", &token, &json!({"current_password": otp, "new_password": "Qiye-Mima-2026"}));
        assert_eq!(resp.status().as_u16(), 204);
        let (status, login) = sign_in(&w, &code1, "Qiye-Mima-2026");
        assert_eq!((status, login["must_change_password"].as_bool()), (200, Some(false)), "{login}");
        let token = login["access_token"].as_str().expect("token").to_string();
        assert_eq!(w.get_json("/me", &token)["enterprise_id"], e1);

        // The audit trail records the act, never a password.
        let audit = w.get_json("/audit?action=user.bulk_create", &w.admin);
        assert_eq!(audit["total"], 2, "{audit}");
        assert!(!audit.to_string().contains(&otp));
    }

    fn the_city_opens_provider_accounts_and_gets_the_credential_sheet(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        let county = w.user("county_luzhou", "county", json!({"county": "luzhou"}));
        let provider_code = uscc("91140400MA0P00001");
        let provider = w.ok("/providers", &city, &json!({"name": "示例数字科技有限公司", "credit_code": provider_code, "capabilities": ["diagnosis"]}), 201);
        let pid = provider["id"].as_i64().expect("id");
        let (e1, code1) = enterprise(&w, &city, 1, "luzhou");

        // A county opens no provider account; nor does any other role open any.
        assert_eq!(problem(w.post("/users/bulk", &county, &json!({"provider_ids": [pid]}))).0, 403);
        let enterprise_token = {
            w.ok("/users", &w.admin, &json!({"username": "ent_x", "password": "Correct-Horse-9", "role": "enterprise", "enterprise_id": e1}), 201);
            world::login(&w.server, "ent_x")
        };
        assert_eq!(problem(w.post("/users/bulk", &enterprise_token, &json!({"enterprise_ids": [e1]}))).0, 403);
        let (status, code, err) = problem(w.post("/users/bulk", &city, &json!({})));
        assert_eq!((status, code.as_str()), (422, "validation_failed"), "{err}");
        let many: Vec<i64> = (1..=201).collect();
        assert_eq!(problem(w.post("/users/bulk", &city, &json!({"enterprise_ids": many}))).0, 422);

        // e1 already has an account (ent_x); the provider gets one, as a credential sheet.
        let resp = client()
            .post(w.url("/users/bulk?format=xlsx"))
            .bearer_auth(&city)
            .json(&json!({"enterprise_ids": [e1], "provider_ids": [pid]}))
            .send()
            .expect("bulk");
        assert_eq!(resp.status().as_u16(), 201);
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(ct.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "{ct}");
        let bytes = resp.bytes().expect("body").to_vec();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        let sheet = book.worksheet_range("账号清单").expect("sheet");
        let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
        assert_eq!(rows[0][..5], ["类型", "名称", "统一社会信用代码", "用户名", "一次性密码"].map(String::from));
        let account = rows.iter().find(|r| r[0] == "服务商").expect("the provider's row");
        assert_eq!((account[2].as_str(), account[3].as_str()), (provider_code.as_str(), provider_code.as_str()));
        let skipped = rows.iter().find(|r| r[0] == "企业").expect("the skipped enterprise's row");
        assert!(skipped[5].contains("已有账号"), "{skipped:?}");
        let (status, login) = sign_in(&w, &provider_code, &account[4]);
        assert_eq!((status, login["user"]["provider_id"].as_i64()), (200, Some(pid)), "{login}");
        let _ = code1;
    }
}
