//! The payment ledger of SPEC §6 as pure decisions: which instruction falls due when a project
//! reaches a state, its direction and its fund split. The database records them; this decides them.

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::policy::PolicyProfile;
use crate::reference::ExpenseCategory;
use crate::rules::{self, FundSplit};

/// What an instruction pays or collects.
/// A project's money as its subsidy view shows it: the eligible actual investment (R4) and what
/// its retrofit instructions have paid out and brought back (SPEC §6: the provider's diagnosis
/// subsidy, cloud subsidies and awards are not counted). Summed here from the records, or by SQL
/// over the same sets ([`ProjectMoney::eligible_categories`], [`ProjectMoney::paid_out_kinds`],
/// [`ProjectMoney::recovered_kinds`]) when a page of projects is read in one statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectMoney {
    pub eligible_investment: Money,
    pub paid_total: Money,
    pub recovered_total: Money,
}

impl ProjectMoney {
    /// From the project's expenses and its **paid** instructions.
    pub fn from_records(
        expenses: impl IntoIterator<Item = (ExpenseCategory, Money)>,
        paid: impl IntoIterator<Item = (PaymentKind, Money)>,
    ) -> ProjectMoney {
        let mut m =
            ProjectMoney { eligible_investment: rules::eligible_investment(expenses), ..ProjectMoney::default() };
        for (kind, amount) in paid {
            if ProjectMoney::paid_out_kinds().any(|k| k == kind) {
                m.paid_total += amount;
            } else if ProjectMoney::recovered_kinds().any(|k| k == kind) {
                m.recovered_total += amount;
            }
        }
        m
    }

    /// The expense categories whose sum is the eligible investment (第五条(一)1).
    pub fn eligible_categories() -> impl Iterator<Item = ExpenseCategory> {
        ExpenseCategory::ALL.iter().copied().filter(|c| c.is_eligible())
    }

    /// The instructions that count in `paid_total`.
    pub fn paid_out_kinds() -> impl Iterator<Item = PaymentKind> {
        PaymentKind::ALL.into_iter().filter(|k| k.is_retrofit() && k.direction() == Direction::Out)
    }

    /// The instructions that count in `recovered_total`.
    pub fn recovered_kinds() -> impl Iterator<Item = PaymentKind> {
        PaymentKind::ALL.into_iter().filter(|k| k.is_retrofit() && k.direction() == Direction::In)
    }

    /// Whether any retrofit money has moved (no instruction is ever of 0.00, SPEC §5).
    pub fn any_paid(&self) -> bool {
        self.paid_total.is_positive() || self.recovered_total.is_positive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Prepayment,
    Balance,
    Recovery,
    Diagnosis,
    Cloud,
    Award,
}

impl PaymentKind {
    pub const ALL: [PaymentKind; 6] = [
        PaymentKind::Prepayment,
        PaymentKind::Balance,
        PaymentKind::Recovery,
        PaymentKind::Diagnosis,
        PaymentKind::Cloud,
        PaymentKind::Award,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentKind::Prepayment => "prepayment",
            PaymentKind::Balance => "balance",
            PaymentKind::Recovery => "recovery",
            PaymentKind::Diagnosis => "diagnosis",
            PaymentKind::Cloud => "cloud",
            PaymentKind::Award => "award",
        }
    }

    pub fn from_code(code: &str) -> Option<PaymentKind> {
        PaymentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PaymentKind::Prepayment => "预拨付",
            PaymentKind::Balance => "清算拨付",
            PaymentKind::Recovery => "追回",
            PaymentKind::Diagnosis => "诊断补贴",
            PaymentKind::Cloud => "上云补贴",
            PaymentKind::Award => "奖励",
        }
    }

    /// Money comes back only through a recovery.
    pub fn direction(self) -> Direction {
        if self == PaymentKind::Recovery { Direction::In } else { Direction::Out }
    }

    /// Counted in a project's `paid_total`/`recovered_total` (not the provider's diagnosis subsidy).
    pub fn is_retrofit(self) -> bool {
        matches!(self, PaymentKind::Prepayment | PaymentKind::Balance | PaymentKind::Recovery)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Out,
    In,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }

    /// 拨付 (money goes out to the payee) or 追回 (money comes back).
    pub fn name_zh(self) -> &'static str {
        match self {
            Direction::Out => "拨付",
            Direction::In => "追回",
        }
    }
}

/// An instruction's status: only forward, `pending → approved → paid`, or `→ cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Approved,
    Paid,
    Cancelled,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] =
        [PaymentStatus::Pending, PaymentStatus::Approved, PaymentStatus::Paid, PaymentStatus::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Approved => "approved",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status as the bureaus name it (`paid`: executed — paid out, or received for a recovery).
    pub fn name_zh(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "待审批",
            PaymentStatus::Approved => "已审批(待执行)",
            PaymentStatus::Paid => "已执行",
            PaymentStatus::Cancelled => "已取消",
        }
    }

    /// Not yet money moved and not cancelled: a cancellation of the project cancels it.
    pub fn is_open(self) -> bool {
        matches!(self, PaymentStatus::Pending | PaymentStatus::Approved)
    }
}

/// A new instruction as the rules make it due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub kind: PaymentKind,
    pub amount: Money,
    pub funds: FundSplit,
}

/// The instruction of `kind` for `amount`, split per R8/R14 — `None` for 0.00 (SPEC §5: no
/// zero-amount instruction is created).
pub fn due(p: &PolicyProfile, kind: PaymentKind, amount: Money, central_fund_excluded: bool) -> Option<Due> {
    amount.is_positive().then(|| Due { kind, amount, funds: rules::fund_split(p, amount, central_fund_excluded) })
}

/// Net retrofit money with the enterprise: paid out minus recovered, over paid instructions.
pub fn net_paid(paid: impl IntoIterator<Item = (PaymentKind, Money)>) -> Money {
    paid.into_iter()
        .filter(|(k, _)| k.is_retrofit())
        .map(|(k, m)| match k.direction() {
            Direction::Out => m,
            Direction::In => -m,
        })
        .sum()
}

/// What settles a project after evaluation (R4–R6): the final subsidy and the one instruction
/// (balance or recovery) that brings net paid to it, if any.
pub fn settlement_due(
    p: &PolicyProfile,
    final_subsidy: Money,
    net_paid: Money,
    central_fund_excluded: bool,
) -> Option<Due> {
    let s = rules::settlement(final_subsidy, net_paid);
    due(p, PaymentKind::Balance, s.balance_due, central_fund_excluded)
        .or_else(|| due(p, PaymentKind::Recovery, s.recovery_due, central_fund_excluded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse_wire(s).unwrap()
    }

    /// SPEC §6 and R4: a project's money counts eligible expenses and its retrofit instructions
    /// only; the provider's diagnosis subsidy, cloud subsidies and awards are someone else's.
    #[test]
    fn r4_project_money_counts_eligible_expenses_and_retrofit_instructions_only() {
        use ExpenseCategory as C;
        let pm = ProjectMoney::from_records(
            [(C::Software, m("250000")), (C::Other, m("90000")), (C::Gateway, m("0.01"))],
            [
                (PaymentKind::Prepayment, m("150000")),
                (PaymentKind::Balance, m("100000")),
                (PaymentKind::Recovery, m("20000")),
                (PaymentKind::Diagnosis, m("30000")),
                (PaymentKind::Cloud, m("5000")),
                (PaymentKind::Award, m("100000")),
            ],
        );
        assert_eq!(
            (pm.eligible_investment, pm.paid_total, pm.recovered_total),
            (m("250000.01"), m("250000"), m("20000"))
        );
        assert!(pm.any_paid());
        assert!(!ProjectMoney::from_records([], [(PaymentKind::Diagnosis, m("30000"))]).any_paid());
        let kinds = |i: &mut dyn Iterator<Item = PaymentKind>| i.map(PaymentKind::code).collect::<Vec<_>>();
        assert_eq!(kinds(&mut ProjectMoney::paid_out_kinds()), ["prepayment", "balance"]);
        assert_eq!(kinds(&mut ProjectMoney::recovered_kinds()), ["recovery"]);
        assert!(ProjectMoney::eligible_categories().all(|c| c != C::Other));
        assert_eq!(ProjectMoney::eligible_categories().count(), C::ALL.len() - 1);
    }

    #[test]
    fn zero_amounts_make_no_instruction() {
        let p = PolicyProfile::changzhi_2025();
        assert_eq!(due(&p, PaymentKind::Prepayment, Money::ZERO, false), None);
        let d = due(&p, PaymentKind::Prepayment, m("150000"), false).unwrap();
        assert_eq!((d.funds.central, d.funds.city, d.funds.county), (m("75000"), m("37500"), m("37500")));
    }

    #[test]
    fn r5_settlement_is_a_balance_or_a_recovery() {
        let p = PolicyProfile::changzhi_2025();
        let d = settlement_due(&p, m("250000"), m("150000"), false).unwrap();
        assert_eq!((d.kind, d.amount), (PaymentKind::Balance, m("100000")));
        let d = settlement_due(&p, Money::ZERO, m("175000"), true).unwrap();
        assert_eq!((d.kind, d.amount, d.funds.central), (PaymentKind::Recovery, m("175000"), Money::ZERO));
        assert_eq!(settlement_due(&p, m("150000"), m("150000"), false), None);
    }

    #[test]
    fn net_paid_counts_retrofit_money_only() {
        let paid = [
            (PaymentKind::Prepayment, m("175000")),
            (PaymentKind::Recovery, m("25000")),
            (PaymentKind::Diagnosis, m("20000")),
        ];
        assert_eq!(net_paid(paid), m("150000"));
    }
}
