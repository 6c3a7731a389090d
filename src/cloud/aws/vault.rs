//! Backup vaults: the vault itself, its tags, its lock, its access policy and (for `force`
//! destroys) its recovery points.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_backup::operation::describe_backup_vault::DescribeBackupVaultOutput;
use serde_json::{json, Value};

use super::plan::MAX_RESULTS;
use super::tags::{expand_tags, find_tags_by_arn, update_tags};
use super::{creator_request_id, AwsBackend};
use crate::cloud::backend::{BackupBackend, VaultLockSpec, VaultLockState, VaultSpec, VaultState};
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};

pub(super) const OP_CREATE: &str = "creating Backup Vault";
pub(super) const OP_READ: &str = "reading Backup Vault";
pub(super) const OP_UPDATE: &str = "updating Backup Vault";
pub(super) const OP_DELETE: &str = "deleting Backup Vault";
const OP_LIST: &str = "listing Backup Vaults";
const OP_PUT_LOCK: &str = "putting Backup Vault Lock Configuration";
const OP_DELETE_LOCK: &str = "deleting Backup Vault Lock Configuration";
pub(super) const OP_PUT_POLICY: &str = "putting Backup Vault Access Policy";
pub(super) const OP_READ_POLICY: &str = "reading Backup Vault Access Policy";
const OP_DELETE_POLICY: &str = "deleting Backup Vault Access Policy";

/// The `Sid` of the one statement this provider writes into vault access policies.
pub(super) const COPY_STATEMENT_SID: &str = "AllowCopyIntoBackupVaultFromAccounts";

/// `DescribeBackupVault`; `Ok(None)` when the vault does not exist.
pub(super) async fn describe_vault(
    backend: &AwsBackend,
    operation: &'static str,
    name: &str,
) -> Result<Option<DescribeBackupVaultOutput>, CloudError> {
    backend
        .send(operation, name, || {
            backend
                .client
                .describe_backup_vault()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()
}

/// The vault and its tags (2 calls), or `None`.
pub(super) async fn find_vault_by_name(
    backend: &AwsBackend,
    operation: &'static str,
    name: &str,
) -> Result<Option<VaultState>, CloudError> {
    let Some(out) = describe_vault(backend, operation, name).await? else {
        return Ok(None);
    };
    let arn = out
        .backup_vault_arn()
        .map_or_else(|| backend.vault_arn(name), str::to_owned);
    // A vault deleted between the two calls is gone, not an error.
    let Some(tags) = find_tags_by_arn(backend, operation, name, &arn).await? else {
        return Ok(None);
    };
    Ok(Some(flatten_vault(&out, name, arn, tags)))
}

fn flatten_vault(
    out: &DescribeBackupVaultOutput,
    name: &str,
    arn: String,
    tags: crate::cloud::Tags,
) -> VaultState {
    let lock = out.locked().unwrap_or(false).then(|| VaultLockState {
        min_retention_days: out.min_retention_days(),
        max_retention_days: out.max_retention_days(),
        lock_date: out.lock_date().and_then(|d| SystemTime::try_from(*d).ok()),
    });
    VaultState {
        name: out.backup_vault_name().unwrap_or(name).to_owned(),
        arn,
        kms_key_arn: out
            .encryption_key_arn()
            .filter(|k| !k.is_empty())
            .map(str::to_owned),
        tags,
        recovery_points: out.number_of_recovery_points(),
        lock,
    }
}

/// How long a vault name listing answers [`vault_exists`]: long enough to serve every read of
/// one refresh from one `ListBackupVaults`, short enough that a later command sees changes.
const VAULT_NAMES_TTL: Duration = Duration::from_secs(10);

/// The vault names of an account and region, listed at most once per [`VAULT_NAMES_TTL`] and
/// shared by the backends of one provider configuration. Dropped whenever this provider creates
/// or deletes a vault, so it never answers for a vault this process changed.
#[derive(Debug, Default)]
pub(crate) struct VaultNames(tokio::sync::Mutex<Option<(Instant, BTreeSet<String>)>>);

impl VaultNames {
    /// Forgets the listing: the next question lists again.
    async fn invalidate(&self) {
        *self.0.lock().await = None;
    }
}

/// Drops the shared vault name listing, after a vault was created or deleted.
pub(super) async fn forget_vault_names(backend: &AwsBackend) {
    backend.vault_names.invalidate().await;
}

/// Whether the vault exists, from the shared listing (1 `ListBackupVaults` per 1000 vaults, per
/// refresh); concurrent readers wait for the one listing in flight.
pub(super) async fn vault_exists(backend: &AwsBackend, name: &str) -> Result<bool, CloudError> {
    let mut cached = backend.vault_names.0.lock().await;
    if let Some((at, names)) = cached.as_ref() {
        if at.elapsed() < VAULT_NAMES_TTL {
            return Ok(names.contains(name));
        }
    }
    let mut names = BTreeSet::new();
    backend
        .send_pages(
            OP_LIST,
            name,
            |token| {
                backend
                    .client
                    .list_backup_vaults()
                    .max_results(MAX_RESULTS)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            |page| {
                names.extend(
                    page.backup_vault_list()
                        .iter()
                        .filter_map(|v| v.backup_vault_name().map(str::to_owned)),
                );
                ControlFlow::Continue(())
            },
        )
        .await?;
    let exists = names.contains(name);
    *cached = Some((Instant::now(), names));
    Ok(exists)
}

/// Creates the vault when missing (read + create + describe: 3 calls), or adopts it and
/// reconciles its tags (read + 0–2 tag calls).
pub(super) async fn ensure_vault(
    backend: &AwsBackend,
    spec: &VaultSpec,
) -> Result<VaultState, CloudError> {
    let name = spec.name.as_str();
    if let Some(existing) = find_vault_by_name(backend, OP_READ, name).await? {
        return adopt_vault(backend, spec, existing).await;
    }
    // One token for every attempt, so a retried create after a lost answer is not done twice.
    let token = creator_request_id();
    let created = backend
        .send(OP_CREATE, name, || {
            backend
                .client
                .create_backup_vault()
                .backup_vault_name(name)
                .set_encryption_key_arn(spec.kms_key_arn.clone())
                .set_backup_vault_tags(expand_tags(&spec.tags))
                .creator_request_id(&token)
                .send()
        })
        .await;
    backend.vault_names.invalidate().await;
    match created {
        Ok(_) => {}
        // Created concurrently, or by an attempt whose answer was lost: adopt it.
        Err(err) if err.kind() == ErrorKind::Conflict => {
            let existing = find_vault_by_name(backend, OP_READ, name)
                .await?
                .ok_or(err)?;
            return adopt_vault(backend, spec, existing).await;
        }
        Err(err) => return Err(err),
    }
    // Read after write: AWS is eventually consistent, so a brand-new vault may briefly be missing.
    // Its tags are the ones it was just created with (no ListTags needed).
    let out = backend
        .wait_for(
            OP_CREATE,
            name,
            "the new vault to become readable",
            |once| async move { describe_vault(&once, OP_CREATE, name).await },
        )
        .await?;
    let arn = out
        .backup_vault_arn()
        .map_or_else(|| backend.vault_arn(name), str::to_owned);
    Ok(flatten_vault(&out, name, arn, spec.tags.clone()))
}

async fn adopt_vault(
    backend: &AwsBackend,
    spec: &VaultSpec,
    mut existing: VaultState,
) -> Result<VaultState, CloudError> {
    if let (Some(want), Some(have)) = (&spec.kms_key_arn, &existing.kms_key_arn) {
        if want != have {
            return Err(CloudError::new(
                ErrorKind::InvalidState,
                OP_UPDATE,
                &spec.name,
                format!("the vault exists with encryption key {have}; a vault's key cannot change (replace the vault to use {want})"),
            ));
        }
    }
    if existing.tags != spec.tags {
        update_tags(
            backend,
            OP_UPDATE,
            &spec.name,
            &existing.arn,
            &existing.tags,
            &spec.tags,
        )
        .await?;
        existing.tags = spec.tags.clone();
    }
    Ok(existing)
}

/// Deletes the vault (describe + delete: 2 calls). With `force`, first every recovery point
/// (list pages + per point: delete + polls until gone).
pub(super) async fn delete_vault(
    backend: &AwsBackend,
    name: &str,
    force: bool,
) -> Result<(), CloudError> {
    let Some(vault) = describe_vault(backend, OP_DELETE, name).await? else {
        return Ok(());
    };
    let points = vault.number_of_recovery_points();
    if points > 0 && !force {
        return Err(CloudError::new(
            ErrorKind::InvalidState,
            OP_DELETE,
            name,
            format!(
                "the vault holds {points} recovery point(s), which are not deleted silently: delete them, or set force_destroy = true"
            ),
        ));
    }
    if force {
        delete_recovery_points(backend, name).await?;
    }
    let deleted = backend
        .send(OP_DELETE, name, || {
            backend
                .client
                .delete_backup_vault()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(drop);
    backend.vault_names.invalidate().await;
    deleted
}

/// Deletes every recovery point in the vault and waits until each is gone (AWS deletes them
/// asynchronously, and a vault with points in `DELETING` cannot be deleted yet).
async fn delete_recovery_points(backend: &AwsBackend, vault: &str) -> Result<(), CloudError> {
    for arn in list_recovery_point_arns(backend, vault).await? {
        let deleted = backend
            .send(OP_DELETE, vault, || {
                backend
                    .client
                    .delete_recovery_point()
                    .backup_vault_name(vault)
                    .recovery_point_arn(&arn)
                    .send()
            })
            .await
            .none_if_not_found()?;
        if deleted.is_none() {
            continue;
        }
        wait_recovery_point_deleted(backend, vault, &arn).await?;
    }
    Ok(())
}

async fn list_recovery_point_arns(
    backend: &AwsBackend,
    vault: &str,
) -> Result<Vec<String>, CloudError> {
    let mut arns = Vec::new();
    backend
        .send_pages(
            OP_DELETE,
            vault,
            |token| {
                backend
                    .client
                    .list_recovery_points_by_backup_vault()
                    .backup_vault_name(vault)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            |page| {
                arns.extend(
                    page.recovery_points()
                        .iter()
                        .filter_map(|p| p.recovery_point_arn())
                        .map(str::to_owned),
                );
                ControlFlow::Continue(())
            },
        )
        .await?;
    Ok(arns)
}

/// The recovery point's status (`COMPLETED`, `DELETING`, ...), or `None` once it is gone.
async fn status_recovery_point(
    backend: &AwsBackend,
    vault: &str,
    arn: &str,
) -> Result<Option<String>, CloudError> {
    let found = backend
        .send(OP_DELETE, vault, || {
            backend
                .client
                .describe_recovery_point()
                .backup_vault_name(vault)
                .recovery_point_arn(arn)
                .send()
        })
        .await
        .none_if_not_found()?;
    Ok(found.map(|out| out.status().map_or("UNKNOWN", |s| s.as_str()).to_owned()))
}

async fn wait_recovery_point_deleted(
    backend: &AwsBackend,
    vault: &str,
    arn: &str,
) -> Result<(), CloudError> {
    let what = format!("recovery point {arn} to be deleted");
    backend
        .wait_for(OP_DELETE, vault, &what, |once| async move {
            // EXPIRED points are also gone for the vault's purposes.
            let status = status_recovery_point(&once, vault, arn).await?;
            Ok(matches!(status.as_deref(), None | Some("EXPIRED")).then_some(()))
        })
        .await
}

/// How many recovery points the vault holds (1 call); `NotFound` when the vault does not exist.
pub(super) async fn count_recovery_points(
    backend: &AwsBackend,
    vault: &str,
) -> Result<i64, CloudError> {
    match describe_vault(backend, OP_READ, vault).await? {
        Some(out) => Ok(out.number_of_recovery_points()),
        None => Err(CloudError::new(
            ErrorKind::NotFound,
            OP_READ,
            vault,
            "the vault does not exist".to_owned(),
        )),
    }
}

/// `PutBackupVaultLockConfiguration` (1 call).
pub(super) async fn put_vault_lock(
    backend: &AwsBackend,
    name: &str,
    lock: &VaultLockSpec,
) -> Result<(), CloudError> {
    backend
        .send(OP_PUT_LOCK, name, || {
            backend
                .client
                .put_backup_vault_lock_configuration()
                .backup_vault_name(name)
                .set_min_retention_days(lock.min_retention_days)
                .set_max_retention_days(lock.max_retention_days)
                .set_changeable_for_days(lock.changeable_for_days)
                .send()
        })
        .await
        .map(drop)
}

/// `DeleteBackupVaultLockConfiguration` (1 call); a missing vault counts as done.
pub(super) async fn delete_vault_lock(backend: &AwsBackend, name: &str) -> Result<(), CloudError> {
    backend
        .send(OP_DELETE_LOCK, name, || {
            backend
                .client
                .delete_backup_vault_lock_configuration()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(drop)
}

/// `PutBackupVaultAccessPolicy` (1 call); an empty list deletes the policy instead.
pub(super) async fn put_vault_access_policy(
    backend: &AwsBackend,
    name: &str,
    accounts: &[String],
) -> Result<(), CloudError> {
    if accounts.is_empty() {
        return delete_vault_access_policy(backend, name).await;
    }
    let policy = expand_access_policy(&backend.partition, &backend.vault_arn(name), accounts);
    backend
        .send(OP_PUT_POLICY, name, || {
            backend
                .client
                .put_backup_vault_access_policy()
                .backup_vault_name(name)
                .policy(&policy)
                .send()
        })
        .await
        .map(drop)
}

/// `GetBackupVaultAccessPolicy` (1 call): the accounts allowed to copy in, or `None` without a policy.
pub(super) async fn find_vault_access_policy(
    backend: &AwsBackend,
    name: &str,
) -> Result<Option<Vec<String>>, CloudError> {
    let found = backend
        .send(OP_READ_POLICY, name, || {
            backend
                .client
                .get_backup_vault_access_policy()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()?;
    Ok(found.map(|out| flatten_access_policy(out.policy().unwrap_or_default())))
}

/// `DeleteBackupVaultAccessPolicy` (1 call); a missing policy or vault counts as done.
pub(super) async fn delete_vault_access_policy(
    backend: &AwsBackend,
    name: &str,
) -> Result<(), CloudError> {
    backend
        .send(OP_DELETE_POLICY, name, || {
            backend
                .client
                .delete_backup_vault_access_policy()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(drop)
}

/// A policy with one statement letting the accounts' principals copy recovery points into the vault
/// (what `allow_copy_from_accounts` means). Accounts are sorted so the document is stable.
pub(super) fn expand_access_policy(
    partition: &str,
    vault_arn: &str,
    accounts: &[String],
) -> String {
    let mut accounts: Vec<&String> = accounts.iter().collect();
    accounts.sort();
    accounts.dedup();
    let principals: Vec<String> = accounts
        .iter()
        .map(|a| format!("arn:{partition}:iam::{a}:root"))
        .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": COPY_STATEMENT_SID,
            "Effect": "Allow",
            "Principal": { "AWS": principals },
            "Action": "backup:CopyIntoBackupVault",
            "Resource": vault_arn,
        }]
    })
    .to_string()
}

/// The accounts our statement lets in, sorted. AWS may rewrite the document (a one-element list
/// becomes a string, `root` ARNs become bare ids), so both spellings are read. A policy without our
/// statement yields an empty list, which the resource sees as drift.
pub(super) fn flatten_access_policy(policy: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<Value>(policy) else {
        return Vec::new();
    };
    let statements = match &doc["Statement"] {
        Value::Array(list) => list.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        _ => Vec::new(),
    };
    let mut accounts: Vec<String> = statements
        .iter()
        .filter(|s| s["Sid"] == COPY_STATEMENT_SID)
        .flat_map(|s| match &s["Principal"]["AWS"] {
            Value::String(p) => vec![p.clone()],
            Value::Array(ps) => ps
                .iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        })
        .map(|principal| account_of_principal(&principal))
        .collect();
    accounts.sort();
    accounts.dedup();
    accounts
}

/// `arn:aws:iam::222222222222:root` → `222222222222`; a bare id stays as it is.
fn account_of_principal(principal: &str) -> String {
    principal
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .unwrap_or(principal)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_policy_round_trips_sorted_and_deduplicated() {
        let accounts = vec![
            "333333333333".to_string(),
            "222222222222".to_string(),
            "333333333333".to_string(),
        ];
        let doc = expand_access_policy(
            "aws",
            "arn:aws:backup:eu-west-1:111111111111:backup-vault:v",
            &accounts,
        );
        assert!(doc.contains("backup:CopyIntoBackupVault"));
        assert!(doc.contains("arn:aws:iam::222222222222:root"));
        assert_eq!(
            flatten_access_policy(&doc),
            vec!["222222222222", "333333333333"]
        );
    }

    #[test]
    fn access_policy_reads_aws_rewrites_and_ignores_foreign_statements() {
        let rewritten = json!({
            "Version": "2012-10-17",
            "Statement": { "Sid": COPY_STATEMENT_SID, "Effect": "Allow", "Principal": { "AWS": "222222222222" },
                           "Action": "backup:CopyIntoBackupVault", "Resource": "*" }
        });
        assert_eq!(
            flatten_access_policy(&rewritten.to_string()),
            vec!["222222222222"]
        );
        let foreign =
            json!({ "Statement": [{ "Sid": "Other", "Principal": { "AWS": "444444444444" } }] });
        assert!(flatten_access_policy(&foreign.to_string()).is_empty());
        assert!(flatten_access_policy("not json").is_empty());
    }
}
