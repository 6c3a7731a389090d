//! A child that changes its own policy moves from joined (a selection in the root plan) to
//! derived (its own vault and plan) and back, in place.

use crate::checks::assert_nothing_left;
use crate::config::{joined_child, providers, root_app, workdir};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::plan::PlanJson;
use crate::support::terraform::Terraform;
use crate::{backends, blocking, plan_named, vault_exists, Names};
use terraform_provider_backup::cloud::BackupBackend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_changing_its_policy_moves_from_joined_to_derived_and_back_in_place() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let joined = providers(&endpoint, &endpoint) + &root_app(&names, 35) + &joined_child(&names);
    let derived = joined.replace(
        "  parent = backup_app.root.policy_document\n",
        "  parent = backup_app.root.policy_document\n  policy = { rules = { daily = { retention_days = 90 } } }\n",
    );
    work.write_main_tf(&joined);
    blocking(|| {
        work.init();
        work.apply();
    });
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();

    work.write_main_tf(&derived);
    blocking(|| {
        let plan = work.plan_json();
        assert_mode_change(&plan, "joined", "derived");
        assert_eq!(plan.counts(), (0, 1, 0), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let own = plan_named(&central, &names.joined)
        .await
        .expect("the child's own plan");
    assert_eq!(own.spec.rules[0].lifecycle.delete_after_days, 90);
    assert!(
        own.spec.rules[0].copy_actions.is_empty(),
        "same account: no copy to the root vault"
    );
    assert!(vault_exists(&central, &names.joined).await);
    assert!(central
        .find_selection_by_name(&own.state.plan_id, &names.joined)
        .await
        .unwrap()
        .is_some());
    assert!(
        central
            .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
            .await
            .unwrap()
            .is_none(),
        "the old selection in the root plan is gone"
    );

    work.write_main_tf(&joined);
    blocking(|| {
        let plan = work.plan_json();
        assert_mode_change(&plan, "derived", "joined");
        work.apply();
        work.assert_plan_clean();
    });
    assert!(
        plan_named(&central, &names.joined).await.is_none(),
        "own plan deleted"
    );
    assert!(
        !vault_exists(&central, &names.joined).await,
        "own vault deleted"
    );
    assert!(central
        .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
        .await
        .unwrap()
        .is_some());
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}

/// Panics, showing the plan, unless it updates `backup_child.joined` in place from mode `from`
/// to mode `to`.
#[track_caller]
fn assert_mode_change(plan: &PlanJson, from: &str, to: &str) {
    let child = plan.change("backup_child.joined");
    assert!(child.is(&["update"]), "{plan}");
    assert_eq!(
        (child.before["mode"].as_str(), child.after["mode"].as_str()),
        (Some(from), Some(to)),
        "{plan}"
    );
}
