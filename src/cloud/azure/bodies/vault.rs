//! `Vault` (`Microsoft.RecoveryServices/vaults`, `vaults.json`).

use serde::{Deserialize, Serialize};

use crate::cloud::azure::backend::AzureTags;

/// A vault: the PUT and PATCH bodies and the answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Vault {
    /// The ARM id (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) id: Option<String>,
    /// The name (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) name: Option<String>,
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) location: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tags: Option<AzureTags>,
    /// The SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sku: Option<Sku>,
    /// `VaultProperties`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) properties: Option<VaultProperties>,
    /// `IdentityData`: the identity that reads a customer-managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) identity: Option<super::vault_encryption::IdentityData>,
}

/// `Sku`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Sku {
    /// `Standard` (ARM reports `RS0`).
    #[serde(default)]
    pub(crate) name: Option<String>,
}

/// `VaultProperties`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VaultProperties {
    /// Storage redundancy and cross-region restore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) redundancy_settings: Option<RedundancySettings>,
    /// Soft delete and immutability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) security_settings: Option<SecuritySettings>,
    /// Customer-managed key encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) encryption: Option<super::vault_encryption::Encryption>,
    /// `provisioningState` (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) provisioning_state: Option<String>,
}

/// `VaultPropertiesRedundancySettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RedundancySettings {
    /// `LocallyRedundant`, `GeoRedundant` or `ZoneRedundant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) standard_tier_storage_redundancy: Option<String>,
    /// `Enabled` or `Disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cross_region_restore: Option<String>,
}

/// `SecuritySettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecuritySettings {
    /// Soft delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) soft_delete_settings: Option<SoftDeleteSettings>,
    /// Immutability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) immutability_settings: Option<ImmutabilitySettings>,
}

/// `SoftDeleteSettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SoftDeleteSettings {
    /// `Enabled`, `Disabled` or `AlwaysON`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) soft_delete_state: Option<String>,
    /// Days soft-deleted items are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) soft_delete_retention_period_in_days: Option<i64>,
}

/// `ImmutabilitySettings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ImmutabilitySettings {
    /// `Disabled`, `Unlocked` or `Locked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
}
