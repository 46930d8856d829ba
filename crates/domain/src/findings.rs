//! Findings and recoveries (SPEC §9.1, 第十四条 弄虚作假、截留、挪用、挤占、绩效未达目标; 第十条 追回):
//! what a finding may reclaim from a paid instruction and how the recovery is split.

use serde::{Deserialize, Serialize};

use crate::ledger::{Direction, Due, PaymentKind, PaymentStatus};
use crate::money::Money;
use crate::rules::FundSplit;

/// What the finding found (第十四条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 弄虚作假
    Fraud,
    /// 截留
    Retention,
    /// 挪用
    Diversion,
    /// 挤占
    Misappropriation,
    /// 绩效未达目标
    Underperformance,
}

impl FindingKind {
    pub const ALL: [FindingKind; 5] = [
        FindingKind::Fraud,
        FindingKind::Retention,
        FindingKind::Diversion,
        FindingKind::Misappropriation,
        FindingKind::Underperformance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Fraud => "fraud",
            FindingKind::Retention => "retention",
            FindingKind::Diversion => "diversion",
            FindingKind::Misappropriation => "misappropriation",
            FindingKind::Underperformance => "underperformance",
        }
    }

    pub fn from_code(code: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            FindingKind::Fraud => "弄虚作假",
            FindingKind::Retention => "截留",
            FindingKind::Diversion => "挪用",
            FindingKind::Misappropriation => "挤占",
            FindingKind::Underperformance => "绩效未达目标",
        }
    }
}

/// Whom the finding concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    Enterprise,
    Provider,
}

impl SubjectType {
    pub fn code(self) -> &'static str {
        match self {
            SubjectType::Enterprise => "enterprise",
            SubjectType::Provider => "provider",
        }
    }

    pub fn from_code(code: &str) -> Option<SubjectType> {
        [SubjectType::Enterprise, SubjectType::Provider].into_iter().find(|s| s.code() == code)
    }
}

/// A paid instruction as a finding sees it: whom it went to and how it was split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reclaimable {
    pub kind: PaymentKind,
    pub status: PaymentStatus,
    pub enterprise_id: Option<i64>,
    pub provider_id: Option<i64>,
    /// The instruction's own split (its amount is the total).
    pub funds: FundSplit,
    /// What earlier findings' recoveries (not cancelled) already reclaim of it, per fund.
    pub reclaimed: FundSplit,
}

/// Why a recovery is refused (each a 422 naming `recoveries[i].…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReclaimError {
    #[error("只能追回已执行的拨付指令")]
    NotPaidOut,
    #[error("该拨付指令不是拨付给本次认定对象的")]
    OutsideSubject,
    #[error("追回金额必须大于 0")]
    NotPositive,
    #[error("追回金额超过该笔拨付尚未追回的金额 {0}")]
    AboveReclaimable(Money),
}

impl ReclaimError {
    pub fn code(self) -> &'static str {
        match self {
            ReclaimError::NotPaidOut => "not_paid_out",
            ReclaimError::OutsideSubject => "outside_subject",
            ReclaimError::NotPositive => "invalid_amount",
            ReclaimError::AboveReclaimable(_) => "above_reclaimable",
        }
    }

    /// The field of `recoveries[i]` the error names.
    pub fn field(self) -> &'static str {
        match self {
            ReclaimError::NotPaidOut | ReclaimError::OutsideSubject => "payment_id",
            ReclaimError::NotPositive | ReclaimError::AboveReclaimable(_) => "amount",
        }
    }
}

impl Reclaimable {
    /// What is paid and not yet reclaimed.
    pub fn remaining(&self) -> Money {
        self.funds.total() - self.reclaimed.total()
    }

    /// Whether the instruction went to the subject: for an enterprise, instructions to or for it
    /// (its project's retrofit money, its cloud subsidy, its award); for a provider, instructions
    /// paid to it (diagnosis subsidy, award).
    fn concerns(&self, subject: SubjectType, id: i64) -> bool {
        match subject {
            // a provider's diagnosis subsidy (or award) names the enterprise it served but is paid
            // to the provider
            SubjectType::Enterprise => self.enterprise_id == Some(id) && self.provider_id.is_none(),
            SubjectType::Provider => self.provider_id == Some(id),
        }
    }
}

/// SPEC §9.1 / 第十条 / 第十四条: the recovery a finding on `subject` makes of `amount` from the
/// paid instruction `of`. Only paid disbursements to the subject, at most what is paid and not
/// yet reclaimed; the recovery is split in the instruction's own proportions (SPEC §3: central =
/// floor(A × central/total), city = floor((A − central) × city/(city + county)), county the rest),
/// never taking from a fund more than that fund still has to get back.
pub fn reclaim(subject: SubjectType, subject_id: i64, of: &Reclaimable, amount: Money) -> Result<Due, ReclaimError> {
    if of.kind.direction() != Direction::Out || of.status != PaymentStatus::Paid {
        return Err(ReclaimError::NotPaidOut);
    }
    if !of.concerns(subject, subject_id) {
        return Err(ReclaimError::OutsideSubject);
    }
    if !amount.is_positive() {
        return Err(ReclaimError::NotPositive);
    }
    let remaining = of.remaining();
    if amount > remaining {
        return Err(ReclaimError::AboveReclaimable(remaining));
    }
    Ok(Due { kind: PaymentKind::Recovery, amount, funds: split_like(&of.funds, &of.reclaimed, amount) })
}

fn ratio_floor(a: i64, num: i64, den: i64) -> i64 {
    if den == 0 { 0 } else { ((a as i128 * num as i128) / den as i128) as i64 }
}

/// `amount` split in the proportions of `original`, within what each fund has left after `already`.
fn split_like(original: &FundSplit, already: &FundSplit, amount: Money) -> FundSplit {
    let a = amount.to_fen();
    let (oc, oy, on) = (original.central.to_fen(), original.city.to_fen(), original.county.to_fen());
    let room = [oc - already.central.to_fen(), oy - already.city.to_fen(), on - already.county.to_fen()];
    let central = ratio_floor(a, oc, oc + oy + on);
    let city = ratio_floor(a - central, oy, oy + on);
    let mut parts = [central, city, a - central - city];
    // Rounding over several partial recoveries may ask a fund for a fen it no longer has: move
    // the excess to the funds with room (the total fits, so it always finds a place).
    let mut excess = 0;
    for (p, r) in parts.iter_mut().zip(room) {
        if *p > r {
            excess += *p - r;
            *p = r;
        }
    }
    for (p, r) in parts.iter_mut().zip(room) {
        let take = excess.min(r - *p);
        *p += take;
        excess -= take;
    }
    FundSplit { central: Money::from_fen(parts[0]), city: Money::from_fen(parts[1]), county: Money::from_fen(parts[2]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse_wire(s).unwrap()
    }

    fn split(c: &str, y: &str, n: &str) -> FundSplit {
        FundSplit { central: m(c), city: m(y), county: m(n) }
    }

    fn zero() -> FundSplit {
        split("0", "0", "0")
    }

    fn balance(reclaimed: FundSplit) -> Reclaimable {
        Reclaimable {
            kind: PaymentKind::Balance,
            status: PaymentStatus::Paid,
            enterprise_id: Some(7),
            provider_id: None,
            // 100000.00 split 60% central, the local rest halved
            funds: split("60000", "20000", "20000"),
            reclaimed,
        }
    }

    #[test]
    fn art10_art14_a_recovery_is_split_like_the_instruction_it_reclaims() {
        let due = reclaim(SubjectType::Enterprise, 7, &balance(zero()), m("1000.01")).unwrap();
        assert_eq!(due.kind, PaymentKind::Recovery);
        assert_eq!(due.amount, m("1000.01"));
        assert_eq!(due.funds, split("600.00", "200.00", "200.01"));
        assert_eq!(due.funds.total(), due.amount);
    }

    #[test]
    fn art10_art14_a_local_only_instruction_is_reclaimed_locally() {
        // R8: central money excluded — the recovery takes nothing back for the central fund.
        let cloud = Reclaimable { kind: PaymentKind::Cloud, funds: split("0", "2500", "2500"), ..balance(zero()) };
        let due = reclaim(SubjectType::Enterprise, 7, &cloud, m("5000")).unwrap();
        assert_eq!(due.funds, split("0", "2500", "2500"));
    }

    #[test]
    fn art10_never_more_than_paid_and_not_yet_reclaimed() {
        let of = balance(split("30000", "10000", "10000"));
        assert_eq!(
            reclaim(SubjectType::Enterprise, 7, &of, m("50000.01")),
            Err(ReclaimError::AboveReclaimable(m("50000")))
        );
        let due = reclaim(SubjectType::Enterprise, 7, &of, m("50000")).unwrap();
        // the last recovery takes exactly what each fund has left
        assert_eq!(due.funds, split("30000", "10000", "10000"));
        assert_eq!(reclaim(SubjectType::Enterprise, 7, &of, m("0")), Err(ReclaimError::NotPositive));
    }

    #[test]
    fn art10_partial_recoveries_never_take_a_fund_below_zero() {
        // 0.03 split 0.01/0.01/0.01: reclaim 0.01 three times; each fund gets back exactly its part.
        let mut of = Reclaimable { funds: split("0.01", "0.01", "0.01"), ..balance(zero()) };
        let mut total = zero();
        for _ in 0..3 {
            let due = reclaim(SubjectType::Enterprise, 7, &of, m("0.01")).unwrap();
            total = FundSplit {
                central: total.central + due.funds.central,
                city: total.city + due.funds.city,
                county: total.county + due.funds.county,
            };
            of.reclaimed = total;
        }
        assert_eq!(total, of.funds);
        assert_eq!(of.remaining(), Money::ZERO);
    }

    #[test]
    fn art14_only_paid_disbursements_to_the_subject() {
        let of = balance(zero());
        assert_eq!(reclaim(SubjectType::Enterprise, 8, &of, m("1")), Err(ReclaimError::OutsideSubject));
        assert_eq!(reclaim(SubjectType::Provider, 7, &of, m("1")), Err(ReclaimError::OutsideSubject));
        let pending = Reclaimable { status: PaymentStatus::Approved, ..of };
        assert_eq!(reclaim(SubjectType::Enterprise, 7, &pending, m("1")), Err(ReclaimError::NotPaidOut));
        let recovery = Reclaimable { kind: PaymentKind::Recovery, ..of };
        assert_eq!(reclaim(SubjectType::Enterprise, 7, &recovery, m("1")), Err(ReclaimError::NotPaidOut));
        // a provider's diagnosis subsidy is the provider's, not the enterprise's it served
        let diagnosis = Reclaimable { kind: PaymentKind::Diagnosis, provider_id: Some(3), ..of };
        assert_eq!(reclaim(SubjectType::Enterprise, 7, &diagnosis, m("1")), Err(ReclaimError::OutsideSubject));
        assert!(reclaim(SubjectType::Provider, 3, &diagnosis, m("1")).is_ok());
        assert_eq!(reclaim(SubjectType::Provider, 4, &diagnosis, m("1")), Err(ReclaimError::OutsideSubject));
    }
}
