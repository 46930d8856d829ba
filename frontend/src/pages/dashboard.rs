//! `/`: the signed-in user's own dashboard, chosen by role.

use dtpilot_domain::state::Role;
use leptos::prelude::*;

use crate::pages::{admin, city, county, enterprise, evaluator, finance, provider};
use crate::session::SessionCtx;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionCtx::get();
    move || {
        let role = session.session.with(|s| s.as_ref().map(|s| s.user.role));
        match role {
            Some(Role::Enterprise) => view! { <enterprise::EnterpriseDashboard /> }.into_any(),
            Some(Role::Provider) => view! { <provider::ProviderDashboard /> }.into_any(),
            Some(Role::County) => view! { <county::CountyDashboard /> }.into_any(),
            Some(Role::City) => view! { <city::CityDashboard /> }.into_any(),
            Some(Role::Finance) => view! { <finance::FinanceDashboard /> }.into_any(),
            Some(Role::Evaluator) => view! { <evaluator::EvaluatorDashboard /> }.into_any(),
            Some(Role::Admin) => view! { <admin::AdminDashboard /> }.into_any(),
            None => ().into_any(),
        }
    }
}

/// The tabs of a dashboard: a row of buttons over one signal.
#[component]
pub fn Tabs(current: RwSignal<usize>, labels: Vec<(&'static str, &'static str, &'static str)>) -> impl IntoView {
    let lang = crate::i18n::lang();
    view! {
        <nav class="tabs" role="tablist">
            {labels
                .into_iter()
                .enumerate()
                .map(|(i, (id, zh, en))| {
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=id
                            class:active=move || current.get() == i
                            on:click=move |_| current.set(i)
                        >
                            {move || crate::i18n::pick(lang.get(), zh, en)}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
