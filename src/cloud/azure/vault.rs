//! Recovery Services vaults: `Vaults_CreateOrUpdate` (PUT, LRO via `Location`), `Vaults_Get`,
//! `Vaults_Update` (PATCH, LRO; only to turn soft delete off), `Vaults_Delete` (LRO).

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::arm::{ArmClient, FinalState, Subject, VAULTS_API_VERSION};
use super::backend::{AzureTags, SoftDeleteState, VaultRef, VaultSpec, VaultState};
use crate::cloud::error::{CloudError, ErrorKind};

pub(crate) fn vault_path(subscription: &str, vault: &VaultRef) -> String {
    format!(
        "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.RecoveryServices/vaults/{}",
        vault.resource_group, vault.name
    )
}

/// The PUT body of a vault.
fn expand(spec: &VaultSpec) -> Value {
    let mut properties = Map::new();
    let mut redundancy = Map::new();
    if let Some(r) = spec.storage_redundancy {
        redundancy.insert("standardTierStorageRedundancy".into(), json!(r.as_str()));
    }
    if let Some(crr) = spec.cross_region_restore {
        redundancy.insert(
            "crossRegionRestore".into(),
            json!(if crr { "Enabled" } else { "Disabled" }),
        );
    }
    if !redundancy.is_empty() {
        properties.insert("redundancySettings".into(), Value::Object(redundancy));
    }
    let mut security = Map::new();
    if spec.soft_delete.is_some() || spec.soft_delete_retention_days.is_some() {
        let mut soft = Map::new();
        if let Some(s) = spec.soft_delete {
            soft.insert("softDeleteState".into(), json!(s.as_str()));
        }
        if let Some(days) = spec.soft_delete_retention_days {
            soft.insert("softDeleteRetentionPeriodInDays".into(), json!(days));
        }
        security.insert("softDeleteSettings".into(), Value::Object(soft));
    }
    if let Some(i) = spec.immutability {
        security.insert(
            "immutabilitySettings".into(),
            json!({ "state": i.as_str() }),
        );
    }
    if !security.is_empty() {
        properties.insert("securitySettings".into(), Value::Object(security));
    }
    json!({
        "location": spec.location,
        "tags": spec.tags,
        "sku": { "name": spec.sku },
        "properties": properties,
    })
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn flatten(vault: &VaultRef, body: &Value) -> VaultState {
    let tags: AzureTags = body
        .get("tags")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    VaultState {
        id: str_at(body, "/id").unwrap_or_default().to_owned(),
        resource_group: vault.resource_group.clone(),
        name: str_at(body, "/name").unwrap_or(&vault.name).to_owned(),
        location: str_at(body, "/location").unwrap_or_default().to_owned(),
        sku: str_at(body, "/sku/name").unwrap_or_default().to_owned(),
        storage_redundancy: str_at(
            body,
            "/properties/redundancySettings/standardTierStorageRedundancy",
        )
        .and_then(|s| s.parse().ok()),
        cross_region_restore: str_at(body, "/properties/redundancySettings/crossRegionRestore")
            .map(|s| s.eq_ignore_ascii_case("Enabled")),
        soft_delete: str_at(
            body,
            "/properties/securitySettings/softDeleteSettings/softDeleteState",
        )
        .and_then(|s| s.parse().ok()),
        soft_delete_retention_days: body
            .pointer(
                "/properties/securitySettings/softDeleteSettings/softDeleteRetentionPeriodInDays",
            )
            .and_then(Value::as_i64)
            .and_then(|d| i32::try_from(d).ok()),
        immutability: str_at(
            body,
            "/properties/securitySettings/immutabilitySettings/state",
        )
        .and_then(|s| s.parse().ok()),
        tags,
        provisioning_state: str_at(body, "/properties/provisioningState").map(str::to_owned),
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
    body: &Value,
    subject: Subject<'_>,
    gone: &str,
) -> Result<VaultState, CloudError> {
    let path = vault_path(arm.subscription_id(), vault);
    let result = arm
        .long_running(
            method,
            &path,
            VAULTS_API_VERSION,
            Some(body),
            FinalState::Location,
            subject,
        )
        .await?;
    let result = match result {
        Some(v) if v.get("id").is_some() => v,
        _ => arm
            .get(&path, VAULTS_API_VERSION, subject)
            .await?
            .ok_or_else(|| {
                CloudError::new(ErrorKind::NotFound, subject.operation, &vault.name, gone)
            })?,
    };
    Ok(flatten(vault, &result))
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
        .get(&path, VAULTS_API_VERSION, subject)
        .await?
        .map(|body| flatten(vault, &body)))
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
    let body = json!({
        "properties": {
            "securitySettings": {
                "softDeleteSettings": { "softDeleteState": SoftDeleteState::Disabled.as_str() }
            }
        }
    });
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
    match arm
        .long_running(
            Method::DELETE,
            &path,
            VAULTS_API_VERSION,
            None,
            FinalState::None,
            subject,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::backend::{ImmutabilityState, StorageRedundancy};
    use super::*;

    #[test]
    fn expand_then_flatten_round_trips() {
        let mut spec = VaultSpec::new("rg", "v", "westeurope");
        spec.storage_redundancy = Some(StorageRedundancy::GeoRedundant);
        spec.cross_region_restore = Some(true);
        spec.soft_delete = Some(SoftDeleteState::AlwaysOn);
        spec.immutability = Some(ImmutabilityState::Unlocked);
        let mut body = expand(&spec);
        assert_eq!(
            body["properties"]["securitySettings"]["softDeleteSettings"]["softDeleteState"],
            "AlwaysON"
        );
        body["id"] = json!("/x");
        let state = flatten(&VaultRef::new("rg", "v"), &body);
        assert_eq!(state.storage_redundancy, spec.storage_redundancy);
        assert_eq!(state.cross_region_restore, Some(true));
        assert_eq!(state.soft_delete, spec.soft_delete);
        assert_eq!(state.immutability, spec.immutability);
    }
}
