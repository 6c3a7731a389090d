//! Reading a schedule expression the way AWS Backup does.

use std::borrow::Cow;

use super::error::{FieldError, ScheduleError};
use super::fields::{Field, DAY_OF_MONTH, DAY_OF_WEEK, HOURS, MINUTES, MONTH, YEAR};
use super::schedule::{CronSchedule, DaysOfMonth, DaysOfWeek, Rate, RateUnit, Schedule};
use super::value_set::ValueSet;

/// Parses an AWS Backup schedule expression, or says why AWS would reject it.
pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
    if expr.trim() != expr {
        return Err(ScheduleError::SurroundingSpaces);
    }
    if let Some(inner) = expr.strip_prefix("cron(").and_then(|s| s.strip_suffix(')')) {
        return parse_cron(inner).map(Schedule::Cron);
    }
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        return parse_rate(inner).map(Schedule::Rate);
    }
    Err(ScheduleError::UnknownForm)
}

fn parse_rate(inner: &str) -> Result<Rate, ScheduleError> {
    let Some((value, unit)) = inner
        .split_once(' ')
        .filter(|(_, unit)| !unit.contains(' '))
    else {
        return Err(ScheduleError::RateShape);
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScheduleError::RateNotWhole(value.to_string()));
    }
    let value: u32 = value
        .parse()
        .map_err(|_| ScheduleError::RateTooLarge(value.to_string()))?;
    if value == 0 {
        return Err(ScheduleError::RateZero);
    }
    let (unit, singular) = match unit {
        "minute" => (RateUnit::Minutes, true),
        "minutes" => (RateUnit::Minutes, false),
        "hour" => (RateUnit::Hours, true),
        "hours" => (RateUnit::Hours, false),
        "day" => (RateUnit::Days, true),
        "days" => (RateUnit::Days, false),
        other => return Err(ScheduleError::RateUnit(other.to_string())),
    };
    if singular != (value == 1) {
        return Err(ScheduleError::RateUnitNumber);
    }
    let rate = Rate { value, unit };
    if rate.interval_minutes() < 60 {
        return Err(ScheduleError::RateTooFrequent(value));
    }
    Ok(rate)
}

fn parse_cron(inner: &str) -> Result<CronSchedule, ScheduleError> {
    // Split into a fixed array: the count is only needed for the error message.
    let mut fields = [""; 6];
    let mut count = 0;
    for field in inner.split(' ') {
        if field.is_empty() {
            return Err(ScheduleError::FieldSpacing);
        }
        if let Some(slot) = fields.get_mut(count) {
            *slot = field;
        }
        count += 1;
    }
    if count != fields.len() {
        return Err(ScheduleError::FieldCount(count));
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
            return Err(ScheduleError::BothDaysUnspecified)
        }
        (DaysOfMonth::Unspecified, _) | (_, DaysOfWeek::Unspecified) => {}
        _ => return Err(ScheduleError::BothDaysSet),
    }
    if minutes.len() > 1 {
        return Err(ScheduleError::SeveralMinutes(minutes.len()));
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

fn parse_day_of_month(text: &str) -> Result<DaysOfMonth, ScheduleError> {
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
            return Err(field_error(
                &DAY_OF_MONTH,
                FieldError::NearestWeekdayNotSingle(text.to_string()),
            ));
        }
        let day = parse_value(day, &DAY_OF_MONTH)?;
        return Ok(DaysOfMonth::NearestWeekday(day as u8));
    }
    if upper.contains(['L', 'W']) {
        return Err(field_error(
            &DAY_OF_MONTH,
            FieldError::LastOrWeekdayNotAlone(text.to_string()),
        ));
    }
    Ok(DaysOfMonth::Days(parse_list(text, &DAY_OF_MONTH)?))
}

fn parse_day_of_week(text: &str) -> Result<DaysOfWeek, ScheduleError> {
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
            return Err(field_error(
                &DAY_OF_WEEK,
                FieldError::NthNotAlone(text.to_string()),
            ));
        }
        let day = parse_value(day, &DAY_OF_WEEK)? as u8;
        let nth = match nth.parse::<u8>() {
            Ok(n @ 1..=5) if nth.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(field_error(
                    &DAY_OF_WEEK,
                    FieldError::NthOutOfRange(nth.to_string()),
                ))
            }
        };
        return Ok(DaysOfWeek::Nth { day, nth });
    }
    if let Some(day) = upper.strip_suffix('L') {
        if day.contains([',', '-', '/', '*']) {
            return Err(field_error(
                &DAY_OF_WEEK,
                FieldError::LastDayNotSingle(text.to_string()),
            ));
        }
        return Ok(DaysOfWeek::Last(parse_value(day, &DAY_OF_WEEK)? as u8));
    }
    Ok(DaysOfWeek::Days(parse_list(text, &DAY_OF_WEEK)?))
}

/// The error for a problem in one field.
fn field_error(field: &Field, problem: FieldError) -> ScheduleError {
    ScheduleError::Field {
        field: field.name,
        problem,
    }
}

/// Parses a list of `*`, values, ranges and increments into the values it selects.
fn parse_list(text: &str, field: &Field) -> Result<ValueSet, ScheduleError> {
    if text == "?" {
        return Err(field_error(field, FieldError::UnspecifiedNotAllowed));
    }
    let mut values = ValueSet::empty(field.min);
    for item in text.split(',') {
        if item.is_empty() {
            return Err(field_error(field, FieldError::EmptyEntry(text.to_string())));
        }
        let (start, end, step) = parse_item(item, field)?;
        values.insert_stepped(start, end, step);
    }
    Ok(values)
}

/// One list entry as `(start, end, step)`: it selects `start`, `start + step`, ... up to `end`.
fn parse_item(item: &str, field: &Field) -> Result<(u16, u16, u16), ScheduleError> {
    let (base, step) = match item.split_once('/') {
        Some((base, step)) => (base, Some(parse_step(step, field)?)),
        None => (item, None),
    };
    let (start, end) = if base == "*" {
        (field.min, field.max)
    } else if let Some((a, b)) = base.split_once('-') {
        let (a, b) = (parse_value(a, field)?, parse_value(b, field)?);
        if a > b {
            return Err(field_error(
                field,
                FieldError::BackwardsRange {
                    range: base.to_string(),
                    start: a,
                    end: b,
                    min: field.min,
                    max: field.max,
                },
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

fn parse_step(text: &str, field: &Field) -> Result<u16, ScheduleError> {
    let span = field.max - field.min;
    match text.parse::<u16>() {
        Ok(n) if n >= 1 && n <= span.max(1) && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(field_error(
            field,
            FieldError::Increment {
                text: text.to_string(),
                max: span.max(1),
            },
        )),
    }
}

fn parse_value(text: &str, field: &Field) -> Result<u16, ScheduleError> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let value: u16 = text.parse().unwrap_or(u16::MAX);
        if value < field.min || value > field.max {
            return Err(field_error(
                field,
                FieldError::OutOfRange {
                    text: text.to_string(),
                    min: field.min,
                    max: field.max,
                },
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
        None if field.names.is_empty() => {
            Err(field_error(field, FieldError::NotANumber(text.to_string())))
        }
        None => Err(field_error(
            field,
            FieldError::NotANumberOrName {
                text: text.to_string(),
                min: field.min,
                max: field.max,
                names: field.names,
            },
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
        let reason = |e: &str| parse(e).unwrap_err().to_string();
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
