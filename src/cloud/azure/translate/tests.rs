//! Translation of effective rules to Azure IaaS VM policy shapes (moved from the policy crate's
//! integration tests, same assertions).

use std::collections::BTreeMap;

use backup_policy::{
    evaluate, AppInput, CopyPatch, EffectiveRule, GuardrailsPatch, PolicyDocument, RulePatch,
    DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
};
use serde_json::json;

use super::{
    translate_policy, translate_rule, translate_rules, DayOfWeek, DurationType, MonthDay,
    MonthOfYear, RetentionFormat, ScheduleRunFrequency, TimeOfDay, WeekOfMonth,
};

/// The builders of the policy crate's `tests/common` this suite needs: `org-root` from
/// `docs/guides/inheritance.md`.
mod common {
    use super::*;

    pub(super) const DR: &str = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr";

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    pub(super) fn copy(arn: &str, retention: Option<i64>) -> CopyPatch {
        CopyPatch {
            vault_arn: arn.into(),
            retention_days: retention,
            cold_storage_after_days: None,
        }
    }

    pub(super) fn rule(schedule: &str, retention: i64) -> RulePatch {
        RulePatch {
            schedule: Some(schedule.into()),
            retention_days: Some(retention),
            ..Default::default()
        }
    }

    pub(super) fn root_input() -> AppInput {
        let mut root = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            RulePatch {
                start_window_minutes: Some(60),
                completion_window_minutes: Some(180),
                copy_to: Some(vec![copy(DR, Some(90))]),
                recovery_point_tags: Some(map(&[("commit", "abc123")])),
                ..rule("cron(0 5 ? * * *)", 35)
            },
        );
        root.policy
            .rules
            .insert("monthly".into(), rule("cron(0 6 1 * ? *)", 365));
        root.policy.tags = map(&[("owner", "platform")]);
        root.guardrails = GuardrailsPatch {
            min_retention_days: Some(30),
            max_retention_days: Some(3650),
            require_copy: Some(true),
            locked: Some(vec!["rules.daily.schedule".into(), "tags.owner".into()]),
            allow_new_rules: Some(true),
            ..Default::default()
        };
        root
    }

    pub(super) fn root() -> PolicyDocument {
        evaluate(None, &root_input()).expect("the guide's root is valid")
    }
}

/// An effective rule with the default windows and nothing else set.
pub(crate) fn rule(schedule: &str, retention_days: i64) -> EffectiveRule {
    EffectiveRule {
        schedule: schedule.into(),
        start_window_minutes: DEFAULT_START_WINDOW_MINUTES,
        completion_window_minutes: DEFAULT_COMPLETION_WINDOW_MINUTES,
        retention_days,
        cold_storage_after_days: None,
        enable_continuous_backup: false,
        copy_to: vec![],
        recovery_point_tags: BTreeMap::new(),
    }
}

#[test]
fn daily_rule() {
    let t = translate_rule("daily", &rule("cron(0 5 ? * * *)", 35)).unwrap();
    assert_eq!(t.schedule.frequency, ScheduleRunFrequency::Daily);
    assert_eq!(t.schedule.run_time, TimeOfDay { hour: 5, minute: 0 });
    assert_eq!(
        t.schedule_policy_json(),
        json!({"schedulePolicyType": "SimpleSchedulePolicy", "scheduleRunFrequency": "Daily", "scheduleRunTimes": ["2020-01-01T05:00:00Z"]})
    );
    assert_eq!(
        t.retention_policy_json(),
        json!({
            "retentionPolicyType": "LongTermRetentionPolicy",
            "dailySchedule": {"retentionTimes": ["2020-01-01T05:00:00Z"], "retentionDuration": {"count": 35, "durationType": "Days"}}
        })
    );
    let t = translate_rule("daily", &rule("cron(30 23 * * ? *)", 7)).unwrap();
    assert_eq!(t.schedule.run_time.to_string(), "23:30");
}

#[test]
fn weekly_rule_rounds_up_to_weeks() {
    let t = translate_rule("weekly", &rule("cron(0 3 ? * SUN,WED *)", 90)).unwrap();
    assert_eq!(t.schedule.frequency, ScheduleRunFrequency::Weekly);
    assert_eq!(
        t.schedule.run_days,
        [DayOfWeek::Sunday, DayOfWeek::Wednesday]
    );
    let weekly = t.retention.weekly.unwrap();
    assert_eq!(
        (weekly.duration.count, weekly.duration.duration_type),
        (13, DurationType::Weeks)
    );
    assert!(t.retention.daily.is_none());
    let schedule = translate_rule("weekly", &rule("cron(0 3 ? * SUN,WED *)", 90))
        .unwrap()
        .schedule_policy_json();
    assert_eq!(schedule["scheduleRunDays"], json!(["Sunday", "Wednesday"]));
}

#[test]
fn monthly_rule_rides_on_a_minimal_daily_backup() {
    let t = translate_rule("monthly", &rule("cron(0 6 1 * ? *)", 365)).unwrap();
    assert_eq!(t.schedule.frequency, ScheduleRunFrequency::Daily);
    assert_eq!(t.retention.daily.as_ref().unwrap().duration.count, 7);
    let monthly = t.retention.monthly.clone().unwrap();
    assert_eq!(
        monthly.format,
        RetentionFormat::Daily(vec![MonthDay::Date(1)])
    );
    assert_eq!(
        (monthly.duration.count, monthly.duration.duration_type),
        (12, DurationType::Months)
    );
    assert_eq!(
        t.retention_policy_json()["monthlySchedule"],
        json!({
            "retentionScheduleFormatType": "Daily",
            "retentionScheduleDaily": {"daysOfTheMonth": [{"date": 1, "isLast": false}]},
            "retentionTimes": ["2020-01-01T06:00:00Z"],
            "retentionDuration": {"count": 12, "durationType": "Months"}
        })
    );
    let last = translate_rule("eom", &rule("cron(0 6 L * ? *)", 90)).unwrap();
    assert_eq!(
        last.retention.monthly.unwrap().format,
        RetentionFormat::Daily(vec![MonthDay::Last])
    );
}

#[test]
fn nth_weekday_uses_weekly_format() {
    let t = translate_rule("first-monday", &rule("cron(0 9 ? * MON#1 *)", 180)).unwrap();
    assert_eq!(t.schedule.frequency, ScheduleRunFrequency::Weekly);
    assert_eq!(t.schedule.run_days, [DayOfWeek::Monday]);
    assert_eq!(t.retention.weekly.unwrap().duration.count, 1);
    let monthly = t.retention.monthly.unwrap();
    assert_eq!(
        monthly.format,
        RetentionFormat::Weekly {
            days: vec![DayOfWeek::Monday],
            weeks: vec![WeekOfMonth::First]
        }
    );
    assert_eq!(monthly.duration.count, 6);
    let last_friday = translate_rule("lf", &rule("cron(0 9 ? * 6L *)", 60)).unwrap();
    assert_eq!(
        last_friday.retention.monthly.unwrap().format,
        RetentionFormat::Weekly {
            days: vec![DayOfWeek::Friday],
            weeks: vec![WeekOfMonth::Last]
        }
    );
}

#[test]
fn yearly_rule() {
    let t = translate_rule("yearly", &rule("cron(0 7 1 1 ? *)", 3650)).unwrap();
    let yearly = t.retention.yearly.unwrap();
    assert_eq!(yearly.months, [MonthOfYear::January]);
    assert_eq!(
        yearly.format,
        RetentionFormat::Daily(vec![MonthDay::Date(1)])
    );
    assert_eq!(
        (yearly.duration.count, yearly.duration.duration_type),
        (10, DurationType::Years)
    );
}

#[test]
fn what_azure_cannot_express() {
    let cases = [
        ("cron(0 * ? * * *)", "at most once a day"),
        ("cron(0 0/6 ? * * *)", "at most once a day"),
        ("cron(15 5 ? * * *)", "hour or half hour"),
        ("rate(1 day)", "rate()"),
        ("cron(0 5 ? * MON#5 *)", "fifth"),
        ("cron(0 5 15W * ? *)", "W (nearest weekday)"),
        ("cron(0 5 ? * * 2030)", "certain years"),
        ("cron(0 5 30 * ? *)", "days 1 to 28"),
        ("cron(0 5 */3 * ? *)", "days 1 to 28"),
        ("cron(0 5 * 1 ? *)", "every day of some months"),
        ("cron(0 5 ? 1 MON *)", "irregular days"),
    ];
    for (schedule, reason) in cases {
        let d = translate_rule("r", &rule(schedule, 35)).unwrap_err();
        assert_eq!(
            d.path.to_string(),
            r#"policy.rules["r"].schedule"#,
            "{schedule}"
        );
        assert!(d.detail.contains(reason), "{schedule}: {}", d.detail);
    }
    let d = translate_rule("r", &rule("cron(0 5 ? * * *)", 5)).unwrap_err();
    assert_eq!(d.path.to_string(), r#"policy.rules["r"].retention_days"#);
    assert!(d.detail.contains("7 to 9999 days"), "{}", d.detail);
}

#[test]
fn rules_combine_into_one_policy() {
    let rules = BTreeMap::from([
        ("daily".to_string(), rule("cron(0 5 ? * * *)", 35)),
        ("monthly".to_string(), rule("cron(0 6 1 * ? *)", 365)),
        ("weekly".to_string(), rule("cron(0 3 ? * SUN *)", 90)),
        ("yearly".to_string(), rule("cron(0 7 1 1 ? *)", 3650)),
    ]);
    let t = translate_rules(&rules).unwrap();
    assert_eq!(t.schedule.frequency, ScheduleRunFrequency::Daily);
    assert_eq!(t.schedule.run_time, TimeOfDay { hour: 5, minute: 0 });
    let r = &t.retention;
    assert_eq!(r.daily.as_ref().unwrap().duration.count, 35);
    assert_eq!(r.weekly.as_ref().unwrap().days, [DayOfWeek::Sunday]);
    assert_eq!(r.weekly.as_ref().unwrap().duration.count, 13);
    assert_eq!(r.monthly.as_ref().unwrap().duration.count, 12);
    assert_eq!(r.yearly.as_ref().unwrap().duration.count, 10);
    let json = t.retention_policy_json();
    for tier in [
        "dailySchedule",
        "weeklySchedule",
        "monthlySchedule",
        "yearlySchedule",
    ] {
        assert_eq!(
            json[tier]["retentionTimes"],
            json!(["2020-01-01T05:00:00Z"]),
            "{tier}"
        );
    }

    let clash = BTreeMap::from([
        ("a".to_string(), rule("cron(0 5 ? * * *)", 35)),
        ("b".to_string(), rule("cron(0 6 ? * * *)", 35)),
    ]);
    let errors = translate_rules(&clash).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].path.to_string(), r#"policy.rules["b"].schedule"#);

    let weekly_base = BTreeMap::from([
        ("weekly".to_string(), rule("cron(0 3 ? * SUN *)", 90)),
        ("monthly".to_string(), rule("cron(0 6 1 * ? *)", 365)),
    ]);
    let errors = translate_rules(&weekly_base).unwrap_err();
    assert_eq!(
        errors[0].path.to_string(),
        r#"policy.rules["monthly"].schedule"#
    );
}

#[test]
fn translate_policy_names_the_app() {
    let mut root = common::root_input();
    root.policy.rules.insert(
        "hourly".into(),
        RulePatch {
            copy_to: Some(vec![common::copy(common::DR, None)]),
            ..common::rule("cron(0 * ? * * *)", 35)
        },
    );
    let doc = evaluate(None, &root).unwrap();
    let errors = translate_policy(&doc).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .detail
            .ends_with(r#"(schedule set by app "org-root")."#),
        "{}",
        errors[0].detail
    );
    let ok = translate_policy(&common::root()).unwrap();
    assert_eq!(ok.retention.monthly.unwrap().duration.count, 12);
}
