//! The subsidy calculator (SPEC §7 `POST /subsidy/quote`): R1–R6 over a plan, an evaluation, or both.

use serde::Serialize;

use crate::level::DigitalLevel;
use crate::money::Money;
use crate::policy::PolicyProfile;
use crate::rules::{self, RuleId};

/// A validation failure of one request field (a 422 `errors` entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// What the calculator is asked. Each half (plan, evaluation) needs both of its fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuoteInput {
    pub target_level: Option<DigitalLevel>,
    pub planned_eligible_investment: Option<Money>,
    pub achieved_level: Option<DigitalLevel>,
    pub eligible_investment: Option<Money>,
    /// Net paid so far; defaults to the prepayment of the plan (0 without a plan).
    pub paid_so_far: Option<Money>,
}

/// The figures; `None` where that part was not asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub planned_subsidy: Option<Money>,
    pub prepayment: Option<Money>,
    pub final_subsidy: Option<Money>,
    pub balance_due: Option<Money>,
    pub recovery_due: Option<Money>,
    pub rules_applied: Vec<RuleId>,
}

fn pair<A: Copy, B: Copy>(
    a: Option<A>,
    a_field: &str,
    b: Option<B>,
    b_field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<(A, B)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a, b)),
        (Some(_), None) => {
            errors.push(FieldError::new(b_field, format!("提供 {a_field} 时必须同时提供 {b_field}")));
            None
        }
        (None, Some(_)) => {
            errors.push(FieldError::new(a_field, format!("提供 {b_field} 时必须同时提供 {a_field}")));
            None
        }
        (None, None) => None,
    }
}

/// R1–R6: the planned subsidy and prepayment of a plan; the final subsidy of an evaluation and
/// what settles it. Every invalid field is reported, not just the first.
pub fn quote(p: &PolicyProfile, input: &QuoteInput) -> Result<Quote, Vec<FieldError>> {
    let mut errors = Vec::new();
    let plan = pair(
        input.target_level,
        "target_level",
        input.planned_eligible_investment,
        "planned_eligible_investment",
        &mut errors,
    );
    let actual =
        pair(input.achieved_level, "achieved_level", input.eligible_investment, "eligible_investment", &mut errors);
    if input.paid_so_far.is_some() && input.achieved_level.is_none() && input.eligible_investment.is_none() {
        errors.push(FieldError::new(
            "paid_so_far",
            "paid_so_far 只用于验收结算,须同时提供 achieved_level 和 eligible_investment",
        ));
    }
    if errors.is_empty() && plan.is_none() && actual.is_none() {
        errors.push(FieldError::new(
            "target_level",
            "请提供计划(target_level 与 planned_eligible_investment)或验收结果(achieved_level 与 eligible_investment)",
        ));
    }
    let mut rules_applied = vec![];
    let mut planned = None;
    if let Some((target, investment)) = plan {
        match rules::planned_subsidy(p, investment, target) {
            Ok(m) => planned = Some(m),
            Err(e) => errors.push(FieldError::new("target_level", e.to_string())),
        }
        rules_applied.extend([RuleId::R1, RuleId::R2, RuleId::R3]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let prepayment = planned.map(|m| rules::prepayment(p, m));
    let (mut final_subsidy, mut balance_due, mut recovery_due) = (None, None, None);
    if let Some((level, eligible)) = actual {
        let owed = rules::final_subsidy(p, eligible, level, planned);
        let paid = input.paid_so_far.or(prepayment).unwrap_or(Money::ZERO);
        let s = rules::settlement(owed, paid);
        final_subsidy = Some(owed);
        balance_due = Some(s.balance_due);
        recovery_due = Some(s.recovery_due);
        if !rules_applied.contains(&RuleId::R1) {
            rules_applied.push(RuleId::R1);
        }
        rules_applied.push(if rules::acceptance_passed(p, level) { RuleId::R4 } else { RuleId::R6 });
        rules_applied.push(RuleId::R5);
    }
    Ok(Quote { planned_subsidy: planned, prepayment, final_subsidy, balance_due, recovery_due, rules_applied })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lv(n: u8) -> Option<DigitalLevel> {
        DigitalLevel::new(n)
    }
    fn m(s: &str) -> Option<Money> {
        Some(Money::parse_wire(s).unwrap())
    }

    #[test]
    fn spec_worked_example() {
        let p = PolicyProfile::changzhi_2025();
        let mut input = QuoteInput {
            target_level: lv(3),
            planned_eligible_investment: m("800000"),
            achieved_level: lv(3),
            eligible_investment: m("640000.01"),
            paid_so_far: None,
        };
        let q = quote(&p, &input).unwrap();
        assert_eq!((q.planned_subsidy, q.prepayment, q.final_subsidy), (m("350000"), m("175000"), m("320000")));
        assert_eq!((q.balance_due, q.recovery_due), (m("145000"), m("0")));
        assert_eq!(q.rules_applied, vec![RuleId::R1, RuleId::R2, RuleId::R3, RuleId::R4, RuleId::R5]);
        input.achieved_level = lv(1);
        let q = quote(&p, &input).unwrap();
        assert_eq!((q.final_subsidy, q.balance_due, q.recovery_due), (m("0"), m("0"), m("175000")));
        assert!(q.rules_applied.contains(&RuleId::R6));
    }

    #[test]
    fn half_a_pair_names_the_missing_field() {
        let p = PolicyProfile::changzhi_2025();
        let e = quote(&p, &QuoteInput { target_level: lv(2), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "planned_eligible_investment");
        let e = quote(&p, &QuoteInput { eligible_investment: m("1"), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "achieved_level");
        let e = quote(&p, &QuoteInput { paid_so_far: m("1"), ..Default::default() }).unwrap_err();
        assert_eq!(e[0].field, "paid_so_far");
        let e = quote(&p, &QuoteInput::default()).unwrap_err();
        assert_eq!(e.len(), 1);
        let e =
            quote(&p, &QuoteInput { target_level: lv(1), planned_eligible_investment: m("1"), ..Default::default() })
                .unwrap_err();
        assert_eq!(e[0].field, "target_level");
    }
}
