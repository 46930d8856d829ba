//! Black-box (issue 10, SPEC §9.1 "Readings to confirm"), on SQLite and PostgreSQL: the readings
//! the policy profile assumes are listed with their reading, quote and value; the city bureau
//! confirms one with its document (audited), once per edition of the profile — also when several
//! confirmations race; the roles and the refusals.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use serde_json::{Value, json};
use world::{World, problem};

const KEY: &str = "notice.min_days";

support::both_databases! {
    fn readings_are_listed_and_confirmed_once(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        let finance = w.user("finance1", "finance", json!({}));
        let county = w.user("county1", "county", json!({"county": "luzhou"}));
        let evaluator = w.user("evaluator1", "evaluator", json!({}));

        let list = w.get_json("/policy/interpretations", &city);
        assert_eq!(list["profile"], "changzhi-2025@1");
        let items = list["items"].as_array().expect("items");
        assert!(items.len() >= 6, "{list}");
        assert_eq!(list["open"].as_u64(), Some(items.len() as u64), "nothing confirmed yet");
        for item in items {
            for field in ["key", "value", "source", "quote", "reading"] {
                assert!(item[field].as_str().is_some_and(|t| !t.is_empty()), "{field} of {item}");
            }
            assert!(item["confirmation"].is_null());
        }
        let notice = items.iter().find(|i| i["key"] == KEY).expect("R15's notice days are a reading");
        assert_eq!((notice["rule"].as_str(), notice["value"].as_str()), (Some("R15"), Some("5")));
        // Finance and the counties read them too; the others may not.
        assert_eq!(w.get_json("/policy/interpretations", &finance)["open"], list["open"]);
        assert_eq!(w.get_json("/policy/interpretations", &county)["open"], list["open"]);
        assert_eq!(problem(w.get("/policy/interpretations", &evaluator)).0, 403);

        let path = format!("/policy/interpretations/{KEY}/confirm");
        let body = json!({"document_no": "长工信会纪〔2026〕3号", "note": "公示期按 5 个自然日执行"});
        // Only the city confirms; what is refused changes nothing.
        assert_eq!(problem(w.post(&path, &county, &body)).0, 403);
        assert_eq!(problem(w.post(&path, &finance, &body)).0, 403);
        let (status, code, err) = problem(w.post(&path, &city, &json!({"document_no": "  "})));
        assert_eq!((status, code.as_str()), (422, "validation_failed"), "{err}");
        assert_eq!(err["errors"][0]["field"], "document_no");
        assert_eq!(problem(w.post("/policy/interpretations/retrofit.subsidy_ratio/confirm", &city, &body)).0, 404);
        assert_eq!(problem(w.post("/policy/interpretations/no.such/confirm", &city, &body)).0, 404);
        assert_eq!(w.get_json("/policy/interpretations", &city)["open"], list["open"]);

        let confirmed = w.ok(&path, &city, &body, 200);
        assert_eq!(confirmed["key"], KEY);
        let c = &confirmed["confirmation"];
        assert_eq!((c["document_no"].as_str(), c["value"].as_str()), (Some("长工信会纪〔2026〕3号"), Some("5")));
        assert_eq!(c["confirmed_by_name"], "city1");
        let after = w.get_json("/policy/interpretations", &city);
        assert_eq!(after["open"].as_u64(), list["open"].as_u64().map(|n| n - 1));
        let last = after["items"].as_array().and_then(|i| i.last()).expect("items");
        assert_eq!(last["key"], KEY, "confirmed readings come after the open ones");

        let (status, code, _) = problem(w.post(&path, &city, &body));
        assert_eq!((status, code.as_str()), (409, "already_confirmed"));

        let audit = w.get_json("/audit?action=policy.interpretation.confirm", &w.admin);
        assert_eq!(audit["total"], 1, "{audit}");
        assert_eq!(audit["items"][0]["entity_id"], KEY);
    }

    fn concurrent_confirmations_leave_one(url: &str) {
        let w = World::new(url);
        let city = w.user("city1", "city", json!({}));
        let path = format!("/policy/interpretations/{}/confirm", "funds.central_share");
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..6)
                .map(|n| {
                    let (w, city, path) = (&w, &city, &path);
                    s.spawn(move || w.post(path, city, &json!({"document_no": format!("文号{n}")})).status().as_u16())
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|&s| s == 200 || s == 409), "{statuses:?}");
        let list: Value = w.get_json("/policy/interpretations", &city);
        let item = list["items"].as_array().and_then(|i| i.iter().find(|i| i["key"] == "funds.central_share")).cloned();
        assert!(item.is_some_and(|i| i["confirmation"]["document_no"].as_str().is_some_and(|d| d.starts_with("文号"))));
    }
}
