//! The programme's planning data, kept by the city bureau (tab "批次与服务商" of its dashboard):
//! the batches with their deadlines and members ([`BatchesPanel`]), and the provider pool
//! (服务商资源池) with the status of each provider ([`ProvidersPanel`]). The server decides every
//! change (only the city may make them); the forms show its Chinese messages beside the fields.

use dtpilot_api_types::programme::{
    BatchMembersRequest, BatchMembersResponse, BatchView, Capability, CreateBatchRequest, CreateProviderRequest,
    EnterpriseView, Page as PageOf, PatchProviderRequest, ProviderStatus, ProviderView,
};
use leptos::prelude::*;

use crate::api::{self, ApiError, Query};
use crate::components::form::{Checks, act, conflict_beside};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError};
use crate::format::date;
use crate::i18n::{Lang, county_name, lang, pick, tr};
use crate::pages::dashboard::loading;
use crate::session::SessionCtx;

// ---------------------------------------------------------------------------------------------
// Batches

#[component]
pub fn BatchesPanel() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let batches = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<Vec<BatchView>>(&token, "/batches").await }
    });
    let list = move || {
        batches.get().map(|answer| match answer {
            Ok(items) if items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "还没有批次。请用下方表单新建第一批,并填写诊断、改造、验收的期限。",
                        "No batch yet. Open the first one with the form below, with its deadlines.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(items) => {
                let l = lang.get();
                view! {
                    <table class="list" id="batch-list">
                        <thead>
                            <tr>
                                <th>{pick(l, "批次", "Batch")}</th>
                                <th>{pick(l, "名称", "Name")}</th>
                                <th>{pick(l, "诊断完成", "Diagnosis due")}</th>
                                <th>{pick(l, "改造完成", "Retrofit due")}</th>
                                <th>{pick(l, "验收期", "Acceptance")}</th>
                                <th class="num">{pick(l, "企业数", "Enterprises")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items
                                .into_iter()
                                .map(|b| {
                                    view! {
                                        <tr data-batch=b.id>
                                            <td>{match l { Lang::Zh => format!("第{}批", b.number), Lang::En => format!("No. {}", b.number) }}</td>
                                            <td>{b.name}</td>
                                            <td>{date(b.diagnosis_due, l)}</td>
                                            <td>{date(b.retrofit_due, l)}</td>
                                            <td>{format!("{} – {}", date(b.acceptance_start, l), date(b.acceptance_end, l))}</td>
                                            <td class="num">{b.enterprises}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    let options = Signal::derive(move || batches.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <section class="card" id="batches">
            <h2>{tr("试点批次", "Pilot batches")}</h2>
            <p class="muted">
                {tr(
                    "每个批次规定诊断完成、改造完成和验收的期限;期限用于提示逾期,不会自动拒绝任何办理。",
                    "Each batch sets the deadlines of diagnosis, retrofit and acceptance; they mark projects overdue and refuse nothing.",
                )}
            </p>
            <Transition fallback=loading>{list}</Transition>
            <BatchForm reload=reload />
            <BatchMembersForm batches=options reload=reload />
        </section>
    }
}

#[component]
fn BatchForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let number = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let diagnosis_due = RwSignal::new(String::new());
    let retrofit_due = RwSignal::new(String::new());
    let acceptance_start = RwSignal::new(String::new());
    let acceptance_end = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let mut checks = Checks::default();
        let n = checks.number::<u32>("number", &number.get_untracked(), l);
        if number.get_untracked().trim().is_empty() {
            checks.fail("number", pick(l, "请填写批次号", "Give the batch number"));
        }
        let d1 = checks.date("diagnosis_due", &diagnosis_due.get_untracked(), l);
        let d2 = checks.date("retrofit_due", &retrofit_due.get_untracked(), l);
        let d3 = checks.date("acceptance_start", &acceptance_start.get_untracked(), l);
        let d4 = checks.date("acceptance_end", &acceptance_end.get_untracked(), l);
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let (Some(number_value), Some(d1), Some(d2), Some(d3), Some(d4)) = (n, d1, d2, d3, d4) else { return };
        let body = CreateBatchRequest {
            number: number_value,
            name: name.get_untracked().trim().to_string(),
            diagnosis_due: d1,
            retrofit_due: d2,
            acceptance_start: d3,
            acceptance_end: d4,
        };
        let token = session.token();
        let taken = pick(l, "该批次号已存在", "This batch number exists already");
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, BatchView>(&token, "/batches", &body)
                    .await
                    .map_err(|e| conflict_beside(e, "duplicate", "number", taken))
            },
            move |_| {
                for s in [number, name, diagnosis_due, retrofit_due, acceptance_start, acceptance_end] {
                    s.set(String::new());
                }
            },
        );
    };
    view! {
        <form class="actions inline-form" id="batch-form" on:submit=submit>
            <h3>{tr("新建批次", "New batch")}</h3>
            <label>
                <span>{tr("批次号", "Number")}</span>
                <input id="bf-number" inputmode="numeric" bind:value=number required />
                <FieldError error=error field="number" />
            </label>
            <label>
                <span>{tr("批次名称", "Name")}</span>
                <input id="bf-name" bind:value=name required />
                <FieldError error=error field="name" />
            </label>
            <label>
                <span>{tr("诊断完成期限", "Diagnosis due")}</span>
                <input id="bf-diagnosis-due" type="date" bind:value=diagnosis_due required />
                <FieldError error=error field="diagnosis_due" />
            </label>
            <label>
                <span>{tr("改造完成期限", "Retrofit due")}</span>
                <input id="bf-retrofit-due" type="date" bind:value=retrofit_due required />
                <FieldError error=error field="retrofit_due" />
            </label>
            <label>
                <span>{tr("验收开始", "Acceptance from")}</span>
                <input id="bf-acceptance-start" type="date" bind:value=acceptance_start required />
                <FieldError error=error field="acceptance_start" />
            </label>
            <label>
                <span>{tr("验收结束", "Acceptance until")}</span>
                <input id="bf-acceptance-end" type="date" bind:value=acceptance_end required />
                <FieldError error=error field="acceptance_end" />
            </label>
            <button type="submit" id="bf-submit" disabled=move || busy.get()>{tr("新建批次", "Open the batch")}</button>
            <ErrorLine error=error />
        </form>
    }
}

/// Enterprise ids typed as `12, 15 17`: the numbers, or the first piece that is not one.
fn parse_ids(text: &str) -> Result<Vec<i64>, String> {
    text.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| s.to_string()))
        .collect()
}

/// Add enterprises to a batch: their ids typed or picked from a search of the enterprises.
#[component]
fn BatchMembersForm(batches: Signal<Vec<BatchView>>, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let batch = RwSignal::new(String::new());
    let ids = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<BatchMembersResponse>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let Ok(batch_id) = batch.get_untracked().parse::<i64>() else {
            error.set(Some(ApiError::local("batch_id", pick(l, "请选择批次", "Choose a batch"))));
            return;
        };
        let enterprise_ids = match parse_ids(&ids.get_untracked()) {
            Ok(v) => v,
            Err(bad) => {
                let message = match l {
                    Lang::Zh => format!("“{bad}”不是企业编号;请填写以逗号分隔的数字"),
                    Lang::En => format!("“{bad}” is not an enterprise id; give numbers separated by commas"),
                };
                error.set(Some(ApiError::local("enterprise_ids", &message)));
                return;
            }
        };
        let token = session.token();
        let body = BatchMembersRequest { enterprise_ids };
        outcome.set(None);
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, BatchMembersResponse>(&token, &format!("/batches/{batch_id}/enterprises"), &body).await
            },
            move |answer| {
                ids.set(String::new());
                outcome.set(Some(answer));
            },
        );
    };
    let add_id = move |eid: i64| {
        ids.update(|s| {
            let present = parse_ids(s).map(|v| v.contains(&eid)).unwrap_or(false);
            if !present {
                if !s.trim().is_empty() {
                    s.push_str(", ");
                }
                s.push_str(&eid.to_string());
            }
        })
    };
    view! {
        <form class="actions" id="batch-members-form" on:submit=submit>
            <h3>{tr("企业加入批次", "Add enterprises to a batch")}</h3>
            <label>
                <span>{tr("批次", "Batch")}</span>
                <select id="bm-batch" bind:value=batch>
                    <option value="">{tr("— 请选择 —", "— choose —")}</option>
                    {move || {
                        batches
                            .get()
                            .into_iter()
                            .map(|b| {
                                let label = match lang.get() {
                                    Lang::Zh => format!("第{}批 {}", b.number, b.name),
                                    Lang::En => format!("No. {} {}", b.number, b.name),
                                };
                                view! { <option value=b.id.to_string()>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                <FieldError error=error field="batch_id" />
            </label>
            <label class="wide">
                <span>{tr("企业编号(逗号分隔)", "Enterprise ids (comma-separated)")}</span>
                <input id="bm-ids" bind:value=ids placeholder="12, 15, 17" />
            </label>
            <FieldError error=error field="enterprise_ids" />
            <EnterprisePicker on_pick=add_id />
            <button type="submit" id="bm-submit" disabled=move || busy.get()>{tr("加入批次", "Add to the batch")}</button>
            <ErrorLine error=error />
            {move || {
                outcome
                    .get()
                    .map(|o| {
                        let text = match lang.get() {
                            Lang::Zh => format!("已加入 {} 家企业;{} 家原已在该批次中。", o.added.len(), o.already.len()),
                            Lang::En => format!("{} added; {} were already members.", o.added.len(), o.already.len()),
                        };
                        view! { <p class="notice" id="bm-outcome">{text}</p> }
                    })
            }}
        </form>
    }
}

/// A search of the enterprises (`GET /enterprises?q=`, first 10) whose results add their id.
#[component]
fn EnterprisePicker(on_pick: impl Fn(i64) + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let q = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let q = q.get();
        let token = session.token();
        async move {
            if q.trim().is_empty() {
                return Ok(None);
            }
            let query = Query::new().set("q", q).set("per_page", 10);
            api::get::<PageOf<EnterpriseView>>(&token, &format!("/enterprises{}", query.string())).await.map(Some)
        }
    });
    let results = move || {
        found.get().map(|answer| match answer {
            Ok(None) => ().into_any(),
            Ok(Some(p)) if p.items.is_empty() => {
                view! { <p class="muted">{pick(lang.get(), "没有找到企业。", "No enterprise found.")}</p> }.into_any()
            }
            Ok(Some(p)) => {
                let l = lang.get();
                view! {
                    <ul class="picker" id="bm-results">
                        {p
                            .items
                            .into_iter()
                            .map(|e| {
                                let eid = e.id;
                                view! {
                                    <li>
                                        <button type="button" class="secondary" id=format!("bm-pick-{eid}") on:click=move |_| on_pick(eid)>
                                            {pick(l, "加入", "Add")}
                                        </button>
                                        " " {format!("#{eid} {} · {}", e.name, county_name(e.county, l))}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <div class="filters">
            <input
                type="search"
                id="bm-search"
                placeholder=move || pick(lang.get(), "按企业名称或信用代码查找", "Find by name or credit code")
                on:change=move |ev| q.set(event_target_value(&ev))
            />
        </div>
        <Transition fallback=loading>{results}</Transition>
    }
}

// ---------------------------------------------------------------------------------------------
// Providers

/// Every capability with its request code and names (the order of the policy texts).
pub(crate) const CAPABILITIES: [(Capability, &str, &str, &str); 5] = [
    (Capability::Diagnosis, "diagnosis", "咨询诊断", "Diagnosis"),
    (Capability::Retrofit, "retrofit", "数字化改造", "Retrofit"),
    (Capability::Cloud, "cloud", "上云用云", "Cloud"),
    (Capability::Integration, "integration", "总集成", "Integration"),
    (Capability::Training, "training", "人才培训", "Training"),
];

fn capability_name(c: Capability, lang: Lang) -> &'static str {
    CAPABILITIES.iter().find(|(k, ..)| *k == c).map(|(_, _, zh, en)| pick(lang, zh, en)).unwrap_or("")
}

const STATUSES: [ProviderStatus; 3] = [ProviderStatus::Active, ProviderStatus::Suspended, ProviderStatus::Removed];

fn provider_status_name(s: ProviderStatus, lang: Lang) -> &'static str {
    match s {
        ProviderStatus::Active => pick(lang, "正常(在库)", "Active"),
        ProviderStatus::Suspended => pick(lang, "暂停", "Suspended"),
        ProviderStatus::Removed => pick(lang, "移出资源池", "Removed"),
    }
}

#[component]
pub fn ProvidersPanel() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let status = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        reload.track();
        let query = Query::new()
            .set("status", status.get())
            .set("q", q.get())
            .set("page", page.get())
            .set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<ProviderView>>(&token, &format!("/providers{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "没有符合条件的服务商。可用下方表单把服务商加入资源池。",
                        "No provider matches. Add providers to the pool with the form below.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="provider-list">
                        <thead>
                            <tr>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "服务商", "Provider")}</th>
                                <th>{pick(l, "统一社会信用代码", "Credit code")}</th>
                                <th>{pick(l, "服务能力", "Capabilities")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                                <th>{pick(l, "变更状态", "Change status")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|pv| {
                                    let caps: Vec<&str> = pv.capabilities.iter().map(|c| capability_name(*c, l)).collect();
                                    let badge = if pv.status == ProviderStatus::Active { "badge" } else { "badge flag" };
                                    view! {
                                        <tr data-provider=pv.id data-status=pv.status.code()>
                                            <td>{pv.id}</td>
                                            <td>{pv.name}</td>
                                            <td>{pv.credit_code}</td>
                                            <td>{caps.join("、")}</td>
                                            <td>
                                                <span class=badge>{provider_status_name(pv.status, l)}</span>
                                                {pv.status_reason.map(|r| view! { <br /><small class="muted">{r}</small> })}
                                                {pv.credit_abnormal.then(|| view! { <br /><span class="badge flag">{pick(l, "经营异常", "Abnormal operations")}</span> })}
                                                {pv.dishonest.then(|| view! { <br /><span class="badge flag">{pick(l, "失信", "Dishonest")}</span> })}
                                            </td>
                                            <td>
                                                <ProviderStatusForm id=pv.id current=pv.status reload=reload />
                                                <ProviderCreditForm id=pv.id abnormal=pv.credit_abnormal dishonest=pv.dishonest reload=reload />
                                                <crate::pages::city_performance::CapabilitiesForm id=pv.id current=pv.capabilities.clone() reload=reload />
                                            </td>
                                        </tr>
                                    }
                                })
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
        <section class="card" id="providers">
            <h2>{tr("服务商资源池", "Provider pool")}</h2>
            <p class="notice">
                {tr(
                    "暂停或移出资源池的服务商不能再被指派给企业,也不能签订新的改造合同(平台会拒绝);已有项目照常办理。暂停或移出须说明原因。被列入经营异常名录或失信名单的服务商(第六条(二))同样不能签订新合同、提交诊断报告或获得奖励,向其拨付的指令不能审批。",
                    "A suspended or removed provider cannot be assigned to an enterprise or take a new retrofit contract (the platform refuses); existing projects go on. Suspending or removing needs a reason. A provider flagged for abnormal operations or as dishonest (Art. 6(2)) likewise takes no new contract, diagnosis or award, and instructions to it cannot be approved.",
                )}
            </p>
            <div class="filters">
                <select
                    id="providers-status"
                    on:change=move |ev| {
                        status.set(event_target_value(&ev));
                        page.set(1);
                    }
                >
                    <option value="">{tr("全部状态", "All statuses")}</option>
                    {STATUSES
                        .iter()
                        .map(|s| {
                            let s = *s;
                            view! { <option value=s.code()>{move || provider_status_name(s, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <input
                    type="search"
                    id="providers-q"
                    placeholder=move || pick(lang.get(), "名称或信用代码", "Name or credit code")
                    on:change=move |ev| {
                        q.set(event_target_value(&ev));
                        page.set(1);
                    }
                />
            </div>
            <Transition fallback=loading>{rows}</Transition>
            <Pager page=page total=total id="providers-pager" />
            <ProviderForm reload=reload />
        </section>
    }
}

/// The city sets or lifts a provider's credit flags (第六条(二): 经营异常, 失信).
#[component]
fn ProviderCreditForm(id: i64, abnormal: bool, dishonest: bool, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let abnormal = RwSignal::new(abnormal);
    let dishonest = RwSignal::new(dishonest);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = PatchProviderRequest {
            status: None,
            reason: None,
            capabilities: None,
            credit_abnormal: Some(abnormal.get_untracked()),
            dishonest: Some(dishonest.get_untracked()),
        };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move { api::patch::<_, ProviderView>(&token, &format!("/providers/{id}"), &body).await },
            |_| {},
        );
    };
    view! {
        <form class="row-form" id=format!("provider-credit-{id}") on:submit=submit>
            <label>
                <input type="checkbox" id=format!("pc-abnormal-{id}") bind:checked=abnormal />
                {tr("经营异常", "Abnormal operations")}
            </label>
            <label>
                <input type="checkbox" id=format!("pc-dishonest-{id}") bind:checked=dishonest />
                {tr("失信", "Dishonest")}
            </label>
            <button type="submit" class="secondary" id=format!("pc-submit-{id}") disabled=move || busy.get()>
                {tr("保存信用标记", "Save credit flags")}
            </button>
            <ErrorLine error=error />
        </form>
    }
}

/// Change one provider's status, with the reason the server requires to suspend or remove.
#[component]
fn ProviderStatusForm(id: i64, current: ProviderStatus, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let status = RwSignal::new(current.code().to_string());
    let reason = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(new_status) = ProviderStatus::from_code(&status.get_untracked()) else { return };
        let reason_text = reason.get_untracked();
        let body = PatchProviderRequest {
            status: Some(new_status),
            reason: (!reason_text.trim().is_empty()).then(|| reason_text.trim().to_string()),
            capabilities: None,
            credit_abnormal: None,
            dishonest: None,
        };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move { api::patch::<_, ProviderView>(&token, &format!("/providers/{id}"), &body).await },
            move |_| reason.set(String::new()),
        );
    };
    view! {
        <form class="row-form" id=format!("provider-status-{id}") on:submit=submit>
            <select id=format!("ps-status-{id}") bind:value=status>
                {STATUSES
                    .iter()
                    .map(|s| {
                        let s = *s;
                        view! { <option value=s.code()>{move || provider_status_name(s, lang.get())}</option> }
                    })
                    .collect_view()}
            </select>
            <input
                id=format!("ps-reason-{id}")
                bind:value=reason
                placeholder=move || pick(lang.get(), "原因(暂停、移出时必填)", "Reason (to suspend or remove)")
            />
            <button type="submit" class="secondary" id=format!("ps-submit-{id}") disabled=move || busy.get()>
                {tr("保存", "Save")}
            </button>
            <FieldError error=error field="reason" />
            <FieldError error=error field="status" />
            <ErrorLine error=error />
        </form>
    }
}

#[component]
fn ProviderForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let name = RwSignal::new(String::new());
    let credit_code = RwSignal::new(String::new());
    let capabilities = RwSignal::new(Vec::<Capability>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut caps = capabilities.get_untracked();
        caps.sort();
        let body = CreateProviderRequest {
            name: name.get_untracked().trim().to_string(),
            credit_code: credit_code.get_untracked().trim().to_string(),
            capabilities: caps,
        };
        let taken = pick(lang.get_untracked(), "该统一社会信用代码已登记", "This credit code is registered already");
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, ProviderView>(&token, "/providers", &body)
                    .await
                    .map_err(|e| conflict_beside(e, "duplicate", "credit_code", taken))
            },
            move |_| {
                name.set(String::new());
                credit_code.set(String::new());
                capabilities.set(Vec::new());
            },
        );
    };
    view! {
        <form class="actions inline-form" id="provider-form" on:submit=submit>
            <h3>{tr("服务商入库", "Add a provider to the pool")}</h3>
            <label>
                <span>{tr("服务商名称", "Name")}</span>
                <input id="pf-name" bind:value=name required />
                <FieldError error=error field="name" />
            </label>
            <label>
                <span>{tr("统一社会信用代码", "Credit code")}</span>
                <input id="pf-credit-code" bind:value=credit_code maxlength="18" required />
                <FieldError error=error field="credit_code" />
            </label>
            <fieldset id="pf-capabilities">
                <legend>{tr("服务能力", "Capabilities")}</legend>
                {CAPABILITIES
                    .iter()
                    .map(|(cap, code, zh, en)| {
                        let (cap, zh, en) = (*cap, *zh, *en);
                        view! {
                            <span class="check">
                                <input
                                    type="checkbox"
                                    id=format!("pf-cap-{code}")
                                    prop:checked=move || capabilities.with(|v| v.contains(&cap))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        capabilities.update(|v| {
                                            v.retain(|c| *c != cap);
                                            if on {
                                                v.push(cap);
                                            }
                                        });
                                    }
                                />
                                <span>{move || pick(lang.get(), zh, en)}</span>
                            </span>
                        }
                    })
                    .collect_view()}
                <FieldError error=error field="capabilities" />
            </fieldset>
            <button type="submit" id="pf-submit" disabled=move || busy.get()>{tr("加入资源池", "Add to the pool")}</button>
            <ErrorLine error=error />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_ids() {
        assert_eq!(parse_ids("12, 15 17,18"), Ok(vec![12, 15, 17, 18]));
        assert_eq!(parse_ids("1、2"), Ok(vec![1, 2]));
        assert_eq!(parse_ids(""), Ok(vec![]));
        assert_eq!(parse_ids("3, x"), Err("x".to_string()));
    }

    #[test]
    fn capability_codes_match_the_wire() {
        for (cap, code, ..) in CAPABILITIES {
            assert_eq!(serde_json::to_value(cap).ok(), Some(serde_json::Value::from(code)));
        }
    }
}
