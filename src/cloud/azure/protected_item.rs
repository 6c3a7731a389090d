//! Protected VMs: `ProtectedItems_CreateOrUpdate` (PUT, LRO), `ProtectedItems_Get`,
//! `ProtectedItems_Delete` (202 followed through the vault's backup operation),
//! `BackupProtectedItems_List`; undelete of a soft-deleted item is a PUT with `isRehydrate`.
//!
//! Names are the ones the API expects for an Azure Resource Manager VM: container
//! `iaasvmcontainer;iaasvmcontainerv2;{resource group};{vm}` and item
//! `vm;iaasvmcontainerv2;{resource group};{vm}` in fabric `Azure`.

use reqwest::Method;

use super::arm::{ArmClient, FinalState, Subject, BACKUP_API_VERSION, COMPUTE_API_VERSION};
use super::backend::{ProtectedVmSpec, ProtectedVmState, StopProtectionOutcome, VaultRef};
use super::bodies::protected_item::{ProtectedItem, ProtectedItemList, ProtectedItemProperties};
use super::bodies::{from_json, to_json};
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

/// The `protectedItemType` of an Azure VM.
const VM_ITEM_TYPE: &str = "Microsoft.Compute/virtualMachines";

fn flatten(body: ProtectedItem) -> ProtectedVmState {
    let p = body.properties.unwrap_or_default();
    ProtectedVmState {
        id: body.id.unwrap_or_default(),
        vm_id: p
            .source_resource_id
            .or(p.virtual_machine_id)
            .unwrap_or_default(),
        policy_id: p.policy_id.filter(|p| !p.is_empty()),
        protection_state: p.protection_state,
        soft_deleted: p.is_scheduled_for_deferred_delete.unwrap_or(false),
        purge_at: p.deferred_delete_time_in_utc,
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
    let body = ProtectedItem {
        properties: Some(ProtectedItemProperties {
            protected_item_type: Some(VM_ITEM_TYPE.into()),
            source_resource_id: Some(spec.vm_id.clone()),
            policy_id: Some(spec.policy_id.clone()),
            ..ProtectedItemProperties::default()
        }),
        ..ProtectedItem::default()
    };
    let written: ProtectedItem = arm
        .write(
            Method::PUT,
            &path,
            BACKUP_API_VERSION,
            &body,
            subject,
            "the protected item is gone after it was created",
            |i: &ProtectedItem| i.properties.is_some(),
        )
        .await?;
    Ok(flatten(written))
}

/// `isRehydrate` moves a soft-deleted item "into Pause state" (bms.json): kept, protection stopped.
async fn undelete(
    arm: &ArmClient,
    path: &str,
    vm_id: &str,
) -> Result<Option<ProtectedItem>, CloudError> {
    let body = ProtectedItem {
        properties: Some(ProtectedItemProperties {
            protected_item_type: Some(VM_ITEM_TYPE.into()),
            source_resource_id: Some(vm_id.to_owned()),
            is_rehydrate: Some(true),
            ..ProtectedItemProperties::default()
        }),
        ..ProtectedItem::default()
    };
    let subject = Subject {
        operation: "undeleting protected Virtual Machine",
        name: vm_id,
    };
    let result = arm
        .long_running(
            Method::PUT,
            path,
            BACKUP_API_VERSION,
            Some(&to_json(&body)),
            FinalState::Location,
            subject,
        )
        .await?;
    // An answer that is not an item is read back below, as one without properties is.
    Ok(result.and_then(|v| serde_json::from_value(v).ok()))
}

pub(crate) async fn undelete_protected_vm(
    arm: &ArmClient,
    vault: &VaultRef,
    vm_id: &str,
) -> Result<ProtectedVmState, CloudError> {
    let names = VmItemNames::from_vm_id(vm_id)?;
    let path = item_path(arm.subscription_id(), vault, &names);
    match undelete(arm, &path, vm_id).await? {
        Some(item) if item.properties.is_some() => Ok(flatten(item)),
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
        .get_as::<ProtectedItem>(&path, BACKUP_API_VERSION, subject)
        .await?
        .map(flatten))
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
        let page: ProtectedItemList = match page.body {
            Some(body) => from_json(body, subject)?,
            None => ProtectedItemList::default(),
        };
        items.extend(page.value.into_iter().map(flatten));
        match page.next_link {
            Some(next) if !next.is_empty() => url = next,
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
    if !arm.delete(&path, BACKUP_API_VERSION, subject).await? {
        return Ok(StopProtectionOutcome::Removed);
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
