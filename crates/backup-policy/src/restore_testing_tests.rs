use super::*;
use crate::guardrails::Setting;

const VAULT: &str = "arn:aws:backup:us-east-1:111111111111:backup-vault:main";

fn weekly() -> RestoreTestingPatch {
    RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * SUN *)".into()),
        protected_resource_type: Some("EBS".into()),
        ..Default::default()
    }
}

fn root() -> EffectiveRestoreTesting {
    let mut d = vec![];
    let rt = merge("root", Some(&weekly()), None, true, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    rt
}

fn setting<T>(value: T, by: &str) -> Option<Setting<T>> {
    Some(Setting {
        value,
        set_by: by.into(),
    })
}

#[test]
fn a_new_part_gets_defaults_and_records_who_set_what() {
    let rt = root();
    assert_eq!(rt.start_window_hours, DEFAULT_RESTORE_START_WINDOW_HOURS);
    assert_eq!(rt.algorithm, DEFAULT_ALGORITHM);
    assert_eq!(rt.selection_window_days, DEFAULT_SELECTION_WINDOW_DAYS);
    assert!(rt.include_vaults.is_empty() && rt.validation_window_hours.is_none());
    assert_eq!(
        rt.set_by,
        BTreeMap::from([
            ("protected_resource_type".to_string(), "root".to_string()),
            ("schedule".to_string(), "root".to_string()),
        ])
    );
}

#[test]
fn a_new_part_needs_a_schedule_and_an_owner() {
    let mut d = vec![];
    let patch = RestoreTestingPatch {
        validation_window_hours: Some(4),
        ..Default::default()
    };
    assert!(merge("root", Some(&patch), None, true, &mut d).is_none());
    assert_eq!(d[0].path.to_string(), "policy.restore_testing.schedule");
    let mut d = vec![];
    assert!(merge("payments", Some(&weekly()), None, false, &mut d).is_none());
    assert_eq!(d[0].path.to_string(), "policy.restore_testing");
    assert!(d[0].detail.contains("nearest ancestor"), "{}", d[0].detail);
}

#[test]
fn children_change_selection_fields_and_merge_maps_and_vaults() {
    let patch = RestoreTestingPatch {
        protected_resource_type: Some("RDS".into()),
        validation_window_hours: Some(6),
        restore_metadata_overrides: Some(BTreeMap::from([(
            "dbInstanceClass".into(),
            "db.t3.micro".into(),
        )])),
        ..Default::default()
    };
    let mut d = vec![];
    let rt = merge("payments", Some(&patch), Some(root()), false, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(rt.protected_resource_type.as_deref(), Some("RDS"));
    assert_eq!(rt.validation_window_hours, Some(6));
    assert_eq!(rt.set_by["protected_resource_type"], "payments");
    assert_eq!(rt.set_by["schedule"], "root");

    let vaults = RestoreTestingPatch {
        include_vaults: Some(vec![VAULT.into(), "*".into()]),
        ..Default::default()
    };
    let rt = merge("eu", Some(&vaults), Some(rt), true, &mut d).unwrap();
    assert_eq!(rt.include_vaults, ["*", VAULT]);
    assert_eq!(rt.restore_metadata_overrides.len(), 1);
}

#[test]
fn plan_fields_change_only_where_the_plan_is_owned() {
    let patch = RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * MON *)".into()),
        algorithm: Some("RANDOM_WITHIN_WINDOW".into()),
        ..Default::default()
    };
    let mut d = vec![];
    merge("payments", Some(&patch), Some(root()), false, &mut d);
    let paths: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "policy.restore_testing.schedule",
            "policy.restore_testing.algorithm"
        ]
    );
    // Restating the inherited value is allowed anywhere and keeps the original setter.
    let restate = RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * SUN *)".into()),
        ..Default::default()
    };
    let mut d = vec![];
    let rt = merge("payments", Some(&restate), Some(root()), false, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(rt.set_by["schedule"], "root");
}

#[test]
fn guardrails_only_tighten() {
    let mut d = vec![];
    let root = accumulate(
        &RestoreTestingGuardrails::default(),
        "root",
        &RestoreTestingGuardrailsPatch {
            require_restore_testing: Some(true),
            restore_testing_max_interval_days: Some(7),
            restore_testing_max_validation_window_hours: Some(24),
        },
        &mut d,
    );
    assert!(d.is_empty() && root.required());
    let loose = accumulate(
        &root,
        "child",
        &RestoreTestingGuardrailsPatch {
            require_restore_testing: Some(false),
            restore_testing_max_interval_days: Some(30),
            restore_testing_max_validation_window_hours: Some(48),
        },
        &mut d,
    );
    let paths: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "guardrails.require_restore_testing",
            "guardrails.restore_testing_max_interval_days",
            "guardrails.restore_testing_max_validation_window_hours",
        ]
    );
    assert!(
        d[1].detail.contains("set by app \"root\""),
        "{}",
        d[1].detail
    );
    assert_eq!(loose, root);
    let mut d = vec![];
    let tight = accumulate(
        &root,
        "child",
        &RestoreTestingGuardrailsPatch {
            restore_testing_max_interval_days: Some(1),
            restore_testing_max_validation_window_hours: Some(0),
            ..Default::default()
        },
        &mut d,
    );
    assert_eq!(tight.max_interval_days, setting(1, "child"));
    assert_eq!(tight.max_validation_window_hours, setting(24, "root"));
    assert_eq!(
        d[0].path.to_string(),
        "guardrails.restore_testing_max_validation_window_hours"
    );
}

#[test]
fn required_restore_testing_names_the_ancestor() {
    let guardrails = RestoreTestingGuardrails {
        required: setting(true, "root"),
        ..Default::default()
    };
    let mut d = vec![];
    check("root", None, None, &guardrails, &mut d);
    assert_eq!(d[0].path.to_string(), "guardrails.require_restore_testing");
    let mut d = vec![];
    check("payments", None, None, &guardrails, &mut d);
    assert_eq!(d[0].path.to_string(), "policy.restore_testing");
    assert!(d[0].detail.contains("set by app \"root\""));
    let mut d = vec![];
    check("payments", None, Some(&root()), &guardrails, &mut d);
    assert!(d.is_empty());
}

#[test]
fn frequency_and_validation_window_bounds() {
    let guardrails = RestoreTestingGuardrails {
        max_interval_days: setting(3, "root"),
        max_validation_window_hours: setting(12, "root"),
        ..Default::default()
    };
    let mut rt = root();
    let mut d = vec![];
    check("payments", None, Some(&rt), &guardrails, &mut d);
    let summaries: Vec<&str> = d.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "Restore testing too rare",
            "Validation window above guardrail"
        ]
    );
    assert!(
        d[0].detail.contains("up to 7 days apart"),
        "{}",
        d[0].detail
    );
    assert!(d[1].detail.contains("unset"), "{}", d[1].detail);

    rt.schedule = "cron(0 3 * * ? *)".into();
    rt.validation_window_hours = Some(24);
    let patch = RestoreTestingPatch {
        validation_window_hours: Some(24),
        ..Default::default()
    };
    let mut d = vec![];
    check("payments", Some(&patch), Some(&rt), &guardrails, &mut d);
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].path.to_string(),
        "policy.restore_testing.validation_window_hours"
    );
    rt.validation_window_hours = Some(12);
    let mut d = vec![];
    check("payments", None, Some(&rt), &guardrails, &mut d);
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn values_aws_would_reject() {
    let patch = RestoreTestingPatch {
        schedule: Some("rate(1 day)".into()),
        start_window_hours: Some(0),
        algorithm: Some("OLDEST".into()),
        selection_window_days: Some(366),
        include_vaults: Some(vec!["*".into(), "my-vault".into()]),
        validation_window_hours: Some(169),
        protected_resource_type: Some("EBS volume".into()),
        restore_metadata_overrides: None,
    };
    let mut d = vec![];
    check_values("root", &patch, &mut d);
    let paths: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "policy.restore_testing.schedule",
            "policy.restore_testing.start_window_hours",
            "policy.restore_testing.selection_window_days",
            "policy.restore_testing.validation_window_hours",
            "policy.restore_testing.algorithm",
            "policy.restore_testing.protected_resource_type",
            "policy.restore_testing.include_vaults[1]",
        ]
    );
}
