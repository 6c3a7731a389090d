//! Vault notifications from the effective `alerts` (issue 18): the SNS topic and the events
//! (job failures, copy failures, restores by default), via Put/Get/DeleteBackupVaultNotifications.

use aws_sdk_backup::types::BackupVaultEvent;
use backup_policy::PolicyDocument;

use super::AwsBackend;
use crate::cloud::error::GoneIsNone;
use crate::cloud::{BackupBackend, CloudError, VaultNotificationSpec};

const OP_PUT: &str = "putting Backup Vault Notifications";
const OP_READ: &str = "reading Backup Vault Notifications";
const OP_DELETE: &str = "deleting Backup Vault Notifications";

/// The notifications realising `document`'s alerts on AWS, `None` when it names no SNS topic.
pub fn vault_notification_spec(document: &PolicyDocument) -> Option<VaultNotificationSpec> {
    let alerts = document.governance().alerts.as_ref()?;
    let topic = alerts.sns_topic_arn.as_ref()?;
    Some(VaultNotificationSpec {
        sns_topic_arn: topic.value.clone(),
        events: alerts.events.iter().cloned().collect(),
    })
}

/// Brings the vault's notifications to `desired`: with a spec, 1 read and 1 write when it differs;
/// without one, a delete when the previous policy had some (`had_before`), else nothing.
pub async fn converge_vault_notifications(
    backend: &dyn BackupBackend,
    vault: &str,
    desired: Option<&VaultNotificationSpec>,
    had_before: bool,
) -> Result<(), CloudError> {
    let Some(spec) = desired else {
        return match had_before {
            true => backend.delete_vault_notifications(vault).await,
            false => Ok(()),
        };
    };
    if backend.find_vault_notifications(vault).await?.as_ref() != Some(spec) {
        backend.put_vault_notifications(vault, spec).await?;
    }
    Ok(())
}

/// `PutBackupVaultNotifications` (1 call).
pub(super) async fn put_vault_notifications(
    backend: &AwsBackend,
    name: &str,
    spec: &VaultNotificationSpec,
) -> Result<(), CloudError> {
    let events: Vec<BackupVaultEvent> = spec
        .events
        .iter()
        .map(|e| BackupVaultEvent::from(e.as_str()))
        .collect();
    backend
        .send(OP_PUT, name, || {
            backend
                .client
                .put_backup_vault_notifications()
                .backup_vault_name(name)
                .sns_topic_arn(&spec.sns_topic_arn)
                .set_backup_vault_events(Some(events.clone()))
                .send()
        })
        .await
        .map(drop)
}

/// `GetBackupVaultNotifications` (1 call); `None` when the vault has none or is gone.
pub(super) async fn find_vault_notifications(
    backend: &AwsBackend,
    name: &str,
) -> Result<Option<VaultNotificationSpec>, CloudError> {
    let found = backend
        .send(OP_READ, name, || {
            backend
                .client
                .get_backup_vault_notifications()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()?;
    Ok(found.map(|out| {
        let mut events: Vec<String> = out
            .backup_vault_events()
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect();
        events.sort();
        events.dedup();
        VaultNotificationSpec {
            sns_topic_arn: out.sns_topic_arn().unwrap_or_default().to_owned(),
            events,
        }
    }))
}

/// `DeleteBackupVaultNotifications` (1 call); none left, or no vault, counts as done.
pub(super) async fn delete_vault_notifications(
    backend: &AwsBackend,
    name: &str,
) -> Result<(), CloudError> {
    backend
        .send(OP_DELETE, name, || {
            backend
                .client
                .delete_backup_vault_notifications()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(drop)
}
