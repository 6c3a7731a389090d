//! The typed blocks of `backup_app`, decoded once per request (see `resources::model`).

use backup_policy::PolicyDocument;
use serde::Deserialize;

use crate::cloud::azure::{UnknownEnumValue, VaultEncryption, VaultRef, VaultSpec};
use crate::cloud::{CloudError, ErrorKind};

/// `backup_app.aws` as configured.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct AppAwsModel {
    /// The app's vault.
    pub(crate) vault_name: String,
    /// The KMS key encrypting the vault.
    pub(crate) kms_key_arn: Option<String>,
    /// Reserved for the app's own selections.
    #[allow(dead_code)]
    // Documented for the app's own selections; the app selects nothing yet.
    pub(crate) iam_role_arn: Option<String>,
    /// Vault Lock.
    pub(crate) vault_lock: Option<VaultLockModel>,
    /// Accounts the vault access policy lets copy in.
    pub(crate) allow_copy_from_accounts: Option<Vec<String>>,
    /// The logically air-gapped vault every rule copies to.
    #[serde(default)]
    pub(crate) air_gapped_vault: Option<AirGappedVaultModel>,
}

/// `backup_app.aws.air_gapped_vault`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct AirGappedVaultModel {
    /// The vault's name.
    pub(crate) name: String,
}

/// `backup_app.aws.vault_lock`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct VaultLockModel {
    /// Shortest retention the vault accepts.
    pub(crate) min_retention_days: Option<i64>,
    /// Longest retention the vault accepts.
    pub(crate) max_retention_days: Option<i64>,
    /// Days before the lock becomes immutable.
    pub(crate) changeable_for_days: Option<i64>,
}

impl AppAwsModel {
    /// The accounts of `allow_copy_from_accounts`, sorted and without duplicates.
    pub(crate) fn accounts(&self) -> Vec<String> {
        let mut accounts = self.allow_copy_from_accounts.clone().unwrap_or_default();
        accounts.sort();
        accounts.dedup();
        accounts
    }
}

/// `backup_app.azure` as configured (or stored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct AppAzureModel {
    /// The vault's resource group.
    pub(crate) resource_group: String,
    /// The vault's region.
    pub(crate) location: String,
    /// The vault's name.
    pub(crate) vault_name: String,
    /// `LocallyRedundant`, `GeoRedundant` or `ZoneRedundant`.
    pub(crate) storage_redundancy: Option<String>,
    /// Restores to the paired region.
    pub(crate) cross_region_restore: Option<bool>,
    /// `Enabled`, `Disabled` or `AlwaysON`.
    pub(crate) soft_delete: Option<String>,
    /// `Disabled`, `Unlocked` or `Locked`.
    pub(crate) immutability: Option<String>,
    /// Customer-managed key encryption.
    #[serde(default)]
    pub(crate) encryption: Option<AppEncryptionModel>,
    /// The Resource Guard associated with the vault.
    #[serde(default)]
    pub(crate) resource_guard_id: Option<String>,
}

/// `backup_app.azure.encryption`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct AppEncryptionModel {
    /// The Key Vault key's URI.
    pub(crate) key_uri: String,
    /// The user-assigned identity reading the key; `None`: the vault's system-assigned identity.
    #[serde(default)]
    pub(crate) user_assigned_identity_id: Option<String>,
}

impl AppAzureModel {
    /// The vault the block names.
    pub(crate) fn vault(&self) -> VaultRef {
        VaultRef::new(&self.resource_group, &self.vault_name)
    }

    /// The vault to create or update, tagged with the effective tags.
    pub(crate) fn vault_spec(&self, document: &PolicyDocument) -> Result<VaultSpec, CloudError> {
        let parse = |what: &str, e: UnknownEnumValue| {
            CloudError::new(
                ErrorKind::InvalidInput,
                "reading the azure block",
                what,
                e.to_string(),
            )
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
        spec.encryption = self.encryption.as_ref().map(|e| VaultEncryption {
            key_uri: e.key_uri.clone(),
            user_assigned_identity_id: e.user_assigned_identity_id.clone(),
        });
        // The app tag lets `terraform query` and an import by identity find the vault.
        spec.tags = crate::cloud::azure::with_app_tag(document.tags().clone(), document.app());
        Ok(spec)
    }
}
