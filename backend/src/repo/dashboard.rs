//! Aggregates for the dashboard, computed in SQL over the caller's scope (grouped counts and sums;
//! no row-by-row loading).

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::auth::Caller;
use crate::db::schema::{enterprises as e, payments as pay, projects as p, providers};
use crate::db::{DbConn, RepoError};
use crate::scope;

/// (county, industry, batch, status, projects, planned subsidy fen, final subsidy fen).
pub type ProjectGroup = (String, String, i64, String, i64, i64, i64);

pub fn project_groups(conn: &mut DbConn, caller: &Caller) -> Result<Vec<ProjectGroup>, RepoError> {
    // Grouped, then boxed, then scoped (a boxed query cannot be grouped afterwards).
    let grouped = p::table
        .group_by((p::county, p::industry, p::batch_id, p::status))
        .select((
            p::county,
            p::industry,
            p::batch_id,
            p::status,
            count_star(),
            sql::<BigInt>("CAST(COALESCE(SUM(planned_subsidy_fen), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(final_subsidy_fen), 0) AS BIGINT)"),
        ))
        .into_boxed();
    Ok(crate::scope_projects!(grouped, caller).load(conn)?)
}

/// (county, industry, enterprises) of the enterprises in scope.
pub fn enterprise_groups(conn: &mut DbConn, caller: &Caller) -> Result<Vec<(String, String, i64)>, RepoError> {
    let grouped =
        e::table.group_by((e::county, e::industry)).select((e::county, e::industry, count_star())).into_boxed();
    Ok(crate::scope_enterprises!(grouped, caller).load(conn)?)
}

/// Counts for the targets of 附件1 over the projects in scope that passed acceptance:
/// (above designated size, achieved level, enterprises).
pub fn accepted_by_size_and_level(conn: &mut DbConn, caller: &Caller) -> Result<Vec<(bool, i64, i64)>, RepoError> {
    // Grouped in SQL like the other aggregates (joined, grouped, boxed, then scoped).
    let grouped = p::table
        .inner_join(e::table)
        .filter(p::status.eq_any(["accepted", "settled"]))
        .filter(p::achieved_level.is_not_null())
        .group_by((e::above_designated_size, p::achieved_level))
        .select((e::above_designated_size, p::achieved_level.assume_not_null(), count_star()))
        .into_boxed();
    Ok(crate::scope_projects!(grouped, caller).load(conn)?)
}

/// 小巨人 enterprises in scope that are in a batch.
pub fn little_giants_in_programme(conn: &mut DbConn, caller: &Caller) -> Result<i64, RepoError> {
    use crate::db::schema::batch_enterprises as be;
    Ok(scope::enterprises(caller)
        .filter(e::is_little_giant.eq(true))
        .filter(e::id.eq_any(be::table.select(be::enterprise_id)))
        .count()
        .get_result(conn)?)
}

pub fn active_providers(conn: &mut DbConn) -> Result<i64, RepoError> {
    Ok(providers::table.filter(providers::status.eq("active")).count().get_result(conn)?)
}

/// (kind, status, central, city, county, total) fen of the payments in scope.
pub type PaymentGroup = (String, String, i64, i64, i64, i64);

pub fn payment_groups(conn: &mut DbConn, caller: &Caller) -> Result<Vec<PaymentGroup>, RepoError> {
    let grouped = pay::table
        .group_by((pay::kind, pay::status))
        .select((
            pay::kind,
            pay::status,
            sql::<BigInt>("CAST(COALESCE(SUM(central_fen), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(city_fen), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(county_fen), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
        ))
        .into_boxed();
    Ok(crate::scope_payments!(grouped, caller).load(conn)?)
}

/// (batch, enterprises in scope that are members).
pub fn batch_members(conn: &mut DbConn, caller: &Caller) -> Result<Vec<(i64, i64)>, RepoError> {
    use crate::db::schema::batch_enterprises as be;
    let grouped =
        e::table.inner_join(be::table).group_by(be::batch_id).select((be::batch_id, count_star())).into_boxed();
    Ok(crate::scope_enterprises!(grouped, caller).load(conn)?)
}
