//! The other subsidies, awards and budgets (SPEC §4 R10–R13, §7b), all through the one payment
//! ledger: `POST·GET /enterprises/{id}/cloud-fees` (R11), `POST·GET /awards` (R12),
//! `POST·GET /budgets` (R13, §7b). The diagnosis subsidy (R10) has no endpoint: it falls due when a
//! project is accepted (`crate::workflow`).

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use dtpilot_api_types::FieldError;
use dtpilot_api_types::catalogue::ProductStatus;
use dtpilot_api_types::ledger::{
    AwardKindView, AwardRequest, AwardView, AwardsView, BudgetRequest, BudgetView, BudgetsView, CloudFeeRequest,
    CloudFeeView, CloudFeesView, RecipientRef,
};
use dtpilot_domain::Money;
use dtpilot_domain::budget::{self, BudgetError, BudgetPlan, Fund, PoolUse, RecipientType};
use dtpilot_domain::eligibility::payment_blocked;
use dtpilot_domain::ledger::PaymentKind;
use dtpilot_domain::policy::{AwardKind, PolicyProfile};
use dtpilot_domain::reference::{County, Industry};
use dtpilot_domain::rules::{self, RuleError};
use dtpilot_domain::state::Role;

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::db::schema::{
    award_places as ap, award_products as apd, awards as aw, budgets as b, cloud_fees as cf, enterprises as e,
    payment_totals as tpay, products as pd, providers as pr,
};
use crate::db::{self, DbConn, RepoError, write_transaction};
use crate::error::ApiError;
use crate::repo::catalogue;
use crate::repo::enterprises::{self, Enterprise};
use crate::repo::invoices;
use crate::repo::payments::Party;
use crate::routes::json::JsonBody;
use crate::{budget as usage, workflow};

/// 422 for a rule of the profile (R11–R13), naming it and the field.
fn rule_error(e: RuleError, field: &str) -> ApiError {
    ApiError::Unprocessable {
        code: e.code(),
        detail: format!("{}({})", e, e.rule()),
        errors: vec![FieldError::new(field, format!("{e}({})", e.rule()))],
    }
}

/// R16: an enterprise flagged 经营异常 or 失信 is paid nothing (422, like a payment).
fn check_credit(e: &Enterprise) -> Result<(), ApiError> {
    // SPEC §9.1 / 第十四条: a disqualified enterprise gets no cloud subsidy or award either.
    if e.disqualified {
        return Err(ApiError::Unprocessable {
            code: "disqualified",
            detail: "企业已因第十四条认定被取消资格".into(),
            errors: vec![FieldError::new("enterprise", "企业已被取消资格")],
        });
    }
    match payment_blocked(e.credit_abnormal, e.dishonest) {
        Some(block) => Err(ApiError::Unprocessable {
            code: block.code(),
            detail: format!("{block},暂停拨付(R16)"),
            errors: vec![FieldError::new("enterprise", block.to_string())],
        }),
        None => Ok(()),
    }
}

/// SPEC §9.1: a suspended, removed or flagged provider receives no award (422 `provider_blocked`).
fn check_provider(c: &mut DbConn, provider_id: i64) -> Result<(), ApiError> {
    match crate::repo::providers::find(c, provider_id)?.blocked() {
        Some(block) => Err(ApiError::provider_blocked(block, "recipient.id", "不能获得奖励")),
        None => Ok(()),
    }
}

fn text_field(field: &str, value: &str, max: usize, what: &str) -> Result<String, ApiError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(ApiError::field(field, format!("{what}不能为空,且不超过 {max} 个字符")));
    }
    Ok(v.to_string())
}

// ---- R11 cloud fees ------------------------------------------------------------------------------

type CloudRow = (i64, i64, i64, String, String, i64, i64, NaiveDateTime);

fn cloud_view(
    (id, enterprise_id, amount, period, invoice_no, subsidy, payment_id, created_at): CloudRow,
) -> CloudFeeView {
    CloudFeeView {
        id,
        enterprise_id,
        amount: Money::from_fen(amount),
        period,
        invoice_no,
        subsidy: Money::from_fen(subsidy),
        payment_id,
        created_at,
    }
}

const CLOUD_COLUMNS: (
    cf::id,
    cf::enterprise_id,
    cf::amount_fen,
    cf::period,
    cf::invoice_no,
    cf::subsidy_fen,
    cf::payment_id,
    cf::created_at,
) = (
    cf::id,
    cf::enterprise_id,
    cf::amount_fen,
    cf::period,
    cf::invoice_no,
    cf::subsidy_fen,
    cf::payment_id,
    cf::created_at,
);

fn cloud_granted(c: &mut DbConn, enterprise_id: i64) -> Result<Money, RepoError> {
    let fen: Vec<i64> = cf::table.filter(cf::enterprise_id.eq(enterprise_id)).select(cf::subsidy_fen).load(c)?;
    Ok(Money::from_fen(fen.into_iter().sum()))
}

/// Declare a cloud fee (R11): a `cloud` instruction for min(amount, what is left of the
/// enterprise's cumulative cap). The cap reached → 422 `cloud_cap_reached`; an invoice already
/// declared by the enterprise (as a cloud fee or a retrofit expense), compared normalised (NFKC, upper
/// case, spaces, `-` and `_` removed) → 409 `invoice_claimed`.
#[utoipa::path(
    post,
    path = "/api/v1/enterprises/{id}/cloud-fees",
    tag = "ledger",
    params(("id" = i64, Path, description = "企业 id")),
    request_body = CloudFeeRequest,
    responses(
        (status = 201, description = "已登记上云费用,并生成上云补贴支付指令", body = CloudFeeView),
        (status = 404, description = "企业不存在或不在可见范围内"),
        (status = 409, description = "发票已被本企业申报(`invoice_claimed`,含改造支出;号码规范化后比较),或资金池预算不足(`budget_exceeded`)"),
        (status = 422, description = "字段无效;上云补贴累计已达上限(`cloud_cap_reached`,R11);企业经营异常或失信(R16)"),
    )
)]
pub async fn post_cloud_fee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody<CloudFeeRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Enterprise, Role::City])?;
    let req = body.parse()?;
    if !req.amount.is_positive() {
        return Err(ApiError::field("amount", "上云费用须大于 0"));
    }
    let period = text_field("period", &req.period, 32, "费用期间")?;
    let invoice = text_field("invoice_no", &req.invoice_no, 64, "发票号码")?;
    invoices::key_of("invoice_no", &invoice)?;
    let id = id.into_inner();
    let now = db::now_utc();
    let st = state.clone();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let ent = enterprises::get(c, &caller, id)?;
                crate::workflow::lock_enterprise(c, ent.id)?;
                // The one invoice register (SPEC §9.1), before anything is decided.
                if let Some(first) = invoices::find(c, ent.id, &invoice)? {
                    return Err(invoices::claimed(&invoice, Some(&first)));
                }
                check_credit(&ent)?;
                let granted = cloud_granted(c, ent.id)?;
                let subsidy =
                    rules::cloud_subsidy(&st.profile, req.amount, granted).map_err(|e| rule_error(e, "amount"))?;
                let party = Party {
                    project_id: None,
                    enterprise_id: Some(ent.id),
                    provider_id: None,
                    county: Some(ent.county),
                    payee: &ent.name,
                };
                let payment = workflow::create_other_payment(
                    c,
                    &st.profile,
                    PaymentKind::Cloud,
                    subsidy,
                    ent.central_fund_excluded,
                    &party,
                    now,
                )?
                .ok_or_else(|| ApiError::internal("a positive cloud subsidy made no instruction"))?;
                let fee_id: i64 = diesel::insert_into(cf::table)
                    .values((
                        cf::enterprise_id.eq(ent.id),
                        cf::amount_fen.eq(req.amount.to_fen()),
                        cf::period.eq(&period),
                        cf::invoice_no.eq(&invoice),
                        cf::subsidy_fen.eq(subsidy.to_fen()),
                        cf::payment_id.eq(payment.id),
                        cf::created_by.eq(caller.user_id),
                        cf::created_at.eq(now),
                    ))
                    .returning(cf::id)
                    .get_result(c)
                    .map_err(RepoError::unique_as("invoice_no"))
                    .map_err(|e| match e {
                        RepoError::Conflict(_) => invoices::claimed(&invoice, None),
                        other => other.into(),
                    })?;
                invoices::claim(c, ent.id, &invoice, invoices::Source::CloudFee, fee_id, now)?;
                let view = cloud_view(cf::table.find(fee_id).select(CLOUD_COLUMNS).first::<CloudRow>(c)?);
                let event =
                    audit::Event::new("cloud_fee.create", "enterprise", ent.id).by(Some(&caller)).after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// An enterprise's cloud fees with the R11 cap and what is left of it (scoped like the enterprise).
#[utoipa::path(
    get,
    path = "/api/v1/enterprises/{id}/cloud-fees",
    tag = "ledger",
    params(("id" = i64, Path, description = "企业 id")),
    responses(
        (status = 200, description = "上云费用与补贴余额", body = CloudFeesView),
        (status = 404, description = "企业不存在或不在可见范围内"),
    )
)]
pub async fn get_cloud_fees(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let cap = state.profile.cloud_cap.value;
    let view = state
        .db(move |c| {
            let ent = enterprises::get(c, &caller, id)?;
            let rows: Vec<CloudRow> =
                cf::table.filter(cf::enterprise_id.eq(ent.id)).order(cf::id.desc()).select(CLOUD_COLUMNS).load(c)?;
            let items: Vec<CloudFeeView> = rows.into_iter().map(cloud_view).collect();
            let granted: Money = items.iter().map(|i| i.subsidy).sum();
            Ok(CloudFeesView { items, cap, granted, remaining: (cap - granted).clamp_non_negative() })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

// ---- R12 awards ----------------------------------------------------------------------------------

fn kind_views(p: &PolicyProfile) -> Vec<AwardKindView> {
    AwardKind::ALL
        .iter()
        .map(|&kind| {
            let rule = p.award(kind);
            AwardKindView {
                kind,
                name: kind.name_zh().to_string(),
                cap: rule.cap,
                per_industry: rule.per_industry,
                recipients: RecipientType::ALL
                    .into_iter()
                    .filter(|&r| budget::award_recipient_allowed(kind, r))
                    .collect(),
                source: rule.provenance.source.clone(),
            }
        })
        .collect()
}

type AwardRow = (i64, String, String, Option<i64>, Option<i64>, Option<String>, i64, String, i64, NaiveDateTime);

fn award_views(c: &mut DbConn, p: &PolicyProfile, rows: Vec<AwardRow>) -> Result<Vec<AwardView>, ApiError> {
    let mut out = Vec::with_capacity(rows.len());
    for (id, kind, recipient_type, enterprise_id, provider_id, industry, amount, comment, payment_id, created_at) in
        rows
    {
        let kind =
            AwardKind::from_code(&kind).ok_or_else(|| ApiError::internal(format!("awards.id={id}: kind {kind:?}")))?;
        let rtype = RecipientType::from_code(&recipient_type)
            .ok_or_else(|| ApiError::internal(format!("awards.id={id}: recipient {recipient_type:?}")))?;
        let (rid, name) = match (rtype, enterprise_id, provider_id) {
            (RecipientType::Product, ..) => apd::table
                .inner_join(pd::table)
                .filter(apd::award_id.eq(id))
                .select((pd::id, pd::name))
                .first::<(i64, String)>(c)?,
            (_, Some(eid), _) => (eid, e::table.find(eid).select(e::name).first::<String>(c)?),
            (_, None, Some(pid)) => (pid, pr::table.find(pid).select(pr::name).first::<String>(c)?),
            (_, None, None) => return Err(ApiError::internal(format!("awards.id={id}: no recipient"))),
        };
        out.push(AwardView {
            id,
            kind,
            recipient: RecipientRef { kind: rtype, id: rid },
            recipient_name: name,
            amount: Money::from_fen(amount),
            cap: p.award(kind).cap,
            industry: industry.as_deref().and_then(Industry::from_code),
            comment,
            payment_id,
            created_at,
        });
    }
    Ok(out)
}

const AWARD_COLUMNS: (
    aw::id,
    aw::kind,
    aw::recipient_type,
    aw::enterprise_id,
    aw::provider_id,
    aw::industry,
    aw::amount_fen,
    aw::comment,
    aw::payment_id,
    aw::created_at,
) = (
    aw::id,
    aw::kind,
    aw::recipient_type,
    aw::enterprise_id,
    aw::provider_id,
    aw::industry,
    aw::amount_fen,
    aw::comment,
    aw::payment_id,
    aw::created_at,
);

/// Grant an award (R12): an `award` instruction to the recipient. Above the kind's cap → 422
/// `award_above_cap`; a kind limited per industry (the standard package: one per industry) needs
/// the industry (422) and a free place in it — taken → 409 `award_industry_limit`. Recipients:
/// enterprises, providers and approved 小快轻准 products (paid to the product's provider; an
/// unapproved product → 422 `product_not_approved`).
#[utoipa::path(
    post,
    path = "/api/v1/awards",
    tag = "ledger",
    request_body = AwardRequest,
    responses(
        (status = 201, description = "已授予奖励,并生成奖励支付指令", body = AwardView),
        (status = 409, description = "该行业名额已满(`award_industry_limit`),或预算不足(`budget_exceeded`)"),
        (status = 422, description = "超过上限(`award_above_cap`)、缺少行业、对象类别不符或不支持、对象不存在、企业经营异常或失信"),
    )
)]
pub async fn post_award(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<AwardRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let profile = state.profile.clone();
    if !req.amount.is_positive() {
        return Err(ApiError::field("amount", "奖励金额须大于 0"));
    }
    let comment = req.comment.as_deref().unwrap_or("").trim().to_string();
    if comment.chars().count() > 500 {
        return Err(ApiError::field("comment", "说明不超过 500 个字符"));
    }
    if !budget::award_recipient_allowed(req.kind, req.recipient.kind) {
        return Err(ApiError::Unprocessable {
            code: "award_recipient_invalid",
            detail: format!("{}不能授予{}(R12)", req.kind.name_zh(), req.recipient.kind.name_zh()),
            errors: vec![FieldError::new("recipient.type", "此类奖励不能授予该类对象")],
        });
    }
    let rule = profile.award(req.kind).clone();
    if req.amount > rule.cap {
        return Err(rule_error(RuleError::AwardAboveCap { cap: rule.cap }, "amount"));
    }
    if rule.per_industry.is_some() && req.industry.is_none() {
        return Err(rule_error(RuleError::AwardNeedsIndustry, "industry"));
    }
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let missing = || ApiError::field("recipient.id", "奖励对象不存在");
                // Who is paid: the enterprise, the provider, or the provider of the product awarded.
                let (enterprise, provider, product_id) = match req.recipient.kind {
                    RecipientType::Enterprise => {
                        let ent = enterprises::find(c, req.recipient.id).map_err(|err| match err {
                            RepoError::NotFound => missing(),
                            other => other.into(),
                        })?;
                        check_credit(&ent)?;
                        (Some(ent), None, None)
                    }
                    RecipientType::Provider => {
                        let name: Option<String> =
                            pr::table.find(req.recipient.id).select(pr::name).first(c).optional()?;
                        let name = name.ok_or_else(missing)?;
                        check_provider(c, req.recipient.id)?;
                        (None, Some((req.recipient.id, name)), None)
                    }
                    RecipientType::Product => {
                        let product =
                            catalogue::get_product(c, &caller, req.recipient.id).map_err(|err| match err {
                                RepoError::NotFound => missing(),
                                other => other.into(),
                            })?;
                        if product.status != ProductStatus::Approved {
                            return Err(ApiError::Unprocessable {
                                code: "product_not_approved",
                                detail: "只能奖励经市工信局审核通过的“小快轻准”产品".into(),
                                errors: vec![FieldError::new("recipient.id", "该产品尚未审核通过")],
                            });
                        }
                        check_provider(c, product.provider_id)?;
                        (None, Some((product.provider_id, product.provider_name)), Some(product.id))
                    }
                };
                // One place per award: count it (the update also locks the kind's row in this
                // industry), then check the count against the limit.
                let industry = req.industry.map_or("", Industry::code);
                let place = ap::table.filter(ap::kind.eq(req.kind.key())).filter(ap::industry.eq(industry));
                diesel::update(place).set(ap::awards.eq(ap::awards + 1_i64)).execute(c)?;
                let taken: i64 = place.select(ap::awards).first(c)?;
                match rules::check_award(
                    &profile,
                    req.kind,
                    req.amount,
                    req.industry.is_some(),
                    (taken - 1).max(0) as u32,
                ) {
                    Ok(()) => {}
                    Err(err @ RuleError::AwardIndustryLimit { .. }) => {
                        return Err(ApiError::Conflict {
                            code: err.code(),
                            detail: format!("{}:{}({})", req.kind.name_zh(), err, err.rule()),
                        });
                    }
                    Err(err) => return Err(rule_error(err, "amount")),
                }
                let payee = enterprise
                    .as_ref()
                    .map(|e| e.name.clone())
                    .or(provider.as_ref().map(|p| p.1.clone()))
                    .unwrap_or_default();
                let party = Party {
                    project_id: None,
                    enterprise_id: enterprise.as_ref().map(|e| e.id),
                    provider_id: provider.as_ref().map(|p| p.0),
                    county: enterprise.as_ref().map(|e| e.county),
                    payee: &payee,
                };
                let excluded = enterprise.as_ref().is_some_and(|e| e.central_fund_excluded);
                let payment =
                    workflow::create_other_payment(c, &profile, PaymentKind::Award, req.amount, excluded, &party, now)?
                        .ok_or_else(|| ApiError::internal("a positive award made no instruction"))?;
                let award_id: i64 = diesel::insert_into(aw::table)
                    .values((
                        aw::kind.eq(req.kind.key()),
                        aw::recipient_type.eq(req.recipient.kind.code()),
                        aw::enterprise_id.eq(party.enterprise_id),
                        aw::provider_id.eq(party.provider_id),
                        aw::industry.eq(req.industry.map(Industry::code)),
                        aw::amount_fen.eq(req.amount.to_fen()),
                        aw::comment.eq(&comment),
                        aw::payment_id.eq(payment.id),
                        aw::created_by.eq(caller.user_id),
                        aw::created_at.eq(now),
                    ))
                    .returning(aw::id)
                    .get_result(c)?;
                if let Some(product_id) = product_id {
                    diesel::insert_into(apd::table)
                        .values((apd::award_id.eq(award_id), apd::product_id.eq(product_id)))
                        .execute(c)?;
                }
                let row = aw::table.find(award_id).select(AWARD_COLUMNS).first::<AwardRow>(c)?;
                let view = award_views(c, &profile, vec![row])?.pop().ok_or(ApiError::NotFound)?;
                let event = audit::Event::new("award.create", "award", award_id).by(Some(&caller)).after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The awards: city and finance see all; an enterprise or a provider its own. With every kind's
/// cap (R12) for the form.
#[utoipa::path(
    get,
    path = "/api/v1/awards",
    tag = "ledger",
    responses((status = 200, description = "奖励及各类上限", body = AwardsView))
)]
pub async fn get_awards(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::Finance, Role::Enterprise, Role::Provider])?;
    let profile = state.profile.clone();
    let view = state
        .db(move |c| {
            let mut q = aw::table.order(aw::id.desc()).limit(1000).select(AWARD_COLUMNS).into_boxed();
            q = match (caller.role, caller.enterprise_id, caller.provider_id) {
                (Role::City | Role::Finance, ..) => q,
                (Role::Enterprise, Some(id), _) => q.filter(aw::enterprise_id.eq(id)),
                (Role::Provider, _, Some(id)) => q.filter(aw::provider_id.eq(id)),
                _ => q.filter(aw::id.eq(-1_i64)),
            };
            let rows: Vec<AwardRow> = q.load(c)?;
            Ok(AwardsView { items: award_views(c, &profile, rows)?, kinds: kind_views(&profile) })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

// ---- budgets -------------------------------------------------------------------------------------

/// (paid out, recovered) fen of `fund` (and `county`) from the running totals of the payments.
fn paid_and_recovered(c: &mut DbConn, fund: Fund, county: &str) -> Result<(Money, Money), RepoError> {
    let rows: Vec<(String, String, i64, i64, i64)> = tpay::table
        .filter(tpay::status.eq("paid"))
        .filter(tpay::instructions.gt(0))
        .select((tpay::county, tpay::kind, tpay::central_fen, tpay::city_fen, tpay::county_fen))
        .load(c)?;
    let (mut paid, mut recovered) = (Money::ZERO, Money::ZERO);
    for (row_county, kind, central, city, county_fen) in rows {
        let part = match fund {
            Fund::Central => central,
            Fund::City => city,
            Fund::County if row_county == county => county_fen,
            Fund::County => 0,
        };
        if kind == PaymentKind::Recovery.code() {
            recovered += Money::from_fen(part);
        } else {
            paid += Money::from_fen(part);
        }
    }
    Ok((paid, recovered))
}

/// The figures of one budget.
pub fn budget_view(c: &mut DbConn, fund: Fund, county: &str, pool: &PoolUse) -> Result<BudgetView, RepoError> {
    let (paid, recovered) = paid_and_recovered(c, fund, county)?;
    let used = pool.used();
    Ok(BudgetView {
        fund,
        county: County::from_code(county),
        name: usage::pool_name(fund, county),
        amount: pool.amount,
        retrofit_amount: pool.retrofit_amount,
        committed: used - paid + recovered,
        paid,
        recovered,
        remaining: pool.remaining(),
        retrofit_remaining: pool.retrofit_amount.map(|r| r - pool.used_retrofit),
        other_remaining: pool.retrofit_amount.map(|r| pool.amount - r - pool.used_other),
    })
}

/// Every budget, central first, with its figures; `county` limits to the central, city and that
/// county's pools (a county's dashboard).
pub fn budget_views(c: &mut DbConn, only_county: Option<County>) -> Result<Vec<BudgetView>, ApiError> {
    let pools: Vec<(String, String)> = b::table.order((b::fund, b::county)).select((b::fund, b::county)).load(c)?;
    let mut out = Vec::new();
    for (fund, county) in pools {
        let fund = Fund::from_code(&fund).ok_or_else(|| ApiError::internal(format!("budgets: fund {fund:?}")))?;
        if let Some(only) = only_county
            && fund == Fund::County
            && county != only.code()
        {
            continue;
        }
        if let Some(pool) = usage::pool_use(c, fund, &county)? {
            out.push(budget_view(c, fund, &county, &pool)?);
        }
    }
    out.sort_by_key(|v| (v.fund, v.county));
    Ok(out)
}

fn other_kinds_note(p: &PolicyProfile) -> String {
    format!(
        "诊断、上云、奖励支出的中央资金比例为 {}(依据 {}),由中央资金中改造补助以外的部分(R13 至多 20%)列支;不足部分由市级资金承担",
        p.other_kinds_central_share.value, p.other_kinds_central_share.provenance.source
    )
}

/// Set the budget of one pool (SPEC §7b). The central budget names its retrofit part, at least the
/// profile's share (R13, 80%): else 422 naming the rule. A pool has one budget (a second → 409
/// `budget_exists`), and not below what it has already drawn (409 `budget_exceeded`).
#[utoipa::path(
    post,
    path = "/api/v1/budgets",
    tag = "ledger",
    request_body = BudgetRequest,
    responses(
        (status = 201, description = "已设预算", body = BudgetView),
        (status = 409, description = "该资金池已设预算(`budget_exists`),或低于已占用金额(`budget_exceeded`)"),
        (status = 422, description = "字段无效;中央资金改造补助比例不足(`central_retrofit_share_too_low`,R13)"),
    )
)]
pub async fn post_budget(
    state: web::Data<AppState>,
    caller: Caller,
    body: JsonBody<BudgetRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City])?;
    let req = body.parse()?;
    let plan =
        BudgetPlan { fund: req.fund, county: req.county, amount: req.amount, retrofit_amount: req.retrofit_amount };
    budget::check_plan(&state.profile, &plan).map_err(|err| match err {
        BudgetError::Field { field, message } => ApiError::field(field, message),
        BudgetError::Rule(rule) => rule_error(rule, "retrofit_amount"),
    })?;
    let now = db::now_utc();
    let view = state
        .db(move |conn| {
            write_transaction(conn, |c| {
                let county = plan.county.map_or("", County::code);
                usage::lock_pool(c, plan.fund, county)?;
                let exists = diesel::select(diesel::dsl::exists(
                    b::table.filter(b::fund.eq(plan.fund.code())).filter(b::county.eq(county)),
                ))
                .get_result::<bool>(c)?;
                if exists {
                    return Err(ApiError::Conflict {
                        code: "budget_exists",
                        detail: format!("{}已设预算", usage::pool_name(plan.fund, county)),
                    });
                }
                diesel::insert_into(b::table)
                    .values((
                        b::fund.eq(plan.fund.code()),
                        b::county.eq(county),
                        b::amount_fen.eq(plan.amount.to_fen()),
                        b::retrofit_amount_fen.eq(plan.retrofit_amount.map(Money::to_fen)),
                        b::created_by.eq(caller.user_id),
                        b::created_at.eq(now),
                    ))
                    .execute(c)
                    .map_err(RepoError::unique_as("budget"))?;
                let pool = usage::pool_use(c, plan.fund, county)?
                    .ok_or_else(|| ApiError::internal("the budget just inserted is not there"))?;
                if pool.is_over() {
                    return Err(usage::exceeded(plan.fund, county, &pool));
                }
                let view = budget_view(c, plan.fund, county, &pool)?;
                let event = audit::Event::new("budget.create", "budget", format!("{}:{county}", plan.fund.code()))
                    .by(Some(&caller))
                    .after(&view)?;
                audit::record(c, event, now)?;
                Ok(view)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// The budgets with amount, committed, paid, recovered and remaining per pool.
#[utoipa::path(
    get,
    path = "/api/v1/budgets",
    tag = "ledger",
    responses((status = 200, description = "各资金池预算执行情况", body = BudgetsView))
)]
pub async fn get_budgets(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::City, Role::Finance])?;
    let note = other_kinds_note(&state.profile);
    let items = state.db(move |c| budget_views(c, None)).await?;
    Ok(HttpResponse::Ok().json(BudgetsView { items, other_kinds_note: note }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_names_the_profile_source() {
        let p = PolicyProfile::changzhi_2025();
        assert!(other_kinds_note(&p).contains("第三条"));
    }
}
