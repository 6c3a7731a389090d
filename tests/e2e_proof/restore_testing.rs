//! Restore testing from the policy tree: the root's restore testing plan and the service's
//! selection in it, a root change that reaches the service in one plan, drift planned back, and
//! a clean destroy.

use crate::config::{tree, workdir, Root};
use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::REGION;
use crate::support::terraform::Terraform;
use crate::{blocking, central, sdk_client, Names};
use terraform_provider_backup::cloud::{BackupBackend, RestoreTestingBackend};

/// Checks the restore testing objects through the backend: the root's plan on `schedule` and the
/// service's selection in it.
async fn assert_restore_testing_in_aws(names: &Names, schedule: &str) {
    let aws = central().await;
    let plan_name = Names::rt(&names.root);
    let plan = aws
        .find_restore_testing_plan(&plan_name)
        .await
        .unwrap()
        .expect("the root's restore testing plan");
    assert_eq!(plan.schedule, schedule);
    assert_eq!(plan.algorithm, "LATEST_WITHIN_WINDOW");
    assert_eq!(plan.start_window_hours, 24);
    assert_eq!(plan.include_vaults, [aws.vault_arn(&names.root)]);
    let selection = aws
        .find_restore_testing_selection(&plan_name, &Names::rt(&names.service))
        .await
        .unwrap()
        .expect("the service's restore testing selection");
    assert_eq!(selection.protected_resource_type, "DynamoDB");
    assert_eq!(
        selection.protected_resource_arns,
        [format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders")]
    );
    assert_eq!(selection.validation_window_hours, Some(6));
    assert_eq!(
        selection
            .restore_metadata_overrides
            .get("billingMode")
            .map(String::as_str),
        Some("PAY_PER_REQUEST")
    );
    assert_eq!(
        selection.iam_role_arn,
        format!("arn:aws:iam::{CENTRAL}:role/backup")
    );
}

/// After destroy: no restore testing plan or selection, no backup plan, no vault.
async fn assert_nothing_left(names: &Names) {
    let aws = central().await;
    let plan_name = Names::rt(&names.root);
    assert_eq!(
        aws.find_restore_testing_plan(&plan_name).await.unwrap(),
        None
    );
    assert!(aws
        .list_restore_testing_selection_names(&plan_name)
        .await
        .unwrap()
        .is_empty());
    assert!(aws.find_plan_by_name(&names.root).await.unwrap().is_none());
    assert!(aws.find_vault_by_name(&names.root).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_three_level_tree_tests_restores_cascades_repairs_drift_and_destroys_clean() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&tree(&names, &Root::default()));
    blocking(|| {
        work.init();
        // Everything is known at plan time but the AWS plan and selection ids.
        let plan = work.plan_json();
        for change in plan.resource_changes() {
            let unknown = change.unknown_paths();
            assert!(
                unknown
                    .iter()
                    .all(|p| p.starts_with("aws_") || p == "mode" || p == "id"),
                "{}: {unknown:?}",
                change.address
            );
        }
        work.apply();
        work.assert_plan_clean();
    });
    assert_restore_testing_in_aws(&names, "cron(0 3 ? * SUN *)").await;

    // A root change reaches every descendant in the same plan, with known values.
    let daily = Root {
        schedule: "cron(0 3 * * ? *)",
        ..Root::default()
    };
    work.write_main_tf(&tree(&names, &daily));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_app.root", "backup_app.team", "backup_child.service"],
            "{plan}"
        );
        for address in ["backup_app.root", "backup_app.team", "backup_child.service"] {
            let change = plan.change(address);
            assert!(change.unknown_paths().is_empty(), "{address}: {plan}");
            let document = change.after["policy_document"].as_str().unwrap_or_default();
            assert!(
                document.contains("cron(0 3 * * ? *)"),
                "{address}: {document}"
            );
        }
        work.apply();
        work.assert_plan_clean();
    });
    assert_restore_testing_in_aws(&names, "cron(0 3 * * ? *)").await;

    // A root guardrail tightened below what the service states fails the plan at the service's
    // attribute, naming the root.
    let tight = Root {
        max_validation_hours: 4,
        ..daily
    };
    work.write_main_tf(&tree(&names, &tight));
    blocking(|| {
        let out = work.run(&["plan", "-input=false", "-no-color"]);
        assert!(!out.success(), "{out}");
        let text = out.combined();
        assert!(text.contains("Validation window above guardrail"), "{text}");
        assert!(
            text.contains(&format!("set by app \"{}\"", names.root)),
            "{text}"
        );
    });
    work.write_main_tf(&tree(&names, &daily));

    // The service's selection changed out of band: the plan shows the service updated, and the
    // apply puts the selection back.
    sdk_client()
        .await
        .update_restore_testing_selection()
        .restore_testing_plan_name(Names::rt(&names.root))
        .restore_testing_selection_name(Names::rt(&names.service))
        .restore_testing_selection(
            aws_sdk_backup::types::RestoreTestingSelectionForUpdate::builder()
                .validation_window_hours(48)
                .build(),
        )
        .send()
        .await
        .expect("change the selection out of band");
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_child.service"],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    assert_restore_testing_in_aws(&names, "cron(0 3 * * ? *)").await;

    blocking(|| {
        work.destroy();
    });
    assert_nothing_left(&names).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_1_0_applies_and_destroys_the_tree() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_0());
    work.write_main_tf(&tree(&names, &Root::default()));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    assert_restore_testing_in_aws(&names, "cron(0 3 ? * SUN *)").await;
    blocking(|| {
        work.destroy();
    });
    assert_nothing_left(&names).await;
}
