//! `backup_app` on Azure: the app's Recovery Services vault and an IaaS VM backup policy of its
//! effective rules, named after the app.

use backup_policy::{AzureAnchor, PolicyDocument};
use serde::Deserialize;
use tfplugin::framework::{null_object, Attribute, Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::azure::translate;
use super::state::set_attr;
use crate::cloud::azure::{
    AzureBackend, PolicySpec, ProtectedVmState, SoftDeleteState, StopProtectionOutcome, VaultRef,
    VaultSpec, VaultState,
};
use crate::cloud::{CloudError, ErrorKind};

/// `backup_app.azure` as configured (or stored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct AppAzureModel {
    pub(crate) resource_group: String,
    pub(crate) location: String,
    pub(crate) vault_name: String,
    pub(crate) storage_redundancy: Option<String>,
    pub(crate) cross_region_restore: Option<bool>,
    pub(crate) soft_delete: Option<String>,
    pub(crate) immutability: Option<String>,
}

impl AppAzureModel {
    /// The `azure` block of `value`; `None` when null (or invalid: diagnostics at `azure`).
    pub(crate) fn of(value: &Value, diagnostics: &mut Diagnostics) -> Option<AppAzureModel> {
        let block = value.get("azure").filter(|v| !v.is_null())?;
        if !block.is_wholly_known() {
            return None;
        }
        match tfvalue::from_value(block) {
            Ok(model) => Some(model),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("Invalid attribute value", e.to_string())
                        .at(AttributePath::attr("azure").join(e.path())),
                );
                None
            }
        }
    }

    pub(crate) fn vault(&self) -> VaultRef {
        VaultRef::new(&self.resource_group, &self.vault_name)
    }

    fn vault_spec(&self, document: &PolicyDocument) -> Result<VaultSpec, CloudError> {
        let parse = |what: &str, e: String| {
            CloudError::new(ErrorKind::InvalidInput, "reading the azure block", what, e)
        };
        let mut spec = VaultSpec::new(&self.resource_group, &self.vault_name, &self.location);
        spec.storage_redundancy = self
            .storage_redundancy
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| parse("storage_redundancy", e))?;
        spec.cross_region_restore = self.cross_region_restore;
        spec.soft_delete = self
            .soft_delete
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| parse("soft_delete", e))?;
        spec.immutability = self
            .immutability
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e| parse("immutability", e))?;
        spec.tags = document.tags().clone();
        Ok(spec)
    }
}

/// The anchor an Azure-backed app publishes in its `policy_document`; the policy is named after
/// the app.
pub(crate) fn anchor(backend: &dyn AzureBackend, app: &str, model: &AppAzureModel) -> AzureAnchor {
    AzureAnchor {
        app: app.to_string(),
        subscription_id: backend.subscription_id().to_string(),
        resource_group: model.resource_group.clone(),
        vault_name: model.vault_name.clone(),
        vault_id: backend.vault_id(&model.vault()),
        policy_name: app.to_string(),
    }
}

/// Creates or updates the vault, then the policy (both in place), and records their ids.
pub(crate) async fn converge(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    document: &PolicyDocument,
    state: &mut Value,
) -> Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    let Some(schedule) = translate(document, &mut diagnostics) else {
        return Err(diagnostics.into_iter().collect());
    };
    let cloud = |e: CloudError| vec![super::azure::azure_diagnostic("backup_app", app, &e)];
    let vault = backend
        .ensure_vault(&model.vault_spec(document).map_err(cloud)?)
        .await
        .map_err(cloud)?;
    set_attr(state, "azure_vault_id", Value::from(vault.id));
    let policy = backend
        .ensure_policy(&PolicySpec {
            vault: model.vault(),
            name: app.to_string(),
            schedule,
            instant_rp_retention_days: None,
        })
        .await
        .map_err(cloud)?;
    set_attr(state, "azure_policy_id", Value::from(policy.id));
    Ok(())
}

/// Deletes the policy, then the vault. Azure refuses to delete a vault that still holds
/// soft-deleted items, so those are checked first, before anything is deleted: without `force`
/// the destroy fails and says why; with it they are purged the documented way (soft delete off,
/// undelete each item, delete it for good).
pub(crate) async fn destroy(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    force: bool,
) -> Result<(), CloudError> {
    let vault_ref = model.vault();
    if let Some(vault) = backend.find_vault(&vault_ref).await? {
        let kept = soft_deleted(backend.list_protected_vms(&vault_ref).await?);
        if !kept.is_empty() {
            if !force {
                return Err(vault_error(&vault_ref, not_empty_reason(&kept)));
            }
            purge(backend, &vault, &kept).await?;
        }
    }
    backend.delete_policy(&vault_ref, app).await?;
    backend.delete_vault(&vault_ref).await
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

/// The items the vault's soft delete keeps (and that keep the vault from being deleted).
fn soft_deleted(items: Vec<ProtectedVmState>) -> Vec<ProtectedVmState> {
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
fn not_empty_reason(items: &[ProtectedVmState]) -> String {
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

/// Purges soft-deleted items so the vault can be deleted.
async fn purge(
    backend: &dyn AzureBackend,
    vault: &VaultState,
    items: &[ProtectedVmState],
) -> Result<(), CloudError> {
    let vault_ref = VaultRef::new(&vault.resource_group, &vault.name);
    match vault.soft_delete {
        Some(SoftDeleteState::AlwaysOn) => {
            return Err(vault_error(
                &vault_ref,
                format!(
                    "the vault holds {} soft-deleted backup item(s) (VMs: {}), and its soft delete is AlwaysON, which \
                     cannot be turned off: force_destroy cannot purge them, so the vault can only be deleted once the \
                     soft-delete retention has passed",
                    items.len(),
                    vm_names(items)
                ),
            ));
        }
        Some(SoftDeleteState::Disabled) => {}
        // While soft delete is on, deleting an undeleted item would only soft-delete it again.
        Some(SoftDeleteState::Enabled) | None => {
            backend.disable_soft_delete(&vault_ref).await?;
            tracing::info!(vault = %vault.name, "force_destroy: turned the vault's soft delete off to purge its soft-deleted items");
        }
    }
    for item in items {
        backend
            .undelete_protected_vm(&vault_ref, &item.vm_id)
            .await?;
        match backend.stop_protection(&vault_ref, &item.vm_id).await? {
            StopProtectionOutcome::Removed => {
                tracing::info!(vault = %vault.name, vm_id = %item.vm_id, item = %item.id, "force_destroy: purged the soft-deleted backup item and its recovery points");
            }
            StopProtectionOutcome::SoftDeleted(_) => {
                return Err(vault_error(
                    &vault_ref,
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

/// Reads the vault and policy back: false when either is gone. A policy whose schedule differs
/// from the state's effective policy nulls `policy_document`, so the next plan updates it.
pub(crate) async fn read(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    state: &mut Value,
) -> Result<bool, CloudError> {
    let Some(vault) = backend.find_vault(&model.vault()).await? else {
        return Ok(false);
    };
    set_attr(state, "azure_vault_id", Value::from(vault.id));
    let Some(policy) = backend.find_policy(&model.vault(), app).await? else {
        return Ok(false);
    };
    set_attr(state, "azure_policy_id", Value::from(policy.id));
    if let Some(document) = super::aws::state_document(state) {
        let expected = translate(&document, &mut Diagnostics::default());
        if expected.is_none() || policy.schedule != expected || vault.tags != *document.tags() {
            set_attr(state, "policy_document", Value::Null);
        }
    }
    Ok(true)
}

/// A `terraform import` id naming an app's Azure backup policy by its ARM id:
/// `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.RecoveryServices/vaults/<vault>/backupPolicies/<app>`
/// (the policy is named after the app). Segment names are matched without regard to case, as ARM does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyImportId {
    pub(crate) subscription_id: String,
    pub(crate) resource_group: String,
    pub(crate) vault_name: String,
    pub(crate) app: String,
}

impl PolicyImportId {
    /// `None` when `id` is not shaped like a backup policy's ARM id (e.g. a plain app name).
    pub(crate) fn parse(id: &str) -> Option<PolicyImportId> {
        let parts: Vec<&str> = id.strip_prefix('/')?.split('/').collect();
        let [subscriptions, subscription_id, resource_groups, resource_group, providers, namespace, vaults, vault_name, backup_policies, app] =
            parts.as_slice()
        else {
            return None;
        };
        let keywords = [
            (subscriptions, "subscriptions"),
            (resource_groups, "resourceGroups"),
            (providers, "providers"),
            (namespace, "Microsoft.RecoveryServices"),
            (vaults, "vaults"),
            (backup_policies, "backupPolicies"),
        ];
        let values = [subscription_id, resource_group, vault_name, app];
        if keywords
            .iter()
            .all(|(got, want)| got.eq_ignore_ascii_case(want))
            && values.iter().all(|v| !v.is_empty())
        {
            Some(PolicyImportId {
                subscription_id: subscription_id.to_string(),
                resource_group: resource_group.to_string(),
                vault_name: vault_name.to_string(),
                app: app.to_string(),
            })
        } else {
            None
        }
    }
}

/// For `terraform import` by policy id: reads the vault and the policy and fills in the `azure`
/// block (as the vault reports it) and both ids. `policy_document` stays null, so the next plan
/// writes the configured policy in place.
pub(crate) async fn adopt(
    backend: &dyn AzureBackend,
    id: &PolicyImportId,
    azure_attribute: &Attribute,
    state: &mut Value,
) -> Result<(), Diagnostic> {
    let fail = |detail: String| Diagnostic::error("Cannot import the Azure backup policy", detail);
    if !id
        .subscription_id
        .eq_ignore_ascii_case(backend.subscription_id())
    {
        return Err(fail(format!(
            "The id names subscription {}, but this provider configuration uses subscription {}. \
             Import with the provider alias configured for that subscription (`-provider` is \
             chosen by the resource's `provider` argument).",
            id.subscription_id,
            backend.subscription_id()
        )));
    }
    let vault_ref = VaultRef::new(&id.resource_group, &id.vault_name);
    let cloud = |e: CloudError| super::azure::azure_diagnostic("backup_app", &id.app, &e);
    let Some(vault) = backend.find_vault(&vault_ref).await.map_err(cloud)? else {
        return Err(fail(format!(
            "Recovery Services vault {} was not found in resource group {}.",
            id.vault_name, id.resource_group
        )));
    };
    let Some(policy) = backend
        .find_policy(&vault_ref, &id.app)
        .await
        .map_err(cloud)?
    else {
        return Err(fail(format!(
            "Vault {} has no backup policy named {}. A backup_app's policy is named after the app.",
            id.vault_name, id.app
        )));
    };
    let mut block = null_object(azure_attribute.children().unwrap_or_default());
    set_attr(
        &mut block,
        "resource_group",
        Value::from(id.resource_group.clone()),
    );
    set_attr(&mut block, "location", Value::from(vault.location.clone()));
    set_attr(&mut block, "vault_name", Value::from(id.vault_name.clone()));
    let reported = [
        (
            "storage_redundancy",
            vault.storage_redundancy.map(|v| v.as_str()),
        ),
        ("soft_delete", vault.soft_delete.map(|v| v.as_str())),
        ("immutability", vault.immutability.map(|v| v.as_str())),
    ];
    for (name, value) in reported {
        if let Some(value) = value {
            set_attr(&mut block, name, Value::from(value.to_string()));
        }
    }
    if let Some(enabled) = vault.cross_region_restore {
        set_attr(&mut block, "cross_region_restore", Value::Bool(enabled));
    }
    set_attr(state, "azure", block);
    set_attr(state, "azure_vault_id", Value::from(vault.id));
    set_attr(state, "azure_policy_id", Value::from(policy.id));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{not_empty_reason, soft_deleted, PolicyImportId};
    use crate::cloud::azure::ProtectedVmState;

    fn item(vm: &str, soft: bool, purge_at: Option<&str>) -> ProtectedVmState {
        ProtectedVmState {
            id: format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers/c/protectedItems/vm;iaasvmcontainerv2;rg;{vm}"),
            vm_id: format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{vm}"),
            policy_id: None,
            protection_state: Some("ProtectionStopped".into()),
            soft_deleted: soft,
            purge_at: purge_at.map(str::to_owned),
        }
    }

    #[test]
    fn only_soft_deleted_items_block_the_vault() {
        let kept = soft_deleted(vec![
            item("vm1", true, Some("2026-12-07T00:00:00Z")),
            item("vm2", false, None),
            item("vm3", true, Some("2026-12-09T00:00:00Z")),
        ]);
        let names: Vec<&str> = kept
            .iter()
            .map(|i| i.vm_id.rsplit('/').next().unwrap_or_default())
            .collect();
        assert_eq!(names, ["vm1", "vm3"]);
        assert!(soft_deleted(vec![item("vm2", false, None)]).is_empty());

        let reason = not_empty_reason(&kept);
        for part in [
            "holds 2 soft-deleted backup item(s) (VMs: vm1, vm3)",
            "soft delete keeps until 2026-12-09T00:00:00Z",
            "set force_destroy = true",
            "soft-delete retention has passed",
        ] {
            assert!(reason.contains(part), "{part:?} not in {reason:?}");
        }
        // An item without a VM id is named by its own id; no purge time, no "until".
        let mut bare = item("vm4", true, None);
        bare.vm_id.clear();
        let reason = not_empty_reason(&[bare]);
        assert!(
            reason.contains("(VMs: vm;iaasvmcontainerv2;rg;vm4)"),
            "{reason}"
        );
        assert!(!reason.contains("keeps until"), "{reason}");
    }

    #[test]
    fn import_ids_are_policy_arm_ids() {
        let id = "/subscriptions/0000-1/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv/backupPolicies/org-root";
        assert_eq!(
            PolicyImportId::parse(id),
            Some(PolicyImportId {
                subscription_id: "0000-1".into(),
                resource_group: "rg-backup".into(),
                vault_name: "rsv".into(),
                app: "org-root".into(),
            })
        );
        // ARM treats segment names case-insensitively.
        assert!(PolicyImportId::parse(&id.to_lowercase()).is_some());
        for not_a_policy in [
            "org-root",
            "/subscriptions/0000-1/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv",
            "/subscriptions/0000-1/resourceGroups/rg/providers/Microsoft.DataProtection/vaults/rsv/backupPolicies/a",
            "/subscriptions/0000-1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv/backupPolicies/",
            "/subscriptions/0000-1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv/backupPolicies/a/b",
        ] {
            assert_eq!(PolicyImportId::parse(not_a_policy), None, "{not_a_policy}");
        }
    }
}
