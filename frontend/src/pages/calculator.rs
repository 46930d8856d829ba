//! The public subsidy calculator: `POST /subsidy/quote` (R1–R6), each figure as ¥ and 万元, the
//! rules applied, and the server's per-field errors beside their fields.

use dtpilot_api_types::QuoteResponse;
use dtpilot_domain::Money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};

use crate::api::{self, ApiError};
use crate::format::{wan, yuan};
use crate::i18n::{K, lang, rule_name, t};

/// The request body from what was entered: empty fields are left out, levels are numbers,
/// amounts are sent as typed (the server validates them and names the field that is wrong).
fn request_body(fields: &[(&str, String, bool)]) -> Value {
    let mut body = Map::new();
    for (name, value, is_level) in fields {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let json = match (is_level, value.parse::<u64>()) {
            (true, Ok(n)) => Value::from(n),
            _ => Value::from(value),
        };
        body.insert((*name).to_string(), json);
    }
    Value::Object(body)
}

#[component]
pub fn CalculatorPage() -> impl IntoView {
    let lang = lang();
    let target_level = RwSignal::new("3".to_string());
    let planned = RwSignal::new(String::new());
    let achieved_level = RwSignal::new(String::new());
    let eligible = RwSignal::new(String::new());
    let paid = RwSignal::new(String::new());
    let result = RwSignal::new(None::<QuoteResponse>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let body = request_body(&[
            ("target_level", target_level.get_untracked(), true),
            ("planned_eligible_investment", planned.get_untracked(), false),
            ("achieved_level", achieved_level.get_untracked(), true),
            ("eligible_investment", eligible.get_untracked(), false),
            ("paid_so_far", paid.get_untracked(), false),
        ]);
        spawn_local(async move {
            match api::quote(&body).await {
                Ok(answer) => {
                    error.set(None);
                    result.set(Some(answer));
                }
                Err(e) => {
                    result.set(None);
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };

    // The server's message for one field, shown beside it.
    let field_error = move |field: &'static str| {
        move || {
            error.with(|e| {
                e.as_ref().and_then(|e| {
                    let messages: Vec<String> =
                        e.field_errors().iter().filter(|f| f.field == field).map(|f| f.message.clone()).collect();
                    (!messages.is_empty()).then(|| {
                        view! {
                            <span class="field-error" id=format!("error-{field}") role="alert">
                                {messages.join(";")}
                            </span>
                        }
                    })
                })
            })
        }
    };
    let level_select = move |id: &'static str, signal: RwSignal<String>| {
        view! {
            <select id=id name=id bind:value=signal>
                <option value="">{t(K::NotGiven)}</option>
                {dtpilot_domain::DigitalLevel::ALL
                    .iter()
                    .map(|l| {
                        let n = l.get().to_string();
                        view! { <option value=n.clone()>{format!("{n} {}", l.name_zh())}</option> }
                    })
                    .collect_view()}
            </select>
        }
    };
    let money_input = move |id: &'static str, signal: RwSignal<String>| {
        view! { <input id=id name=id inputmode="decimal" placeholder="800000.00" bind:value=signal /> }
    };
    // Errors that name no field of the form (or a network failure).
    let general_error = move || {
        error.with(|e| match e {
            Some(ApiError::Problem(p)) if p.errors.is_empty() || p.errors.iter().any(|f| f.field.is_empty()) => {
                Some(view! { <p class="error" id="quote-error">{p.detail.clone()}</p> }.into_any())
            }
            Some(ApiError::Problem(p)) => {
                Some(view! { <p class="error" id="quote-error">{p.title.clone()}</p> }.into_any())
            }
            Some(ApiError::Network(_)) => {
                Some(view! { <p class="error" id="quote-error">{K::NetworkError.text(lang.get())}</p> }.into_any())
            }
            None => None,
        })
    };
    let figure = move |key: K, id: &'static str, value: Option<Money>| {
        value.map(|m| {
            view! {
                <tr id=id>
                    <th>{t(key)}</th>
                    <td class="num yuan">{yuan(m)}</td>
                    <td class="num wan">{wan(m)}</td>
                </tr>
            }
        })
    };
    let results = move || {
        result.get().map(|r| {
            let l = lang.get();
            view! {
                <section class="card" id="quote-result">
                    <h2>{t(K::Results)}</h2>
                    <table class="figures">
                        {figure(K::PlannedSubsidy, "planned_subsidy", r.planned_subsidy)}
                        {figure(K::Prepayment, "prepayment", r.prepayment)}
                        {figure(K::FinalSubsidy, "final_subsidy", r.final_subsidy)}
                        {figure(K::BalanceDue, "balance_due", r.balance_due)}
                        {figure(K::RecoveryDue, "recovery_due", r.recovery_due)}
                    </table>
                    <h3>{t(K::RulesApplied)}</h3>
                    <ul id="rules-applied">
                        {r
                            .rules_applied
                            .iter()
                            .map(|id| view! { <li><strong>{id.clone()}</strong>" "{rule_name(id, l)}</li> })
                            .collect_view()}
                    </ul>
                    <p class="muted">{t(K::Policy)}": "{r.policy.clone()}</p>
                </section>
            }
        })
    };

    view! {
        <section class="card">
            <h1>{t(K::CalcHeading)}</h1>
            <p class="muted">{t(K::CalcIntro)}</p>
            <form id="quote-form" on:submit=submit novalidate>
                <fieldset>
                    <legend>{t(K::PlanSection)}</legend>
                    <label>
                        <span>{t(K::TargetLevel)}</span>
                        {level_select("target_level", target_level)}
                        {field_error("target_level")}
                    </label>
                    <label>
                        <span>{t(K::PlannedInvestment)}</span>
                        {money_input("planned_eligible_investment", planned)}
                        {field_error("planned_eligible_investment")}
                    </label>
                </fieldset>
                <fieldset>
                    <legend>{t(K::EvalSection)}</legend>
                    <label>
                        <span>{t(K::AchievedLevel)}</span>
                        {level_select("achieved_level", achieved_level)}
                        {field_error("achieved_level")}
                    </label>
                    <label>
                        <span>{t(K::EligibleInvestment)}</span>
                        {money_input("eligible_investment", eligible)}
                        {field_error("eligible_investment")}
                    </label>
                    <label>
                        <span>{t(K::PaidSoFar)}</span>
                        {money_input("paid_so_far", paid)}
                        {field_error("paid_so_far")}
                    </label>
                </fieldset>
                {general_error}
                <button id="calculate" type="submit" disabled=move || busy.get()>{t(K::Calculate)}</button>
            </form>
        </section>
        {results}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_leaves_out_empty_fields_and_keeps_amounts_as_typed() {
        let body = request_body(&[
            ("target_level", "3".into(), true),
            ("planned_eligible_investment", " 1.001 ".into(), false),
            ("achieved_level", String::new(), true),
        ]);
        assert_eq!(body, serde_json::json!({"target_level": 3, "planned_eligible_investment": "1.001"}));
    }
}
