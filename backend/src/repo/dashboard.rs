//! Aggregates for the dashboard, computed in SQL over the caller's scope (grouped counts and sums;
//! no row-by-row loading). City-, finance-, county- and evaluator-wide figures come from the
//! running totals the database keeps in step with every write (`project_totals`,
//! `project_level_totals`, `enterprise_totals`, `batch_member_totals`, `payment_totals`: at most a
//! few thousand rows however many projects there are); the enterprise's and the provider's, whose
//! scopes are finer than a totals row, are aggregated from their own rows. `crate::scope` says
//! which applies.

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::auth::Caller;
use crate::db::schema::{
    batch_member_totals as tb, enterprise_totals as te, enterprises as e, payment_totals as tpay, payments as pay,
    project_level_totals as tl, project_totals as tp, projects as p, providers,
};
use crate::db::{DbConn, RepoError};
use crate::scope;

/// The states that passed acceptance.
const PASSED: [&str; 2] = ["accepted", "settled"];

/// (county, industry, batch, status, projects, planned subsidy fen, final subsidy fen).
pub type ProjectGroup = (String, String, i64, String, i64, i64, i64);

pub fn project_groups(conn: &mut DbConn, caller: &Caller) -> Result<Vec<ProjectGroup>, RepoError> {
    // The totals are kept at this very grain: no grouping left to do.
    let totals = tp::table
        .filter(tp::project_count.gt(0))
        .select((
            tp::county,
            tp::industry,
            tp::batch_id,
            tp::status,
            tp::project_count,
            tp::planned_subsidy_fen,
            tp::final_subsidy_fen,
        ))
        .into_boxed();
    if let Some(q) = crate::scope_project_totals!(totals, caller, project_totals) {
        return Ok(q.load(conn)?);
    }
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
    let totals =
        te::table.filter(te::enterprises.gt(0)).select((te::county, te::industry, te::enterprises)).into_boxed();
    if let Some(q) = crate::scope_enterprise_totals!(totals, caller, enterprise_totals) {
        return Ok(q.load(conn)?);
    }
    let grouped =
        e::table.group_by((e::county, e::industry)).select((e::county, e::industry, count_star())).into_boxed();
    Ok(crate::scope_enterprises!(grouped, caller).load(conn)?)
}

/// Counts for the targets of 附件1 over the projects in scope that passed acceptance:
/// (above designated size, achieved level, projects).
pub fn accepted_by_size_and_level(conn: &mut DbConn, caller: &Caller) -> Result<Vec<(bool, i64, i64)>, RepoError> {
    let totals = tl::table
        .filter(tl::status.eq_any(PASSED))
        .filter(tl::project_count.gt(0))
        .group_by((tl::above_designated_size, tl::achieved_level))
        .select((tl::above_designated_size, tl::achieved_level, sql::<BigInt>("CAST(SUM(project_count) AS BIGINT)")))
        .into_boxed();
    if let Some(q) = crate::scope_project_totals!(totals, caller, project_level_totals) {
        return Ok(q.load(conn)?);
    }
    // Grouped in SQL like the other aggregates (joined, grouped, boxed, then scoped).
    let grouped = p::table
        .inner_join(e::table)
        .filter(p::status.eq_any(PASSED))
        .filter(p::achieved_level.is_not_null())
        .group_by((e::above_designated_size, p::achieved_level))
        .select((e::above_designated_size, p::achieved_level.assume_not_null(), count_star()))
        .into_boxed();
    Ok(crate::scope_projects!(grouped, caller).load(conn)?)
}

/// 小巨人 enterprises in scope that are in a batch (each looked up among the members: there are a
/// few hundred of them, against a member row per enterprise and batch). `TRUE` is written into the
/// SQL, not bound: PostgreSQL's generic plan for `is_little_giant = $1` assumes half the
/// enterprises match and hashes every member row instead (45 ms at 100,000 projects, not 1 ms).
pub fn little_giants_in_programme(conn: &mut DbConn, caller: &Caller) -> Result<i64, RepoError> {
    use crate::db::schema::batch_enterprises as be;
    Ok(scope::enterprises(caller)
        .filter(e::is_little_giant.eq(sql::<diesel::sql_types::Bool>("TRUE")))
        .filter(diesel::dsl::exists(be::table.filter(be::enterprise_id.eq(e::id))))
        .count()
        .get_result(conn)?)
}

pub fn active_providers(conn: &mut DbConn) -> Result<i64, RepoError> {
    Ok(providers::table.filter(providers::status.eq("active")).count().get_result(conn)?)
}

/// (kind, status, central, city, county, total) fen of the payments in scope.
pub type PaymentGroup = (String, String, i64, i64, i64, i64);

pub fn payment_groups(conn: &mut DbConn, caller: &Caller) -> Result<Vec<PaymentGroup>, RepoError> {
    let totals = tpay::table
        .filter(tpay::instructions.gt(0))
        .group_by((tpay::kind, tpay::status))
        .select((
            tpay::kind,
            tpay::status,
            sql::<BigInt>("CAST(SUM(central_fen) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(city_fen) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(county_fen) AS BIGINT)"),
            sql::<BigInt>("CAST(SUM(amount_fen) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(q) = crate::scope_payment_totals!(totals, caller) {
        return Ok(q.load(conn)?);
    }
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
    let totals = tb::table
        .filter(tb::enterprises.gt(0))
        .group_by(tb::batch_id)
        .select((tb::batch_id, sql::<BigInt>("CAST(SUM(enterprises) AS BIGINT)")))
        .into_boxed();
    if let Some(q) = crate::scope_enterprise_totals!(totals, caller, batch_member_totals) {
        return Ok(q.load(conn)?);
    }
    let grouped =
        e::table.inner_join(be::table).group_by(be::batch_id).select((be::batch_id, count_star())).into_boxed();
    Ok(crate::scope_enterprises!(grouped, caller).load(conn)?)
}

/// R11: enterprises in scope granted a cloud subsidy (附件1 上云用云).
pub fn enterprises_on_cloud(conn: &mut DbConn, caller: &Caller) -> Result<i64, RepoError> {
    use crate::db::schema::cloud_fees as cf;
    Ok(scope::enterprises(caller).filter(e::id.eq_any(cf::table.select(cf::enterprise_id))).count().get_result(conn)?)
}

/// R12: awards of `kind` — city and finance all of them; others those to enterprises in scope.
pub fn awards_of(
    conn: &mut DbConn,
    caller: &Caller,
    kind: dtpilot_domain::policy::AwardKind,
) -> Result<i64, RepoError> {
    use dtpilot_domain::state::Role;

    use crate::db::schema::awards as aw;
    let of_kind = aw::table.filter(aw::kind.eq(kind.key()));
    if matches!(caller.role, Role::City | Role::Finance) {
        return Ok(of_kind.count().get_result(conn)?);
    }
    let recipients: Vec<Option<i64>> = of_kind.select(aw::enterprise_id).load(conn)?;
    let ids: Vec<i64> = recipients.into_iter().flatten().collect();
    let visible: Vec<i64> = scope::enterprises(caller).filter(e::id.eq_any(&ids)).select(e::id).load(conn)?;
    Ok(ids.iter().filter(|id| visible.contains(id)).count() as i64)
}
