//! An in-memory Azure subscription: Recovery Services vaults, policies, protected VMs and App
//! Service backups.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use super::{not_found, Calls};
use crate::cloud::azure::governance::{
    AlertRoutingSpec, DiagnosticSettingSpec, RoleAssignmentSpec,
};
use crate::cloud::azure::{
    AzureBackend, PolicySpec, PolicyState, ProtectedVmSpec, ProtectedVmState, SiteBackupSpec,
    SiteBackupState, SoftDeleteState, StopProtectionOutcome, VaultRef, VaultSpec, VaultState,
};
use crate::cloud::CloudError;

/// What the fake subscription holds.
#[derive(Debug, Default)]
pub(crate) struct AzureWorld {
    /// Vaults.
    pub(crate) vaults: BTreeMap<VaultRef, VaultState>,
    /// Policies by vault and name.
    pub(crate) policies: BTreeMap<(VaultRef, String), PolicyState>,
    /// Protected VMs by vault and VM id.
    pub(crate) vms: BTreeMap<(VaultRef, String), ProtectedVmState>,
    /// App Service backup configurations by site id.
    pub(crate) sites: BTreeMap<String, SiteBackupState>,
    /// Role assignments by scope (lower case) and name.
    pub(crate) role_assignments: BTreeMap<(String, String), RoleAssignmentSpec>,
    /// The provider's diagnostic settings by scope (lower case).
    pub(crate) diagnostic_settings: BTreeMap<String, DiagnosticSettingSpec>,
    /// Job-failure alerts by vault.
    pub(crate) job_failure_alerts: BTreeMap<VaultRef, bool>,
    /// Alert processing rules by resource group and name.
    pub(crate) alert_routing: BTreeMap<(String, String), AlertRoutingSpec>,
    /// Management lock levels by scope (lower case).
    pub(crate) delete_locks: BTreeMap<String, String>,
    /// Regions of App Services by site id (lower case): the sites that exist.
    pub(crate) site_locations: BTreeMap<String, String>,
    /// Resource Guard associations by vault.
    pub(crate) resource_guards: BTreeMap<VaultRef, String>,
    /// The subscription's storage accounts.
    pub(crate) storage_accounts: Vec<crate::cloud::azure::regions::StorageAccountLocation>,
    /// The calls made.
    pub(crate) calls: Calls,
}

/// Azure in one subscription, in memory.
#[derive(Debug)]
pub(crate) struct FakeAzure {
    subscription_id: String,
    world: Mutex<AzureWorld>,
}

impl FakeAzure {
    /// An empty subscription.
    pub(crate) fn new(subscription_id: &str) -> Arc<FakeAzure> {
        Arc::new(FakeAzure {
            subscription_id: subscription_id.into(),
            world: Mutex::new(AzureWorld::default()),
        })
    }

    /// The subscription's objects and call log.
    pub(crate) fn world(&self) -> MutexGuard<'_, AzureWorld> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl AzureBackend for FakeAzure {
    fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError> {
        let vault_ref = VaultRef::new(&spec.resource_group, &spec.name);
        let id = self.vault_id(&vault_ref);
        let mut world = self.world();
        world.calls.record("ensure_vault", &spec.name)?;
        let vault = VaultState {
            id,
            resource_group: spec.resource_group.clone(),
            name: spec.name.clone(),
            location: spec.location.clone(),
            sku: "RS0".into(),
            storage_redundancy: spec.storage_redundancy,
            cross_region_restore: spec.cross_region_restore,
            soft_delete: spec.soft_delete,
            soft_delete_retention_days: spec.soft_delete_retention_days,
            immutability: spec.immutability,
            encryption: spec.encryption.clone(),
            tags: spec.tags.clone(),
            provisioning_state: Some("Succeeded".into()),
        };
        world.vaults.insert(vault_ref, vault.clone());
        Ok(vault)
    }

    async fn find_vault(&self, vault: &VaultRef) -> Result<Option<VaultState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault", &vault.name)?;
        Ok(world.vaults.get(vault).cloned())
    }

    async fn list_vaults(&self) -> Result<Vec<VaultState>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_vaults", "")?;
        Ok(world.vaults.values().cloned().collect())
    }

    async fn delete_vault(&self, vault: &VaultRef) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_vault", &vault.name)?;
        world.vaults.remove(vault);
        Ok(())
    }

    async fn disable_soft_delete(&self, vault: &VaultRef) -> Result<VaultState, CloudError> {
        let mut world = self.world();
        world.calls.record("disable_soft_delete", &vault.name)?;
        let state = world
            .vaults
            .get_mut(vault)
            .ok_or_else(|| not_found("updating Recovery Services Vault", &vault.name))?;
        state.soft_delete = Some(SoftDeleteState::Disabled);
        Ok(state.clone())
    }

    async fn ensure_policy(&self, spec: &PolicySpec) -> Result<PolicyState, CloudError> {
        let id = self.policy_id(&spec.vault, &spec.name);
        let mut world = self.world();
        world.calls.record("ensure_policy", &spec.name)?;
        let policy = PolicyState {
            id,
            name: spec.name.clone(),
            schedule: Some(spec.schedule.clone()),
            time_zone: Some("UTC".into()),
            instant_rp_retention_days: spec.instant_rp_retention_days,
            protected_items_count: 0,
        };
        world
            .policies
            .insert((spec.vault.clone(), spec.name.clone()), policy.clone());
        Ok(policy)
    }

    async fn find_policy(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<PolicyState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_policy", name)?;
        Ok(world
            .policies
            .get(&(vault.clone(), name.to_string()))
            .cloned())
    }

    async fn delete_policy(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_policy", name)?;
        world.policies.remove(&(vault.clone(), name.to_string()));
        Ok(())
    }

    async fn protect_vm(&self, spec: &ProtectedVmSpec) -> Result<ProtectedVmState, CloudError> {
        let id = self.protected_item_id(&spec.vault, &spec.vm_id)?;
        let mut world = self.world();
        world.calls.record("protect_vm", &spec.vm_id)?;
        let item = ProtectedVmState {
            id,
            vm_id: spec.vm_id.clone(),
            policy_id: Some(spec.policy_id.clone()),
            protection_state: Some("Protected".into()),
            soft_deleted: false,
            purge_at: None,
        };
        world
            .vms
            .insert((spec.vault.clone(), spec.vm_id.clone()), item.clone());
        Ok(item)
    }

    async fn find_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<Option<ProtectedVmState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_protected_vm", vm_id)?;
        Ok(world.vms.get(&(vault.clone(), vm_id.to_string())).cloned())
    }

    async fn list_protected_vms(
        &self,
        vault: &VaultRef,
    ) -> Result<Vec<ProtectedVmState>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_protected_vms", &vault.name)?;
        Ok(world
            .vms
            .iter()
            .filter(|((v, _), _)| v == vault)
            .map(|(_, item)| item.clone())
            .collect())
    }

    async fn undelete_protected_vm(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<ProtectedVmState, CloudError> {
        let mut world = self.world();
        world.calls.record("undelete_protected_vm", vm_id)?;
        let item = world
            .vms
            .get_mut(&(vault.clone(), vm_id.to_string()))
            .ok_or_else(|| not_found("undeleting Protected Item", vm_id))?;
        item.soft_deleted = false;
        item.purge_at = None;
        Ok(item.clone())
    }

    async fn stop_protection(
        &self,
        vault: &VaultRef,
        vm_id: &str,
    ) -> Result<StopProtectionOutcome, CloudError> {
        let mut world = self.world();
        world.calls.record("stop_protection", vm_id)?;
        world.vms.remove(&(vault.clone(), vm_id.to_string()));
        Ok(StopProtectionOutcome::Removed)
    }

    async fn ensure_site_backup(
        &self,
        spec: &SiteBackupSpec,
    ) -> Result<SiteBackupState, CloudError> {
        let mut world = self.world();
        world.calls.record("ensure_site_backup", &spec.site_id)?;
        let state = SiteBackupState {
            site_id: spec.site_id.clone(),
            id: format!("{}/config/backup", spec.site_id),
            enabled: spec.enabled,
            schedule: Some(spec.schedule.clone()),
        };
        world.sites.insert(spec.site_id.clone(), state.clone());
        Ok(state)
    }

    async fn find_site_backup(&self, site_id: &str) -> Result<Option<SiteBackupState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_site_backup", site_id)?;
        Ok(world.sites.get(site_id).cloned())
    }

    async fn delete_site_backup(&self, site_id: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_site_backup", site_id)?;
        world.sites.remove(site_id);
        Ok(())
    }

    async fn put_role_assignment(
        &self,
        scope: &str,
        spec: &RoleAssignmentSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_role_assignment", &spec.name)?;
        world.role_assignments.insert(
            (scope.to_ascii_lowercase(), spec.name.clone()),
            spec.clone(),
        );
        Ok(())
    }

    async fn list_role_assignments(
        &self,
        scope: &str,
    ) -> Result<Vec<RoleAssignmentSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_role_assignments", scope)?;
        let scope = scope.to_ascii_lowercase();
        Ok(world
            .role_assignments
            .iter()
            .filter(|((s, _), _)| *s == scope)
            .map(|(_, a)| a.clone())
            .collect())
    }

    async fn delete_role_assignment(&self, scope: &str, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_role_assignment", name)?;
        world
            .role_assignments
            .remove(&(scope.to_ascii_lowercase(), name.to_string()));
        Ok(())
    }

    async fn put_diagnostic_setting(
        &self,
        scope: &str,
        spec: &DiagnosticSettingSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_diagnostic_setting", scope)?;
        world
            .diagnostic_settings
            .insert(scope.to_ascii_lowercase(), spec.clone());
        Ok(())
    }

    async fn find_diagnostic_setting(
        &self,
        scope: &str,
    ) -> Result<Option<DiagnosticSettingSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_diagnostic_setting", scope)?;
        Ok(world
            .diagnostic_settings
            .get(&scope.to_ascii_lowercase())
            .cloned())
    }

    async fn delete_diagnostic_setting(&self, scope: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_diagnostic_setting", scope)?;
        world
            .diagnostic_settings
            .remove(&scope.to_ascii_lowercase());
        Ok(())
    }

    async fn set_job_failure_alerts(&self, vault: &VaultRef, on: bool) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("set_job_failure_alerts", &vault.name)?;
        world.job_failure_alerts.insert(vault.clone(), on);
        Ok(())
    }

    async fn find_job_failure_alerts(&self, vault: &VaultRef) -> Result<Option<bool>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_job_failure_alerts", &vault.name)?;
        Ok(world.job_failure_alerts.get(vault).copied())
    }

    async fn put_alert_routing(
        &self,
        vault: &VaultRef,
        spec: &AlertRoutingSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_alert_routing", &spec.name)?;
        world.alert_routing.insert(
            (vault.resource_group.clone(), spec.name.clone()),
            spec.clone(),
        );
        Ok(())
    }

    async fn find_alert_routing(
        &self,
        vault: &VaultRef,
        name: &str,
    ) -> Result<Option<AlertRoutingSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_alert_routing", name)?;
        Ok(world
            .alert_routing
            .get(&(vault.resource_group.clone(), name.to_string()))
            .cloned())
    }

    async fn delete_alert_routing(&self, vault: &VaultRef, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_alert_routing", name)?;
        world
            .alert_routing
            .remove(&(vault.resource_group.clone(), name.to_string()));
        Ok(())
    }

    async fn put_delete_lock(&self, scope: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_delete_lock", scope)?;
        world
            .delete_locks
            .insert(scope.to_lowercase(), "CanNotDelete".into());
        Ok(())
    }

    async fn find_delete_lock(&self, scope: &str) -> Result<Option<String>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_delete_lock", scope)?;
        Ok(world.delete_locks.get(&scope.to_lowercase()).cloned())
    }

    async fn delete_delete_lock(&self, scope: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_delete_lock", scope)?;
        world.delete_locks.remove(&scope.to_lowercase());
        Ok(())
    }
}
