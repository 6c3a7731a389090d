//! Protected VMs: protect with the root's or a derived policy, stop protection; soft delete
//! keeps stopped items, blocks the vault's delete, and is purged the documented way.

use terraform_provider_backup::cloud::azure::{
    ArmBackend, AzureBackend, SoftDeleteState, StopProtectionOutcome, VaultRef,
};
use terraform_provider_backup::cloud::ErrorKind;

use crate::support::azure::vm_id;
use crate::support::fake_arm::server::FakeArm;
use crate::{create_vault, fake_and_backend, policy_spec, vm_spec};

#[tokio::test]
async fn protect_two_vms_then_stop_leaves_nothing() {
    let (fake, azure) = fake_and_backend().await;
    let vault = create_vault(&azure, "rsv", SoftDeleteState::Disabled).await;
    let root = azure
        .ensure_policy(&policy_spec(&vault, "org-root", 35))
        .await
        .unwrap();
    // A child that keeps dailies longer gets a derived policy in the ancestor's vault.
    let derived = azure
        .ensure_policy(&policy_spec(&vault, "payments-prod", 90))
        .await
        .unwrap();
    let (vm1, vm2) = (vm_id("vm1"), vm_id("vm2"));
    fake.add_vm(&vm1);
    fake.add_vm(&vm2);

    let item1 = azure
        .protect_vm(&vm_spec(&vault, &vm1, &root.id))
        .await
        .unwrap();
    let item2 = azure
        .protect_vm(&vm_spec(&vault, &vm2, &derived.id))
        .await
        .unwrap();
    assert_eq!(item1.id, azure.protected_item_id(&vault, &vm1).unwrap());
    assert!(item1.id.ends_with("/protectionContainers/iaasvmcontainer;iaasvmcontainerv2;rg-app;vm1/protectedItems/vm;iaasvmcontainerv2;rg-app;vm1"), "{}", item1.id);
    assert_eq!(item2.policy_id.as_deref(), Some(derived.id.as_str()));
    assert_eq!(
        azure.find_protected_vm(&vault, &vm2).await.unwrap(),
        Some(item2.clone())
    );
    assert_eq!(
        azure
            .find_policy(&vault, "payments-prod")
            .await
            .unwrap()
            .unwrap()
            .protected_items_count,
        1
    );
    assert_eq!(azure.list_protected_vms(&vault).await.unwrap().len(), 2);

    // A VM that does not exist is named in the error.
    let err = azure
        .protect_vm(&vm_spec(&vault, &vm_id("ghost"), &root.id))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    for vm in [&vm1, &vm2] {
        assert_eq!(
            azure.stop_protection(&vault, vm).await.unwrap(),
            StopProtectionOutcome::Removed
        );
        assert_eq!(azure.find_protected_vm(&vault, vm).await.unwrap(), None);
    }
    assert_eq!(
        azure.stop_protection(&vault, &vm1).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    azure.delete_policy(&vault, "payments-prod").await.unwrap();
    azure.delete_policy(&vault, "org-root").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_nothing_left();
    fake.assert_valid();
}

/// A vault with soft delete on, a policy `p` and VM `vm1` protected by it.
async fn protected_vm_under_soft_delete(
    fake: &FakeArm,
    azure: &ArmBackend,
    vault_name: &str,
) -> (VaultRef, String) {
    let vault = create_vault(azure, vault_name, SoftDeleteState::Enabled).await;
    let policy = azure
        .ensure_policy(&policy_spec(&vault, "p", 35))
        .await
        .unwrap();
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    azure
        .protect_vm(&vm_spec(&vault, &vm, &policy.id))
        .await
        .unwrap();
    (vault, vm)
}

#[tokio::test]
async fn soft_deleted_items_are_reported_and_block_the_vault_delete() {
    let (fake, azure) = fake_and_backend().await;
    let (vault, vm) = protected_vm_under_soft_delete(&fake, &azure, "rsv-soft").await;

    let StopProtectionOutcome::SoftDeleted(item) =
        azure.stop_protection(&vault, &vm).await.unwrap()
    else {
        panic!("soft delete keeps the item");
    };
    assert!(item.soft_deleted);
    assert_eq!(item.protection_state.as_deref(), Some("ProtectionStopped"));
    assert!(item.purge_at.is_some());
    let listed = azure.list_protected_vms(&vault).await.unwrap();
    assert_eq!(listed, vec![item]);

    assert_vault_not_empty(&azure, &vault).await;

    // Protecting the VM again undeletes the item first, then gives it its policy.
    let again = azure
        .protect_vm(&vm_spec(&vault, &vm, &azure.policy_id(&vault, "p")))
        .await
        .unwrap();
    assert!(!again.soft_deleted);
    assert_eq!(again.policy_id, Some(azure.policy_id(&vault, "p")));
    assert_vault_not_empty(&azure, &vault).await;
    fake.assert_valid();
}

/// Azure's documented way to empty a vault of soft-deleted items: soft delete off (a PATCH that
/// keeps everything else), undelete each item (`isRehydrate`), delete it for good.
#[tokio::test]
async fn soft_deleted_items_are_purged_after_soft_delete_is_turned_off() {
    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(1);
    let (vault, vm) = protected_vm_under_soft_delete(&fake, &azure, "rsv-purge").await;
    assert!(matches!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::SoftDeleted(_)
    ));

    let before = azure.find_vault(&vault).await.unwrap().unwrap();
    let after = azure.disable_soft_delete(&vault).await.unwrap();
    assert_eq!(after.soft_delete, Some(SoftDeleteState::Disabled));
    assert_eq!(after.location, before.location);
    assert_eq!(after.tags, before.tags);
    assert_eq!(after.storage_redundancy, before.storage_redundancy);

    // Still soft-deleted: with soft delete off, Azure wants it undeleted before it is deleted.
    assert!(azure.stop_protection(&vault, &vm).await.is_err());
    let undeleted = azure.undelete_protected_vm(&vault, &vm).await.unwrap();
    assert!(!undeleted.soft_deleted);
    assert_eq!(undeleted.policy_id, None);
    assert_eq!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    assert_eq!(azure.list_protected_vms(&vault).await.unwrap(), vec![]);
    azure.delete_policy(&vault, "p").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_nothing_left();
    fake.assert_valid();
}

/// Deleting `vault` (`rsv-soft`) fails: Azure's answer, named after the vault.
async fn assert_vault_not_empty(azure: &ArmBackend, vault: &VaultRef) {
    let err = azure.delete_vault(vault).await.unwrap_err();
    assert_eq!(err.code(), Some("ServiceResourceNotEmpty"));
    assert!(
        err.to_string()
            .starts_with("deleting Recovery Services Vault (rsv-soft): ServiceResourceNotEmpty: "),
        "{err}"
    );
}
