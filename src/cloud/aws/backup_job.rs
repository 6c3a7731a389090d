//! On-demand backup jobs: `StartBackupJob` and `DescribeBackupJob`.

use async_trait::async_trait;
use aws_sdk_backup::types::Lifecycle;

use super::AwsBackend;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::jobs::{BackupJob, BackupJobSpec, BackupJobs, JobState};

const OP_START: &str = "starting Backup Job";
const OP_DESCRIBE: &str = "describing Backup Job";

#[async_trait]
impl BackupJobs for AwsBackend {
    async fn start_backup_job(&self, spec: &BackupJobSpec) -> Result<String, CloudError> {
        let lifecycle = Lifecycle::builder()
            .delete_after_days(spec.delete_after_days)
            .build();
        // Every attempt carries the same IdempotencyToken, so a retry after a lost answer
        // returns the job the first attempt started.
        let out = self
            .send(OP_START, &spec.resource_arn, || {
                self.client
                    .start_backup_job()
                    .backup_vault_name(&spec.vault_name)
                    .resource_arn(&spec.resource_arn)
                    .iam_role_arn(&spec.iam_role_arn)
                    .idempotency_token(&spec.idempotency_token)
                    .lifecycle(lifecycle.clone())
                    .set_recovery_point_tags(Some(
                        spec.recovery_point_tags.clone().into_iter().collect(),
                    ))
                    .send()
            })
            .await?;
        out.backup_job_id().map(str::to_owned).ok_or_else(|| {
            CloudError::new(
                ErrorKind::Other,
                OP_START,
                &spec.resource_arn,
                "AWS Backup answered without a BackupJobId",
            )
        })
    }

    async fn describe_backup_job(&self, job_id: &str) -> Result<BackupJob, CloudError> {
        let out = self
            .send(OP_DESCRIBE, job_id, || {
                self.client
                    .describe_backup_job()
                    .backup_job_id(job_id)
                    .send()
            })
            .await?;
        Ok(BackupJob {
            job_id: out.backup_job_id().unwrap_or(job_id).to_owned(),
            state: JobState::parse(out.state().map_or("", |s| s.as_str())),
            percent_done: out.percent_done().map(str::to_owned),
            status_message: out
                .status_message()
                .filter(|m| !m.is_empty())
                .map(str::to_owned),
            recovery_point_arn: out.recovery_point_arn().map(str::to_owned),
        })
    }
}
