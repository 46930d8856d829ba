//! Retrofit projects, their transition history and expenses.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use dtpilot_domain::deadline::BatchDates;
use dtpilot_domain::ledger::{PaymentKind, PaymentStatus, ProjectMoney};
use dtpilot_domain::reference::{County, ExpenseCategory, Industry};
use dtpilot_domain::rules::CancelReason;
use dtpilot_domain::state::{Action, ProjectState, Role};
use dtpilot_domain::{DigitalLevel, Money};

use crate::auth::Caller;
use crate::db::schema::{expenses as x, project_history as h, projects as p};
use crate::db::{DbConn, RepoError};
use crate::repo::{Paging, corrupt, like_pattern};
use crate::scope;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: i64,
    pub enterprise_id: i64,
    pub batch_id: i64,
    pub provider_id: i64,
    pub county: County,
    pub contract_no: String,
    pub contract_amount: Money,
    pub planned_investment: Money,
    pub target_level: DigitalLevel,
    pub overlapping_support_declared: bool,
    pub status: ProjectState,
    pub policy_id: String,
    pub policy_version: i64,
    pub planned_subsidy: Money,
    pub prepayment: Money,
    pub achieved_level: Option<DigitalLevel>,
    pub final_subsidy: Option<Money>,
    pub cancel_reason: Option<CancelReason>,
    pub version: i64,
    /// R1*: the per-enterprise cap bound the planned or final subsidy when it was last computed.
    pub enterprise_cap_bound: bool,
    /// R10: the diagnostic report the project rests on.
    pub diagnosis_id: Option<i64>,
}

type Row = (
    (i64, i64, i64, i64, String, String, i64, i64, i64, bool),
    (String, String, i64, i64, i64, Option<i64>, Option<i64>, Option<String>, i64, bool, Option<i64>),
);

type Columns = (
    (
        p::id,
        p::enterprise_id,
        p::batch_id,
        p::provider_id,
        p::county,
        p::contract_no,
        p::contract_amount_fen,
        p::planned_investment_fen,
        p::target_level,
        p::overlapping_support_declared,
    ),
    (
        p::status,
        p::policy_id,
        p::policy_version,
        p::planned_subsidy_fen,
        p::prepayment_fen,
        p::achieved_level,
        p::final_subsidy_fen,
        p::cancel_reason,
        p::version,
        p::enterprise_cap_bound,
        p::diagnosis_id,
    ),
);

const COLUMNS: Columns = (
    (
        p::id,
        p::enterprise_id,
        p::batch_id,
        p::provider_id,
        p::county,
        p::contract_no,
        p::contract_amount_fen,
        p::planned_investment_fen,
        p::target_level,
        p::overlapping_support_declared,
    ),
    (
        p::status,
        p::policy_id,
        p::policy_version,
        p::planned_subsidy_fen,
        p::prepayment_fen,
        p::achieved_level,
        p::final_subsidy_fen,
        p::cancel_reason,
        p::version,
        p::enterprise_cap_bound,
        p::diagnosis_id,
    ),
);

fn level(id: i64, n: i64) -> Result<DigitalLevel, RepoError> {
    u8::try_from(n).ok().and_then(DigitalLevel::new).ok_or_else(|| corrupt(format!("projects.id={id}: level {n}")))
}

fn cancel_reason(code: &str) -> Option<CancelReason> {
    [CancelReason::Cancelled, CancelReason::Bankrupt, CancelReason::Fraud].into_iter().find(|r| reason_code(*r) == code)
}

pub fn reason_code(r: CancelReason) -> &'static str {
    match r {
        CancelReason::Cancelled => "cancelled",
        CancelReason::Bankrupt => "bankrupt",
        CancelReason::Fraud => "fraud",
    }
}

fn from_row(row: Row) -> Result<Project, RepoError> {
    let ((id, enterprise_id, batch_id, provider_id, county, contract_no, contract, planned_inv, target, overlap), rest) =
        row;
    let (
        status,
        policy_id,
        policy_version,
        planned,
        prepayment,
        achieved,
        final_fen,
        reason,
        version,
        bound,
        diagnosis_id,
    ) = rest;
    Ok(Project {
        county: County::from_code(&county).ok_or_else(|| corrupt(format!("projects.id={id}: county {county:?}")))?,
        target_level: level(id, target)?,
        status: ProjectState::from_code(&status)
            .ok_or_else(|| corrupt(format!("projects.id={id}: status {status:?}")))?,
        achieved_level: achieved.map(|n| level(id, n)).transpose()?,
        cancel_reason: match reason.as_deref() {
            None => None,
            Some(code) => {
                Some(cancel_reason(code).ok_or_else(|| corrupt(format!("projects.id={id}: reason {code:?}")))?)
            }
        },
        id,
        enterprise_id,
        batch_id,
        provider_id,
        contract_no,
        contract_amount: Money::from_fen(contract),
        planned_investment: Money::from_fen(planned_inv),
        overlapping_support_declared: overlap,
        policy_id,
        policy_version,
        planned_subsidy: Money::from_fen(planned),
        prepayment: Money::from_fen(prepayment),
        final_subsidy: final_fen.map(Money::from_fen),
        version,
        enterprise_cap_bound: bound,
        diagnosis_id,
    })
}

/// A new project (draft) with the figures of the policy it is created under.
pub struct NewProject<'a> {
    pub enterprise_id: i64,
    pub batch_id: i64,
    pub provider_id: i64,
    pub county: County,
    pub industry: Industry,
    pub contract_no: &'a str,
    pub contract_amount: Money,
    pub planned_investment: Money,
    pub target_level: DigitalLevel,
    pub overlapping_support_declared: bool,
    pub policy_id: &'a str,
    pub policy_version: i64,
    pub planned_subsidy: Money,
    pub prepayment: Money,
    pub enterprise_cap_bound: bool,
    pub diagnosis_id: i64,
}

/// Insert a draft; a second live project of the enterprise in the batch is `Conflict("project")`.
pub fn insert(conn: &mut DbConn, n: &NewProject, now: NaiveDateTime) -> Result<Project, RepoError> {
    let id: i64 = diesel::insert_into(p::table)
        .values((
            (
                p::enterprise_id.eq(n.enterprise_id),
                p::batch_id.eq(n.batch_id),
                p::provider_id.eq(n.provider_id),
                p::county.eq(n.county.code()),
                p::industry.eq(n.industry.code()),
                p::contract_no.eq(n.contract_no.trim()),
                p::contract_amount_fen.eq(n.contract_amount.to_fen()),
                p::planned_investment_fen.eq(n.planned_investment.to_fen()),
                p::target_level.eq(i64::from(n.target_level.get())),
            ),
            (
                p::overlapping_support_declared.eq(n.overlapping_support_declared),
                p::status.eq(ProjectState::Draft.code()),
                p::policy_id.eq(n.policy_id),
                p::policy_version.eq(n.policy_version),
                p::planned_subsidy_fen.eq(n.planned_subsidy.to_fen()),
                p::prepayment_fen.eq(n.prepayment.to_fen()),
                p::enterprise_cap_bound.eq(n.enterprise_cap_bound),
                p::diagnosis_id.eq(Some(n.diagnosis_id)),
                p::created_at.eq(now),
                p::updated_at.eq(now),
            ),
        ))
        .returning(p::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("project"))?;
    find(conn, id)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Project, RepoError> {
    from_row(p::table.find(id).select(COLUMNS).first::<Row>(conn)?)
}

/// By id within the caller's scope.
pub fn get(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Project, RepoError> {
    from_row(scope::projects(caller).filter(p::id.eq(id)).select(COLUMNS).first::<Row>(conn)?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub status: Option<ProjectState>,
    pub county: Option<County>,
    pub batch_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    /// The enterprise's name contains this text (trimmed; empty: no filter).
    pub q: Option<String>,
    /// Only the projects overdue on this day (SPEC §5: past their batch's deadline for their
    /// state — the same rule as `ProjectView::overdue`, `dtpilot_domain::deadline`).
    pub overdue_on: Option<NaiveDate>,
    /// `true`: only the evaluated projects whose recorded level differs from the level the
    /// evaluation scheme computed from their detail.
    pub level_mismatch: bool,
}

/// Narrow a boxed query over `projects` — alone, or joined to the rows a page shows with them — to
/// the caller's scope and the filter. Every list, count and export of projects goes through it, so
/// they show exactly the same rows. (A macro, like the scope filters, because the boxed types of
/// plain and joined queries differ.)
macro_rules! filter_projects {
    ($query:expr, $caller:expr, $filter:expr) => {{
        use $crate::db::schema::{batches as __b, enterprises as __e, projects as __p};
        let f: &Filter = $filter;
        // The subqueries read enterprises and batches under other names, so they also work where
        // the outer query joins those tables.
        let (named, dated) = (ENTERPRISES_BY_NAME, BATCHES_BY_DATE);
        let mut q = $crate::scope_projects!($query, $caller);
        if let Some(s) = f.status {
            q = q.filter(__p::status.eq(s.code()));
        }
        if let Some(c) = f.county {
            q = q.filter(__p::county.eq(c.code()));
        }
        if let Some(b) = f.batch_id {
            q = q.filter(__p::batch_id.eq(b));
        }
        if let Some(id) = f.enterprise_id {
            q = q.filter(__p::enterprise_id.eq(id));
        }
        if let Some(id) = f.provider_id {
            q = q.filter(__p::provider_id.eq(id));
        }
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // Narrows the scoped rows only: an enterprise's name cannot widen what the caller sees.
            q = q.filter(__p::enterprise_id.eq_any(
                named.filter(named.field(__e::name).like(like_pattern(text)).escape('\\')).select(named.field(__e::id)),
            ));
        }
        if f.level_mismatch {
            q = q.filter(__p::computed_level.is_not_null().and(__p::computed_level.ne(__p::achieved_level)));
        }
        if let Some(today) = f.overdue_on {
            use dtpilot_domain::deadline::DeadlineKind;
            let codes = |kind: DeadlineKind| kind.states().into_iter().map(|s| s.code()).collect::<Vec<_>>();
            let past_retrofit = dated.filter(dated.field(__b::retrofit_due).lt(today)).select(dated.field(__b::id));
            let past_acceptance = dated.filter(dated.field(__b::acceptance_end).lt(today)).select(dated.field(__b::id));
            q = q.filter(
                __p::status
                    .eq_any(codes(DeadlineKind::Retrofit))
                    .and(__p::batch_id.eq_any(past_retrofit))
                    .or(__p::status.eq_any(codes(DeadlineKind::Acceptance)).and(__p::batch_id.eq_any(past_acceptance))),
            );
        }
        q
    }};
}

diesel::alias!(
    crate::db::schema::enterprises as ENTERPRISES_BY_NAME: EnterprisesByName,
    crate::db::schema::batches as BATCHES_BY_DATE: BatchesByDate
);

/// The projects in the caller's scope that pass the filter.
fn filtered(caller: &Caller, f: &Filter) -> p::BoxedQuery<'static, scope::Backend> {
    filter_projects!(p::table.into_boxed(), caller, f)
}

/// A project of a page, with what its view shows beside its own row: its names and batch dates,
/// its money, and the evaluation scheme's detail with the level computed from it, if recorded.
pub type ListedProject = (Project, Labels, ProjectMoney, Option<StoredDetail>);

/// The evaluation scheme's detail of a project and the level the scheme computed from it.
pub type StoredDetail = (dtpilot_api_types::catalogue::EvaluationDetailView, dtpilot_domain::DigitalLevel);

/// One page of the projects of the caller's scope that pass the filter, newest first, each with
/// its [`Labels`], its [`ProjectMoney`] and its stored evaluation detail, and the total. Three statements: the total (from the
/// running totals where the scope and filter allow, [`count`]); the page's ids (from an index
/// alone, however deep the page); then those rows joined to their enterprise, provider and batch,
/// with their money summed by correlated subqueries, selected by the same filter and the page's id
/// range — so the statement is the same for every page and stays prepared.
pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    f: &Filter,
    paging: Paging,
) -> Result<(Vec<ListedProject>, i64), RepoError> {
    use crate::db::schema::{batches as b, enterprises as e, providers as pr};
    let total = count(conn, caller, f)?;
    let ids: Vec<i64> = filtered(caller, f)
        .order(p::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(p::id)
        .load(conn)?;
    let (Some(&newest), Some(&oldest)) = (ids.first(), ids.last()) else {
        return Ok((Vec::new(), total));
    };
    let joined = p::table
        .inner_join(e::table.on(e::id.eq(p::enterprise_id)))
        .inner_join(pr::table.on(pr::id.eq(p::provider_id)))
        .inner_join(b::table.on(b::id.eq(p::batch_id)))
        .select((
            COLUMNS,
            (e::name, pr::name, b::retrofit_due, b::acceptance_end),
            money_sums(),
            (p::evaluation_detail, p::computed_level),
        ))
        .into_boxed();
    let rows: Vec<(Row, LabelRow, MoneyRow, DetailRow)> =
        filter_projects!(joined, caller, f).filter(p::id.between(oldest, newest)).order(p::id.desc()).load(conn)?;
    // Exactly the page's rows (one that began to pass the filter in between is left out).
    let page: HashSet<i64> = ids.into_iter().collect();
    rows.into_iter()
        .filter(|((head, _), _, _, _)| page.contains(&head.0))
        .map(
            |(
                row,
                (enterprise_name, provider_name, retrofit_due, acceptance_end),
                (eligible, paid, recovered),
                stored,
            )| {
                let labels =
                    Labels { enterprise_name, provider_name, batch: BatchDates { retrofit_due, acceptance_end } };
                let money = ProjectMoney {
                    eligible_investment: Money::from_fen(eligible),
                    paid_total: Money::from_fen(paid),
                    recovered_total: Money::from_fen(recovered),
                };
                let project = from_row(row)?;
                let detail = crate::repo::catalogue::stored_detail(project.id, stored.0, stored.1)?;
                Ok((project, labels, money, detail))
            },
        )
        .collect::<Result<Vec<_>, RepoError>>()
        .map(|items| (items, total))
}

/// [`ProjectMoney`] of the outer query's project (`projects.id`) as three correlated sums, over
/// the sets the domain names (eligible categories; paid retrofit instructions out and in). The
/// codes are the domain's own constants, never user input.
fn money_sums() -> (SqlLiteral<BigInt>, SqlLiteral<BigInt>, SqlLiteral<BigInt>) {
    fn codes<T>(items: impl Iterator<Item = T>, code: fn(T) -> &'static str) -> String {
        items.map(|i| format!("'{}'", code(i))).collect::<Vec<_>>().join(", ")
    }
    let expenses = format!(
        "(SELECT CAST(COALESCE(SUM(x.amount_fen), 0) AS BIGINT) FROM expenses x \
         WHERE x.project_id = projects.id AND x.category IN ({}))",
        codes(ProjectMoney::eligible_categories(), ExpenseCategory::code)
    );
    let paid = |kinds: String| {
        format!(
            "(SELECT CAST(COALESCE(SUM(y.amount_fen), 0) AS BIGINT) FROM payments y \
             WHERE y.project_id = projects.id AND y.status = '{}' AND y.kind IN ({kinds}))",
            PaymentStatus::Paid.code()
        )
    };
    (
        sql::<BigInt>(&expenses),
        sql::<BigInt>(&paid(codes(ProjectMoney::paid_out_kinds(), PaymentKind::code))),
        sql::<BigInt>(&paid(codes(ProjectMoney::recovered_kinds(), PaymentKind::code))),
    )
}

pub fn list_all(conn: &mut DbConn, caller: &Caller, f: &Filter, cap: i64) -> Result<Vec<Project>, RepoError> {
    let rows = filtered(caller, f).order(p::id.desc()).limit(cap).select(COLUMNS).load::<Row>(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// How many projects of the caller's scope pass the filter. When both the scope and the filter
/// are unions of whole `project_totals` rows (city, finance, county or evaluator; status, county
/// or batch), the running totals answer — the same number, kept in the same transactions — without
/// counting up to 100,000 rows (PostgreSQL counts them one by one); otherwise the rows are counted.
pub fn count(conn: &mut DbConn, caller: &Caller, f: &Filter) -> Result<i64, RepoError> {
    use crate::db::schema::project_totals as t;
    let Filter { status, county, batch_id, enterprise_id, provider_id, q, overdue_on, level_mismatch } = f;
    let by_text = q.as_deref().is_some_and(|text| !text.trim().is_empty());
    if enterprise_id.is_none() && provider_id.is_none() && !by_text && overdue_on.is_none() && !level_mismatch {
        let mut totals = t::table
            .select(diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(project_count), 0) AS BIGINT)"))
            .into_boxed();
        if let Some(s) = status {
            totals = totals.filter(t::status.eq(s.code()));
        }
        if let Some(c) = county {
            totals = totals.filter(t::county.eq(c.code()));
        }
        if let Some(b) = batch_id {
            totals = totals.filter(t::batch_id.eq(*b));
        }
        if let Some(scoped) = crate::scope_project_totals!(totals, caller, project_totals) {
            return Ok(scoped.get_result(conn)?);
        }
    }
    Ok(filtered(caller, f).count().get_result(conn)?)
}

/// Move the project from its current state to `to` — only if it is still in that state (a
/// concurrent change makes this `Stale`) — and record the transition with its actor (`None`: the
/// platform).
pub fn transition(
    conn: &mut DbConn,
    project: &Project,
    to: ProjectState,
    action: Action,
    who: Option<(Role, i64)>,
    comment: &str,
    now: NaiveDateTime,
) -> Result<(), RepoError> {
    let n = diesel::update(p::table.filter(p::id.eq(project.id)).filter(p::status.eq(project.status.code())))
        .set((p::status.eq(to.code()), p::version.eq(p::version + 1), p::updated_at.eq(now)))
        .execute(conn)?;
    if n == 0 {
        return Err(RepoError::Stale);
    }
    let (role, actor_id) = match who {
        Some((r, id)) => (Some(r.code()), Some(id)),
        None => (None, None),
    };
    diesel::insert_into(h::table)
        .values((
            h::project_id.eq(project.id),
            h::from_status.eq(Some(project.status.code())),
            h::to_status.eq(to.code()),
            h::action.eq(action.code()),
            h::actor_id.eq(actor_id),
            h::actor_role.eq(role),
            h::comment.eq(comment),
            h::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The creation row of the history (no previous state).
pub fn record_creation(conn: &mut DbConn, id: i64, actor_id: i64, now: NaiveDateTime) -> Result<(), RepoError> {
    diesel::insert_into(h::table)
        .values((
            h::project_id.eq(id),
            h::to_status.eq(ProjectState::Draft.code()),
            h::action.eq("create"),
            h::actor_id.eq(Some(actor_id)),
            h::actor_role.eq(Some("enterprise")),
            h::comment.eq(""),
            h::at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub type HistoryRow = (Option<String>, String, String, Option<i64>, Option<String>, String, NaiveDateTime);

pub fn history(conn: &mut DbConn, id: i64) -> Result<Vec<HistoryRow>, RepoError> {
    Ok(h::table
        .filter(h::project_id.eq(id))
        .order(h::id.asc())
        .select((h::from_status, h::to_status, h::action, h::actor_id, h::actor_role, h::comment, h::at))
        .load(conn)?)
}

/// Record the evaluation's outcome on the project.
pub fn set_evaluation(
    conn: &mut DbConn,
    id: i64,
    level: DigitalLevel,
    score_centi: i64,
    evaluated_on: NaiveDate,
    file_id: i64,
    final_subsidy: Money,
) -> Result<(), RepoError> {
    diesel::update(p::table.find(id))
        .set((
            p::achieved_level.eq(Some(i64::from(level.get()))),
            p::evaluation_score_centi.eq(Some(score_centi)),
            p::evaluated_on.eq(Some(evaluated_on)),
            p::evaluation_file_id.eq(Some(file_id)),
            p::final_subsidy_fen.eq(Some(final_subsidy.to_fen())),
        ))
        .execute(conn)?;
    Ok(())
}

/// R2/R3 with R1*: the planned subsidy and prepayment recomputed at submission or approval.
pub fn set_plan(
    conn: &mut DbConn,
    id: i64,
    planned: Money,
    prepayment: Money,
    enterprise_cap_bound: bool,
) -> Result<(), RepoError> {
    diesel::update(p::table.find(id))
        .set((
            p::planned_subsidy_fen.eq(planned.to_fen()),
            p::prepayment_fen.eq(prepayment.to_fen()),
            p::enterprise_cap_bound.eq(enterprise_cap_bound),
        ))
        .execute(conn)?;
    Ok(())
}

/// R1*: whether the per-enterprise cap bound the figure last computed.
pub fn set_enterprise_cap_bound(conn: &mut DbConn, id: i64, bound: bool) -> Result<(), RepoError> {
    diesel::update(p::table.find(id)).set(p::enterprise_cap_bound.eq(bound)).execute(conn)?;
    Ok(())
}

pub fn set_cancel_reason(conn: &mut DbConn, id: i64, reason: CancelReason) -> Result<(), RepoError> {
    diesel::update(p::table.find(id)).set(p::cancel_reason.eq(Some(reason_code(reason)))).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    pub id: i64,
    pub project_id: i64,
    pub category: ExpenseCategory,
    pub amount: Money,
    pub invoice_no: String,
    pub paid_on: NaiveDate,
}

/// Add an expense; an invoice the enterprise already claimed is `Conflict("invoice_no")`.
pub fn add_expense(
    conn: &mut DbConn,
    project: &Project,
    category: ExpenseCategory,
    amount: Money,
    invoice_no: &str,
    paid_on: NaiveDate,
    now: NaiveDateTime,
) -> Result<Expense, RepoError> {
    let id: i64 = diesel::insert_into(x::table)
        .values((
            x::project_id.eq(project.id),
            x::enterprise_id.eq(project.enterprise_id),
            x::category.eq(category.code()),
            x::amount_fen.eq(amount.to_fen()),
            x::invoice_no.eq(invoice_no),
            x::paid_on.eq(paid_on),
            x::created_at.eq(now),
        ))
        .returning(x::id)
        .get_result(conn)
        .map_err(RepoError::unique_as("invoice_no"))?;
    Ok(Expense { id, project_id: project.id, category, amount, invoice_no: invoice_no.to_string(), paid_on })
}

/// What a project's view shows beside its own row: the names of its enterprise and provider and
/// its batch's dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    pub enterprise_name: String,
    pub provider_name: String,
    pub batch: BatchDates,
}

/// [`Labels`] as read: enterprise name, provider name, the batch's retrofit due date and acceptance end.
type LabelRow = (String, String, NaiveDate, NaiveDate);
/// Eligible investment, paid out and recovered, in fen ([`money_sums`]).
type MoneyRow = (i64, i64, i64);
/// `evaluation_detail`, `computed_level`.
type DetailRow = (Option<String>, Option<i64>);

/// [`Labels`] of the projects given, in one query (a page, or a chunk of an export: keep `ids` to
/// at most a few thousand, below both databases' bind-parameter limits).
pub fn labels(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Labels>, RepoError> {
    use crate::db::schema::{batches as b, enterprises as e, providers as pr};
    let query = p::table
        .inner_join(e::table.on(e::id.eq(p::enterprise_id)))
        .inner_join(pr::table.on(pr::id.eq(p::provider_id)))
        .inner_join(b::table.on(b::id.eq(p::batch_id)))
        .select((p::id, e::name, pr::name, b::retrofit_due, b::acceptance_end))
        .into_boxed();
    // One project (a project's page, every action's answer): `=`, which stays prepared; a list
    // of ids (`IN (…)`) is prepared anew each time.
    let rows: Vec<(i64, String, String, NaiveDate, NaiveDate)> = match ids {
        [id] => query.filter(p::id.eq(*id)).load(conn)?,
        _ => query.filter(p::id.eq_any(ids)).load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(id, enterprise_name, provider_name, retrofit_due, acceptance_end)| {
            (id, Labels { enterprise_name, provider_name, batch: BatchDates { retrofit_due, acceptance_end } })
        })
        .collect())
}

/// The money of the projects given, in one statement: (project, category, amount) of every expense
/// and (project, kind, amount) of every paid instruction. (Keep `ids` to a page or an export's
/// chunk, as for [`labels`].)
#[allow(clippy::type_complexity)]
pub fn money(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<(Vec<(i64, ExpenseCategory, Money)>, Vec<(i64, PaymentKind, Money)>), RepoError> {
    use crate::db::schema::payments as pay;
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    // (project, code, fen, is an expense) — one round trip instead of two. `MultiConnection` has no
    // UNION: it runs on the connection's own backend. One project: `=`, which stays prepared.
    macro_rules! load_money {
        ($expense_of:expr, $payment_of:expr) => {{
            let expenses =
                x::table.filter($expense_of).select((x::project_id, x::category, x::amount_fen, sql::<Bool>("TRUE")));
            let paid = pay::table.filter($payment_of).filter(pay::status.eq(PaymentStatus::Paid.code())).select((
                pay::project_id.assume_not_null(),
                pay::kind,
                pay::amount_fen,
                sql::<Bool>("FALSE"),
            ));
            let query = expenses.union_all(paid);
            match conn {
                DbConn::Sqlite(c) => query.load::<(i64, String, i64, bool)>(c)?,
                DbConn::Postgresql(c) => query.load::<(i64, String, i64, bool)>(c)?,
            }
        }};
    }
    let rows = match ids {
        [id] => load_money!(x::project_id.eq(*id), pay::project_id.eq(*id)),
        _ => load_money!(x::project_id.eq_any(ids), pay::project_id.eq_any(ids)),
    };
    let (mut spent, mut paid) = (Vec::new(), Vec::new());
    for (id, code, fen, is_expense) in rows {
        if is_expense {
            let category =
                ExpenseCategory::from_code(&code).ok_or_else(|| corrupt(format!("expenses: category {code:?}")))?;
            spent.push((id, category, Money::from_fen(fen)));
        } else {
            let kind = PaymentKind::from_code(&code).ok_or_else(|| corrupt(format!("payments: kind {code:?}")))?;
            paid.push((id, kind, Money::from_fen(fen)));
        }
    }
    Ok((spent, paid))
}

/// (category, amount) of every expense of the projects given.
pub fn expense_amounts(
    conn: &mut DbConn,
    project_ids: &[i64],
) -> Result<Vec<(i64, ExpenseCategory, Money)>, RepoError> {
    let rows: Vec<(i64, String, i64)> = x::table
        .filter(x::project_id.eq_any(project_ids))
        .select((x::project_id, x::category, x::amount_fen))
        .load(conn)?;
    rows.into_iter()
        .map(|(pid, c, fen)| {
            let category =
                ExpenseCategory::from_code(&c).ok_or_else(|| corrupt(format!("expenses: category {c:?}")))?;
            Ok((pid, category, Money::from_fen(fen)))
        })
        .collect()
}

/// The expenses of one project, oldest first.
pub fn expenses(conn: &mut DbConn, project_id: i64) -> Result<Vec<Expense>, RepoError> {
    let rows: Vec<(i64, String, i64, String, NaiveDate)> = x::table
        .filter(x::project_id.eq(project_id))
        .order(x::id.asc())
        .select((x::id, x::category, x::amount_fen, x::invoice_no, x::paid_on))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, c, fen, invoice_no, paid_on)| {
            Ok(Expense {
                id,
                project_id,
                category: ExpenseCategory::from_code(&c).ok_or_else(|| corrupt(format!("expenses.id={id}: {c:?}")))?,
                amount: Money::from_fen(fen),
                invoice_no,
                paid_on,
            })
        })
        .collect()
}
