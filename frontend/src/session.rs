//! The signed-in session: tokens in memory and in `sessionStorage` (this tab only), a silent
//! refresh a minute before the access token expires, and sign-out.

use std::time::Duration;

use dtpilot_api_types::auth::{TokenResponse, UserView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::api;

const STORAGE_KEY: &str = "dtpilot.session";

/// What is kept between page loads of the tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub tokens: Tokens,
    pub user: UserView,
    /// Signed in with a one-time password: nothing but changing it until it is changed.
    pub must_change_password: bool,
}

/// The session signal of the application (provided by the root).
#[derive(Clone, Copy)]
pub struct SessionCtx {
    pub session: RwSignal<Option<Session>>,
    /// Incremented on every new session, so an old refresh timer knows it is stale.
    generation: RwSignal<u64>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn stored_tokens() -> Option<Tokens> {
    let text = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn store_tokens(tokens: Option<&Tokens>) {
    if let Some(s) = storage() {
        let _ = match tokens.and_then(|t| serde_json::to_string(t).ok()) {
            Some(text) => s.set_item(STORAGE_KEY, &text),
            None => s.remove_item(STORAGE_KEY),
        };
    }
}

impl SessionCtx {
    pub fn new() -> SessionCtx {
        SessionCtx { session: RwSignal::new(None), generation: RwSignal::new(0) }
    }

    pub fn get() -> SessionCtx {
        expect_context::<SessionCtx>()
    }

    /// A session of an earlier page load of this tab: refresh it (which checks it is alive).
    pub fn resume(self, on_done: impl FnOnce(bool) + 'static) {
        let Some(tokens) = stored_tokens() else {
            on_done(false);
            return;
        };
        spawn_local(async move {
            match api::refresh(tokens.refresh_token).await {
                Ok(answer) => {
                    self.start(answer);
                    on_done(true);
                }
                Err(_) => {
                    store_tokens(None);
                    on_done(false);
                }
            }
        });
    }

    /// A login or refresh answer: keep it and plan the next refresh.
    pub fn start(self, answer: TokenResponse) {
        let tokens = Tokens { access_token: answer.access_token, refresh_token: answer.refresh_token };
        store_tokens(Some(&tokens));
        self.session.set(Some(Session {
            tokens,
            user: answer.user,
            must_change_password: answer.must_change_password,
        }));
        self.generation.update(|g| *g += 1);
        let generation = self.generation.get_untracked();
        // A minute before expiry (at least 5 s from now).
        let delay = Duration::from_secs(answer.expires_in.saturating_sub(60).max(5));
        set_timeout(
            move || {
                if self.generation.get_untracked() != generation {
                    return;
                }
                let Some(current) = self.session.get_untracked() else { return };
                spawn_local(async move {
                    match api::refresh(current.tokens.refresh_token).await {
                        Ok(answer) if self.generation.get_untracked() == generation => self.start(answer),
                        Ok(_) => {}
                        Err(_) => self.clear(),
                    }
                });
            },
            delay,
        );
    }

    /// The current access token ("" when signed out: the server then answers 401).
    pub fn token(self) -> String {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.tokens.access_token.clone()).unwrap_or_default())
    }

    /// The signed-in user, if any (untracked).
    pub fn user(self) -> Option<UserView> {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.user.clone()))
    }

    /// The one-time password was changed: the application opens.
    pub fn password_changed(self) {
        self.session.update(|s| {
            if let Some(s) = s {
                s.must_change_password = false;
            }
        });
    }

    pub fn clear(self) {
        store_tokens(None);
        self.generation.update(|g| *g += 1);
        self.session.set(None);
    }

    /// Sign out on the server (best effort), then forget the tokens.
    pub async fn logout(self) {
        if let Some(current) = self.session.get_untracked() {
            let _ = api::logout(&current.tokens.access_token, current.tokens.refresh_token).await;
        }
        self.clear();
    }
}
