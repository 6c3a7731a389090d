//! Recovery points: `DescribeRecoveryPoint`, `ListRecoveryPointsByBackupVault` (one page per
//! call), `ListTags`, `UpdateRecoveryPointLifecycle`, `DeleteRecoveryPoint`.

use async_trait::async_trait;
use aws_sdk_backup::types::{Lifecycle, RecoveryPointByBackupVault, RecoveryPointCreator};

use super::tags::find_tags_by_arn;
use super::AwsBackend;
use crate::cloud::backend::{BackupBackend, LifecycleSpec, Tags, VaultLockState};
use crate::cloud::error::{CloudError, GoneIsNone};
use crate::cloud::recovery_points::{RecoveryPointInfo, RecoveryPointPage, RecoveryPoints};

const OP_READ: &str = "reading Recovery Point";
const OP_LIST: &str = "listing Recovery Points";
const OP_LIFECYCLE: &str = "updating Recovery Point lifecycle";
const OP_DELETE: &str = "deleting Recovery Point";

#[async_trait]
impl RecoveryPoints for AwsBackend {
    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn region(&self) -> &str {
        &self.region
    }

    async fn find_recovery_point(
        &self,
        vault_name: &str,
        arn: &str,
    ) -> Result<Option<RecoveryPointInfo>, CloudError> {
        let out = self
            .send(OP_READ, arn, || {
                self.client
                    .describe_recovery_point()
                    .backup_vault_name(vault_name)
                    .recovery_point_arn(arn)
                    .send()
            })
            .await
            .none_if_not_found()?;
        Ok(out.map(|out| RecoveryPointInfo {
            arn: out.recovery_point_arn().unwrap_or(arn).to_owned(),
            vault_name: out.backup_vault_name().unwrap_or(vault_name).to_owned(),
            resource_arn: out.resource_arn().unwrap_or_default().to_owned(),
            resource_type: out.resource_type().unwrap_or_default().to_owned(),
            status: out
                .status()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            created_epoch_seconds: out.creation_date().map_or(0, |d| d.secs()),
            lifecycle: flatten_lifecycle(out.lifecycle()),
            backup_size_bytes: out.backup_size_in_bytes(),
            backup_rule_name: rule_name(out.created_by()),
        }))
    }

    async fn list_recovery_points(
        &self,
        vault_name: &str,
        token: Option<String>,
        max_results: i32,
    ) -> Result<RecoveryPointPage, CloudError> {
        let out = self
            .send(OP_LIST, vault_name, || {
                self.client
                    .list_recovery_points_by_backup_vault()
                    .backup_vault_name(vault_name)
                    .max_results(max_results)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok(RecoveryPointPage {
            points: out
                .recovery_points()
                .iter()
                .filter_map(|p| flatten_listed(p, vault_name))
                .collect(),
            next_token: out
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        })
    }

    async fn find_recovery_point_tags(&self, arn: &str) -> Result<Option<Tags>, CloudError> {
        // ListTags: "when you include values of resourceArn that have an ARN other than
        // arn:aws:backup, it may return one of the exceptions listed": points Backup does not
        // fully manage (an EBS snapshot, say) carry no Backup tags.
        if !is_backup_arn(arn) {
            return Ok(Some(Tags::new()));
        }
        find_tags_by_arn(self, OP_READ, arn, arn).await
    }

    async fn update_recovery_point_lifecycle(
        &self,
        vault_name: &str,
        arn: &str,
        lifecycle: &LifecycleSpec,
    ) -> Result<(), CloudError> {
        self.send(OP_LIFECYCLE, arn, || {
            self.client
                .update_recovery_point_lifecycle()
                .backup_vault_name(vault_name)
                .recovery_point_arn(arn)
                .lifecycle(expand_lifecycle(lifecycle))
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete_recovery_point(&self, vault_name: &str, arn: &str) -> Result<(), CloudError> {
        self.send(OP_DELETE, arn, || {
            self.client
                .delete_recovery_point()
                .backup_vault_name(vault_name)
                .recovery_point_arn(arn)
                .send()
        })
        .await
        .none_if_not_found()
        .map(|_| ())
    }

    async fn find_vault_lock(
        &self,
        vault_name: &str,
    ) -> Result<Option<VaultLockState>, CloudError> {
        let vault = BackupBackend::find_vault_by_name(self, vault_name).await?;
        Ok(vault.and_then(|v| v.lock))
    }
}

/// A listed point; `None` without an ARN (AWS always sends one).
fn flatten_listed(p: &RecoveryPointByBackupVault, vault_name: &str) -> Option<RecoveryPointInfo> {
    Some(RecoveryPointInfo {
        arn: p.recovery_point_arn()?.to_owned(),
        vault_name: p.backup_vault_name().unwrap_or(vault_name).to_owned(),
        resource_arn: p.resource_arn().unwrap_or_default().to_owned(),
        resource_type: p.resource_type().unwrap_or_default().to_owned(),
        status: p
            .status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        created_epoch_seconds: p.creation_date().map_or(0, |d| d.secs()),
        lifecycle: flatten_lifecycle(p.lifecycle()),
        backup_size_bytes: p.backup_size_in_bytes(),
        backup_rule_name: rule_name(p.created_by()),
    })
}

/// Whether `arn` is an AWS Backup ARN (`arn:<partition>:backup:...`).
fn is_backup_arn(arn: &str) -> bool {
    arn.split(':').nth(2) == Some("backup") && arn.starts_with("arn:")
}

fn rule_name(creator: Option<&RecoveryPointCreator>) -> Option<String> {
    creator
        .and_then(RecoveryPointCreator::backup_rule_name)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

/// AWS's lifecycle as ours: absent or non-positive days (AWS's `-1`) are "never".
fn flatten_lifecycle(lifecycle: Option<&Lifecycle>) -> LifecycleSpec {
    let days = |d: Option<i64>| d.filter(|d| *d > 0);
    LifecycleSpec {
        cold_after_days: days(lifecycle.and_then(Lifecycle::move_to_cold_storage_after_days)),
        delete_after_days: days(lifecycle.and_then(Lifecycle::delete_after_days)).unwrap_or(0),
    }
}

/// Ours as AWS's: a lifecycle replaces the point's whole lifecycle, so no cold storage is left
/// out, and "never deleted" is `-1` ("To remove the existing lifecycle and retention periods and
/// keep your recovery points indefinitely, specify -1").
fn expand_lifecycle(lifecycle: &LifecycleSpec) -> Lifecycle {
    let delete = match lifecycle.delete_after_days {
        0 => -1,
        days => days,
    };
    Lifecycle::builder()
        .set_move_to_cold_storage_after_days(lifecycle.cold_after_days)
        .delete_after_days(delete)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backup_arns_have_their_tags_listed() {
        assert!(is_backup_arn(
            "arn:aws:backup:eu-west-1:111111111111:recovery-point:1EB3B5E7"
        ));
        assert!(is_backup_arn(
            "arn:aws-cn:backup:cn-north-1:111111111111:recovery-point:x"
        ));
        assert!(!is_backup_arn(
            "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0"
        ));
    }

    #[test]
    fn never_is_minus_one_on_the_wire_and_back() {
        let never = LifecycleSpec::default();
        let wire = expand_lifecycle(&never);
        assert_eq!(wire.delete_after_days(), Some(-1));
        assert_eq!(wire.move_to_cold_storage_after_days(), None);
        assert_eq!(flatten_lifecycle(Some(&wire)), never);
        let kept = LifecycleSpec {
            cold_after_days: Some(10),
            delete_after_days: 100,
        };
        assert_eq!(flatten_lifecycle(Some(&expand_lifecycle(&kept))), kept);
        assert_eq!(flatten_lifecycle(None), never);
    }
}
