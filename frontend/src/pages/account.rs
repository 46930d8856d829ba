//! "My account": `GET /me`, as the server sees the signed-in user.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{K, lang, t};
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
        </section>
    }
}
