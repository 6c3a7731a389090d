//! On-demand backups of protected VMs: `Backups_Trigger` (an `IaasVMBackupRequest` with its
//! `recoveryPointExpiryTimeInUTC`, a long-running operation whose succeeded status names the
//! job, `OperationStatusJobExtendedInfo`), `BackupJobs_List` (with its OData `$filter`) and
//! `JobDetails_Get`, all in `bms.json`.
//!
//! Azure has no idempotency token for a backup: the action finds the job an earlier invoke
//! started by its expiry time (see `actions/backup_start_job/azure.rs`), which is why a job here
//! carries the expiry `JobDetails_Get` reports.

use std::time::Instant;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};

use super::arm::{header_string, retry_after, ArmClient, Subject, BACKUP_API_VERSION};
use super::backend::VaultRef;
use super::errors::operation_failed;
use super::protected_item::VmItemNames;
use super::vault::vault_path;
use super::ArmBackend;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::jobs::JobState;
use crate::cloud::retry::sleep_unless_cancelled;
use crate::cloud::time::{civil, epoch_of_civil, epoch_seconds, rfc3339};

const OP_TRIGGER: &str = "backing up virtual machine";
const OP_LIST: &str = "listing backup jobs";
const OP_JOB: &str = "reading backup job";

/// The key of the expiry in a backup job's `extendedInfo.propertyBag` (what the portal shows as
/// "Recovery Point Expiry Time in UTC" for an on-demand backup).
pub const EXPIRY_PROPERTY: &str = "Recovery Point Expiry Time in UTC";

/// A backup job of a VM as Azure Backup reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmBackupJob {
    /// The job's name (a GUID), what `JobDetails_Get` takes.
    pub job_id: String,
    /// Where it is.
    pub state: JobState,
    /// `entityFriendlyName`: the VM's name.
    pub vm_name: String,
    /// `containerName`, when reported (`iaasvmcontainerv2;{rg};{vm}`).
    pub container: Option<String>,
    /// `startTime` in seconds since the epoch, when reported.
    pub started: Option<i64>,
    /// The recovery point's expiry in seconds since the epoch (details only).
    pub expiry: Option<i64>,
    /// `extendedInfo.progressPercentage`, e.g. `"50.0"`.
    pub percent_done: Option<String>,
    /// The first error's text, when it failed.
    pub status_message: Option<String>,
}

/// On-demand backups of protected VMs.
#[async_trait]
pub trait VmBackups: Send + Sync {
    /// Triggers a backup of the protected VM `vm_id` whose recovery point expires at `expiry`
    /// (seconds since the epoch); the name of the job doing it.
    async fn trigger_vm_backup(
        &self,
        vault: &VaultRef,
        vm_id: &str,
        expiry: i64,
    ) -> Result<String, CloudError>;

    /// The VM backup jobs (`operation eq 'Backup'`) of `vault` started from `since` to `until`
    /// (seconds since the epoch), as `BackupJobs_List` summarises them (no expiry).
    async fn list_vm_backup_jobs(
        &self,
        vault: &VaultRef,
        since: i64,
        until: i64,
    ) -> Result<Vec<VmBackupJob>, CloudError>;

    /// A job with its details (`JobDetails_Get`).
    async fn vm_backup_job(&self, vault: &VaultRef, job: &str) -> Result<VmBackupJob, CloudError>;
}

#[async_trait]
impl VmBackups for ArmBackend {
    async fn trigger_vm_backup(
        &self,
        vault: &VaultRef,
        vm_id: &str,
        expiry: i64,
    ) -> Result<String, CloudError> {
        trigger(&self.arm, vault, vm_id, expiry).await
    }

    async fn list_vm_backup_jobs(
        &self,
        vault: &VaultRef,
        since: i64,
        until: i64,
    ) -> Result<Vec<VmBackupJob>, CloudError> {
        list(&self.arm, vault, since, until).await
    }

    async fn vm_backup_job(&self, vault: &VaultRef, job: &str) -> Result<VmBackupJob, CloudError> {
        details(&self.arm, vault, job).await
    }
}

async fn trigger(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
    expiry: i64,
) -> Result<String, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    let path = format!(
        "{}/backupFabrics/Azure/protectionContainers/{}/protectedItems/{}/backup",
        vault_path(arm.subscription_id(), vault),
        names.container,
        names.item
    );
    let subject = Subject {
        operation: OP_TRIGGER,
        name: vm_id,
    };
    let body = json!({
        "properties": {
            "objectType": "IaasVMBackupRequest",
            "recoveryPointExpiryTimeInUTC": rfc3339(expiry),
        }
    });
    let first = arm
        .send(
            Method::POST,
            &path,
            BACKUP_API_VERSION,
            Some(&body),
            subject,
        )
        .await?;
    job_of_operation(arm, &first.headers, subject).await
}

/// Follows the `Azure-AsyncOperation` of a 202 until it succeeds; the job its status names.
pub(super) async fn job_of_operation(
    arm: &ArmClient,
    headers: &reqwest::header::HeaderMap,
    subject: Subject<'_>,
) -> Result<String, CloudError> {
    let no_job =
        |why: &str| CloudError::new(ErrorKind::Other, subject.operation, subject.name, why);
    let Some(status_url) = header_string(headers, "azure-asyncoperation") else {
        return Err(no_job(
            "ARM accepted it without an Azure-AsyncOperation URL",
        ));
    };
    let deadline = Instant::now() + arm.options.operation_timeout;
    let mut wait = retry_after(headers);
    loop {
        let pause = wait.unwrap_or(arm.options.default_poll_interval);
        if Instant::now() + pause > deadline {
            return Err(CloudError::new(
                ErrorKind::Transient,
                subject.operation,
                subject.name,
                "the operation did not finish within the operation timeout",
            ));
        }
        if !sleep_unless_cancelled(&arm.options.cancel, pause).await {
            return Err(CloudError::new(
                ErrorKind::Cancelled,
                subject.operation,
                subject.name,
                "interrupted",
            ));
        }
        let poll = arm
            .send(Method::GET, &status_url, BACKUP_API_VERSION, None, subject)
            .await?;
        wait = retry_after(&poll.headers);
        let status = poll.body.unwrap_or(Value::Null);
        match status["status"].as_str().unwrap_or("InProgress") {
            "Succeeded" => {
                return status
                    .pointer("/properties/jobId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| no_job("the operation succeeded without naming its job"))
            }
            s @ ("Failed" | "Canceled") => {
                let error = serde_json::from_value(status["error"].clone()).ok();
                return Err(operation_failed(subject, s, error));
            }
            _ => {}
        }
    }
}

/// The `$filter` of `BackupJobs_List` for VM backups started between `since` and `until`, in
/// the documented form (`ListJobsWithAllSupportedFilters.json`).
fn jobs_filter(since: i64, until: i64) -> String {
    format!(
        "startTime eq '{}' and endTime eq '{}' and operation eq 'Backup' and backupManagementType eq 'AzureIaasVM'",
        filter_time(since),
        filter_time(until)
    )
}

async fn list(
    arm: &ArmClient,
    vault: &VaultRef,
    since: i64,
    until: i64,
) -> Result<Vec<VmBackupJob>, CloudError> {
    // Spaces as %20: `+` is a space only in form encoding.
    let filter: String = url::form_urlencoded::byte_serialize(jobs_filter(since, until).as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let mut next = Some(format!(
        "{}/backupJobs?api-version={BACKUP_API_VERSION}&$filter={filter}",
        vault_path(arm.subscription_id(), vault)
    ));
    let subject = Subject {
        operation: OP_LIST,
        name: &vault.name,
    };
    let mut jobs = Vec::new();
    // Follow `nextLink` (the list is pageable); a vault lists at most a day of backups here.
    while let Some(page) = next.take() {
        let Some(body) = arm.get(&page, BACKUP_API_VERSION, subject).await? else {
            break;
        };
        jobs.extend(
            body["value"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(job_of),
        );
        next = body["nextLink"].as_str().map(str::to_owned);
    }
    Ok(jobs)
}

async fn details(arm: &ArmClient, vault: &VaultRef, job: &str) -> Result<VmBackupJob, CloudError> {
    let path = format!(
        "{}/backupJobs/{job}",
        vault_path(arm.subscription_id(), vault)
    );
    let subject = Subject {
        operation: OP_JOB,
        name: job,
    };
    let gone = || CloudError::new(ErrorKind::NotFound, OP_JOB, job, "the job is gone");
    let body = arm
        .get(&path, BACKUP_API_VERSION, subject)
        .await?
        .ok_or_else(gone)?;
    job_of(&body).ok_or_else(gone)
}

/// A `JobResource` as a [`VmBackupJob`]; `None` without a name.
fn job_of(body: &Value) -> Option<VmBackupJob> {
    let p = &body["properties"];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    Some(VmBackupJob {
        job_id: body["name"].as_str()?.to_owned(),
        state: job_state(p["status"].as_str().unwrap_or_default()),
        vm_name: text(&p["entityFriendlyName"]).unwrap_or_default(),
        container: text(&p["containerName"]),
        started: p["startTime"].as_str().and_then(epoch_seconds),
        expiry: p
            .pointer("/extendedInfo/propertyBag")
            .and_then(|bag| bag.get(EXPIRY_PROPERTY))
            .and_then(Value::as_str)
            .and_then(parse_time),
        percent_done: p
            .pointer("/extendedInfo/progressPercentage")
            .and_then(Value::as_f64)
            .map(|f| format!("{f:.1}")),
        status_message: text(&p["errorDetails"][0]["errorString"]),
    })
}

/// Azure's `JobStatus` as a [`JobState`].
pub(super) fn job_state(status: &str) -> JobState {
    match status {
        "InProgress" => JobState::Running,
        "Completed" => JobState::Completed,
        "Failed" => JobState::Failed,
        "Cancelled" => JobState::Aborted,
        "Cancelling" => JobState::Aborting,
        "CompletedWithWarnings" => JobState::Partial,
        other => JobState::Other(other.to_owned()),
    }
}

/// `2026-12-06 05:05:09 PM`, the time format of the jobs filter (as the Azure CLI sends it).
fn filter_time(epoch: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch);
    let (hour, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{y:04}-{mo:02}-{d:02} {hour:02}:{mi:02}:{s:02} {half}")
}

/// Seconds since the epoch of a time in the property bag: RFC 3339, or the portal's
/// `12/6/2026 5:05:09 PM` (month first, UTC).
fn parse_time(text: &str) -> Option<i64> {
    if let Some(seconds) = epoch_seconds(text) {
        return Some(seconds);
    }
    let mut words = text.split_whitespace();
    let (date, clock, half) = (words.next()?, words.next()?, words.next());
    let mut d = date.splitn(3, '/').map(|f| f.parse::<i64>().ok());
    let (month, day, year) = (d.next()??, d.next()??, d.next()??);
    let mut c = clock.splitn(3, ':').map(|f| f.parse::<i64>().ok());
    let (mut hour, minute, second) = (c.next()??, c.next()??, c.next()??);
    match half {
        Some(h) if h.eq_ignore_ascii_case("PM") && hour < 12 => hour += 12,
        Some(h) if h.eq_ignore_ascii_case("AM") && hour == 12 => hour = 0,
        _ => {}
    }
    Some(epoch_of_civil(year, month, day, hour, minute, second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_and_parse_both_ways() {
        let t = epoch_seconds("2026-12-06T17:05:09Z").unwrap();
        assert_eq!(rfc3339(t), "2026-12-06T17:05:09Z");
        assert_eq!(filter_time(t), "2026-12-06 05:05:09 PM");
        assert_eq!(
            filter_time(epoch_seconds("2026-01-01T00:00:00Z").unwrap()),
            "2026-01-01 12:00:00 AM"
        );
        assert_eq!(parse_time("12/6/2026 5:05:09 PM"), Some(t));
        assert_eq!(parse_time("2026-12-06T17:05:09Z"), Some(t));
        assert_eq!(
            parse_time("1/1/2026 12:00:00 AM"),
            epoch_seconds("2026-01-01T00:00:00Z")
        );
        assert_eq!(parse_time("soon"), None);
        for epoch in [0, 951_868_801, 1_795_428_000, 4_102_444_799] {
            assert_eq!(epoch_seconds(&rfc3339(epoch)), Some(epoch));
        }
    }

    #[test]
    fn jobs_read_from_their_bodies() {
        let body = json!({
            "name": "g-1",
            "properties": {
                "jobType": "AzureIaaSVMJob",
                "entityFriendlyName": "vm1",
                "status": "InProgress",
                "startTime": "2026-12-06T17:00:00Z",
                "extendedInfo": {
                    "progressPercentage": 50,
                    "propertyBag": { EXPIRY_PROPERTY: "1/15/2027 6:12:34 PM" }
                }
            }
        });
        let job = job_of(&body).unwrap();
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.percent_done.as_deref(), Some("50.0"));
        assert_eq!(job.expiry, epoch_seconds("2027-01-15T18:12:34Z"));
        assert_eq!(job.started, epoch_seconds("2026-12-06T17:00:00Z"));
        assert!(jobs_filter(0, 86_400)
            .ends_with("operation eq 'Backup' and backupManagementType eq 'AzureIaasVM'"));
    }
}
