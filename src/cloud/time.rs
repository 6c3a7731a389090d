//! Calendar arithmetic for the UTC timestamps clouds exchange (proleptic Gregorian), in one
//! place: AWS, Azure and Apigee each write or read RFC 3339 times, and no date crate is needed
//! for that.

/// Seconds in a day.
pub const DAY_SECONDS: i64 = 86_400;

/// Days since 1970-01-01 as (year, month, day) (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// (year, month, day) as days since 1970-01-01 (`days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// `(year, month, day, hour, minute, second)` of seconds since the epoch.
pub fn civil(epoch_seconds: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (days, secs) = (
        epoch_seconds.div_euclid(DAY_SECONDS),
        epoch_seconds.rem_euclid(DAY_SECONDS),
    );
    let (year, month, day) = civil_from_days(days);
    (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Seconds since the epoch of a UTC date and clock.
pub fn epoch_of_civil(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    days_from_civil(year, month, day) * DAY_SECONDS + hour * 3600 + minute * 60 + second
}

/// Seconds since the epoch as RFC 3339 UTC, e.g. `2026-11-23T10:00:00Z`.
pub fn rfc3339(epoch_seconds: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch_seconds);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2026-11-23T10:00:00Z`, fractions ignored).
pub fn epoch_seconds(time: &str) -> Option<i64> {
    let (date, clock) = time.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|f| f.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let clock = clock.trim_end_matches('Z');
    let clock = clock.split(['.', '+']).next()?;
    let mut c = clock.splitn(3, ':').map(|f| f.parse::<i64>().ok());
    let (h, min, s) = (c.next()??, c.next()??, c.next()??);
    Some(epoch_of_civil(y, m, day, h, min, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_become_epoch_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2026-11-23T10:00:00Z"), Some(1_795_428_000));
        assert_eq!(epoch_seconds("2000-03-01T00:00:01.5Z"), Some(951_868_801));
        assert_eq!(epoch_seconds("yesterday"), None);
    }

    #[test]
    fn days_and_dates_round_trip_across_leap_years_and_eras() {
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_454, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn seconds_format_as_rfc3339_and_back() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_428_000), "2026-11-23T10:00:00Z");
        for t in [0, 951_868_801, 1_795_428_000, 4_102_444_799] {
            assert_eq!(epoch_seconds(&rfc3339(t)), Some(t));
        }
    }
}
