//! `backup_app` on AWS: the app's vault (tags, KMS key, lock, access policy) and the plan of its
//! effective rules, named after the app so that children find it at apply time.

use std::sync::Arc;

use async_trait::async_trait;
use backup_policy::{AwsAnchor, CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{null_object, Attribute, Diagnostics, PlanRequest};
use tfvalue::Value;

use super::super::diagnostics::cloud_diagnostic;
use super::super::model::{decode_block, NodeRecord, NodeUpdate};
use super::super::restore_testing;
use super::super::state::set_attr;
use super::air_gapped;
use super::audit::{self, AuditModel};
use super::model::{AppAwsModel, VaultLockModel};
use super::RESOURCE;
use crate::cloud::aws::access_policy::{converge_vault_access, vault_access_spec};
use crate::cloud::aws::compliance::{plan_findings, Finding};
use crate::cloud::aws::notifications::{converge_vault_notifications, vault_notification_spec};
use crate::cloud::aws::translate::{plan_spec, vault_tags};
use crate::cloud::aws::{with_kind, KIND_APP};
use crate::cloud::part::{CloudPart, PartFailed, Presence};
use crate::cloud::{BackupBackend, CloudError, VaultLockSpec, VaultLockState, VaultSpec};
use crate::resources::compliance::drift_warning;
use crate::resources::vault_governance::{read_vault_governance, release_vault_governance};

/// `backup_app`'s AWS part: its vault and the plan named after it, in the account and region of
/// its provider configuration.
pub(crate) struct AppAwsPart {
    /// AWS Backup in the provider configuration's account and region.
    backend: Arc<dyn BackupBackend>,
    /// The app's name; `None` while unknown (plan time).
    app: Option<String>,
    /// `aws.vault_name`; `None` while unknown (plan time).
    vault_name: Option<String>,
    /// `aws.kms_key_arn`: `Some(None)` when unset, `None` while unknown (plan time).
    kms_key_arn: Option<Option<String>>,
    /// The `aws` block, when wholly known.
    model: Option<AppAwsModel>,
    /// The `audit` block, when set and wholly known.
    audit: Option<AuditModel>,
    /// `aws.air_gapped_vault.name`: `Some(None)` without the block, `None` while unknown.
    air_gapped: Option<Option<String>>,
}

impl AppAwsPart {
    /// The part of the app that `value` (configuration, plan or state) describes, with its `aws`
    /// block as decoded by the caller.
    pub(crate) fn new(
        backend: Arc<dyn BackupBackend>,
        value: &Value,
        model: Option<AppAwsModel>,
    ) -> AppAwsPart {
        let aws = value.get("aws");
        let vault_name = aws
            .and_then(|a| a.get("vault_name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let kms_key_arn = match aws.and_then(|a| a.get("kms_key_arn")) {
            Some(key) if key.is_unknown() => None,
            key => Some(key.and_then(Value::as_str).map(str::to_string)),
        };
        let app = NodeRecord::of(value).name;
        AppAwsPart {
            // Calls carry the app's name in their user agent, which CloudTrail records.
            backend: match &app {
                Some(name) => backend.for_app(name),
                None => backend,
            },
            app,
            vault_name,
            kms_key_arn,
            model,
            audit: audit::model_of(value),
            air_gapped: air_gapped::configured_name(value),
        }
    }

    /// The app's name for messages (empty while unknown).
    fn name(&self) -> &str {
        self.app.as_deref().unwrap_or_default()
    }

    /// Reports a cloud error as the resource's diagnostic: the step failed.
    fn failed(&self, diagnostics: &mut Diagnostics, error: &CloudError) -> PartFailed {
        diagnostics.push(cloud_diagnostic(RESOURCE, self.name(), error));
        PartFailed
    }
}

#[async_trait]
impl CloudPart for AppAwsPart {
    type Update = NodeUpdate;

    fn anchor(&self, anchors: &mut CloudAnchorsPatch) -> bool {
        let (Some(vault_name), Some(app), Some(key), Some(air_gapped)) = (
            &self.vault_name,
            &self.app,
            &self.kms_key_arn,
            &self.air_gapped,
        ) else {
            return false;
        };
        let mut published = anchor(&*self.backend, app, vault_name, key.as_deref());
        published.air_gapped_vault_arn = air_gapped.as_ref().map(|n| self.backend.vault_arn(n));
        anchors.aws = Some(published);
        true
    }

    fn plan(
        &self,
        request: &PlanRequest,
        document: Option<&PolicyDocument>,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) {
        update.aws_air_gapped_vault_arn = Some(air_gapped::planned_arn(
            &*self.backend,
            self.air_gapped.as_ref(),
        ));
        if let (Some(configured), Some(document)) = (&self.air_gapped, document) {
            air_gapped::check_required(document, configured.is_some(), diagnostics);
            if configured.is_some() {
                air_gapped::check_plan(document, diagnostics);
            }
        }
        // The vault ARN is known at plan time: account and region come from the provider.
        let vault_arn = match (&self.vault_name, &self.app) {
            (Some(vault_name), Some(_)) => Value::from(self.backend.vault_arn(vault_name)),
            _ => Value::unknown(),
        };
        update.aws_vault_arn = Some(vault_arn);
        let plan_id = NodeRecord::of(&request.prior_state)
            .aws_plan_id
            .map_or_else(Value::unknown, Value::from);
        update.aws_plan_id = Some(plan_id);
        let configured: Option<AppAwsModel> =
            decode_block(&request.config, "aws", &mut Diagnostics::default());
        let controls = match &self.app {
            Some(app) => {
                audit::planned_controls(self.audit.as_ref(), app, document, configured.as_ref())
            }
            None => Value::unknown(),
        };
        update.audit_controls = Some(controls);
    }

    async fn converge(
        &self,
        document: &PolicyDocument,
        prior_state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let Some(model) = &self.model else {
            return Ok(());
        };
        let prior: Option<AppAwsModel> =
            decode_block(prior_state, "aws", &mut Diagnostics::default());
        let prior_record = NodeRecord::of(prior_state);
        converge(
            &*self.backend,
            self.name(),
            model,
            prior.as_ref(),
            &prior_record,
            document,
            update,
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))?;
        // The restore testing plan goes with the app's backup plan (named after the app).
        let had = restore_testing::may_have_objects(
            prior_record.document().as_ref(),
            !prior_state.is_null(),
        );
        let vault_arn = self.backend.vault_arn(&model.vault_name);
        restore_testing::converge_plan(&*self.backend, document, self.name(), &vault_arn, had)
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        let audit = self.audit.as_ref();
        let controls = audit::converge(
            &*self.backend,
            self.name(),
            audit,
            model,
            document,
            prior_state,
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))?;
        update.audit_controls = Some(controls);
        Ok(())
    }

    async fn read(
        &self,
        state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<Presence, PartFailed> {
        let Some(model) = &self.model else {
            return Ok(Presence::Present);
        };
        let mut drift = Vec::new();
        let presence = read(
            &*self.backend,
            self.name(),
            model,
            state,
            update,
            &mut drift,
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))?;
        if !drift.is_empty() {
            diagnostics.push(drift_warning(RESOURCE, self.name(), &drift));
        }
        // A framework or report plan changed out of band shows as a change of `audit_controls`.
        let drifted = presence == Presence::Present
            && audit::drifted(&*self.backend, self.name(), model, state)
                .await
                .map_err(|e| self.failed(diagnostics, &e))?;
        if drifted {
            update.audit_controls = Some(Value::Null);
        }
        Ok(presence)
    }

    async fn destroy(
        &self,
        prior_state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let Some(model) = &self.model else {
            return Ok(());
        };
        let prior = NodeRecord::of(prior_state);
        audit::destroy(&*self.backend, self.name(), prior_state)
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        if restore_testing::may_have_objects(prior.document().as_ref(), true) {
            restore_testing::destroy_plan(&*self.backend, self.name())
                .await
                .map_err(|e| self.failed(diagnostics, &e))?;
        }
        destroy(
            &*self.backend,
            model,
            prior.aws_plan_id.as_deref(),
            prior.document().as_ref(),
            prior.force_destroy(),
        )
        .await
        .map_err(|e| self.failed(diagnostics, &e))
    }
}

/// The AWS anchor an app publishes in its `policy_document`: its vault, its key and its plan
/// (named after the app).
pub(crate) fn anchor(
    backend: &dyn BackupBackend,
    app: &str,
    vault_name: &str,
    kms_key_arn: Option<&str>,
) -> AwsAnchor {
    AwsAnchor {
        app: app.to_string(),
        account_id: backend.account_id().to_string(),
        region: backend.region().to_string(),
        vault_name: vault_name.to_string(),
        vault_arn: backend.vault_arn(vault_name),
        plan_name: app.to_string(),
        kms_key_arn: kms_key_arn.map(str::to_string),
        air_gapped_vault_arn: None,
    }
}

/// Builds anchors without a connected context, for tests.
#[cfg(test)]
pub(crate) struct AwsAnchorFor;

#[cfg(test)]
impl AwsAnchorFor {
    /// The anchor an app `app` with vault `vault` publishes in `account` and `region`.
    pub(crate) fn test(account: &str, region: &str, app: &str, vault: &str) -> AwsAnchor {
        AwsAnchor {
            app: app.to_string(),
            account_id: account.to_string(),
            region: region.to_string(),
            vault_name: vault.to_string(),
            vault_arn: format!("arn:aws:backup:{region}:{account}:backup-vault:{vault}"),
            plan_name: app.to_string(),
            kms_key_arn: None,
            air_gapped_vault_arn: None,
        }
    }
}

/// Creates or updates the app's vault, lock, access policy and plan, recording ids in `state` as
/// soon as each object exists (so a failure part-way leaves state the next apply converges from).
async fn converge(
    backend: &dyn BackupBackend,
    app: &str,
    model: &AppAwsModel,
    prior: Option<&AppAwsModel>,
    prior_record: &NodeRecord,
    document: &PolicyDocument,
    update: &mut NodeUpdate,
) -> Result<(), CloudError> {
    let vault = backend
        .ensure_vault(&VaultSpec {
            name: model.vault_name.clone(),
            kms_key_arn: model.kms_key_arn.clone(),
            tags: with_kind(vault_tags(document), KIND_APP),
        })
        .await?;
    update.aws_vault_arn = Some(Value::from(vault.arn));

    match &model.vault_lock {
        Some(lock) => {
            let spec = VaultLockSpec {
                min_retention_days: lock.min_retention_days,
                max_retention_days: lock.max_retention_days,
                changeable_for_days: lock.changeable_for_days,
            };
            if prior.and_then(|p| p.vault_lock.as_ref()) != Some(lock) {
                backend.put_vault_lock(&model.vault_name, &spec).await?;
            }
        }
        None => {
            if prior.is_some_and(|p| p.vault_lock.is_some()) {
                backend.delete_vault_lock(&model.vault_name).await?;
            }
        }
    }

    let accounts = model.accounts();
    let access = vault_access_spec(document, &accounts);
    let prior_document = prior.and(prior_record.document());
    let prior_document = prior_document.as_ref();
    let prior_access = prior_document.map(|d| vault_access_spec(d, &[]));
    if access.has_access_statements() || prior_access.is_some_and(|a| a.has_access_statements()) {
        converge_vault_access(backend, &model.vault_name, &access).await?;
    } else if prior.map(AppAwsModel::accounts).unwrap_or_default() != accounts || prior.is_none() {
        if accounts.is_empty() {
            if prior.is_some() {
                backend
                    .delete_vault_access_policy(&model.vault_name)
                    .await?;
            }
        } else {
            backend
                .put_vault_access_policy(&model.vault_name, &accounts)
                .await?;
        }
    }

    let had_notifications = prior_document.and_then(vault_notification_spec).is_some();
    let notifications = vault_notification_spec(document);
    converge_vault_notifications(
        backend,
        &model.vault_name,
        notifications.as_ref(),
        had_notifications,
    )
    .await?;

    // Before the plan whose rules copy to it.
    if let Some(vault) = &model.air_gapped_vault {
        let arn = air_gapped::converge(backend, &vault.name, document).await?;
        update.aws_air_gapped_vault_arn = Some(Value::from(arn));
    }

    // A plan of the app's name that an interrupted apply created is adopted, not duplicated.
    let mut spec = plan_spec(document, app, &model.vault_name, None);
    spec.tags = with_kind(std::mem::take(&mut spec.tags), KIND_APP);
    let (plan, _) = backend
        .ensure_plan(prior_record.aws_plan_id.as_deref(), &spec)
        .await?;
    update.aws_plan_id = Some(Value::from(plan.plan_id));
    Ok(())
}

/// Deletes the app's plan, lock and vault (the vault only when empty, unless `force`).
async fn destroy(
    backend: &dyn BackupBackend,
    model: &AppAwsModel,
    plan_id: Option<&str>,
    document: Option<&PolicyDocument>,
    force: bool,
) -> Result<(), CloudError> {
    air_gapped::check_deletable(backend, model, force).await?;
    if let Some(id) = plan_id {
        // Children are destroyed before their app, so selections left here belong to joined
        // children of an app being replaced (new vault name or KMS key): AWS refuses to delete a
        // plan with selections, so they go too, and those children re-create theirs in the new
        // plan on the next apply (their refresh finds them gone).
        for selection in backend.list_selection_ids(id).await? {
            backend.delete_selection(id, &selection).await?;
        }
        backend.delete_plan(id).await?;
    }
    // Its recovery points were checked above (before the plan went); the standard vault follows.
    air_gapped::destroy(backend, model, force).await?;
    if model.vault_lock.is_some() {
        backend.delete_vault_lock(&model.vault_name).await?;
    }
    // Before the vault: a protecting statement would deny `force`'s recovery point deletions.
    release_vault_governance(backend, &model.vault_name, document).await?;
    backend.delete_vault(&model.vault_name, force).await
}

/// Reads the app's objects back into `state`. Rules or tags that differ from the state's
/// `policy_document` null it, so the next plan shows the update that restores them; a different
/// access policy shows as a change of `allow_copy_from_accounts`, a lock removed or changed as one
/// of `vault_lock` (updated in place), a different key as one of `kms_key_arn` (a replacement).
/// The lock and key come with the vault's description: no extra call.
async fn read(
    backend: &dyn BackupBackend,
    app: &str,
    model: &AppAwsModel,
    state: &Value,
    update: &mut NodeUpdate,
    drift: &mut Vec<Finding>,
) -> Result<Presence, CloudError> {
    let Some(vault) = backend.find_vault_by_name(&model.vault_name).await? else {
        return Ok(Presence::Gone);
    };
    update.aws_vault_arn = Some(Value::from(vault.arn.clone()));
    update.aws_air_gapped_vault_arn = air_gapped::read(backend, model).await?;
    let record = NodeRecord::of(state);
    let Some(plan_id) = record.aws_plan_id.clone() else {
        return Ok(Presence::Gone);
    };
    let Some(plan) = backend.find_plan_by_id(&plan_id).await? else {
        return Ok(Presence::Gone);
    };
    if let Some(document) = record.document() {
        let expected = plan_spec(&document, app, &model.vault_name, None);
        drift.extend(plan_findings(&expected, Some(&plan.spec)));
        if plan.spec != expected
            || vault.tags != vault_tags(&document)
            || restore_testing::plan_drifted(backend, &document, app, &vault.arn).await?
        {
            update.policy_document = Some(Value::Null);
        }
    }
    let remote = match record.document() {
        Some(document) => {
            let (accounts, drifted) =
                read_vault_governance(backend, &model.vault_name, &document, true).await?;
            if drifted {
                update.policy_document = Some(Value::Null);
            }
            accounts
        }
        None => backend.find_vault_access_policy(&model.vault_name).await?,
    }
    .unwrap_or_default();
    if remote != model.accounts() {
        let value = if remote.is_empty() && model.allow_copy_from_accounts.is_none() {
            Value::Null
        } else {
            Value::List(remote.into_iter().map(Value::from).collect())
        };
        update.aws_allow_copy_from_accounts = Some(value);
    }
    if let Some(configured) = &model.vault_lock {
        let remote = remote_lock(vault.lock.as_ref(), configured);
        if remote.as_ref() != Some(configured) {
            update.aws_vault_lock = Some(remote.as_ref().map_or(Value::Null, lock_value));
        }
    }
    if let Some(remote) = drifted_kms_key(model.kms_key_arn.as_deref(), vault.kms_key_arn) {
        update.aws_kms_key_arn = Some(Value::from(remote));
    }
    Ok(Presence::Present)
}

/// The vault's lock as `aws.vault_lock` would say it. AWS returns no `ChangeableForDays` (only the
/// lock date it led to), so a present lock keeps the configured one.
fn remote_lock(
    remote: Option<&VaultLockState>,
    configured: &VaultLockModel,
) -> Option<VaultLockModel> {
    remote.map(|lock| VaultLockModel {
        min_retention_days: lock.min_retention_days,
        max_retention_days: lock.max_retention_days,
        changeable_for_days: configured.changeable_for_days,
    })
}

/// `aws.vault_lock`'s value for `lock`.
fn lock_value(lock: &VaultLockModel) -> Value {
    let number = |days: Option<i64>| days.map_or(Value::Null, Value::from);
    Value::Object(
        [
            ("min_retention_days", number(lock.min_retention_days)),
            ("max_retention_days", number(lock.max_retention_days)),
            ("changeable_for_days", number(lock.changeable_for_days)),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect(),
    )
}

/// The vault's key when it differs from the configured key ARN. Compared only when a key ARN is
/// configured: without one AWS reports its managed key, and an alias ARN reads back as the key it
/// names.
pub(super) fn drifted_kms_key(configured: Option<&str>, remote: Option<String>) -> Option<String> {
    let configured = configured.filter(|arn| arn.contains(":key/"))?;
    remote.filter(|remote| remote != configured)
}

/// For `terraform import`: finds the plan named after the app and fills in its `aws` block from it
/// (the vault its rules write to). Returns false when there is no such plan.
pub(crate) async fn adopt(
    backend: &dyn BackupBackend,
    app: &str,
    aws_attribute: &Attribute,
    state: &mut Value,
) -> Result<bool, CloudError> {
    let Some(plan) = backend.find_plan_by_name(app).await? else {
        return Ok(false);
    };
    let Some(vault_name) = plan.spec.rules.first().map(|r| r.target_vault.clone()) else {
        return Ok(false);
    };
    let mut block = null_object(aws_attribute.children().unwrap_or_default());
    set_attr(&mut block, "vault_name", Value::from(vault_name.clone()));
    if let Some(accounts) = backend.find_vault_access_policy(&vault_name).await? {
        if !accounts.is_empty() {
            set_attr(
                &mut block,
                "allow_copy_from_accounts",
                Value::List(accounts.into_iter().map(Value::from).collect()),
            );
        }
    }
    set_attr(state, "aws", block);
    set_attr(state, "aws_plan_id", Value::from(plan.state.plan_id));
    set_attr(
        state,
        "aws_vault_arn",
        Value::from(backend.vault_arn(&vault_name)),
    );
    Ok(true)
}
