//! Long-running operations: polled to the end through every status URL shape ARM uses, and a
//! failed operation's error surfaced.

use terraform_provider_backup::cloud::azure::{
    AzureBackend, SoftDeleteState, StopProtectionOutcome, VaultRef,
};

use crate::support::azure::vm_id;
use crate::{fake_and_backend, policy_spec, schedule, vault_spec, vm_spec, RG};

#[tokio::test]
async fn long_running_operations_are_polled_to_the_end() {
    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(3);
    let vault = VaultRef::new(RG, "rsv-lro");
    let created = azure
        .ensure_vault(&vault_spec("rsv-lro", SoftDeleteState::Disabled))
        .await
        .unwrap();
    assert_eq!(
        created.provisioning_state.as_deref(),
        Some("Succeeded"),
        "the final GET, not the 201 body"
    );
    let policy = azure
        .ensure_policy(&policy_spec(&vault, "p", 35))
        .await
        .unwrap();
    assert_eq!(policy.schedule.as_ref(), Some(&schedule(35)));
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    let item = azure
        .protect_vm(&vm_spec(&vault, &vm, &policy.id))
        .await
        .unwrap();
    assert_eq!(item.protection_state.as_deref(), Some("IRPending"));
    assert_eq!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    azure.delete_policy(&vault, "p").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_nothing_left();

    let calls = fake.calls();
    let count = |fragment: &str| {
        calls
            .iter()
            .filter(|(m, p, _)| m == "GET" && p.contains(fragment))
            .count()
    };
    assert_eq!(count("/operationResults/"), 4 + 1 + 1, "vault create via Location (3 × 202 + 200); the policy and protected item results via Location");
    assert_eq!(
        count("/operationStatus/"),
        4,
        "vault delete via Azure-AsyncOperation"
    );
    assert_eq!(count("/operations/"), 8, "policy create and delete");
    assert_eq!(count("/operationsStatus/"), 4, "protect");
    assert_eq!(count("/backupOperations/"), 4, "stop protection");
    fake.assert_valid();
}

#[tokio::test]
async fn failed_operations_surface_their_error() {
    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(2);
    let vault = VaultRef::new(RG, "rsv");
    // Location-only polling (vault create): the operation result answers the error.
    fake.fail_next_operation(
        "UserErrorResourceGroupLocked",
        "The resource group is locked.",
    );
    let err = azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UserErrorResourceGroupLocked"));
    assert_eq!(
        azure.find_vault(&vault).await.unwrap(),
        None,
        "a failed create changes nothing"
    );
    // Azure-AsyncOperation polling (policy write): the status body carries the error.
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();
    fake.fail_next_operation(
        "BMSUserErrorInvalidPolicyInput",
        "Retention is below the minimum.",
    );
    let err = azure
        .ensure_policy(&policy_spec(&vault, "p", 35))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "creating Backup Policy (p): BMSUserErrorInvalidPolicyInput: Retention is below the minimum."
    );
    assert_eq!(azure.find_policy(&vault, "p").await.unwrap(), None);
    fake.assert_valid();
}
