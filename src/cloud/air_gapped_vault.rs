//! Logically air-gapped backup vaults: AWS Backup vaults locked in compliance mode by AWS, whose
//! retention range is fixed when they are created, used as copy targets of an app's plan.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::backend::Tags;
use super::error::CloudError;

/// The shortest `MinRetentionDays` AWS accepts for a logically air-gapped vault.
pub const AIR_GAPPED_MIN_RETENTION_FLOOR: i64 = 7;

/// A logically air-gapped vault to create or adopt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AirGappedVaultSpec {
    /// The vault's name; unique among all the vaults of the account and region.
    pub name: String,
    /// The shortest retention a recovery point in the vault may have (at least 7 days).
    pub min_retention_days: i64,
    /// The longest retention a recovery point in the vault may have.
    pub max_retention_days: i64,
    /// The tags the vault is created with.
    pub tags: Tags,
}

/// A logically air-gapped vault as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AirGappedVaultState {
    /// The vault's name.
    pub name: String,
    /// The vault's ARN.
    pub arn: String,
    /// The retention range the vault was created with.
    pub min_retention_days: Option<i64>,
    /// The retention range the vault was created with.
    pub max_retention_days: Option<i64>,
    /// `CREATING`, `AVAILABLE` or `FAILED`.
    pub state: String,
    /// How many recovery points the vault holds.
    pub recovery_points: i64,
}

/// The `CreatorRequestId` of the create of the air-gapped vault `name`: the same for every attempt
/// and every apply, so a create whose answer was lost (a retry, or an apply killed mid-call) is the
/// same request to AWS, and the vault it made is recognised as ours when adopted.
pub fn air_gapped_creator_request_id(account_id: &str, region: &str, name: &str) -> String {
    let digest = Sha256::digest(format!("{account_id}/{region}/{name}"));
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    // 1 to 50 alphanumeric or '-_.' characters (the API's rule).
    format!("terraform-provider-backup-{hex}")
}

/// The air-gapped vault operations of one account and region.
///
/// A vault of the name that is not air-gapped is an `InvalidState` error for all of them: the
/// provider never turns a standard vault into an air-gapped copy target, nor deletes one by mistake.
#[async_trait]
pub trait AirGappedVaults: Send + Sync {
    /// Creates the vault (`CreateLogicallyAirGappedBackupVault`), or adopts an air-gapped vault of
    /// the name whose retention range is the spec's; a different range is `InvalidState` (AWS fixes
    /// it at creation). Returns once the vault is no longer `CREATING`.
    async fn ensure_air_gapped_vault(
        &self,
        spec: &AirGappedVaultSpec,
    ) -> Result<AirGappedVaultState, CloudError>;

    /// The air-gapped vault named `name`, or `None`.
    async fn find_air_gapped_vault(
        &self,
        name: &str,
    ) -> Result<Option<AirGappedVaultState>, CloudError>;

    /// Deletes the air-gapped vault; one holding recovery points is refused with `InvalidState`
    /// unless `force`, which deletes them first (AWS refuses that before their retention ends).
    /// A missing vault counts as done.
    async fn delete_air_gapped_vault(&self, name: &str, force: bool) -> Result<(), CloudError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creator_request_ids_are_stable_short_and_per_vault() {
        let id = air_gapped_creator_request_id("111111111111", "eu-west-1", "org-airgap");
        assert_eq!(
            id,
            air_gapped_creator_request_id("111111111111", "eu-west-1", "org-airgap")
        );
        assert!(id.len() <= 50, "{id}");
        assert!(id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        assert_ne!(
            id,
            air_gapped_creator_request_id("111111111111", "eu-west-1", "other")
        );
        assert_ne!(
            id,
            air_gapped_creator_request_id("222222222222", "eu-west-1", "org-airgap")
        );
    }
}
