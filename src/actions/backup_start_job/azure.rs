//! The action on Azure: an on-demand backup (`Backups_Trigger`) of each protected VM of an app or
//! child, into the vault of its nearest Azure-backed app, kept until an expiry the retention sets.
//!
//! Azure has no idempotency token, so the expiry carries one: its second within the hour is a
//! marker derived from (app, VM, tags), and it lies less than an hour after the trigger time plus
//! `retention_days`. Before triggering, the VM's backup jobs of the last 24 hours are listed
//! (`BackupJobs_List`); one still running or completed whose expiry (`JobDetails_Get`) has the
//! marker, and lies `retention_days` after its start, was started by this action for the same
//! inputs and is adopted instead of backing up again.
//!
//! App Service apps are not items of a Recovery Services vault (their backups are App Service's
//! own, scheduled by `backup_child`), so `Backups_Trigger` cannot back them up.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use backup_policy::{AzureAnchor, PolicyDocument};
use tfplugin::framework::{Diagnostics, Progress};
use tfvalue::{AttributePath, Value};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::config::{fingerprint, Common};
use super::run::{follow, JobStatus, Wait, FIRST_POLL};
use crate::cloud::azure::{AzureBackend, VaultRef, VmBackupJob, VmBackups, VmItemNames};
use crate::cloud::jobs::{BackupJob, JobState};
use crate::cloud::CloudError;
use crate::resources::ProviderData;

/// How far back a job may have started and still be adopted.
const ADOPT_WINDOW: i64 = 24 * 3600;
/// How long after its trigger a job may be recorded as started (queueing in Azure Backup).
const START_SLACK: i64 = 15 * 60;

/// A checked Azure configuration.
#[derive(Debug, Clone)]
pub(super) struct AzureJob {
    vault: AzureAnchor,
    vm_ids: Vec<String>,
    common: Common,
}

impl AzureJob {
    /// Decodes `config` (whose `vm_ids` is set) against `doc`; `None` with errors at their
    /// attributes when invalid, without errors when something is not known yet.
    pub(super) fn decode(
        config: &Value,
        doc: &PolicyDocument,
        diagnostics: &mut Diagnostics,
    ) -> Option<AzureJob> {
        let Some(anchor) = &doc.anchors().azure else {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "No Azure vault for this app",
                format!(
                    "vm_ids names Azure VMs, but neither app {:?} nor an ancestor ({}) has an `azure` block, \
                     so there is no vault to back up into.",
                    doc.app(),
                    doc.lineage().join(" > ")
                ),
            );
            return None;
        };
        for aws_only in ["resource_arn", "iam_role_arn"] {
            if !matches!(config.get(aws_only), Some(Value::Null) | None) {
                diagnostics.error_at(
                    AttributePath::attr(aws_only),
                    "AWS attribute in an Azure backup",
                    format!(
                        "Set resource_arn and iam_role_arn to back up an AWS resource, or vm_ids to back up \
                         Azure VMs, not both; {aws_only} is set alongside vm_ids."
                    ),
                );
                return None;
            }
        }
        let vm_ids = vm_ids(config, diagnostics)?;
        let common = Common::decode(config, doc, diagnostics)?;
        Some(AzureJob {
            vault: anchor.location.clone(),
            vm_ids,
            common,
        })
    }

    /// The provider configuration's Azure backend when it acts in the vault's subscription.
    pub(super) fn backend(
        &self,
        data: Option<&ProviderData>,
        diagnostics: &mut Diagnostics,
    ) -> Option<Arc<dyn AzureBackend>> {
        crate::actions::azure_vault::backend_for(
            &self.vault,
            "backup_start_job with vm_ids",
            data,
            diagnostics,
        )
    }

    fn vault_ref(&self) -> VaultRef {
        crate::actions::azure_vault::vault_ref(&self.vault)
    }

    /// The marker of `vm_id`'s backups: the second within the hour of their expiry.
    fn marker(&self, vm_id: &str) -> i64 {
        let hash = fingerprint(
            &self.common.app,
            &vm_id.to_ascii_lowercase(),
            &self.common.tags,
        );
        i64::try_from(hash % 3600).unwrap_or(0)
    }
}

/// `vm_ids`, each a VM id; `None` with an error at the element that is not (an App Service app
/// named as such), without one when not known yet.
fn vm_ids(config: &Value, diagnostics: &mut Diagnostics) -> Option<Vec<String>> {
    let Some(Value::List(items)) = config.get("vm_ids") else {
        return None;
    };
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let id = item.as_str()?;
        if VmItemNames::from_vm_id(id).is_ok() {
            ids.push(id.to_owned());
            continue;
        }
        let app_service = id
            .to_ascii_lowercase()
            .contains("/providers/microsoft.web/sites/");
        diagnostics.error_at(
            AttributePath::attr("vm_ids").index(i64::try_from(i).unwrap_or(0)),
            if app_service {
                "App Service apps cannot be backed up by this action"
            } else {
                "Not a virtual machine id"
            },
            if app_service {
                format!(
                    "{id} is an App Service app: its backups are App Service's own (scheduled by backup_child), \
                     not items of the Recovery Services vault, and Azure Backup's on-demand backup \
                     (Backups_Trigger) covers vault items only. List VM ids only."
                )
            } else {
                format!(
                    "{id:?} is not /subscriptions/{{subscription}}/resourceGroups/{{group}}/providers/\
                     Microsoft.Compute/virtualMachines/{{name}}."
                )
            },
        );
        return None;
    }
    if ids.is_empty() {
        diagnostics.error_at(
            AttributePath::attr("vm_ids"),
            "No VM to back up",
            "vm_ids is empty: list the protected VMs to back up, e.g. backup_child.<name>.azure.vm_ids.",
        );
        return None;
    }
    Some(ids)
}

/// The expiry of a backup triggered at `now`: the first time from `now + retention_days` on
/// whose second within the hour is `marker` (so kept at least `retention_days`, under an hour
/// more).
fn expiry(now: i64, retention_days: i64, marker: i64) -> i64 {
    let earliest = now + retention_days * 86_400;
    let candidate = earliest - earliest.rem_euclid(3600) + marker;
    if candidate >= earliest {
        candidate
    } else {
        candidate + 3600
    }
}

/// Whether `job` (read with its details) is one this action started with `marker` and
/// `retention_days`: its expiry has the marker and lies `retention_days` after its start (less
/// the hour [`expiry`] may add, plus the time the job took to start).
fn started_by_us(job: &VmBackupJob, marker: i64, retention_days: i64) -> bool {
    let (Some(expiry), Some(started)) = (job.expiry, job.started) else {
        return false;
    };
    let lead = expiry - started - retention_days * 86_400;
    expiry.rem_euclid(3600) == marker && (-START_SLACK..3600).contains(&lead)
}

/// Whether the listed `job` backs up `vm_id` and could be adopted (running or done).
fn candidate(job: &VmBackupJob, vm_id: &str) -> bool {
    let mut parts = vm_id.trim_matches('/').split('/');
    let (Some(rg), Some(vm)) = (parts.nth(3), parts.nth(3)) else {
        return false;
    };
    let same_container = job.container.as_ref().is_none_or(|c| {
        c.to_ascii_lowercase()
            .ends_with(&format!(";{rg};{vm}").to_ascii_lowercase())
    });
    job.vm_name.eq_ignore_ascii_case(vm)
        && same_container
        && matches!(
            job.state,
            JobState::Running | JobState::Completed | JobState::Partial
        )
}

/// The jobs of one vault as [`follow`] reads them.
struct VaultJobs<'a> {
    backups: &'a dyn VmBackups,
    vault: VaultRef,
}

#[async_trait]
impl JobStatus for VaultJobs<'_> {
    async fn status(&self, id: &str) -> Result<BackupJob, CloudError> {
        let job = self.backups.vm_backup_job(&self.vault, id).await?;
        Ok(BackupJob {
            job_id: job.job_id,
            state: job.state,
            percent_done: job.percent_done,
            status_message: job.status_message,
            recovery_point_arn: None,
        })
    }
}

/// Adopts or triggers a backup of each VM and, with `wait`, follows them until they end.
pub(super) async fn run(
    backend: &dyn AzureBackend,
    job: &AzureJob,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
) {
    let Some(backups) = backend.vm_backups() else {
        return diagnostics.error(
            "Cannot back up",
            "This provider configuration's Azure backend cannot trigger backups.",
        );
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let timeout = Duration::from_secs(u64::try_from(job.common.timeout_minutes).unwrap_or(1) * 60);
    run_with(
        backups,
        job,
        now,
        progress,
        cancel,
        diagnostics,
        (FIRST_POLL, timeout),
    )
    .await;
}

/// [`run`] at `now` (seconds since the epoch) with its pauses.
async fn run_with(
    backups: &dyn VmBackups,
    job: &AzureJob,
    now: i64,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
    (first_poll, timeout): (Duration, Duration),
) {
    let vault = job.vault_ref();
    let days = job.common.retention_days;
    let listed = match backups
        .list_vm_backup_jobs(&vault, now - ADOPT_WINDOW, now)
        .await
    {
        Ok(listed) => listed,
        Err(e) => return diagnostics.error("Cannot list the backup jobs", e.to_string()),
    };
    let mut started = Vec::new();
    for vm_id in &job.vm_ids {
        let marker = job.marker(vm_id);
        let mut adopted = None;
        for summary in listed.iter().filter(|j| candidate(j, vm_id)) {
            match backups.vm_backup_job(&vault, &summary.job_id).await {
                Ok(details) if started_by_us(&details, marker, days) => {
                    adopted = Some(details.job_id);
                    break;
                }
                Ok(_) => {}
                Err(e) => return diagnostics.error("Cannot read a backup job", e.to_string()),
            }
        }
        let id = match adopted {
            Some(id) => {
                progress.report(format!(
                    "Backup job {id} of {vm_id} was started by an earlier invoke with the same app, VM and \
                     tags: following it instead of backing up again."
                ));
                id
            }
            None => {
                let expiry = expiry(now, days, marker);
                match backups.trigger_vm_backup(&vault, vm_id, expiry).await {
                    Ok(id) => {
                        progress.report(format!(
                            "Started backup job {id}: {vm_id} into vault {} of app {:?}, kept {days} days.",
                            vault.name, job.vault.app
                        ));
                        id
                    }
                    Err(e) => {
                        return diagnostics.error("Cannot start the backup job", e.to_string())
                    }
                }
            }
        };
        started.push((vm_id, id));
    }
    if !job.common.wait {
        return;
    }
    let wait = Wait {
        first_poll,
        deadline: Instant::now() + timeout,
        timeout_minutes: job.common.timeout_minutes,
        service: "Azure Backup",
    };
    let jobs = VaultJobs { backups, vault };
    for (vm_id, id) in started {
        if !follow(&jobs, &id, vm_id, &wait, progress, cancel, diagnostics).await {
            return;
        }
    }
}

#[cfg(test)]
#[path = "azure_tests.rs"]
mod tests;
