//! Time in the shops' own zones (DESIGN.md §5c). Instants are stored as UTC milliseconds;
//! what a person sees, how orders and documents are numbered and how reports bucket by
//! day is in a zone: the selling shop's for numbers and report days, the viewer's home
//! shop's on screen. Zones come from the time-zone database through `jiff` on the
//! server ([`zones`]) and reach the browser as a [`Zone`]: its offsets over time, so the
//! browser needs no database of its own and both sides render the same text.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod zones;

pub const DAY_MS: i64 = 86_400_000;

/// The company's zone when nobody set one (the demo chain's head office is in Moscow).
pub const DEFAULT_ZONE: &str = "Europe/Moscow";

/// The zones the location and company forms offer (Russia's, west to east, and the
/// neighbours a chain may reach), with how they read now.
pub const ZONE_CHOICES: &[(&str, &str)] = &[
    ("Europe/Kaliningrad", "Калининград (UTC+2)"),
    ("Europe/Moscow", "Москва, Санкт-Петербург, Казань (UTC+3)"),
    ("Europe/Samara", "Самара (UTC+4)"),
    ("Asia/Yekaterinburg", "Екатеринбург (UTC+5)"),
    ("Asia/Omsk", "Омск (UTC+6)"),
    ("Asia/Novosibirsk", "Новосибирск (UTC+7)"),
    ("Asia/Krasnoyarsk", "Красноярск (UTC+7)"),
    ("Asia/Irkutsk", "Иркутск (UTC+8)"),
    ("Asia/Yakutsk", "Якутск (UTC+9)"),
    ("Asia/Vladivostok", "Владивосток (UTC+10)"),
    ("Asia/Magadan", "Магадан (UTC+11)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (UTC+12)"),
    ("Europe/Minsk", "Минск (UTC+3)"),
    ("Asia/Almaty", "Алматы (UTC+5)"),
    ("UTC", "UTC"),
];

/// A time zone as its UTC offsets over time, from 2000 to 2037 (enough for the records a
/// CRM shows; earlier instants take the first offset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Zone {
    /// The IANA name, e.g. `Asia/Novosibirsk`.
    pub name: String,
    /// `(from, offset)`: from this instant (UTC ms) the offset is this many seconds east
    /// of UTC; ascending.
    pub offsets: Vec<(i64, i32)>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            offsets: vec![(i64::MIN, 0)],
        }
    }

    /// A zone with one offset for ever (tests, and a zone unknown to the database).
    pub fn fixed(name: &str, seconds: i32) -> Zone {
        Zone {
            name: name.into(),
            offsets: vec![(i64::MIN, seconds)],
        }
    }

    /// The offset at an instant, in ms.
    pub fn offset_ms(&self, ms: i64) -> i64 {
        let after = self.offsets.partition_point(|(from, _)| *from <= ms);
        let i = after.saturating_sub(1);
        self.offsets
            .get(i)
            .map(|(_, seconds)| i64::from(*seconds) * 1000)
            .unwrap_or(0)
    }

    /// The local calendar day of an instant, as days since 1970-01-01.
    pub fn local_day(&self, ms: i64) -> i64 {
        ms.saturating_add(self.offset_ms(ms)).div_euclid(DAY_MS)
    }

    /// The local calendar year of an instant.
    pub fn year(&self, ms: i64) -> i64 {
        civil(self.local_day(ms)).0
    }

    fn local(&self, ms: i64) -> Option<DateTime> {
        let offset = Offset::from_seconds((self.offset_ms(ms) / 1000) as i32).ok()?;
        Some(offset.to_datetime(Timestamp::from_millisecond(ms).ok()?))
    }

    /// `24.11.2025 19:00`: an instant as the local date and time.
    pub fn format(&self, ms: i64) -> String {
        match self.local(ms) {
            Some(t) => format!(
                "{:02}.{:02}.{} {:02}:{:02}",
                t.day(),
                t.month(),
                t.year(),
                t.hour(),
                t.minute()
            ),
            None => String::new(),
        }
    }

    /// An instant as the local date and time in `lang`'s conventions (see [`crate::format`]).
    pub fn format_in(&self, ms: i64, lang: crate::i18n::Lang) -> String {
        match self.local(ms) {
            Some(t) => {
                let date = crate::format::date_parts(
                    i64::from(t.year()),
                    i64::from(t.month()),
                    i64::from(t.day()),
                    lang,
                );
                let clock = crate::format::clock(i64::from(t.hour()), i64::from(t.minute()), lang);
                match lang {
                    crate::i18n::Lang::Ru => format!("{date} {clock}"),
                    crate::i18n::Lang::En => format!("{date}, {clock}"),
                }
            }
            None => String::new(),
        }
    }

    /// The instant a local day starts (the local midnight), in UTC ms.
    pub fn day_start(&self, day: i64) -> i64 {
        let naive = day.saturating_mul(DAY_MS);
        // The offset in force at that midnight: look it up at the naive instant, then
        // again at the corrected one (they differ only across a change of offset).
        let first = naive - self.offset_ms(naive);
        naive - self.offset_ms(first)
    }

    /// A date picker's value (`2026-12-01`) as the instant that local day starts.
    pub fn date_ms(&self, text: &str) -> Option<i64> {
        parse_day(text).map(|day| self.day_start(day))
    }

    /// Today's local date (days since 1970-01-01).
    pub fn today(&self) -> i64 {
        self.local_day(now_ms())
    }
}

/// Days since 1970-01-01 to (year, month, day).
pub fn civil(day: i64) -> (i64, i64, i64) {
    match Timestamp::from_second(day.saturating_mul(86_400)) {
        Ok(ts) => {
            let d = Offset::UTC.to_datetime(ts).date();
            (
                i64::from(d.year()),
                i64::from(d.month()),
                i64::from(d.day()),
            )
        }
        Err(_) => (1970, 1, 1),
    }
}

/// (year, month, day) to days since 1970-01-01; `None` when there is no such date.
pub fn day_of_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    let date = Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    let ts = Offset::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .ok()?;
    Some(ts.as_second().div_euclid(86_400))
}

/// `2026-12-01` to days since 1970-01-01; `None` when it is not a date.
pub fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    day_of_civil(y, m, d)
}

/// Days since 1970-01-01 as a date picker's value, `2026-12-01`.
pub fn day_text(day: i64) -> String {
    let (y, m, d) = civil(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `year * 12 + month - 1` of a day.
pub fn month_of_day(day: i64) -> i64 {
    let (y, m, _) = civil(day);
    y * 12 + m - 1
}

/// First day of a month index (`year * 12 + month - 1`).
pub fn first_day_of_month(month: i64) -> i64 {
    let (y, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
    day_of_civil(y, m, 1).unwrap_or(0)
}

/// Now, in ms since 1970 (UTC), on the server or in the browser.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A named period of the report picker, as `(from, to)` picker values for the local day
/// `day`; `None` for "all time".
pub fn preset_period(preset: &str, day: i64) -> Option<(String, String)> {
    let month = month_of_day(day);
    match preset {
        "last_month" => Some((
            day_text(first_day_of_month(month - 1)),
            day_text(first_day_of_month(month) - 1),
        )),
        "year" => Some((
            day_text(first_day_of_month(month.div_euclid(12) * 12)),
            day_text(day),
        )),
        "all" => None,
        _ => Some((day_text(first_day_of_month(month)), day_text(day))),
    }
}

/// The zone times are shown in: the signed-in person's home shop's (else the company's),
/// as the server rendered the page ([`ViewerZone`]).
pub fn viewer() -> std::sync::Arc<Zone> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<ViewerZone>()
            .map(|v| v.0)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        BROWSER_ZONE.with(|z| z.borrow().clone())
    }
}

/// The viewer's zone for one page: a request extension and a context on the server, read
/// back from `<html data-zone>` in the browser.
#[derive(Debug, Clone, Default)]
pub struct ViewerZone(pub std::sync::Arc<Zone>);

#[cfg(not(feature = "ssr"))]
thread_local! {
    static BROWSER_ZONE: std::cell::RefCell<std::sync::Arc<Zone>> = Default::default();
}

/// The browser keeps the zone the server rendered with (the `<html data-zone>` JSON).
#[cfg(not(feature = "ssr"))]
pub fn set_browser_zone(zone: Zone) {
    BROWSER_ZONE.with(|z| *z.borrow_mut() = std::sync::Arc::new(zone));
}

/// An instant in the viewer's zone and the page's language (`24.11.2026 19:05` /
/// `Nov 24, 2026, 7:05 PM`).
pub fn show(ms: i64) -> String {
    viewer().format_in(ms, crate::format::page_lang())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOSCOW: i32 = 3 * 3600;
    const NOVOSIBIRSK: i32 = 7 * 3600;

    /// 2026-12-31 `hh:mm` local in a zone `offset` seconds east, as UTC ms.
    fn at(day: &str, hh: i64, mm: i64, offset: i32) -> i64 {
        let d = parse_day(day).expect("day");
        d * DAY_MS + (hh * 60 + mm) * 60_000 - i64::from(offset) * 1000
    }

    #[test]
    fn calendar_round_trips() {
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(
            parse_day("2024-02-29").map(day_text),
            Some("2024-02-29".into())
        );
        assert_eq!(parse_day("2026-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day(""), None);
        assert_eq!(civil(parse_day("2000-03-01").expect("day")), (2000, 3, 1));
        let day = parse_day("2026-11-27").expect("day");
        assert_eq!(
            first_day_of_month(month_of_day(day)),
            parse_day("2026-11-01").expect("day")
        );
    }

    #[test]
    fn new_year_falls_on_the_local_calendar() {
        for offset in [MOSCOW, NOVOSIBIRSK] {
            let zone = Zone::fixed("z", offset);
            let before = at("2026-12-31", 23, 30, offset);
            let after = at("2027-01-01", 1, 30, offset);
            assert_eq!(zone.year(before), 2026);
            assert_eq!(zone.year(after), 2027, "01:30 on 1 January is next year's");
            assert_eq!(day_text(zone.local_day(before)), "2026-12-31");
            assert_eq!(day_text(zone.local_day(after)), "2027-01-01");
            assert_eq!(zone.format(after), "01.01.2027 01:30");
            // In UTC both are still 31 December.
            assert_eq!(Zone::utc().year(after), 2026);
        }
        // 06:59 in Novosibirsk is the day before in UTC, and the same local day.
        let nsk = Zone::fixed("z", NOVOSIBIRSK);
        let early = at("2026-12-02", 6, 59, NOVOSIBIRSK);
        assert_eq!(day_text(nsk.local_day(early)), "2026-12-02");
        assert_eq!(day_text(Zone::utc().local_day(early)), "2026-12-01");
    }

    #[test]
    fn a_change_of_offset_is_followed() {
        // Moscow was UTC+4 from 27 March 2011 to 26 October 2014.
        let zone = Zone {
            name: "Europe/Moscow".into(),
            offsets: vec![(i64::MIN, 4 * 3600), (1_414_274_400_000, MOSCOW)],
        };
        assert_eq!(zone.offset_ms(1_414_274_399_999), 4 * 3_600_000);
        assert_eq!(zone.offset_ms(1_414_274_400_000), 3 * 3_600_000);
        let day = parse_day("2026-12-01").expect("day");
        assert_eq!(zone.day_start(day), day * DAY_MS - 3 * 3_600_000);
        assert_eq!(
            zone.date_ms("2026-12-01"),
            Some(day * DAY_MS - 3 * 3_600_000)
        );
    }

    #[test]
    fn presets_cover_whole_months_and_years() {
        let day = parse_day("2026-03-15").expect("day");
        assert_eq!(
            preset_period("month", day),
            Some(("2026-03-01".into(), "2026-03-15".into()))
        );
        assert_eq!(
            preset_period("last_month", day),
            Some(("2026-02-01".into(), "2026-02-28".into()))
        );
        assert_eq!(
            preset_period("year", day),
            Some(("2026-01-01".into(), "2026-03-15".into()))
        );
        let jan = parse_day("2026-01-10").expect("day");
        assert_eq!(
            preset_period("last_month", jan),
            Some(("2025-12-01".into(), "2025-12-31".into()))
        );
        assert_eq!(preset_period("all", day), None);
    }
}
