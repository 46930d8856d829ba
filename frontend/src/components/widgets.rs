//! Small pieces: status badges, money, errors beside fields, empty states, progress bars.

use dtpilot_domain::Money;
use dtpilot_domain::ledger::PaymentStatus;
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::format::{wan, yuan};
use crate::i18n::{lang, payment_status_name, state_name};

/// A project state as a coloured badge with its policy name.
#[component]
pub fn StateBadge(state: ProjectState) -> impl IntoView {
    let lang = lang();
    view! {
        <span class=format!("badge state-{}", state.code()) data-state=state.code()>
            {move || state_name(state, lang.get())}
        </span>
    }
}

#[component]
pub fn PaymentBadge(status: PaymentStatus) -> impl IntoView {
    let lang = lang();
    view! {
        <span class=format!("badge pay-{}", status.code()) data-status=status.code()>
            {move || payment_status_name(status, lang.get())}
        </span>
    }
}

/// `¥350,000.00`, with `35万元` as its tooltip.
#[component]
pub fn Yuan(money: Money) -> impl IntoView {
    view! { <span class="yuan" title=wan(money)>{yuan(money)}</span> }
}

/// The error of a whole form or action (the server's Chinese `detail`), if any.
#[component]
pub fn ErrorLine(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || error.get().map(|e| view! { <p class="error" role="alert">{e.message()}</p> })
}

/// The server's message for one field, shown beside it.
#[component]
pub fn FieldError(error: RwSignal<Option<ApiError>>, field: &'static str) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| e.on_field(field))).map(|m| {
            view! { <span class="field-error" data-field=field>{m}</span> }
        })
    }
}

/// A progress bar of `percent` (0–100).
#[component]
pub fn ProgressBar(#[prop(into)] percent: Signal<u32>) -> impl IntoView {
    view! {
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || percent.get()>
            // `style:width` sets the CSSOM property: an inline `style` attribute is refused by the CSP.
            <div class="bar" style:width=move || format!("{}%", percent.get().min(100))></div>
            <span>{move || format!("{}%", percent.get().min(100))}</span>
        </div>
    }
}

/// What an empty list says: what it holds and what to do.
#[component]
pub fn Empty(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! { <p class="empty muted">{move || text.get()}</p> }
}
