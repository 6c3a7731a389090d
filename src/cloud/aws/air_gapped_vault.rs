//! Logically air-gapped vaults (`CreateLogicallyAirGappedBackupVault`), read and deleted through
//! the vault calls every vault type shares (`DescribeBackupVault`, `DeleteBackupVault`).

use async_trait::async_trait;
use aws_sdk_backup::operation::describe_backup_vault::DescribeBackupVaultOutput;
use aws_sdk_backup::types::VaultType;

use super::tags::expand_tags;
use super::vault::{self, describe_vault, OP_READ};
use super::AwsBackend;
use crate::cloud::air_gapped_vault::{
    air_gapped_creator_request_id, AirGappedVaultSpec, AirGappedVaultState, AirGappedVaults,
};
use crate::cloud::backend::BackupBackend;
use crate::cloud::error::{CloudError, ErrorKind};

const OP_CREATE: &str = "creating Logically Air-Gapped Backup Vault";
const OP_DELETE: &str = "deleting Logically Air-Gapped Backup Vault";
/// The state of a vault AWS is still setting up; copies into it fail until it is `AVAILABLE`.
const CREATING: &str = "CREATING";

/// `DescribeBackupVault` of an air-gapped vault; `Ok(None)` when no vault has the name, and
/// `InvalidState` when the name is another type of vault's.
async fn find_air_gapped_vault(
    backend: &AwsBackend,
    operation: &'static str,
    name: &str,
) -> Result<Option<AirGappedVaultState>, CloudError> {
    let Some(out) = describe_vault(backend, operation, name).await? else {
        return Ok(None);
    };
    if out.vault_type() != Some(&VaultType::LogicallyAirGappedBackupVault) {
        let kind = out.vault_type().map_or("BACKUP_VAULT", |t| t.as_str());
        return Err(CloudError::new(
            ErrorKind::InvalidState,
            operation,
            name,
            format!(
                "a vault of type {kind} has this name; an air-gapped vault needs a name no other vault of the account and region has"
            ),
        ));
    }
    Ok(Some(flatten_air_gapped_vault(backend, &out, name)))
}

fn flatten_air_gapped_vault(
    backend: &AwsBackend,
    out: &DescribeBackupVaultOutput,
    name: &str,
) -> AirGappedVaultState {
    AirGappedVaultState {
        name: out.backup_vault_name().unwrap_or(name).to_owned(),
        arn: out
            .backup_vault_arn()
            .map_or_else(|| backend.vault_arn(name), str::to_owned),
        min_retention_days: out.min_retention_days(),
        max_retention_days: out.max_retention_days(),
        state: out
            .vault_state()
            .map_or("AVAILABLE", |s| s.as_str())
            .to_owned(),
        recovery_points: out.number_of_recovery_points(),
    }
}

/// Adopts `existing` when its retention range is the spec's.
fn adopt(
    spec: &AirGappedVaultSpec,
    existing: AirGappedVaultState,
) -> Result<AirGappedVaultState, CloudError> {
    let have = (existing.min_retention_days, existing.max_retention_days);
    if have != (Some(spec.min_retention_days), Some(spec.max_retention_days)) {
        let days = |d: Option<i64>| d.map_or_else(|| "unset".to_owned(), |d| d.to_string());
        return Err(CloudError::new(
            ErrorKind::InvalidState,
            OP_CREATE,
            &spec.name,
            format!(
                "the vault exists with a retention range of {}–{} days, and the effective guardrails ask for {}–{}; \
                 AWS fixes an air-gapped vault's range when it is created: give the new range a new vault name",
                days(have.0),
                days(have.1),
                spec.min_retention_days,
                spec.max_retention_days
            ),
        ));
    }
    Ok(existing)
}

/// Waits while AWS sets the vault up; a `FAILED` vault is an error.
async fn wait_available(
    backend: &AwsBackend,
    name: &str,
) -> Result<AirGappedVaultState, CloudError> {
    let vault = backend
        .wait_for(
            OP_CREATE,
            name,
            "the new air-gapped vault to become available",
            |once| async move {
                let found = find_air_gapped_vault(&once, OP_CREATE, name).await?;
                Ok(found.filter(|v| v.state != CREATING))
            },
        )
        .await?;
    if vault.state == "FAILED" {
        return Err(CloudError::new(
            ErrorKind::InvalidState,
            OP_CREATE,
            name,
            "AWS reports the vault FAILED; delete it and apply again".to_owned(),
        ));
    }
    Ok(vault)
}

/// Describe, then create when missing (describe + create + describes until available), or adopt.
async fn ensure_air_gapped_vault(
    backend: &AwsBackend,
    spec: &AirGappedVaultSpec,
) -> Result<AirGappedVaultState, CloudError> {
    let name = spec.name.as_str();
    if let Some(existing) = find_air_gapped_vault(backend, OP_READ, name).await? {
        adopt(spec, existing)?;
        return wait_available(backend, name).await;
    }
    let token = air_gapped_creator_request_id(&backend.account_id, &backend.region, name);
    let created = backend
        .send(OP_CREATE, name, || {
            backend
                .client
                .create_logically_air_gapped_backup_vault()
                .backup_vault_name(name)
                .min_retention_days(spec.min_retention_days)
                .max_retention_days(spec.max_retention_days)
                .set_backup_vault_tags(expand_tags(&spec.tags))
                .creator_request_id(&token)
                .send()
        })
        .await;
    vault::forget_vault_names(backend).await;
    match created {
        Ok(_) => {}
        // Made by an attempt whose answer was lost, or concurrently: adopt it.
        Err(err) if err.kind() == ErrorKind::Conflict => {
            let existing = find_air_gapped_vault(backend, OP_READ, name)
                .await?
                .ok_or(err)?;
            adopt(spec, existing)?;
        }
        Err(err) => return Err(err),
    }
    wait_available(backend, name).await
}

#[async_trait]
impl AirGappedVaults for AwsBackend {
    async fn ensure_air_gapped_vault(
        &self,
        spec: &AirGappedVaultSpec,
    ) -> Result<AirGappedVaultState, CloudError> {
        ensure_air_gapped_vault(self, spec).await
    }

    async fn find_air_gapped_vault(
        &self,
        name: &str,
    ) -> Result<Option<AirGappedVaultState>, CloudError> {
        find_air_gapped_vault(self, OP_READ, name).await
    }

    async fn delete_air_gapped_vault(&self, name: &str, force: bool) -> Result<(), CloudError> {
        // Checked first: the vault calls below would delete a standard vault of the name just as well.
        if find_air_gapped_vault(self, OP_DELETE, name)
            .await?
            .is_none()
        {
            return Ok(());
        }
        vault::delete_vault(self, name, force).await
    }
}
