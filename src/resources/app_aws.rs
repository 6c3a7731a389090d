//! `backup_app` on AWS: the app's vault (tags, KMS key, lock, access policy) and the plan of its
//! effective rules, named after the app so that children find it at apply time.

use backup_policy::{AwsAnchor, PolicyDocument};
use serde::Deserialize;
use tfplugin::framework::{null_object, Attribute, Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::aws::str_attr;
use super::state::{set_attr, set_nested_attr};
use crate::cloud::aws::translate::{plan_spec, vault_tags};
use crate::cloud::aws::{AwsBackend, AwsContext};
use crate::cloud::{BackupBackend, CloudError, VaultLockSpec, VaultSpec};

/// `backup_app.aws` as configured.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct AppAwsModel {
    pub(crate) vault_name: String,
    pub(crate) kms_key_arn: Option<String>,
    #[allow(dead_code)] // Documented for the app's own selections; the app selects nothing yet.
    pub(crate) iam_role_arn: Option<String>,
    pub(crate) vault_lock: Option<VaultLockModel>,
    pub(crate) allow_copy_from_accounts: Option<Vec<String>>,
}

/// `backup_app.aws.vault_lock`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct VaultLockModel {
    min_retention_days: Option<i64>,
    max_retention_days: Option<i64>,
    changeable_for_days: Option<i64>,
}

impl AppAwsModel {
    /// The block of a configuration or state; `None` when null or not wholly known.
    pub(crate) fn of(value: &Value, diagnostics: &mut Diagnostics) -> Option<AppAwsModel> {
        let block = value
            .get("aws")
            .filter(|v| !v.is_null() && v.is_wholly_known())?;
        match tfvalue::from_value(block) {
            Ok(model) => Some(model),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("Invalid attribute value", e.to_string())
                        .at(AttributePath::attr("aws").join(e.path())),
                );
                None
            }
        }
    }

    fn accounts(&self) -> Vec<String> {
        let mut accounts = self.allow_copy_from_accounts.clone().unwrap_or_default();
        accounts.sort();
        accounts.dedup();
        accounts
    }
}

/// The AWS anchor an app publishes in its `policy_document`: its vault and its plan (named after
/// the app).
pub(crate) fn anchor(context: &AwsContext, app: &str, vault_name: &str) -> AwsAnchor {
    AwsAnchor {
        app: app.to_string(),
        account_id: context.account_id().to_string(),
        region: context.region().to_string(),
        vault_name: vault_name.to_string(),
        vault_arn: context.vault_arn(vault_name),
        plan_name: app.to_string(),
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
        }
    }
}

/// Creates or updates the app's vault, lock, access policy and plan, recording ids in `state` as
/// soon as each object exists (so a failure part-way leaves state the next apply converges from).
pub(crate) async fn converge(
    backend: &AwsBackend,
    app: &str,
    model: &AppAwsModel,
    prior: Option<&AppAwsModel>,
    prior_plan_id: Option<&str>,
    document: &PolicyDocument,
    state: &mut Value,
) -> Result<(), CloudError> {
    let vault = backend
        .ensure_vault(&VaultSpec {
            name: model.vault_name.clone(),
            kms_key_arn: model.kms_key_arn.clone(),
            tags: vault_tags(document),
        })
        .await?;
    set_attr(state, "aws_vault_arn", Value::from(vault.arn));

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
    if prior.map(AppAwsModel::accounts).unwrap_or_default() != accounts || prior.is_none() {
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

    let spec = plan_spec(document, app, &model.vault_name, None);
    let plan = match prior_plan_id {
        Some(id) => match backend.update_plan(id, &spec).await {
            Err(e) if e.is_not_found() => backend.create_plan(&spec).await?,
            other => other?,
        },
        None => backend.create_plan(&spec).await?,
    };
    set_attr(state, "aws_plan_id", Value::from(plan.plan_id));
    Ok(())
}

/// Deletes the app's plan, lock and vault (the vault only when empty, unless `force`).
pub(crate) async fn destroy(
    backend: &AwsBackend,
    model: &AppAwsModel,
    plan_id: Option<&str>,
    force: bool,
) -> Result<(), CloudError> {
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
    if model.vault_lock.is_some() {
        backend.delete_vault_lock(&model.vault_name).await?;
    }
    backend.delete_vault(&model.vault_name, force).await
}

/// What `read` found.
pub(crate) enum ReadOutcome {
    /// The vault or the plan is gone: drop the app from state so the next plan re-creates it.
    Gone,
    /// The objects exist; the state was brought in line with them.
    Present,
}

/// Reads the app's objects back into `state`. Rules or tags that differ from the state's
/// `policy_document` null it, so the next plan shows the update that restores them; a different
/// access policy shows as a change of `allow_copy_from_accounts`.
pub(crate) async fn read(
    backend: &AwsBackend,
    app: &str,
    model: &AppAwsModel,
    state: &mut Value,
) -> Result<ReadOutcome, CloudError> {
    let Some(vault) = backend.find_vault_by_name(&model.vault_name).await? else {
        return Ok(ReadOutcome::Gone);
    };
    set_attr(state, "aws_vault_arn", Value::from(vault.arn.clone()));
    let Some(plan_id) = str_attr(state, "aws_plan_id").map(str::to_string) else {
        return Ok(ReadOutcome::Gone);
    };
    let Some(plan) = backend.find_plan_by_id(&plan_id).await? else {
        return Ok(ReadOutcome::Gone);
    };
    if let Some(document) = super::aws::state_document(state) {
        let expected = plan_spec(&document, app, &model.vault_name, None);
        if plan.spec != expected || vault.tags != vault_tags(&document) {
            set_attr(state, "policy_document", Value::Null);
        }
    }
    let remote = backend
        .find_vault_access_policy(&model.vault_name)
        .await?
        .unwrap_or_default();
    if remote != model.accounts() {
        let value = if remote.is_empty() && model.allow_copy_from_accounts.is_none() {
            Value::Null
        } else {
            Value::List(remote.into_iter().map(Value::from).collect())
        };
        set_nested_attr(state, "aws", "allow_copy_from_accounts", value);
    }
    if vault.lock.is_none() && model.vault_lock.is_some() {
        set_nested_attr(state, "aws", "vault_lock", Value::Null);
    }
    Ok(ReadOutcome::Present)
}

/// For `terraform import`: finds the plan named after the app and fills in its `aws` block from it
/// (the vault its rules write to). Returns false when there is no such plan.
pub(crate) async fn adopt(
    backend: &AwsBackend,
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
