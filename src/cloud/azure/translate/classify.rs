//! What each rule is for Azure: a daily or weekly schedule, or a monthly or yearly tier.

use backup_policy::cron::{self, CronSchedule, DaysOfMonth, DaysOfWeek, Schedule, ValueSet};
use backup_policy::EffectiveRule;
use backup_policy::{paths, PolicyDiagnostic};

use super::shapes::{DayOfWeek, MonthDay, MonthOfYear, RetentionFormat, TimeOfDay, WeekOfMonth};

/// What one rule is, for Azure.
#[derive(Clone, Debug)]
pub(super) enum Shape {
    Daily,
    Weekly(Vec<DayOfWeek>),
    Monthly(RetentionFormat),
    Yearly(Vec<MonthOfYear>, RetentionFormat),
}

#[derive(Clone, Debug)]
pub(super) struct Shaped {
    pub(super) name: String,
    pub(super) time: TimeOfDay,
    pub(super) shape: Shape,
    pub(super) retention_days: i64,
}

fn unsupported(name: &str, schedule: &str, reason: &str) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::rule_field(name, "schedule"),
        "Schedule not expressible in Azure",
        format!("rule {name:?}: Azure VM backup policies cannot express schedule {schedule:?}: {reason}."),
    )
}

/// The weeks an n-th weekday (`MON#n`) can fall in: Azure has no fifth.
const NTH_WEEKS: [WeekOfMonth; 4] = [
    WeekOfMonth::First,
    WeekOfMonth::Second,
    WeekOfMonth::Third,
    WeekOfMonth::Fourth,
];

pub(super) fn classify(name: &str, rule: &EffectiveRule) -> Result<Shaped, PolicyDiagnostic> {
    let fail = |reason: &str| unsupported(name, &rule.schedule, reason);
    let cron =
        match cron::parse(&rule.schedule) {
            Ok(Schedule::Cron(c)) => c,
            Ok(Schedule::Rate(_)) => return Err(fail(
                "a rate() schedule has no fixed time of day; write it as cron(minutes hours ...)",
            )),
            Err(reason) => return Err(fail(&reason.to_string())),
        };
    let CronSchedule {
        minutes,
        hours,
        days_of_month,
        months,
        days_of_week,
        years: _,
    } = &cron;
    if !cron.is_every_year() {
        return Err(fail("backups cannot be limited to certain years"));
    }
    // Minutes (0–59) and hours (0–23) fit in a u8.
    let minute = minutes.first().expect("a parsed cron names one minute") as u8;
    if minute != 0 && minute != 30 {
        return Err(fail(&format!(
            "backups start on the hour or half hour, not at minute {minute}"
        )));
    }
    if hours.len() != 1 {
        return Err(fail(&format!(
            "it runs {} times a day, and Azure backs a VM up at most once a day",
            hours.len()
        )));
    }
    let time = TimeOfDay {
        hour: hours.first().expect("one hour") as u8,
        minute,
    };
    let month_days = |days: &ValueSet| -> Result<Vec<MonthDay>, PolicyDiagnostic> {
        if days.iter().any(|d| d > 28) {
            return Err(fail("monthly and yearly points can fall on days 1 to 28 or the last day (L), not 29 to 31"));
        }
        Ok(days.iter().map(|d| MonthDay::Date(d as u8)).collect())
    };
    let weekly_format = |day: u8, week: WeekOfMonth| RetentionFormat::Weekly {
        days: vec![DayOfWeek::ALL[usize::from(day - 1)]],
        weeks: vec![week],
    };
    let format = match (days_of_month, days_of_week) {
        _ if cron.is_every_day() => None,
        (DaysOfMonth::Days(days), _) if days.len() == 31 => {
            return Err(fail("it runs every day of some months only"))
        }
        (DaysOfMonth::Days(days), DaysOfWeek::Unspecified) => {
            Some(RetentionFormat::Daily(month_days(days)?))
        }
        (DaysOfMonth::Last, _) => Some(RetentionFormat::Daily(vec![MonthDay::Last])),
        (DaysOfMonth::LastWeekday | DaysOfMonth::NearestWeekday(_), _) => {
            return Err(fail("W (nearest weekday) has no Azure equivalent"))
        }
        (_, DaysOfWeek::Nth { day, nth }) => match NTH_WEEKS.get(usize::from(*nth) - 1) {
            Some(week) => Some(weekly_format(*day, *week)),
            None => return Err(fail(
                "the fifth weekday of a month has no Azure equivalent (First to Fourth, or Last)",
            )),
        },
        (_, DaysOfWeek::Last(day)) => Some(weekly_format(*day, WeekOfMonth::Last)),
        (_, DaysOfWeek::Days(days)) if cron.is_every_month() => {
            let days = days
                .iter()
                .map(|d| DayOfWeek::ALL[usize::from(d - 1)])
                .collect();
            return Ok(Shaped {
                name: name.into(),
                time,
                shape: Shape::Weekly(days),
                retention_days: rule.retention_days,
            });
        }
        _ => return Err(fail("it runs on irregular days")),
    };
    let shape = match format {
        None => Shape::Daily,
        Some(format) if cron.is_every_month() => Shape::Monthly(format),
        Some(format) => Shape::Yearly(
            months
                .iter()
                .map(|m| MonthOfYear::ALL[usize::from(m - 1)])
                .collect(),
            format,
        ),
    };
    Ok(Shaped {
        name: name.into(),
        time,
        shape,
        retention_days: rule.retention_days,
    })
}

/// The fewest months that always last at least `days` days (months are 28 to 31 days long).
pub(super) fn months_covering(days: i64) -> i64 {
    const LENGTHS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let shortest = |months: i64| -> i64 {
        let rem = (months % 12) as usize;
        let part = (0..12)
            .map(|s| (0..rem).map(|i| LENGTHS[(s + i) % 12]).sum::<i64>())
            .min()
            .unwrap_or(0);
        months / 12 * 365 + part
    };
    let mut months = (days / 31).max(1);
    while shortest(months) < days {
        months += 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_cover_at_least_the_days() {
        assert_eq!(months_covering(28), 1);
        assert_eq!(months_covering(31), 2);
        assert_eq!(months_covering(89), 3);
        assert_eq!(months_covering(90), 4);
        assert_eq!(months_covering(365), 12);
        assert_eq!(months_covering(366), 13);
        assert_eq!(months_covering(3650), 120);
    }

    #[test]
    fn time_formats() {
        let t = TimeOfDay {
            hour: 5,
            minute: 30,
        };
        assert_eq!(t.to_string(), "05:30");
        assert_eq!(t.to_azure(), "2020-01-01T05:30:00Z");
    }
}
