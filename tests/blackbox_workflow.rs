//! Black-box: the whole pilot workflow over HTTP as the real roles, on SQLite and PostgreSQL —
//! draft → settled, draft → failed → closed, cancellation with fraud, zero amounts, the
//! preconditions, wrong role / wrong state / out of scope, notices, concurrent approvals, and the
//! ledger invariants (fund parts add up; paid − recovered = what the project is owed).

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use world::{PDF, World, enterprise_body, problem, uscc};

fn day(n: i64) -> String {
    ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)).to_string()
}

fn money(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("money string expected, got {v}"));
    let (yuan, fen) = s.split_once('.').expect("two decimals");
    assert_eq!(fen.len(), 2, "{s}");
    yuan.parse::<i64>().expect("yuan") * 100 + fen.parse::<i64>().expect("fen")
}

struct Pilot {
    w: World,
    city: String,
    county: String,
    other_county: String,
    finance: String,
    evaluator: String,
    provider: String,
    provider_id: i64,
    batch_id: i64,
}

impl Pilot {
    fn new(url: &str) -> Pilot {
        Pilot::start_with(url, &[])
    }

    /// A pilot whose server runs with more arguments (e.g. another city's `--policy FILE`).
    fn start_with(url: &str, extra: &[&str]) -> Pilot {
        let w = World::start_with(url, extra);
        let city = w.user("city", "city", json!({}));
        let county = w.user("county_lz", "county", json!({"county": "luzhou"}));
        let other_county = w.user("county_sd", "county", json!({"county": "shangdang"}));
        let finance = w.user("fin", "finance", json!({}));
        let evaluator = w.user("eval", "evaluator", json!({}));
        let p = w.ok("/providers", &city, &json!({"name": "示例服务商", "credit_code": uscc("91140400MA0T00001"), "capabilities": ["diagnosis", "retrofit"]}), 201);
        let provider_id = p["id"].as_i64().expect("id");
        let provider = w.user("prov", "provider", json!({"provider_id": provider_id}));
        let b = w.ok(
            "/batches",
            &city,
            &json!({"number": 1, "name": "第一批", "diagnosis_due": day(30), "retrofit_due": day(120),
            "acceptance_start": day(90), "acceptance_end": day(150)}),
            201,
        );
        let batch_id = b["id"].as_i64().expect("id");
        Pilot { w, city, county, other_county, finance, evaluator, provider, provider_id, batch_id }
    }

    /// An enterprise of Luzhou in the batch, assigned and diagnosed; returns (id, its user's token).
    fn enterprise(&self, n: u32, extra: Value) -> (i64, String) {
        let mut body = enterprise_body(n, "luzhou");
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        let e = self.w.ok("/enterprises", &self.county, &body, 201);
        let id = e["id"].as_i64().expect("id");
        self.w.ok(
            &format!("/batches/{}/enterprises", self.batch_id),
            &self.city,
            &json!({"enterprise_ids": [id]}),
            200,
        );
        self.w.ok(&format!("/enterprises/{id}/assignment"), &self.city, &json!({"provider_id": self.provider_id}), 201);
        let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": ["设备联网"], "individual_needs": ["能耗监测"], "fee": "20000.00"});
        let resp = self.w.upload(&format!("/enterprises/{id}/diagnoses"), &self.provider, &meta, PDF);
        assert_eq!(resp.status().as_u16(), 201, "diagnosis: {}", resp.text().unwrap_or_default());
        let token = self.w.user(&format!("ent{n}"), "enterprise", json!({"enterprise_id": id}));
        (id, token)
    }

    fn project_body(&self, planned: &str, target: u8) -> Value {
        json!({"batch_id": self.batch_id, "provider_id": self.provider_id, "contract_no": "HT-001", "contract_amount": planned,
            "planned_eligible_investment": planned, "target_level": target, "overlapping_support_declared": false})
    }

    /// Create, submit, recommend, approve, publish and clear: the project is `cleared` (or
    /// `in_progress` if its prepayment is 0).
    fn through_notice(&self, ent: &str, planned: &str, target: u8) -> i64 {
        let p = self.w.ok("/projects", ent, &self.project_body(planned, target), 201);
        let pid = p["id"].as_i64().expect("id");
        self.w.ok(&format!("/projects/{pid}/submit"), ent, &json!({}), 200);
        self.w.ok(
            &format!("/projects/{pid}/county-review"),
            &self.county,
            &json!({"decision": "recommend", "comment": "材料齐全"}),
            200,
        );
        self.w.ok(
            &format!("/projects/{pid}/city-review"),
            &self.city,
            &json!({"decision": "approve", "comment": "同意"}),
            200,
        );
        let notice = self.w.ok(
            "/notices",
            &self.city,
            &json!({"project_ids": [pid], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        );
        self.w.ok(&format!("/notices/{}/close", notice["id"]), &self.city, &json!({"upheld_project_ids": []}), 200);
        pid
    }

    fn payments(&self, pid: i64, kind: &str) -> Vec<Value> {
        let page = self.w.get_json(&format!("/payments?project_id={pid}&kind={kind}"), &self.city);
        page["items"].as_array().expect("items").clone()
    }

    /// Approve and execute the one open instruction of `kind`; returns it.
    fn pay(&self, pid: i64, kind: &str, amount: &str) -> Value {
        let items = self.payments(pid, kind);
        assert_eq!(items.len(), 1, "one {kind}: {items:?}");
        let p = &items[0];
        assert_eq!(p["amount"], amount, "{kind}");
        let f = &p["funds"];
        assert_eq!(
            money(&f["central"]) + money(&f["city"]) + money(&f["county"]),
            money(&p["amount"]),
            "fund parts add up"
        );
        self.w.ok(&format!("/payments/{}/approve", p["id"]), &self.city, &json!({}), 200);
        self.w.ok(
            &format!("/payments/{}/execute", p["id"]),
            &self.finance,
            &json!({"paid_on": day(0), "voucher_no": format!("PZ-{kind}-{pid}")}),
            200,
        )
    }

    fn project(&self, pid: i64) -> Value {
        self.w.get_json(&format!("/projects/{pid}"), &self.city)
    }

    fn evaluate(&self, pid: i64, level: u8) -> Value {
        let meta = json!({"level": level, "score": 55.0, "evaluated_on": day(0)});
        let resp = self.w.upload(&format!("/projects/{pid}/evaluation"), &self.evaluator, &meta, PDF);
        let status = resp.status().as_u16();
        let body: Value = resp.json().unwrap_or(Value::Null);
        assert_eq!(status, 200, "evaluation: {body}");
        body
    }
}

support::both_databases! {
    fn draft_to_settled_with_exact_money(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}));
        assert_eq!(t.w.get(&format!("/enterprises/{eid}"), &t.evaluator).status().as_u16(), 404, "nothing to evaluate yet");
        let pid = t.through_notice(&ent, "600000.00", 2);
        let p = t.project(pid);
        assert_eq!((p["status"].as_str(), p["planned_subsidy"].as_str(), p["prepayment"].as_str()), (Some("cleared"), Some("300000.00"), Some("150000.00")));
        let pre = t.pay(pid, "prepayment", "150000.00");
        assert_eq!(pre["funds"], json!({"central": "75000.00", "city": "37500.00", "county": "37500.00"}));
        assert_eq!(t.project(pid)["status"], "in_progress");
        for (cat, amount, inv) in [("software", "250000.00", "FP-1"), ("data_acquisition", "250000.00", "FP-2"), ("other", "90000.00", "FP-3")] {
            t.w.ok(&format!("/projects/{pid}/expenses"), &ent, &json!({"category": cat, "amount": amount, "invoice_no": inv, "paid_on": day(-2)}), 201);
        }
        let (status, code, _) = problem(t.w.post(&format!("/projects/{pid}/expenses"), &ent, &json!({"category": "software", "amount": "1.00", "invoice_no": "FP-1", "paid_on": day(-2)})));
        assert_eq!((status, code.as_str()), (409, "invoice_claimed"));
        t.w.ok(&format!("/projects/{pid}/complete"), &ent, &json!({}), 200);
        // SPEC §1: the evaluator sees the enterprises awaiting acceptance.
        assert_eq!(t.w.get(&format!("/enterprises/{eid}"), &t.evaluator).status().as_u16(), 200);
        assert_eq!(t.w.get(&format!("/projects/{pid}/evaluation/file"), &ent).status().as_u16(), 409, "no report yet");
        let evaluated = t.evaluate(pid, 2);
        assert_eq!(evaluated["status"], "accepted");
        let report = t.w.get(&format!("/projects/{pid}/evaluation/file"), &ent);
        assert_eq!(report.status().as_u16(), 200);
        assert_eq!(report.bytes().expect("pdf").as_ref(), PDF, "the acceptance report comes back as uploaded");
        assert_eq!(t.w.get(&format!("/projects/{pid}/evaluation/file"), &t.other_county).status().as_u16(), 404);
        let s = &t.project(pid)["subsidy"];
        assert_eq!((s["eligible_investment"].as_str(), s["final_subsidy"].as_str(), s["balance_due"].as_str()), (Some("500000.00"), Some("250000.00"), Some("100000.00")));
        t.pay(pid, "balance", "100000.00");
        let done = t.project(pid);
        assert_eq!(done["status"], "settled");
        let s = &done["subsidy"];
        assert_eq!((s["paid_total"].as_str(), s["recovered_total"].as_str(), s["balance_due"].as_str()), (Some("250000.00"), Some("0.00"), Some("0.00")));
        // The list sums the money in SQL (eligible expenses only); the project's page from the records.
        assert_eq!(t.w.get_json("/projects", &ent)["items"][0]["subsidy"], done["subsidy"]);
        // Ledger invariant: paid out − recovered = the final subsidy.
        assert_eq!(money(&s["paid_total"]) - money(&s["recovered_total"]), money(&s["final_subsidy"]));
        let actions: Vec<&str> = done["history"].as_array().expect("history").iter().filter_map(|h| h["to"].as_str()).collect();
        assert_eq!(actions, ["draft", "submitted", "county_recommended", "approved", "in_notice", "cleared", "in_progress", "awaiting_acceptance", "accepted", "settled"]);
        // The enterprise sees its own project; another county does not.
        assert_eq!(t.w.get(&format!("/projects/{pid}"), &ent).status().as_u16(), 200);
        assert_eq!(t.w.get(&format!("/projects/{pid}"), &t.other_county).status().as_u16(), 404);
        assert_eq!(t.w.get_json("/payments", &t.other_county)["total"], 0);
        // Prepayment, balance, and the provider's diagnosis subsidy for this enterprise (R10).
        assert_eq!(t.w.get_json("/payments", &ent)["total"], 3);
        // The dashboard counts the accepted enterprise and the money, within each caller's scope.
        let d = t.w.get_json("/dashboard", &t.city);
        let target = |key: &str| d["targets"].as_array().expect("targets").iter().find(|x| x["key"] == key).cloned().expect(key);
        assert_eq!((target("retrofitted_above_size")["actual"].as_i64(), target("retrofitted_above_size")["target"].as_i64()), (Some(1), Some(335)));
        assert_eq!(target("providers")["actual"], 1);
        assert_eq!(target("on_cloud")["actual"], 0);
        assert_eq!(d["projects_by_status"]["settled"], 1);
        let luzhou = d["by_county"].as_array().expect("by_county").iter().find(|r| r["key"] == "luzhou").cloned().expect("luzhou");
        assert_eq!((luzhou["enterprises"].as_i64(), luzhou["accepted"].as_i64(), luzhou["final_subsidy"].as_str()), (Some(1), Some(1), Some("250000.00")));
        assert_eq!(d["funds"]["paid"], json!({"central": "125000.00", "city": "62500.00", "county": "62500.00", "total": "250000.00"}));
        assert_eq!(d["funds"]["budget_note"], "未设预算");
        let other = t.w.get_json("/dashboard", &t.other_county);
        assert_eq!((other["funds"]["paid"]["total"].as_str(), other["projects_by_status"].as_object().map(|m| m.len())), (Some("0.00"), Some(0)));
        assert_eq!(other["by_batch"][0]["enterprises"], 0);
        assert_eq!(d["by_batch"][0]["enterprises"], 1);
        let expenses = t.w.get_json(&format!("/projects/{pid}/expenses"), &ent);
        assert_eq!(expenses.as_array().map(Vec::len), Some(3));
        assert_eq!(t.w.get(&format!("/projects/{pid}/expenses"), &t.other_county).status().as_u16(), 404);
        assert_eq!(t.w.get_json("/notices", &t.city).as_array().map(Vec::len), Some(1));
        assert_eq!(t.w.get_json("/notices", &t.county)[0]["project_ids"], json!([pid]));
        assert_eq!(t.w.get_json("/notices", &t.other_county).as_array().map(Vec::len), Some(0), "another county's notice");
        assert_eq!(t.w.get_json("/audit/verify", &t.city)["ok"], true);
    }
}

support::both_databases! {
    fn failed_acceptance_recovers_the_prepayment_and_closes(url: &str) {
        let t = Pilot::new(url);
        let (_, ent) = t.enterprise(1, json!({"central_fund_excluded": true}));
        let pid = t.through_notice(&ent, "800000.00", 3);
        let pre = t.pay(pid, "prepayment", "175000.00");
        assert_eq!(pre["funds"], json!({"central": "0.00", "city": "87500.00", "county": "87500.00"}), "R8: no central money");
        t.w.ok(&format!("/projects/{pid}/complete"), &ent, &json!({}), 200);
        assert_eq!(t.evaluate(pid, 1)["status"], "failed");
        let rec = t.payments(pid, "recovery");
        assert_eq!((rec.len(), rec[0]["direction"].as_str()), (1, Some("in")));
        assert_eq!(t.project(pid)["subsidy"]["recovery_due"], "175000.00");
        t.pay(pid, "recovery", "175000.00");
        let closed = t.project(pid);
        assert_eq!(closed["status"], "closed");
        let s = &closed["subsidy"];
        assert_eq!((s["paid_total"].as_str(), s["recovered_total"].as_str(), s["recovery_due"].as_str()), (Some("175000.00"), Some("175000.00"), Some("0.00")));
        // The list sums the money in SQL; the project's page from the records: the same figures.
        assert_eq!(t.w.get_json("/projects", &t.city)["items"][0]["subsidy"], closed["subsidy"]);
    }
}

support::both_databases! {
    fn cancellation_for_fraud_recovers_and_disqualifies(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}));
        let pid = t.through_notice(&ent, "600000.00", 2);
        t.pay(pid, "prepayment", "150000.00");
        let cancelled = t.w.ok(&format!("/projects/{pid}/cancel"), &t.city, &json!({"reason": "fraud", "comment": "虚开发票"}), 200);
        assert_eq!((cancelled["status"].as_str(), cancelled["cancel_reason"].as_str()), (Some("cancelled"), Some("fraud")));
        assert_eq!(t.payments(pid, "recovery")[0]["amount"], "150000.00");
        assert_eq!(t.w.get_json(&format!("/enterprises/{eid}"), &t.city)["disqualified"], true);
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/cancel"), &t.city, &json!({"reason": "fraud"}))).0, 409);
        // R7: every later application is refused.
        let second_batch = t.w.ok("/batches", &t.city, &json!({"number": 2, "name": "第二批", "diagnosis_due": day(30), "retrofit_due": day(120), "acceptance_start": day(90), "acceptance_end": day(150)}), 201);
        t.w.ok(&format!("/batches/{}/enterprises", second_batch["id"]), &t.city, &json!({"enterprise_ids": [eid]}), 200);
        let mut body = t.project_body("100000.00", 2);
        body["batch_id"] = second_batch["id"].clone();
        let (status, code, _) = problem(t.w.post("/projects", &ent, &body));
        assert_eq!((status, code.as_str()), (422, "disqualified"));
    }
}

support::both_databases! {
    fn cancellation_before_payment_cancels_the_open_instruction(url: &str) {
        let t = Pilot::new(url);
        let (_, ent) = t.enterprise(1, json!({}));
        let pid = t.through_notice(&ent, "600000.00", 2);
        let pre = t.payments(pid, "prepayment");
        t.w.ok(&format!("/payments/{}/approve", pre[0]["id"]), &t.city, &json!({}), 200);
        t.w.ok(&format!("/projects/{pid}/cancel"), &t.city, &json!({"reason": "cancelled", "comment": "企业放弃"}), 200);
        let after = t.payments(pid, "prepayment");
        assert_eq!(after[0]["status"], "cancelled", "kept, marked cancelled");
        assert!(t.payments(pid, "recovery").is_empty(), "nothing was paid, nothing to recover");
        let (status, _, _) = problem(t.w.post(&format!("/payments/{}/execute", pre[0]["id"]), &t.finance, &json!({"paid_on": day(0), "voucher_no": "X"})));
        assert_eq!(status, 409);
    }
}

support::both_databases! {
    fn zero_amounts_move_on_without_instructions(url: &str) {
        let t = Pilot::new(url);
        let (_, ent) = t.enterprise(1, json!({}));
        let pid = t.through_notice(&ent, "0.00", 2);
        assert_eq!(t.project(pid)["status"], "in_progress", "a 0.00 prepayment moves cleared straight on");
        assert!(t.payments(pid, "prepayment").is_empty());
        t.w.ok(&format!("/projects/{pid}/complete"), &ent, &json!({}), 200);
        t.evaluate(pid, 2);
        assert_eq!(t.project(pid)["status"], "settled", "balance and recovery both 0.00");
        // No retrofit instruction: only the provider's diagnosis subsidy (R10), due at acceptance.
        let page = t.w.get_json(&format!("/payments?project_id={pid}"), &t.city);
        assert_eq!((page["total"].as_i64(), page["items"][0]["kind"].as_str()), (Some(1), Some("diagnosis")));
    }
}

support::both_databases! {
    fn preconditions_roles_states_and_scope(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}));
        // R9 overlap, R2 target level, unknown batch and provider.
        let mut body = t.project_body("100000.00", 2);
        body["overlapping_support_declared"] = json!(true);
        assert_eq!(problem(t.w.post("/projects", &ent, &body)).1, "overlapping_support");
        assert_eq!(problem(t.w.post("/projects", &ent, &t.project_body("100000.00", 1))).0, 422);
        let mut body = t.project_body("100000.00", 2);
        body["batch_id"] = json!(999);
        assert_eq!(problem(t.w.post("/projects", &ent, &body)).2["errors"][0]["field"], "batch_id");
        // Not in the batch, no diagnosis.
        let e2 = t.w.ok("/enterprises", &t.county, &enterprise_body(2, "luzhou"), 201);
        let ent2 = t.w.user("ent2", "enterprise", json!({"enterprise_id": e2["id"]}));
        let (status, code, body) = problem(t.w.post("/projects", &ent2, &t.project_body("100000.00", 2)));
        assert_eq!((status, code.as_str()), (422, "not_in_batch"));
        let codes: Vec<&str> = body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(codes, ["batch_id", "diagnosis"]);
        // R16: a credit flag refuses the application.
        let v = t.w.get_json(&format!("/enterprises/{eid}"), &t.county)["version"].clone();
        t.w.patch(&format!("/enterprises/{eid}"), &t.county, &json!({"version": v, "dishonest": true}));
        assert_eq!(problem(t.w.post("/projects", &ent, &t.project_body("100000.00", 2))).1, "dishonest");
        let v = t.w.get_json(&format!("/enterprises/{eid}"), &t.county)["version"].clone();
        t.w.patch(&format!("/enterprises/{eid}"), &t.county, &json!({"version": v, "dishonest": false}));

        let p = t.w.ok("/projects", &ent, &t.project_body("100000.00", 2), 201);
        let pid = p["id"].as_i64().expect("id");
        assert_eq!(problem(t.w.post("/projects", &ent, &t.project_body("100000.00", 2))).1, "duplicate_project");
        // Wrong role 403, wrong state 409, out of scope 404 — and nothing changes.
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/submit"), &t.county, &json!({}))).0, 403);
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "recommend"}))).0, 409);
        t.w.ok(&format!("/projects/{pid}/submit"), &ent, &json!({}), 200);
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/submit"), &ent, &json!({}))).1, "invalid_state");
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/county-review"), &t.other_county, &json!({"decision": "recommend"}))).0, 404);
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "maybe"}))).0, 422);
        assert_eq!(problem(t.w.post(&format!("/projects/{pid}/city-review"), &t.city, &json!({"decision": "approve"}))).0, 409);
        assert_eq!(problem(t.w.get(&format!("/projects/{pid}"), &ent2)).0, 404);
        assert_eq!(t.project(pid)["status"], "submitted");
        // Returned behaves like draft: the enterprise submits again.
        t.w.ok(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "return", "comment": "补充材料"}), 200);
        t.w.ok(&format!("/projects/{pid}/submit"), &ent, &json!({}), 200);
        t.w.ok(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "recommend"}), 200);
        t.w.ok(&format!("/projects/{pid}/city-review"), &t.city, &json!({"decision": "approve"}), 200);
        // R15: a notice shorter than 5 days is refused; one not yet ended cannot close.
        assert_eq!(problem(t.w.post("/notices", &t.city, &json!({"project_ids": [pid], "starts_on": day(0), "ends_on": day(3)}))).1, "notice_too_short");
        let n = t.w.ok("/notices", &t.city, &json!({"project_ids": [pid], "starts_on": day(0), "ends_on": day(4)}), 201);
        assert_eq!(problem(t.w.post(&format!("/notices/{}/close", n["id"]), &t.city, &json!({}))).1, "notice_not_ended");
        assert_eq!(t.project(pid)["status"], "in_notice");
        // The provider sees the project it is contracted for; the evaluator does not yet.
        assert_eq!(t.w.get(&format!("/projects/{pid}"), &t.provider).status().as_u16(), 200);
        assert_eq!(t.w.get(&format!("/projects/{pid}"), &t.evaluator).status().as_u16(), 404);
    }
}

support::both_databases! {
    fn an_upheld_objection_rejects_and_two_approvals_race_to_one(url: &str) {
        let t = Pilot::new(url);
        let (_, ent1) = t.enterprise(1, json!({}));
        let (_, ent2) = t.enterprise(2, json!({}));
        let mut ids = Vec::new();
        for ent in [&ent1, &ent2] {
            let p = t.w.ok("/projects", ent, &t.project_body("300000.00", 2), 201);
            let pid = p["id"].as_i64().expect("id");
            t.w.ok(&format!("/projects/{pid}/submit"), ent, &json!({}), 200);
            t.w.ok(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "recommend"}), 200);
            t.w.ok(&format!("/projects/{pid}/city-review"), &t.city, &json!({"decision": "approve"}), 200);
            ids.push(pid);
        }
        let n = t.w.ok("/notices", &t.city, &json!({"project_ids": ids, "starts_on": day(-10), "ends_on": day(-5)}), 201);
        let close = format!("/notices/{}/close", n["id"]);
        let objections = format!("/notices/{}/objections", n["id"]);
        // An objection must be on record before it can be upheld, and only for a project in the notice.
        assert_eq!(problem(t.w.post(&close, &t.city, &json!({"upheld_project_ids": [ids[1]]}))).2["errors"][0]["field"], "upheld_project_ids");
        assert_eq!(problem(t.w.post(&objections, &t.city, &json!({"project_id": 999, "content": "x", "received_on": day(-6)}))).0, 422);
        assert_eq!(problem(t.w.post(&objections, &t.county, &json!({"project_id": ids[1], "content": "x", "received_on": day(-6)}))).0, 403);
        let with = t.w.ok(&objections, &t.city, &json!({"project_id": ids[1], "content": "合同金额与实际不符", "received_on": day(-6)}), 201);
        assert_eq!(with["objections"][0]["upheld"], Value::Null);
        let closed = t.w.ok(&close, &t.city, &json!({"upheld_project_ids": [ids[1]]}), 200);
        assert_eq!(closed["upheld_project_ids"], json!([ids[1]]));
        assert_eq!(closed["objections"][0]["upheld"], true);
        assert_eq!(problem(t.w.post(&objections, &t.city, &json!({"project_id": ids[1], "content": "晚到", "received_on": day(0)}))).1, "notice_closed");
        assert_eq!(t.project(ids[1])["status"], "rejected");
        assert!(t.payments(ids[1], "prepayment").is_empty());
        let pre = t.payments(ids[0], "prepayment");
        let path = format!("/payments/{}/approve", pre[0]["id"]);
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4).map(|_| s.spawn(|| t.w.post(&path, &t.city, &json!({})).status().as_u16())).collect();
            hs.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 3, "{statuses:?}");
        // Only finance executes; only the city approves.
        let exec = format!("/payments/{}/execute", pre[0]["id"]);
        assert_eq!(problem(t.w.post(&exec, &t.city, &json!({"paid_on": day(0), "voucher_no": "V1"}))).0, 403);
        assert_eq!(problem(t.w.post(&exec, &t.finance, &json!({"paid_on": day(0), "voucher_no": " "}))).0, 422);
        t.w.ok(&exec, &t.finance, &json!({"paid_on": day(0), "voucher_no": "V1"}), 200);
        assert_eq!(problem(t.w.post(&exec, &t.finance, &json!({"paid_on": day(0), "voucher_no": "V1"}))).0, 409);
    }
}

support::both_databases! {
    fn bad_input_is_refused_and_changes_nothing(url: &str) {
        let t = Pilot::new(url);
        let (_, ent) = t.enterprise(1, json!({}));
        let pid = t.through_notice(&ent, "600000.00", 2);
        t.pay(pid, "prepayment", "150000.00");
        let path = format!("/projects/{pid}/expenses");
        let audit_before = t.w.get_json("/audit?per_page=1", &t.city)["total"].clone();
        let good = json!({"category": "software", "amount": "100.00", "invoice_no": "FP-9", "paid_on": day(-1)});
        let with = |key: &str, value: Value| {
            let mut b = good.clone();
            b[key] = value;
            b
        };
        let mut missing = good.clone();
        missing.as_object_mut().expect("object").remove("invoice_no");
        let cases: Vec<(&str, Value, u16, &str)> = vec![
            ("missing field", missing, 422, "invoice_no"),
            ("wrong type", with("paid_on", json!(20260101)), 422, "paid_on"),
            ("unknown enum", with("category", json!("gold")), 422, "category"),
            ("negative money", with("amount", json!("-1.00")), 422, "amount"),
            ("three decimals", with("amount", json!("1.001")), 422, "amount"),
            ("money as a number", with("amount", json!(100)), 422, "amount"),
            ("too large", with("amount", json!("1000000000000.00")), 422, "amount"),
            ("zero", with("amount", json!("0.00")), 422, "amount"),
            ("unknown field", with("discount", json!("1.00")), 422, "discount"),
        ];
        for (what, body, status, field) in cases {
            let (got, code, problem_body) = problem(t.w.post(&path, &ent, &body));
            assert_eq!(got, status, "{what}: {problem_body}");
            assert_eq!(problem_body["errors"][0]["field"], field, "{what}: {problem_body}");
            assert!(!code.is_empty() && problem_body["title"].is_string() && problem_body["detail"].is_string(), "{what}");
        }
        let malformed = server::client()
            .post(t.w.url(&path))
            .bearer_auth(&ent)
            .header("content-type", "application/json")
            .body("{\"category\": \"software\",")
            .send()
            .expect("post");
        assert_eq!(problem(malformed).0, 400);
        // Nothing was written: no expense, no audit event, the project unchanged.
        assert_eq!(t.w.get_json(&path, &ent).as_array().map(Vec::len), Some(0));
        assert_eq!(t.w.get_json("/audit?per_page=1", &t.city)["total"], audit_before);
        assert_eq!(t.project(pid)["status"], "in_progress");
    }
}

// A second pilot city runs dtpilot with its own profile file and no code change (issue 5):
// tests/profiles/second-city.toml has caps 30/40/50万 by level, a 40% subsidy ratio, a 40%
// prepayment, a 60% central share and a 7-day notice; every figure below follows from it.
support::both_databases! {
    fn a_second_city_runs_on_its_own_profile(url: &str) {
        let profile = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/profiles/second-city.toml");
        let t = Pilot::start_with(url, &["--policy", profile]);
        let policy = t.w.get_json("/policy", &t.city);
        assert_eq!((policy["id"].as_str(), policy["version"].as_i64()), (Some("example-city-2026"), Some(3)));
        let (_, ent) = t.enterprise(1, json!({}));
        // R2: min(floor(1,000,000.00 × 40%), cap(level 3) = 400,000.00); R3: 40% of it.
        let p = t.w.ok("/projects", &ent, &t.project_body("1000000.00", 3), 201);
        let pid = p["id"].as_i64().expect("id");
        assert_eq!((p["planned_subsidy"].as_str(), p["prepayment"].as_str(), p["policy"].as_str()), (Some("400000.00"), Some("160000.00"), Some("example-city-2026@3")));
        t.w.ok(&format!("/projects/{pid}/submit"), &ent, &json!({}), 200);
        t.w.ok(&format!("/projects/{pid}/county-review"), &t.county, &json!({"decision": "recommend", "comment": "材料齐全"}), 200);
        t.w.ok(&format!("/projects/{pid}/city-review"), &t.city, &json!({"decision": "approve", "comment": "同意"}), 200);
        // R15: this city's notice lasts at least 7 days; Changzhi's 5 are too few here.
        let five = json!({"project_ids": [pid], "starts_on": day(-5), "ends_on": day(-1)});
        let (status, _, body) = problem(t.w.post("/notices", &t.city, &five));
        assert_eq!(status, 422, "{body}");
        assert_eq!(t.project(pid)["status"], "approved", "a refused notice changes nothing");
        let notice = t.w.ok("/notices", &t.city, &json!({"project_ids": [pid], "starts_on": day(-7), "ends_on": day(-1)}), 201);
        t.w.ok(&format!("/notices/{}/close", notice["id"]), &t.city, &json!({"upheld_project_ids": []}), 200);
        // R14: 60% central, the rest city : county = 1 : 1.
        let pre = t.pay(pid, "prepayment", "160000.00");
        assert_eq!(pre["funds"], json!({"central": "96000.00", "city": "32000.00", "county": "32000.00"}));
        t.w.ok(&format!("/projects/{pid}/expenses"), &ent, &json!({"category": "software", "amount": "1300000.00", "invoice_no": "FP-1", "paid_on": day(-2)}), 201);
        t.w.ok(&format!("/projects/{pid}/complete"), &ent, &json!({}), 200);
        // R4 at level 4: min(floor(1,300,000.00 × 40%), cap(4) = 500,000.00, planned 400,000.00).
        assert_eq!(t.evaluate(pid, 4)["status"], "accepted");
        let s = &t.project(pid)["subsidy"];
        assert_eq!((s["final_subsidy"].as_str(), s["balance_due"].as_str()), (Some("400000.00"), Some("240000.00")));
        // R10: the provider's diagnosis subsidy is min(fee 20,000.00, this city's cap 15,000.00).
        assert_eq!(t.payments(pid, "diagnosis")[0]["amount"], "15000.00");
        let balance = t.pay(pid, "balance", "240000.00");
        assert_eq!(balance["funds"], json!({"central": "144000.00", "city": "48000.00", "county": "48000.00"}));
        // The quote calculator and the programme targets are this city's too.
        let q = t.w.server.post_json("/api/v1/subsidy/quote", &json!({"target_level": 2, "planned_eligible_investment": "1000000.00"})).json::<Value>().expect("json");
        assert_eq!((q["planned_subsidy"].as_str(), q["prepayment"].as_str()), (Some("300000.00"), Some("120000.00")));
        let d = t.w.get_json("/dashboard", &t.city);
        let target = d["targets"].as_array().expect("targets").iter().find(|x| x["key"] == "retrofitted_above_size").cloned().expect("target");
        assert_eq!((target["target"].as_i64(), target["actual"].as_i64()), (Some(200), Some(1)));
    }
}
