//! The platform administrator (平台管理员): the accounts (list, filters, creation scoped by role)
//! and the audit log (the hash chain checked, the latest events).

use dtpilot_api_types::audit::{AuditPage, AuditVerification};
use dtpilot_api_types::auth::{CreateUserRequest, SetPasswordRequest, UpdateUserRequest, UserView};
use dtpilot_api_types::programme::Page as PageOf;
use dtpilot_domain::accounts::ScopeField;
use dtpilot_domain::reference::County;
use dtpilot_domain::state::Role;
use leptos::prelude::*;

use crate::api::{self, ApiError, Query};
use crate::components::form::{Checks, act, conflict_beside};
use crate::components::pager::{PER_PAGE, Pager};
use crate::components::widgets::{Empty, ErrorLine, FieldError};
use crate::format::datetime;
use crate::i18n::{Lang, county_name, lang, pick, role_name, tr};
use crate::pages::dashboard::Tabs;
use crate::session::SessionCtx;

#[component]
pub fn AdminDashboard() -> impl IntoView {
    let tab = RwSignal::new(0_usize);
    view! {
        <section class="card" id="dashboard-admin">
            <h1>{tr("平台管理", "Administration")}</h1>
            <Tabs
                current=tab
                labels=vec![("tab-users", "账号管理", "Accounts"), ("tab-audit", "审计日志", "Audit log")]
            />
            {move || match tab.get() {
                0 => view! { <UsersPanel /> }.into_any(),
                _ => view! { <AuditPanel /> }.into_any(),
            }}
        </section>
    }
}

fn loading() -> impl IntoView {
    view! { <p class="muted">{tr("加载中…", "Loading…")}</p> }
}

// ---------------------------------------------------------------------------------------------
// Accounts

#[component]
fn UsersPanel() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let reload = RwSignal::new(0_u32);
    let role = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    // Row actions: deactivate/reactivate, a one-time password, a new role.
    let busy = RwSignal::new(false);
    let action_error = RwSignal::new(None::<ApiError>);
    let issued = RwSignal::new(None::<(String, String)>);
    let change = move |id: i64, body: UpdateUserRequest| {
        issued.set(None);
        let token = session.token();
        act(
            busy,
            action_error,
            reload,
            async move { api::patch::<_, UserView>(&token, &format!("/users/{id}"), &body).await },
            |_| {},
        );
    };
    let reset = move |id: i64, username: String| {
        issued.set(None);
        let Some(password) = one_time_password() else {
            action_error.set(Some(ApiError::Network("crypto.getRandomValues".into())));
            return;
        };
        let token = session.token();
        let body = SetPasswordRequest { password: password.clone() };
        act(
            busy,
            action_error,
            reload,
            async move { api::post_no_content(&token, &format!("/users/{id}/password"), &body).await },
            move |()| issued.set(Some((username, password))),
        );
    };
    let data = LocalResource::new(move || {
        reload.track();
        let query =
            Query::new().set("role", role.get()).set("q", q.get()).set("page", page.get()).set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<PageOf<UserView>>(&token, &format!("/users{}", query.string())).await }
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
                        "没有符合条件的账号。可用下方表单新建账号。",
                        "No account matches. Create one with the form below.",
                    )
                    .to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="user-list">
                        <thead>
                            <tr>
                                <th>{pick(l, "编号", "No.")}</th>
                                <th>{pick(l, "用户名", "Username")}</th>
                                <th>{pick(l, "姓名/名称", "Display name")}</th>
                                <th>{pick(l, "角色", "Role")}</th>
                                <th>{pick(l, "范围", "Scope")}</th>
                                <th>{pick(l, "状态", "Status")}</th>
                                <th>{pick(l, "操作", "Actions")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|u| {
                                    let scope = scope_text(&u, l);
                                    let (id, active, current_role, name) = (u.id, u.active, u.role, u.username.clone());
                                    view! {
                                        <tr data-user=u.id data-role=u.role.code()>
                                            <td>{u.id}</td>
                                            <td>{u.username}</td>
                                            <td>{u.display_name}</td>
                                            <td>{role_name(u.role, l)}</td>
                                            <td>{scope}</td>
                                            <td>
                                                {if u.active {
                                                    view! { <span class="badge">{pick(l, "正常", "active")}</span> }.into_any()
                                                } else {
                                                    view! { <span class="badge flag">{pick(l, "已停用", "inactive")}</span> }.into_any()
                                                }}
                                            </td>
                                            <td class="row-actions">
                                                <button
                                                    type="button"
                                                    class="user-toggle"
                                                    disabled=move || busy.get()
                                                    on:click=move |_| {
                                                        change(id, UpdateUserRequest { active: Some(!active), ..Default::default() })
                                                    }
                                                >
                                                    {if active { pick(l, "停用", "Deactivate") } else { pick(l, "启用", "Reactivate") }}
                                                </button>
                                                <button
                                                    type="button"
                                                    class="user-reset"
                                                    disabled=move || busy.get()
                                                    on:click=move |_| reset(id, name.clone())
                                                >
                                                    {pick(l, "重置密码", "Reset password")}
                                                </button>
                                                <select
                                                    class="user-role"
                                                    disabled=move || busy.get()
                                                    on:change=move |ev| {
                                                        if let Some(r) = Role::from_code(&event_target_value(&ev)).filter(|r| *r != current_role) {
                                                            change(id, UpdateUserRequest { role: Some(r), ..Default::default() });
                                                        }
                                                    }
                                                >
                                                    {Role::ALL
                                                        .iter()
                                                        .map(|r| {
                                                            let r = *r;
                                                            view! {
                                                                <option value=r.code() selected=r == current_role>
                                                                    {role_name(r, l)}
                                                                </option>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </select>
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
        <div id="users">
            <h2>{tr("账号", "Accounts")}</h2>
            <div class="filters">
                <select
                    id="users-role"
                    on:change=move |ev| {
                        role.set(event_target_value(&ev));
                        page.set(1);
                    }
                >
                    <option value="">{tr("全部角色", "All roles")}</option>
                    {Role::ALL
                        .iter()
                        .map(|r| {
                            let r = *r;
                            view! { <option value=r.code()>{move || role_name(r, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <input
                    type="search"
                    id="users-q"
                    placeholder=move || pick(lang.get(), "用户名或姓名", "Username or name")
                    on:change=move |ev| {
                        q.set(event_target_value(&ev));
                        page.set(1);
                    }
                />
            </div>
            <Transition fallback=loading>{rows}</Transition>
            <ErrorLine error=action_error />
            {move || {
                issued
                    .get()
                    .map(|(username, password)| {
                        view! {
                            <p class="notice" id="user-one-time-password">
                                {match lang.get() {
                                    Lang::Zh => format!("{username} 的一次性密码(只显示这一次,请转交本人;首次登录须修改):"),
                                    Lang::En => format!("One-time password of {username} (shown only now; hand it over; it must be changed at the first sign-in): "),
                                }}
                                <code>{password}</code>
                            </p>
                        }
                    })
            }}
            <Pager page=page total=total id="users-pager" />
            <UserForm reload=reload />
        </div>
    }
}

/// A one-time password of 14 characters (three groups of letters and digits without look-alikes)
/// from the browser's cryptographic random source; `None` when there is none.
fn one_time_password() -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut out = String::new();
    while out.len() < 14 {
        let mut buf = [0u8; 32];
        crypto.get_random_values_with_u8_array(&mut buf).ok()?;
        // Bytes below a multiple of the alphabet's length: no bias.
        let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
        for b in buf.into_iter().filter(|b| *b < limit) {
            if out.len() == 4 || out.len() == 9 {
                out.push('-');
            }
            if out.len() < 14 {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Some(out)
}

/// What an account is scoped to: its county, enterprise or provider (or the whole city).
fn scope_text(u: &UserView, l: Lang) -> String {
    if let Some(c) = u.county {
        return county_name(c, l).to_string();
    }
    if let Some(e) = u.enterprise_id {
        return format!("{} #{e}", pick(l, "企业", "enterprise"));
    }
    if let Some(p) = u.provider_id {
        return format!("{} #{p}", pick(l, "服务商", "provider"));
    }
    pick(l, "全市", "city-wide").to_string()
}

/// `POST /users`: the scope field the chosen role requires is offered; the server checks it all.
#[component]
fn UserForm(reload: RwSignal<u32>) -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<UserView>);
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Enterprise.code().to_string());
    let display_name = RwSignal::new(String::new());
    let county = RwSignal::new(String::new());
    let enterprise = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let scope = move || Role::from_code(&role.get()).and_then(ScopeField::required_for);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(None);
        let l = lang.get_untracked();
        let Some(chosen) = Role::from_code(&role.get_untracked()) else { return };
        let required = ScopeField::required_for(chosen);
        // Only the scope field of the role is sent (empty: absent); the server decides the rest.
        let mut checks = Checks::default();
        let county_value =
            (required == Some(ScopeField::County)).then(|| County::from_code(&county.get_untracked())).flatten();
        let enterprise_id = (required == Some(ScopeField::EnterpriseId))
            .then(|| checks.number::<i64>("enterprise_id", &enterprise.get_untracked(), l))
            .flatten();
        let provider_id = (required == Some(ScopeField::ProviderId))
            .then(|| checks.number::<i64>("provider_id", &provider.get_untracked(), l))
            .flatten();
        if let Some(e) = checks.finish(l) {
            error.set(Some(e));
            return;
        }
        let body = CreateUserRequest {
            username: username.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            role: chosen,
            display_name: display_name.get_untracked().trim().to_string(),
            county: county_value,
            enterprise_id,
            provider_id,
        };
        let taken = pick(l, "用户名已被使用", "This username is taken");
        let token = session.token();
        act(
            busy,
            error,
            reload,
            async move {
                api::post::<_, UserView>(&token, "/users", &body)
                    .await
                    .map_err(|e| conflict_beside(e, "duplicate_username", "username", taken))
            },
            move |user| {
                for s in [username, password, display_name, enterprise, provider] {
                    s.set(String::new());
                }
                created.set(Some(user));
            },
        );
    };
    view! {
        <form class="actions inline-form" id="user-form" on:submit=submit>
            <h3>{tr("新建账号", "New account")}</h3>
            <label>
                <span>{tr("用户名", "Username")}</span>
                <input id="uf-username" bind:value=username autocomplete="off" required />
                <FieldError error=error field="username" />
            </label>
            <label>
                <span>{tr("初始密码", "Initial password")}</span>
                <input id="uf-password" type="password" bind:value=password autocomplete="new-password" required />
                <FieldError error=error field="password" />
            </label>
            <label>
                <span>{tr("角色", "Role")}</span>
                <select id="uf-role" bind:value=role>
                    {Role::ALL
                        .iter()
                        .map(|r| {
                            let r = *r;
                            view! { <option value=r.code()>{move || role_name(r, lang.get())}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError error=error field="role" />
            </label>
            <label>
                <span>{tr("姓名/名称", "Display name")}</span>
                <input id="uf-display-name" bind:value=display_name />
                <FieldError error=error field="display_name" />
            </label>
            <Show when=move || scope() == Some(ScopeField::County)>
                <label>
                    <span>{tr("所属县区", "County")}</span>
                    <select id="uf-county" bind:value=county>
                        <option value="">{tr("— 请选择 —", "— choose —")}</option>
                        {County::ALL
                            .iter()
                            .map(|c| {
                                let c = *c;
                                view! { <option value=c.code()>{move || county_name(c, lang.get())}</option> }
                            })
                            .collect_view()}
                    </select>
                    <FieldError error=error field="county" />
                </label>
            </Show>
            <Show when=move || scope() == Some(ScopeField::EnterpriseId)>
                <label>
                    <span>{tr("企业编号", "Enterprise id")}</span>
                    <input id="uf-enterprise" inputmode="numeric" bind:value=enterprise />
                    <FieldError error=error field="enterprise_id" />
                </label>
            </Show>
            <Show when=move || scope() == Some(ScopeField::ProviderId)>
                <label>
                    <span>{tr("服务商编号", "Provider id")}</span>
                    <input id="uf-provider" inputmode="numeric" bind:value=provider />
                    <FieldError error=error field="provider_id" />
                </label>
            </Show>
            // A scope error on a field the role does not show (the server names it).
            {move || {
                let shown = scope().map(ScopeField::field);
                ["county", "enterprise_id", "provider_id"]
                    .into_iter()
                    .filter(|f| Some(*f) != shown)
                    .map(|f| view! { <FieldError error=error field=f /> })
                    .collect_view()
            }}
            <button type="submit" id="uf-submit" disabled=move || busy.get()>{tr("新建账号", "Create the account")}</button>
            <ErrorLine error=error />
            {move || {
                created
                    .get()
                    .map(|u| {
                        let text = match lang.get() {
                            Lang::Zh => format!("已创建账号 {}({})。", u.username, role_name(u.role, Lang::Zh)),
                            Lang::En => format!("Account {} ({}) created.", u.username, role_name(u.role, Lang::En)),
                        };
                        view! { <p class="notice" id="uf-created">{text}</p> }
                    })
            }}
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// Audit log

#[component]
fn AuditPanel() -> impl IntoView {
    view! {
        <AuditVerify />
        <AuditEvents />
    }
}

/// `GET /audit/verify`: the hash chain recomputed, on opening and on demand.
#[component]
fn AuditVerify() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let again = RwSignal::new(0_u32);
    let result = LocalResource::new(move || {
        again.track();
        let token = session.token();
        async move { api::get::<AuditVerification>(&token, "/audit/verify").await }
    });
    let busy = Signal::derive(move || result.get().is_none());
    let outcome = move || {
        result.get().map(|answer| match answer {
            Ok(v) => {
                let l = lang.get();
                let text = match (v.ok, l) {
                    (true, Lang::Zh) => format!("审计日志完整:共 {} 条事件,哈希链校验通过。", v.events),
                    (true, Lang::En) => format!("The audit log is intact: {} events, the hash chain checks.", v.events),
                    (false, Lang::Zh) => format!(
                        "审计日志校验失败:共 {} 条事件,第 {} 条起链条断裂。{}",
                        v.events,
                        v.first_bad_seq.map(|s| s.to_string()).unwrap_or_else(|| "?".into()),
                        v.problem.clone().unwrap_or_default()
                    ),
                    (false, Lang::En) => format!(
                        "The audit log FAILS the check: {} events, broken from event {}. {}",
                        v.events,
                        v.first_bad_seq.map(|s| s.to_string()).unwrap_or_else(|| "?".into()),
                        v.problem.clone().unwrap_or_default()
                    ),
                };
                let last = v.last_hash.clone().map(|h| {
                    view! {
                        <p class="muted">
                            {pick(l, "最新事件哈希(请另行留存,用于发现末尾事件被删除):", "Newest event hash (keep it elsewhere to detect removal of the newest events): ")}
                            <code id="audit-last-hash">{h}</code>
                        </p>
                    }
                });
                view! {
                    <p class=if v.ok { "notice" } else { "error" } id="audit-verify-result" data-ok=v.ok.to_string()>
                        {text}
                    </p>
                    {last}
                }
                .into_any()
            }
            Err(e) => view! { <p class="error" id="audit-verify-result">{e.message()}</p> }.into_any(),
        })
    };
    view! {
        <div id="audit">
            <h2>{tr("审计日志校验", "Audit log check")}</h2>
            <p class="muted">
                {tr(
                    "每条操作记录都与前一条以哈希相连;校验会重新计算整条链,发现任何被修改或删除的记录。",
                    "Every event is chained to the previous one by its hash; the check recomputes the chain and finds any changed or missing event.",
                )}
            </p>
            <button
                type="button"
                class="secondary"
                id="audit-verify"
                disabled=move || busy.get()
                on:click=move |_| again.update(|n| *n += 1)
            >
                {move || if busy.get() { pick(lang.get(), "正在校验…", "Checking…") } else { pick(lang.get(), "重新校验", "Check again") }}
            </button>
            <Transition fallback=loading>{outcome}</Transition>
        </div>
    }
}

/// `GET /audit`: the latest events, newest first, paged.
#[component]
fn AuditEvents() -> impl IntoView {
    let session = SessionCtx::get();
    let lang = lang();
    let action = RwSignal::new(String::new());
    let entity_type = RwSignal::new(String::new());
    let page = RwSignal::new(1_i64);
    let total = RwSignal::new(0_i64);
    let data = LocalResource::new(move || {
        let query = Query::new()
            .set("action", action.get())
            .set("entity_type", entity_type.get())
            .set("page", page.get())
            .set("per_page", PER_PAGE);
        let token = session.token();
        async move { api::get::<AuditPage>(&token, &format!("/audit{}", query.string())).await }
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
                    pick(lang.get(), "没有符合条件的审计事件。", "No audit event matches.").to_string()
                }) />
            }
            .into_any(),
            Ok(p) => {
                let l = lang.get();
                view! {
                    <table class="list" id="audit-events">
                        <thead>
                            <tr>
                                <th>{pick(l, "序号", "Seq")}</th>
                                <th>{pick(l, "时间", "Time")}</th>
                                <th>{pick(l, "操作人", "By")}</th>
                                <th>{pick(l, "事项", "Action")}</th>
                                <th>{pick(l, "对象", "Object")}</th>
                                <th>{pick(l, "哈希", "Hash")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {p
                                .items
                                .into_iter()
                                .map(|e| {
                                    let at = chrono::NaiveDateTime::parse_from_str(&e.at, "%Y-%m-%dT%H:%M:%S%.fZ")
                                        .map(|t| datetime(t, l))
                                        .unwrap_or_else(|_| e.at.clone());
                                    let by = match (e.actor_role.as_deref().and_then(Role::from_code), e.actor_user_id) {
                                        (Some(r), Some(id)) => format!("{} #{id}", role_name(r, l)),
                                        (None, Some(id)) => format!("#{id}"),
                                        _ => pick(l, "平台", "platform").to_string(),
                                    };
                                    let short: String = e.hash.chars().take(12).collect();
                                    view! {
                                        <tr data-seq=e.seq>
                                            <td>{e.seq}</td>
                                            <td>{at}</td>
                                            <td>{by}</td>
                                            <td><code>{e.action}</code></td>
                                            <td>{format!("{} #{}", e.entity_type, e.entity_id)}</td>
                                            <td><code title=e.hash>{short}</code></td>
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
        <h2>{tr("最新审计事件", "Latest audit events")}</h2>
        <div class="filters">
            <input
                type="search"
                id="audit-action"
                placeholder=move || pick(lang.get(), "事项,如 user.create", "Action, e.g. user.create")
                on:change=move |ev| {
                    action.set(event_target_value(&ev));
                    page.set(1);
                }
            />
            <input
                type="search"
                id="audit-entity-type"
                placeholder=move || pick(lang.get(), "对象类型,如 project", "Object type, e.g. project")
                on:change=move |ev| {
                    entity_type.set(event_target_value(&ev));
                    page.set(1);
                }
            />
        </div>
        <Transition fallback=loading>{rows}</Transition>
        <Pager page=page total=total id="audit-pager" />
    }
}
