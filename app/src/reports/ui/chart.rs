//! Charts of a report's result drawn as SVG (no script, no inline style): the first
//! column gives the labels, the first numeric column the values.

use crate::i18n::use_lang;
use crate::reports::{Chart, Table, Value};
use leptos::prelude::*;

const COLORS: [&str; 8] = [
    "#3b6fd8", "#e07a2e", "#3aa76d", "#c8455a", "#8c5bd6", "#2aa3b8", "#b59a2a", "#6b7280",
];
const W: f64 = 640.0;
const H: f64 = 260.0;
const PAD: f64 = 36.0;

/// (label, value) pairs: at most 30 for bars and lines, 8 slices for a pie (the rest
/// summed into "other").
fn series(table: &Table, lang: crate::i18n::Lang) -> (String, Vec<(String, f64)>) {
    let Some(value_col) = table
        .rows
        .iter()
        .find_map(|r| r.iter().skip(1).position(Value::is_numeric).map(|p| p + 1))
    else {
        return (String::new(), Vec::new());
    };
    let title = table
        .columns
        .get(value_col)
        .map_or(String::new(), |c| c.label(lang).to_string());
    let points = table
        .rows
        .iter()
        .map(|r| {
            let label = r.first().map_or(String::new(), |v| match v {
                Value::Null => "—".to_string(),
                other => other.text(),
            });
            let value = r
                .get(value_col)
                .and_then(Value::chart_number)
                .unwrap_or(0.0);
            (label, value)
        })
        .collect();
    (title, points)
}

#[component]
pub fn ChartView(table: Table, kind: Chart) -> impl IntoView {
    let lang = use_lang();
    let (title, mut points) = series(&table, lang.get_untracked());
    if points.is_empty() || kind == Chart::None {
        return ().into_any();
    }
    let body = match kind {
        Chart::Pie => {
            points.sort_by(|a, b| b.1.total_cmp(&a.1));
            if points.len() > 8 {
                let rest: f64 = points[7..].iter().map(|p| p.1).sum();
                points.truncate(7);
                points.push((
                    match lang.get_untracked() {
                        crate::i18n::Lang::Ru => "Прочее".into(),
                        crate::i18n::Lang::En => "Other".into(),
                    },
                    rest,
                ));
            }
            pie(&points).into_any()
        }
        _ => {
            points.truncate(30);
            bars_or_line(&points, kind == Chart::Line).into_any()
        }
    };
    view! {
        <figure class="chart" data-testid="report-chart" data-kind=format!("{kind:?}").to_lowercase()>
            <figcaption>{title}</figcaption>
            {body}
        </figure>
    }
    .into_any()
}

fn bars_or_line(points: &[(String, f64)], line: bool) -> impl IntoView {
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let min = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let n = points.len().max(1) as f64;
    let step = (W - 2.0 * PAD) / n;
    let y = move |v: f64| PAD + (max - v) / span * (H - 2.0 * PAD);
    let zero = y(0.0);
    let marks = points
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let x = PAD + step * i as f64;
            let top = y(*v).min(zero);
            let height = (y(*v) - zero).abs().max(1.0);
            let shown = if points.len() <= 12 || i % (points.len() / 12 + 1) == 0 {
                label.chars().take(14).collect::<String>()
            } else {
                String::new()
            };
            view! {
                <g>
                    <title>{format!("{label}: {v}")}</title>
                    {(!line).then(|| view! {
                        <rect x=format!("{:.1}", x + step * 0.15) y=format!("{top:.1}")
                            width=format!("{:.1}", step * 0.7) height=format!("{height:.1}")
                            fill=COLORS[0] data-testid="chart-bar"/>
                    })}
                    <text x=format!("{:.1}", x + step / 2.0) y=format!("{:.1}", H - 8.0)
                        text-anchor="middle" font-size="10" fill="#444">{shown}</text>
                </g>
            }
        })
        .collect_view();
    let path = line.then(|| {
        let d: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, (_, v))| {
                let x = PAD + step * i as f64 + step / 2.0;
                format!("{}{x:.1},{:.1}", if i == 0 { "M" } else { "L" }, y(*v))
            })
            .collect();
        view! { <path d=d.join(" ") fill="none" stroke=COLORS[0] stroke-width="2" data-testid="chart-line"/> }
    });
    view! {
        <svg viewBox=format!("0 0 {W} {H}") class="chart-svg" role="img">
            <line x1=PAD y1=format!("{zero:.1}") x2=W - PAD y2=format!("{zero:.1}") stroke="#999"/>
            <text x="4" y=format!("{:.1}", PAD) font-size="10" fill="#444">{format!("{max:.0}")}</text>
            {marks}
            {path}
        </svg>
    }
}

fn pie(points: &[(String, f64)]) -> impl IntoView {
    let total: f64 = points.iter().map(|p| p.1.max(0.0)).sum();
    let (cx, cy, r) = (H / 2.0, H / 2.0, H / 2.0 - 10.0);
    let mut angle = -std::f64::consts::FRAC_PI_2;
    let slices = points
        .iter()
        .enumerate()
        .map(|(i, (label, v))| {
            let share = if total > 0.0 { v.max(0.0) / total } else { 0.0 };
            let a0 = angle;
            let a1 = angle + share * std::f64::consts::TAU;
            angle = a1;
            let (x0, y0) = (cx + r * a0.cos(), cy + r * a0.sin());
            let (x1, y1) = (cx + r * a1.cos(), cy + r * a1.sin());
            let large = if share > 0.5 { 1 } else { 0 };
            let d = if share >= 0.9999 {
                format!("M{cx},{} A{r},{r} 0 1 1 {cx},{} A{r},{r} 0 1 1 {cx},{}", cy - r, cy + r, cy - r)
            } else {
                format!("M{cx},{cy} L{x0:.1},{y0:.1} A{r},{r} 0 {large} 1 {x1:.1},{y1:.1} Z")
            };
            let color = COLORS[i % COLORS.len()];
            view! {
                <path d=d fill=color data-testid="chart-slice"><title>{format!("{label}: {v}")}</title></path>
                <rect x=H + 10.0 y=14.0 + 20.0 * i as f64 width="12" height="12" fill=color/>
                <text x=H + 28.0 y=24.0 + 20.0 * i as f64 font-size="12" fill="#222">
                    {format!("{} — {:.1} %", label.chars().take(30).collect::<String>(), share * 100.0)}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {W} {H}") class="chart-svg" role="img">{slices}</svg>
    }
}
