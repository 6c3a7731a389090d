//! `terraform apply -invoke=action.backup_restore_test.<name>` with `vm_id` on Terraform 1.15.5
//! against the fake ARM server: with no recovery point it fails clearly (and creates nothing);
//! with recovery points (seeded, as the VM's backups would make them) the missing scratch resource
//! group is created (tagged with the run), the latest point restored into it through
//! `Restores_Trigger`, its job followed to completion with the time reported, and the group
//! deleted with the restored disk (checked through the API: 404); with `created_after` (how a
//! commit's recovery point is found on Azure) the first point made after that time is restored
//! instead. A scratch group that already exists is kept, with a warning naming it. Every call is
//! validated against bms.json and resources.json.

use terraform_provider_backup::cloud::azure::{ArmBackend, ArmOptions, AzureBackend};

use crate::support::azure::{providers, settings, vm_id};
use crate::support::fake_arm::server::{FakeArm, SUBSCRIPTION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, item_path, root_app, vault_id};

fn scratch() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-restore-test")
}

/// Whether the scratch group exists, asked through the ARM API (`ResourceGroups_Get`).
async fn scratch_exists(fake: &FakeArm) -> bool {
    let azure = ArmBackend::from_settings(settings(fake), ArmOptions::for_tests()).unwrap();
    let groups = azure.resource_groups().unwrap();
    groups
        .find_resource_group(&scratch())
        .await
        .unwrap()
        .is_some()
}

/// What the fake stores in the scratch group (the restored disks).
fn in_scratch(fake: &FakeArm) -> Vec<String> {
    let prefix = format!("{}/", scratch().to_ascii_lowercase());
    fake.stored_paths()
        .into_iter()
        .filter(|p| p.starts_with(&prefix))
        .collect()
}

fn config(fake: &FakeArm) -> String {
    let vm = vm_id("vm1");
    let scratch = scratch();
    providers(fake)
        + &root_app(35).replace(
            r#"soft_delete          = "Enabled""#,
            r#"soft_delete          = "Disabled""#,
        )
        + &format!(
            r#"
resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{vm}"] }}
}}

action "backup_restore_test" "vm1" {{
  config {{
    policy_document          = backup_child.vm1.policy_document
    vm_id                    = "{vm}"
    target_resource_group_id = "{scratch}"
    storage_account_id       = "{scratch}/providers/Microsoft.Storage/storageAccounts/restorestaging"
    location                 = "westeurope"
    timeout_minutes          = 5
  }}
}}

# The recovery point of a deployment (a commit): the first one made after it.
action "backup_restore_test" "after_deploy" {{
  config {{
    policy_document          = backup_child.vm1.policy_document
    vm_id                    = "{vm}"
    target_resource_group_id = "{scratch}"
    storage_account_id       = "{scratch}/providers/Microsoft.Storage/storageAccounts/restorestaging"
    location                 = "westeurope"
    created_after            = "2026-11-22T12:00:00Z"
    timeout_minutes          = 5
  }}
}}
"#
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_restores_the_latest_vm_recovery_point_to_a_scratch_group() {
    let fake = FakeArm::start().await;
    fake.add_vm(&vm_id("vm1"));
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&config(&fake));
    blocking(|| {
        work.init();
        work.apply();
    });
    let restore = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.backup_restore_test.vm1",
    ];
    let refused = blocking(|| work.run(&restore)).assert_failure();
    assert!(
        refused.unwrapped().contains("No recovery point to restore"),
        "{refused}"
    );
    assert!(!scratch_exists(&fake).await, "nothing to restore, no group");

    let item = item_path("vm1");
    fake.add_recovery_point(&item, "111", "2026-11-22T05:00:00Z");
    fake.add_recovery_point(&item, "222", "2026-11-23T05:00:00Z");
    fake.set_async_polls(2);
    let output = blocking(|| work.run_ok(&restore));
    let text = output.unwrapped();
    assert!(
        text.contains("Created scratch resource group") && text.contains("backup:restore-test"),
        "{output}"
    );
    assert!(text.contains("Started restore job"), "{output}");
    assert!(text.contains(": RUNNING."), "progress:\n{output}");
    assert!(
        text.contains("passed: recovery point 222 restored in"),
        "{output}"
    );
    assert!(
        text.contains("Deleted scratch resource group") && text.contains("rg-restore-test"),
        "{output}"
    );
    assert!(
        !text.contains("Scratch resource group to clean up"),
        "a group the run created needs no warning:\n{output}"
    );
    assert!(!scratch_exists(&fake).await, "the scratch group is deleted");
    assert!(in_scratch(&fake).is_empty(), "{:?}", in_scratch(&fake));
    let group_polls = fake
        .calls()
        .into_iter()
        .filter(|(m, p, s)| m == "GET" && p.contains("/operationresults/") && *s == 202)
        .count();
    assert_eq!(
        group_polls, 2,
        "the deletion is followed as a long-running operation"
    );

    let jobs: Vec<String> = fake
        .stored_paths()
        .into_iter()
        .filter(|p| p.contains("/backupjobs/"))
        .collect();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let job = fake.stored(&jobs[0]).unwrap();
    assert_eq!(job["properties"]["status"], "Completed");
    assert_eq!(job["properties"]["operation"], "Restore");
    assert!(jobs[0].starts_with(&vault_id().to_ascii_lowercase()));

    // A later backup exists; the deployment's point is still the first one after it.
    fake.add_recovery_point(&item, "333", "2026-11-24T05:00:00Z");
    let after_deploy = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.backup_restore_test.after_deploy",
    ];
    let output = blocking(|| work.run_ok(&after_deploy));
    assert!(
        output
            .unwrapped()
            .contains("passed: recovery point 222 restored in"),
        "{output}"
    );
    assert!(!scratch_exists(&fake).await);

    // A restore that cannot start still cleans up the group it created.
    fake.fail_next_operation("BMSUserErrorRestoreDenied", "The restore was denied.");
    let failed = blocking(|| work.run(&restore)).assert_failure();
    let text = failed.unwrapped();
    assert!(
        text.contains("Cannot start the restore") && text.contains("The restore was denied"),
        "{failed}"
    );
    assert!(
        text.contains("Created scratch resource group")
            && text.contains("Deleted scratch resource group"),
        "{failed}"
    );
    assert!(
        !scratch_exists(&fake).await,
        "deleted after a failed restore too"
    );

    // A scratch group that already exists is the user's: kept, with the restored disk, and named.
    fake.add_resource_group(&scratch(), "westeurope");
    let output = blocking(|| work.run_ok(&restore));
    let text = output.unwrapped();
    assert!(
        text.contains("passed: recovery point 333 restored in"),
        "{output}"
    );
    assert!(
        text.contains("Scratch resource group to clean up")
            && text.contains("existed before this run"),
        "{output}"
    );
    assert!(!text.contains("Created scratch resource group"), "{output}");
    assert!(
        !text.contains("Deleting scratch resource group"),
        "{output}"
    );
    assert!(scratch_exists(&fake).await, "an existing group is kept");
    assert_eq!(in_scratch(&fake).len(), 1, "{:?}", in_scratch(&fake));
    fake.assert_valid();
    let unvalidated: Vec<String> = fake
        .unspecified()
        .into_iter()
        // ARM's generic operation-result URL of a group deletion is in no spec.
        .filter(|c| !c.contains("Microsoft.Compute") && !c.contains("/operationresults/"))
        .collect();
    assert!(
        unvalidated.is_empty(),
        "calls no spec describes: {unvalidated:?}"
    );
    blocking(|| work.destroy());
}
