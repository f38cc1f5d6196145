//! Timestamps shown the same on the server and in the browser (so hydration matches):
//! UTC, day.month.year hours:minutes.

/// `1764000000000` → `"24.11.2025 16:00 UTC"`.
pub fn format_utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{d:02}.{m:02}.{y} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The UTC calendar year of an instant.
pub fn year_of(ms: i64) -> i64 {
    civil_from_days(ms.div_euclid(86_400_000)).0
}

/// `2026-12-01` (a date picker's value) → that day's UTC midnight in ms; `None` when it
/// is not a date.
pub fn date_ms(text: &str) -> Option<i64> {
    let mut parts = text.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400_000)
}

/// (year, month, day) to days since 1970-01-01: the inverse of [`civil_from_days`]
/// (H. Hinnant).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_the_picker_are_utc_midnights_and_years_read_back() {
        assert_eq!(date_ms("1970-01-02"), Some(86_400_000));
        assert_eq!(date_ms("2026-11-27"), Some(1_795_737_600_000));
        assert_eq!(date_ms("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(date_ms("2026-13-01"), None);
        assert_eq!(date_ms(""), None);
        assert_eq!(year_of(1_795_737_600_000), 2026);
        assert_eq!(year_of(1_709_164_800_000), 2024);
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "01.01.1970 00:00 UTC");
        assert_eq!(format_utc(1_764_000_000_000), "24.11.2025 16:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "29.02.2000 00:00 UTC");
    }
}
