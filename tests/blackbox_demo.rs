//! Black-box: `dtpilot serve --demo` on SQLite and PostgreSQL. The real binary seeds an empty
//! database before it prints `dtpilot listening on …` (so [`Server::start_with`] returns only once
//! the demo is complete); then we sign in with the demo's accounts (names and password from
//! `dtpilot_backend::demo`) and check what a newcomer would see: every project state, every
//! county and industry, payments pending/approved/paid, a sound audit chain, county scope, the
//! ledger invariant — and that a second start on the same database seeds nothing.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use dtpilot_backend::demo;
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::state::ProjectState;
use serde_json::{Value, json};
use server::{Server, client};

fn login(s: &Server, username: &str) -> String {
    let resp = s.post_json("/api/v1/auth/login", &json!({"username": username, "password": demo::PASSWORD}));
    let status = resp.status().as_u16();
    let body: Value = resp.json().unwrap_or(Value::Null);
    assert_eq!(status, 200, "login {username}: {body}");
    body["access_token"].as_str().expect("access_token").to_string()
}

fn get_status(s: &Server, path: &str, token: &str) -> (u16, Value) {
    let resp = client().get(s.url(&format!("/api/v1{path}"))).bearer_auth(token).send().expect("get");
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn get(s: &Server, path: &str, token: &str) -> Value {
    let (status, body) = get_status(s, path, token);
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

fn total(s: &Server, path: &str, token: &str) -> i64 {
    get(s, path, token)["total"].as_i64().unwrap_or_else(|| panic!("total of {path}"))
}

/// Every item of a paged list (`per_page=100`, all pages).
fn all(s: &Server, path: &str, token: &str) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    for page in 1.. {
        let body = get(s, &format!("{path}{sep}per_page=100&page={page}"), token);
        let got = body["items"].as_array().expect("items").clone();
        let done = got.len() < 100;
        items.extend(got);
        if done {
            break;
        }
    }
    assert_eq!(items.len() as i64, total(s, path, token), "{path}: every page read");
    items
}

/// "350000.00" → 35000000 fen.
fn fen(v: &Value) -> i64 {
    let s = v.as_str().unwrap_or_else(|| panic!("money string expected, got {v}"));
    let (yuan, cents) = s.split_once('.').expect("two decimals");
    assert_eq!(cents.len(), 2, "{s}");
    yuan.parse::<i64>().expect("yuan") * 100 + cents.parse::<i64>().expect("fen")
}

/// Totals that a second seed would change.
fn counts(s: &Server, city: &str, admin: &str) -> [i64; 5] {
    [
        total(s, "/enterprises", city),
        total(s, "/projects", city),
        total(s, "/payments", city),
        total(s, "/providers", city),
        total(s, "/audit?action=user.create", admin),
    ]
}

support::both_databases! {
    fn the_demo_shows_every_state_through_the_real_rules(url: &str) {
        let s = Server::start_with(url, &["--demo"]);
        let city = login(&s, demo::CITY);
        let admin = login(&s, demo::ADMIN);

        // Every project state of SPEC §5 has a project.
        for &state in ProjectState::ALL {
            assert!(total(&s, &format!("/projects?status={state}"), &city) >= 1, "no project in state {state}");
        }
        // All 14 counties and 4 industries have enterprises; 60 in all.
        assert_eq!(total(&s, "/enterprises", &city), (demo::ENTERPRISES + demo::IMPORTED) as i64);
        for &c in County::ALL {
            assert!(total(&s, &format!("/enterprises?county={c}"), &city) >= 1, "no enterprise in {c}");
        }
        for &i in Industry::ALL {
            assert!(total(&s, &format!("/enterprises?industry={i}"), &city) >= 1, "no enterprise in {i}");
        }
        let enterprises = all(&s, "/enterprises", &city);
        let flagged = |f: &str| enterprises.iter().filter(|e| e[f] == true).count();
        assert!(flagged("credit_abnormal") >= 1 && flagged("dishonest") >= 1, "credit flags");
        assert!(flagged("disqualified") >= 1, "the fraud case disqualifies its enterprise");
        assert!(flagged("central_fund_excluded") >= 1 && flagged("is_little_giant") >= 1);
        assert!(enterprises.iter().any(|e| e["sme"] == false), "one non-SME");
        let providers = all(&s, "/providers", &city);
        assert_eq!(providers.len(), demo::PROVIDERS);
        assert!(providers.iter().any(|p| p["status"] == "suspended" && p["status_reason"].is_string()));

        // Payments pending, approved and paid; each one's fund parts add up; R8 enterprises get no central money.
        for status in ["pending", "approved", "paid"] {
            assert!(total(&s, &format!("/payments?status={status}"), &city) >= 1, "no {status} payment");
        }
        let payments = all(&s, "/payments", &city);
        let kinds: BTreeSet<&str> = payments.iter().filter_map(|p| p["kind"].as_str()).collect();
        assert!(kinds.contains("prepayment") && kinds.contains("balance") && kinds.contains("recovery"), "{kinds:?}");
        // The other kinds (R10–R12) and the budgets (§7b): diagnosis subsidies from the accepted
        // projects, cloud subsidies and awards; every budgeted pool within its budget.
        assert!(kinds.contains("diagnosis") && kinds.contains("cloud") && kinds.contains("award"), "{kinds:?}");
        let budgets = get(&s, "/budgets", &login(&s, demo::FINANCE));
        let pools = budgets["items"].as_array().expect("budgets");
        assert!(pools.len() >= 5, "{budgets}");
        for b in pools {
            assert!(fen(&b["remaining"]) >= 0 && fen(&b["committed"]) >= 0, "{b}");
        }
        let awards = get(&s, "/awards", &city);
        assert!(awards["items"].as_array().is_some_and(|a| a.len() >= 5), "{awards}");
        assert!(awards["items"].as_array().is_some_and(|a| a.iter().any(|x| x["recipient"]["type"] == "product")), "a product's award: {awards}");
        let targets = get(&s, "/dashboard", &city)["targets"].clone();
        let actual = |key: &str| targets.as_array().and_then(|t| t.iter().find(|x| x["key"] == key)).map(|x| x["actual"].as_i64());
        assert!(actual("on_cloud").flatten().is_some_and(|n| n >= 3), "{targets}");
        assert_eq!(actual("workshops"), Some(Some(2)));
        for p in &payments {
            let f = &p["funds"];
            assert_eq!(fen(&f["central"]) + fen(&f["city"]) + fen(&f["county"]), fen(&p["amount"]), "fund parts of {p}");
        }
        let excluded: BTreeSet<i64> = enterprises.iter().filter(|e| e["central_fund_excluded"] == true).filter_map(|e| e["id"].as_i64()).collect();
        let r8: Vec<&Value> = payments.iter().filter(|p| p["enterprise_id"].as_i64().is_some_and(|id| excluded.contains(&id))).collect();
        assert!(!r8.is_empty(), "the R8 enterprise has payments");
        for p in r8 {
            assert_eq!(p["funds"]["central"], "0.00", "R8: {p}");
        }

        // Ledger invariant: paid out − recovered = what a finished project is owed.
        for state in ["settled", "closed"] {
            for p in all(&s, &format!("/projects?status={state}"), &city) {
                let sub = &p["subsidy"];
                let net = fen(&sub["paid_total"]) - fen(&sub["recovered_total"]);
                assert_eq!(net, fen(&sub["final_subsidy"]), "project {} ({state}): {sub}", p["id"]);
                if state == "closed" {
                    assert_eq!(sub["final_subsidy"], "0.00");
                }
                assert_eq!((sub["balance_due"].as_str(), sub["recovery_due"].as_str()), (Some("0.00"), Some("0.00")));
            }
        }

        // SPEC §4's worked example and the level-4 cap, as the rules computed them.
        let settled = all(&s, "/projects?status=settled", &city);
        let by_plan = |planned: &str| settled.iter().find(|p| p["planned_eligible_investment"] == planned).unwrap_or_else(|| panic!("a settled project planned at {planned}"));
        let worked = by_plan("800000.00");
        assert_eq!((worked["planned_subsidy"].as_str(), worked["prepayment"].as_str(), worked["subsidy"]["final_subsidy"].as_str()), (Some("350000.00"), Some("175000.00"), Some("320000.00")));
        let balance: Vec<&Value> = payments.iter().filter(|p| p["project_id"] == worked["id"] && p["kind"] == "balance").collect();
        assert_eq!((balance.len(), balance[0]["amount"].as_str()), (1, Some("145000.00")));
        assert_eq!(by_plan("1000000.00")["subsidy"]["final_subsidy"], "450000.00");

        // The audit chain is sound.
        let verified = get(&s, "/audit/verify", &admin);
        assert_eq!(verified["ok"], true, "{verified}");

        // A county sees its own county only.
        let luzhou = login(&s, &demo::county_username(County::Luzhou));
        let own = all(&s, "/enterprises", &luzhou);
        assert!(!own.is_empty());
        assert!(own.iter().all(|e| e["county"] == "luzhou"), "county scope");
        assert_eq!(own.len() as i64, total(&s, "/enterprises?county=luzhou", &city));
        assert!(all(&s, "/projects", &luzhou).iter().all(|p| p["county"] == "luzhou"));
        let stranger = enterprises.iter().find(|e| e["county"] != "luzhou").expect("another county's enterprise");
        assert_eq!(get_status(&s, &format!("/enterprises/{}", stranger["id"]), &luzhou).0, 404);

        // Issue 5: the survey lists were imported (history: the county's and the city's), the
        // batches show living progress, the reports count the demo.
        assert_eq!(total(&s, "/imports/enterprises", &city), 2);
        assert_eq!(total(&s, "/imports/enterprises", &luzhou), 1);
        let batches = get(&s, "/batches", &city);
        let third = batches.as_array().and_then(|b| b.last()).map(|b| b["id"].clone()).expect("a batch");
        assert!(total(&s, &format!("/batches/{third}/progress?stage=none"), &city) >= demo::IMPORTED as i64 / 2, "imported members not applied yet");
        let first = batches[0]["id"].clone();
        assert!(total(&s, &format!("/batches/{first}/progress"), &city) >= 1);
        assert!(total(&s, &format!("/batches/{first}/progress"), &luzhou) <= total(&s, &format!("/batches/{first}/progress"), &city));
        let weekly = get(&s, "/reports/weekly", &city);
        let members = weekly["total"]["enterprises"].as_i64().unwrap_or(0);
        assert!(members >= demo::IMPORTED as i64 / 2 && members < total(&s, "/enterprises", &city), "members of a batch: {members}");
        assert!(weekly["total"]["projects"].as_i64().unwrap_or(0) >= 1);
        assert!(weekly["total"]["overdue"].as_i64().unwrap_or(0) >= 1, "the batch dates have passed for some projects");
        assert_ne!(weekly["total"]["paid_total"], "0.00");
        let monthly = get(&s, "/reports/monthly", &luzhou);
        assert_eq!(monthly["by_county"].as_array().map(Vec::len), Some(1));

        // The other roles sign in and see work.
        let finance = login(&s, demo::FINANCE);
        assert!(total(&s, "/payments?status=approved", &finance) >= 1, "finance has payments to execute");
        let evaluator = login(&s, demo::EVALUATOR);
        assert!(total(&s, "/projects?status=awaiting_acceptance", &evaluator) >= 1, "the evaluator has work");
        let provider = login(&s, &demo::provider_username(1));
        assert!(total(&s, "/enterprises", &provider) >= 1, "a provider sees its enterprises");
        // Issue 5: the scheme's detail (one mismatch), the catalogue, the 2025 ranking.
        assert_eq!(total(&s, "/projects?level_mismatch=true", &city), 1, "one evaluation differs from its detail");
        let flagged = &all(&s, "/projects?level_mismatch=true", &city)[0];
        assert_eq!((flagged["subsidy"]["achieved_level"].as_i64(), flagged["computed_level"].as_i64()), (Some(4), Some(3)));
        let detailed = all(&s, "/projects?status=settled", &city).into_iter().filter(|p| p["computed_level"].is_i64()).count();
        assert!(detailed >= 2, "evaluations with the scheme's detail: {detailed}");
        assert_eq!(total(&s, "/products?status=approved", &city), 7);
        assert_eq!(total(&s, "/products?status=pending", &city), 2);
        assert_eq!(total(&s, "/products?status=rejected", &city), 1);
        let ent_catalogue = login(&s, &demo::enterprise_username(1));
        assert_eq!(total(&s, "/products", &ent_catalogue), 7, "an enterprise sees the approved catalogue");
        let dash = get(&s, "/dashboard", &city);
        let solutions = dash["targets"].as_array().expect("targets").iter().find(|t| t["key"] == "solutions").expect("solutions").clone();
        assert_eq!(solutions["actual"], 7);
        let ranking = get(&s, "/providers/evaluations?year=2025", &city);
        assert_eq!(ranking["evaluated"], demo::PROVIDERS);
        let ranks: Vec<i64> = ranking["items"].as_array().expect("items").iter().filter_map(|i| i["rank"].as_i64()).collect();
        assert_eq!(ranks, [1, 2, 2, 4, 5, 6, 7, 8], "ties share a rank");
        let low: Vec<&Value> = ranking["items"].as_array().expect("items").iter().filter(|i| i["below_threshold"] == true).collect();
        assert_eq!(low.len(), 2);
        assert!(low.iter().any(|i| i["provider_status"] == "active"), "one low performer left for the city to suspend");
        let linked = all(&s, "/projects", &city)
            .iter()
            .filter(|p| get(&s, &format!("/projects/{}", p["id"]), &city)["products"].as_array().is_some_and(|l| !l.is_empty()))
            .count();
        assert_eq!(linked, 6, "projects naming an approved product");

        // The first enterprise accounts, one story each, show every project state between them.
        let mut seen = BTreeSet::new();
        for n in 1..=31 {
            let token = login(&s, &demo::enterprise_username(n));
            let own = all(&s, "/enterprises", &token);
            assert_eq!(own.len(), 1, "ent{n:02} sees itself only");
            for p in all(&s, "/projects", &token) {
                assert_eq!(p["enterprise_id"], own[0]["id"]);
                seen.insert(p["status"].as_str().expect("status").to_string());
            }
        }
        let every: BTreeSet<String> = ProjectState::ALL.iter().map(|s| s.code().to_string()).collect();
        assert_eq!(seen, every, "ent01…ent31 show every state");

        // A second start on the same database seeds nothing (and fails on nothing).
        let before = counts(&s, &city, &admin);
        drop(s);
        let again = Server::start_with(url, &["--demo"]);
        let city = login(&again, demo::CITY);
        let admin = login(&again, demo::ADMIN);
        assert_eq!(counts(&again, &city, &admin), before, "nothing added by the second start");
        assert_eq!(get(&again, "/audit/verify", &admin)["ok"], true);
    }
}

/// What `serve --demo` prints: every account with the password, before the "listening" line.
#[test]
fn the_banner_lists_every_account_before_listening() {
    let db = support::TestDb::sqlite();
    let data = tempfile::tempdir().expect("data dir");
    let mut child = Command::new(server::binary())
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &db.url, "--demo", "--data-dir"])
        .arg(data.path())
        .env("DTPILOT_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start dtpilot");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) {
        let listening = line.starts_with("dtpilot listening on ");
        lines.push(line);
        if listening {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(lines.last().is_some_and(|l| l.starts_with("dtpilot listening on ")), "{lines:#?}");
    let text = lines.join("\n");
    assert!(text.contains(demo::PASSWORD) && text.contains("DEMO") && text.contains("演示"), "{text}");
    let mut usernames = vec![demo::ADMIN.to_string(), demo::CITY.into(), demo::FINANCE.into(), demo::EVALUATOR.into()];
    usernames.extend(County::ALL.iter().map(|&c| demo::county_username(c)));
    usernames.extend((1..=demo::PROVIDERS).map(demo::provider_username));
    usernames.extend((1..=demo::ENTERPRISES).map(demo::enterprise_username));
    for u in &usernames {
        assert!(lines.iter().any(|l| l.split_whitespace().next() == Some(u)), "{u} is not listed:\n{text}");
    }
    for state in ProjectState::ALL {
        assert!(text.contains(state.code()), "the guide names {state}");
    }
}
