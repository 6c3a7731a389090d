//! Protected VMs of a vault (`.../protectionContainers/{container}/protectedItems/{item}`):
//! protection needs an existing VM and policy; soft delete keeps a stopped item until it is
//! undeleted (`isRehydrate`).

use serde_json::{json, Value};

use super::operations::{soft_delete_on, write, Mutation, PollUrls};
use super::server::{key, Inner, Reply, Request};

/// `GET`, `PUT` (protect, or undelete with `isRehydrate`) and `DELETE` (stop protection) of a
/// protected VM in the vault at `vault_path`.
pub(super) fn protected_items(inner: &mut Inner, request: Request<'_>, vault_path: &str) -> Reply {
    let Request {
        base,
        method: m,
        path,
        body,
    } = request;
    let k = key(path);
    match m {
        "GET" => match inner.resources.get(&k) {
            Some(v) => Reply::new(200, Some(v.clone())),
            None => Reply::error(
                404,
                "BMSUserErrorProtectedItemNotFound",
                "Protected item not found",
            ),
        },
        "PUT" => {
            let request = body.unwrap_or(Value::Null);
            let p = &request["properties"];
            let soft_deleted = inner
                .resources
                .get(&k)
                .and_then(|v| v.pointer("/properties/isScheduledForDeferredDelete"))
                .and_then(Value::as_bool)
                == Some(true);
            if soft_deleted {
                if p["isRehydrate"].as_bool() != Some(true) {
                    // The fake's own code: real Azure answers some BMS user error here.
                    return Reply::error(
                        400,
                        "FakeUserErrorItemSoftDeleted",
                        "The item is soft-deleted; undelete it first (isRehydrate).",
                    );
                }
                let mut item = inner.resources[&k].clone();
                let props = &mut item["properties"];
                props["isScheduledForDeferredDelete"] = json!(false);
                props["protectionState"] = json!("ProtectionPaused");
                if let Some(o) = props.as_object_mut() {
                    o.remove("deferredDeleteTimeInUTC");
                }
                inner.resources.insert(k, item.clone());
                return Reply::new(200, Some(item));
            }
            let vm = p["sourceResourceId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let policy = p["policyId"].as_str().unwrap_or_default().to_owned();
            if !inner.vms.contains(&key(&vm)) {
                return Reply::error(
                    400,
                    "UserErrorVmNotFound",
                    "The virtual machine was not found.",
                );
            }
            if !inner.resources.contains_key(&key(&policy)) {
                return Reply::error(
                    400,
                    "BMSUserErrorPolicyNotFound",
                    "The backup policy was not found.",
                );
            }
            let segs: Vec<&str> = path.rsplit('/').collect();
            let (item_name, container) = (segs[0], segs[2]);
            let vm_name = vm.rsplit('/').next().unwrap_or_default();
            let stored = json!({
                "id": path,
                "name": item_name,
                "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
                "properties": {
                    "protectedItemType": "Microsoft.Compute/virtualMachines",
                    "backupManagementType": "AzureIaasVM",
                    "workloadType": "VM",
                    "containerName": container.split_once(';').map(|(_, r)| r).unwrap_or(container),
                    "sourceResourceId": vm,
                    "virtualMachineId": vm,
                    "friendlyName": vm_name,
                    "policyId": policy,
                    "protectionState": "IRPending",
                    "protectionStatus": "Healthy",
                    "healthStatus": "Passed",
                    "isScheduledForDeferredDelete": false,
                },
            });
            let done = Reply::new(200, Some(stored.clone()));
            let urls = PollUrls {
                prefix: path,
                status: "operationsStatus",
                result: "operationResults",
            };
            write(
                inner,
                base,
                Mutation::Put {
                    key: k,
                    body: stored,
                },
                done,
                urls,
            )
        }
        "DELETE" => {
            let Some(item) = inner.resources.get(&k) else {
                return Reply::new(204, None);
            };
            let soft_deleted = item
                .pointer("/properties/isScheduledForDeferredDelete")
                .and_then(Value::as_bool)
                == Some(true);
            if soft_deleted && !soft_delete_on(inner, &k) {
                // As Azure documents: with soft delete off, a soft-deleted item is undeleted
                // (isRehydrate) before it can be deleted for good. The fake's own code.
                return Reply::error(
                    400,
                    "FakeUserErrorItemSoftDeleted",
                    "The item is soft-deleted; undelete it first (isRehydrate).",
                );
            }
            // Stopping protection is a vault-level backup operation.
            let urls = PollUrls {
                prefix: vault_path,
                status: "backupOperations",
                result: "backupOperationResults",
            };
            write(
                inner,
                base,
                Mutation::Delete { key: k },
                Reply::new(200, None),
                urls,
            )
        }
        _ => Reply::error(405, "MethodNotAllowed", "no such method"),
    }
}
