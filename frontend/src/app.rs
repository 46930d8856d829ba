//! The application root.

use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <main lang="zh-CN">
            <h1>"长治市中小企业数字化转型城市试点管理平台"</h1>
            <p lang="en">"Changzhi SME Digital-Transformation Pilot"</p>
        </main>
    }
}
