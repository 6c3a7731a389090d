//! Unit tests of a child's restore testing on AWS: its selection in the anchor's restore testing
//! plan, drift of it, and destroy.

use backup_policy::RestoreTestingPatch;

use super::*;
use crate::cloud::RestoreTestingBackend;
use crate::resources::restore_testing::{check_child, converge_plan};

const ROOT_VAULT: &str = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault";

/// The root of [`root`] with weekly restore testing of EBS volumes.
fn tested_root() -> PolicyDocument {
    let mut input = AppInput {
        name: "root".into(),
        anchors: CloudAnchorsPatch {
            aws: Some(AwsAnchorFor::test(
                CENTRAL,
                "eu-west-1",
                "root",
                "root-vault",
            )),
            azure: None,
        },
        ..Default::default()
    };
    input.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..RulePatch::default()
        },
    );
    input.policy.restore_testing = Some(RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * SUN *)".into()),
        protected_resource_type: Some("DynamoDB".into()),
        ..Default::default()
    });
    backup_policy::evaluate(None, &input).unwrap()
}

/// A child of [`tested_root`] keeping restored tables 4 hours.
fn tested_child() -> PolicyDocument {
    let mut input = AppInput {
        name: "child".into(),
        ..Default::default()
    };
    input.policy.restore_testing = Some(RestoreTestingPatch {
        validation_window_hours: Some(4),
        ..Default::default()
    });
    backup_policy::evaluate(Some(&tested_root().to_json()), &input).unwrap()
}

#[tokio::test]
async fn a_joined_child_has_a_selection_in_its_anchors_restore_testing_plan() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    aws.create_plan(&plan_spec(&tested_root(), "root", "root-vault", None))
        .await
        .unwrap();
    converge_plan(&*aws, &tested_root(), "root", ROOT_VAULT, false)
        .await
        .unwrap();
    assert_eq!(aws.world().rt_plans["root"].include_vaults, [ROOT_VAULT]);

    let config = child_config();
    let document = tested_child();
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(
        &aws_part(&aws, &config),
        &document,
        &Value::Null,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(str_attr(&state, "mode"), Some("joined"));
    let selection = aws.world().rt_selections[&("root".to_string(), "child".to_string())].clone();
    assert_eq!(selection.protected_resource_type, "DynamoDB");
    assert_eq!(selection.protected_resource_arns, [TABLE]);
    assert_eq!(selection.validation_window_hours, Some(4));

    // A refresh finds it as applied; changed out of band, the document is nulled (drift).
    set_attr(
        &mut state,
        "policy_document",
        Value::from(document.to_json()),
    );
    let mut read = state.clone();
    let part = aws_part(&aws, &state);
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    let mut changed = selection.clone();
    changed.validation_window_hours = Some(48);
    aws.update_restore_testing_selection("root", &changed)
        .await
        .unwrap();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read.get("policy_document"), Some(&Value::Null));

    // The next apply puts it back in place; destroy leaves nothing of the child.
    converge_into(&part, &document, &state, &mut state.clone(), quiet)
        .await
        .unwrap();
    assert_eq!(
        aws.world().rt_selections[&("root".to_string(), "child".to_string())],
        selection
    );
    assert_eq!(part.destroy(&state, quiet).await, Ok(()));
    assert!(aws.world().rt_selections.is_empty());
}

#[tokio::test]
async fn a_child_that_derives_its_own_plan_moves_its_selection_there() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    aws.create_plan(&plan_spec(&tested_root(), "root", "root-vault", None))
        .await
        .unwrap();
    converge_plan(&*aws, &tested_root(), "root", ROOT_VAULT, false)
        .await
        .unwrap();
    let config = child_config();
    let quiet = &mut Diagnostics::default();
    let mut joined = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &tested_child(),
        &Value::Null,
        &mut joined,
        quiet,
    )
    .await
    .unwrap();
    set_attr(
        &mut joined,
        "policy_document",
        Value::from(tested_child().to_json()),
    );

    // The child keeps its dailies longer: it derives a plan, vault and restore testing plan.
    let mut input = AppInput {
        name: "child".into(),
        ..Default::default()
    };
    input.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(90),
            ..RulePatch::default()
        },
    );
    let derived = backup_policy::evaluate(Some(&tested_root().to_json()), &input).unwrap();
    let mut state = joined.clone();
    converge_into(
        &aws_part(&aws, &config),
        &derived,
        &joined,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(str_attr(&state, "mode"), Some("derived"));
    let world = aws.world();
    let keys: Vec<&(String, String)> = world.rt_selections.keys().collect();
    assert_eq!(keys, [&("child".to_string(), "child".to_string())]);
    assert_eq!(
        world.rt_plans["child"].include_vaults,
        ["arn:aws:backup:eu-west-1:111111111111:backup-vault:child"]
    );
}

#[tokio::test]
async fn a_child_without_restore_testing_makes_no_restore_testing_calls() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    aws.create_plan(&plan_spec(&root(), "root", "root-vault", None))
        .await
        .unwrap();
    let config = child_config();
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    let ops = aws.world().calls.operations().join(" ");
    assert!(!ops.contains("restore_testing"), "{ops}");
}

#[test]
fn a_child_needs_a_resource_type_to_restore() {
    let mut input = AppInput {
        name: "root".into(),
        ..Default::default()
    };
    input.policy.restore_testing = Some(RestoreTestingPatch {
        schedule: Some("cron(0 3 ? * SUN *)".into()),
        ..Default::default()
    });
    let document = backup_policy::evaluate(None, &input).unwrap();
    let mut diagnostics = Diagnostics::default();
    check_child(&document, &mut diagnostics);
    let all = diagnostics.into_vec();
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("policy.restore_testing.protected_resource_type")
    );
    let mut diagnostics = Diagnostics::default();
    check_child(&tested_child(), &mut diagnostics);
    assert!(diagnostics.into_vec().is_empty());
}

/// An interrupted apply (or someone outside Terraform) made the objects already, with other
/// content: they are adopted by name and updated, never created twice.
#[tokio::test]
async fn existing_restore_testing_objects_of_the_names_are_adopted() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    aws.create_plan(&plan_spec(&tested_root(), "root", "root-vault", None))
        .await
        .unwrap();
    let stale_plan = crate::cloud::RestoreTestingPlanSpec {
        name: "root".into(),
        schedule: "cron(0 1 ? * MON *)".into(),
        start_window_hours: 1,
        algorithm: "RANDOM_WITHIN_WINDOW".into(),
        selection_window_days: 1,
        include_vaults: vec!["*".into()],
    };
    aws.create_restore_testing_plan(&stale_plan).await.unwrap();
    let stale_selection = crate::cloud::RestoreTestingSelectionSpec {
        name: "child".into(),
        protected_resource_type: "DynamoDB".into(),
        iam_role_arn: "arn:aws:iam::111111111111:role/other".into(),
        ..Default::default()
    };
    aws.create_restore_testing_selection("root", &stale_selection)
        .await
        .unwrap();
    aws.world().calls.log.clear();

    converge_plan(&*aws, &tested_root(), "root", ROOT_VAULT, false)
        .await
        .unwrap();
    let config = child_config();
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(
        &aws_part(&aws, &config),
        &tested_child(),
        &Value::Null,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    let ops = aws.world().calls.operations().join(" ");
    assert!(!ops.contains("create_restore_testing"), "{ops}");
    assert!(ops.contains("update_restore_testing_plan"), "{ops}");
    assert!(ops.contains("update_restore_testing_selection"), "{ops}");
    let world = aws.world();
    assert_eq!(world.rt_plans["root"].schedule, "cron(0 3 ? * SUN *)");
    let selection = &world.rt_selections[&("root".to_string(), "child".to_string())];
    assert_eq!(
        selection.iam_role_arn,
        "arn:aws:iam::111111111111:role/backup"
    );
    assert_eq!(selection.validation_window_hours, Some(4));
}
