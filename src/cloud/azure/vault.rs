//! Recovery Services vaults: `Vaults_CreateOrUpdate` (PUT, LRO via `Location`), `Vaults_Get`,
//! `Vaults_Update` (PATCH, LRO; only to turn soft delete off), `Vaults_Delete` (LRO).

use reqwest::Method;

use super::arm::{ArmClient, Subject, VAULTS_API_VERSION};
use super::backend::{SoftDeleteState, VaultRef, VaultSpec, VaultState};
use super::bodies::vault::{
    ImmutabilitySettings, RedundancySettings, SecuritySettings, Sku, SoftDeleteSettings, Vault,
    VaultProperties,
};
use crate::cloud::error::CloudError;

pub(crate) fn vault_path(subscription: &str, vault: &VaultRef) -> String {
    format!(
        "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
        vault.resource_group, vault.name
    )
}

/// The PUT body of a vault: only the settings the spec sets.
fn expand(spec: &VaultSpec) -> Vault {
    let redundancy = RedundancySettings {
        standard_tier_storage_redundancy: spec.storage_redundancy.map(|r| r.as_str().to_owned()),
        cross_region_restore: spec
            .cross_region_restore
            .map(|crr| if crr { "Enabled" } else { "Disabled" }.to_owned()),
    };
    let soft_delete = (spec.soft_delete.is_some() || spec.soft_delete_retention_days.is_some())
        .then(|| SoftDeleteSettings {
            soft_delete_state: spec.soft_delete.map(|s| s.as_str().to_owned()),
            soft_delete_retention_period_in_days: spec.soft_delete_retention_days.map(i64::from),
        });
    let immutability = spec.immutability.map(|i| ImmutabilitySettings {
        state: Some(i.as_str().to_owned()),
    });
    let has_redundancy = redundancy.standard_tier_storage_redundancy.is_some()
        || redundancy.cross_region_restore.is_some();
    let has_security = soft_delete.is_some() || immutability.is_some();
    let (identity, encryption) = match &spec.encryption {
        Some(e) => {
            let (identity, body) = super::bodies::vault_encryption::expand(e);
            (Some(identity), Some(body))
        }
        None => (None, None),
    };
    Vault {
        identity,
        location: Some(spec.location.clone()),
        tags: Some(spec.tags.clone()),
        sku: Some(Sku {
            name: Some(spec.sku.clone()),
        }),
        properties: Some(VaultProperties {
            redundancy_settings: has_redundancy.then_some(redundancy),
            security_settings: has_security.then_some(SecuritySettings {
                soft_delete_settings: soft_delete,
                immutability_settings: immutability,
            }),
            encryption,
            provisioning_state: None,
        }),
        ..Vault::default()
    }
}

pub(super) fn flatten(vault: &VaultRef, body: Vault) -> VaultState {
    let properties = body.properties.unwrap_or_default();
    let redundancy = properties.redundancy_settings.unwrap_or_default();
    let security = properties.security_settings.unwrap_or_default();
    let soft_delete = security.soft_delete_settings.unwrap_or_default();
    VaultState {
        id: body.id.unwrap_or_default(),
        resource_group: vault.resource_group.clone(),
        name: body.name.unwrap_or_else(|| vault.name.clone()),
        location: body.location.unwrap_or_default(),
        sku: body.sku.and_then(|s| s.name).unwrap_or_default(),
        storage_redundancy: redundancy
            .standard_tier_storage_redundancy
            .and_then(|s| s.parse().ok()),
        cross_region_restore: redundancy
            .cross_region_restore
            .map(|s| s.eq_ignore_ascii_case("Enabled")),
        soft_delete: soft_delete.soft_delete_state.and_then(|s| s.parse().ok()),
        soft_delete_retention_days: soft_delete
            .soft_delete_retention_period_in_days
            .and_then(|d| i32::try_from(d).ok()),
        immutability: security
            .immutability_settings
            .and_then(|i| i.state)
            .and_then(|s| s.parse().ok()),
        encryption: super::bodies::vault_encryption::flatten(properties.encryption),
        tags: body.tags.unwrap_or_default(),
        provisioning_state: properties.provisioning_state,
    }
}

pub(crate) async fn ensure_vault(
    arm: &ArmClient,
    spec: &VaultSpec,
) -> Result<VaultState, CloudError> {
    let vault = VaultRef::new(&spec.resource_group, &spec.name);
    let subject = Subject {
        operation: "creating Recovery Services Vault",
        name: &spec.name,
    };
    let body = expand(spec);
    write_vault(
        arm,
        &vault,
        Method::PUT,
        &body,
        subject,
        "the vault is gone after it was created",
    )
    .await
}

/// Sends a vault write (a long-running PUT or PATCH) and returns the vault as ARM then reports
/// it: from the operation's final response, or read back when that response holds no vault.
async fn write_vault(
    arm: &ArmClient,
    vault: &VaultRef,
    method: Method,
    body: &Vault,
    subject: Subject<'_>,
    gone: &str,
) -> Result<VaultState, CloudError> {
    let path = vault_path(arm.subscription_id(), vault);
    let written: Vault = arm
        .write(
            method,
            &path,
            VAULTS_API_VERSION,
            body,
            subject,
            gone,
            |v: &Vault| v.id.is_some(),
        )
        .await?;
    Ok(flatten(vault, written))
}

pub(crate) async fn find_vault(
    arm: &ArmClient,
    vault: &VaultRef,
) -> Result<Option<VaultState>, CloudError> {
    let path = vault_path(arm.subscription_id(), vault);
    let subject = Subject {
        operation: "reading Recovery Services Vault",
        name: &vault.name,
    };
    Ok(arm
        .get_as::<Vault>(&path, VAULTS_API_VERSION, subject)
        .await?
        .map(|body| flatten(vault, body)))
}

pub(crate) async fn disable_soft_delete(
    arm: &ArmClient,
    vault: &VaultRef,
) -> Result<VaultState, CloudError> {
    let subject = Subject {
        operation: "disabling soft delete of Recovery Services Vault",
        name: &vault.name,
    };
    // A PATCH changes only this setting; a PUT would have to restate the whole vault.
    let body = Vault {
        properties: Some(VaultProperties {
            security_settings: Some(SecuritySettings {
                soft_delete_settings: Some(SoftDeleteSettings {
                    soft_delete_state: Some(SoftDeleteState::Disabled.as_str().to_owned()),
                    ..SoftDeleteSettings::default()
                }),
                ..SecuritySettings::default()
            }),
            ..VaultProperties::default()
        }),
        ..Vault::default()
    };
    write_vault(
        arm,
        vault,
        Method::PATCH,
        &body,
        subject,
        "the vault is gone",
    )
    .await
}

pub(crate) async fn delete_vault(arm: &ArmClient, vault: &VaultRef) -> Result<(), CloudError> {
    let path = vault_path(arm.subscription_id(), vault);
    let subject = Subject {
        operation: "deleting Recovery Services Vault",
        name: &vault.name,
    };
    arm.delete(&path, VAULTS_API_VERSION, subject)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::super::backend::{ImmutabilityState, StorageRedundancy};
    use super::super::bodies::to_json;
    use super::*;

    #[test]
    fn expand_then_flatten_round_trips() {
        let mut spec = VaultSpec::new("rg", "v", "westeurope");
        spec.storage_redundancy = Some(StorageRedundancy::GeoRedundant);
        spec.cross_region_restore = Some(true);
        spec.soft_delete = Some(SoftDeleteState::AlwaysOn);
        spec.immutability = Some(ImmutabilityState::Unlocked);
        let mut body = to_json(&expand(&spec));
        assert_eq!(
            body["properties"]["securitySettings"]["softDeleteSettings"]["softDeleteState"],
            "AlwaysON"
        );
        body["id"] = serde_json::json!("/x");
        let state = flatten(
            &VaultRef::new("rg", "v"),
            serde_json::from_value(body).unwrap(),
        );
        assert_eq!(state.storage_redundancy, spec.storage_redundancy);
        assert_eq!(state.cross_region_restore, Some(true));
        assert_eq!(state.soft_delete, spec.soft_delete);
        assert_eq!(state.immutability, spec.immutability);
    }

    #[test]
    fn a_customer_managed_key_round_trips_and_its_loss_is_weaker() {
        let mut spec = VaultSpec::new("rg", "v", "westeurope");
        spec.encryption = Some(super::super::backend::VaultEncryption {
            key_uri: "https://kv.vault.azure.net/keys/backup".into(),
            user_assigned_identity_id: None,
        });
        let body = to_json(&expand(&spec));
        assert_eq!(body["identity"]["type"], "SystemAssigned");
        assert_eq!(
            body["properties"]["encryption"]["kekIdentity"]["useSystemAssignedIdentity"],
            true
        );
        let state = flatten(
            &VaultRef::new("rg", "v"),
            serde_json::from_value(body).unwrap(),
        );
        assert_eq!(state.encryption, spec.encryption);
        assert!(spec.weaker_in(&state).is_empty());
        let mut lost = state.clone();
        lost.encryption = None;
        let weaker = spec.weaker_in(&lost);
        assert_eq!(weaker.len(), 1);
        assert_eq!(
            (weaker[0].attribute, weaker[0].found),
            ("encryption", "platform-managed keys")
        );
        // A vault without a key in its spec sends neither identity nor encryption.
        let plain = to_json(&expand(&VaultSpec::new("rg", "v", "westeurope")));
        assert!(plain.get("identity").is_none());
        assert!(plain["properties"].get("encryption").is_none());
    }
}
