//! `backup_app` on Azure: the app's Recovery Services vault and an IaaS VM backup policy of its
//! effective rules, named after the app.

use crate::resources::azure_hardening::{
    check_encryption, check_immutability, converge_delete_lock, delete_lock_drifted,
    release_delete_lock,
};
use crate::resources::azure_resource_guard::{
    check_resource_guard, converge_resource_guard, release_resource_guard, resource_guard_drifted,
    resource_guard_of,
};
use std::sync::Arc;

use async_trait::async_trait;
use backup_policy::{AzureAnchor, CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{Diagnostic, Diagnostics, PlanRequest};
use tfvalue::Value;

use super::super::diagnostics::{azure_diagnostic, translate};
use super::super::model::{NodeRecord, NodeUpdate};
use super::azure_destroy::destroy;
use super::model::AppAzureModel;
use super::RESOURCE;
use crate::cloud::azure::{AzureBackend, PolicySpec, VaultRef};
use crate::cloud::part::{CloudPart, PartFailed, Presence};
use crate::cloud::CloudError;
use crate::resources::azure_vault_governance::{
    converge_azure_governance, read_azure_governance, release_azure_governance,
};

/// `backup_app`'s Azure part: its Recovery Services vault and the backup policy named after it.
pub(crate) struct AppAzurePart {
    /// Azure in the provider configuration's subscription.
    backend: Arc<dyn AzureBackend>,
    /// The app's name; `None` while unknown (plan time).
    app: Option<String>,
    /// `azure.resource_group` and `azure.vault_name`; `None` while either is unknown.
    vault: Option<VaultRef>,
    /// The `azure` block, when wholly known.
    model: Option<AppAzureModel>,
}

impl AppAzurePart {
    /// The part of the app that `value` (configuration, plan or state) describes, with its `azure`
    /// block as decoded by the caller.
    pub(crate) fn new(
        backend: Arc<dyn AzureBackend>,
        value: &Value,
        model: Option<AppAzureModel>,
    ) -> AppAzurePart {
        let block = value.get("azure");
        let known = |field: &str| block.and_then(|a| a.get(field)).and_then(Value::as_str);
        let vault = match (known("resource_group"), known("vault_name")) {
            (Some(resource_group), Some(vault_name)) => {
                Some(VaultRef::new(resource_group, vault_name))
            }
            _ => None,
        };
        AppAzurePart {
            backend,
            app: NodeRecord::of(value).name,
            vault,
            model,
        }
    }

    /// The app's name for messages (empty while unknown).
    fn name(&self) -> &str {
        self.app.as_deref().unwrap_or_default()
    }

    /// Reports a cloud error as the resource's diagnostic: the step failed.
    fn failed(&self, diagnostics: &mut Diagnostics, error: &CloudError) -> PartFailed {
        diagnostics.push(azure_diagnostic(RESOURCE, self.name(), error));
        PartFailed
    }
}

#[async_trait]
impl CloudPart for AppAzurePart {
    type Update = NodeUpdate;

    fn anchor(&self, anchors: &mut CloudAnchorsPatch) -> bool {
        let (Some(vault), Some(app)) = (&self.vault, &self.app) else {
            return false;
        };
        anchors.azure = Some(anchor(&*self.backend, app, vault));
        true
    }

    fn plan(
        &self,
        request: &PlanRequest,
        document: Option<&PolicyDocument>,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) {
        // Immutability only rises, and never below the guardrail in force.
        check_immutability(&request.config, &request.prior_state, document, diagnostics);
        check_encryption(&request.config, &request.prior_state, document, diagnostics);
        check_resource_guard(&request.config, document, diagnostics);
        // What Azure cannot express fails the plan, at the rule's path.
        if let Some(document) = document {
            translate(document, diagnostics);
        }
        let (vault_id, policy_id) = match (&self.vault, &self.app) {
            (Some(vault), Some(app)) => (
                Value::from(self.backend.vault_id(vault)),
                Value::from(self.backend.policy_id(vault, app)),
            ),
            _ => (Value::unknown(), Value::unknown()),
        };
        update.azure_vault_id = Some(vault_id);
        update.azure_policy_id = Some(policy_id);
    }

    async fn converge(
        &self,
        document: &PolicyDocument,
        prior_state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let Some(model) = &self.model else {
            return Ok(());
        };
        let prior = NodeRecord::of(prior_state).document();
        let fail = |problems: Vec<Diagnostic>, diagnostics: &mut Diagnostics| {
            diagnostics.extend(problems);
            PartFailed
        };
        converge(&*self.backend, self.name(), model, document, update)
            .await
            .map_err(|problems| fail(problems, diagnostics))?;
        converge_azure_governance(&*self.backend, &model.vault(), document, prior.as_ref())
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        converge_delete_lock(&*self.backend, &model.vault(), document, prior.as_ref())
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        let (wanted, recorded) = (
            model.resource_guard_id.as_deref(),
            resource_guard_of(prior_state),
        );
        converge_resource_guard(&*self.backend, &model.vault(), wanted, recorded)
            .await
            .map_err(|e| self.failed(diagnostics, &e))
    }

    async fn read(
        &self,
        state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<Presence, PartFailed> {
        let Some(model) = &self.model else {
            return Ok(Presence::Present);
        };
        match read(
            &*self.backend,
            self.name(),
            model,
            state,
            update,
            diagnostics,
        )
        .await
        {
            Ok(true) => Ok(Presence::Present),
            Ok(false) => Ok(Presence::Gone),
            Err(e) => Err(self.failed(diagnostics, &e)),
        }
    }

    async fn destroy(
        &self,
        prior_state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let Some(model) = &self.model else {
            return Ok(());
        };
        let prior = NodeRecord::of(prior_state);
        // A locked vault fails here, before anything is removed, unless force_destroy.
        release_delete_lock(
            &*self.backend,
            &model.vault(),
            prior.document().as_ref(),
            prior.force_destroy(),
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))?;
        // Azure takes the association's removal only once unlocked (multi-user authorization).
        release_resource_guard(
            &*self.backend,
            &model.vault(),
            model.resource_guard_id.as_deref(),
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))?;
        release_azure_governance(&*self.backend, &model.vault(), prior.document().as_ref())
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        destroy(&*self.backend, self.name(), model, prior.force_destroy())
            .await
            .map_err(|e| self.failed(diagnostics, &e))
    }
}

/// The anchor an Azure-backed app publishes in its `policy_document`; the policy is named after
/// the app.
fn anchor(backend: &dyn AzureBackend, app: &str, vault: &VaultRef) -> AzureAnchor {
    AzureAnchor {
        app: app.to_string(),
        subscription_id: backend.subscription_id().to_string(),
        resource_group: vault.resource_group.clone(),
        vault_name: vault.name.clone(),
        vault_id: backend.vault_id(vault),
        policy_name: app.to_string(),
    }
}

/// Creates or updates the vault, then the policy (both in place), and records their ids.
async fn converge(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    document: &PolicyDocument,
    update: &mut NodeUpdate,
) -> Result<(), Vec<Diagnostic>> {
    let mut diagnostics = Diagnostics::default();
    let Some(schedule) = translate(document, &mut diagnostics) else {
        return Err(diagnostics.into_iter().collect());
    };
    let cloud = |e: CloudError| vec![azure_diagnostic(RESOURCE, app, &e)];
    let vault = backend
        .ensure_vault(&model.vault_spec(document).map_err(cloud)?)
        .await
        .map_err(cloud)?;
    update.azure_vault_id = Some(Value::from(vault.id));
    let policy = backend
        .ensure_policy(&PolicySpec {
            vault: model.vault(),
            name: app.to_string(),
            schedule,
            instant_rp_retention_days: None,
        })
        .await
        .map_err(cloud)?;
    update.azure_policy_id = Some(Value::from(policy.id));
    Ok(())
}

/// Reads the vault and policy back: false when either is gone. A policy whose schedule differs
/// from the state's effective policy, or a vault whose soft delete or immutability was weakened,
/// nulls `policy_document`, so the next plan updates it.
async fn read(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
    state: &Value,
    update: &mut NodeUpdate,
    diagnostics: &mut Diagnostics,
) -> Result<bool, CloudError> {
    let Some(vault) = backend.find_vault(&model.vault()).await? else {
        return Ok(false);
    };
    update.azure_vault_id = Some(Value::from(vault.id.clone()));
    let Some(policy) = backend.find_policy(&model.vault(), app).await? else {
        return Ok(false);
    };
    update.azure_policy_id = Some(Value::from(policy.id));
    if let Some(document) = NodeRecord::of(state).document() {
        let expected = translate(&document, &mut Diagnostics::default());
        // Soft delete or immutability weakened out of band: the next apply puts them back.
        let weakened = model
            .vault_spec(&document)
            .is_ok_and(|spec| !spec.weaker_in(&vault).is_empty());
        let (drifted, foreign) = read_azure_governance(backend, &model.vault(), &document).await?;
        let drifted = drifted || delete_lock_drifted(backend, &model.vault(), &document).await?;
        let guard = model.resource_guard_id.as_deref();
        let drifted = drifted || resource_guard_drifted(backend, &model.vault(), guard).await?;
        if expected.is_none()
            || policy.schedule != expected
            || crate::cloud::azure::without_app_tag(&vault.tags) != *document.tags()
            || weakened
            || drifted
        {
            update.policy_document = Some(Value::Null);
        }
        for assignment in foreign {
            diagnostics.push(Diagnostic::warning(
                "Role assignment not managed by this app",
                format!(
                    "Vault {:?} has role assignment {assignment}, which app {app:?} did not make; it is \
                     left as it is. Add the principal to policy.access to manage it, or remove it by hand.",
                    model.vault_name
                ),
            ));
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::azure_destroy::{destroy, not_empty_reason, soft_deleted};
    use super::super::import::PolicyImportId;
    use super::super::model::AppAzureModel;
    use crate::cloud::azure::{
        AzureBackend, ProtectedVmState, SoftDeleteState, VaultRef, VaultSpec,
    };
    use crate::cloud::ErrorKind;
    use crate::resources::fakes::FakeAzure;

    fn model() -> AppAzureModel {
        AppAzureModel {
            resource_group: "rg".into(),
            location: "westeurope".into(),
            vault_name: "rsv".into(),
            storage_redundancy: None,
            cross_region_restore: None,
            soft_delete: None,
            immutability: None,
            encryption: None,
            resource_guard_id: None,
        }
    }

    /// A fake subscription whose vault `rsv` (soft delete as given) keeps a soft-deleted item of
    /// `vm1`, with `fail_on` failing.
    async fn vault_with_a_soft_deleted_item(
        soft_delete: SoftDeleteState,
        fail_on: Option<&'static str>,
    ) -> std::sync::Arc<FakeAzure> {
        let azure = FakeAzure::new("s");
        let mut spec = VaultSpec::new("rg", "rsv", "westeurope");
        spec.soft_delete = Some(soft_delete);
        azure.ensure_vault(&spec).await.unwrap();
        let kept = item("vm1", true, Some("2026-12-07T00:00:00Z"));
        let mut world = azure.world();
        world
            .vms
            .insert((VaultRef::new("rg", "rsv"), kept.vm_id.clone()), kept);
        world.calls.fail_on = fail_on;
        world.calls.log.clear();
        drop(world);
        azure
    }

    #[tokio::test]
    async fn a_purge_that_fails_part_way_says_soft_delete_is_left_off_and_how_to_restore_it() {
        for failing in [
            "undelete_protected_vm",
            "stop_protection",
            "delete_policy",
            "delete_vault",
        ] {
            let azure =
                vault_with_a_soft_deleted_item(SoftDeleteState::Enabled, Some(failing)).await;
            let err = destroy(&*azure, "app", &model(), true).await.unwrap_err();
            // The failing step's own error, kind unchanged, then what it leaves behind.
            assert_eq!(err.kind(), ErrorKind::AccessDenied, "{failing}");
            let text = err.to_string();
            for part in [
                &format!("{failing} ("),
                "injected failure. Soft delete is now off on Recovery Services vault rsv (resource group rg)",
                "az backup vault backup-properties set --resource-group rg --name rsv --soft-delete-feature-state Enable",
                "azure.soft_delete = \"Enabled\"",
            ] {
                assert!(text.contains(part), "{failing}: {part:?} not in {text:?}");
            }
            let vault = azure
                .world()
                .vaults
                .get(&VaultRef::new("rg", "rsv"))
                .cloned()
                .unwrap();
            assert_eq!(
                vault.soft_delete,
                Some(SoftDeleteState::Disabled),
                "{failing}"
            );
        }
    }

    #[tokio::test]
    async fn a_failure_before_soft_delete_is_touched_or_with_it_off_already_says_nothing_of_it() {
        // disable_soft_delete itself failing: soft delete is still on.
        let azure =
            vault_with_a_soft_deleted_item(SoftDeleteState::Enabled, Some("disable_soft_delete"))
                .await;
        let err = destroy(&*azure, "app", &model(), true).await.unwrap_err();
        assert!(!err.to_string().contains("Soft delete is now off"), "{err}");
        // Off before the destroy: the provider did not turn it off.
        let azure =
            vault_with_a_soft_deleted_item(SoftDeleteState::Disabled, Some("delete_vault")).await;
        let err = destroy(&*azure, "app", &model(), true).await.unwrap_err();
        assert!(!err.to_string().contains("Soft delete is now off"), "{err}");
        assert!(!azure
            .world()
            .calls
            .operations()
            .contains(&"disable_soft_delete"));
    }

    #[tokio::test]
    async fn a_purge_that_succeeds_deletes_the_item_policy_and_vault() {
        let azure = vault_with_a_soft_deleted_item(SoftDeleteState::Enabled, None).await;
        destroy(&*azure, "app", &model(), true).await.unwrap();
        let world = azure.world();
        assert_eq!(
            world.calls.operations(),
            [
                "find_vault",
                "list_protected_vms",
                "disable_soft_delete",
                "undelete_protected_vm",
                "stop_protection",
                "delete_policy",
                "delete_vault"
            ]
        );
        assert!(world.vaults.is_empty() && world.vms.is_empty());
    }

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
