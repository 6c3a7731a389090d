//! `backup_app` on Azure: the app's Recovery Services vault and an IaaS VM backup policy of its
//! effective rules, named after the app.

use backup_policy::{AzureAnchor, PolicyDocument};
use serde::Deserialize;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::azure::translate;
use super::state::set_attr;
use crate::cloud::azure::{AzureBackend, PolicySpec, VaultRef, VaultSpec};
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

/// Deletes the policy, then the vault (Azure refuses while the vault still holds items).
pub(crate) async fn destroy(
    backend: &dyn AzureBackend,
    app: &str,
    model: &AppAzureModel,
) -> Result<(), CloudError> {
    backend.delete_policy(&model.vault(), app).await?;
    backend.delete_vault(&model.vault()).await
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
