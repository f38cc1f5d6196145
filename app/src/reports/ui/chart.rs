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

/// A point: its label, its value to draw, its value as the table shows it.
type Point = (String, f64, String);

/// Points: at most 30 for bars and lines, 8 slices for a pie (the rest
/// summed into "other").
fn series(table: &Table, lang: crate::i18n::Lang) -> (String, Vec<Point>) {
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
            let cell = r.get(value_col);
            let value = cell.and_then(Value::chart_number).unwrap_or(0.0);
            let shown = cell.map_or(String::new(), super::cell_text);
            (label, value, shown)
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
                    String::new(),
                ));
            }
            pie(&points, &alt(&title, &points), lang.get_untracked()).into_any()
        }
        _ => {
            points.truncate(30);
            bars_or_line(
                &points,
                kind == Chart::Line,
                &alt(&title, &points),
                lang.get_untracked(),
            )
            .into_any()
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

/// The chart in words, for those who can't see it: its title and its first points (the
/// whole table is under it).
fn alt(title: &str, points: &[Point]) -> String {
    let listed: Vec<String> = points
        .iter()
        .take(12)
        .map(|(label, _, shown)| {
            if shown.is_empty() {
                label.clone()
            } else {
                format!("{label} — {shown}")
            }
        })
        .collect();
    let more = if points.len() > 12 { "; …" } else { "" };
    format!("{title}: {}{more}", listed.join("; "))
}

/// A label cut to `chars` characters, with an ellipsis when cut.
fn fit(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_string()
    } else {
        let mut cut: String = label.chars().take(chars.saturating_sub(1).max(1)).collect();
        cut.push('…');
        cut
    }
}

/// About how wide a character of the axis labels is (10 px sans-serif), in chart units.
const CHAR_W: f64 = 6.0;

fn bars_or_line(points: &[Point], line: bool, alt: &str, lang: crate::i18n::Lang) -> impl IntoView {
    let max = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let min = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let n = points.len().max(1) as f64;
    let step = (W - 2.0 * PAD) / n;
    let y = move |v: f64| PAD + (max - v) / span * (H - 2.0 * PAD);
    let zero = y(0.0);
    // Labels never overlap: every `every`-th point is labelled, with room for at least
    // eight characters, and a longer label is cut with an ellipsis.
    let longest = points
        .iter()
        .map(|p| p.0.chars().count())
        .max()
        .unwrap_or(1)
        .min(18);
    let wanted = (longest.max(8) as f64 + 1.0) * CHAR_W;
    let every = ((wanted / step).ceil() as usize).max(1);
    let room = ((step * every as f64) / CHAR_W).floor() as usize;
    let marks = points
        .iter()
        .enumerate()
        .map(|(i, (label, v, value_text))| {
            let x = PAD + step * i as f64;
            let top = y(*v).min(zero);
            let height = (y(*v) - zero).abs().max(1.0);
            let shown = if i % every == 0 {
                fit(label, room.saturating_sub(1).max(3))
            } else {
                String::new()
            };
            view! {
                <g>
                    <title>{format!("{label}: {value_text}")}</title>
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
            .map(|(i, (_, v, _))| {
                let x = PAD + step * i as f64 + step / 2.0;
                format!("{}{x:.1},{:.1}", if i == 0 { "M" } else { "L" }, y(*v))
            })
            .collect();
        view! { <path d=d.join(" ") fill="none" stroke=COLORS[0] stroke-width="2" data-testid="chart-line"/> }
    });
    view! {
        <svg viewBox=format!("0 0 {W} {H}") class="chart-svg" role="img" aria-label=alt.to_string()>
            <line x1=PAD y1=format!("{zero:.1}") x2=W - PAD y2=format!("{zero:.1}") stroke="#999"/>
            <text x="4" y=format!("{:.1}", PAD - 8.0) font-size="10" fill="#444">{crate::format::whole(max.round() as i64, lang)}</text>
            {marks}
            {path}
        </svg>
    }
}

fn pie(points: &[Point], alt: &str, lang: crate::i18n::Lang) -> impl IntoView {
    let total: f64 = points.iter().map(|p| p.1.max(0.0)).sum();
    let (cx, cy, r) = (H / 2.0, H / 2.0, H / 2.0 - 10.0);
    let mut angle = -std::f64::consts::FRAC_PI_2;
    let slices = points
        .iter()
        .enumerate()
        .map(|(i, (label, v, value_text))| {
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
                <path d=d fill=color data-testid="chart-slice"><title>{format!("{label}: {value_text}")}</title></path>
                <rect x=H + 10.0 y=14.0 + 20.0 * i as f64 width="12" height="12" fill=color/>
                <text x=H + 28.0 y=24.0 + 20.0 * i as f64 font-size="12" fill="#222">
                    {format!(
                        "{} — {}",
                        fit(label, 34),
                        crate::format::percent(
                            rust_decimal::Decimal::new((share * 1000.0).round() as i64, 1),
                            lang
                        )
                    )}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg viewBox=format!("0 0 {W} {H}") class="chart-svg" role="img" aria-label=alt.to_string()>{slices}</svg>
    }
}
