//! Starting the job and, with `wait`, following it to the end with progress messages.

use std::time::Duration;

use async_trait::async_trait;
use tfplugin::framework::{Diagnostics, Progress};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::config::JobConfig;
use crate::cloud::jobs::{BackupJob, BackupJobs, JobState};
use crate::cloud::CloudError;

/// The first pause between two looks at the job; it doubles up to [`LAST_POLL`].
pub(super) const FIRST_POLL: Duration = Duration::from_secs(1);
/// The longest pause between two looks at the job.
const LAST_POLL: Duration = Duration::from_secs(30);

/// Starts the job and, with `wait`, follows it until it ends, times out or Terraform stops us.
pub(super) async fn run(
    jobs: &dyn BackupJobs,
    job: &JobConfig,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
) {
    let timeout = Duration::from_secs(u64::try_from(job.timeout_minutes).unwrap_or(1) * 60);
    run_with(
        jobs,
        job,
        progress,
        cancel,
        diagnostics,
        (FIRST_POLL, timeout),
    )
    .await;
}

/// [`run`] with its pauses: the first poll interval and the time limit of the wait.
async fn run_with(
    jobs: &dyn BackupJobs,
    job: &JobConfig,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
    (first_poll, timeout): (Duration, Duration),
) {
    let spec = job.spec();
    let id = match jobs.start_backup_job(&spec).await {
        Ok(id) => id,
        Err(e) => return diagnostics.error("Cannot start the backup job", e.to_string()),
    };
    progress.report(format!(
        "Started backup job {id}: {} into vault {} of app {:?}, kept {} days.",
        spec.resource_arn, spec.vault_name, job.vault.app, spec.delete_after_days
    ));
    if !job.wait {
        return;
    }
    let wait = Wait {
        first_poll,
        deadline: Instant::now() + timeout,
        timeout_minutes: job.timeout_minutes,
        service: "AWS Backup",
    };
    let jobs = AwsJobs(jobs);
    follow(
        &jobs,
        &id,
        &spec.resource_arn,
        &wait,
        progress,
        cancel,
        diagnostics,
    )
    .await;
}

/// Reads a job's state: what [`follow`] needs of a cloud.
#[async_trait]
pub(super) trait JobStatus: Sync {
    /// The job `id` as it is now.
    async fn status(&self, id: &str) -> Result<BackupJob, CloudError>;
}

/// AWS Backup's jobs as [`follow`] reads them.
struct AwsJobs<'a>(&'a dyn BackupJobs);

#[async_trait]
impl JobStatus for AwsJobs<'_> {
    async fn status(&self, id: &str) -> Result<BackupJob, CloudError> {
        self.0.describe_backup_job(id).await
    }
}

/// How long and how often [`follow`] looks at a job, and the service named in its messages.
pub(super) struct Wait {
    /// The first pause between two looks; it doubles up to [`LAST_POLL`].
    pub(super) first_poll: Duration,
    /// When the wait gives up.
    pub(super) deadline: Instant,
    /// `timeout_minutes`, for the message when it gives up.
    pub(super) timeout_minutes: i64,
    /// Where the job goes on when the wait stops, e.g. `AWS Backup`.
    pub(super) service: &'static str,
}

/// Follows job `id` (backing up `resource`) until it ends, the deadline passes or Terraform stops
/// us, reporting each change; whether it completed (an error says why not).
pub(super) async fn follow(
    jobs: &dyn JobStatus,
    id: &str,
    resource: &str,
    wait: &Wait,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
) -> bool {
    let mut pause = wait.first_poll;
    let mut last_report = String::new();
    loop {
        let status = match jobs.status(id).await {
            Ok(status) => status,
            Err(e) => {
                diagnostics.error("Cannot follow the backup job", e.to_string());
                return false;
            }
        };
        let report = describe(&status);
        if report != last_report {
            progress.report(report.clone());
            last_report = report;
        }
        if status.state == JobState::Completed {
            return true;
        }
        if status.state.is_final() {
            diagnostics.error(
                "Backup job did not complete",
                format!(
                    "Backup job {id} of {resource} ended {}{}.",
                    status.state.as_str(),
                    status
                        .status_message
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
            );
            return false;
        }
        if Instant::now() + pause > wait.deadline {
            diagnostics.error(
                "Backup job still running",
                format!(
                    "Backup job {id} is {} after {} minutes (timeout_minutes); it goes on in {}.",
                    status.state.as_str(),
                    wait.timeout_minutes,
                    wait.service
                ),
            );
            return false;
        }
        tokio::select! {
            () = cancel.cancelled() => {
                diagnostics.error(
                    "Stopped waiting for the backup job",
                    format!("Terraform was interrupted; backup job {id} goes on in {}.", wait.service),
                );
                return false;
            }
            () = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(LAST_POLL);
    }
}

/// One progress line for a job's state.
fn describe(job: &BackupJob) -> String {
    let mut line = format!("Backup job {}: {}", job.job_id, job.state.as_str());
    if let Some(percent) = job
        .percent_done
        .as_deref()
        .filter(|_| job.state == JobState::Running)
    {
        line.push_str(&format!(" ({percent}%)"));
    }
    if let (JobState::Completed, Some(arn)) = (&job.state, &job.recovery_point_arn) {
        line.push_str(&format!(", recovery point {arn}"));
    }
    line.push('.');
    line
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use backup_policy::GuardrailsPatch;
    use tfvalue::{Number, Value};

    use crate::actions::aws_vault::test_root_document;
    use crate::actions::BackupStartJob;
    use crate::cloud::jobs::BackupJobSpec;
    use crate::cloud::{CloudError, ErrorKind};

    /// The test root (see [`test_root_document`]) with `min_retention_days = 30`.
    pub(in crate::actions) fn aws_document() -> String {
        test_root_document(GuardrailsPatch {
            min_retention_days: Some(30),
            ..Default::default()
        })
    }

    /// The action's configuration: `document`, a DynamoDB table, tag `commit = abc`, and
    /// `retention_days` if given.
    pub(in crate::actions) fn config(document: &str, retention_days: Option<i64>) -> Value {
        let s = |v: &str| Value::String(v.into());
        let mut set = vec![
            ("policy_document", s(document)),
            (
                "resource_arn",
                s("arn:aws:dynamodb:eu-west-1:111111111111:table/orders"),
            ),
            ("iam_role_arn", s("arn:aws:iam::111111111111:role/backup")),
            (
                "tags",
                Value::Map([("commit".to_string(), s("abc"))].into()),
            ),
        ];
        if let Some(days) = retention_days {
            set.push(("retention_days", Value::Number(Number::from(days))));
        }
        crate::actions::test_config(&BackupStartJob, set)
    }

    /// Jobs that go through `states`, one per look; records what was started.
    struct FakeJobs {
        states: Mutex<Vec<JobState>>,
        started: Mutex<Vec<BackupJobSpec>>,
    }

    impl FakeJobs {
        fn new(states: Vec<JobState>) -> Arc<FakeJobs> {
            Arc::new(FakeJobs {
                states: Mutex::new(states),
                started: Mutex::new(Vec::new()),
            })
        }
    }

    #[async_trait]
    impl BackupJobs for FakeJobs {
        async fn start_backup_job(&self, spec: &BackupJobSpec) -> Result<String, CloudError> {
            if spec.vault_name == "gone" {
                return Err(CloudError::new(
                    ErrorKind::NotFound,
                    "starting Backup Job",
                    "x",
                    "no vault",
                ));
            }
            self.started.lock().unwrap().push(spec.clone());
            Ok("job-1".into())
        }
        async fn describe_backup_job(&self, job_id: &str) -> Result<BackupJob, CloudError> {
            let mut states = self.states.lock().unwrap();
            let state = if states.len() > 1 {
                states.remove(0)
            } else {
                states[0].clone()
            };
            Ok(BackupJob {
                job_id: job_id.into(),
                percent_done: Some("50.0".into()),
                status_message: (state == JobState::Failed)
                    .then(|| "role cannot read the table".into()),
                recovery_point_arn: Some("arn:rp".into()),
                state,
            })
        }
    }

    fn job(wait: bool) -> JobConfig {
        let mut diagnostics = Diagnostics::new();
        let mut job =
            JobConfig::decode(&config(&aws_document(), Some(40)), &mut diagnostics).unwrap();
        job.wait = wait;
        job
    }

    /// Runs `job` against `jobs`; the progress lines and the error summaries.
    async fn run_job(
        jobs: &FakeJobs,
        job: &JobConfig,
        timeout: Duration,
    ) -> (Vec<String>, Vec<String>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let progress = Progress::new(move |m| sink.lock().unwrap().push(m));
        let mut diagnostics = Diagnostics::new();
        let cancel = CancellationToken::new();
        run_with(
            jobs,
            job,
            &progress,
            &cancel,
            &mut diagnostics,
            (Duration::from_millis(1), timeout),
        )
        .await;
        let summaries = diagnostics.iter().map(|d| d.summary.clone()).collect();
        let lines = lines.lock().unwrap().clone();
        (lines, summaries)
    }

    #[tokio::test]
    async fn waits_reporting_each_change_until_completed() {
        let jobs = FakeJobs::new(vec![
            JobState::Created,
            JobState::Running,
            JobState::Running,
            JobState::Completed,
        ]);
        let (lines, errors) = run_job(&jobs, &job(true), Duration::from_secs(5)).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            lines,
            [
                "Started backup job job-1: arn:aws:dynamodb:eu-west-1:111111111111:table/orders into vault org-root-vault of app \"org-root\", kept 40 days.",
                "Backup job job-1: CREATED.",
                "Backup job job-1: RUNNING (50.0%).",
                "Backup job job-1: COMPLETED, recovery point arn:rp.",
            ]
        );
        let started = jobs.started.lock().unwrap();
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].delete_after_days, 40);
        assert_eq!(started[0].recovery_point_tags["commit"], "abc");
    }

    #[tokio::test]
    async fn without_wait_it_only_starts() {
        let jobs = FakeJobs::new(vec![JobState::Running]);
        let (lines, errors) = run_job(&jobs, &job(false), Duration::from_secs(5)).await;
        assert!(errors.is_empty());
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("Started backup job job-1"));
    }

    #[tokio::test]
    async fn failures_timeouts_and_start_errors_are_errors() {
        let failed = FakeJobs::new(vec![JobState::Running, JobState::Failed]);
        let (_, errors) = run_job(&failed, &job(true), Duration::from_secs(5)).await;
        assert_eq!(errors, ["Backup job did not complete"]);
        let stuck = FakeJobs::new(vec![JobState::Running]);
        let (_, errors) = run_job(&stuck, &job(true), Duration::from_millis(20)).await;
        assert_eq!(errors, ["Backup job still running"]);
        let mut gone = job(true);
        gone.vault.vault_name = "gone".into();
        let (lines, errors) = run_job(
            &FakeJobs::new(vec![JobState::Running]),
            &gone,
            Duration::from_secs(5),
        )
        .await;
        assert!(lines.is_empty());
        assert_eq!(errors, ["Cannot start the backup job"]);
    }
}
