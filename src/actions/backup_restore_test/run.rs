//! One test restore: the recovery point found, the restore started and followed with progress
//! messages, the time it took reported, and the scratch resource deleted whatever happened.

use std::time::Duration;

use tfplugin::framework::{Diagnostics, Progress};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::config::RestoreConfig;
use crate::cloud::jobs::JobState;
use crate::cloud::restores::{pick, RestoreJob, RestoreJobs};

/// The first pause between two looks at the job; it doubles up to [`LAST_POLL`].
pub(super) const FIRST_POLL: Duration = Duration::from_secs(1);
/// The longest pause between two looks at the job.
const LAST_POLL: Duration = Duration::from_secs(30);

/// Restores, waits, reports and cleans up; every failure is an error diagnostic.
pub(super) async fn run(
    restores: &dyn RestoreJobs,
    restore: &RestoreConfig,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
) {
    let timeout = Duration::from_secs(u64::try_from(restore.timeout_minutes).unwrap_or(1) * 60);
    let run_id = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
    );
    let pauses = (FIRST_POLL, timeout);
    run_with(
        restores,
        restore,
        &run_id,
        progress,
        cancel,
        diagnostics,
        pauses,
    )
    .await;
}

/// The recovery point to restore: `given`, else the one [`pick`] chooses among `resource`'s points
/// in the app's vault; `None` after a diagnostic. `how_to_back_up` ends the "back it up first"
/// advice with the cloud's ways of making a point.
pub(super) async fn point_to_restore(
    restores: &dyn RestoreJobs,
    given: Option<&String>,
    (vault, app): (&str, &str),
    resource: &str,
    created_after: Option<i64>,
    how_to_back_up: &str,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    if let Some(point) = given {
        return Some(point.clone());
    }
    match restores.recovery_points(vault, resource).await {
        Err(e) => {
            diagnostics.error("Cannot list the recovery points", e.to_string());
            None
        }
        Ok(points) => match pick(&points, created_after) {
            Some(point) => Some(point.arn.clone()),
            None => {
                diagnostics.error(
                    "No recovery point to restore",
                    format!(
                        "Vault {vault} of app {app:?} holds no completed recovery point of {resource}{}: back it \
                         up first{how_to_back_up}.",
                        since(created_after)
                    ),
                );
                None
            }
        },
    }
}

/// How a restore job ended, for the cleanup that follows.
pub(super) enum Outcome {
    /// Completed: the scratch resource exists.
    Completed,
    /// Failed, timed out or interrupted: the error to report.
    Failed(&'static str, String),
}

/// [`run`] with the scratch name's run id and its pauses: the first poll interval and the time
/// limit of the wait.
async fn run_with(
    restores: &dyn RestoreJobs,
    restore: &RestoreConfig,
    run_id: &str,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
    pauses: (Duration, Duration),
) {
    let started = Instant::now();
    let Some(point) = point_to_restore(
        restores,
        restore.recovery_point_arn.as_ref(),
        (&restore.vault.vault_name, &restore.vault.app),
        &restore.resource_arn,
        restore.created_after,
        " (its plan's schedule, or the backup_start_job action)",
        diagnostics,
    )
    .await
    else {
        return;
    };
    let spec = restore.spec(&point, run_id);
    let scratch = restore.scratch_arn(&spec);
    let id = match restores.start_restore_job(&spec).await {
        Ok(id) => id,
        Err(e) => return diagnostics.error("Cannot start the restore job", e.to_string()),
    };
    progress.report(format!(
        "Started restore job {id}: recovery point {point} of {} into scratch table {scratch}.",
        restore.resource_arn
    ));
    let (outcome, created) = follow(
        restores,
        &id,
        restore.timeout_minutes,
        progress,
        cancel,
        pauses,
    )
    .await;
    let took = started.elapsed();
    if let Outcome::Completed = outcome {
        progress.report(format!(
            "Restore test of {} passed: recovery point {point} restored in {:.1} s.",
            restore.resource_arn,
            took.as_secs_f64()
        ));
    }
    // The job's own word on what it made, else the name we asked for: a failed or abandoned
    // job may still have made (or go on to make) the table.
    let created = created.unwrap_or(scratch);
    let cleanup = restores.delete_restored_resource(&created).await;
    match (&outcome, cleanup) {
        (_, Ok(())) => progress.report(format!("Deleted scratch resource {created}.")),
        (Outcome::Completed, Err(e)) => diagnostics.error(
            "Scratch resource not deleted",
            format!("The restore test passed, but {created} is left: delete it yourself. {e}"),
        ),
        (Outcome::Failed(..), Err(e)) => diagnostics.warning(
            "Scratch resource may be left",
            format!("Cleaning up after the failed restore did not work: check for {created}. {e}"),
        ),
    }
    if let Outcome::Failed(summary, detail) = outcome {
        diagnostics.error(
            summary,
            format!(
                "{detail} Cleanup (best effort) deleted the scratch resource {created} if it existed; a job \
                 still running may create it later."
            ),
        );
    }
}

/// Follows the job until it ends, times out or Terraform stops us; the outcome and the
/// resource the job reported making.
pub(super) async fn follow(
    restores: &dyn RestoreJobs,
    id: &str,
    timeout_minutes: i64,
    progress: &Progress,
    cancel: &CancellationToken,
    (first_poll, timeout): (Duration, Duration),
) -> (Outcome, Option<String>) {
    let deadline = Instant::now() + timeout;
    let mut pause = first_poll;
    let mut last_report = String::new();
    let mut created = None;
    loop {
        let status = match restores.describe_restore_job(id).await {
            Ok(status) => status,
            Err(e) => {
                return (
                    Outcome::Failed("Cannot follow the restore job", e.to_string()),
                    created,
                )
            }
        };
        created = status.created_resource_arn.clone().or(created);
        let report = describe(&status);
        if report != last_report {
            progress.report(report.clone());
            last_report = report;
        }
        if status.state == JobState::Completed {
            return (Outcome::Completed, created);
        }
        if status.state.is_final() {
            let why = status
                .status_message
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            let detail = format!("Restore job {id} ended {}{why}.", status.state.as_str());
            return (
                Outcome::Failed("Restore job did not complete", detail),
                created,
            );
        }
        if Instant::now() + pause > deadline {
            let detail = format!(
                "Restore job {id} is {} after {timeout_minutes} minutes (timeout_minutes).",
                status.state.as_str(),
            );
            return (
                Outcome::Failed("Restore job still running", detail),
                created,
            );
        }
        tokio::select! {
            () = cancel.cancelled() => {
                let detail = format!("Terraform was interrupted while restore job {id} ran.");
                return (Outcome::Failed("Stopped waiting for the restore job", detail), created);
            }
            () = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(LAST_POLL);
    }
}

/// One progress line for a job's state.
/// What "no recovery point" means with a `created_after`, for messages.
pub(super) fn since(created_after: Option<i64>) -> String {
    match created_after {
        Some(_) => " made at or after created_after".to_string(),
        None => String::new(),
    }
}

fn describe(job: &RestoreJob) -> String {
    let mut line = format!("Restore job {}: {}", job.job_id, job.state.as_str());
    if let Some(percent) = job
        .percent_done
        .as_deref()
        .filter(|_| job.state == JobState::Running)
    {
        line.push_str(&format!(" ({percent}%)"));
    }
    line.push('.');
    line
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use tfvalue::Value;

    use crate::actions::aws_vault::test_root_document;
    use crate::actions::BackupRestoreTest;
    use crate::cloud::restores::{RecoveryPoint, RestoreJobSpec};
    use crate::cloud::CloudError;

    /// The test root (see [`test_root_document`]), no guardrails.
    pub(in crate::actions) fn aws_document() -> String {
        test_root_document(Default::default())
    }

    /// The action's configuration: `document`, table `orders`, `encryptionType = Default`.
    pub(in crate::actions) fn config(document: &str) -> Value {
        let s = |v: &str| Value::String(v.into());
        let set = vec![
            ("policy_document", s(document)),
            (
                "resource_arn",
                s("arn:aws:dynamodb:eu-west-1:111111111111:table/orders"),
            ),
            ("iam_role_arn", s("arn:aws:iam::111111111111:role/backup")),
            (
                "restore_metadata",
                Value::Map([("encryptionType".to_string(), s("Default"))].into()),
            ),
        ];
        crate::actions::test_config(&BackupRestoreTest, set)
    }

    /// Restores that go through `states`, one per look; records what was started and deleted.
    struct FakeRestores {
        points: Vec<RecoveryPoint>,
        states: Mutex<Vec<JobState>>,
        started: Mutex<Vec<RestoreJobSpec>>,
        deleted: Mutex<Vec<String>>,
    }

    impl FakeRestores {
        fn new(points: &[(&str, i64)], states: Vec<JobState>) -> FakeRestores {
            FakeRestores {
                points: points
                    .iter()
                    .map(|(arn, at)| RecoveryPoint {
                        arn: (*arn).into(),
                        created_epoch_seconds: *at,
                        completed: true,
                    })
                    .collect(),
                states: Mutex::new(states),
                started: Mutex::new(Vec::new()),
                deleted: Mutex::new(Vec::new()),
            }
        }
    }

    #[async_trait]
    impl RestoreJobs for FakeRestores {
        async fn recovery_points(
            &self,
            _vault: &str,
            _resource: &str,
        ) -> Result<Vec<RecoveryPoint>, CloudError> {
            Ok(self.points.clone())
        }
        async fn start_restore_job(&self, spec: &RestoreJobSpec) -> Result<String, CloudError> {
            self.started.lock().unwrap().push(spec.clone());
            Ok("restore-1".into())
        }
        async fn describe_restore_job(&self, job_id: &str) -> Result<RestoreJob, CloudError> {
            let mut states = self.states.lock().unwrap();
            let state = if states.len() > 1 {
                states.remove(0)
            } else {
                states[0].clone()
            };
            Ok(RestoreJob {
                job_id: job_id.into(),
                percent_done: Some("50.0".into()),
                status_message: (state == JobState::Failed).then(|| "role cannot write".into()),
                created_resource_arn: (state == JobState::Completed)
                    .then(|| "arn:aws:dynamodb:eu-west-1:111111111111:table/made".into()),
                state,
            })
        }
        async fn delete_restored_resource(&self, arn: &str) -> Result<(), CloudError> {
            self.deleted.lock().unwrap().push(arn.into());
            Ok(())
        }
    }

    fn restore() -> RestoreConfig {
        RestoreConfig::decode(&config(&aws_document()), &mut Diagnostics::new()).unwrap()
    }

    /// Runs `restore` against `fake`; the progress lines and the diagnostics' summaries.
    async fn run_restore(
        fake: &FakeRestores,
        restore: &RestoreConfig,
        timeout: Duration,
    ) -> (Vec<String>, Vec<String>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let progress = Progress::new(move |m| sink.lock().unwrap().push(m));
        let mut diagnostics = Diagnostics::new();
        let cancel = CancellationToken::new();
        let pauses = (Duration::from_millis(1), timeout);
        run_with(
            fake,
            restore,
            "7",
            &progress,
            &cancel,
            &mut diagnostics,
            pauses,
        )
        .await;
        let summaries = diagnostics.iter().map(|d| d.summary.clone()).collect();
        let lines = lines.lock().unwrap().clone();
        (lines, summaries)
    }

    #[tokio::test]
    async fn restores_the_latest_point_reports_the_time_and_deletes_the_copy() {
        let fake = FakeRestores::new(
            &[("arn:rp-old", 1), ("arn:rp-new", 9)],
            vec![JobState::Pending, JobState::Running, JobState::Completed],
        );
        let (lines, errors) = run_restore(&fake, &restore(), Duration::from_secs(5)).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(lines[0], "Started restore job restore-1: recovery point arn:rp-new of arn:aws:dynamodb:eu-west-1:111111111111:table/orders into scratch table arn:aws:dynamodb:eu-west-1:111111111111:table/orders-restore-test-7.");
        assert_eq!(
            lines[1..4],
            [
                "Restore job restore-1: PENDING.",
                "Restore job restore-1: RUNNING (50.0%).",
                "Restore job restore-1: COMPLETED."
            ]
        );
        assert!(
            lines[4].starts_with("Restore test of arn:aws:dynamodb:eu-west-1:111111111111:table/orders passed: recovery point arn:rp-new restored in "),
            "{}",
            lines[4]
        );
        assert_eq!(
            lines[5],
            "Deleted scratch resource arn:aws:dynamodb:eu-west-1:111111111111:table/made."
        );
        let started = fake.started.lock().unwrap();
        assert_eq!(
            started[0].metadata["targetTableName"],
            "orders-restore-test-7"
        );
        assert_eq!(started[0].metadata["encryptionType"], "Default");
    }

    #[tokio::test]
    async fn no_recovery_point_fails_clearly_and_starts_nothing() {
        let fake = FakeRestores::new(&[], vec![JobState::Completed]);
        let (lines, errors) = run_restore(&fake, &restore(), Duration::from_secs(5)).await;
        assert!(lines.is_empty());
        assert_eq!(errors, ["No recovery point to restore"]);
        assert!(fake.started.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn failures_and_timeouts_still_clean_up_the_scratch_name() {
        let scratch = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders-restore-test-7";
        let failed = FakeRestores::new(&[("arn:rp", 1)], vec![JobState::Failed]);
        let (_, errors) = run_restore(&failed, &restore(), Duration::from_secs(5)).await;
        assert_eq!(errors, ["Restore job did not complete"]);
        assert_eq!(*failed.deleted.lock().unwrap(), [scratch]);
        let stuck = FakeRestores::new(&[("arn:rp", 1)], vec![JobState::Running]);
        let (_, errors) = run_restore(&stuck, &restore(), Duration::from_millis(20)).await;
        assert_eq!(errors, ["Restore job still running"]);
        assert_eq!(*stuck.deleted.lock().unwrap(), [scratch]);
        // An explicit recovery point is restored without listing.
        let mut explicit = restore();
        explicit.recovery_point_arn = Some("arn:chosen".into());
        let fake = FakeRestores::new(&[], vec![JobState::Completed]);
        let (_, errors) = run_restore(&fake, &explicit, Duration::from_secs(5)).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            fake.started.lock().unwrap()[0].recovery_point_arn,
            "arn:chosen"
        );
    }
}
