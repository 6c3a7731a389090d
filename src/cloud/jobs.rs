//! On-demand backup jobs behind a plain-Rust trait, so the `backup_start_job` action is tested
//! against a fake and SDK types stay in the cloud's module.

use async_trait::async_trait;

use super::backend::Tags;
use super::error::CloudError;

/// What to back up, where, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupJobSpec {
    /// The vault the recovery point goes into.
    pub vault_name: String,
    /// The resource to back up.
    pub resource_arn: String,
    /// The role the backup service assumes to read the resource.
    pub iam_role_arn: String,
    /// Equal for calls that must start one job only (a retried apply).
    pub idempotency_token: String,
    /// Days the recovery point is kept.
    pub delete_after_days: i64,
    /// Tags put on the recovery point.
    pub recovery_point_tags: Tags,
}

/// A job as the backup service reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupJob {
    /// The job's id.
    pub job_id: String,
    /// Where it is.
    pub state: JobState,
    /// How far it is, e.g. `"50.0"`, when reported.
    pub percent_done: Option<String>,
    /// Why it failed or stopped, when reported.
    pub status_message: Option<String>,
    /// The recovery point it makes, once known.
    pub recovery_point_arn: Option<String>,
}

/// A job's state (AWS Backup's `BackupJobState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Accepted, not started.
    Created,
    /// Waiting to start.
    Pending,
    /// Backing up.
    Running,
    /// Being stopped.
    Aborting,
    /// Stopped before completing.
    Aborted,
    /// Done: the recovery point exists.
    Completed,
    /// Failed.
    Failed,
    /// Did not start within its start window.
    Expired,
    /// Some of a composite job's children failed.
    Partial,
    /// A state this provider does not know, as reported.
    Other(String),
}

impl JobState {
    /// The state for AWS Backup's name of it.
    pub fn parse(name: &str) -> JobState {
        match name {
            "CREATED" => JobState::Created,
            "PENDING" => JobState::Pending,
            "RUNNING" => JobState::Running,
            "ABORTING" => JobState::Aborting,
            "ABORTED" => JobState::Aborted,
            "COMPLETED" => JobState::Completed,
            "FAILED" => JobState::Failed,
            "EXPIRED" => JobState::Expired,
            "PARTIAL" => JobState::Partial,
            other => JobState::Other(other.to_string()),
        }
    }

    /// AWS Backup's name of the state.
    pub fn as_str(&self) -> &str {
        match self {
            JobState::Created => "CREATED",
            JobState::Pending => "PENDING",
            JobState::Running => "RUNNING",
            JobState::Aborting => "ABORTING",
            JobState::Aborted => "ABORTED",
            JobState::Completed => "COMPLETED",
            JobState::Failed => "FAILED",
            JobState::Expired => "EXPIRED",
            JobState::Partial => "PARTIAL",
            JobState::Other(name) => name,
        }
    }

    /// Whether the job will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            JobState::Aborted
                | JobState::Completed
                | JobState::Failed
                | JobState::Expired
                | JobState::Partial
        )
    }
}

/// Starting and following on-demand backup jobs.
#[async_trait]
pub trait BackupJobs: Send + Sync {
    /// Starts a job (`StartBackupJob`); with a token already used, the service answers with the
    /// job that token started instead of starting another. Returns the job's id.
    async fn start_backup_job(&self, spec: &BackupJobSpec) -> Result<String, CloudError>;

    /// The job as it is now (`DescribeBackupJob`).
    async fn describe_backup_job(&self, job_id: &str) -> Result<BackupJob, CloudError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_final_ones_are_known() {
        for name in ["CREATED", "RUNNING", "COMPLETED", "FAILED", "NEW_ONE"] {
            assert_eq!(JobState::parse(name).as_str(), name);
        }
        assert!(JobState::Completed.is_final() && JobState::Failed.is_final());
        assert!(!JobState::Running.is_final() && !JobState::Other("X".into()).is_final());
    }
}
