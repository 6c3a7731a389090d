//! The backup backend the resources speak: plain Rust specs in, plain Rust state out.
//!
//! No SDK type crosses this boundary, so resources can be tested against a fake and the AWS code can
//! change SDK versions without touching them. Every spec read back through a `find_*` call equals the
//! spec that was written (after [`PlanSpec::normalized`]), which is what lets the provider report drift
//! precisely.

use std::collections::BTreeMap;
use std::time::SystemTime;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::error::CloudError;
use super::vault_governance::{VaultAccessSpec, VaultNotificationSpec};

/// Tags as AWS stores them: a string map, kept sorted so specs compare and print deterministically.
pub type Tags = BTreeMap<String, String>;

/// A backup vault to create or adopt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultSpec {
    /// The vault's name (2–50 letters, digits, `-`, `_`); also its id.
    pub name: String,
    /// The KMS key encrypting the vault's recovery points; `None` lets AWS use its managed key.
    /// It cannot change after creation (the resource must replace the vault).
    pub kms_key_arn: Option<String>,
    /// The vault's tags.
    pub tags: Tags,
}

/// A vault as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    /// The vault's name.
    pub name: String,
    /// The vault's ARN.
    pub arn: String,
    /// The encryption key AWS reports (with no key requested, AWS's managed key), `None` if none.
    pub kms_key_arn: Option<String>,
    /// The vault's tags (read with `ListTags`: `DescribeBackupVault` does not return them on AWS).
    pub tags: Tags,
    /// How many recovery points the vault holds, as `DescribeBackupVault` counts them.
    pub recovery_points: i64,
    /// The vault lock, when one is set.
    pub lock: Option<VaultLockState>,
}

/// A vault lock to put (AWS Backup Vault Lock). With `changeable_for_days` the lock turns into an
/// immutable compliance-mode lock after that many days; without it, it stays in governance mode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultLockSpec {
    /// The shortest retention a recovery point in the vault may have.
    pub min_retention_days: Option<i64>,
    /// The longest retention a recovery point in the vault may have.
    pub max_retention_days: Option<i64>,
    /// Days (at least 3) until the lock becomes immutable; `None`: never (governance mode).
    pub changeable_for_days: Option<i64>,
}

/// A vault lock as AWS reports it. AWS does not return `changeable_for_days`, only the date it
/// computed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultLockState {
    /// The shortest retention allowed.
    pub min_retention_days: Option<i64>,
    /// The longest retention allowed.
    pub max_retention_days: Option<i64>,
    /// When the lock becomes (or became) immutable, if it ever does.
    pub lock_date: Option<SystemTime>,
}

impl VaultLockState {
    /// True once the lock date has passed: the lock can no longer be removed and the vault can no
    /// longer be deleted.
    pub fn is_immutable(&self) -> bool {
        self.lock_date.is_some_and(|date| date <= SystemTime::now())
    }
}

/// When a recovery point moves to cold storage and when it is deleted.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct LifecycleSpec {
    /// Days until cold storage; `None`: never. (Zero is not "never" to AWS: map it to `None`.)
    pub cold_after_days: Option<i64>,
    /// Days until deletion; 0 means never (no expiry is sent to AWS, and none reads back as 0).
    pub delete_after_days: i64,
}

/// A copy of each recovery point to another vault, possibly in another region or account.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CopySpec {
    /// The destination vault's ARN.
    pub destination_vault_arn: String,
    /// The copy's lifecycle.
    pub lifecycle: LifecycleSpec,
}

/// One rule of a backup plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// The rule's name, unique in the plan (1–50 letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// The name of the vault the rule's recovery points go to, in the plan's account and region.
    pub target_vault: String,
    /// An AWS `cron(...)` or `rate(...)` expression (UTC).
    pub schedule: String,
    /// Minutes after the scheduled time a backup may start. Always sent: AWS's default (480) would
    /// otherwise read back as a change.
    pub start_window_minutes: i64,
    /// Minutes a started backup may take before AWS cancels it (AWS's default is 10080).
    pub completion_window_minutes: i64,
    /// Cold storage and retention.
    pub lifecycle: LifecycleSpec,
    /// Point-in-time recovery for the resource types that support it.
    pub enable_continuous_backup: bool,
    /// Tags put on every recovery point the rule creates.
    pub recovery_point_tags: Tags,
    /// Copies made after each backup.
    pub copy_actions: Vec<CopySpec>,
}

/// A backup plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSpec {
    /// The plan's name. Deterministic names let a child find its ancestor's plan with
    /// [`BackupBackend::find_plan_by_name`].
    pub name: String,
    /// The plan's rules.
    pub rules: Vec<RuleSpec>,
    /// The plan's tags.
    pub tags: Tags,
}

impl PlanSpec {
    /// The canonical order the `find_plan_*` calls return: rules sorted by name, each rule's copy
    /// actions sorted by destination. AWS does not promise to keep either order, and neither is
    /// meaningful, so comparisons should be made on normalized specs.
    pub fn normalized(mut self) -> PlanSpec {
        self.rules.sort_by(|a, b| a.name.cmp(&b.name));
        for rule in &mut self.rules {
            rule.copy_actions.sort();
        }
        self
    }
}

/// The identifiers AWS gives a plan; `version_id` changes on every update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanState {
    /// The plan's id (a UUID), its Terraform-facing identifier.
    pub plan_id: String,
    /// The id of the plan's current version.
    pub version_id: String,
    /// The plan's ARN.
    pub arn: String,
}

/// A plan read back from the cloud: its identifiers and its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Ids and ARN.
    pub state: PlanState,
    /// The content, normalized (see [`PlanSpec::normalized`]).
    pub spec: PlanSpec,
}

/// A plan as a listing names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    /// The plan's name.
    pub name: String,
    /// Its ids and ARN.
    pub state: PlanState,
}

/// A backup selection: which resources a plan protects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionSpec {
    /// The selection's name, unique in its plan (1–50 letters, digits, `-`, `_`, `.`).
    pub name: String,
    /// The role AWS Backup assumes to back the resources up.
    pub iam_role_arn: String,
    /// ARNs of the resources to protect, in the order given.
    pub resources: Vec<String>,
    /// Also protect every resource carrying any one of these tags (AWS `ListOfTags`, which is OR'ed
    /// with `resources`).
    pub selection_tags: Tags,
}

/// A selection read back from the cloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The plan the selection belongs to.
    pub plan_id: String,
    /// The selection's id.
    pub selection_id: String,
    /// The content.
    pub spec: SelectionSpec,
}

/// The operations the `backup_app` and `backup_child` resources need from a backup cloud, in one
/// account and region (one provider configuration or alias).
///
/// `find_*` return `Ok(None)` when the object does not exist; `delete_*` succeed when it is already
/// gone. Every error names the operation and the object, in the one format
/// `creating Backup Vault (org-root): AccessDeniedException: ...`.
#[async_trait]
pub trait BackupBackend:
    super::RestoreTestingBackend + super::AuditBackend + super::AirGappedVaults + Send + Sync
{
    /// The account the backend acts in (after any assume-role).
    fn account_id(&self) -> &str;

    /// The region the backend acts in.
    fn region(&self) -> &str;

    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, ...).
    fn partition(&self) -> &str;

    /// This backend with `app` in the user agent of every call (`app/<name>`), so CloudTrail's
    /// `userAgent` shows which app of the tree made it.
    fn for_app(self: std::sync::Arc<Self>, app: &str) -> std::sync::Arc<dyn BackupBackend>;

    /// The ARN a vault named `name` has (or will have) in this account and region; computable before
    /// the vault exists, so plans can show it.
    fn vault_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:backup:{}:{}:backup-vault:{name}",
            self.partition(),
            self.region(),
            self.account_id()
        )
    }

    /// Creates the vault if it is missing, or adopts an existing one and brings its tags in line.
    /// Fails with `InvalidState` when an existing vault uses a different KMS key than requested.
    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError>;

    /// The vault named `name`, or `None`.
    async fn find_vault_by_name(&self, name: &str) -> Result<Option<VaultState>, CloudError>;

    /// True when a vault named `name` exists. Backends may answer from a listing shared by the
    /// reads of one refresh (AWS: one `ListBackupVaults` for every vault, a few seconds old at most,
    /// dropped whenever this provider creates or deletes a vault).
    async fn vault_exists(&self, name: &str) -> Result<bool, CloudError> {
        Ok(self.find_vault_by_name(name).await?.is_some())
    }

    /// Deletes the vault. One holding recovery points is refused with `InvalidState` unless `force`,
    /// which deletes the recovery points first.
    async fn delete_vault(&self, name: &str, force: bool) -> Result<(), CloudError>;

    /// Sets (or replaces) the vault lock.
    async fn put_vault_lock(&self, name: &str, lock: &VaultLockSpec) -> Result<(), CloudError>;

    /// Removes the vault lock; fails with `InvalidState` once the lock is immutable.
    async fn delete_vault_lock(&self, name: &str) -> Result<(), CloudError>;

    /// Sets the vault's access policy to one statement allowing `backup:CopyIntoBackupVault` from
    /// the given 12-digit accounts. An empty list removes the policy.
    async fn put_vault_access_policy(
        &self,
        name: &str,
        allow_copy_from_accounts: &[String],
    ) -> Result<(), CloudError>;

    /// The accounts the vault's access policy lets copy in (sorted), or `None` when it has no
    /// policy. Statements this provider does not write are ignored.
    async fn find_vault_access_policy(&self, name: &str)
        -> Result<Option<Vec<String>>, CloudError>;

    /// Removes the vault's access policy.
    async fn delete_vault_access_policy(&self, name: &str) -> Result<(), CloudError>;

    /// Sets the vault's whole access policy: the copy-from-accounts statement and the access
    /// statements (stable `Sid`s). An empty spec removes the policy.
    async fn put_vault_access(&self, name: &str, spec: &VaultAccessSpec) -> Result<(), CloudError>;

    /// The vault's access policy as a spec (statements this provider does not write are ignored),
    /// or `None` when it has no policy.
    async fn find_vault_access(&self, name: &str) -> Result<Option<VaultAccessSpec>, CloudError>;

    /// Sets the vault's notifications (`PutBackupVaultNotifications`).
    async fn put_vault_notifications(
        &self,
        name: &str,
        spec: &VaultNotificationSpec,
    ) -> Result<(), CloudError>;

    /// The vault's notifications, or `None` when it has none (or no longer exists).
    async fn find_vault_notifications(
        &self,
        name: &str,
    ) -> Result<Option<VaultNotificationSpec>, CloudError>;

    /// Removes the vault's notifications; none left counts as done.
    async fn delete_vault_notifications(&self, name: &str) -> Result<(), CloudError>;

    /// Creates a plan.
    async fn create_plan(&self, spec: &PlanSpec) -> Result<PlanState, CloudError>;

    /// Replaces a plan's rules and brings its tags in line (a plan's name cannot change in place).
    async fn update_plan(&self, plan_id: &str, spec: &PlanSpec) -> Result<PlanState, CloudError>;

    /// The plan with this id, or `None` (also for a deleted plan AWS still remembers).
    async fn find_plan_by_id(&self, plan_id: &str) -> Result<Option<Plan>, CloudError>;

    /// The rules of the plan with this id (normalized, see [`PlanSpec::normalized`]), or `None`:
    /// the plan without its tags, for refreshes that only compare rules (1 call on AWS, not 2).
    async fn find_plan_rules_by_id(
        &self,
        plan_id: &str,
    ) -> Result<Option<Vec<RuleSpec>>, CloudError>;

    /// The plan with this name, or `None`. More than one plan with the name is a `Conflict`.
    async fn find_plan_by_name(&self, name: &str) -> Result<Option<Plan>, CloudError>;

    /// Brings the plan named `spec.name` to `spec` and returns it with `true` when it was created
    /// just now (so it holds no selections yet): the plan `recorded_id` when it still exists, else
    /// one of that name an interrupted apply left (adopted and updated in place), else a new one.
    /// This is what keeps a re-run after a crash between "created in AWS" and "saved in state"
    /// from making a second plan of the name.
    async fn ensure_plan(
        &self,
        recorded_id: Option<&str>,
        spec: &PlanSpec,
    ) -> Result<(PlanState, bool), CloudError> {
        if let Some(id) = recorded_id {
            match self.update_plan(id, spec).await {
                Err(e) if e.is_not_found() => {}
                other => return other.map(|state| (state, false)),
            }
        }
        // Finders leave out the provider's own tags (see `aws::KIND_TAG`): compare without them.
        let wanted = PlanSpec {
            tags: super::aws::without_provider_tags(spec.tags.clone()),
            ..spec.clone()
        };
        match self.find_plan_by_name(&spec.name).await? {
            Some(plan) if plan.spec == wanted.normalized() => Ok((plan.state, false)),
            Some(plan) => self
                .update_plan(&plan.state.plan_id, spec)
                .await
                .map(|state| (state, false)),
            None => self.create_plan(spec).await.map(|state| (state, true)),
        }
    }

    /// The plans this provider tagged `backup:kind = kind` (`app` or `child`), in listing order,
    /// at most `limit` of them (the listing stops there). Plans created before the tag existed
    /// carry it from their next update on.
    async fn list_plans_of_kind(
        &self,
        kind: &str,
        limit: usize,
    ) -> Result<Vec<PlanSummary>, CloudError>;

    /// Deletes a plan, waiting out AWS's "selections must be deleted first" while recently deleted
    /// selections propagate.
    async fn delete_plan(&self, plan_id: &str) -> Result<(), CloudError>;

    /// Creates a selection in a plan and returns its id, waiting out IAM role propagation. It
    /// returns as soon as AWS answers, so the caller records the id before anything else can
    /// fail; then [`BackupBackend::wait_selection_readable`].
    async fn create_selection(
        &self,
        plan_id: &str,
        spec: &SelectionSpec,
    ) -> Result<String, CloudError>;

    /// Waits until a selection just created (named `name`, for messages) is readable: AWS is
    /// eventually consistent. Backends whose reads follow their writes need not wait.
    async fn wait_selection_readable(
        &self,
        _plan_id: &str,
        _selection_id: &str,
        _name: &str,
    ) -> Result<(), CloudError> {
        Ok(())
    }

    /// The selection, or `None` when it (or its plan) does not exist.
    async fn find_selection(
        &self,
        plan_id: &str,
        selection_id: &str,
    ) -> Result<Option<Selection>, CloudError>;

    /// The selection named `name` in the plan, or `None`; for import and for adopting a selection
    /// whose create answer was lost.
    async fn find_selection_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Option<Selection>, CloudError>;

    /// Every selection named `name` in the plan (usually none or one), with its content; empty
    /// when the plan does not exist. More than one is the trace of an interrupted swap.
    async fn list_selections_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Vec<Selection>, CloudError>;

    /// The ids of every selection in the plan; empty when the plan does not exist.
    async fn list_selection_ids(&self, plan_id: &str) -> Result<Vec<String>, CloudError>;

    /// Deletes a selection (there is no update: swap it by create + delete).
    async fn delete_selection(&self, plan_id: &str, selection_id: &str) -> Result<(), CloudError>;

    /// How many recovery points the vault holds.
    async fn count_recovery_points(&self, vault: &str) -> Result<i64, CloudError>;
}
