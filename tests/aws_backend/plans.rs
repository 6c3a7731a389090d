//! Backup plans and selections: what is written reads back the same (flatten(expand(spec)) ==
//! spec), updates make new versions, deletes are idempotent.

use terraform_provider_backup::cloud::{
    BackupBackend, CopySpec, LifecycleSpec, PlanSpec, SelectionSpec, Tags,
};

use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::unique;
use crate::{connect, rule, tags, vault_spec};

#[tokio::test]
async fn plan_round_trips_through_create_find_update_delete() {
    let (_, backend) = connect(CENTRAL).await;
    let vault = unique("plan-vault");
    backend.ensure_vault(&vault_spec(&vault)).await.unwrap();

    let mut daily = rule("daily", &vault, 35);
    daily.lifecycle.cold_after_days = Some(7);
    daily.recovery_point_tags = tags(&[("commit", "abc123")]);
    daily.copy_actions = vec![
        CopySpec {
            destination_vault_arn: "arn:aws:backup:us-west-2:111111111111:backup-vault:dr".into(),
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: 90,
            },
        },
        CopySpec {
            destination_vault_arn: "arn:aws:backup:us-west-2:333333333333:backup-vault:dr".into(),
            lifecycle: LifecycleSpec {
                cold_after_days: Some(30),
                delete_after_days: 365,
            },
        },
    ];
    let mut monthly = rule("monthly", &vault, 0);
    monthly.schedule = "cron(0 6 1 * ? *)".into();
    monthly.enable_continuous_backup = true;
    let spec = PlanSpec {
        name: unique("plan"),
        rules: vec![daily, monthly],
        tags: tags(&[("owner", "platform")]),
    };
    assert_eq!(
        spec.clone().normalized(),
        spec,
        "the test spec is in canonical order"
    );

    let state = backend.create_plan(&spec).await.unwrap();
    let found = backend
        .find_plan_by_id(&state.plan_id)
        .await
        .unwrap()
        .expect("created plan is found");
    assert_eq!(found.state, state);
    assert_eq!(found.spec, spec, "flatten(expand(spec)) == spec");
    assert_eq!(
        backend.find_plan_by_name(&spec.name).await.unwrap(),
        Some(found)
    );

    let mut changed = spec.clone();
    changed.rules[0].lifecycle.delete_after_days = 60;
    changed.rules[0].copy_actions.pop();
    changed.rules.push(rule("weekly", &vault, 120));
    changed.tags = tags(&[("owner", "backup-team"), ("tier", "gold")]);
    let updated = backend.update_plan(&state.plan_id, &changed).await.unwrap();
    assert_eq!(updated.plan_id, state.plan_id);
    assert_ne!(
        updated.version_id, state.version_id,
        "every update is a new version"
    );
    let found = backend
        .find_plan_by_id(&state.plan_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.state, found.spec), (updated, changed));

    backend.delete_plan(&state.plan_id).await.unwrap();
    assert_eq!(backend.find_plan_by_id(&state.plan_id).await.unwrap(), None);
    assert_eq!(backend.find_plan_by_name(&spec.name).await.unwrap(), None);
    backend
        .delete_plan(&state.plan_id)
        .await
        .expect("deleting a deleted plan succeeds");
    let err = backend
        .update_plan(&state.plan_id, &spec)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "updating Backup Plan ({}): ResourceNotFoundException",
            state.plan_id
        )),
        "{err}"
    );
    backend.delete_vault(&vault, false).await.unwrap();
}

#[tokio::test]
async fn selection_create_find_delete() {
    let (_, backend) = connect(CENTRAL).await;
    let vault = unique("sel-vault");
    backend.ensure_vault(&vault_spec(&vault)).await.unwrap();
    let plan = backend
        .create_plan(&PlanSpec {
            name: unique("sel-plan"),
            rules: vec![rule("daily", &vault, 35)],
            tags: Tags::new(),
        })
        .await
        .unwrap();

    let spec = SelectionSpec {
        name: "payments-prod".into(),
        iam_role_arn: "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"
            .into(),
        resources: vec![
            "arn:aws:dynamodb:eu-west-1:111111111111:table/payments".into(),
            "arn:aws:dynamodb:eu-west-1:111111111111:table/ledger".into(),
        ],
        selection_tags: tags(&[("backup", "gold")]),
    };
    let id = backend
        .create_selection(&plan.plan_id, &spec)
        .await
        .unwrap();
    let found = backend
        .find_selection(&plan.plan_id, &id)
        .await
        .unwrap()
        .expect("created selection is found");
    assert_eq!(
        (
            found.plan_id.as_str(),
            found.selection_id.as_str(),
            &found.spec
        ),
        (plan.plan_id.as_str(), id.as_str(), &spec)
    );
    assert_eq!(
        backend
            .find_selection_by_name(&plan.plan_id, "payments-prod")
            .await
            .unwrap(),
        Some(found)
    );
    assert_eq!(
        backend
            .find_selection_by_name(&plan.plan_id, "nope")
            .await
            .unwrap(),
        None
    );

    backend.delete_selection(&plan.plan_id, &id).await.unwrap();
    assert_eq!(
        backend.find_selection(&plan.plan_id, &id).await.unwrap(),
        None
    );
    backend
        .delete_selection(&plan.plan_id, &id)
        .await
        .expect("deleting a deleted selection succeeds");
    backend.delete_plan(&plan.plan_id).await.unwrap();
    assert_eq!(
        backend.find_selection(&plan.plan_id, &id).await.unwrap(),
        None,
        "a selection of a gone plan is gone"
    );
    backend.delete_vault(&vault, false).await.unwrap();
}
