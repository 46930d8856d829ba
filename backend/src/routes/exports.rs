//! Excel exports of what a bureau prints: `GET /exports/projects`, `/exports/payments`,
//! `/exports/notices`. Each holds exactly the rows of its list (`GET /projects`, `/payments`,
//! `/notices`) for the same caller and filters — the same scoped queries — but all of them, not a
//! page: at most [`export::MAX_ROWS`], more is 422 `export_too_large`.
//!
//! The rows are loaded on the blocking pool, then the workbook is built in memory on the blocking
//! pool too (with the connection already returned), never on an async worker.

use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{HttpRequest, HttpResponse, web};
use dtpilot_api_types::FieldError;
use dtpilot_domain::ledger::{PaymentKind, PaymentStatus};
use dtpilot_domain::reference::County;
use dtpilot_domain::state::{ProjectState, Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::export::{self, MAX_ROWS, Sheet, XLSX_CONTENT_TYPE};
use crate::repo::{batches, payments, projects};
use crate::routes::query;
use crate::workflow;

/// Who may export projects: every role that sees projects (the admin sees none).
const PROJECT_EXPORTERS: &[Role] =
    &[Role::City, Role::Finance, Role::County, Role::Enterprise, Role::Provider, Role::Evaluator];

/// Who may export payment instructions: every role that sees some (not the evaluator, not the admin).
const PAYMENT_EXPORTERS: &[Role] = &[Role::City, Role::Finance, Role::County, Role::Enterprise, Role::Provider];

/// Who may export notices: who may list them.
const NOTICE_EXPORTERS: &[Role] = &[Role::City, Role::County];

/// Projects turned into views per chunk (bind parameters stay well below both databases' limits).
const VIEW_CHUNK: usize = 1000;

/// The filters of `GET /projects`, without paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsQuery {
    /// Only projects in this state.
    status: Option<ProjectState>,
    /// Only this county.
    county: Option<County>,
    /// Only this batch.
    batch_id: Option<i64>,
    /// Only this enterprise.
    enterprise_id: Option<i64>,
    /// Only projects contracted with this provider.
    provider_id: Option<i64>,
    /// The enterprise's name contains this text.
    q: Option<String>,
    /// `true`: only the projects past their batch's deadline today (China Standard Time).
    overdue: Option<bool>,
    /// `true`: only projects whose recorded level differs from the computed one.
    level_mismatch: Option<bool>,
}

impl ProjectsQuery {
    fn filter(self) -> projects::Filter {
        projects::Filter {
            status: self.status,
            county: self.county,
            batch_id: self.batch_id,
            enterprise_id: self.enterprise_id,
            provider_id: self.provider_id,
            q: self.q,
            overdue_on: (self.overdue == Some(true)).then(crate::workflow::today_cst),
            level_mismatch: self.level_mismatch == Some(true),
        }
    }
}

/// The filters of `GET /payments`, without paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentsQuery {
    /// Only instructions in this status.
    status: Option<PaymentStatus>,
    /// Only instructions of this kind.
    kind: Option<PaymentKind>,
    /// Only this project's instructions.
    project_id: Option<i64>,
}

impl PaymentsQuery {
    fn filter(self) -> payments::Filter {
        payments::Filter { status: self.status, kind: self.kind, project_id: self.project_id }
    }
}

/// 422 `export_too_large`: narrow the filters.
fn too_large(rows: i64) -> ApiError {
    let message = format!("共 {rows} 行,超过单次导出上限 {MAX_ROWS} 行,请缩小筛选范围(如按县区、批次或状态)");
    ApiError::Unprocessable {
        code: "export_too_large",
        detail: message.clone(),
        errors: vec![FieldError::new("(query)", message)],
    }
}

/// Build the workbook on the blocking pool.
async fn build(sheet: Sheet) -> Result<Vec<u8>, ApiError> {
    web::block(move || export::workbook(&sheet)).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

/// `Content-Disposition: attachment; filename="<ascii>"; filename*=UTF-8''<the Chinese name>`.
pub fn disposition(ascii: &str, chinese: &str) -> ContentDisposition {
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii.to_string()),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_string()),
                language_tag: None,
                value: chinese.as_bytes().to_vec(),
            }),
        ],
    }
}

/// The answer: the xlsx file, as an attachment, not to be cached.
pub fn attachment(bytes: Vec<u8>, ascii: &str, chinese: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XLSX_CONTENT_TYPE)
        .insert_header(disposition(ascii, chinese))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

/// The projects of `GET /projects` — same scope, same filters, every row — as an Excel workbook
/// (项目清单.xlsx): enterprise, county, batch, provider, contract, money, state, deadline, overdue.
#[utoipa::path(
    get,
    path = "/api/v1/exports/projects",
    tag = "exports",
    params(ProjectsQuery),
    responses(
        (status = 200, description = "项目清单(xlsx),表头为中文", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, description = "查询参数格式不正确,或超过 100000 行(`export_too_large`,请缩小筛选范围)"),
    )
)]
pub async fn get_projects_export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require(PROJECT_EXPORTERS)?;
    let filter = query::parse::<ProjectsQuery>(req.query_string())?.filter();
    let sheet = state
        .db(move |conn| {
            let rows = projects::count(conn, &caller, &filter)?;
            if rows > MAX_ROWS {
                return Err(too_large(rows));
            }
            let mut rest = projects::list_all(conn, &caller, &filter, MAX_ROWS)?;
            let mut views = Vec::with_capacity(rest.len());
            while !rest.is_empty() {
                let tail = rest.split_off(rest.len().min(VIEW_CHUNK));
                views.extend(workflow::views(conn, rest, false)?);
                rest = tail;
            }
            let batches = batches::list(conn)?;
            Ok(export::projects_sheet(&views, |id| {
                batches.iter().find(|b| b.id == id).map_or_else(|| id.to_string(), |b| b.name.clone())
            }))
        })
        .await?;
    Ok(attachment(build(sheet).await?, "projects.xlsx", "项目清单.xlsx"))
}

/// The payment instructions of `GET /payments` — same scope, same filters, every row — as an Excel
/// workbook (支付指令.xlsx), with the fund parts of each instruction.
#[utoipa::path(
    get,
    path = "/api/v1/exports/payments",
    tag = "exports",
    params(PaymentsQuery),
    responses(
        (status = 200, description = "支付指令(xlsx),表头为中文", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, description = "查询参数格式不正确,或超过 100000 行(`export_too_large`,请缩小筛选范围)"),
    )
)]
pub async fn get_payments_export(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require(PAYMENT_EXPORTERS)?;
    let filter = query::parse::<PaymentsQuery>(req.query_string())?.filter();
    let sheet = state
        .db(move |conn| {
            let rows = payments::count(conn, &caller, &filter)?;
            if rows > MAX_ROWS {
                return Err(too_large(rows));
            }
            let list = payments::list_all(conn, &caller, &filter, MAX_ROWS)?;
            let views: Vec<_> = list.into_iter().map(crate::routes::payments::view).collect();
            Ok(export::payments_sheet(&views))
        })
        .await?;
    Ok(attachment(build(sheet).await?, "payments.xlsx", "支付指令.xlsx"))
}

/// The public notices of `GET /notices` (a county: those listing its projects, with only its
/// projects and their objections), every one, as an Excel workbook (公示清单.xlsx).
#[utoipa::path(
    get,
    path = "/api/v1/exports/notices",
    tag = "exports",
    responses(
        (status = 200, description = "公示清单(xlsx),表头为中文", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, description = "超过 100000 行(`export_too_large`)"),
    )
)]
pub async fn get_notices_export(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(NOTICE_EXPORTERS)?;
    let sheet = state
        .db(move |conn| {
            let list = crate::routes::notices::visible(conn, &caller, MAX_ROWS + 1)?;
            if list.len() > MAX_ROWS as usize {
                return Err(too_large(i64::try_from(list.len()).unwrap_or(i64::MAX)));
            }
            Ok(export::notices_sheet(&list))
        })
        .await?;
    Ok(attachment(build(sheet).await?, "notices.xlsx", "公示清单.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chinese_file_name_is_percent_encoded() {
        assert_eq!(
            disposition("projects.xlsx", "项目清单.xlsx").to_string(),
            "attachment; filename=\"projects.xlsx\"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E6%B8%85%E5%8D%95.xlsx"
        );
    }

    /// The export takes exactly the filters of the list it exports.
    #[test]
    fn the_filters_are_those_of_the_lists() {
        let qs = "status=in_progress&county=luzhou&batch_id=2&enterprise_id=3&provider_id=4&q=%E7%94%B5%E6%B0%94";
        let list: crate::routes::projects::ListQuery = query::parse(&format!("{qs}&page=2&per_page=5")).expect("list");
        let export = query::parse::<ProjectsQuery>(qs).expect("export").filter();
        assert_eq!(list.filter(), export);
        assert_eq!(export.q.as_deref(), Some("电气"));
        let payments = query::parse::<PaymentsQuery>("status=paid&kind=recovery&project_id=9").expect("payments");
        assert_eq!(
            payments.filter(),
            payments::Filter {
                status: Some(PaymentStatus::Paid),
                kind: Some(PaymentKind::Recovery),
                project_id: Some(9)
            }
        );
        let bad = query::parse::<ProjectsQuery>("provider_id=x").expect_err("422").problem();
        assert_eq!((bad.status, bad.errors[0].field.as_str()), (422, "provider_id"));
    }
}
