//! The demo's survey lists (摸底企业名单), imported through `POST /imports/enterprises` as a
//! county bureau (a csv) and as the city (an xlsx made from the server's own template), so the
//! import history exists; the city then puts the city's list into the third batch, whose progress
//! then shows members that have not applied yet.

use std::io::Cursor;

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use calamine::{Reader, Xlsx};
use dtpilot_domain::reference::County;
use serde_json::{Value, json};

use super::*;

/// Enterprises the demo's lists add (on top of [`ENTERPRISES`]).
pub const IMPORTED: usize = 8;

/// (name, county, industry name, above designated size, employees, revenue, contact, phone).
type Row = (&'static str, County, &'static str, bool, u32, &'static str, &'static str, &'static str);

/// Luzhou's list (csv, by the county bureau).
const LUZHOU: [Row; 4] = [
    ("潞州智联机械有限公司", County::Luzhou, "先进成套设备制造业", true, 86, "52000000.00", "赵工", "0355-2101001"),
    ("潞州华信电缆有限公司", County::Luzhou, "智能电力设备制造业", true, 140, "96000000.00", "钱工", "13903550101"),
    ("潞州新瓷材料有限公司", County::Luzhou, "非金属新材料制造业", false, 35, "8600000.00", "孙工", "13903550102"),
    ("潞州绿源化工有限公司", County::Luzhou, "绿色化工新材料制造业", true, 210, "150000000.00", "李工", "13903550103"),
];

/// The city's list (xlsx, several counties).
const CITY_LIST: [Row; 4] = [
    ("屯留精密铸造有限公司", County::Tunliu, "先进成套设备制造业", true, 160, "88000000.00", "周工", "13903550201"),
    ("襄垣电气成套有限公司", County::Xiangyuan, "智能电力设备制造业", true, 95, "61000000.00", "吴工", "13903550202"),
    ("沁源石墨新材有限公司", County::Qinyuan, "非金属新材料制造业", false, 48, "12500000.00", "郑工", "13903550203"),
    ("长子精细化工有限公司", County::Zhangzi, "绿色化工新材料制造业", true, 130, "72000000.00", "王工", "13903550204"),
];

fn cells(n: usize, r: &Row) -> Result<Vec<String>, String> {
    let (name, county, industry, above, employees, revenue, contact, phone) = *r;
    Ok(vec![
        name.to_string(),
        plan::credit_code(&format!("91140400MA0R{:05}", 30_000 + n * 37))?,
        county.name_zh().to_string(),
        industry.to_string(),
        if above { "是" } else { "否" }.to_string(),
        employees.to_string(),
        revenue.to_string(),
        "否".to_string(),
        "否".to_string(),
        contact.to_string(),
        phone.to_string(),
    ])
}

fn headers() -> Vec<String> {
    dtpilot_domain::import::COLUMNS.iter().map(|c| c.header.to_string()).collect()
}

fn csv(rows: &[Vec<String>]) -> String {
    let mut out = format!("\u{feff}{}\r\n", headers().join(","));
    for r in rows {
        out.push_str(&r.join(","));
        out.push_str("\r\n");
    }
    out
}

/// An xlsx of `rows` under the template's header row (the template's own header, read back).
fn xlsx(rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let template = crate::report_xlsx::template_workbook().map_err(|e| e.to_string())?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(template)).map_err(|e| e.to_string())?;
    let range = book.worksheet_range("企业名单").map_err(|e| e.to_string())?;
    let header: Vec<String> =
        range.rows().next().map(|r| r.iter().map(ToString::to_string).collect()).unwrap_or_default();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, u16::try_from(c).map_err(|e| e.to_string())?, h).map_err(|e| e.to_string())?;
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) =
                (u32::try_from(r + 1).map_err(|e| e.to_string())?, u16::try_from(c).map_err(|e| e.to_string())?);
            ws.write_string(r, c, v).map_err(|e| e.to_string())?;
        }
    }
    out.save_to_buffer().map_err(|e| e.to_string())
}

/// `POST /imports/enterprises` with one `file` part; the created enterprises' ids.
async fn import(api: &Api, token: &str, file_name: &str, bytes: Vec<u8>) -> Result<Vec<i64>, String> {
    const B: &str = "dtpilot-demo-import-5a2d";
    let mut body = format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\r\n")
        .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{B}--\r\n").as_bytes());
    let req = TestRequest::default()
        .method(Method::POST)
        .uri("/api/v1/imports/enterprises")
        .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
        .insert_header((header::CONTENT_TYPE, format!("multipart/form-data; boundary={B}")))
        .set_payload(body);
    api.requests.set(api.requests.get() + 1);
    let (status, bytes) = (api.send)(req).await?;
    let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status != 201 {
        return Err(format!("POST /imports/enterprises ({file_name}): {status}: {value}"));
    }
    Ok(value["enterprise_ids"].as_array().into_iter().flatten().filter_map(Value::as_i64).collect())
}

/// Import both lists and put the city's into `batch_id`.
pub(super) async fn seed_imports(api: &Api, city: &str, luzhou: &str, batch_id: i64) -> Result<(), String> {
    let luzhou_rows = LUZHOU.iter().enumerate().map(|(n, r)| cells(n, r)).collect::<Result<Vec<_>, _>>()?;
    import(api, luzhou, "潞州区摸底企业名单.csv", csv(&luzhou_rows).into_bytes()).await?;
    let city_rows =
        CITY_LIST.iter().enumerate().map(|(n, r)| cells(n + LUZHOU.len(), r)).collect::<Result<Vec<_>, _>>()?;
    let ids = import(api, city, "全市第三批摸底企业名单.xlsx", xlsx(&city_rows)?).await?;
    api.post(&format!("/batches/{batch_id}/enterprises"), city, &json!({"enterprise_ids": ids}), 200).await?;
    Ok(())
}
