//! `dtpilot serve --demo`: a living demo on an empty database (SPEC §8).
//!
//! Everything goes through the **real application**: [`seed`] builds the app in-process
//! ([`crate::app::build`]) and drives the whole pilot over HTTP requests, as each role, with tokens
//! from `POST /api/v1/auth/login` — the bureau registers providers and batches, the counties
//! register and review their enterprises, providers upload diagnostic reports, enterprises apply,
//! record expenses and declare completion, the evaluator uploads acceptance reports, the city
//! approves and finance executes payments. No row is written directly (except the first admin
//! account, created as `dtpilot create-user` does), so the demo can never disagree with the rules.
//!
//! The content is deterministic (names, codes, amounts and states are the same on every run):
//! 60 fictional enterprises over all 14 counties and 4 industries, 8 providers (one suspended),
//! 3 batches, and projects in every state of SPEC §5 with payments pending, approved and paid, a
//! closed and an open public notice, and recoveries. Batch dates are the programme's (planning
//! data); event dates (notices, payments, evaluations) lie on the programme timeline, shifted back
//! when needed so that they are never in the future — except the open notice, which runs from
//! yesterday to five days ahead.
//!
//! Every account has the password [`PASSWORD`]; [`DemoSummary::banner`] lists them all.

mod catalogue;
mod client;
mod imports;
mod ledger;
mod plan;
mod summary;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Instant;

use actix_web::dev::Service as _;
use actix_web::test::TestRequest;
use actix_web::web::{self};
use chrono::{Duration, NaiveDate};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::state::{ProjectState, Role};
use serde_json::{Value, json};

use crate::app::{self, AppState};
use crate::error::ApiError;
use crate::users::{self, NewUser};
use crate::workflow::today_cst;

use client::*;
pub use imports::IMPORTED;
use plan::Goal as G;
use plan::*;
pub use summary::{DemoAccount, DemoSummary};

/// The one password of every demo account.
pub const PASSWORD: &str = "Demo-2026!";
/// 平台管理员 (created directly, as `dtpilot create-user` does: an empty database has nobody to ask).
pub const ADMIN: &str = "admin";
/// 市工信局.
pub const CITY: &str = "city";
/// 市财政局.
pub const FINANCE: &str = "finance";
/// 第三方评测机构.
pub const EVALUATOR: &str = "evaluator";
/// How many enterprises the demo registers (`ent01` … `ent60`).
pub const ENTERPRISES: usize = 60;
/// How many providers (`provider01` … `provider08`; the last is suspended).
pub const PROVIDERS: usize = 8;

/// The account of a county's 工信部门.
pub fn county_username(county: County) -> String {
    format!("county_{}", county.code())
}

/// The account of provider `n` (1-based).
pub fn provider_username(n: usize) -> String {
    format!("provider{n:02}")
}

/// The account of enterprise `n` (1-based).
pub fn enterprise_username(n: usize) -> String {
    format!("ent{n:02}")
}

// ---------------------------------------------------------------------------------------------
// The seed
// ---------------------------------------------------------------------------------------------

/// Dates of the programme (2025-12 → 2026-07), moved back as a whole if needed so that none is in
/// the future.
struct Timeline {
    today: NaiveDate,
    shift: Duration,
}

impl Timeline {
    /// The latest event date below.
    const LATEST: (i32, u32, u32) = (2026, 6, 25);

    fn new(today: NaiveDate) -> Timeline {
        let latest = ymd(Self::LATEST);
        let shift = if latest < today { Duration::zero() } else { (latest - today) + Duration::days(1) };
        Timeline { today, shift }
    }

    fn on(&self, date: (i32, u32, u32)) -> String {
        (ymd(date) - self.shift).to_string()
    }
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

const NOTICE_1: ((i32, u32, u32), (i32, u32, u32)) = ((2026, 2, 2), (2026, 2, 8));
const NOTICE_2: ((i32, u32, u32), (i32, u32, u32)) = ((2026, 3, 16), (2026, 3, 22));
const PREPAID_1: (i32, u32, u32) = (2026, 2, 27);
const PREPAID_2: (i32, u32, u32) = (2026, 4, 3);
const EVALUATED: (i32, u32, u32) = (2026, 5, 20);
const SETTLED: (i32, u32, u32) = (2026, 6, 15);
const RECOVERED: (i32, u32, u32) = (2026, 6, 25);

/// The batches: (number, name, diagnosis_due, retrofit_due, acceptance_start, acceptance_end).
const BATCHES: [(u32, &str, &str, &str, &str, &str); 3] = [
    (1, "第一批", "2026-01-15", "2026-04-30", "2026-05-01", "2026-05-31"),
    (2, "第二批", "2026-02-28", "2026-05-31", "2026-06-01", "2026-06-30"),
    (3, "第三批", "2026-03-31", "2026-06-30", "2026-07-01", "2026-07-31"),
];

struct Tokens {
    admin: String,
    city: String,
    finance: String,
    evaluator: String,
    county: BTreeMap<County, String>,
    providers: Vec<(i64, String)>,
}

impl Tokens {
    fn county(&self, county: County) -> Result<&str, String> {
        self.county.get(&county).map(String::as_str).ok_or_else(|| format!("no token for {county}"))
    }
}

/// Fill an **empty** database (no users; refused otherwise) with the demo, through the real
/// application in-process. Returns what was made; the caller prints [`DemoSummary::banner`].
pub async fn seed(state: web::Data<AppState>) -> Result<DemoSummary, String> {
    let started = Instant::now();
    let users = state.db(|c| Ok(users::count_users(c)?)).await.map_err(|e| e.to_string())?;
    if users > 0 {
        return Err(format!("the database already has {users} users; the demo fills only an empty one"));
    }
    // The first account: nobody can ask for it over HTTP yet (as `dtpilot create-user`).
    let admin = NewUser {
        username: ADMIN.into(),
        password: PASSWORD.into(),
        role: Role::Admin,
        display_name: "平台管理员(演示)".into(),
        county: None,
        enterprise_id: None,
        provider_id: None,
    };
    state
        .db(move |c| users::create_user(c, admin).map(drop).map_err(ApiError::internal))
        .await
        .map_err(|e| e.to_string())?;

    // (`init_service` panics if the app fails to initialise: ours has no fallible data factory.)
    let app = actix_web::test::init_service(app::build(state.clone())).await;
    let app = Rc::new(app);
    let send: Send = Box::new(move |req: TestRequest| {
        let app = app.clone();
        Box::pin(async move {
            let resp = app.call(req.to_request()).await.map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let bytes = actix_web::body::to_bytes(resp.into_body()).await.map_err(|e| {
                let e: Box<dyn std::error::Error> = e.into();
                e.to_string()
            })?;
            Ok((status, bytes))
        })
    });
    let api = Api { send, requests: Cell::new(0) };
    let timeline = Timeline::new(today_cst());
    let mut summary = DemoSummary::default();
    summary.accounts.push(DemoAccount {
        username: ADMIN.into(),
        role: Role::Admin,
        display_name: "平台管理员(演示)".into(),
        note: "管理账号 / manages accounts".into(),
    });

    let mut ents: Vec<Ent> = PLAN.iter().enumerate().map(|(i, p)| Ent::new(i, *p)).collect();
    let tokens = staff(&api, &mut summary).await?;
    let batch_ids = programme(&api, &tokens, &mut ents).await?;
    enterprise_accounts(&api, &tokens, &mut ents, &mut summary).await?;
    projects(&api, &tokens, &mut ents, &batch_ids, &timeline).await?;
    imports::seed_imports(&api, &tokens.city, tokens.county(County::Luzhou)?, batch_ids[2]).await?;
    ledger::seed(&api, &tokens, &ents, &timeline).await?;
    // Last: a provider suspended after its contracts were signed; credit flags found later.
    let (suspended, _) = tokens.providers[PROVIDERS - 1];
    api.patch(
        &format!("/providers/{suspended}"),
        &tokens.city,
        &json!({"status": "suspended", "reason": SUSPENSION_REASON}),
    )
    .await?;
    for e in ents.iter().filter(|e| matches!(e.goal, G::CreditAbnormal | G::Dishonest | G::ClearedBlocked)) {
        let flag = if e.goal == G::Dishonest { "dishonest" } else { "credit_abnormal" };
        flag_enterprise(&api, tokens.county(e.county)?, e.id, flag).await?;
    }
    catalogue::seed(&api, &tokens, &ents).await?;

    // Count through the API.
    for &s in ProjectState::ALL {
        let page = api.get(&format!("/projects?status={s}&per_page=1"), &tokens.city).await?;
        summary.projects_by_state.push((s, page["total"].as_i64().unwrap_or(0)));
    }
    for s in ["pending", "approved", "paid", "cancelled"] {
        let page = api.get(&format!("/payments?status={s}&per_page=1"), &tokens.city).await?;
        summary.payments_by_status.push((s.to_string(), page["total"].as_i64().unwrap_or(0)));
    }
    for &c in County::ALL {
        let page = api.get(&format!("/enterprises?county={c}&per_page=1"), &tokens.city).await?;
        summary.counties += usize::from(page["total"].as_i64().unwrap_or(0) > 0);
    }
    for &i in Industry::ALL {
        let page = api.get(&format!("/enterprises?industry={i}&per_page=1"), &tokens.city).await?;
        summary.industries += usize::from(page["total"].as_i64().unwrap_or(0) > 0);
    }
    for &s in ProjectState::ALL {
        if let Some(e) = ents.iter().find(|e| e.goal.has_project() && state_of(e.goal) == s) {
            summary.guide.push((e.username(), s, e.name.clone()));
        }
    }
    summary.enterprises = ents.len() + IMPORTED;
    summary.providers = PROVIDERS;
    summary.batches = BATCHES.len();
    summary.notices_closed = 2;
    summary.notices_open = 1;
    summary.requests = api.requests.get();
    summary.elapsed_ms = started.elapsed().as_millis();
    let missing = summary.missing_states();
    if !missing.is_empty() {
        tracing::warn!(?missing, "demo: some project states have no project (a different policy profile?)");
    }
    Ok(summary)
}

/// The state a goal's project ends in.
fn state_of(goal: Goal) -> ProjectState {
    use ProjectState as S;
    match goal {
        G::Draft => S::Draft,
        G::Submitted => S::Submitted,
        G::ReturnedByCounty | G::ReturnedByCity => S::Returned,
        G::CountyRecommended => S::CountyRecommended,
        G::Approved => S::Approved,
        G::InNotice => S::InNotice,
        G::RejectedByCounty | G::RejectedByCity | G::RejectedObjection => S::Rejected,
        G::ClearedPending | G::ClearedApproved | G::ClearedBlocked => S::Cleared,
        G::InProgress => S::InProgress,
        G::AwaitingAcceptance => S::AwaitingAcceptance,
        G::AcceptedBalancePending | G::AcceptedBalanceApproved | G::AcceptedRecoveryPending => S::Accepted,
        G::FailedRecoveryPending | G::FailedRecoveryApproved => S::Failed,
        G::SettledBalance
        | G::SettledWorkedExample
        | G::SettledLevel4
        | G::SettledZeroBalance
        | G::SettledByRecovery
        | G::SettledLittleGiant => S::Settled,
        G::Closed => S::Closed,
        G::CancelledFraud | G::CancelledBankrupt | G::CancelledWithdrawn | G::CancelledBeforePayment => S::Cancelled,
        G::Diagnosed | G::Assigned | G::CreditAbnormal | G::Dishonest | G::NonSme | G::Surveyed => S::Draft,
    }
}

/// What an enterprise account shows, for the account table.
fn story(goal: Goal) -> &'static str {
    match goal {
        G::Draft => "草稿,尚未提交 / draft",
        G::Submitted => "已申报,待县级初审 / submitted",
        G::ReturnedByCounty => "县级初审退回,待修改 / returned by the county",
        G::ReturnedByCity => "市级综合评审退回,待修改 / returned by the city",
        G::CountyRecommended => "县级推荐,待综合评审 / county-recommended",
        G::Approved => "综合评审通过,待公示 / approved",
        G::InNotice => "公示中(公示期未满) / in an open notice",
        G::RejectedByCounty => "县级不予推荐 / rejected by the county",
        G::RejectedByCity => "综合评审不通过 / rejected by the city",
        G::RejectedObjection => "公示异议成立 / objection upheld",
        G::ClearedPending => "公示无异议,预拨付待审批 / prepayment pending",
        G::ClearedApproved => "预拨付已审批,待财政拨付 / prepayment approved",
        G::ClearedBlocked => "预拨付待审批,企业经营异常暂停拨付 / prepayment blocked (credit flag)",
        G::InProgress => "预拨付已到账,改造实施中 / in progress",
        G::AwaitingAcceptance => "已申请验收,待评测 / awaiting acceptance",
        G::AcceptedBalancePending => "验收通过,清算尾款待审批 / balance pending",
        G::AcceptedBalanceApproved => "验收通过,尾款已审批待拨付 / balance approved",
        G::AcceptedRecoveryPending => "验收通过但投资不足,多拨资金待追回 / recovery pending",
        G::FailedRecoveryPending => "验收未通过,预拨资金待追回 / failed, recovery pending",
        G::FailedRecoveryApproved => "验收未通过,追回已审批 / failed, recovery approved",
        G::SettledBalance => "尾款已拨付,已清算 / settled",
        G::SettledWorkedExample => "已清算(SPEC §4 算例:尾款 145000.00) / settled, the worked example",
        G::SettledLevel4 => "四级,封顶 450000.00,已清算 / settled at level 4",
        G::SettledZeroBalance => "最终补助等于预拨付,直接清算 / settled with nothing due",
        G::SettledByRecovery => "追回多拨资金后清算 / settled by a recovery",
        G::SettledLittleGiant => "小巨人,中央资金已支持,仅地方资金 (R8) / settled, local funds only",
        G::Closed => "验收未通过,资金已追回结案 / closed",
        G::CancelledFraud => "弄虚作假,项目取消、追回并取消资格 / cancelled for fraud",
        G::CancelledBankrupt => "企业破产,项目取消、追回已审批 / cancelled, bankrupt",
        G::CancelledWithdrawn => "企业撤回申报,项目取消 / cancelled (withdrawn)",
        G::CancelledBeforePayment => "公示后放弃实施,预拨付指令作废 / cancelled before payment",
        G::Diagnosed => "已诊断,尚未申报 / diagnosed, no application yet",
        G::Assigned => "已分配服务商,待诊断 / awaiting diagnosis",
        G::CreditAbnormal => "经营异常,不能申报 / flagged 经营异常",
        G::Dishonest => "失信,不能申报 / flagged 失信",
        G::NonSme => "非中小企业,不能申报 / not an SME",
        G::Surveyed => "已摸底,未入批次 / surveyed, in no batch",
    }
}

/// The bureau's, finance's, the evaluator's and the counties' accounts; the providers and theirs.
async fn staff(api: &Api, summary: &mut DemoSummary) -> Result<Tokens, String> {
    let admin = api.login(ADMIN).await?;
    let account = |username: String, role: Role, display_name: String, note: &str| DemoAccount {
        username,
        role,
        display_name,
        note: note.to_string(),
    };
    let mut list = vec![
        (account(CITY.into(), Role::City, "长治市工业和信息化局".into(), "全市 / whole city"), json!({}), true),
        (
            account(FINANCE.into(), Role::Finance, "长治市财政局".into(), "拨付与追回 / executes payments"),
            json!({}),
            true,
        ),
        (
            account(
                EVALUATOR.into(),
                Role::Evaluator,
                "山西省中小企业数字化评测中心(演示)".into(),
                "评测验收 / acceptance",
            ),
            json!({}),
            true,
        ),
    ];
    for &county in County::ALL {
        let name = format!("{}工业和信息化局", county.name_zh());
        list.push((
            account(county_username(county), Role::County, name, county.code()),
            json!({"county": county}),
            true,
        ));
    }
    let tokens = api.accounts(&admin, list.clone()).await?;
    summary.accounts.extend(list.into_iter().map(|(a, ..)| a));
    let (city, finance, evaluator) = (tokens[0].clone(), tokens[1].clone(), tokens[2].clone());
    let county: BTreeMap<County, String> = County::ALL.iter().copied().zip(tokens[3..].iter().cloned()).collect();

    let mut list = Vec::new();
    let mut ids = Vec::new();
    for (i, (name, capabilities)) in PROVIDER_NAMES.iter().enumerate() {
        let code = credit_code(&format!("91140400MA0P{:05}", 20_000 + i * 53))?;
        let p = api
            .post("/providers", &city, &json!({"name": name, "credit_code": code, "capabilities": capabilities}), 201)
            .await?;
        let pid = id(&p)?;
        ids.push(pid);
        let note = if i + 1 == PROVIDERS { "已暂停 / suspended" } else { "" };
        list.push((
            account(provider_username(i + 1), Role::Provider, (*name).to_string(), note),
            json!({"provider_id": pid}),
            true,
        ));
    }
    let provider_tokens = api.accounts(&admin, list.clone()).await?;
    summary.accounts.extend(list.into_iter().map(|(a, ..)| a));
    Ok(Tokens { admin, city, finance, evaluator, county, providers: ids.into_iter().zip(provider_tokens).collect() })
}

/// Batches; enterprises registered by their counties, put in batches, assigned and diagnosed.
async fn programme(api: &Api, t: &Tokens, ents: &mut [Ent]) -> Result<[i64; 3], String> {
    let mut batch_ids = [0; 3];
    for (slot, (number, name, diagnosis_due, retrofit_due, acceptance_start, acceptance_end)) in
        batch_ids.iter_mut().zip(BATCHES)
    {
        let body = json!({"number": number, "name": name, "diagnosis_due": diagnosis_due, "retrofit_due": retrofit_due,
            "acceptance_start": acceptance_start, "acceptance_end": acceptance_end});
        *slot = id(&api.post("/batches", &t.city, &body, 201).await?)?;
    }
    for e in ents.iter_mut() {
        e.id = id(&api.post("/enterprises", t.county(e.county)?, &e.body()?, 201).await?)?;
    }
    for (number, batch_id) in (1..).zip(batch_ids) {
        let members: Vec<i64> = ents.iter().filter(|e| e.batch == number).map(|e| e.id).collect();
        api.post(&format!("/batches/{batch_id}/enterprises"), &t.city, &json!({"enterprise_ids": members}), 200)
            .await?;
    }
    for e in ents.iter().filter(|e| !matches!(e.goal, G::NonSme | G::Surveyed)) {
        let (provider_id, _) = t.providers[e.provider];
        let body = json!({"provider_id": provider_id});
        api.post(&format!("/enterprises/{}/assignment", e.id), t.county(e.county)?, &body, 201).await?;
    }
    for e in ents.iter().filter(|e| e.goal.diagnosed()) {
        let (_, token) = &t.providers[e.provider];
        let (common, individual) = needs(e.industry);
        let level = if e.n.is_multiple_of(3) { 2 } else { 1 };
        let fee = if e.n.is_multiple_of(9) { 3_600_000 } else { 1_500_000 + ((e.n * 130_000) % 1_500_000) as i64 };
        let meta = json!({
            "estimated_level": level,
            "summary": format!("{}现有主要生产设备约 {} 台,联网率约 {}%,生产计划依靠人工排产,质量数据以纸质记录为主。建议优先实施{}与{}。",
                e.name, 40 + e.n * 3, 10 + (e.n * 7) % 40, common[0], individual[0]),
            "common_needs": common,
            "individual_needs": individual,
            "fee": yuan(fee),
        });
        let report = pdf(
            "Digital transformation diagnostic report (DEMO, fictional)",
            &[
                format!("Enterprise no. {:02}, county {}, industry {}", e.n, e.county.code(), e.industry.code()),
                format!("Provider no. {:02}", e.provider + 1),
                format!("Estimated digital level: {level}"),
                "This document was generated by dtpilot serve --demo.".into(),
            ],
        );
        let file = format!("diagnosis-ent{:02}.pdf", e.n);
        api.upload(&format!("/enterprises/{}/diagnoses", e.id), token, &meta, &file, report, 201).await?;
    }
    Ok(batch_ids)
}

/// An account for every enterprise; those with a project sign in.
async fn enterprise_accounts(api: &Api, t: &Tokens, ents: &mut [Ent], summary: &mut DemoSummary) -> Result<(), String> {
    let list: Vec<(DemoAccount, Value, bool)> = ents
        .iter()
        .map(|e| {
            let account = DemoAccount {
                username: e.username(),
                role: Role::Enterprise,
                display_name: e.name.clone(),
                note: format!("{} · {} · {}", e.county.name_zh(), e.industry.name_zh(), story(e.goal)),
            };
            (account, json!({"enterprise_id": e.id}), e.goal.has_project())
        })
        .collect();
    let tokens = api.accounts(&t.admin, list.clone()).await?;
    for (e, token) in ents.iter_mut().zip(tokens) {
        e.token = token;
    }
    summary.accounts.extend(list.into_iter().map(|(a, ..)| a));
    Ok(())
}

/// Approve (and, with a date, execute) the pending instruction of `kind` of a project; nothing
/// when none is pending (a rule made it 0.00 and the project moved on by itself).
async fn pay(api: &Api, t: &Tokens, project: i64, kind: &str, execute_on: Option<String>) -> Result<(), String> {
    let page = api.get(&format!("/payments?project_id={project}&kind={kind}&status=pending"), &t.city).await?;
    let Some(payment) = page["items"].as_array().and_then(|items| items.first()) else { return Ok(()) };
    let pid = id(payment)?;
    api.post(&format!("/payments/{pid}/approve"), &t.city, &json!({}), 200).await?;
    if let Some(paid_on) = execute_on {
        let voucher = if kind == "recovery" {
            format!("长财缴〔2026〕{pid:04}号")
        } else {
            format!("长财企拨〔2026〕{pid:04}号")
        };
        api.post(
            &format!("/payments/{pid}/execute"),
            &t.finance,
            &json!({"paid_on": paid_on, "voucher_no": voucher}),
            200,
        )
        .await?;
    }
    Ok(())
}

/// A county finds a credit flag (R16).
async fn flag_enterprise(api: &Api, county: &str, enterprise: i64, flag: &str) -> Result<(), String> {
    let current = api.get(&format!("/enterprises/{enterprise}"), county).await?;
    let mut body = json!({"version": current["version"]});
    body[flag] = json!(true);
    api.patch(&format!("/enterprises/{enterprise}"), county, &body).await?;
    Ok(())
}

/// Every project, stage by stage across all of them, as each role would.
async fn projects(api: &Api, t: &Tokens, ents: &mut [Ent], batch_ids: &[i64; 3], tl: &Timeline) -> Result<(), String> {
    // Applications.
    for e in ents.iter_mut().filter(|e| e.goal.has_project()) {
        let (planned, target) = e.plan();
        let (provider_id, _) = t.providers[e.provider];
        let body = json!({
            "batch_id": batch_ids[e.batch - 1],
            "provider_id": provider_id,
            "contract_no": format!("CZSZ-2026-{}-{:03}", e.batch, e.n),
            "contract_amount": yuan(planned + planned / 10),
            "planned_eligible_investment": yuan(planned),
            "target_level": target,
            "overlapping_support_declared": false,
        });
        e.project = id(&api.post("/projects", &e.token, &body, 201).await?)?;
    }
    let with_project = || ents.iter().filter(|e| e.goal.has_project());
    for e in with_project().filter(|e| e.goal != G::Draft) {
        api.post(&format!("/projects/{}/submit", e.project), &e.token, &json!({}), 200).await?;
    }
    for e in with_project().filter(|e| e.goal == G::CancelledWithdrawn) {
        let body = json!({"reason": "cancelled", "comment": "企业书面申请撤回申报"});
        api.post(&format!("/projects/{}/cancel", e.project), &t.city, &body, 200).await?;
    }
    // First-instance review by the county, comprehensive review by the city.
    for e in with_project() {
        if let Some((decision, comment)) = e.goal.county_review() {
            let body = json!({"decision": decision, "comment": comment});
            api.post(&format!("/projects/{}/county-review", e.project), t.county(e.county)?, &body, 200).await?;
        }
    }
    for e in with_project() {
        if let Some((decision, comment)) = e.goal.city_review() {
            let body = json!({"decision": decision, "comment": comment});
            api.post(&format!("/projects/{}/city-review", e.project), &t.city, &body, 200).await?;
        }
    }
    // Public notices: two held and closed (the second with an upheld objection), one open now.
    let members = |batch: usize| -> Vec<i64> {
        ents.iter()
            .filter(|e| e.batch == batch && e.goal.noticed() && e.goal != G::InNotice)
            .map(|e| e.project)
            .collect()
    };
    let upheld: Vec<i64> = ents.iter().filter(|e| e.goal == G::RejectedObjection).map(|e| e.project).collect();
    for (batch, (starts, ends), upheld) in [(1, NOTICE_1, vec![]), (2, NOTICE_2, upheld)] {
        let body = json!({"project_ids": members(batch), "starts_on": tl.on(starts), "ends_on": tl.on(ends)});
        let notice = id(&api.post("/notices", &t.city, &body, 201).await?)?;
        for project in &upheld {
            let objection = json!({"project_id": project, "content": "群众反映该企业改造合同金额与实际不符,经核实属实", "received_on": tl.on(ends)});
            api.post(&format!("/notices/{notice}/objections"), &t.city, &objection, 201).await?;
        }
        api.post(&format!("/notices/{notice}/close"), &t.city, &json!({"upheld_project_ids": upheld}), 200).await?;
    }
    let open: Vec<i64> = ents.iter().filter(|e| e.goal == G::InNotice).map(|e| e.project).collect();
    let (starts, ends) = (tl.today - Duration::days(1), tl.today + Duration::days(5));
    api.post("/notices", &t.city, &json!({"project_ids": open, "starts_on": starts, "ends_on": ends}), 201).await?;
    // Prepayments (R3).
    for e in ents.iter().filter(|e| e.goal.cleared()) {
        match e.goal {
            G::ClearedPending | G::ClearedBlocked => {}
            G::ClearedApproved | G::CancelledBeforePayment => pay(api, t, e.project, "prepayment", None).await?,
            _ => {
                let on = tl.on(if e.batch == 1 { PREPAID_1 } else { PREPAID_2 });
                pay(api, t, e.project, "prepayment", Some(on)).await?;
            }
        }
    }
    // Implementation: expenses, completion.
    for e in ents.iter().filter(|e| e.goal.prepaid() && e.goal != G::CancelledBankrupt) {
        for (k, (category, amount)) in e.expenses().into_iter().enumerate() {
            let paid_on = tl.on(if e.batch == 1 { (2026, 3, 10 + k as u32 * 4) } else { (2026, 4, 15 + k as u32) });
            let body = json!({"category": category, "amount": yuan(amount),
                "invoice_no": format!("26142000{:04}{:08}", e.n, k + 1), "paid_on": paid_on});
            api.post(&format!("/projects/{}/expenses", e.project), &e.token, &body, 201).await?;
        }
    }
    for e in ents.iter().filter(|e| e.goal.completed()) {
        api.post(&format!("/projects/{}/complete", e.project), &e.token, &json!({}), 200).await?;
    }
    // Acceptance (R4–R6).
    for e in ents.iter().filter(|e| e.goal.evaluated()) {
        let level = e.achieved_level();
        let score = if e.goal.fails() { 38 + e.n % 10 } else { 62 + (e.n * 7) % 35 };
        let meta = catalogue::evaluation_meta(e, level, score, tl.on(EVALUATED));
        let report = pdf(
            "Digital level evaluation and acceptance report (DEMO, fictional)",
            &[
                format!("Enterprise no. {:02}, project {}", e.n, e.project),
                format!("Evaluated level: {level}, score {score}"),
                "This document was generated by dtpilot serve --demo.".into(),
            ],
        );
        let file = format!("acceptance-ent{:02}.pdf", e.n);
        api.upload(&format!("/projects/{}/evaluation", e.project), &t.evaluator, &meta, &file, report, 200).await?;
    }
    // Settlement (R5, R6).
    for e in ents.iter().filter(|e| e.goal.evaluated()) {
        let (settled, recovered) = (Some(tl.on(SETTLED)), Some(tl.on(RECOVERED)));
        match e.goal {
            G::AcceptedBalanceApproved => pay(api, t, e.project, "balance", None).await?,
            G::FailedRecoveryApproved => pay(api, t, e.project, "recovery", None).await?,
            G::SettledBalance | G::SettledWorkedExample | G::SettledLevel4 | G::SettledLittleGiant => {
                pay(api, t, e.project, "balance", settled).await?;
            }
            G::SettledByRecovery | G::Closed => pay(api, t, e.project, "recovery", recovered).await?,
            _ => {}
        }
    }
    // Cancellations (R7): after money went out, and before.
    for e in ents.iter() {
        let (reason, comment) = match e.goal {
            G::CancelledFraud => {
                ("fraud", "经核查,企业虚报改造支出发票;依据第十条、第十四条取消项目、追回资金并取消申报资格")
            }
            G::CancelledBankrupt => ("bankrupt", "企业进入破产清算程序,依据第十条取消项目并追回已拨资金"),
            G::CancelledBeforePayment => ("cancelled", "企业因经营调整放弃实施改造,预拨付指令作废"),
            _ => continue,
        };
        let body = json!({"reason": reason, "comment": comment});
        api.post(&format!("/projects/{}/cancel", e.project), &t.city, &body, 200).await?;
        if e.goal == G::CancelledBankrupt {
            pay(api, t, e.project, "recovery", None).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use dtpilot_domain::validation::validate_credit_code;

    use super::*;

    fn ents() -> Vec<Ent> {
        PLAN.iter().enumerate().map(|(i, p)| Ent::new(i, *p)).collect()
    }

    #[test]
    fn the_plan_covers_every_state_county_and_industry() {
        let ents = ents();
        let states: BTreeSet<ProjectState> =
            ents.iter().filter(|e| e.goal.has_project()).map(|e| state_of(e.goal)).collect();
        assert_eq!(states.len(), ProjectState::ALL.len());
        assert_eq!(ents.iter().map(|e| e.county).collect::<BTreeSet<_>>().len(), County::ALL.len());
        assert_eq!(ents.iter().map(|e| e.industry).collect::<BTreeSet<_>>().len(), Industry::ALL.len());
        assert_eq!(ents[0].name, "长治市潞州区华鑫电气设备有限公司");
        // A project needs a batch; the stories of one enterprise per batch are consistent.
        assert!(ents.iter().filter(|e| e.goal.has_project()).all(|e| (1..=3).contains(&e.batch)));
        assert!(ents.iter().filter(|e| e.goal.noticed() && e.goal != G::InNotice).all(|e| e.batch <= 2));
    }

    #[test]
    fn names_and_codes_are_unique_and_valid() {
        let ents = ents();
        let names: BTreeSet<&str> = ents.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), ents.len());
        let mut codes = BTreeSet::new();
        for e in &ents {
            let code = e.body().unwrap()["credit_code"].as_str().unwrap().to_string();
            assert!(validate_credit_code(&code).is_ok(), "{code}");
            assert!(codes.insert(code));
        }
        assert_eq!(credit_code("91110108551385082").unwrap(), "91110108551385082Q");
    }

    #[test]
    fn expenses_add_up_as_planned() {
        assert_eq!(split(1001, &[("software", 50), ("gateway", 50)]), [("software", 500), ("gateway", 501)]);
        let worked = ents().into_iter().find(|e| e.goal == G::SettledWorkedExample).unwrap();
        let eligible: i64 = worked.expenses().iter().filter(|(c, _)| *c != "other").map(|(_, a)| a).sum();
        assert_eq!((worked.plan(), eligible), ((80_000_000, 3), 64_000_001));
    }

    #[test]
    fn reports_are_pdfs() {
        let bytes = pdf("Title (demo)", &["a \\ b".into()]);
        assert!(crate::uploads::looks_like_pdf(&bytes, &bytes));
        assert!(String::from_utf8_lossy(&bytes).contains("(Title \\(demo\\)) Tj"));
    }

    #[test]
    fn the_timeline_never_lies_in_the_future() {
        for today in [ymd((2025, 12, 1)), ymd((2026, 6, 25)), ymd((2026, 11, 29))] {
            let t = Timeline::new(today);
            for d in [NOTICE_1.0, NOTICE_1.1, NOTICE_2.1, PREPAID_1, PREPAID_2, EVALUATED, SETTLED, RECOVERED] {
                assert!(t.on(d) < today.to_string(), "{today}: {}", t.on(d));
            }
        }
        assert_eq!(Timeline::new(ymd((2026, 11, 29))).on(EVALUATED), "2026-05-20");
    }
}
