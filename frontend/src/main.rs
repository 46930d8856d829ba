//! dtpilot-frontend: the single-page application (Leptos CSR, compiled to wasm32).
//!
//! This crate is the shell the role dashboards are built in (issue 4); it will share its wire
//! types with the server through `dtpilot-api-types`.

mod app;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
