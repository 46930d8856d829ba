//! Batch progress, 周调度 / 月通报 aggregates and the enterprise imports. Every read starts from
//! `crate::scope`; every count and sum is an SQL aggregate grouped by (county, industry), so one
//! query serves the county table, the industry table and the total (no row-by-row loading).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, exists, not, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use dtpilot_domain::deadline::BatchDates;
use dtpilot_domain::import::NewEnterprise;
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::report::{Stage, overdue_states};
use dtpilot_domain::state::ProjectState;

use crate::auth::Caller;
use crate::db::schema::{
    batch_enterprises as be, enterprise_imports as ei, enterprises as e, payments as pay, projects as p, users,
};
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt};
use crate::scope;

// ---------------------------------------------------------------------------------------------
// Batch progress
// ---------------------------------------------------------------------------------------------

/// Filters of `GET /batches/{id}/progress`.
#[derive(Debug, Clone, Default)]
pub struct ProgressFilter {
    pub county: Option<County>,
    pub industry: Option<Industry>,
    pub overdue: Option<bool>,
    pub stage: Option<Stage>,
}

/// A member enterprise of the batch (id, name, credit code, county, industry).
pub type Member = (i64, String, String, String, String);

fn codes(states: &[ProjectState]) -> Vec<&'static str> {
    states.iter().map(|s| s.code()).collect()
}

/// The members of `batch_id` the caller may see that pass the filter. `dates` and `today` decide
/// which states are overdue (`dtpilot_domain::report::overdue_states`).
fn members(
    caller: &Caller,
    batch_id: i64,
    dates: BatchDates,
    today: NaiveDate,
    f: &ProgressFilter,
) -> e::BoxedQuery<'static, scope::Backend> {
    let of_batch = |states: Vec<&'static str>| {
        p::table.filter(p::batch_id.eq(batch_id)).filter(p::status.eq_any(states)).select(p::enterprise_id)
    };
    let mut q = scope::enterprises(caller)
        .filter(e::id.eq_any(be::table.filter(be::batch_id.eq(batch_id)).select(be::enterprise_id)));
    if let Some(c) = f.county {
        q = q.filter(e::county.eq(c.code()));
    }
    if let Some(i) = f.industry {
        q = q.filter(e::industry.eq(i.code()));
    }
    let late = codes(&overdue_states(dates, today));
    match f.overdue {
        Some(true) => q = q.filter(e::id.eq_any(of_batch(late))),
        Some(false) => q = q.filter(not(e::id.eq_any(of_batch(late)))),
        None => {}
    }
    let not_rejected: Vec<&'static str> =
        ProjectState::ALL.iter().filter(|s| s.blocks_new_application()).map(|s| s.code()).collect();
    match f.stage {
        None => {}
        Some(Stage::None) => {
            q = q.filter(not(e::id.eq_any(p::table.filter(p::batch_id.eq(batch_id)).select(p::enterprise_id))));
        }
        // Shown as rejected only when no other project stands for the member.
        Some(Stage::Rejected) => {
            q = q
                .filter(e::id.eq_any(of_batch(vec![ProjectState::Rejected.code()])))
                .filter(not(e::id.eq_any(of_batch(not_rejected))));
        }
        Some(stage) => q = q.filter(e::id.eq_any(of_batch(codes(&stage.states())))),
    }
    q
}

/// A member's project in the batch: (enterprise id, project id, state).
pub type MemberProject = (i64, i64, ProjectState);

/// One page of the batch's members (in id order) and the total; with each member's projects in
/// the batch (enterprise id, project id, state).
pub fn progress(
    conn: &mut DbConn,
    caller: &Caller,
    batch_id: i64,
    dates: BatchDates,
    today: NaiveDate,
    f: &ProgressFilter,
    paging: Option<Paging>,
) -> Result<(Vec<Member>, Vec<MemberProject>, i64), RepoError> {
    let total = members(caller, batch_id, dates, today, f).count().get_result(conn)?;
    let mut q = members(caller, batch_id, dates, today, f).order(e::id.asc());
    if let Some(paging) = paging {
        q = q.limit(paging.per_page).offset(paging.offset());
    }
    let rows: Vec<Member> = q.select((e::id, e::name, e::credit_code, e::county, e::industry)).load(conn)?;
    let mut projects = Vec::new();
    for chunk in rows.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|m| m.0).collect();
        let found: Vec<(i64, i64, String)> = p::table
            .filter(p::batch_id.eq(batch_id))
            .filter(p::enterprise_id.eq_any(ids))
            .select((p::enterprise_id, p::id, p::status))
            .load(conn)?;
        for (eid, pid, status) in found {
            let s = ProjectState::from_code(&status)
                .ok_or_else(|| corrupt(format!("projects.id={pid}: status {status:?}")))?;
            projects.push((eid, pid, s));
        }
    }
    Ok((rows, projects, total))
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

/// A half-open range of UTC timestamps `[from, to)` and the same period as dates (inclusive).
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// Filters of a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportFilter {
    pub county: Option<County>,
    pub industry: Option<Industry>,
}

/// (county, industry, n).
pub type Group = (String, String, i64);

/// Enterprises in the programme (members of a batch) by county and industry; with `added`, only
/// those that joined a batch within it.
pub fn member_groups(
    conn: &mut DbConn,
    caller: &Caller,
    f: ReportFilter,
    added: Option<Range>,
) -> Result<Vec<Group>, RepoError> {
    let grouped =
        e::table.group_by((e::county, e::industry)).select((e::county, e::industry, count_star())).into_boxed();
    let mut q = crate::scope_enterprises!(grouped, caller);
    q = match added {
        None => q.filter(exists(be::table.filter(be::enterprise_id.eq(e::id)))),
        Some(r) => q.filter(exists(
            be::table.filter(be::enterprise_id.eq(e::id)).filter(be::added_at.ge(r.from)).filter(be::added_at.lt(r.to)),
        )),
    };
    if let Some(c) = f.county {
        q = q.filter(e::county.eq(c.code()));
    }
    if let Some(i) = f.industry {
        q = q.filter(e::industry.eq(i.code()));
    }
    Ok(q.load(conn)?)
}

/// Projects created within `range`, by county and industry.
pub fn new_project_groups(
    conn: &mut DbConn,
    caller: &Caller,
    f: ReportFilter,
    range: Range,
) -> Result<Vec<Group>, RepoError> {
    let grouped = p::table
        .filter(p::created_at.ge(range.from))
        .filter(p::created_at.lt(range.to))
        .group_by((p::county, p::industry))
        .select((p::county, p::industry, count_star()))
        .into_boxed();
    let mut q = crate::scope_projects!(grouped, caller);
    if let Some(c) = f.county {
        q = q.filter(p::county.eq(c.code()));
    }
    if let Some(i) = f.industry {
        q = q.filter(p::industry.eq(i.code()));
    }
    Ok(q.load(conn)?)
}

/// Which money flow a sum is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Out-going instructions approved by the city (in a period: by `approved_at`; cumulative:
    /// those now approved or paid).
    Approved,
    /// Out-going instructions paid (by `paid_on`).
    Paid,
    /// Recoveries received (by `paid_on`).
    Recovered,
}

/// (county, industry, fen): instructions without a county or an enterprise keep `None` there.
pub type MoneyGroup = (Option<String>, Option<String>, i64);

/// Narrow a boxed grouped query over payments (alone or joined to their enterprise) to a flow,
/// a period and the county filter.
macro_rules! flow_filter {
    ($q:expr, $flow:expr, $range:expr, $f:expr) => {{
        let mut q = $q;
        let (flow, range, f): (Flow, Option<Range>, ReportFilter) = ($flow, $range, $f);
        match flow {
            Flow::Approved => {
                q = q.filter(pay::direction.eq("out"));
                q = match range {
                    Some(r) => q.filter(pay::approved_at.ge(r.from)).filter(pay::approved_at.lt(r.to)),
                    None => q.filter(pay::status.eq_any(["approved", "paid"])),
                };
            }
            Flow::Paid | Flow::Recovered => {
                q = q
                    .filter(pay::direction.eq(if flow == Flow::Paid { "out" } else { "in" }))
                    .filter(pay::status.eq("paid"));
                if let Some(r) = range {
                    q = q.filter(pay::paid_on.ge(r.first_day)).filter(pay::paid_on.le(r.last_day));
                }
            }
        }
        if let Some(c) = f.county {
            q = q.filter(pay::county.eq(c.code()));
        }
        q
    }};
}

/// Sums of one flow by the instruction's county and its enterprise's industry, in `range` or
/// ever. Two grouped statements: instructions naming an enterprise (joined for its industry), and
/// those naming none (industry `None`; left out when an industry is asked for).
pub fn money_groups(
    conn: &mut DbConn,
    caller: &Caller,
    f: ReportFilter,
    flow: Flow,
    range: Option<Range>,
) -> Result<Vec<MoneyGroup>, RepoError> {
    let joined = pay::table
        .inner_join(e::table.on(pay::enterprise_id.eq(e::id.nullable())))
        .group_by((pay::county, e::industry))
        .select((pay::county, e::industry, sql::<BigInt>("CAST(COALESCE(SUM(payments.amount_fen), 0) AS BIGINT)")))
        .into_boxed();
    let mut q = flow_filter!(crate::scope_payments!(joined, caller), flow, range, f);
    if let Some(i) = f.industry {
        q = q.filter(e::industry.eq(i.code()));
    }
    let rows: Vec<(Option<String>, String, i64)> = q.load(conn)?;
    let mut out: Vec<MoneyGroup> = rows.into_iter().map(|(c, i, n)| (c, Some(i), n)).collect();
    if f.industry.is_none() {
        let alone = pay::table
            .filter(pay::enterprise_id.is_null())
            .group_by(pay::county)
            .select((pay::county, sql::<BigInt>("CAST(COALESCE(SUM(payments.amount_fen), 0) AS BIGINT)")))
            .into_boxed();
        let rows: Vec<(Option<String>, i64)> =
            flow_filter!(crate::scope_payments!(alone, caller), flow, range, f).load(conn)?;
        out.extend(rows.into_iter().map(|(c, n)| (c, None, n)));
    }
    Ok(out)
}

/// Every batch's dates (there are a handful): (id, dates).
pub fn batch_dates(conn: &mut DbConn) -> Result<Vec<(i64, BatchDates)>, RepoError> {
    use crate::db::schema::batches as b;
    let rows: Vec<(i64, NaiveDate, NaiveDate)> =
        b::table.select((b::id, b::retrofit_due, b::acceptance_end)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, retrofit_due, acceptance_end)| (id, BatchDates { retrofit_due, acceptance_end }))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------------

/// Rows per multi-row INSERT (13 bound values each: far below both databases' limits).
const INSERT_CHUNK: usize = 500;

/// The credit codes among `codes` that are registered already.
pub fn registered_codes(conn: &mut DbConn, codes: &[String]) -> Result<Vec<String>, RepoError> {
    let mut out = Vec::new();
    for chunk in codes.chunks(1000) {
        let found: Vec<String> = e::table.filter(e::credit_code.eq_any(chunk)).select(e::credit_code).load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// Insert the checked rows in multi-row statements; their ids in the rows' order. A credit code
/// registered meanwhile is `Conflict("credit_code")` (the caller's transaction then rolls back).
pub fn insert_enterprises(
    conn: &mut DbConn,
    rows: &[NewEnterprise],
    now: NaiveDateTime,
) -> Result<Vec<i64>, RepoError> {
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(INSERT_CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    e::name.eq(r.name.clone()),
                    e::credit_code.eq(r.credit_code.clone()),
                    e::county.eq(r.county.code()),
                    e::industry.eq(r.industry.code()),
                    e::above_designated_size.eq(r.above_designated_size),
                    e::employees.eq(i64::from(r.employees)),
                    e::annual_revenue_fen.eq(r.annual_revenue.to_fen()),
                    e::is_little_giant.eq(r.is_little_giant),
                    e::central_fund_excluded.eq(r.central_fund_excluded),
                    e::contact_name.eq(r.contact_name.clone()),
                    e::contact_phone.eq(r.contact_phone.clone()),
                    e::created_at.eq(now),
                    e::updated_at.eq(now),
                )
            })
            .collect();
        // Multi-row INSERTs need the concrete connection (diesel's MultiConnection inserts one
        // row per statement).
        match conn {
            DbConn::Postgresql(c) => diesel::insert_into(e::table).values(values).execute(c),
            DbConn::Sqlite(c) => diesel::insert_into(e::table).values(values).execute(c),
        }
        .map_err(RepoError::unique_as("credit_code"))?;
        // Ids by the codes just inserted (unique), put back into the file's order.
        let codes: Vec<&str> = chunk.iter().map(|r| r.credit_code.as_str()).collect();
        let found: Vec<(String, i64)> =
            e::table.filter(e::credit_code.eq_any(&codes)).select((e::credit_code, e::id)).load(conn)?;
        for code in codes {
            let id = found
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, id)| *id)
                .ok_or_else(|| corrupt(format!("enterprise {code} inserted but not found")))?;
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A row of the import history.
pub type ImportRow = (i64, String, String, i64, i64, Option<String>, String, NaiveDateTime);

/// A successful import, for the history.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub created: i64,
    /// The importing county bureau's county (none: the city).
    pub county: Option<County>,
    pub user_id: i64,
}

pub fn record_import(conn: &mut DbConn, i: &NewImport<'_>, now: NaiveDateTime) -> Result<i64, RepoError> {
    Ok(diesel::insert_into(ei::table)
        .values((
            ei::file_name.eq(i.file_name),
            ei::sha256.eq(i.sha256),
            ei::size_bytes.eq(i.size_bytes),
            ei::created.eq(i.created),
            ei::county.eq(i.county.map(County::code)),
            ei::imported_by.eq(i.user_id),
            ei::imported_at.eq(now),
        ))
        .returning(ei::id)
        .get_result(conn)?)
}

/// The imports the caller may see (city: all; county: its bureau's), newest first, and the total.
pub fn imports(conn: &mut DbConn, caller: &Caller, paging: Paging) -> Result<(Vec<ImportRow>, i64), RepoError> {
    let visible = || scope::enterprise_imports(caller);
    let total = visible().count().get_result(conn)?;
    let ids: Vec<i64> =
        visible().order(ei::id.desc()).limit(paging.per_page).offset(paging.offset()).select(ei::id).load(conn)?;
    let rows = ei::table
        .inner_join(users::table)
        .filter(ei::id.eq_any(ids))
        .order(ei::id.desc())
        .select((
            ei::id,
            ei::file_name,
            ei::sha256,
            ei::size_bytes,
            ei::created,
            ei::county,
            users::display_name,
            ei::imported_at,
        ))
        .load(conn)?;
    Ok((rows, total))
}
