//! Azure Recovery Services and App Service backups behind [`AzureBackend`]: settings and
//! credentials, the policy translation ([`translate`]: effective rules to an IaaS VM schedule and
//! retention), a Resource Manager client (`arm`, on the shared retry loop; `lro` for long-running
//! operations; `errors` for Azure's error codes), typed ARM bodies (`bodies`) and one file per
//! object (vault, policy, protected item, site backup).
//!
//! reqwest and JSON types stay inside this module; resources see plain Rust specs and states.
//!
//! # Wiring into the resources
//!
//! * ConfigureProvider: deserialize the `azure` block into [`AzureSettings`], then
//!   [`ArmBackend::from_settings`] (fills unset values from `ARM_*`) and keep it as
//!   `Arc<dyn AzureBackend>`; [`ArmBackend::authenticate`] fails early on a bad credential.
//! * Plan: ids are known without a call: [`AzureBackend::vault_id`], [`AzureBackend::policy_id`],
//!   [`AzureBackend::protected_item_id`]; the schedule is
//!   [`translate::translate_policy`] (its diagnostics are plan-time errors).
//! * `backup_app`: [`AzureBackend::ensure_vault`] then [`AzureBackend::ensure_policy`] (create and
//!   update alike); Read: `find_vault` / `find_policy` (`None`: gone; a `schedule` that differs
//!   from the translated one, or `None`, is drift); Delete: `delete_policy` then `delete_vault`.
//! * `backup_child`: a derived policy (`ensure_policy` in the ancestor's vault) when its schedule
//!   differs from the ancestor's, `protect_vm` per VM, `ensure_site_backup` with
//!   [`SiteBackupSchedule::from_policy`]; Delete: `stop_protection` (report
//!   [`StopProtectionOutcome::SoftDeleted`] as a warning), `delete_site_backup`, `delete_policy`.
//! * `backup_app` with `force_destroy` on a vault holding soft-deleted items:
//!   `disable_soft_delete`, then per item `undelete_protected_vm` and `stop_protection` (now a hard
//!   delete), before the policy and the vault.

mod arm;
mod auth;
mod backend;
mod backup_jobs;
mod bodies;
pub mod delete_lock;
mod errors;
#[cfg(test)]
mod fault_tests;
pub mod governance;
mod lro;
mod policy;
mod protected_item;
pub mod regions;
mod resource_groups;
pub mod resource_guard;
mod restore;
mod settings;
mod site_backup;
pub mod translate;
mod vault;
mod vault_drift;
mod vault_extensions;
mod vault_list;

use async_trait::async_trait;

pub use arm::{
    ArmClient, ArmOptions, ATTEMPT_TIMEOUT, BACKUP_API_VERSION, COMPUTE_API_VERSION,
    CONNECT_TIMEOUT, REQUEST_BUDGET, VAULTS_API_VERSION, WEB_API_VERSION,
};
pub use backend::{
    AzureBackend, AzureTags, FrequencyUnit, ImmutabilityState, PolicySpec, PolicyState,
    ProtectedVmSpec, ProtectedVmState, SiteBackupSchedule, SiteBackupSpec, SiteBackupState,
    SoftDeleteState, StopProtectionOutcome, StorageRedundancy, UnknownEnumValue, VaultEncryption,
    VaultRef, VaultSpec, VaultState, VmRestoreSpec,
};
pub use backup_jobs::{VmBackupJob, VmBackups, EXPIRY_PROPERTY};
pub use protected_item::VmItemNames;
pub use resource_groups::{ResourceGroupState, ResourceGroups, RESTORE_TEST_TAG};
pub use settings::{
    AzureSettings, CredentialKind, FederatedTokenSource, ResolvedAzureSettings, Secret,
    PUBLIC_AUTHORITY_HOST, PUBLIC_RESOURCE_MANAGER,
};
pub use vault_drift::WeakerSetting;
pub use vault_list::{with_app_tag, without_app_tag, APP_TAG};

use crate::cloud::error::CloudError;
use governance::{AlertRoutingSpec, DiagnosticSettingSpec, RoleAssignmentSpec};

/// [`AzureBackend`] on Azure Resource Manager.
#[derive(Debug)]
pub struct ArmBackend {
    arm: ArmClient,
}

impl ArmBackend {
    /// A backend for resolved settings; no request is made until the first call.
    pub fn new(
        settings: &ResolvedAzureSettings,
        options: ArmOptions,
    ) -> Result<ArmBackend, CloudError> {
        Ok(ArmBackend {
            arm: ArmClient::new(settings, options)?,
        })
    }

    /// The provider block (completed from the environment) to a backend.
    pub fn from_settings(
        settings: AzureSettings,
        options: ArmOptions,
    ) -> Result<ArmBackend, CloudError> {
        ArmBackend::new(&settings.with_process_env().resolve()?, options)
    }

    /// Checks the credential by fetching a token (ConfigureProvider can call this to fail early).
    pub async fn authenticate(&self) -> Result<(), CloudError> {
        self.arm.authenticate().await
    }
}

#[async_trait]
impl AzureBackend for ArmBackend {
    fn subscription_id(&self) -> &str {
        self.arm.subscription_id()
    }

    fn vm_backups(&self) -> Option<&dyn VmBackups> {
        Some(self)
    }

    fn resource_groups(&self) -> Option<&dyn ResourceGroups> {
        Some(self)
    }

    async fn vm_recovery_points(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<Vec<crate::cloud::restores::RecoveryPoint>, CloudError> {
        restore::recovery_points(&self.arm, vault, vm_id).await
    }

    async fn restore_vm(&self, spec: &VmRestoreSpec) -> Result<String, CloudError> {
        restore::restore_vm(&self.arm, spec).await
    }

    async fn backup_job(
        &self,
        vault: &VaultRef,
        job: &str,
    ) -> Result<crate::cloud::restores::RestoreJob, CloudError> {
        restore::job(&self.arm, vault, job).await
    }

    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError> {
        vault::ensure_vault(&self.arm, spec).await
    }

    async fn find_vault(&self, vault: &VaultRef) -> Result<Option<VaultState>, CloudError> {
        vault::find_vault(&self.arm, vault).await
    }

    async fn list_vaults(&self) -> Result<Vec<VaultState>, CloudError> {
        vault_list::list_vaults(&self.arm).await
    }

    async fn delete_vault(&self, vault: &VaultRef) -> Result<(), CloudError> {
        vault::delete_vault(&self.arm, vault).await
    }

    async fn disable_soft_delete(&self, vault: &VaultRef) -> Result<VaultState, CloudError> {
        vault::disable_soft_delete(&self.arm, vault).await
    }

    async fn ensure_policy(&self, spec: &PolicySpec) -> Result<PolicyState, CloudError> {
        policy::ensure_policy(&self.arm, spec).await
    }

    async fn find_policy(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<PolicyState>, CloudError> {
        policy::find_policy(&self.arm, vault, name).await
    }

    async fn delete_policy(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError> {
        policy::delete_policy(&self.arm, vault, name).await
    }

    async fn protect_vm(&self, spec: &ProtectedVmSpec) -> Result<ProtectedVmState, CloudError> {
        protected_item::protect_vm(&self.arm, spec).await
    }

    async fn find_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<Option<ProtectedVmState>, CloudError> {
        protected_item::find_protected_vm(&self.arm, vault, vm_id).await
    }

    async fn list_protected_vms(
        &self,
        vault: &VaultRef,
    ) -> Result<Vec<ProtectedVmState>, CloudError> {
        protected_item::list_protected_vms(&self.arm, vault).await
    }

    async fn undelete_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<ProtectedVmState, CloudError> {
        protected_item::undelete_protected_vm(&self.arm, vault, vm_id).await
    }

    async fn stop_protection(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<StopProtectionOutcome, CloudError> {
        protected_item::stop_protection(&self.arm, vault, vm_id).await
    }

    async fn ensure_site_backup(
        &self,
        spec: &SiteBackupSpec,
    ) -> Result<SiteBackupState, CloudError> {
        site_backup::ensure_site_backup(&self.arm, spec).await
    }

    async fn find_site_backup(&self, site_id: &str) -> Result<Option<SiteBackupState>, CloudError> {
        site_backup::find_site_backup(&self.arm, site_id).await
    }

    async fn delete_site_backup(&self, site_id: &str) -> Result<(), CloudError> {
        site_backup::delete_site_backup(&self.arm, site_id).await
    }

    async fn put_role_assignment(
        &self,
        scope: &str,
        spec: &RoleAssignmentSpec,
    ) -> Result<(), CloudError> {
        vault_extensions::put_role_assignment(&self.arm, scope, spec).await
    }

    async fn list_role_assignments(
        &self,
        scope: &str,
    ) -> Result<Vec<RoleAssignmentSpec>, CloudError> {
        vault_extensions::list_role_assignments(&self.arm, scope).await
    }

    async fn delete_role_assignment(&self, scope: &str, name: &str) -> Result<(), CloudError> {
        vault_extensions::delete_role_assignment(&self.arm, scope, name).await
    }

    async fn put_diagnostic_setting(
        &self,
        scope: &str,
        spec: &DiagnosticSettingSpec,
    ) -> Result<(), CloudError> {
        vault_extensions::put_diagnostic_setting(&self.arm, scope, spec).await
    }

    async fn find_diagnostic_setting(
        &self,
        scope: &str,
    ) -> Result<Option<DiagnosticSettingSpec>, CloudError> {
        vault_extensions::find_diagnostic_setting(&self.arm, scope).await
    }

    async fn delete_diagnostic_setting(&self, scope: &str) -> Result<(), CloudError> {
        vault_extensions::delete_diagnostic_setting(&self.arm, scope).await
    }

    async fn set_job_failure_alerts(&self, vault: &VaultRef, on: bool) -> Result<(), CloudError> {
        vault_extensions::set_job_failure_alerts(&self.arm, vault, on).await
    }

    async fn find_job_failure_alerts(&self, vault: &VaultRef) -> Result<Option<bool>, CloudError> {
        vault_extensions::find_job_failure_alerts(&self.arm, vault).await
    }

    async fn put_alert_routing(
        &self,
        vault: &VaultRef,
        spec: &AlertRoutingSpec,
    ) -> Result<(), CloudError> {
        vault_extensions::put_alert_routing(&self.arm, &vault.resource_group, spec).await
    }

    async fn find_alert_routing(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<AlertRoutingSpec>, CloudError> {
        vault_extensions::find_alert_routing(&self.arm, &vault.resource_group, name).await
    }

    async fn delete_alert_routing(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError> {
        vault_extensions::delete_alert_routing(&self.arm, &vault.resource_group, name).await
    }

    async fn put_delete_lock(&self, scope: &str) -> Result<(), CloudError> {
        delete_lock::put_delete_lock(&self.arm, scope).await
    }

    async fn find_delete_lock(&self, scope: &str) -> Result<Option<String>, CloudError> {
        delete_lock::find_delete_lock(&self.arm, scope).await
    }

    async fn delete_delete_lock(&self, scope: &str) -> Result<(), CloudError> {
        delete_lock::delete_delete_lock(&self.arm, scope).await
    }
}
