//! Vaults: tags, the access policy for cross-account copies, vault lock (governance and
//! compliance), and the guard that keeps recovery points from being deleted silently.

use std::time::Duration;

use terraform_provider_backup::cloud::aws::{AwsBackend, AwsContext};
use terraform_provider_backup::cloud::{
    BackupBackend, ErrorKind, VaultLockSpec, VaultLockState, VaultSpec, VaultState,
};

use crate::support::aws::{start_backup_job, CENTRAL, MEMBER};
use crate::support::aws_emulator::{options, settings, unique, AwsEmulator};
use crate::{connect, tags, vault_spec};

#[tokio::test]
async fn vault_lifecycle_with_tags_access_policy_and_lock() {
    let (_, backend) = connect(CENTRAL).await;
    let name = unique("vault");
    let spec = VaultSpec {
        name: name.clone(),
        kms_key_arn: None,
        tags: tags(&[("owner", "platform"), ("env", "prod")]),
    };

    let created = backend.ensure_vault(&spec).await.unwrap();
    assert_eq!(
        created.arn,
        backend.vault_arn(&name),
        "the computed ARN is the real one"
    );
    assert_eq!(created.tags, spec.tags);
    assert_eq!((created.recovery_points, created.lock.clone()), (0, None));
    assert_eq!(
        backend.find_vault_by_name(&name).await.unwrap(),
        Some(created.clone())
    );

    // Adopting with other tags reconciles them (one untag, one tag call).
    let retagged = VaultSpec {
        tags: tags(&[("owner", "backup-team"), ("cost", "42")]),
        ..spec.clone()
    };
    assert_eq!(
        backend.ensure_vault(&retagged).await.unwrap().tags,
        retagged.tags
    );
    assert_eq!(read_vault(&backend, &name).await.tags, retagged.tags);

    // Access policy for cross-account copies.
    assert_eq!(backend.find_vault_access_policy(&name).await.unwrap(), None);
    let accounts = vec!["333333333333".to_string(), MEMBER.to_string()];
    backend
        .put_vault_access_policy(&name, &accounts)
        .await
        .unwrap();
    assert_eq!(
        backend.find_vault_access_policy(&name).await.unwrap(),
        Some(vec![MEMBER.to_string(), "333333333333".to_string()])
    );
    backend.put_vault_access_policy(&name, &[]).await.unwrap();
    assert_eq!(
        backend.find_vault_access_policy(&name).await.unwrap(),
        None,
        "an empty list removes the policy"
    );
    backend
        .put_vault_access_policy(&name, &accounts[..1])
        .await
        .unwrap();
    backend.delete_vault_access_policy(&name).await.unwrap();
    backend.delete_vault_access_policy(&name).await.unwrap();
    assert_eq!(backend.find_vault_access_policy(&name).await.unwrap(), None);

    // Vault lock in governance mode (no changeable_for_days), then removed.
    let lock = VaultLockSpec {
        min_retention_days: Some(7),
        max_retention_days: Some(3650),
        changeable_for_days: None,
    };
    backend.put_vault_lock(&name, &lock).await.unwrap();
    let locked = read_lock(&backend, &name).await;
    assert_eq!(
        (
            locked.min_retention_days,
            locked.max_retention_days,
            locked.lock_date
        ),
        (Some(7), Some(3650), None)
    );
    assert!(!locked.is_immutable());
    let bad = VaultLockSpec {
        changeable_for_days: Some(1),
        ..lock
    };
    let err = backend.put_vault_lock(&name, &bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    backend.delete_vault_lock(&name).await.unwrap();
    assert_eq!(read_vault(&backend, &name).await.lock, None);

    backend.delete_vault(&name, false).await.unwrap();
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
    backend
        .delete_vault(&name, false)
        .await
        .expect("deleting a deleted vault succeeds");
    let err = backend.count_recovery_points(&name).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn vault_with_recovery_points_is_not_deleted_without_force() {
    let (context, backend) = connect(CENTRAL).await;
    let name = unique("full-vault");
    backend.ensure_vault(&vault_spec(&name)).await.unwrap();

    start_backup_job(&AwsEmulator::shared().endpoint(), &name).await;
    assert_eq!(backend.count_recovery_points(&name).await.unwrap(), 1);

    let err = backend.delete_vault(&name, false).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert_eq!(
        err.to_string(),
        format!(
            "deleting Backup Vault ({name}): the vault holds 1 recovery point(s), which are not deleted silently: \
             delete them, or set force_destroy = true"
        )
    );
    assert!(
        backend.find_vault_by_name(&name).await.unwrap().is_some(),
        "the vault is still there"
    );

    // With force the recovery points are listed and deleted first. The emulator lists none (its
    // ListRecoveryPointsByBackupVault is always empty), so only the vault deletion is exercised.
    backend.delete_vault(&name, true).await.unwrap();
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
    drop(context);
}

#[tokio::test]
async fn a_compliance_lock_becomes_immutable_at_its_lock_date() {
    // A private emulator where a "day" lasts a second, so the lock date arrives within the test.
    let emulator = AwsEmulator::start_with(&[("BACKUP_PLUS_DAY_SECONDS", "1")]);
    let endpoint = emulator.endpoint();
    let context = AwsContext::connect_with(&settings(&endpoint, &endpoint), options(CENTRAL))
        .await
        .unwrap();
    let backend = AwsBackend::new(&context);
    let name = unique("compliance");
    backend.ensure_vault(&vault_spec(&name)).await.unwrap();
    let lock = VaultLockSpec {
        min_retention_days: Some(7),
        max_retention_days: None,
        changeable_for_days: Some(3),
    };
    backend.put_vault_lock(&name, &lock).await.unwrap();
    let state = read_lock(&backend, &name).await;
    assert!(
        state.lock_date.is_some() && !state.is_immutable(),
        "{state:?}"
    );

    tokio::time::sleep(Duration::from_millis(3200)).await;
    let state = read_lock(&backend, &name).await;
    assert!(state.is_immutable(), "{state:?}");
    let err = backend.delete_vault_lock(&name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState, "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "deleting Backup Vault Lock Configuration ({name}): InvalidRequestException"
        )),
        "{err}"
    );
    let err = backend.delete_vault(&name, true).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState, "{err}");
}

/// Vault `name` as read back; panics when it does not exist.
async fn read_vault(backend: &AwsBackend, name: &str) -> VaultState {
    backend
        .find_vault_by_name(name)
        .await
        .unwrap()
        .expect("the vault exists")
}

/// The lock of vault `name` as read back; panics when the vault or its lock is missing.
async fn read_lock(backend: &AwsBackend, name: &str) -> VaultLockState {
    read_vault(backend, name)
        .await
        .lock
        .expect("lock is read back")
}
