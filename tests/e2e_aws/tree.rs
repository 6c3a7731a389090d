//! The whole tree across both accounts: plan-time values, an update flowing down, drift in
//! each account restored, a selection change; and the same tree on Terraform 1.0.

use crate::checks::{assert_nothing_left, assert_tree_in_aws};
use crate::config::{derived_child, joined_child, providers, root_app, workdir};
use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::state::resource_values;
use crate::support::terraform::Terraform;
use crate::{backends, blocking, plan_named, Names};
use terraform_provider_backup::cloud::BackupBackend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_across_accounts_on_terraform_1_15() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let config = |retention: u32| {
        providers(&endpoint, &endpoint)
            + &root_app(&names, retention)
            + &joined_child(&names)
            + &derived_child(&names)
    };
    work.write_main_tf(&config(35));
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        // Vault ARN and modes are known at plan time.
        let arn = format!(
            "arn:aws:backup:{REGION}:{CENTRAL}:backup-vault:{}",
            names.root
        );
        assert_eq!(
            plan.change("backup_app.root").after["aws_vault_arn"],
            arn.as_str(),
            "vault ARN not in the plan:\n{plan}"
        );
        assert_eq!(
            plan.change("backup_child.joined").after["mode"],
            "joined",
            "{plan}"
        );
        assert_eq!(
            plan.change("backup_child.derived").after["mode"],
            "derived",
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 35).await;

    // A retention change at the root updates every affected plan in place, in one plan.
    work.write_main_tf(&config(40));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.counts(),
            (0, 3, 0),
            "expected three in-place updates:\n{plan}"
        );
        assert_eq!(
            plan.addresses(&["update"]),
            [
                "backup_app.root",
                "backup_child.derived",
                "backup_child.joined"
            ],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // The derived child's plan deleted out of band: the next plan shows it, apply restores it.
    let (_, member) = backends().await;
    let plan = plan_named(&member, &names.derived).await.unwrap();
    let selection = member
        .find_selection_by_name(&plan.state.plan_id, &names.derived)
        .await
        .unwrap()
        .unwrap();
    member
        .delete_selection(&plan.state.plan_id, &selection.selection_id)
        .await
        .unwrap();
    member.delete_plan(&plan.state.plan_id).await.unwrap();
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.output.code(),
            2,
            "the deleted plan does not show:\n{plan}"
        );
        assert!(
            plan.change("backup_child.derived").is(&["create"]),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // Out-of-band rule change on the root plan: the next plan restores it in place.
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();
    let mut spec = root_plan.spec.clone();
    spec.rules[0].lifecycle.delete_after_days = 99;
    central
        .update_plan(&root_plan.state.plan_id, &spec)
        .await
        .unwrap();
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.output.code(),
            2,
            "the changed rule does not show:\n{plan}"
        );
        assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // A selection change is an update in place: the new selection is made, then the old deleted.
    let old_selection = resource_values(&state, "backup_child.joined")["aws_selection_id"].clone();
    work.write_main_tf(&config(40).replace(
        "table/orders\"]",
        "table/orders\", \"arn:aws:dynamodb:eu-west-1:111111111111:table/invoices\"]",
    ));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.counts(), (0, 1, 0), "{plan}");
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_child.joined"],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    let joined = resource_values(&state, "backup_child.joined");
    assert_ne!(joined["aws_selection_id"], old_selection);
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();
    let selection = central
        .find_selection(
            &root_plan.state.plan_id,
            joined["aws_selection_id"].as_str().unwrap(),
        )
        .await
        .unwrap()
        .expect("the new selection");
    assert_eq!(selection.spec.resources.len(), 2);
    assert!(central
        .find_selection(&root_plan.state.plan_id, old_selection.as_str().unwrap())
        .await
        .unwrap()
        .is_none());

    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_and_child_on_terraform_1_0() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_0());
    work.write_main_tf(
        &(providers(&endpoint, &endpoint) + &root_app(&names, 35) + &derived_child(&names)),
    );
    blocking(|| {
        work.init();
        work.plan();
        work.apply();
        work.assert_plan_clean();
    });
    let (central, member) = backends().await;
    assert!(plan_named(&central, &names.root).await.is_some());
    let derived = plan_named(&member, &names.derived)
        .await
        .expect("derived plan");
    assert_eq!(
        derived.spec.rules[0].copy_actions[0].destination_vault_arn,
        central.vault_arn(&names.root)
    );
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}
