//! Enterprises (试点企业): create, scoped read and list, optimistic update.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::programme::CreateEnterpriseRequest;
use dtpilot_domain::Money;
use dtpilot_domain::reference::{County, Industry};

use crate::auth::Caller;
use crate::db::schema::{batch_enterprises, enterprises as e};
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt, like_pattern};
use crate::scope;

/// An enterprise as stored, with typed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub county: County,
    pub industry: Industry,
    pub above_designated_size: bool,
    pub employees: u32,
    pub annual_revenue: Money,
    pub is_little_giant: bool,
    pub central_fund_excluded: bool,
    pub credit_abnormal: bool,
    pub dishonest: bool,
    pub disqualified: bool,
    pub contact_name: String,
    pub contact_phone: String,
    pub version: i64,
}

type Columns = (
    e::id,
    e::name,
    e::credit_code,
    e::county,
    e::industry,
    e::above_designated_size,
    e::employees,
    e::annual_revenue_fen,
    e::is_little_giant,
    e::central_fund_excluded,
    e::credit_abnormal,
    e::dishonest,
    e::disqualified,
    e::contact_name,
    e::contact_phone,
    e::version,
);

const COLUMNS: Columns = (
    e::id,
    e::name,
    e::credit_code,
    e::county,
    e::industry,
    e::above_designated_size,
    e::employees,
    e::annual_revenue_fen,
    e::is_little_giant,
    e::central_fund_excluded,
    e::credit_abnormal,
    e::dishonest,
    e::disqualified,
    e::contact_name,
    e::contact_phone,
    e::version,
);

#[derive(Queryable)]
struct Row {
    id: i64,
    name: String,
    credit_code: String,
    county: String,
    industry: String,
    above_designated_size: bool,
    employees: i64,
    annual_revenue_fen: i64,
    is_little_giant: bool,
    central_fund_excluded: bool,
    credit_abnormal: bool,
    dishonest: bool,
    disqualified: bool,
    contact_name: String,
    contact_phone: String,
    version: i64,
}

impl Row {
    fn into_enterprise(self) -> Result<Enterprise, RepoError> {
        let id = self.id;
        Ok(Enterprise {
            county: County::from_code(&self.county)
                .ok_or_else(|| corrupt(format!("enterprises.id={id}: county {:?}", self.county)))?,
            industry: Industry::from_code(&self.industry)
                .ok_or_else(|| corrupt(format!("enterprises.id={id}: industry {:?}", self.industry)))?,
            employees: u32::try_from(self.employees)
                .map_err(|_| corrupt(format!("enterprises.id={id}: employees {}", self.employees)))?,
            annual_revenue: Money::from_fen(self.annual_revenue_fen),
            id,
            name: self.name,
            credit_code: self.credit_code,
            above_designated_size: self.above_designated_size,
            is_little_giant: self.is_little_giant,
            central_fund_excluded: self.central_fund_excluded,
            credit_abnormal: self.credit_abnormal,
            dishonest: self.dishonest,
            disqualified: self.disqualified,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            version: self.version,
        })
    }
}

/// Insert a validated enterprise; a taken credit code is `Conflict("credit_code")`.
pub fn create(conn: &mut DbConn, r: &CreateEnterpriseRequest, now: NaiveDateTime) -> Result<Enterprise, RepoError> {
    let id: i64 = diesel::insert_into(e::table)
        .values((
            e::name.eq(r.name.trim()),
            e::credit_code.eq(&r.credit_code),
            e::county.eq(r.county.code()),
            e::industry.eq(r.industry.code()),
            e::above_designated_size.eq(r.above_designated_size),
            e::employees.eq(i64::from(r.employees)),
            e::annual_revenue_fen.eq(r.annual_revenue.to_fen()),
            e::is_little_giant.eq(r.is_little_giant),
            e::central_fund_excluded.eq(r.central_fund_excluded),
            e::contact_name.eq(r.contact_name.trim()),
            e::contact_phone.eq(r.contact_phone.trim()),
            e::created_at.eq(now),
            e::updated_at.eq(now),
        ))
        .returning(e::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("credit_code"))?;
    find(conn, id)
}

/// By id, ignoring scope (for code that already checked it, e.g. right after a write).
pub fn find(conn: &mut DbConn, id: i64) -> Result<Enterprise, RepoError> {
    e::table.find(id).select(COLUMNS).first::<Row>(conn)?.into_enterprise()
}

/// By id, within the caller's scope (`NotFound` otherwise).
pub fn get(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Enterprise, RepoError> {
    scope::enterprises(caller).filter(e::id.eq(id)).select(COLUMNS).first::<Row>(conn)?.into_enterprise()
}

/// List filters of `GET /enterprises`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub county: Option<County>,
    pub industry: Option<Industry>,
    pub batch_id: Option<i64>,
    /// Part of the name, or the credit code.
    pub q: Option<String>,
}

fn filtered(caller: &Caller, f: &Filter) -> e::BoxedQuery<'static, scope::Backend> {
    let mut q = scope::enterprises(caller);
    if let Some(county) = f.county {
        q = q.filter(e::county.eq(county.code()));
    }
    if let Some(industry) = f.industry {
        q = q.filter(e::industry.eq(industry.code()));
    }
    if let Some(batch) = f.batch_id {
        q = q.filter(
            e::id.eq_any(
                batch_enterprises::table
                    .filter(batch_enterprises::batch_id.eq(batch))
                    .select(batch_enterprises::enterprise_id),
            ),
        );
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(e::name.like(like_pattern(text)).escape('\\').or(e::credit_code.eq(text.to_uppercase())));
    }
    q
}

/// One page of the enterprises the caller may see, newest first, and the total.
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    f: &Filter,
    paging: Paging,
) -> Result<(Vec<Enterprise>, i64), RepoError> {
    let total = filtered(caller, f).count().get_result(conn)?;
    let rows = filtered(caller, f)
        .order(e::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(COLUMNS)
        .load::<Row>(conn)?;
    let items = rows.into_iter().map(Row::into_enterprise).collect::<Result<_, _>>()?;
    Ok((items, total))
}

/// The changes of a PATCH (None = unchanged), already checked against the caller's rights.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = e)]
pub struct Changes {
    pub name: Option<String>,
    pub industry: Option<String>,
    pub above_designated_size: Option<bool>,
    pub employees: Option<i64>,
    pub annual_revenue_fen: Option<i64>,
    pub is_little_giant: Option<bool>,
    pub central_fund_excluded: Option<bool>,
    pub credit_abnormal: Option<bool>,
    pub dishonest: Option<bool>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// Apply `changes` if the row is still at `version`; the version then moves on by one.
/// `Stale` when someone changed it first.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    version: i64,
    changes: &Changes,
    now: NaiveDateTime,
) -> Result<Enterprise, RepoError> {
    let n = diesel::update(e::table.filter(e::id.eq(id)).filter(e::version.eq(version)))
        .set((changes.clone(), e::version.eq(e::version + 1), e::updated_at.eq(now)))
        .execute(conn)?;
    if n == 0 {
        // Exists (the caller saw it) but not at that version.
        find(conn, id)?;
        return Err(RepoError::Stale);
    }
    find(conn, id)
}

/// R7: fraud bars the enterprise from every later application.
pub fn disqualify(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> Result<(), RepoError> {
    diesel::update(e::table.find(id))
        .set((e::disqualified.eq(true), e::version.eq(e::version + 1), e::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}
