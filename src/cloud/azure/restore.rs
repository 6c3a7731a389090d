//! Test restores of protected VMs: `RecoveryPoints_List`, `Restores_Trigger` (a long-running
//! operation whose succeeded status names the restore job, `OperationStatusJobExtendedInfo`) and
//! `JobDetails_Get`, all in `bms.json`.

use reqwest::Method;
use serde_json::{json, Value};

use super::arm::{ArmClient, Subject, BACKUP_API_VERSION};
use super::backend::{VaultRef, VmRestoreSpec};
use super::backup_jobs::{job_of_operation, job_state};
use super::protected_item::VmItemNames;
use super::vault::vault_path;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::restores::{RecoveryPoint, RestoreJob};
use crate::cloud::time::epoch_seconds;

const OP_LIST: &str = "listing recovery points";
const OP_RESTORE: &str = "restoring virtual machine";
const OP_JOB: &str = "reading backup job";

/// The protected item path of `vm_id` in `vault`.
fn item_path(arm: &ArmClient, vault: &VaultRef, vm_id: &str) -> Result<String, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    Ok(format!(
        "{}/backupFabrics/Azure/protectionContainers/{}/protectedItems/{}",
        vault_path(arm.subscription_id(), vault),
        names.container,
        names.item
    ))
}

/// The recovery points of the protected VM `vm_id` (one page: a VM keeps at most a few
/// hundred, and ARM lists them newest first).
pub(super) async fn recovery_points(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
) -> Result<Vec<RecoveryPoint>, CloudError> {
    let path = format!("{}/recoveryPoints", item_path(arm, vault, vm_id)?);
    let subject = Subject {
        operation: OP_LIST,
        name: vm_id,
    };
    let listed = arm.get(&path, BACKUP_API_VERSION, subject).await?;
    let value = listed
        .as_ref()
        .and_then(|l| l["value"].as_array())
        .cloned()
        .unwrap_or_default();
    Ok(value
        .iter()
        .filter_map(|point| {
            let time = point.pointer("/properties/recoveryPointTime")?.as_str()?;
            Some(RecoveryPoint {
                arn: point["name"].as_str()?.to_owned(),
                created_epoch_seconds: epoch_seconds(time)?,
                completed: true,
            })
        })
        .collect())
}

/// Triggers the restore and follows its operation to the job it started; the job's name.
pub(super) async fn restore_vm(
    arm: &ArmClient,
    spec: &VmRestoreSpec,
) -> Result<String, CloudError> {
    let item = item_path(arm, &spec.vault, &spec.vm_id)?;
    let path = format!("{item}/recoveryPoints/{}/restore", spec.recovery_point);
    let subject = Subject {
        operation: OP_RESTORE,
        name: &spec.vm_id,
    };
    // RestoreDisks: the disks (managed, with their VM configuration) land in the scratch group.
    let body = json!({
        "properties": {
            "objectType": "IaasVMRestoreRequest",
            "recoveryPointId": spec.recovery_point,
            "recoveryType": "RestoreDisks",
            "sourceResourceId": spec.vm_id,
            "storageAccountId": spec.storage_account_id,
            "targetResourceGroupId": spec.target_resource_group_id,
            "region": spec.region,
            "createNewCloudService": false,
            "originalStorageAccountOption": false,
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

/// The backup job `job` of `vault`, as a restore job.
pub(super) async fn job(
    arm: &ArmClient,
    vault: &VaultRef,
    job: &str,
) -> Result<RestoreJob, CloudError> {
    let path = format!(
        "{}/backupJobs/{job}",
        vault_path(arm.subscription_id(), vault)
    );
    let subject = Subject {
        operation: OP_JOB,
        name: job,
    };
    let body = arm
        .get(&path, BACKUP_API_VERSION, subject)
        .await?
        .ok_or_else(|| CloudError::new(ErrorKind::NotFound, OP_JOB, job, "the job is gone"))?;
    let p = &body["properties"];
    let state = job_state(p["status"].as_str().unwrap_or_default());
    Ok(RestoreJob {
        job_id: job.to_owned(),
        state,
        percent_done: None,
        status_message: p
            .pointer("/errorDetails/0/errorString")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_resource_arn: None,
    })
}
