//! Black-box: the Excel exports, the project list's new fields and filters, and the users list, over
//! HTTP on SQLite and PostgreSQL.
//!
//! - each export downloads a valid xlsx (read back with calamine) whose rows are exactly what the
//!   caller's list shows — county A's export has none of county B's projects — with Chinese headers
//!   and the exact amounts;
//! - `GET /projects` names the enterprise and provider, gives the next deadline from the batch's
//!   dates and marks it overdue (a batch whose `retrofit_due` has passed), and filters by provider
//!   and enterprise name;
//! - `GET /users` pages and filters the accounts, for the admin and the city only.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, Utc};
use reqwest::blocking::Response;
use serde_json::{Value, json};
use world::{PDF, World, enterprise_body, problem, uscc};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A day relative to today in China (UTC+8).
fn date(n: i64) -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)
}

fn day(n: i64) -> String {
    date(n).to_string()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

const PROJECT_HEADERS: [&str; 17] = [
    "项目编号",
    "企业名称",
    "县区",
    "批次",
    "服务商",
    "合同编号",
    "合同金额(元)",
    "计划合规投资(元)",
    "目标水平",
    "状态",
    "计划补助(元)",
    "预拨资金(元)",
    "已拨付(元)",
    "已追回(元)",
    "最终补助(元)",
    "计划完成期限",
    "是否逾期",
];

const PAYMENT_HEADERS: [&str; 12] = [
    "指令编号",
    "类型",
    "项目编号",
    "收付款方",
    "方向(拨付/追回)",
    "金额(元)",
    "中央资金(元)",
    "市级资金(元)",
    "县级资金(元)",
    "状态",
    "支付日期",
    "凭证号",
];

const NOTICE_HEADERS: [&str; 7] = ["公示编号", "开始日期", "结束日期", "状态", "项目数", "项目编号", "异议数"];

/// The cells of an export's only sheet (header row first), after checking the answer's headers.
fn xlsx(resp: Response, ascii_name: &str) -> Vec<Vec<Data>> {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().expect("body");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], XLSX);
    let disposition = headers["content-disposition"].to_str().expect("ascii header");
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''%")),
        "{disposition}"
    );
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    let names = book.sheet_names();
    assert_eq!(names.len(), 1, "one sheet");
    let range = book.worksheet_range(&names[0]).expect("the sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

fn headers(rows: &[Vec<Data>]) -> Vec<String> {
    rows[0].iter().map(text).collect()
}

fn int(cell: &Data) -> i64 {
    match cell {
        Data::Float(f) => format!("{f}").parse().unwrap_or_else(|_| panic!("not an integer: {f}")),
        Data::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    }
}

/// A money cell as the two-decimal string the API answers (exact: see `backend/src/export.rs`).
fn amount(cell: &Data) -> String {
    match cell {
        Data::Float(f) => format!("{f:.2}"),
        other => panic!("not a number: {other:?}"),
    }
}

fn cell_date(cell: &Data) -> Option<NaiveDate> {
    match cell {
        Data::DateTime(d) => Some(d.as_datetime().expect("a date").date()),
        Data::Empty => None,
        other => panic!("not a date: {other:?}"),
    }
}

/// The first column (the record's id) of every data row.
fn ids(rows: &[Vec<Data>]) -> BTreeSet<i64> {
    rows[1..].iter().map(|r| int(&r[0])).collect()
}

/// The item ids of a list page.
fn page_ids(page: &Value) -> BTreeSet<i64> {
    page["items"].as_array().expect("items").iter().map(id_of).collect()
}

struct Pilot {
    w: World,
    city: String,
    county_a: String,
    county_b: String,
    finance: String,
    evaluator: String,
    prov_a: String,
    ent_a: String,
    ent_b: String,
    p1: i64,
    p2: i64,
    late_batch: i64,
    project_a: i64,
    project_b: i64,
    notice: i64,
}

impl Pilot {
    /// Two counties, each with an enterprise, its provider and one project: A (luzhou, provider 1,
    /// a batch whose retrofit deadline passed ten days ago) and B (shangdang, provider 2, a batch
    /// due in four months); both through one notice, A's prepayment paid.
    fn new(url: &str) -> Pilot {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county_a = w.user("county_a", "county", json!({"county": "luzhou"}));
        let county_b = w.user("county_b", "county", json!({"county": "shangdang"}));
        let finance = w.user("finance", "finance", json!({}));
        let evaluator = w.user("evaluator", "evaluator", json!({}));
        let provider = |n: u32, name: &str| {
            let body = json!({"name": name, "credit_code": uscc(&format!("91140400MA0T0000{n}")), "capabilities": ["diagnosis", "retrofit"]});
            id_of(&w.ok("/providers", &city, &body, 201))
        };
        let (p1, p2) = (provider(1, "潞安数智科技有限公司"), provider(2, "上党工业互联网有限公司"));
        let prov_a = w.user("prov_a", "provider", json!({"provider_id": p1}));
        let batch = |number: u32, name: &str, offset: i64| {
            let body = json!({"number": number, "name": name, "diagnosis_due": day(offset - 30), "retrofit_due": day(offset),
                "acceptance_start": day(offset + 10), "acceptance_end": day(offset + 60)});
            id_of(&w.ok("/batches", &city, &body, 201))
        };
        // SPEC §5: batch dates are planning data — a batch may be recorded with dates already past.
        let late_batch = batch(1, "第一批", -10);
        let later_batch = batch(2, "第二批", 120);
        let enterprise = |n: u32,
                          county: &str,
                          name: &str,
                          token: &str,
                          batch: i64,
                          provider: i64,
                          prov_token: Option<&str>| {
            let mut body = enterprise_body(n, county);
            body["name"] = json!(name);
            let id = id_of(&w.ok("/enterprises", token, &body, 201));
            w.ok(&format!("/batches/{batch}/enterprises"), &city, &json!({"enterprise_ids": [id]}), 200);
            w.ok(&format!("/enterprises/{id}/assignment"), &city, &json!({"provider_id": provider}), 201);
            let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": ["设备联网"], "individual_needs": [], "fee": "20000.00"});
            let diagnosing = prov_token.map_or_else(
                || w.user(&format!("prov_{n}"), "provider", json!({"provider_id": provider})),
                str::to_string,
            );
            let resp = w.upload(&format!("/enterprises/{id}/diagnoses"), &diagnosing, &meta, PDF);
            assert_eq!(resp.status().as_u16(), 201, "diagnosis of {name}");
            (id, w.user(&format!("ent{n}"), "enterprise", json!({"enterprise_id": id})))
        };
        let (_, ent_a) = enterprise(1, "luzhou", "潞州精工电气有限公司", &county_a, late_batch, p1, Some(&prov_a));
        let (_, ent_b) = enterprise(2, "shangdang", "上党新材料有限公司", &county_b, later_batch, p2, None);
        let apply = |token: &str, batch: i64, provider: i64, county: &str, amount: &str| {
            let body = json!({"batch_id": batch, "provider_id": provider, "contract_no": format!("HT-{batch}"), "contract_amount": amount,
                "planned_eligible_investment": amount, "target_level": 2, "overlapping_support_declared": false});
            let pid = id_of(&w.ok("/projects", token, &body, 201));
            w.ok(&format!("/projects/{pid}/submit"), token, &json!({}), 200);
            w.ok(&format!("/projects/{pid}/county-review"), county, &json!({"decision": "recommend"}), 200);
            w.ok(&format!("/projects/{pid}/city-review"), &city, &json!({"decision": "approve"}), 200);
            pid
        };
        // An amount that is no binary fraction: 50% of it and 50% of that, floored to the fen.
        let project_a = apply(&ent_a, late_batch, p1, &county_a, "123456.78");
        let project_b = apply(&ent_b, later_batch, p2, &county_b, "600000.00");
        let notice = id_of(&w.ok(
            "/notices",
            &city,
            &json!({"project_ids": [project_a, project_b], "starts_on": day(-7), "ends_on": day(-1)}),
            201,
        ));
        w.ok(
            &format!("/notices/{notice}/objections"),
            &city,
            &json!({"project_id": project_b, "content": "合同金额存疑", "received_on": day(-3)}),
            201,
        );
        w.ok(&format!("/notices/{notice}/close"), &city, &json!({"upheld_project_ids": []}), 200);
        let pre = w.get_json(&format!("/payments?project_id={project_a}&kind=prepayment"), &city)["items"][0].clone();
        assert_eq!(pre["amount"], "30864.19");
        w.ok(&format!("/payments/{}/approve", pre["id"]), &city, &json!({}), 200);
        w.ok(
            &format!("/payments/{}/execute", pre["id"]),
            &finance,
            &json!({"paid_on": day(-2), "voucher_no": "PZ-001"}),
            200,
        );
        Pilot {
            w,
            city,
            county_a,
            county_b,
            finance,
            evaluator,
            prov_a,
            ent_a,
            ent_b,
            p1,
            p2,
            late_batch,
            project_a,
            project_b,
            notice,
        }
    }

    fn export(&self, path: &str, token: &str) -> Response {
        self.w.get(&format!("/exports/{path}"), token)
    }
}

support::both_databases! {
    fn project_views_name_the_parties_and_mark_overdue(url: &str) {
        let t = Pilot::new(url);
        let page = t.w.get_json("/projects", &t.city);
        assert_eq!(page["total"], 2);
        let a = t.w.get_json(&format!("/projects/{}", t.project_a), &t.city);
        assert_eq!((a["enterprise_name"].as_str(), a["provider_name"].as_str()), (Some("潞州精工电气有限公司"), Some("潞安数智科技有限公司")));
        assert_eq!((a["status"].as_str(), a["next_deadline"].as_str(), a["overdue"].as_bool()), (Some("in_progress"), Some(day(-10).as_str()), Some(true)));
        let b = page["items"].as_array().expect("items").iter().find(|p| id_of(p) == t.project_b).cloned().expect("B");
        assert_eq!((b["enterprise_name"].as_str(), b["provider_name"].as_str()), (Some("上党新材料有限公司"), Some("上党工业互联网有限公司")));
        assert_eq!((b["status"].as_str(), b["next_deadline"].as_str(), b["overdue"].as_bool()), (Some("cleared"), Some(day(120).as_str()), Some(false)));
        // `?overdue=true` lists exactly the overdue projects (the same rule, in SQL), in scope.
        assert_eq!(page_ids(&t.w.get_json("/projects?overdue=true", &t.city)), BTreeSet::from([t.project_a]));
        assert_eq!(page_ids(&t.w.get_json("/projects?overdue=true", &t.county_b)), BTreeSet::new(), "A is out of B's scope");
        assert_eq!(page_ids(&t.w.get_json("/projects?overdue=false", &t.city)).len(), 2, "false filters nothing");
        // Overdue is a mark, never a refusal (SPEC §5): the late project completes; its deadline is now
        // the batch's acceptance end (in fifty days), so it is no longer overdue.
        let done = t.w.ok(&format!("/projects/{}/complete", t.project_a), &t.ent_a, &json!({}), 200);
        assert_eq!((done["next_deadline"].as_str(), done["overdue"].as_bool()), (Some(day(50).as_str()), Some(false)));
        assert_eq!(t.w.get_json("/projects?overdue=true", &t.city)["total"], 0, "awaiting acceptance, before its acceptance end");
        let meta = json!({"level": 2, "score": 60.0, "evaluated_on": day(0)});
        let resp = t.w.upload(&format!("/projects/{}/evaluation", t.project_a), &t.evaluator, &meta, PDF);
        assert_eq!(resp.status().as_u16(), 200);
        let accepted: Value = resp.json().expect("json");
        assert_eq!((accepted["status"].as_str(), accepted["next_deadline"].clone(), accepted["overdue"].as_bool()), (Some("accepted"), Value::Null, Some(false)));

        // The new filters, still within the caller's scope.
        assert_eq!(page_ids(&t.w.get_json(&format!("/projects?provider_id={}", t.p2), &t.city)), BTreeSet::from([t.project_b]));
        assert_eq!(page_ids(&t.w.get_json(&format!("/projects?provider_id={}", t.p2), &t.county_a)), BTreeSet::new(), "B is out of A's scope");
        assert_eq!(page_ids(&t.w.get_json("/projects?q=%E7%B2%BE%E5%B7%A5", &t.city)), BTreeSet::from([t.project_a]), "q=精工");
        assert_eq!(page_ids(&t.w.get_json("/projects?q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8", &t.county_b)), BTreeSet::from([t.project_b]), "q=有限公司");
        assert_eq!(t.w.get_json("/projects?q=%25", &t.city)["total"], 0, "a % is a character, not a wildcard");
        assert_eq!(t.w.get_json("/projects?q=%20%20", &t.city)["total"], 2, "a blank q filters nothing");
        let (status, _, body) = problem(t.w.get("/projects?provider_id=abc", &t.city));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("provider_id")));
    }
}

support::both_databases! {
    fn the_project_export_is_the_callers_list_with_exact_money(url: &str) {
        let t = Pilot::new(url);
        let rows = xlsx(t.export("projects", &t.city), "projects.xlsx");
        assert_eq!(headers(&rows), PROJECT_HEADERS);
        assert_eq!(ids(&rows), BTreeSet::from([t.project_a, t.project_b]));
        let a = rows.iter().skip(1).find(|r| int(&r[0]) == t.project_a).expect("A's row");
        assert_eq!(
            (text(&a[1]), text(&a[2]), text(&a[3]), text(&a[4]), text(&a[5])),
            ("潞州精工电气有限公司".into(), "潞州区".into(), "第一批".into(), "潞安数智科技有限公司".into(), format!("HT-{}", t.late_batch))
        );
        let money: Vec<String> = [6, 7, 10, 11, 12, 13].iter().map(|&c| amount(&a[c])).collect();
        assert_eq!(money, ["123456.78", "123456.78", "61728.39", "30864.19", "30864.19", "0.00"]);
        assert_eq!((int(&a[8]), text(&a[9]), a[14].clone()), (2, "改造实施中".into(), Data::Empty));
        assert_eq!((cell_date(&a[15]), text(&a[16])), (Some(date(-10)), "是".into()));
        // The row agrees with the JSON view, figure by figure.
        let view = t.w.get_json(&format!("/projects/{}", t.project_a), &t.city);
        assert_eq!(amount(&a[10]), view["planned_subsidy"].as_str().expect("money"));
        assert_eq!(amount(&a[12]), view["subsidy"]["paid_total"].as_str().expect("money"));
        let b = rows.iter().skip(1).find(|r| int(&r[0]) == t.project_b).expect("B's row");
        assert_eq!((text(&b[3]), text(&b[9]), text(&b[16])), ("第二批".into(), "公示无异议(待预拨付)".into(), "否".into()));

        // Every caller's export holds exactly the rows of its own list.
        let callers = [
            ("city", &t.city, vec![t.project_a, t.project_b]),
            ("finance", &t.finance, vec![t.project_a, t.project_b]),
            ("county A", &t.county_a, vec![t.project_a]),
            ("county B", &t.county_b, vec![t.project_b]),
            ("enterprise A", &t.ent_a, vec![t.project_a]),
            ("enterprise B", &t.ent_b, vec![t.project_b]),
            ("provider 1", &t.prov_a, vec![t.project_a]),
            ("evaluator", &t.evaluator, vec![]),
        ];
        for (who, token, expected) in callers {
            let expected: BTreeSet<i64> = expected.into_iter().collect();
            assert_eq!(page_ids(&t.w.get_json("/projects", token)), expected, "{who}: list");
            let rows = xlsx(t.export("projects", token), "projects.xlsx");
            assert_eq!(headers(&rows), PROJECT_HEADERS, "{who}");
            assert_eq!(ids(&rows), expected, "{who}: export");
        }
        // The list's filters apply, within scope.
        let only_b = xlsx(t.export("projects?county=shangdang", &t.city), "projects.xlsx");
        assert_eq!(ids(&only_b), BTreeSet::from([t.project_b]));
        assert_eq!(ids(&xlsx(t.export("projects?county=shangdang", &t.county_a), "projects.xlsx")), BTreeSet::new());
        assert_eq!(ids(&xlsx(t.export(&format!("projects?provider_id={}", t.p1), &t.city), "projects.xlsx")), BTreeSet::from([t.project_a]));
        assert_eq!(ids(&xlsx(t.export("projects?q=%E6%96%B0%E6%9D%90%E6%96%99&status=cleared", &t.finance), "projects.xlsx")), BTreeSet::from([t.project_b]));
        // The evaluator sees A once it awaits acceptance.
        t.w.ok(&format!("/projects/{}/complete", t.project_a), &t.ent_a, &json!({}), 200);
        assert_eq!(ids(&xlsx(t.export("projects", &t.evaluator), "projects.xlsx")), BTreeSet::from([t.project_a]));
        // Role before query: the admin gets 403 whatever the query; a bad filter is 422.
        assert_eq!(problem(t.export("projects", &t.w.admin)).0, 403);
        assert_eq!(problem(t.export("projects?batch_id=x", &t.w.admin)).0, 403);
        let (status, _, body) = problem(t.export("projects?status=done", &t.city));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("status")));
        assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(server::client().get(t.w.url("/exports/projects")).send().expect("get").status().as_u16(), 401);
    }
}

support::both_databases! {
    fn payment_and_notice_exports_follow_their_lists(url: &str) {
        let t = Pilot::new(url);
        let rows = xlsx(t.export("payments", &t.city), "payments.xlsx");
        assert_eq!(headers(&rows), PAYMENT_HEADERS);
        let list = t.w.get_json("/payments?per_page=100", &t.city);
        assert_eq!(ids(&rows), page_ids(&list));
        // A's prepayment (paid) and B's (pending): B's split of 150000.00, A's of 30864.19.
        assert_eq!(rows.len(), 3);
        let paid = rows.iter().skip(1).find(|r| int(&r[2]) == t.project_a).expect("A's prepayment");
        assert_eq!((text(&paid[1]), text(&paid[3]), text(&paid[4])), ("预拨付".into(), "潞州精工电气有限公司".into(), "拨付".into()));
        let json = list["items"].as_array().expect("items").iter().find(|p| p["project_id"] == t.project_a).cloned().expect("json");
        assert_eq!(
            [amount(&paid[5]), amount(&paid[6]), amount(&paid[7]), amount(&paid[8])],
            [json["amount"].as_str(), json["funds"]["central"].as_str(), json["funds"]["city"].as_str(), json["funds"]["county"].as_str()].map(|s| s.expect("money").to_string())
        );
        assert_eq!(amount(&paid[5]), "30864.19");
        assert_eq!((text(&paid[9]), cell_date(&paid[10]), text(&paid[11])), ("已执行".into(), Some(date(-2)), "PZ-001".into()));
        let pending = rows.iter().skip(1).find(|r| int(&r[2]) == t.project_b).expect("B's prepayment");
        assert_eq!((amount(&pending[5]), text(&pending[9]), cell_date(&pending[10]), text(&pending[11])), ("150000.00".into(), "待审批".into(), None, String::new()));
        for (who, token) in [("county A", &t.county_a), ("county B", &t.county_b), ("enterprise A", &t.ent_a), ("provider 1", &t.prov_a), ("finance", &t.finance)] {
            let expected = page_ids(&t.w.get_json("/payments?per_page=100", token));
            assert_eq!(ids(&xlsx(t.export("payments", token), "payments.xlsx")), expected, "{who}");
        }
        assert_eq!(ids(&xlsx(t.export("payments", &t.county_a), "payments.xlsx")).len(), 1, "county A: only A's");
        assert_eq!(ids(&xlsx(t.export("payments?status=paid", &t.city), "payments.xlsx")).len(), 1);
        assert_eq!(ids(&xlsx(t.export(&format!("payments?project_id={}", t.project_b), &t.county_a), "payments.xlsx")).len(), 0);
        assert_eq!(problem(t.export("payments", &t.evaluator)).0, 403);
        assert_eq!(problem(t.export("payments", &t.w.admin)).0, 403);
        assert_eq!(problem(t.export("payments?kind=gift", &t.city)).0, 422);

        let rows = xlsx(t.export("notices", &t.city), "notices.xlsx");
        assert_eq!(headers(&rows), NOTICE_HEADERS);
        assert_eq!(ids(&rows), BTreeSet::from([t.notice]));
        let n = &rows[1];
        assert_eq!((cell_date(&n[1]), cell_date(&n[2]), text(&n[3]), int(&n[4])), (Some(date(-7)), Some(date(-1)), "已办结".into(), 2));
        let listed: BTreeSet<i64> = text(&n[5]).split('、').map(|s| s.parse().expect("id")).collect();
        assert_eq!((listed, int(&n[6])), (BTreeSet::from([t.project_a, t.project_b]), 1));
        // A county sees the notice with its own project only, and only its objections.
        let a = xlsx(t.export("notices", &t.county_a), "notices.xlsx");
        assert_eq!((int(&a[1][4]), text(&a[1][5]), int(&a[1][6])), (1, t.project_a.to_string(), 0));
        let b = xlsx(t.export("notices", &t.county_b), "notices.xlsx");
        assert_eq!((int(&b[1][4]), text(&b[1][5]), int(&b[1][6])), (1, t.project_b.to_string(), 1));
        assert_eq!(t.w.get_json("/notices", &t.county_b)[0]["project_ids"], json!([t.project_b]), "the list agrees");
        for token in [&t.ent_a, &t.finance, &t.prov_a, &t.evaluator, &t.w.admin] {
            assert_eq!(problem(t.export("notices", token)).0, 403);
        }
    }
}

support::both_databases! {
    fn users_are_listed_paged_and_filtered_for_admin_and_city(url: &str) {
        let t = Pilot::new(url);
        let all = t.w.get_json("/users?per_page=100", &t.w.admin);
        let items = all["items"].as_array().expect("items");
        let total = all["total"].as_i64().expect("total");
        assert_eq!(total, i64::try_from(items.len()).expect("count"));
        // root, city, county_a, county_b, finance, evaluator, prov_a, prov_2, ent1, ent2.
        assert_eq!(total, 10);
        let ids: Vec<i64> = items.iter().map(id_of).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered by id: {ids:?}");
        assert!(items.iter().all(|u| u.get("password_hash").is_none() && u.get("password").is_none()));
        assert_eq!(items[0]["username"], "root");
        // Paging: the second page of three.
        let page = t.w.get_json("/users?page=2&per_page=3", &t.city);
        assert_eq!((page["total"].as_i64(), page["page"].as_i64(), page["per_page"].as_i64()), (Some(10), Some(2), Some(3)));
        assert_eq!(page["items"].as_array().expect("items").iter().map(id_of).collect::<Vec<_>>(), ids[3..6]);
        // Filters: role, and text in the username or the display name.
        let counties = t.w.get_json("/users?role=county", &t.w.admin);
        let names: Vec<&str> = counties["items"].as_array().expect("items").iter().filter_map(|u| u["username"].as_str()).collect();
        assert_eq!((counties["total"].as_i64(), names), (Some(2), vec!["county_a", "county_b"]));
        assert_eq!(counties["items"][0]["county"], "luzhou");
        t.w.ok("/users", &t.w.admin, &json!({"username": "zhang.san", "password": world::PW, "role": "city", "display_name": "市工信局张三"}), 201);
        let by_display = t.w.get_json("/users?q=%E5%BC%A0%E4%B8%89", &t.city);
        assert_eq!((by_display["total"].as_i64(), by_display["items"][0]["username"].as_str()), (Some(1), Some("zhang.san")));
        assert_eq!(t.w.get_json("/users?q=PROV", &t.w.admin)["total"], 2, "case-insensitive on both databases");
        assert_eq!(t.w.get_json("/users?q=prov_&role=provider", &t.w.admin)["total"], 2);
        assert_eq!(t.w.get_json("/users?q=ent_", &t.w.admin)["total"], 0, "`_` is a character, not a wildcard (ent1, ent2)");
        assert_eq!(t.w.get_json("/users?q=ent&role=city", &t.w.admin)["total"], 0);
        // Only the admin and the city; the role is checked before the query.
        for token in [&t.county_a, &t.finance, &t.evaluator, &t.prov_a, &t.ent_a] {
            assert_eq!(problem(t.w.get("/users", token)).0, 403);
            assert_eq!(problem(t.w.get("/users?role=bogus", token)).0, 403);
        }
        let (status, code, body) = problem(t.w.get("/users?role=bogus", &t.w.admin));
        assert_eq!((status, code.as_str(), body["errors"][0]["field"].as_str()), (422, "validation_failed", Some("role")));
        assert_eq!(server::client().get(t.w.url("/users")).send().expect("get").status().as_u16(), 401);
    }
}
