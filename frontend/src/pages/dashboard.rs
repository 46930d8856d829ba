//! `/`: the signed-in user's own dashboard, chosen by role. Each role's dashboard is a `#[lazy]`
//! function: the xtask splits it into its own wasm module, fetched the first time it is shown, so
//! the first load holds only the shell and an enterprise user never downloads the city's code.

use dtpilot_domain::state::Role;
use leptos::lazy;
use leptos::prelude::*;

use crate::i18n::{K, t};
use crate::pages::{admin, city, county, enterprise, evaluator, finance, provider};
use crate::session::SessionCtx;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let session = SessionCtx::get();
    let role = Memo::new(move |_| session.session.with(|s| s.as_ref().map(|s| s.user.role)));
    // The module of the role's dashboard, fetched once; until then a loading line. No <Suspense>:
    // the dashboard's own resources must not send the whole page back to the fallback.
    let module = LocalResource::new(move || dashboard_of(role.get()));
    move || match module.get() {
        Some(Some(render)) => render(),
        Some(None) => ().into_any(),
        None => loading().into_any(),
    }
}

/// What a lazy page shows while its module is fetched.
pub fn loading() -> impl IntoView {
    view! { <p class="muted">{t(K::Loading)}</p> }
}

/// A view built by code of a split module: a plain function pointer, so it can be called again
/// (each render builds a fresh view) once its module has been loaded.
pub type Render = fn() -> AnyView;

async fn dashboard_of(role: Option<Role>) -> Option<Render> {
    Some(match role? {
        Role::Enterprise => enterprise_dashboard().await,
        Role::Provider => provider_dashboard().await,
        Role::County => county_dashboard().await,
        Role::City => city_dashboard().await,
        Role::Finance => finance_dashboard().await,
        Role::Evaluator => evaluator_dashboard().await,
        Role::Admin => admin_dashboard().await,
    })
}

#[lazy]
fn enterprise_dashboard() -> Render {
    || view! { <enterprise::EnterpriseDashboard /> }.into_any()
}

#[lazy]
fn provider_dashboard() -> Render {
    || view! { <provider::ProviderDashboard /> }.into_any()
}

#[lazy]
fn county_dashboard() -> Render {
    || view! { <county::CountyDashboard /> }.into_any()
}

#[lazy]
fn city_dashboard() -> Render {
    || view! { <city::CityDashboard /> }.into_any()
}

#[lazy]
fn finance_dashboard() -> Render {
    || view! { <finance::FinanceDashboard /> }.into_any()
}

#[lazy]
fn evaluator_dashboard() -> Render {
    || view! { <evaluator::EvaluatorDashboard /> }.into_any()
}

#[lazy]
fn admin_dashboard() -> Render {
    || view! { <admin::AdminDashboard /> }.into_any()
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
