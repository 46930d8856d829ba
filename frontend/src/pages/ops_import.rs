//! 导入企业: download the template (`GET /imports/enterprises/template.xlsx`), choose a filled-in
//! xlsx or csv, upload it (`POST /imports/enterprises`) with the upload's progress and then a
//! "checking and importing" state, and show either the result or every error the server found
//! (row, column, message — nothing is imported then); below, the imports made so far.

use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::reports::{ImportError, ImportProblem, ImportResult, ImportView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::export::ExportButton;
use crate::components::widgets::{ErrorLine, ProgressBar};
use crate::i18n::{import_field_name, lang, pick, tr};
use crate::session::SessionCtx;

/// Where an import stands.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    /// The file is being sent (percent).
    Uploading(u32),
    /// Sent; the server is checking and importing.
    Processing,
    Done(ImportResult),
    Invalid(ImportProblem),
}

#[component]
pub fn ImportPanel() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let stage = RwSignal::new(Stage::Idle);
    let error = RwSignal::new(None::<ApiError>);
    let reload = RwSignal::new(0_u32);
    let history = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<PageOf<ImportView>>(&token, "/imports/enterprises?per_page=10").await }
    });
    let busy = move || matches!(stage.get(), Stage::Uploading(_) | Stage::Processing);
    let submit = move |_| {
        if busy() {
            return;
        }
        error.set(None);
        let file = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
        let Some(file) = file else {
            let message = pick(lang.get_untracked(), "请先选择 xlsx 或 csv 文件", "Choose an xlsx or csv file first");
            error.set(Some(ApiError::local("file", message)));
            return;
        };
        let Ok(form) = web_sys::FormData::new() else { return };
        let _ = form.append_with_blob_and_filename("file", file.unchecked_ref::<web_sys::Blob>(), &file.name());
        stage.set(Stage::Uploading(0));
        let token = session.token();
        spawn_local(async move {
            let on_progress = move |p: u32| {
                stage.set(if p >= 100 { Stage::Processing } else { Stage::Uploading(p) });
            };
            match api::upload_answer(&token, "/imports/enterprises", form, on_progress).await {
                Ok((201, text)) => match serde_json::from_str::<ImportResult>(&text) {
                    Ok(r) => {
                        stage.set(Stage::Done(r));
                        reload.update(|n| *n += 1);
                    }
                    Err(e) => {
                        stage.set(Stage::Idle);
                        error.set(Some(ApiError::Network(e.to_string())));
                    }
                },
                Ok((status, text)) => {
                    // An import's 422 carries the rows; any other refusal is a plain problem.
                    match serde_json::from_str::<ImportProblem>(&text) {
                        Ok(p) if status == 422 => stage.set(Stage::Invalid(p)),
                        _ => {
                            stage.set(Stage::Idle);
                            let p = serde_json::from_str::<dtpilot_api_types::Problem>(&text).unwrap_or_else(|_| {
                                dtpilot_api_types::Problem::new(
                                    status,
                                    "http_error",
                                    "请求失败",
                                    format!("HTTP {status}"),
                                )
                            });
                            error.set(Some(ApiError::Problem(p)));
                        }
                    }
                }
                Err(e) => {
                    stage.set(Stage::Idle);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <p class="muted">
            {tr(
                "先下载模板,按“填写说明”填好后上传(xlsx,或 UTF-8 编码的 csv,最多 5000 行、5 MB)。任何一行有错,整个文件都不导入,并列出全部错误;改正后重新上传即可。",
                "Download the template, fill it in as its instructions say, and upload it (xlsx, or csv in UTF-8; at most 5,000 rows and 5 MB). If any row is wrong, nothing is imported and every error is listed; correct them and upload again.",
            )}
        </p>
        <div class="filters" id="import-form">
            <ExportButton
                path=Signal::derive(|| "/imports/enterprises/template.xlsx".to_string())
                filename="企业名单导入模板.xlsx"
                id="import-template"
            />
            <input id="import-file" type="file" accept=".xlsx,.csv,text/csv" node_ref=file_input />
            <button type="button" id="import-submit" on:click=submit disabled=busy>
                {tr("上传并导入", "Upload and import")}
            </button>
        </div>
        <ErrorLine error=error />
        {move || match stage.get() {
            Stage::Idle => ().into_any(),
            Stage::Uploading(p) => {
                view! {
                    <p class="muted">{tr("正在上传…", "Uploading…")}</p>
                    <ProgressBar percent=Signal::derive(move || p) />
                }
                    .into_any()
            }
            Stage::Processing => {
                view! {
                    <p class="muted" id="import-processing">
                        <span class="spinner" aria-hidden="true"></span>
                        {tr("已上传,服务器正在逐行校验并导入…", "Uploaded; the server is checking every row and importing…")}
                    </p>
                }
                    .into_any()
            }
            Stage::Done(r) => {
                view! {
                    <p class="ok" id="import-done">
                        {move || match lang.get() {
                            crate::i18n::Lang::Zh => format!("导入成功:新增 {} 家企业。", r.created),
                            crate::i18n::Lang::En => format!("Imported: {} enterprises created.", r.created),
                        }}
                    </p>
                }
                    .into_any()
            }
            Stage::Invalid(p) => view! { <ImportErrors problem=p /> }.into_any(),
        }}
        <h3>{tr("导入记录", "Imports")}</h3>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {move || {
                history
                    .get()
                    .map(|answer| match answer {
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted">{tr("还没有导入记录。", "No import yet.")}</p> }.into_any()
                        }
                        Ok(page) => view! { <ImportHistory items=page.items /> }.into_any(),
                        Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ImportErrors(problem: ImportProblem) -> impl IntoView {
    let lang = lang();
    let errors: Vec<ImportError> = problem.errors;
    view! {
        <p class="error" role="alert" id="import-invalid">{problem.detail}</p>
        <table class="list" id="import-errors">
            <thead>
                <tr>
                    <th class="num">{tr("行", "Row")}</th>
                    <th>{tr("列", "Column")}</th>
                    <th>{tr("问题", "Problem")}</th>
                </tr>
            </thead>
            <tbody>
                {errors
                    .into_iter()
                    .map(|e| {
                        let field = e.field.clone();
                        view! {
                            <tr>
                                <td class="num">{e.row}</td>
                                <td>{move || import_field_name(&field, lang.get())}</td>
                                <td>{e.message}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn ImportHistory(items: Vec<ImportView>) -> impl IntoView {
    view! {
        <table class="list" id="import-history">
            <thead>
                <tr>
                    <th>{tr("时间(UTC)", "Time (UTC)")}</th>
                    <th>{tr("文件", "File")}</th>
                    <th class="num">{tr("新增企业", "Created")}</th>
                    <th>{tr("导入人", "By")}</th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|i| {
                        view! {
                            <tr>
                                <td>{i.imported_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td title=i.sha256>{i.file_name}</td>
                                <td class="num">{i.created}</td>
                                <td>{i.imported_by}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
