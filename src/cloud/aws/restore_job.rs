//! Test restores: `ListRecoveryPointsByBackupVault`, `StartRestoreJob`, `DescribeRestoreJob`, and
//! deleting the restored resource through its own service (see `restored_resources.rs`).

use std::ops::ControlFlow;

use async_trait::async_trait;

use super::restored_resources::RestoredResources;
use super::{AwsBackend, AwsContext};
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::jobs::JobState;
use crate::cloud::restores::{RecoveryPoint, RestoreJob, RestoreJobSpec, RestoreJobs};

const OP_LIST: &str = "listing Recovery Points";
const OP_START: &str = "starting Restore Job";
const OP_DESCRIBE: &str = "describing Restore Job";

/// AWS Backup restores in one account and region, with the services that delete what they made.
#[derive(Debug, Clone)]
pub struct AwsRestores {
    backend: AwsBackend,
    resources: RestoredResources,
}

impl AwsRestores {
    /// Restores through `backend`, deleting restored resources with `context`'s credentials.
    pub fn new(context: &AwsContext, backend: AwsBackend) -> AwsRestores {
        AwsRestores {
            backend,
            resources: RestoredResources::new(context),
        }
    }
}

#[async_trait]
impl RestoreJobs for AwsRestores {
    async fn recovery_points(
        &self,
        vault_name: &str,
        resource_arn: &str,
    ) -> Result<Vec<RecoveryPoint>, CloudError> {
        let backend = &self.backend;
        let mut points = Vec::new();
        backend
            .send_pages(
                OP_LIST,
                vault_name,
                |token| {
                    backend
                        .client
                        .list_recovery_points_by_backup_vault()
                        .backup_vault_name(vault_name)
                        .by_resource_arn(resource_arn)
                        .set_next_token(token)
                        .send()
                },
                |page| page.next_token(),
                |page| {
                    points.extend(page.recovery_points().iter().filter_map(|p| {
                        Some(RecoveryPoint {
                            arn: p.recovery_point_arn()?.to_owned(),
                            created_epoch_seconds: p.creation_date().map_or(0, |d| d.secs()),
                            completed: p.status().map(|s| s.as_str()) == Some("COMPLETED"),
                        })
                    }));
                    ControlFlow::Continue(())
                },
            )
            .await?;
        Ok(points)
    }

    async fn start_restore_job(&self, spec: &RestoreJobSpec) -> Result<String, CloudError> {
        let backend = &self.backend;
        let out = backend
            .send(OP_START, &spec.recovery_point_arn, || {
                backend
                    .client
                    .start_restore_job()
                    .recovery_point_arn(&spec.recovery_point_arn)
                    .iam_role_arn(&spec.iam_role_arn)
                    .resource_type(&spec.resource_type)
                    .idempotency_token(&spec.idempotency_token)
                    .set_metadata(Some(spec.metadata.clone().into_iter().collect()))
                    .send()
            })
            .await?;
        out.restore_job_id().map(str::to_owned).ok_or_else(|| {
            CloudError::new(
                ErrorKind::Other,
                OP_START,
                &spec.recovery_point_arn,
                "AWS Backup answered without a RestoreJobId",
            )
        })
    }

    async fn describe_restore_job(&self, job_id: &str) -> Result<RestoreJob, CloudError> {
        let backend = &self.backend;
        let out = backend
            .send(OP_DESCRIBE, job_id, || {
                backend
                    .client
                    .describe_restore_job()
                    .restore_job_id(job_id)
                    .send()
            })
            .await?;
        Ok(RestoreJob {
            job_id: out.restore_job_id().unwrap_or(job_id).to_owned(),
            state: JobState::parse(out.status().map_or("", |s| s.as_str())),
            percent_done: out.percent_done().map(str::to_owned),
            status_message: out
                .status_message()
                .filter(|m| !m.is_empty())
                .map(str::to_owned),
            created_resource_arn: out.created_resource_arn().map(str::to_owned),
        })
    }

    async fn delete_restored_resource(&self, resource_arn: &str) -> Result<(), CloudError> {
        self.resources.delete(resource_arn).await
    }
}
