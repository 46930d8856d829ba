//! Budgets and the other kinds of the ledger (SPEC §4 R10–R13, §6, §7b) as pure decisions: how a
//! diagnosis, cloud or award instruction is split across the funds, what a retrofit project draws on
//! each pool, whether a budget plan is valid (R13) and whether a pool is over its budget.
//!
//! Pools: the central fund, the city fund and each county's fund. The central budget has two parts
//! (R13): its retrofit part (`retrofit_amount`, at least 80%) for retrofit subsidies and the rest (at
//! most 20%) for everything else. City and county budgets are one amount each. Budgets are optional:
//! a pool without one is not limited.

use serde::{Deserialize, Serialize};

use crate::ledger::{Due, PaymentKind};
use crate::money::Money;
use crate::policy::{AwardKind, PolicyProfile};
use crate::reference::County;
use crate::rules::{self, FundSplit, RuleError};

/// A fund (资金来源): 中央, 市级, 县级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fund {
    Central,
    City,
    County,
}

impl Fund {
    pub const ALL: [Fund; 3] = [Fund::Central, Fund::City, Fund::County];

    pub fn code(self) -> &'static str {
        match self {
            Fund::Central => "central",
            Fund::City => "city",
            Fund::County => "county",
        }
    }

    pub fn from_code(code: &str) -> Option<Fund> {
        Fund::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Fund::Central => "中央专项资金",
            Fund::City => "市级配套资金",
            Fund::County => "县级配套资金",
        }
    }
}

/// The part of a pool a draw counts against: retrofit subsidies, or the other kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Share {
    Retrofit,
    Other,
}

impl Share {
    pub fn code(self) -> &'static str {
        match self {
            Share::Retrofit => "retrofit",
            Share::Other => "other",
        }
    }

    pub fn of(kind: PaymentKind) -> Share {
        if kind.is_retrofit() { Share::Retrofit } else { Share::Other }
    }
}

/// R13 + 第七条 + 第九条(五): the split of a diagnosis, cloud or award instruction. Central =
/// floor(A × the profile's other-kinds central share) (0 for an R8 enterprise); the rest is the
/// city's — the county's 1:1 matching covers retrofit subsidies only.
pub fn other_split(p: &PolicyProfile, amount: Money, central_fund_excluded: bool) -> FundSplit {
    let central = if central_fund_excluded { Money::ZERO } else { amount.mul_floor(p.other_kinds_central_share.value) };
    FundSplit { central, city: amount - central, county: Money::ZERO }
}

/// The instruction of a non-retrofit `kind` for `amount` (`None` for 0.00), split by [`other_split`].
pub fn other_due(p: &PolicyProfile, kind: PaymentKind, amount: Money, central_fund_excluded: bool) -> Option<Due> {
    debug_assert!(!kind.is_retrofit());
    amount.is_positive().then(|| Due { kind, amount, funds: other_split(p, amount, central_fund_excluded) })
}

/// R10: the diagnosis subsidy of an enterprise whose project passed acceptance, from the report
/// `(report id, fee)` that project rests on (SPEC §9.1: chosen at the project's creation; reports
/// uploaded later change nothing): its fee, capped. `None` when the project rests on no report or
/// the subsidy is 0.00.
pub fn diagnosis_amount(p: &PolicyProfile, rests_on: Option<(i64, Money)>) -> Option<(i64, Money)> {
    let (id, fee) = rests_on?;
    let amount = rules::diagnosis_subsidy(p, fee, true).ok()?;
    amount.is_positive().then_some((id, amount))
}

/// What a retrofit project draws on the funds. While it is live (approved and not yet finished) the
/// larger, per fund, of its commitment (the planned subsidy split at the city's approval) and its
/// instructions; once finished (settled, closed, failed, cancelled, rejected) only its instructions:
/// paid out or still to pay (`out`: prepayment and balance not cancelled) less recovered (`recovered`:
/// recoveries received). A rejection, cancellation or failed acceptance so releases the commitment,
/// and a received recovery releases what it brought back.
pub fn project_draw(live: bool, committed: FundSplit, out: FundSplit, recovered: FundSplit) -> FundSplit {
    let instructed = FundSplit {
        central: out.central - recovered.central,
        city: out.city - recovered.city,
        county: out.county - recovered.county,
    };
    if !live {
        return instructed;
    }
    FundSplit {
        central: committed.central.max(instructed.central),
        city: committed.city.max(instructed.city),
        county: committed.county.max(instructed.county),
    }
}

/// A budget plan as the city enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetPlan {
    pub fund: Fund,
    pub county: Option<County>,
    pub amount: Money,
    pub retrofit_amount: Option<Money>,
}

/// Why a budget plan is refused: the field at fault and the message, or R13.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("{field}: {message}")]
    Field { field: &'static str, message: &'static str },
    #[error(transparent)]
    Rule(#[from] RuleError),
}

/// Check a budget plan: a positive amount; a county for (and only for) the county fund; the central
/// budget names its retrofit part, and R13 holds (at least the profile's share, 80%, to retrofit).
pub fn check_plan(p: &PolicyProfile, plan: &BudgetPlan) -> Result<(), BudgetError> {
    if !plan.amount.is_positive() {
        return Err(BudgetError::Field { field: "amount", message: "预算金额须大于 0" });
    }
    match (plan.fund, plan.county) {
        (Fund::County, None) => {
            return Err(BudgetError::Field { field: "county", message: "县级预算须指明县区" });
        }
        (Fund::Central | Fund::City, Some(_)) => {
            return Err(BudgetError::Field { field: "county", message: "只有县级预算指明县区" });
        }
        _ => {}
    }
    match (plan.fund, plan.retrofit_amount) {
        (Fund::Central, None) => Err(BudgetError::Field {
            field: "retrofit_amount",
            message: "中央资金预算须注明用于数字化改造补助的金额(R13)",
        }),
        (Fund::Central, Some(retrofit)) => Ok(rules::check_central_budget(p, plan.amount, retrofit)?),
        (_, Some(_)) => Err(BudgetError::Field {
            field: "retrofit_amount",
            message: "只有中央资金预算区分改造补助部分(R13)",
        }),
        (_, None) => Ok(()),
    }
}

/// A pool's budget and what it has drawn, by share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub amount: Money,
    /// The central budget's retrofit part; `None` for the city and county funds (one amount).
    pub retrofit_amount: Option<Money>,
    pub used_retrofit: Money,
    pub used_other: Money,
}

impl PoolUse {
    pub fn used(&self) -> Money {
        self.used_retrofit + self.used_other
    }

    pub fn remaining(&self) -> Money {
        self.amount - self.used()
    }

    /// Over budget? The central fund: each part within its own limit (retrofit ≤ its part, the
    /// others ≤ the rest: R13 stays true as money moves); the others: the whole within the amount.
    pub fn is_over(&self) -> bool {
        match self.retrofit_amount {
            Some(r) => self.used_retrofit > r || self.used_other > self.amount - r,
            None => self.used() > self.amount,
        }
    }
}

/// R12: which recipients an award kind may go to (第五条(二)): providers for the provider and
/// package awards, products for the product award, enterprises for the benchmark and workshop awards;
/// a chain-type or collected case may be an enterprise's or a provider's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientType {
    Enterprise,
    Provider,
    Product,
}

impl RecipientType {
    pub const ALL: [RecipientType; 3] = [RecipientType::Enterprise, RecipientType::Provider, RecipientType::Product];

    pub fn code(self) -> &'static str {
        match self {
            RecipientType::Enterprise => "enterprise",
            RecipientType::Provider => "provider",
            RecipientType::Product => "product",
        }
    }

    pub fn from_code(code: &str) -> Option<RecipientType> {
        RecipientType::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RecipientType::Enterprise => "企业",
            RecipientType::Provider => "服务商",
            RecipientType::Product => "“小快轻准”产品",
        }
    }
}

pub fn award_recipient_allowed(kind: AwardKind, to: RecipientType) -> bool {
    use RecipientType::{Enterprise, Product, Provider};
    match kind {
        AwardKind::ExcellentProvider => to == Provider,
        AwardKind::ExcellentProduct => to == Product,
        AwardKind::StandardPackage => matches!(to, Provider | Product),
        AwardKind::BenchmarkEnterprise | AwardKind::DigitalWorkshop => to == Enterprise,
        AwardKind::ChainCase | AwardKind::CollectedCase => matches!(to, Enterprise | Provider),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> PolicyProfile {
        PolicyProfile::changzhi_2025()
    }
    fn m(s: &str) -> Money {
        Money::parse_wire(s).unwrap()
    }
    fn split(central: &str, city: &str, county: &str) -> FundSplit {
        FundSplit { central: m(central), city: m(city), county: m(county) }
    }

    #[test]
    fn r13_other_kinds_draw_on_the_central_fund_and_r8_on_the_city() {
        for kind in [PaymentKind::Diagnosis, PaymentKind::Cloud, PaymentKind::Award] {
            let d = other_due(&p(), kind, m("30000.01"), false).unwrap();
            assert_eq!(d.funds, split("30000.01", "0", "0"));
            assert_eq!(d.funds.total(), d.amount);
            let d = other_due(&p(), kind, m("30000.01"), true).unwrap();
            assert_eq!(d.funds, split("0", "30000.01", "0"));
        }
        assert_eq!(other_due(&p(), PaymentKind::Cloud, Money::ZERO, false), None);
    }

    #[test]
    fn r13_other_kinds_parts_add_up_at_any_share() {
        let mut profile = p();
        for share in ["0.00", "0.33", "0.50", "0.99", "1.00"] {
            profile.other_kinds_central_share.value = crate::money::Ratio::new(share.parse().unwrap()).unwrap();
            for amount in ["0.01", "0.05", "100.05", "29999.99", "1000000.00"] {
                let s = other_split(&profile, m(amount), false);
                assert_eq!(s.total(), m(amount), "{share} {amount}");
                assert!(!s.central.is_negative() && !s.city.is_negative());
                assert_eq!(s.county, Money::ZERO);
            }
        }
    }

    #[test]
    fn r10_diagnosis_pays_the_report_the_project_rests_on_capped() {
        assert_eq!(diagnosis_amount(&p(), None), None);
        assert_eq!(diagnosis_amount(&p(), Some((7, m("45000")))), Some((7, m("30000"))));
        assert_eq!(diagnosis_amount(&p(), Some((3, m("12000")))), Some((3, m("12000"))));
        assert_eq!(diagnosis_amount(&p(), Some((9, Money::ZERO))), None);
    }

    #[test]
    fn project_draw_is_the_commitment_while_live_and_the_instructions_after() {
        let committed = split("175000", "87500", "87500");
        let prepaid = split("87500", "43750", "43750");
        let none = split("0", "0", "0");
        assert_eq!(project_draw(true, committed, prepaid, none), committed);
        assert_eq!(project_draw(false, committed, prepaid, none), prepaid);
        // failed acceptance, recovery received: nothing drawn
        assert_eq!(project_draw(false, committed, prepaid, prepaid), none);
        // instructions above the plan (R4 switch off): the larger counts
        let more = split("200000", "100000", "100000");
        assert_eq!(project_draw(true, committed, more, none), more);
    }

    #[test]
    fn r13_budget_plans() {
        let plan = |fund, county, amount: &str, retrofit: Option<&str>| BudgetPlan {
            fund,
            county,
            amount: m(amount),
            retrofit_amount: retrofit.map(m),
        };
        assert_eq!(check_plan(&p(), &plan(Fund::Central, None, "10000000", Some("8000000"))), Ok(()));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::Central, None, "10000000", Some("7999999.99"))),
            Err(BudgetError::Rule(RuleError::CentralRetrofitShareTooLow { .. }))
        ));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::Central, None, "10000000", None)),
            Err(BudgetError::Field { field: "retrofit_amount", .. })
        ));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::City, None, "100", Some("100"))),
            Err(BudgetError::Field { field: "retrofit_amount", .. })
        ));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::County, None, "100", None)),
            Err(BudgetError::Field { field: "county", .. })
        ));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::City, Some(County::Luzhou), "100", None)),
            Err(BudgetError::Field { field: "county", .. })
        ));
        assert_eq!(check_plan(&p(), &plan(Fund::County, Some(County::Luzhou), "100", None)), Ok(()));
        assert!(matches!(
            check_plan(&p(), &plan(Fund::City, None, "0", None)),
            Err(BudgetError::Field { field: "amount", .. })
        ));
    }

    #[test]
    fn r13_pool_limits_keep_the_central_parts_apart() {
        let central = |r: &str, o: &str| PoolUse {
            amount: m("1000"),
            retrofit_amount: Some(m("800")),
            used_retrofit: m(r),
            used_other: m(o),
        };
        assert!(!central("800", "200").is_over());
        assert!(central("800.01", "0").is_over());
        assert!(central("0", "200.01").is_over());
        let city = PoolUse { amount: m("1000"), retrofit_amount: None, used_retrofit: m("900"), used_other: m("100") };
        assert!(!city.is_over());
        assert_eq!(city.remaining(), Money::ZERO);
        assert!(PoolUse { used_other: m("100.01"), ..city }.is_over());
    }

    #[test]
    fn r12_award_recipients() {
        assert!(award_recipient_allowed(AwardKind::ExcellentProvider, RecipientType::Provider));
        assert!(!award_recipient_allowed(AwardKind::ExcellentProvider, RecipientType::Enterprise));
        assert!(award_recipient_allowed(AwardKind::BenchmarkEnterprise, RecipientType::Enterprise));
        assert!(award_recipient_allowed(AwardKind::ChainCase, RecipientType::Provider));
        assert!(award_recipient_allowed(AwardKind::ExcellentProduct, RecipientType::Product));
        assert!(!award_recipient_allowed(AwardKind::DigitalWorkshop, RecipientType::Provider));
    }

    #[test]
    fn r12_benchmark_cap_is_not_reduced_by_the_retrofit_subsidy() {
        // 不包含数字化改造已补助资金: the award's cap stands beside the retrofit subsidy.
        let cap = p().award(AwardKind::BenchmarkEnterprise).cap;
        assert_eq!(rules::check_award(&p(), AwardKind::BenchmarkEnterprise, cap, false, 0), Ok(()));
    }
}
