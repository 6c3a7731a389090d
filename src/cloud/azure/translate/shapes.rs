//! The Azure policy shapes rules translate to (their ARM JSON bodies are in `azure::bodies`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// `ALL` (every value, in order) and a case-insensitive `Deserialize` (ARM compares enum values
/// without case) for enums whose serde spelling is their variant name.
macro_rules! azure_enum {
    ($name:ident [$($variant:ident),+ $(,)?]) => {
        impl $name {
            /// Every value, in the API's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| format!("{v:?}").eq_ignore_ascii_case(&text))
                    .ok_or_else(|| {
                        serde::de::Error::custom(format!(
                            concat!("unknown ", stringify!($name), " {:?}"),
                            text
                        ))
                    })
            }
        }
    };
}

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

azure_enum!(DayOfWeek[Sunday, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday]);

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

azure_enum!(WeekOfMonth[First, Second, Third, Fourth, Last]);

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

azure_enum!(MonthOfYear[
    January, February, March, April, May, June, July, August, September, October, November,
    December,
]);

/// Azure's `RetentionDurationType`.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DurationType {
    Days,
    Weeks,
    Months,
    Years,
}

azure_enum!(DurationType[Days, Weeks, Months, Years]);

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

azure_enum!(ScheduleRunFrequency[Daily, Weekly]);
