//! Why AWS Backup would reject a schedule expression.
//!
//! The texts are what users read in the "Invalid schedule" diagnostic, so they say how to fix the
//! expression, not only what is wrong with it.

use thiserror::Error;

/// A schedule expression AWS Backup would reject, and why.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ScheduleError {
    /// Spaces before or after the expression.
    #[error("remove the spaces around the expression")]
    SurroundingSpaces,
    /// Neither `cron(...)` nor `rate(...)`.
    #[error(
        "expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)"
    )]
    UnknownForm,
    /// A `rate()` that is not `<value> <unit>` with one space.
    #[error("rate() takes a value and a unit separated by one space, e.g. rate(12 hours)")]
    RateShape,
    /// A rate value with something other than digits.
    #[error("rate value {0:?} is not a whole number")]
    RateNotWhole(String),
    /// A rate value beyond `u32`.
    #[error("rate value {0} is too large")]
    RateTooLarge(String),
    /// `rate(0 ...)`.
    #[error("rate value must be at least 1")]
    RateZero,
    /// A unit other than minute(s), hour(s) or day(s).
    #[error("unknown rate unit {0:?}: use minutes, hours or days")]
    RateUnit(String),
    /// `rate(1 hours)` or `rate(2 hour)`.
    #[error("use the singular unit for a value of 1 (rate(1 hour)) and the plural otherwise")]
    RateUnitNumber,
    /// A rate of fewer than 60 minutes.
    #[error("rate({0} minutes) runs more than once an hour; AWS Backup runs a rule at most once an hour")]
    RateTooFrequent(u32),
    /// Fields separated by something other than single spaces.
    #[error("separate the six fields by single spaces")]
    FieldSpacing,
    /// A `cron()` without exactly six fields.
    #[error("expected 6 fields (minutes hours day-of-month month day-of-week year), found {0}")]
    FieldCount(usize),
    /// Day-of-month and day-of-week both `?`.
    #[error("day-of-month and day-of-week are both ?; exactly one of them must be ?")]
    BothDaysUnspecified,
    /// Neither day-of-month nor day-of-week is `?`.
    #[error("day-of-month and day-of-week are both set; exactly one of them must be ? (e.g. cron(0 5 ? * MON *))")]
    BothDaysSet,
    /// A minutes field selecting more than one minute.
    #[error(
        "the minutes field selects {0} minutes of each hour; AWS Backup runs a rule at most once an hour, \
         so it must name a single minute"
    )]
    SeveralMinutes(usize),
    /// One field of a `cron()` is wrong.
    #[error("{field}: {problem}")]
    Field {
        /// The field's name: `minutes`, `hours`, `day-of-month`, `month`, `day-of-week`, `year`.
        field: &'static str,
        /// What is wrong with it.
        problem: FieldError,
    },
}

/// What is wrong with one field of a `cron()` expression.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FieldError {
    /// `?` outside day-of-month and day-of-week.
    #[error("? is only allowed in day-of-month or day-of-week")]
    UnspecifiedNotAllowed,
    /// An empty entry in a list (`1,,2`); holds the list.
    #[error("empty entry in list {0:?}")]
    EmptyEntry(String),
    /// A range whose start is after its end.
    #[error("range {range} runs backwards; write it as two ranges ({start}-{max}, {min}-{end})")]
    BackwardsRange {
        /// The range as written.
        range: String,
        /// Its start.
        start: u16,
        /// Its end.
        end: u16,
        /// The field's smallest value.
        min: u16,
        /// The field's largest value.
        max: u16,
    },
    /// An increment that is not a whole number within the field's span.
    #[error("increment {text:?} must be a whole number from 1 to {max}")]
    Increment {
        /// The increment as written.
        text: String,
        /// The largest increment the field allows.
        max: u16,
    },
    /// A number outside the field's bounds.
    #[error("{text} is outside {min}-{max}")]
    OutOfRange {
        /// The number as written.
        text: String,
        /// The field's smallest value.
        min: u16,
        /// The field's largest value.
        max: u16,
    },
    /// Not a number, in a field that takes no names.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// Neither a number nor a name, in a field that takes names (months, days of week).
    #[error("{text:?} is neither a number ({min}-{max}) nor a name ({})", .names.join(", "))]
    NotANumberOrName {
        /// The value as written.
        text: String,
        /// The field's smallest value.
        min: u16,
        /// The field's largest value.
        max: u16,
        /// The names the field takes.
        names: &'static [&'static str],
    },
    /// `<day>W` with more than a single day.
    #[error("W takes a single day (e.g. 15W), not {0:?}")]
    NearestWeekdayNotSingle(String),
    /// `L` or `W` mixed into other day-of-month entries.
    #[error("L and W stand alone in the field (L, LW or <day>W), not {0:?}")]
    LastOrWeekdayNotAlone(String),
    /// `#` mixed into other day-of-week entries.
    #[error("# stands alone in the field (e.g. MON#1), not {0:?}")]
    NthNotAlone(String),
    /// An occurrence after `#` other than 1 to 5.
    #[error("the occurrence after # must be 1 to 5, not {0:?}")]
    NthOutOfRange(String),
    /// `<day>L` with more than a single day.
    #[error("<day>L takes a single day (e.g. FRIL or 6L), not {0:?}")]
    LastDayNotSingle(String),
}
