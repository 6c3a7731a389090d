//! `backup_child` on Azure: VMs protected in the nearest Azure-backed ancestor's vault (with that
//! app's policy, or a derived policy named after the child when its effective policy differs) and
//! the App Service backup configuration with the write-only storage URL.

use std::sync::Arc;

use async_trait::async_trait;
use backup_policy::{AzureAnchor, CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{Diagnostic, Diagnostics, PlanRequest};
use tfvalue::{AttributePath, Value};

use super::super::diagnostics::{azure_diagnostic, translate};
use super::super::model::{decode_block, NodeRecord, NodeUpdate};
use super::model::ChildAzureModel;
use super::RESOURCE;
use crate::cloud::azure::{
    AzureBackend, PolicySpec, ProtectedVmSpec, Secret, SiteBackupSchedule, SiteBackupSpec,
    StopProtectionOutcome, VaultRef,
};
use crate::cloud::part::{CloudPart, PartFailed, Presence};
use crate::cloud::CloudError;

/// `backup_child`'s Azure part: its VMs' protection in the nearest Azure-backed ancestor's
/// vault, its derived policy there, and its App Service backup.
pub(crate) struct ChildAzurePart {
    /// Azure in the provider configuration's subscription.
    backend: Arc<dyn AzureBackend>,
    /// The child's name (empty while unknown).
    child: String,
    /// The `azure` block, when decoded by the caller (apply); plan decodes it itself.
    model: Option<ChildAzureModel>,
}

impl ChildAzurePart {
    /// The part of the child that `value` (configuration, plan or state) describes, with its
    /// `azure` block as decoded by the caller.
    pub(crate) fn new(
        backend: Arc<dyn AzureBackend>,
        value: &Value,
        model: Option<ChildAzureModel>,
    ) -> ChildAzurePart {
        ChildAzurePart {
            backend,
            child: NodeRecord::of(value).name().to_string(),
            model,
        }
    }
}

#[async_trait]
impl CloudPart for ChildAzurePart {
    type Update = NodeUpdate;

    fn anchor(&self, _anchors: &mut CloudAnchorsPatch) -> bool {
        true
    }

    fn plan(
        &self,
        request: &PlanRequest,
        document: Option<&PolicyDocument>,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) {
        match document {
            Some(document) => plan(
                &*self.backend,
                &self.child,
                document,
                &request.config,
                update,
                diagnostics,
            ),
            None => {
                update.azure_policy_id = Some(Value::unknown());
                update.azure_protected_item_ids = Some(Value::unknown());
            }
        }
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
        let backend = &*self.backend;
        let prior = Recorded::of(backend, &self.child, prior_state);
        converge(
            backend,
            &self.child,
            document,
            model,
            &prior,
            update,
            diagnostics,
        )
        .await
    }

    async fn read(
        &self,
        state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<Presence, PartFailed> {
        match read(&*self.backend, &self.child, state, update).await {
            Ok(()) => Ok(Presence::Present),
            Err(e) => {
                diagnostics.push(azure_diagnostic(RESOURCE, &self.child, &e));
                Err(PartFailed)
            }
        }
    }

    async fn destroy(
        &self,
        prior_state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let backend = &*self.backend;
        let prior = Recorded::of(backend, &self.child, prior_state);
        destroy(backend, &self.child, &prior, diagnostics).await
    }
}

/// Where a child's VMs are protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placement {
    /// The anchor's vault.
    pub(crate) vault: VaultRef,
    /// The policy's name: the anchor's, or the child's own (derived).
    pub(crate) policy_name: String,
    /// Whether the policy is the child's own.
    pub(crate) derived: bool,
}

impl Placement {
    /// The placement an effective policy implies; an error at `azure` without an Azure-backed
    /// ancestor in the same subscription.
    pub(crate) fn decide(
        document: &PolicyDocument,
        backend: &dyn AzureBackend,
        child: &str,
    ) -> Result<Placement, Diagnostic> {
        let Some(anchor) = &document.anchors().azure else {
            return Err(Diagnostic::error(
                "No Azure-backed ancestor",
                "This backup_child has an `azure` block, but no ancestor app has one: Azure resources are protected \
                 in the vault of the nearest ancestor with an `azure` block. Add one to an ancestor.",
            )
            .at(AttributePath::attr("azure")));
        };
        let location: &AzureAnchor = &anchor.location;
        if !location
            .subscription_id
            .eq_ignore_ascii_case(backend.subscription_id())
        {
            return Err(Diagnostic::error(
                "Azure vault in another subscription",
                format!(
                    "The nearest Azure-backed ancestor {:?} keeps its vault in subscription {}, but this child's provider \
                     configuration works in {}. Use a provider configuration for the vault's subscription.",
                    location.app,
                    location.subscription_id,
                    backend.subscription_id()
                ),
            )
            .at(AttributePath::attr("azure")));
        }
        let derived = document.rules_hash() != anchor.effective_hash;
        Ok(Placement {
            vault: VaultRef::new(&location.resource_group, &location.vault_name),
            policy_name: if derived {
                child.to_string()
            } else {
                location.policy_name.clone()
            },
            derived,
        })
    }

    pub(crate) fn policy_id(&self, backend: &dyn AzureBackend) -> String {
        backend.policy_id(&self.vault, &self.policy_name)
    }

    /// The protected item ids of `vm_ids`, known at plan time.
    pub(crate) fn item_ids(
        &self,
        backend: &dyn AzureBackend,
        vm_ids: &[String],
    ) -> Result<Vec<String>, CloudError> {
        vm_ids
            .iter()
            .map(|vm| backend.protected_item_id(&self.vault, vm))
            .collect()
    }
}

/// Plans `azure_policy_id` and `azure_protected_item_ids`; translation problems of a derived
/// policy are plan-time errors.
fn plan(
    backend: &dyn AzureBackend,
    child: &str,
    document: &PolicyDocument,
    config: &Value,
    update: &mut NodeUpdate,
    diagnostics: &mut Diagnostics,
) {
    let placement = match Placement::decide(document, backend, child) {
        Ok(p) => p,
        Err(d) => {
            diagnostics.push(d);
            return;
        }
    };
    translate(document, diagnostics);
    update.azure_policy_id = Some(Value::from(placement.policy_id(backend)));
    let Some(model) = decode_block::<ChildAzureModel>(config, "azure", diagnostics) else {
        update.azure_protected_item_ids = Some(Value::unknown());
        return;
    };
    match placement.item_ids(backend, model.vm_ids()) {
        Ok(ids) => {
            update.azure_protected_item_ids =
                Some(Value::List(ids.into_iter().map(Value::from).collect()))
        }
        Err(e) => diagnostics.push(
            Diagnostic::error("Invalid virtual machine id", e.to_string())
                .at(AttributePath::attr("azure").join(&AttributePath::attr("vm_ids"))),
        ),
    }
}

/// What the prior state recorded.
pub(crate) struct Recorded {
    placement: Option<Placement>,
    model: ChildAzureModel,
}

impl Recorded {
    /// Reads the record from a state value.
    pub(crate) fn of(backend: &dyn AzureBackend, child: &str, state: &Value) -> Recorded {
        let quiet = &mut Diagnostics::default();
        let placement = NodeRecord::of(state)
            .document()
            .and_then(|doc| Placement::decide(&doc, backend, child).ok());
        Recorded {
            placement,
            model: decode_block(state, "azure", quiet).unwrap_or_default(),
        }
    }
}

/// Creates or updates the child's Azure objects: its derived policy, its VMs' protection, its App
/// Service backup; then removes what the prior state had and the configuration no longer has.
async fn converge(
    backend: &dyn AzureBackend,
    child: &str,
    document: &PolicyDocument,
    model: &ChildAzureModel,
    prior: &Recorded,
    update: &mut NodeUpdate,
    diagnostics: &mut Diagnostics,
) -> Result<(), PartFailed> {
    let placement = Placement::decide(document, backend, child).map_err(|d| {
        diagnostics.push(d);
        PartFailed
    })?;
    let schedule = translate(document, diagnostics).ok_or(PartFailed)?;
    if placement.derived {
        backend
            .ensure_policy(&PolicySpec {
                vault: placement.vault.clone(),
                name: child.to_string(),
                schedule: schedule.clone(),
                instant_rp_retention_days: None,
            })
            .await
            .map_err(report(diagnostics, child))?;
    }
    let policy_id = placement.policy_id(backend);
    update.azure_policy_id = Some(Value::from(policy_id.clone()));
    let mut ids = Vec::new();
    for vm in model.vm_ids() {
        let item = backend
            .protect_vm(&ProtectedVmSpec {
                vault: placement.vault.clone(),
                vm_id: vm.clone(),
                policy_id: policy_id.clone(),
            })
            .await
            .map_err(report(diagnostics, child))?;
        ids.push(Value::from(item.id));
    }
    update.azure_protected_item_ids = Some(Value::List(ids));
    // VMs no longer listed (or left behind in another vault) stop being protected.
    if let Some(old) = &prior.placement {
        for vm in prior.model.vm_ids() {
            if old.vault != placement.vault || !model.vm_ids().contains(vm) {
                stop(backend, child, &old.vault, vm, diagnostics).await?;
            }
        }
    }
    if let Some(app) = &model.app_service {
        let Some(url) = &app.storage_account_url else {
            diagnostics.push(
                Diagnostic::error(
                    "Missing storage_account_url",
                    "Backing up an App Service needs the SAS URL of the blob container its backups go to.",
                )
                .at(AttributePath::attr("azure")
                    .join(&AttributePath::attr("app_service"))
                    .join(&AttributePath::attr("storage_account_url"))),
            );
            return Err(PartFailed);
        };
        // Values unknown at plan are known now: the guardrail is enforced before anything is written.
        if super::app_service_region::same_region_required(document) {
            let check = super::app_service_region::RegionCheck::of_model(app);
            super::app_service_region::check_regions(
                backend,
                Some(document),
                &check,
                child,
                diagnostics,
            )
            .await;
            if diagnostics.has_errors() {
                return Err(PartFailed);
            }
        }
        backend
            .ensure_site_backup(&SiteBackupSpec {
                site_id: app.site_id.clone(),
                storage_account_url: Secret::sas_url(url.clone()),
                schedule: SiteBackupSchedule::from_policy(&schedule),
                enabled: true,
            })
            .await
            .map_err(report(diagnostics, child))?;
    }
    if let Some(old) = &prior.model.app_service {
        if model.app_service.as_ref().map(|a| &a.site_id) != Some(&old.site_id) {
            backend
                .delete_site_backup(&old.site_id)
                .await
                .map_err(report(diagnostics, child))?;
        }
    }
    if let Some(old) = &prior.placement {
        if old.derived && (!placement.derived || old.vault != placement.vault) {
            backend
                .delete_policy(&old.vault, child)
                .await
                .map_err(report(diagnostics, child))?;
        }
    }
    Ok(())
}

/// Reports an Azure error as the child's diagnostic: the step failed.
fn report<'a>(
    diagnostics: &'a mut Diagnostics,
    child: &'a str,
) -> impl FnOnce(CloudError) -> PartFailed + 'a {
    move |e| {
        diagnostics.push(azure_diagnostic(RESOURCE, child, &e));
        PartFailed
    }
}

async fn stop(
    backend: &dyn AzureBackend,
    child: &str,
    vault: &VaultRef,
    vm: &str,
    diagnostics: &mut Diagnostics,
) -> Result<(), PartFailed> {
    match backend.stop_protection(vault, vm).await {
        Ok(StopProtectionOutcome::Removed) => Ok(()),
        Ok(StopProtectionOutcome::SoftDeleted(item)) => {
            diagnostics.push(Diagnostic::warning(
                "Protected item soft-deleted",
                format!(
                    "Protection of {vm} stopped, but the vault's soft delete keeps the item {} and its recovery points{}. \
                     The vault cannot be deleted until they are purged (or the app's force_destroy = true purges them).",
                    item.id,
                    item.purge_at
                        .map(|at| format!(" until {at}"))
                        .unwrap_or_default()
                ),
            ));
            Ok(())
        }
        Err(e) => {
            diagnostics.push(azure_diagnostic(RESOURCE, child, &e));
            Err(PartFailed)
        }
    }
}

/// Removes everything the child made, as recorded in its state.
async fn destroy(
    backend: &dyn AzureBackend,
    child: &str,
    prior: &Recorded,
    diagnostics: &mut Diagnostics,
) -> Result<(), PartFailed> {
    if let Some(placement) = &prior.placement {
        for vm in prior.model.vm_ids() {
            stop(backend, child, &placement.vault, vm, diagnostics).await?;
        }
    }
    if let Some(app) = &prior.model.app_service {
        backend
            .delete_site_backup(&app.site_id)
            .await
            .map_err(report(diagnostics, child))?;
    }
    if let Some(placement) = prior.placement.as_ref().filter(|p| p.derived) {
        backend
            .delete_policy(&placement.vault, child)
            .await
            .map_err(report(diagnostics, child))?;
    }
    Ok(())
}

/// Reads the child's objects back: anything missing or changed out of band nulls
/// `policy_document`, so the next plan shows the update that restores it.
async fn read(
    backend: &dyn AzureBackend,
    child: &str,
    state: &Value,
    update: &mut NodeUpdate,
) -> Result<(), CloudError> {
    let prior = Recorded::of(backend, child, state);
    let Some(placement) = &prior.placement else {
        return Ok(());
    };
    let Some(document) = NodeRecord::of(state).document() else {
        return Ok(());
    };
    let mut drifted = false;
    if placement.derived {
        let expected = translate(&document, &mut Diagnostics::default());
        match backend.find_policy(&placement.vault, child).await? {
            Some(policy) if policy.schedule == expected => {}
            _ => drifted = true,
        }
    }
    let policy_id = placement.policy_id(backend);
    for vm in prior.model.vm_ids() {
        match backend.find_protected_vm(&placement.vault, vm).await? {
            Some(item)
                if !item.soft_deleted
                    && item
                        .policy_id
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(&policy_id)) => {}
            _ => drifted = true,
        }
    }
    if let Some(app) = &prior.model.app_service {
        if backend.find_site_backup(&app.site_id).await?.is_none() {
            drifted = true;
        }
    }
    if drifted {
        update.policy_document = Some(Value::Null);
    }
    Ok(())
}
