//! Builders shared by the integration tests: the root app of `docs/guides/inheritance.md`.
#![allow(dead_code)]

use std::collections::BTreeMap;

use backup_policy::{
    evaluate, AppInput, CopyPatch, GuardrailsPatch, PolicyDiagnostic, PolicyDocument, RulePatch,
};

pub(crate) const DR: &str = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr";
pub(crate) const EU_DR: &str = "arn:aws:backup:eu-central-1:111111111111:backup-vault:eu-dr";
pub(crate) const AUDIT: &str = "arn:aws:backup:eu-west-1:333333333333:backup-vault:audit";

pub(crate) fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(crate) fn copy(arn: &str, retention: Option<i64>) -> CopyPatch {
    CopyPatch {
        vault_arn: arn.into(),
        retention_days: retention,
        cold_storage_after_days: None,
    }
}

pub(crate) fn rule(schedule: &str, retention: i64) -> RulePatch {
    RulePatch {
        schedule: Some(schedule.into()),
        retention_days: Some(retention),
        ..Default::default()
    }
}

pub(crate) fn app(name: &str) -> AppInput {
    AppInput {
        name: name.into(),
        ..Default::default()
    }
}

/// `org-root` from the guide.
pub(crate) fn root_input() -> AppInput {
    let mut root = app("org-root");
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

pub(crate) fn root() -> PolicyDocument {
    evaluate(None, &root_input()).expect("the guide's root is valid")
}

pub(crate) fn child_of(
    parent: &PolicyDocument,
    input: &AppInput,
) -> Result<PolicyDocument, Vec<PolicyDiagnostic>> {
    evaluate(Some(&parent.to_json()), input)
}

/// The paths of diagnostics, as displayed.
pub(crate) fn paths(diagnostics: &[PolicyDiagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.path.to_string()).collect()
}
