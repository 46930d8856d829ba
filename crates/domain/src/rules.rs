//! Rules R1–R16 of SPEC §4 as pure functions over a [`PolicyProfile`].
//!
//! Each function names its rule; none reads a clock, a database or a constant of policy.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::level::DigitalLevel;
use crate::money::Money;
use crate::policy::{AwardKind, PolicyProfile};
use crate::reference::ExpenseCategory;
use crate::state::ProjectState;

/// A rule id of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    R1,
    /// R1 read per enterprise (第五条(一)1 「每家企业…不超过」): the cap bounds the sum over all the
    /// enterprise's projects, SPEC §9.1. Shown as `R1*`.
    R1Star,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleId::R1Star => f.write_str("R1*"),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A refusal by a rule. `code` is the stable English code of the API; the message is Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("目标数字化水平须为 {min} 级至 4 级")]
    TargetLevelTooLow { min: DigitalLevel },
    #[error("每家企业的改造补助合计不超过 {cap} 元,该企业其他项目已占用 {held} 元")]
    EnterpriseCapReached { cap: Money, held: Money },
    #[error("诊断补贴须在该企业的改造项目通过验收后拨付")]
    DiagnosisBeforeAcceptance,
    #[error("上云补贴累计已达上限 {cap} 元")]
    CloudCapReached { cap: Money },
    #[error("奖励金额超过上限 {cap} 元")]
    AwardAboveCap { cap: Money },
    #[error("该行业的此类奖励名额已满(每个行业至多 {limit} 个)")]
    AwardIndustryLimit { limit: u32 },
    #[error("此类奖励须指明行业")]
    AwardNeedsIndustry,
    #[error("中央资金用于数字化改造补助的比例不得低于 {min}")]
    CentralRetrofitShareTooLow { min: String },
    #[error("改造补助预算不得超过中央资金总额")]
    RetrofitBudgetAboveTotal,
    #[error("公示期须至少 {min_days} 个自然日(含首尾)")]
    NoticeTooShort { min_days: u32 },
    #[error("公示结束日期不得早于开始日期")]
    NoticeEndsBeforeStart,
}

impl RuleError {
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::TargetLevelTooLow { .. } => "target_level_invalid",
            RuleError::EnterpriseCapReached { .. } => "enterprise_cap_reached",
            RuleError::DiagnosisBeforeAcceptance => "diagnosis_before_acceptance",
            RuleError::CloudCapReached { .. } => "cloud_cap_reached",
            RuleError::AwardAboveCap { .. } => "award_above_cap",
            RuleError::AwardIndustryLimit { .. } => "award_industry_limit",
            RuleError::AwardNeedsIndustry => "award_needs_industry",
            RuleError::CentralRetrofitShareTooLow { .. } => "central_retrofit_share_too_low",
            RuleError::RetrofitBudgetAboveTotal => "retrofit_budget_above_total",
            RuleError::NoticeTooShort { .. } => "notice_too_short",
            RuleError::NoticeEndsBeforeStart => "notice_ends_before_start",
        }
    }

    pub fn rule(&self) -> RuleId {
        match self {
            RuleError::TargetLevelTooLow { .. } => RuleId::R2,
            RuleError::EnterpriseCapReached { .. } => RuleId::R1Star,
            RuleError::DiagnosisBeforeAcceptance => RuleId::R10,
            RuleError::CloudCapReached { .. } => RuleId::R11,
            RuleError::AwardAboveCap { .. } | RuleError::AwardIndustryLimit { .. } | RuleError::AwardNeedsIndustry => {
                RuleId::R12
            }
            RuleError::CentralRetrofitShareTooLow { .. } | RuleError::RetrofitBudgetAboveTotal => RuleId::R13,
            RuleError::NoticeTooShort { .. } | RuleError::NoticeEndsBeforeStart => RuleId::R15,
        }
    }
}

/// R1: the retrofit cap at a digital level (level 1 → 0).
pub fn retrofit_cap(p: &PolicyProfile, level: DigitalLevel) -> Money {
    p.cap(level)
}

/// R2: planned subsidy = min(floor(planned eligible investment × ratio), cap(target level)).
pub fn planned_subsidy(p: &PolicyProfile, planned_investment: Money, target: DigitalLevel) -> Result<Money, RuleError> {
    if target < p.pass_level.value {
        return Err(RuleError::TargetLevelTooLow { min: p.pass_level.value });
    }
    Ok(planned_investment.mul_floor(p.subsidy_ratio.value).min(retrofit_cap(p, target)))
}

/// Whether a project of the enterprise holds part of its per-enterprise cap (R1*): every project
/// that is not `rejected`, `cancelled`, `failed` or `closed` (SPEC §9.1).
pub fn holds_cap(status: ProjectState) -> bool {
    !matches!(status, ProjectState::Rejected | ProjectState::Cancelled | ProjectState::Failed | ProjectState::Closed)
}

/// Another project of the same enterprise, as far as R1* is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherProject {
    pub status: ProjectState,
    pub planned_subsidy: Money,
    pub final_subsidy: Option<Money>,
}

/// R1*: what the enterprise's *other* projects hold of its cap — the sum, over those that
/// [`holds_cap`], of their final subsidy where one is known, else their planned subsidy.
pub fn enterprise_held(others: impl IntoIterator<Item = OtherProject>) -> Money {
    others
        .into_iter()
        .filter(|o| holds_cap(o.status))
        .map(|o| o.final_subsidy.unwrap_or(o.planned_subsidy).clamp_non_negative())
        .sum()
}

/// R1*: what is left of the cap at `level` once the other projects' `held` is taken: max(0, cap − held).
pub fn enterprise_room(p: &PolicyProfile, level: DigitalLevel, held: Money) -> Money {
    (retrofit_cap(p, level) - held).clamp_non_negative()
}

/// A retrofit figure of one project of an enterprise, and whether the per-enterprise cap (R1*)
/// bound it (the figure is lower than the project alone would get).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EnterpriseFigure {
    pub amount: Money,
    pub enterprise_cap_bound: bool,
}

/// R2 with R1*: planned subsidy = min(floor(plan × ratio), max(0, cap(target) − held)). Refused
/// when the other projects already hold the whole cap of the target level (`held ≥ cap(target)`).
pub fn enterprise_planned_subsidy(
    p: &PolicyProfile,
    planned_investment: Money,
    target: DigitalLevel,
    held: Money,
) -> Result<EnterpriseFigure, RuleError> {
    let alone = planned_subsidy(p, planned_investment, target)?;
    let cap = retrofit_cap(p, target);
    if held >= cap {
        return Err(RuleError::EnterpriseCapReached { cap, held });
    }
    let amount = alone.min(enterprise_room(p, target, held));
    Ok(EnterpriseFigure { amount, enterprise_cap_bound: amount < alone })
}

/// R4 with R1*: final = min(floor(eligible × ratio), max(0, cap(L) − held), planned if the profile
/// caps by plan). 0 below the pass level (R6).
pub fn enterprise_final_subsidy(
    p: &PolicyProfile,
    eligible_actual: Money,
    achieved: DigitalLevel,
    planned: Option<Money>,
    held: Money,
) -> EnterpriseFigure {
    let alone = final_subsidy(p, eligible_actual, achieved, planned);
    let amount = alone.min(enterprise_room(p, achieved, held));
    EnterpriseFigure { amount, enterprise_cap_bound: amount < alone }
}

/// R3: prepayment = floor(planned subsidy × prepayment ratio).
pub fn prepayment(p: &PolicyProfile, planned: Money) -> Money {
    planned.mul_floor(p.prepayment_ratio.value)
}

/// R4: eligible actual investment = the sum of expenses in eligible categories.
pub fn eligible_investment(expenses: impl IntoIterator<Item = (ExpenseCategory, Money)>) -> Money {
    expenses.into_iter().filter(|(c, _)| c.is_eligible()).map(|(_, m)| m).sum()
}

/// Whether acceptance at `level` passes (R4) or fails (R6).
pub fn acceptance_passed(p: &PolicyProfile, level: DigitalLevel) -> bool {
    level >= p.pass_level.value
}

/// R4 (and R6): the final subsidy at the evaluated level. Below the pass level it is 0; otherwise
/// min(floor(eligible actual × ratio), cap(level), planned subsidy — when the profile caps by plan
/// and a plan is known).
pub fn final_subsidy(
    p: &PolicyProfile,
    eligible_actual: Money,
    achieved: DigitalLevel,
    planned: Option<Money>,
) -> Money {
    if !acceptance_passed(p, achieved) {
        return Money::ZERO;
    }
    let by_level = eligible_actual.mul_floor(p.subsidy_ratio.value).min(retrofit_cap(p, achieved));
    match planned {
        Some(plan) if p.final_capped_by_plan.value => by_level.min(plan),
        _ => by_level,
    }
}

/// What settles a project: a balance to pay or an excess to recover; never both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub balance_due: Money,
    pub recovery_due: Money,
}

/// R5 (R6 when `owed` is 0): balance = owed − net paid; positive → balance payment, negative → recovery.
pub fn settlement(owed: Money, net_paid: Money) -> Settlement {
    let diff = owed - net_paid;
    Settlement { balance_due: diff.clamp_non_negative(), recovery_due: (-diff).clamp_non_negative() }
}

/// Why the city cancels a project (R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    Cancelled,
    Bankrupt,
    Fraud,
}

/// What a cancellation entails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cancellation {
    /// Everything paid comes back.
    pub recovery_due: Money,
    /// Fraud bars the enterprise from every later application.
    pub disqualify: bool,
}

/// R7: a cancelled, bankrupt or fraudulent project returns everything paid; fraud disqualifies.
pub fn cancellation(reason: CancelReason, net_paid: Money) -> Cancellation {
    Cancellation { recovery_due: net_paid.clamp_non_negative(), disqualify: reason == CancelReason::Fraud }
}

/// An amount split across the funds. The parts always add up to the whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundSplit {
    pub central: Money,
    pub city: Money,
    pub county: Money,
}

impl FundSplit {
    pub fn total(&self) -> Money {
        self.central + self.city + self.county
    }
}

/// R8 + R14 + SPEC §3: central = floor(A × central share) (0 for R8 enterprises);
/// city = floor((A − central) × city : (city + county)); county = the rest.
pub fn fund_split(p: &PolicyProfile, amount: Money, central_fund_excluded: bool) -> FundSplit {
    let central = if central_fund_excluded { Money::ZERO } else { amount.mul_floor(p.central_share.value) };
    let local = amount - central;
    let city = local.mul_floor(p.city_share_of_local());
    FundSplit { central, city, county: local - city }
}

/// R9: an application declaring overlap with another city-level support policy is refused.
pub fn overlap_refused(overlapping_support_declared: bool) -> bool {
    overlapping_support_declared
}

/// R10: the diagnosis subsidy, min(fee, cap), only once the enterprise's project passed acceptance.
pub fn diagnosis_subsidy(p: &PolicyProfile, fee: Money, project_accepted: bool) -> Result<Money, RuleError> {
    if !project_accepted {
        return Err(RuleError::DiagnosisBeforeAcceptance);
    }
    Ok(fee.clamp_non_negative().min(p.diagnosis_cap.value))
}

/// R11: the cloud subsidy for a new fee, given what was already granted: never beyond the
/// cumulative cap. Refused when the cap is already reached.
pub fn cloud_subsidy(p: &PolicyProfile, fee: Money, granted_so_far: Money) -> Result<Money, RuleError> {
    let cap = p.cloud_cap.value;
    let room = (cap - granted_so_far).clamp_non_negative();
    if room.is_zero() {
        return Err(RuleError::CloudCapReached { cap });
    }
    Ok(fee.clamp_non_negative().min(room))
}

/// R12: an award must not exceed its cap; kinds limited per industry (the standard package) need
/// an industry and a free place in it. `already_in_industry` counts earlier awards of that kind there.
pub fn check_award(
    p: &PolicyProfile,
    kind: AwardKind,
    amount: Money,
    industry_given: bool,
    already_in_industry: u32,
) -> Result<(), RuleError> {
    let rule = p.award(kind);
    if amount > rule.cap {
        return Err(RuleError::AwardAboveCap { cap: rule.cap });
    }
    if let Some(limit) = rule.per_industry {
        if !industry_given {
            return Err(RuleError::AwardNeedsIndustry);
        }
        if already_in_industry >= limit {
            return Err(RuleError::AwardIndustryLimit { limit });
        }
    }
    Ok(())
}

/// R13: at least the profile's share (80%) of the central fund goes to retrofit subsidies; the rest
/// (at most 20%) to everything else.
pub fn check_central_budget(p: &PolicyProfile, central_total: Money, retrofit: Money) -> Result<(), RuleError> {
    if retrofit > central_total {
        return Err(RuleError::RetrofitBudgetAboveTotal);
    }
    let share = p.central_retrofit_min_share.value;
    // retrofit ≥ total × share, exactly (no rounding: compare the exact product).
    if retrofit.as_decimal() < central_total.as_decimal() * share.as_decimal() {
        return Err(RuleError::CentralRetrofitShareTooLow { min: share.to_string() });
    }
    Ok(())
}

/// R15: the notice runs at least `notice_min_days` calendar days, counted inclusively.
pub fn check_notice_period(p: &PolicyProfile, starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), RuleError> {
    if ends_on < starts_on {
        return Err(RuleError::NoticeEndsBeforeStart);
    }
    let days = (ends_on - starts_on).num_days() + 1;
    let min_days = p.notice_min_days.value;
    if days < i64::from(min_days) {
        return Err(RuleError::NoticeTooShort { min_days });
    }
    Ok(())
}

/// R15: a notice may be closed on or after its last day.
pub fn notice_may_close(ends_on: NaiveDate, today: NaiveDate) -> bool {
    today >= ends_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PolicyProfile {
        PolicyProfile::changzhi_2025()
    }
    fn lv(n: u8) -> DigitalLevel {
        DigitalLevel::new(n).unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse_wire(s).unwrap()
    }

    #[test]
    fn r1_caps_by_level() {
        assert_eq!(retrofit_cap(&p(), lv(1)), Money::ZERO);
        assert_eq!(retrofit_cap(&p(), lv(2)), m("350000"));
        assert_eq!(retrofit_cap(&p(), lv(3)), m("350000"));
        assert_eq!(retrofit_cap(&p(), lv(4)), m("450000"));
    }

    #[test]
    fn r1_star_held_counts_final_else_planned_of_live_projects_only() {
        let o = |status, planned: &str, fin: Option<&str>| OtherProject {
            status,
            planned_subsidy: m(planned),
            final_subsidy: fin.map(m),
        };
        let held = enterprise_held([
            o(ProjectState::Draft, "100000", None),
            o(ProjectState::Settled, "200000", Some("150000")),
            o(ProjectState::Rejected, "350000", None),
            o(ProjectState::Cancelled, "350000", None),
            o(ProjectState::Failed, "350000", Some("0")),
            o(ProjectState::Closed, "350000", Some("0")),
        ]);
        assert_eq!(held, m("250000"));
        assert_eq!(enterprise_held([]), Money::ZERO);
    }

    #[test]
    fn r1_star_planned_subsidy_takes_what_is_left_of_the_enterprise_cap() {
        let alone = enterprise_planned_subsidy(&p(), m("800000"), lv(3), Money::ZERO).unwrap();
        assert_eq!(alone, EnterpriseFigure { amount: m("350000"), enterprise_cap_bound: false });
        let second = enterprise_planned_subsidy(&p(), m("800000"), lv(3), m("200000")).unwrap();
        assert_eq!(second, EnterpriseFigure { amount: m("150000"), enterprise_cap_bound: true });
        // Room enough: the cap does not bind.
        let small = enterprise_planned_subsidy(&p(), m("100000"), lv(2), m("200000")).unwrap();
        assert_eq!(small, EnterpriseFigure { amount: m("50000"), enterprise_cap_bound: false });
        // A higher target has a higher cap: level 4 leaves 450,000 − 350,000.
        let l4 = enterprise_planned_subsidy(&p(), m("800000"), lv(4), m("350000")).unwrap();
        assert_eq!(l4, EnterpriseFigure { amount: m("100000"), enterprise_cap_bound: true });
        assert_eq!(
            enterprise_planned_subsidy(&p(), m("800000"), lv(3), m("350000")),
            Err(RuleError::EnterpriseCapReached { cap: m("350000"), held: m("350000") })
        );
        assert_eq!(RuleError::EnterpriseCapReached { cap: m("1"), held: m("1") }.code(), "enterprise_cap_reached");
        assert_eq!(RuleId::R1Star.to_string(), "R1*");
        // The target level is checked first.
        assert!(matches!(
            enterprise_planned_subsidy(&p(), m("1"), lv(1), m("999999")),
            Err(RuleError::TargetLevelTooLow { .. })
        ));
    }

    #[test]
    fn r1_star_final_subsidy_takes_what_is_left_at_the_level_reached() {
        let f = enterprise_final_subsidy(&p(), m("800000"), lv(3), Some(m("350000")), m("300000"));
        assert_eq!(f, EnterpriseFigure { amount: m("50000"), enterprise_cap_bound: true });
        let f = enterprise_final_subsidy(&p(), m("800000"), lv(3), Some(m("350000")), m("400000"));
        assert_eq!(f, EnterpriseFigure { amount: Money::ZERO, enterprise_cap_bound: true });
        let f = enterprise_final_subsidy(&p(), m("100000"), lv(3), Some(m("350000")), m("300000"));
        assert_eq!(f, EnterpriseFigure { amount: m("50000"), enterprise_cap_bound: false });
        let f = enterprise_final_subsidy(&p(), m("800000"), lv(1), Some(m("350000")), Money::ZERO);
        assert_eq!(f, EnterpriseFigure { amount: Money::ZERO, enterprise_cap_bound: false });
        // With nothing held, exactly R4.
        assert_eq!(
            enterprise_final_subsidy(&p(), m("640000.01"), lv(3), Some(m("350000")), Money::ZERO).amount,
            final_subsidy(&p(), m("640000.01"), lv(3), Some(m("350000")))
        );
    }

    #[test]
    fn r2_planned_subsidy_is_half_the_plan_under_the_target_cap() {
        assert_eq!(planned_subsidy(&p(), m("800000"), lv(3)), Ok(m("350000")));
        assert_eq!(planned_subsidy(&p(), m("300000"), lv(2)), Ok(m("150000")));
        assert_eq!(planned_subsidy(&p(), m("100000.01"), lv(3)), Ok(m("50000")));
        assert_eq!(planned_subsidy(&p(), m("2000000"), lv(4)), Ok(m("450000")));
        assert_eq!(planned_subsidy(&p(), m("100000"), lv(1)), Err(RuleError::TargetLevelTooLow { min: lv(2) }));
    }

    #[test]
    fn r3_prepayment_is_half_the_plan_rounded_down() {
        assert_eq!(prepayment(&p(), m("350000")), m("175000"));
        assert_eq!(prepayment(&p(), m("50000.01")), m("25000"));
        assert_eq!(prepayment(&p(), Money::ZERO), Money::ZERO);
    }

    #[test]
    fn r4_final_subsidy_counts_eligible_expenses_only_and_is_capped() {
        let eligible = eligible_investment([
            (ExpenseCategory::Software, m("250000")),
            (ExpenseCategory::DataAcquisition, m("250000")),
            (ExpenseCategory::Other, m("90000")),
        ]);
        assert_eq!(eligible, m("500000"));
        assert_eq!(final_subsidy(&p(), eligible, lv(2), Some(m("300000"))), m("250000"));
        assert_eq!(final_subsidy(&p(), m("640000.01"), lv(3), Some(m("350000"))), m("320000"));
        // capped by plan when the level exceeds the target
        assert_eq!(final_subsidy(&p(), m("800000"), lv(4), Some(m("300000"))), m("300000"));
        // without a known plan, only the level cap
        assert_eq!(final_subsidy(&p(), m("950000"), lv(4), None), m("450000"));
    }

    #[test]
    fn r4_final_capped_by_plan_is_a_profile_switch() {
        let mut profile = p();
        profile.final_capped_by_plan.value = false;
        assert_eq!(final_subsidy(&profile, m("800000"), lv(4), Some(m("300000"))), m("400000"));
    }

    #[test]
    fn r5_settlement_pays_the_balance_or_recovers_the_excess() {
        assert_eq!(
            settlement(m("320000"), m("175000")),
            Settlement { balance_due: m("145000"), recovery_due: Money::ZERO }
        );
        assert_eq!(
            settlement(m("50000"), m("225000")),
            Settlement { balance_due: Money::ZERO, recovery_due: m("175000") }
        );
        assert_eq!(
            settlement(m("175000"), m("175000")),
            Settlement { balance_due: Money::ZERO, recovery_due: Money::ZERO }
        );
    }

    #[test]
    fn r6_failed_acceptance_recovers_everything_paid() {
        let owed = final_subsidy(&p(), m("640000.01"), lv(1), Some(m("350000")));
        assert_eq!(owed, Money::ZERO);
        assert!(!acceptance_passed(&p(), lv(1)));
        assert_eq!(settlement(owed, m("175000")).recovery_due, m("175000"));
    }

    #[test]
    fn r7_cancellation_recovers_everything_and_fraud_disqualifies() {
        for reason in [CancelReason::Cancelled, CancelReason::Bankrupt] {
            assert_eq!(
                cancellation(reason, m("175000")),
                Cancellation { recovery_due: m("175000"), disqualify: false }
            );
        }
        assert_eq!(
            cancellation(CancelReason::Fraud, Money::ZERO),
            Cancellation { recovery_due: Money::ZERO, disqualify: true }
        );
    }

    #[test]
    fn r8_excluded_enterprises_get_no_central_money() {
        let s = fund_split(&p(), m("175000"), true);
        assert_eq!(s, FundSplit { central: Money::ZERO, city: m("87500"), county: m("87500") });
    }

    #[test]
    fn r14_split_central_then_city_county_one_to_one() {
        assert_eq!(
            fund_split(&p(), m("175000"), false),
            FundSplit { central: m("87500"), city: m("43750"), county: m("43750") }
        );
        // odd fen: central floors, city floors, county takes the rest
        let s = fund_split(&p(), m("0.05"), false);
        assert_eq!(s, FundSplit { central: m("0.02"), city: m("0.01"), county: m("0.02") });
        let s = fund_split(&p(), m("100.05"), false);
        assert_eq!((s.central, s.city, s.county), (m("50.02"), m("25.01"), m("25.02")));
        assert_eq!(s.total(), m("100.05"));
    }

    #[test]
    fn r9_declared_overlap_is_refused() {
        assert!(overlap_refused(true));
        assert!(!overlap_refused(false));
    }

    #[test]
    fn r10_diagnosis_subsidy_capped_and_only_after_acceptance() {
        assert_eq!(diagnosis_subsidy(&p(), m("20000"), true), Ok(m("20000")));
        assert_eq!(diagnosis_subsidy(&p(), m("45000"), true), Ok(m("30000")));
        assert_eq!(diagnosis_subsidy(&p(), m("20000"), false), Err(RuleError::DiagnosisBeforeAcceptance));
    }

    #[test]
    fn r11_cloud_subsidy_cumulative_cap() {
        assert_eq!(cloud_subsidy(&p(), m("12000"), Money::ZERO), Ok(m("12000")));
        assert_eq!(cloud_subsidy(&p(), m("12000"), m("25000")), Ok(m("5000")));
        assert_eq!(cloud_subsidy(&p(), m("1"), m("30000")), Err(RuleError::CloudCapReached { cap: m("30000") }));
    }

    #[test]
    fn r12_award_caps_and_one_standard_package_per_industry() {
        let caps = [
            (AwardKind::ExcellentProvider, "100000"),
            (AwardKind::ExcellentProduct, "30000"),
            (AwardKind::StandardPackage, "1000000"),
            (AwardKind::BenchmarkEnterprise, "500000"),
            (AwardKind::DigitalWorkshop, "100000"),
            (AwardKind::ChainCase, "100000"),
            (AwardKind::CollectedCase, "100000"),
        ];
        for (kind, cap) in caps {
            assert_eq!(check_award(&p(), kind, m(cap), true, 0), Ok(()), "{kind:?}");
            let over = m(cap) + Money::from_fen(1);
            assert_eq!(
                check_award(&p(), kind, over, true, 0),
                Err(RuleError::AwardAboveCap { cap: m(cap) }),
                "{kind:?}"
            );
        }
        assert_eq!(
            check_award(&p(), AwardKind::StandardPackage, m("1"), true, 1),
            Err(RuleError::AwardIndustryLimit { limit: 1 })
        );
        assert_eq!(check_award(&p(), AwardKind::StandardPackage, m("1"), false, 0), Err(RuleError::AwardNeedsIndustry));
        assert_eq!(check_award(&p(), AwardKind::ChainCase, m("1"), false, 5), Ok(()));
    }

    #[test]
    fn r13_central_budget_eighty_twenty() {
        assert_eq!(check_central_budget(&p(), m("10000000"), m("8000000")), Ok(()));
        assert_eq!(check_central_budget(&p(), m("10000000"), m("10000000")), Ok(()));
        assert!(matches!(
            check_central_budget(&p(), m("10000000"), m("7999999.99")),
            Err(RuleError::CentralRetrofitShareTooLow { .. })
        ));
        assert_eq!(check_central_budget(&p(), m("100"), m("100.01")), Err(RuleError::RetrofitBudgetAboveTotal));
    }

    #[test]
    fn r15_notice_at_least_five_calendar_days_inclusive() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(check_notice_period(&p(), d("2026-01-01"), d("2026-01-05")), Ok(()));
        assert_eq!(
            check_notice_period(&p(), d("2026-01-01"), d("2026-01-04")),
            Err(RuleError::NoticeTooShort { min_days: 5 })
        );
        assert_eq!(check_notice_period(&p(), d("2026-01-05"), d("2026-01-01")), Err(RuleError::NoticeEndsBeforeStart));
        assert!(notice_may_close(d("2026-01-05"), d("2026-01-05")));
        assert!(!notice_may_close(d("2026-01-05"), d("2026-01-04")));
    }
}
