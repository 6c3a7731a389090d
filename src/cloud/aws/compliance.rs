//! Compliance of live AWS Backup objects with an effective policy: each difference between what
//! the policy asks for (the specs the resources would write) and what AWS reports, with the
//! attribute path a user would change to cause it. Pure: the caller reads the live objects.

use std::collections::BTreeMap;

pub use crate::cloud::finding::Finding;
use crate::cloud::{PlanSpec, RuleSpec, SelectionSpec, VaultLockSpec, VaultLockState};

use crate::cloud::finding::ABSENT;

/// Differences between the plan the policy asks for and the live plan (`None`: deleted).
pub fn plan_findings(desired: &PlanSpec, live: Option<&PlanSpec>) -> Vec<Finding> {
    let Some(live) = live else {
        return vec![Finding::new(
            "aws.plan".to_string(),
            format!("backup plan {:?}", desired.name),
            ABSENT,
        )];
    };
    let live_rules: BTreeMap<&str, &RuleSpec> =
        live.rules.iter().map(|r| (r.name.as_str(), r)).collect();
    let mut findings = Vec::new();
    for rule in &desired.rules {
        let path = format!("policy.rules[{:?}]", rule.name);
        match live_rules.get(rule.name.as_str()) {
            None => findings.push(Finding::new(path, "a rule", ABSENT)),
            Some(found) => rule_findings(&path, rule, found, &mut findings),
        }
    }
    for extra in live_rules
        .keys()
        .filter(|name| !desired.rules.iter().any(|r| r.name == **name))
    {
        findings.push(Finding::new(
            format!("policy.rules[{extra:?}]"),
            ABSENT,
            "a rule not in the policy",
        ));
    }
    for (key, value) in &desired.tags {
        let actual = live.tags.get(key).map_or(ABSENT, String::as_str);
        if actual != value {
            findings.push(Finding::new(format!("policy.tags[{key:?}]"), value, actual));
        }
    }
    findings
}

fn rule_findings(path: &str, want: &RuleSpec, live: &RuleSpec, out: &mut Vec<Finding>) {
    let mut field = |name: &str, expected: String, actual: String| {
        if expected != actual {
            out.push(Finding::new(format!("{path}.{name}"), expected, actual));
        }
    };
    let days = |d: Option<i64>| d.map_or_else(|| "never".to_string(), |d| d.to_string());
    field("schedule", want.schedule.clone(), live.schedule.clone());
    field(
        "retention_days",
        want.lifecycle.delete_after_days.to_string(),
        live.lifecycle.delete_after_days.to_string(),
    );
    field(
        "cold_storage_after_days",
        days(want.lifecycle.cold_after_days),
        days(live.lifecycle.cold_after_days),
    );
    field(
        "start_window_minutes",
        want.start_window_minutes.to_string(),
        live.start_window_minutes.to_string(),
    );
    field(
        "completion_window_minutes",
        want.completion_window_minutes.to_string(),
        live.completion_window_minutes.to_string(),
    );
    field(
        "enable_continuous_backup",
        want.enable_continuous_backup.to_string(),
        live.enable_continuous_backup.to_string(),
    );
    for (key, value) in &want.recovery_point_tags {
        let actual = live
            .recovery_point_tags
            .get(key)
            .map_or(ABSENT, String::as_str);
        field(
            &format!("recovery_point_tags[{key:?}]"),
            value.clone(),
            actual.to_string(),
        );
    }
    for copy in &want.copy_actions {
        let copy_path = format!("{path}.copy_to[{:?}]", copy.destination_vault_arn);
        match live
            .copy_actions
            .iter()
            .find(|c| c.destination_vault_arn == copy.destination_vault_arn)
        {
            None => out.push(Finding::new(copy_path, "a copy", ABSENT)),
            Some(found)
                if found.lifecycle.delete_after_days != copy.lifecycle.delete_after_days =>
            {
                out.push(Finding::new(
                    format!("{copy_path}.retention_days"),
                    copy.lifecycle.delete_after_days,
                    found.lifecycle.delete_after_days,
                ))
            }
            Some(_) => {}
        }
    }
}

/// Differences between a child's selection and the live one (`None`: deleted). A selection that
/// protects nothing any more is reported even when the policy asked for nothing else.
pub fn selection_findings(desired: &SelectionSpec, live: Option<&SelectionSpec>) -> Vec<Finding> {
    let Some(live) = live else {
        return vec![Finding::new(
            "aws.selection".to_string(),
            format!("backup selection {:?}", desired.name),
            ABSENT,
        )];
    };
    let mut findings = Vec::new();
    let mut wanted = desired.resources.clone();
    let mut found = live.resources.clone();
    wanted.sort();
    found.sort();
    if wanted != found {
        findings.push(Finding::new(
            "aws.resources".to_string(),
            list(&wanted),
            list(&found),
        ));
    }
    if desired.selection_tags != live.selection_tags {
        findings.push(Finding::new(
            "aws.selection_tags".to_string(),
            format!("{:?}", desired.selection_tags),
            format!("{:?}", live.selection_tags),
        ));
    }
    if desired.iam_role_arn != live.iam_role_arn {
        findings.push(Finding::new(
            "aws.iam_role_arn".to_string(),
            &desired.iam_role_arn,
            &live.iam_role_arn,
        ));
    }
    findings
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_string()
    } else {
        items.join(", ")
    }
}

/// Differences between the vault lock the app asks for and the live one.
pub fn lock_findings(
    desired: Option<&VaultLockSpec>,
    live: Option<&VaultLockState>,
) -> Vec<Finding> {
    let path = || "aws.vault_lock".to_string();
    match (desired, live) {
        (None, _) => Vec::new(),
        (Some(_), None) => vec![Finding::new(path(), "a vault lock", ABSENT)],
        (Some(want), Some(have)) => {
            let bound = |d: Option<i64>| d.map_or_else(|| "none".to_string(), |d| d.to_string());
            let mut findings = Vec::new();
            for (name, w, h) in [
                (
                    "min_retention_days",
                    want.min_retention_days,
                    have.min_retention_days,
                ),
                (
                    "max_retention_days",
                    want.max_retention_days,
                    have.max_retention_days,
                ),
            ] {
                if w != h {
                    findings.push(Finding::new(
                        format!("{}.{name}", path()),
                        bound(w),
                        bound(h),
                    ));
                }
            }
            findings
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{CopySpec, LifecycleSpec};

    fn rule(name: &str, days: i64, copy: Option<&str>) -> RuleSpec {
        RuleSpec {
            name: name.into(),
            target_vault: "v".into(),
            schedule: "cron(0 5 ? * * *)".into(),
            start_window_minutes: 60,
            completion_window_minutes: 180,
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: days,
            },
            copy_actions: copy
                .map(|arn| CopySpec {
                    destination_vault_arn: arn.into(),
                    lifecycle: LifecycleSpec {
                        cold_after_days: None,
                        delete_after_days: days,
                    },
                })
                .into_iter()
                .collect(),
            ..RuleSpec::default()
        }
    }

    fn plan(rules: Vec<RuleSpec>) -> PlanSpec {
        PlanSpec {
            name: "root".into(),
            rules,
            tags: [("owner".to_string(), "platform".to_string())].into(),
        }
    }

    const DR: &str = "arn:aws:backup:eu-central-1:111111111111:backup-vault:dr";

    #[test]
    fn an_unchanged_plan_is_compliant() {
        let want = plan(vec![rule("daily", 35, Some(DR))]);
        assert_eq!(plan_findings(&want, Some(&want.clone())), vec![]);
    }

    #[test]
    fn shortened_retention_a_removed_copy_and_a_removed_rule_are_each_reported_at_their_path() {
        let want = plan(vec![rule("daily", 35, Some(DR)), rule("weekly", 365, None)]);
        let live = plan(vec![rule("daily", 7, None)]);
        let found = plan_findings(&want, Some(&live));
        let paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "policy.rules[\"daily\"].retention_days",
                &format!("policy.rules[\"daily\"].copy_to[{DR:?}]"),
                "policy.rules[\"weekly\"]",
            ]
        );
        assert_eq!(
            (found[0].expected.as_str(), found[0].actual.as_str()),
            ("35", "7")
        );
        assert_eq!(found[2].actual, ABSENT);
    }

    #[test]
    fn a_deleted_plan_an_extra_rule_and_a_changed_tag_are_reported() {
        let want = plan(vec![rule("daily", 35, None)]);
        assert_eq!(plan_findings(&want, None)[0].path, "aws.plan");
        let mut live = plan(vec![rule("daily", 35, None), rule("adhoc", 1, None)]);
        live.tags.insert("owner".into(), "someone".into());
        let found = plan_findings(&want, Some(&live));
        let paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["policy.rules[\"adhoc\"]", "policy.tags[\"owner\"]"]);
    }

    #[test]
    fn an_emptied_selection_and_a_removed_lock_are_reported() {
        let want = SelectionSpec {
            name: "dev".into(),
            iam_role_arn: "arn:aws:iam::1:role/b".into(),
            resources: vec!["arn:aws:dynamodb:eu-west-1:1:table/t".into()],
            ..SelectionSpec::default()
        };
        let emptied = SelectionSpec {
            resources: vec![],
            ..want.clone()
        };
        let found = selection_findings(&want, Some(&emptied));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].path.as_str(), found[0].actual.as_str()),
            ("aws.resources", "nothing")
        );
        assert!(selection_findings(&want, Some(&want)).is_empty());

        let lock = VaultLockSpec {
            min_retention_days: Some(7),
            ..VaultLockSpec::default()
        };
        assert_eq!(lock_findings(Some(&lock), None)[0].path, "aws.vault_lock");
        assert!(lock_findings(None, None).is_empty());
        let weaker = VaultLockState {
            min_retention_days: Some(1),
            max_retention_days: None,
            lock_date: None,
        };
        let found = lock_findings(Some(&lock), Some(&weaker));
        assert_eq!(found[0].path, "aws.vault_lock.min_retention_days");
    }
}
