//! VM restores: the recovery points of a protected VM (`RecoveryPoints_List`; the test seeds
//! them, as a backup would make them), `Restores_Trigger` (always a long-running operation whose
//! succeeded status names the restore job, `OperationStatusJobExtendedInfo`), and the job it
//! starts (`JobDetails_Get`: `InProgress` for the configured polls, then `Completed`). The target
//! resource group must exist (as in Azure); the restored disk is stored in it.

use serde_json::{json, Value};

use super::operations::{set_operation_properties, start_operation};
use super::resource_groups::group_exists;
use super::server::{key, Inner, Reply, Request};

/// The recovery points stored under the protected item at `item_path`.
pub(super) fn recovery_points(inner: &Inner, item_path: &str) -> Reply {
    let prefix = format!("{}/recoverypoints/", key(item_path));
    let value: Vec<Value> = inner
        .resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, v)| v.clone())
        .collect();
    Reply::new(200, Some(json!({ "value": value })))
}

/// A recovery point of the protected item at `item_path`, as `RecoveryPoints_List` lists it.
pub(super) fn recovery_point_body(item_path: &str, name: &str, time: &str) -> Value {
    json!({
        "id": format!("{item_path}/recoveryPoints/{name}"),
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints",
        "properties": {
            "objectType": "IaasVMRecoveryPoint",
            "recoveryPointType": "CrashConsistent",
            "recoveryPointTime": time,
            "sourceVMStorageType": "NormalStorage",
            "isManagedVirtualMachine": true,
            "osType": "Linux",
        },
    })
}

/// `POST .../recoveryPoints/{point}/restore` of an `IaasVMRestoreRequest`: 202 with where to
/// poll; the job it starts is stored under the vault at `vault_path`.
pub(super) fn trigger_restore(
    inner: &mut Inner,
    request: Request<'_>,
    vault_path: &str,
    item_path: &str,
) -> Reply {
    let Request {
        base, path, body, ..
    } = request;
    let point_path = &path[..path.len() - "/restore".len()];
    let Some(point) = inner.resources.get(&key(point_path)).cloned() else {
        return Reply::error(
            404,
            "BMSUserErrorRecoveryPointNotFound",
            "The recovery point was not found.",
        );
    };
    let p = body.unwrap_or(Value::Null)["properties"].clone();
    if p["objectType"] != "IaasVMRestoreRequest" {
        return Reply::error(
            400,
            "BMSUserErrorInvalidInput",
            "Only IaasVMRestoreRequest is served.",
        );
    }
    let Some(target_rg) = p["targetResourceGroupId"].as_str() else {
        return Reply::error(
            400,
            "BMSUserErrorInvalidInput",
            "targetResourceGroupId is required for a restore to another resource group.",
        );
    };
    if !group_exists(inner, target_rg) {
        return Reply::error(
            400,
            "UserErrorTargetResourceGroupNotFound",
            "The target resource group of the restore does not exist.",
        );
    }
    inner.next_id += 1;
    let job = format!("job-{:06}", inner.next_id);
    // RestoreDisks: the VM's managed disk lands in the target group (and goes with it).
    let disk = restored_disk(target_rg, &job, p["region"].as_str().unwrap_or_default());
    inner
        .resources
        .insert(key(disk["id"].as_str().unwrap_or_default()), disk);
    let job_path = format!("{vault_path}/backupJobs/{job}");
    let friendly = item_path.rsplit(';').next().unwrap_or_default();
    let stored = json!({
        "id": job_path,
        "name": job,
        "type": "Microsoft.RecoveryServices/vaults/backupJobs",
        "properties": {
            "jobType": "AzureIaaSVMJob",
            "entityFriendlyName": friendly,
            "backupManagementType": "AzureIaasVM",
            "operation": "Restore",
            "status": "InProgress",
            "startTime": "2026-11-23T10:00:00Z",
            "activityId": format!("activity-{job}"),
            "duration": "PT0S",
            "isUserTriggered": true,
            "extendedInfo": {
                "propertyBag": {
                    "Recovery point time": point["properties"]["recoveryPointTime"].as_str().unwrap_or_default(),
                    "Recovery type": p["recoveryType"].as_str().unwrap_or_default(),
                    "Target resource group": target_rg,
                },
            },
        },
    });
    inner.job_polls.insert(key(&job_path), inner.async_polls);
    inner.resources.insert(key(&job_path), stored);
    let id = start_operation(inner, None, None);
    set_operation_properties(
        inner,
        &id,
        json!({ "objectType": "OperationStatusJobExtendedInfo", "jobId": job }),
    );
    let url = |p: &str| format!("{base}{p}?api-version=2026-11-01");
    Reply::new(202, None)
        .header(
            "azure-asyncoperation",
            url(&format!("{item_path}/operationsStatus/{id}")),
        )
        .header(
            "location",
            url(&format!("{item_path}/operationResults/{id}")),
        )
        .header("retry-after", "0".into())
}

/// The managed disk a `RestoreDisks` restore (job `job`) creates in `target_rg`.
fn restored_disk(target_rg: &str, job: &str, region: &str) -> Value {
    let name = format!("restored-osdisk-{job}");
    json!({
        "id": format!("{target_rg}/providers/Microsoft.Compute/disks/{name}"),
        "name": name,
        "type": "Microsoft.Compute/disks",
        "location": region,
    })
}

/// `GET .../backupJobs/{job}`: `InProgress` for the configured polls, then `Completed`.
pub(super) fn job(inner: &mut Inner, path: &str) -> Reply {
    let k = key(path);
    let Some(mut job) = inner.resources.get(&k).cloned() else {
        return Reply::error(404, "BMSUserErrorJobNotFound", "The job was not found.");
    };
    let left = inner.job_polls.get(&k).copied().unwrap_or(0);
    if left > 0 {
        inner.job_polls.insert(k.clone(), left - 1);
    } else if job["properties"]["status"] == "InProgress" {
        let p = &mut job["properties"];
        p["status"] = json!("Completed");
        p["endTime"] = json!("2026-11-23T10:04:00Z");
        p["duration"] = json!("PT4M");
        inner.resources.insert(k, job.clone());
    }
    Reply::new(200, Some(job))
}
