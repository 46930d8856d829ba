//! `POST /api/v1/subsidy/quote` (public).

use dtpilot_domain::quote::{Quote, QuoteInput};
use dtpilot_domain::{DigitalLevel, Money};
use serde::{Deserialize, Serialize};

/// Amounts must be strings of the §3 format; levels integers 1–4. Unknown fields are refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_level: Option<DigitalLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_eligible_investment: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<DigitalLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_investment: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_so_far: Option<Money>,
}

impl From<QuoteRequest> for QuoteInput {
    fn from(r: QuoteRequest) -> QuoteInput {
        QuoteInput {
            target_level: r.target_level,
            planned_eligible_investment: r.planned_eligible_investment,
            achieved_level: r.achieved_level,
            eligible_investment: r.eligible_investment,
            paid_so_far: r.paid_so_far,
        }
    }
}

/// The figures (null where not asked for) and the rules that produced them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteResponse {
    pub planned_subsidy: Option<Money>,
    pub prepayment: Option<Money>,
    pub final_subsidy: Option<Money>,
    pub balance_due: Option<Money>,
    pub recovery_due: Option<Money>,
    /// Rule ids of SPEC §4, e.g. `["R1", "R2", "R3"]`.
    pub rules_applied: Vec<String>,
    /// The policy profile the figures come from, e.g. `changzhi-2025@1`.
    pub policy: String,
}

impl QuoteResponse {
    pub fn from_quote(q: Quote, policy: String) -> QuoteResponse {
        QuoteResponse {
            planned_subsidy: q.planned_subsidy,
            prepayment: q.prepayment,
            final_subsidy: q.final_subsidy,
            balance_due: q.balance_due,
            recovery_due: q.recovery_due,
            rules_applied: q.rules_applied.iter().map(ToString::to_string).collect(),
            policy,
        }
    }
}
