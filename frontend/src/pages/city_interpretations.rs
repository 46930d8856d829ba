//! The city bureau's 「待确认的政策解释」 (SPEC §9.1 "Readings to confirm"): every reading of the texts
//! the policy profile in force assumes, with the words it rests on and what dtpilot does; the open
//! ones first, each confirmed with the document that settles it.

use dtpilot_api_types::policy::{ConfirmInterpretationRequest, InterpretationView, InterpretationsView};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::act;
use crate::components::widgets::{Empty, ErrorLine, FieldError};
use crate::i18n::{lang, pick, tr};
use crate::pages::dashboard::loading;
use crate::session::SessionCtx;

#[component]
pub fn InterpretationsPanel(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<InterpretationsView>(&token, "/policy/interpretations").await }
    });
    let body = move || {
        data.get().map(|answer| match answer {
            Ok(v) if v.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(lang.get(), "现行政策配置没有待确认的解释。", "The policy in force assumes no reading.").to_string()
                }) />
            }
            .into_any(),
            Ok(v) => {
                let open = v.open;
                view! {
                    <p class="muted" id="interpretations-summary">
                        {move || match lang.get() {
                            crate::i18n::Lang::Zh => format!("政策配置 {}:{} 条待确认。", v.profile, open),
                            crate::i18n::Lang::En => format!("Profile {}: {} awaiting confirmation.", v.profile, open),
                        }}
                    </p>
                    <ul class="interpretations" id="interpretations-list">
                        {v.items.into_iter().map(|i| view! { <Reading item=i reload=reload /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="city-interpretations">
            <h2>{tr("待确认的政策解释", "Readings to confirm")}</h2>
            <p class="muted">
                {tr(
                    "两份文件没有写死、由平台按下列理解执行的数字。请核对原文,以会议纪要号或文号确认;确认后记入审计日志。",
                    "Numbers the two texts leave open, which dtpilot applies as read below. Check the text and confirm with the meeting minutes or document number; the confirmation is audited.",
                )}
            </p>
            <Transition fallback=loading>{body}</Transition>
        </section>
    }
}

#[component]
fn Reading(item: InterpretationView, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let document_no = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let key = item.key.clone();
    let dom = key.replace('.', "-");
    let submit = {
        let key = key.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let token = session.token();
            let body = ConfirmInterpretationRequest {
                document_no: document_no.get_untracked().trim().to_string(),
                note: note.get_untracked().trim().to_string(),
            };
            let path = format!("/policy/interpretations/{key}/confirm");
            act(
                busy,
                error,
                reload,
                async move { api::post::<_, InterpretationView>(&token, &path, &body).await },
                |_| {},
            );
        }
    };
    let rule = item.rule.clone().map(|r| format!("{r} · ")).unwrap_or_default();
    let status = match &item.confirmation {
        None => view! { <span class="badge flag">{tr("待确认", "Open")}</span> }.into_any(),
        Some(c) => {
            let line = format!(
                "{} · {} · {}",
                c.document_no,
                c.confirmed_by_name,
                crate::format::datetime(c.confirmed_at, lang.get_untracked())
            );
            view! { <span class="badge state-accepted">{tr("已确认", "Confirmed")}</span> " " <span class="muted">{line}</span> }
                .into_any()
        }
    };
    let form = item.confirmation.is_none().then(|| {
        view! {
            <form class="row-form" id=format!("confirm-{dom}") on:submit=submit>
                <label>
                    <span>{tr("文号或会议纪要号", "Document or minutes no.")}</span>
                    <input id=format!("confirm-{dom}-document") bind:value=document_no required=true maxlength="100" />
                </label>
                <label>
                    <span>{tr("说明(可选)", "Note (optional)")}</span>
                    <input id=format!("confirm-{dom}-note") bind:value=note maxlength="2000" />
                </label>
                <button type="submit" disabled=move || busy.get()>{tr("确认", "Confirm")}</button>
                <FieldError error=error field="document_no" />
                <ErrorLine error=error />
            </form>
        }
    });
    view! {
        <li class="interpretation" id=format!("interpretation-{dom}")>
            <p>
                <strong>{format!("{rule}{}", item.key)}</strong>
                " = "
                <code>{item.value.clone()}</code>
                " "
                {status}
            </p>
            <p>{item.reading.clone()}</p>
            <blockquote class="muted">{format!("{}:「{}」", item.source, item.quote)}</blockquote>
            {form}
        </li>
    }
}
