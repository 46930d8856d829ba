//! Black-box: enterprises, providers, assignments and batches over HTTP on SQLite and PostgreSQL —
//! creation rules, scope (404 outside it), role checks (403), optimistic versions (409), filters and
//! paging, and bad input that changes nothing.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;

use reqwest::blocking::Response;
use serde_json::{Value, json};
use server::{Server, client};

const PW: &str = "Correct-Horse-9";

fn uscc(body17: &str) -> String {
    const CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = body17.chars().zip(W).map(|(c, w)| CHARS.find(c).expect("code char") * w).sum();
    let check = CHARS.chars().nth((31 - sum % 31) % 31).expect("check");
    format!("{body17}{check}")
}

struct World {
    server: Server,
    admin: String,
    city: String,
    luzhou: String,
    shangdang: String,
}

impl World {
    fn new(url: &str) -> World {
        let server = Server::start(url);
        let args = ["create-user", "--database-url", url, "--username", "root", "--role", "admin", "--password-stdin"];
        let (ok, out, err) = server::run_cli(&args, server.data_dir.path(), &format!("{PW}\n"));
        assert!(ok, "{out} {err}");
        let admin = login(&server, "root");
        let mut w = World { server, admin, city: String::new(), luzhou: String::new(), shangdang: String::new() };
        w.city = w.user("city1", "city", json!({}));
        w.luzhou = w.user("county_lz", "county", json!({"county": "luzhou"}));
        w.shangdang = w.user("county_sd", "county", json!({"county": "shangdang"}));
        w
    }

    fn user(&self, name: &str, role: &str, extra: Value) -> String {
        let mut body = json!({"username": name, "password": PW, "role": role, "display_name": name});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let resp = self.post("/users", &self.admin, &body);
        assert_eq!(resp.status().as_u16(), 201, "user {name}");
        login(&self.server, name)
    }

    fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        client().post(self.server.url(&format!("/api/v1{path}"))).bearer_auth(token).json(body).send().expect("post")
    }

    fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        client().patch(self.server.url(&format!("/api/v1{path}"))).bearer_auth(token).json(body).send().expect("patch")
    }

    fn get(&self, path: &str, token: &str) -> Response {
        client().get(self.server.url(&format!("/api/v1{path}"))).bearer_auth(token).send().expect("get")
    }

    fn get_json(&self, path: &str, token: &str) -> Value {
        let resp = self.get(path, token);
        assert_eq!(resp.status().as_u16(), 200, "GET {path}");
        resp.json().expect("json")
    }

    fn enterprise(&self, token: &str, n: u32, county: &str) -> Value {
        let resp = self.post("/enterprises", token, &enterprise_body(n, county));
        assert_eq!(resp.status().as_u16(), 201, "enterprise {n}");
        resp.json().expect("json")
    }

    fn provider(&self, n: u32) -> Value {
        let body = json!({"name": format!("服务商{n}"), "credit_code": uscc(&format!("91140400MA0P{n:05}")), "capabilities": ["diagnosis", "retrofit"]});
        let resp = self.post("/providers", &self.city, &body);
        assert_eq!(resp.status().as_u16(), 201, "provider {n}");
        resp.json().expect("json")
    }
}

fn login(server: &Server, name: &str) -> String {
    let resp = server.post_json("/api/v1/auth/login", &json!({"username": name, "password": PW}));
    assert_eq!(resp.status().as_u16(), 200, "login {name}");
    let body: Value = resp.json().expect("json");
    body["access_token"].as_str().expect("token").to_string()
}

fn enterprise_body(n: u32, county: &str) -> Value {
    json!({
        "name": format!("示例电气有限公司{n}"), "credit_code": uscc(&format!("91140400MA0E{n:05}")), "county": county,
        "industry": "power_equipment", "above_designated_size": true, "employees": 120,
        "annual_revenue": "30000000.00", "is_little_giant": false, "central_fund_excluded": false,
        "contact_name": "李工", "contact_phone": "13900000000"
    })
}

fn status_and_code(resp: Response) -> (u16, String, Value) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or("").to_string(), body)
}

support::both_databases! {
    fn enterprises_are_created_within_the_county_and_validated(url: &str) {
        let w = World::new(url);
        let e = w.enterprise(&w.luzhou, 1, "luzhou");
        assert_eq!((e["sme"].as_bool(), e["version"].as_i64(), e["annual_revenue"].as_str()), (Some(true), Some(1), Some("30000000.00")));
        assert_eq!(e["credit_abnormal"], false);
        let big = {
            let mut b = enterprise_body(2, "luzhou");
            b["employees"] = json!(1500);
            b["annual_revenue"] = json!("500000000.00");
            b
        };
        let resp = w.post("/enterprises", &w.city, &big);
        assert_eq!(resp.status().as_u16(), 201);
        assert_eq!(resp.json::<Value>().expect("json")["sme"], false, "R16: 1500 staff and 5亿 revenue is not an SME");

        assert_eq!(status_and_code(w.post("/enterprises", &w.luzhou, &enterprise_body(3, "shangdang"))).0, 403);
        let mut bad = enterprise_body(4, "luzhou");
        bad["credit_code"] = json!("914403001922038217");
        let (status, _, body) = status_and_code(w.post("/enterprises", &w.luzhou, &bad));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("credit_code")));
        let mut bad = enterprise_body(5, "luzhou");
        bad["annual_revenue"] = json!(30000000);
        let (status, _, body) = status_and_code(w.post("/enterprises", &w.luzhou, &bad));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("annual_revenue")));
        let mut bad = enterprise_body(6, "luzhou");
        bad["county"] = json!("atlantis");
        assert_eq!(status_and_code(w.post("/enterprises", &w.city, &bad)).0, 422);
        let mut bad = enterprise_body(7, "luzhou");
        bad.as_object_mut().expect("object").remove("contact_phone");
        let (status, _, body) = status_and_code(w.post("/enterprises", &w.city, &bad));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("contact_phone")));
        let (status, code, _) = status_and_code(w.post("/enterprises", &w.city, &enterprise_body(1, "luzhou")));
        assert_eq!((status, code.as_str()), (409, "duplicate"));
        let ent_user = w.user("ent1", "enterprise", json!({"enterprise_id": e["id"]}));
        assert_eq!(status_and_code(w.post("/enterprises", &ent_user, &enterprise_body(8, "luzhou"))).0, 403);
        // Nothing of the refused requests was written.
        assert_eq!(w.get_json("/enterprises", &w.city)["total"], 2);
    }
}

support::both_databases! {
    fn enterprise_reads_are_scoped_for_every_role(url: &str) {
        let w = World::new(url);
        let lz = w.enterprise(&w.luzhou, 1, "luzhou");
        let sd = w.enterprise(&w.shangdang, 2, "shangdang");
        let (lz_id, sd_id) = (lz["id"].as_i64().expect("id"), sd["id"].as_i64().expect("id"));
        let provider = w.provider(1);
        let prov_user = w.user("prov1", "provider", json!({"provider_id": provider["id"]}));
        let ent_user = w.user("ent1", "enterprise", json!({"enterprise_id": lz_id}));
        let finance = w.user("fin1", "finance", json!({}));
        let evaluator = w.user("eval1", "evaluator", json!({}));

        let visible = |token: &str| -> Vec<i64> {
            let page = w.get_json("/enterprises", token);
            page["items"].as_array().expect("items").iter().filter_map(|e| e["id"].as_i64()).collect()
        };
        assert_eq!(visible(&w.city), vec![sd_id, lz_id]);
        assert_eq!(visible(&w.luzhou), vec![lz_id]);
        assert_eq!(visible(&w.shangdang), vec![sd_id]);
        assert_eq!(visible(&ent_user), vec![lz_id]);
        for token in [&prov_user, &finance, &evaluator, &w.admin] {
            assert!(visible(token).is_empty());
        }
        let get = |token: &str, id: i64| w.get(&format!("/enterprises/{id}"), token).status().as_u16();
        assert_eq!((get(&w.city, lz_id), get(&w.city, sd_id)), (200, 200));
        assert_eq!((get(&w.luzhou, lz_id), get(&w.luzhou, sd_id)), (200, 404));
        assert_eq!((get(&ent_user, lz_id), get(&ent_user, sd_id)), (200, 404));
        assert_eq!(get(&prov_user, lz_id), 404);
        assert_eq!(get(&w.city, 999_999), 404);
        assert_eq!(w.get("/enterprises/abc", &w.city).status().as_u16(), 404);
        assert_eq!(w.get("/enterprises", "not-a-token").status().as_u16(), 401);

        // Assignment opens the enterprise to its provider, and only that one.
        let resp = w.post(&format!("/enterprises/{lz_id}/assignment"), &w.luzhou, &json!({"provider_id": provider["id"]}));
        assert_eq!(resp.status().as_u16(), 201);
        let again = w.post(&format!("/enterprises/{lz_id}/assignment"), &w.luzhou, &json!({"provider_id": provider["id"]}));
        assert_eq!(again.status().as_u16(), 200);
        assert_eq!(visible(&prov_user), vec![lz_id]);
        assert_eq!((get(&prov_user, lz_id), get(&prov_user, sd_id)), (200, 404));
        assert_eq!(w.post(&format!("/enterprises/{sd_id}/assignment"), &w.luzhou, &json!({"provider_id": provider["id"]})).status().as_u16(), 404);
        assert_eq!(w.post(&format!("/enterprises/{lz_id}/assignment"), &ent_user, &json!({"provider_id": provider["id"]})).status().as_u16(), 403);
        let (status, _, body) = status_and_code(w.post(&format!("/enterprises/{lz_id}/assignment"), &w.city, &json!({"provider_id": 999_999})));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("provider_id")));
        let suspended = w.provider(2);
        let resp = w.patch(&format!("/providers/{}", suspended["id"]), &w.city, &json!({"status": "suspended", "reason": "年度评估靠后"}));
        assert_eq!(resp.status().as_u16(), 200);
        let (status, code, _) = status_and_code(w.post(&format!("/enterprises/{lz_id}/assignment"), &w.city, &json!({"provider_id": suspended["id"]})));
        assert_eq!((status, code.as_str()), (422, "provider_inactive"));
    }
}

support::both_databases! {
    fn enterprise_filters_and_paging(url: &str) {
        let w = World::new(url);
        for n in 1..=5 {
            w.enterprise(&w.city, n, if n % 2 == 0 { "shangdang" } else { "luzhou" });
        }
        assert_eq!(w.get_json("/enterprises?county=luzhou", &w.city)["total"], 3);
        assert_eq!(w.get_json("/enterprises?county=luzhou&industry=chemical_materials", &w.city)["total"], 0);
        assert_eq!(w.get_json("/enterprises?q=%E5%85%AC%E5%8F%B84", &w.city)["total"], 1, "q=公司4");
        assert_eq!(w.get_json(&format!("/enterprises?q={}", uscc("91140400MA0E00002")), &w.city)["total"], 1);
        assert_eq!(w.get_json("/enterprises?q=%25", &w.city)["total"], 0, "a % in q is a character, not a wildcard");
        let page = w.get_json("/enterprises?per_page=2&page=3", &w.city);
        assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(5), Some(3), Some(2)));
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
        let (status, _, body) = status_and_code(w.get("/enterprises?page=x", &w.city));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("page")));
        let (status, _, _) = status_and_code(w.get("/enterprises?county=atlantis", &w.city));
        assert_eq!(status, 422);
        let capped = w.get_json("/enterprises?per_page=100000", &w.city);
        assert_eq!(capped["per_page"], 100);

        let batch = w.post("/batches", &w.city, &json!({"number": 1, "name": "第一批", "diagnosis_due": "2026-01-31",
            "retrofit_due": "2026-05-31", "acceptance_start": "2026-06-01", "acceptance_end": "2026-07-31"}));
        assert_eq!(batch.status().as_u16(), 201);
        let batch: Value = batch.json().expect("json");
        let ids: Vec<i64> = w.get_json("/enterprises?county=luzhou", &w.city)["items"].as_array().expect("items").iter().filter_map(|e| e["id"].as_i64()).collect();
        let resp = w.post(&format!("/batches/{}/enterprises", batch["id"]), &w.city, &json!({"enterprise_ids": ids}));
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(w.get_json(&format!("/enterprises?batch_id={}", batch["id"]), &w.city)["total"], 3);
        assert_eq!(w.get_json(&format!("/enterprises?batch_id={}", batch["id"]), &w.shangdang)["total"], 0);
    }
}

support::both_databases! {
    fn patch_checks_rights_scope_and_version(url: &str) {
        let w = World::new(url);
        let e = w.enterprise(&w.luzhou, 1, "luzhou");
        let id = e["id"].as_i64().expect("id");
        let path = format!("/enterprises/{id}");
        let ent_user = w.user("ent1", "enterprise", json!({"enterprise_id": id}));
        let provider = w.provider(1);
        let prov_user = w.user("prov1", "provider", json!({"provider_id": provider["id"]}));

        let resp = w.patch(&path, &w.luzhou, &json!({"version": 1, "credit_abnormal": true}));
        assert_eq!(resp.status().as_u16(), 200);
        let v2: Value = resp.json().expect("json");
        assert_eq!((v2["credit_abnormal"].as_bool(), v2["version"].as_i64()), (Some(true), Some(2)));
        // The same version again is stale.
        let (status, code, _) = status_and_code(w.patch(&path, &w.city, &json!({"version": 1, "dishonest": true})));
        assert_eq!((status, code.as_str()), (409, "stale_version"));
        assert_eq!(status_and_code(w.patch(&path, &ent_user, &json!({"version": 2, "credit_abnormal": false}))).0, 403);
        assert_eq!(status_and_code(w.patch(&path, &w.luzhou, &json!({"version": 2, "central_fund_excluded": true}))).0, 403);
        assert_eq!(status_and_code(w.patch(&path, &w.shangdang, &json!({"version": 2, "dishonest": true}))).0, 404);
        assert_eq!(status_and_code(w.patch(&path, &prov_user, &json!({"version": 2, "contact_name": "王工"}))).0, 403);
        assert_eq!(status_and_code(w.patch(&path, &ent_user, &json!({"version": 2, "contact_phone": "phone"}))).0, 422);
        assert_eq!(status_and_code(w.patch(&path, &ent_user, &json!({"version": 2}))).0, 422);
        assert_eq!(status_and_code(w.patch(&path, &ent_user, &json!({"version": 2, "credit_code": "x"}))).0, 422);
        // None of the refusals changed anything.
        let now = w.get_json(&path, &w.city);
        assert_eq!((now["version"].as_i64(), now["dishonest"].as_bool(), now["contact_phone"].as_str()), (Some(2), Some(false), Some("13900000000")));
        let resp = w.patch(&path, &ent_user, &json!({"version": 2, "contact_phone": "0355-1234567", "employees": 130}));
        assert_eq!(resp.status().as_u16(), 200);
        let v3: Value = resp.json().expect("json");
        assert_eq!((v3["version"].as_i64(), v3["employees"].as_i64()), (Some(3), Some(130)));
        let resp = w.patch(&path, &w.city, &json!({"version": 3, "central_fund_excluded": true}));
        assert_eq!(resp.json::<Value>().expect("json")["central_fund_excluded"], true);
    }
}

support::both_databases! {
    fn providers_and_batches_are_the_city_s(url: &str) {
        let w = World::new(url);
        let p = w.provider(1);
        assert_eq!((p["status"].as_str(), p["capabilities"].as_array().map(Vec::len)), (Some("active"), Some(2)));
        let body = json!({"name": "县里的服务商", "credit_code": uscc("91140400MA0P00009"), "capabilities": ["cloud"]});
        assert_eq!(w.post("/providers", &w.luzhou, &body).status().as_u16(), 403);
        // The role is refused before the body is looked at: a wrong role learns nothing from validation.
        assert_eq!(w.post("/providers", &w.luzhou, &json!({"nonsense": 1})).status().as_u16(), 403);
        assert_eq!(w.post("/batches", &w.luzhou, &json!([])).status().as_u16(), 403);
        let (status, _, body) = status_and_code(w.post("/providers", &w.city, &json!({"name": "x", "credit_code": "123", "capabilities": []})));
        assert_eq!(status, 422);
        let fields: Vec<&str> = body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(fields, ["credit_code", "capabilities"]);
        assert_eq!(status_and_code(w.post("/providers", &w.city, &json!({"name": "x", "credit_code": uscc("91140400MA0P00008"), "capabilities": ["magic"]}))).0, 422);
        let pid = p["id"].as_i64().expect("id");
        assert_eq!(status_and_code(w.patch(&format!("/providers/{pid}"), &w.city, &json!({"status": "removed"}))).0, 422);
        assert_eq!(status_and_code(w.patch(&format!("/providers/{pid}"), &w.luzhou, &json!({"status": "removed", "reason": "x"}))).0, 403);
        assert_eq!(w.get_json(&format!("/providers/{pid}"), &w.luzhou)["version"], 1);
        assert_eq!(w.get_json("/providers?status=active", &w.luzhou)["total"], 1);
        assert_eq!(w.get_json("/providers?status=suspended", &w.luzhou)["total"], 0);

        let batch = json!({"number": 2, "name": "第二批", "diagnosis_due": "2026-01-31", "retrofit_due": "2026-05-31",
            "acceptance_start": "2026-06-01", "acceptance_end": "2026-07-31"});
        assert_eq!(w.post("/batches", &w.luzhou, &batch).status().as_u16(), 403);
        let created: Value = w.post("/batches", &w.city, &batch).json().expect("json");
        assert_eq!(status_and_code(w.post("/batches", &w.city, &batch)).0, 409);
        let mut bad = batch.clone();
        bad["number"] = json!(3);
        bad["acceptance_end"] = json!("2026-05-01");
        let (status, _, body) = status_and_code(w.post("/batches", &w.city, &bad));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("acceptance_end")));
        let mut bad = batch.clone();
        bad["number"] = json!(4);
        bad["diagnosis_due"] = json!("2026-02-30");
        assert_eq!(status_and_code(w.post("/batches", &w.city, &bad)).0, 422);

        let e = w.enterprise(&w.city, 1, "luzhou");
        let members = format!("/batches/{}/enterprises", created["id"]);
        // All or nothing: one unknown id and nobody is added.
        let (status, _, body) = status_and_code(w.post(&members, &w.city, &json!({"enterprise_ids": [e["id"], 999_999]})));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("enterprise_ids")));
        assert_eq!(w.get_json(&format!("/batches/{}", created["id"]), &w.luzhou)["enterprises"], 0);
        let r: Value = w.post(&members, &w.city, &json!({"enterprise_ids": [e["id"]]})).json().expect("json");
        assert_eq!(r["added"], json!([e["id"]]));
        let r: Value = w.post(&members, &w.city, &json!({"enterprise_ids": [e["id"]]})).json().expect("json");
        assert_eq!((r["added"].clone(), r["already"].clone()), (json!([]), json!([e["id"]])));
        assert_eq!(w.post(&members, &w.luzhou, &json!({"enterprise_ids": [e["id"]]})).status().as_u16(), 403);
        assert_eq!(w.post("/batches/999/enterprises", &w.city, &json!({"enterprise_ids": [e["id"]]})).status().as_u16(), 404);
        let list = w.get_json("/batches", &w.luzhou);
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        assert_eq!(list[0]["enterprises"], 1);
    }
}
