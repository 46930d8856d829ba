//! Every golden case of `tests/fixtures/subsidy-cases.json` (a copy of shared/fixtures), through the
//! wire types and the pure core: the request parses (or is refused, for the 422 cases) and the
//! figures match to the fen. The same cases run over HTTP against the real binary in tests/.

use dtpilot_api_types::{QuoteRequest, QuoteResponse};
use dtpilot_domain::PolicyProfile;
use dtpilot_domain::quote::quote;
use serde_json::Value;

#[test]
fn every_subsidy_fixture_case() {
    let text = include_str!("../../../tests/fixtures/subsidy-cases.json");
    let fixtures: Value = serde_json::from_str(text).unwrap();
    let profile = PolicyProfile::changzhi_2025();
    let cases = fixtures["cases"].as_array().unwrap();
    assert!(cases.len() >= 29);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        let outcome = serde_json::from_value::<QuoteRequest>(case["request"].clone())
            .map_err(|e| e.to_string())
            .and_then(|r| quote(&profile, &r.into()).map_err(|e| format!("{e:?}")));
        if expect.get("error").is_some() {
            assert!(outcome.is_err(), "{name}: expected a refusal, got {outcome:?}");
            continue;
        }
        let q = outcome.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        let answer = serde_json::to_value(QuoteResponse::from_quote(q, "x".into())).unwrap();
        for key in ["planned_subsidy", "prepayment", "final_subsidy", "balance_due", "recovery_due"] {
            assert_eq!(answer[key], expect[key], "{name}: {key}");
        }
    }
}
