//! dtpilot-frontend: the single-page application (Leptos CSR, compiled to wasm32).
//!
//! Pages: sign-in, "my account" (`GET /me`) and the public subsidy calculator
//! (`POST /subsidy/quote`). Chinese by default, English on a switch ([`i18n`]). The wire types come
//! from `dtpilot-api-types`; [`api`] is the typed client. Built into `frontend/dist/` by
//! `cargo run -p xtask -- frontend`; the server serves that directory.

mod api;
mod app;
mod components;
mod format;
mod i18n;
mod pages;
mod session;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
