//! "新建申报": the enterprise's retrofit-subsidy application (`POST /projects`), with a live
//! estimate of the planned subsidy and prepayment from the public quote (R1–R3). Offered while the
//! enterprise has no project that blocks a new one; the server checks every precondition (batch,
//! SME, credit, diagnosis, R9, target level) and names the field it refuses.

use dtpilot_api_types::programme::{BatchView, Page as PageOf, ProviderStatus, ProviderView};
use dtpilot_api_types::workflow::{CreateProjectRequest, ProjectView};
use dtpilot_api_types::{FieldError as WireFieldError, QuoteResponse};
use dtpilot_domain::DigitalLevel;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};

use crate::api::{self, ApiError, Query};
use crate::app::{Page, Router};
use crate::components::widgets::FieldError;
use crate::format::{date, wan};
use crate::i18n::{Lang, lang, level_name, pick, tr};
use crate::pages::enterprise::ProjectsResource;
use crate::session::SessionCtx;

/// The request's fields that have an input in the form (other fields' errors go to the form line).
const FORM_FIELDS: [&str; 7] = [
    "batch_id",
    "provider_id",
    "contract_no",
    "contract_amount",
    "planned_eligible_investment",
    "target_level",
    "overlapping_support_declared",
];

/// A level as the server wants it: a JSON integer (what cannot be read is sent as typed).
fn level_json(text: &str) -> Value {
    text.trim().parse::<u64>().map(Value::from).unwrap_or_else(|_| Value::from(text))
}

#[component]
pub fn NewProjectSection(projects: ProjectsResource, reload: RwSignal<u32>) -> impl IntoView {
    let lang = lang();
    let body = move || {
        let l = lang.get();
        match projects.get() {
            None => view! { <p class="muted">{pick(l, "加载中…", "Loading…")}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e.message()}</p> }.into_any(),
            Some(Ok(p)) => match p.items.iter().find(|p| p.status.blocks_new_application()) {
                Some(blocking) => view! {
                    <p class="muted" id="new-project-blocked">
                        {format!(
                            "{}#{}{}",
                            pick(l, "已有在办的申报项目 ", "The enterprise already has project "),
                            blocking.id,
                            pick(
                                l,
                                ",同一批次每家企业只能有一个未被驳回的项目;项目被驳回后方可重新申报。",
                                " that is not rejected: one such project per enterprise per batch.",
                            ),
                        )}
                    </p>
                }
                .into_any(),
                None => view! { <NewProjectForm reload=reload /> }.into_any(),
            },
        }
    };
    view! {
        <section class="card" id="new-project">
            <h2>{tr("新建申报", "New application")}</h2>
            {body}
        </section>
    }
}

#[component]
fn NewProjectForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    let lang = lang();
    let batch = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let contract_no = RwSignal::new(String::new());
    let contract_amount = RwSignal::new(String::new());
    let investment = RwSignal::new(String::new());
    let level = RwSignal::new("2".to_string());
    let overlap = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);

    let batches = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<Vec<BatchView>>(&token, "/batches").await }
    });
    let providers = LocalResource::new(move || {
        let token = session.token();
        let query = Query::new().set("status", ProviderStatus::Active.code()).set("per_page", 100);
        async move { api::get::<PageOf<ProviderView>>(&token, &format!("/providers{}", query.string())).await }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let l = lang.get_untracked();
        let batch_id = batch.get_untracked().parse::<i64>().ok();
        let provider_id = provider.get_untracked().parse::<i64>().ok();
        if batch_id.is_none() || provider_id.is_none() {
            let mut e = ApiError::local("(form)", pick(l, "请选择批次和服务商", "Choose the batch and the provider"));
            if let ApiError::Problem(p) = &mut e {
                p.errors.clear();
                if batch_id.is_none() {
                    p.errors.push(WireFieldError::new("batch_id", pick(l, "请选择申报批次", "Choose a batch")));
                }
                if provider_id.is_none() {
                    p.errors.push(WireFieldError::new("provider_id", pick(l, "请选择服务商", "Choose a provider")));
                }
            }
            error.set(Some(e));
            return;
        }
        // Amounts and text as typed: the server validates them and names the field that is wrong.
        let body = json!({
            "batch_id": batch_id,
            "provider_id": provider_id,
            "contract_no": contract_no.get_untracked().trim(),
            "contract_amount": contract_amount.get_untracked().trim(),
            "planned_eligible_investment": investment.get_untracked().trim(),
            "target_level": level_json(&level.get_untracked()),
            "overlapping_support_declared": overlap.get_untracked(),
        });
        busy.set(true);
        error.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::post::<_, ProjectView>(&token, "/projects", &body).await {
                Ok(created) => {
                    reload.update(|n| *n += 1);
                    router.go(Page::Project(created.id));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    // The typed request is the contract; this keeps the form's field names in step with it.
    let _fields = |r: CreateProjectRequest| {
        (
            r.batch_id,
            r.provider_id,
            r.contract_no,
            r.contract_amount,
            r.planned_eligible_investment,
            r.target_level,
            r.overlapping_support_declared,
        )
    };

    let batch_options = move || {
        let l = lang.get();
        match batches.get() {
            Some(Ok(list)) => list
                .into_iter()
                .map(|b| {
                    let due = date(b.retrofit_due, l);
                    let label = match l {
                        Lang::Zh => format!("{}(改造完成期限 {due})", b.name),
                        Lang::En => format!("Batch {} — {} (retrofit due {due})", b.number, b.name),
                    };
                    view! { <option value=b.id.to_string()>{label}</option> }
                })
                .collect_view()
                .into_any(),
            _ => ().into_any(),
        }
    };
    let provider_options = move || match providers.get() {
        Some(Ok(page)) => page
            .items
            .into_iter()
            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
            .collect_view()
            .into_any(),
        _ => ().into_any(),
    };
    let list_error = move || {
        let batches_error = batches.get().and_then(Result::err);
        let providers_error = providers.get().and_then(Result::err);
        batches_error.or(providers_error).map(|e| view! { <p class="error">{e.message()}</p> })
    };

    view! {
        <p class="muted">
            {tr(
                "填写与服务商签订的改造合同。计划合规投资指软件、云服务、网关、路由、数据采集设备等合规支出;补助按其 50% 计算,并受目标数字化水平对应的上限约束。保存后为草稿,在项目页核对后提交县级初审。",
                "Enter the retrofit contract signed with the provider. Planned eligible investment covers software, cloud, gateways, routers and data-acquisition devices; the subsidy is 50% of it up to the cap of the target level. The application is saved as a draft: check it on the project page, then submit it for county review.",
            )}
        </p>
        {list_error}
        <form id="new-project-form" on:submit=submit novalidate>
            <label>
                <span>{tr("申报批次", "Batch")}</span>
                <select id="np-batch" bind:value=batch>
                    <option value="">{tr("— 请选择 —", "— choose —")}</option>
                    {batch_options}
                </select>
                <FieldError error=error field="batch_id" />
            </label>
            <label>
                <span>{tr("改造服务商", "Provider")}</span>
                <select id="np-provider" bind:value=provider>
                    <option value="">{tr("— 请选择(资源池内在库服务商)—", "— choose (active providers of the pool) —")}</option>
                    {provider_options}
                </select>
                <FieldError error=error field="provider_id" />
            </label>
            <label>
                <span>{tr("合同编号", "Contract no.")}</span>
                <input id="np-contract-no" bind:value=contract_no maxlength="100" />
                <FieldError error=error field="contract_no" />
            </label>
            <label>
                <span>{tr("合同金额(元)", "Contract amount (yuan)")}</span>
                <input id="np-contract-amount" inputmode="decimal" placeholder="600000.00" bind:value=contract_amount />
                <FieldError error=error field="contract_amount" />
            </label>
            <label>
                <span>{tr("计划合规投资额(元)", "Planned eligible investment (yuan)")}</span>
                <input id="np-investment" inputmode="decimal" placeholder="500000.00" bind:value=investment />
                <FieldError error=error field="planned_eligible_investment" />
            </label>
            <label>
                <span>{tr("目标数字化水平", "Target digital level")}</span>
                <select id="np-target-level" bind:value=level>
                    {DigitalLevel::ALL
                        .iter()
                        .filter(|v| v.get() >= 2)
                        .map(|v| {
                            let v = *v;
                            view! { <option value=v.get().to_string()>{move || level_name(v, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error=error field="target_level" />
            </label>
            <label class="wide checkbox">
                <span>{tr("重复支持申明(R9)", "Overlapping support (R9)")}</span>
                <span>
                    <input id="np-overlap" type="checkbox" bind:checked=overlap />
                    " "
                    {tr(
                        "本项目已申报或享受其他市级财政扶企政策支持。按专项资金管理办法第八条,同一项目不得重复申请,须自行选择其一:勾选此项的申报将不予受理。",
                        "This project has applied for or receives another city-level support policy. Under article 8 a project may use only one: an application declaring overlap is refused.",
                    )}
                    <FieldError error=error field="overlapping_support_declared" />
                </span>
            </label>
            <Estimate investment=investment level=level />
            <FormError error=error />
            <div class="buttons">
                <button type="submit" id="np-submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { pick(lang.get(), "正在保存…", "Saving…") } else { pick(lang.get(), "保存申报(草稿)", "Save the application (draft)") }}
                </button>
            </div>
        </form>
    }
}

/// The text of a form's own error line: the server's detail when it named no field or refused a
/// precondition (its detail lists every failed one), otherwise its messages about fields that have
/// no input in the form (those beside an input are shown there); network failures.
pub fn form_error_text(e: &ApiError, inputs: &[&str]) -> Option<String> {
    let precondition = matches!(e, ApiError::Problem(p) if !matches!(p.code.as_str(), "validation_failed" | "not_pdf"));
    if e.field_errors().is_empty() || precondition {
        return Some(e.message());
    }
    let others: Vec<String> =
        e.field_errors().iter().filter(|f| !inputs.contains(&f.field.as_str())).map(|f| f.message.clone()).collect();
    (!others.is_empty()).then(|| others.join(";"))
}

#[component]
fn FormError(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| form_error_text(e, &FORM_FIELDS))).map(|t| {
            view! { <p class="error" role="alert" id="np-error">{t}</p> }
        })
    }
}

/// The planned subsidy and prepayment for the investment and level typed, from `POST /subsidy/quote`.
#[component]
fn Estimate(investment: RwSignal<String>, level: RwSignal<String>) -> impl IntoView {
    let lang = lang();
    let quote = LocalResource::new(move || {
        let amount = investment.get().trim().to_string();
        let level = level.get();
        async move {
            if amount.is_empty() {
                return None;
            }
            let body = json!({ "target_level": level_json(&level), "planned_eligible_investment": amount });
            Some(api::quote(&body).await)
        }
    });
    let figure = move |zh: &'static str, en: &'static str, id: &'static str, m: Option<dtpilot_domain::Money>| {
        let l = lang.get();
        m.map(|m| {
            view! {
                <span class="stat" id=id>
                    <span class="muted">{pick(l, zh, en)}</span>
                    <span class="n">{crate::format::yuan(m)}</span>
                    <span class="muted">{wan(m)}</span>
                </span>
            }
        })
    };
    let shown = move |q: QuoteResponse| {
        let l = lang.get();
        let rules = q
            .rules_applied
            .iter()
            .map(|r| format!("{r} {}", crate::i18n::rule_name(r, l)))
            .collect::<Vec<_>>()
            .join(";");
        view! {
            <div class="stats">
                {figure("计划补助(预估)", "Planned subsidy (estimate)", "np-estimate-planned", q.planned_subsidy)}
                {figure("预拨资金(预估)", "Prepayment (estimate)", "np-estimate-prepayment", q.prepayment)}
            </div>
            <p class="muted">{format!("{}{rules}({} {})", pick(l, "依据:", "Rules: "), pick(l, "政策", "policy"), q.policy)}</p>
        }
    };
    view! {
        <div class="estimate" id="np-estimate" aria-live="polite">
            {move || {
                let l = lang.get();
                match quote.get() {
                    None | Some(None) => view! {
                        <p class="muted">{pick(l, "输入计划合规投资额后,这里即时显示预估的计划补助和预拨资金。", "Type the planned investment to see the estimated subsidy and prepayment.")}</p>
                    }
                    .into_any(),
                    Some(Some(Ok(q))) => shown(q).into_any(),
                    Some(Some(Err(e))) => {
                        let text = e.field_errors().first().map(|f| f.message.clone()).unwrap_or_else(|| e.message());
                        view! { <p class="field-error" id="np-estimate-error">{pick(l, "无法测算:", "Cannot estimate: ")} {text}</p> }.into_any()
                    }
                }
            }}
        </div>
    }
}
