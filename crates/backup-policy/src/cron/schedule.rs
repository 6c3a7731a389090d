//! What a schedule expression means, once parsed.

use super::fields::YEAR;
use super::value_set::ValueSet;

/// A parsed schedule expression.
// A cron holds its fields inline (a few hundred bytes, no heap); boxing it would bring back the
// per-parse allocation the bitsets remove, and schedules are short-lived values.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// `cron(...)`: at the listed times.
    Cron(CronSchedule),
    /// `rate(...)`: at a fixed interval from when the rule is created.
    Rate(Rate),
}

/// A `rate(<value> <unit>)` expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// How many units between runs (at least 1).
    pub value: u32,
    /// The unit of `value`.
    pub unit: RateUnit,
}

impl Rate {
    /// The interval in minutes.
    pub fn interval_minutes(&self) -> u64 {
        let per_unit = match self.unit {
            RateUnit::Minutes => 1,
            RateUnit::Hours => 60,
            RateUnit::Days => 24 * 60,
        };
        u64::from(self.value) * per_unit
    }
}

/// The unit of a [`Rate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateUnit {
    /// `minute` / `minutes`.
    Minutes,
    /// `hour` / `hours`.
    Hours,
    /// `day` / `days`.
    Days,
}

/// A `cron(...)` expression, each field resolved to the values it selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSchedule {
    /// Minutes of the hour (0–59); exactly one for AWS Backup.
    pub minutes: ValueSet,
    /// Hours of the day (0–23, UTC).
    pub hours: ValueSet,
    /// The day-of-month field.
    pub days_of_month: DaysOfMonth,
    /// Months (1–12).
    pub months: ValueSet,
    /// The day-of-week field.
    pub days_of_week: DaysOfWeek,
    /// Years (1970–2199).
    pub years: ValueSet,
}

/// The day-of-month field of a [`CronSchedule`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaysOfMonth {
    /// `?`: the day is given by day-of-week.
    Unspecified,
    /// Days 1–31 (`*` selects all 31).
    Days(ValueSet),
    /// `L`: the last day of the month.
    Last,
    /// `LW`: the last weekday of the month.
    LastWeekday,
    /// `<n>W`: the weekday nearest day n.
    NearestWeekday(u8),
}

/// The day-of-week field of a [`CronSchedule`]; days are 1 (Sunday) to 7 (Saturday).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaysOfWeek {
    /// `?`: the day is given by day-of-month.
    Unspecified,
    /// These days of every week (`*` selects all 7; `L` alone is Saturday).
    Days(ValueSet),
    /// `<day>L`: the last such day of the month.
    Last(u8),
    /// `<day>#<n>`: the n-th (1–5) such day of the month.
    Nth {
        /// The day of week, 1 (Sunday) to 7 (Saturday).
        day: u8,
        /// Which occurrence in the month, 1 to 5.
        nth: u8,
    },
}

impl CronSchedule {
    /// Whether the schedule selects every day (every month, every year).
    pub fn is_every_day(&self) -> bool {
        let all_dom = matches!(&self.days_of_month, DaysOfMonth::Days(d) if d.len() == 31);
        let all_dow = matches!(&self.days_of_week, DaysOfWeek::Days(d) if d.len() == 7);
        self.is_every_month() && (all_dom || all_dow)
    }

    /// Whether the month field is `*` (or lists all twelve).
    pub fn is_every_month(&self) -> bool {
        self.months.len() == 12
    }

    /// Whether the year field is `*` (or covers every year AWS accepts).
    pub fn is_every_year(&self) -> bool {
        self.years.len() == usize::from(YEAR.max - YEAR.min + 1)
    }
}
