//! Public notices (公示, R15): the city publishes approved projects for at least `notice_days`
//! calendar days, records the objections (异议) received, and closes the notice on or after its
//! last day — projects whose objection is upheld are rejected, the others cleared (their
//! prepayment instructions are created). The county sees the notices of its projects.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_api_types::workflow::{CloseNoticeRequest, NoticeView, ObjectionView, ProjectView};
use dtpilot_domain::state::ProjectState;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, Query};
use crate::app::{Page, Router};
use crate::components::export::ExportButton;
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError, StateBadge, Yuan};
use crate::format::{date, today_cst};
use crate::i18n::{Lang, county_name, lang, pick, tr};
use crate::session::SessionCtx;

/// R15's default when the policy cannot be read.
const DEFAULT_NOTICE_DAYS: u64 = 5;

/// `notice_min_days` of `GET /policy` (the profile in force).
fn notice_days(policy: &serde_json::Value) -> Option<u64> {
    policy.get("notice_min_days")?.get("value")?.as_u64().filter(|d| *d > 0)
}

/// The last day of a notice of `days` calendar days (inclusive) starting on `start`.
fn last_day(start: NaiveDate, days: u64) -> NaiveDate {
    start.checked_add_days(Days::new(days.saturating_sub(1))).unwrap_or(start)
}

/// A link to a project's page.
#[component]
pub(crate) fn ProjectLink(id: i64, #[prop(into, default = None)] name: Option<String>) -> impl IntoView {
    let router = Router::get();
    view! {
        <a
            href=Page::Project(id).path()
            class="open-project"
            on:click=move |ev: leptos::ev::MouseEvent| {
                ev.prevent_default();
                router.go(Page::Project(id));
            }
        >
            {match name {
                Some(n) => format!("#{id} {n}"),
                None => format!("#{id}"),
            }}
        </a>
    }
}

/// The publishing form: approved projects to choose (server-paged; the choice is kept across
/// pages), the period, and the server's answer beside each field.
#[component]
pub fn NoticeForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let today = today_cst();
    let days = RwSignal::new(DEFAULT_NOTICE_DAYS);
    let starts = RwSignal::new(today.to_string());
    let ends = RwSignal::new(last_day(today, DEFAULT_NOTICE_DAYS).to_string());
    // Once the user sets the last day, it no longer follows the first day.
    let ends_touched = RwSignal::new(false);
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let on_page = RwSignal::new(Vec::<i64>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let published = RwSignal::new(None::<NoticeView>);

    let policy = LocalResource::new(move || {
        let token = session.token();
        async move { api::get::<serde_json::Value>(&token, "/policy").await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = policy.get()
            && let Some(d) = notice_days(&p)
        {
            days.set(d);
            if !ends_touched.get_untracked()
                && let Ok(s) = starts.get_untracked().parse::<NaiveDate>()
            {
                ends.set(last_day(s, d).to_string());
            }
        }
    });
    let approved = LocalResource::new(move || {
        reload.track();
        let query =
            Query::new().set("status", ProjectState::Approved.code()).set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<ProjectView>>(&token, &format!("/projects{}", query.string())).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(p)) = approved.get() {
            total.set(p.total);
            on_page.set(p.items.iter().map(|p| p.id).collect());
        }
    });

    let page_all_selected =
        move || on_page.with(|ids| !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id))));
    let select_page = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let ids = on_page.get_untracked();
        selected.update(|s| {
            for id in ids {
                if on {
                    s.insert(id);
                } else {
                    s.remove(&id);
                }
            }
        });
    };
    let publish = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        // The dates as typed: the server checks them and the period (R15) and names the field.
        let body = serde_json::json!({
            "project_ids": selected.get_untracked().into_iter().collect::<Vec<i64>>(),
            "starts_on": starts.get_untracked(),
            "ends_on": ends.get_untracked(),
        });
        busy.set(true);
        error.set(None);
        published.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::post::<_, NoticeView>(&token, "/notices", &body).await {
                Ok(n) => {
                    selected.set(BTreeSet::new());
                    published.set(Some(n));
                    page.set(1);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };

    let rows = move || {
        approved.get().map(|answer| match answer {
            Ok(p) if p.items.is_empty() => view! {
                <Empty text=Signal::derive(move || {
                    pick(
                        lang.get(),
                        "暂无待公示的项目。综合评审通过的项目会出现在这里。",
                        "No project awaits a notice. Projects approved in the city review appear here.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="notice-projects">
                        <thead>
                            <tr>
                                <th>
                                    <input
                                        type="checkbox"
                                        id="notice-select-page"
                                        title=pick(l, "选择本页全部项目", "Select every project of the page")
                                        prop:checked=page_all_selected
                                        on:change=select_page
                                    />
                                </th>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "企业", "Enterprise")}</th>
                                <th>{pick(l, "县区", "County")}</th>
                                <th>{pick(l, "服务商", "Provider")}</th>
                                <th class="num">{pick(l, "计划补助", "Planned subsidy")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|project| {
                                    let pid = project.id;
                                    view! {
                                        <tr data-project=pid>
                                            <td>
                                                <input
                                                    type="checkbox"
                                                    id=format!("notice-pick-{pid}")
                                                    prop:checked=move || selected.with(|s| s.contains(&pid))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        selected.update(|s| {
                                                            if on {
                                                                s.insert(pid);
                                                            } else {
                                                                s.remove(&pid);
                                                            }
                                                        });
                                                    }
                                                />
                                            </td>
                                            <td>{pid}</td>
                                            <td><ProjectLink id=pid name=Some(project.enterprise_name) /></td>
                                            <td>{county_name(project.county, l)}</td>
                                            <td>{project.provider_name}</td>
                                            <td class="num"><Yuan money=project.planned_subsidy /></td>
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
        <form id="notice-form" on:submit=publish>
            <h3>{tr("发布公示", "Publish a notice")}</h3>
            <p class="muted">
                {move || match lang.get() {
                    Lang::Zh => format!(
                        "勾选综合评审通过的项目,设定公示期(不少于 {} 天,含首尾两日)。公示期满且异议处理完毕后办结。",
                        days.get()
                    ),
                    Lang::En => format!(
                        "Choose approved projects and the period (at least {} calendar days, inclusive). Close the notice once it has ended.",
                        days.get()
                    ),
                }}
            </p>
            <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
                {rows}
            </Transition>
            <Pager page=page total=total id="notice-projects-pager" />
            <FieldError error=error field="project_ids" />
            <p class="muted" id="notice-selected">
                {move || match lang.get() {
                    Lang::Zh => format!("已选择 {} 个项目", selected.with(BTreeSet::len)),
                    Lang::En => format!("{} project(s) chosen", selected.with(BTreeSet::len)),
                }}
            </p>
            <label>
                <span>{tr("公示开始日期", "First day")}</span>
                <input
                    type="date"
                    id="notice-starts"
                    prop:value=move || starts.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        if !ends_touched.get_untracked()
                            && let Ok(s) = value.parse::<NaiveDate>()
                        {
                            ends.set(last_day(s, days.get_untracked()).to_string());
                        }
                        starts.set(value);
                    }
                    required
                />
                <FieldError error=error field="starts_on" />
            </label>
            <label>
                <span>{tr("公示结束日期", "Last day")}</span>
                <input
                    type="date"
                    id="notice-ends"
                    prop:value=move || ends.get()
                    on:input=move |ev| {
                        ends_touched.set(true);
                        ends.set(event_target_value(&ev));
                    }
                    required
                />
                <FieldError error=error field="ends_on" />
            </label>
            <button type="submit" id="notice-publish" disabled=move || busy.get() || selected.with(BTreeSet::is_empty)>
                {tr("发布公示", "Publish the notice")}
            </button>
            <ErrorLine error=error />
            {move || {
                published.get().map(|n| {
                    let l = lang.get();
                    view! {
                        <p class="ok" id="notice-published">
                            {match l {
                                Lang::Zh => format!(
                                    "已发布公示 #{}:{} 个项目,{} 至 {}。",
                                    n.id,
                                    n.project_ids.len(),
                                    date(n.starts_on, l),
                                    date(n.ends_on, l)
                                ),
                                Lang::En => format!(
                                    "Notice #{} published: {} project(s), {} to {}.",
                                    n.id,
                                    n.project_ids.len(),
                                    date(n.starts_on, l),
                                    date(n.ends_on, l)
                                ),
                            }}
                        </p>
                    }
                })
            }}
        </form>
    }
}

/// The notices, newest first (the server answers at most 200, unpaged), each with its projects and
/// objections; the city records objections and closes a notice (`manage`).
#[component]
pub fn NoticeList(manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let notices = LocalResource::new(move || {
        reload.track();
        let token = session.token();
        async move { api::get::<Vec<NoticeView>>(&token, "/notices").await }
    });
    // The names of the projects now in notice (those of an open notice), for the lists below.
    let names = LocalResource::new(move || {
        reload.track();
        let query = Query::new().set("status", ProjectState::InNotice.code()).set("per_page", 100);
        let token = session.token();
        async move {
            api::get::<PageOf<ProjectView>>(&token, &format!("/projects{}", query.string()))
                .await
                .map(|p| p.items.into_iter().map(|p| (p.id, (p.enterprise_name, p.status))).collect::<HashMap<_, _>>())
                .unwrap_or_default()
        }
    });
    let list = move || {
        notices.get().map(|answer| match answer {
            Ok(list) if list.is_empty() => {
                let (zh, en) = if manage {
                    (
                        "尚未发布公示。在上方勾选综合评审通过的项目并设定公示期后发布。",
                        "No notice yet. Choose approved projects above and publish a notice.",
                    )
                } else {
                    ("本县区的项目尚未进入公示。", "No project of the county has been in a notice yet.")
                };
                view! { <Empty text=Signal::derive(move || pick(lang.get(), zh, en).to_string()) /> }.into_any()
            }
            Ok(list) => {
                let names = names.get().unwrap_or_default();
                list.into_iter()
                    .map(|n| view! { <NoticeItem notice=n names=names.clone() manage=manage reload=reload /> })
                    .collect_view()
                    .into_any()
            }
            Err(e) => view! { <p class="error">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <div class="filters">
            <ExportButton path="/exports/notices".to_string() filename="公示清单.xlsx" id="notices-export" />
        </div>
        <div id="notices">
            <Transition fallback=move || view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }>
                {list}
            </Transition>
        </div>
    }
}

#[component]
fn NoticeItem(
    notice: NoticeView,
    names: HashMap<i64, (String, ProjectState)>,
    manage: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let lang = lang();
    let nid = notice.id;
    let open = notice.status == "open";
    let ended = today_cst() >= notice.ends_on;
    let (starts_on, ends_on) = (notice.starts_on, notice.ends_on);
    let upheld = RwSignal::new(BTreeSet::<i64>::new());
    let objected: BTreeSet<i64> = notice.objections.iter().map(|o| o.project_id).collect();
    let rows = notice
        .project_ids
        .iter()
        .map(|&pid| {
            let (name, state) = match names.get(&pid) {
                Some((n, s)) => (Some(n.clone()), Some(*s)),
                None => (None, None),
            };
            let objections: Vec<ObjectionView> =
                notice.objections.iter().filter(|o| o.project_id == pid).cloned().collect();
            let result = (!open).then(|| notice.upheld_project_ids.contains(&pid));
            let check = (manage && open && objected.contains(&pid)).then(|| {
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            id=format!("upheld-{nid}-{pid}")
                            prop:checked=move || upheld.with(|s| s.contains(&pid))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                upheld.update(|s| {
                                    if on {
                                        s.insert(pid);
                                    } else {
                                        s.remove(&pid);
                                    }
                                });
                            }
                        />
                        <span>{tr("异议成立", "Upheld")}</span>
                    </label>
                }
            });
            view! {
                <tr data-project=pid>
                    <td>
                        <ProjectLink id=pid name=name />
                        " "
                        {state.map(|s| view! { <StateBadge state=s /> })}
                    </td>
                    <td>
                        {if objections.is_empty() {
                            view! { <span class="muted">{tr("无异议", "None")}</span> }.into_any()
                        } else {
                            view! {
                                <ul class="objections">
                                    {objections
                                        .into_iter()
                                        .map(|o| {
                                            view! {
                                                <li>
                                                    <span class="muted">{move || date(o.received_on, lang.get())}</span>
                                                    " " {o.content.clone()}
                                                    {o.upheld.map(|u| {
                                                        if u {
                                                            view! { <span class="badge flag">{tr("成立", "upheld")}</span> }.into_any()
                                                        } else {
                                                            view! { <span class="badge">{tr("不成立", "not upheld")}</span> }.into_any()
                                                        }
                                                    })}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </td>
                    <td>
                        {check}
                        {result.map(|u| {
                            if u {
                                view! { <span class="badge flag">{tr("异议成立,不予支持", "Objection upheld: rejected")}</span> }.into_any()
                            } else {
                                view! { <span class="badge">{tr("公示无异议", "Cleared")}</span> }.into_any()
                            }
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let actions = (manage && open).then(|| {
        view! {
            <ObjectionForm nid=nid projects=notice.project_ids.clone() reload=reload />
            <CloseForm nid=nid ends_on=ends_on ended=ended upheld=upheld reload=reload />
        }
    });
    view! {
        <div class="notice-item" id=format!("notice-{nid}") data-status=notice.status.clone()>
            <h3>
                {format!("#{nid} ")}
                {move || {
                    let l = lang.get();
                    match l {
                        Lang::Zh => format!("公示期 {} 至 {}", date(starts_on, l), date(ends_on, l)),
                        Lang::En => format!("Notice period {} to {}", date(starts_on, l), date(ends_on, l)),
                    }
                }}
                " "
                {if open {
                    view! { <span class="badge state-in_notice">{tr("公示中", "Open")}</span> }.into_any()
                } else {
                    view! { <span class="badge state-settled">{tr("已办结", "Closed")}</span> }.into_any()
                }}
            </h3>
            <table class="list" id=format!("notice-{nid}-projects")>
                <thead>
                    <tr>
                        <th>{tr("项目", "Project")}</th>
                        <th>{tr("异议", "Objections")}</th>
                        <th>{tr("结果", "Outcome")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {actions}
        </div>
    }
}

/// Record an objection received while the notice is open.
#[component]
fn ObjectionForm(nid: i64, projects: Vec<i64>, reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let project = RwSignal::new(projects.first().map(i64::to_string).unwrap_or_default());
    let content = RwSignal::new(String::new());
    let received = RwSignal::new(today_cst().to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let project_id = project.get_untracked().parse::<i64>().map(serde_json::Value::from);
        let body = serde_json::json!({
            "project_id": project_id.unwrap_or_else(|_| project.get_untracked().into()),
            "content": content.get_untracked(),
            "received_on": received.get_untracked(),
        });
        busy.set(true);
        error.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::post::<_, NoticeView>(&token, &format!("/notices/{nid}/objections"), &body).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="objection" id=format!("objection-{nid}")>
            <summary>{tr("登记异议", "Record an objection")}</summary>
            <form class="inline-form" id=format!("objection-form-{nid}") on:submit=save>
                <label>
                    <span>{tr("项目", "Project")}</span>
                    <select id=format!("objection-project-{nid}") bind:value=project>
                        {projects
                            .into_iter()
                            .map(|pid| view! { <option value=pid.to_string()>{format!("#{pid}")}</option> })
                            .collect_view()}
                    </select>
                    <FieldError error=error field="project_id" />
                </label>
                <label class="wide">
                    <span>{tr("异议内容", "Objection")}</span>
                    <textarea
                        id=format!("objection-content-{nid}")
                        rows="3"
                        bind:value=content
                        placeholder=move || pick(lang.get(), "异议人反映的问题", "What the objection says")
                    ></textarea>
                    <FieldError error=error field="content" />
                </label>
                <label>
                    <span>{tr("收到日期", "Received on")}</span>
                    <input type="date" id=format!("objection-date-{nid}") bind:value=received required />
                    <FieldError error=error field="received_on" />
                </label>
                <button type="submit" id=format!("objection-save-{nid}") disabled=move || busy.get()>
                    {tr("登记异议", "Record the objection")}
                </button>
                <ErrorLine error=error />
            </form>
        </details>
    }
}

/// Close the notice with the projects whose objection is upheld (ticked above).
#[component]
fn CloseForm(
    nid: i64,
    ends_on: NaiveDate,
    ended: bool,
    upheld: RwSignal<BTreeSet<i64>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let close = move |_| {
        if busy.get_untracked() {
            return;
        }
        let body = CloseNoticeRequest { upheld_project_ids: upheld.get_untracked().into_iter().collect() };
        busy.set(true);
        error.set(None);
        let token = session.token();
        spawn_local(async move {
            match api::post::<_, NoticeView>(&token, &format!("/notices/{nid}/close"), &body).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="actions" id=format!("close-form-{nid}")>
            <p class="muted">
                {move || {
                    let l = lang.get();
                    match (ended, l) {
                        (true, Lang::Zh) => "公示期已满:勾选异议成立的项目(如有)后办结;其余项目公示无异议,生成预拨付指令。".to_string(),
                        (true, Lang::En) => "The period has ended: tick the projects whose objection is upheld, then close; the others clear and their prepayments are created.".to_string(),
                        (false, Lang::Zh) => format!("公示期至 {} 结束,之后方可办结。", date(ends_on, l)),
                        (false, Lang::En) => format!("The notice ends on {}; it can be closed from then on.", date(ends_on, l)),
                    }
                }}
            </p>
            <button type="button" class="primary" id=format!("close-{nid}") on:click=close disabled=move || busy.get()>
                {tr("办结公示", "Close the notice")}
            </button>
            <FieldError error=error field="upheld_project_ids" />
            <ErrorLine error=error />
        </div>
    }
}
