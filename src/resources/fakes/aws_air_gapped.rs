//! The fake account's logically air-gapped vaults.

use async_trait::async_trait;

use super::aws::FakeAws;
use crate::cloud::{
    AirGappedVaultSpec, AirGappedVaultState, AirGappedVaults, BackupBackend, CloudError, ErrorKind,
};

/// A name taken by a standard vault, as AWS's DescribeBackupVault would show it.
fn standard_vault(operation: &'static str, name: &str) -> CloudError {
    CloudError::new(
        ErrorKind::InvalidState,
        operation,
        name,
        "a vault of type BACKUP_VAULT has this name",
    )
}

#[async_trait]
impl AirGappedVaults for FakeAws {
    async fn ensure_air_gapped_vault(
        &self,
        spec: &AirGappedVaultSpec,
    ) -> Result<AirGappedVaultState, CloudError> {
        let arn = self.vault_arn(&spec.name);
        let mut world = self.world();
        world.calls.record("ensure_air_gapped_vault", &spec.name)?;
        if world.vaults.contains_key(&spec.name) {
            return Err(standard_vault("creating", &spec.name));
        }
        let vault = world
            .air_gapped_vaults
            .entry(spec.name.clone())
            .or_insert_with(|| AirGappedVaultState {
                name: spec.name.clone(),
                arn,
                min_retention_days: Some(spec.min_retention_days),
                max_retention_days: Some(spec.max_retention_days),
                state: "AVAILABLE".into(),
                recovery_points: 0,
            });
        let range = (vault.min_retention_days, vault.max_retention_days);
        if range != (Some(spec.min_retention_days), Some(spec.max_retention_days)) {
            return Err(CloudError::new(
                ErrorKind::InvalidState,
                "creating Logically Air-Gapped Backup Vault",
                &spec.name,
                "the vault exists with another retention range",
            ));
        }
        Ok(vault.clone())
    }

    async fn find_air_gapped_vault(
        &self,
        name: &str,
    ) -> Result<Option<AirGappedVaultState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_air_gapped_vault", name)?;
        if world.vaults.contains_key(name) {
            return Err(standard_vault("reading", name));
        }
        Ok(world.air_gapped_vaults.get(name).cloned())
    }

    async fn delete_air_gapped_vault(&self, name: &str, force: bool) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_air_gapped_vault", name)?;
        if let Some(vault) = world.air_gapped_vaults.get(name) {
            if vault.recovery_points > 0 && !force {
                return Err(CloudError::new(
                    ErrorKind::InvalidState,
                    "deleting Backup Vault",
                    name,
                    "the vault holds recovery points",
                ));
            }
        }
        world.air_gapped_vaults.remove(name);
        Ok(())
    }
}
