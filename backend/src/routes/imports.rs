//! `GET /imports/enterprises/template.xlsx`, `POST /imports/enterprises` (multipart `file`: xlsx,
//! or csv in UTF-8 with or without BOM), `GET /imports/enterprises` (the history) — the city, and
//! each county bureau for its own county's enterprises.
//!
//! Every row is checked (`dtpilot_domain::import`); any error and nothing is imported: 422 with
//! every error `{row, field, message}`. Otherwise all rows are inserted in one transaction (multi-row
//! INSERTs), with one history row and one audit event.

use std::collections::HashSet;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use dtpilot_api_types::problem::PROBLEM_CONTENT_TYPE;
use dtpilot_api_types::programme::Page;
use dtpilot_api_types::reports::{ImportError, ImportProblem, ImportResult, ImportView};
use dtpilot_domain::import::{self, MAX_ROWS, RawCell, RowError};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::{self, write_transaction};
use crate::error::ApiError;
use crate::import_file;
use crate::repo::Paging;
use crate::repo::reports as repo;
use crate::report_xlsx;
use crate::routes::exports::attachment;
use crate::routes::query::QueryParams;
use crate::uploads::{SheetFile, SheetUpload};

/// Who imports: the city, and the county bureaus (rows of their own county only).
pub const IMPORTERS: &[Role] = &[Role::City, Role::County];

/// The template to fill: the header row, the instructions and the code tables.
#[utoipa::path(
    get,
    path = "/api/v1/imports/enterprises/template.xlsx",
    tag = "imports",
    responses(
        (status = 200, description = "企业名单导入模板(xlsx:企业名单、填写说明、代码表)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 403, description = "角色无权"),
    )
)]
pub async fn get_import_template(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(IMPORTERS)?;
    let bytes =
        web::block(report_xlsx::template_workbook).await.map_err(ApiError::internal)?.map_err(ApiError::internal)?;
    Ok(attachment(bytes, "enterprise-import-template.xlsx", "企业名单导入模板.xlsx"))
}

fn problem(status: StatusCode, code: &str, detail: String, errors: Vec<RowError>) -> HttpResponse {
    let body = ImportProblem {
        type_: format!("https://dtpilot.example/problems/{code}"),
        title: "请求内容未通过校验".into(),
        status: status.as_u16(),
        detail,
        code: code.into(),
        created: 0,
        errors: errors.into_iter().map(|e| ImportError { row: e.row, field: e.field, message: e.message }).collect(),
    };
    HttpResponse::build(status).insert_header(("content-type", PROBLEM_CONTENT_TYPE)).json(body)
}

/// What the transaction decided.
enum Outcome {
    Created(ImportResult),
    Invalid(Vec<RowError>),
}

/// Import an enterprise survey list. Every row is checked as `POST /enterprises` checks it, plus:
/// a credit code already registered or repeated in the file is an error; a county bureau may
/// import only its own county's enterprises. Any error → 422 with every error, nothing imported.
#[utoipa::path(
    post,
    path = "/api/v1/imports/enterprises",
    tag = "imports",
    request_body(content = inline(ImportForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "已全部导入", body = ImportResult),
        (status = 400, description = "不是 multipart/form-data"),
        (status = 403, description = "角色无权"),
        (status = 413, description = "文件超过 5 MiB"),
        (status = 422, description = "有错误:全部列出,未导入任何一行(`import_invalid`);或超过 5001 行(表头加 5000 行数据)或 64 列(`too_many_rows`,在读出各行之前即拒绝);或 xlsx 解压后超过 50 MiB、共享字符串或单元格内容超限(`file_too_large`);或无法读取文件(`invalid_file`)。此时 `errors` 的每一项另有 `row`(表格行号,第 1 行为表头),即 `ImportProblem`"),
    )
)]
pub async fn post_enterprise_import(
    upload: SheetUpload,
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    caller.require(IMPORTERS)?;
    let only_county = match (caller.role, caller.county) {
        (Role::County, Some(c)) => Some(c),
        (Role::County, None) => return Err(ApiError::forbidden()),
        _ => None,
    };
    let SheetFile { bytes, name } = upload.0?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let file_name = name.clone();
    // Bounded (SPEC §9.2, `crate::import_file`): a hostile file is refused before it costs much.
    let rows = web::block(move || import_file::read_rows(&bytes, &name)).await.map_err(ApiError::internal)?;
    let rows = match rows {
        Ok(rows) => rows,
        Err(refusal) => {
            let (code, detail) = (refusal.code(), refusal.detail());
            return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, code, detail, refusal.errors()));
        }
    };
    let n = import::data_rows(&rows);
    if n > MAX_ROWS {
        let message = format!("文件有 {n} 行企业数据,超过单次导入上限 {MAX_ROWS} 行,请分批导入");
        let errors = vec![RowError { row: 1, field: "file".into(), message: message.clone() }];
        return Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "too_many_rows", message, errors));
    }
    let now = db::now_utc();
    let outcome = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                // Every cell that could be a code (cheap: one indexed IN per 1000).
                let mut candidates: Vec<String> = rows
                    .iter()
                    .skip(1)
                    .flat_map(|r| r.iter())
                    .filter_map(|cell| match cell {
                        RawCell::Text(s) | RawCell::Number(s) if s.trim().chars().count() == 18 => {
                            Some(s.trim().to_uppercase())
                        }
                        _ => None,
                    })
                    .collect();
                candidates.sort();
                candidates.dedup();
                let registered: HashSet<String> = repo::registered_codes(c, &candidates)?.into_iter().collect();
                let checked = import::check_sheet(&rows, only_county, |code| registered.contains(code));
                let new = match checked {
                    Ok(new) => new,
                    Err(errors) => return Ok(Outcome::Invalid(errors)),
                };
                let ids = repo::insert_enterprises(c, &new, now)?;
                let created = i64::try_from(ids.len()).unwrap_or(i64::MAX);
                let record = repo::NewImport {
                    file_name: &file_name,
                    sha256: &sha256,
                    size_bytes: size,
                    created,
                    county: only_county,
                    user_id: caller.user_id,
                };
                let id = repo::record_import(c, &record, now)?;
                let event = audit::Event::new("enterprise.import", "enterprise_import", id).by(Some(&caller)).after(
                    &serde_json::json!({
                        "file_name": file_name, "sha256": sha256, "size_bytes": size,
                        "created": created, "enterprise_ids": ids,
                    }),
                )?;
                audit::record(c, event, now)?;
                Ok::<_, ApiError>(Outcome::Created(ImportResult { id, created, enterprise_ids: ids, errors: vec![] }))
            })
        })
        .await;
    match outcome {
        Ok(Outcome::Created(result)) => Ok(HttpResponse::Created().json(result)),
        Ok(Outcome::Invalid(errors)) => {
            let detail = format!("共 {} 处错误,未导入任何企业;请改正后重新上传", errors.len());
            Ok(problem(StatusCode::UNPROCESSABLE_ENTITY, "import_invalid", detail, errors))
        }
        // A code registered between the check and the insert.
        Err(ApiError::Conflict { .. }) => Err(ApiError::Conflict {
            code: "duplicate",
            detail: "导入期间有企业以相同统一社会信用代码登记,请重新上传".into(),
        }),
        Err(e) => Err(e),
    }
}

/// The multipart form of an import (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The survey list: xlsx (the template) or csv in UTF-8.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportsQuery {
    page: Option<i64>,
    per_page: Option<i64>,
}

/// The imports made (city: all; a county bureau: its own county's), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/imports/enterprises",
    tag = "imports",
    params(ImportsQuery),
    responses(
        (status = 200, description = "导入记录", body = Page<ImportView>),
        (status = 403, description = "角色无权"),
    )
)]
pub async fn get_enterprise_imports(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<ImportsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(IMPORTERS)?;
    let QueryParams(q) = query;
    let paging = Paging::new(q.page, q.per_page);
    let (rows, total) = state.db(move |conn| Ok(repo::imports(conn, &caller, paging)?)).await?;
    let items = rows
        .into_iter()
        .map(|(id, file_name, sha256, size_bytes, created, county, imported_by, imported_at)| ImportView {
            id,
            file_name,
            sha256,
            size_bytes,
            created,
            county: county.as_deref().and_then(County::from_code),
            imported_by,
            imported_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}
