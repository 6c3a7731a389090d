//! The action on Azure: the latest recovery point of a protected VM restored (`RestoreDisks`)
//! into a scratch resource group, the job followed, the time reported. Azure Backup has no call
//! that deletes what a restore made, so the action cleans up through the resource group: a group
//! it created for this run is deleted with the restored disks (`scratch_group`); an existing
//! group is kept and named in a warning for the user (or a pipeline) to delete.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use backup_policy::{AzureAnchor, PolicyDocument};
use tfplugin::framework::{Diagnostics, Progress};
use tfvalue::{AttributePath, Value};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::run::{follow, point_to_restore, Outcome, FIRST_POLL};
use super::scratch_group::{clean_up, prepare, ScratchGroup};
use crate::cloud::azure::{AzureBackend, VaultRef, VmRestoreSpec};
use crate::cloud::restores::{RecoveryPoint, RestoreJob, RestoreJobSpec, RestoreJobs};
use crate::cloud::{CloudError, ErrorKind};
use crate::resources::ProviderData;

/// The Azure attributes, all needed once `vm_id` is set.
const REQUIRED: [&str; 3] = ["target_resource_group_id", "storage_account_id", "location"];

/// A checked Azure configuration.
#[derive(Debug, Clone)]
pub(super) struct AzureRestore {
    vault: AzureAnchor,
    vm_id: String,
    recovery_point: Option<String>,
    created_after: Option<i64>,
    target_resource_group_id: String,
    storage_account_id: String,
    location: String,
    timeout_minutes: i64,
}

impl AzureRestore {
    /// Decodes `config` (whose `vm_id` is set) and `doc`; `None` with errors at their
    /// attributes when it is invalid, without errors when something is not known yet.
    pub(super) fn decode(
        config: &Value,
        doc: &PolicyDocument,
        timeout_minutes: i64,
        diagnostics: &mut Diagnostics,
    ) -> Option<AzureRestore> {
        let Some(anchor) = &doc.anchors().azure else {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "No Azure vault for this app",
                format!(
                    "vm_id names an Azure VM, but neither app {:?} nor an ancestor ({}) has an `azure` block, so \
                     there is no vault to restore from.",
                    doc.app(),
                    doc.lineage().join(" > ")
                ),
            );
            return None;
        };
        if !matches!(config.get("resource_arn"), Some(Value::Null) | None) {
            diagnostics.error_at(
                AttributePath::attr("resource_arn"),
                "Both resource_arn and vm_id set",
                "Set resource_arn to restore an AWS resource, or vm_id to restore an Azure VM, not both.",
            );
            return None;
        }
        let text = |name: &str| match config.get(name) {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) | None => Some(None),
            Some(_) => None,
        };
        let mut values = Vec::new();
        for name in REQUIRED {
            match text(name)? {
                Some(v) => values.push(v),
                None => diagnostics.error_at(
                    AttributePath::attr(name),
                    "Missing attribute for an Azure restore",
                    format!(
                        "With vm_id, {name} is required: the restore of a VM goes into a scratch resource group \
                         (target_resource_group_id, an ARM id), staged through a storage account \
                         (storage_account_id) in the VM's region (location)."
                    ),
                ),
            }
        }
        let [target, storage, location] = <[String; 3]>::try_from(values).ok()?;
        let recovery_point = text("recovery_point_arn")?
            .map(|id| id.rsplit('/').next().unwrap_or_default().to_owned());
        Some(AzureRestore {
            vault: anchor.location.clone(),
            vm_id: text("vm_id")??,
            recovery_point,
            created_after: super::config::created_after(config, diagnostics)?,
            target_resource_group_id: target,
            storage_account_id: storage,
            location,
            timeout_minutes,
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
            "backup_restore_test with vm_id",
            data,
            diagnostics,
        )
    }

    fn vault_ref(&self) -> VaultRef {
        crate::actions::azure_vault::vault_ref(&self.vault)
    }
}

/// The restore calls of one VM's restore, as the job-following loop sees them.
struct VmRestores<'a> {
    backend: &'a dyn AzureBackend,
    restore: &'a AzureRestore,
}

#[async_trait]
impl RestoreJobs for VmRestores<'_> {
    async fn recovery_points(
        &self,
        _vault_name: &str,
        vm_id: &str,
    ) -> Result<Vec<RecoveryPoint>, CloudError> {
        self.backend
            .vm_recovery_points(&self.restore.vault_ref(), vm_id)
            .await
    }

    async fn start_restore_job(&self, spec: &RestoreJobSpec) -> Result<String, CloudError> {
        let r = self.restore;
        self.backend
            .restore_vm(&VmRestoreSpec {
                vault: r.vault_ref(),
                vm_id: r.vm_id.clone(),
                recovery_point: spec.recovery_point_arn.clone(),
                target_resource_group_id: r.target_resource_group_id.clone(),
                storage_account_id: r.storage_account_id.clone(),
                region: r.location.clone(),
            })
            .await
    }

    async fn describe_restore_job(&self, job_id: &str) -> Result<RestoreJob, CloudError> {
        self.backend
            .backup_job(&self.restore.vault_ref(), job_id)
            .await
    }

    async fn delete_restored_resource(&self, resource: &str) -> Result<(), CloudError> {
        Err(CloudError::new(
            ErrorKind::InvalidInput,
            "deleting restored resources",
            resource,
            "Azure Backup has no call that deletes restored disks",
        ))
    }
}

/// Restores, waits and reports; the scratch resource group is left for the user, said in a
/// warning.
pub(super) async fn run(
    backend: &dyn AzureBackend,
    restore: &AzureRestore,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
) {
    let timeout = Duration::from_secs(u64::try_from(restore.timeout_minutes).unwrap_or(1) * 60);
    run_with(
        backend,
        restore,
        progress,
        cancel,
        diagnostics,
        (FIRST_POLL, timeout),
    )
    .await;
}

/// [`run`] with its pauses.
async fn run_with(
    backend: &dyn AzureBackend,
    restore: &AzureRestore,
    progress: &Progress,
    cancel: &CancellationToken,
    diagnostics: &mut Diagnostics,
    pauses: (Duration, Duration),
) {
    let started = Instant::now();
    let restores = VmRestores { backend, restore };
    let Some(point) = point_to_restore(
        &restores,
        restore.recovery_point.as_ref(),
        (&restore.vault.vault_name, &restore.vault.app),
        &restore.vm_id,
        restore.created_after,
        "",
        diagnostics,
    )
    .await
    else {
        return;
    };
    let scratch = &restore.target_resource_group_id;
    let group = match prepare(backend, scratch, &restore.location, progress).await {
        Ok(group) => group,
        Err(e) => {
            return diagnostics.error("Cannot prepare the scratch resource group", e.to_string())
        }
    };
    let outcome = restore_and_follow(&restores, restore, &point, progress, cancel, pauses).await;
    let kept = format!(
        "The restored disks (and the VM configuration in storage account {}) are in {scratch}, which existed \
         before this run and is kept: delete them, e.g. `az group delete --ids {scratch}`. Only a scratch \
         resource group the restore test created itself is deleted.",
        restore.storage_account_id
    );
    let started_restore = outcome.is_ok();
    match outcome {
        Ok(Outcome::Completed) => progress.report(format!(
            "Restore test of {} passed: recovery point {point} restored in {:.1} s.",
            restore.vm_id,
            started.elapsed().as_secs_f64()
        )),
        Ok(Outcome::Failed(summary, detail)) => diagnostics.error(summary, detail),
        Err(e) => diagnostics.error("Cannot start the restore", e.to_string()),
    }
    match group {
        ScratchGroup::Created { groups, run } => {
            clean_up(groups, &run, scratch, pauses.1, progress, diagnostics).await
        }
        ScratchGroup::Kept if started_restore => {
            diagnostics.warning("Scratch resource group to clean up", kept)
        }
        ScratchGroup::Kept => {}
    }
}

/// Starts the restore of `point` and follows its job to its outcome; the error when it could not
/// start.
async fn restore_and_follow(
    restores: &VmRestores<'_>,
    restore: &AzureRestore,
    point: &str,
    progress: &Progress,
    cancel: &CancellationToken,
    pauses: (Duration, Duration),
) -> Result<Outcome, CloudError> {
    let spec = RestoreJobSpec {
        recovery_point_arn: point.to_owned(),
        iam_role_arn: String::new(),
        resource_type: "VM".into(),
        metadata: Default::default(),
        idempotency_token: String::new(),
    };
    let id = restores.start_restore_job(&spec).await?;
    progress.report(format!(
        "Started restore job {id}: recovery point {point} of {} into scratch resource group {}.",
        restore.vm_id, restore.target_resource_group_id
    ));
    let (outcome, _) = follow(
        restores,
        &id,
        restore.timeout_minutes,
        progress,
        cancel,
        pauses,
    )
    .await;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backup_policy::{AppInput, CloudAnchorsPatch, RulePatch};

    use crate::actions::BackupRestoreTest;

    fn azure_document() -> PolicyDocument {
        let mut root = AppInput {
            name: "org-root".into(),
            anchors: CloudAnchorsPatch {
                aws: None,
                azure: Some(AzureAnchor {
                    app: "org-root".into(),
                    subscription_id: "sub".into(),
                    resource_group: "rg".into(),
                    vault_name: "rsv".into(),
                    vault_id: "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv".into(),
                    policy_name: "org-root".into(),
                }),
            },
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            RulePatch {
                schedule: Some("cron(0 5 ? * * *)".into()),
                retention_days: Some(35),
                ..Default::default()
            },
        );
        backup_policy::evaluate(None, &root).unwrap()
    }

    fn config(with: &[(&str, &str)]) -> Value {
        let set = with
            .iter()
            .map(|(k, v)| (*k, Value::String((*v).into())))
            .collect();
        crate::actions::test_config(&BackupRestoreTest, set)
    }

    #[test]
    fn missing_azure_attributes_are_named() {
        let mut diagnostics = Diagnostics::new();
        let value = config(&[("vm_id", "/subscriptions/sub/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1")]);
        assert!(AzureRestore::decode(&value, &azure_document(), 60, &mut diagnostics).is_none());
        let paths: Vec<_> = diagnostics.iter().map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            REQUIRED.map(|n| Some(AttributePath::attr(n))).to_vec()
        );
    }

    #[test]
    fn resource_arn_and_vm_id_together_are_refused() {
        let mut diagnostics = Diagnostics::new();
        let value = config(&[
            ("vm_id", "/subscriptions/sub/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1"),
            ("resource_arn", "arn:aws:dynamodb:eu-west-1:111111111111:table/orders"),
        ]);
        assert!(AzureRestore::decode(&value, &azure_document(), 60, &mut diagnostics).is_none());
        let d = diagnostics.iter().next().unwrap();
        assert_eq!(d.path, Some(AttributePath::attr("resource_arn")));
        assert_eq!(d.summary, "Both resource_arn and vm_id set");
    }
}
