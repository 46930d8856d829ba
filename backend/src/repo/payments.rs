//! The payment ledger (SPEC §6): instructions are created by the rules, approved by the city,
//! executed by finance; never edited or deleted — status only moves forward.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use dtpilot_domain::Money;
use dtpilot_domain::ledger::{Direction, Due, PaymentKind, PaymentStatus};
use dtpilot_domain::reference::County;

use crate::auth::Caller;
use crate::db::schema::payments as pay;
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt};
use crate::scope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub kind: PaymentKind,
    pub project_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub payee: String,
    pub direction: Direction,
    pub amount: Money,
    pub central: Money,
    pub city: Money,
    pub county: Money,
    pub status: PaymentStatus,
    pub approved_by: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    pub voucher_no: Option<String>,
}

type Row = (
    (i64, String, Option<i64>, Option<i64>, Option<i64>, String, String),
    (i64, i64, i64, i64, String, Option<i64>, Option<NaiveDate>, Option<String>),
);

type Columns = (
    (pay::id, pay::kind, pay::project_id, pay::enterprise_id, pay::provider_id, pay::payee, pay::direction),
    (
        pay::amount_fen,
        pay::central_fen,
        pay::city_fen,
        pay::county_fen,
        pay::status,
        pay::approved_by,
        pay::paid_on,
        pay::voucher_no,
    ),
);

const COLUMNS: Columns = (
    (pay::id, pay::kind, pay::project_id, pay::enterprise_id, pay::provider_id, pay::payee, pay::direction),
    (
        pay::amount_fen,
        pay::central_fen,
        pay::city_fen,
        pay::county_fen,
        pay::status,
        pay::approved_by,
        pay::paid_on,
        pay::voucher_no,
    ),
);

fn from_row(row: Row) -> Result<Payment, RepoError> {
    let ((id, kind, project_id, enterprise_id, provider_id, payee, direction), rest) = row;
    let (amount, central, city, county, status, approved_by, paid_on, voucher_no) = rest;
    Ok(Payment {
        kind: PaymentKind::from_code(&kind).ok_or_else(|| corrupt(format!("payments.id={id}: kind {kind:?}")))?,
        direction: match direction.as_str() {
            "out" => Direction::Out,
            "in" => Direction::In,
            other => return Err(corrupt(format!("payments.id={id}: direction {other:?}"))),
        },
        status: PaymentStatus::from_code(&status)
            .ok_or_else(|| corrupt(format!("payments.id={id}: status {status:?}")))?,
        id,
        project_id,
        enterprise_id,
        provider_id,
        payee,
        amount: Money::from_fen(amount),
        central: Money::from_fen(central),
        city: Money::from_fen(city),
        county: Money::from_fen(county),
        approved_by,
        paid_on,
        voucher_no,
    })
}

/// Who an instruction concerns.
pub struct Party<'a> {
    pub project_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    pub county: Option<County>,
    pub payee: &'a str,
}

/// Record an instruction the rules made due (status `pending`).
pub fn create(conn: &mut DbConn, due: &Due, party: &Party, now: NaiveDateTime) -> Result<Payment, RepoError> {
    let id: i64 = diesel::insert_into(pay::table)
        .values((
            (
                pay::kind.eq(due.kind.code()),
                pay::project_id.eq(party.project_id),
                pay::enterprise_id.eq(party.enterprise_id),
                pay::provider_id.eq(party.provider_id),
                pay::county.eq(party.county.map(County::code)),
                pay::payee.eq(party.payee),
                pay::direction.eq(due.kind.direction().code()),
            ),
            (
                pay::amount_fen.eq(due.amount.to_fen()),
                pay::central_fen.eq(due.funds.central.to_fen()),
                pay::city_fen.eq(due.funds.city.to_fen()),
                pay::county_fen.eq(due.funds.county.to_fen()),
                pay::status.eq(PaymentStatus::Pending.code()),
                pay::created_at.eq(now),
            ),
        ))
        .returning(pay::id)
        .get_result(conn)?;
    find(conn, id)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Payment, RepoError> {
    from_row(pay::table.find(id).select(COLUMNS).first::<Row>(conn)?)
}

pub fn get(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Payment, RepoError> {
    from_row(scope::payments(caller).filter(pay::id.eq(id)).select(COLUMNS).first::<Row>(conn)?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<PaymentStatus>,
    pub kind: Option<PaymentKind>,
    pub project_id: Option<i64>,
}

fn filtered(caller: &Caller, f: &Filter) -> pay::BoxedQuery<'static, scope::Backend> {
    let mut q = scope::payments(caller);
    if let Some(s) = f.status {
        q = q.filter(pay::status.eq(s.code()));
    }
    if let Some(k) = f.kind {
        q = q.filter(pay::kind.eq(k.code()));
    }
    if let Some(p) = f.project_id {
        q = q.filter(pay::project_id.eq(p));
    }
    q
}

pub fn list(conn: &mut DbConn, caller: &Caller, f: &Filter, paging: Paging) -> Result<(Vec<Payment>, i64), RepoError> {
    let total = count(conn, caller, f)?;
    let rows = filtered(caller, f)
        .order(pay::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(COLUMNS)
        .load::<Row>(conn)?;
    Ok((rows.into_iter().map(from_row).collect::<Result<_, _>>()?, total))
}

/// Every instruction of the caller's scope that passes the filter, newest first — at most `cap` (an
/// export; the caller counts first with [`count`] and refuses more).
pub fn list_all(conn: &mut DbConn, caller: &Caller, f: &Filter, cap: i64) -> Result<Vec<Payment>, RepoError> {
    let rows = filtered(caller, f).order(pay::id.desc()).limit(cap).select(COLUMNS).load::<Row>(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// How many instructions of the caller's scope pass the filter. When the scope and the filter are
/// unions of whole `payment_totals` rows (city, finance or a county; status and kind), the running
/// totals answer — the same number, kept in the same transactions — without counting every
/// instruction (issue 14); otherwise the rows are counted.
pub fn count(conn: &mut DbConn, caller: &Caller, f: &Filter) -> Result<i64, RepoError> {
    use crate::db::schema::payment_totals as t;
    if f.project_id.is_none() {
        let mut totals = t::table
            .select(diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(instructions), 0) AS BIGINT)"))
            .into_boxed();
        if let Some(s) = f.status {
            totals = totals.filter(t::status.eq(s.code()));
        }
        if let Some(k) = f.kind {
            totals = totals.filter(t::kind.eq(k.code()));
        }
        if let Some(scoped) = crate::scope_payment_totals!(totals, caller) {
            return Ok(scoped.get_result(conn)?);
        }
    }
    Ok(filtered(caller, f).count().get_result(conn)?)
}

/// `pending → approved`. Conditional on the status, so of two concurrent approvals exactly one
/// updates a row; the other gets `Stale` (→ 409).
pub fn approve(conn: &mut DbConn, id: i64, by: i64, now: NaiveDateTime) -> Result<Payment, RepoError> {
    let n = diesel::update(pay::table.filter(pay::id.eq(id)).filter(pay::status.eq(PaymentStatus::Pending.code())))
        .set((pay::status.eq(PaymentStatus::Approved.code()), pay::approved_by.eq(by), pay::approved_at.eq(now)))
        .execute(conn)?;
    if n == 0 {
        return Err(RepoError::Stale);
    }
    find(conn, id)
}

/// `approved → paid`, with the date and voucher. Conditional like [`approve`].
pub fn execute(
    conn: &mut DbConn,
    id: i64,
    by: i64,
    paid_on: NaiveDate,
    voucher_no: &str,
    now: NaiveDateTime,
) -> Result<Payment, RepoError> {
    let n = diesel::update(pay::table.filter(pay::id.eq(id)).filter(pay::status.eq(PaymentStatus::Approved.code())))
        .set((
            pay::status.eq(PaymentStatus::Paid.code()),
            pay::paid_on.eq(paid_on),
            pay::voucher_no.eq(voucher_no),
            pay::executed_by.eq(by),
            pay::executed_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(RepoError::Stale);
    }
    find(conn, id)
}

/// A project's open (pending or approved) instructions.
pub fn open_of_project(conn: &mut DbConn, project_id: i64) -> Result<Vec<Payment>, RepoError> {
    let rows = pay::table
        .filter(pay::project_id.eq(project_id))
        .filter(pay::status.eq_any([PaymentStatus::Pending.code(), PaymentStatus::Approved.code()]))
        .select(COLUMNS)
        .load::<Row>(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// Cancel a project's open (pending or approved) instructions; they are kept, marked `cancelled`.
pub fn cancel_open(conn: &mut DbConn, project_id: i64, now: NaiveDateTime) -> Result<usize, RepoError> {
    Ok(diesel::update(
        pay::table
            .filter(pay::project_id.eq(project_id))
            .filter(pay::status.eq_any([PaymentStatus::Pending.code(), PaymentStatus::Approved.code()])),
    )
    .set((pay::status.eq(PaymentStatus::Cancelled.code()), pay::cancelled_at.eq(now)))
    .execute(conn)?)
}

/// (project, kind, amount) of every paid instruction of the projects given.
pub fn paid(conn: &mut DbConn, project_ids: &[i64]) -> Result<Vec<(i64, PaymentKind, Money)>, RepoError> {
    let rows: Vec<(Option<i64>, String, i64)> = pay::table
        .filter(pay::project_id.eq_any(project_ids))
        .filter(pay::status.eq(PaymentStatus::Paid.code()))
        .select((pay::project_id, pay::kind, pay::amount_fen))
        .load(conn)?;
    rows.into_iter()
        .filter_map(|(p, k, fen)| p.map(|p| (p, k, fen)))
        .map(|(p, k, fen)| {
            let kind = PaymentKind::from_code(&k).ok_or_else(|| corrupt(format!("payments: kind {k:?}")))?;
            Ok((p, kind, Money::from_fen(fen)))
        })
        .collect()
}
