//! `GET /dashboard` (scoped): the programme's targets (实施方案 附件1) against the records, by
//! county, industry and batch, and the money by fund — each figure over the caller's scope.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use dtpilot_api_types::dashboard::{BreakdownRow, DashboardView, FundTotals, FundsSummary, TargetView};
use dtpilot_domain::Money;
use dtpilot_domain::policy::{AwardKind, TargetMeasure};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::state::Role;

use crate::app::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::repo::{batches, dashboard as q};

const PASSED: [&str; 2] = ["accepted", "settled"];

fn row(key: String, name: String) -> BreakdownRow {
    BreakdownRow {
        key,
        name,
        enterprises: 0,
        projects: 0,
        accepted: 0,
        planned_subsidy: Money::ZERO,
        final_subsidy: Money::ZERO,
    }
}

fn add(row: &mut BreakdownRow, g: &q::ProjectGroup) {
    let (_, _, _, status, n, planned, final_fen) = g;
    row.projects += n;
    if PASSED.contains(&status.as_str()) {
        row.accepted += n;
    }
    row.planned_subsidy += Money::from_fen(*planned);
    row.final_subsidy += Money::from_fen(*final_fen);
}

fn totals(groups: &[q::PaymentGroup], kinds_in: bool, statuses: &[&str]) -> FundTotals {
    let mut t = FundTotals { central: Money::ZERO, city: Money::ZERO, county: Money::ZERO, total: Money::ZERO };
    for (kind, status, central, city, county, total) in groups {
        if (kind == "recovery") == kinds_in && statuses.contains(&status.as_str()) {
            t.central += Money::from_fen(*central);
            t.city += Money::from_fen(*city);
            t.county += Money::from_fen(*county);
            t.total += Money::from_fen(*total);
        }
    }
    t
}

/// 实施方案 附件1: each target against the records over the caller's scope (the dashboard and the
/// 周调度 / 月通报 show the same lines).
pub fn targets(
    conn: &mut crate::db::DbConn,
    caller: &Caller,
    profile: &dtpilot_domain::PolicyProfile,
) -> Result<Vec<TargetView>, ApiError> {
    let accepted = q::accepted_by_size_and_level(conn, caller)?;
    let count = |f: &dyn Fn(bool, i64) -> bool| -> i64 {
        accepted.iter().filter(|(above, level, _)| f(*above, *level)).map(|(_, _, n)| n).sum()
    };
    let mut targets = Vec::new();
    for t in &profile.targets {
        let actual = match t.actual {
            TargetMeasure::AcceptedAboveSize => Some(count(&|above, _| above)),
            TargetMeasure::AcceptedBelowSize => Some(count(&|above, _| !above)),
            TargetMeasure::Level2AboveSize => Some(count(&|above, l| above && l >= 2)),
            TargetMeasure::Level2BelowSize => Some(count(&|above, l| !above && l >= 2)),
            TargetMeasure::Level4 => Some(count(&|_, l| l == 4)),
            TargetMeasure::LittleGiantsInProgramme => Some(q::little_giants_in_programme(conn, caller)?),
            TargetMeasure::ActiveProviders => Some(q::active_providers(conn)?),
            TargetMeasure::OnCloud => Some(q::enterprises_on_cloud(conn, caller)?),
            TargetMeasure::DigitalWorkshopAwards => Some(q::awards_of(conn, caller, AwardKind::DigitalWorkshop)?),
            TargetMeasure::ChainCaseAwards => Some(q::awards_of(conn, caller, AwardKind::ChainCase)?),
            TargetMeasure::CollectedCaseAwards => Some(q::awards_of(conn, caller, AwardKind::CollectedCase)?),
            TargetMeasure::ApprovedProducts => Some(crate::repo::catalogue::approved_products(conn)?),
            TargetMeasure::None => None,
        };
        targets.push(TargetView {
            key: t.key.clone(),
            name: t.name.clone(),
            target: t.value,
            actual,
            source: t.source.clone(),
        });
    }
    Ok(targets)
}

/// Annex 1 targets against the records; by county, industry and batch; funds budgeted, committed,
/// paid and recovered — each over the caller's scope.
#[utoipa::path(
    get,
    path = "/api/v1/dashboard",
    tag = "dashboard",
    responses((status = 200, description = "看板", body = DashboardView))
)]
pub async fn get_dashboard(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let st = state.clone();
    let view = state
        .db(move |conn| {
            let projects = q::project_groups(conn, &caller)?;
            let enterprises = q::enterprise_groups(conn, &caller)?;
            let payments = q::payment_groups(conn, &caller)?;
            let batch_names = batches::names(conn)?;
            let targets = targets(conn, &caller, &st.profile)?;

            let mut by_status = BTreeMap::new();
            let mut by_county: Vec<BreakdownRow> =
                County::ALL.iter().map(|c| row(c.code().into(), c.name_zh().into())).collect();
            let mut by_industry: Vec<BreakdownRow> =
                Industry::ALL.iter().map(|i| row(i.code().into(), i.name_zh().into())).collect();
            let mut by_batch: Vec<BreakdownRow> =
                batch_names.into_iter().map(|(id, name)| row(id.to_string(), name)).collect();
            for g in &projects {
                *by_status.entry(g.3.clone()).or_insert(0) += g.4;
                if let Some(r) = by_county.iter_mut().find(|r| r.key == g.0) {
                    add(r, g);
                }
                if let Some(r) = by_industry.iter_mut().find(|r| r.key == g.1) {
                    add(r, g);
                }
                if let Some(r) = by_batch.iter_mut().find(|r| r.key == g.2.to_string()) {
                    add(r, g);
                }
            }
            for (county, industry, n) in &enterprises {
                if let Some(r) = by_county.iter_mut().find(|r| &r.key == county) {
                    r.enterprises += n;
                }
                if let Some(r) = by_industry.iter_mut().find(|r| &r.key == industry) {
                    r.enterprises += n;
                }
            }
            for (batch, n) in q::batch_members(conn, &caller)? {
                if let Some(r) = by_batch.iter_mut().find(|r| r.key == batch.to_string()) {
                    r.enterprises = n;
                }
            }
            // Budgets (SPEC §7b): city and finance see every pool, a county the central, city and
            // its own; the others none.
            let budgets = match (caller.role, caller.county) {
                (Role::City | Role::Finance, _) => crate::routes::ledger::budget_views(conn, None)?,
                (Role::County, Some(county)) => crate::routes::ledger::budget_views(conn, Some(county))?,
                _ => Vec::new(),
            };
            let budgeted = (!budgets.is_empty()).then(|| budgets.iter().map(|b| b.amount).sum::<Money>());
            Ok(DashboardView {
                policy: st.profile_label(),
                targets,
                projects_by_status: by_status,
                by_county,
                by_industry,
                by_batch,
                funds: FundsSummary {
                    budget_note: if budgeted.is_some() { String::new() } else { "未设预算".into() },
                    budgeted,
                    budgets,
                    awaiting_payment: totals(&payments, false, &["pending", "approved"]),
                    paid: totals(&payments, false, &["paid"]),
                    awaiting_recovery: totals(&payments, true, &["pending", "approved"]),
                    recovered: totals(&payments, true, &["paid"]),
                },
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
