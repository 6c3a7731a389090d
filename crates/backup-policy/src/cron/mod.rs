//! AWS Backup schedule expressions: `cron(...)` and `rate(...)`, parsed the way AWS reads them.
//!
//! `cron(minutes hours day-of-month month day-of-week year)` has six fields separated by single
//! spaces. Each field takes `*`, values, ranges `a-b`, increments `a/n`, `*/n` or `a-b/n`, and lists
//! of those. Months may be written `JAN`–`DEC`, days of week `SUN`–`SAT` (`1` = Sunday), case
//! insensitively. Day-of-month also takes `L` (last day), `LW` (last weekday) and `<n>W` (weekday
//! nearest day n); day-of-week takes `L` (Saturday), `<day>L` (last such day of the month) and
//! `<day>#<n>` (n-th such day); those forms stand alone in their field. Exactly one of
//! day-of-month and day-of-week is `?`.
//!
//! AWS Backup runs a rule at most once an hour, so the minutes field must name a single minute and
//! a `rate()` must be at least 60 minutes.
//!
//! Dependencies point one way: `fields` and `value_set` <- `schedule` (what an expression means)
//! and `error` <- `parse` (reading one).

mod error;
mod fields;
mod interval;
mod parse;
mod schedule;
mod value_set;

pub use error::{FieldError, ScheduleError};
pub use interval::max_interval_days;
pub use parse::parse;
pub use schedule::{CronSchedule, DaysOfMonth, DaysOfWeek, Rate, RateUnit, Schedule};
pub use value_set::{ValueSet, Values};
