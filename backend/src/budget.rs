//! What each pool (central, city, each county) has drawn, kept in `fund_usage` in the same
//! transaction as every write that moves it, and refused when a pool with a budget would go over
//! (409 `budget_exceeded`: the transaction rolls back, nothing changes). SPEC §7b.
//!
//! - A retrofit project draws its commitment (the planned subsidy split at the city's approval) while
//!   live, then what its instructions say ([`budget::project_draw`]); [`sync_project`] recomputes a
//!   project's draw from its rows and applies the difference. Every handler that moves a project or
//!   its money calls it.
//! - A diagnosis, cloud or award instruction draws its parts on the `other` share when created
//!   ([`draw`]); cancelling it releases them.
//!
//! Locking: each pool and share has one `fund_usage` row from the start (migration 000014), and a
//! draw is an `UPDATE … SET used_fen = used_fen + Δ` followed by the check. On PostgreSQL the update
//! locks the row until commit and a concurrent draw waits, then adds to the committed figure; on
//! SQLite writes are serialised by `BEGIN IMMEDIATE`. So two draws can never both pass the check on
//! the same remainder.

use std::collections::BTreeMap;

use diesel::prelude::*;
use dtpilot_domain::PolicyProfile;
use dtpilot_domain::budget::{self, Fund, PoolUse, Share};
use dtpilot_domain::ledger::{PaymentKind, PaymentStatus};
use dtpilot_domain::money::Money;
use dtpilot_domain::reference::County;
use dtpilot_domain::rules::{self, FundSplit};
use dtpilot_domain::state::ProjectState;

use crate::db::schema::{budgets as b, fund_usage as u, payments as pay, project_commitments as pc};
use crate::db::{DbConn, RepoError};
use crate::error::ApiError;
use crate::repo::{enterprises, projects};

/// The states in which an approved project holds its commitment.
pub fn is_live(s: ProjectState) -> bool {
    matches!(
        s,
        ProjectState::Approved
            | ProjectState::InNotice
            | ProjectState::Cleared
            | ProjectState::InProgress
            | ProjectState::AwaitingAcceptance
            | ProjectState::Accepted
    )
}

fn zero() -> FundSplit {
    FundSplit { central: Money::ZERO, city: Money::ZERO, county: Money::ZERO }
}

fn minus(a: FundSplit, b: FundSplit) -> FundSplit {
    FundSplit { central: a.central - b.central, city: a.city - b.city, county: a.county - b.county }
}

/// The name of a pool as the bureaus say it.
pub fn pool_name(fund: Fund, county: &str) -> String {
    match (fund, County::from_code(county)) {
        (Fund::County, Some(c)) => format!("{}{}", c.name_zh(), Fund::County.name_zh()),
        _ => fund.name_zh().to_string(),
    }
}

/// A pool's budget and use, `None` when it has no budget.
pub fn pool_use(c: &mut DbConn, fund: Fund, county: &str) -> Result<Option<PoolUse>, RepoError> {
    let budget: Option<(i64, Option<i64>)> = b::table
        .filter(b::fund.eq(fund.code()))
        .filter(b::county.eq(county))
        .select((b::amount_fen, b::retrofit_amount_fen))
        .first(c)
        .optional()?;
    let Some((amount, retrofit)) = budget else { return Ok(None) };
    let used: Vec<(String, i64)> = u::table
        .filter(u::fund.eq(fund.code()))
        .filter(u::county.eq(county))
        .select((u::share, u::used_fen))
        .load(c)?;
    let of =
        |share: Share| Money::from_fen(used.iter().filter(|(s, _)| s == share.code()).map(|(_, f)| *f).sum::<i64>());
    Ok(Some(PoolUse {
        amount: Money::from_fen(amount),
        retrofit_amount: retrofit.map(Money::from_fen),
        used_retrofit: of(Share::Retrofit),
        used_other: of(Share::Other),
    }))
}

/// 409 `budget_exceeded`.
pub fn exceeded(fund: Fund, county: &str, pool: &PoolUse) -> ApiError {
    ApiError::Conflict {
        code: "budget_exceeded",
        detail: format!(
            "{}预算不足:预算 {} 元,已占用 {} 元(改造补助 {} 元,其他 {} 元)",
            pool_name(fund, county),
            pool.amount,
            pool.used(),
            pool.used_retrofit,
            pool.used_other
        ),
    }
}

/// Add `parts` (negative: release) to the pools' `share`, the county part to `county`'s pool; refuse
/// with 409 `budget_exceeded` where a part grew and its pool has a budget it now exceeds.
pub fn draw(c: &mut DbConn, share: Share, parts: FundSplit, county: Option<County>) -> Result<(), ApiError> {
    let county_code = county.map_or("", County::code);
    for (fund, pool_county, delta) in
        [(Fund::Central, "", parts.central), (Fund::City, "", parts.city), (Fund::County, county_code, parts.county)]
    {
        if delta.is_zero() {
            continue;
        }
        if fund == Fund::County && pool_county.is_empty() {
            return Err(ApiError::internal("a county part without a county"));
        }
        let n = diesel::update(
            u::table
                .filter(u::fund.eq(fund.code()))
                .filter(u::county.eq(pool_county))
                .filter(u::share.eq(share.code())),
        )
        .set(u::used_fen.eq(u::used_fen + delta.to_fen()))
        .execute(c)?;
        if n != 1 {
            return Err(ApiError::internal(format!("fund_usage has no row for {} {pool_county:?}", fund.code())));
        }
        if delta.is_positive()
            && let Some(pool) = pool_use(c, fund, pool_county)?
            && pool.is_over()
        {
            return Err(exceeded(fund, pool_county, &pool));
        }
    }
    Ok(())
}

/// Lock the pool's usage rows (an update by 0) so that a budget is checked against a figure no one
/// else is moving (PostgreSQL; SQLite is serialised anyway).
pub fn lock_pool(c: &mut DbConn, fund: Fund, county: &str) -> Result<(), RepoError> {
    diesel::update(u::table.filter(u::fund.eq(fund.code())).filter(u::county.eq(county)))
        .set(u::used_fen.eq(u::used_fen + 0_i64))
        .execute(c)?;
    Ok(())
}

/// The parts of a project's retrofit instructions: out-going not cancelled, recoveries received.
fn instructed(c: &mut DbConn, project_id: i64) -> Result<(FundSplit, FundSplit), RepoError> {
    let rows: Vec<(String, String, i64, i64, i64)> = pay::table
        .filter(pay::project_id.eq(project_id))
        .filter(pay::kind.eq_any([
            PaymentKind::Prepayment.code(),
            PaymentKind::Balance.code(),
            PaymentKind::Recovery.code(),
        ]))
        .select((pay::kind, pay::status, pay::central_fen, pay::city_fen, pay::county_fen))
        .load(c)?;
    let (mut out, mut rec) = (zero(), zero());
    for (kind, status, central, city, county) in rows {
        let parts = FundSplit {
            central: Money::from_fen(central),
            city: Money::from_fen(city),
            county: Money::from_fen(county),
        };
        let target = if kind == PaymentKind::Recovery.code() {
            if status != PaymentStatus::Paid.code() {
                continue;
            }
            &mut rec
        } else {
            if status == PaymentStatus::Cancelled.code() {
                continue;
            }
            &mut out
        };
        target.central += parts.central;
        target.city += parts.city;
        target.county += parts.county;
    }
    Ok((out, rec))
}

type CommitmentRow = (String, i64, i64, i64, i64, i64, i64);

/// Recompute what `project_id` draws on the funds and apply the difference: the city's approval
/// commits its planned subsidy (split per R8/R14), later states and instructions move it (see
/// [`budget::project_draw`]). Refused with 409 `budget_exceeded` when the draw grows over a budget.
pub fn sync_project(c: &mut DbConn, p: &PolicyProfile, project_id: i64) -> Result<(), ApiError> {
    let project = projects::find(c, project_id)?;
    let live = is_live(project.status);
    let row: Option<CommitmentRow> = pc::table
        .find(project_id)
        .select((
            pc::county,
            pc::committed_central_fen,
            pc::committed_city_fen,
            pc::committed_county_fen,
            pc::central_fen,
            pc::city_fen,
            pc::county_fen,
        ))
        .first(c)
        .optional()?;
    let (committed, old) = match row {
        Some((_, cc, ci, co, c0, c1, c2)) => (
            FundSplit { central: Money::from_fen(cc), city: Money::from_fen(ci), county: Money::from_fen(co) },
            FundSplit { central: Money::from_fen(c0), city: Money::from_fen(c1), county: Money::from_fen(c2) },
        ),
        // First seen: approved now, or (filling a database from before budgets) already
        // finished with instructions.
        None if live || instructed(c, project_id)? != (zero(), zero()) => {
            let e = enterprises::find(c, project.enterprise_id)?;
            let s = rules::fund_split(p, project.planned_subsidy, e.central_fund_excluded);
            diesel::insert_into(pc::table)
                .values((
                    pc::project_id.eq(project_id),
                    pc::county.eq(project.county.code()),
                    pc::committed_central_fen.eq(s.central.to_fen()),
                    pc::committed_city_fen.eq(s.city.to_fen()),
                    pc::committed_county_fen.eq(s.county.to_fen()),
                    pc::central_fen.eq(0_i64),
                    pc::city_fen.eq(0_i64),
                    pc::county_fen.eq(0_i64),
                ))
                .execute(c)?;
            (s, zero())
        }
        None => return Ok(()),
    };
    let (out, rec) = instructed(c, project_id)?;
    let now = budget::project_draw(live, committed, out, rec);
    if now == old {
        return Ok(());
    }
    diesel::update(pc::table.find(project_id))
        .set((
            pc::central_fen.eq(now.central.to_fen()),
            pc::city_fen.eq(now.city.to_fen()),
            pc::county_fen.eq(now.county.to_fen()),
        ))
        .execute(c)?;
    draw(c, Share::Retrofit, minus(now, old), Some(project.county))
}

/// The usage of every pool and share as stored: `(fund, county, share) → fen`.
pub fn stored_usage(c: &mut DbConn) -> Result<BTreeMap<(String, String, String), i64>, RepoError> {
    let rows: Vec<(String, String, String, i64)> =
        u::table.select((u::fund, u::county, u::share, u::used_fen)).load(c)?;
    Ok(rows.into_iter().map(|(f, co, s, n)| ((f, co, s), n)).collect())
}

/// The usage recomputed from the records (the invariant the tests check against [`stored_usage`]):
/// every project from its state, planned subsidy and instructions, every other instruction that is
/// not cancelled. Projects' commitments are split with the enterprise's current R8 flag.
pub fn recomputed_usage(
    c: &mut DbConn,
    p: &PolicyProfile,
) -> Result<BTreeMap<(String, String, String), i64>, ApiError> {
    let mut out: BTreeMap<(String, String, String), i64> = stored_usage(c)?.into_keys().map(|k| (k, 0)).collect();
    let mut add = |fund: Fund, county: &str, share: Share, m: Money| {
        *out.entry((fund.code().into(), county.into(), share.code().into())).or_default() += m.to_fen();
    };
    use crate::db::schema::projects as pr;
    let live: Vec<&str> = ProjectState::ALL.iter().filter(|s| is_live(**s)).map(|s| s.code()).collect();
    let mut ids: Vec<i64> = pr::table.filter(pr::status.eq_any(live)).select(pr::id).load(c)?;
    let paid_for: Vec<Option<i64>> =
        pay::table.filter(pay::project_id.is_not_null()).select(pay::project_id).distinct().load(c)?;
    ids.extend(paid_for.into_iter().flatten());
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let project = projects::find(c, id)?;
        let e = enterprises::find(c, project.enterprise_id)?;
        let committed = rules::fund_split(p, project.planned_subsidy, e.central_fund_excluded);
        let (o, r) = instructed(c, id)?;
        let d = budget::project_draw(is_live(project.status), committed, o, r);
        add(Fund::Central, "", Share::Retrofit, d.central);
        add(Fund::City, "", Share::Retrofit, d.city);
        add(Fund::County, project.county.code(), Share::Retrofit, d.county);
    }
    let others: Vec<(Option<String>, i64, i64, i64)> = pay::table
        .filter(pay::kind.eq_any([PaymentKind::Diagnosis.code(), PaymentKind::Cloud.code(), PaymentKind::Award.code()]))
        .filter(pay::status.ne(PaymentStatus::Cancelled.code()))
        .select((pay::county, pay::central_fen, pay::city_fen, pay::county_fen))
        .load(c)?;
    for (county, central, city, county_fen) in others {
        add(Fund::Central, "", Share::Other, Money::from_fen(central));
        add(Fund::City, "", Share::Other, Money::from_fen(city));
        if county_fen != 0 {
            add(Fund::County, county.as_deref().unwrap_or(""), Share::Other, Money::from_fen(county_fen));
        }
    }
    Ok(out)
}

/// A database migrated to `…_ledger_budgets` with projects already approved (or paid) has no
/// commitments yet: compute every such project's draw once, from its rows ([`sync_project`]), so
/// the pools start right. Nothing to do when any commitment exists (they are kept from then on)
/// or no project was approved. Budgets are set after this, so nothing can be refused here.
pub fn fill_commitments(c: &mut DbConn, p: &PolicyProfile) -> Result<usize, ApiError> {
    use crate::db::schema::projects as pr;
    let kept = diesel::select(diesel::dsl::exists(pc::table.select(pc::project_id))).get_result::<bool>(c)?;
    if kept {
        return Ok(0);
    }
    let live: Vec<&str> = ProjectState::ALL.iter().filter(|s| is_live(**s)).map(|s| s.code()).collect();
    let mut ids: Vec<i64> = pr::table.filter(pr::status.eq_any(live)).select(pr::id).load(c)?;
    let paid_for: Vec<Option<i64>> =
        pay::table.filter(pay::project_id.is_not_null()).select(pay::project_id).distinct().load(c)?;
    ids.extend(paid_for.into_iter().flatten());
    ids.sort_unstable();
    ids.dedup();
    for &id in &ids {
        sync_project(c, p, id)?;
    }
    Ok(ids.len())
}
