//! `ProtectedItemResource` with `AzureIaaSComputeVMProtectedItem` properties (`bms.json`).

use serde::{Deserialize, Serialize};

/// A protected item: the PUT body and the answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ProtectedItem {
    /// The ARM id (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) id: Option<String>,
    /// The item's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) properties: Option<ProtectedItemProperties>,
}

/// `AzureIaaSComputeVMProtectedItem`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProtectedItemProperties {
    /// `Microsoft.Compute/virtualMachines` (the discriminator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) protected_item_type: Option<String>,
    /// The VM's ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) source_resource_id: Option<String>,
    /// The policy's ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) policy_id: Option<String>,
    /// Undelete a soft-deleted item (moves it "into Pause state").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) is_rehydrate: Option<bool>,
    /// The VM's ARM id, in older answers (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) virtual_machine_id: Option<String>,
    /// `IRPending`, `Protected`, `ProtectionStopped`, ... (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) protection_state: Option<String>,
    /// The item is soft-deleted (answers only).
    #[serde(default, skip_serializing)]
    pub(crate) is_scheduled_for_deferred_delete: Option<bool>,
    /// When a soft-deleted item is purged (answers only).
    #[serde(default, skip_serializing, rename = "deferredDeleteTimeInUTC")]
    pub(crate) deferred_delete_time_in_utc: Option<String>,
}

/// `ProtectedItemResourceList`: one page of `BackupProtectedItems_List`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProtectedItemList {
    /// The items.
    #[serde(default)]
    pub(crate) value: Vec<ProtectedItem>,
    /// The next page, if any.
    #[serde(default)]
    pub(crate) next_link: Option<String>,
}
