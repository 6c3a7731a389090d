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

use std::borrow::Cow;

mod value_set;

pub use value_set::{ValueSet, Values};

const MONTH_NAMES: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

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

/// Parses an AWS Backup schedule expression, or says why AWS would reject it.
pub fn parse(expr: &str) -> Result<Schedule, String> {
    if expr.trim() != expr {
        return Err("remove the spaces around the expression".into());
    }
    if let Some(inner) = expr.strip_prefix("cron(").and_then(|s| s.strip_suffix(')')) {
        return parse_cron(inner).map(Schedule::Cron);
    }
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        return parse_rate(inner).map(Schedule::Rate);
    }
    Err(
        "expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)"
            .into(),
    )
}

fn parse_rate(inner: &str) -> Result<Rate, String> {
    let Some((value, unit)) = inner
        .split_once(' ')
        .filter(|(_, unit)| !unit.contains(' '))
    else {
        return Err(
            "rate() takes a value and a unit separated by one space, e.g. rate(12 hours)".into(),
        );
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("rate value {value:?} is not a whole number"));
    }
    let value: u32 = value
        .parse()
        .map_err(|_| format!("rate value {value} is too large"))?;
    if value == 0 {
        return Err("rate value must be at least 1".into());
    }
    let (unit, singular) = match unit {
        "minute" => (RateUnit::Minutes, true),
        "minutes" => (RateUnit::Minutes, false),
        "hour" => (RateUnit::Hours, true),
        "hours" => (RateUnit::Hours, false),
        "day" => (RateUnit::Days, true),
        "days" => (RateUnit::Days, false),
        other => {
            return Err(format!(
                "unknown rate unit {other:?}: use minutes, hours or days"
            ))
        }
    };
    if singular != (value == 1) {
        return Err(
            "use the singular unit for a value of 1 (rate(1 hour)) and the plural otherwise".into(),
        );
    }
    let rate = Rate { value, unit };
    if rate.interval_minutes() < 60 {
        return Err(format!(
            "rate({value} minutes) runs more than once an hour; AWS Backup runs a rule at most once an hour"
        ));
    }
    Ok(rate)
}

/// Bounds and names of one cron field.
struct Field {
    name: &'static str,
    min: u16,
    max: u16,
    names: &'static [&'static str],
}

const MINUTES: Field = Field {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Field = Field {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
};
const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &MONTH_NAMES,
};
const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &DAY_NAMES,
};
const YEAR: Field = Field {
    name: "year",
    min: 1970,
    max: 2199,
    names: &[],
};

fn parse_cron(inner: &str) -> Result<CronSchedule, String> {
    // Split into a fixed array: the count is only needed for the error message.
    let mut fields = [""; 6];
    let mut count = 0;
    for field in inner.split(' ') {
        if field.is_empty() {
            return Err("separate the six fields by single spaces".into());
        }
        if let Some(slot) = fields.get_mut(count) {
            *slot = field;
        }
        count += 1;
    }
    if count != fields.len() {
        return Err(format!(
            "expected 6 fields (minutes hours day-of-month month day-of-week year), found {count}"
        ));
    }
    let [minutes, hours, dom, month, dow, year] = fields;
    let minutes = parse_list(minutes, &MINUTES)?;
    let hours = parse_list(hours, &HOURS)?;
    let days_of_month = parse_day_of_month(dom)?;
    let months = parse_list(month, &MONTH)?;
    let days_of_week = parse_day_of_week(dow)?;
    let years = parse_list(year, &YEAR)?;
    match (&days_of_month, &days_of_week) {
        (DaysOfMonth::Unspecified, DaysOfWeek::Unspecified) => {
            return Err("day-of-month and day-of-week are both ?; exactly one of them must be ?".into())
        }
        (DaysOfMonth::Unspecified, _) | (_, DaysOfWeek::Unspecified) => {}
        _ => {
            return Err(
                "day-of-month and day-of-week are both set; exactly one of them must be ? (e.g. cron(0 5 ? * MON *))"
                    .into(),
            )
        }
    }
    if minutes.len() > 1 {
        return Err(format!(
            "the minutes field selects {} minutes of each hour; AWS Backup runs a rule at most once an hour, \
             so it must name a single minute",
            minutes.len()
        ));
    }
    Ok(CronSchedule {
        minutes,
        hours,
        days_of_month,
        months,
        days_of_week,
        years,
    })
}

/// `text` in upper case, borrowed when it already is (the usual case).
fn ascii_upper(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(text.to_ascii_uppercase())
    } else {
        Cow::Borrowed(text)
    }
}

fn parse_day_of_month(text: &str) -> Result<DaysOfMonth, String> {
    let upper = ascii_upper(text);
    let upper = upper.as_ref();
    if upper == "?" {
        return Ok(DaysOfMonth::Unspecified);
    }
    if upper == "L" {
        return Ok(DaysOfMonth::Last);
    }
    if upper == "LW" {
        return Ok(DaysOfMonth::LastWeekday);
    }
    if let Some(day) = upper.strip_suffix('W') {
        if day.contains([',', '-', '/', '*']) {
            return Err(format!(
                "day-of-month: W takes a single day (e.g. 15W), not {text:?}"
            ));
        }
        let day = parse_value(day, &DAY_OF_MONTH)?;
        return Ok(DaysOfMonth::NearestWeekday(day as u8));
    }
    if upper.contains(['L', 'W']) {
        return Err(format!(
            "day-of-month: L and W stand alone in the field (L, LW or <day>W), not {text:?}"
        ));
    }
    Ok(DaysOfMonth::Days(parse_list(text, &DAY_OF_MONTH)?))
}

fn parse_day_of_week(text: &str) -> Result<DaysOfWeek, String> {
    let upper = ascii_upper(text);
    let upper = upper.as_ref();
    if upper == "?" {
        return Ok(DaysOfWeek::Unspecified);
    }
    if upper == "L" {
        let mut saturday = ValueSet::empty(DAY_OF_WEEK.min);
        saturday.insert_stepped(7, 7, 1);
        return Ok(DaysOfWeek::Days(saturday));
    }
    if let Some((day, nth)) = upper.split_once('#') {
        if day.contains([',', '-', '/', '*']) || nth.contains(',') {
            return Err(format!(
                "day-of-week: # stands alone in the field (e.g. MON#1), not {text:?}"
            ));
        }
        let day = parse_value(day, &DAY_OF_WEEK)? as u8;
        let nth = match nth.parse::<u8>() {
            Ok(n @ 1..=5) if nth.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(format!(
                    "day-of-week: the occurrence after # must be 1 to 5, not {nth:?}"
                ))
            }
        };
        return Ok(DaysOfWeek::Nth { day, nth });
    }
    if let Some(day) = upper.strip_suffix('L') {
        if day.contains([',', '-', '/', '*']) {
            return Err(format!(
                "day-of-week: <day>L takes a single day (e.g. FRIL or 6L), not {text:?}"
            ));
        }
        return Ok(DaysOfWeek::Last(parse_value(day, &DAY_OF_WEEK)? as u8));
    }
    Ok(DaysOfWeek::Days(parse_list(text, &DAY_OF_WEEK)?))
}

/// Parses a list of `*`, values, ranges and increments into the values it selects.
fn parse_list(text: &str, field: &Field) -> Result<ValueSet, String> {
    if text == "?" {
        return Err(format!(
            "{}: ? is only allowed in day-of-month or day-of-week",
            field.name
        ));
    }
    let mut values = ValueSet::empty(field.min);
    for item in text.split(',') {
        if item.is_empty() {
            return Err(format!("{}: empty entry in list {text:?}", field.name));
        }
        let (start, end, step) = parse_item(item, field)?;
        values.insert_stepped(start, end, step);
    }
    Ok(values)
}

/// One list entry as `(start, end, step)`: it selects `start`, `start + step`, ... up to `end`.
fn parse_item(item: &str, field: &Field) -> Result<(u16, u16, u16), String> {
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(parse_step(step, field)?)),
        None => (item, None),
    };
    let (start, end) = if base == "*" {
        (field.min, field.max)
    } else if let Some((a, b)) = base.split_once('-') {
        let (a, b) = (parse_value(a, field)?, parse_value(b, field)?);
        if a > b {
            return Err(format!(
                "{}: range {base} runs backwards; write it as two ranges ({a}-{}, {}-{b})",
                field.name, field.max, field.min
            ));
        }
        (a, b)
    } else {
        let a = parse_value(base, field)?;
        // `a/n` runs from a to the end of the field.
        (a, if step.is_some() { field.max } else { a })
    };
    Ok((start, end, step.unwrap_or(1)))
}

fn parse_step(text: &str, field: &Field) -> Result<u16, String> {
    let span = field.max - field.min;
    match text.parse::<u16>() {
        Ok(n) if n >= 1 && n <= span.max(1) && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!(
            "{}: increment {text:?} must be a whole number from 1 to {}",
            field.name,
            span.max(1)
        )),
    }
}

fn parse_value(text: &str, field: &Field) -> Result<u16, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let value: u16 = text.parse().unwrap_or(u16::MAX);
        if value < field.min || value > field.max {
            return Err(format!(
                "{}: {text} is outside {}-{}",
                field.name, field.min, field.max
            ));
        }
        return Ok(value);
    }
    match field
        .names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(text))
    {
        Some(i) => Ok(field.min + i as u16),
        None if field.names.is_empty() => Err(format!("{}: {text:?} is not a number", field.name)),
        None => Err(format!(
            "{}: {text:?} is neither a number ({}-{}) nor a name ({})",
            field.name,
            field.min,
            field.max,
            field.names.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The set of a field starting at `min` holding exactly `values`.
    fn set(min: u16, values: &[u16]) -> ValueSet {
        let mut set = ValueSet::empty(min);
        for v in values {
            set.insert_stepped(*v, *v, 1);
        }
        set
    }

    fn cron(expr: &str) -> CronSchedule {
        match parse(expr) {
            Ok(Schedule::Cron(c)) => c,
            other => panic!("{expr}: {other:?}"),
        }
    }

    #[test]
    fn resolves_fields() {
        let c = cron("cron(0 18 ? * MON-FRI *)");
        assert_eq!(c.minutes, set(0, &[0]));
        assert_eq!(c.hours, set(0, &[18]));
        assert_eq!(c.days_of_month, DaysOfMonth::Unspecified);
        assert_eq!(c.days_of_week, DaysOfWeek::Days(set(1, &[2, 3, 4, 5, 6])));
        assert!(c.is_every_month() && c.is_every_year() && !c.is_every_day());
        assert!(cron("cron(0 5 ? * * *)").is_every_day());
        assert!(cron("cron(0 12 * * ? *)").is_every_day());
    }

    #[test]
    fn increments_ranges_and_names() {
        assert_eq!(cron("cron(0 0/6 ? * * *)").hours, set(0, &[0, 6, 12, 18]));
        assert_eq!(cron("cron(0 */8 ? * * *)").hours, set(0, &[0, 8, 16]));
        assert_eq!(cron("cron(0 1-10/3 ? * * *)").hours, set(0, &[1, 4, 7, 10]));
        assert_eq!(
            cron("cron(0 5 1 jan,Mar-MAY ? *)").months,
            set(1, &[1, 3, 4, 5])
        );
        assert_eq!(
            cron("cron(0 5 1 * ? 2030-2032)").years,
            set(1970, &[2030, 2031, 2032])
        );
    }

    #[test]
    fn special_day_forms() {
        assert_eq!(cron("cron(0 5 L * ? *)").days_of_month, DaysOfMonth::Last);
        assert_eq!(
            cron("cron(0 5 LW * ? *)").days_of_month,
            DaysOfMonth::LastWeekday
        );
        assert_eq!(
            cron("cron(0 5 15W * ? *)").days_of_month,
            DaysOfMonth::NearestWeekday(15)
        );
        assert_eq!(cron("cron(0 5 ? * 6L *)").days_of_week, DaysOfWeek::Last(6));
        assert_eq!(
            cron("cron(0 5 ? * FRIL *)").days_of_week,
            DaysOfWeek::Last(6)
        );
        assert_eq!(
            cron("cron(0 9 ? * 2#1 *)").days_of_week,
            DaysOfWeek::Nth { day: 2, nth: 1 }
        );
        assert_eq!(
            cron("cron(0 9 ? * L *)").days_of_week,
            DaysOfWeek::Days(set(1, &[7]))
        );
    }

    #[test]
    fn rates() {
        assert_eq!(
            parse("rate(1 hour)"),
            Ok(Schedule::Rate(Rate {
                value: 1,
                unit: RateUnit::Hours
            }))
        );
        assert_eq!(
            parse("rate(12 hours)")
                .map(|s| matches!(s, Schedule::Rate(r) if r.interval_minutes() == 720)),
            Ok(true)
        );
        assert!(parse("rate(1 day)").is_ok());
        assert!(parse("rate(120 minutes)").is_ok());
        for bad in [
            "rate(30 minutes)",
            "rate(1 hours)",
            "rate(2 hour)",
            "rate(0 days)",
            "rate(5 weeks)",
            "rate(5)",
            "rate(-1 days)",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        let reason = |e: &str| parse(e).unwrap_err();
        assert!(reason("cron(0 5 * * * *)").contains("exactly one of them must be ?"));
        assert!(reason("cron(0 5 ? * ? *)").contains("both ?"));
        assert!(reason("cron(0/15 * ? * * *)").contains("at most once an hour"));
        assert!(reason("cron(0 5 ? * *)").contains("found 5"));
        assert!(reason("cron(60 5 ? * * *)").contains("outside 0-59"));
        assert!(reason("cron(0 22-2 ? * * *)").contains("runs backwards"));
        assert!(reason("cron(0 5 ? FOO * *)").contains("neither a number"));
        assert!(reason("cron(0 5 ? * MON#6 *)").contains("1 to 5"));
        assert!(reason("cron(0 5 1,L * ? *)").contains("stand alone"));
        assert!(reason("cron(0 ? ? * * *)").contains("only allowed in day-of-month"));
        assert!(reason("cron(0 5 ? * * 1969)").contains("outside 1970-2199"));
        assert!(reason("cron(0 5  ? * * *)").contains("single spaces"));
        assert!(reason(" cron(0 5 ? * * *)").contains("spaces around"));
        assert!(reason("0 5 ? * * *").contains("expected cron("));
        assert!(reason("cron(0 5/0 ? * * *)").contains("increment"));
        assert!(reason("cron(0 5 1,,2 * ? *)").contains("empty entry"));
        assert!(reason("cron(0 5 ? * * * *)").contains("found 7"));
        assert!(reason("rate(12  hours)").contains("one space"));
        assert!(reason("rate(12 hours extra)").contains("one space"));
        assert_eq!(
            reason("cron(0 5 abW * ? *)"),
            r#"day-of-month: "AB" is not a number"#
        );
        assert_eq!(
            reason("cron(0 5 ? * fooL *)"),
            r#"day-of-week: "FOO" is neither a number (1-7) nor a name (SUN, MON, TUE, WED, THU, FRI, SAT)"#
        );
        assert_eq!(
            reason("cron(0 5 ? foo * *)"),
            r#"month: "foo" is neither a number (1-12) nor a name (JAN, FEB, MAR, APR, MAY, JUN, JUL, AUG, SEP, OCT, NOV, DEC)"#
        );
    }
}
