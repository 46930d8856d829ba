//! Batches (批次) of the programme and their member enterprises.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use dtpilot_api_types::programme::CreateBatchRequest;

use crate::db::schema::{batch_enterprises as be, batch_member_totals as tb, batches as b, enterprises};
use crate::db::{DbConn, RepoError};
use crate::repo::corrupt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub id: i64,
    pub number: u32,
    pub name: String,
    pub diagnosis_due: NaiveDate,
    pub retrofit_due: NaiveDate,
    pub acceptance_start: NaiveDate,
    pub acceptance_end: NaiveDate,
    pub enterprises: i64,
}

type Row = (i64, i64, String, NaiveDate, NaiveDate, NaiveDate, NaiveDate);

const COLUMNS: (b::id, b::number, b::name, b::diagnosis_due, b::retrofit_due, b::acceptance_start, b::acceptance_end) =
    (b::id, b::number, b::name, b::diagnosis_due, b::retrofit_due, b::acceptance_start, b::acceptance_end);

fn from_row(row: Row, enterprises: i64) -> Result<Batch, RepoError> {
    let (id, number, name, diagnosis_due, retrofit_due, acceptance_start, acceptance_end) = row;
    Ok(Batch {
        number: u32::try_from(number).map_err(|_| corrupt(format!("batches.id={id}: number {number}")))?,
        id,
        name,
        diagnosis_due,
        retrofit_due,
        acceptance_start,
        acceptance_end,
        enterprises,
    })
}

/// Insert a validated batch; a taken number is `Conflict("number")`.
pub fn create(conn: &mut DbConn, r: &CreateBatchRequest, now: NaiveDateTime) -> Result<Batch, RepoError> {
    let id: i64 = diesel::insert_into(b::table)
        .values((
            b::number.eq(i64::from(r.number)),
            b::name.eq(r.name.trim()),
            b::diagnosis_due.eq(r.diagnosis_due),
            b::retrofit_due.eq(r.retrofit_due),
            b::acceptance_start.eq(r.acceptance_start),
            b::acceptance_end.eq(r.acceptance_end),
            b::created_at.eq(now),
        ))
        .returning(b::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("number"))?;
    find(conn, id)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Batch, RepoError> {
    let row = b::table.find(id).select(COLUMNS).first::<Row>(conn)?;
    let members = tb::table
        .filter(tb::batch_id.eq(id))
        .select(diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(enterprises), 0) AS BIGINT)"))
        .get_result(conn)?;
    from_row(row, members)
}

/// Every batch (there are a handful) with its member count, in number order. The counts come
/// from the running totals (`batch_member_totals`), not from a row per member.
pub fn list(conn: &mut DbConn) -> Result<Vec<Batch>, RepoError> {
    let rows = b::table.order(b::number.asc()).select(COLUMNS).load::<Row>(conn)?;
    let counts: Vec<(i64, i64)> = tb::table
        .group_by(tb::batch_id)
        .select((tb::batch_id, diesel::dsl::sql::<BigInt>("CAST(SUM(enterprises) AS BIGINT)")))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let n = counts.iter().find(|(id, _)| *id == row.0).map_or(0, |(_, n)| *n);
            from_row(row, n)
        })
        .collect()
}

/// (id, name) of every batch, in number order (what the dashboard labels its rows with).
pub fn names(conn: &mut DbConn) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(b::table.order(b::number.asc()).select((b::id, b::name)).load(conn)?)
}

/// The ids among `ids` that are not enterprises.
pub fn unknown_enterprises(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<i64>, RepoError> {
    let known: Vec<i64> = enterprises::table.filter(enterprises::id.eq_any(ids)).select(enterprises::id).load(conn)?;
    Ok(ids.iter().copied().filter(|id| !known.contains(id)).collect())
}

/// Add enterprises to a batch; returns (added, already members).
pub fn add_members(
    conn: &mut DbConn,
    batch_id: i64,
    ids: &[i64],
    now: NaiveDateTime,
) -> Result<(Vec<i64>, Vec<i64>), RepoError> {
    let existing: Vec<i64> = be::table
        .filter(be::batch_id.eq(batch_id))
        .filter(be::enterprise_id.eq_any(ids))
        .select(be::enterprise_id)
        .load(conn)?;
    let mut added = Vec::new();
    for &id in ids {
        if existing.contains(&id) || added.contains(&id) {
            continue;
        }
        diesel::insert_into(be::table)
            .values((be::batch_id.eq(batch_id), be::enterprise_id.eq(id), be::added_at.eq(now)))
            .execute(conn)?;
        added.push(id);
    }
    let already = ids.iter().copied().filter(|id| existing.contains(id)).collect();
    Ok((added, already))
}
