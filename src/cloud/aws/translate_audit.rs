//! Policy -> AWS Backup Audit Manager: the controls of a root app's framework, derived from its
//! effective guardrails and rules, and the report plan delivering their compliance report.

use std::collections::BTreeMap;

use backup_policy::cron::{self, Schedule};
use backup_policy::PolicyDocument;

use crate::cloud::{ControlSpec, FrameworkSpec, ReportPlanSpec, VaultLockSpec};

/// The report template of a framework's control compliance.
pub const REPORT_TEMPLATE: &str = "CONTROL_COMPLIANCE_REPORT";

/// The restore time target (minutes) of `RESTORE_TIME_FOR_RESOURCES_MEET_TARGET` when the app does
/// not state one.
pub const DEFAULT_MAX_RESTORE_TIME_MINUTES: i64 = 720;

/// A framework or report plan name for `name`: a letter first, then letters, digits and `_`.
pub fn audit_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        clean
    } else {
        format!("app_{clean}")
    }
}

/// The controls a root app's guardrails ask for, sorted by name: encrypted recovery points always;
/// the minimum retention and the plans' minimum frequency (of the most frequent rule) when the
/// policy sets them; cross-region copies when `require_copy`; the vault lock when the app's vault
/// has one; the restore time target when restore testing is required.
pub fn framework_controls(
    document: &PolicyDocument,
    vault_lock: Option<&VaultLockSpec>,
    max_restore_time_minutes: i64,
) -> Vec<ControlSpec> {
    let control = |name: &str, parameters: &[(&str, String)]| ControlSpec {
        name: name.to_string(),
        parameters: parameters
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    let guardrails = document.guardrails();
    let mut controls = vec![control("BACKUP_RECOVERY_POINT_ENCRYPTED", &[])];
    let min_retention = guardrails.min_retention_days.as_ref().map(|s| s.value);
    if let Some(days) = min_retention {
        controls.push(control(
            "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
            &[("requiredRetentionDays", days.to_string())],
        ));
    }
    let retention =
        min_retention.or_else(|| document.rules().values().map(|r| r.retention_days).min());
    if let (Some((value, unit)), Some(retention)) = (most_frequent(document), retention) {
        controls.push(control(
            "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
            &[
                ("requiredFrequencyUnit", unit.to_string()),
                ("requiredFrequencyValue", value.to_string()),
                ("requiredRetentionDays", retention.to_string()),
            ],
        ));
    }
    if guardrails.require_copy() {
        controls.push(control("BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION", &[]));
    }
    if let Some(lock) = vault_lock {
        let mut parameters = Vec::new();
        if let Some(min) = lock.min_retention_days {
            parameters.push(("minRetentionDays", min.to_string()));
        }
        if let Some(max) = lock.max_retention_days {
            parameters.push(("maxRetentionDays", max.to_string()));
        }
        controls.push(control(
            "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
            &parameters,
        ));
    }
    if guardrails.restore_testing.required() {
        controls.push(control(
            "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
            &[("maxRestoreTime", max_restore_time_minutes.to_string())],
        ));
    }
    controls.sort();
    controls
}

/// The longest gap between backups of the most frequent rule, as AWS Config takes it: hours (at
/// most 24) or days (at most 31); `None` when no rule runs at least monthly.
fn most_frequent(document: &PolicyDocument) -> Option<(i64, &'static str)> {
    let hours = document
        .rules()
        .values()
        .filter_map(|rule| cron::parse(&rule.schedule).ok())
        .filter_map(|schedule| interval_hours(&schedule))
        .min()?;
    if hours < 24 {
        Some((hours, "hours"))
    } else {
        let days = (hours + 23) / 24;
        (days <= 31).then_some((days, "days"))
    }
}

/// The longest gap between two runs of `schedule`, in whole hours.
fn interval_hours(schedule: &Schedule) -> Option<i64> {
    match schedule {
        Schedule::Rate(rate) => Some(rate.interval_minutes().div_ceil(60) as i64),
        Schedule::Cron(c) => {
            let days = cron::max_interval_days(schedule)?;
            let hours: Vec<i64> = c.hours.iter().map(i64::from).collect();
            if days > 1 || hours.len() < 2 {
                return Some(days * 24);
            }
            // Every day, several times: the widest gap between those hours, across midnight too.
            let wrap = 24 - hours[hours.len() - 1] + hours[0];
            hours.windows(2).map(|w| w[1] - w[0]).chain([wrap]).max()
        }
    }
}

/// The framework named `name` with the controls of [`framework_controls`].
pub fn framework_spec(
    name: &str,
    document: &PolicyDocument,
    vault_lock: Option<&VaultLockSpec>,
    max_restore_time_minutes: i64,
) -> FrameworkSpec {
    FrameworkSpec {
        name: name.to_string(),
        controls: framework_controls(document, vault_lock, max_restore_time_minutes),
    }
}

/// The report plan named `name` delivering the framework's compliance report (CSV and JSON) to
/// `bucket` under `key_prefix`.
pub fn report_plan_spec(
    name: &str,
    bucket: &str,
    key_prefix: Option<&str>,
    framework_arn: &str,
) -> ReportPlanSpec {
    ReportPlanSpec {
        name: name.to_string(),
        bucket: bucket.to_string(),
        key_prefix: key_prefix.map(str::to_string),
        template: REPORT_TEMPLATE.to_string(),
        framework_arns: vec![framework_arn.to_string()],
        formats: vec!["CSV".to_string(), "JSON".to_string()],
    }
}

/// The controls as the `audit_controls` attribute shows them: control name -> parameters.
pub fn controls_by_name(controls: &[ControlSpec]) -> BTreeMap<String, BTreeMap<String, String>> {
    controls
        .iter()
        .map(|c| (c.name.clone(), c.parameters.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use backup_policy::{
        evaluate, AppInput, GuardrailsPatch, RestoreTestingGuardrailsPatch, RestoreTestingPatch,
        RulePatch,
    };

    use super::*;

    fn root(guardrails: GuardrailsPatch, schedule: &str) -> PolicyDocument {
        let mut app = AppInput {
            name: "org-root".into(),
            guardrails,
            ..Default::default()
        };
        app.policy.rules.insert(
            "daily".into(),
            RulePatch {
                schedule: Some(schedule.into()),
                retention_days: Some(35),
                copy_to: Some(vec![backup_policy::CopyPatch {
                    vault_arn: "arn:aws:backup:us-west-2:111111111111:backup-vault:dr".into(),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        );
        app.policy.restore_testing = Some(RestoreTestingPatch {
            schedule: Some("cron(0 3 ? * SUN *)".into()),
            ..Default::default()
        });
        evaluate(None, &app).unwrap()
    }

    fn names(controls: &[ControlSpec]) -> Vec<&str> {
        controls.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn controls_follow_the_guardrails() {
        let bare = root(GuardrailsPatch::default(), "cron(0 5 ? * * *)");
        let controls = framework_controls(&bare, None, 720);
        assert_eq!(
            names(&controls),
            [
                "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
                "BACKUP_RECOVERY_POINT_ENCRYPTED"
            ]
        );
        assert_eq!(
            controls[0].parameters,
            BTreeMap::from([
                ("requiredFrequencyUnit".to_string(), "days".to_string()),
                ("requiredFrequencyValue".to_string(), "1".to_string()),
                ("requiredRetentionDays".to_string(), "35".to_string()),
            ])
        );

        let strict = root(
            GuardrailsPatch {
                min_retention_days: Some(30),
                require_copy: Some(true),
                restore_testing: RestoreTestingGuardrailsPatch {
                    require_restore_testing: Some(true),
                    ..Default::default()
                },
                ..Default::default()
            },
            "cron(0 0,6,12,18 ? * * *)",
        );
        let lock = VaultLockSpec {
            min_retention_days: Some(7),
            max_retention_days: Some(365),
            changeable_for_days: None,
        };
        let controls = framework_controls(&strict, Some(&lock), 240);
        assert_eq!(
            names(&controls),
            [
                "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
                "BACKUP_RECOVERY_POINT_ENCRYPTED",
                "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
                "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
                "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
                "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
            ]
        );
        let by_name = controls_by_name(&controls);
        let frequency = &by_name["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"];
        assert_eq!(frequency["requiredFrequencyUnit"], "hours");
        assert_eq!(frequency["requiredFrequencyValue"], "6");
        assert_eq!(frequency["requiredRetentionDays"], "30");
        assert_eq!(
            by_name["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]["requiredRetentionDays"],
            "30"
        );
        assert_eq!(
            by_name["BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"]["maxRetentionDays"],
            "365"
        );
        assert_eq!(
            by_name["RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"]["maxRestoreTime"],
            "240"
        );
    }

    #[test]
    fn names_start_with_a_letter() {
        assert_eq!(audit_name("org-root"), "org_root");
        assert_eq!(audit_name("1st"), "app_1st");
    }

    #[test]
    fn weekly_backups_are_a_seven_day_frequency() {
        let weekly = root(GuardrailsPatch::default(), "cron(0 5 ? * SUN *)");
        let by_name = controls_by_name(&framework_controls(&weekly, None, 720));
        let frequency = &by_name["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"];
        assert_eq!(
            (
                frequency["requiredFrequencyUnit"].as_str(),
                frequency["requiredFrequencyValue"].as_str()
            ),
            ("days", "7")
        );
    }
}
