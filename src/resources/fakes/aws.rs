//! An in-memory AWS Backup account and region.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;

use super::{not_found, Calls};
use crate::cloud::aws::{without_provider_tags, KIND_TAG};
use crate::cloud::PlanSummary;
use crate::cloud::{
    BackupBackend, CloudError, ErrorKind, Plan, PlanSpec, PlanState, RuleSpec, Selection,
    SelectionSpec, VaultAccessSpec, VaultLockSpec, VaultLockState, VaultNotificationSpec,
    VaultSpec, VaultState,
};

/// What the fake account holds.
#[derive(Debug, Default)]
pub(crate) struct AwsWorld {
    /// Vaults by name.
    pub(crate) vaults: BTreeMap<String, VaultState>,
    /// Vault access policies (accounts allowed to copy in) by vault name.
    pub(crate) access: BTreeMap<String, Vec<String>>,
    /// The access statements of vault access policies (besides the copy statement) by vault name.
    pub(crate) access_statements: BTreeMap<String, VaultAccessSpec>,
    /// Vault notifications by vault name.
    pub(crate) notifications: BTreeMap<String, VaultNotificationSpec>,
    /// Plans by id.
    pub(crate) plans: BTreeMap<String, Plan>,
    /// Selections by (plan id, selection id).
    pub(crate) selections: BTreeMap<(String, String), Selection>,
    /// Restore testing plans by name.
    pub(crate) rt_plans: BTreeMap<String, crate::cloud::RestoreTestingPlanSpec>,
    /// Restore testing selections by (plan name, selection name).
    pub(crate) rt_selections: BTreeMap<(String, String), crate::cloud::RestoreTestingSelectionSpec>,
    /// Audit frameworks (ARN, content) by name.
    pub(crate) frameworks: BTreeMap<String, (String, crate::cloud::FrameworkSpec)>,
    /// Audit report plans by name.
    pub(crate) report_plans: BTreeMap<String, crate::cloud::ReportPlanSpec>,
    /// Logically air-gapped vaults by name.
    pub(crate) air_gapped_vaults: BTreeMap<String, crate::cloud::AirGappedVaultState>,
    /// The calls made.
    pub(crate) calls: Calls,
    next_id: u32,
}

impl AwsWorld {
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{}", self.next_id)
    }
}

/// AWS Backup in one account and region, in memory.
#[derive(Debug)]
pub(crate) struct FakeAws {
    account_id: String,
    region: String,
    world: Mutex<AwsWorld>,
}

impl FakeAws {
    /// An empty account `account_id` in `region`.
    pub(crate) fn new(account_id: &str, region: &str) -> Arc<FakeAws> {
        Arc::new(FakeAws {
            account_id: account_id.into(),
            region: region.into(),
            world: Mutex::new(AwsWorld::default()),
        })
    }

    /// The account's objects and call log.
    pub(crate) fn world(&self) -> MutexGuard<'_, AwsWorld> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A vault as the finders return it: without the provider's own tags, as on AWS.
fn read_vault(vault: &VaultState) -> VaultState {
    VaultState {
        tags: without_provider_tags(vault.tags.clone()),
        ..vault.clone()
    }
}

/// A plan as the finders return it: without the provider's own tags, as on AWS.
fn read_plan(plan: &Plan) -> Plan {
    let mut plan = plan.clone();
    plan.spec.tags = without_provider_tags(std::mem::take(&mut plan.spec.tags));
    plan
}

#[async_trait]
impl BackupBackend for FakeAws {
    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn partition(&self) -> &str {
        "aws"
    }

    fn for_app(self: Arc<Self>, _app: &str) -> Arc<dyn BackupBackend> {
        self
    }

    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError> {
        let arn = self.vault_arn(&spec.name);
        let mut world = self.world();
        world.calls.record("ensure_vault", &spec.name)?;
        let vault = world
            .vaults
            .entry(spec.name.clone())
            .or_insert_with(|| VaultState {
                name: spec.name.clone(),
                arn,
                kms_key_arn: spec.kms_key_arn.clone(),
                tags: Default::default(),
                recovery_points: 0,
                lock: None,
            });
        vault.tags = spec.tags.clone();
        Ok(read_vault(vault))
    }

    async fn find_vault_by_name(&self, name: &str) -> Result<Option<VaultState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault_by_name", name)?;
        Ok(world.vaults.get(name).map(read_vault))
    }

    async fn delete_vault(&self, name: &str, force: bool) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_vault", name)?;
        if world
            .vaults
            .get(name)
            .is_some_and(|v| v.recovery_points > 0 && !force)
        {
            return Err(CloudError::new(
                ErrorKind::InvalidState,
                "deleting Backup Vault",
                name,
                "the vault holds recovery points",
            ));
        }
        world.vaults.remove(name);
        world.access.remove(name);
        world.access_statements.remove(name);
        world.notifications.remove(name);
        Ok(())
    }

    async fn put_vault_lock(&self, name: &str, lock: &VaultLockSpec) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_vault_lock", name)?;
        let vault = world
            .vaults
            .get_mut(name)
            .ok_or_else(|| not_found("putting Backup Vault Lock", name))?;
        vault.lock = Some(VaultLockState {
            min_retention_days: lock.min_retention_days,
            max_retention_days: lock.max_retention_days,
            lock_date: None,
        });
        Ok(())
    }

    async fn delete_vault_lock(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_vault_lock", name)?;
        if let Some(vault) = world.vaults.get_mut(name) {
            vault.lock = None;
        }
        Ok(())
    }

    async fn put_vault_access_policy(
        &self,
        name: &str,
        allow_copy_from_accounts: &[String],
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_vault_access_policy", name)?;
        let mut accounts = allow_copy_from_accounts.to_vec();
        accounts.sort();
        world.access.insert(name.to_string(), accounts);
        // The copy-only policy replaces the whole document, as on AWS.
        world.access_statements.remove(name);
        Ok(())
    }

    async fn find_vault_access_policy(
        &self,
        name: &str,
    ) -> Result<Option<Vec<String>>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault_access_policy", name)?;
        Ok(world.access.get(name).cloned())
    }

    async fn delete_vault_access_policy(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_vault_access_policy", name)?;
        world.access.remove(name);
        world.access_statements.remove(name);
        Ok(())
    }

    async fn put_vault_access(&self, name: &str, spec: &VaultAccessSpec) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_vault_access", name)?;
        world.access_statements.remove(name);
        if spec.is_empty() {
            world.access.remove(name);
            return Ok(());
        }
        world
            .access
            .insert(name.to_string(), spec.copy_from_accounts.clone());
        world.access_statements.insert(
            name.to_string(),
            VaultAccessSpec {
                copy_from_accounts: Vec::new(),
                ..spec.clone()
            },
        );
        Ok(())
    }

    async fn find_vault_access(&self, name: &str) -> Result<Option<VaultAccessSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault_access", name)?;
        let Some(accounts) = world.access.get(name) else {
            return Ok(None);
        };
        let statements = world
            .access_statements
            .get(name)
            .cloned()
            .unwrap_or_default();
        Ok(Some(VaultAccessSpec {
            copy_from_accounts: accounts.clone(),
            ..statements
        }))
    }

    async fn put_vault_notifications(
        &self,
        name: &str,
        spec: &VaultNotificationSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_vault_notifications", name)?;
        if !world.vaults.contains_key(name) {
            return Err(not_found("putting Backup Vault Notifications", name));
        }
        world.notifications.insert(name.to_string(), spec.clone());
        Ok(())
    }

    async fn find_vault_notifications(
        &self,
        name: &str,
    ) -> Result<Option<VaultNotificationSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault_notifications", name)?;
        Ok(world.notifications.get(name).cloned())
    }

    async fn delete_vault_notifications(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_vault_notifications", name)?;
        world.notifications.remove(name);
        Ok(())
    }

    async fn create_plan(&self, spec: &PlanSpec) -> Result<PlanState, CloudError> {
        let mut world = self.world();
        world.calls.record("create_plan", &spec.name)?;
        let plan_id = world.id("plan");
        let state = PlanState {
            arn: format!(
                "arn:aws:backup:{}:{}:backup-plan:{plan_id}",
                self.region, self.account_id
            ),
            version_id: world.id("version"),
            plan_id: plan_id.clone(),
        };
        let plan = Plan {
            state: state.clone(),
            spec: spec.clone().normalized(),
        };
        world.plans.insert(plan_id, plan);
        Ok(state)
    }

    async fn update_plan(&self, plan_id: &str, spec: &PlanSpec) -> Result<PlanState, CloudError> {
        let mut world = self.world();
        world.calls.record("update_plan", plan_id)?;
        let version_id = world.id("version");
        let plan = world
            .plans
            .get_mut(plan_id)
            .ok_or_else(|| not_found("updating Backup Plan", plan_id))?;
        plan.spec = spec.clone().normalized();
        plan.state.version_id = version_id;
        Ok(plan.state.clone())
    }

    async fn find_plan_by_id(&self, plan_id: &str) -> Result<Option<Plan>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_plan_by_id", plan_id)?;
        Ok(world.plans.get(plan_id).map(read_plan))
    }

    async fn find_plan_rules_by_id(
        &self,
        plan_id: &str,
    ) -> Result<Option<Vec<RuleSpec>>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_plan_rules_by_id", plan_id)?;
        Ok(world.plans.get(plan_id).map(|p| p.spec.rules.clone()))
    }

    async fn vault_exists(&self, name: &str) -> Result<bool, CloudError> {
        let mut world = self.world();
        world.calls.record("vault_exists", name)?;
        Ok(world.vaults.contains_key(name))
    }

    async fn find_plan_by_name(&self, name: &str) -> Result<Option<Plan>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_plan_by_name", name)?;
        Ok(world
            .plans
            .values()
            .find(|p| p.spec.name == name)
            .map(read_plan))
    }

    async fn list_plans_of_kind(
        &self,
        kind: &str,
        limit: usize,
    ) -> Result<Vec<PlanSummary>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_plans_of_kind", kind)?;
        Ok(world
            .plans
            .values()
            .filter(|p| p.spec.tags.get(KIND_TAG).map(String::as_str) == Some(kind))
            .take(limit)
            .map(|p| PlanSummary {
                name: p.spec.name.clone(),
                state: p.state.clone(),
            })
            .collect())
    }

    async fn delete_plan(&self, plan_id: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_plan", plan_id)?;
        world.plans.remove(plan_id);
        Ok(())
    }

    async fn create_selection(
        &self,
        plan_id: &str,
        spec: &SelectionSpec,
    ) -> Result<String, CloudError> {
        let mut world = self.world();
        world.calls.record("create_selection", &spec.name)?;
        if !world.plans.contains_key(plan_id) {
            return Err(not_found("creating Backup Selection", plan_id));
        }
        let selection_id = world.id("selection");
        let selection = Selection {
            plan_id: plan_id.to_string(),
            selection_id: selection_id.clone(),
            spec: spec.clone(),
        };
        world
            .selections
            .insert((plan_id.to_string(), selection_id.clone()), selection);
        Ok(selection_id)
    }

    async fn find_selection(
        &self,
        plan_id: &str,
        selection_id: &str,
    ) -> Result<Option<Selection>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_selection", selection_id)?;
        let key = (plan_id.to_string(), selection_id.to_string());
        Ok(world.selections.get(&key).cloned())
    }

    async fn find_selection_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Option<Selection>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_selection_by_name", name)?;
        Ok(world
            .selections
            .values()
            .find(|s| s.plan_id == plan_id && s.spec.name == name)
            .cloned())
    }

    async fn list_selections_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Vec<Selection>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_selections_by_name", name)?;
        Ok(world
            .selections
            .values()
            .filter(|s| s.plan_id == plan_id && s.spec.name == name)
            .cloned()
            .collect())
    }

    async fn list_selection_ids(&self, plan_id: &str) -> Result<Vec<String>, CloudError> {
        let mut world = self.world();
        world.calls.record("list_selection_ids", plan_id)?;
        Ok(world
            .selections
            .keys()
            .filter(|(plan, _)| plan == plan_id)
            .map(|(_, id)| id.clone())
            .collect())
    }

    async fn delete_selection(&self, plan_id: &str, selection_id: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_selection", selection_id)?;
        let key = (plan_id.to_string(), selection_id.to_string());
        world.selections.remove(&key);
        Ok(())
    }

    async fn count_recovery_points(&self, vault: &str) -> Result<i64, CloudError> {
        let mut world = self.world();
        world.calls.record("count_recovery_points", vault)?;
        Ok(world.vaults.get(vault).map_or(0, |v| v.recovery_points))
    }
}
