//! The restore test's scratch resource group against the fake ARM server: looked up, created with
//! the run's tag, restored into (the restored disk lands in it), and deleted through its
//! long-running operation with everything in it; every call validated against `resources.json`
//! (Microsoft.Resources 2024-03-01) and `bms.json`.

use terraform_provider_backup::cloud::azure::{
    AzureBackend, AzureTags, SoftDeleteState, VmRestoreSpec, RESTORE_TEST_TAG,
};

use crate::support::azure::vm_id;
use crate::{create_vault, fake_and_backend, policy_spec, vm_spec};

#[tokio::test]
async fn a_scratch_group_is_created_restored_into_and_deleted_with_its_disks() {
    let (fake, azure) = fake_and_backend().await;
    let groups = azure
        .resource_groups()
        .expect("ARM manages resource groups");
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
    fake.add_recovery_point(&item.id, "111", "2026-11-22T05:00:00Z");
    let scratch = format!(
        "/subscriptions/{}/resourceGroups/rg-scratch",
        azure.subscription_id()
    );
    let spec = VmRestoreSpec {
        vault: vault.clone(),
        vm_id: vm.clone(),
        recovery_point: "111".into(),
        target_resource_group_id: scratch.clone(),
        storage_account_id: format!(
            "{scratch}/providers/Microsoft.Storage/storageAccounts/staging"
        ),
        region: "westeurope".into(),
    };

    // As in Azure, a restore into a group that does not exist is refused.
    assert!(groups
        .find_resource_group(&scratch)
        .await
        .unwrap()
        .is_none());
    let refused = azure.restore_vm(&spec).await.unwrap_err();
    assert!(
        refused.to_string().contains("target resource group"),
        "{refused}"
    );

    let tags: AzureTags = [(RESTORE_TEST_TAG.to_owned(), "run-1".to_owned())].into();
    let created = groups
        .create_resource_group(&scratch, "westeurope", &tags)
        .await
        .unwrap();
    assert_eq!(created.location, "westeurope");
    assert_eq!(created.tags, tags);
    let found = groups.find_resource_group(&scratch).await.unwrap().unwrap();
    assert_eq!(
        found.tags.get(RESTORE_TEST_TAG).map(String::as_str),
        Some("run-1")
    );

    azure.restore_vm(&spec).await.unwrap();
    let in_group = |fake: &crate::FakeArm| -> Vec<String> {
        let prefix = format!("{}/", scratch.to_ascii_lowercase());
        fake.stored_paths()
            .into_iter()
            .filter(|p| p.starts_with(&prefix))
            .collect()
    };
    let disks = in_group(&fake);
    assert_eq!(disks.len(), 1, "{disks:?}");
    assert!(
        disks[0].contains("/providers/microsoft.compute/disks/"),
        "{disks:?}"
    );

    // The deletion is a long-running operation, polled at its Location until done.
    fake.set_async_polls(2);
    assert!(groups.delete_resource_group(&scratch).await.unwrap());
    let polls: Vec<u16> = fake
        .calls()
        .into_iter()
        .filter(|(m, p, _)| m == "GET" && p.contains("/operationresults/"))
        .map(|(_, _, status)| status)
        .collect();
    assert_eq!(polls, [202, 202, 204]);
    assert!(groups
        .find_resource_group(&scratch)
        .await
        .unwrap()
        .is_none());
    assert!(in_group(&fake).is_empty(), "the disk went with its group");
    // Gone is done.
    assert!(!groups.delete_resource_group(&scratch).await.unwrap());

    fake.assert_valid();
    let unvalidated: Vec<String> = fake
        .unspecified()
        .into_iter()
        .filter(|c| !c.contains("Microsoft.Compute") && !c.contains("/operationresults/"))
        .collect();
    assert!(
        unvalidated.is_empty(),
        "calls no spec describes: {unvalidated:?}"
    );
}

#[tokio::test]
async fn a_group_of_another_subscription_is_refused_without_a_call() {
    let (fake, azure) = fake_and_backend().await;
    let groups = azure.resource_groups().unwrap();
    let other = "/subscriptions/99999999-0000-0000-0000-000000000009/resourceGroups/rg";
    let err = groups.delete_resource_group(other).await.unwrap_err();
    assert!(err.to_string().contains("subscription 99999999"), "{err}");
    let not_a_group = format!(
        "/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s",
        azure.subscription_id()
    );
    assert!(groups.find_resource_group(&not_a_group).await.is_err());
    assert!(fake.calls().is_empty(), "{:?}", fake.calls());
}
