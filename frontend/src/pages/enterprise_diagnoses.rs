//! The diagnostic reports (一企一档) of one enterprise, newest first, each with its PDF to download:
//! shown to the enterprise on its dashboard and to the provider beside its upload form
//! (`GET /enterprises/{id}/diagnoses` → `Vec<DiagnosisView>`).

use dtpilot_api_types::programme::{DiagnosisView, ProviderView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::widgets::{Empty, ErrorLine, Yuan};
use crate::format::datetime;
use crate::i18n::{lang, level_name, pick};
use crate::session::SessionCtx;

/// The diagnoses of `enterprise_id`; read again whenever `reload` changes.
#[component]
pub fn DiagnosisList(
    enterprise_id: i64,
    /// Changes after an upload.
    #[prop(optional, into)]
    reload: Option<Signal<u32>>,
    /// The id of the table.
    id: &'static str,
    /// What an empty list says (what is missing and what to do).
    empty_zh: &'static str,
    empty_en: &'static str,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let list = LocalResource::new(move || {
        if let Some(r) = reload {
            r.track();
        }
        let token = session.token();
        async move { api::get::<Vec<DiagnosisView>>(&token, &format!("/enterprises/{enterprise_id}/diagnoses")).await }
    });
    move || {
        let l = lang.get();
        match list.get() {
            None => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(rows)) if rows.is_empty() => {
                view! { <Empty text=Signal::derive(move || pick(lang.get(), empty_zh, empty_en).to_string()) /> }
                    .into_any()
            }
            Some(Ok(rows)) => view! {
                <table class="list diagnoses" id=id>
                    <thead>
                        <tr>
                            <th>{pick(l, "编号", "No.")}</th>
                            <th>{pick(l, "上传时间", "Uploaded")}</th>
                            <th>{pick(l, "服务商", "Provider")}</th>
                            <th>{pick(l, "预估数字化水平", "Estimated level")}</th>
                            <th>{pick(l, "诊断摘要与需求", "Summary and needs")}</th>
                            <th class="num">{pick(l, "诊断费用", "Fee")}</th>
                            <th>{pick(l, "报告", "Report")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! { <DiagnosisRow row=row enterprise_id=enterprise_id /> }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
        }
    }
}

#[component]
fn DiagnosisRow(row: DiagnosisView, enterprise_id: i64) -> impl IntoView {
    let lang = lang();
    let l = lang.get_untracked();
    let DiagnosisView {
        id,
        provider_id,
        created_at,
        estimated_level,
        summary,
        common_needs: common,
        individual_needs: individual,
        fee,
        sha256: sha,
        ..
    } = row;
    let needs = move |zh: &'static str, en: &'static str, items: Vec<String>| {
        (!items.is_empty()).then(|| {
            view! {
                <div class="needs">
                    <span class="muted">{pick(l, zh, en)}</span>
                    <ul>{items.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </div>
            }
        })
    };
    view! {
        <tr data-diagnosis=id>
            <td>{id}</td>
            <td>{datetime(created_at, l)}</td>
            <td><ProviderName id=provider_id /></td>
            <td>{level_name(estimated_level, l)}</td>
            <td>
                <p class="summary">{summary}</p>
                {needs("共性需求:", "Common needs:", common)}
                {needs("个性需求:", "Individual needs:", individual)}
            </td>
            <td class="num"><Yuan money=fee /></td>
            <td>
                <DownloadButton id=id enterprise_id=enterprise_id />
                <span class="muted sha" title=sha.clone()>{sha.chars().take(12).collect::<String>()}</span>
            </td>
        </tr>
    }
}

/// The provider's name (the pool is readable by every signed-in user).
#[component]
fn ProviderName(id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let found = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<ProviderView>(&token, &format!("/providers/{id}")).await }
    });
    move || match found.get() {
        Some(Ok(p)) => p.name,
        _ => format!("#{id}"),
    }
}

/// The report's PDF, downloaded with the caller's token.
#[component]
fn DownloadButton(id: i64, enterprise_id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let download = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let token = session.token();
        spawn_local(async move {
            let name = format!("诊断报告-{enterprise_id}-{id}.pdf");
            if let Err(e) = api::download(&token, &format!("/diagnoses/{id}/file"), &name).await {
                error.set(Some(e));
            }
            busy.set(false);
        });
    };
    view! {
        <button
            type="button"
            class="secondary download-diagnosis"
            id=format!("diag-download-{id}")
            on:click=download
            disabled=move || busy.get()
        >
            {crate::i18n::tr("下载 PDF", "Download PDF")}
        </button>
        <ErrorLine error=error />
    }
}
