//! The provider's diagnostic report (一企一档) for one enterprise: `POST /enterprises/{id}/diagnoses`
//! as multipart (`meta` JSON text + `file` PDF) with the upload's progress. The server checks the
//! fields (errors come back as `meta.summary`, `meta.fee`, …, `file`), the PDF, the assignment and
//! that the provider is still active.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use serde_json::{Value, json};

use crate::api::{self, ApiError};
use crate::components::widgets::{FieldError, ProgressBar};
use crate::i18n::{lang, level_name, pick, tr};
use crate::pages::enterprise_apply::form_error_text;
use crate::session::SessionCtx;

/// The fields of the server's errors that have an input in the form.
const INPUT_FIELDS: [&str; 6] =
    ["meta.estimated_level", "meta.summary", "meta.common_needs", "meta.individual_needs", "meta.fee", "file"];

/// One need per line; blank lines dropped.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[component]
pub fn DiagnosisForm(
    enterprise_id: i64,
    /// Bumped after a successful upload (the list of reports reads again).
    reload: RwSignal<u32>,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let level = RwSignal::new("1".to_string());
    let summary = RwSignal::new(String::new());
    let common = RwSignal::new(String::new());
    let individual = RwSignal::new(String::new());
    let fee = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let progress = RwSignal::new(None::<u32>);
    let file_input = NodeRef::<leptos::html::Input>::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        done.set(false);
        let file = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
        let Some(file) = file else {
            let message = pick(lang.get_untracked(), "请选择诊断报告 PDF 文件", "Choose the report (PDF)");
            error.set(Some(ApiError::local("file", message)));
            return;
        };
        // As typed: the level as a number, the fee as the string entered; the server validates.
        let level_text = level.get_untracked();
        let level_json = level_text.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(level_text));
        let meta = json!({
            "estimated_level": level_json,
            "summary": summary.get_untracked(),
            "common_needs": lines(&common.get_untracked()),
            "individual_needs": lines(&individual.get_untracked()),
            "fee": fee.get_untracked().trim(),
        });
        let Ok(form) = web_sys::FormData::new() else { return };
        let _ = form.append_with_str("meta", &meta.to_string());
        let _ = form.append_with_blob_and_filename("file", file.unchecked_ref::<web_sys::Blob>(), &file.name());
        busy.set(true);
        error.set(None);
        progress.set(Some(0));
        let token = session.token();
        spawn_local(async move {
            let path = format!("/enterprises/{enterprise_id}/diagnoses");
            let answer = api::upload::<dtpilot_api_types::programme::DiagnosisView>(&token, &path, form, move |p| {
                progress.set(Some(p))
            })
            .await;
            match answer {
                Ok(_) => {
                    summary.set(String::new());
                    common.set(String::new());
                    individual.set(String::new());
                    fee.set(String::new());
                    if let Some(input) = file_input.get_untracked() {
                        input.set_value("");
                    }
                    done.set(true);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            progress.set(None);
            busy.set(false);
        });
    };

    view! {
        <form id="diag-form" class="diag-form" on:submit=submit novalidate>
            <label>
                <span>{tr("预估数字化水平", "Estimated digital level")}</span>
                <select id="diag-level" bind:value=level>
                    {dtpilot_domain::DigitalLevel::ALL
                        .iter()
                        .map(|v| {
                            let v = *v;
                            view! { <option value=v.get().to_string()>{move || level_name(v, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error=error field="meta.estimated_level" />
            </label>
            <label class="wide">
                <span>{tr("诊断摘要", "Summary")}</span>
                <textarea id="diag-summary" rows="3" maxlength="2000" bind:value=summary></textarea>
                <FieldError error=error field="meta.summary" />
            </label>
            <label class="wide">
                <span>{tr("共性需求(每行一项)", "Common needs (one per line)")}</span>
                <textarea id="diag-common" rows="3" bind:value=common></textarea>
                <FieldError error=error field="meta.common_needs" />
            </label>
            <label class="wide">
                <span>{tr("个性需求(每行一项)", "Individual needs (one per line)")}</span>
                <textarea id="diag-individual" rows="3" bind:value=individual></textarea>
                <FieldError error=error field="meta.individual_needs" />
            </label>
            <label>
                <span>{tr("诊断费用(元)", "Diagnosis fee (yuan)")}</span>
                <input id="diag-fee" inputmode="decimal" placeholder="20000.00" bind:value=fee />
                <FieldError error=error field="meta.fee" />
            </label>
            <p class="muted">
                {tr(
                    "诊断服务补助按诊断费用计、每户不超过 3 万元,在该企业项目通过验收后拨付给服务商(R10)。",
                    "The diagnosis subsidy (the fee, at most ¥30,000 per enterprise) is paid to the provider once the enterprise's project passes acceptance (R10).",
                )}
            </p>
            <label>
                <span>{tr("诊断报告(PDF,≤20MB)", "Report (PDF, ≤ 20 MiB)")}</span>
                <input id="diag-file" type="file" accept="application/pdf,.pdf" node_ref=file_input />
                <FieldError error=error field="file" />
            </label>
            {move || progress.get().map(|p| view! { <ProgressBar percent=Signal::derive(move || p) /> })}
            <FormError error=error />
            {move || done.get().then(|| view! {
                <p class="ok" id="diag-done" role="status">{pick(lang.get(), "诊断报告已上传。", "The report was uploaded.")}</p>
            })}
            <div class="buttons">
                <button type="submit" id="diag-submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { pick(lang.get(), "正在上传…", "Uploading…") } else { pick(lang.get(), "上传诊断报告", "Upload the report") }}
                </button>
            </div>
        </form>
    }
}

/// The form's own error line (a missing part, an inactive provider, a network failure).
#[component]
fn FormError(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| form_error_text(e, &INPUT_FIELDS))).map(|t| {
            view! { <p class="error" role="alert" id="diag-error">{t}</p> }
        })
    }
}
