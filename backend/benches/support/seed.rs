//! Seeding a database for the load bench and the read-plan guard (`backend/tests/read_plans.rs`):
//! enterprises in every county, projects spread over all the states, each with the history a
//! valid path of the state machine leaves, its expenses and its payment instructions, by direct
//! diesel batch inserts in one transaction.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use dtpilot_api_types::programme::Capability;
use dtpilot_backend::db::schema::{
    assignments, batch_enterprises, batches, enterprises, expenses, payments, project_history, projects, providers,
    stored_files, users,
};
use dtpilot_backend::db::{self, DbConn, DbPool};
use dtpilot_backend::users::{self as user_repo, NewUser};
use dtpilot_domain::ledger::{self, Due, PaymentKind};
use dtpilot_domain::reference::{County, ExpenseCategory, Industry};
use dtpilot_domain::state::{self, Action, Actor, ProjectState, Role};
use dtpilot_domain::{DigitalLevel, Money, PolicyProfile, rules};

/// The password of every seeded account.
pub const PW: &str = "Bench-Password-9";

// Seeding
// ---------------------------------------------------------------------------------------------

#[derive(Insertable)]
#[diesel(table_name = batches)]
struct BatchRow {
    number: i64,
    name: String,
    diagnosis_due: NaiveDate,
    retrofit_due: NaiveDate,
    acceptance_start: NaiveDate,
    acceptance_end: NaiveDate,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = providers)]
struct ProviderRow {
    name: String,
    credit_code: String,
    capabilities: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = enterprises)]
struct EnterpriseRow {
    name: String,
    credit_code: String,
    county: &'static str,
    industry: &'static str,
    above_designated_size: bool,
    employees: i64,
    annual_revenue_fen: i64,
    is_little_giant: bool,
    central_fund_excluded: bool,
    contact_name: &'static str,
    contact_phone: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
struct UserRow<'a> {
    username: String,
    password_hash: &'a str,
    role: &'static str,
    display_name: String,
    county: Option<&'static str>,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = batch_enterprises)]
struct MemberRow {
    batch_id: i64,
    enterprise_id: i64,
    added_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = assignments, treat_none_as_default_value = false)]
struct AssignmentRow {
    enterprise_id: i64,
    provider_id: i64,
    assigned_by: Option<i64>,
    assigned_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = stored_files, treat_none_as_default_value = false)]
struct FileRow {
    sha256: String,
    size_bytes: i64,
    content_type: &'static str,
    original_name: &'static str,
    uploaded_by: Option<i64>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = projects, treat_none_as_default_value = false)]
struct ProjectRow {
    enterprise_id: i64,
    batch_id: i64,
    provider_id: i64,
    county: &'static str,
    industry: &'static str,
    contract_no: String,
    contract_amount_fen: i64,
    planned_investment_fen: i64,
    target_level: i64,
    overlapping_support_declared: bool,
    status: &'static str,
    policy_id: String,
    policy_version: i64,
    planned_subsidy_fen: i64,
    prepayment_fen: i64,
    achieved_level: Option<i64>,
    evaluation_score_centi: Option<i64>,
    evaluated_on: Option<NaiveDate>,
    evaluation_file_id: Option<i64>,
    final_subsidy_fen: Option<i64>,
    cancel_reason: Option<&'static str>,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = project_history, treat_none_as_default_value = false)]
struct HistoryRow {
    project_id: i64,
    from_status: Option<&'static str>,
    to_status: &'static str,
    action: &'static str,
    actor_id: Option<i64>,
    actor_role: Option<&'static str>,
    comment: &'static str,
    at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = expenses)]
struct ExpenseRow {
    project_id: i64,
    enterprise_id: i64,
    category: &'static str,
    amount_fen: i64,
    invoice_no: String,
    paid_on: NaiveDate,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = payments, treat_none_as_default_value = false)]
struct PaymentRow {
    kind: &'static str,
    project_id: Option<i64>,
    enterprise_id: Option<i64>,
    provider_id: Option<i64>,
    county: Option<&'static str>,
    payee: String,
    direction: &'static str,
    amount_fen: i64,
    central_fen: i64,
    city_fen: i64,
    county_fen: i64,
    status: &'static str,
    created_at: NaiveDateTime,
    approved_by: Option<i64>,
    approved_at: Option<NaiveDateTime>,
    paid_on: Option<NaiveDate>,
    voucher_no: Option<String>,
    executed_by: Option<i64>,
    executed_at: Option<NaiveDateTime>,
    cancelled_at: Option<NaiveDateTime>,
}

/// Insert `rows` in multi-row statements of `chunk` rows (below both databases' bind-parameter
/// limits), on the connection's own backend: diesel's `MultiConnection` has no batch insert.
/// (Same session, so inside the seeding transaction.)
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr, $chunk:expr) => {{
        let mut n = 0usize;
        for part in $rows.chunks($chunk) {
            n += match &mut *$conn {
                DbConn::Sqlite(c) => diesel::insert_into($table).values(part).execute(c)?,
                DbConn::Postgresql(c) => diesel::insert_into($table).values(part).execute(c)?,
            };
        }
        n
    }};
}

/// Why seeding stopped.
#[derive(Debug)]
struct SeedError(String);

impl From<diesel::result::Error> for SeedError {
    fn from(e: diesel::result::Error) -> Self {
        SeedError(format!("database: {e}"))
    }
}

impl From<String> for SeedError {
    fn from(e: String) -> Self {
        SeedError(e)
    }
}

/// How the projects are spread over the states (per mille): a programme a few batches in.
const STATE_MIX: [(ProjectState, u64); 15] = [
    (ProjectState::Draft, 40),
    (ProjectState::Submitted, 60),
    (ProjectState::Returned, 20),
    (ProjectState::CountyRecommended, 40),
    (ProjectState::Approved, 20),
    (ProjectState::InNotice, 20),
    (ProjectState::Rejected, 50),
    (ProjectState::Cleared, 20),
    (ProjectState::InProgress, 200),
    (ProjectState::AwaitingAcceptance, 80),
    (ProjectState::Accepted, 60),
    (ProjectState::Failed, 20),
    (ProjectState::Settled, 300),
    (ProjectState::Closed, 20),
    (ProjectState::Cancelled, 50),
];

/// A deterministic pseudo-random number from `seed` (splitmix64).
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn pick_state(r: u64) -> ProjectState {
    let mut x = r % 1000;
    for (s, w) in STATE_MIX {
        if x < w {
            return s;
        }
        x -= w;
    }
    ProjectState::Draft
}

/// The actions that lead from `draft` to `target`, along the ways SPEC §5 allows.
fn path_to(target: ProjectState) -> Vec<Action> {
    use Action as A;
    use ProjectState as S;
    const MAIN: [A; 7] = [
        A::Submit,
        A::CountyRecommend,
        A::CityApprove,
        A::PublishNotice,
        A::ClearNotice,
        A::PrepaymentPaid,
        A::Complete,
    ];
    let main = |k: usize, tail: &[A]| MAIN[..k].iter().chain(tail).copied().collect::<Vec<_>>();
    match target {
        S::Draft => Vec::new(),
        S::Submitted => main(1, &[]),
        S::Returned => vec![A::Submit, A::CountyReturn],
        S::Rejected => vec![A::Submit, A::CountyReject],
        S::CountyRecommended => main(2, &[]),
        S::Approved => main(3, &[]),
        S::InNotice => main(4, &[]),
        S::Cleared => main(5, &[]),
        S::InProgress => main(6, &[]),
        S::AwaitingAcceptance => main(7, &[]),
        S::Accepted => main(7, &[A::EvaluatePass]),
        S::Settled => main(7, &[A::EvaluatePass, A::SettlementDone]),
        S::Failed => main(7, &[A::EvaluateFail]),
        S::Closed => main(7, &[A::EvaluateFail, A::RecoveryReceived]),
        S::Cancelled => main(6, &[A::Cancel]),
    }
}

/// Who takes `action` in the seeded history (money moves when finance executes an instruction).
fn actor_role(action: Action) -> Role {
    match action {
        Action::Edit | Action::Submit | Action::Complete => Role::Enterprise,
        Action::CountyRecommend | Action::CountyReturn | Action::CountyReject => Role::County,
        Action::EvaluatePass | Action::EvaluateFail => Role::Evaluator,
        Action::PrepaymentPaid | Action::SettlementDone | Action::RecoveryReceived => Role::Finance,
        Action::CityApprove
        | Action::CityReturn
        | Action::CityReject
        | Action::PublishNotice
        | Action::ClearNotice
        | Action::UpholdObjection
        | Action::Cancel => Role::City,
    }
}

/// A valid unified social credit code (GB 32100-2015 check character) from a number.
fn credit_code(prefix: &str, n: usize) -> Result<String, String> {
    let body = format!("{prefix}{n:09}");
    let check = dtpilot_domain::validation::credit_code_check_char(&body).map_err(|e| format!("{body}: {e}"))?;
    Ok(format!("{body}{check}"))
}

fn level(n: u8) -> Result<DigitalLevel, String> {
    DigitalLevel::new(n).ok_or_else(|| format!("level {n}"))
}

/// One project as planned before its id is known.
struct Plan {
    enterprise: usize,
    batch: usize,
    provider: usize,
    status: ProjectState,
    county: County,
    created_at: NaiveDateTime,
    /// The path from `draft`, each step with who takes it (`None`: the platform).
    steps: Vec<(Action, ProjectState, Option<Role>)>,
    /// (category, fen) of the expenses.
    expenses: Vec<(ExpenseCategory, i64)>,
    /// The instructions with the status they reached: (due, status, step index that made it due).
    payments: Vec<(Due, &'static str, usize)>,
}

/// The accounts created the normal way.
struct Staff {
    city: i64,
    finance: i64,
    evaluator: i64,
    /// By `County::ALL` index.
    counties: Vec<i64>,
}

/// What was seeded, and what the measurements need.
pub struct Seeded {
    pub enterprises: usize,
    pub providers: usize,
    pub batches: usize,
    pub projects: usize,
    pub history: usize,
    pub expenses: usize,
    pub payments: usize,
    pub users: usize,
    pub by_status: Vec<(ProjectState, usize)>,
    pub project_ids: Vec<i64>,
    pub county: County,
    pub county_projects: usize,
    pub enterprise_projects: usize,
    pub seconds_millis: u128,
}

pub fn seed(pool: &DbPool, profile: &PolicyProfile, n_projects: usize, data_dir: &Path) -> Result<Seeded, String> {
    let started = Instant::now();
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let mut seeded =
        db::write_transaction(&mut conn, |c| seed_in(c, profile, n_projects, data_dir)).map_err(|SeedError(e)| e)?;
    seeded.seconds_millis = started.elapsed().as_millis();
    Ok(seeded)
}

fn seed_in(c: &mut DbConn, profile: &PolicyProfile, n_projects: usize, data_dir: &Path) -> Result<Seeded, SeedError> {
    let now = db::now_utc();
    let t0 = now - TimeDelta::days(500);
    let day = |d: i64| t0 + TimeDelta::days(d);
    let date = |d: i64| day(d).date();

    // Batches, providers, enterprises: 14 counties × (projects / 50) enterprises, 28,000 for 100,000.
    let per_county = (n_projects / 50).max(1);
    let n_enterprises = per_county * County::ALL.len();
    let n_batches = n_projects.div_ceil(n_enterprises);
    let n_providers = (n_enterprises / 500).max(8);
    let batch_rows: Vec<BatchRow> = (0..n_batches)
        .map(|b| {
            let b = i64::try_from(b).unwrap_or(0);
            BatchRow {
                number: b + 1,
                name: format!("第{}批", b + 1),
                diagnosis_due: date(30 + 120 * b),
                retrofit_due: date(210 + 120 * b),
                acceptance_start: date(211 + 120 * b),
                acceptance_end: date(270 + 120 * b),
                created_at: day(120 * b),
            }
        })
        .collect();
    insert_all!(c, batches::table, batch_rows, 1000);
    let batch_ids: Vec<i64> = batches::table.order(batches::number.asc()).select(batches::id).load(c)?;

    let capabilities = serde_json::to_string(&[Capability::Diagnosis, Capability::Retrofit, Capability::Cloud])
        .map_err(|e| e.to_string())?;
    let provider_rows = (0..n_providers)
        .map(|k| {
            Ok(ProviderRow {
                name: format!("长治数字化服务商{k:03}有限公司"),
                credit_code: credit_code("9114040P", k)?,
                capabilities: capabilities.clone(),
                created_at: day(0),
                updated_at: day(0),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    insert_all!(c, providers::table, provider_rows, 1000);
    let provider_ids: Vec<i64> = providers::table.order(providers::id.asc()).select(providers::id).load(c)?;

    let enterprise_rows = (0..n_enterprises)
        .map(|e| {
            let r = mix(1_000_000 + e as u64);
            let county = County::ALL[e % County::ALL.len()];
            let industry = Industry::ALL[(e / County::ALL.len()) % Industry::ALL.len()];
            Ok(EnterpriseRow {
                name: format!("{}{}示范企业{e:05}", county.name_zh(), industry.name_zh()),
                credit_code: credit_code("9114040E", e)?,
                county: county.code(),
                industry: industry.code(),
                above_designated_size: r.is_multiple_of(3),
                employees: 20 + i64::try_from(r % 900).unwrap_or(0),
                annual_revenue_fen: 100 * (5_000_000 + i64::try_from(r % 300_000_000).unwrap_or(0)),
                is_little_giant: r % 50 == 7,
                central_fund_excluded: r % 20 == 3,
                contact_name: "张工",
                contact_phone: format!("139{:08}", r % 100_000_000),
                created_at: day(1),
                updated_at: day(1),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    insert_all!(c, enterprises::table, enterprise_rows, 1000);
    let enterprise_ids: Vec<i64> = enterprises::table.order(enterprises::id.asc()).select(enterprises::id).load(c)?;
    let enterprise_central_excluded: Vec<bool> = enterprise_rows.iter().map(|e| e.central_fund_excluded).collect();

    // The accounts measured and the staff named in the history: the normal way.
    let mut create = |username: &str, role: Role, county: Option<County>, enterprise_id: Option<i64>| {
        let new = NewUser {
            username: username.to_string(),
            password: PW.to_string(),
            role,
            display_name: username.to_string(),
            county,
            enterprise_id,
            provider_id: None,
        };
        user_repo::create_user(c, new).map(|u| u.id).map_err(|e| SeedError(format!("create user {username}: {e}")))
    };
    let city = create("bench_city", Role::City, None, None)?;
    let finance = create("bench_finance", Role::Finance, None, None)?;
    let evaluator = create("bench_evaluator", Role::Evaluator, None, None)?;
    let mut counties = Vec::new();
    for county in County::ALL {
        counties.push(create(&format!("bench_county_{}", county.code()), Role::County, Some(*county), None)?);
    }
    // The measured enterprise: the first one (Luzhou), with a project in every batch.
    let measured_enterprise = create("bench_enterprise", Role::Enterprise, None, Some(enterprise_ids[0]))?;
    let staff = Staff { city, finance, evaluator, counties };

    // The other enterprises' accounts (actors in the history): one hash, computed once.
    let hash = dtpilot_backend::password::hash_password(PW).map_err(|e| e.to_string())?;
    let user_rows: Vec<UserRow> = (1..n_enterprises)
        .map(|e| UserRow {
            username: format!("ent{e:05}"),
            password_hash: &hash,
            role: Role::Enterprise.code(),
            display_name: enterprise_rows[e].name.clone(),
            county: None,
            enterprise_id: Some(enterprise_ids[e]),
            provider_id: None,
            active: true,
            created_at: day(1),
            updated_at: day(1),
        })
        .collect();
    insert_all!(c, users::table, user_rows, 1000);
    let by_enterprise: HashMap<i64, i64> = users::table
        .filter(users::role.eq(Role::Enterprise.code()))
        .select((users::enterprise_id.assume_not_null(), users::id))
        .load::<(i64, i64)>(c)?
        .into_iter()
        .collect();
    let enterprise_user = |e: usize| by_enterprise.get(&enterprise_ids[e]).copied();
    if enterprise_user(0) != Some(measured_enterprise) {
        return Err(SeedError("the measured enterprise's account is not the one seeded".into()));
    }

    // One evaluation report (metadata and bytes, as an upload stores them).
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(pdf))
    };
    let file_path = dtpilot_backend::uploads::FileStore::new(data_dir).path_of(&sha).map_err(|e| e.to_string())?;
    if let Some(dir) = file_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(&file_path, pdf).map_err(|e| e.to_string())?;
    let file_id: i64 = diesel::insert_into(stored_files::table)
        .values(FileRow {
            sha256: sha,
            size_bytes: i64::try_from(pdf.len()).unwrap_or(1),
            content_type: "application/pdf",
            original_name: "评测报告.pdf",
            uploaded_by: Some(staff.evaluator),
            created_at: day(2),
        })
        .returning(stored_files::id)
        .get_result(c)?;

    // The projects: enterprise i mod E in batch i div E, so (enterprise, batch) never repeats.
    let mut plans = Vec::with_capacity(n_projects);
    let mut project_rows = Vec::with_capacity(n_projects);
    for i in 0..n_projects {
        let (plan, mut row) =
            plan(profile, i, n_enterprises, n_providers, &enterprise_central_excluded, file_id, &day)?;
        row.enterprise_id = enterprise_ids[plan.enterprise];
        row.batch_id = batch_ids[plan.batch];
        row.provider_id = provider_ids[plan.provider];
        plans.push(plan);
        project_rows.push(row);
    }
    insert_all!(c, projects::table, project_rows, 1000);
    drop(project_rows);
    let project_ids: Vec<i64> = projects::table.order(projects::id.asc()).select(projects::id).load(c)?;
    if project_ids.len() != plans.len() {
        return Err(SeedError(format!("{} projects inserted, {} planned", project_ids.len(), plans.len())));
    }

    // History, expenses, payment instructions, batch members, assignments.
    let mut history = Vec::new();
    let mut expense_rows = Vec::new();
    let mut payment_rows = Vec::new();
    let mut members = HashSet::new();
    let mut pairs = HashSet::new();
    for (plan, &pid) in plans.iter().zip(&project_ids) {
        let eid = enterprise_ids[plan.enterprise];
        members.insert((batch_ids[plan.batch], eid));
        pairs.insert((eid, provider_ids[plan.provider]));
        let at = |k: usize| plan.created_at + TimeDelta::days(3 * i64::try_from(k).unwrap_or(0));
        let county_index = County::ALL.iter().position(|c| *c == plan.county).unwrap_or(0);
        let who = |role: Role| match role {
            Role::Enterprise => enterprise_user(plan.enterprise),
            Role::County => Some(staff.counties[county_index]),
            Role::City => Some(staff.city),
            Role::Finance => Some(staff.finance),
            Role::Evaluator => Some(staff.evaluator),
            Role::Provider | Role::Admin => None,
        };
        history.push(HistoryRow {
            project_id: pid,
            from_status: None,
            to_status: ProjectState::Draft.code(),
            action: "create",
            actor_id: enterprise_user(plan.enterprise),
            actor_role: Some(Role::Enterprise.code()),
            comment: "",
            at: at(0),
        });
        let mut from = ProjectState::Draft;
        for (k, (action, to, role)) in plan.steps.iter().enumerate() {
            let comment = if role.is_none() { "无需拨付或追回" } else { "" };
            history.push(HistoryRow {
                project_id: pid,
                from_status: Some(from.code()),
                to_status: to.code(),
                action: action.code(),
                actor_id: role.and_then(&who),
                actor_role: role.map(Role::code),
                comment,
                at: at(k + 1),
            });
            from = *to;
        }
        let spent_on = at(plan.steps.len().min(6)).date();
        for (k, (category, fen)) in plan.expenses.iter().enumerate() {
            expense_rows.push(ExpenseRow {
                project_id: pid,
                enterprise_id: eid,
                category: category.code(),
                amount_fen: *fen,
                invoice_no: format!("FP{pid:08}{k}"),
                paid_on: spent_on,
                created_at: at(6),
            });
        }
        let payee = &enterprise_rows[plan.enterprise].name;
        for (k, (due, status, step)) in plan.payments.iter().enumerate() {
            let created = at(*step);
            let approved = matches!(*status, "approved" | "paid").then(|| created + TimeDelta::hours(20));
            let paid = (*status == "paid").then(|| created + TimeDelta::hours(44));
            payment_rows.push(PaymentRow {
                kind: due.kind.code(),
                project_id: Some(pid),
                enterprise_id: Some(eid),
                provider_id: None,
                county: Some(plan.county.code()),
                payee: payee.clone(),
                direction: due.kind.direction().code(),
                amount_fen: due.amount.to_fen(),
                central_fen: due.funds.central.to_fen(),
                city_fen: due.funds.city.to_fen(),
                county_fen: due.funds.county.to_fen(),
                status,
                created_at: created,
                approved_by: approved.map(|_| staff.city),
                approved_at: approved,
                paid_on: paid.map(|t| t.date()),
                voucher_no: paid.map(|_| format!("PZ{pid:08}{k}")),
                executed_by: paid.map(|_| staff.finance),
                executed_at: paid,
                cancelled_at: None,
            });
        }
    }
    let history_n = insert_all!(c, project_history::table, history, 2000);
    let expenses_n = insert_all!(c, expenses::table, expense_rows, 2000);
    let payments_n = insert_all!(c, payments::table, payment_rows, 1000);
    let mut members: Vec<(i64, i64)> = members.into_iter().collect();
    members.sort_unstable();
    let member_rows: Vec<MemberRow> = members
        .into_iter()
        .map(|(batch_id, enterprise_id)| MemberRow { batch_id, enterprise_id, added_at: day(5) })
        .collect();
    insert_all!(c, batch_enterprises::table, member_rows, 5000);
    let mut pairs: Vec<(i64, i64)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    let assignment_rows: Vec<AssignmentRow> = pairs
        .into_iter()
        .map(|(enterprise_id, provider_id)| AssignmentRow {
            enterprise_id,
            provider_id,
            assigned_by: Some(staff.city),
            assigned_at: day(6),
        })
        .collect();
    insert_all!(c, assignments::table, assignment_rows, 2000);

    let by_status = STATE_MIX.iter().map(|(s, _)| (*s, plans.iter().filter(|p| p.status == *s).count())).collect();
    let county = County::ALL[0];
    Ok(Seeded {
        enterprises: n_enterprises,
        providers: n_providers,
        batches: n_batches,
        projects: n_projects,
        history: history_n,
        expenses: expenses_n,
        payments: payments_n,
        // Staff (city, finance, evaluator, one per county) and one per enterprise.
        users: 3 + County::ALL.len() + by_enterprise.len(),
        by_status,
        county_projects: plans.iter().filter(|p| p.county == county).count(),
        enterprise_projects: plans.iter().filter(|p| p.enterprise == 0).count(),
        county,
        project_ids,
        seconds_millis: 0,
    })
}

/// Project `i`: its state, figures (the policy rules), path and the instructions its state made due.
fn plan(
    profile: &PolicyProfile,
    i: usize,
    n_enterprises: usize,
    n_providers: usize,
    central_excluded: &[bool],
    file_id: i64,
    day: &dyn Fn(i64) -> NaiveDateTime,
) -> Result<(Plan, ProjectRow), String> {
    use ProjectState as S;
    let r = mix(i as u64);
    let enterprise = i % n_enterprises;
    let batch = i / n_enterprises;
    let provider = usize::try_from(mix(r) % n_providers as u64).unwrap_or(0);
    let county = County::ALL[enterprise % County::ALL.len()];
    let industry = Industry::ALL[(enterprise / County::ALL.len()) % Industry::ALL.len()];
    let excluded = central_excluded[enterprise];
    let target = level(2 + u8::try_from((r >> 8) % 3).unwrap_or(0))?;
    let investment = Money::from_fen(100 * (200_000 + i64::try_from((r >> 16) % 2_800_000).unwrap_or(0)));
    let planned = rules::planned_subsidy(profile, investment, target).map_err(|e| e.to_string())?;
    let prepayment = rules::prepayment(profile, planned);
    let mut status = pick_state(r >> 32);

    // What was spent (from in_progress on): eligible categories and some that are not.
    let spent = matches!(
        status,
        S::InProgress | S::AwaitingAcceptance | S::Accepted | S::Settled | S::Failed | S::Closed | S::Cancelled
    );
    let actual = investment.to_fen() / 1000 * (850 + i64::try_from((r >> 40) % 300).unwrap_or(0));
    let expenses = if spent {
        vec![
            (ExpenseCategory::Software, actual / 100 * 45),
            (ExpenseCategory::DataAcquisition, actual / 100 * 40),
            (ExpenseCategory::Other, actual / 100 * 15),
        ]
    } else {
        Vec::new()
    };
    let eligible = rules::eligible_investment(expenses.iter().map(|(c, fen)| (*c, Money::from_fen(*fen))));

    // Evaluation: passed at the target (sometimes a level lower), failed at level 1.
    let passed = matches!(status, S::Accepted | S::Settled);
    let failed = matches!(status, S::Failed | S::Closed);
    let achieved = if passed {
        let t = target.get();
        Some(level(if t > 2 && (r >> 48).is_multiple_of(5) { t - 1 } else { t })?)
    } else if failed {
        Some(level(1)?)
    } else {
        None
    };
    let final_subsidy = achieved.map(|a| rules::final_subsidy(profile, eligible, a, Some(planned)));
    let prepay_due = ledger::due(profile, PaymentKind::Prepayment, prepayment, excluded);
    let settle_due = final_subsidy
        .and_then(|f| ledger::settlement_due(profile, f, prepay_due.map_or(Money::ZERO, |d| d.amount), excluded));
    // An accepted project with nothing left to pay or recover settles at once (the platform).
    if status == S::Accepted && settle_due.is_none() {
        status = S::Settled;
    }

    // The path, each step checked against the state machine.
    let actions = path_to(status);
    let mut steps = Vec::with_capacity(actions.len());
    let mut from = S::Draft;
    for action in actions {
        let platform = action == Action::SettlementDone && settle_due.is_none();
        let role = (!platform).then(|| actor_role(action));
        let actor = role.map_or(Actor::Platform, Actor::User);
        let to = state::transition(from, action, actor).map_err(|e| format!("project {i}: {e}"))?;
        steps.push((action, to, role));
        from = to;
    }
    if from != status {
        return Err(format!("project {i}: the path ends in {from}, not {status}"));
    }
    let step_of = |a: Action| steps.iter().position(|(x, _, _)| *x == a).map_or(0, |k| k + 1);

    // The instructions the states made due, with the status they reached.
    let mut payments = Vec::new();
    if let Some(due) = prepay_due {
        match status {
            S::Cleared => payments.push((due, "pending", step_of(Action::ClearNotice))),
            S::Draft | S::Submitted | S::Returned | S::CountyRecommended | S::Approved | S::InNotice | S::Rejected => {}
            _ => payments.push((due, "paid", step_of(Action::ClearNotice))),
        }
    }
    if let Some(due) = settle_due {
        let made_due = step_of(if passed { Action::EvaluatePass } else { Action::EvaluateFail });
        match status {
            S::Accepted => {
                payments.push((due, if (r >> 52).is_multiple_of(2) { "pending" } else { "approved" }, made_due))
            }
            S::Failed => payments.push((due, "pending", made_due)),
            S::Settled | S::Closed => payments.push((due, "paid", made_due)),
            _ => {}
        }
    }
    if status == S::Cancelled
        && let Some(paid) = prepay_due
        && let Some(due) = ledger::due(profile, PaymentKind::Recovery, paid.amount, excluded)
    {
        payments.push((due, "pending", step_of(Action::Cancel)));
    }

    let created_at =
        day(10 + 120 * i64::try_from(batch).unwrap_or(0)) + TimeDelta::seconds(i64::try_from(i % 86_400).unwrap_or(0));
    let updated_at = created_at + TimeDelta::days(3 * i64::try_from(steps.len()).unwrap_or(0));
    let evaluated_on = achieved.map(|_| (created_at + TimeDelta::days(3 * 8)).date());
    let row = ProjectRow {
        enterprise_id: 0,
        batch_id: 0,
        provider_id: 0,
        county: county.code(),
        industry: industry.code(),
        contract_no: format!("HT-{}-{i:06}", 2025 + batch),
        contract_amount_fen: investment.to_fen() / 100 * 110,
        planned_investment_fen: investment.to_fen(),
        target_level: i64::from(target.get()),
        overlapping_support_declared: false,
        status: status.code(),
        policy_id: profile.id.clone(),
        policy_version: i64::from(profile.version),
        planned_subsidy_fen: planned.to_fen(),
        prepayment_fen: prepayment.to_fen(),
        achieved_level: achieved.map(|a| i64::from(a.get())),
        evaluation_score_centi: achieved
            .map(|a| (if a.get() >= 2 { 7500 } else { 4000 }) + i64::try_from((r >> 20) % 1500).unwrap_or(0)),
        evaluated_on,
        evaluation_file_id: achieved.map(|_| file_id),
        final_subsidy_fen: final_subsidy.map(Money::to_fen),
        cancel_reason: (status == S::Cancelled).then_some("cancelled"),
        version: 1 + i64::try_from(steps.len()).unwrap_or(0),
        created_at,
        updated_at,
    };
    Ok((Plan { enterprise, batch, provider, status, county, created_at, steps, expenses, payments }, row))
}
