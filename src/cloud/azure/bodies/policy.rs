//! `ProtectionPolicyResource` with `AzureIaaSVMProtectionPolicy` properties (`bms.json`): a
//! `SimpleSchedulePolicy` and a `LongTermRetentionPolicy`, to and from [`AzureRetentionSchedule`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{to_json, IfShaped};
use crate::cloud::azure::translate::{
    AzureLongTermRetention, AzureRetentionSchedule, AzureSchedule, DailyRetention, DayOfWeek,
    DurationType, MonthDay, MonthOfYear, MonthlyRetention, RetentionDuration as Duration,
    RetentionFormat, ScheduleRunFrequency, TimeOfDay, WeekOfMonth, WeeklyRetention,
    YearlyRetention,
};

/// A protection policy: the PUT body and the answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ProtectionPolicy {
    /// The ARM id (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) id: Option<String>,
    /// The name (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) name: Option<String>,
    /// `AzureIaaSVMProtectionPolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) properties: Option<IaasVmPolicy>,
}

/// `AzureIaaSVMProtectionPolicy`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IaasVmPolicy {
    /// `AzureIaasVM` (the discriminator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) backup_management_type: Option<String>,
    /// `V1` (standard) or `V2` (enhanced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) policy_type: Option<String>,
    /// The time zone of the schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) time_zone: Option<String>,
    /// When backups run; `None` inside when ARM holds a shape this provider does not write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) schedule_policy: Option<IfShaped<SchedulePolicy>>,
    /// How long points are kept; `None` inside for a shape this provider does not write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retention_policy: Option<IfShaped<RetentionPolicy>>,
    /// Days instant-restore snapshots are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) instant_rp_retention_range_in_days: Option<i64>,
    /// How many items the policy protects (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) protected_items_count: Option<i64>,
}

/// The one `schedulePolicyType` this provider writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum SchedulePolicyType {
    /// Daily or weekly at one time of day.
    SimpleSchedulePolicy,
}

/// `SimpleSchedulePolicy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SchedulePolicy {
    /// The discriminator.
    pub(crate) schedule_policy_type: SchedulePolicyType,
    /// Daily or weekly.
    pub(crate) schedule_run_frequency: ScheduleRunFrequency,
    /// The days of a weekly schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) schedule_run_days: Option<Vec<DayOfWeek>>,
    /// When backups run (only the time of day counts).
    pub(crate) schedule_run_times: Vec<String>,
}

/// The one `retentionPolicyType` this provider writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RetentionPolicyType {
    /// Daily, weekly, monthly and yearly tiers.
    LongTermRetentionPolicy,
}

/// `LongTermRetentionPolicy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetentionPolicy {
    /// The discriminator.
    pub(crate) retention_policy_type: RetentionPolicyType,
    /// `DailyRetentionSchedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) daily_schedule: Option<DailySchedule>,
    /// `WeeklyRetentionSchedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) weekly_schedule: Option<WeeklySchedule>,
    /// `MonthlyRetentionSchedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) monthly_schedule: Option<TierSchedule>,
    /// `YearlyRetentionSchedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) yearly_schedule: Option<TierSchedule>,
}

/// `RetentionDuration`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetentionDurationBody {
    /// How many units.
    pub(crate) count: i64,
    /// The unit.
    pub(crate) duration_type: DurationType,
}

/// `DailyRetentionSchedule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DailySchedule {
    /// The schedule's run time.
    #[serde(default)]
    pub(crate) retention_times: Vec<String>,
    /// How long.
    pub(crate) retention_duration: RetentionDurationBody,
}

/// `WeeklyRetentionSchedule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WeeklySchedule {
    /// Which days' points are kept.
    pub(crate) days_of_the_week: Vec<DayOfWeek>,
    /// The schedule's run time.
    #[serde(default)]
    pub(crate) retention_times: Vec<String>,
    /// How long.
    pub(crate) retention_duration: RetentionDurationBody,
}

/// `retentionScheduleFormatType` of a monthly or yearly tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum FormatType {
    /// Days of the month (`retentionScheduleDaily`).
    Daily,
    /// Weekdays in weeks of the month (`retentionScheduleWeekly`).
    Weekly,
}

/// `MonthlyRetentionSchedule`, and `YearlyRetentionSchedule` (with `monthsOfYear`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TierSchedule {
    /// How the days are picked.
    pub(crate) retention_schedule_format_type: FormatType,
    /// The days of the month, for the `Daily` format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retention_schedule_daily: Option<DailyFormat>,
    /// The weekdays and weeks, for the `Weekly` format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retention_schedule_weekly: Option<WeeklyFormat>,
    /// The months of a yearly tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) months_of_year: Option<Vec<MonthOfYear>>,
    /// The schedule's run time.
    #[serde(default)]
    pub(crate) retention_times: Vec<String>,
    /// How long.
    pub(crate) retention_duration: RetentionDurationBody,
}

/// `DailyRetentionFormat`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DailyFormat {
    /// The days.
    pub(crate) days_of_the_month: Vec<Day>,
}

/// `Day`: a date, or the last day of the month.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Day {
    /// 1–28 (0 with `isLast`).
    #[serde(default)]
    pub(crate) date: Option<i64>,
    /// The last day of the month.
    #[serde(default)]
    pub(crate) is_last: Option<bool>,
}

/// `WeeklyRetentionFormat`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WeeklyFormat {
    /// The weekdays.
    pub(crate) days_of_the_week: Vec<DayOfWeek>,
    /// The weeks of the month.
    pub(crate) weeks_of_the_month: Vec<WeekOfMonth>,
}

impl From<&AzureRetentionSchedule> for SchedulePolicy {
    fn from(s: &AzureRetentionSchedule) -> Self {
        SchedulePolicy {
            schedule_policy_type: SchedulePolicyType::SimpleSchedulePolicy,
            schedule_run_frequency: s.schedule.frequency,
            schedule_run_days: (s.schedule.frequency == ScheduleRunFrequency::Weekly)
                .then(|| s.schedule.run_days.clone()),
            schedule_run_times: vec![s.schedule.run_time.to_azure()],
        }
    }
}

impl From<Duration> for RetentionDurationBody {
    fn from(d: Duration) -> Self {
        RetentionDurationBody {
            count: d.count,
            duration_type: d.duration_type,
        }
    }
}

impl From<RetentionDurationBody> for Duration {
    fn from(d: RetentionDurationBody) -> Self {
        Duration {
            count: d.count,
            duration_type: d.duration_type,
        }
    }
}

/// A monthly or yearly tier body.
fn tier(
    format: &RetentionFormat,
    months: Option<Vec<MonthOfYear>>,
    times: &[String],
    duration: Duration,
) -> TierSchedule {
    let (format_type, daily, weekly) = match format {
        RetentionFormat::Daily(days) => {
            let days = days
                .iter()
                .map(|d| match d {
                    MonthDay::Date(n) => Day {
                        date: Some(i64::from(*n)),
                        is_last: Some(false),
                    },
                    MonthDay::Last => Day {
                        date: Some(0),
                        is_last: Some(true),
                    },
                })
                .collect();
            let daily = DailyFormat {
                days_of_the_month: days,
            };
            (FormatType::Daily, Some(daily), None)
        }
        RetentionFormat::Weekly { days, weeks } => {
            let weekly = WeeklyFormat {
                days_of_the_week: days.clone(),
                weeks_of_the_month: weeks.clone(),
            };
            (FormatType::Weekly, None, Some(weekly))
        }
    };
    TierSchedule {
        retention_schedule_format_type: format_type,
        retention_schedule_daily: daily,
        retention_schedule_weekly: weekly,
        months_of_year: months,
        retention_times: times.to_vec(),
        retention_duration: duration.into(),
    }
}

impl From<&AzureRetentionSchedule> for RetentionPolicy {
    fn from(s: &AzureRetentionSchedule) -> Self {
        let times = vec![s.schedule.run_time.to_azure()];
        let r = &s.retention;
        RetentionPolicy {
            retention_policy_type: RetentionPolicyType::LongTermRetentionPolicy,
            daily_schedule: r.daily.as_ref().map(|d| DailySchedule {
                retention_times: times.clone(),
                retention_duration: d.duration.into(),
            }),
            weekly_schedule: r.weekly.as_ref().map(|w| WeeklySchedule {
                days_of_the_week: w.days.clone(),
                retention_times: times.clone(),
                retention_duration: w.duration.into(),
            }),
            monthly_schedule: r
                .monthly
                .as_ref()
                .map(|m| tier(&m.format, None, &times, m.duration)),
            yearly_schedule: r
                .yearly
                .as_ref()
                .map(|y| tier(&y.format, Some(y.months.clone()), &times, y.duration)),
        }
    }
}

impl AzureRetentionSchedule {
    /// The `schedulePolicy` object of an `AzureIaasVM` protection policy.
    pub fn schedule_policy_json(&self) -> Value {
        to_json(&SchedulePolicy::from(self))
    }

    /// The `retentionPolicy` object of an `AzureIaasVM` protection policy.
    pub fn retention_policy_json(&self) -> Value {
        to_json(&RetentionPolicy::from(self))
    }
}

/// `2020-01-01T05:30:00Z` (any date) → 05:30.
fn time_of_day(times: &[String]) -> Option<TimeOfDay> {
    let time = times.first()?.split('T').nth(1)?;
    let mut parts = time.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    Some(TimeOfDay { hour, minute })
}

/// The days of a monthly or yearly tier; `None` when the format's own part is missing.
fn format(t: &TierSchedule) -> Option<RetentionFormat> {
    match t.retention_schedule_format_type {
        FormatType::Daily => {
            let days = t
                .retention_schedule_daily
                .as_ref()?
                .days_of_the_month
                .iter()
                .map(|d| match d.is_last {
                    Some(true) => Some(MonthDay::Last),
                    _ => Some(MonthDay::Date(u8::try_from(d.date?).ok()?)),
                })
                .collect::<Option<Vec<_>>>()?;
            Some(RetentionFormat::Daily(days))
        }
        FormatType::Weekly => {
            let w = t.retention_schedule_weekly.as_ref()?;
            Some(RetentionFormat::Weekly {
                days: w.days_of_the_week.clone(),
                weeks: w.weeks_of_the_month.clone(),
            })
        }
    }
}

/// Reads back what [`SchedulePolicy::from`] and [`RetentionPolicy::from`] wrote; `None` for any
/// other shape.
pub(crate) fn parse_schedule(
    sp: &SchedulePolicy,
    rp: &RetentionPolicy,
) -> Option<AzureRetentionSchedule> {
    let run_days = match sp.schedule_run_frequency {
        ScheduleRunFrequency::Weekly => sp.schedule_run_days.clone()?,
        ScheduleRunFrequency::Daily => Vec::new(),
    };
    let run_time = time_of_day(&sp.schedule_run_times)?;
    let mut retention = AzureLongTermRetention::default();
    if let Some(t) = &rp.daily_schedule {
        retention.daily = Some(DailyRetention {
            duration: t.retention_duration.into(),
        });
    }
    if let Some(t) = &rp.weekly_schedule {
        retention.weekly = Some(WeeklyRetention {
            days: t.days_of_the_week.clone(),
            duration: t.retention_duration.into(),
        });
    }
    if let Some(t) = &rp.monthly_schedule {
        retention.monthly = Some(MonthlyRetention {
            format: format(t)?,
            duration: t.retention_duration.into(),
        });
    }
    if let Some(t) = &rp.yearly_schedule {
        retention.yearly = Some(YearlyRetention {
            months: t.months_of_year.clone()?,
            format: format(t)?,
            duration: t.retention_duration.into(),
        });
    }
    Some(AzureRetentionSchedule {
        schedule: AzureSchedule {
            frequency: sp.schedule_run_frequency,
            run_days,
            run_time,
        },
        retention,
    })
}
