//! Multi-user authorization on a vault: its association with a Resource Guard
//! (`Microsoft.DataProtection/resourceGuards`), the vault's `backupResourceGuardProxies/VaultProxy`
//! (`ResourceGuardProxy_Put` / `_Get` / `_Delete` in the BMS spec, all synchronous).
//!
//! Removing the association is itself a critical operation the guard protects: Azure takes the
//! DELETE only after `ResourceGuardProxy_UnlockDelete` names the guard's
//! `deleteResourceGuardProxyRequests/default` operation and the proxy, by a caller the guard
//! allows (the Backup MUA Operator role on the guard).

use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;

use super::arm::{ArmClient, Subject, BACKUP_API_VERSION};
use super::vault::vault_path;
use super::{ArmBackend, VaultRef};
use crate::cloud::error::{CloudError, GoneIsNone};

/// The one proxy name Azure accepts for a vault's Resource Guard association.
pub const VAULT_PROXY: &str = "VaultProxy";

/// A vault's association with a Resource Guard: a supertrait of
/// [`AzureBackend`](super::AzureBackend).
#[async_trait]
pub trait AzureResourceGuards: Send + Sync {
    /// The Resource Guard the vault is associated with, `None` without an association.
    async fn find_resource_guard(&self, vault: &VaultRef) -> Result<Option<String>, CloudError>;
    /// Associates the vault with the Resource Guard `guard_id` (replacing another one).
    async fn put_resource_guard(&self, vault: &VaultRef, guard_id: &str) -> Result<(), CloudError>;
    /// Removes the vault's association with `guard_id`: unlock, then delete; gone is done.
    async fn delete_resource_guard(
        &self,
        vault: &VaultRef,
        guard_id: &str,
    ) -> Result<(), CloudError>;
}

fn proxy_path(subscription: &str, vault: &VaultRef) -> String {
    format!(
        "{}/backupResourceGuardProxies/{VAULT_PROXY}",
        vault_path(subscription, vault)
    )
}

/// The operation of `guard_id` that unlocks removing a vault's association with it.
pub fn delete_proxy_request(guard_id: &str) -> String {
    format!(
        "{}/deleteResourceGuardProxyRequests/default",
        guard_id.trim_end_matches('/')
    )
}

async fn find(arm: &ArmClient, vault: &VaultRef) -> Result<Option<String>, CloudError> {
    let subject = Subject {
        operation: "reading Resource Guard association",
        name: &vault.name,
    };
    let path = proxy_path(arm.subscription_id(), vault);
    let Some(body) = arm.get(&path, BACKUP_API_VERSION, subject).await? else {
        return Ok(None);
    };
    Ok(body["properties"]["resourceGuardResourceId"]
        .as_str()
        .filter(|id| !id.is_empty())
        .map(str::to_owned))
}

async fn put(arm: &ArmClient, vault: &VaultRef, guard_id: &str) -> Result<(), CloudError> {
    let subject = Subject {
        operation: "associating Resource Guard",
        name: &vault.name,
    };
    let body = json!({ "properties": { "resourceGuardResourceId": guard_id } });
    let path = proxy_path(arm.subscription_id(), vault);
    arm.send(Method::PUT, &path, BACKUP_API_VERSION, Some(&body), subject)
        .await
        .map(drop)
}

async fn delete(arm: &ArmClient, vault: &VaultRef, guard_id: &str) -> Result<(), CloudError> {
    let path = proxy_path(arm.subscription_id(), vault);
    let unlock = Subject {
        operation: "unlocking removal of Resource Guard association",
        name: &vault.name,
    };
    let body = json!({
        "resourceGuardOperationRequests": [delete_proxy_request(guard_id)],
        "resourceToBeDeleted": path,
    });
    let unlocked = arm
        .send(
            Method::POST,
            &format!("{path}/unlockDelete"),
            BACKUP_API_VERSION,
            Some(&body),
            unlock,
        )
        .await
        .none_if_not_found()?;
    if unlocked.is_none() {
        return Ok(());
    }
    let subject = Subject {
        operation: "removing Resource Guard association",
        name: &vault.name,
    };
    arm.send(Method::DELETE, &path, BACKUP_API_VERSION, None, subject)
        .await
        .none_if_not_found()
        .map(drop)
}

#[async_trait]
impl AzureResourceGuards for ArmBackend {
    async fn find_resource_guard(&self, vault: &VaultRef) -> Result<Option<String>, CloudError> {
        find(&self.arm, vault).await
    }

    async fn put_resource_guard(&self, vault: &VaultRef, guard_id: &str) -> Result<(), CloudError> {
        put(&self.arm, vault, guard_id).await
    }

    async fn delete_resource_guard(
        &self,
        vault: &VaultRef,
        guard_id: &str,
    ) -> Result<(), CloudError> {
        delete(&self.arm, vault, guard_id).await
    }
}
