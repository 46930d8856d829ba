//! The project workflow: every state change goes through [`step`] (the pure transition of
//! `dtpilot_domain::state`, then a conditional update and a history row), and the money a state
//! makes due is recorded by the functions here — all inside the caller's one transaction.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use dtpilot_api_types::FieldError;
use dtpilot_api_types::workflow::{HistoryView, ProjectView, SubsidyView};
use dtpilot_domain::DigitalLevel;
use dtpilot_domain::PolicyProfile;
use dtpilot_domain::deadline;
use dtpilot_domain::eligibility::{self, ApplicantFacts};
use dtpilot_domain::ledger::{self, PaymentKind, ProjectMoney};
use dtpilot_domain::money::Money;
use dtpilot_domain::reference::ExpenseCategory;
use dtpilot_domain::rules::{self, RuleId};
use dtpilot_domain::state::{Action, Actor, ProjectState, TransitionError, transition};
use dtpilot_domain::validation::is_sme;

use crate::audit;
use crate::auth::Caller;
use crate::db::{DbConn, RepoError};
use crate::error::ApiError;
use crate::repo::enterprises::{self, Enterprise};
use crate::repo::payments::{self, Party, Payment};
use crate::repo::projects::{self, Project};

/// "Today" is the date in China Standard Time (UTC+8), SPEC §5.
pub fn today_cst() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

pub fn transition_error(e: TransitionError) -> ApiError {
    match e {
        TransitionError::RoleNotAllowed { .. } => ApiError::Forbidden(e.to_string()),
        TransitionError::NotAllowed { .. } => ApiError::Conflict { code: "invalid_state", detail: e.to_string() },
    }
}

/// One transition of `project` by `who` (`None`: the platform, carrying out what a rule made due):
/// refused with 403/409 as the state machine says (a concurrent change of the same project makes it
/// 409 too), recorded in the history and in the audit log.
pub fn step(
    c: &mut DbConn,
    project: &Project,
    action: Action,
    who: Option<&Caller>,
    comment: &str,
    now: NaiveDateTime,
) -> Result<Project, ApiError> {
    let actor = who.map_or(Actor::Platform, |w| Actor::User(w.role));
    let to = transition(project.status, action, actor).map_err(transition_error)?;
    projects::transition(c, project, to, action, who.map(|w| (w.role, w.user_id)), comment, now).map_err(
        |e| match e {
            RepoError::Stale => ApiError::Conflict {
                code: "invalid_state",
                detail: "项目状态已被他人更新,请刷新后重试".into(),
            },
            other => other.into(),
        },
    )?;
    let name = format!("project.{}", action.code());
    let event = audit::Event::new(&name, "project", project.id)
        .by(who)
        .before(&serde_json::json!({ "status": project.status, "version": project.version }))?
        .after(&serde_json::json!({ "status": to, "comment": comment }))?;
    audit::record(c, event, now)?;
    Ok(projects::find(c, project.id)?)
}

/// Record an instruction the rules made due, with its audit event (actor: the platform).
fn create_payment(c: &mut DbConn, due: &ledger::Due, party: &Party, now: NaiveDateTime) -> Result<Payment, ApiError> {
    let payment = payments::create(c, due, party, now)?;
    let event = audit::Event::new("payment.create", "payment", payment.id)
        .after(&crate::routes::payments::view(payment.clone()))?;
    audit::record(c, event, now)?;
    Ok(payment)
}

/// Record a diagnosis, cloud or award instruction (R10–R12) and draw its parts on the funds' `other`
/// share (409 `budget_exceeded` over a budget). `None` for 0.00.
pub fn create_other_payment(
    c: &mut DbConn,
    profile: &PolicyProfile,
    kind: PaymentKind,
    amount: Money,
    central_fund_excluded: bool,
    party: &Party,
    now: NaiveDateTime,
) -> Result<Option<Payment>, ApiError> {
    let Some(due) = dtpilot_domain::budget::other_due(profile, kind, amount, central_fund_excluded) else {
        return Ok(None);
    };
    let payment = create_payment(c, &due, party, now)?;
    crate::budget::draw(c, dtpilot_domain::budget::Share::Other, due.funds, party.county)?;
    Ok(Some(payment))
}

/// R10: the project passed acceptance — the diagnosis subsidy falls due to the provider of the
/// report the project rests on (`projects.diagnosis_id`, fixed at creation: reports uploaded later
/// change nothing): min(its fee, the cap), at most once per enterprise (an instruction not
/// cancelled already there: nothing more). The enterprise's row is locked first so that two
/// acceptances of its projects cannot both create one.
fn diagnosis_due(
    c: &mut DbConn,
    profile: &PolicyProfile,
    project: &Project,
    enterprise: &Enterprise,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    use diesel::prelude::*;

    use crate::db::schema::{diagnoses as d, payments as pay, providers as pr};
    lock_enterprise(c, enterprise.id)?;
    let already = diesel::select(diesel::dsl::exists(
        pay::table
            .filter(pay::kind.eq(PaymentKind::Diagnosis.code()))
            .filter(pay::enterprise_id.eq(enterprise.id))
            .filter(pay::status.ne(ledger::PaymentStatus::Cancelled.code())),
    ))
    .get_result::<bool>(c)?;
    if already {
        return Ok(());
    }
    let Some(report_id) = project.diagnosis_id else { return Ok(()) };
    let (fee, provider_id): (i64, i64) = d::table.find(report_id).select((d::fee_fen, d::provider_id)).first(c)?;
    let Some((_, amount)) = dtpilot_domain::budget::diagnosis_amount(profile, Some((report_id, Money::from_fen(fee))))
    else {
        return Ok(());
    };
    let payee: String = pr::table.find(provider_id).select(pr::name).first(c)?;
    let party = Party {
        project_id: Some(project.id),
        enterprise_id: Some(enterprise.id),
        provider_id: Some(provider_id),
        county: Some(project.county),
        payee: &payee,
    };
    create_other_payment(c, profile, PaymentKind::Diagnosis, amount, enterprise.central_fund_excluded, &party, now)?;
    Ok(())
}

/// Lock an enterprise's row until commit (an update that changes nothing). Every decision that
/// reads what the enterprise's projects hold of its cap (R1*), or whether its diagnosis subsidy was
/// made due (R10), takes this lock first, so two such decisions on one enterprise run one after the
/// other on PostgreSQL (SQLite's `BEGIN IMMEDIATE` serialises every write anyway).
pub fn lock_enterprise(c: &mut DbConn, enterprise_id: i64) -> Result<(), ApiError> {
    use diesel::prelude::*;

    use crate::db::schema::enterprises as e;
    diesel::update(e::table.find(enterprise_id)).set(e::id.eq(e::id)).execute(c)?;
    Ok(())
}

/// R1*: what the enterprise's projects other than `except` hold of its cap (their final subsidy
/// where known, else their planned subsidy; rejected, cancelled, failed and closed ones hold
/// nothing). Call after [`lock_enterprise`].
pub fn enterprise_held(c: &mut DbConn, enterprise_id: i64, except: Option<i64>) -> Result<Money, ApiError> {
    use diesel::prelude::*;

    use crate::db::schema::projects as p;
    let rows: Vec<(i64, String, i64, Option<i64>)> = p::table
        .filter(p::enterprise_id.eq(enterprise_id))
        .select((p::id, p::status, p::planned_subsidy_fen, p::final_subsidy_fen))
        .load(c)?;
    let others = rows
        .into_iter()
        .filter(|(id, ..)| Some(*id) != except)
        .map(|(id, status, planned, final_fen)| {
            Ok(rules::OtherProject {
                status: ProjectState::from_code(&status)
                    .ok_or_else(|| ApiError::internal(format!("projects.id={id}: status {status:?}")))?,
                planned_subsidy: Money::from_fen(planned),
                final_subsidy: final_fen.map(Money::from_fen),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(rules::enterprise_held(others))
}

/// A refusal of R1* (or R2's target level) as a 422 naming `target_level`.
pub fn plan_error(e: rules::RuleError) -> ApiError {
    ApiError::Unprocessable {
        code: e.code(),
        detail: format!("{e}({})", e.rule()),
        errors: vec![FieldError { field: "target_level".into(), message: e.to_string() }],
    }
}

/// R2 + R3 with R1*: the planned subsidy and prepayment of `project` against what the enterprise's
/// other projects hold *now* (at submission and at the city's approval, SPEC §9.1) — stored when
/// they changed, with an audit event; 422 `enterprise_cap_reached` when the others hold the whole
/// cap of the target level. Locks the enterprise first.
pub fn replan(
    c: &mut DbConn,
    profile: &PolicyProfile,
    project: &Project,
    who: &Caller,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    lock_enterprise(c, project.enterprise_id)?;
    let held = enterprise_held(c, project.enterprise_id, Some(project.id))?;
    let figure = rules::enterprise_planned_subsidy(profile, project.planned_investment, project.target_level, held)
        .map_err(plan_error)?;
    let prepayment = rules::prepayment(profile, figure.amount);
    if figure.amount == project.planned_subsidy
        && prepayment == project.prepayment
        && figure.enterprise_cap_bound == project.enterprise_cap_bound
    {
        return Ok(());
    }
    projects::set_plan(c, project.id, figure.amount, prepayment, figure.enterprise_cap_bound)?;
    let event = audit::Event::new("project.replan", "project", project.id)
        .by(Some(who))
        .before(&serde_json::json!({ "planned_subsidy": project.planned_subsidy, "prepayment": project.prepayment }))?
        .after(&serde_json::json!({
            "planned_subsidy": figure.amount,
            "prepayment": prepayment,
            "held_by_other_projects": held,
            "enterprise_cap_bound": figure.enterprise_cap_bound,
        }))?;
    audit::record(c, event, now)?;
    Ok(())
}

/// R10 (SPEC §9.1): the diagnostic report a new project rests on — `chosen` when it is a report of
/// the enterprise (else 422 naming `diagnosis_id`), by default the enterprise's latest report.
pub fn project_diagnosis(c: &mut DbConn, enterprise_id: i64, chosen: Option<i64>) -> Result<i64, ApiError> {
    use diesel::prelude::*;

    use crate::db::schema::diagnoses as d;
    let of_enterprise = d::table.filter(d::enterprise_id.eq(enterprise_id));
    let found: Option<i64> = match chosen {
        Some(id) => of_enterprise.filter(d::id.eq(id)).select(d::id).first(c).optional()?,
        None => of_enterprise.select(d::id).order(d::id.desc()).first(c).optional()?,
    };
    found.ok_or_else(|| match chosen {
        Some(_) => ApiError::field("diagnosis_id", "该诊断报告不存在或不属于本企业"),
        None => ApiError::field("diagnosis_id", "本企业尚无诊断报告"),
    })
}

/// The preconditions of SPEC §5 (R2, R7, R9, R16, batch, diagnosis), checked at creation and at
/// submission: all failures in one 422, its `code` naming the first.
pub fn check_application(
    c: &mut DbConn,
    profile: &PolicyProfile,
    enterprise: &Enterprise,
    batch_id: i64,
    overlapping_support_declared: bool,
    target_level: DigitalLevel,
) -> Result<(), ApiError> {
    use diesel::prelude::*;

    use crate::db::schema::{batch_enterprises as be, diagnoses as d};
    let in_batch = diesel::select(diesel::dsl::exists(
        be::table.filter(be::batch_id.eq(batch_id)).filter(be::enterprise_id.eq(enterprise.id)),
    ))
    .get_result::<bool>(c)?;
    let has_diagnosis = diesel::select(diesel::dsl::exists(d::table.filter(d::enterprise_id.eq(enterprise.id))))
        .get_result::<bool>(c)?;
    let facts = ApplicantFacts {
        in_batch,
        is_sme: is_sme(profile, enterprise.employees, enterprise.annual_revenue),
        credit_abnormal: enterprise.credit_abnormal,
        dishonest: enterprise.dishonest,
        disqualified: enterprise.disqualified,
        has_diagnosis,
        overlapping_support_declared,
        target_level,
    };
    let failures = eligibility::application_failures(profile, &facts);
    match failures.first() {
        None => Ok(()),
        Some(first) => Err(ApiError::Unprocessable {
            code: first.code(),
            detail: failures.iter().map(ToString::to_string).collect::<Vec<_>>().join(";"),
            errors: failures
                .iter()
                .map(|f| FieldError { field: f.field().to_string(), message: f.to_string() })
                .collect(),
        }),
    }
}

fn party<'a>(project: &Project, enterprise: &'a Enterprise) -> Party<'a> {
    Party {
        project_id: Some(project.id),
        enterprise_id: Some(project.enterprise_id),
        provider_id: None,
        county: Some(project.county),
        payee: &enterprise.name,
    }
}

/// Net retrofit money paid to the project so far (paid instructions only).
pub fn net_paid(c: &mut DbConn, project_id: i64) -> Result<Money, ApiError> {
    let paid = payments::paid(c, &[project_id])?;
    Ok(ledger::net_paid(paid.into_iter().map(|(_, k, m)| (k, m))))
}

/// The notice closed without an upheld objection: the prepayment falls due (R3) — or, when it is
/// 0.00, the project moves straight on to `in_progress`.
pub fn after_cleared(
    c: &mut DbConn,
    profile: &PolicyProfile,
    project: &Project,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let enterprise = enterprises::find(c, project.enterprise_id)?;
    match ledger::due(profile, PaymentKind::Prepayment, project.prepayment, enterprise.central_fund_excluded) {
        Some(due) => {
            create_payment(c, &due, &party(project, &enterprise), now)?;
        }
        None => {
            step(c, project, Action::PrepaymentPaid, None, "预拨付金额为 0", now)?;
        }
    }
    Ok(())
}

/// After the evaluation recorded the final subsidy: the balance or recovery of R5/R6 — or, when
/// both are 0.00, the project settles (accepted) or closes (failed) at once.
pub fn after_evaluated(
    c: &mut DbConn,
    profile: &PolicyProfile,
    project: &Project,
    final_subsidy: Money,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let enterprise = enterprises::find(c, project.enterprise_id)?;
    if project.status == ProjectState::Accepted {
        diagnosis_due(c, profile, project, &enterprise, now)?;
    }
    let paid = net_paid(c, project.id)?;
    match ledger::settlement_due(profile, final_subsidy, paid, enterprise.central_fund_excluded) {
        Some(due) => {
            create_payment(c, &due, &party(project, &enterprise), now)?;
        }
        None => {
            let action = if project.status == ProjectState::Accepted {
                Action::SettlementDone
            } else {
                Action::RecoveryReceived
            };
            step(c, project, action, None, "无需拨付或追回", now)?;
        }
    }
    Ok(())
}

/// R7: cancel the open instructions and recover everything actually paid.
pub fn after_cancelled(
    c: &mut DbConn,
    profile: &PolicyProfile,
    project: &Project,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    // Open diagnosis instructions of the project are cancelled with it: release their draw.
    for open in payments::open_of_project(c, project.id)? {
        if !open.kind.is_retrofit() {
            let parts = rules::FundSplit { central: -open.central, city: -open.city, county: -open.county };
            crate::budget::draw(c, dtpilot_domain::budget::Share::Other, parts, project.county.into())?;
        }
    }
    payments::cancel_open(c, project.id, now)?;
    let enterprise = enterprises::find(c, project.enterprise_id)?;
    let paid = net_paid(c, project.id)?;
    let reason = project.cancel_reason.unwrap_or(rules::CancelReason::Cancelled);
    let outcome = rules::cancellation(reason, paid);
    if let Some(due) =
        ledger::due(profile, PaymentKind::Recovery, outcome.recovery_due, enterprise.central_fund_excluded)
    {
        create_payment(c, &due, &party(project, &enterprise), now)?;
    }
    if outcome.disqualify {
        enterprises::disqualify(c, enterprise.id, now)?;
    }
    Ok(())
}

/// Finance executed `payment`: the project moves on if the money settles its state.
pub fn after_executed(c: &mut DbConn, payment: &Payment, by: &Caller, now: NaiveDateTime) -> Result<(), ApiError> {
    let Some(project_id) = payment.project_id else { return Ok(()) };
    // A finding's recovery (SPEC §9.1) comes on top of the project's own course: it settles nothing.
    if payment.kind == PaymentKind::Recovery && crate::routes::findings::is_finding_recovery(c, payment.id)? {
        return Ok(());
    }
    let project = projects::find(c, project_id)?;
    let action = match (payment.kind, project.status) {
        (PaymentKind::Prepayment, ProjectState::Cleared) => Action::PrepaymentPaid,
        (PaymentKind::Balance | PaymentKind::Recovery, ProjectState::Accepted) => Action::SettlementDone,
        (PaymentKind::Recovery, ProjectState::Failed) => Action::RecoveryReceived,
        _ => return Ok(()),
    };
    let comment = format!("{}已执行", payment.kind.name_zh());
    step(c, &project, action, Some(by), &comment, now)?;
    Ok(())
}

/// The subsidy figures of a project from its expenses and paid instructions.
pub fn subsidy_view(p: &Project, money: &ProjectMoney) -> SubsidyView {
    let ProjectMoney { eligible_investment: eligible, paid_total, recovered_total } = *money;
    let net = paid_total - recovered_total;
    let mut rules_applied = vec![RuleId::R1, RuleId::R2, RuleId::R3];
    let owed = match p.status {
        ProjectState::Accepted | ProjectState::Settled => {
            rules_applied.extend([RuleId::R4, RuleId::R5]);
            p.final_subsidy
        }
        ProjectState::Failed | ProjectState::Closed => {
            rules_applied.push(RuleId::R6);
            Some(Money::ZERO)
        }
        ProjectState::Cancelled => {
            rules_applied.push(RuleId::R7);
            Some(Money::ZERO)
        }
        _ => None,
    };
    let s = owed.map(|o| rules::settlement(o, net));
    if money.any_paid() {
        rules_applied.extend([RuleId::R8, RuleId::R14]);
    }
    if p.enterprise_cap_bound {
        rules_applied.push(RuleId::R1Star);
    }
    rules_applied.sort();
    rules_applied.dedup();
    SubsidyView {
        planned_subsidy: p.planned_subsidy,
        prepayment: p.prepayment,
        eligible_investment: eligible,
        achieved_level: p.achieved_level,
        final_subsidy: p.final_subsidy,
        paid_total,
        recovered_total,
        balance_due: s.map_or(Money::ZERO, |s| s.balance_due),
        recovery_due: s.map_or(Money::ZERO, |s| s.recovery_due),
        rules_applied: rules_applied.iter().map(ToString::to_string).collect(),
    }
}

/// Views of projects, with their money, names and deadline, loaded in two queries for the whole
/// page (no N+1): the enterprise/provider names with the batch's dates, then the expenses and paid
/// instructions. Keep `list` to a page or an export's chunk (see [`projects::labels`]).
pub fn views(c: &mut DbConn, list: Vec<Project>, with_history: bool) -> Result<Vec<ProjectView>, ApiError> {
    let ids: Vec<i64> = list.iter().map(|p| p.id).collect();
    let mut labels = projects::labels(c, &ids)?;
    let mut details = crate::repo::catalogue::evaluation_details(c, &ids)?;
    let (spent, paid_out) = projects::money(c, &ids)?;
    let mut expenses: HashMap<i64, Vec<(ExpenseCategory, Money)>> = HashMap::new();
    for (id, category, amount) in spent {
        expenses.entry(id).or_default().push((category, amount));
    }
    let mut paid: HashMap<i64, Vec<(PaymentKind, Money)>> = HashMap::new();
    for (id, kind, amount) in paid_out {
        paid.entry(id).or_default().push((kind, amount));
    }
    let complete = list
        .into_iter()
        .map(|p| {
            // Every project has its enterprise, provider and batch (foreign keys).
            let label = labels.remove(&p.id).ok_or_else(|| {
                ApiError::internal(format!("projects.id={}: enterprise, provider or batch missing", p.id))
            })?;
            let money = ProjectMoney::from_records(
                expenses.remove(&p.id).unwrap_or_default(),
                paid.remove(&p.id).unwrap_or_default(),
            );
            let detail = details.remove(&p.id);
            Ok((p, label, money, detail))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    complete_views(c, complete, with_history)
}

/// [`views`] of projects read with their labels, money and stored evaluation detail
/// ([`projects::list`]: one statement for a page); `with_history` adds a query per project (a
/// single project's page).
pub fn complete_views(
    c: &mut DbConn,
    list: Vec<projects::ListedProject>,
    with_history: bool,
) -> Result<Vec<ProjectView>, ApiError> {
    let today = today_cst();
    let mut out = Vec::with_capacity(list.len());
    for (p, label, money, detail) in list {
        let (evaluation_detail, computed_level) = detail.map_or((None, None), |(d, l)| (Some(d), Some(l)));
        let level_mismatch = computed_level.is_some() && computed_level != p.achieved_level;
        let products = if with_history { crate::repo::catalogue::project_products(c, p.id)? } else { Vec::new() };
        let next_deadline = deadline::next_deadline(p.status, label.batch);
        let history = if with_history {
            projects::history(c, p.id)?
                .into_iter()
                .map(|(from, to, action, actor_id, actor_role, comment, at)| HistoryView {
                    from: from.as_deref().and_then(ProjectState::from_code),
                    to: ProjectState::from_code(&to).unwrap_or(ProjectState::Draft),
                    action,
                    actor_id,
                    actor_role,
                    comment,
                    at,
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(ProjectView {
            subsidy: subsidy_view(&p, &money),
            history,
            id: p.id,
            enterprise_id: p.enterprise_id,
            enterprise_name: label.enterprise_name,
            batch_id: p.batch_id,
            provider_id: p.provider_id,
            provider_name: label.provider_name,
            county: p.county,
            contract_no: p.contract_no,
            contract_amount: p.contract_amount,
            planned_eligible_investment: p.planned_investment,
            target_level: p.target_level,
            overlapping_support_declared: p.overlapping_support_declared,
            diagnosis_id: p.diagnosis_id,
            status: p.status,
            policy: format!("{}@{}", p.policy_id, p.policy_version),
            planned_subsidy: p.planned_subsidy,
            prepayment: p.prepayment,
            cancel_reason: p.cancel_reason,
            next_deadline,
            overdue: deadline::is_overdue(next_deadline, today),
            version: p.version,
            evaluation_detail,
            computed_level,
            level_mismatch,
            products,
        });
    }
    Ok(out)
}

/// A score of 0–100 with at most two decimals, from a JSON number, in hundredths — without floating
/// point (the number's decimal text is parsed exactly).
pub fn score_centi(n: &serde_json::Number) -> Option<i64> {
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;
    let d: Decimal = n.to_string().parse().ok()?;
    let centi = d * Decimal::ONE_HUNDRED;
    if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED || centi.fract() != Decimal::ZERO {
        return None;
    }
    centi.to_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_exact_hundredths() {
        let n = |s: &str| serde_json::from_str::<serde_json::Number>(s).unwrap();
        assert_eq!(score_centi(&n("55.0")), Some(5500));
        assert_eq!(score_centi(&n("87.25")), Some(8725));
        assert_eq!(score_centi(&n("100")), Some(10000));
        assert_eq!(score_centi(&n("100.01")), None);
        assert_eq!(score_centi(&n("-1")), None);
        assert_eq!(score_centi(&n("55.125")), None);
    }
}
