//! Black-box: batch progress, 周调度 / 月通报 and the import of enterprise survey lists, over HTTP
//! on SQLite and PostgreSQL.
//!
//! - `GET /batches/{id}/progress`: each member with its project's stage, next deadline and overdue
//!   mark; filters (overdue, stage, county); a county sees its own members only, another county is
//!   404, a missing batch 404, other roles 403; the xlsx export has a title row and Chinese headers;
//! - `GET /reports/weekly|monthly`: the counts and money of the period and cumulative, per county
//!   and industry; a county its own; monthly with the previous month and the change; xlsx;
//! - `POST /imports/enterprises`: csv and xlsx; every error listed with its row and nothing
//!   imported; duplicates in the file and in the register; a county only its own county; 413 and
//!   the row cap; the history and one audit event; 5,000 rows timed.

#[path = "common/server.rs"]
mod server;
#[path = "support/mod.rs"]
mod support;
#[path = "common/world.rs"]
mod world;

use std::io::Cursor;
use std::time::Instant;

use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use reqwest::blocking::{Response, multipart};
use serde_json::{Value, json};
use world::{PDF, World, enterprise_body, problem, uscc};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn date(n: i64) -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(n)
}

fn day(n: i64) -> String {
    date(n).to_string()
}

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// Every sheet of an xlsx answer: (name, rows as text).
fn sheets(resp: Response) -> Vec<(String, Vec<Vec<String>>)> {
    let status = resp.status().as_u16();
    let ct = resp.headers()["content-type"].to_str().expect("ascii").to_string();
    let bytes = resp.bytes().expect("body");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(ct, XLSX);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("sheet");
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

struct Ops {
    w: World,
    city: String,
    county_a: String,
    county_b: String,
    finance: String,
    late_batch: i64,
    later_batch: i64,
    ent_a: i64,
    ent_c: i64,
    project_a: i64,
}

impl Ops {
    /// Luzhou: enterprise A (late batch, retrofit due ten days ago; its project in progress, the
    /// prepayment paid two days ago) and C (late batch, no project). Shangdang: B (a batch due in
    /// four months; its project cleared).
    fn new(url: &str) -> Ops {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let county_a = w.user("county_a", "county", json!({"county": "luzhou"}));
        let county_b = w.user("county_b", "county", json!({"county": "shangdang"}));
        let finance = w.user("finance", "finance", json!({}));
        let body = json!({"name": "潞安数智科技有限公司", "credit_code": uscc("91140400MA0T00001"), "capabilities": ["diagnosis", "retrofit"]});
        let provider = id_of(&w.ok("/providers", &city, &body, 201));
        let prov = w.user("prov", "provider", json!({"provider_id": provider}));
        let batch = |number: u32, name: &str, offset: i64| {
            let body = json!({"number": number, "name": name, "diagnosis_due": day(offset - 30), "retrofit_due": day(offset),
                "acceptance_start": day(offset + 10), "acceptance_end": day(offset + 60)});
            id_of(&w.ok("/batches", &city, &body, 201))
        };
        let late_batch = batch(1, "第一批", -10);
        let later_batch = batch(2, "第二批", 120);
        let enterprise = |n: u32, county: &str, name: &str, token: &str, batch: i64, apply: bool| {
            let mut body = enterprise_body(n, county);
            body["name"] = json!(name);
            let id = id_of(&w.ok("/enterprises", token, &body, 201));
            w.ok(&format!("/batches/{batch}/enterprises"), &city, &json!({"enterprise_ids": [id]}), 200);
            if !apply {
                return (id, None);
            }
            w.ok(&format!("/enterprises/{id}/assignment"), &city, &json!({"provider_id": provider}), 201);
            let meta = json!({"estimated_level": 1, "summary": "设备联网率低", "common_needs": ["设备联网"], "individual_needs": [], "fee": "20000.00"});
            let resp = w.upload(&format!("/enterprises/{id}/diagnoses"), &prov, &meta, PDF);
            assert_eq!(resp.status().as_u16(), 201);
            let ent = w.user(&format!("ent{n}"), "enterprise", json!({"enterprise_id": id}));
            let body = json!({"batch_id": batch, "provider_id": provider, "contract_no": format!("HT-{n}"), "contract_amount": "123456.78",
                "planned_eligible_investment": "123456.78", "target_level": 2, "overlapping_support_declared": false});
            let pid = id_of(&w.ok("/projects", &ent, &body, 201));
            w.ok(&format!("/projects/{pid}/submit"), &ent, &json!({}), 200);
            let county_token = if county == "luzhou" { &county_a } else { &county_b };
            w.ok(&format!("/projects/{pid}/county-review"), county_token, &json!({"decision": "recommend"}), 200);
            w.ok(&format!("/projects/{pid}/city-review"), &city, &json!({"decision": "approve"}), 200);
            (id, Some(pid))
        };
        let (ent_a, project_a) = enterprise(1, "luzhou", "潞州精工电气有限公司", &county_a, late_batch, true);
        let (_, project_b) = enterprise(2, "shangdang", "上党新材料有限公司", &county_b, later_batch, true);
        let (ent_c, _) = enterprise(3, "luzhou", "潞州未申报有限公司", &county_a, late_batch, false);
        let (project_a, project_b) = (project_a.expect("A"), project_b.expect("B"));
        let notice = id_of(&w.ok(
            "/notices",
            &city,
            &json!({"project_ids": [project_a, project_b], "starts_on": day(-9), "ends_on": day(-3)}),
            201,
        ));
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
        Ops { w, city, county_a, county_b, finance, late_batch, later_batch, ent_a, ent_c, project_a }
    }
}

fn ids(page: &Value, key: &str) -> Vec<i64> {
    page["items"].as_array().expect("items").iter().map(|i| i[key].as_i64().expect("id")).collect()
}

support::both_databases! {
    fn batch_progress_marks_stage_deadline_and_overdue_in_scope(url: &str) {
        let t = Ops::new(url);
        let path = format!("/batches/{}/progress", t.late_batch);
        let page = t.w.get_json(&path, &t.city);
        assert_eq!((page["total"].as_i64(), page["batch_name"].as_str()), (Some(2), Some("第一批")));
        let a = &page["items"][0];
        assert_eq!(a["enterprise_id"].as_i64(), Some(t.ent_a));
        assert_eq!(a["project_id"].as_i64(), Some(t.project_a));
        assert_eq!((a["status"].as_str(), a["stage"].as_str()), (Some("in_progress"), Some("in_progress")));
        assert_eq!((a["next_deadline"].as_str(), a["overdue"].as_bool()), (Some(day(-10).as_str()), Some(true)));
        let c = &page["items"][1];
        assert_eq!((c["enterprise_id"].as_i64(), c["stage"].as_str()), (Some(t.ent_c), Some("none")));
        assert_eq!((c["project_id"].clone(), c["overdue"].as_bool()), (Value::Null, Some(false)));

        // Filters in SQL.
        assert_eq!(ids(&t.w.get_json(&format!("{path}?overdue=true"), &t.city), "enterprise_id"), [t.ent_a]);
        assert_eq!(ids(&t.w.get_json(&format!("{path}?overdue=false"), &t.city), "enterprise_id"), [t.ent_c]);
        assert_eq!(ids(&t.w.get_json(&format!("{path}?stage=none"), &t.city), "enterprise_id"), [t.ent_c]);
        assert_eq!(ids(&t.w.get_json(&format!("{path}?stage=in_progress&industry=power_equipment"), &t.city), "enterprise_id"), [t.ent_a]);
        assert_eq!(t.w.get_json(&format!("{path}?stage=accepted"), &t.city)["total"], 0);
        let paged = t.w.get_json(&format!("{path}?per_page=1&page=2"), &t.city);
        assert_eq!((ids(&paged, "enterprise_id"), paged["total"].as_i64()), (vec![t.ent_c], Some(2)));

        // Scope: a county sees its own members; another county is 404; a missing batch 404.
        assert_eq!(t.w.get_json(&path, &t.county_a)["total"], 2);
        assert_eq!(t.w.get_json(&path, &t.county_b)["total"], 0, "no Shangdang member in the first batch");
        assert_eq!(t.w.get_json(&format!("/batches/{}/progress", t.later_batch), &t.county_b)["total"], 1);
        assert_eq!(t.w.get_json(&format!("/batches/{}/progress", t.later_batch), &t.county_a)["total"], 0);
        assert_eq!(problem(t.w.get(&format!("{path}?county=luzhou"), &t.county_b)).0, 404);
        assert_eq!(problem(t.w.get("/batches/999999/progress", &t.city)).0, 404);
        assert_eq!(problem(t.w.get(&path, &t.finance)).0, 403);
        let (status, _, body) = problem(t.w.get(&format!("{path}?stage=nonsense"), &t.city));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("stage")));

        // The export: a title row, Chinese headers, the same rows.
        let book = sheets(t.w.get(&format!("{path}?format=xlsx&overdue=true"), &t.city));
        let (name, rows) = &book[0];
        assert_eq!(name, "批次进度");
        assert!(rows[0][0].starts_with("第一批推进情况"), "{:?}", rows[0]);
        assert_eq!(rows[1][..3], ["企业编号", "企业名称", "统一社会信用代码"]);
        assert_eq!(rows.len(), 3, "title, header, one overdue member");
        assert_eq!((rows[2][1].as_str(), rows[2][9].as_str()), ("潞州精工电气有限公司", "是"));
    }
}

support::both_databases! {
    fn weekly_and_monthly_reports_count_the_period_and_the_total(url: &str) {
        let t = Ops::new(url);
        // The week and the month of the payment (two days ago).
        let weekly = t.w.get_json(&format!("/reports/weekly?week={}", day(-2)), &t.city);
        assert_eq!(weekly["kind"], "weekly");
        assert!(weekly["title"].as_str().expect("title").contains("周调度"));
        assert_eq!(weekly["scope"], "全市");
        let total = &weekly["total"];
        assert_eq!((total["enterprises"].as_i64(), total["projects"].as_i64()), (Some(3), Some(2)));
        assert_eq!(total["stages"]["in_progress"].as_i64(), Some(2), "A in progress, B cleared");
        assert_eq!(total["overdue"].as_i64(), Some(1));
        assert_eq!(total["period"]["paid"], "30864.19");
        assert_eq!(total["period"]["approved"], if date(-2).iso_week() == date(0).iso_week() { "30864.19" } else { "0.00" });
        assert_eq!((total["paid_total"].as_str(), total["approved_total"].as_str()), (Some("30864.19"), Some("30864.19")));
        assert_eq!(total["previous"], Value::Null, "a weekly report has no comparison");
        let luzhou = weekly["by_county"].as_array().expect("rows").iter().find(|r| r["key"] == "luzhou").cloned().expect("luzhou");
        assert_eq!((luzhou["enterprises"].as_i64(), luzhou["overdue"].as_i64(), luzhou["period"]["paid"].as_str()), (Some(2), Some(1), Some("30864.19")));
        assert_eq!(weekly["by_county"].as_array().map(Vec::len), Some(14));
        let power = weekly["by_industry"].as_array().expect("rows").iter().find(|r| r["key"] == "power_equipment").cloned().expect("industry");
        assert_eq!((power["enterprises"].as_i64(), power["paid_total"].as_str()), (Some(3), Some("30864.19")));
        assert!(!weekly["targets"].as_array().expect("targets").is_empty());

        // This week: both projects are new (created today), nothing paid yet this week unless the
        // payment day falls in it.
        let now = t.w.get_json("/reports/weekly", &t.city);
        assert_eq!(now["total"]["period"]["new_projects"].as_i64(), Some(2));
        assert_eq!(now["total"]["period"]["new_enterprises"].as_i64(), Some(3));

        // A county: its own county only; another county is 404.
        let own = t.w.get_json(&format!("/reports/weekly?week={}", day(-2)), &t.county_a);
        assert_eq!(own["by_county"].as_array().map(Vec::len), Some(1));
        assert_eq!((own["scope"].as_str(), own["total"]["enterprises"].as_i64()), (Some("潞州区"), Some(2)));
        let b = t.w.get_json("/reports/weekly", &t.county_b);
        assert_eq!((b["total"]["enterprises"].as_i64(), b["total"]["paid_total"].as_str()), (Some(1), Some("0.00")));
        assert_eq!(problem(t.w.get("/reports/weekly?county=luzhou", &t.county_b)).0, 404);
        assert_eq!(problem(t.w.get("/reports/monthly", &t.finance)).0, 403);
        let (status, _, body) = problem(t.w.get("/reports/weekly?week=tuesday", &t.city));
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("week")));
        // The city filtering by county and industry.
        let f = t.w.get_json("/reports/weekly?county=shangdang&industry=power_equipment", &t.city);
        assert_eq!((f["by_county"].as_array().map(Vec::len), f["by_industry"].as_array().map(Vec::len)), (Some(1), Some(1)));
        assert_eq!(f["total"]["enterprises"].as_i64(), Some(1));

        // Monthly: the previous month and the change.
        let monthly = t.w.get_json(&format!("/reports/monthly?month={}", day(-2)), &t.city);
        assert_eq!(monthly["kind"], "monthly");
        assert!(monthly["title"].as_str().expect("title").contains("月通报"));
        assert_eq!(monthly["total"]["period"]["paid"], "30864.19");
        assert_eq!(monthly["total"]["previous"]["paid"], "0.00");
        assert_eq!(monthly["total"]["change"]["paid"], "30864.19");
        assert_eq!(monthly["total"]["change"]["paid_percent"], "—");

        // The workbook: the title row, then the headers; the total row last.
        let book = sheets(t.w.get(&format!("/reports/monthly?month={}&format=xlsx", day(-2)), &t.city));
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["按县区", "按行业", "附件1目标进度"]);
        let rows = &book[0].1;
        assert!(rows[0][0].contains("月通报"));
        assert_eq!(rows[1][..3], ["县区", "在库企业", "项目数"]);
        assert!(rows[1].contains(&"拨付环比".to_string()));
        let last = rows.last().expect("total");
        assert_eq!((last[0].as_str(), last[1].as_str()), ("合计", "3"));
        let weekly_book = sheets(t.w.get("/reports/weekly?format=xlsx", &t.county_a));
        assert_eq!(weekly_book[0].1.len(), 4, "title, header, Luzhou, total");
    }
}

/// A csv of the template's columns.
fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let header = "企业名称,统一社会信用代码,县区,行业,是否规上企业,从业人员(人),上年营业收入(元),是否专精特新“小巨人”,是否不享受中央资金,联系人,联系电话";
    let mut out = format!("\u{feff}{header}\r\n");
    for r in rows {
        out.push_str(&r.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn row(n: u32, county: &str) -> Vec<String> {
    vec![
        format!("导入企业{n}有限公司"),
        uscc(&format!("91140400MA0K{n:05}")),
        county.into(),
        "智能电力设备制造业".into(),
        "是".into(),
        "120".into(),
        "30000000.00".into(),
        "否".into(),
        "否".into(),
        "王工".into(),
        "13900000000".into(),
    ]
}

fn upload(w: &World, token: &str, name: &str, bytes: Vec<u8>) -> Response {
    let form = multipart::Form::new().part("file", multipart::Part::bytes(bytes).file_name(name.to_string()));
    server::client().post(w.url("/imports/enterprises")).bearer_auth(token).multipart(form).send().expect("upload")
}

/// An xlsx of the template's columns: codes as text, except where `numbers` asks for numbers.
fn xlsx_file(rows: &[Vec<String>], numbers: bool) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let headers = [
        "企业名称",
        "统一社会信用代码",
        "县区",
        "行业",
        "是否规上企业",
        "从业人员(人)",
        "上年营业收入(元)",
        "是否专精特新“小巨人”",
        "是否不享受中央资金",
        "联系人",
        "联系电话",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("write");
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match (numbers, c, v.parse::<f64>()) {
                (true, 1 | 5 | 6 | 10, Ok(n)) => ws.write_number(r, c, n).map(drop),
                (false, 5 | 6, Ok(n)) => ws.write_number(r, c, n).map(drop),
                _ => ws.write_string(r, c, v).map(drop),
            }
            .expect("write");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

support::both_databases! {
    fn imports_are_all_or_nothing_with_every_error(url: &str) {
        let t = Ops::new(url);
        let count = |token: &str| t.w.get_json("/enterprises?per_page=1", token)["total"].as_i64().expect("total");
        let before = count(&t.city);

        // The template: the sheet to fill, the instructions, the codes.
        let book = sheets(t.w.get("/imports/enterprises/template.xlsx", &t.county_a));
        let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["企业名单", "填写说明", "代码表"]);
        assert_eq!(book[0].1[0][1], "统一社会信用代码");
        assert_eq!(problem(t.w.get("/imports/enterprises/template.xlsx", &t.finance)).0, 403);

        // Every error of every row, nothing imported.
        let mut bad_code = row(3, "潞州区");
        let valid = bad_code[1].clone();
        let wrong = if valid.ends_with('0') { '1' } else { '0' };
        bad_code[1] = format!("{}{wrong}", &valid[..17]);
        let mut bad_phone = row(4, "潞州区");
        bad_phone[10] = "call me".into();
        bad_phone[5] = "很多".into();
        let existing = enterprise_body(1, "luzhou")["credit_code"].as_str().expect("code").to_string();
        let mut registered = row(5, "潞州区");
        registered[1] = existing;
        let file = csv(&[row(1, "潞州区"), row(1, "潞州区"), bad_code, bad_phone, registered, row(6, "上党区")]);
        let resp = upload(&t.w, &t.county_a, "名单.csv", file);
        let (status, code, body) = problem(resp);
        assert_eq!((status, code.as_str()), (422, "import_invalid"), "{body}");
        let errors: Vec<(i64, String)> = body["errors"].as_array().expect("errors").iter()
            .map(|e| (e["row"].as_i64().expect("row"), e["field"].as_str().expect("field").to_string())).collect();
        let expected: Vec<(i64, String)> = [(3, "credit_code"), (4, "credit_code"), (5, "employees"), (5, "contact_phone"), (6, "credit_code"), (7, "county")]
            .iter().map(|(r, f)| (*r, f.to_string())).collect();
        assert_eq!(errors, expected);
        assert!(body["errors"][0]["message"].as_str().expect("message").contains("第 2 行"), "{body}");
        assert!(body["errors"][5]["message"].as_str().expect("message").contains("潞州区"));
        assert_eq!(count(&t.city), before, "nothing imported");

        // A valid csv: all rows, one history row, one audit event.
        let resp = upload(&t.w, &t.county_a, "潞州区摸底名单.csv", csv(&[row(1, "潞州区"), row(2, "luzhou")]));
        assert_eq!(resp.status().as_u16(), 201);
        let done: Value = resp.json().expect("json");
        assert_eq!(done["created"], 2);
        assert_eq!(count(&t.city), before + 2);
        let first = done["enterprise_ids"][0].as_i64().expect("id");
        let e = t.w.get_json(&format!("/enterprises/{first}"), &t.county_a);
        assert_eq!((e["name"].as_str(), e["county"].as_str(), e["annual_revenue"].as_str()), (Some("导入企业1有限公司"), Some("luzhou"), Some("30000000.00")));
        let history = t.w.get_json("/imports/enterprises", &t.county_a);
        assert_eq!((history["total"].as_i64(), history["items"][0]["file_name"].as_str(), history["items"][0]["created"].as_i64()), (Some(1), Some("潞州区摸底名单.csv"), Some(2)));
        assert_eq!(t.w.get_json("/imports/enterprises", &t.county_b)["total"], 0);
        assert_eq!(t.w.get_json("/imports/enterprises", &t.city)["total"], 1);
        let audit = t.w.get_json("/audit?action=enterprise.import", &t.city);
        assert_eq!(audit["total"], 1);
        // The same file again: every row is now a registered code.
        let (status, _, body) = problem(upload(&t.w, &t.county_a, "again.csv", csv(&[row(1, "潞州区"), row(2, "潞州区")])));
        assert_eq!((status, body["errors"].as_array().map(Vec::len)), (422, Some(2)));

        // xlsx: numbers where text was meant — a phone or a count is fine, a credit code typed
        // as a number lost its digits and says so.
        let resp = upload(&t.w, &t.city, "list.xlsx", xlsx_file(&[row(7, "上党区")], false));
        assert_eq!(resp.status().as_u16(), 201, "{}", resp.text().unwrap_or_default());
        let mut numeric = row(8, "上党区");
        numeric[1] = "911404001234567890".into();
        let (status, _, body) = problem(upload(&t.w, &t.city, "list.xlsx", xlsx_file(&[numeric, row(9, "上党区")], true)));
        assert_eq!((status, body["errors"][0]["row"].as_i64(), body["errors"][0]["field"].as_str()), (422, Some(2), Some("credit_code")));
        assert!(body["errors"][0]["message"].as_str().expect("m").contains("文本格式"));
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "row 3 with a numeric phone is fine: {body}");

        // Refusals: role, size, row cap, not a sheet, no file.
        assert_eq!(problem(upload(&t.w, &t.finance, "x.csv", csv(&[row(10, "潞州区")]))).0, 403);
        assert_eq!(problem(upload(&t.w, &t.city, "big.csv", vec![b'a'; 5 * 1024 * 1024 + 1])).0, 413);
        let many: Vec<Vec<String>> = (0..5001).map(|n| row(20_000 + n, "潞州区")).collect();
        let (status, code, _) = problem(upload(&t.w, &t.city, "many.csv", csv(&many)));
        assert_eq!((status, code.as_str()), (422, "too_many_rows"));
        let (status, code, _) = problem(upload(&t.w, &t.city, "x.csv", vec![0xff, 0xfe, 0x00]));
        assert_eq!((status, code.as_str()), (422, "invalid_file"));
        let form = multipart::Form::new().text("other", "x");
        let resp = server::client().post(t.w.url("/imports/enterprises")).bearer_auth(&t.city).multipart(form).send().expect("send");
        let (status, _, body) = problem(resp);
        assert_eq!((status, body["errors"][0]["field"].as_str()), (422, Some("other")));
    }
}

support::both_databases! {
    fn five_thousand_rows_import_quickly(url: &str) {
        let w = World::new(url);
        let city = w.user("city", "city", json!({}));
        let rows: Vec<Vec<String>> = (0..5000).map(|n| row(30_000 + n, if n % 2 == 0 { "潞州区" } else { "屯留区" })).collect();
        let file = xlsx_file(&rows, false);
        let started = Instant::now();
        let resp = upload(&w, &city, "5000.xlsx", file);
        let elapsed = started.elapsed();
        assert_eq!(resp.status().as_u16(), 201);
        let done: Value = resp.json().expect("json");
        assert_eq!(done["created"], 5000);
        // Reported by the test run (`-- --nocapture`): the time of the whole request.
        println!("IMPORT 5000 rows ({}): {} ms", url.split(':').next().unwrap_or(""), elapsed.as_millis());
        assert!(elapsed.as_secs() < 30, "5000 rows took {elapsed:?}");
        assert_eq!(w.get_json("/enterprises?per_page=1", &city)["total"], 5000);
        let report = w.get_json("/reports/weekly", &city);
        assert_eq!(report["total"]["enterprises"], 0, "imported, not yet in a batch");
    }
}
