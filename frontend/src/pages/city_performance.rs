//! The city bureau's tab "绩效与产品" (issue 5): the providers' yearly performance evaluation
//! (实施方案 附件2 item 18) — entry form, ranking, suspension of those below the threshold — the
//! review queue of 小快轻准 products, and the capabilities editor of the provider pool.

use dtpilot_api_types::catalogue::{
    CreateProviderEvaluationRequest, ProductDecision, ProductReviewRequest, ProductStatus, ProductView,
    ProviderEvaluationView, ProviderRankingView, ProviderScoresRequest, SuspendBelowThresholdRequest,
    SuspendBelowThresholdResponse,
};
use dtpilot_api_types::programme::{Capability, Page as PageOf, PatchProviderRequest, ProviderView};
use leptos::prelude::*;

use crate::api::{self, ApiError, Query};
use crate::components::form::{Checks, act};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError};
use crate::i18n::{lang, pick, tr};
use crate::pages::catalogue::product_table;
use crate::pages::dashboard::loading;
use crate::session::SessionCtx;

/// The five dimensions of 附件2 item 18: (field, 中文, English).
const DIMENSIONS: [(&str, &str, &str); 5] = [
    ("results", "工作成果", "Results"),
    ("feedback", "企业反馈", "Feedback"),
    ("process", "过程记录", "Process records"),
    ("report_quality", "报告质量", "Report quality"),
    ("sampling", "抽样评估", "Sampling"),
];

/// The year evaluated by default: the last complete year in China.
fn last_year() -> i32 {
    use chrono::Datelike;
    crate::format::today_cst().year() - 1
}

#[component]
pub fn PerformanceTab(reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <PerformancePanel reload=reload />
        <ProductReviewPanel reload=reload />
        <MismatchPanel />
    }
}

/// Evaluated projects whose recorded level differs from the level the scheme computes from their
/// detail (`GET /projects?level_mismatch=true`): a flag to look into; the recorded level decides.
#[component]
fn MismatchPanel() -> impl IntoView {
    use crate::app::{Page, Router};
    let session = SessionCtx::get();
    let router = Router::get();
    let lang = lang();
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        let token = session.token();
        let query = Query::new().set("level_mismatch", "true").set("page", page.get()).set("per_page", PER_PAGE);
        async move {
            api::get::<PageOf<dtpilot_api_types::workflow::ProjectView>>(
                &token,
                &format!("/projects{}", query.string()),
            )
            .await
        }
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
                    pick(lang.get(), "没有评测等级与指标测算不一致的项目。", "No project whose recorded level differs from the computed one.")
                        .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="mismatch-list">
                        <thead>
                            <tr>
                                <th>{pick(l, "项目", "Project")}</th>
                                <th>{pick(l, "企业", "Enterprise")}</th>
                                <th>{pick(l, "评测等级", "Recorded")}</th>
                                <th>{pick(l, "指标测算等级", "Computed")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p.items.into_iter().map(|pv| {
                                let pid = pv.id;
                                let level = |v: Option<dtpilot_domain::DigitalLevel>| v.map(|v| crate::i18n::level_name(v, l)).unwrap_or_default();
                                view! {
                                    <tr data-project=pid>
                                        <td>{pid}</td>
                                        <td>
                                            <a href=Page::Project(pid).path() on:click=move |ev: leptos::ev::MouseEvent| {
                                                ev.prevent_default();
                                                router.go(Page::Project(pid));
                                            }>{pv.enterprise_name}</a>
                                        </td>
                                        <td>{level(pv.subsidy.achieved_level)}</td>
                                        <td>{level(pv.computed_level)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="city-level-mismatch">
            <h2>{tr("评测等级与指标测算不一致", "Recorded level differs from the scheme")}</h2>
            <p class="muted">{tr("补助按评测等级计算;不一致仅作提示,供核查评测报告。",
                "The subsidy follows the recorded level; a difference is a flag for checking the report.")}</p>
            <Transition fallback=loading>{rows}</Transition>
            <Pager page=page total=total id="mismatch-pager" />
        </section>
    }
}

/// Ranking of a year, the suspension action, and the entry form.
#[component]
pub fn PerformancePanel(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let year = RwSignal::new(last_year().to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<usize>);
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        let y = year.get();
        async move { api::get::<ProviderRankingView>(&token, &format!("/providers/evaluations?year={}", y.trim())).await }
    });
    let suspend = move |_| {
        let l = lang.get_untracked();
        let Ok(y) = year.get_untracked().trim().parse::<i32>() else { return };
        let confirm = pick(
            l,
            "确定暂停综合得分低于阈值、仍在服务的服务商?",
            "Suspend every active provider below the threshold?",
        );
        if !web_sys::window().and_then(|w| w.confirm_with_message(confirm).ok()).unwrap_or(false) {
            return;
        }
        let token = session.token();
        let body = SuspendBelowThresholdRequest { year: y, reason: None };
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, SuspendBelowThresholdResponse>(&token, "/providers/evaluations/suspensions", &body).await
            },
            move |answer| done.set(Some(answer.suspended.len())),
        );
    };
    let table = move || {
        data.get().map(|answer| match answer {
            Ok(r) if r.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(lang.get(), "该年度尚无绩效评估。可用下方表单录入。", "No evaluation for the year yet; record one below.")
                        .to_string()
                }) />
            }
            .into_any(),
            Ok(r) => {
                let l = lang.get();
                let weights = DIMENSIONS
                    .iter()
                    .map(|(k, zh, en)| format!("{} {}", pick(l, zh, en), r.weights.get(*k).cloned().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join(" · ");
                let any_below = r.items.iter().any(|i| i.below_threshold && i.provider_status.code() == "active");
                view! {
                    <p class="muted" id="ranking-weights">
                        {pick(l, "权重:", "Weights: ")}{weights}
                        {pick(l, ";暂停阈值:综合得分低于 ", "; suspension below a composite of ")}{r.suspension_below.clone()}
                        {pick(l, "(权重与阈值为政策配置中的假设,待市工信局确认)", " (assumptions of the profile, for the bureau to confirm)")}
                    </p>
                    <table class="list" id="provider-ranking">
                        <thead>
                            <tr>
                                <th class="num">{pick(l, "排名", "Rank")}</th>
                                <th>{pick(l, "服务商", "Provider")}</th>
                                {DIMENSIONS.iter().map(|(_, zh, en)| view! { <th class="num">{pick(l, zh, en)}</th> }).collect_view()}
                                <th class="num">{pick(l, "综合得分", "Composite")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {r.items.into_iter().map(|i: ProviderEvaluationView| {
                                let low = i.below_threshold.then(|| view! { <span class="badge flag">{pick(l, "低于阈值", "below threshold")}</span> });
                                view! {
                                    <tr data-provider=i.provider_id data-rank=i.rank>
                                        <td class="num">{i.rank}</td>
                                        <td>{i.provider_name}</td>
                                        <td class="num">{i.scores.results}</td>
                                        <td class="num">{i.scores.feedback}</td>
                                        <td class="num">{i.scores.process}</td>
                                        <td class="num">{i.scores.report_quality}</td>
                                        <td class="num">{i.scores.sampling}</td>
                                        <td class="num"><strong>{i.composite}</strong></td>
                                        <td>{i.provider_status.code()} " " {low}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {any_below.then(|| view! {
                        <button type="button" class="danger" id="suspend-below" disabled=move || busy.get() on:click=suspend>
                            {tr("暂停低于阈值的服务商", "Suspend the providers below the threshold")}
                        </button>
                    })}
                }
                .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="city-performance">
            <h2>{tr("服务商年度绩效评估", "Provider performance (yearly)")}</h2>
            <p class="muted">
                {tr("围绕工作成果、企业反馈、过程记录、报告质量、抽样评估五个维度综合打分(实施方案附件2第18项),动态调整资源池。",
                    "Scored on results, enterprise feedback, process records, report quality and sampling (work plan, annex 2 item 18); the pool is adjusted accordingly.")}
            </p>
            <label>
                <span>{tr("年度", "Year")}</span>
                <input id="ranking-year" inputmode="numeric" bind:value=year />
            </label>
            <Transition fallback=loading>{table}</Transition>
            {move || done.get().map(|n| view! { <p class="notice" id="suspended-count">{format!("{}{n}", pick(lang.get(), "已暂停服务商:", "Providers suspended: "))}</p> })}
            <ErrorLine error=error />
            <EvaluationForm year=year reload=reload />
        </section>
    }
}

#[component]
fn EvaluationForm(year: RwSignal<String>, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let provider = RwSignal::new(String::new());
    let scores: [RwSignal<String>; 5] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let comment = RwSignal::new(String::new());
    let providers = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<PageOf<ProviderView>>(&token, "/providers?per_page=100").await }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let mut checks = Checks::default();
        let provider_id = checks.number::<i64>("provider", &provider.get_untracked(), l);
        if provider_id.is_none() {
            checks.fail("provider", pick(l, "请选择服务商", "Choose a provider"));
        }
        let y = checks.number::<i32>("year", &year.get_untracked(), l);
        // Numbers as typed: the server checks 0–100 with at most two decimals.
        let mut numbers = Vec::new();
        for (i, (key, ..)) in DIMENSIONS.iter().enumerate() {
            let text = scores[i].get_untracked();
            match text.trim().parse::<serde_json::Number>() {
                Ok(n) => numbers.push(n),
                Err(_) => {
                    checks.fail(&format!("scores.{key}"), pick(l, "请填写 0–100 的分数", "Give a score 0–100"));
                    numbers.push(serde_json::Number::from(0));
                }
            }
        }
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let (Some(provider_id), Some(y)) = (provider_id, y) else { return };
        let mut it = numbers.into_iter();
        let mut next = || it.next().unwrap_or_else(|| serde_json::Number::from(0));
        let body = CreateProviderEvaluationRequest {
            year: y,
            scores: ProviderScoresRequest {
                results: next(),
                feedback: next(),
                process: next(),
                report_quality: next(),
                sampling: next(),
            },
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, ProviderEvaluationView>(&token, &format!("/providers/{provider_id}/evaluations"), &body)
                    .await
            },
            move |_| {
                for s in scores {
                    s.set(String::new());
                }
                comment.set(String::new());
            },
        );
    };
    view! {
        <form class="actions inline-form" id="provider-evaluation-form" on:submit=submit>
            <h3>{tr("录入年度评估", "Record a yearly evaluation")}</h3>
            <label>
                <span>{tr("服务商", "Provider")}</span>
                <select id="pe-provider" bind:value=provider>
                    <option value="">{tr("请选择", "Choose")}</option>
                    {move || providers.get().and_then(Result::ok).map(|p| p.items.into_iter().map(|pv| {
                        view! { <option value=pv.id.to_string()>{pv.name}</option> }
                    }).collect_view())}
                </select>
                <FieldError error=error field="provider" />
            </label>
            {DIMENSIONS.iter().enumerate().map(|(i, (key, zh, en))| {
                let (zh, en) = (*zh, *en);
                let field: &'static str = match *key {
                    "results" => "scores.results",
                    "feedback" => "scores.feedback",
                    "process" => "scores.process",
                    "report_quality" => "scores.report_quality",
                    _ => "scores.sampling",
                };
                view! {
                    <label>
                        <span>{move || pick(lang.get(), zh, en)}</span>
                        <input id=format!("pe-{key}") inputmode="decimal" bind:value=scores[i] required />
                        <FieldError error=error field=field />
                    </label>
                }
            }).collect_view()}
            <label>
                <span>{tr("评语", "Comment")}</span>
                <input id="pe-comment" bind:value=comment />
            </label>
            <FieldError error=error field="year" />
            <button type="submit" id="pe-submit" disabled=move || busy.get()>{tr("保存评估", "Save the evaluation")}</button>
            <ErrorLine error=error />
        </form>
    }
}

/// Pending 小快轻准 products, approved or rejected with a comment.
#[component]
pub fn ProductReviewPanel(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let comment = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        reload.track();
        let query =
            Query::new().set("status", ProductStatus::Pending.code()).set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<ProductView>>(&token, &format!("/products{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let decide = move |id: i64, decision: ProductDecision| {
        let token = session.token();
        let body = ProductReviewRequest { decision, comment: comment.get_untracked().trim().to_string() };
        act(
            busy,
            error,
            reload,
            async move { api::post::<_, ProductView>(&token, &format!("/products/{id}/review"), &body).await },
            move |_| comment.set(String::new()),
        );
    };
    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(lang.get(), "暂无待审核的产品。", "No product awaits review.").to_string()
                }) />
            }
            .into_any(),
            Ok(p) => product_table(p.items, lang.get(), "product-queue", move |pv| {
                let id = pv.id;
                view! {
                    <button type="button" id=format!("approve-product-{id}") disabled=move || busy.get()
                        on:click=move |_| decide(id, ProductDecision::Approve)>{tr("通过", "Approve")}</button>
                    " "
                    <button type="button" class="secondary" id=format!("reject-product-{id}") disabled=move || busy.get()
                        on:click=move |_| decide(id, ProductDecision::Reject)>{tr("不通过", "Reject")}</button>
                }
                .into_any()
            })
            .into_any(),
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="city-products">
            <h2>{tr("“小快轻准”产品审核", "小快轻准 product review")}</h2>
            <label>
                <span>{tr("审核意见(可选)", "Comment (optional)")}</span>
                <input id="product-review-comment" bind:value=comment />
            </label>
            <ErrorLine error=error />
            <Transition fallback=loading>{rows}</Transition>
            <Pager page=page total=total id="product-queue-pager" />
        </section>
    }
}

/// The city replaces a provider's capabilities (in the provider pool's table).
#[component]
pub fn CapabilitiesForm(id: i64, current: Vec<Capability>, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(current);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut caps = chosen.get_untracked();
        caps.sort();
        let body = PatchProviderRequest {
            status: None,
            reason: None,
            capabilities: Some(caps),
            credit_abnormal: None,
            dishonest: None,
        };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move { api::patch::<_, ProviderView>(&token, &format!("/providers/{id}"), &body).await },
            move |_| open.set(false),
        );
    };
    view! {
        <button type="button" class="link" id=format!("caps-edit-{id}") on:click=move |_| open.update(|o| *o = !*o)>
            {tr("编辑服务能力", "Edit capabilities")}
        </button>
        <Show when=move || open.get()>
            <form class="row-form" id=format!("caps-form-{id}") on:submit=submit>
                {crate::pages::pool::CAPABILITIES
                    .iter()
                    .map(|(cap, code, zh, en)| {
                        let (cap, zh, en) = (*cap, *zh, *en);
                        view! {
                            <span class="check">
                                <input
                                    type="checkbox"
                                    id=format!("caps-{id}-{code}")
                                    prop:checked=move || chosen.with(|v| v.contains(&cap))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|v| {
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
                <button type="submit" class="secondary" disabled=move || busy.get()>{tr("保存", "Save")}</button>
                <FieldError error=error field="capabilities" />
                <ErrorLine error=error />
            </form>
        </Show>
    }
}
