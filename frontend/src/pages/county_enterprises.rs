//! The enterprises in the caller's scope (a county: its own), paged and filtered on the server
//! (industry, batch, name or credit code), with the SME test (R16) and their flags; the county and
//! the city set or clear the credit flags (经营异常, 失信: no money goes out while set) and assign
//! a provider of the pool to an enterprise.

use dtpilot_api_types::programme::{
    AssignmentRequest, AssignmentView, BatchView, EnterpriseView, Page as PageOf, PatchEnterpriseRequest, ProviderView,
};
use dtpilot_domain::reference::Industry;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, Query};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError};
use crate::i18n::{Lang, industry_name, lang, pick, tr};
use crate::session::SessionCtx;

/// A 409 of the server (a stale `version`, a state that does not allow the action).
pub(crate) fn is_conflict(e: &ApiError) -> bool {
    matches!(e, ApiError::Problem(p) if p.status == 409)
}

#[component]
pub fn EnterpriseList(
    /// The table's id (`{id}-industry`, `{id}-batch`, `{id}-q`, `{id}-pager`).
    id: &'static str,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let industry = RwSignal::new(String::new());
    // The batch chosen (its id; none: every batch).
    let batch = RwSignal::new(None::<i64>);
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let reload = RwSignal::new(0_u32);
    // The answer to a stale write, kept across the reload it causes and shown on its row.
    let stale = RwSignal::new(None::<(i64, ApiError)>);
    let batches = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<Vec<BatchView>>(&token, "/batches").await }
    });
    let data = LocalResource::new(move || {
        reload.track();
        let query = Query::new()
            .set("industry", industry.get())
            .opt("batch_id", batch.get())
            .set("q", q.get())
            .set("page", page.get())
            .set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<EnterpriseView>>(&token, &format!("/enterprises{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let filter = move |signal: RwSignal<String>| {
        move |ev: leptos::ev::Event| {
            signal.set(event_target_value(&ev));
            page.set(1);
        }
    };

    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "没有符合条件的企业。请调整筛选条件;企业由县区或市工信局登记入库后出现在这里。",
                        "No enterprise matches. Change the filters; enterprises appear once registered.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id=id>
                        <thead>
                            <tr>
                                <th>{pick(l, "企业名称", "Enterprise")}</th>
                                <th>{pick(l, "统一社会信用代码", "Credit code")}</th>
                                <th>{pick(l, "行业", "Industry")}</th>
                                <th>{pick(l, "中小企业", "SME")}</th>
                                <th>{pick(l, "信用标记", "Flags")}</th>
                                <th>{pick(l, "操作", "Actions")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|e| view! { <EnterpriseRow enterprise=e reload=reload stale=stale /> })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };

    view! {
        <div class="filters">
            <select id=format!("{id}-industry") on:change=filter(industry)>
                <option value="">{tr("全部行业", "All industries")}</option>
                {Industry::ALL
                    .iter()
                    .map(|i| {
                        let i = *i;
                        view! { <option value=i.code()>{move || industry_name(i, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
            <select
                id=format!("{id}-batch")
                on:change=move |ev| {
                    batch.set(event_target_value(&ev).parse::<i64>().ok());
                    page.set(1);
                }
            >
                <option value="">{tr("全部批次", "All batches")}</option>
                {move || {
                    batches
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            list.into_iter()
                                .map(|b| view! { <option value=b.id.to_string()>{batch_label(&b, lang.get())}</option> })
                                .collect_view()
                        })
                }}
            </select>
            <input
                type="search"
                id=format!("{id}-q")
                placeholder=move || pick(lang.get(), "企业名称或信用代码", "Name or credit code")
                on:change=filter(q)
            />
        </div>
        <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
            {rows}
        </Transition>
        <Pager page=page total=total id=format!("{id}-pager") />
        <BulkAccounts id=id ids=Signal::derive(move || {
            data.get().and_then(Result::ok).map(|p| p.items.iter().map(|e| e.id).collect()).unwrap_or_default()
        }) />
    }
}

/// Accounts for the enterprises listed on this page (SPEC §9.2): one request, one-time passwords,
/// the credential sheet downloaded to hand out; those that already have an account are skipped.
#[component]
fn BulkAccounts(id: &'static str, ids: Signal<Vec<i64>>) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let open = move |_| {
        let enterprise_ids = ids.get_untracked();
        if enterprise_ids.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(false);
        let token = session.token();
        leptos::task::spawn_local(async move {
            let body = dtpilot_api_types::auth::BulkUsersRequest { enterprise_ids, provider_ids: Vec::new() };
            match api::download_post(&token, "/users/bulk?format=xlsx", &body, "账号清单.xlsx").await {
                Ok(()) => done.set(true),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="row-form" id=format!("{id}-accounts")>
            <button type="button" class="secondary" id=format!("{id}-accounts-open") disabled=move || busy.get() on:click=open>
                {tr("为本页企业开通账号(下载账号清单)", "Open accounts for this page's enterprises (credential sheet)")}
            </button>
            <span class="muted">
                {tr(
                    "用户名为统一社会信用代码,一次性密码只在清单中出现一次,首次登录须修改;已有账号的企业自动跳过。",
                    "Usernames are the credit codes; each one-time password appears once, in the sheet, and must be changed at first sign-in. Enterprises with an account are skipped.",
                )}
            </span>
            <Show when=move || done.get()>
                <p class="ok" id=format!("{id}-accounts-done")>{tr("账号清单已下载,请当面或密封交付。", "Credential sheet downloaded; hand it over in person or sealed.")}</p>
            </Show>
            <ErrorLine error=error />
        </div>
    }
}

/// A batch as the filter offers it: its name (`第一批`), or `Batch 1` in English.
pub(crate) fn batch_label(b: &BatchView, l: Lang) -> String {
    match l {
        Lang::Zh => b.name.clone(),
        Lang::En => format!("Batch {}", b.number),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editor {
    Flags,
    Assign,
}

#[component]
fn EnterpriseRow(
    enterprise: EnterpriseView,
    reload: RwSignal<u32>,
    stale: RwSignal<Option<(i64, ApiError)>>,
) -> impl IntoView {
    let lang = lang();
    let eid = enterprise.id;
    let open = RwSignal::new(None::<Editor>);
    let toggle = move |editor: Editor| {
        move |_| {
            stale.update(|s| {
                if s.as_ref().is_some_and(|(id, _)| *id == eid) {
                    *s = None;
                }
            });
            open.update(|o| *o = if *o == Some(editor) { None } else { Some(editor) });
        }
    };
    let flagged = enterprise.credit_abnormal || enterprise.dishonest || enterprise.disqualified;
    let (abnormal, dishonest, disqualified) =
        (enterprise.credit_abnormal, enterprise.dishonest, enterprise.disqualified);
    let editor_view = {
        let enterprise = enterprise.clone();
        move || {
            open.get().map(|editor| {
                let body = match editor {
                    Editor::Flags => {
                        view! { <FlagEditor enterprise=enterprise.clone() reload=reload stale=stale open=open /> }
                            .into_any()
                    }
                    Editor::Assign => view! { <AssignEditor eid=eid /> }.into_any(),
                };
                view! {
                    <tr class="row-editor">
                        <td colspan="6">{body}</td>
                    </tr>
                }
            })
        }
    };
    view! {
        <tr data-enterprise=eid class:flagged=flagged>
            <td>{enterprise.name.clone()}</td>
            <td>{enterprise.credit_code.clone()}</td>
            <td>{move || industry_name(enterprise.industry, lang.get())}</td>
            <td>
                {move || {
                    if enterprise.sme { pick(lang.get(), "是", "yes") } else { pick(lang.get(), "否", "no") }
                }}
            </td>
            <td class="flags">
                {abnormal.then(|| view! { <span class="badge flag" data-flag="credit_abnormal">{tr("经营异常", "Abnormal operation")}</span> })}
                {dishonest.then(|| view! { <span class="badge flag" data-flag="dishonest">{tr("失信", "Dishonest")}</span> })}
                {disqualified.then(|| view! { <span class="badge flag" data-flag="disqualified">{tr("取消资格", "Disqualified")}</span> })}
                {(!flagged).then(|| view! { <span class="muted">"—"</span> })}
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="secondary"
                    id=format!("ent-flag-{eid}")
                    class:active=move || open.get() == Some(Editor::Flags)
                    on:click=toggle(Editor::Flags)
                >
                    {tr("信用标记", "Credit flags")}
                </button>
                <button
                    type="button"
                    class="secondary"
                    id=format!("ent-assign-{eid}")
                    class:active=move || open.get() == Some(Editor::Assign)
                    on:click=toggle(Editor::Assign)
                >
                    {tr("分配服务商", "Assign a provider")}
                </button>
            </td>
        </tr>
        {move || {
            stale
                .get()
                .filter(|(id, _)| *id == eid)
                .map(|(_, e)| {
                    view! {
                        <tr class="row-error">
                            <td colspan="6">
                                <p class="error" role="alert" id=format!("ent-flag-{eid}-stale")>
                                    {e.message()} " " {tr("已重新载入最新数据,请核对后再修改。", "The list was reloaded: check and try again.")}
                                </p>
                            </td>
                        </tr>
                    }
                })
        }}
        {editor_view}
    }
}

/// Set or clear 经营异常 and 失信 (PATCH with the version read; a stale version reloads the list).
#[component]
fn FlagEditor(
    enterprise: EnterpriseView,
    reload: RwSignal<u32>,
    stale: RwSignal<Option<(i64, ApiError)>>,
    open: RwSignal<Option<Editor>>,
) -> impl IntoView {
    let session = SessionCtx::get();
    let eid = enterprise.id;
    let abnormal = RwSignal::new(enterprise.credit_abnormal);
    let dishonest = RwSignal::new(enterprise.dishonest);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // Only what changed (the server answers 422 when nothing did).
        let (a, d) = (abnormal.get_untracked(), dishonest.get_untracked());
        let body = PatchEnterpriseRequest {
            version: enterprise.version,
            credit_abnormal: (a != enterprise.credit_abnormal).then_some(a),
            dishonest: (d != enterprise.dishonest).then_some(d),
            ..PatchEnterpriseRequest::default()
        };
        busy.set(true);
        error.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::patch::<_, EnterpriseView>(&token, &format!("/enterprises/{eid}"), &body).await {
                Ok(_) => {
                    open.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) if is_conflict(&e) => {
                    stale.set(Some((eid, e)));
                    open.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="inline-form ent-editor" id=format!("ent-flag-{eid}-form") on:submit=save>
            <label class="check">
                <input type="checkbox" id=format!("ent-flag-{eid}-credit_abnormal") bind:checked=abnormal />
                <span>{tr("经营异常", "Abnormal operation")}</span>
                <FieldError error=error field="credit_abnormal" />
            </label>
            <label class="check">
                <input type="checkbox" id=format!("ent-flag-{eid}-dishonest") bind:checked=dishonest />
                <span>{tr("失信", "Dishonest")}</span>
                <FieldError error=error field="dishonest" />
            </label>
            <p class="muted">
                {tr(
                    "标记经营异常或失信的企业暂停拨付补助资金(R16),清除标记后恢复。",
                    "No subsidy is paid to an enterprise flagged abnormal or dishonest (R16) until cleared.",
                )}
            </p>
            <div class="buttons">
                <button type="submit" id=format!("ent-flag-{eid}-save") disabled=move || busy.get()>
                    {tr("保存标记", "Save the flags")}
                </button>
                <button type="button" class="secondary" on:click=move |_| open.set(None)>
                    {tr("取消", "Cancel")}
                </button>
            </div>
            <ErrorLine error=error />
        </form>
    }
}

/// Assign an active provider of the pool (searched on the server) to the enterprise.
#[component]
fn AssignEditor(eid: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let q = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<String>);
    let providers = LocalResource::new(move || {
        let query = Query::new().set("status", "active").set("q", q.get()).set("per_page", 100);
        let token = session.token();
        async move { api::get::<PageOf<ProviderView>>(&token, &format!("/providers{}", query.string())).await }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Ok(provider_id) = chosen.get_untracked().parse::<i64>() else {
            let message = pick(lang.get_untracked(), "请选择服务商", "Choose a provider");
            error.set(Some(ApiError::local("provider_id", message)));
            return;
        };
        let name = providers
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|p| p.items.into_iter().find(|p| p.id == provider_id))
            .map(|p| p.name)
            .unwrap_or_else(|| format!("#{provider_id}"));
        busy.set(true);
        error.set(None);
        done.set(None);
        let token = session.token();
        spawn_local(async move {
            let body = AssignmentRequest { provider_id };
            match api::post::<_, AssignmentView>(&token, &format!("/enterprises/{eid}/assignment"), &body).await {
                Ok(_) => done.set(Some(name)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="inline-form ent-editor" id=format!("ent-assign-{eid}-form") on:submit=save>
            <label>
                <span>{tr("查找服务商", "Find a provider")}</span>
                <input
                    type="search"
                    id=format!("ent-assign-{eid}-q")
                    placeholder=move || pick(lang.get(), "名称或信用代码", "Name or credit code")
                    on:change=move |ev| q.set(event_target_value(&ev))
                />
            </label>
            <label>
                <span>{tr("服务商(资源池在册)", "Provider (active in the pool)")}</span>
                <select id=format!("ent-assign-{eid}-provider") bind:value=chosen>
                    <option value="">{tr("请选择", "Choose")}</option>
                    {move || {
                        providers
                            .get()
                            .map(|answer| match answer {
                                Ok(p) => {
                                    p.items
                                        .into_iter()
                                        .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
                                        .collect_view()
                                        .into_any()
                                }
                                Err(_) => ().into_any(),
                            })
                    }}
                </select>
                <FieldError error=error field="provider_id" />
            </label>
            {move || {
                providers.get().and_then(|answer| match answer {
                    Ok(p) if p.items.is_empty() => Some(view! {
                        <p class="muted">
                            {pick(lang.get(), "没有符合条件的在册服务商,请换个名称查找。", "No active provider matches; try another name.")}
                        </p>
                    }.into_any()),
                    Err(e) => Some(view! { <p class="error">{e.message()}</p> }.into_any()),
                    _ => None,
                })
            }}
            <div class="buttons">
                <button type="submit" id=format!("ent-assign-{eid}-save") disabled=move || busy.get()>
                    {tr("确认分配", "Assign")}
                </button>
            </div>
            {move || {
                done.get().map(|name| {
                    view! {
                        <p class="ok" id=format!("ent-assign-{eid}-done")>
                            {match lang.get() {
                                Lang::Zh => format!("已分配给 {name}:该服务商现在可以查看并诊断这家企业。"),
                                Lang::En => format!("Assigned to {name}: the provider may now see and diagnose the enterprise."),
                            }}
                        </p>
                    }
                })
            }}
            <ErrorLine error=error />
        </form>
    }
}
