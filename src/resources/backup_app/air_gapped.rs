//! `backup_app.aws.air_gapped_vault`: a logically air-gapped vault every rule of the app's plan
//! copies to. Its retention range is the app's effective guardrails' (fixed by AWS at creation);
//! a vault holding recovery points is never deleted without `force_destroy`.

use backup_policy::PolicyDocument;
use tfplugin::framework::{Attribute, Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::super::schema_validators::vault_name;
use super::model::AppAwsModel;
use crate::cloud::aws::translate::vault_tags;
use crate::cloud::aws::{with_kind, KIND_APP};
use crate::cloud::{
    AirGappedVaultSpec, BackupBackend, CloudError, ErrorKind, AIR_GAPPED_MIN_RETENTION_FLOOR,
};

/// `aws.air_gapped_vault`: its name, the rest follows from the app's policy.
pub(super) fn air_gapped_vault_attribute() -> Attribute {
    Attribute::single_nested(
        "air_gapped_vault",
        vec![Attribute::string("name")
            .required()
            .validator(vault_name())
            .description(
                "Name of the logically air-gapped vault, unique among the vaults of the provider's account and \
                 region. An air-gapped vault of that name with the same retention range is adopted. Changing it \
                 creates the new vault and deletes the old one, which is refused while the old one holds recovery \
                 points (unless `force_destroy`).",
            )],
    )
    .optional()
    .description(
        "A logically air-gapped vault (AWS Backup `CreateLogicallyAirGappedBackupVault`) that every rule of the \
         app's plan copies to, keeping each copy as long as the rule keeps its recovery point. Its minimum and \
         maximum retention are the app's effective guardrails `min_retention_days` (at least 7) and \
         `max_retention_days`, which must both be set; AWS fixes them when the vault is created. Children that join \
         the app's plan inherit the copies, and derived children's plans copy there too. Destroy deletes the vault \
         only when it holds no recovery points, unless `force_destroy`.",
    )
}

/// The configured vault name of `value`'s `aws.air_gapped_vault`: `Some(None)` without the block,
/// `None` while unknown.
pub(super) fn configured_name(value: &Value) -> Option<Option<String>> {
    let block = value.get("aws").and_then(|aws| aws.get("air_gapped_vault"));
    match block {
        None => Some(None),
        Some(block) if block.is_null() => Some(None),
        Some(block) if block.is_unknown() => None,
        Some(block) => match block.get("name") {
            Some(name) if name.is_unknown() => None,
            name => Some(name.and_then(Value::as_str).map(str::to_string)),
        },
    }
}

/// `aws_air_gapped_vault_arn` at plan time: computable from the account, region and name.
pub(super) fn planned_arn(backend: &dyn BackupBackend, name: Option<&Option<String>>) -> Value {
    match name {
        Some(Some(name)) => Value::from(backend.vault_arn(name)),
        Some(None) => Value::Null,
        None => Value::unknown(),
    }
}

fn path() -> AttributePath {
    AttributePath::attr("aws").attribute("air_gapped_vault")
}

/// The vault's retention range: the effective guardrails' `min_retention_days` and
/// `max_retention_days`, or what is wrong with them.
fn retention_range(document: &PolicyDocument) -> Result<(i64, i64), String> {
    let guardrails = document.guardrails();
    let min = guardrails.min_retention_days.as_ref().map(|s| s.value);
    let max = guardrails.max_retention_days.as_ref().map(|s| s.value);
    match (min, max) {
        (Some(min), Some(_)) if min < AIR_GAPPED_MIN_RETENTION_FLOOR => Err(format!(
            "guardrails.min_retention_days is {min}; AWS asks at least {AIR_GAPPED_MIN_RETENTION_FLOOR} days of an \
             air-gapped vault"
        )),
        (Some(min), Some(max)) if min > max => Err(format!(
            "guardrails.min_retention_days ({min}) exceeds guardrails.max_retention_days ({max})"
        )),
        (Some(min), Some(max)) => Ok((min, max)),
        _ => Err(
            "an air-gapped vault is created with a fixed retention range, taken from the app's effective \
             guardrails: set guardrails.min_retention_days (at least 7) and guardrails.max_retention_days on this \
             app or an ancestor"
                .to_string(),
        ),
    }
}

/// Plan-time checks: the guardrails give a valid range, and every rule's retention (what its
/// copy keeps) lies in it, since AWS fails a copy job the vault's range refuses.
pub(super) fn check_plan(document: &PolicyDocument, diagnostics: &mut Diagnostics) {
    let (min, max) = match retention_range(document) {
        Ok(range) => range,
        Err(detail) => {
            diagnostics.push(
                Diagnostic::error("Air-gapped vault without a valid retention range", detail)
                    .at(path()),
            );
            return;
        }
    };
    for (name, rule) in document.rules() {
        let days = rule.retention_days;
        if days < min || days > max {
            let kept = if days == 0 {
                "forever".to_string()
            } else {
                format!("{days} days")
            };
            diagnostics.push(
                Diagnostic::error(
                    "Rule retention outside the air-gapped vault's range",
                    format!(
                        "rule {name:?} keeps recovery points {kept}, and its copies to the air-gapped vault would \
                         too; the vault accepts {min}–{max} days (the effective guardrails)"
                    ),
                )
                .at(path()),
            );
        }
    }
}

/// `guardrails.require_air_gapped_copy`: an app with an `aws` block and no air-gapped vault fails
/// the plan, naming the app that set the guardrail.
pub(super) fn check_required(
    document: &PolicyDocument,
    configured: bool,
    diagnostics: &mut Diagnostics,
) {
    let required = document
        .guardrails()
        .hardening
        .require_air_gapped_copy
        .as_ref();
    if let Some(setting) = required.filter(|s| s.value && !configured) {
        diagnostics.push(
            Diagnostic::error(
                "Air-gapped copy required",
                format!(
                    "guardrails.require_air_gapped_copy = true set by app {:?} asks every AWS-backed app below it \
                     for a logically air-gapped vault its rules copy to: add aws.air_gapped_vault {{ name = ... }}.",
                    setting.set_by
                ),
            )
            .at(AttributePath::attr("aws")),
        );
    }
}

/// Creates or adopts the vault; returns its ARN.
pub(super) async fn converge(
    backend: &dyn BackupBackend,
    name: &str,
    document: &PolicyDocument,
) -> Result<String, CloudError> {
    let (min, max) = retention_range(document).map_err(|detail| {
        CloudError::new(
            ErrorKind::InvalidInput,
            "planning Logically Air-Gapped Backup Vault",
            name,
            detail,
        )
    })?;
    let vault = backend
        .ensure_air_gapped_vault(&AirGappedVaultSpec {
            name: name.to_string(),
            min_retention_days: min,
            max_retention_days: max,
            tags: with_kind(vault_tags(document), KIND_APP),
        })
        .await?;
    Ok(vault.arn)
}

/// The air-gapped vault the prior state has and the new configuration no longer names (renamed or
/// removed): it goes first, by the rule of destroy (refused while it holds recovery points, unless
/// `force`), so its points are never left unmanaged.
pub(super) async fn retire(
    backend: &dyn BackupBackend,
    prior: Option<&AppAwsModel>,
    config: Option<&AppAwsModel>,
    force: bool,
) -> Result<(), CloudError> {
    let old = prior
        .and_then(|m| m.air_gapped_vault.as_ref())
        .map(|v| &v.name);
    let new = config
        .and_then(|m| m.air_gapped_vault.as_ref())
        .map(|v| &v.name);
    match (old, prior) {
        (Some(old), Some(prior)) if Some(old) != new => {
            check_deletable(backend, prior, force).await?;
            backend.delete_air_gapped_vault(old, force).await
        }
        _ => Ok(()),
    }
}

/// Refresh: a vanished vault nulls `aws_air_gapped_vault_arn`, so the next plan creates it again.
pub(super) async fn read(
    backend: &dyn BackupBackend,
    model: &AppAwsModel,
) -> Result<Option<Value>, CloudError> {
    let Some(vault) = &model.air_gapped_vault else {
        return Ok(None);
    };
    Ok(match backend.find_air_gapped_vault(&vault.name).await? {
        Some(found) => Some(Value::from(found.arn)),
        None => Some(Value::Null),
    })
}

/// Before destroy changes anything: the refusal `destroy` would meet, so a vault holding recovery
/// points leaves the whole app in place (plan included), not half deleted.
pub(super) async fn check_deletable(
    backend: &dyn BackupBackend,
    model: &AppAwsModel,
    force: bool,
) -> Result<(), CloudError> {
    let Some(vault) = model.air_gapped_vault.as_ref().filter(|_| !force) else {
        return Ok(());
    };
    match backend.find_air_gapped_vault(&vault.name).await? {
        Some(found) if found.recovery_points > 0 => Err(CloudError::new(
            ErrorKind::InvalidState,
            "deleting Logically Air-Gapped Backup Vault",
            &vault.name,
            format!(
                "the vault holds {} recovery point(s), which are not deleted silently: delete them (AWS allows it once \
                 their retention has passed), or set force_destroy = true",
                found.recovery_points
            ),
        )),
        _ => Ok(()),
    }
}

/// Destroy: the vault goes only when empty, unless `force`.
pub(super) async fn destroy(
    backend: &dyn BackupBackend,
    model: &AppAwsModel,
    force: bool,
) -> Result<(), CloudError> {
    match &model.air_gapped_vault {
        Some(vault) => backend.delete_air_gapped_vault(&vault.name, force).await,
        None => Ok(()),
    }
}
