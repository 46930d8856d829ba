//! Black-box (issue 5), on SQLite and PostgreSQL: the evaluation scheme in force and an
//! evaluation's detail (computed level, mismatch flag and filter); provider performance
//! evaluations (composite, rank, one per year, suspension below the threshold, a suspended provider
//! takes no new work) and editable capabilities; the 小快轻准 catalogue (create, scope, review,
//! links to projects, the Annex-1 `solutions` target).

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use server::client;
use world::{PDF, World, enterprise_body, problem, uscc};

fn day(n: i64) -> String {
    ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)).to_string()
}

struct Pilot {
    w: World,
    city: String,
    county: String,
    finance: String,
    evaluator: String,
    provider: String,
    provider_id: i64,
    batch_id: i64,
}

impl Pilot {
    fn new(url: &str) -> Pilot {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county = w.user("county_lz", "county", json!({"county": "luzhou"}));
        let finance = w.user("fin", "finance", json!({}));
        let evaluator = w.user("eval", "evaluator", json!({}));
        let provider_id = Pilot::new_provider(&w, &city, 1);
        let provider = w.user("prov", "provider", json!({"provider_id": provider_id}));
        let b = w.ok(
            "/batches",
            &city,
            &json!({"number": 1, "name": "第一批", "diagnosis_due": day(30), "retrofit_due": day(120),
            "acceptance_start": day(90), "acceptance_end": day(150)}),
            201,
        );
        let batch_id = b["id"].as_i64().expect("id");
        Pilot { w, city, county, finance, evaluator, provider, provider_id, batch_id }
    }

    fn new_provider(w: &World, city: &str, n: u32) -> i64 {
        let body = json!({"name": format!("服务商{n}"), "credit_code": uscc(&format!("91140400MA0T0000{n}")), "capabilities": ["diagnosis", "retrofit"]});
        w.ok("/providers", city, &body, 201)["id"].as_i64().expect("id")
    }

    /// An enterprise of Luzhou in the batch, assigned and diagnosed; (id, its user's token).
    fn enterprise(&self, n: u32) -> (i64, String) {
        let e = self.w.ok("/enterprises", &self.county, &enterprise_body(n, "luzhou"), 201);
        let id = e["id"].as_i64().expect("id");
        self.w.ok(
            &format!("/batches/{}/enterprises", self.batch_id),
            &self.city,
            &json!({"enterprise_ids": [id]}),
            200,
        );
        self.w.ok(&format!("/enterprises/{id}/assignment"), &self.city, &json!({"provider_id": self.provider_id}), 201);
        let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": [], "individual_needs": [], "fee": "20000.00"});
        let resp = self.w.upload(&format!("/enterprises/{id}/diagnoses"), &self.provider, &meta, PDF);
        assert_eq!(resp.status().as_u16(), 201, "diagnosis: {}", resp.text().unwrap_or_default());
        (id, self.w.user(&format!("ent{n}"), "enterprise", json!({"enterprise_id": id})))
    }

    fn project_body(&self, provider_id: i64) -> Value {
        json!({"batch_id": self.batch_id, "provider_id": provider_id, "contract_no": "HT-001", "contract_amount": "600000.00",
            "planned_eligible_investment": "600000.00", "target_level": 3, "overlapping_support_declared": false})
    }

    /// A project of `ent` taken to `awaiting_acceptance`.
    fn awaiting_acceptance(&self, ent: &str) -> i64 {
        let pid = self.w.ok("/projects", ent, &self.project_body(self.provider_id), 201)["id"].as_i64().expect("id");
        self.w.ok(&format!("/projects/{pid}/submit"), ent, &json!({}), 200);
        self.w.ok(&format!("/projects/{pid}/county-review"), &self.county, &json!({"decision": "recommend"}), 200);
        self.w.ok(&format!("/projects/{pid}/city-review"), &self.city, &json!({"decision": "approve"}), 200);
        let notice = self.w.ok(
            "/notices",
            &self.city,
            &json!({"project_ids": [pid], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        );
        self.w.ok(&format!("/notices/{}/close", notice["id"]), &self.city, &json!({"upheld_project_ids": []}), 200);
        let page = self.w.get_json(&format!("/payments?project_id={pid}&kind=prepayment"), &self.city);
        let pay = page["items"][0]["id"].as_i64().expect("prepayment");
        self.w.ok(&format!("/payments/{pay}/approve"), &self.city, &json!({}), 200);
        self.w.ok(
            &format!("/payments/{pay}/execute"),
            &self.finance,
            &json!({"paid_on": day(0), "voucher_no": format!("PZ-{pid}")}),
            200,
        );
        self.w.ok(&format!("/projects/{pid}/complete"), ent, &json!({}), 200);
        pid
    }

    fn evaluate(&self, pid: i64, meta: &Value) -> (u16, Value) {
        let resp = self.w.upload(&format!("/projects/{pid}/evaluation"), &self.evaluator, meta, PDF);
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"].as_array().into_iter().flatten().filter_map(|e| e["field"].as_str().map(str::to_string)).collect()
}

support::both_databases! {
    fn evaluation_scheme_and_detail(url: &str) {
        let p = Pilot::new(url);
        // Public, no token.
        let resp = client().get(p.w.url("/evaluation-scheme")).send().expect("get");
        assert_eq!(resp.status().as_u16(), 200);
        let scheme: Value = resp.json().expect("json");
        assert_eq!(scheme["id"], "miit-digital-level-2024");
        let maxima: Vec<(&str, &str)> = scheme["dimensions"]
            .as_array()
            .expect("dimensions")
            .iter()
            .map(|d| (d["key"].as_str().unwrap_or(""), d["max"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(maxima, [("foundation", "50"), ("management", "30"), ("outcomes", "20")]);
        assert!(scheme["levels"].as_array().expect("levels").iter().all(|l| l["assumption"] == true));

        let (_, ent) = p.enterprise(1);
        let pid = p.awaiting_acceptance(&ent);
        // A dimension above its max: 422 naming it, nothing changes.
        let bad = json!({"level": 3, "score": 70, "evaluated_on": day(0), "detail": {
            "dimension_scores": {"foundation": 50.5, "management": 20, "outcomes": 10},
            "scenes": {"production_control": 3, "finance": 3}}});
        let (status, body) = p.evaluate(pid, &bad);
        assert_eq!(status, 422, "{body}");
        assert_eq!(fields(&body), ["meta.detail.dimension_scores.foundation"]);
        // A mandatory scene missing and an unknown scene.
        let bad = json!({"level": 3, "score": 70, "evaluated_on": day(0), "detail": {
            "dimension_scores": {"foundation": 40, "management": 20, "outcomes": 10},
            "scenes": {"finance": 3, "teleport": 2}}});
        let (status, body) = p.evaluate(pid, &bad);
        assert_eq!(status, 422, "{body}");
        assert_eq!(fields(&body), ["meta.detail.scenes.teleport", "meta.detail.scenes.production_control"]);
        assert_eq!(p.w.get_json(&format!("/projects/{pid}"), &p.city)["status"], "awaiting_acceptance");

        // Recorded level 3; the detail computes level 2 (score 55.5 < 60): a mismatch, and the
        // recorded level still decides the money.
        let meta = json!({"level": 3, "score": 70, "evaluated_on": day(0), "detail": {
            "dimension_scores": {"foundation": 30.5, "management": 15, "outcomes": 10},
            "scenes": {"production_control": 3, "finance": 3, "marketing": 3, "procurement": 3}}});
        let (status, body) = p.evaluate(pid, &meta);
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "accepted");
        assert_eq!(body["subsidy"]["achieved_level"], 3);
        assert_eq!(body["computed_level"], 2);
        assert_eq!(body["level_mismatch"], true);
        assert_eq!(body["evaluation_detail"]["total"], "55.50");
        assert_eq!(body["evaluation_detail"]["dimension_scores"]["foundation"], "30.50");
        let got = p.w.get_json(&format!("/projects/{pid}"), &p.county);
        assert_eq!((got["computed_level"].clone(), got["level_mismatch"].clone()), (json!(2), json!(true)));

        // A second project evaluated with a matching detail, a third without one.
        let (_, ent2) = p.enterprise(2);
        let pid2 = p.awaiting_acceptance(&ent2);
        let meta = json!({"level": 3, "score": 80, "evaluated_on": day(0), "detail": {
            "dimension_scores": {"foundation": 40, "management": 20, "outcomes": 10},
            "scenes": {"production_control": 3, "finance": 3, "marketing": 3, "procurement": 3}}});
        let (status, body) = p.evaluate(pid2, &meta);
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["computed_level"].clone(), body["level_mismatch"].clone()), (json!(3), json!(false)));
        let (_, ent3) = p.enterprise(3);
        let pid3 = p.awaiting_acceptance(&ent3);
        let (status, body) = p.evaluate(pid3, &json!({"level": 2, "score": 60, "evaluated_on": day(0)}));
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["computed_level"].clone(), body["level_mismatch"].clone()), (Value::Null, json!(false)));

        let flagged = p.w.get_json("/projects?level_mismatch=true", &p.city);
        assert_eq!(flagged["total"], 1);
        assert_eq!(flagged["items"][0]["id"], pid);
        assert_eq!(p.w.get_json("/projects", &p.city)["total"], 3);
        // Scoped like every list: another county sees none.
        let other = p.w.user("county_sd", "county", json!({"county": "shangdang"}));
        assert_eq!(p.w.get_json("/projects?level_mismatch=true", &other)["total"], 0);
    }

    fn provider_evaluations_rank_and_suspend(url: &str) {
        let p = Pilot::new(url);
        let p2 = Pilot::new_provider(&p.w, &p.city, 2);
        let p3 = Pilot::new_provider(&p.w, &p.city, 3);
        let num = |t: &str| Value::Number(t.parse().expect("number"));
        let eval = |id: i64, s: [&str; 5]| {
            p.w.post(&format!("/providers/{id}/evaluations"), &p.city, &json!({"year": 2025, "scores": {
                "results": num(s[0]), "feedback": num(s[1]), "process": num(s[2]), "report_quality": num(s[3]),
                "sampling": num(s[4])}, "comment": "年度评估"}))
        };
        let resp = eval(p.provider_id, ["90", "80", "70", "60", "50.5"]);
        assert_eq!(resp.status().as_u16(), 201);
        let first: Value = resp.json().expect("json");
        // Equal weights 0.20: (90 + 80 + 70 + 60 + 50.5) / 5 = 70.1, exactly.
        assert_eq!((first["composite"].as_str(), first["rank"].as_i64()), (Some("70.10"), Some(1)));
        let second: Value = eval(p2, ["70.1", "70.1", "70.1", "70.1", "70.1"]).json().expect("json");
        assert_eq!((second["composite"].as_str(), second["rank"].as_i64()), (Some("70.10"), Some(1)), "ties share a rank");
        let third: Value = eval(p3, ["50", "55", "60", "40", "45.25"]).json().expect("json");
        assert_eq!((third["composite"].as_str(), third["rank"].as_i64()), (Some("50.05"), Some(3)));
        assert_eq!(third["below_threshold"], true);

        // One per provider and year; bad scores name the field; roles and scope.
        let (status, code, _) = problem(eval(p2, ["1", "1", "1", "1", "1"]));
        assert_eq!((status, code.as_str()), (409, "duplicate"));
        let (status, _, body) = problem(p.w.post(&format!("/providers/{p2}/evaluations"), &p.city,
            &json!({"year": 2026, "scores": {"results": 1, "feedback": 100.5, "process": 1, "report_quality": 1, "sampling": 1.001}})));
        assert_eq!(status, 422);
        assert_eq!(fields(&body), ["scores.feedback", "scores.sampling"]);
        let (status, _, body) = problem(p.w.post(&format!("/providers/{p2}/evaluations"), &p.city,
            &json!({"year": 2026, "scores": {"results": 1, "feedback": 1, "process": 1, "report_quality": 1}})));
        assert_eq!((status, fields(&body)), (422, vec!["scores.sampling".to_string()]));
        let scores = json!({"results": 1, "feedback": 1, "process": 1, "report_quality": 1, "sampling": 1});
        let (status, _, _) = problem(p.w.post(&format!("/providers/{p2}/evaluations"), &p.county, &json!({"year": 2025, "scores": scores})));
        assert_eq!(status, 403);
        let (status, _, _) = problem(p.w.post("/providers/987654321/evaluations", &p.city, &json!({"year": 2025, "scores": scores})));
        assert_eq!(status, 404);

        // The ranking: the city sees all, a provider only its own row, others 403.
        let ranking = p.w.get_json("/providers/evaluations?year=2025", &p.city);
        assert_eq!(ranking["evaluated"], 3);
        let order: Vec<(i64, i64)> = ranking["items"].as_array().expect("items").iter()
            .map(|i| (i["provider_id"].as_i64().unwrap_or(0), i["rank"].as_i64().unwrap_or(0))).collect();
        assert_eq!(order, [(p.provider_id, 1), (p2, 1), (p3, 3)]);
        assert_eq!(ranking["suspension_below"], "60");
        assert_eq!(ranking["weights"]["results"], "0.2");
        let own = p.w.get_json("/providers/evaluations?year=2025", &p.provider);
        assert_eq!(own["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(own["items"][0]["provider_id"], p.provider_id);
        assert_eq!(p.w.get("/providers/evaluations?year=2025", &p.county).status().as_u16(), 403);
        assert_eq!(p.w.get("/providers/evaluations", &p.city).status().as_u16(), 422);
        assert_eq!(p.w.get_json("/providers/evaluations?year=2024", &p.city)["evaluated"], 0);

        // Suspend those below the threshold: only p3, once.
        assert_eq!(p.w.post("/providers/evaluations/suspensions", &p.county, &json!({"year": 2025})).status().as_u16(), 403);
        let done = p.w.ok("/providers/evaluations/suspensions", &p.city, &json!({"year": 2025}), 200);
        let ids: Vec<i64> = done["suspended"].as_array().expect("list").iter().filter_map(|v| v["id"].as_i64()).collect();
        assert_eq!(ids, [p3]);
        assert_eq!(done["suspended"][0]["status"], "suspended");
        assert!(done["suspended"][0]["status_reason"].as_str().unwrap_or("").contains("50.05"));
        let again = p.w.ok("/providers/evaluations/suspensions", &p.city, &json!({"year": 2025}), 200);
        assert_eq!(again["suspended"], json!([]));
        let (status, _, body) = problem(p.w.post("/providers/evaluations/suspensions", &p.city, &json!({"year": 1999})));
        assert_eq!((status, fields(&body)), (422, vec!["year".to_string()]));

        // A suspended provider takes no new work: no assignment, no contract, no product.
        let (eid, ent) = p.enterprise(1);
        let (status, code, _) = problem(p.w.post(&format!("/enterprises/{eid}/assignment"), &p.city, &json!({"provider_id": p3})));
        assert_eq!((status, code.as_str()), (422, "provider_inactive"));
        let (status, code, _) = problem(p.w.post("/projects", &ent, &p.project_body(p3)));
        assert_eq!((status, code.as_str()), (422, "provider_blocked"));
        let prov3 = p.w.user("prov3", "provider", json!({"provider_id": p3}));
        let (status, code, _) = problem(p.w.post("/products", &prov3, &json!({"name": "设备联网套件", "industry": "power_equipment", "summary": "轻量化"})));
        assert_eq!((status, code.as_str()), (422, "provider_inactive"));

        // Capabilities are editable by the city (and only by it), and shown.
        let resp = p.w.patch(&format!("/providers/{p2}"), &p.city, &json!({"capabilities": ["cloud", "training", "cloud"]}));
        assert_eq!(resp.status().as_u16(), 200);
        let v: Value = resp.json().expect("json");
        assert_eq!((v["capabilities"].clone(), v["status"].clone()), (json!(["cloud", "training"]), json!("active")));
        assert_eq!(p.w.get_json(&format!("/providers/{p2}"), &p.county)["capabilities"], json!(["cloud", "training"]));
        let (status, _, body) = problem(p.w.patch(&format!("/providers/{p2}"), &p.city, &json!({"capabilities": []})));
        assert_eq!((status, fields(&body)), (422, vec!["capabilities".to_string()]));
        let (status, _, _) = problem(p.w.patch(&format!("/providers/{p2}"), &p.city, &json!({})));
        assert_eq!(status, 422);
        assert_eq!(p.w.patch(&format!("/providers/{p2}"), &p.county, &json!({"capabilities": ["cloud"]})).status().as_u16(), 403);
    }

    fn catalogue_review_and_links(url: &str) {
        let p = Pilot::new(url);
        let p2 = Pilot::new_provider(&p.w, &p.city, 2);
        let prov2 = p.w.user("prov2", "provider", json!({"provider_id": p2}));
        let (_, ent) = p.enterprise(1);
        let body = json!({"name": "设备联网轻量化套件", "industry": "power_equipment", "summary": "网关+云平台,两周上线", "price": "48000.00"});
        let created = p.w.ok("/products", &p.provider, &body, 201);
        let id = created["id"].as_i64().expect("id");
        assert_eq!((created["status"].as_str(), created["price"].as_str()), (Some("pending"), Some("48000.00")));
        let (status, _, problem_body) = problem(p.w.post("/products", &p.provider, &json!({"name": " ", "industry": "power_equipment", "summary": ""})));
        assert_eq!((status, fields(&problem_body)), (422, vec!["name".to_string(), "summary".to_string()]));
        let (status, _, problem_body) = problem(p.w.post("/products", &p.provider, &json!({"name": "x", "industry": "power_equipment", "summary": "y", "price": 100})));
        assert_eq!((status, fields(&problem_body)), (422, vec!["price".to_string()]));
        assert_eq!(p.w.post("/products", &ent, &body).status().as_u16(), 403);
        assert_eq!(p.w.post("/products", &p.city, &body).status().as_u16(), 403);

        // Pending: its provider and the city see it; nobody else.
        assert_eq!(p.w.get(&format!("/products/{id}"), &p.provider).status().as_u16(), 200);
        assert_eq!(p.w.get(&format!("/products/{id}"), &p.city).status().as_u16(), 200);
        assert_eq!(p.w.get(&format!("/products/{id}"), &prov2).status().as_u16(), 404);
        assert_eq!(p.w.get(&format!("/products/{id}"), &ent).status().as_u16(), 404);
        assert_eq!(p.w.get_json("/products", &ent)["total"], 0);
        assert_eq!(p.w.get_json("/products?status=pending", &p.city)["total"], 1);

        // A pending product cannot be linked.
        let pid = p.w.ok("/projects", &ent, &p.project_body(p.provider_id), 201)["id"].as_i64().expect("id");
        let (status, code, _) = problem(p.w.post(&format!("/projects/{pid}/products"), &ent, &json!({"product_id": id})));
        assert_eq!((status, code.as_str()), (422, "product_not_approved"));

        // Review: city only, once.
        assert_eq!(p.w.post(&format!("/products/{id}/review"), &p.provider, &json!({"decision": "approve"})).status().as_u16(), 403);
        assert_eq!(p.w.post("/products/987654321/review", &p.city, &json!({"decision": "approve"})).status().as_u16(), 404);
        let reviewed = p.w.ok(&format!("/products/{id}/review"), &p.city, &json!({"decision": "approve", "comment": "通用性强"}), 200);
        assert_eq!(reviewed["status"], "approved");
        let (status, code, _) = problem(p.w.post(&format!("/products/{id}/review"), &p.city, &json!({"decision": "reject"})));
        assert_eq!((status, code.as_str()), (409, "invalid_state"));
        let other = p.w.ok("/products", &prov2, &json!({"name": "能耗监测", "industry": "chemical_materials", "summary": "按需订阅"}), 201);
        let other_id = other["id"].as_i64().expect("id");
        p.w.ok(&format!("/products/{other_id}/review"), &p.city, &json!({"decision": "reject", "comment": "材料不全"}), 200);

        // Approved ones are the catalogue; filters; a provider also sees its own rejected one.
        assert_eq!(p.w.get_json("/products", &ent)["total"], 1);
        assert_eq!(p.w.get_json("/products?industry=power_equipment", &ent)["items"][0]["id"], id);
        assert_eq!(p.w.get_json("/products?industry=chemical_materials", &ent)["total"], 0);
        assert_eq!(p.w.get_json("/products?q=联网", &p.county)["total"], 1);
        assert_eq!(p.w.get_json("/products", &prov2)["total"], 2);
        assert_eq!(p.w.get_json(&format!("/products?provider_id={p2}"), &prov2)["items"][0]["status"], "rejected");
        assert_eq!(p.w.get_json("/products", &p.city)["total"], 2);
        assert_eq!(p.w.get_json("/products?status=approved", &p.city)["total"], 1);
        assert_eq!(p.w.get(&format!("/products/{other_id}"), &ent).status().as_u16(), 404);

        // Link it to the project: shown on the project; twice is 409; others' projects 404.
        let project = p.w.ok(&format!("/projects/{pid}/products"), &ent, &json!({"product_id": id}), 201);
        assert_eq!(project["products"][0]["id"], id);
        assert_eq!(project["products"][0]["provider_name"], "服务商1");
        let (status, code, _) = problem(p.w.post(&format!("/projects/{pid}/products"), &ent, &json!({"product_id": id})));
        assert_eq!((status, code.as_str()), (409, "duplicate"));
        let (status, code, _) = problem(p.w.post(&format!("/projects/{pid}/products"), &ent, &json!({"product_id": other_id})));
        assert_eq!((status, code.as_str()), (422, "product_not_approved"));
        assert_eq!(p.w.get_json(&format!("/projects/{pid}"), &p.city)["products"][0]["name"], "设备联网轻量化套件");
        let (_, ent2) = p.enterprise(2);
        assert_eq!(p.w.post(&format!("/projects/{pid}/products"), &ent2, &json!({"product_id": id})).status().as_u16(), 404);
        assert_eq!(p.w.post(&format!("/projects/{pid}/products"), &p.city, &json!({"product_id": id})).status().as_u16(), 403);

        // The Annex-1 target `solutions` counts approved products.
        let dash = p.w.get_json("/dashboard", &p.city);
        let solutions = dash["targets"].as_array().expect("targets").iter().find(|t| t["key"] == "solutions").cloned().expect("solutions");
        assert_eq!((solutions["target"].clone(), solutions["actual"].clone()), (json!(132), json!(1)));
    }
}
