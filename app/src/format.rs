//! How numbers and times read in the user's language, for every screen, document and mail:
//! money (`10 006,50 ₽` / `₽10,006.50`), quantities with their unit (`1,5 кг` / `1.5 kg`),
//! percentages, file sizes, dates and times. Integer arithmetic only: the values are the
//! exact integers of [`Money`] and [`Qty`], never floating point.

use crate::i18n::Lang;
use crate::quantity::{Money, Qty};
use rust_decimal::Decimal;

/// A no-break space: keeps `10 006,50 ₽` on one line.
const NBSP: char = '\u{a0}';
/// The minus sign (not a hyphen).
const MINUS: &str = "−";

/// `digits` ("1234567") with thousands separated: `1 234 567` (ru) / `1,234,567` (en).
fn grouped(digits: &str, lang: Lang) -> String {
    let sep = match lang {
        Lang::Ru => NBSP,
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

fn point(lang: Lang) -> char {
    match lang {
        Lang::Ru => ',',
        Lang::En => '.',
    }
}

/// The amount without the currency: `10 006,50` / `10,006.50` (tables, where the column
/// header names the currency).
pub fn amount(m: Money, lang: Lang) -> String {
    let abs = m.0.unsigned_abs();
    let sign = if m.0 < 0 { MINUS } else { "" };
    format!(
        "{sign}{}{}{:02}",
        grouped(&(abs / 100).to_string(), lang),
        point(lang),
        abs % 100
    )
}

/// Money with its currency: `10 006,50 ₽` (ru) / `₽10,006.50` (en).
pub fn money(m: Money, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{}{NBSP}₽", amount(m, lang)),
        Lang::En => {
            let text = amount(m, lang);
            match text.strip_prefix(MINUS) {
                Some(rest) => format!("{MINUS}₽{rest}"),
                None => format!("₽{text}"),
            }
        }
    }
}

/// A whole number grouped: `1 234 567` / `1,234,567`.
pub fn whole(n: i64, lang: Lang) -> String {
    let sign = if n < 0 { MINUS } else { "" };
    format!("{sign}{}", grouped(&n.unsigned_abs().to_string(), lang))
}

/// A quantity as typed and read: `1 500`, `1,5`, `0,125` (ru) / `1,500`, `1.5` (en);
/// trailing zeros of the fraction dropped.
pub fn qty(q: Qty, lang: Lang) -> String {
    let abs = q.0.unsigned_abs();
    let sign = if q.0 < 0 { MINUS } else { "" };
    let whole = grouped(&(abs / 1000).to_string(), lang);
    let frac = abs % 1000;
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let frac = format!("{frac:03}");
    format!("{sign}{whole}{}{}", point(lang), frac.trim_end_matches('0'))
}

/// A unit's short name (`шт`, `кг` / `pcs`, `kg`); an unknown code as it is.
pub fn unit(code: &str, lang: Lang) -> String {
    match crate::catalog::Unit::parse(code) {
        Some(u) => u.label().text(lang).to_string(),
        None => code.to_string(),
    }
}

/// A quantity with its unit: `1,5 кг` / `1.5 kg`.
pub fn qty_unit(q: Qty, unit_code: &str, lang: Lang) -> String {
    format!("{}{NBSP}{}", qty(q, lang), unit(unit_code, lang))
}

/// A percentage: `12,5 %` (ru, a space before the sign) / `12.5%` (en).
pub fn percent(p: Decimal, lang: Lang) -> String {
    let text = p.normalize().to_string();
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => (MINUS, rest.to_string()),
        None => ("", text),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = format!("{sign}{}", grouped(whole, lang));
    if !frac.is_empty() {
        out.push(point(lang));
        out.push_str(frac);
    }
    match lang {
        Lang::Ru => format!("{out}{NBSP}%"),
        Lang::En => format!("{out}%"),
    }
}

/// A file size: `512 Б`, `12,3 КБ`, `4,1 МБ` / `512 B`, `12.3 KB`, `4.1 MB` (1 KB = 1024 B,
/// one decimal, rounded half up).
pub fn file_size(bytes: u64, lang: Lang) -> String {
    let units: [&str; 4] = match lang {
        Lang::Ru => ["Б", "КБ", "МБ", "ГБ"],
        Lang::En => ["B", "KB", "MB", "GB"],
    };
    if bytes < 1024 {
        return format!("{bytes}{NBSP}{}", units[0]);
    }
    let mut scale: u64 = 1024;
    let mut index = 1;
    while index < 3 && bytes >= scale.saturating_mul(1024) {
        scale = scale.saturating_mul(1024);
        index += 1;
    }
    // Tenths, rounded half up: (bytes * 10 + scale / 2) / scale.
    let tenths = (u128::from(bytes) * 10 + u128::from(scale) / 2) / u128::from(scale);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        format!("{whole}{NBSP}{}", units[index])
    } else {
        format!("{whole}{}{tenth}{NBSP}{}", point(lang), units[index])
    }
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A calendar date: `24.11.2026` (ru) / `Nov 24, 2026` (en).
pub fn date_parts(year: i64, month: i64, day: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{day:02}.{month:02}.{year}"),
        Lang::En => {
            let name = usize::try_from(month - 1)
                .ok()
                .and_then(|i| MONTHS_EN.get(i))
                .copied()
                .unwrap_or("?");
            format!("{name} {day}, {year}")
        }
    }
}

/// A time of day: `19:05` (ru) / `7:05 PM` (en).
pub fn clock(hour: i64, minute: i64, lang: Lang) -> String {
    match lang {
        Lang::Ru => format!("{hour:02}:{minute:02}"),
        Lang::En => {
            let (h12, half) = match hour {
                0 => (12, "AM"),
                1..=11 => (hour, "AM"),
                12 => (12, "PM"),
                _ => (hour - 12, "PM"),
            };
            format!("{h12}:{minute:02}{NBSP}{half}")
        }
    }
}

/// A local day (days since 1970-01-01, see [`crate::time`]) as a date.
pub fn day(day: i64, lang: Lang) -> String {
    let (y, m, d) = crate::time::civil(day);
    date_parts(y, m, d, lang)
}

/// An instant as the viewer's local date and time: `24.11.2026 19:05` / `Nov 24, 2026, 7:05 PM`.
pub fn date_time(ms: i64, lang: Lang) -> String {
    crate::time::viewer().format_in(ms, lang)
}

/// An instant as the viewer's local date only.
pub fn date(ms: i64, lang: Lang) -> String {
    let zone = crate::time::viewer();
    day(zone.local_day(ms), lang)
}

/// Money with its currency in the page's current language, as a reactive view child.
pub fn show_money(m: Money) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = crate::i18n::use_lang();
    move || money(m, leptos::prelude::Get::get(&lang))
}

/// An amount without the currency (table cells under a `₽` header), reactive.
pub fn show_amount(m: Money) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = crate::i18n::use_lang();
    move || amount(m, leptos::prelude::Get::get(&lang))
}

/// A quantity, reactive.
pub fn show_qty(q: Qty) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = crate::i18n::use_lang();
    move || qty(q, leptos::prelude::Get::get(&lang))
}

/// A quantity with its unit (`1,5 кг`), reactive.
pub fn show_qty_unit(
    q: Qty,
    u: crate::catalog::Unit,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let lang = crate::i18n::use_lang();
    move || {
        let lang = leptos::prelude::Get::get(&lang);
        format!("{}{NBSP}{}", qty(q, lang), u.label().text(lang))
    }
}

/// The language of the page being rendered (the App's signal), for code that formats
/// outside a reactive closure; English outside a page.
pub fn page_lang() -> Lang {
    leptos::prelude::use_context::<leptos::prelude::RwSignal<Lang>>()
        .map(|l| leptos::prelude::GetUntracked::get_untracked(&l))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_in_each_language() {
        assert_eq!(money(Money(1_000_650), Lang::Ru), "10\u{a0}006,50\u{a0}₽");
        assert_eq!(money(Money(1_000_650), Lang::En), "₽10,006.50");
        assert_eq!(money(Money(5), Lang::Ru), "0,05\u{a0}₽");
        assert_eq!(money(Money(-123_456_789), Lang::En), "−₽1,234,567.89");
        assert_eq!(money(Money(-100), Lang::Ru), "−1,00\u{a0}₽");
        assert_eq!(amount(Money(1_831_440), Lang::Ru), "18\u{a0}314,40");
        assert_eq!(amount(Money::MAX, Lang::En), "1,000,000,000.00");
        assert_eq!(
            amount(Money(i64::MIN), Lang::En),
            "−92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn quantities_drop_trailing_zeros_and_carry_their_unit() {
        assert_eq!(qty(Qty(1500), Lang::Ru), "1,5");
        assert_eq!(qty(Qty(1500), Lang::En), "1.5");
        assert_eq!(qty(Qty(125), Lang::Ru), "0,125");
        assert_eq!(qty(Qty(1_500_000), Lang::Ru), "1\u{a0}500");
        assert_eq!(qty(Qty(-2000), Lang::En), "−2");
        assert_eq!(qty_unit(Qty(1500), "kg", Lang::Ru), "1,5\u{a0}кг");
        assert_eq!(qty_unit(Qty(3000), "pcs", Lang::En), "3\u{a0}pcs");
        assert_eq!(qty_unit(Qty(3000), "box", Lang::En), "3\u{a0}box");
    }

    #[test]
    fn percents_sizes_and_dates() {
        assert_eq!(percent(Decimal::new(125, 1), Lang::Ru), "12,5\u{a0}%");
        assert_eq!(percent(Decimal::new(1000, 2), Lang::En), "10%");
        assert_eq!(percent(Decimal::new(-5, 0), Lang::En), "−5%");
        assert_eq!(file_size(512, Lang::Ru), "512\u{a0}Б");
        assert_eq!(file_size(12_595, Lang::Ru), "12,3\u{a0}КБ");
        assert_eq!(file_size(4_299_162, Lang::En), "4.1\u{a0}MB");
        assert_eq!(file_size(1024 * 1024, Lang::En), "1\u{a0}MB");
        assert_eq!(file_size(u64::MAX, Lang::En), "17179869184\u{a0}GB");
        assert_eq!(date_parts(2026, 11, 24, Lang::Ru), "24.11.2026");
        assert_eq!(date_parts(2026, 11, 24, Lang::En), "Nov 24, 2026");
        assert_eq!(clock(19, 5, Lang::En), "7:05\u{a0}PM");
        assert_eq!(clock(0, 30, Lang::En), "12:30\u{a0}AM");
        assert_eq!(clock(12, 0, Lang::En), "12:00\u{a0}PM");
        assert_eq!(clock(19, 5, Lang::Ru), "19:05");
    }
}
