//! The schedule parser against AWS's documented examples, and expressions AWS Backup rejects.

use backup_policy::cron::{parse, Schedule};

/// Examples from the AWS Backup and EventBridge documentation that AWS Backup accepts.
const ACCEPTED: &[&str] = &[
    "cron(0 5 ? * * *)",        // AWS Backup's default schedule
    "cron(15 * ? * * *)",       // every hour at 15 past (AWS Backup API reference)
    "cron(0 12 * * ? *)",       // every day at noon (AWS Backup API reference)
    "cron(0 10 * * ? *)",       // EventBridge: 10:00 every day
    "cron(15 12 * * ? *)",      // EventBridge: 12:15 every day
    "cron(0 18 ? * MON-FRI *)", // EventBridge: 18:00 Monday to Friday
    "cron(0 8 1 * ? *)",        // EventBridge: 08:00 on the first of the month
    "cron(0 9 ? * 2#1 *)",      // EventBridge: 09:00 on the first Monday of the month
    "cron(0 0 1 1 ? *)",        // once a year
    "cron(0 6 1 * ? *)",        // the guide's monthly rule
    "cron(0 3 ? * SUN *)",
    "cron(0 5 L * ? *)",
    "cron(0 5 LW * ? *)",
    "cron(0 5 15W * ? *)",
    "cron(0 5 ? * 6L *)",
    "cron(0 12 ? * SUN#2 *)",
    "cron(0 5 ? JAN-MAR,DEC MON *)",
    "cron(30 */2 ? * * *)",
    "cron(0 0/4 ? * * *)",
    "cron(0 1-22/3 ? * * *)",
    "cron(0 5 1,15 * ? 2025-2030)",
    "cron(0 5 ? * sun,sat *)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "rate(60 minutes)",
];

/// Expressions AWS rejects, each with (part of) the reason the parser gives.
const REJECTED: &[(&str, &str)] = &[
    ("cron(0/15 * * * ? *)", "at most once an hour"), // valid for EventBridge, too frequent for AWS Backup
    ("cron(0/10 * ? * MON-FRI *)", "at most once an hour"),
    ("cron(0/5 8-17 ? * MON-FRI *)", "at most once an hour"),
    ("cron(* 5 ? * * *)", "at most once an hour"),
    ("cron(0,30 5 ? * * *)", "at most once an hour"),
    ("cron(0 10 * * * *)", "exactly one of them must be ?"),
    ("cron(0 10 1 * MON *)", "exactly one of them must be ?"),
    ("cron(0 10 ? * ? *)", "both ?"),
    ("cron(0 24 ? * * *)", "hours: 24 is outside 0-23"),
    ("cron(60 5 ? * * *)", "minutes: 60 is outside 0-59"),
    ("cron(0 5 32 * ? *)", "day-of-month: 32 is outside 1-31"),
    ("cron(0 5 0 * ? *)", "day-of-month: 0 is outside 1-31"),
    ("cron(0 5 1 13 ? *)", "month: 13 is outside 1-12"),
    ("cron(0 5 ? * 8 *)", "day-of-week: 8 is outside 1-7"),
    ("cron(0 5 ? * * 2200)", "year: 2200 is outside 1970-2199"),
    ("cron(0 5 ? JANUARY * *)", "neither a number"),
    ("cron(0 5 ? * FUN *)", "neither a number"),
    ("cron(0 5 ? * MON#0 *)", "1 to 5"),
    ("cron(0 5 ? * MON#1,FRI#3 *)", "# stands alone"),
    ("cron(0 5 1W,15 * ? *)", "stand alone"),
    ("cron(0 5 1-5W * ? *)", "W takes a single day"),
    ("cron(0 5 L,15 * ? *)", "stand alone"),
    ("cron(0 5 ? * 2-6/0 *)", "increment"),
    ("cron(0 5 ? * 1/9 *)", "increment"),
    ("cron(0 22-2 ? * * *)", "runs backwards"),
    ("cron(0 5 ? * *)", "expected 6 fields"),
    ("cron(0 5 ? * * * *)", "expected 6 fields"),
    ("cron(0 5 ? * * )", "single spaces"),
    ("cron(0 a ? * * *)", "not a number"),
    ("cron(0 5 ? * -1 *)", "neither a number"),
    ("cron(0 5 1,,2 * ? *)", "empty entry"),
    (
        "cron(0 ? ? * * *)",
        "only allowed in day-of-month or day-of-week",
    ),
    ("cron(0 5 ? * * *", "expected cron("),
    ("daily", "expected cron("),
    ("CRON(0 5 ? * * *)", "expected cron("),
    (" cron(0 5 ? * * *)", "spaces around"),
    ("rate(30 minutes)", "at most once an hour"),
    ("rate(1 hours)", "singular"),
    ("rate(2 hour)", "singular"),
    ("rate(0 hours)", "at least 1"),
    ("rate(1 week)", "unknown rate unit"),
    ("rate(1.5 hours)", "not a whole number"),
    ("rate(12)", "a value and a unit"),
];

#[test]
fn accepts_aws_examples() {
    for expr in ACCEPTED {
        assert!(parse(expr).is_ok(), "{expr}: {:?}", parse(expr));
    }
}

#[test]
fn rejects_with_a_reason() {
    for (expr, reason) in REJECTED {
        match parse(expr) {
            Ok(s) => panic!("{expr} was accepted as {s:?}"),
            Err(e) => assert!(
                e.to_string().contains(reason),
                "{expr}: expected {reason:?} in {e}"
            ),
        }
    }
}

#[test]
fn hourly_schedules_run_once_an_hour() {
    let Ok(Schedule::Cron(c)) = parse("cron(15 * ? * * *)") else {
        panic!()
    };
    assert_eq!(c.minutes.len(), 1);
    assert_eq!(c.hours.len(), 24);
}
