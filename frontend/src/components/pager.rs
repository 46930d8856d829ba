//! Paging of a server-side list: `共 123 条 · 第 2/7 页` with previous/next.

use leptos::prelude::*;

use crate::i18n::{Lang, lang};

/// How many rows a list page asks for.
pub const PER_PAGE: i64 = 20;

/// The number of pages of `total` rows (at least 1).
pub fn pages(total: i64, per_page: i64) -> i64 {
    if per_page <= 0 { 1 } else { ((total + per_page - 1) / per_page).max(1) }
}

#[component]
pub fn Pager(
    /// The page shown, from 1 (the list reloads when it changes).
    page: RwSignal<i64>,
    /// The number of rows the server counts for the filters.
    #[prop(into)]
    total: Signal<i64>,
    #[prop(default = PER_PAGE)] per_page: i64,
    /// An id prefix for tests (`{id}-next`, `{id}-prev`).
    #[prop(into, default = "pager".to_string())]
    id: String,
) -> impl IntoView {
    let lang = lang();
    let last = move || pages(total.get(), per_page);
    view! {
        <div class="pager" id=id.clone()>
            <button
                type="button"
                id=format!("{id}-prev")
                disabled=move || { page.get() <= 1 }
                on:click=move |_| page.update(|p| *p = (*p - 1).max(1))
            >
                {move || if lang.get() == Lang::Zh { "上一页" } else { "Previous" }}
            </button>
            <span class="muted">
                {move || match lang.get() {
                    Lang::Zh => format!("共 {} 条 · 第 {}/{} 页", total.get(), page.get(), last()),
                    Lang::En => format!("{} rows · page {} of {}", total.get(), page.get(), last()),
                }}
            </span>
            <button
                type="button"
                id=format!("{id}-next")
                disabled=move || { page.get() >= last() }
                on:click=move |_| page.update(|p| *p += 1)
            >
                {move || if lang.get() == Lang::Zh { "下一页" } else { "Next" }}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::pages;

    #[test]
    fn counts_pages() {
        assert_eq!(pages(0, 20), 1);
        assert_eq!(pages(20, 20), 1);
        assert_eq!(pages(21, 20), 2);
        assert_eq!(pages(100_000, 20), 5_000);
    }
}
