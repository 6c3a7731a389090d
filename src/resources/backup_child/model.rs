//! The typed blocks of `backup_child`, decoded once per request (see `resources::model`).

use serde::Deserialize;

use crate::cloud::{SelectionSpec, Tags};

/// `backup_child.aws` as configured.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct ChildAwsModel {
    /// ARNs of the resources to protect.
    pub(crate) resources: Option<Vec<String>>,
    /// Tags that also select resources.
    pub(crate) selection_tags: Option<Tags>,
    /// The role AWS Backup assumes.
    pub(crate) iam_role_arn: String,
    /// The child's own vault (derived mode); default: its name.
    pub(crate) vault_name: Option<String>,
}

impl ChildAwsModel {
    /// The selection this block asks for, named after the child.
    pub(crate) fn selection(&self, child: &str) -> SelectionSpec {
        SelectionSpec {
            name: child.to_string(),
            iam_role_arn: self.iam_role_arn.clone(),
            resources: self.resources.clone().unwrap_or_default(),
            selection_tags: self.selection_tags.clone().unwrap_or_default(),
        }
    }

    /// The child's own vault (derived mode).
    pub(crate) fn vault_name(&self, child: &str) -> String {
        self.vault_name.clone().unwrap_or_else(|| child.to_string())
    }
}

/// `backup_child.azure.app_service`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct AppServiceModel {
    /// The App Service's resource id.
    pub(crate) site_id: String,
    /// Write-only: present in the configuration only.
    pub(crate) storage_account_url: Option<String>,
    /// The storage account receiving the backups, for the region check.
    #[serde(default)]
    pub(crate) storage_account_id: Option<String>,
}

/// `backup_child.azure` as configured (or stored, without the storage URL).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub(crate) struct ChildAzureModel {
    /// The VMs to protect.
    pub(crate) vm_ids: Option<Vec<String>>,
    /// The App Service to back up.
    pub(crate) app_service: Option<AppServiceModel>,
}

impl ChildAzureModel {
    /// The VMs to protect.
    pub(crate) fn vm_ids(&self) -> &[String] {
        self.vm_ids.as_deref().unwrap_or_default()
    }
}
