//! Sign-in: `POST /auth/login`; errors are the server's Chinese `detail`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::app::{Page, Router};
use crate::i18n::{K, lang, t};
use crate::session::SessionCtx;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    let lang = lang();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (u, p) = (username.get_untracked(), password.get_untracked());
        spawn_local(async move {
            match api::login(u, p).await {
                Ok(answer) => {
                    password.set(String::new());
                    session.start(answer);
                    router.go(Page::Dashboard);
                }
                Err(e) => {
                    let l = lang.get_untracked();
                    let message = match &e {
                        ApiError::Problem(p) if p.status == 429 => format!("{}({})", K::TooMany.text(l), p.detail),
                        ApiError::Problem(p) => p.detail.clone(),
                        ApiError::Network(_) => K::NetworkError.text(l).to_string(),
                    };
                    error.set(Some(message));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <section class="card narrow">
            <h1>{t(K::LoginHeading)}</h1>
            <form on:submit=submit id="login-form">
                <label>
                    <span>{t(K::Username)}</span>
                    <input id="username" name="username" autocomplete="username" required bind:value=username />
                </label>
                <label>
                    <span>{t(K::Password)}</span>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </label>
                {move || error.get().map(|m| view! { <p class="error" id="login-error" role="alert">{m}</p> })}
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { K::LoggingIn.text(lang.get()) } else { K::LoginButton.text(lang.get()) }}
                </button>
            </form>
        </section>
    }
}
