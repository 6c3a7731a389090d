//! AWS Backup behind [`BackupBackend`](crate::cloud::BackupBackend).
//!
//! One file per AWS object, in the terraform-provider-aws `internal/service/backup` manner:
//! `find_X_by_Y` finders, named retry predicates quoting the API's message, `expand_*`/`flatten_*`
//! between our specs and SDK types. SDK types never leave this module.

pub mod access_policy;
mod air_gapped_vault;
mod audit;
mod backup_job;
mod calls;
pub mod compliance;
mod credentials;
mod errors;
pub mod notifications;
mod plan;
mod recovery_point;
mod restore_job;
mod restore_testing;
mod restored_resources;
mod selection;
mod settings;
mod tags;
pub mod translate;
pub mod translate_audit;
pub mod translate_restore_testing;
mod vault;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

pub use restore_job::AwsRestores;
pub use tags::{with_kind, without_provider_tags, KIND_APP, KIND_CHILD, KIND_TAG};

pub use settings::{
    AssumeRole, AwsContext, AwsSettings, ConnectOptions, Endpoints, StaticCredentials,
    DEFAULT_SESSION_NAME, RETRY_BUDGET,
};

use crate::cloud::backend::{
    BackupBackend, Plan, PlanSpec, PlanState, PlanSummary, RuleSpec, Selection, SelectionSpec,
    VaultLockSpec, VaultSpec, VaultState,
};
use crate::cloud::error::CloudError;
use crate::cloud::retry::RetryPolicy;
use crate::cloud::{VaultAccessSpec, VaultNotificationSpec};

/// AWS Backup in the account and region of one [`AwsContext`].
#[derive(Debug, Clone)]
pub struct AwsBackend {
    client: aws_sdk_backup::Client,
    account_id: String,
    region: String,
    partition: String,
    /// The AWS Backup endpoint URL, for errors that never got an answer.
    endpoint: String,
    retry: RetryPolicy,
    cancel: CancellationToken,
    /// The vault names of the account and region, listed once for the reads of one refresh.
    vault_names: std::sync::Arc<vault::VaultNames>,
    /// True for the one-attempt copy used inside another call's attempt (see `calls.rs`).
    single_attempt: bool,
}

impl AwsBackend {
    /// A backend using the context's credentials, endpoints, retry policy and cancellation token.
    pub fn new(context: &AwsContext) -> AwsBackend {
        AwsBackend {
            client: context.backup_client(),
            account_id: context.account_id().to_owned(),
            region: context.region().to_owned(),
            partition: context.partition().to_owned(),
            endpoint: context.backup_endpoint(),
            retry: context.options().retry.clone(),
            cancel: context.options().cancel.clone(),
            single_attempt: false,
            vault_names: context.vault_names(),
        }
    }

    /// The same backend ending its retries and waits when `cancel` fires instead of the context's
    /// token: resources pass the token Terraform's StopProvider cancels.
    pub fn with_cancel(mut self, cancel: CancellationToken) -> AwsBackend {
        self.cancel = cancel;
        self
    }
}

/// The user agent's `app/<name>` for an app: characters AWS does not allow there become `-`,
/// and at most 50 are kept.
fn app_name(app: &str) -> aws_sdk_backup::config::AppName {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    let name: String = app
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .take(50)
        .collect();
    let name = if name.is_empty() {
        "unnamed".to_owned()
    } else {
        name
    };
    aws_sdk_backup::config::AppName::new(name).expect("sanitized to the allowed characters")
}

/// A fresh idempotency token for create calls (`CreatorRequestId`): a create the SDK retries after a
/// lost answer is then not performed twice.
fn creator_request_id() -> String {
    format!("terraform-provider-backup-{:032x}", fastrand::u128(..))
}

#[async_trait]
impl BackupBackend for AwsBackend {
    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn region(&self) -> &str {
        &self.region
    }

    fn partition(&self) -> &str {
        &self.partition
    }

    fn for_app(self: std::sync::Arc<Self>, app: &str) -> std::sync::Arc<dyn BackupBackend> {
        let mut backend = (*self).clone();
        let config = backend.client.config().to_builder().app_name(app_name(app));
        backend.client = aws_sdk_backup::Client::from_conf(config.build());
        std::sync::Arc::new(backend)
    }

    async fn ensure_vault(&self, spec: &VaultSpec) -> Result<VaultState, CloudError> {
        let vault = vault::ensure_vault(self, spec).await?;
        Ok(VaultState {
            tags: without_provider_tags(vault.tags),
            ..vault
        })
    }

    async fn find_vault_by_name(&self, name: &str) -> Result<Option<VaultState>, CloudError> {
        let found = vault::find_vault_by_name(self, vault::OP_READ, name).await?;
        Ok(found.map(|vault| VaultState {
            tags: without_provider_tags(vault.tags),
            ..vault
        }))
    }

    async fn delete_vault(&self, name: &str, force: bool) -> Result<(), CloudError> {
        vault::delete_vault(self, name, force).await
    }

    async fn put_vault_lock(&self, name: &str, lock: &VaultLockSpec) -> Result<(), CloudError> {
        vault::put_vault_lock(self, name, lock).await
    }

    async fn delete_vault_lock(&self, name: &str) -> Result<(), CloudError> {
        vault::delete_vault_lock(self, name).await
    }

    async fn put_vault_access_policy(
        &self,
        name: &str,
        allow_copy_from_accounts: &[String],
    ) -> Result<(), CloudError> {
        vault::put_vault_access_policy(self, name, allow_copy_from_accounts).await
    }

    async fn find_vault_access_policy(
        &self,
        name: &str,
    ) -> Result<Option<Vec<String>>, CloudError> {
        vault::find_vault_access_policy(self, name).await
    }

    async fn delete_vault_access_policy(&self, name: &str) -> Result<(), CloudError> {
        vault::delete_vault_access_policy(self, name).await
    }

    async fn put_vault_access(&self, name: &str, spec: &VaultAccessSpec) -> Result<(), CloudError> {
        access_policy::put_vault_access(self, name, spec).await
    }

    async fn find_vault_access(&self, name: &str) -> Result<Option<VaultAccessSpec>, CloudError> {
        access_policy::find_vault_access(self, name).await
    }

    async fn put_vault_notifications(
        &self,
        name: &str,
        spec: &VaultNotificationSpec,
    ) -> Result<(), CloudError> {
        notifications::put_vault_notifications(self, name, spec).await
    }

    async fn find_vault_notifications(
        &self,
        name: &str,
    ) -> Result<Option<VaultNotificationSpec>, CloudError> {
        notifications::find_vault_notifications(self, name).await
    }

    async fn delete_vault_notifications(&self, name: &str) -> Result<(), CloudError> {
        notifications::delete_vault_notifications(self, name).await
    }

    async fn create_plan(&self, spec: &PlanSpec) -> Result<PlanState, CloudError> {
        plan::create_plan(self, spec).await
    }

    async fn update_plan(&self, plan_id: &str, spec: &PlanSpec) -> Result<PlanState, CloudError> {
        plan::update_plan(self, plan_id, spec).await
    }

    async fn find_plan_by_id(&self, plan_id: &str) -> Result<Option<Plan>, CloudError> {
        Ok(plan::find_plan_by_id(self, plan_id)
            .await?
            .map(tags::plan_without_provider_tags))
    }

    async fn find_plan_rules_by_id(
        &self,
        plan_id: &str,
    ) -> Result<Option<Vec<RuleSpec>>, CloudError> {
        plan::find_plan_rules_by_id(self, plan_id).await
    }

    async fn vault_exists(&self, name: &str) -> Result<bool, CloudError> {
        vault::vault_exists(self, name).await
    }

    async fn find_plan_by_name(&self, name: &str) -> Result<Option<Plan>, CloudError> {
        Ok(plan::find_plan_by_name(self, name)
            .await?
            .map(tags::plan_without_provider_tags))
    }

    async fn list_plans_of_kind(
        &self,
        kind: &str,
        limit: usize,
    ) -> Result<Vec<PlanSummary>, CloudError> {
        plan::list_plans_of_kind(self, kind, limit).await
    }

    async fn delete_plan(&self, plan_id: &str) -> Result<(), CloudError> {
        plan::delete_plan(self, plan_id).await
    }

    async fn create_selection(
        &self,
        plan_id: &str,
        spec: &SelectionSpec,
    ) -> Result<String, CloudError> {
        selection::create_selection(self, plan_id, spec).await
    }

    async fn wait_selection_readable(
        &self,
        plan_id: &str,
        selection_id: &str,
        name: &str,
    ) -> Result<(), CloudError> {
        selection::wait_selection_readable(self, plan_id, selection_id, name).await
    }

    async fn find_selection(
        &self,
        plan_id: &str,
        selection_id: &str,
    ) -> Result<Option<Selection>, CloudError> {
        selection::find_selection_by_two_part_key(self, plan_id, selection_id).await
    }

    async fn find_selection_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Option<Selection>, CloudError> {
        selection::find_selection_by_name(self, plan_id, name).await
    }

    async fn list_selections_by_name(
        &self,
        plan_id: &str,
        name: &str,
    ) -> Result<Vec<Selection>, CloudError> {
        selection::list_selections_by_name(self, plan_id, name).await
    }

    async fn list_selection_ids(&self, plan_id: &str) -> Result<Vec<String>, CloudError> {
        selection::list_selection_ids(self, plan_id).await
    }

    async fn delete_selection(&self, plan_id: &str, selection_id: &str) -> Result<(), CloudError> {
        selection::delete_selection(self, plan_id, selection_id).await
    }

    async fn count_recovery_points(&self, vault: &str) -> Result<i64, CloudError> {
        vault::count_recovery_points(self, vault).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn app_names_in_the_user_agent_keep_only_allowed_characters() {
        assert_eq!(super::app_name("org-root").as_ref(), "org-root");
        assert_eq!(super::app_name("team a/b").as_ref(), "team-a-b");
        assert_eq!(super::app_name(&"x".repeat(80)).as_ref().len(), 50);
        assert_eq!(super::app_name("").as_ref(), "unnamed");
    }
}
