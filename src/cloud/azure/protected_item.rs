//! Protected VMs: `ProtectedItems_CreateOrUpdate` (PUT, LRO), `ProtectedItems_Get`,
//! `ProtectedItems_Delete` (202 followed through the vault's backup operation),
//! `BackupProtectedItems_List`; undelete of a soft-deleted item is a PUT with `isRehydrate`.
//!
//! Names are the ones the API expects for an Azure Resource Manager VM: container
//! `iaasvmcontainer;iaasvmcontainerv2;{resource group};{vm}` and item
//! `vm;iaasvmcontainerv2;{resource group};{vm}` in fabric `Azure`.

use reqwest::Method;
use serde_json::{json, Value};

use super::arm::{ArmClient, FinalState, Subject, BACKUP_API_VERSION, COMPUTE_API_VERSION};
use super::backend::{ProtectedVmSpec, ProtectedVmState, StopProtectionOutcome, VaultRef};
use super::vault::vault_path;
use crate::cloud::error::{CloudError, ErrorKind};

/// The protection container and protected item names of a VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmItemNames {
    /// `iaasvmcontainer;iaasvmcontainerv2;{rg};{vm}`.
    pub container: String,
    /// `vm;iaasvmcontainerv2;{rg};{vm}`.
    pub item: String,
}

impl VmItemNames {
    /// The names for a VM id `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}`.
    pub fn from_vm_id(vm_id: &str) -> Result<VmItemNames, CloudError> {
        let parts: Vec<&str> = vm_id.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["subscriptions", _, rg_key, rg, "providers", ns, kind, vm]
                if rg_key.eq_ignore_ascii_case("resourceGroups")
                    && ns.eq_ignore_ascii_case("Microsoft.Compute")
                    && kind.eq_ignore_ascii_case("virtualMachines") =>
            {
                let suffix = format!("iaasvmcontainerv2;{rg};{vm}");
                Ok(VmItemNames {
                    container: format!("iaasvmcontainer;{suffix}"),
                    item: format!("vm;{suffix}"),
                })
            }
            _ => Err(CloudError::new(
                ErrorKind::InvalidInput,
                "parsing virtual machine id",
                vm_id,
                "expected /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/virtualMachines/{name}",
            )),
        }
    }
}

fn item_path(subscription: &str, vault: &VaultRef, names: &VmItemNames) -> String {
    format!(
        "{}/backupFabrics/Azure/protectionContainers/{}/protectedItems/{}",
        vault_path(subscription, vault),
        names.container,
        names.item
    )
}

fn flatten(body: &Value) -> ProtectedVmState {
    let p = body.get("properties").cloned().unwrap_or(Value::Null);
    let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
    ProtectedVmState {
        id: body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        vm_id: s("sourceResourceId")
            .or_else(|| s("virtualMachineId"))
            .unwrap_or_default(),
        policy_id: s("policyId").filter(|p| !p.is_empty()),
        protection_state: s("protectionState"),
        soft_deleted: p
            .get("isScheduledForDeferredDelete")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        purge_at: s("deferredDeleteTimeInUTC"),
    }
}

pub(crate) async fn protect_vm(
    arm: &ArmClient,
    spec: &ProtectedVmSpec,
) -> Result<ProtectedVmState, CloudError> {
    let names = VmItemNames::from_vm_id(&spec.vm_id)?;
    let subject = Subject {
        operation: "protecting Virtual Machine",
        name: &spec.vm_id,
    };
    // A clear error for a VM that does not exist, before the vault answers with a generic one.
    if arm
        .get(&spec.vm_id, COMPUTE_API_VERSION, subject)
        .await?
        .is_none()
    {
        return Err(CloudError::new(
            ErrorKind::NotFound,
            subject.operation,
            &spec.vm_id,
            "the virtual machine does not exist",
        ));
    }
    let path = item_path(arm.subscription_id(), &spec.vault, &names);
    // A soft-deleted item (protection stopped under soft delete, e.g. by an earlier destroy) must be
    // undeleted first, then it takes a policy.
    if let Some(existing) = find_protected_vm(arm, &spec.vault, &spec.vm_id).await? {
        if existing.soft_deleted {
            undelete(arm, &path, &spec.vm_id).await?;
        }
    }
    let body = json!({
        "properties": {
            "protectedItemType": "Microsoft.Compute/virtualMachines",
            "sourceResourceId": spec.vm_id,
            "policyId": spec.policy_id,
        }
    });
    let result = arm
        .long_running(
            Method::PUT,
            &path,
            BACKUP_API_VERSION,
            Some(&body),
            FinalState::Location,
            subject,
        )
        .await?;
    let result = match result {
        Some(v) if v.get("properties").is_some() => v,
        _ => arm
            .get(&path, BACKUP_API_VERSION, subject)
            .await?
            .ok_or_else(|| {
                CloudError::new(
                    ErrorKind::NotFound,
                    subject.operation,
                    &spec.vm_id,
                    "the protected item is gone after it was created",
                )
            })?,
    };
    Ok(flatten(&result))
}

/// `isRehydrate` moves a soft-deleted item "into Pause state" (bms.json): kept, protection stopped.
async fn undelete(arm: &ArmClient, path: &str, vm_id: &str) -> Result<Option<Value>, CloudError> {
    let body = json!({
        "properties": {
            "protectedItemType": "Microsoft.Compute/virtualMachines",
            "sourceResourceId": vm_id,
            "isRehydrate": true,
        }
    });
    let subject = Subject {
        operation: "undeleting protected Virtual Machine",
        name: vm_id,
    };
    arm.long_running(
        Method::PUT,
        path,
        BACKUP_API_VERSION,
        Some(&body),
        FinalState::Location,
        subject,
    )
    .await
}

pub(crate) async fn undelete_protected_vm(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
) -> Result<ProtectedVmState, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    let path = item_path(arm.subscription_id(), vault, &names);
    match undelete(arm, &path, vm_id).await? {
        Some(v) if v.get("properties").is_some() => Ok(flatten(&v)),
        _ => find_protected_vm(arm, vault, vm_id).await?.ok_or_else(|| {
            CloudError::new(
                ErrorKind::NotFound,
                "undeleting protected Virtual Machine",
                vm_id,
                "the protected item is gone",
            )
        }),
    }
}

pub(crate) async fn find_protected_vm(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
) -> Result<Option<ProtectedVmState>, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    let subject = Subject {
        operation: "reading protected Virtual Machine",
        name: vm_id,
    };
    let path = item_path(arm.subscription_id(), vault, &names);
    Ok(arm
        .get(&path, BACKUP_API_VERSION, subject)
        .await?
        .map(|b| flatten(&b)))
}

pub(crate) async fn list_protected_vms(
    arm: &ArmClient,
    vault: &VaultRef,
) -> Result<Vec<ProtectedVmState>, CloudError> {
    let subject = Subject {
        operation: "listing protected items",
        name: &vault.name,
    };
    let mut url = format!(
        "{}/backupProtectedItems?api-version={BACKUP_API_VERSION}&$filter=backupManagementType%20eq%20'AzureIaasVM'%20and%20itemType%20eq%20'VM'",
        vault_path(arm.subscription_id(), vault)
    );
    let mut items = Vec::new();
    loop {
        let page = arm
            .send(Method::GET, &url, BACKUP_API_VERSION, None, subject)
            .await?;
        let body = page.body.unwrap_or(Value::Null);
        for item in body
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            items.push(flatten(item));
        }
        match body.get("nextLink").and_then(Value::as_str) {
            Some(next) if !next.is_empty() => url = next.to_owned(),
            _ => return Ok(items),
        }
    }
}

pub(crate) async fn stop_protection(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
) -> Result<StopProtectionOutcome, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    let subject = Subject {
        operation: "stopping protection of Virtual Machine",
        name: vm_id,
    };
    let path = item_path(arm.subscription_id(), vault, &names);
    match arm
        .long_running(
            Method::DELETE,
            &path,
            BACKUP_API_VERSION,
            None,
            FinalState::None,
            subject,
        )
        .await
    {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(StopProtectionOutcome::Removed),
        Err(e) => return Err(e),
    }
    // With soft delete on, the item stays (soft-deleted) until Azure purges it: report it.
    match find_protected_vm(arm, vault, vm_id).await? {
        Some(state) => {
            if state.soft_deleted {
                tracing::info!(vm_id, purge_at = ?state.purge_at, "protection stopped; the vault keeps the soft-deleted item until it is purged");
            }
            Ok(StopProtectionOutcome::SoftDeleted(state))
        }
        None => Ok(StopProtectionOutcome::Removed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_api() {
        let n = VmItemNames::from_vm_id(
            "/subscriptions/s/resourceGroups/RG-1/providers/Microsoft.Compute/virtualMachines/vm1",
        )
        .unwrap();
        assert_eq!(n.container, "iaasvmcontainer;iaasvmcontainerv2;RG-1;vm1");
        assert_eq!(n.item, "vm;iaasvmcontainerv2;RG-1;vm1");
        assert!(VmItemNames::from_vm_id(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x"
        )
        .is_err());
    }
}
