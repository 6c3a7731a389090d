//! How often a schedule runs: the longest gap between two runs, for frequency guardrails.

use super::schedule::{CronSchedule, DaysOfMonth, DaysOfWeek, Schedule};

/// The longest gap, in days, between two consecutive days `schedule` runs on, over five years
/// (one of them leap); `None` when it runs less than twice in that time.
pub fn max_interval_days(schedule: &Schedule) -> Option<i64> {
    let cron = match schedule {
        Schedule::Rate(rate) => {
            return Some((rate.interval_minutes() as i64 + 1439) / 1440);
        }
        Schedule::Cron(cron) => cron,
    };
    // 2027-01-01 to 2031-12-31, from a Friday (day of week 6, Sunday being 1).
    let mut days = Vec::new();
    let mut index = 0i64;
    let mut weekday = 6u8;
    for year in 2027u16..=2031 {
        for month in 1u8..=12 {
            let length = days_in_month(year, month);
            for day in 1..=length {
                if cron.years.contains(year)
                    && cron.months.contains(u16::from(month))
                    && runs_on(cron, day, length, weekday)
                {
                    days.push(index);
                }
                index += 1;
                weekday = weekday % 7 + 1;
            }
        }
    }
    if days.len() < 2 {
        return None;
    }
    days.windows(2).map(|w| w[1] - w[0]).max()
}

/// Whether the day fields of `cron` select day `day` of a month of `length` days, a `weekday`.
fn runs_on(cron: &CronSchedule, day: u8, length: u8, weekday: u8) -> bool {
    let is_weekday = |w: u8| (2..=6).contains(&w);
    let weekday_of =
        |d: u8| ((i16::from(weekday) - 1 + i16::from(d) - i16::from(day)).rem_euclid(7) + 1) as u8;
    let by_month = match &cron.days_of_month {
        DaysOfMonth::Unspecified => None,
        DaysOfMonth::Days(set) => Some(set.contains(u16::from(day))),
        DaysOfMonth::Last => Some(day == length),
        DaysOfMonth::LastWeekday => {
            let last = (1..=length).rev().find(|d| is_weekday(weekday_of(*d)));
            Some(last == Some(day))
        }
        DaysOfMonth::NearestWeekday(n) => {
            let n = (*n).min(length);
            let nearest = [0i16, -1, 1, -2, 2]
                .iter()
                .map(|o| i16::from(n) + o)
                .filter(|d| (1..=i16::from(length)).contains(d))
                .map(|d| d as u8)
                .find(|d| is_weekday(weekday_of(*d)));
            Some(nearest == Some(day))
        }
    };
    let by_week = match &cron.days_of_week {
        DaysOfWeek::Unspecified => None,
        DaysOfWeek::Days(set) => Some(set.contains(u16::from(weekday))),
        DaysOfWeek::Last(d) => Some(weekday == *d && day + 7 > length),
        DaysOfWeek::Nth { day: d, nth } => Some(weekday == *d && (day - 1) / 7 + 1 == *nth),
    };
    by_month.or(by_week).unwrap_or(false)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cron::parse;

    #[test]
    fn interval_between_runs() {
        let days = |expr: &str| max_interval_days(&parse(expr).unwrap());
        assert_eq!(days("cron(0 3 * * ? *)"), Some(1));
        assert_eq!(days("cron(0 3 ? * SUN *)"), Some(7));
        assert_eq!(days("cron(0 3 ? * MON,THU *)"), Some(4));
        assert_eq!(days("cron(0 3 1 * ? *)"), Some(31));
        assert_eq!(days("cron(0 3 L * ? *)"), Some(31));
        assert_eq!(days("cron(0 3 LW * ? *)"), Some(33));
        assert_eq!(days("cron(0 3 ? * 2#1 *)"), Some(35));
        assert_eq!(days("cron(0 3 1 1 ? *)"), Some(366));
        assert_eq!(days("cron(0 3 1 1 ? 2027)"), None);
        assert_eq!(days("rate(36 hours)"), Some(2));
    }
}
