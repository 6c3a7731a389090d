//! VM test restores against the fake ARM server: the recovery points of a protected VM, a
//! restore of the latest into a scratch resource group (`Restores_Trigger` followed through its
//! long-running operation to the job it started), and the job polled until it completes; every
//! call validated against `bms.json`.

use terraform_provider_backup::cloud::azure::{AzureBackend, SoftDeleteState, VmRestoreSpec};
use terraform_provider_backup::cloud::jobs::JobState;
use terraform_provider_backup::cloud::restores::latest;

use crate::support::azure::vm_id;
use crate::{create_vault, fake_and_backend, policy_spec, vm_spec};

#[tokio::test]
async fn the_latest_point_is_restored_and_its_job_followed() {
    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(2);
    let vault = create_vault(&azure, "rsv", SoftDeleteState::Disabled).await;
    let policy = azure
        .ensure_policy(&policy_spec(&vault, "org-root", 35))
        .await
        .unwrap();
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    let item = azure
        .protect_vm(&vm_spec(&vault, &vm, &policy.id))
        .await
        .unwrap();
    assert!(azure
        .vm_recovery_points(&vault, &vm)
        .await
        .unwrap()
        .is_empty());
    fake.add_recovery_point(&item.id, "111", "2026-11-22T05:00:00Z");
    fake.add_recovery_point(&item.id, "222", "2026-11-23T05:00:00.1234567Z");

    let points = azure.vm_recovery_points(&vault, &vm).await.unwrap();
    assert_eq!(points.len(), 2);
    let newest = latest(&points).unwrap();
    assert_eq!(newest.arn, "222");

    let scratch = format!(
        "/subscriptions/{}/resourceGroups/rg-restore-test",
        azure.subscription_id()
    );
    let spec = VmRestoreSpec {
        vault: vault.clone(),
        vm_id: vm.clone(),
        recovery_point: newest.arn.clone(),
        target_resource_group_id: scratch.clone(),
        storage_account_id: format!(
            "{scratch}/providers/Microsoft.Storage/storageAccounts/staging"
        ),
        region: "westeurope".into(),
    };
    fake.add_resource_group(&scratch, "westeurope");
    let job = azure.restore_vm(&spec).await.unwrap();
    let mut states = Vec::new();
    loop {
        let status = azure.backup_job(&vault, &job).await.unwrap();
        states.push(status.state.clone());
        if status.state.is_final() {
            break;
        }
    }
    assert_eq!(
        states,
        [JobState::Running, JobState::Running, JobState::Completed]
    );
    let stored = fake
        .stored(&format!("{}/backupJobs/{job}", vault_id(&azure, &vault)))
        .unwrap();
    assert_eq!(stored["properties"]["operation"], "Restore");
    assert_eq!(
        stored["properties"]["extendedInfo"]["propertyBag"]["Target resource group"],
        scratch.as_str()
    );

    // A recovery point that does not exist is an error, not a job.
    let mut gone = spec.clone();
    gone.recovery_point = "999".into();
    assert!(azure.restore_vm(&gone).await.is_err());
    fake.assert_valid();
    let unvalidated: Vec<String> = fake
        .unspecified()
        .into_iter()
        .filter(|c| !c.contains("Microsoft.Compute"))
        .collect();
    assert!(
        unvalidated.is_empty(),
        "calls no spec describes: {unvalidated:?}"
    );
}

fn vault_id(
    azure: &impl AzureBackend,
    vault: &terraform_provider_backup::cloud::azure::VaultRef,
) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
        azure.subscription_id(),
        vault.resource_group,
        vault.name
    )
}
