//! Restore testing through `evaluate`: inherited down a tree, guarded, and absent from documents
//! that do not use it.

mod common;

use backup_policy::{
    evaluate, AwsAnchor, GuardrailsPatch, RestoreTestingGuardrailsPatch, RestoreTestingPatch,
};
use common::{app, child_of, map, root, root_input};

fn anchor(app: &str) -> AwsAnchor {
    AwsAnchor {
        app: app.into(),
        account_id: "111111111111".into(),
        region: "us-east-1".into(),
        vault_name: format!("{app}-vault"),
        vault_arn: format!("arn:aws:backup:us-east-1:111111111111:backup-vault:{app}-vault"),
        plan_name: format!("{app}-plan"),
        kms_key_arn: None,
        air_gapped_vault_arn: None,
    }
}

#[test]
fn documents_without_restore_testing_do_not_mention_it() {
    assert!(!root().to_json().contains("restore_testing"));
}

#[test]
fn a_three_level_tree_inherits_and_overrides_per_app() {
    let mut input = root_input();
    input.anchors.aws = Some(anchor("org-root"));
    input.policy.restore_testing = Some(RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * SUN *)".into()),
        protected_resource_type: Some("EBS".into()),
        ..Default::default()
    });
    input.guardrails.restore_testing = RestoreTestingGuardrailsPatch {
        require_restore_testing: Some(true),
        restore_testing_max_interval_days: Some(7),
        restore_testing_max_validation_window_hours: Some(24),
    };
    // With a bound on the validation window, the root must state one.
    let errors = evaluate(None, &input).unwrap_err();
    assert_eq!(
        errors[0].path.to_string(),
        "guardrails.restore_testing_max_validation_window_hours"
    );
    input
        .policy
        .restore_testing
        .as_mut()
        .unwrap()
        .validation_window_hours = Some(12);
    let root = evaluate(None, &input).unwrap();
    let json = root.to_json();
    assert!(
        json.contains(r#""restore_testing":{"algorithm":"LATEST_WITHIN_WINDOW""#),
        "{json}"
    );
    assert!(
        json.contains(r#""required":{"set_by":"org-root","value":true}"#),
        "{json}"
    );

    let mut team = app("payments");
    team.policy.restore_testing = Some(RestoreTestingPatch {
        protected_resource_type: Some("RDS".into()),
        ..Default::default()
    });
    let team = child_of(&root, &team).unwrap();
    let mut service = app("ledger");
    service.policy.restore_testing = Some(RestoreTestingPatch {
        restore_metadata_overrides: Some(map(&[("dbInstanceClass", "db.t3.micro")])),
        validation_window_hours: Some(48),
        ..Default::default()
    });
    let errors = child_of(&team, &service).unwrap_err();
    assert_eq!(
        errors[0].path.to_string(),
        "policy.restore_testing.validation_window_hours"
    );
    assert!(
        errors[0].detail.contains("set by app \"org-root\""),
        "{}",
        errors[0].detail
    );
    service
        .policy
        .restore_testing
        .as_mut()
        .unwrap()
        .validation_window_hours = Some(6);
    let leaf = child_of(&team, &service).unwrap();
    let rt = leaf.restore_testing().unwrap();
    assert_eq!(rt.schedule, "cron(0 3 ? * SUN *)");
    assert_eq!(rt.protected_resource_type.as_deref(), Some("RDS"));
    assert_eq!(rt.validation_window_hours, Some(6));
    assert_eq!(rt.set_by["protected_resource_type"], "payments");
    assert_eq!(rt.set_by["schedule"], "org-root");
    assert_eq!(
        leaf.guardrails()
            .restore_testing
            .max_interval_days
            .as_ref()
            .unwrap()
            .value,
        7
    );
}

#[test]
fn a_guardrail_a_parent_tightens_binds_the_inherited_schedule() {
    let mut input = root_input();
    input.anchors.aws = Some(anchor("org-root"));
    input.policy.restore_testing = Some(RestoreTestingPatch {
        schedule: Some("cron(0 3 1 * ? *)".into()),
        ..Default::default()
    });
    let root = evaluate(None, &input).unwrap();
    let mut team = app("payments");
    team.guardrails = GuardrailsPatch {
        restore_testing: RestoreTestingGuardrailsPatch {
            restore_testing_max_interval_days: Some(7),
            ..Default::default()
        },
        ..Default::default()
    };
    let errors = child_of(&root, &team).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].path.to_string(),
        "guardrails.restore_testing_max_interval_days"
    );
    assert!(
        errors[0].detail.contains("31 days apart"),
        "{}",
        errors[0].detail
    );
}

#[test]
fn the_guardrails_read_flat_from_the_guardrails_attribute() {
    let patch: GuardrailsPatch = serde_json::from_str(
        r#"{"min_retention_days":7,"require_restore_testing":true,"restore_testing_max_interval_days":14}"#,
    )
    .unwrap();
    assert_eq!(patch.min_retention_days, Some(7));
    assert_eq!(patch.restore_testing.require_restore_testing, Some(true));
    assert_eq!(
        patch.restore_testing.restore_testing_max_interval_days,
        Some(14)
    );
}
