//! Rules combined into one schedule with its retention tiers.

use std::collections::BTreeSet;

use backup_policy::{paths, PolicyDiagnostic};

use super::classify::{months_covering, Shape, Shaped};
use super::shapes::*;
use super::MIN_DAILY_RETENTION_DAYS;

const MAX_DAILY_DAYS: i64 = 9999;
const MAX_WEEKS: i64 = 5163;
const MAX_MONTHS: i64 = 1188;
const MAX_YEARS: i64 = 99;

pub(super) fn combine(
    shaped: Vec<Shaped>,
) -> Result<AzureRetentionSchedule, Vec<PolicyDiagnostic>> {
    let mut diagnostics = Vec::new();
    let retention_error = |s: &Shaped, count: i64, unit: &str, min: i64, max: i64| {
        PolicyDiagnostic::new(
            paths::rule_field(&s.name, "retention_days"),
            "Retention not expressible in Azure",
            format!(
                "rule {:?}: retention_days = {} becomes {count} {unit} in Azure, which allows {min} to {max} {unit}.",
                s.name, s.retention_days
            ),
        )
    };
    let duration = |s: &Shaped,
                    count: i64,
                    unit: DurationType,
                    min: i64,
                    max: i64,
                    diags: &mut Vec<PolicyDiagnostic>| {
        if !(min..=max).contains(&count) {
            diags.push(retention_error(
                s,
                count,
                &format!("{unit:?}").to_lowercase(),
                min,
                max,
            ));
        }
        RetentionDuration {
            count,
            duration_type: unit,
        }
    };
    let longest = |a: Option<RetentionDuration>, b: RetentionDuration| match a {
        Some(a) if a.count >= b.count => a,
        _ => b,
    };
    // The most frequent kind of rule sets the schedule; two of that kind must agree on the time.
    let base_kind = |s: &Shaped| match &s.shape {
        Shape::Daily => 0,
        Shape::Weekly(_) => 1,
        _ => 2,
    };
    let top = shaped.iter().map(base_kind).min().unwrap_or(2);
    let leaders: Vec<&Shaped> = shaped.iter().filter(|s| base_kind(s) == top).collect();
    let time = leaders[0].time;
    if top < 2 {
        for s in leaders.iter().filter(|s| s.time != time) {
            diagnostics.push(unsupported_time(leaders[0], s));
        }
    }
    let mut daily: Option<RetentionDuration> = None;
    let mut weekly: Option<(BTreeSet<DayOfWeek>, RetentionDuration)> = None;
    let mut monthly: Option<(RetentionFormat, RetentionDuration)> = None;
    let mut yearly: Option<(BTreeSet<MonthOfYear>, RetentionFormat, RetentionDuration)> = None;
    for s in &shaped {
        match &s.shape {
            Shape::Daily => {
                let d = duration(
                    s,
                    s.retention_days,
                    DurationType::Days,
                    MIN_DAILY_RETENTION_DAYS,
                    MAX_DAILY_DAYS,
                    &mut diagnostics,
                );
                daily = Some(longest(daily, d));
            }
            Shape::Weekly(days) => {
                let d = duration(
                    s,
                    (s.retention_days + 6) / 7,
                    DurationType::Weeks,
                    1,
                    MAX_WEEKS,
                    &mut diagnostics,
                );
                let (mut all, prev) = weekly
                    .take()
                    .map_or((BTreeSet::new(), None), |(a, p)| (a, Some(p)));
                all.extend(days.iter().copied());
                weekly = Some((all, longest(prev, d)));
            }
            Shape::Monthly(format) => {
                let d = duration(
                    s,
                    months_covering(s.retention_days),
                    DurationType::Months,
                    1,
                    MAX_MONTHS,
                    &mut diagnostics,
                );
                monthly = match monthly.take() {
                    None => Some((format.clone(), d)),
                    Some((f, p)) => match unite(&f, format) {
                        Some(f) => Some((f, longest(Some(p), d))),
                        None => {
                            diagnostics.push(mixed_formats(s, "monthly"));
                            Some((f, p))
                        }
                    },
                };
            }
            Shape::Yearly(months, format) => {
                let years = (s.retention_days + 364) / 365;
                let d = duration(
                    s,
                    years,
                    DurationType::Years,
                    1,
                    MAX_YEARS,
                    &mut diagnostics,
                );
                yearly = match yearly.take() {
                    None => Some((months.iter().copied().collect(), format.clone(), d)),
                    Some((mut m, f, p)) => match unite(&f, format) {
                        Some(f) => {
                            m.extend(months.iter().copied());
                            Some((m, f, longest(Some(p), d)))
                        }
                        None => {
                            diagnostics.push(mixed_formats(s, "yearly"));
                            Some((m, f, p))
                        }
                    },
                };
            }
        }
    }
    // Without a daily or weekly rule, the backup the tiers need: weekly on the weekdays a
    // weekday-format tier uses, else daily; kept Azure's minimum.
    let tier_weekdays: BTreeSet<DayOfWeek> = [
        monthly.as_ref().map(|m| &m.0),
        yearly.as_ref().map(|y| &y.1),
    ]
    .into_iter()
    .flatten()
    .filter_map(|f| match f {
        RetentionFormat::Weekly { days, .. } => Some(days.iter().copied()),
        RetentionFormat::Daily(_) => None,
    })
    .flatten()
    .collect();
    if daily.is_none() && weekly.is_none() {
        if tier_weekdays.is_empty() {
            daily = Some(RetentionDuration {
                count: MIN_DAILY_RETENTION_DAYS,
                duration_type: DurationType::Days,
            });
        } else {
            weekly = Some((
                tier_weekdays.clone(),
                RetentionDuration {
                    count: 1,
                    duration_type: DurationType::Weeks,
                },
            ));
        }
    }
    let schedule = match (&daily, &weekly) {
        (Some(_), _) => AzureSchedule {
            frequency: ScheduleRunFrequency::Daily,
            run_days: vec![],
            run_time: time,
        },
        (None, Some((days, _))) => {
            let days: Vec<DayOfWeek> = days.iter().copied().collect();
            for s in &shaped {
                let tier_format = match &s.shape {
                    Shape::Monthly(f) | Shape::Yearly(_, f) => f,
                    _ => continue,
                };
                match tier_format {
                    RetentionFormat::Daily(_) => {
                        diagnostics.push(weekly_base_conflict(s, "falls on days of the month"))
                    }
                    RetentionFormat::Weekly { days: d, .. }
                        if d.iter().any(|d| !days.contains(d)) =>
                    {
                        diagnostics.push(weekly_base_conflict(
                            s,
                            "falls on a weekday the weekly backup does not run",
                        ))
                    }
                    RetentionFormat::Weekly { .. } => {}
                }
            }
            AzureSchedule {
                frequency: ScheduleRunFrequency::Weekly,
                run_days: days,
                run_time: time,
            }
        }
        (None, None) => unreachable!("a daily or weekly tier was added above"),
    };
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(AzureRetentionSchedule {
        schedule,
        retention: AzureLongTermRetention {
            daily: daily.map(|duration| DailyRetention { duration }),
            weekly: weekly.map(|(days, duration)| WeeklyRetention {
                days: days.into_iter().collect(),
                duration,
            }),
            monthly: monthly.map(|(format, duration)| MonthlyRetention { format, duration }),
            yearly: yearly.map(|(months, format, duration)| YearlyRetention {
                months: months.into_iter().collect(),
                format,
                duration,
            }),
        },
    })
}

/// Two tiers' day selections combined, if they use the same format.
fn unite(a: &RetentionFormat, b: &RetentionFormat) -> Option<RetentionFormat> {
    fn union<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
        a.iter()
            .chain(b)
            .copied()
            .collect::<BTreeSet<T>>()
            .into_iter()
            .collect()
    }
    match (a, b) {
        (RetentionFormat::Daily(x), RetentionFormat::Daily(y)) => {
            Some(RetentionFormat::Daily(union(x, y)))
        }
        (
            RetentionFormat::Weekly {
                days: d1,
                weeks: w1,
            },
            RetentionFormat::Weekly {
                days: d2,
                weeks: w2,
            },
        ) => Some(RetentionFormat::Weekly {
            days: union(d1, d2),
            weeks: union(w1, w2),
        }),
        _ => None,
    }
}

fn unsupported_time(leader: &Shaped, other: &Shaped) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::rule_field(&other.name, "schedule"),
        "Schedule not expressible in Azure",
        format!(
            "rule {:?} runs at {} but rule {:?} at {}; an Azure VM backup policy runs at one time of day.",
            other.name, other.time, leader.name, leader.time
        ),
    )
}

fn mixed_formats(s: &Shaped, tier: &str) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::rule_field(&s.name, "schedule"),
        "Schedule not expressible in Azure",
        format!(
            "rule {:?}: another rule's {tier} points fall on days of the month and this one's on weekdays (or the \
             other way round); an Azure {tier} tier uses one or the other.",
            s.name
        ),
    )
}

fn weekly_base_conflict(s: &Shaped, what: &str) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::rule_field(&s.name, "schedule"),
        "Schedule not expressible in Azure",
        format!(
            "rule {:?} {what}, but the policy backs up weekly; add a daily rule or use weekdays the weekly rule runs on.",
            s.name
        ),
    )
}
