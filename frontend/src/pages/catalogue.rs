//! The 小快轻准 catalogue (issue 5): a provider's own products with the form to list a new one
//! ([`ProviderProducts`]), and the approved products of an enterprise's industry with the link to
//! its project ([`EnterpriseCatalogue`]). The server decides what each caller sees and may do.

use dtpilot_api_types::catalogue::{CreateProductRequest, LinkProductRequest, ProductStatus, ProductView};
use dtpilot_api_types::programme::{EnterpriseView, Page as PageOf};
use dtpilot_api_types::workflow::ProjectView;
use dtpilot_domain::Money;
use dtpilot_domain::reference::Industry;
use leptos::prelude::*;

use crate::api::{self, ApiError, Query};
use crate::components::form::{Checks, act};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError, Yuan};
use crate::i18n::{Lang, industry_name, lang, pick, tr};
use crate::pages::dashboard::loading;
use crate::pages::enterprise::ProjectsResource;
use crate::session::SessionCtx;

/// 待审核 / 已通过 / 未通过.
pub fn product_status_name(s: ProductStatus, l: Lang) -> &'static str {
    match s {
        ProductStatus::Pending => pick(l, "待审核", "Pending"),
        ProductStatus::Approved => pick(l, "已通过", "Approved"),
        ProductStatus::Rejected => pick(l, "未通过", "Rejected"),
    }
}

/// One table of products; `action` adds a last column per product.
pub fn product_table(
    items: Vec<ProductView>,
    l: Lang,
    id: &'static str,
    action: impl Fn(&ProductView) -> AnyView,
) -> impl IntoView {
    view! {
        <table class="list" id=id>
            <thead>
                <tr>
                    <th>{pick(l, "产品/解决方案", "Product / solution")}</th>
                    <th>{pick(l, "服务商", "Provider")}</th>
                    <th>{pick(l, "行业", "Industry")}</th>
                    <th>{pick(l, "简介", "Summary")}</th>
                    <th class="num">{pick(l, "参考价格", "Price")}</th>
                    <th>{pick(l, "状态", "Status")}</th>
                    <th></th>
                </tr>
            </thead>
            <tbody>
                {items
                    .into_iter()
                    .map(|p| {
                        let extra = action(&p);
                        let badge = if p.status == ProductStatus::Approved { "badge" } else { "badge flag" };
                        view! {
                            <tr data-product=p.id data-status=p.status.code()>
                                <td>{p.name.clone()}</td>
                                <td>{p.provider_name.clone()}</td>
                                <td>{industry_name(p.industry, l)}</td>
                                <td>{p.summary.clone()}</td>
                                <td class="num">{p.price.map(|m| view! { <Yuan money=m /> }.into_any()).unwrap_or_else(|| "—".into_any())}</td>
                                <td>
                                    <span class=badge>{product_status_name(p.status, l)}</span>
                                    {p.review_comment.clone().map(|c| view! { <br /><small class="muted">{c}</small> })}
                                </td>
                                <td>{extra}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The provider's own yearly performance evaluation (附件2 item 18) of the last complete year.
#[component]
pub fn ProviderPerformance() -> impl IntoView {
    use chrono::Datelike;
    use dtpilot_api_types::catalogue::ProviderRankingView;
    let session = SessionCtx::get();
    let lang = lang();
    let year = crate::format::today_cst().year() - 1;
    let data = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<ProviderRankingView>(&token, &format!("/providers/evaluations?year={year}")).await }
    });
    let body = move || {
        data.get().map(|answer| {
            let l = lang.get();
            match answer {
                Ok(r) => match r.items.into_iter().next() {
                    Some(mine) => view! {
                        <p id="provider-performance">
                            {format!("{year} ")}{pick(l, "年度综合得分 ", " composite ")}<strong>{mine.composite}</strong>
                            {pick(l, ",排名 ", ", rank ")}<strong>{mine.rank}</strong>{format!(" / {}", r.evaluated)}
                            {mine.below_threshold.then(|| view! { " " <span class="badge flag">{pick(l, "低于暂停阈值", "below the suspension threshold")}</span> })}
                        </p>
                    }
                    .into_any(),
                    None => view! { <p class="muted">{format!("{year} ")}{pick(l, "年度尚未评估。", ": not evaluated yet.")}</p> }.into_any(),
                },
                Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
            }
        })
    };
    view! {
        <section class="card" id="provider-performance-section">
            <h2>{tr("年度绩效评估", "Yearly performance")}</h2>
            <Transition fallback=loading>{body}</Transition>
        </section>
    }
}

/// The provider's products (every status) and the form to list a new one.
#[component]
pub fn ProviderProducts(provider_id: i64) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        reload.track();
        let query = Query::new().set("provider_id", provider_id).set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<ProductView>>(&token, &format!("/products{}", query.string())).await }
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
                    pick(lang.get(), "尚未提交产品。可用下方表单提交“小快轻准”产品或解决方案,经市工信局审核后进入产品库。",
                        "No product yet. List a 小快轻准 product or solution below; it enters the catalogue once the city bureau approves it.")
                        .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => product_table(p.items, lang.get(), "provider-products", |_| ().into_any()).into_any(),
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="provider-products-section">
            <h2>{tr("“小快轻准”产品", "小快轻准 products")}</h2>
            <Transition fallback=loading>{rows}</Transition>
            <Pager page=page total=total id="provider-products-pager" />
            <ProductForm reload=reload />
        </section>
    }
}

#[component]
fn ProductForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let name = RwSignal::new(String::new());
    let industry = RwSignal::new(Industry::ALL[0].code().to_string());
    let summary = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = lang.get_untracked();
        let mut checks = Checks::default();
        let price_text = price.get_untracked().trim().to_string();
        let price_value = if price_text.is_empty() {
            None
        } else {
            let parsed = Money::parse_wire(&price_text).ok();
            if parsed.is_none() {
                checks.fail("price", pick(l, "金额格式如 48000.00", "An amount like 48000.00"));
            }
            parsed
        };
        let Some(industry_value) = Industry::from_code(&industry.get_untracked()) else { return };
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let body = CreateProductRequest {
            name: name.get_untracked().trim().to_string(),
            industry: industry_value,
            summary: summary.get_untracked().trim().to_string(),
            price: price_value,
        };
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move { api::post::<_, ProductView>(&token, "/products", &body).await },
            move |_| {
                name.set(String::new());
                summary.set(String::new());
                price.set(String::new());
            },
        );
    };
    view! {
        <form class="actions inline-form" id="product-form" on:submit=submit>
            <h3>{tr("提交新产品", "List a product")}</h3>
            <label>
                <span>{tr("名称", "Name")}</span>
                <input id="product-name" bind:value=name required />
                <FieldError error=error field="name" />
            </label>
            <label>
                <span>{tr("适用行业", "Industry")}</span>
                <select id="product-industry" bind:value=industry>
                    {Industry::ALL
                        .iter()
                        .map(|i| {
                            let i = *i;
                            view! { <option value=i.code()>{move || industry_name(i, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                <span>{tr("简介", "Summary")}</span>
                <textarea id="product-summary" bind:value=summary required></textarea>
                <FieldError error=error field="summary" />
            </label>
            <label>
                <span>{tr("参考价格(元,可不填)", "Price (yuan, optional)")}</span>
                <input id="product-price" inputmode="decimal" bind:value=price />
                <FieldError error=error field="price" />
            </label>
            <button type="submit" id="product-submit" disabled=move || busy.get()>{tr("提交审核", "Submit for review")}</button>
            <ErrorLine error=error />
        </form>
    }
}

/// The approved products of the enterprise's industry, each linkable to one of its running projects.
#[component]
pub fn EnterpriseCatalogue(enterprise_id: i64, projects: ProjectsResource, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let project = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        let page = page.get();
        async move {
            let me = api::get::<EnterpriseView>(&token, &format!("/enterprises/{enterprise_id}")).await?;
            let query = Query::new().set("industry", me.industry.code()).set("page", page).set("per_page", PER_PAGE);
            api::get::<PageOf<ProductView>>(&token, &format!("/products{}", query.string())).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = data.get() {
            total.set(p.total);
        }
    });
    let running = move || -> Vec<ProjectView> {
        match projects.get() {
            Some(Ok(p)) => p.items.into_iter().filter(|p| !p.status.is_terminal()).collect(),
            _ => Vec::new(),
        }
    };
    Effect::new(move |_| {
        let first = running().first().map(|p| p.id.to_string());
        if let Some(first) = first.filter(|_| project.get_untracked().is_empty()) {
            project.set(first);
        }
    });
    let link = move |product_id: i64| {
        let l = lang.get_untracked();
        let Ok(pid) = project.get_untracked().parse::<i64>() else {
            error.set(Some(ApiError::local("project", pick(l, "请先选择项目", "Choose a project first"))));
            return;
        };
        let token = session.token();
        let body = LinkProductRequest { product_id };
        act(
            busy,
            error,
            reload,
            async move { api::post::<_, ProjectView>(&token, &format!("/projects/{pid}/products"), &body).await },
            |_| {},
        );
    };
    let rows = move || {
        data.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(lang.get(), "本行业暂无已审核的“小快轻准”产品。", "No approved 小快轻准 product for the industry yet.")
                        .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => product_table(p.items, lang.get(), "enterprise-catalogue", move |pv| {
                let id = pv.id;
                view! {
                    <button type="button" class="secondary" id=format!("link-product-{id}") disabled=move || busy.get()
                        on:click=move |_| link(id)>
                        {tr("关联到项目", "Link to project")}
                    </button>
                }
                .into_any()
            })
            .into_any(),
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" id="enterprise-catalogue-section">
            <h2>{tr("“小快轻准”产品库(本行业)", "小快轻准 catalogue (your industry)")}</h2>
            <p class="muted">
                {tr("经市工信局审核的产品和解决方案。可把选用的产品关联到本企业的改造项目。",
                    "Products and solutions approved by the city bureau. Link the ones you use to your retrofit project.")}
            </p>
            <label>
                <span>{tr("关联到项目", "Project")}</span>
                <select id="catalogue-project" bind:value=project>
                    {move || running()
                        .into_iter()
                        .map(|p| view! { <option value=p.id.to_string()>{format!("#{} {}", p.id, p.contract_no)}</option> })
                        .collect_view()}
                </select>
                <FieldError error=error field="project" />
                <FieldError error=error field="product_id" />
            </label>
            <ErrorLine error=error />
            <Transition fallback=loading>{rows}</Transition>
            <Pager page=page total=total id="catalogue-pager" />
        </section>
    }
}
