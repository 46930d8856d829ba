//! "导出 Excel": downloads the server's xlsx of a list with the list's filters, showing that it is
//! working meanwhile and the server's error if it refuses.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{Lang, lang};
use crate::session::SessionCtx;

#[component]
pub fn ExportButton(
    /// The export's path under `/api/v1` with the list's query (`/exports/projects?status=…`).
    #[prop(into)]
    path: Signal<String>,
    /// The file name the browser saves.
    filename: &'static str,
    #[prop(into, default = "export".to_string())] id: String,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let run = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let token = session.token();
        let path = path.get_untracked();
        spawn_local(async move {
            if let Err(e) = api::download(&token, &path, filename).await {
                error.set(Some(e));
            }
            busy.set(false);
        });
    };
    view! {
        <span class="export">
            <button type="button" class="secondary" id=id on:click=run disabled=move || busy.get()>
                {move || match (busy.get(), lang.get()) {
                    (true, Lang::Zh) => "正在生成 Excel…",
                    (true, Lang::En) => "Preparing Excel…",
                    (false, Lang::Zh) => "导出 Excel",
                    (false, Lang::En) => "Export to Excel",
                }}
            </button>
            {move || busy.get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
            {move || error.get().map(|e| view! { <span class="error">{e.message()}</span> })}
        </span>
    }
}
