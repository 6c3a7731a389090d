//! Recovery Services vaults: create, read, update in place, delete; soft delete that is
//! always on cannot be turned off.

use crate::{create_vault, fake_and_backend, vault_spec, RG};
use terraform_provider_backup::cloud::azure::{
    AzureBackend, ImmutabilityState, SoftDeleteState, StorageRedundancy, VaultRef,
};

#[tokio::test]
async fn vault_create_read_update_delete() {
    let (fake, azure) = fake_and_backend().await;
    let vault = VaultRef::new(RG, "rsv-org-root");
    assert_eq!(azure.find_vault(&vault).await.unwrap(), None);

    let mut spec = vault_spec("rsv-org-root", SoftDeleteState::AlwaysOn);
    let created = azure.ensure_vault(&spec).await.unwrap();
    assert_eq!(created.id, azure.vault_id(&vault));
    assert_eq!(created.location, "westeurope");
    assert_eq!(
        created.storage_redundancy,
        Some(StorageRedundancy::GeoRedundant)
    );
    assert_eq!(created.cross_region_restore, Some(true));
    assert_eq!(created.soft_delete, Some(SoftDeleteState::AlwaysOn));
    assert_eq!(created.immutability, Some(ImmutabilityState::Unlocked));
    assert_eq!(
        azure.find_vault(&vault).await.unwrap(),
        Some(created.clone())
    );

    spec.cross_region_restore = Some(false);
    spec.tags.insert("env".into(), "prod".into());
    let updated = azure.ensure_vault(&spec).await.unwrap();
    assert_eq!(updated.id, created.id, "updated in place");
    assert_eq!(updated.cross_region_restore, Some(false));
    assert_eq!(updated.tags.get("env").map(String::as_str), Some("prod"));

    azure.delete_vault(&vault).await.unwrap();
    assert_eq!(azure.find_vault(&vault).await.unwrap(), None);
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_valid();
}

#[tokio::test]
async fn always_on_soft_delete_cannot_be_turned_off() {
    let (fake, azure) = fake_and_backend().await;
    let vault = create_vault(&azure, "rsv-always", SoftDeleteState::AlwaysOn).await;
    let err = azure.disable_soft_delete(&vault).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("disabling soft delete of Recovery Services Vault (rsv-always): "),
        "{err}"
    );
    let stored = azure.find_vault(&vault).await.unwrap().unwrap();
    assert_eq!(stored.soft_delete, Some(SoftDeleteState::AlwaysOn));
    fake.assert_valid();
}
