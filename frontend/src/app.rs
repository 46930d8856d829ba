//! The application root: language, session, the header and a small path router
//! (`/` the role's dashboard, `/projects/{id}`, `/login`, `/account`, `/calculator`; the server
//! answers every such path with index.html).

use leptos::lazy;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{K, Lang, lang, role_name, t};
use crate::pages::account::{AccountPage, ForcedPasswordChange};
use crate::pages::dashboard::{DashboardPage, loading};
use crate::pages::{calculator::CalculatorPage, login::LoginPage, project::ProjectPage};
use crate::session::SessionCtx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Login,
    /// The signed-in user's dashboard (one per role).
    Dashboard,
    Account,
    Calculator,
    /// One project: its timeline, figures and the caller's actions on it.
    Project(i64),
}

impl Page {
    pub fn path(self) -> String {
        match self {
            Page::Login => "/login".into(),
            Page::Dashboard => "/".into(),
            Page::Account => "/account".into(),
            Page::Calculator => "/calculator".into(),
            Page::Project(id) => format!("/projects/{id}"),
        }
    }

    fn from_path(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if let Some(id) = path.strip_prefix("/projects/").and_then(|id| id.parse().ok()) {
            return Page::Project(id);
        }
        match path {
            "/calculator" => Page::Calculator,
            "/account" => Page::Account,
            "" => Page::Dashboard,
            _ => Page::Login,
        }
    }
}

fn current_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

/// The router: the page signal and a way to move (pushes the browser history).
#[derive(Clone, Copy)]
pub struct Router(RwSignal<Page>);

impl Router {
    pub fn get() -> Router {
        expect_context::<Router>()
    }

    pub fn go(self, page: Page) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.push_state_with_url(&wasm_bindgen_null(), "", Some(&page.path()));
        }
        self.0.set(page);
    }
}

fn wasm_bindgen_null() -> leptos::wasm_bindgen::JsValue {
    leptos::wasm_bindgen::JsValue::NULL
}

#[component]
pub fn App() -> impl IntoView {
    let lang_signal = RwSignal::new(Lang::Zh);
    provide_context(lang_signal);
    let session = SessionCtx::new();
    provide_context(session);
    let router = Router(RwSignal::new(Page::from_path(&current_path())));
    provide_context(router);
    let _ = window_event_listener(leptos::ev::popstate, move |_| router.0.set(Page::from_path(&current_path())));

    // A tab that was signed in before a reload resumes its session first.
    let resumed = RwSignal::new(false);
    session.resume(move |_| resumed.set(true));

    Effect::new(move |_| {
        let zh = lang_signal.get() == Lang::Zh;
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = el.set_attribute("lang", if zh { "zh-CN" } else { "en" });
        }
    });

    let page = move || {
        let signed_in = session.session.with(Option::is_some);
        let must_change = session.session.with(|s| s.as_ref().is_some_and(|s| s.must_change_password));
        match router.0.get() {
            Page::Calculator => view! { <CalculatorPage /> }.into_any(),
            _ if !resumed.get() => view! { <p class="muted">{t(K::Loading)}</p> }.into_any(),
            // A one-time password: the server answers nothing else until it is changed.
            _ if must_change => view! { <ForcedPasswordChange /> }.into_any(),
            Page::Account if signed_in => view! { <AccountPage /> }.into_any(),
            Page::Project(id) if signed_in => view! { <LazyProjectPage id=id /> }.into_any(),
            _ if signed_in => {
                // `/` or `/login` while signed in: the role's dashboard.
                if router.0.get_untracked() != Page::Dashboard {
                    router.go(Page::Dashboard);
                }
                view! { <DashboardPage /> }.into_any()
            }
            _ => view! { <LoginPage /> }.into_any(),
        }
    };

    view! {
        <Header />
        <main>{page}</main>
    }
}

/// The project page, split into its own wasm module (fetched the first time a project is opened;
/// a loading line until then).
#[component]
fn LazyProjectPage(id: i64) -> impl IntoView {
    let module = LocalResource::new(project_page);
    move || match module.get() {
        Some(render) => render(id),
        None => loading().into_any(),
    }
}

#[lazy]
fn project_page() -> fn(i64) -> AnyView {
    |id| view! { <ProjectPage id=id /> }.into_any()
}

#[component]
fn Header() -> impl IntoView {
    let session = SessionCtx::get();
    let router = Router::get();
    let lang_signal = lang();
    let logout = move |_| {
        spawn_local(async move {
            session.logout().await;
            router.go(Page::Login);
        });
    };
    let user_box = move || {
        session.session.get().map(|s| {
            let role = s.user.role;
            view! {
                <span class="user" id="current-user">
                    <strong id="user-display-name">{s.user.display_name.clone()}</strong>
                    " · "
                    <span id="user-role">{move || role_name(role, lang_signal.get())}</span>
                </span>
                <button id="logout" type="button" on:click=logout>{t(K::Logout)}</button>
            }
        })
    };
    let nav_link = move |page: Page, key: K| {
        view! {
            <a
                href=page.path()
                id=format!("nav-{}", page.path().trim_matches('/').replace('/', "-"))
                class:active=move || router.0.get() == page
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    router.go(page);
                }
            >
                {t(key)}
            </a>
        }
    };
    view! {
        <header>
            <div class="brand">{t(K::Title)}</div>
            <nav>
                {move || session.session.with(Option::is_some).then(|| nav_link(Page::Dashboard, K::NavDashboard))}
                {nav_link(Page::Calculator, K::NavCalculator)}
                {move || {
                    if session.session.with(Option::is_some) {
                        nav_link(Page::Account, K::NavAccount)
                    } else {
                        nav_link(Page::Login, K::NavLogin)
                    }
                }}
            </nav>
            <div class="right">
                {user_box}
                <button
                    id="switch-lang"
                    type="button"
                    class="link"
                    on:click=move |_| lang_signal.update(|l| *l = if *l == Lang::Zh { Lang::En } else { Lang::Zh })
                >
                    {t(K::SwitchLang)}
                </button>
            </div>
        </header>
    }
}
