//! Charts as SVG (no JavaScript library): progress against a target, and a bar chart of counts.
//! Lengths are whole pixels computed from integers.

use leptos::prelude::*;

/// The width in pixels of `value` out of `max` on a bar `width` wide (0 when `max` is 0).
pub fn scaled(value: i64, max: i64, width: i64) -> i64 {
    if max <= 0 { 0 } else { (value.clamp(0, max) * width) / max }
}

/// Percent of `actual` over `target`, rounded down (may exceed 100).
pub fn percent(actual: i64, target: i64) -> i64 {
    if target <= 0 { 0 } else { actual.max(0) * 100 / target }
}

/// One row of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// The programme's target for this row, if it has one.
    pub target: Option<i64>,
}

const LABEL: i64 = 190;
const WIDTH: i64 = 360;
const ROW: i64 = 28;

/// Horizontal bars; a row with a target shows the target as a light bar behind, the percentage
/// reached, and a full bar in green once reached.
#[component]
pub fn BarChart(bars: Vec<Bar>, #[prop(default = "chart")] id: &'static str) -> impl IntoView {
    let max = bars.iter().map(|b| b.value.max(b.target.unwrap_or(0))).max().unwrap_or(0).max(1);
    let height = ROW * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let total_width = LABEL + WIDTH + 130;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = i64::try_from(i).unwrap_or(0) * ROW + 4;
            let value_w = scaled(bar.value, max, WIDTH);
            let reached = bar.target.is_some_and(|t| bar.value >= t);
            let caption = match bar.target {
                Some(t) => format!("{} / {} ({}%)", bar.value, t, percent(bar.value, t)),
                None => bar.value.to_string(),
            };
            let target_rect = bar.target.map(|t| {
                view! {
                    <rect x=LABEL y=y + 4 width=scaled(t, max, WIDTH) height=ROW - 10 class="target" rx="2"></rect>
                }
            });
            view! {
                <g class:reached=reached>
                    <text x=LABEL - 8 y=y + ROW / 2 + 5 text-anchor="end" class="label">{bar.label}</text>
                    {target_rect}
                    <rect x=LABEL y=y + 4 width=value_w height=ROW - 10 class="value" rx="2"></rect>
                    <text x=LABEL + value_w.max(scaled(bar.target.unwrap_or(0), max, WIDTH)) + 6 y=y + ROW / 2 + 5 class="caption">
                        {caption}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg
            class="chart"
            id=id
            role="img"
            viewBox=format!("0 0 {total_width} {height}")
            width=total_width
            height=height
            xmlns="http://www.w3.org/2000/svg"
        >
            {rows}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_percents_in_integers() {
        assert_eq!(scaled(50, 100, 360), 180);
        assert_eq!(scaled(150, 100, 360), 360);
        assert_eq!(scaled(-3, 100, 360), 0);
        assert_eq!(scaled(5, 0, 360), 0);
        assert_eq!(percent(191, 575), 33);
        assert_eq!(percent(600, 575), 104);
        assert_eq!(percent(1, 0), 0);
    }
}
