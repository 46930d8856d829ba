//! `GET /batches/{id}/progress`, `GET /reports/weekly` · `/reports/monthly` (周调度 / 月通报), for
//! the city and the county bureaus (their own county). JSON or, with `format=xlsx`, a workbook
//! of the same tables.

use std::collections::BTreeSet;

use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDate};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::reports::{
    BatchProgressView, PeriodChange, PeriodFigures, ProgressItem, ReportKind, ReportRow, ReportView, Stage, StageCounts,
};
use dtpilot_domain::Money;
use dtpilot_domain::deadline::{BatchDates, is_overdue, next_deadline};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::report::{self, Period, overdue_states, representative};
use dtpilot_domain::state::{ProjectState, Role};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::export::MAX_ROWS;
use crate::repo::reports::{self as repo, Flow, ProgressFilter, Range, ReportFilter};
use crate::repo::{Paging, batches, dashboard};
use crate::report_xlsx;
use crate::routes::exports::attachment;
use crate::routes::query::QueryParams;
use crate::workflow::today_cst;

/// Who reads progress and reports: the city, and each county bureau for its own county.
pub const READERS: &[Role] = &[Role::City, Role::County];

/// `json` (default) or `xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    #[default]
    Json,
    Xlsx,
}

/// A county bureau asking for another county's figures: out of its scope (404, never an empty
/// answer that looks like "nothing there").
fn own_county(caller: &Caller, county: Option<County>) -> Result<Option<County>, ApiError> {
    match (caller.role, caller.county, county) {
        (Role::County, Some(own), Some(asked)) if own != asked => Err(ApiError::NotFound),
        (Role::County, Some(own), _) => Ok(Some(own)),
        (Role::County, None, _) => Err(ApiError::NotFound),
        _ => Ok(county),
    }
}

fn too_large(rows: i64) -> ApiError {
    let message = format!("共 {rows} 行,超过单次导出上限 {MAX_ROWS} 行,请缩小筛选范围");
    ApiError::Unprocessable {
        code: "export_too_large",
        detail: message.clone(),
        errors: vec![FieldError::new("(query)", message)],
    }
}

async fn xlsx(
    build: impl FnOnce() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> + Send + 'static,
) -> Result<Vec<u8>, ApiError> {
    web::block(build).await.map_err(ApiError::internal)?.map_err(ApiError::internal)
}

// ---------------------------------------------------------------------------------------------
// Batch progress
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// Only this county (a county bureau: its own; another county is 404).
    county: Option<County>,
    /// Only this industry.
    industry: Option<Industry>,
    /// `true`: only members whose project is past its deadline today (China Standard Time);
    /// `false`: only the others.
    overdue: Option<bool>,
    /// Only members at this stage (`none`: without a project in the batch).
    stage: Option<Stage>,
    page: Option<i64>,
    per_page: Option<i64>,
    /// `xlsx`: every matching member as a workbook (批次进度.xlsx), no paging.
    #[param(inline)]
    format: Option<OutputFormat>,
}

/// Each member enterprise of a batch in the caller's scope: its project in the batch (if any), the
/// stage, the next deadline and whether it is overdue (SPEC §5), paged and filtered in SQL.
#[utoipa::path(
    get,
    path = "/api/v1/batches/{id}/progress",
    tag = "batches",
    params(("id" = i64, Path, description = "批次 id"), ProgressQuery),
    responses(
        (status = 200, description = "批次进度(一页);format=xlsx 时为 xlsx 文件", body = BatchProgressView),
        (status = 403, description = "角色无权"),
        (status = 404, description = "批次不存在,或县级部门查询外县区"),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_batch_progress(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    query: QueryParams<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let QueryParams(q) = query;
    let batch_id = id.into_inner();
    let county = own_county(&caller, q.county)?;
    let format = q.format.unwrap_or_default();
    let paging = Paging::new(q.page, q.per_page);
    let filter = ProgressFilter { county, industry: q.industry, overdue: q.overdue, stage: q.stage };
    let today = today_cst();
    let (batch_name, items, total) = state
        .db(move |conn| {
            let batch = batches::find(conn, batch_id)?;
            let dates = BatchDates { retrofit_due: batch.retrofit_due, acceptance_end: batch.acceptance_end };
            let page = (format == OutputFormat::Json).then_some(paging);
            if page.is_none() {
                let (_, _, n) = repo::progress(
                    conn,
                    &caller,
                    batch_id,
                    dates,
                    today,
                    &filter,
                    Some(Paging::new(Some(1), Some(1))),
                )?;
                if n > MAX_ROWS {
                    return Err(too_large(n));
                }
            }
            let (members, projects, total) = repo::progress(conn, &caller, batch_id, dates, today, &filter, page)?;
            let items = members
                .into_iter()
                .map(|(eid, name, credit_code, county, industry)| {
                    let own: Vec<(i64, ProjectState)> =
                        projects.iter().filter(|(e, _, _)| *e == eid).map(|(_, p, s)| (*p, *s)).collect();
                    let rep = representative(&own);
                    let next = rep.and_then(|(_, s)| next_deadline(s, dates));
                    Ok(ProgressItem {
                        enterprise_id: eid,
                        enterprise_name: name,
                        credit_code,
                        county: County::from_code(&county)
                            .ok_or_else(|| ApiError::internal(format!("enterprise {eid}: county {county}")))?,
                        industry: Industry::from_code(&industry)
                            .ok_or_else(|| ApiError::internal(format!("enterprise {eid}: industry {industry}")))?,
                        project_id: rep.map(|(p, _)| p),
                        status: rep.map(|(_, s)| s),
                        stage: rep.map_or(Stage::None, |(_, s)| Stage::of(s)),
                        next_deadline: next,
                        overdue: is_overdue(next, today),
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok((batch.name, items, total))
        })
        .await?;
    if format == OutputFormat::Xlsx {
        let name = batch_name.clone();
        let bytes = xlsx(move || report_xlsx::progress_workbook(&name, today, &items)).await?;
        return Ok(attachment(bytes, "batch-progress.xlsx", &format!("{batch_name}进度.xlsx")));
    }
    Ok(HttpResponse::Ok().json(BatchProgressView {
        batch_id,
        batch_name,
        today,
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

// ---------------------------------------------------------------------------------------------
// 周调度 / 月通报
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeeklyQuery {
    /// Only this county (a county bureau: its own; another county is 404).
    county: Option<County>,
    /// Only this industry.
    industry: Option<Industry>,
    /// A day of the week to report (Monday to Sunday); default: this week (China Standard Time).
    week: Option<NaiveDate>,
    #[param(inline)]
    format: Option<OutputFormat>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthlyQuery {
    /// Only this county (a county bureau: its own; another county is 404).
    county: Option<County>,
    /// Only this industry.
    industry: Option<Industry>,
    /// A day of the month to report; default: this month (China Standard Time).
    month: Option<NaiveDate>,
    #[param(inline)]
    format: Option<OutputFormat>,
}

/// The UTC timestamps of a period of China Standard Time days.
fn range(p: Period) -> Range {
    let cst = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default() - Duration::hours(8);
    Range { from: cst(p.start), to: cst(p.end_exclusive()), first_day: p.start, last_day: p.end }
}

fn empty_row(key: &str, name: &str, monthly: bool) -> ReportRow {
    ReportRow {
        key: key.to_string(),
        name: name.to_string(),
        enterprises: 0,
        projects: 0,
        stages: StageCounts::default(),
        overdue: 0,
        period: PeriodFigures::zero(),
        previous: monthly.then(PeriodFigures::zero),
        change: None,
        approved_total: Money::ZERO,
        paid_total: Money::ZERO,
        recovered_total: Money::ZERO,
    }
}

/// The tables being filled: a row per county and per industry shown, and the total.
struct Tables {
    by_county: Vec<ReportRow>,
    by_industry: Vec<ReportRow>,
    total: ReportRow,
}

impl Tables {
    /// Apply `f` to the rows a group of (county, industry) counts in.
    fn apply(&mut self, county: Option<&str>, industry: Option<&str>, f: impl Fn(&mut ReportRow)) {
        if let Some(r) = self.by_county.iter_mut().find(|r| Some(r.key.as_str()) == county) {
            f(r);
        }
        if let Some(r) = self.by_industry.iter_mut().find(|r| Some(r.key.as_str()) == industry) {
            f(r);
        }
        f(&mut self.total);
    }

    fn rows_mut(&mut self) -> impl Iterator<Item = &mut ReportRow> {
        self.by_county.iter_mut().chain(self.by_industry.iter_mut()).chain(std::iter::once(&mut self.total))
    }
}

fn change(cur: &PeriodFigures, prev: &PeriodFigures) -> PeriodChange {
    let e = report::count_change(cur.new_enterprises, prev.new_enterprises);
    let p = report::count_change(cur.new_projects, prev.new_projects);
    let m = report::money_change(cur.paid, prev.paid);
    PeriodChange {
        new_enterprises: cur.new_enterprises - prev.new_enterprises,
        new_enterprises_percent: report::percent_label(e),
        new_projects: cur.new_projects - prev.new_projects,
        new_projects_percent: report::percent_label(p),
        paid: (cur.paid - prev.paid).to_string(),
        paid_percent: report::percent_label(m),
    }
}

/// Which figures of a period a sum goes to.
fn period_of(row: &mut ReportRow, previous: bool) -> &mut PeriodFigures {
    match (previous, row.previous.as_mut()) {
        (true, Some(p)) => p,
        _ => &mut row.period,
    }
}

async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    kind: ReportKind,
    county: Option<County>,
    industry: Option<Industry>,
    day: Option<NaiveDate>,
    format: OutputFormat,
) -> Result<HttpResponse, ApiError> {
    caller.require(READERS)?;
    let county = own_county(&caller, county)?;
    let today = today_cst();
    let period = Period::containing(kind, day.unwrap_or(today));
    let previous = (kind == ReportKind::Monthly).then(|| period.previous(kind));
    let monthly = previous.is_some();
    let filter = ReportFilter { county, industry };
    let counties: Vec<County> = county.map_or_else(|| County::ALL.to_vec(), |c| vec![c]);
    let industries: Vec<Industry> = industry.map_or_else(|| Industry::ALL.to_vec(), |i| vec![i]);
    let scope_name = [county.map(County::name_zh), industry.map(Industry::name_zh)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("·");
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let mut t = Tables {
                by_county: counties.iter().map(|c| empty_row(c.code(), c.name_zh(), monthly)).collect(),
                by_industry: industries.iter().map(|i| empty_row(i.code(), i.name_zh(), monthly)).collect(),
                total: empty_row("total", "合计", monthly),
            };
            let wanted =
                |c: &str, i: &str| county.is_none_or(|x| x.code() == c) && industry.is_none_or(|x| x.code() == i);
            // Members, and members new in the period(s).
            for (c, i, n) in repo::member_groups(conn, &caller, filter, None)? {
                t.apply(Some(&c), Some(&i), |r| r.enterprises += n);
            }
            for (prev, p) in [(false, Some(period)), (true, previous)] {
                let Some(p) = p else { continue };
                for (c, i, n) in repo::member_groups(conn, &caller, filter, Some(range(p)))? {
                    t.apply(Some(&c), Some(&i), |r| period_of(r, prev).new_enterprises += n);
                }
                for (c, i, n) in repo::new_project_groups(conn, &caller, filter, range(p))? {
                    t.apply(Some(&c), Some(&i), |r| period_of(r, prev).new_projects += n);
                }
                for flow in [Flow::Approved, Flow::Paid, Flow::Recovered] {
                    for (c, i, fen) in repo::money_groups(conn, &caller, filter, flow, Some(range(p)))? {
                        let m = Money::from_fen(fen);
                        t.apply(c.as_deref(), i.as_deref(), |r| {
                            let f = period_of(r, prev);
                            match flow {
                                Flow::Approved => f.approved += m,
                                Flow::Paid => f.paid += m,
                                Flow::Recovered => f.recovered += m,
                            }
                        });
                    }
                }
            }
            for flow in [Flow::Approved, Flow::Paid, Flow::Recovered] {
                for (c, i, fen) in repo::money_groups(conn, &caller, filter, flow, None)? {
                    let m = Money::from_fen(fen);
                    t.apply(c.as_deref(), i.as_deref(), |r| match flow {
                        Flow::Approved => r.approved_total += m,
                        Flow::Paid => r.paid_total += m,
                        Flow::Recovered => r.recovered_total += m,
                    });
                }
            }
            // Projects by stage and overdue: the running totals by (county, industry, batch, status).
            let late: Vec<(i64, BTreeSet<&'static str>)> = repo::batch_dates(conn)?
                .into_iter()
                .map(|(id, dates)| (id, overdue_states(dates, today).into_iter().map(ProjectState::code).collect()))
                .collect();
            for (c, i, batch, status, n, _, _) in dashboard::project_groups(conn, &caller)? {
                if !wanted(&c, &i) {
                    continue;
                }
                let Some(state) = ProjectState::from_code(&status) else { continue };
                let stage = Stage::of(state);
                let overdue = late.iter().any(|(b, codes)| *b == batch && codes.contains(status.as_str()));
                t.apply(Some(&c), Some(&i), |r| {
                    r.stages.add(stage, n);
                    if stage.is_active() {
                        r.projects += n;
                    }
                    if overdue {
                        r.overdue += n;
                    }
                });
            }
            for r in t.rows_mut() {
                if let Some(prev) = &r.previous {
                    r.change = Some(change(&r.period, prev));
                }
            }
            let targets = crate::routes::dashboard::targets(conn, &caller, &st.profile)?;
            Ok(ReportView {
                kind,
                title: report::title_zh(&st.profile.title, &scope_name, kind, period),
                scope: if scope_name.is_empty() { "全市".to_string() } else { scope_name },
                county,
                industry,
                period_start: period.start,
                period_end: period.end,
                previous_start: previous.map(|p| p.start),
                previous_end: previous.map(|p| p.end),
                today,
                by_county: t.by_county,
                by_industry: t.by_industry,
                total: t.total,
                targets,
            })
        })
        .await?;
    if format == OutputFormat::Xlsx {
        let (ascii, zh) = match kind {
            ReportKind::Weekly => ("weekly-report.xlsx", format!("周调度-{}.xlsx", view.period_start)),
            ReportKind::Monthly => ("monthly-report.xlsx", format!("月通报-{}.xlsx", view.period_start)),
        };
        let bytes = xlsx(move || report_xlsx::report_workbook(&view)).await?;
        return Ok(attachment(bytes, ascii, &zh));
    }
    Ok(HttpResponse::Ok().json(view))
}

/// 周调度: the week's figures per county and industry — enterprises in the programme, projects by
/// stage, overdue, new in the week, money approved / paid / recovered in the week and cumulative —
/// and the 附件1 target lines.
#[utoipa::path(
    get,
    path = "/api/v1/reports/weekly",
    tag = "reports",
    params(WeeklyQuery),
    responses(
        (status = 200, description = "周调度;format=xlsx 时为 xlsx 文件(标题行 + 中文表头)", body = ReportView),
        (status = 403, description = "角色无权"),
        (status = 404, description = "县级部门查询外县区"),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_weekly_report(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<WeeklyQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    report(state, caller, ReportKind::Weekly, q.county, q.industry, q.week, q.format.unwrap_or_default()).await
}

/// 月通报: the month's figures as the weekly report, plus the previous month and the change.
#[utoipa::path(
    get,
    path = "/api/v1/reports/monthly",
    tag = "reports",
    params(MonthlyQuery),
    responses(
        (status = 200, description = "月通报(含环比);format=xlsx 时为 xlsx 文件", body = ReportView),
        (status = 403, description = "角色无权"),
        (status = 404, description = "县级部门查询外县区"),
        (status = 422, description = "查询参数格式不正确"),
    )
)]
pub async fn get_monthly_report(
    state: web::Data<AppState>,
    caller: Caller,
    query: QueryParams<MonthlyQuery>,
) -> Result<HttpResponse, ApiError> {
    let QueryParams(q) = query;
    report(state, caller, ReportKind::Monthly, q.county, q.industry, q.month, q.format.unwrap_or_default()).await
}
