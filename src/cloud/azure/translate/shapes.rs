//! The Azure policy shapes rules translate to, and their ARM JSON.

use std::fmt;

use serde::Serialize;
use serde_json::{json, Value};

/// A time of day (UTC) on the hour or half hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    /// 0–23.
    pub hour: u8,
    /// 0 or 30.
    pub minute: u8,
}

impl TimeOfDay {
    /// The `date-time` Azure expects in `scheduleRunTimes` and `retentionTimes` (only the time
    /// of day counts; compare times of day when reading a policy back).
    pub fn to_azure(&self) -> String {
        format!("2020-01-01T{:02}:{:02}:00Z", self.hour, self.minute)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// Azure's `DayOfWeek`.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DayOfWeek {
    Sunday,
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
}

/// Azure's `WeekOfMonth`.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum WeekOfMonth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// Azure's `MonthOfYear`.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum MonthOfYear {
    January,
    February,
    March,
    April,
    May,
    June,
    July,
    August,
    September,
    October,
    November,
    December,
}

/// Azure's `RetentionDurationType`.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DurationType {
    Days,
    Weeks,
    Months,
    Years,
}

/// Azure's `ScheduleRunType` (the two an IaaS VM standard policy uses).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ScheduleRunFrequency {
    Daily,
    Weekly,
}

/// Azure's `RetentionDuration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionDuration {
    /// How many units.
    pub count: i64,
    /// The unit.
    pub duration_type: DurationType,
}

/// A `SimpleSchedulePolicy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureSchedule {
    /// Daily or weekly.
    pub frequency: ScheduleRunFrequency,
    /// Days of a weekly schedule (empty for daily).
    pub run_days: Vec<DayOfWeek>,
    /// When backups run.
    pub run_time: TimeOfDay,
}

/// A day of the month in a `DailyRetentionFormat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MonthDay {
    /// Day 1–28.
    Date(u8),
    /// The last day of the month.
    Last,
}

/// How a monthly or yearly tier picks its days (`retentionScheduleFormatType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetentionFormat {
    /// Days of the month.
    Daily(Vec<MonthDay>),
    /// Weekdays in weeks of the month.
    Weekly {
        /// Days of week.
        days: Vec<DayOfWeek>,
        /// Weeks of the month.
        weeks: Vec<WeekOfMonth>,
    },
}

/// The daily tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailyRetention {
    /// How long daily points are kept (days).
    pub duration: RetentionDuration,
}

/// The weekly tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeeklyRetention {
    /// Which days' points are kept.
    pub days: Vec<DayOfWeek>,
    /// How long (weeks).
    pub duration: RetentionDuration,
}

/// The monthly tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyRetention {
    /// Which days' points are kept.
    pub format: RetentionFormat,
    /// How long (months).
    pub duration: RetentionDuration,
}

/// The yearly tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearlyRetention {
    /// In which months.
    pub months: Vec<MonthOfYear>,
    /// Which days' points are kept.
    pub format: RetentionFormat,
    /// How long (years).
    pub duration: RetentionDuration,
}

/// A `LongTermRetentionPolicy`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AzureLongTermRetention {
    /// Daily tier (required with a daily schedule).
    pub daily: Option<DailyRetention>,
    /// Weekly tier (required with a weekly schedule).
    pub weekly: Option<WeeklyRetention>,
    /// Monthly tier.
    pub monthly: Option<MonthlyRetention>,
    /// Yearly tier.
    pub yearly: Option<YearlyRetention>,
}

/// An Azure schedule with its retention: what one or more rules become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzureRetentionSchedule {
    /// The `schedulePolicy`.
    pub schedule: AzureSchedule,
    /// The `retentionPolicy`.
    pub retention: AzureLongTermRetention,
}

impl AzureRetentionSchedule {
    /// The `schedulePolicy` object of an `AzureIaasVM` protection policy.
    pub fn schedule_policy_json(&self) -> Value {
        let mut v = json!({
            "schedulePolicyType": "SimpleSchedulePolicy",
            "scheduleRunFrequency": self.schedule.frequency,
            "scheduleRunTimes": [self.schedule.run_time.to_azure()],
        });
        if self.schedule.frequency == ScheduleRunFrequency::Weekly {
            v["scheduleRunDays"] = json!(self.schedule.run_days);
        }
        v
    }

    /// The `retentionPolicy` object of an `AzureIaasVM` protection policy.
    pub fn retention_policy_json(&self) -> Value {
        let times = json!([self.schedule.run_time.to_azure()]);
        let duration =
            |d: &RetentionDuration| json!({ "count": d.count, "durationType": d.duration_type });
        let mut v = json!({ "retentionPolicyType": "LongTermRetentionPolicy" });
        let r = &self.retention;
        if let Some(d) = &r.daily {
            v["dailySchedule"] =
                json!({ "retentionTimes": times, "retentionDuration": duration(&d.duration) });
        }
        if let Some(w) = &r.weekly {
            v["weeklySchedule"] = json!({ "daysOfTheWeek": w.days, "retentionTimes": times, "retentionDuration": duration(&w.duration) });
        }
        if let Some(m) = &r.monthly {
            let mut tier = format_json(&m.format);
            tier["retentionTimes"] = times.clone();
            tier["retentionDuration"] = duration(&m.duration);
            v["monthlySchedule"] = tier;
        }
        if let Some(y) = &r.yearly {
            let mut tier = format_json(&y.format);
            tier["monthsOfYear"] = json!(y.months);
            tier["retentionTimes"] = times.clone();
            tier["retentionDuration"] = duration(&y.duration);
            v["yearlySchedule"] = tier;
        }
        v
    }
}

fn format_json(format: &RetentionFormat) -> Value {
    match format {
        RetentionFormat::Daily(days) => {
            let days: Vec<Value> = days
                .iter()
                .map(|d| match d {
                    MonthDay::Date(n) => json!({ "date": n, "isLast": false }),
                    MonthDay::Last => json!({ "date": 0, "isLast": true }),
                })
                .collect();
            json!({ "retentionScheduleFormatType": "Daily", "retentionScheduleDaily": { "daysOfTheMonth": days } })
        }
        RetentionFormat::Weekly { days, weeks } => json!({
            "retentionScheduleFormatType": "Weekly",
            "retentionScheduleWeekly": { "daysOfTheWeek": days, "weeksOfTheMonth": weeks },
        }),
    }
}
