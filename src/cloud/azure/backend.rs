//! The Azure backend the resources speak: plain Rust specs in, plain Rust state out.
//!
//! No reqwest or JSON type crosses this boundary. Every `ensure_*` is create-or-update (ARM PUTs
//! are idempotent), every `find_*` answers `Ok(None)` for a missing object, and every `delete_*`
//! treats a missing object as success.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::cloud::azure::translate::AzureRetentionSchedule;
use async_trait::async_trait;

use super::governance::{AlertRoutingSpec, DiagnosticSettingSpec, RoleAssignmentSpec};
use super::settings::Secret;
use crate::cloud::error::{CloudError, ErrorKind};

/// Azure tags.
pub type AzureTags = BTreeMap<String, String>;

/// A string that is none of an ARM enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected one of {}, got {got:?}", expected.join(", "))]
pub struct UnknownEnumValue {
    /// The values the enum has, as ARM spells them.
    pub expected: &'static [&'static str],
    /// What was given.
    pub got: String,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the API's spelling.
            pub const ALL: &'static [&'static str] = &[$($text),+];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownEnumValue;
            /// Case-insensitive, as ARM compares enum values.
            fn from_str(s: &str) -> Result<Self, UnknownEnumValue> {
                $(if s.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                Err(UnknownEnumValue { expected: Self::ALL, got: s.to_owned() })
            }
        }
    };
}

string_enum!(
    /// `standardTierStorageRedundancy` of a vault.
    StorageRedundancy {
        /// LRS.
        LocallyRedundant = "LocallyRedundant",
        /// GRS.
        GeoRedundant = "GeoRedundant",
        /// ZRS.
        ZoneRedundant = "ZoneRedundant",
    }
);

string_enum!(
    /// `softDeleteState` of a vault. `AlwaysON` cannot be turned off again.
    SoftDeleteState {
        /// Soft delete on (can be turned off).
        Enabled = "Enabled",
        /// Soft delete off.
        Disabled = "Disabled",
        /// Soft delete on for good.
        AlwaysOn = "AlwaysON",
    }
);

string_enum!(
    /// `immutabilitySettings.state` of a vault. `Locked` cannot be undone.
    ImmutabilityState {
        /// Recovery points may be deleted before they expire.
        Disabled = "Disabled",
        /// Immutable, but the setting can still be changed.
        Unlocked = "Unlocked",
        /// Immutable for good.
        Locked = "Locked",
    }
);

string_enum!(
    /// `frequencyUnit` of an App Service backup schedule.
    FrequencyUnit {
        /// Every n days.
        Day = "Day",
        /// Every n hours.
        Hour = "Hour",
    }
);

/// A Recovery Services vault to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultSpec {
    /// The resource group (must exist).
    pub resource_group: String,
    /// The vault's name.
    pub name: String,
    /// The Azure region, e.g. `westeurope`.
    pub location: String,
    /// The SKU name: `Standard` (the only one for backup; ARM reports it as `RS0`).
    pub sku: String,
    /// Backup storage redundancy (`None`: Azure's default, GeoRedundant).
    pub storage_redundancy: Option<StorageRedundancy>,
    /// Cross-region restore (needs GeoRedundant storage).
    pub cross_region_restore: Option<bool>,
    /// Soft delete.
    pub soft_delete: Option<SoftDeleteState>,
    /// Days soft-deleted items are kept (14–180).
    pub soft_delete_retention_days: Option<i32>,
    /// Immutability.
    pub immutability: Option<ImmutabilityState>,
    /// Customer-managed key encryption (`None`: Azure's platform-managed keys).
    pub encryption: Option<VaultEncryption>,
    /// Tags.
    pub tags: AzureTags,
}

/// Customer-managed key encryption of a vault: once on, Azure does not turn it off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultEncryption {
    /// The Key Vault key's URI (`https://<vault>.vault.azure.net/keys/<name>[/<version>]`).
    pub key_uri: String,
    /// The user-assigned identity reading the key; `None`: the vault's system-assigned identity.
    pub user_assigned_identity_id: Option<String>,
}

impl VaultSpec {
    /// A spec with the defaults: SKU `Standard`, everything else Azure's default.
    pub fn new(resource_group: &str, name: &str, location: &str) -> VaultSpec {
        VaultSpec {
            resource_group: resource_group.into(),
            name: name.into(),
            location: location.into(),
            sku: "Standard".into(),
            storage_redundancy: None,
            cross_region_restore: None,
            soft_delete: None,
            soft_delete_retention_days: None,
            immutability: None,
            encryption: None,
            tags: AzureTags::new(),
        }
    }
}

/// A vault as Azure reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultState {
    /// The ARM id (`azure_vault_id`).
    pub id: String,
    /// The resource group.
    pub resource_group: String,
    /// The name.
    pub name: String,
    /// The region, as ARM normalises it (`westeurope`).
    pub location: String,
    /// The SKU name as ARM reports it (`RS0` for Standard).
    pub sku: String,
    /// Storage redundancy, when reported.
    pub storage_redundancy: Option<StorageRedundancy>,
    /// Cross-region restore, when reported.
    pub cross_region_restore: Option<bool>,
    /// Soft delete, when reported.
    pub soft_delete: Option<SoftDeleteState>,
    /// Soft-delete retention, when reported.
    pub soft_delete_retention_days: Option<i32>,
    /// Immutability, when reported.
    pub immutability: Option<ImmutabilityState>,
    /// Customer-managed key encryption, when reported.
    pub encryption: Option<VaultEncryption>,
    /// Tags.
    pub tags: AzureTags,
    /// `provisioningState`.
    pub provisioning_state: Option<String>,
}

/// Where a vault is: the parent of policies and protected items.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VaultRef {
    /// The vault's resource group.
    pub resource_group: String,
    /// The vault's name.
    pub name: String,
}

impl VaultRef {
    /// A vault reference.
    pub fn new(resource_group: &str, name: &str) -> VaultRef {
        VaultRef {
            resource_group: resource_group.into(),
            name: name.into(),
        }
    }

    /// Parses a vault id `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{name}`.
    pub fn from_id(id: &str) -> Result<VaultRef, CloudError> {
        let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            ["subscriptions", _, rg_key, rg, "providers", ns, vaults_key, name]
                if rg_key.eq_ignore_ascii_case("resourceGroups")
                    && ns.eq_ignore_ascii_case("Microsoft.RecoveryServices")
                    && vaults_key.eq_ignore_ascii_case("vaults") =>
            {
                Ok(VaultRef::new(rg, name))
            }
            _ => Err(CloudError::new(
                ErrorKind::InvalidInput,
                "parsing Recovery Services Vault id",
                id,
                "expected /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.RecoveryServices/vaults/{name}",
            )),
        }
    }
}

/// An IaaS VM backup policy to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    /// The vault holding the policy.
    pub vault: VaultRef,
    /// The policy's name.
    pub name: String,
    /// Schedule and retention, from `crate::cloud::azure::translate::translate_policy`.
    pub schedule: AzureRetentionSchedule,
    /// Days instant-restore snapshots are kept (1–5 for daily schedules); `None`: Azure's default.
    pub instant_rp_retention_days: Option<i32>,
}

/// A policy as Azure reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyState {
    /// The ARM id (`azure_policy_id`).
    pub id: String,
    /// The name.
    pub name: String,
    /// Schedule and retention read back; `None` when the policy has a shape this provider does
    /// not write (e.g. an hourly Enhanced policy changed out of band): that is drift.
    pub schedule: Option<AzureRetentionSchedule>,
    /// The policy's time zone (`UTC` when written by this provider).
    pub time_zone: Option<String>,
    /// Instant-restore snapshot retention, when reported.
    pub instant_rp_retention_days: Option<i32>,
    /// How many items the policy protects.
    pub protected_items_count: i64,
}

/// A virtual machine to protect with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedVmSpec {
    /// The vault (in the same region as the VM).
    pub vault: VaultRef,
    /// The VM's ARM id.
    pub vm_id: String,
    /// The policy's ARM id.
    pub policy_id: String,
}

/// A protected VM as Azure reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedVmState {
    /// The protected item's ARM id (one of `azure_protected_item_ids`).
    pub id: String,
    /// The VM's ARM id (`sourceResourceId`).
    pub vm_id: String,
    /// The policy's ARM id; `None` once protection stopped.
    pub policy_id: Option<String>,
    /// `protectionState`, e.g. `IRPending`, `Protected`, `ProtectionStopped`.
    pub protection_state: Option<String>,
    /// True when the item is soft-deleted (`isScheduledForDeferredDelete`): protection stopped, its
    /// recovery points are kept until `purge_at`, and the item still exists. Reported, never hidden.
    pub soft_deleted: bool,
    /// When a soft-deleted item is purged (`deferredDeleteTimeInUTC`).
    pub purge_at: Option<String>,
}

/// What stopping protection left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopProtectionOutcome {
    /// The item is gone (or was never there).
    Removed,
    /// The vault's soft delete kept the item and its recovery points until they are purged.
    SoftDeleted(ProtectedVmState),
}

/// The backup configuration of an App Service app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBackupSpec {
    /// The app's ARM id (`/subscriptions/…/resourceGroups/…/providers/Microsoft.Web/sites/{name}`).
    pub site_id: String,
    /// The container SAS URL backups are written to. Write-only: sent, never logged, never read back.
    pub storage_account_url: Secret,
    /// Schedule and retention.
    pub schedule: SiteBackupSchedule,
    /// Whether scheduled backups run.
    pub enabled: bool,
}

/// An App Service backup schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBackupSchedule {
    /// Every how many units a backup runs.
    pub frequency_interval: i32,
    /// Days or hours.
    pub frequency_unit: FrequencyUnit,
    /// Days a backup is kept.
    pub retention_period_in_days: i32,
    /// Keep the newest backup even when it is older than the retention.
    pub keep_at_least_one_backup: bool,
    /// When the schedule starts (RFC 3339), which sets the time of day.
    pub start_time: Option<String>,
}

impl SiteBackupSchedule {
    /// The schedule an app's effective policy implies: daily (or every 7 days for a weekly
    /// schedule) at the policy's time of day, kept as long as the policy's longest tier so no
    /// backup is deleted before the policy says (weeks count 7 days, months 31, years 366).
    pub fn from_policy(policy: &AzureRetentionSchedule) -> SiteBackupSchedule {
        use crate::cloud::azure::translate::{DurationType, ScheduleRunFrequency};
        let days = |d: &crate::cloud::azure::translate::RetentionDuration| {
            let unit = match d.duration_type {
                DurationType::Days => 1,
                DurationType::Weeks => 7,
                DurationType::Months => 31,
                DurationType::Years => 366,
            };
            d.count.saturating_mul(unit)
        };
        let r = &policy.retention;
        let longest = [
            r.daily.as_ref().map(|t| days(&t.duration)),
            r.weekly.as_ref().map(|t| days(&t.duration)),
            r.monthly.as_ref().map(|t| days(&t.duration)),
            r.yearly.as_ref().map(|t| days(&t.duration)),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(30);
        let interval = match policy.schedule.frequency {
            ScheduleRunFrequency::Daily => 1,
            ScheduleRunFrequency::Weekly => 7,
        };
        SiteBackupSchedule {
            frequency_interval: interval,
            frequency_unit: FrequencyUnit::Day,
            retention_period_in_days: i32::try_from(longest).unwrap_or(i32::MAX),
            keep_at_least_one_backup: true,
            start_time: Some(policy.schedule.run_time.to_azure()),
        }
    }
}

/// An App Service backup configuration as Azure reports it (without the storage URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBackupState {
    /// The app's ARM id.
    pub site_id: String,
    /// The configuration's ARM id (`{site_id}/config/backup`).
    pub id: String,
    /// Whether scheduled backups run.
    pub enabled: bool,
    /// The schedule, when one is set.
    pub schedule: Option<SiteBackupSchedule>,
}

/// Everything the resources do in Azure (with the regions and Resource Guard reads and writes of
/// its supertraits).
#[async_trait]
pub trait AzureBackend:
    super::regions::AzureRegions + super::resource_guard::AzureResourceGuards + Send + Sync
{
    /// The subscription this backend works in.
    fn subscription_id(&self) -> &str;

    /// The ARM id a vault has (known at plan time).
    fn vault_id(&self, vault: &VaultRef) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
            self.subscription_id(),
            vault.resource_group,
            vault.name
        )
    }

    /// The ARM id a policy has (known at plan time).
    fn policy_id(&self, vault: &VaultRef, name: &str) -> String {
        format!("{}/backupPolicies/{name}", self.vault_id(vault))
    }

    /// The ARM id the protected item of a VM has (known at plan time).
    fn protected_item_id(&self, vault: &VaultRef, vm_id: &str) -> Result<String, CloudError> {
        let names = super::protected_item::VmItemNames::from_vm_id(vm_id)?;
        Ok(format!(
            "{}/backupFabrics/Azure/protectionContainers/{}/protectedItems/{}",
            self.vault_id(vault),
            names.container,
            names.item
        ))
    }

    /// Creates or updates a vault (and waits for it).
    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError>;
    /// Reads a vault; `None` when it does not exist.
    async fn find_vault(&self, vault: &VaultRef) -> Result<Option<VaultState>, CloudError>;
    /// Every vault of the subscription (`Vaults_ListBySubscriptionId`).
    async fn list_vaults(&self) -> Result<Vec<VaultState>, CloudError>;
    /// Deletes a vault; Azure refuses while it still protects (or soft-deleted) items.
    async fn delete_vault(&self, vault: &VaultRef) -> Result<(), CloudError>;
    /// Turns the vault's soft delete off (`Vaults_Update`), so deleting an item deletes it for
    /// good. Azure refuses for `AlwaysON`.
    async fn disable_soft_delete(&self, vault: &VaultRef) -> Result<VaultState, CloudError>;

    /// Creates or updates an IaaS VM policy in place.
    async fn ensure_policy(&self, spec: &PolicySpec) -> Result<PolicyState, CloudError>;
    /// Reads a policy; `None` when it does not exist.
    async fn find_policy(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<PolicyState>, CloudError>;
    /// Deletes a policy (Azure refuses while it protects items).
    async fn delete_policy(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError>;

    /// Protects a VM with a policy, or moves it to another policy.
    async fn protect_vm(&self, spec: &ProtectedVmSpec) -> Result<ProtectedVmState, CloudError>;
    /// Reads a VM's protected item, soft-deleted ones included; `None` when there is none.
    async fn find_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<Option<ProtectedVmState>, CloudError>;
    /// Every IaaS VM item of a vault, soft-deleted ones included.
    async fn list_protected_vms(
        &self,
        vault: &VaultRef,
    ) -> Result<Vec<ProtectedVmState>, CloudError>;
    /// Undeletes a soft-deleted item (`isRehydrate`): it is kept, with protection stopped.
    async fn undelete_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<ProtectedVmState, CloudError>;
    /// Stops protection and deletes the backup data, as far as the vault's soft delete allows.
    async fn stop_protection(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<StopProtectionOutcome, CloudError>;

    /// Sets an app's backup configuration.
    async fn ensure_site_backup(
        &self,
        spec: &SiteBackupSpec,
    ) -> Result<SiteBackupState, CloudError>;
    /// Reads an app's backup configuration; `None` when it has none.
    async fn find_site_backup(&self, site_id: &str) -> Result<Option<SiteBackupState>, CloudError>;
    /// Removes an app's backup configuration.
    async fn delete_site_backup(&self, site_id: &str) -> Result<(), CloudError>;

    /// Creates (or confirms) a role assignment at `scope` under its deterministic name.
    async fn put_role_assignment(
        &self,
        scope: &str,
        spec: &RoleAssignmentSpec,
    ) -> Result<(), CloudError>;
    /// Every role assignment made at `scope` itself (inherited ones left out), sorted.
    async fn list_role_assignments(
        &self,
        scope: &str,
    ) -> Result<Vec<RoleAssignmentSpec>, CloudError>;
    /// Deletes a role assignment at `scope`; one already gone counts as done.
    async fn delete_role_assignment(&self, scope: &str, name: &str) -> Result<(), CloudError>;
    /// Sets the provider's diagnostic setting on `scope`.
    async fn put_diagnostic_setting(
        &self,
        scope: &str,
        spec: &DiagnosticSettingSpec,
    ) -> Result<(), CloudError>;
    /// The provider's diagnostic setting on `scope`, `None` when there is none.
    async fn find_diagnostic_setting(
        &self,
        scope: &str,
    ) -> Result<Option<DiagnosticSettingSpec>, CloudError>;
    /// Deletes the provider's diagnostic setting on `scope`; none left counts as done.
    async fn delete_diagnostic_setting(&self, scope: &str) -> Result<(), CloudError>;
    /// Turns the vault's Azure Monitor alerts for every job failure on or off.
    async fn set_job_failure_alerts(&self, vault: &VaultRef, on: bool) -> Result<(), CloudError>;
    /// Whether the vault's alerts for every job failure are on (`None`: vault gone or unsaid).
    async fn find_job_failure_alerts(&self, vault: &VaultRef) -> Result<Option<bool>, CloudError>;
    /// Creates or updates the alert processing rule routing a vault's alerts to an action group,
    /// in the vault's resource group.
    async fn put_alert_routing(
        &self,
        vault: &VaultRef,
        spec: &AlertRoutingSpec,
    ) -> Result<(), CloudError>;
    /// The alert processing rule `name` in the vault's resource group, `None` when there is none.
    async fn find_alert_routing(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<AlertRoutingSpec>, CloudError>;
    /// Deletes the alert processing rule `name` in the vault's resource group; gone is done.
    async fn delete_alert_routing(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError>;
    /// Creates or repairs the provider's `CanNotDelete` management lock on `scope` (a vault id).
    async fn put_delete_lock(&self, scope: &str) -> Result<(), CloudError>;
    /// The level of the provider's management lock on `scope`, `None` when there is none.
    async fn find_delete_lock(&self, scope: &str) -> Result<Option<String>, CloudError>;
    /// Deletes the provider's management lock on `scope`; gone is done.
    async fn delete_delete_lock(&self, scope: &str) -> Result<(), CloudError>;

    /// The recovery points of the protected VM `vm_id` (`RecoveryPoints_List`).
    async fn vm_recovery_points(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<Vec<crate::cloud::restores::RecoveryPoint>, CloudError> {
        let _ = vault;
        Err(restore_unsupported(vm_id))
    }

    /// Restores a VM's recovery point (`Restores_Trigger`, followed until the job starts); the
    /// name of the job doing the restore.
    async fn restore_vm(&self, spec: &VmRestoreSpec) -> Result<String, CloudError> {
        Err(restore_unsupported(&spec.vm_id))
    }

    /// On-demand VM backups, when this backend can trigger them (the fakes cannot).
    fn vm_backups(&self) -> Option<&dyn super::VmBackups> {
        None
    }

    /// Resource groups, when this backend can manage them (the fakes cannot).
    fn resource_groups(&self) -> Option<&dyn super::ResourceGroups> {
        None
    }

    /// A backup job of the vault (`JobDetails_Get`).
    async fn backup_job(
        &self,
        vault: &VaultRef,
        job: &str,
    ) -> Result<crate::cloud::restores::RestoreJob, CloudError> {
        let _ = vault;
        Err(restore_unsupported(job))
    }
}

/// A restore of a VM's recovery point into a scratch resource group (`IaasVMRestoreRequest`,
/// `RestoreDisks`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmRestoreSpec {
    /// The vault holding the recovery point.
    pub vault: VaultRef,
    /// The protected VM.
    pub vm_id: String,
    /// The recovery point's name.
    pub recovery_point: String,
    /// The scratch resource group the disks are restored into.
    pub target_resource_group_id: String,
    /// The storage account that stages the restore (and keeps the VM configuration).
    pub storage_account_id: String,
    /// The region of the vault and VM.
    pub region: String,
}

/// The error of a backend that cannot restore (the fakes).
fn restore_unsupported(name: &str) -> CloudError {
    CloudError::new(
        ErrorKind::Other,
        "restoring",
        name,
        "this backend does not restore virtual machines",
    )
}
