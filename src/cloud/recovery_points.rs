//! Recovery points behind a plain-Rust trait, so the `backup_recovery_point` resource and its list
//! are tested against a fake and SDK types stay in the cloud's module: describe, list a vault's page
//! by page, read tags, change the lifecycle, delete.

use async_trait::async_trait;

use super::backend::{LifecycleSpec, Tags, VaultLockState};
use super::error::CloudError;

/// A recovery point as the backup service describes (or lists) it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPointInfo {
    /// Its ARN.
    pub arn: String,
    /// The vault holding it.
    pub vault_name: String,
    /// The resource it is a backup of.
    pub resource_arn: String,
    /// The backup service's name of the resource's type, e.g. `DynamoDB`.
    pub resource_type: String,
    /// Its status (`COMPLETED`, `PARTIAL`, `DELETING`, `EXPIRED`, ...).
    pub status: String,
    /// When it was made, in seconds since the epoch.
    pub created_epoch_seconds: i64,
    /// Its lifecycle: `delete_after_days` 0 is "kept until deleted".
    pub lifecycle: LifecycleSpec,
    /// Its size, when the service reports one.
    pub backup_size_bytes: Option<i64>,
    /// The plan rule that made it; `None` for an on-demand backup.
    pub backup_rule_name: Option<String>,
}

impl RecoveryPointInfo {
    /// Whether the point is on its way out (`DELETING`, `EXPIRED`): read treats it as gone.
    pub fn is_gone(&self) -> bool {
        matches!(self.status.as_str(), "DELETING" | "EXPIRED")
    }
}

/// One page of a vault's recovery points and the token of the next (`None`: the last page).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryPointPage {
    /// The points on this page.
    pub points: Vec<RecoveryPointInfo>,
    /// Where the next page starts.
    pub next_token: Option<String>,
}

/// The recovery points of one account and region.
///
/// `find_*` return `Ok(None)` when the object does not exist; `delete_recovery_point` succeeds
/// when it is already gone.
#[async_trait]
pub trait RecoveryPoints: Send + Sync {
    /// The account the backend acts in.
    fn account_id(&self) -> &str;

    /// The region the backend acts in.
    fn region(&self) -> &str;

    /// The recovery point `arn` in `vault_name` (`DescribeRecoveryPoint`), or `None`.
    async fn find_recovery_point(
        &self,
        vault_name: &str,
        arn: &str,
    ) -> Result<Option<RecoveryPointInfo>, CloudError>;

    /// One page of the vault's recovery points (`ListRecoveryPointsByBackupVault`), at most
    /// `max_results` of them, starting at `token`. A missing vault is `NotFound`.
    async fn list_recovery_points(
        &self,
        vault_name: &str,
        token: Option<String>,
        max_results: i32,
    ) -> Result<RecoveryPointPage, CloudError>;

    /// The recovery point's tags (`ListTags`), or `None` when it does not exist. Points whose ARN
    /// is not AWS Backup's (an EBS snapshot, say) have none.
    async fn find_recovery_point_tags(&self, arn: &str) -> Result<Option<Tags>, CloudError>;

    /// Sets the point's lifecycle (`UpdateRecoveryPointLifecycle`); `delete_after_days` 0 and
    /// `cold_after_days` `None` mean "never".
    async fn update_recovery_point_lifecycle(
        &self,
        vault_name: &str,
        arn: &str,
        lifecycle: &LifecycleSpec,
    ) -> Result<(), CloudError>;

    /// Deletes the recovery point (`DeleteRecoveryPoint`).
    async fn delete_recovery_point(&self, vault_name: &str, arn: &str) -> Result<(), CloudError>;

    /// The vault's lock, `None` when it has none (or the vault is gone).
    async fn find_vault_lock(&self, vault_name: &str)
        -> Result<Option<VaultLockState>, CloudError>;
}
