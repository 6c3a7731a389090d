//! When the export job runs and how long exports are kept, from the effective policy; and the UTC
//! timestamps that name exports (`20261206T050000.000Z`), which sort as they are made.

use crate::cloud::time::{civil_from_days, days_from_civil};
use backup_policy::cron::{self, DaysOfMonth, DaysOfWeek, RateUnit, Schedule, ValueSet};
use backup_policy::PolicyDocument;

/// The export job's schedule and retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSchedule {
    /// A standard five-field cron expression (minute hour day-of-month month day-of-week, UTC), as
    /// Kubernetes CronJobs and Azure Container Apps jobs take it.
    pub cron: String,
    /// Days an export is kept: the longest retention of the policy's rules, so no export is
    /// deleted before any rule says (as App Service backups do).
    pub retention_days: i64,
    /// The rule whose schedule the job follows: the most frequent (ties: the first by name).
    pub rule: String,
}

impl ExportSchedule {
    /// The schedule `document` implies; an error naming the rule when its schedule has no cron
    /// equivalent (e.g. `rate(7 hours)`, `cron(0 5 L * ? *)`).
    pub fn from_policy(document: &PolicyDocument) -> Result<ExportSchedule, String> {
        let rules = document.rules();
        let retention_days = rules.values().map(|r| r.retention_days).max();
        let (Some(retention_days), Some((rule, _))) = (
            retention_days,
            rules.iter().min_by_key(|(_, r)| {
                cron::parse(&r.schedule)
                    .ok()
                    .and_then(|s| cron::max_interval_days(&s))
                    .unwrap_or(i64::MAX)
            }),
        ) else {
            return Err("the effective policy has no rule: an export needs a schedule".into());
        };
        let expression = &rules[rule].schedule;
        let parsed = cron::parse(expression).map_err(|e| format!("rule {rule:?}: {e}"))?;
        let cron = five_field(&parsed).map_err(|why| {
            format!(
                "rule {rule:?}: the schedule {expression:?} {why}, so no export job can follow it"
            )
        })?;
        Ok(ExportSchedule {
            cron,
            retention_days,
            rule: rule.clone(),
        })
    }
}

/// `*` when `set` holds all `size` values, else the values, comma-separated (shifted by `shift`).
fn field(set: &ValueSet, size: usize, shift: i32) -> String {
    if set.len() == size {
        return "*".into();
    }
    set.iter()
        .map(|v| (i32::from(v) + shift).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The five-field cron of an AWS schedule expression.
fn five_field(schedule: &Schedule) -> Result<String, &'static str> {
    match schedule {
        Schedule::Rate(rate) => match (rate.unit, rate.value) {
            (RateUnit::Minutes, 1) => Ok("* * * * *".into()),
            (RateUnit::Minutes, n) if 60 % n == 0 => Ok(format!("*/{n} * * * *")),
            (RateUnit::Hours, 1) => Ok("0 * * * *".into()),
            (RateUnit::Hours, n) if 24 % n == 0 => Ok(format!("0 */{n} * * *")),
            (RateUnit::Days, 1) => Ok("0 0 * * *".into()),
            _ => Err("is a rate that does not divide an hour or a day"),
        },
        Schedule::Cron(c) => {
            if !c.is_every_year() {
                return Err("names years");
            }
            let dom = match &c.days_of_month {
                DaysOfMonth::Unspecified => "*".to_owned(),
                DaysOfMonth::Days(days) => field(days, 31, 0),
                _ => return Err("uses L or W in the day of month"),
            };
            let dow = match &c.days_of_week {
                DaysOfWeek::Unspecified => "*".to_owned(),
                // AWS counts 1 (Sunday) to 7; cron counts 0 (Sunday) to 6.
                DaysOfWeek::Days(days) => field(days, 7, -1),
                _ => return Err("uses L or # in the day of week"),
            };
            Ok(format!(
                "{} {} {dom} {} {dow}",
                field(&c.minutes, 60, 0),
                field(&c.hours, 24, 0),
                field(&c.months, 12, 0)
            ))
        }
    }
}

/// The export name of a time in milliseconds since the epoch: `YYYYMMDDTHHMMSS.mmmZ`.
pub fn export_stamp(millis: i64) -> String {
    let (secs, ms) = (millis.div_euclid(1000), millis.rem_euclid(1000));
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}.{ms:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// The time (milliseconds since the epoch) an export name stands for; `None` for any other name.
pub fn parse_stamp(stamp: &str) -> Option<i64> {
    let b = stamp.as_bytes();
    if b.len() != 20 || b[8] != b'T' || b[15] != b'.' || b[19] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let text = stamp.get(from..to)?;
        text.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    let (y, mo, d) = (num(0, 4)?, num(4, 6)?, num(6, 8)?);
    let (h, mi, s, ms) = (num(9, 11)?, num(11, 13)?, num(13, 15)?, num(16, 19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 86_400 + h * 3600 + mi * 60 + s) * 1000) + ms)
}

/// RFC 3339 of a time in milliseconds since the epoch (`2026-12-06T05:00:00.000Z`).
pub(super) fn rfc3339(millis: i64) -> String {
    let s = export_stamp(millis);
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[9..11],
        &s[11..13],
        &s[13..19]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_round_trip_and_sort_in_time_order() {
        // 2026-12-06T05:04:03.021Z
        let t = 1_796_533_443_021;
        assert_eq!(export_stamp(t), "20261206T050403.021Z");
        assert_eq!(parse_stamp("20261206T050403.021Z"), Some(t));
        assert_eq!(rfc3339(t), "2026-12-06T05:04:03.021Z");
        assert_eq!(export_stamp(0), "19700101T000000.000Z");
        assert!(export_stamp(t) < export_stamp(t + 86_400_000 * 40));
        for bad in [
            "latest",
            "20261306T050403.021Z",
            "20261206T050403Z",
            "2026120xT050403.021Z",
        ] {
            assert_eq!(parse_stamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn aws_schedules_become_five_field_crons() {
        let cron = |expr: &str| five_field(&cron::parse(expr).unwrap());
        assert_eq!(cron("cron(0 5 ? * * *)"), Ok("0 5 * * *".into()));
        assert_eq!(cron("cron(30 2 1 * ? *)"), Ok("30 2 1 * *".into()));
        assert_eq!(cron("cron(0 5 ? * 1,7 *)"), Ok("0 5 * * 0,6".into()));
        assert_eq!(cron("rate(6 hours)"), Ok("0 */6 * * *".into()));
        assert_eq!(cron("rate(1 day)"), Ok("0 0 * * *".into()));
        assert!(cron("rate(7 hours)").is_err());
        assert!(cron("cron(0 5 L * ? *)").is_err());
    }
}
