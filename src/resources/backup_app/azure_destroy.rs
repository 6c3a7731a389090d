//! Destroying an Azure app: policy, then vault, with soft-deleted items checked (and purged with
//! `force_destroy`) before anything is deleted.

use crate::cloud::azure::{
    AzureBackend, ProtectedVmState, SoftDeleteState, StopProtectionOutcome, VaultRef, VaultState,
};
use crate::cloud::{CloudError, ErrorKind};

use super::model::AppAzureModel;

/// Deletes the policy, then the vault. Azure refuses to delete a vault that still holds
/// soft-deleted items, so those are checked first, before anything is deleted: without `force`
/// the destroy fails and says why; with it they are purged the documented way (soft delete off,
/// undelete each item, delete it for good). When a step after turning soft delete off fails, the
/// error says that soft delete is now off on the vault and how to turn it back on.
pub(super) async fn destroy(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    force: bool,
) -> Result<(), CloudError> {
    let vault_ref = model.vault();
    let mut kept = Vec::new();
    let mut turned_off = false;
    if let Some(vault) = backend.find_vault(&vault_ref).await? {
        kept = soft_deleted(backend.list_protected_vms(&vault_ref).await?);
        if !kept.is_empty() {
            if !force {
                return Err(vault_error(&vault_ref, not_empty_reason(&kept)));
            }
            turned_off = turn_soft_delete_off(backend, &vault, &kept).await?;
        }
    }
    let rest = async {
        purge(backend, &vault_ref, &kept).await?;
        backend.delete_policy(&vault_ref, app).await?;
        backend.delete_vault(&vault_ref).await
    };
    match rest.await {
        Err(e) if turned_off => Err(soft_delete_left_off(e, &vault_ref)),
        result => result,
    }
}

const OP_DELETE_VAULT: &str = "deleting Recovery Services Vault";

fn vault_error(vault: &VaultRef, reason: String) -> CloudError {
    CloudError::new(
        ErrorKind::InvalidState,
        OP_DELETE_VAULT,
        &vault.name,
        reason,
    )
}

/// `err` of a step after force_destroy turned the vault's soft delete off, saying so and how to
/// turn it back on (kind, code and status unchanged).
fn soft_delete_left_off(err: CloudError, vault: &VaultRef) -> CloudError {
    let (group, name) = (&vault.resource_group, &vault.name);
    let message = format!(
        "{}. Soft delete is now off on Recovery Services vault {name} (resource group {group}): force_destroy \
         turned it off to purge the vault's soft-deleted items, and the destroy stopped before the vault was \
         deleted. To turn it back on, run `az backup vault backup-properties set --resource-group {group} \
         --name {name} --soft-delete-feature-state Enable` (or set azure.soft_delete = \"Enabled\" and apply); \
         to finish the purge instead, destroy again",
        err.message().trim_end_matches('.')
    );
    CloudError::from_api(
        err.kind(),
        err.operation().to_owned(),
        err.name(),
        err.code().map(str::to_owned),
        message,
        err.status(),
    )
    .with_source(err)
}
/// The items the vault's soft delete keeps (and that keep the vault from being deleted).
pub(super) fn soft_deleted(items: Vec<ProtectedVmState>) -> Vec<ProtectedVmState> {
    items.into_iter().filter(|item| item.soft_deleted).collect()
}

/// The VMs of the items, by name (the last segment of the VM id), for messages.
fn vm_names(items: &[ProtectedVmState]) -> String {
    items
        .iter()
        .map(|item| {
            let id = if item.vm_id.is_empty() {
                &item.id
            } else {
                &item.vm_id
            };
            id.rsplit('/').next().unwrap_or(id)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why the vault is not deleted without `force_destroy` (worded like the AWS vault's error).
pub(super) fn not_empty_reason(items: &[ProtectedVmState]) -> String {
    let until = items
        .iter()
        .filter_map(|item| item.purge_at.as_deref())
        .max()
        .map(|at| format!(" until {at}"))
        .unwrap_or_default();
    format!(
        "the vault holds {} soft-deleted backup item(s) (VMs: {}), whose recovery points its soft delete keeps{until}, \
         and Azure does not delete a vault holding them: set force_destroy = true to purge them, or wait until the \
         soft-delete retention has passed and destroy again",
        items.len(),
        vm_names(items)
    )
}

/// Turns the vault's soft delete off so its soft-deleted `items` can be purged: true when this
/// call turned it off (it was on), false when it was off already.
async fn turn_soft_delete_off(
    backend: &dyn AzureBackend,
    vault: &VaultState,
    items: &[ProtectedVmState],
) -> Result<bool, CloudError> {
    let vault_ref = VaultRef::new(&vault.resource_group, &vault.name);
    match vault.soft_delete {
        Some(SoftDeleteState::AlwaysOn) => Err(vault_error(
            &vault_ref,
            format!(
                "the vault holds {} soft-deleted backup item(s) (VMs: {}), and its soft delete is AlwaysON, which \
                 cannot be turned off: force_destroy cannot purge them, so the vault can only be deleted once the \
                 soft-delete retention has passed",
                items.len(),
                vm_names(items)
            ),
        )),
        Some(SoftDeleteState::Disabled) => Ok(false),
        // While soft delete is on, deleting an undeleted item would only soft-delete it again.
        Some(SoftDeleteState::Enabled) | None => {
            backend.disable_soft_delete(&vault_ref).await?;
            tracing::info!(vault = %vault.name, "force_destroy: turned the vault's soft delete off to purge its soft-deleted items");
            Ok(true)
        }
    }
}

/// Purges soft-deleted items (soft delete is off) so the vault can be deleted.
async fn purge(
    backend: &dyn AzureBackend,
    vault_ref: &VaultRef,
    items: &[ProtectedVmState],
) -> Result<(), CloudError> {
    for item in items {
        backend
            .undelete_protected_vm(vault_ref, &item.vm_id)
            .await?;
        match backend.stop_protection(vault_ref, &item.vm_id).await? {
            StopProtectionOutcome::Removed => {
                tracing::info!(vault = %vault_ref.name, vm_id = %item.vm_id, item = %item.id, "force_destroy: purged the soft-deleted backup item and its recovery points");
            }
            StopProtectionOutcome::SoftDeleted(_) => {
                return Err(vault_error(
                    vault_ref,
                    format!(
                        "the backup item of {} was soft-deleted again after soft delete was turned off",
                        item.vm_id
                    ),
                ));
            }
        }
    }
    Ok(())
}
