//! Test restores behind a plain-Rust trait, so the `backup_restore_test` action is tested against
//! a fake and SDK types stay in the cloud's module: find the latest recovery point, start a
//! restore job, follow it, and delete what it made.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::error::CloudError;
use super::jobs::JobState;

/// A recovery point as the vault lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryPoint {
    /// Its ARN.
    pub arn: String,
    /// When it was made, in seconds since the epoch (for ordering).
    pub created_epoch_seconds: i64,
    /// Whether it is complete (only complete ones can be restored).
    pub completed: bool,
}

/// What to restore, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreJobSpec {
    /// The recovery point to restore.
    pub recovery_point_arn: String,
    /// The role the backup service assumes to create the restored resource.
    pub iam_role_arn: String,
    /// AWS Backup's resource type name, e.g. `DynamoDB`.
    pub resource_type: String,
    /// The restore metadata (per resource type, as the `StartRestoreJob` API documents it).
    pub metadata: BTreeMap<String, String>,
    /// Equal for calls that must start one restore only (a retried call).
    pub idempotency_token: String,
}

/// A restore job as the backup service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreJob {
    /// The job's id.
    pub job_id: String,
    /// Where it is (AWS Backup's `RestoreJobStatus` is a subset of the backup job states).
    pub state: JobState,
    /// How far it is, e.g. `"50.0"`, when reported.
    pub percent_done: Option<String>,
    /// Why it failed, when reported.
    pub status_message: Option<String>,
    /// The resource the restore made, once known.
    pub created_resource_arn: Option<String>,
}

/// Restoring recovery points to scratch resources and removing those again.
#[async_trait]
pub trait RestoreJobs: Send + Sync {
    /// The recovery points of `resource_arn` in `vault_name` (`ListRecoveryPointsByBackupVault`).
    async fn recovery_points(
        &self,
        vault_name: &str,
        resource_arn: &str,
    ) -> Result<Vec<RecoveryPoint>, CloudError>;

    /// Starts a restore (`StartRestoreJob`); returns the job's id.
    async fn start_restore_job(&self, spec: &RestoreJobSpec) -> Result<String, CloudError>;

    /// The restore job as it is now (`DescribeRestoreJob`).
    async fn describe_restore_job(&self, job_id: &str) -> Result<RestoreJob, CloudError>;

    /// Deletes a resource a restore made (e.g. DynamoDB `DeleteTable`); a resource already gone
    /// is success.
    async fn delete_restored_resource(&self, resource_arn: &str) -> Result<(), CloudError>;
}

/// The latest complete recovery point of `points`.
pub fn latest(points: &[RecoveryPoint]) -> Option<&RecoveryPoint> {
    points
        .iter()
        .filter(|p| p.completed)
        .max_by_key(|p| p.created_epoch_seconds)
}

/// The recovery point to restore: the first complete one made at or after `created_after`
/// (seconds since the epoch; the backup that followed a deployment, e.g. of a commit), or the
/// latest complete one without it.
pub fn pick(points: &[RecoveryPoint], created_after: Option<i64>) -> Option<&RecoveryPoint> {
    match created_after {
        None => latest(points),
        Some(after) => points
            .iter()
            .filter(|p| p.completed && p.created_epoch_seconds >= after)
            .min_by_key(|p| p.created_epoch_seconds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_after_picks_the_first_complete_point_from_then_on() {
        let point = |arn: &str, at: i64, completed: bool| RecoveryPoint {
            arn: arn.into(),
            created_epoch_seconds: at,
            completed,
        };
        let points = [
            point("before", 100, true),
            point("running", 205, false),
            point("first-after", 210, true),
            point("later", 300, true),
        ];
        assert_eq!(
            pick(&points, Some(200)).map(|p| p.arn.as_str()),
            Some("first-after")
        );
        assert_eq!(pick(&points, None).map(|p| p.arn.as_str()), Some("later"));
        assert_eq!(pick(&points, Some(301)), None);
    }

    #[test]
    fn the_latest_complete_point_is_chosen() {
        let point = |arn: &str, at: i64, completed: bool| RecoveryPoint {
            arn: arn.into(),
            created_epoch_seconds: at,
            completed,
        };
        let points = [
            point("a", 1, true),
            point("b", 3, true),
            point("c", 5, false),
        ];
        assert_eq!(latest(&points).unwrap().arn, "b");
        assert!(latest(&[point("c", 5, false)]).is_none());
    }
}
