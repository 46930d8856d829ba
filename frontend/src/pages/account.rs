//! "My account": `GET /me`, as the server sees the signed-in user, and 修改密码 (`POST
//! /me/password`) — also the only screen after a sign-in with a one-time password.

use dtpilot_api_types::auth::ChangePasswordRequest;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{Checks, act};
use crate::components::widgets::{ErrorLine, FieldError};
use crate::i18n::{K, lang, pick, t, tr};
use crate::session::SessionCtx;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let me = LocalResource::new(move || {
        let token = session.session.with(|s| s.as_ref().map(|s| s.tokens.access_token.clone()));
        async move {
            match token {
                Some(token) => api::me(&token).await,
                None => Err(ApiError::Network(String::new())),
            }
        }
    });
    let row = |key: K, value: String| {
        view! {
            <tr>
                <th>{t(key)}</th>
                <td>{value}</td>
            </tr>
        }
    };
    view! {
        <section class="card" id="account">
            <h1>{t(K::AccountHeading)}</h1>
            <Suspense fallback=move || view! { <p class="muted">{t(K::Loading)}</p> }>
                {move || {
                    me.get()
                        .map(|answer| match answer {
                            Ok(user) => {
                                let l = lang.get();
                                let yes_no = if user.active { K::Yes } else { K::No };
                                view! {
                                    <table class="kv" id="me">
                                        {row(K::Username, user.username.clone())}
                                        {row(K::DisplayName, user.display_name.clone())}
                                        {row(K::Role, user.role.name_zh().to_string())}
                                        {user.county.map(|c| row(K::County, c.name_zh().to_string()))}
                                        {user.enterprise_id.map(|id| row(K::EnterpriseId, id.to_string()))}
                                        {user.provider_id.map(|id| row(K::ProviderId, id.to_string()))}
                                        {row(K::Active, yes_no.text(l).to_string())}
                                    </table>
                                }
                                    .into_any()
                            }
                            Err(ApiError::Problem(p)) => view! { <p class="error">{p.detail}</p> }.into_any(),
                            Err(ApiError::Network(_)) => {
                                view! { <p class="error">{K::NetworkError.text(lang.get())}</p> }.into_any()
                            }
                        })
                }}
            </Suspense>
            <ChangePasswordForm />
        </section>
    }
}

/// After a sign-in with a one-time password: change it first (the server refuses everything else).
#[component]
pub fn ForcedPasswordChange() -> impl IntoView {
    view! {
        <section class="card" id="forced-password-change">
            <h1>{tr("请先修改密码", "Change your password first")}</h1>
            <p class="notice">
                {tr(
                    "您使用的是管理员设置的一次性密码。修改密码后才能继续使用系统。",
                    "You signed in with a one-time password set by an administrator. Change it to continue.",
                )}
            </p>
            <ChangePasswordForm />
        </section>
    }
}

/// 修改密码: the current password, the new one twice. The rules (at least 10 characters, not the
/// username, not a common password) are the server's; its messages are shown beside the fields.
#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reload = RwSignal::new(0_u32);
    let done = RwSignal::new(false);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let l = lang.get_untracked();
        let mut checks = Checks::default();
        if new.get_untracked() != repeat.get_untracked() {
            checks.fail("repeat_password", pick(l, "两次输入的新密码不一致", "The new passwords differ"));
        }
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let body =
            ChangePasswordRequest { current_password: current.get_untracked(), new_password: new.get_untracked() };
        let token = session.token();
        act(busy, error, reload, async move { api::post_no_content(&token, "/me/password", &body).await }, move |()| {
            for s in [current, new, repeat] {
                s.set(String::new());
            }
            done.set(true);
            session.password_changed();
        });
    };
    view! {
        <form class="actions inline-form" id="password-form" on:submit=submit>
            <h2>{tr("修改密码", "Change password")}</h2>
            <label>
                <span>{tr("当前密码", "Current password")}</span>
                <input id="pw-current" type="password" bind:value=current autocomplete="current-password" required />
                <FieldError error=error field="current_password" />
            </label>
            <label>
                <span>{tr("新密码", "New password")}</span>
                <input id="pw-new" type="password" bind:value=new autocomplete="new-password" required />
                <FieldError error=error field="new_password" />
            </label>
            <label>
                <span>{tr("再次输入新密码", "New password again")}</span>
                <input id="pw-repeat" type="password" bind:value=repeat autocomplete="new-password" required />
                <FieldError error=error field="repeat_password" />
            </label>
            <p class="muted">
                {tr(
                    "至少 10 个字符,不能包含用户名,不能是常见密码。修改后其他已登录的设备需重新登录。",
                    "At least 10 characters, not containing the username, not a common password. Other signed-in devices must sign in again.",
                )}
            </p>
            <button type="submit" id="pw-submit" disabled=move || busy.get()>{tr("修改密码", "Change password")}</button>
            <ErrorLine error=error />
            <Show when=move || done.get()>
                <p class="notice" id="pw-done">{tr("密码已修改。", "The password was changed.")}</p>
            </Show>
        </form>
    }
}
