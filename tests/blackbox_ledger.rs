//! Black-box: the other subsidies, awards and budgets through the one payment ledger (SPEC §4
//! R10–R13, §6, §7b) over HTTP as the real roles, on SQLite and PostgreSQL — the diagnosis subsidy at
//! acceptance, cloud fees within the cumulative cap (also under concurrent requests), awards within
//! their caps and places, budgets that commit, release and refuse; wrong role, out of scope, wrong
//! state; and the ledger invariants (fund parts add up, no pool over its budget, the kept usage and
//! payment totals equal the rows).

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use dtpilot_backend::db::schema::{payment_totals as tpay, payments as pay};
use dtpilot_backend::db::{self, DatabaseUrl};
use dtpilot_domain::PolicyProfile;
use serde_json::{Value, json};
use world::{PDF, World, enterprise_body, problem, uscc};

fn day(n: i64) -> String {
    ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)).to_string()
}

fn fen(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("money string expected, got {v}"));
    let (yuan, fen) = s.split_once('.').expect("two decimals");
    yuan.parse::<i64>().expect("yuan") * 100 + fen.parse::<i64>().expect("fen")
}

/// (county, kind, status, amount, central, city, county part) of an instruction.
type PaymentRow = (Option<String>, String, String, i64, i64, i64, i64);

struct Pilot {
    url: String,
    w: World,
    city: String,
    county: String,
    other_county: String,
    finance: String,
    evaluator: String,
    provider: String,
    provider_id: i64,
    provider_name: String,
    batch_id: i64,
}

impl Pilot {
    fn new(url: &str) -> Pilot {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county = w.user("county_lz", "county", json!({"county": "luzhou"}));
        let other_county = w.user("county_sd", "county", json!({"county": "shangdang"}));
        let finance = w.user("fin", "finance", json!({}));
        let evaluator = w.user("eval", "evaluator", json!({}));
        let provider_name = "示例诊断服务商".to_string();
        let p = w.ok("/providers", &city, &json!({"name": provider_name, "credit_code": uscc("91140400MA0T00001"), "capabilities": ["diagnosis", "retrofit"]}), 201);
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
        Pilot {
            url: url.to_string(),
            w,
            city,
            county,
            other_county,
            finance,
            evaluator,
            provider,
            provider_id,
            provider_name,
            batch_id,
        }
    }

    /// An enterprise of Luzhou in the batch, assigned and diagnosed (one report per fee); returns
    /// (id, its user's token).
    fn enterprise(&self, n: u32, extra: Value, fees: &[&str]) -> (i64, String) {
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
        for fee in fees {
            let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": ["设备联网"], "individual_needs": ["能耗监测"], "fee": fee});
            let resp = self.w.upload(&format!("/enterprises/{id}/diagnoses"), &self.provider, &meta, PDF);
            assert_eq!(resp.status().as_u16(), 201, "diagnosis: {}", resp.text().unwrap_or_default());
        }
        let token = self.w.user(&format!("ent{n}"), "enterprise", json!({"enterprise_id": id}));
        (id, token)
    }

    /// Created, submitted and recommended: the project waits for the city's review.
    fn recommended(&self, ent: &str, planned: &str, target: u8) -> i64 {
        let body = json!({"batch_id": self.batch_id, "provider_id": self.provider_id, "contract_no": "HT-001", "contract_amount": planned,
            "planned_eligible_investment": planned, "target_level": target, "overlapping_support_declared": false});
        let pid = self.w.ok("/projects", ent, &body, 201)["id"].as_i64().expect("id");
        self.w.ok(&format!("/projects/{pid}/submit"), ent, &json!({}), 200);
        self.w.ok(
            &format!("/projects/{pid}/county-review"),
            &self.county,
            &json!({"decision": "recommend", "comment": "材料齐全"}),
            200,
        );
        pid
    }

    fn approve(&self, pid: i64) -> reqwest::blocking::Response {
        self.w.post(
            &format!("/projects/{pid}/city-review"),
            &self.city,
            &json!({"decision": "approve", "comment": "同意"}),
        )
    }

    /// Approved, noticed and cleared.
    fn through_notice(&self, ent: &str, planned: &str, target: u8) -> i64 {
        let pid = self.recommended(ent, planned, target);
        assert_eq!(self.approve(pid).status().as_u16(), 200);
        let notice = self.w.ok(
            "/notices",
            &self.city,
            &json!({"project_ids": [pid], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        );
        self.w.ok(&format!("/notices/{}/close", notice["id"]), &self.city, &json!({"upheld_project_ids": []}), 200);
        pid
    }

    fn payments(&self, query: &str) -> Vec<Value> {
        let page = self.w.get_json(&format!("/payments?per_page=100&{query}"), &self.city);
        page["items"].as_array().expect("items").clone()
    }

    fn pay(&self, id: i64) -> Value {
        self.w.ok(&format!("/payments/{id}/approve"), &self.city, &json!({}), 200);
        self.w.ok(
            &format!("/payments/{id}/execute"),
            &self.finance,
            &json!({"paid_on": day(0), "voucher_no": format!("PZ-{id}")}),
            200,
        )
    }

    fn pay_one(&self, pid: i64, kind: &str) -> Value {
        let items = self.payments(&format!("project_id={pid}&kind={kind}&status=pending"));
        assert_eq!(items.len(), 1, "one pending {kind}: {items:?}");
        self.pay(items[0]["id"].as_i64().expect("id"))
    }

    /// In progress → completed → evaluated at `level`.
    fn accept(&self, ent: &str, pid: i64, level: u8) -> Value {
        self.w.ok(&format!("/projects/{pid}/expenses"), ent, &json!({"category": "software", "amount": "400000.00", "invoice_no": format!("FP-{pid}"), "paid_on": day(-2)}), 201);
        self.w.ok(&format!("/projects/{pid}/complete"), ent, &json!({}), 200);
        let meta = json!({"level": level, "score": 60.0, "evaluated_on": day(0)});
        let resp = self.w.upload(&format!("/projects/{pid}/evaluation"), &self.evaluator, &meta, PDF);
        let status = resp.status().as_u16();
        let body: Value = resp.json().unwrap_or(Value::Null);
        assert_eq!(status, 200, "evaluation: {body}");
        body
    }

    fn cloud_fee(&self, eid: i64, token: &str, amount: &str, invoice: &str) -> (u16, String, Value) {
        problem(self.w.post(
            &format!("/enterprises/{eid}/cloud-fees"),
            token,
            &json!({"amount": amount, "period": "2026-01", "invoice_no": invoice}),
        ))
    }

    /// SPEC §6 ledger invariants over the database itself: each instruction's fund parts add up; the
    /// kept pool usage equals the usage recomputed from the records; `payment_totals` equals the
    /// rows; and no pool with a budget is over it.
    fn assert_ledger(&self) {
        for p in self.payments("") {
            let f = &p["funds"];
            assert_eq!(
                fen(&f["central"]) + fen(&f["city"]) + fen(&f["county"]),
                fen(&p["amount"]),
                "fund parts of {p}"
            );
        }
        let pool = db::connect(&DatabaseUrl::parse(&self.url).expect("url"), 1).expect("connect");
        let mut c = pool.get().expect("conn");
        let profile = PolicyProfile::changzhi_2025();
        let stored = dtpilot_backend::budget::stored_usage(&mut c).expect("usage");
        let recomputed = dtpilot_backend::budget::recomputed_usage(&mut c, &profile).expect("recomputed");
        assert_eq!(stored, recomputed, "fund_usage follows the records");
        let kept: BTreeMap<(String, String, String), [i64; 5]> = tpay::table
            .select((
                tpay::county,
                tpay::kind,
                tpay::status,
                tpay::instructions,
                tpay::amount_fen,
                tpay::central_fen,
                tpay::city_fen,
                tpay::county_fen,
            ))
            .load::<(String, String, String, i64, i64, i64, i64, i64)>(&mut c)
            .expect("payment_totals")
            .into_iter()
            .filter(|r| r.3 != 0)
            .map(|(co, k, s, n, a, ce, ci, cf)| ((co, k, s), [n, a, ce, ci, cf]))
            .collect();
        let mut counted: BTreeMap<(String, String, String), [i64; 5]> = BTreeMap::new();
        let rows: Vec<PaymentRow> = pay::table
            .select((
                pay::county,
                pay::kind,
                pay::status,
                pay::amount_fen,
                pay::central_fen,
                pay::city_fen,
                pay::county_fen,
            ))
            .load(&mut c)
            .expect("payments");
        for (co, k, s, a, ce, ci, cf) in rows {
            let e = counted.entry((co.unwrap_or_default(), k, s)).or_default();
            for (x, v) in e.iter_mut().zip([1, a, ce, ci, cf]) {
                *x += v;
            }
        }
        assert_eq!(kept, counted, "payment_totals follow the rows");
        for b in self.w.get_json("/budgets", &self.finance)["items"].as_array().expect("items") {
            assert!(fen(&b["remaining"]) >= 0, "no pool over its budget: {b}");
            for part in ["retrofit_remaining", "other_remaining"] {
                assert!(b[part].is_null() || fen(&b[part]) >= 0, "{part}: {b}");
            }
        }
    }
}

support::both_databases! {
    fn r10_diagnosis_subsidy_at_acceptance_once_to_the_latest_provider(url: &str) {
        let t = Pilot::new(url);
        // Two reports: the latest (fee 45,000.00) counts, capped at 30,000.00.
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00", "45000.00"]);
        let pid = t.through_notice(&ent, "800000.00", 3);
        t.pay_one(pid, "prepayment");
        assert!(t.payments("kind=diagnosis").is_empty(), "nothing before acceptance");
        assert_eq!(t.accept(&ent, pid, 3)["status"], "accepted");
        let d = t.payments("kind=diagnosis");
        assert_eq!(d.len(), 1, "{d:?}");
        let d = &d[0];
        assert_eq!((d["amount"].as_str(), d["payee"].as_str(), d["provider_id"].as_i64()), (Some("30000.00"), Some(t.provider_name.as_str()), Some(t.provider_id)));
        assert_eq!((d["enterprise_id"].as_i64(), d["project_id"].as_i64()), (Some(eid), Some(pid)));
        assert_eq!(d["funds"], json!({"central": "30000.00", "city": "0.00", "county": "0.00"}), "from the central fund's non-retrofit share");
        // The provider sees it among its payments; another county does not.
        let mine = t.w.get_json("/payments?kind=diagnosis", &t.provider);
        assert_eq!(mine["total"], 1);
        assert_eq!(t.w.get_json("/payments?kind=diagnosis", &t.other_county)["total"], 0);
        // Paid, it does not count in the project's paid total (SPEC §6).
        t.pay(d["id"].as_i64().expect("id"));
        let p = t.w.get_json(&format!("/projects/{pid}"), &t.city);
        assert_eq!(p["subsidy"]["paid_total"], "175000.00");
        t.pay_one(pid, "balance");
        let p = t.w.get_json(&format!("/projects/{pid}"), &t.city);
        assert_eq!((p["status"].as_str(), p["subsidy"]["paid_total"].as_str()), (Some("settled"), Some("200000.00")));

        // Failed acceptance: no diagnosis subsidy.
        let (_, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        let pid2 = t.through_notice(&ent2, "300000.00", 2);
        t.pay_one(pid2, "prepayment");
        assert_eq!(t.accept(&ent2, pid2, 1)["status"], "failed");
        assert_eq!(t.payments("kind=diagnosis").len(), 1, "not on failed acceptance");
        // R8: an excluded enterprise's diagnosis subsidy is the city's.
        let (_, ent3) = t.enterprise(3, json!({"central_fund_excluded": true}), &["12000.00"]);
        let pid3 = t.through_notice(&ent3, "300000.00", 2);
        t.pay_one(pid3, "prepayment");
        t.accept(&ent3, pid3, 2);
        let d3 = t.payments(&format!("kind=diagnosis&project_id={pid3}"));
        assert_eq!(d3[0]["funds"], json!({"central": "0.00", "city": "12000.00", "county": "0.00"}));
        // Cancelled before it was paid, the project takes its open diagnosis instruction with it.
        t.w.ok(&format!("/projects/{pid3}/cancel"), &t.city, &json!({"reason": "cancelled", "comment": "企业放弃"}), 200);
        assert_eq!(t.payments(&format!("kind=diagnosis&project_id={pid3}"))[0]["status"], "cancelled");
        t.assert_ledger();
        // A database whose projects were approved before budgets existed: at start the server
        // computes their draw once from the rows, and the pools come out as if kept all along.
        let pool = db::connect(&DatabaseUrl::parse(url).expect("url"), 1).expect("connect");
        let mut c = pool.get().expect("conn");
        c.batch_execute("DELETE FROM project_commitments; UPDATE fund_usage SET used_fen = 0 WHERE share = 'retrofit'").expect("forget");
        let profile = PolicyProfile::changzhi_2025();
        assert_eq!(dtpilot_backend::budget::fill_commitments(&mut c, &profile).expect("fill"), 3);
        assert_eq!(dtpilot_backend::budget::fill_commitments(&mut c, &profile).expect("again"), 0, "once");
        drop(c);
        t.assert_ledger();
    }
}

support::both_databases! {
    fn r11_cloud_fees_within_the_cumulative_cap(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let (s, _, first) = t.cloud_fee(eid, &ent, "12000.00", "YF-1");
        assert_eq!((s, first["subsidy"].as_str()), (201, Some("12000.00")));
        let (s, _, second) = t.cloud_fee(eid, &t.city, "25000.00", "YF-2");
        assert_eq!((s, second["subsidy"].as_str()), (201, Some("18000.00")), "what is left of the cap");
        let (s, code, body) = t.cloud_fee(eid, &ent, "1.00", "YF-3");
        assert_eq!((s, code.as_str()), (422, "cloud_cap_reached"));
        assert!(body["detail"].as_str().is_some_and(|d| d.contains("R11")), "{body}");
        assert_eq!(body["errors"][0]["field"], "amount");
        let (s, code, _) = t.cloud_fee(eid, &ent, "1.00", "YF-1");
        assert_eq!((s, code.as_str()), (409, "invoice_claimed"));
        let (s, _, body) = t.cloud_fee(eid, &ent, "0.00", "YF-9");
        assert_eq!((s, body["errors"][0]["field"].as_str()), (422, Some("amount")));
        let (s, _, _) = t.cloud_fee(eid, &ent, "12.345", "YF-9");
        assert_eq!(s, 422);
        for token in [&t.provider, &t.finance, &t.evaluator, &t.county] {
            assert_eq!(t.cloud_fee(eid, token, "1.00", "YF-8").0, 403);
        }
        let list = t.w.get_json(&format!("/enterprises/{eid}/cloud-fees"), &ent);
        assert_eq!((list["items"].as_array().map(Vec::len), list["granted"].as_str(), list["remaining"].as_str()), (Some(2), Some("30000.00"), Some("0.00")));
        assert_eq!(t.w.get(&format!("/enterprises/{eid}/cloud-fees"), &t.other_county).status().as_u16(), 404);
        assert_eq!(t.w.get(&format!("/enterprises/{eid}/cloud-fees"), &t.county).status().as_u16(), 200);
        let cloud = t.payments("kind=cloud");
        assert_eq!(cloud.len(), 2);
        assert!(cloud.iter().all(|p| p["enterprise_id"] == eid && p["project_id"].is_null()));
        // Another enterprise and another county: out of scope.
        let (eid2, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        assert_eq!(t.cloud_fee(eid, &ent2, "1.00", "YF-7").0, 404);
        assert_eq!(t.cloud_fee(eid2, &t.other_county, "1.00", "YF-7").0, 403, "county may not declare");
        // R16: a flagged enterprise is paid nothing.
        let e2 = t.w.get_json(&format!("/enterprises/{eid2}"), &t.city);
        let flagged = t.w.patch(&format!("/enterprises/{eid2}"), &t.city, &json!({"version": e2["version"], "dishonest": true}));
        assert_eq!(flagged.status().as_u16(), 200);
        let (s, code, _) = t.cloud_fee(eid2, &ent2, "100.00", "YF-1");
        assert_eq!((s, code.as_str()), (422, "dishonest"));
        // Dashboard: one enterprise on the cloud.
        let d = t.w.get_json("/dashboard", &t.city);
        let on_cloud = d["targets"].as_array().expect("targets").iter().find(|x| x["key"] == "on_cloud").cloned().expect("on_cloud");
        assert_eq!(on_cloud["actual"], 1);
        t.assert_ledger();
    }
}

support::both_databases! {
    fn r11_concurrent_cloud_fees_never_exceed_the_cap(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let url = t.w.url(&format!("/enterprises/{eid}/cloud-fees"));
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let (url, ent) = (url.clone(), ent.clone());
                    s.spawn(move || {
                        server::client()
                            .post(url)
                            .bearer_auth(ent)
                            .json(&json!({"amount": "7000.00", "period": "2026-02", "invoice_no": format!("BF-{i}")}))
                            .send()
                            .expect("send")
                            .status()
                            .as_u16()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert!(statuses.iter().all(|s| *s == 201 || *s == 422), "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 5, "4 × 7,000.00 + 2,000.00: {statuses:?}");
        let list = t.w.get_json(&format!("/enterprises/{eid}/cloud-fees"), &ent);
        assert_eq!(list["granted"], "30000.00");
        let total: i64 = t.payments("kind=cloud").iter().map(|p| fen(&p["amount"])).sum();
        assert_eq!(total, 3_000_000);
        t.assert_ledger();
    }
}

support::both_databases! {
    fn r12_awards_within_caps_and_places(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let award = |token: &str, body: Value| problem(t.w.post("/awards", token, &body));
        let prov = json!({"type": "provider", "id": t.provider_id});
        let (s, _, a) = award(&t.city, json!({"kind": "excellent_provider", "recipient": prov, "amount": "100000.00", "comment": "2026 年度优秀服务商"}));
        assert_eq!((s, a["amount"].as_str(), a["cap"].as_str(), a["recipient_name"].as_str()), (201, Some("100000.00"), Some("100000.00"), Some(t.provider_name.as_str())));
        let (s, code, body) = award(&t.city, json!({"kind": "excellent_provider", "recipient": prov, "amount": "100000.01"}));
        assert_eq!((s, code.as_str(), body["errors"][0]["field"].as_str()), (422, "award_above_cap", Some("amount")));
        let (s, code, _) = award(&t.city, json!({"kind": "standard_package", "recipient": prov, "amount": "800000.00"}));
        assert_eq!((s, code.as_str()), (422, "award_needs_industry"));
        let (s, _, _) = award(&t.city, json!({"kind": "standard_package", "recipient": prov, "amount": "800000.00", "industry": "power_equipment"}));
        assert_eq!(s, 201);
        let (s, code, _) = award(&t.city, json!({"kind": "standard_package", "recipient": prov, "amount": "1.00", "industry": "power_equipment"}));
        assert_eq!((s, code.as_str()), (409, "award_industry_limit"), "one standard package per industry");
        let (s, _, _) = award(&t.city, json!({"kind": "standard_package", "recipient": prov, "amount": "1.00", "industry": "chemical_materials"}));
        assert_eq!(s, 201, "another industry has its own place");
        // A 小快轻准 product is awarded once the city approved it; the money goes to its provider.
        let product = t.w.ok("/products", &t.provider, &json!({"name": "能耗监测轻应用", "industry": "power_equipment", "summary": "设备联网与能耗看板"}), 201);
        let item = json!({"type": "product", "id": product["id"]});
        let (s, code, _) = award(&t.city, json!({"kind": "excellent_product", "recipient": item, "amount": "30000.00"}));
        assert_eq!((s, code.as_str()), (422, "product_not_approved"));
        t.w.ok(&format!("/products/{}/review", product["id"]), &t.city, &json!({"decision": "approve"}), 200);
        let (s, code, _) = award(&t.city, json!({"kind": "excellent_product", "recipient": item, "amount": "30000.01"}));
        assert_eq!((s, code.as_str()), (422, "award_above_cap"));
        let (s, _, a) = award(&t.city, json!({"kind": "excellent_product", "recipient": item, "amount": "30000.00"}));
        assert_eq!((s, a["recipient"].clone(), a["recipient_name"].as_str()), (201, item.clone(), Some("能耗监测轻应用")));
        let to_provider = t.w.get_json("/payments?kind=award", &t.provider)["items"].as_array().expect("items").clone();
        let paid = to_provider.iter().find(|x| x["id"] == a["payment_id"]).expect("the provider sees its product's award");
        assert_eq!((paid["payee"].as_str(), paid["amount"].as_str()), (Some(t.provider_name.as_str()), Some("30000.00")));
        let listed = t.w.get_json("/awards", &t.city);
        assert!(listed.to_string().contains("能耗监测轻应用"), "the award list names the product");
        let (s, _, body) = award(&t.city, json!({"kind": "excellent_product", "recipient": {"type": "product", "id": 987654}, "amount": "1.00"}));
        assert_eq!((s, body["errors"][0]["field"].as_str()), (422, Some("recipient.id")));
        let (s, code, _) = award(&t.city, json!({"kind": "benchmark_enterprise", "recipient": prov, "amount": "1.00"}));
        assert_eq!((s, code.as_str()), (422, "award_recipient_invalid"));
        let (s, _, body) = award(&t.city, json!({"kind": "digital_workshop", "recipient": {"type": "enterprise", "id": 987654}, "amount": "1.00"}));
        assert_eq!((s, body["errors"][0]["field"].as_str()), (422, Some("recipient.id")));
        let (s, _, _) = award(&t.city, json!({"kind": "bogus", "recipient": prov, "amount": "1.00"}));
        assert_eq!(s, 422);
        // The benchmark award stands beside the retrofit subsidy (不包含数字化改造已补助资金).
        let ent_rec = json!({"type": "enterprise", "id": eid});
        let (s, _, b) = award(&t.city, json!({"kind": "benchmark_enterprise", "recipient": ent_rec, "amount": "500000.00"}));
        assert_eq!((s, b["payment_id"].is_i64()), (201, true));
        assert_eq!(award(&t.city, json!({"kind": "digital_workshop", "recipient": ent_rec, "amount": "100000.00"})).0, 201);
        assert_eq!(award(&t.city, json!({"kind": "chain_case", "recipient": ent_rec, "amount": "50000.00"})).0, 201);
        for token in [&t.county, &t.finance, &ent, &t.provider, &t.evaluator] {
            assert_eq!(award(token, json!({"kind": "chain_case", "recipient": ent_rec, "amount": "1.00"})).0, 403);
        }
        // Who sees which awards.
        let all = t.w.get_json("/awards", &t.city);
        assert_eq!(all["items"].as_array().map(Vec::len), Some(7));
        assert_eq!(all["kinds"].as_array().map(Vec::len), Some(7));
        assert_eq!(t.w.get_json("/awards", &t.finance)["items"].as_array().map(Vec::len), Some(7));
        assert_eq!(t.w.get_json("/awards", &ent)["items"].as_array().map(Vec::len), Some(3));
        // Its own three and its product's.
        assert_eq!(t.w.get_json("/awards", &t.provider)["items"].as_array().map(Vec::len), Some(4));
        for token in [&t.county, &t.evaluator] {
            assert_eq!(t.w.get("/awards", token).status().as_u16(), 403);
        }
        let awards = t.payments("kind=award");
        assert_eq!(awards.len(), 7);
        assert!(awards.iter().any(|p| p["provider_id"] == t.provider_id && p["enterprise_id"].is_null()));
        // Dashboard targets of 附件1.
        let d = t.w.get_json("/dashboard", &t.city);
        let actual = |key: &str| d["targets"].as_array().expect("targets").iter().find(|x| x["key"] == key).map(|x| x["actual"].clone()).expect(key);
        assert_eq!((actual("workshops"), actual("chain_cases"), actual("typical_cases")), (json!(1), json!(1), json!(0)));
        assert_eq!(t.w.get_json("/dashboard", &t.other_county)["targets"].as_array().expect("t").iter().find(|x| x["key"] == "workshops").map(|x| x["actual"].clone()), Some(json!(0)));
        t.assert_ledger();
    }
}

support::both_databases! {
    fn budgets_commit_release_and_refuse(url: &str) {
        let t = Pilot::new(url);
        let budget = |token: &str, body: Value| problem(t.w.post("/budgets", token, &body));
        // R13 on the central budget.
        let (s, code, body) = budget(&t.city, json!({"fund": "central", "amount": "1000000.00", "retrofit_amount": "799999.99"}));
        assert_eq!((s, code.as_str()), (422, "central_retrofit_share_too_low"));
        assert!(body["detail"].as_str().is_some_and(|d| d.contains("R13")), "{body}");
        assert_eq!(budget(&t.city, json!({"fund": "central", "amount": "1000000.00"})).0, 422);
        assert_eq!(budget(&t.city, json!({"fund": "county", "amount": "1.00"})).2["errors"][0]["field"], "county");
        assert_eq!(budget(&t.city, json!({"fund": "city", "county": "luzhou", "amount": "1.00"})).0, 422);
        for token in [&t.finance, &t.county] {
            assert_eq!(budget(token, json!({"fund": "city", "amount": "1.00"})).0, 403);
        }
        let (s, _, central) = budget(&t.city, json!({"fund": "central", "amount": "250000.00", "retrofit_amount": "200000.00"}));
        assert_eq!((s, central["remaining"].as_str(), central["committed"].as_str()), (201, Some("250000.00"), Some("0.00")));
        assert_eq!(budget(&t.city, json!({"fund": "county", "county": "luzhou", "amount": "100000.00"})).0, 201);
        assert_eq!(budget(&t.city, json!({"fund": "city", "amount": "1000000.00"})).0, 201);
        let (s, code, _) = budget(&t.city, json!({"fund": "city", "amount": "5.00"}));
        assert_eq!((s, code.as_str()), (409, "budget_exists"));

        // An approval commits the planned subsidy by the §3 split: 300,000.00 → 150,000 / 75,000 / 75,000.
        let (_, ent1) = t.enterprise(1, json!({}), &["20000.00"]);
        let (_, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        let (_, ent3) = t.enterprise(3, json!({}), &["20000.00"]);
        let p1 = t.recommended(&ent1, "600000.00", 2);
        assert_eq!(t.approve(p1).status().as_u16(), 200);
        let pools = |token: &str| -> BTreeMap<String, Value> {
            t.w.get_json("/budgets", token)["items"].as_array().expect("items").iter().map(|b| (b["name"].as_str().unwrap_or("").to_string(), b.clone())).collect()
        };
        let b = pools(&t.city);
        let lz = &b["潞州区县级配套资金"];
        assert_eq!((lz["committed"].as_str(), lz["remaining"].as_str()), (Some("75000.00"), Some("25000.00")));
        assert_eq!(b["中央专项资金"]["retrofit_remaining"], "50000.00");
        // A second project would take Luzhou's pool over: 409, nothing changes.
        let p2 = t.recommended(&ent2, "300000.00", 2);
        let (s, code, body) = problem(t.approve(p2));
        assert_eq!((s, code.as_str()), (409, "budget_exceeded"), "{body}");
        assert_eq!(t.w.get_json(&format!("/projects/{p2}"), &t.city)["status"], "county_recommended");
        assert_eq!(pools(&t.finance)["潞州区县级配套资金"]["remaining"], "25000.00");
        // A rejection of a project never approved changes nothing; a cancellation releases.
        let p3 = t.recommended(&ent3, "100000.00", 2);
        t.w.ok(&format!("/projects/{p3}/city-review"), &t.city, &json!({"decision": "reject", "comment": "不符合"}), 200);
        t.w.ok(&format!("/projects/{p1}/cancel"), &t.city, &json!({"reason": "cancelled", "comment": "企业放弃"}), 200);
        assert_eq!(pools(&t.city)["潞州区县级配套资金"]["remaining"], "100000.00");
        assert_eq!(t.approve(p2).status().as_u16(), 200, "room again");
        // Paid and recovered show per pool; a recovery releases what it brings back.
        let notice = t.w.ok("/notices", &t.city, &json!({"project_ids": [p2], "starts_on": day(-7), "ends_on": day(-1)}), 201);
        t.w.ok(&format!("/notices/{}/close", notice["id"]), &t.city, &json!({"upheld_project_ids": []}), 200);
        t.pay_one(p2, "prepayment");
        let lz = pools(&t.city)["潞州区县级配套资金"].clone();
        assert_eq!((lz["paid"].as_str(), lz["committed"].as_str(), lz["remaining"].as_str()), (Some("18750.00"), Some("18750.00"), Some("62500.00")));
        assert_eq!(t.accept(&ent2, p2, 1)["status"], "failed");
        t.pay_one(p2, "recovery");
        let lz = pools(&t.city)["潞州区县级配套资金"].clone();
        assert_eq!((lz["recovered"].as_str(), lz["committed"].as_str(), lz["remaining"].as_str()), (Some("18750.00"), Some("0.00"), Some("100000.00")));

        // The other kinds draw on the central budget's non-retrofit part (50,000.00 here).
        let prov = json!({"type": "provider", "id": t.provider_id});
        assert_eq!(problem(t.w.post("/awards", &t.city, &json!({"kind": "excellent_provider", "recipient": prov, "amount": "45000.00"}))).0, 201);
        let (eid4, ent4) = t.enterprise(4, json!({}), &["20000.00"]);
        let (s, code, _) = t.cloud_fee(eid4, &ent4, "6000.00", "YF-1");
        assert_eq!((s, code.as_str()), (409, "budget_exceeded"));
        assert_eq!(t.w.get_json(&format!("/enterprises/{eid4}/cloud-fees"), &ent4)["granted"], "0.00", "nothing changed");
        assert_eq!(t.cloud_fee(eid4, &ent4, "5000.00", "YF-1").0, 201);
        assert_eq!(pools(&t.city)["中央专项资金"]["other_remaining"], "0.00");
        // A county pool that has drawn nothing takes any budget (one below the draw: the next test).
        assert_eq!(budget(&t.city, json!({"fund": "county", "county": "shangdang", "amount": "1.00"})).0, 201);
        // Who reads budgets; the dashboard shows them.
        for token in [&t.county, &t.evaluator, &t.provider, &ent4] {
            assert_eq!(t.w.get("/budgets", token).status().as_u16(), 403);
        }
        let d = t.w.get_json("/dashboard", &t.city);
        assert_eq!((d["funds"]["budgeted"].as_str(), d["funds"]["budget_note"].as_str()), (Some("1350001.00"), Some("")));
        assert_eq!(d["funds"]["budgets"].as_array().map(Vec::len), Some(4));
        let own = t.w.get_json("/dashboard", &t.county);
        assert_eq!(own["funds"]["budgets"].as_array().map(Vec::len), Some(3), "central, city and its own county");
        let ent_view = t.w.get_json("/dashboard", &ent4);
        assert_eq!(ent_view["funds"]["budget_note"], "未设预算");
        t.assert_ledger();
    }
}

support::both_databases! {
    fn a_budget_below_what_a_pool_drew_is_refused(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        assert_eq!(t.cloud_fee(eid, &ent, "20000.00", "YF-1").0, 201);
        let (s, code, _) = problem(t.w.post("/budgets", &t.city, &json!({"fund": "central", "amount": "100000.00", "retrofit_amount": "90000.00"})));
        assert_eq!((s, code.as_str()), (409, "budget_exceeded"), "the other part (10,000.00) is below the 20,000.00 drawn");
        assert!(t.w.get_json("/budgets", &t.city)["items"].as_array().is_some_and(Vec::is_empty), "nothing stored");
        let (s, _, _) = problem(t.w.post("/budgets", &t.city, &json!({"fund": "central", "amount": "100000.00", "retrofit_amount": "80000.00"})));
        assert_eq!(s, 201);
        t.assert_ledger();
    }
}

// ---- SPEC §9.1: money rules the texts require ---------------------------------------------------

impl Pilot {
    /// Another batch with the enterprise `eid` in it.
    fn batch(&self, number: i64, eid: i64) -> i64 {
        let b = self.w.ok(
            "/batches",
            &self.city,
            &json!({"number": number, "name": format!("第{number}批"), "diagnosis_due": day(30), "retrofit_due": day(120),
            "acceptance_start": day(90), "acceptance_end": day(150)}),
            201,
        );
        let id = b["id"].as_i64().expect("id");
        self.w.ok(&format!("/batches/{id}/enterprises"), &self.city, &json!({"enterprise_ids": [eid]}), 200);
        id
    }

    fn apply_body(&self, batch_id: i64, planned: &str, target: u8) -> Value {
        json!({"batch_id": batch_id, "provider_id": self.provider_id, "contract_no": format!("HT-{batch_id}"), "contract_amount": planned,
            "planned_eligible_investment": planned, "target_level": target, "overlapping_support_declared": false})
    }

    fn apply(&self, ent: &str, batch_id: i64, planned: &str, target: u8) -> (u16, String, Value) {
        problem(self.w.post("/projects", ent, &self.apply_body(batch_id, planned, target)))
    }

    /// Submitted and recommended by the county, then approved, noticed and cleared.
    fn onward_to_cleared(&self, ent: &str, pid: i64) {
        self.w.ok(&format!("/projects/{pid}/submit"), ent, &json!({}), 200);
        self.w.ok(
            &format!("/projects/{pid}/county-review"),
            &self.county,
            &json!({"decision": "recommend", "comment": "齐全"}),
            200,
        );
        assert_eq!(self.approve(pid).status().as_u16(), 200);
        let notice = self.w.ok(
            "/notices",
            &self.city,
            &json!({"project_ids": [pid], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        );
        self.w.ok(&format!("/notices/{}/close", notice["id"]), &self.city, &json!({"upheld_project_ids": []}), 200);
    }
}

fn rules_of(project: &Value) -> Vec<String> {
    project["subsidy"]["rules_applied"]
        .as_array()
        .expect("rules_applied")
        .iter()
        .map(|r| r.as_str().expect("rule").to_string())
        .collect()
}

support::both_databases! {
    /// R1* (第五条(一)1 「每家企业…不超过」): the cap bounds the sum over an enterprise's projects.
    fn r1_star_the_retrofit_cap_is_per_enterprise(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let (b2, b3) = (t.batch(2, eid), t.batch(3, eid));
        // A alone: 250,000.00, the cap does not bind.
        let (s, _, a) = t.apply(&ent, t.batch_id, "500000.00", 3);
        assert_eq!((s, a["planned_subsidy"].as_str()), (201, Some("250000.00")), "{a}");
        assert!(!rules_of(&a).contains(&"R1*".to_string()), "{a}");
        let pa = a["id"].as_i64().expect("id");
        // B: what A leaves of 350,000.00.
        let (s, _, b) = t.apply(&ent, b2, "800000.00", 3);
        assert_eq!((s, b["planned_subsidy"].as_str(), b["prepayment"].as_str()), (201, Some("100000.00"), Some("50000.00")), "{b}");
        assert!(rules_of(&b).contains(&"R1*".to_string()), "{b}");
        let pb = b["id"].as_i64().expect("id");
        // C: nothing left at level 3.
        let (s, code, c) = t.apply(&ent, b3, "100000.00", 2);
        assert_eq!((s, code.as_str(), c["errors"][0]["field"].as_str()), (422, "enterprise_cap_reached", Some("target_level")), "{c}");
        // A rejected holds nothing: B's plan is recomputed at its submission.
        t.w.ok(&format!("/projects/{pa}/submit"), &ent, &json!({}), 200);
        t.w.ok(&format!("/projects/{pa}/county-review"), &t.county, &json!({"decision": "reject", "comment": "不符合"}), 200);
        t.onward_to_cleared(&ent, pb);
        let b = t.w.get_json(&format!("/projects/{pb}"), &t.city);
        assert_eq!((b["planned_subsidy"].as_str(), b["prepayment"].as_str()), (Some("350000.00"), Some("175000.00")), "{b}");
        assert!(!rules_of(&b).contains(&"R1*".to_string()), "{b}");
        // Now B holds the whole level-3 cap; level 4 leaves 100,000.00.
        let (s, code, _) = t.apply(&ent, b3, "100000.00", 3);
        assert_eq!((s, code.as_str()), (422, "enterprise_cap_reached"));
        let (s, _, c) = t.apply(&ent, b3, "900000.00", 4);
        assert_eq!((s, c["planned_subsidy"].as_str()), (201, Some("100000.00")), "{c}");
        assert!(rules_of(&c).contains(&"R1*".to_string()));
        // B accepted at level 3 with 800,000.00 eligible: min(400,000, 350,000 − 100,000 held by C).
        t.pay_one(pb, "prepayment");
        t.w.ok(&format!("/projects/{pb}/expenses"), &ent, &json!({"category": "software", "amount": "400000.00", "invoice_no": "FP-B2", "paid_on": day(-2)}), 201);
        let b = t.accept(&ent, pb, 3);
        assert_eq!((b["status"].as_str(), b["subsidy"]["final_subsidy"].as_str(), b["subsidy"]["balance_due"].as_str()), (Some("accepted"), Some("250000.00"), Some("75000.00")), "{b}");
        assert!(rules_of(&b).contains(&"R1*".to_string()), "{b}");
        // The public quote of one project is unchanged.
        let q: Value = server::client()
            .post(t.w.url("/subsidy/quote"))
            .json(&json!({"target_level": 3, "planned_eligible_investment": "800000.00"}))
            .send()
            .expect("quote")
            .json()
            .expect("json");
        assert_eq!(q["planned_subsidy"], "350000.00");
        t.assert_ledger();
    }
}

support::both_databases! {
    /// R1* under concurrency: of simultaneous applications of one enterprise (each alone worth the
    /// whole cap), one gets it and the others are refused — none slips through beside it.
    fn r1_star_concurrent_applications_share_one_cap(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let batches: Vec<i64> = (2..=5).map(|n| t.batch(n, eid)).collect();
        let url = t.w.url("/projects");
        let answers: Vec<(u16, Value)> = std::thread::scope(|s| {
            let handles: Vec<_> = batches
                .iter()
                .map(|b| {
                    let (url, ent, body) = (url.clone(), ent.clone(), t.apply_body(*b, "800000.00", 3));
                    s.spawn(move || {
                        let r = server::client().post(url).bearer_auth(ent).json(&body).send().expect("send");
                        (r.status().as_u16(), r.json::<Value>().unwrap_or(Value::Null))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let created: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 201).map(|(_, v)| v).collect();
        assert_eq!(created.len(), 1, "{answers:?}");
        assert_eq!(created[0]["planned_subsidy"], "350000.00");
        assert!(answers.iter().all(|(s, v)| *s == 201 || (*s == 422 && v["code"] == "enterprise_cap_reached")), "{answers:?}");
    }
}

support::both_databases! {
    /// One invoice register across expenses and cloud fees, numbers compared normalised.
    fn one_invoice_register_across_expenses_and_cloud_fees(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let pid = t.through_notice(&ent, "800000.00", 3);
        t.pay_one(pid, "prepayment");
        let expense = |invoice: &str| {
            problem(t.w.post(&format!("/projects/{pid}/expenses"), &ent, &json!({"category": "software", "amount": "1000.00", "invoice_no": invoice, "paid_on": day(-2)})))
        };
        assert_eq!(expense("INV-9").0, 201);
        for variant in ["inv 9", "ＩＮＶ９", "Inv_9"] {
            let (s, code, body) = t.cloud_fee(eid, &ent, "100.00", variant);
            assert_eq!((s, code.as_str()), (409, "invoice_claimed"), "cloud fee {variant}: {body}");
            let (s, code, _) = expense(variant);
            assert_eq!((s, code.as_str()), (409, "invoice_claimed"), "expense {variant}");
        }
        // The other way round: a cloud fee's number is claimed for expenses too.
        assert_eq!(t.cloud_fee(eid, &ent, "100.00", "YF-1").0, 201);
        assert_eq!(expense("yf 1").1, "invoice_claimed");
        // Nothing left of a number to compare: 422.
        let (s, _, body) = expense("- _ -");
        assert_eq!((s, body["errors"][0]["field"].as_str()), (422, Some("invoice_no")));
        // Another enterprise may claim the same number for itself.
        let (eid2, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        assert_eq!(t.cloud_fee(eid2, &ent2, "100.00", "INV-9").0, 201);
        let expenses = t.w.get_json(&format!("/projects/{pid}/expenses"), &ent);
        assert_eq!(expenses.as_array().map(Vec::len), Some(1));
        t.assert_ledger();
    }
}

support::both_databases! {
    /// Concurrent claims of one invoice, written differently and split between the two paths:
    /// exactly one wins.
    fn concurrent_claims_of_one_invoice_exactly_one_wins(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let pid = t.through_notice(&ent, "800000.00", 3);
        t.pay_one(pid, "prepayment");
        let variants = ["INV-9", "inv 9", "ＩＮＶ９", "Inv_9", "INV9", "i n v - 9", "ｉｎｖ９", "INV__9"];
        let statuses: Vec<(u16, String)> = std::thread::scope(|s| {
            let handles: Vec<_> = variants
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let (path, body) = if i % 2 == 0 {
                        (format!("/projects/{pid}/expenses"), json!({"category": "software", "amount": "1000.00", "invoice_no": v, "paid_on": day(-2)}))
                    } else {
                        (format!("/enterprises/{eid}/cloud-fees"), json!({"amount": "100.00", "period": "2026-03", "invoice_no": v}))
                    };
                    let (url, ent) = (t.w.url(&path), ent.clone());
                    s.spawn(move || {
                        let r = server::client().post(url).bearer_auth(ent).json(&body).send().expect("send");
                        let status = r.status().as_u16();
                        let code = r.json::<Value>().ok().and_then(|v| v["code"].as_str().map(str::to_string)).unwrap_or_default();
                        (status, code)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert_eq!(statuses.iter().filter(|(s, _)| *s == 201).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|(s, c)| *s == 201 || (*s == 409 && c == "invoice_claimed")), "{statuses:?}");
        let expenses = t.w.get_json(&format!("/projects/{pid}/expenses"), &ent).as_array().map_or(0, Vec::len);
        let fees = t.w.get_json(&format!("/enterprises/{eid}/cloud-fees"), &ent)["items"].as_array().map_or(0, Vec::len);
        assert_eq!(expenses + fees, 1);
        t.assert_ledger();
    }
}

support::both_databases! {
    /// R10 (SPEC §9.1): the project rests on one diagnosis, chosen at creation; only the assigned
    /// provider diagnoses; the subsidy pays that report's provider, and later reports change nothing.
    fn r10_the_project_rests_on_its_diagnosis(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let (eid2, _) = t.enterprise(2, json!({}), &["25000.00"]);
        let reports = |id: i64| t.w.get_json(&format!("/enterprises/{id}/diagnoses"), &t.city);
        let first = reports(eid)[0]["id"].as_i64().expect("id");
        let other = reports(eid2)[0]["id"].as_i64().expect("id");
        // A second provider, contracted by the enterprise but not assigned to it.
        let p2 = t.w.ok("/providers", &t.city, &json!({"name": "另一服务商", "credit_code": uscc("91140400MA0T00002"), "capabilities": ["retrofit"]}), 201);
        let p2_id = p2["id"].as_i64().expect("id");
        let prov2 = t.w.user("prov2", "provider", json!({"provider_id": p2_id}));
        // A report of another enterprise cannot be the basis: 422.
        let mut body = t.apply_body(t.batch_id, "800000.00", 3);
        body["provider_id"] = json!(p2_id);
        body["diagnosis_id"] = json!(other);
        let (s, _, e) = problem(t.w.post("/projects", &ent, &body));
        assert_eq!((s, e["errors"][0]["field"].as_str()), (422, Some("diagnosis_id")), "{e}");
        // Default: the enterprise's latest report now.
        body.as_object_mut().expect("object").remove("diagnosis_id");
        let created = t.w.ok("/projects", &ent, &body, 201);
        let pid = created["id"].as_i64().expect("id");
        assert_eq!(created["diagnosis_id"].as_i64(), Some(first));
        // The contracted provider now sees the enterprise, but may not diagnose it.
        assert_eq!(t.w.get(&format!("/enterprises/{eid}"), &prov2).status().as_u16(), 200);
        let meta = json!({"estimated_level": 2, "summary": "复诊", "common_needs": [], "individual_needs": [], "fee": "45000.00"});
        let (s, code, _) = problem(t.w.upload(&format!("/enterprises/{eid}/diagnoses"), &prov2, &meta, PDF));
        assert_eq!((s, code.as_str()), (403, "not_assigned"));
        // The assigned provider's later report changes nothing for this project.
        let resp = t.w.upload(&format!("/enterprises/{eid}/diagnoses"), &t.provider, &meta, PDF);
        assert_eq!(resp.status().as_u16(), 201);
        assert_eq!(reports(eid).as_array().map(Vec::len), Some(2));
        t.onward_to_cleared(&ent, pid);
        t.pay_one(pid, "prepayment");
        let p = t.accept(&ent, pid, 3);
        assert_eq!((p["status"].as_str(), p["diagnosis_id"].as_i64()), (Some("accepted"), Some(first)));
        let d = t.payments("kind=diagnosis");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0]["amount"].as_str(), d[0]["provider_id"].as_i64()), (Some("20000.00"), Some(t.provider_id)), "the fee of the report the project rests on");
        t.assert_ledger();
    }
}

support::both_databases! {
    /// Providers have credit flags too (第六条(二), SPEC §9.1): flagged (or suspended, removed) a
    /// provider is named in no new project, uploads no diagnosis, receives no award, and an
    /// instruction to it is not approved (409 `payee_blocked`) until the flag is lifted.
    fn providers_flagged_take_no_work_and_are_not_paid(url: &str) {
        let t = Pilot::new(url);
        let (_, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let (eid2, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        let pid = t.through_notice(&ent, "300000.00", 2);
        t.pay_one(pid, "prepayment");
        t.accept(&ent, pid, 2);
        let d = t.payments("kind=diagnosis&status=pending");
        assert_eq!(d.len(), 1);
        let flag = |body: Value| t.w.patch(&format!("/providers/{}", t.provider_id), &t.city, &body);
        assert_eq!(t.w.patch(&format!("/providers/{}", t.provider_id), &t.county, &json!({"dishonest": true})).status().as_u16(), 403);
        let resp = flag(json!({"dishonest": true}));
        assert_eq!(resp.status().as_u16(), 200);
        let v: Value = resp.json().expect("json");
        assert_eq!((v["dishonest"].as_bool(), v["credit_abnormal"].as_bool(), v["status"].as_str()), (Some(true), Some(false), Some("active")));
        // Not paid: approval → 409.
        let (s, code, _) = problem(t.w.post(&format!("/payments/{}/approve", d[0]["id"]), &t.city, &json!({})));
        assert_eq!((s, code.as_str()), (409, "payee_blocked"));
        // Not named in a new project.
        let (s, code, body) = t.apply(&ent2, t.batch_id, "300000.00", 2);
        assert_eq!((s, code.as_str(), body["errors"][0]["field"].as_str()), (422, "provider_blocked", Some("provider_id")));
        // No diagnosis.
        let meta = json!({"estimated_level": 1, "summary": "复诊", "common_needs": [], "individual_needs": [], "fee": "1000.00"});
        let (s, code, _) = problem(t.w.upload(&format!("/enterprises/{eid2}/diagnoses"), &t.provider, &meta, PDF));
        assert_eq!((s, code.as_str()), (422, "provider_blocked"));
        // No award.
        let (s, code, _) = problem(t.w.post("/awards", &t.city, &json!({"kind": "excellent_provider", "recipient": {"type": "provider", "id": t.provider_id}, "amount": "1000.00"})));
        assert_eq!((s, code.as_str()), (422, "provider_blocked"));
        // 经营异常 alone blocks too; lifted, the provider works and is paid again.
        assert_eq!(flag(json!({"dishonest": false, "credit_abnormal": true})).status().as_u16(), 200);
        let (s, code, _) = t.apply(&ent2, t.batch_id, "300000.00", 2);
        assert_eq!((s, code.as_str()), (422, "provider_blocked"));
        assert_eq!(flag(json!({"credit_abnormal": false})).status().as_u16(), 200);
        t.pay(d[0]["id"].as_i64().expect("id"));
        assert_eq!(t.apply(&ent2, t.batch_id, "300000.00", 2).0, 201);
        t.assert_ledger();
    }
}

support::both_databases! {
    /// R1*: the plan the city approves (and commits to the funds) is recomputed against what the
    /// enterprise's other projects hold at that moment, not at submission.
    fn r1_star_the_plan_is_recomputed_at_the_city_s_approval(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let b2 = t.batch(2, eid);
        let pa = t.apply(&ent, t.batch_id, "500000.00", 3).2["id"].as_i64().expect("id");
        let pb = t.apply(&ent, b2, "800000.00", 3).2["id"].as_i64().expect("id");
        for pid in [pa, pb] {
            t.w.ok(&format!("/projects/{pid}/submit"), &ent, &json!({}), 200);
        }
        t.w.ok(&format!("/projects/{pb}/county-review"), &t.county, &json!({"decision": "recommend", "comment": "齐全"}), 200);
        assert_eq!(t.w.get_json(&format!("/projects/{pb}"), &t.city)["planned_subsidy"], "100000.00");
        // A is rejected after B was submitted: B's approval takes the whole cap.
        t.w.ok(&format!("/projects/{pa}/county-review"), &t.county, &json!({"decision": "reject", "comment": "不符合"}), 200);
        let approved = t.approve(pb);
        assert_eq!(approved.status().as_u16(), 200);
        let b: Value = approved.json().expect("json");
        assert_eq!((b["status"].as_str(), b["planned_subsidy"].as_str(), b["prepayment"].as_str()), (Some("approved"), Some("350000.00"), Some("175000.00")), "{b}");
        assert!(!rules_of(&b).contains(&"R1*".to_string()), "{b}");
        t.assert_ledger();
    }
}

/// `POST /findings` with one recovery each: (status, code, body).
fn finding(t: &Pilot, token: &str, subject: Value, recoveries: Value, disqualify: bool) -> (u16, String, Value) {
    problem(t.w.post(
        "/findings",
        token,
        &json!({"subject": subject, "kind": "fraud", "document_no": "长工信〔2026〕14号", "description": "虚报投资",
            "recoveries": recoveries, "disqualify": disqualify}),
    ))
}

support::both_databases! {
    fn art14_finding_after_settlement_reclaims_a_balance_and_a_cloud_subsidy_and_disqualifies(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let pid = t.through_notice(&ent, "800000.00", 3);
        t.pay_one(pid, "prepayment");
        t.accept(&ent, pid, 3);
        let balance = t.pay_one(pid, "balance");
        assert_eq!(balance["amount"], "25000.00");
        let p = t.w.get_json(&format!("/projects/{pid}"), &t.city);
        assert_eq!(p["status"], "settled");
        let (s, _, cloud) = t.cloud_fee(eid, &ent, "12000.00", "YF-1");
        assert_eq!(s, 201);
        let cloud = t.pay(cloud["payment_id"].as_i64().expect("id"));
        let (_, _, open_cloud) = t.cloud_fee(eid, &ent, "1000.00", "YF-2");
        let open_cloud = open_cloud["payment_id"].as_i64().expect("id");
        let (eid2, ent2) = t.enterprise(2, json!({}), &["20000.00"]);
        let (_, _, other) = t.cloud_fee(eid2, &ent2, "500.00", "YF-1");
        let other = t.pay(other["payment_id"].as_i64().expect("id"));
        let subject = json!({"type": "enterprise", "id": eid});
        let (bid, cid) = (balance["id"].as_i64().expect("id"), cloud["id"].as_i64().expect("id"));

        // Above what was paid → 422 naming the amount; another's instruction → 422 naming it.
        let (s, code, body) = finding(&t, &t.city, subject.clone(), json!([{"payment_id": bid, "amount": "25000.01"}]), false);
        assert_eq!((s, code.as_str(), body["errors"][0]["field"].as_str()), (422, "above_reclaimable", Some("recoveries[0].amount")));
        let recs = json!([{"payment_id": cid, "amount": "1.00"}, {"payment_id": other["id"], "amount": "1.00"}]);
        let (s, code, body) = finding(&t, &t.city, subject.clone(), recs, true);
        assert_eq!((s, code.as_str(), body["errors"][0]["field"].as_str()), (422, "outside_subject", Some("recoveries[1].payment_id")));
        // An open instruction is not reclaimable; a provider finding cannot reclaim the enterprise's money.
        let (s, code, _) = finding(&t, &t.city, subject.clone(), json!([{"payment_id": open_cloud, "amount": "1.00"}]), false);
        assert_eq!((s, code.as_str()), (422, "not_paid_out"));
        let (s, code, _) = finding(&t, &t.city, json!({"type": "provider", "id": t.provider_id}), json!([{"payment_id": bid, "amount": "1.00"}]), false);
        assert_eq!((s, code.as_str()), (422, "outside_subject"));
        // Wrong roles.
        for token in [&t.finance, &t.county, &ent, &t.provider] {
            assert_eq!(finding(&t, token, subject.clone(), json!([]), false).0, 403);
        }
        assert!(t.payments("kind=recovery").is_empty(), "refused findings leave nothing behind");
        assert_eq!(t.w.get_json("/findings", &t.city)["total"], 0);

        // After settlement: a recovery of 10,000.00 of the balance and all of the cloud subsidy.
        let recs = json!([{"payment_id": bid, "amount": "10000.00"}, {"payment_id": cid, "amount": "12000.00"}]);
        let (s, _, f) = finding(&t, &t.city, subject.clone(), recs, true);
        assert_eq!(s, 201, "{f}");
        assert_eq!((f["subject_name"].is_string(), f["disqualify"].as_bool()), (true, Some(true)));
        let r = f["recoveries"].as_array().expect("recoveries");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0]["reclaims_payment_id"].as_i64(), r[0]["payment"]["kind"].as_str(), r[0]["payment"]["status"].as_str()), (Some(bid), Some("recovery"), Some("pending")));
        assert_eq!(r[0]["payment"]["project_id"].as_i64(), Some(pid));
        // Split like the instruction it reclaims (SPEC §3).
        let bf = &balance["funds"];
        let (bc, bt) = (fen(&bf["central"]), fen(&balance["amount"]));
        assert_eq!(fen(&r[0]["payment"]["funds"]["central"]), 1_000_000 * bc / bt);
        assert_eq!(r[1]["payment"]["funds"], cloud["funds"], "the whole cloud subsidy: exactly its parts");
        assert!(r[1]["payment"]["project_id"].is_null());
        // What is left of the balance: 15,000.00.
        let (s, code, _) = finding(&t, &t.city, subject.clone(), json!([{"payment_id": bid, "amount": "15000.01"}]), false);
        assert_eq!((s, code.as_str()), (422, "above_reclaimable"));
        let (s, code, _) = finding(&t, &t.city, subject.clone(), json!([{"payment_id": cid, "amount": "0.01"}]), false);
        assert_eq!((s, code.as_str()), (422, "above_reclaimable"));
        // The recovery follows the ledger: city approves, finance executes when the money is back.
        t.pay(r[0]["payment"]["id"].as_i64().expect("id"));
        let p = t.w.get_json(&format!("/projects/{pid}"), &t.city);
        assert_eq!((p["status"].as_str(), p["subsidy"]["recovered_total"].as_str()), (Some("settled"), Some("10000.00")));

        // Disqualified: no application, no cloud fee, no payment of what was pending.
        let body = json!({"batch_id": t.batch_id, "provider_id": t.provider_id, "contract_no": "HT-009", "contract_amount": "300000.00",
            "planned_eligible_investment": "300000.00", "target_level": 2, "overlapping_support_declared": false});
        let (s, code, _) = problem(t.w.post("/projects", &ent, &body));
        assert_eq!((s, code.as_str()), (422, "disqualified"));
        let (s, code, _) = t.cloud_fee(eid, &ent, "100.00", "YF-3");
        assert_eq!((s, code.as_str()), (422, "disqualified"));
        let (s, code, _) = problem(t.w.post(&format!("/payments/{open_cloud}/approve"), &t.city, &json!({})));
        assert_eq!((s, code.as_str()), (409, "payee_blocked"));
        // The other enterprise is untouched.
        assert_eq!(t.cloud_fee(eid2, &ent2, "100.00", "YF-4").0, 201);

        // Listing: city and finance see all, the county its enterprises', others nothing.
        for token in [&t.city, &t.finance, &t.county] {
            let page = t.w.get_json("/findings", token);
            assert_eq!(page["total"], 1, "{page}");
        }
        assert_eq!(t.w.get_json("/findings", &t.other_county)["total"], 0);
        for token in [&ent, &t.provider, &t.evaluator] {
            assert_eq!(t.w.get("/findings", token).status().as_u16(), 403);
        }
        t.assert_ledger();
    }
}

support::both_databases! {
    fn art10_concurrent_findings_never_reclaim_more_than_was_paid(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let (_, _, cloud) = t.cloud_fee(eid, &ent, "25000.00", "YF-1");
        let cid = t.pay(cloud["payment_id"].as_i64().expect("id"))["id"].as_i64().expect("id");
        let url = t.w.url("/findings");
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let (url, city) = (url.clone(), t.city.clone());
                    s.spawn(move || {
                        server::client()
                            .post(url)
                            .bearer_auth(city)
                            .json(&json!({"subject": {"type": "enterprise", "id": eid}, "kind": "diversion", "document_no": "D-1",
                                "description": "挪用", "recoveries": [{"payment_id": cid, "amount": "7000.00"}], "disqualify": false}))
                            .send()
                            .expect("send")
                            .status()
                            .as_u16()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert!(statuses.iter().all(|s| *s == 201 || *s == 422), "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "3 × 7,000.00 of 25,000.00: {statuses:?}");
        let total: i64 = t.payments("kind=recovery").iter().map(|p| fen(&p["amount"])).sum();
        assert_eq!(total, 2_100_000);
        t.assert_ledger();
    }
}

support::both_databases! {
    fn art14_finding_on_a_provider_reclaims_its_diagnosis_subsidy_and_bars_it(url: &str) {
        let t = Pilot::new(url);
        let (eid, ent) = t.enterprise(1, json!({}), &["20000.00"]);
        let pid = t.through_notice(&ent, "800000.00", 3);
        t.pay_one(pid, "prepayment");
        t.accept(&ent, pid, 3);
        let d = t.payments("kind=diagnosis");
        let d = t.pay(d[0]["id"].as_i64().expect("id"));
        let did = d["id"].as_i64().expect("id");
        let prov = json!({"type": "provider", "id": t.provider_id});
        let award = t.w.ok("/awards", &t.city, &json!({"kind": "excellent_provider", "recipient": prov, "amount": "50000.00"}), 201);
        let award_pay = award["payment_id"].as_i64().expect("id");
        // The diagnosis subsidy names the enterprise but is the provider's.
        let (s, code, _) = finding(&t, &t.city, json!({"type": "enterprise", "id": eid}), json!([{"payment_id": did, "amount": "1.00"}]), false);
        assert_eq!((s, code.as_str()), (422, "outside_subject"));
        let (s, _, f) = finding(&t, &t.city, prov.clone(), json!([{"payment_id": did, "amount": "20000.00"}]), true);
        assert_eq!(s, 201, "{f}");
        assert_eq!(f["recoveries"][0]["payment"]["funds"], d["funds"]);
        assert_eq!(f["recoveries"][0]["payment"]["provider_id"].as_i64(), Some(t.provider_id));
        // Barred: its pending award is not approved, no new award.
        let (s, code, _) = problem(t.w.post(&format!("/payments/{award_pay}/approve"), &t.city, &json!({})));
        assert_eq!((s, code.as_str()), (409, "payee_blocked"));
        let (s, code, _) = problem(t.w.post("/awards", &t.city, &json!({"kind": "excellent_provider", "recipient": prov, "amount": "1000.00"})));
        assert_eq!((s, code.as_str()), (422, "provider_blocked"));
        // The recovery itself is still collected; the enterprise is not disqualified.
        t.pay(f["recoveries"][0]["payment"]["id"].as_i64().expect("id"));
        assert_eq!(t.w.get_json(&format!("/enterprises/{eid}"), &t.city)["disqualified"], false);
        assert_eq!(t.w.get_json("/findings", &t.city)["total"], 1);
        assert_eq!(t.w.get_json("/findings", &t.county)["total"], 0, "a provider's finding is the city's");
        t.assert_ledger();
    }
}
